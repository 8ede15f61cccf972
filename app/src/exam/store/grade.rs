//! A candidate's grade by the exam's method (`exam::attempts::grade`), written into the journal
//! whenever it may change: an attempt handed in (`hand_in`, set-based with the other hand-ins),
//! graded by the teacher (`exam::grading`), annulled or reinstated by a proctor's verdict
//! (`proctor_review::api`). Each goes through the journal's one cell-writing function with its own
//! history reason. Callers have checked who may do it.

use crate::db::Db;
use crate::error::AppError;
use crate::exam::attempts::{grade, Grade, Graded, GradingMethod};
use crate::journal::model::{Cell, Reason};
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// An attempt's columns the grade reads.
#[derive(sqlx::FromRow)]
pub(crate) struct GradedRow {
    pub id: i64,
    pub exam_id: i64,
    pub student_id: i64,
    pub attempt_no: i64,
    pub submitted_at: Option<i64>,
    pub verdict: String,
    pub needs_grading: i64,
    pub mark: Option<String>,
}

impl From<&GradedRow> for Graded {
    fn from(r: &GradedRow) -> Graded {
        Graded {
            attempt_no: r.attempt_no,
            submitted: r.submitted_at.is_some(),
            annulled: r.verdict == "annulled",
            needs_grading: r.needs_grading != 0,
            // Offline marks may hold an attendance code: no mark to grade by.
            mark: r.mark.as_deref().and_then(|m| m.parse().ok()),
        }
    }
}

pub(crate) const GRADED_COLUMNS: &str = "id, exam_id, student_id, attempt_no, submitted_at, verdict, needs_grading, mark";

/// The grades of candidates at exams, by (exam, candidate), from their attempts as they are in
/// this transaction: one statement for all of them.
pub(crate) async fn grades_of(
    tx: &mut Transaction<'_, Any>,
    wanted: &[(i64, i64, GradingMethod)],
) -> Result<HashMap<(i64, i64), Grade>, AppError> {
    if wanted.is_empty() {
        return Ok(HashMap::new());
    }
    let mut exams: Vec<i64> = wanted.iter().map(|w| w.0).collect();
    exams.sort_unstable();
    exams.dedup();
    let mut students: Vec<i64> = wanted.iter().map(|w| w.1).collect();
    students.sort_unstable();
    students.dedup();
    let sql = crate::db::batch::statement(
        &**tx,
        format!(
            "SELECT {GRADED_COLUMNS} FROM exam_attempts WHERE exam_id IN ({}) AND student_id IN ({})",
            crate::db::batch::placeholders(1, exams.len()),
            crate::db::batch::placeholders(1 + exams.len(), students.len())
        ),
    );
    let mut q = sqlx::query_as::<_, GradedRow>(&sql);
    for id in exams.iter().chain(&students) {
        q = q.bind(*id);
    }
    let mut attempts: HashMap<(i64, i64), Vec<Graded>> = HashMap::new();
    for r in q.fetch_all(&mut **tx).await? {
        attempts.entry((r.exam_id, r.student_id)).or_default().push((&r).into());
    }
    Ok(wanted
        .iter()
        .map(|&(exam, student, method)| ((exam, student), grade(method, attempts.get(&(exam, student)).map_or(&[][..], Vec::as_slice))))
        .collect())
}

/// The journal cell a grade makes: None while it waits for the teacher (the cell keeps what it
/// has), or when the mark is off the journal's scale.
pub(crate) fn cell_of(grade: Grade, scale: crate::journal::model::Scale) -> Option<Cell> {
    match grade {
        Grade::Waits => None,
        Grade::Empty => Some(Cell::Empty),
        Grade::Mark(m) => scale.mark(m).ok().map(Cell::Mark),
    }
}

/// Recomputes one candidate's grade at an exam and writes it on the exam's lesson (nothing if
/// the exam has none), with `reason` in the cell's history.
pub(crate) async fn regrade(
    tx: &mut Transaction<'_, Any>,
    db: &Db,
    exam_id: i64,
    student_id: i64,
    reason: Reason,
    actor_id: i64,
    at: i64,
) -> Result<(), AppError> {
    let (lesson_id, journal_id, method) =
        sqlx::query_as::<_, (Option<i64>, i64, String)>("SELECT lesson_id, journal_id, grading_method FROM exams WHERE id = $1")
            .bind(exam_id)
            .fetch_one(&mut **tx)
            .await?;
    let Some(lesson_id) = lesson_id else { return Ok(()) };
    let method = GradingMethod::from_code(&method).unwrap_or_default();
    let grades = grades_of(tx, &[(exam_id, student_id, method)]).await?;
    let j = crate::journal::store::journal(db, journal_id).await?;
    let Some(new) = grades.get(&(exam_id, student_id)).and_then(|g| cell_of(*g, j.scale)) else { return Ok(()) };
    let write = crate::journal::store::CellWrite { journal_id, scale: j.scale, lesson_id, student_id, new, reason, actor_id, at };
    crate::journal::store::write_cells(tx, &[write]).await
}
