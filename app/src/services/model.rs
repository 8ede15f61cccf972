//! The e-services' engine, shared by the server and the browser: each service is a definition
//! (code, names, form fields with their checks, the documents it needs, its statutory term),
//! the status path an application follows, and the deadline arithmetic.
//!
//! The terms. The customer's seed (000, section 1.3 "Система по получению государственных
//! услуг", items 1.3.2-1.3.7) names the services but gives no terms. The terms below are those of
//! the published standards of these public services (the rules of providing public services in
//! technical and vocational education, order of the Minister of Education and Science of the
//! Republic of Kazakhstan), as we know them; they are written from memory and are to be checked
//! against the standard in force before the installation goes live. Each definition's `term`
//! is the one place to change.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// A statutory term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Term {
    /// Working days (Monday to Friday, public holidays of fixed date excepted).
    WorkingDays(u32),
    CalendarDays(u32),
}

/// What a form field takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text up to this many characters.
    Text(usize),
    /// 'YYYY-MM-DD'.
    Date,
    /// A whole number in this range.
    Number(i64, i64),
    /// One of these codes.
    Choice(&'static [(&'static str, Msg)]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldDef {
    pub name: &'static str,
    pub label: Msg,
    pub kind: FieldKind,
    pub required: bool,
}

/// A kind of document an application carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DocDef {
    pub kind: &'static str,
    pub label: Msg,
    pub required: bool,
}

/// A service as the catalogue and the engine know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceDef {
    pub code: &'static str,
    pub name: Msg,
    /// The result document's title.
    pub result_title: Msg,
    pub fields: &'static [FieldDef],
    pub docs: &'static [DocDef],
    pub term: Term,
    /// What the approval writes on the student card, if anything.
    pub movement: MovementEffect,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MovementEffect {
    None,
    /// An "academic leave" movement.
    AcademicLeave,
    /// "transferred" or "reinstated", by the form's `kind` field; the clerk names the group.
    TransferOrReinstatement,
}

/// The longest free-text answer and clerk's comment.
pub const MAX_TEXT: usize = 500;
/// A document's size at most, and how many bytes a whole submission may carry.
pub const MAX_FILE: usize = 5 * 1024 * 1024;
pub const MAX_UPLOAD: usize = 4 * MAX_FILE;

const ID_CARD: DocDef = DocDef { kind: "id_card", label: Msg::SvcDocIdCard, required: true };

const DUPLICATE_KINDS: &[(&str, Msg)] = &[("diploma", Msg::SvcDiploma), ("supplement", Msg::SvcDiplomaSupplement)];
const DUPLICATE_REASONS: &[(&str, Msg)] =
    &[("lost", Msg::SvcReasonLost), ("damaged", Msg::SvcReasonDamaged), ("name_changed", Msg::SvcReasonNameChanged)];
const LEAVE_GROUNDS: &[(&str, Msg)] =
    &[("illness", Msg::SvcGroundIllness), ("military", Msg::SvcGroundMilitary), ("childcare", Msg::SvcGroundChildcare)];
const MEAL_CATEGORIES: &[(&str, Msg)] = &[
    ("orphan", Msg::SvcCatOrphan),
    ("guardianship", Msg::SvcCatGuardianship),
    ("low_income", Msg::SvcCatLowIncome),
    ("disability", Msg::SvcCatDisability),
    ("large_family", Msg::SvcCatLargeFamily),
];
const DORM_CATEGORIES: &[(&str, Msg)] = &[
    ("orphan", Msg::SvcCatOrphan),
    ("disability", Msg::SvcCatDisability),
    ("large_family", Msg::SvcCatLargeFamily),
    ("other_locality", Msg::SvcCatOtherLocality),
];
const TRANSFER_KINDS: &[(&str, Msg)] = &[("transfer", Msg::SvcTransfer), ("reinstatement", Msg::SvcReinstatement)];

/// The six services this domain serves (1.3.2-1.3.7 of the seed). Admission of documents
/// (1.3.1) and the state-order competition (1.3.8) are the admission domain's (`/admission`).
pub const SERVICES: &[ServiceDef] = &[
    // 1.3.2. Standard: 15 working days (from memory; the seed is silent).
    ServiceDef {
        code: "duplicate",
        name: Msg::SvcDuplicate,
        result_title: Msg::SvcResultDuplicate,
        fields: &[
            FieldDef { name: "document", label: Msg::SvcFieldDocument, kind: FieldKind::Choice(DUPLICATE_KINDS), required: true },
            FieldDef { name: "graduation_year", label: Msg::SvcFieldGraduationYear, kind: FieldKind::Number(1950, 2100), required: true },
            FieldDef { name: "reason", label: Msg::SvcFieldReason, kind: FieldKind::Choice(DUPLICATE_REASONS), required: true },
        ],
        docs: &[ID_CARD],
        term: Term::WorkingDays(15),
        movement: MovementEffect::None,
    },
    // 1.3.3. Standard: 10 working days (from memory; the seed is silent).
    ServiceDef {
        code: "not_finished",
        name: Msg::SvcNotFinished,
        result_title: Msg::SvcResultNotFinished,
        fields: &[
            FieldDef { name: "year_from", label: Msg::SvcFieldYearFrom, kind: FieldKind::Number(1950, 2100), required: true },
            FieldDef { name: "year_to", label: Msg::SvcFieldYearTo, kind: FieldKind::Number(1950, 2100), required: true },
            FieldDef { name: "specialty", label: Msg::SvcFieldSpecialty, kind: FieldKind::Text(200), required: true },
        ],
        docs: &[ID_CARD],
        term: Term::WorkingDays(10),
        movement: MovementEffect::None,
    },
    // 1.3.4. Standard: 3 working days (from memory; the seed is silent).
    ServiceDef {
        code: "academic_leave",
        name: Msg::SvcAcademicLeave,
        result_title: Msg::SvcResultAcademicLeave,
        fields: &[
            FieldDef { name: "ground", label: Msg::SvcFieldGround, kind: FieldKind::Choice(LEAVE_GROUNDS), required: true },
            FieldDef { name: "from", label: Msg::SvcFieldFrom, kind: FieldKind::Date, required: true },
            FieldDef { name: "to", label: Msg::SvcFieldTo, kind: FieldKind::Date, required: true },
        ],
        docs: &[DocDef { kind: "ground", label: Msg::SvcDocGround, required: true }],
        term: Term::WorkingDays(3),
        movement: MovementEffect::AcademicLeave,
    },
    // 1.3.5. Standard: 5 working days (from memory; the seed is silent).
    ServiceDef {
        code: "free_meals",
        name: Msg::SvcFreeMeals,
        result_title: Msg::SvcResultFreeMeals,
        fields: &[FieldDef { name: "category", label: Msg::SvcFieldCategory, kind: FieldKind::Choice(MEAL_CATEGORIES), required: true }],
        docs: &[DocDef { kind: "category", label: Msg::SvcDocCategory, required: true }],
        term: Term::WorkingDays(5),
        movement: MovementEffect::None,
    },
    // 1.3.6. Standard: 5 working days (from memory; the seed is silent).
    ServiceDef {
        code: "dormitory",
        name: Msg::SvcDormitory,
        result_title: Msg::SvcResultDormitory,
        fields: &[
            FieldDef { name: "category", label: Msg::SvcFieldCategory, kind: FieldKind::Choice(DORM_CATEGORIES), required: true },
            FieldDef { name: "note", label: Msg::SvcFieldNote, kind: FieldKind::Text(MAX_TEXT), required: false },
        ],
        docs: &[DocDef { kind: "category", label: Msg::SvcDocCategory, required: true }],
        term: Term::WorkingDays(5),
        movement: MovementEffect::None,
    },
    // 1.3.7. Standard: 5 working days (from memory; the seed is silent).
    ServiceDef {
        code: "transfer",
        name: Msg::SvcTransferReinstatement,
        result_title: Msg::SvcResultTransfer,
        fields: &[
            FieldDef { name: "kind", label: Msg::SvcFieldTransferKind, kind: FieldKind::Choice(TRANSFER_KINDS), required: true },
            FieldDef { name: "from_org", label: Msg::SvcFieldFromOrg, kind: FieldKind::Text(200), required: true },
            FieldDef { name: "course", label: Msg::Course, kind: FieldKind::Number(1, 4), required: true },
        ],
        docs: &[ID_CARD, DocDef { kind: "transcript", label: Msg::SvcDocTranscript, required: false }],
        term: Term::WorkingDays(5),
        movement: MovementEffect::TransferOrReinstatement,
    },
];

/// The services the admission domain serves, listed in the catalogue with a link to it.
pub const ADMISSION_SERVICES: &[Msg] = &[Msg::SvcAdmissionDocuments, Msg::SvcStateOrder];

pub fn service(code: &str) -> Option<&'static ServiceDef> {
    SERVICES.iter().find(|s| s.code == code)
}

/// A form's answers: field name to the trimmed text typed.
pub type Answers = std::collections::BTreeMap<String, String>;

impl ServiceDef {
    /// Checks the answers against the form: each error is (field, message). Returns the answers
    /// the form knows, trimmed (others are dropped).
    pub fn check(&self, raw: &Answers) -> Result<Answers, Vec<(String, Msg)>> {
        let mut out = Answers::new();
        let mut errors = Vec::new();
        for f in self.fields {
            let v = raw.get(f.name).map(|s| s.trim()).unwrap_or("");
            if v.is_empty() {
                if f.required {
                    errors.push((f.name.to_string(), Msg::ErrRequired));
                }
                continue;
            }
            let ok = match f.kind {
                FieldKind::Text(max) => (v.chars().count() <= max).then_some(()).ok_or(Msg::ErrTooLong),
                FieldKind::Date => crate::journal::semester::Date::parse(v).map(|_| ()),
                FieldKind::Number(lo, hi) => v.parse::<i64>().ok().filter(|n| (lo..=hi).contains(n)).map(|_| ()).ok_or(Msg::ErrSvcNumber),
                FieldKind::Choice(options) => options.iter().any(|(c, _)| *c == v).then_some(()).ok_or(Msg::ErrSvcChoice),
            };
            match ok {
                Ok(()) => {
                    out.insert(f.name.to_string(), v.to_string());
                }
                Err(m) => errors.push((f.name.to_string(), m)),
            }
        }
        // Cross-field rules.
        let date = |n: &str| out.get(n).and_then(|v| crate::journal::semester::Date::parse(v).ok());
        if let (Some(a), Some(b)) = (date("from"), date("to")) {
            if b < a {
                errors.push(("to".into(), Msg::ErrSvcDateOrder));
            }
        }
        let num = |n: &str| out.get(n).and_then(|v| v.parse::<i64>().ok());
        if let (Some(a), Some(b)) = (num("year_from"), num("year_to")) {
            if b < a {
                errors.push(("year_to".into(), Msg::ErrSvcDateOrder));
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    pub fn doc(&self, kind: &str) -> Option<&'static DocDef> {
        self.docs.iter().find(|d| d.kind == kind)
    }

    /// The text shown for an answer: a choice's label, else the answer itself.
    pub fn answer_text(&self, field: &str, value: &str, l: crate::i18n::Locale) -> String {
        match self.fields.iter().find(|f| f.name == field).map(|f| f.kind) {
            Some(FieldKind::Choice(options)) => {
                options.iter().find(|(c, _)| *c == value).map(|(_, m)| m.text(l).to_string()).unwrap_or_else(|| value.to_string())
            }
            Some(FieldKind::Date) => crate::journal::semester::Date::parse(value).map(|d| d.dotted()).unwrap_or_else(|_| value.to_string()),
            _ => value.to_string(),
        }
    }
}

/// Where an application stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    Submitted,
    UnderReview,
    /// Sent back to the applicant for a correction, with the clerk's comment.
    Returned,
    /// Corrected by the applicant; waits to be taken under review again.
    Resubmitted,
    Approved,
    /// Refused with a reason; the motivated refusal is its result.
    Refused,
    /// The result document is issued.
    Issued,
    /// An issued result withdrawn by the college (with a reason): the document is no longer valid.
    Withdrawn,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Submitted,
        Status::UnderReview,
        Status::Returned,
        Status::Resubmitted,
        Status::Approved,
        Status::Refused,
        Status::Issued,
        Status::Withdrawn,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::UnderReview => "under_review",
            Status::Returned => "returned",
            Status::Resubmitted => "resubmitted",
            Status::Approved => "approved",
            Status::Refused => "refused",
            Status::Issued => "issued",
            Status::Withdrawn => "withdrawn",
        }
    }
    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
    pub fn msg(self) -> Msg {
        match self {
            Status::Submitted => Msg::SvcStSubmitted,
            Status::UnderReview => Msg::SvcStUnderReview,
            Status::Returned => Msg::SvcStReturned,
            Status::Resubmitted => Msg::SvcStResubmitted,
            Status::Approved => Msg::SvcStApproved,
            Status::Refused => Msg::SvcStRefused,
            Status::Issued => Msg::SvcStIssued,
            Status::Withdrawn => Msg::SvcStWithdrawn,
        }
    }
    /// Still waiting for the college: the deadline runs.
    pub fn open(self) -> bool {
        matches!(self, Status::Submitted | Status::UnderReview | Status::Resubmitted)
    }
    /// The applicant's turn: a correction is asked for.
    pub fn asks_applicant(self) -> bool {
        self == Status::Returned
    }
}

/// What someone does to an application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// The applicant submits (the application is created in `Submitted`).
    Submit,
    /// The clerk takes a new or corrected application under review.
    Take,
    /// The clerk sends it back for a correction (a comment is required).
    Return,
    /// The applicant sends the correction.
    Resubmit,
    /// The clerk approves (the result is then issued at once).
    Approve,
    /// The clerk refuses (a reason is required).
    Refuse,
    /// The result is issued (follows an approval in the same transaction).
    Issue,
    /// The college withdraws an issued result (a reason is required).
    Withdraw,
    /// The applicant withdraws their own application before it is decided.
    Cancel,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Take => "take",
            Action::Return => "return",
            Action::Resubmit => "resubmit",
            Action::Approve => "approve",
            Action::Refuse => "refuse",
            Action::Issue => "issue",
            Action::Withdraw => "withdraw",
            Action::Cancel => "cancel",
        }
    }
    /// Whether the action needs a comment (a correction asked for, a reason).
    pub fn needs_comment(self) -> bool {
        matches!(self, Action::Return | Action::Refuse | Action::Withdraw)
    }
}

/// The status path: the status an action leads to from `from`, or None when the action is not
/// allowed there. submitted → under review → (returned → resubmitted → under review) →
/// approved → issued, or refused; issued → withdrawn. Before a decision the applicant may
/// withdraw their application (cancel → withdrawn, with no result).
pub fn next(from: Status, action: Action) -> Option<Status> {
    use Status::*;
    match (from, action) {
        (Submitted | Resubmitted, Action::Take) => Some(UnderReview),
        (UnderReview, Action::Return) => Some(Returned),
        (Returned, Action::Resubmit) => Some(Resubmitted),
        (UnderReview, Action::Approve) => Some(Approved),
        (UnderReview, Action::Refuse) => Some(Refused),
        (Approved, Action::Issue) => Some(Issued),
        (Issued, Action::Withdraw) => Some(Withdrawn),
        (Submitted | UnderReview | Returned | Resubmitted, Action::Cancel) => Some(Withdrawn),
        _ => None,
    }
}

// ---- Deadlines ----

/// Public holidays of fixed date in Kazakhstan (Labour Code, art. 84 and the law on holidays):
/// 1-2 January, 8 March, 21-23 March, 1, 7 and 9 May, 6 July, 30 August, 25 October, 16
/// December. (Moved days off and the movable Kurban ait are not known here.)
const HOLIDAYS: &[(u32, u32)] =
    &[(1, 1), (1, 2), (3, 8), (3, 21), (3, 22), (3, 23), (5, 1), (5, 7), (5, 9), (7, 6), (8, 30), (10, 25), (12, 16)];

/// Days since 1970-01-01 of a date.
fn day_number(d: crate::journal::semester::Date) -> i64 {
    d.days()
}

fn date_of(days: i64) -> crate::journal::semester::Date {
    let (y, m, d) = crate::ui::time::civil_from_days(days);
    crate::journal::semester::Date::new(y, m, d).expect("a day between valid dates")
}

pub fn working_day(days: i64) -> bool {
    let d = date_of(days);
    let wd = d.weekday().number();
    let s = d.to_string();
    let (m, dd): (u32, u32) = (s[5..7].parse().unwrap_or(0), s[8..10].parse().unwrap_or(0));
    wd <= 5 && !HOLIDAYS.contains(&(m, dd))
}

/// The last day of the term for an application submitted on `from`: the term counts from the
/// day after; a working-days term counts working days only, and a calendar term that ends on a
/// day off ends on the next working day (Civil Code, art. 173).
pub fn due_date(from: crate::journal::semester::Date, term: Term) -> crate::journal::semester::Date {
    let mut day = day_number(from);
    match term {
        Term::WorkingDays(n) => {
            let mut left = n;
            while left > 0 {
                day += 1;
                if working_day(day) {
                    left -= 1;
                }
            }
        }
        Term::CalendarDays(n) => {
            day += i64::from(n);
            while !working_day(day) {
                day += 1;
            }
        }
    }
    date_of(day)
}

/// How an open application stands against its deadline on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DueState {
    /// More than one working day left (or the application is decided).
    Fine,
    /// The deadline is today or the next working day.
    Near,
    Overdue,
}

impl DueState {
    pub fn of(status: Status, due: crate::journal::semester::Date, today: crate::journal::semester::Date) -> DueState {
        if !status.open() {
            return DueState::Fine;
        }
        if today > due {
            return DueState::Overdue;
        }
        let mut next = day_number(today) + 1;
        while !working_day(next) {
            next += 1;
        }
        if day_number(due) <= next {
            DueState::Near
        } else {
            DueState::Fine
        }
    }
}

/// "Ә*** Н***": a name on the public check page, each word's first letter only.
pub fn mask_name(full: &str) -> String {
    full.split_whitespace()
        .map(|w| {
            let first: String = w.chars().take(1).collect();
            format!("{first}***")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

// ---- What travels to the pages ----

/// One line of a list of applications (the applicant's own, or the clerk's queue).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationLine {
    pub id: i64,
    pub service: String,
    pub applicant: String,
    pub college: String,
    pub status: Status,
    pub comment: String,
    pub submitted_at: i64,
    /// 'YYYY-MM-DD'.
    pub due_on: String,
    pub due: DueState,
    pub result_number: Option<String>,
}

/// A document of an application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileLine {
    pub kind: String,
    pub file_name: String,
    pub bytes: i64,
}

/// One step of an application's history (from the audit log).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub at: i64,
    pub status: Status,
    pub actor: String,
    pub comment: String,
}

/// An application opened: what was asked, its documents, where it stands, its history, and
/// what the viewer may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationView {
    pub line: ApplicationLine,
    pub college_id: i64,
    pub answers: Answers,
    pub result_lang: String,
    pub files: Vec<FileLine>,
    pub history: Vec<HistoryLine>,
    /// The viewer is the applicant.
    pub mine: bool,
    /// The viewer handles the college's applications.
    pub clerk: bool,
    /// The college's groups, for the clerk's choice at a transfer's or reinstatement's approval.
    pub groups: Vec<(i64, String)>,
}

/// A college an application can go to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollegeChoice {
    pub id: i64,
    pub name: String,
}

/// What the public check page shows about a result document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedDocument {
    pub number: String,
    pub service: String,
    /// Masked (`mask_name`).
    pub person: String,
    pub college: String,
    pub issued_at: i64,
    pub status: Status,
    /// True only for an issued (approved, not withdrawn) result.
    pub valid: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::semester::Date;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn working_days_skip_the_weekend_and_fixed_holidays() {
        // Thursday 2026-11-05 + 3 working days: Fri 6, Mon 9, Tue 10.
        assert_eq!(due_date(d("2026-11-05"), Term::WorkingDays(3)), d("2026-11-10"));
        // Friday + 1 working day: Monday.
        assert_eq!(due_date(d("2026-11-06"), Term::WorkingDays(1)), d("2026-11-09"));
        // 15 December (Tue) + 1: the 16th is a holiday, so Thursday the 17th.
        assert_eq!(due_date(d("2026-12-15"), Term::WorkingDays(1)), d("2026-12-17"));
        // Calendar days ending on a Sunday move to Monday.
        assert_eq!(due_date(d("2026-11-05"), Term::CalendarDays(3)), d("2026-11-09"));
        assert_eq!(due_date(d("2026-11-05"), Term::CalendarDays(5)), d("2026-11-10"));
    }

    #[test]
    fn due_state_warns_near_and_over_for_open_applications_only() {
        let due = d("2026-11-10");
        assert_eq!(DueState::of(Status::Submitted, due, d("2026-11-05")), DueState::Fine);
        assert_eq!(DueState::of(Status::Submitted, due, d("2026-11-09")), DueState::Near);
        // Friday before a Monday deadline: the next working day is the deadline.
        assert_eq!(DueState::of(Status::UnderReview, d("2026-11-09"), d("2026-11-06")), DueState::Near);
        assert_eq!(DueState::of(Status::UnderReview, due, d("2026-11-11")), DueState::Overdue);
        assert_eq!(DueState::of(Status::Issued, due, d("2026-11-11")), DueState::Fine);
        assert_eq!(DueState::of(Status::Returned, due, d("2026-11-11")), DueState::Fine);
    }

    #[test]
    fn the_status_path_allows_only_its_steps() {
        use Action::*;
        use Status::*;
        assert_eq!(next(Submitted, Take), Some(UnderReview));
        assert_eq!(next(Submitted, Approve), None);
        assert_eq!(next(UnderReview, Return), Some(Returned));
        assert_eq!(next(Returned, Take), None);
        assert_eq!(next(Returned, Resubmit), Some(Resubmitted));
        assert_eq!(next(Resubmitted, Take), Some(UnderReview));
        assert_eq!(next(UnderReview, Approve), Some(Approved));
        assert_eq!(next(Approved, Issue), Some(Issued));
        assert_eq!(next(Issued, Approve), None);
        assert_eq!(next(Refused, Approve), None);
        assert_eq!(next(Issued, Withdraw), Some(Withdrawn));
        for s in [Submitted, UnderReview, Returned, Resubmitted] {
            assert_eq!(next(s, Cancel), Some(Withdrawn), "{s:?}");
        }
        for s in [Approved, Refused, Issued, Withdrawn] {
            assert_eq!(next(s, Cancel), None, "decided: {s:?}");
        }
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn forms_check_their_fields() {
        let dorm = service("dormitory").unwrap();
        let mut a = Answers::new();
        assert_eq!(dorm.check(&a), Err(vec![("category".into(), Msg::ErrRequired)]));
        a.insert("category".into(), "castle".into());
        assert_eq!(dorm.check(&a), Err(vec![("category".into(), Msg::ErrSvcChoice)]));
        a.insert("category".into(), " orphan ".into());
        a.insert("stray".into(), "x".into());
        assert_eq!(dorm.check(&a).unwrap().into_iter().collect::<Vec<_>>(), vec![("category".into(), "orphan".into())]);
        let leave = service("academic_leave").unwrap();
        let a: Answers =
            [("ground", "illness"), ("from", "2026-12-01"), ("to", "2026-11-01")].into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        assert_eq!(leave.check(&a), Err(vec![("to".into(), Msg::ErrSvcDateOrder)]));
        assert_eq!(mask_name("Нұрланова Әлия Тимурқызы"), "Н*** Ә*** Т***");
    }
}
