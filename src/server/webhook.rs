//! `POST /webhooks/stripe`: verify the signature on the raw body, record the event in the
//! inbox once, then sync what it names.
//!
//! Answers: 400 for a missing or bad signature (nothing stored) and for a signed body that is
//! not an event (stored as failed); 2xx for everything settled, including duplicates, ignored
//! types and events that failed for good (stored as failed, replayable); 5xx only when the
//! database or Stripe was unavailable, so that Stripe delivers the event again.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use secrecy::ExposeSecret;
use stripe_webhook::{Event, Webhook, WebhookError};

use super::events::inbox::{self, Envelope, Recorded};
use super::events::{self, Answer};
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
    let parsed = match verify(&state, &body, signature) {
        Ok(parsed) => parsed,
        Err(err) => {
            tracing::warn!(error = %err, "webhook signature rejected");
            return StatusCode::BAD_REQUEST;
        }
    };

    let now = state.clock.now();
    let envelope = match Envelope::read(&body) {
        Ok(envelope) => envelope,
        Err(error) => {
            tracing::warn!(%error, "signed webhook body is not an event");
            return match store_unreadable(&state, &body, error).await {
                Ok(()) => StatusCode::BAD_REQUEST,
                Err(err) => {
                    tracing::error!(error = ?err, "could not store the unreadable body");
                    StatusCode::SERVICE_UNAVAILABLE
                }
            };
        }
    };
    let span = tracing::Span::current();
    span.record("event_id", envelope.id.as_str());
    span.record("event_type", envelope.event_type.as_str());

    let recorded = match inbox::record(&state.db, &envelope, &body, now).await {
        Ok(recorded) => recorded,
        Err(err) => {
            tracing::error!(error = ?err, "could not record the event; Stripe will retry");
            return StatusCode::SERVICE_UNAVAILABLE;
        }
    };
    if let Recorded::AlreadyHandled(status) = recorded {
        tracing::debug!(?status, "event seen before");
        return StatusCode::OK;
    }

    match events::process_claimed(&state, &envelope.id, parsed).await {
        Ok(Answer::Settled(_)) => StatusCode::OK,
        Ok(Answer::RetryLater) => StatusCode::SERVICE_UNAVAILABLE,
        Err(err) => {
            tracing::error!(error = ?err, "could not record the outcome; Stripe will retry");
            StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// Checks the signature against every configured secret (several during a rotation). A body
/// with a valid signature that the SDK cannot parse is still accepted, with the parse error.
fn verify(
    state: &AppState,
    body: &str,
    signature: &str,
) -> Result<Result<Event, String>, WebhookError> {
    let mut last_error = WebhookError::BadSignature;
    for secret in state.webhook_secrets.iter() {
        match Webhook::construct_event(body, signature, secret.expose_secret()) {
            Ok(event) => return Ok(Ok(event)),
            // The parse runs only after the signature matched.
            Err(WebhookError::BadParse(_)) => return Ok(events::parse(body)),
            Err(err) => last_error = err,
        }
    }
    Err(last_error)
}

/// Keeps a signed body that is not an event, for whoever investigates.
async fn store_unreadable(
    state: &AppState,
    body: &str,
    error: String,
) -> Result<(), sea_orm::DbErr> {
    let now = state.clock.now();
    let envelope = Envelope {
        id: format!(
            "unreadable_{}",
            now.timestamp_nanos_opt().unwrap_or_default()
        ),
        event_type: "unreadable".to_owned(),
        object_id: None,
        created: now,
    };
    inbox::record(&state.db, &envelope, body, now).await?;
    inbox::finish(
        &state.db,
        &envelope.id,
        inbox::Status::Failed,
        Some(error),
        now,
    )
    .await
}
