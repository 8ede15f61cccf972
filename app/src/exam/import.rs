//! Importing questions into the bank (EXM-2) from the formats teachers already have: Moodle's
//! GIFT, Aiken, Moodle XML (in `moodle_xml.rs`), and our spreadsheet template. Reading is all
//! or nothing: a file with any broken question imports nothing and comes back with every
//! problem listed by line (row), so the teacher fixes the file once. Every question read is
//! also checked by [`Question::validate`].
//!
//! Text files may be UTF-8 (with or without a BOM), UTF-16 with a BOM, or Windows-1251 (what
//! Notepad on a Russian Windows saves as "ANSI"). [`detect_format`] tells the format from the
//! file's name and content; [`parse_file`] does both steps.
//!
//! # GIFT
//!
//! Moodle's format, the parts of it that make sense here. Questions are separated by blank
//! lines; lines starting with `//` are comments. A question is an optional `::title::` (ignored),
//! an optional `[html]`/`[markdown]`/`[plain]`/`[moodle]` marker (with `[html]`, tags are removed
//! and entities decoded; an answer or matching item may carry its own), the text, and one
//! answer block in braces; text after the block makes it a "missing word" question (the
//! block's place shows as `_____`).
//!
//! | block                       | question                                                     |
//! |-----------------------------|--------------------------------------------------------------|
//! | `{=right ~wrong ~wrong}`    | single choice                                                |
//! | `{=full ~%50%half ~wrong}`, `{=a =b ~c}` | single choice with partial credit (the weights are kept) or several right options, as Moodle has them |
//! | `{~%50%a ~%50%b ~%-100%c}`  | multiple response: a choice block without any `=` answer, as in Moodle; options score their weights, whose positive ones must add up to 100% |
//! | `{T}` `{F}` `{TRUE}` `{FALSE}` | single choice between "Дұрыс / Верно" and "Қате / Неверно" (Kazakh and Russian together, since a bank serves both; teachers can edit them) |
//! | `{=a =b =%50%c}`            | short answer, partial credit kept; answers worth 0% are left out (they only carry feedback); an unescaped `*` (Moodle's wildcard) is refused |
//! | `{#2.5:0.1}` `{#2.5}` `{#1..3}` `{#=1822:0 =%50%1822:2}` | short answer with a number, each answer with its tolerance and weight; from the first `~` on, the block is feedback for wrong answers |
//! | `{=left -> right =left2 -> right2}` | matching; `=  -> extra` adds a right item with no left one |
//! | `{}`                        | essay                                                        |
//!
//! `\~ \= \# \{ \} \: \\` are the characters themselves and `\n` a line break. Feedback after
//! `#` in an answer is kept as that answer's (for answers that are kept: a 0% short answer's is
//! not; a numeric answer's too), a true/false block's `{TRUE#wrong#right}` as the feedback of
//! the wrong and the right option, `####` after the answers as the question's general feedback;
//! a numeric block's feedback for any other answer (`~#…`) is not kept. `$CATEGORY: a/b/c` lines set
//! the topic of the questions after them to the path's last part ("c"). GIFT has no points:
//! questions are worth 1. An error points at the line of the answer block's `{` when the block
//! is at fault (not closed, no correct answer, unknown syntax), else at the question's first line.
//!
//! # Aiken
//!
//! ```text
//! What is the capital of Kazakhstan?
//! A) Almaty
//! B) Astana
//! ANSWER: B
//! ```
//!
//! The question (one or more lines), options labelled with a letter and `)` or `.`, with or
//! without a space after it (Latin or
//! Cyrillic: `А)`, `Б)`; a Cyrillic letter that looks Latin counts as that Latin letter), then
//! `ANSWER: B` (also `ОТВЕТ:` / `ЖАУАП:`). Several letters (`ANSWER: A, C`) make a multiple choice.
//! A blank line or the ANSWER line ends a question. Errors: no ANSWER line (at the question's
//! first line), an ANSWER letter that is not an option or a line that is not an option (at that
//! line), fewer than 2 options (at the question's first line).
//!
//! # XLSX
//!
//! The first visible worksheet of an `.xlsx` workbook, one question a row (users download
//! [`template_xlsx`]):
//!
//! | column | content                                                                              |
//! |--------|--------------------------------------------------------------------------------------|
//! | A      | topic: optional                                                                      |
//! | B      | type: required; `single`, `multiple`, `short`, `matching`, `ordering`, `essay`, or in Kazakh or Russian (see [`kind_from_cell`]) |
//! | C      | question text: required                                                              |
//! | D–K    | options 1 to 8, filled from D without gaps. Matching: each is `left => right` (or `->`); `=> right` alone is an extra right item. Ordering: the items in the correct order |
//! | L      | correct answer. Single: the right option's number ("2"); multiple: numbers separated by commas, semicolons or spaces ("1,3"); short: accepted answers separated by `\|`, a number may carry a tolerance ("9,8 ± 0,1", also `+-`; each its own); empty for matching, ordering, essay |
//! | M      | points: a whole number 1–100; 1 when empty                                           |
//! | N      | optional partial credit: one share in percent per option (single, multiple) or accepted answer (short), separated by `;` or `\|` ("100; 50; 0"), as Moodle's fractions; with it, L may stay empty and is read from the shares |
//! | O      | optional feedback, one per option or accepted answer, separated by `\|` (empty ones allowed: "Дұрыс! \| \|") |
//! | P      | optional general feedback                                                            |
//! | Q      | optional, short answers: case-sensitive ("иә"/"да"/"yes", or empty)                   |
//!
//! - Rows with nothing in A to Q are skipped.
//! - Headings are detected, not required: rows at the top whose type is not a question type,
//!   whose points are not a number and whose correct answer holds no digit (a title, the header)
//!   are skipped; from the first other row on, every row is a question.
//! - Columns after Q are ignored. The row number in errors is the spreadsheet's.
//! - Russian Excel turns a typed "1,3" into the number 1.3: in the correct-answer column of a
//!   choice question such a number is read back as options 1 and 3 (there are at most 8).
//!   The template formats that column as text, which avoids it.
//!
//! At most [`MAX_QUESTIONS`] questions a file; at most [`MAX_ERRORS`] errors are listed (then one
//! [`Msg::ErrImportTooManyErrors`] at line 0). Whole-file problems are reported at line 0.

use super::model::{parse_number, Format, ImportError, Question, QuestionKind};
use super::question_files::{
    both_languages, html_to_text, is_full, settle_feedback, settle_short, topic_of_category, without_wildcard, Collected,
};
pub use super::question_files::{Imported, Picture, MAX_ERRORS, MAX_QUESTIONS};
use crate::docs::sheet::{decode_text, number_text};
use crate::i18n::{Locale, Msg};

/// Option columns of the spreadsheet (D..K).
pub const XLSX_OPTIONS: usize = 8;

// Spreadsheet columns, 0-based.
const COL_TOPIC: usize = 0;
const COL_TYPE: usize = 1;
const COL_QUESTION: usize = 2;
const COL_FIRST_OPTION: usize = 3;
const COL_CORRECT: usize = COL_FIRST_OPTION + XLSX_OPTIONS;
const COL_POINTS: usize = COL_CORRECT + 1;
const COL_WEIGHTS: usize = COL_POINTS + 1;
const COL_FEEDBACK: usize = COL_WEIGHTS + 1;
const COL_GENERAL_FEEDBACK: usize = COL_FEEDBACK + 1;
const COL_CASE: usize = COL_GENERAL_FEEDBACK + 1;
const COLUMNS: usize = COL_CASE + 1;

/// The format of an uploaded file: an `.xlsx` (also recognised by its content, a zip), a
/// `.gift`, an `.xml` (Moodle XML), or a `.txt` that is Aiken if a line starts with `ANSWER:`
/// and GIFT otherwise.
/// None for anything else (an old `.xls` included).
pub fn detect_format(file_name: &str, bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some(Format::Xlsx);
    }
    let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.trim().to_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "xlsx" => Some(Format::Xlsx),
        "gift" => Some(Format::Gift),
        "xml" => Some(Format::MoodleXml),
        "txt" => {
            let text = decode_text(bytes).unwrap_or_default();
            Some(if text.lines().any(|l| answer_line(l.trim()).is_some()) { Format::Aiken } else { Format::Gift })
        }
        _ => None,
    }
}

/// Reads an uploaded file's questions in whichever format [`detect_format`] finds;
/// [`read_file`] gives the pictures a Moodle XML file embeds too.
pub fn parse_file(file_name: &str, bytes: &[u8]) -> Result<Vec<Question>, Vec<ImportError>> {
    read_file(file_name, bytes).map(|file| file.questions)
}

/// Reads an uploaded file in whichever format [`detect_format`] finds: its questions, with the
/// picture of each where the format carries pictures (Moodle XML), and the notes of what was
/// left out.
pub fn read_file(file_name: &str, bytes: &[u8]) -> Result<Imported, Vec<ImportError>> {
    let file_error = |problem| vec![ImportError { line: 0, problem }];
    let without_pictures = |questions: Vec<Question>| Imported { pictures: vec![None; questions.len()], questions, notes: Vec::new() };
    match detect_format(file_name, bytes).ok_or_else(|| file_error(Msg::ErrImportFileType))? {
        Format::Xlsx => parse_xlsx(bytes).map(without_pictures),
        format => {
            let text = decode_text(bytes).ok_or_else(|| file_error(Msg::ErrImportFileUnreadable))?;
            match format {
                Format::Aiken => parse_aiken(&text).map(without_pictures),
                Format::MoodleXml => super::moodle_xml::read_moodle_xml(&text),
                _ => parse_gift(&text).map(without_pictures),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// GIFT

/// Reads questions in Moodle's GIFT format (see the module's documentation).
pub fn parse_gift(text: &str) -> Result<Vec<Question>, Vec<ImportError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Collected::default();
    let mut topic = String::new();
    let mut block: Vec<(usize, &str)> = Vec::new();
    fn flush(block: &mut Vec<(usize, &str)>, topic: &str, out: &mut Collected) {
        if let Some(&(first_line, _)) = block.first() {
            match gift_question(block) {
                Ok(question) => out.question(first_line, Question { topic: topic.to_string(), ..question }),
                Err(error) => out.error(error.line, error.problem),
            }
        }
        block.clear();
    }
    // A blank line at the end flushes the last question.
    for (index, line) in text.lines().chain(std::iter::once("")).enumerate() {
        let trimmed = line.trim();
        if trimmed.starts_with("//") {
            continue;
        }
        if let Some(path) = category(trimmed) {
            flush(&mut block, &topic, &mut out);
            topic = path;
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut block, &topic, &mut out);
            if out.too_much() {
                break;
            }
            continue;
        }
        block.push((index + 1, line));
    }
    out.finish()
}

/// The topic a `$CATEGORY:` line sets: the last part of its path, "" for the course's default
/// category (`$course$/top`).
fn category(line: &str) -> Option<String> {
    const PREFIX: &str = "$CATEGORY:";
    let head = line.get(..PREFIX.len())?;
    if !head.eq_ignore_ascii_case(PREFIX) {
        return None;
    }
    Some(topic_of_category(&line[PREFIX.len()..]))
}

/// The next unescaped occurrence, at or after byte `from`, of one of `targets`: its byte offset
/// and which it is. A backslash escapes the character after it, whatever that is.
fn find_unescaped(s: &str, from: usize, targets: &[char]) -> Option<(usize, char)> {
    let mut escaped = false;
    for (i, c) in s.get(from..)?.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if targets.contains(&c) {
            return Some((from + i, c));
        }
    }
    None
}

/// GIFT's escapes resolved: `\~ \= \# \{ \} \: \\` are the characters, `\n` a line break; any
/// other backslash stays.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some(&next) if "~=#{}:\\".contains(next) => {
                out.push(next);
                chars.next();
            }
            Some('n') => {
                out.push('\n');
                chars.next();
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// One block of lines (no blank or comment lines) as a question without its topic.
fn gift_question(block: &[(usize, &str)]) -> Result<Question, ImportError> {
    let first_line = block.first().map_or(0, |(n, _)| *n);
    // The block as one text, remembering where each line starts to point at errors.
    let mut joined = String::new();
    let mut starts: Vec<(usize, usize)> = Vec::with_capacity(block.len());
    for (number, line) in block {
        starts.push((joined.len(), *number));
        joined.push_str(line);
        joined.push('\n');
    }
    let line_at = |offset: usize| starts.iter().rev().find(|(start, _)| *start <= offset).map_or(first_line, |(_, n)| *n);
    let fail = |offset: usize, problem: Msg| ImportError { line: line_at(offset), problem };

    let mut pos = joined.len() - joined.trim_start().len();
    if joined[pos..].starts_with("::") {
        let end = find_title_end(&joined, pos + 2).ok_or_else(|| fail(pos, Msg::ErrImportUnknownSyntax))?;
        pos = end + 2;
    }
    pos += joined[pos..].len() - joined[pos..].trim_start().len();
    let mut html = false;
    if let Some((is_html, rest)) = format_marker(&joined[pos..]) {
        html = is_html;
        pos = joined.len() - rest.len();
    }
    // An answer, or a matching item, may carry its own marker ("~[plain]blue"), as in Moodle;
    // otherwise it has the question's format.
    let clean = |raw: &str| {
        let (html, raw) = format_marker(raw.trim_start()).unwrap_or((html, raw));
        let text = unescape(raw);
        let text = if html { html_to_text(&text) } else { text };
        text.trim().to_string()
    };

    let (open, brace) = find_unescaped(&joined, pos, &['{', '}']).ok_or_else(|| fail(pos, Msg::ErrImportNoAnswerBlock))?;
    if brace == '}' {
        return Err(fail(open, Msg::ErrImportUnknownSyntax));
    }
    let close = match find_unescaped(&joined, open + 1, &['{', '}']) {
        Some((close, '}')) => close,
        // Another "{" before a "}": the first block was never closed.
        _ => return Err(fail(open, Msg::ErrImportUnclosedBrace)),
    };
    if let Some((extra, _)) = find_unescaped(&joined, close + 1, &['{', '}']) {
        return Err(fail(extra, Msg::ErrImportUnknownSyntax));
    }
    let before = clean(&joined[pos..open]);
    let after = clean(&joined[close + 1..]);
    let text = if after.is_empty() { before } else { format!("{before} _____ {after}").trim().to_string() };

    let answers = gift_answers(&joined[open + 1..close], &clean).map_err(|problem| fail(open, problem))?;
    Ok(Question { text, ..answers })
}

/// A leading `[html]`, `[moodle]`, `[plain]` or `[markdown]` (any case): whether it is HTML,
/// and the text after it.
fn format_marker(s: &str) -> Option<(bool, &str)> {
    ["[html]", "[moodle]", "[plain]", "[markdown]"].into_iter().find_map(|marker| {
        let head = s.get(..marker.len())?;
        head.eq_ignore_ascii_case(marker).then(|| (marker == "[html]", &s[marker.len()..]))
    })
}

/// Where a `::title::` ends: the offset of its closing "::".
fn find_title_end(s: &str, from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let (colon, _) = find_unescaped(s, at, &[':'])?;
        if s[colon + 1..].starts_with(':') {
            return Some(colon);
        }
        at = colon + 1;
    }
}

/// The answer block's content (between the braces) as a question with an empty text.
fn gift_answers(inner: &str, clean: &dyn Fn(&str) -> String) -> Result<Question, Msg> {
    // General feedback, "####...", goes first: it may hold any character.
    let (inner, general) = match inner.find("####") {
        Some(at) if !inner[..at].ends_with('\\') => (&inner[..at], clean(&inner[at + 4..])),
        _ => (inner, String::new()),
    };
    let question = gift_block(inner, clean)?;
    Ok(Question { general_feedback: general, ..question })
}

/// The answers of a block without its general feedback.
fn gift_block(inner: &str, clean: &dyn Fn(&str) -> String) -> Result<Question, Msg> {
    let trimmed = inner.trim();
    if trimmed.is_empty() {
        return Ok(Question::new(QuestionKind::Essay, ""));
    }
    if let Some(numeric) = trimmed.strip_prefix('#') {
        return gift_numeric(numeric, clean);
    }
    let verdict = without_feedback(trimmed);
    if let Some(truth) = match verdict.trim().to_uppercase().as_str() {
        "T" | "TRUE" => Some(true),
        "F" | "FALSE" => Some(false),
        _ => None,
    } {
        // "{TRUE#wrong#right}": the feedback for a wrong answer, then for the right one.
        let after = trimmed[verdict.len()..].strip_prefix('#').unwrap_or("");
        let (wrong, right) = match find_unescaped(after, 0, &['#']) {
            Some((at, _)) => (clean(&after[..at]), clean(&after[at + 1..])),
            None => (clean(after), String::new()),
        };
        // Feedback for "true", then for "false", as the options are.
        let feedback = if truth { vec![right, wrong] } else { vec![wrong, right] };
        let mut question = Question {
            options: vec![both_languages(Msg::ExamTrue), both_languages(Msg::ExamFalse)],
            correct: vec![if truth { 0 } else { 1 }],
            feedback,
            ..Question::new(QuestionKind::Single, "")
        };
        settle_feedback(&mut question);
        return Ok(question);
    }

    let tokens = answer_tokens(inner)?;
    if tokens.iter().any(|t| t.marker == '~') {
        return gift_choice(&tokens, clean);
    }
    let arrows = tokens.iter().filter(|t| t.text.contains("->")).count();
    if arrows == 0 {
        let mut question = Question::new(QuestionKind::Short, "");
        for token in &tokens {
            let weight = token.share(1.0);
            // An answer worth nothing only carries feedback here.
            if weight <= 0.0 {
                continue;
            }
            // Checked raw: cleaning would not tell an escaped star from a wildcard.
            question.accepted.push(clean(&without_wildcard(token.text)?));
            question.weights.push(weight);
            question.feedback.push(token.feedback.map(clean).unwrap_or_default());
        }
        settle_feedback(&mut question);
        settle_short(&mut question)?;
        return Ok(question);
    }
    if arrows != tokens.len() {
        return Err(Msg::ErrImportUnknownSyntax);
    }
    let mut question = Question::new(QuestionKind::Matching, "");
    for token in &tokens {
        let (left, right) = token.text.split_once("->").ok_or(Msg::ErrImportUnknownSyntax)?;
        let (left, right) = (clean(left), clean(right));
        let index = right_index(&mut question.right, right);
        // "= -> extra" is a right item nobody matches.
        if !left.is_empty() {
            question.options.push(left);
            question.correct.push(index);
        }
    }
    Ok(question)
}

/// A choice block (it has a `~` answer). As in Moodle, a block with an `=` answer is single
/// choice (an `=` answer is worth everything, a `~` one nothing, unless weighted); a block
/// without one is multiple response, its options worth their weights, which must add up to
/// 100%. The weights are kept when they are not the plain one right answer.
fn gift_choice(tokens: &[Token<'_>], clean: &dyn Fn(&str) -> String) -> Result<Question, Msg> {
    let single = tokens.iter().any(|t| t.marker == '=');
    let weights: Vec<f64> = tokens.iter().map(|t| t.share(if t.marker == '=' { 1.0 } else { 0.0 })).collect();
    let options = tokens.iter().map(|t| clean(t.text)).collect();
    let (kind, correct): (_, Vec<usize>) = if single {
        (QuestionKind::Single, (0..weights.len()).filter(|&i| is_full(weights[i])).collect())
    } else {
        (QuestionKind::Multiple, (0..weights.len()).filter(|&i| weights[i] > 0.0).collect())
    };
    if correct.is_empty() {
        return Err(if single { Msg::ErrExamWeightsNeedFull } else { Msg::ErrImportNoCorrectAnswer });
    }
    if !single && (correct.iter().map(|&i| weights[i]).sum::<f64>() - 1.0).abs() > 1e-3 {
        return Err(Msg::ErrExamWeightsSum);
    }
    let plain = single && correct.len() == 1 && weights.iter().all(|&w| w == 0.0 || is_full(w));
    let feedback = tokens.iter().map(|t| t.feedback.map(clean).unwrap_or_default()).collect();
    let mut question =
        Question { options, correct, weights: if plain { Vec::new() } else { weights }, feedback, ..Question::new(kind, "") };
    settle_feedback(&mut question);
    Ok(question)
}

/// The index of `item` among the right items, added if new: two left items may share one.
fn right_index(right: &mut Vec<String>, item: String) -> usize {
    right.iter().position(|r| *r == item).unwrap_or_else(|| {
        right.push(item);
        right.len() - 1
    })
}

/// The text before an unescaped '#' (feedback).
fn without_feedback(s: &str) -> &str {
    find_unescaped(s, 0, &['#']).map_or(s, |(at, _)| &s[..at])
}

struct Token<'a> {
    marker: char,
    /// `%50%` as 50.
    weight: Option<f64>,
    /// Raw (still escaped), without the weight and feedback.
    text: &'a str,
    /// Raw, what follows the answer's unescaped `#`.
    feedback: Option<&'a str>,
}

impl Token<'_> {
    /// The answer's share of the points: its `%..%` weight as a fraction, else `default`.
    fn share(&self, default: f64) -> f64 {
        self.weight.map_or(default, |w| w / 100.0)
    }
}

/// The answers of a block, each starting at an unescaped '=' or '~'.
fn answer_tokens(inner: &str) -> Result<Vec<Token<'_>>, Msg> {
    let mut marks = Vec::new();
    let mut from = 0;
    while let Some((at, marker)) = find_unescaped(inner, from, &['=', '~']) {
        marks.push((at, marker));
        from = at + 1;
    }
    match marks.first() {
        None => return Err(Msg::ErrImportUnknownSyntax),
        // Something before the first answer.
        Some((first, _)) if !inner[..*first].trim().is_empty() => return Err(Msg::ErrImportUnknownSyntax),
        Some(_) => {}
    }
    let mut tokens = Vec::with_capacity(marks.len());
    for (i, &(at, marker)) in marks.iter().enumerate() {
        let end = marks.get(i + 1).map_or(inner.len(), |(next, _)| *next);
        let raw = &inner[at + 1..end];
        let text = without_feedback(raw);
        let feedback = raw.get(text.len() + 1..);
        let (weight, text) = split_weight(text)?;
        tokens.push(Token { marker, weight, text, feedback });
    }
    Ok(tokens)
}

/// A leading `%50%` weight and the rest.
fn split_weight(text: &str) -> Result<(Option<f64>, &str), Msg> {
    let trimmed = text.trim_start();
    let Some(rest) = trimmed.strip_prefix('%') else {
        return Ok((None, text));
    };
    let (weight, rest) = rest.split_once('%').ok_or(Msg::ErrImportUnknownSyntax)?;
    let weight = parse_number(weight).ok_or(Msg::ErrImportUnknownSyntax)?;
    Ok((Some(weight), rest))
}

/// A numeric block's content after its '#': one answer, or several each after '=', each with
/// its weight and tolerance (Moodle's `=1822:0 =%50%1822:2`). As in Moodle, everything from
/// the first `~` on is the feedback for a wrong answer.
fn gift_numeric(body: &str, clean: &dyn Fn(&str) -> String) -> Result<Question, Msg> {
    let body = find_unescaped(body, 0, &['~']).map_or(body, |(at, _)| &body[..at]);
    let mut question = Question::new(QuestionKind::Short, "");
    let mut add = |text: &str, weight: f64, feedback: Option<&str>| -> Result<(), Msg> {
        let (value, tolerance) = numeric_value(text).ok_or(Msg::ErrImportUnknownSyntax)?;
        // An answer worth nothing only carries feedback here.
        if weight > 0.0 {
            question.accepted.push(number_text(value));
            question.tolerances.push(tolerance);
            question.weights.push(weight);
            question.feedback.push(feedback.map(clean).unwrap_or_default());
        }
        Ok(())
    };
    if find_unescaped(body, 0, &['=']).is_some() {
        for token in answer_tokens(body)? {
            add(token.text, token.share(1.0), token.feedback)?;
        }
    } else {
        let value = without_feedback(body);
        add(value, 1.0, body.get(value.len() + 1..))?;
    }
    settle_feedback(&mut question);
    settle_short(&mut question)?;
    Ok(question)
}

/// "2.5:0.1", "1..3" (the middle and half the width) or "2.5", as (value, tolerance).
fn numeric_value(text: &str) -> Option<(f64, f64)> {
    let text = unescape(text);
    let text = text.trim();
    if let Some((low, high)) = text.split_once("..") {
        let (low, high) = (parse_number(low)?, parse_number(high)?);
        return (low <= high).then(|| ((low + high) / 2.0, (high - low) / 2.0));
    }
    let (value, tolerance) = match text.split_once(':') {
        Some((value, tolerance)) => (parse_number(value)?, parse_number(tolerance)?),
        None => (parse_number(text)?, 0.0),
    };
    (tolerance >= 0.0).then_some((value, tolerance))
}

// ---------------------------------------------------------------------------------------------
// Aiken

/// The letters of an answer line ("ANSWER: B", "ОТВЕТ: А, В"), or None if the line is not one.
fn answer_line(line: &str) -> Option<&str> {
    let (head, rest) = line.split_once(':')?;
    matches!(head.trim().to_uppercase().as_str(), "ANSWER" | "ОТВЕТ" | "ЖАУАП").then_some(rest)
}

/// A label letter as compared: upper case, and a Cyrillic letter that looks Latin as that Latin
/// letter, so that "ANSWER: В" typed on a Russian keyboard finds "B)".
fn fold_label(c: char) -> char {
    let upper = c.to_uppercase().next().unwrap_or(c);
    match upper {
        'А' => 'A',
        'В' => 'B',
        'С' => 'C',
        'Е' => 'E',
        'Н' => 'H',
        'К' => 'K',
        'М' => 'M',
        'О' => 'O',
        'Р' => 'P',
        'Т' => 'T',
        'Х' => 'X',
        other => other,
    }
}

/// An option line: a letter, ")" or ".", then the text, with or without a space before it
/// (Moodle reads "A)Astana" too).
fn option_line(line: &str) -> Option<(char, &str)> {
    let mut chars = line.char_indices();
    let (_, letter) = chars.next()?;
    let (_, mark) = chars.next()?;
    if !letter.is_alphabetic() || !matches!(mark, ')' | '.') {
        return None;
    }
    let at = chars.next().map_or(line.len(), |(at, _)| at);
    let text = line[at..].trim();
    (!text.is_empty()).then_some((fold_label(letter), text))
}

struct AikenQuestion {
    first_line: usize,
    stem: Vec<String>,
    options: Vec<(char, String)>,
}

/// Reads questions in the Aiken format (see the module's documentation).
pub fn parse_aiken(text: &str) -> Result<Vec<Question>, Vec<ImportError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Collected::default();
    let mut current: Option<AikenQuestion> = None;
    // After an error, the rest of its block is skipped: one error a question.
    let mut skipping = false;
    for (index, line) in text.lines().chain(std::iter::once("")).enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() {
            if let Some(q) = current.take() {
                out.error(q.first_line, Msg::ErrImportMissingAnswerLine);
            }
            skipping = false;
            if out.too_much() {
                break;
            }
            continue;
        }
        if skipping {
            continue;
        }
        let Some(q) = current.as_mut() else {
            if answer_line(line).is_some() {
                out.error(number, Msg::ErrImportUnknownSyntax);
                skipping = true;
            } else {
                current = Some(AikenQuestion { first_line: number, stem: vec![line.to_string()], options: Vec::new() });
            }
            continue;
        };
        if let Some(letters) = answer_line(line) {
            if let Some(q) = current.take() {
                match aiken_question(q.stem.join("\n"), &q.options, letters) {
                    Ok(question) => out.question(q.first_line, question),
                    Err(Msg::ErrExamTooFewOptions) => out.error(q.first_line, Msg::ErrExamTooFewOptions),
                    Err(problem) => out.error(number, problem),
                }
            }
        } else if let Some((label, text)) = option_line(line) {
            if q.options.iter().any(|(l, _)| *l == label) {
                out.error(number, Msg::ErrExamDuplicateOption);
                current = None;
                skipping = true;
            } else {
                q.options.push((label, text.to_string()));
            }
        } else if q.options.is_empty() {
            q.stem.push(line.to_string());
        } else {
            out.error(number, Msg::ErrImportNotAnOptionLine);
            current = None;
            skipping = true;
        }
    }
    out.finish()
}

fn aiken_question(text: String, options: &[(char, String)], letters: &str) -> Result<Question, Msg> {
    if options.len() < 2 {
        return Err(Msg::ErrExamTooFewOptions);
    }
    let mut correct = Vec::new();
    for letter in letters.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|l| !l.is_empty()) {
        let mut chars = letter.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(Msg::ErrImportAnswerNotAnOption);
        };
        let index = options.iter().position(|(label, _)| *label == fold_label(c)).ok_or(Msg::ErrImportAnswerNotAnOption)?;
        if !correct.contains(&index) {
            correct.push(index);
        }
    }
    if correct.is_empty() {
        return Err(Msg::ErrImportAnswerNotAnOption);
    }
    correct.sort_unstable();
    let kind = if correct.len() == 1 { QuestionKind::Single } else { QuestionKind::Multiple };
    Ok(Question { options: options.iter().map(|(_, t)| t.clone()).collect(), correct, ..Question::new(kind, text) })
}

// ---------------------------------------------------------------------------------------------
// XLSX

/// A question type as a spreadsheet names it, in English, Kazakh or Russian, case-insensitively:
/// the codes (`single`...) and the interface's own names ([`QuestionKind::msg`]) are read back;
/// otherwise the first word with a known stem decides ("один правильный", "бірнеше жауапты",
/// "краткий", "сәйкестендіру", "последовательность", "эссе"...). Several names separated by "/"
/// are accepted when they agree, as the template writes them. None for anything else.
pub fn kind_from_cell(raw: &str) -> Option<QuestionKind> {
    crate::i18n::agreed_name(raw, kind_from_name)
}

fn kind_from_name(name: &str) -> Option<QuestionKind> {
    let normal = crate::i18n::normal_name;
    let name = normal(name);
    if name.is_empty() {
        return None;
    }
    if let Some(kind) = QuestionKind::ALL.into_iter().find(|k| k.code() == name || k.msg().texts().iter().any(|t| normal(t) == name)) {
        return Some(kind);
    }
    // Checked in this order: "бірнеше" (several) before "бір" (one).
    const STEMS: [(&str, QuestionKind); 33] = [
        ("single", QuestionKind::Single),
        ("один", QuestionKind::Single),
        ("бірнеше", QuestionKind::Multiple),
        ("бір", QuestionKind::Single),
        ("multi", QuestionKind::Multiple),
        ("несколько", QuestionKind::Multiple),
        ("множеств", QuestionKind::Multiple),
        ("көп", QuestionKind::Multiple),
        ("short", QuestionKind::Short),
        ("numer", QuestionKind::Short),
        ("кратк", QuestionKind::Short),
        ("коротк", QuestionKind::Short),
        ("числ", QuestionKind::Short),
        ("қысқа", QuestionKind::Short),
        ("сандық", QuestionKind::Short),
        ("match", QuestionKind::Matching),
        ("соответств", QuestionKind::Matching),
        ("сопостав", QuestionKind::Matching),
        ("сәйкес", QuestionKind::Matching),
        ("order", QuestionKind::Ordering),
        ("порядок", QuestionKind::Ordering),
        ("упорядоч", QuestionKind::Ordering),
        ("последоват", QuestionKind::Ordering),
        ("рет", QuestionKind::Ordering),
        ("тізбе", QuestionKind::Ordering),
        ("essay", QuestionKind::Essay),
        ("эссе", QuestionKind::Essay),
        ("развернут", QuestionKind::Essay),
        ("открыт", QuestionKind::Essay),
        ("толық", QuestionKind::Essay),
        ("ашық", QuestionKind::Essay),
        ("free", QuestionKind::Essay),
        ("open", QuestionKind::Essay),
    ];
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .find_map(|word| STEMS.iter().find(|(stem, _)| word.starts_with(stem)).map(|(_, kind)| *kind))
}

/// A cell as read, before it is judged.
#[derive(Clone, Debug, Default, PartialEq)]
enum Raw {
    #[default]
    Empty,
    /// Trimmed, never empty.
    Text(String),
    Number(f64),
    /// A date or time: Excel's reading of "1.3" in a Russian locale, never what was meant.
    Date,
}

impl Raw {
    fn text(s: &str) -> Raw {
        let s = s.trim();
        if s.is_empty() {
            Raw::Empty
        } else {
            Raw::Text(s.replace("\r\n", "\n"))
        }
    }

    fn as_text(&self) -> String {
        match self {
            Raw::Empty | Raw::Date => String::new(),
            Raw::Text(s) => s.clone(),
            Raw::Number(x) => number_text(*x),
        }
    }

    fn has_digit(&self) -> bool {
        match self {
            Raw::Empty => false,
            Raw::Text(s) => s.chars().any(|c| c.is_ascii_digit()),
            Raw::Number(_) | Raw::Date => true,
        }
    }
}

struct Row {
    /// 1-based, as the spreadsheet shows it.
    number: usize,
    cells: [Raw; COLUMNS],
}

impl Row {
    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| *c == Raw::Empty)
    }

    /// A title or the header: nothing in it reads as a question's type, points or key.
    fn is_heading(&self) -> bool {
        let points_like = match &self.cells[COL_POINTS] {
            Raw::Number(_) => true,
            Raw::Text(s) => parse_number(s).is_some(),
            Raw::Empty | Raw::Date => false,
        };
        kind_from_cell(&self.cells[COL_TYPE].as_text()).is_none() && !points_like && !self.cells[COL_CORRECT].has_digit()
    }
}

/// Reads questions from the spreadsheet template's layout (see the module's documentation).
pub fn parse_xlsx(bytes: &[u8]) -> Result<Vec<Question>, Vec<ImportError>> {
    let rows = read_xlsx(bytes).map_err(|problem| vec![ImportError { line: 0, problem }])?;
    let mut out = Collected::default();
    let mut in_data = false;
    for row in rows {
        if row.is_blank() || (!in_data && row.is_heading()) {
            continue;
        }
        in_data = true;
        match question_from_row(&row) {
            Ok(question) => out.question(row.number, question),
            Err(problems) => problems.into_iter().for_each(|problem| out.error(row.number, problem)),
        }
        if out.too_much() {
            break;
        }
    }
    out.finish()
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Row>, Msg> {
    use crate::docs::sheet::Value;
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An old .xls (OLE), which is not read.
        return Err(Msg::ErrImportFileType);
    }
    let mut rows: Vec<Row> = Vec::new();
    crate::docs::sheet::read_xlsx(bytes, Msg::ErrImportFileUnreadable, |number, col, value| {
        if col >= COLUMNS {
            return Ok(());
        }
        let raw = match value {
            Value::Text(s) => Raw::text(s),
            Value::Number(x) => Raw::Number(x),
            Value::Bool(b) => Raw::Text(if b { "TRUE" } else { "FALSE" }.to_string()),
            Value::Date(_) => Raw::Date,
            Value::Error(e) => Raw::Text(e),
        };
        if raw == Raw::Empty {
            return Ok(());
        }
        let number = number as usize;
        if rows.last().is_none_or(|last| last.number != number) {
            if rows.last().is_some_and(Row::is_blank) {
                rows.pop();
            }
            // The questions, their errors and a few heading rows.
            if rows.len() > MAX_QUESTIONS + 20 {
                return Err(Msg::ErrImportTooManyQuestions);
            }
            rows.push(Row { number, cells: Default::default() });
        }
        if let Some(last) = rows.last_mut() {
            last.cells[col] = raw;
        }
        Ok(())
    })?;
    // Rows come in order from any sane file; a hand-made one may not keep it.
    rows.sort_by_key(|r| r.number);
    Ok(rows)
}

/// Judges every cell of a row, so that all of its problems are listed at once; then the
/// question as a whole.
fn question_from_row(row: &Row) -> Result<Question, Vec<Msg>> {
    let mut problems = Vec::new();
    let cell = |col: usize| row.cells[col].as_text();
    let kind = kind_from_cell(&cell(COL_TYPE));
    if kind.is_none() {
        problems.push(Msg::ErrImportTypeUnknown);
    }
    let topic = cell(COL_TOPIC).split_whitespace().collect::<Vec<_>>().join(" ");
    let text = cell(COL_QUESTION);

    let mut options = Vec::new();
    let mut gap = false;
    for col in COL_FIRST_OPTION..COL_CORRECT {
        match &row.cells[col] {
            Raw::Empty => gap = true,
            _ if gap => {
                problems.push(Msg::ErrImportOptionGap);
                break;
            }
            // "1.5" typed as an option, kept by Excel as the 1st of May.
            Raw::Date => problems.push(Msg::ErrImportCellIsDate),
            raw => options.push(raw.as_text()),
        }
    }

    let points = match &row.cells[COL_POINTS] {
        Raw::Empty => Some(1),
        Raw::Number(x) if x.fract() == 0.0 && (1.0..=100.0).contains(x) => Some(*x as u32),
        Raw::Text(s) => s.parse::<u32>().ok().filter(|p| (1..=100).contains(p)),
        _ => None,
    };
    if points.is_none() {
        problems.push(Msg::ErrExamPointsInvalid);
    }

    let mut question = Question::new(kind.unwrap_or(QuestionKind::Essay), text);
    question.topic = topic;
    question.points = points.unwrap_or(1);
    let weights = shares(&row.cells[COL_WEIGHTS]).unwrap_or_else(|problem| {
        problems.push(problem);
        None
    });
    match kind {
        Some(choice @ (QuestionKind::Single | QuestionKind::Multiple)) => {
            question.options = options;
            match (option_numbers(&row.cells[COL_CORRECT]), &weights) {
                (Some(correct), _) => question.correct = correct,
                // The shares say which options are right: those worth everything (single
                // choice) or anything (multiple), as Moodle reads its fractions.
                (None, Some(w)) if row.cells[COL_CORRECT] == Raw::Empty => {
                    question.correct =
                        (0..w.len()).filter(|&i| if choice == QuestionKind::Single { is_full(w[i]) } else { w[i] > 0.0 }).collect();
                }
                (None, _) if row.cells[COL_CORRECT] == Raw::Date => problems.push(Msg::ErrImportCellIsDate),
                (None, _) => problems.push(Msg::ErrImportCorrectInvalid),
            }
        }
        Some(QuestionKind::Short) => match accepted_answers(&row.cells[COL_CORRECT]) {
            Ok((accepted, tolerance, tolerances)) => {
                question.accepted = accepted;
                question.tolerance = tolerance;
                question.tolerances = tolerances;
            }
            Err(problem) => problems.push(problem),
        },
        Some(QuestionKind::Matching) => {
            for option in &options {
                let Some((left, right)) = option.split_once("=>").or_else(|| option.split_once("->")) else {
                    problems.push(Msg::ErrImportPairInvalid);
                    break;
                };
                let (left, right) = (left.trim(), right.trim());
                if right.is_empty() {
                    problems.push(Msg::ErrImportPairInvalid);
                    break;
                }
                let index = right_index(&mut question.right, right.to_string());
                if !left.is_empty() {
                    question.options.push(left.to_string());
                    question.correct.push(index);
                }
            }
        }
        Some(QuestionKind::Ordering) => question.options = options,
        Some(QuestionKind::Essay) | None => {}
        // The spreadsheet has no columns for gaps; Moodle XML carries them.
        Some(QuestionKind::Cloze | QuestionKind::DragText) => problems.push(Msg::ExamExportGapsInXml),
        // Formulas and variables have no columns in the sheet (Moodle XML carries them).
        Some(QuestionKind::Calculated) => problems.push(Msg::ExamExportCalculated),
    }
    // Columns N..Q; their counts and agreement with the key are `validate`'s to judge.
    if let Some(weights) = weights {
        let plain = question.kind == QuestionKind::Single
            && weights.iter().filter(|&&w| is_full(w)).count() == 1
            && weights.iter().all(|&w| w == 0.0 || is_full(w));
        let all_full = question.kind == QuestionKind::Short && weights.iter().all(|&w| is_full(w));
        if !plain && !all_full {
            question.weights = weights;
        }
    }
    if row.cells[COL_FEEDBACK] != Raw::Empty {
        question.feedback = row.cells[COL_FEEDBACK].as_text().split('|').map(|f| f.trim().to_string()).collect();
        settle_feedback(&mut question);
    }
    question.general_feedback = row.cells[COL_GENERAL_FEEDBACK].as_text();
    match case_cell(&row.cells[COL_CASE].as_text()) {
        Some(case) => question.case_sensitive = case && question.kind == QuestionKind::Short,
        None => problems.push(Msg::ErrImportCaseCell),
    }
    if !problems.is_empty() {
        problems.dedup();
        return Err(problems);
    }
    question.validate().map_err(|problem| vec![problem])?;
    Ok(question)
}

/// "2", "1,3", "1; 3", "1 3" as 0-based option indexes; a number cell 1.3 (Excel's reading of
/// "1,3" in a Russian locale) as options 1 and 3. None if empty or not such a list.
fn option_numbers(raw: &Raw) -> Option<Vec<usize>> {
    let text = match raw {
        Raw::Number(x) => number_text(*x).replace('.', ","),
        Raw::Text(s) => s.clone(),
        Raw::Empty | Raw::Date => return None,
    };
    let mut numbers = Vec::new();
    for part in text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|p| !p.is_empty()) {
        let n: usize = part.parse().ok()?;
        numbers.push(n.checked_sub(1)?);
    }
    (!numbers.is_empty()).then_some(numbers)
}

/// Accepted answers separated by '|', with the tolerance ("9,8 ± 0,1") of the numeric ones: one
/// for all when they agree (an answer without "±" is exact), else one per answer.
#[allow(clippy::type_complexity)]
fn accepted_answers(raw: &Raw) -> Result<(Vec<String>, Option<f64>, Vec<f64>), Msg> {
    let text = match raw {
        Raw::Date => return Err(Msg::ErrImportCellIsDate),
        raw => raw.as_text(),
    };
    let mut accepted = Vec::new();
    let mut tolerances: Vec<Option<f64>> = Vec::new();
    for answer in text.split('|').map(str::trim).filter(|a| !a.is_empty()) {
        let Some((value, plus_minus)) = answer.split_once('±').or_else(|| answer.split_once("+-")) else {
            accepted.push(answer.to_string());
            tolerances.push(None);
            continue;
        };
        let value = parse_number(value).ok_or(Msg::ErrImportCorrectInvalid)?;
        let plus_minus = parse_number(plus_minus).filter(|t| *t >= 0.0).ok_or(Msg::ErrImportCorrectInvalid)?;
        accepted.push(number_text(value));
        tolerances.push(Some(plus_minus));
    }
    let given: Vec<f64> = tolerances.iter().flatten().copied().collect();
    let agreed = given.first().copied().filter(|first| given.iter().all(|t| (t - first).abs() <= 1e-12));
    Ok(match agreed {
        // One tolerance (or none) for every numeric answer, as the column always meant.
        _ if given.is_empty() => (accepted, None, Vec::new()),
        Some(t) => (accepted, Some(t).filter(|t| *t > 0.0), Vec::new()),
        // Different ones: each answer its own, an answer without "±" exact.
        None => (accepted, None, tolerances.into_iter().map(|t| t.unwrap_or(0.0)).collect()),
    })
}

/// Column N: shares in percent ("100; 50; 0", "-33,3 | 66,7") as fractions of the points;
/// None when empty.
fn shares(raw: &Raw) -> Result<Option<Vec<f64>>, Msg> {
    let text = match raw {
        Raw::Empty => return Ok(None),
        Raw::Date => return Err(Msg::ErrImportCellIsDate),
        Raw::Number(x) => return Ok(Some(vec![x / 100.0])),
        Raw::Text(s) => s,
    };
    text.split([';', '|'])
        .map(|part| parse_number(part.trim().trim_end_matches('%')).map(|p| p / 100.0).ok_or(Msg::ErrExamWeightInvalid))
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// Column Q: yes (in any of the three languages, or 1) or no (the same, 0, or empty); None for
/// anything else.
fn case_cell(text: &str) -> Option<bool> {
    let normal = crate::i18n::normal_name;
    if text.trim().is_empty() {
        return Some(false);
    }
    crate::i18n::agreed_name(text, |part| {
        let part = normal(part);
        if ["1", "true", "+"].contains(&part.as_str()) || Msg::Yes.texts().iter().any(|t| normal(t) == part) {
            Some(true)
        } else if ["0", "false", "-"].contains(&part.as_str()) || Msg::No.texts().iter().any(|t| normal(t) == part) {
            Some(false)
        } else {
            None
        }
    })
}

/// The template users download: the questions sheet with its header in the three languages and
/// two example questions (a single and a multiple choice), then a sheet explaining the columns
/// in each language. It is itself a valid file: importing it gives the two examples. The
/// correct-answer column is formatted as text so that Excel keeps "1,3" as typed.
pub fn template_xlsx() -> Vec<u8> {
    try_template_xlsx().unwrap_or_else(|e| {
        tracing::error!(error = %e, "question template failed");
        Vec::new()
    })
}

/// Texts that agree across languages are written once ("Математика / Mathematics").
fn trilingual(msg: Msg) -> String {
    let mut texts: Vec<&str> = Vec::new();
    for text in msg.texts() {
        if !texts.contains(&text) {
            texts.push(text);
        }
    }
    texts.join(" / ")
}

fn sheet_name(msg: Msg) -> String {
    crate::docs::xlsx::sanitize_sheet_name(&msg.texts().join(" - "))
}

/// The questions sheet's header row (in the three languages), widths and text columns: shared
/// by the template and a bank's export, so that an export is a filled-in template.
fn question_sheet(sheet: &mut rust_xlsxwriter::Worksheet) -> Result<(), rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as CellFormat, FormatAlign, FormatBorder};
    let header_format = CellFormat::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_border_bottom(FormatBorder::Thin);
    let as_text = CellFormat::new().set_num_format("@").set_align(FormatAlign::Top);
    sheet.set_name(sheet_name(Msg::ExamTemplateSheet))?;
    let option_header = |n: usize| Msg::ExamColumnOption.texts().map(|t| t.replace("{n}", &n.to_string())).join(" / ");
    let mut headers = vec![trilingual(Msg::ExamColumnTopic), trilingual(Msg::ExamColumnType), trilingual(Msg::ExamColumnQuestion)];
    headers.extend((1..=XLSX_OPTIONS).map(option_header));
    for msg in [
        Msg::ExamColumnCorrect,
        Msg::ExamColumnPoints,
        Msg::ExamColumnWeights,
        Msg::ExamColumnFeedback,
        Msg::ExamColumnGeneralFeedback,
        Msg::ExamColumnCase,
    ] {
        headers.push(trilingual(msg));
    }
    for (col, header) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, header, &header_format)?;
    }
    let widths: [f64; COLUMNS] = [18.0, 22.0, 40.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 12.0, 16.0, 8.0, 14.0, 30.0, 30.0, 12.0];
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(col as u16, *width)?;
    }
    // Typed answers and shares stay as typed ("1,3" is not 1.3).
    sheet.set_column_format(COL_CORRECT as u16, &as_text)?;
    sheet.set_column_format(COL_WEIGHTS as u16, &as_text)?;
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn try_template_xlsx() -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as CellFormat, FormatAlign, FormatBorder, Workbook};

    let header_format = CellFormat::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_border_bottom(FormatBorder::Thin);
    let wrap = CellFormat::new().set_text_wrap().set_align(FormatAlign::Top);
    let as_text = CellFormat::new().set_num_format("@").set_align(FormatAlign::Top);

    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    question_sheet(sheet)?;
    let examples: [(QuestionKind, Msg, &[&str], &str, f64); 2] = [
        (QuestionKind::Single, Msg::ExamExampleQuestion1, &["4", "6", "8"], "2", 1.0),
        (QuestionKind::Multiple, Msg::ExamExampleQuestion2, &["2", "4", "7", "9"], "1,3", 2.0),
    ];
    for (i, (kind, question, options, correct, points)) in examples.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string_with_format(row, COL_TOPIC as u16, trilingual(Msg::ExamExampleTopic), &wrap)?;
        sheet.write_string_with_format(row, COL_TYPE as u16, trilingual(kind.msg()), &wrap)?;
        sheet.write_string_with_format(row, COL_QUESTION as u16, trilingual(*question), &wrap)?;
        for (j, option) in options.iter().enumerate() {
            sheet.write_string_with_format(row, (COL_FIRST_OPTION + j) as u16, *option, &wrap)?;
        }
        sheet.write_string_with_format(row, COL_CORRECT as u16, *correct, &as_text)?;
        sheet.write_number(row, COL_POINTS as u16, *points)?;
    }

    let help = book.add_worksheet();
    help.set_name(sheet_name(Msg::ExamTemplateHelpSheet))?;
    for (col, locale) in Locale::ALL.iter().enumerate() {
        help.write_string_with_format(0, col as u16, locale.native_name(), &header_format)?;
        help.set_column_width(col as u16, 60.0)?;
    }
    let lines = [
        Msg::ExamHelpRows,
        Msg::ExamHelpTopic,
        Msg::ExamHelpType,
        Msg::ExamHelpOptions,
        Msg::ExamHelpCorrect,
        Msg::ExamHelpPoints,
        Msg::ExamHelpWeights,
        Msg::ExamHelpFeedback,
    ];
    for (i, line) in lines.iter().enumerate() {
        for (col, text) in line.texts().iter().enumerate() {
            help.write_string_with_format(i as u32 + 1, col as u16, *text, &wrap)?;
        }
    }
    book.save_to_buffer()
}

/// A bank as the template's spreadsheet, one question a row, readable back by [`parse_xlsx`]
/// into the same questions. What the layout cannot hold is not written silently wrong: a
/// question with more than 8 options (or matching items), or with a "|" in an answer or a
/// feedback, or a numerical question with units, is left out and listed on a second sheet with
/// the reason (Moodle XML holds them); a picture is left out of its row and listed there too. Headers and reasons in `locale`'s
/// language, the kind in all three (as the template has it).
pub fn bank_xlsx(questions: &[Question], locale: Locale) -> Vec<u8> {
    try_bank_xlsx(questions, locale).unwrap_or_else(|e| {
        tracing::error!(error = %e, "bank export failed");
        Vec::new()
    })
}

/// A question's row in the template's columns, or why it cannot have one.
fn question_row(q: &Question) -> Result<Vec<(usize, String)>, Msg> {
    let mut cells = vec![(COL_TOPIC, q.topic.clone()), (COL_TYPE, trilingual(q.kind.msg())), (COL_QUESTION, q.text.clone())];
    let options: Vec<String> = match q.kind {
        QuestionKind::Single | QuestionKind::Multiple | QuestionKind::Ordering => q.options.clone(),
        QuestionKind::Matching => {
            let mut pairs: Vec<String> =
                q.options.iter().zip(&q.correct).map(|(left, &right)| format!("{left} => {}", q.right[right])).collect();
            // Right items nobody matches: "=> item".
            pairs.extend(q.right.iter().enumerate().filter(|(i, _)| !q.correct.contains(i)).map(|(_, r)| format!("=> {r}")));
            pairs
        }
        QuestionKind::Short | QuestionKind::Essay => Vec::new(),
        QuestionKind::Cloze | QuestionKind::DragText => return Err(Msg::ExamExportGapsInXml),
        QuestionKind::Calculated => return Err(Msg::ExamExportCalculated),
    };
    // The template has no columns for units: Moodle XML carries them.
    if q.units.is_some() {
        return Err(Msg::ExamExportUnits);
    }
    if options.len() > XLSX_OPTIONS {
        return Err(Msg::ExamExportTooManyOptions);
    }
    if q.accepted.iter().chain(&q.feedback).any(|t| t.contains('|')) {
        return Err(Msg::ExamExportBarInText);
    }
    cells.extend(options.into_iter().enumerate().map(|(i, o)| (COL_FIRST_OPTION + i, o)));
    let correct = match q.kind {
        QuestionKind::Single | QuestionKind::Multiple => q.correct.iter().map(|i| (i + 1).to_string()).collect::<Vec<_>>().join(","),
        QuestionKind::Short => {
            let numeric = |a: &str| parse_number(a).is_some();
            q.accepted
                .iter()
                .enumerate()
                .map(|(i, a)| match q.tolerances.get(i).copied().or(q.tolerance) {
                    // Written with "±" even when exact, if others are not: each keeps its own.
                    Some(t) if numeric(a) && (t > 0.0 || !q.tolerances.is_empty()) => format!("{a} ± {}", number_text(t)),
                    _ => a.clone(),
                })
                .collect::<Vec<_>>()
                .join(" | ")
        }
        _ => String::new(),
    };
    cells.push((COL_CORRECT, correct));
    if !q.weights.is_empty() {
        let percent = |w: &f64| number_text((w * 100.0 * 1e5).round() / 1e5);
        cells.push((COL_WEIGHTS, q.weights.iter().map(percent).collect::<Vec<_>>().join("; ")));
    }
    if !q.feedback.is_empty() {
        cells.push((COL_FEEDBACK, q.feedback.join(" | ")));
    }
    cells.push((COL_GENERAL_FEEDBACK, q.general_feedback.clone()));
    if q.case_sensitive {
        cells.push((COL_CASE, trilingual(Msg::Yes)));
    }
    Ok(cells)
}

fn try_bank_xlsx(questions: &[Question], locale: Locale) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as CellFormat, FormatAlign, Workbook};
    let wrap = CellFormat::new().set_text_wrap().set_align(FormatAlign::Top);
    let as_text = CellFormat::new().set_num_format("@").set_align(FormatAlign::Top);
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    question_sheet(sheet)?;
    let mut left_out: Vec<(&Question, Msg)> = Vec::new();
    let mut row = 0u32;
    for q in questions {
        let cells = match question_row(q) {
            Ok(cells) => cells,
            Err(reason) => {
                left_out.push((q, reason));
                continue;
            }
        };
        if q.image.is_some() {
            left_out.push((q, Msg::ExamExportPictureLeftOut));
        }
        row += 1;
        for (col, text) in cells.into_iter().filter(|(_, t)| !t.is_empty()) {
            let format = if col == COL_CORRECT || col == COL_WEIGHTS { &as_text } else { &wrap };
            sheet.write_string_with_format(row, col as u16, text, format)?;
        }
        sheet.write_number(row, COL_POINTS as u16, f64::from(q.points))?;
    }
    if !left_out.is_empty() {
        let notes = book.add_worksheet();
        notes.set_name(crate::docs::xlsx::sanitize_sheet_name(Msg::ExamBankExportLeftOut.text(locale)))?;
        let bold = CellFormat::new().set_bold();
        for (col, msg) in [Msg::ExamColumnTopic, Msg::ExamColumnQuestion, Msg::ExamExportReason].into_iter().enumerate() {
            notes.write_string_with_format(0, col as u16, msg.text(locale), &bold)?;
        }
        for (i, (q, reason)) in left_out.iter().enumerate() {
            let r = i as u32 + 1;
            notes.write_string_with_format(r, 0, &q.topic, &wrap)?;
            notes.write_string_with_format(r, 1, &q.text, &wrap)?;
            notes.write_string_with_format(r, 2, reason.text(locale), &wrap)?;
        }
        for (col, width) in [18.0, 60.0, 50.0].into_iter().enumerate() {
            notes.set_column_width(col as u16, width)?;
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    fn err(line: usize, problem: Msg) -> ImportError {
        ImportError { line, problem }
    }

    fn one(text: &str) -> Question {
        let questions = parse_gift(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
        assert_eq!(questions.len(), 1, "{questions:?}");
        questions.into_iter().next().expect("one question")
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn gift_single_and_multiple_choice() {
        let q = one("::Астана:: Қазақстанның астанасы қай қала? {=Астана ~Алматы ~Шымкент}");
        assert_eq!(q.kind, QuestionKind::Single);
        assert_eq!(q.text, "Қазақстанның астанасы қай қала?");
        assert_eq!(q.options, strings(&["Астана", "Алматы", "Шымкент"]));
        assert_eq!(q.correct, vec![0]);
        assert_eq!((q.points, q.topic.as_str()), (1, ""));

        assert!(q.weights.is_empty(), "one right answer needs no weights");

        // As in Moodle, a block with an "=" answer is single choice, even with two of them:
        // either one scores everything.
        let two_right = one("Столица Казахстана? {~Алматы =Астана =Нур-Султан ~Шымкент}");
        assert_eq!((two_right.kind, two_right.correct.clone()), (QuestionKind::Single, vec![1, 2]));
        assert_eq!(two_right.weights, vec![0.0, 1.0, 1.0, 0.0]);
        // A block without "=" is multiple response, scored by its weights.
        let weighted = one("Выберите гласные {\n~%50%а\n~%50%о\n~%-100%б\n~%-100%в\n}");
        assert_eq!((weighted.kind, weighted.correct.clone()), (QuestionKind::Multiple, vec![0, 1]));
        assert_eq!(weighted.weights, vec![0.5, 0.5, -1.0, -1.0]);
        // One 100% answer and negative weights: still multiple response (it was single choice).
        let full = one("Вопрос {~%100%да ~%-50%нет ~%-50%не знаю}");
        assert_eq!((full.kind, full.correct.clone(), full.weights.clone()), (QuestionKind::Multiple, vec![0], vec![1.0, -0.5, -0.5]));
        // One right answer plus a partly right one: single choice with partial credit.
        let partial = one("Вопрос {=верно ~%50%почти ~неверно}");
        assert_eq!((partial.kind, partial.correct.clone()), (QuestionKind::Single, vec![0]));
        assert_eq!(partial.weights, vec![1.0, 0.5, 0.0]);
    }

    /// The examples of Moodle's GIFT documentation, and the cases issue 19 found imported wrong.
    #[test]
    fn gift_as_moodle_reads_it() {
        use crate::exam::model::{score, Answer};
        let points = |q: &Question, answer: Answer| score(q, &answer).points_awarded;
        let tomb =
            one("What two people are entombed in Grant's tomb? {\n~%-100%No one\n~%50%Grant\n~%50%Grant's wife\n~%-100%Grant's father\n}");
        assert_eq!(tomb.kind, QuestionKind::Multiple);
        assert_eq!(points(&tomb, Answer::Choice(vec![1, 2])), 1.0);
        assert_eq!(points(&tomb, Answer::Choice(vec![1])), 0.5);
        assert_eq!(points(&tomb, Answer::Choice(vec![0, 1, 2])), 0.0, "a wrong tick costs what it weighs");

        let difficult = one("Difficult question {~wrong answer ~%50%half credit answer =full credit answer}");
        assert_eq!(difficult.kind, QuestionKind::Single);
        assert_eq!(points(&difficult, Answer::Choice(vec![1])), 0.5);
        assert_eq!(points(&difficult, Answer::Choice(vec![2])), 1.0);

        let grant = one("When was Ulysses S. Grant born? {#\n=1822:0 # Correct! Full credit.\n=%50%1822:2 # He was born in 1822. Half credit for being close.\n}");
        assert_eq!((grant.accepted.clone(), grant.tolerances.clone()), (strings(&["1822", "1822"]), vec![0.0, 2.0]));
        assert_eq!(points(&grant, Answer::Text("1822".into())), 1.0);
        assert_eq!(points(&grant, Answer::Text("1823".into())), 0.5);
        assert_eq!(points(&grant, Answer::Text("1825".into())), 0.0);
        let pi = one("What is the value of pi (to 3 decimal places)? {#3.14159:0.0005}.");
        assert_eq!((pi.accepted.clone(), pi.tolerance), (strings(&["3.14159"]), Some(0.0005)));

        // Format markers on answers and matching items are markers, not text.
        let colours = one("What colour is the sky? {=[plain]blue ~[plain]green ~[markdown]red}");
        assert_eq!(colours.options, strings(&["blue", "green", "red"]));
        let pairs = one("Match {=[html]<b>cat</b> -> cat food =[html]dog -> dog food}");
        assert_eq!((pairs.options.clone(), pairs.right.clone()), (strings(&["cat", "dog"]), strings(&["cat food", "dog food"])));
        let short = one("Two plus two {=[plain]four =4}");
        assert_eq!(short.accepted, strings(&["four", "4"]));

        // A numerical answer followed by the feedback for wrong ones.
        let wrong_feedback = one("2 + 2? {#4 ~#Count again}");
        assert_eq!((wrong_feedback.accepted.clone(), wrong_feedback.tolerance), (strings(&["4"]), None));
        let several = one("2 + 2? {#=4 =%50%4.5:0.5 ~%0%#Count again}");
        assert_eq!((several.accepted.clone(), several.weights.clone()), (strings(&["4", "4.5"]), vec![1.0, 0.5]));

        // Partial-credit short answers are kept.
        let cat = one("Name the pet {=dog =%50%cat}");
        assert_eq!((cat.accepted.clone(), cat.weights.clone()), (strings(&["dog", "cat"]), vec![1.0, 0.5]));
        assert_eq!(points(&cat, Answer::Text("Cat".into())), 0.5);

        // What cannot be imported as Moodle has it is refused, at the block's line.
        assert_eq!(parse_gift("Wildcard\n{=*ion}"), Err(vec![err(2, Msg::ErrImportWildcard)]));
        assert_eq!(one("Star {=2\\*3}").accepted, strings(&["2*3"]), "an escaped star is a star");
        assert_eq!(parse_gift("Sum {~%50%a ~%20%b ~c}"), Err(vec![err(1, Msg::ErrExamWeightsSum)]));
        assert_eq!(parse_gift("Single {=%50%a ~b}"), Err(vec![err(1, Msg::ErrExamWeightsNeedFull)]));
    }

    #[test]
    fn gift_true_false_in_kazakh_and_russian() {
        for (block, correct) in [("{T}", 0), ("{TRUE}", 0), ("{F}", 1), ("{false}", 1), ("{T#Неверно#Верно}", 0)] {
            let q = one(&format!("Жер Күнді айнала қозғалады. {block}"));
            assert_eq!(q.kind, QuestionKind::Single, "{block}");
            assert_eq!(q.options, strings(&["Дұрыс / Верно", "Қате / Неверно"]));
            assert_eq!(q.correct, vec![correct], "{block}");
            assert_eq!(q.text, "Жер Күнді айнала қозғалады.");
        }
    }

    #[test]
    fn gift_short_numeric_matching_and_essay() {
        let short = one("Кто написал «Слова назидания»? {=Абай =Абай Кунанбаев =%50%Кунанбаев}");
        assert_eq!((short.kind, short.accepted.clone()), (QuestionKind::Short, strings(&["Абай", "Абай Кунанбаев", "Кунанбаев"])));
        assert_eq!(short.weights, vec![1.0, 1.0, 0.5]);

        let numeric = one("g (м/с²)? {#9.8:0.1}");
        assert_eq!((numeric.kind, numeric.accepted.clone(), numeric.tolerance), (QuestionKind::Short, strings(&["9.8"]), Some(0.1)));
        let exact = one("2 + 2? {#4}");
        assert_eq!((exact.accepted.clone(), exact.tolerance), (strings(&["4"]), None));
        let range = one("Между 1 и 3 {#1..3}");
        assert_eq!((range.accepted.clone(), range.tolerance), (strings(&["2"]), Some(1.0)));
        let several = one("π с точностью {#=3.14:0.01 =3.1416:0.01}");
        assert_eq!((several.accepted.clone(), several.tolerance), (strings(&["3.14", "3.1416"]), Some(0.01)));
        let partial = one("π с точностью {#=3.14:0.01 =%50%3:0.5}");
        assert_eq!((partial.tolerance, partial.tolerances.clone(), partial.weights.clone()), (None, vec![0.01, 0.5], vec![1.0, 0.5]));
        let comma = one("Половина {#0,5}");
        assert_eq!(comma.accepted, strings(&["0.5"]));

        let matching =
            one("Сәйкестендіріңіз {\n=Абай -> Қара сөздер\n=Әуезов -> Абай жолы\n=Пушкин -> Евгений Онегин\n= -> Война и мир\n}");
        assert_eq!(matching.kind, QuestionKind::Matching);
        assert_eq!(matching.options, strings(&["Абай", "Әуезов", "Пушкин"]));
        assert_eq!(matching.right, strings(&["Қара сөздер", "Абай жолы", "Евгений Онегин", "Война и мир"]));
        assert_eq!(matching.correct, vec![0, 1, 2]);
        let shared = one("Материки {=Нил -> Африка =Конго -> Африка =Амазонка -> Южная Америка}");
        assert_eq!((shared.right.len(), shared.correct), (2, vec![0, 0, 1]));

        let essay = one("Абай туралы эссе жазыңыз. {}");
        assert_eq!((essay.kind, essay.text.as_str()), (QuestionKind::Essay, "Абай туралы эссе жазыңыз."));
        assert_eq!(one("Пустой ответ {\n}").kind, QuestionKind::Essay);
    }

    #[test]
    fn gift_escapes_feedback_titles_and_missing_words() {
        let q = one("::Формула\\: 1:: Что такое a\\=b\\{c\\}? {=равенство\\~тождество#Верно! ~неравенство#Нет\\#1 ####Общий отзыв = ~}");
        assert_eq!(q.text, "Что такое a=b{c}?");
        assert_eq!(q.options, strings(&["равенство~тождество", "неравенство"]));
        assert_eq!(q.correct, vec![0]);
        assert_eq!(q.feedback, strings(&["Верно!", "Нет#1"]), "each answer keeps its feedback");
        assert_eq!(q.general_feedback, "Общий отзыв = ~");
        let short = one("Мысық? {=кот#Дұрыс =%50%мысық =%0%ит#Жоқ}");
        assert_eq!(short.feedback, strings(&["Дұрыс", ""]), "a kept answer's feedback, none for one worth nothing");
        assert!(one("Бірлік? {=Ньютон ~Джоуль}").feedback.is_empty(), "no feedback: none stored");
        let missing = one("Абай {=Құнанбайұлы ~Әуезов} — қазақ ақыны.");
        assert_eq!(missing.text, "Абай _____ — қазақ ақыны.");
        let lines = one("Бірінші жол\\nекінші жол {=иә ~жоқ}");
        assert_eq!(lines.text, "Бірінші жол\nекінші жол");
        let html = one("[html]<p>Что больше: 2 &lt; 3?</p> {=<b>Да</b> ~Нет}");
        assert_eq!((html.text.as_str(), html.options.clone()), ("Что больше: 2 < 3?", strings(&["Да", "Нет"])));
        let path = one("Путь C:\\папка {=да ~нет}");
        assert_eq!(path.text, "Путь C:\\папка", "a backslash before an ordinary letter stays");
    }

    #[test]
    fn gift_comments_blank_lines_and_categories() {
        let file = "// Банк вопросов по физике\n\
                    $CATEGORY: $course$/top/Физика/Механика\n\
                    \n\
                    // первый вопрос\n\
                    ::Q1:: Бірлік? {\n=Ньютон\n~Джоуль\n}\n\
                    \n\
                    \n\
                    Скорость света? {#300000:1000}\n\
                    \n\
                    $CATEGORY: Оптика\n\
                    Линза? {=собирающая ~рассеивающая}\n\
                    \n\
                    $CATEGORY: $course$/top\n\
                    Без темы {}\n";
        let questions = parse_gift(file).expect("valid");
        let topics: Vec<(&str, QuestionKind)> = questions.iter().map(|q| (q.topic.as_str(), q.kind)).collect();
        assert_eq!(
            topics,
            vec![
                ("Механика", QuestionKind::Single),
                ("Механика", QuestionKind::Short),
                ("Оптика", QuestionKind::Single),
                ("", QuestionKind::Essay)
            ]
        );
        assert_eq!(questions[0].text, "Бірлік?");
        // Windows line ends and a BOM read the same.
        let windows = format!("\u{feff}{}", file.replace('\n', "\r\n"));
        assert_eq!(parse_gift(&windows), Ok(questions));
    }

    #[test]
    fn gift_broken_questions_point_at_their_lines_and_import_nothing() {
        let file = "Хороший вопрос {=да ~нет}\n\
                    \n\
                    // line 3\n\
                    Незакрытый вопрос\n\
                    {=да ~нет\n\
                    \n\
                    Нет верного ответа {~один ~два}\n\
                    \n\
                    Вопрос без ответов\n\
                    \n\
                    Странный блок {абв}\n\
                    \n\
                    Два блока {=а ~б} и {=в ~г}\n\
                    \n\
                    Один вариант {=единственный ~единственный}\n\
                    \n\
                    Ещё хороший {=да ~нет}\n";
        assert_eq!(
            parse_gift(file),
            Err(vec![
                err(5, Msg::ErrImportUnclosedBrace),
                err(7, Msg::ErrImportNoCorrectAnswer),
                err(9, Msg::ErrImportNoAnswerBlock),
                err(11, Msg::ErrImportUnknownSyntax),
                err(13, Msg::ErrImportUnknownSyntax),
                err(15, Msg::ErrExamDuplicateOption),
            ])
        );
        // A brace opened and another opened before it closes: the first is unclosed.
        assert_eq!(parse_gift("Вопрос {=а ~б\nВторой {=в ~г}\n"), Err(vec![err(1, Msg::ErrImportUnclosedBrace)]));
        assert_eq!(parse_gift("Вопрос {=а ~б\n\nВторой {=в ~г}\n"), Err(vec![err(1, Msg::ErrImportUnclosedBrace)]));
        assert_eq!(parse_gift("Мешанина {=а -> б =в}"), Err(vec![err(1, Msg::ErrImportUnknownSyntax)]));
        assert_eq!(parse_gift("Число {#много}"), Err(vec![err(1, Msg::ErrImportUnknownSyntax)]));
        assert_eq!(parse_gift("Число {#=%50%1:0.1 =%-10%2}"), Err(vec![err(1, Msg::ErrImportNoCorrectAnswer)]));
        assert_eq!(parse_gift("Краткий {=%50%почти}"), Err(vec![err(1, Msg::ErrImportNoCorrectAnswer)]));
        assert_eq!(parse_gift("// только комментарий\n\n"), Err(vec![err(0, Msg::ErrImportFileEmpty)]));
    }

    #[test]
    fn gift_errors_are_capped() {
        let file: String = (0..80).map(|i| format!("Вопрос {i} {{~а ~б}}\n\n")).collect();
        let errors = parse_gift(&file).expect_err("all broken");
        assert_eq!(errors.len(), MAX_ERRORS + 1);
        assert_eq!(errors[1], err(3, Msg::ErrImportNoCorrectAnswer));
        assert_eq!(errors[MAX_ERRORS], err(0, Msg::ErrImportTooManyErrors));
        let huge: String = (0..=MAX_QUESTIONS).map(|i| format!("Вопрос {i} {{}}\n\n")).collect();
        assert_eq!(parse_gift(&huge), Err(vec![err(0, Msg::ErrImportTooManyQuestions)]));
    }

    #[test]
    fn aiken_valid_file() {
        let file = "Қазақстанның астанасы?\n\
                    A) Алматы\n\
                    B) Астана\n\
                    C) Шымкент\n\
                    ANSWER: B\n\
                    \n\
                    Какие числа чётные?\n\
                    Выберите все.\n\
                    А. 2\n\
                    Б. 3\n\
                    В. 4\n\
                    ответ: А, В\n\
                    Без пустой строки перед вопросом?\n\
                    a) да\n\
                    b) нет\n\
                    ANSWER: а\n";
        let questions = parse_aiken(file).expect("valid");
        assert_eq!(questions.len(), 3);
        assert_eq!((questions[0].kind, questions[0].text.as_str()), (QuestionKind::Single, "Қазақстанның астанасы?"));
        assert_eq!(questions[0].options, strings(&["Алматы", "Астана", "Шымкент"]));
        assert_eq!(questions[0].correct, vec![1]);
        assert_eq!((questions[1].kind, questions[1].text.as_str()), (QuestionKind::Multiple, "Какие числа чётные?\nВыберите все."));
        assert_eq!((questions[1].options.clone(), questions[1].correct.clone()), (strings(&["2", "3", "4"]), vec![0, 2]));
        assert_eq!(questions[2].correct, vec![0], "a Cyrillic «а» answers a Latin «a)»");
        // Cyrillic «В» typed for the Latin «B)».
        let mixed = parse_aiken("Вопрос\nA) один\nB) два\nANSWER: В\n").expect("valid");
        assert_eq!(mixed[0].correct, vec![1]);
        // No space after the label, as Moodle also reads it.
        let tight = parse_aiken("Capital?\nA)Almaty\nB.Astana\nANSWER: B\n").expect("valid");
        assert_eq!((tight[0].options.clone(), tight[0].correct.clone()), (strings(&["Almaty", "Astana"]), vec![1]));
    }

    #[test]
    fn aiken_broken_file_reports_lines() {
        let file = "Первый вопрос\n\
                    A) да\n\
                    B) нет\n\
                    \n\
                    Второй вопрос\n\
                    A) да\n\
                    B) нет\n\
                    ANSWER: D\n\
                    \n\
                    Третий вопрос\n\
                    A) единственный\n\
                    ANSWER: A\n\
                    \n\
                    Четвёртый вопрос\n\
                    A) да\n\
                    продолжение без буквы\n\
                    B) нет\n\
                    ANSWER: A\n\
                    \n\
                    Пятый\n\
                    A) да\n\
                    A) да снова\n\
                    ANSWER: A\n\
                    \n\
                    Шестой хороший\n\
                    A) да\n\
                    B) нет\n\
                    ANSWER: A\n\
                    Седьмой без ответа\n\
                    A) да\n\
                    B) нет";
        assert_eq!(
            parse_aiken(file),
            Err(vec![
                err(1, Msg::ErrImportMissingAnswerLine),
                err(8, Msg::ErrImportAnswerNotAnOption),
                err(10, Msg::ErrExamTooFewOptions),
                err(16, Msg::ErrImportNotAnOptionLine),
                err(22, Msg::ErrExamDuplicateOption),
                err(29, Msg::ErrImportMissingAnswerLine),
            ])
        );
        assert_eq!(parse_aiken("ANSWER: A\n"), Err(vec![err(1, Msg::ErrImportUnknownSyntax)]));
        assert_eq!(parse_aiken("Вопрос\nA) да\nB) нет\nANSWER: AB\n"), Err(vec![err(4, Msg::ErrImportAnswerNotAnOption)]));
        assert_eq!(parse_aiken("\n\n"), Err(vec![err(0, Msg::ErrImportFileEmpty)]));
    }

    #[test]
    fn text_files_in_every_encoding() {
        let aiken = "Столица?\nA) Астана\nB) Алматы\nANSWER: A\n";
        let (cp1251, _, unmappable) = encoding_rs::WINDOWS_1251.encode(aiken);
        assert!(!unmappable && std::str::from_utf8(&cp1251).is_err(), "the test file must not be UTF-8");
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(aiken.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        let bom = [b"\xEF\xBB\xBF".as_slice(), aiken.as_bytes()].concat();
        for bytes in [aiken.as_bytes().to_vec(), cp1251.into_owned(), utf16, bom] {
            let questions = parse_file("тест.txt", &bytes).expect("readable");
            assert_eq!((questions[0].text.as_str(), questions[0].options[0].as_str()), ("Столица?", "Астана"));
        }
        assert_eq!(decode_text(b"a\0b"), None);
    }

    #[test]
    fn formats_are_detected_by_name_and_content() {
        let aiken = "Вопрос\nA) да\nB) нет\nANSWER: A\n".as_bytes();
        let gift = "Вопрос {=да ~нет}\n".as_bytes();
        assert_eq!(detect_format("test.txt", aiken), Some(Format::Aiken));
        assert_eq!(detect_format("test.TXT", gift), Some(Format::Gift));
        assert_eq!(detect_format("bank.gift", aiken), Some(Format::Gift), "the extension says GIFT");
        assert_eq!(detect_format("bank.xlsx", b"PK\x03\x04rest"), Some(Format::Xlsx));
        assert_eq!(detect_format("bank.txt", b"PK\x03\x04rest"), Some(Format::Xlsx), "the content says spreadsheet");
        assert_eq!(detect_format("bank.xls", &[0xD0, 0xCF, 0x11, 0xE0]), None);
        assert_eq!(detect_format("bank.docx", b"text"), None);
        assert_eq!(detect_format("bank", gift), None);
        assert_eq!(parse_file("bank.pdf", b"%PDF"), Err(vec![err(0, Msg::ErrImportFileType)]));
        assert_eq!(parse_file("bank.xlsx", b"not a zip"), Err(vec![err(0, Msg::ErrImportFileUnreadable)]));
        assert_eq!(parse_file("bank.txt", b"a\0b"), Err(vec![err(0, Msg::ErrImportFileUnreadable)]));
        assert_eq!(parse_file("bank.gift", gift).map(|q| q.len()), Ok(1));
    }

    #[test]
    fn question_types_in_three_languages() {
        let cases: [(&str, QuestionKind); 24] = [
            ("single", QuestionKind::Single),
            ("Один правильный ответ", QuestionKind::Single),
            ("одиночный выбор", QuestionKind::Single),
            ("бір жауапты", QuestionKind::Single),
            ("MULTIPLE", QuestionKind::Multiple),
            ("Несколько ответов", QuestionKind::Multiple),
            ("множественный выбор", QuestionKind::Multiple),
            ("Бірнеше жауапты", QuestionKind::Multiple),
            ("short", QuestionKind::Short),
            ("краткий ответ", QuestionKind::Short),
            ("қысқа жауап", QuestionKind::Short),
            ("числовой", QuestionKind::Short),
            ("matching", QuestionKind::Matching),
            ("Соответствие", QuestionKind::Matching),
            ("сәйкестендіру", QuestionKind::Matching),
            ("ordering", QuestionKind::Ordering),
            ("Последовательность", QuestionKind::Ordering),
            ("ретке келтіру", QuestionKind::Ordering),
            ("упорядочивание", QuestionKind::Ordering),
            ("essay", QuestionKind::Essay),
            ("Эссе", QuestionKind::Essay),
            ("развёрнутый ответ", QuestionKind::Essay),
            ("толық жауап", QuestionKind::Essay),
            ("Бір дұрыс жауапты / Один правильный ответ / Single choice", QuestionKind::Single),
        ];
        for (cell, kind) in cases {
            assert_eq!(kind_from_cell(cell), Some(kind), "{cell:?}");
        }
        for kind in QuestionKind::ALL {
            for text in kind.msg().texts() {
                assert_eq!(kind_from_cell(text), Some(kind), "the catalogue's own name {text:?}");
            }
        }
        for cell in ["", "тип", "Сұрақ түрі / Тип вопроса / Type", "один / несколько", "вопрос"] {
            assert_eq!(kind_from_cell(cell), None, "{cell:?}");
        }
    }

    /// A teacher's workbook: a title row, a header, and one question of each kind from row 4.
    fn teacher_xlsx(extra: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        let text = |ws: &mut rust_xlsxwriter::Worksheet, row: u32, col: usize, s: &str| {
            ws.write_string(row, col as u16, s).expect("cell");
        };
        text(ws, 0, 0, "Физика, 1 курс");
        for (col, h) in ["Тема", "Тип", "Вопрос", "Вариант 1", "Вариант 2", "Вариант 3"].iter().enumerate()
        {
            text(ws, 1, col, h);
        }
        text(ws, 1, COL_CORRECT, "Правильный");
        text(ws, 1, COL_POINTS, "Баллы");
        let rows: [(&str, &str, &str, &[&str], Option<&str>); 6] = [
            ("Механика", "один ответ", "Единица силы?", &["Ньютон", "Джоуль", "Ватт"], Some("1")),
            ("Механика", "несколько ответов", "Векторные величины?", &["скорость", "масса", "сила"], Some("1; 3")),
            ("Механика", "краткий", "g, м/с²?", &[], Some("9,8 ± 0,1|9.81")),
            ("", "соответствие", "Величина и единица", &["сила => Н", "работа -> Дж", "=> Вт"], None),
            ("Оптика", "упорядочивание", "По длине волны", &["красный", "зелёный", "синий"], None),
            ("Оптика", "эссе", "Опишите опыт Юнга", &[], None),
        ];
        for (i, (topic, kind, question, options, correct)) in rows.iter().enumerate() {
            let row = i as u32 + 3;
            text(ws, row, COL_TOPIC, topic);
            text(ws, row, COL_TYPE, kind);
            text(ws, row, COL_QUESTION, question);
            for (j, option) in options.iter().enumerate() {
                text(ws, row, COL_FIRST_OPTION + j, option);
            }
            if let Some(correct) = correct {
                text(ws, row, COL_CORRECT, correct);
            }
        }
        ws.write_number(3, COL_POINTS as u16, 2.0).expect("points");
        ws.write_string(4, COL_POINTS as u16, "3").expect("points");
        // Blank row 10, then Excel's number for "1,3" typed in a Russian locale.
        text(ws, 10, COL_TYPE, "multiple");
        text(ws, 10, COL_QUESTION, "Нечётные?");
        for (j, option) in ["1", "2", "3"].iter().enumerate() {
            text(ws, 10, COL_FIRST_OPTION + j, option);
        }
        ws.write_number(10, COL_CORRECT as u16, 1.3).expect("number");
        ws.write_string(10, 20, "заметка далеко справа").expect("ignored");
        extra(ws);
        book.save_to_buffer().expect("workbook")
    }

    #[test]
    fn xlsx_round_trip_of_every_kind() {
        let questions = parse_xlsx(&teacher_xlsx(|_| {})).expect("valid");
        let kinds: Vec<QuestionKind> = questions.iter().map(|q| q.kind).collect();
        use QuestionKind::*;
        assert_eq!(kinds, vec![Single, Multiple, Short, Matching, Ordering, Essay, Multiple]);
        assert_eq!((questions[0].topic.as_str(), questions[0].correct.clone(), questions[0].points), ("Механика", vec![0], 2));
        assert_eq!((questions[1].correct.clone(), questions[1].points), (vec![0, 2], 3));
        assert_eq!((questions[2].accepted.clone(), questions[2].tolerance), (strings(&["9.8", "9.81"]), Some(0.1)));
        assert_eq!(questions[3].options, strings(&["сила", "работа"]));
        assert_eq!(questions[3].right, strings(&["Н", "Дж", "Вт"]));
        assert_eq!(questions[3].correct, vec![0, 1]);
        assert_eq!(questions[4].options, strings(&["красный", "зелёный", "синий"]));
        assert_eq!((questions[5].topic.as_str(), questions[5].text.as_str()), ("Оптика", "Опишите опыт Юнга"));
        assert_eq!(questions[6].correct, vec![0, 2], "1.3 is read as options 1 and 3");
        assert_eq!(parse_file("банк.xlsx", &teacher_xlsx(|_| {})), Ok(questions));
    }

    #[test]
    fn xlsx_shares_feedback_and_case_columns() {
        let bytes = teacher_xlsx(|ws| {
            let mut text = |row: u32, col: usize, s: &str| {
                ws.write_string(row, col as u16, s).expect("cell");
            };
            // Row 4 (single): partial credit and feedback per option, a general feedback.
            text(3, COL_WEIGHTS, "100; 50%; 0");
            text(3, COL_FEEDBACK, "Дұрыс! | Жартылай | ");
            text(3, COL_GENERAL_FEEDBACK, "F = m·a");
            // Row 5 (multiple): the key left empty, read from the shares.
            text(4, COL_CORRECT, "");
            text(4, COL_WEIGHTS, "50 | -100 | 50");
            // Row 6 (short): each number its own tolerance, case-sensitive.
            text(5, COL_CORRECT, "9,8 ± 0,1 | 10 ± 1");
            text(5, COL_CASE, "да");
        });
        let q = parse_xlsx(&bytes).expect("valid");
        assert_eq!((q[0].correct.clone(), q[0].weights.clone()), (vec![0], vec![1.0, 0.5, 0.0]));
        assert_eq!(q[0].feedback, strings(&["Дұрыс!", "Жартылай", ""]));
        assert_eq!(q[0].general_feedback, "F = m·a");
        assert_eq!((q[1].correct.clone(), q[1].weights.clone()), (vec![0, 2], vec![0.5, -1.0, 0.5]));
        assert_eq!((q[2].tolerance, q[2].tolerances.clone(), q[2].case_sensitive), (None, vec![0.1, 1.0], true));

        let refused = |col: usize, cell: &str| {
            parse_xlsx(&teacher_xlsx(|ws| {
                ws.write_string(3, col as u16, cell).expect("cell");
            }))
        };
        assert_eq!(refused(COL_WEIGHTS, "100; 50"), Err(vec![err(4, Msg::ErrExamWeightInvalid)]), "a share per option");
        assert_eq!(refused(COL_WEIGHTS, "сто"), Err(vec![err(4, Msg::ErrExamWeightInvalid)]));
        assert_eq!(refused(COL_FEEDBACK, "один | два"), Err(vec![err(4, Msg::ErrExamFeedbackCount)]));
        assert_eq!(refused(COL_CASE, "может быть"), Err(vec![err(4, Msg::ErrImportCaseCell)]));
    }

    #[test]
    fn a_bank_exported_as_xlsx_reads_back_as_the_same_questions() {
        let mut bank = parse_xlsx(&teacher_xlsx(|_| {})).expect("valid");
        bank.extend(
            parse_gift(
                "$CATEGORY: Алгебра\n\nПростые? {~%50%2#Да ~%50%3#Да ~%-100%4#Нет ####Простое делится на 1 и себя}\n\n\
             Год {#=1822:0 =%50%1822:2}\n\nСтолица? {=Астана =%50%Ақмола}\n",
            )
            .expect("valid"),
        );
        bank.push(Question { case_sensitive: true, ..parse_gift("Река? {=Иртыш}").expect("valid").remove(0) });
        let back = parse_xlsx(&bank_xlsx(&bank, Locale::Ru)).expect("its own export reads back");
        assert_eq!(back, bank);

        // What the layout cannot hold is left out and listed, not written wrong.
        let wide = Question {
            options: (1..=9).map(|i| i.to_string()).collect(),
            correct: vec![0],
            ..Question::new(QuestionKind::Single, "Девять вариантов")
        };
        let barred = Question { accepted: strings(&["a|b"]), ..Question::new(QuestionKind::Short, "Черта") };
        let pictured = Question { image: Some("media/1".into()), ..bank[0].clone() };
        let with_units = Question {
            accepted: strings(&["2.5"]),
            units: Some(crate::exam::units::Units {
                list: vec![crate::exam::units::Unit { name: "м".into(), multiplier: 1.0 }],
                role: crate::exam::units::UnitRole::Graded,
                ..Default::default()
            }),
            ..Question::new(QuestionKind::Short, "Ұзындығы?")
        };
        let bytes = bank_xlsx(&[wide, barred, pictured, with_units], Locale::Ru);
        let back = parse_xlsx(&bytes).expect("readable");
        assert_eq!(back.len(), 1, "only the question with a picture has a row (without it)");
        assert_eq!(back[0].image, None);
        let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx");
        use calamine::Reader;
        let names = book.sheet_names();
        assert_eq!(names.len(), 2);
        let notes = book.worksheet_range(&names[1]).expect("notes");
        let reasons: Vec<String> = notes.rows().skip(1).map(|r| r[2].to_string()).collect();
        assert_eq!(
            reasons,
            vec![
                Msg::ExamExportTooManyOptions.text(Locale::Ru).to_string(),
                Msg::ExamExportBarInText.text(Locale::Ru).to_string(),
                Msg::ExamExportPictureLeftOut.text(Locale::Ru).to_string(),
                Msg::ExamExportUnits.text(Locale::Ru).to_string(),
            ]
        );
    }

    #[test]
    fn xlsx_broken_rows_are_reported_with_their_row_numbers() {
        let bytes = teacher_xlsx(|ws| {
            let mut text = |row: u32, col: usize, s: &str| {
                ws.write_string(row, col as u16, s).expect("cell");
            };
            // Row 13: unknown type and points out of range.
            text(12, COL_TYPE, "викторина");
            text(12, COL_QUESTION, "Что-то");
            text(12, COL_POINTS, "0");
            // Row 14: correct answer beyond the options.
            text(13, COL_TYPE, "single");
            text(13, COL_QUESTION, "Вопрос");
            text(13, COL_FIRST_OPTION, "а");
            text(13, COL_FIRST_OPTION + 1, "б");
            text(13, COL_CORRECT, "5");
            // Row 15: a gap between options, and no correct answer.
            text(14, COL_TYPE, "multiple");
            text(14, COL_QUESTION, "Вопрос");
            text(14, COL_FIRST_OPTION, "а");
            text(14, COL_FIRST_OPTION + 2, "в");
            // Row 16: a matching option without its pair.
            text(15, COL_TYPE, "matching");
            text(15, COL_QUESTION, "Пары");
            text(15, COL_FIRST_OPTION, "а => 1");
            text(15, COL_FIRST_OPTION + 1, "б");
            // Row 17: an option "1.5" that Excel kept as the 1st of May.
            text(16, COL_TYPE, "single");
            text(16, COL_QUESTION, "Вопрос");
            text(16, COL_FIRST_OPTION, "1");
            text(16, COL_CORRECT, "1");
            let may_first = rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 5, 1).expect("date");
            let date_format = rust_xlsxwriter::Format::new().set_num_format("dd.mm.yyyy");
            ws.write_datetime_with_format(16, (COL_FIRST_OPTION + 1) as u16, &may_first, &date_format).expect("date cell");
        });
        assert_eq!(
            parse_xlsx(&bytes),
            Err(vec![
                err(13, Msg::ErrImportTypeUnknown),
                err(13, Msg::ErrExamPointsInvalid),
                err(14, Msg::ErrExamCorrectOutOfRange),
                err(15, Msg::ErrImportOptionGap),
                err(15, Msg::ErrImportCorrectInvalid),
                err(16, Msg::ErrImportPairInvalid),
                err(17, Msg::ErrImportCellIsDate),
            ])
        );
    }

    #[test]
    fn xlsx_unreadable_and_empty_files() {
        assert_eq!(parse_xlsx(b"PK\x03\x04broken"), Err(vec![err(0, Msg::ErrImportFileUnreadable)]));
        assert_eq!(parse_xlsx(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), Err(vec![err(0, Msg::ErrImportFileType)]));
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 1, "Тип").expect("cell");
        ws.write_string(0, 2, "Вопрос").expect("cell");
        let header_only = book.save_to_buffer().expect("workbook");
        assert_eq!(parse_xlsx(&header_only), Err(vec![err(0, Msg::ErrImportFileEmpty)]));
    }

    #[test]
    fn template_parses_back_to_its_two_examples() {
        let bytes = template_xlsx();
        let questions = parse_file("template.xlsx", &bytes).expect("the template is a valid file");
        assert_eq!(questions.len(), 2);
        let (first, second) = (&questions[0], &questions[1]);
        assert_eq!(
            (first.kind, first.options.clone(), first.correct.clone(), first.points),
            (QuestionKind::Single, strings(&["4", "6", "8"]), vec![1], 1)
        );
        assert_eq!(first.text, Msg::ExamExampleQuestion1.texts().join(" / "));
        assert_eq!(first.topic, "Математика / Mathematics");
        assert_eq!((second.kind, second.correct.clone(), second.points), (QuestionKind::Multiple, vec![0, 2], 2));

        use calamine::{DataType, Reader, Xlsx};
        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("readable");
        assert_eq!(book.sheet_names().len(), 2, "the questions and the help");
        let sheet = book.worksheet_range_at(0).expect("questions sheet").expect("readable");
        let text = |r, c| sheet.get_value((r, c)).and_then(|d| d.get_string()).map(str::to_string);
        assert_eq!(text(0, 1).as_deref(), Some("Сұрақ түрі / Тип вопроса / Type"));
        assert_eq!(text(0, 3).as_deref(), Some("1-нұсқа / Вариант 1 / Option 1"));
        assert_eq!(text(0, 12).as_deref(), Some("Балл / Points"), "texts that agree are written once");
        assert_eq!(text(2, COL_CORRECT as u32).as_deref(), Some("1,3"), "kept as text");
        let help = book.worksheet_range_at(1).expect("help sheet").expect("readable");
        assert_eq!(help.get_value((5, 1)).and_then(|d| d.get_string()), Some(Msg::ExamHelpCorrect.texts()[1]));
    }
}
