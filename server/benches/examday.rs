//! Exam-day load test (issue 5, "olympiad"): one process plays the people of an olympiad
//! against the real server on 127.0.0.1, phase by phase, and prints what each phase measured.
//!
//! As in `ingest.rs`, the server runs in this process on its own tokio runtime (threads named
//! "server"), the load generator on another ("client"), and both share the machine's cores. So
//! every phase prints the CPU of each side separately (per thread name, from
//! /proc/self/task/*/stat), of SQLite's worker threads, of the PostgreSQL processes, and of the
//! rest of the machine, besides the process's peak memory (VmHWM, reset at each phase start).
//! On PostgreSQL the start and the steady phase also print the tables whose sequential scans
//! read the most rows (pg_stat_user_tables), so a query that stopped using its index shows.
//!
//! Phases, in this order (BENCH_PHASES picks some; the ceiling always runs, and `steady` needs
//! the attempts `start` creates, so it runs `start` too):
//! - **ceiling**: GET /healthz closed-loop at BENCH_CONCURRENCY, and as a burst of
//!   BENCH_CANDIDATES requests released at once (the shape of the synchronised start): what a
//!   trivial request costs here, so every later figure also reads as a ratio to it.
//! - **login**: POST /api/auth/login closed-loop at BENCH_CONCURRENCY for BENCH_LOGIN_SECONDS:
//!   the sign-ins per second one node sustains (each verifies a real argon2 hash), and how long
//!   BENCH_CANDIDATES of them take at that rate. The later phases use sessions inserted directly
//!   in the database instead, so the run does not spend 15 000 argon2 verifications.
//! - **start**: BENCH_CANDIDATES candidates of one proctored test exam (BENCH_QUESTIONS
//!   single-choice questions drawn from a bank of BENCH_BANK) wait behind a watch channel and
//!   are released at once to POST /api/exam/start. Target: p99 < 3 s.
//! - **steady**: every candidate on its own schedule with a random phase, for BENCH_SECONDS,
//!   open-loop (requests fire when due, however slow the server is): the paper every 30-90 s,
//!   an answer every 30 s, a webcam snapshot every 30 s and a screenshot every 60 s (real JPEG
//!   bytes of realistic size, fresh idempotency keys); then everyone hands in over
//!   BENCH_HANDIN_SECONDS. Afterwards the database is checked: every acknowledged answer and
//!   upload must be stored exactly once (lost = acknowledged - stored). Targets: zero lost,
//!   autosave (answer) p99 < 100 ms.
//! - **register**: BENCH_REG_SESSIONS teachers arrive over BENCH_REG_RAMP seconds on the public
//!   registration flow, each as a person would: the page /olympiad/register, about
//!   BENCH_REG_THINK seconds of typing, a school search (`find_schools`), BENCH_REG_THINK more,
//!   then `register_teacher` with a unique valid IIN, email and phone. With the defaults nearly
//!   all 10 000 sessions are open at once. It runs last: its backlog of password hashes would
//!   otherwise still be draining when the next phase starts.
//!
//! A watchdog thread ends the run when the machine's available memory falls below
//! BENCH_MIN_FREE_MB, after printing what the running phase measured so far. Each argon2 run
//! holds 19 MiB; before the server ran one per core at a time (`auth::ssr::argon2_permits`),
//! a registration rush started up to 512 on tokio's blocking pool and grew the process by
//! gigabytes. The watchdog stays as the bench's own guard for the machine it runs on.
//!
//! Latencies count from when a request was due (open loop: time spent waiting for the
//! in-flight cap, BENCH_INFLIGHT, counts too; each phase says how often the cap was reached).
//! Connections are pooled by the load generator, as a load balancer in front of the node would
//! pool them, and every simulated person sends its own X-Forwarded-For address (the server is
//! configured to trust it, as behind that load balancer): otherwise 10 000 teachers would share
//! one address and the per-address limits would refuse all but the first 30.
//!
//! Run it with `scripts/bench-examday.sh` (release build). Options (environment):
//! BENCH_DATABASE_URL (default: a fresh SQLite file in a temp folder; a postgres:// URL to an
//! empty database runs it on PostgreSQL), BENCH_PHASES (login,start,steady,register),
//! BENCH_CANDIDATES (20000), BENCH_SECONDS (120), BENCH_REG_SESSIONS (10000), BENCH_REG_RAMP
//! (120), BENCH_REG_THINK (60), BENCH_SCHOOLS (7000), BENCH_CONCURRENCY (64),
//! BENCH_LOGIN_SECONDS (20), BENCH_CEILING_SECONDS (10), BENCH_INFLIGHT (from the open-file
//! limit: 6000 here), BENCH_HANDIN_SECONDS (30), BENCH_DB_CONNECTIONS (16, the server's
//! default), BENCH_TIMEOUT (300 s per request), BENCH_RECHECK (20, percent of unflagged
//! snapshots the server re-checks), BENCH_BANK (60), BENCH_QUESTIONS (20), BENCH_MIN_FREE_MB
//! (3072), BENCH_SEED (1), BENCH_SIGNIN_WINDOW_MIN (20: the sign-in window before the start).
//!
//! Against a running cluster (`scripts/cluster.sh test`, issue 17) instead of a server in this
//! process: BENCH_TARGET (the load balancer's URL; BENCH_DATABASE_URL must then name the
//! cluster's database, where the exam and its candidates are written as above, under logins
//! bench<BENCH_TAG>.*), BENCH_NODES (the nodes' own URLs, comma-separated: afterwards every
//! stored image is read back through each of them), BENCH_RETRY_SECONDS (how long a request
//! that met no answer, a 5xx or a dropped connection, is sent again, as the browser's queues
//! do: 300 with a target, else 0) and BENCH_CHAOS ("SECONDS=COMMAND;..." run by `sh -c` that
//! many seconds into the steady state: kill a node, restart the database).

use rand::{Rng, SeedableRng};
use reqwest::header::HeaderMap;
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type Res<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The password of every generated account (hashed once with the app's own argon2 settings).
const PASSWORD: &str = "Olympiad-2027-pass";
const CAMPAIGN_TITLE: &str = "Bench olympiad 2027";
const SUBJECT: &str = "Математика";
const TOPIC: &str = "Olympiad";
/// The targets of issues 5 and 16.
const TARGET_REG_SESSIONS: usize = 10_000;
const TARGET_START_P99_MS: f64 = 3_000.0;
const TARGET_ANSWER_P99_MS: f64 = 100.0;
const TARGET_UPLOAD_P99_MS: f64 = 300.0;
const TARGET_HANDIN_P99_MS: f64 = 1_000.0;
const TARGET_SERVER_CPU_PCT: f64 = 75.0;
const TARGET_CANDIDATES: usize = 20_000;

// ---------------------------------------------------------------------------------------------
// Knobs
// ---------------------------------------------------------------------------------------------

fn env_n(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

struct Knobs {
    phases: Vec<String>,
    candidates: usize,
    seconds: f64,
    reg_sessions: usize,
    reg_ramp: f64,
    reg_think: f64,
    schools: usize,
    concurrency: usize,
    login_seconds: f64,
    ceiling_seconds: f64,
    inflight: usize,
    handin_seconds: f64,
    db_connections: u32,
    timeout: u64,
    recheck: i64,
    bank: usize,
    questions: usize,
    seed: u64,
    signin_window_min: f64,
    min_free_mb: u64,
    target: Option<String>,
    nodes: Vec<String>,
    retry_seconds: u64,
    chaos: Vec<(f64, String)>,
    tag: String,
}

impl Knobs {
    fn from_env() -> Knobs {
        let phases = std::env::var("BENCH_PHASES").unwrap_or_else(|_| "login,start,steady,register".into());
        Knobs {
            phases: phases.split(',').map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty()).collect(),
            candidates: env_n("BENCH_CANDIDATES", TARGET_CANDIDATES).max(1),
            seconds: env_n("BENCH_SECONDS", 120) as f64,
            reg_sessions: env_n("BENCH_REG_SESSIONS", 10_000),
            reg_ramp: env_n("BENCH_REG_RAMP", 120) as f64,
            reg_think: env_n("BENCH_REG_THINK", 60) as f64,
            schools: env_n("BENCH_SCHOOLS", 7_000).max(1),
            concurrency: env_n("BENCH_CONCURRENCY", 64).max(1),
            login_seconds: env_n("BENCH_LOGIN_SECONDS", 20) as f64,
            ceiling_seconds: env_n("BENCH_CEILING_SECONDS", 10) as f64,
            inflight: env_n("BENCH_INFLIGHT", default_inflight()).max(1),
            handin_seconds: env_n("BENCH_HANDIN_SECONDS", 30) as f64,
            db_connections: env_n("BENCH_DB_CONNECTIONS", 16).max(1) as u32,
            timeout: env_n("BENCH_TIMEOUT", 300) as u64,
            recheck: env_n("BENCH_RECHECK", 20) as i64,
            bank: env_n("BENCH_BANK", 60).max(1),
            questions: env_n("BENCH_QUESTIONS", 20).max(1),
            seed: env_n("BENCH_SEED", 1) as u64,
            signin_window_min: env_n("BENCH_SIGNIN_WINDOW_MIN", 20).max(1) as f64,
            min_free_mb: env_n("BENCH_MIN_FREE_MB", 3072) as u64,
            target: std::env::var("BENCH_TARGET").ok().map(|t| t.trim_end_matches('/').to_string()).filter(|t| !t.is_empty()),
            nodes: std::env::var("BENCH_NODES")
                .unwrap_or_default()
                .split(',')
                .map(|n| n.trim().trim_end_matches('/').to_string())
                .filter(|n| !n.is_empty())
                .collect(),
            retry_seconds: env_n("BENCH_RETRY_SECONDS", if std::env::var("BENCH_TARGET").is_ok() { 300 } else { 0 }) as u64,
            chaos: std::env::var("BENCH_CHAOS")
                .unwrap_or_default()
                .split(';')
                .filter_map(|e| {
                    let (at, cmd) = e.split_once('=')?;
                    Some((at.trim().parse().ok()?, cmd.trim().to_string()))
                })
                .collect(),
            tag: std::env::var("BENCH_TAG").unwrap_or_default(),
        }
    }

    fn wants(&self, phase: &str) -> bool {
        self.phases.iter().any(|p| p == phase)
    }
}

/// The default in-flight cap: as many connections as the open-file limit allows. Server and
/// load generator share this process, so each connection costs two descriptors (one per side);
/// 2 000 are left for the database, media files and the runtime. 9 000 with the 20 000 here.
fn default_inflight() -> usize {
    let soft = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|l| l.lines().find(|l| l.starts_with("Max open files"))?.split_whitespace().nth(3)?.parse::<usize>().ok())
        .unwrap_or(4096);
    // Each connection costs two descriptors (one per side), and the server needs its own for
    // files being written (32 upload turns per core), the database and the burst phases'
    // extra connections: with half the limit for connections (9 000 of 20 000) the server ran
    // out ("accept error: Too many open files") and refused connections mid-run.
    (soft * 3 / 10).clamp(256, 10_000)
}

// ---------------------------------------------------------------------------------------------
// Main: generate, start the server, run the phases
// ---------------------------------------------------------------------------------------------

fn main() -> Res<()> {
    let k = Knobs::from_env();
    let tmp = tempfile::tempdir()?;
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/bench.db?mode=rwc", tmp.path().display()));
    let media_dir = tmp.path().join("media");
    print_machine(&k);
    spawn_watchdog(k.min_free_mb);
    // The server's own warnings and errors (a failed statement, a batch written again one by
    // one) go to stderr, as the `talap` binary logs them; RUST_LOG as there (warn by default).
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();

    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("client")
        .thread_keep_alive(Duration::from_secs(3600))
        .build()?;
    let (db, base, world, media_dir) = match &k.target {
        // A running cluster: its database gets the exam, the requests go to its load balancer.
        Some(target) => {
            let url = std::env::var("BENCH_DATABASE_URL").map_err(|_| "BENCH_TARGET needs BENCH_DATABASE_URL (the cluster's database)")?;
            let (db, world) = client_rt.block_on(async {
                let db = app::db::Db::connect(&url, k.db_connections).await?;
                *BACKEND.lock().unwrap() = format!("{:?}", db.backend);
                let world = generate(&db, &k).await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>((db, world))
            })?;
            *RECHECK.lock().unwrap() = app::proctor::recheck::Budget::default_for_node();
            println!("target: {target} (nodes: {})", if k.nodes.is_empty() { "not given".to_string() } else { k.nodes.join(", ") });
            (db, target.clone(), world, None)
        }
        None => {
            // The server: its own runtime, as a separate process would have. Its blocking threads (argon2,
            // image decoding, file writes) keep the runtime's name; they are kept alive for the whole run
            // so that their CPU time stays visible per thread in /proc (an exited thread's time is only
            // in the process total).
            let server_rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("server")
                // As server/src/main.rs builds it.
                .thread_stack_size(8 * 1024 * 1024)
                .thread_keep_alive(Duration::from_secs(3600))
                .build()?;
            let (db, base, world) = server_rt.block_on(async {
                let db = app::db::Db::connect(&url, k.db_connections).await?;
                db.migrate().await?;
                *BACKEND.lock().unwrap() = format!("{:?}", db.backend);
                let world = generate(&db, &k).await?;
                let mut config = server::config::Config::from_cli(server::config::Cli {
                    config: "/nonexistent/talap.toml".into(),
                    ..Default::default()
                })?;
                config.database_url = url.clone();
                config.db_max_connections = k.db_connections;
                config.media_dir = media_dir.clone();
                // Behind one load balancer: the simulated people's X-Forwarded-For addresses count.
                config.trusted_proxies = 1;
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                let addr = listener.local_addr()?;
                let media = server::media_store(&config).map_err(|e| format!("media store: {e}"))?;
                // The server's background re-check of snapshots, with the budget a node gets by
                // default, on the server's runtime: its CPU counts as the server's.
                app::proctor::recheck::spawn(db.clone(), media.clone(), config.recheck);
                *RECHECK.lock().unwrap() = config.recheck;
                let router = server::router(&config, db.clone(), media);
                tokio::spawn(async move {
                    let _ = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await;
                });
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>((db, format!("http://{addr}"), world))
            })?;
            // The runtime keeps serving on its own threads; it stops with the process.
            std::thread::spawn(move || server_rt.block_on(std::future::pending::<()>()));
            (db, base, world, Some(media_dir))
        }
    };

    let (webcam, screen) = (webcam_jpeg(), screen_jpeg());
    let costs = ImageCosts::measure(&webcam, &screen);
    println!(
        "evidence: webcam snapshot {} KB, screenshot {} KB; server work measured alone on one core: on the request path, the \
         structural check {:.3} ms (webcam) and {:.3} ms (screenshot); in the background re-check (flagged frames and {}% of the \
         rest), decode {:.1} ms + face count {:.1} ms; a full screenshot decode (the request path before issue 16) {:.1} ms",
        webcam.len() / 1024,
        screen.len() / 1024,
        costs.inspect_webcam_ms,
        costs.inspect_screen_ms,
        k.recheck,
        costs.webcam_ms,
        costs.recheck_ms,
        costs.screen_ms
    );

    let outcome = client_rt.block_on(run(&k, db, base, world, media_dir, webcam, screen, costs));
    if let Err(e) = &outcome {
        println!("bench failed: {e}");
    }
    // The server's runtime and the temp folder go with the process.
    drop(tmp);
    std::process::exit(if outcome.is_ok() { 0 } else { 1 })
}

#[allow(clippy::too_many_arguments)]
async fn run(
    k: &Knobs,
    db: app::db::Db,
    base: String,
    world: World,
    media_dir: Option<std::path::PathBuf>,
    webcam: Vec<u8>,
    screen: Vec<u8>,
    costs: ImageCosts,
) -> Res<()> {
    let client = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .pool_max_idle_per_host(usize::MAX)
        .tcp_nodelay(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(k.timeout))
        .build()?;
    let load = Arc::new(Load {
        client,
        base,
        permits: tokio::sync::Semaphore::new(k.inflight),
        cap: k.inflight,
        cap_hits: AtomicUsize::new(0),
        rec: Recorder::default(),
        retry_for: Duration::from_secs(k.retry_seconds),
    });
    let world = Arc::new(world);
    let _ = WATCHED.set(load.clone());

    let ceiling = ceiling(&load, k).await;
    if k.wants("login") {
        headline(login(&load, k, &world, &ceiling).await);
        headline(signin_window(&load, k, &world).await);
    }
    if k.wants("start") || k.wants("steady") {
        let (line, sitters) = synchronised_start(&load, &world, &db, &ceiling).await?;
        headline(line);
        if k.wants("steady") {
            for line in steady(&load, k, &world, &db, &ceiling, sitters, media_dir.as_deref(), webcam, screen, &costs).await? {
                headline(line);
            }
        }
    }
    // Registration runs last: its queue of password hashes (one per core at a time) drains for
    // minutes after the last session sent its form.
    if k.wants("register") {
        headline(registration(&load, k, &world, &db, &ceiling).await?);
    }
    print_summary();
    Ok(())
}

/// The one-line results of the phases so far, printed at the end (or when the watchdog stops
/// the run).
static HEADLINE: Mutex<Vec<String>> = Mutex::new(Vec::new());
static BACKEND: Mutex<String> = Mutex::new(String::new());
/// Requests a busy node answered with 503 and Retry-After, sent again as a browser would.
static BUSY_RETRIES: AtomicUsize = AtomicUsize::new(0);
/// Requests that met no answer (BENCH_RETRY_SECONDS) and were sent again.
static RETRIES: AtomicUsize = AtomicUsize::new(0);
/// The re-check budget the server ran with.
static RECHECK: Mutex<app::proctor::recheck::Budget> = Mutex::new(app::proctor::recheck::Budget { cpu_percent: 0, max_lag_ms: 0 });
/// The figures of the machine-readable RESULT line, in its order, as phases measure them.
static RESULT: Mutex<Vec<(&'static str, String)>> = Mutex::new(Vec::new());

fn result(key: &'static str, value: impl std::fmt::Display) {
    let mut r = RESULT.lock().unwrap();
    r.retain(|(k, _)| *k != key);
    r.push((key, value.to_string()));
}

fn headline(line: String) {
    HEADLINE.lock().unwrap().push(line);
}

fn print_summary() {
    println!("\n=== Summary ({}, {} cores) ===", BACKEND.lock().unwrap(), cores());
    for line in HEADLINE.lock().unwrap().iter() {
        println!("{line}");
    }
    // Exactly one line that tools read; a phase that did not run leaves its figures out.
    let order = [
        "candidates",
        "signin_capacity_per_s",
        "signin_p99_ms",
        "start_p99_ms",
        "answer_p99_ms",
        "upload_p99_ms",
        "handin_p99_ms",
        "served_rps",
        "offered_rps",
        "lost",
        "doubled",
        "server_cpu_pct",
    ];
    let r = RESULT.lock().unwrap();
    // The usual figures first, in this order, then whatever else a run measured (a cluster
    // run's checks and unit costs) in the order it was measured.
    let fields: Vec<String> = order
        .iter()
        .filter_map(|k| r.iter().find(|(key, _)| key == k))
        .chain(r.iter().filter(|(key, _)| !order.contains(key)))
        .map(|(key, v)| format!("{key}={v}"))
        .collect();
    println!("RESULT examday backend={} {}", BACKEND.lock().unwrap().to_lowercase(), fields.join(" "));
}

// ---------------------------------------------------------------------------------------------
// Watchdog: memory, and how many server threads are busy
// ---------------------------------------------------------------------------------------------

/// The load generator, for the watchdog's last report.
static WATCHED: std::sync::OnceLock<Arc<Load>> = std::sync::OnceLock::new();
/// The phase running, for the watchdog's last report.
static PHASE: Mutex<String> = Mutex::new(String::new());
/// Most threads named "server" seen at once since the phase started: the runtime's workers
/// plus its blocking threads, each running one argon2 hash, image check or file write.
static MAX_SERVER_THREADS: AtomicUsize = AtomicUsize::new(0);

fn mem_available_mb() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().find(|l| l.starts_with("MemAvailable:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok()))
        .map_or(u64::MAX, |kb| kb / 1024)
}

fn server_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .map(|rd| rd.flatten().filter(|t| std::fs::read_to_string(t.path().join("comm")).is_ok_and(|c| c.trim() == "server")).count())
        .unwrap_or(0)
}

/// Every 250 ms: samples the server's threads, and ends the run if the machine's available
/// memory falls below `min_free_mb` (the bench must not take the machine down with it), after
/// printing what the running phase measured so far and why it stopped.
fn spawn_watchdog(min_free_mb: u64) {
    std::thread::spawn(move || loop {
        MAX_SERVER_THREADS.fetch_max(server_threads(), Ordering::Relaxed);
        let available = mem_available_mb();
        if available < min_free_mb {
            let phase = PHASE.lock().unwrap().clone();
            println!(
                "\n!!! STOPPED during \"{phase}\": the machine's available memory fell to {available} MiB (BENCH_MIN_FREE_MB = {min_free_mb}); \
                 this process held {} MiB (VmRSS), with {} server threads (2 workers + blocking threads)",
                status_kb("VmRSS:") / 1024,
                server_threads()
            );
            if let Some(load) = WATCHED.get() {
                println!("  {:<9} {:>7} {:>6} {:>9} {:>9} {:>9} {:>9}", "kind", "ok", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms");
                for (kind, st) in load.rec.peek() {
                    println!("  {kind:<9} {:>7} {:>6} {:>9.1} {:>9.1} {:>9.1} {:>9.1}", st.ok, st.errors, st.p50, st.p95, st.p99, st.max);
                }
            }
            headline(format!("{phase}: STOPPED, the machine's available memory fell to {available} MiB"));
            print_summary();
            std::process::exit(2);
        }
        std::thread::sleep(Duration::from_millis(250));
    });
}

// ---------------------------------------------------------------------------------------------
// Generated data
// ---------------------------------------------------------------------------------------------

struct Person {
    login: String,
    cookie: String,
    /// The X-Forwarded-For address this person comes from.
    addr: String,
}

struct World {
    exam: i64,
    campaign: i64,
    people: Vec<Person>,
    /// A session of the exam's teacher, who may see its proctoring images.
    teacher_cookie: String,
    /// One argon2 hash with the app's settings, measured alone on one core.
    hash_ms: f64,
}

/// 10.a.b.c addresses: `block` keeps teachers (100..) apart from candidates (1..).
fn fake_addr(block: usize, i: usize) -> String {
    format!("10.{}.{}.{}", block + (i >> 16), (i >> 8) & 255, i & 255)
}

/// Everything the phases need, written directly (one transaction): an exam with its bank and
/// candidates holding sessions, and an open olympiad campaign with a school directory.
async fn generate(db: &app::db::Db, k: &Knobs) -> Res<World> {
    let prefix = format!("bench{}.", k.tag);
    if k.target.is_some() {
        // A cluster's database holds its own people (the demo) and earlier runs' exams.
        let ours: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE login LIKE $1").bind(format!("{prefix}%")).fetch_one(&db.pool).await?;
        if ours > 0 {
            return Err(format!("this database already has {prefix}* accounts: set another BENCH_TAG").into());
        }
    } else {
        let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&db.pool).await?;
        if users > 0 {
            return Err("BENCH_DATABASE_URL must name an empty database (this one has users)".into());
        }
    }
    let t0 = Instant::now();
    // One real hash for every generated account: the login phase verifies it like any other.
    // Timed alone (on one blocking thread), it is the unit cost of registration and sign-in.
    let mut hash = String::new();
    let mut hash_times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        hash = app::auth::ssr::hash_password(PASSWORD).await?;
        hash_times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    hash_times.sort_by(f64::total_cmp);
    let hash_ms = hash_times[hash_times.len() / 2];

    let now = app::api::now_ms();
    let mut tx = db.begin().await?;
    let org = |parent: i64, kind: &'static str, name: String| {
        sqlx::query_scalar::<_, i64>("INSERT INTO organisations (parent_id, kind, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(parent)
            .bind(kind)
            .bind(name)
            .bind(now)
    };
    // Names are unique among siblings: a cluster's database keeps earlier runs' (BENCH_TAG).
    let region =
        org(app::admin::model::ROOT_ORG_ID, "region", format!("Bench region {}", k.tag).trim().to_string()).fetch_one(&mut *tx).await?;
    let college = org(region, "college", "Bench college".to_string()).fetch_one(&mut *tx).await?;
    let group = org(college, "group", "Bench candidates".to_string()).fetch_one(&mut *tx).await?;
    let user = |login: String| {
        sqlx::query_scalar::<_, i64>("INSERT INTO users (login, full_name, password_hash, created_at) VALUES ($1, $1, $2, $3) RETURNING id")
            .bind(login)
            .bind(hash.clone())
            .bind(now)
    };
    let teacher = user(format!("{prefix}teacher")).fetch_one(&mut *tx).await?;
    let operator = user(format!("{prefix}operator")).fetch_one(&mut *tx).await?;
    let journal: i64 = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
         VALUES ($1, $2, $3, '2026-09-01', '2026-12-31', 'five', 'Bench olympiad', $3, $4) RETURNING id",
    )
    .bind(group)
    .bind(SUBJECT)
    .bind(teacher)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;

    // The bank: single-choice questions of one topic; each candidate draws BENCH_QUESTIONS.
    for q in 0..k.bank.max(k.questions) {
        let (a, b) = (q % 17 + 2, q % 13 + 3);
        let question: app::exam::model::Question = serde_json::from_value(serde_json::json!({
            "kind": "Single",
            "text": format!("Сұрақ {q}: {a} × {b} = ?"),
            "options": [(a * b).to_string(), (a * b + 1).to_string(), (a * b - 1).to_string(), (a + b).to_string()],
            "correct": [0],
            "points": 1,
            "topic": TOPIC,
        }))?;
        app::exam::store::insert_question(&mut tx, teacher, SUBJECT, &question, now).await?;
    }
    // Open now, long enough for any run; no journal lesson, as an olympiad paper has none.
    let exam: i64 = sqlx::query_scalar(
        "INSERT INTO exams (journal_id, title, form, opens_at, closes_at, duration_min, draw, proctored, recheck_percent, created_by, created_at)
         VALUES ($1, 'Bench olympiad stage', 'test', $2, $3, 600, $4, 1, $5, $6, $2) RETURNING id",
    )
    .bind(journal)
    .bind(now - 60_000)
    .bind(now + 11 * 3_600_000)
    .bind(serde_json::to_string(&vec![(TOPIC, k.questions as u32)])?)
    .bind(k.recheck)
    .bind(teacher)
    .fetch_one(&mut *tx)
    .await?;

    // Candidates: an account with the real hash, a place in the exam's group, and a session.
    let mut people = Vec::with_capacity(k.candidates);
    for i in 0..k.candidates {
        let login = format!("{prefix}c{i:05}");
        let student = user(login.clone()).fetch_one(&mut *tx).await?;
        sqlx::query("INSERT INTO role_assignments (user_id, role, org_id, created_at) VALUES ($1, 'student', $2, $3)")
            .bind(student)
            .bind(group)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        // Agreed to proctoring (the consent step before the device check); ingest refuses otherwise.
        sqlx::query(
            "INSERT INTO personal_data_consents (user_id, purpose, given_by, text_version, given_at) VALUES ($1, 'proctoring', 'person', 1, $2)",
        )
        .bind(student)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let cookie = session(&mut tx, student, now).await?;
        people.push(Person { login, cookie, addr: fake_addr(1, i) });
    }
    // The exam's teacher reads the images back through every node (BENCH_NODES).
    let teacher_cookie = session(&mut tx, teacher, now).await?;

    // The olympiad: a national directory (17 regions, 12 districts each) and an open campaign,
    // for the registration phase only (a cluster's database keeps one directory).
    let campaign = if k.wants("register") { olympiad(&mut tx, k, operator, now).await? } else { 0 };
    tx.commit().await?;
    // A live PostgreSQL has planner statistics (autovacuum's ANALYZE); a freshly loaded one has
    // none until autovacuum gets to it, so gather them as it would.
    if db.backend == app::db::Backend::Postgres {
        sqlx::query("ANALYZE").execute(&db.pool).await?;
    }
    println!(
        "generated on {:?} in {:.1} s: {} candidates with sessions, a bank of {} questions (papers of {}), {} schools, campaign {campaign}; \
         argon2 (the app's hasher) {hash_ms:.1} ms per hash on one core",
        db.backend,
        t0.elapsed().as_secs_f64(),
        k.candidates,
        k.bank.max(k.questions),
        k.questions,
        k.schools
    );
    Ok(World { exam, campaign, people, teacher_cookie, hash_ms })
}

/// A session for `user`, as signing in makes one; returns the cookie.
async fn session(tx: &mut sqlx::Transaction<'static, sqlx::Any>, user: i64, now: i64) -> Res<String> {
    let token = app::auth::ssr::random_token();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, '127.0.0.1', 'bench')",
    )
    .bind(app::auth::ssr::sha256_hex(&token))
    .bind(user)
    .bind(now)
    .bind(now + 36_000_000)
    .execute(&mut **tx)
    .await?;
    Ok(format!("{}={token}", app::auth::ssr::SESSION_COOKIE))
}

/// The olympiad of the registration phase: a national directory (17 regions, 12 districts
/// each) and an open campaign. Returns the campaign.
async fn olympiad(tx: &mut sqlx::Transaction<'static, sqlx::Any>, k: &Knobs, operator: i64, now: i64) -> Res<i64> {
    let languages = [
        app::olympiad::model::SchoolLanguages::Kazakh,
        app::olympiad::model::SchoolLanguages::Russian,
        app::olympiad::model::SchoolLanguages::Both,
    ];
    let rows: Vec<app::olympiad::directory::file::DirectoryRow> = (1..=k.schools)
        .map(|n| app::olympiad::directory::file::DirectoryRow {
            row: n as u32,
            region: format!("Облыс {:02}", n % 17 + 1),
            district: Some(format!("Аудан {:02}-{:02}", n % 17 + 1, (n / 17) % 12 + 1)),
            code: school_code(n),
            name: format!("№{n} мектеп"),
            rural: n % 2 == 0,
            languages: languages[n % 3],
        })
        .collect();
    app::olympiad::directory::store::import_directory(tx, &rows, now)
        .await?
        .map_err(|errors| format!("the generated directory was refused: {:?}", &errors[..errors.len().min(3)]))?;
    const DAY: i64 = 86_400_000;
    let stages = app::olympiad::model::Stages {
        teacher_reg_opens: now - DAY,
        teacher_reg_closes: now + 10 * DAY,
        participant_reg_opens: now + 2 * DAY,
        participant_reg_closes: now + 20 * DAY,
        results_at: now + 40 * DAY,
        applications_opens: now + 41 * DAY,
        applications_closes: now + 50 * DAY,
    };
    let campaign =
        app::olympiad::campaign::store::insert_campaign(tx, CAMPAIGN_TITLE, &stages, (5, 9), false, &[SUBJECT.to_string()], operator, now)
            .await?;
    Ok(campaign)
}

fn school_code(n: usize) -> String {
    format!("SCH{n:05}")
}

/// `n` valid, distinct IINs of teachers born 1960-1999: the birth date, the century-and-sex digit
/// (3/4: 1900s), a four-digit serial and the official check digit. Numbers without a check
/// digit are never issued and are skipped; each is checked with the app's own parser.
fn teacher_iins(n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    for serial in 0..10_000u32 {
        for year in 60..100u32 {
            for month in 1..=12u32 {
                for day in 1..=28u32 {
                    for sex in [3u32, 4] {
                        if out.len() == n {
                            return out;
                        }
                        let first = format!("{year:02}{month:02}{day:02}{sex}{serial:04}");
                        let mut digits = [0u8; 11];
                        for (d, b) in digits.iter_mut().zip(first.bytes()) {
                            *d = b - b'0';
                        }
                        let Some(check) = app::auth::iin::check_digit(&digits) else { continue };
                        let iin = format!("{first}{check}");
                        if app::auth::iin::Iin::parse(&iin).is_ok() {
                            out.push(iin);
                        }
                    }
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The load generator: requests with an in-flight cap, and what they measured
// ---------------------------------------------------------------------------------------------

struct Load {
    client: reqwest::Client,
    base: String,
    /// Requests in flight at most: beyond it a request waits here (and the wait counts in its
    /// latency), so the process does not run out of sockets (the file limit is 20 000 here and
    /// each connection costs two descriptors, one per side).
    permits: tokio::sync::Semaphore,
    cap: usize,
    cap_hits: AtomicUsize,
    rec: Recorder,
    /// How long a request that met no answer (a dropped connection, a 5xx) is sent again, as
    /// the browser's queues do; zero records it as an error at once.
    retry_for: Duration,
}

impl Load {
    fn get(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.get(format!("{}{path}", self.base))
    }

    /// A server function call as the hydrated page makes it.
    fn post(&self, path: &str) -> reqwest::RequestBuilder {
        self.client.post(format!("{}{path}", self.base)).header("accept", "application/json")
    }

    /// Sends one request and records it under `kind`: its time from `due` to the whole body
    /// read, or an error (transport, a non-2xx/3xx status, or `check` refusing the answer).
    /// Returns the body when it was a success.
    async fn call<C>(&self, kind: &'static str, due: Instant, req: reqwest::RequestBuilder, check: C) -> Option<String>
    where
        C: FnOnce(&HeaderMap, &str) -> Result<(), String>,
    {
        let mut req = req;
        let mut busy = 0;
        let mut failures = 0u32;
        let first_sent = Instant::now();
        let (res, _permit) = loop {
            let permit = match self.permits.try_acquire() {
                Ok(p) => p,
                Err(_) => {
                    self.cap_hits.fetch_add(1, Ordering::Relaxed);
                    self.permits.acquire().await.ok()?
                }
            };
            let again = req.try_clone();
            let sent = req.send().await;
            // No answer, or the server's "no answer" (a node going down, the database
            // restarting, the balancer finding no node): sent again with the same body, so the
            // server must make the repeat harmless (idempotency keys, last value wins).
            let unanswered = match &sent {
                Err(_) => true,
                Ok(r) => matches!(r.status().as_u16(), 500 | 502 | 503 | 504) && r.headers().get("retry-after").is_none(),
            };
            if unanswered && first_sent.elapsed() < self.retry_for {
                if let Some(again) = again {
                    drop(permit);
                    failures += 1;
                    RETRIES.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis((250u64 << failures.min(4)).min(4_000))).await;
                    req = again;
                    continue;
                }
            }
            let res = match sent {
                Ok(r) => r,
                Err(e) => {
                    self.rec.err(kind, error_class(&e), error_text(&e));
                    return None;
                }
            };
            // A busy node's 503 with Retry-After: the browser's queue sends it again then (the
            // latency still counts from when it was first due).
            let wait = res.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
            match (res.status().as_u16(), wait, again) {
                (503, Some(secs), Some(again)) if busy < 60 => {
                    drop(permit);
                    busy += 1;
                    BUSY_RETRIES.fetch_add(1, Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_secs(secs)).await;
                    req = again;
                }
                _ => break (res, permit),
            }
        };
        let status = res.status();
        let headers = res.headers().clone();
        let body = match res.text().await {
            Ok(b) => b,
            Err(e) => {
                self.rec.err(kind, error_class(&e), error_text(&e));
                return None;
            }
        };
        if !(status.is_success() || status.is_redirection()) {
            self.rec.err(kind, status.as_u16().to_string(), format!("{status} {}", body.chars().take(300).collect::<String>()));
            return None;
        }
        if let Err(e) = check(&headers, &body) {
            self.rec.err(kind, "unexpected answer".into(), e);
            return None;
        }
        self.rec.ok(kind, due.elapsed());
        Some(body)
    }
}

fn error_class(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "timeout".into()
    } else if e.is_connect() {
        "connect".into()
    } else {
        "transport".into()
    }
}

/// The error with its causes (reqwest's own message rarely says what happened).
fn error_text(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(cause) = src {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        src = cause.source();
    }
    s
}

#[derive(Default)]
struct KindLog {
    latencies: Vec<Duration>,
    done: Vec<Instant>,
    errors: usize,
    by_class: HashMap<String, usize>,
    first_error: Option<String>,
}

/// Per kind of request, in the order kinds first appear.
#[derive(Default)]
struct Recorder(Mutex<Vec<(&'static str, KindLog)>>);

impl Recorder {
    fn with(&self, kind: &'static str, f: impl FnOnce(&mut KindLog)) {
        let mut g = self.0.lock().unwrap();
        match g.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, log)) => f(log),
            None => {
                let mut log = KindLog::default();
                f(&mut log);
                g.push((kind, log));
            }
        }
    }
    fn ok(&self, kind: &'static str, latency: Duration) {
        let done = Instant::now();
        self.with(kind, |l| {
            l.latencies.push(latency);
            l.done.push(done);
        });
    }
    fn err(&self, kind: &'static str, class: String, text: String) {
        self.with(kind, |l| {
            l.errors += 1;
            *l.by_class.entry(class).or_default() += 1;
            l.first_error.get_or_insert(text);
        });
    }
    fn take(&self) -> Vec<(&'static str, KindLog)> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
    fn peek(&self) -> Vec<(&'static str, Stats)> {
        self.0.lock().unwrap().iter().map(|(k, log)| (*k, stats(log))).collect()
    }
}

/// What one kind of request measured in a phase (milliseconds).
#[derive(Clone, Default)]
struct Stats {
    ok: usize,
    errors: usize,
    p50: f64,
    p95: f64,
    p99: f64,
    max: f64,
    /// Completions per second over the middle 80% of them: the rate while the phase was busy,
    /// without its ramp-up and tail.
    busy_rate: f64,
}

fn stats(log: &KindLog) -> Stats {
    let mut s: Vec<f64> = log.latencies.iter().map(|d| d.as_secs_f64() * 1e3).collect();
    s.sort_by(f64::total_cmp);
    let p = |q: f64| if s.is_empty() { 0.0 } else { s[((s.len() as f64 * q).ceil() as usize).clamp(1, s.len()) - 1] };
    let mut done = log.done.clone();
    done.sort();
    let busy_rate = if done.len() >= 10 {
        let (a, b) = (done[done.len() / 10], done[done.len() * 9 / 10]);
        let span = b.duration_since(a).as_secs_f64();
        if span > 0.0 {
            (done.len() * 9 / 10 - done.len() / 10) as f64 / span
        } else {
            0.0
        }
    } else {
        0.0
    };
    Stats { ok: s.len(), errors: log.errors, p50: p(0.50), p95: p(0.95), p99: p(0.99), max: s.last().copied().unwrap_or(0.0), busy_rate }
}

/// What a phase measured, by kind of request.
struct Report {
    elapsed: f64,
    kinds: Vec<(&'static str, Stats)>,
    cpu: Cpu,
}

impl Report {
    fn kind(&self, kind: &str) -> Stats {
        self.kinds.iter().find(|(k, _)| *k == kind).map(|(_, s)| s.clone()).unwrap_or_default()
    }
    fn errors(&self) -> usize {
        self.kinds.iter().map(|(_, s)| s.errors).sum()
    }
}

/// Measures one phase: clears the recorder, resets the peak memory, and takes CPU times.
struct Meter {
    t0: Instant,
    cpu0: Cpu,
}

impl Meter {
    fn start(load: &Load, phase: &str) -> Meter {
        *PHASE.lock().unwrap() = phase.to_string();
        MAX_SERVER_THREADS.store(server_threads(), Ordering::Relaxed);
        load.rec.take();
        load.cap_hits.store(0, Ordering::Relaxed);
        // Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0), so the peak
        // printed is this phase's.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        Meter { t0: Instant::now(), cpu0: Cpu::now() }
    }

    fn finish(self, title: &str, load: &Load) -> Report {
        let elapsed = self.t0.elapsed().as_secs_f64();
        let cpu = Cpu::now().minus(&self.cpu0);
        let logs = load.rec.take();
        println!("\n--- {title} ---");
        println!(
            "  {:<9} {:>7} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "kind", "ok", "errors", "p50 ms", "p95 ms", "p99 ms", "max ms", "busy /s"
        );
        let mut kinds = Vec::new();
        let mut total_ok = 0;
        for (kind, log) in &logs {
            let s = stats(log);
            total_ok += s.ok;
            println!(
                "  {kind:<9} {:>7} {:>6} {:>9.1} {:>9.1} {:>9.1} {:>9.1} {:>9.1}",
                s.ok, s.errors, s.p50, s.p95, s.p99, s.max, s.busy_rate
            );
            if log.errors > 0 {
                let mut classes: Vec<_> = log.by_class.iter().collect();
                classes.sort();
                println!(
                    "    errors by class: {}; first: {}",
                    classes.iter().map(|(c, n)| format!("{c} x{n}")).collect::<Vec<_>>().join(", "),
                    log.first_error.as_deref().unwrap_or("").chars().take(300).collect::<String>()
                );
            }
            kinds.push((*kind, s));
        }
        // How the tail moves through a long phase: p99 per 10-s window of completion, so a
        // tail that grows with time (a backlog, a growing file) is told from one that spikes.
        if elapsed > 40.0 {
            for (kind, log) in &logs {
                if log.latencies.len() < 200 {
                    continue;
                }
                let mut windows: Vec<Vec<Duration>> = Vec::new();
                for (lat, done) in log.latencies.iter().zip(&log.done) {
                    let w = done.saturating_duration_since(self.t0).as_secs() as usize / 10;
                    if windows.len() <= w {
                        windows.resize(w + 1, Vec::new());
                    }
                    windows[w].push(*lat);
                }
                let p99s: Vec<String> = windows
                    .iter_mut()
                    .map(|w| {
                        if w.is_empty() {
                            return "-".to_string();
                        }
                        w.sort();
                        format!("{}", w[(w.len() * 99 / 100).min(w.len() - 1)].as_millis())
                    })
                    .collect();
                println!("    {kind} p99 ms by 10 s: {}", p99s.join(" "));
            }
        }
        let hits = load.cap_hits.load(Ordering::Relaxed);
        println!(
            "  {:.1} s, {:.0} ok/s; in-flight cap ({}) {}",
            elapsed,
            total_ok as f64 / elapsed,
            load.cap,
            if hits == 0 { "never reached".to_string() } else { format!("reached: {hits} requests waited for it") }
        );
        cpu.print(elapsed);
        println!(
            "  memory of the process: peak {} MiB (VmHWM), at the end {} MiB (VmRSS); server threads at most {} (2 workers + blocking threads)",
            peak_rss_kb() / 1024,
            status_kb("VmRSS:") / 1024,
            MAX_SERVER_THREADS.load(Ordering::Relaxed)
        );
        Report { elapsed, kinds, cpu }
    }
}

// ---------------------------------------------------------------------------------------------
// CPU and memory from /proc
// ---------------------------------------------------------------------------------------------

/// CPU seconds used so far: this process's threads by name, the PostgreSQL processes, and the
/// whole machine.
#[derive(Clone, Copy, Default)]
struct Cpu {
    server: f64,
    sqlite: f64,
    client: f64,
    /// Other threads of this process (the main thread).
    rest: f64,
    /// The whole process, including threads that have exited.
    process: f64,
    postgres: f64,
    /// Against a cluster (BENCH_TARGET): the Talap nodes' and the Garage nodes' processes.
    nodes: f64,
    garage: f64,
    machine_busy: f64,
}

/// (name, user + system CPU seconds) from a /proc stat line. The name is in parentheses and may
/// hold spaces; utime and stime are the 12th and 13th fields after it. Ticks are 1/100 s here.
fn parse_stat(stat: &str) -> Option<(String, f64)> {
    let open = stat.find('(')?;
    let close = stat.rfind(')')?;
    let name = stat[open + 1..close].to_string();
    let f: Vec<&str> = stat[close + 1..].split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    Some((name, (ticks(11) + ticks(12)) / 100.0))
}

impl Cpu {
    fn now() -> Cpu {
        let mut c = Cpu::default();
        if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
            for t in tasks.flatten() {
                let Some((name, secs)) = std::fs::read_to_string(t.path().join("stat")).ok().as_deref().and_then(parse_stat) else {
                    continue;
                };
                // Thread names are cut to 15 bytes: sqlx's "sqlx-sqlite-worker-N" shows as "sqlx-sqlite-wor".
                match name.as_str() {
                    "server" => c.server += secs,
                    "client" => c.client += secs,
                    n if n.starts_with("sqlx-sqlite") => c.sqlite += secs,
                    _ => c.rest += secs,
                }
            }
        }
        c.process = std::fs::read_to_string("/proc/self/stat").ok().as_deref().and_then(parse_stat).map_or(0.0, |(_, s)| s);
        // PostgreSQL on this machine: its processes are all named "postgres".
        if let Ok(procs) = std::fs::read_dir("/proc") {
            for p in procs.flatten() {
                if !p.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
                    continue;
                }
                if let Some((name, secs)) = std::fs::read_to_string(p.path().join("stat")).ok().as_deref().and_then(parse_stat) {
                    match name.as_str() {
                        "postgres" => c.postgres += secs,
                        "talap" => c.nodes += secs,
                        "garage" => c.garage += secs,
                        _ => {}
                    }
                }
            }
        }
        // The machine: user + nice + system + irq + softirq + steal of the "cpu" line.
        if let Ok(stat) = std::fs::read_to_string("/proc/stat") {
            if let Some(line) = stat.lines().next() {
                let f: Vec<f64> = line.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
                let g = |i: usize| f.get(i).copied().unwrap_or(0.0);
                c.machine_busy = (g(0) + g(1) + g(2) + g(5) + g(6) + g(7)) / 100.0;
            }
        }
        c
    }

    fn minus(&self, o: &Cpu) -> Cpu {
        Cpu {
            server: self.server - o.server,
            sqlite: self.sqlite - o.sqlite,
            client: self.client - o.client,
            rest: self.rest - o.rest,
            process: self.process - o.process,
            postgres: self.postgres - o.postgres,
            nodes: self.nodes - o.nodes,
            garage: self.garage - o.garage,
            machine_busy: self.machine_busy - o.machine_busy,
        }
    }

    /// Percent of one core over `secs`.
    fn pct(v: f64, secs: f64) -> f64 {
        100.0 * v / secs.max(1e-9)
    }

    fn print(&self, secs: f64) {
        let p = |v: f64| Cpu::pct(v, secs);
        let exited = self.process - (self.server + self.sqlite + self.client + self.rest);
        let others = self.machine_busy - self.process - self.postgres - self.nodes - self.garage;
        println!(
            "  CPU, % of one core ({} cores = {}%): server {:.0}, sqlite workers {:.0}, load generator {:.0}, postgres {:.0}{}{}; \
             machine busy {:.0} (other processes {:.0})",
            cores(),
            cores() * 100,
            p(self.server),
            p(self.sqlite),
            p(self.client),
            p(self.postgres),
            if self.nodes > 0.0 || self.garage > 0.0 {
                format!(", talap nodes {:.0}, garage nodes {:.0}", p(self.nodes), p(self.garage))
            } else {
                String::new()
            },
            if p(exited) >= 1.0 { format!(", exited threads {:.0}", p(exited)) } else { String::new() },
            p(self.machine_busy),
            p(others).max(0.0)
        );
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with(field)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()))
        .unwrap_or(0)
}

fn peak_rss_kb() -> u64 {
    status_kb("VmHWM:")
}

fn print_machine(k: &Knobs) {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem = |f: &str| -> u64 {
        meminfo.lines().find(|l| l.starts_with(f)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok()).unwrap_or(0) / 1024
    };
    println!(
        "examday bench: {} cores, {} MiB memory ({} MiB available); phases {:?}, {} candidates, {} s steady, {} registration sessions \
         over {} s, in-flight cap {}, {} database connections",
        cores(),
        mem("MemTotal:"),
        mem("MemAvailable:"),
        k.phases,
        k.candidates,
        k.seconds,
        k.reg_sessions,
        k.reg_ramp,
        k.inflight,
        k.db_connections
    );
}

// ---------------------------------------------------------------------------------------------
// Shapes of load: closed loop, and a burst released at once
// ---------------------------------------------------------------------------------------------

/// `concurrency` workers each run `job(n)` again and again for `seconds` (n = 0, 1, 2...).
async fn closed_loop<F, Fut>(concurrency: usize, seconds: f64, job: F)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicUsize::new(0));
    let stop = Instant::now() + Duration::from_secs_f64(seconds);
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (job, next) = (job.clone(), next.clone());
            tokio::spawn(async move {
                while Instant::now() < stop {
                    job(next.fetch_add(1, Ordering::Relaxed)).await;
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.await;
    }
}

/// Spawns `n` tasks that all wait on one watch channel, then releases them at once; each sends
/// `make(i)` and its latency counts from the release. Returns the bodies of the successes.
async fn burst<F>(
    load: &Arc<Load>,
    n: usize,
    kind: &'static str,
    make: F,
    check: fn(&HeaderMap, &str) -> Result<(), String>,
) -> Vec<Option<String>>
where
    F: Fn(&Load, usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let (tx, rx) = tokio::sync::watch::channel(None::<Instant>);
    let ready = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (load, make, ready, mut rx) = (load.clone(), make.clone(), ready.clone(), rx.clone());
            tokio::spawn(async move {
                ready.fetch_add(1, Ordering::Relaxed);
                let Ok(release) = rx.wait_for(|r| r.is_some()).await.map(|r| r.unwrap()) else { return None };
                let req = make(&*load, i);
                load.call(kind, release, req, check).await
            })
        })
        .collect();
    drop(rx);
    // Everyone is parked on the channel before the release.
    while ready.load(Ordering::Relaxed) < n {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let _ = tx.send(Some(Instant::now()));
    let mut out = Vec::with_capacity(n);
    for t in tasks {
        out.push(t.await.ok().flatten());
    }
    out
}

fn any_answer(_: &HeaderMap, _: &str) -> Result<(), String> {
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Phase: the ceiling
// ---------------------------------------------------------------------------------------------

struct Ceiling {
    /// Closed-loop GET /healthz per second at BENCH_CONCURRENCY.
    rate: f64,
    /// The burst of N: p99 and the time until the last answer, ms.
    burst_p99: f64,
    burst_all: f64,
}

async fn ceiling(load: &Arc<Load>, k: &Knobs) -> Ceiling {
    let meter = Meter::start(load, "ceiling");
    let l = load.clone();
    closed_loop(k.concurrency, k.ceiling_seconds, move |_| {
        let l = l.clone();
        async move {
            l.call("healthz", Instant::now(), l.get("/healthz"), any_answer).await;
        }
    })
    .await;
    let closed = meter.finish(&format!("Ceiling: GET /healthz closed-loop, {} in flight", k.concurrency), load);
    let rate = closed.kind("healthz").ok as f64 / closed.elapsed;

    // The burst shape of the synchronised start. The first burst also opens the connections
    // (up to the in-flight cap) that the phases after it reuse; a burst of new connections
    // overflows the listen backlog (1024 in tokio) and waits for SYN retransmits, which real
    // candidates, whose browsers already hold a connection, do not. So the second one counts.
    let n = k.candidates;
    let _ = burst(load, n, "healthz", |l, _| l.get("/healthz"), any_answer).await;
    let meter = Meter::start(load, "ceiling burst");
    let _ = burst(load, n, "healthz", |l, _| l.get("/healthz"), any_answer).await;
    let r = meter.finish(&format!("Ceiling: GET /healthz, a burst of {n} released at once (connections already open)"), load);
    Ceiling { rate, burst_p99: r.kind("healthz").p99, burst_all: r.kind("healthz").max }
}

// ---------------------------------------------------------------------------------------------
// Phase: teacher registration
// ---------------------------------------------------------------------------------------------

async fn registration(load: &Arc<Load>, k: &Knobs, world: &Arc<World>, db: &app::db::Db, ceiling: &Ceiling) -> Res<String> {
    let sessions = k.reg_sessions;
    let iins = Arc::new(teacher_iins(sessions));
    if iins.len() < sessions {
        return Err("could not make enough IINs".into());
    }
    let open = Arc::new(AtomicUsize::new(0));
    let peak_open = Arc::new(AtomicUsize::new(0));
    let meter = Meter::start(load, "registration");
    let t0 = Instant::now() + Duration::from_millis(100);
    let tasks: Vec<_> = (0..sessions)
        .map(|i| {
            let start = t0 + Duration::from_secs_f64(k.reg_ramp * i as f64 / sessions as f64);
            let (load, iins, open, peak_open, world) = (load.clone(), iins.clone(), open.clone(), peak_open.clone(), world.clone());
            let (schools, think, seed) = (k.schools, k.reg_think, k.seed);
            tokio::spawn(async move {
                tokio::time::sleep_until(start.into()).await;
                let now_open = open.fetch_add(1, Ordering::Relaxed) + 1;
                peak_open.fetch_max(now_open, Ordering::Relaxed);
                teacher_session(&load, i, &iins[i], world.campaign, schools, think, seed).await;
                open.fetch_sub(1, Ordering::Relaxed);
            })
        })
        .collect();
    // Every 10 s, how the phase goes: the open sessions, the registrations done and what the
    // process holds (a backlog of argon2 runs shows here first).
    let progress = {
        let (load, open) = (load.clone(), open.clone());
        tokio::spawn(async move {
            let start = Instant::now();
            loop {
                tokio::time::sleep(Duration::from_secs(10)).await;
                let done = load.rec.peek().iter().find(|(k, _)| *k == "register").map_or(0, |(_, s)| s.ok);
                println!(
                    "  [{:>4.0} s] {} sessions open, {done} registered, process {} MiB (VmRSS), {} server threads",
                    start.elapsed().as_secs_f64(),
                    open.load(Ordering::Relaxed),
                    status_kb("VmRSS:") / 1024,
                    server_threads()
                );
            }
        })
    };
    for t in tasks {
        let _ = t.await;
    }
    progress.abort();
    let r = meter.finish(
        &format!(
            "Registration: {sessions} teacher sessions arriving over {} s, each page, ~{} s, school search, ~{} s, register_teacher",
            k.reg_ramp, k.reg_think, k.reg_think
        ),
        load,
    );
    let reg = r.kind("register");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM olympiad_teachers WHERE campaign_id = $1")
        .bind(world.campaign)
        .fetch_one(&db.pool)
        .await?;
    let mails: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'email'").fetch_one(&db.pool).await?;
    let overall = reg.ok as f64 / r.elapsed;
    // What argon2 alone costs at the rate reached: hashes per second x CPU seconds per hash.
    let argon_cores = reg.busy_rate * world.hash_ms / 1e3;
    println!(
        "  {} registrations acknowledged, {stored} stored, {mails} code emails queued (lost: {}); at most {} sessions open at once",
        reg.ok,
        reg.ok as i64 - stored,
        peak_open.load(Ordering::Relaxed)
    );
    println!(
        "  => {:.1} registrations/s while busy ({overall:.1}/s over the phase) = {:.2}% of the /healthz ceiling; \
         argon2 alone at that rate is {:.0}% of one core ({:.1} ms per hash), the server threads used {:.0}%; \
         argon2 caps registration at about {:.0}/s on {} cores if nothing else ran",
        reg.busy_rate,
        100.0 * reg.busy_rate / ceiling.rate,
        100.0 * argon_cores,
        world.hash_ms,
        Cpu::pct(r.cpu.server, r.elapsed),
        cores() as f64 * 1e3 / world.hash_ms,
        cores()
    );
    let met = reg.ok == sessions && r.errors() == 0 && sessions >= TARGET_REG_SESSIONS;
    Ok(format!(
        "registration: {}/{sessions} sessions registered ({} errors), {:.1} registrations/s while busy, register p50/p95/p99 {:.0}/{:.0}/{:.0} ms, \
         page p99 {:.0} ms, search p99 {:.0} ms; peak memory {} MiB -> target {TARGET_REG_SESSIONS} concurrent sessions {}",
        reg.ok,
        r.errors(),
        reg.busy_rate,
        reg.p50,
        reg.p95,
        reg.p99,
        r.kind("page").p99,
        r.kind("search").p99,
        peak_rss_kb() / 1024,
        if met { "served (all completed, none refused)" } else { "NOT met" }
    ))
}

/// One teacher as a person goes through the page: loads it, reads and types the personal
/// details (`think` seconds on average), searches the school by name, fills in phone, email and
/// password (`think` again) and sends it. A failed step ends the session (it is counted as that
/// step's error). Open sessions = arrival rate x session length (Little's law): 10 000 sessions
/// arriving over 120 s that last about 2 minutes are nearly all open at once.
async fn teacher_session(load: &Load, i: usize, iin: &str, campaign: i64, schools: usize, think: f64, seed: u64) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9).wrapping_add(i as u64 + 1_000_000));
    let addr = fake_addr(100, i);
    let page = load
        .call("page", Instant::now(), load.get("/olympiad/register").header("x-forwarded-for", &addr), |_, body| {
            if body.contains(CAMPAIGN_TITLE) {
                Ok(())
            } else {
                Err("the page does not offer the open campaign".into())
            }
        })
        .await;
    if page.is_none() {
        return;
    }
    tokio::time::sleep(Duration::from_secs_f64(think * rng.gen_range(0.5..1.5))).await;
    let n = rng.gen_range(1..=schools);
    let code = school_code(n);
    let found = load
        .call(
            "search",
            Instant::now(),
            load.post("/api/olympiad/schools")
                .header("x-forwarded-for", &addr)
                // The school's whole name, so that exactly one matches whatever the database's
                // collation does to the order of "№12 ..." and "№120 ..." (the list stops at 30).
                .form(&[("campaign_id", campaign.to_string()), ("query", format!("№{n} мектеп"))]),
            |_, body| if body.contains(&code) { Ok(()) } else { Err(format!("the search did not find {code}")) },
        )
        .await;
    let Some(found) = found else { return };
    let school = serde_json::from_str::<serde_json::Value>(&found)
        .ok()
        .and_then(|v| v.as_array()?.iter().find(|s| s["code"] == code.as_str())?["id"].as_i64())
        .unwrap_or(0);
    tokio::time::sleep(Duration::from_secs_f64(think * rng.gen_range(0.5..1.5))).await;
    let form = [
        ("campaign_id", campaign.to_string()),
        ("iin", iin.to_string()),
        ("full_name", format!("Бенч Мұғалім {i}")),
        ("phone", format!("+7 70{i:08}")),
        ("email", format!("teacher{i}@bench.kz")),
        ("school_id", school.to_string()),
        ("password", PASSWORD.to_string()),
    ];
    load.call(
        "register",
        Instant::now(),
        load.post("/api/olympiad/teacher/register").header("x-forwarded-for", &addr).form(&form),
        any_answer,
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// Phase: sign-in
// ---------------------------------------------------------------------------------------------

async fn login(load: &Arc<Load>, k: &Knobs, world: &Arc<World>, ceiling: &Ceiling) -> String {
    let meter = Meter::start(load, "login");
    let (l, w) = (load.clone(), world.clone());
    closed_loop(k.concurrency, k.login_seconds, move |n| {
        let (l, w) = (l.clone(), w.clone());
        async move {
            let who = &w.people[n % w.people.len()];
            let req = l
                .post("/api/auth/login")
                .header("x-forwarded-for", &who.addr)
                .form(&[("login", who.login.as_str()), ("password", PASSWORD)]);
            l.call("login", Instant::now(), req, |headers, _| {
                let cookie = headers.get_all("set-cookie").iter().any(|v| v.to_str().is_ok_and(|v| v.starts_with("talap_session=")));
                if cookie {
                    Ok(())
                } else {
                    Err("no session cookie".into())
                }
            })
            .await;
        }
    })
    .await;
    let r = meter.finish(&format!("Log in: POST /api/auth/login, {} in flight", k.concurrency), load);
    let s = r.kind("login");
    let rate = s.ok as f64 / r.elapsed;
    let n = TARGET_CANDIDATES.max(k.candidates);
    println!(
        "  => {rate:.1} logins/s = {:.2}% of the /healthz ceiling; {n} sign-ins take {:.0} s ({:.1} min) at this rate; \
         argon2 alone at this rate is {:.0}% of one core, the server threads used {:.0}%",
        100.0 * rate / ceiling.rate,
        n as f64 / rate.max(1e-9),
        n as f64 / rate.max(1e-9) / 60.0,
        100.0 * rate * world.hash_ms / 1e3,
        Cpu::pct(r.cpu.server, r.elapsed)
    );
    result("signin_capacity_per_s", format!("{rate:.0}"));
    format!(
        "login: {rate:.1} logins/s ({} errors), p50/p95/p99 {:.0}/{:.0}/{:.0} ms at {} in flight -> {n} sign-ins take {:.1} min",
        s.errors,
        s.p50,
        s.p95,
        s.p99,
        k.concurrency,
        n as f64 / rate.max(1e-9) / 60.0
    )
}

/// The sign-in wave as an exam morning has it: candidates sign in during a window before the
/// start (the sit page opens BENCH_SIGNIN_WINDOW_MIN minutes early, the device check comes
/// after the sign-in), most of them late, so the window's busiest part is taken as twice its
/// average rate. Replayed open loop at that peak rate for BENCH_LOGIN_SECONDS: each sign-in is
/// a real argon2 verification, and its latency counts from when it was due.
async fn signin_window(load: &Arc<Load>, k: &Knobs, world: &Arc<World>) -> String {
    let n = k.candidates;
    let window_s = k.signin_window_min * 60.0;
    let rate = 2.0 * n as f64 / window_s.max(1.0);
    let meter = Meter::start(load, "sign-in window");
    let t0 = Instant::now();
    let total = (rate * k.login_seconds).ceil() as usize;
    let tasks: Vec<_> = (0..total)
        .map(|i| {
            let (l, w) = (load.clone(), world.clone());
            let due = t0 + Duration::from_secs_f64(i as f64 / rate);
            tokio::spawn(async move {
                tokio::time::sleep_until(due.into()).await;
                let who = &w.people[(i * 7919) % w.people.len()];
                let req = l
                    .post("/api/auth/login")
                    .header("x-forwarded-for", &who.addr)
                    .form(&[("login", who.login.as_str()), ("password", PASSWORD)]);
                l.call("sign-in", due, req, |headers, _| {
                    if headers.get_all("set-cookie").iter().any(|v| v.to_str().is_ok_and(|v| v.starts_with("talap_session="))) {
                        Ok(())
                    } else {
                        Err("no session cookie".into())
                    }
                })
                .await;
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    let r = meter.finish(
        &format!(
            "Sign-in window: {n} candidates over {} min before the start, the peak ({rate:.1}/s) for {} s",
            k.signin_window_min, k.login_seconds
        ),
        load,
    );
    let s = r.kind("sign-in");
    result("signin_p99_ms", format!("{:.0}", s.p99));
    format!(
        "sign-in window: {n} candidates over {} min, peak {rate:.1}/s replayed for {} s: {} ok, {} errors, p50/p95/p99 {:.0}/{:.0}/{:.0} ms",
        k.signin_window_min, k.login_seconds, s.ok, s.errors, s.p50, s.p95, s.p99
    )
}

// ---------------------------------------------------------------------------------------------
// Phase: the synchronised start
// ---------------------------------------------------------------------------------------------

/// A candidate with an attempt: who, and the questions of the paper drawn at the start.
#[derive(Clone)]
struct Sitter {
    person: usize,
    attempt: i64,
    questions: Vec<i64>,
    /// The attempt's secret its paper's option ids derive from: the bench answers by those ids,
    /// as the browser does with the ids its paper shows.
    paper_key: String,
}

/// The id the candidate's paper shows for option `index` of a question (the derivation of
/// `app::exam::store::option_ids`, which the paper hands to the browser).
fn option_id(paper_key: &str, question_id: i64, index: usize) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(paper_key.as_bytes());
    h.update(format!("\n{question_id}\noption\n{index}").as_bytes());
    h.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

async fn synchronised_start(load: &Arc<Load>, world: &Arc<World>, db: &app::db::Db, ceiling: &Ceiling) -> Res<(String, Vec<Sitter>)> {
    let n = world.people.len();
    let scans0 = table_scans(db).await;
    let meter = Meter::start(load, "synchronised start");
    let w = world.clone();
    let bodies = burst(
        load,
        n,
        "start",
        move |l, i| {
            let who = &w.people[i];
            l.post("/api/exam/start")
                .header("cookie", &who.cookie)
                .header("x-forwarded-for", &who.addr)
                .form(&[("exam_id", w.exam.to_string())])
        },
        |_, body| body.trim().parse::<i64>().map(|_| ()).map_err(|_| format!("not an attempt id: {body}")),
    )
    .await;
    let r = meter.finish(&format!("Synchronised start: {n} candidates released at once to POST /api/exam/start"), load);
    print_scans(&scans0, &table_scans(db).await);
    let s = r.kind("start");
    if r.cpu.nodes > 0.0 && s.ok > 0 {
        println!(
            "  cost per start: talap {:.2} ms CPU, postgres {:.2} ms",
            1e3 * r.cpu.nodes / s.ok as f64,
            1e3 * r.cpu.postgres / s.ok as f64
        );
        result("talap_ms_per_start", format!("{:.2}", 1e3 * r.cpu.nodes / s.ok as f64));
        result("postgres_ms_per_start", format!("{:.2}", 1e3 * r.cpu.postgres / s.ok as f64));
    }
    // Latencies count from the release: the slowest success is when the last attempt existed.
    let all_ms = s.max;
    let created: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = $1").bind(world.exam).fetch_one(&db.pool).await?;
    println!(
        "  => all answers within {:.1} s of the release; {created} attempts exist; p99 {:.0} ms vs {:.0} ms for a burst of /healthz \
         (all of that burst answered within {:.0} ms)",
        all_ms / 1e3,
        s.p99,
        ceiling.burst_p99,
        ceiling.burst_all
    );
    // A browser whose start failed tries again; so do these, after the burst (not measured),
    // so that the steady phase has every candidate.
    let failed: Vec<usize> = (0..n).filter(|i| bodies[*i].is_none()).collect();
    let mut retried_ok = 0;
    if !failed.is_empty() {
        for i in &failed {
            let who = &world.people[*i];
            let req = load
                .post("/api/exam/start")
                .header("cookie", &who.cookie)
                .header("x-forwarded-for", &who.addr)
                .form(&[("exam_id", world.exam.to_string())]);
            if load.call("retry", Instant::now(), req, any_answer).await.is_some() {
                retried_ok += 1;
            }
        }
        load.rec.take();
        println!("  {} failed starts retried one by one afterwards: {retried_ok} succeeded", failed.len());
    }
    if db.backend == app::db::Backend::Postgres {
        // 15 000 new attempts: autovacuum would ANALYZE the table within a minute of exam start.
        sqlx::query("ANALYZE exam_attempts").execute(&db.pool).await?;
    }
    // The papers: question ids as drawn at the start (the browser learns them from the paper).
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT a.id, a.questions, u.login, a.paper_key FROM exam_attempts a JOIN users u ON u.id = a.student_id WHERE a.exam_id = $1",
    )
    .bind(world.exam)
    .fetch_all(&db.pool)
    .await?;
    let index: HashMap<&str, usize> = world.people.iter().enumerate().map(|(i, p)| (p.login.as_str(), i)).collect();
    let mut sitters = Vec::with_capacity(rows.len());
    for (attempt, questions, login, paper_key) in rows {
        let paper: Vec<(i64, u64)> = serde_json::from_str(&questions)?;
        if let Some(&person) = index.get(login.as_str()) {
            sitters.push(Sitter { person, attempt, questions: paper.into_iter().map(|(q, _)| q).collect(), paper_key });
        }
    }
    sitters.sort_by_key(|s| s.person);
    result("candidates", n);
    result("start_p99_ms", format!("{:.0}", s.p99));
    let met = s.p99 < TARGET_START_P99_MS && s.errors == 0;
    let line = format!(
        "start: {n} released at once: {} ok, {} errors, p50/p95/p99 {:.0}/{:.0}/{:.0} ms, every answer within {:.1} s, {created} attempts \
         -> target p99 < 3 s {}",
        s.ok,
        s.errors,
        s.p50,
        s.p95,
        s.p99,
        all_ms / 1e3,
        if met { "met" } else { "NOT met" }
    );
    Ok((line, sitters))
}

// ---------------------------------------------------------------------------------------------
// Phase: the steady state, the hand-in, and the check for losses
// ---------------------------------------------------------------------------------------------

/// What the server acknowledged, to be found in the database afterwards.
#[derive(Default)]
struct Acks {
    /// (attempt, question) -> the answer acknowledged last (each save here is to another
    /// question, so there is one per pair unless the run is long enough to go round the paper).
    answers: Mutex<HashMap<(i64, i64), String>>,
    evidence: Mutex<Vec<String>>,
}

/// Per candidate and second: the paper every 30-90 s (1/60 on average), an answer every 30 s,
/// a webcam snapshot every 30 s, a screenshot every 60 s.
const REQUESTS_PER_CANDIDATE: f64 = 1.0 / 60.0 + 1.0 / 30.0 + 1.0 / 30.0 + 1.0 / 60.0;

#[allow(clippy::too_many_arguments)]
async fn steady(
    load: &Arc<Load>,
    k: &Knobs,
    world: &Arc<World>,
    db: &app::db::Db,
    ceiling: &Ceiling,
    sitters: Vec<Sitter>,
    media_dir: Option<&std::path::Path>,
    webcam: Vec<u8>,
    screen: Vec<u8>,
    costs: &ImageCosts,
) -> Res<Vec<String>> {
    let n = sitters.len();
    let sitters = Arc::new(sitters);
    let acks = Arc::new(Acks::default());
    let (webcam, screen) = (axum::body::Bytes::from(webcam), axum::body::Bytes::from(screen));
    let scans0 = table_scans(db).await;
    let meter = Meter::start(load, "steady state");
    let t0 = Instant::now() + Duration::from_millis(500);
    let chaos = spawn_chaos(&k.chaos, t0);
    let tasks: Vec<_> = (0..n)
        .map(|s| {
            let (load, world, sitters, acks) = (load.clone(), world.clone(), sitters.clone(), acks.clone());
            let (webcam, screen, seconds, seed) = (webcam.clone(), screen.clone(), k.seconds, k.seed);
            tokio::spawn(async move { candidate(load, world, sitters, s, acks, webcam, screen, t0, seconds, seed).await })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    // Whatever the chaos started (a node restarted a minute later) is back before the hand-in.
    for c in chaos {
        let _ = c.await;
    }
    let r = meter.finish(
        &format!(
            "Steady state: {n} candidates for {} s, open loop (paper every 30-90 s, answer and webcam every 30 s, screenshot every 60 s)",
            k.seconds
        ),
        load,
    );

    // Everyone hands in, spread over BENCH_HANDIN_SECONDS, after their last request returned.
    let meter = Meter::start(load, "hand-in");
    let t1 = Instant::now();
    let tasks: Vec<_> = (0..n)
        .map(|s| {
            let (load, world, sitters) = (load.clone(), world.clone(), sitters.clone());
            let offset =
                rand::rngs::StdRng::seed_from_u64(k.seed ^ (s as u64).wrapping_mul(7919)).gen_range(0.0..k.handin_seconds.max(0.001));
            tokio::spawn(async move {
                let due = t1 + Duration::from_secs_f64(offset);
                tokio::time::sleep_until(due.into()).await;
                let me = &sitters[s];
                let who = &world.people[me.person];
                let req = load
                    .post("/api/exam/hand-in")
                    .header("cookie", &who.cookie)
                    .header("x-forwarded-for", &who.addr)
                    .form(&[("attempt_id", me.attempt.to_string())]);
                load.call("hand-in", due, req, |_, body| {
                    if body.contains("\"submitted\":true") {
                        Ok(())
                    } else {
                        Err(format!("not handed in: {body}"))
                    }
                })
                .await;
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    let h = meter.finish(&format!("Hand-in: {n} candidates over {} s", k.handin_seconds), load);
    print_scans(&scans0, &table_scans(db).await);

    // Every acknowledged answer and upload must be in the database, once.
    let stored_answers: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT x.attempt_id, x.question_id, x.answer FROM exam_answers x JOIN exam_attempts a ON a.id = x.attempt_id WHERE a.exam_id = $1",
    )
    .bind(world.exam)
    .fetch_all(&db.pool)
    .await?;
    let stored_map: HashMap<(i64, i64), String> = stored_answers.iter().map(|(a, q, v)| ((*a, *q), v.clone())).collect();
    let acked = acks.answers.lock().unwrap().clone();
    let answers_lost = acked.iter().filter(|(key, v)| stored_map.get(*key) != Some(*v)).count();
    let answers_unacked = stored_map.keys().filter(|key| !acked.contains_key(*key)).count();
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT e.idem_key FROM proctor_evidence e JOIN exam_attempts a ON a.id = e.attempt_id WHERE a.exam_id = $1")
            .bind(world.exam)
            .fetch_all(&db.pool)
            .await?;
    let stored_keys: HashSet<&str> = keys.iter().map(String::as_str).collect();
    let acked_keys = acks.evidence.lock().unwrap().clone();
    let evidence_lost = acked_keys.iter().filter(|key| !stored_keys.contains(key.as_str())).count();
    let acked_set: HashSet<&str> = acked_keys.iter().map(String::as_str).collect();
    let evidence_unacked = stored_keys.iter().filter(|key| !acked_set.contains(*key)).count();
    let files = media_dir.map_or_else(|| "in the object store".to_string(), |dir| files_under(&dir.join("proctor")).to_string());
    let submitted: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = $1 AND submitted_at IS NOT NULL")
        .bind(world.exam)
        .fetch_one(&db.pool)
        .await?;
    println!(
        "\n  check: answers acknowledged {} (distinct attempt+question), stored {}, lost {answers_lost}, stored without an acknowledgement {answers_unacked}",
        acked.len(),
        stored_map.len()
    );
    println!(
        "  check: uploads acknowledged {}, rows {} ({} distinct keys), files {files}, lost {evidence_lost}, stored without an acknowledgement {evidence_unacked}",
        acked_keys.len(),
        keys.len(),
        stored_keys.len()
    );
    println!("  check: {submitted} of {n} attempts handed in");
    let unreadable = read_back_through_nodes(load, k, world, db).await?;

    let offered = n as f64 * REQUESTS_PER_CANDIDATE;
    let answer = r.kind("answer");
    let uploads_per_s = n as f64 * (2.0 / 60.0 + 1.0 / 60.0);
    // The image work the uploads bring, from the costs measured alone: what the request path
    // spends now, and what a full re-check of the usual share would take (the budget caps it).
    let path_cores = n as f64 * ((1.0 / 30.0) * costs.inspect_webcam_ms + (1.0 / 60.0) * costs.inspect_screen_ms) / 1e3;
    let recheck_cores = n as f64 * (1.0 / 30.0) * (costs.webcam_ms + costs.recheck_ms) * k.recheck as f64 / 100.0 / 1e3;
    println!(
        "  => offered {offered:.0} requests/s ({uploads_per_s:.0} uploads/s) = {:.1}% of the /healthz ceiling; the structural checks \
         need {:.1}% of one core at this rate, re-checking {}% of the snapshots would need {:.0}% (the budget allows {}%); the server \
         threads used {:.0}%, the machine {:.0}% of {}%",
        100.0 * offered / ceiling.rate,
        100.0 * path_cores,
        k.recheck,
        100.0 * recheck_cores,
        RECHECK.lock().unwrap().cpu_percent,
        Cpu::pct(r.cpu.server, r.elapsed),
        Cpu::pct(r.cpu.machine_busy, r.elapsed),
        cores() * 100
    );
    let lost = answers_lost + evidence_lost;
    // The server's side of the machine: its threads, SQLite's workers and PostgreSQL, without
    // the load generator, in percent of the whole machine.
    let server_side = Cpu::pct(r.cpu.server + r.cpu.sqlite + r.cpu.postgres + r.cpu.nodes + r.cpu.garage, r.elapsed) / cores() as f64;
    let served: usize = ["paper", "answer", "webcam", "screen"].iter().map(|kind| r.kind(kind).ok).sum();
    if k.target.is_some() && served > 0 {
        // The capacity model's unit costs (BENCHMARKS.md): CPU per request of the steady mix on
        // the app nodes and on PostgreSQL, per upload on the object store; per start and hand-in.
        let uploads = (r.kind("webcam").ok + r.kind("screen").ok).max(1) as f64;
        let started = world.people.len().max(1) as f64;
        println!(
            "  cost: steady mix per request: talap {:.2} ms CPU, postgres {:.2} ms; per upload: garage {:.2} ms; per hand-in: talap {:.2} ms, postgres {:.2} ms; per start: see the start phase ({} candidates)",
            1e3 * r.cpu.nodes / served as f64,
            1e3 * r.cpu.postgres / served as f64,
            1e3 * r.cpu.garage / uploads,
            1e3 * h.cpu.nodes / started,
            1e3 * h.cpu.postgres / started,
            world.people.len()
        );
        result("talap_ms_per_request", format!("{:.2}", 1e3 * r.cpu.nodes / served as f64));
        result("postgres_ms_per_request", format!("{:.2}", 1e3 * r.cpu.postgres / served as f64));
        result("garage_ms_per_upload", format!("{:.2}", 1e3 * r.cpu.garage / uploads));
    }
    let upload_p99 = r.kind("webcam").p99.max(r.kind("screen").p99);
    let doubled = keys.len() - stored_keys.len();
    let recheck = recheck_summary(db).await?;
    println!("  re-check: {recheck}");
    println!("  uploads told to come back (503 + Retry-After) and sent again: {}", BUSY_RETRIES.load(Ordering::Relaxed));
    println!("  requests that met no answer and were sent again: {}", RETRIES.load(Ordering::Relaxed));
    result("answer_p99_ms", format!("{:.0}", answer.p99));
    result("upload_p99_ms", format!("{upload_p99:.0}"));
    result("handin_p99_ms", format!("{:.0}", h.kind("hand-in").p99));
    result("served_rps", format!("{:.0}", served as f64 / r.elapsed));
    result("offered_rps", format!("{offered:.0}"));
    result("lost", lost);
    result("doubled", doubled);
    result("unacknowledged", answers_unacked + evidence_unacked);
    result("not_handed_in", n as i64 - submitted);
    result("errors", r.errors() + h.errors());
    result("retried", RETRIES.load(Ordering::Relaxed));
    if let Some(unreadable) = unreadable {
        result("unreadable", unreadable);
    }
    result("server_cpu_pct", format!("{server_side:.0}"));
    let sustained = r.errors() == 0 && lost == 0 && answer.p99 < TARGET_ANSWER_P99_MS && answer.ok > 0;
    let kinds = ["paper", "answer", "webcam", "screen"]
        .iter()
        .map(|kind| {
            let s = r.kind(kind);
            format!("{kind} {:.0}/{:.0}/{:.0}", s.p50, s.p95, s.p99)
        })
        .collect::<Vec<_>>()
        .join(", ");
    Ok(vec![
        format!(
            "steady: {n} candidates, {offered:.0} req/s offered, {} errors, p50/p95/p99 ms: {kinds}; lost answers {answers_lost}, lost uploads {evidence_lost} \
             -> {}",
            r.errors(),
            if sustained {
                "SUSTAINED (no errors, nothing lost, autosave p99 < 100 ms)".to_string()
            } else {
                format!(
                    "NOT sustained ({})",
                    [
                        (r.errors() > 0).then(|| format!("{} errors", r.errors())),
                        (lost > 0).then(|| format!("{lost} lost")),
                        (answer.p99 >= TARGET_ANSWER_P99_MS).then(|| format!("autosave p99 {:.0} ms", answer.p99)),
                    ]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ")
                )
            }
        ),
        format!(
            "steady targets: answer p99 {:.0} ms (< {TARGET_ANSWER_P99_MS:.0}), upload p99 {upload_p99:.0} ms (< {TARGET_UPLOAD_P99_MS:.0}), \
             server side {server_side:.0}% of the machine (<= {TARGET_SERVER_CPU_PCT:.0}%), lost {lost}, doubled {doubled}; re-check: {recheck}",
            answer.p99
        ),
        format!(
            "hand-in: {n} over {} s: {} errors, p50/p95/p99 {:.0}/{:.0}/{:.0} ms, {submitted} handed in -> target p99 < 1 s {}",
            k.handin_seconds,
            h.errors(),
            h.kind("hand-in").p50,
            h.kind("hand-in").p95,
            h.kind("hand-in").p99,
            if h.kind("hand-in").p99 < TARGET_HANDIN_P99_MS && h.errors() == 0 { "met" } else { "NOT met" }
        ),
    ])
}

/// Runs the BENCH_CHAOS commands at their seconds after `t0`, each in the background; their
/// tasks end when the commands do.
fn spawn_chaos(chaos: &[(f64, String)], t0: Instant) -> Vec<tokio::task::JoinHandle<()>> {
    chaos
        .iter()
        .cloned()
        .map(|(at, cmd)| {
            tokio::spawn(async move {
                tokio::time::sleep_until((t0 + Duration::from_secs_f64(at)).into()).await;
                println!("  chaos at {at:.0} s: {cmd}");
                let run = cmd.clone();
                let status = tokio::task::spawn_blocking(move || std::process::Command::new("sh").arg("-c").arg(&run).status()).await;
                match status {
                    Ok(Ok(s)) if s.success() => {}
                    other => println!("  chaos command failed ({other:?}): {cmd}"),
                }
            })
        })
        .collect()
}

/// With BENCH_NODES: every stored image of the exam read back through each node by its teacher,
/// and compared by size with what was stored. Returns how many reads failed (None: no nodes).
async fn read_back_through_nodes(load: &Arc<Load>, k: &Knobs, world: &Arc<World>, db: &app::db::Db) -> Res<Option<usize>> {
    use futures::StreamExt;
    if k.nodes.is_empty() {
        return Ok(None);
    }
    let images: Vec<(i64, i64)> =
        sqlx::query_as("SELECT e.id, e.bytes FROM proctor_evidence e JOIN exam_attempts a ON a.id = e.attempt_id WHERE a.exam_id = $1")
            .bind(world.exam)
            .fetch_all(&db.pool)
            .await?;
    let reads: Vec<(String, i64, i64)> =
        k.nodes.iter().flat_map(|node| images.iter().map(move |(id, bytes)| (node.clone(), *id, *bytes))).collect();
    let total = reads.len();
    let failed: Vec<String> = futures::stream::iter(reads)
        .map(|(node, id, bytes)| {
            let (client, cookie) = (load.client.clone(), world.teacher_cookie.clone());
            async move {
                let res = client.get(format!("{node}/api/proctor/image/{id}")).header("cookie", cookie).send().await;
                match res {
                    Ok(r) if r.status().is_success() => match r.bytes().await {
                        Ok(b) if b.len() as i64 == bytes => None,
                        Ok(b) => Some(format!("{node} image {id}: {} bytes, stored {bytes}", b.len())),
                        Err(e) => Some(format!("{node} image {id}: {e}")),
                    },
                    Ok(r) => Some(format!("{node} image {id}: {}", r.status())),
                    Err(e) => Some(format!("{node} image {id}: {}", error_text(&e))),
                }
            }
        })
        .buffer_unordered(32)
        .filter_map(|f| async move { f })
        .collect()
        .await;
    println!(
        "  check: {} images read back through each of {} nodes: {} of {total} reads failed{}",
        images.len(),
        k.nodes.len(),
        failed.len(),
        failed.first().map(|f| format!(" (first: {f})")).unwrap_or_default()
    );
    Ok(Some(failed.len()))
}

/// The background re-check after the run: frames checked, not re-checked (the budget did not
/// reach them in time), still waiting, and of those due, the flagged ones' share.
async fn recheck_summary(db: &app::db::Db) -> Res<String> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT recheck, COUNT(*) FROM proctor_evidence WHERE kind = 'webcam' GROUP BY recheck").fetch_all(&db.pool).await?;
    let count = |state: &str| rows.iter().find(|(s, _)| s == state).map_or(0, |(_, n)| *n);
    let budget = *RECHECK.lock().unwrap();
    Ok(format!(
        "budget {}% of a core; snapshots re-checked {}, not re-checked (missed) {}, waiting {}, not chosen {}, failed {}",
        budget.cpu_percent,
        count("done"),
        count("missed"),
        count("due"),
        count("none"),
        count("failed")
    ))
}

/// One candidate's browser during the steady state: four periodic timers with random phases.
/// Each request fires when due in its own task, whatever happened to the previous one (open
/// loop); the candidate waits for all of them at the end.
#[allow(clippy::too_many_arguments)]
async fn candidate(
    load: Arc<Load>,
    world: Arc<World>,
    sitters: Arc<Vec<Sitter>>,
    s: usize,
    acks: Arc<Acks>,
    webcam: axum::body::Bytes,
    screen: axum::body::Bytes,
    t0: Instant,
    seconds: f64,
    seed: u64,
) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed.wrapping_mul(0x2545_F491).wrapping_add(s as u64));
    // Seconds after t0 of the next paper load, answer, webcam snapshot and screenshot.
    let mut next: [f64; 4] = [rng.gen_range(0.0..30.0), rng.gen_range(0.0..30.0), rng.gen_range(0.0..30.0), rng.gen_range(0.0..60.0)];
    let mut count = [0usize; 4];
    let mut inflight = Vec::new();
    loop {
        let (which, at) = next.iter().copied().enumerate().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        if at >= seconds {
            break;
        }
        let due = t0 + Duration::from_secs_f64(at);
        tokio::time::sleep_until(due.into()).await;
        let seq = count[which];
        count[which] += 1;
        let choice = rng.gen_range(0..4usize);
        let (load, world, sitters, acks) = (load.clone(), world.clone(), sitters.clone(), acks.clone());
        let (webcam, screen) = (webcam.clone(), screen.clone());
        inflight.push(tokio::spawn(async move {
            let me = &sitters[s];
            let who = &world.people[me.person];
            let attempt = me.attempt.to_string();
            let post = |path: &str| load.post(path).header("cookie", &who.cookie).header("x-forwarded-for", &who.addr);
            match which {
                0 => {
                    let req = post("/api/exam/attempt").form(&[("attempt_id", attempt.as_str())]);
                    load.call("paper", due, req, |_, body| {
                        if body.contains("\"questions\":[{") {
                            Ok(())
                        } else {
                            Err(format!("no paper: {}", body.chars().take(200).collect::<String>()))
                        }
                    })
                    .await;
                }
                1 if !me.questions.is_empty() => {
                    // Each save answers the next question of the paper, naming the option by the
                    // id the paper shows; the server stores it by the option's index.
                    let question = me.questions[seq % me.questions.len()];
                    let sent = format!("{{\"Choice\":[\"{}\"]}}", option_id(&me.paper_key, question, choice));
                    let (question_id, answer) = (question.to_string(), format!("{{\"Choice\":[{choice}]}}"));
                    let req = post("/api/exam/answer").form(&[
                        ("attempt_id", attempt.as_str()),
                        ("question_id", question_id.as_str()),
                        ("answer", sent.as_str()),
                    ]);
                    let saved = load
                        .call(
                            "answer",
                            due,
                            req,
                            |_, body| if body.contains("saved_at") { Ok(()) } else { Err(format!("not saved: {body}")) },
                        )
                        .await;
                    if saved.is_some() {
                        acks.answers.lock().unwrap().insert((me.attempt, question), answer);
                    }
                }
                1 => {}
                _ => {
                    let retrying = !load.retry_for.is_zero();
                    let (kind, body) = if which == 2 { ("webcam", webcam) } else { ("screen", screen) };
                    let key = format!("k{:010}{kind}{seq:06}", me.attempt);
                    let mut req = post("/api/proctor/evidence")
                        .header("content-type", "image/jpeg")
                        .header("x-talap-attempt", attempt.as_str())
                        .header("x-talap-kind", kind)
                        .header("x-talap-key", &key)
                        .header("x-talap-captured-at", app::api::now_ms().to_string())
                        .body(body);
                    if kind == "webcam" {
                        // The browser saw one face; the server re-checks its usual share.
                        req = req.header("x-talap-faces", "1");
                    }
                    let stored = load
                        .call(kind, due, req, |_, body| {
                            // Sent again after no answer, an upload the first try stored is a
                            // duplicate: stored once, which is what counts.
                            if body.contains("\"duplicate\":false") || (retrying && body.contains("\"duplicate\":true")) {
                                Ok(())
                            } else {
                                Err(format!("not stored as new: {body}"))
                            }
                        })
                        .await;
                    if stored.is_some() {
                        acks.evidence.lock().unwrap().push(key);
                    }
                }
            }
        }));
        next[which] += match which {
            0 => rng.gen_range(30.0..90.0),
            1 | 2 => 30.0,
            _ => 60.0,
        };
    }
    for t in inflight {
        let _ = t.await;
    }
}

/// PostgreSQL only: rows read by sequential scans and index scans so far, per table. A table
/// that is scanned while it has an index for the query shows here (a plan chosen when the
/// table was empty, for instance), which CPU figures alone do not tell.
async fn table_scans(db: &app::db::Db) -> HashMap<String, (i64, i64, i64)> {
    if db.backend != app::db::Backend::Postgres {
        return HashMap::new();
    }
    let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
        "SELECT relname::TEXT, COALESCE(seq_scan, 0)::BIGINT, COALESCE(seq_tup_read, 0)::BIGINT, COALESCE(idx_scan, 0)::BIGINT
         FROM pg_stat_user_tables",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap_or_default();
    rows.into_iter().map(|(t, s, r, i)| (t, (s, r, i))).collect()
}

/// The tables whose sequential scans read the most rows between two `table_scans`.
fn print_scans(before: &HashMap<String, (i64, i64, i64)>, after: &HashMap<String, (i64, i64, i64)>) {
    let mut d: Vec<(&String, i64, i64, i64)> = after
        .iter()
        .map(|(t, (s, r, i))| {
            let (s0, r0, i0) = before.get(t).copied().unwrap_or_default();
            (t, s - s0, r - r0, i - i0)
        })
        .filter(|(_, s, _, i)| *s > 0 || *i > 0)
        .collect();
    if d.is_empty() {
        return;
    }
    d.sort_by_key(|(_, _, rows, _)| -rows);
    let top: Vec<String> =
        d.iter().take(4).map(|(t, s, rows, i)| format!("{t} {s} seq scans reading {rows} rows, {i} index scans")).collect();
    // Each backend reports its counters with a delay (up to about a second), so the last
    // moments of a phase may be missing; the order of magnitude is what counts.
    println!("  PostgreSQL tables read (pg_stat_user_tables): {}", top.join("; "));
}

fn files_under(dir: &std::path::Path) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else { return 0 };
    rd.flatten().map(|e| if e.path().is_dir() { files_under(&e.path()) } else { 1 }).sum()
}

// ---------------------------------------------------------------------------------------------
// Evidence images and what the server's checks of them cost
// ---------------------------------------------------------------------------------------------

/// Milliseconds of one core the server spends on each image, measured here alone with the
/// app's own functions: the structural check every upload gets on its request path, and what
/// the background re-check spends on a snapshot (a full decode, then the face detector). The
/// full decodes of both kinds are what every upload cost on its request path before issue 16.
struct ImageCosts {
    webcam_ms: f64,
    recheck_ms: f64,
    screen_ms: f64,
    inspect_webcam_ms: f64,
    inspect_screen_ms: f64,
}

impl ImageCosts {
    fn measure(webcam: &[u8], screen: &[u8]) -> ImageCosts {
        let time = |runs: usize, f: &dyn Fn()| {
            f(); // warm (the face model loads once per thread)
            let t = Instant::now();
            for _ in 0..runs {
                f();
            }
            t.elapsed().as_secs_f64() * 1e3 / runs as f64
        };
        let webcam_ms = time(50, &|| {
            let _ = app::proctor::ingest::check_image(webcam, false);
        });
        let with_faces = time(20, &|| {
            if let Ok(c) = app::proctor::ingest::check_image(webcam, true) {
                if let Some((g, w, h)) = c.gray.as_ref() {
                    let _ = app::proctor::ingest::count_faces(g, *w, *h);
                }
            }
        });
        let screen_ms = time(20, &|| {
            let _ = app::proctor::ingest::check_image(screen, false);
        });
        let inspect_webcam_ms = time(500, &|| {
            let _ = app::proctor::ingest::inspect_image(webcam);
        });
        let inspect_screen_ms = time(500, &|| {
            let _ = app::proctor::ingest::inspect_image(screen);
        });
        ImageCosts { webcam_ms, recheck_ms: (with_faces - webcam_ms).max(0.0), screen_ms, inspect_webcam_ms, inspect_screen_ms }
    }
}

/// A webcam-like frame: 320x240, smooth light with sensor noise, JPEG quality 70 (what the
/// browser client sends; the same frame as ingest.rs).
fn webcam_jpeg() -> Vec<u8> {
    let mut seed = 7u32;
    let img = image::RgbImage::from_fn(320, 240, |x, y| {
        seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let noise = ((seed >> 16) % 24) as i32 - 12;
        let base = 90 + (x as i32 * 80 / 320) + (y as i32 * 40 / 240);
        let v = |o: i32| (base + o + noise).clamp(0, 255) as u8;
        image::Rgb([v(20), v(0), v(-15)])
    });
    encode(&image::DynamicImage::ImageRgb8(img), 70)
}

/// A screen-like frame: 1280x720 with paragraphs of "text" on a light page, JPEG quality 70
/// (about what a real 1280-wide screenshot of a question page takes; the same as ingest.rs).
fn screen_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1280, 720, |x, y| {
        let line = y % 22;
        let word = (x / 7 + y / 22 * 13) % 11;
        let stroke = (x % 7 + (y / 22) % 3) % 4 == 0 || (line == 9 && x % 7 < 5);
        if (5..15).contains(&line) && word < 8 && stroke && x < 1000 && y % 264 < 132 {
            image::Rgb([30, 30, 40])
        } else if y < 40 {
            image::Rgb([40, 90, 160])
        } else {
            image::Rgb([250, 250, 250])
        }
    });
    encode(&image::DynamicImage::ImageRgb8(img), 70)
}

fn encode(img: &image::DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    img.write_with_encoder(enc).expect("jpeg");
    out
}
