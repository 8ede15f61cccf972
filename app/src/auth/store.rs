//! Account rows: creating users and grants, one-time codes, invitations.

use super::model::{Email, Login, Phone, Role};
use crate::api::now_ms;
use crate::db::is_unique_violation;
use crate::error::{AppError, FieldError};
use crate::i18n::{Locale, Msg};
use crate::notify::model::Channel;
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

/// What a one-time code is for. A code only works for its own purpose: the first sign-in code
/// printed on a pupil's registration card is not a password-reset code (the reset form must
/// not accept it), and a teacher's confirmation code confirms a registration and nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodePurpose {
    /// Sent to the account's own email or phone (`/forgot`), or in an administrator's invitation.
    PasswordReset,
    /// Printed on a registration card: sets the first password of an account the registration
    /// created and nobody has signed into (see `olympiad::registration::first_sign_in`).
    FirstSignIn,
    /// Sent to the contact a person registered with (a self-registration, an olympiad
    /// teacher's), to confirm that registration.
    ContactConfirm,
    /// Sent to a new email of an account; the email replaces the old one when it comes back.
    EmailChange,
    /// Sent by text message to a new phone of an account, likewise.
    PhoneChange,
}

impl CodePurpose {
    pub fn code(self) -> &'static str {
        match self {
            CodePurpose::PasswordReset => "password_reset",
            CodePurpose::FirstSignIn => "first_sign_in",
            CodePurpose::ContactConfirm => "contact_confirm",
            CodePurpose::EmailChange => "email_change",
            CodePurpose::PhoneChange => "phone_change",
        }
    }
}

pub const CODE_TTL_MS: i64 = 15 * 60_000;
pub const INVITE_TTL_MS: i64 = 24 * 3_600_000;
pub const CODE_MAX_ATTEMPTS: i64 = 5;

/// Stores a new code (hashed) for the user and purpose, replacing earlier unused ones of that
/// purpose, and returns it.
pub async fn create_code(tx: &mut Transaction<'_, Any>, user_id: i64, purpose: CodePurpose, ttl_ms: i64) -> Result<String, AppError> {
    let code = super::ssr::new_code();
    let now = now_ms();
    sqlx::query("DELETE FROM verification_codes WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL")
        .bind(user_id)
        .bind(purpose.code())
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO verification_codes (user_id, purpose, code_hash, expires_at, attempts, created_at) VALUES ($1, $2, $3, $4, 0, $5)",
    )
    .bind(user_id)
    .bind(purpose.code())
    .bind(super::ssr::sha256_hex(&format!("{user_id}:{code}")))
    .bind(now + ttl_ms)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(code)
}

/// Checks a code of `purpose` (only such a code is looked at): every check uses one of the
/// code's 5 tries (the right code included), and expired codes are refused. On success the code
/// is used up.
pub async fn consume_code(db: &crate::db::Db, user_id: i64, purpose: CodePurpose, code: &str) -> Result<(), AppError> {
    let now = now_ms();
    let latest: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM verification_codes WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(purpose.code())
    .fetch_optional(&db.pool)
    .await?;
    let Some(id) = latest else { return Err(AppError::field("code", Msg::ErrWrongCode)) };
    // The try is taken and counted in one statement before the code is compared: read, compare,
    // then count would let simultaneous guesses all read the same count and all be judged
    // (40 at once got 10-22 judgements instead of 5).
    let hash: Option<String> = sqlx::query_scalar(
        "UPDATE verification_codes SET attempts = attempts + 1
         WHERE id = $1 AND used_at IS NULL AND expires_at >= $2 AND attempts < $3 RETURNING code_hash",
    )
    .bind(id)
    .bind(now)
    .bind(CODE_MAX_ATTEMPTS)
    .fetch_optional(&db.pool)
    .await?;
    let Some(hash) = hash else { return Err(AppError::field("code", Msg::ErrExpiredCode)) };
    if hash != super::ssr::sha256_hex(&format!("{user_id}:{}", code.trim())) {
        return Err(AppError::field("code", Msg::ErrWrongCode));
    }
    let used = sqlx::query("UPDATE verification_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now_ms())
        .bind(id)
        .execute(&db.pool)
        .await?
        .rows_affected();
    if used == 1 {
        Ok(())
    } else {
        Err(AppError::field("code", Msg::ErrWrongCode))
    }
}

/// Sends an invitation code by email (preferred) or SMS, in the invitee's language.
pub async fn send_invitation(
    tx: &mut Transaction<'_, Any>,
    user_id: i64,
    login: &Login,
    email: Option<&Email>,
    phone: Option<&Phone>,
) -> Result<(), AppError> {
    let code = create_code(tx, user_id, CodePurpose::PasswordReset, INVITE_TTL_MS).await?;
    let locale = Locale::Kk;
    let body = Msg::InviteBody.text(locale).replace("{login}", login.as_str()).replace("{code}", &code);
    let subject = Msg::InviteSubject.text(locale);
    let (channel, recipient) = match (email, phone) {
        (Some(e), _) => (Channel::Email, e.as_str()),
        (None, Some(p)) => (Channel::Sms, p.as_str()),
        (None, None) => return Err(AppError::field("email", Msg::ErrNoContactForChannel)),
    };
    enqueue(tx, Outgoing { channel, user_id: Some(user_id), recipient, subject, body: &body, secret: true }).await?;
    Ok(())
}

/// Finds an account by login, email or phone (what a person remembers of it).
pub async fn find_by_contact(db: &crate::db::Db, contact: &str) -> Result<Option<i64>, AppError> {
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
pub async fn purge_expired(db: &crate::db::Db, now: i64) -> Result<Expired, AppError> {
    const DAY: i64 = 86_400_000;
    let writer = db.write_pool();
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(writer).await?.rows_affected();
    let codes = sqlx::query("DELETE FROM verification_codes WHERE expires_at < $1").bind(now - DAY).execute(writer).await?.rows_affected();
    let rate_limits =
        sqlx::query("DELETE FROM rate_limits WHERE window_start < $1").bind(now - 2 * DAY).execute(writer).await?.rows_affected();
    Ok(Expired { sessions, codes, rate_limits })
}
