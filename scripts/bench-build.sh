#!/usr/bin/env bash
# How long the release build takes, as a newcomer and as a developer meet it (issue 18, step 7):
#   cold   the first `cargo leptos build --release --precompress` (what run-demo.sh runs), with
#          an empty target folder but the crates already downloaded;
#   warm   the same again with nothing changed;
#   edits  one line changed in one place, then the build: a server-only file of each domain, a
#          page compiled for the server and both browser bundles, the server crate, the style.
#   dev    the developer's test loop instead: one line changed in a file of each domain, then
#          `cargo test --no-run` for every test binary (debug). Runs in your checkout with its
#          own target folder (warm from your last test run, which is the point), each edit
#          undone after its build; refused when a file it edits has changes of yours.
# It works in a worktree of HEAD of its own (BENCH_DIR, default /tmp/talap-build-bench) with
# its own target folder, so your checkout and its builds are untouched, and prints one line
# per build: `BUILD <what> <seconds>s`. Expects scripts/setup.sh to have run.
#
# Usage: scripts/bench-build.sh [cold] [warm] [edits] [dev]   (the first three when none is named)
# Knobs: BENCH_DIR; BENCH_KEEP=1 keeps the worktree (and its target) for a later run;
# BENCH_EDITS="journal-store exam-attempt-page" measures only the edits named (default: all).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC1090
. "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-debian}" LEPTOS_OUTPUT_NAME=talap
unset CARGO_TARGET_DIR
DIR="${BENCH_DIR:-/tmp/talap-build-bench}"
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(cold warm edits)

# The test loop's figures come from the checkout itself (see `dev` above).
DEV_FILES=(journal:app/src/journal/store/cells.rs exam:app/src/exam/store/attempt.rs proctor:app/src/proctor/ingest.rs
  olympiad:app/src/olympiad/stage/seating.rs auth:app/src/auth/store/sessions.rs page:app/src/exam/pages/attempt.rs)
if [ "${what[*]}" = dev ]; then
  cd "$ROOT"
  for pair in "${DEV_FILES[@]}"; do
    file="${pair#*:}"
    git diff --quiet -- "$file" || { echo "bench-build dev: $file has changes of yours; commit or stash them" >&2; exit 1; }
  done
  trap 'git -C "$ROOT" checkout -q -- "${DEV_FILES[@]#*:}" 2>/dev/null || true' EXIT
  cargo test -p app -p server --features app/ssr --no-run -q >/dev/null 2>&1  # start warm
  for pair in "${DEV_FILES[@]}"; do
    name="${pair%%:*}" file="${pair#*:}"
    printf '\n#[allow(dead_code)]\nconst BENCH_BUILD_EDIT: u32 = %s;\n' "$RANDOM" >>"$file"
    t0=$(date +%s.%N)
    cargo test -p app -p server --features app/ssr --no-run -q >/dev/null 2>&1 || { echo "build failed after editing $file" >&2; exit 1; }
    t1=$(date +%s.%N)
    git checkout -q -- "$file"
    awk -v what="dev-$name" -v a="$t0" -v b="$t1" 'BEGIN { printf "BUILD %s %.0fs\n", what, b - a }'
  done
  exit 0
fi

if [ ! -d "$DIR/.git" ] && [ ! -f "$DIR/.git" ]; then
  git -C "$ROOT" worktree add --detach -q "$DIR" HEAD
fi
cleanup() {
  git -C "$DIR" checkout -q -- . 2>/dev/null || true
  if [ "${BENCH_KEEP:-0}" != 1 ]; then git -C "$ROOT" worktree remove --force "$DIR" 2>/dev/null || true; fi
}
trap cleanup EXIT
cd "$DIR"

# Wall time, and the CPU time the build's processes used (user + system): on a shared machine the
# wall time grows with whatever else runs, the CPU time much less, so both are printed.
build() {  # $1: what is measured
  local t0 t1 c0 c1
  cpu_seconds; t0=$(date +%s.%N) c0=$CPU
  cargo leptos build --release --precompress >"$DIR/.build-$1.log" 2>&1 || { tail -30 "$DIR/.build-$1.log"; exit 1; }
  cpu_seconds; t1=$(date +%s.%N) c1=$CPU
  awk -v what="$1" -v a="$t0" -v b="$t1" -v c="$c0" -v d="$c1" \
    'BEGIN { printf "BUILD %s %.0fs (cpu %.0fs)\n", what, b - a, d - c }'
}
# Sets CPU to the user + system seconds of this shell's finished children: bash's `times`,
# second line, which only the shell itself can print (not a $(...) subshell).
cpu_seconds() {
  times >"$DIR/.times"
  CPU=$(awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2] } print s }' "$DIR/.times")
}

# One line, in the file's own language, that changes what the compiler sees (a comment would do
# for cargo, which rebuilds on any change, but a constant is what a real edit looks like).
edit() {  # $1: file
  case "$1" in
    *.rs) printf '\n#[allow(dead_code)]\nconst BENCH_BUILD_EDIT: u32 = %s;\n' "$RANDOM" >>"$1" ;;
    *.css) printf '\n.bench-build-edit { order: %s; }\n' "$RANDOM" >>"$1" ;;
  esac
}

for w in "${what[@]}"; do
  case "$w" in
    cold)
      cargo fetch -q
      rm -rf target
      build cold
      ;;
    warm) build warm ;;
    edits)
      # name:file — a server-only file per domain (the browser bundles are not rebuilt: the
      # file is not part of them), then a page both bundles hold, the server crate, the style.
      for pair in \
        journal-store:app/src/journal/store/mod.rs \
        exam-store:app/src/exam/store/mod.rs \
        proctor-report:app/src/proctor/report.rs \
        olympiad-downloads:app/src/olympiad/downloads.rs \
        exam-attempt-page:app/src/exam/pages/attempt.rs \
        journal-model:app/src/journal/model.rs \
        server-crate:server/src/lib.rs \
        style:style/main.css; do
        name="${pair%%:*}" file="${pair#*:}"
        case " ${BENCH_EDITS:-$name} " in *" $name "*) ;; *) continue ;; esac
        [ -f "$file" ] || { echo "BUILD $name skipped: $file is gone"; continue; }
        edit "$file"
        build "edit-$name"
      done
      git checkout -q -- .
      ;;
    dev) echo "dev runs alone: scripts/bench-build.sh dev" >&2; exit 2 ;;
    *) echo "unknown: $w (cold, warm, edits, dev)" >&2; exit 2 ;;
  esac
done
