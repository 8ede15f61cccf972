//! Units of a numerical question, as Moodle's numerical question has them (issue 19): a list of
//! units, each a name and a multiplier, the first the base unit the accepted answers are in
//! (multiplier 1). A multiplier says how many of the unit make one base unit: with "м" 1 and
//! "см" 100, a typed "250 см" is 250 / 100 = 2.5 м. Then how units are graded (not used,
//! optional, graded with a penalty) and given (typed with the number or chosen from a select,
//! before or after it). Reading a typed answer ("2,5 см", "2.5cm", "м 2.5") and scoring it live
//! here; [`super::model::score`] calls in for short answers whose units are in use.
//!
//! Scoring follows Moodle's `qtype_numerical_question::get_matching_answer` and
//! `apply_unit_penalty`: the typed number, converted by its unit when the unit is one of the
//! list, matches an accepted answer: the unit is right. Failing that, an accepted answer the
//! number matches as typed (no unit, an unknown unit, or a known one that does not convert to
//! it: "2.5 км" for 2.5 м) has the unit wrong: graded units then lose the penalty (a share of
//! the answer's credit or of the whole question's), optional ones nothing.
//!
//! Where Talap differs from Moodle, on purpose: a comma is always a decimal comma (as everywhere
//! in Talap; Moodle guesses thousands separators from the locale), a unit is compared with its
//! spaces removed and its case kept ("mm" is not "Mm", as in Moodle), Moodle's radio buttons
//! (`showunits` 1) are a select, and "units not used" scores a bare number exactly as a
//! question without units does (a typed unit makes the answer wrong).

use super::limits::MAX_OPTION;
use super::typed::{parse_number, within};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The most units a question can have.
pub const MAX_UNITS: usize = 20;
/// The longest unit name, in characters (Moodle's column is as wide).
pub const MAX_UNIT_NAME: usize = 50;
/// Moodle's default penalty for a missing or wrong unit.
pub const DEFAULT_PENALTY: f64 = 0.1;

/// A unit: "см" with multiplier 100 is a hundredth of the base unit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub name: String,
    pub multiplier: f64,
}

/// Whether units count (Moodle's "unit handling").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnitRole {
    /// A number only, as without units; the list is kept for when they are used again.
    #[default]
    NotUsed,
    /// A unit may be given and converts the number; it earns and costs nothing.
    Optional,
    /// A unit must be given: a missing or wrong one loses the penalty.
    Graded,
}

/// What the penalty is a share of (Moodle's `unitgradingtype` 1 and 2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PenaltyOf {
    /// Of the credit the number earned: 10% of a half-right answer is 5% of the points.
    #[default]
    Response,
    /// Of the question's points.
    Question,
}

/// How the candidate gives the unit (Moodle's `showunits`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnitInput {
    /// Typed in the box with the number.
    #[default]
    Typed,
    /// Chosen from a select of the units beside the box.
    Select,
}

fn default_penalty() -> f64 {
    DEFAULT_PENALTY
}

/// A numerical question's units and how they are graded and given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Units {
    /// The base unit first (multiplier 1), then the others.
    pub list: Vec<Unit>,
    #[serde(default)]
    pub role: UnitRole,
    /// Graded units: the share lost for a missing or wrong unit, 0 to 1.
    #[serde(default = "default_penalty")]
    pub penalty: f64,
    #[serde(default)]
    pub penalty_of: PenaltyOf,
    #[serde(default)]
    pub input: UnitInput,
    /// The unit goes before the number ("$ 5"), not after it.
    #[serde(default)]
    pub left: bool,
}

impl Default for Units {
    fn default() -> Units {
        Units {
            list: Vec::new(),
            role: UnitRole::NotUsed,
            penalty: DEFAULT_PENALTY,
            penalty_of: PenaltyOf::Response,
            input: UnitInput::Typed,
            left: false,
        }
    }
}

/// What the candidate's paper shows of the units: their names when chosen from a select, never
/// a multiplier (with one and the base unit an answer given in another unit would follow).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaperUnits {
    /// A unit must be given (the hint says so).
    pub graded: bool,
    /// The select's units in the bank's order; empty when the unit is typed.
    pub choices: Vec<String>,
    /// The unit goes before the number.
    pub left: bool,
}

/// A unit name as compared: its spaces removed (Moodle removes every space from a response).
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect()
}

impl Units {
    /// Whether units change how answers are read (not "not used").
    pub fn in_use(&self) -> bool {
        self.role != UnitRole::NotUsed
    }

    /// The problems a teacher can fix, first found first: at most [`MAX_UNITS`] units, each
    /// named (at most [`MAX_UNIT_NAME`] characters, no digit, sign or point where it meets the
    /// number, no two alike) with a finite multiplier above 0, the first one 1; a penalty from
    /// 0 to 1; units in use need at least one unit and every accepted answer a number.
    pub fn validate(&self, accepted: &[String]) -> Result<(), Msg> {
        if self.list.len() > MAX_UNITS {
            return Err(Msg::ErrUnitsTooMany);
        }
        for unit in &self.list {
            let name = unit.name.trim();
            if name.is_empty() {
                return Err(Msg::ErrUnitNameEmpty);
            }
            if name.chars().count() > MAX_UNIT_NAME {
                return Err(Msg::ErrUnitNameTooLong);
            }
            // "2.5 5м" would read as 2.55 and "м"; the side away from the number may hold any.
            let touching = if self.left { name.chars().next_back() } else { name.chars().next() };
            if touching.is_some_and(|c| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | ',')) {
                return Err(Msg::ErrUnitNameNumber);
            }
            if !unit.multiplier.is_finite() || unit.multiplier <= 0.0 {
                return Err(Msg::ErrUnitMultiplierInvalid);
            }
        }
        let mut keys: Vec<String> = self.list.iter().map(|u| name_key(&u.name)).collect();
        keys.sort_unstable();
        keys.dedup();
        if keys.len() != self.list.len() {
            return Err(Msg::ErrUnitNameDuplicate);
        }
        if self.list.first().is_some_and(|base| base.multiplier != 1.0) {
            return Err(Msg::ErrUnitBaseMultiplier);
        }
        if !self.penalty.is_finite() || !(0.0..=1.0).contains(&self.penalty) {
            return Err(Msg::ErrUnitPenaltyInvalid);
        }
        if self.in_use() {
            if self.list.is_empty() {
                return Err(Msg::ErrUnitsNeeded);
            }
            if accepted.iter().any(|a| parse_number(a).is_none()) {
                return Err(Msg::ErrUnitsNeedNumbers);
            }
        }
        Ok(())
    }

    /// A number with the base unit, on its side: "2.5 м" (the review's right answer).
    pub fn with_base(&self, number: &str) -> String {
        match self.list.first() {
            Some(base) => join(number, base.name.trim(), self.left),
            None => number.to_string(),
        }
    }

    /// What the paper shows (None when units are not used).
    pub fn paper(&self) -> Option<PaperUnits> {
        self.in_use().then(|| PaperUnits {
            graded: self.role == UnitRole::Graded,
            choices: match self.input {
                UnitInput::Select => self.list.iter().map(|u| u.name.trim().to_string()).collect(),
                UnitInput::Typed => Vec::new(),
            },
            left: self.left,
        })
    }

    /// The multiplier of a typed unit (spaces removed), if it is one of the list.
    fn multiplier_of(&self, typed: &str) -> Option<f64> {
        if typed.is_empty() {
            return None;
        }
        self.list.iter().find(|u| name_key(&u.name) == typed).map(|u| u.multiplier)
    }

    /// An answer's credit after the unit: whole when right or not graded, else less the penalty.
    fn credit(&self, weight: f64, unit_right: bool) -> f64 {
        if unit_right || self.role != UnitRole::Graded {
            return weight;
        }
        let lost = match self.penalty_of {
            PenaltyOf::Response => self.penalty * weight,
            PenaltyOf::Question => self.penalty,
        };
        (weight - lost).max(0.0)
    }
}

impl PaperUnits {
    /// The text sent for a number and a unit picked from the select: "2,5 см", "" without a
    /// number (an answer without one is no answer).
    pub fn join(&self, number: &str, unit: &str) -> String {
        if number.trim().is_empty() {
            return String::new();
        }
        join(number.trim(), unit.trim(), self.left)
    }

    /// A saved text as (number, unit picked), for showing it in the box and the select again:
    /// the longest unit of the select at its side; else all of it in the box.
    pub fn split_saved(&self, saved: &str) -> (String, String) {
        let saved = saved.trim();
        let mut best: Option<(&str, &str)> = None;
        for choice in &self.choices {
            let rest = if self.left { saved.strip_prefix(choice.as_str()) } else { saved.strip_suffix(choice.as_str()) };
            if let Some(rest) = rest.map(str::trim).filter(|r| !r.is_empty()) {
                if best.is_none_or(|(_, unit)| choice.len() > unit.len()) {
                    best = Some((rest, choice.as_str()));
                }
            }
        }
        best.map_or_else(|| (saved.to_string(), String::new()), |(number, unit)| (number.to_string(), unit.to_string()))
    }
}

fn join(number: &str, unit: &str, left: bool) -> String {
    match (unit.is_empty(), left) {
        (true, _) => number.to_string(),
        (false, true) => format!("{unit} {number}"),
        (false, false) => format!("{number} {unit}"),
    }
}

/// The length in bytes of the number a text starts with (0 for none), as Moodle's answer
/// processor reads one: a sign, digits with a decimal point or comma, an exponent only when
/// digits follow it ("2e3", but "2 e" is 2 and "e").
fn number_len(text: &str) -> usize {
    let b = text.as_bytes();
    let digits_from = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let start = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let mut end = digits_from(start);
    let whole = end > start;
    if end < b.len() && matches!(b[end], b'.' | b',') {
        let after = digits_from(end + 1);
        if whole || after > end + 1 {
            end = after;
        }
    }
    if end == start {
        return 0;
    }
    if end < b.len() && matches!(b[end], b'e' | b'E') {
        let sign = end + 1 + usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
        let exponent = digits_from(sign);
        if exponent > sign {
            end = exponent;
        }
    }
    end
}

/// A typed answer as its number and the unit beside it (spaces removed, "" for none), on the
/// side `left` says: "2,5 см" is (2.5, "см"), "2.5cm" (2.5, "cm"). None without a number there.
pub fn split(text: &str, left: bool) -> Option<(f64, String)> {
    let text = text.trim();
    // No number is this long; the search below would take a while over a pasted page.
    if text.len() > MAX_OPTION {
        return None;
    }
    let (number, unit) = if left {
        let start = text.char_indices().map(|(i, _)| i).find(|&i| {
            let rest = text[i..].trim_start();
            !rest.is_empty() && number_len(rest) == rest.len()
        })?;
        (text[start..].trim(), &text[..start])
    } else {
        let len = number_len(text);
        if len == 0 {
            return None;
        }
        (&text[..len], &text[len..])
    };
    Some((parse_number(number)?, name_key(unit)))
}

/// The accepted answer a text with a unit earns the most with (the first of equals) and its
/// credit after the unit's penalty, if it matches any (see the module's notes). `accepted`:
/// each accepted answer with its weight and tolerance (`model::Question::accepted_credit`).
pub(super) fn best_match<'a>(
    accepted: impl IntoIterator<Item = (&'a str, f64, Option<f64>)>,
    units: &Units,
    text: &str,
) -> Option<(usize, f64)> {
    let (value, unit) = split(text, units.left)?;
    let multiplier = units.multiplier_of(&unit);
    let mut best: Option<(usize, f64)> = None;
    for (i, (accepted, weight, tolerance)) in accepted.into_iter().enumerate() {
        let Some(key) = parse_number(accepted) else { continue };
        let unit_right = match multiplier {
            Some(m) if within(key, value / m, tolerance) => true,
            _ if within(key, value, tolerance) => false,
            _ => continue,
        };
        let credit = units.credit(weight, unit_right);
        if best.is_none_or(|(_, b)| credit > b) {
            best = Some((i, credit));
        }
    }
    best
}

impl UnitRole {
    pub const ALL: [UnitRole; 3] = [UnitRole::NotUsed, UnitRole::Optional, UnitRole::Graded];

    pub fn code(self) -> &'static str {
        match self {
            UnitRole::NotUsed => "none",
            UnitRole::Optional => "optional",
            UnitRole::Graded => "graded",
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            UnitRole::NotUsed => Msg::UnitsNotUsed,
            UnitRole::Optional => Msg::UnitsOptional,
            UnitRole::Graded => Msg::UnitsGraded,
        }
    }
}

impl PenaltyOf {
    pub const ALL: [PenaltyOf; 2] = [PenaltyOf::Response, PenaltyOf::Question];

    pub fn code(self) -> &'static str {
        match self {
            PenaltyOf::Response => "response",
            PenaltyOf::Question => "question",
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            PenaltyOf::Response => Msg::UnitPenaltyOfResponse,
            PenaltyOf::Question => Msg::UnitPenaltyOfQuestion,
        }
    }
}

impl UnitInput {
    pub const ALL: [UnitInput; 2] = [UnitInput::Typed, UnitInput::Select];

    pub fn code(self) -> &'static str {
        match self {
            UnitInput::Typed => "typed",
            UnitInput::Select => "select",
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            UnitInput::Typed => Msg::UnitInputTyped,
            UnitInput::Select => Msg::UnitInputSelect,
        }
    }
}

#[cfg(test)]
#[path = "units_tests.rs"]
mod tests;
