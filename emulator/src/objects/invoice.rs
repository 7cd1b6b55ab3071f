use serde_json::{Value, json};

use super::price::Price;
use super::{Record, Table};

#[derive(Debug, Clone)]
pub struct InvoiceLine {
    pub id: String,
    pub description: String,
    pub amount: i64,
    pub price: String,
    pub quantity: u64,
    pub subscription_item: Option<String>,
    pub proration: bool,
    pub period_start: i64,
    pub period_end: i64,
}

#[derive(Debug, Clone)]
pub struct Invoice {
    /// `None` for previews, which Stripe returns without an id.
    pub id: Option<String>,
    pub number: Option<String>,
    pub customer: String,
    pub customer_email: Option<String>,
    pub customer_name: Option<String>,
    pub subscription: Option<String>,
    pub status: &'static str,
    pub billing_reason: &'static str,
    pub currency: String,
    pub lines: Vec<InvoiceLine>,
    pub amount_paid: i64,
    pub attempt_count: u32,
    pub next_payment_attempt: Option<i64>,
    pub created: i64,
    pub period_start: i64,
    pub period_end: i64,
    pub finalized_at: Option<i64>,
    pub paid_at: Option<i64>,
    pub marked_uncollectible_at: Option<i64>,
    pub voided_at: Option<i64>,
}

impl Record for Invoice {
    fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }
}

impl Invoice {
    pub fn total(&self) -> i64 {
        self.lines.iter().map(|line| line.amount).sum()
    }

    fn amount_due(&self) -> i64 {
        self.total().max(0)
    }

    pub fn render(&self, prices: &Table<Price>) -> Value {
        let lines: Vec<Value> = self
            .lines
            .iter()
            .map(|line| self.render_line(line, prices))
            .collect();
        let total = self.total();
        let amount_due = self.amount_due();
        let lines_url = match &self.id {
            Some(id) => format!("/v1/invoices/{id}/lines"),
            None => "/v1/invoices/create_preview/lines".to_owned(),
        };
        let parent = self.subscription.as_ref().map(|subscription| {
            json!({
                "quote_details": null,
                "subscription_details": { "metadata": null, "subscription": subscription },
                "type": "subscription_details",
            })
        });
        json!({
            "id": self.id,
            "object": "invoice",
            "account_country": "US",
            "account_name": "Stacker (emulated)",
            "account_tax_ids": null,
            "amount_due": amount_due,
            "amount_overpaid": 0,
            "amount_paid": self.amount_paid,
            "amount_remaining": amount_due - self.amount_paid,
            "amount_shipping": 0,
            "application": null,
            "attempt_count": self.attempt_count,
            "attempted": self.attempt_count > 0,
            "auto_advance": self.status == "open",
            "automatic_tax": {
                "disabled_reason": null,
                "enabled": false,
                "liability": null,
                "provider": null,
                "status": null,
            },
            "automatically_finalizes_at": null,
            "billing_reason": self.billing_reason,
            "collection_method": "charge_automatically",
            "created": self.created,
            "currency": self.currency,
            "custom_fields": null,
            "customer": self.customer,
            "customer_account": null,
            "customer_address": null,
            "customer_email": self.customer_email,
            "customer_name": self.customer_name,
            "customer_phone": null,
            "customer_shipping": null,
            "customer_tax_exempt": "none",
            "customer_tax_ids": [],
            "default_payment_method": null,
            "default_source": null,
            "default_tax_rates": [],
            "description": null,
            "discounts": [],
            "due_date": null,
            "effective_at": self.finalized_at,
            "ending_balance": self.finalized_at.map(|_| 0),
            "footer": null,
            "from_invoice": null,
            "hosted_invoice_url": null,
            "invoice_pdf": null,
            "issuer": { "type": "self" },
            "last_finalization_error": null,
            "latest_revision": null,
            "lines": { "object": "list", "data": lines, "has_more": false, "url": lines_url },
            "livemode": false,
            "metadata": {},
            "next_payment_attempt": self.next_payment_attempt,
            "number": self.number,
            "on_behalf_of": null,
            "parent": parent,
            "payment_settings": {
                "default_mandate": null,
                "payment_method_options": null,
                "payment_method_types": null,
            },
            "period_end": self.period_end,
            "period_start": self.period_start,
            "post_payment_credit_notes_amount": 0,
            "pre_payment_credit_notes_amount": 0,
            "receipt_number": null,
            "rendering": null,
            "shipping_cost": null,
            "shipping_details": null,
            "starting_balance": 0,
            "statement_descriptor": null,
            "status": self.status,
            "status_transitions": {
                "finalized_at": self.finalized_at,
                "marked_uncollectible_at": self.marked_uncollectible_at,
                "paid_at": self.paid_at,
                "voided_at": self.voided_at,
            },
            "subscription": self.subscription,
            "subtotal": total,
            "subtotal_excluding_tax": total,
            "test_clock": null,
            "total": total,
            "total_discount_amounts": [],
            "total_excluding_tax": total,
            "total_pretax_credit_amounts": [],
            "total_taxes": [],
            "webhooks_delivered_at": self.finalized_at,
        })
    }

    fn render_line(&self, line: &InvoiceLine, prices: &Table<Price>) -> Value {
        let product = prices.get(&line.price).map(|price| price.product.clone());
        let unit_amount = if line.quantity == 0 {
            0
        } else {
            line.amount / line.quantity as i64
        };
        json!({
            "id": line.id,
            "object": "line_item",
            "amount": line.amount,
            "currency": self.currency,
            "description": line.description,
            "discount_amounts": [],
            "discountable": !line.proration,
            "discounts": [],
            "invoice": self.id,
            "livemode": false,
            "metadata": {},
            "parent": {
                "invoice_item_details": null,
                "subscription_item_details": {
                    "invoice_item": null,
                    "proration": line.proration,
                    "proration_details": { "credited_items": null },
                    "subscription": self.subscription,
                    "subscription_item": line.subscription_item,
                },
                "type": "subscription_item_details",
            },
            "period": { "end": line.period_end, "start": line.period_start },
            "pretax_credit_amounts": [],
            "pricing": {
                "price_details": { "price": line.price, "product": product },
                "type": "price_details",
                "unit_amount_decimal": unit_amount.to_string(),
            },
            "quantity": line.quantity,
            "quantity_decimal": line.quantity.to_string(),
            "subscription": self.subscription,
            "subtotal": line.amount,
            "taxes": [],
        })
    }
}
