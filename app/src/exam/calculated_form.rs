//! The editor's form of a calculated question (issue 19): its variables and answer formulas as
//! typed (numbers as text, shares in percent), and the translation to and from
//! [`Calculated`]. Pure and compiled for both targets, like [`super::editor`].

use super::calculated::{wildcards, AnswerDisplay, CalcAnswer, Calculated, ToleranceKind, Variable};
use super::model::parse_number;
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// A variable: its wildcard's name, its range and decimals, and optionally fixed values.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VariableRow {
    pub name: String,
    pub min: String,
    pub max: String,
    pub decimals: String,
    /// Fixed values separated by ";" (a decimal comma may be typed), or empty: the range.
    pub values: String,
}

/// An answer formula with its share, tolerance and how its value is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormulaRow {
    pub formula: String,
    /// Percent, or empty: 100.
    pub share: String,
    pub tolerance: String,
    pub tolerance_kind: ToleranceKind,
    pub display: AnswerDisplay,
    pub length: String,
    pub feedback: String,
}

impl Default for FormulaRow {
    /// Moodle's defaults: 1 % relative tolerance, 2 decimals.
    fn default() -> FormulaRow {
        FormulaRow::of(&CalcAnswer::new(""))
    }
}

impl FormulaRow {
    fn of(a: &CalcAnswer) -> FormulaRow {
        FormulaRow {
            formula: a.formula.clone(),
            share: if a.share >= 1.0 - 1e-9 { String::new() } else { number(a.share * 100.0) },
            tolerance: number(a.tolerance),
            tolerance_kind: a.tolerance_kind,
            display: a.display,
            length: a.length.to_string(),
            feedback: a.feedback.clone(),
        }
    }
}

/// The calculated part of the editor's form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CalculatedForm {
    pub variables: Vec<VariableRow>,
    pub formulas: Vec<FormulaRow>,
    pub unit: String,
}

impl CalculatedForm {
    /// A new question's: one formula with Moodle's defaults, variables from the text later.
    pub fn new() -> CalculatedForm {
        CalculatedForm { variables: Vec::new(), formulas: vec![FormulaRow::default()], unit: String::new() }
    }

    pub fn of(c: &Calculated) -> CalculatedForm {
        CalculatedForm {
            variables: c
                .variables
                .iter()
                .map(|v| VariableRow {
                    name: v.name.clone(),
                    min: number(v.min),
                    max: number(v.max),
                    decimals: v.decimals.to_string(),
                    values: v.values.iter().map(|x| number(*x)).collect::<Vec<_>>().join("; "),
                })
                .collect(),
            formulas: c.answers.iter().map(FormulaRow::of).collect(),
            unit: c.unit.clone(),
        }
    }

    /// A row for each wildcard of the text, in its order: rows already there keep their range;
    /// a new one starts at 1..10, whole numbers. Rows of names the text does not use stay after
    /// them (a formula may use a variable the text does not show), unless untouched since this
    /// made them: a name half typed (`{ab` on the way to `{abc}`) leaves no row behind.
    pub fn take_variables_from(&mut self, text: &str) {
        let names = wildcards(text);
        let fresh = |name: &str| VariableRow {
            name: name.to_string(),
            min: "1".into(),
            max: "10".into(),
            decimals: "0".into(),
            values: String::new(),
        };
        let mut rows: Vec<VariableRow> =
            names.iter().map(|n| self.variables.iter().find(|v| v.name.trim() == n).cloned().unwrap_or_else(|| fresh(n))).collect();
        rows.extend(self.variables.iter().filter(|v| !names.iter().any(|n| n == v.name.trim()) && **v != fresh(&v.name)).cloned());
        if rows != self.variables {
            self.variables = rows;
        }
    }

    /// The variables and answers the form describes, or the first number that does not read
    /// (with the part of the form it is in); [`Calculated::validate`] judges the rest.
    pub fn to_calculated(&self) -> Result<Calculated, (&'static str, Msg)> {
        let range = ("variables", Msg::ErrCalcRange);
        let variables = self
            .variables
            .iter()
            .map(|v| {
                let values = v
                    .values
                    .split(';')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(parse_number)
                    .collect::<Option<Vec<f64>>>()
                    .ok_or(range)?;
                // With fixed values the range is theirs (Moodle shows both).
                let read = |typed: &str, fallback: Option<f64>| match typed.trim() {
                    "" => fallback.ok_or(range),
                    t => parse_number(t).ok_or(range),
                };
                let low = values.iter().copied().reduce(f64::min);
                let high = values.iter().copied().reduce(f64::max);
                Ok(Variable {
                    name: v.name.trim().to_string(),
                    min: read(&v.min, low)?,
                    max: read(&v.max, high)?,
                    decimals: match v.decimals.trim() {
                        "" => 0,
                        d => d.parse().map_err(|_| range)?,
                    },
                    values,
                })
            })
            .collect::<Result<Vec<Variable>, (&'static str, Msg)>>()?;
        let answers = self
            .formulas
            .iter()
            .map(|f| {
                let share = match f.share.trim().trim_end_matches('%').trim() {
                    "" => 1.0,
                    p => parse_number(p).ok_or(("answers", Msg::ErrExamWeightInvalid))? / 100.0,
                };
                let tolerance = match f.tolerance.trim() {
                    "" => 0.0,
                    t => parse_number(t).ok_or(("answers", Msg::ErrExamToleranceInvalid))?,
                };
                let length = f.length.trim().parse::<u32>().map_err(|_| ("answers", Msg::ErrCalcDisplay))?;
                Ok(CalcAnswer {
                    formula: f.formula.trim().to_string(),
                    share,
                    tolerance,
                    tolerance_kind: f.tolerance_kind,
                    display: f.display,
                    length,
                    feedback: f.feedback.trim().to_string(),
                })
            })
            .collect::<Result<Vec<CalcAnswer>, (&'static str, Msg)>>()?;
        Ok(Calculated { variables, answers, unit: self.unit.trim().to_string() })
    }
}

/// A number as a person would type it: "0.01", "2.5", "10".
fn number(n: f64) -> String {
    let s = format!("{:.10}", n);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".to_string()
    } else {
        s.to_string()
    }
}

/// The part of the editor's form a calculated question's message is about, if it is one.
pub fn field_of(msg: Msg) -> Option<&'static str> {
    match msg {
        Msg::ErrCalcRange | Msg::ErrCalcVariableName => Some("variables"),
        Msg::ErrCalcFormula | Msg::ErrCalcUnknownFunction | Msg::ErrCalcNotFinite | Msg::ErrCalcDisplay => Some("answers"),
        // A wildcard of the text, or of a formula: the text is where one is usually missed.
        Msg::ErrCalcUnknownVariable => Some("variables"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_and_shows_a_calculated_question() {
        let mut form = CalculatedForm::new();
        form.take_variables_from("Жылдамдығы {v} м/с, уақыты {t} с. Жол? {=2*{v}}");
        assert_eq!(form.variables.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), vec!["v", "t"]);
        form.variables[0].max = "20".into();
        form.variables[1].values = "1,5; 2; 2,5".into();
        form.variables[1].min = String::new();
        form.variables[1].max = String::new();
        form.variables[1].decimals = "1".into();
        form.formulas[0].formula = " {v} * {t} ".into();
        form.formulas.push(FormulaRow { formula: "{v} + {t}".into(), share: "50".into(), ..FormulaRow::default() });
        form.unit = " м ".into();
        let c = form.to_calculated().expect("reads");
        assert_eq!((c.variables[0].min, c.variables[0].max, c.variables[0].decimals), (1.0, 20.0, 0));
        assert_eq!((c.variables[1].min, c.variables[1].max, c.variables[1].values.clone()), (1.5, 2.5, vec![1.5, 2.0, 2.5]));
        assert_eq!((c.answers[0].formula.as_str(), c.answers[0].share, c.answers[1].share), ("{v} * {t}", 1.0, 0.5));
        assert_eq!(c.unit, "м");
        assert_eq!(c.validate("{v} {t}"), Ok(()));
        assert_eq!(CalculatedForm::of(&c).to_calculated(), Ok(c.clone()), "the form shows what it saved");
        // Typing more wildcards keeps the ranges already set.
        let mut again = CalculatedForm::of(&c);
        again.take_variables_from("{t} {v} {m}");
        again.take_variables_from("{t} {v} {mass}");
        assert_eq!(
            again.variables.iter().map(|v| (v.name.as_str(), v.max.as_str())).collect::<Vec<_>>(),
            vec![("t", "2.5"), ("v", "20"), ("mass", "10")],
            "the half-typed {{m}} left no row"
        );
        form.variables[0].min = "бір".into();
        assert_eq!(form.to_calculated(), Err(("variables", Msg::ErrCalcRange)));
        form.variables[0].min = "1".into();
        form.formulas[0].length = "".into();
        assert_eq!(form.to_calculated(), Err(("answers", Msg::ErrCalcDisplay)));
    }
}
