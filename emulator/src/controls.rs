//! Test controls under `/_emulator`, JSON in and out: reset, load a catalog, move the clock,
//! inspect and steer webhook delivery, and force states that are slow to reach otherwise.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::billing::checkout::pay;
use crate::billing::update_subscription;
use crate::cards::Card;
use crate::catalog::Catalog;
use crate::clock::{advance_to, view};
use crate::error::ApiError;
use crate::objects::subscription::STATUSES;
use crate::state::SharedState;
use crate::store::{Settings, Store};
use crate::webhooks::Mode;

mod catalog_sync;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/reset", post(reset))
        .route("/catalog", post(load_catalog))
        .route("/clock", get(clock))
        .route("/clock/advance", post(advance))
        .route("/deliveries", get(deliveries))
        .route("/webhooks/mode", get(mode).post(set_mode))
        .route("/webhooks/flush", post(flush))
        .route("/settings", get(settings).post(set_settings))
        .route("/customers/{id}/card", post(set_card))
        .route("/subscriptions/{id}/status", post(set_status))
        .route("/checkout/sessions/{id}/pay", post(pay_session))
        .fallback(unknown_control)
        .method_not_allowed_fallback(unknown_control)
}

async fn unknown_control(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::InvalidRequest {
        status: axum::http::StatusCode::NOT_FOUND,
        message: format!("Unrecognized control ({method} /_emulator{uri})."),
        param: None,
        code: None,
    }
}

fn json_body<T: serde::de::DeserializeOwned + Default>(
    body: &axum::body::Bytes,
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body)
        .map_err(|err| ApiError::param("body", format!("Invalid JSON body: {err}")))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ResetBody {
    /// Also forget the registered webhook endpoints.
    #[serde(default)]
    endpoints: bool,
}

/// Back to the start: catalog, settings and clock as at launch, no customers, sessions,
/// subscriptions, invoices or events, webhook mode and delivery log cleared. Registered webhook
/// endpoints stay unless the body says `{"endpoints": true}`.
async fn reset(
    State(state): State<SharedState>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: ResetBody = json_body(&body)?;
    state
        .write(|store| {
            let endpoints = std::mem::take(&mut store.webhook_endpoints);
            *store = Store::new(&state.initial_catalog, state.initial_settings.clone());
            if body.endpoints {
                endpoints
                    .iter()
                    .for_each(|endpoint| state.webhooks.retire(&endpoint.id));
            } else {
                store.webhook_endpoints = endpoints;
            }
        })
        .await;
    state.webhooks.reset();
    tracing::info!(endpoints_cleared = body.endpoints, "emulator reset");
    Ok(Json(
        json!({ "reset": true, "endpoints_cleared": body.endpoints }),
    ))
}

/// Replaces the catalog, emitting `product.*` and `price.*` events for what changed.
async fn load_catalog(
    State(state): State<SharedState>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::param("body", "The catalog must be UTF-8 JSON."))?;
    let catalog =
        Catalog::parse(text).map_err(|err| ApiError::param("body", format!("{err:#}")))?;
    let summary = state
        .write(|store| catalog_sync::apply(store, &catalog))
        .await;
    Ok(Json(summary))
}

async fn clock(State(state): State<SharedState>) -> Json<Value> {
    Json(json!(state.read(view).await))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct AdvanceBody {
    seconds: Option<i64>,
    /// An absolute Unix time to move to instead.
    to: Option<i64>,
}

/// A hundred years: far enough for any renewal schedule, near enough for calendar arithmetic.
const MAX_ADVANCE_SECONDS: i64 = 100 * 366 * 24 * 60 * 60;

async fn advance(
    State(state): State<SharedState>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: AdvanceBody = json_body(&body)?;
    let (steps, clock) = state
        .write(|store| {
            let now = store.now();
            let (param, target) = match (body.to, body.seconds) {
                (Some(_), Some(_)) => {
                    return Err(ApiError::param(
                        "to",
                        "Send either seconds or to, not both.",
                    ));
                }
                (Some(to), None) => ("to", to),
                (None, Some(seconds)) => ("seconds", now.saturating_add(seconds)),
                (None, None) => return Err(ApiError::required("seconds")),
            };
            if target < now {
                return Err(ApiError::param(param, "The clock only moves forward."));
            }
            if target - now > MAX_ADVANCE_SECONDS {
                return Err(ApiError::param(
                    param,
                    "The clock moves at most 100 years at a time.",
                ));
            }
            let steps = advance_to(store, target);
            Ok((steps, view(store)))
        })
        .await?;
    tracing::info!(now = clock.now, steps, "clock advanced");
    Ok(Json(
        json!({ "now": clock.now, "offset_seconds": clock.offset_seconds, "changes": steps }),
    ))
}

async fn deliveries(State(state): State<SharedState>) -> Json<Value> {
    Json(json!({ "data": state.webhooks.attempts(), "held": state.webhooks.held_count() }))
}

async fn mode(State(state): State<SharedState>) -> Json<Mode> {
    Json(state.webhooks.mode())
}

/// Longer pauses would hold an endpoint's queue for good: later events wait behind them.
const MAX_DELAY_MS: u64 = 60_000;

async fn set_mode(
    State(state): State<SharedState>,
    body: axum::body::Bytes,
) -> Result<Json<Mode>, ApiError> {
    let mode: Mode = json_body(&body)?;
    if mode.delay_ms > MAX_DELAY_MS {
        return Err(ApiError::param(
            "delay_ms",
            format!("delay_ms can be at most {MAX_DELAY_MS} (one minute)."),
        ));
    }
    state.webhooks.set_mode(mode);
    tracing::info!(?mode, "webhook mode set");
    Ok(Json(mode))
}

async fn flush(State(state): State<SharedState>) -> Json<Value> {
    Json(json!({ "released": state.webhooks.flush() }))
}

async fn settings(State(state): State<SharedState>) -> Json<Settings> {
    Json(state.read(|store| store.settings.clone()).await)
}

/// Stripe retries a failed renewal for two months at most.
const MAX_RETRY_DAYS: i64 = 60;

async fn set_settings(
    State(state): State<SharedState>,
    body: axum::body::Bytes,
) -> Result<Json<Settings>, ApiError> {
    let settings: Settings = serde_json::from_slice(&body)
        .map_err(|err| ApiError::param("body", format!("Invalid settings: {err}")))?;
    if settings
        .retry_days
        .iter()
        .any(|days| !(1..=MAX_RETRY_DAYS).contains(days))
    {
        return Err(ApiError::param(
            "retry_days",
            format!("Retry days must be between 1 and {MAX_RETRY_DAYS}."),
        ));
    }
    Ok(Json(
        state
            .write(|store| {
                store.settings = settings.clone();
                settings
            })
            .await,
    ))
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CardBody {
    number: String,
}

/// Saves a test card on a customer, e.g. 4000 0000 0000 0341 to make the next renewal fail.
async fn set_card(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: CardBody = json_body(&body)?;
    let card =
        Card::parse(&body.number).map_err(|err| ApiError::param("number", err.to_string()))?;
    state
        .write(|store| {
            let customer = store
                .customers
                .get_mut(&id)
                .ok_or_else(|| ApiError::missing("customer", &id, Some("id")))?;
            let last4 = card.last4().to_owned();
            customer.card = Some(card);
            Ok(Json(json!({ "customer": id, "card_last4": last4 })))
        })
        .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    status: String,
}

/// Puts a subscription in any status, emitting `customer.subscription.updated` (or `.deleted`).
async fn set_status(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: StatusBody = json_body(&body)?;
    if !STATUSES.contains(&body.status.as_str()) {
        return Err(ApiError::param(
            "status",
            format!("Invalid status: {}", body.status),
        ));
    }
    state
        .write(|store| {
            store.subscription(&id)?;
            if body.status == "canceled" {
                crate::billing::changes::cancel_now(store, &id, "cancellation_requested")?;
            } else {
                update_subscription(store, &id, |subscription| {
                    subscription.status = body.status.clone();
                    subscription.dunning = None;
                });
            }
            Ok(Json(store.render_subscription(&id)?))
        })
        .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct PayBody {
    email: String,
    #[serde(default = "default_card")]
    card_number: String,
}

fn default_card() -> String {
    crate::cards::SUCCEEDS.to_owned()
}

/// Completes a Checkout Session as the page would, without HTML. Answers the redirect URL.
async fn pay_session(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Value>, ApiError> {
    let body: PayBody = json_body(&body)?;
    state
        .write(|store| match pay(store, &id, &body.email, &body.card_number) {
            Ok(redirect) => Ok(Json(json!({ "redirect": redirect, "session": store.checkout_session(&id)?.render() }))),
            Err(crate::billing::checkout::PayError::Declined) => Err(ApiError::CardDeclined),
            Err(crate::billing::checkout::PayError::Unavailable)
                if store.checkout_sessions.get(&id).is_none() =>
            {
                Err(ApiError::missing("checkout.session", &id, Some("session")))
            }
            Err(err) => Err(ApiError::state(err.to_string())),
        })
        .await
}
