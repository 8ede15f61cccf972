#!/usr/bin/env bash
# How long the release build takes, as a newcomer and as a developer meet it (issue 18, step 7):
#   cold   the first `cargo leptos build --release --precompress` (what run-demo.sh runs), with
#          an empty target folder but the crates already downloaded;
#   warm   the same again with nothing changed;
#   edits  one line changed in one place, then the build: a server-only file of each domain, a
#          page compiled for the server and both browser bundles, the server crate, the style.
# It works in a worktree of HEAD of its own (BENCH_DIR, default /tmp/talap-build-bench) with
# its own target folder, so your checkout and its builds are untouched, and prints one line
# per build: `BUILD <what> <seconds>s`. Expects scripts/setup.sh to have run.
#
# Usage: scripts/bench-build.sh [cold] [warm] [edits]   (all three when none is named)
# Knobs: BENCH_DIR; BENCH_KEEP=1 keeps the worktree (and its target) for a later run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC1090
. "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
export RUSTUP_TOOLCHAIN="${RUSTUP_TOOLCHAIN:-debian}" LEPTOS_OUTPUT_NAME=talap
unset CARGO_TARGET_DIR
DIR="${BENCH_DIR:-/tmp/talap-build-bench}"
what=("$@")
[ ${#what[@]} -gt 0 ] || what=(cold warm edits)

if [ ! -d "$DIR/.git" ] && [ ! -f "$DIR/.git" ]; then
  git -C "$ROOT" worktree add --detach -q "$DIR" HEAD
fi
cleanup() {
  git -C "$DIR" checkout -q -- . 2>/dev/null || true
  if [ "${BENCH_KEEP:-0}" != 1 ]; then git -C "$ROOT" worktree remove --force "$DIR" 2>/dev/null || true; fi
}
trap cleanup EXIT
cd "$DIR"

build() {  # $1: what is measured
  local t0 t1
  t0=$(date +%s.%N)
  cargo leptos build --release --precompress >"$DIR/.build-$1.log" 2>&1 || { tail -30 "$DIR/.build-$1.log"; exit 1; }
  t1=$(date +%s.%N)
  awk -v what="$1" -v a="$t0" -v b="$t1" 'BEGIN { printf "BUILD %s %.0fs\n", what, b - a }'
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
        journal-store:app/src/journal/store.rs \
        exam-store:app/src/exam/store.rs \
        proctor-report:app/src/proctor/report.rs \
        olympiad-downloads:app/src/olympiad/downloads.rs \
        exam-attempt-page:app/src/exam/pages/attempt.rs \
        journal-model:app/src/journal/model.rs \
        server-crate:server/src/lib.rs \
        style:style/main.css; do
        name="${pair%%:*}" file="${pair#*:}"
        [ -f "$file" ] || { echo "BUILD $name skipped: $file is gone"; continue; }
        edit "$file"
        build "edit-$name"
      done
      git checkout -q -- .
      ;;
    *) echo "unknown: $w (cold, warm, edits)" >&2; exit 2 ;;
  esac
done
