//! Stripe's billing portal, where customers change or cancel their subscription.

use sea_orm::EntityTrait;
use stripe_billing::billing_portal_session::CreateBillingPortalSession;

use super::{BillingError, customer};
use crate::server::entities::user;
use crate::server::state::AppState;

/// Opens a portal session for the user's customer and returns its URL.
#[tracing::instrument(skip(state))]
pub async fn open_portal(state: &AppState, user_id: i32) -> Result<String, BillingError> {
    let customer_id = user::Entity::find_by_id(user_id)
        .one(&state.db)
        .await?
        .and_then(|user| user.stripe_customer_id)
        .ok_or(BillingError::NoCustomer)?;

    let session = CreateBillingPortalSession::new()
        .customer(customer_id.clone())
        .return_url(format!("{}/account", state.settings.public_url()))
        .send(&state.stripe)
        .await
        .map_err(BillingError::from);
    match session {
        Ok(session) => Ok(session.url),
        Err(err) if err.is_missing_customer() => {
            customer::forget_missing_customer(state, user_id, &customer_id).await?;
            Err(BillingError::NoCustomer)
        }
        Err(err) => Err(err),
    }
}
