//! Numbers: int2, int4, int8, oid (and the reg* types as plain oids), float4, float8 and
//! numeric — input/output in text and binary, the operators, functions, casts, aggregates and
//! `generate_series` PostgreSQL 15 has for them.
//!
//! This module is the facade: the I/O entry points `types::io` dispatches to, the
//! `pg_numeric` collation ([`numeric_cmp`]), the catalog rows ([`FUNCTIONS`], [`CASTS`]) and
//! the argument helpers the submodules share. The work is in the submodules:
//! [`int`] (integers and oids), [`float`] (float4/float8), [`numeric`] (the decimal type's
//! representation, I/O and exact arithmetic), [`numeric_math`] (its square root, exponential,
//! logarithms and powers), [`numeric_fns`] (its runtime functions and casts), [`agg`]
//! (aggregates), [`series`] (`generate_series`) and `catalog` (the rows).
//!
//! Storage forms (see `types`): integers and oids are INTEGER (an oid as its unsigned value),
//! floats REAL (float4 rounded to single precision), numeric TEXT in canonical output form
//! (display scale kept: `12.30` stays `12.30`; `NaN`, `Infinity`, `-Infinity`).
//!
//! Tests (`tests`) assert what PostgreSQL 15 printed; `testdata/` holds PostgreSQL's catalog
//! rows the catalog is checked against and `difftest.py`, which has a PostgreSQL server
//! evaluate random cases for the `differential` test.

pub mod agg;
mod catalog;
pub mod float;
pub mod formatting;
pub mod int;
pub mod numeric;
pub mod numeric_fns;
pub mod numeric_math;
pub mod series;

#[cfg(test)]
mod tests;

use std::cmp::Ordering;

use super::Typmod;
use crate::error::{Result, SqlError, sqlstate};
use crate::value::Value;

pub use catalog::{CASTS, COMPARISONS, FUNCTIONS};
pub use float::{float_in, float_out, float_recv, float_send};
pub use int::{int_in, int_out, int_recv, int_send, oid_in};
use numeric::Numeric;

/// XX000 for a stored value of a storage class the type never has.
pub(crate) fn value_error(type_name: &str) -> SqlError {
    SqlError::internal(format!("unexpected stored value for type {type_name}"))
}

/// Argument `i` as an integer (an integral REAL is accepted: SQLite may hand one over).
pub(crate) fn int_arg(args: &[Value], i: usize) -> Result<i64> {
    match args.get(i) {
        Some(Value::Int(v)) => Ok(*v),
        #[expect(clippy::cast_possible_truncation, reason = "integral and in range")]
        Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(*f as i64),
        _ => Err(value_error("integer")),
    }
}

/// Argument `i` as a float.
pub(crate) fn float_arg(args: &[Value], i: usize) -> Result<f64> {
    match args.get(i) {
        Some(Value::Float(f)) => Ok(*f),
        #[expect(clippy::cast_precision_loss, reason = "SQLite's own conversion")]
        Some(Value::Int(v)) => Ok(*v as f64),
        Some(Value::Text(t)) if t == super::FLOAT_NAN => Ok(f64::NAN),
        _ => Err(value_error("double precision")),
    }
}

/// A stored value as a numeric.
pub(crate) fn to_numeric(v: &Value) -> Result<Numeric> {
    match v {
        Value::Text(s) => numeric::parse(s, -1),
        Value::Int(i) => Ok(Numeric::from_i64(*i)),
        Value::Float(f) => numeric_fns::float_to_numeric(*f, 15),
        _ => Err(value_error("numeric")),
    }
}

/// Argument `i` as a numeric.
pub(crate) fn num_arg(args: &[Value], i: usize) -> Result<Numeric> {
    args.get(i)
        .ok_or_else(|| value_error("numeric"))
        .and_then(to_numeric)
}

/// `numeric_in`: text → canonical text, coerced to `typmod`.
pub fn numeric_in(s: &str, typmod: Typmod) -> Result<Value> {
    Ok(Value::Text(numeric::parse(s, typmod)?.to_text()))
}

/// `numeric_out`: the stored canonical text.
pub fn numeric_out(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        other => to_numeric(other).map_or_else(|_| super::text::text_out(other), |n| n.to_text()),
    }
}

/// `numeric_send`: the base-10000 binary form.
pub fn numeric_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    numeric::send(&to_numeric(v)?, buf);
    Ok(())
}

/// `numeric_recv`: the binary form → canonical text, coerced to `typmod`.
pub fn numeric_recv(bytes: &[u8], typmod: Typmod) -> Result<Value> {
    Ok(Value::Text(numeric::recv(bytes, typmod)?.to_text()))
}

/// `numeric(numeric, int4)`: a stored value coerced to `typmod` (rounding half away from
/// zero; 22003 `numeric field overflow` when it does not fit).
pub fn numeric_typmod(v: Value, typmod: Typmod) -> Result<Value> {
    if v.is_null() {
        return Ok(v);
    }
    Ok(Value::Text(
        numeric::coerce(to_numeric(&v)?, typmod)?.to_text(),
    ))
}

/// `numerictypmodin`: `numeric(p)` / `numeric(p, s)` → the type modifier, with PostgreSQL's
/// errors for out-of-range precision and scale.
pub fn numeric_typmod_in(mods: &[i32]) -> Result<Typmod> {
    let invalid = |m: String| SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, m);
    let check_precision = |p: i32| {
        if (1..=numeric::MAX_PRECISION).contains(&p) {
            Ok(())
        } else {
            Err(invalid(format!(
                "NUMERIC precision {p} must be between 1 and {}",
                numeric::MAX_PRECISION
            )))
        }
    };
    match *mods {
        [p, s] => {
            check_precision(p)?;
            if !(-numeric::MAX_PRECISION..=numeric::MAX_PRECISION).contains(&s) {
                return Err(invalid(format!(
                    "NUMERIC scale {s} must be between {} and {}",
                    -numeric::MAX_PRECISION,
                    numeric::MAX_PRECISION
                )));
            }
            Ok(super::numeric_typmod(p, s))
        }
        [p] => {
            check_precision(p)?;
            Ok(super::numeric_typmod(p, 0))
        }
        _ => Err(invalid("invalid NUMERIC type modifier".to_string())),
    }
}

/// Orders two stored values (collation `pg_numeric`): numerically, NaN above everything
/// (equal to itself), `1.50` equal to `1.5`.
pub fn numeric_cmp(a: &str, b: &str) -> Ordering {
    numeric::cmp_text(a, b)
}
