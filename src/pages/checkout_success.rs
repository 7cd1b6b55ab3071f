use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::checkout::{CheckoutStatus, confirm_checkout};
use crate::api::error_message;

/// `/checkout/success?session_id=cs_…`: where Checkout returns after payment. It stores the new
/// subscription from Stripe and asks again every second until Stripe has created it.
#[component]
pub fn CheckoutSuccessPage() -> impl IntoView {
    let query = use_query_map();
    let session_id = move || query.read().get("session_id").unwrap_or_default();
    let attempt = RwSignal::new(0_u32);
    let status = Resource::new(
        move || (session_id(), attempt.get()),
        |(id, _)| confirm_checkout(id),
    );

    Effect::new(move |_| {
        if let Some(Ok(CheckoutStatus::Confirming)) = status.get() {
            set_timeout(move || attempt.update(|n| *n += 1), Duration::from_secs(1));
        }
    });

    view! {
        <section class="checkout-result">
            <Transition fallback=|| view! { <p>"Confirming your payment…"</p> }>
                {move || {
                    status
                        .get()
                        .map(|result| match result {
                            Ok(CheckoutStatus::Subscribed { plan_name }) => {
                                view! {
                                    <h1>{format!("You're subscribed to {plan_name}")}</h1>
                                    <p>
                                        "Thank you! Your plan is active. "
                                        <a href="/account">"See your account"</a>
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(CheckoutStatus::Confirming) => {
                                view! { <p class="notice">"Confirming your payment…"</p> }.into_any()
                            }
                            Err(err) => {
                                view! {
                                    <p class="error" role="alert">{error_message(&err)}</p>
                                    <p><a href="/">"Back to the plans"</a></p>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Transition>
        </section>
    }
}
