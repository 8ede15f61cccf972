//! The start wave's writer: attempts started at the same moment are written together
//! (`db::batch`, group commit). When an exam or an olympiad stage opens, its candidates press
//! "Start" within seconds of each other; each start waits for its batch to commit, as it waited
//! for its own transaction before. `attempt::start` calls in after checking that the caller
//! sits the exam's group. Which attempt a start makes (the candidate's next, their open one
//! back, or none) is `exam::attempts::next_attempt`, decided here against the batch's reads.

use crate::db::batch::{placeholders, values_list, Batcher, Lanes};
use crate::db::Db;
use crate::error::AppError;
use crate::exam::attempts::{next_attempt, Made, NextAttempt};
use crate::i18n::Msg;
use std::collections::HashMap;

/// A start as `store::attempt::start` prepared it: the attempt's row, and what decides whether it may
/// be made, which this batch checks against the database as it is when the batch is written.
pub(crate) struct NewAttempt {
    pub exam_id: i64,
    pub student_id: i64,
    pub started_at: i64,
    /// The exam's duration; the deadline is the earlier of the start plus this (and the
    /// candidate's extra time) and the window's end (the candidate's own, if they have one).
    pub duration_ms: i64,
    /// The candidate's own sitting when the exam is scheduled, or why they have none.
    pub seat: Result<Option<(i64, i64)>, Msg>,
    /// Why the start is refused if the window lets it through (the device, the exam's form).
    pub refusal: Option<Msg>,
    /// The drawn paper, as stored (JSON).
    pub questions: String,
    pub ticket_id: Option<i64>,
    pub proctored: bool,
    pub paper_key: String,
    pub capture: &'static str,
    /// For the audit line.
    pub ip: String,
    pub group_id: i64,
}

/// What became of a start.
#[derive(Debug, PartialEq)]
pub(crate) enum Started {
    /// The attempt's id: a new one, or the one the candidate had already.
    Attempt(i64),
    Refused(Msg),
}

/// 256 rows of 11 values, well under SQLite's 32 766 bound parameters. Batches may commit in
/// any order (each holds its candidates' new rows; one candidate in two of them keeps the
/// attempt that committed first), so on PostgreSQL up to four are written side by side.
static STARTS: Batcher<NewAttempt, Started> =
    Batcher::with_lanes("exam starts", 256, Lanes::Writes(4), |db, rows| Box::pin(write(db, rows)));

/// Writes the candidate's next attempt, or finds the one they have open (a second tab, a retry
/// whose first try landed), and returns its id once the transaction that holds it has committed.
pub(crate) async fn insert(db: &Db, attempt: NewAttempt) -> Result<Started, AppError> {
    STARTS.write(db, attempt).await
}

/// Decides and writes the starts in one transaction and returns what became of each, in order.
/// A handful of statements whatever the batch's size: the attempts the candidates have already
/// and the exams' windows and attempts allowed (one read each), one multi-row insert of the
/// new attempts (numbered: two starts of one attempt number make one row), one
/// multi-row audit insert. At an exam's opening these are the only statements a start costs
/// besides its caller's session: one read per start was half the database's work of the wave.
async fn write(db: &Db, rows: &[NewAttempt]) -> Result<Vec<Started>, AppError> {
    let mut tx = db.begin().await?;
    let mut exams: Vec<i64> = rows.iter().map(|a| a.exam_id).collect();
    exams.sort_unstable();
    exams.dedup();
    let mut students: Vec<i64> = rows.iter().map(|a| a.student_id).collect();
    students.sort_unstable();
    students.dedup();
    let sql = crate::db::batch::statement(
        db,
        format!(
            "SELECT id, exam_id, student_id, attempt_no, submitted_at, verdict FROM exam_attempts WHERE exam_id IN ({}) AND student_id IN ({})",
            placeholders(1, exams.len()),
            placeholders(exams.len() + 1, students.len())
        ),
    );
    let mut q = sqlx::query_as::<_, (i64, i64, i64, i64, Option<i64>, String)>(&sql);
    for id in exams.iter().chain(&students) {
        q = q.bind(*id);
    }
    // Each candidate's last attempt, and whether any of theirs was annulled.
    let mut made: HashMap<(i64, i64), Made> = HashMap::new();
    for (id, exam_id, student_id, attempt_no, submitted_at, verdict) in q.fetch_all(&mut *tx).await? {
        let annulled = verdict == "annulled";
        let this = Made { last_id: id, last_no: attempt_no, last_closed: submitted_at.is_some(), annulled };
        made.entry((exam_id, student_id))
            .and_modify(|m| {
                let annulled = m.annulled || annulled;
                if attempt_no > m.last_no {
                    *m = this;
                }
                m.annulled = annulled;
            })
            .or_insert(this);
    }
    let sql = crate::db::batch::statement(
        db,
        format!(
            "SELECT id, opens_at, closes_at, attempts_allowed,
                    (SELECT COUNT(*) FROM exam_accommodations c WHERE c.exam_id = exams.id) AS accommodated
             FROM exams WHERE id IN ({})",
            placeholders(1, exams.len())
        ),
    );
    let mut q = sqlx::query_as::<_, (i64, i64, i64, i64, i64)>(&sql);
    for id in &exams {
        q = q.bind(*id);
    }
    let mut windows = HashMap::new();
    let mut accommodated = false;
    for (id, opens_at, closes_at, allowed, n) in q.fetch_all(&mut *tx).await? {
        windows.insert(id, (opens_at, closes_at, allowed));
        accommodated |= n > 0;
    }
    // Candidates with extra time or a window of their own: read only when the batch's exams
    // have any (most have none, and this is the start wave's path).
    let accommodations = if accommodated { super::accommodations::of_batch(&mut tx, db, &exams, &students).await? } else { HashMap::new() };
    // Each start's fate, and the rows to insert (with their deadlines) for those let through.
    let mut fate: Vec<Option<Started>> = Vec::with_capacity(rows.len());
    let mut fresh: Vec<(&NewAttempt, i64, i64)> = Vec::new();
    for a in rows {
        // An exam deleted since the request read it has no window: nothing to start.
        let Some(&(exam_opens, exam_closes, allowed)) = windows.get(&a.exam_id) else {
            return Err(AppError::NotFound);
        };
        let attempt_no = match next_attempt(made.get(&(a.exam_id, a.student_id)).copied(), allowed) {
            NextAttempt::Resume(id) => {
                fate.push(Some(Started::Attempt(id)));
                continue;
            }
            NextAttempt::Refused(m) => {
                fate.push(Some(Started::Refused(m)));
                continue;
            }
            NextAttempt::Start(n) => n,
        };
        let accommodation = accommodations.get(&(a.exam_id, a.student_id));
        // An own window replaces the exam's and the sitting's: the candidate sits apart.
        let own_window = accommodation.and_then(|c| c.opens_at.zip(c.closes_at));
        let (opens_at, closes_at) = match (own_window, a.seat) {
            (Some(own), _) => own,
            (None, Err(m)) => {
                fate.push(Some(Started::Refused(m)));
                continue;
            }
            (None, Ok(Some((start, end)))) => (start.max(exam_opens), end.min(exam_closes)),
            (None, Ok(None)) => (exam_opens, exam_closes),
        };
        let extra_ms = accommodation.map_or(0, |c| c.extra_min * 60_000);
        let refused = if a.started_at < opens_at {
            Some(Msg::ErrExamNotOpen)
        } else if a.started_at >= closes_at {
            Some(Msg::ErrExamClosed)
        } else {
            a.refusal
        };
        match refused {
            Some(m) => fate.push(Some(Started::Refused(m))),
            None => {
                fate.push(None);
                fresh.push((a, (a.started_at + a.duration_ms + extra_ms).min(closes_at), attempt_no));
            }
        }
    }
    let mut new_ids = HashMap::new();
    if !fresh.is_empty() {
        let sql = crate::db::batch::statement(db, format!(
            "INSERT INTO exam_attempts (exam_id, student_id, started_at, deadline_at, questions, ticket_id, proctored, paper_key, capture, last_seen_at, attempt_no)
             VALUES {} ON CONFLICT (exam_id, student_id, attempt_no) DO NOTHING RETURNING id, exam_id, student_id",
            values_list(fresh.len(), 11)
        ));
        let mut q = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
        for (a, deadline, attempt_no) in &fresh {
            q = q
                .bind(a.exam_id)
                .bind(a.student_id)
                .bind(a.started_at)
                .bind(*deadline)
                .bind(&a.questions)
                .bind(a.ticket_id)
                .bind(i64::from(a.proctored))
                .bind(&a.paper_key)
                .bind(a.capture)
                .bind(a.started_at) // the first "last seen"
                .bind(*attempt_no);
        }
        for (id, exam_id, student_id) in q.fetch_all(&mut *tx).await? {
            new_ids.insert((exam_id, student_id), id);
        }
    }
    // A candidate twice in this batch (two tabs) was inserted once and is in `new_ids` for
    // both (both rows make the same attempt number). One whose attempt of that number another
    // node or lane inserted after the read above keeps that one: read one by one, as it is rare.
    let mut audited = std::collections::HashSet::new();
    let mut audit: Vec<(i64, &NewAttempt, i64, i64)> = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    let mut deadlines = fresh.iter().map(|(_, d, n)| (*d, *n));
    for (a, fate) in rows.iter().zip(fate) {
        if let Some(decided) = fate {
            out.push(decided);
            continue;
        }
        let (deadline, attempt_no) = deadlines.next().ok_or(AppError::Internal)?;
        let id = match new_ids.get(&(a.exam_id, a.student_id)) {
            Some(&id) => {
                if audited.insert(id) {
                    audit.push((id, a, deadline, attempt_no));
                }
                id
            }
            None => {
                sqlx::query_scalar("SELECT id FROM exam_attempts WHERE exam_id = $1 AND student_id = $2 AND attempt_no = $3")
                    .bind(a.exam_id)
                    .bind(a.student_id)
                    .bind(attempt_no)
                    .fetch_one(&mut *tx)
                    .await?
            }
        };
        out.push(Started::Attempt(id));
    }
    if !audit.is_empty() {
        let entries: Vec<crate::audit::store::Entry> = audit
            .iter()
            .map(|(id, a, deadline, attempt_no)| crate::audit::store::Entry {
                actor_id: Some(a.student_id),
                ip: &a.ip,
                action: "exam.attempt.start",
                entity: "exam_attempt",
                entity_id: id.to_string(),
                org_id: Some(a.group_id),
                before: None,
                after: Some(serde_json::json!({ "exam": a.exam_id, "deadline": deadline, "capture": a.capture, "attempt_no": attempt_no })),
            })
            .collect();
        crate::audit::store::record_many(&mut tx, entries).await?;
    }
    tx.commit().await?;
    Ok(out)
}
