//! Stripe's HTTP API under `/v1`, behind the API-key check and idempotency keys.

mod checkout;
mod customers;
mod events;
mod invoices;
mod portal;
mod prices;
mod products;
mod subscriptions;
mod webhook_endpoints;

use axum::Router;
use axum::extract::OriginalUri;
use axum::middleware;
use axum::routing::{get, post};

use crate::state::SharedState;
use crate::{auth, idempotency};

pub fn router(state: SharedState) -> Router<SharedState> {
    Router::new()
        .route("/products", get(products::list).post(products::create))
        .route(
            "/products/{id}",
            get(products::retrieve).post(products::update),
        )
        .route("/prices", get(prices::list).post(prices::create))
        .route("/prices/{id}", get(prices::retrieve).post(prices::update))
        .route("/customers", get(customers::list).post(customers::create))
        .route(
            "/customers/{id}",
            get(customers::retrieve).post(customers::update),
        )
        .route(
            "/checkout/sessions",
            get(checkout::list).post(checkout::create),
        )
        .route("/checkout/sessions/{id}", get(checkout::retrieve))
        .route("/checkout/sessions/{id}/expire", post(checkout::expire))
        .route("/subscriptions", get(subscriptions::list))
        .route(
            "/subscriptions/{id}",
            get(subscriptions::retrieve)
                .post(subscriptions::update)
                .delete(subscriptions::cancel),
        )
        .route("/invoices", get(invoices::list))
        .route("/invoices/create_preview", post(invoices::create_preview))
        .route("/invoices/upcoming", get(invoices::upcoming))
        .route("/invoices/{id}", get(invoices::retrieve))
        .route("/billing_portal/sessions", post(portal::create))
        .route("/events", get(events::list))
        .route("/events/{id}", get(events::retrieve))
        .route(
            "/webhook_endpoints",
            get(webhook_endpoints::list).post(webhook_endpoints::create),
        )
        .route(
            "/webhook_endpoints/{id}",
            get(webhook_endpoints::retrieve)
                .post(webhook_endpoints::update)
                .delete(webhook_endpoints::delete),
        )
        .fallback(unknown_route)
        .method_not_allowed_fallback(unknown_route)
        .layer(middleware::from_fn_with_state(
            state,
            idempotency::replay_or_record,
        ))
        .layer(middleware::from_fn(auth::require_test_key))
}

/// Stripe answers an unknown path, or a method a path does not take, with a 404 naming both.
async fn unknown_route(
    method: axum::http::Method,
    OriginalUri(uri): OriginalUri,
) -> crate::error::ApiError {
    crate::error::ApiError::InvalidRequest {
        status: axum::http::StatusCode::NOT_FOUND,
        message: format!(
            "Unrecognized request URL ({method}: {}). The emulator does not serve it.",
            uri.path()
        ),
        param: None,
        code: None,
    }
}

/// A URL a browser is sent to (Checkout's success and cancel pages, the portal's way back):
/// absolute, over HTTP or HTTPS, with a host.
fn check_redirect_url(param: &str, url: &str) -> Result<(), crate::error::ApiError> {
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .and_then(|rest| rest.split(['/', '?', '#']).next())
        .filter(|host| !host.is_empty() && !host.contains(char::is_whitespace));
    match host {
        Some(_) => Ok(()),
        None => Err(crate::error::ApiError::param(
            param,
            format!("Not a valid URL: {url}. Use an absolute http:// or https:// URL."),
        )),
    }
}
