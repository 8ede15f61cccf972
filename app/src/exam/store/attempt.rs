//! Attempts while they run: the start (the paper or ticket drawn, written with the start wave
//! in `starts`), the attempt as stored, the paper the candidate sees and the autosaved answers.
//! The candidate's own attempt is checked here (`own_attempt`) before anything of it is read
//! or written; server functions call in after checking who is signed in.

use super::{exam_row, exam_summary, finalize, ExamRow, DEADLINE_GRACE_MS};
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use crate::exam::attempts::{Made, NextAttempt};
use crate::exam::dto::*;
use crate::exam::model::{self, Answer, Question};
use crate::i18n::Msg;
use crate::proctor::settings::{Capture, ProctorMode};

/// A random seed from the OS (papers differ between candidates; the seed is stored so the
/// same candidate always sees the same paper).
fn fresh_seed() -> u64 {
    use rand::RngCore;
    rand::rngs::OsRng.next_u64() >> 11
}

/// A new attempt's secret that names its options (see [`option_ids`]): 256 random bits, hex.
fn fresh_paper_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The ids a paper gives the options of one of its questions: a keyed hash (SHA-256 over the
/// attempt's secret, the question and the option's side and index), 64 bits in hex. Derived
/// rather than stored, so a reload names them alike; opaque and different in every attempt,
/// so neither the original index (an ordering's items are stored in the correct order) nor
/// another candidate's answer can be read from them.
pub(crate) fn option_ids(paper_key: &str, question_id: i64, q: &Question) -> model::OptionIds {
    use sha2::{Digest, Sha256};
    let name = |side: &str, index: usize| {
        let mut h = Sha256::new();
        h.update(paper_key.as_bytes());
        h.update(format!("\n{question_id}\n{side}\n{index}").as_bytes());
        h.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    model::OptionIds {
        options: (0..crate::exam::gaps::named_options(q)).map(|i| name("option", i)).collect(),
        right: (0..q.right.len()).map(|i| name("right", i)).collect(),
    }
}

/// The questions of a test-form paper: N per topic from the teacher's bank, each with the seed
/// that shuffles its options.
fn draw_paper(bank: &[(i64, String)], e: &ExamRow) -> Result<Vec<(i64, u64)>, AppError> {
    let seed = fresh_seed();
    let drawn = model::draw(bank, &e.draw, seed).map_err(|_| AppError::Refused(Msg::ErrExamTopicShort))?;
    Ok(drawn.iter().map(|id| (*id, model::question_seed(seed, *id))).collect())
}

/// What every candidate's start and paper read alike: the exam, its journal and the question
/// bank its papers are drawn from.
#[derive(Clone)]
pub(super) struct ExamContext {
    pub(super) exam: std::sync::Arc<ExamRow>,
    pub(super) journal: std::sync::Arc<crate::journal::store::JournalRow>,
    bank: std::sync::Arc<Vec<(i64, String)>>,
    /// Whether the exam has sittings (then each candidate starts in their own seat's window).
    scheduled: bool,
}

/// Exam contexts read in the last few seconds. At a synchronised start thousands of candidates
/// start one exam within seconds (measured: 15 000 starts read the same three rows 15 000 times
/// each), and then load its papers every minute or so. Kept 3 s: an exam's times, settings and
/// bank are set before it opens, and a change in the last seconds reaches the requests after it
/// at most 3 s late on each node.
static EXAM_CONTEXTS: std::sync::LazyLock<crate::db::Recent<ExamContext>> =
    std::sync::LazyLock::new(|| crate::db::Recent::new(std::time::Duration::from_secs(3), 10_000));

pub(super) async fn exam_context(db: &Db, exam_id: i64) -> Result<ExamContext, AppError> {
    EXAM_CONTEXTS
        .get(db, exam_id, || async {
            let e = exam_row(db, exam_id).await?;
            let j = crate::journal::store::journal(db, e.journal_id).await?;
            let bank = if e.form == "test" {
                sqlx::query_as::<_, (i64, String)>(
                    "SELECT id, topic FROM exam_questions WHERE owner_id = $1 AND subject = $2 AND archived = 0",
                )
                .bind(j.teacher_id)
                .bind(&j.subject)
                .fetch_all(&db.pool)
                .await?
            } else {
                Vec::new()
            };
            let sittings: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM exam_sittings WHERE exam_id = $1").bind(exam_id).fetch_one(&db.pool).await?;
            Ok::<_, AppError>(ExamContext { exam: e.into(), journal: j.into(), bank: std::sync::Arc::new(bank), scheduled: sittings > 0 })
        })
        .await
}

/// After an exam's settings changed (`exam::manage::update_exam`): this node's starts and
/// papers read them at once (other nodes within the 3 s above).
pub(crate) fn forget_exam(db: &Db, exam_id: i64) {
    EXAM_CONTEXTS.forget(db, exam_id);
}

/// One of the exam's tickets, at random (EXM-3).
async fn draw_ticket(db: &Db, exam_id: i64) -> Result<i64, AppError> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM exam_tickets WHERE exam_id = $1 ORDER BY number").bind(exam_id).fetch_all(&db.pool).await?;
    if ids.is_empty() {
        return Err(AppError::Refused(Msg::ErrTicketsRequired));
    }
    Ok(ids[(fresh_seed() % ids.len() as u64) as usize])
}

/// The exam as its candidate sees it before starting (the device check page): with their
/// attempts so far, the grade they make, and what a start would do.
pub async fn before_start(db: &Db, caller: &Caller, exam_id: i64) -> Result<StartInfo, AppError> {
    let e = exam_row(db, exam_id).await?;
    let j = crate::journal::store::journal(db, e.journal_id).await?;
    if !crate::journal::store::is_student_of(db, j.group_id, caller.user_id).await? {
        return Err(AppError::Forbidden);
    }
    let retention_days: i64 = sqlx::query_scalar("SELECT retention_days FROM exams WHERE id = $1").bind(e.id).fetch_one(&db.pool).await?;
    let attempts = sqlx::query_as::<_, super::grade::GradedRow>(&format!(
        "SELECT {} FROM exam_attempts WHERE exam_id = $1 AND student_id = $2",
        super::grade::GRADED_COLUMNS
    ))
    .bind(e.id)
    .bind(caller.user_id)
    .fetch_all(&db.pool)
    .await?;
    let made = attempts.iter().fold(None::<Made>, |acc, a| {
        let this = Made { last_id: a.id, last_no: a.attempt_no, last_closed: a.submitted_at.is_some(), annulled: a.verdict == "annulled" };
        Some(match acc {
            Some(m) if m.last_no > a.attempt_no => Made { annulled: m.annulled || this.annulled, ..m },
            Some(m) => Made { annulled: m.annulled || this.annulled, ..this },
            None => this,
        })
    });
    let (attempt_id, next_attempt, no_start) = match crate::exam::attempts::next_attempt(made, e.attempts_allowed) {
        NextAttempt::Resume(id) => (Some(id), None, None),
        NextAttempt::Start(n) => (None, Some(n), None),
        NextAttempt::Refused(m) => (made.map(|m| m.last_id), None, Some(m)),
    };
    let accommodation = super::accommodations::of_candidate(db, e.id, caller.user_id).await?;
    let mut exam = exam_summary(db, e.id).await?.accommodated(accommodation.as_ref());
    exam.attempts_made = made.map_or(0, |m| m.last_no);
    let graded: Vec<crate::exam::attempts::Graded> = attempts.iter().map(Into::into).collect();
    exam.grade = crate::exam::attempts::grade(e.grading_method, &graded);
    Ok(StartInfo { exam, settings: e.settings, attempt_id, next_attempt, no_start, retention_days })
}

/// Starts the caller's next attempt, or returns the one open (a reload, a second tab, a second
/// click); refused when no other may be started (`exam::attempts::next_attempt`).
/// `capture` is what the device check ran with: the camera alone is refused where the exam asks
/// for a computer.
pub async fn start(db: &Db, caller: &Caller, exam_id: i64, capture: Capture, now: i64) -> Result<i64, AppError> {
    let ctx = exam_context(db, exam_id).await?;
    let (e, j) = (&*ctx.exam, &*ctx.journal);
    // The caller sits in the exam's group (a class's students, an olympiad variant's
    // participants: olympiad/stage/sitting.rs). Their grants were read from the database for this
    // request (`auth::ssr::resolve`), so they are as fresh as a query here would be.
    if !caller.grants.iter().any(|(role, org, _)| *org == j.group_id && role.sits_exams()) {
        return Err(AppError::Forbidden);
    }
    // A scheduled exam opens for each candidate at their own sitting, in their room.
    let seat = if ctx.scheduled {
        match super::schedule::seat_window(db, e.id, caller.user_id).await {
            Ok(seat) => Ok(seat),
            Err(AppError::Refused(m)) => Err(m),
            Err(other) => return Err(other),
        }
    } else {
        Ok(None)
    };
    // Without proctoring nothing is captured; with it, a camera-only sitting is the exam's choice.
    let capture = if e.proctored { capture } else { Capture::Screen };
    let mut refusal = None;
    if capture == Capture::Camera && e.settings.mode != ProctorMode::AnyDevice {
        refusal = Some(Msg::ErrExamNeedsComputer);
    }
    let (mut paper, mut ticket) = (Vec::new(), None);
    match (refusal, e.form.as_str()) {
        (Some(_), _) => {}
        (None, "offline") => refusal = Some(Msg::ErrExamOffline),
        (None, "ticket") => match draw_ticket(db, e.id).await {
            Ok(t) => ticket = Some(t),
            Err(AppError::Refused(m)) => refusal = Some(m),
            Err(other) => return Err(other),
        },
        (None, _) => match draw_paper(&ctx.bank, e) {
            Ok(p) => paper = p,
            Err(AppError::Refused(m)) => refusal = Some(m),
            Err(other) => return Err(other),
        },
    }
    // Written with the other starts of this moment (`starts`), which also looks up the attempt
    // the candidate may have already (a reload, a second tab: they get it back, whatever the
    // refusals above say) and the exam's window as it is now (closing a window takes effect at
    // once, on every node: the context above may be seconds old).
    let started = super::starts::insert(
        db,
        super::starts::NewAttempt {
            exam_id: e.id,
            student_id: caller.user_id,
            started_at: now,
            duration_ms: e.duration_min * 60_000,
            seat,
            refusal,
            questions: serde_json::to_string(&paper).map_err(|_| AppError::Internal)?,
            ticket_id: ticket,
            proctored: e.proctored,
            paper_key: fresh_paper_key(),
            capture: capture.code(),
            ip: caller.ip.clone(),
            group_id: j.group_id,
        },
    )
    .await?;
    match started {
        super::starts::Started::Attempt(id) => Ok(id),
        super::starts::Started::Refused(m) => Err(AppError::Refused(m)),
    }
}

pub(crate) struct AttemptRow {
    pub(crate) id: i64,
    pub(crate) exam_id: i64,
    pub(crate) student_id: i64,
    pub(crate) deadline_at: i64,
    pub(crate) submitted_at: Option<i64>,
    pub(crate) paper: Vec<(i64, u64)>,
    /// The secret the paper's option ids are derived from.
    pub(crate) paper_key: String,
    pub(crate) ticket_id: Option<i64>,
    pub(crate) grader_comment: String,
    /// What the attempt's proctoring captures (fixed at its start).
    pub(crate) capture: Capture,
    pub(crate) brief: AttemptBrief,
}

/// An attempt whose files the caller may read: their own, or one of an exam of a journal
/// they keep or read (its teachers grade it, readers look).
pub(crate) async fn readable_attempt(db: &Db, caller: &Caller, attempt_id: i64) -> Result<AttemptRow, AppError> {
    let a = attempt_row(db, attempt_id).await?;
    if a.student_id != caller.user_id {
        let e = exam_row(db, a.exam_id).await?;
        crate::journal::store::access(db, caller, e.journal_id).await?;
    }
    Ok(a)
}

/// An attempt as stored; `AttemptRow` is what the code works with.
#[derive(sqlx::FromRow)]
struct AttemptRecord {
    id: i64,
    exam_id: i64,
    student_id: i64,
    deadline_at: i64,
    submitted_at: Option<i64>,
    /// The paper: (question, seed) pairs as JSON.
    questions: String,
    score_milli: Option<i64>,
    max_points: Option<i64>,
    mark: Option<String>,
    verdict: String,
    ticket_id: Option<i64>,
    grader_comment: String,
    needs_grading: i64,
    paper_key: Option<String>,
    capture: String,
    appealed: i64,
}

impl From<AttemptRecord> for AttemptRow {
    fn from(r: AttemptRecord) -> AttemptRow {
        let paper = r.questions;
        AttemptRow {
            id: r.id,
            exam_id: r.exam_id,
            student_id: r.student_id,
            deadline_at: r.deadline_at,
            submitted_at: r.submitted_at,
            // Attempts started before papers had a key of their own: their stored seeds are the
            // secret (random, never sent), so their saved answers keep working.
            paper_key: r.paper_key.unwrap_or_else(|| format!("seeds:{paper}")),
            paper: serde_json::from_str(&paper).unwrap_or_default(),
            ticket_id: r.ticket_id,
            grader_comment: r.grader_comment,
            capture: Capture::from_code(&r.capture),
            brief: AttemptBrief {
                id: r.id,
                submitted: r.submitted_at.is_some(),
                score: r.score_milli.map(|m| m as f64 / 1000.0),
                max_points: r.max_points,
                mark: r.mark,
                verdict: r.verdict,
                appealed: r.appealed > 0,
                needs_grading: r.needs_grading != 0,
            },
        }
    }
}

pub(crate) async fn attempt_row(db: &Db, attempt_id: i64) -> Result<AttemptRow, AppError> {
    let r = sqlx::query_as::<_, AttemptRecord>(
        "SELECT a.id, a.exam_id, a.student_id, a.deadline_at, a.submitted_at, a.questions, a.score_milli, a.max_points, a.mark, a.verdict,
                a.ticket_id, a.grader_comment, a.needs_grading, a.paper_key, a.capture, (SELECT COUNT(*) FROM proctor_appeals p WHERE p.attempt_id = a.id) AS appealed
         FROM exam_attempts a WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(r.into())
}

/// The caller's own attempt; finishes it first if its time is up (the timer is the server's).
pub(crate) async fn own_attempt(db: &Db, caller: &Caller, attempt_id: i64, now: i64) -> Result<AttemptRow, AppError> {
    let a = attempt_row(db, attempt_id).await?;
    if a.student_id != caller.user_id {
        return Err(AppError::Forbidden);
    }
    if a.submitted_at.is_none() && now > a.deadline_at + DEADLINE_GRACE_MS {
        finalize(db, a.id, a.deadline_at, None).await?;
        return attempt_row(db, attempt_id).await;
    }
    Ok(a)
}

/// Questions read in the last few seconds: 20 000 candidates' papers and answers come from one
/// bank of a few dozen questions. Kept 3 s, like the exam itself.
static QUESTIONS: std::sync::LazyLock<crate::db::Recent<Question>> =
    std::sync::LazyLock::new(|| crate::db::Recent::new(std::time::Duration::from_secs(3), 100_000));

/// After a bank changed (a question edited into a new version): this node's next starts of
/// these exams draw from the bank as it now is, not from the version just archived.
pub(crate) fn forget_exam_contexts(db: &Db, exam_ids: &[i64]) {
    for &id in exam_ids {
        EXAM_CONTEXTS.forget(db, id);
    }
}

/// The questions of a paper, in one statement per 500 (a paper used to be read one question a
/// statement: 20 statements for each paper load and each hand-in; measured in the exam-day
/// bench, it kept PostgreSQL busiest of all during the hand-in).
pub(crate) async fn questions_of(db: &Db, ids: &[i64]) -> Result<std::collections::HashMap<i64, Question>, AppError> {
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    let missing: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| match QUESTIONS.peek(db, *id) {
            Some(q) => {
                out.insert(*id, q);
                false
            }
            None => true,
        })
        .collect();
    for chunk in missing.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT id, body FROM exam_questions WHERE id IN ({})", marks.join(","));
        let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for (id, body) in q.fetch_all(&db.pool).await? {
            let question: Question = serde_json::from_str(&body).map_err(|_| AppError::Internal)?;
            QUESTIONS.put(db, id, question.clone());
            out.insert(id, question);
        }
    }
    Ok(out)
}

pub(crate) async fn saved_answers(db: &Db, attempt_id: i64) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let rows = sqlx::query_as::<_, (i64, String)>("SELECT question_id, answer FROM exam_answers WHERE attempt_id = $1")
        .bind(attempt_id)
        .fetch_all(&db.pool)
        .await?;
    Ok(rows.into_iter().collect())
}

pub async fn attempt_view(db: &Db, caller: &Caller, attempt_id: i64, now: i64) -> Result<AttemptView, AppError> {
    let a = own_attempt(db, caller, attempt_id, now).await?;
    let ctx = exam_context(db, a.exam_id).await?;
    let e = &*ctx.exam;
    let submitted = a.submitted_at.is_some();
    let mut questions = Vec::new();
    if !submitted {
        let ids: Vec<i64> = a.paper.iter().map(|p| p.0).collect();
        let bank = questions_of(db, &ids).await?;
        let saved = saved_answers(db, a.id).await?;
        for (i, (id, seed)) in a.paper.iter().enumerate() {
            let Some(q) = bank.get(id) else { continue };
            let p = model::present(q, *seed);
            let ids = option_ids(&a.paper_key, *id, q);
            let named = |list: &[String], order: &[usize], texts: &[String]| -> Vec<(String, String)> {
                order.iter().zip(texts).filter_map(|(&i, text)| Some((list.get(i)?.clone(), text.clone()))).collect()
            };
            // Saved answers are kept in original indexes; the page gets them in this paper's ids.
            let answer = saved
                .get(id)
                .and_then(|s| serde_json::from_str::<Answer>(s).ok())
                .and_then(|ans| serde_json::to_string(&model::PaperAnswer::of(&ans, &ids)).ok());
            questions.push(PaperQuestion {
                question_id: *id,
                number: i + 1,
                kind: q.kind.code().to_string(),
                text: p.text.clone(),
                options: named(&ids.options, &p.order, &p.options),
                right: named(&ids.right, &p.right_order, &p.right),
                points: q.points,
                picture: q.image.as_deref().map(|k| crate::exam::model::paper_picture_url(a.id, *id, k)),
                saved: answer,
                gaps: PaperGap::of(&p.gaps, &ids.options),
                pieces: p.pieces,
                unit: p.unit.clone(),
                units: p.units,
            });
        }
    }
    let ticket = match a.ticket_id {
        Some(tid) => Some(super::tickets::paper(db, a.id, tid).await?),
        None => None,
    };
    Ok(AttemptView {
        id: a.id,
        exam_id: e.id,
        exam_title: e.title.clone(),
        deadline_at: a.deadline_at,
        server_now: now,
        submitted,
        proctored: e.proctored,
        settings: e.settings.for_capture(a.capture),
        questions,
        result: submitted.then_some(a.brief),
        form: e.form.clone(),
        ticket,
        grader_comment: a.grader_comment,
    })
}

pub async fn save_answer(
    db: &Db,
    caller: &Caller,
    attempt_id: i64,
    question_id: i64,
    raw: &str,
    now: i64,
) -> Result<SavedAnswer, AppError> {
    let a = own_attempt(db, caller, attempt_id, now).await?;
    if a.submitted_at.is_some() {
        return Err(AppError::Refused(Msg::ErrTimeUp));
    }
    let on_ticket = a.ticket_id.is_some() && question_id == crate::exam::model::TICKET_ANSWER;
    if !on_ticket && !a.paper.iter().any(|p| p.0 == question_id) {
        return Err(AppError::NotFound);
    }
    if raw.len() > 60_000 {
        return Err(AppError::field("answer", Msg::ErrTooLong));
    }
    let sent: model::PaperAnswer = serde_json::from_str(raw).map_err(|_| AppError::BadRequest)?;
    let answer = match sent {
        model::PaperAnswer::Text(text) => Answer::Text(text),
        _ if on_ticket => return Err(AppError::BadRequest),
        sent => {
            // Options come named by this paper's ids; stored and scored by original index.
            let q = questions_of(db, &[question_id]).await?.remove(&question_id).ok_or(AppError::NotFound)?;
            let answer = sent.resolve(&option_ids(&a.paper_key, question_id, &q)).ok_or(AppError::BadRequest)?;
            // A gap's pick must be one of the options that gap offers.
            if let Answer::Gaps(gaps) = &answer {
                if !crate::exam::gaps::fits(&q, gaps) {
                    return Err(AppError::BadRequest);
                }
            }
            answer
        }
    };
    let answer = serde_json::to_string(&answer).map_err(|_| AppError::Internal)?;
    // Written with the other autosaves of this moment (group commit, `db::batch`); acknowledged
    // once committed.
    let touch = crate::proctor::store::seen::SEEN.due(db, a.id);
    ANSWERS.write(db, NewAnswer { attempt_id: a.id, question_id, answer, saved_at: now, touch }).await?;
    Ok(SavedAnswer { question_id, saved_at: now, deadline_at: a.deadline_at })
}

/// An autosave the server accepted: the answer as stored (original option indexes).
struct NewAnswer {
    attempt_id: i64,
    question_id: i64,
    answer: String,
    saved_at: i64,
    /// Also write the attempt's "last seen" (at most every 10 s per attempt: `seen::SEEN`).
    touch: bool,
}

/// 20 000 candidates autosave about 700 times a second. 512 rows of 4 values a batch.
static ANSWERS: crate::db::batch::Batcher<NewAnswer, ()> =
    crate::db::batch::Batcher::new("answers", 512, |db, rows| Box::pin(write_answers(db, rows)));

/// The batch's answers in one upsert and its "last seen" times in one update. A question saved
/// twice in one batch (typing, a retry) is written once, with the later value: the order in
/// which the saves reached the server, as when each had its own transaction.
async fn write_answers(db: &Db, rows: &[NewAnswer]) -> Result<Vec<()>, AppError> {
    let mut latest: Vec<&NewAnswer> = Vec::with_capacity(rows.len());
    for r in rows {
        match latest.iter_mut().find(|l| l.attempt_id == r.attempt_id && l.question_id == r.question_id) {
            Some(l) => *l = r,
            None => latest.push(r),
        }
    }
    let mut tx = db.begin().await?;
    let sql = crate::db::batch::statement(
        db,
        format!(
            "INSERT INTO exam_answers (attempt_id, question_id, answer, saved_at) VALUES {}
         ON CONFLICT (attempt_id, question_id) DO UPDATE SET answer = excluded.answer, saved_at = excluded.saved_at",
            crate::db::batch::values_list(latest.len(), 4)
        ),
    );
    let mut q = sqlx::query(&sql);
    for r in &latest {
        q = q.bind(r.attempt_id).bind(r.question_id).bind(&r.answer).bind(r.saved_at);
    }
    q.execute(&mut *tx).await?;
    let touched: Vec<(i64, i64)> = rows.iter().filter(|r| r.touch).map(|r| (r.attempt_id, r.saved_at)).collect();
    crate::proctor::store::seen::seen(&mut tx, &touched).await?;
    tx.commit().await?;
    Ok(vec![(); rows.len()])
}
