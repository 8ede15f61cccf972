//! The pupils a registration enters (OLY-2): a new account for an IIN nobody holds, or the
//! account its signed-in owner enters, with the participant role on the school and the
//! registration (seated at once where the stage's seating is prepared), and the account a
//! registered pupil's IIN names.

use crate::error::AppError;
use crate::i18n::Msg;
use crate::olympiad::model::*;
use sqlx::{Acquire, Any, Transaction};

/// The password hash of a pupil account before its first password is set: not a valid hash,
/// so nothing verifies against it (and no argon2 run per pupil when a school's list comes in).
pub const NO_PASSWORD_YET: &str = "!";

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

/// The account holding a pupil's IIN (just registered: there is one).
pub async fn user_with_iin(tx: &mut Transaction<'_, Any>, iin: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE iin = $1").bind(iin).fetch_one(&mut **tx).await?)
}
