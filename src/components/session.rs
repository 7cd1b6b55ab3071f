//! Who is logged in, known to every page, refreshed after each login, sign-up and logout.

use leptos::prelude::*;

use crate::api::auth::{CurrentUser, LogIn, LogOut, SignUp, get_current_user};

/// The actions that change who is logged in, and the user they lead to.
#[derive(Clone, Copy)]
pub struct Session {
    pub sign_up: ServerAction<SignUp>,
    pub log_in: ServerAction<LogIn>,
    pub log_out: ServerAction<LogOut>,
    pub user: Resource<Result<Option<CurrentUser>, ServerFnError>>,
}

impl Session {
    /// Changes whenever one of the actions completes; resources that depend on the user key on it.
    pub fn version(&self) -> usize {
        self.sign_up.version().get() + self.log_in.version().get() + self.log_out.version().get()
    }
}

pub fn provide_session() {
    let sign_up = ServerAction::<SignUp>::new();
    let log_in = ServerAction::<LogIn>::new();
    let log_out = ServerAction::<LogOut>::new();
    let version =
        move || sign_up.version().get() + log_in.version().get() + log_out.version().get();
    let user = Resource::new(version, |_| get_current_user());
    provide_context(Session {
        sign_up,
        log_in,
        log_out,
        user,
    });
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
