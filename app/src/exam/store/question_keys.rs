//! New questions saved with the editor's idempotency key (issue 19's follow-up): the form makes
//! one key per new question and sends it with every try, so a save sent again after its answer
//! was lost finds the question the first try wrote (migration 0026: unique per owner).

use crate::error::AppError;
use crate::exam::model::Question;
use sqlx::{Any, Transaction};

/// The question a key already made: its id and the question as stored.
pub struct Keyed {
    pub id: i64,
    pub question: Question,
}

/// The owner's question written under `key`, if any.
pub async fn find(tx: &mut Transaction<'_, Any>, owner_id: i64, key: &str) -> Result<Option<Keyed>, AppError> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT id, body FROM exam_questions WHERE owner_id = $1 AND request_key = $2")
        .bind(owner_id)
        .bind(key)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|(id, body)| Ok(Keyed { id, question: serde_json::from_str(&body).map_err(|_| AppError::Internal)? })).transpose()
}

/// Writes the new question (version 1 of its own family) under `key`; None when a try racing
/// this one wrote it first (its row then holds the key: `find` reads it once that try commits).
pub async fn insert(
    tx: &mut Transaction<'_, Any>,
    owner_id: i64,
    subject: &str,
    q: &Question,
    key: &str,
    now: i64,
) -> Result<Option<i64>, AppError> {
    super::insert_keyed(tx, owner_id, subject, q, Some(key), now).await
}
