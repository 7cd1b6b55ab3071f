//! The site's runtime settings: `Leptos.toml` (or the file named by `STACKER_CONFIG`), then
//! environment variables, read once at start.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// Everything the server needs to know besides Leptos's own options.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    pub site: SiteSettings,
    pub database: DatabaseSettings,
    pub stripe: StripeSettings,
    pub session: SessionSettings,
    pub billing: BillingSettings,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteSettings {
    /// The address people open, used in Stripe's redirect URLs and the webhook endpoint.
    pub public_url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatabaseSettings {
    /// `sqlite://…` or `postgres://…`; the scheme selects the driver.
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StripeSettings {
    /// Where the in-process emulator listens when no secret key is configured.
    pub emulator_addr: SocketAddr,
    /// Base URL of a Stripe-compatible API other than Stripe itself (an external emulator).
    pub api_base: Option<String>,
    /// Secret API key; without one the server runs its own emulator.
    #[serde(skip_serializing)]
    pub secret_key: Option<SecretString>,
    /// Signing secret of the webhook endpoint; required with real Stripe only.
    #[serde(skip_serializing)]
    pub webhook_secret: Option<SecretString>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionSettings {
    /// Days of inactivity after which a login expires.
    pub inactivity_days: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BillingSettings {
    /// Days a `past_due` subscription keeps its tier while Stripe retries the payment.
    pub past_due_grace_days: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            site: SiteSettings {
                public_url: "http://127.0.0.1:3000".into(),
            },
            database: DatabaseSettings {
                url: "sqlite://data/stacker.sqlite?mode=rwc".into(),
            },
            stripe: StripeSettings {
                emulator_addr: SocketAddr::from(([127, 0, 0, 1], 12111)),
                api_base: None,
                secret_key: None,
                webhook_secret: None,
            },
            session: SessionSettings { inactivity_days: 7 },
            billing: BillingSettings {
                past_due_grace_days: 3,
            },
        }
    }
}

/// Environment variables with a name of their own, and the setting each one overrides.
const NAMED_VARIABLES: [(&str, &str); 6] = [
    ("STACKER_PUBLIC_URL", "site.public_url"),
    ("DATABASE_URL", "database.url"),
    ("STRIPE_SECRET_KEY", "stripe.secret_key"),
    ("STRIPE_WEBHOOK_SECRET", "stripe.webhook_secret"),
    ("STRIPE_API_BASE", "stripe.api_base"),
    ("STRIPE_EMULATOR_ADDR", "stripe.emulator_addr"),
];

impl Settings {
    /// Reads the settings file, then the environment on top of it.
    pub fn load() -> anyhow::Result<Settings> {
        let path = std::env::var_os("STACKER_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("Leptos.toml"));
        let named = Env::raw()
            .only(&NAMED_VARIABLES.map(|(variable, _)| variable))
            .map(|variable| {
                let key = NAMED_VARIABLES
                    .iter()
                    .find(|(name, _)| variable.as_str().eq_ignore_ascii_case(name))
                    .map_or("", |(_, key)| key);
                key.into()
            });

        Figment::from(Serialized::defaults(Settings::default()))
            .merge(Toml::file(&path))
            // Any setting, e.g. STACKER_BILLING__PAST_DUE_GRACE_DAYS=5.
            .merge(
                Env::prefixed("STACKER_")
                    .split("__")
                    .filter(|key| key.as_str().contains('.')),
            )
            .merge(named)
            .extract()
            .with_context(|| format!("Failed to read the settings from {}", path.display()))
    }

    /// The public URL without a trailing slash, ready to have a path appended.
    pub fn public_url(&self) -> &str {
        self.site.public_url.trim_end_matches('/')
    }
}
