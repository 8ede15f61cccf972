//! XLSX export of tables: any journal or report the interface shows as a table is also offered
//! as an Excel workbook, one worksheet per table. Each sheet has the table's title in row 1 (bold),
//! column headers in row 3 (bold, underlined by a border) and data from row 4; the rows down to
//! the headers stay in view when scrolling (and the first column too, if asked: a journal keeps
//! the students' names there), and columns are as wide as their content, up to 60 characters.
//!
//! Server-only: built with `rust_xlsxwriter`, no database.

use rust_xlsxwriter::{ColNum, Format, FormatAlign, FormatBorder, RowNum, Workbook, XlsxError};

/// One cell of an exported table.
#[derive(Clone, Debug, PartialEq)]
pub enum XCell {
    Text(String),
    /// Written as a number so that Excel can sum and sort it; NaN and infinities are left empty.
    Number(f64),
    Empty,
}

impl XCell {
    /// The cell as a PDF table or a CSV field shows it: whole numbers without decimals, others
    /// with two.
    pub fn text(&self) -> String {
        match self {
            XCell::Text(s) => s.clone(),
            XCell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            XCell::Number(n) => format!("{n:.2}"),
            XCell::Empty => String::new(),
        }
    }
}

impl From<&str> for XCell {
    fn from(s: &str) -> XCell {
        XCell::Text(s.to_string())
    }
}

impl From<String> for XCell {
    fn from(s: String) -> XCell {
        XCell::Text(s)
    }
}

impl From<f64> for XCell {
    fn from(x: f64) -> XCell {
        XCell::Number(x)
    }
}

impl From<u32> for XCell {
    fn from(x: u32) -> XCell {
        XCell::Number(f64::from(x))
    }
}

impl<T: Into<XCell>> From<Option<T>> for XCell {
    fn from(x: Option<T>) -> XCell {
        x.map_or(XCell::Empty, Into::into)
    }
}

/// One worksheet: a titled table.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Sheet {
    /// The tab's name. Excel allows at most 31 characters and none of `[ ] : * ? / \`;
    /// [`workbook`] fixes names that break the rules (see [`sanitize_sheet_name`]).
    pub name: String,
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<XCell>>,
    /// Keep the first column in view when scrolling right (a journal's student names).
    pub freeze_first_column: bool,
}

/// Zero-based rows of the layout: title, (blank), headers, data.
const TITLE_ROW: RowNum = 0;
const HEADER_ROW: RowNum = 2;
const FIRST_DATA_ROW: RowNum = 3;
/// Excel's limits: rows and columns of a sheet, UTF-16 units of a cell and of a sheet name.
const EXCEL_ROWS: usize = 1_048_576;
const EXCEL_COLUMNS: usize = 16_384;
const EXCEL_CELL_CHARS: usize = 32_767;
const EXCEL_SHEET_NAME: usize = 31;
/// Column widths in Excel's units (about one character of the default font each).
const MAX_WIDTH: usize = 60;
const MIN_WIDTH: usize = 4;
/// Room on each side of the text, so that it does not touch the grid lines.
const WIDTH_PADDING: usize = 2;

/// The workbook as the bytes of an .xlsx file.
///
/// Rows past Excel's million and columns past its 16 384 are dropped, and texts are cut to
/// Excel's 32 767 characters per cell, so whatever the tables hold the writer accepts them; an
/// empty vector would only come back if `rust_xlsxwriter` refused something regardless, which is
/// logged (see [`try_workbook`] for the error itself).
pub fn workbook(sheets: &[Sheet]) -> Vec<u8> {
    try_workbook(sheets).unwrap_or_else(|e| {
        tracing::error!(error = %e, "xlsx export failed");
        Vec::new()
    })
}

/// [`workbook`], with the writer's error if it had one.
pub fn try_workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let title_format = Format::new().set_bold().set_font_size(14);
    let header_format = Format::new().set_bold().set_border_bottom(FormatBorder::Thin).set_align(FormatAlign::Top);
    let header_wrap_format = header_format.clone().set_text_wrap();
    let wrap_format = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let mut book = Workbook::new();
    let mut names: Vec<String> = Vec::new();
    for sheet in sheets {
        let name = unique_sheet_name(&sanitize_sheet_name(&sheet.name), &names, names.len() + 1);
        let ws = book.add_worksheet();
        ws.set_name(&name)?;
        names.push(name);

        ws.write_string_with_format(TITLE_ROW, 0, excel_text(&sheet.title), &title_format)?;

        let columns = sheet.headers.len().max(sheet.rows.iter().map(Vec::len).max().unwrap_or(0)).min(EXCEL_COLUMNS);
        let mut widths = vec![MIN_WIDTH; columns];

        for (col, header) in sheet.headers.iter().take(columns).enumerate() {
            let header = excel_text(header);
            let format = if text_width(header) > MAX_WIDTH { &header_wrap_format } else { &header_format };
            ws.write_string_with_format(HEADER_ROW, col as ColNum, header, format)?;
            widths[col] = widths[col].max(text_width(header));
        }

        for (i, row) in sheet.rows.iter().take(EXCEL_ROWS - FIRST_DATA_ROW as usize).enumerate() {
            let r = FIRST_DATA_ROW + i as RowNum;
            for (col, cell) in row.iter().take(columns).enumerate() {
                let c = col as ColNum;
                match cell {
                    XCell::Text(s) => {
                        let s = excel_text(s);
                        // Long texts wrap in a capped column instead of spilling over the next ones.
                        if text_width(s) > MAX_WIDTH || s.contains('\n') {
                            ws.write_string_with_format(r, c, s, &wrap_format)?;
                        } else {
                            ws.write_string(r, c, s)?;
                        }
                        widths[col] = widths[col].max(text_width(s));
                    }
                    XCell::Number(x) if x.is_finite() => {
                        ws.write_number(r, c, *x)?;
                        // Excel's General format shows at most 11 characters of a number.
                        widths[col] = widths[col].max(x.to_string().chars().count().min(11));
                    }
                    XCell::Number(_) | XCell::Empty => {}
                }
            }
        }

        for (col, width) in widths.iter().enumerate() {
            ws.set_column_width(col as ColNum, ((*width + WIDTH_PADDING).min(MAX_WIDTH)) as f64)?;
        }
        ws.set_freeze_panes(FIRST_DATA_ROW, ColNum::from(sheet.freeze_first_column))?;
    }
    book.save_to_buffer()
}

/// A name Excel accepts for a sheet tab: `[ ] : * ? / \` become "-", control characters go,
/// apostrophes and spaces are trimmed from the ends (Excel refuses a leading or trailing
/// apostrophe), "History" (reserved by Excel) gets a suffix, and the result is cut to 31 characters
/// (counted as Excel does, in UTF-16 units). An empty result stays empty; [`workbook`] then
/// numbers the sheet.
pub fn sanitize_sheet_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') { '-' } else { c })
        .collect();
    let mut name = cut_utf16(replaced.trim_matches(|c: char| c == '\'' || c.is_whitespace()), EXCEL_SHEET_NAME).to_string();
    // Cutting may have left a trailing space or apostrophe.
    name = name.trim_end_matches(|c: char| c == '\'' || c.is_whitespace()).to_string();
    if name.eq_ignore_ascii_case("history") {
        name.push_str(" (1)");
    }
    name
}

/// `name`, or `name (2)`, `name (3)`... (cut to fit) if another sheet has it already: Excel
/// compares sheet names without regard to case. An empty name becomes the sheet's number.
fn unique_sheet_name(name: &str, taken: &[String], position: usize) -> String {
    let is_taken = |candidate: &str| taken.iter().any(|t| t.to_lowercase() == candidate.to_lowercase());
    let base = if name.is_empty() { position.to_string() } else { name.to_string() };
    if !is_taken(&base) {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = format!(" ({n})");
            let stem = cut_utf16(&base, EXCEL_SHEET_NAME - suffix.len());
            format!("{}{suffix}", stem.trim_end())
        })
        .find(|candidate| !is_taken(candidate))
        .unwrap_or(base)
}

/// The longest prefix of `s` that is at most `max` UTF-16 units long.
fn cut_utf16(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

/// The text as Excel can hold it in one cell.
fn excel_text(s: &str) -> &str {
    cut_utf16(s, EXCEL_CELL_CHARS)
}

/// How wide a text shows: its longest line, in characters.
fn text_width(s: &str) -> usize {
    s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, DataType, Reader, Xlsx};
    use std::io::Cursor;

    fn read_back(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
        Xlsx::new(Cursor::new(bytes)).expect("the export is a readable workbook")
    }

    fn journal() -> Sheet {
        Sheet {
            name: "ИС-21 / Математика".into(),
            title: "Журнал: Математика, ИС-21".into(),
            headers: vec!["Студент".into(), "01.09".into(), "08.09".into(), "Средний балл".into()],
            rows: vec![
                vec!["Абаев Нұрлан".into(), 5.0.into(), XCell::Text("н".into()), 4.5.into()],
                vec!["Иванова Мария".into(), XCell::Empty, 4.0.into(), XCell::Number(f64::NAN)],
            ],
            freeze_first_column: true,
        }
    }

    #[test]
    fn export_puts_title_headers_and_values_in_their_cells() {
        let mut book = read_back(workbook(&[journal()]));
        assert_eq!(book.sheet_names(), vec!["ИС-21 - Математика".to_string()]);
        let range = book.worksheet_range_at(0).expect("one sheet").expect("readable sheet");
        let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        assert_eq!(at(0, 0), Data::String("Журнал: Математика, ИС-21".into()));
        assert_eq!(at(1, 0), Data::Empty);
        assert_eq!(at(2, 0), Data::String("Студент".into()));
        assert_eq!(at(2, 3), Data::String("Средний балл".into()));
        assert_eq!(at(3, 0), Data::String("Абаев Нұрлан".into()));
        assert_eq!(at(3, 1), Data::Float(5.0));
        assert_eq!(at(3, 2), Data::String("н".into()));
        assert_eq!(at(3, 3), Data::Float(4.5));
        assert_eq!(at(4, 0), Data::String("Иванова Мария".into()));
        assert_eq!(at(4, 1), Data::Empty);
        assert_eq!(at(4, 2), Data::Float(4.0));
        assert_eq!(at(4, 3), Data::Empty, "NaN is left empty");
        assert_eq!(range.end(), Some((4, 3)));
    }

    #[test]
    fn export_freezes_the_header_and_styles_it() {
        let bytes = workbook(&[journal(), Sheet { name: "Отчёт".into(), title: "Отчёт".into(), ..Sheet::default() }]);
        let mut book = read_back(bytes.clone());
        let styles = book.worksheet_style("ИС-21 - Математика").expect("styles readable");
        let bold = |r, c| styles.get((r, c)).and_then(|s| s.font.as_ref()).is_some_and(|f| f.is_bold());
        let underlined = |r, c| styles.get((r, c)).and_then(|s| s.borders.as_ref()).is_some_and(|b| b.bottom.is_visible());
        assert!(bold(0, 0), "title is bold");
        assert!(bold(2, 0) && bold(2, 3), "headers are bold");
        assert!(underlined(2, 0) && underlined(2, 3), "headers have a bottom border");
        assert!(!bold(3, 0) && !underlined(3, 1), "data is plain");
        // calamine does not read panes, so look at the sheets' XML.
        let mut zip = unzip(&bytes);
        let first = zip_text(&mut zip, "xl/worksheets/sheet1.xml");
        assert!(first.contains(r#"xSplit="1" ySplit="3" topLeftCell="B4""#), "{first}");
        let second = zip_text(&mut zip, "xl/worksheets/sheet2.xml");
        assert!(second.contains(r#"ySplit="3" topLeftCell="A4""#) && !second.contains("xSplit"), "{second}");
    }

    /// The export's zip, to look at what calamine does not read: panes and column widths.
    fn unzip(bytes: &[u8]) -> zip::ZipArchive<Cursor<Vec<u8>>> {
        zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("an xlsx is a zip")
    }

    fn zip_text(zip: &mut zip::ZipArchive<Cursor<Vec<u8>>>, name: &str) -> String {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).expect("entry present"), &mut text).expect("utf-8 xml");
        text
    }

    /// (first column, width) of each `<col>` element of a sheet's XML, columns counted from 1.
    fn col_widths(xml: &str) -> Vec<(u32, f64)> {
        xml.split("<col ")
            .skip(1)
            .filter_map(|col| {
                let attr = |name: &str| col.split(&format!("{name}=\"")).nth(1)?.split('"').next();
                Some((attr("min")?.parse().ok()?, attr("width")?.parse().ok()?))
            })
            .collect()
    }

    #[test]
    fn column_widths_follow_the_content_up_to_sixty() {
        let long = "а".repeat(200);
        let sheet = Sheet {
            name: "W".into(),
            title: "Заголовок, который длиннее любой колонки и не должен её расширять".into(),
            headers: vec!["№".into(), "Тема".into(), "Количество часов".into()],
            rows: vec![vec![1u32.into(), long.clone().into(), 2.0.into()], vec![2u32.into(), "Короткая".into(), 1.5.into()]],
            freeze_first_column: false,
        };
        let bytes = workbook(&[sheet]);
        let mut book = read_back(bytes.clone());
        let range = book.worksheet_range_at(0).expect("one sheet").expect("readable sheet");
        assert_eq!(range.get_value((3, 1)), Some(&Data::String(long)), "a long text is kept whole");
        // Excel stores a width plus a little rounding for its pixel grid: compare whole units.
        let widths: Vec<(u32, u32)> = col_widths(&zip_text(&mut unzip(&bytes), "xl/worksheets/sheet1.xml"))
            .into_iter()
            .map(|(col, width)| (col, width.floor() as u32))
            .collect();
        assert_eq!(widths, vec![(1, 6), (2, 60), (3, 18)], "minimum, capped, header's length, each plus padding");
    }

    #[test]
    fn sheet_names_are_made_acceptable_to_excel() {
        assert_eq!(sanitize_sheet_name("Отчёт [1]: 10/11 * ?"), "Отчёт -1-- 10-11 - -");
        assert_eq!(sanitize_sheet_name("a\\b"), "a-b");
        assert_eq!(sanitize_sheet_name("  'Журнал'  "), "Журнал");
        assert_eq!(sanitize_sheet_name("History"), "History (1)");
        assert_eq!(sanitize_sheet_name("Таб\tуляция"), "Табуляция");
        let long = "Календарно-тематический план по математике";
        let cut = sanitize_sheet_name(long);
        assert_eq!(cut.chars().count(), 31);
        assert!(long.starts_with(&cut));
        // An emoji is two UTF-16 units, as Excel counts.
        assert_eq!(sanitize_sheet_name(&"😀".repeat(20)).chars().count(), 15);
        assert_eq!(sanitize_sheet_name("'''"), "");
    }

    #[test]
    fn clashing_and_empty_sheet_names_still_make_a_workbook() {
        let sheet = |name: &str| Sheet { name: name.into(), title: name.into(), ..Sheet::default() };
        let long = "Ж".repeat(40);
        let bytes = workbook(&[sheet("Отчёт"), sheet("отчёт"), sheet(""), sheet("Отчёт"), sheet(&long), sheet(&long), sheet("?/")]);
        let book = read_back(bytes);
        let thirty_one = "Ж".repeat(31);
        let twenty_seven = "Ж".repeat(27);
        assert_eq!(
            book.sheet_names(),
            vec![
                "Отчёт".to_string(),
                "отчёт (2)".to_string(),
                "3".to_string(),
                "Отчёт (3)".to_string(),
                thirty_one,
                format!("{twenty_seven} (2)"),
                "--".to_string(),
            ]
        );
    }

    #[test]
    fn oversized_cells_are_cut_to_what_excel_holds() {
        let huge = "я".repeat(EXCEL_CELL_CHARS + 10);
        let sheet = Sheet {
            name: "Big".into(),
            title: huge.clone(),
            headers: vec![huge.clone()],
            rows: vec![vec![huge.into()]],
            ..Sheet::default()
        };
        let bytes = try_workbook(&[sheet]).expect("oversized texts are cut, not refused");
        let mut book = read_back(bytes);
        let range = book.worksheet_range_at(0).expect("one sheet").expect("readable sheet");
        assert_eq!(range.get_value((3, 0)).and_then(|d| d.get_string()).map(|s| s.chars().count()), Some(EXCEL_CELL_CHARS));
    }
}
