//! Import of a calendar-thematic plan (KTP, КТП / КТЖ) from a file a teacher uploads: the ordered
//! list of a subject's lesson topics with their planned academic hours, as colleges already keep it
//! in Excel. Reading is all-or-nothing: a file with any broken row imports nothing and comes back
//! with every broken cell listed by row and column, so the teacher fixes the file once.
//!
//! # The file format
//!
//! An `.xlsx` workbook (its first visible worksheet is read) or a `.csv` text file, five columns,
//! one topic a row, in the order the lessons go (users download [`ktp_template_xlsx`]):
//!
//! | column | content                                                                                  |
//! |--------|------------------------------------------------------------------------------------------|
//! | A      | №: optional; if filled in, a number ("1", "1.", "1)", "2.1")                             |
//! | B      | topic: required, at most 500 characters (runs of spaces and line breaks become a space)  |
//! | C      | hours: required, a positive multiple of 0.5 ("2", "1,5", "0.5"; a spreadsheet number too) |
//! | D      | lesson type: optional, theory when empty; the words [`LessonType::from_cell`] reads      |
//! | E      | homework: optional, at most 1000 characters                                              |
//!
//! The template writes its header in the three languages ("Сабақ тақырыбы / Тема занятия /
//! Lesson topic"), but headers are not read: only the columns' order matters.
//!
//! - Rows with nothing in B to E are skipped (a pre-numbered empty row is blank too).
//! - Headings are detected, not required: the rows at the top whose hours cell (C) does not start
//!   with a number and whose № cell (A) holds no number are the header and title, and are skipped.
//!   From the first other row on, every row is a topic.
//! - Columns after E are ignored.
//! - CSV: the delimiter is detected among `,` `;` and tab (Excel in a Russian or Kazakh locale
//!   writes `;`); UTF-8 with or without a BOM, UTF-16 with a BOM (Excel's "Unicode text"), else
//!   Windows-1251 (Excel's "CSV" on a Russian Windows).
//! - At most [`MAX_TOPICS`] topics.

use crate::docs::sheet::number_text;
use crate::docs::xlsx::{self, Sheet, XCell};
use crate::i18n::{Locale, Msg};
use crate::journal::model::{Hours, LessonType};
use crate::journal::semester::Topic;
use serde::{Deserialize, Serialize};

/// More topics than any subject has in a year: a larger file is a mistake (or an attack).
pub const MAX_TOPICS: usize = 1000;
/// Errors listed at most; more are summed up by one [`Msg::KtpTooManyErrors`].
pub const MAX_ERRORS: usize = 50;
/// The longest homework text, in characters.
pub const MAX_HOMEWORK: usize = 1000;
/// Rows with something in B..E read at most: the topics plus a few heading rows.
const MAX_FILLED_ROWS: usize = MAX_TOPICS + 20;
/// Columns A..E.
const COLUMNS: usize = 5;

/// Reading a lesson type from a KTP cell; the type itself is the journal's.
impl LessonType {
    /// How a KTP names the type, in Kazakh, Russian or English, case-insensitively: empty is
    /// theory; the journal's own names ([`LessonType::msg`]) are read back; otherwise the first
    /// word with a known stem decides, so full names ("Практическое занятие", "зертханалық
    /// жұмыс", "Аралық аттестаттау") and cut ones ("практ.", "лаб.", "экз") all work, and the
    /// usual abbreviations too (ЛК, ПЗ, ЛР, ПС, ЗЖ). Several names
    /// separated by "/" are accepted when they agree, as the template writes them
    /// ("Теориялық сабақ / Теоретическое занятие / Theory"). None for anything else.
    pub fn from_cell(raw: &str) -> Option<LessonType> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Some(LessonType::Theory);
        }
        crate::i18n::agreed_name(raw, LessonType::from_name)
    }

    fn from_name(name: &str) -> Option<LessonType> {
        let normal = crate::i18n::normal_name;
        let name = normal(name);
        // The journal's own names first, whatever words they use ("День аттестации").
        if let Some(t) = LessonType::ALL.into_iter().find(|t| t.msg().texts().iter().any(|text| normal(text) == name)) {
            return Some(t);
        }
        let words: Vec<&str> =
            name.split(|c: char| c.is_whitespace() || c == '.' || c == ',' || c == '-').filter(|w| !w.is_empty()).collect();
        let first = *words.first()?;
        // Abbreviations of two words' initials, as KTP tables write them.
        let by_initials = match first {
            "лк" | "лек" | "тс" => Some(LessonType::Theory),
            "пр" | "пз" | "пс" => Some(LessonType::Practice),
            "лр" | "лз" | "зж" | "зс" => Some(LessonType::Lab),
            _ => None,
        };
        if by_initials.is_some() {
            return by_initials.filter(|_| words.len() == 1);
        }
        const STEMS: [(&str, LessonType); 22] = [
            ("теор", LessonType::Theory),
            ("лекц", LessonType::Theory),
            ("дәріс", LessonType::Theory),
            ("theor", LessonType::Theory),
            ("lect", LessonType::Theory),
            ("практ", LessonType::Practice),
            ("pract", LessonType::Practice),
            ("лаб", LessonType::Lab),
            ("зерт", LessonType::Lab),
            ("lab", LessonType::Lab),
            ("аттест", LessonType::Attestation),
            ("аралық", LessonType::Attestation),
            ("промежут", LessonType::Attestation),
            ("attest", LessonType::Attestation),
            ("midterm", LessonType::Attestation),
            ("intermediate", LessonType::Attestation),
            ("экз", LessonType::Exam),
            ("емт", LessonType::Exam),
            ("exam", LessonType::Exam),
            ("final", LessonType::Exam),
            ("қорытынды", LessonType::Exam),
            ("итогов", LessonType::Exam),
        ];
        // The first word with a known stem decides: "Промежуточная аттестация", "итоговая
        // аттестация" (an exam), "Аралық бақылау".
        words.iter().find_map(|word| STEMS.iter().find(|(stem, _)| word.starts_with(stem)).map(|(_, t)| *t))
    }
}

/// A column of the KTP file, for pointing at the cell an error is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KtpColumn {
    Number,
    Topic,
    Hours,
    Type,
    Homework,
    /// The file as a whole (it cannot be read, has no topics, too many of them...).
    File,
}

impl KtpColumn {
    /// The column's letter as a spreadsheet shows it; None for the whole file.
    pub fn letter(self) -> Option<char> {
        match self {
            KtpColumn::Number => Some('A'),
            KtpColumn::Topic => Some('B'),
            KtpColumn::Hours => Some('C'),
            KtpColumn::Type => Some('D'),
            KtpColumn::Homework => Some('E'),
            KtpColumn::File => None,
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            KtpColumn::Number => Msg::KtpColumnNumber,
            KtpColumn::Topic => Msg::KtpColumnTopic,
            KtpColumn::Hours => Msg::KtpColumnHours,
            KtpColumn::Type => Msg::KtpColumnType,
            KtpColumn::Homework => Msg::KtpColumnHomework,
            KtpColumn::File => Msg::KtpColumnFile,
        }
    }
}

/// One topic read from the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KtpRow {
    /// 1-based row number in the file as a spreadsheet shows it.
    pub row: u32,
    pub topic: Topic,
    pub lesson_type: LessonType,
    /// Trimmed; may be empty.
    pub homework: String,
}

/// Why a cell (or, with row 0 and [`KtpColumn::File`], the whole file) was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RowError {
    pub row: u32,
    pub column: KtpColumn,
    pub msg: Msg,
}

impl RowError {
    fn file(msg: Msg) -> RowError {
        RowError { row: 0, column: KtpColumn::File, msg }
    }
}

/// Reads a KTP from an uploaded file; the name's extension tells the format (an .xlsx is also
/// recognised by its content). All or nothing: `Err` lists every refused cell of every row, in
/// file order; past [`MAX_ERRORS`] the list is cut and ends with one file-level
/// [`Msg::KtpTooManyErrors`]. A file that cannot be read, or holds no topic or too many, is one
/// file-level error (row 0, [`KtpColumn::File`]).
pub fn parse_ktp(file_name: &str, bytes: &[u8]) -> Result<Vec<KtpRow>, Vec<RowError>> {
    let rows = read_rows(file_name, bytes).map_err(|msg| vec![RowError::file(msg)])?;
    plan_from_rows(rows)
}

/// The template users download: the plan sheet with its header in the three languages and three
/// example topics, then a sheet explaining the columns in each language. It is itself a valid
/// KTP file: importing it gives the three examples.
pub fn ktp_template_xlsx() -> Vec<u8> {
    let trilingual = |msg: Msg| msg.texts().join(" / ");
    let example = |n: u32, topic: Msg, hours: f64, kind: LessonType, homework: Option<Msg>| {
        vec![
            XCell::Number(f64::from(n)),
            XCell::Text(trilingual(topic)),
            XCell::Number(hours),
            XCell::Text(trilingual(kind.msg())),
            homework.map_or(XCell::Empty, |h| XCell::Text(trilingual(h))),
        ]
    };
    let plan = Sheet {
        name: Msg::KtpTemplateSheet.texts().join(" - "),
        title: trilingual(Msg::KtpTemplateTitle),
        headers: std::iter::once("№".to_string())
            .chain([Msg::KtpColumnTopic, Msg::KtpColumnHours, Msg::KtpColumnType, Msg::KtpColumnHomework].map(trilingual))
            .collect(),
        rows: vec![
            example(1, Msg::KtpExampleTopic1, 2.0, LessonType::Theory, Some(Msg::KtpExampleHomework1)),
            example(2, Msg::KtpExampleTopic2, 1.5, LessonType::Practice, Some(Msg::KtpExampleHomework2)),
            example(3, Msg::KtpExampleTopic3, 4.0, LessonType::Lab, None),
        ],
        freeze_first_column: false,
    };
    let help_lines = [
        Msg::KtpHelpOrder,
        Msg::KtpHelpNumber,
        Msg::KtpHelpTopic,
        Msg::KtpHelpHours,
        Msg::KtpHelpType,
        Msg::KtpHelpHomework,
        Msg::KtpHelpFormats,
    ];
    let help = Sheet {
        name: Msg::KtpTemplateHelpSheet.texts().join(" - "),
        title: trilingual(Msg::KtpTemplateHelpSheet),
        headers: Locale::ALL.iter().map(|l| l.native_name().to_string()).collect(),
        rows: help_lines.iter().map(|m| m.texts().iter().map(|t| XCell::Text(t.to_string())).collect()).collect(),
        freeze_first_column: false,
    };
    xlsx::workbook(&[plan, help])
}

/// A cell as read, before it is judged.
#[derive(Clone, Debug, Default, PartialEq)]
enum Raw {
    #[default]
    Empty,
    /// Trimmed, never empty.
    Text(String),
    Number(f64),
    /// A spreadsheet date or time, as "dd.mm.yyyy" (or the file's own text): Excel turns "1.5"
    /// into the 1st of May in Russian and Kazakh locales, so the hours column has to notice.
    Date(String),
}

impl Raw {
    fn text(s: &str) -> Raw {
        let s = s.trim();
        if s.is_empty() {
            Raw::Empty
        } else {
            Raw::Text(s.to_string())
        }
    }

    /// The cell as text, for the columns that hold text.
    fn as_text(&self) -> String {
        match self {
            Raw::Empty => String::new(),
            Raw::Text(s) | Raw::Date(s) => s.clone(),
            Raw::Number(x) => number_text(*x),
        }
    }
}

struct RawRow {
    /// 1-based.
    row: u32,
    cells: [Raw; COLUMNS],
}

impl RawRow {
    /// Nothing but (maybe) a number: a template's pre-numbered empty row counts as blank.
    fn is_blank(&self) -> bool {
        self.cells[1..].iter().all(|c| *c == Raw::Empty)
    }

    /// A title or header row: neither an hours value nor a row number.
    fn is_heading(&self) -> bool {
        let hours_like = match &self.cells[2] {
            Raw::Number(_) | Raw::Date(_) => true,
            Raw::Text(s) => s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+')),
            Raw::Empty => false,
        };
        let numbered = self.cells[0] != Raw::Empty && check_number(&self.cells[0]).is_ok();
        !hours_like && !numbered
    }
}

fn read_rows(file_name: &str, bytes: &[u8]) -> Result<Vec<RawRow>, Msg> {
    use crate::docs::sheet::{read_cells, Value, TABLE_FILE};
    let mut rows = RowCollector::new();
    read_cells(file_name, bytes, TABLE_FILE, |row, col, value| {
        let raw = match value {
            Value::Text(s) => Raw::text(s),
            Value::Number(x) => Raw::Number(x),
            Value::Bool(b) => Raw::Text(if b { "TRUE" } else { "FALSE" }.to_string()),
            Value::Date(s) => Raw::Date(s),
            Value::Error(e) => Raw::Text(e),
        };
        rows.put(row, col, raw)
    })?;
    Ok(rows.finish())
}

/// Gathers the rows of a sheet as their cells come, dropping blank ones as it goes so that a
/// sheet formatted a million rows down costs nothing.
struct RowCollector {
    rows: Vec<RawRow>,
}

impl RowCollector {
    fn new() -> RowCollector {
        RowCollector { rows: Vec::new() }
    }

    /// `row` is 1-based; `col` 0-based.
    fn put(&mut self, row: u32, col: usize, raw: Raw) -> Result<(), Msg> {
        if col >= COLUMNS || raw == Raw::Empty {
            return Ok(());
        }
        if self.rows.last().is_none_or(|last| last.row != row) {
            self.drop_blank_last();
            if self.rows.len() >= MAX_FILLED_ROWS {
                return Err(Msg::KtpTooManyRows);
            }
            self.rows.push(RawRow { row, cells: Default::default() });
        }
        if let Some(last) = self.rows.last_mut() {
            last.cells[col] = raw;
        }
        Ok(())
    }

    fn drop_blank_last(&mut self) {
        if self.rows.last().is_some_and(RawRow::is_blank) {
            self.rows.pop();
        }
    }

    fn finish(mut self) -> Vec<RawRow> {
        self.drop_blank_last();
        // Rows come in order from any sane file; a hand-made one may not keep it.
        self.rows.sort_by_key(|r| r.row);
        self.rows
    }
}

fn plan_from_rows(rows: Vec<RawRow>) -> Result<Vec<KtpRow>, Vec<RowError>> {
    let mut plan = Vec::new();
    let mut errors = Vec::new();
    let mut topics = 0;
    let mut in_data = false;
    for raw in rows {
        if raw.is_blank() || (!in_data && raw.is_heading()) {
            continue;
        }
        in_data = true;
        topics += 1;
        if topics > MAX_TOPICS {
            return Err(vec![RowError::file(Msg::KtpTooManyRows)]);
        }
        match parse_row(&raw) {
            Ok(row) => plan.push(row),
            Err(mut row_errors) => errors.append(&mut row_errors),
        }
    }
    if !errors.is_empty() {
        if errors.len() > MAX_ERRORS {
            errors.truncate(MAX_ERRORS);
            errors.push(RowError::file(Msg::KtpTooManyErrors));
        }
        return Err(errors);
    }
    if plan.is_empty() {
        return Err(vec![RowError::file(Msg::KtpFileEmpty)]);
    }
    Ok(plan)
}

/// Judges every cell of a row, so that all of its errors are listed at once.
fn parse_row(raw: &RawRow) -> Result<KtpRow, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut fail = |column, msg| errors.push(RowError { row: raw.row, column, msg });

    if let Err(msg) = check_number(&raw.cells[0]) {
        fail(KtpColumn::Number, msg);
    }
    let title = raw.cells[1].as_text().split_whitespace().collect::<Vec<_>>().join(" ");
    let title_ok = if title.is_empty() {
        fail(KtpColumn::Topic, Msg::KtpTopicMissing);
        false
    } else if title.chars().count() > Topic::MAX_TITLE {
        fail(KtpColumn::Topic, Msg::KtpTopicTooLong);
        false
    } else {
        true
    };
    let hours = parse_hours(&raw.cells[2]).map_err(|msg| fail(KtpColumn::Hours, msg)).ok();
    let lesson_type = LessonType::from_cell(&raw.cells[3].as_text());
    if lesson_type.is_none() {
        fail(KtpColumn::Type, Msg::KtpLessonTypeUnknown);
    }
    let homework = raw.cells[4].as_text().replace("\r\n", "\n");
    if homework.chars().count() > MAX_HOMEWORK {
        fail(KtpColumn::Homework, Msg::KtpHomeworkTooLong);
    }
    let topic = match hours {
        Some(hours) if title_ok => Topic::new(&title, hours).map_err(|msg| fail(KtpColumn::Topic, msg)).ok(),
        _ => None,
    };
    match (topic, lesson_type) {
        (Some(topic), Some(lesson_type)) if errors.is_empty() => Ok(KtpRow { row: raw.row, topic, lesson_type, homework }),
        _ => Err(errors),
    }
}

/// The № column is for the teacher's eye only, but a filled one must hold a number: plain
/// ("3"), with a dot or bracket ("3.", "3)") or an outline number ("2.1", "2.1.3").
fn check_number(raw: &Raw) -> Result<(), Msg> {
    let ok = match raw {
        Raw::Empty => true,
        Raw::Number(x) => x.is_finite() && *x >= 0.0,
        Raw::Text(s) => {
            let s = s.strip_suffix(['.', ')']).unwrap_or(s);
            !s.is_empty() && s.split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        }
        Raw::Date(_) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(Msg::KtpNumberInvalid)
    }
}

/// Planned hours per [`Hours::parse_planned`]. A spreadsheet sends numbers as floats (2.0, 1.5),
/// sometimes with binary noise from a formula (1.4999999999): those are read as the half-hour
/// they round to, anything else is refused like the same number typed.
fn parse_hours(raw: &Raw) -> Result<Hours, Msg> {
    let text = match raw {
        Raw::Empty => return Err(Msg::KtpHoursMissing),
        Raw::Date(_) => return Err(Msg::KtpHoursIsDate),
        Raw::Text(s) => s.clone(),
        Raw::Number(x) => {
            let halves = x * 2.0;
            if x.is_finite() && (halves - halves.round()).abs() < 1e-6 && halves.abs() < 1e9 {
                let halves = halves.round() as i64;
                if halves % 2 == 0 {
                    format!("{}", halves / 2)
                } else {
                    format!("{}.5", halves.div_euclid(2))
                }
            } else {
                format!("{x}")
            }
        }
    };
    Hours::parse_planned(&text).map_err(|msg| if msg == Msg::ErrRequired { Msg::KtpHoursMissing } else { msg })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docs::sheet::detect_delimiter;
    use calamine::{DataType, Reader, Xlsx};
    use rust_xlsxwriter::Workbook;

    /// (row, title, half-hours, type, homework) of each topic, or the errors.
    fn summary(result: Result<Vec<KtpRow>, Vec<RowError>>) -> Result<Vec<(u32, String, u32, LessonType, String)>, Vec<RowError>> {
        result.map(|rows| {
            rows.into_iter()
                .map(|r| (r.row, r.topic.title().to_string(), r.topic.hours().half_hours(), r.lesson_type, r.homework))
                .collect()
        })
    }

    fn row(n: u32, title: &str, half_hours: u32, t: LessonType, homework: &str) -> (u32, String, u32, LessonType, String) {
        (n, title.to_string(), half_hours, t, homework.to_string())
    }

    fn err(row: u32, column: KtpColumn, msg: Msg) -> RowError {
        RowError { row, column, msg }
    }

    #[test]
    fn csv_with_semicolons_and_decimal_commas() {
        let csv = "№;Тема занятия;Часы;Вид занятия;Домашнее задание\n\
                   1;Введение, техника безопасности;2;теория;§1, вопросы 1-5\n\
                   2;Измерения;1,5;Практическое занятие;\n\
                   3.;\"Тема; с точкой с запятой\";0,5;лаб.;\n";
        assert_eq!(
            summary(parse_ktp("ктп.csv", csv.as_bytes())),
            Ok(vec![
                row(2, "Введение, техника безопасности", 4, LessonType::Theory, "§1, вопросы 1-5"),
                row(3, "Измерения", 3, LessonType::Practice, ""),
                row(4, "Тема; с точкой с запятой", 1, LessonType::Lab, ""),
            ])
        );
    }

    #[test]
    fn csv_with_commas_tabs_and_quoted_decimal_commas() {
        let comma = "1,\"Кіріспе, қауіпсіздік\",\"1,5\",практикалық,\n2,Өлшеу,2,,\n";
        assert_eq!(
            summary(parse_ktp("plan.CSV", comma.as_bytes())),
            Ok(vec![row(1, "Кіріспе, қауіпсіздік", 3, LessonType::Practice, ""), row(2, "Өлшеу", 4, LessonType::Theory, "")])
        );
        let tab = "Topic\tignored\n1\tIntro, part 1; basics\t2\tExam\tRevise\n";
        // The first line has no hours value in the third column: a header.
        assert_eq!(
            summary(parse_ktp("plan.txt", tab.as_bytes())),
            Ok(vec![row(2, "Intro, part 1; basics", 4, LessonType::Exam, "Revise")])
        );
    }

    #[test]
    fn csv_in_windows_1251() {
        let text = "№;Тема;Часы;Вид;Задание\n1;Введение в специальность;2;лекция;Конспект\n2;Ёмкость конденсатора;1,5;ЛР;\n";
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "the test file must not be UTF-8");
        assert_eq!(
            summary(parse_ktp("plan.csv", &bytes)),
            Ok(vec![
                row(2, "Введение в специальность", 4, LessonType::Theory, "Конспект"),
                row(3, "Ёмкость конденсатора", 3, LessonType::Lab, ""),
            ])
        );
    }

    #[test]
    fn csv_with_a_bom_and_in_utf16() {
        let text = "Тақырып;Сағат\n1;Кіріспе;2;емтихан\n";
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let expected = Ok(vec![row(2, "Кіріспе", 4, LessonType::Exam, "")]);
        assert_eq!(summary(parse_ktp("plan.csv", &bom)), expected);
        // Without handling, the BOM would glue itself to the first cell and the header's
        // first cell "\u{feff}Тақырып" would still be a heading; check the topic row's № too.
        let bom_first = [b"\xEF\xBB\xBF".as_slice(), "1;Кіріспе;2;емтихан\n".as_bytes()].concat();
        assert_eq!(summary(parse_ktp("plan.csv", &bom_first)), Ok(vec![row(1, "Кіріспе", 4, LessonType::Exam, "")]));
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("1\tКіріспе\t2\n".encode_utf16().flat_map(u16::to_le_bytes)).collect();
        assert_eq!(summary(parse_ktp("plan.txt", &utf16)), Ok(vec![row(1, "Кіріспе", 4, LessonType::Theory, "")]));
    }

    #[test]
    fn csv_row_numbers_count_blank_lines_and_multiline_cells_as_a_spreadsheet_does() {
        let csv = "Тема;Часы\n\n1;\"Две\nстроки\";2\n;;\n\n2;После пустых;1\n;;abc\n";
        assert_eq!(
            summary(parse_ktp("plan.csv", csv.as_bytes())),
            Err(vec![err(7, KtpColumn::Topic, Msg::KtpTopicMissing), err(7, KtpColumn::Hours, Msg::ErrPlannedHoursInvalid)])
        );
        let ok = "Тема;Часы\n\n1;\"Две\nстроки\";2\n;;\n\n2;После пустых;1\n";
        let expected = Ok(vec![row(3, "Две строки", 4, LessonType::Theory, ""), row(6, "После пустых", 2, LessonType::Theory, "")]);
        assert_eq!(summary(parse_ktp("plan.csv", ok.as_bytes())), expected);
        // Windows line ends, and blank lines before the first record.
        assert_eq!(summary(parse_ktp("plan.csv", ok.replace('\n', "\r\n").as_bytes())), expected);
        let leading = format!("\r\n\r\n{}", "1;Первая;2\r\n");
        assert_eq!(summary(parse_ktp("plan.csv", leading.as_bytes())), Ok(vec![row(3, "Первая", 4, LessonType::Theory, "")]));
    }

    #[test]
    fn header_is_detected_not_required() {
        let with_header = "№;Тақырып;Сағат саны\n1;Кіріспе;2\n";
        let without = "1;Кіріспе;2\n";
        let title_and_header = "Математика, 1 курс;;\n\n№ п/п;Тема;Часы\n1;Кіріспе;2\n";
        assert_eq!(summary(parse_ktp("a.csv", with_header.as_bytes())), Ok(vec![row(2, "Кіріспе", 4, LessonType::Theory, "")]));
        assert_eq!(summary(parse_ktp("a.csv", without.as_bytes())), Ok(vec![row(1, "Кіріспе", 4, LessonType::Theory, "")]));
        assert_eq!(summary(parse_ktp("a.csv", title_and_header.as_bytes())), Ok(vec![row(4, "Кіріспе", 4, LessonType::Theory, "")]));
        // A numbered first row with its hours missing is a topic with an error, not a header.
        assert_eq!(
            summary(parse_ktp("a.csv", "1;Кіріспе;\n2;Екінші;2\n".as_bytes())),
            Err(vec![err(1, KtpColumn::Hours, Msg::KtpHoursMissing)])
        );
        // Only the rows at the top can be headings.
        assert_eq!(
            summary(parse_ktp("a.csv", "1;Кіріспе;2\n;Тема;Часы\n".as_bytes())),
            Err(vec![err(2, KtpColumn::Hours, Msg::ErrPlannedHoursInvalid)])
        );
    }

    #[test]
    fn every_broken_row_is_listed_and_nothing_else() {
        let csv = "№;Тема;Часы;Вид;Задание\n1;Первая;2;;\n2;Вторая;abc;;\n3;Третья;1;;\n4;;2;;\n5;Пятая;2;;\n";
        assert_eq!(
            parse_ktp("plan.csv", csv.as_bytes()),
            Err(vec![err(3, KtpColumn::Hours, Msg::ErrPlannedHoursInvalid), err(5, KtpColumn::Topic, Msg::KtpTopicMissing)])
        );
    }

    #[test]
    fn every_cell_of_a_row_is_judged() {
        let long_topic = "т".repeat(501);
        let long_homework = "д".repeat(MAX_HOMEWORK + 1);
        let csv = format!("x;{long_topic};-1;семинар;{long_homework}\n1;Норма;0;;\n2;Дата;01.05.2025;;\n");
        assert_eq!(
            parse_ktp("plan.csv", csv.as_bytes()),
            Err(vec![
                err(1, KtpColumn::Number, Msg::KtpNumberInvalid),
                err(1, KtpColumn::Topic, Msg::KtpTopicTooLong),
                err(1, KtpColumn::Hours, Msg::ErrPlannedHoursInvalid),
                err(1, KtpColumn::Type, Msg::KtpLessonTypeUnknown),
                err(1, KtpColumn::Homework, Msg::KtpHomeworkTooLong),
                err(2, KtpColumn::Hours, Msg::ErrPlannedHoursInvalid),
                err(3, KtpColumn::Hours, Msg::ErrPlannedHoursInvalid),
            ])
        );
    }

    #[test]
    fn errors_are_capped_at_fifty_with_a_note() {
        let csv: String = (1..=80).map(|n| format!("{n};Тема {n};много\n")).collect();
        let errors = parse_ktp("plan.csv", csv.as_bytes()).expect_err("every row is broken");
        assert_eq!(errors.len(), MAX_ERRORS + 1);
        assert_eq!(errors[0], err(1, KtpColumn::Hours, Msg::ErrPlannedHoursInvalid));
        assert_eq!(errors[MAX_ERRORS - 1].row, 50);
        assert_eq!(errors[MAX_ERRORS], err(0, KtpColumn::File, Msg::KtpTooManyErrors));
    }

    #[test]
    fn unreadable_empty_and_oversized_files_are_one_file_error() {
        let file_error = |msg| Err(vec![err(0, KtpColumn::File, msg)]);
        assert_eq!(parse_ktp("plan.pdf", b"%PDF-1.7"), file_error(Msg::KtpFileType));
        assert_eq!(parse_ktp("plan", b"1;a;2"), file_error(Msg::KtpFileType));
        assert_eq!(parse_ktp("plan.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), file_error(Msg::KtpFileType));
        assert_eq!(parse_ktp("plan.xlsx", b"not a zip"), file_error(Msg::KtpFileUnreadable));
        assert_eq!(parse_ktp("plan.xlsx", b"PK\x03\x04broken"), file_error(Msg::KtpFileUnreadable));
        assert_eq!(parse_ktp("plan.csv", b"1;\x00\x01\x02;2"), file_error(Msg::KtpFileUnreadable));
        assert_eq!(parse_ktp("plan.csv", b""), file_error(Msg::KtpFileEmpty));
        assert_eq!(parse_ktp("plan.csv", "№;Тема;Часы\n\n;;\n5;;\n".as_bytes()), file_error(Msg::KtpFileEmpty));
        let huge: String = (1..=MAX_TOPICS + 1).map(|n| format!("{n};Тема;2\n")).collect();
        assert_eq!(parse_ktp("plan.csv", huge.as_bytes()), file_error(Msg::KtpTooManyRows));
        let just_enough: String = (1..=MAX_TOPICS).map(|n| format!("{n};Тема;2\n")).collect();
        assert_eq!(parse_ktp("plan.csv", just_enough.as_bytes()).map(|rows| rows.len()), Ok(MAX_TOPICS));
    }

    /// An .xlsx as a teacher's Excel writes it: numbers as numbers, a header row, a title above.
    fn teacher_xlsx() -> Vec<u8> {
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.set_name("КТП").unwrap();
        ws.write_string(0, 1, "Календарно-тематический план: Физика").unwrap();
        for (col, h) in ["№", "Тема", "Часы", "Вид", "Домашнее задание"].into_iter().enumerate() {
            ws.write_string(2, col as u16, h).unwrap();
        }
        ws.write_number(3, 0, 1.0).unwrap();
        ws.write_string(3, 1, "  Кинематика   точки ").unwrap();
        ws.write_number(3, 2, 2.0).unwrap();
        ws.write_string(3, 3, "Теориялық сабақ").unwrap();
        ws.write_string(3, 4, "§1–2").unwrap();
        // Row 5 left blank; a stray note far to the right is not read.
        ws.write_number(5, 0, 2.0).unwrap();
        ws.write_string(5, 1, "Законы Ньютона").unwrap();
        ws.write_number(5, 2, 1.5).unwrap();
        ws.write_string(5, 3, "практика").unwrap();
        ws.write_number(5, 4, 12.0).unwrap();
        ws.write_string(5, 7, "заметка").unwrap();
        ws.write_number(6, 0, 3.0).unwrap();
        ws.write_string(6, 1, "Лабораторная работа №1").unwrap();
        ws.write_string(6, 2, "0,5").unwrap();
        ws.write_string(6, 3, "ЛР").unwrap();
        // A formula's cached result with binary noise.
        ws.write_number(7, 0, 4.0).unwrap();
        ws.write_string(7, 1, "Итоговое занятие").unwrap();
        ws.write_number(7, 2, 0.1 + 0.2 + 1.2).unwrap();
        ws.write_string(7, 3, "экзамен").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn xlsx_round_trip_with_float_hours() {
        assert_eq!(
            summary(parse_ktp("КТП физика.xlsx", &teacher_xlsx())),
            Ok(vec![
                row(4, "Кинематика точки", 4, LessonType::Theory, "§1–2"),
                row(6, "Законы Ньютона", 3, LessonType::Practice, "12"),
                row(7, "Лабораторная работа №1", 1, LessonType::Lab, ""),
                row(8, "Итоговое занятие", 3, LessonType::Exam, ""),
            ])
        );
        // The content decides, whatever the name says.
        assert_eq!(parse_ktp("plan.csv", &teacher_xlsx()).map(|r| r.len()), Ok(4));
    }

    #[test]
    fn xlsx_errors_point_at_spreadsheet_rows() {
        use rust_xlsxwriter::{ExcelDateTime, Format};
        let mut book = Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "№").unwrap();
        ws.write_string(0, 1, "Тема").unwrap();
        ws.write_string(0, 2, "Часы").unwrap();
        ws.write_number(1, 0, 1.0).unwrap();
        ws.write_string(1, 1, "Хорошая").unwrap();
        ws.write_number(1, 2, 2.0).unwrap();
        ws.write_number(2, 0, 2.0).unwrap();
        ws.write_string(2, 1, "Плохие часы").unwrap();
        ws.write_number(2, 2, 1.25).unwrap();
        // "1.5" typed into a Russian Excel becomes the 1st of May.
        let may_first = ExcelDateTime::from_ymd(2025, 5, 1).unwrap();
        ws.write_datetime_with_format(3, 2, &may_first, &Format::new().set_num_format("dd.mm.yyyy")).unwrap();
        ws.write_string(3, 1, "Дата вместо часов").unwrap();
        ws.write_boolean(4, 2, true).unwrap();
        ws.write_string(4, 1, "Логическое").unwrap();
        ws.write_string(5, 1, "Без часов").unwrap();
        ws.write_string(5, 3, "лекция").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        assert_eq!(
            parse_ktp("plan.xlsx", &bytes),
            Err(vec![
                err(3, KtpColumn::Hours, Msg::ErrPlannedHoursInvalid),
                err(4, KtpColumn::Hours, Msg::KtpHoursIsDate),
                err(5, KtpColumn::Hours, Msg::ErrPlannedHoursInvalid),
                err(6, KtpColumn::Hours, Msg::KtpHoursMissing),
            ])
        );
    }

    #[test]
    fn template_parses_back_to_its_three_examples() {
        let bytes = ktp_template_xlsx();
        let rows = parse_ktp("template.xlsx", &bytes).expect("the template is a valid KTP");
        let got: Vec<(u32, u32, LessonType, bool)> =
            rows.iter().map(|r| (r.row, r.topic.hours().half_hours(), r.lesson_type, r.homework.is_empty())).collect();
        assert_eq!(got, vec![(4, 4, LessonType::Theory, false), (5, 3, LessonType::Practice, false), (6, 8, LessonType::Lab, true)]);
        assert_eq!(rows[0].topic.title(), Msg::KtpExampleTopic1.texts().join(" / "));
        assert_eq!(rows[1].homework, Msg::KtpExampleHomework2.texts().join(" / "));

        let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("readable");
        assert_eq!(book.sheet_names().len(), 2, "the plan and the instructions");
        let plan = book.worksheet_range_at(0).expect("plan sheet").expect("readable");
        let text = |r, c| plan.get_value((r, c)).and_then(|d| d.get_string()).map(str::to_string);
        assert_eq!(text(2, 0).as_deref(), Some("№"));
        assert_eq!(text(2, 2), Some("Сағат саны / Количество часов / Hours".to_string()));
        let help = book.worksheet_range_at(1).expect("help sheet").expect("readable");
        assert_eq!(help.get_value((3, 1)).and_then(|d| d.get_string()), Some(Msg::KtpHelpOrder.texts()[1]));
    }

    #[test]
    fn lesson_types_read_three_languages_and_abbreviations() {
        let cases: [(&str, LessonType); 31] = [
            ("", LessonType::Theory),
            ("Теория", LessonType::Theory),
            ("теориялық", LessonType::Theory),
            ("Лекция", LessonType::Theory),
            ("дәріс", LessonType::Theory),
            ("ЛК", LessonType::Theory),
            ("THEORY", LessonType::Theory),
            ("практика", LessonType::Practice),
            ("Практикалық сабақ", LessonType::Practice),
            ("практ.", LessonType::Practice),
            ("ПЗ", LessonType::Practice),
            ("пр.", LessonType::Practice),
            ("practical", LessonType::Practice),
            ("лаб", LessonType::Lab),
            ("Лаб.", LessonType::Lab),
            ("зертханалық", LessonType::Lab),
            ("Зертханалық жұмыс", LessonType::Lab),
            ("Лабораторная работа", LessonType::Lab),
            ("ЛР", LessonType::Lab),
            ("lab", LessonType::Lab),
            ("аттестация", LessonType::Attestation),
            ("Аралық аттестация", LessonType::Attestation),
            ("аралық аттестаттау", LessonType::Attestation),
            ("Промежуточная аттестация", LessonType::Attestation),
            ("день аттестации", LessonType::Attestation),
            ("midterm", LessonType::Attestation),
            ("экзамен", LessonType::Exam),
            ("Емтихан", LessonType::Exam),
            ("экз.", LessonType::Exam),
            ("exam", LessonType::Exam),
            ("Итоговая аттестация", LessonType::Exam),
        ];
        for (raw, t) in cases {
            assert_eq!(LessonType::from_cell(raw), Some(t), "{raw:?}");
        }
        assert_eq!(LessonType::from_cell("Практикалық сабақ / Практическое занятие / Practice"), Some(LessonType::Practice));
        for bad in ["семинар", "2", "п", "лекция / практика", "ПЗ ЛР", "/", "x", "день"] {
            assert_eq!(LessonType::from_cell(bad), None, "{bad:?}");
        }
        for t in LessonType::ALL {
            assert_eq!(LessonType::from_code(t.code()), Some(t));
            for text in t.msg().texts() {
                assert_eq!(LessonType::from_cell(text), Some(t), "the catalogue's own name {text:?}");
            }
        }
        assert_eq!(LessonType::from_code("seminar"), None);
    }

    #[test]
    fn delimiter_detection() {
        assert_eq!(detect_delimiter("1;Тема, подтема;1,5\n2;Другая;2\n"), b';');
        assert_eq!(detect_delimiter("1,\"Тема; подтема\",2\n2,Другая,2\n"), b',');
        assert_eq!(detect_delimiter("1\tТема, подтема; ещё\t2\n"), b'\t');
        assert_eq!(detect_delimiter("1;Тема;2\n2;Тема;2;практика\n"), b';', "ragged hand-made file");
        assert_eq!(detect_delimiter("Тема\n"), b',');
    }
}
