//! Calculated questions (issue 19; Moodle's "calculated" and "calculated simple"): a text with
//! wildcards (`{a}`, `{b}`), variables drawn per candidate from a range (or a fixed list of
//! values), and answers that are formulas in Moodle's syntax (`{a} * {b}`, `sqrt({a})`,
//! `pow({a}, 2)`, `pi()`), each with a share of the points and a tolerance.
//!
//! The values are drawn from the paper's question seed (`model::question_seed`), so a
//! reload shows the same numbers and the server draws them again when scoring: nothing is stored
//! per attempt. A candidate sees the text with the values put in (and `{=...}` formulas worked
//! out, Moodle's "calculated text"), never a formula or an answer.
//!
//! Formulas are evaluated by the `exmex` crate; this module only turns Moodle's function-call
//! syntax into exmex's (variables become `_v0`, `_v1`...; functions of two or more arguments
//! become infix operators, `pow(x, y)` -> `((x) pow (y))`), refusing anything Moodle would not
//! accept. Supported, as in Moodle (PHP): `+ - * / %` (integer remainder, as PHP's), brackets,
//! `pi()`, `abs acos acosh asin asinh atan atan2 atanh ceil cos cosh deg2rad exp expm1 floor fmod
//! log` (natural; `log(x, base)` too) `log10 log1p max min pow rad2deg round` (`round(x, digits)`
//! too) `sin sinh sqrt tan tanh`. Not supported (refused at saving and import): Moodle's number
//! base functions `bindec decbin decoct octdec` and the tests `is_finite is_infinite is_nan`,
//! whose results are not numbers to compare; `^` and `**` (not Moodle's syntax: use `pow`).

use super::limits::{MAX_OPTION, MAX_OPTIONS, MAX_TEXT};
use super::rng::Rng;
use super::typed::parse_number;
use crate::i18n::Msg;
use exmex::{ops_factory, BinOp, Express, FlatEx, MakeOperators, Operator};
use serde::{Deserialize, Serialize};

/// The most values a variable's fixed list may have (Moodle's own limit on dataset items).
pub const MAX_VALUES: usize = 100;
/// The most decimals a variable or a displayed answer may have.
pub const MAX_DECIMALS: u32 = 10;
/// The most significant figures a displayed answer may have.
pub const MAX_SIGNIFICANT: u32 = 15;

/// A calculated question's variables and answers (the text is the question's own).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calculated {
    pub variables: Vec<Variable>,
    pub answers: Vec<CalcAnswer>,
    /// Shown after the answer box (e.g. "м/с"); a typed answer may end with it.
    #[serde(default)]
    pub unit: String,
}

/// A wildcard of the text and where its values come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variable {
    /// As written between the braces, without them: `a` for `{a}`.
    pub name: String,
    pub min: f64,
    pub max: f64,
    /// Decimals of a drawn value (0: whole numbers), as Moodle's dataset definition.
    pub decimals: u32,
    /// A fixed list to draw from instead of the range (Moodle's dataset items). Every variable
    /// with a list takes the item of the same number, as Moodle draws an item for the question.
    #[serde(default)]
    pub values: Vec<f64>,
}

/// How far a typed number may be from an answer's value (Moodle's tolerance types 1, 2, 3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ToleranceKind {
    /// A share of the value: 0.01 is 1 %.
    #[default]
    Relative,
    /// A plain distance.
    Nominal,
    /// Within a factor of 1 + tolerance either way.
    Geometric,
}

/// How the right value is written in the review (Moodle's correct answer format 1, 2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnswerDisplay {
    #[default]
    Decimals,
    Significant,
}

/// An answer: a formula, what it is worth, how close counts, and how it is shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalcAnswer {
    pub formula: String,
    /// A share of the points, above 0 and at most 1.
    pub share: f64,
    pub tolerance: f64,
    #[serde(default)]
    pub tolerance_kind: ToleranceKind,
    #[serde(default)]
    pub display: AnswerDisplay,
    /// Decimals or significant figures of the shown value.
    pub length: u32,
    #[serde(default)]
    pub feedback: String,
}

impl CalcAnswer {
    /// A full-marks answer with Moodle's defaults: 1 % relative tolerance, 2 decimals.
    pub fn new(formula: impl Into<String>) -> CalcAnswer {
        CalcAnswer {
            formula: formula.into(),
            share: 1.0,
            tolerance: 0.01,
            tolerance_kind: ToleranceKind::Relative,
            display: AnswerDisplay::Decimals,
            length: 2,
            feedback: String::new(),
        }
    }
}

ops_factory!(
    MoodleFunctions,
    f64,
    Operator::make_bin_unary("+", BinOp { apply: |a, b| a + b, prio: 0, is_commutative: true }, |a| a),
    Operator::make_bin_unary("-", BinOp { apply: |a, b| a - b, prio: 1, is_commutative: false }, |a| -a),
    Operator::make_bin("*", BinOp { apply: |a, b| a * b, prio: 2, is_commutative: true }),
    Operator::make_bin("/", BinOp { apply: |a, b| a / b, prio: 3, is_commutative: false }),
    // PHP's `%` works on whole numbers (the parts before the point); by 0 it fails.
    Operator::make_bin("%", BinOp { apply: |a, b| a.trunc() % b.trunc(), prio: 3, is_commutative: false }),
    // Functions of two arguments, written infix by `translate` and always bracketed.
    Operator::make_bin("pow", BinOp { apply: f64::powf, prio: 5, is_commutative: false }),
    Operator::make_bin("fmod", BinOp { apply: |a, b| a % b, prio: 5, is_commutative: false }),
    Operator::make_bin("atan2", BinOp { apply: f64::atan2, prio: 5, is_commutative: false }),
    Operator::make_bin("min", BinOp { apply: f64::min, prio: 5, is_commutative: true }),
    Operator::make_bin("max", BinOp { apply: f64::max, prio: 5, is_commutative: true }),
    Operator::make_bin("logbase", BinOp { apply: |x, base| x.ln() / base.ln(), prio: 5, is_commutative: false }),
    Operator::make_bin("roundto", BinOp { apply: round_to, prio: 5, is_commutative: false }),
    Operator::make_unary("abs", f64::abs),
    Operator::make_unary("acos", f64::acos),
    Operator::make_unary("acosh", f64::acosh),
    Operator::make_unary("asin", f64::asin),
    Operator::make_unary("asinh", f64::asinh),
    Operator::make_unary("atan", f64::atan),
    Operator::make_unary("atanh", f64::atanh),
    Operator::make_unary("ceil", f64::ceil),
    Operator::make_unary("cos", f64::cos),
    Operator::make_unary("cosh", f64::cosh),
    Operator::make_unary("deg2rad", f64::to_radians),
    Operator::make_unary("exp", f64::exp),
    Operator::make_unary("expm1", f64::exp_m1),
    Operator::make_unary("floor", f64::floor),
    Operator::make_unary("log", f64::ln),
    Operator::make_unary("log10", f64::log10),
    Operator::make_unary("log1p", f64::ln_1p),
    Operator::make_unary("rad2deg", f64::to_degrees),
    Operator::make_unary("round", f64::round),
    Operator::make_unary("sin", f64::sin),
    Operator::make_unary("sinh", f64::sinh),
    Operator::make_unary("sqrt", f64::sqrt),
    Operator::make_unary("tan", f64::tan),
    Operator::make_unary("tanh", f64::tanh),
    Operator::make_constant("PI", std::f64::consts::PI)
);

/// PHP's `round(x, digits)`: half away from zero at `digits` decimals (negative: tens...).
fn round_to(x: f64, digits: f64) -> f64 {
    let scale = 10f64.powi(digits.trunc() as i32);
    (x * scale).round() / scale
}

const UNARY: [&str; 24] = [
    "abs", "acos", "acosh", "asin", "asinh", "atan", "atanh", "ceil", "cos", "cosh", "deg2rad", "exp", "expm1", "floor", "log", "log10",
    "log1p", "rad2deg", "round", "sin", "sinh", "sqrt", "tan", "tanh",
];

/// Whether a wildcard's name is one Moodle reads as such: a letter, then letters, digits or `_`.
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(char::is_alphabetic) && chars.all(|c| c.is_alphanumeric() || c == '_') && name.chars().count() <= 50
}

/// The wildcards `{name}` of a text, each once, in the order they first appear (`{=...}`
/// formulas included, braces that hold no name, like `{1, 2}`, left out).
pub fn wildcards(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        rest = &rest[start + 1..];
        if let Some(end) = rest.find('}') {
            let inner = &rest[..end];
            let inner = inner.strip_prefix('=').unwrap_or(inner);
            if is_name(inner) {
                if !names.iter().any(|n| n == inner) {
                    names.push(inner.to_string());
                }
                rest = &rest[end + 1..];
            }
        }
    }
    names
}

/// A formula in exmex's syntax, its variables named `_v{index}`.
fn translate(formula: &str, names: &[String]) -> Result<String, Msg> {
    let chars: Vec<char> = formula.chars().collect();
    if chars.len() > MAX_OPTION {
        return Err(Msg::ErrExamOptionTooLong);
    }
    let mut pos = 0;
    let out = translate_until(&chars, &mut pos, names, &[])?;
    if pos != chars.len() || out.trim().is_empty() {
        return Err(Msg::ErrCalcFormula);
    }
    Ok(out)
}

/// Translates from `pos` until one of `stops` (not consumed) at this depth, or the end.
fn translate_until(chars: &[char], pos: &mut usize, names: &[String], stops: &[char]) -> Result<String, Msg> {
    let mut out = String::new();
    while let Some(&c) = chars.get(*pos) {
        if stops.contains(&c) {
            break;
        }
        match c {
            c if c.is_whitespace() => *pos += 1,
            '0'..='9' | '.' => {
                let start = *pos;
                while chars.get(*pos).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                    *pos += 1;
                }
                if chars.get(*pos).is_some_and(|c| *c == 'e' || *c == 'E') {
                    *pos += 1;
                    if chars.get(*pos).is_some_and(|c| *c == '+' || *c == '-') {
                        *pos += 1;
                    }
                    if !chars.get(*pos).is_some_and(char::is_ascii_digit) {
                        return Err(Msg::ErrCalcFormula);
                    }
                    while chars.get(*pos).is_some_and(char::is_ascii_digit) {
                        *pos += 1;
                    }
                }
                let number: String = chars[start..*pos].iter().collect();
                let number = number.parse::<f64>().map_err(|_| Msg::ErrCalcFormula)?;
                // Written out in full ("1.5e3" as "1500", ".5" as "0.5"): exmex reads only those.
                out.push_str(&format!(" {number} "));
            }
            '{' => {
                let end = chars[*pos..].iter().position(|&c| c == '}').ok_or(Msg::ErrCalcFormula)? + *pos;
                let name: String = chars[*pos + 1..end].iter().collect();
                let index = names.iter().position(|n| *n == name).ok_or(Msg::ErrCalcUnknownVariable)?;
                out.push_str(&format!(" _v{index} "));
                *pos = end + 1;
            }
            '+' | '-' | '*' | '/' | '%' => {
                if c == '*' && chars.get(*pos + 1) == Some(&'*') {
                    return Err(Msg::ErrCalcFormula);
                }
                out.push_str(&format!(" {c} "));
                *pos += 1;
            }
            '(' => {
                *pos += 1;
                let inner = translate_until(chars, pos, names, &[')'])?;
                if chars.get(*pos) != Some(&')') || inner.trim().is_empty() {
                    return Err(Msg::ErrCalcFormula);
                }
                *pos += 1;
                out.push_str(&format!("({inner})"));
            }
            c if c.is_ascii_alphabetic() => {
                let start = *pos;
                while chars.get(*pos).is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_') {
                    *pos += 1;
                }
                let name: String = chars[start..*pos].iter().collect();
                while chars.get(*pos).is_some_and(|c| c.is_whitespace()) {
                    *pos += 1;
                }
                if chars.get(*pos) != Some(&'(') {
                    // A bare name: a variable written without its braces, or a constant.
                    return Err(Msg::ErrCalcUnknownFunction);
                }
                *pos += 1;
                let mut args = Vec::new();
                loop {
                    let arg = translate_until(chars, pos, names, &[',', ')'])?;
                    let closing = chars.get(*pos).copied();
                    *pos += 1;
                    match (arg.trim().is_empty(), closing) {
                        // `pi()`: no argument at all.
                        (true, Some(')')) if args.is_empty() => break,
                        (false, Some(')')) => {
                            args.push(arg);
                            break;
                        }
                        (false, Some(',')) => args.push(arg),
                        _ => return Err(Msg::ErrCalcFormula),
                    }
                }
                out.push_str(&call(&name, &args)?);
            }
            _ => return Err(Msg::ErrCalcFormula),
        }
    }
    Ok(out)
}

/// A Moodle function call in exmex's syntax.
fn call(name: &str, args: &[String]) -> Result<String, Msg> {
    let infix = |op: &str| format!("(({}) {op} ({}))", args[0], args[1]);
    Ok(match (name, args.len()) {
        ("pi", 0) => " PI ".to_string(),
        ("log", 2) => infix("logbase"),
        ("round", 2) => infix("roundto"),
        ("pow" | "fmod" | "atan2", 2) => infix(name),
        ("min" | "max", n) if n >= 1 => {
            let mut folded = format!("({})", args[0]);
            for arg in &args[1..] {
                folded = format!("({folded} {name} ({arg}))");
            }
            folded
        }
        (name, 1) if UNARY.contains(&name) => format!(" {name}({})", args[0]),
        (name, _) if UNARY.contains(&name) || ["pi", "pow", "fmod", "atan2", "log", "round"].contains(&name) => {
            return Err(Msg::ErrCalcFormula)
        }
        _ => return Err(Msg::ErrCalcUnknownFunction),
    })
}

/// A formula read once, to evaluate with any values.
pub struct Formula {
    expression: FlatEx<f64, MoodleFunctions>,
    /// For each of the expression's variables (exmex orders them by name), the index of its
    /// value among the question's variables.
    slots: Vec<usize>,
}

impl Formula {
    /// Reads a formula over the question's variables (named as in `names`): the reason when it
    /// does not read, names a variable that is not defined or a function that is not known.
    pub fn parse(formula: &str, names: &[String]) -> Result<Formula, Msg> {
        let translated = translate(formula, names)?;
        let expression = FlatEx::<f64, MoodleFunctions>::parse(&translated).map_err(|_| Msg::ErrCalcFormula)?;
        let slots = expression
            .var_names()
            .iter()
            .map(|v| v.strip_prefix("_v").and_then(|i| i.parse::<usize>().ok()).filter(|i| *i < names.len()))
            .collect::<Option<Vec<usize>>>()
            .ok_or(Msg::ErrCalcFormula)?;
        Ok(Formula { expression, slots })
    }

    /// The value for the variables' values (in the question's order); None when it is not a
    /// finite number (a division by 0, the root of a negative number).
    pub fn value(&self, values: &[f64]) -> Option<f64> {
        let args: Vec<f64> = self.slots.iter().map(|&i| values.get(i).copied().unwrap_or(f64::NAN)).collect();
        self.expression.eval(&args).ok().filter(|v| v.is_finite())
    }
}

impl Calculated {
    fn names(&self) -> Vec<String> {
        self.variables.iter().map(|v| v.name.clone()).collect()
    }

    /// The variables' values for a paper: the same seed always gives the same values. A range
    /// gives a uniform pick among its numbers of the variable's decimals; the variables with a
    /// fixed list all take the list's item of one drawn number.
    pub fn draw(&self, seed: u64) -> Vec<f64> {
        let mut rng = Rng::new(seed);
        let items = self.variables.iter().map(|v| v.values.len()).max().unwrap_or(0);
        let item = rng.below(items);
        self.variables
            .iter()
            .map(|v| if v.values.is_empty() { draw_in_range(v, &mut rng) } else { v.values[item % v.values.len()] })
            .collect()
    }

    /// The text as a paper with these values shows it: `{name}` written with the variable's
    /// decimals, `{=formula}` worked out (shown as "?" when it has no value).
    pub fn fill(&self, text: &str, values: &[f64]) -> String {
        let names = self.names();
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            let after = &rest[start + 1..];
            if let Some(formula) = after.strip_prefix('=') {
                if let Some(end) = closing_brace(formula) {
                    let value = Formula::parse(&formula[..end], &names).ok().and_then(|f| f.value(values));
                    out.push_str(&value.map_or_else(|| "?".to_string(), shortest));
                    rest = &formula[end + 1..];
                    continue;
                }
            }
            let replaced = after.find('}').and_then(|end| {
                let i = names.iter().position(|n| *n == after[..end])?;
                Some((end, show_value(values.get(i).copied().unwrap_or(f64::NAN), self.variables[i].decimals)))
            });
            match replaced {
                Some((end, shown)) => {
                    out.push_str(&shown);
                    rest = &after[end + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Each answer's value for these values (None where its formula has none).
    pub fn values_of_answers(&self, values: &[f64]) -> Vec<Option<f64>> {
        let names = self.names();
        self.answers.iter().map(|a| Formula::parse(&a.formula, &names).ok().and_then(|f| f.value(values))).collect()
    }

    /// The answer a typed text earns the most with on the paper of `seed`, and its share: the
    /// text must read as a number (a decimal comma too; the unit may follow) within the
    /// answer's tolerance of its value, or be the value as the review writes it.
    pub fn best_match(&self, seed: u64, typed: &str) -> Option<(usize, f64)> {
        let typed = typed.trim();
        let typed = if self.unit.trim().is_empty() { typed } else { typed.strip_suffix(self.unit.trim()).unwrap_or(typed) };
        let number = parse_number(typed)?;
        let values = self.draw(seed);
        let mut best: Option<(usize, f64)> = None;
        for (i, (answer, value)) in self.answers.iter().zip(self.values_of_answers(&values)).enumerate() {
            let Some(value) = value else { continue };
            let shown = parse_number(&answer.show(value)).unwrap_or(value);
            if (answer.within(value, number) || close(shown, number)) && best.is_none_or(|(_, s)| answer.share > s) {
                best = Some((i, answer.share));
            }
        }
        best
    }

    /// The answers worth all the points on the paper of `seed`, as the review shows them
    /// (with the unit).
    pub fn right_answers(&self, seed: u64) -> Vec<String> {
        let values = self.draw(seed);
        let unit = self.unit.trim();
        self.answers
            .iter()
            .zip(self.values_of_answers(&values))
            .filter(|(a, _)| a.share >= 1.0 - 1e-9)
            .filter_map(|(a, v)| v.map(|v| if unit.is_empty() { a.show(v) } else { format!("{} {unit}", a.show(v)) }))
            .collect()
    }

    /// Whether the question can be asked: the first problem found. Variables: 1 to
    /// [`MAX_OPTIONS`] of them with different names as Moodle reads them, a finite range
    /// (min <= max) and at most [`MAX_DECIMALS`] decimals, a fixed list of at most
    /// [`MAX_VALUES`] finite numbers; every wildcard of the text a variable; answers: 1 to
    /// [`MAX_OPTIONS`], shares above 0 and at most 100 % with one worth everything, finite
    /// tolerances >= 0, a display of at most [`MAX_DECIMALS`] decimals or 1 to
    /// [`MAX_SIGNIFICANT`] figures; every formula (and `{=...}` of the text) reads over the
    /// variables and has a value at the ranges' ends, at every listed value and at 20 draws.
    pub fn validate(&self, text: &str) -> Result<(), Msg> {
        if self.variables.len() > MAX_OPTIONS || self.answers.len() > MAX_OPTIONS {
            return Err(Msg::ErrExamTooManyOptions);
        }
        let names = self.names();
        for (i, v) in self.variables.iter().enumerate() {
            if !is_name(&v.name) || names[..i].contains(&v.name) {
                return Err(Msg::ErrCalcVariableName);
            }
            if !v.min.is_finite() || !v.max.is_finite() || v.min > v.max || v.decimals > MAX_DECIMALS {
                return Err(Msg::ErrCalcRange);
            }
            if v.values.len() > MAX_VALUES || v.values.iter().any(|x| !x.is_finite()) {
                return Err(Msg::ErrCalcRange);
            }
        }
        if wildcards(text).iter().any(|w| !names.contains(w)) {
            return Err(Msg::ErrCalcUnknownVariable);
        }
        if self.unit.trim().chars().count() > MAX_OPTION {
            return Err(Msg::ErrExamOptionTooLong);
        }
        if self.answers.is_empty() {
            return Err(Msg::ErrExamNoAcceptedAnswer);
        }
        for a in &self.answers {
            if !a.share.is_finite() || a.share <= 0.0 || a.share > 1.0 + 1e-9 {
                return Err(Msg::ErrExamWeightInvalid);
            }
            if !a.tolerance.is_finite() || a.tolerance < 0.0 {
                return Err(Msg::ErrExamToleranceInvalid);
            }
            let length_ok = match a.display {
                AnswerDisplay::Decimals => a.length <= MAX_DECIMALS,
                AnswerDisplay::Significant => (1..=MAX_SIGNIFICANT).contains(&a.length),
            };
            if !length_ok {
                return Err(Msg::ErrCalcDisplay);
            }
            if a.feedback.trim().chars().count() > MAX_TEXT {
                return Err(Msg::ErrExamTextTooLong);
            }
        }
        if !self.answers.iter().any(|a| a.share >= 1.0 - 1e-9) {
            return Err(Msg::ErrExamWeightsNeedFull);
        }
        let mut formulas = Vec::new();
        for a in &self.answers {
            formulas.push(Formula::parse(&a.formula, &names)?);
        }
        for formula in inline_formulas(text) {
            formulas.push(Formula::parse(formula, &names)?);
        }
        for values in self.samples() {
            if formulas.iter().any(|f| f.value(&values).is_none()) {
                return Err(Msg::ErrCalcNotFinite);
            }
        }
        Ok(())
    }

    /// Values to try the formulas at: all minimums, all maximums, each item of the lists, and
    /// 20 draws.
    fn samples(&self) -> Vec<Vec<f64>> {
        let ends = |max: bool| -> Vec<f64> {
            self.variables
                .iter()
                .map(|v| match (v.values.is_empty(), max) {
                    (true, false) => v.min,
                    (true, true) => v.max,
                    (false, _) => v.values[0],
                })
                .collect()
        };
        let mut samples = vec![ends(false), ends(true)];
        let items = self.variables.iter().map(|v| v.values.len()).max().unwrap_or(0);
        for item in 0..items {
            samples
                .push(self.variables.iter().map(|v| if v.values.is_empty() { v.min } else { v.values[item % v.values.len()] }).collect());
        }
        samples.extend((0..20).map(|seed| self.draw(seed)));
        samples
    }
}

impl CalcAnswer {
    /// Whether a typed number is within this answer's tolerance of its value (Moodle's
    /// tolerance interval), with a hair of slack for binary fractions.
    pub fn within(&self, value: f64, typed: f64) -> bool {
        let slack = 1e-9 * value.abs().max(1.0);
        let (low, high) = match self.tolerance_kind {
            ToleranceKind::Relative => (value - value.abs() * self.tolerance, value + value.abs() * self.tolerance),
            ToleranceKind::Nominal => (value - self.tolerance, value + self.tolerance),
            ToleranceKind::Geometric => {
                let q = 1.0 + self.tolerance.abs();
                if value < 0.0 {
                    (value * q, value / q)
                } else {
                    (value / q, value * q)
                }
            }
        };
        typed >= low - slack && typed <= high + slack
    }

    /// The value as the review writes it: with the answer's decimals or significant figures.
    pub fn show(&self, value: f64) -> String {
        match self.display {
            // Rounded half away from zero first, as PHP does ("{:.0}" alone would make 2.5 "2").
            AnswerDisplay::Decimals => {
                let decimals = self.length.min(MAX_DECIMALS);
                format!("{:.prec$}", round_to(value, f64::from(decimals)), prec = decimals as usize)
            }
            AnswerDisplay::Significant => {
                if value == 0.0 {
                    return "0".to_string();
                }
                let figures = self.length.clamp(1, MAX_SIGNIFICANT) as i32;
                let magnitude = value.abs().log10().floor() as i32;
                let decimals = (figures - 1 - magnitude).max(0) as usize;
                let scale = 10f64.powi(figures - 1 - magnitude);
                format!("{:.decimals$}", (value * scale).round() / scale)
            }
        }
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(1.0)
}

/// A uniform pick among the range's numbers of `decimals` decimals (the whole range, rounded,
/// when it holds none of them or too many to count).
fn draw_in_range(v: &Variable, rng: &mut Rng) -> f64 {
    let scale = 10f64.powi(v.decimals.min(MAX_DECIMALS) as i32);
    let (low, high) = ((v.min * scale).ceil(), (v.max * scale).floor());
    if low <= high && high - low < 9.0e15 {
        let step = rng.below((high - low) as usize + 1) as f64;
        return (low + step) / scale;
    }
    let unit = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    ((v.min + unit * (v.max - v.min)) * scale).round() / scale
}

/// A variable's value in the text: with its decimals ("3.40"), or as it is when it has more
/// (a listed value).
fn show_value(value: f64, decimals: u32) -> String {
    let fixed = format!("{value:.prec$}", prec = decimals.min(MAX_DECIMALS) as usize);
    if fixed.parse::<f64>().is_ok_and(|f| close(f, value)) {
        fixed
    } else {
        shortest(value)
    }
}

/// A worked-out number of the text, as PHP would print it: up to 12 significant figures, no
/// trailing zeros.
fn shortest(value: f64) -> String {
    let magnitude = if value == 0.0 { 0 } else { value.abs().log10().floor() as i32 };
    let decimals = (11 - magnitude).clamp(0, 15) as usize;
    let s = format!("{value:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// Where the `}` closing a `{=...}` formula is (the formula's own `{a}` braces skipped).
fn closing_brace(formula: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in formula.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// The `{=...}` formulas of a text.
pub fn inline_formulas(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{=") {
        let formula = &rest[start + 2..];
        match closing_brace(formula) {
            Some(end) => {
                found.push(&formula[..end]);
                rest = &formula[end + 1..];
            }
            None => break,
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, min: f64, max: f64, decimals: u32) -> Variable {
        Variable { name: name.into(), min, max, decimals, values: Vec::new() }
    }

    fn value(formula: &str, values: &[(&str, f64)]) -> Option<f64> {
        let names: Vec<String> = values.iter().map(|(n, _)| n.to_string()).collect();
        let v: Vec<f64> = values.iter().map(|(_, v)| *v).collect();
        Formula::parse(formula, &names).expect(formula).value(&v)
    }

    fn near(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    fn area() -> Calculated {
        Calculated {
            variables: vec![var("a", 2.0, 9.0, 0), var("b", 1.0, 5.0, 1)],
            answers: vec![CalcAnswer::new("{a} * {b}")],
            unit: "см²".into(),
        }
    }

    #[test]
    fn formulas_evaluate_as_moodle_does() {
        let ab = [("a", 3.0), ("b", 4.0)];
        assert!(near(value("{a} * {b} + 1", &ab), 13.0));
        assert!(near(value("{a} + {b} * 2", &ab), 11.0), "precedence");
        assert!(near(value("({a} + {b}) * 2", &ab), 14.0));
        assert!(near(value("{a} - {b} - 1", &ab), -2.0), "left to right");
        assert!(near(value("{a} / {b} / 2", &ab), 0.375));
        assert!(near(value("-{a} + 1", &ab), -2.0));
        assert!(near(value("sqrt({a}*{a} + {b}*{b})", &ab), 5.0));
        assert!(near(value("pow({a}, 2)", &ab), 9.0));
        assert!(near(value("pow({a}, {b} - 2) * 2", &ab), 18.0));
        assert!(near(value("2 * pi() * {a}", &ab), 6.0 * std::f64::consts::PI));
        assert!(near(value("sin(pi() / 2) + cos(0) + abs(-{a})", &ab), 5.0));
        assert!(near(value("atan2({b}, {a})", &ab), 4f64.atan2(3.0)));
        assert!(near(value("log(exp(2)) + log10(1000) + log(8, 2)", &ab), 8.0));
        assert!(near(value("round(2.5) + round(3.14159, 2)", &ab), 6.14));
        assert!(near(value("fmod(7.5, 2) + 7 % 3", &ab), 2.5));
        assert!(near(value("min({a}, {b}, 1) + max({a}, {b}, 2)", &ab), 5.0));
        assert!(near(value("rad2deg(deg2rad(30))", &ab), 30.0));
        assert!(near(value("1.5e3 + .5", &ab), 1500.5));
        // No value rather than infinity: the formula has none there.
        assert_eq!(value("{a} / ({b} - 4)", &ab), None);
        assert_eq!(value("sqrt({a} - {b})", &ab), None);
        assert_eq!(value("7 % 0", &ab), None);
    }

    #[test]
    fn formulas_that_moodle_would_refuse_are_refused() {
        let names = vec!["a".to_string()];
        let err = |f: &str| Formula::parse(f, &names).err();
        assert_eq!(err("{a} * {b}"), Some(Msg::ErrCalcUnknownVariable));
        assert_eq!(err("a * 2"), Some(Msg::ErrCalcUnknownFunction), "a variable needs its braces");
        assert_eq!(err("ln({a})"), Some(Msg::ErrCalcUnknownFunction));
        assert_eq!(err("bindec({a})"), Some(Msg::ErrCalcUnknownFunction));
        assert_eq!(err("pi"), Some(Msg::ErrCalcUnknownFunction));
        for bad in ["{a} ^ 2", "{a} ** 2", "({a} + 1", "{a} + 1)", "pow({a})", "sqrt()", "{a} +", "", "  ", "{a} $ 2", "1e"] {
            assert!(err(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn draws_are_fixed_per_seed_and_keep_to_ranges_and_decimals() {
        let q = area();
        assert_eq!(q.draw(7), q.draw(7), "a reload shows the same numbers");
        let draws: Vec<Vec<f64>> = (0..200).map(|s| q.draw(s)).collect();
        for d in &draws {
            assert!((2.0..=9.0).contains(&d[0]) && d[0].fract() == 0.0, "{d:?}");
            assert!((1.0..=5.0).contains(&d[1]) && ((d[1] * 10.0).round() - d[1] * 10.0).abs() < 1e-9, "{d:?}");
        }
        let a_values: std::collections::HashSet<i64> = draws.iter().map(|d| d[0] as i64).collect();
        assert_eq!(a_values.len(), 8, "every whole number of 2..9 turns up, the ends too");
        // A list: all listed variables take the same item.
        let listed = Calculated {
            variables: vec![
                Variable { values: vec![1.0, 2.0, 3.0], ..var("x", 0.0, 0.0, 0) },
                Variable { values: vec![10.0, 20.0, 30.0], ..var("y", 0.0, 0.0, 0) },
            ],
            ..area()
        };
        for seed in 0..30 {
            let d = listed.draw(seed);
            assert_eq!(d[1], d[0] * 10.0, "{d:?}");
        }
    }

    #[test]
    fn the_text_shows_the_values_and_worked_out_formulas() {
        let q = area();
        let text = "Тіктөртбұрыш {a} см мен {b} см. Периметрі {=2*({a}+{b})}; {1, 2} қалады; {c} белгісіз.";
        assert_eq!(q.fill(text, &[3.0, 2.5]), "Тіктөртбұрыш 3 см мен 2.5 см. Периметрі 11; {1, 2} қалады; {c} белгісіз.");
        assert_eq!(q.fill("{b}", &[3.0, 2.0]), "2.0", "with the variable's decimals");
        assert_eq!(wildcards(text), vec!["a", "b", "c"]);
        assert_eq!(inline_formulas(text), vec!["2*({a}+{b})"]);
    }

    #[test]
    fn tolerances_as_moodle_measures_them() {
        let relative = CalcAnswer { tolerance: 0.01, ..CalcAnswer::new("") };
        assert!(relative.within(200.0, 202.0) && relative.within(200.0, 198.0) && !relative.within(200.0, 202.1));
        let nominal = CalcAnswer { tolerance: 0.1, tolerance_kind: ToleranceKind::Nominal, ..CalcAnswer::new("") };
        assert!(nominal.within(2.5, 2.6) && nominal.within(2.5, 2.4) && !nominal.within(2.5, 2.61));
        let geometric = CalcAnswer { tolerance: 1.0, tolerance_kind: ToleranceKind::Geometric, ..CalcAnswer::new("") };
        assert!(
            geometric.within(10.0, 5.0) && geometric.within(10.0, 20.0) && !geometric.within(10.0, 4.9) && !geometric.within(10.0, 21.0)
        );
        assert!(geometric.within(-10.0, -20.0) && geometric.within(-10.0, -5.0) && !geometric.within(-10.0, -4.0));
        let exact = CalcAnswer { tolerance: 0.0, tolerance_kind: ToleranceKind::Nominal, ..CalcAnswer::new("") };
        assert!(exact.within(0.3, 0.1 + 0.2) && !exact.within(0.3, 0.31));
    }

    #[test]
    fn answers_are_shown_with_decimals_or_significant_figures() {
        let two = CalcAnswer::new("");
        assert_eq!(two.show(std::f64::consts::PI), "3.14");
        assert_eq!(CalcAnswer { length: 0, ..two.clone() }.show(2.5), "3");
        let sig = CalcAnswer { display: AnswerDisplay::Significant, length: 3, ..two };
        assert_eq!(sig.show(1234.5), "1230");
        assert_eq!(sig.show(0.012345), "0.0123");
        assert_eq!(sig.show(-2.0), "-2.00");
        assert_eq!(sig.show(0.0), "0");
    }

    #[test]
    fn the_best_answer_within_tolerance_scores() {
        let mut q = area();
        q.answers.push(CalcAnswer { share: 0.5, tolerance: 0.0, tolerance_kind: ToleranceKind::Nominal, ..CalcAnswer::new("{a} + {b}") });
        let seed = 11;
        let v = q.draw(seed);
        let (product, sum) = (v[0] * v[1], v[0] + v[1]);
        assert_eq!(q.best_match(seed, &product.to_string()), Some((0, 1.0)));
        assert_eq!(q.best_match(seed, &format!("{}", product * 1.009)), Some((0, 1.0)), "within 1 %");
        assert_eq!(q.best_match(seed, &format!(" {}  см²", product.to_string().replace('.', ","))), Some((0, 1.0)), "unit and comma");
        assert_eq!(q.best_match(seed, &sum.to_string()), Some((1, 0.5)));
        assert_eq!(q.best_match(seed, &format!("{}", product * 1.02)), None);
        assert_eq!(q.best_match(seed, "жоқ"), None);
        assert_eq!(q.best_match(seed, ""), None);
        // Another paper has other numbers: this one's answer is (almost surely) wrong there.
        let other = (0..50).find(|s| q.draw(*s)[0] * q.draw(*s)[1] != product).expect("another product");
        assert_eq!(q.best_match(other, &product.to_string()), None);
        let right = q.right_answers(seed);
        assert_eq!(right, vec![format!("{product:.2} см²")]);
        // The value as the review shows it counts even with no tolerance.
        let strict = Calculated { answers: vec![CalcAnswer { tolerance: 0.0, length: 1, ..CalcAnswer::new("{a} / 3") }], ..area() };
        let shown = strict.answers[0].show(strict.draw(seed)[0] / 3.0);
        assert!(strict.best_match(seed, &shown).is_some(), "{shown}");
    }

    #[test]
    fn a_paper_shows_the_values_but_neither_formula_nor_answer() {
        use crate::exam::model::{present, score_paper, Answer, Question, QuestionKind};
        let q = Question { calculated: Some(area()), points: 3, ..Question::new(QuestionKind::Calculated, "{a} см × {b} см = ?") };
        assert_eq!(q.validate(), Ok(()));
        for seed in 0..30 {
            let p = present(&q, seed);
            assert_eq!(p, present(&q, seed), "a reload shows the same values");
            let v = area().draw(seed);
            assert_eq!(p.text, format!("{} см × {:.1} см = ?", v[0], v[1]));
            assert_eq!(p.unit, "см²");
            let json = serde_json::to_string(&p).expect("json");
            let answer = CalcAnswer::new("").show(v[0] * v[1]);
            for secret in ["{a}", "*", "formula", "tolerance", "share", answer.as_str()] {
                assert!(!json.contains(secret), "{secret} in {json}");
            }
            // The server scores against the same values.
            assert_eq!(score_paper(&q, seed, &Answer::Text(answer.clone())).points_awarded, 3.0);
            assert_eq!(score_paper(&q, seed, &Answer::Text(format!("{}", v[0] * v[1] + 1.0))).points_awarded, 0.0);
        }
        // Without the paper's seed there are no values to score against.
        assert_eq!(crate::exam::model::score(&q, &Answer::Text("1".into())).points_awarded, 0.0);
    }

    #[test]
    fn validation_names_what_is_wrong() {
        let text = "{a} × {b} = ?";
        assert_eq!(area().validate(text), Ok(()));
        let bad = |q: Calculated, text: &str, msg: Msg| assert_eq!(q.validate(text), Err(msg), "{q:?}");
        bad(area(), "{a} × {c}", Msg::ErrCalcUnknownVariable);
        bad(area(), "{a} × {=2*{c}}", Msg::ErrCalcUnknownVariable);
        bad(Calculated { answers: vec![CalcAnswer::new("{a} * {z}")], ..area() }, text, Msg::ErrCalcUnknownVariable);
        bad(Calculated { answers: vec![CalcAnswer::new("{a} *")], ..area() }, text, Msg::ErrCalcFormula);
        bad(Calculated { answers: vec![CalcAnswer::new("ln({a})")], ..area() }, text, Msg::ErrCalcUnknownFunction);
        // 1/(a−5) has no value at a = 5, which a draw from 2..9 can give.
        bad(Calculated { answers: vec![CalcAnswer::new("1 / ({a} - 5)")], ..area() }, text, Msg::ErrCalcNotFinite);
        bad(Calculated { answers: vec![CalcAnswer::new("sqrt({b} - 3)")], ..area() }, text, Msg::ErrCalcNotFinite);
        bad(Calculated { answers: vec![], ..area() }, text, Msg::ErrExamNoAcceptedAnswer);
        bad(Calculated { answers: vec![CalcAnswer { share: 0.5, ..CalcAnswer::new("{a}") }], ..area() }, text, Msg::ErrExamWeightsNeedFull);
        bad(Calculated { answers: vec![CalcAnswer { share: 1.5, ..CalcAnswer::new("{a}") }], ..area() }, text, Msg::ErrExamWeightInvalid);
        bad(
            Calculated { answers: vec![CalcAnswer { tolerance: -1.0, ..CalcAnswer::new("{a}") }], ..area() },
            text,
            Msg::ErrExamToleranceInvalid,
        );
        bad(
            Calculated { answers: vec![CalcAnswer { display: AnswerDisplay::Significant, length: 0, ..CalcAnswer::new("{a}") }], ..area() },
            text,
            Msg::ErrCalcDisplay,
        );
        bad(Calculated { variables: vec![var("a", 5.0, 1.0, 0), var("b", 1.0, 2.0, 0)], ..area() }, text, Msg::ErrCalcRange);
        bad(Calculated { variables: vec![var("a", 1.0, 5.0, 11), var("b", 1.0, 2.0, 0)], ..area() }, text, Msg::ErrCalcRange);
        bad(Calculated { variables: vec![var("a", 1.0, 5.0, 0), var("a", 1.0, 2.0, 0)], ..area() }, text, Msg::ErrCalcVariableName);
        bad(Calculated { variables: vec![var("1a", 1.0, 5.0, 0)], ..area() }, "1", Msg::ErrCalcVariableName);
        // Cyrillic wildcards are names too.
        let cyrillic = Calculated {
            variables: vec![var("ұзындық", 1.0, 5.0, 0)],
            answers: vec![CalcAnswer::new("2 * {ұзындық}")],
            unit: String::new(),
        };
        assert_eq!(cyrillic.validate("Ұзындығы {ұзындық} м"), Ok(()));
    }
}
