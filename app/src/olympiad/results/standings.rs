//! The SQL of results, rankings and the public winners' list (server only). Rankings are
//! decided by `ranking.rs`; this module only loads what it needs and stores what it decides.

use super::file::*;
use super::ranking::{rank, Centipoints, StageResult, WinnerRule};
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Msg;
use sqlx::{Any, Row, Transaction};
use std::collections::HashMap;

type RowError = crate::olympiad::directory::file::RowError;

/// A participant's school and region, joined the same way everywhere: a school's parent is a
/// district (whose parent is the region) or, for a city of republican status, the region.
const PARTICIPANT_PLACE: &str = "JOIN users u ON u.id = op.user_id
     JOIN organisations s ON s.id = op.school_id
     JOIN organisations d ON d.id = s.parent_id
     LEFT JOIN organisations rg ON rg.id = d.parent_id AND d.kind = 'district'";

fn rule_from(kind: Option<String>, value: Option<i64>) -> Option<WinnerRule> {
    match (kind.as_deref(), value) {
        (Some("threshold"), Some(v)) => Some(WinnerRule::Threshold(v)),
        (Some("quota"), Some(v)) => u32::try_from(v).ok().map(WinnerRule::QuotaPerRegion),
        _ => None,
    }
}

fn rule_columns(rule: WinnerRule) -> (&'static str, i64) {
    match rule {
        WinnerRule::Threshold(v) => ("threshold", v),
        WinnerRule::QuotaPerRegion(n) => ("quota", i64::from(n)),
    }
}

/// A campaign's counts, rule and dates, for the operator's panel.
pub async fn standing(db: &Db, campaign_id: i64) -> Result<Option<Standing>, AppError> {
    let row = sqlx::query(
        "SELECT c.id,
            (SELECT COUNT(*) FROM olympiad_participants p WHERE p.campaign_id = c.id) AS participants,
            (SELECT COUNT(*) FROM olympiad_results r WHERE r.campaign_id = c.id) AS results,
            (SELECT COUNT(*) FROM olympiad_results r WHERE r.campaign_id = c.id AND r.annulled = 1) AS annulled,
            (SELECT COUNT(*) FROM olympiad_results r WHERE r.campaign_id = c.id AND r.winner = 1) AS winners,
            (SELECT COUNT(*) FROM olympiad_certificates x WHERE x.campaign_id = c.id) AS certificates,
            w.kind, w.value, w.ranked_at, w.published_at
         FROM olympiad_campaigns c LEFT JOIN olympiad_winner_rules w ON w.campaign_id = c.id WHERE c.id = $1",
    )
    .bind(campaign_id)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| {
        Ok(Standing {
            campaign_id: r.try_get("id")?,
            participants: r.try_get("participants")?,
            results: r.try_get("results")?,
            annulled: r.try_get("annulled")?,
            winners: r.try_get("winners")?,
            certificates: r.try_get("certificates")?,
            rule: rule_from(r.try_get("kind")?, r.try_get("value")?),
            ranked_at: r.try_get("ranked_at")?,
            published_at: r.try_get("published_at")?,
        })
    })
    .transpose()
}

/// The campaign's rule with when it was last ranked and published.
pub async fn rule_of(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Option<(WinnerRule, Option<i64>, Option<i64>)>, AppError> {
    let row = sqlx::query_as::<_, (String, i64, Option<i64>, Option<i64>)>(
        "SELECT kind, value, ranked_at, published_at FROM olympiad_winner_rules WHERE campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|(kind, value, ranked, published)| rule_from(Some(kind), Some(value)).map(|rule| (rule, ranked, published))))
}

/// Every participant of the campaign with every subject and the stored result, if any, in the
/// results file's order (region, school, grade, name, subject as the campaign lists them).
pub async fn export_rows(db: &Db, campaign_id: i64) -> Result<Vec<ExportRow>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT u.iin, u.full_name, COALESCE(rg.name, d.name) AS region, s.name AS school, op.grade, sub.name AS subject,
            r.score, r.violations, r.time_used_ms, r.annulled, r.place, r.region_place, r.winner
         FROM olympiad_participants op
         JOIN olympiad_subjects sub ON sub.campaign_id = op.campaign_id
         {PARTICIPANT_PLACE}
         LEFT JOIN olympiad_results r ON r.participant_id = op.id AND r.subject = sub.name
         WHERE op.campaign_id = $1
         ORDER BY region, school, op.grade, u.full_name, op.id, sub.position"
    ))
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let score: Option<i64> = r.try_get("score")?;
        let result = match score {
            Some(score) => Some(ResultValues {
                score,
                violations: r.try_get::<Option<i64>, _>("violations")?.unwrap_or(0),
                time_used_ms: r.try_get::<Option<i64>, _>("time_used_ms")?.unwrap_or(0),
                annulled: r.try_get::<Option<i64>, _>("annulled")? == Some(1),
            }),
            None => None,
        };
        out.push(ExportRow {
            iin: r.try_get::<Option<String>, _>("iin")?.unwrap_or_default(),
            full_name: r.try_get("full_name")?,
            region: r.try_get("region")?,
            school: r.try_get("school")?,
            grade: r.try_get("grade")?,
            subject: r.try_get("subject")?,
            result,
            place: r.try_get("place")?,
            region_place: r.try_get("region_place")?,
            winner: r.try_get::<Option<i64>, _>("winner")? == Some(1),
        });
    }
    Ok(out)
}

/// A write an import will make: the participant's result for a subject.
pub struct ResultWrite {
    pub row: u32,
    pub iin: String,
    pub before: Option<ResultValues>,
    pub participant_id: i64,
    pub subject: String,
    pub values: ResultValues,
}

/// Compares the file with what is stored: the report (what changes) and the writes, or the
/// rows whose IIN is unknown or belongs to no participant of this campaign.
pub async fn plan_import(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    rows: &[ResultRow],
) -> Result<Result<(ResultsImport, Vec<ResultWrite>), Vec<RowError>>, AppError> {
    let participants: HashMap<String, (i64, String)> = sqlx::query_as::<_, (Option<String>, i64, String)>(
        "SELECT u.iin, op.id, u.full_name FROM olympiad_participants op JOIN users u ON u.id = op.user_id WHERE op.campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .filter_map(|(iin, id, name)| iin.map(|iin| (iin, (id, name))))
    .collect();
    let stored: HashMap<(i64, String), ResultValues> = sqlx::query_as::<_, (i64, String, i64, i64, i64, i64)>(
        "SELECT participant_id, subject, score, violations, time_used_ms, annulled FROM olympiad_results WHERE campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|(p, subject, score, violations, time_used_ms, annulled)| {
        ((p, subject), ResultValues { score, violations, time_used_ms, annulled: annulled == 1 })
    })
    .collect();
    let mut errors = Vec::new();
    let mut report = ResultsImport::default();
    let mut writes = Vec::new();
    for r in rows {
        let Some((participant_id, full_name)) = participants.get(r.iin.as_str()) else {
            // Which of the two it is helps the operator: a typo, or a pupil of another campaign.
            if errors.len() < crate::olympiad::directory::file::MAX_ERRORS {
                let known: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE iin = $1").bind(r.iin.as_str()).fetch_one(&mut **tx).await?;
                let msg = if known > 0 { Msg::ErrOlyNotInCampaign } else { Msg::ErrOlyUnknownIin };
                errors.push((format!("row.{}.iin", r.row), msg));
            }
            continue;
        };
        let Some(after) = r.values else { continue };
        report.rows += 1;
        let before = stored.get(&(*participant_id, r.subject.clone())).copied();
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

/// Writes results (an import's source is 'import': the last writer names the source).
pub async fn write_results(tx: &mut Transaction<'_, Any>, campaign_id: i64, writes: &[ResultWrite], now: i64) -> Result<(), AppError> {
    for w in writes {
        sqlx::query(
            "INSERT INTO olympiad_results (campaign_id, participant_id, subject, score, violations, time_used_ms, annulled, source, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'import', $8)
             ON CONFLICT (participant_id, subject) DO UPDATE SET score = $4, violations = $5, time_used_ms = $6, annulled = $7,
                source = 'import', updated_at = $8",
        )
        .bind(campaign_id)
        .bind(w.participant_id)
        .bind(&w.subject)
        .bind(w.values.score)
        .bind(w.values.violations)
        .bind(w.values.time_used_ms)
        .bind(i64::from(w.values.annulled))
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Ranks the campaign with `rule` and stores each result's places and whether it wins; the
/// rule is stored with the time. Annulled results are left out of the ranking (no place,
/// never a winner). Everything is recomputed from the results, so running it again gives the
/// same places. Issued certificates are then withdrawn or restored to match.
pub async fn store_ranking(tx: &mut Transaction<'_, Any>, campaign_id: i64, rule: WinnerRule, now: i64) -> Result<RankingReport, AppError> {
    let (kind, value) = rule_columns(rule);
    sqlx::query(
        "INSERT INTO olympiad_winner_rules (campaign_id, kind, value, ranked_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (campaign_id) DO UPDATE SET kind = $2, value = $3, ranked_at = $4, updated_at = $4",
    )
    .bind(campaign_id)
    .bind(kind)
    .bind(value)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    let rows = sqlx::query(&format!(
        "SELECT r.id, r.participant_id, op.grade, r.subject, r.score, r.violations, r.time_used_ms, r.annulled,
            COALESCE(rg.id, d.id) AS region_id
         FROM olympiad_results r
         JOIN olympiad_participants op ON op.id = r.participant_id
         {PARTICIPANT_PLACE}
         WHERE r.campaign_id = $1"
    ))
    .bind(campaign_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut report = RankingReport::default();
    let mut ids: HashMap<(i64, String), i64> = HashMap::new();
    let mut valid = Vec::new();
    for r in &rows {
        if r.try_get::<i64, _>("annulled")? == 1 {
            report.annulled += 1;
            continue;
        }
        let result = StageResult {
            participant_id: r.try_get("participant_id")?,
            region_id: r.try_get("region_id")?,
            grade: r.try_get("grade")?,
            subject: r.try_get("subject")?,
            score: r.try_get::<Centipoints, _>("score")?,
            violations: r.try_get("violations")?,
            time_used_ms: r.try_get("time_used_ms")?,
        };
        ids.insert((result.participant_id, result.subject.clone()), r.try_get("id")?);
        valid.push(result);
    }
    sqlx::query("UPDATE olympiad_results SET place = NULL, region_place = NULL, winner = 0 WHERE campaign_id = $1")
        .bind(campaign_id)
        .execute(&mut **tx)
        .await?;
    for ranked in rank(&valid, rule) {
        let Some(id) = ids.get(&(ranked.result.participant_id, ranked.result.subject.clone())) else { continue };
        sqlx::query("UPDATE olympiad_results SET place = $1, region_place = $2, winner = $3 WHERE id = $4")
            .bind(i64::from(ranked.place))
            .bind(i64::from(ranked.region_place))
            .bind(i64::from(ranked.winner))
            .bind(id)
            .execute(&mut **tx)
            .await?;
        report.ranked += 1;
        report.winners += i64::from(ranked.winner);
    }
    // Certificates follow: an annulled result or a lost win withdraws what was issued for it.
    super::certificates::follow_results(tx, campaign_id, now).await?;
    Ok(report)
}

/// Publishes the campaign's results from `now` (publishing again keeps the first date).
/// Refused until winners were computed: the public page shows stored places.
pub async fn publish(tx: &mut Transaction<'_, Any>, campaign_id: i64, now: i64) -> Result<i64, AppError> {
    let published: Option<Option<i64>> = sqlx::query_scalar(
        "UPDATE olympiad_winner_rules SET published_at = COALESCE(published_at, $1) WHERE campaign_id = $2 AND ranked_at IS NOT NULL
         RETURNING published_at",
    )
    .bind(now)
    .bind(campaign_id)
    .fetch_optional(&mut **tx)
    .await?;
    published.flatten().ok_or(AppError::Refused(Msg::ErrOlyRankFirst))
}

/// Published campaigns, newest first, with their winners (annulled results never win; an
/// annulment after the ranking is excluded here too).
pub async fn published_winners(db: &Db) -> Result<Vec<PublishedCampaign>, AppError> {
    let campaigns = sqlx::query_as::<_, (i64, String, i64)>(
        "SELECT c.id, c.title, w.published_at FROM olympiad_campaigns c JOIN olympiad_winner_rules w ON w.campaign_id = c.id
         WHERE w.published_at IS NOT NULL ORDER BY w.published_at DESC, c.id DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out: Vec<PublishedCampaign> = campaigns
        .into_iter()
        .map(|(campaign_id, title, published_at)| PublishedCampaign { campaign_id, title, published_at, winners: Vec::new() })
        .collect();
    let rows = sqlx::query(&format!(
        "SELECT r.campaign_id, op.grade, r.subject, r.place, r.region_place, u.full_name, s.name AS school,
            COALESCE(rg.name, d.name) AS region, r.score
         FROM olympiad_results r
         JOIN olympiad_winner_rules w ON w.campaign_id = r.campaign_id
         JOIN olympiad_subjects sub ON sub.campaign_id = r.campaign_id AND sub.name = r.subject
         JOIN olympiad_participants op ON op.id = r.participant_id
         {PARTICIPANT_PLACE}
         WHERE w.published_at IS NOT NULL AND r.winner = 1 AND r.annulled = 0
         ORDER BY op.grade, sub.position, r.place, u.full_name, r.id"
    ))
    .fetch_all(&db.pool)
    .await?;
    for r in rows {
        let campaign_id: i64 = r.try_get("campaign_id")?;
        let Some(c) = out.iter_mut().find(|c| c.campaign_id == campaign_id) else { continue };
        c.winners.push(PublicWinner {
            grade: r.try_get("grade")?,
            subject: r.try_get("subject")?,
            place: r.try_get::<Option<i64>, _>("place")?.unwrap_or(0),
            region_place: r.try_get::<Option<i64>, _>("region_place")?.unwrap_or(0),
            full_name: r.try_get("full_name")?,
            school: r.try_get("school")?,
            region: r.try_get("region")?,
            score: r.try_get("score")?,
        });
    }
    Ok(out)
}
