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
        let mut sitting = ssr::sitting(&st.db, caller.user_id).await?;
        // The score as the exam's review options allow it now (the default reads nothing more).
        for s in &mut sitting {
            if let Some(a) = s.attempt.as_mut().filter(|a| s.review.score != super::review::ReviewWhen::AfterHandIn || !a.submitted) {
                ssr::review::brief_as_allowed(&st.db, s.id, a, now).await?;
                // The grade of several attempts gives the score away as much as the mark does.
                if a.submitted && a.mark.is_none() && !ssr::review::score_shown(&st.db, s.id, true, now).await? {
                    s.grade = Default::default();
                }
            }
        }
        let (sitting_archived, sitting): (Vec<_>, Vec<_>) = sitting.into_iter().partition(|e| e.archived);
        let (teaching_archived, teaching): (Vec<_>, Vec<_>) =
            ssr::teaching(&st.db, caller.user_id).await?.into_iter().partition(|e| e.archived);
        Ok(ExamsPageData {
            sitting,
            teaching,
            journals: ssr::journal_choices(&st.db, caller.user_id).await?,
            now,
            sitting_archived,
            teaching_archived,
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

/// Imports questions into the caller's bank from a Moodle XML file, a Moodle GIFT or Aiken text
/// file or the XLSX template, all or nothing: a broken file comes back as "row.N" field errors
/// and adds nothing. The pictures a Moodle XML file embeds are stored as uploaded ones are, in
/// the same flow: each file is written to the media store (under the new question's id) before
/// the transaction that adds the questions commits, as an upload writes its file before the row
/// that points at it, so a failed import leaves at most unreferenced files, never a row.
/// Fields: subject (one the caller teaches), file.
#[server(prefix = "/api", endpoint = "exam/bank/import", input = leptos::server_fn::codec::MultipartFormData)]
pub async fn import_questions(data: leptos::server_fn::codec::MultipartData) -> Result<ImportReport, AppError> {
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
        let file = super::import::read_file(&upload.file_name, &upload.bytes).map_err(|errors| {
            let mut fields = crate::error::Fields::new();
            for e in errors.iter().take(50) {
                fields.add(&format!("row.{}", e.line), e.problem);
            }
            fields.finish().err().unwrap_or(AppError::BadRequest)
        })?;
        if file.questions.is_empty() {
            return Err(AppError::field("file", Msg::ErrBankImportEmpty));
        }
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let mut pictures = 0;
        for (q, picture) in file.questions.iter().zip(file.pictures) {
            let id = ssr::insert_question(&mut tx, caller.user_id, &subject, q, now).await?;
            if let Some(picture) = picture {
                // The key names the question, so it is known only now; the bytes were checked
                // while the file was read, as an upload's are.
                let key = super::pictures::ssr::picture_key(id, &picture.bytes, picture.ext);
                st.media.put(&key, picture.bytes).await?;
                let with_picture = super::model::Question { image: Some(key), ..q.clone() };
                ssr::save_question_body(&mut tx, id, &with_picture).await?;
                pictures += 1;
            }
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
                after: Some(serde_json::json!({ "questions": file.questions.len(), "pictures": pictures, "file": upload.file_name })),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(ImportReport { questions: file.questions.len(), pictures, notes: file.notes })
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
/// `request_key` (a new question only: the form's idempotency key, sent with every try): a key
/// already saved returns the question it made, nothing written; if the form changed meanwhile,
/// the change is saved as that question's next version.
#[server(prefix = "/api", endpoint = "exam/question/save")]
pub async fn save_question(
    question_id: Option<i64>,
    #[server(default)] subject: String,
    question: String,
    #[server(default)] request_key: String,
) -> Result<i64, AppError> {
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
        let request_key = request_key.trim();
        if question_id.is_none() && !request_key.is_empty() && !crate::proctor::wire::valid_key(request_key) {
            return Err(AppError::BadRequest);
        }
        let mut tx = st.db.begin().await?;
        // A try of a new question whose key is saved already: the question that try made.
        let mut repeated = None;
        if question_id.is_none() && !request_key.is_empty() {
            repeated = ssr::question_keys::find(&mut tx, caller.user_id, request_key).await?;
        }
        let (id, action, before, after, subject) = match (question_id, repeated) {
            (None, None) => {
                let subject = subject.trim();
                if !ssr::teaches_subject(&st.db, caller.user_id, subject).await? {
                    return Err(AppError::field("subject", Msg::ErrExamSubject));
                }
                // A picture is attached to a saved question (exam::pictures), never named here.
                q.image = None;
                let id = if request_key.is_empty() {
                    ssr::insert_question(&mut tx, caller.user_id, subject, &q, now).await?
                } else {
                    match ssr::question_keys::insert(&mut tx, caller.user_id, subject, &q, request_key, now).await? {
                        Some(id) => id,
                        // A try racing this one wrote it first.
                        None => match ssr::question_keys::find(&mut tx, caller.user_id, request_key).await? {
                            Some(k) => return Ok(k.id),
                            None => return Err(AppError::Internal),
                        },
                    }
                };
                (
                    id,
                    "exam.question.create",
                    None,
                    serde_json::json!({ "subject": subject, "version": 1, "question": summary }),
                    subject.to_string(),
                )
            }
            (None, Some(k)) => {
                let mut stored = k.question;
                stored.image = None;
                q.image = None;
                if serde_json::to_value(&stored).ok() == serde_json::to_value(&q).ok() {
                    return Ok(k.id);
                }
                // The form was changed after the lost answer: the change is the next version.
                let v = ssr::save_new_version(&mut tx, caller.user_id, k.id, &q, now).await?;
                (
                    v.id,
                    "exam.question.edit",
                    Some(serde_json::json!({ "id": v.replaced_id, "version": v.version - 1 })),
                    serde_json::json!({ "subject": v.subject, "version": v.version, "question": summary }),
                    v.subject,
                )
            }
            (Some(old), _) => {
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
/// duration and no proctoring). Times are datetime-local values in Kazakhstan time. The
/// settings are checked by `exam::manage::ssr::check`, which editing an exam shares; the
/// `review_*` fields are the review options ("never", "after_hand_in", "after_close").
/// `attempts_allowed` (1..10, default 1) and `grading_method` (highest, average, first, last;
/// default highest) say how many attempts a candidate may make and which make the mark.
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
    review_score: Option<String>,
    review_answers: Option<String>,
    review_correct: Option<String>,
    review_feedback: Option<String>,
    review_general_feedback: Option<String>,
    attempts_allowed: Option<String>,
    grading_method: Option<String>,
) -> Result<i64, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let j = crate::journal::store::editable(&st.db, &caller, journal_id).await?;
        let raw = super::settings::SettingsForm {
            title,
            opens_at,
            closes_at,
            duration_min,
            draw,
            form,
            tickets,
            lesson_id,
            proctored,
            allow_unproctored,
            proctor_mode,
            snapshot_interval_s,
            screen_interval_s,
            no_face_frames,
            retention_days,
            review_score,
            review_answers,
            review_correct,
            review_feedback,
            review_general_feedback,
            attempts_allowed,
            grading_method,
        };
        let mut fields = crate::error::Fields::new();
        let s = super::manage::ssr::check(&st.db, caller.user_id, &j, &raw, &mut fields).await?;
        fields.finish()?;
        let now = crate::api::now_ms();
        let mut tx = st.db.begin().await?;
        let new = ssr::NewExam {
            journal_id: j.id,
            lesson_id: s.lesson_id,
            title: &s.title,
            form: match s.form.as_str() {
                "ticket" => "ticket",
                "offline" => "offline",
                _ => "test",
            },
            opens_at: s.opens_at,
            closes_at: s.closes_at,
            duration_min: s.duration_min,
            draw: serde_json::to_string(&s.draw).unwrap_or_else(|_| "[]".into()),
            proctored: s.proctored,
            allow_unproctored: s.allow_unproctored,
            snapshot_interval_s: s.snapshot_interval_s,
            screen_interval_s: s.screen_interval_s,
            no_face_frames: s.no_face_frames,
            retention_days: s.retention_days,
            created_by: caller.user_id,
            created_at: now,
            proctor_mode: s.proctor_mode.code(),
            review: s.review.to_json(),
            attempts_allowed: s.attempts_allowed,
            grading_method: s.grading_method,
        };
        let id = ssr::insert_exam(&mut tx, &new).await?;
        super::tickets::ssr::insert_tickets(&mut tx, id, &s.tickets).await?;
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
                after: Some(serde_json::json!({ "title": s.title, "form": s.form, "journal": j.id, "draw": s.draw, "tickets": s.tickets.len(), "proctor_mode": s.proctor_mode.code(), "review": s.review,
                    "attempts_allowed": s.attempts_allowed, "grading_method": s.grading_method.code() })),
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

/// Starts the caller's next attempt (or resumes the open one): inside the window, up to the
/// attempts the exam allows (`exam::attempts`). The paper is drawn and
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
        let now = crate::api::now_ms();
        let mut view = ssr::attempt_view(&st.db, &caller, attempt_id, now).await?;
        if let Some(brief) = view.result.as_mut() {
            ssr::review::brief_as_allowed(&st.db, view.exam_id, brief, now).await?;
        }
        Ok(view)
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

/// Hands the attempt in: scored at once; the mark goes into the journal. The score comes back
/// as the exam's review options allow.
#[server(prefix = "/api", endpoint = "exam/hand-in")]
pub async fn submit_attempt(attempt_id: i64) -> Result<AttemptBrief, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let now = crate::api::now_ms();
        let mut brief = ssr::submit(&st.db, &caller, attempt_id, now).await?;
        let exam_id = ssr::attempt_row(&st.db, attempt_id).await?.exam_id;
        ssr::review::brief_as_allowed(&st.db, exam_id, &mut brief, now).await?;
        Ok(brief)
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

/// The review of the caller's handed-in attempt, as much as the exam's review options allow
/// now (the whole of it for the exam's teacher and its journal's readers). Refused while the
/// attempt is open and for anybody else's attempt.
#[server(prefix = "/api", endpoint = "exam/review")]
pub async fn review_attempt(attempt_id: i64) -> Result<super::review::AttemptReview, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        crate::exam::store::review::attempt_review(&st.db, &caller, attempt_id, crate::api::now_ms()).await
    })
    .await
}
