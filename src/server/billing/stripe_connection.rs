//! Which Stripe the server talks to, decided at start from the settings:
//!
//! * no secret key: an emulator started inside this process, with its own test key;
//! * a secret key and an API base: an emulator running elsewhere;
//! * a secret key alone: Stripe itself, with the webhook secret from the settings.
//!
//! With an emulator the server registers its own webhook endpoint and uses the secret that
//! registration returns, so events arrive with no manual step. With Stripe the signing secrets
//! come from `STRIPE_WEBHOOK_SECRET`, several separated by commas while a secret is rotated.
//! The command-line tasks connect without registering anything.

use std::fmt;

use anyhow::Context;
use secrecy::{ExposeSecret, SecretString};

use super::webhook_endpoint;
use crate::server::config::Settings;

/// The API key the in-process emulator is driven with; the emulator accepts any test key.
const EMBEDDED_EMULATOR_KEY: &str = "sk_test_emulator";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripeMode {
    /// An emulator inside this process, serving at this base URL.
    EmbeddedEmulator(String),
    /// A Stripe-compatible API at this base URL.
    ExternalApi(String),
    /// Stripe itself.
    Stripe,
}

impl fmt::Display for StripeMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StripeMode::EmbeddedEmulator(base) => write!(f, "in-process emulator at {base}"),
            StripeMode::ExternalApi(base) => write!(f, "external API at {base}"),
            StripeMode::Stripe => f.write_str("Stripe (api.stripe.com)"),
        }
    }
}

/// Who connects: the web server receives webhooks; a command-line task does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server,
    Task,
}

/// A ready Stripe client plus what the webhook route needs to trust incoming events.
pub struct StripeConnection {
    pub client: stripe::Client,
    /// Every secret a delivery may be signed with; empty for a task.
    pub webhook_secrets: Vec<SecretString>,
    pub mode: StripeMode,
    /// Keeps the in-process emulator alive for as long as the server holds it.
    pub emulator: Option<stripe_emulator::Emulator>,
}

/// Connects to the Stripe the settings select; see the module documentation.
pub async fn connect(settings: &Settings, role: Role) -> anyhow::Result<StripeConnection> {
    let secret_key = non_empty(settings.stripe.secret_key.as_ref());
    let api_base = settings
        .stripe
        .api_base
        .as_deref()
        .filter(|base| !base.trim().is_empty());
    let webhook_url = format!("{}/webhooks/stripe", settings.public_url());

    match (secret_key, api_base) {
        (None, _) => {
            let listener = tokio::net::TcpListener::bind(settings.stripe.emulator_addr)
                .await
                .with_context(|| {
                    format!(
                        "Failed to listen on {} for the emulator",
                        settings.stripe.emulator_addr
                    )
                })?;
            let emulator = stripe_emulator::spawn(listener, stripe_emulator::Options::default())
                .await
                .context("Failed to start the in-process Stripe emulator")?;
            let base = emulator.base_url();
            let client = build_client(EMBEDDED_EMULATOR_KEY, Some(&base))?;
            let webhook_secrets = match role {
                Role::Server => vec![
                    webhook_endpoint::register(&client, &webhook_url)
                        .await
                        .context("Failed to register the webhook endpoint with the emulator")?,
                ],
                Role::Task => Vec::new(),
            };
            Ok(StripeConnection {
                client,
                webhook_secrets,
                mode: StripeMode::EmbeddedEmulator(base),
                emulator: Some(emulator),
            })
        }
        (Some(key), Some(base)) => {
            let client = build_client(key.expose_secret(), Some(base))?;
            let webhook_secrets = match role {
                Role::Server => vec![
                    webhook_endpoint::register(&client, &webhook_url)
                        .await
                        .with_context(|| {
                            format!("Failed to register the webhook endpoint at {base}")
                        })?,
                ],
                Role::Task => Vec::new(),
            };
            Ok(StripeConnection {
                client,
                webhook_secrets,
                mode: StripeMode::ExternalApi(base.to_owned()),
                emulator: None,
            })
        }
        (Some(key), None) => {
            let webhook_secrets = signing_secrets(settings.stripe.webhook_secret.as_ref());
            if role == Role::Server && webhook_secrets.is_empty() {
                anyhow::bail!(
                    "STRIPE_WEBHOOK_SECRET is required when STRIPE_SECRET_KEY points at Stripe"
                );
            }
            Ok(StripeConnection {
                client: build_client(key.expose_secret(), None)?,
                webhook_secrets,
                mode: StripeMode::Stripe,
                emulator: None,
            })
        }
    }
}

fn build_client(secret_key: &str, api_base: Option<&str>) -> anyhow::Result<stripe::Client> {
    let mut builder = stripe::ClientBuilder::new(secret_key);
    if let Some(base) = api_base {
        builder = builder.url(base.trim_end_matches('/'));
    }
    builder.build().context("Failed to build the Stripe client")
}

/// The secrets in a comma-separated list, blanks dropped.
fn signing_secrets(list: Option<&SecretString>) -> Vec<SecretString> {
    list.map(|list| {
        list.expose_secret()
            .split(',')
            .map(str::trim)
            .filter(|secret| !secret.is_empty())
            .map(SecretString::from)
            .collect()
    })
    .unwrap_or_default()
}

fn non_empty(secret: Option<&SecretString>) -> Option<&SecretString> {
    secret.filter(|value| !value.expose_secret().trim().is_empty())
}

#[cfg(test)]
mod tests {
    use secrecy::{ExposeSecret, SecretString};

    use super::signing_secrets;

    #[test]
    fn several_signing_secrets_can_be_configured() {
        let list = SecretString::from(" whsec_old, whsec_new ,, ");

        let secrets = signing_secrets(Some(&list));

        let exposed: Vec<&str> = secrets.iter().map(|s| s.expose_secret()).collect();
        assert_eq!(exposed, ["whsec_old", "whsec_new"]);
        assert!(signing_secrets(None).is_empty());
    }
}
