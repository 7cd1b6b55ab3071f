//! Logging: `tracing` with a filter from `RUST_LOG`.

use tracing_subscriber::EnvFilter;

/// The filter used when `RUST_LOG` is not set.
const DEFAULT_FILTER: &str = "info,stacker=debug,tower_http=info";

/// Installs the global subscriber. Calling it again (as tests do) leaves the first one in place.
pub fn init() {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(true)
        .try_init();
}
