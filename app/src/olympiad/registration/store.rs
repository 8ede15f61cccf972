//! The registrations' SQL: teacher registrations, the pupils they register with their
//! accounts, the teachers' join codes and what the registration cards print.

use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::olympiad::model::*;
use sqlx::{Acquire, Any, Row, Transaction};

/// The account holding an IIN: (user id, active, email, and its registration in the campaign
/// with whether that was confirmed).
pub struct IinHolder {
    pub user_id: i64,
    pub active: bool,
    pub email: Option<String>,
    pub locale: String,
    pub registration: Option<(i64, bool)>,
}

pub async fn iin_holder(db: &Db, iin: &str, campaign_id: i64) -> Result<Option<IinHolder>, AppError> {
    let row = sqlx::query(
        "SELECT u.id, u.active, u.email, u.locale, t.id AS reg_id, t.confirmed_at FROM users u
         LEFT JOIN olympiad_teachers t ON t.user_id = u.id AND t.campaign_id = $2
         WHERE u.iin = $1",
    )
    .bind(iin)
    .bind(campaign_id)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let reg_id: Option<i64> = row.try_get("reg_id")?;
    let confirmed_at: Option<i64> = row.try_get("confirmed_at")?;
    Ok(Some(IinHolder {
        user_id: row.try_get("id")?,
        active: row.try_get::<i64, _>("active")? == 1,
        email: row.try_get("email")?,
        locale: row.try_get("locale")?,
        registration: reg_id.map(|id| (id, confirmed_at.is_some())),
    }))
}

/// A teacher's registration waiting for its code: (registration id, user id, school, campaign).
pub async fn pending_registration(db: &Db, iin: &str) -> Result<Option<(i64, i64, i64, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, i64, i64, i64)>(
        "SELECT t.id, u.id, t.school_id, t.campaign_id FROM users u JOIN olympiad_teachers t ON t.user_id = u.id
         WHERE u.iin = $1 AND u.active = 0 AND t.confirmed_at IS NULL ORDER BY t.id DESC LIMIT 1",
    )
    .bind(iin)
    .fetch_optional(&db.pool)
    .await?)
}

/// The password hash of a pupil account before its first password is set: not a valid hash,
/// so nothing verifies against it (and no argon2 run per pupil when a school's list comes in).
pub const NO_PASSWORD_YET: &str = "!";

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

/// Registers a pupil: a new account for their IIN (login = IIN, no password yet), the
/// participant role on the school, and the registration, which remembers that it created the
/// account (only such an account may get a first sign-in code on a card).
///
/// An IIN that already has an account is refused, never linked: the person registering does
/// not own that account, and linking it would let a teacher print a code for someone else's
/// account (another teacher's, whose login is their IIN). A 12-digit login counts as the IIN's
/// account even where the `iin` column is empty (accounts older than it). The message says
/// whether the IIN is already in this campaign or has an account elsewhere.
pub async fn add_participant(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    school_id: i64,
    teacher_id: i64,
    pupil: &Pupil,
    now: i64,
) -> Result<Result<i64, Msg>, AppError> {
    if let Some(msg) = iin_taken(tx, campaign_id, pupil.iin.as_str()).await? {
        return Ok(Err(msg));
    }
    let locale = if pupil.language == "ru" { "ru" } else { "kk" };
    // A savepoint: on PostgreSQL a registration of the same IIN running at the same moment
    // makes this insert fail with a unique violation after the other commits, and a failed
    // statement spoils the whole transaction; rolled back to here, the IIN is looked up again
    // and answered with its own message instead of a 500. (On SQLite `Db::begin` serialises
    // writers, so the look-up above already sees the other registration.)
    let mut attempt = (&mut *tx).begin().await?;
    let inserted = sqlx::query_scalar(
        "INSERT INTO users (login, iin, full_name, password_hash, locale, active, created_at)
         VALUES ($1, $1, $2, $3, $4, 1, $5) RETURNING id",
    )
    .bind(pupil.iin.as_str())
    .bind(&pupil.full_name)
    .bind(NO_PASSWORD_YET)
    .bind(locale)
    .bind(now)
    .fetch_one(&mut *attempt)
    .await;
    let user_id: i64 = match inserted {
        Ok(id) => {
            attempt.commit().await?;
            id
        }
        Err(e) if crate::db::is_unique_violation(&e, "login") || crate::db::is_unique_violation(&e, "iin") => {
            attempt.rollback().await?;
            return Ok(Err(iin_taken(tx, campaign_id, pupil.iin.as_str()).await?.unwrap_or(Msg::ErrOlyIinHasAccount)));
        }
        Err(e) => return Err(e.into()),
    };
    enter(tx, campaign_id, school_id, teacher_id, user_id, true, pupil, now).await.map(Ok)
}

/// Enters an account its owner already has (`user_id`) for the campaign: only for flows where
/// the owner acts (signed in) or the installation itself does (the demo data). The
/// registration did not create the account, so no card will carry a code for it.
pub async fn add_owned_participant(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    school_id: i64,
    teacher_id: i64,
    user_id: i64,
    pupil: &Pupil,
    now: i64,
) -> Result<i64, AppError> {
    enter(tx, campaign_id, school_id, teacher_id, user_id, false, pupil, now).await
}

#[allow(clippy::too_many_arguments)]
async fn enter(
    tx: &mut Transaction<'_, Any>,
    campaign_id: i64,
    school_id: i64,
    teacher_id: i64,
    user_id: i64,
    created_account: bool,
    pupil: &Pupil,
    now: i64,
) -> Result<i64, AppError> {
    crate::auth::store::grant(tx, user_id, crate::auth::model::Role::OlympiadParticipant, school_id).await?;
    let id = sqlx::query_scalar(
        "INSERT INTO olympiad_participants (campaign_id, user_id, school_id, registered_by, grade, language, created_at, created_account)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(campaign_id)
    .bind(user_id)
    .bind(school_id)
    .bind(teacher_id)
    .bind(pupil.grade)
    .bind(pupil.language)
    .bind(now)
    .bind(i64::from(created_account))
    .fetch_one(&mut **tx)
    .await?;
    crate::olympiad::stage::seating::seat_if_prepared(tx, campaign_id, id, now).await?;
    Ok(id)
}

/// Why an IIN cannot be registered in the campaign: already registered in it, or it has an
/// account (by `iin`, or a login equal to it) that this registration did not create.
async fn iin_taken(tx: &mut Transaction<'_, Any>, campaign_id: i64, iin: &str) -> Result<Option<Msg>, AppError> {
    let holder: Option<(i64, i64)> = sqlx::query_as(
        "SELECT u.id, (SELECT COUNT(*) FROM olympiad_participants op WHERE op.campaign_id = $2 AND op.user_id = u.id)
         FROM users u WHERE u.iin = $1 OR u.login = $1 ORDER BY u.id LIMIT 1",
    )
    .bind(iin)
    .bind(campaign_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(holder.map(|(_, registered)| if registered > 0 { Msg::ErrOlyIinInCampaign } else { Msg::ErrOlyIinHasAccount }))
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

/// The campaigns the caller registered for as a teacher (confirmed), with their pupils.
pub async fn teacher_campaigns(db: &Db, user_id: i64) -> Result<Vec<TeacherCampaign>, AppError> {
    let rows = sqlx::query_as::<_, (i64, String, i64, String, String, i64, i64, i64, i64, i64)>(
        "SELECT c.id, c.title, t.school_id, s.name, p.languages, c.grade_min, c.grade_max, c.participant_reg_opens, c.participant_reg_closes, t.id
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
    for (campaign_id, title, school_id, school, languages, grade_min, grade_max, opens_at, closes_at, registration) in rows {
        let join_code = join_code(db, registration).await?;
        let open = |purpose: &str| {
            format!(
                "(SELECT COUNT(*) FROM personal_data_consents c WHERE c.user_id = op.user_id AND c.purpose = '{purpose}' AND c.withdrawn_at IS NULL)"
            )
        };
        let participants = sqlx::query_as::<_, (i64, i64, String, String, i64, String, i64, i64)>(&format!(
            "SELECT op.id, op.user_id, u.iin, u.full_name, op.grade, op.language, {}, {} FROM olympiad_participants op JOIN users u ON u.id = op.user_id
             WHERE op.campaign_id = $1 AND op.school_id = $2 ORDER BY op.grade, u.full_name, op.id",
            open("olympiad"),
            open("proctoring")
        ))
        .bind(campaign_id)
        .bind(school_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|(id, user_id, iin, full_name, grade, language, olympiad, proctoring)| ParticipantRow {
            id,
            user_id,
            iin,
            full_name,
            grade,
            language,
            olympiad_consent: olympiad > 0,
            proctoring_consent: proctoring > 0,
        })
        .collect();
        out.push(TeacherCampaign {
            campaign_id,
            title,
            school_id,
            school,
            school_languages: SchoolLanguages::from_code(&languages).ok_or(AppError::Internal)?,
            grade_min,
            grade_max,
            opens_at,
            closes_at,
            join_code,
            participants,
        });
    }
    Ok(out)
}

/// A pupil whose registration card is printed.
pub struct CardPupil {
    pub participant_id: i64,
    pub user_id: i64,
    pub iin: String,
    pub full_name: String,
    pub grade: i64,
    pub language: String,
    /// The registration created the account and nobody has signed into it yet (it has never
    /// had a password): only then does the card carry a first sign-in code.
    pub first_sign_in: bool,
}

/// The school's pupils in a campaign (or the one registration asked for), in list order.
pub async fn card_pupils(db: &Db, campaign_id: i64, school_id: i64, participant_id: Option<i64>) -> Result<Vec<CardPupil>, AppError> {
    let rows = sqlx::query(
        "SELECT op.id, u.id AS user_id, COALESCE(u.iin, u.login) AS iin, u.full_name, op.grade, op.language, op.created_account, u.password_hash
         FROM olympiad_participants op JOIN users u ON u.id = op.user_id
         WHERE op.campaign_id = $1 AND op.school_id = $2 AND ($3 = 0 OR op.id = $3) ORDER BY op.grade, u.full_name, op.id",
    )
    .bind(campaign_id)
    .bind(school_id)
    .bind(participant_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| -> Result<CardPupil, AppError> {
            Ok(CardPupil {
                participant_id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                iin: r.try_get("iin")?,
                full_name: r.try_get("full_name")?,
                grade: r.try_get("grade")?,
                language: r.try_get("language")?,
                first_sign_in: r.try_get::<i64, _>("created_account")? == 1 && r.try_get::<String, _>("password_hash")? == NO_PASSWORD_YET,
            })
        })
        .collect()
}

/// The account a card's first sign-in code is for: active, made by a pupil's registration,
/// never given a password. `None` for any other login (the code is then refused).
pub async fn first_sign_in_account(tx: &mut Transaction<'_, Any>, login: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT u.id FROM users u WHERE u.login = $1 AND u.active = 1 AND u.password_hash = $2
           AND EXISTS (SELECT 1 FROM olympiad_participants op WHERE op.user_id = u.id AND op.created_account = 1)",
    )
    .bind(login)
    .bind(NO_PASSWORD_YET)
    .fetch_optional(&mut **tx)
    .await?)
}
