#!/usr/bin/env bash
# Talap as a cluster on this machine (issue 17): PostgreSQL, three Garage nodes (an
# S3-compatible object store, replication factor 3), three Talap nodes sharing the database and
# the bucket, and haproxy in front of both. Everything listens on 127.0.0.1 only.
#
#   scripts/cluster.sh up      install and build what is missing, start everything, print the URL
#                              and the demo logins; it stops by itself after TALAP_CLUSTER_HOURS (8)
#   scripts/cluster.sh down    stop everything `up` (or `test`) started
#   scripts/cluster.sh status  what runs
#   scripts/cluster.sh test    a fresh cluster of its own, the failure scenarios of issue 17, then
#                              down; the last line is "N passed, M failed" (exit status 1 if M > 0)
#
# Failures to try by hand (the test uses them): kill-node N, start-node N, kill-garage N,
# start-garage N, restart-postgres.
#
# Ports: haproxy 8080 (Talap) and 3900 (S3); Talap nodes 3101-3103; Garage nodes S3 3910/3920/3930,
# RPC 3911/3921/3931. The first Garage build takes a while (measured on 2 cores: 35 minutes niced
# beside two other builds, two hours beside three); the binary is kept in ~/.cache/talap/garage.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

NODES=(1 2 3)
LB_PORT=8080
S3_PORT=3900
GARAGE_VERSION=2.5.0
GARAGE_ROOT="${TALAP_GARAGE_ROOT:-$HOME/.cache/talap/garage}"
GARAGE="$GARAGE_ROOT/bin/garage"
PG="postgres://talap:talap@127.0.0.1:5432"
BUCKET=talap
# `up` and `test` keep their own state (databases, Garage data), so a test never touches the
# cluster someone is clicking through; `down` stops whichever runs.
MODE_FILE="$ROOT/target/cluster/mode"

node_port() { echo $((3100 + $1)); }
garage_s3_port() { echo $((3900 + 10 * $1)); }
garage_rpc_port() { echo $((3901 + 10 * $1)); }
garage_admin_port() { echo $((3903 + 10 * $1)); }

log() { printf '==> %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

use_mode() {  # test | demo: where the state lives and which database the nodes use
  MODE=$1
  DIR="$ROOT/target/cluster/$MODE"
  DB_NAME="talap_cluster_$MODE"
  mkdir -p "$DIR"
}

# As the role the tests use (scripts/setup.sh creates it with CREATEDB): it owns what it drops.
psql_admin() { psql "$PG/postgres" -q -X -t -A -v ON_ERROR_STOP=1 -c "$1"; }
psql_db() { psql "$PG/$DB_NAME" -q -X -t -A -v ON_ERROR_STOP=1 -c "$1"; }

# ---------------------------------------------------------------------------------------------
# Installing and building
# ---------------------------------------------------------------------------------------------

install_all() {
  INSTALL_BROWSER=0 bash scripts/setup.sh >&2
  if ! have haproxy; then
    log "apt-get install haproxy"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq haproxy >/dev/null
  fi
  have psql || { log "psql missing (scripts/setup.sh installs PostgreSQL)"; exit 1; }
  if ! { [ -x "$GARAGE" ] && "$GARAGE" --version 2>/dev/null | grep -q "$GARAGE_VERSION"; }; then
    log "building Garage $GARAGE_VERSION (AGPL-3.0, a separate program) into $GARAGE_ROOT: about 35 minutes on 2 cores, once"
    local t0=$SECONDS
    # The machine's own cargo (the Debian toolchain that builds the wasm is not needed here).
    env -u RUSTUP_TOOLCHAIN cargo install garage --version "$GARAGE_VERSION" --locked \
      --no-default-features --features bundled-libs,lmdb --root "$GARAGE_ROOT" >&2
    log "Garage built in $(( SECONDS - t0 )) s"
  fi
  # The site (wasm) only for `up`, where people click through it; the test's nodes serve the
  # API, and their binary comes with the load generator's build (bench_bin).
  if [ "${1:-}" = site ]; then bash scripts/build-release.sh >&2; fi
}

# ---------------------------------------------------------------------------------------------
# Garage: three nodes, one zone each, replication factor 3
# ---------------------------------------------------------------------------------------------

garage_cfg() { echo "$DIR/garage$1.toml"; }

write_garage_config() {
  local n=$1 secret
  secret=$(cat "$DIR/rpc_secret")
  mkdir -p "$DIR/garage$n/meta" "$DIR/garage$n/data"
  cat >"$(garage_cfg "$n")" <<CFG
metadata_dir = "$DIR/garage$n/meta"
data_dir = "$DIR/garage$n/data"
db_engine = "lmdb"
replication_factor = 3
rpc_bind_addr = "127.0.0.1:$(garage_rpc_port "$n")"
rpc_public_addr = "127.0.0.1:$(garage_rpc_port "$n")"
rpc_secret = "$secret"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$(garage_s3_port "$n")"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:$(garage_admin_port "$n")"
CFG
}

start_garage() {
  local n=$1
  [ -f "$DIR/rpc_secret" ] || od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$DIR/rpc_secret"
  write_garage_config "$n"
  if alive "$DIR/garage$n.pid"; then return 0; fi
  nohup "$GARAGE" -c "$(garage_cfg "$n")" server >>"$DIR/garage$n.log" 2>&1 &
  echo $! >"$DIR/garage$n.pid"
  wait_port "$(garage_s3_port "$n")" 30 || { log "Garage node $n did not start; see $DIR/garage$n.log"; exit 1; }
}

garage() { "$GARAGE" -c "$(garage_cfg 1)" "$@"; }

# The first start only: connect the nodes, give each a role, create the bucket and the key.
setup_garage() {
  [ -f "$DIR/s3.env" ] && return 0
  log "Garage: joining three nodes, layout with replication factor 3, bucket $BUCKET"
  for n in 2 3; do
    local id
    id=$("$GARAGE" -c "$(garage_cfg "$n")" node id -q 2>/dev/null | head -1)
    garage node connect "$id" >/dev/null
  done
  sleep 2
  for n in "${NODES[@]}"; do
    local id
    id=$("$GARAGE" -c "$(garage_cfg "$n")" node id -q 2>/dev/null | head -1)
    garage layout assign -z "dc$n" -c 1G "${id%@*}" >/dev/null
  done
  garage layout apply --version 1 >/dev/null
  for _ in $(seq 1 30); do garage bucket create "$BUCKET" >/dev/null 2>&1 && break; sleep 1; done
  local key
  key=$(garage key create talap-nodes)
  local key_id secret
  key_id=$(printf '%s\n' "$key" | awk '/Key ID:/ {print $NF; exit}')
  secret=$(printf '%s\n' "$key" | awk '/Secret key:/ {print $NF; exit}')
  [ -n "$key_id" ] && [ -n "$secret" ] || { log "could not read the key Garage made:"; printf '%s\n' "$key" >&2; exit 1; }
  garage bucket allow --read --write --owner "$BUCKET" --key talap-nodes >/dev/null
  printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' "$key_id" "$secret" >"$DIR/s3.env"
}

# Objects in the bucket, as Garage counts them (its counters settle within seconds).
bucket_objects() { garage bucket info "$BUCKET" 2>/dev/null | awk '/Objects:/ {print $NF; exit}'; }

# ---------------------------------------------------------------------------------------------
# haproxy: Talap nodes on 8080 (health-checked on /readyz, round robin, so one candidate's
# requests land on different nodes), Garage's S3 API on 3900
# ---------------------------------------------------------------------------------------------

start_haproxy() {
  cat >"$DIR/haproxy.cfg" <<CFG
global
    # Two descriptors a connection (client and server side) must fit the open-file limit.
    maxconn 8000

defaults
    mode http
    timeout connect 2s
    timeout client 310s
    timeout server 310s
    timeout http-keep-alive 60s
    # A node that refused the connection never saw the request: try another one.
    retries 3
    option redispatch 1
    retry-on conn-failure

frontend talap
    bind 127.0.0.1:$LB_PORT
    option forwardfor
    default_backend talap_nodes

backend talap_nodes
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter 1s fall 2 rise 2
$(for n in "${NODES[@]}"; do echo "    server node$n 127.0.0.1:$(node_port "$n") check"; done)

frontend s3
    bind 127.0.0.1:$S3_PORT
    default_backend garage_nodes

backend garage_nodes
    balance roundrobin
    default-server inter 1s fall 2 rise 2
$(for n in "${NODES[@]}"; do echo "    server garage$n 127.0.0.1:$(garage_s3_port "$n") check"; done)
CFG
  if alive "$DIR/haproxy.pid"; then kill "$(cat "$DIR/haproxy.pid")" 2>/dev/null || true; sleep 1; fi
  haproxy -q -f "$DIR/haproxy.cfg" -D -p "$DIR/haproxy.pid"
}

# ---------------------------------------------------------------------------------------------
# Talap nodes
# ---------------------------------------------------------------------------------------------

start_node() {
  local n=$1
  if alive "$DIR/node$n.pid"; then return 0; fi
  (
    set -a
    # shellcheck disable=SC1091
    . "$DIR/s3.env"
    set +a
    export DATABASE_URL="$PG/$DB_NAME" TALAP_LISTEN="127.0.0.1:$(node_port "$n")" TALAP_PUBLIC_URL="http://127.0.0.1:$LB_PORT"
    export TALAP_MEDIA_URL="s3://$BUCKET" AWS_ENDPOINT="http://127.0.0.1:$S3_PORT" AWS_REGION=garage AWS_ALLOW_HTTP=true
    export TALAP_TRUSTED_PROXIES=1 TALAP_DEMO=true LEPTOS_SITE_ROOT="$ROOT/target/site" TALAP_CONFIG=/nonexistent.toml
    # Not RUST_LOG: a node restarted from the load generator (BENCH_CHAOS) would inherit its level.
    export RUST_LOG="${TALAP_CLUSTER_LOG:-info,sqlx=warn}" NO_COLOR=1
    exec nohup "${TALAP_CLUSTER_BIN:-$ROOT/target/release/talap}" >>"$DIR/node$n.log" 2>&1
  ) &
  echo $! >"$DIR/node$n.pid"
}

ready() { curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$1/readyz" 2>/dev/null; }

wait_ready() {  # port timeout_s
  for _ in $(seq 1 "$2"); do ready "$1" && return 0; sleep 1; done
  return 1
}

wait_port() {  # port timeout_s
  for _ in $(seq 1 $(( $2 * 4 ))); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.25; done
  return 1
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {  # pidfile signal
  if alive "$1"; then
    local pid; pid=$(cat "$1")
    kill "-${2:-TERM}" "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    for v in $(ls /etc/postgresql 2>/dev/null); do $SUDO pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || true; done
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  pg_isready -q -h 127.0.0.1 -p 5432 || { log "PostgreSQL is not running on 127.0.0.1:5432"; exit 1; }
}

create_database() {  # fresh=1 drops it first
  if [ "${1:-0}" = 1 ]; then psql_admin "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null; fi
  if [ -z "$(psql_admin "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]; then
    psql_admin "CREATE DATABASE $DB_NAME" >/dev/null
  fi
}

start_all() {  # fresh=1: new database and Garage state
  local fresh=${1:-0}
  ensure_postgres
  if [ "$fresh" = 1 ]; then rm -rf "$DIR"; mkdir -p "$DIR"; fi
  create_database "$fresh"
  for n in "${NODES[@]}"; do start_garage "$n"; done
  setup_garage
  start_haproxy
  # All three at the same moment: on an empty database they race to migrate it.
  for n in "${NODES[@]}"; do start_node "$n"; done
  for n in "${NODES[@]}"; do
    wait_ready "$(node_port "$n")" 180 || { log "node $n is not ready; see $DIR/node$n.log"; tail -20 "$DIR/node$n.log" >&2; exit 1; }
  done
  wait_ready "$LB_PORT" 30 || { log "haproxy does not reach the nodes"; exit 1; }
}

stop_all() {
  local mode_dir
  for mode_dir in "$ROOT"/target/cluster/*/; do
    [ -d "$mode_dir" ] || continue
    for n in "${NODES[@]}"; do stop_pid "$mode_dir/node$n.pid"; done
    stop_pid "$mode_dir/haproxy.pid"
    for n in "${NODES[@]}"; do stop_pid "$mode_dir/garage$n.pid"; done
    stop_pid "$mode_dir/watchdog.pid" KILL
  done
}

print_welcome() {
  echo
  echo "  Talap cluster: http://127.0.0.1:$LB_PORT (haproxy -> nodes on 3101, 3102, 3103; PostgreSQL $DB_NAME;"
  echo "  media in Garage bucket '$BUCKET' via 127.0.0.1:$S3_PORT). Stops by itself in ${TALAP_CLUSTER_HOURS:-8} h,"
  echo "  or now with: scripts/cluster.sh down"
  # The demo logins as the first node printed them.
  sed -n '/Demo logins/,/^$/p' "$DIR/node1.log" | head -20
}

# ---------------------------------------------------------------------------------------------
# Failures, by hand or from the test's load generator (BENCH_CHAOS)
# ---------------------------------------------------------------------------------------------

current_mode() { use_mode "$(cat "$MODE_FILE" 2>/dev/null || echo demo)"; }

kill_node() { current_mode; log "kill -9 Talap node $1"; stop_pid "$DIR/node$1.pid" KILL; }
kill_garage() { current_mode; log "kill -9 Garage node $1"; stop_pid "$DIR/garage$1.pid" KILL; }
restart_postgres() {
  log "restarting PostgreSQL"
  for v in $(ls /etc/postgresql 2>/dev/null); do $SUDO pg_ctlcluster --skip-systemctl-redirect "$v" main restart -m fast; done
  for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
}

# ---------------------------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------------------------

PASSED=0 FAILED=0
verdict() {  # name, then the command that decides
  local name=$1; shift
  if "$@"; then PASSED=$((PASSED + 1)); echo "PASS  $name"; else FAILED=$((FAILED + 1)); echo "FAIL  $name"; fi
}

metric_sum() {  # the sum of a counter over the nodes
  local total=0 v
  for n in "${NODES[@]}"; do
    v=$(curl -fsS --max-time 5 "http://127.0.0.1:$(node_port "$n")/metrics" | awk -v m="$1" '$1 == m {print $2}')
    total=$(( total + ${v:-0} ))
  done
  echo "$total"
}

check_migrated_once() {
  local applied distinct files orgs
  applied=$(psql_db "SELECT COUNT(*) FROM _sqlx_migrations")
  distinct=$(psql_db "SELECT COUNT(DISTINCT version) FROM _sqlx_migrations WHERE success")
  files=$(ls migrations/postgres/*.sql | wc -l)
  orgs=$(psql_db "SELECT COUNT(*) FROM organisations")
  echo "      migrations applied $applied (distinct $distinct, files $files); demo organisations $orgs (8 when loaded once)"
  for n in "${NODES[@]}"; do alive "$DIR/node$n.pid" || { echo "      node $n exited"; return 1; }; done
  [ "$applied" = "$files" ] && [ "$distinct" = "$files" ] && [ "$orgs" = 8 ]
}

me_on() {  # port cookiejar -> the signed-in login or "none"
  curl -fsS --max-time 5 -b "$2" -X POST -H 'accept: application/json' "http://127.0.0.1:$1/api/auth/me" \
    | sed -n 's/.*"login":"\([^"]*\)".*/\1/p' | grep . || echo none
}

check_sessions() {
  local jar="$DIR/cookies" ok=0 a b c
  rm -f "$jar"
  curl -fsS --max-time 10 -c "$jar" -X POST -H 'accept: application/json' \
    --data-urlencode login=teacher --data-urlencode password=talap-demo-2026 "http://127.0.0.1:3101/api/auth/login" >/dev/null || return 1
  a=$(me_on 3101 "$jar"); b=$(me_on 3102 "$jar"); c=$(me_on 3103 "$jar")
  echo "      signed in on node 1; the session on nodes 1, 2, 3: $a, $b, $c"
  [ "$a" = teacher ] && [ "$b" = teacher ] && [ "$c" = teacher ] || ok=1
  curl -fsS --max-time 10 -b "$jar" -X POST -H 'accept: application/json' "http://127.0.0.1:3103/api/auth/logout" >/dev/null || return 1
  a=$(me_on 3101 "$jar"); b=$(me_on 3102 "$jar"); c=$(me_on 3103 "$jar")
  echo "      signed out on node 3; the session on nodes 1, 2, 3: $a, $b, $c"
  [ "$a" = none ] && [ "$b" = none ] && [ "$c" = none ] || ok=1
  return $ok
}

# Builds the load generator and, with it (cargo builds a package's binaries for its benches),
# the release `talap` the nodes run. Prints the generator's path.
bench_bin() {
  # shellcheck disable=SC1090
  . "${TALAP_ENV_FILE:-$HOME/.config/talap/toolchain.env}"
  LEPTOS_OUTPUT_NAME=talap cargo bench -p server --bench examday --no-run --message-format=json \
    | grep -o '"executable":"[^"]*examday[^"]*"' | tail -1 | cut -d'"' -f4
}

# One run of the exam-day load generator against haproxy; its RESULT line is kept in $RESULT.
RESULT=""
exam_run() {  # tag seconds chaos
  local tag=$1 seconds=$2 chaos=$3 out="$DIR/bench-$1.log"
  log "exam with proctoring: ${CANDIDATES} candidates, $seconds s, through haproxy; chaos: $chaos"
  ( ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    BENCH_TARGET="http://127.0.0.1:$LB_PORT" BENCH_DATABASE_URL="$PG/$DB_NAME" BENCH_TAG="$tag" \
    BENCH_NODES="http://127.0.0.1:3101,http://127.0.0.1:3102,http://127.0.0.1:3103" \
    BENCH_CANDIDATES="$CANDIDATES" BENCH_SECONDS="$seconds" BENCH_PHASES=start,steady BENCH_CEILING_SECONDS=2 \
    BENCH_HANDIN_SECONDS=30 BENCH_CHAOS="$chaos" RUST_LOG=error LEPTOS_OUTPUT_NAME=talap \
    "$BENCH" --bench ) >"$out" 2>&1 || true
  grep -E '^  (check|chaos|requests that met)|^(steady|hand-in|start):' "$out" | sed 's/^/      /'
  RESULT=$(grep '^RESULT examday' "$out" | tail -1)
  echo "      ${RESULT:-no RESULT line: see $out}"
}

field() { printf '%s\n' "$RESULT" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }

exam_held() {  # every acknowledged write stored once, readable from every node, nobody left out
  [ -n "$RESULT" ] && [ "$(field lost)" = 0 ] && [ "$(field doubled)" = 0 ] && [ "$(field unreadable)" = 0 ] \
    && [ "$(field errors)" = 0 ] && [ "$(field not_handed_in)" = 0 ]
}

all_nodes_ready() {
  for n in "${NODES[@]}"; do wait_ready "$(node_port "$n")" 60 || { echo "      node $n not ready"; return 1; }; done
}

check_outbox_once() {
  local before after sent logged subject="cluster test $(date +%s)"
  before=$(metric_sum talap_outbox_sent_total)
  psql_db "INSERT INTO outbox (channel, recipient, subject, body, next_attempt_at, created_at)
           SELECT 'email', 'cluster' || g || '@example.kz', '$subject', 'message ' || g, 0, 0 FROM generate_series(1, 300) g" >/dev/null
  for _ in $(seq 1 120); do
    [ "$(psql_db "SELECT COUNT(*) FROM outbox WHERE subject = '$subject' AND status <> 'sent'")" = 0 ] && break
    sleep 1
  done
  after=$(metric_sum talap_outbox_sent_total)
  sent=$(psql_db "SELECT COUNT(*) FROM outbox WHERE subject = '$subject' AND status = 'sent'")
  # Demo mode delivers to the log: one line per delivery, whichever node made it.
  logged=$(cat "$DIR"/node*.log | grep 'no SMTP configured' | grep -c "$subject" || true)
  echo "      300 messages queued: $sent marked sent; the nodes' counters rose by $(( after - before )); deliveries in the logs: $logged"
  [ "$sent" = 300 ] && [ $(( after - before )) = 300 ] && [ "$logged" = 300 ]
}

check_recheck_once() {
  local before_c before_r after_c after_r
  before_c=$(metric_sum talap_recheck_checked_frames_total); before_r=$(metric_sum talap_recheck_recorded_frames_total)
  psql_db "UPDATE proctor_evidence SET recheck = 'due', recheck_lease = NULL, faces_server = NULL,
             received_at = (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT
           WHERE id IN (SELECT x.id FROM proctor_evidence x JOIN exam_attempts a ON a.id = x.attempt_id JOIN exams e ON e.id = a.exam_id
                        WHERE e.title = 'Bench olympiad stage' AND x.kind = 'webcam' AND x.purged_at IS NULL ORDER BY x.id LIMIT 600)" >/dev/null
  for _ in $(seq 1 180); do
    [ "$(psql_db "SELECT COUNT(*) FROM proctor_evidence WHERE recheck = 'due'")" = 0 ] && break
    sleep 1
  done
  after_c=$(metric_sum talap_recheck_checked_frames_total); after_r=$(metric_sum talap_recheck_recorded_frames_total)
  echo "      600 snapshots queued for the server's re-check: checked $(( after_c - before_c )), recorded $(( after_r - before_r )) over the nodes; still due $(psql_db "SELECT COUNT(*) FROM proctor_evidence WHERE recheck = 'due'")"
  [ $(( after_c - before_c )) = 600 ] && [ $(( after_r - before_r )) = 600 ]
}

check_purge_once() {
  local images objects_before objects_after purged logged
  # The load generator's exams (the demo's stay as they are).
  local bench="SELECT id FROM exams WHERE title = 'Bench olympiad stage'"
  local left="SELECT COUNT(*) FROM proctor_evidence x JOIN exam_attempts a ON a.id = x.attempt_id WHERE a.exam_id IN ($bench) AND x.purged_at IS NULL"
  images=$(psql_db "$left")
  objects_before=$(bucket_objects)
  psql_db "UPDATE exams SET closes_at = (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT - 2 * 86400000, retention_days = 1 WHERE id IN ($bench)" >/dev/null
  # Every node runs the purge when it starts (then hourly): all three at the same moment.
  local stops=()
  for n in "${NODES[@]}"; do stop_pid "$DIR/node$n.pid" TERM & stops+=($!); done
  wait "${stops[@]}"
  for n in "${NODES[@]}"; do start_node "$n"; done
  all_nodes_ready || return 1
  for _ in $(seq 1 300); do
    [ "$(psql_db "$left")" = 0 ] && break
    sleep 1
  done
  purged=$(metric_sum talap_purged_images_total)
  logged=$(psql_db "SELECT COALESCE(SUM(images), 0) FROM proctor_purges WHERE exam_id IN ($bench)")
  for _ in $(seq 1 30); do
    objects_after=$(bucket_objects)
    [ "${objects_after:-x}" = $(( ${objects_before:-0} - images )) ] && break
    sleep 2
  done
  echo "      $images images past retention: the nodes purged $purged (sum of their counters), the purge log counts $logged; objects in the bucket $objects_before -> $objects_after"
  [ "$purged" = "$images" ] && [ "$logged" = "$images" ] && [ "$objects_after" = $(( objects_before - images )) ]
}

run_test() {
  CANDIDATES=${TALAP_CLUSTER_CANDIDATES:-2000}
  local t0=$SECONDS
  # TALAP_CLUSTER_BENCH: an exam-day bench binary built already (then target/release/talap
  # must be the same build).
  if [ -n "${TALAP_CLUSTER_BENCH:-}" ]; then BENCH=$TALAP_CLUSTER_BENCH; else
    log "building the load generator (the exam-day bench)"
    BENCH=$(bench_bin)
  fi
  [ -x "$BENCH" ] || { log "could not build the exam-day bench"; exit 1; }
  stop_all
  use_mode test
  echo test >"$MODE_FILE"
  trap 'stop_all' EXIT
  log "a fresh cluster: empty database $DB_NAME, new Garage nodes; the three Talap nodes start at the same moment"
  start_all 1
  echo "cluster up in $(( SECONDS - t0 )) s"
  verdict "three nodes starting at once on an empty database migrate it once and load the demo once" check_migrated_once
  verdict "a session made on one node is valid on the others; signed out on one, refused by all" check_sessions

  exam_run d 60 ""
  verdict "an exam through haproxy with nothing failing: every acknowledged write stored once, every image readable from every node" exam_held

  exam_run a "${TALAP_CLUSTER_SECONDS:-120}" "30=scripts/cluster.sh kill-node 2;90=scripts/cluster.sh start-node 2"
  verdict "Talap node 2 killed (kill -9) at 30 s and back at 90 s: every acknowledged answer and upload stored once, every image readable from every node, every candidate handed in" exam_held

  exam_run b 60 "15=scripts/cluster.sh kill-garage 3;45=scripts/cluster.sh start-garage 3"
  verdict "Garage node 3 killed at 15 s and back at 45 s: uploads went on and nothing is missing" exam_held

  exam_run c 60 "20=scripts/cluster.sh restart-postgres"
  verdict "PostgreSQL restarted at 20 s: nodes reconnected, acknowledged writes survived, nothing reported saved that was not" exam_held
  verdict "after the PostgreSQL restart every node is ready" all_nodes_ready

  verdict "the outbox sends each message once across the cluster" check_outbox_once
  verdict "the evidence re-check queue checks each frame once across the cluster" check_recheck_once
  verdict "the retention purge deletes each image once across the cluster" check_purge_once

  echo "cluster test took $(( SECONDS - t0 )) s; logs in $DIR"
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ]
}

case "${1:-}" in
  up)
    install_all site
    stop_all
    use_mode demo
    echo demo >"$MODE_FILE"
    start_all 0
    # Stops by itself: nothing is left running on a shared machine.
    ( sleep $(( ${TALAP_CLUSTER_HOURS:-8} * 3600 )); exec bash "$ROOT/scripts/cluster.sh" down ) >/dev/null 2>&1 &
    echo $! >"$DIR/watchdog.pid"
    print_welcome
    ;;
  down) stop_all; echo "cluster stopped" ;;
  status)
    current_mode
    for n in "${NODES[@]}"; do
      printf 'talap node %s (:%s): %s\n' "$n" "$(node_port "$n")" "$(ready "$(node_port "$n")" && echo ready || echo down)"
      printf 'garage node %s (:%s): %s\n' "$n" "$(garage_s3_port "$n")" "$(alive "$DIR/garage$n.pid" && echo running || echo down)"
    done
    printf 'haproxy (:%s): %s\n' "$LB_PORT" "$(alive "$DIR/haproxy.pid" && echo running || echo down)"
    ;;
  # TALAP_CLUSTER_NO_INSTALL=1: everything is installed and built already (skips setup.sh).
  test) [ "${TALAP_CLUSTER_NO_INSTALL:-0}" = 1 ] || install_all; run_test ;;
  # The object store and the balancer alone (what `test` starts first), for trying Garage.
  storage-up) use_mode test; echo test >"$MODE_FILE"; for n in "${NODES[@]}"; do start_garage "$n"; done; setup_garage; start_haproxy; garage status ;;
  kill-node) kill_node "$2" ;;
  start-node) current_mode; log "starting Talap node $2"; start_node "$2"; wait_ready "$(node_port "$2")" 120 ;;
  kill-garage) kill_garage "$2" ;;
  start-garage) current_mode; log "starting Garage node $2"; start_garage "$2" ;;
  restart-postgres) restart_postgres ;;
  *) sed -n '2,18p' "$0"; exit 2 ;;
esac
