#!/usr/bin/env bash
# Evidence ingest benchmark (issue 3): candidates with open attempts, the real server on
# 127.0.0.1, uploads of real JPEG snapshots and screenshots (two snapshots per screenshot) from
# many concurrent clients for a fixed time, and /healthz at the same concurrency as the
# machine's ceiling. Prints uploads/s, latency percentiles per kind, errors, CPU, and how many
# candidates that rate sustains. Release build; stops by itself.
# Knobs: BENCH_DATABASE_URL=postgres://... (an empty database) runs it on PostgreSQL;
# BENCH_CANDIDATES, BENCH_CONCURRENCY, BENCH_SECONDS, BENCH_RECHECK (see server/benches/ingest.rs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh >/dev/null
# shellcheck disable=SC1090
. "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
export LEPTOS_OUTPUT_NAME=talap
RUST_LOG="${RUST_LOG:-warn}" cargo bench -p server --bench ingest
