//! Server functions of admission. The applicant's (any signed-in person, for their own
//! application), the committee's (`admission.manage` over the campaign's college: a caller
//! reaches only their own subtree) and the public lists (no sign-in; no IIN or contacts).

use super::model::{Application, Campaign, CampaignLists, CheckedReceipt, CommitteeCampaign, Offer};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The applicant's page: the campaigns accepting applications and the caller's applications.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicantHome {
    pub campaigns: Vec<Campaign>,
    pub mine: Vec<Application>,
    /// Offers of the campaigns of the caller's applications (to name their choices).
    pub offers: Vec<Offer>,
}

/// The committee's page: the colleges it may open a campaign for, and their campaigns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitteeHome {
    pub colleges: Vec<(i64, String)>,
    pub campaigns: Vec<Campaign>,
}

/// A published list, for everyone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedList {
    pub campaign: String,
    pub college: String,
    pub year: i64,
    pub list: super::model::OfferList,
}

/// Most bytes of a supporting document.
pub const MAX_DOCUMENT: usize = 5 * 1024 * 1024;

#[cfg(feature = "ssr")]
mod ssr {
    use super::super::model::*;
    use super::super::ranking::{rank, Contender, Ranking, Seats};
    use super::super::store;
    use crate::auth::model::Permission;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::error::AppError;
    use sqlx::{Any, Transaction};

    /// The campaign, when the caller runs admission at its college.
    pub async fn committee_campaign(db: &Db, caller: &Caller, campaign_id: i64) -> Result<Campaign, AppError> {
        let c = store::campaign(db, campaign_id).await?.ok_or(AppError::Forbidden)?;
        caller.require(db, Permission::AdmissionManage, c.college_id).await?;
        Ok(c)
    }

    pub async fn audit(
        tx: &mut Transaction<'_, Any>,
        caller: &Caller,
        action: &str,
        entity: &str,
        id: i64,
        org: i64,
        after: serde_json::Value,
    ) -> Result<(), AppError> {
        crate::audit::store::record(
            tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action,
                entity,
                entity_id: id.to_string(),
                org_id: Some(org),
                before: None,
                after: Some(after),
            },
        )
        .await
    }

    /// The competition of a campaign: accepted applications, each choice with the score it
    /// competes with there (the entrance test's where the specialty has one; a choice without
    /// that score takes no part).
    pub fn compute(campaign: &Campaign, applications: &[Application]) -> Ranking {
        let seats: Vec<Seats> = campaign
            .offers
            .iter()
            .map(|o| Seats { offer_id: o.id, places: o.places, quotas: Category::ALL.iter().map(|c| (*c, o.quota(*c))).collect() })
            .collect();
        let contenders: Vec<Contender> = applications
            .iter()
            .filter(|a| a.status == ApplicationStatus::Accepted)
            .map(|a| Contender {
                id: a.id,
                choices: a
                    .choices
                    .iter()
                    .filter_map(|o| {
                        let offer = campaign.offers.iter().find(|x| x.id == *o)?;
                        let score = if offer.entrance_test { a.test_score? } else { a.certificate_score };
                        Some((*o, score))
                    })
                    .collect(),
                categories: a.categories.clone(),
                honours: a.honours,
                profile_score: a.profile_score,
                submitted_at: a.submitted_at,
            })
            .collect();
        rank(&seats, &contenders)
    }

    /// The lists of a ranking with the committee's facts.
    pub fn lists(campaign: &Campaign, applications: &[Application], ranking: &Ranking, published: bool) -> CampaignLists {
        let lists = campaign
            .offers
            .iter()
            .map(|o| OfferList {
                offer: o.clone(),
                lines: ranking
                    .lists
                    .get(&o.id)
                    .map(|lines| {
                        lines
                            .iter()
                            .filter_map(|l| {
                                let a = applications.iter().find(|a| a.id == l.applicant)?;
                                Some(ListLine {
                                    position: l.position,
                                    number: a.number.clone(),
                                    name: a.full_name.clone(),
                                    score: l.score,
                                    categories: a.categories.clone(),
                                    outcome: l.outcome,
                                    application_id: Some(a.id),
                                    honours: Some(a.honours),
                                    profile_score: Some(a.profile_score),
                                    submitted_at: Some(a.submitted_at),
                                })
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            })
            .collect();
        CampaignLists {
            campaign_id: campaign.id,
            title: campaign.title.clone(),
            college: campaign.college.clone(),
            year: campaign.year,
            published,
            lists,
        }
    }
}

/// The applicant's page: open campaigns and the caller's own applications.
#[server(prefix = "/api", endpoint = "admission/mine")]
pub async fn applicant_view() -> Result<ApplicantHome, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let campaigns = super::store::campaigns_with_status(&st.db, super::model::CampaignStatus::Open).await?;
        let mine = super::store::applications_of_user(&st.db, caller.user_id).await?;
        let mut offers = Vec::new();
        let mut seen = Vec::new();
        for a in &mine {
            if !seen.contains(&a.campaign_id) {
                seen.push(a.campaign_id);
                offers.extend(super::store::offers(&st.db.pool, a.campaign_id).await?);
            }
        }
        Ok(ApplicantHome { campaigns, mine, offers })
    })
    .await
}

/// Submits (or corrects) the caller's application to an open campaign: the acceptance of
/// documents. Multipart fields: campaign_id, request_key (the form's, so a retry writes
/// nothing), iin, full_name, phone, certificate_score, honours ("on"), profile_score,
/// test_score, cat_<category> ("on" for each category claimed), choice1..choiceN (offer ids
/// in order of preference) and `file`, the supporting document of the categories (PDF, JPEG
/// or PNG, checked by its bytes; required with a category unless one is stored). Every
/// problem comes back at its field; written in one transaction with its audit row.
#[server(prefix = "/api", endpoint = "admission/apply", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn apply(data: leptos::server_fn::codec::MultipartData) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use super::model::*;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let upload = crate::media::read_upload(data, MAX_DOCUMENT).await?;
        let campaign_id = upload.id("campaign_id").ok_or(AppError::field("campaign_id", Msg::ErrRequired))?;
        let request_key = upload.text("request_key").trim().to_string();
        if request_key.is_empty() || request_key.len() > 100 {
            return Err(AppError::BadRequest);
        }
        let campaign =
            super::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::field("campaign_id", Msg::ErrAdmCampaignClosed))?;
        let mut fields = crate::error::Fields::new();
        let iin = fields.check("iin", crate::auth::iin::Iin::parse_field(upload.text("iin")));
        let full_name = fields.check("full_name", crate::auth::model::parse_name(upload.text("full_name")));
        let phone = fields.check("phone", crate::auth::model::Phone::parse(upload.text("phone")));
        let certificate = fields.check("certificate_score", parse_certificate_score(upload.text("certificate_score")));
        let profile = fields.check("profile_score", parse_profile_score(upload.text("profile_score")));
        let test = fields.check("test_score", parse_test_score(upload.text("test_score"))).flatten();
        let honours = upload.text("honours") == "on";
        let categories: Vec<Category> = Category::ALL.into_iter().filter(|c| upload.text(&format!("cat_{}", c.code())) == "on").collect();
        let mut choices: Vec<i64> = Vec::new();
        for n in 1..=campaign.max_choices {
            let field = format!("choice{n}");
            let raw = upload.text(&field).trim().to_string();
            if raw.is_empty() {
                continue;
            }
            match raw.parse::<i64>().ok().filter(|id| campaign.offers.iter().any(|o| o.id == *id)) {
                None => fields.add(&field, Msg::ErrAdmUnknownSpecialty),
                Some(id) if choices.contains(&id) => fields.add(&field, Msg::ErrAdmChoiceRepeated),
                Some(id) => choices.push(id),
            }
        }
        if choices.is_empty() {
            fields.add("choice1", Msg::ErrAdmNoChoice);
        }
        let needs_test = choices.iter().any(|id| campaign.offers.iter().any(|o| o.id == *id && o.entrance_test));
        if needs_test && upload.text("test_score").trim().is_empty() {
            fields.add("test_score", Msg::ErrAdmTestRequired);
        }
        let document = if upload.bytes.is_empty() {
            None
        } else {
            match crate::exam::tickets::sniff_file(&upload.file_name, &upload.bytes) {
                Ok(kind @ ("application/pdf" | "image/jpeg" | "image/png")) => Some(kind),
                _ => {
                    fields.add("file", Msg::ErrOlyDocumentKind);
                    None
                }
            }
        };
        fields.finish()?;
        let (iin, full_name, phone, certificate, profile) = (
            iin.ok_or(AppError::Internal)?,
            full_name.ok_or(AppError::Internal)?,
            phone.ok_or(AppError::Internal)?,
            certificate.ok_or(AppError::Internal)?,
            profile.ok_or(AppError::Internal)?,
        );
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        // One submit of a person at a time (PostgreSQL; SQLite's writer already is one): the same
        // form sent twice at once is a retry of the first, not a second application.
        st.db.lock_row(&mut tx, "users", caller.user_id).await?;
        let existing = super::store::application_of_user(&mut tx, campaign_id, caller.user_id).await?;
        if let Some((id, key, _)) = &existing {
            if *key == request_key {
                // A retry of the submit that was written: nothing more.
                return Ok(*id);
            }
        }
        if super::store::campaign_status(&mut tx, campaign_id).await? != Some(CampaignStatus::Open) {
            return Err(AppError::field("campaign_id", Msg::ErrAdmCampaignClosed));
        }
        if !categories.is_empty() && document.is_none() && existing.as_ref().and_then(|e| e.2.as_ref()).is_none() {
            return Err(AppError::field("file", Msg::ErrAdmDocumentRequired));
        }
        if super::store::iin_taken(&mut tx, campaign_id, iin.as_str(), caller.user_id).await? {
            return Err(AppError::field("iin", Msg::ErrAdmIinTaken));
        }
        let stored = match document {
            None => None,
            Some(_) => {
                let name = crate::media::safe_name(&upload.file_name);
                let key = format!("admission/{campaign_id}/{}/{}-{name}", caller.user_id, crate::auth::ssr::random_token());
                st.media.put(&key, upload.bytes.clone()).await?;
                Some((name, key))
            }
        };
        let new = super::store::NewApplication {
            campaign_id,
            user_id: caller.user_id,
            iin: iin.as_str(),
            full_name: &full_name,
            phone: phone.as_str(),
            certificate_score: certificate,
            honours,
            profile_score: profile,
            test_score: test,
            categories: &categories,
            document: stored.as_ref().map(|(n, k)| (n.as_str(), k.as_str())),
            request_key: &request_key,
            choices: &choices,
            now,
        };
        let id = super::store::save_application(&mut tx, &new, existing.as_ref().map(|e| e.0)).await?;
        ssr::audit(
            &mut tx,
            &caller,
            if existing.is_some() { "admission.application.correct" } else { "admission.application.submit" },
            "admission_application",
            id,
            campaign.college_id,
            serde_json::json!({ "campaign_id": campaign_id, "certificate_score": certificate, "test_score": test,
                "categories": Category::join(&categories), "choices": choices, "document": stored.as_ref().map(|s| &s.0) }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// The applicant withdraws their application while the campaign is open.
#[server(prefix = "/api", endpoint = "admission/withdraw")]
pub async fn withdraw(application_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        use super::model::{ApplicationStatus, CampaignStatus};
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let (owner, campaign_id, college) = super::store::owner(&st.db, application_id).await?.ok_or(AppError::Forbidden)?;
        if owner != caller.user_id {
            return Err(AppError::Forbidden);
        }
        let mut tx = st.db.begin().await?;
        st.db.lock_row(&mut tx, "admission_applications", application_id).await?;
        let app = super::store::application(&mut tx, application_id).await?.ok_or(AppError::NotFound)?;
        if app.status == ApplicationStatus::Withdrawn {
            return Ok(());
        }
        if super::store::campaign_status(&mut tx, campaign_id).await? != Some(CampaignStatus::Open) {
            return Err(AppError::Refused(Msg::ErrAdmCampaignClosed));
        }
        super::store::set_status(&mut tx, application_id, ApplicationStatus::Withdrawn, "", crate::api::now_ms()).await?;
        ssr::audit(
            &mut tx,
            &caller,
            "admission.application.withdraw",
            "admission_application",
            application_id,
            college,
            serde_json::json!({
            "status": "withdrawn", "before": app.status.code() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The committee's campaigns and the colleges it may open one for.
#[server(prefix = "/api", endpoint = "admission/committee")]
pub async fn committee_view() -> Result<CommitteeHome, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::AdmissionManage)?;
        let st = crate::api::state()?;
        let scope = crate::admin::store::subtree(&st.db, &caller.scope_roots(Permission::AdmissionManage)).await?;
        let colleges = crate::records::store::colleges_among(&st.db, &scope).await?;
        let ids: Vec<i64> = colleges.iter().map(|c| c.0).collect();
        let campaigns = super::store::campaigns_of(&st.db, &ids).await?;
        Ok(CommitteeHome { colleges, campaigns })
    })
    .await
}

/// Opens a college's campaign for a year (one per college and year).
#[server(prefix = "/api", endpoint = "admission/campaign/create")]
pub async fn create_campaign(college_id: i64, year: String, title: String, max_choices: String) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::AdmissionManage)?;
        let st = crate::api::state()?;
        caller.require(&st.db, Permission::AdmissionManage, college_id).await?;
        if crate::admin::store::kind_of(&st.db, college_id).await? != Some(crate::admin::model::OrgKind::College) {
            return Err(AppError::field("college_id", Msg::ErrUnknownOrganisation));
        }
        let mut fields = crate::error::Fields::new();
        let year = fields.check("year", year.trim().parse::<i64>().ok().filter(|y| (2020..=2100).contains(y)).ok_or(Msg::ErrAdmYear));
        let title = fields.check("title", crate::auth::model::parse_name(&title));
        let max_choices = fields.check(
            "max_choices",
            max_choices.trim().parse::<i64>().ok().filter(|n| (1..=super::model::MAX_CHOICES).contains(n)).ok_or(Msg::ErrAdmMaxChoices),
        );
        fields.finish()?;
        let (year, title, max_choices) =
            (year.ok_or(AppError::Internal)?, title.ok_or(AppError::Internal)?, max_choices.ok_or(AppError::Internal)?);
        let mut tx = st.db.begin().await?;
        let id = super::store::insert_campaign(&mut tx, college_id, year, &title, max_choices, crate::api::now_ms())
            .await?
            .ok_or(AppError::field("year", Msg::ErrAdmCampaignExists))?;
        ssr::audit(
            &mut tx,
            &caller,
            "admission.campaign.create",
            "admission_campaign",
            id,
            college_id,
            serde_json::json!({
            "year": year, "title": title, "max_choices": max_choices }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// Adds a specialty × language of study to an open campaign, or sets its places again: the
/// state-order places, whether it ranks by an entrance test, and the quota places of each
/// category (together no more than the places).
#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "admission/offer/save")]
pub async fn save_offer(
    campaign_id: i64,
    specialty_code: String,
    specialty_name: String,
    study_language: String,
    places: String,
    entrance_test: String,
    quota_disability: String,
    quota_orphan: String,
    quota_rural: String,
    quota_large_family: String,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use super::model::CampaignStatus;
        use crate::auth::model::Permission;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::AdmissionManage)?;
        let st = crate::api::state()?;
        let campaign = ssr::committee_campaign(&st.db, &caller, campaign_id).await?;
        let mut errors: Vec<crate::error::FieldError> = Vec::new();
        // The specialty as a group's profile takes it (code of letters and digits, a name).
        let profile = crate::admin::model::GroupProfile::check(&specialty_code, &specialty_name, "1", "full_time", &study_language);
        let profile = match profile {
            Ok(p) => Some(p),
            Err(e) => {
                errors.extend(e.into_iter().map(|(f, msg)| crate::error::FieldError { field: f.to_string(), msg }));
                None
            }
        };
        let seats = match super::model::check_places(&places, [&quota_disability, &quota_orphan, &quota_rural, &quota_large_family]) {
            Ok(s) => Some(s),
            Err(e) => {
                errors.extend(e.into_iter().map(|(field, msg)| crate::error::FieldError { field, msg }));
                None
            }
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (profile, (places, quotas)) = (profile.ok_or(AppError::Internal)?, seats.ok_or(AppError::Internal)?);
        let offer = super::model::Offer {
            id: 0,
            specialty_code: profile.specialty_code,
            specialty_name: profile.specialty_name,
            language: profile.study_language,
            places,
            entrance_test: entrance_test.trim() == "yes",
            quotas,
        };
        let mut tx = st.db.begin().await?;
        if super::store::campaign_status(&mut tx, campaign_id).await? != Some(CampaignStatus::Open) {
            return Err(AppError::Refused(Msg::ErrAdmCampaignClosed));
        }
        let id = super::store::save_offer(&mut tx, campaign_id, &offer).await?;
        ssr::audit(
            &mut tx,
            &caller,
            "admission.offer.save",
            "admission_offer",
            id,
            campaign.college_id,
            serde_json::json!({
            "campaign_id": campaign_id, "specialty_code": offer.specialty_code, "study_language": offer.language.code(),
            "places": places, "entrance_test": offer.entrance_test, "quotas": quotas }),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// A campaign for its committee: its offers, applications (with IIN and contacts) and the
/// college's groups to enrol into.
#[server(prefix = "/api", endpoint = "admission/committee/campaign")]
pub async fn campaign_for_committee(campaign_id: i64) -> Result<CommitteeCampaign, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::AdmissionManage)?;
        let st = crate::api::state()?;
        let campaign = ssr::committee_campaign(&st.db, &caller, campaign_id).await?;
        let applications = super::store::applications_of_campaign(&st.db, campaign_id).await?;
        let groups = crate::records::store::groups_of(&st.db, campaign.college_id)
            .await?
            .into_iter()
            .map(|g| super::model::GroupOption {
                id: g.id,
                name: g.name,
                specialty_code: g.profile.as_ref().map(|p| p.specialty_code.clone()).unwrap_or_default(),
                language: g.profile.as_ref().map(|p| p.study_language),
            })
            .collect();
        Ok(CommitteeCampaign { campaign, applications, groups })
    })
    .await
}

/// The committee accepts an application into the competition ("accept") or returns it for
/// correction with a comment ("return"), while the campaign is open. Audited.
#[server(prefix = "/api", endpoint = "admission/review")]
pub async fn review(application_id: i64, decision: String, comment: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use super::model::{ApplicationStatus, CampaignStatus};
        use crate::auth::model::Permission;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::AdmissionManage)?;
        let st = crate::api::state()?;
        let (_, campaign_id, college) = super::store::owner(&st.db, application_id).await?.ok_or(AppError::Forbidden)?;
        caller.require(&st.db, Permission::AdmissionManage, college).await?;
        let comment = comment.trim().to_string();
        let status = match decision.as_str() {
            "accept" => ApplicationStatus::Accepted,
            "return" => ApplicationStatus::Returned,
            _ => return Err(AppError::field("decision", Msg::ErrRequired)),
        };
        if status == ApplicationStatus::Returned && comment.is_empty() {
            return Err(AppError::field("comment", Msg::ErrAdmCommentRequired));
        }
        if comment.chars().count() > 1000 {
            return Err(AppError::field("comment", Msg::ErrTooLong));
        }
        // Read before the transaction: a request must never wait for a second pool connection
        // while it holds one (many at once would take every connection and wait for each other).
        let campaign = super::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::NotFound)?;
        let mut tx = st.db.begin().await?;
        // Two committee members deciding at once go one after the other; the second finds the
        // decision made (and tells nobody twice).
        st.db.lock_row(&mut tx, "admission_applications", application_id).await?;
        if super::store::campaign_status(&mut tx, campaign_id).await? != Some(CampaignStatus::Open) {
            return Err(AppError::Refused(Msg::ErrAdmCampaignClosed));
        }
        let app = super::store::application(&mut tx, application_id).await?.ok_or(AppError::NotFound)?;
        if app.status == ApplicationStatus::Withdrawn {
            return Err(AppError::Refused(Msg::ErrAdmWithdrawn));
        }
        if app.status == status && app.comment == comment {
            return Ok(());
        }
        let now = crate::api::now_ms();
        super::store::set_status(&mut tx, application_id, status, &comment, now).await?;
        // The applicant hears of it by the channels they chose: a return asks them to act while
        // the campaign is open; an acceptance means the receipt is ready.
        let told = match status {
            ApplicationStatus::Returned => crate::notify::Event::returned(
                app.user_id,
                &format!("admission:{application_id}"),
                now,
                crate::notify::events::Arg::Text(campaign.title.clone()),
                &app.number,
                &comment,
            ),
            _ => crate::notify::Event::admission_accepted(app.user_id, application_id, now, &campaign.title, &app.number),
        };
        crate::notify::event(&mut tx, told).await?;
        ssr::audit(
            &mut tx,
            &caller,
            "admission.application.review",
            "admission_application",
            application_id,
            college,
            serde_json::json!({
            "before": app.status.code(), "status": status.code(), "comment": comment }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The ranking as it would be published now (nothing is written); once published, the
/// published lists.
#[server(prefix = "/api", endpoint = "admission/ranking/preview")]
pub async fn preview_ranking(campaign_id: i64) -> Result<CampaignLists, AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::AdmissionManage)?;
        let st = crate::api::state()?;
        let campaign = ssr::committee_campaign(&st.db, &caller, campaign_id).await?;
        let applications = super::store::applications_of_campaign(&st.db, campaign_id).await?;
        let ranking = ssr::compute(&campaign, &applications);
        Ok(ssr::lists(&campaign, &applications, &ranking, campaign.status == super::model::CampaignStatus::Published))
    })
    .await
}

/// Publishes the ranking: the lists are written as computed and the campaign closes to
/// applications, in one transaction with its audit row. Publishing again changes nothing.
#[server(prefix = "/api", endpoint = "admission/ranking/publish")]
pub async fn publish_ranking(campaign_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        use super::model::CampaignStatus;
        use crate::auth::model::Permission;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::AdmissionManage)?;
        let st = crate::api::state()?;
        let campaign = ssr::committee_campaign(&st.db, &caller, campaign_id).await?;
        let mut tx = st.db.begin().await?;
        // Published once: a second publisher at the same moment waits, then finds it published.
        st.db.lock_row(&mut tx, "admission_campaigns", campaign_id).await?;
        if super::store::campaign_status(&mut tx, campaign_id).await? != Some(CampaignStatus::Open) {
            return Ok(());
        }
        // Read inside the transaction's snapshot of the campaign: what is published is what was ranked.
        let campaign = super::model::Campaign { offers: super::store::offers(&mut *tx, campaign_id).await?, ..campaign };
        let applications = super::store::applications_of_campaign_in(&mut tx, campaign_id).await?;
        let ranking = ssr::compute(&campaign, &applications);
        let rows: Vec<(i64, i64, i64, i64, super::model::Outcome)> = ranking
            .lists
            .iter()
            .flat_map(|(offer, lines)| lines.iter().map(move |l| (*offer, l.position, l.applicant, l.score, l.outcome)))
            .collect();
        super::store::publish(&mut tx, campaign_id, &rows, crate::api::now_ms()).await?;
        // Every applicant in the competition hears of their outcome, in the same transaction.
        for a in applications.iter().filter(|a| a.status == super::model::ApplicationStatus::Accepted) {
            let won = ranking.placed.get(&a.id).and_then(|(offer, _)| campaign.offers.iter().find(|o| o.id == *offer));
            let specialty = won.map(|o| format!("{} {}", o.specialty_code, o.specialty_name));
            let told = crate::notify::Event::admission_outcome(a.user_id, a.id, &campaign.title, &a.number, specialty.as_deref());
            crate::notify::event(&mut tx, told).await?;
        }
        ssr::audit(
            &mut tx,
            &caller,
            "admission.ranking.publish",
            "admission_campaign",
            campaign_id,
            campaign.college_id,
            serde_json::json!({
            "placed": ranking.placed.len(), "lines": rows.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Enrols a placed applicant into a group of the college of their specialty and language: the
/// student's group membership and an "enrolled" movement (student records), in one
/// transaction with its audit row. A second enrolment of the same application writes nothing.
#[server(prefix = "/api", endpoint = "admission/enrol")]
pub async fn enrol(application_id: i64, group_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::auth::model::Permission;
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        caller.require_anywhere(Permission::AdmissionManage)?;
        let st = crate::api::state()?;
        let (_, campaign_id, college) = super::store::owner(&st.db, application_id).await?.ok_or(AppError::Forbidden)?;
        caller.require(&st.db, Permission::AdmissionManage, college).await?;
        let campaign = super::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::NotFound)?;
        let mut tx = st.db.begin().await?;
        st.db.lock_row(&mut tx, "admission_applications", application_id).await?;
        let (user_id, placed, enrolled) = super::store::enrolment_facts(&mut tx, application_id).await?.ok_or(AppError::NotFound)?;
        if enrolled.is_some() {
            return Ok(());
        }
        let offer = placed.and_then(|o| campaign.offers.iter().find(|x| x.id == o)).ok_or(AppError::Refused(Msg::ErrAdmNotPlaced))?;
        if crate::records::store::college_of(&mut *tx, group_id).await?.map(|c| c.0) != Some(college) {
            return Err(AppError::field("group_id", Msg::ErrRecGroupNotInCollege));
        }
        let profile = crate::admin::store::group_profile(&mut *tx, group_id).await?;
        if !profile.as_ref().is_some_and(|p| p.specialty_code == offer.specialty_code && p.study_language == offer.language) {
            return Err(AppError::field("group_id", Msg::ErrAdmGroupSpecialty));
        }
        if !crate::records::store::student_groups(&mut *tx, user_id).await?.is_empty() {
            return Err(AppError::field("group_id", Msg::ErrRecInOtherGroup));
        }
        let app = super::store::application(&mut tx, application_id).await?.ok_or(AppError::NotFound)?;
        let now = crate::api::now_ms();
        super::store::give_iin(&mut tx, user_id, &app.iin).await?;
        crate::auth::store::grant(&mut tx, user_id, crate::auth::model::Role::Student, group_id).await?;
        let today = crate::journal::semester::Date::from_epoch_ms(now).to_string();
        crate::records::store::add_movement(
            &mut tx,
            &crate::records::store::NewMovement {
                student_id: user_id,
                kind: crate::records::model::MovementKind::Enrolled,
                on_date: &today,
                from_group: None,
                to_group: Some(group_id),
                reason: &app.number,
                recorded_by: caller.user_id,
                recorded_at: now,
            },
        )
        .await?;
        super::store::set_enrolled(&mut tx, application_id, group_id, now).await?;
        let group = crate::records::store::group_name(&mut *tx, group_id).await?.unwrap_or_default();
        crate::notify::event(&mut tx, crate::notify::Event::admission_enrolled(user_id, application_id, &campaign.title, &group)).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("admission.enrol", Some(caller.user_id), &caller.ip, user_id).org(Some(group_id)).after(
                serde_json::json!({ "application_id": application_id, "number": app.number, "offer_id": offer.id, "group_id": group_id }),
            ),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Public: the published campaigns with their specialties (no sign-in).
#[server(prefix = "/api", endpoint = "admission/lists")]
pub async fn published_campaigns() -> Result<Vec<Campaign>, AppError> {
    crate::api::respond(async move {
        let st = crate::api::state()?;
        super::store::campaigns_with_status(&st.db, super::model::CampaignStatus::Published).await
    })
    .await
}

/// Public: one specialty's published ranked list: place, application number, masked name,
/// score, categories and outcome; never an IIN or a contact. None before publication.
#[server(prefix = "/api", endpoint = "admission/list")]
pub async fn public_list(offer_id: i64) -> Result<Option<PublishedList>, AppError> {
    crate::api::respond(async move {
        use super::model::*;
        let st = crate::api::state()?;
        let Some(campaign_id) = super::store::campaign_of_offer(&st.db, offer_id).await? else { return Ok(None) };
        let Some(campaign) = super::store::campaign(&st.db, campaign_id).await? else { return Ok(None) };
        if campaign.status != CampaignStatus::Published {
            return Ok(None);
        }
        let offer = campaign.offers.iter().find(|o| o.id == offer_id).cloned().ok_or(AppError::NotFound)?;
        let lines = super::store::published_lines(&st.db, offer_id)
            .await?
            .into_iter()
            .map(|r| ListLine {
                position: r.position,
                number: application_number(campaign.year, r.application_id),
                name: masked_name(&r.full_name),
                score: r.score,
                categories: Category::split(&r.categories),
                outcome: Outcome::from_code(&r.outcome).unwrap_or(Outcome::NotPlaced),
                application_id: None,
                honours: None,
                profile_score: None,
                submitted_at: None,
            })
            .collect();
        Ok(Some(PublishedList {
            campaign: campaign.title,
            college: campaign.college,
            year: campaign.year,
            list: OfferList { offer, lines },
        }))
    })
    .await
}

/// Public: the check behind a receipt's QR code (no sign-in). The name is masked as on the
/// public lists, and nothing else personal is shown; a receipt is valid while the documents
/// stand accepted (a withdrawn or returned application's is not).
#[server(prefix = "/api", endpoint = "admission/verify")]
pub async fn verify_receipt(code: String) -> Result<CheckedReceipt, AppError> {
    crate::api::respond(async move {
        use super::model::{masked_name, ApplicationStatus};
        let st = crate::api::state()?;
        let code = code.trim();
        if code.is_empty() || code.len() > 100 {
            return Err(AppError::NotFound);
        }
        let (a, college, campaign) = super::store::by_receipt_code(&st.db, code).await?.ok_or(AppError::NotFound)?;
        Ok(CheckedReceipt {
            number: a.number,
            person: masked_name(&a.full_name),
            college,
            campaign,
            accepted_at: a.accepted_at.unwrap_or(0),
            status: a.status,
            valid: a.status == ApplicationStatus::Accepted,
        })
    })
    .await
}
