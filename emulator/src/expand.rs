//! `expand[]`: replaces ids with the objects they name, along dotted paths such as
//! `data.product`, `subscription` or `items.data.price.product`.

use serde_json::Value;

use crate::error::ApiError;
use crate::store::Store;

/// Stripe refuses paths deeper than four levels.
const MAX_DEPTH: usize = 4;

pub fn expand(store: &Store, value: &mut Value, paths: &[String]) -> Result<(), ApiError> {
    for path in paths {
        let segments: Vec<&str> = path.split('.').collect();
        if segments.len() > MAX_DEPTH {
            return Err(ApiError::param(
                "expand",
                format!("You cannot expand more than {MAX_DEPTH} levels of a property ({path})."),
            ));
        }
        walk(store, value, &segments, path)?;
    }
    Ok(())
}

fn walk(store: &Store, value: &mut Value, segments: &[&str], path: &str) -> Result<(), ApiError> {
    let Some((first, rest)) = segments.split_first() else {
        return Ok(());
    };
    if let Value::Array(items) = value {
        for item in items {
            walk(store, item, segments, path)?;
        }
        return Ok(());
    }
    let Some(field) = value
        .as_object_mut()
        .and_then(|object| object.get_mut(*first))
    else {
        return Err(cannot_expand(path));
    };
    if let Value::String(id) = field {
        match store.render_by_id(id) {
            Some(object) => *field = object,
            None if rest.is_empty() && is_expandable(first) => return Ok(()),
            None => return Err(cannot_expand(path)),
        }
    } else if rest.is_empty() && !field.is_null() && !field.is_object() {
        return Err(cannot_expand(path));
    }
    if field.is_null() {
        Ok(())
    } else {
        walk(store, field, rest, path)
    }
}

/// Fields that hold ids of objects the emulator does not model (e.g. `payment_intent`).
fn is_expandable(field: &str) -> bool {
    matches!(
        field,
        "payment_intent" | "default_payment_method" | "configuration"
    )
}

fn cannot_expand(path: &str) -> ApiError {
    ApiError::param(
        "expand",
        format!("This property cannot be expanded ({path})."),
    )
}
