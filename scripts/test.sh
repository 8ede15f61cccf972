#!/usr/bin/env bash
# Runs every test: Rust unit tests, database and HTTP tests on SQLite and on PostgreSQL, then
# the Playwright browser tests in headless Chromium against a freshly built site.
# Installs what is missing first (scripts/setup.sh). Set TALAP_REQUIRE_POSTGRES=1 to fail
# (instead of skipping those tests) when no PostgreSQL can be reached.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# shellcheck disable=SC1090
. "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
start=$(date +%s)

# A full disk shows up as a linker error with no cause printed (it happened twice in CI), so a
# failed run ends with the disk's free space, and a low one is said before the builds.
disk_free() { df -h --output=avail,target "$(readlink -f target 2>/dev/null || echo .)" | tail -1; }
trap 'rc=$?; if [ "$rc" != 0 ]; then echo "==> tests failed (exit $rc); free disk: $(disk_free)" >&2; fi' EXIT
free_kb=$(df -k --output=avail "$(readlink -f target 2>/dev/null || echo .)" | tail -1 | tr -d ' ')
if [ "${free_kb:-0}" -lt $((15 * 1024 * 1024)) ]; then
  echo "!! only $(disk_free) free: the builds below need about 15 GB" >&2
fi

echo "==> migrations: both backends have the same versions"
s=$(ls migrations/sqlite | sed 's/_.*//' | sort | tr '\n' ' ')
p=$(ls migrations/postgres | sed 's/_.*//' | sort | tr '\n' ' ')
if [ "$s" != "$p" ]; then
  echo "migrations/sqlite ($s) and migrations/postgres ($p) differ" >&2
  exit 1
fi

export TALAP_TEST_POSTGRES_URL="${TALAP_TEST_POSTGRES_URL:-postgres://talap:talap@127.0.0.1:5432/postgres}"
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "==> PostgreSQL reachable: database tests run on SQLite and PostgreSQL"
else
  echo
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  echo "!!  NO POSTGRESQL on 127.0.0.1:5432: the PostgreSQL half of the tests is SKIPPED"
  echo "!!  (scripts/setup.sh tries to install and start it; see its output above)"
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  echo
  if [ "${TALAP_REQUIRE_POSTGRES:-0}" = 1 ]; then exit 1; fi
  export TALAP_SKIP_POSTGRES=1
fi

# cargo-leptos compiles with LEPTOS_OUTPUT_NAME set, and leptos reads it at compile time
# (option_env!). The same value here lets the test build and the site build below share every
# compiled crate instead of rebuilding the leptos stack twice per run.
export LEPTOS_OUTPUT_NAME=talap
echo "==> cargo test (unit, database, HTTP)"
cargo test -p app -p server --features app/ssr

echo "==> browser tests"
bash scripts/e2e.sh

echo "==> all tests passed in $(( $(date +%s) - start )) s"
