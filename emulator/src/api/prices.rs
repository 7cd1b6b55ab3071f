use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;

use crate::billing::limits::{
    check_currency, check_interval_count, check_trial_days, check_unit_amount,
};
use crate::error::ApiError;
use crate::expand::expand;
use crate::form::{Form, Query};
use crate::list::{Page, paginate};
use crate::objects::Metadata;
use crate::objects::metadata::merged;
use crate::objects::price::{Interval, Price, Recurring};
use crate::state::SharedState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    active: Option<bool>,
    product: Option<String>,
    #[serde(rename = "type")]
    price_type: Option<String>,
    currency: Option<String>,
    #[serde(default)]
    lookup_keys: Vec<String>,
    recurring: Option<RecurringFilter>,
    limit: Option<u32>,
    starting_after: Option<String>,
    ending_before: Option<String>,
    #[serde(default)]
    expand: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurringFilter {
    interval: Option<Interval>,
}

impl ListParams {
    fn matches(&self, price: &Price) -> bool {
        self.active.is_none_or(|active| price.active == active)
            && self
                .product
                .as_ref()
                .is_none_or(|product| &price.product == product)
            && self
                .price_type
                .as_deref()
                .is_none_or(|kind| price.price_type() == kind)
            && self
                .currency
                .as_ref()
                .is_none_or(|currency| &price.currency == currency)
            && (self.lookup_keys.is_empty()
                || price
                    .lookup_key
                    .as_ref()
                    .is_some_and(|key| self.lookup_keys.contains(key)))
            && self
                .recurring
                .as_ref()
                .and_then(|r| r.interval)
                .is_none_or(|interval| {
                    price
                        .recurring
                        .as_ref()
                        .is_some_and(|r| r.interval == interval)
                })
    }
}

pub async fn list(
    State(state): State<SharedState>,
    Query(params): Query<ListParams>,
) -> Result<Json<Value>, ApiError> {
    if let Some(kind) = params
        .price_type
        .as_deref()
        .filter(|k| !matches!(*k, "one_time" | "recurring"))
    {
        return Err(ApiError::param(
            "type",
            format!("Invalid type: must be one of one_time or recurring (got {kind})"),
        ));
    }
    state
        .read(|store| {
            let items = store
                .prices
                .newest_first()
                .filter(|price| params.matches(price))
                .map(Price::render)
                .collect();
            let page = Page {
                limit: params.limit,
                starting_after: params.starting_after.as_deref(),
                ending_before: params.ending_before.as_deref(),
            };
            let mut list = paginate(items, &page, "/v1/prices")?;
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
            let mut price = store
                .prices
                .get(&id)
                .ok_or_else(|| ApiError::missing("price", &id, Some("id")))?
                .render();
            expand(store, &mut price, &params.expand)?;
            Ok(Json(price))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateParams {
    product: Option<String>,
    currency: Option<String>,
    unit_amount: Option<i64>,
    recurring: Option<RecurringParams>,
    lookup_key: Option<String>,
    nickname: Option<String>,
    active: Option<bool>,
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    expand: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecurringParams {
    interval: Interval,
    interval_count: Option<u32>,
    trial_period_days: Option<u32>,
}

pub async fn create(
    State(state): State<SharedState>,
    Form(params): Form<CreateParams>,
) -> Result<Json<Value>, ApiError> {
    let product = params.product.ok_or(ApiError::required("product"))?;
    let currency = params
        .currency
        .ok_or(ApiError::required("currency"))?
        .to_lowercase();
    let unit_amount = params
        .unit_amount
        .ok_or(ApiError::required("unit_amount"))?;
    check_unit_amount("unit_amount", unit_amount)?;
    check_currency("currency", &currency)?;
    if let Some(recurring) = &params.recurring {
        let count = recurring.interval_count.unwrap_or(1);
        check_interval_count("recurring[interval_count]", recurring.interval, count)?;
        if let Some(days) = recurring.trial_period_days {
            check_trial_days("recurring[trial_period_days]", days)?;
        }
    }
    state
        .write_all_or_nothing(|store| {
            store
                .products
                .get(&product)
                .ok_or_else(|| ApiError::missing("product", &product, Some("product")))?;
            if let Some(key) = &params.lookup_key
                && store
                    .prices
                    .iter()
                    .any(|price| price.lookup_key.as_ref() == Some(key))
            {
                return Err(ApiError::param(
                    "lookup_key",
                    format!("A price (`lookup_key`: '{key}') already uses that lookup key."),
                ));
            }
            let price = Price {
                id: crate::ids::new_id("price"),
                product,
                active: params.active.unwrap_or(true),
                currency,
                unit_amount,
                recurring: params.recurring.map(|r| Recurring {
                    interval: r.interval,
                    interval_count: r.interval_count.unwrap_or(1),
                    trial_period_days: r.trial_period_days,
                }),
                lookup_key: params.lookup_key,
                nickname: params.nickname,
                metadata: params.metadata,
                created: store.now(),
            };
            let mut rendered = price.render();
            store.prices.insert(price);
            store.emit("price.created", rendered.clone(), None);
            expand(store, &mut rendered, &params.expand)?;
            Ok(Json(rendered))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateParams {
    active: Option<bool>,
    nickname: Option<String>,
    lookup_key: Option<String>,
    metadata: Option<Metadata>,
    #[serde(default)]
    expand: Vec<String>,
}

pub async fn update(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(params): Form<UpdateParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .write_all_or_nothing(|store| {
            let taken_key = params.lookup_key.as_ref().filter(|key| {
                !key.is_empty()
                    && store
                        .prices
                        .iter()
                        .any(|price| price.id != id && price.lookup_key.as_ref() == Some(*key))
            });
            let price = store
                .prices
                .get_mut(&id)
                .ok_or_else(|| ApiError::missing("price", &id, Some("id")))?;
            if let Some(key) = taken_key {
                return Err(ApiError::param(
                    "lookup_key",
                    format!("A price (`lookup_key`: '{key}') already uses that lookup key."),
                ));
            }
            let metadata = params
                .metadata
                .map(|update| merged(&price.metadata, update))
                .transpose()?;
            let before = price.render();
            if let Some(active) = params.active {
                price.active = active;
            }
            if let Some(nickname) = params.nickname {
                price.nickname = Some(nickname).filter(|n| !n.is_empty());
            }
            if let Some(key) = params.lookup_key {
                price.lookup_key = Some(key).filter(|k| !k.is_empty());
            }
            if let Some(metadata) = metadata {
                price.metadata = metadata;
            }
            let mut after = price.render();
            store.emit_update("price.updated", before, after.clone());
            expand(store, &mut after, &params.expand)?;
            Ok(Json(after))
        })
        .await
}
