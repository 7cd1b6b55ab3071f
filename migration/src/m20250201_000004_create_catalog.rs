//! The local mirror of Stripe's catalog: products and their prices, as last fetched from
//! Stripe. Prices carry no foreign key, because a price's event may arrive before its product's.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::{
    big_integer, big_integer_null, boolean, integer, string, string_null, text,
    timestamp_with_time_zone,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Products::Table)
                    .if_not_exists()
                    .col(string(Products::Id).primary_key())
                    .col(string(Products::Name))
                    .col(boolean(Products::Active))
                    .col(string_null(Products::Tier))
                    .col(big_integer(Products::DisplayOrder))
                    .col(text(Products::Features))
                    .col(timestamp_with_time_zone(Products::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Prices::Table)
                    .if_not_exists()
                    .col(string(Prices::Id).primary_key())
                    .col(string(Prices::ProductId))
                    .col(boolean(Prices::Active))
                    .col(string(Prices::Currency))
                    .col(big_integer_null(Prices::UnitAmount))
                    .col(string_null(Prices::Interval))
                    .col(integer(Prices::IntervalCount))
                    .col(timestamp_with_time_zone(Prices::UpdatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_index(
                Index::create()
                    .name("idx_prices_product")
                    .table(Prices::Table)
                    .col(Prices::ProductId)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Prices::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Products::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Products {
    Table,
    Id,
    Name,
    Active,
    Tier,
    DisplayOrder,
    Features,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Prices {
    Table,
    Id,
    ProductId,
    Active,
    Currency,
    UnitAmount,
    Interval,
    IntervalCount,
    UpdatedAt,
}
