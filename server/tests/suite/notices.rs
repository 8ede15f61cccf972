//! Notifications on events over HTTP and in the database, on SQLite and PostgreSQL (issue 20,
//! PLT-3): a mark tells the student (and nobody else) once, in their language, on the channels
//! they chose and can be reached on; the same mark saved again tells nothing; a changed mark is
//! a new message; published olympiad results tell each participant once; each person reads
//! and changes only their own settings, many at once; the inbox groups messages by kind.

use crate::common;

use app::auth::model::Role;
use common::{spawn_app, Backend, TestApp};
use reqwest::StatusCode;

const PW: &str = "notices-pass-123";

backends!(
    a_mark_tells_the_student_once_in_their_language,
    email_follows_the_students_choice,
    each_person_reads_and_changes_only_their_own_settings,
    published_results_tell_each_participant_once,
    an_event_told_again_sends_nothing,
    the_inbox_groups_by_kind_and_reads_a_group_at_once,
    many_settings_at_once_each_land_once
);

/// A college with group "ИС-21", a teacher, and two students: Асель (Russian, no email) and
/// Бекзат (Kazakh, a confirmed email). Returns (group, [student ids]).
async fn college(app: &TestApp) -> (i64, Vec<i64>) {
    let region = app.make_org(1, "region", "Ақмола облысы").await;
    let college = app.make_org(region, "college", "Колледж").await;
    let group = app.make_org(college, "group", "ИС-21").await;
    app.make_user("teacher", PW, Some((Role::Teacher, college))).await;
    let a = app.make_user("student.a", PW, Some((Role::Student, group))).await;
    let b = app.make_user("student.b", PW, Some((Role::Student, group))).await;
    sqlx::query("UPDATE users SET locale = 'ru' WHERE id = $1").bind(a).execute(&app.db.pool).await.unwrap();
    sqlx::query("UPDATE users SET locale = 'kk', email = 'bekzat@example.kz' WHERE id = $1").bind(b).execute(&app.db.pool).await.unwrap();
    (group, vec![a, b])
}

/// A journal of "Деректер қоры" with its lessons; returns (journal, first lesson).
async fn journal(app: &TestApp, teacher: &reqwest::Client, group: i64) -> (i64, i64) {
    let j = app.open_journal(teacher, group).await;
    let r = app.call(teacher, "/api/journal/fill", &[("journal_id", &j.to_string()), ("timetable", "1:1:2:all"), ("holidays", "")]).await;
    assert!(r.status.is_success(), "{}", r.body);
    let lesson: i64 = sqlx::query_scalar("SELECT id FROM lessons WHERE journal_id = $1 ORDER BY lesson_date, pair LIMIT 1")
        .bind(j)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    (j, lesson)
}

async fn cell(app: &TestApp, c: &reqwest::Client, j: i64, lesson: i64, student: i64, value: &str) -> common::Response {
    let form = [
        ("journal_id", j.to_string()),
        ("lesson_id", lesson.to_string()),
        ("student_id", student.to_string()),
        ("value", value.to_string()),
        ("reason", "Қайта тапсырды".to_string()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = app.call(c, "/api/journal/cell", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r
}

/// (subject, body) of the user's in-app messages, oldest first.
async fn inbox(app: &TestApp, user: i64) -> Vec<(String, String)> {
    sqlx::query_as("SELECT subject, body FROM inbox_messages WHERE user_id = $1 ORDER BY id")
        .bind(user)
        .fetch_all(&app.db.pool)
        .await
        .unwrap()
}

async fn emails_to(app: &TestApp, address: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE channel = 'email' AND recipient = $1")
        .bind(address)
        .fetch_one(&app.db.pool)
        .await
        .unwrap()
}

async fn a_mark_tells_the_student_once_in_their_language(b: Backend) {
    let app = spawn_app(b).await;
    let (group, students) = college(&app).await;
    let teacher = app.signed_in("teacher", PW).await;
    let (j, lesson) = journal(&app, &teacher, group).await;
    let before_teacher = app.count("SELECT COUNT(*) FROM inbox_messages").await;

    cell(&app, &teacher, j, lesson, students[0], "5").await;
    let got = inbox(&app, students[0]).await;
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "Новая оценка: Деректер қоры", "in the student's language (Russian)");
    assert!(got[0].1.contains("«Деректер қоры»") && got[0].1.ends_with(": 5."), "{}", got[0].1);
    assert!(inbox(&app, students[1]).await.is_empty(), "the other student is told nothing");
    assert_eq!(app.count("SELECT COUNT(*) FROM inbox_messages").await, before_teacher + 1, "only the student is told");
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE channel <> 'inapp'").await, 0, "no email or SMS without a contact");

    // The same mark saved again (a retry, a second tab) tells nothing.
    cell(&app, &teacher, j, lesson, students[0], "5").await;
    cell(&app, &teacher, j, lesson, students[0], " 5 ").await;
    assert_eq!(inbox(&app, students[0]).await.len(), 1, "the same mark again is no new message");

    // A changed mark is a new event; an absence is not a mark.
    cell(&app, &teacher, j, lesson, students[0], "4").await;
    let got = inbox(&app, students[0]).await;
    assert_eq!(got.len(), 2);
    assert!(got[1].1.ends_with(": 4."), "{}", got[1].1);
    cell(&app, &teacher, j, lesson, students[0], "н").await;
    assert_eq!(inbox(&app, students[0]).await.len(), 2, "attendance is not told as a mark");

    // The student reads it in the in-app inbox.
    let student = app.signed_in("student.a", PW).await;
    let list = app.call(&student, "/api/inbox/list", &[]).await;
    assert_eq!(list.status, StatusCode::OK);
    let list = list.json();
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
    assert_eq!(list[0]["subject"], "Новая оценка: Деректер қоры");
}

async fn email_follows_the_students_choice(b: Backend) {
    let app = spawn_app(b).await;
    let (group, students) = college(&app).await;
    let teacher = app.signed_in("teacher", PW).await;
    let (j, lesson) = journal(&app, &teacher, group).await;
    let lessons: Vec<i64> = sqlx::query_scalar("SELECT id FROM lessons WHERE journal_id = $1 ORDER BY lesson_date, pair")
        .bind(j)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();

    // Бекзат has a confirmed email: by default a mark comes in the app and by email, in Kazakh.
    cell(&app, &teacher, j, lesson, students[1], "5").await;
    let got = inbox(&app, students[1]).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "Жаңа баға: Деректер қоры");
    assert_eq!(emails_to(&app, "bekzat@example.kz").await, 1);
    let mail: String = sqlx::query_scalar("SELECT subject FROM outbox WHERE channel = 'email'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(mail, "Жаңа баға: Деректер қоры");

    // He turns email off for marks: the next mark comes in the app only.
    let student = app.signed_in("student.b", PW).await;
    let r = app.call(&student, "/api/notify/preferences/set", &[("kind", "mark"), ("channel", "email"), ("on", "false")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let prefs = app.call(&student, "/api/notify/preferences", &[]).await.json();
    let mark = prefs["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == "Mark").unwrap().clone();
    let email = mark["channels"].as_array().unwrap().iter().find(|c| c["channel"] == "Email").unwrap().clone();
    assert_eq!(email["on"], false, "{prefs}");
    cell(&app, &teacher, j, lessons[1], students[1], "4").await;
    assert_eq!(inbox(&app, students[1]).await.len(), 2);
    assert_eq!(emails_to(&app, "bekzat@example.kz").await, 1, "no email once turned off");
    // Other kinds keep their default: an assignment still comes by email.
    let r = app
        .call(
            &teacher,
            "/api/journal/assignment/create",
            &[
                ("journal_id", &j.to_string()),
                ("lesson_id", &lessons[2].to_string()),
                ("title", "ER-диаграмма"),
                ("description", "Кітапхана қоры"),
                ("due_date", "2026-09-30"),
                ("students", "all"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(emails_to(&app, "bekzat@example.kz").await, 2, "the assignment by email");
    let a = inbox(&app, students[0]).await;
    assert_eq!(a.last().map(|m| m.0.as_str()), Some("Новое задание: ER-диаграмма"), "each student of the group, in their language");
    // Turning it back on is recorded, and the change is audited.
    let r = app.call(&student, "/api/notify/preferences/set", &[("kind", "mark"), ("channel", "email"), ("on", "true")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'notify.preference'").await, 2);
}

async fn each_person_reads_and_changes_only_their_own_settings(b: Backend) {
    let app = spawn_app(b).await;
    let (_, students) = college(&app).await;
    let anon = app.client();
    assert_eq!(app.call(&anon, "/api/notify/preferences", &[]).await.status, StatusCode::UNAUTHORIZED);
    let r = app.call(&anon, "/api/notify/preferences/set", &[("kind", "mark"), ("channel", "inapp"), ("on", "false")]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Асель changes hers (the call names no person: it is always the caller's); Бекзат's stay.
    let a = app.signed_in("student.a", PW).await;
    let r = app.call(&a, "/api/notify/preferences/set", &[("kind", "mark"), ("channel", "inapp"), ("on", "false")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let stored: Vec<i64> = sqlx::query_scalar("SELECT user_id FROM notification_preferences").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(stored, vec![students[0]]);
    let b_client = app.signed_in("student.b", PW).await;
    let theirs = app.call(&b_client, "/api/notify/preferences", &[]).await.json();
    assert_eq!(theirs["kinds"][0]["channels"][0]["on"], true, "{theirs}");

    // Without a confirmed email, email is off and cannot be turned on (the reason is given).
    let mine = app.call(&a, "/api/notify/preferences", &[]).await.json();
    assert_eq!((mine["has_email"].as_bool(), mine["has_phone"].as_bool()), (Some(false), Some(false)));
    assert!(mine["kinds"].as_array().unwrap().iter().all(|k| k["channels"][1]["on"] == false), "{mine}");
    let r = app.call(&a, "/api/notify/preferences/set", &[("kind", "mark"), ("channel", "email"), ("on", "true")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json(), serde_json::json!({ "Refused": "NoticeNoEmail" }));
    // An unknown kind or channel is a malformed call.
    let r = app.call(&a, "/api/notify/preferences/set", &[("kind", "gossip"), ("channel", "inapp"), ("on", "true")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    // The settings page answers in the signed-in person's language.
    let page = app.get(&a, "/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
}

async fn published_results_tell_each_participant_once(b: Backend) {
    let app = spawn_app(b).await;
    let region = app.make_org(1, "region", "Ақмола облысы").await;
    let school = app.make_org(region, "school", "Бурабай мектебі").await;
    let op = app.make_user("operator", PW, Some((Role::OlympiadOperator, 1))).await;
    let pupils = [app.make_user("pupil.a", PW, None).await, app.make_user("pupil.b", PW, None).await];
    let outsider = app.make_user("outsider", PW, None).await;
    sqlx::query("UPDATE users SET locale = 'kk' WHERE id = $1").bind(pupils[0]).execute(&app.db.pool).await.unwrap();
    sqlx::query("UPDATE users SET locale = 'ru' WHERE id = $1").bind(pupils[1]).execute(&app.db.pool).await.unwrap();
    let campaign: i64 = sqlx::query_scalar(
        "INSERT INTO olympiad_campaigns (title, teacher_reg_opens, teacher_reg_closes, participant_reg_opens, participant_reg_closes,
            results_at, applications_opens, applications_closes, grade_min, grade_max, created_by, created_at)
         VALUES ('Облыстық олимпиада', 0, 0, 0, 0, 0, 0, 0, 5, 9, $1, 0) RETURNING id",
    )
    .bind(op)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    for p in pupils {
        sqlx::query(
            "INSERT INTO olympiad_participants (campaign_id, user_id, school_id, registered_by, grade, language, created_at)
             VALUES ($1, $2, $3, $4, 7, 'kk', 0)",
        )
        .bind(campaign)
        .bind(p)
        .bind(school)
        .bind(op)
        .execute(&app.db.pool)
        .await
        .unwrap();
    }
    sqlx::query("INSERT INTO olympiad_winner_rules (campaign_id, kind, value, ranked_at, updated_at) VALUES ($1, 'threshold', 70, 1, 1)")
        .bind(campaign)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let operator = app.signed_in("operator", PW).await;
    for _ in 0..2 {
        let r = app.call(&operator, "/api/olympiad/results/publish", &[("campaign_id", &campaign.to_string())]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let a = inbox(&app, pupils[0]).await;
    assert_eq!(a.len(), 1, "publishing twice tells once: {a:?}");
    assert_eq!(a[0].0, "Олимпиада нәтижелері жарияланды");
    assert!(a[0].1.contains("«Облыстық олимпиада»"), "{}", a[0].1);
    let b = inbox(&app, pupils[1]).await;
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].0, "Опубликованы результаты олимпиады");
    assert!(inbox(&app, outsider).await.is_empty());
    assert!(inbox(&app, op).await.is_empty());
}

async fn an_event_told_again_sends_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let user = app.make_user("applicant", PW, None).await;
    sqlx::query("UPDATE users SET locale = 'ru', phone = '+77011234567' WHERE id = $1").bind(user).execute(&app.db.pool).await.unwrap();
    let tell = || async {
        let mut tx = app.db.begin().await.unwrap();
        let n = app::notify::service_result_ready(&mut tx, user, 42, app::i18n::Msg::NoticeKindService, "A-42").await.unwrap();
        tx.commit().await.unwrap();
        n
    };
    // In the app and by SMS (a service's result is where SMS is on by default); no email.
    assert_eq!(tell().await, 2);
    assert_eq!(tell().await, 0, "the same event again");
    let channels: Vec<String> = sqlx::query_scalar("SELECT channel FROM outbox WHERE user_id = $1 ORDER BY channel")
        .bind(user)
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(channels, vec!["inapp", "sms"]);
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE channel = 'sms'").fetch_one(&app.db.pool).await.unwrap();
    assert!(body.contains("№ A-42") && body.starts_with("Результат услуги"), "{body}");
    // A rolled-back change tells nothing and leaves the event to be told.
    let mut tx = app.db.begin().await.unwrap();
    let e = app::notify::Event::results_published(user, 7, "Олимпиада");
    assert_eq!(app::notify::event(&mut tx, e.clone()).await.unwrap(), 1, "results: in the app only (no email, SMS off)");
    tx.rollback().await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM notification_events WHERE kind = 'results_published'").await, 0);
    let mut tx = app.db.begin().await.unwrap();
    assert_eq!(app::notify::event(&mut tx, e).await.unwrap(), 1);
    tx.commit().await.unwrap();
}

async fn the_inbox_groups_by_kind_and_reads_a_group_at_once(b: Backend) {
    let app = spawn_app(b).await;
    let (group, students) = college(&app).await;
    let teacher = app.signed_in("teacher", PW).await;
    let (j, lesson) = journal(&app, &teacher, group).await;
    // Three marks (a changed mark is told again), a certificate, and a note that tells no event.
    for v in ["5", "4", "3"] {
        cell(&app, &teacher, j, lesson, students[0], v).await;
    }
    cell(&app, &teacher, j, lesson, students[1], "5").await;
    let mut tx = app.db.begin().await.unwrap();
    app::notify::event(&mut tx, app::notify::Event::certificate_ready(students[0], 77, "Әскери комиссариатқа", "2026-000077"))
        .await
        .unwrap();
    app::notify::outbox::enqueue(
        &mut tx,
        app::notify::outbox::Outgoing {
            channel: app::notify::model::Channel::InApp,
            user_id: Some(students[0]),
            recipient: "student.a",
            subject: "Сабақ кестесі өзгерді",
            body: "Ертеңгі сабақ 204 бөлмеде.",
            secret: false,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let a = app.signed_in("student.a", PW).await;
    let list = app.call(&a, "/api/inbox/list", &[]).await.json();
    let kinds: Vec<serde_json::Value> = list.as_array().unwrap().iter().map(|m| m["kind"].clone()).collect();
    use serde_json::json;
    assert_eq!(kinds, vec![json!(null), json!("CertificateReady"), json!("Mark"), json!("Mark"), json!("Mark")], "{list}");

    // "Mark all read" on the marks reads the three marks, nothing else, and nobody else's.
    let r = app.call(&a, "/api/inbox/read-kind", &[("kind", "mark")]).await;
    assert_eq!((r.status, r.body.trim()), (StatusCode::OK, "3"), "{}", r.body);
    let pool = &app.db.pool;
    let unread = |user: i64| async move {
        sqlx::query_scalar::<_, Option<String>>("SELECT kind FROM inbox_messages WHERE user_id = $1 AND read_at IS NULL ORDER BY id")
            .bind(user)
            .fetch_all(pool)
            .await
            .unwrap()
    };
    assert_eq!(unread(students[0]).await, vec![Some("certificate_ready".to_string()), None]);
    assert_eq!(unread(students[1]).await, vec![Some("mark".to_string())], "another student's marks stay unread");
    assert_eq!(app.call(&a, "/api/inbox/read-kind", &[("kind", "mark")]).await.body.trim(), "0", "read already");
    // "" reads the messages that tell no event.
    assert_eq!(app.call(&a, "/api/inbox/read-kind", &[("kind", "")]).await.body.trim(), "1");
    assert_eq!(unread(students[0]).await, vec![Some("certificate_ready".to_string())]);
    assert_eq!(app.call(&a, "/api/inbox/read-kind", &[("kind", "gossip")]).await.status, StatusCode::BAD_REQUEST);
    // The page renders the groups.
    let page = app.get(&a, "/inbox").await;
    assert_eq!(page.status, StatusCode::OK);
}

/// The settings page sends one request per switch: a person flipping several at once, and the
/// same switch sent several times at once (a double tap, a retry), each land once.
async fn many_settings_at_once_each_land_once(b: Backend) {
    let app = spawn_app(b).await;
    let (_, students) = college(&app).await;
    let a = app.signed_in("student.a", PW).await;
    let set = |kind: &'static str, channel: &'static str, on: &'static str| {
        let (app, a) = (&app, a.clone());
        async move { app.call(&a, "/api/notify/preferences/set", &[("kind", kind), ("channel", channel), ("on", on)]).await }
    };
    let calls = ["mark", "assignment", "exam_scheduled", "application"]
        .into_iter()
        .flat_map(|kind| (0..3).map(move |_| set(kind, "inapp", "false")));
    for r in futures::future::join_all(calls).await {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let rows = "SELECT COUNT(*) FROM notification_preferences WHERE enabled = 0";
    assert_eq!(app.count(rows).await, 4);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'notify.preference'").await, 4, "one audit row a change");
    let mine = app.call(&a, "/api/notify/preferences", &[]).await.json();
    let off: Vec<&str> =
        mine["kinds"].as_array().unwrap().iter().filter(|k| k["channels"][0]["on"] == false).map(|k| k["kind"].as_str().unwrap()).collect();
    assert_eq!(off, ["Mark", "Assignment", "ExamScheduled", "Application"], "{mine}");
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM notification_preferences WHERE user_id <> {}", students[0])).await, 0);
}
