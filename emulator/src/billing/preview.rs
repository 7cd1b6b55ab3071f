//! The invoice a subscription will get next, optionally after a price change: what
//! `POST /v1/invoices/create_preview` (and the older `GET /v1/invoices/upcoming`) return.

use crate::error::ApiError;
use crate::objects::invoice::{Invoice, InvoiceLine};
use crate::store::Store;

use super::changes::{ProrationBehavior, proration_line, prorations, same_interval};
use super::{period_lines, subscription_period_end};

/// One item change to preview.
pub struct ItemChange {
    pub id: String,
    pub price: Option<String>,
}

pub fn preview(
    store: &Store,
    customer: Option<&str>,
    subscription_id: &str,
    changes: &[ItemChange],
    behavior: ProrationBehavior,
    proration_date: Option<i64>,
) -> Result<Invoice, ApiError> {
    let mut subscription = store.subscription(subscription_id)?.clone();
    if let Some(customer) = customer.filter(|customer| *customer != subscription.customer) {
        return Err(ApiError::param(
            "subscription",
            format!(
                "The subscription '{subscription_id}' does not belong to customer '{customer}'."
            ),
        ));
    }
    if !subscription.is_live() {
        return Err(ApiError::state(format!(
            "No upcoming invoices for customer: {} (the subscription is canceled)",
            subscription.customer
        )));
    }
    let at = proration_date.unwrap_or_else(|| store.now());
    let mut lines: Vec<InvoiceLine> = subscription
        .pending_prorations
        .iter()
        .map(proration_line)
        .collect();
    let mut start = subscription.current_period_end;

    // Price changes.
    for change in changes {
        let Some(price) = &change.price else { continue };
        let price = store.price(price).map_err(|_| {
            ApiError::missing(
                "price",
                price,
                Some("subscription_details[items][0][price]"),
            )
        })?;
        let old = subscription
            .items
            .iter()
            .find(|item| item.id == change.id)
            .map(|item| item.price.clone())
            .ok_or_else(|| {
                ApiError::missing(
                    "subscription_item",
                    &change.id,
                    Some("subscription_details[items][0][id]"),
                )
            })?;
        if behavior != ProrationBehavior::None {
            let prorated = prorations(store, subscription_id, &change.id, &price.id, None, at)?;
            lines.extend(prorated.iter().map(proration_line));
        }
        if !same_interval(store, &old, &price.id) {
            start = at;
        }
        for item in subscription
            .items
            .iter_mut()
            .filter(|item| item.id == change.id)
        {
            item.price = price.id.clone();
        }
    }

    // The coming period.
    let end = subscription_period_end(store, &subscription, start);
    lines.extend(period_lines(store, &subscription, start, end, false));
    let customer = store.customer(&subscription.customer)?;
    Ok(Invoice {
        id: None,
        number: None,
        customer: customer.id.clone(),
        customer_email: customer.email.clone(),
        customer_name: customer.name.clone(),
        subscription: Some(subscription.id.clone()),
        status: "draft",
        billing_reason: "upcoming",
        currency: subscription.currency.clone(),
        lines,
        amount_paid: 0,
        attempt_count: 0,
        next_payment_attempt: Some(start),
        created: store.now(),
        period_start: subscription.current_period_start,
        period_end: start,
        finalized_at: None,
        paid_at: None,
        marked_uncollectible_at: None,
        voided_at: None,
    })
}
