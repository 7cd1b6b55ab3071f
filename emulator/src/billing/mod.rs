//! The billing engine: what happens to customers, subscriptions and invoices when a customer
//! pays at Checkout, changes plan, cancels, or when a period ends. Every change emits the events
//! Stripe would send for it.

pub mod changes;
pub mod checkout;
pub mod limits;
pub mod preview;
pub mod renewal;

use chrono::{DateTime, Days, Months};

use crate::ids::new_id;
use crate::objects::invoice::{Invoice, InvoiceLine};
use crate::objects::price::{Interval, Price};
use crate::objects::subscription::Subscription;
use crate::store::Store;

const DAY: i64 = 24 * 60 * 60;

/// The end of a billing period that starts at `start`, by calendar months and years as Stripe
/// bills them (Jan 31 + 1 month = Feb 28/29).
pub fn period_end(start: i64, interval: Interval, count: u32) -> i64 {
    let Some(from) = DateTime::from_timestamp(start, 0) else {
        return start;
    };
    let end = match interval {
        Interval::Day => from.checked_add_days(Days::new(count.into())),
        Interval::Week => from.checked_add_days(Days::new(u64::from(count) * 7)),
        Interval::Month => from.checked_add_months(Months::new(count)),
        Interval::Year => from.checked_add_months(Months::new(count.saturating_mul(12))),
    };
    end.map_or(start, |end| end.timestamp())
}

/// The billing period of a subscription's first item's price.
pub fn subscription_period_end(store: &Store, subscription: &Subscription, start: i64) -> i64 {
    let recurring = subscription
        .items
        .first()
        .and_then(|item| store.prices.get(&item.price))
        .and_then(|price| price.recurring.clone());
    match recurring {
        Some(recurring) => period_end(start, recurring.interval, recurring.interval_count),
        None => start + 30 * DAY,
    }
}

/// A date as people read it, e.g. "March 5, 2026".
pub fn format_date(timestamp: i64) -> String {
    DateTime::from_timestamp(timestamp, 0).map_or_else(
        || timestamp.to_string(),
        |d| d.format("%B %-d, %Y").to_string(),
    )
}

pub fn format_amount(amount: i64, currency: &str) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let amount = amount.abs();
    let symbol = match currency {
        "usd" => "$",
        "eur" => "€",
        "gbp" => "£",
        _ => "",
    };
    let suffix = if symbol.is_empty() {
        format!(" {}", currency.to_uppercase())
    } else {
        String::new()
    };
    format!("{sign}{symbol}{}.{:02}{suffix}", amount / 100, amount % 100)
}

/// "1 × Core Stacker (at $12.00 / month)", as Stripe describes subscription lines.
pub fn line_description(store: &Store, price: &Price, quantity: u64) -> String {
    let product = store
        .products
        .get(&price.product)
        .map_or(price.product.as_str(), |p| &p.name);
    let interval = price
        .recurring
        .as_ref()
        .map_or("once", |r| r.interval.as_str());
    format!(
        "{quantity} × {product} (at {} / {interval})",
        format_amount(price.unit_amount, &price.currency)
    )
}

/// Lines billing every item of the subscription for one period.
pub fn period_lines(
    store: &Store,
    subscription: &Subscription,
    start: i64,
    end: i64,
    trial: bool,
) -> Vec<InvoiceLine> {
    subscription
        .items
        .iter()
        .filter_map(|item| {
            let price = store.prices.get(&item.price)?;
            let quantity = item.quantity;
            let description = if trial {
                let product = store
                    .products
                    .get(&price.product)
                    .map_or(price.product.as_str(), |p| &p.name);
                format!("Trial period for {product}")
            } else {
                line_description(store, price, quantity)
            };
            let amount = if trial {
                0
            } else {
                price.unit_amount * quantity as i64
            };
            Some(InvoiceLine {
                id: new_id("il"),
                description,
                amount,
                price: price.id.clone(),
                quantity,
                subscription_item: Some(item.id.clone()),
                proration: false,
                period_start: start,
                period_end: end,
            })
        })
        .collect()
}

/// Creates an invoice for a subscription and finalizes it (`invoice.created`, `invoice.finalized`).
pub fn issue_invoice(
    store: &mut Store,
    subscription_id: &str,
    billing_reason: &'static str,
    lines: Vec<InvoiceLine>,
    period: (i64, i64),
) -> Option<String> {
    let now = store.now();
    let subscription = store.subscriptions.get(subscription_id)?;
    let customer = store.customers.get(&subscription.customer)?;
    let number = format!(
        "{}-{:04}",
        customer.invoice_prefix, customer.next_invoice_sequence
    );
    let mut invoice = Invoice {
        id: Some(new_id("in")),
        number: None,
        customer: customer.id.clone(),
        customer_email: customer.email.clone(),
        customer_name: customer.name.clone(),
        subscription: Some(subscription.id.clone()),
        status: "draft",
        billing_reason,
        currency: subscription.currency.clone(),
        lines,
        amount_paid: 0,
        attempt_count: 0,
        next_payment_attempt: None,
        created: now,
        period_start: period.0,
        period_end: period.1,
        finalized_at: None,
        paid_at: None,
        marked_uncollectible_at: None,
        voided_at: None,
    };
    let id = invoice.id.clone()?;
    if let Some(customer) = store.customers.get_mut(&invoice.customer) {
        customer.next_invoice_sequence += 1;
    }
    store.emit("invoice.created", invoice.render(&store.prices), None);

    invoice.status = "open";
    invoice.number = Some(number);
    invoice.finalized_at = Some(now);
    store.emit("invoice.finalized", invoice.render(&store.prices), None);
    store.invoices.insert(invoice);
    if let Some(subscription) = store.subscriptions.get_mut(subscription_id) {
        subscription.latest_invoice = Some(id.clone());
    }
    Some(id)
}

/// Charges an open invoice to the customer's saved card. Emits `invoice.paid` and
/// `invoice.payment_succeeded`, or `invoice.payment_failed`; returns whether it was paid.
pub fn charge_invoice(store: &mut Store, invoice_id: &str, next_attempt: Option<i64>) -> bool {
    let now = store.now();
    let Some(invoice) = store.invoices.get(invoice_id) else {
        return false;
    };
    let amount_due = invoice.total().max(0);
    let card_ok = store
        .customers
        .get(&invoice.customer)
        .and_then(|customer| customer.card.as_ref())
        .is_some_and(|card| card.charge_succeeds());
    let paid = amount_due == 0 || card_ok;
    let customer_id = invoice.customer.clone();

    let Some(invoice) = store.invoices.get_mut(invoice_id) else {
        return false;
    };
    if amount_due > 0 {
        invoice.attempt_count += 1;
    }
    if paid {
        invoice.status = "paid";
        invoice.amount_paid = amount_due;
        invoice.paid_at = Some(now);
        invoice.next_payment_attempt = None;
    } else {
        invoice.next_payment_attempt = next_attempt;
    }
    let rendered = invoice.render(&store.prices);
    if let Some(customer) = store.customers.get_mut(&customer_id) {
        customer.delinquent = !paid;
    }
    if paid {
        store.emit("invoice.paid", rendered.clone(), None);
        store.emit("invoice.payment_succeeded", rendered, None);
    } else {
        tracing::info!(invoice_id, customer_id = %customer_id, "invoice payment failed");
        store.emit("invoice.payment_failed", rendered, None);
    }
    paid
}

/// Applies a change to a subscription and emits `customer.subscription.updated` when it shows.
pub fn update_subscription(store: &mut Store, id: &str, change: impl FnOnce(&mut Subscription)) {
    let Some(subscription) = store.subscriptions.get_mut(id) else {
        return;
    };
    let before = subscription.render(&store.prices);
    change(subscription);
    let after = subscription.render(&store.prices);
    store.emit_update("customer.subscription.updated", before, after);
}
