//! Request parameters in Stripe's bracket notation (`metadata[tier]=core`, `expand[]=data.product`,
//! `line_items[0][price]=…`), parsed with `serde_qs` from form bodies and query strings alike.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Parameters sent as an `application/x-www-form-urlencoded` body.
pub struct Form<T>(pub T);

/// Parameters sent in the query string (Stripe's GET requests).
pub struct Query<T>(pub T);

fn config() -> serde_qs::Config {
    serde_qs::Config::new().max_depth(6).use_form_encoding(true)
}

/// Parses bracket-notation parameters, turning serde's complaint into a Stripe 400.
pub fn parse<T: DeserializeOwned>(input: &[u8]) -> Result<T, ApiError> {
    config()
        .deserialize_bytes(input)
        .map_err(|err| invalid(&err.to_string()))
}

fn invalid(message: &str) -> ApiError {
    if let Some(field) = between(message, "unknown field `", "`") {
        return ApiError::param(field, format!("Received unknown parameter: {field}"));
    }
    if let Some(field) = between(message, "missing field `", "`") {
        return ApiError::required(field);
    }
    let param = between(message, "field `", "`").unwrap_or("body");
    ApiError::param(param, format!("Invalid parameters: {message}"))
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = &text[text.find(start)? + start.len()..];
    Some(&rest[..rest.find(end)?])
}

impl<S, T> FromRequest<S> for Form<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|err| ApiError::param("body", format!("Unreadable request body: {err}")))?;
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
