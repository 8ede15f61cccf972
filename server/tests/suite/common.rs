//! Test harness: a fresh database per test on either backend, and the real server on
//! 127.0.0.1 (port chosen by the OS) driven over HTTP like a browser would.
#![allow(dead_code)]

use app::db::Db;
use reqwest::StatusCode;
use server::config::{Cli, Config};
use std::net::SocketAddr;

/// The password `TestApp::register` registers with.
pub const PASSWORD: &str = "correct-horse-42";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once per backend: `backends!(name_of_async_fn);` defines
/// `name_of_async_fn::sqlite` and `name_of_async_fn::postgres` tests.
#[macro_export]
macro_rules! backends {
    ($($case:ident),* $(,)?) => {$(
        mod $case {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$case($crate::common::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::common::skip_postgres() {
                    return;
                }
                super::$case($crate::common::Backend::Postgres).await
            }
        }
    )*};
}

/// PostgreSQL tests run unless TALAP_SKIP_POSTGRES=1 (set by scripts/test.sh only when no
/// server could be reached, after saying so loudly).
pub fn skip_postgres() -> bool {
    std::env::var("TALAP_SKIP_POSTGRES").is_ok_and(|v| v == "1")
}

fn postgres_admin_url() -> String {
    std::env::var("TALAP_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://talap:talap@127.0.0.1:5432/postgres".into())
}

/// A database that disappears with the test.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let admin = postgres_admin_url();
            // Drop runs outside async; a short-lived runtime on its own thread removes the database.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async move {
                    sqlx::any::install_default_drivers();
                    if let Ok(pool) = sqlx::AnyPool::connect(&admin).await {
                        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&pool).await;
                        pool.close().await;
                    }
                });
            })
            .join();
        }
    }
}

pub async fn fresh_db(backend: Backend) -> TestDb {
    let test_db = empty_db(backend).await;
    test_db.db.migrate().await.expect("migrate");
    test_db
}

/// A database with no tables at all (never migrated): what a restore starts from.
pub async fn empty_db(backend: Backend) -> TestDb {
    match backend {
        Backend::Sqlite => {
            let dir = tempfile::tempdir().expect("temp dir");
            let url = format!("sqlite://{}/talap.db?mode=rwc", dir.path().display());
            let db = Db::connect(&url, 8).await.expect("open sqlite");
            TestDb { db, url, _dir: Some(dir), pg_name: None }
        }
        Backend::Postgres => {
            sqlx::any::install_default_drivers();
            let admin_url = postgres_admin_url();
            let admin = sqlx::AnyPool::connect(&admin_url).await.unwrap_or_else(|e| {
                panic!(
                    "\n\n*** PostgreSQL is not reachable at {admin_url}: {e}\n*** Start it (scripts/setup.sh does) or set TALAP_SKIP_POSTGRES=1 to skip these tests.\n\n"
                )
            });
            let name = format!("talap_test_{:016x}", rand::random::<u64>());
            sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create test database");
            admin.close().await;
            let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin_url.clone());
            let url = format!("{base}/{name}");
            let db = Db::connect(&url, 8).await.expect("open postgres");
            TestDb { db, url, _dir: None, pg_name: Some(name) }
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub config: Config,
    _db: TestDb,
    _media: tempfile::TempDir,
}

/// Starts the real router (with demo data when asked) on an OS-chosen port.
pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, false).await
}

pub async fn spawn_app_with(backend: Backend, demo: bool) -> TestApp {
    spawn_app_configured(backend, |c| c.demo = demo).await
}

/// Starts the app with a configuration the test adjusts (demo data, public URL, ...).
pub async fn spawn_app_configured(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
    spawn_app_full(backend, adjust, None).await
}

/// The app with its media in the given store (the S3 test) instead of a temporary folder.
#[allow(dead_code)]
pub async fn spawn_app_with_media(backend: Backend, media: app::media::MediaStore) -> TestApp {
    spawn_app_full(backend, |_| {}, Some(media)).await
}

async fn spawn_app_full(backend: Backend, adjust: impl FnOnce(&mut Config), media_store: Option<app::media::MediaStore>) -> TestApp {
    let test_db = fresh_db(backend).await;
    let media = tempfile::tempdir().expect("media dir");
    spawn_app_on(test_db, media, adjust, media_store).await
}

/// The app on a database and media folder the test prepared (a restored backup).
pub async fn spawn_app_on(
    test_db: TestDb,
    media: tempfile::TempDir,
    adjust: impl FnOnce(&mut Config),
    media_store: Option<app::media::MediaStore>,
) -> TestApp {
    let mut config = Config::from_cli(Cli { config: "/nonexistent/talap.toml".into(), ..Default::default() }).expect("config");
    config.database_url = test_db.url.clone();
    config.media_dir = media.path().to_path_buf();
    config.listen = "127.0.0.1:0".parse().unwrap();
    adjust(&mut config);
    if config.demo {
        server::demo::load_if_empty(&test_db.db).await.expect("demo data");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    let media_store = media_store.unwrap_or_else(|| server::media_store(&config).expect("media store"));
    let router = server::router(&config, test_db.db.clone(), media_store);
    tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap();
    });
    TestApp { base: format!("http://{addr}"), db: test_db.db.clone(), config, _db: test_db, _media: media }
}

pub struct Response {
    pub status: StatusCode,
    pub body: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
    /// The field errors of an `AppError::Invalid` answer, as (field, message key) pairs.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        self.json()["Invalid"]
            .as_array()
            .map(|a| {
                a.iter().map(|e| (e["field"].as_str().unwrap_or("").to_string(), e["msg"].as_str().unwrap_or("").to_string())).collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    /// A browser-like client with its own cookie jar that does not follow redirects.
    pub fn client(&self) -> reqwest::Client {
        // A request that hangs fails its test within a minute instead of stalling the whole run.
        // (Page renders used to hang now and then here: another case building its router
        // generated the route list meanwhile, see `route_list` in server/src/lib.rs.)
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(60))
            .build()
            .unwrap()
    }

    /// Calls a server function the way the hydrated page does (form-encoded POST).
    pub async fn call(&self, client: &reqwest::Client, path: &str, form: &[(&str, &str)]) -> Response {
        let res =
            client.post(format!("{}{}", self.base, path)).header("accept", "application/json").form(form).send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        Response { status, body: res.text().await.unwrap_or_default(), headers }
    }

    /// Calls a server function that takes JSON (those whose arguments are lists).
    pub async fn call_json(&self, client: &reqwest::Client, path: &str, body: &serde_json::Value) -> Response {
        let res =
            client.post(format!("{}{}", self.base, path)).header("accept", "application/json").json(body).send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        Response { status, body: res.text().await.unwrap_or_default(), headers }
    }

    /// Posts a multipart form (an upload) as the browser sends it.
    pub async fn multipart(&self, client: &reqwest::Client, path: &str, form: reqwest::multipart::Form) -> Response {
        let res = client.post(format!("{}{}", self.base, path)).multipart(form).send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        Response { status, headers, body: res.text().await.unwrap_or_default() }
    }

    pub async fn get(&self, client: &reqwest::Client, path: &str) -> Response {
        let res = client.get(format!("{}{}", self.base, path)).send().await.expect("request");
        let status = res.status();
        let headers = res.headers().clone();
        Response { status, body: res.text().await.unwrap_or_default(), headers }
    }

    /// A client signed in as `login`.
    pub async fn signed_in(&self, login: &str, password: &str) -> reqwest::Client {
        let client = self.client();
        let r = self.call(&client, "/api/auth/login", &[("login", login), ("password", password)]).await;
        assert!(r.status.is_success() || r.status.is_redirection(), "sign-in as {login} failed: {} {}", r.status, r.body);
        client
    }

    /// The 6-digit code in the newest message sent to `recipient`.
    pub async fn code_sent_to(&self, recipient: &str) -> String {
        let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE recipient = $1 ORDER BY id DESC LIMIT 1")
            .bind(recipient)
            .fetch_one(&self.db.pool)
            .await
            .unwrap_or_else(|e| panic!("no message to {recipient}: {e}"));
        body.split(|c: char| !c.is_ascii_digit()).find(|s| s.len() == 6).unwrap_or_else(|| panic!("no code in {body:?}")).to_string()
    }

    /// Registers through the public form as a person does: the form, then the code from the
    /// email. `client` ends up signed in. Returns the confirmation's answer.
    pub async fn register(&self, client: &reqwest::Client, login: &str, full_name: &str, email: &str) -> Response {
        let r = self
            .call(client, "/api/auth/register", &[("login", login), ("full_name", full_name), ("email", email), ("password", PASSWORD)])
            .await;
        assert!(r.status.is_success(), "registration of {login}: {} {}", r.status, r.body);
        let code = self.code_sent_to(email).await;
        let r = self.call(client, "/api/auth/register/confirm", &[("login", login), ("code", &code)]).await;
        assert!(r.status.is_success() || r.status.is_redirection(), "confirmation of {login}: {} {}", r.status, r.body);
        r
    }

    /// Creates a user directly in the database with a role on an organisation.
    pub async fn make_user(&self, login: &str, password: &str, role: Option<(app::auth::model::Role, i64)>) -> i64 {
        let hash = app::auth::ssr::hash_password(password).await.unwrap();
        let mut tx = self.db.begin().await.unwrap();
        let login = app::auth::model::Login::parse(login).unwrap();
        let id = app::auth::store::insert_user(&mut tx, &login, "Test User", None, None, &hash, app::i18n::Locale::En).await.unwrap();
        if let Some((role, org)) = role {
            app::auth::store::grant(&mut tx, id, role, org).await.unwrap();
        }
        tx.commit().await.unwrap();
        id
    }

    /// Creates an organisation directly in the database.
    pub async fn make_org(&self, parent: i64, kind: &str, name: &str) -> i64 {
        sqlx::query_scalar("INSERT INTO organisations (parent_id, kind, name, created_at) VALUES ($1, $2, $3, 0) RETURNING id")
            .bind(parent)
            .bind(kind)
            .bind(name)
            .fetch_one(&self.db.pool)
            .await
            .unwrap()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(&self.db.pool).await.unwrap()
    }

    /// Opens a journal of "Деректер қоры" for the autumn of 2026 as `teacher` (five-point
    /// scale) through its server function, and returns its id.
    pub async fn open_journal(&self, teacher: &reqwest::Client, group: i64) -> i64 {
        let r = self
            .call(
                teacher,
                "/api/journal/create",
                &[
                    ("group_id", &group.to_string()),
                    ("subject", "Деректер қоры"),
                    ("semester_start", "2026-09-01"),
                    ("semester_end", "2026-10-31"),
                    ("scale", "five"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        r.json().as_i64().unwrap()
    }
}
