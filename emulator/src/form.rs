//! Request parameters in Stripe's bracket notation (`metadata[tier]=core`, `expand[]=data.product`,
//! `line_items[0][price]=…`), parsed with `serde_qs` from form bodies and query strings alike.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;
use crate::objects::metadata;

/// Parameters sent as an `application/x-www-form-urlencoded` body.
pub struct Form<T>(pub T);

/// Parameters sent in the query string (Stripe's GET requests).
pub struct Query<T>(pub T);

fn config() -> serde_qs::Config {
    serde_qs::Config::new().max_depth(6).use_form_encoding(true)
}

/// Parses bracket-notation parameters, turning serde's complaint into a Stripe 400 that names
/// the parameter at fault.
pub fn parse<T: DeserializeOwned>(input: &[u8]) -> Result<T, ApiError> {
    let tree = config()
        .deserialize_bytes::<BTreeMap<String, Value>>(input)
        .ok();
    if let Some(tree) = &tree {
        metadata::check_tree(tree)?;
    }
    config()
        .deserialize_bytes(input)
        .map_err(|err| invalid::<T>(&err.to_string(), tree.as_ref()))
}

fn invalid<T: DeserializeOwned>(message: &str, tree: Option<&BTreeMap<String, Value>>) -> ApiError {
    if let Some(field) = between(message, "unknown field `", "`") {
        return ApiError::unknown_param(field);
    }
    if let Some(field) = between(message, "missing field `", "`") {
        return ApiError::required(field);
    }
    let param = between(message, "field `", "`")
        .map(str::to_owned)
        .or_else(|| tree.and_then(culprit::<T>))
        .unwrap_or_else(|| "body".to_owned());
    ApiError::param(param.clone(), format!("Invalid {param}: {message}"))
}

/// serde's type errors ("invalid type: string \"abc\", expected u32") do not say where they
/// happened, so each parameter is parsed again on its own, going down maps and lists, until
/// the smallest part that still fails is found. Its name is given in bracket notation.
fn culprit<T: DeserializeOwned>(tree: &BTreeMap<String, Value>) -> Option<String> {
    tree.iter().find_map(|(key, value)| {
        let wrap = |inner: Value| Value::Object([(key.clone(), inner)].into_iter().collect());
        fails::<T>(&wrap(value.clone())).then(|| narrow::<T>(key.clone(), value, &wrap))
    })
}

fn narrow<T: DeserializeOwned>(
    path: String,
    value: &Value,
    wrap: &dyn Fn(Value) -> Value,
) -> String {
    let parts: Vec<(String, Value, Value)> = match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, inner)| {
                let single = Value::Object([(key.clone(), inner.clone())].into_iter().collect());
                (key.clone(), inner.clone(), single)
            })
            .collect(),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(index, inner)| {
                (
                    index.to_string(),
                    inner.clone(),
                    Value::Array(vec![inner.clone()]),
                )
            })
            .collect(),
        _ => Vec::new(),
    };
    for (key, inner, single) in parts {
        if fails::<T>(&wrap(single.clone())) {
            let is_array = value.is_array();
            let name = format!("{path}[{key}]");
            let rewrap = move |deeper: Value| {
                if is_array {
                    wrap(Value::Array(vec![deeper]))
                } else {
                    wrap(Value::Object([(key.clone(), deeper)].into_iter().collect()))
                }
            };
            return narrow::<T>(name, &inner, &rewrap);
        }
    }
    path
}

/// Whether these parameters alone fail for a reason other than a missing required one.
fn fails<T: DeserializeOwned>(params: &Value) -> bool {
    let Ok(encoded) = serde_qs::to_string(params) else {
        return false;
    };
    match config().deserialize_str::<T>(&encoded) {
        Ok(_) => false,
        Err(err) => !err.to_string().contains("missing field `"),
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

fn unreadable(err: BytesRejection) -> ApiError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::too_large();
    }
    ApiError::param("body", format!("Unreadable request body: {err}"))
}

impl<S, T> FromRequest<S> for Form<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.trim_start().starts_with("application/json"));
        if json {
            return Err(ApiError::InvalidRequest {
                status: StatusCode::BAD_REQUEST,
                message: "Invalid request: the body must be form-encoded \
                          (Content-Type: application/x-www-form-urlencoded), not JSON."
                    .to_owned(),
                param: None,
                code: None,
            });
        }
        let body = Bytes::from_request(req, state).await.map_err(unreadable)?;
        parse(&body).map(Form)
    }
}

impl<S, T> FromRequestParts<S> for Query<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse(parts.uri.query().unwrap_or_default().as_bytes()).map(Query)
    }
}
