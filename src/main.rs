//! The stacker web server.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    stacker::server::run().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build starts from `stacker::hydrate`; this binary only exists with `ssr`.
}
