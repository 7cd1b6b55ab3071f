//! The plans on sale, read from the local catalog mirror: a page view costs no Stripe call and
//! keeps working while Stripe is unreachable. `catalog_sync` keeps the mirror fresh.

use std::collections::BTreeMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::api::catalog::{BillingInterval, Plan, PlanPrice};
use crate::server::entities::{price, product};
use crate::tier::Tier;

/// Every active monthly or yearly price of every active product that names a paid tier,
/// grouped into plans in the products' display order. A product with several active prices for
/// one interval offers the cheapest of them (the lowest id among equals), so the page never
/// depends on the order the database returns rows in.
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
        let slot = match interval {
            BillingInterval::Month => &mut plan.monthly,
            BillingInterval::Year => &mut plan.yearly,
        };
        let better = slot.as_ref().is_none_or(|held| {
            (plan_price.unit_amount, &plan_price.price_id) < (held.unit_amount, &held.price_id)
        });
        if better {
            *slot = Some(plan_price);
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

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::plans_from;
    use crate::server::entities::{price, product};

    fn core() -> product::Model {
        product::Model {
            id: "prod_core".into(),
            name: "Core Stacker".into(),
            active: true,
            tier: Some("core".into()),
            display_order: 2,
            features: "One\nTwo".into(),
            updated_at: Utc::now(),
        }
    }

    fn monthly(id: &str, unit_amount: i64) -> price::Model {
        price::Model {
            id: id.into(),
            product_id: "prod_core".into(),
            active: true,
            currency: "usd".into(),
            unit_amount: Some(unit_amount),
            interval: Some("month".into()),
            interval_count: 1,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn several_prices_for_one_interval_offer_the_cheapest_in_any_order() {
        let prices = [
            monthly("price_b", 1200),
            monthly("price_c", 1500),
            monthly("price_a", 1200),
        ];
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0]] {
            let plans = plans_from(vec![core()], order.map(|i| prices[i].clone()).to_vec());
            let offered = plans[0].monthly.as_ref().expect("a monthly price");
            assert_eq!(offered.price_id, "price_a", "{order:?}");
            assert_eq!(offered.unit_amount, 1200);
            assert!(plans[0].yearly.is_none());
        }
    }
}
