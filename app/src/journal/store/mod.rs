//! Every SQL statement of the journal. This file holds the journals themselves: their rows and
//! who may do what with one, opening and renaming one, the lists of journals and groups, and the
//! students of a group. By feature beside it: `cells` (marks, attendance and their history),
//! `plan` (lessons and the calendar-thematic plan), `assignments`, `certificates` and `reports`.
//! Server functions, download routes and page loads call these after checking the caller.

pub mod assignments;
pub mod cells;
pub mod certificates;
pub mod plan;
pub mod reports;

// Other domains write marks through these (exams, proctoring verdicts) and read the history.
pub use cells::{cell_in, history, write_cells, CellWrite};

use super::dto::*;
use super::model::Scale;
use crate::auth::model::Permission;
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Msg;
use sqlx::{Any, Transaction};

/// A journal's own row.
#[derive(Clone, Debug)]
pub struct JournalRow {
    pub id: i64,
    pub group_id: i64,
    pub subject: String,
    pub teacher_id: i64,
    pub semester_start: String,
    pub semester_end: String,
    pub scale: Scale,
    pub title: String,
    pub syllabus: String,
}

/// A journal as stored: its scale is a code, read leniently (see [`scale`]).
#[derive(sqlx::FromRow)]
struct StoredJournal {
    id: i64,
    group_id: i64,
    subject: String,
    teacher_id: i64,
    semester_start: String,
    semester_end: String,
    scale: String,
    title: String,
    syllabus: String,
}

impl From<StoredJournal> for JournalRow {
    fn from(r: StoredJournal) -> Self {
        JournalRow {
            id: r.id,
            group_id: r.group_id,
            subject: r.subject,
            teacher_id: r.teacher_id,
            semester_start: r.semester_start,
            semester_end: r.semester_end,
            scale: scale(&r.scale),
            title: r.title,
            syllabus: r.syllabus,
        }
    }
}

/// A stored scale code; an unknown one reads as the default scale rather than failing the page.
pub(crate) fn scale(code: &str) -> Scale {
    Scale::from_code(code).unwrap_or_default()
}

/// What the caller may do with a journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The journal's teacher.
    Edit,
    /// Holds journal.read over the group (heads of studies, methodists, directors).
    Read,
}

pub async fn journal(db: &Db, id: i64) -> Result<JournalRow, AppError> {
    let r = sqlx::query_as::<_, StoredJournal>(
        "SELECT id, group_id, subject, teacher_id, semester_start, semester_end, scale, title, syllabus FROM journals WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(r.into())
}

/// The journal and what the caller may do with it; Forbidden when neither.
pub async fn access(db: &Db, caller: &Caller, journal_id: i64) -> Result<(JournalRow, Access), AppError> {
    let j = journal(db, journal_id).await?;
    // Being the journal's teacher is not enough: the grant that made them one must still hold
    // over the group, or a teacher whose roles were all revoked would keep editing their old
    // journals. A journal of an olympiad stage is kept by the operator who prepared the stage
    // (olympiad/stage/sitting.rs), under olympiad.operate.
    if j.teacher_id == caller.user_id
        && (caller.require(db, Permission::JournalKeep, j.group_id).await.is_ok()
            || caller.require(db, Permission::OlympiadOperate, j.group_id).await.is_ok())
    {
        return Ok((j, Access::Edit));
    }
    caller.require(db, Permission::JournalRead, j.group_id).await?;
    Ok((j, Access::Read))
}

/// The journal, only for its teacher: every change goes through here.
pub async fn editable(db: &Db, caller: &Caller, journal_id: i64) -> Result<JournalRow, AppError> {
    match access(db, caller, journal_id).await {
        Ok((j, Access::Edit)) => Ok(j),
        Ok((_, Access::Read)) => Err(AppError::Forbidden),
        Err(e) => Err(e),
    }
}

pub async fn org_name(db: &Db, id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1").bind(id).fetch_optional(&db.pool).await?.unwrap_or_default())
}

pub async fn user_name(db: &Db, id: i64) -> Result<String, AppError> {
    Ok(sqlx::query_scalar("SELECT full_name FROM users WHERE id = $1").bind(id).fetch_optional(&db.pool).await?.unwrap_or_default())
}

/// Students of a group, by name: users holding the student role on it, active ones only.
pub async fn students(db: &Db, group_id: i64) -> Result<Vec<StudentHead>, AppError> {
    Ok(sqlx::query_as::<_, StudentHead>(
        "SELECT DISTINCT u.id, u.full_name AS name FROM role_assignments ra JOIN users u ON u.id = ra.user_id
         WHERE ra.org_id = $1 AND ra.role = 'student' AND u.active = 1 ORDER BY u.full_name, u.id",
    )
    .bind(group_id)
    .fetch_all(&db.pool)
    .await?)
}

pub async fn is_student_of(db: &Db, group_id: i64, user_id: i64) -> Result<bool, AppError> {
    // An olympiad variant's group has participants where a class has students (olympiad/stage/sitting.rs).
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM role_assignments WHERE org_id = $1 AND user_id = $2 AND role IN ('student', 'olympiad_participant')",
    )
    .bind(group_id)
    .bind(user_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(n > 0)
}

/// A line of the journals list as read, before the caller's scope filters it.
#[derive(sqlx::FromRow)]
struct JournalLine {
    id: i64,
    title: String,
    subject: String,
    group_id: i64,
    group_name: String,
    teacher_name: String,
    teacher_id: i64,
    semester_start: String,
    semester_end: String,
    lessons: i64,
}

/// Journals the caller teaches, and those of groups in their journal.read scope.
pub async fn list(db: &Db, caller: &Caller) -> Result<Vec<JournalSummary>, AppError> {
    let scope = crate::admin::store::subtree(db, &caller.scope_roots(Permission::JournalRead)).await?;
    let rows = sqlx::query_as::<_, JournalLine>(
        "SELECT j.id, j.title, j.subject, j.group_id, g.name AS group_name, t.full_name AS teacher_name, j.teacher_id,
                j.semester_start, j.semester_end, (SELECT COUNT(*) FROM lessons l WHERE l.journal_id = j.id) AS lessons
         FROM journals j JOIN organisations g ON g.id = j.group_id JOIN users t ON t.id = j.teacher_id
         ORDER BY j.semester_start DESC, g.name, j.subject",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let mine = r.teacher_id == caller.user_id;
        if !mine && !scope.contains(&r.group_id) {
            continue;
        }
        out.push(JournalSummary {
            id: r.id,
            title: r.title,
            subject: r.subject,
            group_name: r.group_name,
            teacher_name: r.teacher_name,
            semester_start: r.semester_start,
            semester_end: r.semester_end,
            lessons: r.lessons,
            mine,
        });
    }
    Ok(out)
}

/// Groups in the caller's journal.keep scope, with their college's name.
pub async fn keepable_groups(db: &Db, caller: &Caller) -> Result<Vec<GroupOption>, AppError> {
    let scope = crate::admin::store::subtree(db, &caller.scope_roots(Permission::JournalKeep)).await?;
    if scope.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query_as::<_, GroupOption>(
        "SELECT g.id, g.name, COALESCE(p.name, '') AS college FROM organisations g LEFT JOIN organisations p ON p.id = g.parent_id
         WHERE g.kind = 'group' ORDER BY p.name, g.name",
    )
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().filter(|g| scope.contains(&g.id)).collect())
}

/// A new journal's fields (JRN-1), checked by the server function.
pub struct NewJournal<'a> {
    pub group_id: i64,
    pub subject: &'a str,
    pub teacher_id: i64,
    pub semester_start: String,
    pub semester_end: String,
    pub scale: Scale,
    pub title: &'a str,
    pub at: i64,
}

/// Opens a journal; its teacher is its creator. A group with a journal of this subject already
/// is a field error on the subject, not a fault.
pub async fn open_journal(tx: &mut Transaction<'_, Any>, j: NewJournal<'_>) -> Result<i64, AppError> {
    let inserted = sqlx::query_scalar(
        "INSERT INTO journals (group_id, subject, teacher_id, semester_start, semester_end, scale, title, created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $3, $8) RETURNING id",
    )
    .bind(j.group_id)
    .bind(j.subject)
    .bind(j.teacher_id)
    .bind(j.semester_start)
    .bind(j.semester_end)
    .bind(j.scale.code())
    .bind(j.title)
    .bind(j.at)
    .fetch_one(&mut **tx)
    .await;
    match inserted {
        Ok(id) => Ok(id),
        Err(e) if crate::db::is_unique_violation(&e, "journals") || crate::db::is_unique_violation(&e, "subject") => {
            Err(AppError::field("subject", Msg::ErrJournalExists))
        }
        Err(e) => Err(e.into()),
    }
}

/// Gives the journal a new title; returns the one it had, for the audit.
pub async fn rename(tx: &mut Transaction<'_, Any>, journal_id: i64, title: &str) -> Result<String, AppError> {
    let before: String = sqlx::query_scalar("SELECT title FROM journals WHERE id = $1").bind(journal_id).fetch_one(&mut **tx).await?;
    sqlx::query("UPDATE journals SET title = $1 WHERE id = $2").bind(title).bind(journal_id).execute(&mut **tx).await?;
    Ok(before)
}

/// Stores the subject's syllabus with the journal (JRN-8); returns the one it had, for the audit.
pub async fn set_syllabus(tx: &mut Transaction<'_, Any>, journal_id: i64, syllabus: &str) -> Result<Option<String>, AppError> {
    let before: Option<String> =
        sqlx::query_scalar("SELECT syllabus FROM journals WHERE id = $1").bind(journal_id).fetch_one(&mut **tx).await?;
    sqlx::query("UPDATE journals SET syllabus = $1 WHERE id = $2").bind(syllabus).bind(journal_id).execute(&mut **tx).await?;
    Ok(before)
}

/// The journals of every group the user is a student of, latest semester first.
pub async fn journals_of_student(db: &Db, student_id: i64) -> Result<Vec<i64>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT j.id FROM journals j JOIN role_assignments ra ON ra.org_id = j.group_id AND ra.role = 'student' AND ra.user_id = $1
             ORDER BY j.semester_start DESC, j.subject",
    )
    .bind(student_id)
    .fetch_all(&db.pool)
    .await?)
}
