//! What the registration cards print (OLY-2): the school's pupils with whether their card
//! carries a first sign-in code, and the school's name; and the first sign-in a card's code
//! opens: the account it is for, its first password and its language.

use super::pupils::NO_PASSWORD_YET;
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};

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

/// A pupil of the cards as stored: whether the registration created the account is 0/1, and
/// the account's password hash tells whether it ever had a password.
#[derive(sqlx::FromRow)]
struct StoredCardPupil {
    id: i64,
    user_id: i64,
    iin: String,
    full_name: String,
    grade: i64,
    language: String,
    created_account: i64,
    password_hash: String,
}

impl From<StoredCardPupil> for CardPupil {
    fn from(r: StoredCardPupil) -> Self {
        CardPupil {
            participant_id: r.id,
            user_id: r.user_id,
            iin: r.iin,
            full_name: r.full_name,
            grade: r.grade,
            language: r.language,
            first_sign_in: r.created_account == 1 && r.password_hash == NO_PASSWORD_YET,
        }
    }
}

/// The school's pupils in a campaign (or the one registration asked for), in list order.
pub async fn card_pupils(db: &Db, campaign_id: i64, school_id: i64, participant_id: Option<i64>) -> Result<Vec<CardPupil>, AppError> {
    let rows = sqlx::query_as::<_, StoredCardPupil>(
        "SELECT op.id, u.id AS user_id, COALESCE(u.iin, u.login) AS iin, u.full_name, op.grade, op.language, op.created_account, u.password_hash
         FROM olympiad_participants op JOIN users u ON u.id = op.user_id
         WHERE op.campaign_id = $1 AND op.school_id = $2 AND ($3 = 0 OR op.id = $3) ORDER BY op.grade, u.full_name, op.id",
    )
    .bind(campaign_id)
    .bind(school_id)
    .bind(participant_id.unwrap_or(0))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(CardPupil::from).collect())
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

/// The name of the school the cards are printed for.
pub async fn school_name(db: &Db, school_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1").bind(school_id).fetch_one(&db.pool).await?)
}

/// Sets the first password of a card's account, if it is still without one (a second code of
/// the same card cannot race this one): the rows changed, 1 when it was set.
pub async fn set_first_password(tx: &mut Transaction<'_, Any>, user_id: i64, password_hash: &str) -> Result<u64, AppError> {
    Ok(sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash = $3")
        .bind(password_hash)
        .bind(user_id)
        .bind(NO_PASSWORD_YET)
        .execute(&mut **tx)
        .await?
        .rows_affected())
}

/// The language the account's owner reads (its stored code).
pub async fn account_locale(db: &Db, user_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT locale FROM users WHERE id = $1").bind(user_id).fetch_one(&db.pool).await?)
}
