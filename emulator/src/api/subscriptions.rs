use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;

use crate::billing::changes::{
    ProrationBehavior, cancel_now, change_price, set_cancel_at_period_end,
};
use crate::billing::limits::check_quantity;
use crate::error::ApiError;
use crate::expand::expand;
use crate::form::{Form, Query};
use crate::list::{Page, paginate};
use crate::objects::Metadata;
use crate::objects::metadata::merged;
use crate::objects::subscription::STATUSES;
use crate::state::SharedState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    customer: Option<String>,
    status: Option<String>,
    price: Option<String>,
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
    let status = params.status.as_deref();
    if let Some(status) = status.filter(|s| !STATUSES.contains(s) && !matches!(*s, "all" | "ended"))
    {
        return Err(ApiError::param(
            "status",
            format!("Invalid status: {status}"),
        ));
    }
    state
        .read(|store| {
            let items = store
                .subscriptions
                .newest_first()
                .filter(|s| params.customer.as_ref().is_none_or(|c| &s.customer == c))
                .filter(|s| match status {
                    // Stripe leaves canceled subscriptions out unless asked for them.
                    None => s.status != "canceled",
                    Some("all") => true,
                    Some("ended") => s.status == "canceled",
                    Some(status) => s.status == status,
                })
                .filter(|s| {
                    params
                        .price
                        .as_ref()
                        .is_none_or(|p| s.items.iter().any(|i| &i.price == p))
                })
                .map(|s| s.render(&store.prices))
                .collect();
            let page = Page {
                limit: params.limit,
                starting_after: params.starting_after.as_deref(),
                ending_before: params.ending_before.as_deref(),
            };
            let mut list = paginate(items, &page, "/v1/subscriptions")?;
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
            let mut subscription = store
                .subscriptions
                .get(&id)
                .ok_or_else(|| ApiError::missing("subscription", &id, Some("id")))?
                .render(&store.prices);
            expand(store, &mut subscription, &params.expand)?;
            Ok(Json(subscription))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateParams {
    #[serde(default)]
    items: Vec<ItemParams>,
    proration_behavior: Option<ProrationBehavior>,
    cancel_at_period_end: Option<bool>,
    metadata: Option<Metadata>,
    // Accepted for compatibility: payments always behave like `allow_incomplete`.
    #[serde(rename = "payment_behavior")]
    _payment_behavior: Option<String>,
    #[serde(rename = "proration_date")]
    _proration_date: Option<i64>,
    #[serde(default)]
    expand: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemParams {
    id: Option<String>,
    price: Option<String>,
    quantity: Option<u64>,
}

#[tracing::instrument(skip(state, params))]
pub async fn update(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(params): Form<UpdateParams>,
) -> Result<Json<Value>, ApiError> {
    let behavior = params
        .proration_behavior
        .unwrap_or(ProrationBehavior::CreateProrations);
    state
        .write_all_or_nothing(|store| {
            store
                .subscription(&id)
                .map_err(|_| ApiError::missing("subscription", &id, Some("id")))?;
            let metadata = params
                .metadata
                .map(|update| merged(&store.subscription(&id)?.metadata, update))
                .transpose()?;
            for (index, item) in params.items.iter().enumerate() {
                let item_id = item.id.as_deref().ok_or_else(|| {
                    ApiError::param(
                        format!("items[{index}][id]"),
                        "The emulator changes existing items only: send the item's id.",
                    )
                })?;
                if let Some(quantity) = item.quantity {
                    check_quantity(&format!("items[{index}][quantity]"), quantity)?;
                }
                let price = match &item.price {
                    Some(price) => price.clone(),
                    None => store
                        .subscription(&id)?
                        .items
                        .iter()
                        .find(|i| i.id == item_id)
                        .map(|i| i.price.clone())
                        .ok_or_else(|| {
                            let param = format!("items[{index}][id]");
                            ApiError::missing("subscription_item", item_id, Some(&param))
                        })?,
                };
                change_price(store, &id, item_id, &price, item.quantity, behavior)
                    .map_err(|err| err.for_item(index))?;
            }
            if let Some(cancel) = params.cancel_at_period_end {
                set_cancel_at_period_end(store, &id, cancel)?;
            }
            if let Some(metadata) = metadata {
                crate::billing::update_subscription(store, &id, |subscription| {
                    subscription.metadata = metadata;
                });
            }
            let mut subscription = store.render_subscription(&id)?;
            expand(store, &mut subscription, &params.expand)?;
            Ok(Json(subscription))
        })
        .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CancelParams {
    // Accepted for compatibility: the emulator neither prorates nor invoices a cancellation.
    #[serde(rename = "invoice_now")]
    _invoice_now: Option<bool>,
    #[serde(rename = "prorate")]
    _prorate: Option<bool>,
    #[serde(rename = "cancellation_details")]
    _cancellation_details: Option<Metadata>,
    #[serde(default)]
    expand: Vec<String>,
}

#[tracing::instrument(skip(state, params))]
pub async fn cancel(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(params): Form<CancelParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .write(|store| {
            cancel_now(store, &id, "cancellation_requested")?;
            let mut subscription = store.render_subscription(&id)?;
            expand(store, &mut subscription, &params.expand)?;
            Ok(Json(subscription))
        })
        .await
}
