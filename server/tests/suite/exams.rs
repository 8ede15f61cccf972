//! Exams and proctoring over HTTP, on SQLite and PostgreSQL: a teacher imports questions and
//! creates an exam, a student sits it (autosave, the server's timer, scoring, the mark in the
//! journal), the browser's evidence and events are ingested (idempotently, checked, scoped), a
//! reviewer confirms violations and gives a verdict, the student appeals once to a second
//! reviewer, the report counts what the review screens show, and old images are purged.

use crate::common;
// Issue 19's follow-ups (extra time while sitting, idempotent saves, ...), in files of their own.
mod exam_followups;

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
    world_on(spawn_app(b).await).await
}

async fn world_on(app: TestApp) -> World {
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
    // Both candidates agreed to proctoring (the consent step before the device check); a test
    // of the consent itself uses a third.
    for c in [&student, &other] {
        let r = app.call(c, "/api/consent/give", &[("purpose", "proctoring"), ("given_by", "person")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
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
    assert_eq!(r.json()["questions"].as_i64(), Some(3));
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
            let r = w
                .app
                .call(
                    &w.student,
                    "/api/exam/answer",
                    &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)],
                )
                .await;
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
    let r = w
        .app
        .call(
            &w.student,
            "/api/exam/answer",
            &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)],
        )
        .await;
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

backends!(a_wave_of_starts_gives_each_candidate_one_attempt);
/// Candidates who press "Start" at the same moment are written together (`exam::store::starts`): each
/// still gets their own attempt and paper, a candidate in two tabs gets one attempt, and the
/// audit has one start per attempt. The same for their autosaves and hand-ins.
async fn a_wave_of_starts_gives_each_candidate_one_attempt(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let mut clients = vec![w.student.clone(), w.student.clone()]; // student.a, in two tabs
    for i in 0..24 {
        let login = format!("wave.{i}");
        w.app.make_user(&login, PW, Some((Role::Student, w.group))).await;
        clients.push(w.app.signed_in(&login, PW).await);
    }
    // One of them ran the device check before the start, as the sit page does (after its
    // consent step); the others did not.
    let r = w.app.call(&clients[2], "/api/consent/give", &[("purpose", "proctoring"), ("given_by", "person")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(device_check(&w, &clients[2]).await.status, StatusCode::OK);
    let exam_id = exam.to_string();
    let form = [("exam_id", exam_id.as_str())];
    let calls = clients.iter().map(|c| w.app.call(c, "/api/exam/start", &form));
    let ids: Vec<i64> = futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.json().as_i64().unwrap()
        })
        .collect();
    assert_eq!(ids[0], ids[1], "two tabs, one attempt");
    let distinct: std::collections::HashSet<i64> = ids.iter().copied().collect();
    assert_eq!(distinct.len(), 25, "one attempt per candidate: {ids:?}");
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = {exam}")).await, 25);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.attempt.start'").await, 25);
    // Each candidate's attempt is theirs: it opens for them, with its paper, and for nobody else.
    let mut saves = Vec::new();
    for (c, id) in clients.iter().zip(&ids).skip(1) {
        let r = w.app.call(c, "/api/exam/attempt", &[("attempt_id", &id.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let paper = r.json();
        assert_eq!(paper["questions"].as_array().unwrap().len(), 3);
        for (qid, answer) in right_answers(&paper) {
            saves.push((c, *id, qid, answer));
        }
    }
    // Everyone autosaves every answer at the same moment (written together too): each is
    // acknowledged, stored once, and counts at the hand-in.
    let app = &w.app;
    let calls = saves.iter().map(|(c, id, qid, answer)| async move {
        let (id, qid) = (id.to_string(), qid.to_string());
        app.call(c, "/api/exam/answer", &[("attempt_id", id.as_str()), ("question_id", qid.as_str()), ("answer", answer.as_str())]).await
    });
    for r in futures::future::join_all(calls).await {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(
        w.app
            .count(&format!("SELECT COUNT(*) FROM exam_answers a JOIN exam_attempts t ON t.id = a.attempt_id WHERE t.exam_id = {exam}"))
            .await,
        75
    );
    // Everyone hands in at the same moment, student.a from both tabs (written together:
    // `exam::store::hand_in::HAND_INS`): each is scored from their own answers, each mark reaches the
    // journal with its history line, and the audit has one hand-in per attempt.
    let calls = clients.iter().zip(&ids).map(|(c, id)| async move {
        let id = id.to_string();
        app.call(c, "/api/exam/hand-in", &[("attempt_id", id.as_str())]).await
    });
    for (r, id) in futures::future::join_all(calls).await.into_iter().zip(&ids) {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["score"].as_f64(), Some(3.0), "every answer of attempt {id} was saved");
    }
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = {exam} AND submitted_at IS NOT NULL")).await, 25);
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM journal_cells WHERE lesson_id = {} AND mark = 5", w.lesson)).await, 25);
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM mark_history WHERE lesson_id = {} AND new_value = '5'", w.lesson)).await, 25);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.attempt.submit'").await, 25);
    // Each answer carries its points, and what each attempt owed the proctoring is on its own
    // timeline: the one candidate who ran the device check is not blamed for skipping it, the
    // other 24 are, and it counts in their risk.
    assert_eq!(
        w.app
            .count(&format!(
                "SELECT COUNT(*) FROM exam_answers a JOIN exam_attempts t ON t.id = a.attempt_id WHERE t.exam_id = {exam} AND a.points_milli = 1000"
            ))
            .await,
        75
    );
    let unchecked = format!("SELECT COUNT(*) FROM proctor_violations v JOIN exam_attempts t ON t.id = v.attempt_id WHERE t.exam_id = {exam} AND v.kind = 'no_device_check'");
    assert_eq!(w.app.count(&unchecked).await, 24);
    assert_eq!(
        w.app.count(&format!("SELECT COUNT(*) FROM proctor_violations WHERE attempt_id = {} AND kind = 'no_device_check'", ids[2])).await,
        0
    );
    assert_eq!(
        w.app.count(&format!("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = {exam} AND risk > 0 AND id <> {}", ids[2])).await,
        24
    );
    let r = w.app.call(&clients[2], "/api/exam/attempt", &[("attempt_id", &ids[3].to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Started again later: the same attempt, nothing new written.
    assert_eq!(start(&w, &clients[5], exam).await, ids[5]);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.attempt.start'").await, 25);
}

backends!(a_start_follows_the_window_as_it_is_now_and_a_started_attempt_is_kept);

async fn start_call(w: &World, c: &reqwest::Client, exam: i64) -> common::Response {
    w.app.call(c, "/api/exam/start", &[("exam_id", &exam.to_string())]).await
}

/// Starts are decided in their batch against the exam's window as the database holds it (the
/// exam's other settings may be cached for seconds): a window moved or closed by its teacher
/// takes effect at the next start, while a candidate who started before keeps their attempt.
async fn a_start_follows_the_window_as_it_is_now_and_a_started_attempt_is_kept(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let window = |opens: i64, closes: i64| {
        let pool = w.app.db.pool.clone();
        async move {
            sqlx::query("UPDATE exams SET opens_at = $1, closes_at = $2 WHERE id = $3")
                .bind(opens)
                .bind(closes)
                .bind(exam)
                .execute(&pool)
                .await
                .unwrap();
        }
    };
    let now = app::api::now_ms();
    // The other student starts while it is open (the exam is now in the cache); then the
    // teacher moves it an hour later: not open yet for the student, the other keeps theirs.
    let early = start(&w, &w.other, exam).await;
    window(now + 3_600_000, now + 7_200_000).await;
    let r = start_call(&w, &w.student, exam).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrExamNotOpen" }), "{}", r.body);
    assert_eq!(start(&w, &w.other, exam).await, early);
    // Open again: the student starts, with the deadline the window's end allows.
    window(now - 60_000, now + 600_000).await;
    let attempt = start(&w, &w.student, exam).await;
    let deadline: i64 =
        sqlx::query_scalar("SELECT deadline_at FROM exam_attempts WHERE id = $1").bind(attempt).fetch_one(&w.app.db.pool).await.unwrap();
    assert_eq!(deadline, now + 600_000, "30 minutes would pass the window's end");
    // Closed by its teacher: nobody else starts; those who started get their attempts back.
    w.app.make_user("student.c", PW, Some((Role::Student, w.group))).await;
    let late = w.app.signed_in("student.c", PW).await;
    window(now - 60_000, app::api::now_ms() - 1).await;
    let r = start_call(&w, &late, exam).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrExamClosed" }), "{}", r.body);
    assert_eq!(start(&w, &w.student, exam).await, attempt);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_attempts").await, 2);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.attempt.start'").await, 2);
    // A signed-out session starts nothing, at once, though sessions are looked up in batches.
    let r = w.app.call(&late, "/api/auth/logout", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    window(now - 60_000, now + 600_000).await;
    assert_eq!(start_call(&w, &late, exam).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_attempts").await, 2);
}

backends!(accommodations_give_one_candidate_extra_time_and_a_window_of_their_own);

/// Issue 19: the exam's teacher gives one candidate extra minutes and another a window of
/// their own; the server applies them at the start, the candidates see them, every change is
/// audited, and nothing changes once the candidate has started.
async fn accommodations_give_one_candidate_extra_time_and_a_window_of_their_own(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let other_id: i64 = sqlx::query_scalar("SELECT user_id FROM role_assignments WHERE org_id = $1 AND role = 'student' AND user_id <> $2")
        .bind(w.group)
        .bind(w.student_id)
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap();
    let now = app::api::now_ms();
    let local = app::ui::time::format_local_input;
    let set = |c: &reqwest::Client, student: i64, extra: &str, opens: String, closes: String| {
        let (exam, student, extra) = (exam.to_string(), student.to_string(), extra.to_string());
        let (app, c) = (&w.app, c.clone());
        async move {
            app.call(
                &c,
                "/api/exam/accommodation/set",
                &[
                    ("exam_id", &exam),
                    ("student_id", &student),
                    ("extra_minutes", &extra),
                    ("opens_at", &opens),
                    ("closes_at", &closes),
                    ("reason", "Медициналық анықтама"),
                ],
            )
            .await
        }
    };
    // Only the exam's teacher sets them, and bad input is refused at its field.
    assert_eq!(set(&w.student, w.student_id, "30", String::new(), String::new()).await.status, StatusCode::FORBIDDEN);
    let r = set(&w.teacher, other_id, "-5", String::new(), String::new()).await;
    assert_eq!(r.field_errors(), vec![("extra_minutes".to_string(), "ErrNumberRange".to_string())]);
    let r = set(&w.teacher, other_id, "", String::new(), String::new()).await;
    assert_eq!(r.field_errors(), vec![("extra_minutes".to_string(), "ErrAccommodationEmpty".to_string())]);
    let r = set(&w.teacher, other_id, "0", local(now + 7_200_000), String::new()).await;
    assert_eq!(r.field_errors(), vec![("closes_at".to_string(), "ErrRequired".to_string())]);
    let r = set(&w.teacher, other_id, "0", local(now + 7_200_000), local(now + 3_600_000)).await;
    assert_eq!(r.field_errors(), vec![("closes_at".to_string(), "ErrExamWindow".to_string())]);
    let outsider = w.app.make_user("outsider", PW, None).await;
    let r = set(&w.teacher, outsider, "10", String::new(), String::new()).await;
    assert_eq!(r.field_errors(), vec![("student_id".to_string(), "ErrAccommodationStudent".to_string())]);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_accommodations").await, 0, "nothing half written");

    // 20 extra minutes for one; for the other a window that opens after the exam closes.
    assert_eq!(set(&w.teacher, other_id, "20", String::new(), String::new()).await.status, StatusCode::OK);
    let r = set(&w.teacher, w.student_id, "0", local(now + 7_200_000), local(now + 10_800_000)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mine = |c: reqwest::Client| {
        let app = &w.app;
        async move {
            let o = app.call(&c, "/api/exam/overview", &[]).await.json();
            o["sitting"].as_array().unwrap().iter().find(|e| e["id"] == exam).unwrap().clone()
        }
    };
    let theirs = mine(w.other.clone()).await;
    assert_eq!((theirs["duration_min"].as_i64(), theirs["extra_min"].as_i64()), (Some(50), Some(20)));
    let own = mine(w.student.clone()).await;
    assert_eq!(own["opens_at"].as_i64().map(|t| (t - (now + 7_200_000)).abs() < 60_000), Some(true), "{own}");

    // The exam is open, but not this candidate's own window.
    let r = start_call(&w, &w.student, exam).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrExamNotOpen" }), "{}", r.body);
    // The other starts with 30 + 20 minutes.
    let attempt = start(&w, &w.other, exam).await;
    let (started, deadline): (i64, i64) = sqlx::query_as("SELECT started_at, deadline_at FROM exam_attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap();
    assert_eq!(deadline - started, 50 * 60_000);
    // Once started, the accommodation is fixed.
    let r = set(&w.teacher, other_id, "60", String::new(), String::new()).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrAccommodationStarted" }), "{}", r.body);
    let r = w
        .app
        .call(&w.teacher, "/api/exam/accommodation/remove", &[("exam_id", &exam.to_string()), ("student_id", &other_id.to_string())])
        .await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrAccommodationStarted" }), "{}", r.body);

    // The exam closes; the candidate's own window (moved to now) still lets them start, with
    // the exam's 30 minutes.
    let r = set(&w.teacher, w.student_id, "", local(now - 60_000), local(now + 7_200_000)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    sqlx::query("UPDATE exams SET closes_at = $1 WHERE id = $2")
        .bind(app::api::now_ms() - 1)
        .bind(exam)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    let attempt = start(&w, &w.student, exam).await;
    let (started, deadline): (i64, i64) = sqlx::query_as("SELECT started_at, deadline_at FROM exam_attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap();
    assert_eq!(deadline - started, 30 * 60_000);

    // The teacher's list, and the audit of every change.
    let list = w.app.call(&w.teacher, "/api/exam/accommodations", &[("exam_id", &exam.to_string())]).await.json();
    assert_eq!(list["list"].as_array().map(Vec::len), Some(2), "{list}");
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.accommodation.set'").await, 3);
    let r = w.app.call(&w.other, "/api/exam/accommodations", &[("exam_id", &exam.to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "a candidate does not read the others'");
}

backends!(the_timer_is_the_servers);

async fn the_timer_is_the_servers(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let attempt = start(&w, &w.student, exam).await;
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    let (qid, answer) = right_answers(&paper)[0].clone();
    let r = w
        .app
        .call(
            &w.student,
            "/api/exam/answer",
            &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    // Time runs out (as if 31 minutes had passed): the next save is refused and the attempt is
    // handed in with what was saved.
    sqlx::query("UPDATE exam_attempts SET deadline_at = $1 WHERE id = $2")
        .bind(app::api::now_ms() - 60_000)
        .bind(attempt)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    let (qid2, answer2) = right_answers(&paper)[1].clone();
    let r = w
        .app
        .call(
            &w.student,
            "/api/exam/answer",
            &[("attempt_id", &attempt.to_string()), ("question_id", &qid2.to_string()), ("answer", &answer2)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let score: Option<i64> =
        sqlx::query_scalar("SELECT score_milli FROM exam_attempts WHERE id = $1").bind(attempt).fetch_one(&w.app.db.pool).await.unwrap();
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

async fn upload(
    w: &World,
    c: &reqwest::Client,
    attempt: i64,
    kind: &str,
    key: &str,
    faces: Option<u32>,
    body: Vec<u8>,
) -> common::Response {
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
    let events: Vec<serde_json::Value> =
        list.iter().map(|(k, kind)| serde_json::json!({ "key": k, "kind": kind, "at": now, "detail": "" })).collect();
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

/// The device check's test snapshot, as the sit page sends it before the start.
async fn device_check(w: &World, c: &reqwest::Client) -> common::Response {
    let res =
        c.post(format!("{}/api/proctor/check", w.app.base)).header("content-type", "image/png").body(png(320, 240)).send().await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    common::Response { status, headers, body: res.text().await.unwrap_or_default() }
}

/// Evidence captured at `at` (a webcam snapshot claims one face), as the capture client sends it.
async fn upload_captured(w: &World, c: &reqwest::Client, attempt: i64, kind: &str, key: &str, at: i64) -> common::Response {
    let mut req = c
        .post(format!("{}/api/proctor/evidence", w.app.base))
        .header("x-talap-attempt", attempt.to_string())
        .header("x-talap-kind", kind)
        .header("x-talap-key", key)
        .header("x-talap-captured-at", at.to_string())
        .header("content-type", "image/png")
        .body(png(320, 240));
    if kind == "webcam" {
        req = req.header("x-talap-faces", "1");
    }
    let res = req.send().await.unwrap();
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
    // No samples: only the frames the browser flags wait for the server's re-check below.
    sqlx::query("UPDATE exams SET recheck_percent = 0 WHERE id = $1").bind(exam).execute(&w.app.db.pool).await.unwrap();
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
    assert_eq!(w.app.count("SELECT COUNT(*) FROM proctor_violations WHERE kind = 'no_face'").await, 1, "a flagged run counts at once");
    // The server's own count comes from the background re-check, off the upload's path: flagged
    // frames are always re-checked; until then the proctors' board shows the queue.
    let faces_server = |key: &'static str| {
        let pool = w.app.db.pool.clone();
        async move {
            sqlx::query_scalar::<_, Option<i64>>("SELECT faces_server FROM proctor_evidence WHERE idem_key = $1")
                .bind(key)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(faces_server("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1").await, None, "not checked on the request path");
    let lag = app::proctor::recheck::lag(&w.app.db, app::api::now_ms()).await.unwrap();
    assert_eq!(lag.waiting, 2, "both flagged frames wait for the re-check");
    let media = server::media_store(&w.app.config).unwrap();
    assert_eq!(app::proctor::recheck::run_once(&w.app.db, &media, 100).await.unwrap(), 2);
    assert_eq!(faces_server("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1").await, Some(0), "flagged frames are always re-checked by the server");
    assert_eq!(app::proctor::recheck::lag(&w.app.db, app::api::now_ms()).await.unwrap().waiting, 0);
    assert_eq!(app::proctor::recheck::run_once(&w.app.db, &media, 100).await.unwrap(), 0, "each frame is checked once");
    let risk: i64 =
        sqlx::query_scalar("SELECT risk FROM exam_attempts WHERE id = $1").bind(attempt).fetch_one(&w.app.db.pool).await.unwrap();
    assert!(risk > 0);
}

backends!(the_server_recheck_runs_in_the_background_and_says_what_it_missed);

/// A browser that claims one face where the server finds none is caught by the background
/// re-check, not on the upload's path; a frame the re-check's budget did not reach in time is
/// shown to the reviewer as not re-checked.
async fn the_server_recheck_runs_in_the_background_and_says_what_it_missed(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    sqlx::query("UPDATE exams SET recheck_percent = 100 WHERE id = $1").bind(exam).execute(&w.app.db.pool).await.unwrap();
    let attempt = start(&w, &w.student, exam).await;
    let r = upload(&w, &w.student, attempt, "webcam", "b000000000000000000000000000000a", Some(1), png(320, 240)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mismatches = "SELECT COUNT(*) FROM proctor_violations WHERE kind = 'face_mismatch'";
    assert_eq!(w.app.count(mismatches).await, 0, "nothing known before the server looked");
    let media = server::media_store(&w.app.config).unwrap();
    assert_eq!(app::proctor::recheck::run_once(&w.app.db, &media, 100).await.unwrap(), 1);
    assert_eq!(w.app.count(mismatches).await, 1, "one face claimed, none found: the contradiction is a violation");
    let risk: i64 =
        sqlx::query_scalar("SELECT risk FROM exam_attempts WHERE id = $1").bind(attempt).fetch_one(&w.app.db.pool).await.unwrap();
    assert!(risk > 0, "and it counts in the risk score");
    // A second sample waits past the budget's time: marked, not dropped, and never checked late.
    let r = upload(&w, &w.student, attempt, "webcam", "b000000000000000000000000000000b", Some(1), png(320, 240)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let later = app::api::now_ms() + 11 * 60 * 1000;
    assert_eq!(app::proctor::recheck::mark_missed(&w.app.db, later, 10 * 60 * 1000).await.unwrap(), 1);
    assert_eq!(app::proctor::recheck::run_once(&w.app.db, &media, 100).await.unwrap(), 0);
    let proctor = w.app.signed_in("proctor.one", PW).await;
    let tl = w.app.call(&proctor, "/api/proctor/timeline", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(tl.status, StatusCode::OK, "{}", tl.body);
    let states: Vec<String> =
        tl.json()["evidence"].as_array().unwrap().iter().map(|e| e["recheck"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(states, vec!["done".to_string(), "missed".to_string()], "{}", tl.body);
}

backends!(a_reviewer_decides_and_the_report_counts_the_same);

async fn a_reviewer_decides_and_the_report_counts_the_same(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    assert_eq!(device_check(&w, &w.student).await.status, StatusCode::OK, "the check before the start, as the sit page does");
    let attempt = start(&w, &w.student, exam).await;
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    for (qid, answer) in right_answers(&paper) {
        w.app
            .call(
                &w.student,
                "/api/exam/answer",
                &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)],
            )
            .await;
    }
    events(&w, &w.student, attempt, &[("f0000000000000000000000000000001", "tab_hidden"), ("f0000000000000000000000000000002", "paste")])
        .await;
    // A snapshot taken at the same moment: the attempt's PDF shows it beside the violations.
    let r = upload(&w, &w.student, attempt, "webcam", "e0000000000000000000000000000001", Some(1), png(320, 240)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let one = w.app.signed_in("proctor.one", PW).await;
    let two = w.app.signed_in("proctor.two", PW).await;
    let board = w.app.call(&one, "/api/proctor/board", &[]).await;
    assert_eq!(board.json()["rows"].as_array().unwrap().len(), 1, "{}", board.body);
    // A verdict needs a finished attempt.
    let r = w
        .app
        .call(&one, "/api/proctor/verdict", &[("attempt_id", &attempt.to_string()), ("verdict", "annulled"), ("comment", "Көшірді")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    let tl = w.app.call(&one, "/api/proctor/timeline", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(tl.status, StatusCode::OK, "{}", tl.body);
    let tl = tl.json();
    let vs = tl["violations"].as_array().unwrap().clone();
    assert_eq!(vs.len(), 2);
    let confirm = vs.iter().find(|v| v["kind"] == "tab_hidden").unwrap()["id"].as_i64().unwrap();
    let dismiss = vs.iter().find(|v| v["kind"] == "paste").unwrap()["id"].as_i64().unwrap();
    let r = w
        .app
        .call(&one, "/api/proctor/violation", &[("violation_id", &dismiss.to_string()), ("decision", "dismiss"), ("comment", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a dismissal needs a comment");
    for (id, decision, comment) in [(confirm, "confirm", ""), (dismiss, "dismiss", "Өз жауабын кірістірді")] {
        let r = w
            .app
            .call(&one, "/api/proctor/violation", &[("violation_id", &id.to_string()), ("decision", decision), ("comment", comment)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // Annulled: the journal loses the exam's mark, with a history line.
    let r = w
        .app
        .call(
            &one,
            "/api/proctor/verdict",
            &[("attempt_id", &attempt.to_string()), ("verdict", "annulled"), ("comment", "Басқа бетке ауысты")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM journal_cells WHERE lesson_id = {}", w.lesson)).await, 0);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'proctor.verdict'").await, 1);
    // One appeal; the reviewer who annulled cannot decide it; a second reviewer upholds it.
    let r = w.app.call(&w.student, "/api/proctor/appeal", &[("attempt_id", &attempt.to_string()), ("text", "Қоңырау шалды")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.app.call(&w.student, "/api/proctor/appeal", &[("attempt_id", &attempt.to_string()), ("text", "Тағы")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = w
        .app
        .call(&one, "/api/proctor/appeal/decide", &[("attempt_id", &attempt.to_string()), ("decision", "upheld"), ("comment", "Иә")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = w
        .app
        .call(
            &two,
            "/api/proctor/appeal/decide",
            &[("attempt_id", &attempt.to_string()), ("decision", "upheld"), ("comment", "Дәлел жеткіліксіз")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let verdict: String =
        sqlx::query_scalar("SELECT verdict FROM exam_attempts WHERE id = $1").bind(attempt).fetch_one(&w.app.db.pool).await.unwrap();
    assert_eq!(verdict, "valid");
    assert_eq!(
        w.app.count(&format!("SELECT COUNT(*) FROM journal_cells WHERE lesson_id = {} AND mark = 5", w.lesson)).await,
        1,
        "the mark is back"
    );
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
    // The attempt's own report: a PDF with the snapshot as a thumbnail, for reviewers and the
    // exam's teacher; not for another student.
    for c in [&two, &w.teacher] {
        let pdf = w.app.get(c, &format!("/export/proctor/attempt/{attempt}.pdf")).await;
        assert_eq!(pdf.status, StatusCode::OK, "{}", pdf.body);
        assert!(pdf.body.starts_with("%PDF-"));
        assert!(pdf.body.contains("/DCTDecode"), "the thumbnails are in the PDF");
    }
    assert_eq!(w.app.get(&w.other, &format!("/export/proctor/attempt/{attempt}.pdf")).await.status, StatusCode::FORBIDDEN);
    // Someone without proctor.review over the group sees nothing.
    assert_eq!(w.app.get(&w.other, &format!("/export/proctor/exam/{exam}.csv")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app.call(&w.other, "/api/proctor/timeline", &[("attempt_id", &attempt.to_string())]).await.status, StatusCode::FORBIDDEN);
    let _ = w.group;
}

backends!(a_proctored_attempt_owes_its_evidence_to_the_server);

/// The attempt started `ms` earlier than it did (as if the candidate had been sitting it since).
async fn started_earlier(w: &World, attempt: i64, ms: i64) -> i64 {
    sqlx::query_scalar("UPDATE exam_attempts SET started_at = started_at - $1 WHERE id = $2 RETURNING started_at")
        .bind(ms)
        .bind(attempt)
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap()
}

async fn answer_all(w: &World, c: &reqwest::Client, attempt: i64) {
    let paper = w.app.call(c, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    for (qid, answer) in right_answers(&paper) {
        let r = w
            .app
            .call(c, "/api/exam/answer", &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

async fn a_proctored_attempt_owes_its_evidence_to_the_server(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await; // proctored, unproctored sitting not allowed, 30 s / 60 s intervals
                               // Snapshots that claim one face are taken at their word here (no random re-check of the
                               // blank test image by the server's detector).
    sqlx::query("UPDATE exams SET recheck_percent = 0 WHERE id = $1").bind(exam).execute(&w.app.db.pool).await.unwrap();
    let one = w.app.signed_in("proctor.one", PW).await;

    // Student A sits it with plain requests, ten minutes long, and uploads nothing.
    let plain = start(&w, &w.student, exam).await;
    started_earlier(&w, plain, 600_000).await;
    answer_all(&w, &w.student, plain).await;
    // While it goes on, the server's job finds the missing snapshots for the board.
    app::proctor::ingest::derive_missing_live(&w.app.db, app::api::now_ms()).await.unwrap();
    let board = w.app.call(&one, "/api/proctor/board", &[]).await.json();
    let row = board["rows"].as_array().unwrap().iter().find(|r| r["attempt_id"] == plain).cloned().unwrap();
    assert_eq!(row["submitted"], false);
    assert!(row["open_violations"].as_i64().unwrap() >= 2, "{row}");
    assert!(row["risk"].as_i64().unwrap() > 0, "{row}");
    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &plain.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let tl = w.app.call(&one, "/api/proctor/timeline", &[("attempt_id", &plain.to_string())]).await.json();
    let mut kinds: Vec<String> = tl["violations"].as_array().unwrap().iter().map(|v| v["kind"].as_str().unwrap().to_string()).collect();
    kinds.sort();
    assert_eq!(kinds, ["camera_gap", "no_device_check", "screen_gap"], "{tl}");
    assert!(tl["head"]["risk"].as_i64().unwrap() > 0, "{tl}");
    // The exam's report counts them too.
    let csv = w.app.get(&one, &format!("/export/proctor/exam/{exam}.csv?lang=en")).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let row: Vec<&str> = csv.body.lines().nth(1).unwrap().split(';').collect();
    assert_eq!(row[7], "3", "open violations: {}", csv.body);

    // Student B sits it as the browser does: the device check, then a snapshot every 30 s and
    // a screenshot every 60 s for ten minutes.
    assert_eq!(device_check(&w, &w.other).await.status, StatusCode::OK);
    let watched = start(&w, &w.other, exam).await;
    let from = started_earlier(&w, watched, 600_000).await;
    for i in 0..20 {
        let r = upload_captured(&w, &w.other, watched, "webcam", &format!("webcam-{i:026}"), from + i * 30_000).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    for i in 0..10 {
        let r = upload_captured(&w, &w.other, watched, "screen", &format!("screen-{i:026}"), from + i * 60_000).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    answer_all(&w, &w.other, watched).await;
    for kind in ["webcam", "screen"] {
        let r = upload_captured(&w, &w.other, watched, kind, &format!("{kind}-last-{:021}", 0), app::api::now_ms()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    app::proctor::ingest::derive_missing_live(&w.app.db, app::api::now_ms()).await.unwrap();
    let r = w.app.call(&w.other, "/api/exam/hand-in", &[("attempt_id", &watched.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let tl = w.app.call(&one, "/api/proctor/timeline", &[("attempt_id", &watched.to_string())]).await.json();
    assert_eq!(tl["violations"], serde_json::json!([]), "{tl}");
    assert_eq!(tl["head"]["risk"], 0);

    // An exam that may be sat without proctoring owes nothing: the same plain sitting is clean.
    let now = app::api::now_ms();
    let r = w
        .app
        .call(
            &w.teacher,
            "/api/exam/create",
            &[
                ("journal_id", &w.journal.to_string()),
                ("title", "Қайта тапсыру"),
                ("opens_at", &app::ui::time::format_local_input(now - 60_000)),
                ("closes_at", &app::ui::time::format_local_input(now + 3_600_000)),
                ("duration_min", "30"),
                ("draw", "Сандар: 3"),
                ("proctored", "on"),
                ("allow_unproctored", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let optional = start(&w, &w.student, r.json().as_i64().unwrap()).await;
    started_earlier(&w, optional, 600_000).await;
    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &optional.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM proctor_violations WHERE attempt_id = {optional}")).await, 0);
}

backends!(a_phone_sits_an_exam_for_any_device_with_the_camera_alone);

/// Issue 15: a phone cannot share its screen. A computer-only exam refuses a camera-only start;
/// an exam for any device takes it, records it, owes no screenshots for it, and says so on the
/// board, the timeline and the report. The phone's own events arrive as such.
async fn a_phone_sits_an_exam_for_any_device_with_the_camera_alone(b: Backend) {
    let w = world(b).await;
    let computer = exam(&w).await;
    sqlx::query("UPDATE exams SET recheck_percent = 0 WHERE id = $1").bind(computer).execute(&w.app.db.pool).await.unwrap();
    let camera = [("exam_id", computer.to_string()), ("capture", "camera".to_string())];
    let camera: Vec<(&str, &str)> = camera.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = w.app.call(&w.student, "/api/exam/start", &camera).await;
    assert!(r.status.is_client_error(), "{} {}", r.status, r.body);
    assert!(r.body.contains("ErrExamNeedsComputer"), "{}", r.body);
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = {computer}")).await, 0, "nothing started");
    // The summary the sit page shows says which devices the exam takes.
    let before = w.app.call(&w.student, "/api/exam/before-start", &[("exam_id", &computer.to_string())]).await.json();
    assert_eq!(before["settings"]["mode"], "Computer", "{before}");
    assert_eq!(before["exam"]["proctor_mode"], "Computer", "{before}");

    // The teacher makes one for any device (and an unknown mode is refused).
    let now = app::api::now_ms();
    let journal = w.journal.to_string();
    let (opens, closes) = (app::ui::time::format_local_input(now - 60_000), app::ui::time::format_local_input(now + 3_600_000));
    let make = |mode: &'static str| {
        vec![
            ("journal_id", journal.as_str()),
            ("title", "Телефоннан"),
            ("opens_at", opens.as_str()),
            ("closes_at", closes.as_str()),
            ("duration_min", "30"),
            ("draw", "Сандар: 3"),
            ("proctored", "on"),
            ("proctor_mode", mode),
        ]
    };
    assert!(w.app.call(&w.teacher, "/api/exam/create", &make("tablet")).await.status.is_client_error());
    let r = w.app.call(&w.teacher, "/api/exam/create", &make("any_device")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let any = r.json().as_i64().unwrap();
    sqlx::query("UPDATE exams SET recheck_percent = 0 WHERE id = $1").bind(any).execute(&w.app.db.pool).await.unwrap();

    // The phone: the device check's snapshot, a camera-only start, snapshots every 30 s for
    // ten minutes, no screenshot; it goes to another app and back, and turns the phone.
    assert_eq!(device_check(&w, &w.student).await.status, StatusCode::OK);
    let r = w.app.call(&w.student, "/api/exam/start", &[("exam_id", &any.to_string()), ("capture", "camera")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let phone = r.json().as_i64().unwrap();
    let view = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &phone.to_string())]).await.json();
    assert_eq!(view["settings"]["require_screen"], false, "the attempt page asks for the camera alone: {view}");
    let from = started_earlier(&w, phone, 600_000).await;
    for i in 0..20 {
        let r = upload_captured(&w, &w.student, phone, "webcam", &format!("phone-{i:027}"), from + i * 30_000).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = events(
        &w,
        &w.student,
        phone,
        &[
            ("ev-app-hidden-0000000000000001", "app_hidden"),
            ("ev-app-visible-000000000000001", "app_visible"),
            ("ev-orientation-000000000000001", "orientation"),
            ("ev-cam-interrupted-00000000001", "camera_interrupted"),
            ("ev-cam-resumed-000000000000001", "camera_resumed"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    answer_all(&w, &w.student, phone).await;
    let r = upload_captured(&w, &w.student, phone, "webcam", &format!("phone-last-{:022}", 0), app::api::now_ms()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app::proctor::ingest::derive_missing_live(&w.app.db, app::api::now_ms()).await.unwrap();
    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &phone.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // A computer sitting the same exam shares its screen; it owes screenshots and has none.
    assert_eq!(device_check(&w, &w.other).await.status, StatusCode::OK);
    let desk = start(&w, &w.other, any).await;
    let from = started_earlier(&w, desk, 600_000).await;
    for i in 0..21 {
        let r = upload_captured(&w, &w.other, desk, "webcam", &format!("desk-{i:028}"), from + i * 30_000).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = w.app.call(&w.other, "/api/exam/hand-in", &[("attempt_id", &desk.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let one = w.app.signed_in("proctor.one", PW).await;
    let tl = w.app.call(&one, "/api/proctor/timeline", &[("attempt_id", &phone.to_string())]).await.json();
    assert_eq!(tl["head"]["capture"], "Camera", "{tl}");
    let kinds: Vec<&str> = tl["violations"].as_array().unwrap().iter().map(|v| v["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["app_hidden"], "leaving the exam counts; no screen is owed, turning the phone is no violation: {tl}");
    let events: Vec<&str> = tl["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for kind in ["app_hidden", "app_visible", "orientation", "camera_interrupted", "camera_resumed"] {
        assert!(events.contains(&kind), "{kind} on the timeline: {tl}");
    }
    let tl = w.app.call(&one, "/api/proctor/timeline", &[("attempt_id", &desk.to_string())]).await.json();
    assert_eq!(tl["head"]["capture"], "Screen", "{tl}");
    let kinds: Vec<&str> = tl["violations"].as_array().unwrap().iter().map(|v| v["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["screen_gap"], "{tl}");

    // The report says how each attempt was captured, in the reader's language.
    let csv = w.app.get(&one, &format!("/export/proctor/exam/{any}.csv?lang=ru")).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    let header: Vec<&str> = csv.body.lines().next().unwrap().split(';').collect();
    let col = header.iter().position(|h| h.contains("Вид наблюдения")).expect("a capture column");
    let captured: Vec<String> = csv.body.lines().skip(1).map(|l| l.split(';').nth(col).unwrap().to_string()).collect();
    assert!(captured.contains(&"Только камера (телефон)".to_string()), "{}", csv.body);
    assert!(captured.contains(&"Камера и экран".to_string()), "{}", csv.body);
}

backends!(a_regional_proctor_sees_every_attempt_of_their_region_on_the_board);

/// `count` attempts at `journal` (one exam each, all by `student`), at `risk`.
async fn many_attempts(w: &World, journal: i64, student: i64, count: i64, risk: i64) -> Vec<i64> {
    let now = app::api::now_ms();
    let mut tx = w.app.db.begin().await.unwrap();
    let mut ids = Vec::new();
    for i in 0..count {
        let exam: i64 = sqlx::query_scalar(
            "INSERT INTO exams (journal_id, title, form, opens_at, closes_at, duration_min, created_by, created_at)
             SELECT $1, $2, 'test', $3, $4, 30, teacher_id, 0 FROM journals WHERE id = $1 RETURNING id",
        )
        .bind(journal)
        .bind(format!("Exam {i}"))
        .bind(now - 60_000)
        .bind(now + 3_600_000)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO exam_attempts (exam_id, student_id, started_at, deadline_at, last_seen_at, risk) VALUES ($1, $2, $3, $4, $3, $5) RETURNING id",
        )
        .bind(exam)
        .bind(student)
        .bind(now - i)
        .bind(now + 1_800_000)
        .bind(risk)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    ids
}

async fn a_regional_proctor_sees_every_attempt_of_their_region_on_the_board(b: Backend) {
    let w = world(b).await;
    // Another region with more attempts than the board once read, all riskier than ours.
    let region = w.app.make_org(1, "region", "Алматы облысы").await;
    let college = w.app.make_org(region, "college", "Басқа колледж").await;
    let group = w.app.make_org(college, "group", "ЭК-31").await;
    let teacher = w.app.make_user("teacher.b", PW, Some((Role::Teacher, college))).await;
    let student = w.app.make_user("student.c", PW, Some((Role::Student, group))).await;
    let journal: i64 = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
         VALUES ($1, 'Физика', $2, '2026-09-01', '2026-12-31', 'five', 'Физика ЭК-31', $2, 0) RETURNING id",
    )
    .bind(group)
    .bind(teacher)
    .fetch_one(&w.app.db.pool)
    .await
    .unwrap();
    many_attempts(&w, journal, student, 520, 90).await;
    let ours = many_attempts(&w, w.journal, w.student_id, 130, 10).await;
    // The regional proctor (proctor.two holds the role on our region): all 130, over two pages.
    let two = w.app.signed_in("proctor.two", PW).await;
    let mut seen = Vec::new();
    for page in 0..3 {
        let r = w.app.call(&two, "/api/proctor/board", &[("page", &page.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let p = r.json();
        assert_eq!(p["total"], 130, "the count is of the proctor's own attempts");
        let rows = p["rows"].as_array().unwrap();
        assert_eq!(rows.len(), [100, 30, 0][page], "page {page}");
        assert!(rows.iter().all(|r| r["group_name"] == "ИС-21"), "nothing from another region");
        seen.extend(rows.iter().map(|r| r["attempt_id"].as_i64().unwrap()));
    }
    seen.sort_unstable();
    let mut ours = ours;
    ours.sort_unstable();
    assert_eq!(seen, ours, "every attempt of the region, each once");
    // A proctor over the whole installation sees both regions: 650 attempts, riskiest first.
    w.app.make_user("root.proctor", PW, Some((Role::Proctor, 1))).await;
    let root = w.app.signed_in("root.proctor", PW).await;
    let p = w.app.call(&root, "/api/proctor/board", &[]).await.json();
    assert_eq!(p["total"], 650);
    assert_eq!(p["rows"][0]["group_name"], "ЭК-31");
}

backends!(images_are_private_and_purged_after_retention);

async fn images_are_private_and_purged_after_retention(b: Backend) {
    use app::proctor_review::report::purge_expired;
    let w = world(b).await;
    let exam = exam(&w).await;
    let attempt = start(&w, &w.student, exam).await;
    let r = upload(&w, &w.student, attempt, "screen", "5555555555555555555555555555555a", None, png(1280, 720)).await;
    let id = r.json()["id"].as_i64().unwrap();
    for key in ["5555555555555555555555555555555b", "5555555555555555555555555555555c", "5555555555555555555555555555555d"] {
        let r = upload(&w, &w.student, attempt, "screen", key, None, png(640, 360)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let one = w.app.signed_in("proctor.one", PW).await;
    let img = w.app.get(&one, &format!("/api/proctor/image/{id}")).await;
    assert_eq!(img.status, StatusCode::OK);
    assert_eq!(img.headers.get("content-type").unwrap(), "image/png");
    assert_eq!(w.app.get(&w.other, &format!("/api/proctor/image/{id}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app.get(&w.app.client(), &format!("/api/proctor/image/{id}")).await.status, StatusCode::UNAUTHORIZED);
    // The personal-data access log: the proctor saw this candidate's images (one line for the
    // hour however many images were opened); the refused callers saw nothing and are not in it.
    assert_eq!(w.app.get(&one, &format!("/api/proctor/image/{id}")).await.status, StatusCode::OK);
    let seen = format!(
        "SELECT COUNT(*) FROM audit_log l JOIN users v ON v.id = l.actor_id JOIN exam_attempts a ON a.student_id = CAST(l.entity_id AS BIGINT)
         WHERE l.action = 'personal_data.view' AND l.entity = 'user' AND v.login = 'proctor.one' AND a.id = {attempt}"
    );
    assert_eq!(w.app.count(&seen).await, 1);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data.view'").await, 1);
    // The exam closed 100 days ago with 90 days of retention.
    sqlx::query("UPDATE exams SET closes_at = $1, retention_days = 90 WHERE id = $2")
        .bind(app::api::now_ms() - 100 * 86_400_000)
        .bind(exam)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    let state = app::state::AppState {
        leptos_options: server::leptos_options(&w.app.config),
        db: w.app.db.clone(),
        settings: std::sync::Arc::new(app::state::Settings {
            secure_cookies: false,
            trusted_proxies: 0,
            session_hours: 12,
            public_url: "http://127.0.0.1:3000".into(),
        }),
        media: server::media_store(&w.app.config).unwrap(),
    };
    // Three nodes run the hourly purge at the same moment: each image is purged by one of them.
    let now = app::api::now_ms();
    let (a, b, c) = tokio::join!(purge_expired(&state, now), purge_expired(&state, now), purge_expired(&state, now));
    assert_eq!(a.unwrap() + b.unwrap() + c.unwrap(), 4, "four images, each purged once");
    assert_eq!(files_under(&w.app.config.media_dir.join("proctor")), 0);
    assert_eq!(w.app.get(&one, &format!("/api/proctor/image/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(w.app.count("SELECT CAST(COALESCE(SUM(images), 0) AS BIGINT) FROM proctor_purges").await, 4, "logged once per image");
    assert!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'proctor.retention.purge'").await >= 1);
    assert_eq!(purge_expired(&state, app::api::now_ms()).await.unwrap(), 0, "nothing twice");
}

/// An S3-protocol server on 127.0.0.1 (the `s3s-fs` crate: S3 over a folder, with SigV4
/// authentication), so the S3 path of the media store is tested with real requests.
async fn s3_server(root: &std::path::Path) -> String {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    let fs = s3s_fs::FileSystem::new(root).expect("s3s-fs root");
    let mut builder = s3s::service::S3ServiceBuilder::new(fs);
    builder.set_auth(s3s::auth::SimpleAuth::from_single("talap-test", "talap-test-secret"));
    let service = builder.build().into_shared();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let http = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
        loop {
            let Ok((socket, _)) = listener.accept().await else { continue };
            let conn = http.serve_connection(TokioIo::new(socket), service.clone()).into_owned();
            tokio::spawn(async move {
                let _ = conn.await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_goes_to_s3_compatible_storage() {
    let root = tempfile::tempdir().unwrap();
    // s3s-fs keeps a bucket as a folder under its root.
    std::fs::create_dir(root.path().join("evidence")).unwrap();
    let endpoint = s3_server(root.path()).await;
    let builder = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name("evidence")
        .with_endpoint(&endpoint)
        .with_allow_http(true)
        .with_region("us-east-1")
        .with_access_key_id("talap-test")
        .with_secret_access_key("talap-test-secret");
    let media = app::media::MediaStore::s3_with(builder, "s3://evidence").unwrap();
    let w = world_on(common::spawn_app_with_media(Backend::Sqlite, media).await).await;
    // /readyz writes and removes a probe object through S3.
    assert_eq!(w.app.get(&w.app.client(), "/readyz").await.status, StatusCode::OK);
    let exam = exam(&w).await;
    let attempt = start(&w, &w.student, exam).await;
    let key = "5555555555555555555555555555555a";
    let image = png(320, 240);
    let first = upload(&w, &w.student, attempt, "webcam", key, Some(1), image.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = upload(&w, &w.student, attempt, "webcam", key, Some(1), image.clone()).await;
    assert_eq!(again.json()["duplicate"], true);
    assert_eq!(files_under(&root.path().join("evidence").join("proctor")), 1, "one object in the bucket");
    assert_eq!(files_under(&w.app.config.media_dir), 0, "nothing in the local folder");
    // A reviewer reads it back through the authorised route; the student who is not its owner cannot.
    let id = first.json()["id"].as_i64().unwrap();
    let proctor = w.app.signed_in("proctor.one", PW).await;
    let res = proctor.get(format!("{}/api/proctor/image/{id}", w.app.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.bytes().await.unwrap().to_vec(), image, "the same bytes come back from S3");
    let res = w.other.get(format!("{}/api/proctor/image/{id}", w.app.base)).send().await.unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
}

backends!(the_schedule_never_seats_more_than_a_room_holds);

async fn the_schedule_never_seats_more_than_a_room_holds(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let now = app::api::now_ms();
    let at = |ms: i64| app::ui::time::format_local_input(ms);
    let sitting = |room: &'static str, seats: &'static str, candidates: &'static str, from: i64, to: i64| {
        let (exam, from, to) = (exam.to_string(), at(from), at(to));
        let w = &w;
        async move {
            w.app
                .call(
                    &w.teacher,
                    "/api/exam/sitting/add",
                    &[
                        ("exam_id", &exam),
                        ("room", room),
                        ("seats", seats),
                        ("starts_at", &from),
                        ("ends_at", &to),
                        ("candidates", candidates),
                    ],
                )
                .await
        }
    };
    let half_hour = 1_800_000;
    // Two candidates into a room of one seat: refused at the candidates field, nothing written.
    let r = sitting("204", "1", "2", now, now + half_hour).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.field_errors().contains(&("candidates".into(), "ErrRoomFull".into())), "{:?}", r.field_errors());
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_sittings").await, 0);
    // Outside the exam's window.
    let r = sitting("204", "5", "1", now, now + 3 * half_hour).await;
    assert!(r.field_errors().contains(&("starts_at".into(), "ErrSittingOutsideWindow".into())), "{:?}", r.field_errors());
    // One seat, one candidate: fine. The same room (spelled with spaces) at an overlapping time
    // has no seat left; another room has.
    let r = sitting("204", "1", "1", now, now + half_hour).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = sitting(" 204 ", "1", "1", now + 60_000, now + 2 * half_hour).await;
    assert!(r.field_errors().contains(&("candidates".into(), "ErrRoomFull".into())), "{:?}", r.field_errors());
    let r = sitting("205", "5", "1", now, now + half_hour).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let second = r.json().as_i64().unwrap();
    let schedule = w.app.call(&w.teacher, "/api/exam/schedule", &[("exam_id", &exam.to_string())]).await.json();
    assert_eq!(schedule["sittings"].as_array().map(Vec::len), Some(2), "{schedule}");
    assert_eq!(schedule["unseated"].as_array().map(Vec::len), Some(0));
    // No more candidates to seat.
    let r = sitting("206", "5", "1", now, now + half_hour).await;
    assert!(r.field_errors().contains(&("candidates".into(), "ErrSittingCandidates".into())), "{:?}", r.field_errors());
    // A candidate without a seat cannot start a scheduled exam; the one with a seat can, and
    // then their sitting can no longer be removed.
    let r = w.app.call(&w.teacher, "/api/exam/sitting/remove", &[("sitting_id", &second.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let a = w.app.call(&w.student, "/api/exam/start", &[("exam_id", &exam.to_string())]).await;
    let b = w.app.call(&w.other, "/api/exam/start", &[("exam_id", &exam.to_string())]).await;
    let (seated, unseated) = if a.status == StatusCode::OK { (a, b) } else { (b, a) };
    assert_eq!(seated.status, StatusCode::OK, "{}", seated.body);
    assert_eq!(unseated.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", unseated.body);
    assert!(unseated.body.contains("ErrNotScheduled"), "{}", unseated.body);
    let first: i64 = sqlx::query_scalar("SELECT id FROM exam_sittings").fetch_one(&w.app.db.pool).await.unwrap();
    let r = w.app.call(&w.teacher, "/api/exam/sitting/remove", &[("sitting_id", &first.to_string())]).await;
    assert!(r.body.contains("ErrSittingStarted"), "{}", r.body);
    // Only the journal's teacher schedules.
    let r = w
        .app
        .call(
            &w.student,
            "/api/exam/sitting/add",
            &[
                ("exam_id", &exam.to_string()),
                ("room", "1"),
                ("seats", "1"),
                ("starts_at", &at(now)),
                ("ends_at", &at(now + half_hour)),
                ("candidates", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

/// Creates an exam of `form` open now for an hour on the journal's exam lesson, with `extra`
/// fields (draw, tickets...); returns the raw answer.
async fn create(w: &World, form: &str, extra: &[(&str, &str)]) -> common::Response {
    let now = app::api::now_ms();
    let opens = app::ui::time::format_local_input(now - 60_000);
    let closes = app::ui::time::format_local_input(now + 3_600_000);
    let journal = w.journal.to_string();
    let lesson = w.lesson.to_string();
    let mut fields: Vec<(&str, &str)> = vec![
        ("journal_id", &journal),
        ("title", "Қорытынды емтихан"),
        ("form", form),
        ("opens_at", &opens),
        ("closes_at", &closes),
        ("duration_min", "45"),
        ("lesson_id", &lesson),
    ];
    fields.push(("draw", ""));
    // A field given in `extra` replaces the default.
    fields.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    fields.extend_from_slice(extra);
    w.app.call(&w.teacher, "/api/exam/create", &fields).await
}

async fn journal_cell(w: &World, student: i64) -> (Option<i64>, Option<String>) {
    sqlx::query_as("SELECT mark, attendance FROM journal_cells WHERE lesson_id = $1 AND student_id = $2")
        .bind(w.lesson)
        .bind(student)
        .fetch_optional(&w.app.db.pool)
        .await
        .unwrap()
        .unwrap_or((None, None))
}

async fn attach(w: &World, c: &reqwest::Client, attempt: i64, name: &str, bytes: &[u8]) -> common::Response {
    let form = reqwest::multipart::Form::new()
        .text("attempt_id", attempt.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    w.app.multipart(c, "/api/exam/ticket/file", form).await
}

backends!(a_ticket_is_drawn_answered_with_files_and_graded);

async fn a_ticket_is_drawn_answered_with_files_and_graded(b: Backend) {
    let w = world(b).await;
    let r = create(&w, "ticket", &[("tickets", " \n---\n")]).await;
    assert_eq!(r.field_errors(), vec![("tickets".to_string(), "ErrTicketsRequired".to_string())]);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exams").await, 0, "nothing written");
    let tickets = "1. Туынды деген не?\n2. Интегралды есептеңіз.\n---\n1. Шек анықтамасы.\n2. Қатарлар.";
    let r = create(&w, "ticket", &[("tickets", tickets)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = r.json().as_i64().unwrap();
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_tickets").await, 2);
    let attempt = start(&w, &w.student, exam).await;
    let view = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    assert_eq!(view["form"], "ticket");
    let body = view["ticket"]["body"].as_str().unwrap().to_string();
    assert!(body == "1. Туынды деген не?\n2. Интегралды есептеңіз." || body == "1. Шек анықтамасы.\n2. Қатарлар.", "{body}");
    // The written answer is autosaved as any answer; a reload shows it.
    let answer = serde_json::json!({ "Text": "Туынды — функцияның өзгеру жылдамдығы." }).to_string();
    for _ in 0..2 {
        let r = w
            .app
            .call(&w.student, "/api/exam/answer", &[("attempt_id", &attempt.to_string()), ("question_id", "0"), ("answer", &answer)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let view = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    assert_eq!(view["ticket"]["written"], "Туынды — функцияның өзгеру жылдамдығы.");
    // Files: checked by content, the same name twice is one file, at most five, own attempt only.
    let pdf = b"%PDF-1.4\n% answer\n".to_vec();
    for _ in 0..2 {
        let r = attach(&w, &w.student, attempt, "Жауап.pdf", &pdf).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM exam_files WHERE attempt_id = {attempt}")).await, 1);
    let r = attach(&w, &w.student, attempt, "answer.pdf", b"MZ\x90\x00\x03\x00").await;
    assert_eq!(r.field_errors(), vec![("file".to_string(), "ErrFileType".to_string())]);
    let r = attach(&w, &w.other, attempt, "x.pdf", &pdf).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    for i in 2..=5 {
        let r = attach(&w, &w.student, attempt, &format!("page{i}.png"), b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = attach(&w, &w.student, attempt, "page6.png", b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR").await;
    assert_eq!(r.field_errors(), vec![("file".to_string(), "ErrTooManyFiles".to_string())]);
    let r = w.app.call(&w.student, "/api/exam/ticket/file/remove", &[("attempt_id", &attempt.to_string()), ("name", "page5.png")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json().as_array().unwrap().len(), 4);
    // Each attached and removed file is in the audit, under the exam's group (issue 14, item 21).
    let audited = w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.ticket.file.remove' AND org_id IS NOT NULL").await;
    assert_eq!(audited, 1);
    assert!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.ticket.file.attach'").await >= 5);
    // Handed in: it waits for the teacher; no mark anywhere yet.
    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["needs_grading"], true);
    assert!(r.json()["mark"].is_null());
    assert_eq!(journal_cell(&w, w.student_id).await, (None, None));
    let r = attach(&w, &w.student, attempt, "late.pdf", &pdf).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "no files after hand-in: {}", r.body);
    // The teacher downloads the file; another student cannot.
    let path = format!("/files/exam/{attempt}/{}", urlencoding("Жауап.pdf"));
    let f = w.app.get(&w.teacher, &path).await;
    assert_eq!(f.status, StatusCode::OK, "{}", f.body);
    assert_eq!(f.body.as_bytes(), pdf.as_slice());
    assert_eq!(f.headers["content-type"], "application/pdf");
    assert_eq!(w.app.get(&w.other, &path).await.status, StatusCode::FORBIDDEN);
    // Grading: a mark is required for a ticket; the student cannot grade; the grade reaches the
    // journal and the student sees it with the comment.
    let g = w.app.call(&w.teacher, "/api/exam/grading", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(g.status, StatusCode::OK, "{}", g.body);
    assert_eq!(g.json()["ticket"]["written"], "Туынды — функцияның өзгеру жылдамдығы.");
    assert_eq!(g.json()["ticket"]["files"].as_array().unwrap().len(), 4);
    let grade =
        |mark: &str| serde_json::json!({ "attempt_id": attempt, "points": [], "mark": mark, "comment": "Екінші сұрақ толық емес." });
    let r = w.app.call_json(&w.teacher, "/api/exam/grade", &grade("")).await;
    assert_eq!(r.field_errors(), vec![("mark".to_string(), "ErrRequired".to_string())]);
    let r = w.app.call_json(&w.teacher, "/api/exam/grade", &grade("7")).await;
    assert_eq!(r.field_errors().first().map(|e| e.0.as_str()), Some("mark"));
    assert_eq!(w.app.call_json(&w.student, "/api/exam/grade", &grade("5")).await.status, StatusCode::FORBIDDEN);
    let r = w.app.call_json(&w.teacher, "/api/exam/grade", &grade("4")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(journal_cell(&w, w.student_id).await, (Some(4), None));
    let view = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    assert_eq!(view["result"]["mark"], "4");
    assert_eq!(view["result"]["needs_grading"], false);
    assert_eq!(view["grader_comment"], "Екінші сұрақ толық емес.");
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b".-_".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

backends!(an_essay_is_graded_by_points_and_the_mark_follows);

async fn an_essay_is_graded_by_points_and_the_mark_follows(b: Backend) {
    let w = world(b).await;
    let r = import(&w, "essay.gift", "$CATEGORY: Эссе\n\n::e1:: Туындының геометриялық мағынасын түсіндіріңіз. {}\n").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = create(&w, "test", &[("draw", "Эссе: 1")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = r.json().as_i64().unwrap();
    let attempt = start(&w, &w.student, exam).await;
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    let qid = paper["questions"][0]["question_id"].as_i64().unwrap();
    let answer = serde_json::json!({ "Text": "Жанаманың көлбеулігі." }).to_string();
    let r = w
        .app
        .call(
            &w.student,
            "/api/exam/answer",
            &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.json()["needs_grading"], true, "{}", r.body);
    assert_eq!(journal_cell(&w, w.student_id).await, (None, None), "no mark before the essay is graded");
    let results = w.app.call(&w.teacher, "/api/exam/results", &[("exam_id", &exam.to_string())]).await.json();
    assert_eq!(results["candidates"][0]["needs_grading"], true);
    let grade = |points: &str| serde_json::json!({ "attempt_id": attempt, "points": [{ "question_id": qid, "points": points }], "mark": "", "comment": "" });
    let r = w.app.call_json(&w.teacher, "/api/exam/grade", &grade("2")).await;
    assert_eq!(r.field_errors(), vec![(format!("points.{qid}"), "ErrPointsRange".to_string())]);
    let r = w.app.call_json(&w.teacher, "/api/exam/grade", &grade("1")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["score"].as_f64(), Some(1.0));
    assert_eq!(r.json()["mark"], "5", "the mark follows from the score when none is typed");
    assert_eq!(journal_cell(&w, w.student_id).await, (Some(5), None));
    let g = w.app.call(&w.teacher, "/api/exam/grading", &[("attempt_id", &attempt.to_string())]).await.json();
    assert_eq!(g["essays"][0]["points"].as_f64(), Some(1.0));
    assert_eq!(g["essays"][0]["answer"], "Жанаманың көлбеулігі.");
}

backends!(offline_marks_are_entered_all_or_nothing_into_the_journal);

async fn offline_marks_are_entered_all_or_nothing_into_the_journal(b: Backend) {
    let w = world(b).await;
    let r = create(&w, "offline", &[("duration_min", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = r.json().as_i64().unwrap();
    let r = w.app.call(&w.student, "/api/exam/start", &[("exam_id", &exam.to_string())]).await;
    assert!(r.body.contains("ErrExamOffline"), "{}", r.body);
    let sheet = w.app.call(&w.teacher, "/api/exam/offline", &[("exam_id", &exam.to_string())]).await;
    assert_eq!(sheet.status, StatusCode::OK, "{}", sheet.body);
    let rows = sheet.json()["rows"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 2);
    let other = rows.iter().map(|r| r["student_id"].as_i64().unwrap()).find(|id| *id != w.student_id).unwrap();
    let save = |a: &str, b: &str| serde_json::json!({ "exam_id": exam, "marks": [{ "student_id": w.student_id, "value": a }, { "student_id": other, "value": b }] });
    // One bad value: refused at its row, nothing written.
    let r = w.app.call_json(&w.teacher, "/api/exam/offline/save", &save("5", "7")).await;
    assert_eq!(r.field_errors().first().map(|e| e.0.clone()), Some(format!("mark.{other}")), "{}", r.body);
    assert_eq!(journal_cell(&w, w.student_id).await, (None, None));
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_attempts").await, 0);
    // A student cannot enter marks.
    assert_eq!(w.app.call_json(&w.student, "/api/exam/offline/save", &save("5", "5")).await.status, StatusCode::FORBIDDEN);
    let r = w.app.call_json(&w.teacher, "/api/exam/offline/save", &save("5", "н")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json().as_i64(), Some(2));
    assert_eq!(journal_cell(&w, w.student_id).await, (Some(5), None));
    assert_eq!(journal_cell(&w, other).await.0, None);
    assert!(journal_cell(&w, other).await.1.is_some(), "absent is an attendance mark");
    // Saving the same sheet changes nothing; clearing a mark removes it from the journal too.
    assert_eq!(w.app.call_json(&w.teacher, "/api/exam/offline/save", &save("5", "н")).await.json().as_i64(), Some(0));
    assert_eq!(w.app.call_json(&w.teacher, "/api/exam/offline/save", &save("", "н")).await.json().as_i64(), Some(1));
    assert_eq!(journal_cell(&w, w.student_id).await, (None, None));
    let results = w.app.call(&w.teacher, "/api/exam/results", &[("exam_id", &exam.to_string())]).await.json();
    assert_eq!(results["candidates"].as_array().unwrap().len(), 1, "the results list who has a mark");
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM mark_history WHERE lesson_id = {}", w.lesson)).await, 3);
}

async fn attach_picture(w: &World, c: &reqwest::Client, question: i64, name: &str, bytes: &[u8]) -> common::Response {
    let form = reqwest::multipart::Form::new()
        .text("question_id", question.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    w.app.multipart(c, "/api/exam/bank/picture", form).await
}

/// The bytes behind an address, if the caller may read them.
async fn fetch(w: &World, c: &reqwest::Client, path: &str) -> (StatusCode, Option<String>, Vec<u8>) {
    let res = c.get(format!("{}{path}", w.app.base)).send().await.unwrap();
    let kind = res.headers().get("content-type").map(|v| v.to_str().unwrap().to_string());
    (res.status(), kind, res.bytes().await.unwrap().to_vec())
}

backends!(a_question_picture_is_checked_and_shown_only_to_those_who_drew_it);

async fn a_question_picture_is_checked_and_shown_only_to_those_who_drew_it(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let bank = w.app.call(&w.teacher, "/api/exam/bank", &[("subject", "Математика")]).await.json();
    let q = bank[0]["id"].as_i64().unwrap();
    assert!(bank[0]["picture"].is_null());
    // A web page or a program named .png is refused at the file field, and so is a file too big.
    let r = attach_picture(&w, &w.teacher, q, "схема.png", b"<svg onload=alert(1)></svg>").await;
    assert_eq!(r.field_errors(), vec![("file".to_string(), "ErrNotAnImage".to_string())], "{}", r.body);
    let r = attach_picture(&w, &w.teacher, q, "big.png", &vec![0u8; app::exam::pictures::MAX_PICTURE + 1]).await;
    assert_eq!(r.field_errors(), vec![("file".to_string(), "ErrFileTooLarge".to_string())], "{}", r.body);
    // Only the bank's owner attaches pictures to its questions.
    let r = attach_picture(&w, &w.student, q, "a.png", &png(64, 48)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.question.picture'").await, 0);
    let picture = png(64, 48);
    let r = attach_picture(&w, &w.teacher, q, "схема.png", &picture).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let url = r.json().as_str().unwrap().to_string();
    // Sent again (a retry), the same picture is stored once at the same address.
    assert_eq!(attach_picture(&w, &w.teacher, q, "схема.png", &picture).await.json().as_str(), Some(url.as_str()));
    assert_eq!(files_under(&w.app.config.media_dir.join("questions")), 1);
    // The picture made the question's next version, which the bank lists in its place.
    let bank = w.app.call(&w.teacher, "/api/exam/bank", &[("subject", "Математика")]).await.json();
    let listed = bank.as_array().unwrap().iter().find(|x| x["picture"].as_str() == Some(url.as_str())).expect("the new version");
    assert_eq!(listed["version"].as_i64(), Some(2), "{listed}");
    assert_eq!(bank.as_array().map(Vec::len), Some(3), "{bank}");
    let q = listed["id"].as_i64().unwrap();
    assert_eq!(fetch(&w, &w.teacher, &url).await, (StatusCode::OK, Some("image/png".into()), picture.clone()));
    assert_eq!(fetch(&w, &w.student, &url).await.0, StatusCode::NOT_FOUND, "the bank is the teacher's");
    // The candidate's paper shows it at an address of the attempt.
    let attempt = start(&w, &w.student, exam).await;
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    let on_paper = paper["questions"].as_array().unwrap().iter().find(|x| x["question_id"] == q).unwrap()["picture"].clone();
    let on_paper = on_paper.as_str().expect("the paper carries the picture").to_string();
    assert!(on_paper.starts_with(&format!("/files/attempt/{attempt}/question/{q}?v=")), "{on_paper}");
    let others = paper["questions"].as_array().unwrap().iter().filter(|x| x["picture"].is_string()).count();
    assert_eq!(others, 1, "only the question with a picture has one");
    assert_eq!(fetch(&w, &w.student, &on_paper).await, (StatusCode::OK, Some("image/png".into()), picture.clone()));
    assert_eq!(fetch(&w, &w.teacher, &on_paper).await.0, StatusCode::OK, "the exam's teacher sees what the candidate saw");
    assert_eq!(fetch(&w, &w.other, &on_paper).await.0, StatusCode::FORBIDDEN, "another student");
    assert_eq!(fetch(&w, &w.app.client(), &on_paper).await.0, StatusCode::UNAUTHORIZED);
    // An attempt opens only the pictures of questions it drew.
    let foreign: i64 = sqlx::query_scalar(
        "INSERT INTO exam_questions (owner_id, subject, topic, kind, body, created_at) SELECT owner_id, subject, 'Басқа', kind, body, 0 FROM exam_questions WHERE id = $1 RETURNING id",
    )
    .bind(q)
    .fetch_one(&w.app.db.pool)
    .await
    .unwrap();
    assert_eq!(fetch(&w, &w.student, &format!("/files/attempt/{attempt}/question/{foreign}")).await.0, StatusCode::NOT_FOUND);
    // A new picture is the next version (new address); the version the running attempt drew
    // keeps its picture, and so its file. Removing it is one more version, without a picture.
    let r = attach_picture(&w, &w.teacher, q, "схема-2.png", &png(80, 40)).await;
    assert_ne!(r.json().as_str(), Some(url.as_str()));
    assert_eq!(files_under(&w.app.config.media_dir.join("questions")), 2);
    let bank = w.app.call(&w.teacher, "/api/exam/bank", &[("subject", "Математика")]).await.json();
    let v3 = bank.as_array().unwrap().iter().find(|x| x["version"].as_i64() == Some(3)).expect("version 3")["id"].as_i64().unwrap();
    let r = attach_picture(&w, &w.teacher, q, "схема-3.png", &png(90, 40)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "a version replaced already is not changed again");
    let r = w.app.call(&w.teacher, "/api/exam/bank/picture/remove", &[("question_id", &v3.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.app.call(&w.teacher, "/api/exam/bank/picture/remove", &[("question_id", &v3.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "a retried removal: {}", r.body);
    assert_eq!(files_under(&w.app.config.media_dir.join("questions")), 2, "files of versions kept stay");
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    let still = paper["questions"].as_array().unwrap().iter().find(|x| x["question_id"] == q).unwrap()["picture"].clone();
    assert_eq!(still.as_str(), Some(on_paper.as_str()), "the running attempt keeps the picture it drew");
    assert_eq!(fetch(&w, &w.student, &on_paper).await, (StatusCode::OK, Some("image/png".into()), picture.clone()));
    // A paper drawn now gets the latest version: no picture.
    let theirs = start(&w, &w.other, exam).await;
    let paper = w.app.call(&w.other, "/api/exam/attempt", &[("attempt_id", &theirs.to_string())]).await.json();
    assert!(paper["questions"].as_array().unwrap().iter().all(|x| x["picture"].is_null()), "{paper}");
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.question.picture'").await, 3);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions WHERE archived = 0").await, 4, "the bank's 3 and the foreign copy");
}

backends!(an_upload_is_measured_before_it_is_read);

/// Uploads are bounded while they stream in and before a parser inflates them (issue 14, items
/// 11 and 12): a huge text field, a spreadsheet that unpacks to 70 MB (a "zip bomb" of 70 KB)
/// are refused with their own message at their own field, and nothing is imported.
async fn an_upload_is_measured_before_it_is_read(b: Backend) {
    use std::io::Write;
    let w = world(b).await;
    let form = reqwest::multipart::Form::new()
        .text("subject", "М".repeat(512 * 1024))
        .part("file", reqwest::multipart::Part::bytes(GIFT.as_bytes().to_vec()).file_name("bank.gift"));
    let r = w.app.multipart(&w.teacher, "/api/exam/bank/import", form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.field_errors(), vec![("subject".to_string(), "ErrTooLong".to_string())]);

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", deflated).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><Types/>").unwrap();
    zip.start_file("xl/worksheets/sheet1.xml", deflated).unwrap();
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..70 {
        zip.write_all(&zeros).unwrap();
    }
    let bomb = zip.finish().unwrap().into_inner();
    assert!(bomb.len() < 1 << 20, "a small file: {} bytes", bomb.len());
    let form = reqwest::multipart::Form::new()
        .text("subject", "Математика")
        .part("file", reqwest::multipart::Part::bytes(bomb).file_name("bank.xlsx"));
    let r = w.app.multipart(&w.teacher, "/api/exam/bank/import", form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("ErrFileUnpacksTooLarge"), "{}", r.body);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions").await, 0);
}

backends!(nothing_is_captured_without_consent_and_a_minors_comes_from_a_guardian);

/// Law 94-V (issue 21): a candidate's face is neither counted nor kept before they (or, for a
/// minor, a parent or guardian) consent to proctoring; consent is recorded once however often
/// it is given, withdrawing it stops the capture, and both leave an audit row.
async fn nothing_is_captured_without_consent_and_a_minors_comes_from_a_guardian(b: Backend) {
    let w = world(b).await;
    let first = exam(&w).await;
    let group = w.group;
    // A pupil born on 15 March 2012: under 18 by the IIN.
    let pupil = w.app.make_user("pupil.c", PW, Some((Role::Student, group))).await;
    sqlx::query("UPDATE users SET iin = '120315501236' WHERE id = $1").bind(pupil).execute(&w.app.db.pool).await.unwrap();
    let c = w.app.signed_in("pupil.c", PW).await;
    let consents = |c: reqwest::Client| {
        let app = &w.app;
        async move { app.call(&c, "/api/consent/mine", &[]).await.json() }
    };
    let mine = consents(c.clone()).await;
    assert_eq!(mine["minor"], true);
    assert_eq!(mine["records"], serde_json::json!([]));

    // No consent: the test snapshot is refused before it is decoded, and so is evidence.
    let r = device_check(&w, &c).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrConsentRequired" }), "{}", r.body);
    let attempt = start(&w, &c, first).await;
    let r = upload(&w, &c, attempt, "webcam", "consent-missing-0000000001", Some(1), png(320, 240)).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrConsentRequired" }), "{}", r.body);
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM proctor_evidence WHERE attempt_id = {attempt}")).await, 0, "nothing kept");

    // A minor cannot agree alone; a guardian must give a name.
    let give = |c: reqwest::Client, by: &'static str, name: &'static str| {
        let app = &w.app;
        async move { app.call(&c, "/api/consent/give", &[("purpose", "proctoring"), ("given_by", by), ("guardian_name", name)]).await }
    };
    let r = give(c.clone(), "person", "").await;
    assert_eq!(r.field_errors(), vec![("given_by".to_string(), "ErrConsentMinor".to_string())], "{}", r.body);
    let r = give(c.clone(), "guardian", "   ").await;
    assert_eq!(r.field_errors(), vec![("guardian_name".to_string(), "ErrRequired".to_string())], "{}", r.body);
    let r = give(c.clone(), "", "").await;
    assert_eq!(r.field_errors(), vec![("given_by".to_string(), "ErrConsentWho".to_string())], "{}", r.body);
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM personal_data_consents WHERE user_id = (SELECT id FROM users WHERE login = 'pupil.c')").await,
        0
    );
    // Given twice (a double click): one record, one audit row.
    for _ in 0..2 {
        let r = give(c.clone(), "guardian", "  Серікова   Айгерім  ").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let mine = consents(c.clone()).await;
    let records = mine["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{mine}");
    assert_eq!(records[0]["given_by"], "Guardian");
    assert_eq!(records[0]["guardian_name"], "Серікова Айгерім");
    assert_eq!(records[0]["withdrawn_at"], serde_json::Value::Null);
    let audit = |action: &'static str| {
        let app = &w.app;
        async move { app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND entity_id = '{pupil}'")).await }
    };
    assert_eq!(audit("consent.give").await, 1);

    // With consent the check and a new attempt's evidence go through.
    let r = device_check(&w, &c).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam2 = exam(&w).await;
    let attempt2 = start(&w, &c, exam2).await;
    let r = upload(&w, &c, attempt2, "webcam", "consent-given-00000000001", Some(1), png(320, 240)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Withdrawn (twice: one change): the check is refused again, the record shows when.
    for _ in 0..2 {
        let r = w.app.call(&c, "/api/consent/withdraw", &[("purpose", "proctoring")]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(audit("consent.withdraw").await, 1);
    let mine = consents(c.clone()).await;
    assert!(mine["records"][0]["withdrawn_at"].as_i64().is_some(), "{mine}");
    let r = device_check(&w, &c).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrConsentRequired" }), "{}", r.body);
    // Ingest reads consent with the attempt (cached for a few seconds): refused once that passes.
    tokio::time::sleep(std::time::Duration::from_millis(5_500)).await;
    let r = upload(&w, &c, attempt2, "webcam", "consent-withdrawn-000000001", Some(1), png(320, 240)).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrConsentRequired" }), "{}", r.body);
    assert_eq!(
        w.app.count(&format!("SELECT COUNT(*) FROM proctor_evidence WHERE attempt_id = {attempt2}")).await,
        1,
        "only the image taken with consent"
    );
}

backends!(one_user_runs_one_device_check_at_a_time);

/// A device check decodes an image of up to 4096x4096 (64 MB): one user's burst of parallel
/// checks must not take the node's memory (issue 14, item 12). While one of a user's checks
/// is decoded, another is refused (429); another user is not held up, and the next check
/// after the burst works.
async fn one_user_runs_one_device_check_at_a_time(b: Backend) {
    let w = world(b).await;
    // Big enough that a decode is still running when the burst's other requests arrive.
    let big = png(2048, 2048);
    let check = |client: reqwest::Client, body: Vec<u8>| {
        let url = format!("{}/api/proctor/check", w.app.base);
        async move { client.post(url).header("content-type", "image/png").body(body).send().await.unwrap().status() }
    };
    let burst: Vec<_> = (0..8).map(|_| tokio::spawn(check(w.student.clone(), big.clone()))).collect();
    let other = check(w.other.clone(), png(320, 240)).await;
    let mut statuses = Vec::new();
    for t in burst {
        statuses.push(t.await.unwrap());
    }
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    assert_eq!(other, StatusCode::OK, "another user is not refused");
    assert_eq!(check(w.student.clone(), png(320, 240)).await, StatusCode::OK, "the next check works");
}

/// Puts a question straight into the teacher's bank (ordering only comes from a spreadsheet).
async fn bank_question(w: &World, q: &app::exam::model::Question) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO exam_questions (owner_id, subject, topic, kind, body, created_at)
         VALUES ((SELECT id FROM users WHERE login = 'teacher'), 'Математика', $1, $2, $3, 0) RETURNING id",
    )
    .bind(&q.topic)
    .bind(q.kind.code())
    .bind(serde_json::to_string(q).unwrap())
    .fetch_one(&w.app.db.pool)
    .await
    .unwrap()
}

/// (id, text) pairs of a paper question's options or right items, in the order shown.
fn shown(q: &serde_json::Value, side: &str) -> Vec<(String, String)> {
    q[side]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o[0].as_str().expect("an id is a string").to_string(), o[1].as_str().unwrap().to_string()))
        .collect()
}

backends!(the_paper_carries_no_key_and_answers_come_back_by_id);

async fn the_paper_carries_no_key_and_answers_come_back_by_id(b: Backend) {
    use app::exam::model::{present, Question, QuestionKind};
    let w = world(b).await;
    let items = ["Бір", "Екі", "Үш", "Төрт", "Бес"];
    let ordering = Question {
        options: items.iter().map(|s| s.to_string()).collect(),
        points: 2,
        topic: "Рет".into(),
        ..Question::new(QuestionKind::Ordering, "Сандарды ретімен қойыңыз")
    };
    // The right items in key order (correct = identity), as an imported matching often has them.
    let matching = Question {
        options: vec!["Абай".into(), "Әуезов".into(), "Пушкин".into()],
        right: vec!["Қара сөздер".into(), "Абай жолы".into(), "Евгений Онегин".into(), "Война и мир".into()],
        correct: vec![0, 1, 2],
        points: 3,
        topic: "Рет".into(),
        ..Question::new(QuestionKind::Matching, "Автор мен шығарманы сәйкестендіріңіз")
    };
    let ordering_id = bank_question(&w, &ordering).await;
    let matching_id = bank_question(&w, &matching).await;
    let now = app::api::now_ms();
    let r = w
        .app
        .call(
            &w.teacher,
            "/api/exam/create",
            &[
                ("journal_id", &w.journal.to_string()),
                ("title", "Рет пен сәйкестік"),
                ("opens_at", &app::ui::time::format_local_input(now - 60_000)),
                ("closes_at", &app::ui::time::format_local_input(now + 3_600_000)),
                ("duration_min", "30"),
                ("draw", "Рет: 2"),
                ("lesson_id", &w.lesson.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = r.json().as_i64().unwrap();
    let mine = start(&w, &w.student, exam).await;
    let theirs = start(&w, &w.other, exam).await;
    // A seeded attempt: a matching seed whose shuffle does not pair the shown columns in key
    // order, so answering "row i with row i" is the identity the old paper gave away.
    let seed = (1..)
        .find(|&s| {
            let p = present(&matching, s);
            (0..3).all(|pos| p.right_order[pos] != matching.correct[p.order[pos]])
        })
        .unwrap();
    sqlx::query("UPDATE exam_attempts SET questions = $1 WHERE id = $2")
        .bind(serde_json::json!([[ordering_id, 7], [matching_id, seed]]).to_string())
        .bind(mine)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    let paper = |c: &reqwest::Client, attempt: i64| {
        let c = c.clone();
        let app = &w.app;
        async move {
            let r = app.call(&c, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert!(!r.body.contains("correct"), "{}", r.body);
            let v = r.json();
            let question = |id: i64| v["questions"].as_array().unwrap().iter().find(|q| q["question_id"] == id).unwrap().clone();
            (question(ordering_id), question(matching_id))
        }
    };
    let (my_ordering, my_matching) = paper(&w.student, mine).await;
    let texts = |list: &[(String, String)]| list.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
    let ord = shown(&my_ordering, "options");
    assert_ne!(texts(&ord), items.to_vec(), "the items are not shown in the correct order");
    for (id, _) in ord.iter().chain(shown(&my_matching, "options").iter()).chain(shown(&my_matching, "right").iter()) {
        assert!(id.parse::<u64>().map_or(true, |n| n > 20), "an option id is not its index: {id}");
    }
    let (their_ordering, their_matching) = paper(&w.other, theirs).await;
    let ids = |q: &serde_json::Value, side: &str| shown(q, side).into_iter().map(|(id, _)| id).collect::<std::collections::HashSet<_>>();
    for (a, b, side) in
        [(&my_ordering, &their_ordering, "options"), (&my_matching, &their_matching, "options"), (&my_matching, &their_matching, "right")]
    {
        assert!(ids(a, side).is_disjoint(&ids(b, side)), "two attempts name the options differently ({side})");
    }

    let answer = |c: &reqwest::Client, attempt: i64, qid: i64, body: serde_json::Value| {
        let c = c.clone();
        let app = &w.app;
        async move {
            app.call(
                &c,
                "/api/exam/answer",
                &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &body.to_string())],
            )
            .await
        }
    };
    // The identity answer: the items as shown, each left item with the right one beside it.
    let as_shown: Vec<String> = ord.iter().map(|(id, _)| id.clone()).collect();
    let r = answer(&w.student, mine, ordering_id, serde_json::json!({ "Order": as_shown })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let row_by_row: Vec<(String, String)> =
        shown(&my_matching, "options").into_iter().zip(shown(&my_matching, "right")).map(|((l, _), (r, _))| (l, r)).collect();
    let r = answer(&w.student, mine, matching_id, serde_json::json!({ "Matching": row_by_row })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Original indexes (the old wire form) name nothing on this paper: refused, not scored.
    for (qid, forged) in [
        (ordering_id, serde_json::json!({ "Order": [0, 1, 2, 3, 4] })),
        (ordering_id, serde_json::json!({ "Order": ["0", "1", "2", "3", "4"] })),
        (matching_id, serde_json::json!({ "Matching": [0, 1, 2] })),
    ] {
        assert_eq!(answer(&w.student, mine, qid, forged).await.status, StatusCode::BAD_REQUEST);
    }
    // A reload shows the saved answer in the paper's ids.
    let (again, _) = paper(&w.student, mine).await;
    let saved: serde_json::Value = serde_json::from_str(again["saved"].as_str().unwrap()).unwrap();
    assert_eq!(saved, serde_json::json!({ "Order": as_shown }));
    assert_eq!(shown(&again, "options"), ord, "a reload shows the same paper");
    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &mine.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["score"].as_f64(), Some(0.0), "the identity answer earns nothing: {}", r.body);

    // The right answer, given through the ids, earns full marks.
    let id_of = |list: &[(String, String)], text: &str| list.iter().find(|(_, t)| t == text).unwrap().0.clone();
    let their_ord = shown(&their_ordering, "options");
    let in_order: Vec<String> = items.iter().map(|t| id_of(&their_ord, t)).collect();
    assert_eq!(answer(&w.other, theirs, ordering_id, serde_json::json!({ "Order": in_order })).await.status, StatusCode::OK);
    let (lefts, rights) = (shown(&their_matching, "options"), shown(&their_matching, "right"));
    let pairs: Vec<(String, String)> = [("Абай", "Қара сөздер"), ("Әуезов", "Абай жолы"), ("Пушкин", "Евгений Онегин")]
        .iter()
        .map(|(l, r)| (id_of(&lefts, l), id_of(&rights, r)))
        .collect();
    assert_eq!(answer(&w.other, theirs, matching_id, serde_json::json!({ "Matching": pairs })).await.status, StatusCode::OK);
    let r = w.app.call(&w.other, "/api/exam/hand-in", &[("attempt_id", &theirs.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["score"].as_f64(), Some(5.0), "{}", r.body);
}

backends!(a_decided_appeal_is_final_unless_a_reviewer_above_both_reopens_it);

async fn a_decided_appeal_is_final_unless_a_reviewer_above_both_reopens_it(b: Backend) {
    let w = world(b).await;
    // proctor.one reviews the college, proctor.two and proctor.peer the region, proctor.chief
    // the whole installation.
    let region: i64 =
        sqlx::query_scalar("SELECT org_id FROM role_assignments ra JOIN users u ON u.id = ra.user_id WHERE u.login = 'proctor.two'")
            .fetch_one(&w.app.db.pool)
            .await
            .unwrap();
    w.app.make_user("proctor.peer", PW, Some((Role::Proctor, region))).await;
    w.app.make_user("proctor.chief", PW, Some((Role::Proctor, 1))).await;
    let exam = exam(&w).await;
    let attempt = start(&w, &w.student, exam).await;
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    for (qid, answer) in right_answers(&paper) {
        let r = w
            .app
            .call(
                &w.student,
                "/api/exam/answer",
                &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await.status, StatusCode::OK);
    let [one, two, peer, chief] = [
        w.app.signed_in("proctor.one", PW).await,
        w.app.signed_in("proctor.two", PW).await,
        w.app.signed_in("proctor.peer", PW).await,
        w.app.signed_in("proctor.chief", PW).await,
    ];
    let a = attempt.to_string();
    let verdict = |c: &reqwest::Client, v: &'static str| {
        let (c, a, app) = (c.clone(), a.clone(), &w.app);
        async move { app.call(&c, "/api/proctor/verdict", &[("attempt_id", &a), ("verdict", v), ("comment", "Телефон")]).await }
    };
    let reopen = |c: &reqwest::Client, decision: &'static str| {
        let (c, a, app) = (c.clone(), a.clone(), &w.app);
        async move {
            app.call(&c, "/api/proctor/appeal/reopen", &[("attempt_id", &a), ("decision", decision), ("comment", "Қайта қаралды")]).await
        }
    };
    let state = || async {
        let verdict: String =
            sqlx::query_scalar("SELECT verdict FROM exam_attempts WHERE id = $1").bind(attempt).fetch_one(&w.app.db.pool).await.unwrap();
        let marks = w.app.count(&format!("SELECT COUNT(*) FROM journal_cells WHERE lesson_id = {} AND mark = 5", w.lesson)).await;
        (verdict, marks)
    };
    assert_eq!(verdict(&one, "annulled").await.status, StatusCode::OK);
    let r = w.app.call(&w.student, "/api/proctor/appeal", &[("attempt_id", &a), ("text", "Телефон маған тиесілі емес")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // While the appeal waits, the first reviewer cannot change the verdict under it.
    let r = verdict(&one, "annulled").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("ErrVerdictUnderAppeal"), "{}", r.body);
    let r = w.app.call(&two, "/api/proctor/appeal/decide", &[("attempt_id", &a), ("decision", "upheld"), ("comment", "Дәлел жоқ")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(state().await, ("valid".to_string(), 1));
    // Upheld: final. The first reviewer cannot annul again, nor the second change it, nor can
    // either of them or a reviewer at the second one's level reopen it.
    for c in [&one, &two, &chief] {
        let r = verdict(c, "annulled").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("ErrAppealFinal"), "{}", r.body);
    }
    for c in [&one, &two, &peer] {
        let r = reopen(c, "rejected").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("ErrNotAboveReviewers"), "{}", r.body);
    }
    assert_eq!(state().await, ("valid".to_string(), 1), "the upheld appeal stands");
    let may_reopen = |c: &reqwest::Client| {
        let (c, a, app) = (c.clone(), a.clone(), &w.app);
        async move { app.call(&c, "/api/proctor/timeline", &[("attempt_id", &a)]).await.json()["may_reopen"].as_bool() }
    };
    assert_eq!((may_reopen(&one).await, may_reopen(&peer).await, may_reopen(&chief).await), (Some(false), Some(false), Some(true)));
    // A reviewer above both reopens it and rejects the appeal: the annulment is back, audited.
    let r = reopen(&chief, "rejected").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(state().await, ("annulled".to_string(), 0));
    let before: String = sqlx::query_scalar("SELECT before_json FROM audit_log WHERE action = 'proctor.appeal.reopen'")
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap();
    assert!(before.contains("upheld"), "{before}");
    let status: String = sqlx::query_scalar("SELECT status FROM proctor_appeals WHERE attempt_id = $1")
        .bind(attempt)
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap();
    assert_eq!(status, "rejected");
    // And that decision is final too, for everyone below the chief.
    for c in [&one, &two] {
        assert_eq!(verdict(c, "valid").await.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(reopen(c, "upheld").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(state().await, ("annulled".to_string(), 0));
}

// Several attempts per candidate (issue 19), graded by Moodle's methods.

/// An exam open now for an hour on the world's lesson, drawing the GIFT bank's three questions
/// (imported already), allowing `attempts` graded by `method`; returns its id.
async fn exam_of_attempts(w: &World, attempts: &str, method: &str, proctored: bool) -> i64 {
    let now = app::api::now_ms();
    let (journal, lesson) = (w.journal.to_string(), w.lesson.to_string());
    let (opens, closes) = (app::ui::time::format_local_input(now - 60_000), app::ui::time::format_local_input(now + 3_600_000));
    let mut form = vec![
        ("journal_id", journal.as_str()),
        ("title", "Қайталап тапсыру"),
        ("opens_at", opens.as_str()),
        ("closes_at", closes.as_str()),
        ("duration_min", "30"),
        ("draw", "Сандар: 3"),
        ("lesson_id", lesson.as_str()),
        ("attempts_allowed", attempts),
        ("grading_method", method),
    ];
    if proctored {
        form.push(("proctored", "on"));
    }
    let r = w.app.call(&w.teacher, "/api/exam/create", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

/// The student answers every question of the attempt right, each save acknowledged.
async fn answer_right(w: &World, attempt: i64) {
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    for (qid, answer) in right_answers(&paper) {
        let r = w
            .app
            .call(
                &w.student,
                "/api/exam/answer",
                &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
}

/// The student starts an attempt, answers every question right (mark 5) or none (mark 2), and
/// hands it in; returns the attempt.
async fn sit_attempt(w: &World, exam: i64, right: bool) -> i64 {
    let attempt = start(w, &w.student, exam).await;
    if right {
        answer_right(w, attempt).await;
    }
    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["mark"].as_str(), Some(if right { "5" } else { "2" }), "{}", r.body);
    attempt
}

async fn lesson_mark(w: &World) -> Option<i64> {
    sqlx::query_scalar("SELECT mark FROM journal_cells WHERE lesson_id = $1 AND student_id = $2")
        .bind(w.lesson)
        .bind(w.student_id)
        .fetch_optional(&w.app.db.pool)
        .await
        .unwrap()
        .flatten()
}

backends!(the_journal_gets_the_grade_of_several_attempts_by_the_method);
/// Each method over the same two attempts (2 then 5, or 5 then 2): highest 5, average 4 (3.5
/// rounded half up), first and last the one they name. The candidate's list, the page before a
/// start and the teacher's results show the attempts and the grade.
async fn the_journal_gets_the_grade_of_several_attempts_by_the_method(b: Backend) {
    let w = world(b).await;
    let r = import(&w, "bank.gift", GIFT).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let highest = exam_of_attempts(&w, "3", "highest", false).await;
    sit_attempt(&w, highest, false).await;
    assert_eq!(lesson_mark(&w).await, Some(2), "one attempt: its mark");
    let before = w.app.call(&w.student, "/api/exam/before-start", &[("exam_id", &highest.to_string())]).await.json();
    assert_eq!(before["next_attempt"].as_i64(), Some(2), "{before}");
    assert_eq!(before["attempt_id"], serde_json::Value::Null, "the device check comes before attempt 2");
    sit_attempt(&w, highest, true).await;
    assert_eq!(lesson_mark(&w).await, Some(5), "the highest of 2 and 5");
    let history = w
        .app
        .count(&format!(
            "SELECT COUNT(*) FROM mark_history WHERE lesson_id = {} AND new_value = '5' AND reason LIKE '%Қайталап тапсыру%'",
            w.lesson
        ))
        .await;
    assert_eq!(history, 1, "the grade's history line names the exam");
    let overview = w.app.call(&w.student, "/api/exam/overview", &[]).await.json();
    let listed = overview["sitting"].as_array().unwrap().iter().find(|e| e["id"].as_i64() == Some(highest)).unwrap().clone();
    assert_eq!((listed["attempts_made"].as_i64(), listed["attempts_allowed"].as_i64()), (Some(2), Some(3)), "{listed}");
    assert_eq!(listed["grade"], serde_json::json!({ "Mark": 5 }), "{listed}");
    let results = w.app.call(&w.teacher, "/api/exam/results", &[("exam_id", &highest.to_string())]).await.json();
    let rows = results["candidates"].as_array().unwrap();
    assert_eq!(rows.iter().map(|c| c["attempt_no"].as_i64().unwrap()).collect::<Vec<_>>(), vec![1, 2]);
    assert!(rows.iter().all(|c| c["grade"] == serde_json::json!({ "Mark": 5 })), "{results}");
    assert_eq!(rows.iter().map(|c| c["mark"].as_str().unwrap()).collect::<Vec<_>>(), vec!["2", "5"]);

    // In this order each one changes the cell it finds (2, 4, then 2 again over the 4).
    for (method, first_right, expected) in [("last", true, 2), ("average", false, 4), ("first", false, 2)] {
        let exam = exam_of_attempts(&w, "2", method, false).await;
        sit_attempt(&w, exam, first_right).await;
        sit_attempt(&w, exam, !first_right).await;
        assert_eq!(lesson_mark(&w).await, Some(expected), "{method}");
    }
}

backends!(a_start_beyond_the_attempts_allowed_is_refused);
/// Two attempts allowed: a second start while the first is open gives it back, the next after
/// its hand-in makes attempt 2, and a third start is refused with its reason.
async fn a_start_beyond_the_attempts_allowed_is_refused(b: Backend) {
    let w = world(b).await;
    let r = import(&w, "bank.gift", GIFT).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = exam_of_attempts(&w, "2", "highest", false).await;
    let first = start(&w, &w.student, exam).await;
    assert_eq!(start(&w, &w.student, exam).await, first, "the open attempt comes back");
    w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &first.to_string())]).await;
    let second = start(&w, &w.student, exam).await;
    assert_ne!(second, first);
    assert_eq!(start(&w, &w.student, exam).await, second);
    w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &second.to_string())]).await;
    let r = start_call(&w, &w.student, exam).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrNoAttemptsLeft" }), "{}", r.body);
    let numbers: Vec<i64> = sqlx::query_scalar("SELECT attempt_no FROM exam_attempts WHERE exam_id = $1 ORDER BY attempt_no")
        .bind(exam)
        .fetch_all(&w.app.db.pool)
        .await
        .unwrap();
    assert_eq!(numbers, vec![1, 2]);
    let before = w.app.call(&w.student, "/api/exam/before-start", &[("exam_id", &exam.to_string())]).await.json();
    assert_eq!(before["no_start"].as_str(), Some("ErrNoAttemptsLeft"), "{before}");
    assert_eq!(before["attempt_id"].as_i64(), Some(second), "the last attempt's result");
    // The form refuses what the table would: more than ten attempts, another method.
    let now = app::api::now_ms();
    let (journal, opens, closes) =
        (w.journal.to_string(), app::ui::time::format_local_input(now), app::ui::time::format_local_input(now + 3_600_000));
    let r = w
        .app
        .call(
            &w.teacher,
            "/api/exam/create",
            &[
                ("journal_id", journal.as_str()),
                ("title", "Тым көп"),
                ("opens_at", opens.as_str()),
                ("closes_at", closes.as_str()),
                ("duration_min", "30"),
                ("draw", "Сандар: 3"),
                ("attempts_allowed", "11"),
                ("grading_method", "best"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let mut errors = r.field_errors();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("attempts_allowed".to_string(), "ErrAttemptsAllowed".to_string()),
            ("grading_method".to_string(), "ErrGradingMethod".to_string())
        ]
    );
}

backends!(two_starts_of_attempt_two_at_once_make_one);
/// Two clicks on "Start another attempt" at the same moment (two tabs) start one attempt 2.
async fn two_starts_of_attempt_two_at_once_make_one(b: Backend) {
    let w = world(b).await;
    let r = import(&w, "bank.gift", GIFT).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = exam_of_attempts(&w, "3", "highest", false).await;
    sit_attempt(&w, exam, false).await;
    let exam_id = exam.to_string();
    let form = [("exam_id", exam_id.as_str())];
    let (a, b2) =
        futures::future::join(w.app.call(&w.student, "/api/exam/start", &form), w.app.call(&w.student, "/api/exam/start", &form)).await;
    assert_eq!((a.status, b2.status), (StatusCode::OK, StatusCode::OK), "{} {}", a.body, b2.body);
    assert_eq!(a.json(), b2.json(), "one attempt for both clicks");
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = {exam}")).await, 2);
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = {exam} AND attempt_no = 2")).await, 1);
}

backends!(an_annulled_attempt_leaves_the_grade_and_ends_the_retakes);
/// A proctor annuls the attempt that made the grade: the grade is made again from the others
/// (5 and 2 by highest: 2 is left), and no further attempt may be started.
async fn an_annulled_attempt_leaves_the_grade_and_ends_the_retakes(b: Backend) {
    let w = world(b).await;
    let r = import(&w, "bank.gift", GIFT).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = exam_of_attempts(&w, "3", "highest", true).await;
    let best = sit_attempt(&w, exam, true).await;
    sit_attempt(&w, exam, false).await;
    assert_eq!(lesson_mark(&w).await, Some(5));
    let proctor = w.app.signed_in("proctor.one", PW).await;
    let r = w
        .app
        .call(&proctor, "/api/proctor/verdict", &[("attempt_id", &best.to_string()), ("verdict", "annulled"), ("comment", "Көшірді")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(lesson_mark(&w).await, Some(2), "the annulled attempt no longer counts");
    let r = start_call(&w, &w.student, exam).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrAnnulledNoRetake" }), "{}", r.body);
    // Reinstated: it counts again.
    let r = w.app.call(&proctor, "/api/proctor/verdict", &[("attempt_id", &best.to_string()), ("verdict", "valid"), ("comment", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(lesson_mark(&w).await, Some(5));
}
// Issue 19: review options, editing, duplicating and archiving an exam.

/// The settings form's fields for `s`, as the edit and duplicate pages send them.
fn settings_fields(s: &app::exam::settings::ExamSettings) -> Vec<(String, String)> {
    let time = |ms: i64| app::ui::time::format_local_input(ms);
    let mut f = vec![
        ("title".to_string(), s.title.clone()),
        ("opens_at".into(), time(s.opens_at)),
        ("closes_at".into(), time(s.closes_at)),
        ("duration_min".into(), s.duration_min.to_string()),
        ("draw".into(), s.draw_text()),
        ("tickets".into(), s.tickets_text()),
        ("lesson_id".into(), s.lesson_id.map(|l| l.to_string()).unwrap_or_default()),
        ("proctor_mode".into(), s.proctor_mode.code().to_string()),
        ("snapshot_interval_s".into(), s.snapshot_interval_s.to_string()),
        ("screen_interval_s".into(), s.screen_interval_s.to_string()),
        ("no_face_frames".into(), s.no_face_frames.to_string()),
        ("retention_days".into(), s.retention_days.to_string()),
    ];
    for part in app::exam::review::ReviewPart::ALL {
        f.push((part.field().to_string(), s.review.when(part).code().to_string()));
    }
    if s.proctored {
        f.push(("proctored".into(), "on".into()));
    }
    if s.allow_unproctored {
        f.push(("allow_unproctored".into(), "on".into()));
    }
    f
}

async fn exam_settings(w: &World, exam: i64) -> app::exam::settings::ExamEditData {
    let r = w.app.call(&w.teacher, "/api/exam/settings", &[("exam_id", &exam.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

/// Sends the edit form with `changes` over the exam's current settings.
async fn update(w: &World, exam: i64, changes: &[(&str, &str)]) -> common::Response {
    let s = exam_settings(w, exam).await.settings;
    let mut fields = settings_fields(&s);
    fields.retain(|(k, _)| !changes.iter().any(|(c, _)| c == k));
    // An unticked checkbox is not sent at all.
    let unticked = |k: &str, v: &str| v.is_empty() && (k == "proctored" || k == "allow_unproctored");
    fields.extend(changes.iter().filter(|(k, v)| !unticked(k, v)).map(|(k, v)| (k.to_string(), v.to_string())));
    fields.push(("exam_id".into(), exam.to_string()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    w.app.call(&w.teacher, "/api/exam/update", &form).await
}

async fn review(w: &World, c: &reqwest::Client, attempt: i64) -> common::Response {
    w.app.call(c, "/api/exam/review", &[("attempt_id", &attempt.to_string())]).await
}

/// A single-choice question with feedback per option and a general one, alone in its topic.
async fn feedback_question(w: &World) -> i64 {
    use app::exam::model::{Question, QuestionKind};
    let q = Question {
        options: vec!["Үш".into(), "Төрт".into(), "Бес".into()],
        correct: vec![1],
        topic: "Кері".into(),
        feedback: vec!["FEEDBACK-THREE".into(), "FEEDBACK-FOUR".into(), "FEEDBACK-FIVE".into()],
        general_feedback: "GENERAL-SOLUTION".into(),
        ..Question::new(QuestionKind::Single, "Екі қосу екі?")
    };
    bank_question(w, &q).await
}

/// Starts `c`'s attempt at `exam`, answers its one question with the option `text`, hands in.
async fn sit_and_hand_in(w: &World, c: &reqwest::Client, exam: i64, text: &str) -> (i64, common::Response) {
    let attempt = start(w, c, exam).await;
    (attempt, answer_and_hand_in(w, c, attempt, text).await)
}

async fn answer_and_hand_in(w: &World, c: &reqwest::Client, attempt: i64, text: &str) -> common::Response {
    let paper = w.app.call(c, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    let q = &paper["questions"][0];
    let (id, _) = shown(q, "options").into_iter().find(|(_, t)| t == text).unwrap();
    let answer = format!("{{\"Choice\":[\"{id}\"]}}");
    let qid = q["question_id"].as_i64().unwrap().to_string();
    let r = w.app.call(c, "/api/exam/answer", &[("attempt_id", &attempt.to_string()), ("question_id", &qid), ("answer", &answer)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let handed = w.app.call(c, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(handed.status, StatusCode::OK, "{}", handed.body);
    handed
}

fn key_leaks(body: &str) -> bool {
    ["Төрт", "FEEDBACK", "GENERAL-SOLUTION"].iter().any(|k| body.contains(k))
}

backends!(review_options_decide_what_a_candidate_sees_after_hand_in);

async fn review_options_decide_what_a_candidate_sees_after_hand_in(b: Backend) {
    let w = world(b).await;
    feedback_question(&w).await;
    // The defaults: the score right after hand-in, nothing else.
    let r = create(&w, "test", &[("draw", "Кері: 1")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let plain = r.json().as_i64().unwrap();
    let attempt = start(&w, &w.student, plain).await;
    let r = review(&w, &w.student, attempt).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "nothing before hand-in: {}", r.body);
    assert!(r.body.contains("ErrReviewNotHandedIn"), "{}", r.body);
    let handed = answer_and_hand_in(&w, &w.student, attempt, "Үш").await;
    assert_eq!(handed.json()["score"].as_f64(), Some(0.0), "the score right after hand-in");
    let r = review(&w, &w.student, attempt).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["score_shown"], true);
    assert_eq!(r.json()["questions"].as_array().unwrap().len(), 0);
    assert!(!key_leaks(&r.body), "no correct answer, no feedback: {}", r.body);
    // Another candidate cannot read it; the teacher reads all of it.
    assert_eq!(review(&w, &w.other, attempt).await.status, StatusCode::FORBIDDEN);
    let r = review(&w, &w.teacher, attempt).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["questions"][0]["correct"][0], "Төрт");
    assert_eq!(r.json()["questions"][0]["outcome"], "wrong");

    // Their answers right after hand-in; the score, the key and feedback once the exam closes.
    let r = create(
        &w,
        "test",
        &[
            ("draw", "Кері: 1"),
            ("title", "Кейін"),
            ("review_score", "after_close"),
            ("review_answers", "after_hand_in"),
            ("review_correct", "after_close"),
            ("review_feedback", "after_close"),
            ("review_general_feedback", "after_close"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let later = r.json().as_i64().unwrap();
    let (attempt, handed) = sit_and_hand_in(&w, &w.other, later, "Үш").await;
    assert!(handed.json()["score"].is_null() && handed.json()["mark"].is_null(), "no score yet: {}", handed.body);
    let view = w.app.call(&w.other, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    assert!(view["result"]["score"].is_null(), "{view}");
    let r = review(&w, &w.other, attempt).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let q = &r.json()["questions"][0];
    assert_eq!(q["answer"][0], "Үш");
    assert_eq!(q["outcome"], "wrong");
    assert!(q["correct"].is_null() && r.json()["score"].is_null());
    assert_eq!(r.json()["more_after_close"], true);
    assert!(!key_leaks(&r.body), "nothing of the key before the exam closes: {}", r.body);
    // The other candidate (student.a) has not started: the exam is still open for them.
    let overview = w.app.call(&w.other, "/api/exam/overview", &[]).await.json();
    let listed = overview["sitting"].as_array().unwrap().iter().find(|e| e["id"] == later).unwrap().clone();
    assert!(listed["attempt"]["score"].is_null(), "the list holds the score back too: {listed}");
    // The window closes: everything the options allow is shown.
    sqlx::query("UPDATE exams SET closes_at = $1 WHERE id = $2")
        .bind(app::api::now_ms() - 1)
        .bind(later)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    let r = review(&w, &w.other, attempt).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let body = r.json();
    assert_eq!(body["score"].as_f64(), Some(0.0));
    assert_eq!(body["questions"][0]["correct"][0], "Төрт");
    assert_eq!(body["questions"][0]["feedback"][0], "FEEDBACK-THREE");
    assert_eq!(body["questions"][0]["general_feedback"], "GENERAL-SOLUTION");
    assert_eq!(body["more_after_close"], false);
    let view = w.app.call(&w.other, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    assert_eq!(view["result"]["score"].as_f64(), Some(0.0));
}

backends!(review_after_close_waits_for_a_candidate_with_a_later_window);

/// "After close" is after everyone's window: a candidate given a later one still sits, so the
/// key stays back for the others until then.
async fn review_after_close_waits_for_a_candidate_with_a_later_window(b: Backend) {
    let w = world(b).await;
    feedback_question(&w).await;
    let r = create(&w, "test", &[("draw", "Кері: 1"), ("review_correct", "after_close")]).await;
    let exam = r.json().as_i64().unwrap();
    let (attempt, _) = sit_and_hand_in(&w, &w.student, exam, "Төрт").await;
    let now = app::api::now_ms();
    let other: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'student.b'").fetch_one(&w.app.db.pool).await.unwrap();
    sqlx::query("UPDATE exams SET closes_at = $1 WHERE id = $2").bind(now - 1).bind(exam).execute(&w.app.db.pool).await.unwrap();
    sqlx::query(
        "INSERT INTO exam_accommodations (exam_id, student_id, extra_min, opens_at, closes_at, reason, set_by, set_at)
         VALUES ($1, $2, 0, $3, $4, '', $2, 0)",
    )
    .bind(exam)
    .bind(other)
    .bind(now - 60_000)
    .bind(now + 3_600_000)
    .execute(&w.app.db.pool)
    .await
    .unwrap();
    let r = review(&w, &w.student, attempt).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["questions"].as_array().unwrap().is_empty() && !key_leaks(&r.body), "{}", r.body);
    sqlx::query("DELETE FROM exam_accommodations WHERE exam_id = $1").bind(exam).execute(&w.app.db.pool).await.unwrap();
    let r = review(&w, &w.student, attempt).await;
    assert_eq!(r.json()["questions"][0]["correct"][0], "Төрт", "{}", r.body);
}

backends!(an_exam_is_edited_freely_before_it_opens_and_only_safely_after);

async fn an_exam_is_edited_freely_before_it_opens_and_only_safely_after(b: Backend) {
    let w = world(b).await;
    assert_eq!(import(&w, "bank.gift", GIFT).await.status, StatusCode::OK);
    let now = app::api::now_ms();
    let opens = app::ui::time::format_local_input(now + 3_600_000);
    let closes = app::ui::time::format_local_input(now + 7_200_000);
    let r = create(&w, "test", &[("draw", "Сандар: 3"), ("opens_at", &opens), ("closes_at", &closes), ("proctored", "on")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = r.json().as_i64().unwrap();
    let d = exam_settings(&w, exam).await;
    assert!(!d.opened && !d.closed);
    assert!(d.settings.proctored);
    // Before it opens, everything: the draw, the time limit, proctoring, the window.
    let r = update(&w, exam, &[("draw", "Сандар: 2"), ("duration_min", "20"), ("proctored", "")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = exam_settings(&w, exam).await.settings;
    assert_eq!(s.draw, vec![("Сандар".to_string(), 2)]);
    assert_eq!(s.duration_min, 20);
    let r = update(&w, exam, &[("opens_at", &app::ui::time::format_local_input(now - 60_000))]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Now open: the candidate's paper follows the edited draw.
    let attempt = start(&w, &w.student, exam).await;
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    assert_eq!(paper["questions"].as_array().unwrap().len(), 2);
    assert!(exam_settings(&w, exam).await.opened);
    // An unsafe change is refused at its field; nothing is written.
    let r = update(&w, exam, &[("draw", "Сандар: 3")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.field_errors(), vec![("draw".to_string(), "ErrExamOpenedLocked".to_string())]);
    let r = update(&w, exam, &[("duration_min", "45"), ("title", "Changed")]).await;
    assert_eq!(r.field_errors(), vec![("duration_min".to_string(), "ErrExamOpenedLocked".to_string())]);
    let s = exam_settings(&w, exam).await.settings;
    assert_ne!(s.title, "Changed");
    let earlier = app::ui::time::format_local_input(now + 1_800_000);
    let r = update(&w, exam, &[("closes_at", &earlier)]).await;
    assert_eq!(r.field_errors(), vec![("closes_at".to_string(), "ErrExamCloseOnlyLater".to_string())]);
    // The safe ones pass: the title, a later close, the review options.
    let later = app::ui::time::format_local_input(now + 10_800_000);
    let r = update(&w, exam, &[("title", "Жаңа атау"), ("closes_at", &later), ("review_correct", "after_close")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let s = exam_settings(&w, exam).await.settings;
    assert_eq!(s.title, "Жаңа атау");
    assert_eq!(app::ui::time::format_local_input(s.closes_at), later);
    assert_eq!(s.review.correct, app::exam::review::ReviewWhen::AfterClose);
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.update' AND entity_id = '{exam}'")).await, 3);
    // Only the journal's teacher edits it.
    let r = w
        .app
        .call(
            &w.student,
            "/api/exam/update",
            &[("exam_id", &exam.to_string()), ("title", "x"), ("opens_at", &opens), ("closes_at", &closes)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

backends!(a_duplicate_copies_the_settings_into_a_new_exam);

async fn a_duplicate_copies_the_settings_into_a_new_exam(b: Backend) {
    let w = world(b).await;
    let original = exam(&w).await;
    let r = update(&w, original, &[("review_answers", "after_hand_in"), ("review_feedback", "after_close")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    start(&w, &w.student, original).await;
    let d = exam_settings(&w, original).await;
    // The duplicate page's form: the original's settings, a new title and window.
    let mut copy = d.settings.clone();
    copy.title = app::i18n::Msg::ExamCopyTitle.text(app::i18n::Locale::Kk).replace("{title}", &copy.title);
    let now = app::api::now_ms();
    copy.opens_at = now + 86_400_000;
    copy.closes_at = now + 90_000_000;
    let mut fields = settings_fields(&copy);
    fields.push(("journal_id".into(), w.journal.to_string()));
    fields.push(("form".into(), copy.form.clone()));
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = w.app.call(&w.teacher, "/api/exam/create", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let duplicate = r.json().as_i64().unwrap();
    let s = exam_settings(&w, duplicate).await.settings;
    assert_eq!(s.title, "Аралық бақылау (көшірме)");
    assert_eq!(
        (s.draw.clone(), s.duration_min, s.proctored, s.lesson_id, s.review),
        (d.settings.draw.clone(), 30, true, Some(w.lesson), d.settings.review)
    );
    assert_eq!(s.review.feedback, app::exam::review::ReviewWhen::AfterClose);
    assert_eq!(w.app.count(&format!("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = {duplicate}")).await, 0);
}

backends!(an_exam_is_archived_once_over_and_restored);

async fn an_exam_is_archived_once_over_and_restored(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let archive = |archived: &'static str| {
        let w = &w;
        async move { w.app.call(&w.teacher, "/api/exam/archive", &[("exam_id", &exam.to_string()), ("archived", archived)]).await }
    };
    let r = archive("true").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "an open exam stays: {}", r.body);
    assert!(r.body.contains("ErrExamArchiveOpen"), "{}", r.body);
    sqlx::query("UPDATE exams SET closes_at = $1 WHERE id = $2")
        .bind(app::api::now_ms() - 1)
        .bind(exam)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    assert_eq!(archive("true").await.status, StatusCode::OK);
    let ids = |v: &serde_json::Value, list: &str| v[list].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()).collect::<Vec<_>>();
    let teacher = w.app.call(&w.teacher, "/api/exam/overview", &[]).await.json();
    assert!(!ids(&teacher, "teaching").contains(&exam) && ids(&teacher, "teaching_archived").contains(&exam));
    let student = w.app.call(&w.student, "/api/exam/overview", &[]).await.json();
    assert!(!ids(&student, "sitting").contains(&exam) && ids(&student, "sitting_archived").contains(&exam));
    // A candidate cannot archive or restore it.
    let r = w.app.call(&w.student, "/api/exam/archive", &[("exam_id", &exam.to_string()), ("archived", "false")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(archive("false").await.status, StatusCode::OK);
    let teacher = w.app.call(&w.teacher, "/api/exam/overview", &[]).await.json();
    assert!(ids(&teacher, "teaching").contains(&exam));
    assert_eq!(
        w.app
            .count(&format!("SELECT COUNT(*) FROM audit_log WHERE action IN ('exam.archive', 'exam.restore') AND entity_id = '{exam}'"))
            .await,
        2
    );
}

/// Saves a question through the editor's endpoint (`id` None: a new one).
async fn save_question(w: &World, c: &reqwest::Client, id: Option<i64>, subject: &str, q: &app::exam::model::Question) -> common::Response {
    let json = serde_json::to_string(q).unwrap();
    let id = id.map(|i| i.to_string());
    let mut form = vec![("subject", subject), ("question", json.as_str())];
    if let Some(id) = &id {
        form.push(("question_id", id));
    }
    w.app.call(c, "/api/exam/question/save", &form).await
}

backends!(an_edited_question_is_a_new_version_and_a_running_attempt_keeps_the_old_one);

/// The editor (issue 19): a teacher writes a question, an exam draws it, a candidate starts;
/// the teacher then changes its text and key. The running attempt still shows and is scored
/// against what it drew (version 1), a later attempt draws version 2, the bank lists version 2
/// only; another teacher can neither read nor edit it, and broken input names its field.
async fn an_edited_question_is_a_new_version_and_a_running_attempt_keeps_the_old_one(b: Backend) {
    use app::exam::model::{Question, QuestionKind};
    let w = world(b).await;
    let v1 = Question {
        options: vec!["4".into(), "5".into(), "6".into()],
        correct: vec![1],
        topic: " Түзету ".into(),
        feedback: vec!["Жоқ".into(), "Иә".into(), "Жоқ".into()],
        general_feedback: "2 + 3 = 5".into(),
        // A picture key is the server's to give: a new question never takes one from the form.
        image: Some("questions/999/someone-elses.png".into()),
        ..Question::new(QuestionKind::Single, "2 + 3 = ?")
    };
    let r = save_question(&w, &w.teacher, None, "Математика", &v1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v1_id = r.json().as_i64().unwrap();
    let r = w.app.call(&w.teacher, "/api/exam/question", &[("question_id", &v1_id.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let draft = r.json();
    assert_eq!((draft["version"].as_i64(), draft["subject"].as_str()), (Some(1), Some("Математика")));
    assert_eq!(draft["question"]["correct"], serde_json::json!([1]), "the owner's editor gets the key");
    assert_eq!(draft["question"]["topic"], "Түзету");
    assert!(draft["question"]["image"].is_null(), "{draft}");

    // Broken input: one field error each, with the message of Question::validate.
    let broken = [
        (Question { text: " ".into(), ..v1.clone() }, "text", "ErrExamTextRequired"),
        (Question { points: 0, ..v1.clone() }, "points", "ErrExamPointsInvalid"),
        (Question { correct: vec![0, 1], ..v1.clone() }, "answers", "ErrExamSingleNeedsOneCorrect"),
        (Question { feedback: vec!["Иә".into()], ..v1.clone() }, "feedback", "ErrExamFeedbackCount"),
    ];
    for (q, field, msg) in &broken {
        let r = save_question(&w, &w.teacher, None, "Математика", q).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.field_errors(), vec![(field.to_string(), msg.to_string())]);
    }
    let r = save_question(&w, &w.teacher, None, "Физика", &v1).await;
    assert_eq!(r.field_errors(), vec![("subject".to_string(), "ErrExamSubject".to_string())], "a subject the teacher does not teach");
    let r = w.app.call(&w.teacher, "/api/exam/question/save", &[("subject", "Математика"), ("question", "{not json")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions").await, 1, "nothing broken was saved");

    // The picture attached to version 1 (as exam::pictures would) stays on the next version.
    let mut stored = v1.clone();
    stored.topic = "Түзету".into();
    stored.image = Some(format!("questions/{v1_id}/abc.png"));
    sqlx::query("UPDATE exam_questions SET body = $1 WHERE id = $2")
        .bind(serde_json::to_string(&stored).unwrap())
        .bind(v1_id)
        .execute(&w.app.db.pool)
        .await
        .unwrap();

    let now = app::api::now_ms();
    let r = w
        .app
        .call(
            &w.teacher,
            "/api/exam/create",
            &[
                ("journal_id", &w.journal.to_string()),
                ("title", "Түзетілген сұрақ"),
                ("opens_at", &app::ui::time::format_local_input(now - 60_000)),
                ("closes_at", &app::ui::time::format_local_input(now + 3_600_000)),
                ("duration_min", "30"),
                ("draw", "Түзету: 1"),
                ("lesson_id", &w.lesson.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = r.json().as_i64().unwrap();
    let mine = start(&w, &w.student, exam).await;
    let paper = |c: &reqwest::Client, attempt: i64| {
        let c = c.clone();
        let app = &w.app;
        async move {
            let r = app.call(&c, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.json()["questions"][0].clone()
        }
    };
    let before = paper(&w.student, mine).await;
    assert_eq!((before["question_id"].as_i64(), before["text"].as_str()), (Some(v1_id), Some("2 + 3 = ?")));

    // The teacher changes the text and the key: version 2.
    let v2 = Question {
        text: "2 + 4 = ?".into(),
        options: vec!["5".into(), "6".into(), "7".into()],
        correct: vec![1],
        image: None,
        ..v1.clone()
    };
    let r = save_question(&w, &w.teacher, Some(v1_id), "", &v2).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v2_id = r.json().as_i64().unwrap();
    assert_ne!(v2_id, v1_id, "an edit never rewrites the row an attempt drew");
    let rows: Vec<(i64, i64, i64, i64)> =
        sqlx::query_as("SELECT id, family_id, version, archived FROM exam_questions ORDER BY id").fetch_all(&w.app.db.pool).await.unwrap();
    assert_eq!(rows, vec![(v1_id, v1_id, 1, 1), (v2_id, v1_id, 2, 0)]);
    let draft = w.app.call(&w.teacher, "/api/exam/question", &[("question_id", &v2_id.to_string())]).await.json();
    assert_eq!(draft["question"]["image"].as_str(), Some(format!("questions/{v1_id}/abc.png").as_str()), "the picture stays");
    assert_eq!(draft["version"].as_i64(), Some(2));
    // Version 1 is history now: neither read nor edited again (a second edit of it is refused).
    let r = w.app.call(&w.teacher, "/api/exam/question", &[("question_id", &v1_id.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(save_question(&w, &w.teacher, Some(v1_id), "", &v2).await.status, StatusCode::NOT_FOUND);
    let bank = w.app.call(&w.teacher, "/api/exam/bank", &[("subject", "Математика")]).await.json();
    let bank = bank.as_array().unwrap();
    assert_eq!(bank.len(), 1, "the bank lists the latest version only: {bank:?}");
    assert_eq!((bank[0]["id"].as_i64(), bank[0]["version"].as_i64(), bank[0]["text"].as_str()), (Some(v2_id), Some(2), Some("2 + 4 = ?")));
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.question.create'").await, 1);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.question.edit'").await, 1);
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'exam.question.%' AND after_json LIKE '%correct%'").await,
        0,
        "the audit keeps no key"
    );

    // The running attempt still shows version 1 and is scored against its key ("5").
    let during = paper(&w.student, mine).await;
    assert_eq!(during, before, "the running attempt's paper did not change");
    let five = during["options"].as_array().unwrap().iter().find(|o| o[1] == "5").unwrap()[0].clone();
    let r = w
        .app
        .call(
            &w.student,
            "/api/exam/answer",
            &[
                ("attempt_id", &mine.to_string()),
                ("question_id", &v1_id.to_string()),
                ("answer", &serde_json::json!({ "Choice": [five] }).to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &mine.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["score"].as_f64(), Some(1.0), "scored against version 1's key: {}", r.body);

    // A candidate starting now draws version 2.
    let theirs = start(&w, &w.other, exam).await;
    let after = paper(&w.other, theirs).await;
    assert_eq!((after["question_id"].as_i64(), after["text"].as_str()), (Some(v2_id), Some("2 + 4 = ?")));

    // Another teacher can neither read nor edit it (as if it did not exist), nor can a student.
    let college: i64 =
        sqlx::query_scalar("SELECT parent_id FROM organisations WHERE id = $1").bind(w.group).fetch_one(&w.app.db.pool).await.unwrap();
    w.app.make_user("teacher.two", PW, Some((Role::Teacher, college))).await;
    let stranger = w.app.signed_in("teacher.two", PW).await;
    let r = w.app.call(&stranger, "/api/exam/question", &[("question_id", &v2_id.to_string())]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(save_question(&w, &stranger, Some(v2_id), "", &v1).await.status, StatusCode::NOT_FOUND);
    assert_eq!(save_question(&w, &w.student, Some(v2_id), "", &v1).await.status, StatusCode::FORBIDDEN);
    assert_eq!(w.app.count("SELECT COUNT(*) FROM exam_questions").await, 2, "the refused edits made no version");
}

backends!(a_calculated_question_is_scored_with_each_candidates_own_values);

/// Calculated questions (issue 19): the teacher saves one through the editor's server function
/// (a formula over a variable the text lacks is refused at its field); each candidate sees the
/// text with their own values and no formula; the answer worked out from the values shown earns
/// the points, a wrong one nothing; the teacher's review shows the right value for that paper.
async fn a_calculated_question_is_scored_with_each_candidates_own_values(b: Backend) {
    use app::exam::calculated::{CalcAnswer, Calculated, Variable};
    use app::exam::model::{parse_number, Question, QuestionKind};
    let w = world(b).await;
    let variable = |name: &str, min: f64, max: f64, decimals: u32| Variable { name: name.into(), min, max, decimals, values: Vec::new() };
    let area = Question {
        points: 2,
        topic: "Формула".into(),
        calculated: Some(Calculated {
            variables: vec![variable("a", 2.0, 9.0, 0), variable("b", 1.0, 5.0, 1)],
            answers: vec![CalcAnswer::new("{a} * {b}")],
            unit: "см²".into(),
        }),
        ..Question::new(QuestionKind::Calculated, "Тіктөртбұрыштың қабырғалары {a} см және {b} см. Ауданы қанша?")
    };
    let mut broken = area.clone();
    broken.calculated.as_mut().unwrap().answers[0].formula = "{a} * {c}".into();
    let r = save_question(&w, &w.teacher, None, "Математика", &broken).await;
    assert_eq!(r.field_errors(), vec![("variables".to_string(), "ErrCalcUnknownVariable".to_string())], "{}", r.body);
    let r = save_question(&w, &w.teacher, None, "Математика", &area).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = create(&w, "test", &[("draw", "Формула: 1")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = r.json().as_i64().unwrap();

    // (attempt, question id, the numbers its text shows)
    let sit = |c: reqwest::Client| {
        let w = &w;
        async move {
            let attempt = start(w, &c, exam).await;
            let r = w.app.call(&c, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            assert!(!r.body.contains("{a}") && !r.body.contains("{a} * {b}"), "no wildcard, no formula: {}", r.body);
            let q = r.json()["questions"][0].clone();
            assert_eq!((q["kind"].as_str(), q["unit"].as_str()), (Some("calculated"), Some("см²")));
            let text = q["text"].as_str().unwrap().to_string();
            let numbers: Vec<f64> = text.split_whitespace().filter_map(parse_number).collect();
            assert_eq!(numbers.len(), 2, "{text}");
            assert!(!r.body.contains(&format!("{:.2}", numbers[0] * numbers[1])), "the paper carries no answer: {}", r.body);
            // A reload shows the same values.
            let again = w.app.call(&c, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
            assert_eq!(again["questions"][0]["text"].as_str(), Some(text.as_str()));
            (attempt, q["question_id"].as_i64().unwrap(), numbers)
        }
    };
    let answer_and_hand_in = |c: reqwest::Client, attempt: i64, qid: i64, typed: String| {
        let w = &w;
        async move {
            let body = serde_json::json!({ "Text": typed }).to_string();
            let r = w
                .app
                .call(&c, "/api/exam/answer", &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &body)])
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            let r = w.app.call(&c, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.json()["score"].as_f64()
        }
    };
    let (mine, qid, values) = sit(w.student.clone()).await;
    let product = values[0] * values[1];
    // Typed as a person in Kazakhstan would: a decimal comma, the unit after it.
    let typed = format!("{} см²", format!("{product:.2}").replace('.', ","));
    assert_eq!(answer_and_hand_in(w.student.clone(), mine, qid, typed).await, Some(2.0));
    let r = review(&w, &w.teacher, mine).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let reviewed = &r.json()["questions"][0];
    assert_eq!(reviewed["correct"][0].as_str(), Some(format!("{product:.2} см²").as_str()), "{}", r.body);
    assert!(reviewed["text"].as_str().unwrap().contains(&format!("{} см", values[0])), "the candidate's values: {}", r.body);

    let (theirs, qid, values) = sit(w.other.clone()).await;
    let wrong = values[0] * values[1] * 1.5 + 1.0;
    assert_eq!(answer_and_hand_in(w.other.clone(), theirs, qid, wrong.to_string()).await, Some(0.0));
}
