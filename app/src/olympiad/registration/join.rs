//! A pupil registers themself with their teacher's code (OLY-2), at `/olympiad/join`.
//!
//! Each confirmed olympiad teacher has a code per campaign (shown on their page, made the first
//! time it is shown). With it, a pupil without an account gives their IIN, name, grade, the
//! language of their paper and a password: the same checks as when the teacher registers
//! them (the campaign's registration dates, grade range, the school's languages, one
//! registration per IIN), the account is made with their password, they are registered as the
//! teacher's pupil and signed in. An IIN that already has an account is refused with "sign in"
//! (its owner is registered by the teacher): a code must not let anyone take over an account.
//!
//! A pupil who already has an account (last year's olympiad, say) signs in first and uses the
//! same form without a password: their own account is entered for the campaign. That is the
//! only way an existing account joins a registration: its owner does it (issue 14, item 1).

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
use crate::i18n::{t, use_locale};
use crate::ui::{action_error, field_error, Field, FormStatus};
use leptos::prelude::*;

pub use crate::olympiad::model::JOIN_CODE_LEN;

/// A code as a person may type it: spaces and dashes dropped, upper case.
pub fn normalize_code(raw: &str) -> String {
    raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase()
}

/// A code as it is shown: "K7QF-3M2A".
pub fn display_code(code: &str) -> String {
    if code.len() == JOIN_CODE_LEN {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_string()
    }
}

/// Registers the caller as a pupil of the teacher whose code this is, makes their account and
/// signs them in. Returns the login (the IIN). `given_by` and `guardian_name` are the consent
/// to olympiad participation (issue 21): a pupil whose IIN says they are under 18 registers
/// with their parent's or guardian's consent, and nobody registers without one.
#[server(prefix = "/api", endpoint = "olympiad/join")]
#[allow(clippy::too_many_arguments)]
pub async fn join_with_code(
    code: String,
    iin: String,
    full_name: String,
    grade: String,
    language: String,
    #[server(default)] password: String,
    #[server(default)] given_by: String,
    #[server(default)] guardian_name: String,
) -> Result<String, AppError> {
    crate::api::respond(async move {
        let st = crate::api::state()?;
        let ip = crate::auth::ssr::caller_ip();
        // A code is a guessable secret: tries are limited per address, like registration's.
        if !crate::auth::ssr::rate_limit(&st.db, &format!("oly.join:ip:{ip}"), 30, 3_600_000).await? {
            return Err(AppError::RateLimited);
        }
        // Signed in: the owner enters their own account (no new password).
        let owner = crate::auth::ssr::caller().await?;
        let found = ssr::teacher_of_code(&st.db, &normalize_code(&code)).await?;
        let mut fields = crate::error::Fields::new();
        let Some((campaign_id, school_id, teacher_id, school_languages)) = found else {
            fields.add("code", if code.trim().is_empty() { Msg::ErrRequired } else { Msg::ErrOlyUnknownJoinCode });
            return Err(fields.finish().err().unwrap_or(AppError::BadRequest));
        };
        let campaign = crate::olympiad::campaign::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::NotFound)?;
        let now = crate::api::now_ms();
        crate::olympiad::model::Stages::registration_state(
            campaign.stages.participant_reg_opens,
            campaign.stages.participant_reg_closes,
            now,
        )
        .map_err(|m| AppError::field("code", m))?;
        let rules = crate::olympiad::model::PupilRules { grade_min: campaign.grade_min, grade_max: campaign.grade_max, school_languages };
        let pupil = crate::olympiad::model::check_pupil(&iin, &full_name, &grade, &language, rules);
        let login = pupil.as_ref().map(|p| p.iin.as_str().to_string()).unwrap_or_default();
        if owner.is_none() {
            fields.check("password", crate::auth::model::check_new_password(&password, &login));
        }
        // Without a readable IIN a minor cannot be told: the IIN's own error is shown first.
        let minor = pupil.as_ref().is_ok_and(|p| crate::consent::store::iin_says_minor(p.iin.as_str(), now));
        let giver = crate::consent::model::check_giver(&given_by, &guardian_name, minor).map_err(|(field, msg)| fields.add(field, msg));
        let pupil = match pupil {
            Ok(p) => Some(p),
            Err(errors) => {
                for (field, msg) in errors {
                    fields.add(field, msg);
                }
                None
            }
        };
        fields.finish()?;
        let (pupil, (given_by, guardian_name)) = (pupil.ok_or(AppError::BadRequest)?, giver.map_err(|_| AppError::BadRequest)?);
        let consent = |user_id| crate::consent::store::Giving {
            user_id,
            purpose: crate::consent::model::Purpose::Olympiad,
            given_by,
            guardian_name: guardian_name.as_deref(),
            recorded_by: None,
        };
        if let Some(owner) = owner {
            ssr::join_as_owner(&st.db, &owner, campaign_id, school_id, teacher_id, &pupil, &consent(owner.user_id), now).await?;
            return Ok(pupil.iin.as_str().to_string());
        }
        let taken = super::store::join::accounts_with_iin(&st.db, pupil.iin.as_str()).await?;
        if taken > 0 {
            return Err(AppError::field("iin", Msg::ErrOlyIinRegistered));
        }
        let hash = crate::auth::ssr::hash_password(&password).await?;
        let mut tx = st.db.begin().await?;
        let id = super::store::add_participant(&mut tx, campaign_id, school_id, teacher_id, &pupil, now)
            .await?
            .map_err(|msg| AppError::field("iin", msg))?;
        let user_id = super::store::join::participant_user(&mut tx, id).await?;
        super::store::join::set_password(&mut tx, user_id, &hash).await?;
        crate::consent::store::give(&mut tx, &consent(user_id), (user_id, &ip), Some(school_id), now).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(user_id),
                ip: &ip,
                action: "olympiad.participant.join",
                entity: "olympiad_participant",
                entity_id: id.to_string(),
                org_id: Some(school_id),
                before: None,
                after: Some(serde_json::json!({
                    "campaign_id": campaign_id, "teacher": teacher_id, "iin": pupil.iin.as_str(), "full_name": pupil.full_name,
                    "grade": pupil.grade, "language": pupil.language })),
            },
        )
        .await?;
        tx.commit().await?;
        let locale = if pupil.language == "ru" { crate::i18n::Locale::Ru } else { crate::i18n::Locale::Kk };
        crate::auth::ssr::start_session(&st.db, user_id, locale).await?;
        Ok(pupil.iin.as_str().to_string())
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::db::Db;
    use crate::olympiad::registration::store::join as store;

    // Where the code's teacher is looked up, kept under its old path.
    pub use store::teacher_of_code;

    /// The signed-in caller enters their own account for the campaign. The IIN must be theirs:
    /// their account's IIN, or its login where no IIN is recorded yet; an IIN nobody holds
    /// becomes theirs (as joining without an account would make it); one that another account
    /// holds is refused.
    pub async fn join_as_owner(
        db: &Db,
        owner: &crate::auth::ssr::Caller,
        campaign_id: i64,
        school_id: i64,
        teacher_id: i64,
        pupil: &crate::olympiad::model::Pupil,
        consent: &crate::consent::store::Giving<'_>,
        now: i64,
    ) -> Result<i64, AppError> {
        let iin = pupil.iin.as_str();
        let mut tx = db.begin().await?;
        let holder = store::account_with_iin(&mut tx, iin).await?;
        let own_iin = store::iin_of(&mut tx, owner.user_id).await?;
        match holder {
            // Found by its login: the IIN is recorded on the account too.
            Some(id) if id == owner.user_id && own_iin.is_none() => store::record_iin(&mut tx, owner.user_id, iin).await?,
            Some(id) if id == owner.user_id => {}
            None if own_iin.is_none() => store::record_iin(&mut tx, owner.user_id, iin).await?,
            _ => return Err(AppError::field("iin", Msg::ErrOlyIinNotYours)),
        }
        let registered = store::registrations_in(&mut tx, campaign_id, owner.user_id).await?;
        if registered > 0 {
            return Err(AppError::field("iin", Msg::ErrOlyIinInCampaign));
        }
        let id = crate::olympiad::registration::store::add_owned_participant(
            &mut tx,
            campaign_id,
            school_id,
            teacher_id,
            owner.user_id,
            pupil,
            now,
        )
        .await?;
        crate::consent::store::give(&mut tx, consent, (owner.user_id, &owner.ip), Some(school_id), now).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(owner.user_id),
                ip: &owner.ip,
                action: "olympiad.participant.join",
                entity: "olympiad_participant",
                entity_id: id.to_string(),
                org_id: Some(school_id),
                before: None,
                after: Some(serde_json::json!({
                    "campaign_id": campaign_id, "teacher": teacher_id, "iin": iin, "full_name": pupil.full_name,
                    "grade": pupil.grade, "language": pupil.language, "own_account": true })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }
}

/// The public page: the form, then the home page signed in.
#[component]
pub fn JoinPage() -> impl IntoView {
    let locale = use_locale();
    let join = ServerAction::<JoinWithCode>::new();
    let user = crate::auth::shell::use_user();
    crate::ui::reload_home_on_success(join);
    let error = action_error(join);
    use crate::i18n::Msg;
    view! {
        <section class="card narrow" data-testid="olympiad-join">
            <h1>{t(Msg::OlyJoinTitle)}</h1>
            <p class="hint">{t(Msg::OlyJoinHint)}</p>
            <ActionForm action=join>
                <FormStatus error=error/>
                <Field label=Msg::OlyJoinCode name="code" error=error required=true/>
                <Field label=Msg::Iin name="iin" hint=Msg::OlyIinHint error=error required=true/>
                <Field label=Msg::FullName name="full_name" error=error autocomplete="name" required=true/>
                <Field label=Msg::OlyGrade name="grade" kind="number" error=error required=true/>
                <div class="field" class:invalid=move || field_error(error, "language").get().is_some()>
                    <label for="f-language">{t(Msg::OlyPaperLanguage)}</label>
                    <select id="f-language" name="language">
                        <option value="kk">{t(Msg::OlyLangKk)}</option>
                        <option value="ru">{t(Msg::OlyLangRu)}</option>
                    </select>
                    <Show when=move || field_error(error, "language").get().is_some()>
                        <small class="error" role="alert">{move || field_error(error, "language").get().map(|m| m.text(locale.get()))}</small>
                    </Show>
                </div>
                // Signed in, the pupil enters their own account: no new password.
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.0.await {
                            Ok(Some(_)) => ().into_any(),
                            _ => view! {
                                <Field label=Msg::Password name="password" kind="password" hint=Msg::PasswordHint error=error autocomplete="new-password" required=true/>
                            }.into_any(),
                        }
                    })}
                </Transition>
                <crate::consent::page::ConsentChoice purpose=crate::consent::model::Purpose::Olympiad minor=false error=error/>
                <button type="submit" class="primary" disabled=move || join.pending().get()>{t(Msg::Register)}</button>
            </ActionForm>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_typed_loosely_and_shown_in_two_groups() {
        assert_eq!(normalize_code(" k7qf-3m2a "), "K7QF3M2A");
        assert_eq!(display_code("K7QF3M2A"), "K7QF-3M2A");
        assert_eq!(display_code("SHORT"), "SHORT");
    }
}
