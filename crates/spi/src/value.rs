//! Values and result columns: SQLite's storage classes presented under PostgreSQL's types.
//!
//! A result column has a [`PgType`] fixed when the statement is prepared (the wire layer sends
//! RowDescription before any row exists); [`from_sqlite`] converts each SQLite value to fit that
//! type, rendering numbers as PostgreSQL prints them when the column is textual.
//! Invariant: conversion never fails — a value SQLite stored that does not fit the column's type
//! (SQLite columns are loosely typed) is passed on in the nearest faithful form.

use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::ToSql;
use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::rewrite::PgType;

/// A value in SQLite's storage classes.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value as PostgreSQL's text output would show it (`None` for NULL); bytes as `\x..`.
    pub fn to_text(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(format_float(*f)),
            Value::Text(s) => Some(s.clone()),
            Value::Bytes(b) => Some(bytea_hex(b)),
        }
    }
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Float(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int(v.into())
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(v.into())
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// A result column: its name and the PostgreSQL type reported for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub pg_type: PgType,
}

impl Column {
    pub fn new(name: impl Into<String>, pg_type: PgType) -> Self {
        Column {
            name: name.into(),
            pg_type,
        }
    }
}

/// Converts one SQLite value to fit a column of type `ty`.
pub(crate) fn from_sqlite(v: ValueRef<'_>, ty: PgType) -> Value {
    match (v, ty) {
        (ValueRef::Null, _) => Value::Null,
        (ValueRef::Integer(i), PgType::Int2 | PgType::Int4 | PgType::Int8) => Value::Int(i),
        (ValueRef::Real(f), PgType::Int2 | PgType::Int4 | PgType::Int8) => {
            if f.fract() == 0.0 && f.abs() < 9.0e18 {
                // Integral: SQLite computed an integer expression in floating point.
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "checked integral and in range"
                )]
                Value::Int(f as i64)
            } else {
                Value::Float(f)
            }
        }
        (ValueRef::Integer(i), PgType::Float4 | PgType::Float8) =>
        {
            #[expect(
                clippy::cast_precision_loss,
                reason = "float8 column, PostgreSQL does the same"
            )]
            Value::Float(i as f64)
        }
        (ValueRef::Real(f), PgType::Float4 | PgType::Float8) => Value::Float(f),
        (ValueRef::Integer(i), PgType::Bool) => Value::Int(i64::from(i != 0)),
        (ValueRef::Real(f), PgType::Bool) => Value::Int(i64::from(f != 0.0)),
        (ValueRef::Text(t), PgType::Bool) => match parse_bool(&String::from_utf8_lossy(t)) {
            Some(b) => Value::Int(i64::from(b)),
            None => Value::Text(String::from_utf8_lossy(t).into_owned()),
        },
        (ValueRef::Text(t), PgType::Int2 | PgType::Int4 | PgType::Int8) => {
            let s = String::from_utf8_lossy(t);
            match s.trim().parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => Value::Text(s.into_owned()),
            }
        }
        (ValueRef::Text(t), PgType::Float4 | PgType::Float8) => {
            let s = String::from_utf8_lossy(t);
            match s.trim().parse::<f64>() {
                Ok(f) => Value::Float(f),
                Err(_) => Value::Text(s.into_owned()),
            }
        }
        (ValueRef::Blob(b), _) => Value::Bytes(b.to_vec()),
        (ValueRef::Text(t), PgType::Bytea) => Value::Bytes(t.to_vec()),
        (ValueRef::Text(t), _) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        (ValueRef::Integer(i), PgType::Bytea) => Value::Bytes(i.to_string().into_bytes()),
        (ValueRef::Real(f), PgType::Bytea) => Value::Bytes(format_float(f).into_bytes()),
        (ValueRef::Integer(i), _) => Value::Text(i.to_string()),
        (ValueRef::Real(f), _) => Value::Text(format_float(f)),
    }
}

/// PostgreSQL's boolean input: `t/true/yes/on/1` and `f/false/no/off/0` (any case, any
/// unambiguous prefix of the words, surrounding blanks ignored).
pub fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim().to_ascii_lowercase();
    if s.is_empty() {
        return None;
    }
    let prefix_of = |word: &str, min: usize| s.len() >= min && word.starts_with(s.as_str());
    if prefix_of("true", 1) || prefix_of("yes", 1) || s == "on" || s == "1" {
        Some(true)
    } else if prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || s == "0" {
        Some(false)
    } else {
        None
    }
}

/// `float8` output as PostgreSQL 12+ prints it: shortest round-trip digits, exponent form
/// when the decimal exponent is below -4 or at least 15, `Infinity`, `-Infinity`, `NaN`.
pub fn format_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{f:e}"); // shortest digits: "1.2345e6", "-5e-7"
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return sci;
    };
    if !(-4..15).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    format!("{f}")
}

/// bytea's hex output format.
pub fn bytea_hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * b.len());
    s.push_str("\\x");
    for byte in b {
        s.push_str(&format!("{byte:02x}"));
    }
    s
}

/// A timestamp as PostgreSQL prints `timestamptz` in UTC: `2026-11-25 16:28:21.123456+00`.
pub fn format_timestamptz(t: SystemTime) -> String {
    let (secs, micros) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            d.subsec_micros(),
        ),
        Err(e) => {
            let d = e.duration();
            let secs = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
            if d.subsec_micros() == 0 {
                (-secs, 0)
            } else {
                (-secs - 1, 1_000_000 - d.subsec_micros())
            }
        }
    };
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    if micros == 0 {
        format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}+00")
    } else {
        let frac = format!("{micros:06}");
        let frac = frac.trim_end_matches('0');
        format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02}.{frac}+00")
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    (
        y,
        u32::try_from(m).unwrap_or(1),
        u32::try_from(d).unwrap_or(1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn floats_print_like_postgres() {
        assert_eq!(format_float(2.0), "2");
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(1.5e20), "1.5e+20");
        assert_eq!(format_float(1e15), "1e+15");
        assert_eq!(format_float(123456789012345.0), "123456789012345");
        assert_eq!(format_float(0.0001), "0.0001");
        assert_eq!(format_float(0.00001), "1e-05");
        assert_eq!(format_float(-2.5), "-2.5");
        assert_eq!(format_float(f64::INFINITY), "Infinity");
        assert_eq!(format_float(f64::NAN), "NaN");
    }

    #[test]
    fn timestamps_print_like_postgres() {
        let t = UNIX_EPOCH + Duration::from_micros(1_795_624_101_123_456);
        assert_eq!(format_timestamptz(t), "2026-11-25 16:28:21.123456+00");
        assert_eq!(format_timestamptz(UNIX_EPOCH), "1970-01-01 00:00:00+00");
        let t = UNIX_EPOCH + Duration::from_millis(951_782_400_500); // 2000-02-29
        assert_eq!(format_timestamptz(t), "2000-02-29 00:00:00.5+00");
    }

    #[test]
    fn bools_parse_like_postgres() {
        for t in ["t", "true", "TRUE", "yes", "on", "1", " y "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["f", "false", "no", "off", "0", "n"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for bad in ["", "o", "maybe", "2"] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }

    #[test]
    fn values_fit_their_column_type() {
        assert_eq!(
            from_sqlite(ValueRef::Integer(5), PgType::Text),
            Value::Text("5".into())
        );
        assert_eq!(
            from_sqlite(ValueRef::Real(2.0), PgType::Int8),
            Value::Int(2)
        );
        assert_eq!(
            from_sqlite(ValueRef::Integer(3), PgType::Float8),
            Value::Float(3.0)
        );
        assert_eq!(
            from_sqlite(ValueRef::Integer(7), PgType::Bool),
            Value::Int(1)
        );
        assert_eq!(
            from_sqlite(ValueRef::Text(b"t"), PgType::Bool),
            Value::Int(1)
        );
        assert_eq!(
            from_sqlite(ValueRef::Text(b"42"), PgType::Int4),
            Value::Int(42)
        );
        assert_eq!(
            from_sqlite(ValueRef::Blob(&[1, 2]), PgType::Bytea),
            Value::Bytes(vec![1, 2])
        );
        assert_eq!(from_sqlite(ValueRef::Null, PgType::Int4), Value::Null);
        assert_eq!(
            Value::Bytes(vec![0xde, 0xad]).to_text().as_deref(),
            Some("\\xdead")
        );
    }
}
