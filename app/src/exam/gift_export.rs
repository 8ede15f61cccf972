//! A bank as Moodle's GIFT text, for Moodle (its GIFT import) or any tool that reads GIFT, and
//! back into a bank here ([`parse_gift`] reads it as the same questions).
//!
//! Written as Moodle's own GIFT export writes it (`qformat_gift::writequestion`): a
//! `$CATEGORY: $course$/top/Topic` line before each topic's questions, one question a paragraph,
//! its text (then answers, feedback) escaped as Moodle's `repchar` does (`\\ \# \= \~ \{ \} \:`,
//! a line break as `\n`), marked `[plain]` since texts here are plain text (Moodle would read
//! `<b>` in the default format as HTML):
//!
//! | kind here | GIFT |
//! |---|---|
//! | single choice | `{ =right#feedback ~wrong ~%50%half ####general }`, a weight where it is not all or nothing |
//! | true/false (the two options an import makes, "Дұрыс / Верно", "Қате / Неверно") | `{TRUE#wrong answer's feedback#right answer's feedback####general}` |
//! | multiple choice | every option `~%share%` (without weights, the shares [`score`](super::model::score) gives: 1/n each right one, −1/n each wrong one) |
//! | short answer | `{ =answer =%50%partly ####general }`, `*` escaped (a wildcard in Moodle) |
//! | short answer, numbers only | `{#2.5:0.1}`, or `{# =%100%1822:0#… =%50%1822:2 }` with weights, tolerances or feedback |
//! | matching | `{ =left -> right = -> extra right item }` |
//! | essay | `{####general}` |
//!
//! Not written, and listed in a comment at the top of the file with the reason: ordering,
//! embedded answers, drag and drop into text and calculated questions (GIFT has none), questions
//! with a picture (GIFT holds no files; the Moodle XML download carries it), case-sensitive short
//! answers (GIFT has no case option), and any question that would not read back as itself (an
//! answer holding GIFT's "->", say: each written question is read back and compared, so a
//! question is never written wrong). GIFT has no points: questions worth more than 1 are
//! written and listed in the same comment.

use super::import::parse_gift;
use super::model::{parse_number, Question, QuestionKind};
use super::question_files::{both_languages, is_full, option_share};
use crate::docs::sheet::number_text;
use crate::i18n::{Locale, Msg};

/// The bank as GIFT (see the module's documentation); the comment at the top in `locale`'s
/// language.
pub fn write_gift(questions: &[Question], locale: Locale) -> String {
    let mut body = String::new();
    let mut left_out: Vec<(&Question, Msg)> = Vec::new();
    let mut repointed: Vec<&Question> = Vec::new();
    let mut topic: Option<&str> = None;
    for q in questions {
        let written = match question(q) {
            Ok(written) => written,
            Err(reason) => {
                left_out.push((q, reason));
                continue;
            }
        };
        if topic != Some(q.topic.as_str()) {
            topic = Some(q.topic.as_str());
            // Moodle writes the path as it is (a "/" inside a category's name doubled).
            let path = if q.topic.is_empty() { "$course$/top".to_string() } else { format!("$course$/top/{}", q.topic.replace('/', "//")) };
            body.push_str(&format!("$CATEGORY: {path}\n\n"));
        }
        if q.points != 1 {
            repointed.push(q);
        }
        body.push_str(&written);
        body.push_str("\n\n");
    }
    let mut out = String::new();
    let mut list = |heading: Msg, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        out.push_str(&format!("// {}\n", heading.text(locale)));
        for item in items {
            out.push_str(&format!("//   {item}\n"));
        }
        out.push('\n');
    };
    list(Msg::GiftLeftOutHeading, left_out.iter().map(|(q, reason)| format!("{} — {}", named(q), reason.text(locale))).collect());
    list(Msg::GiftPointsHeading, repointed.iter().map(|q| format!("{} — {}", named(q), q.points)).collect());
    out.push_str(&body);
    out
}

/// A question as the comment names it: its topic and the start of its text, on one line.
fn named(q: &Question) -> String {
    let text: String = q.text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut start: String = text.chars().take(60).collect();
    if start.len() < text.len() {
        start.push('…');
    }
    if q.topic.is_empty() {
        start
    } else {
        format!("[{}] {start}", q.topic)
    }
}

/// One question as a GIFT paragraph, or why it cannot be one.
fn question(q: &Question) -> Result<String, Msg> {
    match q.kind {
        QuestionKind::Ordering => return Err(Msg::GiftNoOrdering),
        QuestionKind::Cloze | QuestionKind::DragText => return Err(Msg::GiftNoGaps),
        QuestionKind::Calculated => return Err(Msg::GiftNoCalculated),
        _ => {}
    }
    if q.image.is_some() {
        return Err(Msg::GiftNoPicture);
    }
    if q.kind == QuestionKind::Short && q.case_sensitive {
        return Err(Msg::GiftNoCase);
    }
    let written = format!("[plain]{}{}", escape(&q.text), block(q));
    // Read back as the import reads it: what does not come back as itself is not written.
    match parse_gift(&written).as_deref() {
        Ok([back]) if comparable(back) == comparable(q) => Ok(written),
        _ => Err(Msg::GiftNotExact),
    }
}

/// The answer block, braces included.
fn block(q: &Question) -> String {
    let general = if q.general_feedback.is_empty() { String::new() } else { format!("####{}", escape(&q.general_feedback)) };
    let feedback = |i: usize| match q.feedback.get(i).filter(|f| !f.is_empty()) {
        Some(f) => format!("#{}", escape(f)),
        None => String::new(),
    };
    let mut lines: Vec<String> = Vec::new();
    match q.kind {
        QuestionKind::Single if is_true_false(q) => {
            let (truth, right, wrong) = if q.correct == [0] { ("TRUE", 0, 1) } else { ("FALSE", 1, 0) };
            let text = |i: usize| q.feedback.get(i).map_or(String::new(), |f| escape(f));
            let (right, wrong) = (text(right), text(wrong));
            // As Moodle writes it: "#wrong#right", "#wrong", or "##right".
            let mut out = format!("{{{truth}");
            if !wrong.is_empty() || !right.is_empty() {
                out.push_str(&format!("#{wrong}"));
            }
            if !right.is_empty() {
                out.push_str(&format!("#{right}"));
            }
            // An escaped "#" just before "####" would hide the general feedback's start.
            if out.ends_with('#') && !general.is_empty() {
                out.push(' ');
            }
            return format!("{out}{general}}}");
        }
        QuestionKind::Single | QuestionKind::Multiple => {
            let single = q.kind == QuestionKind::Single;
            for (i, option) in q.options.iter().enumerate() {
                let share = option_share(q, i);
                let marker = if single && is_full(share) {
                    "=".to_string()
                } else if share == 0.0 {
                    "~".to_string()
                } else {
                    format!("~%{}%", percent(share))
                };
                lines.push(format!("{marker}{}{}", answer(option), feedback(i)));
            }
        }
        QuestionKind::Short if is_numeric(q) => {
            let tolerance = |i: usize| q.tolerances.get(i).copied().or(q.tolerance).unwrap_or(0.0);
            let plain = q.accepted.len() == 1 && q.weights.is_empty() && q.feedback.is_empty();
            if plain {
                return format!("{{#{}:{}{general}}}", number(&q.accepted[0]), number_text(tolerance(0)));
            }
            for (i, accepted) in q.accepted.iter().enumerate() {
                let share = q.weights.get(i).copied().unwrap_or(1.0);
                lines.push(format!("=%{}%{}:{}{}", percent(share), number(accepted), number_text(tolerance(i)), feedback(i)));
            }
            return format!(
                "{{#\n\t{}\n{}}}",
                lines.join("\n\t"),
                if general.is_empty() { String::new() } else { format!("\t{general}\n") }
            );
        }
        QuestionKind::Short => {
            for (i, accepted) in q.accepted.iter().enumerate() {
                let share = q.weights.get(i).copied().unwrap_or(1.0);
                let weight =
                    if is_full(share) && !accepted.trim_start().starts_with('%') { String::new() } else { format!("%{}%", percent(share)) };
                // A star is Moodle's wildcard; "\*" is the star itself.
                lines.push(format!("={weight}{}{}", answer(accepted).replace('*', "\\*"), feedback(i)));
            }
        }
        QuestionKind::Matching => {
            for (left, &right) in q.options.iter().zip(&q.correct) {
                lines.push(format!("={} -> {}", answer(left), escape(&q.right[right])));
            }
            // Right items nobody matches: a pair without a left side.
            for (_, right) in q.right.iter().enumerate().filter(|(i, _)| !q.correct.contains(i)) {
                lines.push(format!("= -> {}", escape(right)));
            }
        }
        QuestionKind::Essay => return format!("{{{general}}}"),
        QuestionKind::Ordering | QuestionKind::Cloze | QuestionKind::DragText | QuestionKind::Calculated => {}
    }
    if !general.is_empty() {
        lines.push(general);
    }
    format!("{{\n\t{}\n}}", lines.join("\n\t"))
}

/// A true/false question as an import makes one: the two options in both languages, no weights.
fn is_true_false(q: &Question) -> bool {
    q.weights.is_empty() && q.options == [both_languages(Msg::ExamTrue), both_languages(Msg::ExamFalse)]
}

/// A short answer whose accepted answers are all numbers: Moodle's numerical question.
fn is_numeric(q: &Question) -> bool {
    q.kind == QuestionKind::Short && q.accepted.iter().all(|a| parse_number(a).is_some())
}

/// A number as GIFT writes it ("2.5", not "2,5").
fn number(text: &str) -> String {
    parse_number(text).map_or_else(|| text.to_string(), number_text)
}

/// A share as a GIFT weight: "50", "-33.33333".
fn percent(share: f64) -> String {
    number_text((share * 100.0 * 1e5).round() / 1e5)
}

/// Text escaped as Moodle's GIFT export does (`repchar`): GIFT's characters after a backslash,
/// a line break as `\n`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '#' | '=' | '~' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// An answer's text: escaped, and marked plain where it would otherwise start with a format
/// marker of its own ("[html]…").
fn answer(text: &str) -> String {
    let marked = ["[html]", "[moodle]", "[plain]", "[markdown]"]
        .iter()
        .any(|m| text.trim_start().get(..m.len()).is_some_and(|head| head.eq_ignore_ascii_case(m)));
    if marked {
        format!("[plain]{}", escape(text))
    } else {
        escape(text)
    }
}

/// What must come back from GIFT for a question to be written: everything but what GIFT has no
/// place for (points, the topic, which its `$CATEGORY` line carries), with the ways of writing
/// the same key made one: shares and tolerances spelled out for every answer, numbers as
/// numbers, matching's right items in the order the pairs name them, no feedback rather than
/// empty ones, line ends as "\n".
fn comparable(q: &Question) -> Question {
    let plain = |s: &String| s.replace("\r\n", "\n").replace('\r', "\n");
    let mut c = Question {
        text: plain(&q.text),
        options: q.options.iter().map(plain).collect(),
        right: q.right.iter().map(plain).collect(),
        accepted: q.accepted.iter().map(plain).collect(),
        feedback: q.feedback.iter().map(plain).collect(),
        general_feedback: plain(&q.general_feedback),
        points: 1,
        topic: String::new(),
        ..q.clone()
    };
    let share = |w: f64| (w * 1e5).round() / 1e5;
    match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => {
            c.weights = (0..q.options.len()).map(|i| share(option_share(q, i))).collect();
        }
        QuestionKind::Short => {
            c.weights = (0..q.accepted.len()).map(|i| share(q.weights.get(i).copied().unwrap_or(1.0))).collect();
            if is_numeric(q) {
                c.accepted = q.accepted.iter().map(|a| number(a)).collect();
                c.tolerances = (0..q.accepted.len()).map(|i| q.tolerances.get(i).copied().or(q.tolerance).unwrap_or(0.0)).collect();
                c.tolerance = None;
            }
        }
        QuestionKind::Matching => {
            let mut order: Vec<usize> = Vec::new();
            for &r in q.correct.iter().chain(&(0..q.right.len()).collect::<Vec<_>>()) {
                if !order.contains(&r) {
                    order.push(r);
                }
            }
            c.right = order.iter().map(|&r| plain(&q.right[r])).collect();
            c.correct = q.correct.iter().map(|r| order.iter().position(|o| o == r).unwrap_or(0)).collect();
        }
        _ => {}
    }
    if c.feedback.iter().all(String::is_empty) {
        c.feedback.clear();
    } else {
        let answers = if q.kind == QuestionKind::Short { q.accepted.len() } else { q.options.len() };
        c.feedback.resize(answers, String::new());
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::model::{score, Answer};

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// One question of every kind GIFT holds, with weights, feedback and topics, some with
    /// GIFT's own characters in them.
    fn bank() -> Vec<Question> {
        let single = Question {
            options: strings(&["Астана", "Алматы", "Шымкент {оңтүстік}"]),
            correct: vec![0],
            weights: vec![1.0, 0.5, 0.0],
            feedback: strings(&["Дұрыс!", "Бұрынғы астана: 1997 жылға дейін", ""]),
            general_feedback: "Астана = елорда # 1997".into(),
            topic: "География".into(),
            points: 2,
            ..Question::new(QuestionKind::Single, "Қазақстанның астанасы?\nБір жауап: таңдаңыз ~ біреуін")
        };
        let plain_single = Question {
            options: strings(&["4", "5"]),
            correct: vec![0],
            topic: "География".into(),
            ..Question::new(QuestionKind::Single, "2 + 2 = ?")
        };
        let truth = Question {
            options: vec![both_languages(Msg::ExamTrue), both_languages(Msg::ExamFalse)],
            correct: vec![1],
            feedback: strings(&["Жоқ, керісінше", "Иә"]),
            topic: "Физика".into(),
            ..Question::new(QuestionKind::Single, "Күн Жерді айнала қозғалады.")
        };
        let truth_plain = Question {
            options: vec![both_languages(Msg::ExamTrue), both_languages(Msg::ExamFalse)],
            correct: vec![0],
            topic: "Физика".into(),
            ..Question::new(QuestionKind::Single, "Су 100 °C-та қайнайды.")
        };
        let multiple = Question {
            options: strings(&["2", "3", "4", "C#"]),
            correct: vec![0, 1],
            weights: vec![0.5, 0.5, -1.0, -1.0],
            feedback: strings(&["", "", "Жұп, құрама", "Тіл"]),
            topic: "Физика".into(),
            ..Question::new(QuestionKind::Multiple, "Жай сандар?")
        };
        let plain_multiple = Question {
            options: strings(&["a", "b", "c"]),
            correct: vec![0, 2],
            ..Question::new(QuestionKind::Multiple, "Дауысты әріптер: a, b, c?")
        };
        let short = Question {
            accepted: strings(&["Ертіс", "Иртыш", "5*5"]),
            weights: vec![1.0, 0.5, 1.0],
            feedback: strings(&["", "Орысша", ""]),
            general_feedback: "Ертіс — ең ұзын өзен.".into(),
            ..Question::new(QuestionKind::Short, "Ең ұзын өзен? (немесе 5*5: жауап)")
        };
        let numeric = Question {
            accepted: strings(&["1822", "1822"]),
            tolerances: vec![0.0, 2.0],
            weights: vec![1.0, 0.5],
            feedback: strings(&["Дәл", ""]),
            ..Question::new(QuestionKind::Short, "When was Ulysses S. Grant born?")
        };
        let numeric_plain = Question { accepted: strings(&["-2,5"]), tolerance: Some(0.1), ..Question::new(QuestionKind::Short, "x = ?") };
        let matching = Question {
            options: strings(&["Абай", "Әуезов", "Мұқанов"]),
            right: strings(&["Қара сөздер", "Абай жолы", "Соғыс пен бейбітшілік"]),
            correct: vec![0, 1, 1],
            general_feedback: "Авторлар: {классика}".into(),
            ..Question::new(QuestionKind::Matching, "Сәйкестендіріңіз")
        };
        let essay = Question {
            general_feedback: "Жоспар: кіріспе, негізгі бөлім".into(),
            points: 10,
            ..Question::new(QuestionKind::Essay, "Абай туралы эссе")
        };
        let essay_plain = Question::new(QuestionKind::Essay, "// бұл түсініктеме емес, сұрақ");
        vec![
            single,
            plain_single,
            truth,
            truth_plain,
            multiple,
            plain_multiple,
            short,
            numeric,
            numeric_plain,
            matching,
            essay,
            essay_plain,
        ]
    }

    /// Every kind GIFT holds goes out and comes back through the GIFT import as the same
    /// question: the same text, options, key and feedback, and for plain multiple choice the
    /// shares that score it alike; only the points stay behind (GIFT has none).
    #[test]
    fn every_kind_gift_holds_comes_back_the_same() {
        let bank = bank();
        let written = write_gift(&bank, Locale::En);
        let back = parse_gift(&written).unwrap_or_else(|e| panic!("{e:?}\n{written}"));
        assert_eq!(back.len(), bank.len(), "{written}");
        for (before, after) in bank.iter().zip(&back) {
            let expected = Question { points: 1, ..before.clone() };
            if before.kind == QuestionKind::Multiple && before.weights.is_empty() {
                assert_eq!((after.kind, after.correct.clone()), (QuestionKind::Multiple, before.correct.clone()));
                for ticks in [vec![0], vec![0, 2], vec![0, 1], vec![0, 1, 2], vec![1]] {
                    assert_eq!(score(before, &Answer::Choice(ticks.clone())), score(after, &Answer::Choice(ticks)));
                }
            } else if before.kind == QuestionKind::Short && before.accepted == ["-2,5"] {
                assert_eq!((after.accepted.clone(), after.tolerance), (strings(&["-2.5"]), Some(0.1)), "the same number");
            } else {
                assert_eq!(after, &expected, "{written}");
            }
        }
        // Written as Moodle writes it.
        assert!(written.contains("$CATEGORY: $course$/top/География\n"), "{written}");
        assert!(written.contains("[plain]Қазақстанның астанасы?\\nБір жауап\\: таңдаңыз \\~ біреуін{"), "{written}");
        assert!(written.contains("\t~%50%Алматы#Бұрынғы астана\\: 1997 жылға дейін\n"), "{written}");
        assert!(written.contains("\t~Шымкент \\{оңтүстік\\}\n\t####Астана \\= елорда \\# 1997\n}"), "{written}");
        assert!(written.contains("{FALSE#Жоқ, керісінше#Иә}"), "{written}");
        assert!(written.contains("{TRUE}"), "{written}");
        assert!(written.contains("\t~%-100%C\\##Тіл\n"), "{written}");
        assert!(written.contains("\t=%50%Иртыш#Орысша\n\t=5\\*5\n"), "{written}");
        assert!(written.contains("{#\n\t=%100%1822:0#Дәл\n\t=%50%1822:2\n}"), "{written}");
        assert!(written.contains("{#-2.5:0.1}"), "{written}");
        assert!(written.contains("\t=Мұқанов -> Абай жолы\n\t= -> Соғыс пен бейбітшілік\n"), "{written}");
        assert!(written.contains("[plain]Абай туралы эссе{####Жоспар\\: кіріспе, негізгі бөлім}"), "{written}");
        // Points GIFT cannot carry are said at the top.
        assert!(written.starts_with("// Questions written worth 1 point"), "{written}");
        assert!(written.contains("//   Абай туралы эссе — 10\n"), "{written}");
    }

    #[test]
    fn what_gift_cannot_hold_is_listed_not_written() {
        let ordering = Question { options: strings(&["бір", "екі"]), ..Question::new(QuestionKind::Ordering, "Ретімен") };
        let cloze = Question::new(QuestionKind::Cloze, "Астана {1:SHORTANSWER:=Астана}");
        let pictured = Question {
            image: Some("questions/1/ab.png".into()),
            options: strings(&["а", "б"]),
            correct: vec![0],
            ..Question::new(QuestionKind::Single, "Картада не бар?")
        };
        let cased = Question {
            accepted: strings(&["Абай"]), case_sensitive: true, ..Question::new(QuestionKind::Short, "Ақынның аты?")
        };
        let arrow =
            Question {
                accepted: strings(&["a -> b"]), topic: "Логика".into(), ..Question::new(QuestionKind::Short, "Импликация?")
            };
        let fine =
            Question { options: strings(&["иә", "жоқ"]), correct: vec![0], ..Question::new(QuestionKind::Single, "Жақсы ма?") };
        let written = write_gift(&[ordering, cloze, pictured, cased, arrow, fine.clone()], Locale::Ru);
        assert_eq!(parse_gift(&written).expect("the rest reads"), vec![fine], "{written}");
        let top: Vec<&str> = written.lines().take_while(|l| l.starts_with("//")).collect();
        assert_eq!(
            top,
            vec![
                "// Вопросы, не вошедшие в этот файл (GIFT их не вмещает, они есть в выгрузке Moodle XML):",
                "//   Ретімен — В GIFT нет вопросов на упорядочивание",
                "//   Астана {1:SHORTANSWER:=Астана} — В GIFT нет вопросов с пропусками (вложенные ответы, перетаскивание в текст)",
                "//   Картада не бар? — GIFT не хранит рисунки",
                "//   Ақынның аты? — В GIFT краткий ответ не учитывает регистр",
                "//   [Логика] Импликация? — GIFT не может передать этот вопрос точно (например, в ответе есть знак «->»)",
            ],
            "{written}"
        );
    }

    /// Moodle's documentation samples (docs.moodle.org, "GIFT format") still read as before the
    /// export existed, true/false and numeric feedback now kept.
    #[test]
    fn moodles_gift_samples_still_import() {
        let samples = r#"// true/false
::Q1:: 1+1=2 {T}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

// fill-in-the-blank
::Q3:: Two plus {=two =2} equals four.

// matching
::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }

// math range question
::Q5:: What is a number from 1 to 5? {#3:2}

// math range specified with interval end points
::Q6:: What is a number from 1 to 5? {#1..5}

// multiple numeric answers with partial credit and feedback
::Q7:: When was Ulysses S. Grant born? {#
         =1822:0      # Correct! Full credit.
         =%50%1822:2  # He was born in 1822. Half credit for being close.
}

// essay
::Q8:: How are you? {}

::TrueStatement about Grant::Grant was buried in a tomb in New York City.{T}

::FalseStatement about sun::The sun rises in the West.{FALSE#Wrong: it rises in the East.#Right: it sets in the West.}

What two people are entombed in Grant's tomb? {
   ~%-100%No one
   ~%50%Grant
   ~%50%Grant's wife
   ~%-100%Grant's father
}
"#;
        let q = parse_gift(samples).expect("Moodle's samples");
        assert_eq!(q.len(), 11);
        assert_eq!((q[0].kind, q[0].correct.clone(), q[0].feedback.clone()), (QuestionKind::Single, vec![0], vec![]));
        assert_eq!(q[1].feedback, strings(&["right; good!", "wrong, it's yellow", "wrong, it's yellow"]));
        assert_eq!((q[2].text.as_str(), q[2].accepted.clone()), ("Two plus _____ equals four.", strings(&["two", "2"])));
        assert_eq!(q[3].right, strings(&["cat food", "dog food"]));
        assert_eq!((q[4].accepted.clone(), q[4].tolerance), (strings(&["3"]), Some(2.0)));
        assert_eq!((q[5].accepted.clone(), q[5].tolerance), (strings(&["3"]), Some(2.0)));
        assert_eq!(
            (q[6].tolerances.clone(), q[6].weights.clone(), q[6].feedback.clone()),
            (vec![0.0, 2.0], vec![1.0, 0.5], strings(&["Correct! Full credit.", "He was born in 1822. Half credit for being close."]))
        );
        assert_eq!(q[7].kind, QuestionKind::Essay);
        assert_eq!(
            (q[9].correct.clone(), q[9].feedback.clone()),
            (vec![1], strings(&["Wrong: it rises in the East.", "Right: it sets in the West."]))
        );
        assert_eq!((q[10].kind, q[10].weights.clone()), (QuestionKind::Multiple, vec![-1.0, 0.5, 0.5, -1.0]));

        // Moodle's own export of them reads back the same way, and so does ours of what they became.
        let again = parse_gift(&write_gift(&q, Locale::En)).expect("our export reads back");
        assert_eq!(again.len(), q.len());
        for (a, b) in q.iter().zip(&again) {
            assert_eq!(comparable(a), comparable(b));
        }
    }
}
