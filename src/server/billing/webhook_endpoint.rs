//! Registering the app's webhook endpoint with Stripe or the emulator.

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
        CustomerCreated,
        CustomerUpdated,
        CustomerSubscriptionCreated,
        CustomerSubscriptionUpdated,
        CustomerSubscriptionDeleted,
        CustomerSubscriptionPaused,
        CustomerSubscriptionResumed,
        ProductCreated,
        ProductUpdated,
        ProductDeleted,
        PriceCreated,
        PriceUpdated,
        PriceDeleted,
    ]
}

/// Replaces any endpoint registered for `url` by a new one and returns its signing secret. The
/// server does this at start against an emulator, where it is the only receiver.
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
    let (_, secret) = create(stripe, url).await?;
    Ok(secret)
}

/// Creates an endpoint for `url` that receives the handled events in the API version
/// async-stripe is built for; answers its id and signing secret. Endpoints already there stay,
/// so running servers keep verifying with their secrets during a rotation.
#[tracing::instrument(skip(stripe))]
pub async fn create(stripe: &stripe::Client, url: &str) -> anyhow::Result<(String, SecretString)> {
    let created = CreateWebhookEndpoint::new(handled_events(), url)
        .api_version(stripe_shared::version::VERSION)
        .send(stripe)
        .await?;
    tracing::info!(endpoint_id = %created.id, "webhook endpoint registered");
    let secret = created
        .secret
        .map(SecretString::from)
        .ok_or_else(|| anyhow::anyhow!("the new webhook endpoint came without a signing secret"))?;
    Ok((created.id.to_string(), secret))
}
