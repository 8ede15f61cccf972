//! The question editor's form, as plain data (issue 19): what the bank page's editor holds per
//! kind (rows of options, accepted answers, pairs, items, with percentages typed as text) and
//! its translation to and from [`Question`]. Pure and compiled for both targets: the page builds
//! the question (and its preview) from the form, the server only sees a `Question` and
//! validates it again; [`field_of`] names the form's part a validation message is about.

use super::model::{Question, QuestionKind};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// An option of a single or multiple choice question.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChoiceRow {
    pub text: String,
    pub correct: bool,
    /// A share of the points in percent (-100..100), or empty: 100 when correct, else 0.
    pub weight: String,
    pub feedback: String,
}

/// An accepted answer of a short-answer (or numerical) question.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AcceptedRow {
    pub text: String,
    /// A share of the points in percent, or empty: all of them.
    pub weight: String,
    /// For a numeric answer: how far a typed number may be from it, or empty: exactly.
    pub tolerance: String,
    pub feedback: String,
}

/// A matching pair: a left item and its right item.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PairRow {
    pub left: String,
    pub right: String,
}

/// A choice of a drag and drop into text question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DragRow {
    pub text: String,
    /// 1 and up, as typed.
    pub group: String,
    pub unlimited: bool,
}

impl Default for DragRow {
    fn default() -> DragRow {
        DragRow { text: String::new(), group: "1".into(), unlimited: false }
    }
}

/// The editor's form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QuestionForm {
    pub kind: QuestionKind,
    pub text: String,
    pub topic: String,
    pub points: String,
    pub choices: Vec<ChoiceRow>,
    pub accepted: Vec<AcceptedRow>,
    pub case_sensitive: bool,
    pub pairs: Vec<PairRow>,
    /// Matching's right items that match no left item.
    pub distractors: Vec<String>,
    /// Ordering's items, in the correct order.
    pub items: Vec<String>,
    pub general_feedback: String,
    /// The picture's media key: carried, never edited here (the server keeps the old version's).
    pub image: Option<String>,
    /// Drag and drop into text: the choices, choice n right for gap `[[n]]`. (Embedded answers
    /// need no rows: their gaps are written in the text.)
    #[serde(default)]
    pub drag_choices: Vec<DragRow>,
    /// A calculated question's variables, formulas and unit.
    #[serde(default)]
    pub calculated: super::calculated_form::CalculatedForm,
    /// A numerical short answer's units and their options.
    #[serde(default)]
    pub units: super::units_form::UnitsForm,
}

impl QuestionForm {
    /// An empty form of the kind, with the rows the kind needs at least (true/false is a single
    /// choice with two options the teacher types).
    pub fn new(kind: QuestionKind) -> QuestionForm {
        QuestionForm {
            kind,
            text: String::new(),
            topic: String::new(),
            points: "1".into(),
            choices: match kind {
                QuestionKind::Single | QuestionKind::Multiple => vec![ChoiceRow::default(); 2],
                _ => Vec::new(),
            },
            accepted: if kind == QuestionKind::Short { vec![AcceptedRow::default()] } else { Vec::new() },
            case_sensitive: false,
            pairs: if kind == QuestionKind::Matching { vec![PairRow::default(); 2] } else { Vec::new() },
            distractors: Vec::new(),
            items: if kind == QuestionKind::Ordering { vec![String::new(); 2] } else { Vec::new() },
            general_feedback: String::new(),
            image: None,
            drag_choices: if kind == QuestionKind::DragText { vec![DragRow::default(); 2] } else { Vec::new() },
            calculated: if kind == QuestionKind::Calculated {
                super::calculated_form::CalculatedForm::new()
            } else {
                super::calculated_form::CalculatedForm::default()
            },
            units: super::units_form::UnitsForm::default(),
        }
    }

    /// The form showing a stored question.
    pub fn of(q: &Question) -> QuestionForm {
        let percent = |w: Option<&f64>| w.map(|w| trim_number(w * 100.0)).unwrap_or_default();
        let feedback = |i: usize| q.feedback.get(i).cloned().unwrap_or_default();
        let mut form = QuestionForm::new(q.kind);
        form.text = q.text.clone();
        form.topic = q.topic.clone();
        form.points = q.points.to_string();
        form.case_sensitive = q.case_sensitive;
        form.general_feedback = q.general_feedback.clone();
        form.image = q.image.clone();
        match q.kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                form.choices = q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, text)| ChoiceRow {
                        text: text.clone(),
                        correct: q.correct.contains(&i),
                        weight: percent(q.weights.get(i)),
                        feedback: feedback(i),
                    })
                    .collect();
            }
            QuestionKind::Short => {
                form.accepted = q
                    .accepted
                    .iter()
                    .enumerate()
                    .map(|(i, text)| AcceptedRow {
                        text: text.clone(),
                        weight: percent(q.weights.get(i)),
                        tolerance: q.tolerances.get(i).copied().or(q.tolerance).map(trim_number).unwrap_or_default(),
                        feedback: feedback(i),
                    })
                    .collect();
                form.units = super::units_form::UnitsForm::of(q.units.as_ref());
            }
            QuestionKind::Matching => {
                form.pairs = q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, left)| PairRow {
                        left: left.clone(),
                        right: q.correct.get(i).and_then(|&r| q.right.get(r)).cloned().unwrap_or_default(),
                    })
                    .collect();
                form.distractors =
                    q.right.iter().enumerate().filter(|(r, _)| !q.correct.contains(r)).map(|(_, text)| text.clone()).collect();
            }
            QuestionKind::Ordering => form.items = q.options.clone(),
            QuestionKind::Essay | QuestionKind::Cloze => {}
            QuestionKind::DragText => {
                form.drag_choices = q
                    .options
                    .iter()
                    .enumerate()
                    .map(|(i, text)| DragRow {
                        text: text.clone(),
                        group: super::gaps::group_of(q, i).to_string(),
                        unlimited: q.unlimited.get(i).copied().unwrap_or(false),
                    })
                    .collect();
            }
            QuestionKind::Calculated => {
                if let Some(c) = &q.calculated {
                    form.calculated = super::calculated_form::CalculatedForm::of(c);
                }
            }
        }
        form
    }

    /// The question the form describes, or the first number that does not read (with the part
    /// of the form it is in); `Question::validate` judges the rest.
    pub fn to_question(&self) -> Result<Question, (&'static str, Msg)> {
        let points: u32 = self.points.trim().parse().map_err(|_| ("points", Msg::ErrExamPointsInvalid))?;
        let mut q = Question {
            points,
            topic: self.topic.trim().to_string(),
            general_feedback: self.general_feedback.trim().to_string(),
            image: self.image.clone(),
            ..Question::new(self.kind, self.text.trim())
        };
        let given = |feedback: Vec<String>| if feedback.iter().all(|f| f.is_empty()) { Vec::new() } else { feedback };
        match self.kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                q.options = self.choices.iter().map(|c| c.text.trim().to_string()).collect();
                q.feedback = given(self.choices.iter().map(|c| c.feedback.trim().to_string()).collect());
                if self.choices.iter().all(|c| c.weight.trim().is_empty()) {
                    q.correct = (0..self.choices.len()).filter(|&i| self.choices[i].correct).collect();
                } else {
                    // Typed shares decide; an option left blank is worth all or nothing as ticked.
                    let weights = self
                        .choices
                        .iter()
                        .map(|c| match c.weight.trim() {
                            "" => Some(if c.correct { 1.0 } else { 0.0 }),
                            typed => read_percent(typed),
                        })
                        .collect::<Option<Vec<f64>>>()
                        .ok_or(("answers", Msg::ErrExamWeightInvalid))?;
                    q.correct = (0..weights.len())
                        .filter(|&i| if self.kind == QuestionKind::Single { weights[i] >= 1.0 - 1e-9 } else { weights[i] > 0.0 })
                        .collect();
                    q.weights = weights;
                }
            }
            QuestionKind::Short => {
                q.accepted = self.accepted.iter().map(|a| a.text.trim().to_string()).collect();
                q.case_sensitive = self.case_sensitive;
                q.feedback = given(self.accepted.iter().map(|a| a.feedback.trim().to_string()).collect());
                if self.accepted.iter().any(|a| !a.weight.trim().is_empty()) {
                    q.weights = self
                        .accepted
                        .iter()
                        .map(|a| match a.weight.trim() {
                            "" => Some(1.0),
                            typed => read_percent(typed),
                        })
                        .collect::<Option<Vec<f64>>>()
                        .ok_or(("answers", Msg::ErrExamWeightInvalid))?;
                }
                let tolerances = self
                    .accepted
                    .iter()
                    .map(|a| match a.tolerance.trim() {
                        "" => Some(None),
                        typed => super::model::parse_number(typed).filter(|t| t.is_finite() && *t >= 0.0).map(Some),
                    })
                    .collect::<Option<Vec<Option<f64>>>>()
                    .ok_or(("answers", Msg::ErrExamToleranceInvalid))?;
                // One tolerance for all is Moodle's plain numerical question; different ones
                // are one per answer, a blank one exact.
                let first = tolerances.first().copied().flatten();
                if tolerances.iter().all(|t| *t == first) {
                    q.tolerance = first;
                } else {
                    q.tolerances = tolerances.iter().map(|t| t.unwrap_or(0.0)).collect();
                }
                q.units = self.units.to_units()?;
            }
            QuestionKind::Matching => {
                q.options = self.pairs.iter().map(|p| p.left.trim().to_string()).collect();
                // Two left items may share a right one: the right column lists it once.
                for right in self.pairs.iter().map(|p| p.right.trim()).chain(self.distractors.iter().map(|d| d.trim())) {
                    if !q.right.iter().any(|r| r == right) {
                        q.right.push(right.to_string());
                    }
                }
                q.correct = self.pairs.iter().map(|p| q.right.iter().position(|r| r == p.right.trim()).unwrap_or(0)).collect();
            }
            QuestionKind::Ordering => q.options = self.items.iter().map(|i| i.trim().to_string()).collect(),
            QuestionKind::Essay | QuestionKind::Cloze => {}
            QuestionKind::DragText => {
                q.options = self.drag_choices.iter().map(|c| c.text.trim().to_string()).collect();
                q.groups = self
                    .drag_choices
                    .iter()
                    .map(|c| match c.group.trim() {
                        "" => Some(1),
                        typed => typed.parse::<u32>().ok(),
                    })
                    .collect::<Option<Vec<u32>>>()
                    .ok_or(("answers", Msg::ErrGapGroup))?;
                q.unlimited = self.drag_choices.iter().map(|c| c.unlimited).collect();
                // As Moodle XML reads them: no groups and no "unlimited" when all are plain.
                if q.groups.iter().all(|&g| g == 1) {
                    q.groups.clear();
                }
                if q.unlimited.iter().all(|u| !u) {
                    q.unlimited.clear();
                }
            }
            QuestionKind::Calculated => q.calculated = Some(self.calculated.to_calculated()?),
        }
        Ok(q)
    }
}

impl QuestionForm {
    /// The form as a question of another kind (the editor's kind picker): the stem, topic,
    /// points, general feedback and picture stay; answers carry over where they still make
    /// sense (choices' texts become ordering's items and back, the ticked choices short
    /// answer's accepted ones and back, single and multiple choice share their rows, a single
    /// choice keeping its first ticked option); the other kinds' rows are kept as they were, so
    /// picking the old kind again gives them back. The new kind gets at least the rows it needs.
    pub fn with_kind(&self, kind: QuestionKind) -> QuestionForm {
        let mut f = self.clone();
        if kind == f.kind {
            return f;
        }
        let typed = |t: &str| !t.trim().is_empty();
        let choice_kinds = [QuestionKind::Single, QuestionKind::Multiple];
        let from_choice = choice_kinds.contains(&self.kind);
        match kind {
            QuestionKind::Single | QuestionKind::Multiple => {
                if !from_choice && self.choices.iter().all(|c| !typed(&c.text)) {
                    f.choices = match self.kind {
                        QuestionKind::Ordering => {
                            self.items.iter().filter(|i| typed(i)).map(|i| ChoiceRow { text: i.clone(), ..ChoiceRow::default() }).collect()
                        }
                        QuestionKind::Short => self
                            .accepted
                            .iter()
                            .filter(|a| typed(&a.text))
                            .map(|a| ChoiceRow {
                                text: a.text.clone(),
                                correct: true,
                                feedback: a.feedback.clone(),
                                ..ChoiceRow::default()
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                }
                if kind == QuestionKind::Single {
                    // One right option: the first ticked one.
                    let first = f.choices.iter().position(|c| c.correct);
                    for (i, c) in f.choices.iter_mut().enumerate() {
                        c.correct = Some(i) == first;
                    }
                }
            }
            QuestionKind::Ordering if self.items.iter().all(|i| !typed(i)) => {
                f.items = match self.kind {
                    QuestionKind::Single | QuestionKind::Multiple => {
                        self.choices.iter().filter(|c| typed(&c.text)).map(|c| c.text.clone()).collect()
                    }
                    QuestionKind::Matching => self.pairs.iter().filter(|p| typed(&p.left)).map(|p| p.left.clone()).collect(),
                    _ => Vec::new(),
                };
            }
            QuestionKind::Short if self.accepted.iter().all(|a| !typed(&a.text)) && from_choice => {
                f.accepted = self
                    .choices
                    .iter()
                    .filter(|c| c.correct && typed(&c.text))
                    .map(|c| AcceptedRow { text: c.text.clone(), feedback: c.feedback.clone(), ..AcceptedRow::default() })
                    .collect();
            }
            _ => {}
        }
        f.kind = kind;
        // The rows an empty form of the kind starts with, where there are fewer.
        let least = QuestionForm::new(kind);
        let pad = |have: usize, need: usize| need.saturating_sub(have);
        f.choices.extend(std::iter::repeat_n(ChoiceRow::default(), pad(f.choices.len(), least.choices.len())));
        f.accepted.extend(std::iter::repeat_n(AcceptedRow::default(), pad(f.accepted.len(), least.accepted.len())));
        f.pairs.extend(std::iter::repeat_n(PairRow::default(), pad(f.pairs.len(), least.pairs.len())));
        f.items.extend(std::iter::repeat_n(String::new(), pad(f.items.len(), least.items.len())));
        f
    }
}

/// "50", "-33.333", "12,5" (a decimal comma as typed in kk/ru) as a share: 0.5; None outside
/// -100..100.
fn read_percent(typed: &str) -> Option<f64> {
    let p = super::model::parse_number(typed.trim_end_matches('%').trim())?;
    (p.is_finite() && p.abs() <= 100.0).then_some(p / 100.0)
}

/// 50.0 -> "50", 33.3333 -> "33.3333": a number as a person would type it.
fn trim_number(n: f64) -> String {
    let s = format!("{:.4}", n);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The part of the editor's form a message of `Question::validate` is about: "text", "points",
/// "topic", "answers" (the options, accepted answers, pairs or items), "units", "feedback"; anything
/// else is the whole "question".
pub fn field_of(q: &Question, msg: Msg) -> &'static str {
    if let Some(field) = super::calculated_form::field_of(msg).or_else(|| super::units_form::field_of(msg)) {
        return field;
    }
    match msg {
        // An embedded gap's answers are in the text.
        Msg::ErrImportWildcard
        | Msg::ErrExamOptionTooLong
        | Msg::ErrExamTooManyOptions
        | Msg::ErrExamToleranceInvalid
        | Msg::ErrExamWeightInvalid
            if q.kind == QuestionKind::Cloze =>
        {
            "text"
        }
        Msg::ErrExamTextRequired => "text",
        // Feedback is held to a stem's length too; the stem is checked first.
        Msg::ErrExamTextTooLong if q.text.trim().chars().count() > super::model::MAX_TEXT => "text",
        Msg::ErrExamTextTooLong | Msg::ErrExamFeedbackCount => "feedback",
        Msg::ErrExamPointsInvalid => "points",
        Msg::ErrExamTopicTooLong => "topic",
        Msg::ErrExamOptionEmpty
        | Msg::ErrExamOptionTooLong
        | Msg::ErrExamTooManyOptions
        | Msg::ErrExamDuplicateOption
        | Msg::ErrExamTooFewOptions
        | Msg::ErrExamSingleNeedsOneCorrect
        | Msg::ErrExamNoCorrect
        | Msg::ErrExamCorrectOutOfRange
        | Msg::ErrExamAcceptedEmpty
        | Msg::ErrExamNoAcceptedAnswer
        | Msg::ErrExamToleranceInvalid
        | Msg::ErrExamWeightInvalid
        | Msg::ErrExamWeightsNeedFull
        | Msg::ErrExamWeightsSum
        | Msg::ErrExamTooFewPairs
        | Msg::ErrExamPairIncomplete
        | Msg::ErrExamTooFewItems
        | Msg::ErrGapGroup => "answers",
        // Embedded answers are written in the text, and drag and drop's gaps too.
        Msg::ErrGapUnclosed
        | Msg::ErrGapUnknownType
        | Msg::ErrGapWeight
        | Msg::ErrGapNoCorrect
        | Msg::ErrGapAnswer
        | Msg::ErrGapNone
        | Msg::ErrGapTooMany
        | Msg::ErrGapUnknownChoice => "text",
        _ => "question",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(text: &str, correct: bool, weight: &str) -> ChoiceRow {
        ChoiceRow { text: text.into(), correct, weight: weight.into(), feedback: String::new() }
    }

    #[test]
    fn a_single_choice_without_shares_is_its_ticked_option() {
        let mut form = QuestionForm::new(QuestionKind::Single);
        form.text = " 2 + 2 ".into();
        form.choices = vec![choice("3", false, ""), choice("4", true, "")];
        let q = form.to_question().unwrap();
        assert_eq!((q.text.as_str(), q.correct.clone(), q.weights.is_empty(), q.feedback.is_empty()), ("2 + 2", vec![1], true, true));
        assert_eq!(q.validate(), Ok(()));
        assert_eq!(QuestionForm::of(&q).to_question().unwrap(), q, "the form shows what it saved");
    }

    #[test]
    fn typed_shares_decide_which_options_are_correct() {
        let mut form = QuestionForm::new(QuestionKind::Multiple);
        form.text = "Жұп сандар".into();
        form.choices = vec![choice("2", true, "50"), choice("4", false, "50%"), choice("5", false, "-100"), choice("7", false, "")];
        let q = form.to_question().unwrap();
        assert_eq!(q.correct, vec![0, 1]);
        assert_eq!(q.weights, vec![0.5, 0.5, -1.0, 0.0]);
        assert_eq!(q.validate(), Ok(()));
        let again = QuestionForm::of(&q);
        assert_eq!(again.choices[1].weight, "50");
        assert_eq!(again.to_question().unwrap(), q);
        form.choices[0].weight = "150".into();
        assert_eq!(form.to_question(), Err(("answers", Msg::ErrExamWeightInvalid)));
    }

    #[test]
    fn short_answers_keep_their_feedback_shares_and_tolerances() {
        let mut form = QuestionForm::new(QuestionKind::Short);
        form.text = "π?".into();
        form.accepted = vec![
            AcceptedRow { text: "3,14".into(), weight: "".into(), tolerance: "0,01".into(), feedback: "Дұрыс".into() },
            AcceptedRow { text: "3".into(), weight: "50".into(), tolerance: "".into(), feedback: "".into() },
        ];
        let q = form.to_question().unwrap();
        assert_eq!(q.weights, vec![1.0, 0.5]);
        assert_eq!((q.tolerance, q.tolerances.clone()), (None, vec![0.01, 0.0]));
        assert_eq!(q.feedback, vec!["Дұрыс".to_string(), String::new()]);
        assert_eq!(q.validate(), Ok(()));
        assert_eq!(QuestionForm::of(&q).to_question().unwrap(), q);
        // The same tolerance everywhere is the question's one tolerance.
        form.accepted[1].tolerance = "0.01".into();
        assert_eq!(form.to_question().unwrap().tolerance, Some(0.01));
        form.accepted[1].tolerance = "-1".into();
        assert_eq!(form.to_question(), Err(("answers", Msg::ErrExamToleranceInvalid)));
    }

    #[test]
    fn matching_pairs_share_right_items_and_keep_distractors() {
        let mut form = QuestionForm::new(QuestionKind::Matching);
        form.text = "Астаналар".into();
        form.pairs = vec![
            PairRow { left: "Қазақстан".into(), right: "Астана".into() },
            PairRow { left: "Ақмола".into(), right: "Астана".into() },
            PairRow { left: "Ресей".into(), right: "Мәскеу".into() },
        ];
        form.distractors = vec!["Алматы".into()];
        let q = form.to_question().unwrap();
        assert_eq!(q.right, vec!["Астана", "Мәскеу", "Алматы"]);
        assert_eq!(q.correct, vec![0, 0, 1]);
        assert_eq!(q.validate(), Ok(()));
        assert_eq!(QuestionForm::of(&q), form);
    }

    #[test]
    fn a_bad_number_or_a_broken_question_names_its_field() {
        let mut form = QuestionForm::new(QuestionKind::Ordering);
        form.points = "бір".into();
        assert_eq!(form.to_question(), Err(("points", Msg::ErrExamPointsInvalid)));
        form.points = "2".into();
        let q = form.to_question().unwrap();
        let msg = q.validate().unwrap_err();
        assert_eq!((field_of(&q, msg), msg), ("text", Msg::ErrExamTextRequired));
        form.text = "Ретімен".into();
        let q = form.to_question().unwrap();
        let msg = q.validate().unwrap_err();
        assert_eq!((field_of(&q, msg), msg), ("answers", Msg::ErrExamOptionEmpty));
        let long =
            Question { general_feedback: "ә".repeat(super::super::model::MAX_TEXT + 1), ..Question::new(QuestionKind::Essay, "Эссе") };
        assert_eq!(field_of(&long, long.validate().unwrap_err()), "feedback");
    }

    #[test]
    fn a_changed_kind_keeps_what_still_makes_sense() {
        let mut form = QuestionForm::new(QuestionKind::Multiple);
        form.text = "Жай сандар?".into();
        form.topic = "Сандар".into();
        form.points = "3".into();
        form.choices = vec![choice("2", true, ""), choice("4", false, ""), choice("5", true, "")];
        // Single choice: the same rows, one right option (the first ticked).
        let single = form.with_kind(QuestionKind::Single);
        assert_eq!((single.text.as_str(), single.topic.as_str(), single.points.as_str()), ("Жай сандар?", "Сандар", "3"));
        assert_eq!(single.choices.iter().map(|c| c.correct).collect::<Vec<_>>(), vec![true, false, false]);
        assert!(single.to_question().unwrap().validate().is_ok());
        // Ordering: the options become the items; back to multiple choice, the rows are as typed.
        let ordering = form.with_kind(QuestionKind::Ordering);
        assert_eq!(ordering.items, vec!["2", "4", "5"]);
        assert_eq!(ordering.with_kind(QuestionKind::Multiple).choices, form.choices);
        // Short answer: the ticked options are the accepted answers.
        let short = form.with_kind(QuestionKind::Short);
        assert_eq!(short.accepted.iter().map(|a| a.text.as_str()).collect::<Vec<_>>(), vec!["2", "5"]);
        let back = short.with_kind(QuestionKind::Single);
        assert_eq!(back.choices.len(), 3, "the choices typed before are kept");
        // Matching gets the two empty pairs a new one has; an essay keeps only the stem.
        assert_eq!(form.with_kind(QuestionKind::Matching).pairs.len(), 2);
        let essay = form.with_kind(QuestionKind::Essay).to_question().unwrap();
        assert_eq!((essay.text.as_str(), essay.points, essay.options.len()), ("Жай сандар?", 3, 0));
    }
}
