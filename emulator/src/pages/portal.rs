//! The billing portal: the current plan, switching to another price, cancelling at period end,
//! resuming, cancelling now, and the way back to the site.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::LOCATION;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::layout::{escape, notice, page};
use crate::billing::changes::{
    ProrationBehavior, cancel_now, change_price, set_cancel_at_period_end,
};
use crate::billing::{format_amount, format_date};
use crate::error::ApiError;
use crate::form::parse;
use crate::objects::portal_session::PortalSession;
use crate::objects::price::Price;
use crate::objects::subscription::Subscription;
use crate::state::SharedState;
use crate::store::Store;

pub async fn show(State(state): State<SharedState>, Path(id): Path<String>) -> Response {
    let business = state.business_name.clone();
    state
        .read(|store| match store.portal_sessions.get(&id) {
            Some(session) => render(store, session, &business, None),
            None => notice(
                StatusCode::NOT_FOUND,
                "Portal unavailable",
                "This portal session is no longer available.",
                None,
            ),
        })
        .await
}

#[derive(Deserialize)]
pub struct ActionForm {
    subscription: String,
    #[serde(default)]
    price: Option<String>,
}

pub async fn act(
    State(state): State<SharedState>,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let business = state.business_name.clone();
    let Ok(form) = parse::<ActionForm>(&body) else {
        return notice(
            StatusCode::BAD_REQUEST,
            "Portal request not understood",
            "This request did not come from a portal form. Open the portal again.",
            None,
        );
    };
    state
        .write(|store| {
            let Some(session) = store.portal_sessions.get(&id).cloned() else {
                return notice(
                    StatusCode::NOT_FOUND,
                    "Portal unavailable",
                    "This portal session is no longer available.",
                    None,
                );
            };
            match apply(store, &session, &action, &form) {
                Ok(()) => {
                    (StatusCode::SEE_OTHER, [(LOCATION, format!("/portal/{id}"))]).into_response()
                }
                Err(err) => render(store, &session, &business, Some(&err.to_string())),
            }
        })
        .await
}

fn apply(
    store: &mut Store,
    session: &PortalSession,
    action: &str,
    form: &ActionForm,
) -> Result<(), ApiError> {
    let subscription = store.subscription(&form.subscription)?;
    if subscription.customer != session.customer {
        return Err(ApiError::missing(
            "subscription",
            &form.subscription,
            Some("subscription"),
        ));
    }
    tracing::info!(subscription_id = %form.subscription, action, "portal action");
    match action {
        "switch" => {
            let price = form.price.as_deref().ok_or(ApiError::required("price"))?;
            let item = subscription
                .items
                .first()
                .map(|item| item.id.clone())
                .unwrap_or_default();
            change_price(
                store,
                &form.subscription,
                &item,
                price,
                None,
                ProrationBehavior::CreateProrations,
            )
        }
        "cancel" => set_cancel_at_period_end(store, &form.subscription, true),
        "resume" => set_cancel_at_period_end(store, &form.subscription, false),
        "cancel_now" => cancel_now(store, &form.subscription, "cancellation_requested"),
        _ => Err(ApiError::param(
            "action",
            format!("Unknown portal action: {action}"),
        )),
    }
}

fn price_label(store: &Store, price: &Price) -> (String, String) {
    let product = store
        .products
        .get(&price.product)
        .map_or(price.product.clone(), |p| p.name.clone());
    let interval = price
        .recurring
        .as_ref()
        .map_or("once", |r| r.interval.as_str());
    (product, interval.to_owned())
}

fn button(
    session: &str,
    action: &str,
    subscription: &str,
    price: Option<&str>,
    text: &str,
    class: &str,
) -> String {
    let price = price
        .map(|p| format!("<input type=hidden name=price value=\"{}\">", escape(p)))
        .unwrap_or_default();
    format!(
        "<form method=post action=\"/portal/{}/{action}\"><input type=hidden name=subscription \
         value=\"{}\">{price}<button type=submit class=\"{class}\">{}</button></form>",
        escape(session),
        escape(subscription),
        escape(text)
    )
}

fn render(store: &Store, session: &PortalSession, business: &str, error: Option<&str>) -> Response {
    let error = error
        .map(|e| format!("<p class=error role=alert>{}</p>", escape(e)))
        .unwrap_or_default();
    let back = session
        .return_url
        .as_deref()
        .map(|url| {
            format!(
                "<p><a href=\"{}\">Return to {}</a></p>",
                escape(url),
                escape(business)
            )
        })
        .unwrap_or_default();
    let subscriptions: Vec<&Subscription> = store
        .subscriptions
        .newest_first()
        .filter(|s| s.customer == session.customer && s.is_live())
        .collect();
    let mut body = format!("<h1>{}</h1>{error}", escape(business));
    if subscriptions.is_empty() {
        body.push_str("<p>You have no active subscription.</p>");
    }
    for subscription in subscriptions {
        body.push_str(&subscription_section(store, session, subscription));
    }
    body.push_str(&back);
    let status = if error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    page(status, &format!("{business} billing"), &body)
}

fn subscription_section(
    store: &Store,
    session: &PortalSession,
    subscription: &Subscription,
) -> String {
    let Some(current) = subscription
        .items
        .first()
        .and_then(|item| store.prices.get(&item.price))
    else {
        return String::new();
    };
    let (product, interval) = price_label(store, current);
    let renewal = if subscription.cancel_at_period_end {
        format!(
            "Cancels on {}",
            format_date(subscription.current_period_end)
        )
    } else {
        format!("Renews on {}", format_date(subscription.current_period_end))
    };
    let mut html = format!(
        "<div class=plan><h2>Current plan</h2><p><strong>{}</strong> · {} per {}</p>\
         <p class=muted>Status: {} · {}</p></div>",
        escape(&product),
        format_amount(current.unit_amount, &current.currency),
        escape(&interval),
        escape(&subscription.status),
        escape(&renewal),
    );

    // Other plans.
    let others = store.prices.iter().filter(|price| {
        price.active
            && price.recurring.is_some()
            && price.id != current.id
            && price.currency == current.currency
            && store.products.get(&price.product).is_some_and(|p| p.active)
    });
    html.push_str("<h2>Change plan</h2>");
    for price in others {
        let (name, interval) = price_label(store, price);
        let text = format!("Switch to {name} ({interval})");
        html.push_str(&format!(
            "<p class=muted>{} per {}</p>{}",
            format_amount(price.unit_amount, &price.currency),
            escape(&interval),
            button(
                &session.id,
                "switch",
                &subscription.id,
                Some(&price.id),
                &text,
                ""
            )
        ));
    }

    // Cancellation.
    html.push_str("<h2>Cancel</h2>");
    if subscription.cancel_at_period_end {
        html.push_str(&button(
            &session.id,
            "resume",
            &subscription.id,
            None,
            "Resume",
            "",
        ));
    } else {
        html.push_str(&button(
            &session.id,
            "cancel",
            &subscription.id,
            None,
            "Cancel at period end",
            "secondary",
        ));
    }
    html.push_str(&button(
        &session.id,
        "cancel_now",
        &subscription.id,
        None,
        "Cancel now",
        "secondary",
    ));
    html
}
