//! All SQL of the audit log: writing rows (inside the transaction of the change they record)
//! and reading them. Server functions call these after checking the caller.

use super::model::{AuditPage, AuditRow, AUDIT_PAGE_SIZE};
use crate::api::now_ms;
use crate::error::AppError;
use serde::Serialize;
use sqlx::{Any, Transaction};

/// What changed, written with the change in its transaction.
pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    pub ip: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub org_id: Option<i64>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Entry<'a> {
    /// A change to a user account (the commonest row): no organisation, no snapshots yet.
    pub fn user(action: &'a str, actor_id: Option<i64>, ip: &'a str, user_id: i64) -> Entry<'a> {
        Entry { actor_id, ip, action, entity: "user", entity_id: user_id.to_string(), org_id: None, before: None, after: None }
    }
    pub fn org(mut self, org_id: Option<i64>) -> Self {
        self.org_id = org_id;
        self
    }
    pub fn before(mut self, value: serde_json::Value) -> Self {
        self.before = Some(value);
        self
    }
    pub fn after(mut self, value: serde_json::Value) -> Self {
        self.after = Some(value);
        self
    }
}

pub fn json<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

pub async fn record(tx: &mut Transaction<'_, Any>, e: Entry<'_>) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, ip, action, entity, entity_id, org_id, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(now_ms())
    .bind(e.actor_id)
    .bind(e.ip)
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(e.org_id)
    .bind(e.before.map(|v| v.to_string()))
    .bind(e.after.map(|v| v.to_string()))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Several audit lines in one statement (a batch written together, `db::batch`).
pub async fn record_many(tx: &mut Transaction<'_, Any>, entries: Vec<Entry<'_>>) -> Result<(), AppError> {
    // At most 3 000 rows a statement: 9 values each stays under SQLite's 32 766 parameters.
    for chunk in entries.chunks(3_000) {
        let at = now_ms();
        let sql = crate::db::batch::statement(
            &**tx,
            format!(
                "INSERT INTO audit_log (at, actor_id, ip, action, entity, entity_id, org_id, before_json, after_json) VALUES {}",
                crate::db::batch::values_list(chunk.len(), 9)
            ),
        );
        let mut q = sqlx::query(&sql);
        for e in chunk {
            q = q
                .bind(at)
                .bind(e.actor_id)
                .bind(e.ip)
                .bind(e.action)
                .bind(e.entity)
                .bind(e.entity_id.clone())
                .bind(e.org_id)
                .bind(e.before.as_ref().map(|v| v.to_string()))
                .bind(e.after.as_ref().map(|v| v.to_string()));
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Filters of the audit page; empty strings mean "any".
#[derive(Default, Clone, Debug)]
pub struct Filter {
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// None: everything (the caller reads the whole tree); Some: rows of these organisations.
    pub orgs: Option<Vec<i64>>,
    pub page: i64,
}

pub async fn list(db: &crate::db::Db, f: &Filter) -> Result<AuditPage, AppError> {
    // Placeholders are numbered as filters are added; values are always bound, never spliced.
    let mut sql = String::from(
        "SELECT a.id, a.at, u.login AS actor_login, a.ip, a.action, a.entity, a.entity_id, a.before_json, a.after_json
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE 1 = 1",
    );
    let mut texts: Vec<String> = Vec::new();
    let mut nums: Vec<i64> = Vec::new();
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    let mut order: Vec<bool> = Vec::new(); // true: text, false: number, in placeholder order
    if !f.actor.trim().is_empty() {
        sql.push_str(&format!(" AND u.login = ${}", next()));
        texts.push(f.actor.trim().to_lowercase());
        order.push(true);
    }
    if !f.action.trim().is_empty() {
        sql.push_str(&format!(" AND a.action LIKE ${}", next()));
        texts.push(format!("{}%", f.action.trim()));
        order.push(true);
    }
    // "user" for every user's rows, "user 42" (or "user:42") for one user's: the data
    // controller reads whose personal data was seen by whom this way.
    let entity = f.entity.trim();
    let (entity, entity_id) = match entity.split_once([' ', ':']) {
        Some((kind, id)) if !id.trim().is_empty() => (kind.trim(), Some(id.trim())),
        _ => (entity, None),
    };
    if !entity.is_empty() {
        sql.push_str(&format!(" AND a.entity = ${}", next()));
        texts.push(entity.to_string());
        order.push(true);
    }
    if let Some(id) = entity_id {
        sql.push_str(&format!(" AND a.entity_id = ${}", next()));
        texts.push(id.to_string());
        order.push(true);
    }
    if let Some(from) = f.from_ms {
        sql.push_str(&format!(" AND a.at >= ${}", next()));
        nums.push(from);
        order.push(false);
    }
    if let Some(to) = f.to_ms {
        sql.push_str(&format!(" AND a.at < ${}", next()));
        nums.push(to);
        order.push(false);
    }
    if let Some(orgs) = &f.orgs {
        if orgs.is_empty() {
            return Ok(AuditPage { rows: vec![], page: 0, has_more: false });
        }
        let list: Vec<String> = orgs.iter().map(|_| format!("${}", next())).collect();
        sql.push_str(&format!(" AND a.org_id IN ({})", list.join(",")));
        for o in orgs {
            nums.push(*o);
            order.push(false);
        }
    }
    let page = f.page.max(0);
    sql.push_str(&format!(" ORDER BY a.id DESC LIMIT {} OFFSET {}", AUDIT_PAGE_SIZE + 1, page * AUDIT_PAGE_SIZE));
    let mut q = sqlx::query_as::<_, AuditRow>(&sql);
    let (mut ti, mut ni) = (texts.into_iter(), nums.into_iter());
    for is_text in order {
        q = if is_text { q.bind(ti.next()) } else { q.bind(ni.next()) };
    }
    let mut rows = q.fetch_all(&db.pool).await?;
    let has_more = rows.len() as i64 > AUDIT_PAGE_SIZE;
    rows.truncate(AUDIT_PAGE_SIZE as usize);
    Ok(AuditPage { rows, page, has_more })
}
