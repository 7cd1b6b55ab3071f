//! The Stripe customer behind each user: created exactly once, on the first subscribe, and
//! linked back to its user by the `customer.*` events.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_core::customer::{CreateCustomer, RetrieveCustomer, RetrieveCustomerReturned};

use super::BillingError;
use crate::server::entities::{subscription, user};
use crate::server::state::AppState;

/// Returns the user's Stripe customer id, creating the customer and storing it if needed.
///
/// Requests racing here make one customer. They take the user's sync lock in turn (across
/// servers on PostgreSQL), so the second finds the id the first stored. Should storing it fail
/// after Stripe made the customer, the creation's idempotency key, derived from the user id,
/// makes Stripe answer the next attempt with the same customer; and the column is filled only
/// while empty.
#[tracing::instrument(skip(state))]
pub async fn ensure_customer(state: &AppState, user_id: i32) -> Result<String, BillingError> {
    create_once(
        state,
        user_id,
        format!("stacker-customer-for-user-{user_id}"),
    )
    .await
}

/// Makes a new customer for a user whose stored one Stripe no longer has (deleted in the
/// dashboard, or an emulator that started over), after forgetting the old one.
#[tracing::instrument(skip(state))]
pub async fn replace_missing_customer(
    state: &AppState,
    user_id: i32,
    missing_id: &str,
) -> Result<String, BillingError> {
    forget_missing_customer(state, user_id, missing_id).await?;
    // A key of its own: the first one would make Stripe answer with the customer that is gone.
    create_once(
        state,
        user_id,
        format!("stacker-customer-for-user-{user_id}-after-{missing_id}"),
    )
    .await
}

/// Unlinks a customer Stripe says does not exist. Its subscriptions went with it: they are
/// stored as canceled and the user's tier is worked out again.
#[tracing::instrument(skip(state))]
pub async fn forget_missing_customer(
    state: &AppState,
    user_id: i32,
    missing_id: &str,
) -> Result<(), BillingError> {
    let lock = state
        .sync_locks
        .acquire(&state.db, format!("customer-for-user:{user_id}"))
        .await?;
    let db = lock.db();
    user::Entity::update_many()
        .col_expr(
            user::Column::StripeCustomerId,
            Expr::value(Option::<String>::None),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::StripeCustomerId.eq(missing_id))
        .exec(&db)
        .await?;
    subscription::Entity::update_many()
        .col_expr(subscription::Column::Status, Expr::value("canceled"))
        .col_expr(subscription::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(subscription::Column::CustomerId.eq(missing_id))
        .exec(&db)
        .await?;
    state
        .tier_policy
        .refresh_user_tier(&db, user_id, state.clock.now())
        .await?;
    lock.release().await?;
    tracing::warn!(customer_id = %missing_id, "Stripe no longer has the customer; unlinked");
    Ok(())
}

/// Returns the user's customer id, creating the customer with `key` if the user has none.
async fn create_once(state: &AppState, user_id: i32, key: String) -> Result<String, BillingError> {
    if let Some(customer_id) = find_user(&state.db, user_id).await?.stripe_customer_id {
        return Ok(customer_id);
    }

    let lock = state
        .sync_locks
        .acquire(&state.db, format!("customer-for-user:{user_id}"))
        .await?;
    let db = lock.db();
    let stored = find_user(&db, user_id).await?;
    if let Some(customer_id) = stored.stripe_customer_id {
        return Ok(customer_id);
    }

    let key = IdempotencyKey::new(key)
        .map_err(|err| BillingError::UnexpectedObject(format!("idempotency key: {err}")))?;
    let metadata = HashMap::from([("user_id".to_owned(), user_id.to_string())]);
    let customer = CreateCustomer::new()
        .email(stored.email)
        .metadata(metadata)
        .customize()
        .request_strategy(RequestStrategy::Idempotent(key))
        .send(&state.stripe)
        .await?;
    let customer_id = customer.id.to_string();

    if !link_customer(&db, user_id, &customer_id).await? {
        let winner = find_user(&db, user_id).await?.stripe_customer_id;
        if winner.as_deref() != Some(customer_id.as_str()) {
            tracing::warn!(%customer_id, ?winner, "the user already has another customer");
        }
        return winner.ok_or(BillingError::NoCustomer);
    }
    lock.release().await?;

    tracing::info!(%customer_id, "Stripe customer created");
    Ok(customer_id)
}

/// Fetches customer `customer_id` and links it to the user its metadata names, when that user
/// has no customer yet.
#[tracing::instrument(skip(state))]
pub async fn sync_customer(state: &AppState, customer_id: &str) -> Result<(), BillingError> {
    let current = match RetrieveCustomer::new(customer_id)
        .send(&state.stripe)
        .await?
    {
        RetrieveCustomerReturned::Customer(current) => current,
        RetrieveCustomerReturned::DeletedCustomer(_) => {
            tracing::info!("customer deleted in Stripe; its subscriptions say the rest");
            return Ok(());
        }
    };
    let owner = current
        .metadata
        .as_ref()
        .and_then(|metadata| metadata.get("user_id"))
        .and_then(|id| id.parse::<i32>().ok());
    let Some(user_id) = owner else {
        tracing::debug!("customer names no user");
        return Ok(());
    };
    let already_linked = user::Entity::find()
        .filter(user::Column::StripeCustomerId.eq(customer_id))
        .one(&state.db)
        .await?
        .is_some();
    if already_linked {
        return Ok(());
    }
    // The email must agree too: a user id alone could name a user of another installation
    // sharing the Stripe account.
    let same_person = user::Entity::find_by_id(user_id)
        .one(&state.db)
        .await?
        .is_some_and(|user| current.email.as_deref() == Some(user.email.as_str()));
    if !same_person {
        return Err(BillingError::UnknownCustomer(customer_id.to_owned()));
    }
    link_customer(&state.db, user_id, customer_id).await?;
    Ok(())
}

/// Stores `customer_id` on a user that has none yet; says whether it did.
pub async fn link_customer(
    db: &impl ConnectionTrait,
    user_id: i32,
    customer_id: &str,
) -> Result<bool, BillingError> {
    let updated = user::Entity::update_many()
        .col_expr(
            user::Column::StripeCustomerId,
            Expr::value(customer_id.to_owned()),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::StripeCustomerId.is_null())
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

async fn find_user(db: &impl ConnectionTrait, user_id: i32) -> Result<user::Model, BillingError> {
    user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| BillingError::UnexpectedObject(format!("user {user_id} no longer exists")))
}
