//! The PDF engine: pages laid out as simple drawing operations (text, rules, fills, QR codes,
//! pictures, links), paragraphs and labelled fields, tables that break across pages, and the
//! writer. It draws any table itself (`table_pdf`: journal pages, reports, results on A4
//! landscape); each domain draws its own documents with it, next to the data they show
//! (`journal::documents`: transcript and certificate of enrolment; `olympiad::registration::cards`:
//! registration cards and certificates; `proctor_review::report`: an attempt's report with its pictures).
//!
//! Server only. Plain data in, PDF bytes out: the callers load, check and format the data
//! (dates, marks, names); the fixed labels come from the message catalogue.
//!
//! Text is set in DejaVu Sans, which ships in `app/assets/fonts` (nothing is fetched at run
//! time) and is embedded as a subset: the standard PDF fonts have no Kazakh letters
//! (ә ғ қ ң ө ұ ү һ і). Every document is first laid out into pages of simple drawing
//! operations, so the page count is known for the "n / N" footers, and then written out.
//!
//! The writing is done here with small crates rather than a PDF library: pdf-writer for the
//! file structure, subsetter for the font subset, ttf-parser for the character map and the
//! advances, miniz_oxide to compress. A full library (krilla) pulled in font-writing crates
//! costing about two minutes of compile time on our 2-core machines for what is ~200 lines.
//! Glyphs are placed one per character with the font's own advances (no shaping): the texts
//! are Cyrillic and Latin, which need none, and measuring and drawing then agree exactly,
//! which the table layout relies on.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use pdf_writer::types::{ActionType, AnnotationType, CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;

use crate::i18n::Locale;

/// Any journal page or report: a title, a subtitle and a grid of already translated texts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    pub title: String,
    pub subtitle: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// Any table on A4 landscape: the header row repeats on every page, rows break across pages,
/// column widths follow the content (long texts wrap, up to four lines, then are cut with "…").
/// A table too wide even at 7 pt with the headers of narrow columns turned upright (a journal
/// with a column per lesson) is split into parts of columns, each starting on a new page and
/// keeping the first column (the student's name). Pages are numbered "n / N".
pub fn table_pdf(t: &Table) -> Vec<u8> {
    let mut f = Flow::new(A4_LONG, A4_SHORT, [28.0, 28.0, 36.0, 28.0]);
    f.paragraph(&t.title, Style::bold(13.0), Align::Left, 0.0);
    if !t.subtitle.trim().is_empty() {
        f.gap(2.0);
        f.paragraph(&t.subtitle, Style { gray: 70, ..Style::regular(9.5) }, Align::Left, 0.0);
    }
    f.gap(8.0);
    let grid = plan(&t.headers, &t.rows, f.width(), &[9.0, 8.0, 7.0], None);
    draw_table(&mut f, &grid, &t.headers, &t.rows, true);
    f.page_numbers(None, Some(&t.title), true);
    render(&f.pages, &t.title, None)
}

// ---------------------------------------------------------------------------------------------
// Pictures

/// A baseline JPEG in RGB, placed as is (`Op::Image` refers to it by its index).
#[derive(Clone, Debug, PartialEq)]
pub struct Jpeg {
    pub data: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

// ---------------------------------------------------------------------------------------------
// QR code

/// The modules of a QR code: `width` x `width`, row by row, `true` for dark.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct QrMatrix {
    pub width: usize,
    pub version: i16,
    pub dark: Vec<bool>,
}

impl QrMatrix {
    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }
}

/// Encodes `data` with medium error correction (survives a stamp or a fold over part of it).
/// `None` for empty data or data too long for any QR code.
pub(crate) fn qr_matrix(data: &str) -> Option<QrMatrix> {
    if data.trim().is_empty() {
        return None;
    }
    let code = qrcode::QrCode::with_error_correction_level(data.as_bytes(), qrcode::EcLevel::M).ok()?;
    let version = match code.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    };
    Some(QrMatrix { width: code.width(), version, dark: code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect() })
}

/// The dark modules as rectangles, one per horizontal run, so that a viewer draws no hairline
/// seams between neighbouring modules. `size` is the side of the code without its quiet zone
/// (the page margin around the block stays empty and serves as one).
pub(crate) fn qr_op(qr: &QrMatrix, x: f32, y: f32, size: f32) -> Op {
    let m = size / qr.width.max(1) as f32;
    let mut rects = Vec::new();
    for row in 0..qr.width {
        let mut col = 0;
        while col < qr.width {
            if !qr.is_dark(col, row) {
                col += 1;
                continue;
            }
            let start = col;
            while col < qr.width && qr.is_dark(col, row) {
                col += 1;
            }
            rects.push([x + start as f32 * m, y + row as f32 * m, (col - start) as f32 * m, m]);
        }
    }
    Op::Fill { gray: 0, rects }
}

// ---------------------------------------------------------------------------------------------
// Fonts and text measurement

const REGULAR_TTF: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans.ttf"));
const BOLD_TTF: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/fonts/DejaVuSans-Bold.ttf"));

/// A font with what layout needs: its character map and advances, and its data to embed.
struct Face {
    data: &'static [u8],
    ttf: ttf_parser::Face<'static>,
    /// The PostScript name, for the PDF font objects.
    name: &'static str,
    /// Font units to ems.
    per_em: f32,
    /// Above and below the baseline, in ems.
    ascent: f32,
    descent: f32,
}

impl Face {
    fn load(data: &'static [u8], name: &'static str) -> Face {
        let ttf = ttf_parser::Face::parse(data, 0).expect("the bundled DejaVu font is a valid TrueType font");
        let per_em = 1.0 / f32::from(ttf.units_per_em().max(1));
        Face { data, name, per_em, ascent: f32::from(ttf.ascender()) * per_em, descent: -f32::from(ttf.descender()) * per_em, ttf }
    }

    /// The glyph for a character and its advance in ems. A character the font lacks gets glyph 0
    /// (the font's "missing" box) rather than vanishing silently.
    fn glyph(&self, c: char) -> (u16, f32) {
        let id = self.ttf.glyph_index(printable(c)).map_or(0, |g| g.0);
        (id, self.advance(id))
    }

    fn advance(&self, glyph: u16) -> f32 {
        f32::from(self.ttf.glyph_hor_advance(ttf_parser::GlyphId(glyph)).unwrap_or(0)) * self.per_em
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.glyph(c).1).sum::<f32>() * size
    }
}

/// Control characters from the data (a stray NUL or tab) are drawn, and copied, as spaces.
fn printable(c: char) -> char {
    if c.is_control() {
        ' '
    } else {
        c
    }
}

struct Fonts {
    regular: Face,
    bold: Face,
}

static FONTS: LazyLock<Fonts> =
    LazyLock::new(|| Fonts { regular: Face::load(REGULAR_TTF, "DejaVuSans"), bold: Face::load(BOLD_TTF, "DejaVuSans-Bold") });

fn face(bold: bool) -> &'static Face {
    if bold {
        &FONTS.bold
    } else {
        &FONTS.regular
    }
}

/// How a run of text looks. `leading` is the line height as a multiple of the size.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    pub(crate) size: f32,
    pub(crate) bold: bool,
    pub(crate) gray: u8,
    pub(crate) leading: f32,
}

impl Style {
    pub(crate) fn regular(size: f32) -> Style {
        Style { size, bold: false, gray: 0, leading: 1.25 }
    }

    pub(crate) fn bold(size: f32) -> Style {
        Style { bold: true, ..Style::regular(size) }
    }

    pub(crate) fn line(self) -> f32 {
        self.size * self.leading
    }

    pub(crate) fn width(self, text: &str) -> f32 {
        face(self.bold).width(text, self.size)
    }

    /// From the top of a line box to the baseline: the font's ascent and descent centred in the box.
    pub(crate) fn baseline(self) -> f32 {
        let f = face(self.bold);
        (self.line() - (f.ascent + f.descent) * self.size) / 2.0 + f.ascent * self.size
    }
}

/// Breaks text into lines no wider than `first` (the first line) and `rest` (the others): at
/// whitespace, and inside a word only when the word alone is too wide (URLs, long codes).
fn wrap_first(text: &str, st: Style, first: f32, rest: f32) -> Vec<String> {
    let f = face(st.bold);
    let space = f.width(" ", st.size);
    let mut lines = Vec::new();
    let (mut line, mut line_w) = (String::new(), 0.0);
    let max = |lines: &Vec<String>| if lines.is_empty() { first } else { rest };
    // A dash never starts a line: it travels with the word before it.
    let mut words: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match words.last_mut() {
            Some(last) if matches!(word, "—" | "–") => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
    }
    for word in &words {
        let word = word.as_str();
        let w = f.width(word, st.size);
        if !line.is_empty() && line_w + space + w <= max(&lines) {
            line.push(' ');
            line.push_str(word);
            line_w += space + w;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if w <= max(&lines) {
            line = word.to_string();
            line_w = w;
            continue;
        }
        // A word wider than a whole line: break it after a hyphen or a slash when there is
        // one on the line, else anywhere.
        line_w = 0.0;
        for c in word.chars() {
            let cw = f.glyph(c).1 * st.size;
            if !line.is_empty() && line_w + cw > max(&lines) {
                let cut = line
                    .char_indices()
                    .filter(|&(i, ch)| i > 0 && matches!(ch, '-' | '/' | '‐'))
                    .map(|(i, ch)| i + ch.len_utf8())
                    .next_back();
                let tail = match cut {
                    Some(at) if at < line.len() => line.split_off(at),
                    _ => String::new(),
                };
                lines.push(std::mem::replace(&mut line, tail));
                line_w = f.width(&line, st.size);
            }
            line.push(c);
            line_w += cw;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn wrap(text: &str, st: Style, max: f32) -> Vec<String> {
    wrap_first(text, st, max, max)
}

/// One line, cut with "…" when wider than `max`.
pub(crate) fn fit(text: &str, st: Style, max: f32) -> String {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if st.width(&text) <= max {
        return text;
    }
    let ellipsis = st.width("…");
    let mut out = String::new();
    let mut w = 0.0;
    for c in text.chars() {
        let cw = face(st.bold).glyph(c).1 * st.size;
        if w + cw + ellipsis > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Wraps and keeps at most `max_lines`, the last one cut with "…" if text was left over.
pub(crate) fn wrap_clipped(text: &str, st: Style, max: f32, max_lines: usize) -> Vec<String> {
    let mut lines = wrap(text, st, max);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            *last = fit(&format!("{last} …"), st, max);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    lines
}

// ---------------------------------------------------------------------------------------------
// Pages as lists of drawing operations

/// A4 in points.
pub(crate) const A4_SHORT: f32 = 595.28;
pub(crate) const A4_LONG: f32 = 841.89;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// Coordinates are points from the top left corner of the page, y growing downwards.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// One line of text; `y` is its baseline. `up` turns it to read from bottom to top,
    /// starting at (x, y) (upright headers of narrow columns).
    Text { x: f32, y: f32, style: Style, up: bool, text: String },
    /// Filled rectangles [x, y, w, h] as one path: cell shading, QR modules.
    Fill { gray: u8, rects: Vec<[f32; 4]> },
    /// Straight lines [x1, y1, x2, y2] as one path: table rules, signature lines.
    Lines { gray: u8, width: f32, segs: Vec<[f32; 4]> },
    /// A clickable area [x, y, w, h] that opens `uri` (the verification address).
    Link { area: [f32; 4], uri: String },
    /// The document's image number `index` stretched over [x, y, w, h].
    Image { area: [f32; 4], index: usize },
}

pub(crate) struct Page {
    width: f32,
    height: f32,
    ops: Vec<Op>,
}

/// Lays content out top to bottom, starting new pages as needed.
pub(crate) struct Flow {
    pub(crate) pages: Vec<Page>,
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) top: f32,
    pub(crate) right: f32,
    pub(crate) bottom: f32,
    pub(crate) left: f32,
    /// The top of the next thing to place.
    pub(crate) y: f32,
}

impl Flow {
    /// `margins` are top, right, bottom, left.
    pub(crate) fn new(width: f32, height: f32, margins: [f32; 4]) -> Flow {
        let [top, right, bottom, left] = margins;
        let mut flow = Flow { pages: Vec::new(), width, height, top, right: width - right, bottom: height - bottom, left, y: top };
        flow.new_page();
        flow
    }

    pub(crate) fn width(&self) -> f32 {
        self.right - self.left
    }

    pub(crate) fn new_page(&mut self) {
        self.pages.push(Page { width: self.width, height: self.height, ops: Vec::new() });
        self.y = self.top;
    }

    pub(crate) fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last].ops
    }

    /// Starts a new page unless `h` more points fit on this one (or the page is still empty,
    /// where a new page would not help).
    pub(crate) fn room(&mut self, h: f32) {
        // The tolerance keeps sums of floats that land exactly on the bottom from breaking a page.
        if self.y + h > self.bottom + 0.01 && self.y > self.top {
            self.new_page();
        }
    }

    pub(crate) fn gap(&mut self, h: f32) {
        self.y += h;
    }

    pub(crate) fn text(&mut self, x: f32, baseline: f32, style: Style, text: &str) {
        if !text.trim().is_empty() {
            self.ops().push(Op::Text { x, y: baseline, style, up: false, text: text.to_string() });
        }
    }

    /// A wrapped paragraph; `indent` moves the first line in. Left aligned rather than
    /// justified: without hyphenation, the long Russian and Kazakh words would leave wide gaps.
    pub(crate) fn paragraph(&mut self, text: &str, st: Style, align: Align, indent: f32) {
        for (i, line) in wrap_first(text, st, self.width() - indent, self.width()).into_iter().enumerate() {
            self.room(st.line());
            let x0 = self.left + if i == 0 { indent } else { 0.0 };
            let w = st.width(&line);
            let x = match align {
                Align::Left => x0,
                Align::Center => x0 + (self.right - x0 - w) / 2.0,
                Align::Right => self.right - w,
            };
            let baseline = self.y + st.baseline();
            self.text(x, baseline, st, &line);
            self.y += st.line();
        }
    }

    /// Labelled values in two columns: the labels, then the values in bold, wrapped.
    pub(crate) fn fields(&mut self, fields: &[(&str, &String)], size: f32) {
        let label = Style { gray: 60, ..Style::regular(size) };
        let value = Style::bold(size);
        let label_w = fields.iter().map(|(l, _)| label.width(&format!("{l}:"))).fold(0.0, f32::max) + 10.0;
        let value_x = self.left + label_w.min(self.width() / 2.0);
        for (l, v) in fields {
            let lines = wrap(v, value, self.right - value_x);
            self.room(value.line() * lines.len().max(1) as f32);
            let baseline = self.y + label.baseline();
            self.text(self.left, baseline, label, &format!("{l}:"));
            for line in lines {
                let baseline = self.y + value.baseline();
                self.text(value_x, baseline, value, &line);
                self.y += value.line();
            }
            if v.trim().is_empty() {
                self.y += value.line();
            }
            self.y += 2.0;
        }
    }

    /// One line with a text at the left and another at the right.
    pub(crate) fn pair(&mut self, left: &str, right: &str, st: Style) {
        self.room(st.line());
        let baseline = self.y + st.baseline();
        let half = self.width() / 2.0 - 6.0;
        let left = fit(left, st, half);
        let right = fit(right, st, half);
        let rx = self.right - st.width(&right);
        self.text(self.left, baseline, st, &left);
        self.text(rx, baseline, st, &right);
        self.y += st.line();
    }

    /// The foot of a document: an optional note (the date of issue) at the left, a line to sign
    /// on at the right, and the place for the seal under them.
    pub(crate) fn closing(&mut self, note: &str, signature: &str, stamp: &str) {
        let st = Style::regular(10.5);
        self.room(st.line() * 4.0);
        let baseline = self.y + st.baseline();
        self.text(self.left, baseline, st, note);
        let line_w = 120.0;
        let label = format!("{signature}:");
        let label_x = self.right - line_w - 6.0 - st.width(&label);
        self.text(label_x, baseline, st, &label);
        let (x1, x2, y) = (self.right - line_w, self.right, baseline + 1.5);
        self.ops().push(Op::Lines { gray: 0, width: 0.6, segs: vec![[x1, y, x2, y]] });
        self.y += st.line() * 2.0;
        let baseline = self.y + st.baseline();
        self.text(self.left, baseline, Style { gray: 60, ..st }, stamp);
        self.y += st.line();
    }

    /// The check block at the foot of the page, where a verifier expects it: `caption` ("scan
    /// to check"), the QR code of `url` with four modules of white around it as the QR standard
    /// asks, and the address printed and linked. A URL too long for a QR code only loses the
    /// code: the address is still printed. Nothing for an empty URL.
    pub(crate) fn verify_footer(&mut self, url: &str, caption: &str) {
        let url = url.trim();
        if url.is_empty() {
            return;
        }
        let qr = qr_matrix(url);
        let qr_size = if qr.is_some() { 90.0 } else { 0.0 };
        let quiet = qr.as_ref().map_or(4.0, |q| 4.0 * qr_size / q.width.max(1) as f32);
        let caption_style = Style { gray: 60, ..Style::regular(8.0) };
        let url_style = Style { gray: 60, ..Style::regular(7.0) };
        let url_lines = wrap_clipped(url, url_style, 240.0, 3);
        let block = caption_style.line() + quiet + qr_size + quiet + url_lines.len() as f32 * url_style.line();
        if self.y + block + 16.0 > self.bottom {
            self.new_page();
        }
        self.y = self.bottom - block;
        self.paragraph(caption, caption_style, Align::Left, 0.0);
        self.gap(quiet);
        if let Some(qr) = qr {
            let (x, y) = (self.left, self.y);
            self.ops().push(qr_op(&qr, x, y, qr_size));
            self.gap(qr_size + quiet);
        }
        let (top, width) = (self.y, url_lines.iter().map(|l| url_style.width(l)).fold(0.0, f32::max));
        for line in &url_lines {
            self.paragraph(line, url_style, Align::Left, 0.0);
        }
        let area = [self.left, top, width, self.y - top];
        self.ops().push(Op::Link { area, uri: url.to_string() });
    }

    /// Numbers every page "n / N" (after `label`, as "Page n / N") at the foot, with `title`
    /// at the left when given. Without `always`, a one-page document gets no number.
    pub(crate) fn page_numbers(&mut self, label: Option<&str>, title: Option<&str>, always: bool) {
        let total = self.pages.len();
        if total < 2 && !always {
            return;
        }
        let st = Style { gray: 90, ..Style::regular(8.0) };
        let baseline = self.bottom + (self.height - self.bottom) / 2.0;
        let (left, right) = (self.left, self.right);
        for (i, page) in self.pages.iter_mut().enumerate() {
            let number = match label {
                Some(l) => format!("{l} {} / {total}", i + 1),
                None => format!("{} / {total}", i + 1),
            };
            let w = st.width(&number);
            match title.filter(|t| !t.trim().is_empty()) {
                Some(t) => {
                    let t = fit(t, st, (right - left) * 0.7);
                    page.ops.push(Op::Text { x: left, y: baseline, style: st, up: false, text: t });
                    page.ops.push(Op::Text { x: right - w, y: baseline, style: st, up: false, text: number });
                }
                None => page.ops.push(Op::Text { x: (left + right - w) / 2.0, y: baseline, style: st, up: false, text: number }),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tables

/// Cells wrap to at most this many lines; the rest is cut with "…".
const MAX_CELL_LINES: usize = 4;
/// Headers wrap to at most this many lines.
const MAX_HEADER_LINES: usize = 3;
/// The longest an upright header may be.
const MAX_UP_HEADER: f32 = 80.0;

/// How a table's columns are set out.
#[derive(Clone, Debug)]
pub(crate) struct Grid {
    size: f32,
    widths: Vec<f32>,
    /// Headers turned upright, for narrow columns whose header is what would make them wide.
    up: Vec<bool>,
    pub(crate) align: Vec<Align>,
    /// The columns of each part of a table too wide for the page, each part on its own pages;
    /// the first column repeats in every part. One part holding every column otherwise.
    parts: Vec<Vec<usize>>,
}

fn cell(rows: &[Vec<String>], r: usize, c: usize) -> &str {
    rows.get(r).and_then(|row| row.get(c)).map(String::as_str).unwrap_or("")
}

fn column_count(headers: &[String], rows: &[Vec<String>]) -> usize {
    rows.iter().map(Vec::len).chain([headers.len()]).max().unwrap_or(0)
}

fn pad_x(size: f32) -> f32 {
    size * 0.3
}

fn pad_y(size: f32) -> f32 {
    size * 0.3
}

/// The widths a column wants: `pref` to keep every cell on one line (and the header on two),
/// `min` to break only between words; both capped at `cap`, beyond which texts wrap anyway. `up_*` are the same
/// with the header turned upright, when only its height matters.
struct Want {
    pref: f32,
    min: f32,
    up_pref: f32,
    up_min: f32,
}

fn want(headers: &[String], rows: &[Vec<String>], c: usize, size: f32, cap: f32) -> Want {
    let body = Style::regular(size);
    let head = Style::bold(size);
    let longest_word = |st: Style, s: &str| s.split_whitespace().map(|w| st.width(w)).fold(0.0, f32::max);
    let (mut pref, mut min) = (0.0f32, 0.0f32);
    for r in 0..rows.len() {
        let s = cell(rows, r, c);
        pref = pref.max(body.width(s.trim()));
        min = min.max(longest_word(body, s));
    }
    let header = headers.get(c).map(String::as_str).unwrap_or("");
    let pad = 2.0 * pad_x(size);
    let up = head.line();
    // A header may take two lines rather than widen a column of short values.
    let header_pref = longest_word(head, header).max(head.width(header.trim()) * 0.55);
    Want {
        pref: (pref.max(header_pref) + pad).min(cap),
        min: (min.max(longest_word(head, header)) + pad).min(cap),
        up_pref: (pref.max(up) + pad).min(cap),
        up_min: (min.max(up) + pad).min(cap),
    }
}

/// Columns holding only short values (marks, hours, dates) are centred, others left aligned.
fn auto_align(rows: &[Vec<String>], c: usize) -> Align {
    if (0..rows.len()).all(|r| cell(rows, r, c).trim().chars().count() <= 6) {
        Align::Center
    } else {
        Align::Left
    }
}

/// Shares `avail` among columns: their preferred widths when they fit (the rest goes to
/// column `grow`, or to all of them in proportion, at most doubling them, when `stretch`),
/// else something between the minimum and the preferred width, the same share for each.
fn distribute(pref: &[f32], min: &[f32], avail: f32, grow: Option<usize>, stretch: bool) -> Vec<f32> {
    let (sp, sm): (f32, f32) = (pref.iter().sum(), min.iter().sum());
    if sp <= avail {
        let extra = avail - sp;
        let mut w = pref.to_vec();
        match grow.filter(|g| *g < w.len()) {
            _ if !stretch || sp <= 0.0 => {}
            Some(g) => {
                // A little air for the narrow columns, the rest to the one that grows.
                let air = (extra / w.len() as f32).min(6.0);
                w.iter_mut().for_each(|x| *x += air);
                w[g] += extra - air * w.len() as f32;
            }
            None => {
                let k = (avail / sp).min(2.0);
                w.iter_mut().for_each(|x| *x *= k);
            }
        }
        return w;
    }
    let k = if sp > sm { ((avail - sm) / (sp - sm)).clamp(0.0, 1.0) } else { 0.0 };
    pref.iter().zip(min).map(|(p, m)| m + (p - m) * k).collect()
}

/// Chooses the font size, the column widths, which headers turn upright and, when nothing
/// else fits, how the columns split into parts. In order of preference: every cell on one
/// line at the largest of `sizes` that allows it; the same with upright headers at the
/// smallest size (a journal); cells wrapping between words at the largest size that allows
/// it (a text-heavy report); then parts of columns with upright headers at the smallest size.
pub(crate) fn plan(headers: &[String], rows: &[Vec<String>], avail: f32, sizes: &[f32], grow: Option<usize>) -> Grid {
    let n = column_count(headers, rows);
    let align: Vec<Align> = (0..n).map(|c| auto_align(rows, c)).collect();
    let sizes = if sizes.is_empty() { &[8.0][..] } else { sizes };
    let smallest = sizes.iter().copied().fold(f32::INFINITY, f32::min);
    let cap = avail * 0.45;
    let wants = |size: f32| -> Vec<Want> { (0..n).map(|c| want(headers, rows, c, size, cap)).collect() };
    // Turn a header upright where that makes its column narrower; never the first column's.
    let upright = |wants: &[Want]| -> Vec<bool> { wants.iter().enumerate().map(|(c, w)| c > 0 && w.up_min < w.min).collect() };
    let widths = |wants: &[Want], up: &[bool]| -> (Vec<f32>, Vec<f32>) {
        let pick = |c: usize, flat: f32, turned: f32| if up[c] { turned } else { flat };
        let pref = wants.iter().enumerate().map(|(c, w)| pick(c, w.pref, w.up_pref)).collect();
        let min = wants.iter().enumerate().map(|(c, w)| pick(c, w.min, w.up_min)).collect();
        (pref, min)
    };
    let grid = |size: f32, pref: &[f32], min: &[f32], up: Vec<bool>| Grid {
        size,
        widths: distribute(pref, min, avail, grow, true),
        up,
        align: align.clone(),
        parts: vec![(0..n).collect()],
    };

    let flat = vec![false; n];
    for &size in sizes {
        let (pref, min) = widths(&wants(size), &flat);
        if pref.iter().sum::<f32>() <= avail {
            return grid(size, &pref, &min, flat);
        }
    }
    let small = wants(smallest);
    let up = upright(&small);
    let (up_pref, up_min) = widths(&small, &up);
    if up_pref.iter().sum::<f32>() <= avail {
        return grid(smallest, &up_pref, &up_min, up);
    }
    for &size in sizes {
        let (pref, min) = widths(&wants(size), &flat);
        if min.iter().sum::<f32>() <= avail {
            return grid(size, &pref, &min, flat);
        }
    }
    if up_min.iter().sum::<f32>() <= avail {
        return grid(smallest, &up_pref, &up_min, up);
    }

    // Split: the first column on every part, the others in order into as few parts as will
    // do, of about the same width so that no page ends up with a stub of columns.
    let (pref, min) = (up_pref, up_min);
    let first = pref[0].min(avail * 0.3);
    let rest = avail - first;
    let min: Vec<f32> = min.iter().map(|m| m.min(rest)).collect();
    let parts_within = |limit: f32| pack(&min[1..], limit);
    let count = parts_within(rest).len();
    let (mut lo, mut hi) = (min[1..].iter().copied().fold(0.0, f32::max), rest);
    for _ in 0..24 {
        let mid = (lo + hi) / 2.0;
        if parts_within(mid).len() > count {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let mut widths = vec![0.0; n];
    widths[0] = first;
    let mut parts: Vec<Vec<usize>> = parts_within(hi).into_iter().map(|p| p.into_iter().map(|c| c + 1).collect()).collect();
    for part in &mut parts {
        let p: Vec<f32> = part.iter().map(|&c| pref[c].min(rest)).collect();
        let m: Vec<f32> = part.iter().map(|&c| min[c]).collect();
        for (&c, w) in part.iter().zip(distribute(&p, &m, rest, None, true)) {
            widths[c] = w;
        }
        part.insert(0, 0);
    }
    Grid { size: smallest, widths, up, align, parts }
}

/// Packs widths in order into groups no wider than `limit` (a width beyond it gets a group of
/// its own); returns the indices of each group.
fn pack(widths: &[f32], limit: f32) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut used = 0.0;
    for (i, &w) in widths.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if used + w <= limit => g.push(i),
            _ => {
                groups.push(vec![i]);
                used = 0.0;
            }
        }
        used += w;
    }
    groups
}

/// Collects the rules of the table block on the current page; drawn when the block ends.
struct Rules {
    top: f32,
    ys: Vec<f32>,
}

impl Rules {
    fn flush(self, flow: &mut Flow, xs: &[f32]) {
        let (Some(&first_x), Some(&last_x), Some(&bottom)) = (xs.first(), xs.last(), self.ys.last()) else { return };
        let mut segs: Vec<[f32; 4]> = xs.iter().map(|&x| [x, self.top, x, bottom]).collect();
        segs.push([first_x, self.top, last_x, self.top]);
        segs.extend(self.ys.iter().map(|&y| [first_x, y, last_x, y]));
        flow.ops().push(Op::Lines { gray: 110, width: 0.4, segs });
    }
}

pub(crate) fn draw_table(flow: &mut Flow, grid: &Grid, headers: &[String], rows: &[Vec<String>], zebra: bool) {
    let body = Style::regular(grid.size);
    let head = Style::bold(grid.size);
    let (px, py) = (pad_x(grid.size), pad_y(grid.size));
    for (p, cols) in grid.parts.iter().enumerate() {
        if cols.is_empty() {
            continue;
        }
        if p > 0 {
            flow.new_page();
        }
        let mut xs = vec![flow.left];
        for &c in cols {
            xs.push(xs[xs.len() - 1] + grid.widths[c]);
        }
        let inner = |c: usize| (grid.widths[c] - 2.0 * px).max(1.0);

        // The header cells: wrapped lines, or one upright line.
        let head_cells: Vec<Vec<String>> = cols
            .iter()
            .map(|&c| {
                let h = headers.get(c).map(String::as_str).unwrap_or("");
                if grid.up[c] {
                    vec![fit(h, head, MAX_UP_HEADER)]
                } else {
                    wrap_clipped(h, head, inner(c), MAX_HEADER_LINES)
                }
            })
            .collect();
        let head_h = cols
            .iter()
            .zip(&head_cells)
            .map(|(&c, lines)| {
                if grid.up[c] {
                    lines.iter().map(|l| head.width(l)).fold(0.0, f32::max) + 2.0 * py
                } else {
                    lines.len() as f32 * head.line() + 2.0 * py
                }
            })
            .fold(head.line() + 2.0 * py, f32::max);

        let body_cells: Vec<Vec<Vec<String>>> = (0..rows.len())
            .map(|r| cols.iter().map(|&c| wrap_clipped(cell(rows, r, c), body, inner(c), MAX_CELL_LINES)).collect())
            .collect();
        let heights: Vec<f32> =
            body_cells.iter().map(|cells| cells.iter().map(Vec::len).max().unwrap_or(0).max(1) as f32 * body.line() + 2.0 * py).collect();

        let header = |flow: &mut Flow| -> Rules {
            let top = flow.y;
            flow.ops().push(Op::Fill { gray: 228, rects: vec![[xs[0], top, xs[xs.len() - 1] - xs[0], head_h]] });
            for (i, (&c, lines)) in cols.iter().zip(&head_cells).enumerate() {
                let (x, w) = (xs[i], grid.widths[c]);
                if grid.up[c] {
                    let line = lines.first().cloned().unwrap_or_default();
                    let tx = x + w / 2.0 + head.size * 0.36;
                    flow.ops().push(Op::Text { x: tx, y: top + head_h - py, style: head, up: true, text: line });
                } else {
                    let block = lines.len() as f32 * head.line();
                    let mut y = top + (head_h - block) / 2.0;
                    for line in lines {
                        let lw = head.width(line);
                        flow.text(x + (w - lw) / 2.0, y + head.baseline(), head, line);
                        y += head.line();
                    }
                }
            }
            flow.y += head_h;
            Rules { top, ys: vec![flow.y] }
        };

        flow.room(head_h + heights.first().copied().unwrap_or(0.0));
        let mut rules = header(flow);
        for (r, cells) in body_cells.iter().enumerate() {
            let h = heights[r];
            if flow.y + h > flow.bottom + 0.01 {
                rules.flush(flow, &xs);
                flow.new_page();
                rules = header(flow);
            }
            let top = flow.y;
            if zebra && r % 2 == 1 {
                flow.ops().push(Op::Fill { gray: 245, rects: vec![[xs[0], top, xs[xs.len() - 1] - xs[0], h]] });
            }
            for (i, (&c, lines)) in cols.iter().zip(cells).enumerate() {
                let (x, w) = (xs[i], grid.widths[c]);
                for (l, line) in lines.iter().enumerate() {
                    let lw = body.width(line);
                    let tx = match grid.align[c] {
                        Align::Left => x + px,
                        Align::Center => x + (w - lw) / 2.0,
                        Align::Right => x + w - px - lw,
                    };
                    flow.text(tx, top + py + l as f32 * body.line() + body.baseline(), body, line);
                }
            }
            flow.y += h;
            rules.ys.push(flow.y);
        }
        rules.flush(flow, &xs);
    }
}

// ---------------------------------------------------------------------------------------------
// Writing the PDF

/// Resource names of the regular and the bold font on every page.
const FONT_NAMES: [&[u8]; 2] = [b"F0", b"F1"];

/// CID fonts addressed by glyph ID: the "Adobe-Identity-0" collection.
const IDENTITY: SystemInfo = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };

/// The glyphs of one face that a document uses, renumbered densely for its subset (the
/// subset's glyph IDs are the CIDs in the content streams), and the text behind each.
struct FontUse {
    face: &'static Face,
    remapper: GlyphRemapper,
    to_unicode: BTreeMap<u16, char>,
}

impl FontUse {
    fn new(face: &'static Face) -> FontUse {
        FontUse { face, remapper: GlyphRemapper::new(), to_unicode: BTreeMap::new() }
    }

    fn add(&mut self, text: &str) {
        for c in text.chars() {
            let cid = self.remapper.remap(self.face.glyph(c).0);
            self.to_unicode.entry(cid).or_insert(printable(c));
        }
    }

    /// The text as the two-byte CIDs that `Identity-H` expects.
    fn encode(&self, text: &str) -> Vec<u8> {
        text.chars().flat_map(|c| self.remapper.get(self.face.glyph(c).0).unwrap_or(0).to_be_bytes()).collect()
    }

    /// Writes the font as a Type 0 font over a TrueType CID font with the subset embedded.
    fn write(&self, pdf: &mut Pdf, next: &mut Ref) -> Ref {
        let (type0, cid, descriptor, cmap, file) = (next.bump(), next.bump(), next.bump(), next.bump(), next.bump());
        let subset = subsetter::subset(self.face.data, 0, &self.remapper).expect("subsetter subsets the bundled DejaVu font");
        // Subset fonts are named "ABCDEF+Name", the tag telling subsets of one font apart.
        let mut hash: u32 = 0x811c_9dc5;
        for g in self.remapper.remapped_gids() {
            hash = (hash ^ u32::from(g)).wrapping_mul(0x0100_0193);
        }
        let tag: String = (0..6).map(|i| char::from(b'A' + ((hash >> (i * 5)) % 26) as u8)).collect();
        let base = format!("{tag}+{}", self.face.name);
        let base = Name(base.as_bytes());
        // PDF font metrics are in thousandths of an em.
        let em = |v: f32| v * 1000.0;

        pdf.type0_font(type0).base_font(base).encoding_predefined(Name(b"Identity-H")).descendant_font(cid).to_unicode(cmap);
        let mut font = pdf.cid_font(cid);
        font.subtype(CidFontType::Type2).base_font(base).system_info(IDENTITY).font_descriptor(descriptor).default_width(0.0);
        font.cid_to_gid_map_predefined(Name(b"Identity"));
        font.widths().consecutive(0, self.remapper.remapped_gids().map(|g| em(self.face.advance(g))));
        font.finish();

        let ttf = &self.face.ttf;
        let per_em = self.face.per_em;
        let b = ttf.global_bounding_box();
        let bbox = Rect::new(
            em(f32::from(b.x_min) * per_em),
            em(f32::from(b.y_min) * per_em),
            em(f32::from(b.x_max) * per_em),
            em(f32::from(b.y_max) * per_em),
        );
        let cap = ttf.capital_height().map_or(self.face.ascent, |c| f32::from(c) * per_em);
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(bbox)
            .italic_angle(0.0)
            .ascent(em(self.face.ascent))
            .descent(em(-self.face.descent))
            .cap_height(em(cap))
            .stem_v(if self.face.name.ends_with("Bold") { 140.0 } else { 80.0 })
            .font_file2(file);

        let mut unicode = UnicodeCmap::new(Name(b"Custom"), IDENTITY);
        for (&cid, &c) in &self.to_unicode {
            unicode.pair(cid, c);
        }
        pdf.cmap(cmap, &compress(&unicode.finish())).filter(Filter::FlateDecode);
        // Length1 is the size of the font program before compression, as TrueType embedding asks.
        pdf.stream(file, &compress(&subset))
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), i32::try_from(subset.len()).unwrap_or(i32::MAX));
        type0
    }
}

fn compress(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn gray(level: u8) -> f32 {
    f32::from(level) / 255.0
}

/// A page's drawing operations as a content stream. PDF measures from the bottom left, the
/// layout from the top left: every y is flipped here.
fn content(page: &Page, fonts: &[FontUse; 2]) -> Vec<u8> {
    let h = page.height;
    let mut c = Content::new();
    for op in &page.ops {
        match op {
            Op::Text { x, y, style, up, text } => {
                let font = usize::from(style.bold);
                c.set_fill_gray(gray(style.gray));
                c.begin_text();
                c.set_font(Name(FONT_NAMES[font]), style.size);
                // Upright text turns a quarter counter-clockwise: it reads from bottom to top.
                c.set_text_matrix(if *up { [0.0, 1.0, -1.0, 0.0, *x, h - y] } else { [1.0, 0.0, 0.0, 1.0, *x, h - y] });
                c.show(Str(&fonts[font].encode(text)));
                c.end_text();
            }
            Op::Fill { gray: g, rects } => {
                let rects: Vec<&[f32; 4]> = rects.iter().filter(|[_, _, w, rh]| *w > 0.0 && *rh > 0.0).collect();
                if !rects.is_empty() {
                    c.set_fill_gray(gray(*g));
                    for [x, y, w, rh] in rects {
                        c.rect(*x, h - y - rh, *w, *rh);
                    }
                    c.fill_nonzero();
                }
            }
            Op::Lines { gray: g, width, segs } => {
                if !segs.is_empty() {
                    c.set_stroke_gray(gray(*g));
                    c.set_line_width(*width);
                    for [x1, y1, x2, y2] in segs {
                        c.move_to(*x1, h - y1);
                        c.line_to(*x2, h - y2);
                    }
                    c.stroke();
                }
            }
            Op::Link { .. } => {}
            Op::Image { area: [x, y, w, ih], index } => {
                c.save_state();
                c.transform([*w, 0.0, 0.0, *ih, *x, h - y - ih]);
                c.x_object(Name(image_name(*index).as_bytes()));
                c.restore_state();
            }
        }
    }
    c.finish().into_vec()
}

fn image_name(index: usize) -> String {
    format!("Im{index}")
}

/// Writes the pages as a PDF: the fonts once, then each page with its compressed content stream.
pub(crate) fn render(pages: &[Page], title: &str, locale: Option<Locale>) -> Vec<u8> {
    render_with_images(pages, &[], title, locale)
}

/// `render` for documents with pictures: `images` are written once each, as JPEG streams the
/// PDF reader decodes itself (DCTDecode), and pages refer to them by index.
pub(crate) fn render_with_images(pages: &[Page], images: &[Jpeg], title: &str, locale: Option<Locale>) -> Vec<u8> {
    let mut fonts = [FontUse::new(&FONTS.regular), FontUse::new(&FONTS.bold)];
    for op in pages.iter().flat_map(|p| &p.ops) {
        if let Op::Text { style, text, .. } = op {
            fonts[usize::from(style.bold)].add(text);
        }
    }

    let mut pdf = Pdf::new();
    let mut next = Ref::new(1);
    let (catalog, tree, info) = (next.bump(), next.bump(), next.bump());
    let font_refs: Vec<(Name, Ref)> = fonts
        .iter()
        .zip(FONT_NAMES)
        .filter(|(f, _)| f.remapper.num_gids() > 1)
        .map(|(f, name)| (Name(name), f.write(&mut pdf, &mut next)))
        .collect();

    let image_refs: Vec<Ref> = images
        .iter()
        .map(|jpeg| {
            let r = next.bump();
            let mut image = pdf.image_xobject(r, &jpeg.data);
            image.filter(Filter::DctDecode);
            image.width(i32::try_from(jpeg.width).unwrap_or(1));
            image.height(i32::try_from(jpeg.height).unwrap_or(1));
            image.color_space().device_rgb();
            image.bits_per_component(8);
            image.finish();
            r
        })
        .collect();
    let names: Vec<String> = (0..images.len()).map(image_name).collect();

    let mut page_refs = Vec::new();
    for page in pages {
        let (page_ref, content_ref) = (next.bump(), next.bump());
        pdf.stream(content_ref, &compress(&content(page, &fonts))).filter(Filter::FlateDecode);
        let mut links = Vec::new();
        for op in &page.ops {
            if let Op::Link { area: [x, y, w, h], uri } = op {
                let link = next.bump();
                let mut annotation = pdf.annotation(link);
                annotation
                    .subtype(AnnotationType::Link)
                    .rect(Rect::new(*x, page.height - y - h, x + w, page.height - y))
                    .border(0.0, 0.0, 0.0, None);
                annotation.action().action_type(ActionType::Uri).uri(Str(uri.as_bytes()));
                annotation.finish();
                links.push(link);
            }
        }
        let mut p = pdf.page(page_ref);
        p.media_box(Rect::new(0.0, 0.0, page.width, page.height)).parent(tree).contents(content_ref);
        let used: Vec<usize> =
            page.ops.iter().filter_map(|op| if let Op::Image { index, .. } = op { Some(*index) } else { None }).collect();
        let mut resources = p.resources();
        resources.fonts().pairs(font_refs.iter().copied());
        if !used.is_empty() {
            resources
                .x_objects()
                .pairs(used.iter().filter(|i| **i < image_refs.len()).map(|i| (Name(names[*i].as_bytes()), image_refs[*i])));
        }
        resources.finish();
        if !links.is_empty() {
            p.annotations(links);
        }
        p.finish();
        page_refs.push(page_ref);
    }
    let count = i32::try_from(page_refs.len()).unwrap_or(i32::MAX);
    pdf.pages(tree).kids(page_refs).count(count);
    let mut cat = pdf.catalog(catalog);
    cat.pages(tree);
    if let Some(locale) = locale {
        cat.lang(TextStr(locale.code()));
    }
    cat.finish();
    pdf.document_info(info).title(TextStr(title)).creator(TextStr("Talap"));
    pdf.finish()
}

/// What the documents' tests read a PDF with (lopdf): the text a reader extracts, page by page,
/// and the fonts embedded.
#[cfg(test)]
pub(crate) mod testing {
    /// A name with every letter that only Kazakh has, in the shapes names take.
    pub(crate) const KAZAKH_NAME: &str = "Әбдірахманова Гүлназ Серікқызы";

    /// A parsed PDF, checked to be one.
    pub(crate) fn parse(bytes: &[u8]) -> lopdf::Document {
        assert!(bytes.starts_with(b"%PDF-"), "not a PDF: {:?}", &bytes[..bytes.len().min(8)]);
        lopdf::Document::load_mem(bytes).expect("the output parses as a PDF")
    }

    pub(crate) fn page_count(doc: &lopdf::Document) -> usize {
        doc.get_pages().len()
    }

    /// The text of one page (1-based) as a PDF reader extracts it, through the fonts' ToUnicode
    /// maps, with line breaks and runs of spaces made single spaces (headers wrap).
    pub(crate) fn page_text(doc: &lopdf::Document, page: u32) -> String {
        doc.extract_text(&[page]).expect("text extraction works").split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub(crate) fn all_text(doc: &lopdf::Document) -> String {
        (1..=page_count(doc) as u32).map(|p| page_text(doc, p)).collect::<Vec<_>>().join("\n")
    }

    /// How often an operator occurs in a page's content stream.
    pub(crate) fn operator_count(doc: &lopdf::Document, page: u32, operator: &str) -> usize {
        let id = doc.get_pages()[&page];
        let content = lopdf::content::Content::decode(&doc.get_page_content(id)).expect("the content stream parses");
        content.operations.iter().filter(|op| op.operator == operator).count()
    }

    /// (font name, size of the embedded font program) of every embedded font.
    pub(crate) fn embedded_fonts(doc: &lopdf::Document) -> Vec<(String, usize)> {
        let mut fonts = Vec::new();
        for object in doc.objects.values() {
            let Ok(dict) = object.as_dict() else { continue };
            if !dict.get(b"Type").and_then(|t| t.as_name()).is_ok_and(|t| t == b"FontDescriptor") {
                continue;
            }
            let name = dict.get(b"FontName").and_then(|n| n.as_name()).map(|n| String::from_utf8_lossy(n).into_owned()).unwrap_or_default();
            let file = [b"FontFile2".as_slice(), b"FontFile3", b"FontFile"]
                .iter()
                .find_map(|key| dict.get(key).and_then(|r| r.as_reference()).ok());
            if let Some(stream) = file.and_then(|id| doc.get_object(id).ok()).and_then(|o| o.as_stream().ok()) {
                fonts.push((name, stream.content.len()));
            }
        }
        fonts
    }

    pub(crate) fn assert_fonts_embedded_as_subsets(doc: &lopdf::Document) {
        let fonts = embedded_fonts(doc);
        assert!(!fonts.is_empty(), "no embedded font");
        for (name, len) in fonts {
            assert!(name.contains("DejaVuSans"), "unexpected font {name}");
            // A subset is marked "ABCDEF+Name" and is a small part of the 700 KB font.
            assert!(name.len() > 7 && name.as_bytes()[6] == b'+', "{name} is not a subset");
            assert!(len > 1_000 && len < 150_000, "{name}: embedded program of {len} bytes");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::i18n::Msg;

    fn journal(students: usize, lessons: usize) -> Table {
        let mut headers = vec!["Білім алушы".to_string()];
        headers.extend((1..=lessons).map(|l| format!("L{l:02}")));
        let rows = (1..=students)
            .map(|s| {
                let mut row = vec![format!("Оқушы{s:02} Әлібекұлы")];
                row.extend((0..lessons).map(|l| ["5", "4", "н", "", "3/4"][(s + l) % 5].to_string()));
                row
            })
            .collect();
        Table { title: "Журнал ПО-21-1".into(), subtitle: "Деректер қоры".into(), headers, rows }
    }

    #[test]
    fn the_font_has_every_letter_of_the_three_languages_and_of_the_labels() {
        let alphabet = "АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯаәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя\
                        ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789№«»–—…";
        let labels: String = Msg::ALL.iter().filter(|m| format!("{m:?}").starts_with("Pdf")).flat_map(|m| m.texts()).collect();
        assert!(labels.contains("Анықтама"), "the catalogue has the PDF labels");
        for bold in [false, true] {
            for c in alphabet.chars().chain(labels.chars()).filter(|c| !c.is_whitespace()) {
                assert_ne!(face(bold).glyph(c).0, 0, "DejaVu Sans (bold: {bold}) has no glyph for {c:?}");
            }
        }
        // The check can fail: a character outside the font maps to the missing glyph.
        assert_eq!(face(false).glyph('\u{10FFFD}').0, 0);
    }

    #[test]
    fn wrap_keeps_within_the_width_and_cuts_only_overlong_words() {
        let st = Style::regular(10.0);
        let text = "Информатика және ақпараттық-коммуникациялық технологиялар негіздері";
        let lines = wrap(text, st, 120.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| st.width(l) <= 120.0 + 0.01), "{lines:?}");
        assert_eq!(lines.join(" "), text.replace("ақпараттық-", "ақпараттық- "), "breaks after the hyphen");
        let url = "https://talap.kz/verify/c/2026-1187-7F3KQ9-very-long-token-without-any-space";
        let lines = wrap(url, st, 80.0);
        assert!(lines.len() > 2 && lines.iter().all(|l| st.width(l) <= 80.0 + 0.01), "{lines:?}");
        assert_eq!(lines.concat(), url);
        assert!(wrap(" \n\t ", st, 80.0).is_empty());

        let clipped = wrap_clipped(&"сөз ".repeat(200), st, 60.0, 4);
        assert_eq!(clipped.len(), 4);
        assert!(clipped[3].ends_with('…') && st.width(&clipped[3]) <= 60.0 + 0.01, "{clipped:?}");
        let cut = fit(KAZAKH_NAME, st, 50.0);
        assert!(cut.ends_with('…') && st.width(&cut) <= 50.0 + 0.01, "{cut}");
        assert_eq!(fit("5", st, 50.0), "5");
    }

    #[test]
    fn qr_matrix_round_trips_size_and_version() {
        let short = qr_matrix("https://talap.kz/v/1").expect("encodes");
        let long = qr_matrix(&format!("https://talap.kz/verify/c/{}", "7F3KQ9".repeat(20))).expect("encodes");
        for qr in [&short, &long] {
            assert_eq!(qr.width, 17 + 4 * qr.version as usize);
            assert_eq!(qr.dark.len(), qr.width * qr.width);
            // The three finder patterns: a dark 7x7 ring, a light ring inside it, a dark 3x3 centre.
            for (ox, oy) in [(0, 0), (qr.width - 7, 0), (0, qr.width - 7)] {
                for y in 0..7 {
                    for x in 0..7 {
                        let ring = x.min(y).min(6 - x).min(6 - y);
                        assert_eq!(qr.is_dark(ox + x, oy + y), ring != 1, "finder at ({ox},{oy}), module ({x},{y})");
                    }
                }
            }
        }
        assert!(short.version >= 1 && short.version <= 3, "version {}", short.version);
        assert!(long.version > short.version);
        assert_eq!(qr_matrix("  "), None);
        assert_eq!(qr_matrix(&"x".repeat(5000)), None, "beyond the capacity of version 40");
    }

    #[test]
    fn a_small_table_is_one_page() {
        let t = Table {
            title: "Үлгерім есебі".into(),
            subtitle: "ПО-21-1".into(),
            headers: vec!["Білім алушы".into(), "Орташа балл".into(), "Жіберілген сабақ".into()],
            rows: (1..=3).map(|i| vec![format!("Оқушы {i}"), "4,5".into(), i.to_string()]).collect(),
        };
        let doc = parse(&table_pdf(&t));
        assert_eq!(page_count(&doc), 1);
        assert_fonts_embedded_as_subsets(&doc);
        let text = page_text(&doc, 1);
        for expected in ["Үлгерім есебі", "Жіберілген сабақ", "Оқушы 3", "1 / 1"] {
            assert!(text.contains(expected), "{expected:?} missing from {text}");
        }
    }

    #[test]
    fn a_wide_journal_splits_its_columns_and_keeps_the_names_on_every_page() {
        let t = journal(30, 80);
        let doc = parse(&table_pdf(&t));
        let pages = page_count(&doc);
        assert!(pages > 1, "{pages} pages");
        assert!(pages <= 4, "{pages} pages for 30 x 80 is too many");
        let mut seen = vec![0; 81];
        for p in 1..=pages as u32 {
            let text = page_text(&doc, p);
            assert!(text.contains("Оқушы01 Әлібекұлы") && text.contains("Оқушы30 Әлібекұлы"), "page {p} lacks the names");
            assert!(text.contains(&format!("{p} / {pages}")), "page {p} has no number");
            for (l, n) in seen.iter_mut().enumerate().skip(1) {
                *n += usize::from(text.contains(&format!("L{l:02}")));
            }
        }
        assert!(seen[1..].iter().all(|&n| n == 1), "every lesson column is on exactly one page: {seen:?}");
    }

    #[test]
    fn plan_splits_only_when_needed_and_parts_fit_the_page() {
        let avail = A4_LONG - 56.0;
        let t = journal(30, 80);
        let grid = plan(&t.headers, &t.rows, avail, &[9.0, 8.0, 7.0], None);
        assert!(grid.parts.len() > 1);
        assert!(grid.up[1] && !grid.up[0], "dates turn upright, names do not");
        let mut columns: Vec<usize> = Vec::new();
        for part in &grid.parts {
            assert_eq!(part[0], 0, "the name column leads every part");
            let w: f32 = part.iter().map(|&c| grid.widths[c]).sum();
            assert!(w <= avail + 0.5, "part of {w} pt on {avail} pt");
            columns.extend(&part[1..]);
        }
        assert_eq!(columns, (1..=80).collect::<Vec<_>>());
        // Balanced: no part is a stub.
        let sizes: Vec<usize> = grid.parts.iter().map(Vec::len).collect();
        assert!(sizes.iter().max().unwrap_or(&0) - sizes.iter().min().unwrap_or(&0) <= 3, "{sizes:?}");

        let t = journal(30, 10);
        let grid = plan(&t.headers, &t.rows, avail, &[9.0, 8.0, 7.0], None);
        assert_eq!(grid.parts.len(), 1);
        assert_eq!(grid.size, 9.0, "ten lessons fit at the largest size");
        assert!(grid.widths.iter().sum::<f32>() <= avail + 0.5);
    }

    #[test]
    fn a_long_table_repeats_its_header_on_every_page() {
        let t = Table {
            title: "Сабақтар".into(),
            subtitle: String::new(),
            headers: vec!["Күні".into(), "Тақырып".into(), "Сағат".into()],
            rows: (1..=150).map(|i| vec![format!("{:02}.09.2026", i % 28 + 1), format!("Тақырып №{i}"), "2".into()]).collect(),
        };
        let doc = parse(&table_pdf(&t));
        let pages = page_count(&doc);
        assert!(pages >= 3, "{pages} pages");
        for p in 1..=pages as u32 {
            let text = page_text(&doc, p);
            assert!(text.contains("Күні") && text.contains(&format!("{p} / {pages}")), "page {p}: {text}");
        }
        assert!(all_text(&doc).contains("Тақырып №150"));
    }

    #[test]
    fn odd_input_does_not_panic() {
        let empty = Table::default();
        assert_eq!(page_count(&parse(&table_pdf(&empty))), 1);
        let ragged = Table {
            title: "a\u{0}b\nc".into(),
            subtitle: "\t".into(),
            headers: vec!["x".into()],
            rows: vec![vec![], vec!["1".into(), "2".into(), "3".into()], vec!["ұзын".repeat(400)]],
        };
        assert!(page_count(&parse(&table_pdf(&ragged))) >= 1);
    }
}
