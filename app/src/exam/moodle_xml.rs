//! Moodle XML, the format Moodle's question bank exports and imports ("Moodle XML format"): the
//! file a teacher brings from Moodle with their whole bank in it.
//!
//! ```xml
//! <quiz>
//!   <question type="category"><category><text>$course$/top/Физика</text></category></question>
//!   <question type="multichoice">
//!     <name><text>Q1</text></name>
//!     <questiontext format="html"><text><![CDATA[<p>Қазақстанның астанасы?</p>]]></text></questiontext>
//!     <defaultgrade>1.0000000</defaultgrade>
//!     <single>true</single>
//!     <answer fraction="100" format="html"><text>Астана</text></answer>
//!     <answer fraction="0" format="html"><text>Алматы</text></answer>
//!   </question>
//! </quiz>
//! ```
//!
//! | Moodle type   | here                                                                        |
//! |---------------|-----------------------------------------------------------------------------|
//! | `category`    | the topic of the questions after it: the path's last part (as GIFT's `$CATEGORY`) |
//! | `multichoice` | single choice (`<single>true`) or multiple response, with the answers' fractions as weights when they are not the plain one right answer |
//! | `truefalse`   | single choice between "Дұрыс / Верно" and "Қате / Неверно"                   |
//! | `shortanswer` | short answer with each answer's fraction, and `<usecase>` as case-sensitivity; an answer worth 0% only carries feedback and is left out |
//! | `numerical`   | short answer with a number, each answer with its tolerance and fraction, and its units (see [`super::units_xml`]) |
//! | `matching`    | matching; a subquestion with an empty text is a right item nobody matches    |
//! | `ordering`    | ordering (Moodle's ordering plugin keeps the items in the right order too)    |
//! | `essay`       | essay                                                                       |
//! | `cloze`       | embedded answers (Moodle's `multianswer`): the text with its gaps, as written |
//! | `ddwtos`      | drag and drop into text: `<dragbox>`es as choices with their group and `<infinite/>` |
//! | `calculated`, `calculatedsimple` | calculated, see [`super::calculated_xml`]                |
//!
//! `<defaultgrade>` is the points (a whole number from 1 to 100 here). Texts in the `html`
//! format are read as text (tags removed, entities decoded). Each kept answer's `<feedback>` and
//! the question's `<generalfeedback>` are kept (a candidate sees them after the attempt as the
//! exam's review options allow); hints, penalties, combined feedback, names and tags are not.
//! The question text's picture (`<img src="@@PLUGINFILE@@/…">` with its `<file>`) becomes the
//! question's picture, checked as an uploaded one; see [`super::moodle_pictures`] for a second
//! picture (left out, and said) and for the pictures that refuse their question.
//!
//! Refused, at the `<question>`'s line, rather than imported differently from Moodle: the types
//! not built yet (calculated multiple choice, random, description), pictures and embedded files
//! anywhere but the question text, wildcards (`*`) in short answers, and fractional points.
//! The whole file is refused when any question is, as for GIFT.

use super::model::{ImportError, Question, QuestionKind};
use super::moodle_node::{answer_feedback, escape, fraction, percent, read_tree, Node};
use super::moodle_pictures::{read_question_text, QuestionText};
use super::question_files::{
    both_languages, html_to_text, is_full, option_share, settle_feedback, settle_short, topic_of_category, without_wildcard, Collected,
    Imported,
};
use crate::docs::sheet::number_text;
use crate::i18n::Msg;
use std::collections::HashMap;

/// Reads a Moodle XML export's questions (see the module's documentation); [`read_moodle_xml`]
/// gives their pictures too.
pub fn parse_moodle_xml(xml: &str) -> Result<Vec<Question>, Vec<ImportError>> {
    read_moodle_xml(xml).map(|file| file.questions)
}

/// Reads a Moodle XML export: the questions, the picture of each, and the notes of what was
/// left out (see the module's documentation).
pub fn read_moodle_xml(xml: &str) -> Result<Imported, Vec<ImportError>> {
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let document = read_tree(xml).map_err(|e| vec![e])?;
    let Some(quiz) = document.child("quiz") else {
        return Err(vec![ImportError { line: 1, problem: Msg::ErrImportUnknownSyntax }]);
    };
    let mut out = Collected::default();
    let mut topic = String::new();
    for node in quiz.all("question") {
        if out.too_much() {
            break;
        }
        let kind = node.attribute("type").unwrap_or("");
        if kind == "category" {
            let path = node.child("category").map_or("", |c| c.value("text"));
            topic = topic_of_category(path);
            continue;
        }
        match question(node, kind) {
            Ok((q, QuestionText { picture, dropped, .. })) => {
                if dropped {
                    out.note(node.line, Msg::ImportExtraPicturesDropped);
                }
                out.question_with_picture(node.line, Question { topic: topic.clone(), ..q }, picture);
            }
            Err(problem) => out.error(node.line, problem),
        }
    }
    out.finish_imported()
}

/// One `<question>` of a kind other than a category, with what its text held besides the text.
fn question(node: &Node, kind: &str) -> Result<(Question, QuestionText), Msg> {
    let mut text = read_question_text(node.child("questiontext"))?;
    let points = match node.value("defaultgrade") {
        "" => 1,
        grade => {
            let grade = grade.parse::<f64>().map_err(|_| Msg::ErrExamPointsInvalid)?;
            if grade.fract().abs() > 1e-9 || !(1.0..=f64::from(super::model::MAX_POINTS)).contains(&grade) {
                return Err(Msg::ErrExamPointsInvalid);
            }
            grade as u32
        }
    };
    let answers = || node.all("answer");
    let mut q = match kind {
        "multichoice" => {
            let single = matches!(node.value("single"), "true" | "1");
            let mut q = Question::new(if single { QuestionKind::Single } else { QuestionKind::Multiple }, "");
            for answer in answers() {
                q.options.push(answer.formatted()?);
                q.weights.push(fraction(answer)?);
                q.feedback.push(answer_feedback(answer)?);
            }
            let correct: Vec<usize> =
                (0..q.weights.len()).filter(|&i| if single { is_full(q.weights[i]) } else { q.weights[i] > 0.0 }).collect();
            if correct.is_empty() {
                return Err(if single { Msg::ErrExamWeightsNeedFull } else { Msg::ErrImportNoCorrectAnswer });
            }
            let plain = single && correct.len() == 1 && q.weights.iter().all(|&w| w == 0.0 || is_full(w));
            if plain {
                q.weights.clear();
            }
            q.correct = correct;
            q
        }
        "truefalse" => {
            let mut truth = None;
            // Feedback for "true", then for "false", as the options are.
            let mut feedback = vec![String::new(), String::new()];
            for answer in answers() {
                let says_true = answer.value("text").eq_ignore_ascii_case("true");
                if is_full(fraction(answer)?) {
                    truth = Some(says_true);
                }
                feedback[usize::from(!says_true)] = answer_feedback(answer)?;
            }
            let truth = truth.ok_or(Msg::ErrImportNoCorrectAnswer)?;
            Question {
                options: vec![both_languages(Msg::ExamTrue), both_languages(Msg::ExamFalse)],
                correct: vec![if truth { 0 } else { 1 }],
                feedback,
                ..Question::new(QuestionKind::Single, "")
            }
        }
        "shortanswer" => {
            let mut q = Question::new(QuestionKind::Short, "");
            q.case_sensitive = matches!(node.value("usecase"), "1" | "true");
            for answer in answers() {
                let share = fraction(answer)?;
                if share <= 0.0 {
                    continue;
                }
                q.accepted.push(without_wildcard(&answer.formatted()?)?);
                q.weights.push(share);
                q.feedback.push(answer_feedback(answer)?);
            }
            settle_short(&mut q)?;
            q
        }
        "numerical" => {
            let mut q = Question::new(QuestionKind::Short, "");
            for answer in answers() {
                let share = fraction(answer)?;
                // "*" is Moodle's "any other answer", for its feedback.
                if share <= 0.0 || answer.value("text") == "*" {
                    continue;
                }
                let value = super::model::parse_number(answer.value("text")).ok_or(Msg::ErrImportUnknownSyntax)?;
                let tolerance = match answer.value("tolerance") {
                    "" => 0.0,
                    t => super::model::parse_number(t).filter(|t| *t >= 0.0).ok_or(Msg::ErrExamToleranceInvalid)?,
                };
                q.accepted.push(number_text(value));
                q.tolerances.push(tolerance);
                q.weights.push(share);
                q.feedback.push(answer_feedback(answer)?);
            }
            settle_short(&mut q)?;
            q.units = super::units_xml::import(node)?;
            q
        }
        "matching" => {
            let mut q = Question::new(QuestionKind::Matching, "");
            for pair in node.all("subquestion") {
                let left = pair.formatted()?;
                let right = pair.child("answer").map_or("", |a| a.value("text")).to_string();
                let index = q.right.iter().position(|r| *r == right).unwrap_or_else(|| {
                    q.right.push(right);
                    q.right.len() - 1
                });
                if !left.is_empty() {
                    q.options.push(left);
                    q.correct.push(index);
                }
            }
            q
        }
        "ordering" => {
            // The plugin writes each item's place in the right order as its "fraction".
            let mut items = Vec::new();
            for answer in answers() {
                let place = answer.attribute("fraction").and_then(|f| f.trim().parse::<f64>().ok()).unwrap_or(0.0);
                items.push((place, answer.formatted()?));
            }
            items.sort_by(|a, b| a.0.total_cmp(&b.0));
            Question { options: items.into_iter().map(|(_, item)| item).collect(), ..Question::new(QuestionKind::Ordering, "") }
        }
        "essay" => Question::new(QuestionKind::Essay, ""),
        // Embedded answers: the gaps are in the text, read (and checked) from there.
        "cloze" => Question::new(QuestionKind::Cloze, ""),
        "ddwtos" => {
            let mut q = Question::new(QuestionKind::DragText, "");
            for choice in node.all("dragbox") {
                q.options.push(html_to_text(choice.value("text")));
                q.groups.push(choice.value("group").parse::<u32>().map_err(|_| Msg::ErrGapGroup)?);
                q.unlimited.push(choice.child("infinite").is_some());
            }
            if q.groups.iter().all(|&g| g == 1) {
                q.groups.clear();
            }
            if q.unlimited.iter().all(|u| !u) {
                q.unlimited.clear();
            }
            q
        }
        "calculated" | "calculatedsimple" => super::calculated_xml::import(node)?,
        _ => return Err(Msg::ErrImportUnsupportedKind),
    };
    q.text = std::mem::take(&mut text.text);
    q.points = points;
    q.general_feedback = node.child("generalfeedback").map(Node::formatted).transpose()?.unwrap_or_default();
    settle_feedback(&mut q);
    Ok((q, text))
}

/// A bank as Moodle XML, for Moodle or another Talap: one `category` a topic, then its
/// questions. Texts are written as `plain_text`, as they are kept here. Short answers whose
/// accepted answers are all numbers become `numerical` (with their tolerances and units), the
/// others `shortanswer`. Multiple choice without weights gets the fractions that score it as
/// [`score`](super::model::score) does: each correct option 1/n of the points, each wrong one
/// −1/n. A question's picture, its bytes found in `pictures` by its media key, goes inside the
/// file as Moodle writes one ([`super::moodle_pictures::question_text`]).
pub fn write_moodle_xml(questions: &[Question], pictures: &HashMap<String, Vec<u8>>) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut topic: Option<&str> = None;
    for q in questions {
        if topic != Some(q.topic.as_str()) {
            topic = Some(q.topic.as_str());
            let path = if q.topic.is_empty() { "$course$/top".to_string() } else { format!("$course$/top/{}", q.topic) };
            out.push_str(&format!(
                "  <question type=\"category\">\n    <category><text>{}</text></category>\n  </question>\n",
                escape(&path)
            ));
        }
        write_question(&mut out, q, pictures);
    }
    out.push_str("</quiz>\n");
    out
}

fn write_question(out: &mut String, q: &Question, pictures: &HashMap<String, Vec<u8>>) {
    let numeric = q.kind == QuestionKind::Short && q.accepted.iter().all(|a| super::model::parse_number(a).is_some());
    let kind = match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => "multichoice",
        QuestionKind::Short if numeric => "numerical",
        QuestionKind::Short => "shortanswer",
        QuestionKind::Matching => "matching",
        QuestionKind::Ordering => "ordering",
        QuestionKind::Essay => "essay",
        QuestionKind::Cloze => "cloze",
        QuestionKind::DragText => "ddwtos",
        QuestionKind::Calculated => "calculated",
    };
    // Moodle needs a name: the text's start, as Moodle's own GIFT import does.
    let name: String = q.text.chars().take(60).collect();
    out.push_str(&format!("  <question type=\"{kind}\">\n    <name><text>{}</text></name>\n", escape(name.trim())));
    match q.image.as_deref().and_then(|key| Some((key, pictures.get(key)?))) {
        Some((key, bytes)) => out.push_str(&super::moodle_pictures::question_text(&q.text, key, bytes)),
        None => out.push_str(&format!("    <questiontext format=\"plain_text\"><text>{}</text></questiontext>\n", escape(&q.text))),
    }
    if !q.general_feedback.is_empty() {
        out.push_str(&format!(
            "    <generalfeedback format=\"plain_text\"><text>{}</text></generalfeedback>\n",
            escape(&q.general_feedback)
        ));
    }
    out.push_str(&format!("    <defaultgrade>{}</defaultgrade>\n", q.points));
    // The answer's own feedback (the i-th of the question's) goes inside it.
    let answer = |out: &mut String, share: f64, text: &str, i: Option<usize>, extra: &str| {
        let feedback = match i.and_then(|i| q.feedback.get(i)).filter(|f| !f.is_empty()) {
            Some(f) => format!("<feedback format=\"plain_text\"><text>{}</text></feedback>", escape(f)),
            None => String::new(),
        };
        out.push_str(&format!(
            "    <answer fraction=\"{}\" format=\"plain_text\"><text>{}</text>{extra}{feedback}</answer>\n",
            percent(share),
            escape(text)
        ));
    };
    match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            let single = q.kind == QuestionKind::Single;
            out.push_str(&format!("    <single>{single}</single>\n    <shuffleanswers>true</shuffleanswers>\n"));
            for (i, option) in q.options.iter().enumerate() {
                answer(out, option_share(q, i), option, Some(i), "");
            }
        }
        QuestionKind::Short => {
            if !numeric {
                out.push_str(&format!("    <usecase>{}</usecase>\n", u8::from(q.case_sensitive)));
            }
            for (i, accepted) in q.accepted.iter().enumerate() {
                let share = q.weights.get(i).copied().unwrap_or(1.0);
                // A text answer is matched as written; "*" would be a wildcard in Moodle.
                if numeric {
                    let tolerance = q.tolerances.get(i).copied().or(q.tolerance).unwrap_or(0.0);
                    answer(out, share, accepted, Some(i), &format!("<tolerance>{tolerance}</tolerance>"));
                } else {
                    answer(out, share, &accepted.replace('*', "\\*"), Some(i), "");
                }
            }
            if let Some(units) = q.units.as_ref().filter(|_| numeric) {
                super::units_xml::write(out, units);
            }
        }
        QuestionKind::Matching => {
            out.push_str("    <shuffleanswers>true</shuffleanswers>\n");
            let mut matched = vec![false; q.right.len()];
            for (left, &right) in q.options.iter().zip(&q.correct) {
                matched[right] = true;
                out.push_str(&format!(
                    "    <subquestion format=\"plain_text\"><text>{}</text><answer><text>{}</text></answer></subquestion>\n",
                    escape(left),
                    escape(&q.right[right])
                ));
            }
            // Right items nobody matches are Moodle's subquestions without a text.
            for (right, _) in q.right.iter().zip(matched).filter(|(_, m)| !m) {
                out.push_str(&format!(
                    "    <subquestion format=\"plain_text\"><text></text><answer><text>{}</text></answer></subquestion>\n",
                    escape(right)
                ));
            }
        }
        QuestionKind::Ordering => {
            // The ordering plugin keeps each item's place as its fraction.
            for (place, item) in q.options.iter().enumerate() {
                answer(out, (place + 1) as f64 / 100.0, item, None, "");
            }
        }
        QuestionKind::Essay => out.push_str("    <responseformat>plain</responseformat>\n"),
        // The gaps and their answers are in the text already.
        QuestionKind::Cloze => {}
        QuestionKind::DragText => {
            out.push_str("    <shuffleanswers>1</shuffleanswers>\n");
            for (i, choice) in q.options.iter().enumerate() {
                let infinite = if q.unlimited.get(i).copied().unwrap_or(false) { "<infinite/>" } else { "" };
                out.push_str(&format!(
                    "    <dragbox><text>{}</text><group>{}</group>{infinite}</dragbox>\n",
                    escape(choice),
                    super::gaps::group_of(q, i)
                ));
            }
        }
        QuestionKind::Calculated => super::calculated_xml::write(out, q),
    }
    out.push_str("  </question>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::model::{score, Answer};

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn err(line: usize, problem: Msg) -> ImportError {
        ImportError { line, problem }
    }

    /// A bank as Moodle 4 exports it (names, feedback and settings trimmed where they do not
    /// matter), one question of each kind both systems have.
    const BANK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
<!-- question: 0  -->
  <question type="category">
    <category>
      <text>$course$/top/География</text>
    </category>
  </question>
  <question type="multichoice">
    <name><text>Астана</text></name>
    <questiontext format="html">
      <text><![CDATA[<p>Қазақстанның астанасы қай қала?</p>]]></text>
    </questiontext>
    <generalfeedback format="html"><text><![CDATA[<p>Астана &mdash; 1997 жылдан бері.</p>]]></text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <penalty>0.3333333</penalty>
    <hidden>0</hidden>
    <single>true</single>
    <shuffleanswers>true</shuffleanswers>
    <answernumbering>abc</answernumbering>
    <answer fraction="100" format="html"><text><![CDATA[<p>Астана</p>]]></text><feedback format="html"><text>Дұрыс!</text></feedback></answer>
    <answer fraction="50" format="html"><text>Алматы</text></answer>
    <answer fraction="0" format="html"><text>Шымкент &amp; Тараз</text></answer>
  </question>
  <question type="multichoice">
    <name><text>Grant's tomb</text></name>
    <questiontext format="moodle_auto_format"><text>What two people are entombed in Grant's tomb?</text></questiontext>
    <defaultgrade>1</defaultgrade>
    <single>false</single>
    <answer fraction="-100"><text>No one</text></answer>
    <answer fraction="50"><text>Grant</text></answer>
    <answer fraction="50"><text>Grant's wife</text></answer>
    <answer fraction="-100"><text>Grant's father</text></answer>
  </question>
  <question type="truefalse">
    <name><text>Жер</text></name>
    <questiontext format="html"><text>Жер Күнді айнала қозғалады.</text></questiontext>
    <answer fraction="0" format="moodle_auto_format"><text>true</text></answer>
    <answer fraction="100" format="moodle_auto_format"><text>false</text></answer>
  </question>
  <question type="category">
    <category><text>$course$/top/География/Реки</text></category>
  </question>
  <question type="shortanswer">
    <name><text>Река</text></name>
    <questiontext format="html"><text>Самая длинная река Казахстана?</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100" format="moodle_auto_format"><text>Иртыш</text></answer>
    <answer fraction="50" format="moodle_auto_format"><text>Ертіс</text></answer>
    <answer fraction="0" format="moodle_auto_format"><text>Сырдарья</text><feedback><text>Нет</text></feedback></answer>
  </question>
  <question type="numerical">
    <name><text>Grant</text></name>
    <questiontext format="html"><text>When was Ulysses S. Grant born?</text></questiontext>
    <answer fraction="100"><text>1822</text><tolerance>0</tolerance></answer>
    <answer fraction="50"><text>1822</text><tolerance>2</tolerance></answer>
    <answer fraction="0"><text>*</text><tolerance>0</tolerance></answer>
    <unitgradingtype>0</unitgradingtype>
    <units></units>
  </question>
  <question type="matching">
    <name><text>Авторы</text></name>
    <questiontext format="html"><text>Сәйкестендіріңіз</text></questiontext>
    <shuffleanswers>true</shuffleanswers>
    <subquestion format="html"><text>Абай</text><answer><text>Қара сөздер</text></answer></subquestion>
    <subquestion format="html"><text>Әуезов</text><answer><text>Абай жолы</text></answer></subquestion>
    <subquestion format="html"><text></text><answer><text>Война и мир</text></answer></subquestion>
  </question>
  <question type="ordering">
    <name><text>Порядок</text></name>
    <questiontext format="html"><text>Расположите по возрастанию</text></questiontext>
    <answer fraction="2.0000000" format="moodle_auto_format"><text>два</text></answer>
    <answer fraction="1.0000000" format="moodle_auto_format"><text>один</text></answer>
    <answer fraction="3.0000000" format="moodle_auto_format"><text>три</text></answer>
  </question>
  <question type="essay">
    <name><text>Эссе</text></name>
    <questiontext format="html"><text>&lt;p&gt;Абай туралы эссе жазыңыз.&lt;/p&gt;</text></questiontext>
    <defaultgrade>10</defaultgrade>
    <responseformat>editor</responseformat>
  </question>
</quiz>
"#;

    fn tomb_has_no_feedback(q: &Question) -> bool {
        q.feedback.is_empty() && q.general_feedback.is_empty()
    }

    #[test]
    fn a_moodle_bank_imports_as_moodle_has_it() {
        let q = parse_moodle_xml(BANK).expect("valid");
        let kinds: Vec<(QuestionKind, &str)> = q.iter().map(|q| (q.kind, q.topic.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (QuestionKind::Single, "География"),
                (QuestionKind::Multiple, "География"),
                (QuestionKind::Single, "География"),
                (QuestionKind::Short, "Реки"),
                (QuestionKind::Short, "Реки"),
                (QuestionKind::Matching, "Реки"),
                (QuestionKind::Ordering, "Реки"),
                (QuestionKind::Essay, "Реки"),
            ]
        );
        let points = |q: &Question, answer: Answer| score(q, &answer).points_awarded;

        let capital = &q[0];
        assert_eq!((capital.text.as_str(), capital.points), ("Қазақстанның астанасы қай қала?", 2));
        assert_eq!(capital.options, strings(&["Астана", "Алматы", "Шымкент & Тараз"]));
        assert_eq!((capital.correct.clone(), capital.weights.clone()), (vec![0], vec![1.0, 0.5, 0.0]));
        assert_eq!(points(capital, Answer::Choice(vec![1])), 1.0, "half of 2 points");
        assert_eq!(capital.feedback, strings(&["Дұрыс!", "", ""]), "an answer's feedback, in the options' order");
        assert_eq!(capital.general_feedback, "Астана — 1997 жылдан бері.");
        assert!(tomb_has_no_feedback(&q[1]));

        let tomb = &q[1];
        assert_eq!((tomb.correct.clone(), tomb.weights.clone()), (vec![1, 2], vec![-1.0, 0.5, 0.5, -1.0]));
        assert_eq!(points(tomb, Answer::Choice(vec![1, 2])), 1.0);
        assert_eq!(points(tomb, Answer::Choice(vec![0, 1])), 0.0);

        assert_eq!((q[2].options.clone(), q[2].correct.clone()), (strings(&["Дұрыс / Верно", "Қате / Неверно"]), vec![1]));

        let river = &q[3];
        assert_eq!(
            (river.accepted.clone(), river.weights.clone(), river.case_sensitive),
            (strings(&["Иртыш", "Ертіс"]), vec![1.0, 0.5], true)
        );
        assert_eq!(points(river, Answer::Text("Иртыш".into())), 1.0);
        assert_eq!(points(river, Answer::Text("иртыш".into())), 0.0, "case-sensitive as in Moodle");
        assert_eq!(points(river, Answer::Text("Ертіс".into())), 0.5);

        let grant = &q[4];
        assert_eq!((grant.accepted.clone(), grant.tolerances.clone()), (strings(&["1822", "1822"]), vec![0.0, 2.0]));
        assert_eq!(points(grant, Answer::Text("1821".into())), 0.5);

        let authors = &q[5];
        assert_eq!(authors.options, strings(&["Абай", "Әуезов"]));
        assert_eq!((authors.right.clone(), authors.correct.clone()), (strings(&["Қара сөздер", "Абай жолы", "Война и мир"]), vec![0, 1]));

        assert_eq!(q[6].options, strings(&["один", "два", "три"]), "items in their right order");
        assert_eq!((q[7].text.as_str(), q[7].points), ("Абай туралы эссе жазыңыз.", 10));
    }

    #[test]
    fn what_cannot_be_imported_as_in_moodle_is_refused_at_its_line() {
        let file = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="random">
    <questiontext format="html"><text>0</text></questiontext>
  </question>
  <question type="multichoice">
    <questiontext format="html"><text><![CDATA[<p>Карта <img src="@@PLUGINFILE@@/map.png"></p>]]></text></questiontext>
    <single>true</single>
    <answer fraction="100"><text>а</text></answer><answer fraction="0"><text>б</text></answer>
  </question>
  <question type="shortanswer">
    <questiontext format="html"><text>Окончание?</text></questiontext>
    <answer fraction="100"><text>*ция</text></answer>
  </question>
  <question type="essay">
    <questiontext format="html"><text>Половина балла</text></questiontext>
    <defaultgrade>0.5</defaultgrade>
  </question>
  <question type="multichoice">
    <questiontext format="html"><text>Сумма не 100%</text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>а</text></answer><answer fraction="20"><text>б</text></answer>
  </question>
  <question type="essay">
    <questiontext format="html"><text>Хороший</text></questiontext>
  </question>
</quiz>
"#;
        assert_eq!(
            parse_moodle_xml(file),
            Err(vec![
                err(3, Msg::ErrImportUnsupportedKind),
                err(6, Msg::ErrImportPictureMissing),
                err(11, Msg::ErrImportWildcard),
                err(15, Msg::ErrExamPointsInvalid),
                err(19, Msg::ErrExamWeightsSum),
            ])
        );
        // A broken file is refused where reading stopped.
        assert_eq!(parse_moodle_xml("<quiz>\n<question type=\"essay\">\n</quiz>\n"), Err(vec![err(3, Msg::ErrImportUnknownSyntax)]));
        assert_eq!(parse_moodle_xml("<quiz></quiz>"), Err(vec![err(0, Msg::ErrImportFileEmpty)]));
        assert_eq!(parse_moodle_xml("<html></html>"), Err(vec![err(1, Msg::ErrImportUnknownSyntax)]));
    }

    #[test]
    fn moodle_xml_is_detected_by_name() {
        use crate::exam::import::{detect_format, parse_file};
        use crate::exam::model::Format;
        assert_eq!(detect_format("bank.xml", BANK.as_bytes()), Some(Format::MoodleXml));
        assert_eq!(parse_file("questions-20261205.xml", BANK.as_bytes()).map(|q| q.len()), Ok(8));
    }

    /// Every kind both systems share goes out to Moodle XML and comes back the same, weights,
    /// tolerances and case-sensitivity included; and the export of a GIFT import reads back.
    #[test]
    fn moodle_xml_round_trip_of_every_kind() {
        let bank = parse_moodle_xml(BANK).expect("valid");
        let gift = crate::exam::import::parse_gift(
            "$CATEGORY: Алгебра\n\nПростые? {~%50%2 ~%50%3 ~%-100%4}\n\nЧисло π {#3.14:0.01}\n\nВыбор <&> \"кавычки\" {=да ~нет}\n\n::T:: Порядок {=один -> 1 =два -> 2 = -> 3}\n",
        )
        .expect("valid");
        let plain_multiple = Question {
            options: strings(&["2", "3", "4", "5"]),
            correct: vec![0, 1],
            topic: "Алгебра".into(),
            ..Question::new(QuestionKind::Multiple, "Простые числа?\nВыберите все.")
        };
        let mut questions = bank.clone();
        questions.extend(gift);
        questions.push(plain_multiple.clone());
        let back = parse_moodle_xml(&write_moodle_xml(&questions, &HashMap::new())).expect("its own export reads back");
        assert_eq!(back.len(), questions.len());
        for (before, after) in questions.iter().zip(&back) {
            if before == &plain_multiple {
                // Written with Moodle's fractions for the same scoring, read back as weights.
                assert_eq!(
                    (after.kind, after.correct.clone(), after.weights.clone()),
                    (QuestionKind::Multiple, vec![0, 1], vec![0.5, 0.5, -0.5, -0.5])
                );
                for ticks in [vec![0], vec![0, 1], vec![0, 2], vec![0, 1, 2], vec![2, 3]] {
                    assert_eq!(score(before, &Answer::Choice(ticks.clone())), score(after, &Answer::Choice(ticks)));
                }
                assert_eq!(after.text, before.text);
            } else {
                assert_eq!(after, before);
            }
        }
    }
}
