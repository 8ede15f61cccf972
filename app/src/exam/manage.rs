//! Creating, reading, changing and archiving an exam's settings (issue 19): the server functions
//! of the edit page and the check `create_exam` shares with them. The settings themselves and the
//! rules of what may change once an exam opened are `exam::settings` (which the store reads and
//! writes, so it holds no server function: the store would import back from here).

use super::settings::ExamEditData;
#[cfg(feature = "ssr")]
use super::{
    attempts::GradingMethod,
    review::ReviewOptions,
    settings::{same_minute, ExamSettings, SettingsForm},
};
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::proctor::settings::ProctorMode;
use leptos::prelude::*;
#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::db::Db;
    use crate::error::Fields;
    use crate::exam::review::ReviewPart;
    use crate::i18n::Msg;

    /// Checks a settings form for an exam of journal `j` kept by `teacher_id` (whose bank the
    /// draw plan is checked against). Every problem goes into `fields` at its field; the
    /// settings come back with defaults where a value was refused, so the caller finishes
    /// `fields` before using them.
    pub async fn check(
        db: &Db,
        teacher_id: i64,
        j: &crate::journal::store::JournalRow,
        raw: &SettingsForm,
        fields: &mut Fields,
    ) -> Result<ExamSettings, AppError> {
        let title = fields.check("title", crate::journal::field_text(&raw.title, 200, true)).unwrap_or_default();
        let opens = fields.check("opens_at", crate::ui::time::parse_local_datetime(&raw.opens_at));
        let closes = fields.check("closes_at", crate::ui::time::parse_local_datetime(&raw.closes_at));
        if let (Some(o), Some(c)) = (opens, closes) {
            if c <= o {
                fields.add("closes_at", Msg::ErrExamWindow);
            }
        }
        let number = |raw: Option<&str>, default: i64, range: std::ops::RangeInclusive<i64>, name: &str, fields: &mut Fields| -> i64 {
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
        let form = match raw.form.as_deref().map(str::trim) {
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
            number(Some(&raw.duration_min), 0, 1..=600, "duration_min", fields)
        };
        let snapshot = number(raw.snapshot_interval_s.as_deref(), 30, 10..=600, "snapshot_interval_s", fields);
        let screen = number(raw.screen_interval_s.as_deref(), 60, 10..=600, "screen_interval_s", fields);
        let no_face = number(raw.no_face_frames.as_deref(), 2, 1..=20, "no_face_frames", fields);
        let retention = number(raw.retention_days.as_deref(), 90, 1..=3650, "retention_days", fields);
        let lesson = match raw.lesson_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => {
                let id: i64 = raw.parse().map_err(|_| AppError::BadRequest)?;
                if crate::exam::store::journal_of_lesson(db, id).await? != Some(j.id) {
                    fields.add("lesson_id", Msg::ErrNotFound);
                }
                Some(id)
            }
        };
        let plan = if form == "test" {
            match crate::exam::store::parse_draw(&raw.draw) {
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
            fields.check("tickets", crate::exam::tickets::parse_tickets(raw.tickets.as_deref().unwrap_or(""))).unwrap_or_default()
        } else {
            Vec::new()
        };
        // Proctoring watches a browser; an offline exam has none.
        let proctored = raw.proctored.is_some() && form != "offline";
        // Which devices: a computer sharing its screen unless the teacher allows phones too.
        let mode = match raw.proctor_mode.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => ProctorMode::Computer,
            Some(code) => ProctorMode::from_code(code).ok_or(AppError::BadRequest)?,
        };
        if !plan.is_empty() {
            let topics = crate::exam::store::topic_counts(db, teacher_id, &j.subject).await?;
            for (topic, n) in &plan {
                let have = topics.iter().find(|(t, _)| t == topic).map_or(0, |(_, c)| *c);
                if have < i64::from(*n) {
                    fields.add("draw", Msg::ErrExamTopicShort);
                    break;
                }
            }
        }
        let review = ReviewOptions::from_form(&[
            (ReviewPart::Score, raw.review_score.as_deref()),
            (ReviewPart::Answers, raw.review_answers.as_deref()),
            (ReviewPart::Correct, raw.review_correct.as_deref()),
            (ReviewPart::Feedback, raw.review_feedback.as_deref()),
            (ReviewPart::GeneralFeedback, raw.review_general_feedback.as_deref()),
        ])
        .unwrap_or_else(|(part, msg)| {
            fields.add(part.field(), msg);
            ReviewOptions::default()
        });
        // Several attempts: 1..10, graded by one of Moodle's methods. An offline exam is one
        // mark entered by the teacher: one attempt.
        let attempts_allowed = match raw.attempts_allowed.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            _ if form == "offline" => 1,
            None => 1,
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if (1..=crate::exam::attempts::MAX_ATTEMPTS).contains(&n) => n,
                _ => {
                    fields.add("attempts_allowed", Msg::ErrAttemptsAllowed);
                    1
                }
            },
        };
        let grading_method = match raw.grading_method.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => GradingMethod::default(),
            Some(code) => GradingMethod::from_code(code).unwrap_or_else(|| {
                fields.add("grading_method", Msg::ErrGradingMethod);
                GradingMethod::default()
            }),
        };
        // With attempts left, the key (or a worked solution) shown right after the first
        // hand-in would make the next attempts trivial: after the exam closes only.
        use crate::exam::review::ReviewWhen;
        if attempts_allowed > 1 {
            for part in [ReviewPart::Correct, ReviewPart::GeneralFeedback] {
                if review.when(part) == ReviewWhen::AfterHandIn {
                    fields.add(part.field(), Msg::ErrReviewKeyWithAttempts);
                }
            }
        }
        Ok(ExamSettings {
            journal_id: j.id,
            form: form.to_string(),
            title,
            lesson_id: lesson,
            opens_at: opens.unwrap_or_default(),
            closes_at: closes.unwrap_or_default(),
            duration_min: duration,
            draw: plan,
            tickets,
            proctored,
            allow_unproctored: raw.allow_unproctored.is_some(),
            proctor_mode: mode,
            snapshot_interval_s: snapshot,
            screen_interval_s: screen,
            no_face_frames: no_face,
            retention_days: retention,
            review,
            attempts_allowed,
            grading_method,
        })
    }
}

/// An exam's settings for its teacher's edit form (and the duplicate's, which opens prefilled
/// with them under a new title and an empty window).
#[server(prefix = "/api", endpoint = "exam/settings")]
pub async fn read_exam_settings(exam_id: i64) -> Result<ExamEditData, AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let journal_id = crate::exam::store::exam_row(&st.db, exam_id).await?.journal_id;
        let j = crate::journal::store::editable(&st.db, &caller, journal_id).await?;
        let now = crate::api::now_ms();
        let (settings, archived) = crate::exam::store::settings::read(&st.db, exam_id).await?;
        let span = crate::exam::store::settings::span(&st.db, exam_id).await?;
        let journal = crate::exam::store::journal_choices(&st.db, caller.user_id)
            .await?
            .into_iter()
            .find(|c| c.id == j.id)
            .ok_or(AppError::Forbidden)?;
        Ok(ExamEditData {
            exam_id,
            settings,
            journal,
            opened: span.opened(now),
            closed: span.closed(now, crate::exam::store::DEADLINE_GRACE_MS),
            archived: archived.is_some(),
        })
    })
    .await
}

/// Changes an exam's settings, by its journal's teacher. Until anyone could start, all of them;
/// after, only the title, a later closing time and the review options (see the module's notes):
/// any other change is refused at its field. Audited with the values before and after.
#[server(prefix = "/api", endpoint = "exam/update")]
#[allow(clippy::too_many_arguments)]
pub async fn update_exam(
    exam_id: i64,
    title: String,
    opens_at: String,
    closes_at: String,
    #[server(default)] duration_min: String,
    #[server(default)] draw: String,
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
) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let journal_id = crate::exam::store::exam_row(&st.db, exam_id).await?.journal_id;
        let j = crate::journal::store::editable(&st.db, &caller, journal_id).await?;
        let (before, _) = crate::exam::store::settings::read(&st.db, exam_id).await?;
        let raw = SettingsForm {
            title,
            opens_at,
            closes_at,
            duration_min,
            draw,
            form: Some(before.form.clone()),
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
        let mut after = ssr::check(&st.db, caller.user_id, &j, &raw, &mut fields).await?;
        for (time, was) in [(&mut after.opens_at, before.opens_at), (&mut after.closes_at, before.closes_at)] {
            if same_minute(*time, was) {
                *time = was;
            }
        }
        if before.form == "offline" && same_minute(after.opens_at, before.opens_at) && after.closes_at == before.closes_at {
            after.duration_min = before.duration_min;
        }
        let now = crate::api::now_ms();
        let span = crate::exam::store::settings::span(&st.db, exam_id).await?;
        let opened = span.opened(now);
        if opened {
            for (field, msg) in after.locked_changes(&before, now, now < before.closes_at) {
                fields.add(field, msg);
            }
        }
        fields.finish()?;
        let mut tx = st.db.begin().await?;
        // Before opening the update also requires that nobody has started meanwhile: a start
        // between the check above and this write would otherwise sit a paper drawn with the
        // old settings while the exam says otherwise.
        if !crate::exam::store::settings::update(&mut tx, exam_id, &after, !opened).await? {
            return Err(AppError::Refused(crate::i18n::Msg::ErrExamOpenedLocked));
        }
        if after.tickets != before.tickets {
            crate::exam::store::settings::replace_tickets(&mut tx, exam_id, &after.tickets).await?;
        }
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: "exam.update",
                entity: "exam",
                entity_id: exam_id.to_string(),
                org_id: Some(j.group_id),
                before: Some(serde_json::to_value(&before).unwrap_or_default()),
                after: Some(serde_json::to_value(&after).unwrap_or_default()),
            },
        )
        .await?;
        tx.commit().await?;
        crate::exam::store::forget_exam(&st.db, exam_id);
        Ok(())
    })
    .await
}

/// Archives an exam that is over for everyone (hidden from the main lists, results kept), or
/// brings it back (`archived` false). An exam still open, or not yet open, cannot be archived.
#[server(prefix = "/api", endpoint = "exam/archive")]
pub async fn archive_exam(exam_id: i64, archived: bool) -> Result<(), AppError> {
    crate::api::respond(async move {
        let caller = crate::auth::ssr::require_user().await?;
        let st = crate::api::state()?;
        let journal_id = crate::exam::store::exam_row(&st.db, exam_id).await?.journal_id;
        let j = crate::journal::store::editable(&st.db, &caller, journal_id).await?;
        let now = crate::api::now_ms();
        if archived {
            let span = crate::exam::store::settings::span(&st.db, exam_id).await?;
            if !span.closed(now, crate::exam::store::DEADLINE_GRACE_MS) {
                return Err(AppError::Refused(crate::i18n::Msg::ErrExamArchiveOpen));
            }
        }
        let mut tx = st.db.begin().await?;
        crate::exam::store::settings::set_archived(&mut tx, exam_id, archived.then_some(now)).await?;
        crate::audit::store::record(
            &mut tx,
            crate::audit::store::Entry {
                actor_id: Some(caller.user_id),
                ip: &caller.ip,
                action: if archived { "exam.archive" } else { "exam.restore" },
                entity: "exam",
                entity_id: exam_id.to_string(),
                org_id: Some(j.group_id),
                before: None,
                after: None,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    })
    .await
}
