//! Stripe's limits on metadata: at most 50 keys, keys up to 40 characters, values up to 500.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Metadata;
use crate::error::ApiError;

const MAX_KEYS: usize = 50;
const MAX_KEY_CHARS: usize = 40;
const MAX_VALUE_CHARS: usize = 500;

/// Checks every `metadata` map in a request's parameters, at any depth
/// (`metadata[…]`, `subscription_data[metadata][…]`).
pub fn check_tree(params: &BTreeMap<String, Value>) -> Result<(), ApiError> {
    params
        .iter()
        .try_for_each(|(key, value)| check_value(key, key, value))
}

fn check_value(name: &str, path: &str, value: &Value) -> Result<(), ApiError> {
    match value {
        Value::Object(map) if name == "metadata" => {
            if map.len() > MAX_KEYS {
                return Err(too_many(path));
            }
            map.iter().try_for_each(|(key, value)| match value {
                Value::String(value) => check_entry(path, key, value),
                _ => Err(ApiError::param(
                    format!("{path}[{key}]"),
                    "Metadata values must be strings.",
                )),
            })
        }
        Value::Object(map) => map
            .iter()
            .try_for_each(|(key, inner)| check_value(key, &format!("{path}[{key}]"), inner)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, inner)| check_value(name, &format!("{path}[{index}]"), inner)),
        _ => Ok(()),
    }
}

fn check_entry(path: &str, key: &str, value: &str) -> Result<(), ApiError> {
    let param = format!("{path}[{key}]");
    if key.is_empty() {
        return Err(ApiError::param(param, "Metadata keys must not be empty."));
    }
    if key.chars().count() > MAX_KEY_CHARS {
        return Err(ApiError::param(
            param,
            format!("Metadata keys can be at most {MAX_KEY_CHARS} characters long."),
        ));
    }
    if value.chars().count() > MAX_VALUE_CHARS {
        return Err(ApiError::param(
            param,
            format!("Metadata values can be at most {MAX_VALUE_CHARS} characters long."),
        ));
    }
    Ok(())
}

fn too_many(param: &str) -> ApiError {
    ApiError::param(param, format!("Metadata can have at most {MAX_KEYS} keys."))
}

/// Stripe merges metadata on update; an empty value removes the key. The merged map is
/// returned, not stored, so that a caller can refuse the whole update before changing anything.
pub fn merged(current: &Metadata, update: Metadata) -> Result<Metadata, ApiError> {
    let mut merged = current.clone();
    for (key, value) in update {
        if value.is_empty() {
            merged.remove(&key);
        } else {
            merged.insert(key, value);
        }
    }
    if merged.len() > MAX_KEYS {
        return Err(too_many("metadata"));
    }
    Ok(merged)
}
