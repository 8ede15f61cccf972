//! Server side of accounts: password hashing, database sessions, the caller of a server
//! function and what it may do, rate limits and one-time codes.

use super::model::{Permission, Role, SessionUser};
use crate::api::{client_ip, now_ms, request_parts, state};
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Locale;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use sha2::{Digest, Sha256};

// The limits' SQL is in the store; the public forms of every domain reach them here, beside
// the caller checks.
pub use super::store::limits::{clear_rate_limit, forgive_hit, login_wait, rate_limit, take_login_turn};

pub const SESSION_COOKIE: &str = "talap_session";

/// argon2id with m = 19 MiB, t = 2, p = 1: the OWASP minimum for argon2id. About 20-30 ms per
/// hash on one core here, so a burst of sign-ins (an olympiad start) stays affordable while an
/// offline guess costs 19 MiB of memory each. Raise `t` before `m` if hardware allows.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 params");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// At most this many argon2 runs at once per node (one per core, at least two). Each holds
/// 19 MiB while it runs, and tokio's blocking pool would otherwise start up to 512 of them in a
/// rush (an olympiad's registration day, a whole exam signing in): gigabytes of memory and no
/// faster answers, as the cores are already busy. The rest wait their turn, holding nothing.
fn argon2_permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    PERMITS.get_or_init(|| tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()).max(2)))
}

/// Hashes on the blocking pool: argon2 is deliberately slow and must not stall the runtime.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    let _turn = argon2_permits().acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut salt);
        let salt = SaltString::encode_b64(&salt).map_err(|_| AppError::Internal)?;
        argon2().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|_| AppError::Internal)
    })
    .await
    .map_err(|_| AppError::Internal)?
}

pub async fn verify_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    let Ok(_turn) = argon2_permits().acquire().await else { return false };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| argon2().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .unwrap_or(false)
}

/// A hash that verifies nothing, checked when the login is unknown so that the response time
/// does not tell whether an account exists.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Zg3m6yV8Vxm6b4Tj0Oqm5oQ2J9T8bq2zqvYQb0m8zW4";

pub fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Adds a Set-Cookie header to the response being built.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, http_only: bool) {
    let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() else { return };
    let secure = state().map(|s| s.settings.secure_cookies).unwrap_or(false);
    let mut c = format!("{name}={value}; Path=/; SameSite=Lax; Max-Age={max_age_secs}");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    if let Ok(v) = http::HeaderValue::from_str(&c) {
        response.append_header(http::header::SET_COOKIE, v);
    }
}

/// Who is calling, with the grants that decide what they may do.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: i64,
    pub login: String,
    pub ip: String,
    /// (role, organisation, permissions of the role)
    pub grants: Vec<(Role, i64, Vec<Permission>)>,
}

impl Caller {
    /// Organisations on which the caller holds `perm` (it covers their subtrees too).
    pub fn scope_roots(&self, perm: Permission) -> Vec<i64> {
        let mut roots: Vec<i64> = self.grants.iter().filter(|g| g.2.contains(&perm)).map(|g| g.1).collect();
        roots.sort_unstable();
        roots.dedup();
        roots
    }

    pub fn has_anywhere(&self, perm: Permission) -> bool {
        !self.scope_roots(perm).is_empty()
    }

    /// Refuses unless `perm` is held on `org_id` or one of its ancestors.
    pub async fn require(&self, db: &Db, perm: Permission, org_id: i64) -> Result<(), AppError> {
        let roots = self.scope_roots(perm);
        if roots.is_empty() {
            return Err(AppError::Forbidden);
        }
        let ancestors = super::store::ancestors(db, org_id).await?;
        if ancestors.is_empty() {
            return Err(AppError::field("org_id", crate::i18n::Msg::ErrUnknownOrganisation));
        }
        if ancestors.iter().any(|a| roots.contains(a)) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses unless `perm` is held somewhere (listing pages then filter by scope).
    pub fn require_anywhere(&self, perm: Permission) -> Result<(), AppError> {
        if self.has_anywhere(perm) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// The caller resolved by the server's API guard, kept in the request's extensions so a server
/// function does not look the session up a second time.
#[derive(Clone, Debug)]
pub struct ResolvedCaller(pub Option<Caller>);

/// Looks up the session named by the request's cookie; `None` when there is none or it has
/// expired, or the account was deactivated.
pub async fn resolve(db: &Db, headers: &http::HeaderMap, ip: String) -> Result<Option<Caller>, AppError> {
    let Some(token) = crate::request::cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    Ok(SESSIONS.write(db, sha256_hex(&token)).await?.map(|(user_id, login, grants)| Caller { user_id, login, ip, grants }))
}

use super::store::sessions::SessionOwner;

/// Sessions looked up at the same moment are read together, in one statement (`db::batch`):
/// every API request starts here, at 20 000 candidates some 2 000 times a second, and at an
/// exam's opening all of them at once; one statement each paid a statement's fixed cost (and on
/// PostgreSQL a round trip) 20 000 times. Up to four batches are read side by side. A lone
/// look-up goes at once; it is read from the database on every request, so a sign-out or a
/// withdrawn role takes effect on every node at the next request.
static SESSIONS: crate::db::batch::Batcher<String, Option<SessionOwner>> =
    crate::db::batch::Batcher::with_lanes("session look-ups", 256, crate::db::batch::Lanes::Reads(4), |db, hashes| {
        Box::pin(read_sessions(db, hashes))
    });

/// The owners of the sessions with these token hashes, in order (see `store::sessions::owners_of`).
async fn read_sessions(db: &Db, hashes: &[String]) -> Result<Vec<Option<SessionOwner>>, AppError> {
    super::store::sessions::owners_of(db, hashes, now_ms()).await
}

/// The signed-in caller, if any. This (or `require_user`) is the first call of every server
/// function that is not public.
pub async fn caller() -> Result<Option<Caller>, AppError> {
    let parts = request_parts()?;
    if let Some(resolved) = parts.extensions.get::<ResolvedCaller>() {
        return Ok(resolved.0.clone());
    }
    let st = state()?;
    let ip = client_ip(&parts, st.settings.trusted_proxies);
    resolve(&st.db, &parts.headers, ip).await
}

/// The signed-in caller, or 401.
pub async fn require_user() -> Result<Caller, AppError> {
    caller().await?.ok_or(AppError::Unauthorized)
}

/// The caller's address, for audit rows and rate limits of anonymous calls.
pub fn caller_ip() -> String {
    match (request_parts(), state()) {
        (Ok(parts), Ok(st)) => client_ip(&parts, st.settings.trusted_proxies),
        _ => "unknown".to_string(),
    }
}

/// Everything the pages show about a signed-in user.
pub async fn session_user(db: &Db, caller: &Caller) -> Result<SessionUser, AppError> {
    let account = super::store::account(db, caller.user_id).await?;
    let grants = super::store::grants_of(db, caller.user_id).await?;
    let mut permissions: Vec<Permission> = caller.grants.iter().flat_map(|g| g.2.iter().copied()).collect();
    permissions.sort_by_key(|p| p.code());
    permissions.dedup();
    Ok(SessionUser {
        id: account.id,
        login: account.login,
        full_name: account.full_name,
        email: account.email,
        phone: account.phone,
        new_email: account.new_email,
        new_phone: account.new_phone,
        locale: Locale::from_code(&account.locale).unwrap_or_default(),
        grants,
        permissions,
    })
}

/// Starts a session for `user_id`: a random token in an HttpOnly cookie, its hash in the
/// database (a stolen database does not yield usable cookies).
pub async fn start_session(db: &Db, user_id: i64, locale: Locale) -> Result<(), AppError> {
    let st = state()?;
    let parts = request_parts()?;
    let token = random_token();
    let now = now_ms();
    let ttl_ms = st.settings.session_hours * 3_600_000;
    let agent =
        parts.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("").chars().take(300).collect::<String>();
    let (token_hash, ip) = (sha256_hex(&token), client_ip(&parts, st.settings.trusted_proxies));
    super::store::sessions::insert(
        db,
        &super::store::sessions::NewSession {
            token_hash: &token_hash,
            user_id,
            created_at: now,
            expires_at: now + ttl_ms,
            ip: &ip,
            user_agent: &agent,
        },
    )
    .await?;
    // Expired sessions are deleted by the hourly retention job (`auth::store::purge_expired`),
    // not here: at a sign-in wave that was one more write per sign-in.
    set_cookie(SESSION_COOKIE, &token, ttl_ms / 1000, true);
    set_cookie(crate::i18n::LOCALE_COOKIE, locale.code(), 365 * 86_400, false);
    Ok(())
}

/// Ends the current session (the cookie is cleared as well).
pub async fn end_session(db: &Db) -> Result<(), AppError> {
    let parts = request_parts()?;
    if let Some(token) = crate::request::cookie(&parts.headers, SESSION_COOKIE) {
        super::store::sessions::delete(db, &sha256_hex(&token)).await?;
    }
    set_cookie(SESSION_COOKIE, "", 0, true);
    Ok(())
}

/// A six-digit one-time code (what people can type from an SMS).
pub fn new_code() -> String {
    format!("{:06}", rand::thread_rng().next_u32() % 1_000_000)
}
