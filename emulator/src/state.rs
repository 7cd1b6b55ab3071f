//! The state shared by every handler: the store behind one lock, the webhook dispatcher and the
//! settings fixed at start.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::catalog::Catalog;
use crate::store::{Settings, Store};
use crate::webhooks::Dispatcher;

pub type SharedState = Arc<AppState>;

pub struct AppState {
    store: Mutex<Store>,
    pub webhooks: Dispatcher,
    /// Base URL browsers use for the Checkout and portal pages, without a trailing slash.
    pub public_url: String,
    /// The catalog loaded at start, restored by a reset.
    pub initial_catalog: Catalog,
    pub initial_settings: Settings,
    pub checkout_ttl_seconds: i64,
    /// The name the portal shows and links back to ("Return to Stacker").
    pub business_name: String,
    /// The idempotency keys of the requests being answered now. Like Stripe, a second request
    /// with a key in this set is refused with 409 instead of waiting.
    pub idempotency_in_flight: std::sync::Mutex<HashSet<String>>,
}

impl AppState {
    pub fn new(
        catalog: Catalog,
        settings: Settings,
        webhooks: Dispatcher,
        public_url: String,
        checkout_ttl_seconds: i64,
        business_name: String,
    ) -> Self {
        Self {
            store: Mutex::new(Store::new(&catalog, settings.clone())),
            webhooks,
            public_url,
            initial_catalog: catalog,
            initial_settings: settings,
            checkout_ttl_seconds,
            business_name,
            idempotency_in_flight: std::sync::Mutex::new(HashSet::new()),
        }
    }

    pub async fn read<R>(&self, read: impl FnOnce(&Store) -> R) -> R {
        let store = self.store.lock().await;
        read(&store)
    }

    /// Runs a change under the lock, then hands the events it produced to the dispatcher.
    pub async fn write<R>(&self, change: impl FnOnce(&mut Store) -> R) -> R {
        let mut store = self.store.lock().await;
        let result = change(&mut store);
        let deliveries = std::mem::take(&mut store.outbox);
        // Queued under the lock, so that events leave in the order the store made them.
        self.webhooks.enqueue(deliveries);
        drop(store);
        result
    }

    /// Runs a change of several steps all or nothing: when it fails, the store goes back to
    /// how it was, so that a refused request leaves no half-made change and sends no events.
    pub async fn write_all_or_nothing<T, E>(
        &self,
        change: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut store = self.store.lock().await;
        let before = store.clone();
        let result = change(&mut store);
        if result.is_err() {
            *store = before;
        }
        let deliveries = std::mem::take(&mut store.outbox);
        // Queued under the lock, so that events leave in the order the store made them.
        self.webhooks.enqueue(deliveries);
        drop(store);
        result
    }
}
