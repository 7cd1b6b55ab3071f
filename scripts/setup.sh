#!/usr/bin/env bash
# Installs what building and testing stacker needs, and nothing that is already there.
# Safe to run again: each step checks first. Used by serve.sh and test.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$STACKER_ROOT"

CARGO_LEPTOS_VERSION=0.3.11
BINARYEN_VERSION=132.0.0

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

missing_debs() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || printf '%s ' "$pkg"
  done
}

# System packages: a browser for the end-to-end tests and, without rustup's wasm target,
# Debian's compiler that can build std for wasm.
debs=(chromium)
if [[ $STACKER_TOOLCHAIN == debian ]]; then
  debs+=(rustc-web cargo-web rust-web-src lld-22)
fi
todo=$(missing_debs "${debs[@]}")
if [[ -n $todo ]]; then
  log "installing Debian packages: $todo"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q $todo
fi

# cargo-leptos, built so that it never tries to download tools itself.
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 10 minutes, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked \
    --features no_downloads --debug
fi

# The wasm-bindgen CLI must be exactly the version the lock file holds.
wbg_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbg_version\$"; then
  log "installing wasm-bindgen-cli $wbg_version"
  # Its own lock file names a crate the registry no longer has, so it installs unlocked.
  cargo install wasm-bindgen-cli --version "$wbg_version" --force
fi

# wasm-opt for release builds; Debian's binaryen is too old for today's wasm output.
if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_VERSION%%.*}"; then
  log "installing binaryen $BINARYEN_VERSION (wasm-opt)"
  mkdir -p "$STACKER_CACHE/tools"
  npm install --prefix "$STACKER_CACHE/tools" --no-save --no-audit --no-fund \
    "binaryen@$BINARYEN_VERSION" >/dev/null
fi

# Playwright's test runner; it drives Debian's Chromium, so no browser download.
stamp=end2end/node_modules/.stacker-installed-lock.json
if ! cmp -s end2end/package-lock.json "$stamp" 2>/dev/null; then
  log "installing end2end npm packages"
  (cd end2end && npm ci --no-audit --no-fund >/dev/null)
  cp end2end/package-lock.json "$stamp"
fi

log "ready ($STACKER_TOOLCHAIN toolchain, target dir $CARGO_TARGET_DIR)"
