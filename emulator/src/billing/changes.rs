//! Changes a customer asks for: another price (with prorations), cancelling at period end,
//! resuming, cancelling now.

use crate::error::ApiError;
use crate::ids::new_id;
use crate::objects::invoice::InvoiceLine;
use crate::objects::subscription::PendingProration;
use crate::store::Store;

use super::{charge_invoice, issue_invoice, period_end, renewal, update_subscription};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProrationBehavior {
    CreateProrations,
    AlwaysInvoice,
    None,
}

/// The prorations Stripe would create for moving `item` to `new_price` (and `new_quantity`,
/// when given) at `at`: credit for the unused time on the old price and quantity, charge for
/// the remaining time on the new ones.
pub fn prorations(
    store: &Store,
    subscription_id: &str,
    item_id: &str,
    new_price: &str,
    new_quantity: Option<u64>,
    at: i64,
) -> Result<Vec<PendingProration>, ApiError> {
    let subscription = store.subscription(subscription_id)?;
    let item = subscription
        .items
        .iter()
        .find(|item| item.id == item_id)
        .ok_or_else(|| ApiError::missing("subscription_item", item_id, Some("items[0][id]")))?;
    let old = store.price(&item.price)?;
    let new = store.price(new_price)?;
    let (start, end) = (
        subscription.current_period_start,
        subscription.current_period_end,
    );
    if subscription.status == "trialing" || end <= start || at >= end {
        return Ok(Vec::new());
    }
    let remaining = (end - at.max(start)) as f64 / (end - start) as f64;
    let quantity = item.quantity as i64;
    let new_quantity = new_quantity.map_or(quantity, |n| n as i64);
    let name = |price: &crate::objects::price::Price| {
        store
            .products
            .get(&price.product)
            .map_or(price.product.clone(), |p| p.name.clone())
    };
    let unused = -((old.unit_amount * quantity) as f64 * remaining).round() as i64;
    let mut lines = vec![PendingProration {
        description: format!(
            "Unused time on {} after {}",
            name(old),
            super::format_date(at)
        ),
        amount: unused,
        price: old.id.clone(),
        item: item.id.clone(),
        period_start: at,
        period_end: end,
    }];
    if same_interval(store, &old.id, &new.id) {
        let charge = ((new.unit_amount * new_quantity) as f64 * remaining).round() as i64;
        lines.push(PendingProration {
            description: format!(
                "Remaining time on {} after {}",
                name(new),
                super::format_date(at)
            ),
            amount: charge,
            price: new.id.clone(),
            item: item.id.clone(),
            period_start: at,
            period_end: end,
        });
    }
    Ok(lines)
}

pub fn same_interval(store: &Store, a: &str, b: &str) -> bool {
    let interval = |id: &str| {
        store
            .prices
            .get(id)
            .and_then(|p| p.recurring.as_ref())
            .map(|r| (r.interval, r.interval_count))
    };
    interval(a) == interval(b)
}

pub fn proration_line(proration: &PendingProration) -> InvoiceLine {
    InvoiceLine {
        id: new_id("il"),
        description: proration.description.clone(),
        amount: proration.amount,
        price: proration.price.clone(),
        quantity: 1,
        subscription_item: Some(proration.item.clone()),
        proration: true,
        period_start: proration.period_start,
        period_end: proration.period_end,
    }
}

/// Moves one item to another price. A change of billing interval starts a new period and is
/// invoiced at once, as Stripe does; otherwise prorations follow `behavior`.
pub fn change_price(
    store: &mut Store,
    subscription_id: &str,
    item_id: &str,
    new_price: &str,
    quantity: Option<u64>,
    behavior: ProrationBehavior,
) -> Result<(), ApiError> {
    let now = store.now();
    let price = store
        .price(new_price)
        .map_err(|_| ApiError::missing("price", new_price, Some("items[0][price]")))?;
    if !price.active {
        return Err(ApiError::param(
            "items[0][price]",
            format!("The price '{new_price}' is not active."),
        ));
    }
    let Some(new_recurring) = price.recurring.clone() else {
        return Err(ApiError::param(
            "items[0][price]",
            "The price must be recurring.",
        ));
    };
    let subscription = store.subscription(subscription_id)?;
    if !subscription.is_live() {
        return Err(ApiError::state(
            "A canceled subscription can only update its cancellation_details and metadata.",
        ));
    }
    let old_price = subscription
        .items
        .iter()
        .find(|item| item.id == item_id)
        .map(|item| item.price.clone())
        .ok_or_else(|| ApiError::missing("subscription_item", item_id, Some("items[0][id]")))?;
    let old_currency = &store.price(&old_price)?.currency;
    if *old_currency != price.currency {
        return Err(ApiError::param(
            "items[0][price]",
            format!(
                "The price '{new_price}' is in {}, but the subscription is billed in {old_currency}.",
                price.currency
            ),
        ));
    }
    let interval_changes = !same_interval(store, &old_price, new_price);
    let prorations = match behavior {
        ProrationBehavior::None => Vec::new(),
        _ => prorations(store, subscription_id, item_id, new_price, quantity, now)?,
    };
    let trialing = subscription.status == "trialing";

    update_subscription(store, subscription_id, |subscription| {
        for item in subscription
            .items
            .iter_mut()
            .filter(|item| item.id == item_id)
        {
            item.price = new_price.to_owned();
            item.quantity = quantity.unwrap_or(item.quantity);
        }
        if interval_changes && !trialing {
            subscription.current_period_start = now;
            subscription.current_period_end =
                period_end(now, new_recurring.interval, new_recurring.interval_count);
            subscription.billing_cycle_anchor = now;
        } else if behavior == ProrationBehavior::CreateProrations {
            subscription
                .pending_prorations
                .extend(prorations.iter().cloned());
        }
    });

    let invoice_now =
        !trialing && (interval_changes || behavior == ProrationBehavior::AlwaysInvoice);
    if invoice_now {
        invoice_change(store, subscription_id, &prorations, interval_changes);
    }
    Ok(())
}

fn invoice_change(
    store: &mut Store,
    subscription_id: &str,
    prorations: &[PendingProration],
    new_period: bool,
) {
    let Some(subscription) = store.subscriptions.get(subscription_id).cloned() else {
        return;
    };
    let (start, end) = (
        subscription.current_period_start,
        subscription.current_period_end,
    );
    let mut lines: Vec<InvoiceLine> = prorations.iter().map(proration_line).collect();
    if new_period {
        lines.extend(super::period_lines(store, &subscription, start, end, false));
    }
    let Some(invoice) = issue_invoice(
        store,
        subscription_id,
        "subscription_update",
        lines,
        (start, end),
    ) else {
        return;
    };
    if !charge_invoice(store, &invoice, None) {
        renewal::start_dunning(store, subscription_id, &invoice);
    }
}

pub fn set_cancel_at_period_end(
    store: &mut Store,
    subscription_id: &str,
    cancel: bool,
) -> Result<(), ApiError> {
    let now = store.now();
    let subscription = store.subscription(subscription_id)?;
    if !subscription.is_live() {
        return Err(ApiError::state(
            "A canceled subscription can only update its cancellation_details and metadata.",
        ));
    }
    update_subscription(store, subscription_id, |subscription| {
        subscription.cancel_at_period_end = cancel;
        subscription.cancel_at = cancel.then_some(subscription.current_period_end);
        subscription.canceled_at = cancel.then_some(now);
        subscription.cancellation_reason = cancel.then_some("cancellation_requested");
    });
    Ok(())
}

/// Ends a subscription now and emits `customer.subscription.deleted`.
pub fn cancel_now(
    store: &mut Store,
    subscription_id: &str,
    reason: &'static str,
) -> Result<(), ApiError> {
    let now = store.now();
    let subscription = store
        .subscriptions
        .get_mut(subscription_id)
        .ok_or_else(|| ApiError::missing("subscription", subscription_id, Some("id")))?;
    if subscription.status == "canceled" {
        return Err(ApiError::state(format!(
            "The subscription '{subscription_id}' has already been canceled."
        )));
    }
    subscription.status = "canceled".to_owned();
    subscription.canceled_at = Some(subscription.canceled_at.unwrap_or(now));
    subscription.ended_at = Some(now);
    subscription.cancellation_reason = Some(reason);
    subscription.dunning = None;
    subscription.pending_prorations.clear();
    let rendered = subscription.render(&store.prices);
    tracing::info!(subscription_id, reason, "subscription canceled");
    store.emit("customer.subscription.deleted", rendered, None);
    Ok(())
}
