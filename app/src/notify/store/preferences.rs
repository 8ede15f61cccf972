//! The SQL of notifications on events: each person's chosen channels per kind of event, the
//! recipient's language and confirmed contacts, and the one row per told event whose unique
//! key keeps an event from being told twice.

use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// The recipient as the event needs them: language and confirmed contacts (an email or phone
/// waiting for its code is `new_email`/`new_phone` and is not used).
#[derive(sqlx::FromRow)]
pub struct Recipient {
    pub login: String,
    pub locale: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: i64,
}

const RECIPIENT: &str = "SELECT login, locale, email, phone, active FROM users WHERE id = $1";

pub async fn recipient_in(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<Option<Recipient>, AppError> {
    Ok(sqlx::query_as::<_, Recipient>(RECIPIENT).bind(user_id).fetch_optional(&mut **tx).await?)
}

pub async fn recipient(db: &Db, user_id: i64) -> Result<Option<Recipient>, AppError> {
    Ok(sqlx::query_as::<_, Recipient>(RECIPIENT).bind(user_id).fetch_optional(&db.pool).await?)
}

/// A stored choice: (kind, channel, enabled).
#[derive(sqlx::FromRow)]
pub struct Choice {
    pub kind: String,
    pub channel: String,
    pub enabled: i64,
}

/// The person's stored choices for one kind, inside the telling transaction.
pub async fn choices_in(tx: &mut Transaction<'_, Any>, user_id: i64, kind: &str) -> Result<Vec<Choice>, AppError> {
    Ok(sqlx::query_as::<_, Choice>("SELECT kind, channel, enabled FROM notification_preferences WHERE user_id = $1 AND kind = $2")
        .bind(user_id)
        .bind(kind)
        .fetch_all(&mut **tx)
        .await?)
}

/// Every stored choice of the person.
pub async fn choices(db: &Db, user_id: i64) -> Result<Vec<Choice>, AppError> {
    Ok(sqlx::query_as::<_, Choice>("SELECT kind, channel, enabled FROM notification_preferences WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Stores one choice; returns what was stored before (None: the default applied).
pub async fn set_choice(
    tx: &mut Transaction<'_, Any>,
    user_id: i64,
    kind: &str,
    channel: &str,
    enabled: bool,
    now: i64,
) -> Result<Option<bool>, AppError> {
    let before: Option<i64> =
        sqlx::query_scalar("SELECT enabled FROM notification_preferences WHERE user_id = $1 AND kind = $2 AND channel = $3")
            .bind(user_id)
            .bind(kind)
            .bind(channel)
            .fetch_optional(&mut **tx)
            .await?;
    sqlx::query(
        "INSERT INTO notification_preferences (user_id, kind, channel, enabled, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, kind, channel) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(kind)
    .bind(channel)
    .bind(i64::from(enabled))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(before.map(|b| b == 1))
}

/// Records that the event with this key is told: false when it was told already (the unique
/// index on the key decides, also between two transactions racing).
pub async fn claim_event(tx: &mut Transaction<'_, Any>, key: &str, kind: &str, user_id: i64, now: i64) -> Result<bool, AppError> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO notification_events (dedupe_key, kind, user_id, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    )
    .bind(key)
    .bind(kind)
    .bind(user_id)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id.is_some())
}
