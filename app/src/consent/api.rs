//! The caller's own consents: read, give, withdraw. Anyone signed in, for themselves only.

use super::model::PersonConsents;
use crate::error::AppError;
use leptos::prelude::*;

/// Longest guardian's name accepted (a full name with patronymic fits many times over).
pub const GUARDIAN_NAME_MAX: usize = 200;

#[server(prefix = "/api", endpoint = "consent/mine")]
pub async fn my_consents() -> Result<PersonConsents, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        super::store::mine(&st.db, caller.user_id, crate::api::now_ms()).await
    })
    .await
}

/// Gives consent to `purpose` ("proctoring"). `given_by` is "person" (18 or older) or
/// "guardian" (a parent or legal guardian, whose full name is required); a person whose IIN
/// says they are under 18 cannot agree for themselves.
#[server(prefix = "/api", endpoint = "consent/give")]
pub async fn give_consent(
    purpose: String,
    #[server(default)] given_by: String,
    #[server(default)] guardian_name: String,
) -> Result<(), AppError> {
    crate::api::respond(async move {
        use super::model::{GivenBy, Purpose};
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let now = crate::api::now_ms();
        let purpose = Purpose::from_code(&purpose).ok_or(AppError::BadRequest)?;
        let mut fields = crate::error::Fields::new();
        let guardian_name = guardian_name.split_whitespace().collect::<Vec<_>>().join(" ");
        let minor = super::store::is_minor(&st.db, caller.user_id, now).await?;
        let given_by = match GivenBy::from_code(&given_by) {
            None => {
                fields.add("given_by", Msg::ErrConsentWho);
                None
            }
            Some(GivenBy::Person) if minor => {
                fields.add("given_by", Msg::ErrConsentMinor);
                None
            }
            Some(GivenBy::Guardian) if guardian_name.is_empty() => {
                fields.add("guardian_name", Msg::ErrRequired);
                None
            }
            Some(GivenBy::Guardian) if guardian_name.chars().count() > GUARDIAN_NAME_MAX => {
                fields.add("guardian_name", Msg::ErrTooLong);
                None
            }
            Some(who) => Some(who),
        };
        fields.finish()?;
        let given_by = given_by.ok_or(AppError::Internal)?;
        let guardian = (given_by == GivenBy::Guardian).then_some(guardian_name.as_str());
        super::store::give(&st.db, &caller, purpose, given_by, guardian, now).await
    })
    .await
}

/// Withdraws the caller's consent to `purpose`: nothing more is captured from then on (images
/// already taken stay until their exam's retention period ends, for its review and appeals).
#[server(prefix = "/api", endpoint = "consent/withdraw")]
pub async fn withdraw_consent(purpose: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let purpose = super::model::Purpose::from_code(&purpose).ok_or(AppError::BadRequest)?;
        super::store::withdraw(&st.db, &caller, purpose, crate::api::now_ms()).await
    })
    .await
}
