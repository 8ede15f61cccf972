//! Reading the spreadsheets people upload, one reader for every import (pupil lists, the school
//! directory, olympiad results, the teaching plan, question banks): the first visible sheet of
//! an .xlsx, streamed cell by cell (a `Range` would allocate the sheet's whole bounding box,
//! which one stray cell at XFD1048576 makes enormous), or a .csv in any of the encodings and
//! separators Excel writes. Rows keep the number a spreadsheet shows, so an error can point at
//! "row 17". An old binary .xls is not read (Excel saves .xlsx).
//!
//! Two layers: [`read_cells`] hands each filled cell to the importer as the file holds it
//! ([`Value`]: a date stays a date, so an importer can notice Excel's reading of "1.5" as the
//! 1st of May), and [`read_rows`] gathers rows of [`Cell`]s whose number cells keep the digits
//! a person typed (a 12-digit IIN typed into Excel becomes a number and loses its leading
//! zero; [`iin_text`] puts it back).

use crate::i18n::Msg;

/// What a file refused as a whole is told with: not a spreadsheet we read, or a spreadsheet
/// that cannot be read.
#[derive(Clone, Copy, Debug)]
pub struct Refusals {
    pub file_type: Msg,
    pub unreadable: Msg,
}

/// The refusals of the imports that read rows (pupil lists, the directory, results, the plan).
pub const TABLE_FILE: Refusals = Refusals { file_type: Msg::KtpFileType, unreadable: Msg::KtpFileUnreadable };

/// A filled cell as the file holds it.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// As written (not trimmed). From a .csv, our own exports' escaping of formula-like text
    /// (`files::csv_text`) is undone.
    Text(&'a str),
    Number(f64),
    Bool(bool),
    /// A date or time: "dd.mm.yyyy" for a date, the number of days for a duration, the file's
    /// own text for an ISO one.
    Date(String),
    /// A formula's error ("#DIV/0!").
    Error(String),
}

/// Calls `each(row, column, value)` for every filled cell, rows 1-based and in the file's order,
/// columns 0-based. `each` may refuse the file (too many rows).
pub fn read_cells(
    file_name: &str,
    bytes: &[u8],
    refusals: Refusals,
    each: impl FnMut(u32, usize, Value<'_>) -> Result<(), Msg>,
) -> Result<(), Msg> {
    let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.trim().to_ascii_lowercase()).unwrap_or_default();
    if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, refusals.unreadable, each)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Err(refusals.file_type)
    } else {
        match extension.as_str() {
            "xlsx" => Err(refusals.unreadable),
            "csv" | "tsv" | "txt" => read_csv(bytes, refusals.unreadable, each),
            _ => Err(refusals.file_type),
        }
    }
}

/// The cells of an .xlsx's first visible worksheet (or its first worksheet).
pub fn read_xlsx(bytes: &[u8], unreadable: Msg, mut each: impl FnMut(u32, usize, Value<'_>) -> Result<(), Msg>) -> Result<(), Msg> {
    use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};
    crate::files::check_spreadsheet_zip(bytes, unreadable)?;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| unreadable)?;
    let sheets = book.sheets_metadata();
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    let name = worksheets().find(|s| s.visible == SheetVisible::Visible).or_else(|| worksheets().next()).map(|s| s.name.clone());
    let name = name.ok_or(unreadable)?;
    let mut cells = book.worksheet_cells_reader(&name).map_err(|_| unreadable)?;
    while let Some(cell) = cells.next_cell().map_err(|_| unreadable)? {
        let (row, col) = cell.get_position();
        let value = match cell.get_value() {
            DataRef::Empty => continue,
            DataRef::Int(i) => Value::Number(*i as f64),
            DataRef::Float(x) => Value::Number(*x),
            DataRef::String(s) => Value::Text(s),
            DataRef::SharedString(s) => Value::Text(s),
            DataRef::Bool(b) => Value::Bool(*b),
            DataRef::DateTime(dt) if dt.is_duration() => Value::Date(number_text(dt.as_f64())),
            DataRef::DateTime(dt) => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                Value::Date(format!("{d:02}.{m:02}.{y:04}"))
            }
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Value::Date(s.trim().to_string()),
            DataRef::Error(e) => Value::Error(e.to_string()),
        };
        each(row.saturating_add(1), col as usize, value)?;
    }
    Ok(())
}

/// The fields of a .csv: UTF-8, UTF-16 with a BOM or Windows-1251, separated by ',', ';' or tab.
pub fn read_csv(bytes: &[u8], unreadable: Msg, mut each: impl FnMut(u32, usize, Value<'_>) -> Result<(), Msg>) -> Result<(), Msg> {
    let text = decode_text(bytes).ok_or(unreadable)?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(detect_delimiter(&text)).from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    // The csv reader skips blank lines, which a spreadsheet shows as rows: count them back in.
    let mut row = 0u32;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(unreadable),
        }
        let skipped = record.position().and_then(|p| usize::try_from(p.byte()).ok()).map_or(0, |byte| blank_lines_at(&text, byte));
        row = row.saturating_add(1).saturating_add(skipped);
        for (col, field) in record.iter().enumerate() {
            if !field.is_empty() {
                each(row, col, Value::Text(crate::files::csv_text_back(field)))?;
            }
        }
    }
    Ok(())
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    /// Trimmed text.
    Text(String),
    /// A number cell as a person would type it ("12", "1.5"). Kept apart from text because a
    /// 12-digit IIN typed into Excel becomes a number and loses its leading zero.
    Number(String),
}

impl Cell {
    pub fn text(&self) -> &str {
        match self {
            Cell::Empty => "",
            Cell::Text(s) | Cell::Number(s) => s,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SheetRow {
    /// 1-based, as the spreadsheet numbers it.
    pub row: u32,
    pub cells: Vec<Cell>,
}

impl SheetRow {
    pub fn cell(&self, col: usize) -> &Cell {
        self.cells.get(col).unwrap_or(&Cell::Empty)
    }
    pub fn text(&self, col: usize) -> &str {
        self.cell(col).text()
    }
}

/// An IIN cell as typed: Excel stores a typed IIN as a number, dropping a leading zero
/// (everyone born 2000-2009), so a number cell shorter than 12 digits is padded back.
pub fn iin_text(cell: &Cell) -> String {
    match cell {
        Cell::Number(s) if !s.is_empty() && s.len() < 12 && s.chars().all(|c| c.is_ascii_digit()) => format!("{s:0>12}"),
        other => other.text().to_string(),
    }
}

fn text_cell(s: &str) -> Cell {
    let s = s.trim();
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s.to_string())
    }
}

/// A number as a person would type it: "12", "1.5".
pub fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// How many filled rows a kind of file may have, and the message when it has more: each domain
/// sets its own (a school's pupil list is a few hundred rows, a national results file far more).
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub rows: usize,
    pub msg: Msg,
}

/// The filled rows of the file's first columns (`columns` of them), blank rows dropped; a file
/// past `limit` is refused whole.
pub fn read_rows(file_name: &str, bytes: &[u8], columns: usize, limit: Limit) -> Result<Vec<SheetRow>, Msg> {
    let mut rows: Vec<SheetRow> = Vec::new();
    read_cells(file_name, bytes, TABLE_FILE, |row, col, value| {
        let cell = match value {
            Value::Text(s) => text_cell(s),
            Value::Number(x) => Cell::Number(number_text(x)),
            Value::Bool(b) => Cell::Text(if b { "1" } else { "0" }.to_string()),
            Value::Date(s) | Value::Error(s) => text_cell(&s),
        };
        push_cell(&mut rows, row, col, cell, columns, limit)
    })?;
    rows.retain(|r| r.cells.iter().any(|c| *c != Cell::Empty));
    rows.sort_by_key(|r| r.row);
    Ok(rows)
}

fn push_cell(rows: &mut Vec<SheetRow>, row: u32, col: usize, cell: Cell, columns: usize, limit: Limit) -> Result<(), Msg> {
    if col >= columns || cell == Cell::Empty {
        return Ok(());
    }
    if rows.last().is_none_or(|last| last.row != row) {
        if rows.len() >= limit.rows {
            return Err(limit.msg);
        }
        rows.push(SheetRow { row, cells: vec![Cell::Empty; columns] });
    }
    if let Some(last) = rows.last_mut() {
        last.cells[col] = cell;
    }
    Ok(())
}

/// How many blank lines start at `byte`, where the csv reader began looking for a record.
/// It stops right after a "\r" of a "\r\n" line end, so a "\n" there ends the previous line.
fn blank_lines_at(text: &str, byte: usize) -> u32 {
    let bytes = text.as_bytes();
    let mut i = byte;
    if i > 0 && bytes.get(i - 1) == Some(&b'\r') && bytes.get(i) == Some(&b'\n') {
        i += 1;
    }
    let mut lines = 0u32;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
            b'\r' | b'\n' => i += 1,
            _ => break,
        }
        lines = lines.saturating_add(1);
    }
    lines
}

/// The file's text: UTF-8 (a BOM is dropped), UTF-16 with a BOM, or else Windows-1251, which is
/// what Excel writes as "CSV" on a Russian Windows. None for what is plainly not text (it holds
/// NUL characters).
pub fn decode_text(bytes: &[u8]) -> Option<String> {
    let text = match encoding_rs::Encoding::for_bom(bytes) {
        Some((encoding, bom)) => encoding.decode_without_bom_handling(&bytes[bom..]).0.into_owned(),
        None => match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes).0.into_owned(),
        },
    };
    (!text.contains('\0')).then_some(text)
}

/// Which of ',', ';' and tab separates the fields. A delimiter appears the same number of times
/// on every line of a spreadsheet's export, while commas also turn up inside topics and decimal
/// numbers ("1,5"): so the first candidate found on every line the same number of times wins,
/// tab and ';' before ','; failing that, the one on the most lines. Quoted text is not counted.
pub(crate) fn detect_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 3] = [b'\t', b';', b','];
    const SAMPLE_LINES: usize = 50;
    let mut lines: Vec<[usize; 3]> = Vec::new();
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for c in text.chars() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\n' if !in_quotes => {
                if counts != [0; 3] {
                    lines.push(counts);
                    if lines.len() == SAMPLE_LINES {
                        break;
                    }
                }
                counts = [0; 3];
            }
            _ if !in_quotes => {
                if let Some(i) = CANDIDATES.iter().position(|&d| char::from(d) == c) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    if counts != [0; 3] && lines.len() < SAMPLE_LINES {
        lines.push(counts);
    }
    let consistent = (0..3).find(|&i| lines.first().is_some_and(|first| first[i] > 0 && lines.iter().all(|l| l[i] == first[i])));
    // Ties go to the earlier candidate; a file with none of them has one column, any will do.
    let on_lines = |i: usize| lines.iter().filter(|l| l[i] > 0).count();
    let most_lines = || (0..3).filter(|&i| on_lines(i) > 0).max_by_key(|&i| (on_lines(i), std::cmp::Reverse(i))).unwrap_or(2);
    CANDIDATES[consistent.unwrap_or_else(most_lines)]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_LIMIT: Limit = Limit { rows: 100, msg: Msg::ErrOlyTooManyRows };

    #[test]
    fn csv_rows_keep_spreadsheet_numbers_and_drop_blank_rows() {
        let rows = read_rows("d.csv", "a;b\n\n;\nc;d\n".as_bytes(), 2, TEST_LIMIT).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].row, rows[0].text(0), rows[0].text(1)), (1, "a", "b"));
        assert_eq!((rows[1].row, rows[1].text(0), rows[1].text(1)), (4, "c", "d"));
        assert_eq!(rows[1].text(5), "", "cells past the row read as empty");
    }

    #[test]
    fn xlsx_numbers_are_number_cells() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "ИИН").unwrap();
        sheet.write_number(1, 0, 60315600303.0).unwrap();
        sheet.write_string(3, 1, "  Ауыл  ").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let rows = read_rows("list.xlsx", &bytes, 3, TEST_LIMIT).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].cell(0), &Cell::Number("60315600303".into()));
        assert_eq!((rows[2].row, rows[2].cell(1)), (4, &Cell::Text("Ауыл".into())));
    }

    #[test]
    fn unreadable_files_are_one_error() {
        assert_eq!(read_rows("x.pdf", b"%PDF-1.4", 3, TEST_LIMIT), Err(Msg::KtpFileType));
        assert_eq!(read_rows("x.xlsx", b"not a zip", 3, TEST_LIMIT), Err(Msg::KtpFileUnreadable));
        assert_eq!(read_rows("x.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0], 3, TEST_LIMIT), Err(Msg::KtpFileType));
    }
}
