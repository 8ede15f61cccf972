use super::*;
use crate::exam::model::{present, score, Answer, OptionIds, PaperAnswer, Question, QuestionKind};

/// The sample question of Moodle's documentation page "Embedded Answers (Cloze) question type".
const MOODLE_SAMPLE: &str = "This question consists of some text with an answer embedded right here {1:MULTICHOICE:Wrong answer#Feedback for this wrong answer~Another wrong answer#Feedback for the other wrong answer~=Correct answer#Feedback for correct answer~%50%Answer that gives half the credit#Feedback for half credit answer} and right after that you will have to deal with this short answer {1:SHORTANSWER:Wrong answer#Feedback for this wrong answer~=Correct answer#Feedback for correct answer~%50%Answer that gives half the credit#Feedback for half credit answer} and finally we have a floating point number {2:NUMERICAL:=23.8:0.1#Feedback for correct answer 23.8~%50%23.8:2#Feedback for half credit answer in the nearby region of the correct answer}.

Note that addresses like www.moodle.org and smileys :-) all work as normal:
 a) How good is this? {:MULTICHOICE:=Yes#Correct~No#We have a different opinion}
 b) What grade would you give it? {3:NUMERICAL:=3:2}

Good luck!";

fn cloze(text: &str, points: u32) -> Question {
    Question { points, ..Question::new(QuestionKind::Cloze, text) }
}

fn text(s: &str) -> Option<GapAnswer> {
    Some(GapAnswer::Text(s.into()))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// "The [[1]] brown [[2]] jumped over the [[3]] dog." with a distractor in each group.
fn drag() -> Question {
    Question {
        options: ["quick", "fox", "lazy", "slow", "cat"].iter().map(|s| s.to_string()).collect(),
        groups: vec![1, 2, 1, 1, 2],
        points: 3,
        ..Question::new(QuestionKind::DragText, "The [[1]] brown [[2]] jumped over the [[3]] dog.")
    }
}

#[test]
fn the_documentations_sample_reads_as_moodle_has_it() {
    let c = parse_cloze(MOODLE_SAMPLE).expect("the sample reads");
    assert_eq!(c.gaps.len(), 5);
    assert_eq!(c.pieces.len(), 6);
    assert!(c.pieces[0].ends_with("embedded right here "));
    assert_eq!(c.pieces[5], "\n\nGood luck!");
    let weights: Vec<u32> = c.gaps.iter().map(|g| g.weight).collect();
    assert_eq!(weights, vec![1, 1, 2, 1, 3], "an empty weight is 1");
    let kinds: Vec<GapKind> = c.gaps.iter().map(|g| g.kind).collect();
    assert_eq!(kinds, vec![GapKind::Dropdown, GapKind::Short, GapKind::Numerical, GapKind::Dropdown, GapKind::Numerical]);
    let first = &c.gaps[0].answers;
    let shares: Vec<f64> = first.iter().map(|a| a.share).collect();
    assert_eq!(shares, vec![0.0, 0.0, 1.0, 0.5]);
    assert_eq!((first[2].text.as_str(), first[2].feedback.as_str()), ("Correct answer", "Feedback for correct answer"));
    let number = &c.gaps[2].answers;
    assert_eq!((number[0].text.as_str(), number[0].tolerance, number[1].tolerance, number[1].share), ("23.8", 0.1, 2.0, 0.5));
    assert_eq!((c.offset(1), c.offset(4), c.answer_count()), (4, 11, 12));
    // The whole question validates as a bank question.
    assert_eq!(cloze(MOODLE_SAMPLE, 8).validate(), Ok(()));
}

#[test]
fn the_sample_scores_each_gap_and_weighs_them() {
    let q = cloze(MOODLE_SAMPLE, 8);
    let answer = Answer::Gaps(vec![
        Some(GapAnswer::Choice(2)),                   // weight 1: right
        text("  answer THAT gives half the credit "), // weight 1: half, case and spaces ignored
        text("23,85"),                                // weight 2: within 0.1
        Some(GapAnswer::Choice(10)),                  // weight 1: "No"
        text("4.5"),                                  // weight 3: within 2 of 3
    ]);
    assert!(close(score(&q, &answer).points_awarded, 6.5), "1 + 0.5 + 2 + 0 + 3 of 8");
    // A half-credit number, a pick from another gap, nothing in the rest.
    let other = Answer::Gaps(vec![Some(GapAnswer::Choice(9)), None, text("25")]);
    assert!(close(score(&q, &other).points_awarded, 2.0 * 0.5), "{:?}", score(&q, &other));
    assert_eq!(score(&q, &Answer::Gaps(Vec::new())).points_awarded, 0.0);
    assert_eq!(score(&q, &Answer::Text("Correct answer".into())).points_awarded, 0.0, "the wrong shape");
    assert!(Answer::Gaps(vec![None, text("  ")]).is_empty());
}

#[test]
fn escapes_case_and_any_other_answer() {
    let c = parse_cloze(r#"{1:SA:=a\}b\#c\~d\/e\"f\\g#fb \# here~%50%x\*y~*#Any other}"#).expect("reads");
    let a = &c.gaps[0].answers;
    assert_eq!(a[0].text, r#"a}b#c~d/e"f\g"#);
    assert_eq!(a[0].feedback, "fb # here");
    assert_eq!((a[1].text.as_str(), a[1].share), ("x*y", 0.5), "an escaped star is a star");
    assert_eq!((a[2].text.as_str(), a[2].share, a[2].feedback.as_str()), ("*", 0.0, "Any other"));
    let q = cloze(r#"{1:SA:=a\}b\#c\~d\/e\"f\\g#fb \# here~%50%x\*y~*#Any other}"#, 2);
    assert_eq!(score(&q, &Answer::Gaps(vec![text(r#"A}B#C~D/E"F\G"#)])).points_awarded, 2.0);
    assert_eq!(score(&q, &Answer::Gaps(vec![text("X*Y")])).points_awarded, 1.0);
    assert_eq!(score(&q, &Answer::Gaps(vec![text("xyy")])).points_awarded, 0.0);
    // "*" matches anything for its feedback, but earns nothing.
    assert_eq!(review(&q, &[text("не знаю")]).feedback, vec!["1: Any other".to_string()]);
    // Case matters in SHORTANSWER_C only.
    let case = cloze("{1:SAC:=Абай} {1:SA:=Абай}", 2);
    assert_eq!(score(&case, &Answer::Gaps(vec![text("абай"), text("абай")])).points_awarded, 1.0);
    // Braces that open no gap are text (a formula).
    let formula = parse_cloze("f{x} = {1:NM:=2:0}").expect("reads");
    assert_eq!(formula.pieces[0], "f{x} = ");
}

#[test]
fn broken_gaps_are_named_with_their_number() {
    let err = |text: &str| parse_cloze(text).map(|_| ()).unwrap_err();
    assert_eq!(err("{1:SA:=a} then {1:SA:=b"), GapError { gap: 2, problem: Msg::ErrGapUnclosed });
    assert_eq!(err("{1:SA:=a\\}"), GapError { gap: 1, problem: Msg::ErrGapUnclosed }, "an escaped brace does not close");
    assert_eq!(err("{1:SA:=a} {2:FOO:=b}"), GapError { gap: 2, problem: Msg::ErrGapUnknownType });
    assert_eq!(err("{1:MR:a~b}"), GapError { gap: 1, problem: Msg::ErrGapNoCorrect });
    assert_eq!(err("{1:MR:=a}"), GapError { gap: 1, problem: Msg::ErrExamTooFewOptions }, "checkboxes need two");
    assert_eq!(err("{1:MULTIRESPONSE_X:=a~b}"), GapError { gap: 1, problem: Msg::ErrGapUnknownType });
    assert_eq!(err("{1:MC:a~b~%50%c}"), GapError { gap: 1, problem: Msg::ErrGapNoCorrect });
    assert_eq!(err("{0:SA:=a}"), GapError { gap: 1, problem: Msg::ErrGapWeight });
    assert_eq!(err("{1:NM:=abc}"), GapError { gap: 1, problem: Msg::ErrGapAnswer });
    assert_eq!(err("{1:NM:=2:-1}"), GapError { gap: 1, problem: Msg::ErrExamToleranceInvalid });
    assert_eq!(err("{1:SA:=a~}"), GapError { gap: 1, problem: Msg::ErrGapAnswer });
    assert_eq!(err("{1:SA:=Ast*}"), GapError { gap: 1, problem: Msg::ErrImportWildcard });
    assert_eq!(err("Мәтін {бос} орынсыз"), GapError { gap: 0, problem: Msg::ErrGapNone });
    let e = GapError { gap: 3, problem: Msg::ErrGapNoCorrect };
    assert_eq!(e.text(crate::i18n::Locale::Ru), "Пропуск 3: В пропуске нет полностью правильного ответа (поставьте перед ним «=»)");
    // The bank's check says the same (without the number, which the editor shows).
    assert_eq!(cloze("{1:MC:a~b}", 1).validate(), Err(Msg::ErrGapNoCorrect));
}

#[test]
fn the_candidate_gets_gaps_without_answers() {
    let q =
        cloze("Қазақстанның астанасы — {1:SHORTANSWER:=Астана#Дұрыс~%50%Ақмола}, ең үлкен қаласы — {2:MCV:=Алматы~Шымкент~Түркістан}.", 3);
    let p = present(&q, 7);
    assert_eq!(p, present(&q, 7), "a reload shows the same");
    assert_eq!(p.pieces, vec!["Қазақстанның астанасы — ", ", ең үлкен қаласы — ", "."]);
    assert_eq!(p.text, "Қазақстанның астанасы — _____, ең үлкен қаласы — _____.");
    assert_eq!((p.gaps[0].kind, p.gaps[0].options.len(), p.gaps[0].size), (GapKind::Short, 0, 15), "6 letters rounded up, and room");
    let mut shown = p.gaps[1].options.clone();
    shown.sort();
    assert_eq!(shown, vec!["Алматы", "Түркістан", "Шымкент"]);
    for (option, &i) in p.gaps[1].options.iter().zip(&p.gaps[1].order) {
        assert_eq!(Some(option.as_str()), ["", "", "Алматы", "Шымкент", "Түркістан"].get(i).copied(), "order names the answer across gaps");
    }
    let json = serde_json::to_string(&p).expect("serializable");
    assert!(!json.contains("Астана") && !json.contains("Ақмола") && !json.contains("Дұрыс") && !json.contains("share"), "{json}");
    assert!(!json.contains("SHORTANSWER") && !json.contains('='), "{json}");
    // Over seeds the right option is not always first.
    let firsts: std::collections::HashSet<usize> = (0..20).map(|s| present(&q, s).gaps[1].order[0]).collect();
    assert!(firsts.len() > 1);
}

#[test]
fn a_paper_names_gap_options_by_id_and_refuses_others() {
    let q = cloze(MOODLE_SAMPLE, 8);
    let ids = OptionIds { options: (0..named_options(&q)).map(|i| format!("x{i}")).collect(), right: Vec::new() };
    assert_eq!(ids.options.len(), 12);
    let sent = PaperAnswer::Gaps(vec![Some(GapPick::Choice("x2".into())), Some(GapPick::Text("Correct answer".into())), None]);
    let answer = sent.resolve(&ids).expect("known ids");
    assert_eq!(answer, Answer::Gaps(vec![Some(GapAnswer::Choice(2)), text("Correct answer"), None]));
    assert_eq!(PaperAnswer::of(&answer, &ids), sent, "shown again after a reload");
    let Answer::Gaps(gaps) = &answer else { unreachable!() };
    assert!(fits(&q, gaps));
    assert!(close(score(&q, &answer).points_awarded, 2.0));
    // An id of no option, a pick of another gap's option, text in a choice gap, too many gaps.
    assert_eq!(PaperAnswer::Gaps(vec![Some(GapPick::Choice("y2".into()))]).resolve(&ids), None);
    assert!(!fits(&q, &[Some(GapAnswer::Choice(5))]));
    assert!(!fits(&q, &[text("Correct answer")]));
    assert!(!fits(&q, &vec![None; 6]));
    assert!(!fits(&drag(), &[Some(GapAnswer::Choice(1))]), "fox is not offered in gap 1 (another group)");
    assert!(fits(&drag(), &[Some(GapAnswer::Choice(3)), Some(GapAnswer::Choice(4))]));
}

#[test]
fn drag_and_drop_offers_the_group_and_scores_the_share_of_gaps() {
    let q = drag();
    assert_eq!(q.validate(), Ok(()));
    let p = present(&q, 11);
    assert_eq!(p.text, "The _____ brown _____ jumped over the _____ dog.");
    assert!(p.options.is_empty(), "the choices are shown in the gaps only");
    let offered = |g: usize| {
        let mut o = p.gaps[g].order.clone();
        o.sort_unstable();
        o
    };
    assert_eq!((offered(0), offered(1), offered(2)), (vec![0, 2, 3], vec![1, 4], vec![0, 2, 3]));
    let pick = |c: &[usize]| Answer::Gaps(c.iter().map(|&i| Some(GapAnswer::Choice(i))).collect());
    assert_eq!(score(&q, &pick(&[0, 1, 2])).points_awarded, 3.0);
    assert_eq!(score(&q, &pick(&[0, 4, 2])).points_awarded, 2.0);
    assert_eq!(score(&q, &pick(&[2, 1, 0])).points_awarded, 1.0);
    // A choice that may be used once counts where it was put first; an unlimited one anywhere.
    let twice = Question { text: "[[1]] and [[1]]".into(), ..drag() };
    assert_eq!(score(&twice, &pick(&[0, 0])).points_awarded, 1.5);
    let unlimited = Question { unlimited: vec![true, false, false, false, false], ..twice };
    assert_eq!(score(&unlimited, &pick(&[0, 0])).points_awarded, 3.0);
    assert_eq!(review(&q, &[Some(GapAnswer::Choice(2)), None]).answer, vec!["1: lazy".to_string()], "an empty gap has no line");
    assert_eq!(
        review(&q, &[]).correct,
        vec!["1: quick", "2: fox", "3: dog"].into_iter().map(|s| s.replace("dog", "lazy")).collect::<Vec<_>>()
    );
}

#[test]
fn a_choice_used_twice_counts_once_unless_unlimited_and_the_paper_says_which_move() {
    // "lazy" (choice 2, group 1) put in gap 1, where "quick" belongs, then in gap 3, its place.
    let q = drag();
    let lazy_twice = vec![Some(GapAnswer::Choice(2)), Some(GapAnswer::Choice(1)), Some(GapAnswer::Choice(2))];
    // The server takes the answer (a page that moves choices never sends it, a forged one may)...
    assert!(fits(&q, &lazy_twice));
    // ...and scores the choice in the gap it was put in first only: fox alone counts.
    assert!(close(score(&q, &Answer::Gaps(lazy_twice.clone())).points_awarded, 1.0));
    assert_eq!(gap_shares(&q, &lazy_twice), vec![(0.0, 1), (1.0, 1), (0.0, 1)]);
    // An unlimited choice counts wherever it is right.
    let unlimited = Question { unlimited: vec![false, false, true, false, false], ..drag() };
    assert!(close(score(&unlimited, &Answer::Gaps(lazy_twice)).points_awarded, 2.0));
    // Two different single-use choices are no second use.
    let both = vec![Some(GapAnswer::Choice(0)), Some(GapAnswer::Choice(4)), Some(GapAnswer::Choice(2))];
    assert!(close(score(&q, &Answer::Gaps(both)).points_awarded, 2.0));

    // The page is told which choices to move, by the ids it sees (a choice's id is the same in
    // every gap that offers it); "unlimited" is not part of the key, but nothing else is added.
    let ids = OptionIds { options: (0..5).map(|i| format!("c{i}")).collect(), right: Vec::new() };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let paper = crate::exam::dto::PaperGap::of(&present(&q, 3).gaps, &ids.options);
    assert_eq!(sorted(paper[0].single_use.clone()), vec!["c0", "c2", "c3"]);
    assert_eq!(sorted(paper[1].single_use.clone()), vec!["c1", "c4"]);
    let paper = crate::exam::dto::PaperGap::of(&present(&unlimited, 3).gaps, &ids.options);
    assert_eq!(sorted(paper[2].single_use.clone()), vec!["c0", "c3"], "lazy may be used again");
    // Embedded answers' gaps have options of their own: nothing moves.
    let c = cloze("{1:MC:=a~b} {1:MC:=a~b}", 2);
    assert!(present(&c, 1).gaps.iter().all(|g| g.single_use.is_empty()));
}

#[test]
fn drag_and_drop_problems() {
    let err = |q: &Question| validate(q).unwrap_err();
    assert_eq!(err(&Question { text: "No gaps".into(), ..drag() }), GapError { gap: 0, problem: Msg::ErrGapNone });
    assert_eq!(err(&Question { text: "[[1]] [[6]]".into(), ..drag() }), GapError { gap: 2, problem: Msg::ErrGapUnknownChoice });
    assert_eq!(err(&Question { groups: vec![1, 2], ..drag() }).problem, Msg::ErrGapGroup);
    assert_eq!(err(&Question { groups: vec![1, 2, 1, 1, 21], ..drag() }).problem, Msg::ErrGapGroup);
    assert_eq!(err(&Question { options: vec![], ..drag() }).problem, Msg::ErrExamTooFewOptions);
    let same = Question { options: ["a", "b", "a", "d", "e"].iter().map(|s| s.to_string()).collect(), ..drag() };
    assert_eq!(err(&same).problem, Msg::ErrExamDuplicateOption);
    // The same word in two groups is fine; `[[x]]` and `[[]]` are text.
    let apart = Question { options: ["a", "a", "c", "d", "e"].iter().map(|s| s.to_string()).collect(), ..drag() };
    assert_eq!(apart.validate(), Ok(()));
    assert_eq!(parse_drag_text("[[x]] [[]] [[2]]", 2).expect("one gap").1, vec![1]);
}

#[test]
fn the_editor_form_round_trips_gap_questions() {
    use crate::exam::editor::{DragRow, QuestionForm};
    let q = Question { unlimited: vec![false, true, false, false, false], ..drag() };
    let form = QuestionForm::of(&q);
    assert_eq!(form.drag_choices[1], DragRow { text: "fox".into(), group: "2".into(), unlimited: true });
    assert_eq!(form.to_question(), Ok(q));
    let mut bad = form.clone();
    bad.drag_choices[0].group = "бір".into();
    assert_eq!(bad.to_question(), Err(("answers", Msg::ErrGapGroup)));
    let c = cloze(MOODLE_SAMPLE, 8);
    assert_eq!(QuestionForm::of(&c).to_question(), Ok(c));
    let broken = cloze("{1:MC:a~b}", 1);
    assert_eq!(crate::exam::editor::field_of(&broken, broken.validate().unwrap_err()), "text");
}

#[test]
fn the_review_shows_each_gap_and_hides_the_answers_in_the_text() {
    let q = cloze("Астана {1:SA:=Астана#Иә} {1:MC:=Алматы#Дұрыс~Шымкент#Жоқ}", 2);
    let r = crate::exam::review::review_question(
        1,
        &q,
        5,
        Some(&Answer::Gaps(vec![text("астана"), Some(GapAnswer::Choice(2))])),
        None,
        crate::exam::review::Shown::ALL,
    );
    assert_eq!(r.text, "Астана _____ _____");
    assert_eq!(r.answer, Some(vec!["1: астана".to_string(), "2: Шымкент".to_string()]));
    assert_eq!(r.correct, Some(vec!["1: Астана".to_string(), "2: Алматы".to_string()]));
    assert_eq!(r.feedback, vec!["1: Иә".to_string(), "2: Жоқ".to_string()]);
    assert_eq!(r.awarded, Some(1.0));
    assert_eq!(r.outcome, Some(crate::exam::review::Outcome::Partial));
}

/// Moodle XML -> Talap -> Moodle XML per kind: the documentation's cloze and a ddwtos as
/// Moodle 4 writes them read in, write out and read back the same.
#[cfg(feature = "ssr")]
#[test]
fn moodle_xml_round_trip_of_gap_kinds() {
    use crate::exam::moodle_xml::{parse_moodle_xml, write_moodle_xml};
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Gaps</text></category></question>
  <question type="cloze">
    <name><text>Cloze sample</text></name>
    <questiontext format="html"><text><![CDATA[<p>{}</p>]]></text></questiontext>
    <generalfeedback format="html"><text>See the text book.</text></generalfeedback>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <idnumber></idnumber>
  </question>
  <question type="ddwtos">
    <name><text>Fox</text></name>
    <questiontext format="html"><text><![CDATA[<p>The [[1]] brown [[2]] jumped over the [[3]] dog.</p>]]></text></questiontext>
    <generalfeedback format="html"><text></text></generalfeedback>
    <defaultgrade>3</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <shuffleanswers>1</shuffleanswers>
    <dragbox><text>quick</text><group>1</group></dragbox>
    <dragbox><text>fox</text><group>2</group><infinite/></dragbox>
    <dragbox><text>lazy</text><group>1</group></dragbox>
    <dragbox><text>slow</text><group>1</group></dragbox>
    <dragbox><text>cat</text><group>2</group></dragbox>
  </question>
</quiz>
"#,
        "Only one line: {1:SHORTANSWER:=Berlin#Yes~%50%Bonn} and {2:MC:=A~B} and {1:NM:=3:0.5}"
    );
    let questions = parse_moodle_xml(&xml).expect("imports");
    assert_eq!(questions.len(), 2);
    let (c, d) = (&questions[0], &questions[1]);
    assert_eq!((c.kind, c.topic.as_str(), c.points, c.general_feedback.as_str()), (QuestionKind::Cloze, "Gaps", 1, "See the text book."));
    assert_eq!(c.text, "Only one line: {1:SHORTANSWER:=Berlin#Yes~%50%Bonn} and {2:MC:=A~B} and {1:NM:=3:0.5}");
    assert_eq!(d, &Question { topic: "Gaps".into(), unlimited: vec![false, true, false, false, false], ..drag() });
    let written = write_moodle_xml(&questions, &Default::default());
    assert!(written.contains("<question type=\"cloze\">") && written.contains("<question type=\"ddwtos\">"), "{written}");
    assert!(written.contains("<dragbox><text>fox</text><group>2</group><infinite/></dragbox>"), "{written}");
    assert_eq!(parse_moodle_xml(&written).expect("reads back"), questions);
    // A broken gap is refused at its question's line.
    let broken = "<quiz>\n<question type=\"cloze\">\n<questiontext><text>{1:MC:a~b}</text></questiontext>\n</question>\n</quiz>";
    assert_eq!(parse_moodle_xml(broken), Err(vec![crate::exam::model::ImportError { line: 2, problem: Msg::ErrGapNoCorrect }]));
}

#[cfg(feature = "ssr")]
#[test]
fn the_spreadsheet_export_leaves_gap_questions_to_moodle_xml() {
    // Their text holds the key in a syntax the template has no columns for.
    use calamine::Reader;
    let bytes = crate::exam::import::bank_xlsx(&[cloze("{1:SA:=a}", 1), drag()], crate::i18n::Locale::En);
    assert_eq!(
        crate::exam::import::parse_xlsx(&bytes),
        Err(vec![crate::exam::model::ImportError { line: 0, problem: Msg::ErrImportFileEmpty }])
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
    let names = book.sheet_names();
    let notes = book.worksheet_range(&names[1]).expect("the sheet of questions left out");
    let reasons: Vec<String> = notes.rows().skip(1).map(|r| r[2].to_string()).collect();
    assert_eq!(reasons, vec![Msg::ExamExportGapsInXml.text(crate::i18n::Locale::En).to_string(); 2]);
}

fn ticks(options: &[usize]) -> Option<GapAnswer> {
    Some(GapAnswer::Choices(options.to_vec()))
}

/// Moodle's multiple response gaps: checkboxes; the right answers' shares scaled to add up to
/// 100%, each wrong one taking away as much as a right one gives unless shares are written; a
/// gap earns the ticked answers' shares added up, between 0 and 100%.
#[test]
fn multiple_response_gaps_score_as_moodle_scores_them() {
    let text = "Жай сандар: {2:MULTIRESPONSE:=2#иә~=3~4#жұп~=5}, дауыстылар: {1:MRH:%50%a~%50%b~%-100%c~d}, {1:MRS:=x~%50%y~z}.";
    let c = parse_cloze(text).expect("reads");
    let kinds: Vec<GapKind> = c.gaps.iter().map(|g| g.kind).collect();
    assert_eq!(kinds, vec![GapKind::Checkboxes, GapKind::CheckboxesRow, GapKind::Checkboxes]);
    let shares = |g: usize| c.gaps[g].answers.iter().map(|a| (a.share * 1e6).round() / 1e6).collect::<Vec<_>>();
    assert_eq!(shares(0), vec![0.333333, 0.333333, -0.333333, 0.333333], "no shares written: a wrong one cancels a right one");
    assert_eq!(shares(1), vec![0.5, 0.5, -1.0, 0.0], "shares as written");
    assert_eq!(shares(2), vec![0.666667, 0.333333, 0.0], "the right ones scaled to 100%");
    assert_eq!(cloze(text, 4).validate(), Ok(()));

    let q = cloze(text, 4);
    let points = |gaps: Vec<Option<GapAnswer>>| score(&q, &Answer::Gaps(gaps)).points_awarded;
    assert!(close(points(vec![ticks(&[0, 1, 3]), ticks(&[4, 5]), ticks(&[8, 9])]), 4.0));
    // 2/3 of gap 1 (weight 2), gap 2 clamped at 0 (50 + 50 − 100), 2/3 of gap 3.
    assert!(close(points(vec![ticks(&[0, 1, 2, 3]), ticks(&[4, 5, 6]), ticks(&[8])]), 2.0));
    assert!(close(points(vec![ticks(&[2]), ticks(&[6, 7]), ticks(&[10])]), 0.0), "never below 0");
    assert!(close(points(vec![ticks(&[3, 1]), None, ticks(&[])]), 4.0 / 3.0), "the order ticked does not matter");

    // What the page may send: ticks of the gap's own options, each once.
    assert!(fits(&q, &[ticks(&[0, 3]), ticks(&[4]), ticks(&[])]));
    assert!(!fits(&q, &[Some(GapAnswer::Choice(0))]), "one pick is not a multiple response");
    assert!(!fits(&q, &[ticks(&[4])]), "another gap's option");
    assert!(!fits(&q, &[ticks(&[0, 0])]));
    assert!(!fits(&cloze("{1:MC:=a~b}", 1), &[ticks(&[0])]), "ticks in a drop-down");

    // The candidate gets checkboxes without shares; the paper names them by id both ways.
    let p = present(&q, 3);
    assert_eq!((p.gaps[0].kind.code(), p.gaps[1].kind.code()), ("checkboxes", "checkboxes-row"));
    let mut shown = p.gaps[0].options.clone();
    shown.sort();
    assert_eq!(shown, vec!["2", "3", "4", "5"]);
    let json = serde_json::to_string(&p).expect("serializable");
    assert!(!json.contains("share") && !json.contains("иә") && !json.contains("MULTIRESPONSE"), "{json}");
    let ids = OptionIds { options: (0..named_options(&q)).map(|i| format!("x{i}")).collect(), right: Vec::new() };
    let sent = PaperAnswer::Gaps(vec![Some(GapPick::Choices(vec!["x3".into(), "x0".into()])), None]);
    let answer = sent.resolve(&ids).expect("known ids");
    assert_eq!(answer, Answer::Gaps(vec![ticks(&[3, 0]), None]));
    assert_eq!(PaperAnswer::of(&answer, &ids), sent, "shown again after a reload");
    assert_eq!(PaperAnswer::Gaps(vec![Some(GapPick::Choices(vec!["x0".into(), "y".into()]))]).resolve(&ids), None);

    // The review: what was ticked, every right answer, the feedback of the ticked ones.
    let r = review(&q, &[ticks(&[0, 2]), None, ticks(&[9])]);
    assert_eq!(r.answer, vec!["1: 2, 4", "3: y"]);
    assert_eq!(r.correct, vec!["1: 2, 3, 5", "2: a, b", "3: x, y"]);
    assert_eq!(r.feedback, vec!["1: иә; жұп"]);
}
