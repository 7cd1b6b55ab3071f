//! Stripe events, from a verified delivery (or a replay) to the sync of the object they name.
//! The event only says what to sync; what is stored is always fetched from Stripe, so events
//! may arrive late, twice or in any order.

pub mod inbox;

use stripe_webhook::{Event, EventObject};

use self::inbox::Status;
use super::billing::{BillingError, catalog_sync, checkout, customer, subscription_sync};
use super::state::AppState;

/// What the delivery that carried the event should answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 2xx: the event is settled (processed, ignored, or failed in a way retrying cannot mend).
    Settled(Status),
    /// 5xx: a transient failure; Stripe should deliver it again.
    RetryLater,
}

/// Parses an event body with the SDK, keeping its error message.
pub fn parse(body: &str) -> Result<Event, String> {
    serde_json::from_str::<Event>(body).map_err(|err| err.to_string())
}

/// Processes an event the caller has claimed in the inbox and records how it went.
#[tracing::instrument(skip(state, parsed))]
pub async fn process_claimed(
    state: &AppState,
    event_id: &str,
    parsed: Result<Event, String>,
) -> Result<Answer, sea_orm::DbErr> {
    let event = match parsed {
        Ok(event) => event,
        Err(parse_error) => {
            let error = format!("the SDK could not parse the event: {parse_error}");
            tracing::warn!(%error, "event stored as failed");
            let now = state.clock.now();
            inbox::finish(&state.db, event_id, Status::Failed, Some(error), now).await?;
            return Ok(Answer::Settled(Status::Failed));
        }
    };

    let outcome = sync_named_object(state, &event).await;
    let now = state.clock.now();
    match outcome {
        Ok(status) => {
            inbox::finish(&state.db, event_id, status, None, now).await?;
            tracing::debug!(event_type = event.type_.as_str(), ?status, "event handled");
            Ok(Answer::Settled(status))
        }
        Err(err) => {
            let error = format!("{err}: {err:?}");
            inbox::finish(&state.db, event_id, Status::Failed, Some(error), now).await?;
            if err.is_transient() {
                tracing::error!(error = ?err, "event failed; Stripe will deliver it again");
                Ok(Answer::RetryLater)
            } else {
                tracing::warn!(error = %err, "event failed for good; stored as failed");
                Ok(Answer::Settled(Status::Failed))
            }
        }
    }
}

/// Syncs the object the event names; event types the app does not act on are ignored.
async fn sync_named_object(state: &AppState, event: &Event) -> Result<Status, BillingError> {
    match &event.data.object {
        EventObject::CheckoutSessionCompleted(session) => {
            let current = checkout::retrieve(state, session.id.as_str()).await?;
            checkout::sync_checkout_session(state, &current).await?;
        }
        EventObject::CustomerCreated(current) | EventObject::CustomerUpdated(current) => {
            customer::sync_customer(state, current.id.as_str()).await?;
        }
        EventObject::CustomerSubscriptionCreated(current)
        | EventObject::CustomerSubscriptionUpdated(current)
        | EventObject::CustomerSubscriptionDeleted(current)
        | EventObject::CustomerSubscriptionPaused(current)
        | EventObject::CustomerSubscriptionResumed(current) => {
            subscription_sync::sync_subscription(state, current.id.as_str(), None).await?;
        }
        EventObject::ProductCreated(current)
        | EventObject::ProductUpdated(current)
        | EventObject::ProductDeleted(current) => {
            catalog_sync::sync_product(state, current.id.as_str()).await?;
        }
        EventObject::PriceCreated(current)
        | EventObject::PriceUpdated(current)
        | EventObject::PriceDeleted(current) => {
            catalog_sync::sync_price(state, current.id.as_str()).await?;
        }
        _ => return Ok(Status::Ignored),
    }
    Ok(Status::Processed)
}

/// How a replay went.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReplayCounts {
    pub processed: usize,
    pub ignored: usize,
    pub still_failed: usize,
}

/// Processes every failed event again, oldest first, from its stored body; also the events a
/// delivery claimed and never settled, once their lease has run out.
#[tracing::instrument(skip_all)]
pub async fn replay_failed(state: &AppState) -> Result<ReplayCounts, sea_orm::DbErr> {
    let mut counts = ReplayCounts::default();
    for stored in inbox::replayable(&state.db, state.clock.now()).await? {
        if !inbox::claim(&state.db, &stored.id, state.clock.now()).await? {
            continue;
        }
        match process_claimed(state, &stored.id, parse(&stored.body)).await? {
            Answer::Settled(Status::Processed) => counts.processed += 1,
            Answer::Settled(Status::Ignored) => counts.ignored += 1,
            _ => counts.still_failed += 1,
        }
    }
    tracing::info!(?counts, "failed events replayed");
    Ok(counts)
}
