//! What every reader of a question file shares (`import` for GIFT, Aiken and the XLSX
//! template, `moodle_xml`): the all-or-nothing collection of questions and errors, and the
//! few ways Moodle writes a text (HTML, a category path, true/false), and the share of the points
//! each option of a choice question is worth as both Moodle writers (XML and GIFT) write it.

use super::model::{ImportError, Question};
use crate::i18n::{Locale, Msg};

/// More questions than a file for one bank should hold: a larger file is a mistake.
pub const MAX_QUESTIONS: usize = 2000;
/// Errors listed at most; more are summed up by one [`Msg::ErrImportTooManyErrors`].
pub const MAX_ERRORS: usize = 50;

/// A file read whole: its questions, the picture embedded for each (only Moodle XML carries
/// pictures; the bytes were checked as an uploaded picture is), and what was left behind that the
/// teacher is told about (a question's second picture, say) with the question's line.
#[derive(Debug, Default, PartialEq)]
pub struct Imported {
    pub questions: Vec<Question>,
    /// One per question, in the same order.
    pub pictures: Vec<Option<Picture>>,
    pub notes: Vec<ImportError>,
}

/// A picture found in a file, checked by its content: the bytes and the extension its format has.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    pub bytes: Vec<u8>,
    pub ext: &'static str,
}

/// Gathers questions and errors while reading, and gives the all-or-nothing result.
#[derive(Default)]
pub(crate) struct Collected {
    questions: Vec<Question>,
    pictures: Vec<Option<Picture>>,
    notes: Vec<ImportError>,
    errors: Vec<ImportError>,
}

impl Collected {
    pub(crate) fn error(&mut self, line: usize, problem: Msg) {
        self.errors.push(ImportError { line, problem });
    }

    /// Keeps the question if it is valid, else notes why at its line.
    pub(crate) fn question(&mut self, line: usize, question: Question) {
        self.question_with_picture(line, question, None);
    }

    /// [`question`](Self::question) with the picture the file embeds for it.
    pub(crate) fn question_with_picture(&mut self, line: usize, question: Question, picture: Option<Picture>) {
        match question.validate() {
            Ok(()) => {
                self.questions.push(question);
                self.pictures.push(picture);
            }
            Err(problem) => self.error(line, problem),
        }
    }

    /// Something of the question at `line` that is left behind although the question is added.
    pub(crate) fn note(&mut self, line: usize, problem: Msg) {
        self.notes.push(ImportError { line, problem });
    }

    /// Whether to stop reading: the result is an error anyway, and a broken file should not be
    /// read to its end at the cost of memory.
    pub(crate) fn too_much(&self) -> bool {
        self.questions.len() + self.errors.len() > MAX_QUESTIONS
    }

    pub(crate) fn finish(self) -> Result<Vec<Question>, Vec<ImportError>> {
        self.finish_imported().map(|file| file.questions)
    }

    pub(crate) fn finish_imported(mut self) -> Result<Imported, Vec<ImportError>> {
        if self.questions.len() + self.errors.len() > MAX_QUESTIONS {
            return Err(vec![ImportError { line: 0, problem: Msg::ErrImportTooManyQuestions }]);
        }
        if !self.errors.is_empty() {
            if self.errors.len() > MAX_ERRORS {
                self.errors.truncate(MAX_ERRORS);
                self.errors.push(ImportError { line: 0, problem: Msg::ErrImportTooManyErrors });
            }
            return Err(self.errors);
        }
        if self.questions.is_empty() {
            return Err(vec![ImportError { line: 0, problem: Msg::ErrImportFileEmpty }]);
        }
        Ok(Imported { questions: self.questions, pictures: self.pictures, notes: self.notes })
    }
}

/// HTML from a Moodle export as plain text: line breaks and paragraphs become new lines, other
/// tags go, the common entities are decoded.
pub(crate) fn html_to_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            // A lone "<" is text ("a < b").
            text.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close].trim().to_lowercase();
        if tag.starts_with("br") || tag == "/p" || tag == "/div" || tag == "/li" {
            text.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    // Every HTML character reference, named (Moodle's editors write «» as &laquo;&raquo;) or
    // numeric, by the html-escape crate (already built for leptos); a no-break space is a
    // space here, so that "Абай&nbsp;Құнанбайұлы" accepts what a candidate types.
    let text = html_escape::decode_html_entities(&text).replace('\u{a0}', " ");
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// A Moodle category path as a topic: its last part, "" for the course's default category
/// (`$course$/top`).
pub(crate) fn topic_of_category(path: &str) -> String {
    let last = path.split('/').map(str::trim).rfind(|part| !part.is_empty()).unwrap_or("");
    let is_root = (last.starts_with('$') && last.ends_with('$')) || last == "top";
    if is_root {
        String::new()
    } else {
        last.to_string()
    }
}

/// "Дұрыс / Верно": a bank's questions serve Kazakh and Russian groups alike.
pub(crate) fn both_languages(msg: Msg) -> String {
    format!("{} / {}", msg.text(Locale::Kk), msg.text(Locale::Ru))
}

/// Whether a share is full marks (`%100%`, or Moodle's rounding of it).
pub(crate) fn is_full(share: f64) -> bool {
    share >= 1.0 - 1e-6
}

/// A short answer's text with Moodle's escaped star (`\*`) as a star. An unescaped `*` is
/// Moodle's wildcard, which is not supported here: taken as a plain star it would mark right
/// answers wrong, so it is refused.
pub(crate) fn without_wildcard(text: &str) -> Result<String, Msg> {
    if text.match_indices('*').any(|(at, _)| !text[..at].ends_with('\\')) {
        return Err(Msg::ErrImportWildcard);
    }
    Ok(text.replace("\\*", "*"))
}

/// A short answer read with its weights and tolerances: it needs an answer worth everything;
/// weights all at 100% and one tolerance for all are the plain form (no weights, `tolerance`).
/// No feedback at all rather than a list of empty ones (what an answer without any is stored as).
pub(crate) fn settle_feedback(q: &mut Question) {
    if q.feedback.iter().all(|f| f.trim().is_empty()) {
        q.feedback.clear();
    }
}

pub(crate) fn settle_short(q: &mut Question) -> Result<(), Msg> {
    if !q.weights.iter().any(|&w| is_full(w)) {
        return Err(Msg::ErrImportNoCorrectAnswer);
    }
    if q.weights.iter().all(|&w| is_full(w)) {
        q.weights.clear();
    }
    if let Some(&first) = q.tolerances.first() {
        if q.tolerances.iter().all(|t| (t - first).abs() <= 1e-12) {
            q.tolerances.clear();
            q.tolerance = (first > 0.0).then_some(first);
        }
    }
    Ok(())
}

/// The share of the points option `i` of a single or multiple choice question is worth, as Moodle
/// writes it (`fraction`, GIFT's `%50%`): its weight; without weights, all for a single choice's
/// right option, and for multiple choice what [`score`](super::model::score) gives: each correct
/// option 1/n of the points, each wrong one −1/n.
pub(crate) fn option_share(q: &Question, i: usize) -> f64 {
    let single = q.kind == super::model::QuestionKind::Single;
    let n = q.correct.len().max(1) as f64;
    match q.weights.get(i) {
        Some(&w) => w,
        None if q.correct.contains(&i) => 1.0 / if single { 1.0 } else { n },
        None if single => 0.0,
        None => -1.0 / n,
    }
}
