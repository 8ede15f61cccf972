//! College e-services over HTTP, on SQLite and PostgreSQL (issue 20, TVT-3): the status path is
//! enforced (illegal steps refused, return and resubmission, one result per approval, a refusal
//! needs its reason, strangers refused), documents are checked by content, a retried submit
//! makes one application, deadlines count working days, approvals write the student card's
//! movement, the result's check page tells a valid document from a refused one, and many
//! writers at once (the same form sent again, clerks acting together) write each step once.

use crate::common;

use app::auth::model::Role;
use common::{spawn_app, Backend, TestApp};
use reqwest::StatusCode;

const PW: &str = "services-pass-123";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";

struct World {
    college: i64,
    group: i64,
    other_group: i64,
}

/// A college with two groups, its clerk, a student in the first group, a clerk of another
/// college and an applicant with no student record.
async fn world(app: &TestApp) -> World {
    let region = app.make_org(1, "region", "Ақмола облысы").await;
    let college = app.make_org(region, "college", "Көкшетау жоғары колледжі").await;
    let other = app.make_org(region, "college", "Басқа колледж").await;
    let group = app.make_org(college, "group", "ИС-21").await;
    let other_group = app.make_org(college, "group", "ИС-22").await;
    app.make_user("clerk", PW, Some((Role::Clerk, college))).await;
    app.make_user("stranger", PW, Some((Role::Clerk, other))).await;
    app.make_user("student", PW, Some((Role::Student, group))).await;
    app.make_user("outsider", PW, None).await;
    World { college, group, other_group }
}

async fn submit(
    app: &TestApp,
    c: &reqwest::Client,
    service: &str,
    college: i64,
    key: &str,
    fields: &[(&str, &str)],
    docs: &[(&str, &[u8], &str)],
) -> common::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("service", service.to_string())
        .text("college_id", college.to_string())
        .text("request_key", key.to_string())
        .text("result_lang", "kk");
    for (k, v) in fields {
        form = form.text(format!("f_{k}"), v.to_string());
    }
    for (kind, bytes, name) in docs {
        form = form.part(format!("doc_{kind}"), reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    }
    app.multipart(c, "/api/services/submit", form).await
}

async fn act(app: &TestApp, c: &reqwest::Client, id: i64, action: &str, comment: &str, to_group: &str) -> common::Response {
    app.call(c, "/api/services/act", &[("id", &id.to_string()), ("action", action), ("comment", comment), ("to_group", to_group)]).await
}

async fn status_of(app: &TestApp, id: i64) -> String {
    sqlx::query_scalar("SELECT status FROM service_applications WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap()
}

fn refused(r: &common::Response) -> String {
    r.json()["Refused"].as_str().unwrap_or_default().to_string()
}

async fn dormitory(app: &TestApp, c: &reqwest::Client, college: i64, key: &str) -> i64 {
    let r = submit(app, c, "dormitory", college, key, &[("category", "large_family")], &[("category", PNG, "анықтама.png")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().unwrap()
}

backends!(
    the_status_path_is_enforced_from_submission_to_the_result,
    deadlines_count_working_days_and_the_queue_warns,
    approvals_write_the_movement_on_the_student_card,
    many_writers_at_once_write_each_application_and_step_once,
    the_applicant_withdraws_an_application_before_a_decision
);

async fn the_status_path_is_enforced_from_submission_to_the_result(b: Backend) {
    let app = spawn_app(b).await;
    let w = world(&app).await;
    let student = app.signed_in("student", PW).await;
    let clerk = app.signed_in("clerk", PW).await;
    let stranger = app.signed_in("stranger", PW).await;
    let outsider = app.signed_in("outsider", PW).await;

    // Bad input: named at its field, nothing written.
    let r = submit(
        &app,
        &student,
        "dormitory",
        w.college,
        "k-bad-0000000000001",
        &[("category", "castle")],
        &[("category", &b"hello"[..], "a.png")],
    )
    .await;
    let mut errors = r.field_errors();
    errors.sort();
    assert_eq!(errors, vec![("doc_category".into(), "ErrSvcDocumentType".into()), ("f_category".into(), "ErrSvcChoice".into())]);
    let r = submit(&app, &student, "dormitory", w.college, "k-bad-0000000000002", &[("category", "orphan")], &[]).await;
    assert_eq!(r.field_errors(), vec![("doc_category".into(), "ErrRequired".into())]);
    assert_eq!(app.count("SELECT COUNT(*) FROM service_applications").await, 0);

    // A retried submit (same key) makes one application.
    let id = dormitory(&app, &student, w.college, "k-dorm-000000000001").await;
    assert_eq!(dormitory(&app, &student, w.college, "k-dorm-000000000001").await, id);
    assert_eq!(app.count("SELECT COUNT(*) FROM service_applications").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM service_application_files").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'service.submit'").await, 1);

    // Strangers: another college's clerk and another applicant see and do nothing.
    assert_eq!(act(&app, &stranger, id, "take", "", "").await.status, StatusCode::FORBIDDEN);
    let q = app.call(&stranger, "/api/services/queue", &[("service", ""), ("status", "")]).await;
    assert_eq!(q.json().as_array().map(Vec::len), Some(0), "{}", q.body);
    for c in [&stranger, &outsider] {
        assert_eq!(app.call(c, "/api/services/application", &[("id", &id.to_string())]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(app.get(c, &format!("/files/service/{id}/category")).await.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(act(&app, &student, id, "take", "", "").await.status, StatusCode::FORBIDDEN, "the applicant is no clerk");
    let r = app.call_json(&stranger, "/api/services/take", &serde_json::json!({ "ids": [id] })).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, id).await, "submitted");

    // Illegal steps are refused with a translated error.
    let r = act(&app, &clerk, id, "approve", "", "").await;
    assert_eq!((r.status, refused(&r)), (StatusCode::UNPROCESSABLE_ENTITY, "ErrSvcTransition".to_string()), "{}", r.body);
    assert_eq!(act(&app, &clerk, id, "take", "", "").await.status, StatusCode::OK);
    assert_eq!(refused(&act(&app, &clerk, id, "take", "", "").await), "ErrSvcTransition");

    // Returned with the clerk's comment (required), which the applicant sees.
    let r = act(&app, &clerk, id, "return", "  ", "").await;
    assert_eq!(r.field_errors(), vec![("comment".into(), "ErrSvcCommentRequired".into())]);
    assert_eq!(act(&app, &clerk, id, "return", "Анықтама көшірмесі оқылмайды", "").await.status, StatusCode::OK);
    let mine = app.call(&student, "/api/services/mine", &[]).await.json();
    assert_eq!(mine[0]["status"], "Returned");
    assert_eq!(mine[0]["comment"], "Анықтама көшірмесі оқылмайды");
    assert_eq!(refused(&act(&app, &clerk, id, "approve", "", "").await), "ErrSvcTransition");

    // The applicant corrects it: a new document replaces the old; the same correction again
    // changes nothing; only the applicant may correct.
    let correction = |key: &'static str| {
        reqwest::multipart::Form::new()
            .text("id", id.to_string())
            .text("request_key", key)
            .text("result_lang", "kk")
            .text("f_category", "orphan")
            .part("doc_category", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("жаңа.pdf"))
    };
    let r = app.multipart(&outsider, "/api/services/resubmit", correction("k-fix-0000000000001")).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    for _ in 0..2 {
        let r = app.multipart(&student, "/api/services/resubmit", correction("k-fix-0000000000001")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(status_of(&app, id).await, "resubmitted");
    let r = app.multipart(&student, "/api/services/resubmit", correction("k-fix-0000000000002")).await;
    assert_eq!(refused(&r), "ErrSvcTransition");
    let files: Vec<(String, String)> = sqlx::query_as("SELECT kind, file_name FROM service_application_files WHERE application_id = $1")
        .bind(id)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(files, vec![("category".to_string(), "жаңа.pdf".to_string())]);
    let doc = app.get(&clerk, &format!("/files/service/{id}/category")).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body.starts_with("%PDF"));

    // The bulk action takes it under review again.
    let r = app.call_json(&clerk, "/api/services/take", &serde_json::json!({ "ids": [id] })).await;
    assert_eq!((r.status, r.json()), (StatusCode::OK, serde_json::json!(1)), "{}", r.body);

    // Approved: the result is issued once.
    assert_eq!(act(&app, &clerk, id, "approve", "", "").await.status, StatusCode::OK);
    assert_eq!(status_of(&app, id).await, "issued");
    assert_eq!(refused(&act(&app, &clerk, id, "approve", "", "").await), "ErrSvcTransition");
    assert_eq!(app.count("SELECT COUNT(*) FROM service_applications WHERE result_number IS NOT NULL").await, 1);
    let view = app.call(&student, "/api/services/application", &[("id", &id.to_string())]).await.json();
    let history: Vec<&str> = view["history"].as_array().unwrap().iter().map(|h| h["status"].as_str().unwrap()).collect();
    assert_eq!(history, ["Submitted", "UnderReview", "Returned", "Resubmitted", "UnderReview", "Approved", "Issued"]);
    assert_eq!(view["history"][2]["comment"], "Анықтама көшірмесі оқылмайды");

    // The result as PDF for the applicant, not for a stranger.
    let pdf = app.get(&student, &format!("/export/service/{id}.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.body.starts_with("%PDF"));
    assert_eq!(app.get(&outsider, &format!("/export/service/{id}.pdf")).await.status, StatusCode::FORBIDDEN);

    // Its check page, for anyone: valid, the name masked.
    let (number, code): (String, String) = sqlx::query_as("SELECT result_number, result_code FROM service_applications WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let check = app.call(&app.client(), "/api/services/verify", &[("code", &code)]).await.json();
    assert_eq!(check["number"], number.as_str());
    assert_eq!((check["valid"].as_bool(), check["person"].as_str()), (Some(true), Some("T*** U***")));
    assert_eq!(check["status"], "Issued");
    let page = app.get(&app.client(), &format!("/services/check/{code}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(app.call(&app.client(), "/api/services/verify", &[("code", "forged")]).await.status, StatusCode::NOT_FOUND);

    // Withdrawn, the same document shows as not valid.
    assert_eq!(act(&app, &clerk, id, "withdraw", "Қате берілді", "").await.status, StatusCode::OK);
    let check = app.call(&app.client(), "/api/services/verify", &[("code", &code)]).await.json();
    assert_eq!((check["valid"].as_bool(), check["status"].as_str()), (Some(false), Some("Withdrawn")));

    // A refusal needs its reason; the motivated refusal is not a valid permit.
    let other = dormitory(&app, &student, w.college, "k-dorm-000000000002").await;
    assert_eq!(act(&app, &clerk, other, "take", "", "").await.status, StatusCode::OK);
    assert_eq!(act(&app, &clerk, other, "refuse", "", "").await.field_errors(), vec![("comment".into(), "ErrSvcCommentRequired".into())]);
    assert_eq!(status_of(&app, other).await, "under_review");
    assert_eq!(act(&app, &clerk, other, "refuse", "Орын жоқ", "").await.status, StatusCode::OK);
    assert_eq!(refused(&act(&app, &clerk, other, "approve", "", "").await), "ErrSvcTransition");
    let code: String =
        sqlx::query_scalar("SELECT result_code FROM service_applications WHERE id = $1").bind(other).fetch_one(&app.db.pool).await.unwrap();
    let check = app.call(&app.client(), "/api/services/verify", &[("code", &code)]).await.json();
    assert_eq!((check["valid"].as_bool(), check["status"].as_str()), (Some(false), Some("Refused")));
    assert_eq!(app.get(&student, &format!("/export/service/{other}.pdf")).await.status, StatusCode::OK);
}

async fn deadlines_count_working_days_and_the_queue_warns(b: Backend) {
    use app::journal::semester::{Date, Weekday};
    let app = spawn_app(b).await;
    let w = world(&app).await;
    let student = app.signed_in("student", PW).await;
    let clerk = app.signed_in("clerk", PW).await;
    let today = Date::from_epoch_ms(app::api::now_ms());
    let id = dormitory(&app, &student, w.college, "k-dorm-000000000003").await;
    let due: String =
        sqlx::query_scalar("SELECT due_on FROM service_applications WHERE id = $1").bind(id).fetch_one(&app.db.pool).await.unwrap();
    let due = Date::parse(&due).unwrap();
    // The dormitory's term is five working days, counted from the day after submission: five
    // working days up to the deadline, which is one; a Thursday's deadline is next Thursday.
    use app::services::model::{due_date, working_day, Term};
    let working = (today.days() + 1..=due.days()).filter(|d| working_day(*d)).count();
    assert_eq!(working, 5, "{today} -> {due}");
    assert!(!matches!(due.weekday(), Weekday::Sat | Weekday::Sun));
    let thursday = Date::parse("2026-11-05").unwrap();
    assert_eq!(due_date(thursday, Term::WorkingDays(5)), Date::parse("2026-11-12").unwrap());

    let queue = || {
        let (app, clerk) = (&app, &clerk);
        async move {
            let r = app.call(clerk, "/api/services/queue", &[("service", "dormitory"), ("status", "")]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.json()[0]["due"].as_str().unwrap_or_default().to_string()
        }
    };
    assert_eq!(queue().await, "Fine");
    let set_due = |d: String| {
        let app = &app;
        async move {
            sqlx::query("UPDATE service_applications SET due_on = $1 WHERE id = $2").bind(d).bind(id).execute(&app.db.pool).await.unwrap();
        }
    };
    set_due(today.to_string()).await;
    assert_eq!(queue().await, "Near");
    set_due("2020-01-06".into()).await;
    assert_eq!(queue().await, "Overdue");
    // Filters: another service or status shows nothing.
    let r = app.call(&clerk, "/api/services/queue", &[("service", "free_meals"), ("status", "")]).await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(0));
    let r = app.call(&clerk, "/api/services/queue", &[("service", ""), ("status", "issued")]).await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(0));
    // Decided, the warning goes.
    act(&app, &clerk, id, "take", "", "").await;
    act(&app, &clerk, id, "approve", "", "").await;
    assert_eq!(queue().await, "Fine");
}

async fn approvals_write_the_movement_on_the_student_card(b: Backend) {
    let app = spawn_app(b).await;
    let w = world(&app).await;
    let student = app.signed_in("student", PW).await;
    let outsider = app.signed_in("outsider", PW).await;
    let clerk = app.signed_in("clerk", PW).await;
    let student_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'student'").fetch_one(&app.db.pool).await.unwrap();
    let memberships = || {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>("SELECT org_id FROM role_assignments WHERE user_id = $1 AND role = 'student'")
                .bind(student_id)
                .fetch_all(&app.db.pool)
                .await
                .unwrap()
        }
    };
    let leave = [("ground", "illness"), ("from", "2026-12-01"), ("to", "2027-05-31")];
    let doc: [(&str, &[u8], &str); 1] = [("ground", PDF, "анықтама.pdf")];

    // Someone with no student record: the approval is refused and nothing changes.
    let r = submit(&app, &outsider, "academic_leave", w.college, "k-leave-00000000001", &leave, &doc).await;
    let stray = r.json().as_i64().unwrap();
    act(&app, &clerk, stray, "take", "", "").await;
    assert_eq!(refused(&act(&app, &clerk, stray, "approve", "", "").await), "ErrSvcNoStudentRecord");
    assert_eq!(status_of(&app, stray).await, "under_review");
    assert_eq!(app.count("SELECT COUNT(*) FROM student_movements").await, 0);

    // The student's academic leave: the movement is written and the group left.
    let r = submit(&app, &student, "academic_leave", w.college, "k-leave-00000000002", &leave, &doc).await;
    let id = r.json().as_i64().unwrap();
    act(&app, &clerk, id, "take", "", "").await;
    assert_eq!(act(&app, &clerk, id, "approve", "", "").await.status, StatusCode::OK);
    let moves: Vec<(String, Option<i64>, Option<i64>)> =
        sqlx::query_as("SELECT kind, from_group, to_group FROM student_movements WHERE student_id = $1 ORDER BY id")
            .bind(student_id)
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(moves, vec![("academic_leave".to_string(), Some(w.group), None)]);
    assert!(memberships().await.is_empty());

    // Reinstatement: the clerk names the group (required, of this college).
    let r = submit(
        &app,
        &student,
        "transfer",
        w.college,
        "k-back-000000000001",
        &[("kind", "reinstatement"), ("from_org", "ИС-21"), ("course", "2")],
        &[("id_card", PNG, "куәлік.png")],
    )
    .await;
    let back = r.json().as_i64().unwrap();
    act(&app, &clerk, back, "take", "", "").await;
    assert_eq!(act(&app, &clerk, back, "approve", "", "").await.field_errors(), vec![("to_group".into(), "ErrRequired".into())]);
    assert_eq!(status_of(&app, back).await, "under_review");
    assert_eq!(act(&app, &clerk, back, "approve", "", &w.other_group.to_string()).await.status, StatusCode::OK);
    assert_eq!(memberships().await, vec![w.other_group]);
    let last: (String, Option<i64>) =
        sqlx::query_as("SELECT kind, to_group FROM student_movements WHERE student_id = $1 ORDER BY id DESC LIMIT 1")
            .bind(student_id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(last, ("reinstated".to_string(), Some(w.other_group)));
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'student.movement'").await, 2);
}

/// Many writers at once: the same form sent four times at once (a double tap and retries),
/// three clerks returning the same application together, and two clerks taking the same batch.
async fn many_writers_at_once_write_each_application_and_step_once(b: Backend) {
    let app = spawn_app(b).await;
    let w = world(&app).await;
    let student = app.signed_in("student", PW).await;
    let sends = (0..4).map(|_| {
        let (app, student) = (&app, student.clone());
        async move { dormitory(app, &student, w.college, "k-many-00000000001").await }
    });
    let ids: std::collections::BTreeSet<i64> = futures::future::join_all(sends).await.into_iter().collect();
    assert_eq!(ids.len(), 1, "one application");
    let id = *ids.first().unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM service_applications").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM service_application_files").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'service.submit'").await, 1);

    let clerks = [app.signed_in("clerk", PW).await, app.signed_in("clerk", PW).await, app.signed_in("clerk", PW).await];
    assert_eq!(act(&app, &clerks[0], id, "take", "", "").await.status, StatusCode::OK);
    let returns = clerks.iter().map(|c| {
        let (app, c) = (&app, c.clone());
        async move { act(app, &c, id, "return", "Анықтаманың көшірмесі анық емес", "").await }
    });
    let results = futures::future::join_all(returns).await;
    let ok = results.iter().filter(|r| r.status == StatusCode::OK).count();
    assert_eq!(ok, 1, "one return; the others find it returned");
    for r in results.iter().filter(|r| r.status != StatusCode::OK) {
        assert_eq!(refused(r), "ErrSvcTransition", "{}", r.body);
    }
    assert_eq!(status_of(&app, id).await, "returned");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'service.return'").await, 1);
    // The applicant is told once what to correct.
    let told: Vec<String> =
        sqlx::query_scalar("SELECT body FROM inbox_messages WHERE kind = 'application'").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("Анықтаманың көшірмесі анық емес"), "{told:?}");

    // Two clerks take the same three new applications at once: each is taken once.
    let mut batch = Vec::new();
    for n in 2..5 {
        batch.push(dormitory(&app, &student, w.college, &format!("k-many-0000000000{n}")).await);
    }
    let takes = clerks[..2].iter().map(|c| {
        let (app, c, batch) = (&app, c.clone(), batch.clone());
        async move { app.call_json(&c, "/api/services/take", &serde_json::json!({ "ids": batch })).await }
    });
    let taken: i64 = futures::future::join_all(takes)
        .await
        .iter()
        .map(|r| {
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.json().as_i64().unwrap()
        })
        .sum();
    assert_eq!(taken, 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'service.take'").await, 4);
}

/// The applicant's own withdrawal: allowed until a decision, for the applicant only, once; the
/// clerk can do nothing more with it.
async fn the_applicant_withdraws_an_application_before_a_decision(b: Backend) {
    let app = spawn_app(b).await;
    let w = world(&app).await;
    let student = app.signed_in("student", PW).await;
    let clerk = app.signed_in("clerk", PW).await;
    let outsider = app.signed_in("outsider", PW).await;
    let cancel = |c: &reqwest::Client, id: i64| {
        let c = c.clone();
        let app = &app;
        async move { app.call(&c, "/api/services/cancel", &[("id", &id.to_string())]).await }
    };
    let id = dormitory(&app, &student, w.college, "k-cancel-000000001").await;
    assert_eq!(act(&app, &clerk, id, "take", "", "").await.status, StatusCode::OK);
    // Nobody else withdraws it: not another applicant, not the clerk.
    assert_eq!(cancel(&outsider, id).await.status, StatusCode::FORBIDDEN);
    assert_eq!(cancel(&clerk, id).await.status, StatusCode::FORBIDDEN);
    assert_eq!(status_of(&app, id).await, "under_review");
    for _ in 0..2 {
        let r = cancel(&student, id).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(status_of(&app, id).await, "withdrawn");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'service.cancel'").await, 1, "withdrawn once");
    // It has left the queue's work: the clerk cannot decide it.
    assert_eq!(refused(&act(&app, &clerk, id, "approve", "", "").await), "ErrSvcTransition");
    let view = app.call(&student, "/api/services/application", &[("id", &id.to_string())]).await.json();
    assert_eq!(view["line"]["status"], "Withdrawn");
    assert_eq!(view["line"]["result_number"], serde_json::Value::Null);

    // A decided application is not withdrawn by its applicant.
    let other = dormitory(&app, &student, w.college, "k-cancel-000000002").await;
    assert_eq!(act(&app, &clerk, other, "take", "", "").await.status, StatusCode::OK);
    assert_eq!(act(&app, &clerk, other, "approve", "", "").await.status, StatusCode::OK);
    assert_eq!(refused(&cancel(&student, other).await), "ErrSvcTransition");
    assert_eq!(status_of(&app, other).await, "issued");
}
