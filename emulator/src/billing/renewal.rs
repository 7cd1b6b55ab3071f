//! What happens when time passes: periods renew and are invoiced, trials end, cancellations
//! scheduled for the period end take effect, and failed payments are retried until the
//! subscription recovers or gives up (canceled or unpaid, per the settings).

use crate::objects::invoice::InvoiceLine;
use crate::objects::subscription::Dunning;
use crate::store::{FinalDunningStatus, Store};

use super::changes::{cancel_now, proration_line};
use super::{
    DAY, charge_invoice, issue_invoice, period_lines, subscription_period_end, update_subscription,
};

/// Something a subscription has scheduled for a moment in time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Due {
    PeriodEnd(String),
    PaymentRetry(String),
}

/// The earliest scheduled action at or before `until`, with its time.
pub fn next_due(store: &Store, until: i64) -> Option<(i64, Due)> {
    store
        .subscriptions
        .iter()
        .filter_map(
            |subscription| match (&subscription.dunning, subscription.status.as_str()) {
                (Some(dunning), "past_due") => dunning
                    .next_attempt
                    .map(|at| (at, Due::PaymentRetry(subscription.id.clone()))),
                (None, "active" | "trialing") => Some((
                    subscription.current_period_end,
                    Due::PeriodEnd(subscription.id.clone()),
                )),
                _ => None,
            },
        )
        .filter(|(at, _)| *at <= until)
        .min_by_key(|(at, _)| *at)
}

pub fn run(store: &mut Store, due: Due) {
    match due {
        Due::PeriodEnd(id) => end_period(store, &id),
        Due::PaymentRetry(id) => retry_payment(store, &id),
    }
}

fn end_period(store: &mut Store, subscription_id: &str) {
    let Some(subscription) = store.subscriptions.get(subscription_id).cloned() else {
        return;
    };
    if subscription.cancel_at_period_end {
        let _ = cancel_now(store, subscription_id, "cancellation_requested");
        return;
    }

    // New period.
    let start = subscription.current_period_end;
    let end = subscription_period_end(store, &subscription, start);
    let mut lines: Vec<InvoiceLine> = subscription
        .pending_prorations
        .iter()
        .map(proration_line)
        .collect();
    lines.extend(period_lines(store, &subscription, start, end, false));
    update_subscription(store, subscription_id, |subscription| {
        subscription.current_period_start = start;
        subscription.current_period_end = end;
        subscription.pending_prorations.clear();
    });

    // Invoice and payment.
    let Some(invoice) = issue_invoice(
        store,
        subscription_id,
        "subscription_cycle",
        lines,
        (start, end),
    ) else {
        return;
    };
    let first_retry = store
        .settings
        .retry_days
        .first()
        .map(|days| store.now() + days * DAY);
    if charge_invoice(store, &invoice, first_retry) {
        update_subscription(store, subscription_id, |subscription| {
            subscription.status = "active".to_owned()
        });
        tracing::info!(subscription_id, %invoice, "subscription renewed");
    } else {
        start_dunning(store, subscription_id, &invoice);
    }
}

/// After a failed payment: the subscription goes `past_due` and retries are scheduled.
pub fn start_dunning(store: &mut Store, subscription_id: &str, invoice: &str) {
    let now = store.now();
    let next_attempt = store
        .settings
        .retry_days
        .first()
        .map(|days| now + days * DAY);
    if let Some(stored) = store.invoices.get_mut(invoice) {
        stored.next_payment_attempt = next_attempt;
    }
    update_subscription(store, subscription_id, |subscription| {
        subscription.status = "past_due".to_owned();
        subscription.dunning = Some(Dunning {
            invoice: invoice.to_owned(),
            started_at: now,
            attempts: 1,
            next_attempt,
        });
    });
    if next_attempt.is_none() {
        give_up(store, subscription_id, invoice);
    }
}

fn retry_payment(store: &mut Store, subscription_id: &str) {
    let Some(dunning) = store
        .subscriptions
        .get(subscription_id)
        .and_then(|s| s.dunning.clone())
    else {
        return;
    };
    let retry_days = store.settings.retry_days.clone();
    let next_attempt = retry_days
        .get(dunning.attempts as usize)
        .map(|days| dunning.started_at + days * DAY);
    if charge_invoice(store, &dunning.invoice, next_attempt) {
        update_subscription(store, subscription_id, |subscription| {
            subscription.status = "active".to_owned();
            subscription.dunning = None;
        });
        tracing::info!(
            subscription_id,
            "subscription recovered after a failed payment"
        );
        return;
    }
    if next_attempt.is_none() {
        give_up(store, subscription_id, &dunning.invoice);
        return;
    }
    if let Some(subscription) = store.subscriptions.get_mut(subscription_id) {
        subscription.dunning = Some(Dunning {
            attempts: dunning.attempts + 1,
            next_attempt,
            ..dunning
        });
    }
}

/// The last retry failed: cancel the subscription or leave it unpaid, per the settings.
fn give_up(store: &mut Store, subscription_id: &str, invoice: &str) {
    if let Some(stored) = store.invoices.get_mut(invoice) {
        stored.next_payment_attempt = None;
    }
    match store.settings.final_status {
        FinalDunningStatus::Canceled => {
            let _ = cancel_now(store, subscription_id, "payment_failed");
        }
        FinalDunningStatus::Unpaid => update_subscription(store, subscription_id, |subscription| {
            subscription.status = "unpaid".to_owned();
            subscription.dunning = None;
        }),
    }
}
