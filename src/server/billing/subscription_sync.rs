//! Brings a stored subscription in line with Stripe: fetch the current object, upsert it, then
//! recompute the user's tier, in one transaction. Webhooks, the Checkout success page and the
//! `sync` command all end here, so the order and repetition of events cannot matter; the sync
//! lock keeps two overlapping syncs of one subscription from storing the older fetch last.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use stripe_billing::subscription::{
    ListSubscription, ListSubscriptionStatus, RetrieveSubscription,
};
use stripe_product::product::RetrieveProduct;
use stripe_shared::Subscription;

use super::sync_lock::LockedConnection;
use super::{BillingError, catalog_sync};
use crate::server::entities::{subscription, user};
use crate::server::state::AppState;
use crate::tier::Tier;

/// The outcome of one sync.
#[derive(Debug, Clone, Copy)]
pub struct SyncedSubscription {
    pub user_id: i32,
    /// The user's tier after the sync, over all of their subscriptions.
    pub user_tier: Tier,
}

/// Fetches subscription `subscription_id` from Stripe and stores it for its user, found by the
/// subscription's customer or else by `owner` (the user a Checkout session names).
#[tracing::instrument(skip(state))]
pub async fn sync_subscription(
    state: &AppState,
    subscription_id: &str,
    owner: Option<i32>,
) -> Result<SyncedSubscription, BillingError> {
    let lock = state
        .sync_locks
        .acquire(&state.db, format!("subscription:{subscription_id}"))
        .await?;
    let current = RetrieveSubscription::new(subscription_id)
        .expand(vec!["items.data.price.product".to_owned()])
        .send(&state.stripe)
        .await?;
    let synced = store(state, &lock.db(), &current, owner).await?;
    lock.release().await?;
    Ok(synced)
}

/// Syncs every subscription of every customer a user has, in any status. Answers how many were
/// stored. The list only names them: each is fetched again under its sync lock.
#[tracing::instrument(skip_all)]
pub async fn sync_all_customers(state: &AppState) -> Result<usize, BillingError> {
    let users = user::Entity::find()
        .filter(user::Column::StripeCustomerId.is_not_null())
        .all(&state.db)
        .await?;
    let mut stored = 0;
    for owner in users {
        let Some(customer_id) = owner.stripe_customer_id else {
            continue;
        };
        let mut starting_after: Option<String> = None;
        loop {
            let mut request = ListSubscription::new()
                .customer(customer_id.as_str())
                .status(ListSubscriptionStatus::All)
                .limit(100);
            if let Some(last) = &starting_after {
                request = request.starting_after(last.as_str());
            }
            let page = request.send(&state.stripe).await?;
            for listed in &page.data {
                sync_subscription(state, listed.id.as_str(), Some(owner.id)).await?;
                stored += 1;
            }
            starting_after = page.data.last().map(|last| last.id.to_string());
            if !page.has_more || starting_after.is_none() {
                break;
            }
        }
        state
            .tier_policy
            .refresh_user_tier(&state.db, owner.id, state.clock.now())
            .await?;
    }
    Ok(stored)
}

async fn store(
    state: &AppState,
    db: &LockedConnection<'_>,
    current: &Subscription,
    owner: Option<i32>,
) -> Result<SyncedSubscription, BillingError> {
    let customer_id = current.customer.id().to_string();
    let user_id = find_owner(db, &customer_id, owner).await?;
    let tier = subscription_tier(state, current).await?;
    let row = to_row(current, user_id, &customer_id, tier)?;

    let txn = db.begin().await?;
    subscription::Entity::insert(row)
        .on_conflict(
            OnConflict::column(subscription::Column::Id)
                .update_columns([
                    subscription::Column::UserId,
                    subscription::Column::CustomerId,
                    subscription::Column::PriceId,
                    subscription::Column::ProductId,
                    subscription::Column::Tier,
                    subscription::Column::Status,
                    subscription::Column::CurrentPeriodStart,
                    subscription::Column::CurrentPeriodEnd,
                    subscription::Column::CancelAtPeriodEnd,
                    subscription::Column::TrialEnd,
                    subscription::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(&txn)
        .await?;
    let user_tier = state
        .tier_policy
        .refresh_user_tier(&txn, user_id, state.clock.now())
        .await?;
    txn.commit().await?;

    tracing::info!(
        user_id,
        %customer_id,
        subscription_id = %current.id,
        status = current.status.as_str(),
        %user_tier,
        "subscription synced"
    );
    Ok(SyncedSubscription { user_id, user_tier })
}

async fn find_owner(
    db: &impl ConnectionTrait,
    customer_id: &str,
    owner: Option<i32>,
) -> Result<i32, BillingError> {
    let by_customer = user::Entity::find()
        .filter(user::Column::StripeCustomerId.eq(customer_id))
        .one(db)
        .await?;
    match (by_customer, owner) {
        (Some(found), _) => Ok(found.id),
        (None, Some(user_id)) => user::Entity::find_by_id(user_id)
            .one(db)
            .await?
            .map(|found| found.id)
            .ok_or_else(|| BillingError::UnknownCustomer(customer_id.to_owned())),
        (None, None) => Err(BillingError::UnknownCustomer(customer_id.to_owned())),
    }
}

/// The tier of the subscription's product, from the product's `tier` metadata.
async fn subscription_tier(state: &AppState, current: &Subscription) -> Result<Tier, BillingError> {
    let price = &first_item(current)?.price;
    let tier = match price.product.as_object() {
        Some(product) => catalog_sync::product_tier(product),
        None => {
            let product = RetrieveProduct::new(price.product.id().clone())
                .send(&state.stripe)
                .await?;
            catalog_sync::product_tier(&product)
        }
    };
    Ok(tier.unwrap_or(Tier::Free))
}

fn first_item(current: &Subscription) -> Result<&stripe_shared::SubscriptionItem, BillingError> {
    current.items.data.first().ok_or_else(|| {
        BillingError::UnexpectedObject(format!("subscription {} has no items", current.id))
    })
}

fn to_row(
    current: &Subscription,
    user_id: i32,
    customer_id: &str,
    tier: Tier,
) -> Result<subscription::ActiveModel, BillingError> {
    let item = first_item(current)?;
    Ok(subscription::ActiveModel {
        id: Set(current.id.to_string()),
        user_id: Set(user_id),
        customer_id: Set(customer_id.to_owned()),
        price_id: Set(item.price.id.to_string()),
        product_id: Set(item.price.product.id().to_string()),
        tier: Set(tier.as_str().to_owned()),
        status: Set(current.status.as_str().to_owned()),
        current_period_start: Set(Some(timestamp(item.current_period_start)?)),
        current_period_end: Set(timestamp(item.current_period_end)?),
        cancel_at_period_end: Set(current.cancel_at_period_end),
        trial_end: Set(current.trial_end.map(timestamp).transpose()?),
        updated_at: Set(Utc::now()),
    })
}

fn timestamp(seconds: i64) -> Result<DateTime<Utc>, BillingError> {
    DateTime::from_timestamp(seconds, 0)
        .ok_or_else(|| BillingError::UnexpectedObject(format!("timestamp {seconds} out of range")))
}
