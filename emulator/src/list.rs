//! Stripe's list envelope and cursor pagination (`limit`, `starting_after`, `ending_before`).

use serde_json::{Value, json};

use crate::error::ApiError;

/// The pagination part of a list request.
pub struct Page<'a> {
    pub limit: Option<u32>,
    pub starting_after: Option<&'a str>,
    pub ending_before: Option<&'a str>,
}

/// Cuts one page out of `items` (already filtered, newest first) and wraps it as a list.
pub fn paginate(items: Vec<Value>, page: &Page<'_>, url: &str) -> Result<Value, ApiError> {
    let limit = page.limit.unwrap_or(10);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::param(
            "limit",
            format!("Invalid limit: must be between 1 and 100 (got {limit})."),
        ));
    }
    let limit = limit as usize;
    let position = |id: &str, param: &str| {
        items
            .iter()
            .position(|item| item["id"] == id)
            .ok_or_else(|| ApiError::param(param, format!("No such object: '{id}'")))
    };
    let (data, has_more) = match (page.starting_after, page.ending_before) {
        (Some(after), _) => {
            let start = position(after, "starting_after")? + 1;
            let rest = &items[start..];
            (
                rest.iter().take(limit).cloned().collect::<Vec<_>>(),
                rest.len() > limit,
            )
        }
        (None, Some(before)) => {
            let end = position(before, "ending_before")?;
            let start = end.saturating_sub(limit);
            (items[start..end].to_vec(), start > 0)
        }
        (None, None) => (
            items.iter().take(limit).cloned().collect(),
            items.len() > limit,
        ),
    };
    Ok(json!({ "object": "list", "data": data, "has_more": has_more, "url": url }))
}
