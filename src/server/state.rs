//! What routes and server functions share.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use secrecy::SecretString;

use super::billing::clock::Clock;
use super::billing::stripe_connection::StripeMode;
use super::billing::sync_lock::SyncLocks;
use super::billing::tier_policy::TierPolicy;
use super::config::Settings;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub stripe: stripe::Client,
    pub stripe_mode: StripeMode,
    /// Every secret a webhook delivery may be signed with (several while one is rotated).
    pub webhook_secrets: Arc<Vec<SecretString>>,
    pub clock: Clock,
    pub tier_policy: TierPolicy,
    /// One sync of a Stripe object (or one customer creation per user) at a time.
    pub sync_locks: SyncLocks,
    /// The in-process emulator, when the server runs one; kept here so it lives as long as the app.
    pub emulator: Option<Arc<stripe_emulator::Emulator>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The user's tier now, by the tier policy; free for visitors.
    pub async fn user_tier(
        &self,
        user_id: Option<i32>,
    ) -> Result<crate::tier::Tier, sea_orm::DbErr> {
        self.tier_policy
            .user_tier(&self.db, user_id, self.clock.now())
            .await
    }
}
