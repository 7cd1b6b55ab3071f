use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Metadata, Record};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Day,
    Week,
    Month,
    Year,
}

impl Interval {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
            Self::Month => "month",
            Self::Year => "year",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Recurring {
    pub interval: Interval,
    pub interval_count: u32,
    pub trial_period_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    pub id: String,
    pub product: String,
    pub active: bool,
    pub currency: String,
    pub unit_amount: i64,
    pub recurring: Option<Recurring>,
    pub lookup_key: Option<String>,
    pub nickname: Option<String>,
    pub metadata: Metadata,
    pub created: i64,
}

impl Record for Price {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Price {
    pub fn render(&self) -> Value {
        let recurring = self.recurring.as_ref().map(|recurring| {
            json!({
                "interval": recurring.interval.as_str(),
                "interval_count": recurring.interval_count,
                "meter": null,
                "trial_period_days": recurring.trial_period_days,
                "usage_type": "licensed",
            })
        });
        json!({
            "id": self.id,
            "object": "price",
            "active": self.active,
            "billing_scheme": "per_unit",
            "created": self.created,
            "currency": self.currency,
            "custom_unit_amount": null,
            "livemode": false,
            "lookup_key": self.lookup_key,
            "metadata": self.metadata,
            "nickname": self.nickname,
            "product": self.product,
            "recurring": recurring,
            "tax_behavior": "unspecified",
            "tiers_mode": null,
            "transform_quantity": null,
            "type": self.price_type(),
            "unit_amount": self.unit_amount,
            "unit_amount_decimal": self.unit_amount.to_string(),
        })
    }

    pub fn price_type(&self) -> &'static str {
        if self.recurring.is_some() {
            "recurring"
        } else {
            "one_time"
        }
    }

    /// The legacy `plan` view of a recurring price, still embedded in subscription items.
    pub fn render_plan(&self) -> Value {
        let (interval, interval_count) = self
            .recurring
            .as_ref()
            .map_or(("month", 1), |r| (r.interval.as_str(), r.interval_count));
        json!({
            "id": self.id,
            "object": "plan",
            "active": self.active,
            "amount": self.unit_amount,
            "amount_decimal": self.unit_amount.to_string(),
            "billing_scheme": "per_unit",
            "created": self.created,
            "currency": self.currency,
            "interval": interval,
            "interval_count": interval_count,
            "livemode": false,
            "metadata": self.metadata,
            "meter": null,
            "nickname": self.nickname,
            "product": self.product,
            "tiers_mode": null,
            "transform_usage": null,
            "trial_period_days": null,
            "usage_type": "licensed",
        })
    }
}
