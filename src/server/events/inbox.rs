//! The `stripe_events` table: every verified delivery recorded once under Stripe's event id,
//! with its raw body and what became of it. A delivery claims its row with a short lease, so
//! two deliveries of one event never process it at the same time.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TryInsertResult,
};
use serde::Deserialize;

use crate::server::entities::stripe_event;

/// How long a delivery may hold an event before another may take it over (a crashed process
/// leaves its lease behind).
const LEASE: Duration = Duration::seconds(60);

/// Where an event stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Stored, not processed yet (or being processed).
    Received,
    /// Its object was synced.
    Processed,
    /// A type the app does not act on.
    Ignored,
    /// Processing failed; `last_error` says why. `replay-events --failed` tries again.
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Processed => "processed",
            Status::Ignored => "ignored",
            Status::Failed => "failed",
        }
    }
}

/// The few fields of an event the inbox reads without the SDK, so that an event whose object
/// the SDK cannot parse is still recorded under its id.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub id: String,
    pub event_type: String,
    pub object_id: Option<String>,
    pub created: DateTime<Utc>,
}

impl Envelope {
    pub fn read(body: &str) -> Result<Envelope, String> {
        #[derive(Deserialize)]
        struct Raw {
            id: String,
            #[serde(rename = "type")]
            event_type: String,
            created: i64,
            data: RawData,
        }
        #[derive(Deserialize)]
        struct RawData {
            object: RawObject,
        }
        #[derive(Deserialize)]
        struct RawObject {
            id: Option<String>,
        }

        let raw: Raw = serde_json::from_str(body).map_err(|err| err.to_string())?;
        if !raw.id.starts_with("evt_") {
            return Err(format!("`{}` is not an event id", raw.id));
        }
        let created = DateTime::from_timestamp(raw.created, 0)
            .ok_or_else(|| format!("created {} is out of range", raw.created))?;
        Ok(Envelope {
            id: raw.id,
            event_type: raw.event_type,
            object_id: raw.data.object.id,
            created,
        })
    }
}

/// What recording a delivery found.
#[derive(Debug)]
pub enum Recorded {
    /// This delivery holds the event and must process it.
    Claimed,
    /// Another delivery holds the event and has not settled it yet.
    HeldElsewhere,
    /// The event was settled before (processed, ignored or failed): nothing to do.
    AlreadyHandled(Status),
}

/// Stores the event unless its id is known, and claims it when it still needs processing.
pub async fn record(
    db: &impl ConnectionTrait,
    envelope: &Envelope,
    body: &str,
    now: DateTime<Utc>,
) -> Result<Recorded, sea_orm::DbErr> {
    let row = stripe_event::ActiveModel {
        id: Set(envelope.id.clone()),
        event_type: Set(envelope.event_type.clone()),
        object_id: Set(envelope.object_id.clone()),
        created: Set(envelope.created),
        body: Set(body.to_owned()),
        status: Set(Status::Received.as_str().to_owned()),
        attempts: Set(1),
        last_error: Set(None),
        received_at: Set(now),
        processed_at: Set(None),
        locked_until: Set(Some(now + LEASE)),
    };
    let inserted = stripe_event::Entity::insert(row)
        .on_conflict(
            OnConflict::column(stripe_event::Column::Id)
                .do_nothing()
                .to_owned(),
        )
        .do_nothing()
        .exec_without_returning(db)
        .await?;
    if matches!(inserted, TryInsertResult::Inserted(1)) {
        return Ok(Recorded::Claimed);
    }
    if claim(db, &envelope.id, now).await? {
        return Ok(Recorded::Claimed);
    }
    Ok(match status(db, &envelope.id).await? {
        None | Some(Status::Received) => Recorded::HeldElsewhere,
        Some(settled) => Recorded::AlreadyHandled(settled),
    })
}

/// Takes the event for processing if it is unfinished and nobody holds it; says whether it did.
pub async fn claim(
    db: &impl ConnectionTrait,
    event_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, sea_orm::DbErr> {
    let updated = stripe_event::Entity::update_many()
        .col_expr(
            stripe_event::Column::Attempts,
            Expr::col(stripe_event::Column::Attempts).add(1),
        )
        .col_expr(stripe_event::Column::LockedUntil, Expr::value(now + LEASE))
        .filter(stripe_event::Column::Id.eq(event_id))
        .filter(
            stripe_event::Column::Status
                .is_in([Status::Received.as_str(), Status::Failed.as_str()]),
        )
        .filter(
            Condition::any()
                .add(stripe_event::Column::LockedUntil.is_null())
                .add(stripe_event::Column::LockedUntil.lt(now)),
        )
        .exec(db)
        .await?;
    Ok(updated.rows_affected == 1)
}

/// Records the outcome of processing and releases the claim.
pub async fn finish(
    db: &impl ConnectionTrait,
    event_id: &str,
    status: Status,
    error: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    let processed_at = (status != Status::Failed).then_some(now);
    stripe_event::Entity::update_many()
        .col_expr(stripe_event::Column::Status, Expr::value(status.as_str()))
        .col_expr(stripe_event::Column::LastError, Expr::value(error))
        .col_expr(stripe_event::Column::ProcessedAt, Expr::value(processed_at))
        .col_expr(
            stripe_event::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(stripe_event::Column::Id.eq(event_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Where the stored event stands now; `None` when its id is unknown.
pub async fn status(
    db: &impl ConnectionTrait,
    event_id: &str,
) -> Result<Option<Status>, sea_orm::DbErr> {
    let stored = stripe_event::Entity::find_by_id(event_id.to_owned())
        .one(db)
        .await?;
    Ok(stored.map(|stored| parse_status(&stored.status)))
}

/// The events a replay should take, oldest first: the failed ones, and those a delivery
/// claimed but never settled (its process stopped, or the database went away before the
/// outcome was stored) whose lease has run out.
pub async fn replayable(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Vec<stripe_event::Model>, sea_orm::DbErr> {
    let abandoned = Condition::all()
        .add(stripe_event::Column::Status.eq(Status::Received.as_str()))
        .add(
            Condition::any()
                .add(stripe_event::Column::LockedUntil.is_null())
                .add(stripe_event::Column::LockedUntil.lt(now)),
        );
    stripe_event::Entity::find()
        .filter(
            Condition::any()
                .add(stripe_event::Column::Status.eq(Status::Failed.as_str()))
                .add(abandoned),
        )
        .order_by_asc(stripe_event::Column::Created)
        .order_by_asc(stripe_event::Column::ReceivedAt)
        .all(db)
        .await
}

fn parse_status(stored: &str) -> Status {
    match stored {
        "processed" => Status::Processed,
        "ignored" => Status::Ignored,
        "failed" => Status::Failed,
        _ => Status::Received,
    }
}

#[cfg(test)]
mod tests {
    use super::Envelope;

    #[test]
    fn the_envelope_is_read_without_the_object_shape() {
        let body = r#"{"id":"evt_1","type":"price.updated","created":1700000000,
            "data":{"object":{"id":"price_1","unit_amount":"not a number"}}}"#;

        let envelope = Envelope::read(body).expect("an envelope");

        assert_eq!(envelope.id, "evt_1");
        assert_eq!(envelope.event_type, "price.updated");
        assert_eq!(envelope.object_id.as_deref(), Some("price_1"));
        assert_eq!(envelope.created.timestamp(), 1_700_000_000);
    }

    #[test]
    fn a_body_without_an_event_id_is_refused() {
        assert!(Envelope::read("not json").is_err());
        assert!(
            Envelope::read(r#"{"id":"cus_1","type":"x","created":1,"data":{"object":{}}}"#)
                .is_err()
        );
    }
}
