//! Results, rankings and the public winners' list (server only): what an import changes, the
//! ranking of a campaign, publication, and the winners by campaign. Rankings are decided by
//! `ranking.rs`; the SQL is in `store/standings.rs`, which this module loads from and stores
//! into.

use super::file::*;
use super::ranking::{rank, StageResult, WinnerRule};
use super::store::standings as stored;
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Msg;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

// Other phases and the demo data call these here: the SQL alone, kept at this path.
pub use stored::{export_rows, rule_of, standing, write_results, ResultWrite};

type RowError = crate::olympiad::directory::file::RowError;

/// Compares the file with what is stored: the report (what changes) and the writes, or the
/// rows whose IIN is unknown or belongs to no participant of this campaign.
pub async fn plan_import(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    rows: &[ResultRow],
) -> Result<Result<(ResultsImport, Vec<ResultWrite>), Vec<RowError>>, AppError> {
    let participants = stored::participants_by_iin(tx, campaign_id).await?;
    let stored_results = stored::stored_results(tx, campaign_id).await?;
    let mut errors = Vec::new();
    let mut report = ResultsImport::default();
    let mut writes = Vec::new();
    for r in rows {
        let Some((participant_id, full_name)) = participants.get(r.iin.as_str()) else {
            // Which of the two it is helps the operator: a typo, or a pupil of another campaign.
            if errors.len() < crate::olympiad::directory::file::MAX_ERRORS {
                let known = stored::users_with_iin(tx, r.iin.as_str()).await?;
                let msg = if known > 0 { Msg::ErrOlyNotInCampaign } else { Msg::ErrOlyUnknownIin };
                errors.push((format!("row.{}.iin", r.row), msg));
            }
            continue;
        };
        let Some(after) = r.values else { continue };
        report.rows += 1;
        let before = stored_results.get(&(*participant_id, r.subject.clone())).copied();
        if before == Some(after) {
            report.unchanged += 1;
            continue;
        }
        if before.is_some() {
            report.changed += 1;
        } else {
            report.added += 1;
        }
        if report.changes.len() < MAX_PREVIEW {
            report.changes.push(ResultChange {
                row: r.row,
                iin: r.iin.as_str().to_string(),
                full_name: full_name.clone(),
                subject: r.subject.clone(),
                before,
                after,
            });
        }
        writes.push(ResultWrite {
            row: r.row,
            iin: r.iin.as_str().to_string(),
            before,
            participant_id: *participant_id,
            subject: r.subject.clone(),
            values: after,
        });
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    Ok(Ok((report, writes)))
}

/// Ranks the campaign with `rule` and stores each result's places and whether it wins; the
/// rule is stored with the time. Annulled results are left out of the ranking (no place,
/// never a winner). Everything is recomputed from the results, so running it again gives the
/// same places. Issued certificates are then withdrawn or restored to match.
pub async fn store_ranking(tx: &mut Transaction<'_, Any>, campaign_id: i64, rule: WinnerRule, now: i64) -> Result<RankingReport, AppError> {
    stored::save_rule(tx, campaign_id, rule, now).await?;
    let rows = stored::ranking_inputs(tx, campaign_id).await?;
    let mut report = RankingReport::default();
    let mut ids: HashMap<(i64, String), i64> = HashMap::new();
    let mut valid = Vec::new();
    for r in rows {
        if r.annulled == 1 {
            report.annulled += 1;
            continue;
        }
        let result = StageResult {
            participant_id: r.participant_id,
            region_id: r.region_id,
            grade: r.grade,
            subject: r.subject,
            score: r.score,
            violations: r.violations,
            time_used_ms: r.time_used_ms,
        };
        ids.insert((result.participant_id, result.subject.clone()), r.id);
        valid.push(result);
    }
    stored::clear_places(tx, campaign_id).await?;
    for ranked in rank(&valid, rule) {
        let Some(id) = ids.get(&(ranked.result.participant_id, ranked.result.subject.clone())) else { continue };
        stored::set_place(tx, *id, i64::from(ranked.place), i64::from(ranked.region_place), i64::from(ranked.winner)).await?;
        report.ranked += 1;
        report.winners += i64::from(ranked.winner);
    }
    // Certificates follow: an annulled result or a lost win withdraws what was issued for it.
    super::certificates::follow_results(tx, campaign_id, now).await?;
    Ok(report)
}

/// Publishes the campaign's results from `now` (publishing again keeps the first date).
/// Refused until winners were computed: the public page shows stored places.
/// Each participant is told, once (publishing again tells nobody again).
pub async fn publish(tx: &mut Transaction<'_, Any>, campaign_id: i64, now: i64) -> Result<i64, AppError> {
    let published = stored::mark_published(tx, campaign_id, now).await?.ok_or(AppError::Refused(Msg::ErrOlyRankFirst))?;
    let title = super::store::notices::campaign_title(tx, campaign_id).await?;
    let told = super::store::notices::participant_users(tx, campaign_id).await?;
    crate::notify::events::events(tx, told.into_iter().map(|u| crate::notify::Event::results_published(u, campaign_id, &title)).collect())
        .await?;
    Ok(published)
}

/// Published campaigns, newest first, with their winners (annulled results never win; an
/// annulment after the ranking is excluded here too).
pub async fn published_winners(db: &Db) -> Result<Vec<PublishedCampaign>, AppError> {
    let mut out = stored::published_campaigns(db).await?;
    for (campaign_id, winner) in stored::published_winners(db).await? {
        let Some(c) = out.iter_mut().find(|c| c.campaign_id == campaign_id) else { continue };
        c.winners.push(winner);
    }
    Ok(out)
}
