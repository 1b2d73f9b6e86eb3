//! Time zones for `timestamptz`: UTC, fixed offsets, and named zones read from the system
//! time zone database (TZif files under `$TZDIR` or `/usr/share/zoneinfo`, with the POSIX TZ
//! footer rule for instants past the file's table), plus POSIX-style zone strings
//! (`UTC+3`, `EST5EDT`, `<+03>-3<+04>,M3.5.0,M10.5.0/3`).
//!
//! Invariants: offsets are seconds east of Greenwich (ISO sign convention: `+05:30` is 19800);
//! instants are microseconds since 2000-01-01 00:00 UTC (PostgreSQL's epoch). Loaded zones are
//! cached process-wide (immutable once loaded), so `AT TIME ZONE 'Europe/Paris'` per row reads
//! the file once. Nothing here panics on any file content or name.
//!
//! Reading the zone files is the one I/O this crate does. Not supported (documented
//! differences from PostgreSQL): zones with leap-second tables (`right/…`) are refused as
//! PostgreSQL refuses them; a POSIX string naming a daylight zone without rules
//! (`XYZ5ABC`) uses the current US rules (`M3.2.0,M11.1.0`) for every year, where PostgreSQL
//! follows the `posixrules` file's whole history; `SET TIME ZONE` to an interval value is left
//! to the caller (build [`TimeZone::Fixed`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::types::datetime::calendar;
use crate::types::datetime::format::encode_tz;

/// Seconds from 1970-01-01 to 2000-01-01.
const UNIX_TO_PG_SECS: i64 = 946_684_800;
const SECS_PER_DAY: i64 = 86_400;

/// A session's `TimeZone`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeZone {
    Utc,
    /// Seconds east of Greenwich (ISO sign convention: `+05:30` is 19800).
    Fixed(i32),
    /// A zone from the time zone database or a POSIX zone string.
    Named(Arc<Zone>),
}

/// One local time type of a zone: its offset, daylight flag and abbreviation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalType {
    /// Seconds east of UTC.
    pub offset: i32,
    pub is_dst: bool,
    pub abbrev: String,
}

/// A zone's rules: a table of transitions and an optional POSIX rule for later instants.
#[derive(Debug)]
pub struct Zone {
    /// The canonical name (`America/New_York`, `UTC+3`…), as `SHOW timezone` prints it.
    name: String,
    /// Transition instants, Unix seconds, ascending.
    times: Vec<i64>,
    /// The local type (index into `types`) from each transition on.
    idx: Vec<usize>,
    /// At least one entry; `types[0]` applies before the first transition.
    types: Vec<LocalType>,
    /// Applies after the last transition (or always, for a POSIX string).
    rule: Option<PosixRule>,
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Zone {}

/// A POSIX TZ rule: standard time, and optionally daylight time with its yearly rules.
#[derive(Debug, Clone)]
struct PosixRule {
    std: LocalType,
    dst: Option<DstRule>,
}

#[derive(Debug, Clone)]
struct DstRule {
    dst: LocalType,
    start: RuleDate,
    /// Seconds after local midnight (standard time) when daylight time starts.
    start_time: i64,
    end: RuleDate,
    /// Seconds after local midnight (daylight time) when it ends.
    end_time: i64,
}

#[derive(Debug, Clone, Copy)]
enum RuleDate {
    /// `Jn`: day 1..=365, February 29 never counted.
    Julian1(i64),
    /// `n`: day 0..=365, counting February 29.
    Julian0(i64),
    /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    MonthWeekDay(i64, i64, i64),
}

impl TimeZone {
    /// Seconds east of UTC in effect at `utc_micros` (microseconds since 2000-01-01 UTC).
    pub fn offset_at_utc(&self, utc_micros: i64) -> i32 {
        match self {
            TimeZone::Utc => 0,
            TimeZone::Fixed(secs) => *secs,
            TimeZone::Named(z) => z.type_at(micros_to_unix(utc_micros)).offset,
        }
    }

    /// Seconds east of UTC for a local time (microseconds since 2000-01-01, local): the offset
    /// PostgreSQL picks for wall-clock input (in a spring-forward gap the offset before the
    /// transition, in a fall-back overlap the offset after it).
    pub fn offset_for_local(&self, local_micros: i64) -> i32 {
        match self {
            TimeZone::Utc => 0,
            TimeZone::Fixed(secs) => *secs,
            TimeZone::Named(z) => z.offset_for_local(micros_to_unix(local_micros)),
        }
    }

    /// The abbreviation (`EST`, `CEST`, `+05:30`) in effect at `utc_micros`.
    pub fn abbrev_at_utc(&self, utc_micros: i64) -> String {
        match self {
            TimeZone::Utc => "UTC".to_string(),
            TimeZone::Fixed(secs) => encode_tz(*secs),
            TimeZone::Named(z) => z.type_at(micros_to_unix(utc_micros)).abbrev.clone(),
        }
    }

    /// Whether daylight time is in effect at `utc_micros`.
    pub fn is_dst_at_utc(&self, utc_micros: i64) -> bool {
        match self {
            TimeZone::Utc | TimeZone::Fixed(_) => false,
            TimeZone::Named(z) => z.type_at(micros_to_unix(utc_micros)).is_dst,
        }
    }

    /// The name `SHOW timezone` prints.
    pub fn name(&self) -> String {
        match self {
            TimeZone::Utc => "UTC".to_string(),
            TimeZone::Fixed(secs) => {
                let a = encode_tz(*secs);
                format!("<{a}>{}", encode_tz(secs.saturating_neg()))
            }
            TimeZone::Named(z) => z.name.clone(),
        }
    }

    /// The value of `SET TIME ZONE` / `SET timezone = …` with PostgreSQL's accepted spellings:
    /// a number of hours east of Greenwich (`-8`, `5.5`), a zone name from the time zone
    /// database in any letter case (`America/New_York`, `utc`, `Etc/GMT+3`), or a POSIX zone
    /// string (`UTC+3` is three hours *west*, `EST5EDT`, `<+03>-3`). `None` when PostgreSQL
    /// would answer `invalid value for parameter "TimeZone"`.
    pub fn parse(name: &str) -> Option<TimeZone> {
        if let Some(hours) = parse_hours(name) {
            let secs = (hours * -3600.0).trunc();
            if !(-(167.0 * 3600.0)..=(167.0 * 3600.0)).contains(&secs) {
                return None;
            }
            #[expect(clippy::cast_possible_truncation, reason = "range checked above")]
            return Some(TimeZone::Fixed(-(secs as i32)));
        }
        Self::by_name(name)
    }

    /// A zone by name (database name or POSIX string), as `AT TIME ZONE` and timestamp input
    /// look names up after the abbreviations. Numbers are not accepted here.
    pub fn by_name(name: &str) -> Option<TimeZone> {
        if name.eq_ignore_ascii_case("UTC") {
            return Some(TimeZone::Utc);
        }
        load_zone(name).map(TimeZone::Named)
    }

    /// For a dynamic abbreviation (`MSK` → Europe/Moscow): the offset and daylight flag the
    /// abbreviation had in this zone around `utc_micros`, if the zone ever used it.
    pub fn abbrev_meaning(&self, abbrev: &str, utc_micros: i64) -> Option<(i32, bool)> {
        match self {
            TimeZone::Named(z) => z.abbrev_meaning(abbrev, micros_to_unix(utc_micros)),
            _ => None,
        }
    }

    /// The zone's fixed offset when it never changes (no transitions, no daylight rule).
    pub fn fixed_offset(&self) -> Option<i32> {
        match self {
            TimeZone::Utc => Some(0),
            TimeZone::Fixed(s) => Some(*s),
            TimeZone::Named(z) => z.fixed_offset(),
        }
    }
}

/// A whole string that C's `strtod` reads as a number (SET's numeric zone form).
fn parse_hours(s: &str) -> Option<f64> {
    let t = s.trim_start();
    if t.is_empty()
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        || !t.bytes().any(|b| b.is_ascii_digit())
    {
        return None;
    }
    t.parse::<f64>().ok().filter(|f| f.is_finite())
}

fn micros_to_unix(micros: i64) -> i64 {
    micros.div_euclid(1_000_000).saturating_add(UNIX_TO_PG_SECS)
}

impl Zone {
    /// The canonical name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn fixed_offset(&self) -> Option<i32> {
        let first = self.types.first()?.offset;
        let table_fixed = self.idx.iter().all(|&i| self.types[i].offset == first);
        match &self.rule {
            None => table_fixed.then_some(first),
            Some(r) => {
                (table_fixed && r.dst.is_none() && (self.times.is_empty() || r.std.offset == first))
                    .then_some(r.std.offset)
            }
        }
    }

    /// The local type in effect at Unix second `t`.
    fn type_at(&self, t: i64) -> &LocalType {
        let n = self.times.partition_point(|&x| x <= t);
        if n == 0 {
            if self.times.is_empty()
                && let Some(r) = &self.rule
            {
                return r.type_at(t);
            }
            return &self.types[0];
        }
        if n == self.times.len()
            && let Some(r) = &self.rule
        {
            return r.type_at(t);
        }
        &self.types[self.idx[n - 1]]
    }

    /// The first transition strictly after `t` where the offset or daylight flag changes:
    /// its instant and the type from then on.
    fn next_change_after(&self, t: i64) -> Option<(i64, &LocalType)> {
        let cur = self.type_at(t);
        let mut n = self.times.partition_point(|&x| x <= t);
        while n < self.times.len() {
            let ty = &self.types[self.idx[n]];
            if ty.offset != cur.offset || ty.is_dst != cur.is_dst {
                return Some((self.times[n], ty));
            }
            n += 1;
        }
        let rule = self.rule.as_ref()?;
        let from = match self.times.last() {
            Some(&last) => t.max(last),
            None => t,
        };
        let (at, ty) = rule.next_transition_after(from)?;
        // A rule change back to the type already in effect is no change.
        if ty.offset == cur.offset && ty.is_dst == cur.is_dst {
            return rule.next_transition_after(at);
        }
        Some((at, ty))
    }

    /// PostgreSQL's choice of offset for wall-clock time `local` (Unix seconds as if UTC).
    fn offset_for_local(&self, local: i64) -> i32 {
        let prev = local.saturating_sub(SECS_PER_DAY);
        let before = self.type_at(prev).offset;
        let Some((boundary, after_ty)) = self.next_change_after(prev) else {
            return before;
        };
        let after = after_ty.offset;
        let before_time = local.saturating_sub(before.into());
        let after_time = local.saturating_sub(after.into());
        if before_time < boundary && after_time < boundary {
            return before;
        }
        if before_time > boundary && after_time >= boundary {
            return after;
        }
        if before_time > after_time {
            before
        } else {
            after
        }
    }

    fn abbrev_meaning(&self, abbrev: &str, t: i64) -> Option<(i32, bool)> {
        let matches = |ty: &LocalType| ty.abbrev.eq_ignore_ascii_case(abbrev);
        let n = self.times.partition_point(|&x| x <= t);
        if n == self.times.len()
            && let Some(r) = &self.rule
        {
            if matches(&r.std) {
                return Some((r.std.offset, r.std.is_dst));
            }
            if let Some(d) = &r.dst
                && matches(&d.dst)
            {
                return Some((d.dst.offset, d.dst.is_dst));
            }
        }
        for i in (0..n).rev() {
            let ty = &self.types[self.idx[i]];
            if matches(ty) {
                return Some((ty.offset, ty.is_dst));
            }
        }
        if matches(&self.types[0]) {
            return Some((self.types[0].offset, self.types[0].is_dst));
        }
        for i in n..self.times.len() {
            let ty = &self.types[self.idx[i]];
            if matches(ty) {
                return Some((ty.offset, ty.is_dst));
            }
        }
        None
    }
}

impl PosixRule {
    fn type_at(&self, t: i64) -> &LocalType {
        let Some(d) = &self.dst else {
            return &self.std;
        };
        let year = year_of(t.saturating_add(self.std.offset.into()));
        let (start, end) = d.transitions(year, self.std.offset);
        let in_dst = if start < end {
            t >= start && t < end
        } else {
            !(t >= end && t < start)
        };
        if in_dst { &d.dst } else { &self.std }
    }

    fn next_transition_after(&self, t: i64) -> Option<(i64, &LocalType)> {
        let d = self.dst.as_ref()?;
        let year = year_of(t.saturating_add(self.std.offset.into()));
        let mut best: Option<(i64, &LocalType)> = None;
        for y in [year.saturating_sub(1), year, year.saturating_add(1)] {
            let (start, end) = d.transitions(y, self.std.offset);
            for (at, ty) in [(start, &d.dst), (end, &self.std)] {
                if at > t && best.is_none_or(|(b, _)| at < b) {
                    best = Some((at, ty));
                }
            }
        }
        best
    }
}

impl DstRule {
    /// The year's start and end of daylight time, Unix seconds.
    fn transitions(&self, year: i64, std_offset: i32) -> (i64, i64) {
        let start = rule_day(self.start, year)
            .saturating_mul(SECS_PER_DAY)
            .saturating_add(self.start_time)
            .saturating_sub(std_offset.into());
        let end = rule_day(self.end, year)
            .saturating_mul(SECS_PER_DAY)
            .saturating_add(self.end_time)
            .saturating_sub(self.dst.offset.into());
        (start, end)
    }
}

fn is_leap(y: i64) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    calendar::date2j(y, m, d) - calendar::UNIX_EPOCH_JDATE
}

/// The year of Unix second `t`.
fn year_of(t: i64) -> i64 {
    calendar::j2date(t.div_euclid(SECS_PER_DAY) + calendar::UNIX_EPOCH_JDATE).0
}

/// Days since 1970-01-01 of a rule date in `year`.
fn rule_day(r: RuleDate, year: i64) -> i64 {
    let jan1 = days_from_civil(year, 1, 1);
    match r {
        RuleDate::Julian1(n) => {
            let mut d = jan1 + n - 1;
            if is_leap(year) && n >= 60 {
                d += 1;
            }
            d
        }
        RuleDate::Julian0(n) => jan1 + n,
        RuleDate::MonthWeekDay(m, w, wd) => {
            let first = days_from_civil(year, m, 1);
            // 1970-01-01 was a Thursday (4).
            let first_wd = (first + 4).rem_euclid(7);
            let mut d = first + (wd - first_wd).rem_euclid(7) + (w - 1) * 7;
            let mdays = match m {
                2 if is_leap(year) => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            while d >= first + mdays {
                d -= 7;
            }
            d
        }
    }
}

// ---------------------------------------------------------------------------------------------
// POSIX TZ strings

struct PosixParser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl PosixParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn name(&mut self) -> Option<String> {
        if self.peek() == Some(b'<') {
            self.pos += 1;
            let start = self.pos;
            while let Some(c) = self.peek() {
                if c == b'>' {
                    break;
                }
                if !(c.is_ascii_alphanumeric() || c == b'+' || c == b'-') {
                    return None;
                }
                self.pos += 1;
            }
            let n = std::str::from_utf8(self.s.get(start..self.pos)?).ok()?;
            self.pos += 1; // '>'
            (n.len() >= 3).then(|| n.to_string())
        } else {
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
                self.pos += 1;
            }
            let n = std::str::from_utf8(self.s.get(start..self.pos)?).ok()?;
            (n.len() >= 3).then(|| n.to_string())
        }
    }

    fn number(&mut self, max: i64) -> Option<i64> {
        let start = self.pos;
        let mut v: i64 = 0;
        while let Some(c) = self.peek().filter(u8::is_ascii_digit) {
            v = v.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
            self.pos += 1;
        }
        (self.pos > start && v <= max).then_some(v)
    }

    /// `[+-]hh[:mm[:ss]]` as seconds (sign as written).
    fn hms(&mut self, max_hours: i64) -> Option<i64> {
        let neg = match self.peek() {
            Some(b'-') => {
                self.pos += 1;
                true
            }
            Some(b'+') => {
                self.pos += 1;
                false
            }
            _ => false,
        };
        let mut secs = self.number(max_hours)? * 3600;
        if self.peek() == Some(b':') {
            self.pos += 1;
            secs += self.number(59)? * 60;
            if self.peek() == Some(b':') {
                self.pos += 1;
                secs += self.number(59)?;
            }
        }
        Some(if neg { -secs } else { secs })
    }

    fn rule_date(&mut self) -> Option<RuleDate> {
        match self.peek()? {
            b'J' => {
                self.pos += 1;
                let n = self.number(365)?;
                (n >= 1).then_some(RuleDate::Julian1(n))
            }
            b'M' => {
                self.pos += 1;
                let m = self.number(12)?;
                self.expect(b'.')?;
                let w = self.number(5)?;
                self.expect(b'.')?;
                let d = self.number(6)?;
                (m >= 1 && w >= 1).then_some(RuleDate::MonthWeekDay(m, w, d))
            }
            c if c.is_ascii_digit() => Some(RuleDate::Julian0(self.number(365)?)),
            _ => None,
        }
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.pos += 1)
    }

    fn rule_time(&mut self) -> Option<i64> {
        if self.peek() == Some(b'/') {
            self.pos += 1;
            self.hms(167)
        } else {
            Some(7200)
        }
    }
}

/// Parses a POSIX TZ string (`EST5EDT,M3.2.0,M11.1.0`, `UTC+3`, `<+03>-3`).
fn parse_posix(s: &str) -> Option<PosixRule> {
    let mut p = PosixParser {
        s: s.as_bytes(),
        pos: 0,
    };
    // PostgreSQL also reads a bare offset (`+05`, `-03:30`) as a POSIX zone (hours west).
    let bare = matches!(p.peek(), Some(c) if c == b'+' || c == b'-' || c.is_ascii_digit());
    let std_name = if bare { String::new() } else { p.name()? };
    let std_off = -p.hms(24)?;
    let std_name = if bare {
        encode_tz(i32::try_from(std_off).ok()?)
    } else {
        std_name
    };
    let std = LocalType {
        offset: i32::try_from(std_off).ok()?,
        is_dst: false,
        abbrev: std_name,
    };
    if p.peek().is_none() {
        return Some(PosixRule { std, dst: None });
    }
    let dst_name = p.name()?;
    let dst_off = match p.peek() {
        Some(c) if c == b'+' || c == b'-' || c.is_ascii_digit() => -p.hms(24)?,
        _ => std_off + 3600,
    };
    let dst = LocalType {
        offset: i32::try_from(dst_off).ok()?,
        is_dst: true,
        abbrev: dst_name,
    };
    let (start, start_time, end, end_time) = if p.peek().is_none() {
        (
            RuleDate::MonthWeekDay(3, 2, 0),
            7200,
            RuleDate::MonthWeekDay(11, 1, 0),
            7200,
        )
    } else {
        p.expect(b',')?;
        let start = p.rule_date()?;
        let start_time = p.rule_time()?;
        p.expect(b',')?;
        let end = p.rule_date()?;
        let end_time = p.rule_time()?;
        (start, start_time, end, end_time)
    };
    if p.peek().is_some() {
        return None;
    }
    Some(PosixRule {
        std,
        dst: Some(DstRule {
            dst,
            start,
            start_time,
            end,
            end_time,
        }),
    })
}

// ---------------------------------------------------------------------------------------------
// TZif files

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.b.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }
    fn u32(&mut self) -> Option<u32> {
        let s = self.take(4)?;
        Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn i32(&mut self) -> Option<i32> {
        self.u32().map(|v| i32::from_be_bytes(v.to_be_bytes()))
    }
    fn i64(&mut self) -> Option<i64> {
        let s = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        Some(i64::from_be_bytes(a))
    }
}

struct Counts {
    isut: usize,
    isstd: usize,
    leap: usize,
    time: usize,
    types: usize,
    chars: usize,
}

fn header(r: &mut Reader<'_>) -> Option<(u8, Counts)> {
    if r.take(4)? != b"TZif" {
        return None;
    }
    let version = r.take(1)?[0];
    r.take(15)?;
    let mut c = [0usize; 6];
    for v in &mut c {
        *v = usize::try_from(r.u32()?).ok()?;
    }
    Some((
        version,
        Counts {
            isut: c[0],
            isstd: c[1],
            leap: c[2],
            time: c[3],
            types: c[4],
            chars: c[5],
        },
    ))
}

/// Parses a TZif file into a zone named `name`. `None` for anything malformed or using
/// leap seconds.
fn parse_tzif(name: &str, data: &[u8]) -> Option<Zone> {
    let mut r = Reader { b: data, pos: 0 };
    let (version, c) = header(&mut r)?;
    let mut wide = false;
    let c = if version >= b'2' {
        // Skip the version 1 block; the 64-bit block follows.
        let v1 = c.time * 5 + c.types * 6 + c.chars + c.leap * 8 + c.isstd + c.isut;
        r.take(v1)?;
        wide = true;
        header(&mut r)?.1
    } else {
        c
    };
    if c.leap > 0 || c.types == 0 || c.types > 256 {
        return None;
    }
    let mut times = Vec::with_capacity(c.time);
    for _ in 0..c.time {
        times.push(if wide { r.i64()? } else { i64::from(r.i32()?) });
    }
    let mut idx = Vec::with_capacity(c.time);
    for &b in r.take(c.time)? {
        let i = usize::from(b);
        if i >= c.types {
            return None;
        }
        idx.push(i);
    }
    let mut raw_types = Vec::with_capacity(c.types);
    for _ in 0..c.types {
        let off = r.i32()?;
        let dst = r.take(1)?[0] != 0;
        let ai = usize::from(r.take(1)?[0]);
        raw_types.push((off, dst, ai));
    }
    let chars = r.take(c.chars)?;
    r.take(c.isstd + c.isut)?;
    let mut types = Vec::with_capacity(c.types);
    for (off, dst, ai) in raw_types {
        let tail = chars.get(ai..)?;
        let end = tail.iter().position(|&b| b == 0).unwrap_or(tail.len());
        let abbrev = String::from_utf8_lossy(&tail[..end]).into_owned();
        types.push(LocalType {
            offset: off,
            is_dst: dst,
            abbrev,
        });
    }
    if times.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    let mut rule = None;
    if wide {
        let rest = data.get(r.pos..)?;
        if let Some(body) = rest.strip_prefix(b"\n") {
            let end = body.iter().position(|&b| b == b'\n')?;
            let footer = std::str::from_utf8(&body[..end]).ok()?;
            if !footer.is_empty() {
                rule = parse_posix(footer);
            }
        }
    }
    Some(Zone {
        name: name.to_string(),
        times,
        idx,
        types,
        rule,
    })
}

fn zoneinfo_dir() -> PathBuf {
    match std::env::var_os("TZDIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from("/usr/share/zoneinfo"),
    }
}

/// Finds `name` under `dir`, matching each path component without regard to letter case as
/// PostgreSQL does; returns the file and the name as spelled on disk.
fn find_file(dir: &Path, name: &str) -> Option<(PathBuf, String)> {
    let mut path = dir.to_path_buf();
    let mut canon: Vec<String> = Vec::new();
    for comp in name.split('/') {
        if comp.is_empty() || comp == "." || comp == ".." {
            return None;
        }
        let exact = path.join(comp);
        if exact.exists() {
            path = exact;
            canon.push(comp.to_string());
            continue;
        }
        let entry = std::fs::read_dir(&path).ok()?.flatten().find(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(comp))
        })?;
        canon.push(entry.file_name().to_str()?.to_string());
        path = entry.path();
    }
    path.is_file().then(|| (path, canon.join("/")))
}

fn valid_zone_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('/')
        && name.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'/' | b'_' | b'-' | b'+' | b'.' | b'<' | b'>' | b',' | b':'
                )
        })
}

type ZoneCache = Mutex<HashMap<String, Option<Arc<Zone>>>>;

/// Loaded zones by upper-cased name, misses too; at most `CACHE_LIMIT` names (past that,
/// lookups read the file each time), so arbitrary POSIX strings cannot grow it without bound.
fn cache() -> &'static ZoneCache {
    static CACHE: OnceLock<ZoneCache> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

const CACHE_LIMIT: usize = 4096;

fn load_zone(name: &str) -> Option<Arc<Zone>> {
    if !valid_zone_name(name) {
        return None;
    }
    let key = name.to_ascii_uppercase();
    if let Ok(c) = cache().lock()
        && let Some(z) = c.get(&key)
    {
        return z.clone();
    }
    let zone = load_uncached(name, &key).map(Arc::new);
    if let Ok(mut c) = cache().lock()
        && c.len() < CACHE_LIMIT
    {
        c.insert(key, zone.clone());
    }
    zone
}

fn load_uncached(name: &str, upper: &str) -> Option<Zone> {
    if upper == "GMT" {
        return parse_posix("GMT0").map(|rule| Zone {
            name: "GMT".into(),
            times: Vec::new(),
            idx: Vec::new(),
            types: vec![rule.std.clone()],
            rule: Some(rule),
        });
    }
    if !name.contains(['<', '>', ',', ':'])
        && let Some((path, canon)) = find_file(&zoneinfo_dir(), name)
        && let Ok(data) = std::fs::read(&path)
        && data.len() <= 1 << 20
        && let Some(z) = parse_tzif(&canon, &data)
    {
        return Some(z);
    }
    let rule = parse_posix(upper)?;
    Some(Zone {
        name: upper.to_string(),
        times: Vec::new(),
        idx: Vec::new(),
        types: vec![rule.std.clone()],
        rule: Some(rule),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Microseconds since 2000-01-01 of a UTC date and time.
    fn at(y: i64, m: i64, d: i64, h: i64, mi: i64) -> i64 {
        ((days_from_civil(y, m, d) * SECS_PER_DAY + h * 3600 + mi * 60) - UNIX_TO_PG_SECS)
            * 1_000_000
    }

    #[test]
    fn names_parse_like_set_timezone() {
        let ny = TimeZone::parse("america/new_york").unwrap();
        assert_eq!(ny.name(), "America/New_York");
        assert_eq!(TimeZone::parse("utc+3").unwrap().name(), "UTC+3");
        assert_eq!(TimeZone::parse("est5edt").unwrap().name(), "EST5EDT");
        assert_eq!(TimeZone::parse("+3").unwrap().name(), "<+03>-03");
        assert_eq!(TimeZone::parse("-8").unwrap().name(), "<-08>+08");
        assert_eq!(TimeZone::parse("5.5").unwrap().name(), "<+05:30>-05:30");
        assert_eq!(TimeZone::parse("-3.25").unwrap().name(), "<-03:15>+03:15");
        assert_eq!(TimeZone::parse("gmt").unwrap().name(), "GMT");
        assert!(TimeZone::parse("PST").is_none());
        assert!(TimeZone::parse("Z").is_none());
        assert!(TimeZone::parse("foo").is_none());
        assert!(TimeZone::parse("../../etc/passwd").is_none());
        assert!(TimeZone::parse("America/New_York,M3").is_none());
        assert!(TimeZone::parse("").is_none());
    }

    #[test]
    fn offsets_follow_the_database_and_rules() {
        let ny = TimeZone::parse("America/New_York").unwrap();
        assert_eq!(ny.offset_at_utc(at(2024, 7, 1, 12, 0)), -4 * 3600);
        assert_eq!(ny.offset_at_utc(at(2024, 1, 1, 12, 0)), -5 * 3600);
        assert_eq!(ny.abbrev_at_utc(at(2024, 7, 1, 12, 0)), "EDT");
        // Past the table: the footer rule.
        assert_eq!(ny.offset_at_utc(at(2100, 7, 1, 12, 0)), -4 * 3600);
        assert_eq!(ny.offset_at_utc(at(2100, 12, 1, 12, 0)), -5 * 3600);
        let utc3 = TimeZone::parse("UTC+3").unwrap();
        assert_eq!(utc3.offset_at_utc(0), -3 * 3600);
        assert_eq!(utc3.abbrev_at_utc(0), "UTC");
        let custom = TimeZone::parse("<+03>-3<+04>,M3.5.0,M10.5.0/3").unwrap();
        assert_eq!(custom.offset_at_utc(at(2024, 7, 1, 12, 0)), 4 * 3600);
        assert_eq!(custom.offset_at_utc(at(2024, 1, 1, 12, 0)), 3 * 3600);
        let kolkata = TimeZone::parse("Asia/Kolkata").unwrap();
        assert_eq!(
            kolkata.offset_at_utc(at(1900, 1, 1, 12, 0)),
            5 * 3600 + 21 * 60 + 10
        );
        assert_eq!(kolkata.abbrev_at_utc(at(1900, 1, 1, 12, 0)), "MMT");
    }

    #[test]
    fn local_times_in_gaps_and_overlaps() {
        let ny = TimeZone::parse("America/New_York").unwrap();
        let local = |y, m, d, h, mi| at(y, m, d, h, mi);
        // Spring forward: 02:30 does not exist; the offset before the jump applies.
        assert_eq!(ny.offset_for_local(local(2024, 3, 10, 2, 30)), -5 * 3600);
        assert_eq!(ny.offset_for_local(local(2024, 3, 10, 3, 0)), -4 * 3600);
        // Fall back: 01:30 happens twice; the offset after the change applies.
        assert_eq!(ny.offset_for_local(local(2024, 11, 3, 1, 30)), -5 * 3600);
        assert_eq!(ny.offset_for_local(local(2024, 11, 3, 0, 59)), -4 * 3600);
        assert_eq!(ny.offset_for_local(local(2100, 7, 1, 12, 0)), -4 * 3600);
    }

    #[test]
    fn dynamic_abbreviations() {
        let msk = TimeZone::parse("Europe/Moscow").unwrap();
        assert_eq!(
            msk.abbrev_meaning("MSK", at(2024, 1, 1, 0, 0)),
            Some((3 * 3600, false))
        );
        assert_eq!(msk.abbrev_meaning("XYZ", at(2024, 1, 1, 0, 0)), None);
    }

    #[test]
    fn garbage_files_do_not_panic() {
        assert!(parse_tzif("x", b"").is_none());
        assert!(parse_tzif("x", b"TZif2").is_none());
        let mut bad = b"TZif2".to_vec();
        bad.extend([0u8; 15]);
        bad.extend([0xffu8; 24]);
        assert!(parse_tzif("x", &bad).is_none());
        assert!(parse_posix("<+03").is_none());
        assert!(parse_posix("EST5EDT,M13.1.0,M11.1.0").is_none());
    }
}
