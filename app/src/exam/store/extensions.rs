//! Extra time for an attempt under way (issue 19's follow-up): the attempts of an exam still
//! running, and moving one's deadline later. `exam::extensions` checks the caller first.
//! Unlike an accommodation (fixed at the start), this moves the server's timer itself: every
//! later save, hand-in and the expiry job read `deadline_at` afresh.

use super::DEADLINE_GRACE_MS;
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// An attempt still running, as its exam's teacher lists them.
#[derive(sqlx::FromRow)]
pub struct Running {
    pub attempt_id: i64,
    pub student_id: i64,
    pub full_name: String,
    pub attempt_no: i64,
    pub started_at: i64,
    pub deadline_at: i64,
}

/// Attempts of the exam neither handed in nor past their deadline (with its grace, after which
/// the server closes them), in name order.
pub async fn running(db: &Db, exam_id: i64, now: i64) -> Result<Vec<Running>, AppError> {
    Ok(sqlx::query_as::<_, Running>(
        "SELECT a.id AS attempt_id, a.student_id, u.full_name, a.attempt_no, a.started_at, a.deadline_at
         FROM exam_attempts a JOIN users u ON u.id = a.student_id
         WHERE a.exam_id = $1 AND a.submitted_at IS NULL AND a.deadline_at >= $2 ORDER BY u.full_name, a.id",
    )
    .bind(exam_id)
    .bind(now - DEADLINE_GRACE_MS)
    .fetch_all(&db.pool)
    .await?)
}

/// Moves a running attempt's deadline `by_ms` later; the new deadline, or None when the
/// attempt was handed in or its time was up (grace included) already. One statement, so a
/// hand-in racing it either closes the attempt first (and this changes nothing) or after.
pub async fn extend(tx: &mut Transaction<'_, Any>, attempt_id: i64, by_ms: i64, now: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "UPDATE exam_attempts SET deadline_at = deadline_at + $2
         WHERE id = $1 AND submitted_at IS NULL AND deadline_at >= $3 RETURNING deadline_at",
    )
    .bind(attempt_id)
    .bind(by_ms)
    .bind(now - DEADLINE_GRACE_MS)
    .fetch_optional(&mut **tx)
    .await?)
}
