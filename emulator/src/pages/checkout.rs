//! Hosted Checkout: plan, amount and interval, an email field, a card number, Subscribe.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::layout::{escape, notice, page};
use crate::billing::checkout::{PayError, expire_if_due, pay as pay_session};
use crate::billing::format_amount;
use crate::form::parse;
use crate::objects::checkout_session::{CheckoutSession, SessionStatus};
use crate::state::SharedState;
use crate::store::Store;

#[derive(Deserialize, Default)]
pub struct PayForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    card_number: String,
}

pub async fn show(State(state): State<SharedState>, Path(id): Path<String>) -> Response {
    state
        .write(|store| {
            expire_if_due(store, &id);
            render(store, &id, None, "", StatusCode::OK)
        })
        .await
}

/// Pays the session. A body that is not a form is read as an empty one, so the page answers
/// with its own message rather than a bare rejection.
pub async fn pay(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form: PayForm = parse(&body).unwrap_or_default();
    state
        .write(
            |store| match pay_session(store, &id, &form.email, &form.card_number) {
                Ok(location) => (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response(),
                // A second submit (a double click) lands where the first one went.
                Err(PayError::Completed) => match store
                    .checkout_sessions
                    .get(&id)
                    .and_then(CheckoutSession::success_location)
                {
                    Some(location) => {
                        (StatusCode::SEE_OTHER, [(LOCATION, location)]).into_response()
                    }
                    None => render(store, &id, None, "", StatusCode::OK),
                },
                Err(err @ PayError::Declined) => render(
                    store,
                    &id,
                    Some(&err.to_string()),
                    &form.email,
                    StatusCode::PAYMENT_REQUIRED,
                ),
                Err(err) => render(
                    store,
                    &id,
                    Some(&err.to_string()),
                    &form.email,
                    StatusCode::BAD_REQUEST,
                ),
            },
        )
        .await
}

fn render(
    store: &Store,
    id: &str,
    error: Option<&str>,
    email: &str,
    status: StatusCode,
) -> Response {
    let Some(session) = store.checkout_sessions.get(id) else {
        return notice(
            StatusCode::NOT_FOUND,
            "Checkout unavailable",
            "This Checkout session is no longer available.",
            None,
        );
    };
    match session.status {
        SessionStatus::Open => form(store, session, error, email, status),
        SessionStatus::Complete => notice(
            StatusCode::OK,
            "Already paid",
            "This Checkout session was already completed. Thank you for subscribing!",
            session
                .success_location()
                .as_deref()
                .map(|url| (url, "Continue")),
        ),
        SessionStatus::Expired => notice(
            StatusCode::GONE,
            "Checkout expired",
            "This Checkout session is no longer available. Start again from the site.",
            session
                .cancel_url
                .as_deref()
                .map(|url| (url, "Back to the site")),
        ),
    }
}

fn per_interval(interval: &str, count: u32) -> String {
    if count == 1 {
        format!("per {interval}")
    } else {
        format!("every {count} {interval}s")
    }
}

fn form(
    store: &Store,
    session: &CheckoutSession,
    error: Option<&str>,
    email: &str,
    status: StatusCode,
) -> Response {
    let mut plans = String::new();
    let mut period = String::new();
    let mut title = String::from("Subscribe");
    for line in &session.lines {
        let Some(price) = store.prices.get(&line.price) else {
            continue;
        };
        let product = store
            .products
            .get(&price.product)
            .map_or(price.product.as_str(), |p| &p.name);
        if let Some(recurring) = &price.recurring {
            period = per_interval(recurring.interval.as_str(), recurring.interval_count);
        }
        if title == "Subscribe" {
            title = format!("Subscribe to {product}");
        }
        let quantity = if line.quantity > 1 {
            format!(" × {}", line.quantity)
        } else {
            String::new()
        };
        plans.push_str(&format!(
            "<div class=plan><strong>{}</strong>{quantity}<br>{} {}</div>",
            escape(product),
            format_amount(price.unit_amount, &price.currency),
            escape(&period)
        ));
    }
    let full = session
        .lines
        .iter()
        .filter_map(|line| {
            store
                .prices
                .get(&line.price)
                .map(|p| p.unit_amount * line.quantity as i64)
        })
        .sum::<i64>();
    let trial = if let Some(days) = session.trial_period_days {
        format!("<p><span class=badge>{days} days free</span> then billed {period}</p>")
    } else if session.has_trial() {
        "<p><span class=badge>Free trial</span></p>".to_owned()
    } else {
        String::new()
    };
    let error = error
        .map(|e| format!("<p class=error role=alert>{}</p>", escape(e)))
        .unwrap_or_default();
    let email = if email.is_empty() {
        session.customer_email.as_deref().unwrap_or_default()
    } else {
        email
    };
    let customer_email = session
        .customer
        .as_ref()
        .and_then(|id| store.customers.get(id))
        .and_then(|c| c.email.clone())
        .unwrap_or_default();
    let email = if email.is_empty() {
        customer_email.as_str()
    } else {
        email
    };
    let cancel = session
        .cancel_url
        .as_deref()
        .map(|url| format!("<p><a href=\"{}\">Cancel</a></p>", escape(url)))
        .unwrap_or_default();
    let body = format!(
        "<h1>{title}</h1>{plans}<p class=amount>{amount} <span class=muted>{period}</span></p>{trial}\
         {error}<form method=post action=\"/checkout/{id}\">\
         <label for=email>Email</label>\
         <input id=email name=email type=email autocomplete=email value=\"{email}\" required>\
         <label for=card_number>Card number</label>\
         <input id=card_number name=card_number inputmode=numeric autocomplete=cc-number \
         placeholder=\"4242 4242 4242 4242\" required>\
         <button type=submit>Subscribe</button></form>{cancel}\
         <p class=muted>Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined; \
         4000 0000 0000 0341 is saved but fails on later charges.</p>",
        title = escape(&title),
        amount = format_amount(full, &session.currency),
        period = escape(&period),
        id = escape(&session.id),
        email = escape(email),
    );
    page(status, &title, &body)
}
