#!/usr/bin/env bash
# scripts/setup.sh — install what building, running and testing Talap needs on Debian 12,
# skipping whatever is already there. Idempotent; run as root (or with sudo available).
#
# Why it looks like this (measured on 2-core Debian 12 machines that reach only the package
# registries: crates.io, Debian, npm, PyPI):
# * `rustup target add wasm32-unknown-unknown` cannot always download here. Debian's
#   rustc-web 1.96 ships no wasm32 std but ships its source (rust-web-src) and rust-lld, so we
#   build the wasm32 std once with -Zbuild-std and install it into Debian's sysroot. After that,
#   plain `cargo build --target wasm32-unknown-unknown` works with Debian's rustc.
# * cargo-leptos 0.3.11 needs rustc >= 1.96 and rustup's stable is 1.95 here, so we use the
#   Debian compiler for everything (server, wasm, tools): one compiler means the build cache is
#   never thrown away by a toolchain switch. WASM_ROUTE=rustup uses rustup's toolchain instead.
# * cargo-leptos downloads wasm-bindgen and wasm-opt from GitHub unless they are on PATH, so we
#   install wasm-bindgen-cli from crates.io (its version must equal the wasm-bindgen crate in
#   Cargo.lock) and wasm-opt from npm's `binaryen` package.
# * Browser tests use Debian's Chromium driven by playwright-core (no browser downloads).
#
# Knobs: WASM_ROUTE=debian|rustup|auto (default debian), INSTALL_BROWSER=1, INSTALL_POSTGRES=1,
#        CARGO_LEPTOS_VERSION=0.3.11, BINARYEN_NPM_VERSION=132.0.0
# Writes: $TALAP_ENV_FILE (default ~/.config/talap/toolchain.env) to be sourced by the other scripts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WASM_ROUTE="${WASM_ROUTE:-debian}"
CARGO_LEPTOS_VERSION="${CARGO_LEPTOS_VERSION:-0.3.11}"
BINARYEN_NPM_VERSION="${BINARYEN_NPM_VERSION:-132.0.0}"
INSTALL_BROWSER="${INSTALL_BROWSER:-1}"
INSTALL_POSTGRES="${INSTALL_POSTGRES:-1}"
ENV_FILE="${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
TARGET=wasm32-unknown-unknown
DEB_TC=debian

log() { printf '\n==> %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

export PATH="$HOME/.cargo/bin:$PATH"
unset RUSTFLAGS CARGO_BUILD_TARGET RUSTUP_TOOLCHAIN || true

APT_UPDATED=0
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$APT_UPDATED" = 0 ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
}

# 1. Debian packages: compiler 1.96, std source, wasm linker, C toolchain, node.
apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22 build-essential pkg-config curl ca-certificates
have node || apt_install nodejs
have npm || apt_install npm
[ -x /usr/bin/rust-lld ] || $SUDO ln -sf lld-22 /usr/bin/rust-lld

if have rustup; then
  rustup toolchain list | grep -q "^${DEB_TC}\b" || rustup toolchain link "$DEB_TC" /usr
  DCARGO=(cargo "+$DEB_TC")
else
  DCARGO=(/usr/bin/cargo); WASM_ROUTE=debian
fi

smoke_wasm() {  # proves a toolchain links a wasm32 binary that uses std
  local d rc=0; d="$(mktemp -d)"; mkdir -p "$d/src"
  printf '[package]\nname="wasmsmoke"\nversion="0.0.0"\nedition="2021"\n[lib]\ncrate-type=["cdylib"]\n' >"$d/Cargo.toml"
  printf '#[unsafe(no_mangle)]\npub extern "C" fn f(n: usize) -> usize { let v: Vec<String> = (0..n).map(|i| format!("{i}")).collect(); v.len() }\n' >"$d/src/lib.rs"
  (cd "$d" && "$@" build --release --offline --target "$TARGET" -q) >/dev/null 2>&1 || rc=$?
  rm -rf "$d"; return $rc
}

# 2. The wasm32 std.
CHOSEN=""
if [ "$WASM_ROUTE" = rustup ] || [ "$WASM_ROUTE" = auto ]; then
  if timeout 30 rustup target add "$TARGET" && smoke_wasm cargo; then CHOSEN=rustup
  elif [ "$WASM_ROUTE" = rustup ]; then echo "rustup route failed" >&2; exit 1; fi
fi
if [ -z "$CHOSEN" ]; then
  CHOSEN=debian
  LIBDIR="$(/usr/bin/rustc --print target-libdir --target "$TARGET")"
  STAMP="$LIBDIR/.built-by"; WANT="$(/usr/bin/rustc -vV | tr '\n' ' ')"
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ]; then
    log "wasm32 std for Debian rustc already in $LIBDIR"
  else
    log "building the wasm32 std with Debian rustc (-Zbuild-std, ~3 min)"
    B="$(mktemp -d)"
    printf '[package]\nname="stdbuild"\nversion="0.0.0"\nedition="2021"\n[lib]\npath="lib.rs"\n[profile.release]\nopt-level=3\ndebug=false\n' >"$B/Cargo.toml"
    echo '#![no_std]' >"$B/lib.rs"
    # -Cembed-bitcode=yes keeps LLVM bitcode in the rlibs so `lto = true` profiles work.
    (cd "$B" && RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Cembed-bitcode=yes" "${DCARGO[@]}" build --release \
        -Zbuild-std=std,panic_abort,panic_unwind --target "$TARGET")
    $SUDO rm -rf "$LIBDIR"; $SUDO mkdir -p "$LIBDIR"
    find "$B/target/$TARGET/release/deps" -maxdepth 1 \( -name '*.rlib' -o -name '*.rmeta' \) \
      ! -name 'libstdbuild-*' -exec $SUDO cp {} "$LIBDIR/" \;
    echo -n "$WANT" | $SUDO tee "$STAMP" >/dev/null
    rm -rf "$B"
    smoke_wasm "${DCARGO[@]}" || { echo "wasm smoke build with Debian rustc FAILED" >&2; exit 1; }
  fi
fi
if [ "$CHOSEN" = debian ]; then export RUSTUP_TOOLCHAIN=$DEB_TC; fi

# 3. Host tools, skipped when present. cargo-leptos' own release profile is fat LTO with one
# codegen unit, which took ~27 min on 2 cores (issue 18); a build tool gains nothing from that,
# so its install overrides the profile (thin-local LTO, 16 units): see the closing figures in
# README ("How long the first run takes").
if ! cargo-leptos --version 2>/dev/null | grep -qx "cargo-leptos $CARGO_LEPTOS_VERSION"; then
  log "cargo install cargo-leptos $CARGO_LEPTOS_VERSION (once)"
  CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
    "${DCARGO[@]}" install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
fi
WBG="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/[^0-9.]/,""); print; exit}' "$ROOT/Cargo.lock" 2>/dev/null || true)"
WBG="${WBG:-0.2.106}"
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WBG"; then
  log "cargo install wasm-bindgen-cli $WBG (once)"
  "${DCARGO[@]}" install wasm-bindgen-cli --version "$WBG" --locked --force ||
    "${DCARGO[@]}" install wasm-bindgen-cli --version "$WBG" --force
fi
if ! wasm-opt --version 2>/dev/null | grep -q "version ${BINARYEN_NPM_VERSION%%.*}"; then
  log "npm install -g binaryen@$BINARYEN_NPM_VERSION (wasm-opt)"
  $SUDO npm install -g --no-audit --no-fund "binaryen@$BINARYEN_NPM_VERSION" >/dev/null
fi

# 4. Browser tests: Debian's Chromium + playwright-core from npm.
if [ "$INSTALL_BROWSER" = 1 ]; then
  # sqlite3: the save tests read the database of a server they stop and restart (lib.mjs ownServer).
  apt_install chromium fonts-dejavu-core sqlite3
  if [ -f "$ROOT/end2end/package.json" ] && { [ ! -d "$ROOT/end2end/node_modules/playwright-core" ] || [ ! -d "$ROOT/end2end/node_modules/axe-core" ]; }; then
    log "npm ci in end2end/"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund >/dev/null 2>&1 || npm install --no-audit --no-fund >/dev/null)
  fi
fi

# 5. PostgreSQL for the scale-out backend's tests.
if [ "$INSTALL_POSTGRES" = 1 ]; then
  if ! have pg_isready || ! pg_isready -q -h 127.0.0.1 -p 5432; then
    apt_install postgresql
    log "starting PostgreSQL"
    for v in $(ls /etc/postgresql 2>/dev/null); do
      $SUDO pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true
    done
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # The tests connect as talap/talap over TCP (they create and drop their own databases). A
  # password role works whether the cluster trusts local connections or, as Debian's default
  # does, asks TCP clients for a password.
  if pg_isready -q -h 127.0.0.1 -p 5432 && id postgres >/dev/null 2>&1; then
    sql="DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'talap') THEN
         CREATE ROLE talap LOGIN CREATEDB PASSWORD 'talap'; END IF; END \$\$;"
    if [ "$(id -u)" = 0 ]; then
      printf '%s\n' "$sql" | su postgres -c "psql -q -X -v ON_ERROR_STOP=1" >/dev/null || echo "could not create the test role talap" >&2
    else
      printf '%s\n' "$sql" | sudo -u postgres psql -q -X -v ON_ERROR_STOP=1 >/dev/null || echo "could not create the test role talap" >&2
    fi
  fi
fi

mkdir -p "$(dirname "$ENV_FILE")"
{
  echo "# written by scripts/setup.sh: wasm route=$CHOSEN"
  echo 'export PATH="$HOME/.cargo/bin:$PATH"'
  if [ "$CHOSEN" = debian ]; then echo "export RUSTUP_TOOLCHAIN=$DEB_TC"; else echo "unset RUSTUP_TOOLCHAIN"; fi
  echo "export CHROMIUM_PATH=/usr/bin/chromium"
} >"$ENV_FILE"
log "toolchain ready (route $CHOSEN); env in $ENV_FILE"
