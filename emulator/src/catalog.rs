//! The product catalog file: products with their prices, loaded at start and by the controls.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

use crate::billing::limits::{
    check_currency, check_interval_count, check_trial_days, check_unit_amount,
};
use crate::objects::Metadata;
use crate::objects::price::{Interval, Price, Recurring};
use crate::objects::product::Product;

/// The catalog the emulator starts with unless given another file.
pub const SEED_CATALOG: &str = include_str!("../seed/catalog.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    pub products: Vec<CatalogProduct>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogProduct {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub metadata: Metadata,
    #[serde(default)]
    pub default_price: Option<String>,
    #[serde(default)]
    pub images: Vec<String>,
    #[serde(default)]
    pub marketing_features: Vec<String>,
    #[serde(default)]
    pub prices: Vec<CatalogPrice>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogPrice {
    pub id: String,
    pub unit_amount: i64,
    #[serde(default = "usd")]
    pub currency: String,
    /// Absent for one-time prices.
    #[serde(default)]
    pub interval: Option<Interval>,
    #[serde(default = "one")]
    pub interval_count: u32,
    #[serde(default)]
    pub trial_period_days: Option<u32>,
    #[serde(default)]
    pub lookup_key: Option<String>,
    #[serde(default)]
    pub nickname: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub metadata: Metadata,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

fn usd() -> String {
    "usd".to_owned()
}

impl CatalogPrice {
    /// The bounds the API puts on prices hold for catalog prices too.
    fn check(&self) -> Result<(), crate::error::ApiError> {
        check_unit_amount("unit_amount", self.unit_amount)?;
        check_currency("currency", &self.currency)?;
        if let Some(interval) = self.interval {
            check_interval_count("interval_count", interval, self.interval_count)?;
        }
        if let Some(days) = self.trial_period_days {
            check_trial_days("trial_period_days", days)?;
        }
        Ok(())
    }
}

impl Catalog {
    pub fn seed() -> anyhow::Result<Self> {
        Self::parse(SEED_CATALOG).context("Failed to parse the built-in seed catalog")
    }

    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("Failed to read the catalog file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("Failed to load the catalog {}", path.display()))
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let catalog: Self = serde_json::from_str(text).context("Catalog is not valid JSON")?;
        catalog.validate()?;
        Ok(catalog)
    }

    fn validate(&self) -> anyhow::Result<()> {
        let mut ids = HashSet::new();
        let mut lookup_keys = HashSet::new();
        for product in &self.products {
            anyhow::ensure!(
                ids.insert(&product.id),
                "Duplicate id {} in catalog",
                product.id
            );
            for price in &product.prices {
                anyhow::ensure!(
                    ids.insert(&price.id),
                    "Duplicate id {} in catalog",
                    price.id
                );
                price
                    .check()
                    .with_context(|| format!("Price {} in catalog", price.id))?;
                if let Some(key) = &price.lookup_key {
                    anyhow::ensure!(lookup_keys.insert(key), "Duplicate lookup_key {key}");
                }
            }
            if let Some(default) = &product.default_price {
                anyhow::ensure!(
                    product.prices.iter().any(|price| &price.id == default),
                    "default_price {default} of {} is not one of its prices",
                    product.id
                );
            }
        }
        Ok(())
    }

    /// The catalog as Stripe objects, all stamped with `now`.
    pub fn objects(&self, now: i64) -> (Vec<Product>, Vec<Price>) {
        let products = self
            .products
            .iter()
            .map(|product| Product {
                id: product.id.clone(),
                name: product.name.clone(),
                description: product.description.clone(),
                active: product.active,
                metadata: product.metadata.clone(),
                default_price: product.default_price.clone(),
                images: product.images.clone(),
                marketing_features: product.marketing_features.clone(),
                unit_label: None,
                url: None,
                created: now,
                updated: now,
            })
            .collect();
        let prices = self
            .products
            .iter()
            .flat_map(|product| product.prices.iter().map(move |price| (product, price)))
            .map(|(product, price)| Price {
                id: price.id.clone(),
                product: product.id.clone(),
                active: price.active,
                currency: price.currency.to_lowercase(),
                unit_amount: price.unit_amount,
                recurring: price.interval.map(|interval| Recurring {
                    interval,
                    interval_count: price.interval_count,
                    trial_period_days: price.trial_period_days,
                }),
                lookup_key: price.lookup_key.clone(),
                nickname: price.nickname.clone(),
                metadata: price.metadata.clone(),
                created: now,
            })
            .collect();
        (products, prices)
    }
}
