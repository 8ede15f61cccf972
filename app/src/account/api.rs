//! Server functions of accounts. Public ones (sign-in, registration, password reset, the
//! language switch) are rate limited; the rest need a signed-in caller.

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Locale;
use leptos::prelude::*;

/// Attempts allowed per account in 15 minutes where the caller is known (changing the password).
pub const LOGIN_LIMIT_PER_ACCOUNT: i64 = 10;
/// Sign-in attempts allowed per address in 15 minutes. A successful sign-in is taken back: a
/// school's computer room or a whole village school sits behind one address, and forty pupils
/// signing in for an exam must not lock the forty-first out. What the address limit stops is
/// guessing, i.e. failed attempts.
pub const LOGIN_LIMIT_PER_ADDRESS: i64 = 50;
/// Sign-in attempts to one account from one address that pass at once; each further one waits
/// `LOGIN_FIRST_WAIT_MS`, doubling per attempt, up to `LOGIN_MAX_WAIT_MS` (see
/// `ssr::take_login_turn`). Counted per account AND address: a plain per-account lock would let
/// anyone lock every candidate out before an exam from one address.
pub const LOGIN_FREE_ATTEMPTS: i64 = 5;
pub const LOGIN_FIRST_WAIT_MS: i64 = 30_000;
pub const LOGIN_MAX_WAIT_MS: i64 = 3_600_000;
/// A day without attempts forgets the earlier ones.
pub const LOGIN_MEMORY_MS: i64 = 86_400_000;
/// Codes that may be requested per account and per address in an hour.
pub const CODE_LIMIT_PER_ACCOUNT: i64 = 3;
pub const CODE_LIMIT_PER_ADDRESS: i64 = 20;
#[cfg(feature = "ssr")]
const QUARTER_HOUR_MS: i64 = 15 * 60_000;
#[cfg(feature = "ssr")]
const HOUR_MS: i64 = 3_600_000;

/// Public registration (PLT-1 "applicant"), step 1: the account is made inactive and a code
/// goes to the email given; [`confirm_registration`] activates it. The answer is the same
/// whether or not the email already belongs to an account (issue 14, item 4): then nothing is
/// made and that account's owner is told by email instead. Only a taken login is said to be
/// taken: it is a name the person chooses for others to see, and they must choose another.
/// A phone is added later from the profile, confirmed by a code sent to it.
#[server(prefix = "/api", endpoint = "auth/register")]
pub async fn register(login: String, full_name: String, email: String, password: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::auth::model::{check_new_password, parse_name, Email, Login};
        use crate::i18n::Msg;
        use crate::notify::model::Channel;
        use crate::notify::outbox::Outgoing;
        let st = crate::api::state()?;
        let ip = crate::auth::ssr::caller_ip();
        if !crate::auth::ssr::rate_limit(&st.db, &format!("register:ip:{ip}"), CODE_LIMIT_PER_ADDRESS, HOUR_MS).await? {
            return Err(AppError::RateLimited);
        }
        let mut fields = crate::error::Fields::new();
        let login = fields.check("login", Login::parse_chosen(&login));
        let full_name = fields.check("full_name", parse_name(&full_name));
        let email = fields.check("email", Email::parse(&email));
        fields.check("password", check_new_password(&password, login.as_ref().map(|l| l.as_str()).unwrap_or("")));
        fields.finish()?;
        let (login, full_name, email) =
            (login.ok_or(AppError::Internal)?, full_name.ok_or(AppError::Internal)?, email.ok_or(AppError::Internal)?);
        let locale = crate::i18n::request_locale(&crate::api::request_parts()?);
        // Hashed whatever happens next, so the answer takes as long for a taken email.
        let hash = crate::auth::ssr::hash_password(&password).await?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        crate::auth::store::release_pending(&mut tx, login.as_str(), email.as_str(), now).await?;
        if crate::auth::store::id_by_login(&mut tx, login.as_str()).await?.is_some() {
            return Err(AppError::field("login", Msg::ErrLoginTaken));
        }
        if let Some(crate::auth::store::EmailOwner { id: owner_id, login: owner_login, locale: owner_locale, email: owner_email }) =
            crate::auth::store::owner_of_email(&mut tx, email.as_str()).await?
        {
            let owner_locale = Locale::from_code(&owner_locale).unwrap_or_default();
            let body = Msg::AccountExistsBody
                .text(owner_locale)
                .replace("{login}", &owner_login)
                .replace("{url}", &format!("{}/forgot", st.settings.public_url.trim_end_matches('/')));
            crate::auth::store::tell_owner(
                &mut tx,
                owner_id,
                Outgoing {
                    channel: Channel::Email,
                    user_id: Some(owner_id),
                    // As the owner wrote it, not as the form did.
                    recipient: &owner_email,
                    subject: Msg::AccountExistsSubject.text(owner_locale),
                    body: &body,
                    secret: false,
                },
            )
            .await?;
            tx.commit().await?;
            return Ok(());
        }
        let user_id = crate::auth::store::insert_user(&mut tx, &login, &full_name, Some(&email), None, &hash, locale).await?;
        crate::auth::store::mark_pending(&mut tx, user_id, now).await?;
        let code = crate::auth::store::create_code(
            &mut tx,
            user_id,
            crate::auth::store::CodePurpose::ContactConfirm,
            crate::auth::store::CODE_TTL_MS,
        )
        .await?;
        let body = Msg::RegisterCodeBody.text(locale).replace("{code}", &code).replace("{login}", login.as_str());
        crate::notify::outbox::enqueue(
            &mut tx,
            Outgoing {
                channel: Channel::Email,
                user_id: Some(user_id),
                recipient: email.as_str(),
                subject: Msg::RegisterCodeSubject.text(locale),
                body: &body,
                secret: true,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Registration, step 2: the code from the email activates the account, grants the applicant
/// role on the root, welcomes the person in the inbox, and signs them in.
#[server(prefix = "/api", endpoint = "auth/register/confirm")]
pub async fn confirm_registration(login: String, code: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::auth::model::{Login, Role};
        use crate::i18n::Msg;
        let st = crate::api::state()?;
        let ip = crate::auth::ssr::caller_ip();
        if !crate::auth::ssr::rate_limit(&st.db, &format!("register.confirm:ip:{ip}"), LOGIN_LIMIT_PER_ADDRESS, QUARTER_HOUR_MS).await? {
            return Err(AppError::RateLimited);
        }
        if code.trim().is_empty() {
            return Err(AppError::field("code", Msg::ErrRequired));
        }
        // No such registration answers like a wrong code: the form does not tell who registered.
        let pending = match Login::parse(&login) {
            Ok(login) => crate::auth::store::pending_registration(&st.db, login.as_str()).await?,
            Err(_) => None,
        };
        let Some(crate::auth::store::PendingRegistration { id: user_id, full_name, locale, email }) = pending else {
            return Err(AppError::field("code", Msg::ErrWrongCode));
        };
        crate::auth::store::consume_code(&st.db, user_id, crate::auth::store::CodePurpose::ContactConfirm, &code).await?;
        let locale = Locale::from_code(&locale).unwrap_or_default();
        let login = login.trim().to_lowercase();
        let mut tx = st.db.begin().await?;
        if !crate::auth::store::activate_pending(&mut tx, user_id).await? {
            return Err(AppError::field("code", Msg::ErrWrongCode));
        }
        crate::auth::store::grant(&mut tx, user_id, Role::Applicant, crate::admin::model::ROOT_ORG_ID).await?;
        let body = Msg::WelcomeBody.text(locale).replace("{login}", &login);
        crate::notify::outbox::enqueue(
            &mut tx,
            crate::notify::outbox::Outgoing {
                channel: crate::notify::model::Channel::InApp,
                user_id: Some(user_id),
                recipient: &login,
                subject: Msg::WelcomeSubject.text(locale),
                body: &body,
                secret: false,
            },
        )
        .await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("user.register", Some(user_id), &ip, user_id)
                .after(serde_json::json!({ "login": login, "full_name": full_name, "email": email })),
        )
        .await?;
        tx.commit().await?;
        crate::auth::ssr::start_session(&st.db, user_id, locale).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(login: String, password: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let st = crate::api::state()?;
        let ip = crate::auth::ssr::caller_ip();
        let login = login.trim().to_lowercase();
        if login.is_empty() || password.is_empty() {
            let mut f = crate::error::Fields::new();
            if login.is_empty() {
                f.add("login", Msg::ErrRequired);
            }
            if password.is_empty() {
                f.add("password", Msg::ErrRequired);
            }
            return f.finish();
        }
        if login.chars().count() > 254 || password.chars().count() > 128 {
            return Err(AppError::Refused(Msg::ErrWrongCredentials));
        }
        // An address already refused counts against no account: its attempts stop here.
        let address_bucket = format!("login:ip:{ip}");
        if !crate::auth::ssr::rate_limit(&st.db, &address_bucket, LOGIN_LIMIT_PER_ADDRESS, QUARTER_HOUR_MS).await? {
            return Err(AppError::RateLimited);
        }
        let account_bucket = format!("login:acct:{login}:ip:{ip}");
        if !crate::auth::ssr::take_login_turn(
            &st.db,
            &account_bucket,
            LOGIN_FREE_ATTEMPTS,
            LOGIN_FIRST_WAIT_MS,
            LOGIN_MAX_WAIT_MS,
            LOGIN_MEMORY_MS,
        )
        .await?
        {
            return Err(AppError::RateLimited);
        }
        let row = crate::auth::store::sign_in_account(&st.db, &login).await?;
        let found = row.is_some();
        let (user_id, hash, active, locale) = match row {
            Some(r) => (r.id, r.password_hash, r.active, r.locale),
            None => (0, crate::auth::ssr::DUMMY_HASH.to_string(), 0, String::new()),
        };
        let verified = crate::auth::ssr::verify_password(&password, &hash).await;
        if !verified || !found {
            return Err(AppError::Refused(Msg::ErrWrongCredentials));
        }
        if active != 1 {
            return Err(AppError::Refused(Msg::ErrAccountDisabled));
        }
        crate::auth::ssr::clear_rate_limit(&st.db, &account_bucket).await?;
        crate::auth::ssr::forgive_hit(&st.db, &address_bucket).await?;
        let locale = Locale::from_code(&locale).unwrap_or_default();
        let mut tx = st.db.begin().await?;
        crate::audit::store::record(&mut tx, crate::audit::store::Entry::user("session.login", Some(user_id), &ip, user_id)).await?;
        tx.commit().await?;
        crate::auth::ssr::start_session(&st.db, user_id, locale).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let mut tx = st.db.begin().await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("session.logout", Some(caller.user_id), &caller.ip, caller.user_id),
        )
        .await?;
        tx.commit().await?;
        crate::auth::ssr::end_session(&st.db).await?;
        leptos_axum::redirect("/");
        Ok(())
    })
    .await
}

#[server(prefix = "/api", endpoint = "auth/password")]
pub async fn change_password(current: String, new_password: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        if !crate::auth::ssr::rate_limit(&st.db, &format!("password:acct:{}", caller.user_id), LOGIN_LIMIT_PER_ACCOUNT, QUARTER_HOUR_MS)
            .await?
        {
            return Err(AppError::RateLimited);
        }
        let mut fields = crate::error::Fields::new();
        if current.is_empty() {
            fields.add("current", Msg::ErrRequired);
        }
        fields.check("new_password", crate::auth::model::check_new_password(&new_password, &caller.login));
        fields.finish()?;
        let hash = crate::auth::store::password_hash_of(&st.db, caller.user_id).await?;
        if !crate::auth::ssr::verify_password(&current, &hash).await {
            return Err(AppError::field("current", Msg::ErrWrongPassword));
        }
        let new_hash = crate::auth::ssr::hash_password(&new_password).await?;
        let mut tx = st.db.begin().await?;
        crate::auth::store::set_password_hash(&mut tx, caller.user_id, &new_hash).await?;
        // Other sign-ins of this account end; the current one stays.
        let token = crate::request::cookie(&crate::api::request_parts()?.headers, crate::auth::ssr::SESSION_COOKIE).unwrap_or_default();
        crate::auth::store::sessions::end_others(&mut tx, caller.user_id, &crate::auth::ssr::sha256_hex(&token)).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("user.password_change", Some(caller.user_id), &caller.ip, caller.user_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Saves the profile. A new email or phone needs the account's password (`current_password`):
/// codes for a password reset go there, so whoever holds an unattended session must not be able
/// to point them at themselves and take the account over. It then waits aside (`new_email`,
/// `new_phone`) for the code sent to it to come back through [`confirm_contact`] (issue 14,
/// item 4): a contact joins an account only when its owner receives what is sent there, and this
/// form does not say whether it belongs to someone else. Clearing a contact needs only the
/// password.
#[server(prefix = "/api", endpoint = "auth/profile")]
pub async fn update_profile(
    full_name: String,
    email: String,
    phone: String,
    locale: String,
    current_password: Option<String>,
) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::auth::model::{optional, parse_name, Email, Phone};
        use crate::auth::store::{CodePurpose, Contact};
        use crate::i18n::Msg;
        use crate::notify::model::Channel;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let mut fields = crate::error::Fields::new();
        let full_name = fields.check("full_name", parse_name(&full_name));
        let email = fields.check("email", optional(&email, Email::parse)).flatten();
        let phone = fields.check("phone", optional(&phone, Phone::parse)).flatten();
        let locale = fields.check("locale", Locale::from_code(&locale).ok_or(Msg::ErrRequired));
        fields.finish()?;
        let (full_name, locale) = (full_name.ok_or(AppError::Internal)?, locale.ok_or(AppError::Internal)?);
        let before = crate::auth::store::profile(&st.db, caller.user_id).await?;
        let (old_email, old_phone) = (before.email.clone(), before.phone.clone());
        let new_email = email.as_ref().map(|e| e.as_str().to_string()).filter(|e| Some(e) != old_email.as_ref());
        let new_phone = phone.as_ref().map(|p| p.as_str().to_string()).filter(|p| Some(p) != old_phone.as_ref());
        let (drop_email, drop_phone) = (email.is_none() && old_email.is_some(), phone.is_none() && old_phone.is_some());
        if new_email.is_some() || new_phone.is_some() || drop_email || drop_phone {
            let password = current_password.unwrap_or_default();
            if password.is_empty() {
                return Err(AppError::field("current_password", Msg::ErrRequired));
            }
            // The same allowance as changing the password: this is a password check too.
            if !crate::auth::ssr::rate_limit(&st.db, &format!("password:acct:{}", caller.user_id), LOGIN_LIMIT_PER_ACCOUNT, QUARTER_HOUR_MS)
                .await?
            {
                return Err(AppError::RateLimited);
            }
            if !crate::auth::ssr::verify_password(&password, &before.password_hash).await {
                return Err(AppError::field("current_password", Msg::ErrWrongPassword));
            }
        }
        let login = before.login;
        let audit_before = serde_json::json!({
            "full_name": before.full_name, "email": old_email, "phone": old_phone,
            "locale": before.locale });
        let (email_now, phone_now) = (if drop_email { None } else { old_email.clone() }, if drop_phone { None } else { old_phone.clone() });
        let audit_after = serde_json::json!({
            "full_name": full_name, "email": email_now, "phone": phone_now, "locale": locale.code(),
            "new_email": new_email, "new_phone": new_phone });
        let mut tx = st.db.begin().await?;
        crate::auth::store::update_profile(&mut tx, caller.user_id, &full_name, email_now.as_deref(), phone_now.as_deref(), locale).await?;
        // A cleared field also withdraws a new contact still waiting for its code.
        if email.is_none() {
            crate::auth::store::withdraw_waiting_contact(&mut tx, caller.user_id, Contact::Email).await?;
        }
        if phone.is_none() {
            crate::auth::store::withdraw_waiting_contact(&mut tx, caller.user_id, Contact::Phone).await?;
        }
        for (value, channel, purpose, contact) in [
            (&new_email, Channel::Email, CodePurpose::EmailChange, Contact::Email),
            (&new_phone, Channel::Sms, CodePurpose::PhoneChange, Contact::Phone),
        ] {
            let Some(value) = value else { continue };
            crate::auth::store::set_waiting_contact(&mut tx, caller.user_id, contact, value).await?;
            let code = crate::auth::store::create_code(&mut tx, caller.user_id, purpose, crate::auth::store::CODE_TTL_MS).await?;
            let body = Msg::ContactCodeBody.text(locale).replace("{code}", &code).replace("{login}", &login);
            crate::notify::outbox::enqueue(
                &mut tx,
                crate::notify::outbox::Outgoing {
                    channel,
                    user_id: Some(caller.user_id),
                    recipient: value,
                    subject: Msg::ContactCodeSubject.text(locale),
                    body: &body,
                    secret: true,
                },
            )
            .await?;
        }
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("user.profile_update", Some(caller.user_id), &caller.ip, caller.user_id)
                .before(audit_before)
                .after(audit_after),
        )
        .await?;
        tx.commit().await?;
        crate::auth::ssr::set_cookie(crate::i18n::LOCALE_COOKIE, locale.code(), 365 * 86_400, false);
        Ok(())
    })
    .await
}

/// A new email or phone (`channel`: "email" or "phone") becomes the account's with the code
/// that was sent to it. Only the person who received the code learns that the contact belongs
/// to another account. The old email, if any, is told of the change.
#[server(prefix = "/api", endpoint = "auth/contact/confirm")]
pub async fn confirm_contact(channel: String, code: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::auth::store::{CodePurpose, Contact};
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let (column, contact, purpose, label) = match channel.as_str() {
            "email" => ("email", Contact::Email, CodePurpose::EmailChange, Msg::Email),
            "phone" => ("phone", Contact::Phone, CodePurpose::PhoneChange, Msg::Phone),
            _ => return Err(AppError::field("channel", Msg::ErrRequired)),
        };
        if code.trim().is_empty() {
            return Err(AppError::field("code", Msg::ErrRequired));
        }
        let row = crate::auth::store::contact_change(&st.db, caller.user_id, contact).await?;
        let Some(new) = row.new else { return Err(AppError::field("code", Msg::ErrWrongCode)) };
        let old = row.old;
        crate::auth::store::consume_code(&st.db, caller.user_id, purpose, &code).await?;
        let mut tx = st.db.begin().await?;
        match crate::auth::store::take_waiting_contact(&mut tx, caller.user_id, contact, &new).await {
            Ok(true) => {}
            Ok(false) => return Err(AppError::field("code", Msg::ErrWrongCode)),
            Err(e) => {
                tx.rollback().await?;
                // Taken meanwhile by another account: the waiting contact is withdrawn, and the
                // person who proved they receive it is told why.
                let taken = crate::auth::store::unique_to_field(e);
                crate::auth::store::drop_waiting_contact(&st.db, caller.user_id, contact).await?;
                return Err(match taken.field_msg(column) {
                    Some(msg) => AppError::field("code", msg),
                    None => taken,
                });
            }
        }
        let (login, old_email) = (row.login, row.email);
        if let Some(old_email) = old_email.filter(|e| e != &new) {
            let locale = Locale::from_code(&row.locale).unwrap_or_default();
            let body = Msg::ContactChangedBody
                .text(locale)
                .replace("{login}", &login)
                .replace("{what}", &label.text(locale).to_lowercase())
                .replace("{contact}", &new);
            crate::notify::outbox::enqueue(
                &mut tx,
                crate::notify::outbox::Outgoing {
                    channel: crate::notify::model::Channel::Email,
                    user_id: Some(caller.user_id),
                    recipient: &old_email,
                    subject: Msg::ContactChangedSubject.text(locale),
                    body: &body,
                    secret: false,
                },
            )
            .await?;
        }
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("user.contact_confirm", Some(caller.user_id), &caller.ip, caller.user_id)
                .before(serde_json::json!({ column: old }))
                .after(serde_json::json!({ column: new })),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Sends a password-reset code. The answer is the same whether or not the account exists, so
/// the form cannot be used to find out who is registered.
#[server(prefix = "/api", endpoint = "auth/reset/request")]
pub async fn request_password_reset(contact: String, channel: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        use crate::notify::model::Channel;
        let st = crate::api::state()?;
        let ip = crate::auth::ssr::caller_ip();
        let mut fields = crate::error::Fields::new();
        if contact.trim().is_empty() {
            fields.add("contact", Msg::ErrRequired);
        } else if contact.chars().count() > 254 {
            fields.add("contact", Msg::ErrTooLong);
        }
        let channel = fields.check(
            "channel",
            match channel.as_str() {
                "email" => Ok(Channel::Email),
                "sms" => Ok(Channel::Sms),
                _ => Err(Msg::ErrRequired),
            },
        );
        fields.finish()?;
        let channel = channel.ok_or(AppError::Internal)?;
        if !crate::auth::ssr::rate_limit(&st.db, &format!("code:ip:{ip}"), CODE_LIMIT_PER_ADDRESS, HOUR_MS).await? {
            return Err(AppError::RateLimited);
        }
        let Some(user_id) = crate::auth::store::find_by_contact(&st.db, &contact).await? else { return Ok(()) };
        // An account past its codes for the hour gets none, silently: a 429 here, and never for
        // an unknown contact, would tell who is registered.
        if !crate::auth::ssr::rate_limit(&st.db, &format!("code:acct:{user_id}"), CODE_LIMIT_PER_ACCOUNT, HOUR_MS).await? {
            return Ok(());
        }
        let row = crate::auth::store::reset_contacts(&st.db, user_id).await?;
        let recipient = match channel {
            Channel::Email => row.email,
            _ => row.phone,
        };
        let Some(recipient) = recipient else {
            // Saying "no phone on this account" would leak that the account exists; say nothing.
            return Ok(());
        };
        let locale = Locale::from_code(&row.locale).unwrap_or_default();
        let mut tx = st.db.begin().await?;
        let code = crate::auth::store::create_code(
            &mut tx,
            user_id,
            crate::auth::store::CodePurpose::PasswordReset,
            crate::auth::store::CODE_TTL_MS,
        )
        .await?;
        let body = Msg::ResetCodeBody.text(locale).replace("{code}", &code);
        crate::notify::outbox::enqueue(
            &mut tx,
            crate::notify::outbox::Outgoing {
                channel,
                user_id: Some(user_id),
                recipient: &recipient,
                subject: Msg::ResetCodeSubject.text(locale),
                body: &body,
                secret: true,
            },
        )
        .await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry::user("user.reset_code_sent", None, &ip, user_id)
                .after(serde_json::json!({"channel": channel.code()})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// Sets a new password with a code (also how invited users set their first password).
#[server(prefix = "/api", endpoint = "auth/reset/confirm")]
pub async fn reset_password(contact: String, code: String, new_password: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let st = crate::api::state()?;
        let ip = crate::auth::ssr::caller_ip();
        if !crate::auth::ssr::rate_limit(&st.db, &format!("reset:ip:{ip}"), LOGIN_LIMIT_PER_ADDRESS, QUARTER_HOUR_MS).await? {
            return Err(AppError::RateLimited);
        }
        let mut fields = crate::error::Fields::new();
        if contact.trim().is_empty() {
            fields.add("contact", Msg::ErrRequired);
        }
        if code.trim().is_empty() {
            fields.add("code", Msg::ErrRequired);
        }
        fields.finish()?;
        // A weak password is refused before the account is looked up, alike for every contact:
        // refusing it only for accounts that exist would tell who is registered.
        crate::auth::model::check_new_password(&new_password, contact.trim()).map_err(|m| AppError::field("new_password", m))?;
        let Some(user_id) = crate::auth::store::find_by_contact(&st.db, &contact).await? else {
            return Err(AppError::field("code", Msg::ErrWrongCode));
        };
        let login = crate::auth::store::login_of(&st.db, user_id).await?;
        // Check the password first so a weak one does not burn the code.
        crate::auth::model::check_new_password(&new_password, &login).map_err(|m| AppError::field("new_password", m))?;
        crate::auth::store::consume_code(&st.db, user_id, crate::auth::store::CodePurpose::PasswordReset, &code).await?;
        let hash = crate::auth::ssr::hash_password(&new_password).await?;
        let mut tx = st.db.begin().await?;
        crate::auth::store::set_password_hash(&mut tx, user_id, &hash).await?;
        crate::auth::store::sessions::end_all_of(&mut tx, user_id).await?;
        crate::audit::store::record(&mut tx, crate::audit::store::Entry::user("user.password_reset", Some(user_id), &ip, user_id)).await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}

/// The language switch: remembered in a cookie, and on the account when signed in.
#[server(prefix = "/api", endpoint = "locale")]
pub async fn set_locale(locale: String) -> Result<(), AppError> {
    crate::api::respond(async move {
        let locale = Locale::from_code(&locale).ok_or_else(|| AppError::field("locale", crate::i18n::Msg::ErrRequired))?;
        crate::auth::ssr::set_cookie(crate::i18n::LOCALE_COOKIE, locale.code(), 365 * 86_400, false);
        if let Some(caller) = crate::auth::ssr::caller().await? {
            let st = crate::api::state()?;
            let mut tx = st.db.begin().await?;
            let old = crate::auth::store::locale_of(&mut tx, caller.user_id).await?;
            if old != locale.code() {
                crate::auth::store::set_locale(&mut tx, caller.user_id, locale).await?;
                crate::audit::store::record(
                    &mut tx,
                    crate::audit::store::Entry::user("user.locale", Some(caller.user_id), &caller.ip, caller.user_id)
                        .before(serde_json::json!({"locale": old}))
                        .after(serde_json::json!({"locale": locale.code()})),
                )
                .await?;
            }
            tx.commit().await?;
        }
        Ok(())
    })
    .await
}
