//! The inbox's SQL: the signed-in user's latest messages, and marking one read. (The outbox,
//! which puts messages into the inbox among other channels, is `notify::outbox`.)

use super::InboxMessage;
use crate::db::Db;
use crate::error::AppError;
use crate::notify::model::EventKind;

/// An inbox message as stored: unread while `read_at` is NULL.
#[derive(sqlx::FromRow)]
struct InboxRow {
    id: i64,
    subject: String,
    body: String,
    created_at: i64,
    read_at: Option<i64>,
    kind: Option<String>,
}

/// The user's latest 100 messages, newest first.
pub async fn inbox_of(db: &Db, user_id: i64) -> Result<Vec<InboxMessage>, AppError> {
    let rows = sqlx::query_as::<_, InboxRow>(
        "SELECT id, subject, body, created_at, read_at, kind FROM inbox_messages WHERE user_id = $1 ORDER BY id DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| InboxMessage {
            id: r.id,
            subject: r.subject,
            body: r.body,
            created_at: r.created_at,
            read: r.read_at.is_some(),
            kind: r.kind.as_deref().and_then(EventKind::from_code),
        })
        .collect())
}

/// Marks the user's message read: false when it was not theirs or was read already.
pub async fn mark_read(db: &Db, user_id: i64, id: i64, now: i64) -> Result<bool, AppError> {
    let done = sqlx::query("UPDATE inbox_messages SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL")
        .bind(now)
        .bind(id)
        .bind(user_id)
        .execute(&db.pool)
        .await?
        .rows_affected();
    Ok(done > 0)
}

/// Marks every unread message of the user that tells events of `kind` (None: the messages that
/// tell none) read. Returns how many were marked.
pub async fn mark_kind_read(db: &Db, user_id: i64, kind: Option<EventKind>, now: i64) -> Result<u64, AppError> {
    let sql = match kind {
        Some(_) => "UPDATE inbox_messages SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND kind = $3",
        None => "UPDATE inbox_messages SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL AND kind IS NULL",
    };
    let mut q = sqlx::query(sql).bind(now).bind(user_id);
    if let Some(k) = kind {
        q = q.bind(k.code());
    }
    Ok(q.execute(&db.pool).await?.rows_affected())
}

/// Whether the message is the user's.
pub async fn is_in_inbox_of(db: &Db, user_id: i64, id: i64) -> Result<bool, AppError> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM inbox_messages WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?;
    Ok(exists.is_some())
}
