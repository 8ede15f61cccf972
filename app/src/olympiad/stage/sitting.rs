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

/// One variant: its exam, window and progress, and whether the bank holds enough questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub exam_id: i64,
    pub subject: String,
    pub region: String,
    pub grade: i64,
    pub language: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub candidates: i64,
    pub started: i64,
    pub finished: i64,
    /// Questions in the bank's topic for this variant, and how many a paper takes.
    pub in_bank: i64,
    pub needed: i64,
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
    use crate::olympiad::stage::seating::{seat_with, stage, topic, Seat};
    use sqlx::{Any, Row, Transaction};

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
        sqlx::query(
            "INSERT INTO olympiad_stages (campaign_id, owner_id, questions, duration_min, prepared_at, proctor_mode) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (campaign_id) DO UPDATE SET questions = $3, duration_min = $4, prepared_at = $5, proctor_mode = $6",
        )
        .bind(campaign_id)
        .bind(operator_id)
        .bind(questions)
        .bind(duration_min)
        .bind(now)
        .bind(proctor_mode.code())
        .execute(&mut **tx)
        .await?;
        let stage = stage(tx, campaign_id).await?.ok_or(AppError::Internal)?;
        // Papers not drawn yet follow the new settings (a started attempt keeps its paper and its
        // capture; the devices apply to the attempts that start from now on).
        let variants = sqlx::query("SELECT exam_id, grade, language FROM olympiad_stage_exams WHERE campaign_id = $1")
            .bind(campaign_id)
            .fetch_all(&mut **tx)
            .await?;
        for v in &variants {
            let draw = serde_json::json!([[topic(v.try_get("grade")?, &v.try_get::<String, _>("language")?), questions]]).to_string();
            sqlx::query("UPDATE exams SET duration_min = $1, draw = $2, proctor_mode = $3 WHERE id = $4")
                .bind(duration_min)
                .bind(draw)
                .bind(proctor_mode.code())
                .bind(v.try_get::<i64, _>("exam_id")?)
                .execute(&mut **tx)
                .await?;
        }
        let participants: Vec<i64> = sqlx::query_scalar("SELECT id FROM olympiad_participants WHERE campaign_id = $1 ORDER BY id")
            .bind(campaign_id)
            .fetch_all(&mut **tx)
            .await?;
        let mut report = PrepareReport::default();
        for id in participants {
            match seat_with(tx, &stage, id, now).await? {
                Seat::Seated => report.seated += 1,
                Seat::NoWindow => report.unseated += 1,
                Seat::Withdrawn => {}
            }
        }
        report.variants = sqlx::query_scalar("SELECT COUNT(*) FROM olympiad_stage_exams WHERE campaign_id = $1")
            .bind(campaign_id)
            .fetch_one(&mut **tx)
            .await?;
        Ok(report)
    }

    pub async fn overview(db: &Db, campaign_id: i64) -> Result<StageState, AppError> {
        let setup = sqlx::query(
            "SELECT s.questions, s.duration_min, s.proctor_mode, s.collected_at, u.full_name FROM olympiad_stages s JOIN users u ON u.id = s.owner_id WHERE s.campaign_id = $1",
        )
        .bind(campaign_id)
        .fetch_optional(&db.pool)
        .await?
        .map(|r| -> Result<StageSetup, AppError> {
            Ok(StageSetup {
                questions: r.try_get("questions")?,
                duration_min: r.try_get("duration_min")?,
                proctor_mode: ProctorMode::from_code(&r.try_get::<String, _>("proctor_mode")?).unwrap_or_default(),
                owner: r.try_get("full_name")?,
                collected_at: r.try_get("collected_at")?,
            })
        })
        .transpose()?;
        let Some(setup) = setup else { return Ok(StageState::default()) };
        let rows = sqlx::query(
            "SELECT x.exam_id, x.subject, x.grade, x.language, rg.name AS region, e.opens_at, e.closes_at,
                (SELECT COUNT(*) FROM role_assignments ra WHERE ra.org_id = x.group_id AND ra.role = 'olympiad_participant') AS candidates,
                (SELECT COUNT(*) FROM exam_attempts a WHERE a.exam_id = x.exam_id) AS started,
                (SELECT COUNT(*) FROM exam_attempts a WHERE a.exam_id = x.exam_id AND a.submitted_at IS NOT NULL) AS finished,
                (SELECT COUNT(*) FROM exam_questions q WHERE q.owner_id = s.owner_id AND q.subject = x.subject AND q.archived = 0
                    AND q.topic = x.grade || '-' || x.language) AS in_bank
             FROM olympiad_stage_exams x JOIN exams e ON e.id = x.exam_id JOIN organisations rg ON rg.id = x.region_id
             JOIN olympiad_stages s ON s.campaign_id = x.campaign_id
             WHERE x.campaign_id = $1 ORDER BY rg.name, x.grade, x.language, x.subject",
        )
        .bind(campaign_id)
        .fetch_all(&db.pool)
        .await?;
        let variants = rows
            .iter()
            .map(|r| {
                Ok(Variant {
                    exam_id: r.try_get("exam_id")?,
                    subject: r.try_get("subject")?,
                    region: r.try_get("region")?,
                    grade: r.try_get("grade")?,
                    language: r.try_get("language")?,
                    opens_at: r.try_get("opens_at")?,
                    closes_at: r.try_get("closes_at")?,
                    candidates: r.try_get("candidates")?,
                    started: r.try_get("started")?,
                    finished: r.try_get("finished")?,
                    in_bank: r.try_get("in_bank")?,
                    needed: setup.questions,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        // A participant is seated when they hold the role on a group of the campaign's variants.
        let unseated: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM olympiad_participants op WHERE op.campaign_id = $1 AND NOT EXISTS (
                SELECT 1 FROM role_assignments ra JOIN olympiad_stage_exams x ON x.group_id = ra.org_id
                WHERE x.campaign_id = op.campaign_id AND ra.user_id = op.user_id AND ra.role = 'olympiad_participant')",
        )
        .bind(campaign_id)
        .fetch_one(&db.pool)
        .await?;
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
        let exams: Vec<i64> =
            sqlx::query_scalar("SELECT exam_id FROM olympiad_stage_exams WHERE campaign_id = $1 AND ($2 = 0 OR region_id = $2)")
                .bind(campaign_id)
                .bind(region.unwrap_or(0))
                .fetch_all(&db.pool)
                .await?;
        if exams.is_empty() {
            return Err(AppError::Refused(Msg::ErrOlyStageNotPrepared));
        }
        let mut tx = db.begin().await?;
        for exam in &exams {
            sqlx::query("UPDATE exams SET closes_at = $1 WHERE id = $2 AND closes_at > $1").bind(now).bind(exam).execute(&mut *tx).await?;
        }
        sqlx::query(
            "UPDATE olympiad_stage_windows SET closes_at = $1 WHERE campaign_id = $2 AND ($3 = 0 OR region_id = $3) AND closes_at > $1",
        )
        .bind(now)
        .bind(campaign_id)
        .bind(region.unwrap_or(0))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        // Each attempt is scored by the exam engine, as at its deadline; the window is already
        // closed, so no new attempt can start meanwhile.
        let mut report = CollectReport::default();
        for exam in &exams {
            let open: Vec<i64> = sqlx::query_scalar("SELECT id FROM exam_attempts WHERE exam_id = $1 AND submitted_at IS NULL")
                .bind(exam)
                .fetch_all(&db.pool)
                .await?;
            let open: Vec<(i64, i64)> = open.into_iter().map(|attempt| (attempt, now)).collect();
            crate::exam::store::finalize_all(db, &open).await?;
            report.closed_attempts += open.len() as i64;
        }
        let mut tx = db.begin().await?;
        for exam in &exams {
            let attempts: Vec<i64> = sqlx::query_scalar(
                "SELECT id FROM exam_attempts WHERE exam_id = $1 AND submitted_at IS NOT NULL AND score_milli IS NOT NULL",
            )
            .bind(exam)
            .fetch_all(&mut *tx)
            .await?;
            for attempt in attempts {
                match write_result(&mut tx, attempt, now).await? {
                    Written::Yes => report.results += 1,
                    Written::KeptCorrection => report.kept_corrections += 1,
                    Written::NotStage => {}
                }
            }
        }
        sqlx::query("UPDATE olympiad_stages SET collected_at = $1 WHERE campaign_id = $2")
            .bind(now)
            .bind(campaign_id)
            .execute(&mut *tx)
            .await?;
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
        let Some(r) = sqlx::query(
            "SELECT x.campaign_id, x.subject, op.id AS participant_id, a.score_milli, a.started_at, a.submitted_at, a.verdict,
                (SELECT COUNT(*) FROM proctor_violations v WHERE v.attempt_id = a.id AND v.status <> 'dismissed') AS violations,
                (SELECT r.source FROM olympiad_results r WHERE r.participant_id = op.id AND r.subject = x.subject) AS source
             FROM exam_attempts a JOIN olympiad_stage_exams x ON x.exam_id = a.exam_id
             JOIN olympiad_participants op ON op.campaign_id = x.campaign_id AND op.user_id = a.student_id
             WHERE a.id = $1",
        )
        .bind(attempt_id)
        .fetch_optional(&mut **tx)
        .await?
        else {
            return Ok(Written::NotStage);
        };
        let annulled = r.try_get::<String, _>("verdict")? == "annulled";
        if r.try_get::<Option<String>, _>("source")?.as_deref() == Some("import") {
            // The operator's correction stands; only an annulment still reaches it.
            sqlx::query(
                "UPDATE olympiad_results SET annulled = $1, updated_at = $2 WHERE participant_id = $3 AND subject = $4 AND annulled <> $1",
            )
            .bind(i64::from(annulled))
            .bind(now)
            .bind(r.try_get::<i64, _>("participant_id")?)
            .bind(r.try_get::<String, _>("subject")?)
            .execute(&mut **tx)
            .await?;
            return Ok(Written::KeptCorrection);
        }
        let score = r.try_get::<Option<i64>, _>("score_milli")?.unwrap_or(0).max(0) / 10;
        let used = (r.try_get::<Option<i64>, _>("submitted_at")?.unwrap_or(now) - r.try_get::<i64, _>("started_at")?).max(0);
        sqlx::query(
            "INSERT INTO olympiad_results (campaign_id, participant_id, subject, score, violations, time_used_ms, annulled, source, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'stage1', $8)
             ON CONFLICT (participant_id, subject) DO UPDATE SET score = $4, violations = $5, time_used_ms = $6, annulled = $7,
                source = 'stage1', updated_at = $8",
        )
        .bind(r.try_get::<i64, _>("campaign_id")?)
        .bind(r.try_get::<i64, _>("participant_id")?)
        .bind(r.try_get::<String, _>("subject")?)
        .bind(score)
        .bind(r.try_get::<i64, _>("violations")?)
        .bind(used)
        .bind(i64::from(annulled))
        .bind(now)
        .execute(&mut **tx)
        .await?;
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
        let campaign: Option<i64> = sqlx::query_scalar(
            "SELECT x.campaign_id FROM exam_attempts a JOIN olympiad_stage_exams x ON x.exam_id = a.exam_id
             JOIN olympiad_participants op ON op.campaign_id = x.campaign_id AND op.user_id = a.student_id
             JOIN olympiad_results r ON r.participant_id = op.id AND r.subject = x.subject
             WHERE a.id = $1",
        )
        .bind(attempt_id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(campaign) = campaign else { return Ok(()) };
        write_result(tx, attempt_id, now).await?;
        rerank_if_ranked(tx, campaign, now).await?;
        Ok(())
    }
}
