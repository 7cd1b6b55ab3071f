//! The plans on the pricing page.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::tier::Tier;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BillingInterval {
    Month,
    Year,
}

impl BillingInterval {
    pub fn label(self) -> &'static str {
        match self {
            BillingInterval::Month => "month",
            BillingInterval::Year => "year",
        }
    }
}

/// One price of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPrice {
    pub price_id: String,
    /// In the currency's smallest unit (cents for USD).
    pub unit_amount: i64,
    /// ISO code in lower case, as Stripe writes it.
    pub currency: String,
    pub interval: BillingInterval,
}

impl PlanPrice {
    /// The amount written out exactly from cents, e.g. `$12.00 / month`.
    pub fn display(&self) -> String {
        let sign = if self.unit_amount < 0 { "-" } else { "" };
        let cents = self.unit_amount.unsigned_abs();
        let amount = format!("{}.{:02}", cents / 100, cents % 100);
        let money = match self.currency.as_str() {
            "usd" => format!("{sign}${amount}"),
            other => format!("{sign}{amount} {}", other.to_uppercase()),
        };
        format!("{money} / {}", self.interval.label())
    }
}

/// A product on sale with its monthly and yearly prices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub product_id: String,
    pub name: String,
    pub tier: Tier,
    pub features: Vec<String>,
    pub monthly: Option<PlanPrice>,
    pub yearly: Option<PlanPrice>,
}

impl Plan {
    pub fn price(&self, interval: BillingInterval) -> Option<&PlanPrice> {
        match interval {
            BillingInterval::Month => self.monthly.as_ref(),
            BillingInterval::Year => self.yearly.as_ref(),
        }
    }
}

/// The active plans in display order, from the local catalog mirror.
#[server(endpoint = "list_plans")]
pub async fn list_plans() -> Result<Vec<Plan>, ServerFnError> {
    use crate::api::server_context::{app_state, unexpected};
    use crate::server::billing::catalog;

    let state = app_state()?;
    catalog::active_plans(&state.db).await.map_err(unexpected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(unit_amount: i64, currency: &str, interval: BillingInterval) -> PlanPrice {
        PlanPrice {
            price_id: "price_x".into(),
            unit_amount,
            currency: currency.into(),
            interval,
        }
    }

    #[test]
    fn amounts_are_written_exactly_from_cents() {
        assert_eq!(
            price(1200, "usd", BillingInterval::Month).display(),
            "$12.00 / month"
        );
        assert_eq!(
            price(12000, "usd", BillingInterval::Year).display(),
            "$120.00 / year"
        );
        assert_eq!(
            price(505, "usd", BillingInterval::Month).display(),
            "$5.05 / month"
        );
        assert_eq!(
            price(990, "eur", BillingInterval::Month).display(),
            "9.90 EUR / month"
        );
    }
}
