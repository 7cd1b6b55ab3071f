//! Server functions and the plain data they hand to the pages. Server-only helpers sit in
//! `cfg(feature = "ssr")` blocks beside the functions that use them.

pub mod account;
pub mod auth;
pub mod catalog;
pub mod checkout;
pub mod plan_area;

use leptos::prelude::ServerFnError;

/// The sentence to show for a failed server function.
pub fn error_message(error: &ServerFnError) -> String {
    match error {
        ServerFnError::ServerError(message) => message.clone(),
        _ => "Something went wrong. Please try again.".to_owned(),
    }
}

/// A path inside this site to return to after logging in; anything else becomes `/`.
///
/// Only visible ASCII is kept: browsers drop tabs and line breaks from a `Location` before
/// reading it, so `/\t/example.org` would leave the site, and a control character cannot be
/// sent in a header at all.
pub fn safe_next_path(next: Option<&str>) -> String {
    const MAX_CHARS: usize = 2048;
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && path.len() <= MAX_CHARS
                && path
                    .bytes()
                    .all(|byte| byte.is_ascii_graphic() && byte != b'\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod server_context {
    //! Access to the request and the app from inside a server function.

    use axum::http::StatusCode;
    use leptos::prelude::{ServerFnError, use_context};
    use leptos_axum::ResponseOptions;

    use crate::server::auth::AuthSession;
    use crate::server::billing::BillingError;
    use crate::server::state::AppState;

    pub fn app_state() -> Result<AppState, ServerFnError> {
        use_context::<AppState>().ok_or_else(|| ServerFnError::new("The app state is missing."))
    }

    pub async fn auth_session() -> Result<AuthSession, ServerFnError> {
        leptos_axum::extract::<AuthSession>()
            .await
            .map_err(|err| ServerFnError::new(format!("The session is unavailable: {err}")))
    }

    /// Sets the response status and returns the message as the function's error.
    pub fn fail(status: StatusCode, message: impl Into<String>) -> ServerFnError {
        if let Some(response) = use_context::<ResponseOptions>() {
            response.set_status(status);
        }
        ServerFnError::new(message.into())
    }

    /// Logs a billing failure with its cause and turns it into the message people see.
    pub fn billing_failure(err: BillingError) -> ServerFnError {
        let status = err.status();
        if status.is_server_error() {
            tracing::error!(error = ?err, "billing request failed");
        } else {
            tracing::info!(error = %err, "billing request refused");
        }
        fail(status, err.user_message())
    }

    /// Logs an unexpected failure and hides its details.
    pub fn unexpected(err: impl std::fmt::Debug) -> ServerFnError {
        tracing::error!(error = ?err, "request failed");
        fail(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong. Please try again.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next_path;

    #[test]
    fn next_paths_stay_on_the_site() {
        assert_eq!(safe_next_path(Some("/account")), "/account");
        assert_eq!(safe_next_path(Some("//evil.example")), "/");
        assert_eq!(safe_next_path(Some("https://evil.example")), "/");
        assert_eq!(safe_next_path(None), "/");
        assert_eq!(
            safe_next_path(Some("/?plan=price_core_monthly")),
            "/?plan=price_core_monthly"
        );
    }

    #[test]
    fn whitespace_control_characters_and_backslashes_send_people_home() {
        for next in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/x",
            "/account\n",
            "/\u{7f}",
            "/ /evil.example",
            "/\\evil.example",
            "/caf\u{e9}",
        ] {
            assert_eq!(safe_next_path(Some(next)), "/", "{next:?}");
        }
        assert_eq!(safe_next_path(Some(&format!("/{}", "a".repeat(5000)))), "/");
    }
}
