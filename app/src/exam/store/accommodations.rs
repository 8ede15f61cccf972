//! Accommodations as stored (issue 19): a candidate's extra minutes and own window for an exam.
//! `exam::accommodations` checks the caller before it calls in here; the start wave
//! (`starts`) reads them for its whole batch at once.

use crate::db::batch::placeholders;
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// One candidate's accommodation.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct Accommodation {
    pub student_id: i64,
    pub extra_min: i64,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub reason: String,
}

impl Accommodation {
    /// The candidate's window: their own, else `window` (the exam's, or their sitting's).
    pub fn window(&self, window: (i64, i64)) -> (i64, i64) {
        match (self.opens_at, self.closes_at) {
            (Some(opens), Some(closes)) => (opens, closes),
            _ => window,
        }
    }
}

/// An accommodation with the candidate's name, as the exam's teacher lists them.
#[derive(sqlx::FromRow)]
pub struct Listed {
    #[sqlx(flatten)]
    pub accommodation: Accommodation,
    pub full_name: String,
}

pub async fn of_exam(db: &Db, exam_id: i64) -> Result<Vec<Listed>, AppError> {
    Ok(sqlx::query_as::<_, Listed>(
        "SELECT c.student_id, c.extra_min, c.opens_at, c.closes_at, c.reason, u.full_name
         FROM exam_accommodations c JOIN users u ON u.id = c.student_id WHERE c.exam_id = $1 ORDER BY u.full_name, u.id",
    )
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?)
}

const ONE: &str =
    "SELECT student_id, extra_min, opens_at, closes_at, reason FROM exam_accommodations WHERE exam_id = $1 AND student_id = $2";

/// One candidate's accommodation for an exam, if any.
pub async fn of_candidate(db: &Db, exam_id: i64, student_id: i64) -> Result<Option<Accommodation>, AppError> {
    Ok(sqlx::query_as::<_, Accommodation>(ONE).bind(exam_id).bind(student_id).fetch_optional(&db.pool).await?)
}

/// The accommodations of a start batch's candidates, by (exam, student): one read for the batch.
pub async fn of_batch(
    tx: &mut Transaction<'_, Any>,
    db: &Db,
    exams: &[i64],
    students: &[i64],
) -> Result<HashMap<(i64, i64), Accommodation>, AppError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        exam_id: i64,
        #[sqlx(flatten)]
        accommodation: Accommodation,
    }
    let sql = crate::db::batch::statement(
        db,
        format!(
            "SELECT exam_id, student_id, extra_min, opens_at, closes_at, reason FROM exam_accommodations
             WHERE exam_id IN ({}) AND student_id IN ({})",
            placeholders(1, exams.len()),
            placeholders(exams.len() + 1, students.len())
        ),
    );
    let mut q = sqlx::query_as::<_, Row>(&sql);
    for id in exams.iter().chain(students) {
        q = q.bind(*id);
    }
    Ok(q.fetch_all(&mut **tx).await?.into_iter().map(|r| ((r.exam_id, r.accommodation.student_id), r.accommodation)).collect())
}

/// Whether the candidate has started the exam: an accommodation is fixed from then on.
pub async fn started(tx: &mut Transaction<'_, Any>, exam_id: i64, student_id: i64) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM exam_attempts WHERE exam_id = $1 AND student_id = $2")
        .bind(exam_id)
        .bind(student_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

/// The accommodation as it was, read in the change's transaction (for the audit).
pub async fn current(tx: &mut Transaction<'_, Any>, exam_id: i64, student_id: i64) -> Result<Option<Accommodation>, AppError> {
    Ok(sqlx::query_as::<_, Accommodation>(ONE).bind(exam_id).bind(student_id).fetch_optional(&mut **tx).await?)
}

/// Sets (or replaces) a candidate's accommodation.
pub async fn upsert(tx: &mut Transaction<'_, Any>, exam_id: i64, a: &Accommodation, set_by: i64, now: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO exam_accommodations (exam_id, student_id, extra_min, opens_at, closes_at, reason, set_by, set_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (exam_id, student_id) DO UPDATE SET extra_min = excluded.extra_min, opens_at = excluded.opens_at,
             closes_at = excluded.closes_at, reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(exam_id)
    .bind(a.student_id)
    .bind(a.extra_min)
    .bind(a.opens_at)
    .bind(a.closes_at)
    .bind(&a.reason)
    .bind(set_by)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn delete(tx: &mut Transaction<'_, Any>, exam_id: i64, student_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM exam_accommodations WHERE exam_id = $1 AND student_id = $2")
        .bind(exam_id)
        .bind(student_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Those who sit the group's exams (id, name), in name order: whom an accommodation may be
/// for (a class's students, an olympiad variant's participants: `Role::sits_exams`).
pub async fn candidates(db: &Db, group_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, String)>(
        "SELECT DISTINCT u.id, u.full_name FROM role_assignments r JOIN users u ON u.id = r.user_id
         WHERE r.org_id = $1 AND r.role IN ('student', 'olympiad_participant') AND u.active = 1 ORDER BY u.full_name, u.id",
    )
    .bind(group_id)
    .fetch_all(&db.pool)
    .await?)
}
