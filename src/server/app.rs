//! Builds the whole axum application from settings: database, Stripe, sessions, routes.

use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::routing::post;
use axum_login::AuthManagerLayerBuilder;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::trace::TraceLayer;

use super::auth::{AuthBackend, DatabaseSessionStore, session_layer};
use super::billing::catalog_sync;
use super::billing::clock::Clock;
use super::billing::stripe_connection::{self, Role};
use super::billing::sync_lock::SyncLocks;
use super::billing::tier_policy::TierPolicy;
use super::config::Settings;
use super::state::AppState;
use super::{bad_arguments, database, webhook};
use crate::app::{App, shell};

/// What the app is built from.
pub struct AppConfig {
    pub settings: Settings,
    pub leptos_options: LeptosOptions,
}

/// Connects the database (running migrations) and Stripe. The server and the command-line
/// tasks share this; only the server (`Role::Server`) registers for webhooks.
pub async fn connect(config: AppConfig, role: Role) -> anyhow::Result<AppState> {
    let AppConfig {
        settings,
        leptos_options,
    } = config;

    // Database.
    let db = database::connect_and_migrate(&settings.database.url).await?;

    // Stripe.
    let stripe = stripe_connection::connect(&settings, role).await?;
    let tier_policy = TierPolicy {
        past_due_grace: chrono::Duration::days(settings.billing.past_due_grace_days),
    };
    Ok(AppState {
        settings: Arc::new(settings),
        leptos_options,
        db,
        stripe: stripe.client,
        stripe_mode: stripe.mode,
        webhook_secrets: Arc::new(stripe.webhook_secrets),
        clock: Clock::default(),
        tier_policy,
        sync_locks: SyncLocks::default(),
        emulator: stripe.emulator.map(Arc::new),
    })
}

/// Connects everything the app needs and returns its router with the shared state.
pub async fn build(config: AppConfig) -> anyhow::Result<(Router, AppState)> {
    let state = connect(config, Role::Server).await?;

    // Catalog mirror: refreshed at start; the pricing page serves the stored copy if Stripe
    // cannot be reached now, and product and price events keep it fresh afterwards.
    if let Err(err) = catalog_sync::sync_catalog(&state).await {
        tracing::warn!(error = ?err, "catalog not refreshed at start; serving the stored copy");
    }

    // Sessions.
    let session_store = DatabaseSessionStore::migrate(&state.db)
        .await
        .context("Failed to prepare the sessions table")?;
    session_store.spawn_expiry_cleanup();
    let sessions = session_layer(
        session_store,
        state.settings.public_url(),
        state.settings.session.inactivity_days,
    );
    let auth_layer =
        AuthManagerLayerBuilder::new(AuthBackend::new(state.db.clone()), sessions).build();

    // Routes.
    let routes = generate_route_list(App);
    let context_state = state.clone();
    let provide_state = move || provide_context(context_state.clone());
    let leptos_options = state.leptos_options.clone();
    let router = Router::new()
        .route("/webhooks/stripe", post(webhook::receive))
        .leptos_routes_with_context(&state, routes, provide_state.clone(), move || {
            shell(leptos_options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(provide_state, shell))
        .layer(auth_layer)
        .layer(axum::middleware::from_fn(
            bad_arguments::answer_as_client_errors,
        ))
        .layer(TraceLayer::new_for_http())
        .with_state(state.clone());

    Ok((router, state))
}
