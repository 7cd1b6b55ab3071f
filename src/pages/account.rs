use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::account::{AccountOverview, OpenBillingPortal, get_account};
use crate::api::error_message;
use crate::components::error_notice::{ActionError, failure};
use crate::components::session::use_session;

/// `/account`: the user's email, plan, subscription status and renewal date. Visitors are sent
/// to log in and brought back here.
#[component]
pub fn AccountPage() -> impl IntoView {
    let session = use_session();
    let account = Resource::new(move || session.version(), |_| get_account());

    view! {
        <section class="account">
            <Suspense fallback=|| view! { <p>"Loading your account…"</p> }>
                {move || {
                    account
                        .get()
                        .map(|result| match result {
                            Ok(Some(overview)) => view! { <AccountDetails overview /> }.into_any(),
                            Ok(None) => view! { <Redirect path="/login?next=/account" /> }.into_any(),
                            Err(err) => {
                                view! { <p class="error" role="alert">{error_message(&err)}</p> }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn AccountDetails(overview: AccountOverview) -> impl IntoView {
    let portal = ServerAction::<OpenBillingPortal>::new();
    let subscription = overview.subscription.map(|summary| {
        let date_label = if summary.cancel_at_period_end {
            "Cancels on"
        } else {
            "Renews on"
        };
        view! {
            <p>{format!("Status: {}", summary.status)}</p>
            <p>{format!("{date_label}: {}", summary.period_end)}</p>
        }
    });

    view! {
        <h1>"Your account"</h1>
        <p class="email">{overview.email}</p>
        <p class="plan-name">{format!("Plan: {}", overview.plan_name)}</p>
        {subscription}
        <Show when=move || overview.has_billing>
            <ActionForm action=portal>
                <button type="submit">"Manage billing"</button>
            </ActionForm>
        </Show>
        <ActionError error=Signal::derive(move || failure(portal.value().get())) />
    }
}
