//! Exams and proctoring over HTTP, on SQLite and PostgreSQL: a teacher imports questions and
//! creates an exam, a student sits it (autosave, the server's timer, scoring, the mark in the
//! journal), the browser's evidence and events are ingested (idempotently, checked, scoped), a
//! reviewer confirms violations and gives a verdict, the student appeals once to a second
//! reviewer, the report counts what the review screens show, and old images are purged.

mod common;

use app::auth::model::Role;
use common::{spawn_app, Backend, TestApp};
use reqwest::StatusCode;

const PW: &str = "exam-pass-1234";

const GIFT: &str = "$CATEGORY: Сандар

::q1:: 2 + 2 = ? {=4 ~3 ~5}

::q2:: Қазақстанның астанасы? {=Астана}

::q3:: Жарты қанша? {#0.5:0.01}
";

struct World {
    app: TestApp,
    teacher: reqwest::Client,
    student: reqwest::Client,
    other: reqwest::Client,
    student_id: i64,
    journal: i64,
    lesson: i64,
    group: i64,
}

async fn world(b: Backend) -> World {
    let app = spawn_app(b).await;
    let region = app.make_org(1, "region", "Ақмола облысы").await;
    let college = app.make_org(region, "college", "Колледж").await;
    let group = app.make_org(college, "group", "ИС-21").await;
    let teacher_id = app.make_user("teacher", PW, Some((Role::Teacher, college))).await;
    let student_id = app.make_user("student.a", PW, Some((Role::Student, group))).await;
    app.make_user("student.b", PW, Some((Role::Student, group))).await;
    app.make_user("proctor.one", PW, Some((Role::Proctor, college))).await;
    app.make_user("proctor.two", PW, Some((Role::Proctor, region))).await;
    let journal: i64 = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
         VALUES ($1, 'Математика', $2, '2026-09-01', '2026-12-31', 'five', 'Математика ИС-21', $2, 0) RETURNING id",
    )
    .bind(group)
    .bind(teacher_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let lesson: i64 = sqlx::query_scalar(
        "INSERT INTO lessons (journal_id, lesson_date, pair, half_hours, lesson_type, created_at) VALUES ($1, '2026-11-20', 1, 4, 'exam', 0) RETURNING id",
    )
    .bind(journal)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let teacher = app.signed_in("teacher", PW).await;
    let student = app.signed_in("student.a", PW).await;
    let other = app.signed_in("student.b", PW).await;
    World { app, teacher, student, other, student_id, journal, lesson, group }
}

async fn import(w: &World, name: &str, text: &str) -> common::Response {
    let form = reqwest::multipart::Form::new()
        .text("subject", "Математика")
        .part("file", reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name(name.to_string()));
    w.app.multipart(&w.teacher, "/api/exam/bank/import", form).await
}

/// Imports the bank and creates an exam open now for an hour; returns its id.
async fn exam(w: &World) -> i64 {
    let r = import(w, "bank.gift", GIFT).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json().as_i64(), Some(3));
    let now = app::api::now_ms();
    let r = w
        .app
        .call(
            &w.teacher,
            "/api/exam/create",
            &[
                ("journal_id", &w.journal.to_string()),
                ("title", "Аралық бақылау"),
                ("opens_at", &app::ui::time::format_local_input(now - 60_000)),
                ("closes_at", &app::ui::time::format_local_input(now + 3_600_000)),
                ("duration_min", "30"),
                ("draw", "Сандар: 3"),
                ("lesson_id", &w.lesson.to_string()),
                ("proctored", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

async fn start(w: &World, c: &reqwest::Client, exam: i64) -> i64 {
    let r = w.app.call(c, "/api/exam/start", &[("exam_id", &exam.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

/// The right answer to each question of the paper, from what the candidate is shown.
fn right_answers(paper: &serde_json::Value) -> Vec<(i64, String)> {
    paper["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let id = q["question_id"].as_i64().unwrap();
            let answer = match q["kind"].as_str().unwrap() {
                "single" => {
                    let opt = q["options"].as_array().unwrap().iter().find(|o| o[1] == "4").unwrap();
                    format!("{{\"Choice\":[{}]}}", opt[0])
                }
                _ if q["text"].as_str().unwrap().contains("астана") => "{\"Text\":\" астана \"}".to_string(),
                _ => "{\"Text\":\"0,5\"}".to_string(),
            };
            (id, answer)
        })
        .collect()
}

backends!(a_student_sits_an_exam_and_the_mark_lands_in_the_journal);

async fn a_student_sits_an_exam_and_the_mark_lands_in_the_journal(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let attempt = start(&w, &w.student, exam).await;
    assert_eq!(start(&w, &w.student, exam).await, attempt, "a second start resumes the same attempt");
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(paper.status, StatusCode::OK, "{}", paper.body);
    assert!(!paper.body.contains("correct") && !paper.body.contains("accepted"), "the key never reaches the candidate: {}", paper.body);
    let paper = paper.json();
    assert_eq!(paper["questions"].as_array().unwrap().len(), 3);
    // Another student cannot read or answer this attempt.
    let r = w.app.call(&w.other, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for (qid, answer) in right_answers(&paper) {
        for _ in 0..2 {
            // Saved twice (a retry): one row, the same answer.
            let r = w.app.call(&w.student, "/api/exam/answer", &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    }
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM exam_answers WHERE attempt_id = {attempt}")).await, 3);
    // A reload shows the saved answers.
    let again = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    assert!(again["questions"].as_array().unwrap().iter().all(|q| q["saved"].is_string()));
    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let brief = r.json();
    assert_eq!(brief["score"].as_f64(), Some(3.0));
    assert_eq!(brief["mark"].as_str(), Some("5"));
    let mark: Option<i64> = sqlx::query_scalar("SELECT mark FROM journal_cells WHERE lesson_id = $1 AND student_id = $2")
        .bind(w.lesson)
        .bind(w.student_id)
        .fetch_optional(&w.app.db.pool)
        .await
        .unwrap();
    assert_eq!(mark, Some(5), "the exam's mark is in the journal");
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM mark_history WHERE lesson_id = {} AND new_value = '5'", w.lesson)).await, 1);
    // Answers after hand-in are refused; the results page shows the candidate and item analysis.
    let (qid, answer) = right_answers(&paper)[0].clone();
    let r = w.app.call(&w.student, "/api/exam/answer", &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let results = w.app.call(&w.teacher, "/api/exam/results", &[("exam_id", &exam.to_string())]).await;
    assert_eq!(results.status, StatusCode::OK, "{}", results.body);
    let results = results.json();
    assert_eq!(results["candidates"].as_array().unwrap().len(), 1);
    assert_eq!(results["items"].as_array().unwrap().len(), 3);
    assert_eq!(results["items"][0]["facility"].as_f64(), Some(1.0));
    let csv = w.app.get(&w.teacher, &format!("/export/exam/{exam}.csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Test User") || csv.body.lines().count() == 2, "{}", csv.body);
}

backends!(the_timer_is_the_servers);

async fn the_timer_is_the_servers(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let attempt = start(&w, &w.student, exam).await;
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    let (qid, answer) = right_answers(&paper)[0].clone();
    let r = w.app.call(&w.student, "/api/exam/answer", &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)]).await;
    assert_eq!(r.status, StatusCode::OK);
    // Time runs out (as if 31 minutes had passed): the next save is refused and the attempt is
    // handed in with what was saved.
    sqlx::query("UPDATE exam_attempts SET deadline_at = $1 WHERE id = $2").bind(app::api::now_ms() - 60_000).bind(attempt).execute(&w.app.db.pool).await.unwrap();
    let (qid2, answer2) = right_answers(&paper)[1].clone();
    let r = w.app.call(&w.student, "/api/exam/answer", &[("attempt_id", &attempt.to_string()), ("question_id", &qid2.to_string()), ("answer", &answer2)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let score: Option<i64> = sqlx::query_scalar("SELECT score_milli FROM exam_attempts WHERE id = $1").bind(attempt).fetch_one(&w.app.db.pool).await.unwrap();
    assert_eq!(score, Some(1000), "scored with the one answer saved in time");
    // Reloading does not give more time.
    let view = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    assert_eq!(view["submitted"], true);
}

backends!(a_broken_question_file_imports_nothing);

async fn a_broken_question_file_imports_nothing(b: Backend) {
    let w = world(b).await;
    let r = import(&w, "bank.gift", "::ok:: 1 + 1? {=2 ~3}\n\n::broken:: 2 + 2? {=4 ~5\n").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.field_errors().iter().any(|(f, _)| f.starts_with("row.")), "{:?}", r.field_errors());
    let r = import(&w, "bank.txt", "Столица Казахстана?\nA) Астана\nB) Алматы\n\nВторой вопрос\nA) да\nB) нет\n").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "Aiken without ANSWER: {}", r.body);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions").await, 0, "nothing half written");
    let r = import(&w, "bank.txt", "Столица Казахстана?\nA) Астана\nB) Алматы\nANSWER: A\n").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions").await, 1);
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::DynamicImage::new_luma8(width, height).write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

async fn upload(w: &World, c: &reqwest::Client, attempt: i64, kind: &str, key: &str, faces: Option<u32>, body: Vec<u8>) -> common::Response {
    let mut req = c
        .post(format!("{}/api/proctor/evidence", w.app.base))
        .header("x-talap-attempt", attempt.to_string())
        .header("x-talap-kind", kind)
        .header("x-talap-key", key)
        .header("x-talap-captured-at", app::api::now_ms().to_string())
        .header("content-type", "image/png")
        .body(body);
    if let Some(n) = faces {
        req = req.header("x-talap-faces", n.to_string());
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    common::Response { status, headers, body: res.text().await.unwrap_or_default() }
}

async fn events(w: &World, c: &reqwest::Client, attempt: i64, list: &[(&str, &str)]) -> common::Response {
    let now = app::api::now_ms();
    let events: Vec<serde_json::Value> = list.iter().map(|(k, kind)| serde_json::json!({ "key": k, "kind": kind, "at": now, "detail": "" })).collect();
    let res = c
        .post(format!("{}/api/proctor/events", w.app.base))
        .json(&serde_json::json!({ "attempt": attempt, "events": events }))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    common::Response { status, headers, body: res.text().await.unwrap_or_default() }
}

fn files_under(dir: &std::path::Path) -> usize {
    let Ok(rd) = std::fs::read_dir(dir) else { return 0 };
    rd.flatten().map(|e| if e.path().is_dir() { files_under(&e.path()) } else { 1 }).sum()
}

backends!(evidence_is_checked_stored_once_and_scoped);

async fn evidence_is_checked_stored_once_and_scoped(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let attempt = start(&w, &w.student, exam).await;
    let key = "0123456789abcdef0123456789abcdef";
    let first = upload(&w, &w.student, attempt, "webcam", key, Some(1), png(320, 240)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(first.json()["duplicate"], false);
    let again = upload(&w, &w.student, attempt, "webcam", key, Some(1), png(320, 240)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["duplicate"], true);
    assert_eq!(again.json()["id"], first.json()["id"]);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM proctor_evidence").await, 1, "the same key twice stores once");
    assert_eq!(files_under(&w.app.config.media_dir.join("proctor")), 1);
    // Not an image, too big, anonymous, another candidate's attempt.
    let r = upload(&w, &w.student, attempt, "webcam", "11111111111111111111111111111111", None, b"%PDF-1.4 fake".to_vec()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = upload(&w, &w.student, attempt, "screen", "22222222222222222222222222222222", None, vec![0u8; 2 * 1024 * 1024]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let r = upload(&w, &w.app.client(), attempt, "webcam", "33333333333333333333333333333333", None, png(320, 240)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = upload(&w, &w.other, attempt, "webcam", "44444444444444444444444444444444", None, png(320, 240)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM proctor_evidence").await, 1, "nothing refused was stored");
    // Events: a tab switch is a violation; the same batch again adds nothing.
    let batch = [("e0000000000000000000000000000001", "tab_hidden"), ("e0000000000000000000000000000002", "tab_visible")];
    let r = events(&w, &w.student, attempt, &batch).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["accepted"], 2);
    assert_eq!(events(&w, &w.student, attempt, &batch).await.json()["accepted"], 0);
    assert_eq!(events(&w, &w.other, attempt, &batch).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM proctor_violations WHERE kind = 'tab_hidden'").await, 1);
    // Two snapshots in a row without a face (the server re-checks: a blank frame has none).
    for key in ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2"] {
        let r = upload(&w, &w.student, attempt, "webcam", key, Some(0), png(320, 240)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(w.app.count("SELECT COUNT(*) FROM proctor_violations WHERE kind = 'no_face'").await, 1);
    // The first frame claimed one face; the server found none: flagged as a contradiction only
    // if the server re-checked it (a share of such frames), never silently trusted when checked.
    let faces_server: Option<i64> = sqlx::query_scalar("SELECT faces_server FROM proctor_evidence WHERE idem_key = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1'")
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap();
    assert_eq!(faces_server, Some(0), "flagged frames are always re-checked by the server");
    let risk: i64 = sqlx::query_scalar("SELECT risk FROM exam_attempts WHERE id = $1").bind(attempt).fetch_one(&w.app.db.pool).await.unwrap();
    assert!(risk > 0);
}

backends!(a_reviewer_decides_and_the_report_counts_the_same);

async fn a_reviewer_decides_and_the_report_counts_the_same(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let attempt = start(&w, &w.student, exam).await;
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    for (qid, answer) in right_answers(&paper) {
        w.app.call(&w.student, "/api/exam/answer", &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)]).await;
    }
    events(&w, &w.student, attempt, &[("f0000000000000000000000000000001", "tab_hidden"), ("f0000000000000000000000000000002", "paste")]).await;
    let one = w.app.signed_in("proctor.one", PW).await;
    let two = w.app.signed_in("proctor.two", PW).await;
    let board = w.app.call(&one, "/api/proctor/board", &[]).await;
    assert_eq!(board.json().as_array().unwrap().len(), 1, "{}", board.body);
    // A verdict needs a finished attempt.
    let r = w.app.call(&one, "/api/proctor/verdict", &[("attempt_id", &attempt.to_string()), ("verdict", "annulled"), ("comment", "Көшірді")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    let tl = w.app.call(&one, "/api/proctor/timeline", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(tl.status, StatusCode::OK, "{}", tl.body);
    let tl = tl.json();
    let vs = tl["violations"].as_array().unwrap().clone();
    assert_eq!(vs.len(), 2);
    let confirm = vs.iter().find(|v| v["kind"] == "tab_hidden").unwrap()["id"].as_i64().unwrap();
    let dismiss = vs.iter().find(|v| v["kind"] == "paste").unwrap()["id"].as_i64().unwrap();
    let r = w.app.call(&one, "/api/proctor/violation", &[("violation_id", &dismiss.to_string()), ("decision", "dismiss"), ("comment", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a dismissal needs a comment");
    for (id, decision, comment) in [(confirm, "confirm", ""), (dismiss, "dismiss", "Өз жауабын кірістірді")] {
        let r = w.app.call(&one, "/api/proctor/violation", &[("violation_id", &id.to_string()), ("decision", decision), ("comment", comment)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // Annulled: the journal loses the exam's mark, with a history line.
    let r = w.app.call(&one, "/api/proctor/verdict", &[("attempt_id", &attempt.to_string()), ("verdict", "annulled"), ("comment", "Басқа бетке ауысты")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM journal_cells WHERE lesson_id = {}", w.lesson)).await, 0);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'proctor.verdict'").await, 1);
    // One appeal; the reviewer who annulled cannot decide it; a second reviewer upholds it.
    let r = w.app.call(&w.student, "/api/proctor/appeal", &[("attempt_id", &attempt.to_string()), ("text", "Қоңырау шалды")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.app.call(&w.student, "/api/proctor/appeal", &[("attempt_id", &attempt.to_string()), ("text", "Тағы")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w.app.call(&one, "/api/proctor/appeal/decide", &[("attempt_id", &attempt.to_string()), ("decision", "upheld"), ("comment", "Иә")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = w.app.call(&two, "/api/proctor/appeal/decide", &[("attempt_id", &attempt.to_string()), ("decision", "upheld"), ("comment", "Дәлел жеткіліксіз")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let verdict: String = sqlx::query_scalar("SELECT verdict FROM exam_attempts WHERE id = $1").bind(attempt).fetch_one(&w.app.db.pool).await.unwrap();
    assert_eq!(verdict, "valid");
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM journal_cells WHERE lesson_id = {} AND mark = 5", w.lesson)).await, 1, "the mark is back");
    // The report's counts are the review screen's counts.
    let tl = w.app.call(&two, "/api/proctor/timeline", &[("attempt_id", &attempt.to_string())]).await.json();
    let count = |status: &str| tl["violations"].as_array().unwrap().iter().filter(|v| v["status"] == status).count();
    let csv = w.app.get(&two, &format!("/export/proctor/exam/{exam}.csv?lang=en")).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let row: Vec<String> = csv.body.lines().nth(1).unwrap().split(';').map(str::to_string).collect();
    assert_eq!(row[7], count("open").to_string(), "open: {}", csv.body);
    assert_eq!(row[8], count("confirmed").to_string(), "confirmed: {}", csv.body);
    assert_eq!(row[9], count("dismissed").to_string(), "dismissed: {}", csv.body);
    assert_eq!((count("confirmed"), count("dismissed")), (1, 1));
    for ext in ["xlsx", "pdf"] {
        let r = w.app.get(&two, &format!("/export/proctor/exam/{exam}.{ext}")).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    // Someone without proctor.review over the group sees nothing.
    assert_eq!(w.app.get(&w.other, &format!("/export/proctor/exam/{exam}.csv")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app.call(&w.other, "/api/proctor/timeline", &[("attempt_id", &attempt.to_string())]).await.status, StatusCode::FORBIDDEN);
    let _ = w.group;
}

backends!(images_are_private_and_purged_after_retention);

async fn images_are_private_and_purged_after_retention(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let attempt = start(&w, &w.student, exam).await;
    let r = upload(&w, &w.student, attempt, "screen", "5555555555555555555555555555555a", None, png(1280, 720)).await;
    let id = r.json()["id"].as_i64().unwrap();
    let one = w.app.signed_in("proctor.one", PW).await;
    let img = w.app.get(&one, &format!("/api/proctor/image/{id}")).await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(img.headers.get("content-type").unwrap(), "image/png");
    assert_eq!(w.app.get(&w.other, &format!("/api/proctor/image/{id}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app.get(&w.app.client(), &format!("/api/proctor/image/{id}")).await.status, StatusCode::UNAUTHORIZED);
    // The exam closed 100 days ago with 90 days of retention.
    sqlx::query("UPDATE exams SET closes_at = $1, retention_days = 90 WHERE id = $2").bind(app::api::now_ms() - 100 * 86_400_000).bind(exam).execute(&w.app.db.pool).await.unwrap();
    let state = app::state::AppState {
        leptos_options: server::leptos_options(&w.app.config),
        db: w.app.db.clone(),
        settings: std::sync::Arc::new(app::state::Settings { secure_cookies: false, trust_proxy: false, session_hours: 12 }),
        media: server::media_store(&w.app.config).unwrap(),
    };
    assert_eq!(app::proctor::report::purge_expired(&state, app::api::now_ms()).await.unwrap(), 1);
    assert_eq!(files_under(&w.app.config.media_dir.join("proctor")), 0);
    assert_eq!(w.app.get(&one, &format!("/api/proctor/image/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM proctor_purges WHERE images = 1").await, 1);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'proctor.retention.purge'").await, 1);
    assert_eq!(app::proctor::report::purge_expired(&state, app::api::now_ms()).await.unwrap(), 0, "nothing twice");
}
