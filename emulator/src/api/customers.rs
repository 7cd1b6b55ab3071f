use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use serde_json::Value;

use crate::error::ApiError;
use crate::expand::expand;
use crate::form::{Form, Query};
use crate::list::{Page, paginate};
use crate::objects::Metadata;
use crate::objects::customer::Customer;
use crate::objects::metadata::merged;
use crate::state::SharedState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    email: Option<String>,
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
                .customers
                .newest_first()
                .filter(|customer| {
                    params.email.is_none() || customer.email.as_deref() == params.email.as_deref()
                })
                .map(Customer::render)
                .collect();
            let page = Page {
                limit: params.limit,
                starting_after: params.starting_after.as_deref(),
                ending_before: params.ending_before.as_deref(),
            };
            let mut list = paginate(items, &page, "/v1/customers")?;
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
            let mut customer = store
                .customers
                .get(&id)
                .ok_or_else(|| ApiError::missing("customer", &id, Some("id")))?
                .render();
            expand(store, &mut customer, &params.expand)?;
            Ok(Json(customer))
        })
        .await
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct CustomerParams {
    email: Option<String>,
    name: Option<String>,
    description: Option<String>,
    phone: Option<String>,
    metadata: Option<Metadata>,
    #[serde(default)]
    expand: Vec<String>,
}

pub async fn create(
    State(state): State<SharedState>,
    Form(params): Form<CustomerParams>,
) -> Result<Json<Value>, ApiError> {
    if let Some(email) = params.email.as_deref().filter(|email| !email.contains('@')) {
        return Err(ApiError::param(
            "email",
            format!("Invalid email address: {email}"),
        ));
    }
    state
        .write_all_or_nothing(|store| {
            let customer = Customer::new(store.now(), params.email, params.name);
            let customer = Customer {
                description: params.description,
                phone: params.phone,
                metadata: params.metadata.unwrap_or_default(),
                ..customer
            };
            tracing::info!(customer_id = %customer.id, "customer created");
            let mut rendered = customer.render();
            store.customers.insert(customer);
            store.emit("customer.created", rendered.clone(), None);
            expand(store, &mut rendered, &params.expand)?;
            Ok(Json(rendered))
        })
        .await
}

pub async fn update(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Form(params): Form<CustomerParams>,
) -> Result<Json<Value>, ApiError> {
    state
        .write_all_or_nothing(|store| {
            let customer = store
                .customers
                .get_mut(&id)
                .ok_or_else(|| ApiError::missing("customer", &id, Some("id")))?;
            let metadata = params
                .metadata
                .map(|update| merged(&customer.metadata, update))
                .transpose()?;
            let before = customer.render();
            if let Some(email) = params.email {
                customer.email = Some(email).filter(|e| !e.is_empty());
            }
            if let Some(name) = params.name {
                customer.name = Some(name).filter(|n| !n.is_empty());
            }
            if let Some(description) = params.description {
                customer.description = Some(description).filter(|d| !d.is_empty());
            }
            if let Some(phone) = params.phone {
                customer.phone = Some(phone).filter(|p| !p.is_empty());
            }
            if let Some(metadata) = metadata {
                customer.metadata = metadata;
            }
            let mut after = customer.render();
            store.emit_update("customer.updated", before, after.clone());
            expand(store, &mut after, &params.expand)?;
            Ok(Json(after))
        })
        .await
}
