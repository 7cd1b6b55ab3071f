# shellcheck shell=bash
# Build environment shared by every stacker script. Source it; it prints nothing.
#
# The wasm half of the site needs a Rust standard library for wasm32-unknown-unknown. Where
# rustup has that target installed, the ordinary toolchain builds everything. Where it has not
# (rustup cannot download it on a machine without internet), Debian's rustc-web compiler builds
# the whole workspace and compiles std for wasm from its bundled sources.

STACKER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export STACKER_ROOT

# Build output lives outside the clone so that a fresh clone starts warm.
export STACKER_CACHE="${STACKER_CACHE:-$HOME/.cache/stacker}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$STACKER_CACHE/target}"
export PATH="$HOME/.cargo/bin:$STACKER_CACHE/tools/bin:$STACKER_CACHE/tools/node_modules/.bin:$PATH"

stacker_has_rustup_wasm() {
  command -v rustup >/dev/null 2>&1 &&
    rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

if stacker_has_rustup_wasm; then
  export STACKER_TOOLCHAIN=rustup
  export STACKER_LIB_CARGO_ARGS=""
else
  export STACKER_TOOLCHAIN=debian
  export RUSTC=/usr/bin/rustc
  export RUSTDOC=/usr/bin/rustdoc
  export RUSTC_BOOTSTRAP=1
  export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=/usr/lib/llvm-22/bin/wasm-ld
  export STACKER_LIB_CARGO_ARGS="-Zbuild-std=std,panic_abort"
fi
