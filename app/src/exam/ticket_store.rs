//! The tickets of ticket exams as stored: a ticket drawn, the answer written on it and the
//! files attached (`tickets` has the candidate's and the teacher's calls).

use super::dto::AttachedFile;
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Row, Transaction};

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
    let rows = sqlx::query("SELECT file_name, bytes FROM exam_files WHERE attempt_id = $1 ORDER BY uploaded_at, file_name")
        .bind(attempt_id)
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| Ok(AttachedFile { name: r.try_get("file_name")?, bytes: r.try_get("bytes")? })).collect()
}

/// The ticket drawn and what the candidate handed in on it.
pub async fn paper(db: &Db, attempt_id: i64, ticket_id: i64) -> Result<super::dto::TicketPaper, AppError> {
    let r = sqlx::query("SELECT number, body FROM exam_tickets WHERE id = $1")
        .bind(ticket_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let written: Option<String> = sqlx::query_scalar("SELECT answer FROM exam_answers WHERE attempt_id = $1 AND question_id = $2")
        .bind(attempt_id)
        .bind(super::model::TICKET_ANSWER)
        .fetch_optional(&db.pool)
        .await?;
    let written = match written.and_then(|w| serde_json::from_str(&w).ok()) {
        Some(super::model::Answer::Text(t)) => t,
        _ => String::new(),
    };
    Ok(super::dto::TicketPaper { number: r.try_get("number")?, body: r.try_get("body")?, written, files: files(db, attempt_id).await? })
}
