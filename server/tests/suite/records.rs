//! Student records over HTTP, on SQLite and PostgreSQL (issue 20): the import of students and
//! groups is all or nothing and finds everyone again on a second run; a group's profile is
//! edited only by its college's administrators and feeds the report by specialty; a movement
//! recorded on the card moves the membership and writes the history.

use crate::common;

use app::auth::model::Role;
use common::{spawn_app, Backend, TestApp};
use reqwest::StatusCode;

const PW: &str = "records-pass-123";

/// A valid IIN of someone born on `yymmdd` (century digit 5: a boy born in the 2000s), the
/// `n`th such number with a check digit.
fn iin(yymmdd: &str, n: u32) -> String {
    (0..)
        .map(|k: u32| format!("{yymmdd}5{:04}", n * 10 + k))
        .find_map(|first| {
            let digits: Vec<u8> = first.bytes().map(|b| b - b'0').collect();
            let eleven: [u8; 11] = digits.try_into().unwrap();
            app::auth::iin::check_digit(&eleven).map(|c| format!("{first}{c}"))
        })
        .unwrap()
}

/// Two colleges in a region, each with a director; returns (college, other college).
async fn colleges(app: &TestApp) -> (i64, i64) {
    let region = app.make_org(1, "region", "Ақмола облысы").await;
    let college = app.make_org(region, "college", "Көкшетау жоғары колледжі").await;
    let other = app.make_org(region, "college", "Басқа колледж").await;
    app.make_user("director", PW, Some((Role::Director, college))).await;
    app.make_user("stranger", PW, Some((Role::Director, other))).await;
    (college, other)
}

const HEADER: &str = "ЖСН;Аты-жөні;Туған күні;Топ;Мамандық коды;Мамандық;Курс;Оқу нысаны;Оқу тілі;Email;Телефон\n";

async fn import(app: &TestApp, c: &reqwest::Client, college: i64, file: &str, dry_run: bool) -> common::Response {
    let form = reqwest::multipart::Form::new()
        .text("college_id", college.to_string())
        .text("dry_run", if dry_run { "true" } else { "false" })
        .part("file", reqwest::multipart::Part::bytes(file.as_bytes().to_vec()).file_name("students.csv"));
    app.multipart(c, "/api/records/import", form).await
}

/// What an import may have written: groups, accounts with an IIN, student grants, movements,
/// messages, import audit rows.
async fn written(app: &TestApp) -> [i64; 6] {
    [
        app.count("SELECT COUNT(*) FROM organisations WHERE kind = 'group'").await,
        app.count("SELECT COUNT(*) FROM users WHERE iin IS NOT NULL").await,
        app.count("SELECT COUNT(*) FROM role_assignments WHERE role = 'student'").await,
        app.count("SELECT COUNT(*) FROM student_movements").await,
        app.count("SELECT COUNT(*) FROM outbox").await,
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'records.import'").await,
    ]
}

fn good_file() -> String {
    format!(
        "{HEADER}{};Әлия Нұрланқызы;;ИС-21;06130100;Бағдарламалық қамтамасыз ету;2;күндізгі;қазақ;aliya@example.kz;\n\
         {};Ерлан Асқарұлы;;ИС-21;06130100;Бағдарламалық қамтамасыз ету;2;күндізгі;қазақ;;+7 701 000 00 01\n\
         {};Иван Петров;;ПО-11;06130100;Программное обеспечение;1;очная;русский;ivan@example.kz;\n",
        iin("070512", 1),
        iin("070512", 2),
        iin("080101", 3)
    )
}

backends!(
    an_import_with_a_bad_row_writes_nothing_and_names_row_and_column,
    a_good_file_creates_groups_and_students_and_a_second_import_changes_nothing,
    a_group_profile_is_edited_by_its_college_only_and_feeds_the_report,
    a_transfer_moves_the_membership_and_writes_the_history,
    many_writers_at_once_write_each_import_and_movement_once
);

async fn an_import_with_a_bad_row_writes_nothing_and_names_row_and_column(b: Backend) {
    let app = spawn_app(b).await;
    let (college, other) = colleges(&app).await;
    // A teacher of the other college whose login is their IIN: a file must not take it over.
    let teacher_iin = iin("900101", 4);
    app.make_user(&teacher_iin, PW, Some((Role::Teacher, other))).await;
    let director = app.signed_in("director", PW).await;
    let before = written(&app).await;
    let file = format!(
        "{}{};Айгүл;;ИС-21;06130100;Бағдарламалық қамтамасыз ету;2;күндізгі;қазақ;;\n\
         {};Мұғалім;;ИС-21;06130100;Бағдарламалық қамтамасыз ету;2;күндізгі;қазақ;t@example.kz;\n\
         123;Бұзық жол;;ИС-21;06130100;Бағдарламалық қамтамасыз ету;5;күндізгі;қазақ;;\n",
        good_file(),
        iin("070512", 5),
        teacher_iin
    );
    for dry_run in [true, false] {
        let r = import(&app, &director, college, &file, dry_run).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let errors = r.field_errors();
        assert!(errors.contains(&("row.7.iin".into(), "ErrIinLength".into())), "{errors:?}");
        assert!(errors.contains(&("row.7.course".into(), "ErrCourse".into())), "{errors:?}");
        // Only the file's own problems come back while the file is broken.
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(written(&app).await, before);
    }
    // With the file's cells right, what is stored is checked: no contact for a new student, an
    // IIN of someone else's account. Still nothing is written.
    let file = file.lines().take(6).collect::<Vec<_>>().join("\n");
    let r = import(&app, &director, college, &file, false).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.field_errors(),
        vec![("row.5.email".to_string(), "ErrRecNoContact".to_string()), ("row.6.iin".to_string(), "ErrRecIinOutside".to_string())]
    );
    assert_eq!(written(&app).await, before);
}

async fn a_good_file_creates_groups_and_students_and_a_second_import_changes_nothing(b: Backend) {
    let app = spawn_app(b).await;
    let (college, _) = colleges(&app).await;
    let director = app.signed_in("director", PW).await;
    let stranger = app.signed_in("stranger", PW).await;
    let before = written(&app).await;
    // Another college's director cannot import here, not even a preview.
    let r = import(&app, &stranger, college, &good_file(), true).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let preview = import(&app, &director, college, &good_file(), true).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    let p = preview.json();
    assert_eq!((p["dry_run"].as_bool(), p["groups_added"].as_u64(), p["students_added"].as_u64()), (Some(true), Some(2), Some(3)));
    assert_eq!(p["lines"].as_array().unwrap().len(), 3);
    assert_eq!(written(&app).await, before, "a preview writes nothing");

    let applied = import(&app, &director, college, &good_file(), false).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    let after = written(&app).await;
    assert_eq!(after, [before[0] + 2, before[1] + 3, before[2] + 3, before[3] + 3, before[4] + 3, before[5] + 1]);
    // The groups stand under the college with the file's profiles.
    let profiles: Vec<(String, String, i64, String, String)> = sqlx::query_as(
        "SELECT g.name, s.specialty_code, s.course, s.study_form, s.study_language FROM organisations g
         JOIN study_groups s ON s.group_id = g.id WHERE g.parent_id = $1 ORDER BY g.name",
    )
    .bind(college)
    .fetch_all(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(
        profiles,
        vec![
            ("ИС-21".into(), "06130100".into(), 2, "full_time".into(), "kk".into()),
            ("ПО-11".into(), "06130100".into(), 1, "full_time".into(), "ru".into())
        ]
    );
    // A new student's login is the IIN, with no password until the invitation's code sets one.
    let aliya = iin("070512", 1);
    let (login, hash): (String, String) =
        sqlx::query_as("SELECT login, password_hash FROM users WHERE iin = $1").bind(&aliya).fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(login, aliya);
    assert!(hash.starts_with("!invited:"));
    let code = app.code_sent_to("aliya@example.kz").await;
    let r = app.call(&app.client(), "/api/auth/reset/confirm", &[("contact", &aliya), ("code", &code), ("new_password", PW)]).await;
    assert!(r.status.is_success(), "{}", r.body);
    app.signed_in(&aliya, PW).await;

    // The same file again: everyone is found, nothing is written.
    let again = import(&app, &director, college, &good_file(), false).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let a = again.json();
    assert_eq!((a["groups_added"].as_u64(), a["students_added"].as_u64(), a["unchanged"].as_u64()), (Some(0), Some(0), Some(3)));
    assert_eq!(written(&app).await, after);
}

async fn a_group_profile_is_edited_by_its_college_only_and_feeds_the_report(b: Backend) {
    let app = spawn_app(b).await;
    let (college, _) = colleges(&app).await;
    let group = app.make_org(college, "group", "ИС-21").await;
    let teacher = app.make_user("teacher", PW, Some((Role::Teacher, college))).await;
    let student = app.make_user("student.a", PW, Some((Role::Student, group))).await;
    // An attestation day with a mark, so the report has the group to show.
    let journal: i64 = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
         VALUES ($1, 'Деректер қоры', $2, '2026-09-01', '2026-12-31', 'five', 'T', $2, 0) RETURNING id",
    )
    .bind(group)
    .bind(teacher)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    let lesson: i64 = sqlx::query_scalar(
        "INSERT INTO lessons (journal_id, lesson_date, pair, half_hours, lesson_type, created_at)
         VALUES ($1, '2026-10-15', 1, 2, 'attestation', 0) RETURNING id",
    )
    .bind(journal)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO journal_cells (lesson_id, student_id, mark, updated_by, updated_at) VALUES ($1, $2, 5, $3, 0)")
        .bind(lesson)
        .bind(student)
        .bind(teacher)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let gid = group.to_string();
    let profile = |code: &'static str, course: &'static str, form: &'static str| {
        let gid = gid.clone();
        move || {
            vec![
                ("group_id", gid.clone()),
                ("specialty_code", code.to_string()),
                ("specialty_name", "Бағдарламалық қамтамасыз ету".to_string()),
                ("course", course.to_string()),
                ("study_form", form.to_string()),
                ("study_language", "kk".to_string()),
            ]
        }
    };
    let as_form = |v: &[(&'static str, String)]| v.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let send = |c: reqwest::Client, v: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = v.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.call(&c, "/api/admin/group/profile", &form).await
        }
    };
    let good = as_form(&profile("06130100", "2", "full_time")());

    let stranger = app.signed_in("stranger", PW).await;
    assert_eq!(send(stranger.clone(), good.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.call(&stranger, "/api/admin/group", &[("group_id", &gid)]).await.status, StatusCode::FORBIDDEN);
    let student_client = app.signed_in("student.a", PW).await;
    assert_eq!(send(student_client, good.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM study_groups").await, 0);

    let director = app.signed_in("director", PW).await;
    let report = |c: reqwest::Client| {
        let app = &app;
        async move {
            let r = app.call(&c, "/api/journal/report/performance", &[("from", "2026-09-01"), ("to", "2026-12-31")]).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.json()["rows"].as_array().unwrap().iter().map(|row| row["specialty"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    assert!(!report(director.clone()).await.iter().any(|s| s.contains("06130100")));

    let bad = send(director.clone(), as_form(&profile("06-13", "5", "weekend")())).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        bad.field_errors(),
        vec![
            ("specialty_code".to_string(), "ErrSpecialtyCode".to_string()),
            ("course".to_string(), "ErrCourse".to_string()),
            ("study_form".to_string(), "ErrStudyForm".to_string())
        ]
    );
    let r = send(director.clone(), good.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(report(director.clone()).await.contains(&"06130100 Бағдарламалық қамтамасыз ету".to_string()));
    // Saving the same again writes no second audit row; a change is audited with what it replaced.
    assert_eq!(send(director.clone(), good).await.status, StatusCode::OK);
    assert_eq!(send(director.clone(), as_form(&profile("06130100", "3", "evening")())).await.status, StatusCode::OK);
    let audit: Vec<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT before_json, after_json FROM audit_log WHERE action = 'group.profile' ORDER BY id")
            .fetch_all(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0].0, None);
    assert!(
        audit[1].0.as_deref().unwrap().contains("\"course\":2") && audit[1].1.as_deref().unwrap().contains("\"study_form\":\"Evening\"")
    );
    let detail = app.call(&director, "/api/admin/group", &[("group_id", &gid)]).await.json();
    assert_eq!(detail["profile"]["course"].as_i64(), Some(3));
}

async fn a_transfer_moves_the_membership_and_writes_the_history(b: Backend) {
    let app = spawn_app(b).await;
    let (college, other) = colleges(&app).await;
    let director = app.signed_in("director", PW).await;
    let r = import(&app, &director, college, &good_file(), false).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    app.make_org(college, "group", "ИС-22").await;
    let elsewhere = app.make_org(other, "group", "Басқа топ").await;
    let group = |name: &str| {
        let name = name.to_string();
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM organisations WHERE name = $1").bind(name).fetch_one(&app.db.pool).await.unwrap()
        }
    };
    let (is21, is22) = (group("ИС-21").await, group("ИС-22").await);
    let student: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE iin = $1").bind(iin("070512", 2)).fetch_one(&app.db.pool).await.unwrap();
    let sid = student.to_string();
    let movement = |kind: &'static str, to: i64| {
        let (app, director, sid) = (&app, director.clone(), sid.clone());
        async move {
            let to = if to == 0 { String::new() } else { to.to_string() };
            app.call(
                &director,
                "/api/records/movement",
                &[("student_id", &sid), ("kind", kind), ("on_date", "2026-11-02"), ("to_group", &to), ("reason", "Бұйрық № 17")],
            )
            .await
        }
    };
    let memberships = || {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>("SELECT org_id FROM role_assignments WHERE user_id = $1 AND role = 'student' ORDER BY org_id")
                .bind(student)
                .fetch_all(&app.db.pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(memberships().await, vec![is21]);

    // Refused: a group of another college, a movement the standing does not allow, a stranger.
    assert_eq!(movement("transferred", elsewhere).await.field_errors(), vec![("to_group".into(), "ErrRecGroupNotInCollege".into())]);
    assert_eq!(movement("reinstated", is22).await.field_errors(), vec![("kind".into(), "ErrRecMovementNotAllowed".into())]);
    assert_eq!(movement("transferred", 0).await.field_errors(), vec![("to_group".into(), "ErrRequired".into())]);
    let stranger = app.signed_in("stranger", PW).await;
    assert_eq!(app.call(&stranger, "/api/records/student", &[("student_id", &sid)]).await.status, StatusCode::FORBIDDEN);
    let r = app
        .call(
            &stranger,
            "/api/records/movement",
            &[("student_id", &sid), ("kind", "expelled"), ("on_date", "2026-11-02"), ("to_group", ""), ("reason", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(memberships().await, vec![is21]);

    // The transfer moves the membership; sent twice (a retry), it is written once.
    for _ in 0..2 {
        let r = movement("transferred", is22).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(memberships().await, vec![is22]);
    let card = app.call(&director, "/api/records/student", &[("student_id", &sid)]).await;
    assert_eq!(card.status, StatusCode::OK, "{}", card.body);
    let card = card.json();
    assert_eq!(card["group"]["name"].as_str(), Some("ИС-22"));
    assert_eq!(card["standing"].as_str(), Some("Studying"));
    let history: Vec<(String, Option<String>, Option<String>, String)> = card["movements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap().to_string(),
                m["from_group"].as_str().map(str::to_string),
                m["to_group"].as_str().map(str::to_string),
                m["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        history,
        vec![
            ("Enrolled".into(), None, Some("ИС-21".into()), String::new()),
            ("Transferred".into(), Some("ИС-21".into()), Some("ИС-22".into()), "Бұйрық № 17".into())
        ]
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'student.movement'").await, 1);

    // An expulsion ends the membership; the card still opens from the history.
    assert_eq!(movement("expelled", 0).await.status, StatusCode::OK);
    assert!(memberships().await.is_empty());
    let card = app.call(&director, "/api/records/student", &[("student_id", &sid)]).await.json();
    assert_eq!((card["standing"].as_str(), card["group"].is_null()), (Some("Expelled"), true));
}

/// Many writers at once (a double click, a retried request, two tabs): the same file imported
/// six times at once writes its groups, students and enrolments once; the same movement sent
/// six times at once is written once; six movements of six students at once all land.
async fn many_writers_at_once_write_each_import_and_movement_once(b: Backend) {
    let app = spawn_app(b).await;
    let (college, _) = colleges(&app).await;
    let director = app.signed_in("director", PW).await;
    let before = written(&app).await;
    let file = good_file();
    let imports = (0..6).map(|_| import(&app, &director, college, &file, false));
    let results = futures::future::join_all(imports).await;
    for r in &results {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let added: u64 = results.iter().map(|r| r.json()["students_added"].as_u64().unwrap()).sum();
    assert_eq!(added, 3, "one import adds the three students, the others find them");
    let after = written(&app).await;
    // Two groups, three accounts, three memberships, three enrolments, three invitations, and
    // one audit row: the imports that found everything in place wrote nothing.
    assert_eq!(after, [before[0] + 2, before[1] + 3, before[2] + 3, before[3] + 3, before[4] + 3, before[5] + 1]);

    let students: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE iin IS NOT NULL ORDER BY id").fetch_all(&app.db.pool).await.unwrap();
    assert_eq!(students.len(), 3);
    let leave = |student: i64, reason: &'static str| {
        let (app, director) = (&app, director.clone());
        async move {
            let sid = student.to_string();
            app.call(
                &director,
                "/api/records/movement",
                &[("student_id", &sid), ("kind", "academic_leave"), ("on_date", "2026-11-20"), ("to_group", ""), ("reason", reason)],
            )
            .await
        }
    };
    // The same academic leave of one student, six times at once.
    let same = (0..6).map(|_| leave(students[0], "Бұйрық № 21"));
    for r in futures::future::join_all(same).await {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let leaves = "SELECT COUNT(*) FROM student_movements WHERE kind = 'academic_leave'";
    assert_eq!(app.count(leaves).await, 1);
    // Two more students, three requests each, at once: one leave each.
    let others = (0..6).map(|i| leave(students[1 + i % 2], "Бұйрық № 22"));
    for r in futures::future::join_all(others).await {
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    assert_eq!(app.count(leaves).await, 3);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'student.movement'").await, 3);
}
