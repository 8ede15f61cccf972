//! The database: one pool over SQLite (the embedded default) or PostgreSQL (scale-out),
//! chosen by the URL. Queries are written once in the subset both understand ($1 placeholders,
//! RETURNING, ON CONFLICT, WITH RECURSIVE) and run through sqlx's `Any` driver. We store only
//! types `Any` decodes on both backends: BIGINT (ids, 0/1 flags, epoch-millisecond times),
//! TEXT and DOUBLE. The few dialect differences live in this module.

pub mod batch;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};
use std::str::FromStr;
use std::sync::Arc;
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
    /// Where write transactions (`begin`) run. On SQLite a pool of one connection: SQLite has
    /// one writer at a time anyway, and writers that queue here are handed the connection the
    /// moment it is free, where writers on many connections wait in SQLite's busy handler,
    /// which sleeps 1, 2, 5 ... up to 100 ms between tries whatever happens meanwhile (measured
    /// in the exam-day bench: 15 000 starts left the machine a quarter idle). Reads never wait
    /// for it (WAL). On PostgreSQL the same pool as `pool`.
    writer: AnyPool,
    /// This database's number in this process (the same URL gets the same number): what the
    /// node-local caches (`Recent`) key on, so a lookup on the hot path allocates nothing.
    key: u32,
    /// SQLite's checkpoints, run beside the writer (`Checkpoints`); stopped when the last
    /// clone of this `Db` goes.
    _checkpoints: Option<Arc<Checkpoints>>,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// How long a write waits for SQLite's one writer connection before it fails (retryably: the
/// browser's queues try again). Longer than the pool's usual 10 s: at a synchronised start the
/// queue of writers is the point, and each of them holds the connection for about a millisecond.
const WRITER_TIMEOUT: Duration = Duration::from_secs(30);

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
        let pool = pool_options(backend)
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options.clone())
            .await?;
        // An in-memory database exists once per connection: it keeps one pool.
        let file = backend == Backend::Sqlite && !url.contains(":memory:");
        let writer = if file {
            writer_options().max_connections(1).acquire_timeout(WRITER_TIMEOUT).connect_with(options).await?
        } else {
            pool.clone()
        };
        let _checkpoints = file.then(|| Arc::new(Checkpoints::start(pool.clone())));
        Ok(Db { pool, backend, writer, key: database_key(url), _checkpoints })
    }

    /// Applies the migrations of this backend (each backend has its own folder with the same
    /// version numbers; CI checks that the lists match).
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        self.migrator().run(&self.pool).await
    }

    /// The newest migration this build knows: a backup taken at a newer schema cannot be
    /// restored by it.
    pub fn latest_migration(&self) -> i64 {
        self.migrator().iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// The newest migration applied to this database; None when it was never migrated.
    pub async fn schema_version(&self) -> Result<Option<i64>, sqlx::Error> {
        let exists = match self.backend {
            Backend::Sqlite => "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            Backend::Postgres => "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
        };
        let n: i64 = sqlx::query(exists).fetch_one(&self.pool).await?.try_get("n")?;
        if n == 0 {
            return Ok(None);
        }
        sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations WHERE success = $1")
            .bind(true)
            .fetch_one(&self.pool)
            .await?
            .try_get("v")
    }

    /// Applies this backend's migrations up to and including `version` (a restore loads a
    /// backup's rows into the schema they were written in, then applies the rest).
    pub async fn migrate_to(&self, version: i64) -> Result<(), sqlx::migrate::MigrateError> {
        use sqlx::migrate::Migrate;
        let mut conn = self.pool.acquire().await?;
        conn.ensure_migrations_table().await?;
        let applied: std::collections::HashSet<i64> = conn.list_applied_migrations().await?.into_iter().map(|m| m.version).collect();
        for m in self.migrator().iter().filter(|m| m.version <= version && !applied.contains(&m.version)) {
            conn.apply(m).await?;
        }
        Ok(())
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Starts a transaction that will write. On SQLite it begins as the writer (`BEGIN
    /// IMMEDIATE`): a deferred transaction that reads first and writes later asks for the write
    /// lock in the middle, and when another connection holds it SQLite answers "database is
    /// locked" at once, without waiting out the busy timeout (it cannot wait: the reader's
    /// snapshot may already be stale). Measured: eight pupil registrations at once failed seven
    /// times with a 500. Taking the lock at BEGIN, on the one writer connection (`writer`), makes
    /// every writer wait its turn in the pool's queue instead. PostgreSQL locks rows, not the
    /// database: a plain BEGIN.
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.writer.begin().await,
        }
    }

    /// Locks one row of `table` until `tx` ends, so that writers deciding on that row's behalf
    /// (booking one college's rooms) go one at a time. On PostgreSQL `SELECT ... FOR UPDATE`,
    /// which SQLite lacks; SQLite needs nothing: its write transactions run one at a time
    /// already (`begin`).
    pub async fn lock_row(&self, tx: &mut sqlx::Transaction<'_, sqlx::Any>, table: &'static str, id: i64) -> Result<(), sqlx::Error> {
        if self.backend == Backend::Postgres {
            sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE")).bind(id).execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// Where a single write statement outside a transaction goes when it runs often (a queue's
    /// claim): on SQLite the one writer connection, so it queues with the transactions.
    pub fn write_pool(&self) -> &AnyPool {
        &self.writer
    }

    /// Each pool's connections now, for `/metrics`: (name, open, idle). On PostgreSQL the
    /// writer is the same pool and is not listed twice.
    pub fn pool_use(&self) -> Vec<(&'static str, u32, usize)> {
        let mut out = vec![("read", self.pool.size(), self.pool.num_idle())];
        if self.backend == Backend::Sqlite && !self.writer.is_closed() && self.writer.size() > 0 {
            out.push(("write", self.writer.size(), self.writer.num_idle()));
        }
        out
    }

    /// This database's number in this process (see the field).
    pub fn key(&self) -> u32 {
        self.key
    }

    /// Is the database answering? Used by /readyz.
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

/// How often SQLite's write-ahead log is copied into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// SQLite's checkpoints, off the writer. By default the connection that commits runs one
/// whenever the log has grown past 1 000 pages, inside that commit, and a checkpoint syncs the
/// database file to disk: with uploads and answers committing in batches, every commit after
/// the first 4 MB of log did, and the writer's queue (answers, uploads, starts, hand-ins)
/// waited behind those syncs. Measured in the exam-day bench (20 000 candidates, SQLite): the
/// answers' p99 jumped from about 50 ms to about 200 ms 30 s into the steady state and stayed
/// there, with the machine a quarter idle. The writer now never checkpoints
/// (`wal_autocheckpoint = 0`); a task does, every second, on a reading connection, in
/// PASSIVE mode: it copies what no reader still needs and waits for nobody, and the writer
/// goes on meanwhile (SQLite's writer and checkpointer locks are separate).
#[derive(Debug)]
struct Checkpoints(tokio::task::AbortHandle);

impl Checkpoints {
    fn start(pool: AnyPool) -> Checkpoints {
        let task = tokio::spawn(async move {
            let mut every = tokio::time::interval(CHECKPOINT_EVERY);
            every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                every.tick().await;
                if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
                    tracing::warn!(error = %e, "SQLite checkpoint failed");
                }
            }
        });
        Checkpoints(task.abort_handle())
    }
}

impl Drop for Checkpoints {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The process-wide number of the database at `url` (see `Db::key`).
fn database_key(url: &str) -> u32 {
    static KEYS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut keys = KEYS.lock().unwrap_or_else(|e| e.into_inner());
    match keys.iter().position(|k| k == url) {
        Some(i) => i as u32,
        None => {
            keys.push(url.to_string());
            (keys.len() - 1) as u32
        }
    }
}

/// The SQLite writer's settings: those of every connection, and no checkpoint at commit
/// (`Checkpoints` runs them).
fn writer_options() -> AnyPoolOptions {
    AnyPoolOptions::new().after_connect(|conn, _| {
        Box::pin(async move {
            for pragma in [
                "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = 5000",
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = NORMAL",
                "PRAGMA wal_autocheckpoint = 0",
            ] {
                conn.execute(pragma).await?;
            }
            Ok(())
        })
    })
}

/// Pool settings both pools share: SQLite gets WAL (readers never wait for the writer), foreign
/// keys on (off by default in SQLite) and a busy timeout (a write outside `begin` queues
/// instead of failing); PostgreSQL plans each statement afresh.
fn pool_options(backend: Backend) -> AnyPoolOptions {
    AnyPoolOptions::new().after_connect(move |conn, _| {
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

/// Rows many requests read at once and that change rarely (an exam and its question bank while
/// its candidates start together, an attempt while its evidence streams in), kept a few seconds
/// on this node. Soft state: another node, or this one after a restart, reads the row again, so
/// what is kept must be something a few seconds' staleness cannot make wrong; each use says why.
pub struct Recent<V> {
    ttl: Duration,
    max: usize,
    map: std::sync::Mutex<std::collections::HashMap<(u32, i64), (std::time::Instant, V)>>,
    /// The loads under way, one per key: callers that miss the same key at the same moment
    /// wait for the first one's load instead of each running it (see `get`).
    loading: std::sync::Mutex<std::collections::HashMap<(u32, i64), std::sync::Arc<tokio::sync::Mutex<()>>>>,
}

impl<V: Clone> Recent<V> {
    pub fn new(ttl: Duration, max: usize) -> Recent<V> {
        Recent { ttl, max, map: Default::default(), loading: Default::default() }
    }

    /// The value kept for `id` in this database, if it is fresh.
    pub fn peek(&self, db: &Db, id: i64) -> Option<V> {
        let key = (db.key(), id);
        let map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&key).filter(|(at, _)| at.elapsed() < self.ttl).map(|(_, v)| v.clone())
    }

    /// Keeps `v` for `id` in this database.
    pub fn put(&self, db: &Db, id: i64, v: V) {
        let key = (db.key(), id);
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= self.max {
            map.retain(|_, (at, _)| at.elapsed() < self.ttl);
            if map.len() >= self.max {
                map.clear();
            }
        }
        map.insert(key, (std::time::Instant::now(), v));
    }

    /// Drops what is kept for `id` in this database (it just changed).
    pub fn forget(&self, db: &Db, id: i64) {
        let key = (db.key(), id);
        self.map.lock().unwrap_or_else(|e| e.into_inner()).remove(&key);
    }

    /// The value kept for `id` in this database, or `load`'s, which is then kept. (One process
    /// may serve more than one database: the tests run a server per backend, whose ids coincide.)
    ///
    /// One load per key at a time: when the value runs out, every request of that moment misses
    /// it together (on exam day, 20 000 candidates' autosaves read one exam's questions: one
    /// run counted 7 791 reads of the same paper where a few would do). The first caller loads;
    /// the others wait for it and take what it kept. A failed load keeps nothing, and the next
    /// waiter tries its own.
    pub async fn get<E, F: std::future::Future<Output = Result<V, E>>>(&self, db: &Db, id: i64, load: impl FnOnce() -> F) -> Result<V, E> {
        if let Some(v) = self.peek(db, id) {
            return Ok(v);
        }
        let key = (db.key(), id);
        let gate = self.loading.lock().unwrap_or_else(|e| e.into_inner()).entry(key).or_default().clone();
        // The turn owns this caller's reference to the gate, so dropping the turn below is
        // dropping the reference, under the map's lock where every reference is also taken.
        let turn = gate.lock_owned().await;
        let result = match self.peek(db, id) {
            Some(v) => Ok(v),
            None => load().await.inspect(|v| self.put(db, id, v.clone())),
        };
        // The last one through removes the gate: once only the map holds it, nobody waits on
        // it. A caller arriving after that finds the value kept, or starts a new gate.
        let mut loading = self.loading.lock().unwrap_or_else(|e| e.into_inner());
        drop(turn);
        if loading.get(&key).is_some_and(|gate| std::sync::Arc::strong_count(gate) == 1) {
            loading.remove(&key);
        }
        drop(loading);
        result
    }
}

impl Recent<()> {
    /// True at most once per `ttl` for `id` in this database: for writes that need not happen
    /// on every request (an attempt's "last seen" time, which the board shows to 10 s).
    pub fn due(&self, db: &Db, id: i64) -> bool {
        // Two requests at the same moment may both be told yes: a second write, no harm.
        if self.peek(db, id).is_some() {
            return false;
        }
        self.put(db, id, ());
        true
    }
}

#[cfg(test)]
mod tests {
    use super::{Db, Recent};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::LazyLock;
    use std::time::Duration;

    /// Many requests missing the same value at once run one load between them; a failed load
    /// keeps nothing and the next caller loads again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn callers_missing_one_value_together_share_its_load() {
        static CACHE: LazyLock<Recent<i64>> = LazyLock::new(|| Recent::new(Duration::from_secs(60), 100));
        static LOADS: AtomicUsize = AtomicUsize::new(0);
        let db = Db::connect("sqlite::memory:", 1).await.expect("in-memory database");
        let mut callers = tokio::task::JoinSet::new();
        for _ in 0..50 {
            let db = db.clone();
            callers.spawn(async move {
                CACHE
                    .get(&db, 7, || async {
                        LOADS.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Ok::<i64, ()>(42)
                    })
                    .await
            });
        }
        while let Some(answer) = callers.join_next().await {
            assert_eq!(answer.expect("caller finished"), Ok(42));
        }
        assert_eq!(LOADS.load(Ordering::SeqCst), 1, "50 callers at once ran more than one load");
        assert!(CACHE.loading.lock().unwrap().is_empty(), "a finished load left its gate behind");

        let failed: Result<i64, &str> = CACHE.get(&db, 8, || async { Err("down") }).await;
        assert_eq!(failed, Err("down"));
        assert_eq!(CACHE.get(&db, 8, || async { Ok::<i64, &str>(9) }).await, Ok(9));
    }
}
