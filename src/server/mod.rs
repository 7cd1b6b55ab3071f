//! The server half of stacker: settings, logging, database, auth, billing and the webhook route.

pub mod app;
pub mod auth;
mod bad_arguments;
pub mod billing;
pub mod config;
pub mod database;
pub mod entities;
pub mod events;
pub mod state;
pub mod tasks;
pub mod telemetry;
pub mod webhook;

use anyhow::Context;
use leptos::config::{LeptosOptions, get_configuration};

use self::app::AppConfig;
use self::billing::stripe_connection::Role;
use self::config::Settings;

/// The stacker server and its operator tasks. Settings come from Leptos.toml and the
/// environment (see docs/configuration.md).
#[derive(Debug, clap::Parser)]
#[command(name = "stacker", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Serve the site (the default).
    Serve,
    /// Fetch the catalog and every customer's subscriptions from Stripe and store them.
    Sync,
    /// Process stored events again.
    ReplayEvents {
        /// Replay the events whose processing failed.
        #[arg(long, required = true)]
        failed: bool,
    },
    /// Manage the webhook endpoint Stripe delivers events to.
    WebhookEndpoint {
        #[command(subcommand)]
        action: EndpointAction,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum EndpointAction {
    /// Register an endpoint for the events the app handles and print its signing secret.
    Create {
        /// Where Stripe should deliver; defaults to <public URL>/webhooks/stripe.
        #[arg(long)]
        url: Option<String>,
    },
}

/// Runs what the command line asks for.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    telemetry::init();
    let settings = Settings::load()?;
    let leptos_options = leptos_options()?;
    let config = AppConfig {
        settings,
        leptos_options,
    };

    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Sync => tasks::sync(&app::connect(config, Role::Task).await?).await,
        Command::ReplayEvents { failed: _ } => {
            tasks::replay_failed_events(&app::connect(config, Role::Task).await?).await
        }
        Command::WebhookEndpoint {
            action: EndpointAction::Create { url },
        } => tasks::create_webhook_endpoint(&app::connect(config, Role::Task).await?, url).await,
    }
}

/// Starts the web server and serves until interrupted.
async fn serve(config: AppConfig) -> anyhow::Result<()> {
    let AppConfig {
        settings,
        leptos_options,
    } = config;
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
