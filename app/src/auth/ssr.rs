//! Server side of accounts: password hashing, database sessions, the caller of a server
//! function and what it may do, rate limits and one-time codes.

use super::model::{Grant, Permission, Role, SessionUser};
use crate::api::{client_ip, now_ms, request_parts, state};
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Locale;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::Row;

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
        let ancestors = crate::admin::store::ancestors(db, org_id).await?;
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

/// A session's user: id, login and grants.
type SessionOwner = (i64, String, Vec<(Role, i64, Vec<Permission>)>);

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

/// The owners of the sessions with these token hashes (None for an unknown or expired session
/// or an inactive user), in order. A user without grants comes back as one row of NULL roles.
async fn read_sessions(db: &Db, hashes: &[String]) -> Result<Vec<Option<SessionOwner>>, AppError> {
    let mut wanted: Vec<&String> = hashes.iter().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let sql = crate::db::batch::statement(
        db,
        format!(
            "SELECT s.token_hash, u.id, u.login, ra.role, ra.org_id, rp.permission FROM sessions s JOIN users u ON u.id = s.user_id
         LEFT JOIN role_assignments ra ON ra.user_id = u.id
         LEFT JOIN role_permissions rp ON rp.role = ra.role
         WHERE s.expires_at > $1 AND u.active = 1 AND s.token_hash IN ({}) ORDER BY s.token_hash, ra.id",
            crate::db::batch::placeholders(2, wanted.len())
        ),
    );
    let mut q = sqlx::query(&sql).bind(now_ms());
    for h in &wanted {
        q = q.bind(h.as_str());
    }
    let mut owners: std::collections::HashMap<String, SessionOwner> = std::collections::HashMap::new();
    for row in q.fetch_all(&db.pool).await? {
        let hash: String = row.try_get("token_hash")?;
        let owner = match owners.entry(hash) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => v.insert((row.try_get("id")?, row.try_get("login")?, Vec::new())),
        };
        let (Some(role), Some(org)) = (row.try_get::<Option<String>, _>("role")?, row.try_get::<Option<i64>, _>("org_id")?) else {
            continue;
        };
        let Some(role) = Role::from_code(&role) else { continue };
        let perm = row.try_get::<Option<String>, _>("permission")?.as_deref().and_then(Permission::from_code);
        let grants = &mut owner.2;
        match grants.iter_mut().find(|g| g.0 == role && g.1 == org) {
            Some(g) => g.2.extend(perm),
            None => grants.push((role, org, perm.into_iter().collect())),
        }
    }
    Ok(hashes.iter().map(|h| owners.get(h).cloned()).collect())
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
    let row = sqlx::query("SELECT id, login, full_name, email, phone, new_email, new_phone, locale FROM users WHERE id = $1")
        .bind(caller.user_id)
        .fetch_one(&db.pool)
        .await?;
    let grant_rows = sqlx::query(
        "SELECT ra.id, ra.role, ra.org_id, o.name FROM role_assignments ra
         JOIN organisations o ON o.id = ra.org_id WHERE ra.user_id = $1 ORDER BY ra.id",
    )
    .bind(caller.user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut grants = Vec::new();
    for r in grant_rows {
        let role: String = r.try_get("role")?;
        if let Some(role) = Role::from_code(&role) {
            grants.push(Grant { id: r.try_get("id")?, role, org_id: r.try_get("org_id")?, org_name: r.try_get("name")? });
        }
    }
    let mut permissions: Vec<Permission> = caller.grants.iter().flat_map(|g| g.2.iter().copied()).collect();
    permissions.sort_by_key(|p| p.code());
    permissions.dedup();
    let locale: String = row.try_get("locale")?;
    Ok(SessionUser {
        id: row.try_get("id")?,
        login: row.try_get("login")?,
        full_name: row.try_get("full_name")?,
        email: row.try_get("email")?,
        phone: row.try_get("phone")?,
        new_email: row.try_get("new_email")?,
        new_phone: row.try_get("new_phone")?,
        locale: Locale::from_code(&locale).unwrap_or_default(),
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
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(sha256_hex(&token))
        .bind(user_id)
        .bind(now)
        .bind(now + ttl_ms)
        .bind(client_ip(&parts, st.settings.trusted_proxies))
        .bind(agent)
        .execute(&db.pool)
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
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(sha256_hex(&token)).execute(&db.pool).await?;
    }
    set_cookie(SESSION_COOKIE, "", 0, true);
    Ok(())
}

/// Counts one hit in a fixed window shared by all app nodes (the counter is a database row);
/// returns false once the bucket is over `limit` within `window_ms`.
pub async fn rate_limit(db: &Db, bucket: &str, limit: i64, window_ms: i64) -> Result<bool, AppError> {
    let now = now_ms();
    let hits: i64 = sqlx::query_scalar(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = CASE WHEN rate_limits.window_start <= $3 THEN $2 ELSE rate_limits.window_start END
         RETURNING hits",
    )
    .bind(bucket)
    .bind(now)
    .bind(now - window_ms)
    .fetch_one(&db.pool)
    .await?;
    Ok(hits <= limit)
}

/// The wait owed after `beyond` failures past the free ones: `first_wait_ms`, doubling with
/// each further failure, never more than `max_wait_ms`.
pub fn login_wait(beyond: i64, first_wait_ms: i64, max_wait_ms: i64) -> i64 {
    first_wait_ms.saturating_mul(1i64 << beyond.clamp(0, 40)).min(max_wait_ms)
}

/// Takes a turn at signing in to one account from one address. The first `free` attempts in a
/// row pass at once; after that each waits `login_wait` since the previous one, so a guesser
/// slows down exponentially while the account's owner, from their own address, is never
/// locked out by somebody else's guesses. Attempts are forgotten after `memory_ms` of quiet.
/// The attempt is counted before the password is checked, in one statement, so that parallel
/// guesses cannot all slip through one free turn; a successful sign-in clears the bucket.
/// False: the wait is not over yet.
pub async fn take_login_turn(
    db: &Db,
    bucket: &str,
    free: i64,
    first_wait_ms: i64,
    max_wait_ms: i64,
    memory_ms: i64,
) -> Result<bool, AppError> {
    let now = now_ms();
    // The waits spelled out per count of attempts, up to the cap (SQL has no portable power).
    let mut waits = String::from("CASE");
    let mut n = free;
    loop {
        let w = login_wait(n - free, first_wait_ms, max_wait_ms);
        waits.push_str(&format!(" WHEN rate_limits.hits = {n} THEN {w}"));
        if w >= max_wait_ms {
            break;
        }
        n += 1;
    }
    waits.push_str(&format!(" ELSE {max_wait_ms} END"));
    let sql = format!(
        "INSERT INTO rate_limits (bucket, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (bucket) DO UPDATE SET
           hits = CASE WHEN rate_limits.window_start <= $3 THEN 1 ELSE rate_limits.hits + 1 END,
           window_start = $2
         WHERE rate_limits.window_start <= $3 OR rate_limits.hits < $4 OR rate_limits.window_start + ({waits}) <= $2
         RETURNING hits"
    );
    let hits: Option<i64> =
        sqlx::query_scalar(&sql).bind(bucket).bind(now).bind(now - memory_ms).bind(free).fetch_optional(&db.pool).await?;
    Ok(hits.is_some())
}

/// Takes back one hit of `bucket` (an attempt that turned out legitimate).
pub async fn forgive_hit(db: &Db, bucket: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE rate_limits SET hits = hits - 1 WHERE bucket = $1 AND hits > 0").bind(bucket).execute(&db.pool).await?;
    Ok(())
}

pub async fn clear_rate_limit(db: &Db, bucket: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM rate_limits WHERE bucket = $1").bind(bucket).execute(&db.pool).await?;
    Ok(())
}

/// A six-digit one-time code (what people can type from an SMS).
pub fn new_code() -> String {
    format!("{:06}", rand::thread_rng().next_u32() % 1_000_000)
}
