//! Every SQL statement of proctoring's capture side, by feature: the evidence and events as
//! they arrive (`evidence`), the violations derived from them and the risk they add up to
//! (`violations`), the server's re-check queue (`recheck`), the candidate's "last seen"
//! (`seen`) and appeal (`appeal`). Here: where an attempt belongs (its group, its exam's
//! teacher, its candidate), what every access check starts from. The review's statements are
//! `proctor_review::store`.
//!
//! Server functions, routes and jobs check the caller first, then call these; nothing here
//! checks anyone.

pub mod appeal;
pub mod evidence;
pub mod recheck;
pub mod seen;
pub mod violations;

use crate::db::Db;
use crate::error::AppError;

/// The group an attempt's exam belongs to; None for an unknown attempt.
pub async fn group_of_attempt(db: &Db, attempt_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT j.group_id FROM exam_attempts a JOIN exams e ON e.id = a.exam_id JOIN journals j ON j.id = e.journal_id WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The teacher of an attempt's exam (its journal's); None for an unknown attempt.
pub async fn teacher_of_attempt(db: &Db, attempt_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT j.teacher_id FROM exam_attempts a JOIN exams e ON e.id = a.exam_id JOIN journals j ON j.id = e.journal_id WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Whose attempt it is and in which group: what a look at its images is logged under.
#[derive(sqlx::FromRow)]
pub struct AttemptOwner {
    pub student_id: i64,
    pub group_id: i64,
}

/// The candidate and the group of an attempt (which must exist).
pub async fn owner_of_attempt(db: &Db, attempt_id: i64) -> Result<AttemptOwner, AppError> {
    Ok(sqlx::query_as::<_, AttemptOwner>(
        "SELECT a.student_id, j.group_id FROM exam_attempts a JOIN exams e ON e.id = a.exam_id JOIN journals j ON j.id = e.journal_id
             WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_one(&db.pool)
    .await?)
}

/// The group a journal is kept for (the journal must exist).
pub async fn group_of_journal(db: &Db, journal_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT group_id FROM journals WHERE id = $1").bind(journal_id).fetch_one(&db.pool).await?)
}

/// The teacher who keeps a journal (the journal must exist).
pub async fn teacher_of_journal(db: &Db, journal_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT teacher_id FROM journals WHERE id = $1").bind(journal_id).fetch_one(&db.pool).await?)
}
