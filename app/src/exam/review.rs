//! Review of a handed-in attempt (issue 19, Moodle's quiz "review options"): what a candidate
//! may see of their own attempt, and from when, and the review of one question built from the
//! question, the candidate's paper and their answer. Pure and compiled for both targets: the
//! server decides what to send with [`ReviewOptions::shows`] and [`review_question`]; the page
//! only shows what came.
//!
//! Kept apart from `model` (scoring and presentation) so that what may leave the server after
//! an attempt sits in one short file a reviewer can read whole.

use super::model::{self, Answer, Question, QuestionKind};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// When a part of the review is shown to the candidate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewWhen {
    #[default]
    Never,
    /// As soon as the attempt is handed in (or its time ran out).
    AfterHandIn,
    /// Once the exam is over for everyone (see [`Moment::closed`]).
    AfterClose,
}

impl ReviewWhen {
    pub const ALL: [ReviewWhen; 3] = [ReviewWhen::Never, ReviewWhen::AfterHandIn, ReviewWhen::AfterClose];

    /// The code kept in the exams' `review` JSON and sent by forms.
    pub fn code(self) -> &'static str {
        match self {
            ReviewWhen::Never => "never",
            ReviewWhen::AfterHandIn => "after_hand_in",
            ReviewWhen::AfterClose => "after_close",
        }
    }

    pub fn from_code(code: &str) -> Option<ReviewWhen> {
        ReviewWhen::ALL.into_iter().find(|w| w.code() == code)
    }

    pub fn msg(self) -> Msg {
        match self {
            ReviewWhen::Never => Msg::ReviewNever,
            ReviewWhen::AfterHandIn => Msg::ReviewAfterHandIn,
            ReviewWhen::AfterClose => Msg::ReviewAfterClose,
        }
    }
}

fn after_hand_in() -> ReviewWhen {
    ReviewWhen::AfterHandIn
}

/// What a candidate sees of their handed-in attempt, and when. Stored as JSON in
/// `exams.review`; every field has a default, so '{}' (every exam before issue 19) reads as
/// what those exams showed: the score right after hand-in and nothing else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewOptions {
    /// The points, the mark.
    #[serde(default = "after_hand_in")]
    pub score: ReviewWhen,
    /// The candidate's own answers, each marked right, wrong or partly right with its points.
    #[serde(default)]
    pub answers: ReviewWhen,
    /// The correct answers (the key).
    #[serde(default)]
    pub correct: ReviewWhen,
    /// The feedback of the answers the candidate gave.
    #[serde(default)]
    pub feedback: ReviewWhen,
    /// The question's general feedback (a worked solution: as good as the key).
    #[serde(default)]
    pub general_feedback: ReviewWhen,
}

impl Default for ReviewOptions {
    fn default() -> ReviewOptions {
        ReviewOptions {
            score: ReviewWhen::AfterHandIn,
            answers: ReviewWhen::Never,
            correct: ReviewWhen::Never,
            feedback: ReviewWhen::Never,
            general_feedback: ReviewWhen::Never,
        }
    }
}

/// A part of the review, named as the form's fields are (`review_<name>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewPart {
    Score,
    Answers,
    Correct,
    Feedback,
    GeneralFeedback,
}

impl ReviewPart {
    pub const ALL: [ReviewPart; 5] =
        [ReviewPart::Score, ReviewPart::Answers, ReviewPart::Correct, ReviewPart::Feedback, ReviewPart::GeneralFeedback];

    /// The form field that sets it.
    pub fn field(self) -> &'static str {
        match self {
            ReviewPart::Score => "review_score",
            ReviewPart::Answers => "review_answers",
            ReviewPart::Correct => "review_correct",
            ReviewPart::Feedback => "review_feedback",
            ReviewPart::GeneralFeedback => "review_general_feedback",
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            ReviewPart::Score => Msg::ReviewScore,
            ReviewPart::Answers => Msg::ReviewAnswers,
            ReviewPart::Correct => Msg::ReviewCorrect,
            ReviewPart::Feedback => Msg::ReviewFeedback,
            ReviewPart::GeneralFeedback => Msg::ReviewGeneralFeedback,
        }
    }
}

/// Where an attempt stands when its review is asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moment {
    /// The attempt is handed in (or was closed when its time ran out).
    pub handed_in: bool,
    /// The exam is over for everyone: past its closing time, every accommodated window and
    /// every sitting, and no attempt of it is still running. Papers are drawn from one bank, so
    /// a key shown "after close" while anyone still sits would reach them.
    pub closed: bool,
}

impl ReviewOptions {
    pub fn when(&self, part: ReviewPart) -> ReviewWhen {
        match part {
            ReviewPart::Score => self.score,
            ReviewPart::Answers => self.answers,
            ReviewPart::Correct => self.correct,
            ReviewPart::Feedback => self.feedback,
            ReviewPart::GeneralFeedback => self.general_feedback,
        }
    }

    fn set(&mut self, part: ReviewPart, when: ReviewWhen) {
        match part {
            ReviewPart::Score => self.score = when,
            ReviewPart::Answers => self.answers = when,
            ReviewPart::Correct => self.correct = when,
            ReviewPart::Feedback => self.feedback = when,
            ReviewPart::GeneralFeedback => self.general_feedback = when,
        }
    }

    /// Whether the candidate may see `part` now. Nothing at all before hand-in, whatever the
    /// options say: an open attempt never gets anything from which a key follows.
    pub fn shows(&self, part: ReviewPart, at: Moment) -> bool {
        if !at.handed_in {
            return false;
        }
        match self.when(part) {
            ReviewWhen::Never => false,
            ReviewWhen::AfterHandIn => true,
            ReviewWhen::AfterClose => at.closed,
        }
    }

    /// Reads the form's `review_*` fields (a missing or empty one keeps the default); an
    /// unknown code is the field's error.
    pub fn from_form(fields: &[(ReviewPart, Option<&str>)]) -> Result<ReviewOptions, (ReviewPart, Msg)> {
        let mut options = ReviewOptions::default();
        for (part, raw) in fields {
            match raw.map(str::trim).filter(|s| !s.is_empty()) {
                None => {}
                Some(code) => options.set(*part, ReviewWhen::from_code(code).ok_or((*part, Msg::ErrReviewOption))?),
            }
        }
        Ok(options)
    }

    /// The stored JSON ('{}' and unknown text read as the defaults: a broken cell must not
    /// open the key).
    pub fn parse(stored: &str) -> ReviewOptions {
        serde_json::from_str(stored).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

/// How a question's answer fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Right,
    Partial,
    Wrong,
    /// An essay waiting for the teacher.
    Pending,
}

impl Outcome {
    pub fn of(scored: &model::Scored) -> Outcome {
        if scored.needs_manual {
            Outcome::Pending
        } else if scored.points_awarded >= f64::from(scored.max) - 1e-9 && scored.max > 0 {
            Outcome::Right
        } else if scored.points_awarded > 1e-9 {
            Outcome::Partial
        } else {
            Outcome::Wrong
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            Outcome::Right => Msg::ReviewRight,
            Outcome::Partial => Msg::ReviewPartial,
            Outcome::Wrong => Msg::ReviewWrong,
            Outcome::Pending => Msg::AwaitingGrading,
        }
    }
}

/// One question of a handed-in attempt as its candidate may see it now. Every part the options
/// do not allow is None (or empty), not merely hidden by the page: it is never sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewQuestion {
    pub number: usize,
    pub kind: QuestionKind,
    pub text: String,
    pub points: u32,
    /// The question's picture, at the attempt's own address.
    pub picture: Option<String>,
    /// The candidate's answer, one line each: chosen options in the order they were shown,
    /// the typed text, "left → right" pairs, items in the order given.
    pub answer: Option<Vec<String>>,
    /// With the answer: how it fared and its points.
    pub outcome: Option<Outcome>,
    pub awarded: Option<f64>,
    /// The correct answer, lines as `answer`'s.
    pub correct: Option<Vec<String>>,
    /// The feedback of the answers the candidate gave.
    pub feedback: Vec<String>,
    pub general_feedback: Option<String>,
}

/// A handed-in attempt as its candidate may review it now (`exam/review`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AttemptReview {
    pub attempt_id: i64,
    pub exam_title: String,
    /// The score and mark, when shown (`score_shown`).
    pub score: Option<f64>,
    pub max_points: Option<i64>,
    pub mark: Option<String>,
    pub score_shown: bool,
    /// The questions in the candidate's order; empty when no part of them is shown.
    pub questions: Vec<ReviewQuestion>,
    /// More is shown once the exam is over for everyone.
    pub more_after_close: bool,
}

/// What a review may carry of one question: the parts the options allow now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shown {
    pub answers: bool,
    pub correct: bool,
    pub feedback: bool,
    pub general_feedback: bool,
}

impl Shown {
    pub fn at(options: &ReviewOptions, at: Moment) -> Shown {
        Shown {
            answers: options.shows(ReviewPart::Answers, at),
            correct: options.shows(ReviewPart::Correct, at),
            feedback: options.shows(ReviewPart::Feedback, at),
            general_feedback: options.shows(ReviewPart::GeneralFeedback, at),
        }
    }

    /// Everything: the exam's teacher, the journal's readers.
    pub const ALL: Shown = Shown { answers: true, correct: true, feedback: true, general_feedback: true };
}

/// The review of question `number` (from 1) of a paper: the question, the seed its options were
/// shuffled with for this candidate (they see them in the same order as during the attempt),
/// their stored answer (original indexes) and the points stored for it, if any (a teacher's
/// grade of an essay; otherwise it is scored again, as at hand-in).
pub fn review_question(
    number: usize,
    q: &Question,
    seed: u64,
    answer: Option<&Answer>,
    stored_points: Option<f64>,
    shown: Shown,
) -> ReviewQuestion {
    let presented = model::present(q, seed);
    let empty = match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => Answer::Choice(Vec::new()),
        QuestionKind::Short | QuestionKind::Essay | QuestionKind::Calculated => Answer::Text(String::new()),
        QuestionKind::Matching => Answer::Matching(Vec::new()),
        QuestionKind::Ordering => Answer::Order(Vec::new()),
        QuestionKind::Cloze | QuestionKind::DragText => Answer::Gaps(Vec::new()),
    };
    let answer = answer.unwrap_or(&empty);
    let scored = model::score_paper(q, seed, answer);
    let awarded = stored_points.unwrap_or(scored.points_awarded);
    let outcome = if scored.needs_manual && stored_points.is_some() {
        // A graded essay: as its points say.
        Outcome::of(&model::Scored { points_awarded: awarded, max: q.points, needs_manual: false })
    } else {
        Outcome::of(&scored)
    };
    let option = |i: usize| q.options.get(i).cloned().unwrap_or_default();
    let right_item = |i: usize| q.right.get(i).cloned().unwrap_or_default();
    let answer_lines = match answer {
        // In the order the candidate saw the options, not the bank's.
        Answer::Choice(chosen) => presented.order.iter().filter(|i| chosen.contains(i)).map(|&i| option(i)).collect(),
        Answer::Text(text) if text.trim().is_empty() => Vec::new(),
        Answer::Text(text) => vec![text.clone()],
        Answer::Matching(picks) => {
            presented.order.iter().filter_map(|&left| Some(format!("{} → {}", option(left), right_item((*picks.get(left)?)?)))).collect()
        }
        Answer::Order(order) => order.iter().map(|&i| option(i)).collect(),
        Answer::Gaps(gaps) => super::gaps::review(q, gaps).answer,
    };
    let correct_lines = match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            presented.order.iter().filter(|i| q.correct.contains(i)).map(|&i| option(i)).collect()
        }
        // The accepted answers worth all the points (all of them without weights), a number
        // with its base unit when units are in use.
        QuestionKind::Short => q
            .accepted
            .iter()
            .enumerate()
            .filter(|(i, _)| q.weights.get(*i).is_none_or(|w| *w >= 1.0 - 1e-9))
            .map(|(_, a)| q.units.as_ref().filter(|u| u.in_use()).map_or_else(|| a.clone(), |u| u.with_base(a)))
            .collect(),
        QuestionKind::Matching => presented
            .order
            .iter()
            .map(|&left| format!("{} → {}", option(left), q.correct.get(left).map(|&r| right_item(r)).unwrap_or_default()))
            .collect(),
        QuestionKind::Ordering => q.options.clone(),
        QuestionKind::Essay => Vec::new(),
        QuestionKind::Cloze | QuestionKind::DragText => super::gaps::review(q, &[]).correct,
        // The values of this candidate's paper, worked out.
        QuestionKind::Calculated => q.calculated.as_ref().map(|c| c.right_answers(seed)).unwrap_or_default(),
    };
    // Feedback of what the candidate answered: the chosen options', or the best accepted
    // answer's the text matched.
    let feedback_of = |i: usize| q.feedback.get(i).map(|f| f.trim().to_string()).filter(|f| !f.is_empty());
    let feedback: Vec<String> = match (q.kind, answer) {
        (QuestionKind::Single | QuestionKind::Multiple, Answer::Choice(chosen)) => {
            presented.order.iter().filter(|i| chosen.contains(i)).filter_map(|&i| feedback_of(i)).collect()
        }
        (QuestionKind::Short, Answer::Text(text)) if !text.trim().is_empty() => {
            model::matched_accepted(q, text).and_then(feedback_of).into_iter().collect()
        }
        (QuestionKind::Cloze, Answer::Gaps(gaps)) => super::gaps::review(q, gaps).feedback,
        (QuestionKind::Calculated, Answer::Text(text)) => q
            .calculated
            .as_ref()
            .and_then(|c| c.best_match(seed, text).and_then(|(i, _)| c.answers.get(i)))
            .map(|a| a.feedback.trim().to_string())
            .filter(|f| !f.is_empty())
            .into_iter()
            .collect(),
        _ => Vec::new(),
    };
    let general = q.general_feedback.trim();
    ReviewQuestion {
        number,
        kind: q.kind,
        // As the paper showed it: a calculated question with this candidate's values; a gap
        // question's blanks (its text holds its answers).
        text: presented.text.clone(),
        points: q.points,
        picture: None,
        answer: shown.answers.then_some(answer_lines),
        outcome: shown.answers.then_some(outcome),
        awarded: shown.answers.then_some(awarded),
        correct: shown.correct.then_some(correct_lines),
        feedback: if shown.feedback { feedback } else { Vec::new() },
        general_feedback: (shown.general_feedback && !general.is_empty()).then(|| general.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOSED: Moment = Moment { handed_in: true, closed: true };
    const HANDED_IN: Moment = Moment { handed_in: true, closed: false };
    const OPEN: Moment = Moment { handed_in: false, closed: false };

    #[test]
    fn stored_exams_keep_todays_review_score_only_after_hand_in() {
        let o = ReviewOptions::parse("{}");
        assert_eq!(o, ReviewOptions::default());
        assert!(o.shows(ReviewPart::Score, HANDED_IN));
        for part in [ReviewPart::Answers, ReviewPart::Correct, ReviewPart::Feedback, ReviewPart::GeneralFeedback] {
            assert!(!o.shows(part, CLOSED), "{part:?}");
        }
        // A cell that does not read is the defaults, never "everything".
        assert_eq!(ReviewOptions::parse("not json"), ReviewOptions::default());
        assert_eq!(ReviewOptions::parse(&o.to_json()), o);
    }

    #[test]
    fn nothing_is_shown_before_hand_in_whatever_the_options() {
        let all = ReviewOptions {
            score: ReviewWhen::AfterHandIn,
            answers: ReviewWhen::AfterHandIn,
            correct: ReviewWhen::AfterHandIn,
            feedback: ReviewWhen::AfterClose,
            general_feedback: ReviewWhen::AfterHandIn,
        };
        for part in ReviewPart::ALL {
            assert!(!all.shows(part, OPEN), "{part:?}");
            assert!(!all.shows(part, Moment { handed_in: false, closed: true }), "{part:?}");
        }
        assert!(all.shows(ReviewPart::Correct, HANDED_IN));
        assert!(!all.shows(ReviewPart::Feedback, HANDED_IN));
        assert!(all.shows(ReviewPart::Feedback, CLOSED));
    }

    #[test]
    fn the_form_sets_each_part_and_refuses_an_unknown_code_at_its_field() {
        let o = ReviewOptions::from_form(&[
            (ReviewPart::Score, Some("after_close")),
            (ReviewPart::Correct, Some(" after_hand_in ")),
            (ReviewPart::Feedback, Some("")),
            (ReviewPart::Answers, None),
        ])
        .unwrap();
        assert_eq!(o.score, ReviewWhen::AfterClose);
        assert_eq!(o.correct, ReviewWhen::AfterHandIn);
        assert_eq!(o.feedback, ReviewWhen::Never);
        assert_eq!(o.answers, ReviewWhen::Never);
        assert_eq!(
            ReviewOptions::from_form(&[(ReviewPart::GeneralFeedback, Some("always"))]),
            Err((ReviewPart::GeneralFeedback, Msg::ErrReviewOption))
        );
    }

    fn single() -> Question {
        let mut q = Question::new(QuestionKind::Single, "2 + 2 = ?");
        q.options = vec!["3".into(), "4".into(), "5".into()];
        q.correct = vec![1];
        q.points = 2;
        q.feedback = vec!["Counted one short".into(), "Yes".into(), String::new()];
        q.general_feedback = "Two and two make four.".into();
        q
    }

    #[test]
    fn a_review_carries_only_the_parts_shown() {
        let q = single();
        let hidden = review_question(1, &q, 7, Some(&Answer::Choice(vec![0])), None, Shown::at(&ReviewOptions::default(), CLOSED));
        assert_eq!((hidden.answer.clone(), hidden.outcome, hidden.awarded, hidden.correct.clone()), (None, None, None, None));
        assert!(hidden.feedback.is_empty() && hidden.general_feedback.is_none());
        // Nothing of the key in what would be sent: neither the right option's text nor its feedback.
        let json = serde_json::to_string(&hidden).unwrap();
        assert!(!json.contains("\"4\"") && !json.contains("Yes") && !json.contains("four"), "{json}");

        let all = review_question(1, &q, 7, Some(&Answer::Choice(vec![0])), None, Shown::ALL);
        assert_eq!(all.answer, Some(vec!["3".to_string()]));
        assert_eq!(all.outcome, Some(Outcome::Wrong));
        assert_eq!(all.awarded, Some(0.0));
        assert_eq!(all.correct, Some(vec!["4".to_string()]));
        assert_eq!(all.feedback, vec!["Counted one short".to_string()]);
        assert_eq!(all.general_feedback.as_deref(), Some("Two and two make four."));
    }

    #[test]
    fn outcomes_and_answers_of_each_kind_read_as_the_candidate_saw_them() {
        let mut m = Question::new(QuestionKind::Multiple, "Primes?");
        m.options = vec!["2".into(), "3".into(), "4".into()];
        m.correct = vec![0, 1];
        let r = review_question(2, &m, 3, Some(&Answer::Choice(vec![0])), None, Shown::ALL);
        assert_eq!(r.outcome, Some(Outcome::Partial));
        assert_eq!(r.awarded, Some(0.5));
        // Shown in the paper's order.
        let order = model::present(&m, 3).order;
        let expect: Vec<String> = order.iter().filter(|i| [0, 1].contains(*i)).map(|&i| m.options[i].clone()).collect();
        assert_eq!(r.correct, Some(expect));

        let mut s = Question::new(QuestionKind::Short, "Capital?");
        s.accepted = vec!["Астана".into(), "Нұр-Сұлтан".into()];
        s.feedback = vec!["Since 2022".into(), "Its name 2019–2022".into()];
        let r = review_question(3, &s, 1, Some(&Answer::Text("нұр-сұлтан".into())), None, Shown::ALL);
        assert_eq!(r.outcome, Some(Outcome::Right));
        assert_eq!(r.answer, Some(vec!["нұр-сұлтан".to_string()]));
        assert_eq!(r.feedback, vec!["Its name 2019–2022".to_string()]);
        let none = review_question(3, &s, 1, None, None, Shown::ALL);
        assert_eq!((none.answer, none.outcome), (Some(Vec::new()), Some(Outcome::Wrong)));

        let mut o = Question::new(QuestionKind::Ordering, "Order");
        o.options = vec!["a".into(), "b".into(), "c".into()];
        let r = review_question(4, &o, 1, Some(&Answer::Order(vec![1, 0, 2])), None, Shown::ALL);
        assert_eq!(r.answer, Some(vec!["b".into(), "a".into(), "c".into()]));
        assert_eq!(r.correct, Some(vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(r.outcome, Some(Outcome::Wrong));

        let e = Question::new(QuestionKind::Essay, "Write");
        let r = review_question(5, &e, 1, Some(&Answer::Text("text".into())), None, Shown::ALL);
        assert_eq!(r.outcome, Some(Outcome::Pending));
        let graded = review_question(5, &e, 1, Some(&Answer::Text("text".into())), Some(1.0), Shown::ALL);
        assert_eq!((graded.outcome, graded.awarded), (Some(Outcome::Right), Some(1.0)));
    }
}
