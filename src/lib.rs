//! stacker: subscriptions sold through Stripe.
//!
//! The crate builds twice: with `ssr` it is the web server (pages rendered on the server, server
//! functions, the webhook route, the database and the Stripe client); with `hydrate` it is the
//! WebAssembly half that takes over the server's HTML in the browser.

pub mod api;
pub mod app;
pub mod components;
pub mod pages;
pub mod tier;

#[cfg(feature = "ssr")]
pub mod server;

/// Entry point of the WebAssembly build: attaches the client to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);

    // Browser tests wait for this mark before they click, so a click never lands on server
    // HTML that has no event handlers yet.
    if let Some(body) = leptos::prelude::document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
