use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::expand::expand;
use crate::form::{Form, Query};
use crate::list::{Page, paginate};
use crate::objects::Metadata;
use crate::objects::metadata::merged;
use crate::objects::product::Product;
use crate::state::SharedState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    active: Option<bool>,
    #[serde(default)]
    ids: Vec<String>,
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
                .products
                .newest_first()
                .filter(|product| params.active.is_none_or(|active| product.active == active))
                .filter(|product| params.ids.is_empty() || params.ids.contains(&product.id))
                .map(Product::render)
                .collect();
            let page = Page {
                limit: params.limit,
                starting_after: params.starting_after.as_deref(),
                ending_before: params.ending_before.as_deref(),
            };
            let mut list = paginate(items, &page, "/v1/products")?;
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
            let mut product = store.product(&id)?.render();
            expand(store, &mut product, &params.expand)?;
            Ok(Json(product))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateParams {
    id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    active: Option<bool>,
    #[serde(default)]
    metadata: Metadata,
    #[serde(default)]
    images: Vec<String>,
    url: Option<String>,
    unit_label: Option<String>,
    #[serde(default)]
    expand: Vec<String>,
}

pub async fn create(
    State(state): State<SharedState>,
    Form(params): Form<CreateParams>,
) -> Result<Json<Value>, ApiError> {
    let name = params
        .name
        .filter(|name| !name.is_empty())
        .ok_or(ApiError::required("name"))?;
    state
        .write_all_or_nothing(|store| {
            let id = params.id.unwrap_or_else(|| crate::ids::new_id("prod"));
            if store.products.get(&id).is_some() {
                return Err(ApiError::param(
                    "id",
                    format!("Product already exists: '{id}'"),
                ));
            }
            let now = store.now();
            let product = Product {
                id,
                name,
                description: params.description,
                active: params.active.unwrap_or(true),
                metadata: params.metadata,
                default_price: None,
                images: params.images,
                marketing_features: Vec::new(),
                unit_label: params.unit_label,
                url: params.url,
                created: now,
                updated: now,
            };
            let rendered = product.render();
            store.products.insert(product);
            store.emit("product.created", rendered.clone(), None);
            let mut rendered = rendered;
            expand(store, &mut rendered, &params.expand)?;
            Ok(Json(rendered))
        })
        .await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateParams {
    name: Option<String>,
    description: Option<String>,
    active: Option<bool>,
    default_price: Option<String>,
    metadata: Option<Metadata>,
    url: Option<String>,
    unit_label: Option<String>,
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
            if let Some(price) = &params.default_price {
                store
                    .price(price)
                    .map_err(|_| ApiError::missing("price", price, Some("default_price")))?;
            }
            let now = store.now();
            let product = store
                .products
                .get_mut(&id)
                .ok_or_else(|| ApiError::missing("product", &id, Some("id")))?;
            let metadata = params
                .metadata
                .map(|update| merged(&product.metadata, update))
                .transpose()?;
            let before = product.render();
            if let Some(name) = params.name {
                product.name = name;
            }
            if let Some(description) = params.description {
                product.description = Some(description).filter(|d| !d.is_empty());
            }
            if let Some(active) = params.active {
                product.active = active;
            }
            if let Some(price) = params.default_price {
                product.default_price = Some(price);
            }
            if let Some(metadata) = metadata {
                product.metadata = metadata;
            }
            if let Some(url) = params.url {
                product.url = Some(url).filter(|u| !u.is_empty());
            }
            if let Some(label) = params.unit_label {
                product.unit_label = Some(label).filter(|l| !l.is_empty());
            }
            product.updated = now;
            let after = product.render();
            store.emit_update("product.updated", before, after.clone());
            let mut after = after;
            expand(store, &mut after, &params.expand)?;
            Ok(Json(after))
        })
        .await
}
