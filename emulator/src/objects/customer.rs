use serde_json::{Value, json};

use super::{Metadata, Record};
use crate::cards::Card;

#[derive(Debug, Clone)]
pub struct Customer {
    pub id: String,
    pub email: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub phone: Option<String>,
    pub metadata: Metadata,
    pub created: i64,
    pub currency: Option<String>,
    pub delinquent: bool,
    pub invoice_prefix: String,
    pub next_invoice_sequence: u32,
    /// The card saved at Checkout (or set through the test controls), charged on renewals.
    pub card: Option<Card>,
}

impl Record for Customer {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Customer {
    /// A fresh customer, as created by the API or by a Checkout payment.
    pub fn new(now: i64, email: Option<String>, name: Option<String>) -> Self {
        let id = crate::ids::new_id("cus");
        let invoice_prefix = id[4..12].to_uppercase();
        Self {
            id,
            email,
            name,
            description: None,
            phone: None,
            metadata: Metadata::new(),
            created: now,
            currency: None,
            delinquent: false,
            invoice_prefix,
            next_invoice_sequence: 1,
            card: None,
        }
    }

    pub fn render(&self) -> Value {
        json!({
            "id": self.id,
            "object": "customer",
            "address": null,
            "balance": 0,
            "created": self.created,
            "currency": self.currency,
            "default_source": null,
            "delinquent": self.delinquent,
            "description": self.description,
            "discount": null,
            "email": self.email,
            "invoice_prefix": self.invoice_prefix,
            "invoice_settings": {
                "custom_fields": null,
                "default_payment_method": null,
                "footer": null,
                "rendering_options": null,
            },
            "livemode": false,
            "metadata": self.metadata,
            "name": self.name,
            "next_invoice_sequence": self.next_invoice_sequence,
            "phone": self.phone,
            "preferred_locales": [],
            "shipping": null,
            "tax_exempt": "none",
            "test_clock": null,
        })
    }
}
