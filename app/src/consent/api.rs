//! The caller's own consents: read, give, withdraw. Anyone signed in, for themselves only.

use super::model::PersonConsents;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "consent/mine")]
pub async fn my_consents() -> Result<PersonConsents, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        super::store::mine(&st.db, caller.user_id, crate::api::now_ms()).await
    })
    .await
}

/// Gives consent to `purpose` ("proctoring", "olympiad"). `given_by` is "person" (18 or older) or
/// "guardian" (a parent or legal guardian, whose full name is required); a person whose IIN
/// says they are under 18 cannot agree for themselves.
#[server(prefix = "/api", endpoint = "consent/give")]
pub async fn give_consent(
    purpose: String,
    #[server(default)] given_by: String,
    #[server(default)] guardian_name: String,
) -> Result<(), AppError> {
    crate::api::respond(async move {
        use super::model::Purpose;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let now = crate::api::now_ms();
        let purpose = Purpose::from_code(&purpose).ok_or(AppError::BadRequest)?;
        let minor = super::store::is_minor(&st.db, caller.user_id, now).await?;
        let (given_by, guardian_name) =
            super::model::check_giver(&given_by, &guardian_name, minor).map_err(|(field, msg)| AppError::field(field, msg))?;
        let guardian_name = guardian_name.as_deref();
        let giving = super::store::Giving { user_id: caller.user_id, purpose, given_by, guardian_name, recorded_by: None };
        let mut tx = st.db.begin().await?;
        let given = super::store::give(&mut tx, &giving, (caller.user_id, &caller.ip), super::store::home_org(&caller), now).await?;
        if given && purpose == Purpose::Olympiad {
            // Seated again for the stages of the campaigns they are registered in.
            crate::olympiad::stage::seating::follow_consent(&mut tx, caller.user_id, true, now).await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Withdraws the caller's consent to `purpose`. Proctoring: nothing more is captured from then
/// on (images already taken stay until their exam's retention period ends, for its review and
/// appeals). Olympiad: they leave every stage paper they have not started (results already
/// recorded stay in the olympiad's records).
#[server(prefix = "/api", endpoint = "consent/withdraw")]
pub async fn withdraw_consent(purpose: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let purpose = super::model::Purpose::from_code(&purpose).ok_or(AppError::BadRequest)?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        if super::store::withdraw(&mut tx, &caller, purpose, now).await? && purpose == super::model::Purpose::Olympiad {
            crate::olympiad::stage::seating::follow_consent(&mut tx, caller.user_id, false, now).await?;
        }
        tx.commit().await?;
        Ok(())
    })
    .await
}
