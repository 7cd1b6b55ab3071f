//! The server half of stacker: settings, logging, database, auth, billing and the webhook route.

pub mod app;
pub mod auth;
pub mod billing;
pub mod config;
pub mod database;
pub mod entities;
pub mod state;
pub mod telemetry;
pub mod webhook;

use anyhow::Context;
use leptos::config::{LeptosOptions, get_configuration};

use self::app::AppConfig;
use self::config::Settings;

/// Starts the web server and serves until interrupted.
pub async fn run() -> anyhow::Result<()> {
    telemetry::init();

    let settings = Settings::load()?;
    let leptos_options = leptos_options()?;
    let addr = leptos_options.site_addr;
    let public_url = settings.public_url().to_owned();
    let database = database::redact_url(&settings.database.url);

    let (router, state) = app::build(AppConfig {
        settings,
        leptos_options,
    })
    .await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("Failed to listen on {addr}"))?;

    tracing::info!(stripe = %state.stripe_mode, %database, "billing and storage ready");
    tracing::info!(%addr, "stacker is serving at {public_url}");
    axum::serve(listener, router.into_make_service())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("The web server stopped with an error")
}

/// Leptos's options from `LEPTOS_*` variables (as cargo-leptos sets them), else from the
/// `[package.metadata.leptos]` table of `Cargo.toml` in the working directory, with the same
/// variables layered on top.
fn leptos_options() -> anyhow::Result<LeptosOptions> {
    let from_file = std::env::var_os("LEPTOS_OUTPUT_NAME").is_none()
        && std::path::Path::new("Cargo.toml").exists();
    let configuration = if from_file {
        get_configuration(Some("Cargo.toml"))
    } else {
        get_configuration(None)
    };
    Ok(configuration
        .context("Failed to read Leptos's options from LEPTOS_* variables or ./Cargo.toml")?
        .leptos_options)
}

async fn shutdown_signal() {
    if let Err(err) = tokio::signal::ctrl_c().await {
        tracing::warn!(error = %err, "cannot listen for Ctrl-C; stop the server with a signal");
        std::future::pending::<()>().await;
    }
    tracing::info!("shutting down");
}
