//! `POST /webhooks/stripe`: verify the signature on the raw body, then sync what the event
//! names. The payload only says what to sync; the stored state is always fetched from Stripe.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use secrecy::ExposeSecret;
use stripe_webhook::{EventObject, Webhook};

use super::billing::{BillingError, checkout, subscription_sync};
use super::state::AppState;

#[tracing::instrument(skip_all, fields(event_id, event_type))]
pub async fn receive(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: String,
) -> StatusCode {
    let Some(signature) = headers
        .get("stripe-signature")
        .and_then(|value| value.to_str().ok())
    else {
        tracing::warn!("webhook without a Stripe-Signature header");
        return StatusCode::BAD_REQUEST;
    };
    let event =
        match Webhook::construct_event(&body, signature, state.webhook_secret.expose_secret()) {
            Ok(event) => event,
            Err(err) => {
                tracing::warn!(error = %err, "webhook rejected");
                return StatusCode::BAD_REQUEST;
            }
        };
    let span = tracing::Span::current();
    span.record("event_id", event.id.as_str());
    span.record("event_type", event.type_.as_str());

    let outcome = match event.data.object {
        EventObject::CheckoutSessionCompleted(session) => {
            checkout::sync_checkout_session(&state, &session)
                .await
                .map(|_| ())
        }
        EventObject::CustomerSubscriptionCreated(subscription)
        | EventObject::CustomerSubscriptionUpdated(subscription)
        | EventObject::CustomerSubscriptionDeleted(subscription) => {
            let owner = subscription
                .metadata
                .get("user_id")
                .and_then(|id| id.parse().ok());
            subscription_sync::sync_subscription(&state, subscription.id.as_str(), owner)
                .await
                .map(|_| ())
        }
        _ => {
            tracing::debug!("event type not handled");
            Ok(())
        }
    };

    match outcome {
        Ok(()) => StatusCode::OK,
        // Retrying cannot help: no user will appear for a customer this app never made.
        Err(err @ BillingError::UnknownCustomer(_)) => {
            tracing::warn!(error = %err, "event for a customer without a user");
            StatusCode::OK
        }
        Err(err) => {
            tracing::error!(error = ?err, "event processing failed; Stripe will retry");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}
