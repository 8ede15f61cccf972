#!/usr/bin/env bash
# Journal benchmark (issue 4): a generated college (40 groups x 25 students x 12 subjects, a
# semester of lessons with marks; the measured journal has 30 students x 80 lessons), the real
# server on 127.0.0.1, and the percentiles of the journal page render, the grid data and a mark
# save. Release build. Knobs: BENCH_DATABASE_URL=postgres://... (an empty database) runs it on
# PostgreSQL; BENCH_GROUPS, BENCH_STUDENTS, BENCH_SUBJECTS, BENCH_LESSONS, BENCH_RENDERS,
# BENCH_SAVES (see server/benches/journal.rs).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh >/dev/null
# shellcheck disable=SC1090
. "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
export LEPTOS_OUTPUT_NAME=talap
# The server renders the page with the site's hashed asset names; any built site will do, and
# the render itself does not read it.
RUST_LOG="${RUST_LOG:-warn}" cargo bench -p server --bench journal
