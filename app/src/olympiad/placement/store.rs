//! The placement's SQL (server only): the campaign's registry of specialised schools and its
//! counts, the winners' applications with their choices and documents, the placing's inputs
//! and what it stores, the schools' applicants, and the families' look-up. The server
//! functions and the document route in `applications.rs` check the caller first, then call
//! these.

use crate::db::Db;
use crate::error::AppError;
use crate::olympiad::model::RegistrySchool;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// The registry's schools with their seats, applications and placed winners, by name.
pub async fn registry_schools(db: &Db, campaign_id: i64) -> Result<Vec<RegistrySchool>, AppError> {
    Ok(sqlx::query_as::<_, RegistrySchool>(
        "SELECT r.school_id, p.code, o.name, r.seats,
            (SELECT COUNT(*) FROM olympiad_application_choices c JOIN olympiad_applications a ON a.id = c.application_id
                WHERE c.school_id = r.school_id AND a.campaign_id = r.campaign_id) AS applied,
            (SELECT COUNT(*) FROM olympiad_applications a WHERE a.placed_school_id = r.school_id AND a.campaign_id = r.campaign_id) AS placed
         FROM olympiad_specialised_schools r JOIN organisations o ON o.id = r.school_id JOIN school_profiles p ON p.org_id = r.school_id
         WHERE r.campaign_id = $1 ORDER BY o.name",
    )
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The campaign's applications: (how many, how many placed, when last placed).
pub async fn application_counts(db: &Db, campaign_id: i64) -> Result<(i64, i64, Option<i64>), AppError> {
    Ok(sqlx::query_as::<_, (i64, i64, Option<i64>)>(
        "SELECT COUNT(*) AS n, COUNT(placed_school_id) AS placed, MAX(placed_at) AS at FROM olympiad_applications WHERE campaign_id = $1",
    )
    .bind(campaign_id)
    .fetch_one(&db.pool)
    .await?)
}

/// The directory school with this code.
pub async fn school_by_code(db: &Db, code: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT org_id FROM school_profiles WHERE code = $1").bind(code).fetch_optional(&db.pool).await?)
}

/// Takes a school out of the campaign's registry.
pub async fn remove_school(tx: &mut Transaction<'_, Any>, campaign_id: i64, school_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM olympiad_specialised_schools WHERE campaign_id = $1 AND school_id = $2")
        .bind(campaign_id)
        .bind(school_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Puts a school into the campaign's registry with `seats`, or changes its seats.
pub async fn set_seats(tx: &mut Transaction<'_, Any>, campaign_id: i64, school_id: i64, seats: i64) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO olympiad_specialised_schools (campaign_id, school_id, seats) VALUES ($1, $2, $3)
         ON CONFLICT (campaign_id, school_id) DO UPDATE SET seats = $3",
    )
    .bind(campaign_id)
    .bind(school_id)
    .bind(seats)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The caller's participant id in a campaign they won (published, not annulled).
pub async fn winner_participant(db: &Db, user_id: i64, campaign_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT op.id FROM olympiad_participants op JOIN olympiad_winner_rules w ON w.campaign_id = op.campaign_id
         WHERE op.user_id = $1 AND op.campaign_id = $2 AND w.published_at IS NOT NULL
         AND EXISTS (SELECT 1 FROM olympiad_results r WHERE r.participant_id = op.id AND r.winner = 1 AND r.annulled = 0)",
    )
    .bind(user_id)
    .bind(campaign_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Creates the participant's application, or marks it sent again at `now`; its id.
pub async fn save_application(tx: &mut Transaction<'_, Any>, campaign_id: i64, participant_id: i64, now: i64) -> Result<i64, AppError> {
    sqlx::query(
        "INSERT INTO olympiad_applications (campaign_id, participant_id, submitted_at) VALUES ($1, $2, $3)
         ON CONFLICT (participant_id) DO UPDATE SET submitted_at = $3",
    )
    .bind(campaign_id)
    .bind(participant_id)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(sqlx::query_scalar("SELECT id FROM olympiad_applications WHERE participant_id = $1")
        .bind(participant_id)
        .fetch_one(&mut **tx)
        .await?)
}

/// Replaces an application's choices with these school ids, in order of preference.
pub async fn set_choices(tx: &mut Transaction<'_, Any>, application_id: i64, choices: &[i64]) -> Result<(), AppError> {
    sqlx::query("DELETE FROM olympiad_application_choices WHERE application_id = $1").bind(application_id).execute(&mut **tx).await?;
    for (i, school) in choices.iter().enumerate() {
        sqlx::query("INSERT INTO olympiad_application_choices (application_id, position, school_id) VALUES ($1, $2, $3)")
            .bind(application_id)
            .bind(i as i64 + 1)
            .bind(school)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The participant's application, if they applied.
pub async fn application_of(db: &Db, participant_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM olympiad_applications WHERE participant_id = $1")
        .bind(participant_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// A document of an application, stored in the media under `media_key`.
pub struct NewFile<'a> {
    pub application_id: i64,
    pub file_name: &'a str,
    pub media_key: &'a str,
    pub bytes: i64,
    pub uploaded_at: i64,
}

/// Records an application's document; the same name again replaces it.
pub async fn save_file(db: &Db, f: NewFile<'_>) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO olympiad_application_files (application_id, file_name, media_key, bytes, uploaded_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (application_id, file_name) DO UPDATE SET media_key = excluded.media_key, bytes = excluded.bytes,
             uploaded_at = excluded.uploaded_at",
    )
    .bind(f.application_id)
    .bind(f.file_name)
    .bind(f.media_key)
    .bind(f.bytes)
    .bind(f.uploaded_at)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The names of an application's documents.
pub async fn files(db: &Db, application_id: i64) -> Result<Vec<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT file_name FROM olympiad_application_files WHERE application_id = $1 ORDER BY file_name")
        .bind(application_id)
        .fetch_all(&db.pool)
        .await?)
}

/// The school ids an application chose, in order of preference.
pub async fn choices(db: &Db, application_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT school_id FROM olympiad_application_choices WHERE application_id = $1 ORDER BY position")
        .bind(application_id)
        .fetch_all(&db.pool)
        .await?)
}

/// A campaign the user won, with its applications window and their participant id.
#[derive(sqlx::FromRow)]
pub struct WonCampaign {
    pub id: i64,
    pub title: String,
    pub applications_opens: i64,
    pub applications_closes: i64,
    pub participant_id: i64,
}

/// The published campaigns the user won (a result not annulled), latest applications first.
pub async fn won_campaigns(db: &Db, user_id: i64) -> Result<Vec<WonCampaign>, AppError> {
    Ok(sqlx::query_as::<_, WonCampaign>(
        "SELECT c.id, c.title, c.applications_opens, c.applications_closes, op.id AS participant_id
         FROM olympiad_participants op JOIN olympiad_campaigns c ON c.id = op.campaign_id
         JOIN olympiad_winner_rules w ON w.campaign_id = c.id
         WHERE op.user_id = $1 AND w.published_at IS NOT NULL
         AND EXISTS (SELECT 1 FROM olympiad_results r WHERE r.participant_id = op.id AND r.winner = 1 AND r.annulled = 0)
         ORDER BY c.applications_closes DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The campaign's registry as a winner chooses from it: (school id, name), by name.
pub async fn registry(db: &Db, campaign_id: i64) -> Result<Vec<(i64, String)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, String)>(
        "SELECT o.id, o.name FROM olympiad_specialised_schools r JOIN organisations o ON o.id = r.school_id
         WHERE r.campaign_id = $1 ORDER BY o.name",
    )
    .bind(campaign_id)
    .fetch_all(&db.pool)
    .await?)
}

/// A participant's application: when sent, and when and where placed (no school: no seat).
#[derive(sqlx::FromRow)]
pub struct StoredApplication {
    pub id: i64,
    pub submitted_at: i64,
    pub placed_at: Option<i64>,
    pub placed_school_id: Option<i64>,
}

/// The participant's application, if they applied.
pub async fn application(db: &Db, participant_id: i64) -> Result<Option<StoredApplication>, AppError> {
    Ok(sqlx::query_as::<_, StoredApplication>(
        "SELECT id, submitted_at, placed_at, placed_school_id FROM olympiad_applications WHERE participant_id = $1",
    )
    .bind(participant_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// The registry's seats by school.
pub async fn seats(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<HashMap<i64, i64>, AppError> {
    Ok(sqlx::query_as::<_, (i64, i64)>("SELECT school_id, seats FROM olympiad_specialised_schools WHERE campaign_id = $1")
        .bind(campaign_id)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .collect())
}

/// An application with one of its applicant's winning, ranked results.
#[derive(sqlx::FromRow)]
pub struct ApplicationResult {
    pub id: i64,
    pub submitted_at: i64,
    pub place: i64,
    pub score: i64,
    pub time_used_ms: i64,
}

/// Every winning, ranked result (not annulled) of the campaign's applicants, with the application.
pub async fn application_results(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Vec<ApplicationResult>, AppError> {
    Ok(sqlx::query_as::<_, ApplicationResult>(
        "SELECT a.id, a.submitted_at, r.place, r.score, r.time_used_ms
         FROM olympiad_applications a JOIN olympiad_results r ON r.participant_id = a.participant_id
         WHERE a.campaign_id = $1 AND r.winner = 1 AND r.annulled = 0 AND r.place IS NOT NULL",
    )
    .bind(campaign_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Every choice of the campaign's applications: (application, school), each application's in
/// order of preference.
pub async fn campaign_choices(tx: &mut Transaction<'_, Any>, campaign_id: i64) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, i64)>(
        "SELECT c.application_id, c.school_id FROM olympiad_application_choices c JOIN olympiad_applications a ON a.id = c.application_id
         WHERE a.campaign_id = $1 ORDER BY c.application_id, c.position",
    )
    .bind(campaign_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// Marks every application of the campaign placed at `now` in no school, before the placing
/// stores each one's school.
pub async fn clear_placement(tx: &mut Transaction<'_, Any>, campaign_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE olympiad_applications SET placed_school_id = NULL, placed_at = $1 WHERE campaign_id = $2")
        .bind(now)
        .bind(campaign_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Stores the school an application was placed in (None: no seat).
pub async fn set_placed(tx: &mut Transaction<'_, Any>, application_id: i64, school_id: Option<i64>) -> Result<(), AppError> {
    sqlx::query("UPDATE olympiad_applications SET placed_school_id = $1 WHERE id = $2")
        .bind(school_id)
        .bind(application_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A choice of an application, with the applicant and the placement as stored (the best place
/// NULL when no result wins any more).
#[derive(sqlx::FromRow)]
pub struct ApplicantChoice {
    pub id: i64,
    pub school_id: i64,
    pub position: i64,
    pub to_school: String,
    pub full_name: String,
    pub from_school: String,
    pub grade: i64,
    pub placed_at: Option<i64>,
    pub placed_school_id: Option<i64>,
    pub best_place: Option<i64>,
}

/// Every choice of every application, of every campaign (the caller keeps the schools it
/// admits for).
pub async fn applicant_choices(db: &Db) -> Result<Vec<ApplicantChoice>, AppError> {
    Ok(sqlx::query_as::<_, ApplicantChoice>(
        "SELECT a.id, c.school_id, c.position, o.name AS to_school, u.full_name, s.name AS from_school, op.grade, a.placed_at, a.placed_school_id,
            (SELECT MIN(r.place) FROM olympiad_results r WHERE r.participant_id = op.id AND r.winner = 1 AND r.annulled = 0) AS best_place
         FROM olympiad_application_choices c JOIN olympiad_applications a ON a.id = c.application_id
         JOIN organisations o ON o.id = c.school_id
         JOIN olympiad_participants op ON op.id = a.participant_id JOIN users u ON u.id = op.user_id
         JOIN organisations s ON s.id = op.school_id",
    )
    .fetch_all(&db.pool)
    .await?)
}

/// The holder of a winner's diploma, found by its number and their IIN together.
#[derive(sqlx::FromRow)]
pub struct DiplomaHolder {
    pub full_name: String,
    pub title: String,
    pub participant_id: i64,
}

/// The holder of the winner's diploma (still valid) with this number, if their IIN is `iin`.
pub async fn diploma_holder(db: &Db, number: &str, iin: &str) -> Result<Option<DiplomaHolder>, AppError> {
    Ok(sqlx::query_as::<_, DiplomaHolder>(
        "SELECT u.full_name, c.title, op.id AS participant_id FROM olympiad_certificates x
         JOIN olympiad_participants op ON op.id = x.participant_id JOIN users u ON u.id = op.user_id
         JOIN olympiad_campaigns c ON c.id = x.campaign_id
         WHERE x.number = $1 AND u.iin = $2 AND x.kind = 'winner' AND x.withdrawn_at IS NULL",
    )
    .bind(number)
    .bind(iin)
    .fetch_optional(&db.pool)
    .await?)
}

/// Where the participant's application stands: Some((placed_at, placed_school_id)) when they
/// applied.
pub async fn placement_of(db: &Db, participant_id: i64) -> Result<Option<(Option<i64>, Option<i64>)>, AppError> {
    Ok(sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
        "SELECT placed_at, placed_school_id FROM olympiad_applications WHERE participant_id = $1",
    )
    .bind(participant_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Who an application is of (its participant's user).
pub async fn applicant_user(db: &Db, application_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT op.user_id FROM olympiad_applications a JOIN olympiad_participants op ON op.id = a.participant_id WHERE a.id = $1",
    )
    .bind(application_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Who an application is of, read in the placing transaction.
pub async fn applicant_user_in(tx: &mut Transaction<'_, Any>, application_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT op.user_id FROM olympiad_applications a JOIN olympiad_participants op ON op.id = a.participant_id WHERE a.id = $1",
    )
    .bind(application_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// The schools an application lists (their staff may read its documents).
pub async fn chosen_schools(db: &Db, application_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT school_id FROM olympiad_application_choices WHERE application_id = $1")
        .bind(application_id)
        .fetch_all(&db.pool)
        .await?)
}

/// Where an application's document with this name is kept in the media.
pub async fn media_key(db: &Db, application_id: i64, file_name: &str) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT media_key FROM olympiad_application_files WHERE application_id = $1 AND file_name = $2")
        .bind(application_id)
        .bind(file_name)
        .fetch_optional(&db.pool)
        .await?)
}
