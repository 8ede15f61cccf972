//! Stage 1 of the olympiad (OLY-3): the proctored sitting, built on the exam engine.
//!
//! Every variant — subject × region × grade × language — is an ordinary test-form exam, so the
//! device check, proctoring, autosave, resuming after a lost connection, review and reports
//! are the exams' own. What this module adds:
//! - **Preparing** a campaign's stage (operator): the paper's length and duration, then every
//!   registered participant is seated: the group of their region, grade and language (an
//!   organisation under the region, where they hold the `olympiad_participant` role), and one
//!   exam per subject in the region's window. A pupil registered later is seated at once.
//!   Papers are drawn from the preparing operator's bank for the subject, topic
//!   `"{grade}-{language}"` (e.g. `7-kk`), so each grade and language has its own questions.
//! - **Closing** the window (operator, one region or all): the exams close now, open attempts
//!   are scored, and every finished attempt's score goes into `olympiad_results` (source
//!   `stage1`; a row the operator corrected by import is left as corrected).
//! - **Following verdicts:** a proctor's annulment (or its reversal on appeal) marks the result
//!   annulled in the same transaction, and a ranked campaign is ranked again.
//!
//! Who may call what: all of it is the operator's (`olympiad.operate` on the root); the
//! candidates use the exam pages, which check that they are in the variant's group.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
// Read by the stage's store as it is shown, so it lives in the olympiad's model.
pub use crate::olympiad::model::Variant;
use crate::proctor::settings::ProctorMode;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Paper length bounds (the migration's CHECKs).
pub const QUESTIONS: std::ops::RangeInclusive<i64> = 1..=200;
pub const DURATION_MIN: std::ops::RangeInclusive<i64> = 5..=600;

/// A campaign's stage as the operator sees it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StageState {
    /// None until the stage is prepared.
    pub setup: Option<StageSetup>,
    pub variants: Vec<Variant>,
    /// Registered participants not seated: their region has no window yet.
    pub unseated: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageSetup {
    pub questions: i64,
    pub duration_min: i64,
    /// The devices the variants may be sat on.
    pub proctor_mode: ProctorMode,
    /// The operator whose bank the papers are drawn from.
    pub owner: String,
    pub collected_at: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrepareReport {
    pub seated: i64,
    pub variants: i64,
    pub unseated: i64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectReport {
    /// Attempts still open when the window closed, now scored.
    pub closed_attempts: i64,
    /// Results written or updated from finished attempts.
    pub results: i64,
    /// Results the operator corrected by import, left as they are.
    pub kept_corrections: i64,
    pub reranked: bool,
}

/// The stage of a campaign: settings, variants and their progress.
#[server(prefix = "/api", endpoint = "olympiad/stage")]
pub async fn stage_overview(campaign_id: i64) -> Result<StageState, AppError> {
    crate::api::respond(async move {
        let (_, st) = crate::olympiad::ssr::require_operator().await?;
        ssr::overview(&st.db, campaign_id).await
    })
    .await
}

/// Prepares (or updates) the campaign's stage 1: `questions` per paper, `duration_min`, the
/// devices it may be sat on (`proctor_mode`: "any_device" when empty, since most candidates sit
/// on a phone), then seats every registered participant. Running it again seats whoever is new
/// and applies new settings to papers not yet drawn; attempts already started keep theirs.
#[server(prefix = "/api", endpoint = "olympiad/stage/prepare")]
pub async fn prepare_stage(
    campaign_id: i64,
    questions: String,
    duration_min: String,
    #[server(default)] proctor_mode: String,
) -> Result<PrepareReport, AppError> {
    crate::api::respond(async move {
        let (caller, st) = crate::olympiad::ssr::require_operator().await?;
        let mut fields = crate::error::Fields::new();
        let mut number = |name: &str, text: &str, range: std::ops::RangeInclusive<i64>, wrong: Msg| match text.trim().parse::<i64>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                fields.add(name, if text.trim().is_empty() { Msg::ErrRequired } else { wrong });
                None
            }
        };
        let questions = number("questions", &questions, QUESTIONS, Msg::ErrOlyStageQuestions);
        let duration = number("duration_min", &duration_min, DURATION_MIN, Msg::ErrOlyStageDuration);
        let mode = match proctor_mode.trim() {
            "" => ProctorMode::AnyDevice,
            code => ProctorMode::from_code(code).ok_or(AppError::BadRequest)?,
        };
        fields.finish()?;
        let (Some(questions), Some(duration)) = (questions, duration) else { return Err(AppError::BadRequest) };
        crate::olympiad::campaign::store::campaign(&st.db, campaign_id).await?.ok_or(AppError::field("campaign_id", Msg::ErrOlyNoCampaign))?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let report = ssr::prepare(&mut tx, campaign_id, caller.user_id, questions, duration, mode, now).await?;
        crate::olympiad::ssr::audit(&mut tx, &caller, "olympiad.stage.prepare", campaign_id, None, Some(serde_json::json!({ "questions": questions, "duration_min": duration, "proctor_mode": mode.code(), "seated": report.seated, "variants": report.variants }))).await?;
        tx.commit().await?;
        Ok(report)
    })
    .await
}

/// Closes the stage window now for one region (`region_id`) or all ("" or "all"), scores the
/// attempts still open and writes every finished attempt's result.
#[server(prefix = "/api", endpoint = "olympiad/stage/close")]
pub async fn close_stage(campaign_id: i64, region_id: String) -> Result<CollectReport, AppError> {
    crate::api::respond(async move {
        let (caller, st) = crate::olympiad::ssr::require_operator().await?;
        let region = match region_id.trim() {
            "" | "all" => None,
            r => Some(r.parse::<i64>().map_err(|_| AppError::field("region_id", Msg::ErrUnknownOrganisation))?),
        };
        crate::olympiad::campaign::store::campaign(&st.db, campaign_id)
            .await?
            .ok_or(AppError::field("campaign_id", Msg::ErrOlyNoCampaign))?;
        ssr::close_and_collect(&st.db, &caller, campaign_id, region, crate::api::now_ms()).await
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::ssr::Caller;
    use crate::db::Db;
    use crate::olympiad::stage::seating::{seat_with, topic, Seat};
    use crate::olympiad::stage::store;
    use sqlx::{Any, Transaction};

    pub async fn prepare(
        tx: &mut Transaction<'_, Any>,
        campaign_id: i64,
        operator_id: i64,
        questions: i64,
        duration_min: i64,
        proctor_mode: ProctorMode,
        now: i64,
    ) -> Result<PrepareReport, AppError> {
        // The first operator to prepare owns the papers' bank; later runs change the settings only.
        store::save_stage(tx, campaign_id, operator_id, questions, duration_min, proctor_mode, now).await?;
        let stage = store::stage(tx, campaign_id).await?.ok_or(AppError::Internal)?;
        // Papers not drawn yet follow the new settings (a started attempt keeps its paper and its
        // capture; the devices apply to the attempts that start from now on).
        for v in store::variant_papers(tx, campaign_id).await? {
            let draw = serde_json::json!([[topic(v.grade, &v.language), questions]]).to_string();
            store::redraw(tx, v.exam_id, duration_min, &draw, proctor_mode).await?;
        }
        let participants = store::participants(tx, campaign_id).await?;
        let mut report = PrepareReport::default();
        for id in participants {
            match seat_with(tx, &stage, id, now).await? {
                Seat::Seated => report.seated += 1,
                Seat::NoWindow => report.unseated += 1,
                Seat::Withdrawn => {}
            }
        }
        report.variants = store::variant_count(tx, campaign_id).await?;
        Ok(report)
    }

    pub async fn overview(db: &Db, campaign_id: i64) -> Result<StageState, AppError> {
        let setup = store::setup(db, campaign_id).await?.map(|r| StageSetup {
            questions: r.questions,
            duration_min: r.duration_min,
            proctor_mode: ProctorMode::from_code(&r.proctor_mode).unwrap_or_default(),
            owner: r.full_name,
            collected_at: r.collected_at,
        });
        let Some(setup) = setup else { return Ok(StageState::default()) };
        let mut variants = store::variants(db, campaign_id).await?;
        for v in &mut variants {
            v.needed = setup.questions;
        }
        let unseated = store::unseated(db, campaign_id).await?;
        Ok(StageState { setup: Some(setup), variants, unseated })
    }

    /// Closes the windows (one region or all) at `now`, scores the attempts still open, then
    /// writes the results of all finished attempts of those variants in one transaction.
    pub async fn close_and_collect(
        db: &Db,
        caller: &Caller,
        campaign_id: i64,
        region: Option<i64>,
        now: i64,
    ) -> Result<CollectReport, AppError> {
        let exams = store::variant_exams(db, campaign_id, region).await?;
        if exams.is_empty() {
            return Err(AppError::Refused(Msg::ErrOlyStageNotPrepared));
        }
        let mut tx = db.begin().await?;
        store::close_windows(&mut tx, campaign_id, region, &exams, now).await?;
        tx.commit().await?;
        // Each attempt is scored by the exam engine, as at its deadline; the window is already
        // closed, so no new attempt can start meanwhile.
        let mut report = CollectReport::default();
        for exam in &exams {
            let open = store::open_attempts(db, *exam).await?;
            let open: Vec<(i64, i64)> = open.into_iter().map(|attempt| (attempt, now)).collect();
            crate::exam::store::finalize_all(db, &open).await?;
            report.closed_attempts += open.len() as i64;
        }
        let mut tx = db.begin().await?;
        for exam in &exams {
            for attempt in store::finished_attempts(&mut tx, *exam).await? {
                match write_result(&mut tx, attempt, now).await? {
                    Written::Yes => report.results += 1,
                    Written::KeptCorrection => report.kept_corrections += 1,
                    Written::NotStage => {}
                }
            }
        }
        store::mark_collected(&mut tx, campaign_id, now).await?;
        report.reranked = rerank_if_ranked(&mut tx, campaign_id, now).await?;
        crate::olympiad::ssr::audit(
            &mut tx,
            &caller,
            "olympiad.stage.close",
            campaign_id,
            None,
            Some(serde_json::json!({ "region": region, "closed_attempts": report.closed_attempts, "results": report.results })),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    enum Written {
        Yes,
        KeptCorrection,
        NotStage,
    }

    /// The olympiad result of one finished attempt: score in hundredths, violations confirmed
    /// or still open, time used, and annulled when the verdict says so.
    async fn write_result(tx: &mut Transaction<'_, Any>, attempt_id: i64, now: i64) -> Result<Written, AppError> {
        let Some(r) = store::attempt_result(tx, attempt_id).await? else {
            return Ok(Written::NotStage);
        };
        let annulled = r.verdict == "annulled";
        if r.source.as_deref() == Some("import") {
            // The operator's correction stands; only an annulment still reaches it.
            store::annul_correction(tx, r.participant_id, &r.subject, annulled, now).await?;
            return Ok(Written::KeptCorrection);
        }
        let score = r.score_milli.unwrap_or(0).max(0) / 10;
        let used = (r.submitted_at.unwrap_or(now) - r.started_at).max(0);
        store::save_result(tx, &r, score, used, annulled, now).await?;
        Ok(Written::Yes)
    }

    async fn rerank_if_ranked(tx: &mut Transaction<'_, Any>, campaign_id: i64, now: i64) -> Result<bool, AppError> {
        if let Some((rule, Some(_), _)) = crate::olympiad::results::standings::rule_of(tx, campaign_id).await? {
            crate::olympiad::results::standings::store_ranking(tx, campaign_id, rule, now).await?;
            return Ok(true);
        }
        Ok(false)
    }

    /// A proctoring verdict on an olympiad attempt reaches its result (in the verdict's
    /// transaction): annulled scores nothing and never places; the campaign is ranked again
    /// if it was ranked. Nothing happens for other exams or before results were collected.
    pub async fn follow_verdict(tx: &mut Transaction<'_, Any>, attempt_id: i64, now: i64) -> Result<(), AppError> {
        let Some(campaign) = store::campaign_of_result(tx, attempt_id).await? else { return Ok(()) };
        write_result(tx, attempt_id, now).await?;
        rerank_if_ranked(tx, campaign, now).await?;
        Ok(())
    }
}
