//! All SQL of student records: a college's groups and students, the accounts an import finds
//! by IIN or makes, and the movements. A student's membership of a group is their 'student'
//! grant on it (`role_assignments`), as everywhere else. Server functions call these after
//! checking the caller; the writes run in the action's transaction.

use super::model::{GroupChoice, GroupLine, Movement, MovementKind, StudentLine};
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Executor, Transaction};

/// The colleges among these organisations, by name.
pub async fn colleges_among(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, AppError> {
    let mut out = Vec::new();
    for (id, _, kind, name) in crate::admin::store::load(db, ids).await? {
        if kind == crate::admin::model::OrgKind::College {
            out.push((id, name));
        }
    }
    out.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(out)
}

/// The groups of a college, by name, with their profiles and how many students each has.
pub async fn groups_of(db: &Db, college_id: i64) -> Result<Vec<GroupLine>, AppError> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT g.id, g.name, (SELECT COUNT(*) FROM role_assignments ra WHERE ra.org_id = g.id AND ra.role = 'student')
         FROM organisations g WHERE g.parent_id = $1 AND g.kind = 'group' ORDER BY g.name",
    )
    .bind(college_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for (id, name, students) in rows {
        let profile = crate::admin::store::group_profile(&db.pool, id).await?;
        out.push(GroupLine { id, name, profile, students });
    }
    Ok(out)
}

/// The groups of a college, for a choice.
pub async fn group_choices(db: &Db, college_id: i64) -> Result<Vec<GroupChoice>, AppError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM organisations WHERE parent_id = $1 AND kind = 'group' ORDER BY name")
            .bind(college_id)
            .fetch_all(&db.pool)
            .await?;
    Ok(rows.into_iter().map(|(id, name)| GroupChoice { id, name }).collect())
}

/// The students of a group, by name.
pub async fn students_of(db: &Db, group_id: i64) -> Result<Vec<StudentLine>, AppError> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT u.id, COALESCE(u.iin, u.login), u.full_name FROM role_assignments ra JOIN users u ON u.id = ra.user_id
         WHERE ra.org_id = $1 AND ra.role = 'student' ORDER BY u.full_name, u.id",
    )
    .bind(group_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(|(id, iin, full_name)| StudentLine { id, iin, full_name }).collect())
}

/// The college (parent) of a group: (id, name); None when the id is not a group.
pub async fn college_of<'e, E: Executor<'e, Database = Any>>(ex: E, group_id: i64) -> Result<Option<(i64, String)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, String)>(
        "SELECT p.id, p.name FROM organisations g JOIN organisations p ON p.id = g.parent_id WHERE g.id = $1 AND g.kind = 'group'",
    )
    .bind(group_id)
    .fetch_optional(ex)
    .await?)
}

/// The group of that name under the college.
pub async fn group_named(tx: &mut Transaction<'_, Any>, college_id: i64, name: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM organisations WHERE parent_id = $1 AND kind = 'group' AND name = $2")
        .bind(college_id)
        .bind(name)
        .fetch_optional(&mut **tx)
        .await?)
}

/// The account an IIN names: by its `iin`, or a login equal to it (accounts older than the
/// column), as the olympiad's registration finds them.
pub async fn account_with_iin(tx: &mut Transaction<'_, Any>, iin: &str) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE iin = $1 OR login = $1 ORDER BY id LIMIT 1")
        .bind(iin)
        .fetch_optional(&mut **tx)
        .await?)
}

/// Whether an account holds this email or phone already.
pub async fn contact_taken(tx: &mut Transaction<'_, Any>, email: Option<&str>, phone: Option<&str>) -> Result<(bool, bool), AppError> {
    let email = match email {
        None => false,
        Some(e) => {
            let n: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE LOWER(email) = LOWER($1)").bind(e).fetch_one(&mut **tx).await?;
            n > 0
        }
    };
    let phone = match phone {
        None => false,
        Some(p) => {
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE phone = $1").bind(p).fetch_one(&mut **tx).await?;
            n > 0
        }
    };
    Ok((email, phone))
}

/// Every organisation the account is tied to: its grants, and the groups of its movements (a
/// student who left has no grant but their college's history).
pub async fn ties_of(tx: &mut Transaction<'_, Any>, user_id: i64) -> Result<Vec<i64>, AppError> {
    let mut ids: Vec<i64> = sqlx::query_scalar(
        "SELECT org_id FROM role_assignments WHERE user_id = $1
         UNION SELECT from_group FROM student_movements WHERE student_id = $1 AND from_group IS NOT NULL
         UNION SELECT to_group FROM student_movements WHERE student_id = $1 AND to_group IS NOT NULL",
    )
    .bind(user_id)
    .fetch_all(&mut **tx)
    .await?;
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The groups the account is a student of (one, unless set by hand otherwise).
pub async fn student_groups<'e, E: Executor<'e, Database = Any>>(ex: E, user_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT ra.org_id FROM role_assignments ra JOIN organisations o ON o.id = ra.org_id
         WHERE ra.user_id = $1 AND ra.role = 'student' AND o.kind = 'group' ORDER BY ra.id",
    )
    .bind(user_id)
    .fetch_all(ex)
    .await?)
}

/// The last movement as stored: kind, date, from and to group, reason.
#[derive(sqlx::FromRow, Clone, Debug, PartialEq, Eq)]
pub struct LastMovement {
    pub kind: String,
    pub on_date: String,
    pub from_group: Option<i64>,
    pub to_group: Option<i64>,
    pub reason: String,
}

impl LastMovement {
    pub fn kind(&self) -> Option<MovementKind> {
        MovementKind::from_code(&self.kind)
    }
    /// The group the student was last in, by this movement.
    pub fn group(&self) -> Option<i64> {
        self.to_group.or(self.from_group)
    }
}

pub async fn last_movement<'e, E: Executor<'e, Database = Any>>(ex: E, user_id: i64) -> Result<Option<LastMovement>, AppError> {
    Ok(sqlx::query_as::<_, LastMovement>(
        "SELECT kind, on_date, from_group, to_group, reason FROM student_movements WHERE student_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(ex)
    .await?)
}

/// A new student's account: login and `iin` the IIN, no usable password until the invitation's
/// code sets one (as an administrator's invitation).
#[allow(clippy::too_many_arguments)]
pub async fn insert_student(
    tx: &mut Transaction<'_, Any>,
    iin: &str,
    full_name: &str,
    email: Option<&str>,
    phone: Option<&str>,
    password_hash: &str,
    now: i64,
) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (login, iin, email, phone, full_name, password_hash, locale, active, created_at)
         VALUES ($1, $1, $2, $3, $4, $5, 'kk', 1, $6) RETURNING id",
    )
    .bind(iin)
    .bind(email)
    .bind(phone)
    .bind(full_name)
    .bind(password_hash)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// Ends the account's membership of a group.
pub async fn leave_group(tx: &mut Transaction<'_, Any>, user_id: i64, group_id: i64) -> Result<(), AppError> {
    sqlx::query("DELETE FROM role_assignments WHERE user_id = $1 AND org_id = $2 AND role = 'student'")
        .bind(user_id)
        .bind(group_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// One movement to write.
pub struct NewMovement<'a> {
    pub student_id: i64,
    pub kind: MovementKind,
    pub on_date: &'a str,
    pub from_group: Option<i64>,
    pub to_group: Option<i64>,
    pub reason: &'a str,
    pub recorded_by: i64,
    pub recorded_at: i64,
}

pub async fn add_movement(tx: &mut Transaction<'_, Any>, m: &NewMovement<'_>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO student_movements (student_id, kind, on_date, from_group, to_group, reason, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(m.student_id)
    .bind(m.kind.code())
    .bind(m.on_date)
    .bind(m.from_group)
    .bind(m.to_group)
    .bind(m.reason)
    .bind(m.recorded_by)
    .bind(m.recorded_at)
    .fetch_one(&mut **tx)
    .await?)
}

#[derive(sqlx::FromRow)]
struct MovementRow {
    kind: String,
    on_date: String,
    from_name: Option<String>,
    to_name: Option<String>,
    reason: String,
    recorded_by: String,
    recorded_at: i64,
}

/// A student's movements, oldest first, with the groups' and the recorder's names.
pub async fn movements(db: &Db, user_id: i64) -> Result<Vec<Movement>, AppError> {
    let rows = sqlx::query_as::<_, MovementRow>(
        "SELECT m.kind, m.on_date, f.name AS from_name, t.name AS to_name, m.reason, u.full_name AS recorded_by, m.recorded_at
         FROM student_movements m JOIN users u ON u.id = m.recorded_by
         LEFT JOIN organisations f ON f.id = m.from_group LEFT JOIN organisations t ON t.id = m.to_group
         WHERE m.student_id = $1 ORDER BY m.id",
    )
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Movement {
            kind: MovementKind::from_code(&r.kind).ok_or(AppError::Internal)?,
            on_date: r.on_date,
            from_group: r.from_name,
            to_group: r.to_name,
            reason: r.reason,
            recorded_by: r.recorded_by,
            recorded_at: r.recorded_at,
        });
    }
    Ok(out)
}

/// (IIN, full name) of an account.
pub async fn person(db: &Db, user_id: i64) -> Result<Option<(String, String)>, AppError> {
    Ok(sqlx::query_as::<_, (String, String)>("SELECT COALESCE(iin, login), full_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&db.pool)
        .await?)
}

/// A group's name.
pub async fn group_name<'e, E: Executor<'e, Database = Any>>(ex: E, group_id: i64) -> Result<Option<String>, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1").bind(group_id).fetch_optional(ex).await?)
}
