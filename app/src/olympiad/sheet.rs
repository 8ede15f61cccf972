//! Reading the olympiad's spreadsheets (school directory, pupil lists): the first sheet of an
//! .xlsx, or a .csv in any of the encodings and separators Excel writes (the same reading rules
//! as the journal's plan import, whose text decoding and separator detection are reused).
//! Rows keep the number a spreadsheet shows, so an error can point at "row 17".

use crate::i18n::Msg;

/// Files past this many filled rows are refused whole (a national directory is ~7 000
/// schools; a school's pupil list a few hundred).
pub const MAX_ROWS: usize = 20_000;

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

fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// The filled rows of the file's first columns (`columns` of them), blank rows dropped.
pub fn read_rows(file_name: &str, bytes: &[u8], columns: usize) -> Result<Vec<SheetRow>, Msg> {
    read_rows_capped(file_name, bytes, columns, Limit { rows: MAX_ROWS, msg: Msg::ErrOlyTooManyRows })
}

/// How many filled rows a kind of file may have, and the message when it has more.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub rows: usize,
    pub msg: Msg,
}

/// [`read_rows`] for files with their own row limit (a national results file is far longer
/// than a directory).
pub fn read_rows_capped(file_name: &str, bytes: &[u8], columns: usize, limit: Limit) -> Result<Vec<SheetRow>, Msg> {
    let extension = file_name.rsplit_once('.').map(|(_, ext)| ext.trim().to_ascii_lowercase()).unwrap_or_default();
    let mut rows = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes, columns, limit)?
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        // An old binary .xls: not read; Excel saves .xlsx.
        return Err(Msg::KtpFileType);
    } else {
        match extension.as_str() {
            "xlsx" => return Err(Msg::KtpFileUnreadable),
            "csv" | "tsv" | "txt" => read_csv(bytes, columns, limit)?,
            _ => return Err(Msg::KtpFileType),
        }
    };
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

fn read_xlsx(bytes: &[u8], columns: usize, limit: Limit) -> Result<Vec<SheetRow>, Msg> {
    use calamine::{DataRef, Reader, SheetType, SheetVisible, Xlsx};
    crate::files::check_spreadsheet_zip(bytes, Msg::KtpFileUnreadable)?;
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|_| Msg::KtpFileUnreadable)?;
    let sheets = book.sheets_metadata();
    let worksheets = || sheets.iter().filter(|s| s.typ == SheetType::WorkSheet);
    let name = worksheets().find(|s| s.visible == SheetVisible::Visible).or_else(|| worksheets().next()).map(|s| s.name.clone());
    let name = name.ok_or(Msg::KtpFileUnreadable)?;
    // Streamed cell by cell: a Range would allocate the sheet's whole bounding box.
    let mut cells = book.worksheet_cells_reader(&name).map_err(|_| Msg::KtpFileUnreadable)?;
    let mut rows = Vec::new();
    while let Some(cell) = cells.next_cell().map_err(|_| Msg::KtpFileUnreadable)? {
        let (row, col) = cell.get_position();
        let value = match cell.get_value() {
            DataRef::Empty => Cell::Empty,
            DataRef::Int(i) => Cell::Number(i.to_string()),
            DataRef::Float(x) => Cell::Number(number_text(*x)),
            DataRef::String(s) => text_cell(s),
            DataRef::SharedString(s) => text_cell(s),
            DataRef::Bool(b) => Cell::Text(if *b { "1" } else { "0" }.to_string()),
            DataRef::DateTime(dt) => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                Cell::Text(format!("{d:02}.{m:02}.{y:04}"))
            }
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => text_cell(s),
            DataRef::Error(e) => Cell::Text(e.to_string()),
        };
        push_cell(&mut rows, row.saturating_add(1), col as usize, value, columns, limit)?;
    }
    Ok(rows)
}

fn read_csv(bytes: &[u8], columns: usize, limit: Limit) -> Result<Vec<SheetRow>, Msg> {
    use crate::journal::ktp_file::{blank_lines_at, decode_text, detect_delimiter};
    let text = decode_text(bytes).ok_or(Msg::KtpFileUnreadable)?;
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(detect_delimiter(&text)).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // The csv reader skips blank lines, which a spreadsheet shows as rows: count them back in.
    let mut row = 0u32;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(Msg::KtpFileUnreadable),
        }
        let skipped = record.position().and_then(|p| usize::try_from(p.byte()).ok()).map_or(0, |byte| blank_lines_at(&text, byte));
        row = row.saturating_add(1).saturating_add(skipped);
        for (col, field) in record.iter().enumerate() {
            // Our own exports escape formula-like text (files::csv_text): read it back as typed.
            push_cell(&mut rows, row, col, text_cell(crate::files::csv_text_back(field)), columns, limit)?;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_spreadsheet_numbers_and_drop_blank_rows() {
        let rows = read_rows("d.csv", "a;b\n\n;\nc;d\n".as_bytes(), 2).unwrap();
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
        let rows = read_rows("list.xlsx", &bytes, 3).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].cell(0), &Cell::Number("60315600303".into()));
        assert_eq!((rows[2].row, rows[2].cell(1)), (4, &Cell::Text("Ауыл".into())));
    }

    #[test]
    fn unreadable_files_are_one_error() {
        assert_eq!(read_rows("x.pdf", b"%PDF-1.4", 3), Err(Msg::KtpFileType));
        assert_eq!(read_rows("x.xlsx", b"not a zip", 3), Err(Msg::KtpFileUnreadable));
        assert_eq!(read_rows("x.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0], 3), Err(Msg::KtpFileType));
    }
}
