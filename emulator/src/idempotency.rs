//! `Idempotency-Key`: a POST repeated with the same key and the same body gets the first response
//! back (marked `Idempotent-Replayed: true`); the same key with another body is an error, and
//! so is the same key while its first request is still being answered (409, as Stripe does).

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::SharedState;
use crate::store::StoredResponse;

/// The same limit axum puts on the bodies the handlers read.
const BODY_LIMIT: usize = 2 * 1024 * 1024;
const MAX_KEY_CHARS: usize = 255;

pub async fn replay_or_record(
    State(state): State<SharedState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let key = request
        .headers()
        .get("idempotency-key")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let Some(key) = key.filter(|_| request.method() == Method::POST) else {
        return Ok(next.run(request).await);
    };
    if key.chars().count() > MAX_KEY_CHARS {
        return Err(ApiError::Idempotency(format!(
            "Idempotency keys can be at most {MAX_KEY_CHARS} characters long."
        )));
    }
    let Some(_in_flight) = InFlight::claim(&state, &key) else {
        return Err(ApiError::IdempotencyKeyInUse(format!(
            "Another request with the idempotency key '{key}' is still being answered; send \
             this one again once it has finished."
        )));
    };

    // Fingerprint the request.
    let (parts, body) = request.into_parts();
    let body = to_bytes(body, BODY_LIMIT)
        .await
        .map_err(|_| ApiError::too_large())?;
    let fingerprint = format!(
        "{} {}\n{}",
        parts.method,
        parts.uri.path(),
        String::from_utf8_lossy(&body)
    );

    // Replay.
    let stored = state
        .read(|store| store.idempotency.get(&key).cloned())
        .await;
    if let Some(stored) = stored {
        if stored.fingerprint != fingerprint {
            return Err(ApiError::Idempotency(format!(
                "Keys for idempotent requests can only be used with the same parameters they \
                 were first used with. Try using a key other than '{key}' if you meant to \
                 execute a different request."
            )));
        }
        let mut response = (stored.status, stored.body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
        return Ok(response);
    }

    // First use: run and remember.
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    let (mut parts, body) = response.into_parts();
    let body: Bytes = to_bytes(body, usize::MAX)
        .await
        .map_err(|err| anyhow::anyhow!("Failed to buffer a response: {err}"))?;
    if !parts.status.is_server_error() {
        let stored = StoredResponse {
            fingerprint,
            status: parts.status,
            body: body.clone(),
        };
        state
            .write(|store| store.idempotency.insert(key.clone(), stored))
            .await;
    }
    parts.headers.insert(
        "idempotency-key",
        HeaderValue::from_str(&key).map_err(anyhow::Error::from)?,
    );
    Ok(Response::from_parts(parts, Body::from(body)))
}

/// Marks a key as being answered until dropped.
struct InFlight {
    state: SharedState,
    key: String,
}

impl InFlight {
    fn claim(state: &SharedState, key: &str) -> Option<InFlight> {
        let mut keys = state
            .idempotency_in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.insert(key.to_owned()).then(|| InFlight {
            state: state.clone(),
            key: key.to_owned(),
        })
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.state
            .idempotency_in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(&self.key);
    }
}
