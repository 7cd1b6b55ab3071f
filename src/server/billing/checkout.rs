//! Stripe Checkout: starting a subscription purchase and confirming it on return.

use std::collections::HashMap;

use stripe_billing::subscription::{ListSubscription, ListSubscriptionStatus};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, ExpireCheckoutSession,
    ListCheckoutSession, RetrieveCheckoutSession,
};
use stripe_shared::{CheckoutSessionMode, CheckoutSessionStatus};

use super::{BillingError, catalog, customer, subscription_sync};
use crate::server::state::AppState;
use crate::tier::Tier;

/// Creates a Checkout session for one of the plans on sale and returns the URL to send the
/// browser to. The price is checked against the catalog before anything is created.
#[tracing::instrument(skip(state))]
pub async fn start_checkout(
    state: &AppState,
    user_id: i32,
    price_id: &str,
) -> Result<String, BillingError> {
    let plans = catalog::active_plans(&state.db).await?;
    if catalog::find_price(&plans, price_id).is_none() {
        return Err(BillingError::UnknownPrice(price_id.to_owned()));
    }

    let customer_id = customer::ensure_customer(state, user_id).await?;
    match checkout_for(state, user_id, price_id, &customer_id).await {
        Err(err) if err.is_missing_customer() => {
            let replacement =
                customer::replace_missing_customer(state, user_id, &customer_id).await?;
            checkout_for(state, user_id, price_id, &replacement).await
        }
        result => result,
    }
}

/// The Checkout session for `customer_id`, after making sure it will not bill them twice.
async fn checkout_for(
    state: &AppState,
    user_id: i32,
    price_id: &str,
    customer_id: &str,
) -> Result<String, BillingError> {
    refuse_second_subscription(state, customer_id).await?;
    expire_open_sessions(state, customer_id).await?;
    let public_url = state.settings.public_url();
    let mut line_item = CreateCheckoutSessionLineItems::new();
    line_item.price = Some(price_id.to_owned());
    line_item.quantity = Some(1);

    let session = CreateCheckoutSession::new()
        .mode(CheckoutSessionMode::Subscription)
        .customer(customer_id)
        .client_reference_id(user_id.to_string())
        .metadata(HashMap::from([("user_id".to_owned(), user_id.to_string())]))
        .line_items(vec![line_item])
        .success_url(format!(
            "{public_url}/checkout/success?session_id={{CHECKOUT_SESSION_ID}}"
        ))
        .cancel_url(format!("{public_url}/?checkout=cancelled"))
        .send(&state.stripe)
        .await?;

    tracing::info!(checkout_session_id = %session.id, %customer_id, "checkout session created");
    session
        .url
        .ok_or_else(|| BillingError::UnexpectedObject("checkout session without a url".into()))
}

/// A customer with a subscription that still runs (or may run again once paid) changes plans in
/// the billing portal; a second Checkout would bill them twice. Stripe is asked rather than the
/// local copy, which may not have heard of a subscription made moments ago.
async fn refuse_second_subscription(
    state: &AppState,
    customer_id: &str,
) -> Result<(), BillingError> {
    let subscriptions = ListSubscription::new()
        .customer(customer_id)
        .status(ListSubscriptionStatus::All)
        .limit(100)
        .send(&state.stripe)
        .await?;
    let running = subscriptions.data.iter().find(|subscription| {
        use stripe_shared::SubscriptionStatus::*;
        matches!(
            subscription.status,
            Active | Trialing | PastDue | Unpaid | Paused
        )
    });
    match running {
        Some(subscription) => Err(BillingError::AlreadySubscribed(
            customer_id.to_owned(),
            subscription.id.to_string(),
        )),
        None => Ok(()),
    }
}

/// Expires the customer's Checkout sessions that are still open, so that of two tabs (or two
/// clicks) only the newest Checkout can be paid.
async fn expire_open_sessions(state: &AppState, customer_id: &str) -> Result<(), BillingError> {
    let open = ListCheckoutSession::new()
        .customer(customer_id)
        .status(CheckoutSessionStatus::Open)
        .limit(100)
        .send(&state.stripe)
        .await?;
    for session in &open.data {
        match ExpireCheckoutSession::new(session.id.clone())
            .send(&state.stripe)
            .await
        {
            Ok(_) => {
                tracing::info!(checkout_session_id = %session.id, "earlier open checkout expired")
            }
            // Completed or expired since it was listed (another request expired it first).
            Err(stripe::StripeError::Stripe(_, 400)) => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(())
}

/// Where a finished Checkout stands from the buyer's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckoutState {
    /// The subscription exists and has been stored; the tier it grants (free if not yet paid).
    Subscribed(Tier),
    /// Stripe has not created the subscription yet.
    Pending,
}

/// Reads a Checkout session that `user_id` started and stores the subscription it produced. The
/// webhook for `checkout.session.completed` runs the same sync without the owner check.
#[tracing::instrument(skip(state))]
pub async fn confirm_checkout(
    state: &AppState,
    user_id: i32,
    session_id: &str,
) -> Result<CheckoutState, BillingError> {
    let session = retrieve(state, session_id).await?;
    if session_owner(&session) != Some(user_id) {
        return Err(BillingError::ForeignCheckoutSession(session_id.to_owned()));
    }
    sync_checkout_session(state, &session).await
}

/// Stores the subscription a completed Checkout session produced, if there is one yet.
pub async fn sync_checkout_session(
    state: &AppState,
    session: &stripe_shared::CheckoutSession,
) -> Result<CheckoutState, BillingError> {
    let Some(subscription) = &session.subscription else {
        return Ok(CheckoutState::Pending);
    };
    let owner = session_owner(session);
    if let (Some(user_id), Some(customer)) = (owner, &session.customer) {
        customer::link_customer(&state.db, user_id, customer.id().as_str()).await?;
    }
    let synced =
        subscription_sync::sync_subscription(state, subscription.id().as_str(), owner).await?;
    Ok(CheckoutState::Subscribed(synced.user_tier))
}

/// Fetches the current state of a Checkout session from Stripe.
pub async fn retrieve(
    state: &AppState,
    session_id: &str,
) -> Result<stripe_shared::CheckoutSession, BillingError> {
    if !session_id.starts_with("cs_") {
        return Err(BillingError::CheckoutSessionNotFound(session_id.to_owned()));
    }
    RetrieveCheckoutSession::new(session_id)
        .send(&state.stripe)
        .await
        .map_err(|err| {
            if BillingError::is_stripe_not_found(&err) {
                BillingError::CheckoutSessionNotFound(session_id.to_owned())
            } else {
                BillingError::Stripe(err)
            }
        })
}

/// The user a Checkout session was started for, from its reference or metadata.
fn session_owner(session: &stripe_shared::CheckoutSession) -> Option<i32> {
    session
        .client_reference_id
        .as_deref()
        .or_else(|| {
            session
                .metadata
                .as_ref()?
                .get("user_id")
                .map(String::as_str)
        })
        .and_then(|id| id.parse().ok())
}
