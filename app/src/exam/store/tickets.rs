//! The tickets of ticket exams as stored: a ticket drawn, the answer written on it and the
//! files attached. `exam::tickets` has the candidate's and the teacher's calls, which check the
//! caller (their own open attempt, or access to the exam's journal) before they call in here.

use crate::db::Db;
use crate::error::AppError;
use crate::exam::dto::AttachedFile;
use sqlx::{Any, Transaction};

pub fn media_key(attempt_id: i64, name: &str) -> String {
    format!("exam-files/{attempt_id}/{name}")
}

pub async fn insert_tickets(tx: &mut Transaction<'_, Any>, exam_id: i64, tickets: &[String]) -> Result<(), AppError> {
    for (i, body) in tickets.iter().enumerate() {
        sqlx::query("INSERT INTO exam_tickets (exam_id, number, body) VALUES ($1, $2, $3)")
            .bind(exam_id)
            .bind(i as i64 + 1)
            .bind(body)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

pub async fn files(db: &Db, attempt_id: i64) -> Result<Vec<AttachedFile>, AppError> {
    Ok(sqlx::query_as::<_, AttachedFile>(
        "SELECT file_name AS name, bytes FROM exam_files WHERE attempt_id = $1 ORDER BY uploaded_at, file_name",
    )
    .bind(attempt_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The ticket drawn and what the candidate handed in on it.
pub async fn paper(db: &Db, attempt_id: i64, ticket_id: i64) -> Result<crate::exam::dto::TicketPaper, AppError> {
    let (number, body) = sqlx::query_as::<_, (i64, String)>("SELECT number, body FROM exam_tickets WHERE id = $1")
        .bind(ticket_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let written: Option<String> = sqlx::query_scalar("SELECT answer FROM exam_answers WHERE attempt_id = $1 AND question_id = $2")
        .bind(attempt_id)
        .bind(crate::exam::model::TICKET_ANSWER)
        .fetch_optional(&db.pool)
        .await?;
    let written = match written.and_then(|w| serde_json::from_str(&w).ok()) {
        Some(crate::exam::model::Answer::Text(t)) => t,
        _ => String::new(),
    };
    Ok(crate::exam::dto::TicketPaper { number, body, written, files: files(db, attempt_id).await? })
}

/// Attaches a file to the attempt's answer; the same name again replaces it (a retried upload
/// leaves one copy).
pub async fn save_file(
    tx: &mut Transaction<'_, Any>,
    attempt_id: i64,
    name: &str,
    key: &str,
    bytes: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO exam_files (attempt_id, file_name, media_key, bytes, uploaded_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (attempt_id, file_name) DO UPDATE SET media_key = excluded.media_key, bytes = excluded.bytes,
             uploaded_at = excluded.uploaded_at",
    )
    .bind(attempt_id)
    .bind(name)
    .bind(key)
    .bind(bytes)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The media key of the attempt's file of that name, if it has one.
pub async fn file_key(db: &Db, attempt_id: i64, name: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT media_key FROM exam_files WHERE attempt_id = $1 AND file_name = $2")
        .bind(attempt_id)
        .bind(name)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn delete_file(tx: &mut Transaction<'_, Any>, attempt_id: i64, name: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM exam_files WHERE attempt_id = $1 AND file_name = $2").bind(attempt_id).bind(name).execute(&mut **tx).await?;
    Ok(())
}
