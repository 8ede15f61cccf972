//! The database: one pool over SQLite (the embedded default) or PostgreSQL (scale-out),
//! chosen by the URL. Queries are written once in the subset both understand ($1 placeholders,
//! RETURNING, ON CONFLICT, WITH RECURSIVE) and run through sqlx's `Any` driver. We store only
//! types `Any` decodes on both backends: BIGINT (ids, 0/1 flags, epoch-millisecond times),
//! TEXT and DOUBLE. The few dialect differences live in this module.

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

impl Db {
    /// Opens the pool. SQLite gets WAL (readers never wait for the writer), foreign keys on
    /// (off by default in SQLite) and a busy timeout (writers queue instead of failing).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Db, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(sqlx::Error::Configuration(format!("unsupported database URL scheme: {url}").into()));
        };
        if backend == Backend::Sqlite {
            create_sqlite_parent_dir(url);
        }
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    } else {
                        // sqlx prepares every statement, and after five runs PostgreSQL may keep
                        // one generic plan per connection, costed with the table's size at that
                        // moment. On an exam morning the attempts and evidence tables grow from
                        // (nearly) empty, so that plan is a sequential scan that stays while the
                        // table grows: measured in the exam-day bench, 15 000 starts read 166 M
                        // rows of exam_attempts and the uploads a billion rows of
                        // proctor_evidence, although unique indexes exist. Custom plans are
                        // costed with the table's current size on each run; the planning this
                        // adds was not measured on its own, and the bench's start took no longer
                        // with it (BENCHMARKS.md). Servers older than 12 lack the setting: keep
                        // going with their default.
                        if let Err(e) = conn.execute("SET plan_cache_mode = force_custom_plan").await {
                            tracing::warn!("PostgreSQL: could not set plan_cache_mode ({e}); prepared statements may keep stale plans");
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db { pool, backend })
    }

    /// Applies the migrations of this backend (each backend has its own folder with the same
    /// version numbers; CI checks that the lists match).
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await,
        }
    }

    /// Starts a transaction that will write. On SQLite it begins as the writer (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and writes later asks for the write
    /// lock in the middle, and when another connection holds it SQLite answers "database is
    /// locked" at once, without waiting out the busy timeout (it cannot wait: the reader's
    /// snapshot may already be stale). Measured: eight pupil registrations at once failed seven
    /// times with a 500. Taking the lock at BEGIN makes every writer wait its turn under
    /// `busy_timeout` instead. PostgreSQL locks rows, not the database: a plain BEGIN.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Is the database answering? Used by /readyz.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// `sqlite://data/talap.db?mode=rwc` -> makes sure `data/` exists.
fn create_sqlite_parent_dir(url: &str) {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or("");
    if path.is_empty() || path == ":memory:" {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(parent);
        }
    }
}

/// Is this error a violation of the named unique index/constraint? Both backends name the
/// columns or constraint in the message; we match on the column name we care about.
pub fn is_unique_violation(err: &sqlx::Error, column: &str) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            let unique = db.is_unique_violation() || db.code().map_or(false, |c| c == "2067" || c == "1555" || c == "23505");
            let msg = db.message();
            let constraint = db.constraint().unwrap_or("");
            unique && (msg.contains(column) || constraint.contains(column))
        }
        _ => false,
    }
}
