use serde_json::{Value, json};

use super::price::Price;
use super::{Metadata, Record, Table};

pub const STATUSES: [&str; 8] = [
    "incomplete",
    "incomplete_expired",
    "trialing",
    "active",
    "past_due",
    "canceled",
    "unpaid",
    "paused",
];

#[derive(Debug, Clone)]
pub struct SubscriptionItem {
    pub id: String,
    pub price: String,
    pub quantity: u64,
    pub created: i64,
}

/// A proration waiting for the next invoice, created by a price change.
#[derive(Debug, Clone)]
pub struct PendingProration {
    pub description: String,
    pub amount: i64,
    pub price: String,
    pub item: String,
    pub period_start: i64,
    pub period_end: i64,
}

/// Where a subscription stands in retrying a failed renewal payment.
#[derive(Debug, Clone)]
pub struct Dunning {
    pub invoice: String,
    /// When the first payment failed; retries are counted from here.
    pub started_at: i64,
    /// Failed attempts so far, counting the first.
    pub attempts: u32,
    pub next_attempt: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: String,
    pub customer: String,
    pub status: String,
    pub items: Vec<SubscriptionItem>,
    pub currency: String,
    pub metadata: Metadata,
    pub created: i64,
    pub start_date: i64,
    pub billing_cycle_anchor: i64,
    pub current_period_start: i64,
    pub current_period_end: i64,
    pub cancel_at_period_end: bool,
    pub cancel_at: Option<i64>,
    pub canceled_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub cancellation_reason: Option<&'static str>,
    pub trial_start: Option<i64>,
    pub trial_end: Option<i64>,
    pub latest_invoice: Option<String>,
    pub pending_prorations: Vec<PendingProration>,
    pub dunning: Option<Dunning>,
}

impl Record for Subscription {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Subscription {
    pub fn is_live(&self) -> bool {
        !matches!(self.status.as_str(), "canceled" | "incomplete_expired")
    }

    pub fn render(&self, prices: &Table<Price>) -> Value {
        let items: Vec<Value> = self
            .items
            .iter()
            .map(|item| self.render_item(item, prices))
            .collect();
        json!({
            "id": self.id,
            "object": "subscription",
            "application": null,
            "application_fee_percent": null,
            "automatic_tax": { "disabled_reason": null, "enabled": false, "liability": null },
            "billing_cycle_anchor": self.billing_cycle_anchor,
            "billing_cycle_anchor_config": null,
            "billing_mode": { "flexible": null, "type": "classic", "updated_at": null },
            "billing_schedules": [],
            "billing_thresholds": null,
            "cancel_at": self.cancel_at,
            "cancel_at_period_end": self.cancel_at_period_end,
            "canceled_at": self.canceled_at,
            "cancellation_details": {
                "comment": null,
                "feedback": null,
                "reason": self.cancellation_reason,
            },
            "collection_method": "charge_automatically",
            "created": self.created,
            "currency": self.currency,
            "customer": self.customer,
            "customer_account": null,
            "days_until_due": null,
            "default_payment_method": null,
            "default_source": null,
            "default_tax_rates": [],
            "description": null,
            "discounts": [],
            "ended_at": self.ended_at,
            "invoice_settings": { "account_tax_ids": null, "issuer": { "type": "self" } },
            "items": {
                "object": "list",
                "data": items,
                "has_more": false,
                "url": format!("/v1/subscription_items?subscription={}", self.id),
            },
            "latest_invoice": self.latest_invoice,
            "livemode": false,
            "managed_payments": null,
            "metadata": self.metadata,
            "next_pending_invoice_item_invoice": null,
            "on_behalf_of": null,
            "pause_collection": null,
            "payment_settings": {
                "payment_method_options": null,
                "payment_method_types": null,
                "save_default_payment_method": "off",
            },
            "pending_invoice_item_interval": null,
            "pending_setup_intent": null,
            "pending_update": null,
            "schedule": null,
            "start_date": self.start_date,
            "status": self.status,
            "test_clock": null,
            "transfer_data": null,
            "trial_end": self.trial_end,
            "trial_settings": { "end_behavior": { "missing_payment_method": "create_invoice" } },
            "trial_start": self.trial_start,
        })
    }

    fn render_item(&self, item: &SubscriptionItem, prices: &Table<Price>) -> Value {
        let price = prices.get(&item.price);
        json!({
            "id": item.id,
            "object": "subscription_item",
            "billing_thresholds": null,
            "created": item.created,
            "current_period_end": self.current_period_end,
            "current_period_start": self.current_period_start,
            "discounts": [],
            "metadata": {},
            "plan": price.map(Price::render_plan),
            "price": price.map(Price::render),
            "quantity": item.quantity,
            "subscription": self.id,
            "tax_rates": [],
        })
    }
}
