//! date, time, timestamp, timestamptz, interval — input/output, binary send/recv, typmod
//! coercion, and (in submodules) arithmetic, functions and casts, with PostgreSQL 15's
//! semantics.
//!
//! Storage (see `types`): date = Int days since 2000-01-01 (±infinity = `i32::MIN/MAX`);
//! time = Int µs since midnight; timestamp/timestamptz = Int µs since 2000-01-01 (timestamptz
//! in UTC; ±infinity = `i64::MIN/MAX`); interval = Text in `IntervalStyle = postgres` form,
//! ordered by the `pg_interval` collation ([`interval_cmp`]).
//!
//! Submodules: `calendar` (Julian days, ranges), `parse` (the date/time parser), `interval`,
//! `format` (DateStyle output), `abbrevs` (zone abbreviations), `funcs` (the catalog rows),
//! `to_char` (formatting and `to_date`/`to_timestamp`).

pub mod abbrevs;
pub mod calendar;
pub mod format;
pub mod funcs;
pub mod interval;
pub mod parse;
pub mod to_char;

use super::{Type, Typmod};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::{Builtin, CastDef};
use crate::value::Value;
use calendar::{
    DATE_NOBEGIN, DATE_NOEND, DT_NOBEGIN, DT_NOEND, POSTGRES_EPOCH_JDATE, Tm, USECS_PER_DAY,
    USECS_PER_SEC, date_of, date2j, time2hms, timestamp2tm, valid_date, valid_julian,
    valid_timestamp,
};
use interval::Interval;
use parse::{DATE_BUFLEN, Kind};

pub use funcs::COMPARISONS;
pub static FUNCTIONS: &[Builtin] = funcs::FUNCTIONS;
pub static CASTS: &[CastDef] = funcs::CASTS;

/// 22008 `<what> out of range` (`date out of range`, `timestamp out of range`…).
pub fn range_error(what: &str) -> SqlError {
    SqlError::new(
        sqlstate::DATETIME_FIELD_OVERFLOW,
        format!("{what} out of range"),
    )
}

/// 22008 `<what> out of range: "<input>"`.
fn range_error_for(what: &str, s: &str) -> SqlError {
    SqlError::new(
        sqlstate::DATETIME_FIELD_OVERFLOW,
        format!("{what} out of range: \"{s}\""),
    )
}

/// 1970-01-01 as a date and as a timestamp.
pub const EPOCH_DATE: i64 = -10_957;
pub const EPOCH_TIMESTAMP: i64 = -946_684_800_000_000;

fn decode(env: &Env, s: &str, type_name: &str) -> Result<parse::Decoded> {
    parse::tokenize(s, DATE_BUFLEN)
        .and_then(|f| parse::decode_datetime(&f, env))
        .map_err(|e| e.into_error(s, type_name))
}

pub fn date_in(env: &Env, s: &str) -> Result<Value> {
    let d = decode(env, s, "date")?;
    let tm = match d.kind {
        Kind::Normal => d.tm,
        Kind::Epoch => return Ok(Value::Int(EPOCH_DATE)),
        Kind::Late => return Ok(Value::Int(DATE_NOEND)),
        Kind::Early => return Ok(Value::Int(DATE_NOBEGIN)),
    };
    if !valid_julian(tm.year, tm.mon) {
        return Err(range_error_for("date", s));
    }
    let days = date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE;
    if !valid_date(days) {
        return Err(range_error_for("date", s));
    }
    Ok(Value::Int(days))
}

/// Local fields minus an offset (seconds east) → a valid timestamp, as PostgreSQL's
/// `tm2timestamp` checks it.
pub fn tm_to_timestamp(tm: &Tm, offset: i32) -> Option<i64> {
    if !valid_julian(tm.year, tm.mon) {
        return None;
    }
    let date = date2j(tm.year, tm.mon, tm.mday) - POSTGRES_EPOCH_JDATE;
    let time = calendar::hms2time(tm.hour, tm.min, tm.sec, tm.usec);
    let t = date.checked_mul(USECS_PER_DAY)?.checked_add(time)?;
    if (t < 0 && date > 0) || (t > 0 && date < -1) {
        return None;
    }
    let t = t.checked_sub(i64::from(offset).checked_mul(USECS_PER_SEC)?)?;
    valid_timestamp(t).then_some(t)
}

fn timestamp_in_common(env: &Env, s: &str, typmod: Typmod, with_tz: bool) -> Result<Value> {
    let name = if with_tz {
        "timestamp with time zone"
    } else {
        "timestamp"
    };
    let d = decode(env, s, name)?;
    let t = match d.kind {
        Kind::Normal => tm_to_timestamp(&d.tm, if with_tz { d.tz } else { 0 })
            .ok_or_else(|| range_error_for("timestamp", s))?,
        Kind::Epoch => EPOCH_TIMESTAMP,
        Kind::Late => DT_NOEND,
        Kind::Early => DT_NOBEGIN,
    };
    Ok(Value::Int(round_timestamp(t, typmod)?))
}

pub fn time_in(env: &Env, s: &str, typmod: Typmod) -> Result<Value> {
    let (t, _) = parse::tokenize(s, DATE_BUFLEN)
        .and_then(|f| parse::decode_time_only(&f, env))
        .map_err(|e| e.into_error(s, "time"))?;
    Ok(Value::Int(round_time(t, typmod)))
}

pub fn timestamp_in(env: &Env, s: &str, typmod: Typmod) -> Result<Value> {
    timestamp_in_common(env, s, typmod, false)
}

pub fn timestamptz_in(env: &Env, s: &str, typmod: Typmod) -> Result<Value> {
    timestamp_in_common(env, s, typmod, true)
}

pub fn interval_in(env: &Env, s: &str, typmod: Typmod) -> Result<Value> {
    let iv = interval::parse_interval(s, typmod, env.interval_style)?;
    Ok(Value::Text(interval::to_stored(&iv)))
}

/// A stored date as text.
pub fn date_text(env: &Env, days: i64) -> String {
    match days {
        DATE_NOBEGIN => "-infinity".into(),
        DATE_NOEND => "infinity".into(),
        d => {
            let (y, m, dd) = date_of(d);
            format::encode_date(y, m, dd, env)
        }
    }
}

pub fn date_out(env: &Env, v: &Value) -> String {
    match v {
        Value::Int(d) => date_text(env, *d),
        other => super::text::text_out(other),
    }
}

pub fn time_text(t: i64) -> String {
    let (h, m, s, us) = time2hms(t);
    format::encode_time(h, m, s, us)
}

pub fn time_out(_env: &Env, v: &Value) -> String {
    match v {
        Value::Int(t) => time_text(*t),
        other => super::text::text_out(other),
    }
}

/// A stored timestamp as text.
pub fn timestamp_text(env: &Env, t: i64) -> String {
    match t {
        DT_NOBEGIN => "-infinity".into(),
        DT_NOEND => "infinity".into(),
        t => format::encode_datetime(&timestamp2tm(t), None, env),
    }
}

/// A stored timestamptz as text, in the session's zone.
pub fn timestamptz_text(env: &Env, t: i64) -> String {
    match t {
        DT_NOBEGIN => "-infinity".into(),
        DT_NOEND => "infinity".into(),
        t => {
            let off = env.timezone.offset_at_utc(t);
            let local = t.saturating_add(i64::from(off) * USECS_PER_SEC);
            let abbrev = if env.date_style == crate::env::DateStyle::Iso {
                String::new()
            } else {
                env.timezone.abbrev_at_utc(t)
            };
            format::encode_datetime(&timestamp2tm(local), Some((off, &abbrev)), env)
        }
    }
}

pub fn timestamp_out(env: &Env, v: &Value) -> String {
    match v {
        Value::Int(t) => timestamp_text(env, *t),
        other => super::text::text_out(other),
    }
}

pub fn timestamptz_out(env: &Env, v: &Value) -> String {
    match v {
        Value::Int(t) => timestamptz_text(env, *t),
        other => super::text::text_out(other),
    }
}

pub fn interval_out(env: &Env, v: &Value) -> String {
    match v {
        Value::Text(s) => match interval::from_stored(s) {
            Some(iv) => iv.format(env.interval_style),
            None => s.clone(),
        },
        other => super::text::text_out(other),
    }
}

fn bad_binary(msg: &str) -> SqlError {
    SqlError::new(sqlstate::INVALID_BINARY_REPRESENTATION, msg)
}

fn int_of(v: &Value, what: &str) -> Result<i64> {
    v.as_int()
        .ok_or_else(|| SqlError::internal(format!("stored {what} is not an integer")))
}

pub fn date_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    let d = int_of(v, "date")?;
    let d = i32::try_from(d).map_err(|_| range_error("date"))?;
    buf.extend_from_slice(&d.to_be_bytes());
    Ok(())
}

pub fn time_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    buf.extend_from_slice(&int_of(v, "time")?.to_be_bytes());
    Ok(())
}

pub fn timestamp_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    buf.extend_from_slice(&int_of(v, "timestamp")?.to_be_bytes());
    Ok(())
}

/// A stored interval value (internal error if the stored text is not an interval).
pub fn interval_of(v: &Value) -> Result<Interval> {
    match v {
        Value::Text(s) => interval::from_stored(s)
            .ok_or_else(|| SqlError::internal(format!("invalid stored interval \"{s}\""))),
        _ => Err(SqlError::internal("stored interval is not text")),
    }
}

pub fn interval_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    let iv = interval_of(v)?;
    buf.extend_from_slice(&iv.micros.to_be_bytes());
    buf.extend_from_slice(&iv.days.to_be_bytes());
    buf.extend_from_slice(&iv.months.to_be_bytes());
    Ok(())
}

fn exact<const N: usize>(bytes: &[u8]) -> Result<[u8; N]> {
    if bytes.len() < N {
        return Err(bad_binary("insufficient data left in message"));
    }
    if bytes.len() > N {
        return Err(bad_binary("incorrect binary data format"));
    }
    let mut a = [0u8; N];
    a.copy_from_slice(bytes);
    Ok(a)
}

pub fn date_recv(bytes: &[u8]) -> Result<Value> {
    let d = i64::from(i32::from_be_bytes(exact::<4>(bytes)?));
    if d != DATE_NOBEGIN && d != DATE_NOEND && !valid_date(d) {
        return Err(range_error("date"));
    }
    Ok(Value::Int(d))
}

pub fn time_recv(bytes: &[u8], typmod: Typmod) -> Result<Value> {
    let t = i64::from_be_bytes(exact::<8>(bytes)?);
    if !(0..=USECS_PER_DAY).contains(&t) {
        return Err(range_error("time"));
    }
    Ok(Value::Int(round_time(t, typmod)))
}

pub fn timestamp_recv(bytes: &[u8], typmod: Typmod) -> Result<Value> {
    let t = i64::from_be_bytes(exact::<8>(bytes)?);
    if t != DT_NOBEGIN && t != DT_NOEND && !valid_timestamp(t) {
        return Err(range_error("timestamp"));
    }
    Ok(Value::Int(round_timestamp(t, typmod)?))
}

pub fn interval_recv(bytes: &[u8], typmod: Typmod) -> Result<Value> {
    let a = exact::<16>(bytes)?;
    let mut t = [0u8; 8];
    t.copy_from_slice(&a[..8]);
    let mut d = [0u8; 4];
    d.copy_from_slice(&a[8..12]);
    let mut m = [0u8; 4];
    m.copy_from_slice(&a[12..]);
    let iv = Interval {
        micros: i64::from_be_bytes(t),
        days: i32::from_be_bytes(d),
        months: i32::from_be_bytes(m),
    };
    let iv = interval::adjust_for_typmod(iv, typmod)?;
    Ok(Value::Text(interval::to_stored(&iv)))
}

/// `time(p)`: rounds to `p` fractional digits (PostgreSQL's `AdjustTimeForTypmod`).
pub fn round_time(t: i64, typmod: Typmod) -> i64 {
    if (0..6).contains(&typmod) {
        interval::round_micros(t, typmod).unwrap_or(t)
    } else {
        t
    }
}

/// `timestamp(p)`: rounds finite values to `p` fractional digits.
pub fn round_timestamp(t: i64, typmod: Typmod) -> Result<i64> {
    if t == DT_NOBEGIN || t == DT_NOEND || typmod == -1 || typmod == 6 {
        return Ok(t);
    }
    if !(0..6).contains(&typmod) {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("timestamp({typmod}) precision must be between 0 and 6"),
        ));
    }
    interval::round_micros(t, typmod).ok_or_else(|| range_error("timestamp"))
}

pub fn datetime_typmod(ty: Type, _env: &Env, v: Value, typmod: Typmod) -> Result<Value> {
    let Value::Int(t) = v else {
        if ty == Type::INTERVAL {
            let iv = interval_of(&v)?;
            let iv = interval::adjust_for_typmod(iv, typmod)?;
            return Ok(Value::Text(interval::to_stored(&iv)));
        }
        return Ok(v);
    };
    match ty {
        Type::TIME => Ok(Value::Int(round_time(t, typmod))),
        Type::TIMESTAMP | Type::TIMESTAMPTZ => Ok(Value::Int(round_timestamp(t, typmod)?)),
        _ => Ok(Value::Int(t)),
    }
}

/// Orders two stored values (collation `pg_interval`).
pub fn interval_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    interval::cmp_stored(a, b)
}

#[cfg(test)]
mod tests;
