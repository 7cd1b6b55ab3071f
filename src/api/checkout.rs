//! Subscribing: from the pricing page to Stripe Checkout and back.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Sends the browser to Stripe Checkout for `price_id`. A visitor is sent to log in first and
/// comes back to the pricing page with that plan selected.
#[server(endpoint = "subscribe")]
pub async fn subscribe(price_id: String) -> Result<(), ServerFnError> {
    use crate::api::server_context::{app_state, auth_session, billing_failure};
    use crate::server::billing::{BillingError, checkout};

    // Stripe ids are short and plain; anything else names no plan and is not worth a look-up,
    // a redirect or a log line of its full length.
    let plausible = price_id.len() <= 255
        && price_id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
    if !plausible {
        let shown: String = price_id.chars().take(64).collect();
        return Err(billing_failure(BillingError::UnknownPrice(shown)));
    }
    let state = app_state()?;
    let session = auth_session().await?;
    let Some(user) = session.user else {
        let back = format!("/?plan={}", encode_query_value(&price_id));
        leptos_axum::redirect(&format!("/login?next={}", encode_query_value(&back)));
        return Ok(());
    };

    let url = checkout::start_checkout(&state, user.id, &price_id)
        .await
        .map_err(billing_failure)?;
    leptos_axum::redirect(&url);
    Ok(())
}

/// Where the purchase stands when the buyer returns from Checkout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckoutStatus {
    /// The subscription is stored; the plan the user now has.
    Subscribed { plan_name: String },
    /// Stripe has not created the subscription yet; ask again shortly.
    Confirming,
}

/// Syncs the subscription of a Checkout session the logged-in user started.
#[server(endpoint = "confirm_checkout")]
pub async fn confirm_checkout(session_id: String) -> Result<CheckoutStatus, ServerFnError> {
    use axum::http::StatusCode;

    use crate::api::server_context::{app_state, auth_session, billing_failure, fail};
    use crate::server::billing::checkout::{self, CheckoutState};

    let state = app_state()?;
    let Some(user) = auth_session().await?.user else {
        return Err(fail(
            StatusCode::UNAUTHORIZED,
            "Please log in to see your subscription.",
        ));
    };
    match checkout::confirm_checkout(&state, user.id, &session_id).await {
        Ok(CheckoutState::Subscribed(tier)) if tier != crate::tier::Tier::Free => {
            Ok(CheckoutStatus::Subscribed {
                plan_name: tier.plan_name().to_owned(),
            })
        }
        Ok(_) => Ok(CheckoutStatus::Confirming),
        Err(err) => Err(billing_failure(err)),
    }
}

/// Percent-encodes everything but unreserved characters, for one query value.
pub fn encode_query_value(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::encode_query_value;

    #[test]
    fn query_values_are_encoded() {
        assert_eq!(
            encode_query_value("/?plan=price_core_monthly"),
            "%2F%3Fplan%3Dprice_core_monthly"
        );
    }
}
