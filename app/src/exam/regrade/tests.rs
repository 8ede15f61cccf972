//! The "line up" rule and what a regrade plan changes.

use super::*;
use crate::exam::model::{Question, QuestionKind};

fn single(options: &[&str], correct: usize) -> Question {
    Question {
        options: options.iter().map(|o| o.to_string()).collect(),
        correct: vec![correct],
        ..Question::new(QuestionKind::Single, "2 + 3 = ?")
    }
}

fn ordering(items: &[&str]) -> Question {
    Question { options: items.iter().map(|o| o.to_string()).collect(), ..Question::new(QuestionKind::Ordering, "Ретімен") }
}

fn matching(left: &[&str], right: &[&str], correct: &[usize]) -> Question {
    Question {
        options: left.iter().map(|o| o.to_string()).collect(),
        right: right.iter().map(|o| o.to_string()).collect(),
        correct: correct.to_vec(),
        ..Question::new(QuestionKind::Matching, "Сәйкестендіріңіз")
    }
}

#[test]
fn versions_line_up_by_kind_and_counts() {
    let v1 = single(&["4", "5", "6"], 0);
    assert!(lines_up(&v1, &single(&["4", "5", "6"], 1)).is_ok(), "a corrected key");
    assert!(lines_up(&v1, &single(&["4", "5 ", "six"], 1)).is_ok(), "corrected texts, same number of options");
    assert_eq!(lines_up(&v1, &single(&["4", "5"], 1)), Err(Mismatch::Options));
    let multiple = Question { kind: QuestionKind::Multiple, ..single(&["4", "5", "6"], 1) };
    assert_eq!(lines_up(&v1, &multiple), Err(Mismatch::Kind), "same options, another kind");
    assert_eq!(lines_up(&ordering(&["a", "b"]), &ordering(&["a", "b", "c"])), Err(Mismatch::Options));
    let m = matching(&["x", "y"], &["1", "2", "3"], &[0, 1]);
    assert!(lines_up(&m, &matching(&["x", "y"], &["1", "2", "3"], &[1, 0])).is_ok());
    assert_eq!(lines_up(&m, &matching(&["x", "y"], &["1", "2"], &[1, 0])), Err(Mismatch::Right));
    assert_eq!(lines_up(&m, &matching(&["x", "y", "z"], &["1", "2", "3"], &[1, 0, 2])), Err(Mismatch::Options));

    let short = Question { accepted: vec!["Астана".into()], ..Question::new(QuestionKind::Short, "Астана?") };
    let more = Question { accepted: vec!["Астана".into(), "Нұр-Сұлтан".into(), "Ақмола".into()], ..short.clone() };
    assert!(lines_up(&short, &more).is_ok(), "any list of accepted answers lines up");

    let essay = Question { points: 4, ..Question::new(QuestionKind::Essay, "Эссе") };
    assert!(lines_up(&essay, &Question { text: "Эссе жазыңыз".into(), ..essay.clone() }).is_ok());
    assert_eq!(lines_up(&essay, &Question { points: 5, ..essay.clone() }), Err(Mismatch::EssayPoints));
}

#[test]
fn a_numerical_answer_is_rescored_when_units_change() {
    use crate::exam::units::{Unit, UnitRole, Units};
    let bare = Question { accepted: vec!["2.5".into()], points: 2, ..Question::new(QuestionKind::Short, "Ұзындығы?") };
    let units = Units {
        list: vec![Unit { name: "м".into(), multiplier: 1.0 }, Unit { name: "см".into(), multiplier: 100.0 }],
        role: UnitRole::Graded,
        ..Units::default()
    };
    let with_units = Question { units: Some(units), ..bare.clone() };
    let tr = lines_up(&bare, &with_units).expect("units added line up");
    let typed = |t: &str| tr.answer(&Answer::Text(t.into()));
    assert_eq!(model::score(&bare, &typed("250 см")).points_awarded, 0.0);
    assert_eq!(model::score(&with_units, &typed("250 см")).points_awarded, 2.0, "the new key reads the unit");
    assert!((model::score(&with_units, &typed("2,5")).points_awarded - 1.8).abs() < 1e-9, "a missing unit now costs 10%");
    assert!(lines_up(&with_units, &bare).is_ok(), "and taken away again");
}

#[test]
fn reordered_texts_are_followed_by_their_text() {
    // The teacher corrects an ordering's key by putting its items in another order: the
    // candidate's "b, a, c" is right under the new key.
    let (old, new) = (ordering(&["a", "b", "c"]), ordering(&["b", "a", "c"]));
    let tr = lines_up(&old, &new).unwrap();
    let answer = tr.answer(&Answer::Order(vec![1, 0, 2]));
    assert_eq!(answer, Answer::Order(vec![0, 1, 2]));
    assert_eq!(model::score(&new, &answer).points_awarded, 1.0);
    // An edited text cannot be followed: positions are kept.
    let edited = ordering(&["a", "B", "c"]);
    assert_eq!(lines_up(&old, &edited).unwrap().answer(&Answer::Order(vec![1, 0, 2])), Answer::Order(vec![1, 0, 2]));
    // Choices likewise, and matching's both sides.
    let tr = lines_up(&single(&["4", "5", "6"], 0), &single(&["6", "4", "5"], 2)).unwrap();
    assert_eq!(tr.answer(&Answer::Choice(vec![1])), Answer::Choice(vec![2]), "\"5\" is now the third option");
    let tr = lines_up(&matching(&["x", "y"], &["1", "2", "3"], &[0, 1]), &matching(&["y", "x"], &["3", "1", "2"], &[2, 1])).unwrap();
    assert_eq!(tr.answer(&Answer::Matching(vec![Some(0), None])), Answer::Matching(vec![None, Some(1)]), "x→1 is now second→second");
}

fn version(id: i64, family_id: i64, version: i64, question: Question) -> (i64, Version) {
    (id, Version { id, family_id, version, question })
}

fn sat(id: i64, student_id: i64, attempt_no: i64, paper: &[i64], score: i64, mark: &str, answers: &[(i64, &str, i64)]) -> Sat {
    Sat {
        id,
        student_id,
        attempt_no,
        submitted: true,
        annulled: false,
        needs_grading: false,
        paper: paper.iter().map(|q| (*q, 7)).collect(),
        score_milli: Some(score),
        max_points: Some(paper.len() as i64),
        mark: Some(mark.into()),
        answers: answers.iter().map(|(q, raw, p)| (*q, Saved { raw: raw.to_string(), points_milli: Some(*p) })).collect(),
    }
}

/// Question 10 (v1, key "4") was corrected into 11 (v2, key "5"); question 20 is unchanged.
fn bank() -> (HashMap<i64, Version>, HashMap<i64, Version>) {
    let drawn: HashMap<i64, Version> = [
        version(10, 10, 1, single(&["4", "5", "6"], 0)),
        version(20, 20, 1, single(&["a", "b"], 0)),
        version(11, 10, 2, single(&["4", "5", "6"], 1)),
    ]
    .into();
    let latest = [version(11, 10, 2, single(&["4", "5", "6"], 1)), version(20, 20, 1, single(&["a", "b"], 0))]
        .into_iter()
        .map(|(_, v)| (v.family_id, v))
        .collect();
    (drawn, latest)
}

#[test]
fn a_corrected_key_moves_scores_marks_and_the_paper() {
    let (drawn, latest) = bank();
    let attempts = vec![
        // Right under the old key: 2 of 2, mark 5; loses question 10 (50 %: 3).
        sat(1, 100, 1, &[10, 20], 2000, "5", &[(10, r#"{"Choice":[0]}"#, 1000), (20, r#"{"Choice":[0]}"#, 1000)]),
        // Right under the new key: 1 of 2, mark 3; gains question 10.
        sat(2, 200, 1, &[20, 10], 1000, "3", &[(10, r#"{"Choice":[1]}"#, 0), (20, r#"{"Choice":[0]}"#, 1000)]),
        // Drew the new version already: nothing to do.
        sat(3, 300, 1, &[11, 20], 2000, "5", &[]),
    ];
    let p = plan(&attempts, &drawn, &latest, Scale::FivePoint);
    assert_eq!(p.questions.len(), 1);
    let q = &p.questions[0];
    assert_eq!((q.from, q.to, q.from_version, q.to_version, q.attempts, q.running, q.problem), (10, 11, 1, 2, 2, 0, None));
    assert_eq!(p.rescores.len(), 2);
    let (first, second) = (&p.rescores[0], &p.rescores[1]);
    assert_eq!((first.score_milli, first.max_points, first.mark.clone()), ((2000, 1000), (2, 2), (Some("5".into()), Some("3".into()))));
    assert_eq!(first.paper, vec![(11, 7), (20, 7)], "the paper points at v2 and keeps its shuffle seed");
    assert_eq!(first.moved, vec![Moved { from: 10, to: 11, answer: r#"{"Choice":[0]}"#.into(), points_milli: 0 }]);
    assert_eq!((second.score_milli, second.mark.1.as_deref()), ((1000, 2000), Some("5")));
    assert!(!first.mark_kept && !second.mark_kept);

    // Once applied, a second plan finds nothing.
    let applied: Vec<Sat> = attempts
        .iter()
        .map(|a| match p.rescores.iter().find(|r| r.attempt_id == a.id) {
            Some(r) => Sat { paper: r.paper.clone(), score_milli: Some(r.score_milli.1), mark: r.mark.1.clone(), ..a.clone() },
            None => a.clone(),
        })
        .collect();
    assert_eq!(plan(&applied, &drawn, &latest, Scale::FivePoint), Plan::default());
}

#[test]
fn running_attempts_mismatches_hand_marks_and_essays() {
    let (mut drawn, mut latest) = bank();
    // Question 30 became a multiple choice (does not line up); 40 is an essay whose text changed.
    drawn.extend([
        version(30, 30, 1, single(&["x", "y"], 0)),
        version(40, 40, 1, Question { points: 2, ..Question::new(QuestionKind::Essay, "Эссе") }),
    ]);
    let multiple = Question { kind: QuestionKind::Multiple, correct: vec![0, 1], ..single(&["x", "y"], 0) };
    let essay2 = Question { points: 2, ..Question::new(QuestionKind::Essay, "Эссе жазыңыз") };
    latest.extend([version(31, 30, 2, multiple).1, version(41, 40, 2, essay2).1].map(|v| (v.family_id, v)));

    let mut running = sat(1, 100, 2, &[10], 0, "", &[]);
    running.submitted = false;
    (running.score_milli, running.max_points, running.mark) = (None, None, None);
    // Graded by hand: essay 1.5 of 2 points (2.5 of 4 makes 3), and the teacher typed 5.
    let mut graded = sat(2, 100, 1, &[10, 30, 40], 2500, "5", &[(10, r#"{"Choice":[0]}"#, 1000), (40, r#"{"Text":"..."}"#, 1500)]);
    graded.max_points = Some(4);
    let p = plan(&[running, graded], &drawn, &latest, Scale::FivePoint);
    let by_from = |id: i64| p.questions.iter().find(|q| q.from == id).unwrap().clone();
    assert_eq!((by_from(10).attempts, by_from(10).running), (1, 1), "the running attempt is counted, not changed");
    assert_eq!(by_from(30).problem, Some(Mismatch::Kind));
    assert_eq!(by_from(40).problem, None);
    assert_eq!(p.rescores.len(), 1);
    let r = &p.rescores[0];
    assert_eq!(r.paper.iter().map(|q| q.0).collect::<Vec<_>>(), vec![11, 30, 41], "question 30 stays as drawn");
    assert_eq!(r.score_milli, (2500, 1500), "question 10 lost its point; the essay kept 1.5");
    assert!(r.moved.contains(&Moved { from: 40, to: 41, answer: r#"{"Text":"..."}"#.into(), points_milli: 1500 }));
    assert_eq!((r.mark.1.as_deref(), r.mark_kept), (Some("5"), true), "a mark typed by the teacher stays");
}

#[test]
fn the_grade_follows_by_the_exams_method() {
    let (drawn, latest) = bank();
    // Attempt 1 right under the old key (5 → 3), attempt 2 all wrong (2).
    let attempts = vec![
        sat(1, 100, 1, &[10, 20], 2000, "5", &[(10, r#"{"Choice":[0]}"#, 1000), (20, r#"{"Choice":[0]}"#, 1000)]),
        sat(2, 100, 2, &[10, 20], 0, "2", &[(10, r#"{"Choice":[2]}"#, 0), (20, r#"{"Choice":[1]}"#, 0)]),
    ];
    let p = plan(&attempts, &drawn, &latest, Scale::FivePoint);
    assert_eq!(
        grades(&attempts, &p.rescores, GradingMethod::Average)[&100],
        (Grade::Mark(4), Grade::Mark(3)),
        "(5 + 2) / 2 → (3 + 2) / 2, half up"
    );
    assert_eq!(grades(&attempts, &p.rescores, GradingMethod::Last)[&100], (Grade::Mark(2), Grade::Mark(2)));
    let mut annulled = attempts.clone();
    annulled[0].annulled = true;
    let p = plan(&annulled, &drawn, &latest, Scale::FivePoint);
    assert_eq!(p.rescores.len(), 2, "an annulled attempt is scored again too");
    assert_eq!(
        grades(&annulled, &p.rescores, GradingMethod::Highest)[&100],
        (Grade::Mark(2), Grade::Mark(2)),
        "and still counts for nothing"
    );
}

#[test]
fn a_mark_is_what_a_hand_in_stores() {
    assert_eq!(mark_for(2000, 2, Scale::FivePoint).as_deref(), Some("5"));
    assert_eq!(mark_for(1000, 2, Scale::FivePoint).as_deref(), Some("3"));
    assert_eq!(mark_for(980, 2, Scale::FivePoint).as_deref(), Some("2"), "49 %");
    assert_eq!(mark_for(0, 0, Scale::FivePoint).as_deref(), Some("2"));
    assert_eq!(mark_for(1500, 2, Scale::Hundred).as_deref(), Some("75"));
}

#[test]
fn new_kinds_line_up_only_with_the_same_gaps_or_values() {
    use crate::exam::calculated::Calculated;
    let cloze = |text: &str| Question { text: text.into(), ..Question::new(QuestionKind::Cloze, "") };
    // A corrected answer text and share in a gap lines up; another answer in the gap does not.
    let old = cloze("Capital: {1:SHORTANSWER:=Astana} and {1:MC:=Almaty~Shymkent}");
    assert!(lines_up(&old, &cloze("Capital: {1:SHORTANSWER:=Astana~%50%Akmola} and {1:MC:Almaty~=Shymkent}")).is_err());
    assert!(lines_up(&old, &cloze("Capital: {1:SHORTANSWER:=Nur-Sultan} and {1:MC:Almaty~=Shymkent}")).is_ok());
    assert_eq!(lines_up(&old, &cloze("Capital: {1:SHORTANSWER:=Astana}")), Err(Mismatch::Gaps));
    // A calculated question whose variables changed drew other values.
    let calc: Question = serde_json::from_value(serde_json::json!({
        "kind": "Calculated", "text": "{a} + 1 = ?",
        "calculated": {"variables": [{"name": "a", "min": 1.0, "max": 9.0, "decimals": 0}],
                       "answers": [{"formula": "{a} + 1", "share": 1.0, "tolerance": 0.0, "length": 0}]}
    }))
    .unwrap_or_else(|e| panic!("a calculated question reads: {e}"));
    let mut other = calc.clone();
    if let Some(Calculated { variables, .. }) = other.calculated.as_mut() {
        variables[0].max = 20.0;
    }
    assert_eq!(lines_up(&calc, &other), Err(Mismatch::Values));
    let mut fixed = calc.clone();
    if let Some(c) = fixed.calculated.as_mut() {
        c.answers[0].formula = "{a} + 2".into();
    }
    assert!(lines_up(&calc, &fixed).is_ok());
}
