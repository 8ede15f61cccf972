//! All SQL of consent: the records in the database. Server functions (and the proctoring
//! ingest) call these after checking the caller. Giving consent to a purpose that already has
//! an open record changes nothing (the partial unique index `personal_data_consents_open`), so
//! a double click or a retried request records it once; each real change leaves an audit row
//! in its transaction.

use super::model::{minor_on, Consent, GivenBy, PersonConsents, Purpose, TEXT_VERSION};
use crate::audit::store::{record as audit, Entry};
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// The audit actions of consent changes.
pub const GIVE: &str = "consent.give";
pub const WITHDRAW: &str = "consent.withdraw";

/// Whether an IIN says its holder is under 18 at `now` (an unreadable IIN says nothing).
pub fn iin_says_minor(iin: &str, now: i64) -> bool {
    crate::auth::iin::Iin::parse(iin).is_ok_and(|iin| {
        let b = iin.birth_date();
        minor_on((b.year, b.month, b.day), crate::ui::time::civil_from_days(now.div_euclid(86_400_000)))
    })
}

/// Whether the person's IIN (where their account has one) says they are under 18 at `now`.
/// Without an IIN the person says so themselves on the consent step.
pub async fn is_minor(db: &Db, user_id: i64, now: i64) -> Result<bool, AppError> {
    let iin: Option<String> =
        sqlx::query_scalar("SELECT iin FROM users WHERE id = $1").bind(user_id).fetch_optional(&db.pool).await?.flatten();
    Ok(iin.is_some_and(|iin| iin_says_minor(&iin, now)))
}

/// A consent record as stored: purpose and giver as their codes.
#[derive(sqlx::FromRow)]
struct ConsentRow {
    purpose: String,
    given_by: String,
    guardian_name: Option<String>,
    given_at: i64,
    withdrawn_at: Option<i64>,
    recorded_by: Option<String>,
}

/// Every consent record of the person, newest first.
pub async fn records(db: &Db, user_id: i64) -> Result<Vec<Consent>, AppError> {
    let rows = sqlx::query_as::<_, ConsentRow>(
        "SELECT c.purpose, c.given_by, c.guardian_name, c.given_at, c.withdrawn_at, r.full_name AS recorded_by
         FROM personal_data_consents c LEFT JOIN users r ON r.id = c.recorded_by
         WHERE c.user_id = $1 ORDER BY c.given_at DESC, c.id DESC",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Consent {
            purpose: Purpose::from_code(&r.purpose).ok_or(AppError::Internal)?,
            given_by: GivenBy::from_code(&r.given_by).ok_or(AppError::Internal)?,
            guardian_name: r.guardian_name,
            given_at: r.given_at,
            withdrawn_at: r.withdrawn_at,
            recorded_by: r.recorded_by,
        });
    }
    Ok(out)
}

pub async fn mine(db: &Db, user_id: i64, now: i64) -> Result<PersonConsents, AppError> {
    let records = records(db, user_id).await?;
    let registered: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM olympiad_participants WHERE user_id = $1").bind(user_id).fetch_one(&db.pool).await?;
    let purposes =
        Purpose::ALL.into_iter().filter(|p| *p != Purpose::Olympiad || registered > 0 || records.iter().any(|c| c.purpose == *p)).collect();
    Ok(PersonConsents { minor: is_minor(db, user_id, now).await?, records, purposes })
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

/// Whether the person withdrew their consent to `purpose` and has not given it again. A person
/// with no record at all did not withdraw (registrations older than the consent records).
pub async fn withdrew(tx: &mut Transaction<'_, Any>, user_id: i64, purpose: Purpose) -> Result<bool, AppError> {
    let (records, open): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN withdrawn_at IS NULL THEN 1 ELSE 0 END), 0)
         FROM personal_data_consents WHERE user_id = $1 AND purpose = $2",
    )
    .bind(user_id)
    .bind(purpose.code())
    .fetch_one(&mut **tx)
    .await?;
    Ok(records > 0 && open == 0)
}

/// The organisation an audit row about the caller belongs to (their first grant's), so the
/// data controller of their school reads it.
pub fn home_org(caller: &Caller) -> Option<i64> {
    caller.grants.first().map(|g| g.1)
}

/// A consent to record: the person's own on the screen (`recorded_by` None), or a signed paper
/// form a teacher of their school recorded (`recorded_by` the teacher).
pub struct Giving<'a> {
    pub user_id: i64,
    pub purpose: Purpose,
    pub given_by: GivenBy,
    pub guardian_name: Option<&'a str>,
    pub recorded_by: Option<i64>,
}

/// Records a consent (the caller of this function checked who may), once: true when it was
/// not open before. The audit row names the actor (`actor_id`, from `ip`) and the organisation.
pub async fn give(
    tx: &mut Transaction<'_, Any>,
    g: &Giving<'_>,
    (actor_id, ip): (i64, &str),
    org: Option<i64>,
    now: i64,
) -> Result<bool, AppError> {
    let inserted = sqlx::query(
        "INSERT INTO personal_data_consents (user_id, purpose, given_by, guardian_name, text_version, given_at, recorded_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (user_id, purpose) WHERE withdrawn_at IS NULL DO NOTHING",
    )
    .bind(g.user_id)
    .bind(g.purpose.code())
    .bind(g.given_by.code())
    .bind(g.guardian_name)
    .bind(TEXT_VERSION)
    .bind(now)
    .bind(g.recorded_by)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted > 0 {
        let after = serde_json::json!({
            "purpose": g.purpose.code(), "given_by": g.given_by.code(), "guardian_name": g.guardian_name,
            "text_version": TEXT_VERSION, "paper_form": g.recorded_by.is_some(),
        });
        audit(tx, Entry::user(GIVE, Some(actor_id), ip, g.user_id).org(org).after(after)).await?;
    }
    Ok(inserted > 0)
}

/// Withdraws the caller's open consent to `purpose`: true when there was one.
pub async fn withdraw(tx: &mut Transaction<'_, Any>, caller: &Caller, purpose: Purpose, now: i64) -> Result<bool, AppError> {
    let closed =
        sqlx::query("UPDATE personal_data_consents SET withdrawn_at = $1 WHERE user_id = $2 AND purpose = $3 AND withdrawn_at IS NULL")
            .bind(now)
            .bind(caller.user_id)
            .bind(purpose.code())
            .execute(&mut **tx)
            .await?
            .rows_affected();
    if closed > 0 {
        let after = serde_json::json!({ "purpose": purpose.code() });
        audit(tx, Entry::user(WITHDRAW, Some(caller.user_id), &caller.ip, caller.user_id).org(home_org(caller)).after(after)).await?;
    }
    Ok(closed > 0)
}
