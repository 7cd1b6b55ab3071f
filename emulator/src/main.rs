//! `stripe-emulator`: runs the Stripe emulator on a loopback address until interrupted.

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "stripe-emulator",
    version,
    about = "Offline stand-in for the Stripe API"
)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "STRIPE_EMULATOR_ADDR", default_value = "127.0.0.1:12111")]
    addr: String,
    /// Catalog file in the seed format (emulator/seed/catalog.json); the built-in seed otherwise.
    #[arg(long, env = "STRIPE_EMULATOR_CATALOG")]
    catalog: Option<PathBuf>,
    /// Base URL browsers use for Checkout and portal pages; defaults to http://<addr>.
    #[arg(long, env = "STRIPE_EMULATOR_PUBLIC_URL")]
    public_url: Option<String>,
    /// Business name shown in the billing portal.
    #[arg(long, env = "STRIPE_EMULATOR_BUSINESS_NAME", default_value = "Stacker")]
    business_name: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Logging.
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    // Server.
    let cli = Cli::parse();
    let listener = tokio::net::TcpListener::bind(&cli.addr)
        .await
        .with_context(|| format!("Failed to listen on {}", cli.addr))?;
    let options = stripe_emulator::Options {
        catalog: cli.catalog,
        public_url: cli.public_url,
        business_name: cli.business_name,
        ..Default::default()
    };
    let emulator = stripe_emulator::spawn(listener, options).await?;
    tracing::info!(url = %emulator.base_url(), "stripe emulator ready; press Ctrl-C to stop");

    // Shutdown.
    tokio::signal::ctrl_c()
        .await
        .context("Failed to wait for Ctrl-C")?;
    emulator.shutdown();
    tracing::info!("stripe emulator stopped");
    Ok(())
}
