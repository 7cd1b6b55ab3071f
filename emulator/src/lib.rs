//! Offline stand-in for the parts of Stripe that stacker uses: the HTTP API under `/v1`, hosted
//! Checkout and billing portal pages, signed webhook delivery, and test controls under
//! `/_emulator`.
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let emulator = stripe_emulator::spawn(listener, stripe_emulator::Options::default()).await?;
//! println!("Stripe API at {}", emulator.base_url());
//! # Ok(()) }
//! ```

#![recursion_limit = "256"]

mod api;
mod auth;
mod billing;
mod cards;
mod catalog;
mod clock;
mod controls;
mod error;
mod expand;
mod form;
mod idempotency;
mod ids;
mod list;
mod objects;
mod pages;
mod state;
mod store;
mod webhooks;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower_http::trace::TraceLayer;

pub use catalog::SEED_CATALOG;
pub use store::{API_VERSION, FinalDunningStatus, Settings};

use crate::catalog::Catalog;
use crate::state::AppState;
use crate::webhooks::Dispatcher;

/// How to start an emulator. Every field has a default suited to running the site offline.
#[derive(Debug, Clone)]
pub struct Options {
    /// Catalog file in the seed format; `None` uses the built-in seed catalog.
    pub catalog: Option<PathBuf>,
    /// Base URL browsers use for Checkout and portal pages; defaults to `http://<bound address>`.
    pub public_url: Option<String>,
    /// Pauses before each webhook retry; the number of entries is the number of retries.
    pub webhook_retry_schedule: Vec<Duration>,
    /// How long a webhook endpoint may take to answer one attempt.
    pub webhook_timeout: Duration,
    /// Renewal retries and what happens after the last one fails.
    pub billing: Settings,
    /// How long a Checkout Session stays open.
    pub checkout_ttl: Duration,
    /// The business name the portal shows ("Return to Stacker").
    pub business_name: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            catalog: None,
            public_url: None,
            webhook_retry_schedule: [1, 5, 25, 125, 625].map(Duration::from_secs).to_vec(),
            webhook_timeout: Duration::from_secs(10),
            billing: Settings::default(),
            checkout_ttl: Duration::from_secs(24 * 60 * 60),
            business_name: "Stacker".to_owned(),
        }
    }
}

/// A running emulator. Dropping it (or calling [`Emulator::shutdown`]) stops the server and
/// every webhook delivery task.
pub struct Emulator {
    base_url: String,
    public_url: String,
    stop: Option<oneshot::Sender<()>>,
    webhooks: Dispatcher,
}

impl Emulator {
    /// Where the API listens, e.g. `http://127.0.0.1:12111`, without a trailing slash.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Base URL of the Checkout and portal pages.
    pub fn public_url(&self) -> String {
        self.public_url.clone()
    }

    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.webhooks.shutdown();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// Serves the emulator on `listener` from a background task.
pub async fn spawn(listener: TcpListener, options: Options) -> anyhow::Result<Emulator> {
    let address = listener
        .local_addr()
        .context("Failed to read the listener address")?;
    let base_url = format!("http://{address}");
    let public_url = options
        .public_url
        .as_deref()
        .unwrap_or(&base_url)
        .trim_end_matches('/')
        .to_owned();

    // Catalog and webhooks.
    let catalog = match &options.catalog {
        Some(path) => Catalog::load(path)?,
        None => Catalog::seed()?,
    };
    let webhooks = Dispatcher::new(
        options.webhook_retry_schedule.clone(),
        options.webhook_timeout,
    )?;
    let ttl = i64::try_from(options.checkout_ttl.as_secs()).unwrap_or(i64::MAX);
    let state = Arc::new(AppState::new(
        catalog,
        options.billing.clone(),
        webhooks.clone(),
        public_url.clone(),
        ttl,
        options.business_name.clone(),
    ));

    // Server.
    let app = router(state);
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(err) = server.await {
            tracing::error!(error = %err, "stripe emulator server stopped");
        }
    });
    tracing::info!(%base_url, %public_url, "stripe emulator listening");
    Ok(Emulator {
        base_url,
        public_url,
        stop: Some(stop),
        webhooks,
    })
}

fn router(state: state::SharedState) -> Router {
    Router::new()
        .nest("/v1", api::router(state.clone()))
        .merge(pages::router())
        .nest("/_emulator", controls::router())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
