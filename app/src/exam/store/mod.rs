//! Every SQL statement of exams, split by feature, and the rules of an attempt that read and
//! write it: the window, the attempts a candidate may make (`exam::attempts`), the server's deadline, autosave, scoring and
//! the mark in the journal. Server functions and routes check the caller first, then call in
//! here (the attempt's own rules check the candidate or the journal's access themselves, before
//! they read anything else of it).
//!
//! This file holds the exams themselves (lists, the bank, creating an exam, the row an attempt
//! reads); `attempt` starts, shows and autosaves attempts, `hand_in` closes and scores them,
//! `results` the teacher's table, `grading` the teacher's grades and offline marks, `grade` the
//! grade a candidate's attempts make and its journal cell, `regrade` a regrade's reads and writes, `schedule`
//! the sittings, `tickets` the ticket form's tickets and files, `starts` the batched writes of
//! the start wave (the batched "last seen" is `proctor::store::seen`).

pub mod accommodations;
mod attempt;
pub mod extensions;
pub(crate) mod grade;
pub mod grading;
mod hand_in;
pub mod question_keys;
pub mod regrade;
mod results;
pub mod review;
pub mod schedule;
pub mod settings;
mod starts;
pub mod tickets;
pub mod versions;

pub use attempt::*;
pub use hand_in::*;
pub use results::*;
pub use versions::*;

use super::dto::*;
use super::model::Question;
use crate::auth::ssr::Caller;
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::proctor::settings::ProctorMode;
use sqlx::{Any, Transaction};

/// Answers reaching the server this long after the deadline are still taken: they were given
/// in time and were in flight (the page stops accepting input at the deadline itself).
pub const DEADLINE_GRACE_MS: i64 = 15_000;

/// An exam's summary as stored (`EXAM_COLUMNS`); the draw plan gives the number of questions.
#[derive(sqlx::FromRow)]
struct ExamSummaryRow {
    id: i64,
    journal_id: i64,
    title: String,
    subject: String,
    group_name: String,
    form: String,
    opens_at: i64,
    closes_at: i64,
    duration_min: i64,
    proctored: i64,
    allow_unproctored: i64,
    proctor_mode: String,
    draw: String,
    attempts_allowed: i64,
    grading_method: String,
    review: String,
    archived_at: Option<i64>,
}

impl From<ExamSummaryRow> for ExamSummary {
    fn from(r: ExamSummaryRow) -> ExamSummary {
        let plan: Vec<(String, u32)> = serde_json::from_str(&r.draw).unwrap_or_default();
        ExamSummary {
            id: r.id,
            journal_id: r.journal_id,
            title: r.title,
            subject: r.subject,
            group_name: r.group_name,
            form: r.form,
            opens_at: r.opens_at,
            closes_at: r.closes_at,
            duration_min: r.duration_min,
            extra_min: 0,
            proctored: r.proctored != 0,
            allow_unproctored: r.allow_unproctored != 0,
            proctor_mode: ProctorMode::from_code(&r.proctor_mode).unwrap_or_default(),
            questions: plan.iter().map(|(_, n)| i64::from(*n)).sum(),
            attempt: None,
            started: 0,
            submitted: 0,
            attempts_allowed: r.attempts_allowed,
            grading_method: crate::exam::attempts::GradingMethod::from_code(&r.grading_method).unwrap_or_default(),
            attempts_made: 0,
            grade: Default::default(),
            review: super::review::ReviewOptions::parse(&r.review),
            archived: r.archived_at.is_some(),
        }
    }
}

const EXAM_COLUMNS: &str =
    "e.id, e.journal_id, e.title, e.form, e.opens_at, e.closes_at, e.duration_min, e.proctored, e.allow_unproctored, e.draw,
     e.proctor_mode, e.attempts_allowed, e.grading_method, e.review, e.archived_at, j.subject, o.name AS group_name";

/// An exam the user sits, with the user's last attempt if there is one (every attempt column is
/// NULL without it).
#[derive(sqlx::FromRow)]
struct SittingRow {
    #[sqlx(flatten)]
    exam: ExamSummaryRow,
    attempt_id: Option<i64>,
    submitted_at: Option<i64>,
    score_milli: Option<i64>,
    max_points: Option<i64>,
    mark: Option<String>,
    verdict: Option<String>,
    appealed: i64,
    needs_grading: Option<i64>,
    attempt_no: Option<i64>,
    // The candidate's accommodation, if any (see `accommodations`).
    extra_min: Option<i64>,
    own_opens_at: Option<i64>,
    own_closes_at: Option<i64>,
}

impl ExamSummary {
    /// The exam as this candidate sits it: with their extra time and own window.
    pub(crate) fn accommodated(mut self, a: Option<&accommodations::Accommodation>) -> ExamSummary {
        if let Some(a) = a {
            (self.opens_at, self.closes_at) = a.window((self.opens_at, self.closes_at));
            self.duration_min += a.extra_min;
            self.extra_min = a.extra_min;
        }
        self
    }
}

/// Exams of the groups the user studies in (or sits an olympiad variant of), with the user's
/// last attempt and, where the exam allows several, the grade their attempts make so far.
pub async fn sitting(db: &Db, user_id: i64) -> Result<Vec<ExamSummary>, AppError> {
    let rows = sqlx::query_as::<_, SittingRow>(&format!(
        "SELECT {EXAM_COLUMNS}, a.id AS attempt_id, a.submitted_at, a.score_milli, a.max_points, a.mark, a.verdict, a.needs_grading, a.attempt_no,
                (SELECT COUNT(*) FROM proctor_appeals p WHERE p.attempt_id = a.id) AS appealed,
                c.extra_min, c.opens_at AS own_opens_at, c.closes_at AS own_closes_at
         FROM exams e JOIN journals j ON j.id = e.journal_id JOIN organisations o ON o.id = j.group_id
         JOIN role_assignments ra ON ra.org_id = j.group_id AND ra.role IN ('student', 'olympiad_participant') AND ra.user_id = $1
         LEFT JOIN exam_attempts a ON a.exam_id = e.id AND a.student_id = $1
              AND a.attempt_no = (SELECT MAX(z.attempt_no) FROM exam_attempts z WHERE z.exam_id = e.id AND z.student_id = $1)
         LEFT JOIN exam_accommodations c ON c.exam_id = e.id AND c.student_id = $1
         ORDER BY e.opens_at DESC, e.id DESC"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    // The attempts of the exams that allow several, for the grade so far (one attempt's grade
    // is its mark, shown already).
    let several = sqlx::query_as::<_, grade::GradedRow>(&format!(
        "SELECT {} FROM exam_attempts a JOIN exams e ON e.id = a.exam_id WHERE a.student_id = $1 AND e.attempts_allowed > 1",
        grade::GRADED_COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    let mut attempts_at: std::collections::HashMap<i64, Vec<crate::exam::attempts::Graded>> = Default::default();
    for r in several {
        attempts_at.entry(r.exam_id).or_default().push((&r).into());
    }
    let mut out = Vec::new();
    for r in rows {
        let accommodation = r.extra_min.map(|extra_min| accommodations::Accommodation {
            student_id: user_id,
            extra_min,
            opens_at: r.own_opens_at,
            closes_at: r.own_closes_at,
            reason: String::new(),
        });
        let mut s = ExamSummary::from(r.exam).accommodated(accommodation.as_ref());
        s.attempts_made = r.attempt_no.unwrap_or(0);
        if let Some(attempts) = attempts_at.get(&s.id) {
            s.grade = crate::exam::attempts::grade(s.grading_method, attempts);
        }
        if let Some(id) = r.attempt_id {
            s.attempt = Some(AttemptBrief {
                id,
                submitted: r.submitted_at.is_some(),
                score: r.score_milli.map(|m| m as f64 / 1000.0),
                max_points: r.max_points,
                mark: r.mark,
                // NOT NULL in the table: only missing when there is no attempt.
                verdict: r.verdict.unwrap_or_default(),
                appealed: r.appealed > 0,
                needs_grading: r.needs_grading.unwrap_or(0) != 0,
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

/// An exam its teacher keeps, with its attempt counts.
#[derive(sqlx::FromRow)]
struct TeachingRow {
    #[sqlx(flatten)]
    exam: ExamSummaryRow,
    started: i64,
    submitted: i64,
}

/// Exams of the journals the user keeps, with how many candidates started and handed in (an
/// attempt or more).
pub async fn teaching(db: &Db, user_id: i64) -> Result<Vec<ExamSummary>, AppError> {
    let rows = sqlx::query_as::<_, TeachingRow>(&format!(
        "SELECT {EXAM_COLUMNS},
                (SELECT COUNT(*) FROM exam_attempts a WHERE a.exam_id = e.id AND a.attempt_no = 1) AS started,
                (SELECT COUNT(DISTINCT a.student_id) FROM exam_attempts a WHERE a.exam_id = e.id AND a.submitted_at IS NOT NULL) AS submitted
         FROM exams e JOIN journals j ON j.id = e.journal_id JOIN organisations o ON o.id = j.group_id
         WHERE j.teacher_id = $1 ORDER BY e.opens_at DESC, e.id DESC"
    ))
    .bind(user_id)
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mut s = ExamSummary::from(r.exam);
            s.started = r.started;
            s.submitted = r.submitted;
            s
        })
        .collect())
}

/// One exam's summary by id.
pub async fn exam_summary(db: &Db, exam_id: i64) -> Result<ExamSummary, AppError> {
    let r = sqlx::query_as::<_, ExamSummaryRow>(&format!(
        "SELECT {EXAM_COLUMNS} FROM exams e JOIN journals j ON j.id = e.journal_id JOIN organisations o ON o.id = j.group_id WHERE e.id = $1"
    ))
    .bind(exam_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(r.into())
}

/// A journal a teacher keeps, as the new exam's form lists it.
#[derive(sqlx::FromRow)]
struct KeptJournal {
    id: i64,
    title: String,
    subject: String,
}

/// A lesson a mark can land on.
#[derive(sqlx::FromRow)]
struct MarkLesson {
    id: i64,
    lesson_date: String,
    topic: String,
}

/// The journals a teacher keeps, with the lessons a mark can land on and the bank's topics.
pub async fn journal_choices(db: &Db, user_id: i64) -> Result<Vec<JournalChoice>, AppError> {
    let rows = sqlx::query_as::<_, KeptJournal>("SELECT id, title, subject FROM journals WHERE teacher_id = $1 ORDER BY title, id")
        .bind(user_id)
        .fetch_all(&db.pool)
        .await?;
    let mut out = Vec::new();
    for r in rows {
        let lessons = sqlx::query_as::<_, MarkLesson>(
            "SELECT id, lesson_date, topic FROM lessons WHERE journal_id = $1 AND lesson_type IN ('exam', 'attestation') ORDER BY lesson_date, pair",
        )
        .bind(r.id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|l| (l.id, format!("{} · {}", crate::journal::pages::dotted(&l.lesson_date), l.topic)))
        .collect();
        out.push(JournalChoice {
            id: r.id,
            title: r.title,
            topics: topic_counts(db, user_id, &r.subject).await?,
            subject: r.subject,
            lessons,
        });
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
    Ok(sqlx::query_as::<_, (String, i64)>(
        "SELECT topic, COUNT(*) AS n FROM exam_questions WHERE owner_id = $1 AND subject = $2 AND archived = 0 GROUP BY topic ORDER BY topic",
    )
    .bind(owner_id)
    .bind(subject)
    .fetch_all(&db.pool)
    .await?)
}

/// A question of a bank as stored: its body is the question's JSON.
#[derive(sqlx::FromRow)]
struct BankRow {
    id: i64,
    version: i64,
    subject: String,
    topic: String,
    kind: String,
    body: String,
}

pub async fn bank(db: &Db, owner_id: i64, subject: &str) -> Result<Vec<BankQuestion>, AppError> {
    let rows = sqlx::query_as::<_, BankRow>(
        "SELECT id, version, subject, topic, kind, body FROM exam_questions WHERE owner_id = $1 AND subject = $2 AND archived = 0 ORDER BY topic, id",
    )
    .bind(owner_id)
    .bind(subject)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let q: Question = serde_json::from_str(&r.body).map_err(|_| AppError::Internal)?;
            Ok(BankQuestion {
                id: r.id,
                version: r.version,
                subject: r.subject,
                topic: r.topic,
                kind: r.kind,
                text: q.text.clone(),
                points: q.points,
                picture: q.image.as_deref().map(|k| super::model::bank_picture_url(r.id, k)),
            })
        })
        .collect()
}

/// The owner's questions of a subject with their keys, for the owner's own export.
pub async fn bank_questions(db: &Db, owner_id: i64, subject: &str) -> Result<Vec<Question>, AppError> {
    let bodies: Vec<String> =
        sqlx::query_scalar("SELECT body FROM exam_questions WHERE owner_id = $1 AND subject = $2 AND archived = 0 ORDER BY topic, id")
            .bind(owner_id)
            .bind(subject)
            .fetch_all(&db.pool)
            .await?;
    bodies.iter().map(|b| serde_json::from_str(b).map_err(|_| AppError::Internal)).collect()
}

/// A new question: version 1 of a family of its own (the family is named by this first id).
pub async fn insert_question(tx: &mut Transaction<'_, Any>, owner_id: i64, subject: &str, q: &Question, now: i64) -> Result<i64, AppError> {
    // Without a key nothing conflicts (NULLs never collide in the unique index).
    insert_keyed(tx, owner_id, subject, q, None, now).await?.ok_or(AppError::Internal)
}

/// `insert_question` under the editor's idempotency key (`question_keys`): None when a try
/// racing this one wrote the key first.
pub(super) async fn insert_keyed(
    tx: &mut Transaction<'_, Any>,
    owner_id: i64,
    subject: &str,
    q: &Question,
    key: Option<&str>,
    now: i64,
) -> Result<Option<i64>, AppError> {
    let body = serde_json::to_string(q).map_err(|_| AppError::Internal)?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO exam_questions (owner_id, subject, topic, kind, body, created_at, request_key) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (owner_id, request_key) DO NOTHING RETURNING id",
    )
    .bind(owner_id)
    .bind(subject)
    .bind(q.topic.trim())
    .bind(q.kind.code())
    .bind(body)
    .bind(now)
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = id {
        sqlx::query("UPDATE exam_questions SET family_id = id WHERE id = $1").bind(id).execute(&mut **tx).await?;
    }
    Ok(id)
}

/// Archives a question of the owner's bank (kept for attempts that already drew it); false when
/// the owner has no such question.
pub async fn archive_question(db: &Db, owner_id: i64, question_id: i64) -> Result<bool, AppError> {
    let n = sqlx::query("UPDATE exam_questions SET archived = 1 WHERE id = $1 AND owner_id = $2")
        .bind(question_id)
        .bind(owner_id)
        .execute(&db.pool)
        .await?
        .rows_affected();
    Ok(n > 0)
}

/// A question of the owner's bank (not archived), or NotFound: another teacher's question
/// looks the same as a missing one.
pub async fn own_question(db: &Db, owner_id: i64, question_id: i64) -> Result<Question, AppError> {
    let body: Option<String> = sqlx::query_scalar("SELECT body FROM exam_questions WHERE id = $1 AND owner_id = $2 AND archived = 0")
        .bind(question_id)
        .bind(owner_id)
        .fetch_optional(&db.pool)
        .await?;
    serde_json::from_str(&body.ok_or(AppError::NotFound)?).map_err(|_| AppError::Internal)
}

/// Writes a question's body (its picture changed).
pub async fn save_question_body(tx: &mut Transaction<'_, Any>, question_id: i64, q: &Question) -> Result<(), AppError> {
    let body = serde_json::to_string(q).map_err(|_| AppError::Internal)?;
    sqlx::query("UPDATE exam_questions SET body = $1 WHERE id = $2").bind(body).bind(question_id).execute(&mut **tx).await?;
    Ok(())
}

/// The picture's media key, if the question has one.
pub async fn question_picture(db: &Db, question_id: i64) -> Result<Option<String>, AppError> {
    let body: Option<String> =
        sqlx::query_scalar("SELECT body FROM exam_questions WHERE id = $1").bind(question_id).fetch_optional(&db.pool).await?;
    let q: Question = serde_json::from_str(&body.ok_or(AppError::NotFound)?).map_err(|_| AppError::Internal)?;
    Ok(q.image)
}

/// The journal a lesson belongs to, if the lesson exists.
pub async fn journal_of_lesson(db: &Db, lesson_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT journal_id FROM lessons WHERE id = $1").bind(lesson_id).fetch_optional(&db.pool).await?)
}

/// A new exam as its teacher set it up (`api::create_exam` checked every value).
pub struct NewExam<'a> {
    pub journal_id: i64,
    pub lesson_id: Option<i64>,
    pub title: &'a str,
    pub form: &'a str,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_min: i64,
    /// The draw plan, as stored (JSON).
    pub draw: String,
    pub proctored: bool,
    pub allow_unproctored: bool,
    pub snapshot_interval_s: i64,
    pub screen_interval_s: i64,
    pub no_face_frames: i64,
    pub retention_days: i64,
    pub created_by: i64,
    pub created_at: i64,
    pub proctor_mode: &'static str,
    pub attempts_allowed: i64,
    pub grading_method: crate::exam::attempts::GradingMethod,
    /// The review options, as stored (JSON of exam::review::ReviewOptions).
    pub review: String,
}

pub async fn insert_exam(tx: &mut Transaction<'_, Any>, e: &NewExam<'_>) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO exams (journal_id, lesson_id, title, form, opens_at, closes_at, duration_min, draw, proctored, allow_unproctored,
                            snapshot_interval_s, screen_interval_s, no_face_frames, retention_days, created_by, created_at, proctor_mode,
                            attempts_allowed, grading_method, review)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
    )
    .bind(e.journal_id)
    .bind(e.lesson_id)
    .bind(e.title)
    .bind(e.form)
    .bind(e.opens_at)
    .bind(e.closes_at)
    .bind(e.duration_min)
    .bind(&e.draw)
    .bind(i64::from(e.proctored))
    .bind(i64::from(e.allow_unproctored))
    .bind(e.snapshot_interval_s)
    .bind(e.screen_interval_s)
    .bind(e.no_face_frames)
    .bind(e.retention_days)
    .bind(e.created_by)
    .bind(e.created_at)
    .bind(e.proctor_mode)
    .bind(e.attempts_allowed)
    .bind(e.grading_method.code())
    .bind(&e.review)
    .fetch_one(&mut **tx)
    .await?)
}

/// The group of the exam's journal (whose administration reads the exam's audit lines).
pub async fn group_of_exam(tx: &mut Transaction<'_, Any>, exam_id: i64) -> Result<Option<i64>, AppError> {
    Ok(sqlx::query_scalar("SELECT j.group_id FROM exams e JOIN journals j ON j.id = e.journal_id WHERE e.id = $1")
        .bind(exam_id)
        .fetch_optional(&mut **tx)
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
    pub(crate) attempts_allowed: i64,
    pub(crate) grading_method: crate::exam::attempts::GradingMethod,
    /// What a candidate sees after handing in (read with the row: a hand-in wave asks for each).
    pub(crate) review: super::review::ReviewOptions,
}

/// An exam's row as stored; its proctoring columns are the proctor's own (`ProctorColumns`).
#[derive(sqlx::FromRow)]
struct StoredExam {
    id: i64,
    form: String,
    journal_id: i64,
    lesson_id: Option<i64>,
    title: String,
    duration_min: i64,
    draw: String,
    attempts_allowed: i64,
    grading_method: String,
    review: String,
    #[sqlx(flatten)]
    proctoring: crate::proctor::settings::ProctorColumns,
}

pub(crate) async fn exam_row(db: &Db, exam_id: i64) -> Result<ExamRow, AppError> {
    let r = sqlx::query_as::<_, StoredExam>(
        "SELECT id, form, journal_id, lesson_id, title, duration_min, draw, attempts_allowed, grading_method, review, proctored, allow_unproctored,
                snapshot_interval_s, screen_interval_s, proctor_mode FROM exams WHERE id = $1",
    )
    .bind(exam_id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(ExamRow {
        id: r.id,
        form: r.form,
        journal_id: r.journal_id,
        lesson_id: r.lesson_id,
        title: r.title,
        duration_min: r.duration_min,
        draw: serde_json::from_str(&r.draw).unwrap_or_default(),
        proctored: r.proctoring.proctored != 0,
        settings: r.proctoring.into(),
        attempts_allowed: r.attempts_allowed,
        grading_method: crate::exam::attempts::GradingMethod::from_code(&r.grading_method).unwrap_or_default(),
        review: super::review::ReviewOptions::parse(&r.review),
    })
}
