#!/usr/bin/env bash
# Builds Talap (release) and runs it on SQLite with demo data at http://127.0.0.1:3000.
# Installs what is missing first (scripts/setup.sh). Data stays in ./data between runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
INSTALL_BROWSER=0 INSTALL_POSTGRES=0 bash scripts/setup.sh
# shellcheck disable=SC1090
. "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
# cargo-leptos re-runs wasm-bindgen and wasm-opt (about 40 s) even when nothing changed, so
# the build is skipped when a stamp written after the last release build is newer than every
# source file and no other build (the browser tests' debug build) has rewritten the site since.
bin=target/release/talap stamp=target/site/.release-build
if [ -x "$bin" ] && [ -f "$stamp" ] \
   && [ -z "$(find app server frontend style public migrations Cargo.toml Cargo.lock -newer "$stamp" -print -quit)" ] \
   && [ -z "$(find target/site/pkg -newer "$stamp" -print -quit)" ]; then
  echo "==> release build is up to date"
else
  # --precompress: brotli and gzip copies of the site files, served to browsers that take them.
  echo "==> cargo leptos build --release --precompress"
  cargo leptos build --release --precompress
  touch "$stamp"
fi
mkdir -p data
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export DATABASE_URL="${DATABASE_URL:-sqlite://data/talap.db?mode=rwc}"
export TALAP_DEMO="${TALAP_DEMO:-true}"
exec "$bin" "$@"
