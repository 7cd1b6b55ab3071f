#!/usr/bin/env bash
# Builds and serves the site: SQLite in ./data and the embedded Stripe emulator by default, or
# real Stripe and PostgreSQL when STRIPE_SECRET_KEY / DATABASE_URL say so (see README).
# Installs what it needs first. `--release` serves an optimised build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$STACKER_ROOT"

"$STACKER_ROOT/scripts/setup.sh"

args=("$@")
if [[ -n $STACKER_LIB_CARGO_ARGS ]]; then
  args+=("--lib-cargo-args=$STACKER_LIB_CARGO_ARGS")
fi
exec cargo leptos serve "${args[@]}"
