//! Gap questions over HTTP, on SQLite and PostgreSQL (issue 19): a candidate answers an
//! embedded-answers (cloze) and a drag and drop into text question through the paper's ids,
//! the paper carries no key, a pick from another gap is refused, and the hand-in scores each
//! gap.

use crate::common;

use app::auth::model::Role;
use app::exam::model::{Question, QuestionKind};
use common::{spawn_app, Backend};
use reqwest::StatusCode;

const PW: &str = "exam-pass-1234";

fn cloze() -> Question {
    Question {
        points: 3,
        topic: "Бос".into(),
        ..Question::new(
            QuestionKind::Cloze,
            "Қазақстанның астанасы — {1:SHORTANSWER:=Астана#Дұрыс~%50%Ақмола}, ең үлкен қаласы — {2:MC:=Алматы~Шымкент~Түркістан}.",
        )
    }
}

fn drag() -> Question {
    Question {
        options: ["Абай", "Қара сөздер", "Пушкин", "Евгений Онегин"].iter().map(|s| s.to_string()).collect(),
        groups: vec![1, 2, 1, 2],
        points: 2,
        topic: "Бос".into(),
        ..Question::new(QuestionKind::DragText, "[[1]] «[[2]]» жазған.")
    }
}

backends!(a_candidate_answers_gap_questions_and_each_gap_is_scored);

async fn a_candidate_answers_gap_questions_and_each_gap_is_scored(b: Backend) {
    let app = spawn_app(b).await;
    let region = app.make_org(1, "region", "Ақмола облысы").await;
    let college = app.make_org(region, "college", "Колледж").await;
    let group = app.make_org(college, "group", "ИС-21").await;
    let teacher_id = app.make_user("teacher", PW, Some((Role::Teacher, college))).await;
    app.make_user("student.a", PW, Some((Role::Student, group))).await;
    let journal: i64 = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
         VALUES ($1, 'Қазақ әдебиеті', $2, '2026-09-01', '2026-12-31', 'five', 'Әдебиет ИС-21', $2, 0) RETURNING id",
    )
    .bind(group)
    .bind(teacher_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let teacher = app.signed_in("teacher", PW).await;
    let student = app.signed_in("student.a", PW).await;

    // The teacher writes both in the editor (the server checks them as the editor does).
    let mut ids = Vec::new();
    for q in [cloze(), drag()] {
        let r = app
            .call(&teacher, "/api/exam/question/save", &[("subject", "Қазақ әдебиеті"), ("question", &serde_json::to_string(&q).unwrap())])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        ids.push(r.json().as_i64().unwrap());
    }
    let broken = Question::new(QuestionKind::Cloze, "{1:MC:Алматы~Шымкент}");
    let r = app
        .call(&teacher, "/api/exam/question/save", &[("subject", "Қазақ әдебиеті"), ("question", &serde_json::to_string(&broken).unwrap())])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let now = app::api::now_ms();
    let r = app
        .call(
            &teacher,
            "/api/exam/create",
            &[
                ("journal_id", &journal.to_string()),
                ("title", "Бос орындар"),
                ("opens_at", &app::ui::time::format_local_input(now - 60_000)),
                ("closes_at", &app::ui::time::format_local_input(now + 3_600_000)),
                ("duration_min", "30"),
                ("draw", "Бос: 2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let exam = r.json().as_i64().unwrap();
    let r = app.call(&student, "/api/exam/start", &[("exam_id", &exam.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let attempt = r.json().as_i64().unwrap();

    let r = app.call(&student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Neither the typed gap's answer nor its feedback nor the syntax reaches the candidate.
    for secret in ["Астана", "Ақмола", "Дұрыс", "SHORTANSWER", "[[1]]", "groups"] {
        assert!(!r.body.contains(secret), "{secret} in {}", r.body);
    }
    let paper = r.json();
    let question = |id: i64| paper["questions"].as_array().unwrap().iter().find(|q| q["question_id"] == id).unwrap().clone();
    let (c, d) = (question(ids[0]), question(ids[1]));
    assert_eq!(c["text"], "Қазақстанның астанасы — _____, ең үлкен қаласы — _____.");
    assert_eq!(c["pieces"].as_array().unwrap().len(), 3);
    assert_eq!((c["gaps"][0]["kind"].as_str(), c["gaps"][1]["kind"].as_str()), (Some("text"), Some("select")));
    let option = |q: &serde_json::Value, gap: usize, text: &str| -> String {
        let options = q["gaps"][gap]["options"].as_array().unwrap();
        options.iter().find(|o| o[1] == text).unwrap_or_else(|| panic!("{text} in {options:?}"))[0].as_str().unwrap().to_string()
    };
    let answer = |qid: i64, body: serde_json::Value| {
        let student = student.clone();
        let app = &app;
        async move {
            app.call(
                &student,
                "/api/exam/answer",
                &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &body.to_string())],
            )
            .await
            .status
        }
    };
    // Half a point's share in the typed gap (weight 1), the right option in the list (weight 2).
    let almaty = option(&c, 1, "Алматы");
    assert_eq!(answer(ids[0], serde_json::json!({ "Gaps": [{ "Text": " ақмола " }, { "Choice": almaty }] })).await, StatusCode::OK);
    // The second gap offers the works, not the authors; a forged id or an author there is refused.
    let pushkin = option(&d, 0, "Пушкин");
    assert!(d["gaps"][1]["options"].as_array().unwrap().iter().all(|o| o[1] != "Пушкин"));
    for forged in [serde_json::json!({ "Gaps": [null, { "Choice": pushkin }] }), serde_json::json!({ "Gaps": [{ "Choice": "0" }] })] {
        assert_eq!(answer(ids[1], forged).await, StatusCode::BAD_REQUEST);
    }
    let words = option(&d, 1, "Қара сөздер");
    assert_eq!(answer(ids[1], serde_json::json!({ "Gaps": [{ "Choice": pushkin }, { "Choice": words }] })).await, StatusCode::OK);
    // A reload shows the picks in the paper's ids.
    let r = app.call(&student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await;
    let again = r.json();
    let saved =
        again["questions"].as_array().unwrap().iter().find(|q| q["question_id"] == ids[0]).unwrap()["saved"].as_str().unwrap().to_string();
    let saved: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(saved, serde_json::json!({ "Gaps": [{ "Text": " ақмола " }, { "Choice": almaty }] }));

    let r = app.call(&student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Cloze: (1 × 0.5 + 2 × 1) / 3 of 3 points = 2.5; drag and drop: 1 gap of 2 of 2 points = 1.
    assert_eq!(r.json()["score"].as_f64(), Some(3.5), "{}", r.body);
}
