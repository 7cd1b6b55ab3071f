use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;

use super::check_redirect_url;
use crate::billing::checkout::expire as expire_session;
use crate::billing::limits::{check_quantity, check_trial_days, check_trial_end};
use crate::error::ApiError;
use crate::expand::expand;
use crate::form::{Form, Query};
use crate::ids::new_checkout_session_id;
use crate::list::{Page, paginate};
use crate::objects::Metadata;
use crate::objects::checkout_session::{CheckoutSession, SessionLine, SessionStatus};
use crate::state::SharedState;
use crate::store::Store;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateParams {
    mode: Option<String>,
    customer: Option<String>,
    customer_email: Option<String>,
    #[serde(default)]
    line_items: Vec<LineItemParams>,
    success_url: Option<String>,
    cancel_url: Option<String>,
    client_reference_id: Option<String>,
    #[serde(default)]
    metadata: Metadata,
    subscription_data: Option<SubscriptionData>,
    allow_promotion_codes: Option<bool>,
    // Accepted for compatibility; the emulated page always takes cards, in English.
    #[serde(default, rename = "payment_method_types")]
    _payment_method_types: Vec<String>,
    #[serde(rename = "billing_address_collection")]
    _billing_address_collection: Option<String>,
    #[serde(rename = "locale")]
    _locale: Option<String>,
    #[serde(rename = "ui_mode")]
    _ui_mode: Option<String>,
    #[serde(default)]
    expand: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineItemParams {
    price: Option<String>,
    quantity: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionData {
    #[serde(default)]
    metadata: Metadata,
    trial_period_days: Option<u32>,
    trial_end: Option<i64>,
    #[serde(rename = "description")]
    _description: Option<String>,
}

#[tracing::instrument(skip_all, fields(customer = ?params.customer))]
pub async fn create(
    State(state): State<SharedState>,
    Form(params): Form<CreateParams>,
) -> Result<Json<Value>, ApiError> {
    match params.mode.as_deref() {
        None => return Err(ApiError::required("mode")),
        Some("subscription") => {}
        Some(other) => {
            return Err(ApiError::param(
                "mode",
                format!("The emulator supports mode=subscription only (got {other})."),
            ));
        }
    }
    let success_url = params
        .success_url
        .clone()
        .ok_or(ApiError::required("success_url"))?;
    if params.line_items.is_empty() {
        return Err(ApiError::required("line_items"));
    }
    check_redirect_url("success_url", &success_url)?;
    if let Some(cancel_url) = &params.cancel_url {
        check_redirect_url("cancel_url", cancel_url)?;
    }
    if let Some(email) = params
        .customer_email
        .as_deref()
        .filter(|e| !e.contains('@'))
    {
        return Err(ApiError::param(
            "customer_email",
            format!("Invalid email address: {email}"),
        ));
    }
    if params.customer.is_some() && params.customer_email.is_some() {
        return Err(ApiError::param(
            "customer_email",
            "You may only specify one of these parameters: customer, customer_email.",
        ));
    }
    let ttl = state.checkout_ttl_seconds;
    let public_url = state.public_url.clone();
    state
        .write_all_or_nothing(|store| {
            let (lines, currency, amount) = validate_lines(store, &params.line_items)?;
            if let Some(customer) = &params.customer {
                store.customer(customer)?;
            }
            let subscription_data = params.subscription_data.unwrap_or_default();
            if let Some(days) = subscription_data.trial_period_days {
                check_trial_days("subscription_data[trial_period_days]", days)?;
            }
            if let Some(trial_end) = subscription_data.trial_end {
                check_trial_end("subscription_data[trial_end]", trial_end, store.now())?;
            }
            let has_trial = subscription_data.trial_period_days.is_some()
                || subscription_data.trial_end.is_some();
            let id = new_checkout_session_id();
            let now = store.now();
            let session = CheckoutSession {
                url: format!("{public_url}/checkout/{id}"),
                id,
                customer: params.customer,
                customer_email: params.customer_email,
                client_reference_id: params.client_reference_id,
                lines,
                success_url: Some(success_url),
                cancel_url: params.cancel_url,
                metadata: params.metadata,
                subscription_metadata: subscription_data.metadata,
                trial_period_days: subscription_data.trial_period_days,
                trial_end: subscription_data.trial_end,
                allow_promotion_codes: params.allow_promotion_codes,
                status: SessionStatus::Open,
                paid: false,
                amount_total: if has_trial { 0 } else { amount },
                currency,
                subscription: None,
                invoice: None,
                details_email: None,
                created: now,
                expires_at: now + ttl,
            };
            tracing::info!(session_id = %session.id, "checkout session created");
            let mut rendered = session.render();
            store.checkout_sessions.insert(session);
            expand(store, &mut rendered, &params.expand)?;
            Ok(Json(rendered))
        })
        .await
}

/// Checks every line names an active recurring price, all in one currency and interval.
fn validate_lines(
    store: &Store,
    items: &[LineItemParams],
) -> Result<(Vec<SessionLine>, String, i64), ApiError> {
    let mut lines = Vec::new();
    let mut currency: Option<String> = None;
    let mut interval = None;
    let mut amount = 0;
    for (index, item) in items.iter().enumerate() {
        let param = format!("line_items[{index}][price]");
        let price_id = item
            .price
            .as_deref()
            .ok_or_else(|| ApiError::required(&param))?;
        let price = store
            .prices
            .get(price_id)
            .ok_or_else(|| ApiError::missing("price", price_id, Some(&param)))?;
        if !price.active {
            return Err(ApiError::param(
                param,
                format!("The price '{price_id}' is not active."),
            ));
        }
        let Some(recurring) = &price.recurring else {
            return Err(ApiError::param(
                param,
                "You must specify at least one recurring price in `subscription` mode.",
            ));
        };
        if interval.get_or_insert((recurring.interval, recurring.interval_count))
            != &(recurring.interval, recurring.interval_count)
        {
            return Err(ApiError::param(
                param,
                "All prices must have the same billing interval.",
            ));
        }
        if currency.get_or_insert_with(|| price.currency.clone()) != &price.currency {
            return Err(ApiError::param(
                param,
                "All prices must be in the same currency.",
            ));
        }
        let quantity = item.quantity.unwrap_or(1);
        check_quantity(&format!("line_items[{index}][quantity]"), quantity)?;
        amount += price.unit_amount * quantity as i64;
        lines.push(SessionLine {
            price: price.id.clone(),
            quantity,
        });
    }
    Ok((lines, currency.unwrap_or_else(|| "usd".to_owned()), amount))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrieveParams {
    #[serde(default)]
    expand: Vec<String>,
}

pub async fn retrieve(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Query(params): Query<RetrieveParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .write_all_or_nothing(|store| {
            crate::billing::checkout::expire_if_due(store, &id);
            let mut session = store
                .checkout_sessions
                .get(&id)
                .ok_or_else(|| ApiError::missing("checkout.session", &id, Some("session")))?
                .render();
            expand(store, &mut session, &params.expand)?;
            Ok(Json(session))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    customer: Option<String>,
    subscription: Option<String>,
    status: Option<String>,
    limit: Option<u32>,
    starting_after: Option<String>,
    ending_before: Option<String>,
    #[serde(default)]
    expand: Vec<String>,
}

pub async fn list(
    State(state): State<SharedState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Value>, ApiError> {
    if let Some(status) = params
        .status
        .as_deref()
        .filter(|s| !matches!(*s, "open" | "complete" | "expired"))
    {
        return Err(ApiError::param(
            "status",
            format!("Invalid status: must be one of open, complete or expired (got {status})"),
        ));
    }
    state
        .write_all_or_nothing(|store| {
            crate::billing::checkout::expire_all_due(store);
            let items = store
                .checkout_sessions
                .newest_first()
                .filter(|s| params.customer.is_none() || s.customer == params.customer)
                .filter(|s| params.subscription.is_none() || s.subscription == params.subscription)
                .filter(|s| {
                    params
                        .status
                        .as_deref()
                        .is_none_or(|status| s.status.as_str() == status)
                })
                .map(CheckoutSession::render)
                .collect();
            let page = Page {
                limit: params.limit,
                starting_after: params.starting_after.as_deref(),
                ending_before: params.ending_before.as_deref(),
            };
            let mut list = paginate(items, &page, "/v1/checkout/sessions")?;
            expand(store, &mut list, &params.expand)?;
            Ok(Json(list))
        })
        .await
}

pub async fn expire(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(params): Form<RetrieveParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .write_all_or_nothing(|store| {
            let session = store.checkout_session(&id)?;
            if session.status != SessionStatus::Open {
                return Err(ApiError::state(format!(
                    "Only Checkout Sessions with a status in [\"open\"] can be expired. This \
                     Checkout Session has a status of \"{}\".",
                    session.status.as_str()
                )));
            }
            expire_session(store, &id);
            let mut session = store.checkout_session(&id)?.render();
            expand(store, &mut session, &params.expand)?;
            Ok(Json(session))
        })
        .await
}
