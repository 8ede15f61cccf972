//! Winners' placement into specialised schools (OLY-5).
//!
//! - The operator keeps the campaign's registry: directory schools (by code) and their seats.
//! - A winner of a published campaign applies while the applications window is open: up to
//!   three schools in order of preference, and documents (PDF, JPEG or PNG, checked by content).
//!   Applying again replaces the choices; nothing is half written.
//! - Each school's director or administrator (`olympiad.admit` on the school) sees who applied
//!   to it, with their places and documents.
//! - After the window the operator places everyone by rank ([`place`]): each winner in turn,
//!   best first, gets the first school of their list that still has a seat. Running it again
//!   gives the same result (a changed ranking or registry gives the new one).
//! - A family looks the result up with the IIN and the number of a winner's diploma (a pair
//!   only they hold; an IIN alone would tell anyone about any child).

#[cfg(feature = "ssr")]
use super::store;
use crate::error::AppError;
// The registry's rows are read by the store too, so they live in the olympiad's model.
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
pub use crate::olympiad::model::RegistrySchool;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Schools an application lists at most.
pub const MAX_CHOICES: usize = 3;
/// Documents an application carries at most, and their size.
pub const MAX_FILES: i64 = 3;
pub const MAX_FILE: usize = 5 * 1024 * 1024;

/// A winner as the placement orders them: the best place won in any subject (1 is best), the
/// score of that result, its time used, then who applied first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub application_id: i64,
    pub best_place: i64,
    pub score: i64,
    pub time_used_ms: i64,
    pub submitted_at: i64,
    /// School ids in order of preference.
    pub choices: Vec<i64>,
}

/// Places every candidate: in rank order (best place, higher score, less time, earlier
/// application), each takes the first school of their list with a seat left. Returns, for every
/// application, the school it was placed in (None: no seat in any school it chose).
pub fn place(candidates: &[Candidate], seats: &HashMap<i64, i64>) -> Vec<(i64, Option<i64>)> {
    let mut order: Vec<&Candidate> = candidates.iter().collect();
    order.sort_by_key(|c| (c.best_place, -c.score, c.time_used_ms, c.submitted_at, c.application_id));
    let mut left = seats.clone();
    order
        .into_iter()
        .map(|c| {
            let school = c.choices.iter().copied().find(|s| left.get(s).is_some_and(|n| *n > 0));
            if let Some(s) = school {
                *left.get_mut(&s).expect("found above") -= 1;
            }
            (c.application_id, school)
        })
        .collect()
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementFacts {
    pub schools: Vec<RegistrySchool>,
    pub applications: i64,
    pub placed: i64,
    pub placed_at: Option<i64>,
}

/// A campaign the caller won, with their application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyApplication {
    pub campaign_id: i64,
    pub campaign: String,
    pub opens_at: i64,
    pub closes_at: i64,
    /// The registry: (school id, name).
    pub schools: Vec<(i64, String)>,
    /// Chosen school ids in order (empty: not applied yet).
    pub choices: Vec<i64>,
    pub files: Vec<String>,
    pub submitted_at: Option<i64>,
    pub result: Option<PlacementResult>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlacementResult {
    Placed(String),
    NoSeat,
}

/// A winner who applied to the caller's school.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    pub application_id: i64,
    pub to_school: String,
    pub full_name: String,
    pub from_school: String,
    pub grade: i64,
    /// Where this school stands in the applicant's list (1 = first choice).
    pub preference: i64,
    pub best_place: i64,
    pub files: Vec<String>,
    /// Some(true) placed here, Some(false) placed elsewhere or nowhere; None before placement.
    pub placed_here: Option<bool>,
}

/// What a family's look-up tells.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyAnswer {
    pub full_name: String,
    pub campaign: String,
    /// None: applied, not placed yet; Some(NoSeat) / Some(Placed(school)) after placement.
    pub result: Option<PlacementResult>,
    pub applied: bool,
}

/// The operator's view of a campaign's placement.
#[server(prefix = "/api", endpoint = "olympiad/placement")]
pub async fn placement_state(campaign_id: i64) -> Result<PlacementFacts, AppError> {
    crate::api::respond(async move {
        let (_, st) = crate::olympiad::ssr::require_operator().await?;
        ssr::state(&st.db, campaign_id).await
    })
    .await
}

/// Puts a directory school (by its code) into the campaign's registry with `seats`, or changes
/// its seats; 0 seats takes it out.
#[server(prefix = "/api", endpoint = "olympiad/placement/school")]
pub async fn set_specialised_school(campaign_id: i64, code: String, seats: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        let (caller, st) = crate::olympiad::ssr::require_operator().await?;
        let mut fields = crate::error::Fields::new();
        let school = store::school_by_code(&st.db, code.trim()).await?;
        if school.is_none() {
            fields.add("code", if code.trim().is_empty() { Msg::ErrRequired } else { Msg::ErrOlyUnknownSchoolCode });
        }
        let seats = match seats.trim().parse::<i64>() {
            Ok(n) if (0..=10_000).contains(&n) => Some(n),
            _ => {
                fields.add("seats", Msg::ErrOlySeats);
                None
            }
        };
        fields.finish()?;
        let (Some(school), Some(seats)) = (school, seats) else { return Err(AppError::BadRequest) };
        crate::olympiad::campaign::store::campaign(&st.db, campaign_id)
            .await?
            .ok_or(AppError::field("campaign_id", Msg::ErrOlyNoCampaign))?;
        let mut tx = st.db.begin().await?;
        if seats == 0 {
            store::remove_school(&mut tx, campaign_id, school).await?;
        } else {
            store::set_seats(&mut tx, campaign_id, school, seats).await?;
        }
        crate::olympiad::ssr::audit(
            &mut tx,
            &caller,
            "olympiad.placement.school",
            campaign_id,
            None,
            Some(serde_json::json!({ "school": school, "seats": seats })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Places every applicant of the campaign by rank; refused while applications are open.
#[server(prefix = "/api", endpoint = "olympiad/placement/run")]
pub async fn run_placement(campaign_id: i64) -> Result<PlacementFacts, AppError> {
    crate::api::respond(async move {
        let (caller, st) = crate::olympiad::ssr::require_operator().await?;
        let campaign = crate::olympiad::campaign::store::campaign(&st.db, campaign_id)
            .await?
            .ok_or(AppError::field("campaign_id", Msg::ErrOlyNoCampaign))?;
        let now = crate::api::now_ms();
        if now < campaign.stages.applications_closes {
            return Err(AppError::Refused(Msg::ErrOlyApplicationsStillOpen));
        }
        let mut tx = st.db.begin().await?;
        let (placed, unplaced) = ssr::run(&mut tx, campaign_id, now).await?;
        crate::olympiad::ssr::audit(
            &mut tx,
            &caller,
            "olympiad.placement.run",
            campaign_id,
            None,
            Some(serde_json::json!({ "placed": placed, "unplaced": unplaced })),
        )
        .await?;
        tx.commit().await?;
        ssr::state(&st.db, campaign_id).await
    })
    .await
}

/// The campaigns the caller won, each with the registry and the caller's application.
#[server(prefix = "/api", endpoint = "olympiad/applications/mine")]
pub async fn my_applications() -> Result<Vec<MyApplication>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::mine(&st.db, caller.user_id).await
    })
    .await
}

/// Applies (or changes the application) with up to three schools in order: `choice1` is
/// required, `choice2` and `choice3` may be empty. Only winners, only in the window.
#[server(prefix = "/api", endpoint = "olympiad/applications/send")]
pub async fn submit_application(campaign_id: i64, choice1: String, choice2: String, choice3: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let now = crate::api::now_ms();
        let mine = ssr::mine(&st.db, caller.user_id).await?;
        let app = mine.iter().find(|a| a.campaign_id == campaign_id).ok_or(AppError::Forbidden)?;
        ssr::require_window(app, now)?;
        let mut fields = crate::error::Fields::new();
        let mut choices: Vec<i64> = Vec::new();
        for (name, raw) in [("choice1", &choice1), ("choice2", &choice2), ("choice3", &choice3)] {
            if raw.trim().is_empty() {
                if name == "choice1" {
                    fields.add(name, Msg::ErrRequired);
                }
                continue;
            }
            match raw.trim().parse::<i64>() {
                Ok(id) if !app.schools.iter().any(|(s, _)| *s == id) => fields.add(name, Msg::ErrOlyNotInRegistry),
                Ok(id) if choices.contains(&id) => fields.add(name, Msg::ErrOlyChoiceRepeated),
                Ok(id) => choices.push(id),
                Err(_) => fields.add(name, Msg::ErrOlyNotInRegistry),
            }
        }
        fields.finish()?;
        let participant = store::winner_participant(&st.db, caller.user_id, campaign_id).await?.ok_or(AppError::Forbidden)?;
        let mut tx = st.db.begin().await?;
        let id = store::save_application(&mut tx, campaign_id, participant, now).await?;
        store::set_choices(&mut tx, id, &choices).await?;
        crate::olympiad::ssr::audit(
            &mut tx,
            &caller,
            "olympiad.application.submit",
            campaign_id,
            None,
            Some(serde_json::json!({ "application": id, "choices": choices })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Attaches a document to the caller's application (fields: campaign_id, file). The same name
/// again replaces it, so a retried upload leaves one copy.
#[server(prefix = "/api", endpoint = "olympiad/applications/file", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn attach_application_file(data: leptos::server_fn::codec::MultipartData) -> Result<Vec<String>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let upload = crate::media::read_upload(data, MAX_FILE).await?;
        let campaign_id = upload.id("campaign_id").ok_or(AppError::BadRequest)?;
        let now = crate::api::now_ms();
        let mine = ssr::mine(&st.db, caller.user_id).await?;
        let app = mine.iter().find(|a| a.campaign_id == campaign_id).ok_or(AppError::Forbidden)?;
        ssr::require_window(app, now)?;
        let participant = store::winner_participant(&st.db, caller.user_id, campaign_id).await?.ok_or(AppError::Forbidden)?;
        let id = store::application_of(&st.db, participant).await?.ok_or(AppError::Refused(Msg::ErrOlyApplyFirst))?;
        match crate::exam::tickets::sniff_file(&upload.file_name, &upload.bytes) {
            Ok("application/pdf" | "image/jpeg" | "image/png") => {}
            Err(Msg::ErrRequired) => return Err(AppError::field("file", Msg::ErrRequired)),
            // Another kind, or bytes that are no known kind: this form says which it takes.
            _ => return Err(AppError::field("file", Msg::ErrOlyDocumentKind)),
        }
        let name = crate::media::safe_name(&upload.file_name);
        if !app.files.contains(&name) && app.files.len() as i64 >= MAX_FILES {
            return Err(AppError::field("file", Msg::ErrOlyTooManyDocuments));
        }
        let key = format!("olympiad/applications/{id}/{name}");
        st.media.put(&key, upload.bytes.clone()).await?;
        store::save_file(
            &st.db,
            store::NewFile { application_id: id, file_name: &name, media_key: &key, bytes: upload.bytes.len() as i64, uploaded_at: now },
        )
        .await?;
        store::files(&st.db, id).await
    })
    .await
}

/// The winners who applied to the schools the caller admits for, best first.
#[server(prefix = "/api", endpoint = "olympiad/applicants")]
pub async fn school_applicants() -> Result<Vec<Applicant>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        caller.require_anywhere(crate::auth::model::Permission::OlympiadAdmit)?;
        ssr::applicants(&st.db, &caller).await
    })
    .await
}

/// Look-ups that found nothing allowed per address, and per diploma number from all
/// addresses, in an hour.
pub const LOOKUP_MISSES_PER_ADDRESS: i64 = 20;
pub const LOOKUP_MISSES_PER_NUMBER: i64 = 50;
#[cfg(feature = "ssr")]
const HOUR_MS: i64 = 3_600_000;

/// Public: the placement of the winner with this IIN and diploma number (None: no such pair).
#[server(prefix = "/api", endpoint = "olympiad/placement/lookup")]
pub async fn family_lookup(iin: String, number: String) -> Result<Option<FamilyAnswer>, AppError> {
    crate::api::respond(async move {
        let st = crate::api::state()?;
        let mut fields = crate::error::Fields::new();
        let iin = crate::auth::iin::Iin::parse_field(&iin).map_err(|m| fields.add("iin", m)).ok();
        let number = crate::olympiad::results::certificates::normalize_number(&number);
        if number.is_none() {
            fields.add("number", Msg::ErrOlyCertNumberFormat);
        }
        fields.finish()?;
        let (Some(iin), Some(number)) = (iin, number) else { return Err(AppError::BadRequest) };
        // What the limits stop is guessing: a diploma number is printed (and its QR page is
        // public), and an IIN is a birth date and a few digits, so the IIN of a known number's
        // winner is within reach of enough tries. Misses count, per address and per diploma
        // number from all addresses; a found answer is taken back, so a family looking again is
        // not refused. A refused address stops before it uses up the number's allowance.
        let ip = crate::auth::ssr::caller_ip();
        let address_bucket = format!("placement:ip:{ip}");
        if !crate::auth::ssr::rate_limit(&st.db, &address_bucket, LOOKUP_MISSES_PER_ADDRESS, HOUR_MS).await? {
            return Err(AppError::RateLimited);
        }
        let number_bucket = format!("placement:number:{number}");
        if !crate::auth::ssr::rate_limit(&st.db, &number_bucket, LOOKUP_MISSES_PER_NUMBER, HOUR_MS).await? {
            return Err(AppError::RateLimited);
        }
        let answer = ssr::lookup(&st.db, iin.as_str(), &number).await?;
        if answer.is_some() {
            crate::auth::ssr::forgive_hit(&st.db, &address_bucket).await?;
            crate::auth::ssr::forgive_hit(&st.db, &number_bucket).await?;
        }
        Ok(answer)
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use sqlx::{Any, Transaction};

    pub async fn state(db: &Db, campaign_id: i64) -> Result<PlacementFacts, AppError> {
        let schools = store::registry_schools(db, campaign_id).await?;
        let (applications, placed, placed_at) = store::application_counts(db, campaign_id).await?;
        Ok(PlacementFacts { schools, applications, placed, placed_at })
    }

    pub fn require_window(app: &MyApplication, now: i64) -> Result<(), AppError> {
        if now < app.opens_at {
            Err(AppError::Refused(Msg::ErrOlyApplicationsNotOpen))
        } else if now >= app.closes_at {
            Err(AppError::Refused(Msg::ErrOlyApplicationsClosed))
        } else {
            Ok(())
        }
    }

    pub async fn mine(db: &Db, user_id: i64) -> Result<Vec<MyApplication>, AppError> {
        let campaigns = store::won_campaigns(db, user_id).await?;
        let mut out = Vec::new();
        for c in campaigns {
            let schools = store::registry(db, c.id).await?;
            let application = store::application(db, c.participant_id).await?;
            let (mut choices_of, mut files_of, mut submitted_at, mut result) = (Vec::new(), Vec::new(), None, None);
            if let Some(a) = &application {
                choices_of = store::choices(db, a.id).await?;
                files_of = store::files(db, a.id).await?;
                submitted_at = Some(a.submitted_at);
                result = placement_result(db, a.placed_at, a.placed_school_id).await?;
            }
            out.push(MyApplication {
                campaign_id: c.id,
                campaign: c.title,
                opens_at: c.applications_opens,
                closes_at: c.applications_closes,
                schools,
                choices: choices_of,
                files: files_of,
                submitted_at,
                result,
            });
        }
        Ok(out)
    }

    async fn placement_result(db: &Db, placed_at: Option<i64>, school: Option<i64>) -> Result<Option<PlacementResult>, AppError> {
        Ok(match (placed_at, school) {
            (None, _) => None,
            (Some(_), None) => Some(PlacementResult::NoSeat),
            (Some(_), Some(s)) => Some(PlacementResult::Placed(crate::journal::store::org_name(db, s).await?)),
        })
    }

    /// Places the campaign's applicants (see [`place`]) and stores the result. Returns (placed,
    /// without a seat).
    pub async fn run(tx: &mut Transaction<'_, Any>, campaign_id: i64, now: i64) -> Result<(i64, i64), AppError> {
        let seats = store::seats(tx, campaign_id).await?;
        // Each applicant's best winning result: the lowest place, then its score and time.
        let rows = store::application_results(tx, campaign_id).await?;
        let mut best: HashMap<i64, Candidate> = HashMap::new();
        for r in rows {
            let c = Candidate {
                application_id: r.id,
                best_place: r.place,
                score: r.score,
                time_used_ms: r.time_used_ms,
                submitted_at: r.submitted_at,
                choices: Vec::new(),
            };
            let better = best
                .get(&c.application_id)
                .is_none_or(|b| (c.best_place, -c.score, c.time_used_ms) < (b.best_place, -b.score, b.time_used_ms));
            if better {
                best.insert(c.application_id, c);
            }
        }
        for (application, school) in store::campaign_choices(tx, campaign_id).await? {
            if let Some(c) = best.get_mut(&application) {
                c.choices.push(school);
            }
        }
        let candidates: Vec<Candidate> = best.into_values().collect();
        // Applicants who are no longer winners (an annulment after applying) get no seat.
        store::clear_placement(tx, campaign_id, now).await?;
        let (mut placed, mut unplaced) = (0, 0);
        let mut title: Option<String> = None;
        for (application, school) in place(&candidates, &seats) {
            if school.is_some() {
                placed += 1;
            } else {
                unplaced += 1;
            }
            store::set_placed(tx, application, school).await?;
            // The applicant is told the decision; the same outcome again tells nothing.
            if let Some(user_id) = store::applicant_user_in(tx, application).await? {
                if title.is_none() {
                    title = Some(crate::olympiad::results::store::notices::campaign_title(tx, campaign_id).await?);
                }
                let e = crate::notify::Event::placement(user_id, application, school, title.as_deref().unwrap_or_default());
                crate::notify::event(tx, e).await?;
            }
        }
        Ok((placed, unplaced))
    }

    pub async fn applicants(db: &Db, caller: &Caller) -> Result<Vec<Applicant>, AppError> {
        let rows = store::applicant_choices(db).await?;
        let mut allowed: HashMap<i64, bool> = HashMap::new();
        let mut out = Vec::new();
        for r in rows {
            let school = r.school_id;
            if !allowed.contains_key(&school) {
                let ok = caller.require(db, crate::auth::model::Permission::OlympiadAdmit, school).await.is_ok();
                allowed.insert(school, ok);
            }
            if !allowed[&school] {
                continue;
            }
            out.push(Applicant {
                application_id: r.id,
                to_school: r.to_school,
                full_name: r.full_name,
                from_school: r.from_school,
                grade: r.grade,
                preference: r.position,
                best_place: r.best_place.unwrap_or(0),
                files: store::files(db, r.id).await?,
                placed_here: r.placed_at.map(|_| r.placed_school_id == Some(school)),
            });
        }
        out.sort_by(|a, b| (&a.to_school, a.best_place, &a.full_name).cmp(&(&b.to_school, b.best_place, &b.full_name)));
        Ok(out)
    }

    pub async fn lookup(db: &Db, iin: &str, number: &str) -> Result<Option<FamilyAnswer>, AppError> {
        // The number must be a winner's diploma (still valid) of the person with this IIN.
        let Some(r) = store::diploma_holder(db, number, iin).await? else { return Ok(None) };
        let (applied, result) = match store::placement_of(db, r.participant_id).await? {
            None => (false, None),
            Some((placed_at, placed_school_id)) => (true, placement_result(db, placed_at, placed_school_id).await?),
        };
        Ok(Some(FamilyAnswer { full_name: r.full_name, campaign: r.title, result, applied }))
    }
}

/// "/files/olympiad/application/{id}/{name}": a document of an application, for its applicant,
/// the staff of a school it applied to, and operators.
#[cfg(feature = "ssr")]
pub fn routes() -> crate::edge::Routes {
    crate::edge::Routes::new().get("/files/olympiad/application/{id}/{name}", application_file)
}

#[cfg(feature = "ssr")]
async fn application_file(
    axum::extract::State(st): axum::extract::State<crate::state::AppState>,
    caller: crate::auth::ssr::Caller,
    axum::extract::Path((id, name)): axum::extract::Path<(i64, String)>,
) -> Result<crate::edge::Download, AppError> {
    use crate::auth::model::Permission;
    let holder = store::applicant_user(&st.db, id).await?.ok_or(AppError::NotFound)?;
    let operator = caller.require(&st.db, Permission::OlympiadOperate, crate::admin::model::ROOT_ORG_ID).await.is_ok();
    if holder != caller.user_id && !operator {
        let schools = store::chosen_schools(&st.db, id).await?;
        let mut admits = false;
        for s in schools {
            admits |= caller.require(&st.db, Permission::OlympiadAdmit, s).await.is_ok();
        }
        if !admits {
            return Err(AppError::Forbidden);
        }
    }
    let key = store::media_key(&st.db, id, &name).await?;
    let bytes = st.media.get(&key.ok_or(AppError::NotFound)?).await?;
    Ok(crate::exam::tickets::checked_download(name, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: i64, place: i64, score: i64, time: i64, choices: &[i64]) -> Candidate {
        Candidate { application_id: id, best_place: place, score, time_used_ms: time, submitted_at: id, choices: choices.to_vec() }
    }

    #[test]
    fn the_best_ranked_take_their_first_choice_and_the_rest_fall_through() {
        let seats = HashMap::from([(100, 1), (200, 2)]);
        let placed: HashMap<i64, Option<i64>> = place(
            &[
                c(1, 2, 4000, 10, &[100, 200]),
                c(2, 1, 4500, 10, &[100]),
                c(3, 1, 4500, 20, &[100, 200]),
                c(4, 3, 3000, 10, &[200]),
                c(5, 3, 3000, 10, &[100]),
            ],
            &seats,
        )
        .into_iter()
        .collect();
        // 2 (place 1, faster than 3) takes 100's only seat; 3 falls to 200; 1 to 200 as well;
        // 200 is then full, so 4 has nothing left, nor has 5 in 100.
        assert_eq!(placed[&2], Some(100));
        assert_eq!(placed[&3], Some(200));
        assert_eq!(placed[&1], Some(200));
        assert_eq!(placed[&4], None);
        assert_eq!(placed[&5], None);
        // Same input, same answer; a school out of the registry has no seat.
        assert_eq!(place(&[c(9, 1, 1, 1, &[300])], &seats), vec![(9, None)]);
    }

    #[test]
    fn equal_rank_goes_to_who_applied_first() {
        let seats = HashMap::from([(100, 1)]);
        let mut late = c(1, 1, 100, 5, &[100]);
        late.submitted_at = 50;
        let mut early = c(2, 1, 100, 5, &[100]);
        early.submitted_at = 10;
        let result: HashMap<i64, Option<i64>> = place(&[late, early], &seats).into_iter().collect();
        assert_eq!((result[&2], result[&1]), (Some(100), None));
    }
}
