use leptos::prelude::*;

use super::set_response_status;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_response_status(404);
    view! {
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p><a href="/">"Back to the plans"</a></p>
        </section>
    }
}
