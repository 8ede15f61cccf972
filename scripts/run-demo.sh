#!/usr/bin/env bash
# Builds Talap (release) and runs it on SQLite with demo data at http://127.0.0.1:3000.
# Installs what is missing first (scripts/setup.sh). Data stays in ./data between runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
INSTALL_BROWSER=0 INSTALL_POSTGRES=0 bash scripts/setup.sh
# shellcheck disable=SC1090
. "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
bash scripts/build-release.sh
bin=target/release/talap
mkdir -p data
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
export DATABASE_URL="${DATABASE_URL:-sqlite://data/talap.db?mode=rwc}"
export TALAP_DEMO="${TALAP_DEMO:-true}"
exec "$bin" "$@"
