//! The plans on sale, read from Stripe's active prices and their products.

use std::collections::BTreeMap;

use stripe_product::price::ListPrice;
use stripe_shared::{Price, Product, RecurringInterval};

use super::BillingError;
use crate::api::catalog::{BillingInterval, Plan, PlanPrice};
use crate::tier::Tier;

/// Lists every active recurring price of every active product that names a paid tier, grouped
/// into plans in the products' display order.
#[tracing::instrument(skip_all)]
pub async fn active_plans(stripe: &stripe::Client) -> Result<Vec<Plan>, BillingError> {
    let prices = ListPrice::new()
        .active(true)
        .limit(100)
        .expand(vec!["data.product".to_owned()])
        .send(stripe)
        .await?;

    let mut plans: BTreeMap<String, (i64, Plan)> = BTreeMap::new();
    for price in prices.data {
        let Some(interval) = billing_interval(&price) else {
            continue;
        };
        let Some(product) = price.product.as_object() else {
            continue;
        };
        let Some(tier) = product_tier(product) else {
            continue;
        };
        if !product.active {
            continue;
        }

        let (_, plan) = plans
            .entry(product.id.to_string())
            .or_insert_with(|| (display_order(product), new_plan(product, tier)));
        let plan_price = PlanPrice {
            price_id: price.id.to_string(),
            unit_amount: price.unit_amount.unwrap_or_default(),
            currency: price.currency.to_string(),
            interval,
        };
        match interval {
            BillingInterval::Month => plan.monthly = Some(plan_price),
            BillingInterval::Year => plan.yearly = Some(plan_price),
        }
    }

    let mut plans: Vec<(i64, Plan)> = plans.into_values().collect();
    plans.sort_by(|(a_order, a), (b_order, b)| a_order.cmp(b_order).then(a.name.cmp(&b.name)));
    Ok(plans.into_iter().map(|(_, plan)| plan).collect())
}

/// The tier a product grants, from its `tier` metadata.
pub fn product_tier(product: &Product) -> Option<Tier> {
    product
        .metadata
        .get("tier")?
        .parse::<Tier>()
        .ok()
        .filter(|tier| *tier != Tier::Free)
}

fn display_order(product: &Product) -> i64 {
    product
        .metadata
        .get("display_order")
        .and_then(|order| order.parse().ok())
        .unwrap_or(i64::MAX)
}

fn new_plan(product: &Product, tier: Tier) -> Plan {
    let features = product
        .metadata
        .get("features")
        .map(|list| {
            list.split(';')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Plan {
        product_id: product.id.to_string(),
        name: product.name.clone(),
        tier,
        features,
        monthly: None,
        yearly: None,
    }
}

fn billing_interval(price: &Price) -> Option<BillingInterval> {
    let recurring = price.recurring.as_ref()?;
    if recurring.interval_count != 1 {
        return None;
    }
    match recurring.interval {
        RecurringInterval::Month => Some(BillingInterval::Month),
        RecurringInterval::Year => Some(BillingInterval::Year),
        _ => None,
    }
}

/// Finds a price among the plans on sale.
pub fn find_price<'a>(plans: &'a [Plan], price_id: &str) -> Option<(&'a Plan, &'a PlanPrice)> {
    plans.iter().find_map(|plan| {
        [plan.monthly.as_ref(), plan.yearly.as_ref()]
            .into_iter()
            .flatten()
            .find(|price| price.price_id == price_id)
            .map(|price| (plan, price))
    })
}
