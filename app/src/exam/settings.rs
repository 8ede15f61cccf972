//! An exam's settings (issue 19): one set of fields that creating, editing and duplicating an
//! exam share, checked in one place (`ssr::check`), the rules of what may change once the exam
//! has opened, and archiving. The form's fields are `pages::settings_form::ExamSettingsFields`;
//! a setting added there and to [`ExamSettings`] and [`SettingsForm`] reaches all three.
//!
//! After the window opens only what cannot wrong a candidate who already started may change:
//! the title, the closing time moved later while the exam is still open (never earlier: a
//! candidate planned with it; never after it closed: review options "after close" may have shown
//! the key), and the review options. Everything else (the lesson the marks land on, the opening
//! time, the time limit, the draw plan, the tickets, proctoring and retention) is fixed: the
//! papers, deadlines, captures and marks of started attempts were made with them. The form
//! (test, ticket, offline) never changes: an exam of another form is another exam.

use super::attempts::GradingMethod;
use super::review::ReviewOptions;
use crate::error::AppError;
use crate::proctor::settings::ProctorMode;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Everything a teacher sets on an exam, as checked (or as stored).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExamSettings {
    pub journal_id: i64,
    /// "test", "ticket" or "offline".
    pub form: String,
    pub title: String,
    pub lesson_id: Option<i64>,
    pub opens_at: i64,
    pub closes_at: i64,
    pub duration_min: i64,
    /// Test form: how many questions from each topic.
    pub draw: Vec<(String, u32)>,
    /// Ticket form: the tickets' texts in order.
    pub tickets: Vec<String>,
    pub proctored: bool,
    pub allow_unproctored: bool,
    pub proctor_mode: ProctorMode,
    pub snapshot_interval_s: i64,
    pub screen_interval_s: i64,
    pub no_face_frames: i64,
    pub retention_days: i64,
    pub review: ReviewOptions,
    /// How many attempts a candidate may make (1..10), and which of them make the mark.
    pub attempts_allowed: i64,
    pub grading_method: GradingMethod,
}

impl ExamSettings {
    /// A new exam's form before anything is typed: the defaults the create form always had.
    pub fn blank(journal_id: i64) -> ExamSettings {
        ExamSettings {
            journal_id,
            form: "test".into(),
            title: String::new(),
            lesson_id: None,
            opens_at: 0,
            closes_at: 0,
            duration_min: 0,
            draw: Vec::new(),
            tickets: Vec::new(),
            proctored: true,
            allow_unproctored: false,
            proctor_mode: ProctorMode::Computer,
            snapshot_interval_s: 30,
            screen_interval_s: 60,
            no_face_frames: 2,
            retention_days: 90,
            review: ReviewOptions::default(),
            attempts_allowed: 1,
            grading_method: GradingMethod::default(),
        }
    }

    /// The draw plan as the form's text ("Topic: 3" a line).
    pub fn draw_text(&self) -> String {
        self.draw.iter().map(|(t, n)| format!("{t}: {n}")).collect::<Vec<_>>().join("\n")
    }

    /// The tickets as the form's text (separated by "---" lines).
    pub fn tickets_text(&self) -> String {
        self.tickets.join("\n---\n")
    }

    /// The fields that differ from `before` and may not change once the exam has opened, with
    /// the reason for each. `still_open`: the exam's own window has not closed yet.
    pub fn locked_changes(&self, before: &ExamSettings, now: i64, still_open: bool) -> Vec<(&'static str, crate::i18n::Msg)> {
        use crate::i18n::Msg;
        let mut locked = Vec::new();
        let mut fixed = |field: &'static str, changed: bool| {
            if changed {
                locked.push((field, Msg::ErrExamOpenedLocked));
            }
        };
        fixed("lesson_id", self.lesson_id != before.lesson_id);
        fixed("opens_at", self.opens_at != before.opens_at);
        // An offline exam's "duration" is its window; its closing time is the rule there.
        fixed("duration_min", self.form != "offline" && self.duration_min != before.duration_min);
        fixed("draw", self.draw != before.draw);
        fixed("tickets", self.tickets != before.tickets);
        fixed("proctored", self.proctored != before.proctored);
        fixed("allow_unproctored", self.allow_unproctored != before.allow_unproctored);
        fixed("proctor_mode", self.proctor_mode != before.proctor_mode);
        fixed("snapshot_interval_s", self.snapshot_interval_s != before.snapshot_interval_s);
        fixed("screen_interval_s", self.screen_interval_s != before.screen_interval_s);
        fixed("no_face_frames", self.no_face_frames != before.no_face_frames);
        fixed("retention_days", self.retention_days != before.retention_days);
        // Grades already written were made with the method; more attempts wrong nobody, fewer
        // would take away a chance someone counted on.
        fixed("grading_method", self.grading_method != before.grading_method);
        fixed("attempts_allowed", self.attempts_allowed < before.attempts_allowed);
        if self.closes_at != before.closes_at && !(still_open && self.closes_at > before.closes_at && self.closes_at > now) {
            locked.push(("closes_at", Msg::ErrExamCloseOnlyLater));
        }
        locked
    }
}

/// Two times the form shows to the minute are the same time: a stored time with seconds (an
/// olympiad stage's, a test's) sent back unchanged is not a change.
pub fn same_minute(a: i64, b: i64) -> bool {
    a.div_euclid(60_000) == b.div_euclid(60_000)
}

/// When an exam opens and closes for anyone, from its window, its candidates' own windows and
/// its sittings, and whether attempts exist or still run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Span {
    pub opens_at: i64,
    pub closes_at: i64,
    pub own_opens: Option<i64>,
    pub own_closes: Option<i64>,
    pub sit_opens: Option<i64>,
    pub sit_closes: Option<i64>,
    pub attempts: i64,
    /// The latest deadline of an attempt not handed in yet.
    pub running_deadline: Option<i64>,
}

impl Span {
    /// Someone could have started: the earliest window has opened, or an attempt exists.
    pub fn opened(&self, now: i64) -> bool {
        let first = [Some(self.opens_at), self.own_opens, self.sit_opens].into_iter().flatten().min().unwrap_or(self.opens_at);
        now >= first || self.attempts > 0
    }

    /// Over for everyone: past every window and every running attempt's deadline (with the
    /// grace answers in flight get). Review options "after close" wait for this.
    pub fn closed(&self, now: i64, grace_ms: i64) -> bool {
        let last = [Some(self.closes_at), self.own_closes, self.sit_closes].into_iter().flatten().max().unwrap_or(self.closes_at);
        now >= last && self.running_deadline.is_none_or(|d| now > d + grace_ms)
    }
}

/// The edit page: the exam's settings, what can still change, and the journal's choices
/// (lessons, the bank's topics) for the fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExamEditData {
    pub exam_id: i64,
    pub settings: ExamSettings,
    pub journal: super::dto::JournalChoice,
    /// Someone could have started: only the safe settings can change.
    pub opened: bool,
    /// Over for everyone: it can be archived.
    pub closed: bool,
    pub archived: bool,
}

/// The settings fields as a form sends them (what `create_exam` and `update_exam` take).
#[derive(Clone, Debug, Default)]
pub struct SettingsForm {
    pub title: String,
    pub opens_at: String,
    pub closes_at: String,
    pub duration_min: String,
    pub draw: String,
    pub form: Option<String>,
    pub tickets: Option<String>,
    pub lesson_id: Option<String>,
    pub proctored: Option<String>,
    pub allow_unproctored: Option<String>,
    pub proctor_mode: Option<String>,
    pub snapshot_interval_s: Option<String>,
    pub screen_interval_s: Option<String>,
    pub no_face_frames: Option<String>,
    pub retention_days: Option<String>,
    pub review_score: Option<String>,
    pub review_answers: Option<String>,
    pub review_correct: Option<String>,
    pub review_feedback: Option<String>,
    pub review_general_feedback: Option<String>,
    pub attempts_allowed: Option<String>,
    pub grading_method: Option<String>,
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Msg;

    fn span() -> Span {
        Span { opens_at: 1_000, closes_at: 5_000, ..Span::default() }
    }

    #[test]
    fn an_exam_opens_for_anyone_at_the_earliest_window_and_closes_after_the_last() {
        let s = span();
        assert!(!s.opened(999) && s.opened(1_000));
        // A candidate's own window or a sitting that starts earlier opens it earlier.
        assert!(Span { own_opens: Some(500), ..s }.opened(600));
        assert!(Span { sit_opens: Some(800), ..s }.opened(900));
        // An attempt (an olympiad stage seats its own) means someone started, whatever the clock.
        assert!(Span { attempts: 1, ..s }.opened(0));
        assert!(!s.closed(4_999, 0) && s.closed(5_000, 0));
        assert!(!Span { own_closes: Some(9_000), ..s }.closed(6_000, 0));
        assert!(!Span { sit_closes: Some(9_000), ..s }.closed(6_000, 0));
        // An attempt still running (its deadline plus the grace) keeps it open.
        assert!(!Span { running_deadline: Some(5_500), ..s }.closed(6_000, 1_000));
        assert!(Span { running_deadline: Some(5_500), ..s }.closed(6_501, 1_000));
    }

    #[test]
    fn after_opening_only_safe_changes_pass() {
        let mut before = ExamSettings::blank(1);
        before.draw = vec![("T".into(), 3)];
        before.closes_at = 10_000;
        let now = 5_000;
        let mut safe = before.clone();
        safe.title = "New title".into();
        safe.closes_at = 20_000;
        safe.review.correct = crate::exam::review::ReviewWhen::AfterClose;
        assert!(safe.locked_changes(&before, now, true).is_empty());

        let mut earlier = before.clone();
        earlier.closes_at = 9_000;
        assert_eq!(earlier.locked_changes(&before, now, true), vec![("closes_at", Msg::ErrExamCloseOnlyLater)]);
        // Once closed, the closing time stays (a later one would reopen it).
        assert_eq!(safe.locked_changes(&before, 11_000, false), vec![("closes_at", Msg::ErrExamCloseOnlyLater)]);

        let mut unsafe_ = before.clone();
        unsafe_.draw = vec![("T".into(), 2)];
        unsafe_.duration_min = 45;
        unsafe_.proctored = false;
        let fields: Vec<&str> = unsafe_.locked_changes(&before, now, true).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec!["duration_min", "draw", "proctored"]);
    }

    #[test]
    fn the_form_texts_read_back_as_the_same_settings() {
        let mut s = ExamSettings::blank(1);
        s.draw = vec![("Сандар".into(), 3), ("Логика".into(), 1)];
        s.tickets = vec!["Ticket one\nline two".into(), "Ticket two".into()];
        #[cfg(feature = "ssr")]
        assert_eq!(crate::exam::store::parse_draw(&s.draw_text()), Ok(s.draw.clone()));
        assert_eq!(crate::exam::tickets::parse_tickets(&s.tickets_text()), Ok(s.tickets.clone()));
        assert!(same_minute(60_000, 119_999) && !same_minute(60_000, 120_000));
    }
}
