//! Consent records in the database. Giving consent to a purpose that already has an open record
//! changes nothing (the partial unique index `personal_data_consents_open`), so a double click
//! or a retried request records it once; each real change leaves an audit row in its transaction.

use super::model::{minor_on, Consent, GivenBy, PersonConsents, Purpose, TEXT_VERSION};
use crate::audit::store::{record as audit, Entry};
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use sqlx::Row;

/// The audit actions of consent changes.
pub const GIVE: &str = "consent.give";
pub const WITHDRAW: &str = "consent.withdraw";

/// Whether the person's IIN (where their account has one) says they are under 18 at `now`.
/// Without an IIN the person says so themselves on the consent step.
pub async fn is_minor(db: &Db, user_id: i64, now: i64) -> Result<bool, AppError> {
    let iin: Option<String> =
        sqlx::query_scalar("SELECT iin FROM users WHERE id = $1").bind(user_id).fetch_optional(&db.pool).await?.flatten();
    let Some(iin) = iin.and_then(|s| crate::olympiad::iin::Iin::parse(&s).ok()) else {
        return Ok(false);
    };
    let b = iin.birth_date();
    Ok(minor_on((b.year, b.month, b.day), crate::ui::time::civil_from_days(now.div_euclid(86_400_000))))
}

/// Every consent record of the person, newest first.
pub async fn records(db: &Db, user_id: i64) -> Result<Vec<Consent>, AppError> {
    let rows = sqlx::query(
        "SELECT purpose, given_by, guardian_name, given_at, withdrawn_at FROM personal_data_consents
         WHERE user_id = $1 ORDER BY given_at DESC, id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (purpose, given_by): (String, String) = (r.try_get("purpose")?, r.try_get("given_by")?);
        out.push(Consent {
            purpose: Purpose::from_code(&purpose).ok_or(AppError::Internal)?,
            given_by: GivenBy::from_code(&given_by).ok_or(AppError::Internal)?,
            guardian_name: r.try_get("guardian_name")?,
            given_at: r.try_get("given_at")?,
            withdrawn_at: r.try_get("withdrawn_at")?,
        });
    }
    Ok(out)
}

pub async fn mine(db: &Db, user_id: i64, now: i64) -> Result<PersonConsents, AppError> {
    Ok(PersonConsents { minor: is_minor(db, user_id, now).await?, records: records(db, user_id).await? })
}

/// Whether the person has an open consent to `purpose` (what the ingest asks).
pub async fn is_open(db: &Db, user_id: i64, purpose: Purpose) -> Result<bool, AppError> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM personal_data_consents WHERE user_id = $1 AND purpose = $2 AND withdrawn_at IS NULL")
            .bind(user_id)
            .bind(purpose.code())
            .fetch_one(&db.pool)
            .await?;
    Ok(n > 0)
}

/// The organisation an audit row about the caller belongs to (their first grant's), so the
/// data controller of their school reads it.
fn home_org(caller: &Caller) -> Option<i64> {
    caller.grants.first().map(|g| g.1)
}

/// Records the caller's consent (checked by the caller of this function), once.
pub async fn give(
    db: &Db,
    caller: &Caller,
    purpose: Purpose,
    given_by: GivenBy,
    guardian_name: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO personal_data_consents (user_id, purpose, given_by, guardian_name, text_version, given_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, purpose) WHERE withdrawn_at IS NULL DO NOTHING",
    )
    .bind(caller.user_id)
    .bind(purpose.code())
    .bind(given_by.code())
    .bind(guardian_name)
    .bind(TEXT_VERSION)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted > 0 {
        let after = serde_json::json!({
            "purpose": purpose.code(), "given_by": given_by.code(), "guardian_name": guardian_name, "text_version": TEXT_VERSION,
        });
        audit(&mut tx, Entry::user(GIVE, Some(caller.user_id), &caller.ip, caller.user_id).org(home_org(caller)).after(after)).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Withdraws the caller's open consent to `purpose`; nothing to withdraw changes nothing.
pub async fn withdraw(db: &Db, caller: &Caller, purpose: Purpose, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let closed =
        sqlx::query("UPDATE personal_data_consents SET withdrawn_at = $1 WHERE user_id = $2 AND purpose = $3 AND withdrawn_at IS NULL")
            .bind(now)
            .bind(caller.user_id)
            .bind(purpose.code())
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if closed > 0 {
        let after = serde_json::json!({ "purpose": purpose.code() });
        audit(&mut tx, Entry::user(WITHDRAW, Some(caller.user_id), &caller.ip, caller.user_id).org(home_org(caller)).after(after)).await?;
    }
    tx.commit().await?;
    Ok(())
}
