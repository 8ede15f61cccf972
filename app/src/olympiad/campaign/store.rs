//! The campaigns' SQL: campaigns with their subjects and stage windows, the campaigns open
//! for teacher registration, and which directory schools are eligible for one.

use crate::db::Db;
use crate::error::AppError;
use crate::i18n::{normal_name, Msg};
use crate::olympiad::model::*;
use sqlx::{Any, Transaction};

const CAMPAIGN_COLUMNS: &str = "id, title, teacher_reg_opens, teacher_reg_closes, participant_reg_opens, participant_reg_closes,
     results_at, applications_opens, applications_closes, grade_min, grade_max, rural_only";

/// A campaign's own row: its rural-only flag is stored as 0/1.
#[derive(sqlx::FromRow)]
struct StoredCampaign {
    id: i64,
    title: String,
    teacher_reg_opens: i64,
    teacher_reg_closes: i64,
    participant_reg_opens: i64,
    participant_reg_closes: i64,
    results_at: i64,
    applications_opens: i64,
    applications_closes: i64,
    grade_min: i64,
    grade_max: i64,
    rural_only: i64,
}

impl From<StoredCampaign> for Campaign {
    fn from(r: StoredCampaign) -> Self {
        Campaign {
            id: r.id,
            title: r.title,
            stages: Stages {
                teacher_reg_opens: r.teacher_reg_opens,
                teacher_reg_closes: r.teacher_reg_closes,
                participant_reg_opens: r.participant_reg_opens,
                participant_reg_closes: r.participant_reg_closes,
                results_at: r.results_at,
                applications_opens: r.applications_opens,
                applications_closes: r.applications_closes,
            },
            grade_min: r.grade_min,
            grade_max: r.grade_max,
            rural_only: r.rural_only == 1,
            subjects: Vec::new(),
            windows: Vec::new(),
        }
    }
}

/// A region's stage-1 window with the region's name.
#[derive(sqlx::FromRow)]
struct StoredWindow {
    region_id: i64,
    region: String,
    opens_at: i64,
    closes_at: i64,
}

async fn fill_campaign(db: &Db, mut c: Campaign) -> Result<Campaign, AppError> {
    c.subjects = sqlx::query_scalar("SELECT name FROM olympiad_subjects WHERE campaign_id = $1 ORDER BY position")
        .bind(c.id)
        .fetch_all(&db.pool)
        .await?;
    let windows = sqlx::query_as::<_, StoredWindow>(
        "SELECT w.region_id, o.name AS region, w.opens_at, w.closes_at FROM olympiad_stage_windows w
         JOIN organisations o ON o.id = w.region_id WHERE w.campaign_id = $1 ORDER BY w.opens_at, o.name",
    )
    .bind(c.id)
    .fetch_all(&db.pool)
    .await?;
    c.windows = windows
        .into_iter()
        .map(|w| StageWindow { region_id: w.region_id, region: w.region, opens_at: w.opens_at, closes_at: w.closes_at })
        .collect();
    Ok(c)
}

pub async fn campaign(db: &Db, id: i64) -> Result<Option<Campaign>, AppError> {
    let row = sqlx::query_as::<_, StoredCampaign>(&format!("SELECT {CAMPAIGN_COLUMNS} FROM olympiad_campaigns WHERE id = $1"))
        .bind(id)
        .fetch_optional(&db.pool)
        .await?;
    match row {
        Some(row) => Ok(Some(fill_campaign(db, row.into()).await?)),
        None => Ok(None),
    }
}

pub async fn campaigns(db: &Db) -> Result<Vec<Campaign>, AppError> {
    let rows = sqlx::query_as::<_, StoredCampaign>(&format!(
        "SELECT {CAMPAIGN_COLUMNS} FROM olympiad_campaigns ORDER BY teacher_reg_opens DESC, id DESC"
    ))
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(fill_campaign(db, row.into()).await?);
    }
    Ok(out)
}

/// A new campaign and its subjects; a title already used is the title's error.
pub async fn insert_campaign(
    tx: &mut Transaction<'_, Any>,
    title: &str,
    stages: &Stages,
    grades: (i64, i64),
    rural_only: bool,
    subjects: &[String],
    actor: i64,
    now: i64,
) -> Result<i64, AppError> {
    let inserted = sqlx::query_scalar(
        "INSERT INTO olympiad_campaigns (title, teacher_reg_opens, teacher_reg_closes, participant_reg_opens, participant_reg_closes,
             results_at, applications_opens, applications_closes, grade_min, grade_max, rural_only, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(title)
    .bind(stages.teacher_reg_opens)
    .bind(stages.teacher_reg_closes)
    .bind(stages.participant_reg_opens)
    .bind(stages.participant_reg_closes)
    .bind(stages.results_at)
    .bind(stages.applications_opens)
    .bind(stages.applications_closes)
    .bind(grades.0)
    .bind(grades.1)
    .bind(i64::from(rural_only))
    .bind(actor)
    .bind(now)
    .fetch_one(&mut **tx)
    .await;
    let id: i64 = match inserted {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e, "title") => return Err(AppError::field("title", Msg::ErrOlyCampaignTitleTaken)),
        Err(e) => return Err(e.into()),
    };
    for (position, name) in subjects.iter().enumerate() {
        sqlx::query("INSERT INTO olympiad_subjects (campaign_id, position, name) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(position as i64)
            .bind(name)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// A campaign open for teacher registration, its rural-only flag as stored (0/1).
#[derive(sqlx::FromRow)]
struct StoredOpenCampaign {
    id: i64,
    title: String,
    closes_at: i64,
    rural_only: i64,
    grade_min: i64,
    grade_max: i64,
}

/// Campaigns whose teacher registration is open at `now`.
pub async fn open_for_teachers(db: &Db, now: i64) -> Result<Vec<OpenCampaign>, AppError> {
    let rows = sqlx::query_as::<_, StoredOpenCampaign>(
        "SELECT id, title, teacher_reg_closes AS closes_at, rural_only, grade_min, grade_max FROM olympiad_campaigns
         WHERE teacher_reg_opens <= $1 AND teacher_reg_closes > $1 ORDER BY teacher_reg_closes, id",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OpenCampaign {
            id: r.id,
            title: r.title,
            closes_at: r.closes_at,
            rural_only: r.rural_only == 1,
            grade_min: r.grade_min,
            grade_max: r.grade_max,
        })
        .collect())
}

/// The SQL condition that a school (profile `p`) is eligible for campaign `$1`.
const ELIGIBLE: &str = "(p.rural = 1 OR (SELECT rural_only FROM olympiad_campaigns WHERE id = $1) = 0)";

/// An eligible school with the organisation it stands under (`parent`: its district, or its
/// region) and its region.
#[derive(sqlx::FromRow)]
struct StoredSchoolChoice {
    id: i64,
    code: String,
    name: String,
    parent: String,
    region: String,
}

/// Eligible schools whose name or code contains `query` (case and spacing ignored), at most 30.
pub async fn eligible_schools(db: &Db, campaign_id: i64, query: &str) -> Result<Vec<SchoolChoice>, AppError> {
    // LIKE's wildcards typed by a person are taken literally by dropping them.
    let needle: String = normal_name(query).chars().filter(|c| !matches!(c, '%' | '_' | '\\')).collect();
    let rows = sqlx::query_as::<_, StoredSchoolChoice>(&format!(
        "SELECT s.id, p.code, s.name, d.name AS parent, COALESCE(r.name, d.name) AS region
         FROM school_profiles p
         JOIN organisations s ON s.id = p.org_id
         JOIN organisations d ON d.id = s.parent_id
         LEFT JOIN organisations r ON r.id = d.parent_id AND d.kind = 'district'
         WHERE {ELIGIBLE} AND p.search_key LIKE $2
         ORDER BY s.name, s.id LIMIT 30"
    ))
    .bind(campaign_id)
    .bind(format!("%{needle}%"))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            // A school directly under its region has no district to show.
            let district = if r.parent == r.region { String::new() } else { r.parent };
            SchoolChoice { id: r.id, code: r.code, name: r.name, district, region: r.region }
        })
        .collect())
}

/// Is `school_id` a directory school eligible for the campaign?
pub async fn school_eligible(db: &Db, campaign_id: i64, school_id: i64) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM school_profiles p WHERE p.org_id = $2 AND {ELIGIBLE}"))
        .bind(campaign_id)
        .bind(school_id)
        .fetch_one(&db.pool)
        .await?;
    Ok(n == 1)
}
