//! The members' pages, one per paid tier. The check happens here, on the server: the content
//! of a page leaves the server only for a user whose tier unlocks it.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::tier::Tier;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanAreaAccess {
    /// The page's content for a member.
    Allowed { title: String, welcome: String },
    /// The plan that would unlock the page, and whether the visitor is logged in at all.
    Refused {
        required_plan: String,
        logged_in: bool,
    },
}

#[server(endpoint = "plan_area")]
pub async fn plan_area(tier: Tier) -> Result<PlanAreaAccess, ServerFnError> {
    use crate::api::server_context::{app_state, auth_session, unexpected};
    let state = app_state()?;
    let user_id = auth_session().await?.user.map(|user| user.id);
    let user_tier = state.user_tier(user_id).await.map_err(unexpected)?;

    if tier == Tier::Free || !user_tier.unlocks(tier) {
        tracing::debug!(?user_id, %user_tier, required = %tier, "plan area refused");
        return Ok(PlanAreaAccess::Refused {
            required_plan: tier.plan_name().to_owned(),
            logged_in: user_id.is_some(),
        });
    }
    Ok(PlanAreaAccess::Allowed {
        title: format!("{} area", tier.plan_name()),
        welcome: format!(
            "Welcome, member. Everything included in {} is open to you here.",
            tier.plan_name()
        ),
    })
}
