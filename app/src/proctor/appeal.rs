//! The candidate's one appeal against the verdict on their own attempt, from the attempt's page
//! (`exam::pages::attempt`). A second reviewer decides it (`proctor_review::api`).

use crate::error::AppError;
use leptos::prelude::*;

/// The candidate appeals the verdict on their own attempt, once.
#[server(prefix = "/api", endpoint = "proctor/appeal")]
pub async fn appeal_verdict(attempt_id: i64, text: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let (student, verdict, verdict_by) = super::store::appeal::attempt_verdict(&st.db, attempt_id).await?.ok_or(AppError::NotFound)?;
        if student != caller.user_id {
            return Err(AppError::Forbidden);
        }
        if verdict == "pending" {
            return Err(AppError::Refused(Msg::ErrNoVerdictYet));
        }
        let text = crate::journal::field_text(&text, 2000, true).map_err(|m| AppError::field("text", m))?;
        let mut tx = st.db.begin().await?;
        if !super::store::appeal::file_appeal(&mut tx, attempt_id, &text, crate::api::now_ms(), &verdict, verdict_by).await? {
            return Err(AppError::Refused(Msg::ErrAlreadyAppealed));
        }
        let group = super::access::attempt_group(&st.db, attempt_id).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "proctor.appeal",
                entity: "exam_attempt",
                entity_id: attempt_id.to_string(),
                org_id: Some(group),
                before: None,
                after: Some(serde_json::json!({ "text": text })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
