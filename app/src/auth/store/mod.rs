//! All SQL of accounts. Here: users and their grants (registration, sign-in, password,
//! profile and contacts, language); one-time codes in [`codes`], sessions in [`sessions`], rate
//! limits in [`limits`]. Server functions call these after checking the caller (the public
//! ones after their rate limits), inside the transaction of their action where they take one.

pub mod codes;
pub mod limits;
pub mod sessions;

pub use codes::*;

use super::model::{Email, Grant, Login, Phone, Role};
use crate::api::now_ms;
use crate::db::{is_unique_violation, Db};
use crate::error::{AppError, FieldError};
use crate::i18n::{Locale, Msg};
use crate::notify::outbox::{enqueue, Outgoing};
use sqlx::{Any, Transaction};

/// Inserts a user; a taken login, email or phone becomes an error at that field.
pub async fn insert_user(
    tx: &mut Transaction<'_, Any>,
    login: &Login,
    full_name: &str,
    email: Option<&Email>,
    phone: Option<&Phone>,
    password_hash: &str,
    locale: Locale,
) -> Result<i64, AppError> {
    let result = sqlx::query_scalar(
        "INSERT INTO users (login, email, phone, full_name, password_hash, locale, active, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 1, $7) RETURNING id",
    )
    .bind(login.as_str())
    .bind(email.map(|e| e.as_str()))
    .bind(phone.map(|p| p.as_str()))
    .bind(full_name)
    .bind(password_hash)
    .bind(locale.code())
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await;
    match result {
        Ok(id) => Ok(id),
        Err(e) => Err(unique_to_field(e)),
    }
}

/// Maps a unique violation on users to the field the person has to change.
pub fn unique_to_field(e: sqlx::Error) -> AppError {
    for (column, field, msg) in
        [("login", "login", Msg::ErrLoginTaken), ("email", "email", Msg::ErrEmailTaken), ("phone", "phone", Msg::ErrPhoneTaken)]
    {
        if is_unique_violation(&e, column) {
            return AppError::Invalid(vec![FieldError { field: field.to_string(), msg }]);
        }
    }
    e.into()
}

/// Frees what unconfirmed self-registrations hold against a new registration: a login whose code
/// has expired, and an email in any case (a pending account never showed the address is its
/// own, so it must not keep the address's owner out). The pending accounts go entirely: they
/// have no roles, sessions or audit rows yet; their messages stay in the outbox, unowned.
pub async fn release_pending(tx: &mut Transaction<'_, Any>, login: &str, email: &str, now: i64) -> Result<(), AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE pending_since IS NOT NULL AND ((login = $1 AND pending_since < $2) OR LOWER(email) = LOWER($3))",
    )
    .bind(login)
    .bind(now - CODE_TTL_MS)
    .bind(email)
    .fetch_all(&mut **tx)
    .await?;
    for id in ids {
        sqlx::query("DELETE FROM verification_codes WHERE user_id = $1").bind(id).execute(&mut **tx).await?;
        sqlx::query("UPDATE outbox SET user_id = NULL WHERE user_id = $1").bind(id).execute(&mut **tx).await?;
        sqlx::query("DELETE FROM users WHERE id = $1 AND pending_since IS NOT NULL").bind(id).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Notes about an account a form was filled with, per account and hour, beyond which they are
/// dropped silently (see [`tell_owner`]).
pub const OWNER_NOTES_PER_HOUR: i64 = 3;

/// Tells an account's owner, at a contact of theirs, that a form was filled in with something of
/// theirs (a registration with their email, phone or IIN). Those forms answer alike whether or
/// not it is taken (issue 14, item 4), so the owner hears of it here instead; the note says how
/// to sign in or join. Counted in the outbox, inside the caller's transaction, so a form cannot
/// flood anyone: past [`OWNER_NOTES_PER_HOUR`] the note is dropped.
pub async fn tell_owner(tx: &mut Transaction<'_, Any>, owner_id: i64, m: Outgoing<'_>) -> Result<(), AppError> {
    let recent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE user_id = $1 AND subject = $2 AND created_at > $3")
        .bind(owner_id)
        .bind(m.subject)
        .bind(now_ms() - 3_600_000)
        .fetch_one(&mut **tx)
        .await?;
    if recent < OWNER_NOTES_PER_HOUR {
        enqueue(tx, Outgoing { user_id: Some(owner_id), ..m }).await?;
    }
    Ok(())
}

/// Grants a role; returns false if the grant already existed.
pub async fn grant(tx: &mut Transaction<'_, Any>, user_id: i64, role: Role, org_id: i64) -> Result<bool, AppError> {
    let inserted = sqlx::query(
        "INSERT INTO role_assignments (user_id, role, org_id, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, role, org_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(role.code())
    .bind(org_id)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(inserted == 1)
}

/// Finds an account by login, email or phone (what a person remembers of it).
pub async fn find_by_contact(db: &Db, contact: &str) -> Result<Option<i64>, AppError> {
    let contact = contact.trim();
    let by_login = Login::parse(contact).ok().map(|l| l.as_str().to_string());
    let by_email = Email::parse(contact).ok().map(|e| e.as_str().to_string());
    let by_phone = Phone::parse(contact).ok().map(|p| p.as_str().to_string());
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM users WHERE (login = $1 OR LOWER(email) = LOWER($2) OR phone = $3) AND active = 1 ORDER BY id LIMIT 1",
    )
    .bind(by_login.unwrap_or_default())
    .bind(by_email.unwrap_or_default())
    .bind(by_phone.unwrap_or_default())
    .fetch_optional(&db.pool)
    .await?;
    Ok(id)
}

/// What [`purge_expired`] deleted.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Expired {
    pub sessions: u64,
    pub codes: u64,
    pub rate_limits: u64,
}

/// Retention of sign-in data (issue 21): sessions past their expiry, one-time codes a day after they expired (used or not: a
/// day keeps them for looking into a complaint), and rate-limit windows two days old (the
/// longest window is an hour). On SQLite's one writer connection, queued with the transactions.
pub async fn purge_expired(db: &Db, now: i64) -> Result<Expired, AppError> {
    const DAY: i64 = 86_400_000;
    let writer = db.write_pool();
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(writer).await?.rows_affected();
    let codes = sqlx::query("DELETE FROM verification_codes WHERE expires_at < $1").bind(now - DAY).execute(writer).await?.rows_affected();
    let rate_limits =
        sqlx::query("DELETE FROM rate_limits WHERE window_start < $1").bind(now - 2 * DAY).execute(writer).await?.rows_affected();
    Ok(Expired { sessions, codes, rate_limits })
}

/// The account with this login, if any.
pub async fn id_by_login(tx: &mut Transaction<'_, Any>, login: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE login = $1").bind(login).fetch_optional(&mut **tx).await?)
}

/// The account an email belongs to, with the email as its owner wrote it.
#[derive(sqlx::FromRow)]
pub struct EmailOwner {
    pub id: i64,
    pub login: String,
    pub locale: String,
    pub email: String,
}

pub async fn owner_of_email(tx: &mut Transaction<'_, Any>, email: &str) -> Result<Option<EmailOwner>, AppError> {
    Ok(sqlx::query_as::<_, EmailOwner>("SELECT id, login, locale, email FROM users WHERE LOWER(email) = LOWER($1)")
        .bind(email)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Leaves a new self-registration inactive until its code comes back.
pub async fn mark_pending(tx: &mut Transaction<'_, Any>, user_id: i64, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET active = 0, pending_since = $1 WHERE id = $2").bind(now).bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// A self-registration waiting for its code.
#[derive(sqlx::FromRow)]
pub struct PendingRegistration {
    pub id: i64,
    pub full_name: String,
    pub locale: String,
    pub email: Option<String>,
}

pub async fn pending_registration(db: &Db, login: &str) -> Result<Option<PendingRegistration>, AppError> {
    Ok(sqlx::query_as::<_, PendingRegistration>(
        "SELECT id, full_name, locale, email FROM users WHERE login = $1 AND pending_since IS NOT NULL",
    )
    .bind(login)
    .fetch_optional(&db.pool)
    .await?)
}

/// Activates a pending registration: false when it is no longer pending.
pub async fn activate_pending(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<bool, AppError> {
    let activated = sqlx::query("UPDATE users SET active = 1, pending_since = NULL WHERE id = $1 AND pending_since IS NOT NULL")
        .bind(user_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(activated == 1)
}

/// What signing in checks of an account. `active` is the stored 0/1.
#[derive(sqlx::FromRow)]
pub struct SignInAccount {
    pub id: i64,
    pub password_hash: String,
    pub active: i64,
    pub locale: String,
}

pub async fn sign_in_account(db: &Db, login: &str) -> Result<Option<SignInAccount>, AppError> {
    Ok(sqlx::query_as::<_, SignInAccount>("SELECT id, password_hash, active, locale FROM users WHERE login = $1")
        .bind(login)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn password_hash_of(db: &Db, user_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1").bind(user_id).fetch_one(&db.pool).await?)
}

pub async fn set_password_hash(tx: &mut Transaction<'_, Any>, user_id: i64, hash: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2").bind(hash).bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn login_of(db: &Db, user_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT login FROM users WHERE id = $1").bind(user_id).fetch_one(&db.pool).await?)
}

/// The account as the pages show it to its owner.
#[derive(sqlx::FromRow)]
pub struct Account {
    pub id: i64,
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub new_email: Option<String>,
    pub new_phone: Option<String>,
    pub locale: String,
}

pub async fn account(db: &Db, user_id: i64) -> Result<Account, AppError> {
    Ok(sqlx::query_as::<_, Account>("SELECT id, login, full_name, email, phone, new_email, new_phone, locale FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?)
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    id: i64,
    role: String,
    org_id: i64,
    org_name: String,
}

/// The user's grants with their organisations' names, oldest first; a role this build does
/// not know is left out.
pub async fn grants_of(db: &Db, user_id: i64) -> Result<Vec<Grant>, AppError> {
    let rows = sqlx::query_as::<_, GrantRow>(
        "SELECT ra.id, ra.role, ra.org_id, o.name AS org_name FROM role_assignments ra
         JOIN organisations o ON o.id = ra.org_id WHERE ra.user_id = $1 ORDER BY ra.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some(Grant { id: r.id, role: Role::from_code(&r.role)?, org_id: r.org_id, org_name: r.org_name }))
        .collect())
}

/// The profile as it is before a change, with the password hash that guards a new contact.
#[derive(sqlx::FromRow)]
pub struct Profile {
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
    pub password_hash: String,
}

pub async fn profile(db: &Db, user_id: i64) -> Result<Profile, AppError> {
    Ok(sqlx::query_as::<_, Profile>("SELECT login, full_name, email, phone, locale, password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&db.pool)
        .await?)
}

pub async fn update_profile(
    tx: &mut Transaction<'_, Any>,
    user_id: i64,
    full_name: &str,
    email: Option<&str>,
    phone: Option<&str>,
    locale: Locale,
) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET full_name = $1, email = $2, phone = $3, locale = $4 WHERE id = $5")
        .bind(full_name)
        .bind(email)
        .bind(phone)
        .bind(locale.code())
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A contact of an account that changes only through a code sent to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contact {
    Email,
    Phone,
}

impl Contact {
    /// The column of the contact in use.
    fn column(self) -> &'static str {
        match self {
            Contact::Email => "email",
            Contact::Phone => "phone",
        }
    }

    /// The column where a new contact waits for its code.
    fn waiting_column(self) -> &'static str {
        match self {
            Contact::Email => "new_email",
            Contact::Phone => "new_phone",
        }
    }
}

/// Puts a new contact aside until its code comes back.
pub async fn set_waiting_contact(tx: &mut Transaction<'_, Any>, user_id: i64, contact: Contact, value: &str) -> Result<(), AppError> {
    sqlx::query(&format!("UPDATE users SET {} = $1 WHERE id = $2", contact.waiting_column()))
        .bind(value)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Withdraws a new contact still waiting for its code, in the action's transaction.
pub async fn withdraw_waiting_contact(tx: &mut Transaction<'_, Any>, user_id: i64, contact: Contact) -> Result<(), AppError> {
    sqlx::query(&format!("UPDATE users SET {} = NULL WHERE id = $1", contact.waiting_column())).bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// Withdraws a new contact still waiting for its code, on its own (after the action's
/// transaction was rolled back).
pub async fn drop_waiting_contact(db: &Db, user_id: i64, contact: Contact) -> Result<(), AppError> {
    sqlx::query(&format!("UPDATE users SET {} = NULL WHERE id = $1", contact.waiting_column())).bind(user_id).execute(&db.pool).await?;
    Ok(())
}

/// A contact change waiting for its code: the contact in use (`old`), the waiting one (`new`),
/// and what the note to the old email needs.
#[derive(sqlx::FromRow)]
pub struct ContactChange {
    pub login: String,
    pub locale: String,
    pub email: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

pub async fn contact_change(db: &Db, user_id: i64, contact: Contact) -> Result<ContactChange, AppError> {
    Ok(sqlx::query_as::<_, ContactChange>(&format!(
        "SELECT login, locale, email, {} AS old, {} AS new FROM users WHERE id = $1",
        contact.column(),
        contact.waiting_column()
    ))
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?)
}

/// Makes the waiting contact `new` the one in use: Ok(false) when it is no longer waiting; the
/// database's error as it is (a unique violation: taken meanwhile by another account).
pub async fn take_waiting_contact(tx: &mut Transaction<'_, Any>, user_id: i64, contact: Contact, new: &str) -> Result<bool, sqlx::Error> {
    let (column, waiting) = (contact.column(), contact.waiting_column());
    let moved = sqlx::query(&format!("UPDATE users SET {column} = {waiting}, {waiting} = NULL WHERE id = $1 AND {waiting} = $2"))
        .bind(user_id)
        .bind(new)
        .execute(&mut **tx)
        .await?;
    Ok(moved.rows_affected() == 1)
}

/// Where a password-reset code can go, and in which language.
#[derive(sqlx::FromRow)]
pub struct ResetContacts {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
}

pub async fn reset_contacts(db: &Db, user_id: i64) -> Result<ResetContacts, AppError> {
    Ok(sqlx::query_as::<_, ResetContacts>("SELECT email, phone, locale FROM users WHERE id = $1").bind(user_id).fetch_one(&db.pool).await?)
}

/// The account's language code, read in the action's transaction.
pub async fn locale_of(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT locale FROM users WHERE id = $1").bind(user_id).fetch_one(&mut **tx).await?)
}

pub async fn set_locale(tx: &mut Transaction<'_, Any>, user_id: i64, locale: Locale) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET locale = $1 WHERE id = $2").bind(locale.code()).bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// The organisation and all its ancestors up to the root (empty if it does not exist).
///
/// It is the organisation tree's (`admin`), read here because every permission check needs it
/// and the identity core sits below administration.
pub async fn ancestors(db: &Db, org_id: i64) -> Result<Vec<i64>, AppError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "WITH RECURSIVE up(id, parent_id) AS (
             SELECT id, parent_id FROM organisations WHERE id = $1
             UNION ALL
             SELECT o.id, o.parent_id FROM organisations o JOIN up ON o.id = up.parent_id)
         SELECT id FROM up",
    )
    .bind(org_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(ids)
}

/// The given organisations and everything below them.
pub async fn subtree(db: &Db, roots: &[i64]) -> Result<Vec<i64>, AppError> {
    let mut all = Vec::new();
    for root in roots {
        let ids: Vec<i64> = sqlx::query_scalar(
            "WITH RECURSIVE down(id) AS (
                 SELECT id FROM organisations WHERE id = $1
                 UNION ALL
                 SELECT o.id FROM organisations o JOIN down ON o.parent_id = down.id)
             SELECT id FROM down",
        )
        .bind(*root)
        .fetch_all(&db.pool)
        .await?;
        all.extend(ids);
    }
    all.sort_unstable();
    all.dedup();
    Ok(all)
}
