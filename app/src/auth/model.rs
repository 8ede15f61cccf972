//! Accounts, roles and the validated values a user types (login, email, phone, password).
//! Compiled for the server and the browser alike; constructors are the only way in.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The root organisation (the installation itself); created by the migrations. A grant on it
/// reaches every organisation.
pub const ROOT_ORG_ID: i64 = 1;

/// Roles of PLT-1. What each may do is data (`role_permissions`); this list names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    EduDepartment,
    Director,
    HeadOfDepartment,
    Methodist,
    Clerk,
    Hr,
    Accountant,
    SchoolAdmin,
    Teacher,
    Proctor,
    /// Runs olympiad campaigns: directories, stages, eligibility (OLY-8).
    OlympiadOperator,
    OlympiadTeacher,
    Student,
    OlympiadParticipant,
    Applicant,
}

impl Role {
    pub const ALL: [Role; 16] = [
        Role::Admin,
        Role::EduDepartment,
        Role::Director,
        Role::HeadOfDepartment,
        Role::Methodist,
        Role::Clerk,
        Role::Hr,
        Role::Accountant,
        Role::SchoolAdmin,
        Role::Teacher,
        Role::Proctor,
        Role::OlympiadOperator,
        Role::OlympiadTeacher,
        Role::Student,
        Role::OlympiadParticipant,
        Role::Applicant,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::EduDepartment => "edu_department",
            Role::Director => "director",
            Role::HeadOfDepartment => "head_of_department",
            Role::Methodist => "methodist",
            Role::Clerk => "clerk",
            Role::Hr => "hr",
            Role::Accountant => "accountant",
            Role::SchoolAdmin => "school_admin",
            Role::Teacher => "teacher",
            Role::Proctor => "proctor",
            Role::OlympiadOperator => "olympiad_operator",
            Role::OlympiadTeacher => "olympiad_teacher",
            Role::Student => "student",
            Role::OlympiadParticipant => "olympiad_participant",
            Role::Applicant => "applicant",
        }
    }

    /// Roles that sit exams: students of a group, and olympiad participants (stage 1 is an
    /// exam per variant, see olympiad/stage/sitting.rs).
    pub fn sits_exams(self) -> bool {
        matches!(self, Role::Student | Role::OlympiadParticipant)
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn msg(self) -> Msg {
        match self {
            Role::Admin => Msg::RoleAdmin,
            Role::EduDepartment => Msg::RoleEduDepartment,
            Role::Director => Msg::RoleDirector,
            Role::HeadOfDepartment => Msg::RoleHeadOfDepartment,
            Role::Methodist => Msg::RoleMethodist,
            Role::Clerk => Msg::RoleClerk,
            Role::Hr => Msg::RoleHr,
            Role::Accountant => Msg::RoleAccountant,
            Role::SchoolAdmin => Msg::RoleSchoolAdmin,
            Role::Teacher => Msg::RoleTeacher,
            Role::Proctor => Msg::RoleProctor,
            Role::OlympiadOperator => Msg::RoleOlympiadOperator,
            Role::OlympiadTeacher => Msg::RoleOlympiadTeacher,
            Role::Student => Msg::RoleStudent,
            Role::OlympiadParticipant => Msg::RoleOlympiadParticipant,
            Role::Applicant => Msg::RoleApplicant,
        }
    }
}

/// What a role grant allows, within the organisation it is granted on and below.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    OrgManage,
    UserManage,
    AuditRead,
    /// Keep journals of groups in scope: create them, fill lessons, give marks (teachers).
    JournalKeep,
    /// Read every journal in scope, its history and the reports built from it (heads of studies).
    JournalRead,
    /// Issue certificates (справки) to students in scope (the office).
    CertificateIssue,
    /// Watch exam attempts in scope, review their evidence and violations, give verdicts and
    /// decide appeals (proctors).
    ProctorReview,
    /// Run olympiad campaigns: import the school directory, create campaigns and their stages.
    OlympiadOperate,
    /// Register pupils of one's school for olympiad campaigns (olympiad teachers).
    OlympiadRegister,
    /// See the olympiad winners who applied to one's specialised school (its director and
    /// administrator).
    OlympiadAdmit,
    /// Keep student records of groups in scope: their profiles, the import of students and
    /// groups, students' movements (a college's director, the administrator).
    RecordsManage,
    /// Handle applications for the college's e-services: the queue, returns for correction,
    /// approvals and refusals (the college's office, its director, the administrator).
    ServicesManage,
    /// Run a college's admission: campaigns and their places, the acceptance of documents, the
    /// ranking and its publication, the enrolment (the admission committee: the college's
    /// director, the administrator).
    AdmissionManage,
}

impl Permission {
    pub const ALL: [Permission; 13] = [
        Permission::OrgManage,
        Permission::UserManage,
        Permission::AuditRead,
        Permission::JournalKeep,
        Permission::JournalRead,
        Permission::CertificateIssue,
        Permission::ProctorReview,
        Permission::OlympiadOperate,
        Permission::OlympiadRegister,
        Permission::OlympiadAdmit,
        Permission::RecordsManage,
        Permission::ServicesManage,
        Permission::AdmissionManage,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Permission::OrgManage => "org.manage",
            Permission::UserManage => "user.manage",
            Permission::AuditRead => "audit.read",
            Permission::JournalKeep => "journal.keep",
            Permission::JournalRead => "journal.read",
            Permission::CertificateIssue => "certificate.issue",
            Permission::ProctorReview => "proctor.review",
            Permission::OlympiadOperate => "olympiad.operate",
            Permission::OlympiadRegister => "olympiad.register",
            Permission::OlympiadAdmit => "olympiad.admit",
            Permission::RecordsManage => "records.manage",
            Permission::ServicesManage => "services.manage",
            Permission::AdmissionManage => "admission.manage",
        }
    }

    pub fn from_code(code: &str) -> Option<Permission> {
        Permission::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// One role held on one organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub id: i64,
    pub role: Role,
    pub org_id: i64,
    pub org_name: String,
}

/// The signed-in user as the pages see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: i64,
    pub login: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// A new email or phone waiting for the code sent to it (see `account::api::update_profile`).
    pub new_email: Option<String>,
    pub new_phone: Option<String>,
    pub locale: crate::i18n::Locale,
    pub grants: Vec<Grant>,
    /// Permissions held anywhere (what the menus offer; each action re-checks the scope).
    pub permissions: Vec<Permission>,
}

impl SessionUser {
    pub fn can(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }
}

/// Longest free-text field we accept (names of people and organisations).
pub const MAX_NAME: usize = 200;

/// A login: 3-32 of a-z 0-9 . _ - starting with a letter or digit; stored lower-case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Login(String);

impl Login {
    pub fn parse(raw: &str) -> Result<Login, Msg> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err(Msg::ErrRequired);
        }
        let ok_len = (3..=32).contains(&s.chars().count());
        let ok_chars = s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        let ok_first = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        if ok_len && ok_chars && ok_first {
            Ok(Login(s))
        } else {
            Err(Msg::ErrLoginFormat)
        }
    }
    /// A login a person picks for themself (self-registration) or an administrator types: as
    /// `parse`, but twelve digits are refused. A 12-digit login is an IIN, and IIN logins are
    /// made only by the IIN's own registration flows (olympiad teacher registration, a pupil's
    /// registration), which check the IIN; anyone else taking one would squat a child's IIN and
    /// later be taken for that child.
    pub fn parse_chosen(raw: &str) -> Result<Login, Msg> {
        let login = Login::parse(raw)?;
        if login.is_iin_shaped() {
            return Err(Msg::ErrLoginIsIin);
        }
        Ok(login)
    }
    /// Twelve digits: the shape of an IIN.
    pub fn is_iin_shaped(&self) -> bool {
        self.0.len() == 12 && self.0.bytes().all(|b| b.is_ascii_digit())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address, trimmed, domain lower-cased. Deliberately permissive beyond the basic
/// shape: the confirmation code proves it works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, Msg> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Msg::ErrRequired);
        }
        if s.len() > 254 {
            return Err(Msg::ErrTooLong);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(Msg::ErrEmailFormat)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        if local.is_empty() || local.len() > 64 || local.contains('@') || s.chars().any(char::is_whitespace) || !domain_ok {
            return Err(Msg::ErrEmailFormat);
        }
        Ok(Email(format!("{local}@{}", domain.to_lowercase())))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A Kazakhstan phone number, normalised to +7XXXXXXXXXX ("8 7.." is the domestic form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Phone, Msg> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Msg::ErrRequired);
        }
        if s.chars().any(|c| !(c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))) {
            return Err(Msg::ErrPhoneFormat);
        }
        let digits: String = s.chars().filter(char::is_ascii_digit).collect();
        let national = match (s.starts_with('+'), digits.len()) {
            (true, 11) if digits.starts_with('7') => &digits[1..],
            (false, 11) if digits.starts_with('8') || digits.starts_with('7') => &digits[1..],
            (false, 10) => &digits[..],
            _ => return Err(Msg::ErrPhoneFormat),
        };
        if !(national.starts_with('7') || national.starts_with('6')) {
            return Err(Msg::ErrPhoneFormat);
        }
        Ok(Phone(format!("+7{national}")))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password that meets the policy: 10-128 characters with letters and digits, not the
/// login. Length beats composition rules; 10 keeps it typeable for pupils on phones.
pub fn check_new_password(password: &str, login: &str) -> Result<(), Msg> {
    let n = password.chars().count();
    if n == 0 {
        return Err(Msg::ErrRequired);
    }
    if n > 128 {
        return Err(Msg::ErrTooLong);
    }
    let has_letter = password.chars().any(char::is_alphabetic);
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if n < 10 || !has_letter || !has_digit {
        return Err(Msg::ErrWeakPassword);
    }
    if !login.is_empty() && password.to_lowercase().contains(&login.to_lowercase()) {
        return Err(Msg::ErrPasswordIsLogin);
    }
    Ok(())
}

/// A person's or organisation's name: trimmed, 1-200 characters.
pub fn parse_name(raw: &str) -> Result<String, Msg> {
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        Err(Msg::ErrRequired)
    } else if s.chars().count() > MAX_NAME {
        Err(Msg::ErrTooLong)
    } else {
        Ok(s)
    }
}

/// An optional field: empty means absent.
pub fn optional<T>(raw: &str, parse: impl Fn(&str) -> Result<T, Msg>) -> Result<Option<T>, Msg> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse(raw).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_digit_logins_are_iins_and_not_chosen() {
        assert_eq!(Login::parse_chosen("060315600303").unwrap_err(), Msg::ErrLoginIsIin);
        assert_eq!(Login::parse_chosen(" 060315600303 ").unwrap_err(), Msg::ErrLoginIsIin);
        assert!(Login::parse("060315600303").is_ok(), "the IIN's own flows still make them");
        assert!(Login::parse_chosen("0603156003031").is_ok(), "13 digits are not an IIN");
        assert!(Login::parse_chosen("06031560030").is_ok());
        assert!(Login::parse_chosen("aida.060315600303").is_ok());
    }

    #[test]
    fn logins() {
        assert_eq!(Login::parse(" Aida.S ").unwrap().as_str(), "aida.s");
        assert_eq!(Login::parse("ab"), Err(Msg::ErrLoginFormat));
        assert_eq!(Login::parse("-abc"), Err(Msg::ErrLoginFormat));
        assert_eq!(Login::parse("айгүл"), Err(Msg::ErrLoginFormat));
        assert_eq!(Login::parse(""), Err(Msg::ErrRequired));
        assert_eq!(Login::parse(&"a".repeat(33)), Err(Msg::ErrLoginFormat));
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse("Aida@Mail.KZ").unwrap().as_str(), "Aida@mail.kz");
        for bad in ["aida", "aida@", "@mail.kz", "a b@mail.kz", "aida@mail", "aida@mail..kz"] {
            assert_eq!(Email::parse(bad), Err(Msg::ErrEmailFormat), "{bad}");
        }
    }

    #[test]
    fn phones() {
        for ok in ["+7 701 234 56 78", "87012345678", "8 (701) 234-56-78", "7012345678"] {
            assert_eq!(Phone::parse(ok).unwrap().as_str(), "+77012345678", "{ok}");
        }
        for bad in ["+1 701 234 56 78", "12345", "+7 701 234 56 7x", "+7 301 234 56 78"] {
            assert_eq!(Phone::parse(bad), Err(Msg::ErrPhoneFormat), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert_eq!(check_new_password("short1", "x"), Err(Msg::ErrWeakPassword));
        assert_eq!(check_new_password("longenoughbutnodigits", "x"), Err(Msg::ErrWeakPassword));
        assert_eq!(check_new_password("1234567890123", "x"), Err(Msg::ErrWeakPassword));
        assert_eq!(check_new_password("aidasmith2024", "aidasmith"), Err(Msg::ErrPasswordIsLogin));
        assert_eq!(check_new_password("Жұлдыз2024ж", "aida"), Ok(()));
    }

    #[test]
    fn names() {
        assert_eq!(parse_name("  Айгүл   Серікқызы "), Ok("Айгүл Серікқызы".to_string()));
        assert_eq!(parse_name("   "), Err(Msg::ErrRequired));
        assert_eq!(parse_name(&"я".repeat(201)), Err(Msg::ErrTooLong));
    }
}
