//! Individual assignments (JRN-5) and their submissions: giving one, a student's answer, the
//! teacher's decision, and the answer file. A mark given here reaches the journal through
//! [`super::write_cells`]. Server functions and the file route call these after checking the
//! caller.

use crate::db::Db;
use crate::error::AppError;
use crate::journal::dto::{Assignment, Submission};
use sqlx::{Any, Transaction};

/// An assignment's own row, before its submissions are attached.
#[derive(sqlx::FromRow)]
struct AssignmentLine {
    id: i64,
    journal_id: i64,
    subject: String,
    title: String,
    description: String,
    due_date: String,
    lesson_date: String,
}

/// A journal's assignments with every student's submission.
pub async fn assignments_of_journal(db: &Db, journal_id: i64) -> Result<Vec<Assignment>, AppError> {
    load(db, "a.journal_id = $1", journal_id, None).await
}

/// The student's assignments, with their own submission only.
pub async fn assignments_of_student(db: &Db, student_id: i64) -> Result<Vec<Assignment>, AppError> {
    load(db, "a.id IN (SELECT assignment_id FROM submissions WHERE student_id = $1)", student_id, Some(student_id)).await
}

async fn load(db: &Db, where_sql: &str, id: i64, only_student: Option<i64>) -> Result<Vec<Assignment>, AppError> {
    let rows = sqlx::query_as::<_, AssignmentLine>(&format!(
        "SELECT a.id, a.journal_id, j.subject, a.title, a.description, a.due_date, l.lesson_date
             FROM assignments a JOIN journals j ON j.id = a.journal_id JOIN lessons l ON l.id = a.lesson_id
             WHERE {where_sql} ORDER BY a.due_date DESC, a.id DESC"
    ))
    .bind(id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let subs = sqlx::query_as::<_, Submission>(
            "SELECT s.student_id, u.full_name AS student_name, s.status, s.answer, s.file_name, s.comment, s.mark
                 FROM submissions s JOIN users u ON u.id = s.student_id WHERE s.assignment_id = $1 ORDER BY u.full_name",
        )
        .bind(r.id)
        .fetch_all(&db.pool)
        .await?;
        let submissions = subs.into_iter().filter(|s| only_student.is_none_or(|me| me == s.student_id)).collect();
        out.push(Assignment {
            id: r.id,
            journal_id: r.journal_id,
            subject: r.subject,
            title: r.title,
            description: r.description,
            due_date: r.due_date,
            lesson_date: r.lesson_date,
            submissions,
        });
    }
    Ok(out)
}

/// What deciding on a submission needs of its assignment.
#[derive(sqlx::FromRow)]
pub struct AssignmentHead {
    pub journal_id: i64,
    pub lesson_id: i64,
    pub title: String,
}

pub async fn assignment_head(db: &Db, assignment_id: i64) -> Result<Option<AssignmentHead>, AppError> {
    Ok(sqlx::query_as::<_, AssignmentHead>("SELECT journal_id, lesson_id, title FROM assignments WHERE id = $1")
        .bind(assignment_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// A new assignment's fields, checked by the server function.
pub struct NewAssignment<'a> {
    pub journal_id: i64,
    pub lesson_id: i64,
    pub title: &'a str,
    pub description: &'a str,
    pub due_date: String,
}

/// Gives the assignment to the students, each with a submission waiting for their answer.
pub async fn give_assignment(tx: &mut Transaction<'_, Any>, a: NewAssignment<'_>, students: &[i64], at: i64) -> Result<i64, AppError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO assignments (journal_id, lesson_id, title, description, due_date, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(a.journal_id)
    .bind(a.lesson_id)
    .bind(a.title)
    .bind(a.description)
    .bind(a.due_date)
    .bind(at)
    .fetch_one(&mut **tx)
    .await?;
    for s in students {
        sqlx::query("INSERT INTO submissions (assignment_id, student_id, status, updated_at) VALUES ($1, $2, 'assigned', $3)")
            .bind(id)
            .bind(s)
            .bind(at)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// The status of the student's submission (assigned, submitted, rework, marked); None when the
/// assignment was not given to them.
pub async fn submission_status(db: &Db, assignment_id: i64, student_id: i64) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT status FROM submissions WHERE assignment_id = $1 AND student_id = $2")
        .bind(assignment_id)
        .bind(student_id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn return_for_rework(
    tx: &mut Transaction<'_, Any>,
    assignment_id: i64,
    student_id: i64,
    comment: &str,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE submissions SET status = 'rework', comment = $1, updated_at = $2 WHERE assignment_id = $3 AND student_id = $4")
        .bind(comment)
        .bind(at)
        .bind(assignment_id)
        .bind(student_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks the submission; the caller writes the same mark into the journal in this transaction.
pub async fn mark_submission(
    tx: &mut Transaction<'_, Any>,
    assignment_id: i64,
    student_id: i64,
    comment: &str,
    mark: i64,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE submissions SET status = 'marked', comment = $1, mark = $2, updated_at = $3 WHERE assignment_id = $4 AND student_id = $5",
    )
    .bind(comment)
    .bind(mark)
    .bind(at)
    .bind(assignment_id)
    .bind(student_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Stores the student's answer. `file` is the stored file's (name, media key); without one the
/// file sent before stays.
pub async fn hand_in(
    tx: &mut Transaction<'_, Any>,
    assignment_id: i64,
    student_id: i64,
    answer: &str,
    file: Option<&(String, String)>,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE submissions SET status = 'submitted', answer = $1, file_name = COALESCE($2, file_name), file_media = COALESCE($3, file_media),
                 updated_at = $4 WHERE assignment_id = $5 AND student_id = $6",
    )
    .bind(answer)
    .bind(file.map(|s| s.0.clone()))
    .bind(file.map(|s| s.1.clone()))
    .bind(at)
    .bind(assignment_id)
    .bind(student_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The group of the assignment's journal, which the audit files a student's answer under.
pub async fn group_of_assignment(tx: &mut Transaction<'_, Any>, assignment_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT j.group_id FROM assignments a JOIN journals j ON j.id = a.journal_id WHERE a.id = $1")
        .bind(assignment_id)
        .fetch_one(&mut **tx)
        .await?)
}

/// A submission's file and the journal, whose readers may fetch it.
#[derive(sqlx::FromRow)]
pub struct AnswerFile {
    pub file_name: Option<String>,
    pub file_media: Option<String>,
    pub journal_id: i64,
}

pub async fn answer_file(db: &Db, assignment_id: i64, student_id: i64) -> Result<Option<AnswerFile>, AppError> {
    Ok(sqlx::query_as::<_, AnswerFile>(
        "SELECT s.file_name, s.file_media, a.journal_id FROM submissions s JOIN assignments a ON a.id = s.assignment_id
         WHERE s.assignment_id = $1 AND s.student_id = $2",
    )
    .bind(assignment_id)
    .bind(student_id)
    .fetch_optional(&db.pool)
    .await?)
}
