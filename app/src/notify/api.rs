//! The signed-in user's in-app inbox.

use super::model::InboxMessage;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "inbox/list")]
pub async fn inbox_list() -> Result<Vec<InboxMessage>, AppError> {
    crate::api::respond(async move {
        use sqlx::Row;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let rows =
            sqlx::query("SELECT id, subject, body, created_at, read_at FROM inbox_messages WHERE user_id = $1 ORDER BY id DESC LIMIT 100")
                .bind(caller.user_id)
                .fetch_all(&st.db.pool)
                .await?;
        rows.iter()
            .map(|r| {
                let read_at: Option<i64> = r.try_get("read_at")?;
                Ok(InboxMessage {
                    id: r.try_get("id")?,
                    subject: r.try_get("subject")?,
                    body: r.try_get("body")?,
                    created_at: r.try_get("created_at")?,
                    read: read_at.is_some(),
                })
            })
            .collect::<Result<Vec<_>, sqlx::Error>>()
            .map_err(AppError::from)
    })
    .await
}

/// Marks one of the caller's own messages read (another user's id changes nothing: 404).
#[server(prefix = "/api", endpoint = "inbox/read")]
pub async fn inbox_mark_read(id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let done = sqlx::query("UPDATE inbox_messages SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL")
            .bind(crate::api::now_ms())
            .bind(id)
            .bind(caller.user_id)
            .execute(&st.db.pool)
            .await?
            .rows_affected();
        if done == 0 {
            let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM inbox_messages WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(caller.user_id)
                .fetch_optional(&st.db.pool)
                .await?;
            if exists.is_none() {
                return Err(AppError::NotFound);
            }
        }
        Ok(())
    })
    .await
}
