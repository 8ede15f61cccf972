//! Evidence ingest benchmark (issue 3): how many proctoring uploads one node sustains.
//!
//! Generates candidates with open attempts of one proctored exam, starts the real server on
//! 127.0.0.1 (its own tokio runtime and threads), then uploads for a fixed time from many
//! concurrent clients the mix a candidate sends: a webcam snapshot every 30 s and a screen
//! screenshot every 60 s (two snapshots per screenshot), real JPEG bytes of realistic size,
//! each with a fresh idempotency key and the browser's face count (so the server re-checks its
//! usual share). In the same run it measures `GET /healthz` at the same concurrency: the
//! machine's ceiling for a trivial request, so the upload figures read as a ratio to it.
//!
//! Prints uploads/s, p50/p95/p99 per kind, errors, the process's CPU use, and the number of
//! candidates that rate sustains (one candidate = 2/30 + 1/60 = 1/12 uploads per second).
//! Run it with `scripts/bench-ingest.sh` (release build).
//!
//! Options (environment): BENCH_DATABASE_URL (default: a fresh SQLite file in a temp folder; a
//! postgres:// URL to an empty database runs it on PostgreSQL), BENCH_CANDIDATES (500),
//! BENCH_CONCURRENCY (64 uploads in flight), BENCH_SECONDS (20), BENCH_RECHECK (the exam's
//! re-check share of unflagged snapshots, percent, 20).

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn env_n(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Uploads per second one candidate sends with the default intervals.
const PER_CANDIDATE: f64 = 2.0 / 60.0 + 1.0 / 60.0;

struct Candidate {
    attempt: i64,
    cookie: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let candidates = env_n("BENCH_CANDIDATES", 500);
    let concurrency = env_n("BENCH_CONCURRENCY", 64);
    let seconds = env_n("BENCH_SECONDS", 20) as u64;
    let recheck = env_n("BENCH_RECHECK", 20) as i64;
    let tmp = tempfile::tempdir()?;
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/bench.db?mode=rwc", tmp.path().display()));

    // The server: its own runtime, as a separate process would have.
    let server_rt = tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("server").build()?;
    let (db, base, people) = server_rt.block_on(async {
        let db = app::db::Db::connect(&url, 16).await?;
        db.migrate().await?;
        let people = generate(&db, candidates, recheck).await?;
        let mut config =
            server::config::Config::from_cli(server::config::Cli { config: "/nonexistent/talap.toml".into(), ..Default::default() })?;
        config.database_url = url.clone();
        config.media_dir = tmp.path().join("media");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let media = server::media_store(&config).expect("media store");
        // The server's background re-check, as `talap` runs it (its CPU counts as the server's).
        app::proctor::recheck::spawn(db.clone(), media.clone(), config.recheck);
        let router = server::router(&config, db.clone(), media);
        tokio::spawn(async move {
            let _ = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await;
        });
        Ok::<_, Box<dyn std::error::Error>>((db, format!("http://{addr}"), people))
    })?;
    let server_thread = std::thread::spawn(move || server_rt.block_on(std::future::pending::<()>()));
    drop(server_thread);

    let (webcam, screen) = (webcam_jpeg(), screen_jpeg());
    println!(
        "ingest bench on {:?}: {candidates} candidates, {concurrency} uploads in flight, {seconds} s per phase; snapshot {} KB, screenshot {} KB, re-check {recheck}% of unflagged snapshots",
        db.backend,
        webcam.len() / 1024,
        screen.len() / 1024
    );

    let client_rt = tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("client").build()?;
    client_rt.block_on(async {
        let client = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build()?;
        let people = Arc::new(people);
        let (webcam, screen) = (axum::body::Bytes::from(webcam), axum::body::Bytes::from(screen));

        // Phase 1: the ceiling, a trivial request at the same concurrency.
        let ceiling = run(concurrency, seconds, {
            let (client, base) = (client.clone(), base.clone());
            move |_n| {
                let (client, base) = (client.clone(), base.clone());
                async move {
                    let r = client.get(format!("{base}/healthz")).send().await.map_err(|e| e.to_string())?;
                    r.bytes().await.map_err(|e| e.to_string())?;
                    Ok("healthz")
                }
            }
        })
        .await;
        ceiling.print("GET /healthz (ceiling)");

        // Phase 2: evidence uploads, two snapshots per screenshot.
        let cpu0 = cpu_seconds();
        let uploads = run(concurrency, seconds, {
            let (client, base, people) = (client.clone(), base.clone(), people.clone());
            move |n| {
                let (client, base, people) = (client.clone(), base.clone(), people.clone());
                let (webcam, screen) = (webcam.clone(), screen.clone());
                async move {
                    let who = &people[n % people.len()];
                    let (kind, body) = if n % 3 == 2 { ("screen", screen) } else { ("webcam", webcam) };
                    let mut req = client
                        .post(format!("{base}/api/proctor/evidence"))
                        .header("cookie", &who.cookie)
                        .header("content-type", "image/jpeg")
                        .header("x-talap-attempt", who.attempt.to_string())
                        .header("x-talap-kind", kind)
                        .header("x-talap-key", format!("bench-{n:012}-{}", who.attempt))
                        .header("x-talap-captured-at", app::api::now_ms().to_string())
                        .body(body);
                    if kind == "webcam" {
                        req = req.header("x-talap-faces", "1");
                    }
                    let r = req.send().await.map_err(|e| e.to_string())?;
                    let status = r.status();
                    let text = r.text().await.map_err(|e| e.to_string())?;
                    if !status.is_success() || text.contains("\"duplicate\":true") {
                        return Err(format!("{status} {text}"));
                    }
                    Ok(kind)
                }
            }
        })
        .await;
        let cpu = cpu_seconds() - cpu0;
        uploads.print("POST /api/proctor/evidence");
        let rate = uploads.ok as f64 / uploads.elapsed.as_secs_f64();
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM proctor_evidence").fetch_one(&db.pool).await?;
        let rechecked: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM proctor_evidence WHERE faces_server IS NOT NULL").fetch_one(&db.pool).await?;
        println!(
            "stored {stored} rows for {} acknowledged uploads (lost: {}); {rechecked} snapshots re-checked by the server",
            uploads.ok,
            uploads.ok as i64 - stored
        );
        println!(
            "process CPU during uploads: {:.0}% of one core (server and load generator together, {} cores)",
            100.0 * cpu / uploads.elapsed.as_secs_f64(),
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
        );
        println!(
            "=> {rate:.0} uploads/s = {:.1}% of the ceiling; sustains about {:.0} candidates (snapshot every 30 s, screenshot every 60 s)",
            100.0 * rate / (ceiling.ok as f64 / ceiling.elapsed.as_secs_f64()),
            rate / PER_CANDIDATE
        );
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    // The server's runtime stops with the process.
    std::process::exit(0)
}

/// What one phase measured.
struct Phase {
    ok: usize,
    errors: usize,
    first_error: Option<String>,
    elapsed: Duration,
    by_kind: Vec<(&'static str, Vec<Duration>)>,
}

impl Phase {
    fn print(&self, name: &str) {
        println!(
            "{name}: {} ok in {:.1} s = {:.0}/s, {} errors{}",
            self.ok,
            self.elapsed.as_secs_f64(),
            self.ok as f64 / self.elapsed.as_secs_f64(),
            self.errors,
            self.first_error.as_deref().map(|e| format!(" (first: {})", e.chars().take(200).collect::<String>())).unwrap_or_default()
        );
        for (kind, samples) in &self.by_kind {
            let mut s = samples.clone();
            s.sort();
            let p = |q: f64| s.get(((s.len() as f64 * q) as usize).min(s.len().saturating_sub(1))).copied().unwrap_or_default();
            println!(
                "  {kind:<8} n={:<6} p50 {:>6.1} ms  p95 {:>6.1} ms  p99 {:>6.1} ms  max {:>6.1} ms",
                s.len(),
                p(0.50).as_secs_f64() * 1e3,
                p(0.95).as_secs_f64() * 1e3,
                p(0.99).as_secs_f64() * 1e3,
                s.last().copied().unwrap_or_default().as_secs_f64() * 1e3
            );
        }
    }
}

/// Runs `job(n)` from `concurrency` workers for `seconds`, numbering the jobs 0, 1, 2...
async fn run<F, Fut>(concurrency: usize, seconds: u64, job: F) -> Phase
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<&'static str, String>> + Send,
{
    let job = Arc::new(job);
    let next = Arc::new(AtomicUsize::new(0));
    let samples: Arc<Mutex<Vec<(&'static str, Duration)>>> = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new((0usize, None::<String>)));
    let start = Instant::now();
    let stop = start + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    for _ in 0..concurrency {
        let (job, next, samples, errors) = (job.clone(), next.clone(), samples.clone(), errors.clone());
        workers.push(tokio::spawn(async move {
            while Instant::now() < stop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                let t = Instant::now();
                match job(n).await {
                    Ok(kind) => samples.lock().unwrap().push((kind, t.elapsed())),
                    Err(e) => {
                        let mut g = errors.lock().unwrap();
                        g.0 += 1;
                        g.1.get_or_insert(e);
                    }
                }
            }
        }));
    }
    for w in workers {
        let _ = w.await;
    }
    let elapsed = start.elapsed();
    let samples = std::mem::take(&mut *samples.lock().unwrap());
    let mut by_kind: Vec<(&'static str, Vec<Duration>)> = Vec::new();
    for (kind, d) in &samples {
        match by_kind.iter_mut().find(|(k, _)| k == kind) {
            Some((_, v)) => v.push(*d),
            None => by_kind.push((kind, vec![*d])),
        }
    }
    let (errors, first_error) = std::mem::take(&mut *errors.lock().unwrap());
    Phase { ok: samples.len(), errors, first_error, elapsed, by_kind }
}

/// User and system CPU time of this process so far, from /proc (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name in parentheses; utime and stime are the 14th and 15th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// A webcam-like frame: 320x240, smooth light with sensor noise, JPEG quality 70 (what the
/// browser client sends).
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
/// (about the 100-150 KB a real 1280-wide screenshot of a question page takes).
fn screen_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1280, 720, |x, y| {
        let line = y % 22;
        let word = (x / 7 + y / 22 * 13) % 11;
        // Strokes of letters: short runs in each 7-pixel cell of a word, varying by line.
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

/// A college group of `n` students, each with a started attempt of one proctored exam and a
/// session (inserted directly: signing 15 000 people in is the olympiad benchmark's business).
async fn generate(db: &app::db::Db, n: usize, recheck: i64) -> Result<Vec<Candidate>, Box<dyn std::error::Error>> {
    let now = app::api::now_ms();
    let mut tx = db.begin().await?;
    let org = |parent: i64, kind: &'static str, name: &'static str| {
        sqlx::query_scalar::<_, i64>("INSERT INTO organisations (parent_id, kind, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(parent)
            .bind(kind)
            .bind(name)
            .bind(now)
    };
    let region = org(app::admin::model::ROOT_ORG_ID, "region", "Bench region").fetch_one(&mut *tx).await?;
    let college = org(region, "college", "Bench college").fetch_one(&mut *tx).await?;
    let group = org(college, "group", "Bench group").fetch_one(&mut *tx).await?;
    let user = |login: String| {
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO users (login, full_name, password_hash, created_at) VALUES ($1, $1, 'x', $2) RETURNING id",
        )
        .bind(login)
        .bind(now)
    };
    let teacher = user("bench.teacher".into()).fetch_one(&mut *tx).await?;
    let journal: i64 = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
         VALUES ($1, 'Bench', $2, '2026-09-01', '2026-12-31', 'five', 'Bench', $2, $3) RETURNING id",
    )
    .bind(group)
    .bind(teacher)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let exam: i64 = sqlx::query_scalar(
        "INSERT INTO exams (journal_id, title, form, opens_at, closes_at, duration_min, draw, recheck_percent, created_by, created_at)
         VALUES ($1, 'Bench exam', 'test', $2, $3, 600, '[]', $4, $5, $2) RETURNING id",
    )
    .bind(journal)
    .bind(now - 60_000)
    .bind(now + 36_000_000)
    .bind(recheck)
    .bind(teacher)
    .fetch_one(&mut *tx)
    .await?;
    let mut people = Vec::with_capacity(n);
    for i in 0..n {
        let student = user(format!("bench.s{i}")).fetch_one(&mut *tx).await?;
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
        let attempt: i64 = sqlx::query_scalar(
            "INSERT INTO exam_attempts (exam_id, student_id, started_at, deadline_at, questions, proctored, last_seen_at)
             VALUES ($1, $2, $3, $4, '[]', 1, $3) RETURNING id",
        )
        .bind(exam)
        .bind(student)
        .bind(now - 1_000)
        .bind(now + 36_000_000)
        .fetch_one(&mut *tx)
        .await?;
        let token = app::auth::ssr::random_token();
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, '127.0.0.1', 'bench')")
            .bind(app::auth::ssr::sha256_hex(&token))
            .bind(student)
            .bind(now)
            .bind(now + 36_000_000)
            .execute(&mut *tx)
            .await?;
        people.push(Candidate { attempt, cookie: format!("{}={token}", app::auth::ssr::SESSION_COOKIE) });
    }
    tx.commit().await?;
    Ok(people)
}
