//! An exam's settings (issue 19): one set of fields that creating, editing and duplicating an
//! exam share, checked in one place (`exam::manage::ssr::check`, beside the edit page's server
//! functions), the rules of what may change once the exam has opened, and archiving. The form's
//! fields are `pages::settings_form::ExamSettingsFields`; a setting added there and to
//! [`ExamSettings`] and [`SettingsForm`] reaches all three.
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
use crate::proctor::settings::ProctorMode;
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
