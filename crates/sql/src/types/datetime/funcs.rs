//! The catalog rows of the date/time types — operators (arithmetic and the cross-type
//! comparisons SQLite cannot do on the stored units), functions (`now`, `date_trunc`,
//! `date_part`/`extract`, `age`, `make_*`, `justify_*`, `timezone`, `date_bin`…), casts and
//! `generate_series` — and their runtime implementations.
//!
//! Invariants: arguments arrive in storage form and results leave in storage form (see the
//! module doc of `datetime`); results depending on the session's `TimeZone` are marked stable;
//! every overflow is PostgreSQL's error, never a wrap or a panic.

use super::calendar::{
    self as cal, DATE_NOBEGIN, DATE_NOEND, DT_NOBEGIN, DT_NOEND, POSTGRES_EPOCH_JDATE, Tm,
    UNIX_EPOCH_JDATE, USECS_PER_DAY, USECS_PER_HOUR, USECS_PER_MINUTE, USECS_PER_SEC, date_of,
    date2j, days_in_month, j2date, j2day, timestamp2tm, valid_date, valid_julian, valid_timestamp,
};
use super::interval::{self, Interval};
use super::parse::{self, DtErr, Tok, Unit};
use super::{EPOCH_TIMESTAMP, interval_of, range_error, tm_to_timestamp, to_char};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::rows::{
    by_typmod_fn, cast, cast_fn, func, not_strict, op, sqlite_comparisons, srf, stable, volatile,
};
use crate::func::{Builtin, CastContext, CastDef, Rows, ScalarFn};
use crate::types::Type;
use crate::types::tz::TimeZone;
use crate::value::Value;

// ---------------------------------------------------------------------------------------------
// Argument helpers

fn int(args: &[Value], i: usize) -> Result<i64> {
    match args.get(i) {
        Some(Value::Int(v)) => Ok(*v),
        #[expect(
            clippy::cast_possible_truncation,
            reason = "SQLite REAL given for an integer"
        )]
        Some(Value::Float(f)) if f.is_finite() => Ok(f.round() as i64),
        _ => Err(SqlError::internal(format!(
            "argument {} is not an integer",
            i + 1
        ))),
    }
}

fn float(args: &[Value], i: usize) -> Result<f64> {
    args.get(i)
        .and_then(Value::as_float)
        .ok_or_else(|| SqlError::internal(format!("argument {} is not a number", i + 1)))
}

fn text(args: &[Value], i: usize) -> Result<&str> {
    match args.get(i) {
        Some(Value::Text(s)) => Ok(s),
        _ => Err(SqlError::internal(format!(
            "argument {} is not text",
            i + 1
        ))),
    }
}

fn iv(args: &[Value], i: usize) -> Result<Interval> {
    interval_of(args.get(i).unwrap_or(&Value::Null))
}

fn iv_value(v: Interval) -> Value {
    Value::Text(interval::to_stored(&v))
}

fn is_finite_ts(t: i64) -> bool {
    t != DT_NOBEGIN && t != DT_NOEND
}

fn is_finite_date(d: i64) -> bool {
    d != DATE_NOBEGIN && d != DATE_NOEND
}

fn ts_range() -> SqlError {
    range_error("timestamp")
}

fn date_range() -> SqlError {
    range_error("date")
}

fn invalid_param(msg: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, msg)
}

// ---------------------------------------------------------------------------------------------
// Conversions between the types

/// Local fields of a timestamptz in `zone`, with the offset (seconds east).
pub fn local_tm(t: i64, zone: &TimeZone) -> (Tm, i32) {
    let off = zone.offset_at_utc(t);
    (
        timestamp2tm(t.saturating_add(i64::from(off) * USECS_PER_SEC)),
        off,
    )
}

/// The UTC instant of local fields in `zone` (PostgreSQL's DST rules for ambiguous times).
fn tm_in_zone(tm: &Tm, zone: &TimeZone) -> Result<i64> {
    let off = parse::zone_offset_for(tm, zone);
    tm_to_timestamp(tm, off).ok_or_else(ts_range)
}

const TIMESTAMP_END_DATE: i64 = 109_203_528 - POSTGRES_EPOCH_JDATE;

fn date_to_timestamp(d: i64) -> Result<i64> {
    match d {
        DATE_NOBEGIN => Ok(DT_NOBEGIN),
        DATE_NOEND => Ok(DT_NOEND),
        d if d >= TIMESTAMP_END_DATE => Err(dt_err("date out of range for timestamp")),
        d => Ok(d * USECS_PER_DAY),
    }
}

/// 22008 with a message of its own.
fn dt_err(msg: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::DATETIME_FIELD_OVERFLOW, msg)
}

fn date_to_timestamptz(env: &Env, d: i64) -> Result<i64> {
    match d {
        DATE_NOBEGIN => Ok(DT_NOBEGIN),
        DATE_NOEND => Ok(DT_NOEND),
        d if d >= TIMESTAMP_END_DATE => Err(dt_err("date out of range for timestamp")),
        d => {
            let (y, m, dd) = date_of(d);
            let tm = Tm {
                year: y,
                mon: m,
                mday: dd,
                ..Tm::default()
            };
            let off = parse::zone_offset_for(&tm, &env.timezone);
            let t = d * USECS_PER_DAY - i64::from(off) * USECS_PER_SEC;
            if valid_timestamp(t) {
                Ok(t)
            } else {
                Err(dt_err("date out of range for timestamp"))
            }
        }
    }
}

fn timestamp_to_timestamptz(env: &Env, t: i64) -> Result<i64> {
    if !is_finite_ts(t) {
        return Ok(t);
    }
    tm_in_zone(&timestamp2tm(t), &env.timezone)
}

fn timestamptz_to_timestamp(env: &Env, t: i64) -> Result<i64> {
    if !is_finite_ts(t) {
        return Ok(t);
    }
    let (tm, _) = local_tm(t, &env.timezone);
    tm_to_timestamp(&tm, 0).ok_or_else(ts_range)
}

fn timestamp_to_date(t: i64) -> Result<i64> {
    match t {
        DT_NOBEGIN => Ok(DATE_NOBEGIN),
        DT_NOEND => Ok(DATE_NOEND),
        t => Ok(t.div_euclid(USECS_PER_DAY)),
    }
}

fn f_date_timestamp(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(date_to_timestamp(int(a, 0)?)?))
}
fn f_date_timestamptz(env: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(date_to_timestamptz(env, int(a, 0)?)?))
}
fn f_timestamp_timestamptz(env: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(timestamp_to_timestamptz(env, int(a, 0)?)?))
}
fn f_timestamptz_timestamp(env: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(timestamptz_to_timestamp(env, int(a, 0)?)?))
}
fn f_timestamp_date(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(timestamp_to_date(int(a, 0)?)?))
}
fn f_timestamptz_date(env: &Env, a: &[Value]) -> Result<Value> {
    let t = timestamptz_to_timestamp(env, int(a, 0)?)?;
    Ok(Value::Int(timestamp_to_date(t)?))
}
fn f_timestamp_time(_: &Env, a: &[Value]) -> Result<Value> {
    let t = int(a, 0)?;
    if !is_finite_ts(t) {
        return Ok(Value::Null);
    }
    Ok(Value::Int(t.rem_euclid(USECS_PER_DAY)))
}
fn f_timestamptz_time(env: &Env, a: &[Value]) -> Result<Value> {
    let t = int(a, 0)?;
    if !is_finite_ts(t) {
        return Ok(Value::Null);
    }
    let l = timestamptz_to_timestamp(env, t)?;
    Ok(Value::Int(l.rem_euclid(USECS_PER_DAY)))
}
fn f_interval_time(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(iv(a, 0)?.micros.rem_euclid(USECS_PER_DAY)))
}
fn f_time_interval(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(Interval {
        months: 0,
        days: 0,
        micros: int(a, 0)?,
    }))
}
fn f_time_scale(_: &Env, a: &[Value]) -> Result<Value> {
    let typmod = i32::try_from(int(a, 1)?).unwrap_or(-1);
    Ok(Value::Int(super::round_time(int(a, 0)?, typmod)))
}
fn f_timestamp_scale(_: &Env, a: &[Value]) -> Result<Value> {
    let typmod = i32::try_from(int(a, 1)?).unwrap_or(-1);
    Ok(Value::Int(super::round_timestamp(int(a, 0)?, typmod)?))
}
fn f_interval_scale(_: &Env, a: &[Value]) -> Result<Value> {
    let typmod = i32::try_from(int(a, 1)?).unwrap_or(-1);
    Ok(iv_value(interval::adjust_for_typmod(iv(a, 0)?, typmod)?))
}
fn f_date_time_timestamp(_: &Env, a: &[Value]) -> Result<Value> {
    let t = date_to_timestamp(int(a, 0)?)?;
    if !is_finite_ts(t) {
        return Ok(Value::Int(t));
    }
    let r = t.checked_add(int(a, 1)?).filter(|r| valid_timestamp(*r));
    Ok(Value::Int(r.ok_or_else(ts_range)?))
}
fn f_time_date_timestamp(env: &Env, a: &[Value]) -> Result<Value> {
    f_date_time_timestamp(env, &[Value::Int(int(a, 1)?), Value::Int(int(a, 0)?)])
}
fn f_date_time_timestamptz(env: &Env, a: &[Value]) -> Result<Value> {
    let t = f_date_time_timestamp(env, a)?;
    Ok(Value::Int(timestamp_to_timestamptz(env, int(&[t], 0)?)?))
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

fn date_pli(d: i64, n: i64) -> Result<i64> {
    if !is_finite_date(d) {
        return Ok(d);
    }
    let r = d.checked_add(n).ok_or_else(date_range)?;
    if !valid_date(r) || i32::try_from(n).is_err() {
        return Err(date_range());
    }
    Ok(r)
}

fn f_date_pli(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(date_pli(int(a, 0)?, int(a, 1)?)?))
}
fn f_int_pl_date(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(date_pli(int(a, 1)?, int(a, 0)?)?))
}
fn f_date_mii(_: &Env, a: &[Value]) -> Result<Value> {
    let n = int(a, 1)?.checked_neg().ok_or_else(date_range)?;
    Ok(Value::Int(date_pli(int(a, 0)?, n)?))
}
fn f_date_mi(_: &Env, a: &[Value]) -> Result<Value> {
    let (x, y) = (int(a, 0)?, int(a, 1)?);
    if !is_finite_date(x) || !is_finite_date(y) {
        return Err(dt_err("cannot subtract infinite dates"));
    }
    Ok(Value::Int(x - y))
}

/// `timestamp + interval` (months and days on the calendar, then the time).
pub fn timestamp_pl_interval(t: i64, span: &Interval) -> Result<i64> {
    if !is_finite_ts(t) {
        return Ok(t);
    }
    let mut t = t;
    if span.months != 0 {
        let mut tm = timestamp2tm(t);
        add_months(&mut tm, span.months);
        t = tm_to_timestamp(&tm, 0).ok_or_else(ts_range)?;
    }
    if span.days != 0 {
        let mut tm = timestamp2tm(t);
        let (y, m, d) = j2date(date2j(tm.year, tm.mon, tm.mday) + i64::from(span.days));
        tm.year = y;
        tm.mon = m;
        tm.mday = d;
        t = tm_to_timestamp(&tm, 0).ok_or_else(ts_range)?;
    }
    let t = t.checked_add(span.micros).ok_or_else(ts_range)?;
    if !valid_timestamp(t) {
        return Err(ts_range());
    }
    Ok(t)
}

fn add_months(tm: &mut Tm, months: i32) {
    let m = tm.mon + i64::from(months);
    if m > 12 {
        tm.year += (m - 1) / 12;
        tm.mon = (m - 1) % 12 + 1;
    } else if m < 1 {
        tm.year += m / 12 - 1;
        tm.mon = m % 12 + 12;
    } else {
        tm.mon = m;
    }
    let dim = days_in_month(tm.year, tm.mon);
    if tm.mday > dim {
        tm.mday = dim;
    }
}

/// `timestamptz + interval`: month and day steps in the session's zone, as PostgreSQL does.
pub fn timestamptz_pl_interval(env: &Env, t: i64, span: &Interval) -> Result<i64> {
    if !is_finite_ts(t) {
        return Ok(t);
    }
    let zone = &env.timezone;
    let mut t = t;
    if span.months != 0 {
        let (mut tm, _) = local_tm(t, zone);
        add_months(&mut tm, span.months);
        t = tm_in_zone(&tm, zone)?;
    }
    if span.days != 0 {
        let (mut tm, _) = local_tm(t, zone);
        let (y, m, d) = j2date(date2j(tm.year, tm.mon, tm.mday) + i64::from(span.days));
        tm.year = y;
        tm.mon = m;
        tm.mday = d;
        t = tm_in_zone(&tm, zone)?;
    }
    let t = t.checked_add(span.micros).ok_or_else(ts_range)?;
    if !valid_timestamp(t) {
        return Err(ts_range());
    }
    Ok(t)
}

/// `timestamp ± interval` over the arguments: the timestamp at position `ts`, the interval at
/// the other, subtracted when `minus`; `add` adds an interval to a timestamp.
fn shifted(
    a: &[Value],
    ts: usize,
    minus: bool,
    add: impl FnOnce(i64, &Interval) -> Result<i64>,
) -> Result<Value> {
    let t = int(a, ts)?;
    let i = iv(a, 1 - ts)?;
    let i = if minus { i.neg()? } else { i };
    Ok(Value::Int(add(t, &i)?))
}

fn f_ts_pl_iv(_: &Env, a: &[Value]) -> Result<Value> {
    shifted(a, 0, false, timestamp_pl_interval)
}
fn f_iv_pl_ts(_: &Env, a: &[Value]) -> Result<Value> {
    shifted(a, 1, false, timestamp_pl_interval)
}
fn f_ts_mi_iv(_: &Env, a: &[Value]) -> Result<Value> {
    shifted(a, 0, true, timestamp_pl_interval)
}
fn f_tz_pl_iv(env: &Env, a: &[Value]) -> Result<Value> {
    shifted(a, 0, false, |t, i| timestamptz_pl_interval(env, t, i))
}
fn f_iv_pl_tz(env: &Env, a: &[Value]) -> Result<Value> {
    shifted(a, 1, false, |t, i| timestamptz_pl_interval(env, t, i))
}
fn f_tz_mi_iv(env: &Env, a: &[Value]) -> Result<Value> {
    shifted(a, 0, true, |t, i| timestamptz_pl_interval(env, t, i))
}
fn f_date_pl_iv(_: &Env, a: &[Value]) -> Result<Value> {
    let t = date_to_timestamp(int(a, 0)?)?;
    Ok(Value::Int(timestamp_pl_interval(t, &iv(a, 1)?)?))
}
fn f_iv_pl_date(_: &Env, a: &[Value]) -> Result<Value> {
    let t = date_to_timestamp(int(a, 1)?)?;
    Ok(Value::Int(timestamp_pl_interval(t, &iv(a, 0)?)?))
}
fn f_date_mi_iv(_: &Env, a: &[Value]) -> Result<Value> {
    let t = date_to_timestamp(int(a, 0)?)?;
    Ok(Value::Int(timestamp_pl_interval(t, &iv(a, 1)?.neg()?)?))
}

fn timestamp_mi(x: i64, y: i64) -> Result<Interval> {
    if !is_finite_ts(x) || !is_finite_ts(y) {
        return Err(dt_err("cannot subtract infinite timestamps"));
    }
    // PostgreSQL 15 does not check this subtraction for overflow.
    let micros = x.wrapping_sub(y);
    Interval {
        months: 0,
        days: 0,
        micros,
    }
    .justify_hours()
}
fn f_ts_mi(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(timestamp_mi(int(a, 0)?, int(a, 1)?)?))
}

fn f_iv_pl(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(iv(a, 0)?.add(&iv(a, 1)?)?))
}
fn f_iv_mi(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(iv(a, 0)?.sub(&iv(a, 1)?)?))
}
fn f_iv_um(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(iv(a, 0)?.neg()?))
}
fn f_iv_mul(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(iv(a, 0)?.mul(float(a, 1)?)?))
}
fn f_mul_iv(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(iv(a, 1)?.mul(float(a, 0)?)?))
}
fn f_iv_div(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(iv(a, 0)?.div(float(a, 1)?)?))
}

fn time_wrap(t: i64) -> i64 {
    t.rem_euclid(USECS_PER_DAY)
}
/// `time + interval`: the interval's time of day added, wrapping around midnight.
fn time_pl_interval(t: i64, span: &Interval) -> i64 {
    time_wrap(t.wrapping_add(span.micros % USECS_PER_DAY))
}
fn f_time_pl_iv(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(time_pl_interval(int(a, 0)?, &iv(a, 1)?)))
}
fn f_iv_pl_time(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(time_pl_interval(int(a, 1)?, &iv(a, 0)?)))
}
fn f_time_mi_iv(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(time_wrap(
        int(a, 0)?.wrapping_sub(iv(a, 1)?.micros % USECS_PER_DAY),
    )))
}
fn f_time_mi_time(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(Interval {
        months: 0,
        days: 0,
        micros: int(a, 0)?.wrapping_sub(int(a, 1)?),
    }))
}

// ---------------------------------------------------------------------------------------------
// Cross-type comparisons

/// Orders a value converted to the other operand's type (`converted`) against `t`. A value
/// past the type's range sorts after every finite value and before infinity — or, when it
/// lies `below` the range, before every finite value and after -infinity.
fn cmp_converted(converted: Result<i64>, below: bool, t: i64) -> std::cmp::Ordering {
    use std::cmp::Ordering::{Greater, Less};
    match converted {
        Ok(x) => x.cmp(&t),
        Err(_) if below => {
            if t == DT_NOBEGIN {
                Greater
            } else {
                Less
            }
        }
        Err(_) if t == DT_NOEND => Less,
        Err(_) => Greater,
    }
}

/// A date as a timestamp for comparison: past the timestamp range it sorts after every finite
/// timestamp and before infinity.
fn date_cmp_ts(d: i64, t: i64) -> std::cmp::Ordering {
    cmp_converted(date_to_timestamp(d), false, t)
}

fn date_cmp_tz(env: &Env, d: i64, t: i64) -> std::cmp::Ordering {
    cmp_converted(date_to_timestamptz(env, d), d < 0, t)
}

fn ts_cmp_tz(env: &Env, x: i64, t: i64) -> std::cmp::Ordering {
    cmp_converted(timestamp_to_timestamptz(env, x), x < 0, t)
}

/// The six comparison operators (`=`, `<>`, `<`, `<=`, `>`, `>=`) of one pair of types, from
/// one ordering of the arguments `$a` and `$b` (and the session `$env`).
macro_rules! cmp_fns {
    ($($a:ident, $b:ident, $env:ident => $cmp:expr =>
        $eq:ident, $ne:ident, $lt:ident, $le:ident, $gt:ident, $ge:ident;)*) => {
        $(
            cmp_fns!(@one $a, $b, $env => $cmp, $eq, |o| o == O::Equal);
            cmp_fns!(@one $a, $b, $env => $cmp, $ne, |o| o != O::Equal);
            cmp_fns!(@one $a, $b, $env => $cmp, $lt, |o| o == O::Less);
            cmp_fns!(@one $a, $b, $env => $cmp, $le, |o| o != O::Greater);
            cmp_fns!(@one $a, $b, $env => $cmp, $gt, |o| o == O::Greater);
            cmp_fns!(@one $a, $b, $env => $cmp, $ge, |o| o != O::Less);
        )*
    };
    (@one $a:ident, $b:ident, $env:ident => $cmp:expr, $name:ident, $test:expr) => {
        fn $name($env: &Env, args: &[Value]) -> Result<Value> {
            let $a = int(args, 0)?;
            let $b = int(args, 1)?;
            let _ = &$env;
            let o: std::cmp::Ordering = $cmp;
            Ok(Value::from(($test)(o)))
        }
    };
}

use std::cmp::Ordering as O;
cmp_fns! {
    d, t, e => date_cmp_ts(d, t) =>
        date_eq_ts, date_ne_ts, date_lt_ts, date_le_ts, date_gt_ts, date_ge_ts;
    t, d, e => date_cmp_ts(d, t).reverse() =>
        ts_eq_date, ts_ne_date, ts_lt_date, ts_le_date, ts_gt_date, ts_ge_date;
    d, t, e => date_cmp_tz(e, d, t) =>
        date_eq_tz, date_ne_tz, date_lt_tz, date_le_tz, date_gt_tz, date_ge_tz;
    t, d, e => date_cmp_tz(e, d, t).reverse() =>
        tz_eq_date, tz_ne_date, tz_lt_date, tz_le_date, tz_gt_date, tz_ge_date;
    x, t, e => ts_cmp_tz(e, x, t) =>
        ts_eq_tz, ts_ne_tz, ts_lt_tz, ts_le_tz, ts_gt_tz, ts_ge_tz;
    t, x, e => ts_cmp_tz(e, x, t).reverse() =>
        tz_eq_ts, tz_ne_ts, tz_lt_ts, tz_le_ts, tz_gt_ts, tz_ge_ts;
}

// ---------------------------------------------------------------------------------------------
// Current time

fn f_now(env: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Int(env.transaction_start))
}
fn f_statement_timestamp(env: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Int(env.statement_start))
}

/// The wall clock, microseconds since 2000-01-01 UTC.
fn clock_now() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX));
    now - 946_684_800 * USECS_PER_SEC
}

fn f_clock_timestamp(_: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Int(clock_now()))
}
fn f_timeofday(env: &Env, _: &[Value]) -> Result<Value> {
    let t = clock_now();
    let (tm, _) = local_tm(t, &env.timezone);
    let wday = j2day(date2j(tm.year, tm.mon, tm.mday));
    let day = cal::DAY_NAMES[usize::try_from(wday).unwrap_or(0)];
    let mon = cal::MONTH_NAMES[usize::try_from(tm.mon - 1).unwrap_or(0)];
    Ok(Value::Text(format!(
        "{} {} {:02} {:02}:{:02}:{:02}.{:06} {} {}",
        &day[..3],
        &mon[..3],
        tm.mday,
        tm.hour,
        tm.min,
        tm.sec,
        tm.usec,
        tm.year,
        env.timezone.abbrev_at_utc(t)
    )))
}
fn f_current_date(env: &Env, _: &[Value]) -> Result<Value> {
    let l = timestamptz_to_timestamp(env, env.transaction_start)?;
    Ok(Value::Int(l.div_euclid(USECS_PER_DAY)))
}
fn f_localtimestamp(env: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::Int(timestamptz_to_timestamp(
        env,
        env.transaction_start,
    )?))
}
fn f_localtimestamp_p(env: &Env, a: &[Value]) -> Result<Value> {
    let t = timestamptz_to_timestamp(env, env.transaction_start)?;
    let p = i32::try_from(int(a, 0)?.clamp(0, 6)).unwrap_or(6);
    Ok(Value::Int(super::round_timestamp(t, p)?))
}
fn f_current_timestamp_p(env: &Env, a: &[Value]) -> Result<Value> {
    let p = i32::try_from(int(a, 0)?.clamp(0, 6)).unwrap_or(6);
    Ok(Value::Int(super::round_timestamp(
        env.transaction_start,
        p,
    )?))
}
fn f_localtime(env: &Env, _: &[Value]) -> Result<Value> {
    let l = timestamptz_to_timestamp(env, env.transaction_start)?;
    Ok(Value::Int(l.rem_euclid(USECS_PER_DAY)))
}
fn f_localtime_p(env: &Env, a: &[Value]) -> Result<Value> {
    let l = timestamptz_to_timestamp(env, env.transaction_start)?;
    let p = i32::try_from(int(a, 0)?.clamp(0, 6)).unwrap_or(6);
    Ok(Value::Int(super::round_time(
        l.rem_euclid(USECS_PER_DAY),
        p,
    )))
}

// ---------------------------------------------------------------------------------------------
// Units for date_trunc / date_part / extract

/// `downcase_truncate_identifier`: ASCII lower case, at most 63 bytes.
fn lower_unit(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if out.len() + c.len_utf8() > 63 {
            break;
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn not_recognized(unit: &str, ty: &str) -> SqlError {
    invalid_param(format!("unit \"{unit}\" not recognized for type {ty}"))
}

fn not_supported(unit: &str, ty: &str) -> SqlError {
    SqlError::not_supported(format!("unit \"{unit}\" not supported for type {ty}"))
}

/// What a `date_part` field names.
enum Field {
    Unit(Unit),
    Epoch,
    /// Another special word (`now`…): not supported.
    Reserved,
    Unknown,
}

fn part_field(low: &str) -> Field {
    match parse::field_unit(low) {
        Some(Tok::Units(u)) => Field::Unit(u),
        Some(Tok::Reserved(parse::Reserved::Epoch)) => Field::Epoch,
        Some(Tok::Reserved(_)) => Field::Reserved,
        _ => Field::Unknown,
    }
}

const TY_TS: &str = "timestamp without time zone";
const TY_TZ: &str = "timestamp with time zone";

// ---------------------------------------------------------------------------------------------
// date_trunc

/// How much of a date/time `date_trunc` clears for a unit: 9 for millennium down to 1 for
/// minute, 0 for second, -1 and -2 for milli- and microsecond; `None` for other units.
fn trunc_rank(u: Unit) -> Option<i32> {
    use Unit as U;
    Some(match u {
        U::Millennium => 9,
        U::Century => 8,
        U::Decade => 7,
        U::Year => 6,
        U::Quarter => 5,
        U::Month => 4,
        U::Day => 3,
        U::Hour => 2,
        U::Minute => 1,
        U::Second => 0,
        U::Millisecond => -1,
        U::Microsecond => -2,
        _ => return None,
    })
}

fn trunc_tm(tm: &mut Tm, u: Unit, low: &str, ty: &str) -> Result<()> {
    use Unit as U;
    match u {
        U::Week => {
            let (iy, w) = cal::iso_year_week(tm.year, tm.mon, tm.mday);
            let (y, m, d) = j2date(cal::iso_week_date_to_j(iy, w, 1));
            tm.year = y;
            tm.mon = m;
            tm.mday = d;
            tm.hour = 0;
            tm.min = 0;
            tm.sec = 0;
            tm.usec = 0;
            return Ok(());
        }
        U::Millennium
        | U::Century
        | U::Decade
        | U::Year
        | U::Quarter
        | U::Month
        | U::Day
        | U::Hour
        | U::Minute
        | U::Second => {}
        U::Millisecond => {
            tm.usec = tm.usec / 1000 * 1000;
            return Ok(());
        }
        U::Microsecond => return Ok(()),
        _ => return Err(not_supported(low, ty)),
    }
    let r = trunc_rank(u).unwrap_or(0);
    if u == U::Millennium {
        tm.year = if tm.year > 0 {
            (tm.year + 999) / 1000 * 1000 - 999
        } else {
            -((999 - (tm.year - 1)) / 1000) * 1000 + 1
        };
    }
    if u == U::Millennium || u == U::Century {
        tm.year = if tm.year > 0 {
            (tm.year + 99) / 100 * 100 - 99
        } else {
            -((99 - (tm.year - 1)) / 100) * 100 + 1
        };
    }
    if u == U::Decade {
        tm.year = if tm.year > 0 {
            tm.year / 10 * 10
        } else {
            -((8 - (tm.year - 1)) / 10) * 10
        };
    }
    if r >= 6 {
        tm.mon = 1;
    }
    if r >= 5 {
        tm.mon = 3 * ((tm.mon - 1) / 3) + 1;
    }
    if r >= 4 {
        tm.mday = 1;
    }
    if r >= 3 {
        tm.hour = 0;
    }
    if r >= 2 {
        tm.min = 0;
    }
    if r >= 1 {
        tm.sec = 0;
    }
    tm.usec = 0;
    Ok(())
}

fn trunc_unit(units: &str, ty: &str) -> Result<(String, Unit)> {
    let low = lower_unit(units);
    match parse::unit_keyword(&low) {
        Some(Tok::Units(u)) => Ok((low, u)),
        _ => Err(not_recognized(&low, ty)),
    }
}

fn f_timestamp_trunc(_: &Env, a: &[Value]) -> Result<Value> {
    let t = int(a, 1)?;
    if !is_finite_ts(t) {
        return Ok(Value::Int(t));
    }
    let (low, u) = trunc_unit(text(a, 0)?, TY_TS)?;
    let mut tm = timestamp2tm(t);
    trunc_tm(&mut tm, u, &low, TY_TS)?;
    Ok(Value::Int(tm_to_timestamp(&tm, 0).ok_or_else(ts_range)?))
}

fn timestamptz_trunc(units: &str, t: i64, zone: &TimeZone) -> Result<i64> {
    if !is_finite_ts(t) {
        return Ok(t);
    }
    let (low, u) = trunc_unit(units, TY_TZ)?;
    let (mut tm, off) = local_tm(t, zone);
    trunc_tm(&mut tm, u, &low, TY_TZ)?;
    let redo = matches!(
        u,
        Unit::Week
            | Unit::Millennium
            | Unit::Century
            | Unit::Decade
            | Unit::Year
            | Unit::Quarter
            | Unit::Month
            | Unit::Day
    );
    let off = if redo {
        parse::zone_offset_for(&tm, zone)
    } else {
        off
    };
    tm_to_timestamp(&tm, off).ok_or_else(ts_range)
}

fn f_timestamptz_trunc(env: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(timestamptz_trunc(
        text(a, 0)?,
        int(a, 1)?,
        &env.timezone,
    )?))
}

fn f_timestamptz_trunc_zone(_: &Env, a: &[Value]) -> Result<Value> {
    let t = int(a, 1)?;
    if !is_finite_ts(t) {
        return Ok(Value::Int(t));
    }
    let zone = zone_for_name(text(a, 2)?)?;
    Ok(Value::Int(timestamptz_trunc(text(a, 0)?, t, &zone)?))
}

fn f_interval_trunc(_: &Env, a: &[Value]) -> Result<Value> {
    let low = lower_unit(text(a, 0)?);
    let u = match parse::unit_keyword(&low) {
        Some(Tok::Units(u)) => u,
        _ => return Err(not_recognized(&low, "interval")),
    };
    let it = iv(a, 1)?.itm();
    let (mut year, mut mon, mut mday, mut hour, mut min, mut sec, mut usec) =
        (it.year, it.mon, it.mday, it.hour, it.min, it.sec, it.usec);
    use Unit as U;
    let Some(r) = trunc_rank(u) else {
        let e = not_supported(&low, "interval");
        return Err(if u == U::Week {
            e.with_detail("Months usually have fractional weeks.")
        } else {
            e
        });
    };
    if r == 9 {
        year = year / 1000 * 1000;
    }
    if r >= 8 {
        year = year / 100 * 100;
    }
    if r >= 7 {
        year = year / 10 * 10;
    }
    if r >= 6 {
        mon = 0;
    }
    if r >= 5 {
        mon = 3 * (mon / 3);
    }
    if r >= 4 {
        mday = 0;
    }
    if r >= 3 {
        hour = 0;
    }
    if r >= 2 {
        min = 0;
    }
    if r >= 1 {
        sec = 0;
    }
    if r >= 0 {
        usec = 0;
    }
    if r == -1 {
        usec = usec / 1000 * 1000;
    }
    itm_to_interval(year, mon, mday, hour, min, sec, usec).map(iv_value)
}

fn itm_to_interval(
    year: i64,
    mon: i64,
    mday: i64,
    hour: i64,
    min: i64,
    sec: i64,
    usec: i64,
) -> Result<Interval> {
    let months = year
        .checked_mul(12)
        .and_then(|m| m.checked_add(mon))
        .and_then(|m| i32::try_from(m).ok())
        .ok_or_else(interval::out_of_range)?;
    let days = i32::try_from(mday).map_err(|_| interval::out_of_range())?;
    let micros = hour
        .checked_mul(USECS_PER_HOUR)
        .and_then(|t| t.checked_add(min.checked_mul(USECS_PER_MINUTE)?))
        .and_then(|t| t.checked_add(sec.checked_mul(USECS_PER_SEC)?))
        .and_then(|t| t.checked_add(usec))
        .ok_or_else(interval::out_of_range)?;
    Ok(Interval {
        months,
        days,
        micros,
    })
}

// ---------------------------------------------------------------------------------------------
// date_part / extract

/// A numeric value `v / 10^scale` as numeric text with exactly `scale` digits.
fn numeric_scaled(v: i128, scale: u32) -> String {
    let neg = v < 0;
    let a = v.unsigned_abs();
    let p = 10u128.pow(scale);
    let (w, f) = (a / p, a % p);
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(&w.to_string());
    if scale > 0 {
        s.push('.');
        s.push_str(&format!("{f:0width$}", width = scale as usize));
    }
    s
}

/// A part result: an integer, or microseconds shown with a scale (seconds: 6, ms: 3).
enum Part {
    Int(i64),
    Scaled(i128, u32),
    /// Exact numeric text and its float value.
    Numeric(String, f64),
    Null,
    Inf(bool),
}

impl Part {
    fn value(self, numeric: bool) -> Value {
        match self {
            Part::Int(i) => {
                if numeric {
                    Value::Text(i.to_string())
                } else {
                    #[expect(clippy::cast_precision_loss, reason = "float8 result")]
                    Value::Float(i as f64)
                }
            }
            Part::Scaled(v, s) => {
                if numeric {
                    Value::Text(numeric_scaled(v, s))
                } else {
                    #[expect(clippy::cast_precision_loss, reason = "float8 result")]
                    Value::Float(v as f64 / 10f64.powi(i32::try_from(s).unwrap_or(0)))
                }
            }
            Part::Numeric(s, f) => {
                if numeric {
                    Value::Text(s)
                } else {
                    Value::Float(f)
                }
            }
            Part::Null => Value::Null,
            Part::Inf(neg) => {
                if numeric {
                    Value::Text(if neg { "-Infinity" } else { "Infinity" }.into())
                } else {
                    Value::Float(if neg {
                        f64::NEG_INFINITY
                    } else {
                        f64::INFINITY
                    })
                }
            }
        }
    }
}

fn year_part(u: Unit, y: i64) -> i64 {
    match u {
        Unit::Year => {
            if y > 0 {
                y
            } else {
                y - 1
            }
        }
        Unit::Decade => {
            if y >= 0 {
                y / 10
            } else {
                -((8 - (y - 1)) / 10)
            }
        }
        Unit::Century => {
            if y > 0 {
                (y + 99) / 100
            } else {
                -((99 - (y - 1)) / 100)
            }
        }
        _ => {
            if y > 0 {
                (y + 999) / 1000
            } else {
                -((999 - (y - 1)) / 1000)
            }
        }
    }
}

/// Julian day with the fraction of the day, as numeric division gives it.
fn julian_part(jd: i64, time: i64) -> Part {
    let rscale: u32 = if time >= 100_000_000 {
        20
    } else if time >= 10_000 {
        24
    } else {
        28
    };
    let den = i128::from(USECS_PER_DAY);
    let num = i128::from(time) * 10i128.pow(rscale);
    let q = (num + den / 2) / den;
    let total = i128::from(jd) * 10i128.pow(rscale) + q;
    #[expect(clippy::cast_precision_loss, reason = "float8 result")]
    let f = jd as f64 + (time as f64 / 1e6) / 86400.0;
    Part::Numeric(numeric_scaled(total, rscale), f)
}

fn oscillating(u: Unit) -> bool {
    matches!(
        u,
        Unit::Microsecond
            | Unit::Millisecond
            | Unit::Second
            | Unit::Minute
            | Unit::Hour
            | Unit::Day
            | Unit::Month
            | Unit::Quarter
            | Unit::Week
            | Unit::Dow
            | Unit::IsoDow
            | Unit::Doy
            | Unit::Tz
            | Unit::TzMinute
            | Unit::TzHour
    )
}

fn monotonic(u: Unit) -> bool {
    matches!(
        u,
        Unit::Year | Unit::Decade | Unit::Century | Unit::Millennium | Unit::Julian | Unit::IsoYear
    )
}

/// Parts of a timestamp (`tz` = Some(offset east) for timestamptz; `t` is the stored value).
fn timestamp_part(units: &str, t: i64, env: &Env, with_tz: bool) -> Result<Part> {
    let ty = if with_tz { TY_TZ } else { TY_TS };
    let low = lower_unit(units);
    let field = part_field(&low);
    if !is_finite_ts(t) {
        return match field {
            Field::Unit(u) if oscillating(u) => Ok(Part::Null),
            Field::Unit(u) if monotonic(u) => Ok(Part::Inf(t == DT_NOBEGIN)),
            Field::Epoch => Ok(Part::Inf(t == DT_NOBEGIN)),
            Field::Unit(_) | Field::Reserved => Err(not_supported(&low, ty)),
            Field::Unknown => Err(not_recognized(&low, ty)),
        };
    }
    let (tm, off) = if with_tz {
        local_tm(t, &env.timezone)
    } else {
        (timestamp2tm(t), 0)
    };
    match field {
        Field::Unit(u) => {
            let us = i128::from(tm.sec * USECS_PER_SEC + tm.usec);
            Ok(match u {
                Unit::Microsecond => Part::Int(tm.sec * USECS_PER_SEC + tm.usec),
                Unit::Millisecond => Part::Scaled(us, 3),
                Unit::Second => Part::Scaled(us, 6),
                Unit::Minute => Part::Int(tm.min),
                Unit::Hour => Part::Int(tm.hour),
                Unit::Day => Part::Int(tm.mday),
                Unit::Month => Part::Int(tm.mon),
                Unit::Quarter => Part::Int((tm.mon - 1) / 3 + 1),
                Unit::Week => Part::Int(cal::iso_year_week(tm.year, tm.mon, tm.mday).1),
                Unit::Year | Unit::Decade | Unit::Century | Unit::Millennium => {
                    Part::Int(year_part(u, tm.year))
                }
                Unit::Julian => julian_part(
                    date2j(tm.year, tm.mon, tm.mday),
                    cal::hms2time(tm.hour, tm.min, tm.sec, tm.usec),
                ),
                Unit::IsoYear => {
                    let y = cal::iso_year_week(tm.year, tm.mon, tm.mday).0;
                    Part::Int(if y <= 0 { y - 1 } else { y })
                }
                Unit::Dow | Unit::IsoDow => {
                    let d = j2day(date2j(tm.year, tm.mon, tm.mday));
                    Part::Int(if u == Unit::IsoDow && d == 0 { 7 } else { d })
                }
                Unit::Doy => Part::Int(cal::day_of_year(tm.year, tm.mon, tm.mday)),
                Unit::Tz if with_tz => Part::Int(i64::from(off)),
                Unit::TzMinute if with_tz => Part::Int(i64::from(off) / 60 % 60),
                Unit::TzHour if with_tz => Part::Int(i64::from(off) / 3600),
                _ => return Err(not_supported(&low, ty)),
            })
        }
        Field::Epoch => {
            let us = i128::from(t) - i128::from(EPOCH_TIMESTAMP);
            if us > i128::from(i64::MAX) {
                // PostgreSQL divides in numeric here, at a result scale of 4.
                let r = (us + 50) / 100 * 100;
                return Ok(Part::Numeric(numeric_scaled(r, 6), us as f64 / 1e6));
            }
            Ok(Part::Scaled(us, 6))
        }
        Field::Reserved => Err(not_supported(&low, ty)),
        Field::Unknown => Err(not_recognized(&low, ty)),
    }
}

fn f_date_part_ts(env: &Env, a: &[Value]) -> Result<Value> {
    Ok(timestamp_part(text(a, 0)?, int(a, 1)?, env, false)?.value(false))
}
fn f_date_part_tz(env: &Env, a: &[Value]) -> Result<Value> {
    Ok(timestamp_part(text(a, 0)?, int(a, 1)?, env, true)?.value(false))
}
fn f_extract_ts(env: &Env, a: &[Value]) -> Result<Value> {
    Ok(timestamp_part(text(a, 0)?, int(a, 1)?, env, false)?.value(true))
}
fn f_extract_tz(env: &Env, a: &[Value]) -> Result<Value> {
    Ok(timestamp_part(text(a, 0)?, int(a, 1)?, env, true)?.value(true))
}
fn f_date_part_date(env: &Env, a: &[Value]) -> Result<Value> {
    let t = date_to_timestamp(int(a, 1)?)?;
    Ok(timestamp_part(text(a, 0)?, t, env, false)?.value(false))
}

fn f_extract_date(_: &Env, a: &[Value]) -> Result<Value> {
    let low = lower_unit(text(a, 0)?);
    let d = int(a, 1)?;
    let field = part_field(&low);
    let p = if !is_finite_date(d) && !matches!(field, Field::Unknown) {
        match field {
            Field::Unit(
                Unit::Day
                | Unit::Month
                | Unit::Quarter
                | Unit::Week
                | Unit::Dow
                | Unit::IsoDow
                | Unit::Doy,
            ) => Part::Null,
            Field::Unit(u) if monotonic(u) => Part::Inf(d == DATE_NOBEGIN),
            Field::Epoch => Part::Inf(d == DATE_NOBEGIN),
            _ => return Err(not_supported(&low, "date")),
        }
    } else {
        match field {
            Field::Unit(u) => {
                let (y, m, dd) = date_of(d);
                Part::Int(match u {
                    Unit::Day => dd,
                    Unit::Month => m,
                    Unit::Quarter => (m - 1) / 3 + 1,
                    Unit::Week => cal::iso_year_week(y, m, dd).1,
                    Unit::Year | Unit::Decade | Unit::Century | Unit::Millennium => year_part(u, y),
                    Unit::Julian => d + POSTGRES_EPOCH_JDATE,
                    Unit::IsoYear => {
                        let iy = cal::iso_year_week(y, m, dd).0;
                        if iy <= 0 { iy - 1 } else { iy }
                    }
                    Unit::Dow | Unit::IsoDow => {
                        let w = j2day(d + POSTGRES_EPOCH_JDATE);
                        if u == Unit::IsoDow && w == 0 { 7 } else { w }
                    }
                    Unit::Doy => cal::day_of_year(y, m, dd),
                    _ => return Err(not_supported(&low, "date")),
                })
            }
            Field::Epoch => Part::Int((d + POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * 86_400),
            Field::Reserved => return Err(not_supported(&low, "date")),
            Field::Unknown => return Err(not_recognized(&low, "date")),
        }
    };
    Ok(p.value(true))
}

fn time_part(units: &str, t: i64) -> Result<Part> {
    const TY: &str = "time without time zone";
    let low = lower_unit(units);
    let (h, m, s, us) = cal::time2hms(t);
    match part_field(&low) {
        Field::Unit(u) => Ok(match u {
            Unit::Microsecond => Part::Int(s * USECS_PER_SEC + us),
            Unit::Millisecond => Part::Scaled(i128::from(s * USECS_PER_SEC + us), 3),
            Unit::Second => Part::Scaled(i128::from(s * USECS_PER_SEC + us), 6),
            Unit::Minute => Part::Int(m),
            Unit::Hour => Part::Int(h),
            _ => return Err(not_supported(&low, TY)),
        }),
        Field::Epoch => Ok(Part::Scaled(i128::from(t), 6)),
        Field::Reserved => Err(not_supported(&low, TY)),
        Field::Unknown => Err(not_recognized(&low, TY)),
    }
}

fn f_date_part_time(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(time_part(text(a, 0)?, int(a, 1)?)?.value(false))
}
fn f_extract_time(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(time_part(text(a, 0)?, int(a, 1)?)?.value(true))
}

fn interval_part(units: &str, v: &Interval) -> Result<Part> {
    let low = lower_unit(units);
    let it = v.itm();
    match part_field(&low) {
        Field::Unit(u) => Ok(match u {
            Unit::Microsecond => Part::Int(it.sec * USECS_PER_SEC + it.usec),
            Unit::Millisecond => Part::Scaled(i128::from(it.sec * USECS_PER_SEC + it.usec), 3),
            Unit::Second => Part::Scaled(i128::from(it.sec * USECS_PER_SEC + it.usec), 6),
            Unit::Minute => Part::Int(it.min),
            Unit::Hour => Part::Int(it.hour),
            Unit::Day => Part::Int(it.mday),
            Unit::Month => Part::Int(it.mon),
            Unit::Quarter => Part::Int(it.mon / 3 + 1),
            Unit::Year => Part::Int(it.year),
            Unit::Decade => Part::Int(it.year / 10),
            Unit::Century => Part::Int(it.year / 100),
            Unit::Millennium => Part::Int(it.year / 1000),
            _ => return Err(not_supported(&low, "interval")),
        }),
        Field::Epoch => {
            let months = i128::from(v.months);
            let secs_dm = (1461 * (months / 12) + 120 * (months % 12) + 4 * i128::from(v.days))
                * (86_400 / 4);
            let total = secs_dm * 1_000_000 + i128::from(v.micros);
            #[expect(clippy::cast_precision_loss, reason = "float8 result")]
            let f = v.micros as f64 / 1e6
                + (365.25 * 86400.0) * f64::from(v.months / 12)
                + (30.0 * 86400.0) * f64::from(v.months % 12)
                + 86400.0 * f64::from(v.days);
            Ok(Part::Numeric(numeric_scaled(total, 6), f))
        }
        Field::Reserved => Err(not_supported(&low, "interval")),
        Field::Unknown => Err(not_recognized(&low, "interval")),
    }
}

fn f_date_part_iv(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(interval_part(text(a, 0)?, &iv(a, 1)?)?.value(false))
}
fn f_extract_iv(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(interval_part(text(a, 0)?, &iv(a, 1)?)?.value(true))
}

// ---------------------------------------------------------------------------------------------
// age, justify, isfinite, make_*

fn age(t1: i64, t2: i64, tm1: Tm, tm2: Tm) -> Result<Interval> {
    let neg = t1 < t2;
    let mut d = interval::Itm {
        year: tm1.year - tm2.year,
        mon: tm1.mon - tm2.mon,
        mday: tm1.mday - tm2.mday,
        hour: tm1.hour - tm2.hour,
        min: tm1.min - tm2.min,
        sec: tm1.sec - tm2.sec,
        usec: tm1.usec - tm2.usec,
    };
    if neg {
        d = d.negated();
    }
    while d.usec < 0 {
        d.usec += USECS_PER_SEC;
        d.sec -= 1;
    }
    while d.sec < 0 {
        d.sec += 60;
        d.min -= 1;
    }
    while d.min < 0 {
        d.min += 60;
        d.hour -= 1;
    }
    while d.hour < 0 {
        d.hour += 24;
        d.mday -= 1;
    }
    while d.mday < 0 {
        let base = if neg { &tm1 } else { &tm2 };
        d.mday += days_in_month(base.year, base.mon);
        d.mon -= 1;
    }
    while d.mon < 0 {
        d.mon += 12;
        d.year -= 1;
    }
    if neg {
        d = d.negated();
    }
    itm_to_interval(d.year, d.mon, d.mday, d.hour, d.min, d.sec, d.usec)
}

/// Broken-down fields the way PostgreSQL's `timestamp2tm` allows (infinity breaks down as
/// a far-future date; anything before Julian day 0 is out of range).
fn tm_for_age(t: i64) -> Result<Tm> {
    if t.div_euclid(USECS_PER_DAY) + POSTGRES_EPOCH_JDATE < 0 {
        return Err(ts_range());
    }
    Ok(timestamp2tm(t))
}

fn f_age_ts(_: &Env, a: &[Value]) -> Result<Value> {
    let (x, y) = (int(a, 0)?, int(a, 1)?);
    Ok(iv_value(age(x, y, tm_for_age(x)?, tm_for_age(y)?)?))
}
fn f_age_tz(env: &Env, a: &[Value]) -> Result<Value> {
    let (x, y) = (int(a, 0)?, int(a, 1)?);
    let lx = tm_for_age(x)?;
    let ly = tm_for_age(y)?;
    let (tx, ty) = if is_finite_ts(x) && is_finite_ts(y) {
        (local_tm(x, &env.timezone).0, local_tm(y, &env.timezone).0)
    } else {
        (lx, ly)
    };
    Ok(iv_value(age(x, y, tx, ty)?))
}
fn f_age_ts1(env: &Env, a: &[Value]) -> Result<Value> {
    let today = int(&[f_current_date(env, &[])?], 0)? * USECS_PER_DAY;
    let y = int(a, 0)?;
    Ok(iv_value(age(today, y, tm_for_age(today)?, tm_for_age(y)?)?))
}
fn f_age_tz1(env: &Env, a: &[Value]) -> Result<Value> {
    let d = int(&[f_current_date(env, &[])?], 0)?;
    let today = date_to_timestamptz(env, d)?;
    f_age_tz(env, &[Value::Int(today), Value::Int(int(a, 0)?)])
}

fn f_justify_days(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(iv(a, 0)?.justify_days()?))
}
fn f_justify_hours(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(iv(a, 0)?.justify_hours()?))
}
fn f_justify_interval(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(iv_value(iv(a, 0)?.justify_interval()?))
}
fn f_isfinite_date(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::from(is_finite_date(int(a, 0)?)))
}
fn f_isfinite_ts(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::from(is_finite_ts(int(a, 0)?)))
}
fn f_isfinite_iv(_: &Env, _: &[Value]) -> Result<Value> {
    Ok(Value::from(true))
}

// ---------------------------------------------------------------------------------------------
// OVERLAPS: `(start1, end1) OVERLAPS (start2, end2)`, the analyzer's call of `overlaps`

/// Whether two periods overlap, each given by two instants in either order (an end may be
/// unknown: NULL), as SQL defines OVERLAPS: a period is `start <= t < end`, or the one instant
/// when both are equal. NULL when the answer depends on an unknown end, or when both instants
/// of a period are unknown.
fn periods_overlap(a: [Option<i64>; 2], b: [Option<i64>; 2]) -> Option<bool> {
    // (start, end): the earlier instant first; a lone known instant is the start.
    let period = |[x, y]: [Option<i64>; 2]| match (x, y) {
        (Some(x), Some(y)) => Some((x.min(y), Some(x.max(y)))),
        (Some(x), None) | (None, Some(x)) => Some((x, None)),
        (None, None) => None,
    };
    let (a, b) = (period(a)?, period(b)?);
    if a.0 == b.0 {
        // Same start: they share that instant, whatever the ends, once both are known.
        return (a.1.is_some() && b.1.is_some()).then_some(true);
    }
    let (early, late) = if a.0 < b.0 { (a, b) } else { (b, a) };
    // The later period starts inside the earlier one, or the earlier ends at or before it.
    if late.0 < early.1? {
        return Some(true);
    }
    late.1.map(|_| false)
}

fn opt_int(args: &[Value], i: usize) -> Result<Option<i64>> {
    match args.get(i) {
        Some(Value::Null) | None => Ok(None),
        _ => int(args, i).map(Some),
    }
}

/// `overlaps(start1, end1, start2, end2)`: each end an instant or an interval after its start
/// (an interval's stored value is text, an instant's an integer), added to by `add`.
fn overlaps_call(args: &[Value], add: impl Fn(i64, &Interval) -> Result<i64>) -> Result<Value> {
    let mut periods = [[None; 2]; 2];
    for (k, period) in periods.iter_mut().enumerate() {
        let i = 2 * k;
        let start = opt_int(args, i)?;
        let end = match (args.get(i + 1), start) {
            (Some(Value::Text(_)), Some(t)) => Some(add(t, &iv(args, i + 1)?)?),
            (Some(Value::Text(_)), None) => None,
            _ => opt_int(args, i + 1)?,
        };
        *period = [start, end];
    }
    Ok(periods_overlap(periods[0], periods[1]).map_or(Value::Null, Value::from))
}

/// A catalog row of `overlaps` (not strict: NULL ends are part of its definition).
const fn overlaps_row(args: &'static [Type], symbol: &'static str, f: ScalarFn) -> Builtin {
    not_strict(func("overlaps", args, Type::BOOL, symbol, f))
}

fn f_overlaps_ts(_: &Env, a: &[Value]) -> Result<Value> {
    overlaps_call(a, timestamp_pl_interval)
}
fn f_overlaps_tz(env: &Env, a: &[Value]) -> Result<Value> {
    overlaps_call(a, |t, i| timestamptz_pl_interval(env, t, i))
}
fn f_overlaps_time(_: &Env, a: &[Value]) -> Result<Value> {
    overlaps_call(a, |t, i| Ok(time_pl_interval(t, i)))
}

/// C's `%g` with at least two digits (PostgreSQL's `%02g` in make_* messages).
pub fn fmt_g(x: f64, width: usize) -> String {
    let s = if x.is_nan() {
        "nan".to_string()
    } else if x.is_infinite() {
        if x > 0.0 { "inf".into() } else { "-inf".into() }
    } else if x == 0.0 {
        "0".into()
    } else {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "exponent of a finite float"
        )]
        let exp = x.abs().log10().floor() as i32;
        let e_form = format!("{x:.5e}");
        // Re-derive the exponent after rounding to 6 significant digits.
        let (mant, e) = e_form.split_once('e').unwrap_or((&e_form, "0"));
        let e: i32 = e.parse().unwrap_or(exp);
        if !(-4..6).contains(&e) {
            let mant = trim_fraction(mant);
            format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
        } else {
            let decimals = usize::try_from(5 - e).unwrap_or(0);
            trim_fraction(&format!("{x:.decimals$}")).to_string()
        }
    };
    if s.len() < width {
        let (sign, digits) = match s.strip_prefix('-') {
            Some(d) => ("-", d),
            None => ("", s.as_str()),
        };
        format!("{sign}{}{digits}", "0".repeat(width - s.len()))
    } else {
        s
    }
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

fn float_time_overflows(h: i64, m: i64, sec: f64) -> Option<i64> {
    if !(0..=24).contains(&h) || !(0..60).contains(&m) || sec.is_nan() {
        return None;
    }
    let us = (sec * 1e6).round_ties_even();
    if !(0.0..=60e6).contains(&us) {
        return None;
    }
    #[expect(clippy::cast_possible_truncation, reason = "range checked")]
    let t = cal::hms2time(h, m, 0, 0) + us as i64;
    (t <= USECS_PER_DAY).then_some(t)
}

fn f_make_date(_: &Env, a: &[Value]) -> Result<Value> {
    let (mut y, m, d) = (int(a, 0)?, int(a, 1)?, int(a, 2)?);
    let bc = y < 0;
    if bc {
        y = -y;
    }
    let mut year = y;
    let ok = if bc {
        year = -(y - 1);
        y > 0
    } else {
        y > 0
    };
    let shown_year = if ok { year } else { y };
    let bad = || {
        SqlError::new(
            sqlstate::DATETIME_FIELD_OVERFLOW,
            format!("date field value out of range: {shown_year}-{m:02}-{d:02}"),
        )
    };
    if !ok || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    if d > days_in_month(year, m) {
        return Err(bad());
    }
    let out = || dt_err(format!("date out of range: {year}-{m:02}-{d:02}"));
    if !valid_julian(year, m) {
        return Err(out());
    }
    let days = date2j(year, m, d) - POSTGRES_EPOCH_JDATE;
    if !valid_date(days) {
        return Err(out());
    }
    Ok(Value::Int(days))
}

fn f_make_time(_: &Env, a: &[Value]) -> Result<Value> {
    let (h, m, s) = (int(a, 0)?, int(a, 1)?, float(a, 2)?);
    float_time_overflows(h, m, s)
        .map(Value::Int)
        .ok_or_else(|| {
            SqlError::new(
                sqlstate::DATETIME_FIELD_OVERFLOW,
                format!("time field value out of range: {h}:{m:02}:{}", fmt_g(s, 2)),
            )
        })
}

fn make_timestamp(a: &[Value]) -> Result<i64> {
    let (y, mo, d, h, mi, s) = (
        int(a, 0)?,
        int(a, 1)?,
        int(a, 2)?,
        int(a, 3)?,
        int(a, 4)?,
        float(a, 5)?,
    );
    let year = if y < 0 { y + 1 } else { y };
    if y == 0 || !(1..=12).contains(&mo) || !(1..=31).contains(&d) || d > days_in_month(year, mo) {
        return Err(SqlError::new(
            sqlstate::DATETIME_FIELD_OVERFLOW,
            format!("date field value out of range: {y}-{mo:02}-{d:02}"),
        ));
    }
    if !valid_julian(year, mo) {
        return Err(dt_err(format!("date out of range: {y}-{mo:02}-{d:02}")));
    }
    let date = date2j(year, mo, d) - POSTGRES_EPOCH_JDATE;
    let time = float_time_overflows(h, mi, s).ok_or_else(|| {
        SqlError::new(
            sqlstate::DATETIME_FIELD_OVERFLOW,
            format!("time field value out of range: {h}:{mi:02}:{}", fmt_g(s, 2)),
        )
    })?;
    let r = date
        .checked_mul(USECS_PER_DAY)
        .and_then(|x| x.checked_add(time))
        .filter(|r| !((*r < 0 && date > 0) || (*r > 0 && date < -1)) && valid_timestamp(*r));
    r.ok_or_else(|| {
        dt_err(format!(
            "timestamp out of range: {y}-{mo:02}-{d:02} {h}:{mi:02}:{}",
            fmt_g(s, 2)
        ))
    })
}

fn f_make_timestamp(_: &Env, a: &[Value]) -> Result<Value> {
    Ok(Value::Int(make_timestamp(a)?))
}
fn f_make_timestamptz(env: &Env, a: &[Value]) -> Result<Value> {
    let t = make_timestamp(a)?;
    Ok(Value::Int(timestamp_to_timestamptz(env, t)?))
}
fn f_make_timestamptz_zone(_: &Env, a: &[Value]) -> Result<Value> {
    let t = make_timestamp(a)?;
    let name = text(a, 6)?;
    let tm = timestamp2tm(t);
    let off = sane_zone_offset(&tm, name)?;
    let r = t
        .checked_sub(i64::from(off) * USECS_PER_SEC)
        .filter(|r| valid_timestamp(*r));
    Ok(Value::Int(r.ok_or_else(ts_range)?))
}

/// `make_timestamptz`'s zone argument: a numeric offset, an abbreviation or a zone name.
fn sane_zone_offset(tm: &Tm, name: &str) -> Result<i32> {
    if name.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return Err(invalid_param(format!(
            "invalid input syntax for type numeric time zone: \"{name}\""
        ))
        .with_hint("Numeric time zones must have \"-\" or \"+\" as first character."));
    }
    match parse::decode_timezone(name) {
        Ok(off) => return Ok(off),
        Err(DtErr::TzDispOverflow) => {
            return Err(invalid_param(format!(
                "numeric time zone \"{name}\" out of range"
            )));
        }
        Err(_) => {}
    }
    let low = lower_unit(name);
    match super::abbrevs::lookup(&low) {
        Some(super::abbrevs::Abbrev::Fixed(off, _)) => Ok(off),
        Some(super::abbrevs::Abbrev::Dynamic(z)) => {
            let zone = TimeZone::by_name(z).ok_or_else(|| not_recognized_zone(name))?;
            let off = parse::zone_offset_for(tm, &zone);
            let local = tm_to_timestamp(tm, 0).unwrap_or(0);
            Ok(zone
                .abbrev_meaning(&low, local - i64::from(off) * USECS_PER_SEC)
                .map_or(off, |(o, _)| o))
        }
        None => {
            let zone = TimeZone::by_name(name).ok_or_else(|| not_recognized_zone(name))?;
            Ok(parse::zone_offset_for(tm, &zone))
        }
    }
}

fn not_recognized_zone(name: &str) -> SqlError {
    invalid_param(format!("time zone \"{name}\" not recognized"))
}

fn f_make_interval(_: &Env, a: &[Value]) -> Result<Value> {
    // PostgreSQL 15 computes the fields in wrapping int32/int64 arithmetic.
    let i32_of = |i: usize| -> Result<i32> { Ok(int(a, i)? as i32) };
    let (years, months, weeks, days, hours, mins) = (
        i32_of(0)?,
        i32_of(1)?,
        i32_of(2)?,
        i32_of(3)?,
        i32_of(4)?,
        i32_of(5)?,
    );
    let secs = float(a, 6)?;
    if secs.is_infinite() || secs.is_nan() {
        return Err(interval::out_of_range());
    }
    #[expect(
        clippy::cast_possible_truncation,
        reason = "saturating, as C's conversion"
    )]
    let us = (secs * 1e6).round_ties_even() as i64;
    Ok(iv_value(Interval {
        months: years.wrapping_mul(12).wrapping_add(months),
        days: weeks.wrapping_mul(7).wrapping_add(days),
        micros: i64::from(hours)
            .wrapping_mul(USECS_PER_HOUR)
            .wrapping_add(i64::from(mins).wrapping_mul(USECS_PER_MINUTE))
            .wrapping_add(us),
    }))
}

fn f_to_timestamp_float(_: &Env, a: &[Value]) -> Result<Value> {
    let secs = float(a, 0)?;
    if secs.is_nan() {
        return Err(dt_err("timestamp cannot be NaN"));
    }
    if secs.is_infinite() {
        return Ok(Value::Int(if secs < 0.0 { DT_NOBEGIN } else { DT_NOEND }));
    }
    #[expect(clippy::cast_precision_loss, reason = "PostgreSQL's float bounds")]
    let (lo, hi) = (
        86400.0 * (0 - UNIX_EPOCH_JDATE) as f64,
        86400.0 * (109_203_528 - UNIX_EPOCH_JDATE) as f64,
    );
    let bad = || dt_err(format!("timestamp out of range: \"{}\"", fmt_g(secs, 0)));
    if secs < lo || secs >= hi {
        return Err(bad());
    }
    let s = secs - 946_684_800.0;
    let us = (s * 1e6).round_ties_even();
    #[expect(clippy::cast_possible_truncation, reason = "range checked")]
    let t = us as i64;
    if !valid_timestamp(t) {
        return Err(bad());
    }
    Ok(Value::Int(t))
}

// ---------------------------------------------------------------------------------------------
// AT TIME ZONE, date_bin

/// A zone given by name to `timezone()`/`date_trunc`: abbreviations first, then zone names.
pub fn zone_for_name(name: &str) -> Result<TimeZone> {
    let low = lower_unit(name);
    match super::abbrevs::lookup(&low) {
        Some(super::abbrevs::Abbrev::Fixed(off, _)) => Ok(TimeZone::Fixed(off)),
        Some(super::abbrevs::Abbrev::Dynamic(z)) => {
            TimeZone::by_name(z).ok_or_else(|| not_recognized_zone(name))
        }
        None => TimeZone::by_name(name).ok_or_else(|| not_recognized_zone(name)),
    }
}

/// `timestamptz AT TIME ZONE zone` → timestamp.
fn f_timestamptz_zone(_: &Env, a: &[Value]) -> Result<Value> {
    let name = text(a, 0)?;
    let t = int(a, 1)?;
    if !is_finite_ts(t) {
        return Ok(Value::Int(t));
    }
    let low = lower_unit(name);
    let off = match super::abbrevs::lookup(&low) {
        Some(super::abbrevs::Abbrev::Fixed(off, _)) => off,
        Some(super::abbrevs::Abbrev::Dynamic(z)) => {
            let zone = TimeZone::by_name(z).ok_or_else(|| not_recognized_zone(name))?;
            zone.abbrev_meaning(&low, t)
                .map_or_else(|| zone.offset_at_utc(t), |(o, _)| o)
        }
        None => {
            let zone = TimeZone::by_name(name).ok_or_else(|| not_recognized_zone(name))?;
            zone.offset_at_utc(t)
        }
    };
    let r = t
        .checked_add(i64::from(off) * USECS_PER_SEC)
        .filter(|r| valid_timestamp(*r));
    Ok(Value::Int(r.ok_or_else(ts_range)?))
}

/// `timestamp AT TIME ZONE zone` → timestamptz.
fn f_timestamp_zone(_: &Env, a: &[Value]) -> Result<Value> {
    let name = text(a, 0)?;
    let t = int(a, 1)?;
    if !is_finite_ts(t) {
        return Ok(Value::Int(t));
    }
    let low = lower_unit(name);
    let tm = timestamp2tm(t);
    let off = match super::abbrevs::lookup(&low) {
        Some(super::abbrevs::Abbrev::Fixed(off, _)) => off,
        Some(super::abbrevs::Abbrev::Dynamic(_)) => sane_zone_offset(&tm, &low)?,
        None => {
            let zone = TimeZone::by_name(name).ok_or_else(|| not_recognized_zone(name))?;
            parse::zone_offset_for(&tm, &zone)
        }
    };
    let r = t
        .checked_sub(i64::from(off) * USECS_PER_SEC)
        .filter(|r| valid_timestamp(*r));
    Ok(Value::Int(r.ok_or_else(ts_range)?))
}

fn izone_secs(env: &Env, z: &Interval) -> Result<i64> {
    if z.months != 0 || z.days != 0 {
        return Err(invalid_param(format!(
            "interval time zone \"{}\" must not include months or days",
            z.format(env.interval_style)
        )));
    }
    Ok(z.micros / USECS_PER_SEC)
}

/// A timestamp (argument 1) moved by the seconds of an interval time zone (argument 0):
/// `direction` -1 reads a local time in the zone, 1 shows a UTC time in it.
fn shift_by_izone(env: &Env, a: &[Value], direction: i64) -> Result<Value> {
    let t = int(a, 1)?;
    if !is_finite_ts(t) {
        return Ok(Value::Int(t));
    }
    let secs = izone_secs(env, &iv(a, 0)?)?;
    let r = t
        .checked_add(direction * secs * USECS_PER_SEC)
        .filter(|r| valid_timestamp(*r));
    Ok(Value::Int(r.ok_or_else(ts_range)?))
}

fn f_timestamp_izone(env: &Env, a: &[Value]) -> Result<Value> {
    shift_by_izone(env, a, -1)
}

fn f_timestamptz_izone(env: &Env, a: &[Value]) -> Result<Value> {
    shift_by_izone(env, a, 1)
}

fn f_date_bin(_: &Env, a: &[Value]) -> Result<Value> {
    let stride = iv(a, 0)?;
    let (t, origin) = (int(a, 1)?, int(a, 2)?);
    if !is_finite_ts(t) {
        return Ok(Value::Int(t));
    }
    if !is_finite_ts(origin) {
        return Err(dt_err("origin out of range"));
    }
    if stride.months != 0 {
        return Err(SqlError::not_supported(
            "timestamps cannot be binned into intervals containing months or years",
        ));
    }
    let stride_us = i64::from(stride.days)
        .checked_mul(USECS_PER_DAY)
        .and_then(|d| d.checked_add(stride.micros))
        .ok_or_else(interval::out_of_range)?;
    if stride_us <= 0 {
        return Err(dt_err("stride must be greater than zero"));
    }
    let diff = t.checked_sub(origin).ok_or_else(interval::out_of_range)?;
    let mut delta = diff - diff % stride_us;
    if origin > t && stride_us > 1 {
        delta -= stride_us;
    }
    let r = origin.checked_add(delta).filter(|r| valid_timestamp(*r));
    Ok(Value::Int(r.ok_or_else(ts_range)?))
}

// ---------------------------------------------------------------------------------------------
// generate_series

fn series(env: &Env, a: &[Value], with_tz: bool) -> Result<Rows> {
    let (start, finish) = (int(a, 0)?, int(a, 1)?);
    let step = iv(a, 2)?;
    let sign = step.span().signum();
    if sign == 0 {
        return Err(invalid_param("step size cannot equal zero"));
    }
    let env = env.clone();
    let mut current = Some(start);
    Ok(Box::new(std::iter::from_fn(move || {
        let cur = current?;
        let more = if sign > 0 {
            cur <= finish
        } else {
            cur >= finish
        };
        if !more {
            current = None;
            return None;
        }
        let next = if with_tz {
            timestamptz_pl_interval(&env, cur, &step)
        } else {
            timestamp_pl_interval(cur, &step)
        };
        match next {
            Ok(n) => current = Some(n),
            Err(e) => {
                current = None;
                return Some(Err(e));
            }
        }
        Some(Ok(vec![Value::Int(cur)]))
    })))
}

fn t_series_ts(env: &Env, a: &[Value]) -> Result<Rows> {
    series(env, a, false)
}
fn t_series_tz(env: &Env, a: &[Value]) -> Result<Rows> {
    series(env, a, true)
}

// ---------------------------------------------------------------------------------------------
// Catalog rows

const D: Type = Type::DATE;
const T: Type = Type::TIME;
const TS: Type = Type::TIMESTAMP;
const TZ: Type = Type::TIMESTAMPTZ;
const IV: Type = Type::INTERVAL;
const I4: Type = Type::INT4;
const F8: Type = Type::FLOAT8;
const TX: Type = Type::TEXT;
const B: Type = Type::BOOL;
const NUM: Type = Type::NUMERIC;

/// Same-type comparisons: SQLite orders the stored values (interval through its collation).
pub static COMPARISONS: [Builtin; 30] =
    sqlite_comparisons!(&[D, D], &[T, T], &[TS, TS], &[TZ, TZ], &[IV, IV]);

/// Every other function and operator of this module.
pub static FUNCTIONS: &[Builtin] = &[
    // cross-type comparisons
    op("=", &[D, TS], B, "pg_date_eq_timestamp", date_eq_ts),
    op("<>", &[D, TS], B, "pg_date_ne_timestamp", date_ne_ts),
    op("<", &[D, TS], B, "pg_date_lt_timestamp", date_lt_ts),
    op("<=", &[D, TS], B, "pg_date_le_timestamp", date_le_ts),
    op(">", &[D, TS], B, "pg_date_gt_timestamp", date_gt_ts),
    op(">=", &[D, TS], B, "pg_date_ge_timestamp", date_ge_ts),
    op("=", &[TS, D], B, "pg_timestamp_eq_date", ts_eq_date),
    op("<>", &[TS, D], B, "pg_timestamp_ne_date", ts_ne_date),
    op("<", &[TS, D], B, "pg_timestamp_lt_date", ts_lt_date),
    op("<=", &[TS, D], B, "pg_timestamp_le_date", ts_le_date),
    op(">", &[TS, D], B, "pg_timestamp_gt_date", ts_gt_date),
    op(">=", &[TS, D], B, "pg_timestamp_ge_date", ts_ge_date),
    stable(op("=", &[D, TZ], B, "pg_date_eq_timestamptz", date_eq_tz)),
    stable(op("<>", &[D, TZ], B, "pg_date_ne_timestamptz", date_ne_tz)),
    stable(op("<", &[D, TZ], B, "pg_date_lt_timestamptz", date_lt_tz)),
    stable(op("<=", &[D, TZ], B, "pg_date_le_timestamptz", date_le_tz)),
    stable(op(">", &[D, TZ], B, "pg_date_gt_timestamptz", date_gt_tz)),
    stable(op(">=", &[D, TZ], B, "pg_date_ge_timestamptz", date_ge_tz)),
    stable(op("=", &[TZ, D], B, "pg_timestamptz_eq_date", tz_eq_date)),
    stable(op("<>", &[TZ, D], B, "pg_timestamptz_ne_date", tz_ne_date)),
    stable(op("<", &[TZ, D], B, "pg_timestamptz_lt_date", tz_lt_date)),
    stable(op("<=", &[TZ, D], B, "pg_timestamptz_le_date", tz_le_date)),
    stable(op(">", &[TZ, D], B, "pg_timestamptz_gt_date", tz_gt_date)),
    stable(op(">=", &[TZ, D], B, "pg_timestamptz_ge_date", tz_ge_date)),
    stable(op(
        "=",
        &[TS, TZ],
        B,
        "pg_timestamp_eq_timestamptz",
        ts_eq_tz,
    )),
    stable(op(
        "<>",
        &[TS, TZ],
        B,
        "pg_timestamp_ne_timestamptz",
        ts_ne_tz,
    )),
    stable(op(
        "<",
        &[TS, TZ],
        B,
        "pg_timestamp_lt_timestamptz",
        ts_lt_tz,
    )),
    stable(op(
        "<=",
        &[TS, TZ],
        B,
        "pg_timestamp_le_timestamptz",
        ts_le_tz,
    )),
    stable(op(
        ">",
        &[TS, TZ],
        B,
        "pg_timestamp_gt_timestamptz",
        ts_gt_tz,
    )),
    stable(op(
        ">=",
        &[TS, TZ],
        B,
        "pg_timestamp_ge_timestamptz",
        ts_ge_tz,
    )),
    stable(op(
        "=",
        &[TZ, TS],
        B,
        "pg_timestamptz_eq_timestamp",
        tz_eq_ts,
    )),
    stable(op(
        "<>",
        &[TZ, TS],
        B,
        "pg_timestamptz_ne_timestamp",
        tz_ne_ts,
    )),
    stable(op(
        "<",
        &[TZ, TS],
        B,
        "pg_timestamptz_lt_timestamp",
        tz_lt_ts,
    )),
    stable(op(
        "<=",
        &[TZ, TS],
        B,
        "pg_timestamptz_le_timestamp",
        tz_le_ts,
    )),
    stable(op(
        ">",
        &[TZ, TS],
        B,
        "pg_timestamptz_gt_timestamp",
        tz_gt_ts,
    )),
    stable(op(
        ">=",
        &[TZ, TS],
        B,
        "pg_timestamptz_ge_timestamp",
        tz_ge_ts,
    )),
    // arithmetic
    op("+", &[D, I4], D, "pg_date_pli", f_date_pli),
    op("+", &[I4, D], D, "pg_integer_pl_date", f_int_pl_date),
    op("-", &[D, I4], D, "pg_date_mii", f_date_mii),
    op("-", &[D, D], I4, "pg_date_mi", f_date_mi),
    op("+", &[D, IV], TS, "pg_date_pl_interval", f_date_pl_iv),
    op("+", &[IV, D], TS, "pg_interval_pl_date", f_iv_pl_date),
    op("-", &[D, IV], TS, "pg_date_mi_interval", f_date_mi_iv),
    op("+", &[D, T], TS, "pg_datetime_pl", f_date_time_timestamp),
    op("+", &[T, D], TS, "pg_timedate_pl", f_time_date_timestamp),
    op("+", &[TS, IV], TS, "pg_timestamp_pl_interval", f_ts_pl_iv),
    op("+", &[IV, TS], TS, "pg_interval_pl_timestamp", f_iv_pl_ts),
    op("-", &[TS, IV], TS, "pg_timestamp_mi_interval", f_ts_mi_iv),
    stable(op(
        "+",
        &[TZ, IV],
        TZ,
        "pg_timestamptz_pl_interval",
        f_tz_pl_iv,
    )),
    stable(op(
        "+",
        &[IV, TZ],
        TZ,
        "pg_interval_pl_timestamptz",
        f_iv_pl_tz,
    )),
    stable(op(
        "-",
        &[TZ, IV],
        TZ,
        "pg_timestamptz_mi_interval",
        f_tz_mi_iv,
    )),
    op("-", &[TS, TS], IV, "pg_timestamp_mi", f_ts_mi),
    op("-", &[TZ, TZ], IV, "pg_timestamptz_mi", f_ts_mi),
    op("+", &[IV, IV], IV, "pg_interval_pl", f_iv_pl),
    op("-", &[IV, IV], IV, "pg_interval_mi", f_iv_mi),
    op("-", &[IV], IV, "pg_interval_um", f_iv_um),
    op("*", &[IV, F8], IV, "pg_interval_mul", f_iv_mul),
    op("*", &[F8, IV], IV, "pg_mul_d_interval", f_mul_iv),
    op("/", &[IV, F8], IV, "pg_interval_div", f_iv_div),
    op("+", &[T, IV], T, "pg_time_pl_interval", f_time_pl_iv),
    op("+", &[IV, T], T, "pg_interval_pl_time", f_iv_pl_time),
    op("-", &[T, IV], T, "pg_time_mi_interval", f_time_mi_iv),
    op("-", &[T, T], IV, "pg_time_mi_time", f_time_mi_time),
    // current time
    stable(func("now", &[], TZ, "pg_now", f_now)),
    stable(func(
        "transaction_timestamp",
        &[],
        TZ,
        "pg_transaction_timestamp",
        f_now,
    )),
    stable(func(
        "current_timestamp",
        &[],
        TZ,
        "pg_current_timestamp",
        f_now,
    )),
    stable(func(
        "current_timestamp",
        &[I4],
        TZ,
        "pg_current_timestamp_p",
        f_current_timestamp_p,
    )),
    stable(func(
        "statement_timestamp",
        &[],
        TZ,
        "pg_statement_timestamp",
        f_statement_timestamp,
    )),
    volatile(func(
        "clock_timestamp",
        &[],
        TZ,
        "pg_clock_timestamp",
        f_clock_timestamp,
    )),
    volatile(func("timeofday", &[], TX, "pg_timeofday", f_timeofday)),
    stable(func(
        "current_date",
        &[],
        D,
        "pg_current_date",
        f_current_date,
    )),
    stable(func(
        "localtimestamp",
        &[],
        TS,
        "pg_localtimestamp",
        f_localtimestamp,
    )),
    stable(func(
        "localtimestamp",
        &[I4],
        TS,
        "pg_localtimestamp_p",
        f_localtimestamp_p,
    )),
    stable(func("localtime", &[], T, "pg_localtime", f_localtime)),
    stable(func("localtime", &[I4], T, "pg_localtime_p", f_localtime_p)),
    // date_trunc
    func(
        "date_trunc",
        &[TX, TS],
        TS,
        "pg_timestamp_trunc",
        f_timestamp_trunc,
    ),
    stable(func(
        "date_trunc",
        &[TX, TZ],
        TZ,
        "pg_timestamptz_trunc",
        f_timestamptz_trunc,
    )),
    stable(func(
        "date_trunc",
        &[TX, TZ, TX],
        TZ,
        "pg_timestamptz_trunc_zone",
        f_timestamptz_trunc_zone,
    )),
    func(
        "date_trunc",
        &[TX, IV],
        IV,
        "pg_interval_trunc",
        f_interval_trunc,
    ),
    // date_part (float8) and extract (numeric)
    func(
        "date_part",
        &[TX, TS],
        F8,
        "pg_date_part_timestamp",
        f_date_part_ts,
    ),
    stable(func(
        "date_part",
        &[TX, TZ],
        F8,
        "pg_date_part_timestamptz",
        f_date_part_tz,
    )),
    func(
        "date_part",
        &[TX, D],
        F8,
        "pg_date_part_date",
        f_date_part_date,
    ),
    func(
        "date_part",
        &[TX, T],
        F8,
        "pg_date_part_time",
        f_date_part_time,
    ),
    func(
        "date_part",
        &[TX, IV],
        F8,
        "pg_date_part_interval",
        f_date_part_iv,
    ),
    func(
        "extract",
        &[TX, TS],
        NUM,
        "pg_extract_timestamp",
        f_extract_ts,
    ),
    stable(func(
        "extract",
        &[TX, TZ],
        NUM,
        "pg_extract_timestamptz",
        f_extract_tz,
    )),
    func("extract", &[TX, D], NUM, "pg_extract_date", f_extract_date),
    func("extract", &[TX, T], NUM, "pg_extract_time", f_extract_time),
    func(
        "extract",
        &[TX, IV],
        NUM,
        "pg_extract_interval",
        f_extract_iv,
    ),
    // age, justify, isfinite
    func("age", &[TS, TS], IV, "pg_timestamp_age", f_age_ts),
    func("age", &[TZ, TZ], IV, "pg_timestamptz_age", f_age_tz),
    stable(func("age", &[TS], IV, "pg_timestamp_age_today", f_age_ts1)),
    stable(func(
        "age",
        &[TZ],
        IV,
        "pg_timestamptz_age_today",
        f_age_tz1,
    )),
    func("justify_days", &[IV], IV, "pg_justify_days", f_justify_days),
    func(
        "justify_hours",
        &[IV],
        IV,
        "pg_justify_hours",
        f_justify_hours,
    ),
    func(
        "justify_interval",
        &[IV],
        IV,
        "pg_justify_interval",
        f_justify_interval,
    ),
    func("isfinite", &[D], B, "pg_date_finite", f_isfinite_date),
    func("isfinite", &[TS], B, "pg_timestamp_finite", f_isfinite_ts),
    func("isfinite", &[TZ], B, "pg_timestamptz_finite", f_isfinite_ts),
    func("isfinite", &[IV], B, "pg_interval_finite", f_isfinite_iv),
    // OVERLAPS
    overlaps_row(&[TS, TS, TS, TS], "pg_overlaps_timestamp", f_overlaps_ts),
    overlaps_row(&[TZ, TZ, TZ, TZ], "pg_overlaps_timestamptz", f_overlaps_tz),
    overlaps_row(&[T, T, T, T], "pg_overlaps_time", f_overlaps_time),
    overlaps_row(&[TS, IV, TS, IV], "pg_overlaps_timestamp_ii", f_overlaps_ts),
    overlaps_row(&[TS, TS, TS, IV], "pg_overlaps_timestamp_ti", f_overlaps_ts),
    overlaps_row(&[TS, IV, TS, TS], "pg_overlaps_timestamp_it", f_overlaps_ts),
    stable(overlaps_row(
        &[TZ, IV, TZ, IV],
        "pg_overlaps_timestamptz_ii",
        f_overlaps_tz,
    )),
    stable(overlaps_row(
        &[TZ, TZ, TZ, IV],
        "pg_overlaps_timestamptz_ti",
        f_overlaps_tz,
    )),
    stable(overlaps_row(
        &[TZ, IV, TZ, TZ],
        "pg_overlaps_timestamptz_it",
        f_overlaps_tz,
    )),
    overlaps_row(&[T, IV, T, IV], "pg_overlaps_time_ii", f_overlaps_time),
    overlaps_row(&[T, T, T, IV], "pg_overlaps_time_ti", f_overlaps_time),
    overlaps_row(&[T, IV, T, T], "pg_overlaps_time_it", f_overlaps_time),
    // constructors
    func("make_date", &[I4, I4, I4], D, "pg_make_date", f_make_date),
    func("make_time", &[I4, I4, F8], T, "pg_make_time", f_make_time),
    func(
        "make_timestamp",
        &[I4, I4, I4, I4, I4, F8],
        TS,
        "pg_make_timestamp",
        f_make_timestamp,
    ),
    stable(func(
        "make_timestamptz",
        &[I4, I4, I4, I4, I4, F8],
        TZ,
        "pg_make_timestamptz",
        f_make_timestamptz,
    )),
    stable(func(
        "make_timestamptz",
        &[I4, I4, I4, I4, I4, F8, TX],
        TZ,
        "pg_make_timestamptz_at_zone",
        f_make_timestamptz_zone,
    )),
    func(
        "make_interval",
        &[I4, I4, I4, I4, I4, I4, F8],
        IV,
        "pg_make_interval",
        f_make_interval,
    ),
    func(
        "to_timestamp",
        &[F8],
        TZ,
        "pg_float8_timestamptz",
        f_to_timestamp_float,
    ),
    // zones and bins
    func(
        "timezone",
        &[TX, TZ],
        TS,
        "pg_timestamptz_zone",
        f_timestamptz_zone,
    ),
    func(
        "timezone",
        &[TX, TS],
        TZ,
        "pg_timestamp_zone",
        f_timestamp_zone,
    ),
    func(
        "timezone",
        &[IV, TZ],
        TS,
        "pg_timestamptz_izone",
        f_timestamptz_izone,
    ),
    func(
        "timezone",
        &[IV, TS],
        TZ,
        "pg_timestamp_izone",
        f_timestamp_izone,
    ),
    func(
        "date_bin",
        &[IV, TS, TS],
        TS,
        "pg_timestamp_bin",
        f_date_bin,
    ),
    func(
        "date_bin",
        &[IV, TZ, TZ],
        TZ,
        "pg_timestamptz_bin",
        f_date_bin,
    ),
    // functions named after the types (the casts' functions)
    func("date", &[TS], D, "pg_fn_timestamp_date", f_timestamp_date),
    stable(func(
        "date",
        &[TZ],
        D,
        "pg_fn_timestamptz_date",
        f_timestamptz_date,
    )),
    func("time", &[TS], T, "pg_fn_timestamp_time", f_timestamp_time),
    stable(func(
        "time",
        &[TZ],
        T,
        "pg_fn_timestamptz_time",
        f_timestamptz_time,
    )),
    func("time", &[IV], T, "pg_fn_interval_time", f_interval_time),
    func("time", &[T, I4], T, "pg_fn_time_scale", f_time_scale),
    func(
        "timestamp",
        &[D],
        TS,
        "pg_fn_date_timestamp",
        f_date_timestamp,
    ),
    func(
        "timestamp",
        &[D, T],
        TS,
        "pg_fn_datetime_timestamp",
        f_date_time_timestamp,
    ),
    stable(func(
        "timestamp",
        &[TZ],
        TS,
        "pg_fn_timestamptz_timestamp",
        f_timestamptz_timestamp,
    )),
    func(
        "timestamp",
        &[TS, I4],
        TS,
        "pg_fn_timestamp_scale",
        f_timestamp_scale,
    ),
    stable(func(
        "timestamptz",
        &[D],
        TZ,
        "pg_fn_date_timestamptz",
        f_date_timestamptz,
    )),
    stable(func(
        "timestamptz",
        &[D, T],
        TZ,
        "pg_fn_datetime_timestamptz",
        f_date_time_timestamptz,
    )),
    stable(func(
        "timestamptz",
        &[TS],
        TZ,
        "pg_fn_timestamp_timestamptz",
        f_timestamp_timestamptz,
    )),
    func(
        "timestamptz",
        &[TZ, I4],
        TZ,
        "pg_fn_timestamptz_scale",
        f_timestamp_scale,
    ),
    func("interval", &[T], IV, "pg_fn_time_interval", f_time_interval),
    func(
        "interval",
        &[IV, I4],
        IV,
        "pg_fn_interval_scale",
        f_interval_scale,
    ),
    // formatting
    stable(func(
        "to_char",
        &[TS, TX],
        TX,
        "pg_timestamp_to_char",
        to_char::f_timestamp_to_char,
    )),
    stable(func(
        "to_char",
        &[TZ, TX],
        TX,
        "pg_timestamptz_to_char",
        to_char::f_timestamptz_to_char,
    )),
    stable(func(
        "to_char",
        &[IV, TX],
        TX,
        "pg_interval_to_char",
        to_char::f_interval_to_char,
    )),
    stable(func(
        "to_date",
        &[TX, TX],
        D,
        "pg_to_date",
        to_char::f_to_date,
    )),
    stable(func(
        "to_timestamp",
        &[TX, TX],
        TZ,
        "pg_to_timestamp",
        to_char::f_to_timestamp,
    )),
    // series
    srf(
        "generate_series",
        &[TS, TS, IV],
        TS,
        "pg_generate_series_timestamp",
        t_series_ts,
    ),
    stable(srf(
        "generate_series",
        &[TZ, TZ, IV],
        TZ,
        "pg_generate_series_timestamptz",
        t_series_tz,
    )),
];

use CastContext::{Assignment as A, Implicit as I};

pub static CASTS: &[CastDef] = &[
    cast_fn(D, TS, I, "pg_date_timestamp", f_date_timestamp),
    cast_fn(D, TZ, I, "pg_date_timestamptz", f_date_timestamptz),
    cast(T, T, I, by_typmod_fn("pg_time_scale", f_time_scale)),
    cast_fn(T, IV, I, "pg_time_interval", f_time_interval),
    cast_fn(TS, D, A, "pg_timestamp_date", f_timestamp_date),
    cast_fn(TS, T, A, "pg_timestamp_time", f_timestamp_time),
    cast(
        TS,
        TS,
        I,
        by_typmod_fn("pg_timestamp_scale", f_timestamp_scale),
    ),
    cast_fn(
        TS,
        TZ,
        I,
        "pg_timestamp_timestamptz",
        f_timestamp_timestamptz,
    ),
    cast_fn(TZ, D, A, "pg_timestamptz_date", f_timestamptz_date),
    cast_fn(TZ, T, A, "pg_timestamptz_time", f_timestamptz_time),
    cast_fn(
        TZ,
        TS,
        A,
        "pg_timestamptz_timestamp",
        f_timestamptz_timestamp,
    ),
    cast(
        TZ,
        TZ,
        I,
        by_typmod_fn("pg_timestamptz_scale", f_timestamp_scale),
    ),
    cast_fn(IV, T, A, "pg_interval_time", f_interval_time),
    cast(
        IV,
        IV,
        I,
        by_typmod_fn("pg_interval_scale", f_interval_scale),
    ),
];

#[cfg(test)]
mod tests;
