#!/usr/bin/env bash
# What a first visit costs on a phone and on a desktop (issue 15): builds the release site with
# precompressed files, starts it on 127.0.0.1 with demo data in a temporary folder, prints the
# site files' sizes (raw, gzip, brotli) and then, through end2end/bench/weight.mjs (Debian's
# Chromium with network and CPU emulation), the time until the sign-in page and a candidate's
# exam page are interactive and the bytes they transfer, cold cache. Stops the server itself.
#
# Knobs: TALAP_BENCH_RUNS (visits per cell, default 3), TALAP_BENCH_PORT (default 3300),
# TALAP_BENCH_NO_BUILD=1 measures what was built last.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck disable=SC1090
. "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-debian}" LEPTOS_OUTPUT_NAME=talap
PORT="${TALAP_BENCH_PORT:-3300}"
BASE="http://127.0.0.1:$PORT"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/talap-bench.XXXXXX")"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

if [ "${TALAP_BENCH_NO_BUILD:-0}" != 1 ]; then
  echo "==> cargo leptos build --release --precompress"
  cargo leptos build --release --precompress
fi
bin="${CARGO_TARGET_DIR:-target}/release/talap"

echo
echo "## Site files (bytes)"
echo
echo "| file | raw | gzip | brotli |"
echo "|---|---|---|---|"
# The whole app's bundle, then the candidate's (signing in and sitting an exam).
for f in target/site/pkg/*.wasm target/site/pkg/*.js target/site/pkg/*.css target/site/candidate/pkg/*.wasm target/site/candidate/pkg/*.js; do
  [ -f "$f" ] || continue
  gz=$([ -f "$f.gz" ] && stat -c %s "$f.gz" || gzip -9c "$f" | wc -c)
  br=$([ -f "$f.br" ] && stat -c %s "$f.br" || echo "-")
  echo "| ${f#target/site/} | $(stat -c %s "$f") | $gz | $br |"
done

# The server reads hash.txt and hash-candidate.txt (the hashed file names) beside its
# executable: run a copy of them all.
cp "$bin" "$tmp/talap"
for h in hash.txt hash-candidate.txt; do
  if [ -f "$(dirname "$bin")/$h" ]; then cp "$(dirname "$bin")/$h" "$tmp/"; fi
done
mkdir -p "$tmp/media"
DATABASE_URL="sqlite://$tmp/talap.db?mode=rwc" TALAP_MEDIA_DIR="$tmp/media" TALAP_DEMO=true \
TALAP_LISTEN="127.0.0.1:$PORT" TALAP_PUBLIC_URL="$BASE" TALAP_CONFIG=/nonexistent/talap.toml \
LEPTOS_SITE_ROOT="target/site" RUST_LOG=warn \
  "$tmp/talap" >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.5
done

# A candidate's exam page: the demo exam's sitting page (device check, then the paper).
exam=$(sqlite3 "$tmp/talap.db" "SELECT id FROM exams ORDER BY id LIMIT 1")
[ -d end2end/node_modules/playwright-core ] || (cd end2end && npm ci --no-audit --no-fund)
echo
echo "## First visit, cold cache"
echo
TALAP_BASE_URL="$BASE" TALAP_BENCH_EXAM_PATH="/exams/$exam/sit" timeout 1800 node end2end/bench/weight.mjs
