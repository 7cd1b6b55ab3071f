use serde_json::{Value, json};

use super::{Metadata, Record};

#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub active: bool,
    pub metadata: Metadata,
    pub default_price: Option<String>,
    pub images: Vec<String>,
    pub marketing_features: Vec<String>,
    pub unit_label: Option<String>,
    pub url: Option<String>,
    pub created: i64,
    pub updated: i64,
}

impl Record for Product {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Product {
    pub fn render(&self) -> Value {
        let features: Vec<Value> = self
            .marketing_features
            .iter()
            .map(|name| json!({ "name": name }))
            .collect();
        json!({
            "id": self.id,
            "object": "product",
            "active": self.active,
            "created": self.created,
            "default_price": self.default_price,
            "description": self.description,
            "images": self.images,
            "livemode": false,
            "marketing_features": features,
            "metadata": self.metadata,
            "name": self.name,
            "package_dimensions": null,
            "shippable": null,
            "statement_descriptor": null,
            "tax_code": null,
            "type": "service",
            "unit_label": self.unit_label,
            "updated": self.updated,
            "url": self.url,
        })
    }
}
