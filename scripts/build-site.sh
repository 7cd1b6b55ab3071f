#!/usr/bin/env bash
# Builds the server binary and the hydrating wasm bundle with cargo-leptos.
# Arguments are passed on to `cargo leptos build` (for example --release).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$STACKER_ROOT"

args=("$@")
if [[ -n $STACKER_LIB_CARGO_ARGS ]]; then
  args+=("--lib-cargo-args=$STACKER_LIB_CARGO_ARGS")
fi
cargo leptos build "${args[@]}"
