//! The Talap server: builds the state from the configuration and serves the Leptos app, the
//! health endpoints and the static site; runs the outbox delivery worker.

pub mod backup;
pub mod config;
pub mod demo;
pub mod metrics;
pub mod notify;
pub mod web;

use app::db::Db;
use app::state::{AppState, Settings};
use app::{candidate_shell, shell, App, CandidateApp};
use axum::routing::get;
use axum::Router;
use config::Config;
use leptos::config::{Env, LeptosOptions};
use leptos::either::Either;
use leptos::prelude::{provide_context, use_context, IntoView};
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::collections::HashSet;
use std::sync::Arc;

/// Opens the database, applies migrations and (if configured) loads the demo data.
pub async fn open_database(config: &Config) -> Result<Db, Box<dyn std::error::Error>> {
    if config.demo {
        // Known passwords never reach a real site's database by accident.
        config.check()?;
    }
    let db = Db::connect(&config.database_url, config.db_max_connections).await?;
    db.migrate().await?;
    if config.demo {
        demo::load_if_empty(&db).await?;
    }
    Ok(db)
}

pub fn leptos_options(config: &Config) -> LeptosOptions {
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("DEV") | Ok("dev") => Env::DEV,
        _ => Env::PROD,
    };
    LeptosOptions::builder()
        .output_name("talap")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .reload_port(3001)
        .env(env)
        .hash_files(hashed_site_files())
        .build()
}

/// Whether the site's wasm, script and stylesheet carry a content hash in their names: the
/// build (`hash-files` in Cargo.toml) then writes their hashes to `hash.txt` beside the server
/// executable, where Leptos reads them. A server built without the site (the tests) has none
/// and names the files plainly.
fn hashed_site_files() -> bool {
    beside_executable("hash.txt")
}

fn beside_executable(file: &str) -> bool {
    std::env::current_exe().ok().and_then(|exe| exe.parent().map(|dir| dir.join(file).is_file())).unwrap_or(false)
}

/// The candidate's bundle (see `app::CandidateApp`): where its files are, and the pages that
/// load it (as axum's route patterns).
struct CandidateBundle {
    options: LeptosOptions,
    pages: HashSet<String>,
}

/// The candidate's bundle, when the build made one (the second project in Cargo.toml): its
/// files are in the site's `candidate/pkg` folder, their hashes in `hash-candidate.txt` beside
/// the executable. Without it (a server built without the site, as in the tests, or a site
/// built for the first project only) every page is the whole app.
fn candidate_bundle(options: &LeptosOptions) -> Option<CandidateBundle> {
    let pkg = "candidate/pkg";
    if !std::path::Path::new(options.site_root.as_ref()).join(pkg).is_dir() {
        return None;
    }
    let hash_file = "hash-candidate.txt";
    let mut bundle = options.clone();
    bundle.site_pkg_dir = pkg.into();
    bundle.hash_file = hash_file.into();
    bundle.hash_files = beside_executable(hash_file);
    let pages = route_lists().candidate.iter().map(|r| r.path().to_string()).collect();
    Some(CandidateBundle { options: bundle, pages })
}

/// The document of a page: a candidate's page with the candidate's bundle where there is one,
/// every other page with the whole app. The page is known by the route axum matched.
fn page(options: &LeptosOptions, candidate: Option<&CandidateBundle>) -> impl IntoView {
    let route = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<axum::extract::MatchedPath>().map(|m| m.as_str().to_string()));
    match (candidate, route) {
        (Some(bundle), Some(route)) if bundle.pages.contains(&route) => {
            Either::Left(candidate_shell(options.clone(), bundle.options.clone()))
        }
        _ => Either::Right(shell(options.clone())),
    }
}

/// The media store the configuration names: S3-compatible storage when a media URL is set,
/// else the local folder.
pub fn media_store(config: &Config) -> Result<app::media::MediaStore, String> {
    match &config.media_url {
        Some(url) => app::media::MediaStore::s3(url),
        None => app::media::MediaStore::local(&config.media_dir),
    }
}

fn settings(config: &Config) -> Settings {
    Settings {
        secure_cookies: config.secure(),
        trusted_proxies: config.trusted_proxies,
        session_hours: config.session_hours,
        public_url: config.public_url.trim_end_matches('/').to_string(),
    }
}

/// The whole HTTP application.
/// The app's routes, generated once per process. Generating them runs the whole app with a
/// process-global "don't load resources" flag set (leptos_server's SuppressResourceLoad), and a
/// resource first polled meanwhile by a render elsewhere in the process waits forever
/// (leptos-rs/leptos#4773). One server builds one router, but the tests build one per case
/// while other cases render pages: an occasional page never finished. Once per process, no
/// render can overlap it (no router exists before the list does).
fn route_lists() -> &'static RouteLists {
    static ROUTES: std::sync::OnceLock<RouteLists> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| RouteLists { all: generate_route_list(App), candidate: generate_route_list(CandidateApp) })
}

struct RouteLists {
    /// Every page (the whole app).
    all: Vec<leptos_axum::AxumRouteListing>,
    /// The candidate's pages (`CandidateApp`), all of which are in `all` too.
    candidate: Vec<leptos_axum::AxumRouteListing>,
}

pub fn router(config: &Config, db: Db, media: app::media::MediaStore) -> Router {
    let leptos_options = leptos_options(config);
    let state = AppState { leptos_options: leptos_options.clone(), db, settings: Arc::new(settings(config)), media };
    let routes = route_lists().all.clone();
    let candidate = candidate_bundle(&leptos_options).map(Arc::new);
    let context_state = state.clone();
    Router::new()
        .route("/healthz", get(web::healthz))
        .route("/readyz", get(web::readyz))
        .route("/metrics", get(metrics::serve))
        .merge(plain_routes().into_router())
        .leptos_routes_with_context(&state, routes, move || provide_context(context_state.clone()), {
            let options = leptos_options.clone();
            move || page(&options, candidate.as_deref())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), web::api_guard))
        .layer(axum::middleware::from_fn(web::same_origin_only))
        .layer(axum::middleware::from_fn_with_state(config.secure(), web::security_headers))
        .layer(axum::middleware::from_fn(web::site_file_caching))
        .layer(axum::Extension(Arc::new(config.metrics.clone())))
        .layer(axum::Extension(Arc::new(volumes(config))))
        .layer(axum::middleware::from_fn(metrics::track))
        .with_state(state)
}

/// Every plain route of the app (downloads, files, the proctoring uploads): axum handlers that
/// take the caller from `app::edge`. The access test calls each one it lists.
pub fn plain_routes() -> app::edge::Routes {
    app::edge::Routes::new()
        .merge(app::journal::export::routes())
        .merge(app::exam::export::routes())
        .merge(app::exam::tickets::routes())
        .merge(app::exam::pictures::routes())
        .merge(app::proctor::ingest::routes())
        .merge(app::proctor_review::report::routes())
        .merge(app::olympiad::registration::cards::routes())
        .merge(app::olympiad::downloads::routes())
        .merge(app::olympiad::placement::applications::routes())
        .merge(app::records::downloads::routes())
        .merge(app::services::downloads::routes())
        .merge(app::admission::downloads::routes())
}

/// The folders whose free space `/metrics` reports: the SQLite file's and the local media's.
fn volumes(config: &Config) -> metrics::Volumes {
    let database = config.database_url.strip_prefix("sqlite:").map(|p| {
        let file = p.trim_start_matches("//").split('?').next().unwrap_or("");
        std::path::Path::new(file).parent().filter(|d| !d.as_os_str().is_empty()).map_or_else(|| ".".into(), |d| d.to_path_buf())
    });
    let media = config.media_url.is_none().then(|| config.media_dir.clone());
    metrics::Volumes { database, media }
}

/// Serves until the process is stopped (Ctrl-C or SIGTERM).
pub async fn serve(config: Config, db: Db) -> Result<(), Box<dyn std::error::Error>> {
    config.check()?;
    let notifier = notify::Notifier::from_config(&config)?;
    notify::spawn_worker(db.clone(), notifier);
    let media = media_store(&config)?;
    tracing::info!(media = %media.describe, "media store");
    spawn_exam_jobs(db.clone(), media.clone(), &config);
    spawn_housekeeping(db.clone(), config.message_retention_days);
    app::proctor::recheck::spawn(db.clone(), media.clone(), config.recheck);
    let app = router(&config, db, media);
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Background jobs of exams, safe on every node at once: attempts whose time is up are scored
/// (every 5 s), missing proctoring evidence of attempts in progress is derived (every 30 s), and
/// proctoring images past their retention are purged (hourly).
fn spawn_exam_jobs(db: Db, media: app::media::MediaStore, config: &Config) {
    let state = AppState { leptos_options: leptos_options(config), db: db.clone(), settings: Arc::new(settings(config)), media };
    tokio::spawn(async move {
        let mut tick: u64 = 0;
        loop {
            let now = app::api::now_ms();
            if let Err(e) = app::exam::store::finalize_expired(&db, now).await {
                tracing::warn!(error = ?e, "closing expired attempts failed");
            }
            // Missing proctoring evidence of attempts in progress, for the board (every 30 s).
            if tick % 6 == 0 {
                if let Err(e) = app::proctor::ingest::derive_missing_live(&db, now).await {
                    tracing::warn!(error = ?e, "deriving missing proctoring evidence failed");
                }
            }
            if tick % 720 == 0 {
                match app::proctor_review::report::purge_expired(&state, now).await {
                    Ok(n) => metrics::purge_ran(now, n),
                    Err(e) => tracing::warn!(error = ?e, "retention purge failed"),
                }
            }
            tick += 1;
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        }
    });
}

/// Retention of data other than proctoring images (issue 21), hourly and safe on every node at
/// once (each row is deleted once, whoever gets to it): expired sessions, codes and rate-limit
/// windows, and messages older than the retention period.
fn spawn_housekeeping(db: Db, message_retention_days: Option<i64>) {
    tokio::spawn(async move {
        loop {
            if let Err(e) = housekeeping(&db, app::api::now_ms(), message_retention_days).await {
                tracing::warn!(error = ?e, "retention of sessions, codes and messages failed");
            }
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
        }
    });
}

/// One run of the retention above; what it deleted goes to the log and to `/metrics`.
pub async fn housekeeping(db: &Db, now: i64, message_retention_days: Option<i64>) -> Result<(), app::error::AppError> {
    let expired = app::auth::store::purge_expired(db, now).await?;
    let (outbox, inbox) = match message_retention_days {
        Some(days) => app::notify::outbox::purge_delivered(db, now - days * 86_400_000).await?,
        None => (0, 0),
    };
    let counts = [
        ("sessions", expired.sessions),
        ("codes", expired.codes),
        ("rate_limits", expired.rate_limits),
        ("outbox", outbox),
        ("inbox", inbox),
    ];
    for (kind, rows) in counts {
        metrics::retention_deleted(kind, rows);
    }
    if counts.iter().any(|(_, n)| *n > 0) {
        tracing::info!(
            sessions = expired.sessions,
            codes = expired.codes,
            rate_limits = expired.rate_limits,
            outbox,
            inbox,
            "retention: expired rows deleted"
        );
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
