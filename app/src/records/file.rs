//! The file of students and groups a college imports (issue 20), one student a row:
//!
//! | column | holds |
//! |---|---|
//! | A | IIN (12 digits; a number cell that lost its leading zero in Excel is padded back) |
//! | B | full name |
//! | C | birth date, if given (`dd.mm.yyyy`, `yyyy-mm-dd` or a date cell): must be the IIN's |
//! | D | group name (found under the college by name, or made) |
//! | E | specialty code (`06130100`) |
//! | F | specialty name |
//! | G | course, 1 to 4 |
//! | H | form of study: full-time, evening, part-time, distance (in any of the three languages) |
//! | I | language of study: Kazakh, Russian, English (or kk, ru, en) |
//! | J | email, K phone: where a new student's invitation goes (one of them for a new student) |
//!
//! Rows before the first whose A cell holds a digit are the template's title and headers, and
//! skipped. All or nothing: every broken cell is reported as "row.N.column"; the same IIN twice
//! is refused at its second row, and so is a group whose profile differs from its first row's.

use crate::admin::model::GroupProfile;
use crate::auth::iin::Iin;
use crate::auth::model::{optional, parse_name, Email, Phone};
use crate::docs::sheet::{iin_text, read_rows, Limit, SheetRow};
use crate::docs::xlsx::{workbook, Sheet};
use crate::i18n::{Locale, Msg};

pub const COLUMNS: [&str; 11] = [
    "iin",
    "full_name",
    "birth_date",
    "group",
    "specialty_code",
    "specialty_name",
    "course",
    "study_form",
    "study_language",
    "email",
    "phone",
];
/// A college's whole contingent is a few thousand students; a bigger file is a wrong file.
pub const MAX_STUDENTS: usize = 5_000;
const LIMIT: Limit = Limit { rows: MAX_STUDENTS + 10, msg: Msg::ErrRecTooManyRows };
/// Listing more problems than this helps nobody: the file is wrong in a systematic way.
pub const MAX_ERRORS: usize = 200;
/// The upload's size limit.
pub const MAX_FILE: usize = 5 * 1024 * 1024;

/// A refused cell: "row.N.column" and why.
pub type RowError = (String, Msg);

/// One student of the file, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StudentRow {
    pub row: u32,
    pub iin: Iin,
    pub full_name: String,
    pub group: String,
    pub profile: GroupProfile,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
}

pub fn parse_students(file_name: &str, bytes: &[u8]) -> Result<Vec<StudentRow>, Vec<RowError>> {
    let file_err = |msg: Msg| vec![("row.0.file".to_string(), msg)];
    let rows = read_rows(file_name, bytes, COLUMNS.len(), LIMIT).map_err(file_err)?;
    let skip = rows.iter().take_while(|r| !r.text(0).chars().any(|c| c.is_ascii_digit())).count();
    if rows.len() - skip > MAX_STUDENTS {
        return Err(file_err(Msg::ErrRecTooManyRows));
    }
    let mut out: Vec<StudentRow> = Vec::new();
    let mut errors: Vec<RowError> = Vec::new();
    // Every IIN and each group's first profile, from broken rows too: a repeat is reported
    // even when the row it repeats has another problem.
    let mut iins: Vec<Iin> = Vec::new();
    let mut groups: Vec<(String, GroupProfile)> = Vec::new();
    for raw in &rows[skip..] {
        let mut checked = check_row(raw);
        if let Some(iin) = checked.iin.clone() {
            if iins.contains(&iin) {
                checked.errors.insert(0, ("iin", Msg::ErrRecIinRepeated));
            } else {
                iins.push(iin);
            }
        }
        if let (Some(group), Some(profile)) = (&checked.group, &checked.profile) {
            match groups.iter().find(|(g, _)| g == group) {
                Some((_, first)) => {
                    if let Some(column) = differing_column(first, profile) {
                        checked.errors.push((column, Msg::ErrRecGroupProfileDiffers));
                    }
                }
                None => groups.push((group.clone(), profile.clone())),
            }
        }
        match checked {
            Checked { iin: Some(iin), full_name: Some(full_name), group: Some(group), profile: Some(profile), email, phone, errors: e }
                if e.is_empty() =>
            {
                out.push(StudentRow { row: raw.row, iin, full_name, group, profile, email, phone })
            }
            Checked { errors: e, .. } => errors.extend(e.into_iter().map(|(column, msg)| (format!("row.{}.{column}", raw.row), msg))),
        }
        if errors.len() > MAX_ERRORS {
            errors.truncate(MAX_ERRORS);
            errors.push(("row.0.file".to_string(), Msg::KtpTooManyErrors));
            return Err(errors);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if out.is_empty() {
        return Err(file_err(Msg::ErrRecNoStudents));
    }
    Ok(out)
}

/// A row's cells as far as they are good, and what is wrong with the others.
struct Checked {
    iin: Option<Iin>,
    full_name: Option<String>,
    group: Option<String>,
    profile: Option<GroupProfile>,
    email: Option<Email>,
    phone: Option<Phone>,
    errors: Vec<(&'static str, Msg)>,
}

fn check_row(raw: &SheetRow) -> Checked {
    let mut errors: Vec<(&'static str, Msg)> = Vec::new();
    let iin = Iin::parse_field(&iin_text(raw.cell(0))).map_err(|m| errors.push(("iin", m))).ok();
    let full_name = parse_name(raw.text(1)).map_err(|m| errors.push(("full_name", m))).ok();
    if let Some(iin) = &iin {
        if let Err(m) = check_birth_date(raw.text(2), iin) {
            errors.push(("birth_date", m));
        }
    }
    let group = parse_name(raw.text(3)).map_err(|m| errors.push(("group", m))).ok();
    let profile = GroupProfile::check(raw.text(4), raw.text(5), raw.text(6), raw.text(7), raw.text(8)).map_err(|e| errors.extend(e)).ok();
    let email = optional(raw.text(9), Email::parse).map_err(|m| errors.push(("email", m))).ok().flatten();
    let phone = optional(raw.text(10), Phone::parse).map_err(|m| errors.push(("phone", m))).ok().flatten();
    Checked { iin, full_name, group, profile, email, phone, errors }
}

/// An empty cell, or the date the IIN encodes.
fn check_birth_date(raw: &str, iin: &Iin) -> Result<(), Msg> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(());
    }
    let parts: Vec<&str> = s.split(['.', '-', '/']).collect();
    let numbers: Vec<u16> = parts.iter().map(|p| p.trim().parse::<u16>()).collect::<Result<_, _>>().map_err(|_| Msg::ErrRecBirthDate)?;
    let (year, month, day) = match (parts.first().map(|p| p.len()), numbers.as_slice()) {
        (Some(4), [y, m, d]) => (*y, *m, *d),
        (Some(1 | 2), [d, m, y]) if y.to_string().len() == 4 => (*y, *m, *d),
        _ => return Err(Msg::ErrRecBirthDate),
    };
    let born = iin.birth_date();
    if (born.year, u16::from(born.month), u16::from(born.day)) == (year, month, day) {
        Ok(())
    } else if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        Err(Msg::ErrRecBirthDate)
    } else {
        Err(Msg::ErrRecBirthDateIin)
    }
}

/// The first profile column where two rows of one group disagree.
fn differing_column(a: &GroupProfile, b: &GroupProfile) -> Option<&'static str> {
    if a.specialty_code != b.specialty_code {
        Some("specialty_code")
    } else if a.specialty_name != b.specialty_name {
        Some("specialty_name")
    } else if a.course != b.course {
        Some("course")
    } else if a.study_form != b.study_form {
        Some("study_form")
    } else if a.study_language != b.study_language {
        Some("study_language")
    } else {
        None
    }
}

/// The empty template with its headers in `locale`: a title row, the headers, no example row
/// (an example left in would be imported as a student).
pub fn template_xlsx(locale: Locale) -> Vec<u8> {
    let sheet = Sheet {
        name: Msg::RecTemplateSheet.text(locale).to_string(),
        title: Msg::RecTemplateTitle.text(locale).to_string(),
        headers: COLUMNS.iter().filter_map(|c| super::model::import_column(c)).map(|m| m.text(locale).to_string()).collect(),
        rows: Vec::new(),
        freeze_first_column: false,
    };
    workbook(&[sheet])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::model::{StudyForm, StudyLanguage};

    const HEADER: &str = "ЖСН;Аты-жөні;Туған күні;Топ;Мамандық коды;Мамандық;Курс;Оқу нысаны;Оқу тілі;Email;Телефон\n";

    #[test]
    fn a_file_with_a_header_reads_every_student() {
        let file = format!(
            "{HEADER}060315600303;Әлия Нұрланқызы;15.03.2006;ИС-21;06130100;Бағдарламалық қамтамасыз ету;2;күндізгі;қазақ;aliya@example.kz;\n\
             900101300017;Ерлан Асқарұлы;;ИС-21;06130100;Бағдарламалық қамтамасыз ету;2;очная;казахский;;8 701 123 45 67\n"
        );
        let rows = parse_students("list.csv", file.as_bytes()).unwrap();
        let got: Vec<(u32, &str, &str)> = rows.iter().map(|r| (r.row, r.iin.as_str(), r.group.as_str())).collect();
        assert_eq!(got, vec![(2, "060315600303", "ИС-21"), (3, "900101300017", "ИС-21")]);
        assert_eq!(rows[0].profile.study_form, StudyForm::FullTime);
        assert_eq!(rows[1].profile.study_language, StudyLanguage::Kk);
        assert_eq!(rows[1].phone.as_ref().map(|p| p.as_str()), Some("+77011234567"));
    }

    #[test]
    fn every_broken_cell_is_listed_with_its_row_and_column() {
        let file = format!(
            "{HEADER}060315600303;Әлия;16.03.2006;ИС-21;06130100;ПҚ;2;күндізгі;қазақ;;\n\
             060315600304;;;;06130100;ПҚ;7;weekend;de;not-an-email;\n\
             060315600303;Әлия тағы;;ИС-21;06130100;ПҚ;2;күндізгі;қазақ;;\n\
             900101300017;Ерлан;;ИС-21;06130100;ПҚ;3;күндізгі;қазақ;;\n"
        );
        let errors = parse_students("list.csv", file.as_bytes()).unwrap_err();
        let expected: Vec<(String, Msg)> = [
            ("row.2.birth_date", Msg::ErrRecBirthDateIin),
            ("row.3.iin", Msg::ErrIinChecksum),
            ("row.3.full_name", Msg::ErrRequired),
            ("row.3.group", Msg::ErrRequired),
            ("row.3.course", Msg::ErrCourse),
            ("row.3.study_form", Msg::ErrStudyForm),
            ("row.3.study_language", Msg::ErrStudyLanguage),
            ("row.3.email", Msg::ErrEmailFormat),
            ("row.4.iin", Msg::ErrRecIinRepeated),
            ("row.5.course", Msg::ErrRecGroupProfileDiffers),
        ]
        .into_iter()
        .map(|(f, m)| (f.to_string(), m))
        .collect();
        assert_eq!(errors, expected);
    }

    #[test]
    fn the_template_reads_back_as_an_empty_file_and_an_iin_keeps_its_zero() {
        for locale in Locale::ALL {
            let bytes = template_xlsx(locale);
            assert_eq!(parse_students("template.xlsx", &bytes), Err(vec![("row.0.file".to_string(), Msg::ErrRecNoStudents)]));
        }
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_number(0, 0, 60315600303.0).unwrap();
        for (col, text) in ["Әлия Нұрланқызы", "", "ИС-21", "06130100", "ПҚ"].iter().enumerate() {
            sheet.write_string(0, col as u16 + 1, *text).unwrap();
        }
        sheet.write_number(0, 6, 1.0).unwrap();
        sheet.write_string(0, 7, "full_time").unwrap();
        sheet.write_string(0, 8, "ru").unwrap();
        sheet.write_string(0, 9, "a@example.kz").unwrap();
        let rows = parse_students("list.xlsx", &book.save_to_buffer().unwrap()).unwrap();
        assert_eq!(rows[0].iin.as_str(), "060315600303");
        assert_eq!(rows[0].profile.course, 1);
    }
}
