//! One module per page.

pub mod account;
pub mod checkout_success;
pub mod login;
pub mod not_found;
pub mod plan_area;
pub mod pricing;
pub mod signup;

/// Sets the status code of the server-rendered response; does nothing in the browser.
pub(crate) fn set_response_status(_status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        axum::http::StatusCode::from_u16(_status),
    ) {
        response.set_status(status);
    }
}
