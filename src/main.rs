//! The stacker web server and its operator tasks (`stacker --help`).

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    use clap::Parser;

    stacker::server::run(stacker::server::Cli::parse()).await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The browser build starts from `stacker::hydrate`; this binary only exists with `ssr`.
}
