#!/usr/bin/env bash
# Browser tests: builds the site with cargo-leptos (debug; TALAP_E2E_RELEASE=1 for release),
# starts the built server on 127.0.0.1:3100 with a fresh temporary database and demo data,
# runs end2end/tests/*.test.mjs (node --test, playwright-core driving Debian's Chromium), stops
# the server and exits with the tests' status. Tests that stop or freeze a server start their own
# from the same snapshot (TALAP_E2E_BIN, TALAP_E2E_SITE) on a free port with a fresh database.
#
# Knobs: TALAP_E2E_RELEASE=1, TALAP_E2E_PORT (default 3100), TALAP_E2E_KEEP=1 keeps the
# temporary folder (database, server log), TALAP_E2E_NO_BUILD=1 tests what was built last,
# TALAP_ENV_FILE (toolchain env from scripts/setup.sh). Arguments are passed to `node --test`
# (e.g. --test-name-pattern=reset).
# Screenshots land in end2end/screenshots/ (not committed).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"
# shellcheck disable=SC1090
. "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-debian}"
start=$(date +%s)

PORT="${TALAP_E2E_PORT:-3100}"
BASE="http://127.0.0.1:$PORT"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/talap-e2e.XXXXXX")"
server_pid=""

cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "${TALAP_E2E_KEEP:-0}" = 1 ]; then
    echo "e2e: kept $tmp (server log: $tmp/server.log)"
  else
    rm -rf "$tmp"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ "${TALAP_E2E_RELEASE:-0}" = 1 ]; then profile=release; flag=--release; else profile=debug; flag=; fi
# CARGO_TARGET_DIR (a shared build cache) holds the executable; the site stays in ./target/site.
bin="${CARGO_TARGET_DIR:-target}/$profile/talap"
if [ "${TALAP_E2E_NO_BUILD:-0}" = 1 ]; then
  echo "==> not building (TALAP_E2E_NO_BUILD=1): testing $bin and target/site as they are"
else
  echo "==> cargo leptos build $flag"
  cargo leptos build $flag
fi
# The site's files carry content hashes in their names (hash-files); hash.txt beside the
# executable names the current ones, hash-candidate.txt those of the candidate's bundle.
hashes="$(dirname "$bin")/hash.txt"
candidate_hashes="$(dirname "$bin")/hash-candidate.txt"
for f in "$bin" "$hashes" "$candidate_hashes" target/site/candidate/pkg; do
  [ -e "$f" ] || { echo "e2e: $f is missing: the build did not produce it" >&2; exit 1; }
done
built=$(date +%s)
# Test a snapshot, so builds running meanwhile (e.g. `cargo test` relinks target/debug/talap)
# cannot swap the server or the site under the tests.
ln "$bin" "$tmp/talap" 2>/dev/null || cp "$bin" "$tmp/talap"
cp "$hashes" "$tmp/hash.txt"
cp "$candidate_hashes" "$tmp/hash-candidate.txt"
cp -r target/site "$tmp/site"

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  echo "e2e: something already listens on 127.0.0.1:$PORT; stop it or set TALAP_E2E_PORT" >&2
  exit 1
fi

echo "==> starting $bin on $BASE (data, log and a copy of the site in $tmp)"
mkdir -p "$tmp/media"
DATABASE_URL="sqlite://$tmp/talap.db?mode=rwc" \
TALAP_MEDIA_DIR="$tmp/media" \
TALAP_DEMO=true \
TALAP_LISTEN="127.0.0.1:$PORT" \
TALAP_PUBLIC_URL="$BASE" \
TALAP_CONFIG=/nonexistent/talap.toml \
LEPTOS_SITE_ROOT="$tmp/site" \
NO_COLOR=1 \
RUST_LOG="${RUST_LOG:-info,sqlx=warn}" \
  "$tmp/talap" >"$tmp/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 120); do
  if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: the server exited; its log:" >&2; cat "$tmp/server.log" >&2; exit 1
  fi
  sleep 0.5
done
curl -fsS "$BASE/healthz" >/dev/null || { echo "e2e: no answer on $BASE/healthz; server log:" >&2; cat "$tmp/server.log" >&2; exit 1; }

# Every package of end2end/package.json, so one added later is installed too.
if [ ! -d end2end/node_modules/playwright-core ] || [ ! -d end2end/node_modules/axe-core ]; then
  echo "==> npm ci (end2end)"
  (cd end2end && npm ci --no-audit --no-fund)
fi

echo "==> node --test end2end/tests/"
rc=0
# TALAP_E2E_BIN/SITE: the same snapshot, for tests that run a server of their own (one they stop,
# restart or freeze; see ownServer in end2end/tests/lib.mjs).
TALAP_BASE_URL="$BASE" TALAP_SERVER_LOG="$tmp/server.log" CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}" \
TALAP_E2E_BIN="$tmp/talap" TALAP_E2E_SITE="$tmp/site" \
  node --test --test-concurrency=1 "$@" end2end/tests/ || rc=$?

if [ "$rc" != 0 ]; then
  echo "==> browser tests FAILED (rc $rc); last lines of the server log:" >&2
  tail -n 40 "$tmp/server.log" >&2 || true
fi
echo "==> e2e took $(( $(date +%s) - start )) s (build $(( built - start )) s); screenshots in end2end/screenshots/"
exit "$rc"
