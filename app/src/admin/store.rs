//! Organisation-tree queries shared by every domain that checks scope.

use super::model::OrgKind;
use crate::db::Db;
use crate::error::AppError;
use sqlx::Row;

/// The organisation and all its ancestors up to the root (empty if it does not exist).
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

/// (id, parent, kind, name) of the given organisations.
pub async fn load(db: &Db, ids: &[i64]) -> Result<Vec<(i64, Option<i64>, OrgKind, String)>, AppError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT id, parent_id, kind, name FROM organisations WHERE id IN ({})", placeholders.join(","));
    let mut q = sqlx::query(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    let rows = q.fetch_all(&db.pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let kind: String = r.try_get("kind")?;
        out.push((r.try_get("id")?, r.try_get("parent_id")?, OrgKind::from_code(&kind).ok_or(AppError::Internal)?, r.try_get("name")?));
    }
    Ok(out)
}

pub async fn kind_of(db: &Db, org_id: i64) -> Result<Option<OrgKind>, AppError> {
    let kind: Option<String> =
        sqlx::query_scalar("SELECT kind FROM organisations WHERE id = $1").bind(org_id).fetch_optional(&db.pool).await?;
    Ok(kind.as_deref().and_then(OrgKind::from_code))
}
