//! Everything the emulator knows, in memory: the catalog, customers, sessions, subscriptions,
//! invoices, events and webhook endpoints, plus the emulated clock.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::error::ApiError;
use crate::ids::new_id;
use crate::objects::Table;
use crate::objects::checkout_session::CheckoutSession;
use crate::objects::customer::Customer;
use crate::objects::event::{Event, previous_attributes};
use crate::objects::invoice::Invoice;
use crate::objects::portal_session::PortalSession;
use crate::objects::price::Price;
use crate::objects::product::Product;
use crate::objects::subscription::Subscription;
use crate::objects::webhook_endpoint::WebhookEndpoint;
use crate::webhooks::Delivery;

/// The API version async-stripe 1.0.0-rc.10 is generated for; events carry it unless the
/// endpoint asked for another.
pub const API_VERSION: &str = "2026-09-30.endive";

/// A response kept for replay under an `Idempotency-Key`.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub fingerprint: String,
    pub status: StatusCode,
    pub body: axum::body::Bytes,
}

/// What happens to a subscription whose renewal still fails after the last retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FinalDunningStatus {
    Canceled,
    Unpaid,
}

/// Billing behaviour the controls can change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Days after the first failed renewal at which payment is retried.
    pub retry_days: Vec<i64>,
    pub final_status: FinalDunningStatus,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            retry_days: vec![3, 5, 7],
            final_status: FinalDunningStatus::Canceled,
        }
    }
}

#[derive(Default, Clone)]
pub struct Store {
    /// Seconds added to the wall clock by `/_emulator/clock/advance`.
    pub clock_offset: i64,
    pub settings: Settings,
    pub products: Table<Product>,
    pub prices: Table<Price>,
    pub customers: Table<Customer>,
    pub checkout_sessions: Table<CheckoutSession>,
    pub subscriptions: Table<Subscription>,
    pub invoices: Table<Invoice>,
    pub portal_sessions: Table<PortalSession>,
    pub events: Table<Event>,
    pub webhook_endpoints: Table<WebhookEndpoint>,
    pub idempotency: HashMap<String, StoredResponse>,
    /// Deliveries produced by the current change, sent once the store is unlocked.
    pub outbox: Vec<Delivery>,
}

pub fn wall_clock() -> i64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX)
}

impl Store {
    pub fn new(catalog: &Catalog, settings: Settings) -> Self {
        let mut store = Self {
            settings,
            ..Self::default()
        };
        let (products, prices) = catalog.objects(store.now());
        products
            .into_iter()
            .for_each(|product| store.products.insert(product));
        prices
            .into_iter()
            .for_each(|price| store.prices.insert(price));
        store
    }

    /// The emulated time in Unix seconds.
    pub fn now(&self) -> i64 {
        wall_clock() + self.clock_offset
    }

    pub fn set_now(&mut self, at: i64) {
        self.clock_offset = at - wall_clock();
    }

    /// Records an event and queues it for every endpoint that listens to its type.
    pub fn emit(&mut self, event_type: &str, object: Value, previous: Option<Value>) {
        let mut event = Event {
            id: new_id("evt"),
            event_type: event_type.to_owned(),
            created: self.now(),
            object,
            previous_attributes: previous,
            pending_webhooks: 0,
        };
        let endpoints: Vec<&WebhookEndpoint> = self
            .webhook_endpoints
            .iter()
            .filter(|endpoint| endpoint.accepts(event_type))
            .collect();
        event.pending_webhooks = endpoints.len();
        for endpoint in endpoints {
            let version = endpoint.api_version.as_deref().unwrap_or(API_VERSION);
            self.outbox.push(Delivery {
                event_id: event.id.clone(),
                event_type: event.event_type.clone(),
                endpoint_id: endpoint.id.clone(),
                url: endpoint.url.clone(),
                secret: endpoint.secret.clone(),
                payload: event.render(version).to_string(),
            });
        }
        tracing::debug!(event_id = %event.id, event_type, "event emitted");
        self.events.insert(event);
    }

    /// Emits an `*.updated` event when the rendering changed, with the old values.
    pub fn emit_update(&mut self, event_type: &str, before: Value, after: Value) {
        if let Some(previous) = previous_attributes(&before, &after) {
            self.emit(event_type, after, Some(previous));
        }
    }

    pub fn product(&self, id: &str) -> Result<&Product, ApiError> {
        self.products
            .get(id)
            .ok_or_else(|| ApiError::missing("product", id, Some("id")))
    }

    pub fn price(&self, id: &str) -> Result<&Price, ApiError> {
        self.prices
            .get(id)
            .ok_or_else(|| ApiError::missing("price", id, Some("price")))
    }

    pub fn customer(&self, id: &str) -> Result<&Customer, ApiError> {
        self.customers
            .get(id)
            .ok_or_else(|| ApiError::missing("customer", id, Some("customer")))
    }

    pub fn subscription(&self, id: &str) -> Result<&Subscription, ApiError> {
        self.subscriptions
            .get(id)
            .ok_or_else(|| ApiError::missing("subscription", id, Some("subscription")))
    }

    pub fn checkout_session(&self, id: &str) -> Result<&CheckoutSession, ApiError> {
        self.checkout_sessions
            .get(id)
            .ok_or_else(|| ApiError::missing("checkout.session", id, Some("session")))
    }

    pub fn render_subscription(&self, id: &str) -> Result<Value, ApiError> {
        Ok(self.subscription(id)?.render(&self.prices))
    }

    /// Any object by id, for `expand[]`; the prefix says which kind it is.
    pub fn render_by_id(&self, id: &str) -> Option<Value> {
        let prefix = id.split('_').next().unwrap_or_default();
        match prefix {
            "prod" => self.products.get(id).map(Product::render),
            "price" => self.prices.get(id).map(Price::render),
            "cus" => self.customers.get(id).map(Customer::render),
            "sub" => self
                .subscriptions
                .get(id)
                .map(|sub| sub.render(&self.prices)),
            "in" => self
                .invoices
                .get(id)
                .map(|invoice| invoice.render(&self.prices)),
            "cs" => self.checkout_sessions.get(id).map(CheckoutSession::render),
            _ => None,
        }
    }
}
