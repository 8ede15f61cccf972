//! Server functions of exams: the bank and its import, creating an exam, sitting it (start,
//! autosave, submit, with the server's timer), and the teacher's results.
//!
//! Who may do what: the bank is its owner's; an exam belongs to a journal and only that
//! journal's teacher creates it and reads its results (holders of journal.read over the group
//! read results too); a candidate is a student of the journal's group and touches only their
//! own attempt.

use super::dto::*;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    pub use super::super::store::*;
}

/// The exams page: what the caller sits, what the caller teaches.
#[server(prefix = "/api", endpoint = "exam/overview")]
pub async fn exams_overview() -> Result<ExamsPageData, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let now = crate::api::now_ms();
        Ok(ExamsPageData {
            sitting: ssr::sitting(&st.db, caller.user_id).await?,
            teaching: ssr::teaching(&st.db, caller.user_id).await?,
            journals: ssr::journal_choices(&st.db, caller.user_id).await?,
            now,
        })
    })
    .await
}

/// The caller's bank for a subject.
#[server(prefix = "/api", endpoint = "exam/bank")]
pub async fn exam_bank(subject: String) -> Result<Vec<BankQuestion>, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::bank(&st.db, caller.user_id, subject.trim()).await
    })
    .await
}

/// Imports questions into the caller's bank from a Moodle GIFT or Aiken text file or the XLSX
/// template, all or nothing: a broken file comes back as "row.N" field errors and adds nothing.
/// Fields: subject (one the caller teaches), file.
#[server(prefix = "/api", endpoint = "exam/bank/import", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_questions(data: leptos::server_fn::codec::MultipartData) -> Result<usize, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        super::store::may_keep_bank(&caller)?;
        let upload = crate::media::read_upload(data, super::MAX_IMPORT_FILE).await?;
        let subject = upload.fields.get("subject").map(|s| s.trim().to_string()).unwrap_or_default();
        if !ssr::teaches_subject(&st.db, caller.user_id, &subject).await? {
            return Err(AppError::field("subject", Msg::ErrExamSubject));
        }
        if upload.bytes.is_empty() {
            return Err(AppError::field("file", Msg::ErrRequired));
        }
        super::import::detect_format(&upload.file_name, &upload.bytes).ok_or(AppError::field("file", Msg::ErrBankImportFormat))?;
        let questions = super::import::parse_file(&upload.file_name, &upload.bytes).map_err(|errors| {
            let mut fields = crate::error::Fields::new();
            for e in errors.iter().take(50) {
                fields.add(&format!("row.{}", e.line), e.problem);
            }
            fields.finish().err().unwrap_or(AppError::BadRequest)
        })?;
        if questions.is_empty() {
            return Err(AppError::field("file", Msg::ErrBankImportEmpty));
        }
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        for q in &questions {
            ssr::insert_question(&mut tx, caller.user_id, &subject, q, now).await?;
        }
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "exam.bank.import",
                entity: "exam_bank",
                entity_id: subject.clone(),
                org_id: None,
                before: None,
                after: Some(serde_json::json!({ "questions": questions.len(), "file": upload.file_name })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(questions.len())
    })
    .await
}

/// Removes a question from the caller's bank (kept for attempts that already drew it).
#[server(prefix = "/api", endpoint = "exam/bank/archive")]
pub async fn archive_question(question_id: i64) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        super::store::may_keep_bank(&caller)?;
        let st = crate::api::state()?;
        if !ssr::archive_question(&st.db, caller.user_id, question_id).await? {
            return Err(AppError::NotFound);
        }
        Ok(())
    })
    .await
}

/// One of the caller's questions with its key, for the editor: the latest version only (an
/// archived or superseded one, or another teacher's, is NotFound).
#[server(prefix = "/api", endpoint = "exam/question")]
pub async fn exam_question(question_id: i64) -> Result<QuestionDraft, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        super::store::may_keep_bank(&caller)?;
        let st = crate::api::state()?;
        ssr::editable_question(&st.db, caller.user_id, question_id).await
    })
    .await
}

/// Saves a question from the editor (`question`: JSON of exam::model::Question) and returns its
/// id. A new one (`question_id` empty) goes into the caller's bank for `subject`, which the
/// caller must teach; an edit of the caller's latest version is a new version (the old row is
/// archived, attempts that drew it keep it; its subject and picture stay). A broken question
/// comes back as one field error: text, points, topic, answers or feedback.
#[server(prefix = "/api", endpoint = "exam/question/save")]
pub async fn save_question(question_id: Option<i64>, #[server(default)] subject: String, question: String) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        super::store::may_keep_bank(&caller)?;
        let st = crate::api::state()?;
        let mut q: super::model::Question = serde_json::from_str(&question).map_err(|_| AppError::BadRequest)?;
        q.topic = q.topic.trim().to_string();
        q.validate().map_err(|m| AppError::field(super::editor::field_of(&q, m), m))?;
        let now = crate::api::now_ms();
        // What the audit keeps of the question: not its key (the log has other readers).
        let summary = serde_json::json!({ "kind": q.kind.code(), "topic": q.topic, "points": q.points });
        let mut tx = st.db.begin().await?;
        let (id, action, before, after, subject) = match question_id {
            None => {
                let subject = subject.trim();
                if !ssr::teaches_subject(&st.db, caller.user_id, subject).await? {
                    return Err(AppError::field("subject", Msg::ErrExamSubject));
                }
                // A picture is attached to a saved question (exam::pictures), never named here.
                q.image = None;
                let id = ssr::insert_question(&mut tx, caller.user_id, subject, &q, now).await?;
                (
                    id,
                    "exam.question.create",
                    None,
                    serde_json::json!({ "subject": subject, "version": 1, "question": summary }),
                    subject.to_string(),
                )
            }
            Some(old) => {
                let v = ssr::save_new_version(&mut tx, caller.user_id, old, &q, now).await?;
                (
                    v.id,
                    "exam.question.edit",
                    Some(serde_json::json!({ "id": v.replaced_id, "version": v.version - 1 })),
                    serde_json::json!({ "subject": v.subject, "version": v.version, "question": summary }),
                    v.subject,
                )
            }
        };
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action,
                entity: "exam_question",
                entity_id: id.to_string(),
                org_id: None,
                before,
                after: Some(after),
            },
        )
        .await?;
        tx.commit().await?;
        // The exams drawing from this bank draw the new version from their next start on.
        ssr::forget_bank_exams(&st.db, caller.user_id, &subject).await?;
        Ok(id)
    })
    .await
}

/// Creates an exam for one of the caller's journals, in one of three forms (`form`):
/// "test" (`draw` is one "topic: N" per line: N questions from each topic of the teacher's bank
/// for the journal's subject), "ticket" (`tickets`: the tickets, separated by "---" lines; each
/// candidate draws one) or "offline" (sat in a room; the teacher enters the marks, so no
/// duration and no proctoring). Times are datetime-local values in Kazakhstan time.
#[server(prefix = "/api", endpoint = "exam/create")]
#[allow(clippy::too_many_arguments)]
pub async fn create_exam(
    journal_id: i64,
    title: String,
    opens_at: String,
    closes_at: String,
    duration_min: String,
    draw: String,
    form: Option<String>,
    tickets: Option<String>,
    lesson_id: Option<String>,
    proctored: Option<String>,
    allow_unproctored: Option<String>,
    proctor_mode: Option<String>,
    snapshot_interval_s: Option<String>,
    screen_interval_s: Option<String>,
    no_face_frames: Option<String>,
    retention_days: Option<String>,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        use crate::i18n::Msg;
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = crate::journal::store::editable(&st.db, &caller, journal_id).await?;
        let mut fields = crate::error::Fields::new();
        let title = fields.check("title", crate::journal::field_text(&title, 200, true)).unwrap_or_default();
        let opens = fields.check("opens_at", crate::ui::time::parse_local_datetime(&opens_at));
        let closes = fields.check("closes_at", crate::ui::time::parse_local_datetime(&closes_at));
        if let (Some(o), Some(c)) = (opens, closes) {
            if c <= o {
                fields.add("closes_at", Msg::ErrExamWindow);
            }
        }
        let number =
            |raw: Option<&str>, default: i64, range: std::ops::RangeInclusive<i64>, name: &str, fields: &mut crate::error::Fields| -> i64 {
                let raw = raw.unwrap_or("").trim();
                if raw.is_empty() {
                    return default;
                }
                match raw.parse::<i64>() {
                    Ok(n) if range.contains(&n) => n,
                    _ => {
                        fields.add(name, Msg::ErrNumberRange);
                        default
                    }
                }
            };
        let form = match form.as_deref().map(str::trim) {
            None | Some("") | Some("test") => "test",
            Some("ticket") => "ticket",
            Some("offline") => "offline",
            Some(_) => return Err(AppError::BadRequest),
        };
        // An offline exam lasts its window (the room's time); the others need a time limit.
        let duration = if form == "offline" {
            match (opens, closes) {
                (Some(o), Some(c)) if c > o => ((c - o) / 60_000).clamp(1, 24 * 60),
                _ => 1,
            }
        } else {
            number(Some(&duration_min), 0, 1..=600, "duration_min", &mut fields)
        };
        let snapshot = number(snapshot_interval_s.as_deref(), 30, 10..=600, "snapshot_interval_s", &mut fields);
        let screen = number(screen_interval_s.as_deref(), 60, 10..=600, "screen_interval_s", &mut fields);
        let no_face = number(no_face_frames.as_deref(), 2, 1..=20, "no_face_frames", &mut fields);
        let retention = number(retention_days.as_deref(), 90, 1..=3650, "retention_days", &mut fields);
        let lesson = match lesson_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => {
                let id: i64 = raw.parse().map_err(|_| AppError::BadRequest)?;
                let owner = ssr::journal_of_lesson(&st.db, id).await?;
                if owner != Some(j.id) {
                    fields.add("lesson_id", Msg::ErrNotFound);
                }
                Some(id)
            }
        };
        let plan = if form == "test" {
            match ssr::parse_draw(&draw) {
                Ok(p) => p,
                Err(m) => {
                    fields.add("draw", m);
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        let tickets = if form == "ticket" {
            fields.check("tickets", super::tickets::parse_tickets(tickets.as_deref().unwrap_or(""))).unwrap_or_default()
        } else {
            Vec::new()
        };
        // Proctoring watches a browser; an offline exam has none.
        let proctored = proctored.is_some() && form != "offline";
        // Which devices: a computer sharing its screen unless the teacher allows phones too.
        let mode = match proctor_mode.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => crate::proctor::settings::ProctorMode::Computer,
            Some(code) => crate::proctor::settings::ProctorMode::from_code(code).ok_or(AppError::BadRequest)?,
        };
        if !plan.is_empty() {
            let topics = ssr::topic_counts(&st.db, caller.user_id, &j.subject).await?;
            for (topic, n) in &plan {
                let have = topics.iter().find(|(t, _)| t == topic).map_or(0, |(_, c)| *c);
                if have < i64::from(*n) {
                    fields.add("draw", Msg::ErrExamTopicShort);
                    break;
                }
            }
        }
        fields.finish()?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let new = ssr::NewExam {
            journal_id: j.id,
            lesson_id: lesson,
            title: &title,
            form,
            opens_at: opens.unwrap_or_default(),
            closes_at: closes.unwrap_or_default(),
            duration_min: duration,
            draw: serde_json::to_string(&plan).unwrap_or_else(|_| "[]".into()),
            proctored,
            allow_unproctored: allow_unproctored.is_some(),
            snapshot_interval_s: snapshot,
            screen_interval_s: screen,
            no_face_frames: no_face,
            retention_days: retention,
            created_by: caller.user_id,
            created_at: now,
            proctor_mode: mode.code(),
        };
        let id = ssr::insert_exam(&mut tx, &new).await?;
        super::tickets::ssr::insert_tickets(&mut tx, id, &tickets).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "exam.create",
                entity: "exam",
                entity_id: id.to_string(),
                org_id: Some(j.group_id),
                before: None,
                after: Some(serde_json::json!({ "title": title, "form": form, "journal": j.id, "draw": plan, "tickets": tickets.len(), "proctor_mode": mode.code() })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    })
    .await
}

/// The exam before the caller starts it: its window, time limit and proctoring (for the device
/// check that comes first), and the attempt if one was started already.
#[server(prefix = "/api", endpoint = "exam/before-start")]
pub async fn before_start(exam_id: i64) -> Result<StartInfo, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::before_start(&st.db, &caller, exam_id).await
    })
    .await
}

/// Starts (or resumes) the caller's attempt: inside the window, once. The paper is drawn and
/// fixed at the start; the deadline is the server's. `capture` is what the device check ran
/// with ("screen", or "camera" on a browser that cannot share its screen; empty means the screen).
#[server(prefix = "/api", endpoint = "exam/start")]
pub async fn start_attempt(exam_id: i64, #[server(default)] capture: String) -> Result<i64, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let capture = crate::proctor::settings::Capture::from_code(&capture);
        ssr::start(&st.db, &caller, exam_id, capture, crate::api::now_ms()).await
    })
    .await
}

/// The caller's attempt: the paper with saved answers and the server's deadline, or the result.
#[server(prefix = "/api", endpoint = "exam/attempt")]
pub async fn get_attempt(attempt_id: i64) -> Result<AttemptView, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::attempt_view(&st.db, &caller, attempt_id, crate::api::now_ms()).await
    })
    .await
}

/// Saves one answer (JSON of exam::model::Answer) the moment it is given. Refused once the
/// server's deadline has passed; saving the same answer again changes nothing.
#[server(prefix = "/api", endpoint = "exam/answer")]
pub async fn save_answer(attempt_id: i64, question_id: i64, answer: String) -> Result<SavedAnswer, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::save_answer(&st.db, &caller, attempt_id, question_id, &answer, crate::api::now_ms()).await
    })
    .await
}

/// Hands the attempt in: scored at once; the mark goes into the journal.
#[server(prefix = "/api", endpoint = "exam/hand-in")]
pub async fn submit_attempt(attempt_id: i64) -> Result<AttemptBrief, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::submit(&st.db, &caller, attempt_id, crate::api::now_ms()).await
    })
    .await
}

/// Results of an exam for its teacher (and readers of its journal).
#[server(prefix = "/api", endpoint = "exam/results")]
pub async fn exam_results(exam_id: i64) -> Result<ExamResultsData, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        ssr::results(&st.db, &caller, exam_id).await
    })
    .await
}
