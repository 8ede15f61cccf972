//! The units part of the question editor's form (issue 19): the units table as typed (names
//! and multipliers as text, a decimal comma too) and the unit options, and their translation
//! to and from [`Units`]. `Units::validate` judges the result; [`field_of`] places its messages.

use super::model::parse_number;
use super::units::{PenaltyOf, Unit, UnitInput, UnitRole, Units, DEFAULT_PENALTY};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// A row of the units table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitRow {
    pub name: String,
    pub multiplier: String,
}

/// The units and their options as the editor holds them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnitsForm {
    pub rows: Vec<UnitRow>,
    pub role: UnitRole,
    /// The penalty in percent, as typed; empty: Moodle's 10%.
    pub penalty: String,
    pub penalty_of: PenaltyOf,
    pub input: UnitInput,
    pub left: bool,
}

impl Default for UnitsForm {
    /// Units not used, with an empty base unit row to start the table.
    fn default() -> UnitsForm {
        UnitsForm {
            rows: vec![base_row()],
            role: UnitRole::NotUsed,
            penalty: percent(DEFAULT_PENALTY),
            penalty_of: PenaltyOf::Response,
            input: UnitInput::Typed,
            left: false,
        }
    }
}

fn base_row() -> UnitRow {
    UnitRow { name: String::new(), multiplier: "1".into() }
}

/// 0.1 -> "10": a share as a person types its percent.
fn percent(share: f64) -> String {
    format!("{}", (share * 100.0 * 1e6).round() / 1e6)
}

impl UnitsForm {
    /// The form showing a question's units (none: the empty form).
    pub fn of(units: Option<&Units>) -> UnitsForm {
        let Some(u) = units else { return UnitsForm::default() };
        UnitsForm {
            rows: if u.list.is_empty() {
                vec![base_row()]
            } else {
                u.list.iter().map(|unit| UnitRow { name: unit.name.clone(), multiplier: format!("{}", unit.multiplier) }).collect()
            },
            role: u.role,
            penalty: percent(u.penalty),
            penalty_of: u.penalty_of,
            input: u.input,
            left: u.left,
        }
    }

    /// The units the form describes: None when they are not used and none is typed (rows with
    /// no name and no multiplier other than the base row's 1 are untouched rows, left out); or
    /// the first number that does not read.
    pub fn to_units(&self) -> Result<Option<Units>, (&'static str, Msg)> {
        let untouched = |r: &&UnitRow| r.name.trim().is_empty() && matches!(r.multiplier.trim(), "" | "1");
        let rows: Vec<&UnitRow> = self.rows.iter().filter(|r| !untouched(r)).collect();
        if rows.is_empty() && self.role == UnitRole::NotUsed {
            return Ok(None);
        }
        let list = rows
            .iter()
            .map(|r| parse_number(&r.multiplier).map(|multiplier| Unit { name: r.name.trim().to_string(), multiplier }))
            .collect::<Option<Vec<Unit>>>()
            .ok_or(("units", Msg::ErrUnitMultiplierInvalid))?;
        let penalty = match self.penalty.trim().trim_end_matches('%').trim() {
            "" => DEFAULT_PENALTY,
            typed => parse_number(typed).ok_or(("units", Msg::ErrUnitPenaltyInvalid))? / 100.0,
        };
        Ok(Some(Units { list, role: self.role, penalty, penalty_of: self.penalty_of, input: self.input, left: self.left }))
    }
}

/// The part of the editor a units message is about: "units", or "answers" for the accepted
/// answers that must be numbers; None for other messages.
pub fn field_of(msg: Msg) -> Option<&'static str> {
    match msg {
        Msg::ErrUnitsTooMany
        | Msg::ErrUnitNameEmpty
        | Msg::ErrUnitNameTooLong
        | Msg::ErrUnitNameNumber
        | Msg::ErrUnitMultiplierInvalid
        | Msg::ErrUnitNameDuplicate
        | Msg::ErrUnitBaseMultiplier
        | Msg::ErrUnitPenaltyInvalid
        | Msg::ErrUnitsNeeded => Some("units"),
        Msg::ErrUnitsNeedNumbers => Some("answers"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::editor::{field_of as editor_field, AcceptedRow, QuestionForm};
    use crate::exam::model::{Question, QuestionKind};

    fn numerical(units: UnitsForm) -> QuestionForm {
        let mut form = QuestionForm::new(QuestionKind::Short);
        form.text = "Ұзындығы?".into();
        form.accepted = vec![AcceptedRow { text: "2,5".into(), tolerance: "0,01".into(), ..AcceptedRow::default() }];
        form.units = units;
        form
    }

    fn rows(list: &[(&str, &str)]) -> Vec<UnitRow> {
        list.iter().map(|(name, multiplier)| UnitRow { name: name.to_string(), multiplier: multiplier.to_string() }).collect()
    }

    #[test]
    fn an_untouched_units_table_is_no_units() {
        let q = numerical(UnitsForm::default()).to_question().expect("reads");
        assert_eq!(q.units, None);
        // Typed rows are kept while units are not used, for when they are used again.
        let kept = UnitsForm { rows: rows(&[("м", "1"), ("см", "100")]), ..UnitsForm::default() };
        let q = numerical(kept).to_question().expect("reads");
        assert_eq!(q.units.as_ref().map(|u| (u.role, u.list.len())), Some((UnitRole::NotUsed, 2)));
        assert_eq!(q.validate(), Ok(()));
    }

    #[test]
    fn the_form_reads_and_shows_units() {
        let form = UnitsForm {
            rows: rows(&[(" м ", "1"), ("см", "100"), ("км", "0,001"), ("", "")]),
            role: UnitRole::Graded,
            penalty: "25 %".into(),
            penalty_of: PenaltyOf::Question,
            input: UnitInput::Select,
            left: false,
        };
        let q = numerical(form).to_question().expect("reads");
        let units = q.units.clone().expect("units");
        assert_eq!(
            units.list.iter().map(|u| (u.name.as_str(), u.multiplier)).collect::<Vec<_>>(),
            vec![("м", 1.0), ("см", 100.0), ("км", 0.001)]
        );
        assert_eq!(
            (units.role, units.penalty, units.penalty_of, units.input),
            (UnitRole::Graded, 0.25, PenaltyOf::Question, UnitInput::Select)
        );
        assert_eq!(q.validate(), Ok(()));
        let shown = QuestionForm::of(&q);
        assert_eq!(shown.units.rows[2].multiplier, "0.001");
        assert_eq!(shown.units.penalty, "25");
        assert_eq!(shown.to_question().expect("reads"), q, "the form shows what it saved");
        // Another kind has no units, whatever the form kept.
        let essay = shown.with_kind(QuestionKind::Essay).to_question().expect("reads");
        assert_eq!(essay.units, None);
    }

    #[test]
    fn unit_problems_are_placed_at_the_units() {
        let graded = |list: &[(&str, &str)]| UnitsForm { rows: rows(list), role: UnitRole::Graded, ..UnitsForm::default() };
        assert_eq!(numerical(graded(&[("м", "1"), ("см", "жүз")])).to_question(), Err(("units", Msg::ErrUnitMultiplierInvalid)));
        assert_eq!(
            numerical(UnitsForm { penalty: "он".into(), ..graded(&[("м", "1")]) }).to_question(),
            Err(("units", Msg::ErrUnitPenaltyInvalid))
        );
        let placed = |form: QuestionForm| {
            let q: Question = form.to_question().expect("reads");
            let msg = q.validate().expect_err("refused");
            (editor_field(&q, msg), msg)
        };
        assert_eq!(placed(numerical(graded(&[("м", "1"), ("м", "100")]))), ("units", Msg::ErrUnitNameDuplicate));
        assert_eq!(placed(numerical(graded(&[("см", "100"), ("м", "1")]))), ("units", Msg::ErrUnitBaseMultiplier));
        assert_eq!(placed(numerical(graded(&[]))), ("units", Msg::ErrUnitsNeeded));
        assert_eq!(placed(numerical(UnitsForm { penalty: "150".into(), ..graded(&[("м", "1")]) })), ("units", Msg::ErrUnitPenaltyInvalid));
        let mut words = numerical(graded(&[("м", "1")]));
        words.accepted[0].text = "екі".into();
        assert_eq!(placed(words), ("answers", Msg::ErrUnitsNeedNumbers));
    }
}
