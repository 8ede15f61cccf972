//! Server functions of registration: teachers (OLY-1) and the pupils they register (OLY-2).
//!
//! Who may call what: teacher registration is public, as a teacher has no
//! account yet: it is rate limited per address, refused outside the campaign's dates, and the
//! account only works once the code sent to the teacher's email is confirmed. A confirmed
//! teacher registers the pupils of their school.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::olympiad::directory::file::row_errors;
use crate::olympiad::model::*;
use leptos::prelude::*;

/// Registrations and confirmations allowed per address in an hour. A school's teachers share
/// one address, so this is generous; codes per account are limited by the code itself.
pub const REGISTRATION_LIMIT_PER_ADDRESS: i64 = 30;
#[cfg(feature = "ssr")]
const HOUR_MS: i64 = 3_600_000;

/// Public: campaigns whose teacher registration is open now.
#[server(prefix = "/api", endpoint = "olympiad/registration/open")]
pub async fn open_campaigns() -> Result<Vec<OpenCampaign>, AppError> {
    crate::api::respond(async move {
        let st = crate::api::state()?;
        crate::olympiad::campaign::store::open_for_teachers(&st.db, crate::api::now_ms()).await
    })
    .await
}

/// Public: the schools a teacher may choose for a campaign (eligible ones only), by a part of
/// the name or code. Only while the campaign's teacher registration is open, so the directory
/// is not a public listing the rest of the year.
#[server(prefix = "/api", endpoint = "olympiad/schools")]
pub async fn find_schools(campaign_id: i64, query: String) -> Result<Vec<SchoolChoice>, AppError> {
    crate::api::respond(async move {
        let st = crate::api::state()?;
        let Some(c) = crate::olympiad::campaign::store::campaign(&st.db, campaign_id).await? else { return Ok(vec![]) };
        if Stages::registration_state(c.stages.teacher_reg_opens, c.stages.teacher_reg_closes, crate::api::now_ms()).is_err() {
            return Ok(vec![]);
        }
        let query = query.trim();
        if query.chars().count() < 2 || query.chars().count() > 100 {
            return Ok(vec![]);
        }
        crate::olympiad::campaign::store::eligible_schools(&st.db, campaign_id, query).await
    })
    .await
}

/// Public (OLY-1): a teacher registers for a campaign. The account (login = the IIN) is made
/// inactive, and a code goes to the email given; [`confirm_teacher`] activates it. A
/// registration not yet confirmed may be made again (a mistyped email is corrected that way):
/// the last one counts. An IIN, email or phone of another account registers nothing, with the
/// same answer (see below); a signed-in person joins with [`join_campaign_as_teacher`].
#[server(prefix = "/api", endpoint = "olympiad/teacher/register")]
#[allow(clippy::too_many_arguments)]
pub async fn register_teacher(
    campaign_id: i64,
    iin: String,
    full_name: String,
    phone: String,
    email: String,
    school_id: String,
    password: String,
    // "email" (when absent) or "sms": where the confirmation code goes (OLY-1).
    #[server(default)] code_by: Option<String>,
) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::auth::model::{check_new_password, parse_name, Email, Login, Phone};
        use crate::i18n::Msg;
        use crate::notify::model::Channel;
        let st = crate::api::state()?;
        let ip = crate::auth::ssr::caller_ip();
        if !crate::auth::ssr::rate_limit(&st.db, &format!("oly.register:ip:{ip}"), REGISTRATION_LIMIT_PER_ADDRESS, HOUR_MS).await? {
            return Err(AppError::RateLimited);
        }
        let now = crate::api::now_ms();
        let mut fields = crate::error::Fields::new();
        let (campaign, school_id) = campaign_and_school(&st.db, &mut fields, campaign_id, &school_id, now).await?;
        let iin = fields.check("iin", crate::auth::iin::Iin::parse_field(&iin));
        let full_name = fields.check("full_name", parse_name(&full_name));
        let phone = fields.check("phone", Phone::parse(&phone));
        let email = fields.check("email", Email::parse(&email));
        fields.check("password", check_new_password(&password, iin.as_ref().map(|i| i.as_str()).unwrap_or("")));
        let code_by = fields.check(
            "code_by",
            match code_by.as_deref().map(str::trim) {
                None | Some("") | Some("email") => Ok(Channel::Email),
                Some("sms") => Ok(Channel::Sms),
                Some(_) => Err(Msg::ErrRequired),
            },
        );
        fields.finish()?;
        let (Some(campaign), Some(iin), Some(full_name), Some(phone), Some(email), Some(school_id), Some(code_by)) =
            (campaign, iin, full_name, phone, email, school_id, code_by)
        else {
            return Err(AppError::Internal);
        };
        let locale = crate::i18n::request_locale(&crate::api::request_parts()?);
        // Hashed whatever happens next, so every answer below takes as long.
        let hash = crate::auth::ssr::hash_password(&password).await?;
        let login = Login::parse(iin.as_str()).map_err(|_| AppError::Internal)?;
        // An IIN, email or phone of an existing account makes no registration, but the answer is
        // the same as for a new one (issue 14, item 4): the form must not tell who has an account.
        // The account's owner hears of it at their own contact, with the way to join: sign in
        // and use this page (item 18).
        let holder = super::store::iin_holder(&st.db, iin.as_str(), campaign_id).await?;
        let mut tx = st.db.begin().await?;
        let pending = match &holder {
            None => None,
            Some(h) if !h.active && matches!(h.registration, Some((_, false))) => Some(h.user_id),
            Some(h) => {
                tell_account_owner(&mut tx, &st, h.user_id, None, &campaign.title).await?;
                tx.commit().await?;
                return Ok(());
            }
        };
        let other = super::store::teachers::contact_holder(&mut tx, email.as_str(), phone.as_str(), pending.unwrap_or(0)).await?;
        if let Some((owner, owner_email)) = other {
            let matched = if owner_email.is_some_and(|e| e.eq_ignore_ascii_case(email.as_str())) { Channel::Email } else { Channel::Sms };
            tell_account_owner(&mut tx, &st, owner, Some(matched), &campaign.title).await?;
            tx.commit().await?;
            return Ok(());
        }
        let user_id = match pending {
            Some(user_id) => {
                super::store::teachers::register_again(
                    &mut tx,
                    campaign_id,
                    user_id,
                    school_id,
                    &full_name,
                    email.as_str(),
                    phone.as_str(),
                    &hash,
                    locale.code(),
                    now,
                )
                .await?;
                user_id
            }
            None => {
                let user_id = crate::auth::store::insert_user(&mut tx, &login, &full_name, Some(&email), Some(&phone), &hash, locale)
                    .await
                    .map_err(|e| match e.field_msg("login") {
                        // The login is the IIN: someone already signs in with these digits.
                        Some(_) => AppError::field("iin", Msg::ErrOlyIinRegistered),
                        None => e,
                    })?;
                // Inactive until the code comes back: an unconfirmed email cannot sign in.
                super::store::teachers::add_registration(&mut tx, campaign_id, user_id, iin.as_str(), school_id, now).await?;
                user_id
            }
        };
        let code = crate::auth::store::create_code(
            &mut tx,
            user_id,
            crate::auth::store::CodePurpose::ContactConfirm,
            crate::auth::store::CODE_TTL_MS,
        )
        .await?;
        let body = Msg::OlyTeacherCodeBody.text(locale).replace("{code}", &code).replace("{campaign}", &campaign.title);
        crate::notify::outbox::enqueue(
            &mut tx,
            crate::notify::outbox::Outgoing {
                channel: code_by,
                user_id: Some(user_id),
                recipient: if code_by == Channel::Sms { phone.as_str() } else { email.as_str() },
                subject: Msg::OlyTeacherCodeSubject.text(locale),
                body: &body,
                secret: true,
            },
        )
        .await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: None,
                ip: &ip,
                action: if pending.is_some() { "olympiad.teacher.register_again" } else { "olympiad.teacher.register" },
                entity: "user",
                entity_id: user_id.to_string(),
                org_id: Some(school_id),
                before: None,
                after: Some(serde_json::json!({
                    "campaign_id": campaign_id, "full_name": full_name, "email": email.as_str(), "phone": phone.as_str() })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Tells the owner of an account that a teacher registration was tried with its IIN (`via`
/// None: at the account's email, else its phone) or with its email or phone (`via`: that one),
/// and how to join the campaign instead: sign in and use the registration page.
#[cfg(feature = "ssr")]
async fn tell_account_owner(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    st: &crate::state::AppState,
    owner_id: i64,
    via: Option<crate::notify::model::Channel>,
    campaign: &str,
) -> Result<(), AppError> {
    use crate::i18n::{Locale, Msg};
    use crate::notify::model::Channel;
    let super::store::teachers::OwnerContact { login, locale, email, phone } = super::store::teachers::owner_contact(tx, owner_id).await?;
    let to = match via {
        None => email.map(|e| (Channel::Email, e)).or(phone.map(|p| (Channel::Sms, p))),
        Some(Channel::Email) => email.map(|e| (Channel::Email, e)),
        Some(_) => phone.map(|p| (Channel::Sms, p)),
    };
    let Some((channel, recipient)) = to else { return Ok(()) };
    let locale = Locale::from_code(&locale).unwrap_or_default();
    let base = st.settings.public_url.trim_end_matches('/');
    let body = Msg::OlyAccountExistsBody
        .text(locale)
        .replace("{campaign}", campaign)
        .replace("{login}", &login)
        .replace("{url}", &format!("{base}/olympiad/register"))
        .replace("{forgot}", &format!("{base}/forgot"));
    crate::auth::store::tell_owner(
        tx,
        owner_id,
        crate::notify::outbox::Outgoing {
            channel,
            user_id: Some(owner_id),
            recipient: &recipient,
            subject: Msg::OlyAccountExistsSubject.text(locale),
            body: &body,
            secret: false,
        },
    )
    .await
}

/// Public (OLY-1): the code from the email activates the teacher's account, grants the
/// olympiad teacher role on the school, and signs the teacher in.
#[server(prefix = "/api", endpoint = "olympiad/teacher/confirm")]
pub async fn confirm_teacher(iin: String, code: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let st = crate::api::state()?;
        let ip = crate::auth::ssr::caller_ip();
        if !crate::auth::ssr::rate_limit(&st.db, &format!("oly.confirm:ip:{ip}"), REGISTRATION_LIMIT_PER_ADDRESS, HOUR_MS).await? {
            return Err(AppError::RateLimited);
        }
        let mut fields = crate::error::Fields::new();
        let iin = fields.check("iin", crate::auth::iin::Iin::parse_field(&iin));
        if code.trim().is_empty() {
            fields.add("code", Msg::ErrRequired);
        }
        fields.finish()?;
        let iin = iin.ok_or(AppError::Internal)?;
        // No pending registration answers like a wrong code: the form does not tell who registered.
        let Some(super::store::PendingRegistration { registration_id: registration, user_id, school_id, campaign_id }) =
            super::store::pending_registration(&st.db, iin.as_str()).await?
        else {
            return Err(AppError::field("code", Msg::ErrWrongCode));
        };
        crate::auth::store::consume_code(&st.db, user_id, crate::auth::store::CodePurpose::ContactConfirm, &code).await?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        super::store::teachers::confirm_registration(&mut tx, registration, user_id, now).await?;
        crate::auth::store::grant(&mut tx, user_id, crate::auth::model::Role::OlympiadTeacher, school_id).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("olympiad.teacher.confirm", Some(user_id), &ip, user_id)
                .org(Some(school_id))
                .after(serde_json::json!({ "campaign_id": campaign_id })),
        )
        .await?;
        tx.commit().await?;
        let locale = crate::i18n::request_locale(&crate::api::request_parts()?);
        crate::auth::ssr::start_session(&st.db, user_id, locale).await?;
        Ok(())
    })
    .await
}

/// The campaign a teacher registers for (its teacher registration must be open now) and the
/// school they register from (an eligible one of that campaign), each checked at its field.
#[cfg(feature = "ssr")]
async fn campaign_and_school(
    db: &crate::db::Db,
    fields: &mut crate::error::Fields,
    campaign_id: i64,
    school_id: &str,
    now: i64,
) -> Result<(Option<Campaign>, Option<i64>), AppError> {
    use crate::i18n::Msg;
    let campaign = crate::olympiad::campaign::store::campaign(db, campaign_id).await?;
    match &campaign {
        None => fields.add("campaign_id", Msg::ErrOlyNoCampaign),
        Some(c) => {
            fields.check("campaign_id", Stages::registration_state(c.stages.teacher_reg_opens, c.stages.teacher_reg_closes, now));
        }
    }
    // Absent when the person never picked a school from the search.
    let school_id = match school_id.trim().parse::<i64>() {
        Ok(id) if campaign.is_some() && crate::olympiad::campaign::store::school_eligible(db, campaign_id, id).await? => Some(id),
        Ok(_) => {
            fields.add("school_id", Msg::ErrOlySchoolNotEligible);
            None
        }
        Err(_) => {
            fields.add("school_id", Msg::ErrOlyChooseSchool);
            None
        }
    };
    Ok((campaign, school_id))
}

/// A signed-in person enters a campaign as an olympiad teacher of a school (issue 14, item 18):
/// a teacher confirmed in an earlier campaign, or anyone else with an account. Their account
/// proved its contact when it was made, and its owner is the one signed in, so no code is sent:
/// the registration is confirmed at once and the role on the school is granted.
#[server(prefix = "/api", endpoint = "olympiad/teacher/join")]
pub async fn join_campaign_as_teacher(campaign_id: i64, school_id: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let now = crate::api::now_ms();
        let mut fields = crate::error::Fields::new();
        let (_, school_id) = campaign_and_school(&st.db, &mut fields, campaign_id, &school_id, now).await?;
        fields.finish()?;
        let school_id = school_id.ok_or(AppError::Internal)?;
        let mut tx = st.db.begin().await?;
        let existing = super::store::teachers::registration_of(&mut tx, campaign_id, caller.user_id).await?;
        match existing {
            Some((_, Some(_))) => return Err(AppError::field("campaign_id", Msg::ErrOlyAlreadyTeacher)),
            // A registration of this account still waiting for its code: the owner is here.
            Some((id, None)) => super::store::teachers::confirm_waiting(&mut tx, id, school_id, now).await?,
            None => super::store::teachers::add_confirmed_registration(&mut tx, campaign_id, caller.user_id, school_id, now).await?,
        }
        crate::auth::store::grant(&mut tx, caller.user_id, crate::auth::model::Role::OlympiadTeacher, school_id).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("olympiad.teacher.join", Some(caller.user_id), &caller.ip, caller.user_id)
                .org(Some(school_id))
                .after(serde_json::json!({ "campaign_id": campaign_id })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The school the caller registers pupils from for a campaign, the rules pupils must meet,
/// and a refusal outside the campaign's participant registration dates.
#[cfg(feature = "ssr")]
async fn registering_teacher(
    st: &crate::state::AppState,
    caller: &crate::auth::ssr::Caller,
    campaign_id: i64,
) -> Result<(i64, PupilRules), AppError> {
    use crate::i18n::Msg;
    caller.require_anywhere(crate::auth::model::Permission::OlympiadRegister)?;
    let Some((school_id, school_languages)) = super::store::teacher_school(&st.db, caller.user_id, campaign_id).await? else {
        return Err(AppError::field("campaign_id", Msg::ErrOlyNotYourCampaign));
    };
    caller.require(&st.db, crate::auth::model::Permission::OlympiadRegister, school_id).await?;
    let campaign = crate::olympiad::campaign::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::NotFound)?;
    Stages::registration_state(campaign.stages.participant_reg_opens, campaign.stages.participant_reg_closes, crate::api::now_ms())
        .map_err(|m| AppError::field("campaign_id", m))?;
    Ok((school_id, PupilRules { grade_min: campaign.grade_min, grade_max: campaign.grade_max, school_languages }))
}

/// What a teacher registering pupils says of the signed paper consent forms they hold
/// (issue 21): olympiad participation (required to register), and proctoring (optional:
/// without it, the pupil or their guardian agrees on the screen before the stage).
#[cfg(feature = "ssr")]
struct PaperForm {
    proctoring: bool,
}

#[cfg(feature = "ssr")]
impl PaperForm {
    /// The form's two checkboxes ("on" when ticked); None, with a field error, without the first.
    fn read(consent: &str, proctoring: &str, fields: &mut crate::error::Fields) -> Option<PaperForm> {
        if consent != "on" {
            fields.add("consent", crate::i18n::Msg::ErrOlyConsentForm);
            return None;
        }
        Some(PaperForm { proctoring: proctoring == "on" })
    }

    /// Records the forms of the pupils just registered (by IIN), in the registration's
    /// transaction: given by the parent or guardian where the IIN says the pupil is a minor,
    /// by the pupil otherwise, and recorded by the teacher.
    async fn record(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        caller: &crate::auth::ssr::Caller,
        school_id: i64,
        iins: &[&str],
        now: i64,
    ) -> Result<(), AppError> {
        use crate::consent::model::{GivenBy, Purpose};
        let purposes: &[Purpose] = if self.proctoring { &[Purpose::Olympiad, Purpose::Proctoring] } else { &[Purpose::Olympiad] };
        for iin in iins {
            let user_id = super::store::pupils::user_with_iin(tx, iin).await?;
            let given_by = if crate::consent::store::iin_says_minor(iin, now) { GivenBy::Guardian } else { GivenBy::Person };
            for purpose in purposes {
                let giving = crate::consent::store::Giving {
                    user_id,
                    purpose: *purpose,
                    given_by,
                    guardian_name: None,
                    recorded_by: Some(caller.user_id),
                };
                crate::consent::store::give(tx, &giving, (caller.user_id, &caller.ip), Some(school_id), now).await?;
            }
        }
        Ok(())
    }
}

/// The caller's olympiad campaigns as a teacher, with the pupils registered from their school.
#[server(prefix = "/api", endpoint = "olympiad/teacher/campaigns")]
pub async fn my_teacher_campaigns() -> Result<Vec<TeacherCampaign>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(crate::auth::model::Permission::OlympiadRegister)?;
        let st = crate::api::state()?;
        let campaigns = super::store::teacher_campaigns(&st.db, caller.user_id).await?;
        // The list shows each pupil's IIN: the views are logged as the operator's search's are.
        for c in &campaigns {
            let seen: Vec<i64> = c.participants.iter().map(|p| p.user_id).collect();
            crate::audit::views::record_many(&st.db, &caller, &seen, crate::audit::views::Seen::Iin, Some(c.school_id)).await?;
        }
        Ok(campaigns)
    })
    .await
}

/// OLY-2: a teacher registers one pupil of their school (IIN unique in the campaign, grade in
/// its range, a language the school teaches in). `consent` ("on") says the teacher holds the
/// signed paper form agreeing to olympiad participation (issue 21), without which nobody is
/// registered; `proctoring` ("on") that the form also agrees to proctoring pictures.
#[server(prefix = "/api", endpoint = "olympiad/participant/add")]
pub async fn add_participant(
    campaign_id: i64,
    iin: String,
    full_name: String,
    grade: String,
    language: String,
    #[server(default)] consent: String,
    #[server(default)] proctoring: String,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let (school_id, rules) = registering_teacher(&st, &caller, campaign_id).await?;
        let mut fields = crate::error::Fields::new();
        let pupil = check_pupil(&iin, &full_name, &grade, &language, rules).map_err(|errors| {
            for (field, msg) in errors {
                fields.add(field, msg);
            }
        });
        let paper = PaperForm::read(&consent, &proctoring, &mut fields);
        fields.finish()?;
        let (pupil, paper) = (pupil.map_err(|_| AppError::BadRequest)?, paper.ok_or(AppError::BadRequest)?);
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let id = super::store::add_participant(&mut tx, campaign_id, school_id, caller.user_id, &pupil, now)
            .await?
            .map_err(|msg| AppError::field("iin", msg))?;
        paper.record(&mut tx, &caller, school_id, &[pupil.iin.as_str()], now).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "olympiad.participant.add",
                entity: "olympiad_participant",
                entity_id: id.to_string(),
                org_id: Some(school_id),
                before: None,
                after: Some(serde_json::json!({
                    "campaign_id": campaign_id, "iin": pupil.iin.as_str(), "full_name": pupil.full_name,
                    "grade": pupil.grade, "language": pupil.language })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// OLY-2: a teacher registers a list of pupils from XLSX or CSV (layout in `registration/pupils.rs`), all
/// or nothing: every broken row, and every IIN already registered in the campaign, comes back
/// as a "row.N.column" field error, and nobody is registered. Fields: campaign_id, file.
#[server(prefix = "/api", endpoint = "olympiad/participant/import", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_participants(data: leptos::server_fn::codec::MultipartData) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(crate::auth::model::Permission::OlympiadRegister)?;
        let st = crate::api::state()?;
        let upload = crate::media::read_upload(data, crate::olympiad::MAX_PUPIL_FILE).await?;
        let campaign_id = upload.id("campaign_id").ok_or(AppError::field("campaign_id", Msg::ErrOlyNoCampaign))?;
        let (school_id, rules) = registering_teacher(&st, &caller, campaign_id).await?;
        let mut fields = crate::error::Fields::new();
        if upload.bytes.is_empty() {
            fields.add("file", Msg::ErrRequired);
        }
        let paper = PaperForm::read(upload.text("consent"), upload.text("proctoring"), &mut fields);
        fields.finish()?;
        let paper = paper.ok_or(AppError::BadRequest)?;
        let rows = super::pupils::parse_pupils(&upload.file_name, &upload.bytes, rules).map_err(row_errors)?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let mut taken = Vec::new();
        for r in &rows {
            if let Err(msg) = super::store::add_participant(&mut tx, campaign_id, school_id, caller.user_id, &r.pupil, now).await? {
                taken.push((format!("row.{}.iin", r.row), msg));
            }
        }
        if !taken.is_empty() {
            // Dropping the transaction rolls back the pupils of the good rows too.
            return Err(row_errors(taken));
        }
        let iins: Vec<&str> = rows.iter().map(|r| r.pupil.iin.as_str()).collect();
        paper.record(&mut tx, &caller, school_id, &iins, now).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "olympiad.participant.import",
                entity: "olympiad_campaign",
                entity_id: campaign_id.to_string(),
                org_id: Some(school_id),
                before: None,
                after: Some(serde_json::json!({
                    "file": crate::media::safe_name(&upload.file_name),
                    "iins": rows.iter().map(|r| r.pupil.iin.as_str()).collect::<Vec<_>>() })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(rows.len() as i64)
    })
    .await
}
