//! Numerical questions with units over HTTP, on SQLite and PostgreSQL (issue 19): the teacher
//! saves them from the editor (a broken units table is refused at its field), the paper shows
//! the units' names but no multiplier and no answer, the candidate answers with a unit picked
//! from the select and with one typed, and the hand-in scores each as Moodle would, the
//! review showing the right answer with its unit.

use crate::common;

use app::auth::model::Role;
use app::exam::model::{Question, QuestionKind};
use app::exam::units::{PenaltyOf, Unit, UnitInput, UnitRole, Units};
use common::{spawn_app, Backend};
use reqwest::StatusCode;

const PW: &str = "exam-pass-1234";

fn unit(name: &str, multiplier: f64) -> Unit {
    Unit { name: name.into(), multiplier }
}

/// 1.5 m, graded units chosen from a select: a missing unit costs 20% of the answer's credit.
fn length() -> Question {
    Question {
        accepted: vec!["1.5".into()],
        tolerance: Some(0.01),
        points: 5,
        topic: "Өлшем".into(),
        units: Some(Units {
            list: vec![unit("м", 1.0), unit("см", 100.0)],
            role: UnitRole::Graded,
            penalty: 0.2,
            penalty_of: PenaltyOf::Response,
            input: UnitInput::Select,
            left: false,
        }),
        ..Question::new(QuestionKind::Short, "Үстелдің ұзындығы қанша?")
    }
}

/// 2.5 km, optional units typed with the number.
fn distance() -> Question {
    Question {
        accepted: vec!["2,5".into()],
        points: 2,
        topic: "Өлшем".into(),
        units: Some(Units { list: vec![unit("км", 1.0), unit("м", 1000.0)], role: UnitRole::Optional, ..Units::default() }),
        ..Question::new(QuestionKind::Short, "Мектепке дейінгі жол қанша?")
    }
}

backends!(a_candidate_answers_numerical_questions_with_units);

async fn a_candidate_answers_numerical_questions_with_units(b: Backend) {
    let app = spawn_app(b).await;
    let region = app.make_org(1, "region", "Ақмола облысы").await;
    let college = app.make_org(region, "college", "Колледж").await;
    let group = app.make_org(college, "group", "ИС-21").await;
    let teacher_id = app.make_user("teacher", PW, Some((Role::Teacher, college))).await;
    app.make_user("student.a", PW, Some((Role::Student, group))).await;
    let journal: i64 = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
         VALUES ($1, 'Физика', $2, '2026-09-01', '2026-12-31', 'five', 'Физика ИС-21', $2, 0) RETURNING id",
    )
    .bind(group)
    .bind(teacher_id)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let teacher = app.signed_in("teacher", PW).await;
    let student = app.signed_in("student.a", PW).await;
    let save = |q: Question| {
        let teacher = teacher.clone();
        let app = &app;
        async move {
            app.call(&teacher, "/api/exam/question/save", &[("subject", "Физика"), ("question", &serde_json::to_string(&q).unwrap())]).await
        }
    };

    // A units table with the same unit twice is refused, and says where.
    let mut broken = length();
    broken.units.as_mut().unwrap().list.push(unit("с м", 10.0));
    let r = save(broken).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("ErrUnitNameDuplicate") && r.body.contains("units"), "{}", r.body);
    let mut ids = Vec::new();
    for q in [length(), distance()] {
        let r = save(q).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        ids.push(r.json().as_i64().unwrap());
    }

    let now = app::api::now_ms();
    let r = app
        .call(
            &teacher,
            "/api/exam/create",
            &[
                ("journal_id", &journal.to_string()),
                ("title", "Өлшем бірліктері"),
                ("opens_at", &app::ui::time::format_local_input(now - 60_000)),
                ("closes_at", &app::ui::time::format_local_input(now + 3_600_000)),
                ("duration_min", "30"),
                ("draw", "Өлшем: 2"),
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
    // The units' names, never a multiplier or an answer.
    for secret in ["multiplier", "accepted", "1.5", "2,5", "penalty"] {
        assert!(!r.body.contains(secret), "{secret} in {}", r.body);
    }
    let paper = r.json();
    let question = |id: i64| paper["questions"].as_array().unwrap().iter().find(|q| q["question_id"] == id).unwrap().clone();
    assert_eq!(question(ids[0])["units"], serde_json::json!({ "graded": true, "choices": ["м", "см"], "left": false }));
    assert_eq!(question(ids[1])["units"], serde_json::json!({ "graded": false, "choices": [], "left": false }));

    let answer = |qid: i64, text: &str| {
        let student = student.clone();
        let app = &app;
        let body = serde_json::json!({ "Text": text }).to_string();
        async move {
            app.call(
                &student,
                "/api/exam/answer",
                &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &body)],
            )
            .await
            .status
        }
    };
    // The select sent no unit: 5 points less 20%; the typed metres convert to kilometres.
    assert_eq!(answer(ids[0], "1,5").await, StatusCode::OK);
    assert_eq!(answer(ids[1], "2500 м").await, StatusCode::OK);
    let r = app.call(&student, "/api/exam/hand-in", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["score"].as_f64(), Some(6.0), "{}", r.body);

    // The teacher's review: the answers as given, the right ones with the base unit.
    let r = app.call(&teacher, "/api/exam/review", &[("attempt_id", &attempt.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let review = r.json();
    let reviewed = |text: &str| {
        review["questions"].as_array().unwrap().iter().find(|q| q["text"] == text).unwrap_or_else(|| panic!("{text} in {review}")).clone()
    };
    let first = reviewed("Үстелдің ұзындығы қанша?");
    assert_eq!((first["answer"].clone(), first["correct"].clone()), (serde_json::json!(["1,5"]), serde_json::json!(["1.5 м"])));
    assert_eq!(first["awarded"].as_f64(), Some(4.0));
    let second = reviewed("Мектепке дейінгі жол қанша?");
    assert_eq!((second["answer"].clone(), second["correct"].clone()), (serde_json::json!(["2500 м"]), serde_json::json!(["2,5 км"])));
}
