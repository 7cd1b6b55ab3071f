//! The plans on sale, read from the local catalog mirror: a page view costs no Stripe call and
//! keeps working while Stripe is unreachable. `catalog_sync` keeps the mirror fresh.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::api::catalog::{BillingInterval, Plan, PlanPrice};
use crate::server::entities::{price, product};
use crate::tier::Tier;

/// Every active monthly or yearly price of every active product that names a paid tier,
/// grouped into plans in the products' display order.
#[tracing::instrument(skip_all)]
pub async fn active_plans(db: &impl ConnectionTrait) -> Result<Vec<Plan>, sea_orm::DbErr> {
    let products = product::Entity::find()
        .filter(product::Column::Active.eq(true))
        .all(db)
        .await?;
    let prices = price::Entity::find()
        .filter(price::Column::Active.eq(true))
        .all(db)
        .await?;
    Ok(plans_from(products, prices))
}

fn plans_from(products: Vec<product::Model>, prices: Vec<price::Model>) -> Vec<Plan> {
    let mut plans: BTreeMap<String, (i64, Plan)> = products
        .into_iter()
        .filter_map(|product| {
            let tier = product
                .tier
                .as_deref()?
                .parse::<Tier>()
                .ok()
                .filter(|tier| *tier != Tier::Free)?;
            let plan = Plan {
                product_id: product.id.clone(),
                name: product.name,
                tier,
                features: product.features.lines().map(str::to_owned).collect(),
                monthly: None,
                yearly: None,
            };
            Some((product.id, (product.display_order, plan)))
        })
        .collect();

    for price in prices {
        let Some(interval) = billing_interval(&price) else {
            continue;
        };
        let Some((_, plan)) = plans.get_mut(&price.product_id) else {
            continue;
        };
        let plan_price = PlanPrice {
            price_id: price.id,
            unit_amount: price.unit_amount.unwrap_or_default(),
            currency: price.currency,
            interval,
        };
        match interval {
            BillingInterval::Month => plan.monthly = Some(plan_price),
            BillingInterval::Year => plan.yearly = Some(plan_price),
        }
    }

    let mut plans: Vec<(i64, Plan)> = plans
        .into_values()
        .filter(|(_, plan)| plan.monthly.is_some() || plan.yearly.is_some())
        .collect();
    plans.sort_by(|(a_order, a), (b_order, b)| a_order.cmp(b_order).then(a.name.cmp(&b.name)));
    plans.into_iter().map(|(_, plan)| plan).collect()
}

fn billing_interval(price: &price::Model) -> Option<BillingInterval> {
    if price.interval_count != 1 {
        return None;
    }
    match price.interval.as_deref()? {
        "month" => Some(BillingInterval::Month),
        "year" => Some(BillingInterval::Year),
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
