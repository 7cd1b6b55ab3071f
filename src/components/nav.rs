use leptos::prelude::*;
use leptos_router::components::A;

use super::session::use_session;

/// The site header: pricing, the members' pages and the account links.
#[component]
pub fn Nav() -> impl IntoView {
    let session = use_session();
    let logged_in = move || session.user.get().and_then(Result::ok).flatten().is_some();

    view! {
        <header class="site-header">
            <nav>
                <a href="/" class="brand">"stacker"</a>
                <A href="/">"Pricing"</A>
                <A href="/plans/lightning">"Lightning area"</A>
                <A href="/plans/core">"Core area"</A>
                <A href="/plans/spark">"Spark area"</A>
                <span class="nav-spacer"></span>
                <Transition fallback=|| ()>
                    <Show
                        when=logged_in
                        fallback=|| {
                            view! {
                                <A href="/login">"Log in"</A>
                                <A href="/signup">"Sign up"</A>
                            }
                        }
                    >
                        <A href="/account">"Account"</A>
                        <ActionForm action=session.log_out attr:class="inline-form">
                            <button type="submit" class="link-button">"Log out"</button>
                        </ActionForm>
                    </Show>
                </Transition>
            </nav>
        </header>
    }
}
