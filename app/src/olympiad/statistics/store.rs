//! The statistics' SQL (server only): a campaign's participants with their school, district and
//! region, their papers in the stage with the violations found, and the valid results. The
//! server function in `figures.rs` checks the caller first, then counts what these read.

use crate::db::Db;
use crate::error::AppError;

/// A participant with their school, district ("" for a school of a city of republican
/// status, which stands directly under its region) and region.
#[derive(sqlx::FromRow)]
pub struct PlacedParticipant {
    pub id: i64,
    pub user_id: i64,
    pub grade: i64,
    pub school: String,
    pub district: String,
    pub region_id: i64,
    pub region: String,
}

/// Each participant of the campaign with their school, district and region.
pub async fn participants(db: &Db, campaign_id: i64) -> Result<Vec<PlacedParticipant>, AppError> {
    Ok(sqlx::query_as::<_, PlacedParticipant>(
        "SELECT op.id, op.user_id, op.grade, s.name AS school,
            CASE WHEN d.kind = 'district' THEN d.name ELSE '' END AS district,
            COALESCE(rg.id, d.id) AS region_id, COALESCE(rg.name, d.name) AS region
         FROM olympiad_participants op
         JOIN organisations s ON s.id = op.school_id
         JOIN organisations d ON d.id = s.parent_id
         LEFT JOIN organisations rg ON rg.id = d.parent_id AND d.kind = 'district'
         WHERE op.campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A student who started a paper of the stage: how many of their papers were handed in (see
/// [`sittings`]) and the violations not dismissed.
#[derive(sqlx::FromRow)]
pub struct Sitting {
    pub student_id: i64,
    pub finished: i64,
    pub violations: i64,
}

/// Every student who started a paper of the campaign's stage.
pub async fn sittings(db: &Db, campaign_id: i64) -> Result<Vec<Sitting>, AppError> {
    Ok(sqlx::query_as::<_, Sitting>(
        // COUNTs only: both backends give them as 64-bit integers (PostgreSQL's SUM would
        // be numeric). A paper with violations is joined once per violation, which changes
        // no count that matters: "finished" only asks whether any paper was handed in.
        "SELECT a.student_id, COUNT(a.submitted_at) AS finished, COUNT(v.id) AS violations
         FROM exam_attempts a JOIN olympiad_stage_exams x ON x.exam_id = a.exam_id
         LEFT JOIN proctor_violations v ON v.attempt_id = a.id AND v.status <> 'dismissed'
         WHERE x.campaign_id = $1 GROUP BY a.student_id",
    )
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The campaign's results that are not annulled: (participant, subject, score).
pub async fn valid_results(db: &Db, campaign_id: i64) -> Result<Vec<(i64, String, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, String, i64)>(
        "SELECT participant_id, subject, score FROM olympiad_results WHERE campaign_id = $1 AND annulled = 0",
    )
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await?)
}
