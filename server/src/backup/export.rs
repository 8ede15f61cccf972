//! `talap export --to DIR`: the installation's data in open formats, for the organisation that
//! owns it (seed 000 asks for a full export; PLT-6): one CSV file per table (UTF-8, a header
//! row, RFC 4180 quoting), a README that lists every table's columns with their types and what
//! they refer to, and the media files under their keys. Taken from one snapshot, like a backup.

use super::tables::{self, Error, Kind, Table};
use app::db::Db;
use app::media::MediaStore;
use futures::{StreamExt, TryStreamExt};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub tables: usize,
    pub rows: u64,
    pub objects: u64,
}

/// Writes the export into `dir`, which must be empty or not exist yet.
pub async fn export(db: &Db, media: &MediaStore, dir: &Path) -> Result<Exported, Error> {
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?.next().is_some() {
        return Err(format!("{} is not empty: export into a new folder", dir.display()));
    }
    let tables_dir = dir.join("tables");
    std::fs::create_dir_all(&tables_dir).map_err(|e| format!("{}: {e}", tables_dir.display()))?;
    let mut tx = tables::snapshot(db).await?;
    let schema = tables::schema(&mut tx, db.backend).await?;
    let mut counts = Vec::new();
    let mut total = 0u64;
    for table in &schema {
        let path = tables_dir.join(format!("{}.csv", table.name));
        let mut out = csv::Writer::from_path(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        out.write_record(table.columns.iter().map(|c| c.name.as_str())).map_err(|e| e.to_string())?;
        let n =
            tables::read_rows(&mut tx, table, |row| out.write_record(row.iter().map(cell)).map_err(|e| format!("{}: {e}", path.display())))
                .await?;
        out.flush().map_err(|e| format!("{}: {e}", path.display()))?;
        counts.push(n);
        total += n;
    }
    tx.rollback().await.map_err(|e| e.to_string())?;

    let media_dir = dir.join("media");
    let objects = media
        .list()
        .map(|item| {
            let (media, media_dir) = (media.clone(), media_dir.clone());
            async move {
                let (key, _) = item.map_err(|_| format!("listing the media store {}", media.describe))?;
                match media.get(&key).await {
                    Ok(bytes) => {
                        // Keys are built by Talap ("proctor/7/webcam/...jpg"), segments checked.
                        let path = media_dir.join(&key);
                        if let Some(parent) = path.parent() {
                            tokio::fs::create_dir_all(parent).await.map_err(|e| format!("{}: {e}", parent.display()))?;
                        }
                        tokio::fs::write(&path, bytes).await.map_err(|e| format!("{}: {e}", path.display()))?;
                        Ok::<u64, Error>(1)
                    }
                    // Purged since it was listed.
                    Err(app::error::AppError::NotFound) => Ok(0),
                    Err(_) => Err(format!("reading {key} from {}", media.describe)),
                }
            }
        })
        .buffer_unordered(super::MEDIA_PARALLEL)
        .try_fold(0u64, |n, one| async move { Ok::<u64, Error>(n + one) })
        .await?;

    let readme = readme(&schema, &counts, objects);
    std::fs::write(dir.join("README.md"), readme).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(Exported { tables: schema.len(), rows: total, objects })
}

/// A CSV cell: empty for NULL (the README says so), numbers as written, text as it is.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn readme(schema: &[Table], rows: &[u64], objects: u64) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Talap data export\n");
    let _ = writeln!(
        s,
        "Every table of the database as a CSV file in `tables/` (UTF-8, comma-separated, a header row, \
         fields quoted as RFC 4180 says), read from one snapshot. An empty field is NULL. Times are \
         milliseconds since 1970-01-01 UTC; flags are 0 or 1; an `id` column is the row's number, and a \
         column that refers to another table holds that table's `id`.\n"
    );
    let _ = writeln!(s, "Media files (proctoring images, uploaded answers and documents): {objects}, in `media/` under the keys the tables name (`media_key` and similar columns).\n");
    let _ = writeln!(s, "## Tables\n");
    for (t, n) in schema.iter().zip(rows) {
        let _ = writeln!(s, "### {} ({n} rows)\n", t.name);
        let _ = writeln!(s, "| column | type | refers to |\n|---|---|---|");
        for c in &t.columns {
            let kind = match c.kind {
                Kind::Integer => "integer",
                Kind::Double => "number",
                Kind::Text => "text",
            };
            let refers: Vec<&str> = t.references.iter().filter(|(col, _)| *col == c.name).map(|(_, r)| r.as_str()).collect();
            let key = if t.key.contains(&c.name) { " (key)" } else { "" };
            let _ = writeln!(s, "| {}{key} | {kind} | {} |", c.name, refers.join(", "));
        }
        let _ = writeln!(s);
    }
    s
}
