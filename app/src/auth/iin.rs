//! The IIN (ИИН, жеке сәйкестендіру нөмірі): the 12-digit personal number every resident of
//! Kazakhstan has. Digits 1-6 are the birth date (YYMMDD), digit 7 the century and sex, 8-11 a
//! registration number, 12 a check digit. Part of a person's identity (`users.iin`), so it lives
//! here, below every domain that reads one (olympiad, admission, student records, consent).
//! Compiled for the browser too, so a form can say what is wrong before anything is sent; the
//! server parses again.

use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// Why a typed IIN was refused. Each kind has its own message: "12 digits are needed" helps a
/// person who typed 11, "check the number" one who swapped two digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IinError {
    Empty,
    /// Something other than digits (spaces around are forgiven).
    NotDigits,
    /// Digits, but not twelve.
    Length,
    /// The check digit does not match (a typo), or the number has no valid check digit at all.
    Checksum,
    /// The checksum holds but the birth date it encodes does not exist (31 April, a 7th digit
    /// outside 1-6).
    Date,
}

impl IinError {
    pub fn msg(self) -> Msg {
        match self {
            IinError::Empty => Msg::ErrRequired,
            IinError::NotDigits => Msg::ErrIinDigits,
            IinError::Length => Msg::ErrIinLength,
            IinError::Checksum => Msg::ErrIinChecksum,
            IinError::Date => Msg::ErrIinDate,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Sex {
    Male,
    Female,
}

/// A birth date as the IIN encodes it (no calendar crate is needed for this much).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BirthDate {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// A valid IIN. The only way to get one is [`Iin::parse`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Iin(String);

/// Weights of the first pass of the checksum, and of the second pass used when the first
/// remainder is 10 (the official algorithm of the IIN standard).
const FIRST_WEIGHTS: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const SECOND_WEIGHTS: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// The check digit of the first eleven digits, or None when both passes give remainder 10:
/// such numbers are never issued.
pub fn check_digit(first_eleven: &[u8; 11]) -> Option<u8> {
    let remainder = |weights: &[u32; 11]| first_eleven.iter().zip(weights).map(|(&d, &w)| u32::from(d) * w).sum::<u32>() % 11;
    let first = remainder(&FIRST_WEIGHTS);
    let r = if first == 10 { remainder(&SECOND_WEIGHTS) } else { first };
    (r != 10).then_some(r as u8)
}

fn is_leap(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Iin {
    /// Checks, in order: digits only, twelve of them, the check digit, then the birth date.
    /// The checksum comes before the date because a mistyped digit anywhere (the date part
    /// included) is the common case, and "check the number" is the right advice for it.
    pub fn parse(raw: &str) -> Result<Iin, IinError> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(IinError::Empty);
        }
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(IinError::NotDigits);
        }
        if s.len() != 12 {
            return Err(IinError::Length);
        }
        let digits: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
        let mut first_eleven = [0u8; 11];
        first_eleven.copy_from_slice(&digits[..11]);
        if check_digit(&first_eleven) != Some(digits[11]) {
            return Err(IinError::Checksum);
        }
        let iin = Iin(s.to_string());
        iin.decode().ok_or(IinError::Date)?;
        Ok(iin)
    }

    /// For a form field: the error as its message.
    pub fn parse_field(raw: &str) -> Result<Iin, Msg> {
        Iin::parse(raw).map_err(IinError::msg)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date and sex: YYMMDD, the 7th digit giving the century (1-2: 1800s, 3-4:
    /// 1900s, 5-6: 2000s) and the sex (odd male, even female).
    fn decode(&self) -> Option<(BirthDate, Sex)> {
        let d: Vec<u16> = self.0.bytes().map(|b| u16::from(b - b'0')).collect();
        let century = match d[6] {
            1 | 2 => 1800,
            3 | 4 => 1900,
            5 | 6 => 2000,
            _ => return None,
        };
        let sex = if d[6] % 2 == 1 { Sex::Male } else { Sex::Female };
        let year = century + d[0] * 10 + d[1];
        let month = (d[2] * 10 + d[3]) as u8;
        let day = (d[4] * 10 + d[5]) as u8;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some((BirthDate { year, month, day }, sex))
    }

    pub fn birth_date(&self) -> BirthDate {
        // parse() refused every IIN whose date does not decode.
        self.decode().map(|(date, _)| date).unwrap_or(BirthDate { year: 1900, month: 1, day: 1 })
    }

    pub fn sex(&self) -> Sex {
        self.decode().map(|(_, sex)| sex).unwrap_or(Sex::Male)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends the check digit the algorithm gives, so tests can build valid numbers for any
    /// date; None when no check digit exists.
    fn with_check_digit(first_eleven: &str) -> Option<String> {
        let mut d = [0u8; 11];
        for (slot, b) in d.iter_mut().zip(first_eleven.bytes()) {
            *slot = b - b'0';
        }
        check_digit(&d).map(|c| format!("{first_eleven}{c}"))
    }

    #[test]
    fn known_good_numbers_verified_by_hand() {
        // 9·1 + 1·4 + 1·6 + 3·7 + 1·11 = 51 = 4·11 + 7: check digit 7. A man born 1 January 1990.
        let man = Iin::parse("900101300017").unwrap();
        assert_eq!(man.birth_date(), BirthDate { year: 1990, month: 1, day: 1 });
        assert_eq!(man.sex(), Sex::Male);
        // First pass: 6·2 + 3·4 + 1·5 + 5·6 + 6·7 + 3·10 = 131 = 11·11 + 10, so the second pass:
        // 6·4 + 3·6 + 1·7 + 5·8 + 6·9 + 3·1 = 146 = 13·11 + 3: check digit 3. A girl born
        // 15 March 2006.
        let girl = Iin::parse("060315600303").unwrap();
        assert_eq!(girl.birth_date(), BirthDate { year: 2006, month: 3, day: 15 });
        assert_eq!(girl.sex(), Sex::Female);
        // 29 February 2000 exists (2000 is a leap year); 7th digit 5: a boy of the 2000s.
        let leap = Iin::parse("000229500058").unwrap();
        assert_eq!(leap.birth_date(), BirthDate { year: 2000, month: 2, day: 29 });
        assert_eq!(leap.sex(), Sex::Male);
        // Spaces around are what a paste brings; they are dropped.
        assert_eq!(Iin::parse(" 900101300017 ").unwrap().as_str(), "900101300017");
    }

    #[test]
    fn every_wrong_check_digit_is_refused() {
        for good in ["900101300017", "060315600303", "000229500058"] {
            let (body, last) = good.split_at(11);
            for d in 0..10u8 {
                let candidate = format!("{body}{d}");
                let expected = if d.to_string() == last { Ok(()) } else { Err(IinError::Checksum) };
                assert_eq!(Iin::parse(&candidate).map(|_| ()), expected, "{candidate}");
            }
        }
    }

    #[test]
    fn swapped_neighbours_are_caught() {
        // Swapping two different neighbouring digits changes the weighted sum by their
        // difference (weights differ by 1), which is never a multiple of 11.
        let good = "900101300017";
        let mut bytes = good.as_bytes().to_vec();
        bytes.swap(0, 1);
        assert_eq!(Iin::parse(std::str::from_utf8(&bytes).unwrap()), Err(IinError::Checksum));
    }

    #[test]
    fn numbers_without_any_check_digit_are_refused() {
        // Find eleven digits for which both passes give 10: whatever the 12th digit, refused.
        let body = (0..100_000u32).map(|k| format!("0603156{k:04}")).find(|b| with_check_digit(b).is_none()).expect("such numbers exist");
        for d in 0..10 {
            assert_eq!(Iin::parse(&format!("{body}{d}")), Err(IinError::Checksum), "{body}{d}");
        }
    }

    #[test]
    fn dates_that_do_not_exist_are_refused_even_with_a_good_checksum() {
        for (prefix, why) in [
            ("9902293", "1999 is not a leap year"),
            ("0002293", "1900 is not a leap year (century 3 = 1900s)"),
            ("9004313", "April has 30 days"),
            ("9013013", "there is no 13th month"),
            ("9000013", "there is no month 0"),
            ("9001003", "there is no day 0"),
            ("9001010", "7th digit 0 names no century"),
            ("9001017", "7th digit 7 names no century"),
        ] {
            // Any registration number for which a check digit exists will do.
            let iin = (0..10_000u32).find_map(|k| with_check_digit(&format!("{prefix}{k:04}"))).unwrap();
            assert_eq!(Iin::parse(&iin), Err(IinError::Date), "{iin}: {why}");
        }
    }

    #[test]
    fn centuries_and_sexes_from_the_seventh_digit() {
        for (seventh, year, sex) in [
            (1, 1850, Sex::Male),
            (2, 1850, Sex::Female),
            (3, 1950, Sex::Male),
            (4, 1950, Sex::Female),
            (5, 2050, Sex::Male),
            (6, 2050, Sex::Female),
        ] {
            let iin = (0..10_000u32).find_map(|k| with_check_digit(&format!("500612{seventh}{k:04}"))).unwrap();
            let parsed = Iin::parse(&iin).unwrap();
            assert_eq!(parsed.birth_date(), BirthDate { year, month: 6, day: 12 }, "{iin}");
            assert_eq!(parsed.sex(), sex, "{iin}");
        }
    }

    #[test]
    fn shape_errors_come_before_the_checksum() {
        assert_eq!(Iin::parse(""), Err(IinError::Empty));
        assert_eq!(Iin::parse("   "), Err(IinError::Empty));
        assert_eq!(Iin::parse("90010130001"), Err(IinError::Length));
        assert_eq!(Iin::parse("9001013000170"), Err(IinError::Length));
        assert_eq!(Iin::parse("9001013000l7"), Err(IinError::NotDigits));
        assert_eq!(Iin::parse("900101 300017"), Err(IinError::NotDigits));
        assert_eq!(Iin::parse("９００１０１３０００１７"), Err(IinError::NotDigits), "full-width digits are not ASCII digits");
        assert_eq!(Iin::parse_field("123"), Err(Msg::ErrIinLength));
        assert_eq!(Iin::parse_field("900101300018"), Err(Msg::ErrIinChecksum));
    }
}
