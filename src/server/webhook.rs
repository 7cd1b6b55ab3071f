//! `POST /webhooks/stripe`: verify the signature on the raw body, record the event in the
//! inbox once, then sync what it names.
//!
//! Answers: 400 for a missing or bad signature (nothing stored) and for a signed body that is
//! not an event (stored as failed); 2xx for everything settled, including duplicates, ignored
//! types and events that failed for good (stored as failed, replayable); 5xx only when the
//! database or Stripe was unavailable, so that Stripe delivers the event again.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use stripe_webhook::{Event, Webhook, WebhookError};

use super::events::inbox::{self, Envelope, Recorded, Status};
use super::events::{self, Answer};
use super::state::AppState;

/// How long a delivery waits for another delivery of the same event to settle it.
const OTHER_DELIVERY_WAIT: Duration = Duration::from_secs(5);

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
    let parsed = match verify(&state.webhook_secrets, &body, signature) {
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
    match recorded {
        Recorded::Claimed => {}
        Recorded::HeldElsewhere => {
            return wait_for_other_delivery(&state, &envelope.id).await;
        }
        Recorded::AlreadyHandled(status) => {
            tracing::debug!(?status, "event seen before");
            return StatusCode::OK;
        }
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

/// Another delivery of the same event holds it. It normally settles within moments: answer 2xx
/// then. A holder that does not settle may have lost its database connection or its process;
/// answer 5xx, so that Stripe delivers again and a later delivery takes the event over once
/// the holder's lease has run out.
async fn wait_for_other_delivery(state: &AppState, event_id: &str) -> StatusCode {
    let deadline = tokio::time::Instant::now() + OTHER_DELIVERY_WAIT;
    loop {
        match inbox::status(&state.db, event_id).await {
            Ok(Some(Status::Received)) => {}
            Ok(status) => {
                tracing::debug!(?status, "event settled by another delivery");
                return StatusCode::OK;
            }
            Err(err) => {
                tracing::error!(error = ?err, "could not read the event; Stripe will retry");
                return StatusCode::SERVICE_UNAVAILABLE;
            }
        }
        if tokio::time::Instant::now() >= deadline {
            tracing::warn!("another delivery holds the event and has not settled it");
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Checks the signature against every configured secret (several during a rotation). A body
/// with a valid signature that the SDK cannot parse is still accepted, with the parse error.
fn verify(
    secrets: &[SecretString],
    body: &str,
    signature: &str,
) -> Result<Result<Event, String>, WebhookError> {
    let mut last_error = WebhookError::BadSignature;
    for secret in secrets {
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

#[cfg(test)]
mod tests {
    use secrecy::SecretString;
    use stripe_webhook::{Webhook, WebhookError};

    use super::verify;

    const PRODUCT_DELETED: &str = r#"{"id":"evt_1","object":"event","api_version":null,
        "created":1700000000,"livemode":false,"pending_webhooks":1,"request":null,
        "type":"product.deleted","data":{"object":{"id":"prod_1","object":"product",
        "deleted":true}}}"#;

    fn secrets() -> Vec<SecretString> {
        vec![
            SecretString::from("whsec_old"),
            SecretString::from("whsec_new"),
        ]
    }

    #[test]
    fn any_configured_secret_verifies_a_delivery() {
        for secret in ["whsec_old", "whsec_new"] {
            let signature = Webhook::generate_test_header(PRODUCT_DELETED, secret, None);
            let verified = verify(&secrets(), PRODUCT_DELETED, &signature);
            assert!(verified.is_ok(), "{secret}: {verified:?}");
        }
    }

    #[test]
    fn another_secret_or_a_changed_body_is_refused() {
        let signature = Webhook::generate_test_header(PRODUCT_DELETED, "whsec_other", None);
        assert!(matches!(
            verify(&secrets(), PRODUCT_DELETED, &signature),
            Err(WebhookError::BadSignature)
        ));

        let signature = Webhook::generate_test_header(PRODUCT_DELETED, "whsec_new", None);
        let changed = PRODUCT_DELETED.replace("prod_1", "prod_2");
        assert!(matches!(
            verify(&secrets(), &changed, &signature),
            Err(WebhookError::BadSignature)
        ));
    }

    #[test]
    fn a_signed_body_the_sdk_cannot_parse_passes_with_its_error() {
        let body = r#"{"id":"evt_2","object":"event","type":"price.updated"}"#;
        let signature = Webhook::generate_test_header(body, "whsec_new", None);

        let verified = verify(&secrets(), body, &signature).expect("a valid signature");

        let error = verified.expect_err("a parse error");
        assert!(!error.is_empty());
    }
}
