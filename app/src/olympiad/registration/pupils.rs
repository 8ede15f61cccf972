//! A school's pupil list for bulk registration (OLY-2), one pupil a row:
//!
//! | column | holds |
//! |---|---|
//! | A | IIN (12 digits; a number cell that lost its leading zero in Excel is padded back) |
//! | B | full name |
//! | C | grade (within the campaign's range) |
//! | D | language of the paper: kk or ru (қазақ, орыс, казахский, русский…), one the school teaches in |
//!
//! A first row whose A cell holds no digit is a header and skipped. All or nothing: every
//! broken cell is reported as "row.N.column"; the same IIN twice in the file is refused at
//! its second row.

use crate::docs::sheet::{iin_text, read_rows};
use crate::i18n::Msg;
use crate::olympiad::directory::file::{RowError, MAX_ERRORS};
use crate::olympiad::model::{check_pupil, Pupil, PupilRules};

const COLUMNS: usize = 4;
/// A school registers a few hundred pupils at most; a bigger file is a wrong file.
pub const MAX_PUPILS: usize = 2_000;

/// A pupil read from the file, with the row it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PupilRow {
    pub row: u32,
    pub pupil: Pupil,
}

pub fn parse_pupils(file_name: &str, bytes: &[u8], rules: PupilRules) -> Result<Vec<PupilRow>, Vec<RowError>> {
    let file_err = |msg: Msg| vec![("row.0.file".to_string(), msg)];
    let rows = read_rows(file_name, bytes, COLUMNS, crate::olympiad::LIST_ROWS).map_err(file_err)?;
    let skip = usize::from(rows.first().is_some_and(|r| !r.text(0).chars().any(|c| c.is_ascii_digit())));
    if rows.len() - skip > MAX_PUPILS {
        return Err(file_err(Msg::ErrOlyTooManyPupils));
    }
    let mut out: Vec<PupilRow> = Vec::new();
    let mut errors = Vec::new();
    for raw in &rows[skip..] {
        match check_pupil(&iin_text(raw.cell(0)), raw.text(1), raw.text(2), raw.text(3), rules) {
            Ok(pupil) if out.iter().any(|p| p.pupil.iin == pupil.iin) => {
                errors.push((format!("row.{}.iin", raw.row), Msg::ErrOlyIinRepeated));
            }
            Ok(pupil) => out.push(PupilRow { row: raw.row, pupil }),
            Err(cells) => errors.extend(cells.into_iter().map(|(column, msg)| (format!("row.{}.{column}", raw.row), msg))),
        }
    }
    if errors.len() > MAX_ERRORS {
        errors.truncate(MAX_ERRORS);
        errors.push(("row.0.file".to_string(), Msg::KtpTooManyErrors));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if out.is_empty() {
        return Err(file_err(Msg::ErrOlyNoPupils));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::olympiad::model::SchoolLanguages;

    const RULES: PupilRules = PupilRules { grade_min: 5, grade_max: 9, school_languages: SchoolLanguages::Both };

    #[test]
    fn a_list_with_a_header_reads_every_pupil() {
        let file = "ЖСН;Аты-жөні;Сынып;Тілі\n060315600303;Әлия Нұрланқызы;6;kk\n900101300017;Ерлан Асқарұлы;9;орыс\n";
        let rows = parse_pupils("list.csv", file.as_bytes(), RULES).unwrap();
        let got: Vec<(u32, &str, i64, &str)> =
            rows.iter().map(|r| (r.row, r.pupil.iin.as_str(), r.pupil.grade, r.pupil.language)).collect();
        assert_eq!(got, vec![(2, "060315600303", 6, "kk"), (3, "900101300017", 9, "ru")]);
    }

    #[test]
    fn broken_rows_and_repeated_iins_are_all_listed() {
        let file = "060315600303;Әлия;6;kk\n060315600304;;12;de\n060315600303;Әлия тағы;7;ru\n";
        let errors = parse_pupils("list.csv", file.as_bytes(), RULES).unwrap_err();
        let expected: Vec<(String, Msg)> = [
            ("row.2.iin", Msg::ErrIinChecksum),
            ("row.2.full_name", Msg::ErrRequired),
            ("row.2.grade", Msg::ErrOlyGrade),
            ("row.2.language", Msg::ErrOlyPupilLanguage),
            ("row.3.iin", Msg::ErrOlyIinRepeated),
        ]
        .into_iter()
        .map(|(f, m)| (f.to_string(), m))
        .collect();
        assert_eq!(errors, expected);
    }

    #[test]
    fn an_iin_that_excel_made_a_number_gets_its_zero_back() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_number(0, 0, 60315600303.0).unwrap();
        sheet.write_string(0, 1, "Әлия Нұрланқызы").unwrap();
        sheet.write_number(0, 2, 6.0).unwrap();
        sheet.write_string(0, 3, "kk").unwrap();
        let rows = parse_pupils("list.xlsx", &book.save_to_buffer().unwrap(), RULES).unwrap();
        assert_eq!(rows[0].pupil.iin.as_str(), "060315600303");
    }

    #[test]
    fn an_empty_list_is_one_error() {
        assert_eq!(
            parse_pupils("list.csv", "ЖСН;Аты-жөні;Сынып;Тілі\n".as_bytes(), RULES),
            Err(vec![("row.0.file".to_string(), Msg::ErrOlyNoPupils)])
        );
    }
}
