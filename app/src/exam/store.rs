//! Every SQL statement of exams, and the rules of an attempt: the window, one attempt per
//! candidate, the server's deadline, autosave, scoring and the mark in the journal.

use super::dto::*;
use super::model::{self, Answer, Question};
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::proctor::settings::{Capture, ProctorMode};
use sqlx::{Any, Row, Transaction};

/// Answers reaching the server this long after the deadline are still taken: they were given
/// in time and were in flight (the page stops accepting input at the deadline itself).
pub const DEADLINE_GRACE_MS: i64 = 15_000;

fn summary(r: &sqlx::any::AnyRow) -> Result<ExamSummary, AppError> {
    let draw: String = r.try_get("draw")?;
    let plan: Vec<(String, u32)> = serde_json::from_str(&draw).unwrap_or_default();
    Ok(ExamSummary {
        id: r.try_get("id")?,
        journal_id: r.try_get("journal_id")?,
        title: r.try_get("title")?,
        subject: r.try_get("subject")?,
        group_name: r.try_get("group_name")?,
        form: r.try_get("form")?,
        opens_at: r.try_get("opens_at")?,
        closes_at: r.try_get("closes_at")?,
        duration_min: r.try_get("duration_min")?,
        proctored: r.try_get::<i64, _>("proctored")? != 0,
        allow_unproctored: r.try_get::<i64, _>("allow_unproctored")? != 0,
        proctor_mode: ProctorMode::from_code(&r.try_get::<String, _>("proctor_mode")?).unwrap_or_default(),
        questions: plan.iter().map(|(_, n)| i64::from(*n)).sum(),
        attempt: None,
        started: 0,
        submitted: 0,
    })
}

const EXAM_COLUMNS: &str =
    "e.id, e.journal_id, e.title, e.form, e.opens_at, e.closes_at, e.duration_min, e.proctored, e.allow_unproctored, e.draw,
     e.proctor_mode, j.subject, o.name AS group_name";

/// Exams of the groups the user studies in (or sits an olympiad variant of), with the user's attempt.
pub async fn sitting(db: &Db, user_id: i64) -> Result<Vec<ExamSummary>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {EXAM_COLUMNS}, a.id AS attempt_id, a.submitted_at, a.score_milli, a.max_points, a.mark, a.verdict, a.needs_grading,
                (SELECT COUNT(*) FROM proctor_appeals p WHERE p.attempt_id = a.id) AS appealed
         FROM exams e JOIN journals j ON j.id = e.journal_id JOIN organisations o ON o.id = j.group_id
         JOIN role_assignments ra ON ra.org_id = j.group_id AND ra.role IN ('student', 'olympiad_participant') AND ra.user_id = $1
         LEFT JOIN exam_attempts a ON a.exam_id = e.id AND a.student_id = $1
         ORDER BY e.opens_at DESC, e.id DESC"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let mut s = summary(r)?;
        if let Some(id) = r.try_get::<Option<i64>, _>("attempt_id")? {
            s.attempt = Some(AttemptBrief {
                id,
                submitted: r.try_get::<Option<i64>, _>("submitted_at")?.is_some(),
                score: r.try_get::<Option<i64>, _>("score_milli")?.map(|m| m as f64 / 1000.0),
                max_points: r.try_get("max_points")?,
                mark: r.try_get("mark")?,
                verdict: r.try_get("verdict")?,
                appealed: r.try_get::<i64, _>("appealed")? > 0,
                needs_grading: r.try_get::<Option<i64>, _>("needs_grading")?.unwrap_or(0) != 0,
            });
        }
        out.push(s);
    }
    Ok(out)
}

/// Refuses unless the caller may keep a question bank: teachers, and olympiad operators (the
/// olympiad's papers are drawn from the bank of the operator who prepared the stage).
pub fn may_keep_bank(caller: &Caller) -> Result<(), AppError> {
    use crate::auth::model::Permission;
    if caller.has_anywhere(Permission::JournalKeep) || caller.has_anywhere(Permission::OlympiadOperate) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Exams of the journals the user keeps, with attempt counts.
pub async fn teaching(db: &Db, user_id: i64) -> Result<Vec<ExamSummary>, AppError> {
    let rows = sqlx::query(&format!(
        "SELECT {EXAM_COLUMNS},
                (SELECT COUNT(*) FROM exam_attempts a WHERE a.exam_id = e.id) AS started,
                (SELECT COUNT(*) FROM exam_attempts a WHERE a.exam_id = e.id AND a.submitted_at IS NOT NULL) AS submitted
         FROM exams e JOIN journals j ON j.id = e.journal_id JOIN organisations o ON o.id = j.group_id
         WHERE j.teacher_id = $1 ORDER BY e.opens_at DESC, e.id DESC"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let mut s = summary(r)?;
            s.started = r.try_get("started")?;
            s.submitted = r.try_get("submitted")?;
            Ok(s)
        })
        .collect()
}

/// One exam's summary by id.
pub async fn exam_summary(db: &Db, exam_id: i64) -> Result<ExamSummary, AppError> {
    let r = sqlx::query(&format!(
        "SELECT {EXAM_COLUMNS} FROM exams e JOIN journals j ON j.id = e.journal_id JOIN organisations o ON o.id = j.group_id WHERE e.id = $1"
    ))
    .bind(exam_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    summary(&r)
}

/// The journals a teacher keeps, with the lessons a mark can land on and the bank's topics.
pub async fn journal_choices(db: &Db, user_id: i64) -> Result<Vec<JournalChoice>, AppError> {
    let rows = sqlx::query("SELECT id, title, subject FROM journals WHERE teacher_id = $1 ORDER BY title, id")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let id: i64 = r.try_get("id")?;
        let subject: String = r.try_get("subject")?;
        let lessons = sqlx::query(
            "SELECT id, lesson_date, topic FROM lessons WHERE journal_id = $1 AND lesson_type IN ('exam', 'attestation') ORDER BY lesson_date, pair",
        )
        .bind(id)
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|l| {
            let date: String = l.try_get("lesson_date")?;
            let topic: String = l.try_get("topic")?;
            Ok((l.try_get("id")?, format!("{} · {}", crate::journal::pages::dotted(&date), topic)))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
        out.push(JournalChoice { id, title: r.try_get("title")?, topics: topic_counts(db, user_id, &subject).await?, subject, lessons });
    }
    Ok(out)
}

pub async fn teaches_subject(db: &Db, user_id: i64, subject: &str) -> Result<bool, AppError> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM journals WHERE teacher_id = $1 AND subject = $2")
        .bind(user_id)
        .bind(subject)
        .fetch_one(&db.pool)
        .await?;
    Ok(n > 0 && !subject.is_empty())
}

pub async fn topic_counts(db: &Db, owner_id: i64, subject: &str) -> Result<Vec<(String, i64)>, AppError> {
    let rows = sqlx::query(
        "SELECT topic, COUNT(*) AS n FROM exam_questions WHERE owner_id = $1 AND subject = $2 AND archived = 0 GROUP BY topic ORDER BY topic",
    )
    .bind(owner_id)
    .bind(subject)
    .fetch_all(&db.pool)
    .await?;
    rows.iter().map(|r| Ok((r.try_get("topic")?, r.try_get("n")?))).collect()
}

pub async fn bank(db: &Db, owner_id: i64, subject: &str) -> Result<Vec<BankQuestion>, AppError> {
    let rows = sqlx::query(
        "SELECT id, subject, topic, kind, body FROM exam_questions WHERE owner_id = $1 AND subject = $2 AND archived = 0 ORDER BY topic, id",
    )
    .bind(owner_id)
    .bind(subject)
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            let body: String = r.try_get("body")?;
            let q: Question = serde_json::from_str(&body).map_err(|_| AppError::Internal)?;
            let id: i64 = r.try_get("id")?;
            Ok(BankQuestion {
                id,
                subject: r.try_get("subject")?,
                topic: r.try_get("topic")?,
                kind: r.try_get("kind")?,
                text: q.text.clone(),
                points: q.points,
                picture: q.image.as_deref().map(|k| super::model::bank_picture_url(id, k)),
            })
        })
        .collect()
}

pub async fn insert_question(tx: &mut Transaction<'_, Any>, owner_id: i64, subject: &str, q: &Question, now: i64) -> Result<i64, AppError> {
    let body = serde_json::to_string(q).map_err(|_| AppError::Internal)?;
    Ok(sqlx::query_scalar(
        "INSERT INTO exam_questions (owner_id, subject, topic, kind, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(owner_id)
    .bind(subject)
    .bind(q.topic.trim())
    .bind(q.kind.code())
    .bind(body)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?)
}

/// "Topic: 3" lines -> [(topic, 3)]; every line needs a topic and a count of 1..100.
pub fn parse_draw(text: &str) -> Result<Vec<(String, u32)>, Msg> {
    let mut plan: Vec<(String, u32)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (topic, n) = line.rsplit_once(':').ok_or(Msg::ErrExamDraw)?;
        let topic = topic.trim();
        let n: u32 = n.trim().parse().map_err(|_| Msg::ErrExamDraw)?;
        if topic.is_empty() || !(1..=100).contains(&n) {
            return Err(Msg::ErrExamDraw);
        }
        match plan.iter_mut().find(|(t, _)| t == topic) {
            Some(p) => p.1 += n,
            None => plan.push((topic.to_string(), n)),
        }
    }
    if plan.is_empty() {
        return Err(Msg::ErrRequired);
    }
    Ok(plan)
}

/// The exam as an attempt needs it.
#[derive(Clone)]
pub(crate) struct ExamRow {
    pub(crate) id: i64,
    /// "test", "ticket" or "offline".
    pub(crate) form: String,
    pub(crate) journal_id: i64,
    pub(crate) lesson_id: Option<i64>,
    pub(crate) title: String,
    duration_min: i64,
    draw: Vec<(String, u32)>,
    proctored: bool,
    pub(crate) settings: crate::proctor::settings::ProctorSettings,
}

pub(crate) async fn exam_row(db: &Db, exam_id: i64) -> Result<ExamRow, AppError> {
    let r = sqlx::query(
        "SELECT id, form, journal_id, lesson_id, title, duration_min, draw, proctored, allow_unproctored,
                snapshot_interval_s, screen_interval_s, proctor_mode FROM exams WHERE id = $1",
    )
    .bind(exam_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let draw: String = r.try_get("draw")?;
    let proctored = r.try_get::<i64, _>("proctored")? != 0;
    Ok(ExamRow {
        id: r.try_get("id")?,
        form: r.try_get("form")?,
        journal_id: r.try_get("journal_id")?,
        lesson_id: r.try_get("lesson_id")?,
        title: r.try_get("title")?,
        duration_min: r.try_get("duration_min")?,
        draw: serde_json::from_str(&draw).unwrap_or_default(),
        proctored,
        settings: crate::proctor::settings::ProctorSettings::from_row(&r)?,
    })
}

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
        options: (0..q.options.len()).map(|i| name("option", i)).collect(),
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
struct ExamContext {
    exam: std::sync::Arc<ExamRow>,
    journal: std::sync::Arc<crate::journal::store::JournalRow>,
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

async fn exam_context(db: &Db, exam_id: i64) -> Result<ExamContext, AppError> {
    EXAM_CONTEXTS
        .get(db, exam_id, || async {
            let e = exam_row(db, exam_id).await?;
            let j = crate::journal::store::journal(db, e.journal_id).await?;
            let bank = if e.form == "test" {
                sqlx::query("SELECT id, topic FROM exam_questions WHERE owner_id = $1 AND subject = $2 AND archived = 0")
                    .bind(j.teacher_id)
                    .bind(&j.subject)
                    .fetch_all(&db.pool)
                    .await?
                    .iter()
                    .map(|r| Ok((r.try_get("id")?, r.try_get("topic")?)))
                    .collect::<Result<_, AppError>>()?
            } else {
                Vec::new()
            };
            let sittings: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM exam_sittings WHERE exam_id = $1").bind(exam_id).fetch_one(&db.pool).await?;
            Ok::<_, AppError>(ExamContext { exam: e.into(), journal: j.into(), bank: std::sync::Arc::new(bank), scheduled: sittings > 0 })
        })
        .await
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

/// The exam as its candidate sees it before starting (the device check page).
pub async fn before_start(db: &Db, caller: &Caller, exam_id: i64) -> Result<StartInfo, AppError> {
    let e = exam_row(db, exam_id).await?;
    let j = crate::journal::store::journal(db, e.journal_id).await?;
    if !crate::journal::store::is_student_of(db, j.group_id, caller.user_id).await? {
        return Err(AppError::Forbidden);
    }
    let r = sqlx::query(
        "SELECT e.retention_days, (SELECT a.id FROM exam_attempts a WHERE a.exam_id = e.id AND a.student_id = $2) AS attempt_id
         FROM exams e WHERE e.id = $1",
    )
    .bind(e.id)
    .bind(caller.user_id)
    .fetch_one(&db.pool)
    .await?;
    Ok(StartInfo {
        exam: exam_summary(db, e.id).await?,
        settings: e.settings,
        attempt_id: r.try_get("attempt_id")?,
        retention_days: r.try_get("retention_days")?,
    })
}

/// Starts the caller's attempt, or returns the one already started (a reload, a second tab).
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
        match super::schedule::ssr::seat_window(db, e.id, caller.user_id).await {
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

pub(crate) async fn attempt_row(db: &Db, attempt_id: i64) -> Result<AttemptRow, AppError> {
    let r = sqlx::query(
        "SELECT a.id, a.exam_id, a.student_id, a.deadline_at, a.submitted_at, a.questions, a.score_milli, a.max_points, a.mark, a.verdict,
                a.ticket_id, a.grader_comment, a.needs_grading, a.paper_key, a.capture, (SELECT COUNT(*) FROM proctor_appeals p WHERE p.attempt_id = a.id) AS appealed
         FROM exam_attempts a WHERE a.id = $1",
    )
    .bind(attempt_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let paper: String = r.try_get("questions")?;
    let submitted_at: Option<i64> = r.try_get("submitted_at")?;
    let id = r.try_get("id")?;
    Ok(AttemptRow {
        id,
        exam_id: r.try_get("exam_id")?,
        student_id: r.try_get("student_id")?,
        deadline_at: r.try_get("deadline_at")?,
        submitted_at,
        // Attempts started before papers had a key of their own: their stored seeds are the
        // secret (random, never sent), so their saved answers keep working.
        paper_key: r.try_get::<Option<String>, _>("paper_key")?.unwrap_or_else(|| format!("seeds:{paper}")),
        paper: serde_json::from_str(&paper).unwrap_or_default(),
        ticket_id: r.try_get("ticket_id")?,
        grader_comment: r.try_get("grader_comment")?,
        capture: Capture::from_code(&r.try_get::<String, _>("capture")?),
        brief: AttemptBrief {
            id,
            submitted: submitted_at.is_some(),
            score: r.try_get::<Option<i64>, _>("score_milli")?.map(|m| m as f64 / 1000.0),
            max_points: r.try_get("max_points")?,
            mark: r.try_get("mark")?,
            verdict: r.try_get("verdict")?,
            appealed: r.try_get::<i64, _>("appealed")? > 0,
            needs_grading: r.try_get::<i64, _>("needs_grading")? != 0,
        },
    })
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

/// After a question's body changed (a picture attached or removed): this node's papers show it
/// at once.
pub(crate) fn forget_question(db: &Db, question_id: i64) {
    QUESTIONS.forget(db, question_id);
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
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for r in q.fetch_all(&db.pool).await? {
            let body: String = r.try_get("body")?;
            let (id, question): (i64, Question) = (r.try_get("id")?, serde_json::from_str(&body).map_err(|_| AppError::Internal)?);
            QUESTIONS.put(db, id, question.clone());
            out.insert(id, question);
        }
    }
    Ok(out)
}

pub(crate) async fn saved_answers(db: &Db, attempt_id: i64) -> Result<std::collections::HashMap<i64, String>, AppError> {
    let rows =
        sqlx::query("SELECT question_id, answer FROM exam_answers WHERE attempt_id = $1").bind(attempt_id).fetch_all(&db.pool).await?;
    rows.iter().map(|r| Ok((r.try_get("question_id")?, r.try_get("answer")?))).collect()
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
                picture: q.image.as_deref().map(|k| super::model::paper_picture_url(a.id, *id, k)),
                saved: answer,
            });
        }
    }
    let ticket = match a.ticket_id {
        Some(tid) => Some(super::ticket_store::paper(db, a.id, tid).await?),
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
    let on_ticket = a.ticket_id.is_some() && question_id == super::model::TICKET_ANSWER;
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
            sent.resolve(&option_ids(&a.paper_key, question_id, &q)).ok_or(AppError::BadRequest)?
        }
    };
    let answer = serde_json::to_string(&answer).map_err(|_| AppError::Internal)?;
    // Written with the other autosaves of this moment (group commit, `db::batch`); acknowledged
    // once committed.
    let touch = super::seen::SEEN.due(db, a.id);
    ANSWERS.write(db, NewAnswer { attempt_id: a.id, question_id, answer, saved_at: now, touch }).await?;
    Ok(SavedAnswer { question_id, saved_at: now })
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
    super::seen::seen(&mut tx, &touched).await?;
    tx.commit().await?;
    Ok(vec![(); rows.len()])
}

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
    for id in &ids {
        let Some(q) = bank.get(id) else { continue };
        max_points += i64::from(q.points);
        let answer: Option<Answer> = saved.get(id).and_then(|s| serde_json::from_str(s).ok());
        if let Some(ans) = &answer {
            let s = model::score(q, ans);
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
    let marks: Vec<crate::journal::store::CellWrite> = order
        .iter()
        .filter_map(|c| {
            let (e, j) = (&*c.ctx.exam, &*c.ctx.journal);
            match (e.lesson_id, c.mark, c.manual) {
                (Some(lesson), Some(m), false) => {
                    Some(journal_mark(j, lesson, c.student_id, crate::journal::model::Cell::Mark(m), &e.title, j.teacher_id, c.at))
                }
                _ => None,
            }
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
        sqlx::query("SELECT id, deadline_at FROM exam_attempts WHERE submitted_at IS NULL AND deadline_at < $1 LIMIT 500")
            .bind(now - DEADLINE_GRACE_MS)
            .fetch_all(&db.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("deadline_at")?)))
            .collect::<Result<_, AppError>>()?;
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

/// The exam's results for its teacher or a reader of its journal.
pub async fn results(db: &Db, caller: &Caller, exam_id: i64) -> Result<ExamResultsData, AppError> {
    let exam = exam_summary(db, exam_id).await?;
    crate::journal::store::access(db, caller, exam.journal_id).await?;
    let rows = sqlx::query(
        "SELECT a.id, u.full_name, a.started_at, a.submitted_at, a.score_milli, a.max_points, a.mark, a.risk, a.verdict, a.needs_grading,
                (SELECT COUNT(*) FROM proctor_violations v WHERE v.attempt_id = a.id AND v.status <> 'dismissed') AS violations
         FROM exam_attempts a JOIN users u ON u.id = a.student_id WHERE a.exam_id = $1 ORDER BY u.full_name, a.id",
    )
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?;
    let mut candidates = Vec::new();
    for r in &rows {
        let score = r.try_get::<Option<i64>, _>("score_milli")?.map(|m| m as f64 / 1000.0);
        let max: Option<i64> = r.try_get("max_points")?;
        candidates.push(CandidateResult {
            attempt_id: r.try_get("id")?,
            student_name: r.try_get("full_name")?,
            started_at: r.try_get("started_at")?,
            submitted_at: r.try_get("submitted_at")?,
            score,
            max_points: max,
            percent: match (score, max) {
                (Some(s), Some(m)) if m > 0 => Some(crate::journal::model::round2(s * 100.0 / m as f64)),
                _ => None,
            },
            mark: r.try_get("mark")?,
            risk: r.try_get("risk")?,
            violations: r.try_get("violations")?,
            verdict: r.try_get("verdict")?,
            needs_grading: r.try_get::<i64, _>("needs_grading")? != 0,
        });
    }
    // Item analysis over submitted attempts: each question's points against the candidates' totals.
    let answers = sqlx::query(
        "SELECT x.attempt_id, x.question_id, x.points_milli FROM exam_answers x JOIN exam_attempts a ON a.id = x.attempt_id
         WHERE a.exam_id = $1 AND a.submitted_at IS NOT NULL",
    )
    .bind(exam_id)
    .fetch_all(&db.pool)
    .await?;
    let mut by_question: std::collections::BTreeMap<i64, Vec<(i64, f64)>> = Default::default();
    for r in &answers {
        let milli: Option<i64> = r.try_get("points_milli")?;
        by_question.entry(r.try_get("question_id")?).or_default().push((r.try_get("attempt_id")?, milli.unwrap_or(0) as f64 / 1000.0));
    }
    let totals: std::collections::HashMap<i64, f64> = candidates.iter().filter_map(|c| c.score.map(|s| (c.attempt_id, s))).collect();
    let bank = questions_of(db, &by_question.keys().copied().collect::<Vec<_>>()).await?;
    let mut items = Vec::new();
    for (qid, list) in by_question {
        let Some(q) = bank.get(&qid) else { continue };
        // Unanswered counts as 0 for every candidate who submitted and drew the question.
        let scores: Vec<f64> = list.iter().map(|(_, s)| *s).collect();
        let total: Vec<f64> = list.iter().map(|(a, _)| totals.get(a).copied().unwrap_or(0.0)).collect();
        items.push(ItemStats {
            question_id: qid,
            topic: q.topic.clone(),
            text: q.text.chars().take(120).collect(),
            answered: list.len(),
            facility: model::facility(&scores, f64::from(q.points)).map(crate::journal::model::round2),
            discrimination: model::discrimination(&scores, &total).map(crate::journal::model::round2),
        });
    }
    Ok(ExamResultsData { exam, candidates, items })
}
