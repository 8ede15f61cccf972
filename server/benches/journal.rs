//! Journal benchmark: generates a college (40 groups of 25 students, 12 subjects each, a
//! semester of lessons with marks), starts the real server on 127.0.0.1, and measures over HTTP
//! what a teacher waits for: the journal page rendered on the server, the grid's data, and
//! saving one mark. Prints percentiles. Run it with `scripts/bench-journal.sh` (release build).
//!
//! Options (environment): BENCH_DATABASE_URL (default: a fresh SQLite file in a temp folder;
//! a postgres:// URL to an empty database runs it on PostgreSQL), BENCH_GROUPS (40),
//! BENCH_STUDENTS (25), BENCH_SUBJECTS (12), BENCH_LESSONS (80 lessons in the measured journal;
//! the others get a semester of 2 pairs a week), BENCH_RENDERS (200), BENCH_SAVES (1000).

use app::auth::model::Role;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn env_n(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

const PASSWORD: &str = "bench-pass-2026";

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `cargo bench` passes --bench; nothing else is read from the command line.
    let (groups, students, subjects, big_lessons) =
        (env_n("BENCH_GROUPS", 40), env_n("BENCH_STUDENTS", 25), env_n("BENCH_SUBJECTS", 12), env_n("BENCH_LESSONS", 80));
    let (renders, saves) = (env_n("BENCH_RENDERS", 200), env_n("BENCH_SAVES", 1000));
    let tmp = tempfile::tempdir()?;
    let url = std::env::var("BENCH_DATABASE_URL").unwrap_or_else(|_| format!("sqlite://{}/bench.db?mode=rwc", tmp.path().display()));
    let db = app::db::Db::connect(&url, 16).await?;
    db.migrate().await?;
    let t0 = Instant::now();
    let (journal, big_students) = generate(&db, groups, students, subjects, big_lessons).await?;
    // A live database has planner statistics (autovacuum's ANALYZE); a freshly loaded one has
    // none until autovacuum gets to it, so gather them as it would.
    if db.backend == app::db::Backend::Postgres {
        sqlx::query("ANALYZE").execute(&db.pool).await?;
    }
    let counts: (i64, i64, i64) = (
        sqlx::query_scalar("SELECT COUNT(*) FROM journals").fetch_one(&db.pool).await?,
        sqlx::query_scalar("SELECT COUNT(*) FROM lessons").fetch_one(&db.pool).await?,
        sqlx::query_scalar("SELECT COUNT(*) FROM journal_cells").fetch_one(&db.pool).await?,
    );
    println!(
        "generated on {:?} in {:.1} s: {groups} groups x {students} students, {} journals, {} lessons, {} marks and codes",
        db.backend,
        t0.elapsed().as_secs_f64(),
        counts.0,
        counts.1,
        counts.2
    );

    let mut config =
        server::config::Config::from_cli(server::config::Cli { config: "/nonexistent/talap.toml".into(), ..Default::default() })?;
    config.database_url = url.clone();
    config.media_dir = tmp.path().join("media");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = server::router(&config, db.clone(), server::media_store(&config).expect("media store"));
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await;
    });
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder().cookie_store(true).build()?;
    let login = client.post(format!("{base}/api/auth/login")).form(&[("login", "bench.teacher"), ("password", PASSWORD)]).send().await?;
    assert!(login.status().is_success(), "sign-in failed: {}", login.text().await?);

    // Warm-up, then the measured runs.
    let page_url = format!("{base}/journals/{journal}");
    for _ in 0..5 {
        client.get(&page_url).send().await?.bytes().await?;
    }
    let mut page = Vec::with_capacity(renders);
    let mut page_bytes = 0;
    for _ in 0..renders {
        let t = Instant::now();
        let r = client.get(&page_url).send().await?;
        assert!(r.status().is_success());
        page_bytes = r.bytes().await?.len();
        page.push(t.elapsed());
    }
    let mut data = Vec::with_capacity(renders);
    for _ in 0..renders {
        let t = Instant::now();
        let r = client.post(format!("{base}/api/journal/get")).form(&[("journal_id", journal.to_string())]).send().await?;
        assert!(r.status().is_success());
        r.bytes().await?;
        data.push(t.elapsed());
    }
    let lesson_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM lessons WHERE journal_id = $1 ORDER BY lesson_date, pair")
        .bind(journal)
        .fetch_all(&db.pool)
        .await?;
    let mut save = Vec::with_capacity(saves);
    for i in 0..saves {
        // Every save changes the cell (5 -> 4 -> 3 ...) so each one writes a row and a history line.
        let lesson = lesson_ids[i % lesson_ids.len()];
        let student = big_students[(i / lesson_ids.len()) % big_students.len()];
        let value = ["5", "4", "3", "н"][i % 4];
        let t = Instant::now();
        let r = client
            .post(format!("{base}/api/journal/cell"))
            .form(&[
                ("journal_id", journal.to_string()),
                ("lesson_id", lesson.to_string()),
                ("student_id", student.to_string()),
                ("value", value.to_string()),
                ("reason", "benchmark".to_string()),
            ])
            .send()
            .await?;
        let status = r.status();
        let body = r.text().await?;
        assert!(status.is_success(), "save failed: {status} {body}");
        save.push(t.elapsed());
    }
    println!();
    println!("journal of {} students x {} lessons ({} KiB of HTML)", big_students.len(), lesson_ids.len(), page_bytes / 1024);
    println!("{:<34} {:>6} {:>9} {:>9} {:>9} {:>9}", "", "n", "p50 ms", "p95 ms", "p99 ms", "max ms");
    report("GET /journals/:id (server render)", &mut page);
    report("POST /api/journal/get (grid data)", &mut data);
    report("POST /api/journal/cell (save mark)", &mut save);
    server.abort();
    Ok(())
}

fn report(name: &str, samples: &mut [Duration]) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0;
    println!("{:<34} {:>6} {:>9.2} {:>9.2} {:>9.2} {:>9.2}", name, samples.len(), pct(0.5), pct(0.95), pct(0.99), pct(1.0));
}

/// Writes the college in one transaction per group. Returns the measured journal (the first
/// group's first subject, taught by bench.teacher, with `big_lessons` lessons) and its students.
async fn generate(
    db: &app::db::Db,
    groups: usize,
    students: usize,
    subjects: usize,
    big_lessons: usize,
) -> Result<(i64, Vec<i64>), Box<dyn std::error::Error>> {
    use app::journal::semester::{fill, Date, Semester, Timetable, TimetableItem, Weekday};
    let hash = app::auth::ssr::hash_password(PASSWORD).await.map_err(|e| format!("{e:?}"))?;
    let now = app::api::now_ms();
    let mut tx = db.begin().await?;
    let college: i64 = sqlx::query_scalar(
        "INSERT INTO organisations (parent_id, kind, name, created_at) VALUES (1, 'college', 'Колледж', $1) RETURNING id",
    )
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let mut teachers = Vec::new();
    for t in 0..subjects {
        let login = if t == 0 { "bench.teacher".to_string() } else { format!("bench.teacher{t}") };
        let id: i64 =
            sqlx::query_scalar("INSERT INTO users (login, full_name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(&login)
                .bind(format!("Оқытушы {t}"))
                .bind(&hash)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query("INSERT INTO role_assignments (user_id, role, org_id, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(Role::Teacher.code())
            .bind(college)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        teachers.push(id);
    }
    tx.commit().await?;

    let msg = |m: app::i18n::Msg| format!("{m:?}");
    let semester = Semester::new(Date::parse("2026-09-01").map_err(msg)?, Date::parse("2026-12-31").map_err(msg)?).map_err(msg)?;
    let two = app::journal::model::AcademicHours::parse("2").map_err(msg)?;
    let slot = |weekday, pair| TimetableItem { weekday, pair, hours: two, week_parity: None };
    let usual = fill(semester, &Timetable::new(vec![slot(Weekday::Mon, 1), slot(Weekday::Thu, 2)]).map_err(msg)?, &[], &[]).lessons;
    // Five pairs a week give the measured journal its 80-odd lessons.
    let dense = Timetable::new(vec![
        slot(Weekday::Mon, 1),
        slot(Weekday::Tue, 2),
        slot(Weekday::Wed, 3),
        slot(Weekday::Thu, 4),
        slot(Weekday::Fri, 5),
    ])
    .map_err(msg)?;
    let big: Vec<_> = fill(semester, &dense, &[], &[]).lessons.into_iter().take(big_lessons).collect();

    let mut measured = (0, Vec::new());
    for g in 0..groups {
        let mut tx = db.begin().await?;
        let group: i64 =
            sqlx::query_scalar("INSERT INTO organisations (parent_id, kind, name, created_at) VALUES ($1, 'group', $2, $3) RETURNING id")
                .bind(college)
                .bind(format!("Топ-{g:02}"))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
        sqlx::query("INSERT INTO study_groups (group_id, specialty_code, specialty_name) VALUES ($1, $2, $3)")
            .bind(group)
            .bind(format!("0{}", 6130100 + (g % 4) * 100))
            .bind(format!("Мамандық {}", g % 4))
            .execute(&mut *tx)
            .await?;
        let mut ids = Vec::new();
        // The measured journal's group has 30 students, the size the target names.
        for s in 0..if g == 0 { students.max(30) } else { students } {
            let id: i64 =
                sqlx::query_scalar("INSERT INTO users (login, full_name, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
                    .bind(format!("s{g}.{s}"))
                    .bind(format!("Студент {g:02}-{s:02}"))
                    .bind(&hash)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
            sqlx::query("INSERT INTO role_assignments (user_id, role, org_id, created_at) VALUES ($1, 'student', $2, $3)")
                .bind(id)
                .bind(group)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            ids.push(id);
        }
        for (k, teacher) in teachers.iter().enumerate() {
            let journal: i64 = sqlx::query_scalar(
                "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
                 VALUES ($1, $2, $3, '2026-09-01', '2026-12-31', 'five', $4, $3, $5) RETURNING id",
            )
            .bind(group)
            .bind(format!("Пән {k}"))
            .bind(teacher)
            .bind(format!("Топ-{g:02} · Пән {k}"))
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            let lessons = if g == 0 && k == 0 { &big } else { &usual };
            for (n, l) in lessons.iter().enumerate() {
                let lesson: i64 = sqlx::query_scalar(
                    "INSERT INTO lessons (journal_id, lesson_date, pair, half_hours, lesson_type, topic, created_at)
                     VALUES ($1, $2, $3, 4, $4, $5, $6) RETURNING id",
                )
                .bind(journal)
                .bind(l.date.to_string())
                .bind(i64::from(l.pair))
                .bind(if n % 10 == 9 { "attestation" } else { "theory" })
                .bind(format!("Тақырып {n}"))
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                // About a third of the cells hold a mark or a code, as in a real journal.
                for (s, student) in ids.iter().enumerate() {
                    let v = (n * 7 + s * 3 + k) % 9;
                    let (mark, code) = match v {
                        0 => (Some(5), None),
                        1 => (Some(4), None),
                        2 => (Some(3), None),
                        3 if n % 10 == 9 => (Some(4), None),
                        4 if s % 5 == 0 => (None, Some("n")),
                        _ => continue,
                    };
                    sqlx::query(
                        "INSERT INTO journal_cells (lesson_id, student_id, mark, attendance, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(lesson)
                    .bind(*student)
                    .bind(mark)
                    .bind(code)
                    .bind(teacher)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            if g == 0 && k == 0 {
                measured = (journal, ids.clone());
            }
        }
        tx.commit().await?;
    }
    Ok(measured)
}
