use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;

use super::check_redirect_url;
use crate::error::ApiError;
use crate::expand::expand;
use crate::form::Form;
use crate::ids::new_id;
use crate::objects::portal_session::PortalSession;
use crate::state::SharedState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateParams {
    customer: Option<String>,
    return_url: Option<String>,
    // Accepted for compatibility: the emulator has one portal configuration and no flows.
    #[serde(rename = "configuration")]
    _configuration: Option<String>,
    #[serde(rename = "locale")]
    _locale: Option<String>,
    #[serde(default)]
    expand: Vec<String>,
}

pub async fn create(
    State(state): State<SharedState>,
    Form(params): Form<CreateParams>,
) -> Result<Json<Value>, ApiError> {
    let customer = params.customer.ok_or(ApiError::required("customer"))?;
    if let Some(return_url) = &params.return_url {
        check_redirect_url("return_url", return_url)?;
    }
    let public_url = state.public_url.clone();
    state
        .write_all_or_nothing(|store| {
            store.customer(&customer)?;
            let id = new_id("bps");
            let session = PortalSession {
                url: format!("{public_url}/portal/{id}"),
                id,
                customer,
                return_url: params.return_url,
                created: store.now(),
            };
            tracing::info!(customer_id = %session.customer, "portal session created");
            let mut rendered = session.render();
            store.portal_sessions.insert(session);
            expand(store, &mut rendered, &params.expand)?;
            Ok(Json(rendered))
        })
        .await
}
