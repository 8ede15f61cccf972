use crate::auth::model::{Grant, Role};
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

pub use crate::auth::model::ROOT_ORG_ID;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgKind {
    Root,
    Region,
    District,
    College,
    School,
    Group,
}

impl OrgKind {
    pub const CREATABLE: [OrgKind; 5] = [OrgKind::Region, OrgKind::District, OrgKind::College, OrgKind::School, OrgKind::Group];

    pub fn code(self) -> &'static str {
        match self {
            OrgKind::Root => "root",
            OrgKind::Region => "region",
            OrgKind::District => "district",
            OrgKind::College => "college",
            OrgKind::School => "school",
            OrgKind::Group => "group",
        }
    }
    pub fn from_code(s: &str) -> Option<OrgKind> {
        [OrgKind::Root, OrgKind::Region, OrgKind::District, OrgKind::College, OrgKind::School, OrgKind::Group]
            .into_iter()
            .find(|k| k.code() == s)
    }
    pub fn msg(self) -> Msg {
        match self {
            OrgKind::Root => Msg::KindRoot,
            OrgKind::Region => Msg::KindRegion,
            OrgKind::District => Msg::KindDistrict,
            OrgKind::College => Msg::KindCollege,
            OrgKind::School => Msg::KindSchool,
            OrgKind::Group => Msg::KindGroup,
        }
    }
    /// What may stand directly under an organisation of this kind. Colleges are mostly
    /// regional, schools mostly district ones, but both occur under either.
    pub fn may_contain(self, child: OrgKind) -> bool {
        use OrgKind::*;
        matches!(
            (self, child),
            (Root, Region)
                | (Region, District)
                | (Region, College)
                | (Region, School)
                | (District, College)
                | (District, School)
                | (College, Group)
                | (School, Group)
        )
    }
}

/// One organisation with its place in the tree (depth 0 = the caller's scope roots).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgNode {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub kind: OrgKind,
    pub name: String,
    pub depth: usize,
}

/// A user in the users list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub active: bool,
    pub roles: Vec<Role>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub user: UserRow,
    pub grants: Vec<Grant>,
}

/// A group's form of study, as TVET colleges have them (күндізгі / очная, кешкі / вечерняя,
/// сырттай / заочная, қашықтықтан / дистанционная).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StudyForm {
    FullTime,
    Evening,
    PartTime,
    Distance,
}

impl StudyForm {
    pub const ALL: [StudyForm; 4] = [StudyForm::FullTime, StudyForm::Evening, StudyForm::PartTime, StudyForm::Distance];

    pub fn code(self) -> &'static str {
        match self {
            StudyForm::FullTime => "full_time",
            StudyForm::Evening => "evening",
            StudyForm::PartTime => "part_time",
            StudyForm::Distance => "distance",
        }
    }
    pub fn from_code(code: &str) -> Option<StudyForm> {
        StudyForm::ALL.into_iter().find(|f| f.code() == code)
    }
    pub fn msg(self) -> Msg {
        match self {
            StudyForm::FullTime => Msg::StudyFormFullTime,
            StudyForm::Evening => Msg::StudyFormEvening,
            StudyForm::PartTime => Msg::StudyFormPartTime,
            StudyForm::Distance => Msg::StudyFormDistance,
        }
    }
    /// A form field or a file's cell: the code, or the name in any of the three languages (case
    /// ignored), so a file typed in Kazakh, Russian or English reads the same.
    pub fn parse(raw: &str) -> Result<StudyForm, Msg> {
        parse_named(raw, &StudyForm::ALL, |f| f.code(), |f| f.msg()).ok_or(Msg::ErrStudyForm)
    }
}

/// The language a group is taught in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StudyLanguage {
    Kk,
    Ru,
    En,
}

impl StudyLanguage {
    pub const ALL: [StudyLanguage; 3] = [StudyLanguage::Kk, StudyLanguage::Ru, StudyLanguage::En];

    pub fn code(self) -> &'static str {
        match self {
            StudyLanguage::Kk => "kk",
            StudyLanguage::Ru => "ru",
            StudyLanguage::En => "en",
        }
    }
    pub fn from_code(code: &str) -> Option<StudyLanguage> {
        StudyLanguage::ALL.into_iter().find(|l| l.code() == code)
    }
    pub fn msg(self) -> Msg {
        match self {
            StudyLanguage::Kk => Msg::StudyLanguageKk,
            StudyLanguage::Ru => Msg::StudyLanguageRu,
            StudyLanguage::En => Msg::StudyLanguageEn,
        }
    }
    pub fn parse(raw: &str) -> Result<StudyLanguage, Msg> {
        parse_named(raw, &StudyLanguage::ALL, |l| l.code(), |l| l.msg()).ok_or(Msg::ErrStudyLanguage)
    }
}

/// The value whose code or name (in any language, case ignored) is `raw`.
fn parse_named<T: Copy>(raw: &str, all: &[T], code: fn(T) -> &'static str, msg: fn(T) -> Msg) -> Option<T> {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    all.iter().copied().find(|v| code(*v) == s || msg(*v).texts().iter().any(|t| t.to_lowercase() == s))
}

/// Years of study in a college.
pub const COURSES: std::ops::RangeInclusive<i64> = 1..=4;
/// Specialty codes of the classifier: "06130100" (today's eight digits), "1304000" (the older
/// seven), "3W06130101" (a qualification's). Letters and digits, no more than this.
pub const MAX_SPECIALTY_CODE: usize = 12;

/// A group's profile: what it is trained in (the performance report groups by the specialty),
/// its year, form and language of study.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupProfile {
    pub specialty_code: String,
    pub specialty_name: String,
    pub course: i64,
    pub study_form: StudyForm,
    pub study_language: StudyLanguage,
}

impl GroupProfile {
    /// Checks every field, each failure at its field ("specialty_code", "specialty_name",
    /// "course", "study_form", "study_language"), as the form and the import file name them.
    pub fn check(code: &str, name: &str, course: &str, form: &str, language: &str) -> Result<GroupProfile, Vec<(&'static str, Msg)>> {
        let mut errors = Vec::new();
        let code = parse_specialty_code(code).map_err(|m| errors.push(("specialty_code", m))).ok();
        let name = crate::auth::model::parse_name(name).map_err(|m| errors.push(("specialty_name", m))).ok();
        let course = parse_course(course).map_err(|m| errors.push(("course", m))).ok();
        let form = StudyForm::parse(form).map_err(|m| errors.push(("study_form", m))).ok();
        let language = StudyLanguage::parse(language).map_err(|m| errors.push(("study_language", m))).ok();
        match (code, name, course, form, language) {
            (Some(specialty_code), Some(specialty_name), Some(course), Some(study_form), Some(study_language)) => {
                Ok(GroupProfile { specialty_code, specialty_name, course, study_form, study_language })
            }
            _ => Err(errors),
        }
    }
}

pub fn parse_specialty_code(raw: &str) -> Result<String, Msg> {
    let s = raw.trim().to_uppercase();
    if s.is_empty() {
        Err(Msg::ErrRequired)
    } else if s.chars().count() > MAX_SPECIALTY_CODE || s.chars().count() < 2 || !s.chars().all(|c| c.is_ascii_alphanumeric()) {
        Err(Msg::ErrSpecialtyCode)
    } else {
        Ok(s)
    }
}

/// "2", or "2.0" as a spreadsheet's number cell may read.
pub fn parse_course(raw: &str) -> Result<i64, Msg> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Msg::ErrRequired);
    }
    let n = s.strip_suffix(".0").unwrap_or(s).parse::<i64>().map_err(|_| Msg::ErrCourse)?;
    if COURSES.contains(&n) {
        Ok(n)
    } else {
        Err(Msg::ErrCourse)
    }
}

/// A group as its administrators see it: where it is, and its profile once one was set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDetail {
    pub id: i64,
    pub name: String,
    pub parent_name: String,
    pub profile: Option<GroupProfile>,
}

/// Orders a flat list of organisations into a depth-first tree under the given roots.
pub fn tree_order(nodes: Vec<(i64, Option<i64>, OrgKind, String)>, roots: &[i64]) -> Vec<OrgNode> {
    fn walk(id: i64, depth: usize, all: &[(i64, Option<i64>, OrgKind, String)], out: &mut Vec<OrgNode>) {
        if let Some(n) = all.iter().find(|n| n.0 == id) {
            out.push(OrgNode { id: n.0, parent_id: n.1, kind: n.2, name: n.3.clone(), depth });
            let mut children: Vec<_> = all.iter().filter(|c| c.1 == Some(id)).collect();
            children.sort_by(|a, b| a.3.cmp(&b.3));
            for c in children {
                walk(c.0, depth + 1, all, out);
            }
        }
    }
    let mut out = Vec::new();
    for r in roots {
        if !out.iter().any(|n: &OrgNode| n.id == *r) {
            walk(*r, 0, &nodes, &mut out);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hierarchy_rules() {
        assert!(OrgKind::Root.may_contain(OrgKind::Region));
        assert!(OrgKind::District.may_contain(OrgKind::School));
        assert!(OrgKind::College.may_contain(OrgKind::Group));
        assert!(!OrgKind::Root.may_contain(OrgKind::Group));
        assert!(!OrgKind::Group.may_contain(OrgKind::Group));
        assert!(!OrgKind::School.may_contain(OrgKind::Region));
    }

    #[test]
    fn a_profile_is_checked_at_each_field() {
        let p = GroupProfile::check(" 06130100 ", "Бағдарламалық  қамтамасыз ету", "2", "күндізгі", "RU").unwrap();
        assert_eq!(
            p,
            GroupProfile {
                specialty_code: "06130100".into(),
                specialty_name: "Бағдарламалық қамтамасыз ету".into(),
                course: 2,
                study_form: StudyForm::FullTime,
                study_language: StudyLanguage::Ru,
            }
        );
        assert_eq!(GroupProfile::check("3w06130101", "x", "4.0", "Заочная", "English").unwrap().specialty_code, "3W06130101");
        let errors = GroupProfile::check("06-13", "", "5", "weekend", "de").unwrap_err();
        assert_eq!(
            errors,
            vec![
                ("specialty_code", Msg::ErrSpecialtyCode),
                ("specialty_name", Msg::ErrRequired),
                ("course", Msg::ErrCourse),
                ("study_form", Msg::ErrStudyForm),
                ("study_language", Msg::ErrStudyLanguage),
            ]
        );
        assert_eq!(parse_course("0"), Err(Msg::ErrCourse));
        assert_eq!(StudyForm::parse("evening"), Ok(StudyForm::Evening));
        assert_eq!(StudyForm::parse("Қашықтықтан"), Ok(StudyForm::Distance));
    }

    #[test]
    fn tree_is_depth_first_and_sorted() {
        let nodes = vec![
            (1, None, OrgKind::Root, "Talap".into()),
            (3, Some(1), OrgKind::Region, "Б".into()),
            (2, Some(1), OrgKind::Region, "А".into()),
            (4, Some(2), OrgKind::District, "А-1".into()),
        ];
        let t = tree_order(nodes, &[1]);
        let names: Vec<_> = t.iter().map(|n| (n.name.as_str(), n.depth)).collect();
        assert_eq!(names, vec![("Talap", 0), ("А", 1), ("А-1", 2), ("Б", 1)]);
    }
}
