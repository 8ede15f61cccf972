//! CSV export of tables, as spreadsheet programs open it in Kazakhstan: UTF-8 with a BOM, `;`
//! separated. Text comes from users (names, comments): a formula-like one is kept text
//! (`files::csv_text`), and `sheet` reads it back as typed.

use super::xlsx::XCell;

/// The table with its header row.
pub fn table(headers: &[String], rows: &[Vec<XCell>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = w.write_record(headers);
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| match c {
            XCell::Text(s) => crate::files::csv_text(s).into_owned(),
            other => other.text(),
        }));
    }
    w.into_inner().unwrap_or_default()
}
