//! Registering the app's webhook endpoint with a Stripe-compatible API (the emulator).

use secrecy::SecretString;
use stripe_misc::webhook_endpoint::{
    CreateWebhookEndpoint, CreateWebhookEndpointEnabledEvents, DeleteWebhookEndpoint,
    ListWebhookEndpoint,
};

/// The event types the webhook route acts on.
pub fn handled_events() -> Vec<CreateWebhookEndpointEnabledEvents> {
    use CreateWebhookEndpointEnabledEvents::*;
    vec![
        CheckoutSessionCompleted,
        CustomerSubscriptionCreated,
        CustomerSubscriptionUpdated,
        CustomerSubscriptionDeleted,
    ]
}

/// Replaces any endpoint registered for `url` by a new one that receives the handled events in
/// the API version async-stripe is built for, and returns its signing secret.
#[tracing::instrument(skip(stripe))]
pub async fn register(stripe: &stripe::Client, url: &str) -> anyhow::Result<SecretString> {
    let existing = ListWebhookEndpoint::new().limit(100).send(stripe).await?;
    for endpoint in existing
        .data
        .into_iter()
        .filter(|endpoint| endpoint.url == url)
    {
        DeleteWebhookEndpoint::new(endpoint.id.clone())
            .send(stripe)
            .await?;
        tracing::debug!(endpoint_id = %endpoint.id, "earlier webhook endpoint removed");
    }

    let created = CreateWebhookEndpoint::new(handled_events(), url)
        .api_version(stripe_shared::version::VERSION)
        .send(stripe)
        .await?;
    tracing::info!(endpoint_id = %created.id, "webhook endpoint registered");
    created
        .secret
        .map(SecretString::from)
        .ok_or_else(|| anyhow::anyhow!("the new webhook endpoint came without a signing secret"))
}
