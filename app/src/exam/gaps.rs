//! Questions with gaps in their text (issue 19): Moodle's embedded answers ("cloze",
//! `multianswer`) and drag and drop into text (`ddwtos`). Reading the gaps out of the text,
//! what a candidate sees of them (no answers), and scoring. Compiled for both targets: the
//! editor shows the parse and its errors as the teacher types.
//!
//! Embedded answers keep everything in the question's text, as Moodle does, so that the text
//! a teacher typed (or imported) is the one source of truth and exports back unchanged:
//!
//! ```text
//! Астана — {1:SHORTANSWER:=Астана#Дұрыс~%50%Астана қаласы} астанасы, {2:MC:=Алматы~Шымкент}.
//! ```
//!
//! A gap is `{weight:TYPE:answers}`: the weight (empty: 1) is the gap's share of the question,
//! answers are split by `~`, each `=` (100%) or `%n%` (n%) or neither (0%), then the answer,
//! then `#feedback`. `\}`, `\#`, `\~`, `\/`, `\"` and `\\` stand for the character itself.
//! Numerical answers are `value:tolerance`. `*` alone is Moodle's "any other answer" (for its
//! feedback); other wildcards are refused, as elsewhere in the bank.
//!
//! Multiple response gaps (`MULTIRESPONSE`/`MR`, `_H`/`MRH` in a row, `_S`/`MRS` and
//! `_HS`/`MRHS` shuffled) are checkboxes, scored as Moodle scores them
//! (`qtype_multianswer_extract_question`, then `qtype_multichoice_multi_question`): the right
//! answers' shares are scaled to add up to 100%; when no answer has a `%n%` share, each wrong
//! one takes away as much as a right one gives (`{MR:=a~=b~c}`: a and b 50% each, c −50%);
//! the gap earns the ticked answers' shares added up, between 0 and 100%.
//!
//! Drag and drop into text: `[[n]]` in the text is a gap whose right choice is choice n (from 1)
//! of `Question::options`; the gap offers the choices of that choice's group.

use super::limits::{MAX_OPTION, MAX_OPTIONS};
use super::rng::Rng;
use super::typed::{parse_number, short_matches, within};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The most gaps a question can have.
pub const MAX_GAPS: usize = 50;
/// The most groups a drag and drop question's choices can be in (Moodle offers 20).
pub const MAX_GROUPS: u32 = 20;

/// Which of the two gap questions a question is (None in [`GapSource`] for the other kinds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GapQuestion {
    Cloze,
    DragText,
}

/// What this module reads of a question: its text with the gaps and, for drag and drop, the
/// choices with their groups. `model::Question` converts into it, so the question model can
/// call in here (validate, present, score) without the two files importing each other.
#[derive(Clone, Copy, Debug)]
pub struct GapSource<'a> {
    pub kind: Option<GapQuestion>,
    pub text: &'a str,
    pub options: &'a [String],
    pub groups: &'a [u32],
    pub unlimited: &'a [bool],
}

/// How a gap is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GapKind {
    /// A typed word (SHORTANSWER, SA, MW).
    Short,
    /// A typed word where case matters (SHORTANSWER_C, SAC, MWC).
    ShortCase,
    /// A typed number (NUMERICAL, NM).
    Numerical,
    /// One option from a drop-down list (MULTICHOICE, MC).
    Dropdown,
    /// One option from radio buttons one under another (MULTICHOICE_V, MCV).
    Vertical,
    /// One option from radio buttons in a row (MULTICHOICE_H, MCH).
    Horizontal,
    /// Any options from checkboxes one under another (MULTIRESPONSE, MR).
    Checkboxes,
    /// Any options from checkboxes in a row (MULTIRESPONSE_H, MRH).
    CheckboxesRow,
    /// A choice put into the text (drag and drop into text).
    Drop,
}

impl GapKind {
    /// A Moodle type code as written in a gap (the shuffled `_S` variants too: all options are
    /// shuffled here anyway, so that the first one is not always the right one).
    pub fn from_moodle(code: &str) -> Option<GapKind> {
        Some(match code {
            "SHORTANSWER" | "SA" | "MW" => GapKind::Short,
            "SHORTANSWER_C" | "SAC" | "MWC" => GapKind::ShortCase,
            "NUMERICAL" | "NM" => GapKind::Numerical,
            "MULTICHOICE" | "MC" | "MULTICHOICE_S" | "MCS" => GapKind::Dropdown,
            "MULTICHOICE_V" | "MCV" | "MULTICHOICE_VS" | "MCVS" => GapKind::Vertical,
            "MULTICHOICE_H" | "MCH" | "MULTICHOICE_HS" | "MCHS" => GapKind::Horizontal,
            "MULTIRESPONSE" | "MR" | "MULTIRESPONSE_S" | "MRS" => GapKind::Checkboxes,
            "MULTIRESPONSE_H" | "MRH" | "MULTIRESPONSE_HS" | "MRHS" => GapKind::CheckboxesRow,
            _ => return None,
        })
    }

    /// Whether the candidate picks from options (rather than typing).
    pub fn is_choice(self) -> bool {
        matches!(self, GapKind::Dropdown | GapKind::Vertical | GapKind::Horizontal | GapKind::Drop) || self.is_multi()
    }

    /// Whether the candidate ticks any number of options (a [`GapAnswer::Choices`]).
    pub fn is_multi(self) -> bool {
        matches!(self, GapKind::Checkboxes | GapKind::CheckboxesRow)
    }

    /// The code the candidate's page gets.
    pub fn code(self) -> &'static str {
        match self {
            GapKind::Short | GapKind::ShortCase => "text",
            GapKind::Numerical => "number",
            GapKind::Dropdown | GapKind::Drop => "select",
            GapKind::Vertical => "vertical",
            GapKind::Horizontal => "horizontal",
            GapKind::Checkboxes => "checkboxes",
            GapKind::CheckboxesRow => "checkboxes-row",
        }
    }
}

/// An answer of an embedded gap.
#[derive(Clone, Debug, PartialEq)]
pub struct ClozeAnswer {
    /// As written, escapes undone; `*` is "any other answer".
    pub text: String,
    /// The share of the gap it earns, -1 to 1.
    pub share: f64,
    /// Numerical: how far a typed number may be.
    pub tolerance: f64,
    pub feedback: String,
}

/// A gap of an embedded-answers text.
#[derive(Clone, Debug, PartialEq)]
pub struct ClozeGap {
    pub weight: u32,
    pub kind: GapKind,
    pub answers: Vec<ClozeAnswer>,
}

impl ClozeGap {
    /// The answers the review names as right: every one worth something in a multiple response
    /// gap, else the first worth everything.
    pub fn right_answers(&self) -> Vec<&ClozeAnswer> {
        if self.kind.is_multi() {
            self.answers.iter().filter(|a| a.share > 0.0).collect()
        } else {
            self.answers.iter().find(|a| a.share >= 1.0 - 1e-6).into_iter().collect()
        }
    }
}

/// An embedded-answers text read: the text around the gaps (one more piece than gaps).
#[derive(Clone, Debug, PartialEq)]
pub struct Cloze {
    pub pieces: Vec<String>,
    pub gaps: Vec<ClozeGap>,
}

impl Cloze {
    /// Where gap `g`'s answers start in the question's answers counted across all gaps: what a
    /// [`GapAnswer::Choice`] of an embedded gap holds, and what the paper's option ids name.
    pub fn offset(&self, g: usize) -> usize {
        self.gaps[..g.min(self.gaps.len())].iter().map(|gap| gap.answers.len()).sum()
    }

    /// All answers across the gaps.
    pub fn answer_count(&self) -> usize {
        self.offset(self.gaps.len())
    }
}

/// What is wrong with a gap text: the gap's number (from 1; 0 for the text as a whole) and
/// the problem.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GapError {
    pub gap: usize,
    pub problem: Msg,
}

impl GapError {
    /// "Gap 2: …" in a language (the text alone for gap 0).
    pub fn text(&self, locale: crate::i18n::Locale) -> String {
        if self.gap == 0 {
            return self.problem.text(locale).to_string();
        }
        format!("{}: {}", Msg::GapNumber.text(locale).replace("{n}", &self.gap.to_string()), self.problem.text(locale))
    }
}

/// Splits at `sep` where it is not escaped with a backslash.
fn split_unescaped(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == sep {
            parts.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
}

/// Moodle's escapes undone: `\}` `\#` `\~` `\/` `\"` `\\` are the character; a backslash before
/// anything else stays (`\*` is a literal star for the short-answer match).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(&next) = chars.peek() {
                if matches!(next, '}' | '#' | '~' | '/' | '"' | '\\') {
                    out.push(next);
                    chars.next();
                    continue;
                }
            }
        }
        out.push(c);
    }
    out
}

/// The start of a gap at `rest` (which begins with `{`): its weight digits and type code, and
/// the length of `{weight:TYPE:`. None when the brace is not a gap's (a brace in a formula).
fn gap_head(rest: &str) -> Option<(&str, &str, usize)> {
    let body = &rest[1..];
    let digits = body.find(|c: char| !c.is_ascii_digit())?;
    let after = &body[digits..];
    let after = after.strip_prefix(':')?;
    let code_len = after.find(|c: char| !(c.is_ascii_alphabetic() || c == '_'))?;
    if code_len == 0 || !after[code_len..].starts_with(':') {
        return None;
    }
    Some((&body[..digits], &after[..code_len], 1 + digits + 1 + code_len + 1))
}

/// Reads an embedded-answers text. Braces that do not open a gap (`{x}` in a formula) are text.
pub fn parse_cloze(text: &str) -> Result<Cloze, GapError> {
    let mut pieces = Vec::new();
    let mut gaps = Vec::new();
    let mut piece_start = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find('{') {
        let open = at + found;
        let Some((digits, code, head)) = gap_head(&text[open..]) else {
            at = open + 1;
            continue;
        };
        let number = gaps.len() + 1;
        let err = |problem: Msg| GapError { gap: number, problem };
        let body_start = open + head;
        // The first `}` not escaped closes the gap.
        let mut close = None;
        let mut escaped = false;
        for (i, c) in text[body_start..].char_indices() {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '}' {
                close = Some(body_start + i);
                break;
            }
        }
        let close = close.ok_or(err(Msg::ErrGapUnclosed))?;
        let kind = GapKind::from_moodle(code).ok_or(err(Msg::ErrGapUnknownType))?;
        let weight = if digits.is_empty() {
            1
        } else {
            digits.parse::<u32>().ok().filter(|w| (1..=100).contains(w)).ok_or(err(Msg::ErrGapWeight))?
        };
        let mut answers = Vec::new();
        let raws = split_unescaped(&text[body_start..close], '~');
        for raw in &raws {
            answers.push(cloze_answer(raw, kind).map_err(err)?);
        }
        if answers.len() > MAX_OPTIONS {
            return Err(err(Msg::ErrExamTooManyOptions));
        }
        if kind.is_multi() {
            if answers.len() < 2 {
                return Err(err(Msg::ErrExamTooFewOptions));
            }
            let specific = raws.iter().any(|raw| raw.trim_start().starts_with('%'));
            if !settle_multi(&mut answers, specific) {
                return Err(err(Msg::ErrGapNoCorrect));
            }
        } else if !answers.iter().any(|a| a.share >= 1.0 - 1e-6) {
            return Err(err(Msg::ErrGapNoCorrect));
        }
        if kind.is_choice() && answers.iter().any(|a| a.text == "*") {
            return Err(err(Msg::ErrImportWildcard));
        }
        pieces.push(text[piece_start..open].to_string());
        gaps.push(ClozeGap { weight, kind, answers });
        piece_start = close + 1;
        at = close + 1;
        if gaps.len() > MAX_GAPS {
            return Err(GapError { gap: 0, problem: Msg::ErrGapTooMany });
        }
    }
    pieces.push(text[piece_start..].to_string());
    if gaps.is_empty() {
        return Err(GapError { gap: 0, problem: Msg::ErrGapNone });
    }
    Ok(Cloze { pieces, gaps })
}

/// A multiple response gap's shares as Moodle sets them: the right ones scaled to add up to 1,
/// and, when none was written as `%n%` (`specific`), each wrong one minus as much as a right one
/// gives. False when no answer is worth anything.
fn settle_multi(answers: &mut [ClozeAnswer], specific: bool) -> bool {
    let total: f64 = answers.iter().map(|a| a.share).filter(|&s| s > 0.0).sum();
    if total <= 0.0 {
        return false;
    }
    for a in answers {
        if a.share > 0.0 {
            a.share /= total;
        } else if !specific {
            a.share = -1.0 / total;
        }
    }
    true
}

/// One `~`-separated answer of a gap: `=answer#feedback`, `%50%answer`, `answer`.
fn cloze_answer(raw: &str, kind: GapKind) -> Result<ClozeAnswer, Msg> {
    let raw = raw.trim();
    let (share, rest) = if let Some(rest) = raw.strip_prefix('=') {
        (1.0, rest)
    } else if let Some(rest) = raw.strip_prefix('%') {
        let (percent, rest) = rest.split_once('%').ok_or(Msg::ErrGapAnswer)?;
        let percent = parse_number(percent).filter(|p| p.abs() <= 100.0).ok_or(Msg::ErrExamWeightInvalid)?;
        (percent / 100.0, rest)
    } else {
        (0.0, raw)
    };
    let mut parts = split_unescaped(rest, '#').into_iter();
    let answer = parts.next().unwrap_or("").trim();
    // A `#` inside the feedback is the feedback's own.
    let feedback = unescape(parts.collect::<Vec<_>>().join("#").trim());
    let (text, tolerance) = if kind == GapKind::Numerical && answer != "*" {
        let (value, tolerance) = answer.split_once(':').unwrap_or((answer, "0"));
        parse_number(value).ok_or(Msg::ErrGapAnswer)?;
        let tolerance = parse_number(tolerance).filter(|t| *t >= 0.0).ok_or(Msg::ErrExamToleranceInvalid)?;
        (value.trim().to_string(), tolerance)
    } else {
        (unescape(answer), 0.0)
    };
    if text.is_empty() {
        return Err(Msg::ErrGapAnswer);
    }
    if text.chars().count() > MAX_OPTION {
        return Err(Msg::ErrExamOptionTooLong);
    }
    if text != "*" && text.match_indices('*').any(|(at, _)| !text[..at].ends_with('\\')) {
        return Err(Msg::ErrImportWildcard);
    }
    Ok(ClozeAnswer { text: text.replace("\\*", "*"), share, tolerance, feedback })
}

/// A drag and drop text read: the text around the gaps, and each gap's right choice (index
/// into `Question::options`).
pub fn parse_drag_text(text: &str, choices: usize) -> Result<(Vec<String>, Vec<usize>), GapError> {
    let mut pieces = Vec::new();
    let mut gaps = Vec::new();
    let mut piece_start = 0;
    let mut at = 0;
    while let Some(found) = text[at..].find("[[") {
        let open = at + found;
        let rest = &text[open + 2..];
        let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
        if digits == 0 || !rest[digits..].starts_with("]]") {
            at = open + 2;
            continue;
        }
        let number = gaps.len() + 1;
        let choice = rest[..digits].parse::<usize>().ok().filter(|n| (1..=choices).contains(n));
        let choice = choice.ok_or(GapError { gap: number, problem: Msg::ErrGapUnknownChoice })?;
        pieces.push(text[piece_start..open].to_string());
        gaps.push(choice - 1);
        piece_start = open + 2 + digits + 2;
        at = piece_start;
        if gaps.len() > MAX_GAPS {
            return Err(GapError { gap: 0, problem: Msg::ErrGapTooMany });
        }
    }
    pieces.push(text[piece_start..].to_string());
    if gaps.is_empty() {
        return Err(GapError { gap: 0, problem: Msg::ErrGapNone });
    }
    Ok((pieces, gaps))
}

/// A drag and drop question's choice `i`'s group (1 when none is set).
pub fn group_of<'a>(q: impl Into<GapSource<'a>>, i: usize) -> u32 {
    let q = q.into();
    q.groups.get(i).copied().unwrap_or(1)
}

/// Whether a gap question can be asked: its gaps read (see [`parse_cloze`] and
/// [`parse_drag_text`]); drag and drop: at least one choice, a group (1 to [`MAX_GROUPS`]) and
/// an "unlimited" flag per choice or none at all, and no choice text twice in a group.
pub fn validate<'a>(q: impl Into<GapSource<'a>>) -> Result<(), GapError> {
    let q = q.into();
    let whole = |problem: Msg| GapError { gap: 0, problem };
    match q.kind {
        Some(GapQuestion::Cloze) => parse_cloze(&q.text).map(|_| ()),
        Some(GapQuestion::DragText) => {
            if q.options.is_empty() {
                return Err(whole(Msg::ErrExamTooFewOptions));
            }
            if (!q.groups.is_empty() && q.groups.len() != q.options.len())
                || q.groups.iter().any(|g| !(1..=MAX_GROUPS).contains(g))
                || (!q.unlimited.is_empty() && q.unlimited.len() != q.options.len())
            {
                return Err(whole(Msg::ErrGapGroup));
            }
            for i in 0..q.options.len() {
                if (0..i).any(|j| group_of(q, j) == group_of(q, i) && q.options[j].trim() == q.options[i].trim()) {
                    return Err(whole(Msg::ErrExamDuplicateOption));
                }
            }
            parse_drag_text(&q.text, q.options.len()).map(|_| ())
        }
        _ => Ok(()),
    }
}

/// How many options of a question the paper names with ids: for embedded answers every answer
/// of every gap (only the choice gaps' are ever shown), otherwise `options`.
pub fn named_options<'a>(q: impl Into<GapSource<'a>>) -> usize {
    let q = q.into();
    match q.kind {
        Some(GapQuestion::Cloze) => parse_cloze(&q.text).map(|c| c.answer_count()).unwrap_or(0),
        _ => q.options.len(),
    }
}

/// A gap as the candidate sees it: its kind, for a choice its options in the order shown
/// (`order[p]` is the option's index: across all gaps' answers for embedded answers, into
/// `options` for drag and drop), and for a typed answer a width in characters. No answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PresentedGap {
    pub kind: GapKind,
    pub options: Vec<String>,
    pub order: Vec<usize>,
    pub size: usize,
    /// Drag and drop: per option shown, whether it may fill one gap only (not "unlimited"),
    /// so the page moves it rather than copies it; empty for embedded answers, whose gaps
    /// have options of their own. Says nothing of the key.
    #[serde(default)]
    pub single_use: Vec<bool>,
}

/// What the candidate typed or picked in a gap, in the question's own indexes (see
/// [`PresentedGap::order`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GapAnswer {
    Text(String),
    Choice(usize),
    /// A multiple response gap: the options ticked.
    Choices(Vec<usize>),
}

impl GapAnswer {
    pub fn is_empty(&self) -> bool {
        match self {
            GapAnswer::Text(t) => t.trim().is_empty(),
            GapAnswer::Choice(_) => false,
            GapAnswer::Choices(ticked) => ticked.is_empty(),
        }
    }
}

/// What the candidate's page sends for a gap: a typed text, or the paper's id of the option
/// picked (resolved on the server; an id the paper does not have is refused).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GapPick {
    Text(String),
    Choice(String),
    /// A multiple response gap: the ids of the options ticked.
    Choices(Vec<String>),
}

/// A gap question's paper: the text with each gap as a blank, the text's pieces between the gaps,
/// and the gaps as the candidate sees them.
pub struct GapPaper {
    pub text: String,
    pub pieces: Vec<String>,
    pub gaps: Vec<PresentedGap>,
}

/// A gap question's paper (called by `model::present` with its generator): choice gaps' options
/// shuffled, typed gaps sized to fit the longest answer rounded up, so the width gives little
/// away. None for other kinds, and for a text that no longer reads (shown as it is, without gaps).
pub fn present_gaps<'a>(q: impl Into<GapSource<'a>>, rng: &mut Rng) -> Option<GapPaper> {
    const BLANK: &str = "_____";
    let q = q.into();
    match q.kind {
        Some(GapQuestion::Cloze) => {
            let cloze = parse_cloze(q.text).ok()?;
            let mut gaps = Vec::with_capacity(cloze.gaps.len());
            for (g, gap) in cloze.gaps.iter().enumerate() {
                let offset = cloze.offset(g);
                if gap.kind.is_choice() {
                    let order: Vec<usize> = rng.permutation(gap.answers.len()).into_iter().map(|i| offset + i).collect();
                    let options = order.iter().map(|&i| gap.answers[i - offset].text.clone()).collect();
                    gaps.push(PresentedGap { kind: gap.kind, options, order, size: 0, single_use: Vec::new() });
                } else {
                    let longest = gap.answers.iter().map(|a| a.text.chars().count()).max().unwrap_or(0);
                    gaps.push(PresentedGap {
                        kind: gap.kind,
                        options: Vec::new(),
                        order: Vec::new(),
                        size: longest.div_ceil(5) * 5 + 5,
                        single_use: Vec::new(),
                    });
                }
            }
            Some(GapPaper { text: cloze.pieces.join(BLANK), pieces: cloze.pieces, gaps })
        }
        Some(GapQuestion::DragText) => {
            let (pieces, rights) = parse_drag_text(q.text, q.options.len()).ok()?;
            let gaps = rights
                .into_iter()
                .map(|right| {
                    let group: Vec<usize> = (0..q.options.len()).filter(|&i| group_of(q, i) == group_of(q, right)).collect();
                    let order: Vec<usize> = rng.permutation(group.len()).into_iter().map(|p| group[p]).collect();
                    let options = order.iter().map(|&i| q.options[i].clone()).collect();
                    let single_use = order.iter().map(|&i| !q.unlimited.get(i).copied().unwrap_or(false)).collect();
                    PresentedGap { kind: GapKind::Drop, options, order, size: 0, single_use }
                })
                .collect();
            Some(GapPaper { text: pieces.join(BLANK), pieces, gaps })
        }
        None => None,
    }
}

/// Each gap's share earned (0 to 1) and weight, in the gaps' order.
pub fn gap_shares<'a>(q: impl Into<GapSource<'a>>, answers: &[Option<GapAnswer>]) -> Vec<(f64, u32)> {
    let q = q.into();
    let answer = |g: usize| answers.get(g).and_then(Option::as_ref);
    match q.kind {
        Some(GapQuestion::Cloze) => {
            let Ok(cloze) = parse_cloze(&q.text) else { return Vec::new() };
            cloze.gaps.iter().enumerate().map(|(g, gap)| (cloze_gap_share(gap, cloze.offset(g), answer(g)), gap.weight)).collect()
        }
        Some(GapQuestion::DragText) => {
            let Ok((_, gaps)) = parse_drag_text(&q.text, q.options.len()) else { return Vec::new() };
            // A choice that may fill only one gap counts where it was put first.
            let mut used = vec![false; q.options.len()];
            gaps.iter()
                .enumerate()
                .map(|(g, &right)| {
                    let Some(GapAnswer::Choice(c)) = answer(g) else { return (0.0, 1) };
                    let Some(seen) = used.get_mut(*c) else { return (0.0, 1) };
                    let limited = !q.unlimited.get(*c).copied().unwrap_or(false);
                    let counts = !(limited && *seen);
                    *seen = true;
                    (if counts && *c == right { 1.0 } else { 0.0 }, 1)
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The best answer of an embedded gap the candidate's one matches, if any: its index in the
/// gap's answers.
pub fn matched_cloze_answer(gap: &ClozeGap, offset: usize, answer: Option<&GapAnswer>) -> Option<usize> {
    match (gap.kind, answer?) {
        (kind, GapAnswer::Choice(i)) if kind.is_choice() && !kind.is_multi() => i.checked_sub(offset).filter(|&i| i < gap.answers.len()),
        (GapKind::Numerical, GapAnswer::Text(typed)) => {
            let value = parse_number(typed)?;
            best(gap, |a| a.text == "*" || parse_number(&a.text).is_some_and(|key| within(key, value, Some(a.tolerance))))
        }
        (GapKind::Short | GapKind::ShortCase, GapAnswer::Text(typed)) if !typed.trim().is_empty() => {
            best(gap, |a| a.text == "*" || short_matches(&a.text, typed, None, gap.kind == GapKind::ShortCase))
        }
        _ => None,
    }
}

/// The matching answer with the highest share, a specific one before "any other" (`*`).
fn best(gap: &ClozeGap, matches: impl Fn(&ClozeAnswer) -> bool) -> Option<usize> {
    let mut found: Option<usize> = None;
    for (i, a) in gap.answers.iter().enumerate() {
        if !matches(a) {
            continue;
        }
        let better = match found {
            None => true,
            Some(f) => {
                let other = &gap.answers[f];
                (other.text == "*" && a.text != "*") || (a.text != "*" && a.share > other.share)
            }
        };
        if better {
            found = Some(i);
        }
    }
    found
}

fn cloze_gap_share(gap: &ClozeGap, offset: usize, answer: Option<&GapAnswer>) -> f64 {
    if gap.kind.is_multi() {
        // Moodle's multiple response: the ticked answers' shares added up, from 0 to 1.
        return ticked_answers(gap, offset, answer).iter().map(|&i| gap.answers[i].share).sum::<f64>().clamp(0.0, 1.0);
    }
    matched_cloze_answer(gap, offset, answer).map_or(0.0, |i| gap.answers[i].share.clamp(0.0, 1.0))
}

/// The answers of a multiple response gap the candidate ticked (indexes in the gap's answers,
/// each once).
pub fn ticked_answers(gap: &ClozeGap, offset: usize, answer: Option<&GapAnswer>) -> Vec<usize> {
    let Some(GapAnswer::Choices(ticked)) = answer.filter(|_| gap.kind.is_multi()) else { return Vec::new() };
    let mut out: Vec<usize> = Vec::new();
    for i in ticked.iter().filter_map(|i| i.checked_sub(offset)).filter(|&i| i < gap.answers.len()) {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// The share of a gap question's points an answer earns: each gap's share weighted by its
/// weight (embedded answers; drag and drop: each gap alike).
pub fn share<'a>(q: impl Into<GapSource<'a>>, answers: &[Option<GapAnswer>]) -> f64 {
    let q = q.into();
    let shares = gap_shares(q, answers);
    let total: u32 = shares.iter().map(|(_, w)| w).sum();
    if total == 0 {
        return 0.0;
    }
    shares.iter().map(|(s, w)| s * f64::from(*w)).sum::<f64>() / f64::from(total)
}

/// Whether a gap answer fits its question: no more gaps than it has, typed text only in typed
/// gaps, and each pick one of the options its gap offers (the server refuses other answers).
pub fn fits<'a>(q: impl Into<GapSource<'a>>, answers: &[Option<GapAnswer>]) -> bool {
    let q = q.into();
    match q.kind {
        Some(GapQuestion::Cloze) => {
            let Ok(cloze) = parse_cloze(&q.text) else { return false };
            answers.len() <= cloze.gaps.len()
                && answers.iter().enumerate().all(|(g, a)| {
                    let gap = &cloze.gaps[g];
                    let offered = cloze.offset(g)..cloze.offset(g + 1);
                    match a {
                        None => true,
                        Some(GapAnswer::Text(_)) => !gap.kind.is_choice(),
                        Some(GapAnswer::Choice(i)) => gap.kind.is_choice() && !gap.kind.is_multi() && offered.contains(i),
                        Some(GapAnswer::Choices(ticked)) => {
                            gap.kind.is_multi()
                                && ticked.iter().all(|i| offered.contains(i))
                                && ticked.iter().enumerate().all(|(n, i)| !ticked[..n].contains(i))
                        }
                    }
                })
        }
        Some(GapQuestion::DragText) => {
            let Ok((_, gaps)) = parse_drag_text(&q.text, q.options.len()) else { return false };
            answers.len() <= gaps.len()
                && answers.iter().zip(&gaps).all(|(a, &right)| match a {
                    None => true,
                    Some(GapAnswer::Text(_)) => false,
                    Some(GapAnswer::Choice(i)) => *i < q.options.len() && group_of(q, *i) == group_of(q, right),
                    Some(GapAnswer::Choices(_)) => false,
                })
        }
        _ => false,
    }
}

/// A gap question's review, one line per gap ("2: Астана"): what the candidate put in each
/// gap (None for the whole when nothing), each gap's right answer (embedded answers: the first
/// worth everything), and the feedback of the answers given.
pub struct GapReview {
    pub answer: Vec<String>,
    pub correct: Vec<String>,
    pub feedback: Vec<String>,
}

pub fn review<'a>(q: impl Into<GapSource<'a>>, answers: &[Option<GapAnswer>]) -> GapReview {
    let q = q.into();
    let mut out = GapReview { answer: Vec::new(), correct: Vec::new(), feedback: Vec::new() };
    let line = |g: usize, text: &str| format!("{}: {text}", g + 1);
    let answer = |g: usize| answers.get(g).and_then(Option::as_ref).filter(|a| !a.is_empty());
    match q.kind {
        Some(GapQuestion::Cloze) => {
            let Ok(cloze) = parse_cloze(&q.text) else { return out };
            for (g, gap) in cloze.gaps.iter().enumerate() {
                let offset = cloze.offset(g);
                match answer(g) {
                    Some(GapAnswer::Text(t)) => out.answer.push(line(g, t.trim())),
                    Some(GapAnswer::Choice(i)) => {
                        if let Some(a) = i.checked_sub(offset).and_then(|i| gap.answers.get(i)) {
                            out.answer.push(line(g, &a.text));
                        }
                    }
                    Some(GapAnswer::Choices(_)) => {
                        let ticked: Vec<&str> =
                            ticked_answers(gap, offset, answer(g)).iter().map(|&i| gap.answers[i].text.as_str()).collect();
                        out.answer.push(line(g, &ticked.join(", ")));
                    }
                    None => {}
                }
                let right: Vec<&str> = gap.right_answers().iter().map(|a| a.text.as_str()).collect();
                if !right.is_empty() {
                    out.correct.push(line(g, &right.join(", ")));
                }
                let given: Vec<usize> = if gap.kind.is_multi() {
                    ticked_answers(gap, offset, answer(g))
                } else {
                    matched_cloze_answer(gap, offset, answer(g)).into_iter().collect()
                };
                let feedback: Vec<&str> = given.iter().map(|&i| gap.answers[i].feedback.trim()).filter(|f| !f.is_empty()).collect();
                if !feedback.is_empty() {
                    out.feedback.push(line(g, &feedback.join("; ")));
                }
            }
        }
        Some(GapQuestion::DragText) => {
            let Ok((_, gaps)) = parse_drag_text(&q.text, q.options.len()) else { return out };
            let choice = |i: usize| q.options.get(i).cloned().unwrap_or_default();
            for (g, &right) in gaps.iter().enumerate() {
                if let Some(GapAnswer::Choice(i)) = answer(g) {
                    out.answer.push(line(g, &choice(*i)));
                }
                out.correct.push(line(g, &choice(right)));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
#[path = "gaps_tests.rs"]
mod tests;
