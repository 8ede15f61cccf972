//! The platform over HTTP, as the pages (or anyone else) call it: accounts, administration,
//! audit, languages, headers. Each test runs on SQLite and on PostgreSQL.

use crate::common;

use app::auth::model::Role;
use common::{spawn_app, spawn_app_with, Backend};
use reqwest::StatusCode;

const PW: &str = "correct-horse-42";

backends!(
    health_and_readiness,
    registration_is_confirmed_by_the_emailed_code_then_signs_in,
    registration_refuses_bad_input_at_each_field,
    a_login_of_twelve_digits_is_an_iin_and_cannot_be_chosen,
    login_refuses_wrong_password_then_rate_limits,
    password_change_needs_current_password,
    password_reset_by_emailed_code,
    admin_builds_the_organisation_tree,
    director_is_scoped_to_own_college,
    deactivated_user_is_signed_out,
    audit_log_filters_and_scope,
    pages_render_in_the_requested_language,
    security_headers_and_cross_site_refusal,
    malformed_requests_get_4xx,
    demo_logins_work,
    https_deployment_marks_cookies_secure,
    a_form_refused_before_hydration_shows_the_form_with_its_messages,
    behind_a_proxy_the_address_it_appended_counts,
    wrong_passwords_slow_the_guesser_and_never_lock_the_owner_out,
    simultaneous_wrong_codes_use_five_tries_at_most,
    changing_contacts_needs_the_password_and_a_code_sent_to_them,
    site_files_come_precompressed_and_hashed_ones_are_kept_a_year,
    a_candidates_pages_load_the_candidates_bundle_and_the_others_the_whole_app,
);

async fn health_and_readiness(b: Backend) {
    let app = spawn_app(b).await;
    let c = app.client();
    let r = app.get(&c, "/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = app.get(&c, "/readyz").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["database"], "ok");
    assert_eq!(r.json()["media"], "ok");
}

/// Registration is confirmed by the code sent to the email (issue 14, item 4): until then the
/// account cannot sign in; with the code it is signed in, an applicant, welcomed and audited.
async fn registration_is_confirmed_by_the_emailed_code_then_signs_in(b: Backend) {
    let app = spawn_app(b).await;
    let c = app.client();
    let r = app
        .call(&c, "/api/auth/register", &[("login", "Aida.S"), ("full_name", "Аида Серік"), ("email", "aida@mail.kz"), ("password", PW)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(app.call(&c, "/api/auth/me", &[]).await.json(), serde_json::Value::Null, "not signed in before the code");
    let r = app.call(&app.client(), "/api/auth/login", &[("login", "aida.s"), ("password", PW)]).await;
    assert!(!r.status.is_success(), "an unconfirmed account cannot sign in");
    let code = app.code_sent_to("aida@mail.kz").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = app.call(&c, "/api/auth/register/confirm", &[("login", "Aida.S"), ("code", wrong)]).await;
    assert_eq!(r.field_errors(), vec![("code".to_string(), "ErrWrongCode".to_string())]);
    let r = app.call(&c, "/api/auth/register/confirm", &[("login", "Aida.S"), ("code", &code)]).await;
    assert!(r.status.is_success() || r.status.is_redirection(), "{} {}", r.status, r.body);
    let cookie = r.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect::<Vec<_>>().join("\n");
    assert!(cookie.contains("talap_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http must not mark cookies Secure");
    let me = app.call(&c, "/api/auth/me", &[]).await.json();
    assert_eq!(me["login"], "aida.s");
    assert_eq!(me["email"], "aida@mail.kz");
    assert_eq!(me["grants"][0]["role"], "Applicant");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.register'").await, 1);
    // The welcome message is in the in-app inbox.
    let inbox = app.call(&c, "/api/inbox/list", &[]).await.json();
    assert_eq!(inbox.as_array().map(|a| a.len()), Some(1));
    // The code does not work twice; the password signs in.
    let r = app.call(&app.client(), "/api/auth/register/confirm", &[("login", "aida.s"), ("code", &code)]).await;
    assert_eq!(r.field_errors(), vec![("code".to_string(), "ErrWrongCode".to_string())]);
    app.signed_in("aida.s", PW).await;
}

async fn registration_refuses_bad_input_at_each_field(b: Backend) {
    let app = spawn_app(b).await;
    let c = app.client();
    let r =
        app.call(&c, "/api/auth/register", &[("login", "x"), ("full_name", " "), ("email", "not-an-email"), ("password", "short")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = r.field_errors();
    for (field, msg) in
        [("login", "ErrLoginFormat"), ("full_name", "ErrRequired"), ("email", "ErrEmailFormat"), ("password", "ErrWeakPassword")]
    {
        assert!(errors.contains(&(field.to_string(), msg.to_string())), "{field}: {errors:?}");
    }
    let long = "я".repeat(201);
    let r = app.call(&c, "/api/auth/register", &[("login", "aida"), ("full_name", &long), ("email", "a@b.kz"), ("password", PW)]).await;
    assert_eq!(r.field_errors(), vec![("full_name".to_string(), "ErrTooLong".to_string())]);
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0, "nothing written for refused input");
    // A taken login is said at its field: the person must choose another.
    app.register(&c, "aida", "A", "a@b.kz").await;
    let c2 = app.client();
    let register = |login: &'static str, email: &'static str| {
        let (app, c2) = (&app, c2.clone());
        async move { app.call(&c2, "/api/auth/register", &[("login", login), ("full_name", "B"), ("email", email), ("password", PW)]).await }
    };
    assert_eq!(register("AIDA", "b@b.kz").await.field_errors(), vec![("login".to_string(), "ErrLoginTaken".to_string())]);
    // An email of another account is not (issue 14, item 4): the answer is the one a new
    // registration gets, nothing is made, and the address's owner is told how to sign in.
    let fresh = register("fresh", "f@b.kz").await;
    let taken = register("other", "A@b.kz").await;
    assert_eq!((taken.status, &taken.body), (fresh.status, &fresh.body));
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE login = 'other'").await, 0);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'a@b.kz' AND body LIKE '%aida%' AND body LIKE '%/forgot%'").await,
        1
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.register'").await, 1);
    // A registration nobody confirms keeps no email from its owner, who registers with it...
    register("squatter", "zarina@b.kz").await;
    app.register(&app.client(), "zarina", "Zarina", "zarina@b.kz").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE login = 'squatter'").await, 0);
    // ...and holds its login only while its code lives.
    assert_eq!(register("fresh", "g@b.kz").await.field_errors(), vec![("login".to_string(), "ErrLoginTaken".to_string())]);
    sqlx::query("UPDATE users SET pending_since = 0 WHERE login = 'fresh'").execute(&app.db.pool).await.unwrap();
    assert!(register("fresh", "g@b.kz").await.status.is_success());
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE login = 'fresh' AND email = 'g@b.kz' AND active = 0").await, 1);
}

/// Issue 14, item 2: twelve digits are an IIN; an applicant cannot take a child's IIN as their
/// login (and later be taken for that child). Any other login with digits is fine.
async fn a_login_of_twelve_digits_is_an_iin_and_cannot_be_chosen(b: Backend) {
    let app = spawn_app(b).await;
    let register = |login: &'static str, email: &'static str| {
        let app = &app;
        async move {
            app.call(
                &app.client(),
                "/api/auth/register",
                &[("login", login), ("full_name", "Аида Серік"), ("email", email), ("password", PW)],
            )
            .await
        }
    };
    for iin in ["060315600303", " 060315600303 "] {
        let r = register(iin, "aida@mail.kz").await;
        assert_eq!(r.field_errors(), vec![("login".to_string(), "ErrLoginIsIin".to_string())], "{iin:?}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0, "nothing written for a refused login");
    let r = register("0603156003031", "aida@mail.kz").await;
    assert!(r.status.is_success() || r.status.is_redirection(), "13 digits are not an IIN: {} {}", r.status, r.body);
    // An administrator creating an account is not the IIN's own registration either.
    app.make_user("admin", PW, Some((app::auth::model::Role::Admin, 1))).await;
    let admin = app.signed_in("admin", PW).await;
    let r = app
        .call(
            &admin,
            "/api/admin/user/create",
            &[
                ("login", "070215600111"),
                ("full_name", "X Y"),
                ("email", ""),
                ("phone", ""),
                ("org_id", "1"),
                ("role", "teacher"),
                ("password", PW),
            ],
        )
        .await;
    assert!(r.field_errors().contains(&("login".to_string(), "ErrLoginIsIin".to_string())), "{} {}", r.status, r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE login = '070215600111'").await, 0);
}

async fn login_refuses_wrong_password_then_rate_limits(b: Backend) {
    let app = spawn_app(b).await;
    app.make_user("erlan", PW, None).await;
    let c = app.client();
    let r = app.call(&c, "/api/auth/login", &[("login", "erlan"), ("password", "wrong-password-1")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["Refused"], "ErrWrongCredentials");
    // An unknown login gets the very same answer.
    let r = app.call(&c, "/api/auth/login", &[("login", "nobody"), ("password", "wrong-password-1")]).await;
    assert_eq!(r.json()["Refused"], "ErrWrongCredentials");
    let r = app.call(&c, "/api/auth/login", &[("login", ""), ("password", "")]).await;
    assert_eq!(r.field_errors().len(), 2);
    for _ in 0..9 {
        app.call(&c, "/api/auth/login", &[("login", "erlan"), ("password", "wrong-password-1")]).await;
    }
    // The 11th attempt in the window is refused even with the right password.
    let r = app.call(&c, "/api/auth/login", &[("login", "erlan"), ("password", PW)]).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);

    // A school's computer room shares one address: sixty pupils signing in one after another
    // (more than the address's limit of attempts) all get in, because only failures count.
    let pupils = app::account::api::LOGIN_LIMIT_PER_ADDRESS + 10;
    for i in 0..pupils {
        app.make_user(&format!("pupil{i}"), PW, None).await;
    }
    for i in 0..pupils {
        let r = app.call(&app.client(), "/api/auth/login", &[("login", &format!("pupil{i}")), ("password", PW)]).await;
        assert!(r.status.is_success() || r.status.is_redirection(), "pupil{i}: {} {}", r.status, r.body);
    }
    // Guessing from that address is still stopped once the failures pass the limit.
    let c = app.client();
    let mut refused = None;
    for i in 0..=app::account::api::LOGIN_LIMIT_PER_ADDRESS {
        let r = app.call(&c, "/api/auth/login", &[("login", &format!("pupil{}", i % pupils)), ("password", "wrong-password-1")]).await;
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(i);
            break;
        }
    }
    assert!(refused.is_some(), "failed guesses from one address were never limited");
}

async fn password_change_needs_current_password(b: Backend) {
    let app = spawn_app(b).await;
    app.make_user("erlan", PW, None).await;
    let c = app.signed_in("erlan", PW).await;
    let other_device = app.signed_in("erlan", PW).await;
    let r = app.call(&c, "/api/auth/password", &[("current", "not-it-123"), ("new_password", "new-password-77")]).await;
    assert_eq!(r.field_errors(), vec![("current".to_string(), "ErrWrongPassword".to_string())]);
    let r = app.call(&c, "/api/auth/password", &[("current", PW), ("new_password", "weak")]).await;
    assert_eq!(r.field_errors(), vec![("new_password".to_string(), "ErrWeakPassword".to_string())]);
    let r = app.call(&c, "/api/auth/password", &[("current", PW), ("new_password", "new-password-77")]).await;
    assert!(r.status.is_success(), "{}", r.body);
    // This session stays, the other device is signed out.
    assert_eq!(app.call(&c, "/api/auth/me", &[]).await.json()["login"], "erlan");
    assert_eq!(app.call(&other_device, "/api/inbox/list", &[]).await.status, StatusCode::UNAUTHORIZED);
    let r = app.call(&app.client(), "/api/auth/login", &[("login", "erlan"), ("password", PW)]).await;
    assert_eq!(r.json()["Refused"], "ErrWrongCredentials");
    app.signed_in("erlan", "new-password-77").await;
}

async fn password_reset_by_emailed_code(b: Backend) {
    let app = spawn_app(b).await;
    let c = app.client();
    app.register(&c, "aida", "A", "aida@mail.kz").await;
    let anon = app.client();
    let emails = app.count("SELECT COUNT(*) FROM outbox WHERE channel = 'email'").await;
    // Unknown accounts get the same answer and nothing is queued.
    let r = app.call(&anon, "/api/auth/reset/request", &[("contact", "ghost@mail.kz"), ("channel", "email")]).await;
    assert!(r.status.is_success());
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE channel = 'email'").await, emails);
    let r = app.call(&anon, "/api/auth/reset/request", &[("contact", "AIDA@mail.kz"), ("channel", "email")]).await;
    assert!(r.status.is_success(), "{}", r.body);
    let code = app.code_sent_to("aida@mail.kz").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    // A weak new password gets the same answer for an account that exists and one that does not.
    let weak = |contact: &'static str| {
        let (app, anon) = (&app, anon.clone());
        async move { app.call(&anon, "/api/auth/reset/confirm", &[("contact", contact), ("code", "123456"), ("new_password", "weak")]).await }
    };
    let (known, unknown) = (weak("aida").await, weak("ghost@mail.kz").await);
    assert_eq!((known.status, known.body), (unknown.status, unknown.body));
    let r = app.call(&anon, "/api/auth/reset/confirm", &[("contact", "aida"), ("code", wrong), ("new_password", "brand-new-pass-9")]).await;
    assert_eq!(r.field_errors(), vec![("code".to_string(), "ErrWrongCode".to_string())]);
    let r = app.call(&anon, "/api/auth/reset/confirm", &[("contact", "aida"), ("code", &code), ("new_password", "brand-new-pass-9")]).await;
    assert!(r.status.is_success(), "{}", r.body);
    // The old sessions are gone and the new password works; the code cannot be used twice.
    assert_eq!(app.call(&c, "/api/inbox/list", &[]).await.status, StatusCode::UNAUTHORIZED);
    app.signed_in("aida", "brand-new-pass-9").await;
    let r = app.call(&anon, "/api/auth/reset/confirm", &[("contact", "aida"), ("code", &code), ("new_password", "another-pass-99")]).await;
    assert_eq!(r.field_errors(), vec![("code".to_string(), "ErrWrongCode".to_string())]);
    // An expired code is refused with its own message.
    app.call(&anon, "/api/auth/reset/request", &[("contact", "aida"), ("channel", "email")]).await;
    sqlx::query("UPDATE verification_codes SET expires_at = 0 WHERE used_at IS NULL").execute(&app.db.pool).await.unwrap();
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE channel = 'email' ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let code2: String = body.split(|c: char| !c.is_ascii_digit()).find(|s| s.len() == 6).unwrap().to_string();
    let r = app.call(&anon, "/api/auth/reset/confirm", &[("contact", "aida"), ("code", &code2), ("new_password", "another-pass-99")]).await;
    assert_eq!(r.field_errors(), vec![("code".to_string(), "ErrExpiredCode".to_string())]);
    // SMS to an account without a phone queues nothing and says nothing different.
    let r = app.call(&anon, "/api/auth/reset/request", &[("contact", "aida"), ("channel", "sms")]).await;
    assert!(r.status.is_success());
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE channel = 'sms'").await, 0);
    // A fourth code within the hour is not sent (codes cannot be used to flood someone), and
    // the answer is the one an unknown contact gets: a refusal would tell the account exists.
    let r = app.call(&anon, "/api/auth/reset/request", &[("contact", "aida"), ("channel", "email")]).await;
    let unknown = app.call(&anon, "/api/auth/reset/request", &[("contact", "ghost@mail.kz"), ("channel", "email")]).await;
    assert_eq!((r.status, r.body), (unknown.status, unknown.body));
    assert!(unknown.status.is_success());
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE channel = 'email'").await, emails + 2);
}

async fn admin_builds_the_organisation_tree(b: Backend) {
    let app = spawn_app(b).await;
    app.make_user("root.admin", PW, Some((Role::Admin, 1))).await;
    let c = app.signed_in("root.admin", PW).await;
    let r = app.call(&c, "/api/admin/org/create", &[("parent_id", "1"), ("kind", "region"), ("name", "Ақмола облысы")]).await;
    assert!(r.status.is_success(), "{}", r.body);
    let region = r.body.trim().parse::<i64>().unwrap();
    let r = app.call(&c, "/api/admin/org/create", &[("parent_id", &region.to_string()), ("kind", "college"), ("name", "Колледж")]).await;
    let college = r.body.trim().parse::<i64>().unwrap();
    let r = app.call(&c, "/api/admin/org/create", &[("parent_id", &college.to_string()), ("kind", "group"), ("name", "ИС-21")]).await;
    assert!(r.status.is_success());
    // Wrong kind for the place, duplicate sibling name, unknown parent, empty and oversized names.
    let r = app.call(&c, "/api/admin/org/create", &[("parent_id", "1"), ("kind", "group"), ("name", "Топ")]).await;
    assert_eq!(r.field_errors(), vec![("kind".to_string(), "ErrOrgKindNotAllowed".to_string())]);
    let r = app.call(&c, "/api/admin/org/create", &[("parent_id", "1"), ("kind", "region"), ("name", "Ақмола облысы")]).await;
    assert_eq!(r.field_errors(), vec![("name".to_string(), "ErrOrgNameTaken".to_string())]);
    let r = app.call(&c, "/api/admin/org/create", &[("parent_id", "999999"), ("kind", "region"), ("name", "X")]).await;
    assert_eq!(r.field_errors(), vec![("parent_id".to_string(), "ErrUnknownOrganisation".to_string())]);
    let long = "ж".repeat(201);
    let r = app.call(&c, "/api/admin/org/create", &[("parent_id", "1"), ("kind", "region"), ("name", &long)]).await;
    assert_eq!(r.field_errors(), vec![("name".to_string(), "ErrTooLong".to_string())]);
    let tree = app.call(&c, "/api/admin/orgs", &[]).await.json();
    let names: Vec<(String, i64)> =
        tree.as_array().unwrap().iter().map(|n| (n["name"].as_str().unwrap().to_string(), n["depth"].as_i64().unwrap())).collect();
    assert_eq!(names, vec![("Talap".into(), 0), ("Ақмола облысы".into(), 1), ("Колледж".into(), 2), ("ИС-21".into(), 3)]);
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 4, "refused requests wrote nothing");
    let after: String = sqlx::query_scalar("SELECT after_json FROM audit_log WHERE action = 'org.create' ORDER BY id LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert!(after.contains("Ақмола облысы") && after.contains("region"), "{after}");
}

async fn director_is_scoped_to_own_college(b: Backend) {
    let app = spawn_app(b).await;
    let region = app.make_org(1, "region", "R").await;
    let college_a = app.make_org(region, "college", "A").await;
    let college_b = app.make_org(region, "college", "B").await;
    app.make_user("dir.a", PW, Some((Role::Director, college_a))).await;
    app.make_user("teacher.a", PW, Some((Role::Teacher, college_a))).await;
    let teacher_b = app.make_user("teacher.b", PW, Some((Role::Teacher, college_b))).await;
    let c = app.signed_in("dir.a", PW).await;
    let users = app.call(&c, "/api/admin/users", &[("query", "")]).await.json();
    let logins: Vec<&str> = users.as_array().unwrap().iter().map(|u| u["login"].as_str().unwrap()).collect();
    assert_eq!(logins, vec!["dir.a", "teacher.a"], "college B is invisible");
    let r = app.call(&c, "/api/admin/user", &[("user_id", &teacher_b.to_string())]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .call(&c, "/api/admin/role/assign", &[("user_id", &teacher_b.to_string()), ("role", "proctor"), ("org_id", &college_b.to_string())])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A director cannot hand out the admin role (more rights than a director has).
    let create = |login: &'static str, org: i64, role: &'static str| {
        let (c, org) = (c.clone(), org.to_string());
        let app = &app;
        async move {
            let form =
                [("login", login), ("full_name", "N"), ("email", ""), ("phone", ""), ("org_id", &org), ("role", role), ("password", PW)];
            app.call(&c, "/api/admin/user/create", &form).await
        }
    };
    let r = create("newbie", college_a, "admin").await;
    assert_eq!(r.field_errors(), vec![("role".to_string(), "ErrRoleAboveYours".to_string())]);
    let r = create("newbie", college_a, "teacher").await;
    assert!(r.status.is_success(), "{}", r.body);
    app.signed_in("newbie", PW).await;
    // Creating someone in college B is refused and writes nothing.
    let r = create("intruder", college_b, "teacher").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE login = 'intruder'").await, 0);
    // A teacher has no administration at all.
    let t = app.signed_in("teacher.a", PW).await;
    assert_eq!(app.call(&t, "/api/admin/users", &[("query", "")]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.call(&t, "/api/admin/orgs", &[]).await.status, StatusCode::FORBIDDEN);
}

async fn deactivated_user_is_signed_out(b: Backend) {
    let app = spawn_app(b).await;
    let college = app.make_org(1, "region", "R").await;
    app.make_user("root.admin", PW, Some((Role::Admin, 1))).await;
    let t = app.make_user("teacher", PW, Some((Role::Teacher, college))).await;
    let admin = app.signed_in("root.admin", PW).await;
    let teacher = app.signed_in("teacher", PW).await;
    let r = app.call(&admin, "/api/admin/user/active", &[("user_id", &t.to_string()), ("active", "false")]).await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_eq!(app.call(&teacher, "/api/inbox/list", &[]).await.status, StatusCode::UNAUTHORIZED);
    let r = app.call(&app.client(), "/api/auth/login", &[("login", "teacher"), ("password", PW)]).await;
    assert_eq!(r.json()["Refused"], "ErrAccountDisabled");
    let me: i64 = sqlx::query_scalar("SELECT id FROM users WHERE login = 'root.admin'").fetch_one(&app.db.pool).await.unwrap();
    let r = app.call(&admin, "/api/admin/user/active", &[("user_id", &me.to_string()), ("active", "false")]).await;
    assert_eq!(r.json()["Refused"], "ErrCannotDeactivateSelf");
    app.call(&admin, "/api/admin/user/active", &[("user_id", &t.to_string()), ("active", "true")]).await;
    app.signed_in("teacher", PW).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('user.deactivate', 'user.activate')").await, 2);
}

async fn audit_log_filters_and_scope(b: Backend) {
    let app = spawn_app(b).await;
    let region = app.make_org(1, "region", "R").await;
    let college_a = app.make_org(region, "college", "A").await;
    let college_b = app.make_org(region, "college", "B").await;
    app.make_user("root.admin", PW, Some((Role::Admin, 1))).await;
    app.make_user("dir.a", PW, Some((Role::Director, college_a))).await;
    let admin = app.signed_in("root.admin", PW).await;
    for (org, name) in [(college_a, "G-A"), (college_b, "G-B")] {
        let r = app.call(&admin, "/api/admin/org/create", &[("parent_id", &org.to_string()), ("kind", "group"), ("name", name)]).await;
        assert!(r.status.is_success());
    }
    let q = |actor: &'static str, action: &'static str| {
        vec![("actor", actor), ("action", action), ("entity", ""), ("from", ""), ("to", ""), ("page", "0")]
    };
    let all = app.call(&admin, "/api/audit/list", &q("", "")).await.json();
    let actions: Vec<&str> = all["rows"].as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"org.create") && actions.contains(&"session.login"), "{actions:?}");
    let creates = app.call(&admin, "/api/audit/list", &q("root.admin", "org.")).await.json();
    assert_eq!(creates["rows"].as_array().unwrap().len(), 2);
    assert_eq!(creates["rows"][0]["actor_login"], "root.admin");
    assert!(creates["rows"][0]["ip"].as_str().unwrap().starts_with("127.0.0.1"));
    // The director of college A sees the group created in A, not the one in B.
    let d = app.signed_in("dir.a", PW).await;
    let scoped = app.call(&d, "/api/audit/list", &q("", "")).await.json();
    let entities: Vec<String> =
        scoped["rows"].as_array().unwrap().iter().map(|r| r["after_json"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(entities.len(), 1, "{entities:?}");
    assert!(entities[0].contains("G-A"));
    let r = app
        .call(
            &admin,
            "/api/audit/list",
            &[("actor", ""), ("action", ""), ("entity", ""), ("from", "2026-02-31"), ("to", ""), ("page", "0")],
        )
        .await;
    assert_eq!(r.field_errors(), vec![("from".to_string(), "ErrBadDate".to_string())]);
    let today_far = app
        .call(
            &admin,
            "/api/audit/list",
            &[("actor", ""), ("action", ""), ("entity", ""), ("from", "2099-01-01"), ("to", ""), ("page", "0")],
        )
        .await
        .json();
    assert_eq!(today_far["rows"].as_array().unwrap().len(), 0);
    // One person's rows: the object "user <id>" (the data controller's question "who saw this
    // person's data"); sign-ins are rows about their user.
    let dir_id = app.count("SELECT id FROM users WHERE login = 'dir.a'").await;
    for entity in [format!("user {dir_id}"), format!("user:{dir_id}")] {
        let one = app
            .call(&admin, "/api/audit/list", &[("actor", ""), ("action", ""), ("entity", &entity), ("from", ""), ("to", ""), ("page", "0")])
            .await
            .json();
        let rows = one["rows"].as_array().unwrap();
        assert!(!rows.is_empty(), "{entity}: {one}");
        assert!(rows.iter().all(|r| r["entity"] == "user" && r["entity_id"] == dir_id.to_string()), "{entity}: {one}");
    }
}

async fn pages_render_in_the_requested_language(b: Backend) {
    let app = spawn_app(b).await;
    let c = app.client();
    let page = |lang: Option<&'static str>, cookie: Option<&'static str>| {
        let mut req = c.get(format!("{}/login", app.base));
        if let Some(l) = lang {
            req = req.header("accept-language", l);
        }
        if let Some(k) = cookie {
            req = req.header("cookie", k);
        }
        req.send()
    };
    let ru = page(Some("ru-RU,ru;q=0.9,en;q=0.8"), None).await.unwrap().text().await.unwrap();
    assert!(ru.contains("lang=\"ru\"") && ru.contains("Вход в систему"), "Russian from Accept-Language");
    let kk = page(None, None).await.unwrap().text().await.unwrap();
    assert!(kk.contains("lang=\"kk\"") && kk.contains("Жүйеге кіру"), "Kazakh by default");
    let en = page(Some("ru"), Some("talap_lang=en")).await.unwrap().text().await.unwrap();
    assert!(en.contains("lang=\"en\"") && en.contains("Sign in"), "the cookie wins over the header");
    // The form is server-rendered (readable without JavaScript).
    assert!(kk.contains("name=\"login\"") && kk.contains("name=\"password\""));
    // The switch sets the cookie and, when signed in, the account's language.
    app.make_user("erlan", PW, None).await;
    let s = app.signed_in("erlan", PW).await;
    let r = app.call(&s, "/api/locale", &[("locale", "ru")]).await;
    assert!(r.headers.get_all("set-cookie").iter().any(|v| v.to_str().unwrap().starts_with("talap_lang=ru")));
    assert_eq!(app.call(&s, "/api/auth/me", &[]).await.json()["locale"], "Ru");
    let r = app.call(&s, "/api/locale", &[("locale", "fr")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Signing in again restores the saved language in the cookie.
    let again = app.client();
    let r = app.call(&again, "/api/auth/login", &[("login", "erlan"), ("password", PW)]).await;
    assert!(r.headers.get_all("set-cookie").iter().any(|v| v.to_str().unwrap().starts_with("talap_lang=ru")));
}

async fn security_headers_and_cross_site_refusal(b: Backend) {
    let app = spawn_app(b).await;
    let c = app.client();
    let r = app.get(&c, "/").await;
    let csp = r.headers.get("content-security-policy").expect("CSP").to_str().unwrap().to_string();
    assert!(csp.contains("default-src 'self'") && csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).and_then(|s| s.split('\'').next()).expect("nonce in CSP");
    // Every inline script carries this response's nonce.
    let inline_scripts = r.body.matches("<script").count();
    let with_nonce = r.body.matches(&format!("nonce=\"{nonce}\"")).count();
    assert!(inline_scripts > 0 && with_nonce >= inline_scripts, "{inline_scripts} scripts, {with_nonce} with nonce");
    assert_eq!(r.headers["x-frame-options"], "DENY");
    assert_eq!(r.headers["x-content-type-options"], "nosniff");
    let again = app.get(&c, "/").await;
    assert_ne!(again.headers["content-security-policy"], r.headers["content-security-policy"], "a new nonce per response");
    // A form posted from another site is refused before it reaches the function.
    app.make_user("erlan", PW, None).await;
    let res = c
        .post(format!("{}/api/auth/login", app.base))
        .header("origin", "https://evil.example")
        .form(&[("login", "erlan"), ("password", PW)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = c
        .post(format!("{}/api/auth/login", app.base))
        .header("sec-fetch-site", "cross-site")
        .form(&[("login", "erlan"), ("password", PW)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM sessions").await, 0);
}

async fn malformed_requests_get_4xx(b: Backend) {
    let app = spawn_app(b).await;
    app.make_user("root.admin", PW, Some((Role::Admin, 1))).await;
    let c = app.signed_in("root.admin", PW).await;
    for (path, form) in [
        ("/api/admin/org/create", vec![("parent_id", "abc"), ("kind", "region"), ("name", "X")]),
        ("/api/admin/org/create", vec![("kind", "region")]),
        ("/api/admin/user/active", vec![("user_id", "1"), ("active", "maybe")]),
        ("/api/auth/login", vec![]),
    ] {
        let r = app.call(&c, path, &form).await;
        assert!(r.status.is_client_error(), "{path} {form:?}: {} {}", r.status, r.body);
        assert!(!r.body.to_lowercase().contains("panic") && !r.body.contains("sqlx"), "{}", r.body);
    }
    let res =
        c.post(format!("{}/api/auth/login", app.base)).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 1);
}

async fn demo_logins_work(b: Backend) {
    let app = spawn_app_with(b, true).await;
    for (login, role) in server::demo::logins() {
        let c = app.signed_in(login, server::demo::DEMO_PASSWORD).await;
        let me = app.call(&c, "/api/auth/me", &[]).await.json();
        assert_eq!(me["login"], login);
        // Applicants (admission) are accounts without a role, as a registered person's is.
        assert_eq!(me["grants"].as_array().unwrap().is_empty(), role == "applicant", "{login}: {me}");
    }
    // The demo exam is open to the group's students and its bank covers the draw (5 questions).
    let student = app.signed_in("student1", server::demo::DEMO_PASSWORD).await;
    let exams = app.call(&student, "/api/exam/overview", &[]).await.json();
    assert_eq!(exams["sitting"].as_array().map(Vec::len), Some(1), "{exams}");
    let exam_id = exams["sitting"][0]["id"].as_i64().unwrap().to_string();
    let r = app.call(&student, "/api/exam/start", &[("exam_id", &exam_id)]).await;
    assert_eq!(r.status, reqwest::StatusCode::OK, "{}", r.body);
    let paper = app.call(&student, "/api/exam/attempt", &[("attempt_id", &r.json().as_i64().unwrap().to_string())]).await.json();
    assert_eq!(paper["questions"].as_array().map(Vec::len), Some(5), "{paper}");
    // The demo pupil is seated for the live olympiad's stage 1 (grade 6, Kazakh): three
    // questions from the operator's bank; and, a winner of the finished campaign, may apply to
    // its specialised school.
    let pupil = app.signed_in("olympiad.pupil", server::demo::DEMO_PASSWORD).await;
    let exams = app.call(&pupil, "/api/exam/overview", &[]).await.json();
    assert_eq!(exams["sitting"].as_array().map(Vec::len), Some(1), "{exams}");
    assert_eq!(exams["sitting"][0]["title"], "«Мың бала» 2027: Математика");
    let exam_id = exams["sitting"][0]["id"].as_i64().unwrap().to_string();
    let r = app.call(&pupil, "/api/exam/start", &[("exam_id", &exam_id)]).await;
    assert_eq!(r.status, reqwest::StatusCode::OK, "{}", r.body);
    let paper = app.call(&pupil, "/api/exam/attempt", &[("attempt_id", &r.json().as_i64().unwrap().to_string())]).await.json();
    assert_eq!(paper["questions"].as_array().map(Vec::len), Some(3), "{paper}");
    let mine = app.call(&pupil, "/api/olympiad/applications/mine", &[]).await.json();
    assert_eq!(mine[0]["schools"].as_array().map(Vec::len), Some(1), "{mine}");
    // Loading twice changes nothing.
    assert!(!server::demo::load_if_empty(&app.db).await.unwrap());
    // Root, the plan's six, and the live stage's group of grade 6 in Kazakh.
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 8);
}

async fn https_deployment_marks_cookies_secure(b: Backend) {
    let app = common::spawn_app_configured(b, |c| c.public_url = "https://talap.example.kz".into()).await;
    app.make_user("erlan", PW, None).await;
    let c = app.client();
    let r = app.call(&c, "/api/auth/login", &[("login", "erlan"), ("password", PW)]).await;
    let cookies: Vec<String> = r.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("talap_session=") && c.contains("; Secure")), "{cookies:?}");
    let page = app.get(&c, "/").await;
    assert_eq!(page.headers["strict-transport-security"], "max-age=31536000");
}

/// A form posted before the page hydrated (or without JavaScript) is answered with a redirect
/// back to the form, which then shows the refusal at its fields, in the page's language: not
/// the raw JSON of the error (issue 14, item 16).
async fn a_form_refused_before_hydration_shows_the_form_with_its_messages(b: Backend) {
    let app = spawn_app(b).await;
    let c = app.client();
    let res = c
        .post(format!("{}/api/auth/register", app.base))
        .header("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
        .header("referer", format!("{}/register", app.base))
        .header("cookie", "talap_lang=en")
        .form(&[("login", ""), ("full_name", "Ерлан"), ("email", "erlan@example.kz"), ("password", PW)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND, "{}", res.text().await.unwrap_or_default());
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.contains("/register"), "{location}");
    let back = if location.starts_with("http") { location.clone() } else { format!("{}{}", app.base, location) };
    let page = c.get(back).header("cookie", "talap_lang=en").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(!html.trim_start().starts_with('{'), "not JSON: {html}");
    assert!(html.contains("id=\"f-login-error\""), "the login field carries its message: {html}");
    assert!(html.contains(app::i18n::Msg::ErrRequired.texts()[2]), "in English");
    assert_eq!(app.count("SELECT COUNT(*) FROM users").await, 0, "nothing written");
}

/// Behind one load balancer (`trusted_proxies = 1`) the client cannot escape the per-address
/// limit by writing a new X-Forwarded-For entry per request: the entry the load balancer
/// appended counts. Without the setting the header counts for nothing.
async fn behind_a_proxy_the_address_it_appended_counts(b: Backend) {
    use server::config::{Cli, Config};
    let from_flag = Config::from_cli(Cli { config: "/nonexistent".into(), trusted_proxies: Some(2), ..Default::default() }).unwrap();
    assert_eq!(from_flag.trusted_proxies, 2);
    let default = Config::from_cli(Cli { config: "/nonexistent".into(), ..Default::default() }).unwrap();
    assert_eq!(default.trusted_proxies, 0, "the header is ignored unless configured");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("talap.toml");
    std::fs::write(&file, "trusted_proxies = 1\n").unwrap();
    assert_eq!(Config::from_cli(Cli { config: file, ..Default::default() }).unwrap().trusted_proxies, 1);

    let app = common::spawn_app_configured(b, |c| c.trusted_proxies = 1).await;
    app.make_user("erlan", PW, None).await;
    // What the load balancer forwards: whatever the client wrote, then the address it saw.
    let via_proxy = |client_wrote: String, seen: &'static str| {
        let app = &app;
        async move {
            let res = app
                .client()
                .post(format!("{}/api/auth/reset/request", app.base))
                .header("accept", "application/json")
                .header("x-forwarded-for", format!("{client_wrote}, {seen}"))
                .form(&[("contact", "nobody-at-all"), ("channel", "email")])
                .send()
                .await
                .unwrap();
            res.status()
        }
    };
    for i in 0..app::account::api::CODE_LIMIT_PER_ADDRESS {
        assert!(via_proxy(format!("10.9.{}.{}", i / 250, i % 250 + 1), "203.0.113.7").await.is_success());
    }
    assert_eq!(via_proxy("10.9.99.99".into(), "203.0.113.7").await, StatusCode::TOO_MANY_REQUESTS, "a new forged entry is no new address");
    assert!(via_proxy("10.9.99.99".into(), "203.0.113.8").await.is_success(), "another client is not limited");
    // The audit log names the address the load balancer saw.
    let c = app.client();
    let r = c
        .post(format!("{}/api/auth/login", app.base))
        .header("x-forwarded-for", "6.6.6.6, 203.0.113.9")
        .form(&[("login", "erlan"), ("password", PW)])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success() || r.status().is_redirection());
    let ip: String = sqlx::query_scalar("SELECT ip FROM audit_log WHERE action = 'session.login'").fetch_one(&app.db.pool).await.unwrap();
    assert_eq!(ip, "203.0.113.9");

    // Without trusted proxies the forged header is ignored: the connection's address counts.
    let direct = spawn_app(b).await;
    direct.make_user("erlan", PW, None).await;
    let r = direct
        .client()
        .post(format!("{}/api/auth/login", direct.base))
        .header("x-forwarded-for", "6.6.6.6")
        .form(&[("login", "erlan"), ("password", PW)])
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success() || r.status().is_redirection());
    let ip: String =
        sqlx::query_scalar("SELECT ip FROM audit_log WHERE action = 'session.login'").fetch_one(&direct.db.pool).await.unwrap();
    assert_eq!(ip, "127.0.0.1");
}

/// Wrong passwords count per account AND address: the guesser's address gets a few free tries,
/// then a wait that doubles with each try, while the owner signs in from their own address.
async fn wrong_passwords_slow_the_guesser_and_never_lock_the_owner_out(b: Backend) {
    use app::account::api::{LOGIN_FIRST_WAIT_MS, LOGIN_FREE_ATTEMPTS};
    let app = common::spawn_app_configured(b, |c| c.trusted_proxies = 1).await;
    app.make_user("erlan", PW, None).await;
    let login_from = |address: &'static str, password: &'static str| {
        let app = &app;
        async move {
            let res = app
                .client()
                .post(format!("{}/api/auth/login", app.base))
                .header("accept", "application/json")
                .header("x-forwarded-for", address)
                .form(&[("login", "erlan"), ("password", password)])
                .send()
                .await
                .unwrap();
            res.status()
        }
    };
    const GUESSER: &str = "203.0.113.5";
    for _ in 0..LOGIN_FREE_ATTEMPTS {
        assert_eq!(login_from(GUESSER, "wrong-password-1").await, StatusCode::UNPROCESSABLE_ENTITY);
    }
    for _ in 0..20 {
        assert_eq!(login_from(GUESSER, "wrong-password-1").await, StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(login_from(GUESSER, PW).await, StatusCode::TOO_MANY_REQUESTS, "not even the right password while the wait runs");
    // The owner, elsewhere, is not locked out by any of that.
    let signed_in = |s: StatusCode| s.is_success() || s.is_redirection();
    assert!(signed_in(login_from("198.51.100.20", PW).await));
    // The wait grows: after the first wait one more try is judged; the next wait is twice as long.
    let wait_passes = |ms: i64| {
        let app = &app;
        async move {
            sqlx::query("UPDATE rate_limits SET window_start = window_start - $1 WHERE bucket = $2")
                .bind(ms)
                .bind(format!("login:acct:erlan:ip:{GUESSER}"))
                .execute(&app.db.pool)
                .await
                .unwrap();
        }
    };
    wait_passes(LOGIN_FIRST_WAIT_MS).await;
    assert_eq!(login_from(GUESSER, "wrong-password-1").await, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(login_from(GUESSER, "wrong-password-1").await, StatusCode::TOO_MANY_REQUESTS);
    wait_passes(LOGIN_FIRST_WAIT_MS).await;
    assert_eq!(login_from(GUESSER, "wrong-password-1").await, StatusCode::TOO_MANY_REQUESTS, "the second wait is longer");
    wait_passes(LOGIN_FIRST_WAIT_MS).await;
    assert_eq!(login_from(GUESSER, "wrong-password-1").await, StatusCode::UNPROCESSABLE_ENTITY);
    wait_passes(4 * LOGIN_FIRST_WAIT_MS).await;
    assert!(signed_in(login_from(GUESSER, PW).await), "the right password after the wait");
    // A success forgets the failures.
    assert_eq!(login_from(GUESSER, "wrong-password-1").await, StatusCode::UNPROCESSABLE_ENTITY);
}

/// Forty simultaneous wrong codes: each check takes one of the code's five tries, so five are
/// judged and the rest are told the code is used up, and so is the right code afterwards.
async fn simultaneous_wrong_codes_use_five_tries_at_most(b: Backend) {
    let app = spawn_app(b).await;
    let user = app.make_user("aida", PW, None).await;
    let mut tx = app.db.begin().await.unwrap();
    let code = app::auth::store::create_code(&mut tx, user, app::auth::store::CodePurpose::PasswordReset, app::auth::store::CODE_TTL_MS)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let mut tasks = Vec::new();
    for _ in 0..40 {
        let (client, url, wrong) = (app.client(), format!("{}/api/auth/reset/confirm", app.base), wrong.clone());
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .header("accept", "application/json")
                .form(&[("contact", "aida"), ("code", wrong.as_str()), ("new_password", "brand-new-pass-9")])
                .send()
                .await
                .unwrap();
            res.text().await.unwrap()
        }));
    }
    let mut judged = 0;
    for t in tasks {
        let body = t.await.unwrap();
        if body.contains("ErrWrongCode") {
            judged += 1;
        } else {
            assert!(body.contains("ErrExpiredCode"), "{body}");
        }
    }
    assert_eq!(judged, app::auth::store::CODE_MAX_ATTEMPTS, "wrong codes judged");
    let r = app
        .call(&app.client(), "/api/auth/reset/confirm", &[("contact", "aida"), ("code", &code), ("new_password", "brand-new-pass-9")])
        .await;
    assert_eq!(r.field_errors(), vec![("code".to_string(), "ErrExpiredCode".to_string())]);
    app.signed_in("aida", PW).await;
}

/// Reset codes go to the profile's email and phone: whoever finds a session left open must not
/// be able to point them elsewhere without the password. The name and language need none. A new
/// contact then counts only once the code sent to it comes back (issue 14, item 4), and the form
/// does not say whether it belongs to someone else: only the person who receives the code learns.
async fn changing_contacts_needs_the_password_and_a_code_sent_to_them(b: Backend) {
    let app = spawn_app(b).await;
    let c = app.client();
    app.register(&c, "aida", "A", "aida@mail.kz").await;
    let save = |email: &'static str, phone: &'static str, password: Option<&'static str>| {
        let (app, c) = (&app, c.clone());
        async move {
            let mut form = vec![("full_name", "Aida B"), ("email", email), ("phone", phone), ("locale", "ru")];
            if let Some(p) = password {
                form.push(("current_password", p));
            }
            app.call(&c, "/api/auth/profile", &form).await
        }
    };
    assert!(save("aida@mail.kz", "", None).await.status.is_success(), "same contacts, new name: no password");
    let pairs = |f: &str, m: &str| vec![(f.to_string(), m.to_string())];
    assert_eq!(save("thief@mail.kz", "", None).await.field_errors(), pairs("current_password", "ErrRequired"));
    assert_eq!(save("thief@mail.kz", "", Some("")).await.field_errors(), pairs("current_password", "ErrRequired"));
    assert_eq!(save("thief@mail.kz", "", Some("not-it-123")).await.field_errors(), pairs("current_password", "ErrWrongPassword"));
    assert_eq!(
        save("aida@mail.kz", "+77011234567", Some("not-it-123")).await.field_errors(),
        pairs("current_password", "ErrWrongPassword")
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE email = 'aida@mail.kz' AND phone IS NULL AND full_name = 'Aida B'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'thief@mail.kz'").await, 0);
    // With the password, the new email and phone wait for their codes; the old email stays.
    assert!(save("aida.b@mail.kz", "+77011234567", Some(PW)).await.status.is_success());
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM users WHERE email = 'aida@mail.kz' AND phone IS NULL
               AND new_email = 'aida.b@mail.kz' AND new_phone = '+77011234567'"
        )
        .await,
        1
    );
    let me = app.call(&c, "/api/auth/me", &[]).await.json();
    assert_eq!((me["new_email"].as_str(), me["new_phone"].as_str()), (Some("aida.b@mail.kz"), Some("+77011234567")));
    let (email_code, sms_code) = (app.code_sent_to("aida.b@mail.kz").await, app.code_sent_to("+77011234567").await);
    let confirm = |channel: &'static str, code: String| {
        let (app, c) = (&app, c.clone());
        async move { app.call(&c, "/api/auth/contact/confirm", &[("channel", channel), ("code", &code)]).await }
    };
    let wrong = if email_code == "000000" { "111111" } else { "000000" };
    assert_eq!(confirm("email", wrong.to_string()).await.field_errors(), pairs("code", "ErrWrongCode"));
    // A code is for its own contact only.
    if sms_code != email_code {
        assert_eq!(confirm("phone", email_code.clone()).await.field_errors(), pairs("code", "ErrWrongCode"));
    }
    assert!(confirm("email", email_code).await.status.is_success());
    assert!(confirm("phone", sms_code).await.status.is_success());
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM users WHERE email = 'aida.b@mail.kz' AND phone = '+77011234567'
               AND new_email IS NULL AND new_phone IS NULL"
        )
        .await,
        1
    );
    // The old address is told where the account's email went.
    assert_eq!(app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'aida@mail.kz' AND body LIKE '%aida.b@mail.kz%'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'user.contact_confirm'").await, 2);
    // Another account's email: the form answers as for any address; the code's receiver (that
    // account's owner) learns it is taken, and the account keeps its own.
    app.make_user("bolat", PW, None).await;
    sqlx::query("UPDATE users SET email = 'bolat@mail.kz' WHERE login = 'bolat'").execute(&app.db.pool).await.unwrap();
    assert!(save("bolat@mail.kz", "+77011234567", Some(PW)).await.status.is_success());
    let code = app.code_sent_to("bolat@mail.kz").await;
    assert_eq!(confirm("email", code).await.field_errors(), pairs("code", "ErrEmailTaken"));
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE login = 'aida' AND email = 'aida.b@mail.kz' AND new_email IS NULL").await, 1);
}

/// Issue 15: the wasm goes out brotli- or gzip-compressed when the build made those files and
/// the browser takes them, with its own type; a name with a content hash is kept a year without
/// asking again, a plain name is asked again each time, and pages are not cached as files.
async fn site_files_come_precompressed_and_hashed_ones_are_kept_a_year(b: Backend) {
    let site = tempfile::tempdir().unwrap();
    let pkg = site.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    let hashed = "talap.Xq3vT0a9bC1dE2fG3hI4jK.wasm";
    std::fs::write(pkg.join(hashed), b"\0asm raw").unwrap();
    std::fs::write(pkg.join(format!("{hashed}.br")), b"brotli bytes").unwrap();
    std::fs::write(pkg.join(format!("{hashed}.gz")), b"gzip bytes").unwrap();
    std::fs::write(pkg.join("talap.css"), b"body{}").unwrap();
    let root = site.path().to_str().unwrap().to_string();
    let app = common::spawn_app_configured(b, move |c| c.site_root = root).await;
    // This reqwest decompresses nothing (no such features): the bytes are those sent.
    let c = reqwest::Client::new();
    let get = |path: String, encoding: &'static str| {
        let (c, base) = (c.clone(), app.base.clone());
        async move { c.get(format!("{base}{path}")).header("accept-encoding", encoding).send().await.unwrap() }
    };
    let r = get(format!("/pkg/{hashed}"), "gzip, deflate, br").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"brotli bytes");
    let r = get(format!("/pkg/{hashed}"), "gzip").await;
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"gzip bytes");
    let r = get(format!("/pkg/{hashed}"), "identity").await;
    assert!(r.headers().get("content-encoding").is_none());
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"\0asm raw");
    let r = get("/pkg/talap.css".into(), "br").await;
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let r = get("/login".into(), "br").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("cache-control").is_none_or(|v| v != "public, max-age=31536000, immutable"));
}

/// Issue 15: where the build made the candidate's bundle, signing in, my exams, the device check,
/// the exam's page and the paper load it (`/candidate/pkg/...`); every other page, and a page
/// that does not exist, loads the whole app (`/pkg/...`). Without it every page is the whole app.
async fn a_candidates_pages_load_the_candidates_bundle_and_the_others_the_whole_app(b: Backend) {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::create_dir_all(site.path().join("candidate/pkg")).unwrap();
    std::fs::write(site.path().join("candidate/pkg/talap.Xq3vT0a9bC1dE2fG3hI4jK.wasm"), b"\0asm candidate").unwrap();
    let root = site.path().to_str().unwrap().to_string();
    let app = common::spawn_app_configured(b, move |c| c.site_root = root).await;
    let c = reqwest::Client::new();
    let scripts = |path: &'static str| {
        let (c, base) = (c.clone(), app.base.clone());
        async move {
            let html = c.get(format!("{base}{path}")).send().await.unwrap().text().await.unwrap();
            let candidate = html.contains(r#"href="/candidate/pkg/talap.js""#) && html.contains(r#"href="/candidate/pkg/talap.wasm""#);
            let whole = html.contains(r#"href="/pkg/talap.js""#);
            assert!(candidate != whole, "{path}: one bundle, not both or none");
            // The stylesheet is the app's own on every page.
            assert!(html.contains(r#"href="/pkg/talap.css""#), "{path}: the stylesheet");
            if candidate {
                "candidate"
            } else {
                "whole"
            }
        }
    };
    for path in ["/", "/login", "/forgot", "/olympiad/first-sign-in", "/exams", "/exams/1/sit", "/exams/attempt/1", "/proctor/check"] {
        assert_eq!(scripts(path).await, "candidate", "{path}");
    }
    for path in [
        "/register",
        "/profile",
        "/journals",
        "/exams/bank",
        "/exams/1/results",
        "/exams/attempt/1/grade",
        "/proctor",
        "/olympiad/operator",
        "/no/such/page",
    ] {
        assert_eq!(scripts(path).await, "whole", "{path}");
    }
    let r = c.get(format!("{}/candidate/pkg/talap.Xq3vT0a9bC1dE2fG3hI4jK.wasm", app.base)).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"\0asm candidate");

    // A site built without the candidate's bundle: the whole app everywhere.
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    let root = site.path().to_str().unwrap().to_string();
    let whole = common::spawn_app_configured(b, move |c| c.site_root = root).await;
    let html = c.get(format!("{}/exams/1/sit", whole.base)).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(r#"href="/pkg/talap.js""#) && !html.contains("candidate/pkg"));
}
