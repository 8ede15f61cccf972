#!/usr/bin/env bash
# Exam-day load test (issue 5, "olympiad"): one process plays the people of an olympiad against
# the real server on 127.0.0.1 and prints, phase by phase, throughput, p50/p95/p99 per kind of
# request, errors, the CPU of the server, the load generator and the database, and peak memory:
#   ceiling   GET /healthz closed-loop and as a burst (what a trivial request costs here)
#   login     sign-ins per second one node sustains (argon2), and a sign-in window replayed at its peak
#   start     20 000 candidates released at once to POST /api/exam/start (target p99 < 3 s)
#   steady    20 000 candidates for 120 s: paper, autosave, webcam and screen uploads, open loop;
#             then hand-in, and a check that every acknowledged answer and upload is stored once
#   register  10 000 teacher sessions, nearly all open at once: page, school search,
#             register_teacher (argon2, one hash per core at a time); last, as its queue drains
#             for minutes (a watchdog stops the run below BENCH_MIN_FREE_MB of available memory)
# Release build; stops by itself; results and how to read them in BENCHMARKS.md.
# Knobs (environment; see server/benches/examday.rs): BENCH_DATABASE_URL=postgres://... (an
# empty database) runs it on PostgreSQL; BENCH_PHASES (login,start,steady,register),
# BENCH_CANDIDATES (20000), BENCH_SECONDS (120), BENCH_REG_SESSIONS (10000), BENCH_REG_RAMP (120),
# BENCH_REG_THINK (60), BENCH_SCHOOLS, BENCH_CONCURRENCY, BENCH_LOGIN_SECONDS, BENCH_INFLIGHT (from
# the open-file limit), BENCH_HANDIN_SECONDS, BENCH_DB_CONNECTIONS (16), BENCH_RECHECK,
# BENCH_MIN_FREE_MB (3072), BENCH_TIMEOUT, BENCH_SEED, BENCH_SIGNIN_WINDOW_MIN (20).
# Each run ends with one line `RESULT examday backend=... candidates=... ...` for tools to read.
# An empty PostgreSQL database, for example:
#   psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE IF EXISTS talap_bench' -c 'CREATE DATABASE talap_bench OWNER talap'
#   BENCH_DATABASE_URL=postgres://talap:talap@127.0.0.1:5432/talap_bench scripts/bench-examday.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh >/dev/null
# shellcheck disable=SC1090
. "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
export LEPTOS_OUTPUT_NAME=talap
# Server and load generator share this process: each connection holds two descriptors (one per
# side), and the in-flight cap (BENCH_INFLIGHT) opens that many connections. Raise the soft
# limit to the hard one.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
RUST_LOG="${RUST_LOG:-warn}" cargo bench -p server --bench examday
