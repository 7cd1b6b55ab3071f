#!/usr/bin/env bash
# Starts the built site on free ports with a fresh SQLite database and its embedded Stripe
# emulator, runs the Playwright specs against it in Debian's Chromium, then stops the site.
# Expects scripts/build-site.sh to have run. Extra arguments go to `playwright test`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$STACKER_ROOT"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

work=$(mktemp -d "${TMPDIR:-/tmp}/stacker-e2e.XXXXXX")
site_port=$(free_port)
emulator_port=$(free_port)
site_url="http://127.0.0.1:$site_port"
server_log="$work/server.log"

LEPTOS_OUTPUT_NAME=stacker \
  LEPTOS_SITE_ROOT="$STACKER_ROOT/target/site" \
  LEPTOS_SITE_PKG_DIR=pkg \
  LEPTOS_SITE_ADDR="127.0.0.1:$site_port" \
  STACKER_PUBLIC_URL="$site_url" \
  STRIPE_EMULATOR_ADDR="127.0.0.1:$emulator_port" \
  DATABASE_URL="sqlite://$work/stacker.sqlite?mode=rwc" \
  RUST_LOG="${RUST_LOG:-info,stacker=debug,stripe_emulator=debug}" \
  "$CARGO_TARGET_DIR/debug/stacker" >"$server_log" 2>&1 &
server_pid=$!

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
}
trap stop_server EXIT

for _ in $(seq 1 120); do
  if curl -fs -o /dev/null "$site_url/"; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: the site exited before answering; its log:" >&2
    cat "$server_log" >&2
    exit 1
  fi
  sleep 0.5
done
curl -fsS -o /dev/null "$site_url/" || { echo "e2e: $site_url never answered" >&2; cat "$server_log" >&2; exit 1; }

status=0
(cd end2end && STACKER_E2E_URL="$site_url" npx playwright test "$@") || status=$?
if [[ $status -ne 0 ]]; then
  echo "e2e: Playwright failed; the site's log follows ($server_log)" >&2
  tail -n 200 "$server_log" >&2
fi
exit $status
