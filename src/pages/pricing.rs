use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::catalog::{BillingInterval, list_plans};
use crate::api::checkout::Subscribe;
use crate::api::error_message;
use crate::components::error_notice::{ActionError, failure};
use crate::components::plan_card::PlanCard;

/// `/`: the plans, monthly or yearly. `?plan=<price id>` marks the plan a visitor picked before
/// logging in; `?checkout=cancelled` says that Checkout was left without paying.
#[component]
pub fn PricingPage() -> impl IntoView {
    let plans = Resource::new(|| (), |_| list_plans());
    let query = use_query_map();
    let picked = move || query.read().get("plan");
    let cancelled = move || query.read().get("checkout").as_deref() == Some("cancelled");
    let interval = RwSignal::new(BillingInterval::Month);
    let subscribe = ServerAction::<Subscribe>::new();

    view! {
        <section class="pricing">
            <h1>"Choose your plan"</h1>
            <Show when=cancelled>
                <p class="notice">"Checkout was cancelled; nothing was charged."</p>
            </Show>
            <div class="interval-toggle" role="group" aria-label="Billing interval">
                <IntervalButton interval value=BillingInterval::Month label="Monthly" />
                <IntervalButton interval value=BillingInterval::Year label="Yearly" />
            </div>
            <ActionError error=Signal::derive(move || failure(subscribe.value().get())) />
            <Suspense fallback=|| view! { <p>"Loading plans…"</p> }>
                {move || {
                    plans
                        .get()
                        .map(|result| match result {
                            Ok(plans) => {
                                let picked = picked();
                                view! {
                                    <div class="plans">
                                        {plans
                                            .into_iter()
                                            .map(|plan| {
                                                let selected = picked.as_ref().is_some_and(|id| {
                                                    [&plan.monthly, &plan.yearly]
                                                        .into_iter()
                                                        .flatten()
                                                        .any(|price| &price.price_id == id)
                                                });
                                                view! {
                                                    <PlanCard
                                                        plan
                                                        interval=interval.into()
                                                        selected
                                                        subscribe
                                                    />
                                                }
                                            })
                                            .collect_view()}
                                    </div>
                                }
                                    .into_any()
                            }
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
fn IntervalButton(
    interval: RwSignal<BillingInterval>,
    value: BillingInterval,
    label: &'static str,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class:active=move || interval.get() == value
            aria-pressed=move || (interval.get() == value).to_string()
            on:click=move |_| interval.set(value)
        >
            {label}
        </button>
    }
}
