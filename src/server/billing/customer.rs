//! The Stripe customer behind each user: created on the first subscribe, then reused.

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use stripe_core::customer::CreateCustomer;

use super::BillingError;
use crate::server::entities::user;

/// Returns the user's Stripe customer id, creating the customer and storing it if needed.
#[tracing::instrument(skip(db, stripe))]
pub async fn ensure_customer(
    db: &DatabaseConnection,
    stripe: &stripe::Client,
    user_id: i32,
) -> Result<String, BillingError> {
    let stored = find_user(db, user_id).await?;
    if let Some(customer_id) = stored.stripe_customer_id {
        return Ok(customer_id);
    }

    let metadata = HashMap::from([("user_id".to_owned(), user_id.to_string())]);
    let customer = CreateCustomer::new()
        .email(stored.email)
        .metadata(metadata)
        .send(stripe)
        .await?;
    let customer_id = customer.id.to_string();

    // Only fill an empty column: if another request stored a customer meanwhile, keep theirs.
    let updated = user::Entity::update_many()
        .col_expr(
            user::Column::StripeCustomerId,
            Expr::value(customer_id.clone()),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::StripeCustomerId.is_null())
        .exec(db)
        .await?;
    if updated.rows_affected == 0 {
        let winner = find_user(db, user_id).await?.stripe_customer_id;
        tracing::warn!(%customer_id, ?winner, "another request stored a customer first");
        return winner.ok_or(BillingError::NoCustomer);
    }

    tracing::info!(%customer_id, "Stripe customer created");
    Ok(customer_id)
}

/// Links a customer to a user that has none yet (a customer made outside the subscribe flow).
pub async fn link_customer(
    db: &DatabaseConnection,
    user_id: i32,
    customer_id: &str,
) -> Result<(), BillingError> {
    user::Entity::update_many()
        .col_expr(
            user::Column::StripeCustomerId,
            Expr::value(customer_id.to_owned()),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::StripeCustomerId.is_null())
        .exec(db)
        .await?;
    Ok(())
}

async fn find_user(db: &DatabaseConnection, user_id: i32) -> Result<user::Model, BillingError> {
    user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(|| BillingError::UnexpectedObject(format!("user {user_id} no longer exists")))
}
