//! The pages a customer sees on Stripe: hosted Checkout and the billing portal, as plain
//! server-rendered HTML forms.

mod checkout;
mod layout;
mod portal;

use axum::Router;
use axum::routing::{get, post};

use crate::state::SharedState;

pub fn router() -> Router<SharedState> {
    Router::new()
        .route("/", get(layout::index))
        .route("/checkout/{id}", get(checkout::show).post(checkout::pay))
        .route("/portal/{id}", get(portal::show))
        .route("/portal/{id}/{action}", post(portal::act))
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
}

async fn not_found() -> axum::response::Response {
    layout::notice(
        axum::http::StatusCode::NOT_FOUND,
        "Page not found",
        "The emulator has no page here. Checkout and portal links come from the API.",
        None,
    )
}
