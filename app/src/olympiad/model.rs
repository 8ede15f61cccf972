//! What the olympiad's pages and server functions exchange, and the validated values of its
//! forms (campaign stages, grades). Compiled for the server and the browser alike.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// Grades an olympiad may be held for (school grades 1-11).
pub const GRADES: std::ops::RangeInclusive<i64> = 1..=11;
/// Subjects per campaign and characters per subject name: generous, but bounded.
pub const MAX_SUBJECTS: usize = 30;
pub const MAX_SUBJECT_NAME: usize = 100;

/// A school's languages of instruction (a participant sits the paper in kk or ru).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SchoolLanguages {
    Kazakh,
    Russian,
    Both,
}

impl SchoolLanguages {
    pub fn code(self) -> &'static str {
        match self {
            SchoolLanguages::Kazakh => "kk",
            SchoolLanguages::Russian => "ru",
            SchoolLanguages::Both => "kk,ru",
        }
    }

    pub fn from_code(code: &str) -> Option<SchoolLanguages> {
        match code {
            "kk" => Some(SchoolLanguages::Kazakh),
            "ru" => Some(SchoolLanguages::Russian),
            "kk,ru" => Some(SchoolLanguages::Both),
            _ => None,
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            SchoolLanguages::Kazakh => Msg::OlyLangKk,
            SchoolLanguages::Russian => Msg::OlyLangRu,
            SchoolLanguages::Both => Msg::OlyLangBoth,
        }
    }

    /// A directory cell: "kk", "ru", "kk, ru", "қазақ", "орыс", "казахский/русский", "аралас",
    /// "смешанный", "mixed"… as ministries' spreadsheets write it.
    pub fn from_cell(cell: &str) -> Option<SchoolLanguages> {
        let cell = crate::i18n::normal_name(cell);
        if ["аралас", "смешанный", "смешанная", "mixed", "both"].contains(&cell.as_str()) {
            return Some(SchoolLanguages::Both);
        }
        let mut kazakh = false;
        let mut russian = false;
        for part in cell.split(|c: char| matches!(c, ',' | ';' | '/' | '+' | '&') || c.is_whitespace()).filter(|p| !p.is_empty()) {
            match part {
                "kk" | "kz" | "қаз" | "каз" | "қазақ" | "қазақша" | "казахский" | "казахская" | "kazakh" => {
                    kazakh = true
                }
                "ru" | "орыс" | "орысша" | "рус" | "русский" | "русская" | "russian" => russian = true,
                "и" | "және" | "and" | "тілі" | "язык" => {}
                _ => return None,
            }
        }
        match (kazakh, russian) {
            (true, true) => Some(SchoolLanguages::Both),
            (true, false) => Some(SchoolLanguages::Kazakh),
            (false, true) => Some(SchoolLanguages::Russian),
            (false, false) => None,
        }
    }
}

/// A yes/no cell of the directory ("rural"): 1/0, yes/no in the three languages, or the words
/// for rural and urban themselves.
pub fn rural_from_cell(cell: &str) -> Option<bool> {
    match crate::i18n::normal_name(cell).as_str() {
        "1" | "иә" | "ия" | "да" | "yes" | "y" | "ауыл" | "ауылдық" | "село" | "сельская" | "сельский" | "rural" => {
            Some(true)
        }
        "0" | "жоқ" | "нет" | "no" | "n" | "қала" | "қалалық" | "город" | "городская" | "городской" | "urban" => {
            Some(false)
        }
        _ => None,
    }
}

/// The stages of a campaign as epoch milliseconds, in the order they happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stages {
    pub teacher_reg_opens: i64,
    pub teacher_reg_closes: i64,
    pub participant_reg_opens: i64,
    pub participant_reg_closes: i64,
    pub results_at: i64,
    pub applications_opens: i64,
    pub applications_closes: i64,
}

impl Stages {
    /// The order every campaign keeps, as (field that is wrong, message) pairs: each period
    /// opens before it closes; pupils are registered by teachers, so teacher registration opens
    /// first; results come after participant registration, and winners apply after results.
    pub fn problems(&self) -> Vec<(&'static str, Msg)> {
        let mut out = Vec::new();
        if self.teacher_reg_closes <= self.teacher_reg_opens {
            out.push(("teacher_reg_closes", Msg::ErrExamWindow));
        }
        if self.participant_reg_closes <= self.participant_reg_opens {
            out.push(("participant_reg_closes", Msg::ErrExamWindow));
        }
        if self.participant_reg_opens < self.teacher_reg_opens {
            out.push(("participant_reg_opens", Msg::ErrOlyParticipantsBeforeTeachers));
        }
        if self.results_at <= self.participant_reg_closes {
            out.push(("results_at", Msg::ErrOlyResultsBeforeRegistration));
        }
        if self.applications_opens < self.results_at {
            out.push(("applications_opens", Msg::ErrOlyApplicationsBeforeResults));
        }
        if self.applications_closes <= self.applications_opens {
            out.push(("applications_closes", Msg::ErrExamWindow));
        }
        out
    }

    /// Where a registration period stands at `now`: refused before it opens and after it
    /// closes, each with its own message. The close instant itself is already closed.
    pub fn registration_state(opens: i64, closes: i64, now: i64) -> Result<(), Msg> {
        if now < opens {
            Err(Msg::ErrOlyRegistrationNotOpen)
        } else if now >= closes {
            Err(Msg::ErrOlyRegistrationClosed)
        } else {
            Ok(())
        }
    }

    /// A region's stage-1 window must fall after participant registration and before results.
    pub fn window_problem(&self, opens_at: i64, closes_at: i64) -> Option<(&'static str, Msg)> {
        if closes_at <= opens_at {
            Some(("closes_at", Msg::ErrExamWindow))
        } else if opens_at < self.participant_reg_closes {
            Some(("opens_at", Msg::ErrOlyWindowBeforeRegistration))
        } else if closes_at > self.results_at {
            Some(("closes_at", Msg::ErrOlyWindowAfterResults))
        } else {
            None
        }
    }
}

/// A grade typed in a form or a file: a whole number 1-11.
pub fn parse_grade(raw: &str) -> Result<i64, Msg> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Msg::ErrRequired);
    }
    match s.parse::<i64>() {
        Ok(g) if GRADES.contains(&g) => Ok(g),
        _ => Err(Msg::ErrOlyGrade),
    }
}

/// The subjects of a campaign, one per line (or separated by ";"): trimmed, no repeats (case
/// and spacing ignored), at least one.
pub fn parse_subjects(raw: &str) -> Result<Vec<String>, Msg> {
    let mut out: Vec<String> = Vec::new();
    for name in raw.split(['\n', ';']).map(|s| s.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|s| !s.is_empty()) {
        if name.chars().count() > MAX_SUBJECT_NAME {
            return Err(Msg::ErrTooLong);
        }
        let key = crate::i18n::normal_name(&name);
        if out.iter().any(|s| crate::i18n::normal_name(s) == key) {
            return Err(Msg::ErrOlySubjectRepeated);
        }
        out.push(name);
    }
    if out.is_empty() {
        return Err(Msg::ErrRequired);
    }
    if out.len() > MAX_SUBJECTS {
        return Err(Msg::ErrTooLong);
    }
    Ok(out)
}

/// A campaign as the operator and the registration pages see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: i64,
    pub title: String,
    pub stages: Stages,
    pub grade_min: i64,
    pub grade_max: i64,
    pub rural_only: bool,
    pub subjects: Vec<String>,
    pub windows: Vec<StageWindow>,
}

/// A region's stage-1 window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageWindow {
    pub region_id: i64,
    pub region: String,
    pub opens_at: i64,
    pub closes_at: i64,
}

/// A campaign open for teacher registration (the public page's choice).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCampaign {
    pub id: i64,
    pub title: String,
    pub closes_at: i64,
    pub rural_only: bool,
    pub grade_min: i64,
    pub grade_max: i64,
}

/// A school a teacher may choose: eligible for the campaign.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchoolChoice {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub district: String,
    pub region: String,
}

/// Counts of the school directory (the operator's page).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectorySummary {
    pub regions: i64,
    pub districts: i64,
    pub schools: i64,
    pub rural_schools: i64,
}

/// What a directory import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub rows: i64,
    pub schools_added: i64,
    pub schools_updated: i64,
    pub regions_added: i64,
    pub districts_added: i64,
}

/// The operator's page: the directory, the campaigns, and the regions to give windows to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperatorOverview {
    pub directory: DirectorySummary,
    pub campaigns: Vec<Campaign>,
    pub regions: Vec<(i64, String)>,
}

/// A pupil as a teacher enters them, checked against the campaign and the school: the IIN,
/// the name, a grade within the campaign's range, and a language (kk or ru) the school
/// teaches in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pupil {
    pub iin: crate::auth::iin::Iin,
    pub full_name: String,
    pub grade: i64,
    /// "kk" or "ru".
    pub language: &'static str,
}

/// What a pupil must satisfy beyond their own fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PupilRules {
    pub grade_min: i64,
    pub grade_max: i64,
    pub school_languages: SchoolLanguages,
}

/// Checks one pupil; the error lists (field, message) for every field that is wrong, with the
/// field names of the form (and of the file's columns: iin, full_name, grade, language).
pub fn check_pupil(iin: &str, full_name: &str, grade: &str, language: &str, rules: PupilRules) -> Result<Pupil, Vec<(&'static str, Msg)>> {
    let mut errors = Vec::new();
    let iin = crate::auth::iin::Iin::parse_field(iin).map_err(|m| errors.push(("iin", m))).ok();
    let full_name = crate::auth::model::parse_name(full_name).map_err(|m| errors.push(("full_name", m))).ok();
    let grade = match parse_grade(grade) {
        Ok(g) if (rules.grade_min..=rules.grade_max).contains(&g) => Some(g),
        Ok(_) => {
            errors.push(("grade", Msg::ErrOlyGradeOutsideCampaign));
            None
        }
        Err(m) => {
            errors.push(("grade", m));
            None
        }
    };
    let language = match SchoolLanguages::from_cell(language) {
        None if language.trim().is_empty() => Err(Msg::ErrRequired),
        None | Some(SchoolLanguages::Both) => Err(Msg::ErrOlyPupilLanguage),
        Some(l) if rules.school_languages == SchoolLanguages::Both || rules.school_languages == l => Ok(l.code()),
        Some(_) => Err(Msg::ErrOlyLanguageNotAtSchool),
    }
    .map_err(|m| errors.push(("language", m)))
    .ok();
    match (iin, full_name, grade, language) {
        (Some(iin), Some(full_name), Some(grade), Some(language)) => Ok(Pupil { iin, full_name, grade, language }),
        _ => Err(errors),
    }
}

/// A registered participant as the teacher's list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantRow {
    pub id: i64,
    pub user_id: i64,
    pub iin: String,
    pub full_name: String,
    pub grade: i64,
    pub language: String,
    /// Open consents (issue 21): to olympiad participation (none for registrations older than
    /// the consent records) and to proctoring.
    pub olympiad_consent: bool,
    pub proctoring_consent: bool,
}

/// Characters of a teacher's join code (shown as two groups of four: `registration/join.rs`).
pub const JOIN_CODE_LEN: usize = 8;

/// A campaign the caller teaches in, with their school and the pupils registered from it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeacherCampaign {
    pub campaign_id: i64,
    pub title: String,
    pub school_id: i64,
    pub school: String,
    pub school_languages: SchoolLanguages,
    pub grade_min: i64,
    pub grade_max: i64,
    pub opens_at: i64,
    pub closes_at: i64,
    /// The code pupils of the school register themselves with (`/olympiad/join`).
    pub join_code: String,
    pub participants: Vec<ParticipantRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stages() -> Stages {
        Stages {
            teacher_reg_opens: 100,
            teacher_reg_closes: 300,
            participant_reg_opens: 200,
            participant_reg_closes: 400,
            results_at: 600,
            applications_opens: 700,
            applications_closes: 800,
        }
    }

    #[test]
    fn stages_in_order_have_no_problems() {
        assert_eq!(stages().problems(), vec![]);
    }

    #[test]
    fn each_broken_order_names_its_field() {
        let mut s = stages();
        s.teacher_reg_closes = 100;
        s.participant_reg_opens = 50;
        s.results_at = 400;
        assert_eq!(
            s.problems(),
            vec![
                ("teacher_reg_closes", Msg::ErrExamWindow),
                ("participant_reg_opens", Msg::ErrOlyParticipantsBeforeTeachers),
                ("results_at", Msg::ErrOlyResultsBeforeRegistration)
            ]
        );
        let mut s = stages();
        s.applications_opens = 500;
        s.applications_closes = 500;
        assert_eq!(
            s.problems(),
            vec![("applications_opens", Msg::ErrOlyApplicationsBeforeResults), ("applications_closes", Msg::ErrExamWindow)]
        );
    }

    #[test]
    fn registration_is_open_from_its_opening_until_just_before_its_close() {
        assert_eq!(Stages::registration_state(100, 200, 99), Err(Msg::ErrOlyRegistrationNotOpen));
        assert_eq!(Stages::registration_state(100, 200, 100), Ok(()));
        assert_eq!(Stages::registration_state(100, 200, 199), Ok(()));
        assert_eq!(Stages::registration_state(100, 200, 200), Err(Msg::ErrOlyRegistrationClosed));
    }

    #[test]
    fn windows_fall_between_registration_and_results() {
        let s = stages();
        assert_eq!(s.window_problem(400, 600), None);
        assert_eq!(s.window_problem(399, 500), Some(("opens_at", Msg::ErrOlyWindowBeforeRegistration)));
        assert_eq!(s.window_problem(450, 601), Some(("closes_at", Msg::ErrOlyWindowAfterResults)));
        assert_eq!(s.window_problem(500, 500), Some(("closes_at", Msg::ErrExamWindow)));
    }

    #[test]
    fn languages_as_directories_write_them() {
        for (cell, expected) in [
            ("kk", Some(SchoolLanguages::Kazakh)),
            ("Қазақ", Some(SchoolLanguages::Kazakh)),
            ("русский", Some(SchoolLanguages::Russian)),
            ("kk, ru", Some(SchoolLanguages::Both)),
            ("казахский/русский", Some(SchoolLanguages::Both)),
            ("қазақ және орыс", Some(SchoolLanguages::Both)),
            ("Аралас", Some(SchoolLanguages::Both)),
            ("english", None),
            ("", None),
            ("kk, de", None),
        ] {
            assert_eq!(SchoolLanguages::from_cell(cell), expected, "{cell:?}");
        }
        for l in [SchoolLanguages::Kazakh, SchoolLanguages::Russian, SchoolLanguages::Both] {
            assert_eq!(SchoolLanguages::from_code(l.code()), Some(l));
            assert_eq!(SchoolLanguages::from_cell(l.code()), Some(l));
        }
    }

    #[test]
    fn rural_flags() {
        for yes in ["1", "иә", "Да", "yes", "ауыл", "Сельская"] {
            assert_eq!(rural_from_cell(yes), Some(true), "{yes}");
        }
        for no in ["0", "жоқ", "нет", "No", "қала", "городская"] {
            assert_eq!(rural_from_cell(no), Some(false), "{no}");
        }
        assert_eq!(rural_from_cell("maybe"), None);
        assert_eq!(rural_from_cell(""), None);
    }

    #[test]
    fn grades_and_subjects() {
        assert_eq!(parse_grade(" 7 "), Ok(7));
        assert_eq!(parse_grade("12"), Err(Msg::ErrOlyGrade));
        assert_eq!(parse_grade("0"), Err(Msg::ErrOlyGrade));
        assert_eq!(parse_grade("7.5"), Err(Msg::ErrOlyGrade));
        assert_eq!(parse_grade(""), Err(Msg::ErrRequired));
        assert_eq!(
            parse_subjects("Математика\n  Қазақ   тілі ;Физика\n\n"),
            Ok(vec!["Математика".into(), "Қазақ тілі".into(), "Физика".into()])
        );
        assert_eq!(parse_subjects("Математика\nматематика"), Err(Msg::ErrOlySubjectRepeated));
        assert_eq!(parse_subjects(" \n "), Err(Msg::ErrRequired));
    }

    #[test]
    fn pupils_are_checked_against_the_campaign_and_the_school() {
        let rules = PupilRules { grade_min: 5, grade_max: 9, school_languages: SchoolLanguages::Kazakh };
        let good = check_pupil(" 060315600303 ", " Әлия  Нұрланқызы ", "6", "қазақ", rules).unwrap();
        assert_eq!((good.iin.as_str(), good.full_name.as_str(), good.grade, good.language), ("060315600303", "Әлия Нұрланқызы", 6, "kk"));
        assert_eq!(
            check_pupil("060315600304", "", "10", "ru", rules),
            Err(vec![
                ("iin", Msg::ErrIinChecksum),
                ("full_name", Msg::ErrRequired),
                ("grade", Msg::ErrOlyGradeOutsideCampaign),
                ("language", Msg::ErrOlyLanguageNotAtSchool)
            ])
        );
        assert_eq!(
            check_pupil("060315600303", "Әлия", "x", "kk, ru", rules),
            Err(vec![("grade", Msg::ErrOlyGrade), ("language", Msg::ErrOlyPupilLanguage)])
        );
        let both = PupilRules { school_languages: SchoolLanguages::Both, ..rules };
        assert_eq!(check_pupil("060315600303", "Әлия", "5", "русский", both).map(|p| p.language), Ok("ru"));
        assert_eq!(check_pupil("060315600303", "Әлия", "9", "", both).map(|p| p.language), Err(vec![("language", Msg::ErrRequired)]));
    }
}

/// A school of the registry, for the operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct RegistrySchool {
    pub school_id: i64,
    pub code: String,
    pub name: String,
    pub seats: i64,
    /// Applications listing it (any position), and winners placed in it.
    pub applied: i64,
    pub placed: i64,
}

/// One variant: its exam, window and progress, and whether the bank holds enough questions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Variant {
    pub exam_id: i64,
    pub subject: String,
    pub region: String,
    pub grade: i64,
    pub language: String,
    pub opens_at: i64,
    pub closes_at: i64,
    pub candidates: i64,
    pub started: i64,
    pub finished: i64,
    /// Questions in the bank's topic for this variant, and how many a paper takes.
    pub in_bank: i64,
    /// Not a column: the stage's paper size, set after the read.
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub needed: i64,
}
