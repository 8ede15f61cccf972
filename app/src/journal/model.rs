//! What a journal holds, as validated values: academic hours, marks on a scale, attendance
//! marks, the cell a teacher types them into, and the statistics reports are built from.
//! Compiled for the server and the browser alike; constructors are the only way in.

use crate::i18n::{Locale, Msg};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Reads a non-negative decimal written with a point or a comma ("0,5" in Kazakh and Russian)
/// as a count of half-hours. `None` for anything that is not a multiple of 0.5 with at most
/// `max_whole` in the whole part: "1.5" -> 3, "2.0" -> 4, "0.25" / "-1" / ".5" / "2." -> None.
fn half_hours(raw: &str, max_whole: u32) -> Option<u32> {
    let s = raw.trim().replace(',', ".");
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s.as_str(), None),
    };
    let digits = |t: &str| !t.is_empty() && t.len() <= 4 && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let half = match frac {
        None => 0,
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => return None,
        Some(f) => match f.trim_end_matches('0') {
            "" => 0,
            "5" => 1,
            _ => return None,
        },
    };
    (whole <= max_whole).then_some(whole * 2 + half)
}

/// "2", "0.5" or, with a decimal comma, "0,5".
fn half_hours_text(half: u32, comma: bool) -> String {
    match (half % 2, comma) {
        (0, _) => format!("{}", half / 2),
        (_, false) => format!("{}.5", half / 2),
        (_, true) => format!("{},5", half / 2),
    }
}

/// Kazakh and Russian write decimals with a comma, English with a point.
fn decimal_comma(locale: Locale) -> bool {
    !matches!(locale, Locale::En)
}

/// The academic hours of one lesson (JRN-2): 0.5 or a whole number from 1 to 6. Kept as
/// half-hours so sums stay exact; stored and sent as that count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct AcademicHours(u8);

impl AcademicHours {
    pub fn parse(raw: &str) -> Result<AcademicHours, Msg> {
        if raw.trim().is_empty() {
            return Err(Msg::ErrRequired);
        }
        let half = half_hours(raw, 6).ok_or(Msg::ErrHoursInvalid)?;
        AcademicHours::from_half_hours(half as u8).ok_or(Msg::ErrHoursInvalid)
    }

    /// 1 (half an hour), or 2, 4, ... 12.
    pub fn from_half_hours(half: u8) -> Option<AcademicHours> {
        (half == 1 || (half % 2 == 0 && (2..=12).contains(&half))).then_some(AcademicHours(half))
    }

    pub fn half_hours(self) -> u8 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 2.0
    }

    /// As the teacher reads it: "0,5" in Kazakh and Russian, "0.5" in English.
    pub fn label(self, locale: Locale) -> String {
        half_hours_text(u32::from(self.0), decimal_comma(locale))
    }
}

impl TryFrom<u8> for AcademicHours {
    type Error = &'static str;
    fn try_from(half: u8) -> Result<Self, Self::Error> {
        AcademicHours::from_half_hours(half).ok_or("academic hours are 1 or 2..=12 half-hours")
    }
}

impl From<AcademicHours> for u8 {
    fn from(h: AcademicHours) -> u8 {
        h.0
    }
}

impl fmt::Display for AcademicHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&half_hours_text(u32::from(self.0), false))
    }
}

/// An amount of academic hours that is not one lesson's: a KTP topic's plan or a sum over a
/// semester. Any multiple of 0.5, zero included; kept as half-hours.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hours(u32);

impl Hours {
    /// A topic's planned hours as typed or imported: a positive multiple of 0.5, below 10 000.
    pub fn parse_planned(raw: &str) -> Result<Hours, Msg> {
        if raw.trim().is_empty() {
            return Err(Msg::ErrRequired);
        }
        match half_hours(raw, 9_999) {
            Some(half) if half > 0 => Ok(Hours(half)),
            _ => Err(Msg::ErrPlannedHoursInvalid),
        }
    }

    pub fn from_half_hours(half: u32) -> Hours {
        Hours(half)
    }

    pub fn half_hours(self) -> u32 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.0) / 2.0
    }

    pub fn label(self, locale: Locale) -> String {
        half_hours_text(self.0, decimal_comma(locale))
    }
}

impl From<AcademicHours> for Hours {
    fn from(h: AcademicHours) -> Hours {
        Hours(u32::from(h.0))
    }
}

impl std::iter::Sum for Hours {
    fn sum<I: Iterator<Item = Hours>>(iter: I) -> Hours {
        Hours(iter.map(|h| h.0).sum())
    }
}

impl fmt::Display for Hours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&half_hours_text(self.0, false))
    }
}

/// The scale a journal gives marks on. Colleges keep the five-point scale; the 100-point one
/// is the credit-system option with letter and GPA equivalents.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scale {
    /// 2, 3, 4, 5: 3 and above pass, 4 and above count as quality.
    #[default]
    FivePoint,
    /// 0..=100, see [`Letter`].
    Hundred,
}

impl Scale {
    pub fn code(self) -> &'static str {
        match self {
            Scale::FivePoint => "five",
            Scale::Hundred => "hundred",
        }
    }

    pub fn from_code(code: &str) -> Option<Scale> {
        [Scale::FivePoint, Scale::Hundred].into_iter().find(|s| s.code() == code)
    }

    fn range(self) -> std::ops::RangeInclusive<u8> {
        match self {
            Scale::FivePoint => 2..=5,
            Scale::Hundred => 0..=100,
        }
    }

    /// The message that says what this scale allows.
    pub fn out_of_scale(self) -> Msg {
        match self {
            Scale::FivePoint => Msg::ErrMarkOutOfFivePointScale,
            Scale::Hundred => Msg::ErrMarkOutOfHundredScale,
        }
    }

    pub fn mark(self, value: u8) -> Result<Mark, Msg> {
        if self.range().contains(&value) {
            Ok(Mark { scale: self, value })
        } else {
            Err(self.out_of_scale())
        }
    }

    /// A whole number on this scale, as typed: " 4 " is 4; "4+", "4.5", "-3" are refused.
    pub fn parse_mark(self, raw: &str) -> Result<Mark, Msg> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(Msg::ErrRequired);
        }
        if s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.out_of_scale());
        }
        self.mark(s.parse().map_err(|_| self.out_of_scale())?)
    }
}

/// A mark known to lie on its scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawMark")]
pub struct Mark {
    scale: Scale,
    value: u8,
}

#[derive(Deserialize)]
struct RawMark {
    scale: Scale,
    value: u8,
}

impl TryFrom<RawMark> for Mark {
    type Error = &'static str;
    fn try_from(raw: RawMark) -> Result<Self, Self::Error> {
        raw.scale.mark(raw.value).map_err(|_| "mark outside its scale")
    }
}

impl Mark {
    pub fn scale(self) -> Scale {
        self.scale
    }

    pub fn value(self) -> u8 {
        self.value
    }

    /// The five-point equivalent. For the 100-point scale this is the common college
    /// convention, the traditional column of the credit-system table: 90-100 "excellent" (5),
    /// 75-89 "good" (4), 50-74 "satisfactory" (3), below 50 "unsatisfactory" (2).
    pub fn five_point(self) -> u8 {
        match (self.scale, self.value) {
            (Scale::FivePoint, v) => v,
            (Scale::Hundred, 90..) => 5,
            (Scale::Hundred, 75..=89) => 4,
            (Scale::Hundred, 50..=74) => 3,
            (Scale::Hundred, _) => 2,
        }
    }

    /// The letter of a 100-point mark; the five-point scale has none.
    pub fn letter(self) -> Option<Letter> {
        (self.scale == Scale::Hundred).then(|| Letter::from_points(self.value))
    }

    /// Grade points of a 100-point mark (from its letter).
    pub fn gpa(self) -> Option<f64> {
        self.letter().map(Letter::gpa)
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value)
    }
}

/// A letter grade of Kazakhstan's credit system of education (an index into `LETTERS`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Letter(u8);

/// (letter, lowest 100-point mark that earns it, grade points), best first.
const LETTERS: [(&str, u8, f64); 11] = [
    ("A", 95, 4.0),
    ("A-", 90, 3.67),
    ("B+", 85, 3.33),
    ("B", 80, 3.0),
    ("B-", 75, 2.67),
    ("C+", 70, 2.33),
    ("C", 65, 2.0),
    ("C-", 60, 1.67),
    ("D+", 55, 1.33),
    ("D", 50, 1.0),
    ("F", 0, 0.0),
];

impl Letter {
    pub fn from_points(points: u8) -> Letter {
        Letter(LETTERS.iter().position(|(_, lowest, _)| points >= *lowest).unwrap_or(LETTERS.len() - 1) as u8)
    }

    pub fn as_str(self) -> &'static str {
        LETTERS[usize::from(self.0)].0
    }

    pub fn gpa(self) -> f64 {
        LETTERS[usize::from(self.0)].2
    }
}

/// Whether a student was at a lesson. An empty cell means present.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Attendance {
    #[default]
    Present,
    Absent,
    /// Absent for a valid reason; the note (a doctor's certificate, an order) is uploaded.
    Excused,
    Late,
}

impl Attendance {
    /// What a teacher types into a cell, case-insensitively. Kazakh and Russian journals share
    /// "н" for an absence ("не был", "келмеді"); an excused absence is "у" (уважительная
    /// причина) or "с" (себепті); a late arrival is "о" (опоздал) or "к" (кешікті). The Latin
    /// letters cover the Latin Kazakh alphabet and an English keyboard: "n"; "s", "c" (looks
    /// like "с") and "e" (excused); "k", "o" (looks like "о") and "l" (late). Latin "y", which
    /// looks like "у" but is also where "н" sits on a Russian keyboard, is refused as ambiguous.
    pub fn from_code(code: &str) -> Option<Attendance> {
        match code.trim().to_lowercase().as_str() {
            "н" | "n" => Some(Attendance::Absent),
            "у" | "с" | "s" | "c" | "e" => Some(Attendance::Excused),
            "о" | "к" | "o" | "k" | "l" => Some(Attendance::Late),
            _ => None,
        }
    }

    /// The code shown in a cell: the Kazakh and Russian initials, Latin ones in English.
    pub fn code(self, locale: Locale) -> &'static str {
        match (self, locale) {
            (Attendance::Present, _) => "",
            (Attendance::Absent, Locale::En) => "n",
            (Attendance::Absent, _) => "н",
            (Attendance::Excused, Locale::Kk) => "с",
            (Attendance::Excused, Locale::Ru) => "у",
            (Attendance::Excused, Locale::En) => "e",
            (Attendance::Late, Locale::Kk) => "к",
            (Attendance::Late, Locale::Ru) => "о",
            (Attendance::Late, Locale::En) => "l",
        }
    }

    pub fn msg(self) -> Msg {
        match self {
            Attendance::Present => Msg::AttendancePresent,
            Attendance::Absent => Msg::AttendanceAbsent,
            Attendance::Excused => Msg::AttendanceExcused,
            Attendance::Late => Msg::AttendanceLate,
        }
    }
}

/// One student's cell on one lesson.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Cell {
    #[default]
    Empty,
    Mark(Mark),
    Attendance(Attendance),
}

/// What the teacher typed into a cell: nothing, a mark on the journal's scale, or an
/// attendance code (see [`Attendance::from_code`]). Anything with a digit in it is judged as a
/// mark, so "4.5", "5+" or "101" get the scale's message rather than "unknown code".
pub fn parse_cell(scale: Scale, raw: &str) -> Result<Cell, Msg> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(Cell::Empty);
    }
    if s.contains(|c: char| c.is_ascii_digit()) {
        return scale.parse_mark(s).map(Cell::Mark);
    }
    Attendance::from_code(s).map(Cell::Attendance).ok_or(Msg::ErrCellUnknown)
}

/// The arithmetic mean of the marks' values, None when there are none. The marks are those of
/// one journal, so on one scale.
pub fn average(marks: &[Mark]) -> Option<f64> {
    if marks.is_empty() {
        return None;
    }
    Some(marks.iter().map(|m| f64::from(m.value)).sum::<f64>() / marks.len() as f64)
}

/// Rounded to two decimals, as averages and percentages are shown.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Up to two decimals without trailing zeros, with the locale's decimal sign: "4,33", "4,5", "4".
pub fn format_2dp(x: f64, locale: Locale) -> String {
    let s = format!("{:.2}", round2(x));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if decimal_comma(locale) {
        s.replace('.', ",")
    } else {
        s.to_string()
    }
}

/// Why a journal cell changed, as its history line keeps it: a teacher's own words, or what
/// set the mark (an exam, an assignment, a proctoring verdict, a regrade) with its title. Stored as a kind
/// and a text (`mark_history.reason_kind`, `reason`) and put into words in the reader's
/// language, not the writer's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// Typed by whoever changed the cell (empty: none was needed).
    Teacher(String),
    Exam(String),
    Assignment(String),
    Verdict(String),
    /// The exam of this title was scored again after its teacher corrected a question's key
    /// (`exam::regrade`).
    Regrade(String),
}

impl Reason {
    /// (kind, text) as stored.
    pub fn stored(&self) -> (&'static str, &str) {
        match self {
            Reason::Teacher(t) => ("teacher", t),
            Reason::Exam(t) => ("exam", t),
            Reason::Assignment(t) => ("assignment", t),
            Reason::Verdict(t) => ("verdict", t),
            Reason::Regrade(t) => ("regrade", t),
        }
    }

    /// From its stored kind and text; an unknown kind reads as the text alone.
    pub fn from_stored(kind: &str, text: String) -> Reason {
        match kind {
            "exam" => Reason::Exam(text),
            "assignment" => Reason::Assignment(text),
            "verdict" => Reason::Verdict(text),
            "regrade" => Reason::Regrade(text),
            _ => Reason::Teacher(text),
        }
    }

    pub fn text(&self, l: Locale) -> String {
        let titled = |m: Msg, title: &str| m.text(l).replace("{title}", title);
        match self {
            Reason::Teacher(t) => t.clone(),
            Reason::Exam(t) => titled(Msg::ExamMarkReason, t),
            Reason::Assignment(t) => titled(Msg::AssignmentReason, t),
            Reason::Verdict(t) => titled(Msg::ProctorVerdictReason, t),
            Reason::Regrade(t) => titled(Msg::RegradeReason, t),
        }
    }
}

/// How many marks of each value an attestation gave, on the five-point scale (100-point marks
/// are counted by their five-point equivalent, [`Mark::five_point`]). Students without a mark
/// (not attested) are not counted here; reports show them separately.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkCounts {
    pub five: u32,
    pub four: u32,
    pub three: u32,
    pub two: u32,
}

impl MarkCounts {
    pub fn of(marks: &[Mark]) -> MarkCounts {
        let mut c = MarkCounts::default();
        for m in marks {
            match m.five_point() {
                5 => c.five += 1,
                4 => c.four += 1,
                3 => c.three += 1,
                _ => c.two += 1,
            }
        }
        c
    }

    pub fn total(&self) -> u32 {
        self.five + self.four + self.three + self.two
    }

    fn percent(&self, count: u32) -> Option<f64> {
        (self.total() > 0).then(|| 100.0 * f64::from(count) / f64::from(self.total()))
    }

    /// Share of one mark value (2..=5) among the students with a mark, in percent.
    pub fn share_percent(&self, five_point: u8) -> Option<f64> {
        let count = match five_point {
            5 => self.five,
            4 => self.four,
            3 => self.three,
            2 => self.two,
            _ => 0,
        };
        self.percent(count)
    }

    /// "Качество знаний" / "білім сапасы" as Kazakhstan colleges report it: the share of
    /// students with a 4 or a 5 among the students with a mark, in percent.
    pub fn quality_percent(&self) -> Option<f64> {
        self.percent(self.five + self.four)
    }

    /// "Успеваемость" / "үлгерім": the share of students with a 3, 4 or 5 among the students
    /// with a mark, in percent.
    pub fn success_percent(&self) -> Option<f64> {
        self.percent(self.five + self.four + self.three)
    }
}

/// See [`MarkCounts::quality_percent`]; None when nobody has a mark.
pub fn quality_percent(marks: &[Mark]) -> Option<f64> {
    MarkCounts::of(marks).quality_percent()
}

/// See [`MarkCounts::success_percent`]; None when nobody has a mark.
pub fn success_percent(marks: &[Mark]) -> Option<f64> {
    MarkCounts::of(marks).success_percent()
}

/// What kind of lesson it is; attestation days and exams feed the performance report (JRN-6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LessonType {
    #[default]
    Theory,
    Practice,
    Lab,
    Attestation,
    Exam,
}

impl LessonType {
    pub const ALL: [LessonType; 5] = [LessonType::Theory, LessonType::Practice, LessonType::Lab, LessonType::Attestation, LessonType::Exam];

    pub fn code(self) -> &'static str {
        match self {
            LessonType::Theory => "theory",
            LessonType::Practice => "practice",
            LessonType::Lab => "lab",
            LessonType::Attestation => "attestation",
            LessonType::Exam => "exam",
        }
    }

    pub fn from_code(code: &str) -> Option<LessonType> {
        LessonType::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn msg(self) -> Msg {
        match self {
            LessonType::Theory => Msg::LessonTheory,
            LessonType::Practice => Msg::LessonPractice,
            LessonType::Lab => Msg::LessonLab,
            LessonType::Attestation => Msg::LessonAttestation,
            LessonType::Exam => Msg::LessonExam,
        }
    }

    /// Marks given on this lesson count in the performance report.
    pub fn is_attestation(self) -> bool {
        matches!(self, LessonType::Attestation | LessonType::Exam)
    }
}

impl Cell {
    /// The code a cell is stored and sent as: the mark's value ("5", "87"), "n" absent,
    /// "e" excused, "l" late, "" empty. Locale-free, unlike what the cell shows.
    pub fn store_code(self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Mark(m) => m.value.to_string(),
            Cell::Attendance(a) => a.code(Locale::En).to_string(),
        }
    }

    /// What the cell shows in a language: the mark, or the attendance letter of that language.
    pub fn label(self, locale: Locale) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Mark(m) => m.value.to_string(),
            Cell::Attendance(a) => a.code(locale).to_string(),
        }
    }

    pub fn mark(self) -> Option<Mark> {
        match self {
            Cell::Mark(m) => Some(m),
            _ => None,
        }
    }

    /// Reads a stored code back (see [`Cell::store_code`]); unknown codes read as empty.
    pub fn from_store_code(scale: Scale, code: &str) -> Cell {
        parse_cell(scale, code).unwrap_or_default()
    }
}

/// Largest file attached to an assignment's answer or to an absence's excuse note.
pub const MAX_ANSWER_FILE: usize = 10 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_told_in_the_readers_language_and_stored_as_a_kind() {
        let r = Reason::Exam("Алгебра".into());
        assert_eq!(r.text(Locale::Kk), "Емтихан: Алгебра");
        assert_eq!(r.text(Locale::Ru), "Экзамен: Алгебра");
        assert_eq!(r.text(Locale::En), "Exam: Алгебра");
        let (kind, text) = r.stored();
        assert_eq!(Reason::from_stored(kind, text.to_string()), r);
        assert_eq!(Reason::from_stored("teacher", "Пересдача".into()).text(Locale::En), "Пересдача");
        assert_eq!(Reason::Verdict("X".into()).text(Locale::Ru), "Решение прокторинга: X");
        let regrade = Reason::Regrade("Алгебра".into());
        assert_eq!(regrade.text(Locale::En), "Regrade: Алгебра");
        assert_eq!(regrade.text(Locale::Kk), "Қайта бағалау: Алгебра");
        let (kind, text) = regrade.stored();
        assert_eq!((kind, Reason::from_stored(kind, text.to_string())), ("regrade", regrade.clone()));
    }

    fn hours(raw: &str) -> Result<f64, Msg> {
        AcademicHours::parse(raw).map(AcademicHours::as_f64)
    }

    #[test]
    fn academic_hours_accept_half_and_whole_one_to_six() {
        assert_eq!(hours("0.5"), Ok(0.5));
        assert_eq!(hours("0,5"), Ok(0.5));
        assert_eq!(hours(" 0,50 "), Ok(0.5));
        assert_eq!(hours(" 2 "), Ok(2.0));
        assert_eq!(hours("2.0"), Ok(2.0));
        for n in 1..=6 {
            assert_eq!(hours(&n.to_string()), Ok(f64::from(n)));
        }
    }

    #[test]
    fn academic_hours_refuse_everything_else() {
        for bad in ["7", "0", "0.0", "1.5", "1,5", "6.5", "0.25", "-1", ".5", "2.", "1/2", "два", "2 ч", "12", "99999999"] {
            assert_eq!(AcademicHours::parse(bad), Err(Msg::ErrHoursInvalid), "{bad}");
        }
        assert_eq!(AcademicHours::parse("  "), Err(Msg::ErrRequired));
        assert_eq!(AcademicHours::from_half_hours(3), None);
        assert_eq!(AcademicHours::from_half_hours(13), None);
        assert_eq!(AcademicHours::from_half_hours(0), None);
    }

    #[test]
    fn academic_hours_display_and_travel_as_half_hours() {
        let half = AcademicHours::parse("0,5").unwrap();
        assert_eq!(half.to_string(), "0.5");
        assert_eq!(half.label(Locale::Kk), "0,5");
        assert_eq!(half.label(Locale::En), "0.5");
        assert_eq!(AcademicHours::parse("4").unwrap().label(Locale::Ru), "4");
        assert_eq!(serde_json::to_string(&half).unwrap(), "1");
        assert_eq!(serde_json::from_str::<AcademicHours>("4").unwrap().as_f64(), 2.0);
        assert!(serde_json::from_str::<AcademicHours>("3").is_err(), "1.5 hours must not sneak in through JSON");
        assert!(serde_json::from_str::<AcademicHours>("14").is_err());
    }

    #[test]
    fn planned_hours_are_positive_multiples_of_a_half() {
        assert_eq!(Hours::parse_planned("12,5").map(Hours::half_hours), Ok(25));
        assert_eq!(Hours::parse_planned("40").map(Hours::half_hours), Ok(80));
        assert_eq!(Hours::parse_planned("0"), Err(Msg::ErrPlannedHoursInvalid));
        assert_eq!(Hours::parse_planned("1.25"), Err(Msg::ErrPlannedHoursInvalid));
        assert_eq!(Hours::parse_planned(""), Err(Msg::ErrRequired));
        let sum: Hours = [AcademicHours::parse("0.5").unwrap(), AcademicHours::parse("2").unwrap()].into_iter().map(Hours::from).sum();
        assert_eq!((sum.to_string(), sum.label(Locale::Kk)), ("2.5".to_string(), "2,5".to_string()));
    }

    #[test]
    fn five_point_scale_takes_two_to_five() {
        for v in 2..=5 {
            assert_eq!(Scale::FivePoint.parse_mark(&format!(" {v} ")).map(Mark::value), Ok(v));
        }
        for bad in ["0", "1", "6", "4+", "4.5", "-3", "+4", "five", "100"] {
            assert_eq!(Scale::FivePoint.parse_mark(bad), Err(Msg::ErrMarkOutOfFivePointScale), "{bad}");
        }
        assert_eq!(Scale::FivePoint.parse_mark(""), Err(Msg::ErrRequired));
        let four = Scale::FivePoint.mark(4).unwrap();
        assert_eq!((four.five_point(), four.letter(), four.gpa()), (4, None, None));
        assert_eq!(Scale::default(), Scale::FivePoint);
    }

    #[test]
    fn hundred_point_scale_boundaries() {
        let mark = |v: &str| Scale::Hundred.parse_mark(v);
        assert_eq!(mark("0").map(Mark::value), Ok(0));
        assert_eq!(mark("100").map(Mark::value), Ok(100));
        assert_eq!(mark("101"), Err(Msg::ErrMarkOutOfHundredScale));
        assert_eq!(mark("1000"), Err(Msg::ErrMarkOutOfHundredScale));
        assert_eq!(mark("95.5"), Err(Msg::ErrMarkOutOfHundredScale));
        let letter = |v| Scale::Hundred.mark(v).unwrap().letter().unwrap().as_str();
        assert_eq!([letter(49), letter(50), letter(94), letter(95), letter(100)], ["F", "D", "A-", "A", "A"]);
    }

    #[test]
    fn every_letter_starts_where_the_table_says() {
        // (lowest mark, letter, GPA) and the letter one point lower.
        let table = [
            (95, "A", 4.0, "A-"),
            (90, "A-", 3.67, "B+"),
            (85, "B+", 3.33, "B"),
            (80, "B", 3.0, "B-"),
            (75, "B-", 2.67, "C+"),
            (70, "C+", 2.33, "C"),
            (65, "C", 2.0, "C-"),
            (60, "C-", 1.67, "D+"),
            (55, "D+", 1.33, "D"),
            (50, "D", 1.0, "F"),
        ];
        for (lowest, letter, gpa, below) in table {
            let m = Scale::Hundred.mark(lowest).unwrap();
            assert_eq!(m.letter().map(Letter::as_str), Some(letter), "{lowest}");
            assert_eq!(m.gpa(), Some(gpa), "{lowest}");
            assert_eq!(Scale::Hundred.mark(lowest - 1).unwrap().letter().map(Letter::as_str), Some(below), "{}", lowest - 1);
        }
        assert_eq!(Scale::Hundred.mark(0).unwrap().gpa(), Some(0.0));
        assert_eq!(Scale::Hundred.mark(49).unwrap().gpa(), Some(0.0));
    }

    #[test]
    fn hundred_to_five_point_boundaries() {
        let five = |v| Scale::Hundred.mark(v).unwrap().five_point();
        let got: Vec<u8> = [0, 49, 50, 74, 75, 89, 90, 100].into_iter().map(five).collect();
        assert_eq!(got, [2, 2, 3, 3, 4, 4, 5, 5]);
    }

    #[test]
    fn marks_cannot_be_deserialised_off_their_scale() {
        let ok: Mark = serde_json::from_str(r#"{"scale":"Hundred","value":87}"#).unwrap();
        assert_eq!(ok, Scale::Hundred.mark(87).unwrap());
        assert!(serde_json::from_str::<Mark>(r#"{"scale":"FivePoint","value":7}"#).is_err());
        assert!(serde_json::from_str::<Mark>(r#"{"scale":"Hundred","value":101}"#).is_err());
        assert_eq!(Scale::from_code(Scale::Hundred.code()), Some(Scale::Hundred));
        assert_eq!(Scale::from_code("ten"), None);
    }

    #[test]
    fn cells_read_attendance_codes_in_cyrillic_and_latin() {
        let cell = |raw| parse_cell(Scale::FivePoint, raw);
        for raw in ["н", "Н", "n", "N", " н "] {
            assert_eq!(cell(raw), Ok(Cell::Attendance(Attendance::Absent)), "{raw}");
        }
        for raw in ["у", "У", "с", "С", "s", "S", "c", "e", "E"] {
            assert_eq!(cell(raw), Ok(Cell::Attendance(Attendance::Excused)), "{raw}");
        }
        for raw in ["о", "О", "к", "К", "o", "O", "k", "K", "l"] {
            assert_eq!(cell(raw), Ok(Cell::Attendance(Attendance::Late)), "{raw}");
        }
        for raw in ["y", "x", "нн", "ж", "+", "н/б"] {
            assert_eq!(cell(raw), Err(Msg::ErrCellUnknown), "{raw}");
        }
        assert_eq!(cell(""), Ok(Cell::Empty));
        assert_eq!(cell("   "), Ok(Cell::Empty));
    }

    #[test]
    fn cells_read_marks_on_the_journal_scale() {
        assert_eq!(parse_cell(Scale::FivePoint, "5"), Ok(Cell::Mark(Scale::FivePoint.mark(5).unwrap())));
        assert_eq!(parse_cell(Scale::FivePoint, "0"), Err(Msg::ErrMarkOutOfFivePointScale));
        assert_eq!(parse_cell(Scale::FivePoint, "4.5"), Err(Msg::ErrMarkOutOfFivePointScale));
        assert_eq!(parse_cell(Scale::FivePoint, "-2"), Err(Msg::ErrMarkOutOfFivePointScale));
        assert_eq!(parse_cell(Scale::FivePoint, "5+"), Err(Msg::ErrMarkOutOfFivePointScale));
        assert_eq!(parse_cell(Scale::Hundred, "0"), Ok(Cell::Mark(Scale::Hundred.mark(0).unwrap())));
        assert_eq!(parse_cell(Scale::Hundred, "101"), Err(Msg::ErrMarkOutOfHundredScale));
        // A Cyrillic or Latin "o" is a late arrival, not a zero.
        assert_eq!(parse_cell(Scale::Hundred, "о"), Ok(Cell::Attendance(Attendance::Late)));
        assert_eq!(parse_cell(Scale::Hundred, "O"), Ok(Cell::Attendance(Attendance::Late)));
    }

    #[test]
    fn attendance_codes_shown_are_codes_read_back() {
        for locale in Locale::ALL {
            for a in [Attendance::Absent, Attendance::Excused, Attendance::Late] {
                assert_eq!(Attendance::from_code(a.code(locale)), Some(a), "{a:?} in {locale:?}");
            }
        }
        assert_eq!(Attendance::Present.code(Locale::Kk), "");
    }

    fn five(values: &[u8]) -> Vec<Mark> {
        values.iter().map(|&v| Scale::FivePoint.mark(v).unwrap()).collect()
    }

    #[test]
    fn averages() {
        assert_eq!(average(&[]), None);
        assert_eq!(average(&five(&[5, 4, 4, 3])), Some(4.0));
        let a = average(&five(&[5, 4, 4])).unwrap();
        assert_eq!(round2(a), 4.33);
        assert_eq!(format_2dp(a, Locale::Kk), "4,33");
        assert_eq!(format_2dp(a, Locale::En), "4.33");
        assert_eq!(format_2dp(average(&five(&[5, 4])).unwrap(), Locale::Ru), "4,5");
        assert_eq!(format_2dp(average(&five(&[5])).unwrap(), Locale::Ru), "5");
        assert_eq!(round2(average(&five(&[5, 5, 4])).unwrap()), 4.67);
        let hundred: Vec<Mark> = [87, 92, 60].into_iter().map(|v| Scale::Hundred.mark(v).unwrap()).collect();
        assert_eq!(round2(average(&hundred).unwrap()), 79.67);
    }

    #[test]
    fn quality_and_success_on_a_worked_example() {
        // A group of 25 on an attestation day: 4 fives, 9 fours, 8 threes, 2 twos, and two
        // students not attested (no mark), who are left out: 23 students with a mark.
        // Quality (4 and 5): 13 / 23 = 56.52 %. Success (3, 4, 5): 21 / 23 = 91.30 %.
        // Share of fives: 4 / 23 = 17.39 %; of twos: 2 / 23 = 8.70 %.
        let marks = five(&[[5; 4].as_slice(), &[4; 9], &[3; 8], &[2; 2]].concat());
        let counts = MarkCounts::of(&marks);
        assert_eq!(counts, MarkCounts { five: 4, four: 9, three: 8, two: 2 });
        assert_eq!(counts.total(), 23);
        assert_eq!(quality_percent(&marks).map(round2), Some(56.52));
        assert_eq!(success_percent(&marks).map(round2), Some(91.3));
        assert_eq!(counts.share_percent(5).map(round2), Some(17.39));
        assert_eq!(counts.share_percent(2).map(round2), Some(8.7));
        assert_eq!(quality_percent(&[]), None);
        assert_eq!(success_percent(&[]), None);
    }

    #[test]
    fn hundred_point_marks_count_by_their_five_point_equivalent() {
        // 95, 90 -> 5; 89, 75 -> 4; 74, 50 -> 3; 49, 0 -> 2: quality 4/8, success 6/8.
        let marks: Vec<Mark> = [95, 90, 89, 75, 74, 50, 49, 0].into_iter().map(|v| Scale::Hundred.mark(v).unwrap()).collect();
        assert_eq!(MarkCounts::of(&marks), MarkCounts { five: 2, four: 2, three: 2, two: 2 });
        assert_eq!(quality_percent(&marks), Some(50.0));
        assert_eq!(success_percent(&marks), Some(75.0));
    }

    #[test]
    fn cells_travel_as_locale_free_codes() {
        let five = Scale::FivePoint;
        for (typed, code) in [("5", "5"), ("н", "n"), ("у", "e"), ("с", "e"), ("о", "l"), ("к", "l"), ("", "")] {
            let cell = parse_cell(five, typed).unwrap();
            assert_eq!(cell.store_code(), code, "{typed}");
            assert_eq!(Cell::from_store_code(five, code), cell);
        }
        let excused = Cell::from_store_code(five, "e");
        assert_eq!(excused.label(Locale::Kk), "с");
        assert_eq!(excused.label(Locale::Ru), "у");
        assert_eq!(Cell::from_store_code(Scale::Hundred, "87").mark().map(|m| m.value()), Some(87));
        assert_eq!(Cell::from_store_code(five, "87"), Cell::Empty, "a code off the scale is not a mark");
    }
}
