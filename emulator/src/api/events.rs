use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::form::Query;
use crate::list::{Page, paginate};
use crate::state::SharedState;
use crate::store::API_VERSION;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    #[serde(rename = "type")]
    event_type: Option<String>,
    #[serde(default)]
    types: Vec<String>,
    limit: Option<u32>,
    starting_after: Option<String>,
    ending_before: Option<String>,
}

/// Matches Stripe's `type` filter, where `*` is a wildcard (`customer.subscription.*`).
fn type_matches(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => event_type.starts_with(prefix),
        None => pattern == event_type,
    }
}

pub async fn list(
    State(state): State<SharedState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .read(|store| {
            let items = store
                .events
                .newest_first()
                .filter(|e| {
                    params
                        .event_type
                        .as_deref()
                        .is_none_or(|t| type_matches(t, &e.event_type))
                })
                .filter(|e| params.types.is_empty() || params.types.contains(&e.event_type))
                .map(|e| e.render(API_VERSION))
                .collect();
            let page = Page {
                limit: params.limit,
                starting_after: params.starting_after.as_deref(),
                ending_before: params.ending_before.as_deref(),
            };
            paginate(items, &page, "/v1/events").map(Json)
        })
        .await
}

pub async fn retrieve(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .read(|store| {
            let event = store
                .events
                .get(&id)
                .ok_or_else(|| ApiError::missing("event", &id, Some("id")))?;
            Ok(Json(event.render(API_VERSION)))
        })
        .await
}
