//! Hand-ins: an attempt closed by its candidate or by the server at its deadline, scored from
//! its saved answers and written with the other hand-ins of that moment (the attempt, its
//! answers' points, the proctoring it owed, the journal cell with its history, the audit line).
//! The candidate's own attempt is checked (`own_attempt`) before it is closed.

use super::attempt::{exam_context, ExamContext};
use super::{attempt_row, own_attempt, questions_of, saved_answers, AttemptRow, DEADLINE_GRACE_MS};
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use crate::exam::dto::AttemptBrief;
use crate::exam::model::{self, Answer};
use sqlx::{Any, Transaction};

pub async fn submit(db: &Db, caller: &Caller, attempt_id: i64, now: i64) -> Result<AttemptBrief, AppError> {
    let a = own_attempt(db, caller, attempt_id, now).await?;
    if a.submitted_at.is_none() {
        finalize_read(db, &a, now.min(a.deadline_at + DEADLINE_GRACE_MS), Some(caller)).await?;
    }
    Ok(attempt_row(db, attempt_id).await?.brief)
}

/// Scores an attempt from its saved answers, closes it and writes the mark into the journal on
/// the exam's lesson (with a history line), in one transaction. A second call changes nothing.
///
/// Everything is read and scored first; the writes go with the other hand-ins of that moment
/// (`HAND_INS`).
pub async fn finalize(db: &Db, attempt_id: i64, at: i64, caller: Option<&Caller>) -> Result<(), AppError> {
    finalize_read(db, &attempt_row(db, attempt_id).await?, at, caller).await
}

/// `finalize` of an attempt the caller has just read (a hand-in reads it to check whose it is).
async fn finalize_read(db: &Db, a: &AttemptRow, at: i64, caller: Option<&Caller>) -> Result<(), AppError> {
    if a.submitted_at.is_some() {
        return Ok(());
    }
    // The exam and its journal as the start read them (3-second cache): a hand-in wave reads
    // them 20 000 times in half a minute, and what scoring needs of them is fixed by then.
    let ctx = exam_context(db, a.exam_id).await?;
    let j = &*ctx.journal;
    let ids: Vec<i64> = a.paper.iter().map(|p| p.0).collect();
    let bank = questions_of(db, &ids).await?;
    let saved = saved_answers(db, a.id).await?;
    let mut total_milli: i64 = 0;
    let mut max_points: i64 = 0;
    let mut manual = false;
    let mut scored = Vec::new();
    for (id, seed) in &a.paper {
        let Some(q) = bank.get(id) else { continue };
        max_points += i64::from(q.points);
        let answer: Option<Answer> = saved.get(id).and_then(|s| serde_json::from_str(s).ok());
        if let Some(ans) = &answer {
            // The paper's seed: a calculated question is scored with this candidate's values.
            let s = model::score_paper(q, *seed, ans);
            manual |= s.needs_manual;
            let milli = (s.points_awarded * 1000.0).round() as i64;
            total_milli += milli;
            scored.push((*id, milli));
        }
    }
    // A ticket is graded by the teacher: no score, no mark until then.
    let on_ticket = a.ticket_id.is_some();
    manual |= on_ticket;
    let percent = if max_points > 0 { total_milli as f64 / 10.0 / max_points as f64 } else { 0.0 };
    let mark = match j.scale {
        crate::journal::model::Scale::FivePoint => j.scale.mark(model::percent_to_five(percent)).ok(),
        crate::journal::model::Scale::Hundred => j.scale.mark(model::percent_to_hundred(percent)).ok(),
    };
    let closing = Closing {
        attempt_id: a.id,
        student_id: a.student_id,
        at,
        by: caller.map(|c| (c.user_id, c.ip.clone())),
        ctx,
        on_ticket,
        total_milli,
        max_points,
        manual,
        mark,
        scored,
    };
    HAND_INS.write(db, closing).await
}

/// A hand-in scored and ready to be written.
struct Closing {
    attempt_id: i64,
    student_id: i64,
    at: i64,
    /// Who handed it in (user, address); None when the server closed it at the deadline.
    by: Option<(i64, String)>,
    ctx: ExamContext,
    on_ticket: bool,
    total_milli: i64,
    max_points: i64,
    manual: bool,
    mark: Option<crate::journal::model::Mark>,
    /// (question, points in thousandths) of every answered question.
    scored: Vec<(i64, i64)>,
}

/// Hand-ins that arrive together are written in one transaction. At the end of an exam its
/// candidates hand in within half a minute (20 000: some 700 a second), and each hand-in is
/// half a dozen writes (the attempt, its answers' points, the proctoring it owed, the journal
/// cell and its history, the audit row); one transaction each made them queue for SQLite's one
/// writer connection, passed from hand-in to hand-in (measured at 20 000: p99 7.8 s before,
/// 176 ms batched). 64 a batch keeps the writer from being held long by one batch. A batch is
/// written set-based (`close_attempts`: a handful of statements whatever its size); with one
/// statement per hand-in and table, PostgreSQL measured no faster batched than one
/// transaction per hand-in (p99 37 s), set-based 307 ms (BENCHMARKS.md).
static HAND_INS: crate::db::batch::Batcher<Closing, ()> =
    crate::db::batch::Batcher::new("hand-ins", 64, |db, rows| Box::pin(write_hand_ins(db, rows)));

async fn write_hand_ins(db: &Db, rows: &[Closing]) -> Result<Vec<()>, AppError> {
    let mut tx = db.begin().await?;
    close_attempts(&mut tx, rows).await?;
    tx.commit().await?;
    Ok(vec![(); rows.len()])
}

/// The hand-ins' writes, for the attempts no other request closed first: a handful of
/// statements whatever their number, one per table (the attempts, their answers' points, the
/// proctoring they owed, the journal cells with their history, the audit rows). One statement
/// per hand-in and table made a batch of 64 some 800 statements, each a round trip on
/// PostgreSQL while the batch's transaction stayed open (hand-in p99 37 s at 20 000).
async fn close_attempts(tx: &mut Transaction<'_, Any>, rows: &[Closing]) -> Result<(), AppError> {
    // In the attempts' order, as `seen` locks them: on PostgreSQL two transactions that lock
    // the same rows in one order cannot deadlock on them. An attempt handed in from two tabs
    // at once is closed by the first of them (the sort is stable).
    let mut order: Vec<&Closing> = rows.iter().collect();
    order.sort_by_key(|c| c.attempt_id);
    order.dedup_by_key(|c| c.attempt_id);
    let mut closed = std::collections::HashSet::new();
    for chunk in order.chunks(4_000) {
        let sql = crate::db::batch::statement(
            &**tx,
            format!(
                "UPDATE exam_attempts SET submitted_at = v.column2, score_milli = v.column3, max_points = v.column4,
                 needs_grading = v.column5, mark = v.column6
             FROM (VALUES {}) AS v WHERE exam_attempts.id = v.column1 AND exam_attempts.submitted_at IS NULL RETURNING id",
                crate::db::batch::values_list(chunk.len(), 6)
            ),
        );
        let mut q = sqlx::query_scalar::<_, i64>(&sql);
        for c in chunk {
            q = q
                .bind(c.attempt_id)
                .bind(c.at)
                .bind((!c.on_ticket).then_some(c.total_milli))
                .bind((!c.on_ticket).then_some(c.max_points))
                .bind(i64::from(c.manual))
                .bind(if c.manual { None } else { c.mark.map(|m| m.value().to_string()) });
        }
        closed.extend(q.fetch_all(&mut **tx).await?);
    }
    // Another request finished the others first.
    order.retain(|c| closed.contains(&c.attempt_id));
    if order.is_empty() {
        return Ok(());
    }
    // Every answered question's points.
    let points: Vec<(i64, i64, i64)> =
        order.iter().flat_map(|c| c.scored.iter().map(move |(question, milli)| (c.attempt_id, *question, *milli))).collect();
    for chunk in points.chunks(10_000) {
        let sql = crate::db::batch::statement(
            &**tx,
            format!(
                "UPDATE exam_answers SET points_milli = v.column3 FROM (VALUES {}) AS v
             WHERE exam_answers.attempt_id = v.column1 AND exam_answers.question_id = v.column2",
                crate::db::batch::values_list(chunk.len(), 3)
            ),
        );
        let mut q = sqlx::query(&sql);
        for (attempt, question, milli) in chunk {
            q = q.bind(*attempt).bind(*question).bind(*milli);
        }
        q.execute(&mut **tx).await?;
    }
    // What the attempts owed the proctoring and did not deliver is on their timelines from now
    // on, however they were sat (a browser enforces nothing the server does not check).
    let ended: Vec<(i64, i64)> = order.iter().map(|c| (c.attempt_id, c.at)).collect();
    crate::proctor::ingest::derive_missing_many(tx, &ended).await?;
    // The journal gets the candidate's grade. An exam of one attempt grades by the mark this
    // hand-in scored; one of several by its method over the candidate's attempts, read for the
    // whole batch in one statement (and only when the batch holds such an exam).
    let several: Vec<(i64, i64, crate::exam::attempts::GradingMethod)> = order
        .iter()
        .filter(|c| c.ctx.exam.attempts_allowed > 1 && c.ctx.exam.lesson_id.is_some())
        .map(|c| (c.ctx.exam.id, c.student_id, c.ctx.exam.grading_method))
        .collect();
    let grades = super::grade::grades_of(tx, &several).await?;
    let marks: Vec<crate::journal::store::CellWrite> = order
        .iter()
        .filter_map(|c| {
            let (e, j) = (&*c.ctx.exam, &*c.ctx.journal);
            let lesson = e.lesson_id?;
            let cell = if e.attempts_allowed > 1 {
                super::grade::cell_of(*grades.get(&(e.id, c.student_id))?, j.scale)?
            } else {
                match (c.mark, c.manual) {
                    (Some(m), false) => crate::journal::model::Cell::Mark(m),
                    _ => return None,
                }
            };
            Some(journal_mark(j, lesson, c.student_id, cell, &e.title, j.teacher_id, c.at))
        })
        .collect();
    crate::journal::store::write_cells(tx, &marks).await?;
    let audit = order
        .iter()
        .map(|c| crate::audit::store::Entry {
            actor_id: c.by.as_ref().map(|b| b.0),
            ip: c.by.as_ref().map_or("server", |b| b.1.as_str()),
            action: if c.by.is_some() { "exam.attempt.submit" } else { "exam.attempt.timeout" },
            entity: "exam_attempt",
            entity_id: c.attempt_id.to_string(),
            org_id: Some(c.ctx.journal.group_id),
            before: None,
            after: Some(serde_json::json!({ "score_milli": c.total_milli, "max_points": c.max_points, "mark": c.mark.map(|m| m.value()) })),
        })
        .collect();
    crate::audit::store::record_many(tx, audit).await
}

/// An exam's result as a write of the journal cell on the exam's lesson, with the exam as the
/// history line's reason (`journal::store::write_cells` writes nothing where the cell holds it already).
#[allow(clippy::too_many_arguments)]
pub(crate) fn journal_mark(
    j: &crate::journal::store::JournalRow,
    lesson_id: i64,
    student_id: i64,
    new: crate::journal::model::Cell,
    title: &str,
    actor_id: i64,
    at: i64,
) -> crate::journal::store::CellWrite {
    crate::journal::store::CellWrite {
        journal_id: j.id,
        scale: j.scale,
        lesson_id,
        student_id,
        new,
        reason: crate::journal::model::Reason::Exam(title.to_string()),
        actor_id,
        at,
    }
}

/// Closes every attempt whose time is up (run by the server every few seconds, so a candidate
/// who closed the tab still gets the answers they saved scored).
pub async fn finalize_expired(db: &Db, now: i64) -> Result<usize, AppError> {
    let ids: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, deadline_at FROM exam_attempts WHERE submitted_at IS NULL AND deadline_at < $1 LIMIT 500")
            .bind(now - DEADLINE_GRACE_MS)
            .fetch_all(&db.pool)
            .await?;
    finalize_all(db, &ids).await?;
    Ok(ids.len())
}

/// Closes the attempts (id, at) the server closes itself (a deadline passed, a stage collected),
/// all at once, so their writes go in a few batches (`HAND_INS`) instead of one after another.
/// Every attempt is tried; the first failure is returned after all of them. 256 at a time: a
/// stage's collection may close a hundred thousand, whose reads would otherwise all wait for a
/// database connection at once.
pub(crate) async fn finalize_all(db: &Db, attempts: &[(i64, i64)]) -> Result<(), AppError> {
    let mut first_failure = Ok(());
    for wave in attempts.chunks(256) {
        let mut closing = tokio::task::JoinSet::new();
        for &(id, at) in wave {
            let db = db.clone();
            closing.spawn(async move { finalize(&db, id, at, None).await });
        }
        while let Some(done) = closing.join_next().await {
            let done = done.map_err(|_| AppError::Internal).and_then(|r| r);
            if first_failure.is_ok() {
                first_failure = done;
            }
        }
    }
    first_failure
}
