//! Moodle XML's `calculated` and `calculatedsimple` questions (issue 19), read into and written
//! from a calculated question ([`super::calculated`]); the rest of the format is
//! [`super::moodle_xml`].
//!
//! | Moodle                                   | here                                                 |
//! |------------------------------------------|------------------------------------------------------|
//! | `<answer fraction>` formula              | an answer formula with that share (0 % ones carry only feedback and are left out) |
//! | `<tolerance>`, `<tolerancetype>` 1/2/3   | relative / nominal / geometric tolerance             |
//! | `<correctanswerformat>` 1/2, `<correctanswerlength>` | decimals / significant figures of the shown answer |
//! | `<units>`: one unit of multiplier 1      | the unit (several units, or a multiplier, are refused as for numerical questions) |
//! | `<dataset_definition>`: name, minimum, maximum, decimals | a variable with that range                |
//! | its `<dataset_items>` (private or shared) | the variable's fixed values: Moodle draws from them |
//!
//! A `loguniform` dataset without items is refused: its draws would differ from Moodle's. On
//! writing, a variable with a range gets [`WRITTEN_ITEMS`] items drawn from it, since Moodle
//! only ever draws from items; reading such a file back, items that are exactly those draws are
//! the range again, so a bank travels Talap -> Moodle XML -> Talap unchanged.

use super::calculated::{AnswerDisplay, CalcAnswer, Calculated, ToleranceKind, Variable};
use super::model::{parse_number, Question, QuestionKind};
use super::moodle_node::{answer_feedback, escape, fraction, percent, Node};
use crate::i18n::Msg;

/// How many items a variable with a range is written with (Moodle allows up to 100).
pub const WRITTEN_ITEMS: usize = 20;

/// A `calculated` or `calculatedsimple` question's kind-specific part (the caller reads the
/// text, points and general feedback).
pub(super) fn import(node: &Node) -> Result<Question, Msg> {
    let mut answers = Vec::new();
    for answer in node.all("answer") {
        let share = fraction(answer)?;
        if share <= 0.0 {
            continue;
        }
        let number = |name: &str, default: f64| -> Result<f64, Msg> {
            match answer.value(name) {
                "" => Ok(default),
                v => parse_number(v).ok_or(Msg::ErrImportUnknownSyntax),
            }
        };
        let tolerance_kind = match answer.value("tolerancetype") {
            "" | "1" | "relative" => ToleranceKind::Relative,
            "2" | "nominal" => ToleranceKind::Nominal,
            "3" | "geometric" => ToleranceKind::Geometric,
            _ => return Err(Msg::ErrImportUnknownSyntax),
        };
        let display = match answer.value("correctanswerformat") {
            "" | "1" => AnswerDisplay::Decimals,
            "2" => AnswerDisplay::Significant,
            _ => return Err(Msg::ErrImportUnknownSyntax),
        };
        let length = number("correctanswerlength", 2.0)?;
        if length.fract() != 0.0 || length < 0.0 {
            return Err(Msg::ErrCalcDisplay);
        }
        answers.push(CalcAnswer {
            formula: answer.value("text").to_string(),
            share,
            tolerance: number("tolerance", 0.01)?,
            tolerance_kind,
            display,
            length: length as u32,
            feedback: answer_feedback(answer)?,
        });
    }
    let mut calculated = Calculated { variables: Vec::new(), answers, unit: unit(node)? };
    for definition in node.child("dataset_definitions").map(|d| d.all("dataset_definition").collect::<Vec<_>>()).unwrap_or_default() {
        let text = |name: &str| definition.child(name).map_or("", |c| c.value("text"));
        let number = |name: &str| parse_number(text(name)).ok_or(Msg::ErrCalcRange);
        let decimals = number("decimals")?;
        if decimals.fract() != 0.0 || decimals < 0.0 {
            return Err(Msg::ErrCalcRange);
        }
        let mut items: Vec<(f64, f64)> = Vec::new();
        for item in definition.child("dataset_items").map(|i| i.all("dataset_item").collect::<Vec<_>>()).unwrap_or_default() {
            let place = parse_number(item.value("number")).unwrap_or(items.len() as f64);
            items.push((place, parse_number(item.value("value")).ok_or(Msg::ErrCalcRange)?));
        }
        items.sort_by(|a, b| a.0.total_cmp(&b.0));
        if items.is_empty() && text("distribution") == "loguniform" {
            return Err(Msg::ErrImportCalcDistribution);
        }
        calculated.variables.push(Variable {
            name: text("name").to_string(),
            min: number("minimum")?,
            max: number("maximum")?,
            decimals: decimals as u32,
            values: items.into_iter().map(|(_, v)| v).collect(),
        });
    }
    // Items that are just the draws this module writes for a range are that range.
    let ranges = Calculated {
        variables: calculated.variables.iter().map(|v| Variable { values: Vec::new(), ..v.clone() }).collect(),
        ..calculated.clone()
    };
    for (i, v) in calculated.variables.iter_mut().enumerate() {
        if v.values.len() == WRITTEN_ITEMS && v.values == written_items(&ranges, i) {
            v.values.clear();
        }
    }
    Ok(Question { calculated: Some(calculated), ..Question::new(QuestionKind::Calculated, "") })
}

/// The unit of a question with one unit of multiplier 1 (none: ""); others are refused.
fn unit(node: &Node) -> Result<String, Msg> {
    let units: Vec<&Node> = node.child("units").map(|u| u.all("unit").collect()).unwrap_or_default();
    match units[..] {
        [] => Ok(String::new()),
        [one] if parse_number(one.value("multiplier")).is_none_or(|m| m == 1.0) => Ok(one.value("unit_name").to_string()),
        _ => Err(Msg::ErrImportUnits),
    }
}

/// The values written as a variable's items when it has a range: the question's own draws
/// 0..[`WRITTEN_ITEMS`], so that reading them back recognises them.
fn written_items(c: &Calculated, variable: usize) -> Vec<f64> {
    (0..WRITTEN_ITEMS as u64).map(|seed| c.draw(seed)[variable]).collect()
}

/// A calculated question's kind-specific elements, after `<defaultgrade>`.
pub(super) fn write(out: &mut String, q: &Question) {
    let Some(c) = &q.calculated else { return };
    out.push_str("    <synchronize>0</synchronize>\n    <single>0</single>\n    <answernumbering>abc</answernumbering>\n    <shuffleanswers>0</shuffleanswers>\n");
    for a in &c.answers {
        let kind = match a.tolerance_kind {
            ToleranceKind::Relative => 1,
            ToleranceKind::Nominal => 2,
            ToleranceKind::Geometric => 3,
        };
        let format = match a.display {
            AnswerDisplay::Decimals => 1,
            AnswerDisplay::Significant => 2,
        };
        out.push_str(&format!(
            "    <answer fraction=\"{}\">\n      <text>{}</text>\n      <tolerance>{}</tolerance>\n      <tolerancetype>{kind}</tolerancetype>\n      <correctanswerformat>{format}</correctanswerformat>\n      <correctanswerlength>{}</correctanswerlength>\n      <feedback format=\"plain_text\"><text>{}</text></feedback>\n    </answer>\n",
            percent(a.share),
            escape(&a.formula),
            a.tolerance,
            a.length,
            escape(&a.feedback)
        ));
    }
    // Units not graded: a typed unit is optional, as here.
    let shown = if c.unit.is_empty() { 3 } else { 0 };
    out.push_str(&format!("    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0.1000000</unitpenalty>\n    <showunits>{shown}</showunits>\n    <unitsleft>0</unitsleft>\n"));
    if !c.unit.is_empty() {
        out.push_str(&format!(
            "    <units>\n      <unit>\n        <multiplier>1</multiplier>\n        <unit_name>{}</unit_name>\n      </unit>\n    </units>\n",
            escape(&c.unit)
        ));
    }
    out.push_str("    <dataset_definitions>\n");
    for (i, v) in c.variables.iter().enumerate() {
        let items = if v.values.is_empty() { written_items(c, i) } else { v.values.clone() };
        out.push_str(&format!(
            "      <dataset_definition>\n        <status><text>private</text></status>\n        <name><text>{}</text></name>\n        <type>calculated</type>\n        <distribution><text>uniform</text></distribution>\n        <minimum><text>{}</text></minimum>\n        <maximum><text>{}</text></maximum>\n        <decimals><text>{}</text></decimals>\n        <itemcount>{}</itemcount>\n        <dataset_items>\n",
            escape(&v.name),
            v.min,
            v.max,
            v.decimals,
            items.len()
        ));
        for (n, value) in items.iter().enumerate() {
            out.push_str(&format!(
                "          <dataset_item>\n            <number>{}</number>\n            <value>{value}</value>\n          </dataset_item>\n",
                n + 1
            ));
        }
        out.push_str(&format!(
            "        </dataset_items>\n        <number_of_items>{}</number_of_items>\n      </dataset_definition>\n",
            items.len()
        ));
    }
    out.push_str("    </dataset_definitions>\n");
}

#[cfg(test)]
mod tests {
    use super::super::moodle_xml::{parse_moodle_xml, write_moodle_xml};
    use super::*;
    use crate::exam::model::{score_paper, Answer};

    /// A `calculated` question as Moodle 4's XML export writes it (the question of Moodle's
    /// documentation: a rectangle's area from its sides), and a `calculatedsimple` one with a
    /// unit, a geometric tolerance and significant figures, without items.
    const MOODLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category">
    <category><text>$course$/top/Геометрия</text></category>
  </question>
  <question type="calculated">
    <name><text>Ауданы</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Тіктөртбұрыштың қабырғалары {a} см және {b} см. Ауданы қанша?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>S = a · b</p>]]></text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
    <synchronize>0</synchronize>
    <single>0</single>
    <answernumbering>abc</answernumbering>
    <shuffleanswers>0</shuffleanswers>
    <correctfeedback format="html"><text></text></correctfeedback>
    <partiallycorrectfeedback format="html"><text></text></partiallycorrectfeedback>
    <incorrectfeedback format="html"><text></text></incorrectfeedback>
    <answer fraction="100">
      <text>{a} * {b}</text>
      <tolerance>0.01</tolerance>
      <tolerancetype>1</tolerancetype>
      <correctanswerformat>1</correctanswerformat>
      <correctanswerlength>2</correctanswerlength>
      <feedback format="html"><text><![CDATA[<p>Дұрыс!</p>]]></text></feedback>
    </answer>
    <answer fraction="50">
      <text>{a} + {b}</text>
      <tolerance>0.5</tolerance>
      <tolerancetype>2</tolerancetype>
      <correctanswerformat>1</correctanswerformat>
      <correctanswerlength>1</correctanswerlength>
      <feedback format="html"><text></text></feedback>
    </answer>
    <unitgradingtype>0</unitgradingtype>
    <unitpenalty>0.1000000</unitpenalty>
    <showunits>3</showunits>
    <unitsleft>0</unitsleft>
    <dataset_definitions>
<dataset_definition>
    <status><text>shared</text></status>
    <name><text>a</text></name>
    <type>calculated</type>
    <distribution><text>uniform</text></distribution>
    <minimum><text>1.0</text></minimum>
    <maximum><text>10.0</text></maximum>
    <decimals><text>1</text></decimals>
    <itemcount>3</itemcount>
    <dataset_items>
        <dataset_item>
           <number>2</number>
           <value>7.2</value>
        </dataset_item>
        <dataset_item>
           <number>1</number>
           <value>3.4</value>
        </dataset_item>
        <dataset_item>
           <number>3</number>
           <value>9.9</value>
        </dataset_item>
    </dataset_items>
    <number_of_items>3</number_of_items>
</dataset_definition>
<dataset_definition>
    <status><text>private</text></status>
    <name><text>b</text></name>
    <type>calculated</type>
    <distribution><text>uniform</text></distribution>
    <minimum><text>2</text></minimum>
    <maximum><text>5</text></maximum>
    <decimals><text>0</text></decimals>
    <itemcount>3</itemcount>
    <dataset_items>
        <dataset_item><number>1</number><value>2</value></dataset_item>
        <dataset_item><number>2</number><value>5</value></dataset_item>
        <dataset_item><number>3</number><value>4</value></dataset_item>
    </dataset_items>
    <number_of_items>3</number_of_items>
</dataset_definition>
    </dataset_definitions>
  </question>
  <question type="calculatedsimple">
    <name><text>Жол</text></name>
    <questiontext format="moodle_auto_format"><text>Автомобиль {v} км/сағ жылдамдықпен {t} сағат жүрді. Жолы {=round({v}*{t}, 0)} шамасында ма?</text></questiontext>
    <defaultgrade>1</defaultgrade>
    <answer fraction="100">
      <text>{v}*{t}</text>
      <tolerance>0.05</tolerance>
      <tolerancetype>3</tolerancetype>
      <correctanswerformat>2</correctanswerformat>
      <correctanswerlength>3</correctanswerlength>
    </answer>
    <answer fraction="0">
      <text>{v}/{t}</text>
      <tolerance>0.01</tolerance>
      <tolerancetype>1</tolerancetype>
      <correctanswerformat>1</correctanswerformat>
      <correctanswerlength>2</correctanswerlength>
      <feedback format="html"><text>Бөлмеңіз, көбейтіңіз</text></feedback>
    </answer>
    <units>
      <unit><multiplier>1</multiplier><unit_name>км</unit_name></unit>
    </units>
    <dataset_definitions>
      <dataset_definition>
        <status><text>private</text></status>
        <name><text>v</text></name>
        <type>calculatedsimple</type>
        <distribution><text>uniform</text></distribution>
        <minimum><text>40</text></minimum>
        <maximum><text>120</text></maximum>
        <decimals><text>0</text></decimals>
        <itemcount>0</itemcount>
      </dataset_definition>
      <dataset_definition>
        <status><text>private</text></status>
        <name><text>t</text></name>
        <type>calculatedsimple</type>
        <distribution><text>uniform</text></distribution>
        <minimum><text>0.5</text></minimum>
        <maximum><text>4</text></maximum>
        <decimals><text>1</text></decimals>
        <itemcount>0</itemcount>
      </dataset_definition>
    </dataset_definitions>
  </question>
</quiz>
"#;

    #[test]
    fn moodle_calculated_questions_import_as_moodle_has_them() {
        let q = parse_moodle_xml(MOODLE).expect("valid");
        assert_eq!(q.len(), 2);
        let area = &q[0];
        assert_eq!((area.kind, area.points, area.topic.as_str()), (QuestionKind::Calculated, 2, "Геометрия"));
        assert_eq!(area.text, "Тіктөртбұрыштың қабырғалары {a} см және {b} см. Ауданы қанша?");
        assert_eq!(area.general_feedback, "S = a · b");
        let c = area.calculated.as_ref().expect("calculated");
        assert_eq!(c.variables.len(), 2);
        assert_eq!((c.variables[0].name.as_str(), c.variables[0].min, c.variables[0].max, c.variables[0].decimals), ("a", 1.0, 10.0, 1));
        assert_eq!(c.variables[0].values, vec![3.4, 7.2, 9.9], "in their numbers' order");
        assert_eq!(c.variables[1].values, vec![2.0, 5.0, 4.0]);
        assert_eq!(c.answers.len(), 2);
        assert_eq!((c.answers[0].formula.as_str(), c.answers[0].share, c.answers[0].feedback.as_str()), ("{a} * {b}", 1.0, "Дұрыс!"));
        assert_eq!((c.answers[1].tolerance, c.answers[1].tolerance_kind, c.answers[1].length), (0.5, ToleranceKind::Nominal, 1));
        assert_eq!(area.validate(), Ok(()));
        // Moodle's items go together: item 1 of a with item 1 of b.
        for seed in 0..20 {
            let v = c.draw(seed);
            assert!([(3.4, 2.0), (7.2, 5.0), (9.9, 4.0)].contains(&(v[0], v[1])), "{v:?}");
        }

        let road = &q[1];
        let c = road.calculated.as_ref().expect("calculated");
        assert_eq!(c.unit, "км");
        assert_eq!(c.answers.len(), 1, "the 0 % answer only carried feedback");
        assert_eq!(
            (c.answers[0].tolerance_kind, c.answers[0].display, c.answers[0].length),
            (ToleranceKind::Geometric, AnswerDisplay::Significant, 3)
        );
        assert!(c.variables.iter().all(|v| v.values.is_empty()), "no items: drawn from the ranges");
        assert_eq!(road.validate(), Ok(()));
        let v = c.draw(5);
        let presented = crate::exam::model::present(road, 5);
        assert!(presented.text.contains(&format!("{} км/сағ", v[0])), "{}", presented.text);
        assert_eq!(presented.unit, "км");
        assert_eq!(score_paper(road, 5, &Answer::Text(format!("{}", v[0] * v[1]))).points_awarded, 1.0);
    }

    #[test]
    fn moodle_xml_to_talap_to_moodle_xml_keeps_calculated_questions() {
        let imported = parse_moodle_xml(MOODLE).expect("valid");
        let written = write_moodle_xml(&imported, &Default::default());
        assert!(written.contains("<question type=\"calculated\">"), "{written}");
        assert!(written.contains("<text>{a} * {b}</text>") && written.contains("<tolerancetype>3</tolerancetype>"), "{written}");
        assert!(written.contains("<value>7.2</value>") && written.contains("<unit_name>км</unit_name>"), "{written}");
        // Ranges get items Moodle can draw from (it draws only from items).
        assert_eq!(written.matches("<number_of_items>20</number_of_items>").count(), 2, "{written}");
        let again = parse_moodle_xml(&written).expect("its own export reads back");
        assert_eq!(again, imported);
    }

    #[test]
    fn what_moodle_would_draw_differently_is_refused() {
        let logs = MOODLE.replace(
            "<text>uniform</text></distribution>\n        <minimum><text>40",
            "<text>loguniform</text></distribution>\n        <minimum><text>40",
        );
        let errors = parse_moodle_xml(&logs).expect_err("refused");
        assert_eq!(errors[0].problem, Msg::ErrImportCalcDistribution);
        let two_units = MOODLE.replace(
            "<unit_name>км</unit_name></unit>",
            "<unit_name>км</unit_name></unit><unit><multiplier>1000</multiplier><unit_name>м</unit_name></unit>",
        );
        assert_eq!(parse_moodle_xml(&two_units).expect_err("refused")[0].problem, Msg::ErrImportUnits);
        let bad_formula = MOODLE.replace("<text>{v}*{t}</text>", "<text>{v}*{w}</text>");
        assert_eq!(parse_moodle_xml(&bad_formula).expect_err("refused")[0].problem, Msg::ErrCalcUnknownVariable);
        let unknown = MOODLE.replace("<text>{v}*{t}</text>", "<text>decbin({v})</text>");
        assert_eq!(parse_moodle_xml(&unknown).expect_err("refused")[0].problem, Msg::ErrCalcUnknownFunction);
    }
}
