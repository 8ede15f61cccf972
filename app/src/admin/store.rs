//! All SQL of administration: the organisation tree (whose queries every domain that checks
//! scope shares), users as administrators see them, and role grants. Server functions call
//! these after checking the caller; the checks' own look-ups (whom a caller manages) are here
//! too, and are called by the checks before any other data is read.

use super::model::{OrgKind, UserRow};
use crate::auth::model::{Permission, Role};
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Msg;
use sqlx::{Any, Transaction};

/// An organisation with all its ancestors, and organisations with all below them: the
/// permission checks and every scoped list read them, so they are `auth`'s.
pub use crate::auth::store::{ancestors, subtree};

#[derive(sqlx::FromRow)]
struct OrgRow {
    id: i64,
    parent_id: Option<i64>,
    kind: String,
    name: String,
}

/// (id, parent, kind, name) of the given organisations.
pub async fn load(db: &Db, ids: &[i64]) -> Result<Vec<(i64, Option<i64>, OrgKind, String)>, AppError> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!("SELECT id, parent_id, kind, name FROM organisations WHERE id IN ({})", placeholders.join(","));
    let mut q = sqlx::query_as::<_, OrgRow>(&sql);
    for id in ids {
        q = q.bind(*id);
    }
    let rows = q.fetch_all(&db.pool).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push((r.id, r.parent_id, OrgKind::from_code(&r.kind).ok_or(AppError::Internal)?, r.name));
    }
    Ok(out)
}

pub async fn kind_of(db: &Db, org_id: i64) -> Result<Option<OrgKind>, AppError> {
    let kind: Option<String> =
        sqlx::query_scalar("SELECT kind FROM organisations WHERE id = $1").bind(org_id).fetch_optional(&db.pool).await?;
    Ok(kind.as_deref().and_then(OrgKind::from_code))
}

/// Adds an organisation; a name already taken beside it is an error at the name.
pub async fn insert_org(tx: &mut Transaction<'_, Any>, parent_id: i64, kind: OrgKind, name: &str, now: i64) -> Result<i64, AppError> {
    match sqlx::query_scalar("INSERT INTO organisations (parent_id, kind, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(parent_id)
        .bind(kind.code())
        .bind(name)
        .bind(now)
        .fetch_one(&mut **tx)
        .await
    {
        Ok(id) => Ok(id),
        Err(e) if crate::db::is_unique_violation(&e, "name") || crate::db::is_unique_violation(&e, "organisations") => {
            Err(AppError::field("name", Msg::ErrOrgNameTaken))
        }
        Err(e) => Err(e.into()),
    }
}

/// The permissions a role carries.
pub async fn role_permissions(db: &Db, role: Role) -> Result<Vec<Permission>, AppError> {
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT permission FROM role_permissions WHERE role = $1").bind(role.code()).fetch_all(&db.pool).await?;
    Ok(codes.iter().filter_map(|c| Permission::from_code(c)).collect())
}

pub async fn user_exists(db: &Db, user_id: i64) -> Result<bool, AppError> {
    let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1").bind(user_id).fetch_optional(&db.pool).await?;
    Ok(exists.is_some())
}

/// The organisations of the user's grants (one per grant).
pub async fn grant_orgs_of(db: &Db, user_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT org_id FROM role_assignments WHERE user_id = $1").bind(user_id).fetch_all(&db.pool).await?)
}

/// The organisation of the user's first grant, if any.
pub async fn first_grant_org_of(db: &Db, user_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT org_id FROM role_assignments WHERE user_id = $1 ORDER BY id LIMIT 1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// A user's row as stored; `active` is the stored 0/1.
#[derive(sqlx::FromRow)]
struct UserRecord {
    id: i64,
    login: String,
    full_name: String,
    email: Option<String>,
    phone: Option<String>,
    active: i64,
}

/// A user as the users list shows them, with the roles they hold anywhere (404 when unknown).
pub async fn user_row(db: &Db, user_id: i64) -> Result<UserRow, AppError> {
    let r = sqlx::query_as::<_, UserRecord>("SELECT id, login, full_name, email, phone, active FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?
        .ok_or(AppError::NotFound)?;
    let roles: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT role FROM role_assignments WHERE user_id = $1").bind(user_id).fetch_all(&db.pool).await?;
    Ok(UserRow {
        id: r.id,
        login: r.login,
        full_name: r.full_name,
        email: r.email,
        phone: r.phone,
        active: r.active == 1,
        roles: roles.iter().filter_map(|c| Role::from_code(c)).collect(),
    })
}

/// Users whose login, name, email or phone contains `pattern` (a LIKE pattern, lower case),
/// by login, at most 200. `scope`: None for everyone; Some for users with at least one grant
/// and none outside these organisations.
pub async fn search_users(db: &Db, pattern: &str, scope: Option<&[i64]>) -> Result<Vec<i64>, AppError> {
    let Some(scope) = scope else {
        return Ok(sqlx::query_scalar(
            "SELECT id FROM users WHERE LOWER(login) LIKE $1 OR LOWER(full_name) LIKE $1 OR LOWER(COALESCE(email, '')) LIKE $1
                 OR COALESCE(phone, '') LIKE $1 ORDER BY login LIMIT 200",
        )
        .bind(pattern)
        .fetch_all(&db.pool)
        .await?);
    };
    let placeholders: Vec<String> = (2..scope.len() + 2).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT u.id FROM users u
                 WHERE EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = u.id)
                 AND NOT EXISTS (SELECT 1 FROM role_assignments ra WHERE ra.user_id = u.id AND ra.org_id NOT IN ({}))
                 AND (LOWER(u.login) LIKE $1 OR LOWER(u.full_name) LIKE $1
                 OR LOWER(COALESCE(u.email, '')) LIKE $1 OR COALESCE(u.phone, '') LIKE $1) ORDER BY u.login LIMIT 200",
        placeholders.join(",")
    );
    let mut q = sqlx::query_scalar(&sql).bind(pattern);
    for o in scope {
        q = q.bind(*o);
    }
    Ok(q.fetch_all(&db.pool).await?)
}

/// A grant as stored: whose, which role (its code), where.
#[derive(sqlx::FromRow)]
pub struct GrantRecord {
    pub user_id: i64,
    pub role: String,
    pub org_id: i64,
}

pub async fn grant_record(db: &Db, grant_id: i64) -> Result<Option<GrantRecord>, AppError> {
    Ok(sqlx::query_as::<_, GrantRecord>("SELECT user_id, role, org_id FROM role_assignments WHERE id = $1")
        .bind(grant_id)
        .fetch_optional(&db.pool)
        .await?)
}

pub async fn delete_grant(tx: &mut Transaction<'_, Any>, grant_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM role_assignments WHERE id = $1").bind(grant_id).execute(&mut **tx).await?;
    Ok(())
}

pub async fn set_active(tx: &mut Transaction<'_, Any>, user_id: i64, active: bool) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET active = $1 WHERE id = $2").bind(active as i64).bind(user_id).execute(&mut **tx).await?;
    Ok(())
}

/// A group's profile row as stored (`study_language` '' before anyone set it).
#[derive(sqlx::FromRow)]
struct ProfileRecord {
    specialty_code: String,
    specialty_name: String,
    course: i64,
    study_form: String,
    study_language: String,
}

/// The group's profile, None while it has none (no row, or a row from before the language was
/// asked: a partial profile is shown as unset so the form asks for everything).
pub async fn group_profile<'e, E: sqlx::Executor<'e, Database = Any>>(
    db: E,
    group_id: i64,
) -> Result<Option<super::model::GroupProfile>, AppError> {
    use super::model::{GroupProfile, StudyForm, StudyLanguage};
    let r = sqlx::query_as::<_, ProfileRecord>(
        "SELECT specialty_code, specialty_name, course, study_form, study_language FROM study_groups WHERE group_id = $1",
    )
    .bind(group_id)
    .fetch_optional(db)
    .await?;
    Ok(r.and_then(|r| {
        Some(GroupProfile {
            specialty_code: r.specialty_code,
            specialty_name: r.specialty_name,
            course: r.course,
            study_form: StudyForm::from_code(&r.study_form)?,
            study_language: StudyLanguage::from_code(&r.study_language)?,
        })
    }))
}

/// (name, parent's name) of a group; None when the id is not a group.
pub async fn group_names(db: &Db, group_id: i64) -> Result<Option<(String, String)>, AppError> {
    Ok(sqlx::query_as::<_, (String, String)>(
        "SELECT g.name, p.name FROM organisations g JOIN organisations p ON p.id = g.parent_id WHERE g.id = $1 AND g.kind = 'group'",
    )
    .bind(group_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Sets a group's profile (the row is made the first time).
pub async fn save_group_profile(tx: &mut Transaction<'_, Any>, group_id: i64, p: &super::model::GroupProfile) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO study_groups (group_id, specialty_code, specialty_name, course, study_form, study_language)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (group_id) DO UPDATE SET specialty_code = excluded.specialty_code, specialty_name = excluded.specialty_name,
             course = excluded.course, study_form = excluded.study_form, study_language = excluded.study_language",
    )
    .bind(group_id)
    .bind(&p.specialty_code)
    .bind(&p.specialty_name)
    .bind(p.course)
    .bind(p.study_form.code())
    .bind(p.study_language.code())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
