#!/usr/bin/env bash
# Runs every stacker test: the Rust tests of the whole workspace, then the Playwright specs in
# Chromium against the freshly built site (own SQLite file, embedded Stripe emulator).
# Installs what it needs first (scripts/setup.sh). Exits non-zero on the first failure.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$STACKER_ROOT"

log() { printf '\033[1mtest:\033[0m %s\n' "$*"; }
started=$SECONDS

"$STACKER_ROOT/scripts/setup.sh"

log "Rust tests (workspace)"
cargo test --workspace --features stacker/ssr

# The benchmark is not a test, but it must keep compiling; it is run by hand (README).
log "compiling the benchmark"
cargo test --features ssr --bench webhooks --no-run

log "building the site with cargo-leptos"
"$STACKER_ROOT/scripts/build-site.sh"

log "browser tests"
"$STACKER_ROOT/scripts/e2e.sh"

log "all tests passed in $((SECONDS - started))s"
