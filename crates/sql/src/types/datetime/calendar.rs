//! Calendar arithmetic: Julian day numbers, broken-down times ([`Tm`]), ISO weeks, and the
//! valid ranges of date and timestamp values (PostgreSQL's limits: dates 4713 BC to
//! 5874897 AD, timestamps 4713 BC to 294276 AD).
//!
//! Invariants: years are astronomical (0 is 1 BC, -1 is 2 BC); dates are days since
//! 2000-01-01; timestamps are microseconds since 2000-01-01 00:00; nothing overflows for any
//! `i64` input (conversions of out-of-range values return `None`).

pub const USECS_PER_SEC: i64 = 1_000_000;
pub const USECS_PER_MINUTE: i64 = 60 * USECS_PER_SEC;
pub const USECS_PER_HOUR: i64 = 60 * USECS_PER_MINUTE;
pub const USECS_PER_DAY: i64 = 24 * USECS_PER_HOUR;
pub const SECS_PER_DAY: i64 = 86_400;

/// Julian day of 2000-01-01 and of 1970-01-01.
pub const POSTGRES_EPOCH_JDATE: i64 = 2_451_545;
pub const UNIX_EPOCH_JDATE: i64 = 2_440_588;

/// `-infinity` and `infinity` dates (stored values).
pub const DATE_NOBEGIN: i64 = i32::MIN as i64;
pub const DATE_NOEND: i64 = i32::MAX as i64;
/// `-infinity` and `infinity` timestamps.
pub const DT_NOBEGIN: i64 = i64::MIN;
pub const DT_NOEND: i64 = i64::MAX;

/// First valid date (4714-11-24 BC) and one past the last (5874898-01-01), as days since 2000.
pub const MIN_DATE: i64 = -POSTGRES_EPOCH_JDATE;
pub const END_DATE: i64 = 2_147_483_494 - POSTGRES_EPOCH_JDATE;
/// First valid timestamp and one past the last (294277-01-01).
pub const MIN_TIMESTAMP: i64 = -211_813_488_000_000_000;
pub const END_TIMESTAMP: i64 = 9_223_371_331_200_000_000;

pub const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
pub const DAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// A broken-down date and time; also an interval's fields ([`Itm`](super::interval::Itm)), where
/// each is a signed count and the ranges below do not hold.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tm {
    /// Astronomical year (0 = 1 BC).
    pub year: i64,
    /// 1..=12.
    pub mon: i64,
    /// 1..=31.
    pub mday: i64,
    pub hour: i64,
    pub min: i64,
    pub sec: i64,
    /// Microseconds within the second.
    pub usec: i64,
}

pub fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

pub fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Julian day number of a (proleptic Gregorian, astronomical-year) date.
pub fn date2j(y: i64, m: i64, d: i64) -> i64 {
    let y = y.clamp(-10_000_000, 10_000_000);
    let yy = if m <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (m + 9).rem_euclid(12);
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468 + UNIX_EPOCH_JDATE
}

/// The date of a Julian day number: (year, month, day).
pub fn j2date(jd: i64) -> (i64, i64, i64) {
    let z = jd.clamp(-4_000_000_000, 4_000_000_000) - UNIX_EPOCH_JDATE + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Day of week of a Julian day: 0 = Sunday … 6 = Saturday.
pub fn j2day(jd: i64) -> i64 {
    (jd + 1).rem_euclid(7)
}

/// PostgreSQL's `IS_VALID_JULIAN`: the date is within the Julian-day range dates can use.
pub fn valid_julian(y: i64, m: i64) -> bool {
    (y > -4713 || (y == -4713 && m >= 11)) && (y < 5_874_898 || (y == 5_874_898 && m < 6))
}

pub fn valid_date(days: i64) -> bool {
    (MIN_DATE..END_DATE).contains(&days)
}

pub fn valid_timestamp(t: i64) -> bool {
    (MIN_TIMESTAMP..END_TIMESTAMP).contains(&t)
}

/// Days since 2000-01-01 of a date.
pub fn days_of(y: i64, m: i64, d: i64) -> i64 {
    date2j(y, m, d) - POSTGRES_EPOCH_JDATE
}

/// The date of a day count since 2000-01-01.
pub fn date_of(days: i64) -> (i64, i64, i64) {
    j2date(days.saturating_add(POSTGRES_EPOCH_JDATE))
}

/// Breaks a (finite) timestamp down.
pub fn timestamp2tm(t: i64) -> Tm {
    let days = t.div_euclid(USECS_PER_DAY);
    let time = t.rem_euclid(USECS_PER_DAY);
    let (year, mon, mday) = date_of(days);
    let (hour, min, sec, usec) = time2hms(time);
    Tm {
        year,
        mon,
        mday,
        hour,
        min,
        sec,
        usec,
    }
}

/// Microseconds since midnight → (hour, minute, second, microsecond).
pub fn time2hms(time: i64) -> (i64, i64, i64, i64) {
    (
        time / USECS_PER_HOUR,
        time / USECS_PER_MINUTE % 60,
        time / USECS_PER_SEC % 60,
        time % USECS_PER_SEC,
    )
}

/// The timestamp of broken-down fields; `None` outside the timestamp range.
pub fn tm2timestamp(tm: &Tm) -> Option<i64> {
    if !valid_julian(tm.year, tm.mon) {
        return None;
    }
    let days = days_of(tm.year, tm.mon, tm.mday);
    let time = tm
        .hour
        .checked_mul(USECS_PER_HOUR)?
        .checked_add(tm.min.checked_mul(USECS_PER_MINUTE)?)?
        .checked_add(tm.sec.checked_mul(USECS_PER_SEC)?)?
        .checked_add(tm.usec)?;
    let t = days.checked_mul(USECS_PER_DAY)?.checked_add(time)?;
    valid_timestamp(t).then_some(t)
}

/// Microseconds since midnight of h:m:s.us (no range check).
pub fn hms2time(h: i64, m: i64, s: i64, us: i64) -> i64 {
    ((h * 60 + m) * 60 + s) * USECS_PER_SEC + us
}

/// Julian day of the Monday of ISO week 1 of `year`.
fn iso_week1_monday(year: i64) -> i64 {
    let day4 = date2j(year, 1, 4);
    // j2day(day4 - 1): 0 = Monday … 6 = Sunday.
    day4 - j2day(day4 - 1)
}

/// ISO 8601 (year, week) of a date.
pub fn iso_year_week(y: i64, m: i64, d: i64) -> (i64, i64) {
    let jd = date2j(y, m, d);
    let mut year = y;
    let mut start = iso_week1_monday(year);
    if jd < start {
        year -= 1;
        start = iso_week1_monday(year);
    } else {
        let next = iso_week1_monday(year + 1);
        if jd >= next {
            year += 1;
            start = next;
        }
    }
    (year, (jd - start).div_euclid(7) + 1)
}

/// Julian day of ISO year `year`, week `week`, ISO weekday `wday` (1 = Monday … 7 = Sunday).
pub fn iso_week_date_to_j(year: i64, week: i64, wday: i64) -> i64 {
    iso_week1_monday(year) + (week - 1) * 7 + (wday - 1)
}

/// Day of the ISO year (1..=371).
pub fn iso_day_of_year(y: i64, m: i64, d: i64) -> i64 {
    let (iy, _) = iso_year_week(y, m, d);
    date2j(y, m, d) - iso_week1_monday(iy) + 1
}

/// Day of year (1..=366).
pub fn day_of_year(y: i64, m: i64, d: i64) -> i64 {
    date2j(y, m, d) - date2j(y, 1, 1) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn julian_days_round_trip() {
        assert_eq!(date2j(2000, 1, 1), POSTGRES_EPOCH_JDATE);
        assert_eq!(date2j(1970, 1, 1), UNIX_EPOCH_JDATE);
        assert_eq!(date2j(-4713, 11, 24), 0);
        assert_eq!(date2j(5_874_898, 1, 1), 2_147_483_494);
        for jd in [0, 1, 1_721_426, 2_451_545, 2_460_000, 2_147_483_493] {
            let (y, m, d) = j2date(jd);
            assert_eq!(date2j(y, m, d), jd);
        }
        assert_eq!(j2day(date2j(2024, 1, 31)), 3); // a Wednesday
    }

    #[test]
    fn iso_weeks() {
        assert_eq!(iso_year_week(2024, 1, 1), (2024, 1));
        assert_eq!(iso_year_week(2021, 1, 1), (2020, 53));
        assert_eq!(iso_year_week(2024, 12, 30), (2025, 1));
        let j = iso_week_date_to_j(2020, 53, 5);
        assert_eq!(j2date(j), (2021, 1, 1));
    }

    #[test]
    fn timestamps_break_down() {
        let t = tm2timestamp(&Tm {
            year: 1999,
            mon: 12,
            mday: 31,
            hour: 23,
            min: 59,
            sec: 59,
            usec: 500_000,
        })
        .unwrap();
        assert_eq!(t, -500_000);
        assert_eq!(timestamp2tm(t).usec, 500_000);
        assert_eq!(timestamp2tm(t).year, 1999);
        assert!(
            tm2timestamp(&Tm {
                year: 294_277,
                mon: 1,
                mday: 1,
                ..Tm::default()
            })
            .is_none()
        );
    }
}
