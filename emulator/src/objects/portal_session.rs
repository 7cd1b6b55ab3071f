use serde_json::{Value, json};

use super::Record;

/// The one portal configuration the emulator offers: switch plan, cancel, resume.
pub const PORTAL_CONFIGURATION_ID: &str = "bpc_emulator_default";

#[derive(Debug, Clone)]
pub struct PortalSession {
    pub id: String,
    pub customer: String,
    pub return_url: Option<String>,
    pub url: String,
    pub created: i64,
}

impl Record for PortalSession {
    fn id(&self) -> &str {
        &self.id
    }
}

impl PortalSession {
    pub fn render(&self) -> Value {
        json!({
            "id": self.id,
            "object": "billing_portal.session",
            "configuration": PORTAL_CONFIGURATION_ID,
            "created": self.created,
            "customer": self.customer,
            "customer_account": null,
            "flow": null,
            "livemode": false,
            "locale": null,
            "on_behalf_of": null,
            "return_url": self.return_url,
            "url": self.url,
        })
    }
}
