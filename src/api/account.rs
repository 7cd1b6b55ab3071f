//! The account page: who is logged in and what they pay for.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the account page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountOverview {
    pub email: String,
    pub plan_name: String,
    pub subscription: Option<SubscriptionSummary>,
    /// Whether there is a Stripe customer whose billing the portal can show.
    pub has_billing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionSummary {
    pub status: String,
    /// `Month D, YYYY`.
    pub period_end: String,
    /// When true the subscription ends at `period_end` instead of renewing.
    pub cancel_at_period_end: bool,
}

/// The logged-in user's account; `None` for a visitor.
#[server(endpoint = "get_account")]
pub async fn get_account() -> Result<Option<AccountOverview>, ServerFnError> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    use crate::api::server_context::{app_state, auth_session, unexpected};
    use crate::server::entities::{subscription, user};

    let state = app_state()?;
    let Some(session_user) = auth_session().await?.user else {
        return Ok(None);
    };
    let Some(stored) = user::Entity::find_by_id(session_user.id)
        .one(&state.db)
        .await
        .map_err(unexpected)?
    else {
        return Ok(None);
    };
    let subscriptions = subscription::Entity::find()
        .filter(subscription::Column::UserId.eq(stored.id))
        .order_by_desc(subscription::Column::UpdatedAt)
        .all(&state.db)
        .await
        .map_err(unexpected)?;

    // The subscription that grants the tier, else the most recently changed one.
    let now = state.clock.now();
    let shown = subscriptions
        .iter()
        .find(|s| state.tier_policy.grants_tier(s, now))
        .or_else(|| subscriptions.first());
    let tier = state.tier_policy.tier_at(&subscriptions, now);
    Ok(Some(AccountOverview {
        email: stored.email,
        plan_name: tier.plan_name().to_owned(),
        subscription: shown.map(|s| SubscriptionSummary {
            status: s.status.clone(),
            period_end: s.current_period_end.format("%B %-d, %Y").to_string(),
            cancel_at_period_end: s.cancel_at_period_end,
        }),
        has_billing: stored.stripe_customer_id.is_some(),
    }))
}

/// Sends the browser to Stripe's billing portal, which returns to `/account`.
#[server(endpoint = "open_billing_portal")]
pub async fn open_billing_portal() -> Result<(), ServerFnError> {
    use axum::http::StatusCode;

    use crate::api::server_context::{app_state, auth_session, billing_failure, fail};
    use crate::server::billing::portal;

    let state = app_state()?;
    let Some(user) = auth_session().await?.user else {
        return Err(fail(
            StatusCode::UNAUTHORIZED,
            "Please log in to manage billing.",
        ));
    };
    let url = portal::open_portal(&state, user.id)
        .await
        .map_err(billing_failure)?;
    leptos_axum::redirect(&url);
    Ok(())
}
