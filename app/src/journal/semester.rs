//! Filling a semester with lessons at once (JRN-3): every day between the semester's dates
//! that the weekly timetable has a pair on, minus holidays, with the KTP topics attached in
//! order. The result is a preview; nothing here writes anything.

use super::model::{AcademicHours, Hours};
use crate::i18n::{Locale, Msg};
use crate::ui::time::{civil_from_days, days_from_civil};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar day. Ordered by date; sent and shown as "YYYY-MM-DD".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    y: u16,
    m: u8,
    d: u8,
}

impl Date {
    /// A real day of the years 1970-9999: no 31 April, 29 February only in leap years.
    pub fn new(y: i64, m: u32, d: u32) -> Result<Date, Msg> {
        if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return Err(Msg::ErrBadDate);
        }
        if civil_from_days(days_from_civil(y, m, d)) != (y, m, d) {
            return Err(Msg::ErrBadDate);
        }
        Ok(Date { y: y as u16, m: m as u8, d: d as u8 })
    }

    /// "2028-02-29", as an `<input type=date>` sends it.
    pub fn parse(raw: &str) -> Result<Date, Msg> {
        let parts: Vec<&str> = raw.trim().split('-').collect();
        let well_formed =
            parts.len() == 3 && parts.iter().zip([4, 2, 2]).all(|(p, len)| p.len() == len && p.bytes().all(|b| b.is_ascii_digit()));
        if !well_formed {
            return Err(Msg::ErrBadDate);
        }
        let n = |p: &str| p.parse::<u32>().unwrap_or(0);
        Date::new(i64::from(n(parts[0])), n(parts[1]), n(parts[2]))
    }

    /// The day in Kazakhstan (UTC+5) at an instant given in epoch milliseconds.
    pub fn from_epoch_ms(ms: i64) -> Date {
        Date::from_days((ms + crate::ui::time::KZ_OFFSET_MS).div_euclid(86_400_000))
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        days_from_civil(i64::from(self.y), u32::from(self.m), u32::from(self.d))
    }

    /// Only for days between two valid dates, which are valid too.
    fn from_days(days: i64) -> Date {
        let (y, m, d) = civil_from_days(days);
        Date { y: y as u16, m: m as u8, d: d as u8 }
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        Weekday::ALL[(self.days() + 3).rem_euclid(7) as usize]
    }

    /// "29.02.2028", as dates are written in Kazakhstan.
    pub fn dotted(self) -> String {
        format!("{:02}.{:02}.{:04}", self.d, self.m, self.y)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

impl TryFrom<String> for Date {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Date::parse(&s).map_err(|_| "not a YYYY-MM-DD date")
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

    /// Monday is 1, Sunday 7 (ISO 8601, and how timetables number days).
    pub fn number(self) -> u8 {
        self as u8 + 1
    }

    pub fn from_number(n: u8) -> Option<Weekday> {
        Weekday::ALL.get(usize::from(n).checked_sub(1)?).copied()
    }
}

/// Odd or even week, for pairs that alternate ("числитель" and "знаменатель"). Weeks are
/// calendar weeks, Monday to Sunday, counted from the semester start: the week that holds the
/// first day is week 1 (odd) even when the semester starts on a Wednesday, and the next week
/// starts on the following Monday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Parity {
    Odd,
    Even,
}

/// One line of the weekly timetable: this journal's pair on a day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimetableItem {
    pub weekday: Weekday,
    /// 1..=8, checked by [`Timetable::new`].
    pub pair: u8,
    pub hours: AcademicHours,
    /// None: every week.
    pub week_parity: Option<Parity>,
}

/// A weekly timetable with at least one pair and no pair taken twice in the same week.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timetable(Vec<TimetableItem>);

impl Timetable {
    pub const MAX_PAIR: u8 = 8;

    /// Refuses an empty timetable, pair numbers outside 1..=8, and two items on the same day
    /// and pair that would fall in the same week: the same parity, or one of them every week.
    /// Odd-week and even-week items may share a pair.
    pub fn new(mut items: Vec<TimetableItem>) -> Result<Timetable, Msg> {
        if items.is_empty() {
            return Err(Msg::ErrTimetableEmpty);
        }
        if items.iter().any(|i| !(1..=Timetable::MAX_PAIR).contains(&i.pair)) {
            return Err(Msg::ErrPairNumber);
        }
        items.sort_by_key(|i| (i.weekday, i.pair, i.week_parity));
        for (n, a) in items.iter().enumerate() {
            for b in &items[n + 1..] {
                let same_slot = a.weekday == b.weekday && a.pair == b.pair;
                let same_weeks = match (a.week_parity, b.week_parity) {
                    (Some(x), Some(y)) => x == y,
                    _ => true,
                };
                if same_slot && same_weeks {
                    return Err(Msg::ErrTimetableDuplicate);
                }
            }
        }
        Ok(Timetable(items))
    }

    /// Sorted by day of the week, then pair.
    pub fn items(&self) -> &[TimetableItem] {
        &self.0
    }
}

/// Days without lessons: one day or a range, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holiday {
    first: Date,
    last: Date,
}

impl Holiday {
    pub fn day(date: Date) -> Holiday {
        Holiday { first: date, last: date }
    }

    pub fn range(first: Date, last: Date) -> Result<Holiday, Msg> {
        if last < first {
            return Err(Msg::ErrHolidayOrder);
        }
        Ok(Holiday { first, last })
    }

    pub fn contains(&self, date: Date) -> bool {
        (self.first..=self.last).contains(&date)
    }
}

/// The semester's first and last days: in order, at most 30 weeks (210 days) apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Semester {
    start: Date,
    end: Date,
}

impl Semester {
    pub const MAX_DAYS: i64 = 30 * 7;

    pub fn new(start: Date, end: Date) -> Result<Semester, Msg> {
        if end < start {
            return Err(Msg::ErrSemesterOrder);
        }
        if end.days() - start.days() + 1 > Semester::MAX_DAYS {
            return Err(Msg::ErrSemesterTooLong);
        }
        Ok(Semester { start, end })
    }

    pub fn start(self) -> Date {
        self.start
    }

    pub fn end(self) -> Date {
        self.end
    }

    /// 1 for the calendar week that holds the start, see [`Parity`].
    pub fn week_of(self, date: Date) -> i64 {
        let monday = |d: Date| d.days() - i64::from(d.weekday().number() - 1);
        (monday(date) - monday(self.start)).div_euclid(7) + 1
    }

    pub fn parity_of(self, date: Date) -> Parity {
        if self.week_of(date).rem_euclid(2) == 1 {
            Parity::Odd
        } else {
            Parity::Even
        }
    }
}

/// A topic of the calendar-thematic plan (KTP) with its planned hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    title: String,
    hours: Hours,
}

impl Topic {
    pub const MAX_TITLE: usize = 500;

    pub fn new(title: &str, hours: Hours) -> Result<Topic, Msg> {
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            return Err(Msg::ErrRequired);
        }
        if title.chars().count() > Topic::MAX_TITLE {
            return Err(Msg::ErrTooLong);
        }
        if hours.half_hours() == 0 {
            return Err(Msg::ErrPlannedHoursInvalid);
        }
        Ok(Topic { title, hours })
    }

    pub fn title(&self) -> &str {
        &self.title
    }

    pub fn hours(&self) -> Hours {
        self.hours
    }
}

/// A lesson the fill would create.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedLesson {
    pub date: Date,
    pub pair: u8,
    pub hours: AcademicHours,
    /// Index into the topics; None once they have run out.
    pub topic: Option<usize>,
}

/// What the teacher's preview says about a fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillSummary {
    pub lessons: usize,
    /// Hours of all the lessons the timetable gives.
    pub timetable_hours: Hours,
    /// Hours of all the KTP topics.
    pub planned_hours: Hours,
    pub lessons_without_topic: usize,
    pub topics_without_lesson: usize,
}

impl FillSummary {
    pub fn balance(&self) -> PlanBalance {
        let (plan, given) = (self.planned_hours, self.timetable_hours);
        match plan.cmp(&given) {
            std::cmp::Ordering::Equal => PlanBalance::Matches,
            std::cmp::Ordering::Greater => PlanBalance::PlanExceeds(Hours::from_half_hours(plan.half_hours() - given.half_hours())),
            std::cmp::Ordering::Less => PlanBalance::TimetableExceeds(Hours::from_half_hours(given.half_hours() - plan.half_hours())),
        }
    }
}

/// The planned hours against the hours the timetable gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanBalance {
    Matches,
    /// The plan needs this many hours more than the timetable gives.
    PlanExceeds(Hours),
    /// The timetable gives this many hours more than the plan needs.
    TimetableExceeds(Hours),
}

impl PlanBalance {
    pub fn text(self, locale: Locale) -> String {
        match self {
            PlanBalance::Matches => Msg::PlanMatchesTimetable.text(locale).to_string(),
            PlanBalance::PlanExceeds(h) => Msg::PlanExceedsTimetable.text(locale).replace("{hours}", &h.label(locale)),
            PlanBalance::TimetableExceeds(h) => Msg::TimetableExceedsPlan.text(locale).replace("{hours}", &h.label(locale)),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SemesterFill {
    /// By date, then pair.
    pub lessons: Vec<PlannedLesson>,
    pub summary: FillSummary,
}

/// Every lesson of the semester, in order, with topics attached.
///
/// A day gets a lesson for each timetable item on its weekday whose parity matches the week
/// ([`Parity`]), unless a holiday covers it. Topics go to lessons in order, one topic per
/// lesson: a topic keeps the next lessons until the hours of those lessons reach its plan, and
/// the next topic starts on the following lesson. A lesson is never split between topics, so
/// when the hours do not divide evenly (a 3-hour topic with 2-hour pairs) the topic takes the
/// whole last lesson (4 hours) and the next topic still gets its full plan. Every topic gets at
/// least one lesson while lessons last; after the last topic, lessons have none.
pub fn fill(semester: Semester, timetable: &Timetable, holidays: &[Holiday], topics: &[Topic]) -> SemesterFill {
    let mut lessons = Vec::new();
    for days in semester.start.days()..=semester.end.days() {
        let date = Date::from_days(days);
        if holidays.iter().any(|h| h.contains(date)) {
            continue;
        }
        let (weekday, parity) = (date.weekday(), semester.parity_of(date));
        for item in timetable.items() {
            if item.weekday == weekday && item.week_parity.map_or(true, |p| p == parity) {
                lessons.push(PlannedLesson { date, pair: item.pair, hours: item.hours, topic: None });
            }
        }
    }

    let (mut topic, mut given) = (0, 0);
    for lesson in &mut lessons {
        let Some(current) = topics.get(topic) else { break };
        lesson.topic = Some(topic);
        given += u32::from(lesson.hours.half_hours());
        if given >= current.hours.half_hours() {
            (topic, given) = (topic + 1, 0);
        }
    }

    let summary = FillSummary {
        lessons: lessons.len(),
        timetable_hours: lessons.iter().map(|l| Hours::from(l.hours)).sum(),
        planned_hours: topics.iter().map(|t| t.hours).sum(),
        lessons_without_topic: lessons.iter().filter(|l| l.topic.is_none()).count(),
        topics_without_lesson: topics.len() - lessons.iter().filter_map(|l| l.topic).max().map_or(0, |last| last + 1),
    };
    SemesterFill { lessons, summary }
}

/// Kazakhstan's public holidays with a fixed date (Labour Code, art. 84 and the law on
/// holidays): New Year (1-2 January), Orthodox Christmas (7 January), International Women's
/// Day (8 March), Nauryz (21-23 March), Unity Day (1 May), Defender of the Fatherland Day
/// (7 May), Victory Day (9 May), Capital Day (6 July), Constitution Day (30 August), Republic
/// Day (25 October), Independence Day (16 December). Kurban ait moves with the lunar calendar
/// and is announced each year, so the teacher adds it (and vacations) by hand.
pub const KZ_FIXED_HOLIDAYS: [(u32, u32); 14] =
    [(1, 1), (1, 2), (1, 7), (3, 8), (3, 21), (3, 22), (3, 23), (5, 1), (5, 7), (5, 9), (7, 6), (8, 30), (10, 25), (12, 16)];

/// The fixed public holidays that fall inside the semester, in order.
pub fn public_holidays(semester: Semester) -> Vec<Date> {
    let (first, last) = (semester.start.y, semester.end.y);
    let mut days: Vec<Date> = (first..=last)
        .flat_map(|y| KZ_FIXED_HOLIDAYS.iter().filter_map(move |&(m, d)| Date::new(i64::from(y), m, d).ok()))
        .filter(|d| (semester.start..=semester.end).contains(d))
        .collect();
    days.sort();
    days
}

/// The timetable as the fill form sends it: items separated by ";", each
/// "weekday:pair:hours:weeks" with weekday 1 (Monday) to 7, hours as typed ("2", "0,5") and
/// weeks "all", "odd" or "even". Errors name the item (0-based) and its part.
pub fn parse_timetable(raw: &str) -> Result<Timetable, (String, Msg)> {
    let mut items = Vec::new();
    for (n, part) in raw.split(';').map(str::trim).filter(|p| !p.is_empty()).enumerate() {
        let bits: Vec<&str> = part.split(':').map(str::trim).collect();
        if bits.len() != 4 {
            return Err((format!("timetable.{n}"), Msg::ErrBadRequest));
        }
        let weekday =
            bits[0].parse::<u8>().ok().and_then(Weekday::from_number).ok_or((format!("timetable.{n}.weekday"), Msg::ErrBadRequest))?;
        let pair = bits[1].parse::<u8>().map_err(|_| (format!("timetable.{n}.pair"), Msg::ErrPairNumber))?;
        if !(1..=Timetable::MAX_PAIR).contains(&pair) {
            return Err((format!("timetable.{n}.pair"), Msg::ErrPairNumber));
        }
        let hours = AcademicHours::parse(bits[2]).map_err(|m| (format!("timetable.{n}.hours"), m))?;
        let week_parity = match bits[3] {
            "all" | "" => None,
            "odd" => Some(Parity::Odd),
            "even" => Some(Parity::Even),
            _ => return Err((format!("timetable.{n}.weeks"), Msg::ErrBadRequest)),
        };
        items.push(TimetableItem { weekday, pair, hours, week_parity });
    }
    Timetable::new(items).map_err(|m| ("timetable".to_string(), m))
}

/// Holidays as the fill form sends them: one per line (or comma), a day "2027-03-08" or a
/// range "2026-12-29..2027-01-10".
pub fn parse_holidays(raw: &str) -> Result<Vec<Holiday>, Msg> {
    raw.split(['\n', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once("..") {
            Some((a, b)) => Holiday::range(Date::parse(a)?, Date::parse(b)?),
            None => Date::parse(line).map(Holiday::day),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn item(weekday: Weekday, pair: u8, hours: &str, week_parity: Option<Parity>) -> TimetableItem {
        TimetableItem { weekday, pair, hours: AcademicHours::parse(hours).unwrap(), week_parity }
    }

    fn topics(plan: &[&str]) -> Vec<Topic> {
        plan.iter().enumerate().map(|(n, h)| Topic::new(&format!("Тақырып {n}"), Hours::parse_planned(h).unwrap()).unwrap()).collect()
    }

    /// "2028-02-29 p2 2h T0" per lesson, so a failing test shows the whole semester.
    fn listing(fill: &SemesterFill) -> Vec<String> {
        fill.lessons
            .iter()
            .map(|l| {
                let topic = l.topic.map_or("-".to_string(), |t| format!("T{t}"));
                format!("{} p{} {}h {topic}", l.date, l.pair, l.hours)
            })
            .collect()
    }

    fn semester(start: &str, end: &str) -> Semester {
        Semester::new(date(start), date(end)).unwrap()
    }

    #[test]
    fn dates_parse_and_refuse_impossible_days() {
        assert_eq!(date("2028-02-29"), Date { y: 2028, m: 2, d: 29 });
        assert_eq!(date(" 2028-12-31 ").to_string(), "2028-12-31");
        for bad in [
            "2027-02-29",
            "2100-02-29",
            "2028-02-30",
            "2028-04-31",
            "2028-13-01",
            "2028-00-10",
            "2028-01-00",
            "28-02-29",
            "2028-2-9",
            "29.02.2028",
            "2028-02-29T10",
            "",
            "1969-12-31",
        ] {
            assert_eq!(Date::parse(bad), Err(Msg::ErrBadDate), "{bad}");
        }
        assert!(Date::parse("2000-02-29").is_ok(), "2000 is a leap year (divisible by 400)");
    }

    #[test]
    fn weekdays_of_known_dates() {
        let cases = [
            ("1970-01-01", Weekday::Thu),
            ("2000-01-01", Weekday::Sat),
            ("2024-03-01", Weekday::Fri),
            ("2028-01-01", Weekday::Sat),
            ("2028-02-29", Weekday::Tue),
            ("2028-03-01", Weekday::Wed),
            ("2028-09-01", Weekday::Fri),
        ];
        for (d, w) in cases {
            assert_eq!(date(d).weekday(), w, "{d}");
        }
        assert_eq!(date("2028-03-01").days() - date("2028-02-28").days(), 2);
        assert_eq!((Weekday::from_number(1), Weekday::from_number(7)), (Some(Weekday::Mon), Some(Weekday::Sun)));
        assert_eq!((Weekday::from_number(0), Weekday::from_number(8)), (None, None));
        assert_eq!(Weekday::Sun.number(), 7);
    }

    #[test]
    fn dates_order_and_travel_as_iso_strings() {
        assert!(date("2028-02-29") < date("2028-03-01"));
        assert!(date("2027-12-31") < date("2028-01-01"));
        assert_eq!(date("2028-03-08").dotted(), "08.03.2028");
        assert_eq!(serde_json::to_string(&date("2028-02-29")).unwrap(), r#""2028-02-29""#);
        assert_eq!(serde_json::from_str::<Date>(r#""2028-02-29""#).unwrap(), date("2028-02-29"));
        assert!(serde_json::from_str::<Date>(r#""2027-02-29""#).is_err());
    }

    #[test]
    fn semester_is_in_order_and_at_most_30_weeks() {
        assert_eq!(Semester::new(date("2028-01-10"), date("2028-01-09")), Err(Msg::ErrSemesterOrder));
        assert!(Semester::new(date("2028-01-10"), date("2028-01-10")).is_ok());
        // 10 January + 209 days = 6 August: 210 days, exactly 30 weeks.
        assert!(Semester::new(date("2028-01-10"), date("2028-08-06")).is_ok());
        assert_eq!(Semester::new(date("2028-01-10"), date("2028-08-07")), Err(Msg::ErrSemesterTooLong));
        assert_eq!(Holiday::range(date("2028-03-26"), date("2028-03-20")), Err(Msg::ErrHolidayOrder));
    }

    #[test]
    fn timetable_refuses_empty_bad_pairs_and_double_booking() {
        use Weekday::*;
        assert_eq!(Timetable::new(vec![]), Err(Msg::ErrTimetableEmpty));
        assert_eq!(Timetable::new(vec![item(Mon, 0, "2", None)]), Err(Msg::ErrPairNumber));
        assert_eq!(Timetable::new(vec![item(Mon, 9, "2", None)]), Err(Msg::ErrPairNumber));
        assert!(Timetable::new(vec![item(Mon, 8, "2", None)]).is_ok());
        let dup = Err(Msg::ErrTimetableDuplicate);
        assert_eq!(Timetable::new(vec![item(Mon, 2, "2", None), item(Tue, 1, "2", None), item(Mon, 2, "1", None)]), dup);
        let odd = Some(Parity::Odd);
        assert_eq!(Timetable::new(vec![item(Mon, 2, "2", odd), item(Mon, 2, "2", odd)]), dup);
        // Every week and odd weeks collide on odd weeks.
        assert_eq!(Timetable::new(vec![item(Mon, 2, "2", None), item(Mon, 2, "2", odd)]), dup);
        let alternating = Timetable::new(vec![item(Mon, 2, "1", Some(Parity::Even)), item(Mon, 2, "2", odd), item(Mon, 3, "2", None)]);
        assert!(alternating.is_ok());
        let sorted = Timetable::new(vec![item(Fri, 1, "2", None), item(Mon, 3, "2", None), item(Mon, 1, "2", None)]).unwrap();
        let order: Vec<(Weekday, u8)> = sorted.items().iter().map(|i| (i.weekday, i.pair)).collect();
        assert_eq!(order, [(Mon, 1), (Mon, 3), (Fri, 1)]);
    }

    #[test]
    fn topics_need_a_title_and_hours() {
        assert_eq!(Topic::new("   ", Hours::from_half_hours(4)), Err(Msg::ErrRequired));
        assert_eq!(Topic::new("Кіріспе", Hours::from_half_hours(0)), Err(Msg::ErrPlannedHoursInvalid));
        assert_eq!(Topic::new(&"ә".repeat(501), Hours::from_half_hours(4)), Err(Msg::ErrTooLong));
        assert_eq!(Topic::new("  Кіріспе \n сабақ ", Hours::from_half_hours(4)).unwrap().title(), "Кіріспе сабақ");
    }

    #[test]
    fn spring_2028_skips_holidays_and_keeps_the_leap_day() {
        // 20 Tuesdays from 10 January to 28 May 2028. The Nauryz week takes 21 March and
        // 9 May is a Tuesday; 8 March (Wednesday) and 1 May (Monday) take no lesson.
        let timetable = Timetable::new(vec![item(Weekday::Tue, 2, "2", None)]).unwrap();
        let holidays = [
            Holiday::day(date("2028-03-08")),
            Holiday::range(date("2028-03-20"), date("2028-03-26")).unwrap(),
            Holiday::day(date("2028-05-01")),
            Holiday::day(date("2028-05-09")),
            Holiday::day(date("2028-06-06")), // after the semester: no effect
        ];
        let fill = fill(semester("2028-01-10", "2028-05-28"), &timetable, &holidays, &[]);
        let days: Vec<String> = fill.lessons.iter().map(|l| l.date.to_string()).collect();
        assert_eq!(days.len(), 18, "{days:?}");
        assert_eq!((days[0].as_str(), days[17].as_str()), ("2028-01-11", "2028-05-23"));
        assert_eq!(&days[6..9], ["2028-02-22", "2028-02-29", "2028-03-07"]);
        assert_eq!(&days[9..12], ["2028-03-14", "2028-03-28", "2028-04-04"], "the Nauryz week has no lesson");
        assert_eq!(&days[14..17], ["2028-04-25", "2028-05-02", "2028-05-16"], "9 May has no lesson");
        assert!(fill.lessons.iter().all(|l| l.date.weekday() == Weekday::Tue && l.pair == 2));
        assert_eq!(fill.summary.lessons, 18);
        assert_eq!(fill.summary.timetable_hours, Hours::from_half_hours(72));
        assert_eq!(fill.summary.lessons_without_topic, 18);
        assert_eq!(fill.summary.balance(), PlanBalance::TimetableExceeds(Hours::from_half_hours(72)));
    }

    #[test]
    fn odd_and_even_weeks_are_calendar_weeks_from_the_start() {
        use Weekday::*;
        // The semester starts on Wednesday 1 March 2028: week 1 is 28 February - 5 March, so
        // Monday 6 March starts week 2 (even), although it is only 5 days after the start.
        let timetable = Timetable::new(vec![
            item(Mon, 1, "2", Some(Parity::Odd)),
            item(Mon, 1, "1", Some(Parity::Even)),
            item(Wed, 3, "2", None),
            item(Fri, 2, "2", Some(Parity::Odd)),
        ])
        .unwrap();
        let s = semester("2028-03-01", "2028-03-20");
        assert_eq!([s.week_of(date("2028-03-01")), s.week_of(date("2028-03-05")), s.week_of(date("2028-03-06"))], [1, 1, 2]);
        assert_eq!(s.parity_of(date("2028-03-13")), Parity::Odd);
        let fill = fill(s, &timetable, &[], &[]);
        assert_eq!(
            listing(&fill),
            [
                "2028-03-01 p3 2h -",
                "2028-03-03 p2 2h -",
                "2028-03-06 p1 1h -",
                "2028-03-08 p3 2h -",
                "2028-03-13 p1 2h -",
                "2028-03-15 p3 2h -",
                "2028-03-17 p2 2h -",
                "2028-03-20 p1 1h -",
            ]
        );
        assert_eq!(fill.summary.timetable_hours, Hours::from_half_hours(28));
    }

    #[test]
    fn parity_counts_across_a_holiday_week_and_new_year() {
        // Holidays do not stop the week count: week 2 (28 Dec - 3 Jan) is off, and Monday
        // 4 January 2027 is week 3, odd.
        let timetable = Timetable::new(vec![item(Weekday::Mon, 1, "2", Some(Parity::Odd))]).unwrap();
        let holidays = [Holiday::range(date("2026-12-28"), date("2027-01-03")).unwrap()];
        let fill = fill(semester("2026-12-21", "2027-01-17"), &timetable, &holidays, &[]);
        assert_eq!(listing(&fill), ["2026-12-21 p1 2h -", "2027-01-04 p1 2h -"]);
    }

    #[test]
    fn topics_span_lessons_until_their_hours_are_used() {
        // Mondays and Wednesdays, 2-hour pairs, 8 lessons from 10 January 2028 (16 hours).
        // Topics of 4, 3, 2, 0.5 and 2 hours (11.5): the 3-hour topic takes two whole lessons,
        // the half-hour topic one, and the last lesson is left without a topic.
        let timetable = Timetable::new(vec![item(Weekday::Mon, 1, "2", None), item(Weekday::Wed, 2, "2", None)]).unwrap();
        let fill = fill(semester("2028-01-10", "2028-02-06"), &timetable, &[], &topics(&["4", "3", "2", "0,5", "2"]));
        assert_eq!(
            listing(&fill),
            [
                "2028-01-10 p1 2h T0",
                "2028-01-12 p2 2h T0",
                "2028-01-17 p1 2h T1",
                "2028-01-19 p2 2h T1",
                "2028-01-24 p1 2h T2",
                "2028-01-26 p2 2h T3",
                "2028-01-31 p1 2h T4",
                "2028-02-02 p2 2h -",
            ]
        );
        let expected = FillSummary {
            lessons: 8,
            timetable_hours: Hours::from_half_hours(32),
            planned_hours: Hours::from_half_hours(23),
            lessons_without_topic: 1,
            topics_without_lesson: 0,
        };
        assert_eq!(fill.summary, expected);
        let balance = fill.summary.balance();
        assert_eq!(balance, PlanBalance::TimetableExceeds(Hours::from_half_hours(9)));
        assert_eq!(balance.text(Locale::Kk), "Кесте жоспардан 4,5 сағат артық береді");
        assert_eq!(balance.text(Locale::En), "The timetable gives 4.5 h more than the plan");
    }

    #[test]
    fn topics_left_over_when_the_timetable_runs_out() {
        // Two Tuesdays with a 2-hour and a half-hour pair: 5 hours. The plan asks for 10.5:
        // 2.5 + 2 + 4 + 2. The 4-hour topic starts on the last lesson; the 2-hour one gets none.
        let timetable = Timetable::new(vec![item(Weekday::Tue, 3, "0.5", None), item(Weekday::Tue, 1, "2", None)]).unwrap();
        let fill = fill(semester("2028-01-10", "2028-01-23"), &timetable, &[], &topics(&["2,5", "2", "4", "2"]));
        assert_eq!(listing(&fill), ["2028-01-11 p1 2h T0", "2028-01-11 p3 0.5h T0", "2028-01-18 p1 2h T1", "2028-01-18 p3 0.5h T2"]);
        assert_eq!((fill.summary.lessons_without_topic, fill.summary.topics_without_lesson), (0, 1));
        let balance = fill.summary.balance();
        assert_eq!(balance, PlanBalance::PlanExceeds(Hours::from_half_hours(11)));
        assert_eq!(balance.text(Locale::Ru), "В плане на 5,5 ч. больше, чем даёт расписание");
        assert_eq!(balance.text(Locale::En), "The plan has 5.5 h more than the timetable gives");
    }

    #[test]
    fn plan_that_fits_exactly() {
        let timetable = Timetable::new(vec![item(Weekday::Thu, 4, "2", None)]).unwrap();
        let fill = fill(semester("2028-01-10", "2028-01-23"), &timetable, &[], &topics(&["2", "2"]));
        assert_eq!(listing(&fill), ["2028-01-13 p4 2h T0", "2028-01-20 p4 2h T1"]);
        assert_eq!(fill.summary.balance(), PlanBalance::Matches);
        assert_eq!((fill.summary.lessons_without_topic, fill.summary.topics_without_lesson), (0, 0));
        assert_eq!(PlanBalance::Matches.text(Locale::Kk), Msg::PlanMatchesTimetable.text(Locale::Kk));
    }

    #[test]
    fn a_semester_inside_a_holiday_has_no_lessons() {
        let timetable = Timetable::new(vec![item(Weekday::Mon, 1, "2", None)]).unwrap();
        let holidays = [Holiday::range(date("2028-01-01"), date("2028-01-31")).unwrap()];
        let fill = fill(semester("2028-01-10", "2028-01-23"), &timetable, &holidays, &topics(&["2"]));
        assert!(fill.lessons.is_empty());
        assert_eq!((fill.summary.lessons, fill.summary.topics_without_lesson), (0, 1));
        assert_eq!(fill.summary.balance(), PlanBalance::PlanExceeds(Hours::from_half_hours(4)));
    }

    #[test]
    fn public_holidays_inside_a_spring_semester() {
        let spring = semester("2027-01-11", "2027-06-30");
        let listed: Vec<String> = public_holidays(spring).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            listed,
            ["2027-03-08", "2027-03-21", "2027-03-22", "2027-03-23", "2027-05-01", "2027-05-07", "2027-05-09"],
            "1, 2 and 7 January fall before the start; 6 July after the end"
        );
        let autumn = semester("2026-09-01", "2026-12-31");
        assert_eq!(public_holidays(autumn).len(), 2, "25 October and 16 December");
    }

    #[test]
    fn timetable_and_holidays_from_the_fill_form() {
        let tt = parse_timetable("1:1:2:all; 3:2:2:odd;3:2:0,5:even").unwrap();
        assert_eq!(tt.items().len(), 3);
        assert_eq!(tt.items()[0].week_parity, None);
        assert_eq!(parse_timetable("1:1:7:all"), Err(("timetable.0.hours".to_string(), Msg::ErrHoursInvalid)));
        assert_eq!(parse_timetable("1:1:2:all;2:9:2:all"), Err(("timetable.1.pair".to_string(), Msg::ErrPairNumber)));
        assert_eq!(parse_timetable("1:1:2:all;1:1:4:all"), Err(("timetable".to_string(), Msg::ErrTimetableDuplicate)));
        assert_eq!(parse_timetable(" "), Err(("timetable".to_string(), Msg::ErrTimetableEmpty)));
        let holidays = parse_holidays("2027-03-08\n2026-12-29..2027-01-10, 2027-05-01").unwrap();
        assert_eq!(holidays.len(), 3);
        assert!(holidays[1].contains(date("2027-01-01")));
        assert!(!holidays[1].contains(date("2027-01-11")));
        assert_eq!(parse_holidays("2027-01-10..2026-12-29"), Err(Msg::ErrHolidayOrder));
        assert_eq!(parse_holidays("8 March"), Err(Msg::ErrBadDate));
    }
}
