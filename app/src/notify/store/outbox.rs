//! Enqueueing outgoing messages (in the caller's transaction) and the delivery bookkeeping the
//! worker uses. Server functions enqueue after checking the caller, inside their action's
//! transaction; transports themselves live in the server crate.

use super::super::model::{Channel, EventKind};
use crate::api::now_ms;
use crate::error::AppError;
use sqlx::{Any, Transaction};

pub struct Outgoing<'a> {
    pub channel: Channel,
    pub user_id: Option<i64>,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The body carries a one-time code. It is kept only until sent (the transport needs the
    /// text; the code itself is stored hashed and cannot be rendered again at send time), then
    /// replaced by [`SENT_SECRET_BODY`], also when delivery finally fails.
    pub secret: bool,
}

/// What the outbox keeps of a message that carried a code, once it is sent or given up.
pub const SENT_SECRET_BODY: &str = "[one-time code removed after delivery]";

/// Queues a message. In-app messages are delivered at once (they are rows in the inbox) and
/// recorded in the outbox as sent, so the outbox is the one history of every message.
pub async fn enqueue(tx: &mut Transaction<'_, Any>, m: Outgoing<'_>) -> Result<i64, AppError> {
    enqueue_of_kind(tx, m, None).await
}

/// Queues a message that tells an event of `kind` (`notify::event`): the inbox groups its
/// messages by kind.
pub async fn enqueue_of_kind(tx: &mut Transaction<'_, Any>, m: Outgoing<'_>, kind: Option<EventKind>) -> Result<i64, AppError> {
    let now = now_ms();
    if m.channel == Channel::InApp {
        let user_id = m.user_id.ok_or(AppError::Internal)?;
        sqlx::query("INSERT INTO inbox_messages (user_id, subject, body, created_at, kind) VALUES ($1, $2, $3, $4, $5)")
            .bind(user_id)
            .bind(m.subject)
            .bind(m.body)
            .bind(now)
            .bind(kind.map(EventKind::code))
            .execute(&mut **tx)
            .await?;
    }
    let (status, sent_at) = if m.channel == Channel::InApp { ("sent", Some(now)) } else { ("pending", None) };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO outbox (channel, user_id, recipient, subject, body, status, attempts, next_attempt_at, created_at, sent_at, secret)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, $8, $9) RETURNING id",
    )
    .bind(m.channel.code())
    .bind(m.user_id)
    .bind(m.recipient)
    .bind(m.subject)
    .bind(m.body)
    .bind(status)
    .bind(now)
    .bind(sent_at)
    .bind(i64::from(m.secret))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// A message due for delivery.
#[derive(Clone, Debug)]
pub struct Due {
    pub id: i64,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// After this many failed attempts a message is marked failed and left for an operator.
pub const MAX_ATTEMPTS: i64 = 8;

/// A pending message as stored; `channel` is its code.
#[derive(sqlx::FromRow)]
struct DueRow {
    id: i64,
    channel: String,
    recipient: String,
    subject: String,
    body: String,
    attempts: i64,
}

/// Claims up to `limit` due messages. The claim pushes `next_attempt_at` forward by a lease, so
/// another app node polling at the same time does not take the same rows.
pub async fn claim_due(db: &crate::db::Db, limit: i64, lease_ms: i64) -> Result<Vec<Due>, AppError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let rows = sqlx::query_as::<_, DueRow>(
        "SELECT id, channel, recipient, subject, body, attempts FROM outbox
         WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    let mut due = Vec::new();
    for r in rows {
        // The guarded update only succeeds for one claimant of the row.
        let claimed = sqlx::query("UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND next_attempt_at <= $3")
            .bind(now + lease_ms)
            .bind(r.id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if claimed == 1 {
            if let Some(channel) = Channel::from_code(&r.channel) {
                due.push(Due { id: r.id, channel, recipient: r.recipient, subject: r.subject, body: r.body, attempts: r.attempts });
            }
        }
    }
    tx.commit().await?;
    Ok(due)
}

pub async fn mark_sent(db: &crate::db::Db, id: i64) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL,
           body = CASE WHEN secret = 1 THEN $3 ELSE body END WHERE id = $2",
    )
    .bind(now_ms())
    .bind(id)
    .bind(SENT_SECRET_BODY)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Records a failed attempt; retries back off exponentially (30 s, 1 min, 2 min, ... capped at
/// 1 h) until MAX_ATTEMPTS, then the message is marked failed.
pub async fn mark_failed(db: &crate::db::Db, id: i64, attempts_before: i64, error: &str) -> Result<(), AppError> {
    let attempts = attempts_before + 1;
    let status = if attempts >= MAX_ATTEMPTS { "failed" } else { "pending" };
    let backoff = (30_000i64 << (attempts - 1).min(7)).min(3_600_000);
    let error: String = error.chars().take(500).collect();
    sqlx::query(
        "UPDATE outbox SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4,
           body = CASE WHEN secret = 1 AND $1 = 'failed' THEN $6 ELSE body END WHERE id = $5",
    )
    .bind(status)
    .bind(attempts)
    .bind(now_ms() + backoff)
    .bind(error)
    .bind(id)
    .bind(SENT_SECRET_BODY)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Rows one retention statement deletes at most: a first run over years of history must not
/// hold the database's one writer (SQLite) for long.
const PURGE_CHUNK: i64 = 5_000;

/// Deletes, in chunks, the rows of `table` matching `condition` (on `$1`, the cut-off), on
/// SQLite's one writer connection (queued with the transactions, not in SQLite's busy handler).
async fn delete_chunked(db: &crate::db::Db, table: &str, condition: &str, before: i64) -> Result<u64, AppError> {
    let sql = format!("DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {condition} LIMIT {PURGE_CHUNK})");
    let mut total = 0;
    loop {
        let n = sqlx::query(&sql).bind(before).execute(db.write_pool()).await?.rows_affected();
        total += n;
        if n < PURGE_CHUNK as u64 {
            return Ok(total);
        }
    }
}

/// Retention of messages (issue 21): messages delivered or given up before `before` leave the
/// outbox, and in-app messages written before it leave the inbox. Pending messages stay
/// whatever their age: they are still owed. Returns (outbox rows, inbox rows) deleted.
pub async fn purge_delivered(db: &crate::db::Db, before: i64) -> Result<(u64, u64), AppError> {
    let outbox = delete_chunked(db, "outbox", "status IN ('sent', 'failed') AND created_at < $1", before).await?;
    let inbox = delete_chunked(db, "inbox_messages", "created_at < $1", before).await?;
    Ok((outbox, inbox))
}
