//! Student records' shared types: movements and the rules of which may follow which, the
//! student card, and the import's report. Compiled for the browser too.

use crate::admin::model::GroupProfile;
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// A student's movement, as the college's orders record them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MovementKind {
    Enrolled,
    Transferred,
    AcademicLeave,
    Reinstated,
    Expelled,
    Graduated,
}

impl MovementKind {
    pub const ALL: [MovementKind; 6] = [
        MovementKind::Enrolled,
        MovementKind::Transferred,
        MovementKind::AcademicLeave,
        MovementKind::Reinstated,
        MovementKind::Expelled,
        MovementKind::Graduated,
    ];
    /// What the card's form records; enrolment comes from the import (and later admission).
    pub const RECORDABLE: [MovementKind; 5] =
        [MovementKind::Transferred, MovementKind::AcademicLeave, MovementKind::Reinstated, MovementKind::Expelled, MovementKind::Graduated];

    pub fn code(self) -> &'static str {
        match self {
            MovementKind::Enrolled => "enrolled",
            MovementKind::Transferred => "transferred",
            MovementKind::AcademicLeave => "academic_leave",
            MovementKind::Reinstated => "reinstated",
            MovementKind::Expelled => "expelled",
            MovementKind::Graduated => "graduated",
        }
    }
    pub fn from_code(code: &str) -> Option<MovementKind> {
        MovementKind::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn msg(self) -> Msg {
        match self {
            MovementKind::Enrolled => Msg::MoveEnrolled,
            MovementKind::Transferred => Msg::MoveTransferred,
            MovementKind::AcademicLeave => Msg::MoveAcademicLeave,
            MovementKind::Reinstated => Msg::MoveReinstated,
            MovementKind::Expelled => Msg::MoveExpelled,
            MovementKind::Graduated => Msg::MoveGraduated,
        }
    }
    /// Whether the movement names the group the student goes into (a transfer, a
    /// reinstatement, an enrolment).
    pub fn needs_group(self) -> bool {
        matches!(self, MovementKind::Enrolled | MovementKind::Transferred | MovementKind::Reinstated)
    }
}

/// Where a student stands, from their last movement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Standing {
    Studying,
    OnLeave,
    Expelled,
    Graduated,
}

impl Standing {
    /// After the last movement (none: studying, as a student put in a group by hand is).
    pub fn after(last: Option<MovementKind>) -> Standing {
        match last {
            None | Some(MovementKind::Enrolled | MovementKind::Transferred | MovementKind::Reinstated) => Standing::Studying,
            Some(MovementKind::AcademicLeave) => Standing::OnLeave,
            Some(MovementKind::Expelled) => Standing::Expelled,
            Some(MovementKind::Graduated) => Standing::Graduated,
        }
    }
    pub fn msg(self) -> Msg {
        match self {
            Standing::Studying => Msg::StandingStudying,
            Standing::OnLeave => Msg::StandingOnLeave,
            Standing::Expelled => Msg::StandingExpelled,
            Standing::Graduated => Msg::StandingGraduated,
        }
    }
    /// Which movements may follow: a student who studies may be transferred, go on leave, be
    /// expelled or graduate; one on leave comes back (reinstated) or is expelled; an expelled
    /// student may be reinstated; a graduate's record is closed.
    pub fn allows(self, kind: MovementKind) -> bool {
        use MovementKind::*;
        match self {
            Standing::Studying => matches!(kind, Transferred | AcademicLeave | Expelled | Graduated),
            Standing::OnLeave => matches!(kind, Reinstated | Expelled),
            Standing::Expelled => matches!(kind, Reinstated),
            Standing::Graduated => false,
        }
    }
    /// Whether the student is a member of a group in this standing.
    pub fn in_group(self) -> bool {
        self == Standing::Studying
    }
}

/// The longest order number or reason a movement keeps.
pub const MAX_REASON: usize = 500;

pub fn parse_reason(raw: &str) -> Result<String, Msg> {
    let s = raw.trim();
    if s.chars().count() > MAX_REASON {
        Err(Msg::ErrTooLong)
    } else {
        Ok(s.to_string())
    }
}

/// One line of a student's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub kind: MovementKind,
    /// 'YYYY-MM-DD'.
    pub on_date: String,
    pub from_group: Option<String>,
    pub to_group: Option<String>,
    pub reason: String,
    pub recorded_by: String,
    pub recorded_at: i64,
}

/// A group of the student's college, for the card's transfer and reinstatement choices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupChoice {
    pub id: i64,
    pub name: String,
}

/// The student card (TVT-9): who, where, and every movement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentCard {
    pub id: i64,
    pub iin: String,
    pub full_name: String,
    /// 'dd.mm.yyyy', from the IIN.
    pub birth_date: Option<String>,
    pub college: String,
    /// The group the student is in now (None after a leave, an expulsion or graduation).
    pub group: Option<GroupChoice>,
    /// The current group's profile, or else the last group's.
    pub profile: Option<GroupProfile>,
    pub standing: Standing,
    pub movements: Vec<Movement>,
    /// The college's groups, for the form.
    pub groups: Vec<GroupChoice>,
}

/// A student in a group's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentLine {
    pub id: i64,
    pub iin: String,
    pub full_name: String,
}

/// A group in the records' overview.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupLine {
    pub id: i64,
    pub name: String,
    pub profile: Option<GroupProfile>,
    pub students: i64,
}

/// A college of the caller's scope with its groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollegeGroups {
    pub id: i64,
    pub name: String,
    pub groups: Vec<GroupLine>,
}

/// What the import does with one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowOutcome {
    /// A new account, enrolled in the group, invited by email or SMS.
    NewStudent,
    /// An account the college already manages, enrolled in the group.
    Enrolled,
    /// Already in the group: nothing to do.
    Unchanged,
}

impl RowOutcome {
    pub fn msg(self) -> Msg {
        match self {
            RowOutcome::NewStudent => Msg::RecOutcomeNew,
            RowOutcome::Enrolled => Msg::RecOutcomeEnrolled,
            RowOutcome::Unchanged => Msg::RecOutcomeUnchanged,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportLine {
    pub row: u32,
    pub iin: String,
    pub full_name: String,
    pub group: String,
    pub new_group: bool,
    pub outcome: RowOutcome,
}

/// The answer to an import: with `dry_run` nothing was written and the counts say what
/// applying the file would do.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub dry_run: bool,
    pub groups_added: u32,
    /// Existing groups whose profile the file changes.
    pub profiles_changed: u32,
    pub students_added: u32,
    pub students_enrolled: u32,
    pub unchanged: u32,
    pub lines: Vec<ImportLine>,
}

impl ImportReport {
    pub fn changes(&self) -> u32 {
        self.groups_added + self.profiles_changed + self.students_added + self.students_enrolled
    }
}

/// A column's name in the reader's language, for the row report and the template.
pub fn import_column(column: &str) -> Option<Msg> {
    Some(match column {
        "iin" => Msg::Iin,
        "full_name" => Msg::FullName,
        "birth_date" => Msg::RecBirthDate,
        "group" => Msg::Group,
        "specialty_code" => Msg::RecSpecialtyCode,
        "specialty_name" => Msg::RecSpecialtyName,
        "course" => Msg::Course,
        "study_form" => Msg::StudyForm,
        "study_language" => Msg::RecStudyLanguage,
        "email" => Msg::Email,
        "phone" => Msg::Phone,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn movements_follow_the_standing() {
        assert_eq!(Standing::after(None), Standing::Studying);
        assert_eq!(Standing::after(Some(MovementKind::AcademicLeave)), Standing::OnLeave);
        assert!(Standing::Studying.allows(MovementKind::Transferred));
        assert!(!Standing::Studying.allows(MovementKind::Reinstated));
        assert!(!Standing::OnLeave.allows(MovementKind::Transferred));
        assert!(Standing::OnLeave.allows(MovementKind::Reinstated));
        assert!(Standing::Expelled.allows(MovementKind::Reinstated));
        assert!(MovementKind::ALL.iter().all(|k| !Standing::Graduated.allows(*k)));
        // Enrolment comes from the import, never from the card's form.
        assert!(MovementKind::ALL.iter().all(|k| !Standing::Studying.allows(*k) || MovementKind::RECORDABLE.contains(k)));
        for k in MovementKind::ALL {
            assert_eq!(MovementKind::from_code(k.code()), Some(k));
        }
    }
}
