use leptos::prelude::*;

use crate::api::error_message;

/// The error of the last run of an action, if it failed.
#[component]
pub fn ActionError(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error
            .get()
            .map(|message| view! { <p class="error" role="alert">{message}</p> })
    }
}

/// The message for an action's latest outcome, when it failed.
pub fn failure<T>(outcome: Option<Result<T, ServerFnError>>) -> Option<String> {
    match outcome {
        Some(Err(err)) => Some(error_message(&err)),
        _ => None,
    }
}
