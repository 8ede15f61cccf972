//! Backups, restores and exports of a whole installation: `talap backup|restore|export`.
//!
//! A backup is logical, not a copy of the database's files: every table's rows, read in one
//! read-only transaction (one snapshot: SQLite's WAL and PostgreSQL's repeatable read let the
//! server go on writing meanwhile), plus every object of the media store. The same backup
//! restores on either backend, so it is also how an installation moves from the embedded SQLite
//! to PostgreSQL when it outgrows one node. Native dumps (`VACUUM INTO`, `pg_dump`) would tie a
//! backup to one backend and, for PostgreSQL, to a client binary of the server's version.
//!
//! A backup folder holds many backups and one media folder they share:
//!
//! ```text
//! DIR/talap-20261204T153000Z/manifest.json         what, when, which schema, checksums
//! DIR/talap-20261204T153000Z/tables/NAME.jsonl.gz  a header line of column names, then one
//!                                                  JSON array per row, in key order
//! DIR/talap-20261204T153000Z/media.jsonl.gz        one {"key", "sha256", "size"} per object
//! DIR/media/ab/abcdef...                           objects by content (SHA-256), written once
//! ```
//!
//! Proctoring images never change once stored, so a daily backup copies only the day's new
//! ones; the retention thinning (`retention`) removes backups and then the objects no kept
//! backup refers to. A backup is written under a `.partial` name and renamed when complete, so
//! a half-written one is never taken for a backup.

pub mod export;
pub mod retention;
pub mod tables;

use app::db::{Backend, Db};
use app::media::MediaStore;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use tables::{Error, Table};

/// What the manifest's `format` says; a restore refuses any other.
pub const FORMAT: &str = "talap-backup/1";
/// Objects read from the media store at once (an S3 store answers each in milliseconds).
const MEDIA_PARALLEL: usize = 8;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    /// When the database snapshot was taken (epoch ms, UTC).
    pub created_at_ms: i64,
    pub talap_version: String,
    /// The backend the backup was taken from (it restores on either).
    pub backend: String,
    /// The newest migration applied when it was taken.
    pub schema_version: i64,
    pub tables: Vec<TableEntry>,
    pub media: MediaEntry,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TableEntry {
    pub name: String,
    pub rows: u64,
    /// Relative to the backup's folder.
    pub file: String,
    pub sha256: String,
    pub table: Table,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MediaEntry {
    pub objects: u64,
    pub bytes: u64,
    pub file: String,
    pub sha256: String,
    /// Listed but gone when read (a retention purge between the listing and the read): the
    /// database snapshot may still name them; reported, not an error.
    pub vanished: Vec<String>,
}

/// One object of the media index.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MediaObject {
    pub key: String,
    pub sha256: String,
    pub size: u64,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn io(what: impl std::fmt::Display) -> impl Fn(std::io::Error) -> Error {
    move |e| format!("{what}: {e}")
}

/// "talap-20261204T153000Z" for a time (UTC): names sort by time.
pub fn backup_name(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let secs = ms.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = app::ui::time::civil_from_days(days);
    format!("talap-{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Where an object's content lives in the backup folder.
fn blob_path(dir: &Path, sha: &str) -> PathBuf {
    dir.join("media").join(&sha[..2]).join(sha)
}

/// A gzip file written line by line, with the SHA-256 of what lands on disk.
struct GzLines {
    out: GzEncoder<BufWriter<std::fs::File>>,
    path: PathBuf,
}

impl GzLines {
    fn create(path: PathBuf) -> Result<GzLines, Error> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent.display()))?;
        }
        let f = std::fs::File::create(&path).map_err(io(path.display()))?;
        Ok(GzLines { out: GzEncoder::new(BufWriter::new(f), flate2::Compression::fast()), path })
    }

    fn line(&mut self, value: &impl Serialize) -> Result<(), Error> {
        serde_json::to_writer(&mut self.out, value).map_err(|e| format!("{}: {e}", self.path.display()))?;
        self.out.write_all(b"\n").map_err(io(self.path.display()))
    }

    /// Flushes to disk and returns the file's checksum.
    fn finish(self) -> Result<String, Error> {
        let buf = self.out.finish().map_err(io(self.path.display()))?;
        let f = buf.into_inner().map_err(|e| format!("{}: {}", self.path.display(), e.error()))?;
        f.sync_all().map_err(io(self.path.display()))?;
        file_sha256(&self.path)
    }
}

fn file_sha256(path: &Path) -> Result<String, Error> {
    let mut f = std::fs::File::open(path).map_err(io(path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(io(path.display()))?;
        if n == 0 {
            return Ok(hex(&h.finalize()));
        }
        h.update(&buf[..n]);
    }
}

/// Lines of a gzip JSON-lines file whose checksum was verified first.
fn read_lines(path: &Path, expected_sha: &str) -> Result<impl Iterator<Item = Result<String, Error>>, Error> {
    let actual = file_sha256(path)?;
    if actual != expected_sha {
        return Err(format!("{} is damaged: its checksum is {actual}, the manifest says {expected_sha}", path.display()));
    }
    let f = std::fs::File::open(path).map_err(io(path.display()))?;
    let shown = path.display().to_string();
    Ok(BufReader::new(GzDecoder::new(f)).lines().map(move |l| l.map_err(|e| format!("{shown}: {e}"))))
}

/// Writes an object's content into the backup folder once (a temporary name, then renamed, so a
/// blob that exists is whole).
fn put_blob(dir: &Path, sha: &str, bytes: &[u8]) -> Result<(), Error> {
    let path = blob_path(dir, sha);
    if path.is_file() {
        return Ok(());
    }
    let parent = path.parent().expect("blob paths have a parent");
    std::fs::create_dir_all(parent).map_err(io(parent.display()))?;
    let tmp = parent.join(format!(".{sha}.{}", rand::random::<u32>()));
    let mut f = std::fs::File::create(&tmp).map_err(io(tmp.display()))?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(io(tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(io(path.display()))
}

/// Takes a backup of `db` and `media` into `dir` (created if missing) while the server runs.
/// Returns the backup's folder and its manifest.
pub async fn backup(db: &Db, media: &MediaStore, dir: &Path) -> Result<(PathBuf, Manifest), Error> {
    let schema_version = db
        .schema_version()
        .await
        .map_err(|e| format!("reading the schema version: {e}"))?
        .ok_or("the database has no Talap schema: nothing to back up")?;
    let created_at_ms = app::api::now_ms();
    let name = backup_name(created_at_ms);
    let partial = dir.join(format!(".{name}.partial"));
    if partial.exists() {
        std::fs::remove_dir_all(&partial).map_err(io(partial.display()))?;
    }
    std::fs::create_dir_all(&partial).map_err(io(partial.display()))?;

    // The snapshot: every table read in one read-only transaction.
    let mut entries = Vec::new();
    {
        let mut tx = tables::snapshot(db).await?;
        let schema = tables::schema(&mut tx, db.backend).await?;
        for table in schema {
            let file = format!("tables/{}.jsonl.gz", table.name);
            let mut out = GzLines::create(partial.join(&file))?;
            let names: Vec<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
            out.line(&names)?;
            let rows = tables::read_rows(&mut tx, &table, |row| out.line(&row)).await?;
            let sha256 = out.finish()?;
            entries.push(TableEntry { name: table.name.clone(), rows, file, sha256, table });
        }
        tx.rollback().await.map_err(|e| format!("ending the snapshot: {e}"))?;
    }

    // The media, after the snapshot: every object the snapshot names existed before it was
    // taken, so it is listed here unless a purge removed it since (reported in `vanished`).
    let mut index = GzLines::create(partial.join("media.jsonl.gz"))?;
    let (mut objects, mut bytes, mut vanished) = (0u64, 0u64, Vec::new());
    let blobs = dir.to_path_buf();
    let mut copied = std::pin::pin!(media.list().map(|item| copy_object(media, &blobs, item)).buffer_unordered(MEDIA_PARALLEL));
    while let Some(done) = copied.try_next().await? {
        match done {
            Ok(o) => {
                objects += 1;
                bytes += o.size;
                index.line(&o)?;
            }
            Err(key) => vanished.push(key),
        }
    }
    let index_sha = index.finish()?;

    let manifest = Manifest {
        format: FORMAT.into(),
        created_at_ms,
        talap_version: env!("CARGO_PKG_VERSION").into(),
        backend: backend_name(db.backend).into(),
        schema_version,
        tables: entries,
        media: MediaEntry { objects, bytes, file: "media.jsonl.gz".into(), sha256: index_sha, vanished },
    };
    let text = serde_json::to_vec_pretty(&manifest).map_err(|e| e.to_string())?;
    let mf = partial.join("manifest.json");
    std::fs::write(&mf, text).and_then(|_| std::fs::File::open(&mf)?.sync_all()).map_err(io(mf.display()))?;
    let done = dir.join(&name);
    std::fs::rename(&partial, &done).map_err(io(done.display()))?;
    Ok((done, manifest))
}

/// Copies one listed object into the backup's media folder: its index entry, or its key when it
/// was purged since it was listed.
async fn copy_object(
    media: &MediaStore,
    blobs: &Path,
    item: Result<(String, u64), app::error::AppError>,
) -> Result<Result<MediaObject, String>, Error> {
    let (key, _) = item.map_err(|_| format!("listing the media store {}", media.describe))?;
    match media.get(&key).await {
        Ok(content) => {
            let sha = sha256(&content);
            let size = content.len() as u64;
            let (at, blobs) = (sha.clone(), blobs.to_path_buf());
            tokio::task::spawn_blocking(move || put_blob(&blobs, &at, &content)).await.map_err(|e| format!("writing {key}: {e}"))??;
            Ok(Ok(MediaObject { key, sha256: sha, size }))
        }
        Err(app::error::AppError::NotFound) => Ok(Err(key)),
        Err(_) => Err(format!("reading {key} from {}", media.describe)),
    }
}

fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// Reads a backup's manifest: `from` is the backup's folder or its manifest.json.
pub fn read_manifest(from: &Path) -> Result<(PathBuf, Manifest), Error> {
    let folder = if from.is_dir() { from.to_path_buf() } else { from.parent().map(Path::to_path_buf).unwrap_or_default() };
    let path = folder.join("manifest.json");
    let text = std::fs::read(&path).map_err(|e| format!("{}: {e} (is this a Talap backup's folder?)", path.display()))?;
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| format!("{}: not a Talap backup manifest: {e}", path.display()))?;
    if manifest.format != FORMAT {
        return Err(format!("{}: format {:?}, this Talap reads {FORMAT:?}", path.display(), manifest.format));
    }
    Ok((folder, manifest))
}

/// The folder that holds a backup's shared media (the backup folder's parent).
fn blob_root(folder: &Path) -> PathBuf {
    folder.parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Checks every file of a backup against its manifest (tables, media index, every object's
/// content) without writing anything. Returns the media index.
pub fn verify(folder: &Path, manifest: &Manifest) -> Result<Vec<MediaObject>, Error> {
    for t in &manifest.tables {
        let mut lines = read_lines(&folder.join(&t.file), &t.sha256)?;
        let header = lines.next().ok_or_else(|| format!("{} is empty", t.file))??;
        let names: Vec<String> = serde_json::from_str(&header).map_err(|e| format!("{}: {e}", t.file))?;
        if names != t.table.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>() {
            return Err(format!("{}: its columns differ from the manifest's", t.file));
        }
        let rows = lines.try_fold(0u64, |n, l| l.map(|_| n + 1))?;
        if rows != t.rows {
            return Err(format!("{} holds {rows} rows, the manifest says {}", t.file, t.rows));
        }
    }
    let root = blob_root(folder);
    let mut objects = Vec::new();
    for line in read_lines(&folder.join(&manifest.media.file), &manifest.media.sha256)? {
        let o: MediaObject = serde_json::from_str(&line?).map_err(|e| format!("{}: {e}", manifest.media.file))?;
        let path = blob_path(&root, &o.sha256);
        let content = std::fs::read(&path).map_err(|e| format!("media object {} ({}): {e}", o.key, path.display()))?;
        if sha256(&content) != o.sha256 {
            return Err(format!("media object {} ({}) is damaged", o.key, path.display()));
        }
        objects.push(o);
    }
    if objects.len() as u64 != manifest.media.objects {
        return Err(format!("the media index lists {} objects, the manifest says {}", objects.len(), manifest.media.objects));
    }
    Ok(objects)
}

/// Rows per table in a database the migrations alone wrote (the rows they seed: roles, their
/// permissions, the root organisation), up to `version`: a target with exactly these is empty.
async fn seeded_counts(version: i64) -> Result<BTreeMap<String, i64>, Error> {
    // The migrations of both backends write the same rows (a test compares the folders), so an
    // in-memory SQLite database tells what either holds.
    let scratch = Db::connect("sqlite::memory:", 1).await.map_err(|e| format!("a scratch database: {e}"))?;
    scratch.migrate_to(version).await.map_err(|e| format!("a scratch database: {e}"))?;
    tables::row_counts(&scratch).await
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub rows: u64,
    pub objects: u64,
    /// The schema the backup was taken at, and the one the database has now.
    pub from_version: i64,
    pub to_version: i64,
}

/// Restores a backup into an empty database and media store. Checks everything before writing
/// anything: the manifest's format, that this Talap knows the backup's schema (a backup from a
/// newer Talap is refused), every file's checksum; refuses a target that holds data. Then the
/// media objects (each re-checked as it is read), then the database's rows in one transaction
/// at the backup's schema, then the migrations that came after it. Run again after a failure,
/// it finds the media it already wrote and goes on.
pub async fn restore(db: &Db, media: &MediaStore, from: &Path) -> Result<Restored, Error> {
    let (folder, manifest) = read_manifest(from)?;
    let latest = db.latest_migration();
    if manifest.schema_version > latest {
        return Err(format!(
            "the backup was taken by a newer Talap (schema {}; this one knows up to {latest}): restore it with that version or a later one",
            manifest.schema_version
        ));
    }
    let objects = verify(&folder, &manifest)?;

    // The target: never migrated, or migrated by this backup's schema at most and holding only
    // what migrations write.
    match db.schema_version().await.map_err(|e| format!("reading the target's schema: {e}"))? {
        None => {}
        Some(v) if v > manifest.schema_version => {
            return Err(format!(
                "the target database is already at schema {v}, newer than the backup's {}: restore into a new, empty database",
                manifest.schema_version
            ))
        }
        Some(v) => {
            let seeded = seeded_counts(v).await?;
            let now = tables::row_counts(db).await?;
            if let Some((t, n)) = now.iter().find(|(t, n)| seeded.get(*t).copied().unwrap_or(0) != **n) {
                return Err(format!("the target database is not empty ({t} holds {n} rows): restore into a new, empty database"));
            }
        }
    }
    let wanted: HashMap<&str, &MediaObject> = objects.iter().map(|o| (o.key.as_str(), o)).collect();
    let present: Vec<(String, u64)> =
        media.list().try_collect().await.map_err(|_| format!("listing the media store {}", media.describe))?;
    if let Some((key, _)) = present.iter().find(|(k, size)| wanted.get(k.as_str()).is_none_or(|o| o.size != *size)) {
        return Err(format!("the media store {} is not empty (it holds {key}): restore into an empty one", media.describe));
    }

    // Media first: a failure here leaves the database untouched, and a second run accepts the
    // objects this one wrote (same keys, same sizes).
    let root = blob_root(&folder);
    futures::stream::iter(objects.iter().map(Ok::<_, Error>))
        .try_for_each_concurrent(MEDIA_PARALLEL, |o| {
            let path = blob_path(&root, &o.sha256);
            async move {
                let content = tokio::fs::read(&path).await.map_err(io(path.display()))?;
                if sha256(&content) != o.sha256 {
                    return Err(format!("media object {} changed since it was checked", o.key));
                }
                media.put(&o.key, content).await.map_err(|_| format!("writing {} to {}", o.key, media.describe))
            }
        })
        .await?;

    db.migrate_to(manifest.schema_version).await.map_err(|e| format!("preparing the schema {}: {e}", manifest.schema_version))?;
    let rows = load_rows(db, &folder, &manifest).await?;
    db.migrate().await.map_err(|e| format!("applying the migrations after schema {}: {e}", manifest.schema_version))?;
    let to_version = db.schema_version().await.map_err(|e| e.to_string())?.unwrap_or(0);
    Ok(Restored { rows, objects: objects.len() as u64, from_version: manifest.schema_version, to_version })
}

/// Rows read from a file and written per this many.
const LOAD_CHUNK: usize = 2_000;

/// Replaces every table's rows with the backup's, in one transaction.
async fn load_rows(db: &Db, folder: &Path, manifest: &Manifest) -> Result<u64, Error> {
    let mut tx = db.begin().await.map_err(|e| format!("starting the restore: {e}"))?;
    let schema = tables::schema(&mut tx, db.backend).await?;
    let by_name: HashMap<&str, &Table> = schema.iter().map(|t| (t.name.as_str(), t)).collect();
    for t in &manifest.tables {
        match by_name.get(t.name.as_str()) {
            Some(here) if here.columns == t.table.columns => {}
            Some(_) => return Err(format!("table {}: its columns at schema {} differ from the backup's", t.name, manifest.schema_version)),
            None => return Err(format!("table {} is not in schema {}", t.name, manifest.schema_version)),
        }
    }
    if db.backend == Backend::Sqlite {
        // Foreign keys checked at commit: a table that refers to itself may hold a child
        // before its parent in key order.
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(&mut *tx).await.map_err(|e| e.to_string())?;
    }
    // The rows the migrations seeded give way to the backup's (children first).
    for t in schema.iter().rev() {
        sqlx::query(&format!("DELETE FROM {}", tables::quoted(&t.name)))
            .execute(&mut *tx)
            .await
            .map_err(|e| format!("emptying {}: {e}", t.name))?;
    }
    let mut total = 0u64;
    // Parents first: the manifest's order is the snapshot's, but this schema's order decides.
    let entries: HashMap<&str, &TableEntry> = manifest.tables.iter().map(|t| (t.name.as_str(), t)).collect();
    for table in &schema {
        let Some(entry) = entries.get(table.name.as_str()) else { continue };
        let mut lines = read_lines(&folder.join(&entry.file), &entry.sha256)?.skip(1);
        loop {
            let mut chunk: Vec<Vec<Value>> = Vec::with_capacity(LOAD_CHUNK);
            for line in lines.by_ref().take(LOAD_CHUNK) {
                let row: Vec<Value> = serde_json::from_str(&line?).map_err(|e| format!("{}: {e}", entry.file))?;
                chunk.push(row);
            }
            if chunk.is_empty() {
                break;
            }
            total += chunk.len() as u64;
            tables::insert_rows(&mut tx, table, &chunk).await?;
        }
    }
    tables::reset_identities(&mut tx, db.backend, &schema).await?;
    tx.commit().await.map_err(|e| format!("committing the restore: {e}"))?;
    Ok(total)
}

/// Runs one of the operator's commands with the configured database and media store; returns
/// what to print. The database is opened without migrating: a backup leaves it as it is, and a
/// restore migrates in its own order.
pub async fn run(config: &crate::config::Config, command: crate::config::Command) -> Result<String, Error> {
    use crate::config::Command;
    let db =
        Db::connect(&config.database_url, config.db_max_connections.min(4)).await.map_err(|e| format!("cannot open the database: {e}"))?;
    let media = crate::media_store(config)?;
    match command {
        Command::Backup { to, keep_daily_days, keep_weekly_days, keep_days, no_prune } => {
            let (folder, m) = backup(&db, &media, &to).await?;
            let rows: u64 = m.tables.iter().map(|t| t.rows).sum();
            // For /metrics: when the newest complete backup was taken. (After the snapshot, so
            // the row is in the next backup, not this one.)
            sqlx::query(
                "INSERT INTO backup_runs (name, created_at, finished_at, tables, rows_total, objects, bytes) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(folder.file_name().and_then(|n| n.to_str()).unwrap_or(""))
            .bind(m.created_at_ms)
            .bind(app::api::now_ms())
            .bind(m.tables.len() as i64)
            .bind(rows as i64)
            .bind(m.media.objects as i64)
            .bind(m.media.bytes as i64)
            .execute(db.write_pool())
            .await
            .map_err(|e| format!("the backup is complete, but recording it failed: {e}"))?;
            let mut report = format!(
                "backup {} written: {} tables, {rows} rows, {} media objects ({} bytes), schema {}",
                folder.display(),
                m.tables.len(),
                m.media.objects,
                m.media.bytes,
                m.schema_version
            );
            if !m.media.vanished.is_empty() {
                report += &format!("\n{} media objects were purged while the backup ran (not in it)", m.media.vanished.len());
            }
            if !no_prune {
                let policy = retention::Policy { daily_days: keep_daily_days, weekly_days: keep_weekly_days, keep_days };
                let pruned = tokio::task::spawn_blocking(move || retention::prune(&to, app::api::now_ms(), policy))
                    .await
                    .map_err(|e| e.to_string())??;
                report += &format!("\nretention: {} older backups and {} media objects removed", pruned.backups.len(), pruned.objects);
            }
            Ok(report)
        }
        Command::Restore { from } => {
            let r = restore(&db, &media, &from).await?;
            Ok(format!(
                "restored {} rows and {} media objects from schema {}; the database is now at schema {}",
                r.rows, r.objects, r.from_version, r.to_version
            ))
        }
        Command::Export { to, person: None, org: Some(org) } => {
            let e = export::export_organisation(&db, &media, &to, org).await?;
            Ok(format!(
                "exported organisation {org}'s data: {} rows in {} tables and {} media files into {}",
                e.rows,
                e.tables,
                e.objects,
                to.display()
            ))
        }
        Command::Export { to, person: None, org: None } => {
            let e = export::export(&db, &media, &to).await?;
            Ok(format!("exported {} tables ({} rows) and {} media files into {}", e.tables, e.rows, e.objects, to.display()))
        }
        Command::Export { to, person: Some(who), .. } => {
            let e = export::export_person(&db, &media, &to, &who).await?;
            Ok(format!("exported {who}'s data: {} rows in {} tables and {} media files into {}", e.rows, e.tables, e.objects, to.display()))
        }
    }
}
