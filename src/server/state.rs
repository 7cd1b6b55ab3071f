//! What routes and server functions share.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use secrecy::SecretString;

use super::billing::stripe_connection::StripeMode;
use super::config::Settings;

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub leptos_options: LeptosOptions,
    pub db: DatabaseConnection,
    pub stripe: stripe::Client,
    pub stripe_mode: StripeMode,
    pub webhook_secret: Arc<SecretString>,
    /// The in-process emulator, when the server runs one; kept here so it lives as long as the app.
    pub emulator: Option<Arc<stripe_emulator::Emulator>>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
