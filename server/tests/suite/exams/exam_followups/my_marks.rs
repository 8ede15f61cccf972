//! "My marks" keeps an exam's mark back while the exam's review options keep its score back.

use super::super::*;

backends!(my_marks_hold_an_exams_mark_back_while_its_score_is);

async fn my_marks_hold_an_exams_mark_back_while_its_score_is(b: Backend) {
    let w = world(b).await;
    let r = import(&w, "bank.gift", GIFT).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let now = app::api::now_ms();
    let (journal, lesson) = (w.journal.to_string(), w.lesson.to_string());
    let (opens, closes) = (app::ui::time::format_local_input(now - 60_000), app::ui::time::format_local_input(now + 3_600_000));
    let form = [
        ("journal_id", journal.as_str()),
        ("title", "Жабық баға"),
        ("opens_at", opens.as_str()),
        ("closes_at", closes.as_str()),
        ("duration_min", "30"),
        ("draw", "Сандар: 3"),
        ("lesson_id", lesson.as_str()),
        ("review_score", "after_close"),
    ];
    let r = w.app.call(&w.teacher, "/api/exam/create", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = r.json().as_i64().unwrap();
    sit_attempt_hidden(&w, exam).await;
    // The teacher's journal has the mark; the student's own marks do not show it yet, nor
    // count it in the average.
    assert_eq!(lesson_mark(&w).await, Some(5));
    let mine = || async {
        let my = w.app.call(&w.student, "/api/journal/my", &[]).await.json();
        let subject = my.as_array().unwrap().iter().find(|s| s["journal_id"].as_i64() == Some(w.journal)).unwrap().clone();
        (subject["cells"].clone(), subject["average"].clone())
    };
    let (cells, average) = mine().await;
    assert_eq!(cells, serde_json::json!([]), "held back while the exam is open");
    assert!(average.is_null(), "{average}");
    // The exams list does not give it away either.
    let overview = w.app.call(&w.student, "/api/exam/overview", &[]).await.json();
    let listed = overview["sitting"].as_array().unwrap().iter().find(|e| e["id"].as_i64() == Some(exam)).unwrap().clone();
    assert!(listed["attempt"]["mark"].is_null(), "{listed}");
    // Once the exam has closed, the score may be seen, and so may the mark.
    sqlx::query("UPDATE exams SET closes_at = $1 WHERE id = $2")
        .bind(app::api::now_ms() - 60_000)
        .bind(exam)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    let (cells, _) = mine().await;
    assert_eq!(cells, serde_json::json!([["2026-11-20", "5"]]), "shown once the exam closed");
}

/// The student sits the exam, every answer right, and hands in: the score is not shown.
async fn sit_attempt_hidden(w: &World, exam: i64) {
    let attempt = start(w, &w.student, exam).await;
    answer_right(w, attempt).await;
    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.json()["mark"].is_null(), "{}", r.body);
}
