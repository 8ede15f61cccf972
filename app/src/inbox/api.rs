//! The signed-in user's in-app inbox.

use super::InboxMessage;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "inbox/list")]
pub async fn inbox_list() -> Result<Vec<InboxMessage>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        super::store::inbox_of(&st.db, caller.user_id).await
    })
    .await
}

/// Marks one of the caller's own messages read (another user's id changes nothing: 404).
#[server(prefix = "/api", endpoint = "inbox/read")]
pub async fn inbox_mark_read(id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        if !super::store::mark_read(&st.db, caller.user_id, id, crate::api::now_ms()).await?
            && !super::store::is_in_inbox_of(&st.db, caller.user_id, id).await?
        {
            return Err(AppError::NotFound);
        }
        Ok(())
    })
    .await
}

/// Marks all of the caller's unread messages of one kind read (`kind` is an event kind's code,
/// "" for the messages that tell none). Returns how many were marked.
#[server(prefix = "/api", endpoint = "inbox/read-kind")]
pub async fn inbox_mark_kind_read(kind: String) -> Result<u64, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let kind = match kind.as_str() {
            "" => None,
            code => Some(crate::notify::model::EventKind::from_code(code).ok_or(AppError::BadRequest)?),
        };
        super::store::mark_kind_read(&st.db, caller.user_id, kind, crate::api::now_ms()).await
    })
    .await
}
