//! Reading, scoring, checking and showing numerical answers with units.

use super::*;
use crate::exam::model::{matched_accepted, present, score, Answer, Question, QuestionKind};

fn unit(name: &str, multiplier: f64) -> Unit {
    Unit { name: name.into(), multiplier }
}

/// 2.5 m (within 0.01), worth 10 points, with metres, centimetres and kilometres.
fn length(role: UnitRole) -> Question {
    Question {
        accepted: vec!["2.5".into()],
        tolerance: Some(0.01),
        points: 10,
        units: Some(Units { list: vec![unit("m", 1.0), unit("cm", 100.0), unit("km", 0.001)], role, ..Units::default() }),
        ..Question::new(QuestionKind::Short, "Үстелдің ұзындығы?")
    }
}

fn points(q: &Question, typed: &str) -> f64 {
    (score(q, &Answer::Text(typed.into())).points_awarded * 1e9).round() / 1e9
}

fn units_of(q: &mut Question) -> &mut Units {
    q.units.as_mut().expect("units")
}

#[test]
fn a_typed_answer_splits_into_its_number_and_unit() {
    let right = |text: &str| split(text, false);
    assert_eq!(right("2,5 cm"), Some((2.5, "cm".into())));
    assert_eq!(right("2.5cm"), Some((2.5, "cm".into())));
    assert_eq!(right(" 2.5 см "), Some((2.5, "см".into())), "Cyrillic names are names");
    assert_eq!(right("2,5 с м"), Some((2.5, "см".into())), "spaces inside a unit do not count");
    assert_eq!(right("-3e2 km/h"), Some((-300.0, "km/h".into())));
    assert_eq!(right("2e3m"), Some((2000.0, "m".into())));
    assert_eq!(right("2 e"), Some((2.0, "e".into())), "an exponent needs its digits");
    assert_eq!(right(".5 m"), Some((0.5, "m".into())));
    assert_eq!(right("2.5"), Some((2.5, String::new())));
    for text in ["", "см", "м 2.5", ".", "-", "екі жарым"] {
        assert_eq!(right(text), None, "{text:?}");
    }
    let left = |text: &str| split(text, true);
    assert_eq!(left("₸ 2,5"), Some((2.5, "₸".into())));
    assert_eq!(left("$-2"), Some((-2.0, "$".into())));
    assert_eq!(left("2.5"), Some((2.5, String::new())));
    assert_eq!(left("2.5 ₸"), None, "the unit is on the other side");
    assert_eq!(split(&"1".repeat(2000), false), None, "a pasted page is not read");
}

#[test]
fn optional_units_convert_and_cost_nothing() {
    let q = length(UnitRole::Optional);
    for typed in ["2.5", "2,5 m", "2.5m", "250 cm", "0,0025 km", "2.504 m"] {
        assert_eq!(points(&q, typed), 10.0, "{typed}");
    }
    // As in Moodle: the number read as typed still matches, and the unit is not graded.
    assert_eq!(points(&q, "2.5 cm"), 10.0);
    assert_eq!(points(&q, "2.5 ft"), 10.0);
    for typed in ["25 cm", "250", "3 m", "см", "m 2.5"] {
        assert_eq!(points(&q, typed), 0.0, "{typed}");
    }
}

#[test]
fn graded_units_lose_the_penalty_when_missing_unknown_or_wrong() {
    let q = length(UnitRole::Graded);
    assert_eq!(points(&q, "2.5 m"), 10.0);
    assert_eq!(points(&q, "250cm"), 10.0);
    assert_eq!(points(&q, "0,0025 km"), 10.0);
    assert_eq!(points(&q, "2.5"), 9.0, "no unit: 10% of the answer's credit");
    assert_eq!(points(&q, "2.5 ft"), 9.0, "an unknown unit");
    assert_eq!(points(&q, "2.5 M"), 9.0, "units keep their case, as in Moodle");
    assert_eq!(points(&q, "2.5 km"), 9.0, "a known unit that does not convert to the answer");
    assert_eq!(points(&q, "3 m"), 0.0);
    assert_eq!(points(&q, "25 cm"), 0.0);
}

#[test]
fn the_penalty_is_a_share_of_the_answer_or_of_the_question() {
    let mut q = Question { accepted: vec!["2.5".into(), "2.4".into()], weights: vec![1.0, 0.5], ..length(UnitRole::Graded) };
    assert_eq!(q.validate(), Ok(()));
    units_of(&mut q).penalty = 0.2;
    assert_eq!(points(&q, "240 cm"), 5.0, "half right, unit right");
    assert_eq!(points(&q, "2.4"), 4.0, "half right less 20% of that half");
    assert_eq!(points(&q, "2.5"), 8.0);
    units_of(&mut q).penalty_of = PenaltyOf::Question;
    assert_eq!(points(&q, "2.4"), 3.0, "half right less 20% of the question");
    assert_eq!(points(&q, "2.5"), 8.0);
    units_of(&mut q).penalty = 0.6;
    assert_eq!(points(&q, "2.4"), 0.0, "never below nothing");
    assert_eq!(points(&q, "240 cm"), 5.0);
    // The review's feedback is the accepted answer that earned the most.
    assert_eq!(matched_accepted(&q, "2.4 m"), Some(1));
    assert_eq!(matched_accepted(&q, "2.5"), Some(0));
    assert_eq!(matched_accepted(&q, "3 m"), None);
}

#[test]
fn units_named_in_kazakh_or_russian_and_units_before_the_number() {
    let q = Question {
        accepted: vec!["1,5".into()],
        units: Some(Units { list: vec![unit("м", 1.0), unit("см", 100.0)], role: UnitRole::Graded, ..Units::default() }),
        ..Question::new(QuestionKind::Short, "Ұзындығы?")
    };
    assert_eq!(q.validate(), Ok(()));
    assert_eq!(points(&q, "150 см"), 1.0);
    assert_eq!(points(&q, "1,5м"), 1.0);
    assert_eq!(points(&q, "1,5"), 0.9);
    let money = Question {
        accepted: vec!["2.5".into()],
        units: Some(Units {
            list: vec![unit("₸", 1.0), unit("тиын", 100.0)], role: UnitRole::Graded, left: true, ..Units::default()
        }),
        ..Question::new(QuestionKind::Short, "Бағасы?")
    };
    assert_eq!(money.validate(), Ok(()));
    assert_eq!(points(&money, "₸ 2,5"), 1.0);
    assert_eq!(points(&money, "тиын 250"), 1.0);
    assert_eq!(points(&money, "2,5"), 0.9);
    assert_eq!(points(&money, "2,5 ₸"), 0.0, "not a number with a unit before it");
}

#[test]
fn units_not_used_score_a_bare_number_as_before() {
    let q = length(UnitRole::NotUsed);
    assert_eq!(q.validate(), Ok(()));
    assert_eq!(points(&q, "2,5"), 10.0);
    assert_eq!(points(&q, "2.5 m"), 0.0);
    assert_eq!(present(&q, 1).units, None);
    let mut without = q.clone();
    without.units = None;
    assert_eq!(points(&without, "2.5 m"), 0.0);
}

#[test]
fn units_are_checked_with_a_message_each() {
    let bad = |change: &dyn Fn(&mut Question), problem: Msg| {
        let mut q = length(UnitRole::Graded);
        change(&mut q);
        assert_eq!(q.validate(), Err(problem), "{:?}", q.units);
    };
    assert_eq!(length(UnitRole::Graded).validate(), Ok(()));
    bad(&|q| units_of(q).list[1].name = "  ".into(), Msg::ErrUnitNameEmpty);
    bad(&|q| units_of(q).list[1].name = "ж".repeat(MAX_UNIT_NAME + 1), Msg::ErrUnitNameTooLong);
    bad(&|q| units_of(q).list[1].name = "5cm".into(), Msg::ErrUnitNameNumber);
    bad(&|q| units_of(q).list[1].name = ",cm".into(), Msg::ErrUnitNameNumber);
    bad(
        &|q| {
            units_of(q).left = true;
            units_of(q).list[1].name = "cm2".into();
        },
        Msg::ErrUnitNameNumber,
    );
    for multiplier in [0.0, -100.0, f64::NAN, f64::INFINITY] {
        bad(&|q| units_of(q).list[1].multiplier = multiplier, Msg::ErrUnitMultiplierInvalid);
    }
    bad(&|q| units_of(q).list[2].name = "c m".into(), Msg::ErrUnitNameDuplicate);
    bad(&|q| units_of(q).list.swap(0, 1), Msg::ErrUnitBaseMultiplier);
    for penalty in [-0.1, 1.5, f64::NAN] {
        bad(&|q| units_of(q).penalty = penalty, Msg::ErrUnitPenaltyInvalid);
    }
    bad(&|q| units_of(q).list.clear(), Msg::ErrUnitsNeeded);
    bad(&|q| q.accepted.push("Астана".into()), Msg::ErrUnitsNeedNumbers);
    bad(&|q| units_of(q).list.extend((0..MAX_UNITS).map(|i| unit(&format!("u{i}"), 2.0))), Msg::ErrUnitsTooMany);
    bad(&|q| q.kind = QuestionKind::Essay, Msg::ErrUnitsNeedNumbers);

    let ok = |change: &dyn Fn(&mut Question)| {
        let mut q = length(UnitRole::Graded);
        change(&mut q);
        assert_eq!(q.validate(), Ok(()), "{:?}", q.units);
    };
    ok(&|q| units_of(q).list[1].name = "cm2".into());
    ok(&|q| units_of(q).penalty = 0.0);
    ok(&|q| units_of(q).penalty = 1.0);
    ok(&|q| {
        units_of(q).role = UnitRole::NotUsed;
        units_of(q).list.clear();
        q.accepted = vec!["Астана".into()];
    });
}

#[test]
fn the_paper_shows_unit_names_and_never_a_multiplier() {
    let mut q = length(UnitRole::Graded);
    assert_eq!(present(&q, 3).units, Some(PaperUnits { graded: true, choices: Vec::new(), left: false }), "typed: nothing to list");
    units_of(&mut q).input = UnitInput::Select;
    units_of(&mut q).list[2].multiplier = 0.00125;
    let paper = present(&q, 3).units.expect("in use");
    assert_eq!(paper.choices, vec!["m", "cm", "km"]);
    let json = serde_json::to_string(&present(&q, 3)).expect("json");
    assert!(!json.contains("0.00125") && !json.contains("2.5") && !json.contains("multiplier"), "{json}");

    // What the select sends scores as typed, and a reload shows it again.
    let sent = paper.join(" 2,5 ", "m");
    assert_eq!(sent, "2,5 m");
    assert_eq!(points(&q, &sent), 10.0);
    assert_eq!(paper.split_saved(&sent), ("2,5".to_string(), "m".to_string()));
    assert_eq!(paper.join("250", ""), "250");
    assert_eq!(points(&q, &paper.join("2.5", "")), 9.0);
    assert_eq!(paper.join(" ", "cm"), "", "no number, no answer");
    assert_eq!(paper.split_saved("2.5"), ("2.5".to_string(), String::new()));
    let nested = PaperUnits { graded: false, choices: vec!["м".into(), "мм".into()], left: false };
    assert_eq!(nested.split_saved("5 мм"), ("5".to_string(), "мм".to_string()), "the longest unit that fits");
    let left = PaperUnits { graded: true, choices: vec!["₸".into()], left: true };
    assert_eq!(left.join("5", "₸"), "₸ 5");
    assert_eq!(left.split_saved("₸ 5"), ("5".to_string(), "₸".to_string()));
}

#[test]
fn units_travel_as_json_and_questions_without_them_are_unchanged() {
    let q = length(UnitRole::Graded);
    let json = serde_json::to_string(&q).expect("json");
    assert_eq!(serde_json::from_str::<Question>(&json).expect("reads"), q);
    let plain = Question { units: None, ..q };
    assert!(!serde_json::to_string(&plain).expect("json").contains("units"), "stored questions keep their JSON");
    let minimal: Units = serde_json::from_str(r#"{"list":[{"name":"m","multiplier":1.0}]}"#).expect("defaults");
    assert_eq!(minimal, Units { list: vec![unit("m", 1.0)], ..Units::default() });
}

#[test]
fn the_review_shows_the_answer_as_typed_and_the_right_one_with_its_unit() {
    use crate::exam::review::{review_question, Shown};
    let q = length(UnitRole::Graded);
    let r = review_question(1, &q, 7, Some(&Answer::Text("250 cm".into())), None, Shown::ALL);
    assert_eq!((r.answer, r.correct, r.awarded), (Some(vec!["250 cm".to_string()]), Some(vec!["2.5 m".to_string()]), Some(10.0)));
    let r = review_question(1, &q, 7, Some(&Answer::Text("2.5".into())), None, Shown::ALL);
    assert_eq!(r.awarded.map(|p| (p * 1e9).round() / 1e9), Some(9.0));
}
