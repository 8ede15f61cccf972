//! A numerical question's units in Moodle XML (issue 19), as Moodle's `qformat_xml` reads and
//! writes them for `numerical`:
//!
//! | Moodle XML                                  | here                                              |
//! |---------------------------------------------|---------------------------------------------------|
//! | `<units><unit><multiplier>100</multiplier><unit_name>см</unit_name></unit></units>` | `list`, the unit of multiplier 1 (Moodle's default unit) first; a missing multiplier is 1, as in Moodle |
//! | `<unitgradingtype>` 0, 1, 2                 | not graded; graded, the penalty a share of the response's grade (1) or of the question's (2) |
//! | `<showunits>` 0, 1, 2, 3                    | typed; chosen from a select (Moodle's radio buttons, 1, are a select here); the same (2); units not used (3, with `unitgradingtype` 0) |
//! | `<unitpenalty>`                             | `penalty`, a share (Moodle's default 0.1)         |
//! | `<unitsleft>`                               | `left`                                            |
//!
//! Without `<showunits>`, as in Moodle: typed when there are units, else not used. A question
//! without units that are not graded is a plain numerical question (no units here); graded
//! units without a unit are refused (`Units::validate`), as they would mark every answer down.

use super::moodle_node::{escape, Node};
use super::units::{PenaltyOf, Unit, UnitInput, UnitRole, Units, DEFAULT_PENALTY};
use crate::docs::sheet::number_text;
use crate::exam::model::parse_number;
use crate::i18n::Msg;

/// The units of a `numerical` question, None when it has none to speak of.
pub(super) fn import(node: &Node) -> Result<Option<Units>, Msg> {
    let mut list = Vec::new();
    for unit in node.child("units").map(|u| u.all("unit").collect::<Vec<_>>()).unwrap_or_default() {
        let multiplier = match unit.value("multiplier") {
            "" => 1.0,
            typed => parse_number(typed).ok_or(Msg::ErrUnitMultiplierInvalid)?,
        };
        list.push(Unit { name: unit.value("unit_name").to_string(), multiplier });
    }
    // Moodle's default unit is the one of multiplier 1, wherever it is listed.
    if let Some(base) = list.iter().position(|u| u.multiplier == 1.0) {
        let unit = list.remove(base);
        list.insert(0, unit);
    }
    let number = |name: &str, default: u8| match node.value(name) {
        "" => Ok(default),
        typed => typed.parse::<u8>().map_err(|_| Msg::ErrImportUnknownSyntax),
    };
    let shown = number("showunits", if list.is_empty() { 3 } else { 0 })?;
    let (role, penalty_of) = match number("unitgradingtype", 0)? {
        1 => (UnitRole::Graded, PenaltyOf::Response),
        2 => (UnitRole::Graded, PenaltyOf::Question),
        _ if shown == 3 => (UnitRole::NotUsed, PenaltyOf::Response),
        _ => (UnitRole::Optional, PenaltyOf::Response),
    };
    if list.is_empty() && role != UnitRole::Graded {
        return Ok(None);
    }
    let penalty = match node.value("unitpenalty") {
        "" => DEFAULT_PENALTY,
        typed => parse_number(typed).ok_or(Msg::ErrUnitPenaltyInvalid)?,
    };
    Ok(Some(Units {
        list,
        role,
        penalty,
        penalty_of,
        input: if matches!(shown, 1 | 2) { UnitInput::Select } else { UnitInput::Typed },
        left: matches!(node.value("unitsleft"), "1" | "true"),
    }))
}

/// The unit elements of a `numerical` question with units, in the order Moodle writes them.
pub(super) fn write(out: &mut String, units: &Units) {
    let grading = match (units.role, units.penalty_of) {
        (UnitRole::Graded, PenaltyOf::Response) => 1,
        (UnitRole::Graded, PenaltyOf::Question) => 2,
        _ => 0,
    };
    let shown = match (units.role, units.input) {
        (UnitRole::NotUsed, _) => 3,
        (_, UnitInput::Typed) => 0,
        (_, UnitInput::Select) => 2,
    };
    out.push_str(&format!(
        "    <unitgradingtype>{grading}</unitgradingtype>\n    <unitpenalty>{:.7}</unitpenalty>\n    <showunits>{shown}</showunits>\n    <unitsleft>{}</unitsleft>\n",
        units.penalty,
        u8::from(units.left)
    ));
    if !units.list.is_empty() {
        out.push_str("    <units>\n");
        for unit in &units.list {
            out.push_str(&format!(
                "      <unit>\n        <multiplier>{}</multiplier>\n        <unit_name>{}</unit_name>\n      </unit>\n",
                number_text(unit.multiplier),
                escape(&unit.name)
            ));
        }
        out.push_str("    </units>\n");
    }
}

#[cfg(test)]
mod tests {
    use crate::exam::model::{score, Answer, Question};
    use crate::exam::moodle_xml::{parse_moodle_xml, write_moodle_xml};
    use crate::exam::units::*;
    use crate::i18n::Msg;

    /// A numerical question with units as Moodle 4 exports it (names and settings trimmed):
    /// the base unit listed second, graded units chosen from a list, the penalty a share of
    /// the question's grade.
    const MOODLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="numerical">
    <name><text>Ұзындық</text></name>
    <questiontext format="html"><text><![CDATA[<p>Үстелдің ұзындығы қанша?</p>]]></text></questiontext>
    <defaultgrade>2.0000000</defaultgrade>
    <answer fraction="100" format="moodle_auto_format"><text>1.5</text><feedback format="html"><text>Дұрыс</text></feedback><tolerance>0.01</tolerance></answer>
    <answer fraction="50" format="moodle_auto_format"><text>1.4</text><tolerance>0</tolerance></answer>
    <answer fraction="0" format="moodle_auto_format"><text>*</text><tolerance>0</tolerance></answer>
    <unitgradingtype>2</unitgradingtype>
    <unitpenalty>0.2500000</unitpenalty>
    <showunits>2</showunits>
    <unitsleft>0</unitsleft>
    <units>
      <unit><multiplier>100</multiplier><unit_name>см</unit_name></unit>
      <unit><multiplier>1</multiplier><unit_name>м</unit_name></unit>
      <unit><multiplier>0.001</multiplier><unit_name>км</unit_name></unit>
    </units>
  </question>
</quiz>
"#;

    fn one(xml: &str) -> Question {
        let mut questions = parse_moodle_xml(xml).expect("valid");
        assert_eq!(questions.len(), 1);
        questions.remove(0)
    }

    #[test]
    fn moodle_units_import_as_moodle_grades_them() {
        let q = one(MOODLE);
        let units = q.units.clone().expect("units");
        assert_eq!(
            units.list.iter().map(|u| (u.name.as_str(), u.multiplier)).collect::<Vec<_>>(),
            vec![("м", 1.0), ("см", 100.0), ("км", 0.001)],
            "the base unit first"
        );
        assert_eq!(
            (units.role, units.penalty, units.penalty_of, units.input, units.left),
            (UnitRole::Graded, 0.25, PenaltyOf::Question, UnitInput::Select, false)
        );
        let points = |typed: &str| (score(&q, &Answer::Text(typed.into())).points_awarded * 1e9).round() / 1e9;
        assert_eq!(points("150 см"), 2.0);
        assert_eq!(points("1,5"), 1.5, "the unit missing: a quarter of the question's 2 points");
        assert_eq!(points("140 см"), 1.0);
        assert_eq!(points("1,4"), 0.5);
    }

    #[test]
    fn moodle_unit_options_map_both_ways() {
        let with = |options: &str| {
            MOODLE.replace(
            "<unitgradingtype>2</unitgradingtype>\n    <unitpenalty>0.2500000</unitpenalty>\n    <showunits>2</showunits>\n    <unitsleft>0</unitsleft>",
            options,
        )
        };
        let units = |options: &str| one(&with(options)).units.expect("units");
        let optional = units("<unitgradingtype>0</unitgradingtype><showunits>0</showunits><unitsleft>1</unitsleft>");
        assert_eq!((optional.role, optional.input, optional.left, optional.penalty), (UnitRole::Optional, UnitInput::Typed, true, 0.1));
        let radio = units("<unitgradingtype>1</unitgradingtype><showunits>1</showunits>");
        assert_eq!((radio.role, radio.penalty_of, radio.input), (UnitRole::Graded, PenaltyOf::Response, UnitInput::Select));
        assert_eq!(units("<unitgradingtype>0</unitgradingtype><showunits>3</showunits>").role, UnitRole::NotUsed);
        assert_eq!(units("").role, UnitRole::Optional, "no options with units: typed, as Moodle imports them");

        // Without units: a plain numerical question, unless the units were to be graded.
        let no_units = |options: &str| {
            let start = MOODLE.find("<unitgradingtype>").expect("options");
            let end = MOODLE.find("</units>").expect("units") + "</units>".len();
            format!("{}{options}{}", &MOODLE[..start], &MOODLE[end..])
        };
        assert_eq!(one(&no_units("<unitgradingtype>0</unitgradingtype><showunits>3</showunits>")).units, None);
        assert_eq!(one(&no_units("")).units, None);
        let refused = parse_moodle_xml(&no_units("<unitgradingtype>1</unitgradingtype><showunits>0</showunits>")).expect_err("refused");
        assert_eq!(refused[0].problem, Msg::ErrUnitsNeeded);
        let bad = parse_moodle_xml(&MOODLE.replace("<multiplier>100</multiplier>", "<multiplier>жүз</multiplier>")).expect_err("refused");
        assert_eq!((bad[0].line, bad[0].problem), (3, Msg::ErrUnitMultiplierInvalid));
    }

    /// Moodle XML with units -> Talap -> Moodle XML reads back the same, every option.
    #[test]
    fn moodle_xml_round_trip_with_units() {
        let mut questions = vec![one(MOODLE)];
        for (role, input, left) in [
            (UnitRole::Optional, UnitInput::Typed, true),
            (UnitRole::Graded, UnitInput::Typed, false),
            (UnitRole::NotUsed, UnitInput::Typed, false),
        ] {
            let mut q = one(MOODLE);
            let units = q.units.as_mut().expect("units");
            (units.role, units.input, units.left, units.penalty_of) = (role, input, left, PenaltyOf::Response);
            units.penalty = 0.1;
            questions.push(q);
        }
        let written = write_moodle_xml(&questions, &Default::default());
        assert!(written.contains("<unit_name>см</unit_name>") && written.contains("<multiplier>0.001</multiplier>"), "{written}");
        assert!(written.contains("<unitgradingtype>2</unitgradingtype>") && written.contains("<showunits>2</showunits>"), "{written}");
        assert!(written.contains("<unitpenalty>0.2500000</unitpenalty>"), "{written}");
        assert_eq!(parse_moodle_xml(&written).expect("its own export reads back"), questions);
    }
}
