//! Regrading after a key is corrected (issue 19), as Moodle's "regrade attempts": when a
//! teacher edits a question that papers already drew (a new version, `store::versions`), the
//! exam's results page offers to score those attempts again against the family's latest
//! version. The teacher sees a preview first (which questions changed, how many attempts drew
//! the old version, every candidate's score, mark and grade before and after), then applies it.
//!
//! Decisions:
//! - Only handed-in attempts are regraded. A running attempt keeps the version it drew: its
//!   page names options by ids derived from the question's id (`store::option_ids`), so
//!   switching the question under it would refuse the answers still queued in the candidate's
//!   browser, and its text would change under their eyes. Once handed in it is scored by the
//!   old key and the panel offers the regrade again (it still drew an old version).
//! - Versions "line up" (`lines_up`) when the stored answer reads the same against both: same
//!   kind and the same number of options, right items or items to order; any list of accepted
//!   answers (with any tolerances and units: the typed text is scored again); an essay worth the same points (its hand-given points carry over, and they
//!   could exceed a smaller maximum). Otherwise the question is listed with the reason and left
//!   as drawn (the rest of the paper is still regraded). Options whose texts were only put in
//!   another order are followed by their text (an ordering's key *is* its order); otherwise
//!   by position (a corrected typo).
//! - A regraded attempt's paper points at the latest version (so its review shows the
//!   corrected key), its answers move to it, its score and maximum change by what those
//!   questions earn now. Its mark follows the new score unless the teacher typed another
//!   when grading (a stored mark other than the one its old score made is kept). Annulled
//!   attempts are scored again too (an appeal that reinstates one then brings the corrected
//!   score) and stay annulled.
//! - The journal gets the candidate's grade by the exam's method, only where the grade changed
//!   (a cell the teacher changed by hand is not overwritten by a regrade that changes nothing),
//!   with `Reason::Regrade` in its history.
//! - Apply is one transaction per exam that locks the exam's row first (two teachers clicking at
//!   once go one after the other, and the second finds nothing left to do), and each attempt is
//!   written only if it is still as read (its paper, score, mark and grading state): a grade
//!   given meanwhile is never overwritten with a score computed before it.

use crate::exam::attempts::{grade, Grade, Graded, GradingMethod};
use crate::exam::gaps::{self, GapAnswer};
use crate::exam::model::{self, Answer, Question, QuestionKind};
use crate::i18n::Msg;
use crate::journal::model::Scale;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Why two versions of a question do not line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mismatch {
    Kind,
    /// Choices, matching's left items or the items to order.
    Options,
    /// Matching's right items.
    Right,
    EssayPoints,
    /// Embedded answers or drag and drop: other gaps, or other answers in a gap.
    Gaps,
    /// A calculated question drawing other values: the answers were for the old ones.
    Values,
}

impl Mismatch {
    pub fn msg(self) -> Msg {
        match self {
            Mismatch::Kind => Msg::RegradeKindChanged,
            Mismatch::Options => Msg::RegradeOptionsChanged,
            Mismatch::Right => Msg::RegradeRightChanged,
            Mismatch::EssayPoints => Msg::RegradeEssayPoints,
            Mismatch::Gaps => Msg::RegradeGapsChanged,
            Mismatch::Values => Msg::RegradeValuesChanged,
        }
    }
}

/// How an answer given to the old version reads against the new one: the new index of each old
/// option (choices, left items, items to order) and of each old right item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    options: Vec<usize>,
    right: Vec<usize>,
}

impl Translation {
    /// The answer in the new version's indexes.
    pub fn answer(&self, answer: &Answer) -> Answer {
        match answer {
            Answer::Choice(v) => Answer::Choice(v.iter().filter_map(|&i| self.options.get(i).copied()).collect()),
            Answer::Order(v) => Answer::Order(v.iter().filter_map(|&i| self.options.get(i).copied()).collect()),
            Answer::Matching(picks) => {
                let mut out = vec![None; self.options.len()];
                for (i, pick) in picks.iter().enumerate() {
                    if let Some(&to) = self.options.get(i) {
                        out[to] = pick.and_then(|r| self.right.get(r).copied());
                    }
                }
                Answer::Matching(out)
            }
            Answer::Text(t) => Answer::Text(t.clone()),
            // Drag and drop picks name choices (followed like options); an embedded gap's pick
            // names an answer of the gap, which `lines_up` requires to be where it was.
            Answer::Gaps(gaps) => Answer::Gaps(
                gaps.iter()
                    .map(|g| match g {
                        Some(GapAnswer::Choice(i)) => Some(GapAnswer::Choice(self.options.get(*i).copied().unwrap_or(*i))),
                        Some(GapAnswer::Choices(ticked)) => {
                            Some(GapAnswer::Choices(ticked.iter().map(|i| self.options.get(*i).copied().unwrap_or(*i)).collect()))
                        }
                        other => other.clone(),
                    })
                    .collect(),
            ),
        }
    }
}

/// The new index of each old item of a list of the same length: by text when the new list
/// holds the old texts in another order (each once), else by position.
fn follow(old: &[String], new: &[String]) -> Vec<usize> {
    let unique = |l: &[String]| l.iter().collect::<std::collections::HashSet<_>>().len() == l.len();
    if old != new && unique(old) && unique(new) {
        if let Some(by_text) = old.iter().map(|t| new.iter().position(|n| n == t)).collect::<Option<Vec<usize>>>() {
            return by_text;
        }
    }
    (0..old.len()).collect()
}

/// Whether an answer given to `old` can be scored against `new` (see the module's notes), and
/// how it reads there.
pub fn lines_up(old: &Question, new: &Question) -> Result<Translation, Mismatch> {
    if old.kind != new.kind {
        return Err(Mismatch::Kind);
    }
    if old.options.len() != new.options.len() {
        return Err(Mismatch::Options);
    }
    if old.right.len() != new.right.len() {
        return Err(Mismatch::Right);
    }
    if old.kind == QuestionKind::Essay && old.points != new.points {
        return Err(Mismatch::EssayPoints);
    }
    match old.kind {
        // The same gaps, each of the same kind with as many answers (a pick names an answer by
        // its place across the gaps); the answers' texts and shares may change.
        QuestionKind::Cloze => {
            let shape = |q: &Question| {
                gaps::parse_cloze(&q.text).ok().map(|c| c.gaps.iter().map(|g| (g.kind, g.answers.len())).collect::<Vec<_>>())
            };
            if shape(old).is_none() || shape(old) != shape(new) {
                return Err(Mismatch::Gaps);
            }
        }
        QuestionKind::DragText => {
            let count = |q: &Question| gaps::parse_drag_text(&q.text, q.options.len()).ok().map(|(_, g)| g.len());
            if count(old).is_none() || count(old) != count(new) {
                return Err(Mismatch::Gaps);
            }
        }
        // The values a paper drew follow from the variables: other variables, other values.
        QuestionKind::Calculated => {
            if old.calculated.as_ref().map(|c| &c.variables) != new.calculated.as_ref().map(|c| &c.variables) {
                return Err(Mismatch::Values);
            }
        }
        _ => {}
    }
    Ok(Translation { options: follow(&old.options, &new.options), right: follow(&old.right, &new.right) })
}

/// The mark a score makes on the journal's scale, as a hand-in stores it.
pub fn mark_for(score_milli: i64, max_points: i64, scale: Scale) -> Option<String> {
    let percent = if max_points > 0 { score_milli as f64 / 10.0 / max_points as f64 } else { 0.0 };
    let value = match scale {
        Scale::FivePoint => model::percent_to_five(percent),
        Scale::Hundred => model::percent_to_hundred(percent),
    };
    scale.mark(value).ok().map(|m| m.value().to_string())
}

/// A version of a bank question as the regrade reads it.
#[derive(Clone, Debug)]
pub struct Version {
    pub id: i64,
    pub family_id: i64,
    pub version: i64,
    pub question: Question,
}

/// A saved answer: as stored, and its points so far (thousandths).
#[derive(Clone, Debug)]
pub struct Saved {
    pub raw: String,
    pub points_milli: Option<i64>,
}

/// One of the exam's attempts as stored.
#[derive(Clone, Debug)]
pub struct Sat {
    pub id: i64,
    pub student_id: i64,
    pub attempt_no: i64,
    pub submitted: bool,
    pub annulled: bool,
    pub needs_grading: bool,
    pub paper: Vec<(i64, u64)>,
    pub score_milli: Option<i64>,
    pub max_points: Option<i64>,
    pub mark: Option<String>,
    /// By question; read only for the attempts a regrade changes.
    pub answers: HashMap<i64, Saved>,
}

impl Sat {
    fn graded(&self, mark: Option<&str>) -> Graded {
        Graded {
            attempt_no: self.attempt_no,
            submitted: self.submitted,
            annulled: self.annulled,
            needs_grading: self.needs_grading,
            mark: mark.and_then(|m| m.parse().ok()),
        }
    }
}

/// An answer moved to the question's latest version.
#[derive(Clone, Debug, PartialEq)]
pub struct Moved {
    pub from: i64,
    pub to: i64,
    /// The answer in the new version's indexes, as stored.
    pub answer: String,
    pub points_milli: i64,
}

/// One attempt scored again: (before, after) of what changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Rescore {
    pub attempt_id: i64,
    pub student_id: i64,
    pub paper: Vec<(i64, u64)>,
    pub moved: Vec<Moved>,
    pub score_milli: (i64, i64),
    pub max_points: (i64, i64),
    pub mark: (Option<String>, Option<String>),
    /// The teacher typed the mark when grading: it stays.
    pub mark_kept: bool,
}

/// A drawn version whose family has a later one.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionChange {
    pub from: i64,
    pub to: i64,
    pub from_version: i64,
    pub to_version: i64,
    /// The latest version's text.
    pub text: String,
    /// Handed-in attempts that drew `from`.
    pub attempts: usize,
    /// Attempts still running that drew it (left as they are).
    pub running: usize,
    pub problem: Option<Mismatch>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    pub questions: Vec<QuestionChange>,
    pub rescores: Vec<Rescore>,
}

/// The drawn version and the family's latest one, where the latest is later.
fn outdated<'a>(id: i64, drawn: &'a HashMap<i64, Version>, latest: &'a HashMap<i64, Version>) -> Option<(&'a Version, &'a Version)> {
    let v = drawn.get(&id)?;
    let l = latest.get(&v.family_id)?;
    (l.version > v.version && l.id != v.id).then_some((v, l))
}

/// The handed-in attempts a regrade would change (whose answers it needs).
pub fn to_rescore(sat: &[Sat], drawn: &HashMap<i64, Version>, latest: &HashMap<i64, Version>) -> Vec<i64> {
    sat.iter().filter(|a| a.submitted && a.paper.iter().any(|(id, _)| outdated(*id, drawn, latest).is_some())).map(|a| a.id).collect()
}

/// What a regrade changes: `drawn` holds every version the papers drew (by id), `latest` each
/// of their families' latest version (by family).
pub fn plan(sat: &[Sat], drawn: &HashMap<i64, Version>, latest: &HashMap<i64, Version>, scale: Scale) -> Plan {
    let mut questions: Vec<QuestionChange> = Vec::new();
    let mut translations: HashMap<i64, Result<Translation, Mismatch>> = HashMap::new();
    let mut rescores = Vec::new();
    for a in sat {
        let mut paper = a.paper.clone();
        let mut moved = Vec::new();
        let (mut score_delta, mut max_delta) = (0i64, 0i64);
        for (id, seed) in paper.iter_mut() {
            let Some((v, l)) = outdated(*id, drawn, latest) else { continue };
            let fits = translations.entry(v.id).or_insert_with(|| lines_up(&v.question, &l.question));
            let change = match questions.iter_mut().position(|c| c.from == v.id) {
                Some(i) => &mut questions[i],
                None => {
                    questions.push(QuestionChange {
                        from: v.id,
                        to: l.id,
                        from_version: v.version,
                        to_version: l.version,
                        text: l.question.text.chars().take(120).collect(),
                        attempts: 0,
                        running: 0,
                        problem: fits.as_ref().err().copied(),
                    });
                    questions.last_mut().expect("just pushed")
                }
            };
            if !a.submitted {
                change.running += 1;
                continue;
            }
            change.attempts += 1;
            let Ok(translation) = fits else { continue };
            // A paper that somehow holds the new version already keeps both as they are.
            if a.paper.iter().any(|(other, _)| *other == l.id) {
                continue;
            }
            max_delta += i64::from(l.question.points) - i64::from(v.question.points);
            if let Some(saved) = a.answers.get(id) {
                let old_points = saved.points_milli.unwrap_or(0);
                let (answer, points_milli) = match serde_json::from_str::<Answer>(&saved.raw) {
                    // Points given by hand stay; an essay lines up only at the same points.
                    _ if l.question.kind == QuestionKind::Essay => (saved.raw.clone(), old_points),
                    Ok(ans) => {
                        let ans = translation.answer(&ans);
                        // The paper's seed: a calculated question's values are this candidate's.
                        let points = (model::score_paper(&l.question, *seed, &ans).points_awarded * 1000.0).round() as i64;
                        (serde_json::to_string(&ans).unwrap_or_else(|_| saved.raw.clone()), points)
                    }
                    // An answer that cannot be read earned nothing and still earns nothing.
                    Err(_) => (saved.raw.clone(), old_points),
                };
                score_delta += points_milli - old_points;
                moved.push(Moved { from: *id, to: l.id, answer, points_milli });
            }
            *id = l.id;
        }
        if paper == a.paper {
            continue;
        }
        let old_score = a.score_milli.unwrap_or(0);
        let old_max = a.max_points.unwrap_or(0);
        let (new_score, new_max) = (old_score + score_delta, old_max + max_delta);
        // An attempt waiting for the teacher has no mark yet; one graded by hand keeps a mark
        // the teacher typed (one its score did not make).
        let follows = !a.needs_grading && a.mark == mark_for(old_score, old_max, scale);
        let new_mark = if follows { mark_for(new_score, new_max, scale) } else { a.mark.clone() };
        rescores.push(Rescore {
            attempt_id: a.id,
            student_id: a.student_id,
            paper,
            moved,
            score_milli: (old_score, new_score),
            max_points: (old_max, new_max),
            mark: (a.mark.clone(), new_mark),
            mark_kept: !follows && !a.needs_grading,
        });
    }
    questions.sort_by_key(|c| (c.from_version, c.from));
    Plan { questions, rescores }
}

/// Each candidate's grade by `method` before and after `rescores` (those the regrade changes).
pub fn grades(sat: &[Sat], rescores: &[Rescore], method: GradingMethod) -> HashMap<i64, (Grade, Grade)> {
    let new_mark: HashMap<i64, Option<&str>> = rescores.iter().map(|r| (r.attempt_id, r.mark.1.as_deref())).collect();
    let mut by_student: HashMap<i64, (Vec<Graded>, Vec<Graded>)> = HashMap::new();
    for a in sat {
        let entry = by_student.entry(a.student_id).or_default();
        entry.0.push(a.graded(a.mark.as_deref()));
        entry.1.push(a.graded(new_mark.get(&a.id).copied().unwrap_or(a.mark.as_deref())));
    }
    by_student.into_iter().map(|(s, (before, after))| (s, (grade(method, &before), grade(method, &after)))).collect()
}

/// A changed question as the panel lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegradeQuestion {
    pub text: String,
    pub from_version: i64,
    pub to_version: i64,
    pub attempts: usize,
    pub running: usize,
    /// Why it cannot be regraded automatically.
    pub problem: Option<Msg>,
}

/// One attempt's score and mark before and after.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegradeAttempt {
    pub attempt_no: i64,
    pub score: (f64, f64),
    pub max_points: (i64, i64),
    pub mark: (Option<String>, Option<String>),
    pub mark_kept: bool,
    pub annulled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegradeCandidate {
    pub name: String,
    pub attempts: Vec<RegradeAttempt>,
    /// The grade by the exam's method, before and after.
    pub grade: (Grade, Grade),
}

/// What a regrade of the exam would change now (empty `questions`: nothing to regrade).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RegradePreview {
    pub questions: Vec<RegradeQuestion>,
    pub candidates: Vec<RegradeCandidate>,
    /// Attempts an apply would change.
    pub attempts: usize,
}

/// What an apply did.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RegradeOutcome {
    pub attempts: usize,
    /// Candidates whose grade changed.
    pub grades: usize,
    /// Questions left as drawn (they do not line up).
    pub skipped: usize,
}

#[cfg(test)]
mod tests;
