//! Who is signed in: the one server function of the identity core, which every page frame
//! asks. The account's own server functions (signing in and out, registration, the profile,
//! password reset, the language) are `account::api`.

use super::model::SessionUser;
use crate::error::AppError;
use leptos::prelude::*;

/// Who is signed in (public: anonymous callers get `None`).
#[server(prefix = "/api", endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    crate::api::respond(async move {
        let Some(caller) = super::ssr::caller().await? else { return Ok(None) };
        let st = crate::api::state()?;
        Ok(Some(super::ssr::session_user(&st.db, &caller).await?))
    })
    .await
}
