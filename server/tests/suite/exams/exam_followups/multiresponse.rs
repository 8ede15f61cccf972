//! A multiple-response gap (Moodle's MULTIRESPONSE) sat over HTTP: checkboxes on the paper,
//! ticks sent by the paper's ids, and Moodle's score at hand-in.

use super::super::*;
use app::exam::model::{Question, QuestionKind};

backends!(a_candidate_ticks_a_multiple_response_gap_and_gets_moodles_score);

async fn a_candidate_ticks_a_multiple_response_gap_and_gets_moodles_score(b: Backend) {
    let w = world(b).await;
    let q = Question {
        points: 9,
        topic: "Бос".into(),
        ..Question::new(QuestionKind::Cloze, "Жай сандар: {2:MULTIRESPONSE:=2#иә~=3~4#жұп~=5}, ең кіші жай сан: {1:MC:=2~1}.")
    };
    let r = w
        .app
        .call(&w.teacher, "/api/exam/question/save", &[("subject", "Математика"), ("question", &serde_json::to_string(&q).unwrap())])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let question = r.json().as_i64().unwrap();
    let now = app::api::now_ms();
    let r = w
        .app
        .call(
            &w.teacher,
            "/api/exam/create",
            &[
                ("journal_id", &w.journal.to_string()),
                ("title", "Жай сандар"),
                ("opens_at", &app::ui::time::format_local_input(now - 60_000)),
                ("closes_at", &app::ui::time::format_local_input(now + 3_600_000)),
                ("duration_min", "30"),
                ("draw", "Бос: 1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = r.json().as_i64().unwrap();
    let attempt = start(&w, &w.student, exam).await;
    let r = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await;
    for secret in ["иә", "жұп", "MULTIRESPONSE", "share"] {
        assert!(!r.body.contains(secret), "{secret} in {}", r.body);
    }
    let paper = r.json();
    let gaps = &paper["questions"][0]["gaps"];
    assert_eq!((gaps[0]["kind"].as_str(), gaps[1]["kind"].as_str()), (Some("checkboxes"), Some("select")));
    let id = |gap: usize, text: &str| -> String {
        let options = gaps[gap]["options"].as_array().unwrap();
        options.iter().find(|o| o[1] == text).unwrap_or_else(|| panic!("{text} in {options:?}"))[0].as_str().unwrap().to_string()
    };
    let answer = |body: serde_json::Value| {
        let app = &w.app;
        let student = w.student.clone();
        async move {
            app.call(
                &student,
                "/api/exam/answer",
                &[("attempt_id", &attempt.to_string()), ("question_id", &question.to_string()), ("answer", &body.to_string())],
            )
            .await
            .status
        }
    };
    // One pick where ticks are asked for, or a tick of another gap's option, is refused.
    assert_eq!(answer(serde_json::json!({ "Gaps": [{ "Choice": id(0, "2") }] })).await, StatusCode::BAD_REQUEST);
    assert_eq!(answer(serde_json::json!({ "Gaps": [{ "Choices": [id(1, "2")] }] })).await, StatusCode::BAD_REQUEST);
    let ticked = serde_json::json!({ "Gaps": [{ "Choices": [id(0, "2"), id(0, "3"), id(0, "4"), id(0, "5")] }, { "Choice": id(1, "2") }] });
    assert_eq!(answer(ticked.clone()).await, StatusCode::OK);
    let r = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await;
    let saved: serde_json::Value = serde_json::from_str(r.json()["questions"][0]["saved"].as_str().unwrap()).unwrap();
    assert_eq!(saved, ticked, "a reload ticks the same boxes");

    let r = w.app.call(&w.student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Gap 1: three right ones at 1/3 each, the wrong "4" takes 1/3 away: 2/3 of weight 2; gap 2
    // right (weight 1): (4/3 + 1) / 3 of 9 points = 7.
    let score = r.json()["score"].as_f64().unwrap();
    assert!((score - 7.0).abs() < 1e-6, "{}", r.body);
}
