//! Stripe's API-key check: any `sk_test_…` (or restricted `rk_test_…`) key is accepted, as a
//! Bearer token or as the user name of Basic auth (`curl -u sk_test_…:`).

use axum::extract::Request;
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;

use crate::error::ApiError;

pub async fn require_test_key(request: Request, next: Next) -> Result<Response, ApiError> {
    let header = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let Some(header) = header else {
        return Err(ApiError::Authentication(
            "You did not provide an API key. You need to provide your API key in the \
             Authorization header, using Bearer auth (e.g. 'Authorization: Bearer \
             YOUR_SECRET_KEY')."
                .to_owned(),
        ));
    };
    let key = api_key(header).unwrap_or_default();
    if !(key.starts_with("sk_test_") || key.starts_with("rk_test_")) || key.len() <= 8 {
        return Err(ApiError::Authentication(format!(
            "Invalid API Key provided: {}. The emulator accepts test keys starting with sk_test_.",
            redact(&key)
        )));
    }
    Ok(next.run(request).await)
}

fn api_key(header: &str) -> Option<String> {
    let (scheme, value) = header.trim().split_once(' ')?;
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(value.trim().to_owned());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(value.trim())
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        return Some(text.split(':').next().unwrap_or_default().to_owned());
    }
    None
}

/// Shows only the start and end of a key, as Stripe does in its error message.
fn redact(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 8))
}
