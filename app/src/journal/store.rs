//! Every SQL statement of the journal. Server functions call these after checking the caller.

use super::dto::*;
use super::model::{Cell, Scale};
use crate::auth::model::Permission;
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Row, Transaction};

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

/// What the caller may do with a journal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// The journal's teacher.
    Edit,
    /// Holds journal.read over the group (heads of studies, methodists, directors).
    Read,
}

pub async fn journal(db: &Db, id: i64) -> Result<JournalRow, AppError> {
    let r = sqlx::query(
        "SELECT id, group_id, subject, teacher_id, semester_start, semester_end, scale, title, syllabus FROM journals WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let scale: String = r.try_get("scale")?;
    Ok(JournalRow {
        id: r.try_get("id")?,
        group_id: r.try_get("group_id")?,
        subject: r.try_get("subject")?,
        teacher_id: r.try_get("teacher_id")?,
        semester_start: r.try_get("semester_start")?,
        semester_end: r.try_get("semester_end")?,
        scale: Scale::from_code(&scale).unwrap_or_default(),
        title: r.try_get("title")?,
        syllabus: r.try_get("syllabus")?,
    })
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
    let rows = sqlx::query(
        "SELECT DISTINCT u.id, u.full_name FROM role_assignments ra JOIN users u ON u.id = ra.user_id
         WHERE ra.org_id = $1 AND ra.role = 'student' AND u.active = 1 ORDER BY u.full_name, u.id",
    )
    .bind(group_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok(StudentHead { id: r.try_get("id")?, name: r.try_get("full_name")? })).collect()
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

pub async fn lessons(db: &Db, journal_id: i64) -> Result<Vec<LessonHead>, AppError> {
    let rows = sqlx::query(
        "SELECT l.id, l.lesson_date, l.pair, l.half_hours, l.lesson_type, l.topic, l.plan, l.homework,
                (SELECT COUNT(*) FROM journal_cells c WHERE c.lesson_id = l.id) AS filled
         FROM lessons l WHERE l.journal_id = $1 ORDER BY l.lesson_date, l.pair",
    )
    .bind(journal_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(LessonHead {
                id: r.try_get("id")?,
                date: r.try_get("lesson_date")?,
                pair: r.try_get("pair")?,
                half_hours: r.try_get("half_hours")?,
                lesson_type: r.try_get("lesson_type")?,
                topic: r.try_get("topic")?,
                plan: r.try_get("plan")?,
                homework: r.try_get("homework")?,
                filled: r.try_get("filled")?,
            })
        })
        .collect()
}

/// Every non-empty cell of a journal as (lesson, student, stored code).
pub async fn cells(db: &Db, journal_id: i64, scale: Scale) -> Result<Vec<(i64, i64, String)>, AppError> {
    let rows = sqlx::query(
        "SELECT c.lesson_id, c.student_id, c.mark, c.attendance FROM journal_cells c JOIN lessons l ON l.id = c.lesson_id
         WHERE l.journal_id = $1",
    )
    .bind(journal_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("lesson_id")?, r.try_get("student_id")?, stored_code(r, scale)?.store_code()))).collect()
}

/// A cell row's value.
fn stored_code(r: &sqlx::any::AnyRow, scale: Scale) -> Result<Cell, AppError> {
    let mark: Option<i64> = r.try_get("mark")?;
    let attendance: Option<String> = r.try_get("attendance")?;
    Ok(match (mark, attendance) {
        (Some(m), _) => Cell::from_store_code(scale, &m.to_string()),
        (None, Some(a)) => Cell::from_store_code(scale, &a),
        _ => Cell::Empty,
    })
}

/// The cell as stored now, read inside the writing transaction.
pub async fn cell_in(tx: &mut Transaction<'_, Any>, lesson_id: i64, student_id: i64, scale: Scale) -> Result<Cell, AppError> {
    let row = sqlx::query("SELECT mark, attendance FROM journal_cells WHERE lesson_id = $1 AND student_id = $2")
        .bind(lesson_id)
        .bind(student_id)
        .fetch_optional(&mut **tx)
        .await?;
    match row {
        Some(r) => stored_code(&r, scale),
        None => Ok(Cell::Empty),
    }
}

/// One cell's new value for [`write_cells`], with what its history line says.
pub struct CellWrite {
    pub journal_id: i64,
    pub scale: Scale,
    pub lesson_id: i64,
    pub student_id: i64,
    pub new: Cell,
    pub reason: super::model::Reason,
    pub actor_id: i64,
    pub at: i64,
}

/// The one way a journal cell changes (the grid, an exam's mark, an assignment's mark, a
/// proctoring verdict): compares each cell with its new value, writes those that change and a
/// history line for each, inside the caller's transaction, in four statements whatever their
/// number (a batch of hand-ins puts 64 exam marks into the journal at once). A cell that
/// already holds its new value is left alone, with no history line; a cell written twice is
/// written in the order given.
pub async fn write_cells(tx: &mut Transaction<'_, Any>, writes: &[CellWrite]) -> Result<(), AppError> {
    if writes.is_empty() {
        return Ok(());
    }
    let lessons: std::collections::BTreeSet<i64> = writes.iter().map(|w| w.lesson_id).collect();
    let students: std::collections::BTreeSet<i64> = writes.iter().map(|w| w.student_id).collect();
    let sql = crate::db::batch::statement(
        &**tx,
        format!(
            "SELECT lesson_id, student_id, mark, attendance FROM journal_cells WHERE lesson_id IN ({}) AND student_id IN ({})",
            crate::db::batch::placeholders(1, lessons.len()),
            crate::db::batch::placeholders(1 + lessons.len(), students.len())
        ),
    );
    let mut q = sqlx::query(&sql);
    for id in lessons.iter().chain(&students) {
        q = q.bind(*id);
    }
    let scale_of: std::collections::HashMap<i64, Scale> = writes.iter().map(|w| (w.lesson_id, w.scale)).collect();
    let mut now: std::collections::HashMap<(i64, i64), Cell> = std::collections::HashMap::new();
    for r in q.fetch_all(&mut **tx).await? {
        let key: (i64, i64) = (r.try_get("lesson_id")?, r.try_get("student_id")?);
        if let Some(scale) = scale_of.get(&key.0) {
            now.insert(key, stored_code(&r, *scale)?);
        }
    }
    // (write, old value) of every change, and each changed cell's final value.
    let mut changes: Vec<(&CellWrite, Cell)> = Vec::new();
    let mut last: std::collections::BTreeMap<(i64, i64), &CellWrite> = std::collections::BTreeMap::new();
    for w in writes {
        let key = (w.lesson_id, w.student_id);
        let old = now.get(&key).copied().unwrap_or(Cell::Empty);
        if old != w.new {
            changes.push((w, old));
            now.insert(key, w.new);
            last.insert(key, w);
        }
    }
    let (cleared, set): (Vec<&CellWrite>, Vec<&CellWrite>) = last.into_values().partition(|w| w.new == Cell::Empty);
    for chunk in cleared.chunks(5_000) {
        let pairs: Vec<String> =
            (0..chunk.len()).map(|i| format!("(lesson_id = ${} AND student_id = ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("DELETE FROM journal_cells WHERE {}", pairs.join(" OR "));
        let mut q = sqlx::query(&sql);
        for w in chunk {
            q = q.bind(w.lesson_id).bind(w.student_id);
        }
        q.execute(&mut **tx).await?;
    }
    // 6 values a row, 9 a history line: chunks stay under SQLite's 32 766 parameters.
    for chunk in set.chunks(4_000) {
        let sql = crate::db::batch::statement(
            &**tx,
            format!(
                "INSERT INTO journal_cells (lesson_id, student_id, mark, attendance, updated_by, updated_at) VALUES {}
             ON CONFLICT (lesson_id, student_id) DO UPDATE SET mark = excluded.mark, attendance = excluded.attendance,
                 excuse_media = NULL, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                crate::db::batch::values_list(chunk.len(), 6)
            ),
        );
        let mut q = sqlx::query(&sql);
        for w in chunk {
            let (mark, attendance) = match w.new {
                Cell::Mark(m) => (Some(i64::from(m.value())), None),
                _ => (None, Some(w.new.store_code())),
            };
            q = q.bind(w.lesson_id).bind(w.student_id).bind(mark).bind(attendance).bind(w.actor_id).bind(w.at);
        }
        q.execute(&mut **tx).await?;
    }
    for chunk in changes.chunks(3_000) {
        let sql = crate::db::batch::statement(
            &**tx,
            format!(
                "INSERT INTO mark_history (journal_id, lesson_id, student_id, old_value, new_value, reason_kind, reason, actor_id, at) VALUES {}",
                crate::db::batch::values_list(chunk.len(), 9)
            ),
        );
        let mut q = sqlx::query(&sql);
        for (w, old) in chunk {
            let (kind, text) = w.reason.stored();
            q = q
                .bind(w.journal_id)
                .bind(w.lesson_id)
                .bind(w.student_id)
                .bind(old.store_code())
                .bind(w.new.store_code())
                .bind(kind)
                .bind(text)
                .bind(w.actor_id)
                .bind(w.at);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

pub async fn history(db: &Db, journal_id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    let rows = sqlx::query(
        "SELECT h.at, l.lesson_date, s.full_name AS student_name, h.old_value, h.new_value, h.reason_kind, h.reason, a.full_name AS actor_name
         FROM mark_history h JOIN lessons l ON l.id = h.lesson_id JOIN users s ON s.id = h.student_id JOIN users a ON a.id = h.actor_id
         WHERE h.journal_id = $1 ORDER BY h.at DESC, h.id DESC LIMIT 1000",
    )
    .bind(journal_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(HistoryEntry {
                at: r.try_get("at")?,
                lesson_date: r.try_get("lesson_date")?,
                student_name: r.try_get("student_name")?,
                old_value: r.try_get("old_value")?,
                new_value: r.try_get("new_value")?,
                reason: super::model::Reason::from_stored(&r.try_get::<String, _>("reason_kind")?, r.try_get("reason")?),
                actor_name: r.try_get("actor_name")?,
            })
        })
        .collect()
}

pub async fn ktp(db: &Db, journal_id: i64) -> Result<Vec<KtpTopic>, AppError> {
    let rows = sqlx::query(
        "SELECT id, position, title, half_hours, lesson_type, homework FROM ktp_topics WHERE journal_id = $1 ORDER BY position, id",
    )
    .bind(journal_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(KtpTopic {
                id: r.try_get("id")?,
                position: r.try_get("position")?,
                title: r.try_get("title")?,
                half_hours: r.try_get("half_hours")?,
                lesson_type: r.try_get("lesson_type")?,
                homework: r.try_get("homework")?,
            })
        })
        .collect()
}

/// Journals the caller teaches, and those of groups in their journal.read scope.
pub async fn list(db: &Db, caller: &Caller) -> Result<Vec<JournalSummary>, AppError> {
    let scope = crate::admin::store::subtree(db, &caller.scope_roots(Permission::JournalRead)).await?;
    let rows = sqlx::query(
        "SELECT j.id, j.title, j.subject, j.group_id, g.name AS group_name, t.full_name AS teacher_name, j.teacher_id,
                j.semester_start, j.semester_end, (SELECT COUNT(*) FROM lessons l WHERE l.journal_id = j.id) AS lessons
         FROM journals j JOIN organisations g ON g.id = j.group_id JOIN users t ON t.id = j.teacher_id
         ORDER BY j.semester_start DESC, g.name, j.subject",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let teacher_id: i64 = r.try_get("teacher_id")?;
        let group_id: i64 = r.try_get("group_id")?;
        let mine = teacher_id == caller.user_id;
        if !mine && !scope.contains(&group_id) {
            continue;
        }
        out.push(JournalSummary {
            id: r.try_get("id")?,
            title: r.try_get("title")?,
            subject: r.try_get("subject")?,
            group_name: r.try_get("group_name")?,
            teacher_name: r.try_get("teacher_name")?,
            semester_start: r.try_get("semester_start")?,
            semester_end: r.try_get("semester_end")?,
            lessons: r.try_get("lessons")?,
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
    let rows = sqlx::query(
        "SELECT g.id, g.name, COALESCE(p.name, '') AS college FROM organisations g LEFT JOIN organisations p ON p.id = g.parent_id
         WHERE g.kind = 'group' ORDER BY p.name, g.name",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        if scope.contains(&id) {
            out.push(GroupOption { id, name: r.try_get("name")?, college: r.try_get("college")? });
        }
    }
    Ok(out)
}

/// Excused absences with an uploaded note, as (lesson, student).
pub async fn notes(db: &Db, journal_id: i64) -> Result<Vec<(i64, i64)>, AppError> {
    let rows = sqlx::query(
        "SELECT c.lesson_id, c.student_id FROM journal_cells c JOIN lessons l ON l.id = c.lesson_id
         WHERE l.journal_id = $1 AND c.excuse_media IS NOT NULL",
    )
    .bind(journal_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("lesson_id")?, r.try_get("student_id")?))).collect()
}
