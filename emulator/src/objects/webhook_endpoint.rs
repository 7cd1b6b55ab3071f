use serde_json::{Value, json};

use super::{Metadata, Record};

#[derive(Clone)]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub enabled_events: Vec<String>,
    pub api_version: Option<String>,
    pub description: Option<String>,
    pub metadata: Metadata,
    pub secret: String,
    pub enabled: bool,
    pub created: i64,
}

/// The signing secret stays out of debug output and logs.
impl std::fmt::Debug for WebhookEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookEndpoint")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("enabled_events", &self.enabled_events)
            .finish_non_exhaustive()
    }
}

impl Record for WebhookEndpoint {
    fn id(&self) -> &str {
        &self.id
    }
}

impl WebhookEndpoint {
    pub fn accepts(&self, event_type: &str) -> bool {
        self.enabled
            && self
                .enabled_events
                .iter()
                .any(|e| e == "*" || e == event_type)
    }

    /// Stripe shows the secret only in the response that creates the endpoint.
    pub fn render(&self) -> Value {
        json!({
            "id": self.id,
            "object": "webhook_endpoint",
            "api_version": self.api_version,
            "application": null,
            "created": self.created,
            "description": self.description,
            "enabled_events": self.enabled_events,
            "livemode": false,
            "metadata": self.metadata,
            "status": if self.enabled { "enabled" } else { "disabled" },
            "url": self.url,
        })
    }

    pub fn render_with_secret(&self) -> Value {
        let mut value = self.render();
        value["secret"] = Value::String(self.secret.clone());
        value
    }
}
