use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::components::error_notice::{ActionError, failure};
use crate::components::session::use_session;

/// `/signup`: creates an account and logs it in.
#[component]
pub fn SignupPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();

    view! {
        <section class="account-form">
            <h1>"Create your account"</h1>
            <ActionForm action=session.sign_up>
                <input type="hidden" name="next" value=next />
                <label for="signup-email">"Email"</label>
                <input id="signup-email" type="email" name="email" autocomplete="email" required />
                <label for="signup-password">"Password"</label>
                <input
                    id="signup-password"
                    type="password"
                    name="password"
                    autocomplete="new-password"
                    required
                />
                <p class="hint">"At least 8 characters."</p>
                <ActionError error=Signal::derive(move || failure(session.sign_up.value().get())) />
                <button type="submit">"Create account"</button>
            </ActionForm>
        </section>
    }
}
