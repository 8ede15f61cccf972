//! Sessions: the rows behind the session cookie, and who they belong to. `auth::ssr` calls
//! these (starting, resolving and ending a session); server functions that end other sessions
//! (a password change or reset, a deactivation) call them after checking the caller, inside
//! their own transaction.

use super::super::model::{Permission, Role};
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// A session's user: id, login and grants.
pub type SessionOwner = (i64, String, Vec<(Role, i64, Vec<Permission>)>);

/// One grant's permission of a session's user; a user without grants comes as one row of NULL
/// roles.
#[derive(sqlx::FromRow)]
struct SessionGrantRow {
    token_hash: String,
    id: i64,
    login: String,
    role: Option<String>,
    org_id: Option<i64>,
    permission: Option<String>,
}

/// The owners of the sessions with these token hashes (None for an unknown or expired session
/// or an inactive user), in order. A user without grants comes back as one row of NULL roles.
pub async fn owners_of(db: &Db, hashes: &[String], now: i64) -> Result<Vec<Option<SessionOwner>>, AppError> {
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
    let mut q = sqlx::query_as::<_, SessionGrantRow>(&sql).bind(now);
    for h in &wanted {
        q = q.bind(h.as_str());
    }
    let mut owners: std::collections::HashMap<String, SessionOwner> = std::collections::HashMap::new();
    for row in q.fetch_all(&db.pool).await? {
        let owner = match owners.entry(row.token_hash) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => v.insert((row.id, row.login, Vec::new())),
        };
        let (Some(role), Some(org)) = (row.role, row.org_id) else {
            continue;
        };
        let Some(role) = Role::from_code(&role) else { continue };
        let perm = row.permission.as_deref().and_then(Permission::from_code);
        let grants = &mut owner.2;
        match grants.iter_mut().find(|g| g.0 == role && g.1 == org) {
            Some(g) => g.2.extend(perm),
            None => grants.push((role, org, perm.into_iter().collect())),
        }
    }
    Ok(hashes.iter().map(|h| owners.get(h).cloned()).collect())
}

/// A new session of `user_id`, stored by its token's hash (a stolen database does not yield
/// usable cookies).
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub created_at: i64,
    pub expires_at: i64,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert(db: &Db, s: &NewSession<'_>) -> Result<(), AppError> {
    sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind(s.token_hash)
        .bind(s.user_id)
        .bind(s.created_at)
        .bind(s.expires_at)
        .bind(s.ip)
        .bind(s.user_agent)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Ends the session with this token hash (signing out).
pub async fn delete(db: &Db, token_hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(&db.pool).await?;
    Ok(())
}

/// Ends every session of the user but the one with `keep_hash` (the one changing the password).
pub async fn end_others(tx: &mut Transaction<'_, Any>, user_id: i64, keep_hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2").bind(user_id).bind(keep_hash).execute(&mut **tx).await?;
    Ok(())
}

/// Ends every session of the user (a password reset, a deactivation).
pub async fn end_all_of(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut **tx).await?;
    Ok(())
}
