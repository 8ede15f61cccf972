//! The standings' SQL: a campaign's counts with its winner rule, the rows of the results
//! file, the stored results an import compares with and writes, the ranking's inputs and the
//! places it stores, publication, and the public winners' list.

use super::super::file::*;
use super::super::ranking::{Centipoints, WinnerRule};
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

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

/// A campaign's counts with its rule as stored: the rule is a kind code and a value.
#[derive(sqlx::FromRow)]
struct StoredStanding {
    id: i64,
    participants: i64,
    results: i64,
    annulled: i64,
    winners: i64,
    certificates: i64,
    kind: Option<String>,
    value: Option<i64>,
    ranked_at: Option<i64>,
    published_at: Option<i64>,
}

impl From<StoredStanding> for Standing {
    fn from(r: StoredStanding) -> Self {
        Standing {
            campaign_id: r.id,
            participants: r.participants,
            results: r.results,
            annulled: r.annulled,
            winners: r.winners,
            certificates: r.certificates,
            rule: rule_from(r.kind, r.value),
            ranked_at: r.ranked_at,
            published_at: r.published_at,
        }
    }
}

/// A campaign's counts, rule and dates, for the operator's panel.
pub async fn standing(db: &Db, campaign_id: i64) -> Result<Option<Standing>, AppError> {
    let row = sqlx::query_as::<_, StoredStanding>(
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
    Ok(row.map(Standing::from))
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

/// A row of the results file as stored: a participant and a subject, with the result's
/// columns NULL when there is no result yet and the flags as 0/1.
#[derive(sqlx::FromRow)]
struct StoredExportRow {
    iin: Option<String>,
    full_name: String,
    region: String,
    school: String,
    grade: i64,
    subject: String,
    score: Option<i64>,
    violations: Option<i64>,
    time_used_ms: Option<i64>,
    annulled: Option<i64>,
    place: Option<i64>,
    region_place: Option<i64>,
    winner: Option<i64>,
}

impl From<StoredExportRow> for ExportRow {
    fn from(r: StoredExportRow) -> Self {
        let result = match r.score {
            Some(score) => Some(ResultValues {
                score,
                violations: r.violations.unwrap_or(0),
                time_used_ms: r.time_used_ms.unwrap_or(0),
                annulled: r.annulled == Some(1),
            }),
            None => None,
        };
        ExportRow {
            iin: r.iin.unwrap_or_default(),
            full_name: r.full_name,
            region: r.region,
            school: r.school,
            grade: r.grade,
            subject: r.subject,
            result,
            place: r.place,
            region_place: r.region_place,
            winner: r.winner == Some(1),
        }
    }
}

/// Every participant of the campaign with every subject and the stored result, if any, in the
/// results file's order (region, school, grade, name, subject as the campaign lists them).
pub async fn export_rows(db: &Db, campaign_id: i64) -> Result<Vec<ExportRow>, AppError> {
    let rows = sqlx::query_as::<_, StoredExportRow>(&format!(
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
    Ok(rows.into_iter().map(ExportRow::from).collect())
}

/// The campaign's participants by IIN, each with their participant id and name (a user
/// without an IIN cannot be named by a file, and is left out).
pub async fn participants_by_iin(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<HashMap<String, (i64, String)>, AppError> {
    Ok(sqlx::query_as::<_, (Option<String>, i64, String)>(
        "SELECT u.iin, op.id, u.full_name FROM olympiad_participants op JOIN users u ON u.id = op.user_id WHERE op.campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .filter_map(|(iin, id, name)| iin.map(|iin| (iin, (id, name))))
    .collect())
}

/// A stored result, its annulment a 0/1 flag.
#[derive(sqlx::FromRow)]
struct StoredResult {
    participant_id: i64,
    subject: String,
    score: i64,
    violations: i64,
    time_used_ms: i64,
    annulled: i64,
}

/// The campaign's stored results by participant and subject.
pub async fn stored_results(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<HashMap<(i64, String), ResultValues>, AppError> {
    Ok(sqlx::query_as::<_, StoredResult>(
        "SELECT participant_id, subject, score, violations, time_used_ms, annulled FROM olympiad_results WHERE campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| {
        (
            (r.participant_id, r.subject),
            ResultValues { score: r.score, violations: r.violations, time_used_ms: r.time_used_ms, annulled: r.annulled == 1 },
        )
    })
    .collect())
}

/// How many users have this IIN (a file's unknown IIN is a typo when none does).
pub async fn users_with_iin(tx: &mut Transaction<'_, Any>, iin: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE iin = $1").bind(iin).fetch_one(&mut **tx).await?)
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

/// Stores the campaign's winner rule as ranked at `now`.
pub async fn save_rule(tx: &mut Transaction<'_, Any>, campaign_id: i64, rule: WinnerRule, now: i64) -> Result<(), AppError> {
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
    Ok(())
}

/// A stored result as the ranking reads it, with its participant's grade and region; the
/// annulment a 0/1 flag.
#[derive(sqlx::FromRow)]
pub struct RankingInput {
    pub id: i64,
    pub participant_id: i64,
    pub grade: i64,
    pub subject: String,
    pub score: Centipoints,
    pub violations: i64,
    pub time_used_ms: i64,
    pub annulled: i64,
    pub region_id: i64,
}

/// Every stored result of the campaign, annulled ones too.
pub async fn ranking_inputs(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Vec<RankingInput>, AppError> {
    Ok(sqlx::query_as::<_, RankingInput>(&format!(
        "SELECT r.id, r.participant_id, op.grade, r.subject, r.score, r.violations, r.time_used_ms, r.annulled,
            COALESCE(rg.id, d.id) AS region_id
         FROM olympiad_results r
         JOIN olympiad_participants op ON op.id = r.participant_id
         {PARTICIPANT_PLACE}
         WHERE r.campaign_id = $1"
    ))
    .bind(campaign_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Takes every place and win of the campaign's results away, before a ranking stores its own.
pub async fn clear_places(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE olympiad_results SET place = NULL, region_place = NULL, winner = 0 WHERE campaign_id = $1")
        .bind(campaign_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores a result's places and whether it wins (`winner` 0/1).
pub async fn set_place(tx: &mut Transaction<'_, Any>, result_id: i64, place: i64, region_place: i64, winner: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE olympiad_results SET place = $1, region_place = $2, winner = $3 WHERE id = $4")
        .bind(place)
        .bind(region_place)
        .bind(winner)
        .bind(result_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Marks the campaign's results published from `now` unless they already were (the first date
/// stays); the publication date, or None when the campaign was never ranked.
pub async fn mark_published(tx: &mut Transaction<'_, Any>, campaign_id: i64, now: i64) -> Result<Option<i64>, AppError> {
    let published: Option<Option<i64>> = sqlx::query_scalar(
        "UPDATE olympiad_winner_rules SET published_at = COALESCE(published_at, $1) WHERE campaign_id = $2 AND ranked_at IS NOT NULL
         RETURNING published_at",
    )
    .bind(now)
    .bind(campaign_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(published.flatten())
}

/// Published campaigns, newest first, without their winners yet.
pub async fn published_campaigns(db: &Db) -> Result<Vec<PublishedCampaign>, AppError> {
    let campaigns = sqlx::query_as::<_, (i64, String, i64)>(
        "SELECT c.id, c.title, w.published_at FROM olympiad_campaigns c JOIN olympiad_winner_rules w ON w.campaign_id = c.id
         WHERE w.published_at IS NOT NULL ORDER BY w.published_at DESC, c.id DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(campaigns
        .into_iter()
        .map(|(campaign_id, title, published_at)| PublishedCampaign { campaign_id, title, published_at, winners: Vec::new() })
        .collect())
}

/// A winner of a published campaign as stored: the places are NULL when never ranked.
#[derive(sqlx::FromRow)]
struct StoredWinner {
    campaign_id: i64,
    grade: i64,
    subject: String,
    place: Option<i64>,
    region_place: Option<i64>,
    full_name: String,
    school: String,
    region: String,
    score: Centipoints,
}

/// The winners of every published campaign, each with their campaign's id, by grade, subject
/// (as the campaign lists them), place and name (annulled results never win; an annulment
/// after the ranking is excluded here too).
pub async fn published_winners(db: &Db) -> Result<Vec<(i64, PublicWinner)>, AppError> {
    let rows = sqlx::query_as::<_, StoredWinner>(&format!(
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
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.campaign_id,
                PublicWinner {
                    grade: r.grade,
                    subject: r.subject,
                    place: r.place.unwrap_or(0),
                    region_place: r.region_place.unwrap_or(0),
                    full_name: r.full_name,
                    school: r.school,
                    region: r.region,
                    score: r.score,
                },
            )
        })
        .collect())
}
