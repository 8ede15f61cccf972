//! A pupil joining with their teacher's code (OLY-2): the confirmed teacher a code belongs to,
//! whether an IIN already has an account, the account a new registration made with its
//! password, and a signed-in owner entering their own account (its IIN recorded on it).

use crate::db::Db;
use crate::error::AppError;
use crate::olympiad::model::{SchoolLanguages, JOIN_CODE_LEN};
use sqlx::{Any, Transaction};

/// A confirmed teacher's code as stored: the school's languages are a code.
#[derive(sqlx::FromRow)]
struct StoredCodeTeacher {
    campaign_id: i64,
    school_id: i64,
    user_id: i64,
    languages: String,
}

/// (campaign, school, teacher, the school's languages) of a confirmed teacher's code.
pub async fn teacher_of_code(db: &Db, code: &str) -> Result<Option<(i64, i64, i64, SchoolLanguages)>, AppError> {
    if code.len() != JOIN_CODE_LEN {
        return Ok(None);
    }
    let row = sqlx::query_as::<_, StoredCodeTeacher>(
        "SELECT t.campaign_id, t.school_id, t.user_id, p.languages FROM olympiad_teachers t JOIN school_profiles p ON p.org_id = t.school_id
         WHERE t.join_code = $1 AND t.confirmed_at IS NOT NULL",
    )
    .bind(code)
    .fetch_optional(&db.pool)
    .await?;
    row.map(|r| Ok((r.campaign_id, r.school_id, r.user_id, SchoolLanguages::from_code(&r.languages).ok_or(AppError::Internal)?)))
        .transpose()
}

/// How many accounts hold the IIN, as their IIN or their login.
pub async fn accounts_with_iin(db: &Db, iin: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE iin = $1 OR login = $1").bind(iin).fetch_one(&db.pool).await?)
}

/// The account a participant's registration entered.
pub async fn participant_user(tx: &mut Transaction<'_, Any>, participant_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT user_id FROM olympiad_participants WHERE id = $1").bind(participant_id).fetch_one(&mut **tx).await?)
}

/// The password the pupil chose, on the account their registration just made.
pub async fn set_password(tx: &mut Transaction<'_, Any>, user_id: i64, password_hash: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(password_hash).bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// The first account holding the IIN, as its IIN or its login.
pub async fn account_with_iin(tx: &mut Transaction<'_, Any>, iin: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE iin = $1 OR login = $1 ORDER BY id LIMIT 1")
        .bind(iin)
        .fetch_optional(&mut **tx)
        .await?)
}

/// The IIN recorded on an account (none on accounts older than the column).
pub async fn iin_of(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT iin FROM users WHERE id = $1").bind(user_id).fetch_one(&mut **tx).await?)
}

/// Records the IIN on an account that has none yet.
pub async fn record_iin(tx: &mut Transaction<'_, Any>, user_id: i64, iin: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET iin = $1 WHERE id = $2 AND iin IS NULL").bind(iin).bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// How many registrations the account has in the campaign.
pub async fn registrations_in(tx: &mut Transaction<'_, Any>, campaign_id: i64, user_id: i64) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM olympiad_participants WHERE campaign_id = $1 AND user_id = $2")
        .bind(campaign_id)
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?)
}
