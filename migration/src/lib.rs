//! Database schema changes for stacker, applied in order at server start. One file per change;
//! every change runs on SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20250101_000001_create_users;
mod m20250101_000002_create_subscriptions;
mod m20250201_000003_create_stripe_events;
mod m20250201_000004_create_catalog;
mod m20250201_000005_add_subscription_period_start;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20250101_000001_create_users::Migration),
            Box::new(m20250101_000002_create_subscriptions::Migration),
            Box::new(m20250201_000003_create_stripe_events::Migration),
            Box::new(m20250201_000004_create_catalog::Migration),
            Box::new(m20250201_000005_add_subscription_period_start::Migration),
        ]
    }
}
