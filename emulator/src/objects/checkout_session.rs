use serde_json::{Value, json};

use super::{Metadata, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionStatus {
    Open,
    Complete,
    Expired,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Complete => "complete",
            Self::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SessionLine {
    pub price: String,
    pub quantity: u64,
}

#[derive(Debug, Clone)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
    pub customer: Option<String>,
    pub customer_email: Option<String>,
    pub client_reference_id: Option<String>,
    pub lines: Vec<SessionLine>,
    pub success_url: Option<String>,
    pub cancel_url: Option<String>,
    pub metadata: Metadata,
    pub subscription_metadata: Metadata,
    pub trial_period_days: Option<u32>,
    pub trial_end: Option<i64>,
    pub allow_promotion_codes: Option<bool>,
    pub status: SessionStatus,
    pub paid: bool,
    pub amount_total: i64,
    pub currency: String,
    pub subscription: Option<String>,
    pub invoice: Option<String>,
    /// The email the customer typed on the Checkout page.
    pub details_email: Option<String>,
    pub created: i64,
    pub expires_at: i64,
}

impl Record for CheckoutSession {
    fn id(&self) -> &str {
        &self.id
    }
}

impl CheckoutSession {
    /// Where a paid session sends the browser: `success_url` with its id filled in.
    pub fn success_location(&self) -> Option<String> {
        self.success_url
            .as_deref()
            .map(|url| url.replace("{CHECKOUT_SESSION_ID}", &self.id))
    }

    pub fn has_trial(&self) -> bool {
        self.trial_period_days.is_some() || self.trial_end.is_some()
    }

    fn payment_status(&self) -> &'static str {
        match (self.paid, self.has_trial()) {
            (true, true) => "no_payment_required",
            (true, false) => "paid",
            (false, _) => "unpaid",
        }
    }

    pub fn render(&self) -> Value {
        let customer_details = self.details_email.as_ref().map(|email| {
            json!({
                "address": null,
                "business_name": null,
                "email": email,
                "individual_name": null,
                "name": null,
                "phone": null,
                "tax_exempt": "none",
                "tax_ids": [],
            })
        });
        let url = (self.status == SessionStatus::Open).then_some(&self.url);
        json!({
            "id": self.id,
            "object": "checkout.session",
            "adaptive_pricing": null,
            "after_expiration": null,
            "allow_promotion_codes": self.allow_promotion_codes,
            "amount_subtotal": self.amount_total,
            "amount_total": self.amount_total,
            "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
            "billing_address_collection": null,
            "cancel_url": self.cancel_url,
            "client_reference_id": self.client_reference_id,
            "client_secret": null,
            "collected_information": null,
            "consent": null,
            "consent_collection": null,
            "created": self.created,
            "currency": self.currency,
            "currency_conversion": null,
            "custom_fields": [],
            "custom_text": {
                "after_submit": null,
                "shipping_address": null,
                "submit": null,
                "terms_of_service_acceptance": null,
            },
            "customer": self.customer,
            "customer_account": null,
            "customer_creation": if self.customer.is_none() { json!("always") } else { Value::Null },
            "customer_details": customer_details,
            "customer_email": self.customer_email,
            "discounts": [],
            "expires_at": self.expires_at,
            "integration_identifier": null,
            "invoice": self.invoice,
            "invoice_creation": null,
            "livemode": false,
            "locale": null,
            "managed_payments": null,
            "metadata": self.metadata,
            "mode": "subscription",
            "origin_context": null,
            "payment_intent": null,
            "payment_link": null,
            "payment_method_collection": "always",
            "payment_method_configuration_details": null,
            "payment_method_options": {},
            "payment_method_types": ["card"],
            "payment_status": self.payment_status(),
            "permissions": null,
            "phone_number_collection": { "enabled": false },
            "recovered_from": null,
            "saved_payment_method_options": null,
            "setup_intent": null,
            "shipping_address_collection": null,
            "shipping_cost": null,
            "shipping_options": [],
            "status": self.status.as_str(),
            "submit_type": null,
            "subscription": self.subscription,
            "success_url": self.success_url,
            "total_details": { "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 },
            "ui_mode": "hosted_page",
            "url": url,
            "wallet_options": null,
        })
    }
}
