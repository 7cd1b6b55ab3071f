//! Errors in Stripe's shape: `{"error":{"type","message","param","code"}}` with Stripe's statuses.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A request Stripe would reject: bad or missing parameter, unknown id, wrong state.
    #[error("{message}")]
    InvalidRequest {
        status: StatusCode,
        message: String,
        param: Option<String>,
        code: Option<&'static str>,
    },
    /// Missing or malformed API key.
    #[error("{0}")]
    Authentication(String),
    /// The same idempotency key reused with different parameters.
    #[error("{0}")]
    Idempotency(String),
    /// A request with the same idempotency key is still being answered.
    #[error("{0}")]
    IdempotencyKeyInUse(String),
    /// A card payment the emulator declined.
    #[error("Your card was declined.")]
    CardDeclined,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl ApiError {
    /// 404 `resource_missing` for an id that names nothing, e.g. "No such price: 'price_x'".
    pub fn missing(kind: &str, id: &str, param: Option<&str>) -> Self {
        Self::InvalidRequest {
            status: StatusCode::NOT_FOUND,
            message: format!("No such {kind}: '{id}'"),
            param: param.map(str::to_owned),
            code: Some("resource_missing"),
        }
    }

    /// 400 naming the parameter at fault.
    pub fn param(param: impl Into<String>, message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            param: Some(param.into()),
            code: Some("parameter_invalid"),
        }
    }

    /// 400 for a parameter the endpoint does not take.
    pub fn unknown_param(param: &str) -> Self {
        Self::InvalidRequest {
            status: StatusCode::BAD_REQUEST,
            message: format!("Received unknown parameter: {param}"),
            param: Some(param.to_owned()),
            code: Some("parameter_unknown"),
        }
    }

    /// 400 for a required parameter that was not sent.
    pub fn required(param: &str) -> Self {
        Self::InvalidRequest {
            status: StatusCode::BAD_REQUEST,
            message: format!("Missing required param: {param}."),
            param: Some(param.to_owned()),
            code: Some("parameter_missing"),
        }
    }

    /// 400 for a request that is well formed but not allowed in the object's current state.
    pub fn state(message: impl Into<String>) -> Self {
        Self::InvalidRequest {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
            param: None,
            code: None,
        }
    }

    /// 413 for a body over the size the emulator reads.
    pub fn too_large() -> Self {
        Self::InvalidRequest {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            message: "The request body is too large.".to_owned(),
            param: None,
            code: None,
        }
    }

    /// Points an error about `items[0]` at the item the request listed at `index`.
    pub fn for_item(self, index: usize) -> Self {
        match self {
            Self::InvalidRequest {
                status,
                message,
                param: Some(param),
                code,
            } => Self::InvalidRequest {
                status,
                message,
                param: Some(match param.strip_prefix("items[0]") {
                    Some(rest) => format!("items[{index}]{rest}"),
                    None => param,
                }),
                code,
            },
            other => other,
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::InvalidRequest { status, .. } => *status,
            Self::Authentication(_) => StatusCode::UNAUTHORIZED,
            Self::Idempotency(_) => StatusCode::BAD_REQUEST,
            Self::IdempotencyKeyInUse(_) => StatusCode::CONFLICT,
            Self::CardDeclined => StatusCode::PAYMENT_REQUIRED,
            Self::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            Self::InvalidRequest {
                message,
                param,
                code,
                ..
            } => {
                json!({"type": "invalid_request_error", "message": message, "param": param, "code": code})
            }
            Self::Authentication(message) => {
                json!({"type": "invalid_request_error", "message": message, "param": null, "code": null})
            }
            Self::Idempotency(message) => {
                json!({"type": "idempotency_error", "message": message, "param": null, "code": null})
            }
            Self::IdempotencyKeyInUse(message) => json!({
                "type": "invalid_request_error",
                "message": message,
                "param": null,
                "code": "idempotency_key_in_use",
            }),
            Self::CardDeclined => json!({
                "type": "card_error",
                "message": self.to_string(),
                "param": null,
                "code": "card_declined",
                "decline_code": "generic_decline",
            }),
            Self::Unexpected(cause) => {
                tracing::error!(error = ?cause, "request failed");
                json!({
                    "type": "api_error",
                    "message": "An unexpected error occurred in the Stripe emulator.",
                    "param": null,
                    "code": null,
                })
            }
        };
        (status, Json(json!({ "error": body }))).into_response()
    }
}
