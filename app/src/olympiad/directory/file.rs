//! The school directory file (OLY-8): regions, districts and schools with the facts the
//! olympiad needs. One school a row:
//!
//! | column | holds | |
//! |---|---|---|
//! | A | region | required |
//! | B | district | empty for a school directly under its region (cities of republican status) |
//! | C | school code | required, unique in the file: how a later import finds the same school |
//! | D | school name | required |
//! | E | rural | 1/0, yes/no, иә/жоқ, да/нет, ауыл/қала, сельская/городская |
//! | F | languages of instruction | kk, ru, "kk, ru", қазақ, орыс, аралас, смешанный… |
//!
//! A first row whose F cell is the column's title ("Тілі", "Язык", "Languages") is a header and skipped.
//! All or nothing: every broken cell is reported as "row.N.column", and nothing is written.

use crate::docs::sheet::{read_rows, SheetRow};
use crate::error::AppError;
use crate::i18n::{normal_name, Msg};
use crate::olympiad::model::{rural_from_cell, SchoolLanguages};

const COLUMNS: usize = 6;
/// Errors listed at most (the rest would only bury the first ones).
pub const MAX_ERRORS: usize = 50;
pub const MAX_CODE: usize = 32;

/// One school of the file, validated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirectoryRow {
    pub row: u32,
    pub region: String,
    /// None: the school stands directly under the region.
    pub district: Option<String>,
    pub code: String,
    pub name: String,
    pub rural: bool,
    pub languages: SchoolLanguages,
}

/// A refused cell: (field "row.N.column", message). Row 0 is the whole file.
pub type RowError = (String, Msg);

/// A refused file's cells ("row.N.column", message) as the field errors the page lists.
pub(crate) fn row_errors(errors: Vec<RowError>) -> AppError {
    let mut fields = crate::error::Fields::new();
    for (field, msg) in errors {
        fields.add(&field, msg);
    }
    fields.finish().err().unwrap_or(AppError::BadRequest)
}

fn err(row: u32, column: &str, msg: Msg) -> RowError {
    (format!("row.{row}.{column}"), msg)
}

fn name_cell(raw: &str) -> Result<String, Msg> {
    crate::auth::model::parse_name(raw)
}

fn code_cell(raw: &str) -> Result<String, Msg> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Msg::ErrRequired);
    }
    if s.chars().count() > MAX_CODE || !s.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/')) {
        return Err(Msg::ErrOlySchoolCode);
    }
    Ok(s.to_string())
}

/// The header names the languages column ("Тілі", "Язык обучения", "Languages") where data
/// rows hold languages; "Ауыл" would not tell, it is both a header and a rural flag.
fn is_header(row: &SheetRow) -> bool {
    let languages = normal_name(row.text(5));
    SchoolLanguages::from_cell(&languages).is_none() && ["тіл", "язык", "language"].iter().any(|w| languages.contains(w))
}

/// Reads and checks the whole file. `Err` lists every refused cell in file order (at most
/// [`MAX_ERRORS`], then one file-level note).
pub fn parse_directory(file_name: &str, bytes: &[u8]) -> Result<Vec<DirectoryRow>, Vec<RowError>> {
    let rows = read_rows(file_name, bytes, COLUMNS, crate::olympiad::LIST_ROWS).map_err(|msg| vec![err(0, "file", msg)])?;
    let skip = usize::from(rows.first().is_some_and(is_header));
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for raw in &rows[skip..] {
        let n = raw.row;
        let region = name_cell(raw.text(0)).map_err(|m| errors.push(err(n, "region", m))).ok();
        let district = match raw.text(1).trim() {
            "" => Some(None),
            d => name_cell(d).map(Some).map_err(|m| errors.push(err(n, "district", m))).ok(),
        };
        let code = code_cell(raw.text(2)).map_err(|m| errors.push(err(n, "code", m))).ok();
        let name = name_cell(raw.text(3)).map_err(|m| errors.push(err(n, "name", m))).ok();
        let rural = rural_from_cell(raw.text(4)).ok_or_else(|| errors.push(err(n, "rural", Msg::ErrOlyRuralFlag))).ok();
        let languages = SchoolLanguages::from_cell(raw.text(5)).ok_or_else(|| errors.push(err(n, "languages", Msg::ErrOlyLanguages))).ok();
        if let (Some(region), Some(district), Some(code), Some(name), Some(rural), Some(languages)) =
            (region, district, code, name, rural, languages)
        {
            if out.iter().any(|r: &DirectoryRow| r.code == code) {
                errors.push(err(n, "code", Msg::ErrOlyCodeRepeated));
                continue;
            }
            let same_place = |r: &DirectoryRow| {
                normal_name(&r.region) == normal_name(&region)
                    && r.district.as_deref().map(normal_name) == district.as_deref().map(normal_name)
                    && normal_name(&r.name) == normal_name(&name)
            };
            if out.iter().any(same_place) {
                errors.push(err(n, "name", Msg::ErrOlySchoolRepeated));
                continue;
            }
            out.push(DirectoryRow { row: n, region, district, code, name, rural, languages });
        }
    }
    if errors.len() > MAX_ERRORS {
        errors.truncate(MAX_ERRORS);
        errors.push(err(0, "file", Msg::KtpTooManyErrors));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if out.is_empty() {
        return Err(vec![err(0, "file", Msg::ErrOlyDirectoryEmpty)]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "Облыс;Аудан;Код;Мектеп;Ауыл;Тілі\n\
        Ақмола облысы;Бурабай ауданы;AK-001;Абай атындағы мектеп;иә;kk\n\
        Ақмола облысы;Бурабай ауданы;AK-002;№2 мектеп;нет;kk, ru\n\
        Астана;;AST-1;№1 лицей;0;ru\n";

    #[test]
    fn a_good_file_reads_every_school_and_skips_its_header() {
        let rows = parse_directory("schools.csv", GOOD.as_bytes()).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows[0],
            DirectoryRow {
                row: 2,
                region: "Ақмола облысы".into(),
                district: Some("Бурабай ауданы".into()),
                code: "AK-001".into(),
                name: "Абай атындағы мектеп".into(),
                rural: true,
                languages: SchoolLanguages::Kazakh,
            }
        );
        assert_eq!((rows[1].rural, rows[1].languages), (false, SchoolLanguages::Both));
        assert_eq!((rows[2].district.clone(), rows[2].row), (None, 4));
    }

    #[test]
    fn every_broken_cell_is_listed_with_its_row_and_nothing_is_returned() {
        let file = "Ақмола облысы;Бурабай ауданы;AK-001;Абай атындағы мектеп;иә;kk\n\
            ;Бурабай ауданы;AK-002;Мектеп;иә;kk\n\
            Ақмола облысы;Бурабай ауданы;AK 3;Мектеп 3;мүмкін;de\n\
            Ақмола облысы;Бурабай ауданы;AK-001;Басқа мектеп;иә;ru\n\
            Ақмола облысы;Бурабай ауданы;AK-005;абай  атындағы мектеп;0;ru\n";
        let errors = parse_directory("d.csv", file.as_bytes()).unwrap_err();
        assert_eq!(
            errors,
            vec![
                ("row.2.region".to_string(), Msg::ErrRequired),
                ("row.3.code".to_string(), Msg::ErrOlySchoolCode),
                ("row.3.rural".to_string(), Msg::ErrOlyRuralFlag),
                ("row.3.languages".to_string(), Msg::ErrOlyLanguages),
                ("row.4.code".to_string(), Msg::ErrOlyCodeRepeated),
                ("row.5.name".to_string(), Msg::ErrOlySchoolRepeated),
            ]
        );
    }

    #[test]
    fn a_header_only_file_is_empty_and_unreadable_files_are_one_error() {
        let only_header = "Облыс;Аудан;Код;Мектеп;Ауыл;Тілі\n";
        assert_eq!(parse_directory("d.csv", only_header.as_bytes()), Err(vec![("row.0.file".to_string(), Msg::ErrOlyDirectoryEmpty)]));
        assert_eq!(parse_directory("d.doc", b"hello"), Err(vec![("row.0.file".to_string(), Msg::KtpFileType)]));
    }

    #[test]
    fn errors_are_capped() {
        let file: String = (1..=80).map(|i| format!("R;D;C{i};S{i};maybe;kk\n")).collect();
        let errors = parse_directory("d.csv", file.as_bytes()).unwrap_err();
        assert_eq!(errors.len(), MAX_ERRORS + 1);
        assert_eq!(errors.last(), Some(&("row.0.file".to_string(), Msg::KtpTooManyErrors)));
    }

    #[test]
    fn xlsx_directory_reads_like_csv() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["Region", "District", "Code", "School", "Rural", "Languages"].iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_string(1, 0, "Ақмола облысы").unwrap();
        sheet.write_string(1, 1, "Бурабай ауданы").unwrap();
        sheet.write_number(1, 2, 120340005.0).unwrap();
        sheet.write_string(1, 3, "Абай атындағы мектеп").unwrap();
        sheet.write_number(1, 4, 1.0).unwrap();
        sheet.write_string(1, 5, "kk").unwrap();
        let rows = parse_directory("d.xlsx", &book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!((rows[0].code.as_str(), rows[0].rural), ("120340005", true));
    }
}
