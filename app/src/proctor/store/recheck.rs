//! The server's re-check queue of webcam snapshots (`proctor::recheck`): claiming due frames
//! under a lease, recording what the server found, giving up on frames waiting too long, and
//! the queue's length. The re-check workers, the board and `/metrics` call these; the workers
//! are the server's own, the board checks its caller first.

use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// A frame a worker took: where it is stored and what the browser counted in it.
#[derive(sqlx::FromRow)]
pub struct ClaimedFrame {
    pub id: i64,
    pub attempt_id: i64,
    pub media_key: String,
    pub faces_client: Option<i64>,
    /// 0 for a frame the browser flagged, 1 for a sample (flagged frames go first).
    pub recheck_rank: i64,
}

/// Takes up to `limit` due frames, flagged ones first, until `lease_until`. The outer conditions
/// are repeated so that on PostgreSQL a frame another node took meanwhile is skipped rather than
/// taken twice (the row is re-read after the other's update commits). On SQLite's one writer
/// connection: a claim runs often and queues with the transactions.
pub async fn claim_due_frames(db: &Db, lease_until: i64, now: i64, limit: i64) -> Result<Vec<ClaimedFrame>, AppError> {
    Ok(sqlx::query_as::<_, ClaimedFrame>(
        "UPDATE proctor_evidence SET recheck_lease = $1
         WHERE id IN (SELECT id FROM proctor_evidence WHERE recheck = 'due' AND (recheck_lease IS NULL OR recheck_lease < $2)
                      ORDER BY recheck_rank, id LIMIT $3)
           AND recheck = 'due' AND (recheck_lease IS NULL OR recheck_lease < $2)
         RETURNING id, attempt_id, media_key, faces_client, recheck_rank",
    )
    .bind(lease_until)
    .bind(now)
    .bind(limit)
    .fetch_all(db.write_pool())
    .await?)
}

/// Records the server's count of a frame (None: it did not decode) and its re-check state
/// ("done" or "failed"). False when the frame is no longer due: marked missed, or recorded by
/// another worker after this one's lease ran out.
pub async fn record_recheck(tx: &mut Transaction<'_, Any>, evidence_id: i64, faces: Option<i64>, state: &str) -> Result<bool, AppError> {
    let n =
        sqlx::query("UPDATE proctor_evidence SET faces_server = $1, recheck = $2, recheck_lease = NULL WHERE id = $3 AND recheck = 'due'")
            .bind(faces)
            .bind(state)
            .bind(evidence_id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    Ok(n == 1)
}

/// Frames due since before `received_before` become "not re-checked" (`missed`). Returns how many.
pub async fn mark_missed_before(db: &Db, received_before: i64) -> Result<u64, AppError> {
    Ok(sqlx::query("UPDATE proctor_evidence SET recheck = 'missed', recheck_lease = NULL WHERE recheck = 'due' AND received_at < $1")
        .bind(received_before)
        .execute(db.write_pool())
        .await?
        .rows_affected())
}

/// The frames waiting for the re-check: how many, and when the oldest of them arrived.
#[derive(sqlx::FromRow)]
pub struct Queue {
    pub n: i64,
    pub oldest: Option<i64>,
}

pub async fn queue(db: &Db) -> Result<Queue, AppError> {
    Ok(sqlx::query_as::<_, Queue>("SELECT COUNT(*) AS n, MIN(received_at) AS oldest FROM proctor_evidence WHERE recheck = 'due'")
        .fetch_one(&db.pool)
        .await?)
}
