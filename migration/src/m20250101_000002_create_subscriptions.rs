//! Stripe subscriptions as last fetched from Stripe; a user may have several over time.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    boolean, integer, string, timestamp_with_time_zone, timestamp_with_time_zone_null,
};

use crate::m20250101_000001_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Subscriptions::Table)
                    .if_not_exists()
                    .col(string(Subscriptions::Id).primary_key())
                    .col(integer(Subscriptions::UserId))
                    .col(string(Subscriptions::CustomerId))
                    .col(string(Subscriptions::PriceId))
                    .col(string(Subscriptions::ProductId))
                    .col(string(Subscriptions::Tier))
                    .col(string(Subscriptions::Status))
                    .col(timestamp_with_time_zone(Subscriptions::CurrentPeriodEnd))
                    .col(boolean(Subscriptions::CancelAtPeriodEnd).default(false))
                    .col(timestamp_with_time_zone_null(Subscriptions::TrialEnd))
                    .col(timestamp_with_time_zone(Subscriptions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_subscriptions_user")
                            .from(Subscriptions::Table, Subscriptions::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_index(
                Index::create()
                    .name("idx_subscriptions_user")
                    .table(Subscriptions::Table)
                    .col(Subscriptions::UserId)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Subscriptions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Subscriptions {
    Table,
    Id,
    UserId,
    CustomerId,
    PriceId,
    ProductId,
    Tier,
    Status,
    CurrentPeriodEnd,
    CancelAtPeriodEnd,
    TrialEnd,
    UpdatedAt,
}
