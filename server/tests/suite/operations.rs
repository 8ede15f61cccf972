//! Operations (issue 21), on both backends. Backups, restores and exports (`talap
//! backup|restore|export`): backup -> a new empty installation -> restore gives back every
//! table's rows and every media object, and the restored site works (people sign in and see
//! their journals). `/metrics`: counters move with traffic, and only the operator reads them.

use crate::common;

use app::media::MediaStore;
use common::{empty_db, fresh_db, spawn_app_on, spawn_app_with, Backend};
use serde_json::Value;
use server::backup::{self, tables};
use std::collections::BTreeMap;

/// Every table's rows, as the backup reads them, and the row counts as the database counts them.
async fn dump(db: &app::db::Db) -> BTreeMap<String, Vec<Vec<Value>>> {
    let mut conn = db.pool.acquire().await.unwrap();
    let schema = tables::schema(&mut conn, db.backend).await.unwrap();
    let mut out = BTreeMap::new();
    for t in &schema {
        let mut rows = Vec::new();
        tables::read_rows(&mut conn, t, |r| {
            rows.push(r);
            Ok(())
        })
        .await
        .unwrap();
        out.insert(t.name.clone(), rows);
    }
    let counts = tables::row_counts(db).await.unwrap();
    assert_eq!(counts, out.iter().map(|(t, r)| (t.clone(), r.len() as i64)).collect(), "the reader saw every row");
    out
}

async fn objects(media: &MediaStore) -> BTreeMap<String, Vec<u8>> {
    use futures::TryStreamExt;
    let keys: Vec<(String, u64)> = media.list().try_collect().await.unwrap();
    let mut out = BTreeMap::new();
    for (k, _) in keys {
        let bytes = media.get(&k).await.unwrap();
        out.insert(k, bytes);
    }
    out
}

async fn backup_wipe_restore(backend: Backend) {
    // A demo installation with media and text that CSV and JSON must carry unchanged.
    let app = spawn_app_with(backend, true).await;
    let media = server::media_store(&app.config).unwrap();
    media.put("proctor/1/webcam/0001.jpg", vec![0xFF, 0xD8, 1, 2, 3, 0xFF, 0xD9]).await.unwrap();
    media.put("assignments/4/5/answer.pdf", b"%PDF-1.7 answer".to_vec()).await.unwrap();
    // The same content under two keys is stored once in the backup.
    media.put("assignments/4/6/answer.pdf", b"%PDF-1.7 answer".to_vec()).await.unwrap();
    sqlx::query("UPDATE organisations SET name = $1 WHERE id = 1")
        .bind("Talap \"root\", Қазақстан\nline two; 'quoted'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let teacher = app.signed_in("teacher", server::demo::DEMO_PASSWORD).await;
    let journals_before = app.call(&teacher, "/api/journal/list", &[]).await;
    assert!(journals_before.status.is_success(), "{}", journals_before.body);
    assert!(journals_before.body.contains("title"), "the demo teacher has a journal: {}", journals_before.body);

    let dir = tempfile::tempdir().unwrap();
    let (folder, manifest) = backup::backup(&app.db, &media, dir.path()).await.unwrap();
    assert_eq!(manifest.schema_version, app.db.latest_migration());
    assert_eq!(manifest.media.objects, 3);
    let before = dump(&app.db).await;
    let media_before = objects(&media).await;
    assert!(before["users"].len() >= 5 && before["journal_cells"].len() > 10, "the demo data is there");
    assert!(!folder.file_name().unwrap().to_str().unwrap().starts_with('.'), "a finished backup has its final name");
    let blobs = walk(&dir.path().join("media"));
    assert_eq!(blobs, 2, "objects are stored by content: two distinct contents");

    // A new installation: a database that was never migrated and an empty media folder.
    let target = empty_db(backend).await;
    let target_media_dir = tempfile::tempdir().unwrap();
    let target_media = MediaStore::local(target_media_dir.path()).unwrap();
    let restored = backup::restore(&target.db, &target_media, &folder).await.unwrap();
    assert_eq!(restored.objects, 3);
    assert_eq!(restored.rows, before.values().map(|r| r.len() as u64).sum::<u64>());
    assert_eq!(dump(&target.db).await, before, "every table's rows restored");
    assert_eq!(objects(&target_media).await, media_before, "every media object restored");

    // Restoring again into the same (no longer empty) installation is refused.
    let again = backup::restore(&target.db, &target_media, &folder).await.unwrap_err();
    assert!(again.contains("not empty"), "{again}");

    // The restored site works: the teacher signs in with the same password and sees the same
    // journals; new rows take new ids (PostgreSQL's sequences moved past the restored ones).
    let restored_app = spawn_app_on(target, target_media_dir, |_| {}, None).await;
    let teacher = restored_app.signed_in("teacher", server::demo::DEMO_PASSWORD).await;
    let journals_after = restored_app.call(&teacher, "/api/journal/list", &[]).await;
    assert_eq!(journals_after.body, journals_before.body);
    let org = restored_app.make_org(1, "school", "A school added after the restore").await;
    assert!(before["organisations"].iter().all(|r| r[0] != Value::from(org)), "a new organisation gets a new id ({org})");
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p)
            } else {
                1
            }
        })
        .sum()
}

/// A restore checks before it writes: a damaged file, a backup from a newer Talap and a target
/// that already holds data are refused, and the target is left as it was.
async fn a_restore_refuses_what_it_cannot_restore_whole(backend: Backend) {
    let source = fresh_db(backend).await;
    server::demo::load_if_empty(&source.db).await.unwrap();
    let media_dir = tempfile::tempdir().unwrap();
    let media = MediaStore::local(media_dir.path()).unwrap();
    media.put("proctor/2/screen/a.jpg", vec![1, 2, 3]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (folder, manifest) = backup::backup(&source.db, &media, dir.path()).await.unwrap();

    let target = empty_db(backend).await;
    let target_media_dir = tempfile::tempdir().unwrap();
    let target_media = MediaStore::local(target_media_dir.path()).unwrap();

    // A newer schema than this build knows.
    let mut newer = manifest.clone();
    newer.schema_version = target.db.latest_migration() + 1;
    let newer_dir = dir.path().join("talap-newer");
    copy_dir(&folder, &newer_dir);
    std::fs::write(newer_dir.join("manifest.json"), serde_json::to_vec(&newer).unwrap()).unwrap();
    let e = backup::restore(&target.db, &target_media, &newer_dir).await.unwrap_err();
    assert!(e.contains("newer Talap"), "{e}");

    // A damaged table file.
    let damaged_dir = dir.path().join("talap-damaged");
    copy_dir(&folder, &damaged_dir);
    let users = damaged_dir.join("tables/users.jsonl.gz");
    let mut bytes = std::fs::read(&users).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xFF;
    std::fs::write(&users, bytes).unwrap();
    let e = backup::restore(&target.db, &target_media, &damaged_dir).await.unwrap_err();
    assert!(e.contains("damaged"), "{e}");

    // A target that holds data.
    let busy = fresh_db(backend).await;
    server::demo::load_if_empty(&busy.db).await.unwrap();
    let e = backup::restore(&busy.db, &target_media, &folder).await.unwrap_err();
    assert!(e.contains("not empty"), "{e}");

    // Nothing was written by the refusals: the target is still never migrated, its store empty.
    assert_eq!(target.db.schema_version().await.unwrap(), None);
    assert!(objects(&target_media).await.is_empty());
    // And the backup itself restores.
    backup::restore(&target.db, &target_media, &folder).await.unwrap();
    assert_eq!(objects(&target_media).await.len(), 1);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// The export: a CSV per table whose rows equal the database's, a README of the columns, the
/// media under their keys; a folder that is not empty is refused.
async fn the_export_is_every_table_as_csv_and_the_media(backend: Backend) {
    let source = fresh_db(backend).await;
    server::demo::load_if_empty(&source.db).await.unwrap();
    sqlx::query("UPDATE organisations SET name = $1 WHERE id = 1").bind("Қазақ, \"Talap\"\nline").execute(&source.db.pool).await.unwrap();
    let media_dir = tempfile::tempdir().unwrap();
    let media = MediaStore::local(media_dir.path()).unwrap();
    media.put("proctor/3/webcam/b.jpg", vec![9, 8, 7]).await.unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("export");
    let e = server::backup::export::export(&source.db, &media, &dir).await.unwrap();
    let counts = tables::row_counts(&source.db).await.unwrap();
    assert_eq!(e.tables, counts.len());
    for (table, n) in &counts {
        let mut r = csv::Reader::from_path(dir.join("tables").join(format!("{table}.csv"))).unwrap();
        assert_eq!(r.records().count() as i64, *n, "{table}.csv has every row");
    }
    let mut orgs = csv::Reader::from_path(dir.join("tables/organisations.csv")).unwrap();
    let header = orgs.headers().unwrap().clone();
    let name_col = header.iter().position(|h| h == "name").unwrap();
    let first = orgs.records().next().unwrap().unwrap();
    assert_eq!(&first[name_col], "Қазақ, \"Talap\"\nline");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("### journal_cells") && readme.contains("| lesson_id | integer | lessons |"), "{readme}");
    assert_eq!(std::fs::read(dir.join("media/proctor/3/webcam/b.jpg")).unwrap(), vec![9, 8, 7]);
    let again = server::backup::export::export(&source.db, &media, &dir).await.unwrap_err();
    assert!(again.contains("not empty"), "{again}");
}

/// The header and the rows of one table of an export.
fn exported_table(dir: &std::path::Path, table: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(dir.join("tables").join(format!("{table}.csv"))).unwrap();
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

/// One person's export (law 94-V, a data subject's request): their rows in every table that
/// holds any, with what hangs off their attempts, and their images; nobody else's rows or
/// images, and not their password's hash. Every table that refers to an account is either in
/// the person's export or listed as not about the person, so a new table cannot be forgotten.
async fn one_persons_export_is_theirs_alone(backend: Backend) {
    use server::backup::export::{export_person, NOT_ABOUT_THE_PERSON, PERSON};
    let source = fresh_db(backend).await;
    server::demo::load_if_empty(&source.db).await.unwrap();
    let db = &source.db;
    let id = |login: &'static str| async move {
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE login = $1").bind(login).fetch_one(&db.pool).await.unwrap()
    };
    let (me, other) = (id("student1").await, id("student2").await);
    // An exam of its own: the demo's students may have sat the demo's.
    let exam: i64 = sqlx::query_scalar(
        "INSERT INTO exams (journal_id, title, form, opens_at, closes_at, duration_min, created_by, created_at)
         SELECT journal_id, 'Export', 'test', 0, 1, 60, created_by, 0 FROM exams ORDER BY id LIMIT 1 RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let media_dir = tempfile::tempdir().unwrap();
    let media = MediaStore::local(media_dir.path()).unwrap();
    for (student, key) in [(me, "proctor/x/webcam/mine.jpg"), (other, "proctor/x/webcam/theirs.jpg")] {
        let attempt: i64 = sqlx::query_scalar(
            "INSERT INTO exam_attempts (exam_id, student_id, started_at, deadline_at, questions, last_seen_at)
             VALUES ($1, $2, 1, 2, '[]', 1) RETURNING id",
        )
        .bind(exam)
        .bind(student)
        .fetch_one(&db.pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO proctor_evidence (attempt_id, kind, idem_key, media_key, content_type, bytes, width, height, captured_at, received_at)
             VALUES ($1, 'webcam', $2, $2, 'image/jpeg', 3, 1, 1, 1, 1)",
        )
        .bind(attempt)
        .bind(key)
        .execute(&db.pool)
        .await
        .unwrap();
        media.put(key, vec![1, 2, 3]).await.unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("student1");
    let e = export_person(db, &media, &dir, "student1").await.unwrap();
    assert_eq!(e.objects, 1);
    let read = |table: &str| exported_table(&dir, table);
    let (header, users) = read("users");
    assert_eq!(users.len(), 1);
    assert!(!header.contains(&"password_hash".to_string()), "{header:?}");
    assert_eq!(users[0][header.iter().position(|h| h == "login").unwrap()], "student1");
    for (table, column) in [("journal_cells", "student_id"), ("role_assignments", "user_id"), ("exam_attempts", "student_id")] {
        let (header, rows) = read(table);
        let at = header.iter().position(|h| h == column).unwrap();
        let n: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1")).bind(me).fetch_one(&db.pool).await.unwrap();
        assert!(n > 0, "the demo gives student1 {table}");
        assert_eq!(rows.len() as i64, n, "{table}");
        assert!(rows.iter().all(|r| r[at] == me.to_string()), "{table} has only student1's rows");
    }
    let (_, evidence) = read("proctor_evidence");
    assert_eq!(evidence.len(), 1);
    assert_eq!(std::fs::read(dir.join("media/proctor/x/webcam/mine.jpg")).unwrap(), vec![1, 2, 3]);
    assert!(!dir.join("media/proctor/x/webcam/theirs.jpg").exists(), "another student's image");
    assert!(std::fs::read_to_string(dir.join("README.md")).unwrap().contains(&format!("one person (account {me})")));
    assert!(export_person(db, &media, &out.path().join("nobody"), "no.such.login").await.unwrap_err().contains("no account"));

    // Every table that refers to an account is decided on.
    let mut conn = db.pool.acquire().await.unwrap();
    for t in tables::schema(&mut conn, db.backend).await.unwrap() {
        if t.references.iter().any(|(_, to)| to == "users") {
            let decided = PERSON.iter().any(|(name, _)| *name == t.name) || NOT_ABOUT_THE_PERSON.contains(&t.name.as_str());
            assert!(decided, "{} refers to users: add it to PERSON or NOT_ABOUT_THE_PERSON in backup/export.rs", t.name);
        }
    }
}

/// One organisation's export: its subtree's organisations, people (without password hashes),
/// journals, marks and exams; nobody from outside it. Every table of the database is either in
/// an organisation's export or listed as not of one.
async fn one_organisations_export_is_its_subtree(backend: Backend) {
    use server::backup::export::{export_organisation, organisation_tables, NOT_OF_THE_ORGANISATION};
    let source = fresh_db(backend).await;
    server::demo::load_if_empty(&source.db).await.unwrap();
    let db = &source.db;
    // student1's college: the parent of the group they study in.
    let college: i64 = sqlx::query_scalar(
        "SELECT o.parent_id FROM role_assignments ra JOIN organisations o ON o.id = ra.org_id JOIN users u ON u.id = ra.user_id
         WHERE u.login = 'student1'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let media_dir = tempfile::tempdir().unwrap();
    let media = MediaStore::local(media_dir.path()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("college");
    export_organisation(db, &media, &dir, college).await.unwrap();
    let read = |table: &str| exported_table(&dir, table);
    let (header, users) = read("users");
    assert!(!header.contains(&"password_hash".to_string()), "{header:?}");
    let login = header.iter().position(|h| h == "login").unwrap();
    let logins: Vec<&str> = users.iter().map(|u| u[login].as_str()).collect();
    assert!(logins.contains(&"student1") && logins.contains(&"teacher"), "{logins:?}");
    assert!(!logins.contains(&"admin"), "the installation's administrator is not the college's: {logins:?}");
    let (header, orgs) = read("organisations");
    let id = header.iter().position(|h| h == "id").unwrap();
    let ids: Vec<i64> = orgs.iter().map(|o| o[id].parse().unwrap()).collect();
    assert!(ids.contains(&college) && !ids.contains(&1), "{ids:?}");
    // Every mark of the college's groups, and no other.
    let cells: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM journal_cells c JOIN lessons l ON l.id = c.lesson_id JOIN journals j ON j.id = l.journal_id
         JOIN organisations g ON g.id = j.group_id WHERE g.id = $1 OR g.parent_id = $1",
    )
    .bind(college)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(cells > 0, "the demo's college has marks");
    assert_eq!(read("journal_cells").1.len() as i64, cells);
    assert!(export_organisation(db, &media, &out.path().join("none"), 999_999).await.unwrap_err().contains("no organisation"));

    let mut conn = db.pool.acquire().await.unwrap();
    let listed: Vec<&str> = organisation_tables().collect();
    for t in tables::schema(&mut conn, db.backend).await.unwrap() {
        let decided = listed.contains(&t.name.as_str()) || NOT_OF_THE_ORGANISATION.contains(&t.name.as_str());
        assert!(decided, "{}: add it to ORGANISATION or NOT_OF_THE_ORGANISATION in backup/export.rs", t.name);
    }
}

/// The value of one sample line of /metrics (0 when the series does not exist yet).
fn sample(text: &str, series: &str) -> f64 {
    text.lines().find_map(|l| l.strip_prefix(series).and_then(|v| v.trim().parse().ok())).unwrap_or(0.0)
}

async fn metrics_move_with_traffic_and_are_for_the_operator_only(backend: Backend) {
    let app = spawn_app_with(backend, true).await;
    let c = app.client();
    let before = app.get(&c, "/metrics").await;
    assert_eq!(before.status, 200, "this machine may read the metrics: {}", before.body);
    let refused = r#"talap_http_requests_total{class="auth",status="4xx"}"#;
    let pages = r#"talap_http_requests_total{class="page",status="2xx"}"#;
    let wrong = app.call(&c, "/api/auth/login", &[("login", "teacher"), ("password", "not the password")]).await;
    assert!(wrong.status.is_client_error(), "{} {}", wrong.status, wrong.body);
    assert_eq!(app.get(&c, "/login").await.status, 200);
    let after = app.get(&c, "/metrics").await;
    assert!(sample(&after.body, refused) >= sample(&before.body, refused) + 1.0, "{}", after.body);
    assert!(sample(&after.body, pages) >= sample(&before.body, pages) + 1.0, "{}", after.body);
    for series in [
        r#"talap_http_request_duration_seconds_bucket{le="0.1",class="auth"}"#,
        r#"talap_db_pool_connections{pool="read",state="idle"}"#,
        "talap_outbox_pending",
        "talap_recheck_waiting",
        "talap_backup_last_success_timestamp_seconds",
        r#"talap_disk_free_bytes{volume="media"}"#,
    ] {
        assert!(after.body.lines().any(|l| l.starts_with(series)), "{series} missing:\n{}", after.body);
    }
    assert!(sample(&after.body, r#"talap_disk_free_bytes{volume="media"}"#) > 0.0);

    // A node whose metrics are open to no address: refused without the token, served with it.
    let closed = common::spawn_app_configured(backend, |c| {
        c.metrics = server::metrics::Access { allow: vec![], token: Some("scrape-t0ken".into()) };
    })
    .await;
    let c = closed.client();
    assert_eq!(closed.get(&c, "/metrics").await.status, 403);
    let res = c.get(format!("{}/metrics", closed.base)).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(res.status(), 403);
    let res = c.get(format!("{}/metrics", closed.base)).bearer_auth("scrape-t0ken").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.text().await.unwrap().contains("talap_http_requests_total"));
}

/// A cluster's first start: three nodes (each its own pool) open an empty PostgreSQL database at
/// the same moment. Each migration is applied once, the demo is loaded once, and every node comes
/// up. (PostgreSQL only: a cluster's database. SQLite is one node's file; sqlx's SQLite migrator
/// takes no lock, so two processes migrating one new file at once is not a supported setup.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_starting_together_on_postgres_migrate_and_load_the_demo_once() {
    if common::skip_postgres() {
        return;
    }
    let backend = Backend::Postgres;
    let empty = empty_db(backend).await;
    let node = || async {
        let db = app::db::Db::connect(&empty.url, 4).await.unwrap();
        db.migrate().await.unwrap();
        server::demo::load_if_empty(&db).await.unwrap()
    };
    let (a, b, c) = tokio::join!(node(), node(), node());
    assert_eq!([a, b, c].iter().filter(|loaded| **loaded).count(), 1, "one node loads the demo");
    let db = &empty.db;
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&db.pool).await.unwrap();
    let distinct: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT version) FROM _sqlx_migrations").fetch_one(&db.pool).await.unwrap();
    assert_eq!(applied, distinct, "each migration once");
    assert_eq!(db.schema_version().await.unwrap(), Some(db.latest_migration()));
    // Root, the demo plan's six, and its olympiad stage's group: not twice that.
    let orgs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations").fetch_one(&db.pool).await.unwrap();
    assert_eq!(orgs, 8, "the demo once");
}

/// Retention of data other than images (issue 21): expired sessions, codes a day past their
/// expiry, rate-limit windows two days old, and messages sent or given up before the retention
/// period go; what is current, and messages still owed, stay. A second run deletes nothing, and
/// without a message retention no message is deleted.
async fn expired_sign_in_data_and_old_messages_are_deleted_once(backend: Backend) {
    let test = fresh_db(backend).await;
    let db = &test.db;
    const DAY: i64 = 86_400_000;
    let now = app::api::now_ms();
    let user: i64 = sqlx::query_scalar(
        "INSERT INTO users (login, full_name, password_hash, locale, active, created_at) VALUES ('pupil', 'P', '!', 'kk', 1, 0) RETURNING id",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let run = |sql: &'static str, binds: Vec<i64>| async move {
        let mut q = sqlx::query(sql);
        for b in binds {
            q = q.bind(b);
        }
        q.execute(&db.pool).await.unwrap();
    };
    for (token, expires) in [("old", now - 1), ("live", now + DAY)] {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent) VALUES ($1, $2, 0, $3, '', '')")
            .bind(token)
            .bind(user)
            .bind(expires)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    for expires in [now - 2 * DAY, now - DAY / 2, now + DAY] {
        run(
            "INSERT INTO verification_codes (user_id, purpose, code_hash, expires_at, created_at) VALUES ($1, 'reset', 'h', $2, 0)",
            vec![user, expires],
        )
        .await;
    }
    for (bucket, start) in [("old", now - 3 * DAY), ("current", now - 60_000)] {
        sqlx::query("INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)")
            .bind(bucket)
            .bind(start)
            .execute(&db.pool)
            .await
            .unwrap();
    }
    let year_ago = now - 400 * DAY;
    for (status, created) in [("sent", year_ago), ("failed", year_ago), ("pending", year_ago), ("sent", now - DAY)] {
        sqlx::query(
            "INSERT INTO outbox (channel, user_id, recipient, subject, body, status, next_attempt_at, created_at) VALUES ('email', $1, 'a@b', 's', 'b', $2, 0, $3)",
        )
        .bind(user)
        .bind(status)
        .bind(created)
        .execute(&db.pool)
        .await
        .unwrap();
    }
    for created in [year_ago, now - DAY] {
        run("INSERT INTO inbox_messages (user_id, subject, body, created_at) VALUES ($1, 's', 'b', $2)", vec![user, created]).await;
    }
    let count = |table: &'static str| async move {
        sqlx::query_scalar::<_, i64>(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&db.pool).await.unwrap()
    };
    let counts = || async {
        [
            count("sessions").await,
            count("verification_codes").await,
            count("rate_limits").await,
            count("outbox").await,
            count("inbox_messages").await,
        ]
    };
    // Without a message retention only the sign-in data go.
    server::housekeeping(db, now, None).await.unwrap();
    assert_eq!(counts().await, [1, 2, 1, 4, 2]);
    server::housekeeping(db, now, Some(365)).await.unwrap();
    assert_eq!(counts().await, [1, 2, 1, 2, 1]);
    let kept: Vec<String> = sqlx::query_scalar("SELECT status FROM outbox ORDER BY id").fetch_all(&db.pool).await.unwrap();
    assert_eq!(kept, vec!["pending", "sent"], "the message still owed stays, whatever its age");
    server::housekeeping(db, now, Some(365)).await.unwrap();
    assert_eq!(counts().await, [1, 2, 1, 2, 1]);
}

backends!(
    expired_sign_in_data_and_old_messages_are_deleted_once,
    backup_wipe_restore,
    a_restore_refuses_what_it_cannot_restore_whole,
    the_export_is_every_table_as_csv_and_the_media,
    one_persons_export_is_theirs_alone,
    one_organisations_export_is_its_subtree,
    metrics_move_with_traffic_and_are_for_the_operator_only
);
