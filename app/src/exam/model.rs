//! The question bank's domain (EXM-2): questions of six kinds, what a candidate sees of one and
//! sends back, scoring, drawing a test's questions from the bank, item analysis and the marks
//! scales. Compiled for the server and the browser alike (pure functions, serde and std only):
//! the page shuffles options the same way the server does and shows the same scores.
//!
//! Leaves it uses: the size limits (`limits`), the seeded generator (`rng`) and reading typed
//! answers (`typed`). The kinds with parts of their own (`gaps`, `calculated`) sit below this
//! file and never import it.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

pub use super::limits::{MAX_OPTION, MAX_OPTIONS, MAX_POINTS, MAX_TEXT, MAX_TOPIC};
pub use super::rng::Rng;
use super::typed::short_matches;
pub use super::typed::{normalize_short, parse_number};

/// How a question is answered and scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum QuestionKind {
    /// One option is correct.
    Single,
    /// Any number of options (at least one) are correct.
    Multiple,
    /// A typed word, phrase or number checked against accepted answers.
    Short,
    /// Each left item is matched with one of the right items.
    Matching,
    /// The items are put in order.
    Ordering,
    /// A free text a teacher grades.
    Essay,
    /// Moodle's embedded answers ("cloze"): gaps written into the text (see [`super::gaps`]).
    Cloze,
    /// Moodle's drag and drop into text: `[[n]]` gaps filled from `options` (see [`super::gaps`]).
    DragText,
    /// A number worked out from values drawn per candidate (Moodle's calculated question; see
    /// [`super::calculated`]).
    Calculated,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 9] = [
        QuestionKind::Single,
        QuestionKind::Multiple,
        QuestionKind::Short,
        QuestionKind::Matching,
        QuestionKind::Ordering,
        QuestionKind::Essay,
        QuestionKind::Cloze,
        QuestionKind::DragText,
        QuestionKind::Calculated,
    ];

    /// The stable code kept in the database and forms.
    pub fn code(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::Short => "short",
            QuestionKind::Matching => "matching",
            QuestionKind::Ordering => "ordering",
            QuestionKind::Essay => "essay",
            QuestionKind::Cloze => "cloze",
            QuestionKind::DragText => "drag_text",
            QuestionKind::Calculated => "calculated",
        }
    }

    pub fn from_code(code: &str) -> Option<QuestionKind> {
        QuestionKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The kind's name in the interface.
    pub fn msg(self) -> Msg {
        match self {
            QuestionKind::Single => Msg::ExamKindSingle,
            QuestionKind::Multiple => Msg::ExamKindMultiple,
            QuestionKind::Short => Msg::ExamKindShort,
            QuestionKind::Matching => Msg::ExamKindMatching,
            QuestionKind::Ordering => Msg::ExamKindOrdering,
            QuestionKind::Essay => Msg::ExamKindEssay,
            QuestionKind::Cloze => Msg::ExamKindCloze,
            QuestionKind::DragText => Msg::ExamKindDragText,
            QuestionKind::Calculated => Msg::ExamKindCalculated,
        }
    }

    /// Whether a computer can score it (all but essays).
    pub fn is_auto_scored(self) -> bool {
        self != QuestionKind::Essay
    }
}

fn default_points() -> u32 {
    1
}

/// A question of the bank, with its key.
///
/// What each field holds depends on the kind:
///
/// | kind     | `options`                     | `right`           | `correct`                                   | `accepted` / `tolerance`  |
/// |----------|-------------------------------|-------------------|---------------------------------------------|---------------------------|
/// | Single   | the choices                   | empty             | the one correct option's index              | empty                     |
/// | Multiple | the choices                   | empty             | the correct options' indexes                | empty                     |
/// | Short    | empty                         | empty             | empty                                       | accepted answers; tolerance for numeric ones; `units` for numerical ones |
/// | Matching | the left items                | the right items   | `correct[i]` = index in `right` of left `i`'s match | empty             |
/// | Ordering | the items, in the correct order | empty           | empty                                       | empty                     |
/// | Essay    | empty                         | empty             | empty                                       | empty                     |
/// | Cloze    | empty: the gaps and their answers are written in `text` | empty | empty                   | empty                     |
/// | DragText | the choices (`groups`, `unlimited` per choice) | empty | empty: gap `[[n]]` is right with choice n | empty |
/// | Calculated | empty                       | empty             | empty                                       | empty; all in `calculated` |
///
/// Matching may have more right items than left ones (distractors), and two left items may share
/// a right one. Ordering keeps its items in the correct order so that there is no key to get
/// out of step with them; [`present`] shuffles them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub kind: QuestionKind,
    /// The stem.
    pub text: String,
    #[serde(default)]
    pub options: Vec<String>,
    #[serde(default)]
    pub right: Vec<String>,
    #[serde(default)]
    pub correct: Vec<usize>,
    #[serde(default)]
    pub accepted: Vec<String>,
    /// For short answers: a typed number within this distance of a numeric accepted answer is
    /// right. None is an exact match (numerically: "2,50" is still 2.5).
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// For short answers whose numeric answers each have their own tolerance (Moodle's
    /// numerical question: `=1822:0 =%50%1822:2`): one per accepted answer, in place of
    /// `tolerance`. Empty: `tolerance` for all.
    #[serde(default)]
    pub tolerances: Vec<f64>,
    /// Partial credit as Moodle's percentages give it: one share of the points, from -1 to 1,
    /// per option (single and multiple choice) or per accepted answer (short answers); `%50%`
    /// is 0.5. Empty: a correct option or an accepted answer is worth all the points (see
    /// [`score`]). With weights, `correct` holds the options with a positive weight (single
    /// choice: those worth everything).
    #[serde(default)]
    pub weights: Vec<f64>,
    /// For short answers: "Абай" and "абай" differ (Moodle's "case sensitive"). Off by default.
    #[serde(default)]
    pub case_sensitive: bool,
    #[serde(default = "default_points")]
    pub points: u32,
    /// The bank's topic the question is drawn under; may be empty.
    #[serde(default)]
    pub topic: String,
    /// A media key of a picture shown with the question; carried, not checked here.
    #[serde(default)]
    pub image: Option<String>,
    /// Feedback a candidate may be shown after the attempt (as the exam's review options
    /// allow), one per option (single and multiple choice) or per accepted answer (short
    /// answers), in their order; empty strings where an answer has none. Empty: none at all.
    #[serde(default)]
    pub feedback: Vec<String>,
    /// Feedback shown whatever the answer (Moodle's "general feedback"), e.g. the worked solution.
    #[serde(default)]
    pub general_feedback: String,
    /// Drag and drop into text: each choice's group (1 and up); a gap offers the choices of its
    /// right choice's group. Empty: all in group 1.
    #[serde(default)]
    pub groups: Vec<u32>,
    /// Drag and drop into text: whether a choice may fill more than one gap. Empty: none may.
    #[serde(default)]
    pub unlimited: Vec<bool>,
    /// For calculated questions: the variables, formulas and unit (None for other kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculated: Option<super::calculated::Calculated>,
    /// For numerical short answers: their units and how they are graded and given (see
    /// [`super::units`]); None: a bare number, as before units existed (and for other kinds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<super::units::Units>,
}

impl Question {
    /// A question of the kind with only a text, worth 1 point: fill in the rest.
    pub fn new(kind: QuestionKind, text: impl Into<String>) -> Question {
        Question {
            kind,
            text: text.into(),
            options: Vec::new(),
            right: Vec::new(),
            correct: Vec::new(),
            accepted: Vec::new(),
            tolerance: None,
            tolerances: Vec::new(),
            weights: Vec::new(),
            case_sensitive: false,
            points: 1,
            topic: String::new(),
            image: None,
            feedback: Vec::new(),
            general_feedback: String::new(),
            groups: Vec::new(),
            unlimited: Vec::new(),
            calculated: None,
            units: None,
        }
    }

    /// Whether the question can be asked and scored: the first problem found, if any.
    ///
    /// Every kind: a text of 1 to [`MAX_TEXT`] characters (not just spaces), 1 to [`MAX_POINTS`]
    /// points, a topic of at most [`MAX_TOPIC`] characters; options (and right items, accepted
    /// answers) not empty, at most [`MAX_OPTION`] characters each and at most [`MAX_OPTIONS`]
    /// of them. Then single: at least 2 options, all different, exactly one correct; multiple: at
    /// least 2 options, all different, at least one correct, none twice; short: at least one
    /// accepted answer and a finite non-negative tolerance, and units as
    /// [`super::units::Units::validate`] wants them (no other kind has units); matching: at least 2 left items, all
    /// different, each with a right item; ordering: at least 2 items, all different.
    pub fn validate(&self) -> Result<(), Msg> {
        let text = self.text.trim();
        if text.is_empty() {
            return Err(Msg::ErrExamTextRequired);
        }
        if text.chars().count() > MAX_TEXT {
            return Err(Msg::ErrExamTextTooLong);
        }
        if self.points == 0 || self.points > MAX_POINTS {
            return Err(Msg::ErrExamPointsInvalid);
        }
        if self.topic.trim().chars().count() > MAX_TOPIC {
            return Err(Msg::ErrExamTopicTooLong);
        }
        for list in [&self.options, &self.right] {
            if list.len() > MAX_OPTIONS {
                return Err(Msg::ErrExamTooManyOptions);
            }
            check_items(list)?;
        }
        if self.accepted.len() > MAX_OPTIONS {
            return Err(Msg::ErrExamTooManyOptions);
        }
        if self.accepted.iter().any(|a| a.trim().is_empty()) {
            return Err(Msg::ErrExamAcceptedEmpty);
        }
        if self.accepted.iter().any(|a| a.trim().chars().count() > MAX_OPTION) {
            return Err(Msg::ErrExamOptionTooLong);
        }
        // Feedback: one per answer, or none; each no longer than a stem.
        let answers = match self.kind {
            QuestionKind::Single | QuestionKind::Multiple => self.options.len(),
            QuestionKind::Short => self.accepted.len(),
            _ => 0,
        };
        if self.units.is_some() && self.kind != QuestionKind::Short {
            return Err(Msg::ErrUnitsNeedNumbers);
        }
        if !self.feedback.is_empty() && self.feedback.len() != answers {
            return Err(Msg::ErrExamFeedbackCount);
        }
        if self.feedback.iter().chain([&self.general_feedback]).any(|f| f.trim().chars().count() > MAX_TEXT) {
            return Err(Msg::ErrExamTextTooLong);
        }
        let options_distinct = || {
            let mut seen: Vec<&str> = self.options.iter().map(|o| o.trim()).collect();
            seen.sort_unstable();
            let before = seen.len();
            seen.dedup();
            if seen.len() == before {
                Ok(())
            } else {
                Err(Msg::ErrExamDuplicateOption)
            }
        };
        let in_range = |list: &[usize], len: usize| {
            if list.iter().all(|&i| i < len) {
                Ok(())
            } else {
                Err(Msg::ErrExamCorrectOutOfRange)
            }
        };
        match self.kind {
            QuestionKind::Single => {
                if self.options.len() < 2 {
                    return Err(Msg::ErrExamTooFewOptions);
                }
                options_distinct()?;
                in_range(&self.correct, self.options.len())?;
                // With weights, several options may be worth everything, as in Moodle.
                if self.correct.is_empty() || (self.weights.is_empty() && self.correct.len() != 1) {
                    return Err(Msg::ErrExamSingleNeedsOneCorrect);
                }
            }
            QuestionKind::Multiple => {
                if self.options.len() < 2 {
                    return Err(Msg::ErrExamTooFewOptions);
                }
                options_distinct()?;
                in_range(&self.correct, self.options.len())?;
                if self.correct.is_empty() {
                    return Err(Msg::ErrExamNoCorrect);
                }
                let mut sorted = self.correct.clone();
                sorted.sort_unstable();
                sorted.dedup();
                if sorted.len() != self.correct.len() {
                    return Err(Msg::ErrExamDuplicateOption);
                }
            }
            QuestionKind::Short => {
                if self.accepted.is_empty() {
                    return Err(Msg::ErrExamNoAcceptedAnswer);
                }
                if self.tolerance.is_some_and(|t| !t.is_finite() || t < 0.0) {
                    return Err(Msg::ErrExamToleranceInvalid);
                }
                if let Some(units) = &self.units {
                    units.validate(&self.accepted)?;
                }
            }
            QuestionKind::Matching => {
                if self.options.len() < 2 {
                    return Err(Msg::ErrExamTooFewPairs);
                }
                options_distinct()?;
                if self.correct.len() != self.options.len() || self.right.is_empty() {
                    return Err(Msg::ErrExamPairIncomplete);
                }
                in_range(&self.correct, self.right.len())?;
            }
            QuestionKind::Ordering => {
                if self.options.len() < 2 {
                    return Err(Msg::ErrExamTooFewItems);
                }
                options_distinct()?;
            }
            QuestionKind::Essay => {}
            QuestionKind::Cloze | QuestionKind::DragText => super::gaps::validate(self).map_err(|e| e.problem)?,
            QuestionKind::Calculated => match &self.calculated {
                Some(calculated) => calculated.validate(&self.text)?,
                None => return Err(Msg::ErrExamNoAcceptedAnswer),
            },
        }
        self.validate_credit()
    }

    /// Weights and per-answer tolerances (see the fields): one per option or accepted answer,
    /// in range, agreeing with `correct`, and full marks reachable: single choice and short
    /// answers need an answer worth everything, multiple choice positive weights that add up to
    /// everything (as Moodle requires, within rounding: three times 33.333% is full marks).
    fn validate_credit(&self) -> Result<(), Msg> {
        const SLACK: f64 = 1e-3;
        let answers = match self.kind {
            QuestionKind::Single | QuestionKind::Multiple => self.options.len(),
            QuestionKind::Short => self.accepted.len(),
            _ => 0,
        };
        if !self.tolerances.is_empty()
            && (self.kind != QuestionKind::Short
                || self.tolerances.len() != self.accepted.len()
                || self.tolerances.iter().any(|t| !t.is_finite() || *t < 0.0))
        {
            return Err(Msg::ErrExamToleranceInvalid);
        }
        if self.weights.is_empty() {
            return Ok(());
        }
        if answers == 0 || self.weights.len() != answers || self.weights.iter().any(|w| !w.is_finite() || w.abs() > 1.0 + 1e-9) {
            return Err(Msg::ErrExamWeightInvalid);
        }
        let full: Vec<usize> = (0..answers).filter(|&i| self.weights[i] >= 1.0 - 1e-9).collect();
        let positive: Vec<usize> = (0..answers).filter(|&i| self.weights[i] > 0.0).collect();
        match self.kind {
            QuestionKind::Single if full.is_empty() || self.correct != full => Err(Msg::ErrExamWeightsNeedFull),
            QuestionKind::Short if full.is_empty() => Err(Msg::ErrExamWeightsNeedFull),
            QuestionKind::Multiple => {
                let sum: f64 = positive.iter().map(|&i| self.weights[i]).sum();
                if (sum - 1.0).abs() > SLACK || self.correct != positive {
                    Err(Msg::ErrExamWeightsSum)
                } else {
                    Ok(())
                }
            }
            _ => Ok(()),
        }
    }

    /// Each accepted answer with the share of the points it gives and its tolerance.
    pub fn credited_answers(&self) -> impl Iterator<Item = (&str, f64, Option<f64>)> + '_ {
        self.accepted.iter().enumerate().map(|(i, a)| {
            let (weight, tolerance) = self.accepted_credit(i);
            (a.as_str(), weight, tolerance)
        })
    }

    /// The share of the points accepted answer `i` gives, and the tolerance it is read with.
    pub(super) fn accepted_credit(&self, i: usize) -> (f64, Option<f64>) {
        let weight = self.weights.get(i).copied().unwrap_or(1.0);
        let tolerance = self.tolerances.get(i).copied().or(self.tolerance);
        (weight, tolerance)
    }
}

fn check_items(items: &[String]) -> Result<(), Msg> {
    for item in items {
        let item = item.trim();
        if item.is_empty() {
            return Err(Msg::ErrExamOptionEmpty);
        }
        if item.chars().count() > MAX_OPTION {
            return Err(Msg::ErrExamOptionTooLong);
        }
    }
    Ok(())
}

/// What the gap questions' code reads of a question (see [`super::gaps::GapSource`]).
impl<'a> From<&'a Question> for super::gaps::GapSource<'a> {
    fn from(q: &'a Question) -> Self {
        use super::gaps::GapQuestion;
        super::gaps::GapSource {
            kind: match q.kind {
                QuestionKind::Cloze => Some(GapQuestion::Cloze),
                QuestionKind::DragText => Some(GapQuestion::DragText),
                _ => None,
            },
            text: &q.text,
            options: &q.options,
            groups: &q.groups,
            unlimited: &q.unlimited,
        }
    }
}

/// An answer in terms of the question's ORIGINAL indexes: what is stored and scored. The page
/// never sees these indexes; it sends a [`PaperAnswer`] naming options by their per-attempt
/// ids, which the server resolves to this. An unanswered question is an empty answer: no
/// choice, an empty text, no pair, no order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// Single and multiple choice: the chosen options.
    Choice(Vec<usize>),
    /// Short answers and essays.
    Text(String),
    /// Per left item, the right item chosen for it (None: left unmatched).
    Matching(Vec<Option<usize>>),
    /// Ordering: the items' original indexes in the order the candidate put them.
    Order(Vec<usize>),
    /// Embedded answers and drag and drop into text: per gap, what was typed or picked (None:
    /// left empty). See [`super::gaps::GapAnswer`].
    Gaps(Vec<Option<super::gaps::GapAnswer>>),
}

impl Answer {
    /// Nothing chosen, typed or placed.
    pub fn is_empty(&self) -> bool {
        match self {
            Answer::Choice(v) | Answer::Order(v) => v.is_empty(),
            Answer::Text(s) => s.trim().is_empty(),
            Answer::Matching(v) => v.iter().all(Option::is_none),
            Answer::Gaps(v) => v.iter().flatten().all(super::gaps::GapAnswer::is_empty),
        }
    }
}

/// A question as a candidate sees it: no key, options in a shuffled order. `order[p]` is the
/// original index of the option shown at position `p` (so `options[p] == question.options[order[p]]`),
/// and `right_order` likewise for matching's right items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PresentedQuestion {
    pub kind: QuestionKind,
    pub text: String,
    /// Choices, matching's left items or the items to order, in the order shown.
    pub options: Vec<String>,
    pub order: Vec<usize>,
    /// Matching's right items, in the order shown.
    pub right: Vec<String>,
    pub right_order: Vec<usize>,
    pub points: u32,
    pub image: Option<String>,
    /// Gap kinds: the text around the gaps (one more piece than gaps); `text` then shows each
    /// gap as a blank.
    #[serde(default)]
    pub pieces: Vec<String>,
    /// Gap kinds: each gap as shown, without its answer.
    #[serde(default)]
    pub gaps: Vec<super::gaps::PresentedGap>,
    /// A calculated question's unit, shown after the answer box ("" for none and other kinds).
    #[serde(default)]
    pub unit: String,
    /// A numerical short answer's units as the paper shows them (None when not in use).
    #[serde(default)]
    pub units: Option<super::units::PaperUnits>,
}

impl PresentedQuestion {
    /// A choice answer from the positions the candidate ticked on screen.
    pub fn choice_answer(&self, shown: &[usize]) -> Answer {
        Answer::Choice(shown.iter().filter_map(|&p| self.order.get(p).copied()).collect())
    }

    /// An ordering answer from the shown positions in the order the candidate put them.
    pub fn order_answer(&self, shown: &[usize]) -> Answer {
        Answer::Order(shown.iter().filter_map(|&p| self.order.get(p).copied()).collect())
    }

    /// A matching answer from, per shown left item, the shown right item picked for it.
    pub fn matching_answer(&self, shown: &[Option<usize>]) -> Answer {
        let mut per_left = vec![None; self.order.len()];
        for (p, pick) in shown.iter().enumerate() {
            if let Some(&left) = self.order.get(p) {
                per_left[left] = pick.and_then(|r| self.right_order.get(r).copied());
            }
        }
        Answer::Matching(per_left)
    }
}

/// The names a paper gives a question's options: `options[i]` names option (or left item) `i`
/// of the bank's question, `right[i]` matching's right item `i`. They are opaque and differ
/// from one attempt to the next (the server derives them from the attempt's secret), so a
/// paper carries nothing from which the original order, and with it the key, follows: an
/// ordering's items are kept in the correct order and a matching's right items often are.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OptionIds {
    pub options: Vec<String>,
    pub right: Vec<String>,
}

/// What the candidate's page sends for a question: options named by the ids of their paper
/// (see [`OptionIds`]), never by their place in the bank. The server maps it to an [`Answer`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaperAnswer {
    /// Single and multiple choice: the chosen options' ids.
    Choice(Vec<String>),
    /// Short answers and essays.
    Text(String),
    /// Matching: (left item's id, the id of the right item chosen for it); unmatched left
    /// items are left out.
    Matching(Vec<(String, String)>),
    /// Ordering: the items' ids in the order the candidate put them.
    Order(Vec<String>),
    /// Gap kinds: per gap, the text typed or the id of the option picked (None: left empty).
    Gaps(Vec<Option<super::gaps::GapPick>>),
}

impl PaperAnswer {
    /// The answer in the question's original indexes; None when it names an option the paper
    /// does not have (a forged or stale answer), which is refused rather than scored.
    pub fn resolve(&self, ids: &OptionIds) -> Option<Answer> {
        let find = |list: &[String], id: &str| list.iter().position(|x| x == id);
        let all = |list: &[String], chosen: &[String]| chosen.iter().map(|id| find(list, id)).collect::<Option<Vec<usize>>>();
        Some(match self {
            PaperAnswer::Choice(chosen) => Answer::Choice(all(&ids.options, chosen)?),
            PaperAnswer::Text(text) => Answer::Text(text.clone()),
            PaperAnswer::Order(order) => Answer::Order(all(&ids.options, order)?),
            PaperAnswer::Matching(pairs) => {
                let mut per_left = vec![None; ids.options.len()];
                for (left, right) in pairs {
                    per_left[find(&ids.options, left)?] = Some(find(&ids.right, right)?);
                }
                Answer::Matching(per_left)
            }
            PaperAnswer::Gaps(picks) => Answer::Gaps(
                picks
                    .iter()
                    .map(|pick| match pick {
                        None => Some(None),
                        Some(super::gaps::GapPick::Text(text)) => Some(Some(super::gaps::GapAnswer::Text(text.clone()))),
                        Some(super::gaps::GapPick::Choice(id)) => find(&ids.options, id).map(|i| Some(super::gaps::GapAnswer::Choice(i))),
                        Some(super::gaps::GapPick::Choices(ticked)) => {
                            all(&ids.options, ticked).map(|i| Some(super::gaps::GapAnswer::Choices(i)))
                        }
                    })
                    .collect::<Option<Vec<_>>>()?,
            ),
        })
    }

    /// A saved answer as the paper names it (for showing it again after a reload). Indexes the
    /// question no longer has are dropped.
    pub fn of(answer: &Answer, ids: &OptionIds) -> PaperAnswer {
        let name = |list: &[String], chosen: &[usize]| -> Vec<String> { chosen.iter().filter_map(|&i| list.get(i).cloned()).collect() };
        match answer {
            Answer::Choice(chosen) => PaperAnswer::Choice(name(&ids.options, chosen)),
            Answer::Text(text) => PaperAnswer::Text(text.clone()),
            Answer::Order(order) => PaperAnswer::Order(name(&ids.options, order)),
            Answer::Matching(picks) => PaperAnswer::Matching(
                picks
                    .iter()
                    .enumerate()
                    .filter_map(|(left, pick)| Some((ids.options.get(left)?.clone(), ids.right.get((*pick)?)?.clone())))
                    .collect(),
            ),
            Answer::Gaps(gaps) => PaperAnswer::Gaps(
                gaps.iter()
                    .map(|gap| match gap {
                        Some(super::gaps::GapAnswer::Text(text)) => Some(super::gaps::GapPick::Text(text.clone())),
                        Some(super::gaps::GapAnswer::Choice(i)) => ids.options.get(*i).cloned().map(super::gaps::GapPick::Choice),
                        Some(super::gaps::GapAnswer::Choices(ticked)) => Some(super::gaps::GapPick::Choices(name(&ids.options, ticked))),
                        None => None,
                    })
                    .collect(),
            ),
        }
    }
}

/// The question as the candidate with this seed sees it: the same seed gives the same order, so a
/// reloaded page does not reshuffle (derive the seed with [`question_seed`]). Choices, matching's
/// both columns and ordering's items are shuffled; an ordering never starts out already in the
/// right order. Short answers and essays have nothing to shuffle. The key, accepted answers and
/// topic are left out.
pub fn present(question: &Question, seed: u64) -> PresentedQuestion {
    let mut rng = Rng::new(seed);
    let mut order = rng.permutation(question.options.len());
    if question.kind == QuestionKind::Ordering && order.len() >= 2 && order.iter().enumerate().all(|(p, &i)| p == i) {
        // Shown in the correct order, the question would answer itself.
        order.rotate_left(1);
    }
    let right_order = rng.permutation(question.right.len());
    let pick = |list: &[String], order: &[usize]| -> Vec<String> { order.iter().map(|&i| list[i].clone()).collect() };
    // A calculated question shows this paper's values in its text; its formulas stay here.
    let (text, unit) = match (&question.calculated, question.kind) {
        (Some(c), QuestionKind::Calculated) => (c.fill(&question.text, &c.draw(seed)), c.unit.trim().to_string()),
        _ => (question.text.clone(), String::new()),
    };
    let mut presented = PresentedQuestion {
        kind: question.kind,
        text,
        options: pick(&question.options, &order),
        order,
        right: pick(&question.right, &right_order),
        right_order,
        points: question.points,
        image: question.image.clone(),
        pieces: Vec::new(),
        gaps: Vec::new(),
        unit,
        units: if question.kind == QuestionKind::Short { question.units.as_ref().and_then(super::units::Units::paper) } else { None },
    };
    if let Some(paper) = super::gaps::present_gaps(question, &mut rng) {
        // The choices are shown in the gaps, not as a list of their own.
        presented.text = paper.text;
        presented.pieces = paper.pieces;
        presented.gaps = paper.gaps;
        presented.options.clear();
        presented.order.clear();
    }
    presented
}

/// A question's shuffling seed within an attempt: each question gets its own order, and the
/// same attempt always the same ones.
pub fn question_seed(attempt_seed: u64, question_id: i64) -> u64 {
    Rng::new(attempt_seed ^ (question_id as u64).rotate_left(32)).next_u64()
}

/// What an answer earned.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    /// From 0 to `max`, not rounded (a third of a point stays a third).
    pub points_awarded: f64,
    pub max: u32,
    /// An essay waits for a teacher; `points_awarded` is 0 until then.
    pub needs_manual: bool,
}

/// Scores an answer. An empty answer, or one of another shape than the kind takes, earns 0.
///
/// - Single: all or nothing; exactly the correct option must be chosen.
/// - Multiple: partial credit as Moodle gives it: (correct options chosen − wrong options
///   chosen) / number of correct options, at least 0, times the points. Choosing everything
///   therefore does not pay. Repeated and unknown indexes are ignored.
/// - With weights (imported from Moodle's percentages): single choice gives the chosen option's
///   weight, multiple choice the sum of the chosen options' weights, short answers the best
///   weight among the accepted answers the text matches; always between 0 and the points.
/// - Short: right if the text equals an accepted answer once both are trimmed, runs of spaces
///   made one and lowercased (Kazakh and Russian letters too; "ё" counts as "е"; neither for a
///   case-sensitive question); or if both read
///   as numbers ("2,5" and "2.5" alike) that differ by at most the tolerance (0 when none).
///   All or nothing; with units in use, a number with its unit, converted, less the unit's
///   penalty when graded (see [`super::units`]).
/// - Matching: the share of left items matched correctly, times the points; a wrong match
///   costs nothing more than an empty one.
/// - Ordering: all or nothing: every item in its place. (Partial credit by position would give
///   0 for one item moved from the end to the front, which is harder to explain than none.)
/// - Essay: 0 and `needs_manual`, unless left empty (then simply 0).
pub fn score(question: &Question, answer: &Answer) -> Scored {
    let max = question.points;
    let points = f64::from(max);
    let scored = |share: f64| Scored { points_awarded: share.clamp(0.0, 1.0) * points, max, needs_manual: false };
    let all_or_nothing = |right: bool| scored(if right { 1.0 } else { 0.0 });
    match (question.kind, answer) {
        (QuestionKind::Single, Answer::Choice(chosen)) => {
            let mut chosen = chosen.clone();
            chosen.sort_unstable();
            chosen.dedup();
            if !question.weights.is_empty() {
                return match chosen[..] {
                    [one] => scored(question.weights.get(one).copied().unwrap_or(0.0)),
                    _ => scored(0.0),
                };
            }
            all_or_nothing(question.correct.len() == 1 && chosen == question.correct)
        }
        (QuestionKind::Multiple, Answer::Choice(chosen)) => {
            let mut chosen: Vec<usize> = chosen.iter().copied().filter(|&i| i < question.options.len()).collect();
            chosen.sort_unstable();
            chosen.dedup();
            if !question.weights.is_empty() {
                return scored(chosen.iter().filter_map(|&i| question.weights.get(i)).sum());
            }
            let right = chosen.iter().filter(|i| question.correct.contains(i)).count();
            let wrong = chosen.len() - right;
            if question.correct.is_empty() {
                return scored(0.0);
            }
            scored((right as f64 - wrong as f64) / question.correct.len() as f64)
        }
        (QuestionKind::Short, Answer::Text(text)) => {
            if text.trim().is_empty() {
                return scored(0.0);
            }
            if let Some(units) = question.units.as_ref().filter(|u| u.in_use()) {
                return scored(super::units::best_match(question.credited_answers(), units, text).map_or(0.0, |(_, credit)| credit));
            }
            // The best accepted answer the text matches.
            let best = (0..question.accepted.len())
                .filter_map(|i| {
                    let (weight, tolerance) = question.accepted_credit(i);
                    short_matches(&question.accepted[i], text, tolerance, question.case_sensitive).then_some(weight)
                })
                .fold(0.0, f64::max);
            scored(best)
        }
        (QuestionKind::Matching, Answer::Matching(picks)) => {
            if question.correct.is_empty() {
                return scored(0.0);
            }
            let right = question.correct.iter().zip(picks).filter(|(key, pick)| **pick == Some(**key)).count();
            scored(right as f64 / question.correct.len() as f64)
        }
        (QuestionKind::Ordering, Answer::Order(order)) => {
            all_or_nothing(!order.is_empty() && order.len() == question.options.len() && order.iter().enumerate().all(|(p, &i)| p == i))
        }
        (QuestionKind::Essay, Answer::Text(text)) => Scored { points_awarded: 0.0, max, needs_manual: !text.trim().is_empty() },
        (QuestionKind::Cloze | QuestionKind::DragText, Answer::Gaps(gaps)) => scored(super::gaps::share(question, gaps)),
        _ => scored(0.0),
    }
}

/// Scores an answer on a paper: as [`score`], but a calculated question is scored against the
/// values this paper's seed draws (the seed [`present`] was given). Every scoring of a
/// candidate's answer goes through here; [`score`] alone gives a calculated question 0.
pub fn score_paper(question: &Question, seed: u64, answer: &Answer) -> Scored {
    match (question.kind, &question.calculated, answer) {
        (QuestionKind::Calculated, Some(c), Answer::Text(text)) => {
            let share = c.best_match(seed, text).map_or(0.0, |(_, share)| share);
            Scored { points_awarded: share.clamp(0.0, 1.0) * f64::from(question.points), max: question.points, needs_manual: false }
        }
        _ => score(question, answer),
    }
}

/// The accepted answer a short answer earns the most with (the first of equals), if it
/// matches any: the one whose feedback the review shows.
pub fn matched_accepted(question: &Question, text: &str) -> Option<usize> {
    if let Some(units) = question.units.as_ref().filter(|u| u.in_use()) {
        return super::units::best_match(question.credited_answers(), units, text).map(|(i, _)| i);
    }
    let mut best: Option<(usize, f64)> = None;
    for i in 0..question.accepted.len() {
        let (weight, tolerance) = question.accepted_credit(i);
        if short_matches(&question.accepted[i], text, tolerance, question.case_sensitive) && best.is_none_or(|(_, w)| weight > w) {
            best = Some((i, weight));
        }
    }
    best.map(|(i, _)| i)
}

/// Why questions could not be drawn.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DrawError {
    /// The topic has fewer questions (not drawn already) than asked for.
    TooFew { topic: String, wanted: u32, available: u32 },
}

impl DrawError {
    /// The message with its placeholders ({topic}, {wanted}, {available}).
    pub fn msg(&self) -> Msg {
        match self {
            DrawError::TooFew { .. } => Msg::ErrExamTooFewQuestions,
        }
    }

    /// The message in a language, placeholders filled.
    pub fn text(&self, locale: crate::i18n::Locale) -> String {
        match self {
            DrawError::TooFew { topic, wanted, available } => self
                .msg()
                .text(locale)
                .replace("{topic}", topic)
                .replace("{wanted}", &wanted.to_string())
                .replace("{available}", &available.to_string()),
        }
    }
}

/// Picks a test's questions: for each `(topic, count)`, `count` different questions of that topic
/// from the bank of `(question id, topic)`. Deterministic for a seed whatever order the bank comes
/// in (it is sorted by id first). No question is drawn twice, even if a topic is listed twice.
/// The result keeps the topics' order, each topic's questions in random order; a topic asked for
/// 0 questions is skipped. Topics are compared exactly.
pub fn draw(bank: &[(i64, String)], per_topic: &[(String, u32)], seed: u64) -> Result<Vec<i64>, DrawError> {
    let mut bank: Vec<&(i64, String)> = bank.iter().collect();
    bank.sort_by_key(|(id, _)| *id);
    bank.dedup_by_key(|(id, _)| *id);
    let mut rng = Rng::new(seed);
    let mut drawn: Vec<i64> = Vec::new();
    for (topic, wanted) in per_topic {
        if *wanted == 0 {
            continue;
        }
        let mut pool: Vec<i64> = bank.iter().filter(|(id, t)| t == topic && !drawn.contains(id)).map(|(id, _)| *id).collect();
        let available = u32::try_from(pool.len()).unwrap_or(u32::MAX);
        if available < *wanted {
            return Err(DrawError::TooFew { topic: topic.clone(), wanted: *wanted, available });
        }
        // A partial Fisher-Yates: the first `wanted` places get a uniform random pick each.
        for i in 0..*wanted as usize {
            let j = i + rng.below(pool.len() - i);
            pool.swap(i, j);
        }
        drawn.extend_from_slice(&pool[..*wanted as usize]);
    }
    Ok(drawn)
}

/// Facility of a question (item analysis): the mean score as a share of the maximum, 0 to 1.
/// Near 1 is easy, near 0 hard. None without scores or with a maximum of 0.
pub fn facility(scores: &[f64], max: f64) -> Option<f64> {
    if scores.is_empty() || !(max > 0.0) {
        return None;
    }
    Some(scores.iter().sum::<f64>() / scores.len() as f64 / max)
}

/// Discrimination of a question (item analysis): the Pearson correlation between the candidates'
/// scores on the question and their scores on the REST of the test (total minus this question),
/// as Moodle's "discrimination index" does; for a right-or-wrong question this is the corrected
/// point-biserial. From −1 to 1: above 0.3 the question separates strong candidates from weak
/// ones well, below 0.2 poorly, negative ones favour the weak (often a wrong key).
/// `item_scores[i]` and `total_scores[i]` are candidate i's. None with fewer than 2 candidates,
/// lists of different lengths, or when either side has no spread (everyone scored the same).
pub fn discrimination(item_scores: &[f64], total_scores: &[f64]) -> Option<f64> {
    let n = item_scores.len();
    if n < 2 || total_scores.len() != n {
        return None;
    }
    let rest: Vec<f64> = total_scores.iter().zip(item_scores).map(|(t, i)| t - i).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (mean_item, mean_rest) = (mean(item_scores), mean(&rest));
    let (mut covariance, mut var_item, mut var_rest) = (0.0, 0.0, 0.0);
    for (i, r) in item_scores.iter().zip(&rest) {
        let (di, dr) = (i - mean_item, r - mean_rest);
        covariance += di * dr;
        var_item += di * di;
        var_rest += dr * dr;
    }
    // No spread: the correlation is undefined (0/0), not 0.
    const EPSILON: f64 = 1e-12;
    if var_item < EPSILON || var_rest < EPSILON {
        return None;
    }
    Some(covariance / (var_item * var_rest).sqrt())
}

/// A result's share of the maximum, in percent (0 with a maximum of 0).
pub fn percent(points: f64, max: f64) -> f64 {
    if max > 0.0 && points.is_finite() {
        (points / max * 100.0).clamp(0.0, 100.0)
    } else {
        0.0
    }
}

/// The mark on the 100-point scale: the percent rounded half up, 0 to 100.
pub fn percent_to_hundred(percent: f64) -> u8 {
    if percent.is_nan() {
        return 0;
    }
    // Rounding first, in both scales, so that a 100-point 90 is always a 5.
    (percent.clamp(0.0, 100.0) + 0.5).floor() as u8
}

/// The mark on the journal's 5-point scale, by the thresholds Kazakhstan's colleges commonly use,
/// applied to the rounded percent ([`percent_to_hundred`], so 89.5% is 90 and a 5):
/// 90–100 → 5 («өте жақсы» / «отлично»), 75–89 → 4, 50–74 → 3, below 50 → 2.
pub fn percent_to_five(percent: f64) -> u8 {
    match percent_to_hundred(percent) {
        90.. => 5,
        75..=89 => 4,
        50..=74 => 3,
        _ => 2,
    }
}

/// The import formats of the question bank.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// Moodle's GIFT text format.
    Gift,
    /// Aiken: single-choice questions as plain text with an ANSWER line.
    Aiken,
    /// The spreadsheet template.
    Xlsx,
    /// Moodle XML: a Moodle question bank's export.
    MoodleXml,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Gift => "gift",
            Format::Aiken => "aiken",
            Format::Xlsx => "xlsx",
            Format::MoodleXml => "moodle_xml",
        }
    }

    pub fn from_code(code: &str) -> Option<Format> {
        [Format::Gift, Format::Aiken, Format::Xlsx, Format::MoodleXml].into_iter().find(|f| f.code() == code)
    }
}

/// Why an imported file was refused: the 1-based line of a text file (or row of a spreadsheet)
/// and the problem. Line 0 is the file as a whole (unreadable, empty, too large...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ImportError {
    pub line: usize,
    pub problem: Msg,
}

/// A verdict code as the pages and the reports word it.
pub fn verdict_msg(v: &str) -> Msg {
    match v {
        "valid" => Msg::VerdictValid,
        "annulled" => Msg::VerdictAnnulled,
        _ => Msg::VerdictPending,
    }
}

/// "7.5 / 10", or nothing before the attempt is scored.
pub fn score_text(score: Option<f64>, max: Option<i64>) -> String {
    match (score, max) {
        (Some(s), Some(m)) => format!("{} / {m}", crate::journal::model::round2(s)),
        _ => String::new(),
    }
}

/// The written answer of a ticket is kept as the answer to "question 0" (the autosave path
/// and its idempotency are the same as for test questions).
pub const TICKET_ANSWER: i64 = 0;

/// The address a candidate's page loads a question's picture from (the media key's hash part
/// is the version, so the address changes with the picture and may be cached).
pub fn paper_picture_url(attempt_id: i64, question_id: i64, key: &str) -> String {
    format!("/files/attempt/{attempt_id}/question/{question_id}?v={}", picture_version(key))
}

/// The address the bank's owner sees a question's picture at.
pub fn bank_picture_url(question_id: i64, key: &str) -> String {
    format!("/files/question/{question_id}?v={}", picture_version(key))
}

fn picture_version(key: &str) -> &str {
    key.rsplit('/').next().and_then(|f| f.split('.').next()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(kind: QuestionKind, options: &[&str], correct: &[usize], points: u32) -> Question {
        Question {
            options: options.iter().map(|s| s.to_string()).collect(),
            correct: correct.to_vec(),
            points,
            ..Question::new(kind, "Сұрақ?")
        }
    }

    fn short(accepted: &[&str], tolerance: Option<f64>) -> Question {
        Question {
            accepted: accepted.iter().map(|s| s.to_string()).collect(), tolerance, ..Question::new(QuestionKind::Short, "Сколько?")
        }
    }

    fn matching() -> Question {
        Question {
            options: vec!["Абай".into(), "Мұхтар Әуезов".into(), "Пушкин".into()],
            right: vec!["Қара сөздер".into(), "Абай жолы".into(), "Евгений Онегин".into(), "Война и мир".into()],
            correct: vec![0, 1, 2],
            points: 3,
            ..Question::new(QuestionKind::Matching, "Сопоставьте автора и произведение")
        }
    }

    fn ordering() -> Question {
        Question {
            options: vec!["Бір".into(), "Екі".into(), "Үш".into(), "Төрт".into()],
            points: 2,
            ..Question::new(QuestionKind::Ordering, "Ретімен қойыңыз")
        }
    }

    fn awarded(q: &Question, a: Answer) -> f64 {
        let s = score(q, &a);
        assert_eq!(s.max, q.points);
        assert!(!s.needs_manual);
        s.points_awarded
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn kinds_have_codes_and_names() {
        for k in QuestionKind::ALL {
            assert_eq!(QuestionKind::from_code(k.code()), Some(k));
        }
        assert_eq!(QuestionKind::from_code("Single"), None);
        assert_eq!(QuestionKind::from_code("truefalse"), None);
        let names: std::collections::HashSet<Msg> = QuestionKind::ALL.iter().map(|k| k.msg()).collect();
        assert_eq!(names.len(), QuestionKind::ALL.len());
        assert!(!QuestionKind::Essay.is_auto_scored() && QuestionKind::Short.is_auto_scored());
    }

    #[test]
    fn single_choice_is_all_or_nothing() {
        let q = choice(QuestionKind::Single, &["4", "6", "8"], &[1], 2);
        assert_eq!(awarded(&q, Answer::Choice(vec![1])), 2.0);
        assert_eq!(awarded(&q, Answer::Choice(vec![1, 1])), 2.0, "a repeated index is one choice");
        assert_eq!(awarded(&q, Answer::Choice(vec![0])), 0.0);
        assert_eq!(awarded(&q, Answer::Choice(vec![0, 1])), 0.0, "two ticks on a single choice");
        assert_eq!(awarded(&q, Answer::Choice(vec![])), 0.0, "unanswered");
        assert_eq!(awarded(&q, Answer::Text("6".into())), 0.0, "the wrong shape");
    }

    #[test]
    fn multiple_choice_gives_partial_credit_minus_wrong_ticks() {
        // Three correct of five, worth 3 points: a point per correct tick, minus one per wrong.
        let q = choice(QuestionKind::Multiple, &["2", "3", "4", "5", "9"], &[0, 1, 3], 3);
        assert_eq!(awarded(&q, Answer::Choice(vec![0, 1, 3])), 3.0);
        assert_eq!(awarded(&q, Answer::Choice(vec![3, 1, 0])), 3.0, "order does not matter");
        assert_eq!(awarded(&q, Answer::Choice(vec![0, 1])), 2.0);
        assert_eq!(awarded(&q, Answer::Choice(vec![0, 1, 2])), 1.0, "two right, one wrong");
        assert_eq!(awarded(&q, Answer::Choice(vec![0, 1, 2, 3, 4])), 1.0, "ticking everything: 3 − 2");
        assert_eq!(awarded(&q, Answer::Choice(vec![0, 2, 4])), 0.0, "floored at 0, not −1");
        assert_eq!(awarded(&q, Answer::Choice(vec![2])), 0.0);
        assert_eq!(awarded(&q, Answer::Choice(vec![0, 0, 0])), 1.0, "repeats count once");
        assert_eq!(awarded(&q, Answer::Choice(vec![0, 99])), 1.0, "unknown indexes are ignored");
        assert_eq!(awarded(&q, Answer::Choice(vec![])), 0.0);
        let one_point = choice(QuestionKind::Multiple, &["a", "b", "c", "d"], &[0, 1, 2], 1);
        assert!(close(awarded(&one_point, Answer::Choice(vec![0])), 1.0 / 3.0));
    }

    #[test]
    fn short_answers_ignore_case_spaces_and_read_decimal_commas() {
        let word = short(&["Абай Құнанбайұлы", "Абай"], None);
        assert_eq!(awarded(&word, Answer::Text("  абай   ҚҰНАНБАЙҰЛЫ ".into())), 1.0);
        assert_eq!(awarded(&word, Answer::Text("АБАЙ".into())), 1.0);
        assert_eq!(awarded(&word, Answer::Text("Абай\tҚұнанбайұлы".into())), 1.0);
        assert_eq!(awarded(&word, Answer::Text("Абайұлы".into())), 0.0);
        assert_eq!(awarded(&word, Answer::Text("".into())), 0.0);
        let russian = short(&["Ёлка"], None);
        assert_eq!(awarded(&russian, Answer::Text("ЕЛКА".into())), 1.0, "ё is е");
        assert_eq!(awarded(&russian, Answer::Text("ёлки".into())), 0.0);

        let exact = short(&["2.5"], None);
        assert_eq!(awarded(&exact, Answer::Text("2,5".into())), 1.0);
        assert_eq!(awarded(&exact, Answer::Text(" 2.50 ".into())), 1.0);
        assert_eq!(awarded(&exact, Answer::Text("2,51".into())), 0.0, "no tolerance: exact");
        assert_eq!(awarded(&exact, Answer::Text("2.5 м".into())), 0.0, "a unit makes it text");

        let within = Question { points: 4, ..short(&["2,5"], Some(0.1)) };
        assert_eq!(awarded(&within, Answer::Text("2.6".into())), 4.0, "at the edge, despite 2.6 − 2.5 > 0.1 in binary");
        assert_eq!(awarded(&within, Answer::Text("2,4".into())), 4.0);
        assert_eq!(awarded(&within, Answer::Text("2.45".into())), 4.0);
        assert_eq!(awarded(&within, Answer::Text("2.61".into())), 0.0);
        assert_eq!(awarded(&within, Answer::Text("-2.5".into())), 0.0);
        assert_eq!(awarded(&within, Answer::Text("екі жарым".into())), 0.0);
        assert_eq!(awarded(&within, Answer::Choice(vec![0])), 0.0);
    }

    #[test]
    fn numbers_are_read_strictly() {
        assert_eq!(parse_number("2,5"), Some(2.5));
        assert_eq!(parse_number(" -3 "), Some(-3.0));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        for text in ["", "inf", "NaN", "1,000.5", "2.5.1", "два", "1 000", "0x10"] {
            assert_eq!(parse_number(text), None, "{text:?}");
        }
    }

    #[test]
    fn matching_gives_a_share_per_correct_pair() {
        let q = matching();
        assert_eq!(awarded(&q, Answer::Matching(vec![Some(0), Some(1), Some(2)])), 3.0);
        assert_eq!(awarded(&q, Answer::Matching(vec![Some(0), Some(2), Some(1)])), 1.0);
        assert_eq!(awarded(&q, Answer::Matching(vec![Some(0), None, Some(3)])), 1.0, "a distractor is just wrong");
        assert_eq!(awarded(&q, Answer::Matching(vec![Some(1), Some(0), Some(3)])), 0.0);
        assert_eq!(awarded(&q, Answer::Matching(vec![None, None, None])), 0.0);
        assert_eq!(awarded(&q, Answer::Matching(vec![Some(0)])), 1.0, "missing items are unmatched");
        assert_eq!(awarded(&q, Answer::Matching(vec![])), 0.0);
        assert_eq!(awarded(&q, Answer::Order(vec![0, 1, 2])), 0.0);
    }

    #[test]
    fn ordering_is_all_or_nothing() {
        let q = ordering();
        assert_eq!(awarded(&q, Answer::Order(vec![0, 1, 2, 3])), 2.0);
        assert_eq!(awarded(&q, Answer::Order(vec![0, 1, 3, 2])), 0.0);
        assert_eq!(awarded(&q, Answer::Order(vec![3, 0, 1, 2])), 0.0);
        assert_eq!(awarded(&q, Answer::Order(vec![0, 1, 2])), 0.0, "an item left out");
        assert_eq!(awarded(&q, Answer::Order(vec![])), 0.0);
    }

    #[test]
    fn essays_wait_for_a_teacher_unless_empty() {
        let q = Question { points: 10, ..Question::new(QuestionKind::Essay, "Абай туралы жазыңыз") };
        assert_eq!(score(&q, &Answer::Text("Абай — ақын".into())), Scored { points_awarded: 0.0, max: 10, needs_manual: true });
        assert_eq!(score(&q, &Answer::Text("   ".into())), Scored { points_awarded: 0.0, max: 10, needs_manual: false });
        assert_eq!(score(&q, &Answer::Choice(vec![0])), Scored { points_awarded: 0.0, max: 10, needs_manual: false });
    }

    #[test]
    fn answers_know_when_they_are_empty() {
        assert!(Answer::Choice(vec![]).is_empty());
        assert!(Answer::Text(" \n".into()).is_empty());
        assert!(Answer::Matching(vec![None, None]).is_empty());
        assert!(!Answer::Matching(vec![None, Some(0)]).is_empty());
        assert!(!Answer::Order(vec![1, 0]).is_empty());
    }

    #[test]
    fn weights_give_partial_credit_and_are_checked() {
        let single = Question { weights: vec![1.0, 0.5, 0.0], ..choice(QuestionKind::Single, &["a", "b", "c"], &[0], 2) };
        assert_eq!(single.validate(), Ok(()));
        assert_eq!(awarded(&single, Answer::Choice(vec![1])), 1.0, "half of 2 points");
        assert_eq!(awarded(&single, Answer::Choice(vec![0, 1])), 0.0, "two choices in a single choice");
        let multiple = Question { weights: vec![0.5, 0.5, -1.0], ..choice(QuestionKind::Multiple, &["a", "b", "c"], &[0, 1], 4) };
        assert_eq!(multiple.validate(), Ok(()));
        assert_eq!(awarded(&multiple, Answer::Choice(vec![0, 1])), 4.0);
        assert_eq!(awarded(&multiple, Answer::Choice(vec![0, 2])), 0.0, "floored at 0");
        let thirds = Question {
            weights: vec![0.33333, 0.33333, 0.33333, -1.0],
            ..choice(QuestionKind::Multiple, &["a", "b", "c", "d"], &[0, 1, 2], 1)
        };
        assert_eq!(thirds.validate(), Ok(()), "Moodle's rounded thirds add up to everything");
        let grant = Question { weights: vec![1.0, 0.5], tolerances: vec![0.0, 2.0], ..short(&["1822", "1822"], None) };
        assert_eq!(grant.validate(), Ok(()));
        assert_eq!(awarded(&grant, Answer::Text("1822".into())), 1.0);
        assert_eq!(awarded(&grant, Answer::Text("1821".into())), 0.5);
        let river = Question { case_sensitive: true, ..short(&["Иртыш"], None) };
        assert_eq!(awarded(&river, Answer::Text(" Иртыш ".into())), 1.0);
        assert_eq!(awarded(&river, Answer::Text("иртыш".into())), 0.0);

        let broken = [
            (Question { weights: vec![1.0, 0.5], ..choice(QuestionKind::Single, &["a", "b", "c"], &[0], 1) }, Msg::ErrExamWeightInvalid),
            (
                Question { weights: vec![1.0, 2.0, 0.0], ..choice(QuestionKind::Single, &["a", "b", "c"], &[0], 1) },
                Msg::ErrExamWeightInvalid,
            ),
            (
                Question { weights: vec![0.5, 0.5, 0.0], ..choice(QuestionKind::Single, &["a", "b", "c"], &[0], 1) },
                Msg::ErrExamWeightsNeedFull,
            ),
            (
                Question { weights: vec![1.0, 1.0, 0.0], ..choice(QuestionKind::Single, &["a", "b", "c"], &[0], 1) },
                Msg::ErrExamWeightsNeedFull,
            ),
            (
                Question { weights: vec![0.5, 0.2, 0.0], ..choice(QuestionKind::Multiple, &["a", "b", "c"], &[0, 1], 1) },
                Msg::ErrExamWeightsSum,
            ),
            (
                Question { weights: vec![0.5, 0.5, 0.0], ..choice(QuestionKind::Multiple, &["a", "b", "c"], &[0], 1) },
                Msg::ErrExamWeightsSum,
            ),
            (Question { weights: vec![0.5], ..short(&["a"], None) }, Msg::ErrExamWeightsNeedFull),
            (Question { tolerances: vec![0.1, -1.0], ..short(&["1", "2"], None) }, Msg::ErrExamToleranceInvalid),
            (Question { tolerances: vec![0.1], ..short(&["1", "2"], None) }, Msg::ErrExamToleranceInvalid),
            (Question { weights: vec![1.0, 1.0], ..ordering() }, Msg::ErrExamWeightInvalid),
        ];
        for (question, problem) in broken {
            assert_eq!(question.validate(), Err(problem), "{:?} {:?}", question.weights, question.tolerances);
        }
    }

    #[test]
    fn validation_of_every_kind() {
        let ok = |q: &Question| assert_eq!(q.validate(), Ok(()), "{q:?}");
        let bad = |q: &Question, msg: Msg| assert_eq!(q.validate(), Err(msg), "{q:?}");
        let single = choice(QuestionKind::Single, &["a", "b"], &[0], 1);
        ok(&single);
        bad(&Question { text: "  ".into(), ..single.clone() }, Msg::ErrExamTextRequired);
        ok(&Question { text: "ж".repeat(MAX_TEXT), ..single.clone() });
        bad(&Question { text: "ж".repeat(MAX_TEXT + 1), ..single.clone() }, Msg::ErrExamTextTooLong);
        bad(&Question { points: 0, ..single.clone() }, Msg::ErrExamPointsInvalid);
        bad(&Question { points: 101, ..single.clone() }, Msg::ErrExamPointsInvalid);
        bad(&Question { topic: "т".repeat(MAX_TOPIC + 1), ..single.clone() }, Msg::ErrExamTopicTooLong);
        bad(&choice(QuestionKind::Single, &["a"], &[0], 1), Msg::ErrExamTooFewOptions);
        bad(&choice(QuestionKind::Single, &["a", "b"], &[0, 1], 1), Msg::ErrExamSingleNeedsOneCorrect);
        bad(&choice(QuestionKind::Single, &["a", "b"], &[], 1), Msg::ErrExamSingleNeedsOneCorrect);
        bad(&choice(QuestionKind::Single, &["a", "b"], &[2], 1), Msg::ErrExamCorrectOutOfRange);
        bad(&choice(QuestionKind::Single, &["a", " a "], &[0], 1), Msg::ErrExamDuplicateOption);
        bad(&choice(QuestionKind::Single, &["a", " "], &[0], 1), Msg::ErrExamOptionEmpty);
        let long = "в".repeat(MAX_OPTION + 1);
        bad(&choice(QuestionKind::Single, &["a", long.as_str()], &[0], 1), Msg::ErrExamOptionTooLong);
        let many: Vec<String> = (0..=MAX_OPTIONS).map(|i| i.to_string()).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        bad(&choice(QuestionKind::Single, &many, &[0], 1), Msg::ErrExamTooManyOptions);
        ok(&choice(QuestionKind::Single, &many[..MAX_OPTIONS], &[0], 1));

        ok(&choice(QuestionKind::Multiple, &["a", "b", "c"], &[0, 2], 1));
        ok(&choice(QuestionKind::Multiple, &["a", "b"], &[0, 1], 1));
        bad(&choice(QuestionKind::Multiple, &["a", "b"], &[], 1), Msg::ErrExamNoCorrect);
        bad(&choice(QuestionKind::Multiple, &["a", "b"], &[1, 1], 1), Msg::ErrExamDuplicateOption);
        bad(&choice(QuestionKind::Multiple, &["a", "b"], &[0, 5], 1), Msg::ErrExamCorrectOutOfRange);

        ok(&short(&["Астана"], None));
        ok(&short(&["2.5"], Some(0.0)));
        bad(&short(&[], None), Msg::ErrExamNoAcceptedAnswer);
        bad(&short(&["Астана", " "], None), Msg::ErrExamAcceptedEmpty);
        bad(&short(&["2.5"], Some(-0.1)), Msg::ErrExamToleranceInvalid);
        bad(&short(&["2.5"], Some(f64::NAN)), Msg::ErrExamToleranceInvalid);

        ok(&matching());
        bad(&Question { options: vec!["a".into()], correct: vec![0], ..matching() }, Msg::ErrExamTooFewPairs);
        bad(&Question { correct: vec![0, 1], ..matching() }, Msg::ErrExamPairIncomplete);
        bad(&Question { correct: vec![0, 1, 4], ..matching() }, Msg::ErrExamCorrectOutOfRange);
        bad(&Question { right: vec!["x".into(), "".into()], correct: vec![0, 0, 0], ..matching() }, Msg::ErrExamOptionEmpty);
        ok(&Question { correct: vec![0, 0, 1], ..matching() });

        ok(&ordering());
        bad(&Question { options: vec!["a".into()], ..ordering() }, Msg::ErrExamTooFewItems);
        bad(&Question { options: vec!["a".into(), "b".into(), "a".into()], ..ordering() }, Msg::ErrExamDuplicateOption);

        ok(&Question::new(QuestionKind::Essay, "Эссе"));
        bad(&Question::new(QuestionKind::Essay, ""), Msg::ErrExamTextRequired);
    }

    #[test]
    fn questions_travel_as_json_with_defaults() {
        let q = matching();
        let json = serde_json::to_string(&q).expect("serializable");
        assert_eq!(serde_json::from_str::<Question>(&json).expect("round trip"), q);
        let minimal: Question = serde_json::from_str(r#"{"kind":"Essay","text":"Жазыңыз"}"#).expect("defaults fill the rest");
        assert_eq!(minimal, Question::new(QuestionKind::Essay, "Жазыңыз"));
        assert_eq!(minimal.points, 1);
    }

    #[test]
    fn presenting_is_a_deterministic_permutation_without_the_key() {
        let q = Question {
            image: Some("media/abc.png".into()),
            topic: "Тайна".into(),
            ..choice(QuestionKind::Multiple, &["a", "b", "c", "d", "e", "f"], &[0, 2], 2)
        };
        let p = present(&q, 42);
        assert_eq!(p, present(&q, 42), "a reload shows the same order");
        let mut sorted = p.order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2, 3, 4, 5]);
        for (shown, &original) in p.order.iter().enumerate() {
            assert_eq!(p.options[shown], q.options[original]);
        }
        assert_eq!((p.kind, p.points, p.image.as_deref(), p.text.as_str()), (q.kind, 2, Some("media/abc.png"), "Сұрақ?"));
        // No field of the candidate's view carries the key or the topic.
        let json = serde_json::to_string(&p).expect("serializable");
        assert!(!json.contains("correct") && !json.contains("accepted") && !json.contains("Тайна"), "{json}");
        // Different seeds give different orders (720 of them; these happen to differ).
        let orders: std::collections::HashSet<Vec<usize>> = (0..20).map(|seed| present(&q, seed).order).collect();
        assert!(orders.len() > 10, "{orders:?}");
        // Mapping the shown positions back gives the original indexes that score.
        let shown: Vec<usize> = [0, 2].iter().map(|i| p.order.iter().position(|o| o == i).expect("shown")).collect();
        assert_eq!(score(&q, &p.choice_answer(&shown)).points_awarded, 2.0);

        let short_view = present(&short(&["секрет"], None), 7);
        assert!(short_view.options.is_empty() && !serde_json::to_string(&short_view).expect("json").contains("секрет"));
    }

    #[test]
    fn an_ordering_never_starts_solved_and_maps_back() {
        let two = Question { options: vec!["бірінші".into(), "екінші".into()], ..ordering() };
        for seed in 0..50 {
            assert_eq!(present(&two, seed).order, vec![1, 0], "seed {seed}");
            let p = present(&ordering(), seed);
            assert_ne!(p.order, vec![0, 1, 2, 3], "seed {seed}");
            // Putting the shown items in the right order earns the points.
            let right_order: Vec<usize> = (0..4).map(|i| p.order.iter().position(|&o| o == i).expect("shown")).collect();
            assert_eq!(score(&ordering(), &p.order_answer(&right_order)).points_awarded, 2.0);
        }
    }

    #[test]
    fn matching_shuffles_both_columns_and_maps_back() {
        let q = matching();
        let p = present(&q, 3);
        assert_eq!(p, present(&q, 3));
        for (shown, &original) in p.right_order.iter().enumerate() {
            assert_eq!(p.right[shown], q.right[original]);
        }
        let mut right_sorted = p.right_order.clone();
        right_sorted.sort_unstable();
        assert_eq!(right_sorted, vec![0, 1, 2, 3]);
        // The candidate matches every shown left item correctly, by shown positions.
        let shown: Vec<Option<usize>> = p.order.iter().map(|&left| p.right_order.iter().position(|&r| r == q.correct[left])).collect();
        assert_eq!(p.matching_answer(&shown), Answer::Matching(vec![Some(0), Some(1), Some(2)]));
        assert_eq!(score(&q, &p.matching_answer(&shown)).points_awarded, 3.0);
    }

    fn ids(prefix: &str, q: &Question) -> OptionIds {
        OptionIds {
            options: (0..q.options.len()).map(|i| format!("{prefix}o{i}")).collect(),
            right: (0..q.right.len()).map(|i| format!("{prefix}r{i}")).collect(),
        }
    }

    #[test]
    fn a_paper_answer_resolves_through_its_ids_and_back() {
        let q = matching();
        let paper = ids("x", &q);
        let sent = PaperAnswer::Matching(vec![("xo2".into(), "xr2".into()), ("xo0".into(), "xr0".into())]);
        let answer = sent.resolve(&paper).expect("known ids");
        assert_eq!(answer, Answer::Matching(vec![Some(0), None, Some(2)]));
        assert_eq!(
            PaperAnswer::of(&answer, &paper),
            PaperAnswer::Matching(vec![("xo0".into(), "xr0".into()), ("xo2".into(), "xr2".into())])
        );
        let order = PaperAnswer::Order(vec!["xo0".into(), "xo1".into(), "xo2".into(), "xo3".into()]);
        assert_eq!(score(&ordering(), &order.resolve(&ids("x", &ordering())).expect("known")).points_awarded, 2.0);
        // Another paper's ids, or bare indexes, name nothing on this one: refused, not scored.
        assert_eq!(PaperAnswer::Order(vec!["yo0".into()]).resolve(&paper), None);
        assert_eq!(PaperAnswer::Choice(vec!["0".into()]).resolve(&paper), None);
        assert_eq!(PaperAnswer::Matching(vec![("xo0".into(), "xo1".into())]).resolve(&paper), None);
        assert_eq!(PaperAnswer::Text("a".into()).resolve(&paper), Some(Answer::Text("a".into())));
        // The wire form of a text answer is the stored one (tickets send it alike).
        assert_eq!(
            serde_json::to_string(&PaperAnswer::Text("a".into())).unwrap(),
            serde_json::to_string(&Answer::Text("a".into())).unwrap()
        );
    }

    #[test]
    fn seeds_differ_per_question_and_repeat_per_attempt() {
        assert_eq!(question_seed(5, 10), question_seed(5, 10));
        assert_ne!(question_seed(5, 10), question_seed(5, 11));
        assert_ne!(question_seed(5, 10), question_seed(6, 10));
    }

    #[test]
    fn the_generator_is_uniform_enough_and_fixed() {
        // SplitMix64's published first output for seed 0, so the order never changes silently.
        assert_eq!(Rng::new(0).next_u64(), 0xE220_A839_7B1D_CDAF);
        let mut rng = Rng::new(1);
        let mut counts = [0u32; 5];
        for _ in 0..50_000 {
            counts[rng.below(5)] += 1;
        }
        assert!(counts.iter().all(|&c| (9_500..10_500).contains(&c)), "{counts:?}");
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.below(1), 0);
    }

    fn bank() -> Vec<(i64, String)> {
        let mut bank = Vec::new();
        for id in 1..=10 {
            bank.push((id, "Механика".to_string()));
        }
        for id in 11..=14 {
            bank.push((id, "Оптика".to_string()));
        }
        bank.push((15, "Электр".to_string()));
        bank
    }

    #[test]
    fn drawing_takes_each_topics_count_without_repeats() {
        let per_topic = vec![("Механика".to_string(), 3), ("Оптика".to_string(), 4), ("Электр".to_string(), 0)];
        let drawn = draw(&bank(), &per_topic, 99).expect("enough questions");
        assert_eq!(drawn.len(), 7);
        assert!(drawn[..3].iter().all(|id| (1..=10).contains(id)), "{drawn:?}");
        let mut optics = drawn[3..].to_vec();
        optics.sort_unstable();
        assert_eq!(optics, vec![11, 12, 13, 14], "all of a topic when all are asked for");
        let mut unique = drawn.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), drawn.len());
    }

    #[test]
    fn drawing_is_deterministic_for_a_seed_and_varies_between_seeds() {
        let per_topic = vec![("Механика".to_string(), 4)];
        let first = draw(&bank(), &per_topic, 2024).expect("enough");
        let mut reversed = bank();
        reversed.reverse();
        assert_eq!(draw(&reversed, &per_topic, 2024).expect("enough"), first, "the bank's order does not matter");
        let draws: std::collections::HashSet<Vec<i64>> = (0..20).map(|s| draw(&bank(), &per_topic, s).expect("enough")).collect();
        assert!(draws.len() > 10);
        // Every question of the topic turns up over many draws.
        let seen: std::collections::HashSet<i64> = draws.into_iter().flatten().collect();
        assert_eq!(seen.len(), 10);
    }

    #[test]
    fn drawing_names_the_topic_with_too_few_questions() {
        let too_many = vec![("Механика".to_string(), 2), ("Оптика".to_string(), 5)];
        let err = draw(&bank(), &too_many, 1).expect_err("Оптика has 4");
        assert_eq!(err, DrawError::TooFew { topic: "Оптика".into(), wanted: 5, available: 4 });
        assert_eq!(err.msg(), Msg::ErrExamTooFewQuestions);
        assert_eq!(err.text(crate::i18n::Locale::Ru), "В теме «Оптика» недостаточно вопросов: нужно 5, есть только 4");
        assert_eq!(
            draw(&bank(), &[("Химия".to_string(), 1)], 1),
            Err(DrawError::TooFew { topic: "Химия".into(), wanted: 1, available: 0 })
        );
        // A topic listed twice draws different questions, and runs out.
        let twice = vec![("Оптика".to_string(), 2), ("Оптика".to_string(), 2)];
        let drawn = draw(&bank(), &twice, 5).expect("4 in all");
        let mut sorted = drawn.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![11, 12, 13, 14]);
        let thrice = vec![("Оптика".to_string(), 2), ("Оптика".to_string(), 3)];
        assert_eq!(draw(&bank(), &thrice, 5), Err(DrawError::TooFew { topic: "Оптика".into(), wanted: 3, available: 2 }));
    }

    #[test]
    fn facility_is_the_mean_share() {
        assert_eq!(facility(&[2.0, 1.0, 0.0, 2.0], 2.0), Some(0.625));
        assert_eq!(facility(&[1.0, 1.0], 1.0), Some(1.0));
        assert_eq!(facility(&[], 1.0), None);
        assert_eq!(facility(&[1.0], 0.0), None);
    }

    #[test]
    fn discrimination_correlates_with_the_rest_of_the_test() {
        // Hand computed: rest = total − item = [4, 3, 2, 1]; item deviations ±0.5, rest deviations
        // 1.5, 0.5, −0.5, −1.5; covariance sum 2, variance sums 1 and 5: r = 2 / √5.
        let r = discrimination(&[1.0, 1.0, 0.0, 0.0], &[5.0, 4.0, 2.0, 1.0]).expect("defined");
        assert!(close(r, 2.0 / 5f64.sqrt()), "{r}");
        // The weak got it right and the strong wrong: negative.
        let r = discrimination(&[0.0, 0.0, 1.0, 1.0], &[4.0, 3.0, 3.0, 2.0]).expect("defined");
        assert!(close(r, -2.0 / 5f64.sqrt()), "{r}");
        assert_eq!(discrimination(&[1.0, 1.0, 1.0], &[3.0, 2.0, 1.0]), None, "everyone right");
        assert_eq!(discrimination(&[1.0], &[3.0]), None);
        assert_eq!(discrimination(&[1.0, 0.0], &[3.0]), None);
    }

    #[test]
    fn marks_on_both_scales() {
        assert_eq!(percent(7.0, 10.0), 70.0);
        assert_eq!(percent(1.0, 0.0), 0.0);
        let cases = [
            (100.0, 100, 5),
            (90.0, 90, 5),
            (89.5, 90, 5),
            (89.4, 89, 4),
            (75.0, 75, 4),
            (74.6, 75, 4),
            (74.4, 74, 3),
            (50.0, 50, 3),
            (49.5, 50, 3),
            (49.4, 49, 2),
            (0.0, 0, 2),
            (-5.0, 0, 2),
            (120.0, 100, 5),
            (f64::NAN, 0, 2),
        ];
        for (p, hundred, five) in cases {
            assert_eq!((percent_to_hundred(p), percent_to_five(p)), (hundred, five), "{p}%");
        }
    }

    #[test]
    fn formats_have_codes() {
        for f in [Format::Gift, Format::Aiken, Format::Xlsx] {
            assert_eq!(Format::from_code(f.code()), Some(f));
        }
        assert_eq!(Format::from_code("csv"), None);
    }
}
