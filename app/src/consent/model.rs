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
}

impl Purpose {
    pub const ALL: [Purpose; 1] = [Purpose::Proctoring];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Proctoring => "proctoring",
        }
    }

    pub fn from_code(code: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn msg(self) -> Msg {
        match self {
            Purpose::Proctoring => Msg::ConsentPurposeProctoring,
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

/// One consent, open or withdrawn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Consent {
    pub purpose: Purpose,
    pub given_by: GivenBy,
    pub guardian_name: Option<String>,
    pub given_at: i64,
    pub withdrawn_at: Option<i64>,
}

/// The caller's consents: every record, newest first, and whether their IIN says they are a
/// minor (then only a parent or guardian can agree).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PersonConsents {
    pub minor: bool,
    pub records: Vec<Consent>,
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
    fn codes_round_trip() {
        for p in Purpose::ALL {
            assert_eq!(Purpose::from_code(p.code()), Some(p));
        }
        assert_eq!(Purpose::from_code("marketing"), None);
        assert_eq!(GivenBy::from_code("guardian"), Some(GivenBy::Guardian));
        assert_eq!(GivenBy::from_code(""), None);
    }
}
