use serde_json::{Value, json};

use super::Record;

#[derive(Debug, Clone)]
pub struct Event {
    pub id: String,
    pub event_type: String,
    pub created: i64,
    /// The full object as it was right after the change.
    pub object: Value,
    /// On `*.updated` events, the old values of the top-level keys that changed.
    pub previous_attributes: Option<Value>,
    pub pending_webhooks: usize,
}

impl Record for Event {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Event {
    pub fn render(&self, api_version: &str) -> Value {
        let mut data = json!({ "object": self.object });
        if let Some(previous) = &self.previous_attributes {
            data["previous_attributes"] = previous.clone();
        }
        json!({
            "id": self.id,
            "object": "event",
            "api_version": api_version,
            "created": self.created,
            "data": data,
            "livemode": false,
            "pending_webhooks": self.pending_webhooks,
            "request": { "id": null, "idempotency_key": null },
            "type": self.event_type,
        })
    }
}

/// The old values of the top-level keys whose value differs between two renderings.
pub fn previous_attributes(before: &Value, after: &Value) -> Option<Value> {
    let (Value::Object(before), Value::Object(after)) = (before, after) else {
        return None;
    };
    let changed: serde_json::Map<String, Value> = before
        .iter()
        .filter(|(key, old)| after.get(key.as_str()) != Some(old))
        .map(|(key, old)| (key.clone(), old.clone()))
        .collect();
    (!changed.is_empty()).then_some(Value::Object(changed))
}
