//! Consent records as the pages see them.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// The version of the consent texts (the catalogue's `Consent*` lines). Raise it when their
/// meaning changes: each record keeps the version that was shown.
pub const TEXT_VERSION: i64 = 1;

/// What personal data is processed for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Purpose {
    /// Webcam snapshots and screenshots during proctored exams and olympiad stages.
    Proctoring,
    /// Taking part in the olympiad: the IIN, name, school and grade its registration keeps,
    /// papers and results, published result lists and certificates.
    Olympiad,
}

impl Purpose {
    pub const ALL: [Purpose; 2] = [Purpose::Proctoring, Purpose::Olympiad];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Proctoring => "proctoring",
            Purpose::Olympiad => "olympiad",
        }
    }

    pub fn from_code(code: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn msg(self) -> Msg {
        match self {
            Purpose::Proctoring => Msg::ConsentPurposeProctoring,
            Purpose::Olympiad => Msg::ConsentPurposeOlympiad,
        }
    }

    /// What is processed and why, then who sees it: the consent step's first two paragraphs.
    pub fn texts(self) -> [Msg; 2] {
        match self {
            Purpose::Proctoring => [Msg::ConsentProctoringWhat, Msg::ConsentProctoringWho],
            Purpose::Olympiad => [Msg::ConsentOlympiadWhat, Msg::ConsentOlympiadWho],
        }
    }

    /// What a withdrawal changes, shown beside its button.
    pub fn withdraw_effect(self) -> Msg {
        match self {
            Purpose::Proctoring => Msg::ConsentWithdrawEffect,
            Purpose::Olympiad => Msg::ConsentOlympiadWithdrawEffect,
        }
    }
}

/// Who agreed: the person, or (for a minor) their parent or legal guardian.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum GivenBy {
    Person,
    Guardian,
}

impl GivenBy {
    pub fn code(self) -> &'static str {
        match self {
            GivenBy::Person => "person",
            GivenBy::Guardian => "guardian",
        }
    }

    pub fn from_code(code: &str) -> Option<GivenBy> {
        match code {
            "person" => Some(GivenBy::Person),
            "guardian" => Some(GivenBy::Guardian),
            _ => None,
        }
    }
}

/// Longest guardian's name accepted (a full name with patronymic fits many times over).
pub const GUARDIAN_NAME_MAX: usize = 200;

/// Who agrees, as a consent form sends it: `given_by` ("person" or "guardian") and the
/// guardian's full name (required for "guardian"). A person whose IIN says they are under 18
/// cannot agree for themselves. Errors are (field, message) pairs.
pub fn check_giver(given_by: &str, guardian_name: &str, minor: bool) -> Result<(GivenBy, Option<String>), (&'static str, Msg)> {
    let name = guardian_name.split_whitespace().collect::<Vec<_>>().join(" ");
    match GivenBy::from_code(given_by) {
        None => Err(("given_by", Msg::ErrConsentWho)),
        Some(GivenBy::Person) if minor => Err(("given_by", Msg::ErrConsentMinor)),
        Some(GivenBy::Person) => Ok((GivenBy::Person, None)),
        Some(GivenBy::Guardian) if name.is_empty() => Err(("guardian_name", Msg::ErrRequired)),
        Some(GivenBy::Guardian) if name.chars().count() > GUARDIAN_NAME_MAX => Err(("guardian_name", Msg::ErrTooLong)),
        Some(GivenBy::Guardian) => Ok((GivenBy::Guardian, Some(name))),
    }
}

/// One consent, open or withdrawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Consent {
    pub purpose: Purpose,
    pub given_by: GivenBy,
    pub guardian_name: Option<String>,
    pub given_at: i64,
    pub withdrawn_at: Option<i64>,
    /// The teacher who recorded it from a signed paper form (None: given on the screen).
    pub recorded_by: Option<String>,
}

/// The caller's consents: every record, newest first, and whether their IIN says they are a
/// minor (then only a parent or guardian can agree).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonConsents {
    pub minor: bool,
    pub records: Vec<Consent>,
    /// The purposes that concern the person: proctoring for everyone; the olympiad for those
    /// registered in a campaign or with a record of it.
    pub purposes: Vec<Purpose>,
}

impl PersonConsents {
    /// The open consent to `purpose`, if any.
    pub fn open(&self, purpose: Purpose) -> Option<&Consent> {
        self.records.iter().find(|c| c.purpose == purpose && c.withdrawn_at.is_none())
    }
}

/// Whether a person born on `birth` (year, month, day) is under 18 on `today`.
pub fn minor_on(birth: (u16, u8, u8), today: (i64, u32, u32)) -> bool {
    let (by, bm, bd) = (i64::from(birth.0), u32::from(birth.1), u32::from(birth.2));
    (today.0, today.1, today.2) < (by + 18, bm, bd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eighteen_on_the_birthday_itself() {
        assert!(minor_on((2008, 12, 5), (2026, 12, 4)));
        assert!(!minor_on((2008, 12, 4), (2026, 12, 4)));
        assert!(!minor_on((1990, 1, 1), (2026, 12, 4)));
        assert!(minor_on((2012, 3, 1), (2026, 12, 4)));
    }

    #[test]
    fn a_minor_needs_a_named_guardian() {
        assert_eq!(check_giver("person", "", false), Ok((GivenBy::Person, None)));
        assert_eq!(check_giver("person", "", true), Err(("given_by", Msg::ErrConsentMinor)));
        assert_eq!(check_giver("", "", false), Err(("given_by", Msg::ErrConsentWho)));
        assert_eq!(check_giver("guardian", "  ", true), Err(("guardian_name", Msg::ErrRequired)));
        assert_eq!(check_giver("guardian", " Aigul  Serikovna ", true), Ok((GivenBy::Guardian, Some("Aigul Serikovna".into()))));
        assert_eq!(check_giver("guardian", &"a".repeat(201), true), Err(("guardian_name", Msg::ErrTooLong)));
    }

    #[test]
    fn codes_round_trip() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::from_code(p.code()), Some(p));
        }
        assert_eq!(Purpose::from_code("marketing"), None);
        assert_eq!(Purpose::from_code("olympiad"), Some(Purpose::Olympiad));
        assert_eq!(GivenBy::from_code("guardian"), Some(GivenBy::Guardian));
        assert_eq!(GivenBy::from_code(""), None);
    }
}
