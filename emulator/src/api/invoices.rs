use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;

use crate::billing::changes::ProrationBehavior;
use crate::billing::preview::{ItemChange, preview};
use crate::error::ApiError;
use crate::expand::expand;
use crate::form::{Form, Query};
use crate::list::{Page, paginate};
use crate::state::SharedState;
use crate::store::Store;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    customer: Option<String>,
    subscription: Option<String>,
    status: Option<String>,
    limit: Option<u32>,
    starting_after: Option<String>,
    ending_before: Option<String>,
    #[serde(default)]
    expand: Vec<String>,
}

pub async fn list(
    State(state): State<SharedState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .read(|store| {
            let items = store
                .invoices
                .newest_first()
                .filter(|i| params.customer.as_ref().is_none_or(|c| &i.customer == c))
                .filter(|i| params.subscription.is_none() || i.subscription == params.subscription)
                .filter(|i| params.status.as_deref().is_none_or(|s| i.status == s))
                .map(|i| i.render(&store.prices))
                .collect();
            let page = Page {
                limit: params.limit,
                starting_after: params.starting_after.as_deref(),
                ending_before: params.ending_before.as_deref(),
            };
            let mut list = paginate(items, &page, "/v1/invoices")?;
            expand(store, &mut list, &params.expand)?;
            Ok(Json(list))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetrieveParams {
    #[serde(default)]
    expand: Vec<String>,
}

pub async fn retrieve(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Query(params): Query<RetrieveParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .read(|store| {
            let mut invoice = store
                .invoices
                .get(&id)
                .ok_or_else(|| ApiError::missing("invoice", &id, Some("id")))?
                .render(&store.prices);
            expand(store, &mut invoice, &params.expand)?;
            Ok(Json(invoice))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewParams {
    customer: Option<String>,
    subscription: Option<String>,
    subscription_details: Option<SubscriptionDetails>,
    #[serde(default)]
    expand: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionDetails {
    #[serde(default)]
    items: Vec<PreviewItem>,
    proration_behavior: Option<ProrationBehavior>,
    proration_date: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewItem {
    id: Option<String>,
    price: Option<String>,
    #[serde(rename = "quantity")]
    _quantity: Option<u64>,
}

fn item_changes(items: Vec<PreviewItem>, param: &str) -> Result<Vec<ItemChange>, ApiError> {
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let id = item
                .id
                .ok_or_else(|| ApiError::required(&format!("{param}[{index}][id]")))?;
            Ok(ItemChange {
                id,
                price: item.price,
            })
        })
        .collect()
}

fn render_preview(
    store: &Store,
    customer: Option<&str>,
    subscription: Option<&str>,
    changes: &[ItemChange],
    behavior: Option<ProrationBehavior>,
    proration_date: Option<i64>,
    paths: &[String],
) -> Result<Json<Value>, ApiError> {
    let subscription = match subscription {
        Some(id) => id.to_owned(),
        None => {
            let customer = customer.ok_or(ApiError::required("customer"))?;
            store.customer(customer)?;
            store
                .subscriptions
                .newest_first()
                .find(|s| s.customer == customer && s.is_live())
                .map(|s| s.id.clone())
                .ok_or_else(|| {
                    ApiError::missing(
                        "invoice",
                        &format!("upcoming for {customer}"),
                        Some("customer"),
                    )
                })?
        }
    };
    let behavior = behavior.unwrap_or(ProrationBehavior::CreateProrations);
    let invoice = preview(
        store,
        customer,
        &subscription,
        changes,
        behavior,
        proration_date,
    )?;
    let mut rendered = invoice.render(&store.prices);
    expand(store, &mut rendered, paths)?;
    Ok(Json(rendered))
}

pub async fn create_preview(
    State(state): State<SharedState>,
    Form(params): Form<PreviewParams>,
) -> Result<Json<Value>, ApiError> {
    let details = params.subscription_details.unwrap_or_default();
    let changes = item_changes(details.items, "subscription_details[items]")?;
    state
        .read(|store| {
            render_preview(
                store,
                params.customer.as_deref(),
                params.subscription.as_deref(),
                &changes,
                details.proration_behavior,
                details.proration_date,
                &params.expand,
            )
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpcomingParams {
    customer: Option<String>,
    subscription: Option<String>,
    #[serde(default)]
    subscription_items: Vec<PreviewItem>,
    subscription_proration_behavior: Option<ProrationBehavior>,
    subscription_proration_date: Option<i64>,
    #[serde(default)]
    expand: Vec<String>,
}

/// The pre-2025 name of the preview, kept for older clients.
pub async fn upcoming(
    State(state): State<SharedState>,
    Query(params): Query<UpcomingParams>,
) -> Result<Json<Value>, ApiError> {
    let changes = item_changes(params.subscription_items, "subscription_items")?;
    state
        .read(|store| {
            render_preview(
                store,
                params.customer.as_deref(),
                params.subscription.as_deref(),
                &changes,
                params.subscription_proration_behavior,
                params.subscription_proration_date,
                &params.expand,
            )
        })
        .await
}
