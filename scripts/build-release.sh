#!/usr/bin/env bash
# Builds the release server and site (target/release/talap, target/site) unless they are up to
# date. Used by run-demo.sh and cluster.sh; expects scripts/setup.sh to have run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
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
