//! Server functions called with arguments they cannot read (a missing or repeated field, an
//! unknown tier, a body over the size limit) fail before any of the app's code runs, and Leptos
//! answers those with 500 and the decoder's message. They are the caller's mistake: this layer
//! answers 400 (413 for a body that is too large) with a sentence for people, in the encoding
//! the site's own client reads.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
// Leptos marks every error answer of a server function with this header.
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// Server-function errors are small; anything larger is passed on untouched.
const ERROR_BODY_LIMIT: usize = 64 * 1024;

pub async fn answer_as_client_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }

    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, ERROR_BODY_LIMIT).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong.").into_response();
    };
    let text = String::from_utf8_lossy(&bytes);
    let Some((status, sentence)) = client_error(&text) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    tracing::info!(%status, error = %text.chars().take(200).collect::<String>(), "server function arguments refused");
    let mut response = Response::from_parts(parts, Body::from(format!("ServerError|{sentence}")));
    *response.status_mut() = status;
    response
}

/// The status and sentence for an error the caller caused, from Leptos's `Variant|message`.
fn client_error(body: &str) -> Option<(StatusCode, &'static str)> {
    let (variant, message) = body.split_once('|')?;
    match variant {
        "Args" | "MissingArg" => Some((
            StatusCode::BAD_REQUEST,
            "The form was incomplete or not understood. Please fill it in again.",
        )),
        "Deserialization" if message.contains("length limit") => Some((
            StatusCode::PAYLOAD_TOO_LARGE,
            "That was more than the site accepts in one request.",
        )),
        "Deserialization" => Some((
            StatusCode::BAD_REQUEST,
            "The form was incomplete or not understood. Please fill it in again.",
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::client_error;

    #[test]
    fn argument_errors_are_the_callers() {
        assert_eq!(
            client_error("Args|missing field `password`").map(|(status, _)| status),
            Some(StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            client_error("Deserialization|length limit exceeded").map(|(status, _)| status),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
        assert_eq!(client_error("ServerError|Billing is not available"), None);
        assert_eq!(client_error("not an error"), None);
    }
}
