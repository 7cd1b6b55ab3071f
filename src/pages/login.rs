use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::error_notice::{ActionError, failure};
use crate::components::session::use_session;

/// `/login`: logs in and returns to `?next=` (or the pricing page).
#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();

    view! {
        <section class="account-form">
            <h1>"Log in to stacker"</h1>
            <ActionForm action=session.log_in>
                <input type="hidden" name="next" value=next />
                <label for="login-email">"Email"</label>
                <input id="login-email" type="email" name="email" autocomplete="email" required />
                <label for="login-password">"Password"</label>
                <input
                    id="login-password"
                    type="password"
                    name="password"
                    autocomplete="current-password"
                    required
                />
                <ActionError error=Signal::derive(move || failure(session.log_in.value().get())) />
                <button type="submit">"Log in"</button>
            </ActionForm>
        </section>
    }
}
