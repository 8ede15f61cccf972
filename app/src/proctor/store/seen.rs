//! The "last seen" time of attempts in progress, which the proctor's board shows (to 10 s): written
//! with the answers, uploads and events that show the candidate is there, at most every 10 s
//! per attempt from a node, and in batches. Called by those writes, after they checked that the
//! attempt is the caller's.

use crate::error::AppError;
use sqlx::{Any, Transaction};

/// Attempts whose "last seen" time this node wrote in the last 10 s (answers, uploads, events):
/// the board shows it to 10 s, so it is written at most that often per attempt.
pub static SEEN: std::sync::LazyLock<crate::db::Recent<()>> =
    std::sync::LazyLock::new(|| crate::db::Recent::new(std::time::Duration::from_secs(10), 200_000));

/// Sets the "last seen" time of the attempts (id, when) in one statement, to the latest of the
/// times (they are milliseconds apart; the board shows them to 10 s). On PostgreSQL two batches
/// that touch the same attempts lock them in the same order (the primary key's index walks an
/// IN list in key order; a scan of the table walks it in the table's order); should they ever
/// deadlock, the batch is written again one by one (`db::batch`).
pub async fn seen(tx: &mut Transaction<'_, Any>, touched: &[(i64, i64)]) -> Result<(), AppError> {
    let Some(at) = touched.iter().map(|t| t.1).max() else { return Ok(()) };
    let mut ids: Vec<i64> = touched.iter().map(|t| t.0).collect();
    ids.sort_unstable();
    ids.dedup();
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    sqlx::query(&format!("UPDATE exam_attempts SET last_seen_at = $1 WHERE id IN ({})", list.join(", ")))
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
