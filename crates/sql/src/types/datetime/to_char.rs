//! `to_char` for timestamps, timestamptz and intervals, and the template parsing of
//! `to_date` / `to_timestamp(text, text)` — PostgreSQL's date/time template patterns
//! (`YYYY`, `MM`, `Mon`, `Day`, `HH24`, `MI`, `SS`, `MS`, `US`, `FF1`…`FF6`, `AM`, `TZ`, `OF`,
//! `IYYY`, `IW`, `J`, `Q`, `RM`, `CC`…), the `FM`/`TM` prefixes, the `TH`/`th` suffixes,
//! `FX`, quoted text and backslash escapes.
//!
//! Invariants: output is proportional to the template's length (each pattern prints a
//! bounded number of characters); parsing never panics on any text and reports PostgreSQL's
//! errors (22007 invalid value, 22008 out of range).

use super::calendar::{
    self as cal, DAY_NAMES, DT_NOBEGIN, DT_NOEND, MONTH_NAMES, POSTGRES_EPOCH_JDATE, Tm,
    USECS_PER_SEC, date2j, days_in_month, j2date, j2day, timestamp2tm, valid_date, valid_julian,
};
use super::interval::Interval;
use super::parse::{self, DtErr};
use super::{interval_of, range_error, tm_to_timestamp};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::value::Value;

/// Template patterns (PostgreSQL's `DCH_keywords`), in matching order.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[expect(
    clippy::upper_case_acronyms,
    reason = "the variants are PostgreSQL's template pattern names"
)]
enum K {
    ADdot,
    AMdot,
    AD,
    AM,
    BCdot,
    BC,
    CC,
    DAYu,
    DDD,
    DD,
    DYu,
    Dayc,
    Dyc,
    D,
    FF1,
    FF2,
    FF3,
    FF4,
    FF5,
    FF6,
    FX,
    HH24,
    HH12,
    HH,
    IDDD,
    ID,
    IW,
    IYYY,
    IYY,
    IY,
    I,
    J,
    MI,
    MM,
    MONTHu,
    MONu,
    MS,
    Monthc,
    Monc,
    OF,
    PMdot,
    PM,
    Q,
    RM,
    SSSSS,
    SSSS,
    SS,
    TZH,
    TZM,
    TZu,
    US,
    WW,
    W,
    YCommaYYY,
    YYYY,
    YYY,
    YY,
    Y,
    ADdotl,
    AMdotl,
    ADl,
    AMl,
    BCdotl,
    BCl,
    DAYl,
    DYl,
    PMdotl,
    PMl,
    RMl,
    TZl,
    MONTHl,
    MONl,
}

/// (text, key, is numeric, date convention: 0 none, 1 Gregorian, 2 ISO week)
const KEYWORDS: &[(&str, K, bool, u8)] = &[
    ("A.D.", K::ADdot, false, 0),
    ("A.M.", K::AMdot, false, 0),
    ("AD", K::AD, false, 0),
    ("AM", K::AM, false, 0),
    ("B.C.", K::BCdot, false, 0),
    ("BC", K::BC, false, 0),
    ("CC", K::CC, true, 0),
    ("DAY", K::DAYu, false, 0),
    ("DDD", K::DDD, true, 1),
    ("DD", K::DD, true, 1),
    ("DY", K::DYu, false, 0),
    ("Day", K::Dayc, false, 0),
    ("Dy", K::Dyc, false, 0),
    ("D", K::D, true, 1),
    ("FF1", K::FF1, false, 0),
    ("FF2", K::FF2, false, 0),
    ("FF3", K::FF3, false, 0),
    ("FF4", K::FF4, false, 0),
    ("FF5", K::FF5, false, 0),
    ("FF6", K::FF6, false, 0),
    ("FX", K::FX, false, 0),
    ("HH24", K::HH24, true, 0),
    ("HH12", K::HH12, true, 0),
    ("HH", K::HH, true, 0),
    ("IDDD", K::IDDD, true, 2),
    ("ID", K::ID, true, 2),
    ("IW", K::IW, true, 2),
    ("IYYY", K::IYYY, true, 2),
    ("IYY", K::IYY, true, 2),
    ("IY", K::IY, true, 2),
    ("I", K::I, true, 2),
    ("J", K::J, true, 0),
    ("MI", K::MI, true, 0),
    ("MM", K::MM, true, 1),
    ("MONTH", K::MONTHu, false, 1),
    ("MON", K::MONu, false, 1),
    ("MS", K::MS, true, 0),
    ("Month", K::Monthc, false, 1),
    ("Mon", K::Monc, false, 1),
    ("OF", K::OF, false, 0),
    ("P.M.", K::PMdot, false, 0),
    ("PM", K::PM, false, 0),
    ("Q", K::Q, true, 0),
    ("RM", K::RM, false, 1),
    ("SSSSS", K::SSSSS, true, 0),
    ("SSSS", K::SSSS, true, 0),
    ("SS", K::SS, true, 0),
    ("TZH", K::TZH, false, 0),
    ("TZM", K::TZM, true, 0),
    ("TZ", K::TZu, false, 0),
    ("US", K::US, true, 0),
    ("WW", K::WW, true, 1),
    ("W", K::W, true, 1),
    ("Y,YYY", K::YCommaYYY, true, 1),
    ("YYYY", K::YYYY, true, 1),
    ("YYY", K::YYY, true, 1),
    ("YY", K::YY, true, 1),
    ("Y", K::Y, true, 1),
    ("a.d.", K::ADdotl, false, 0),
    ("a.m.", K::AMdotl, false, 0),
    ("ad", K::ADl, false, 0),
    ("am", K::AMl, false, 0),
    ("b.c.", K::BCdotl, false, 0),
    ("bc", K::BCl, false, 0),
    ("cc", K::CC, true, 0),
    ("day", K::DAYl, false, 0),
    ("ddd", K::DDD, true, 1),
    ("dd", K::DD, true, 1),
    ("dy", K::DYl, false, 0),
    ("d", K::D, true, 1),
    ("ff1", K::FF1, false, 0),
    ("ff2", K::FF2, false, 0),
    ("ff3", K::FF3, false, 0),
    ("ff4", K::FF4, false, 0),
    ("ff5", K::FF5, false, 0),
    ("ff6", K::FF6, false, 0),
    ("fx", K::FX, false, 0),
    ("hh24", K::HH24, true, 0),
    ("hh12", K::HH12, true, 0),
    ("hh", K::HH, true, 0),
    ("iddd", K::IDDD, true, 2),
    ("id", K::ID, true, 2),
    ("iw", K::IW, true, 2),
    ("iyyy", K::IYYY, true, 2),
    ("iyy", K::IYY, true, 2),
    ("iy", K::IY, true, 2),
    ("i", K::I, true, 2),
    ("j", K::J, true, 0),
    ("mi", K::MI, true, 0),
    ("mm", K::MM, true, 1),
    ("month", K::MONTHl, false, 1),
    ("mon", K::MONl, false, 1),
    ("ms", K::MS, true, 0),
    ("of", K::OF, false, 0),
    ("p.m.", K::PMdotl, false, 0),
    ("pm", K::PMl, false, 0),
    ("q", K::Q, true, 0),
    ("rm", K::RMl, false, 1),
    ("sssss", K::SSSSS, true, 0),
    ("ssss", K::SSSS, true, 0),
    ("ss", K::SS, true, 0),
    ("tz", K::TZl, false, 0),
    ("us", K::US, true, 0),
    ("ww", K::WW, true, 1),
    ("w", K::W, true, 1),
    ("y,yyy", K::YCommaYYY, true, 1),
    ("yyyy", K::YYYY, true, 1),
    ("yyy", K::YYY, true, 1),
    ("yy", K::YY, true, 1),
    ("y", K::Y, true, 1),
];

const FM: u8 = 1;
const TH_UPPER: u8 = 2;
const TH_LOWER: u8 = 4;
/// `TM`: translation mode (names are not padded).
const TM: u8 = 8;

#[derive(Clone, Debug)]
enum Node {
    Action {
        key: K,
        name: &'static str,
        is_digit: bool,
        mode: u8,
        suffix: u8,
    },
    /// A literal character (from quoted text or an ordinary character).
    Char(char),
    Space(char),
    Separator(char),
}

fn is_separator(c: char) -> bool {
    c.is_ascii() && !c.is_ascii_alphanumeric() && !c.is_ascii_whitespace() && c != '"'
        || c == '+'
        || c == '-'
}

/// Splits a template into nodes (PostgreSQL's `parse_format` for date/time templates).
fn parse_format(fmt: &str) -> Vec<Node> {
    let mut nodes = Vec::new();
    let mut s = fmt;
    while !s.is_empty() {
        let mut suffix = 0u8;
        for (p, _) in [("FM", 0), ("fm", 0), ("TM", 1), ("tm", 1)] {
            if let Some(rest) = s.strip_prefix(p) {
                if p.eq_ignore_ascii_case("fm") {
                    suffix |= FM;
                } else {
                    suffix |= TM;
                }
                s = rest;
                break;
            }
        }
        if s.is_empty() {
            break;
        }
        if let Some(&(text, key, is_digit, mode)) = KEYWORDS.iter().find(|(t, ..)| s.starts_with(t))
        {
            s = &s[text.len()..];
            if let Some(rest) = s.strip_prefix("TH") {
                suffix |= TH_UPPER;
                s = rest;
            } else if let Some(rest) = s.strip_prefix("th") {
                suffix |= TH_LOWER;
                s = rest;
            } else if let Some(rest) = s.strip_prefix("SP") {
                s = rest;
            }
            nodes.push(Node::Action {
                key,
                name: text,
                is_digit,
                mode,
                suffix,
            });
            continue;
        }
        let mut chars = s.chars();
        let Some(c) = chars.next() else { break };
        if c == '"' {
            let mut rest = chars.as_str();
            loop {
                let mut it = rest.chars();
                match it.next() {
                    None => {
                        s = "";
                        break;
                    }
                    Some('"') => {
                        s = it.as_str();
                        break;
                    }
                    Some('\\') => {
                        let mut it2 = it.clone();
                        if let Some(n) = it2.next() {
                            nodes.push(Node::Char(n));
                            rest = it2.as_str();
                        } else {
                            nodes.push(Node::Char('\\'));
                            rest = it.as_str();
                        }
                    }
                    Some(ch) => {
                        nodes.push(Node::Char(ch));
                        rest = it.as_str();
                    }
                }
            }
            continue;
        }
        let (c, rest) = if c == '\\' && chars.as_str().starts_with('"') {
            ('"', &chars.as_str()[1..])
        } else {
            (c, chars.as_str())
        };
        s = rest;
        nodes.push(if is_separator(c) {
            Node::Separator(c)
        } else if c.is_ascii_whitespace() {
            Node::Space(c)
        } else {
            Node::Char(c)
        });
    }
    nodes
}

// ---------------------------------------------------------------------------------------------
// to_char

/// What `to_char` formats.
struct TmTc {
    tm: Tm,
    /// Day of year (for intervals: the approximate total span in days).
    yday: i64,
    /// Zone abbreviation, if any.
    tzn: Option<String>,
    /// Offset east in seconds.
    gmtoff: i32,
    interval: bool,
}

fn ordinal(n: &str, upper: bool) -> String {
    let digits: Vec<u8> = n.bytes().filter(u8::is_ascii_digit).collect();
    let last = digits.last().copied().unwrap_or(b'0');
    let teen = digits.len() >= 2 && digits[digits.len() - 2] == b'1';
    let suf = if teen {
        "th"
    } else {
        match last {
            b'1' => "st",
            b'2' => "nd",
            b'3' => "rd",
            _ => "th",
        }
    };
    format!(
        "{n}{}",
        if upper {
            suf.to_ascii_uppercase()
        } else {
            suf.to_string()
        }
    )
}

fn invalid_for_interval() -> SqlError {
    SqlError::new(
        sqlstate::INVALID_DATETIME_FORMAT,
        "invalid format specification for an interval value",
    )
    .with_hint("Intervals are not tied to specific calendar dates.")
}

const RM_UPPER: [&str; 12] = [
    "XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I",
];

fn pad(w: usize, fm: bool, neg: bool, v: i64) -> String {
    let width = if fm {
        0
    } else if neg {
        w + 1
    } else {
        w
    };
    if v < 0 {
        format!(
            "-{:0width$}",
            v.unsigned_abs(),
            width = width.saturating_sub(1)
        )
    } else {
        format!("{v:0width$}")
    }
}

/// A month or day name as its pattern `key` asks for it: in full (blank-padded to 9 unless
/// `no_pad`) or its first three letters, in capitals (`MONTH`, `DY`), capitalized (`Month`)
/// or in small letters (`month`).
fn calendar_name(name: &str, key: K, no_pad: bool) -> String {
    let full = matches!(
        key,
        K::MONTHu | K::Monthc | K::MONTHl | K::DAYu | K::Dayc | K::DAYl
    );
    let name = if full { name } else { &name[..3] };
    let name = match key {
        K::MONTHu | K::MONu | K::DAYu | K::DYu => name.to_ascii_uppercase(),
        K::MONTHl | K::MONl | K::DAYl | K::DYl => name.to_ascii_lowercase(),
        _ => name.to_string(),
    };
    if full && !no_pad {
        format!("{name:<9}")
    } else {
        name
    }
}

/// `AD`/`BC` or `AM`/`PM` as a pattern asks for it: `words[1]` when `second`, with a dot
/// after each letter when `dotted` (`A.D.`), in capitals when `upper`.
fn era_or_meridian(words: [&str; 2], second: bool, dotted: bool, upper: bool) -> String {
    let word = words[usize::from(second)];
    let s: String = if dotted {
        word.chars().flat_map(|c| [c, '.']).collect()
    } else {
        word.to_string()
    };
    if upper { s } else { s.to_ascii_lowercase() }
}

fn to_char_impl(t: &TmTc, fmt: &str) -> Result<String> {
    let nodes = parse_format(fmt);
    let tm = &t.tm;
    let mut out = String::new();
    let adj_year = |y: i64| if t.interval || y > 0 { y } else { 1 - y };
    for n in &nodes {
        let (key, suffix) = match n {
            Node::Action { key, suffix, .. } => (*key, *suffix),
            Node::Char(c) | Node::Space(c) | Node::Separator(c) => {
                out.push(*c);
                continue;
            }
        };
        let fm = suffix & FM != 0;
        let no_pad = suffix & (FM | TM) != 0;
        let th = suffix & (TH_UPPER | TH_LOWER) != 0;
        let mut s: String = match key {
            K::ADdot | K::AD | K::ADdotl | K::ADl | K::BCdot | K::BC | K::BCdotl | K::BCl => {
                if t.interval {
                    return Err(invalid_for_interval());
                }
                let dotted = matches!(key, K::ADdot | K::BCdot | K::ADdotl | K::BCdotl);
                let upper = matches!(key, K::ADdot | K::AD | K::BCdot | K::BC);
                era_or_meridian(["AD", "BC"], tm.year <= 0, dotted, upper)
            }
            K::AMdot | K::AM | K::AMdotl | K::AMl | K::PMdot | K::PM | K::PMdotl | K::PMl => {
                let dotted = matches!(key, K::AMdot | K::PMdot | K::AMdotl | K::PMdotl);
                let upper = matches!(key, K::AMdot | K::AM | K::PMdot | K::PM);
                era_or_meridian(["AM", "PM"], tm.hour.rem_euclid(24) >= 12, dotted, upper)
            }
            K::HH | K::HH12 => {
                let h = if tm.hour % 12 == 0 { 12 } else { tm.hour % 12 };
                pad(2, fm, tm.hour < 0, h)
            }
            K::HH24 => pad(2, fm, tm.hour < 0, tm.hour),
            K::MI => pad(2, fm, tm.min < 0, tm.min),
            K::SS => pad(2, fm, tm.sec < 0, tm.sec),
            K::FF1 => format!("{:01}", tm.usec / 100_000),
            K::FF2 => format!("{:02}", tm.usec / 10_000),
            K::FF3 | K::MS => format!("{:03}", tm.usec / 1000),
            K::FF4 => format!("{:04}", tm.usec / 100),
            K::FF5 => format!("{:05}", tm.usec / 10),
            K::FF6 | K::US => format!("{:06}", tm.usec),
            K::SSSS | K::SSSSS => (tm.hour * 3600 + tm.min * 60 + tm.sec).to_string(),
            K::TZl | K::TZu => {
                if t.interval {
                    return Err(invalid_for_interval());
                }
                match &t.tzn {
                    Some(z) if key == K::TZl => z.to_ascii_lowercase(),
                    Some(z) => z.clone(),
                    None => String::new(),
                }
            }
            K::TZH => {
                if t.interval {
                    return Err(invalid_for_interval());
                }
                format!(
                    "{}{:02}",
                    if t.gmtoff >= 0 { '+' } else { '-' },
                    t.gmtoff.unsigned_abs() / 3600
                )
            }
            K::TZM => {
                if t.interval {
                    return Err(invalid_for_interval());
                }
                format!("{:02}", t.gmtoff.unsigned_abs() % 3600 / 60)
            }
            K::OF => {
                if t.interval {
                    return Err(invalid_for_interval());
                }
                let a = t.gmtoff.unsigned_abs();
                let mut s = format!(
                    "{}{:0w$}",
                    if t.gmtoff >= 0 { '+' } else { '-' },
                    a / 3600,
                    w = if fm { 0 } else { 2 }
                );
                if !a.is_multiple_of(3600) {
                    s.push_str(&format!(":{:02}", a % 3600 / 60));
                }
                s
            }
            K::MONTHu | K::Monthc | K::MONTHl | K::MONu | K::Monc | K::MONl => {
                if t.interval {
                    return Err(invalid_for_interval());
                }
                let Some(name) = usize::try_from(tm.mon - 1)
                    .ok()
                    .and_then(|i| MONTH_NAMES.get(i))
                else {
                    continue;
                };
                calendar_name(name, key, no_pad)
            }
            K::MM => pad(2, fm, tm.mon < 0, tm.mon),
            K::DAYu | K::Dayc | K::DAYl | K::DYu | K::Dyc | K::DYl => {
                if t.interval {
                    return Err(invalid_for_interval());
                }
                let wd = j2day(date2j(tm.year, tm.mon, tm.mday));
                let name = DAY_NAMES[usize::try_from(wd).unwrap_or(0)];
                calendar_name(name, key, no_pad)
            }
            K::DDD => pad(3, fm, false, t.yday),
            K::IDDD => pad(3, fm, false, cal::iso_day_of_year(tm.year, tm.mon, tm.mday)),
            K::DD => pad(2, fm, false, tm.mday),
            K::D => {
                if t.interval {
                    return Err(invalid_for_interval());
                }
                (j2day(date2j(tm.year, tm.mon, tm.mday)) + 1).to_string()
            }
            K::ID => {
                if t.interval {
                    return Err(invalid_for_interval());
                }
                let w = j2day(date2j(tm.year, tm.mon, tm.mday));
                (if w == 0 { 7 } else { w }).to_string()
            }
            K::WW => pad(2, fm, false, (t.yday - 1) / 7 + 1),
            K::IW => pad(2, fm, false, cal::iso_year_week(tm.year, tm.mon, tm.mday).1),
            K::Q => {
                if tm.mon == 0 {
                    continue;
                }
                ((tm.mon - 1) / 3 + 1).to_string()
            }
            K::CC => {
                let i = if t.interval {
                    tm.year / 100
                } else if tm.year > 0 {
                    (tm.year - 1) / 100 + 1
                } else {
                    tm.year / 100 - 1
                };
                if (-99..=99).contains(&i) {
                    pad(2, fm, i < 0, i)
                } else {
                    i.to_string()
                }
            }
            K::YCommaYYY => {
                let y = adj_year(tm.year);
                let i = y / 1000;
                format!("{i},{:03}", y - i * 1000)
            }
            K::YYYY | K::IYYY => {
                let y = if key == K::YYYY {
                    adj_year(tm.year)
                } else {
                    adj_year(cal::iso_year_week(tm.year, tm.mon, tm.mday).0)
                };
                pad(4, fm, y < 0, y)
            }
            K::YYY | K::IYY | K::YY | K::IY | K::Y | K::I => {
                let iso = matches!(key, K::IYY | K::IY | K::I);
                let y = if iso {
                    adj_year(cal::iso_year_week(tm.year, tm.mon, tm.mday).0)
                } else {
                    adj_year(tm.year)
                };
                match key {
                    K::YYY | K::IYY => pad(3, fm, y < 0, y % 1000),
                    K::YY | K::IY => pad(2, fm, y < 0, y % 100),
                    _ => format!("{}", y % 10),
                }
            }
            K::RM | K::RMl => {
                if tm.mon == 0 {
                    continue;
                }
                let Some(r) = usize::try_from(12 - tm.mon)
                    .ok()
                    .and_then(|i| RM_UPPER.get(i))
                else {
                    continue;
                };
                let r = if key == K::RMl {
                    r.to_ascii_lowercase()
                } else {
                    (*r).to_string()
                };
                if fm { r } else { format!("{r:<4}") }
            }
            K::W => ((tm.mday - 1) / 7 + 1).to_string(),
            K::J => date2j(tm.year, tm.mon, tm.mday).to_string(),
            K::FX => String::new(),
        };
        if th && !s.is_empty() {
            s = ordinal(&s, suffix & TH_UPPER != 0);
        }
        out.push_str(&s);
    }
    Ok(out)
}

fn arg_int(a: &[Value], i: usize) -> Result<i64> {
    a.get(i)
        .and_then(Value::as_int)
        .ok_or_else(|| SqlError::internal("argument is not an integer"))
}

fn arg_text(a: &[Value], i: usize) -> Result<&str> {
    a.get(i)
        .and_then(Value::as_text)
        .ok_or_else(|| SqlError::internal("argument is not text"))
}

fn tmtc_for(tm: Tm, tzn: Option<String>, gmtoff: i32) -> TmTc {
    TmTc {
        yday: cal::day_of_year(tm.year, tm.mon, tm.mday),
        tm,
        tzn,
        gmtoff,
        interval: false,
    }
}

pub fn f_timestamp_to_char(_: &Env, a: &[Value]) -> Result<Value> {
    let t = arg_int(a, 0)?;
    let fmt = arg_text(a, 1)?;
    if fmt.is_empty() || t == DT_NOBEGIN || t == DT_NOEND {
        return Ok(Value::Null);
    }
    let t = tmtc_for(timestamp2tm(t), None, 0);
    Ok(Value::Text(to_char_impl(&t, fmt)?))
}

pub fn f_timestamptz_to_char(env: &Env, a: &[Value]) -> Result<Value> {
    let t = arg_int(a, 0)?;
    let fmt = arg_text(a, 1)?;
    if fmt.is_empty() || t == DT_NOBEGIN || t == DT_NOEND {
        return Ok(Value::Null);
    }
    let (tm, off) = super::funcs::local_tm(t, &env.timezone);
    let tc = tmtc_for(tm, Some(env.timezone.abbrev_at_utc(t)), off);
    Ok(Value::Text(to_char_impl(&tc, fmt)?))
}

pub fn f_interval_to_char(_: &Env, a: &[Value]) -> Result<Value> {
    let v: Interval = interval_of(a.first().unwrap_or(&Value::Null))?;
    let fmt = arg_text(a, 1)?;
    if fmt.is_empty() {
        return Ok(Value::Null);
    }
    let it = v.itm();
    let tm = Tm {
        year: it.year,
        mon: it.mon,
        mday: it.mday,
        hour: it.hour,
        min: it.min,
        sec: it.sec,
        usec: it.usec,
    };
    let tc = TmTc {
        yday: (it.year * 12 + it.mon) * 30 + it.mday,
        tm,
        tzn: None,
        gmtoff: 0,
        interval: true,
    };
    Ok(Value::Text(to_char_impl(&tc, fmt)?))
}

// ---------------------------------------------------------------------------------------------
// to_date / to_timestamp

/// Fields read from the input (PostgreSQL's `TmFromChar`).
#[derive(Default)]
struct FromChar {
    mode: u8,
    hh: i64,
    pm: i64,
    mi: i64,
    ss: i64,
    ssss: i64,
    d: i64,
    dd: i64,
    ddd: i64,
    mm: i64,
    ms: i64,
    year: i64,
    bc: i64,
    ww: i64,
    w: i64,
    cc: i64,
    j: i64,
    us: i64,
    yysz: i64,
    clock12: bool,
    tzsign: i64,
    tzh: i64,
    tzm: i64,
    ff: i64,
}

fn fmt_err(msg: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::INVALID_DATETIME_FORMAT, msg)
}

fn set_int(dest: &mut i64, value: i64, name: &str) -> Result<()> {
    if *dest != 0 && *dest != value {
        return Err(fmt_err(format!(
            "conflicting values for \"{name}\" field in formatting string"
        ))
        .with_detail("This value contradicts a previous setting for the same field type."));
    }
    *dest = value;
    Ok(())
}

/// Whether the node after `i` cannot start with a digit (so a number may be read greedily).
fn next_is_separator(nodes: &[Node], i: usize) -> bool {
    if let Some(Node::Action { suffix, .. }) = nodes.get(i)
        && suffix & (TH_UPPER | TH_LOWER) != 0
    {
        return true;
    }
    match nodes.get(i + 1) {
        None => true,
        Some(Node::Action { is_digit, .. }) => !is_digit,
        Some(Node::Char(c) | Node::Space(c) | Node::Separator(c)) => !c.is_ascii_digit(),
    }
}

fn skip_space(s: &str) -> &str {
    s.trim_start_matches(|c: char| c.is_ascii_whitespace())
}

/// `strtol` on `s` (leading white space skipped): (value or overflow, bytes read; 0 when
/// there are no digits).
fn strtol(s: &str) -> (Option<i64>, usize) {
    let t = skip_space(s);
    match parse::strtol(t) {
        (v, 0) => (v, 0),
        (v, n) => (v, s.len() - t.len() + n),
    }
}

/// Reads an integer field of `len` characters (or greedily); returns the value and the
/// number of characters consumed.
fn parse_int_len(
    s: &mut &str,
    len: usize,
    nodes: &[Node],
    i: usize,
    name: &str,
    fm: bool,
) -> Result<(i64, usize)> {
    *s = skip_space(s);
    let init = *s;
    let copy: String = init.chars().take(len).collect();
    let (v, used) = if fm || next_is_separator(nodes, i) {
        let (v, used) = strtol(init);
        (v, used)
    } else {
        let avail = copy.chars().count();
        if avail < len {
            return Err(fmt_err(format!(
                "source string too short for \"{name}\" formatting field"
            ))
            .with_detail(format!(
                "Field requires {len} characters, but only {avail} remain."
            ))
            .with_hint(
                "If your source string is not fixed-width, try using the \"FM\" modifier.",
            ));
        }
        let (v, used) = strtol(&copy);
        if used > 0 && used < len {
            return Err(fmt_err(format!("invalid value \"{copy}\" for \"{name}\""))
                .with_detail(format!(
                    "Field requires {len} characters, but only {used} could be parsed."
                ))
                .with_hint(
                    "If your source string is not fixed-width, try using the \"FM\" modifier.",
                ));
        }
        (v, used)
    };
    if used == 0 {
        return Err(fmt_err(format!("invalid value \"{copy}\" for \"{name}\""))
            .with_detail("Value must be an integer."));
    }
    let v = v.filter(|v| i32::try_from(*v).is_ok()).ok_or_else(|| {
        SqlError::new(
            sqlstate::DATETIME_FIELD_OVERFLOW,
            format!("value for \"{name}\" in source string is out of range"),
        )
        .with_detail("Value must be in the range -2147483648 to 2147483647.")
    })?;
    *s = &init[used..];
    Ok((v, used))
}

/// Case-insensitive match of one of `words` at the start of `s`: its index.
fn seq_search(s: &mut &str, words: &[&str], name: &str) -> Result<usize> {
    for (i, w) in words.iter().enumerate() {
        if s.len() >= w.len() && s.is_char_boundary(w.len()) && s[..w.len()].eq_ignore_ascii_case(w)
        {
            *s = &s[w.len()..];
            return Ok(i);
        }
    }
    let copy: String = s.chars().take_while(|c| !c.is_ascii_whitespace()).collect();
    Err(fmt_err(format!("invalid value \"{copy}\" for \"{name}\""))
        .with_detail("The given value did not match any of the allowed values for this field."))
}

fn skip_th(s: &mut &str, suffix: u8) {
    if suffix & (TH_UPPER | TH_LOWER) != 0 {
        let mut it = s.chars();
        for _ in 0..2 {
            if it.next().is_none() {
                break;
            }
        }
        *s = it.as_str();
    }
}

fn adjust_partial_year(y: i64) -> i64 {
    if y < 70 {
        y + 2000
    } else if y < 100 {
        y + 1900
    } else if y < 520 {
        y + 2000
    } else if y < 1000 {
        y + 1000
    } else {
        y
    }
}

const MONTHS_SHORT: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const DAYS_SHORT: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

fn from_char(input: &str, fmt: &str) -> Result<FromChar> {
    let nodes = parse_format(fmt);
    let mut out = FromChar::default();
    let mut s = input;
    let mut fx = false;
    let mut extra_skip: i64 = 0;
    for (i, n) in nodes.iter().enumerate() {
        if s.is_empty() {
            break;
        }
        let is_fx_node = matches!(n, Node::Action { key: K::FX, .. });
        if !fx && !is_fx_node && (matches!(n, Node::Action { .. }) || i == 0) {
            let t = skip_space(s);
            extra_skip += i64::try_from(s.len() - t.len()).unwrap_or(0);
            s = t;
        }
        let (key, name, mode, suffix) = match n {
            Node::Space(_) | Node::Separator(_) => {
                if fx {
                    let mut it = s.chars();
                    it.next();
                    s = it.as_str();
                } else {
                    extra_skip -= 1;
                    if let Some(c) = s.chars().next()
                        && (c.is_ascii_whitespace() || is_separator(c))
                    {
                        s = &s[c.len_utf8()..];
                        extra_skip += 1;
                    }
                }
                continue;
            }
            Node::Char(_) => {
                if !fx && extra_skip > 0 {
                    extra_skip -= 1;
                } else {
                    let mut it = s.chars();
                    it.next();
                    s = it.as_str();
                }
                continue;
            }
            Node::Action {
                key,
                name,
                mode,
                suffix,
                ..
            } => (*key, *name, *mode, *suffix),
        };
        if mode != 0 {
            if out.mode == 0 {
                out.mode = mode;
            } else if out.mode != mode {
                return Err(fmt_err("invalid combination of date conventions").with_hint(
                    "Do not mix Gregorian and ISO week date conventions in a formatting template.",
                ));
            }
        }
        let fm = suffix & FM != 0;
        let key_len = name.len();
        match key {
            K::FX => fx = true,
            K::AMdot | K::PMdot | K::AMdotl | K::PMdotl => {
                let v = seq_search(&mut s, &["a.m.", "p.m.", "A.M.", "P.M."], name)?;
                set_int(&mut out.pm, i64::try_from(v % 2).unwrap_or(0), name)?;
                out.clock12 = true;
            }
            K::AM | K::PM | K::AMl | K::PMl => {
                let v = seq_search(&mut s, &["am", "pm", "AM", "PM"], name)?;
                set_int(&mut out.pm, i64::try_from(v % 2).unwrap_or(0), name)?;
                out.clock12 = true;
            }
            K::HH | K::HH12 => {
                let (v, _) = parse_int_len(&mut s, 2, &nodes, i, name, fm)?;
                set_int(&mut out.hh, v, name)?;
                out.clock12 = true;
                skip_th(&mut s, suffix);
            }
            K::HH24 => {
                let (v, _) = parse_int_len(&mut s, 2, &nodes, i, name, fm)?;
                set_int(&mut out.hh, v, name)?;
                skip_th(&mut s, suffix);
            }
            K::MI
            | K::SS
            | K::SSSS
            | K::SSSSS
            | K::DDD
            | K::DD
            | K::D
            | K::WW
            | K::IW
            | K::CC
            | K::W
            | K::J
            | K::MM => {
                let (v, _) = parse_int_len(&mut s, key_len, &nodes, i, name, fm)?;
                let dest = match key {
                    K::MI => &mut out.mi,
                    K::SS => &mut out.ss,
                    K::SSSS | K::SSSSS => &mut out.ssss,
                    K::DDD => &mut out.ddd,
                    K::DD => &mut out.dd,
                    K::D => &mut out.d,
                    K::WW | K::IW => &mut out.ww,
                    K::CC => &mut out.cc,
                    K::W => &mut out.w,
                    K::J => &mut out.j,
                    _ => &mut out.mm,
                };
                set_int(dest, v, name)?;
                skip_th(&mut s, suffix);
            }
            K::IDDD => {
                let (v, _) = parse_int_len(&mut s, 3, &nodes, i, name, fm)?;
                set_int(&mut out.ddd, v, name)?;
                skip_th(&mut s, suffix);
            }
            K::ID => {
                let (v, _) = parse_int_len(&mut s, 1, &nodes, i, name, fm)?;
                set_int(&mut out.d, v, name)?;
                out.d += 1;
                if out.d > 7 {
                    out.d = 1;
                }
                skip_th(&mut s, suffix);
            }
            K::Q => {
                parse_int_len(&mut s, key_len, &nodes, i, name, fm)?;
                skip_th(&mut s, suffix);
            }
            K::MS => {
                let (v, len) = parse_int_len(&mut s, 3, &nodes, i, name, fm)?;
                let v = v * match len {
                    1 => 100,
                    2 => 10,
                    _ => 1,
                };
                set_int(&mut out.ms, v, name)?;
                skip_th(&mut s, suffix);
            }
            K::FF1 | K::FF2 | K::FF3 | K::FF4 | K::FF5 | K::FF6 | K::US => {
                let len = match key {
                    K::FF1 => 1,
                    K::FF2 => 2,
                    K::FF3 => 3,
                    K::FF4 => 4,
                    K::FF5 => 5,
                    _ => 6,
                };
                if key != K::US {
                    out.ff = i64::try_from(len).unwrap_or(6);
                }
                let (v, used) = parse_int_len(&mut s, len, &nodes, i, name, fm)?;
                let v = v * 10i64.pow(6u32.saturating_sub(u32::try_from(used).unwrap_or(6)));
                set_int(&mut out.us, v, name)?;
                skip_th(&mut s, suffix);
            }
            K::TZl | K::TZu | K::OF => {
                return Err(SqlError::not_supported(format!(
                    "formatting field \"{name}\" is only supported in to_char"
                )));
            }
            K::TZH => {
                match s.chars().next() {
                    Some(c @ ('+' | '-' | ' ')) => {
                        out.tzsign = if c == '-' { -1 } else { 1 };
                        s = &s[1..];
                    }
                    _ => {
                        let prev_minus = extra_skip > 0
                            && input.len() > s.len()
                            && input.as_bytes()[input.len() - s.len() - 1] == b'-';
                        out.tzsign = if prev_minus { -1 } else { 1 };
                    }
                }
                let (v, _) = parse_int_len(&mut s, 2, &nodes, i, name, fm)?;
                set_int(&mut out.tzh, v, name)?;
            }
            K::TZM => {
                if out.tzsign == 0 {
                    out.tzsign = 1;
                }
                let (v, _) = parse_int_len(&mut s, 2, &nodes, i, name, fm)?;
                set_int(&mut out.tzm, v, name)?;
            }
            K::ADdot | K::BCdot | K::ADdotl | K::BCdotl => {
                let v = seq_search(&mut s, &["a.d.", "b.c.", "A.D.", "B.C."], name)?;
                set_int(&mut out.bc, i64::try_from(v % 2).unwrap_or(0), name)?;
            }
            K::AD | K::BC | K::ADl | K::BCl => {
                let v = seq_search(&mut s, &["ad", "bc", "AD", "BC"], name)?;
                set_int(&mut out.bc, i64::try_from(v % 2).unwrap_or(0), name)?;
            }
            K::MONTHu | K::Monthc | K::MONTHl => {
                let v = seq_search(&mut s, &MONTH_NAMES, name)?;
                set_int(&mut out.mm, i64::try_from(v).unwrap_or(0) + 1, name)?;
            }
            K::MONu | K::Monc | K::MONl => {
                let v = seq_search(&mut s, &MONTHS_SHORT, name)?;
                set_int(&mut out.mm, i64::try_from(v).unwrap_or(0) + 1, name)?;
            }
            K::DAYu | K::Dayc | K::DAYl => {
                let v = seq_search(&mut s, &DAY_NAMES, name)?;
                set_int(&mut out.d, i64::try_from(v).unwrap_or(0), name)?;
                out.d += 1;
            }
            K::DYu | K::Dyc | K::DYl => {
                let v = seq_search(&mut s, &DAYS_SHORT, name)?;
                set_int(&mut out.d, i64::try_from(v).unwrap_or(0), name)?;
                out.d += 1;
            }
            K::YCommaYYY => {
                let (m, n1) = strtol(s);
                let rest = &s[n1..];
                let ok = n1 > 0 && rest.starts_with(',');
                let (y, n2) = if ok { strtol(&rest[1..]) } else { (None, 0) };
                let (Some(m), Some(y)) = (m.filter(|_| ok), y.filter(|_| n2 > 0)) else {
                    return Err(fmt_err("invalid input string for \"Y,YYY\""));
                };
                set_int(&mut out.year, m * 1000 + y, name)?;
                out.yysz = 4;
                s = &rest[1 + n2..];
                skip_th(&mut s, suffix);
            }
            K::YYYY | K::IYYY => {
                let (v, _) = parse_int_len(&mut s, 4, &nodes, i, name, fm)?;
                set_int(&mut out.year, v, name)?;
                out.yysz = 4;
                skip_th(&mut s, suffix);
            }
            K::YYY | K::IYY | K::YY | K::IY | K::Y | K::I => {
                let (v, used) = parse_int_len(&mut s, key_len, &nodes, i, name, fm)?;
                let v = if used < 4 { adjust_partial_year(v) } else { v };
                set_int(&mut out.year, v, name)?;
                out.yysz = i64::try_from(key_len).unwrap_or(1);
                skip_th(&mut s, suffix);
            }
            K::RM | K::RMl => {
                let v = seq_search(&mut s, &RM_UPPER, name)?;
                set_int(&mut out.mm, 12 - i64::try_from(v).unwrap_or(0), name)?;
            }
        }
        if !fx {
            let t = skip_space(s);
            extra_skip = i64::try_from(s.len() - t.len()).unwrap_or(0);
            s = t;
        }
    }
    Ok(out)
}

/// Which date fields the input gave (to check them once all are read).
#[derive(Default)]
struct Given {
    year: bool,
    month: bool,
    day: bool,
}

impl Given {
    /// Sets the whole date from Julian day `j`.
    fn set_date(&mut self, tm: &mut Tm, j: i64) {
        let (y, m, d) = j2date(j);
        tm.year = y;
        tm.mon = m;
        tm.mday = d;
        self.year = true;
        self.month = true;
        self.day = true;
    }
}

/// Builds the fields from the parsed pieces (PostgreSQL's `do_to_timestamp`): the local
/// fields, and the zone offset (seconds east) when the input gave one.
fn do_to_timestamp(input: &str, fmt: &str) -> Result<(Tm, Option<i32>, i64)> {
    let mut f = from_char(input, fmt)?;
    let mut tm = Tm {
        year: 0,
        mon: 1,
        mday: 1,
        ..Tm::default()
    };
    let mut given = Given::default();
    if f.ssss != 0 {
        let x = f.ssss;
        tm.hour = x / 3600;
        tm.min = x % 3600 / 60;
        tm.sec = x % 60;
    }
    if f.ss != 0 {
        tm.sec = f.ss;
    }
    if f.mi != 0 {
        tm.min = f.mi;
    }
    if f.hh != 0 {
        tm.hour = f.hh;
    }
    if f.clock12 {
        if tm.hour < 1 || tm.hour > 12 {
            return Err(fmt_err(format!(
                "hour \"{}\" is invalid for the 12-hour clock",
                tm.hour
            ))
            .with_hint("Use the 24-hour clock, or give an hour between 1 and 12."));
        }
        if f.pm != 0 && tm.hour < 12 {
            tm.hour += 12;
        } else if f.pm == 0 && tm.hour == 12 {
            tm.hour = 0;
        }
    }
    if f.year != 0 {
        if f.cc != 0 && f.yysz <= 2 {
            if f.bc != 0 {
                f.cc = -f.cc;
            }
            tm.year = f.year % 100;
            if tm.year != 0 {
                if f.cc >= 0 {
                    tm.year += (f.cc - 1) * 100;
                } else {
                    tm.year = (f.cc + 1) * 100 - tm.year + 1;
                }
            } else {
                tm.year = f.cc * 100 + i64::from(f.cc < 0);
            }
        } else {
            tm.year = f.year;
            if f.bc != 0 {
                tm.year = -tm.year;
            }
            if tm.year < 0 {
                tm.year += 1;
            }
        }
        given.year = true;
    } else if f.cc != 0 {
        if f.bc != 0 {
            f.cc = -f.cc;
        }
        tm.year = if f.cc >= 0 {
            (f.cc - 1) * 100 + 1
        } else {
            f.cc * 100 + 1
        };
        given.year = true;
    }
    if f.j != 0 {
        given.set_date(&mut tm, f.j);
    }
    if f.ww != 0 {
        if f.mode == 2 {
            let wd = if f.d != 0 {
                // Sunday = 1 … Saturday = 7 → ISO weekday (Monday = 1 … Sunday = 7).
                if f.d == 1 { 7 } else { f.d - 1 }
            } else {
                1
            };
            let j = cal::iso_week_date_to_j(tm.year, f.ww, wd);
            given.set_date(&mut tm, j);
        } else {
            f.ddd = (f.ww - 1) * 7 + 1;
        }
    }
    if f.w != 0 {
        f.dd = (f.w - 1) * 7 + 1;
    }
    if f.dd != 0 {
        tm.mday = f.dd;
        given.day = true;
    }
    if f.mm != 0 {
        tm.mon = f.mm;
        given.month = true;
    }
    if f.ddd != 0 && (tm.mon <= 1 || tm.mday <= 1) {
        if tm.year == 0 && f.bc == 0 {
            return Err(fmt_err(
                "cannot calculate day of year without year information",
            ));
        }
        if f.mode == 2 {
            let j0 = cal::iso_week_date_to_j(tm.year, 1, 1) - 1;
            given.set_date(&mut tm, j0 + f.ddd);
        } else {
            let mut cum = 0;
            let mut month = 13;
            let mut before = 0;
            for m in 1..=12 {
                let next = cum + days_in_month(tm.year, m);
                if f.ddd <= next {
                    month = m;
                    before = cum;
                    break;
                }
                cum = next;
            }
            if month == 13 {
                before = cum;
            }
            if tm.mon <= 1 {
                tm.mon = month;
            }
            if tm.mday <= 1 {
                tm.mday = f.ddd - before;
            }
            given.month = true;
            given.day = true;
        }
    }
    let mut usec = 0;
    if f.ms != 0 {
        usec += f.ms * 1000;
    }
    if f.us != 0 {
        usec += f.us;
    }
    tm.usec = usec;
    let overflow = || DtErr::FieldOverflow.into_error(input, "timestamp");
    if given.year || given.month || given.day {
        if given.month && !(1..=12).contains(&tm.mon) {
            return Err(overflow());
        }
        if given.day && !(1..=31).contains(&tm.mday) {
            return Err(overflow());
        }
        if given.year && given.month && given.day && tm.mday > days_in_month(tm.year, tm.mon) {
            return Err(overflow());
        }
    }
    if !(0..24).contains(&tm.hour)
        || !(0..60).contains(&tm.min)
        || !(0..60).contains(&tm.sec)
        || !(0..USECS_PER_SEC).contains(&usec)
    {
        return Err(overflow());
    }
    let tz = if f.tzsign != 0 {
        if !(0..=15).contains(&f.tzh) || !(0..60).contains(&f.tzm) {
            return Err(DtErr::TzDispOverflow.into_error(input, "timestamp"));
        }
        let secs = (f.tzh * 3600 + f.tzm * 60) * f.tzsign;
        Some(i32::try_from(secs).unwrap_or(0))
    } else {
        None
    };
    Ok((tm, tz, f.ff))
}

pub fn f_to_timestamp(env: &Env, a: &[Value]) -> Result<Value> {
    let input = arg_text(a, 0)?;
    let fmt = arg_text(a, 1)?;
    let (tm, tz, ff) = do_to_timestamp(input, fmt)?;
    let off = match tz {
        Some(o) => o,
        None => parse::zone_offset_for(&tm, &env.timezone),
    };
    let t = tm_to_timestamp(&tm, off).ok_or_else(|| range_error("timestamp"))?;
    let t = if ff != 0 {
        super::round_timestamp(t, i32::try_from(ff).unwrap_or(6))?
    } else {
        t
    };
    Ok(Value::Int(t))
}

pub fn f_to_date(_: &Env, a: &[Value]) -> Result<Value> {
    let input = arg_text(a, 0)?;
    let fmt = arg_text(a, 1)?;
    let (tm, _, _) = do_to_timestamp(input, fmt)?;
    let bad = || {
        SqlError::new(
            sqlstate::DATETIME_FIELD_OVERFLOW,
            format!("date out of range: \"{input}\""),
        )
    };
    if !valid_julian(tm.year, tm.mon) {
        return Err(bad());
    }
    let d = date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE;
    if !valid_date(d) {
        return Err(bad());
    }
    Ok(Value::Int(d))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::tz::TimeZone;

    fn ts(s: &str) -> i64 {
        super::super::timestamp_in(&Env::default(), s, -1)
            .unwrap()
            .as_int()
            .unwrap()
    }

    fn tc(t: &str, fmt: &str) -> String {
        match f_timestamp_to_char(&Env::default(), &[Value::Int(ts(t)), Value::from(fmt)]) {
            Ok(Value::Text(s)) => s,
            Ok(v) => format!("{v:?}"),
            Err(e) => format!("ERROR {}: {}", e.sqlstate, e.message),
        }
    }

    #[test]
    fn to_char_timestamp_patterns() {
        let t = "2024-01-31 13:04:05.678912";
        assert_eq!(tc(t, "YYYY-MM-DD HH24:MI:SS"), "2024-01-31 13:04:05");
        assert_eq!(tc(t, "YYYY YYY YY Y"), "2024 024 24 4");
        assert_eq!(
            tc(t, "Month Mon month MONTH"),
            "January   Jan january   JANUARY  "
        );
        assert_eq!(tc(t, "FMMonth"), "January");
        assert_eq!(
            tc(t, "Day Dy DAY day FMDay"),
            "Wednesday Wed WEDNESDAY wednesday Wednesday"
        );
        assert_eq!(
            tc(t, "DDD D ID IW IYYY WW W Q CC J"),
            "031 4 3 05 2024 05 5 1 21 2460341"
        );
        assert_eq!(tc(t, "HH HH12 AM am P.M. pm"), "01 01 PM pm P.M. pm");
        assert_eq!(
            tc(t, "MS US FF1 FF2 FF3 FF4 FF5 FF6"),
            "678 678912 6 67 678 6789 67891 678912"
        );
        assert_eq!(tc(t, "SSSS SSSSS"), "47045 47045");
        assert_eq!(tc(t, "DDth DDTH FMDDth"), "31st 31ST 31st");
        assert_eq!(tc("2024-01-02", "DDth FMDDth"), "02nd 2nd");
        assert_eq!(tc("2024-01-11", "DDth"), "11th");
        assert_eq!(tc(t, "\"Year\" YYYY \\\"q\\\""), "Year 2024 \"1\"");
        assert_eq!(tc(t, "RM rm FMRM"), "I    i    I");
        assert_eq!(tc(t, "Y,YYY"), "2,024");
        assert_eq!(tc(t, "TZ tz OF TZH:TZM"), "  +00 +00:00");
        assert_eq!(
            tc("0044-03-15 BC", "YYYY BC B.C. ad CC"),
            "0044 BC B.C. bc -01"
        );
        assert_eq!(tc(t, "FMHH12:MI am"), "1:04 pm");
        assert_eq!(
            tc("2024-01-31 09:00", "AD A.D. a.d. ad AM A.M. a.m. am"),
            "AD A.D. a.d. ad AM A.M. a.m. am"
        );
        assert_eq!(tc(t, "HH24:MI:SS.MS"), "13:04:05.678");
    }

    #[test]
    fn to_char_timestamptz_and_interval() {
        let env = Env {
            timezone: TimeZone::parse("America/New_York").unwrap(),
            ..Env::default()
        };
        let v = super::super::timestamptz_in(&env, "2024-07-01 12:00", -1).unwrap();
        let r =
            f_timestamptz_to_char(&env, &[v, Value::from("YYYY-MM-DD HH24:MI TZ tz OF")]).unwrap();
        assert_eq!(r, Value::from("2024-07-01 12:00 EDT edt -04"));
        let iv = super::super::interval_in(&env, "1 year 2 mons 3 days 04:05:06.5", -1).unwrap();
        let r = f_interval_to_char(&env, &[iv.clone(), Value::from("YYYY MM DD HH24:MI:SS.MS")])
            .unwrap();
        assert_eq!(r, Value::from("0001 02 03 04:05:06.500"));
        let e = f_interval_to_char(&env, &[iv, Value::from("Month")]).unwrap_err();
        assert_eq!(
            e.message,
            "invalid format specification for an interval value"
        );
        assert_eq!(
            f_timestamp_to_char(&env, &[Value::Int(DT_NOEND), Value::from("YYYY")]).unwrap(),
            Value::Null
        );
    }

    fn to_ts(input: &str, fmt: &str) -> String {
        let env = Env::default();
        match f_to_timestamp(&env, &[Value::from(input), Value::from(fmt)]) {
            Ok(v) => super::super::timestamptz_out(&env, &v),
            Err(e) => format!("ERROR {}: {}", e.sqlstate, e.message),
        }
    }

    fn to_d(input: &str, fmt: &str) -> String {
        let env = Env::default();
        match f_to_date(&env, &[Value::from(input), Value::from(fmt)]) {
            Ok(v) => super::super::date_out(&env, &v),
            Err(e) => format!("ERROR {}: {}", e.sqlstate, e.message),
        }
    }

    #[test]
    fn to_timestamp_and_to_date() {
        assert_eq!(to_ts("12:00", "HH24:MI"), "0001-01-01 12:00:00+00 BC");
        assert_eq!(to_d("2024 031", "YYYY DDD"), "2024-01-31");
        assert_eq!(
            to_ts("2024-01-31 -05:30", "YYYY-MM-DD TZH:TZM"),
            "2024-01-31 05:30:00+00"
        );
        assert_eq!(
            to_ts("05 Dec 2000", "DD Mon YYYY"),
            "2000-12-05 00:00:00+00"
        );
        assert_eq!(to_ts("2000    JUN", "YYYY MON"), "2000-06-01 00:00:00+00");
        assert_eq!(to_ts("2000JUN", "YYYY MON"), "2000-06-01 00:00:00+00");
        assert_eq!(to_d("20240131", "YYYYMMDD"), "2024-01-31");
        assert_eq!(
            to_ts("2011-12-18 11:38 PM", "YYYY-MM-DD HH12:MI PM"),
            "2011-12-18 23:38:00+00"
        );
        assert_eq!(to_d("2024", "YYYYMMDD"), "2024-01-01");
        assert_eq!(
            to_d("2024-02-30", "YYYY-MM-DD"),
            "ERROR 22008: date/time field value out of range: \"2024-02-30\""
        );
        assert_eq!(
            to_d("x", "YYYY"),
            "ERROR 22007: invalid value \"x\" for \"YYYY\""
        );
        assert_eq!(
            to_d("2024 fox", "YYYY MON"),
            "ERROR 22007: invalid value \"fox\" for \"MON\""
        );
        assert_eq!(
            to_ts("13:00 PM", "HH12:MI PM"),
            "ERROR 22007: hour \"13\" is invalid for the 12-hour clock"
        );
        assert_eq!(
            to_d("20241", "YYYYMMDD"),
            "ERROR 22007: source string too short for \"MM\" formatting field"
        );
        assert_eq!(
            to_d("1 2 3", "Y,YYY"),
            "ERROR 22007: invalid input string for \"Y,YYY\""
        );
        assert_eq!(
            to_ts("2024-01-31 12:00 EST", "YYYY-MM-DD HH24:MI TZ"),
            "ERROR 0A000: formatting field \"TZ\" is only supported in to_char"
        );
    }
}
