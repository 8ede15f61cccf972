//! Deny by default: every registered server function is called anonymously and as a signed-in
//! user who holds no role. A server function added without an entry below fails this test,
//! so nobody can add one without deciding who may call it.

use crate::common;

use common::{spawn_app, Backend};
use reqwest::StatusCode;

#[derive(Debug, PartialEq)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user, for their own data.
    SignedIn,
    /// Only holders of a permission (none of which the test user has).
    Permission,
}

/// Every server function, who may call it, and arguments that are valid in shape (so a refusal
/// is about the caller, not the input).
fn table() -> Vec<(&'static str, Access, Vec<(&'static str, &'static str)>)> {
    use Access::*;
    vec![
        ("/api/auth/me", Public, vec![]),
        ("/api/auth/login", Public, vec![("login", "nobody"), ("password", "x")]),
        ("/api/auth/register", Public, vec![("login", ""), ("full_name", ""), ("email", ""), ("password", "")]),
        ("/api/auth/register/confirm", Public, vec![("login", "nobody"), ("code", "000000")]),
        ("/api/auth/contact/confirm", SignedIn, vec![("channel", "email"), ("code", "000000")]),
        ("/api/auth/reset/request", Public, vec![("contact", "nobody"), ("channel", "email")]),
        ("/api/auth/reset/confirm", Public, vec![("contact", "nobody"), ("code", "000000"), ("new_password", "x")]),
        ("/api/locale", Public, vec![("locale", "kk")]),
        ("/api/auth/logout", SignedIn, vec![]),
        ("/api/auth/password", SignedIn, vec![("current", ""), ("new_password", "")]),
        ("/api/auth/profile", SignedIn, vec![("full_name", ""), ("email", ""), ("phone", ""), ("locale", "kk")]),
        ("/api/inbox/list", SignedIn, vec![]),
        ("/api/consent/mine", SignedIn, vec![]),
        ("/api/consent/give", SignedIn, vec![("purpose", "proctoring"), ("given_by", "person"), ("guardian_name", "")]),
        ("/api/consent/withdraw", SignedIn, vec![("purpose", "proctoring")]),
        ("/api/inbox/read", SignedIn, vec![("id", "999999")]),
        ("/api/inbox/read-kind", SignedIn, vec![("kind", "mark")]),
        ("/api/notify/preferences", SignedIn, vec![]),
        ("/api/notify/preferences/set", SignedIn, vec![("kind", "mark"), ("channel", "inapp"), ("on", "false")]),
        ("/api/admin/orgs", Permission, vec![]),
        ("/api/admin/org/create", Permission, vec![("parent_id", "1"), ("kind", "region"), ("name", "Hacked")]),
        ("/api/admin/users", Permission, vec![("query", "")]),
        ("/api/admin/user", Permission, vec![("user_id", "1")]),
        (
            "/api/admin/user/create",
            Permission,
            vec![
                ("login", "hacker"),
                ("full_name", "H"),
                ("email", ""),
                ("phone", ""),
                ("org_id", "1"),
                ("role", "admin"),
                ("password", "hacker-pass-123"),
            ],
        ),
        ("/api/admin/role/assign", Permission, vec![("user_id", "1"), ("role", "admin"), ("org_id", "1")]),
        ("/api/admin/role/revoke", Permission, vec![("grant_id", "1")]),
        ("/api/admin/user/active", Permission, vec![("user_id", "1"), ("active", "false")]),
        ("/api/admin/group", Permission, vec![("group_id", "1")]),
        (
            "/api/admin/group/profile",
            Permission,
            vec![
                ("group_id", "1"),
                ("specialty_code", "06130100"),
                ("specialty_name", "Hacked"),
                ("course", "1"),
                ("study_form", "full_time"),
                ("study_language", "kk"),
            ],
        ),
        ("/api/records/colleges", Permission, vec![]),
        ("/api/records/group", Permission, vec![("group_id", "1")]),
        ("/api/records/import", Permission, vec![("college_id", "1"), ("dry_run", "false")]),
        ("/api/records/student", Permission, vec![("student_id", "1")]),
        (
            "/api/records/movement",
            Permission,
            vec![("student_id", "1"), ("kind", "expelled"), ("on_date", "2026-09-01"), ("to_group", ""), ("reason", "x")],
        ),
        ("/api/services/colleges", SignedIn, vec![]),
        ("/api/services/submit", SignedIn, vec![("service", "dormitory"), ("college_id", "1"), ("request_key", "k-0123456789abcdef")]),
        ("/api/services/resubmit", SignedIn, vec![("id", "1"), ("request_key", "k-0123456789abcdef")]),
        ("/api/services/mine", SignedIn, vec![]),
        ("/api/services/cancel", SignedIn, vec![("id", "999999")]),
        ("/api/services/application", Permission, vec![("id", "1")]),
        ("/api/services/queue", Permission, vec![("service", ""), ("status", "")]),
        ("/api/services/act", Permission, vec![("id", "1"), ("action", "take"), ("comment", ""), ("to_group", "")]),
        ("/api/services/take", Permission, vec![("ids", "[1]")]),
        ("/api/services/verify", Public, vec![("code", "nothing")]),
        ("/api/admission/mine", SignedIn, vec![]),
        ("/api/admission/apply", SignedIn, vec![("campaign_id", "1"), ("request_key", "k")]),
        ("/api/admission/withdraw", SignedIn, vec![("application_id", "1")]),
        ("/api/admission/committee", Permission, vec![]),
        (
            "/api/admission/campaign/create",
            Permission,
            vec![("college_id", "1"), ("year", "2027"), ("title", "Hacked"), ("max_choices", "3")],
        ),
        (
            "/api/admission/offer/save",
            Permission,
            vec![
                ("campaign_id", "1"),
                ("specialty_code", "06130100"),
                ("specialty_name", "Hacked"),
                ("study_language", "kk"),
                ("places", "10"),
                ("entrance_test", "no"),
                ("quota_disability", "0"),
                ("quota_orphan", "0"),
                ("quota_rural", "0"),
                ("quota_large_family", "0"),
            ],
        ),
        ("/api/admission/committee/campaign", Permission, vec![("campaign_id", "1")]),
        ("/api/admission/review", Permission, vec![("application_id", "1"), ("decision", "accept"), ("comment", "")]),
        ("/api/admission/ranking/preview", Permission, vec![("campaign_id", "1")]),
        ("/api/admission/ranking/publish", Permission, vec![("campaign_id", "1")]),
        ("/api/admission/enrol", Permission, vec![("application_id", "1"), ("group_id", "1")]),
        ("/api/admission/lists", Public, vec![]),
        ("/api/admission/list", Public, vec![("offer_id", "1")]),
        ("/api/admission/verify", Public, vec![("code", "nothing")]),
        ("/api/audit/list", Permission, vec![("actor", ""), ("action", ""), ("entity", ""), ("from", ""), ("to", ""), ("page", "0")]),
        ("/api/certificate/verify", Public, vec![("code", "nothing")]),
        ("/api/certificate/request", SignedIn, vec![("purpose", "Hacked")]),
        ("/api/certificate/mine", SignedIn, vec![]),
        ("/api/certificate/queue", Permission, vec![]),
        ("/api/certificate/decide", Permission, vec![("id", "0"), ("issue", "true")]),
        ("/api/journal/list", SignedIn, vec![]),
        ("/api/journal/my", SignedIn, vec![]),
        ("/api/journal/groups", SignedIn, vec![]),
        ("/api/journal/timesheet", Permission, vec![("month", "2026-10")]),
        (
            "/api/journal/create",
            Permission,
            vec![
                ("group_id", "0"),
                ("subject", "Hacked"),
                ("semester_start", "2026-09-01"),
                ("semester_end", "2026-12-31"),
                ("scale", "five"),
            ],
        ),
        ("/api/journal/rename", Permission, vec![("journal_id", "0"), ("title", "Hacked")]),
        ("/api/journal/syllabus", Permission, vec![("journal_id", "0"), ("syllabus", "Hacked")]),
        ("/api/journal/get", Permission, vec![("journal_id", "0")]),
        ("/api/journal/history", Permission, vec![("journal_id", "0")]),
        ("/api/journal/ktp", Permission, vec![("journal_id", "0")]),
        (
            "/api/journal/ktp/save",
            Permission,
            vec![("journal_id", "0"), ("topic_id", "0"), ("title", "Hacked"), ("hours", "2"), ("lesson_type", "theory"), ("homework", "")],
        ),
        ("/api/journal/ktp/delete", Permission, vec![("journal_id", "0"), ("topic_id", "0")]),
        ("/api/journal/fill/preview", Permission, vec![("journal_id", "0"), ("timetable", "1:1:2:all"), ("holidays", "")]),
        ("/api/journal/fill", Permission, vec![("journal_id", "0"), ("timetable", "1:1:2:all"), ("holidays", "")]),
        (
            "/api/journal/lesson/save",
            Permission,
            vec![
                ("journal_id", "0"),
                ("lesson_id", "0"),
                ("date", "2026-09-02"),
                ("pair", "2"),
                ("hours", "2"),
                ("lesson_type", "theory"),
                ("topic", "Hacked"),
                ("plan", ""),
                ("homework", ""),
            ],
        ),
        ("/api/journal/lesson/cancel", Permission, vec![("journal_id", "0"), ("lesson_id", "0")]),
        (
            "/api/journal/cell",
            Permission,
            vec![("journal_id", "0"), ("lesson_id", "0"), ("student_id", "0"), ("value", "5"), ("reason", "")],
        ),
        ("/api/journal/ktp/import", Permission, vec![("journal_id", "0")]),
        ("/api/journal/excuse", Permission, vec![("journal_id", "0"), ("lesson_id", "0"), ("student_id", "0")]),
        ("/api/journal/assignments", Permission, vec![("journal_id", "0")]),
        (
            "/api/journal/assignment/create",
            Permission,
            vec![
                ("journal_id", "0"),
                ("lesson_id", "0"),
                ("title", "Hacked"),
                ("description", ""),
                ("due_date", "2026-10-01"),
                ("students", "all"),
            ],
        ),
        (
            "/api/journal/assignment/review",
            Permission,
            vec![("assignment_id", "0"), ("student_id", "0"), ("decision", "mark"), ("comment", ""), ("mark", "5")],
        ),
        ("/api/journal/assignment/mine", SignedIn, vec![]),
        ("/api/journal/assignment/submit", Permission, vec![("assignment_id", "0"), ("answer", "Hacked")]),
        ("/api/journal/report/performance", Permission, vec![("from", "2026-09-01"), ("to", "2026-12-31")]),
        ("/api/exam/overview", SignedIn, vec![]),
        ("/api/exam/bank", SignedIn, vec![("subject", "S")]),
        ("/api/exam/bank/import", Permission, vec![("subject", "S")]),
        ("/api/exam/bank/archive", Permission, vec![("question_id", "1")]),
        ("/api/exam/bank/picture", Permission, vec![("question_id", "1")]),
        ("/api/exam/bank/picture/remove", Permission, vec![("question_id", "1")]),
        ("/api/exam/question", Permission, vec![("question_id", "1")]),
        (
            "/api/exam/question/save",
            Permission,
            vec![("question_id", "1"), ("subject", "S"), ("question", r#"{"kind":"Essay","text":"Hacked"}"#)],
        ),
        (
            "/api/exam/create",
            Permission,
            vec![
                ("journal_id", "0"),
                ("title", "Hacked"),
                ("opens_at", "2026-11-01T09:00"),
                ("closes_at", "2026-11-01T12:00"),
                ("duration_min", "60"),
                ("draw", "T: 1"),
            ],
        ),
        ("/api/exam/before-start", Permission, vec![("exam_id", "0")]),
        ("/api/exam/start", Permission, vec![("exam_id", "0")]),
        ("/api/exam/attempt", Permission, vec![("attempt_id", "0")]),
        ("/api/exam/answer", Permission, vec![("attempt_id", "0"), ("question_id", "1"), ("answer", "{\"Text\":\"x\"}")]),
        ("/api/exam/hand-in", Permission, vec![("attempt_id", "0")]),
        ("/api/exam/results", Permission, vec![("exam_id", "0")]),
        ("/api/exam/review", Permission, vec![("attempt_id", "0")]),
        ("/api/exam/settings", Permission, vec![("exam_id", "0")]),
        (
            "/api/exam/update",
            Permission,
            vec![
                ("exam_id", "0"),
                ("title", "Hacked"),
                ("opens_at", "2026-11-01T09:00"),
                ("closes_at", "2026-11-01T12:00"),
                ("review_correct", "after_hand_in"),
            ],
        ),
        ("/api/exam/archive", Permission, vec![("exam_id", "0"), ("archived", "true")]),
        ("/api/exam/regrade/preview", Permission, vec![("exam_id", "0")]),
        ("/api/exam/regrade/apply", Permission, vec![("exam_id", "0")]),
        ("/api/exam/schedule", Permission, vec![("exam_id", "0")]),
        (
            "/api/exam/sitting/add",
            Permission,
            vec![
                ("exam_id", "0"),
                ("room", "204"),
                ("seats", "10"),
                ("starts_at", "2026-12-01T09:00"),
                ("ends_at", "2026-12-01T10:00"),
                ("candidates", "1"),
            ],
        ),
        ("/api/exam/sitting/remove", Permission, vec![("sitting_id", "0")]),
        ("/api/exam/accommodations", Permission, vec![("exam_id", "0")]),
        (
            "/api/exam/accommodation/set",
            Permission,
            vec![("exam_id", "0"), ("student_id", "0"), ("extra_minutes", "30"), ("opens_at", ""), ("closes_at", ""), ("reason", "")],
        ),
        ("/api/exam/accommodation/remove", Permission, vec![("exam_id", "0"), ("student_id", "0")]),
        ("/api/exam/running", Permission, vec![("exam_id", "0")]),
        ("/api/exam/attempt/extend", Permission, vec![("attempt_id", "0"), ("minutes", "10"), ("reason", "Hacked")]),
        ("/api/exam/attempt/clock", Permission, vec![("attempt_id", "0")]),
        ("/api/exam/ticket/file", Permission, vec![("attempt_id", "0")]),
        ("/api/exam/ticket/file/remove", Permission, vec![("attempt_id", "0"), ("name", "plan.csv")]),
        ("/api/exam/grading", Permission, vec![("attempt_id", "0")]),
        ("/api/exam/grade", Permission, vec![("attempt_id", "0"), ("points", "[]"), ("mark", "5"), ("comment", "Hacked")]),
        ("/api/exam/offline", Permission, vec![("exam_id", "0")]),
        ("/api/exam/offline/save", Permission, vec![("exam_id", "0"), ("marks", "[]")]),
        ("/api/proctor/board", SignedIn, vec![]),
        ("/api/proctor/timeline", Permission, vec![("attempt_id", "0")]),
        ("/api/proctor/violation", Permission, vec![("violation_id", "0"), ("decision", "dismiss"), ("comment", "x")]),
        ("/api/proctor/verdict", Permission, vec![("attempt_id", "0"), ("verdict", "annulled"), ("comment", "x")]),
        ("/api/proctor/appeal", Permission, vec![("attempt_id", "0"), ("text", "Hacked")]),
        ("/api/proctor/appeal/decide", Permission, vec![("attempt_id", "0"), ("decision", "upheld"), ("comment", "x")]),
        ("/api/proctor/appeal/reopen", Permission, vec![("attempt_id", "0"), ("decision", "upheld"), ("comment", "x")]),
        ("/api/olympiad/operator", Permission, vec![]),
        ("/api/olympiad/directory/import", Permission, vec![]),
        (
            "/api/olympiad/campaign/create",
            Permission,
            vec![
                ("title", "Hacked"),
                ("teacher_reg_opens", "2027-01-01T09:00"),
                ("teacher_reg_closes", "2027-01-10T09:00"),
                ("participant_reg_opens", "2027-01-02T09:00"),
                ("participant_reg_closes", "2027-01-20T09:00"),
                ("results_at", "2027-02-01T09:00"),
                ("applications_opens", "2027-02-02T09:00"),
                ("applications_closes", "2027-02-10T09:00"),
                ("grade_min", "5"),
                ("grade_max", "9"),
                ("subjects", "Hacked"),
            ],
        ),
        (
            "/api/olympiad/campaign/window",
            Permission,
            vec![("campaign_id", "0"), ("region_id", "1"), ("opens_at", "2027-01-21T09:00"), ("closes_at", "2027-01-22T09:00")],
        ),
        ("/api/olympiad/registration/open", Public, vec![]),
        ("/api/olympiad/schools", Public, vec![("campaign_id", "0"), ("query", "school")]),
        (
            "/api/olympiad/teacher/register",
            Public,
            vec![("campaign_id", "0"), ("iin", ""), ("full_name", ""), ("phone", ""), ("email", ""), ("school_id", ""), ("password", "")],
        ),
        ("/api/olympiad/teacher/confirm", Public, vec![("iin", ""), ("code", "")]),
        ("/api/olympiad/teacher/join", SignedIn, vec![("campaign_id", "0"), ("school_id", "")]),
        ("/api/olympiad/teacher/campaigns", Permission, vec![]),
        (
            "/api/olympiad/participant/add",
            Permission,
            vec![
                ("campaign_id", "0"),
                ("iin", "060315600303"),
                ("full_name", "Hacked"),
                ("grade", "5"),
                ("language", "kk"),
                ("consent", "on"),
            ],
        ),
        ("/api/olympiad/participant/import", Permission, vec![("campaign_id", "0")]),
        ("/api/olympiad/results/standing", Permission, vec![("campaign_id", "0")]),
        ("/api/olympiad/results/import", Permission, vec![("campaign_id", "0"), ("dry_run", "false")]),
        ("/api/olympiad/winners/compute", Permission, vec![("campaign_id", "0"), ("rule", "quota"), ("value", "3")]),
        ("/api/olympiad/results/publish", Permission, vec![("campaign_id", "0")]),
        ("/api/olympiad/certificates/issue", Permission, vec![("campaign_id", "0")]),
        ("/api/olympiad/winners", Public, vec![("query", "")]),
        ("/api/olympiad/certificate/verify", Public, vec![("number", "2027-000001-AAAAAA")]),
        ("/api/olympiad/certificates/mine", SignedIn, vec![]),
        ("/api/olympiad/stage", Permission, vec![("campaign_id", "0")]),
        ("/api/olympiad/stage/prepare", Permission, vec![("campaign_id", "0"), ("questions", "5"), ("duration_min", "30")]),
        ("/api/olympiad/stage/close", Permission, vec![("campaign_id", "0"), ("region_id", "all")]),
        ("/api/olympiad/statistics", Permission, vec![("campaign_id", "0"), ("level", "region"), ("region_id", "0"), ("subject", "")]),
        ("/api/olympiad/people", Permission, vec![("campaign_id", "0"), ("query", "Әлия")]),
        ("/api/olympiad/people/correct", Permission, vec![("campaign_id", "0"), ("user_id", "1"), ("full_name", "X")]),
        ("/api/olympiad/placement", Permission, vec![("campaign_id", "0")]),
        ("/api/olympiad/placement/school", Permission, vec![("campaign_id", "0"), ("code", "X"), ("seats", "5")]),
        ("/api/olympiad/placement/run", Permission, vec![("campaign_id", "0")]),
        ("/api/olympiad/applications/mine", SignedIn, vec![]),
        ("/api/olympiad/applications/send", Permission, vec![("campaign_id", "0"), ("choice1", "1"), ("choice2", ""), ("choice3", "")]),
        ("/api/olympiad/applications/file", Permission, vec![("campaign_id", "0")]),
        ("/api/olympiad/applicants", Permission, vec![]),
        (
            "/api/olympiad/join",
            Public,
            vec![
                ("code", "AAAA-AAAA"),
                ("iin", ""),
                ("full_name", ""),
                ("grade", ""),
                ("language", "kk"),
                ("password", ""),
                ("given_by", "person"),
                ("guardian_name", ""),
            ],
        ),
        ("/api/olympiad/placement/lookup", Public, vec![("iin", "060315600303"), ("number", "2027-000001-234567")]),
        ("/api/olympiad/first-sign-in", Public, vec![("login", "060315600303"), ("code", "000000"), ("new_password", "x")]),
    ]
}

/// Server functions that take JSON (their arguments include lists).
const JSON_ENDPOINTS: &[&str] = &["/api/exam/grade", "/api/exam/offline/save", "/api/services/take"];

backends!(every_server_function_checks_its_caller);

async fn every_server_function_checks_its_caller(b: Backend) {
    let app = spawn_app(b).await;
    let table = table();
    let mut registered: Vec<&str> = server_fn::axum::server_fn_paths().map(|(p, _)| p).collect();
    registered.sort_unstable();
    let mut listed: Vec<&str> = table.iter().map(|t| t.0).collect();
    listed.sort_unstable();
    assert_eq!(registered, listed, "server functions and this test's table differ: add the new function here with who may call it");
    // The same list the server's guard lets through unauthenticated.
    let mut public: Vec<&str> = table.iter().filter(|t| t.1 == Access::Public).map(|t| t.0).collect();
    public.sort_unstable();
    let mut guard_public = app::auth::PUBLIC_ENDPOINTS.to_vec();
    guard_public.sort_unstable();
    assert_eq!(public, guard_public);

    // A target that a permission holder could act on, so a missing check would show.
    let victim = app.make_user("victim", "victim-pass-123", Some((app::auth::model::Role::Teacher, 1))).await;
    let grant: i64 =
        sqlx::query_scalar("SELECT id FROM role_assignments WHERE user_id = $1").bind(victim).fetch_one(&app.db.pool).await.unwrap();
    // A journal of the victim's, with a lesson, a topic and a student, for the journal calls.
    let group = app.make_org(1, "group", "G-1").await;
    let pupil = app.make_user("pupil", "pupil-pass-123", Some((app::auth::model::Role::Student, group))).await;
    let journal: i64 = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
         VALUES ($1, 'S', $2, '2026-09-01', '2026-12-31', 'five', 'T', $2, 0) RETURNING id",
    )
    .bind(group)
    .bind(victim)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let lesson: i64 = sqlx::query_scalar(
        "INSERT INTO lessons (journal_id, lesson_date, pair, half_hours, lesson_type, created_at) VALUES ($1, '2026-09-02', 1, 4, 'theory', 0) RETURNING id",
    )
    .bind(journal)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let topic: i64 = sqlx::query_scalar(
        "INSERT INTO ktp_topics (journal_id, position, title, half_hours, lesson_type) VALUES ($1, 1, 'T', 4, 'theory') RETURNING id",
    )
    .bind(journal)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let assignment: i64 = sqlx::query_scalar(
        "INSERT INTO assignments (journal_id, lesson_id, title, due_date, created_at) VALUES ($1, $2, 'A', '2026-10-01', 0) RETURNING id",
    )
    .bind(journal)
    .bind(lesson)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO submissions (assignment_id, student_id, status, updated_at) VALUES ($1, $2, 'submitted', 0)")
        .bind(assignment)
        .bind(pupil)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let certificate: i64 = sqlx::query_scalar(
        "INSERT INTO certificates (student_id, group_id, purpose, status, requested_at) VALUES ($1, $2, 'P', 'requested', 0) RETURNING id",
    )
    .bind(pupil)
    .bind(group)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let exam: i64 = sqlx::query_scalar(
        "INSERT INTO exams (journal_id, title, form, opens_at, closes_at, duration_min, created_by, created_at)
         VALUES ($1, 'E', 'test', 0, 9999999999999, 60, 1, 0) RETURNING id",
    )
    .bind(journal)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let attempt: i64 = sqlx::query_scalar(
        "INSERT INTO exam_attempts (exam_id, student_id, started_at, deadline_at, submitted_at, questions, verdict, last_seen_at)
         VALUES ($1, $2, 0, 9999999999999, 1, '[]', 'valid', 0) RETURNING id",
    )
    .bind(exam)
    .bind(pupil)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let violation: i64 = sqlx::query_scalar(
        "INSERT INTO proctor_violations (attempt_id, kind, at, confidence) VALUES ($1, 'tab_hidden', 1, 90) RETURNING id",
    )
    .bind(attempt)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let sitting: i64 = sqlx::query_scalar(
        "INSERT INTO exam_sittings (exam_id, room, seats, starts_at, ends_at) VALUES ($1, '204', 10, 0, 1) RETURNING id",
    )
    .bind(exam)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let nobody = app.make_user("plain.user", "plain-pass-123", None).await;
    assert!(nobody > 0);
    let signed_in = app.signed_in("plain.user", "plain-pass-123").await;
    let audit_before = app.count("SELECT COUNT(*) FROM audit_log").await;

    for (path, access, args) in &table {
        let args: Vec<(&str, String)> = args
            .iter()
            .map(|(k, v)| {
                let v = match (*path, *k) {
                    (_, "user_id") => victim.to_string(),
                    (_, "grant_id") => grant.to_string(),
                    (_, "journal_id") => journal.to_string(),
                    (_, "lesson_id") => lesson.to_string(),
                    (_, "topic_id") => topic.to_string(),
                    (_, "assignment_id") => assignment.to_string(),
                    (_, "exam_id") => exam.to_string(),
                    (_, "attempt_id") => attempt.to_string(),
                    (_, "violation_id") => violation.to_string(),
                    (_, "sitting_id") => sitting.to_string(),
                    ("/api/certificate/decide", "id") => certificate.to_string(),
                    (_, "student_id") => pupil.to_string(),
                    (_, "group_id") => group.to_string(),
                    _ => v.to_string(),
                };
                (*k, v)
            })
            .collect();
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        // File uploads are multipart forms; everything else is url-encoded.
        let call = |client: reqwest::Client| {
            let form = form.clone();
            let app = &app;
            async move {
                if JSON_ENDPOINTS.contains(path) {
                    // Ids as numbers, lists as JSON, the rest as strings.
                    let body: serde_json::Map<String, serde_json::Value> = form
                        .iter()
                        .map(|(k, v)| {
                            let value = if k.ends_with("_id") || v.starts_with('[') {
                                serde_json::from_str(v).unwrap()
                            } else {
                                serde_json::Value::String(v.to_string())
                            };
                            (k.to_string(), value)
                        })
                        .collect();
                    app.call_json(&client, path, &serde_json::Value::Object(body)).await
                } else if path.ends_with("/import")
                    || path.ends_with("/submit")
                    || path.ends_with("/excuse")
                    || path.ends_with("/file")
                    || path.ends_with("/picture")
                {
                    let mut mp = reqwest::multipart::Form::new();
                    for (k, v) in &form {
                        mp = mp.text(k.to_string(), v.to_string());
                    }
                    mp = mp.part("file", reqwest::multipart::Part::bytes(b"a;b;2\n".to_vec()).file_name("plan.csv"));
                    app.multipart(&client, path, mp).await
                } else {
                    app.call(&client, path, &form).await
                }
            }
        };
        let anon = call(app.client()).await;
        match access {
            Access::Public => assert_ne!(anon.status, StatusCode::UNAUTHORIZED, "{path} is public"),
            _ => assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{path} must refuse anonymous callers: {}", anon.body),
        }
        if *access == Access::Permission {
            let r = call(signed_in.clone()).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path} must refuse a user without the role: {}", r.body);
        }
    }
    // Nothing the refused calls asked for happened.
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE login = 'hacker'").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM role_assignments").await, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE active = 1").await, 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM journals WHERE title = 'T' AND syllabus = ''").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM lessons").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM ktp_topics WHERE title = 'T'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM journal_cells").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM assignments").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM certificates WHERE status = 'requested'").await, 1, "no certificate issued or requested");
    assert_eq!(app.count("SELECT COUNT(*) FROM submissions WHERE status = 'submitted' AND answer = ''").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM exams").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM exam_attempts WHERE verdict = 'valid'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM exam_questions").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_violations WHERE status = 'open'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_appeals").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_campaigns").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_teachers").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_participants").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_results").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_winner_rules").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM olympiad_certificates").await, 0);
    let audit_after = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(audit_after, audit_before, "refused calls write no audit rows");

    // The plain routes (downloads, files, the proctoring uploads), each with a real target of
    // the victim's or the pupil's, so a missing check would serve it.
    let exec = |sql: String| {
        let app = &app;
        async move { sqlx::query(&sql).execute(&app.db.pool).await.unwrap() }
    };
    let question: i64 = sqlx::query_scalar(
        "INSERT INTO exam_questions (owner_id, subject, topic, kind, body, created_at) VALUES ($1, 'S', 'T', 'single', '{}', 0) RETURNING id",
    )
    .bind(victim)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let evidence: i64 = sqlx::query_scalar(
        "INSERT INTO proctor_evidence (attempt_id, kind, idem_key, media_key, content_type, bytes, width, height, captured_at, received_at)
         VALUES ($1, 'webcam', 'k-0123456789abcdef', 'proctor/x.jpg', 'image/jpeg', 10, 1, 1, 0, 0) RETURNING id",
    )
    .bind(attempt)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    exec(format!(
        "INSERT INTO exam_files (attempt_id, file_name, media_key, bytes, uploaded_at) VALUES ({attempt}, 'plan.pdf', 'f/plan.pdf', 1, 0)"
    ))
    .await;
    exec(format!(
        "INSERT INTO journal_cells (lesson_id, student_id, attendance, excuse_media, updated_by, updated_at) VALUES ({lesson}, {pupil}, 'excused', 'excuses/note.pdf', {victim}, 0)"
    ))
    .await;
    let issued: i64 = sqlx::query_scalar(
        "INSERT INTO certificates (student_id, group_id, purpose, status, number, verify_code, requested_at, issued_at, issued_by)
         VALUES ($1, $2, 'P', 'issued', 'C-1', 'V-1', 0, 0, $3) RETURNING id",
    )
    .bind(pupil)
    .bind(group)
    .bind(victim)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let campaign: i64 = sqlx::query_scalar(
        "INSERT INTO olympiad_campaigns (title, teacher_reg_opens, teacher_reg_closes, participant_reg_opens, participant_reg_closes,
            results_at, applications_opens, applications_closes, grade_min, grade_max, created_by, created_at)
         VALUES ('O', 0, 0, 0, 0, 0, 0, 0, 5, 9, $1, 0) RETURNING id",
    )
    .bind(victim)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let participant: i64 = sqlx::query_scalar(
        "INSERT INTO olympiad_participants (campaign_id, user_id, school_id, registered_by, grade, language, created_at)
         VALUES ($1, $2, $3, $4, 7, 'kk', 0) RETURNING id",
    )
    .bind(campaign)
    .bind(pupil)
    .bind(group)
    .bind(victim)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let application: i64 =
        sqlx::query_scalar("INSERT INTO olympiad_applications (campaign_id, participant_id, submitted_at) VALUES ($1, $2, 0) RETURNING id")
            .bind(campaign)
            .bind(participant)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    exec(format!(
        "INSERT INTO olympiad_application_files (application_id, file_name, media_key, bytes, uploaded_at) VALUES ({application}, 'merit.pdf', 'a/merit.pdf', 1, 0)"
    ))
    .await;

    use reqwest::Method;
    let plain: Vec<(Method, &str, Access, String)> = {
        use Access::*;
        vec![
            (Method::GET, "/export/journal/{file}", Permission, format!("/export/journal/{journal}.xlsx")),
            (Method::GET, "/export/report/{file}", Permission, "/export/report/performance.xlsx?from=2026-09-01&to=2026-12-31".into()),
            (Method::GET, "/export/namebook.xlsx", Permission, "/export/namebook.xlsx".into()),
            (Method::GET, "/export/ktp-template.xlsx", SignedIn, "/export/ktp-template.xlsx".into()),
            (Method::GET, "/export/students-template.xlsx", SignedIn, "/export/students-template.xlsx".into()),
            (Method::GET, "/export/service/{file}", Permission, "/export/service/1.pdf".into()),
            (Method::GET, "/files/service/{id}/{kind}", Permission, "/files/service/1/id_card".into()),
            (Method::GET, "/files/assignment/{assignment}/{student}", Permission, format!("/files/assignment/{assignment}/{pupil}")),
            (Method::GET, "/export/certificate/{file}", Permission, format!("/export/certificate/{issued}.pdf")),
            (Method::GET, "/files/excuse/{lesson}/{student}", Permission, format!("/files/excuse/{lesson}/{pupil}")),
            (Method::GET, "/export/transcript/{file}", Permission, format!("/export/transcript/{pupil}.pdf")),
            (Method::GET, "/export/exam/{file}", Permission, format!("/export/exam/{exam}.xlsx")),
            (Method::GET, "/export/exam-template.xlsx", SignedIn, "/export/exam-template.xlsx".into()),
            (Method::GET, "/export/exam-bank.xml", Permission, "/export/exam-bank.xml?subject=Математика".into()),
            (Method::GET, "/export/exam-bank.xlsx", Permission, "/export/exam-bank.xlsx?subject=Математика".into()),
            (Method::GET, "/export/exam-bank.gift", Permission, "/export/exam-bank.gift?subject=Математика".into()),
            (Method::GET, "/files/exam/{attempt}/{name}", Permission, format!("/files/exam/{attempt}/plan.pdf")),
            (Method::GET, "/files/question/{question}", Permission, format!("/files/question/{question}")),
            (
                Method::GET,
                "/files/attempt/{attempt}/question/{question}",
                Permission,
                format!("/files/attempt/{attempt}/question/{question}"),
            ),
            (Method::POST, "/api/proctor/evidence", Permission, "/api/proctor/evidence".into()),
            (Method::POST, "/api/proctor/events", Permission, "/api/proctor/events".into()),
            // Any signed-in user may try their camera (after consenting to proctoring).
            (Method::POST, "/api/proctor/check", SignedIn, "/api/proctor/check".into()),
            (Method::GET, "/api/proctor/image/{id}", Permission, format!("/api/proctor/image/{evidence}")),
            (Method::GET, "/export/proctor/exam/{file}", Permission, format!("/export/proctor/exam/{exam}.xlsx")),
            (Method::GET, "/export/proctor/attempt/{file}", Permission, format!("/export/proctor/attempt/{attempt}.pdf")),
            (Method::GET, "/export/proctor/organisation.{ext}", Permission, "/export/proctor/organisation.xlsx".into()),
            (Method::POST, "/export/olympiad/cards", Permission, "/export/olympiad/cards".into()),
            (Method::GET, "/export/olympiad/results/{file}", Permission, format!("/export/olympiad/results/{campaign}.xlsx")),
            (Method::GET, "/export/olympiad/certificate/{file}", Permission, "/export/olympiad/certificate/2027-000001-AAAAAA.pdf".into()),
            (
                Method::GET,
                "/export/olympiad/certificate.pdf",
                Permission,
                "/export/olympiad/certificate.pdf?number=2027-000001-AAAAAA".into(),
            ),
            (Method::GET, "/export/olympiad/statistics/{file}", Permission, format!("/export/olympiad/statistics/{campaign}.xlsx")),
            (Method::GET, "/export/olympiad/directory/{file}", Permission, "/export/olympiad/directory/schools.xlsx".into()),
            (
                Method::GET,
                "/files/olympiad/application/{id}/{name}",
                Permission,
                format!("/files/olympiad/application/{application}/merit.pdf"),
            ),
            (Method::GET, "/files/admission/{id}", Permission, "/files/admission/999999".into()),
            (Method::GET, "/export/admission/{id}/{file}", Permission, "/export/admission/999999/receipt-kk.pdf".into()),
        ]
    };
    let mut routed: Vec<(String, &str)> = server::plain_routes().listed().iter().map(|(m, p)| (m.to_string(), *p)).collect();
    routed.sort_unstable();
    let mut listed: Vec<(String, &str)> = plain.iter().map(|(m, p, _, _)| (m.to_string(), *p)).collect();
    listed.sort_unstable();
    assert_eq!(routed, listed, "plain routes and this test's list differ: add the new route here with who may call it");

    let send = |client: reqwest::Client, method: Method, path: String| {
        let app = &app;
        async move {
            let url = format!("{}{path}", app.base);
            let req = match path.as_str() {
                "/api/proctor/evidence" => client
                    .post(url)
                    .header("x-talap-attempt", attempt.to_string())
                    .header("x-talap-kind", "webcam")
                    .header("x-talap-key", "k-fedcba9876543210")
                    .header("x-talap-captured-at", "1")
                    .body(vec![0xFF, 0xD8, 0xFF, 0xD9]),
                "/api/proctor/events" => client.post(url).json(&serde_json::json!({
                    "attempt": attempt,
                    "events": [{ "key": "k-fedcba9876543210", "kind": "tab_hidden", "at": 1 }]
                })),
                "/api/proctor/check" => client.post(url).body(vec![0xFF, 0xD8, 0xFF, 0xD9]),
                "/export/olympiad/cards" => client.post(url).form(&[("campaign_id", campaign.to_string())]),
                _ => client.request(method, url),
            };
            let res = req.send().await.expect("request");
            let status = res.status();
            (status, res.text().await.unwrap_or_default())
        }
    };
    for (method, template, access, path) in &plain {
        let (status, body) = send(app.client(), method.clone(), path.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{template} must refuse anonymous callers: {body}");
        if *access == Access::Permission {
            let (status, body) = send(signed_in.clone(), method.clone(), path.clone()).await;
            assert!(
                status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND,
                "{template} must refuse a user without the role, found {status}: {body}"
            );
        }
    }
    // Refusals speak the caller's language on a download, and the pages' JSON under /api/.
    let (_, body) = send(app.client(), Method::GET, "/export/namebook.xlsx?lang=ru".into()).await;
    assert_eq!(body, app::i18n::Msg::ErrUnauthorized.text(app::i18n::Locale::Ru));
    let (_, body) = send(signed_in.clone(), Method::GET, format!("/api/proctor/image/{evidence}")).await;
    let refusal: app::error::AppError = serde_json::from_str(&body).expect("JSON refusal");
    assert!(matches!(refusal, app::error::AppError::Forbidden | app::error::AppError::NotFound), "{refusal:?}");
    // Nothing the refused uploads carried was stored, and no image or file view was logged.
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_evidence").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_events").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM proctor_device_checks").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit_before, "refused downloads write no audit rows");
}

backends!(administration_stays_inside_the_callers_scope);

/// A school administrator or a director manages the people of their organisation and nobody
/// else: not the installation administrator, not a teacher of another organisation, not
/// someone who works at both. Each refusal leaves the person as they were.
async fn administration_stays_inside_the_callers_scope(b: Backend) {
    use app::auth::model::Role;
    const PW: &str = "correct-horse-42";
    let app = spawn_app(b).await;
    let region = app.make_org(1, "region", "R").await;
    let school_a = app.make_org(region, "school", "A").await;
    let school_b = app.make_org(region, "school", "B").await;
    let root_admin = app.make_user("root.admin", PW, Some((Role::Admin, 1))).await;
    let teacher_a = app.make_user("teacher.a", PW, Some((Role::Teacher, school_a))).await;
    let teacher_b = app.make_user("teacher.b", PW, Some((Role::Teacher, school_b))).await;
    let both = app.make_user("teacher.ab", PW, Some((Role::Teacher, school_a))).await;
    let mut tx = app.db.begin().await.unwrap();
    app::auth::store::grant(&mut tx, both, Role::Teacher, school_b).await.unwrap();
    tx.commit().await.unwrap();
    let applicant = app.make_user("applicant", PW, Some((Role::Applicant, 1))).await;
    let nobody = app.make_user("no.roles", PW, None).await;
    for (id, email) in [(root_admin, "root@talap.kz"), (teacher_b, "b@school.kz"), (both, "ab@school.kz")] {
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2").bind(email).bind(id).execute(&app.db.pool).await.unwrap();
    }
    app.make_user("school.admin.a", PW, Some((Role::SchoolAdmin, school_a))).await;
    app.make_user("director.a", PW, Some((Role::Director, school_a))).await;
    let grant_of = |user: i64, org: i64| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM role_assignments WHERE user_id = $1 AND org_id = $2")
                .bind(user)
                .bind(org)
                .fetch_one(&app.db.pool)
                .await
                .unwrap()
        }
    };
    let both_at_a = grant_of(both, school_a).await;
    let grants_before = app.count("SELECT COUNT(*) FROM role_assignments").await;

    for login in ["school.admin.a", "director.a"] {
        let c = app.signed_in(login, PW).await;
        for (victim, name) in [
            (root_admin, "installation admin"),
            (teacher_b, "other school"),
            (both, "also at another school"),
            (applicant, "root applicant"),
            (nobody, "no grants"),
        ] {
            let id = victim.to_string();
            let r =
                app.call(&c, "/api/admin/role/assign", &[("user_id", &id), ("role", "teacher"), ("org_id", &school_a.to_string())]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{login} assigns a role to the {name}: {}", r.body);
            let r = app.call(&c, "/api/admin/user", &[("user_id", &id)]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{login} reads the {name}: {}", r.body);
            assert!(!r.body.contains('@'), "no contact of the {name} leaks: {}", r.body);
            let r = app.call(&c, "/api/admin/user/active", &[("user_id", &id), ("active", "false")]).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{login} deactivates the {name}: {}", r.body);
        }
        // The grant at the caller's own school does not open the person's other grant.
        let r = app.call(&c, "/api/admin/role/revoke", &[("grant_id", &both_at_a.to_string())]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{login} revokes a grant of someone also at another school");
        // An id that does not exist is refused the same way.
        let r = app.call(&c, "/api/admin/user", &[("user_id", "999999")]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let users = app.call(&c, "/api/admin/users", &[("query", "")]).await.json();
        let mut logins: Vec<&str> = users.as_array().unwrap().iter().map(|u| u["login"].as_str().unwrap()).collect();
        logins.sort_unstable();
        assert_eq!(logins, vec!["director.a", "school.admin.a", "teacher.a"], "{login} lists only people of school A");
        // The people of school A remain the caller's to manage.
        let r = app.call(&c, "/api/admin/user", &[("user_id", &teacher_a.to_string())]).await;
        assert!(r.status.is_success(), "{}", r.body);
        let r = app.call(&c, "/api/admin/user/active", &[("user_id", &teacher_a.to_string()), ("active", "false")]).await;
        assert!(r.status.is_success(), "{}", r.body);
        let r = app.call(&c, "/api/admin/user/active", &[("user_id", &teacher_a.to_string()), ("active", "true")]).await;
        assert!(r.status.is_success(), "{}", r.body);
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM role_assignments").await, grants_before, "no role given or taken");
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE active = 0").await, 0, "nobody deactivated");
    // The installation administrator manages everyone.
    let root = app.signed_in("root.admin", PW).await;
    let r = app.call(&root, "/api/admin/user", &[("user_id", &both.to_string())]).await;
    assert!(r.body.contains("ab@school.kz"), "{}", r.body);
    let users = app.call(&root, "/api/admin/users", &[("query", "")]).await.json();
    assert_eq!(users.as_array().unwrap().len(), 8);
}
