//! Dates and times as people in Kazakhstan read them. The country keeps one time zone,
//! UTC+5, since 1 March 2024, so no time-zone database is needed.

use crate::i18n::Msg;

pub const KZ_OFFSET_MS: i64 = 5 * 3_600_000;

/// Days since 1970-01-01 -> (year, month, day). Howard Hinnant's civil-from-days algorithm.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) -> days since 1970-01-01; the inverse of `civil_from_days`.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// "23.11.2026 14:05" in Kazakhstan time.
pub fn format_datetime(ms: i64) -> String {
    let local = ms + KZ_OFFSET_MS;
    let days = local.div_euclid(86_400_000);
    let secs = local.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = civil_from_days(days);
    format!("{d:02}.{m:02}.{y} {:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

/// "2026-11-23T14:05" (an `<input type=datetime-local>` value, Kazakhstan time) -> epoch ms.
pub fn parse_local_datetime(s: &str) -> Result<i64, Msg> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Msg::ErrRequired);
    }
    let (day, time) = s.split_once('T').ok_or(Msg::ErrBadDate)?;
    let start = parse_day_start(day)?.ok_or(Msg::ErrBadDate)?;
    let mut hm = time.split(':');
    let (Some(h), Some(m)) = (hm.next(), hm.next()) else { return Err(Msg::ErrBadDate) };
    let (Ok(h), Ok(m)) = (h.parse::<i64>(), m.parse::<i64>()) else { return Err(Msg::ErrBadDate) };
    if !(0..24).contains(&h) || !(0..60).contains(&m) {
        return Err(Msg::ErrBadDate);
    }
    Ok(start + (h * 60 + m) * 60_000)
}

/// Epoch ms -> "2026-11-23T14:05" in Kazakhstan time (a datetime-local input's value).
pub fn format_local_input(ms: i64) -> String {
    let local = ms + KZ_OFFSET_MS;
    let days = local.div_euclid(86_400_000);
    let secs = local.rem_euclid(86_400_000) / 1000;
    let (y, m, d) = civil_from_days(days);
    format!("{y}-{m:02}-{d:02}T{:02}:{:02}", secs / 3600, (secs % 3600) / 60)
}

/// "2026-11-23" (an `<input type=date>` value) -> start of that day in Kazakhstan, as epoch ms.
/// Empty input is no filter.
pub fn parse_day_start(s: &str) -> Result<Option<i64>, Msg> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let mut it = s.split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(Msg::ErrBadDate);
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return Err(Msg::ErrBadDate);
    };
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > 31 {
        return Err(Msg::ErrBadDate);
    }
    let days = days_from_civil(y, m, d);
    if civil_from_days(days) != (y, m, d) {
        return Err(Msg::ErrBadDate); // 31 February and the like
    }
    Ok(Some(days * 86_400_000 - KZ_OFFSET_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_kazakhstan_time() {
        assert_eq!(format_datetime(0), "01.01.1970 05:00");
        // 2026-11-23 09:00 UTC is 14:00 in Astana.
        assert_eq!(format_datetime(1_795_424_400_000), "23.11.2026 14:00");
        assert_eq!(parse_local_datetime("2026-11-23T14:00"), Ok(1_795_424_400_000));
        assert_eq!(format_local_input(1_795_424_400_000), "2026-11-23T14:00");
        assert!(parse_local_datetime("2026-11-23T25:00").is_err());
        assert!(parse_local_datetime("2026-11-23").is_err());
    }

    #[test]
    fn parses_dates_and_rejects_impossible_ones() {
        let start = parse_day_start("2026-11-23").unwrap().unwrap();
        assert_eq!(format_datetime(start), "23.11.2026 00:00");
        assert_eq!(parse_day_start(""), Ok(None));
        assert_eq!(parse_day_start("2026-02-31"), Err(Msg::ErrBadDate));
        assert_eq!(parse_day_start("23.11.2026"), Err(Msg::ErrBadDate));
        assert_eq!(parse_day_start("2024-02-29").map(|o| o.is_some()), Ok(true));
    }
}
