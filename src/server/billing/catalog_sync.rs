//! Keeps the catalog mirror equal to Stripe: one product or price at a time (from `product.*`
//! and `price.*` events), or the whole catalog (at start and from the `sync` command).

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use stripe_product::price::{ListPrice, RetrievePrice};
use stripe_product::product::{ListProduct, RetrieveProduct};
use stripe_shared::{Price, Product};

use super::BillingError;
use crate::server::entities::{price, product, subscription};
use crate::server::state::AppState;
use crate::tier::Tier;

/// How many objects a whole-catalog sync stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogCounts {
    pub products: usize,
    pub prices: usize,
}

/// Fetches product `product_id` and stores it; a product Stripe no longer has is kept as
/// inactive. Subscriptions to the product take on its tier if its `tier` metadata changed.
#[tracing::instrument(skip(state))]
pub async fn sync_product(state: &AppState, product_id: &str) -> Result<(), BillingError> {
    let lock = state
        .sync_locks
        .acquire(&state.db, format!("product:{product_id}"))
        .await?;
    match RetrieveProduct::new(product_id).send(&state.stripe).await {
        Ok(current) => {
            store_product(&lock.db(), &current).await?;
            retier_subscriptions(state, &lock.db(), product_id, product_tier(&current)).await?;
        }
        Err(err) if BillingError::is_stripe_not_found(&err) => {
            product::Entity::update_many()
                .col_expr(product::Column::Active, Expr::value(false))
                .col_expr(product::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(product::Column::Id.eq(product_id))
                .exec(&lock.db())
                .await?;
            tracing::info!("product gone from Stripe; kept as inactive");
        }
        Err(err) => return Err(err.into()),
    }
    lock.release().await?;
    Ok(())
}

/// Fetches price `price_id` and stores it, whether or not its product is stored yet.
#[tracing::instrument(skip(state))]
pub async fn sync_price(state: &AppState, price_id: &str) -> Result<(), BillingError> {
    let lock = state
        .sync_locks
        .acquire(&state.db, format!("price:{price_id}"))
        .await?;
    match RetrievePrice::new(price_id).send(&state.stripe).await {
        Ok(current) => store_price(&lock.db(), &current).await?,
        Err(err) if BillingError::is_stripe_not_found(&err) => {
            price::Entity::update_many()
                .col_expr(price::Column::Active, Expr::value(false))
                .col_expr(price::Column::UpdatedAt, Expr::value(Utc::now()))
                .filter(price::Column::Id.eq(price_id))
                .exec(&lock.db())
                .await?;
            tracing::info!("price gone from Stripe; kept as inactive");
        }
        Err(err) => return Err(err.into()),
    }
    lock.release().await?;
    Ok(())
}

/// Gives the product's subscriptions the product's current tier and refreshes their users'
/// tiers, when the product's `tier` metadata changed since they were stored.
async fn retier_subscriptions(
    state: &AppState,
    db: &impl ConnectionTrait,
    product_id: &str,
    tier: Option<Tier>,
) -> Result<(), BillingError> {
    let tier = tier.unwrap_or(Tier::Free).as_str();
    let changed = subscription::Entity::find()
        .filter(subscription::Column::ProductId.eq(product_id))
        .filter(subscription::Column::Tier.ne(tier))
        .all(db)
        .await?;
    if changed.is_empty() {
        return Ok(());
    }
    subscription::Entity::update_many()
        .col_expr(subscription::Column::Tier, Expr::value(tier))
        .filter(subscription::Column::ProductId.eq(product_id))
        .exec(db)
        .await?;
    let users: BTreeSet<i32> = changed.iter().map(|row| row.user_id).collect();
    for user_id in users {
        state
            .tier_policy
            .refresh_user_tier(db, user_id, state.clock.now())
            .await?;
    }
    tracing::info!(
        tier,
        subscriptions = changed.len(),
        "product's tier changed"
    );
    Ok(())
}

/// Fetches every product and price (active or not) and stores them all. Objects the mirror
/// holds that Stripe did not list are marked inactive.
#[tracing::instrument(skip_all)]
pub async fn sync_catalog(state: &AppState) -> Result<CatalogCounts, BillingError> {
    let products = all_products(&state.stripe).await?;
    let prices = all_prices(&state.stripe).await?;

    for current in &products {
        let lock = state
            .sync_locks
            .acquire(&state.db, format!("product:{}", current.id))
            .await?;
        store_product(&lock.db(), current).await?;
        retier_subscriptions(
            state,
            &lock.db(),
            current.id.as_str(),
            product_tier(current),
        )
        .await?;
        lock.release().await?;
    }
    for current in &prices {
        let lock = state
            .sync_locks
            .acquire(&state.db, format!("price:{}", current.id))
            .await?;
        store_price(&lock.db(), current).await?;
        lock.release().await?;
    }
    let listed_products: Vec<String> = products.iter().map(|p| p.id.to_string()).collect();
    let listed_prices: Vec<String> = prices.iter().map(|p| p.id.to_string()).collect();
    product::Entity::update_many()
        .col_expr(product::Column::Active, Expr::value(false))
        .filter(product::Column::Id.is_not_in(listed_products))
        .exec(&state.db)
        .await?;
    price::Entity::update_many()
        .col_expr(price::Column::Active, Expr::value(false))
        .filter(price::Column::Id.is_not_in(listed_prices))
        .exec(&state.db)
        .await?;

    let counts = CatalogCounts {
        products: products.len(),
        prices: prices.len(),
    };
    tracing::info!(?counts, "catalog synced");
    Ok(counts)
}

async fn all_products(stripe: &stripe::Client) -> Result<Vec<Product>, BillingError> {
    let mut all = Vec::new();
    loop {
        let mut request = ListProduct::new().limit(100);
        if let Some(last) = all.last() {
            let last: &Product = last;
            request = request.starting_after(last.id.as_str());
        }
        let page = request.send(stripe).await?;
        all.extend(page.data);
        if !page.has_more {
            return Ok(all);
        }
    }
}

async fn all_prices(stripe: &stripe::Client) -> Result<Vec<Price>, BillingError> {
    let mut all = Vec::new();
    loop {
        let mut request = ListPrice::new().limit(100);
        if let Some(last) = all.last() {
            let last: &Price = last;
            request = request.starting_after(last.id.as_str());
        }
        let page = request.send(stripe).await?;
        all.extend(page.data);
        if !page.has_more {
            return Ok(all);
        }
    }
}

/// The tier a product grants, from its `tier` metadata (never from its name).
pub fn product_tier(current: &Product) -> Option<Tier> {
    current
        .metadata
        .get("tier")?
        .parse::<Tier>()
        .ok()
        .filter(|tier| *tier != Tier::Free)
}

async fn store_product(db: &impl ConnectionTrait, current: &Product) -> Result<(), BillingError> {
    let features = current
        .metadata
        .get("features")
        .map(|list| {
            list.split(';')
                .map(str::trim)
                .filter(|feature| !feature.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let row = product::ActiveModel {
        id: Set(current.id.to_string()),
        name: Set(current.name.clone()),
        active: Set(current.active),
        tier: Set(product_tier(current).map(|tier| tier.as_str().to_owned())),
        display_order: Set(current
            .metadata
            .get("display_order")
            .and_then(|order| order.parse().ok())
            .unwrap_or(i64::MAX)),
        features: Set(features),
        updated_at: Set(Utc::now()),
    };
    product::Entity::insert(row)
        .on_conflict(
            OnConflict::column(product::Column::Id)
                .update_columns([
                    product::Column::Name,
                    product::Column::Active,
                    product::Column::Tier,
                    product::Column::DisplayOrder,
                    product::Column::Features,
                    product::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

async fn store_price(db: &impl ConnectionTrait, current: &Price) -> Result<(), BillingError> {
    let recurring = current.recurring.as_ref();
    let row = price::ActiveModel {
        id: Set(current.id.to_string()),
        product_id: Set(current.product.id().to_string()),
        active: Set(current.active),
        currency: Set(current.currency.to_string()),
        unit_amount: Set(current.unit_amount),
        interval: Set(recurring.map(|r| r.interval.as_str().to_owned())),
        interval_count: Set(
            recurring.map_or(1, |r| i32::try_from(r.interval_count).unwrap_or(i32::MAX))
        ),
        updated_at: Set(Utc::now()),
    };
    price::Entity::insert(row)
        .on_conflict(
            OnConflict::column(price::Column::Id)
                .update_columns([
                    price::Column::ProductId,
                    price::Column::Active,
                    price::Column::Currency,
                    price::Column::UnitAmount,
                    price::Column::Interval,
                    price::Column::IntervalCount,
                    price::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}
