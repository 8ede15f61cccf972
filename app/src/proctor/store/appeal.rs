//! The candidate's appeal, as filed (deciding it is `proctor_review::store::review`).

use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// Whose attempt it is, its verdict and who gave it; None for an unknown attempt.
pub async fn attempt_verdict(db: &Db, attempt_id: i64) -> Result<Option<(i64, String, Option<i64>)>, AppError> {
    Ok(sqlx::query_as("SELECT student_id, verdict, verdict_by FROM exam_attempts WHERE id = $1")
        .bind(attempt_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// Files the candidate's appeal against the verdict (kept with the appeal: a reopened appeal
/// may restore it). False when the attempt was appealed already: an attempt has one appeal.
pub async fn file_appeal(
    tx: &mut Transaction<'_, Any>,
    attempt_id: i64,
    text: &str,
    now: i64,
    verdict: &str,
    verdict_by: Option<i64>,
) -> Result<bool, AppError> {
    let n = sqlx::query(
        "INSERT INTO proctor_appeals (attempt_id, text, created_at, verdict, verdict_by) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (attempt_id) DO NOTHING",
    )
    .bind(attempt_id)
    .bind(text)
    .bind(now)
    .bind(verdict)
    .bind(verdict_by)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n != 0)
}
