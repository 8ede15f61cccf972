//! What the teacher's grading writes and reads: the points of graded essays, the grade of an
//! attempt, and the marks of an offline exam (each kept as an attempt sat in the room).
//! `exam::grading` checks the caller's access to the exam's journal before it calls in here; a
//! grade's writes share one transaction with the journal cell and the audit line.

use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// The points (thousandths) of every saved answer of the attempt, by question; None where
/// nothing was scored yet.
pub async fn answer_points_of(db: &Db, attempt_id: i64) -> Result<std::collections::HashMap<i64, Option<i64>>, AppError> {
    let rows = sqlx::query_as::<_, (i64, Option<i64>)>("SELECT question_id, points_milli FROM exam_answers WHERE attempt_id = $1")
        .bind(attempt_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().collect())
}

/// The points the grader gave one answer.
pub async fn set_answer_points(tx: &mut Transaction<'_, Any>, attempt_id: i64, question_id: i64, milli: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE exam_answers SET points_milli = $1 WHERE attempt_id = $2 AND question_id = $3")
        .bind(milli)
        .bind(attempt_id)
        .bind(question_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The attempt's grade: score and maximum (test form; None otherwise), mark and comment; it no
/// longer waits for grading.
pub async fn set_grade(
    tx: &mut Transaction<'_, Any>,
    attempt_id: i64,
    score_milli: Option<i64>,
    max_points: Option<i64>,
    mark: &str,
    comment: &str,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE exam_attempts SET score_milli = $1, max_points = $2, mark = $3, grader_comment = $4, needs_grading = 0 WHERE id = $5",
    )
    .bind(score_milli)
    .bind(max_points)
    .bind(mark)
    .bind(comment)
    .bind(attempt_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The marks of an exam by candidate, as stored ("" where an attempt has none).
pub async fn marks_of_exam(db: &Db, exam_id: i64) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let rows = sqlx::query_as::<_, (i64, Option<String>)>("SELECT student_id, mark FROM exam_attempts WHERE exam_id = $1")
        .bind(exam_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().map(|(student, mark)| (student, mark.unwrap_or_default())).collect())
}

/// Removes a candidate's offline mark (the cell was emptied).
pub async fn delete_offline_mark(tx: &mut Transaction<'_, Any>, exam_id: i64, student_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM exam_attempts WHERE exam_id = $1 AND student_id = $2")
        .bind(exam_id)
        .bind(student_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Sets a candidate's offline mark (a mark or an attendance code, as stored).
pub async fn set_offline_mark(
    tx: &mut Transaction<'_, Any>,
    exam_id: i64,
    student_id: i64,
    value: &str,
    by: i64,
    now: i64,
) -> Result<(), AppError> {
    // An offline "attempt" is the record of the mark: sat in the room, valid; always attempt 1
    // (an offline exam is created with one attempt allowed).
    sqlx::query(
        "INSERT INTO exam_attempts (exam_id, student_id, started_at, deadline_at, submitted_at, questions, proctored, mark,
                                    verdict, verdict_by, verdict_at, last_seen_at)
         VALUES ($1, $2, $3, $3, $3, '[]', 0, $4, 'valid', $5, $3, $3)
         ON CONFLICT (exam_id, student_id, attempt_no) DO UPDATE SET mark = excluded.mark, verdict_by = excluded.verdict_by",
    )
    .bind(exam_id)
    .bind(student_id)
    .bind(now)
    .bind(value)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
