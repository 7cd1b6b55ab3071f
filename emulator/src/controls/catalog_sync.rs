//! Replacing the catalog the way an operator would in Stripe's dashboard: new products and
//! prices are created, changed ones updated, missing ones deleted, or archived when a
//! subscription still uses them. Each change emits its `product.*` or `price.*` event.

use serde_json::{Value, json};

use crate::catalog::Catalog;
use crate::objects::price::Price;
use crate::objects::product::Product;
use crate::store::Store;

pub fn apply(store: &mut Store, catalog: &Catalog) -> Value {
    let now = store.now();
    let (products, prices) = catalog.objects(now);
    let mut counts = json!({ "created": 0, "updated": 0, "deleted": 0, "archived": 0 });
    let mut bump = |key: &str| counts[key] = json!(counts[key].as_u64().unwrap_or(0) + 1);

    // Creations and updates, products before the prices that point at them.
    for product in &products {
        match store.products.get_mut(&product.id) {
            Some(existing) => {
                let before = existing.render();
                *existing = Product {
                    created: existing.created,
                    ..product.clone()
                };
                if existing.render_without_time() != product_without_time(&before) {
                    let after = existing.render();
                    store.emit_update("product.updated", before, after);
                    bump("updated");
                } else {
                    existing.updated = before["updated"].as_i64().unwrap_or(now);
                }
            }
            None => {
                store.products.insert(product.clone());
                store.emit("product.created", product.render(), None);
                bump("created");
            }
        }
    }
    for price in &prices {
        match store.prices.get_mut(&price.id) {
            Some(existing) => {
                let before = existing.render();
                *existing = Price {
                    created: existing.created,
                    ..price.clone()
                };
                let after = existing.render();
                if before != after {
                    store.emit_update("price.updated", before, after);
                    bump("updated");
                }
            }
            None => {
                store.prices.insert(price.clone());
                store.emit("price.created", price.render(), None);
                bump("created");
            }
        }
    }

    // Removals: prices first, then products.
    let in_use = |store: &Store, price: &str| {
        store
            .subscriptions
            .iter()
            .any(|s| s.items.iter().any(|i| i.price == price))
    };
    let gone_prices: Vec<String> = store
        .prices
        .iter()
        .filter(|p| !prices.iter().any(|new| new.id == p.id))
        .map(|p| p.id.clone())
        .collect();
    for id in gone_prices {
        if in_use(store, &id) {
            if let Some(price) = store.prices.get_mut(&id).filter(|p| p.active) {
                let before = price.render();
                price.active = false;
                let after = price.render();
                store.emit_update("price.updated", before, after);
                bump("archived");
            }
        } else if let Some(price) = store.prices.remove(&id) {
            store.emit("price.deleted", price.render(), None);
            bump("deleted");
        }
    }
    let gone_products: Vec<String> = store
        .products
        .iter()
        .filter(|p| !products.iter().any(|new| new.id == p.id))
        .map(|p| p.id.clone())
        .collect();
    for id in gone_products {
        let has_prices = store.prices.iter().any(|p| p.product == id);
        if has_prices {
            if let Some(product) = store.products.get_mut(&id).filter(|p| p.active) {
                let before = product.render();
                product.active = false;
                product.updated = now;
                let after = product.render();
                store.emit_update("product.updated", before, after);
                bump("archived");
            }
        } else if let Some(product) = store.products.remove(&id) {
            store.emit("product.deleted", product.render(), None);
            bump("deleted");
        }
    }
    tracing::info!(summary = %counts, "catalog loaded");
    counts
}

fn product_without_time(rendered: &Value) -> Value {
    let mut rendered = rendered.clone();
    if let Some(object) = rendered.as_object_mut() {
        object.remove("updated");
    }
    rendered
}

impl Product {
    fn render_without_time(&self) -> Value {
        product_without_time(&self.render())
    }
}
