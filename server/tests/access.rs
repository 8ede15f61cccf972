//! Deny by default: every registered server function is called anonymously and as a signed-in
//! user who holds no role. A server function added without an entry below fails this test,
//! so nobody can add one without deciding who may call it.

mod common;

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
        ("/api/auth/register", Public, vec![("login", ""), ("full_name", ""), ("email", ""), ("phone", ""), ("password", "")]),
        ("/api/auth/reset/request", Public, vec![("contact", "nobody"), ("channel", "email")]),
        ("/api/auth/reset/confirm", Public, vec![("contact", "nobody"), ("code", "000000"), ("new_password", "x")]),
        ("/api/locale", Public, vec![("locale", "kk")]),
        ("/api/auth/logout", SignedIn, vec![]),
        ("/api/auth/password", SignedIn, vec![("current", ""), ("new_password", "")]),
        ("/api/auth/profile", SignedIn, vec![("full_name", ""), ("email", ""), ("phone", ""), ("locale", "kk")]),
        ("/api/inbox/list", SignedIn, vec![]),
        ("/api/inbox/read", SignedIn, vec![("id", "999999")]),
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
        ("/api/audit/list", Permission, vec![("actor", ""), ("action", ""), ("entity", ""), ("from", ""), ("to", ""), ("page", "0")]),
    ]
}

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
                    _ => v.to_string(),
                };
                (*k, v)
            })
            .collect();
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let anon = app.call(&app.client(), path, &form).await;
        match access {
            Access::Public => assert_ne!(anon.status, StatusCode::UNAUTHORIZED, "{path} is public"),
            _ => assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{path} must refuse anonymous callers: {}", anon.body),
        }
        if *access == Access::Permission {
            let r = app.call(&signed_in, path, &form).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{path} must refuse a user without the role: {}", r.body);
        }
    }
    // Nothing the refused calls asked for happened.
    assert_eq!(app.count("SELECT COUNT(*) FROM organisations").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE login = 'hacker'").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM role_assignments").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM users WHERE active = 1").await, 2);
    let audit_after = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert_eq!(audit_after, audit_before, "refused calls write no audit rows");
}
