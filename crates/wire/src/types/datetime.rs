//! `date`, `timestamp` and `timestamptz` between PostgreSQL's ISO text and the binary forms
//! (int32 days / int64 microseconds since 2000-01-01, `±infinity` as the extreme values).
//!
//! minipg keeps these types as text in SQLite (`2026-11-25`, `2026-11-25 16:28:21.123456+00`);
//! timestamptz is always UTC. Parsing accepts the ISO forms PostgreSQL prints plus a `T`
//! separator and `Z`/`±hh[:mm]` offsets, which are folded into UTC.

use crate::error::{Result, WireError};

/// Days from 1970-01-01 to 2000-01-01.
const PG_EPOCH_DAYS: i64 = 10_957;
const USECS_PER_DAY: i64 = 86_400_000_000;

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of days since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn invalid(type_name: &str, text: &str) -> WireError {
    WireError::sql(
        "22007",
        format!("invalid input syntax for type {type_name}: \"{text}\""),
    )
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || s.len() > 9 {
        return None;
    }
    s.parse().ok()
}

/// Parses `YYYY-MM-DD` into days since 2000-01-01.
fn parse_date_part(s: &str) -> Option<i64> {
    let mut it = s.splitn(3, '-');
    let y = num(it.next()?)?;
    let m = u32::try_from(num(it.next()?)?).ok()?;
    let d = u32::try_from(num(it.next()?)?).ok()?;
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d == 0 || d > days_in_month {
        return None;
    }
    Some(days_from_civil(y, m, d) - PG_EPOCH_DAYS)
}

/// `date` text → days since 2000-01-01. A timestamp's date part is accepted too.
pub fn date_to_days(text: &str) -> Result<i32> {
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "infinity" => return Ok(i32::MAX),
        "-infinity" => return Ok(i32::MIN),
        _ => {}
    }
    let date = t.split([' ', 'T']).next().unwrap_or(t);
    parse_date_part(date)
        .and_then(|d| i32::try_from(d).ok())
        .ok_or_else(|| invalid("date", text))
}

/// Days since 2000-01-01 → `YYYY-MM-DD`.
pub fn days_to_date(days: i32) -> String {
    match days {
        i32::MAX => "infinity".into(),
        i32::MIN => "-infinity".into(),
        _ => {
            let (y, m, d) = civil_from_days(i64::from(days) + PG_EPOCH_DAYS);
            format!("{y:04}-{m:02}-{d:02}")
        }
    }
}

/// Parses `HH:MM[:SS[.ffffff]]` into microseconds.
fn parse_time(s: &str) -> Option<i64> {
    let (hms, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut it = hms.split(':');
    let h = num(it.next()?)?;
    let m = num(it.next()?)?;
    let sec = match it.next() {
        Some(x) => num(x)?,
        None => 0,
    };
    if it.next().is_some() || h > 24 || m > 59 || sec > 60 {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut micros = 0i64;
    for (i, b) in frac.bytes().take(6).enumerate() {
        micros += i64::from(b - b'0') * 10i64.pow(5 - i as u32);
    }
    Some(((h * 60 + m) * 60 + sec) * 1_000_000 + micros)
}

/// Parses a `±hh[:mm]`, `±hhmm` or `Z` offset into seconds east of UTC.
fn parse_offset(s: &str) -> Option<i64> {
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return Some(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (num(h)?, num(m)?),
        None if rest.len() == 4 => (num(&rest[..2])?, num(&rest[2..])?),
        None => (num(rest)?, 0),
    };
    if h > 15 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60))
}

/// `timestamp`/`timestamptz` text → microseconds since 2000-01-01 (UTC for timestamptz).
pub fn timestamp_to_micros(text: &str, with_tz: bool) -> Result<i64> {
    let type_name = if with_tz {
        "timestamp with time zone"
    } else {
        "timestamp without time zone"
    };
    let t = text.trim();
    match t.to_ascii_lowercase().as_str() {
        "infinity" => return Ok(i64::MAX),
        "-infinity" => return Ok(i64::MIN),
        _ => {}
    }
    let err = || invalid(type_name, text);
    let (date, rest) = match t.find([' ', 'T']) {
        Some(i) => (&t[..i], t[i + 1..].trim()),
        None => (t, ""),
    };
    let days = parse_date_part(date).ok_or_else(err)?;
    let (time, offset) = match rest.find(['+', '-', 'Z', 'z']) {
        Some(i) => (rest[..i].trim(), Some(rest[i..].trim())),
        None => match rest.split_once(' ') {
            Some((time, zone)) => (time, Some(zone.trim())),
            None => (rest, None),
        },
    };
    let micros = if time.is_empty() {
        0
    } else {
        parse_time(time).ok_or_else(err)?
    };
    let offset_secs = match offset {
        Some(o) => parse_offset(o).ok_or_else(err)?,
        None => 0,
    };
    let total = days
        .checked_mul(USECS_PER_DAY)
        .and_then(|v| v.checked_add(micros))
        .and_then(|v| v.checked_sub(if with_tz { offset_secs * 1_000_000 } else { 0 }))
        .ok_or_else(|| WireError::sql("22008", "timestamp out of range"))?;
    Ok(total)
}

/// Microseconds since 2000-01-01 → PostgreSQL's ISO text (`+00` appended for timestamptz).
pub fn micros_to_timestamp(micros: i64, with_tz: bool) -> String {
    match micros {
        i64::MAX => return "infinity".into(),
        i64::MIN => return "-infinity".into(),
        _ => {}
    }
    let days = micros.div_euclid(USECS_PER_DAY);
    let in_day = micros.rem_euclid(USECS_PER_DAY);
    let (y, m, d) = civil_from_days(days + PG_EPOCH_DAYS);
    let secs = in_day / 1_000_000;
    let frac = in_day % 1_000_000;
    let mut out = format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    );
    if frac != 0 {
        let f = format!("{frac:06}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    if with_tz {
        out.push_str("+00");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_roundtrip() {
        assert_eq!(date_to_days("2000-01-01").unwrap(), 0);
        assert_eq!(date_to_days("1999-12-31").unwrap(), -1);
        assert_eq!(date_to_days("2024-02-29").unwrap(), 8825);
        for d in [-700_000, -1, 0, 1, 8825, 3_000_000] {
            assert_eq!(date_to_days(&days_to_date(d)).unwrap(), d);
        }
        assert_eq!(days_to_date(i32::MAX), "infinity");
        assert_eq!(date_to_days("-infinity").unwrap(), i32::MIN);
        for bad in [
            "",
            "2023-02-29",
            "2024-13-01",
            "x",
            "2024-1",
            "2024-01-01-01",
        ] {
            assert!(date_to_days(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_roundtrip() {
        assert_eq!(
            timestamp_to_micros("2000-01-01 00:00:01", false).unwrap(),
            1_000_000
        );
        assert_eq!(
            timestamp_to_micros("2000-01-01T00:00:00.5", false).unwrap(),
            500_000
        );
        let t = "2026-11-25 16:28:21.123456+00";
        let us = timestamp_to_micros(t, true).unwrap();
        assert_eq!(micros_to_timestamp(us, true), t);
        assert_eq!(
            timestamp_to_micros("2026-11-25 18:28:21.123456+02:00", true).unwrap(),
            us
        );
        assert_eq!(
            timestamp_to_micros("2026-11-25T16:28:21.123456Z", true).unwrap(),
            us
        );
        assert_eq!(micros_to_timestamp(-1, false), "1999-12-31 23:59:59.999999");
        assert_eq!(micros_to_timestamp(0, false), "2000-01-01 00:00:00");
        for bad in [
            "2026-11-25 25:00",
            "2026-11-25 10:00:00+99",
            "nope",
            "2026-11-25 1x:00",
        ] {
            assert!(timestamp_to_micros(bad, true).is_err(), "{bad}");
        }
    }
}
