//! Sign-up, login and logout.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The logged-in user as the pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub email: String,
}

#[server(endpoint = "get_current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, ServerFnError> {
    use crate::api::server_context::auth_session;

    let session = auth_session().await?;
    Ok(session.user.map(|user| CurrentUser { email: user.email }))
}

/// Creates an account, logs it in and goes on to `next` (or the pricing page).
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), ServerFnError> {
    use axum::http::StatusCode;

    use crate::api::server_context::{auth_session, fail, unexpected};
    use crate::server::auth::AccountError;

    let mut session = auth_session().await?;
    let user = match session.backend.create_account(&email, password).await {
        Ok(user) => user,
        Err(
            err @ (AccountError::EmailTaken
            | AccountError::PasswordTooShort
            | AccountError::PasswordTooLong
            | AccountError::InvalidEmail),
        ) => return Err(fail(StatusCode::BAD_REQUEST, sentence(&err.to_string()))),
        Err(err) => return Err(unexpected(err)),
    };
    session.login(&user).await.map_err(unexpected)?;
    leptos_axum::redirect(&crate::api::safe_next_path(next.as_deref()));
    Ok(())
}

/// Logs in and goes on to `next` (or the pricing page).
#[server(endpoint = "log_in")]
pub async fn log_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), ServerFnError> {
    use axum::http::StatusCode;

    use crate::api::server_context::{auth_session, fail, unexpected};
    use crate::server::auth::Credentials;

    let mut session = auth_session().await?;
    let user = session
        .authenticate(Credentials { email, password })
        .await
        .map_err(unexpected)?;
    let Some(user) = user else {
        return Err(fail(StatusCode::UNAUTHORIZED, "Invalid email or password"));
    };
    session.login(&user).await.map_err(unexpected)?;
    tracing::info!(user_id = user.id, "logged in");
    leptos_axum::redirect(&crate::api::safe_next_path(next.as_deref()));
    Ok(())
}

#[server(endpoint = "log_out")]
pub async fn log_out() -> Result<(), ServerFnError> {
    use crate::api::server_context::{auth_session, unexpected};

    let mut session = auth_session().await?;
    session.logout().await.map_err(unexpected)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// `the password is short` → `The password is short.`
#[cfg(feature = "ssr")]
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}
