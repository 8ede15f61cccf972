//! Extra time while a candidate sits: the server's deadline moves, the candidate's saves are
//! judged by the new one, strangers are refused, and every extension is audited.

use super::super::*;

backends!(extra_time_moves_a_running_attempts_deadline);

async fn extra_time_moves_a_running_attempts_deadline(b: Backend) {
    let w = world(b).await;
    let exam = exam(&w).await;
    let attempt = start(&w, &w.student, exam).await;
    let paper = w.app.call(&w.student, "/api/exam/attempt", &[("attempt_id", &attempt.to_string())]).await.json();
    let answers = right_answers(&paper);
    let deadline = || async {
        let d: i64 = sqlx::query_scalar("SELECT deadline_at FROM exam_attempts WHERE id = $1")
            .bind(attempt)
            .fetch_one(&w.app.db.pool)
            .await
            .unwrap();
        d
    };
    let extend = |c: &reqwest::Client, minutes: &str, reason: &str| {
        let (c, minutes, reason) = (c.clone(), minutes.to_string(), reason.to_string());
        let app = &w.app;
        async move {
            app.call(&c, "/api/exam/attempt/extend", &[("attempt_id", &attempt.to_string()), ("minutes", &minutes), ("reason", &reason)])
                .await
        }
    };
    let save = |n: usize| {
        let (qid, answer) = answers[n].clone();
        let app = &w.app;
        let student = w.student.clone();
        async move {
            app.call(
                &student,
                "/api/exam/answer",
                &[("attempt_id", &attempt.to_string()), ("question_id", &qid.to_string()), ("answer", &answer)],
            )
            .await
        }
    };

    // The teacher sees the attempt under way.
    let running = w.app.call(&w.teacher, "/api/exam/running", &[("exam_id", &exam.to_string())]).await.json();
    assert_eq!(running["list"].as_array().map(Vec::len), Some(1), "{running}");
    assert_eq!(running["editable"], true);

    // Strangers are refused: the candidate themself, another candidate, a teacher of nothing.
    assert_eq!(extend(&w.student, "30", "Өзім").await.status, StatusCode::FORBIDDEN);
    assert_eq!(extend(&w.other, "30", "Досыма").await.status, StatusCode::FORBIDDEN);
    let college: i64 =
        sqlx::query_scalar("SELECT parent_id FROM organisations WHERE id = $1").bind(w.group).fetch_one(&w.app.db.pool).await.unwrap();
    w.app.make_user("teacher.two", PW, Some((Role::Teacher, college))).await;
    let stranger = w.app.signed_in("teacher.two", PW).await;
    assert_eq!(extend(&stranger, "30", "Бөгде").await.status, StatusCode::FORBIDDEN);
    // Bad input is refused at its field.
    let r = extend(&w.teacher, "0", "Жарық өшті").await;
    assert_eq!(r.field_errors(), vec![("minutes".to_string(), "ErrNumberRange".to_string())]);
    let r = extend(&w.teacher, "241", "").await;
    assert_eq!(
        r.field_errors(),
        vec![("minutes".to_string(), "ErrNumberRange".to_string()), ("reason".to_string(), "ErrRequired".to_string())]
    );
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.attempt.extend'").await, 0, "nothing written");

    // 10 more minutes: the deadline moves by exactly that, and the next save says so.
    let before = deadline().await;
    let r = extend(&w.teacher, "10", "Жарық өшті").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(deadline().await, before + 600_000);
    assert_eq!(r.json().as_i64(), Some(before + 600_000));
    let saved = save(0).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["deadline_at"].as_i64(), Some(before + 600_000), "the page hears the new deadline");
    let clock = w.app.call(&w.student, "/api/exam/attempt/clock", &[("attempt_id", &attempt.to_string())]).await.json();
    assert_eq!(clock["deadline_at"].as_i64(), Some(before + 600_000));
    assert_eq!(
        w.app.call(&w.other, "/api/exam/attempt/clock", &[("attempt_id", &attempt.to_string())]).await.status,
        StatusCode::FORBIDDEN
    );

    // A proctor of the group may extend too (5 more minutes).
    let proctor = w.app.signed_in("proctor.one", PW).await;
    let r = extend(&proctor, "5", "Камера ақауы").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(deadline().await, before + 900_000);

    // Time passes (the clock moved on 16 minutes): the old deadline is long gone, the new one
    // not yet: a save is accepted.
    sqlx::query("UPDATE exam_attempts SET deadline_at = $1 WHERE id = $2")
        .bind(app::api::now_ms() + 120_000)
        .bind(attempt)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    assert_eq!(save(1).await.status, StatusCode::OK, "a save after the old deadline, before the new one");
    // And past the new one: refused, the attempt is closed, no further extension.
    sqlx::query("UPDATE exam_attempts SET deadline_at = $1 WHERE id = $2")
        .bind(app::api::now_ms() - 60_000)
        .bind(attempt)
        .execute(&w.app.db.pool)
        .await
        .unwrap();
    let r = save(2).await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrTimeUp" }), "{}", r.body);
    let r = extend(&w.teacher, "10", "Кешікті").await;
    assert_eq!(r.json(), serde_json::json!({ "Refused": "ErrExtendClosed" }), "{}", r.body);
    let score: Option<i64> =
        sqlx::query_scalar("SELECT score_milli FROM exam_attempts WHERE id = $1").bind(attempt).fetch_one(&w.app.db.pool).await.unwrap();
    assert_eq!(score, Some(2000), "scored with the two answers saved in the extended time");
    let running = w.app.call(&w.teacher, "/api/exam/running", &[("exam_id", &exam.to_string())]).await.json();
    assert_eq!(running["list"].as_array().map(Vec::len), Some(0), "{running}");

    // Audited: who, whom, how many minutes, why.
    let (actor, after): (i64, String) =
        sqlx::query_as("SELECT actor_id, after_json FROM audit_log WHERE action = 'exam.attempt.extend' ORDER BY id LIMIT 1")
            .fetch_one(&w.app.db.pool)
            .await
            .unwrap();
    let teacher_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'teacher'").fetch_one(&w.app.db.pool).await.unwrap();
    assert_eq!(actor, teacher_id);
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(
        (after["student"].as_i64(), after["minutes"].as_i64(), after["reason"].as_str()),
        (Some(w.student_id), Some(10), Some("Жарық өшті"))
    );
    assert_eq!(w.app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'exam.attempt.extend'").await, 2);
}
