//! The journal's cells: marks and attendance codes, the one way they change ([`write_cells`],
//! with a history line for each change), their history, a student's own cells, and the notes
//! that excuse an absence. Server functions (and the exam and proctoring domains, which write
//! marks) call these after checking the caller.

use super::super::dto::HistoryEntry;
use super::super::model::{Cell, Reason, Scale};
use crate::db::Db;
use crate::error::AppError;
use sqlx::{Any, Transaction};

/// A cell's stored value: a mark, or else an attendance code.
#[derive(sqlx::FromRow)]
struct StoredValue {
    mark: Option<i64>,
    attendance: Option<String>,
}

impl StoredValue {
    fn cell(&self, scale: Scale) -> Cell {
        match (self.mark, &self.attendance) {
            (Some(m), _) => Cell::from_store_code(scale, &m.to_string()),
            (None, Some(a)) => Cell::from_store_code(scale, a),
            _ => Cell::Empty,
        }
    }
}

/// A cell's row: where it is and its value.
#[derive(sqlx::FromRow)]
struct StoredCell {
    lesson_id: i64,
    student_id: i64,
    #[sqlx(flatten)]
    value: StoredValue,
}

/// Every non-empty cell of a journal as (lesson, student, stored code).
pub async fn cells(db: &Db, journal_id: i64, scale: Scale) -> Result<Vec<(i64, i64, String)>, AppError> {
    let rows = sqlx::query_as::<_, StoredCell>(
        "SELECT c.lesson_id, c.student_id, c.mark, c.attendance FROM journal_cells c JOIN lessons l ON l.id = c.lesson_id
         WHERE l.journal_id = $1",
    )
    .bind(journal_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.iter().map(|r| (r.lesson_id, r.student_id, r.value.cell(scale).store_code())).collect())
}

/// The cell as stored now, read inside the writing transaction.
pub async fn cell_in(tx: &mut Transaction<'_, Any>, lesson_id: i64, student_id: i64, scale: Scale) -> Result<Cell, AppError> {
    let row = sqlx::query_as::<_, StoredValue>("SELECT mark, attendance FROM journal_cells WHERE lesson_id = $1 AND student_id = $2")
        .bind(lesson_id)
        .bind(student_id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(row.map_or(Cell::Empty, |r| r.cell(scale)))
}

/// One cell's new value for [`write_cells`], with what its history line says.
pub struct CellWrite {
    pub journal_id: i64,
    pub scale: Scale,
    pub lesson_id: i64,
    pub student_id: i64,
    pub new: Cell,
    pub reason: Reason,
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
    let mut q = sqlx::query_as::<_, StoredCell>(&sql);
    for id in lessons.iter().chain(&students) {
        q = q.bind(*id);
    }
    let scale_of: std::collections::HashMap<i64, Scale> = writes.iter().map(|w| (w.lesson_id, w.scale)).collect();
    let mut now: std::collections::HashMap<(i64, i64), Cell> = std::collections::HashMap::new();
    for r in q.fetch_all(&mut **tx).await? {
        let key: (i64, i64) = (r.lesson_id, r.student_id);
        if let Some(scale) = scale_of.get(&key.0) {
            now.insert(key, r.value.cell(*scale));
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
    // The student, and only the student, is told each new or changed mark (issue 20): once per
    // change, so the same value saved again (no change above) tells nothing.
    for w in set.iter().filter(|w| matches!(w.new, Cell::Mark(_))) {
        tell_mark(tx, w).await?;
    }
    Ok(())
}

/// What the mark's message says: the subject, the lesson's date, and the cell's number of
/// changes (the event's version).
#[derive(sqlx::FromRow)]
struct MarkFacts {
    subject: String,
    lesson_date: String,
    changes: i64,
}

async fn tell_mark(tx: &mut Transaction<'_, Any>, w: &CellWrite) -> Result<(), AppError> {
    let Cell::Mark(mark) = w.new else { return Ok(()) };
    let facts = sqlx::query_as::<_, MarkFacts>(
        "SELECT j.subject, l.lesson_date,
                (SELECT COUNT(*) FROM mark_history h WHERE h.lesson_id = l.id AND h.student_id = $2) AS changes
         FROM lessons l JOIN journals j ON j.id = l.journal_id WHERE l.id = $1",
    )
    .bind(w.lesson_id)
    .bind(w.student_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(f) = facts else { return Ok(()) };
    let date = match f.lesson_date.split('-').collect::<Vec<_>>()[..] {
        [y, m, d] => format!("{d}.{m}.{y}"),
        _ => f.lesson_date.clone(),
    };
    let e = crate::notify::Event::mark(w.student_id, w.lesson_id, f.changes, &f.subject, &date, &mark.to_string());
    crate::notify::event(tx, e).await?;
    Ok(())
}

/// A history line as stored: its reason is a kind and a text.
#[derive(sqlx::FromRow)]
struct HistoryLine {
    at: i64,
    lesson_date: String,
    student_name: String,
    old_value: String,
    new_value: String,
    reason_kind: String,
    reason: String,
    actor_name: String,
}

impl From<HistoryLine> for HistoryEntry {
    fn from(r: HistoryLine) -> Self {
        HistoryEntry {
            at: r.at,
            lesson_date: r.lesson_date,
            student_name: r.student_name,
            old_value: r.old_value,
            new_value: r.new_value,
            reason: Reason::from_stored(&r.reason_kind, r.reason),
            actor_name: r.actor_name,
        }
    }
}

pub async fn history(db: &Db, journal_id: i64) -> Result<Vec<HistoryEntry>, AppError> {
    let rows = sqlx::query_as::<_, HistoryLine>(
        "SELECT h.at, l.lesson_date, s.full_name AS student_name, h.old_value, h.new_value, h.reason_kind, h.reason, a.full_name AS actor_name
         FROM mark_history h JOIN lessons l ON l.id = h.lesson_id JOIN users s ON s.id = h.student_id JOIN users a ON a.id = h.actor_id
         WHERE h.journal_id = $1 ORDER BY h.at DESC, h.id DESC LIMIT 1000",
    )
    .bind(journal_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows.into_iter().map(HistoryEntry::from).collect())
}

/// One of a student's cells, with its lesson's day.
#[derive(sqlx::FromRow)]
struct MarkedDay {
    lesson_id: i64,
    lesson_date: String,
    mark: Option<i64>,
    attendance: Option<String>,
}

/// A student's cells in one journal as (lesson day, value), in lesson order, without the
/// lessons in `held_back` (an exam's mark its review options do not show the student yet).
pub async fn cells_of_student(
    db: &Db,
    journal_id: i64,
    student_id: i64,
    scale: Scale,
    held_back: &[i64],
) -> Result<Vec<(String, Cell)>, AppError> {
    let rows = sqlx::query_as::<_, MarkedDay>(
        "SELECT c.lesson_id, l.lesson_date, c.mark, c.attendance FROM journal_cells c JOIN lessons l ON l.id = c.lesson_id
                 WHERE l.journal_id = $1 AND c.student_id = $2 ORDER BY l.lesson_date, l.pair",
    )
    .bind(journal_id)
    .bind(student_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| !held_back.contains(&r.lesson_id))
        .map(|r| {
            let code = r.mark.map(|m| m.to_string()).or(r.attendance).unwrap_or_default();
            (r.lesson_date, Cell::from_store_code(scale, &code))
        })
        .collect())
}

/// Excused absences with an uploaded note, as (lesson, student).
pub async fn notes(db: &Db, journal_id: i64) -> Result<Vec<(i64, i64)>, AppError> {
    Ok(sqlx::query_as::<_, (i64, i64)>(
        "SELECT c.lesson_id, c.student_id FROM journal_cells c JOIN lessons l ON l.id = c.lesson_id
         WHERE l.journal_id = $1 AND c.excuse_media IS NOT NULL",
    )
    .bind(journal_id)
    .fetch_all(&db.pool)
    .await?)
}

/// The attendance code of a cell of the journal: None when the cell does not exist, Some(None)
/// when it holds a mark.
pub async fn attendance_of(db: &Db, journal_id: i64, lesson_id: i64, student_id: i64) -> Result<Option<Option<String>>, AppError> {
    Ok(sqlx::query_scalar(
        "SELECT c.attendance FROM journal_cells c JOIN lessons l ON l.id = c.lesson_id WHERE c.lesson_id = $1 AND c.student_id = $2 AND l.journal_id = $3",
    )
    .bind(lesson_id)
    .bind(student_id)
    .bind(journal_id)
    .fetch_optional(&db.pool)
    .await?)
}

/// Attaches the stored note (its media key) to the cell, replacing any earlier one.
pub async fn attach_excuse(tx: &mut Transaction<'_, Any>, lesson_id: i64, student_id: i64, key: &str) -> Result<(), AppError> {
    sqlx::query("UPDATE journal_cells SET excuse_media = $1 WHERE lesson_id = $2 AND student_id = $3")
        .bind(key)
        .bind(lesson_id)
        .bind(student_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Where a cell's excuse note is kept, and the journal, whose readers may fetch it.
#[derive(sqlx::FromRow)]
pub struct ExcuseNote {
    pub excuse_media: Option<String>,
    pub journal_id: i64,
}

pub async fn excuse_note(db: &Db, lesson_id: i64, student_id: i64) -> Result<Option<ExcuseNote>, AppError> {
    Ok(sqlx::query_as::<_, ExcuseNote>(
        "SELECT c.excuse_media, l.journal_id FROM journal_cells c JOIN lessons l ON l.id = c.lesson_id WHERE c.lesson_id = $1 AND c.student_id = $2",
    )
    .bind(lesson_id)
    .bind(student_id)
    .fetch_optional(&db.pool)
    .await?)
}
