//! What the capture client sends, as stored: the attempt as ingest reads it, the device checks,
//! the evidence rows (images are in the media store) and the browser's events. The ingest
//! routes call these after checking that the attempt is the caller's own and still open.

use crate::db::batch::values_list;
use crate::db::Db;
use crate::error::AppError;
use crate::proctor::violations::Thresholds;
use crate::proctor::wire::{EventIn, Stored};
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// The attempt as ingest needs it.
#[derive(Clone)]
pub(crate) struct AttemptRow {
    pub id: i64,
    pub exam_id: i64,
    pub student_id: i64,
    pub started_at: i64,
    pub ends_at: i64,
    pub recheck_percent: i64,
    pub thresholds: Thresholds,
    /// The candidate has an open consent to proctoring (`consent`); without it their images are
    /// refused. Read with the row, so a withdrawal takes effect within the cache's few seconds.
    pub consented: bool,
}

/// An upload's row, its file already written.
pub(crate) struct NewEvidence {
    pub(crate) attempt_id: i64,
    pub(crate) kind: &'static str,
    pub(crate) key: String,
    pub(crate) media_key: String,
    pub(crate) content_type: &'static str,
    pub(crate) bytes: i64,
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) faces_client: Option<u32>,
    pub(crate) captured_at: i64,
    pub(crate) received_at: i64,
    /// Some(rank) when the server's background re-check should look at it (`recheck`).
    pub(crate) recheck_rank: Option<i64>,
    /// Also write the attempt's "last seen".
    pub(crate) touch: bool,
    /// Derive the attempt's face violations again with this row (a frame the browser flagged,
    /// or one inside an open run).
    pub(crate) derive_frames: Option<AttemptRow>,
    /// Derive the attempt's missing-evidence violations again (this frame may fill a gap).
    pub(crate) derive_missing: bool,
}

#[derive(sqlx::FromRow)]
struct AttemptLine {
    id: i64,
    exam_id: i64,
    student_id: i64,
    started_at: i64,
    deadline_at: i64,
    submitted_at: Option<i64>,
    recheck_percent: i64,
    no_face_frames: i64,
    many_faces_frames: i64,
    /// Open consents to proctoring of the candidate.
    consents: i64,
}

impl From<AttemptLine> for AttemptRow {
    fn from(r: AttemptLine) -> AttemptRow {
        AttemptRow {
            id: r.id,
            exam_id: r.exam_id,
            student_id: r.student_id,
            started_at: r.started_at,
            ends_at: r.submitted_at.map_or(r.deadline_at, |s| s.min(r.deadline_at)),
            recheck_percent: r.recheck_percent,
            thresholds: Thresholds {
                no_face_frames: r.no_face_frames.clamp(1, 20) as u32,
                many_faces_frames: r.many_faces_frames.clamp(1, 20) as u32,
            },
            consented: r.consents > 0,
        }
    }
}

/// The attempt as ingest needs it, with its exam's settings and whether its candidate consents
/// to proctoring now; None for an unknown attempt.
pub(crate) async fn attempt_for_ingest(db: &Db, attempt_id: i64) -> Result<Option<AttemptRow>, AppError> {
    Ok(sqlx::query_as::<_, AttemptLine>(
        "SELECT a.id, a.exam_id, a.student_id, a.started_at, a.deadline_at, a.submitted_at,
                e.recheck_percent, e.no_face_frames, e.many_faces_frames,
                (SELECT COUNT(*) FROM personal_data_consents c
                 WHERE c.user_id = a.student_id AND c.purpose = 'proctoring' AND c.withdrawn_at IS NULL) AS consents
         FROM exam_attempts a JOIN exams e ON e.id = a.exam_id WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_optional(&db.pool)
    .await?
    .map(AttemptRow::from))
}

/// Drops a user's device checks from before `before` (the newest are all an attempt needs).
pub async fn forget_device_checks_before(tx: &mut Transaction<'_, Any>, user_id: i64, before: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM proctor_device_checks WHERE user_id = $1 AND checked_at < $2")
        .bind(user_id)
        .bind(before)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records a passed device check: its test snapshot arrived and decoded, with `faces` in it.
pub async fn add_device_check(tx: &mut Transaction<'_, Any>, user_id: i64, at: i64, faces: u32) -> Result<(), AppError> {
    sqlx::query("INSERT INTO proctor_device_checks (user_id, checked_at, faces) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(at)
        .bind(i64::from(faces))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The kinds of the attempt's open violations that a new upload may change: runs of frames
/// without one face, and missing evidence.
pub async fn open_upload_violation_kinds(db: &Db, attempt_id: i64) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT kind FROM proctor_violations WHERE attempt_id = $1 AND status = 'open'
           AND kind IN ('no_face', 'many_faces', 'camera_gap', 'screen_gap', 'no_device_check')",
    )
    .bind(attempt_id)
    .fetch_all(&db.pool)
    .await?)
}

#[derive(sqlx::FromRow)]
struct InsertedEvidence {
    id: i64,
    attempt_id: i64,
    idem_key: String,
}

/// Inserts the rows in one statement; an idempotency key already stored (a retry whose first
/// try landed, or the same upload twice in `rows`) is not stored again and answers with the
/// stored row's id, `duplicate`.
pub(crate) async fn insert_evidence(tx: &mut Transaction<'_, Any>, rows: &[NewEvidence]) -> Result<Vec<Stored>, AppError> {
    let sql = crate::db::batch::statement(
        &**tx,
        format!(
            "INSERT INTO proctor_evidence (attempt_id, kind, idem_key, media_key, content_type, bytes, width, height, faces_client,
                                       captured_at, received_at, recheck, recheck_rank)
         VALUES {} ON CONFLICT (attempt_id, idem_key) DO NOTHING RETURNING id, attempt_id, idem_key",
            values_list(rows.len(), 13)
        ),
    );
    let mut q = sqlx::query_as::<_, InsertedEvidence>(&sql);
    for r in rows {
        q = q
            .bind(r.attempt_id)
            .bind(r.kind)
            .bind(&r.key)
            .bind(&r.media_key)
            .bind(r.content_type)
            .bind(r.bytes)
            .bind(i64::from(r.width))
            .bind(i64::from(r.height))
            .bind(r.faces_client.map(i64::from))
            .bind(r.captured_at)
            .bind(r.received_at)
            .bind(if r.recheck_rank.is_some() { "due" } else { "none" })
            .bind(r.recheck_rank.unwrap_or(1));
    }
    let mut new: HashMap<(i64, String), i64> = HashMap::new();
    for r in q.fetch_all(&mut **tx).await? {
        new.insert((r.attempt_id, r.idem_key), r.id);
    }
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        // The first of a key in this batch is the one stored; a later one is its duplicate.
        match new.remove(&(r.attempt_id, r.key.clone())) {
            Some(id) => out.push(Stored { id, duplicate: false }),
            None => {
                let id: i64 = sqlx::query_scalar("SELECT id FROM proctor_evidence WHERE attempt_id = $1 AND idem_key = $2")
                    .bind(r.attempt_id)
                    .bind(&r.key)
                    .fetch_one(&mut **tx)
                    .await?;
                out.push(Stored { id, duplicate: true });
            }
        }
    }
    Ok(out)
}

/// Records a browser event of the attempt, received at `now`. Returns the new event's id, or
/// None when its idempotency key was stored already (a retry).
pub async fn add_event(tx: &mut Transaction<'_, Any>, attempt_id: i64, e: &EventIn, now: i64) -> Result<Option<i64>, AppError> {
    let n = sqlx::query(
        "INSERT INTO proctor_events (attempt_id, idem_key, kind, at, detail, received_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (attempt_id, idem_key) DO NOTHING",
    )
    .bind(attempt_id)
    .bind(&e.key)
    .bind(&e.kind)
    .bind(e.at)
    .bind(&e.detail)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if n != 1 {
        return Ok(None);
    }
    let id: i64 = sqlx::query_scalar("SELECT id FROM proctor_events WHERE attempt_id = $1 AND idem_key = $2")
        .bind(attempt_id)
        .bind(&e.key)
        .fetch_one(&mut **tx)
        .await?;
    Ok(Some(id))
}
