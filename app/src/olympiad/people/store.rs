//! The SQL of the operator's people search (OLY-8): a campaign's teachers and participants as
//! the search shows them, the languages of a participant's school, and the corrections of a
//! person. The server functions in `people` check the operator first; the corrections run in
//! their transaction.

use crate::db::Db;
use crate::error::AppError;
use crate::olympiad::model::SchoolLanguages;
use sqlx::{Any, Transaction};

const TEACHERS: &str = "SELECT u.id, COALESCE(u.iin, u.login) AS iin, u.full_name, COALESCE(u.email, '') AS email,
        COALESCE(u.phone, '') AS phone, o.name AS school, COALESCE(p.code, '') AS code,
        CASE WHEN t.confirmed_at IS NULL THEN 0 ELSE 1 END AS confirmed
     FROM olympiad_teachers t JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = t.school_id
     LEFT JOIN school_profiles p ON p.org_id = t.school_id WHERE t.campaign_id = $1";
const PARTICIPANTS: &str = "SELECT u.id, COALESCE(u.iin, u.login) AS iin, u.full_name, COALESCE(u.email, '') AS email,
        COALESCE(u.phone, '') AS phone, o.name AS school, COALESCE(p.code, '') AS code, op.grade, op.language,
        (SELECT COUNT(*) FROM exam_attempts a JOIN olympiad_stage_exams se ON se.exam_id = a.exam_id
          WHERE se.campaign_id = op.campaign_id AND a.student_id = op.user_id) AS started
     FROM olympiad_participants op JOIN users u ON u.id = op.user_id JOIN organisations o ON o.id = op.school_id
     LEFT JOIN school_profiles p ON p.org_id = op.school_id WHERE op.campaign_id = $1";

/// A registered teacher of the campaign; `confirmed` is 1 once their code came back, else 0.
#[derive(sqlx::FromRow)]
pub struct TeacherRow {
    pub id: i64,
    pub iin: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub school: String,
    pub code: String,
    pub confirmed: i64,
}

/// A registered participant of the campaign; `started` counts the stage-1 papers they opened.
#[derive(sqlx::FromRow)]
pub struct ParticipantRow {
    pub id: i64,
    pub iin: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub school: String,
    pub code: String,
    pub grade: i64,
    pub language: String,
    pub started: i64,
}

/// Every teacher of the campaign.
pub async fn teachers(db: &Db, campaign_id: i64) -> Result<Vec<TeacherRow>, AppError> {
    Ok(sqlx::query_as::<_, TeacherRow>(TEACHERS).bind(campaign_id).fetch_all(&db.pool).await?)
}

/// Every participant of the campaign.
pub async fn participants(db: &Db, campaign_id: i64) -> Result<Vec<ParticipantRow>, AppError> {
    Ok(sqlx::query_as::<_, ParticipantRow>(PARTICIPANTS).bind(campaign_id).fetch_all(&db.pool).await?)
}

/// The user as a teacher of the campaign, if they are one.
pub async fn teacher(db: &Db, campaign_id: i64, user_id: i64) -> Result<Option<TeacherRow>, AppError> {
    let q = format!("{TEACHERS} AND t.user_id = $2");
    Ok(sqlx::query_as::<_, TeacherRow>(&q).bind(campaign_id).bind(user_id).fetch_optional(&db.pool).await?)
}

/// The user as a participant of the campaign, if they are one.
pub async fn participant(db: &Db, campaign_id: i64, user_id: i64) -> Result<Option<ParticipantRow>, AppError> {
    let q = format!("{PARTICIPANTS} AND op.user_id = $2");
    Ok(sqlx::query_as::<_, ParticipantRow>(&q).bind(campaign_id).bind(user_id).fetch_optional(&db.pool).await?)
}

/// The languages the participant's school teaches in.
pub async fn school_languages(db: &Db, campaign_id: i64, user_id: i64) -> Result<SchoolLanguages, AppError> {
    let code: Option<String> = sqlx::query_scalar(
        "SELECT p.languages FROM olympiad_participants op JOIN school_profiles p ON p.org_id = op.school_id
         WHERE op.campaign_id = $1 AND op.user_id = $2",
    )
    .bind(campaign_id)
    .bind(user_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(code.and_then(|c| SchoolLanguages::from_code(&c)).unwrap_or(SchoolLanguages::Both))
}

/// Corrects a user's full name.
pub async fn rename(tx: &mut Transaction<'_, Any>, user_id: i64, full_name: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET full_name = $1 WHERE id = $2").bind(full_name).bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// Corrects a participant's grade and paper language.
pub async fn regrade(tx: &mut Transaction<'_, Any>, campaign_id: i64, user_id: i64, grade: i64, language: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE olympiad_participants SET grade = $1, language = $2 WHERE campaign_id = $3 AND user_id = $4")
        .bind(grade)
        .bind(language)
        .bind(campaign_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Corrects a teacher's full name, email and phone; an email or phone another account has is
/// refused on its field.
pub async fn correct_teacher(
    tx: &mut Transaction<'_, Any>,
    user_id: i64,
    full_name: &str,
    email: &str,
    phone: &str,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET full_name = $1, email = $2, phone = $3 WHERE id = $4")
        .bind(full_name)
        .bind(email)
        .bind(phone)
        .bind(user_id)
        .execute(&mut **tx)
        .await
        .map_err(crate::auth::store::unique_to_field)?;
    Ok(())
}
