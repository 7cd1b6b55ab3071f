//! The event inbox: every verified webhook delivery, kept with what became of it. The primary
//! key is Stripe's event id, so a second delivery of the same event cannot make a second row.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    integer, string, string_null, text, text_null, timestamp_with_time_zone,
    timestamp_with_time_zone_null,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StripeEvents::Table)
                    .if_not_exists()
                    .col(string(StripeEvents::Id).primary_key())
                    .col(string(StripeEvents::EventType))
                    .col(string_null(StripeEvents::ObjectId))
                    .col(timestamp_with_time_zone(StripeEvents::Created))
                    .col(text(StripeEvents::Body))
                    .col(string(StripeEvents::Status))
                    .col(integer(StripeEvents::Attempts).default(0))
                    .col(text_null(StripeEvents::LastError))
                    .col(timestamp_with_time_zone(StripeEvents::ReceivedAt))
                    .col(timestamp_with_time_zone_null(StripeEvents::ProcessedAt))
                    .col(timestamp_with_time_zone_null(StripeEvents::LockedUntil))
                    .to_owned(),
            )
            .await?;

        manager
            .create_index(
                Index::create()
                    .name("idx_stripe_events_status")
                    .table(StripeEvents::Table)
                    .col(StripeEvents::Status)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StripeEvents::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum StripeEvents {
    Table,
    Id,
    EventType,
    ObjectId,
    Created,
    Body,
    Status,
    Attempts,
    LastError,
    ReceivedAt,
    ProcessedAt,
    LockedUntil,
}
