//! `generate_series` over int4, int8 and numeric: the rows are produced one at a time (a series
//! of a billion values allocates nothing per value beyond the current one), with PostgreSQL's
//! argument errors and its stop on overflow.

use std::cmp::Ordering;

use super::int::IntKind;
use super::numeric::{Dec, Numeric, add};
use super::{int_arg, num_arg};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::Rows;
use crate::value::Value;

fn invalid(message: &str) -> SqlError {
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, message)
}

struct IntSeries {
    kind: IntKind,
    next: Option<i64>,
    stop: i64,
    step: i64,
}

impl Iterator for IntSeries {
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        let cur = self.next?;
        let more = if self.step > 0 {
            cur <= self.stop
        } else {
            cur >= self.stop
        };
        if !more {
            self.next = None;
            return None;
        }
        // Past the type's range the series ends (PostgreSQL's overflow check).
        self.next = cur
            .checked_add(self.step)
            .filter(|v| *v >= self.kind.min() && *v <= self.kind.max());
        Some(Ok(vec![Value::Int(cur)]))
    }
}

fn int_series(kind: IntKind, args: &[Value]) -> Result<Rows> {
    let start = int_arg(args, 0)?;
    let stop = int_arg(args, 1)?;
    let step = if args.len() > 2 { int_arg(args, 2)? } else { 1 };
    if step == 0 {
        return Err(invalid("step size cannot equal zero"));
    }
    Ok(Box::new(IntSeries {
        kind,
        next: Some(start),
        stop,
        step,
    }))
}

/// `generate_series(int4, int4 [, int4])`.
pub fn generate_series_int4(_env: &Env, args: &[Value]) -> Result<Rows> {
    int_series(IntKind::I4, args)
}

/// `generate_series(int8, int8 [, int8])`.
pub fn generate_series_int8(_env: &Env, args: &[Value]) -> Result<Rows> {
    int_series(IntKind::I8, args)
}

struct NumericSeries {
    current: Option<Dec>,
    stop: Dec,
    step: Dec,
}

impl Iterator for NumericSeries {
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        let cur = self.current.take()?;
        let ord = cur.cmp(&self.stop);
        let more = if self.step.signum() > 0 {
            ord != Ordering::Greater
        } else {
            ord != Ordering::Less
        };
        if !more {
            return None;
        }
        let next = add(&cur, &self.step);
        let text = match cur.check() {
            Ok(d) => d.to_text(),
            Err(e) => return Some(Err(e)),
        };
        self.current = Some(next);
        Some(Ok(vec![Value::Text(text)]))
    }
}

fn finite(n: Numeric, what: &str) -> Result<Dec> {
    match n {
        Numeric::Fin(d) => Ok(d),
        Numeric::NaN => Err(invalid(&format!("{what} cannot be NaN"))),
        _ => Err(invalid(&format!("{what} cannot be infinity"))),
    }
}

/// `generate_series(numeric, numeric [, numeric])`.
pub fn generate_series_numeric(_env: &Env, args: &[Value]) -> Result<Rows> {
    let start = finite(num_arg(args, 0)?, "start value")?;
    let stop = finite(num_arg(args, 1)?, "stop value")?;
    let step = if args.len() > 2 {
        let step = finite(num_arg(args, 2)?, "step size")?;
        if step.is_zero() {
            return Err(invalid("step size cannot equal zero"));
        }
        step
    } else {
        Dec::from_i64(1)
    };
    Ok(Box::new(NumericSeries {
        current: Some(start),
        stop,
        step,
    }))
}
