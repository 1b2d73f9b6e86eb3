//! Text output of dates, times and timestamps in each `DateStyle` (ISO, Postgres, SQL,
//! German, with the MDY/DMY field order), and numeric zone offsets as PostgreSQL prints them.
//!
//! Invariants: the functions are total (any stored value prints); years print with at least
//! four digits and ` BC` for years ≤ 0.

use super::calendar::{DAY_NAMES, MONTH_NAMES, Tm, date2j, j2day};
use super::interval::append_seconds;
use crate::env::{DateOrder, DateStyle, Env};

/// A year as printed: at least four digits, BC years counted from 1.
fn year_text(y: i64) -> String {
    let y = if y > 0 { y } else { 1 - y };
    format!("{y:04}")
}

/// `+05`, `-03:30`, `+05:21:10` (seconds east): also how PostgreSQL names a fixed-offset zone.
pub fn encode_tz(offset: i32) -> String {
    let sign = if offset >= 0 { '+' } else { '-' };
    let a = offset.unsigned_abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s != 0 {
        format!("{sign}{h:02}:{m:02}:{s:02}")
    } else if m != 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}")
    }
}

/// A date in the session's `DateStyle`.
pub fn encode_date(y: i64, m: i64, d: i64, env: &Env) -> String {
    let dmy = env.date_order == DateOrder::Dmy;
    let yt = year_text(y);
    let mut s = match env.date_style {
        DateStyle::Iso => format!("{yt}-{m:02}-{d:02}"),
        DateStyle::Sql if dmy => format!("{d:02}/{m:02}/{yt}"),
        DateStyle::Sql => format!("{m:02}/{d:02}/{yt}"),
        DateStyle::German => format!("{d:02}.{m:02}.{yt}"),
        DateStyle::Postgres if dmy => format!("{d:02}-{m:02}-{yt}"),
        DateStyle::Postgres => format!("{m:02}-{d:02}-{yt}"),
    };
    if y <= 0 {
        s.push_str(" BC");
    }
    s
}

/// A time of day: `hh:mm:ss[.ffffff]`.
pub fn encode_time(h: i64, m: i64, s: i64, us: i64) -> String {
    let mut out = format!("{h:02}:{m:02}:");
    append_seconds(&mut out, s, us, true);
    out
}

/// A timestamp's fields in the session's `DateStyle`; `tz` is the offset (seconds east) and
/// abbreviation for `timestamptz`.
pub fn encode_datetime(tm: &Tm, tz: Option<(i32, &str)>, env: &Env) -> String {
    let dmy = env.date_order == DateOrder::Dmy;
    let yt = year_text(tm.year);
    let (mo, d) = (tm.mon, tm.mday);
    let time = encode_time(tm.hour, tm.min, tm.sec, tm.usec);
    let mut s = match env.date_style {
        DateStyle::Iso => {
            let mut s = format!("{yt}-{mo:02}-{d:02} {time}");
            if let Some((off, _)) = tz {
                s.push_str(&encode_tz(off));
            }
            s
        }
        DateStyle::Sql | DateStyle::German => {
            let mut s = match env.date_style {
                DateStyle::German => format!("{d:02}.{mo:02}.{yt} {time}"),
                _ if dmy => format!("{d:02}/{mo:02}/{yt} {time}"),
                _ => format!("{mo:02}/{d:02}/{yt} {time}"),
            };
            if let Some((_, abbrev)) = tz {
                s.push(' ');
                s.push_str(abbrev);
            }
            s
        }
        DateStyle::Postgres => {
            let wday = j2day(date2j(tm.year, mo, d));
            let dayname = &DAY_NAMES[usize::try_from(wday).unwrap_or(0)][..3];
            let mon = MONTH_NAMES
                .get(usize::try_from(mo - 1).unwrap_or(0))
                .map_or("???", |n| &n[..3]);
            let mut s = if dmy {
                format!("{dayname} {d:02} {mon} {time} {yt}")
            } else {
                format!("{dayname} {mon} {d:02} {time} {yt}")
            };
            if let Some((_, abbrev)) = tz {
                s.push(' ');
                s.push_str(abbrev);
            }
            s
        }
    };
    if tm.year <= 0 {
        s.push_str(" BC");
    }
    s
}
