use leptos::prelude::*;

use crate::api::catalog::{BillingInterval, Plan};
use crate::api::checkout::Subscribe;

/// One plan on the pricing page, with its price for the chosen interval and a Subscribe button.
#[component]
pub fn PlanCard(
    plan: Plan,
    interval: Signal<BillingInterval>,
    selected: bool,
    subscribe: ServerAction<Subscribe>,
) -> impl IntoView {
    let tier = plan.tier.as_str();
    let name = plan.name.clone();
    let features = plan.features.clone();
    let price = StoredValue::new(plan);
    let price_text = move || {
        price.with_value(|plan| {
            plan.price(interval.get())
                .map(|p| p.display())
                .unwrap_or_else(|| "Not available".into())
        })
    };
    let price_id = move || {
        price.with_value(|plan| {
            plan.price(interval.get())
                .map(|p| p.price_id.clone())
                .unwrap_or_default()
        })
    };

    view! {
        <article class="plan" class:selected=selected data-tier=tier>
            <h2>{name}</h2>
            <p class="price">{price_text}</p>
            <ul class="features">
                {features.into_iter().map(|feature| view! { <li>{feature}</li> }).collect_view()}
            </ul>
            <ActionForm action=subscribe>
                <input type="hidden" name="price_id" value=price_id />
                <button type="submit" disabled=move || price_id().is_empty()>
                    "Subscribe"
                </button>
            </ActionForm>
        </article>
    }
}
