//! Paying a Checkout Session: the customer, the subscription, its first invoice and the
//! `checkout.session.completed` event.

use crate::cards::{Card, CardError};
use crate::ids::new_id;
use crate::objects::checkout_session::SessionStatus;
use crate::objects::customer::Customer;
use crate::objects::subscription::{Subscription, SubscriptionItem};
use crate::store::Store;

use super::{DAY, charge_invoice, issue_invoice, period_lines, subscription_period_end};

#[derive(Debug, thiserror::Error)]
pub enum PayError {
    #[error("Your card was declined.")]
    Declined,
    #[error(transparent)]
    Card(#[from] CardError),
    #[error("Enter a valid email address.")]
    Email,
    #[error("This Checkout session is no longer available.")]
    Unavailable,
    #[error("This Checkout session was already completed.")]
    Completed,
}

/// Marks a session expired (and emits `checkout.session.expired`) once its time is up.
pub fn expire_if_due(store: &mut Store, session_id: &str) {
    let now = store.now();
    let due = store
        .checkout_sessions
        .get(session_id)
        .is_some_and(|s| s.status == SessionStatus::Open && now >= s.expires_at);
    if due {
        expire(store, session_id);
    }
}

/// Expires every open session whose time is up, so that a list agrees with a retrieve.
pub fn expire_all_due(store: &mut Store) {
    let now = store.now();
    let due: Vec<String> = store
        .checkout_sessions
        .iter()
        .filter(|s| s.status == SessionStatus::Open && now >= s.expires_at)
        .map(|s| s.id.clone())
        .collect();
    for id in due {
        expire(store, &id);
    }
}

pub fn expire(store: &mut Store, session_id: &str) {
    if let Some(session) = store.checkout_sessions.get_mut(session_id) {
        session.status = SessionStatus::Expired;
        let rendered = session.render();
        store.emit("checkout.session.expired", rendered, None);
    }
}

/// Pays an open session with a test card and returns where to send the browser.
pub fn pay(
    store: &mut Store,
    session_id: &str,
    email: &str,
    card: &str,
) -> Result<String, PayError> {
    expire_if_due(store, session_id);
    let session = store
        .checkout_sessions
        .get(session_id)
        .ok_or(PayError::Unavailable)?
        .clone();
    match session.status {
        SessionStatus::Open => {}
        SessionStatus::Complete => return Err(PayError::Completed),
        SessionStatus::Expired => return Err(PayError::Unavailable),
    }
    let email = email.trim();
    if !email.contains('@') {
        return Err(PayError::Email);
    }
    let card = Card::parse(card)?;
    if !card.can_attach() || (!session.has_trial() && !card.charge_succeeds()) {
        tracing::info!(session_id, "checkout card declined");
        return Err(PayError::Declined);
    }
    let now = store.now();

    // Customer.
    let customer_id = match &session.customer {
        Some(id) => {
            if let Some(customer) = store.customers.get_mut(id) {
                let before = customer.render();
                customer.card = Some(card);
                customer.currency = Some(session.currency.clone());
                customer.email.get_or_insert_with(|| email.to_owned());
                let after = customer.render();
                store.emit_update("customer.updated", before, after);
            }
            id.clone()
        }
        None => {
            let mut customer = Customer::new(now, Some(email.to_owned()), None);
            customer.card = Some(card);
            customer.currency = Some(session.currency.clone());
            let id = customer.id.clone();
            let rendered = customer.render();
            store.customers.insert(customer);
            store.emit("customer.created", rendered, None);
            id
        }
    };

    // Subscription.
    let subscription_id = new_id("sub");
    let mut subscription = Subscription {
        id: subscription_id.clone(),
        customer: customer_id.clone(),
        status: if session.has_trial() {
            "trialing"
        } else {
            "active"
        }
        .to_owned(),
        items: session
            .lines
            .iter()
            .map(|line| SubscriptionItem {
                id: new_id("si"),
                price: line.price.clone(),
                quantity: line.quantity,
                created: now,
            })
            .collect(),
        currency: session.currency.clone(),
        metadata: session.subscription_metadata.clone(),
        created: now,
        start_date: now,
        billing_cycle_anchor: now,
        current_period_start: now,
        current_period_end: now,
        cancel_at_period_end: false,
        cancel_at: None,
        canceled_at: None,
        ended_at: None,
        cancellation_reason: None,
        trial_start: None,
        trial_end: None,
        latest_invoice: None,
        pending_prorations: Vec::new(),
        dunning: None,
    };
    let trial_end = session.trial_end.or(session
        .trial_period_days
        .map(|days| now + i64::from(days) * DAY));
    let period_end =
        trial_end.unwrap_or_else(|| subscription_period_end(store, &subscription, now));
    subscription.current_period_end = period_end;
    subscription.billing_cycle_anchor = period_end.max(now);
    if trial_end.is_none() {
        subscription.billing_cycle_anchor = now;
    }
    subscription.trial_start = trial_end.map(|_| now);
    subscription.trial_end = trial_end;
    let lines = period_lines(store, &subscription, now, period_end, trial_end.is_some());
    let rendered = subscription.render(&store.prices);
    store.subscriptions.insert(subscription);
    store.emit("customer.subscription.created", rendered, None);
    tracing::info!(%subscription_id, customer_id = %customer_id, "subscription created at checkout");

    // First invoice.
    let invoice = issue_invoice(
        store,
        &subscription_id,
        "subscription_create",
        lines,
        (now, period_end),
    );
    if let Some(invoice) = &invoice {
        charge_invoice(store, invoice, None);
    }

    // Session.
    if let Some(stored) = store.checkout_sessions.get_mut(session_id) {
        stored.status = SessionStatus::Complete;
        stored.paid = true;
        stored.customer = Some(customer_id);
        stored.subscription = Some(subscription_id);
        stored.invoice = invoice;
        stored.details_email = Some(email.to_owned());
        let rendered = stored.render();
        store.emit("checkout.session.completed", rendered, None);
    }
    Ok(session.success_location().unwrap_or_default())
}
