//! PostgreSQL's date/time input parser: the string is split into typed fields (numbers,
//! dates, times, words, signed zones), then the fields are interpreted in context — ISO 8601,
//! `January 31, 2024`, `31 Jan 2024`, `1/31/2024` in the session's field order, Julian days,
//! `T` separators, BC years, AM/PM, zone offsets, abbreviations and names, and the special
//! words (`epoch`, `infinity`, `now`, `today`, `allballs`…). The rules follow PostgreSQL 15's
//! `datetime.c` behaviour (written anew here).
//!
//! Invariants: the parser never panics and its work is linear in the input (which is bounded
//! by the field buffer size PostgreSQL uses); every failure is one of [`DtErr`], turned into
//! PostgreSQL's exact message by [`DtErr::into_error`].

use super::abbrevs::{self, Abbrev};
use super::calendar::{
    Tm, USECS_PER_DAY, USECS_PER_SEC, date2j, days_in_month, hms2time, j2date, time2hms,
    timestamp2tm, valid_julian,
};
use crate::env::{DateOrder, Env};
use crate::error::{SqlError, sqlstate};
use crate::types::tz::TimeZone;

/// Size of PostgreSQL's field buffer for date/time input (MAXDATELEN + MAXDATEFIELDS).
pub const DATE_BUFLEN: usize = 128 + 25;
/// Size of its field buffer for interval input.
pub const INTERVAL_BUFLEN: usize = 256;
const MAXDATEFIELDS: usize = 25;

/// A parse failure, as PostgreSQL's `DTERR_*` codes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DtErr {
    BadFormat,
    FieldOverflow,
    /// Field overflow that a different `DateStyle` might have avoided (adds a hint).
    MdFieldOverflow,
    IntervalOverflow,
    TzDispOverflow,
    /// An unknown zone name (lower-cased as PostgreSQL reports it).
    BadTimezone(String),
}

impl DtErr {
    /// PostgreSQL's error for this failure on input `s` of type `type_name`.
    pub fn into_error(self, s: &str, type_name: &str) -> SqlError {
        match self {
            DtErr::BadFormat => SqlError::new(
                sqlstate::INVALID_DATETIME_FORMAT,
                format!("invalid input syntax for type {type_name}: \"{s}\""),
            ),
            DtErr::FieldOverflow => SqlError::new(
                sqlstate::DATETIME_FIELD_OVERFLOW,
                format!("date/time field value out of range: \"{s}\""),
            ),
            DtErr::MdFieldOverflow => SqlError::new(
                sqlstate::DATETIME_FIELD_OVERFLOW,
                format!("date/time field value out of range: \"{s}\""),
            )
            .with_hint("Perhaps you need a different \"datestyle\" setting."),
            DtErr::IntervalOverflow => SqlError::new(
                sqlstate::INTERVAL_FIELD_OVERFLOW,
                format!("interval field value out of range: \"{s}\""),
            ),
            DtErr::TzDispOverflow => SqlError::new(
                sqlstate::INVALID_TIME_ZONE_DISPLACEMENT_VALUE,
                format!("time zone displacement out of range: \"{s}\""),
            ),
            DtErr::BadTimezone(z) => SqlError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                format!("time zone \"{z}\" not recognized"),
            ),
        }
    }
}

pub type DtResult<T> = Result<T, DtErr>;

/// The kind of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ft {
    /// Digits, possibly with a decimal point.
    Number,
    /// Digits with date separators, or a word with embedded punctuation (zone names).
    Date,
    /// Digits with colons.
    Time,
    /// A word.
    Str,
    /// A signed word (`-infinity`).
    Special,
    /// A sign followed by digits (`+05:30`, also signed numbers in intervals).
    Tz,
}

/// One field of the input, lower-cased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub ft: Ft,
    pub s: String,
}

/// Splits date/time input into fields (PostgreSQL's `ParseDateTime`). `buflen` bounds the
/// total size of the fields as PostgreSQL's work buffer does.
pub fn tokenize(input: &str, buflen: usize) -> DtResult<Vec<Field>> {
    let b = input.as_bytes();
    let mut i = 0;
    let mut fields: Vec<Field> = Vec::new();
    let mut used = 0usize;
    while i < b.len() {
        let c = b[i];
        if is_space(c) {
            i += 1;
            continue;
        }
        if fields.len() >= MAXDATEFIELDS {
            return Err(DtErr::BadFormat);
        }
        let mut f = String::new();
        let mut push = |f: &mut String, ch: u8| -> DtResult<()> {
            if used + 1 >= buflen {
                return Err(DtErr::BadFormat);
            }
            used += 1;
            f.push(char::from(ch.to_ascii_lowercase()));
            Ok(())
        };
        let ft;
        if c.is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                push(&mut f, b[i])?;
                i += 1;
            }
            let next = b.get(i).copied();
            if next == Some(b':') {
                ft = Ft::Time;
                push(&mut f, b':')?;
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b':' || b[i] == b'.') {
                    push(&mut f, b[i])?;
                    i += 1;
                }
            } else if let Some(delim @ (b'-' | b'/' | b'.')) = next {
                push(&mut f, delim)?;
                i += 1;
                if b.get(i).is_some_and(u8::is_ascii_digit) {
                    let mut t = if delim == b'.' { Ft::Number } else { Ft::Date };
                    while i < b.len() && b[i].is_ascii_digit() {
                        push(&mut f, b[i])?;
                        i += 1;
                    }
                    if b.get(i) == Some(&delim) {
                        t = Ft::Date;
                        push(&mut f, delim)?;
                        i += 1;
                        while i < b.len() && (b[i].is_ascii_digit() || b[i] == delim) {
                            push(&mut f, b[i])?;
                            i += 1;
                        }
                    }
                    ft = t;
                } else {
                    ft = Ft::Date;
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == delim) {
                        push(&mut f, b[i])?;
                        i += 1;
                    }
                }
            } else {
                ft = Ft::Number;
            }
        } else if c == b'.' {
            push(&mut f, c)?;
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                push(&mut f, b[i])?;
                i += 1;
            }
            ft = Ft::Number;
        } else if c.is_ascii_alphabetic() {
            let mut t = Ft::Str;
            while i < b.len() && b[i].is_ascii_alphabetic() {
                push(&mut f, b[i])?;
                i += 1;
            }
            let next = b.get(i).copied();
            let is_date = match next {
                Some(b'-' | b'/' | b'.') => true,
                Some(n) if n == b'+' || n.is_ascii_digit() => keyword(&f).is_none(),
                _ => false,
            };
            if is_date {
                t = Ft::Date;
                loop {
                    push(&mut f, b[i])?;
                    i += 1;
                    match b.get(i) {
                        Some(&n)
                            if n.is_ascii_alphanumeric()
                                || matches!(n, b'+' | b'-' | b'/' | b'_' | b'.' | b':') => {}
                        _ => break,
                    }
                }
            }
            ft = t;
        } else if c == b'+' || c == b'-' {
            push(&mut f, c)?;
            i += 1;
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            match b.get(i) {
                Some(d) if d.is_ascii_digit() => {
                    ft = Ft::Tz;
                    while i < b.len()
                        && (b[i].is_ascii_digit() || matches!(b[i], b':' | b'.' | b'-'))
                    {
                        push(&mut f, b[i])?;
                        i += 1;
                    }
                }
                Some(a) if a.is_ascii_alphabetic() => {
                    ft = Ft::Special;
                    while i < b.len() && b[i].is_ascii_alphabetic() {
                        push(&mut f, b[i])?;
                        i += 1;
                    }
                }
                _ => return Err(DtErr::BadFormat),
            }
        } else if c.is_ascii_punctuation() {
            i += 1;
            continue;
        } else {
            return Err(DtErr::BadFormat);
        }
        used += 1;
        fields.push(Field { ft, s: f });
    }
    Ok(fields)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

// ---------------------------------------------------------------------------------------------
// Keyword tables

/// Special values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reserved {
    Now,
    Today,
    Tomorrow,
    Yesterday,
    Epoch,
    Late,
    Early,
    Zulu,
}

/// Units, for intervals and labelled fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Microsecond,
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
    Millennium,
    Julian,
    Dow,
    Doy,
    IsoDow,
    IsoYear,
    Tz,
    TzHour,
    TzMinute,
    /// The `t` separator of ISO 8601 (in a unit position: the next field is a time).
    Time,
}

/// What a word means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Reserved(Reserved),
    Month(i64),
    Dow(i64),
    /// `true` for PM.
    AmPm(bool),
    /// `true` for BC.
    AdBc(bool),
    Units(Unit),
    IsoTime,
    Ignore,
    /// `dst`: seconds to add to the zone offset.
    DstMod(i32),
    /// `ago`.
    Ago,
}

const DATE_TOKENS: &[(&str, Tok)] = &[
    ("-infinity", Tok::Reserved(Reserved::Early)),
    ("ad", Tok::AdBc(false)),
    ("allballs", Tok::Reserved(Reserved::Zulu)),
    ("am", Tok::AmPm(false)),
    ("apr", Tok::Month(4)),
    ("april", Tok::Month(4)),
    ("at", Tok::Ignore),
    ("aug", Tok::Month(8)),
    ("august", Tok::Month(8)),
    ("bc", Tok::AdBc(true)),
    ("d", Tok::Units(Unit::Day)),
    ("dec", Tok::Month(12)),
    ("december", Tok::Month(12)),
    ("dow", Tok::Units(Unit::Dow)),
    ("doy", Tok::Units(Unit::Doy)),
    ("dst", Tok::DstMod(3600)),
    ("epoch", Tok::Reserved(Reserved::Epoch)),
    ("feb", Tok::Month(2)),
    ("february", Tok::Month(2)),
    ("fri", Tok::Dow(5)),
    ("friday", Tok::Dow(5)),
    ("h", Tok::Units(Unit::Hour)),
    ("infinity", Tok::Reserved(Reserved::Late)),
    ("isodow", Tok::Units(Unit::IsoDow)),
    ("isoyear", Tok::Units(Unit::IsoYear)),
    ("j", Tok::Units(Unit::Julian)),
    ("jan", Tok::Month(1)),
    ("january", Tok::Month(1)),
    ("jd", Tok::Units(Unit::Julian)),
    ("jul", Tok::Month(7)),
    ("julian", Tok::Units(Unit::Julian)),
    ("july", Tok::Month(7)),
    ("jun", Tok::Month(6)),
    ("june", Tok::Month(6)),
    ("m", Tok::Units(Unit::Month)),
    ("mar", Tok::Month(3)),
    ("march", Tok::Month(3)),
    ("may", Tok::Month(5)),
    ("mm", Tok::Units(Unit::Minute)),
    ("mon", Tok::Dow(1)),
    ("monday", Tok::Dow(1)),
    ("nov", Tok::Month(11)),
    ("november", Tok::Month(11)),
    ("now", Tok::Reserved(Reserved::Now)),
    ("oct", Tok::Month(10)),
    ("october", Tok::Month(10)),
    ("on", Tok::Ignore),
    ("pm", Tok::AmPm(true)),
    ("s", Tok::Units(Unit::Second)),
    ("sat", Tok::Dow(6)),
    ("saturday", Tok::Dow(6)),
    ("sep", Tok::Month(9)),
    ("sept", Tok::Month(9)),
    ("september", Tok::Month(9)),
    ("sun", Tok::Dow(0)),
    ("sunday", Tok::Dow(0)),
    ("t", Tok::IsoTime),
    ("thu", Tok::Dow(4)),
    ("thur", Tok::Dow(4)),
    ("thurs", Tok::Dow(4)),
    ("thursday", Tok::Dow(4)),
    ("today", Tok::Reserved(Reserved::Today)),
    ("tomorrow", Tok::Reserved(Reserved::Tomorrow)),
    ("tue", Tok::Dow(2)),
    ("tues", Tok::Dow(2)),
    ("tuesday", Tok::Dow(2)),
    ("wed", Tok::Dow(3)),
    ("wednesday", Tok::Dow(3)),
    ("weds", Tok::Dow(3)),
    ("y", Tok::Units(Unit::Year)),
    ("yesterday", Tok::Reserved(Reserved::Yesterday)),
];

const UNIT_TOKENS: &[(&str, Tok)] = &[
    ("@", Tok::Ignore),
    ("ago", Tok::Ago),
    ("c", Tok::Units(Unit::Century)),
    ("cent", Tok::Units(Unit::Century)),
    ("centuries", Tok::Units(Unit::Century)),
    ("century", Tok::Units(Unit::Century)),
    ("d", Tok::Units(Unit::Day)),
    ("day", Tok::Units(Unit::Day)),
    ("days", Tok::Units(Unit::Day)),
    ("dec", Tok::Units(Unit::Decade)),
    ("decade", Tok::Units(Unit::Decade)),
    ("decades", Tok::Units(Unit::Decade)),
    ("decs", Tok::Units(Unit::Decade)),
    ("h", Tok::Units(Unit::Hour)),
    ("hour", Tok::Units(Unit::Hour)),
    ("hours", Tok::Units(Unit::Hour)),
    ("hr", Tok::Units(Unit::Hour)),
    ("hrs", Tok::Units(Unit::Hour)),
    ("m", Tok::Units(Unit::Minute)),
    ("microsecon", Tok::Units(Unit::Microsecond)),
    ("mil", Tok::Units(Unit::Millennium)),
    ("millennia", Tok::Units(Unit::Millennium)),
    ("millennium", Tok::Units(Unit::Millennium)),
    ("millisecon", Tok::Units(Unit::Millisecond)),
    ("mils", Tok::Units(Unit::Millennium)),
    ("min", Tok::Units(Unit::Minute)),
    ("mins", Tok::Units(Unit::Minute)),
    ("minute", Tok::Units(Unit::Minute)),
    ("minutes", Tok::Units(Unit::Minute)),
    ("mon", Tok::Units(Unit::Month)),
    ("mons", Tok::Units(Unit::Month)),
    ("month", Tok::Units(Unit::Month)),
    ("months", Tok::Units(Unit::Month)),
    ("ms", Tok::Units(Unit::Millisecond)),
    ("msec", Tok::Units(Unit::Millisecond)),
    ("msecond", Tok::Units(Unit::Millisecond)),
    ("mseconds", Tok::Units(Unit::Millisecond)),
    ("msecs", Tok::Units(Unit::Millisecond)),
    ("qtr", Tok::Units(Unit::Quarter)),
    ("quarter", Tok::Units(Unit::Quarter)),
    ("s", Tok::Units(Unit::Second)),
    ("sec", Tok::Units(Unit::Second)),
    ("second", Tok::Units(Unit::Second)),
    ("seconds", Tok::Units(Unit::Second)),
    ("secs", Tok::Units(Unit::Second)),
    ("timezone", Tok::Units(Unit::Tz)),
    ("timezone_h", Tok::Units(Unit::TzHour)),
    ("timezone_m", Tok::Units(Unit::TzMinute)),
    ("us", Tok::Units(Unit::Microsecond)),
    ("usec", Tok::Units(Unit::Microsecond)),
    ("usecond", Tok::Units(Unit::Microsecond)),
    ("useconds", Tok::Units(Unit::Microsecond)),
    ("usecs", Tok::Units(Unit::Microsecond)),
    ("w", Tok::Units(Unit::Week)),
    ("week", Tok::Units(Unit::Week)),
    ("weeks", Tok::Units(Unit::Week)),
    ("y", Tok::Units(Unit::Year)),
    ("year", Tok::Units(Unit::Year)),
    ("years", Tok::Units(Unit::Year)),
    ("yr", Tok::Units(Unit::Year)),
    ("yrs", Tok::Units(Unit::Year)),
];

/// Tokens compare on their first 10 characters (PostgreSQL's TOKMAXLEN).
fn lookup(table: &[(&str, Tok)], word: &str) -> Option<Tok> {
    let key = word.get(..word.len().min(10)).unwrap_or(word);
    table.iter().find(|(t, _)| *t == key).map(|(_, tok)| *tok)
}

/// A date/time keyword (`jan`, `today`, `pm`…).
pub fn keyword(word: &str) -> Option<Tok> {
    lookup(DATE_TOKENS, word)
}

/// An interval unit keyword (`days`, `hrs`, `ago`…).
pub fn unit_keyword(word: &str) -> Option<Tok> {
    lookup(UNIT_TOKENS, word)
}

/// A unit name as `date_trunc`, `date_part` and `extract` accept it: the interval units,
/// then the date keywords (`dow`, `doy`, `epoch`…).
pub fn field_unit(word: &str) -> Option<Tok> {
    unit_keyword(word).or_else(|| keyword(word))
}

// ---------------------------------------------------------------------------------------------
// Field masks

const M_YEAR: u32 = 1 << 2;
const M_MONTH: u32 = 1 << 1;
const M_DAY: u32 = 1 << 3;
const M_TZ: u32 = 1 << 5;
const M_DTZ: u32 = 1 << 6;
const M_DYNTZ: u32 = 1 << 7;
const M_AMPM: u32 = 1 << 9;
const M_HOUR: u32 = 1 << 10;
const M_MINUTE: u32 = 1 << 11;
const M_SECOND: u32 = 1 << 12;
const M_MILLISECOND: u32 = 1 << 13;
const M_MICROSECOND: u32 = 1 << 14;
const M_DOY: u32 = 1 << 15;
const M_DOW: u32 = 1 << 16;
const M_ADBC: u32 = 1 << 18;
const M_DTZMOD: u32 = 1 << 28;
const M_DATE: u32 = M_YEAR | M_MONTH | M_DAY;
const M_TIME: u32 = M_HOUR | M_MINUTE | M_SECOND | M_MILLISECOND | M_MICROSECOND;
const M_ALL_SECS: u32 = M_SECOND | M_MILLISECOND | M_MICROSECOND;

/// The kind of a decoded date/time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An ordinary date/time (in `tm`).
    Normal,
    Epoch,
    /// `infinity`.
    Late,
    /// `-infinity`.
    Early,
}

/// A decoded date and time with its zone offset (seconds east of UTC).
#[derive(Clone, Debug)]
pub struct Decoded {
    pub kind: Kind,
    pub tm: Tm,
    pub tz: i32,
}

/// Parses a signed decimal integer prefix as C's `strtol` does: returns the value (or
/// overflow) and the number of bytes read (0 when there are no digits).
pub(super) fn strtol(s: &str) -> (Option<i64>, usize) {
    let b = s.as_bytes();
    let mut i = 0;
    let neg = match b.first() {
        Some(b'-') => {
            i = 1;
            true
        }
        Some(b'+') => {
            i = 1;
            false
        }
        _ => false,
    };
    let start = i;
    let mut v: Option<i64> = Some(0);
    while i < b.len() && b[i].is_ascii_digit() {
        let d = i64::from(b[i] - b'0');
        v = v.and_then(|v| v.checked_mul(10)).and_then(|v| {
            if neg {
                v.checked_sub(d)
            } else {
                v.checked_add(d)
            }
        });
        i += 1;
    }
    if i == start {
        return (Some(0), 0);
    }
    (v, i)
}

/// `strtol` limited to the `int` range: overflow is `Err(FieldOverflow)`.
fn strtoint(s: &str) -> DtResult<(i64, usize)> {
    match strtol(s) {
        (Some(v), n) if i32::try_from(v).is_ok() => Ok((v, n)),
        (_, 0) => Ok((0, 0)),
        _ => Err(DtErr::FieldOverflow),
    }
}

/// A fraction `.ddd` → microseconds, rounded as PostgreSQL does.
pub fn parse_fraction(s: &str) -> DtResult<f64> {
    let digits = s.strip_prefix('.').ok_or(DtErr::BadFormat)?;
    if !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(DtErr::BadFormat);
    }
    if digits.is_empty() {
        return Ok(0.0);
    }
    format!("0.{digits}")
        .parse::<f64>()
        .map_err(|_| DtErr::BadFormat)
}

pub(super) fn parse_fsec(s: &str) -> DtResult<i64> {
    let f = parse_fraction(s)?;
    #[expect(clippy::cast_possible_truncation, reason = "0 <= f < 1")]
    Ok((f * 1e6).round_ties_even() as i64)
}

/// A numeric zone (`+05`, `-0530`, `+05:30:15`) → seconds east.
pub fn decode_timezone(s: &str) -> DtResult<i32> {
    let neg = match s.as_bytes().first() {
        Some(b'+') => false,
        Some(b'-') => true,
        _ => return Err(DtErr::BadFormat),
    };
    let rest = &s[1..];
    let (hr, n) = strtoint(rest).map_err(|_| DtErr::TzDispOverflow)?;
    let mut cp = &rest[n..];
    let (mut hr, mut min, mut sec) = (hr, 0, 0);
    if let Some(after) = cp.strip_prefix(':') {
        let (m, n) = strtoint(after).map_err(|_| DtErr::TzDispOverflow)?;
        min = m;
        cp = &after[n..];
        if let Some(after) = cp.strip_prefix(':') {
            let (sx, n) = strtoint(after).map_err(|_| DtErr::TzDispOverflow)?;
            sec = sx;
            cp = &after[n..];
        }
    } else if cp.is_empty() && s.len() > 3 {
        min = hr % 100;
        hr /= 100;
    }
    if !(0..=15).contains(&hr) || !(0..60).contains(&min) || !(0..60).contains(&sec) {
        return Err(DtErr::TzDispOverflow);
    }
    let tz = (hr * 60 + min) * 60 + sec;
    if !cp.is_empty() {
        return Err(DtErr::BadFormat);
    }
    #[expect(clippy::cast_possible_truncation, reason = "at most 15:59:59")]
    Ok(if neg { -(tz as i32) } else { tz as i32 })
}

/// `h:m[:s[.f]]`, or `m:s.f` (and with `minute_to_second` also `m:s`, an interval's `MINUTE
/// TO SECOND`): (hours, minutes, seconds, microseconds), every field but the hours in range.
pub(super) fn decode_hms(s: &str, minute_to_second: bool) -> DtResult<(i64, i64, i64, i64)> {
    let (hour, n) = match strtol(s) {
        (Some(v), n) => (v, n),
        (None, _) => return Err(DtErr::FieldOverflow),
    };
    let cp = s[n..].strip_prefix(':').ok_or(DtErr::BadFormat)?;
    let (min, n) = strtoint(cp)?;
    let cp = &cp[n..];
    let (mut h, mut m, mut sec, mut fsec) = (hour, min, 0, 0);
    // The first two numbers were minutes and seconds.
    let shift = |h: &mut i64, m: &mut i64, sec: &mut i64| {
        if i32::try_from(*h).is_err() {
            return Err(DtErr::FieldOverflow);
        }
        *sec = *m;
        *m = *h;
        *h = 0;
        Ok(())
    };
    if cp.is_empty() {
        if minute_to_second {
            shift(&mut h, &mut m, &mut sec)?;
        }
    } else if cp.starts_with('.') {
        fsec = parse_fsec(cp)?;
        shift(&mut h, &mut m, &mut sec)?;
    } else if let Some(after) = cp.strip_prefix(':') {
        let (sx, n) = strtoint(after)?;
        sec = sx;
        let rest = &after[n..];
        if rest.starts_with('.') {
            fsec = parse_fsec(rest)?;
        } else if !rest.is_empty() {
            return Err(DtErr::BadFormat);
        }
    } else {
        return Err(DtErr::BadFormat);
    }
    if h < 0
        || !(0..60).contains(&m)
        || !(0..=60).contains(&sec)
        || !(0..=USECS_PER_SEC).contains(&fsec)
    {
        return Err(DtErr::FieldOverflow);
    }
    Ok((h, m, sec, fsec))
}

/// h:m[:s[.f]] for timestamps (PostgreSQL's `DecodeTime` over the full range).
fn decode_time(s: &str, tm: &mut Tm) -> DtResult<u32> {
    let (h, m, sec, fsec) = decode_hms(s, false)?;
    if i32::try_from(h).is_err() {
        return Err(DtErr::FieldOverflow);
    }
    tm.hour = h;
    tm.min = m;
    tm.sec = sec;
    tm.usec = fsec;
    Ok(M_TIME)
}

/// PostgreSQL's `time_overflows`.
pub fn time_overflows(h: i64, m: i64, s: i64, fsec: i64) -> bool {
    if !(0..=24).contains(&h)
        || !(0..60).contains(&m)
        || !(0..=60).contains(&s)
        || !(0..=USECS_PER_SEC).contains(&fsec)
    {
        return true;
    }
    hms2time(h, m, s, fsec) > USECS_PER_DAY
}

struct DateState {
    tm: Tm,
    yday: i64,
    is2digits: bool,
}

/// A run of digits as an `atoi` would read it (saturating).
fn atoi(s: &str) -> i64 {
    strtol(s).0.unwrap_or(i64::MAX)
}

/// Concatenated digits (`20240131`, `040506`, `123456.789`): PostgreSQL's `DecodeNumberField`.
/// Returns the mask of the fields set.
fn decode_number_field(s: &str, fmask: u32, st: &mut DateState) -> DtResult<u32> {
    if !s.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return Err(DtErr::BadFormat);
    }
    let mut digits = s;
    if let Some(dot) = s.find('.') {
        st.tm.usec = parse_fsec(&s[dot..])?;
        digits = &s[..dot];
    } else if fmask & M_DATE != M_DATE && s.len() >= 6 {
        let len = s.len();
        st.tm.mday = atoi(&s[len - 2..]);
        st.tm.mon = atoi(&s[len - 4..len - 2]);
        st.tm.year = atoi(&s[..len - 4]);
        if len - 4 == 2 {
            st.is2digits = true;
        }
        return Ok(M_DATE);
    }
    if fmask & M_TIME != M_TIME {
        if digits.len() == 6 {
            st.tm.sec = atoi(&digits[4..]);
            st.tm.min = atoi(&digits[2..4]);
            st.tm.hour = atoi(&digits[..2]);
            return Ok(M_TIME);
        } else if digits.len() == 4 {
            st.tm.sec = 0;
            st.tm.min = atoi(&digits[2..]);
            st.tm.hour = atoi(&digits[..2]);
            return Ok(M_TIME);
        }
    }
    Err(DtErr::BadFormat)
}

/// A plain number in context (PostgreSQL's `DecodeNumber`).
fn decode_number(
    s: &str,
    have_text_month: bool,
    fmask: u32,
    order: DateOrder,
    st: &mut DateState,
) -> DtResult<u32> {
    let flen = s.len();
    let (val, n) = strtoint(s)?;
    if n == 0 {
        return Err(DtErr::BadFormat);
    }
    let rest = &s[n..];
    if rest.starts_with('.') {
        if n > 2 {
            return decode_number_field(s, fmask | M_DATE, st);
        }
        st.tm.usec = parse_fsec(rest)?;
    } else if !rest.is_empty() {
        return Err(DtErr::BadFormat);
    }
    if flen == 3 && fmask & M_DATE == M_YEAR && (1..=366).contains(&val) {
        st.yday = val;
        return Ok(M_DOY | M_MONTH | M_DAY);
    }
    let tmask = match fmask & M_DATE {
        0 => {
            if flen >= 3 || order == DateOrder::Ymd {
                st.tm.year = val;
                M_YEAR
            } else if order == DateOrder::Dmy {
                st.tm.mday = val;
                M_DAY
            } else {
                st.tm.mon = val;
                M_MONTH
            }
        }
        M_YEAR => {
            st.tm.mon = val;
            M_MONTH
        }
        M_MONTH => {
            if have_text_month {
                if flen >= 3 || order == DateOrder::Ymd {
                    st.tm.year = val;
                    M_YEAR
                } else {
                    st.tm.mday = val;
                    M_DAY
                }
            } else {
                st.tm.mday = val;
                M_DAY
            }
        }
        m if m == M_YEAR | M_MONTH => {
            if have_text_month && flen >= 3 && st.is2digits {
                st.tm.mday = st.tm.year;
                st.tm.year = val;
                st.is2digits = false;
            } else {
                st.tm.mday = val;
            }
            M_DAY
        }
        M_DAY => {
            st.tm.mon = val;
            M_MONTH
        }
        m if m == M_MONTH | M_DAY => {
            st.tm.year = val;
            M_YEAR
        }
        M_DATE => return decode_number_field(s, fmask, st),
        _ => return Err(DtErr::BadFormat),
    };
    if tmask == M_YEAR {
        st.is2digits = flen <= 2;
    }
    Ok(tmask)
}

/// A date with separators (PostgreSQL's `DecodeDate`).
fn decode_date(s: &str, mut fmask: u32, order: DateOrder, st: &mut DateState) -> DtResult<u32> {
    let b = s.as_bytes();
    let mut parts: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < b.len() && parts.len() < MAXDATEFIELDS {
        while i < b.len() && !b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= b.len() {
            return Err(DtErr::BadFormat);
        }
        let start = i;
        if b[i].is_ascii_digit() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        } else {
            while i < b.len() && b[i].is_ascii_alphabetic() {
                i += 1;
            }
        }
        parts.push(&s[start..i]);
        if i < b.len() {
            i += 1;
        }
    }
    let mut tmask = 0;
    let mut have_text_month = false;
    let mut numeric: Vec<&str> = Vec::new();
    for p in &parts {
        if p.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
            let dmask = match keyword(p) {
                Some(Tok::Ignore) => continue,
                Some(Tok::Month(m)) => {
                    st.tm.mon = m;
                    have_text_month = true;
                    M_MONTH
                }
                _ => return Err(DtErr::BadFormat),
            };
            if fmask & dmask != 0 {
                return Err(DtErr::BadFormat);
            }
            fmask |= dmask;
            tmask |= dmask;
        } else {
            numeric.push(p);
        }
    }
    for p in numeric {
        if p.is_empty() {
            return Err(DtErr::BadFormat);
        }
        let dmask = decode_number(p, have_text_month, fmask, order, st)?;
        if fmask & dmask != 0 {
            return Err(DtErr::BadFormat);
        }
        fmask |= dmask;
        tmask |= dmask;
    }
    if fmask & !(M_DOY | M_TZ) != M_DATE {
        return Err(DtErr::BadFormat);
    }
    Ok(tmask)
}

/// Final checks of the date fields (PostgreSQL's `ValidateDate`).
fn validate_date(fmask: u32, isjulian: bool, bc: bool, st: &mut DateState) -> DtResult<()> {
    let tm = &mut st.tm;
    if fmask & M_YEAR != 0 {
        if isjulian {
        } else if bc {
            if tm.year <= 0 {
                return Err(DtErr::FieldOverflow);
            }
            tm.year = -(tm.year - 1);
        } else if st.is2digits {
            if tm.year < 0 {
                return Err(DtErr::FieldOverflow);
            }
            if tm.year < 70 {
                tm.year += 2000;
            } else if tm.year < 100 {
                tm.year += 1900;
            }
        } else if tm.year <= 0 {
            return Err(DtErr::FieldOverflow);
        }
    }
    if fmask & M_DOY != 0 {
        let (y, m, d) = j2date(date2j(tm.year, 1, 1) + st.yday - 1);
        tm.year = y;
        tm.mon = m;
        tm.mday = d;
    }
    if fmask & M_MONTH != 0 && !(1..=12).contains(&tm.mon) {
        return Err(DtErr::MdFieldOverflow);
    }
    if fmask & M_DAY != 0 && !(1..=31).contains(&tm.mday) {
        return Err(DtErr::MdFieldOverflow);
    }
    if fmask & M_DATE == M_DATE && tm.mday > days_in_month(tm.year, tm.mon) {
        return Err(DtErr::FieldOverflow);
    }
    Ok(())
}

/// Local microseconds of broken-down fields for zone lookups (whole seconds; `None` when the
/// date is outside what zones can resolve — PostgreSQL then assumes UTC).
fn local_seconds_micros(tm: &Tm) -> Option<i64> {
    if !valid_julian(tm.year, tm.mon) {
        return None;
    }
    let days = date2j(tm.year, tm.mon, tm.mday) - super::calendar::POSTGRES_EPOCH_JDATE;
    days.checked_mul(USECS_PER_DAY)?
        .checked_add(hms2time(tm.hour, tm.min, tm.sec, 0))
}

/// PostgreSQL's `DetermineTimeZoneOffset`: the zone's offset for local fields `tm`.
pub fn zone_offset_for(tm: &Tm, zone: &TimeZone) -> i32 {
    match local_seconds_micros(tm) {
        Some(l) => zone.offset_for_local(l),
        None => 0,
    }
}

/// The offset a dynamic abbreviation stands for at local time `tm` in `zone`.
fn abbrev_offset_for(tm: &Tm, abbrev: &str, zone: &TimeZone) -> i32 {
    let off = zone_offset_for(tm, zone);
    let utc =
        local_seconds_micros(tm).map_or(0, |l| l.saturating_sub(i64::from(off) * USECS_PER_SEC));
    zone.abbrev_meaning(abbrev, utc).map_or(off, |(o, _)| o)
}

/// The current transaction time broken down in the session zone, with its offset.
pub fn current_local(env: &Env) -> (Tm, i32) {
    let off = env.timezone.offset_at_utc(env.transaction_start);
    let local = env
        .transaction_start
        .saturating_add(i64::from(off) * USECS_PER_SEC);
    (timestamp2tm(local), off)
}

fn load_dynamic(zone: &str) -> DtResult<TimeZone> {
    TimeZone::by_name(zone).ok_or_else(|| DtErr::BadTimezone(zone.to_string()))
}

/// A zone spelled inside a date/time (`America/New_York`, `Japan`, `GMT-8`).
fn zone_by_name(name: &str) -> Option<TimeZone> {
    TimeZone::by_name(name)
}

/// What `DecodeDateTime` and `DecodeTimeOnly` share: the fields read so far (`fmask`) and
/// what they gave. Each decoder reads the field kinds it treats alike through these methods and
/// the others itself.
struct Decoder {
    fmask: u32,
    /// The unit label (`j`, `t`, `y`, …) the next number belongs to.
    ptype: Option<Unit>,
    st: DateState,
    /// Seconds east of UTC, when a zone was given as an offset or a fixed abbreviation.
    tz: i32,
    /// AM/PM: whether PM.
    mer: Option<bool>,
    isjulian: bool,
    bc: bool,
    /// A zone given by name, resolved once the date is known.
    named: Option<TimeZone>,
    /// A zone's abbreviation whose offset depends on the date.
    dynamic: Option<(String, TimeZone)>,
}

/// A word as [`Decoder::word`] read it.
enum Word {
    /// Read: the field's mask.
    Mask(u32),
    /// A noise word.
    Skip,
    /// A keyword the decoder reads itself.
    Own(Tok),
}

impl Decoder {
    fn new() -> Decoder {
        Decoder {
            fmask: 0,
            ptype: None,
            st: DateState {
                tm: Tm::default(),
                yday: 0,
                is2digits: false,
            },
            tz: 0,
            mer: None,
            isjulian: false,
            bc: false,
            named: None,
            dynamic: None,
        }
    }

    /// `hh:mm[:ss[.f]]`, alone or after the `T` label.
    fn time(&mut self, s: &str) -> DtResult<u32> {
        if let Some(p) = self.ptype.take()
            && p != Unit::Time
        {
            return Err(DtErr::BadFormat);
        }
        decode_time(s, &mut self.st.tm)
    }

    /// A number after a unit label.
    fn labelled(&mut self, p: Unit, s: &str) -> DtResult<u32> {
        self.ptype = None;
        labelled_number(
            p,
            s,
            self.fmask,
            &mut self.st,
            &mut self.tz,
            &mut self.isjulian,
        )
    }

    /// A date field that is a time and a numeric zone (`040506-08`).
    fn time_with_zone(&mut self, s: &str, fmask: u32) -> DtResult<u32> {
        if self.fmask & M_TIME == M_TIME {
            return Err(DtErr::BadFormat);
        }
        let dash = s.find('-').ok_or(DtErr::BadFormat)?;
        self.tz = decode_timezone(&s[dash..])?;
        Ok(decode_number_field(&s[..dash], fmask, &mut self.st)? | M_TZ)
    }

    /// A date field that names a zone (`America/New_York`).
    fn zone_name(&mut self, s: &str) -> DtResult<u32> {
        self.named = Some(zone_by_name(s).ok_or_else(|| DtErr::BadTimezone(s.to_string()))?);
        Ok(M_TZ)
    }

    /// A word both decoders read alike: a zone abbreviation (a fixed offset into `tz`, or a
    /// zone's abbreviation resolved once the date is known), a daylight-saving shift, AM/PM,
    /// AD/BC, a unit label, the ISO `T` (which must be followed by a number, time or date
    /// field, and with `t_after_date` come after a whole date), or a zone's name.
    fn word(&mut self, fields: &[Field], i: usize, s: &str, t_after_date: bool) -> DtResult<Word> {
        if let Some(a) = abbrevs::lookup(s) {
            return Ok(Word::Mask(match a {
                Abbrev::Fixed(off, dst) => {
                    self.tz = off;
                    if dst { M_DTZ | M_TZ } else { M_TZ }
                }
                Abbrev::Dynamic(zone) => {
                    self.dynamic = Some((s.to_string(), load_dynamic(zone)?));
                    M_DYNTZ | M_TZ
                }
            }));
        }
        Ok(Word::Mask(match keyword(s) {
            Some(Tok::Ignore) => return Ok(Word::Skip),
            Some(Tok::DstMod(v)) => {
                self.tz = self.tz.saturating_add(v);
                M_DTZMOD | M_DTZ
            }
            Some(Tok::AmPm(pm)) => {
                self.mer = Some(pm);
                M_AMPM
            }
            Some(Tok::AdBc(is_bc)) => {
                self.bc = is_bc;
                M_ADBC
            }
            Some(Tok::Units(u)) => {
                self.ptype = Some(u);
                0
            }
            Some(Tok::IsoTime) => {
                if t_after_date && self.fmask & M_DATE != M_DATE {
                    return Err(DtErr::BadFormat);
                }
                match fields.get(i + 1) {
                    Some(n) if matches!(n.ft, Ft::Number | Ft::Time | Ft::Date) => {}
                    _ => return Err(DtErr::BadFormat),
                }
                self.ptype = Some(Unit::Time);
                0
            }
            None => {
                self.named = Some(zone_by_name(s).ok_or(DtErr::BadFormat)?);
                M_TZ
            }
            Some(other) => return Ok(Word::Own(other)),
        }))
    }

    /// Adds a field's mask: a field given twice is an error.
    fn add(&mut self, tmask: u32) -> DtResult<()> {
        if tmask & self.fmask != 0 {
            return Err(DtErr::BadFormat);
        }
        self.fmask |= tmask;
        Ok(())
    }

    /// Once every field is read: the date checks and AM/PM.
    fn finish(&mut self) -> DtResult<()> {
        validate_date(self.fmask, self.isjulian, self.bc, &mut self.st)?;
        apply_meridian(self.mer, &mut self.st.tm)
    }

    /// The zone offset, once every field is read: a named zone's (`named_date` gives the date
    /// it is taken at), a dynamic abbreviation's, or the session zone's when none was given
    /// (both at the date `date` gives). A daylight-saving shift needs a fixed zone.
    fn zone_offset(
        &self,
        env: &Env,
        named: impl FnOnce(&TimeZone) -> DtResult<i32>,
        date: impl Fn() -> DtResult<Tm>,
    ) -> DtResult<i32> {
        let shifted = self.fmask & M_DTZMOD != 0;
        let mut tz = self.tz;
        if let Some(z) = &self.named {
            if shifted {
                return Err(DtErr::BadFormat);
            }
            tz = named(z)?;
        }
        if let Some((abbr, z)) = &self.dynamic {
            if shifted {
                return Err(DtErr::BadFormat);
            }
            tz = abbrev_offset_for(&date()?, abbr, z);
        }
        if self.fmask & M_TZ == 0 {
            if shifted {
                return Err(DtErr::BadFormat);
            }
            tz = zone_offset_for(&date()?, &env.timezone);
        }
        Ok(tz)
    }
}

/// AM (`pm` false) or PM applied to a 12-hour clock's hour.
fn apply_meridian(mer: Option<bool>, tm: &mut Tm) -> DtResult<()> {
    if let Some(pm) = mer {
        if tm.hour > 12 {
            return Err(DtErr::FieldOverflow);
        }
        if !pm && tm.hour == 12 {
            tm.hour = 0;
        } else if pm && tm.hour != 12 {
            tm.hour += 12;
        }
    }
    Ok(())
}

/// Interprets fields as a date and time (PostgreSQL's `DecodeDateTime`). A string that has
/// only a time is `BadFormat` (as all of PostgreSQL's callers treat it).
pub fn decode_datetime(fields: &[Field], env: &Env) -> DtResult<Decoded> {
    let order = env.date_order;
    let mut d = Decoder::new();
    let mut kind = Kind::Normal;
    let mut have_text_month = false;
    for (i, f) in fields.iter().enumerate() {
        let s = f.s.as_str();
        let fmask = d.fmask;
        let tmask = match f.ft {
            Ft::Date => {
                if d.ptype == Some(Unit::Julian) {
                    let (jday, n) = strtoint(s)?;
                    if jday < 0 {
                        return Err(DtErr::FieldOverflow);
                    }
                    let (y, m, day) = j2date(jday);
                    (d.st.tm.year, d.st.tm.mon, d.st.tm.mday) = (y, m, day);
                    d.isjulian = true;
                    d.tz = decode_timezone(&s[n..])?;
                    d.ptype = None;
                    M_DATE | M_TIME | M_TZ
                } else if d.ptype.is_some() || fmask & (M_MONTH | M_DAY) == (M_MONTH | M_DAY) {
                    if s.as_bytes()[0].is_ascii_digit() || d.ptype.is_some() {
                        if let Some(p) = d.ptype.take()
                            && p != Unit::Time
                        {
                            return Err(DtErr::BadFormat);
                        }
                        d.time_with_zone(s, fmask)?
                    } else {
                        d.zone_name(s)?
                    }
                } else {
                    decode_date(s, fmask, order, &mut d.st)?
                }
            }
            Ft::Time => {
                let m = d.time(s)?;
                let tm = &d.st.tm;
                if time_overflows(tm.hour, tm.min, tm.sec, tm.usec) {
                    return Err(DtErr::FieldOverflow);
                }
                m
            }
            Ft::Tz => {
                d.tz = decode_timezone(s)?;
                M_TZ
            }
            Ft::Number => {
                if let Some(p) = d.ptype {
                    kind = Kind::Normal;
                    d.labelled(p, s)?
                } else {
                    let dot = s.find('.');
                    if dot.is_some() && fmask & M_DATE == 0 {
                        decode_date(s, fmask, order, &mut d.st)?
                    } else if dot.is_some_and(|dot| dot > 2)
                        || (s.len() >= 6 && (fmask & M_DATE == 0 || fmask & M_TIME == 0))
                    {
                        // Concatenated digits: 20240131, 040506, 123456.789.
                        decode_number_field(s, fmask, &mut d.st)?
                    } else {
                        decode_number(s, have_text_month, fmask, order, &mut d.st)?
                    }
                }
            }
            Ft::Str | Ft::Special => match d.word(fields, i, s, true)? {
                Word::Mask(m) => m,
                Word::Skip => continue,
                Word::Own(Tok::Reserved(r)) => {
                    kind = Kind::Normal;
                    match r {
                        Reserved::Now => {
                            let (cur, off) = current_local(env);
                            d.st.tm = cur;
                            d.tz = off;
                            M_DATE | M_TIME | M_TZ
                        }
                        Reserved::Today | Reserved::Tomorrow | Reserved::Yesterday => {
                            let (cur, _) = current_local(env);
                            let delta = match r {
                                Reserved::Tomorrow => 1,
                                Reserved::Yesterday => -1,
                                _ => 0,
                            };
                            let (y, m, day) = j2date(date2j(cur.year, cur.mon, cur.mday) + delta);
                            (d.st.tm.year, d.st.tm.mon, d.st.tm.mday) = (y, m, day);
                            M_DATE
                        }
                        Reserved::Zulu => {
                            (d.st.tm.hour, d.st.tm.min, d.st.tm.sec) = (0, 0, 0);
                            d.tz = 0;
                            M_TIME | M_TZ
                        }
                        Reserved::Epoch | Reserved::Late | Reserved::Early => {
                            kind = match r {
                                Reserved::Epoch => Kind::Epoch,
                                Reserved::Late => Kind::Late,
                                _ => Kind::Early,
                            };
                            M_DATE | M_TIME | M_TZ
                        }
                    }
                }
                Word::Own(Tok::Month(m)) => {
                    let mut t = M_MONTH;
                    if fmask & M_MONTH != 0
                        && !have_text_month
                        && fmask & M_DAY == 0
                        && (1..=31).contains(&d.st.tm.mon)
                    {
                        d.st.tm.mday = d.st.tm.mon;
                        t = M_DAY;
                    }
                    have_text_month = true;
                    d.st.tm.mon = m;
                    t
                }
                Word::Own(Tok::Dow(_)) => M_DOW,
                Word::Own(_) => return Err(DtErr::BadFormat),
            },
        };
        d.add(tmask)?;
    }

    if kind == Kind::Normal {
        d.finish()?;
        if d.fmask & M_DATE != M_DATE {
            return Err(DtErr::BadFormat);
        }
        let tm = d.st.tm;
        d.tz = d.zone_offset(env, |z| Ok(zone_offset_for(&tm, z)), || Ok(tm))?;
    }
    Ok(Decoded {
        kind,
        tm: d.st.tm,
        tz: d.tz,
    })
}

/// A number after a unit label (`j2451545`, `t123456`, `y2024`…), as PostgreSQL 15 reads it.
fn labelled_number(
    p: Unit,
    s: &str,
    fmask: u32,
    st: &mut DateState,
    tz: &mut i32,
    isjulian: &mut bool,
) -> DtResult<u32> {
    let (val, n) = strtoint(s)?;
    let rest = &s[n..];
    if rest.starts_with('.') {
        if !matches!(p, Unit::Julian | Unit::Time | Unit::Second) {
            return Err(DtErr::BadFormat);
        }
    } else if !rest.is_empty() {
        return Err(DtErr::BadFormat);
    }
    // Stores the number in `field`; the mask of what it gave.
    let set = |field: &mut i64, mask: u32| {
        *field = val;
        mask
    };
    Ok(match p {
        Unit::Year => set(&mut st.tm.year, M_YEAR),
        Unit::Month => {
            if fmask & M_MONTH != 0 && fmask & M_HOUR != 0 {
                set(&mut st.tm.min, M_MINUTE)
            } else {
                set(&mut st.tm.mon, M_MONTH)
            }
        }
        Unit::Day => set(&mut st.tm.mday, M_DAY),
        Unit::Hour => set(&mut st.tm.hour, M_HOUR),
        Unit::Minute => set(&mut st.tm.min, M_MINUTE),
        Unit::Second => {
            st.tm.sec = val;
            if rest.starts_with('.') {
                st.tm.usec = parse_fsec(rest)?;
                M_ALL_SECS
            } else {
                M_SECOND
            }
        }
        Unit::Tz => {
            *tz = decode_timezone(s)?;
            M_TZ
        }
        Unit::Julian => {
            if val < 0 {
                return Err(DtErr::FieldOverflow);
            }
            let (y, m, d) = j2date(val);
            st.tm.year = y;
            st.tm.mon = m;
            st.tm.mday = d;
            *isjulian = true;
            let mut mask = M_DATE;
            if rest.starts_with('.') {
                let frac = parse_fraction(rest)?;
                #[expect(clippy::cast_possible_truncation, reason = "less than a day")]
                let t = (frac * USECS_PER_DAY as f64) as i64;
                let (h, mi, sx, us) = time2hms(t);
                st.tm.hour = h;
                st.tm.min = mi;
                st.tm.sec = sx;
                st.tm.usec = us;
                mask |= M_TIME;
            }
            mask
        }
        Unit::Time => {
            let m = decode_number_field(s, fmask | M_DATE, st)?;
            if m != M_TIME {
                return Err(DtErr::BadFormat);
            }
            m
        }
        _ => return Err(DtErr::BadFormat),
    })
}

/// Interprets fields as a time of day (PostgreSQL's `DecodeTimeOnly`): returns the time
/// (microseconds since midnight) and the zone offset (seconds east) it was given in.
pub fn decode_time_only(fields: &[Field], env: &Env) -> DtResult<(i64, i32)> {
    let order = env.date_order;
    let nf = fields.len();
    let mut d = Decoder::new();
    for (i, f) in fields.iter().enumerate() {
        let s = f.s.as_str();
        let fmask = d.fmask;
        let tmask = match f.ft {
            Ft::Date => {
                if i == 0 && nf >= 2 && (fields[nf - 1].ft == Ft::Date || fields[1].ft == Ft::Time)
                {
                    decode_date(s, fmask, order, &mut d.st)?
                } else if s.as_bytes()[0].is_ascii_digit() {
                    d.time_with_zone(s, fmask | M_DATE)?
                } else {
                    d.zone_name(s)?
                }
            }
            Ft::Time => d.time(s)?,
            Ft::Tz => {
                d.tz = decode_timezone(s)?;
                M_TZ
            }
            Ft::Number => {
                if let Some(p) = d.ptype {
                    d.labelled(p, s)?
                } else if let Some(dot) = s.find('.') {
                    if i == 0 && nf >= 2 && fields[nf - 1].ft == Ft::Date {
                        decode_date(s, fmask, order, &mut d.st)?
                    } else if dot > 2 {
                        decode_number_field(s, fmask | M_DATE, &mut d.st)?
                    } else {
                        return Err(DtErr::BadFormat);
                    }
                } else if s.len() > 4 {
                    decode_number_field(s, fmask | M_DATE, &mut d.st)?
                } else {
                    decode_number(s, false, fmask | M_DATE, order, &mut d.st)?
                }
            }
            Ft::Str | Ft::Special => match d.word(fields, i, s, false)? {
                Word::Mask(m) => m,
                Word::Skip => continue,
                Word::Own(Tok::Reserved(Reserved::Now)) => {
                    let (cur, _) = current_local(env);
                    let tm = &mut d.st.tm;
                    (tm.hour, tm.min, tm.sec, tm.usec) = (cur.hour, cur.min, cur.sec, cur.usec);
                    M_TIME
                }
                Word::Own(Tok::Reserved(Reserved::Zulu)) => {
                    (d.st.tm.hour, d.st.tm.min, d.st.tm.sec) = (0, 0, 0);
                    M_TIME | M_TZ
                }
                Word::Own(_) => return Err(DtErr::BadFormat),
            },
        };
        d.add(tmask)?;
    }

    d.finish()?;
    let tm = d.st.tm;
    if time_overflows(tm.hour, tm.min, tm.sec, tm.usec) {
        return Err(DtErr::FieldOverflow);
    }
    let fmask = d.fmask;
    if fmask & M_TIME != M_TIME {
        return Err(DtErr::BadFormat);
    }
    // A named zone with daylight saving needs the whole date; an abbreviation or the session
    // zone takes today's when no date was given.
    let named = |z: &TimeZone| match z.fixed_offset() {
        Some(o) => Ok(o),
        None if fmask & M_DATE != M_DATE => Err(DtErr::BadFormat),
        None => Ok(zone_offset_for(&tm, z)),
    };
    let date = || {
        if fmask & M_DATE == 0 {
            let (cur, _) = current_local(env);
            Ok(Tm {
                hour: tm.hour,
                min: tm.min,
                sec: tm.sec,
                usec: tm.usec,
                ..cur
            })
        } else if fmask & M_DATE != M_DATE {
            Err(DtErr::BadFormat)
        } else {
            Ok(tm)
        }
    };
    let tz = d.zone_offset(env, named, date)?;
    Ok((hms2time(tm.hour, tm.min, tm.sec, tm.usec), tz))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(s: &str) -> Vec<(Ft, String)> {
        tokenize(s, DATE_BUFLEN)
            .unwrap()
            .into_iter()
            .map(|f| (f.ft, f.s))
            .collect()
    }

    #[test]
    fn tokenizer_types_fields() {
        for (input, expected) in [
            (
                "2024-01-31 12:34:56.789+02",
                &[
                    (Ft::Date, "2024-01-31"),
                    (Ft::Time, "12:34:56.789"),
                    (Ft::Tz, "+02"),
                ][..],
            ),
            (
                "Jan 31, 2024 America/New_York",
                &[
                    (Ft::Str, "jan"),
                    (Ft::Number, "31"),
                    (Ft::Number, "2024"),
                    (Ft::Date, "america/new_york"),
                ],
            ),
            (
                "2024jan31",
                &[(Ft::Number, "2024"), (Ft::Str, "jan"), (Ft::Number, "31")],
            ),
            ("-infinity", &[(Ft::Special, "-infinity")]),
        ] {
            let expected: Vec<(Ft, String)> = expected
                .iter()
                .map(|(ft, s)| (*ft, (*s).to_string()))
                .collect();
            assert_eq!(fields(input), expected, "{input}");
        }
        assert!(tokenize("ä", DATE_BUFLEN).is_err());
        assert!(tokenize(&"1 ".repeat(30), DATE_BUFLEN).is_err());
        assert!(tokenize(&"1".repeat(200), DATE_BUFLEN).is_err());
    }

    #[test]
    fn zones_decode() {
        assert_eq!(decode_timezone("+05"), Ok(5 * 3600));
        assert_eq!(decode_timezone("-0530"), Ok(-(5 * 3600 + 30 * 60)));
        assert_eq!(decode_timezone("+05:30:15"), Ok(5 * 3600 + 30 * 60 + 15));
        assert_eq!(decode_timezone("+25"), Err(DtErr::TzDispOverflow));
        assert_eq!(decode_timezone("+5.5"), Err(DtErr::BadFormat));
    }
}
