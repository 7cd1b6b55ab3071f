//! The command-line tasks of the same binary: what an operator runs beside the web server.

use anyhow::Context;
use secrecy::ExposeSecret;

use super::billing::{catalog_sync, subscription_sync, webhook_endpoint};
use super::events;
use super::state::AppState;

/// `sync`: the catalog and every customer's subscriptions, fetched from Stripe and stored.
pub async fn sync(state: &AppState) -> anyhow::Result<()> {
    let catalog = catalog_sync::sync_catalog(state)
        .await
        .context("Failed to sync the catalog")?;
    let subscriptions = subscription_sync::sync_all_customers(state)
        .await
        .context("Failed to sync the customers' subscriptions")?;
    println!(
        "synced {} products, {} prices and {subscriptions} subscriptions",
        catalog.products, catalog.prices
    );
    Ok(())
}

/// `replay-events --failed`: every failed event processed again from its stored body.
pub async fn replay_failed_events(state: &AppState) -> anyhow::Result<()> {
    let counts = events::replay_failed(state)
        .await
        .context("Failed to replay the failed events")?;
    println!(
        "replayed failed events: {} processed, {} ignored, {} still failed",
        counts.processed, counts.ignored, counts.still_failed
    );
    if counts.still_failed > 0 {
        anyhow::bail!(
            "{} events still fail; see `last_error` in stripe_events",
            counts.still_failed
        );
    }
    Ok(())
}

/// `webhook-endpoint create`: registers `<public URL>/webhooks/stripe` (or `url`) for the event
/// types the app handles and prints the signing secret to configure.
pub async fn create_webhook_endpoint(state: &AppState, url: Option<String>) -> anyhow::Result<()> {
    let url = url.unwrap_or_else(|| format!("{}/webhooks/stripe", state.settings.public_url()));
    let (endpoint_id, secret) = webhook_endpoint::create(&state.stripe, &url)
        .await
        .with_context(|| format!("Failed to create a webhook endpoint for {url}"))?;
    println!("created webhook endpoint {endpoint_id} for {url}");
    println!(
        "set STRIPE_WEBHOOK_SECRET={} (during a rotation, append it after the old secret, \
         separated by a comma)",
        secret.expose_secret()
    );
    Ok(())
}
