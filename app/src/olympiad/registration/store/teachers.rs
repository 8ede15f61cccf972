//! Teacher registrations (OLY-1): who holds an IIN, email or phone a registration gives, a
//! registration waiting for its code and its confirmation, a signed-in person joining a
//! campaign as a teacher, the school a teacher registers pupils from, the teachers' join codes
//! and the teacher's page with the pupils registered from their school.

use crate::db::Db;
use crate::error::AppError;
use crate::olympiad::model::*;
use sqlx::{Any, Transaction};

/// The account holding an IIN: (user id, active, email, and its registration in the campaign
/// with whether that was confirmed).
pub struct IinHolder {
    pub user_id: i64,
    pub active: bool,
    pub email: Option<String>,
    pub locale: String,
    pub registration: Option<(i64, bool)>,
}

/// An account holding an IIN as stored: active is 0/1, and the registration's columns are
/// empty when it has none in the campaign.
#[derive(sqlx::FromRow)]
struct StoredIinHolder {
    id: i64,
    active: i64,
    email: Option<String>,
    locale: String,
    reg_id: Option<i64>,
    confirmed_at: Option<i64>,
}

impl From<StoredIinHolder> for IinHolder {
    fn from(r: StoredIinHolder) -> Self {
        IinHolder {
            user_id: r.id,
            active: r.active == 1,
            email: r.email,
            locale: r.locale,
            registration: r.reg_id.map(|id| (id, r.confirmed_at.is_some())),
        }
    }
}

pub async fn iin_holder(db: &Db, iin: &str, campaign_id: i64) -> Result<Option<IinHolder>, AppError> {
    let row = sqlx::query_as::<_, StoredIinHolder>(
        "SELECT u.id, u.active, u.email, u.locale, t.id AS reg_id, t.confirmed_at FROM users u
         LEFT JOIN olympiad_teachers t ON t.user_id = u.id AND t.campaign_id = $2
         WHERE u.iin = $1",
    )
    .bind(iin)
    .bind(campaign_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(IinHolder::from))
}

/// Another account (not `pending_user`, the registration's own one waiting for its code) that
/// holds the email (case ignored) or the phone: (its id, its email).
pub async fn contact_holder(
    tx: &mut Transaction<'_, Any>,
    email: &str,
    phone: &str,
    pending_user: i64,
) -> Result<Option<(i64, Option<String>)>, AppError> {
    Ok(sqlx::query_as("SELECT id, email FROM users WHERE (LOWER(email) = LOWER($1) OR phone = $2) AND id <> $3 ORDER BY id LIMIT 1")
        .bind(email)
        .bind(phone)
        .bind(pending_user)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Where the owner of an account is told of a registration tried with its IIN or contact.
#[derive(sqlx::FromRow)]
pub struct OwnerContact {
    pub login: String,
    pub locale: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

pub async fn owner_contact(tx: &mut Transaction<'_, Any>, owner_id: i64) -> Result<OwnerContact, AppError> {
    Ok(sqlx::query_as::<_, OwnerContact>("SELECT login, locale, email, phone FROM users WHERE id = $1")
        .bind(owner_id)
        .fetch_one(&mut **tx)
        .await?)
}

/// A registration made again before its code came back: the account (still inactive) takes
/// the new name, contact, password and language (an email or phone taken meanwhile is its
/// field's error), and the registration the new school and time.
#[allow(clippy::too_many_arguments)]
pub async fn register_again(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    user_id: i64,
    school_id: i64,
    full_name: &str,
    email: &str,
    phone: &str,
    password_hash: &str,
    locale: &str,
    now: i64,
) -> Result<(), AppError> {
    let updated = sqlx::query("UPDATE users SET full_name = $1, email = $2, phone = $3, password_hash = $4, locale = $5 WHERE id = $6")
        .bind(full_name)
        .bind(email)
        .bind(phone)
        .bind(password_hash)
        .bind(locale)
        .bind(user_id)
        .execute(&mut **tx)
        .await;
    updated.map_err(crate::auth::store::unique_to_field)?;
    sqlx::query("UPDATE olympiad_teachers SET school_id = $1, created_at = $2 WHERE campaign_id = $3 AND user_id = $4")
        .bind(school_id)
        .bind(now)
        .bind(campaign_id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A new teacher's registration for the account just made for them: the account is inactive
/// until the code comes back (an unconfirmed email cannot sign in) and holds the IIN.
pub async fn add_registration(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    user_id: i64,
    iin: &str,
    school_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET active = 0, iin = $1 WHERE id = $2").bind(iin).bind(user_id).execute(&mut **tx).await?;
    sqlx::query("INSERT INTO olympiad_teachers (campaign_id, user_id, school_id, created_at) VALUES ($1, $2, $3, $4)")
        .bind(campaign_id)
        .bind(user_id)
        .bind(school_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A teacher's registration waiting for its code.
#[derive(sqlx::FromRow)]
pub struct PendingRegistration {
    pub registration_id: i64,
    pub user_id: i64,
    pub school_id: i64,
    pub campaign_id: i64,
}

pub async fn pending_registration(db: &Db, iin: &str) -> Result<Option<PendingRegistration>, AppError> {
    Ok(sqlx::query_as::<_, PendingRegistration>(
        "SELECT t.id AS registration_id, u.id AS user_id, t.school_id, t.campaign_id FROM users u JOIN olympiad_teachers t ON t.user_id = u.id
         WHERE u.iin = $1 AND u.active = 0 AND t.confirmed_at IS NULL ORDER BY t.id DESC LIMIT 1",
    )
    .bind(iin)
    .fetch_optional(&db.pool)
    .await?)
}

/// The code came back: the account is activated and the registration confirmed.
pub async fn confirm_registration(tx: &mut Transaction<'_, Any>, registration_id: i64, user_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET active = 1 WHERE id = $1").bind(user_id).execute(&mut **tx).await?;
    sqlx::query("UPDATE olympiad_teachers SET confirmed_at = $1 WHERE id = $2").bind(now).bind(registration_id).execute(&mut **tx).await?;
    Ok(())
}

/// The account's registration as a teacher in the campaign: (its id, when it was confirmed).
pub async fn registration_of(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    user_id: i64,
) -> Result<Option<(i64, Option<i64>)>, AppError> {
    Ok(sqlx::query_as("SELECT id, confirmed_at FROM olympiad_teachers WHERE campaign_id = $1 AND user_id = $2")
        .bind(campaign_id)
        .bind(user_id)
        .fetch_optional(&mut **tx)
        .await?)
}

/// A registration still waiting for its code, confirmed by its signed-in owner from `school_id`.
pub async fn confirm_waiting(tx: &mut Transaction<'_, Any>, registration_id: i64, school_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE olympiad_teachers SET school_id = $1, confirmed_at = $2 WHERE id = $3")
        .bind(school_id)
        .bind(now)
        .bind(registration_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A registration confirmed as it is made (a signed-in person joining as a teacher).
pub async fn add_confirmed_registration(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    user_id: i64,
    school_id: i64,
    now: i64,
) -> Result<(), AppError> {
    sqlx::query("INSERT INTO olympiad_teachers (campaign_id, user_id, school_id, created_at, confirmed_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(campaign_id)
        .bind(user_id)
        .bind(school_id)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The school a teacher registered from for a campaign (confirmed registrations only), with
/// its languages.
pub async fn teacher_school(db: &Db, user_id: i64, campaign_id: i64) -> Result<Option<(i64, SchoolLanguages)>, AppError> {
    let row = sqlx::query_as::<_, (i64, String)>(
        "SELECT t.school_id, p.languages FROM olympiad_teachers t JOIN school_profiles p ON p.org_id = t.school_id
         WHERE t.user_id = $1 AND t.campaign_id = $2 AND t.confirmed_at IS NOT NULL",
    )
    .bind(user_id)
    .bind(campaign_id)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.and_then(|(school, languages)| SchoolLanguages::from_code(&languages).map(|l| (school, l))))
}

/// The teacher registration's code, made on first use (a unique index guards clashes; one
/// is retried).
pub async fn join_code(db: &Db, registration_id: i64) -> Result<String, AppError> {
    for _ in 0..3 {
        let current: Option<String> =
            sqlx::query_scalar("SELECT join_code FROM olympiad_teachers WHERE id = $1").bind(registration_id).fetch_one(&db.pool).await?;
        if let Some(code) = current {
            return Ok(code);
        }
        let code = crate::olympiad::ssr::random_code(crate::olympiad::model::JOIN_CODE_LEN);
        let _ = sqlx::query("UPDATE olympiad_teachers SET join_code = $1 WHERE id = $2 AND join_code IS NULL")
            .bind(&code)
            .bind(registration_id)
            .execute(&db.pool)
            .await;
    }
    Err(AppError::Internal)
}

/// A campaign the teacher registered for as stored: the school's languages are a code.
#[derive(sqlx::FromRow)]
struct StoredTeacherCampaign {
    campaign_id: i64,
    title: String,
    school_id: i64,
    school: String,
    languages: String,
    grade_min: i64,
    grade_max: i64,
    opens_at: i64,
    closes_at: i64,
    registration_id: i64,
}

/// A registered pupil as stored: `olympiad` and `proctoring` count the open consents.
#[derive(sqlx::FromRow)]
struct StoredParticipant {
    id: i64,
    user_id: i64,
    iin: String,
    full_name: String,
    grade: i64,
    language: String,
    olympiad: i64,
    proctoring: i64,
}

impl From<StoredParticipant> for ParticipantRow {
    fn from(r: StoredParticipant) -> Self {
        ParticipantRow {
            id: r.id,
            user_id: r.user_id,
            iin: r.iin,
            full_name: r.full_name,
            grade: r.grade,
            language: r.language,
            olympiad_consent: r.olympiad > 0,
            proctoring_consent: r.proctoring > 0,
        }
    }
}

/// The campaigns the caller registered for as a teacher (confirmed), with their pupils.
pub async fn teacher_campaigns(db: &Db, user_id: i64) -> Result<Vec<TeacherCampaign>, AppError> {
    let rows = sqlx::query_as::<_, StoredTeacherCampaign>(
        "SELECT c.id AS campaign_id, c.title, t.school_id, s.name AS school, p.languages, c.grade_min, c.grade_max,
                c.participant_reg_opens AS opens_at, c.participant_reg_closes AS closes_at, t.id AS registration_id
         FROM olympiad_teachers t
         JOIN olympiad_campaigns c ON c.id = t.campaign_id
         JOIN organisations s ON s.id = t.school_id
         JOIN school_profiles p ON p.org_id = t.school_id
         WHERE t.user_id = $1 AND t.confirmed_at IS NOT NULL ORDER BY c.participant_reg_opens DESC, c.id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let join_code = join_code(db, r.registration_id).await?;
        let open = |purpose: &str| {
            format!(
                "(SELECT COUNT(*) FROM personal_data_consents c WHERE c.user_id = op.user_id AND c.purpose = '{purpose}' AND c.withdrawn_at IS NULL)"
            )
        };
        let participants = sqlx::query_as::<_, StoredParticipant>(&format!(
            "SELECT op.id, op.user_id, u.iin, u.full_name, op.grade, op.language, {} AS olympiad, {} AS proctoring FROM olympiad_participants op JOIN users u ON u.id = op.user_id
             WHERE op.campaign_id = $1 AND op.school_id = $2 ORDER BY op.grade, u.full_name, op.id",
            open("olympiad"),
            open("proctoring")
        ))
        .bind(r.campaign_id)
        .bind(r.school_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(ParticipantRow::from)
        .collect();
        out.push(TeacherCampaign {
            campaign_id: r.campaign_id,
            title: r.title,
            school_id: r.school_id,
            school: r.school,
            school_languages: SchoolLanguages::from_code(&r.languages).ok_or(AppError::Internal)?,
            grade_min: r.grade_min,
            grade_max: r.grade_max,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            join_code,
            participants,
        });
    }
    Ok(out)
}
