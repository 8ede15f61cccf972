//! Regrading after a key is corrected (issue 19), over HTTP on SQLite and PostgreSQL: a teacher
//! corrects a question that candidates already answered, previews what a regrade changes and
//! applies it; scores, marks, the grade by the exam's method, the journal and its history
//! follow, once. Versions that do not line up are reported and left alone, running attempts
//! too, and only the exam's teacher may look or apply.

use crate::common;

use app::auth::model::Role;
use app::exam::model::{Question, QuestionKind};
use common::{spawn_app, Backend, TestApp};
use reqwest::StatusCode;

const PW: &str = "regrade-pass-1234";
const TITLE: &str = "Түзетілген кілт";

struct World {
    app: TestApp,
    teacher: reqwest::Client,
    /// student.a and student.b.
    students: [(reqwest::Client, i64); 2],
    journal: i64,
    lesson: i64,
    college: i64,
}

async fn world(b: Backend) -> World {
    let app = spawn_app(b).await;
    let region = app.make_org(1, "region", "Ақмола облысы").await;
    let college = app.make_org(region, "college", "Колледж").await;
    let group = app.make_org(college, "group", "ИС-21").await;
    let teacher_id = app.make_user("teacher", PW, Some((Role::Teacher, college))).await;
    let a = app.make_user("student.a", PW, Some((Role::Student, group))).await;
    let b = app.make_user("student.b", PW, Some((Role::Student, group))).await;
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
    for (id, name) in [(a, "student.a"), (b, "student.b")] {
        sqlx::query("UPDATE users SET full_name = $1 WHERE id = $2").bind(name).bind(id).execute(&app.db.pool).await.unwrap();
    }
    let teacher = app.signed_in("teacher", PW).await;
    let students = [(app.signed_in("student.a", PW).await, a), (app.signed_in("student.b", PW).await, b)];
    World { app, teacher, students, journal, lesson, college }
}

fn single(text: &str, options: &[&str], correct: usize) -> Question {
    Question {
        options: options.iter().map(|o| o.to_string()).collect(),
        correct: vec![correct],
        topic: "Түзету".into(),
        ..Question::new(QuestionKind::Single, text)
    }
}

/// Saves a question through the editor (`id`: the version it replaces); returns the new id.
async fn save(w: &World, id: Option<i64>, q: &Question) -> i64 {
    let json = serde_json::to_string(q).unwrap();
    let id = id.map(|i| i.to_string());
    let mut form = vec![("subject", "Математика"), ("question", json.as_str())];
    if let Some(id) = &id {
        form.push(("question_id", id));
    }
    let r = w.app.call(&w.teacher, "/api/exam/question/save", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

/// An exam open now on the world's lesson, drawing `n` questions of the topic.
async fn exam(w: &World, n: u32, attempts: &str, method: &str) -> i64 {
    let now = app::api::now_ms();
    let draw = format!("Түзету: {n}");
    let r = w
        .app
        .call(
            &w.teacher,
            "/api/exam/create",
            &[
                ("journal_id", &w.journal.to_string()),
                ("title", TITLE),
                ("opens_at", &app::ui::time::format_local_input(now - 60_000)),
                ("closes_at", &app::ui::time::format_local_input(now + 3_600_000)),
                ("duration_min", "30"),
                ("draw", &draw),
                ("lesson_id", &w.lesson.to_string()),
                ("attempts_allowed", attempts),
                ("grading_method", method),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

/// Starts an attempt and answers each question whose text starts with a key of `choices` with
/// the option of that text; returns the attempt (still running).
async fn answer(w: &World, who: usize, exam: i64, choices: &[(&str, &str)]) -> i64 {
    let c = &w.students[who].0;
    let r = w.app.call(c, "/api/exam/start", &[("exam_id", &exam.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let attempt = r.json().as_i64().unwrap();
    let paper = w.app.call(c, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    for q in paper["questions"].as_array().unwrap() {
        let Some((_, pick)) = choices.iter().find(|(text, _)| q["text"].as_str().unwrap().starts_with(text)) else { continue };
        let option = q["options"].as_array().unwrap().iter().find(|o| o[1] == *pick).unwrap()[0].clone();
        let qid = q["question_id"].as_i64().unwrap().to_string();
        let answer = serde_json::json!({ "Choice": [option] }).to_string();
        let r =
            w.app.call(c, "/api/exam/answer", &[("attempt_id", &attempt.to_string()), ("question_id", &qid), ("answer", &answer)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    attempt
}

/// `answer`, then hands in; returns the attempt and the mark it got.
async fn sit(w: &World, who: usize, exam: i64, choices: &[(&str, &str)]) -> (i64, String) {
    let attempt = answer(w, who, exam, choices).await;
    let r = w.app.call(&w.students[who].0, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    (attempt, r.json()["mark"].as_str().unwrap_or_default().to_string())
}

async fn journal_mark(w: &World, who: usize) -> Option<i64> {
    sqlx::query_scalar("SELECT mark FROM journal_cells WHERE lesson_id = $1 AND student_id = $2")
        .bind(w.lesson)
        .bind(w.students[who].1)
        .fetch_optional(&w.app.db.pool)
        .await
        .unwrap()
        .flatten()
}

/// (paper, score in thousandths, mark) of an attempt as stored.
async fn stored(w: &World, attempt: i64) -> (String, Option<i64>, Option<String>) {
    sqlx::query_as("SELECT questions, score_milli, mark FROM exam_attempts WHERE id = $1")
        .bind(attempt)
        .fetch_one(&w.app.db.pool)
        .await
        .unwrap()
}

async fn preview(w: &World, c: &reqwest::Client, exam: i64) -> common::Response {
    w.app.call(c, "/api/exam/regrade/preview", &[("exam_id", &exam.to_string())]).await
}

async fn apply(w: &World, c: &reqwest::Client, exam: i64) -> common::Response {
    w.app.call(c, "/api/exam/regrade/apply", &[("exam_id", &exam.to_string())]).await
}

backends!(a_corrected_key_regrades_scores_marks_and_the_journal_once);

/// The key said "4"; candidate A answered "4" (5), B answered "5" (2). The teacher corrects the
/// key to "5": the preview shows both changes, the apply swaps the scores, marks and journal
/// cells with "Regrade" in the history, and a second apply changes nothing. Another teacher
/// and a student can neither look nor apply.
async fn a_corrected_key_regrades_scores_marks_and_the_journal_once(b: Backend) {
    let w = world(b).await;
    let v1 = single("2 + 3 = ?", &["4", "5", "6"], 0);
    let v1_id = save(&w, None, &v1).await;
    let exam = exam(&w, 1, "1", "highest").await;
    let (a, mark_a) = sit(&w, 0, exam, &[("2 + 3", "4")]).await;
    let (b_attempt, mark_b) = sit(&w, 1, exam, &[("2 + 3", "5")]).await;
    assert_eq!((mark_a.as_str(), mark_b.as_str()), ("5", "2"));
    assert_eq!((journal_mark(&w, 0).await, journal_mark(&w, 1).await), (Some(5), Some(2)));
    let r = preview(&w, &w.teacher, exam).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["questions"], serde_json::json!([]), "nothing to regrade before an edit: no panel");

    let v2_id = save(&w, Some(v1_id), &single("2 + 3 = ?", &["4", "5", "6"], 1)).await;
    let p = preview(&w, &w.teacher, exam).await.json();
    assert_eq!(
        p["questions"],
        serde_json::json!([{ "text": "2 + 3 = ?", "from_version": 1, "to_version": 2, "attempts": 2, "running": 0, "problem": null }])
    );
    assert_eq!(p["attempts"], 2);
    let candidates = p["candidates"].as_array().unwrap();
    let row = |name: &str| candidates.iter().find(|c| c["name"] == name).unwrap_or_else(|| panic!("{name}: {p}")).clone();
    let (ra, rb) = (row("student.a"), row("student.b"));
    assert_eq!(ra["attempts"][0]["score"], serde_json::json!([1.0, 0.0]), "{ra}");
    assert_eq!(ra["attempts"][0]["mark"], serde_json::json!(["5", "2"]));
    assert_eq!(ra["grade"], serde_json::json!([{ "Mark": 5 }, { "Mark": 2 }]));
    assert_eq!(rb["attempts"][0]["score"], serde_json::json!([0.0, 1.0]));
    assert_eq!(rb["grade"], serde_json::json!([{ "Mark": 2 }, { "Mark": 5 }]));
    assert_eq!(stored(&w, a).await.2.as_deref(), Some("5"), "a preview writes nothing");

    // Only the exam's teacher looks and applies.
    w.app.make_user("teacher.two", PW, Some((Role::Teacher, w.college))).await;
    let stranger = w.app.signed_in("teacher.two", PW).await;
    for c in [&stranger, &w.students[0].0] {
        for r in [preview(&w, c, exam).await, apply(&w, c, exam).await] {
            assert!(matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND), "{} {}", r.status, r.body);
        }
    }
    assert_eq!(apply(&w, &w.teacher, exam + 1000).await.status, StatusCode::NOT_FOUND);
    assert_eq!(stored(&w, a).await.2.as_deref(), Some("5"), "the refused applies changed nothing");

    let r = apply(&w, &w.teacher, exam).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json(), serde_json::json!({ "attempts": 2, "grades": 2, "skipped": 0 }));
    let (paper_a, score_a, mark_a) = stored(&w, a).await;
    assert_eq!((score_a, mark_a.as_deref()), (Some(0), Some("2")));
    assert_eq!(stored(&w, b_attempt).await.1, Some(1000));
    let paper: Vec<(i64, u64)> = serde_json::from_str(&paper_a).unwrap();
    assert_eq!(paper.iter().map(|p| p.0).collect::<Vec<_>>(), vec![v2_id], "the attempt now names the corrected version");
    let moved: Vec<(i64, Option<i64>)> = sqlx::query_as("SELECT question_id, points_milli FROM exam_answers WHERE attempt_id = $1")
        .bind(b_attempt)
        .fetch_all(&w.app.db.pool)
        .await
        .unwrap();
    assert_eq!(moved, vec![(v2_id, Some(1000))], "the answer moved with it, scored by the new key");
    assert_eq!((journal_mark(&w, 0).await, journal_mark(&w, 1).await), (Some(2), Some(5)));
    let results = w.app.call(&w.teacher, "/api/exam/results", &[("exam_id", &exam.to_string())]).await.json();
    let marks: Vec<&str> = results["candidates"].as_array().unwrap().iter().map(|c| c["mark"].as_str().unwrap()).collect();
    assert_eq!(marks, vec!["2", "5"], "the results show the new marks: {results}");

    // The journal's history says why, in the reader's language (`Reason::Regrade`).
    let history = w.app.call(&w.teacher, "/api/journal/history", &[("journal_id", &w.journal.to_string())]).await.json();
    let regraded: Vec<(String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["reason"]["Regrade"] == TITLE)
        .map(|h| (h["old_value"].as_str().unwrap().to_string(), h["new_value"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(regraded.len(), 2, "{history}");
    assert!(regraded.contains(&("5".into(), "2".into())) && regraded.contains(&("2".into(), "5".into())), "{regraded:?}");
    let audit = "SELECT COUNT(*) FROM audit_log WHERE action = 'exam.regrade'";
    assert_eq!(w.app.count(audit).await, 1);
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.regrade' AND after_json LIKE '%\"attempts\":2%' AND after_json NOT LIKE '%correct%'").await,
        1,
        "counts, no key"
    );

    // Twice changes nothing: no attempt, no cell, no history line, no audit line.
    let lines = "SELECT COUNT(*) FROM mark_history";
    let before = w.app.count(lines).await;
    let r = apply(&w, &w.teacher, exam).await;
    assert_eq!(r.json(), serde_json::json!({ "attempts": 0, "grades": 0, "skipped": 0 }), "{}", r.body);
    assert_eq!((w.app.count(lines).await, w.app.count(audit).await), (before, 1));
    assert_eq!(stored(&w, a).await.0, paper_a);
    assert_eq!(preview(&w, &w.teacher, exam).await.json()["questions"], serde_json::json!([]), "the panel is gone");
}

backends!(a_version_that_does_not_line_up_is_skipped_and_the_average_follows);

/// Two questions on each paper, two attempts graded by their average. Question "2 + 3" gets its
/// key corrected; question "7 − 4" gets a fourth option, which does not line up with the
/// answers given to three. A's first attempt (both right under the old keys: 5) and second
/// (both wrong: 2) average 4; the regrade takes the first to 1 of 2 (3), the average to 3 (2.5
/// rounded half up). B's attempt, still running, keeps what it drew.
async fn a_version_that_does_not_line_up_is_skipped_and_the_average_follows(b: Backend) {
    let w = world(b).await;
    let five = save(&w, None, &single("2 + 3 = ?", &["4", "5", "6"], 0)).await;
    let three = save(&w, None, &single("7 − 4 = ?", &["2", "3", "4"], 1)).await;
    let exam = exam(&w, 2, "2", "average").await;
    let (first, mark) = sit(&w, 0, exam, &[("2 + 3", "4"), ("7 − 4", "3")]).await;
    assert_eq!(mark, "5");
    let (second, mark) = sit(&w, 0, exam, &[("2 + 3", "6"), ("7 − 4", "2")]).await;
    assert_eq!(mark, "2");
    assert_eq!(journal_mark(&w, 0).await, Some(4), "(5 + 2) / 2, half up");
    let running = answer(&w, 1, exam, &[("2 + 3", "4")]).await;
    let running_before = stored(&w, running).await;

    save(&w, Some(five), &single("2 + 3 = ?", &["4", "5", "6"], 1)).await;
    save(&w, Some(three), &single("7 − 4 = ?", &["2", "3", "4", "5"], 1)).await;
    let p = preview(&w, &w.teacher, exam).await.json();
    let question = |text: &str| p["questions"].as_array().unwrap().iter().find(|q| q["text"] == text).unwrap().clone();
    let (corrected, grown) = (question("2 + 3 = ?"), question("7 − 4 = ?"));
    assert_eq!(
        (corrected["attempts"].as_i64(), corrected["running"].as_i64(), &corrected["problem"]),
        (Some(2), Some(1), &serde_json::Value::Null)
    );
    assert_eq!((grown["attempts"].as_i64(), grown["problem"].as_str()), (Some(2), Some("RegradeOptionsChanged")), "{p}");
    let a = &p["candidates"][0];
    assert_eq!(p["candidates"].as_array().unwrap().len(), 1, "the running attempt is not regraded: {p}");
    assert_eq!(a["attempts"][0]["score"], serde_json::json!([2.0, 1.0]));
    assert_eq!(a["attempts"][0]["mark"], serde_json::json!(["5", "3"]));
    assert_eq!(a["attempts"][1]["score"], serde_json::json!([0.0, 0.0]), "wrong under both keys");
    assert_eq!(a["grade"], serde_json::json!([{ "Mark": 4 }, { "Mark": 3 }]));

    let r = apply(&w, &w.teacher, exam).await;
    assert_eq!(r.json(), serde_json::json!({ "attempts": 2, "grades": 1, "skipped": 1 }), "{}", r.body);
    assert_eq!(stored(&w, first).await.1, Some(1000));
    assert_eq!(stored(&w, second).await.2.as_deref(), Some("2"));
    let paper: Vec<(i64, u64)> = serde_json::from_str(&stored(&w, first).await.0).unwrap();
    assert!(paper.iter().any(|p| p.0 == three), "the question that does not line up stays as drawn: {paper:?}");
    assert!(!paper.iter().any(|p| p.0 == five), "{paper:?}");
    assert_eq!(journal_mark(&w, 0).await, Some(3), "the average of 3 and 2");
    assert_eq!(stored(&w, running).await, running_before, "the running attempt is untouched");
    assert_eq!(w.app.count("SELECT COUNT(*) FROM mark_history WHERE reason_kind = 'regrade' AND new_value = '3'").await, 1);

    // Still listed (it cannot be regraded), nothing left to apply.
    let p = preview(&w, &w.teacher, exam).await.json();
    assert_eq!(p["attempts"], 0);
    let still: Vec<&str> = p["questions"].as_array().unwrap().iter().filter_map(|q| q["problem"].as_str()).collect();
    assert_eq!(still, vec!["RegradeOptionsChanged"], "{p}");
    let r = apply(&w, &w.teacher, exam).await;
    assert_eq!(r.json(), serde_json::json!({ "attempts": 0, "grades": 0, "skipped": 1 }), "{}", r.body);
    assert_eq!(journal_mark(&w, 0).await, Some(3));
}
