use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::form::{Form, Query};
use crate::ids::{new_id, new_webhook_secret};
use crate::list::{Page, paginate};
use crate::objects::Metadata;
use crate::objects::metadata::merged;
use crate::objects::webhook_endpoint::WebhookEndpoint;
use crate::state::SharedState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateParams {
    url: Option<String>,
    #[serde(default)]
    enabled_events: Vec<String>,
    api_version: Option<String>,
    description: Option<String>,
    #[serde(default)]
    metadata: Metadata,
    #[serde(rename = "connect")]
    _connect: Option<bool>,
}

fn check_url(url: &str) -> Result<(), ApiError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        Ok(())
    } else {
        Err(ApiError::param("url", format!("Invalid URL: {url}")))
    }
}

pub async fn create(
    State(state): State<SharedState>,
    Form(params): Form<CreateParams>,
) -> Result<Json<Value>, ApiError> {
    let url = params.url.ok_or(ApiError::required("url"))?;
    check_url(&url)?;
    if params.enabled_events.is_empty() {
        return Err(ApiError::required("enabled_events"));
    }
    state
        .write(|store| {
            let endpoint = WebhookEndpoint {
                id: new_id("we"),
                url,
                enabled_events: params.enabled_events,
                api_version: params.api_version,
                description: params.description,
                metadata: params.metadata,
                secret: new_webhook_secret(),
                enabled: true,
                created: store.now(),
            };
            tracing::info!(endpoint_id = %endpoint.id, url = %endpoint.url, "webhook endpoint registered");
            let rendered = endpoint.render_with_secret();
            store.webhook_endpoints.insert(endpoint);
            Ok(Json(rendered))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    limit: Option<u32>,
    starting_after: Option<String>,
    ending_before: Option<String>,
}

pub async fn list(
    State(state): State<SharedState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .read(|store| {
            let items = store
                .webhook_endpoints
                .newest_first()
                .map(WebhookEndpoint::render)
                .collect();
            let page = Page {
                limit: params.limit,
                starting_after: params.starting_after.as_deref(),
                ending_before: params.ending_before.as_deref(),
            };
            paginate(items, &page, "/v1/webhook_endpoints").map(Json)
        })
        .await
}

pub async fn retrieve(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .read(|store| {
            let endpoint = store
                .webhook_endpoints
                .get(&id)
                .ok_or_else(|| ApiError::missing("webhook endpoint", &id, Some("id")))?;
            Ok(Json(endpoint.render()))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateParams {
    url: Option<String>,
    enabled_events: Option<Vec<String>>,
    description: Option<String>,
    disabled: Option<bool>,
    metadata: Option<Metadata>,
}

pub async fn update(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(params): Form<UpdateParams>,
) -> Result<Json<Value>, ApiError> {
    if let Some(url) = &params.url {
        check_url(url)?;
    }
    state
        .write(|store| {
            let endpoint = store
                .webhook_endpoints
                .get_mut(&id)
                .ok_or_else(|| ApiError::missing("webhook endpoint", &id, Some("id")))?;
            let metadata = params
                .metadata
                .map(|update| merged(&endpoint.metadata, update))
                .transpose()?;
            if let Some(url) = params.url {
                endpoint.url = url;
            }
            if let Some(events) = params.enabled_events {
                endpoint.enabled_events = events;
            }
            if let Some(description) = params.description {
                endpoint.description = Some(description).filter(|d| !d.is_empty());
            }
            if let Some(disabled) = params.disabled {
                endpoint.enabled = !disabled;
            }
            if let Some(metadata) = metadata {
                endpoint.metadata = metadata;
            }
            Ok(Json(endpoint.render()))
        })
        .await
}

pub async fn delete(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    state
        .write(|store| {
            store
                .webhook_endpoints
                .remove(&id)
                .ok_or_else(|| ApiError::missing("webhook endpoint", &id, Some("id")))?;
            state.webhooks.retire(&id);
            Ok(Json(
                json!({ "id": id, "object": "webhook_endpoint", "deleted": true }),
            ))
        })
        .await
}
