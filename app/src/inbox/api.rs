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
