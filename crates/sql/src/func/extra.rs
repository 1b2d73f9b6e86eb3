//! Functions and aggregates that belong to no single type module:
//!
//! - `bit_and`, `bit_or`, `bit_xor` over int2/int4/int8;
//! - the SQL:2003 binary float8 aggregates `corr`, `covar_pop`, `covar_samp` and the `regr_*`
//!   family (PostgreSQL 15's Youngs–Cramer accumulation, NaN/infinity rules and final
//!   formulas);
//! - `sum(interval)` and `avg(interval)`;
//! - the ordered-set aggregates `percentile_cont`, `percentile_disc` and `mode`, as ordinary
//!   aggregates over (fraction, value) resp. (value): the analyzer turns
//!   `f(x) WITHIN GROUP (ORDER BY v)` into `f(x, v)`; the values are collected and sorted here
//!   in their type's order;
//! - `num_nulls`, `num_nonnulls` (`VARIADIC "any"`) and `width_bucket(anycompatible,
//!   anycompatiblearray)`.
//!
//! Invariants: every aggregate that can remove rows gives exactly the value PostgreSQL gives
//! for the remaining rows (the bit aggregates count set bits per position; the interval sums
//! are exact; the float8 aggregates keep the frame's rows and recompute after a removal, as
//! PostgreSQL does, falling back to an inverse update past [`REPLAY_CAP`] rows). The
//! ordered-set aggregates keep their non-null values in memory (PostgreSQL can spill to disk).

use std::collections::VecDeque;

use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::rows::{aggregate, fixed_frame, func, not_strict, of_kind, typed, variadic};
use crate::func::{Accumulator, Builtin, Kind, ScalarFn, arg_types};
use crate::types::array::Array;
use crate::types::array::funcs::{array_cmp, elem_cmp};
use crate::types::datetime::interval::{self, Interval};
use crate::types::datetime::interval_of;
use crate::types::numbers::float::{format_g, overflow_error};
use crate::types::numbers::{float_arg, int_arg};
use crate::types::{Type, float_loaded};
use crate::value::Value;

// ---------------------------------------------------------------------------------------------
// bit_and, bit_or, bit_xor

#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
}

/// A bitwise aggregate: the number of inputs and, per bit position, how many inputs have
/// that bit set (so rows can leave a window frame).
struct BitAgg {
    op: BitOp,
    n: i64,
    ones: [i64; 64],
}

impl BitAgg {
    fn apply(&mut self, args: &[Value], delta: i64) -> Result<()> {
        if args.first().is_none_or(Value::is_null) {
            return Ok(());
        }
        // Reinterpreting the bits: int2/int4 values are sign-extended, which every bitwise
        // operation preserves.
        let mut bits = int_arg(args, 0)?.cast_unsigned();
        self.n += delta;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            self.ones[i] += delta;
            bits &= bits - 1;
        }
        Ok(())
    }
}

impl Accumulator for BitAgg {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        self.apply(args, 1)
    }
    fn inverse(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        self.apply(args, -1)
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        if self.n <= 0 {
            return Ok(Value::Null);
        }
        let mut bits = 0u64;
        for (i, &c) in self.ones.iter().enumerate() {
            let set = match self.op {
                BitOp::And => c == self.n,
                BitOp::Or => c > 0,
                BitOp::Xor => c % 2 != 0,
            };
            if set {
                bits |= 1 << i;
            }
        }
        Ok(Value::Int(bits.cast_signed()))
    }
}

fn bit_agg(op: BitOp) -> Box<dyn Accumulator> {
    Box::new(BitAgg {
        op,
        n: 0,
        ones: [0; 64],
    })
}

fn new_bit_and(_types: &[Type]) -> Box<dyn Accumulator> {
    bit_agg(BitOp::And)
}

fn new_bit_or(_types: &[Type]) -> Box<dyn Accumulator> {
    bit_agg(BitOp::Or)
}

fn new_bit_xor(_types: &[Type]) -> Box<dyn Accumulator> {
    bit_agg(BitOp::Xor)
}

// ---------------------------------------------------------------------------------------------
// corr, covar_*, regr_*

/// PostgreSQL's state of the binary float8 aggregates: N, Σx, Sxx, Σy, Syy, Sxy (the sums of
/// squared and cross deviations, accumulated by Youngs–Cramer).
#[derive(Clone, Copy, Default)]
struct Regr {
    n: f64,
    sx: f64,
    sxx: f64,
    sy: f64,
    syy: f64,
    sxy: f64,
}

impl Regr {
    /// Adds the pair (y, x) — `y` is the aggregates' first argument.
    fn add(&mut self, y: f64, x: f64) -> Result<()> {
        let old = *self;
        self.n += 1.0;
        self.sx += x;
        self.sy += y;
        if old.n > 0.0 {
            let tmp_x = x * self.n - self.sx;
            let tmp_y = y * self.n - self.sy;
            let scale = 1.0 / (self.n * old.n);
            self.sxx += tmp_x * tmp_x * scale;
            self.syy += tmp_y * tmp_y * scale;
            self.sxy += tmp_x * tmp_y * scale;
            let inf = f64::is_infinite;
            if inf(self.sx) || inf(self.sxx) || inf(self.sy) || inf(self.syy) || inf(self.sxy) {
                // Finite inputs that overflow are an error; infinite inputs make the
                // dependent sums NaN.
                if ((inf(self.sx) || inf(self.sxx)) && !inf(old.sx) && !inf(x))
                    || ((inf(self.sy) || inf(self.syy)) && !inf(old.sy) && !inf(y))
                    || (inf(self.sxy) && !inf(old.sx) && !inf(x) && !inf(old.sy) && !inf(y))
                {
                    return Err(overflow_error());
                }
                if inf(self.sxx) {
                    self.sxx = f64::NAN;
                }
                if inf(self.syy) {
                    self.syy = f64::NAN;
                }
                if inf(self.sxy) {
                    self.sxy = f64::NAN;
                }
            }
        } else {
            // A first input that is not finite makes the dependent sums NaN from the start.
            if !x.is_finite() {
                self.sxx = f64::NAN;
                self.sxy = f64::NAN;
            }
            if !y.is_finite() {
                self.syy = f64::NAN;
                self.sxy = f64::NAN;
            }
        }
        Ok(())
    }

    /// Removes the pair (y, x) by inverting the update (exact only in exact arithmetic; used
    /// when the frame's rows were not kept).
    fn remove(&mut self, y: f64, x: f64) {
        if self.n <= 1.0 {
            *self = Regr::default();
            return;
        }
        let tmp_x = x * self.n - self.sx;
        let tmp_y = y * self.n - self.sy;
        let scale = 1.0 / (self.n * (self.n - 1.0));
        self.sxx = (self.sxx - tmp_x * tmp_x * scale).max(0.0);
        self.syy = (self.syy - tmp_y * tmp_y * scale).max(0.0);
        self.sxy -= tmp_x * tmp_y * scale;
        self.sx -= x;
        self.sy -= y;
        self.n -= 1.0;
    }
}

/// Which binary aggregate.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum RegrOut {
    Count,
    Sxx,
    Syy,
    Sxy,
    AvgX,
    AvgY,
    CovarPop,
    CovarSamp,
    Corr,
    R2,
    Slope,
    Intercept,
}

/// The most frame rows a binary aggregate keeps to recompute its value after rows leave.
const REPLAY_CAP: usize = 16_384;

/// A binary float8 aggregate. PostgreSQL has no inverse transition for these and recomputes a
/// sliding frame, so the frame's rows are kept (up to [`REPLAY_CAP`]) and replayed in order
/// once a row has left.
struct RegrAgg {
    out: RegrOut,
    state: Regr,
    rows: Option<VecDeque<(f64, f64)>>,
    removed: bool,
}

impl RegrAgg {
    fn pair(args: &[Value]) -> Result<Option<(f64, f64)>> {
        if args.len() < 2 || args.iter().take(2).any(Value::is_null) {
            return Ok(None);
        }
        Ok(Some((float_arg(args, 0)?, float_arg(args, 1)?)))
    }

    fn result(&self, s: &Regr) -> Value {
        let n = s.n;
        if self.out == RegrOut::Count {
            #[expect(clippy::cast_possible_truncation, reason = "a count")]
            return Value::Int(n as i64);
        }
        let min = if self.out == RegrOut::CovarSamp {
            2.0
        } else {
            1.0
        };
        if n < min {
            return Value::Null;
        }
        let v = match self.out {
            RegrOut::Count => n,
            RegrOut::Sxx => s.sxx,
            RegrOut::Syy => s.syy,
            RegrOut::Sxy => s.sxy,
            RegrOut::AvgX => s.sx / n,
            RegrOut::AvgY => s.sy / n,
            RegrOut::CovarPop => s.sxy / n,
            RegrOut::CovarSamp => s.sxy / (n - 1.0),
            RegrOut::Corr => {
                if s.sxx == 0.0 || s.syy == 0.0 {
                    return Value::Null;
                }
                s.sxy / (s.sxx * s.syy).sqrt()
            }
            RegrOut::R2 => {
                if s.sxx == 0.0 {
                    return Value::Null;
                }
                if s.syy == 0.0 {
                    1.0
                } else {
                    (s.sxy * s.sxy) / (s.sxx * s.syy)
                }
            }
            RegrOut::Slope => {
                if s.sxx == 0.0 {
                    return Value::Null;
                }
                s.sxy / s.sxx
            }
            RegrOut::Intercept => {
                if s.sxx == 0.0 {
                    return Value::Null;
                }
                (s.sy - s.sx * s.sxy / s.sxx) / n
            }
        };
        Value::Float(v)
    }
}

impl Accumulator for RegrAgg {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        let Some((y, x)) = RegrAgg::pair(args)? else {
            return Ok(());
        };
        if self.out == RegrOut::Count {
            // regr_count only counts (no sums that could overflow).
            self.state.n += 1.0;
            return Ok(());
        }
        self.state.add(y, x)?;
        if let Some(rows) = &mut self.rows {
            if rows.len() < REPLAY_CAP {
                rows.push_back((y, x));
            } else {
                self.rows = None;
            }
        }
        Ok(())
    }
    fn inverse(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        let Some((y, x)) = RegrAgg::pair(args)? else {
            return Ok(());
        };
        if self.out == RegrOut::Count {
            self.state.n -= 1.0;
            return Ok(());
        }
        self.removed = true;
        if let Some(rows) = &mut self.rows {
            match rows.pop_front() {
                Some((fy, fx)) if fy.to_bits() == y.to_bits() && fx.to_bits() == x.to_bits() => {}
                // Not the oldest row: the frame is not first-in first-out.
                _ => self.rows = None,
            }
        }
        self.state.remove(y, x);
        Ok(())
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        if self.removed
            && let Some(rows) = &self.rows
        {
            let mut fresh = Regr::default();
            for &(y, x) in rows {
                fresh.add(y, x)?;
            }
            return Ok(self.result(&fresh));
        }
        Ok(self.result(&self.state))
    }
}

fn regr(out: RegrOut) -> Box<dyn Accumulator> {
    Box::new(RegrAgg {
        out,
        state: Regr::default(),
        rows: Some(VecDeque::new()),
        removed: false,
    })
}

macro_rules! regr_factories {
    ($($name:ident => $out:ident),* $(,)?) => {
        $(
            fn $name(_types: &[Type]) -> Box<dyn Accumulator> {
                regr(RegrOut::$out)
            }
        )*
    };
}

regr_factories! {
    new_regr_count => Count,
    new_regr_sxx => Sxx,
    new_regr_syy => Syy,
    new_regr_sxy => Sxy,
    new_regr_avgx => AvgX,
    new_regr_avgy => AvgY,
    new_covar_pop => CovarPop,
    new_covar_samp => CovarSamp,
    new_corr => Corr,
    new_regr_r2 => R2,
    new_regr_slope => Slope,
    new_regr_intercept => Intercept,
}

// ---------------------------------------------------------------------------------------------
// sum(interval), avg(interval)

/// The exact running sum and count of interval inputs.
struct IntervalAgg {
    avg: bool,
    n: i64,
    sum: Interval,
}

impl IntervalAgg {
    fn input(args: &[Value]) -> Result<Option<Interval>> {
        match args.first() {
            None | Some(Value::Null) => Ok(None),
            Some(v) => interval_of(v).map(Some),
        }
    }
}

impl Accumulator for IntervalAgg {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        if let Some(iv) = IntervalAgg::input(args)? {
            self.sum = self.sum.add(&iv)?;
            self.n += 1;
        }
        Ok(())
    }
    fn inverse(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        if let Some(iv) = IntervalAgg::input(args)? {
            self.sum = self.sum.sub(&iv)?;
            self.n -= 1;
        }
        Ok(())
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        if self.n <= 0 {
            return Ok(Value::Null);
        }
        let result = if self.avg {
            #[expect(clippy::cast_precision_loss, reason = "PostgreSQL divides by a float8")]
            let n = self.n as f64;
            self.sum.div(n)?
        } else {
            self.sum
        };
        Ok(Value::Text(interval::to_stored(&result)))
    }
}

fn new_sum_interval(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(IntervalAgg {
        avg: false,
        n: 0,
        sum: Interval::default(),
    })
}

fn new_avg_interval(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(IntervalAgg {
        avg: true,
        n: 0,
        sum: Interval::default(),
    })
}

// ---------------------------------------------------------------------------------------------
// percentile_cont, percentile_disc, mode

/// Orders two non-null stored values of type `ty` as PostgreSQL orders the type.
fn value_cmp(ty: Type, a: &Value, b: &Value) -> std::cmp::Ordering {
    if let Some(elem) = ty.elem().filter(|_| ty.is_array())
        && let (Value::Text(x), Value::Text(y)) = (a, b)
        && let (Ok(x), Ok(y)) = (Array::decode(elem, x), Array::decode(elem, y))
    {
        return array_cmp(elem, &x, &y);
    }
    elem_cmp(ty, a, b)
}

/// A value as it is sorted: float NaN as a float (it may arrive as its stored text).
fn normalized(ty: Type, v: &Value) -> Value {
    if matches!(ty, Type::FLOAT4 | Type::FLOAT8) {
        float_loaded(v)
    } else {
        v.clone()
    }
}

/// What an ordered-set aggregate computes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum OrderedKind {
    /// `percentile_cont` (float8 or interval values).
    Cont,
    /// `percentile_disc`.
    Disc,
    /// `mode`.
    Mode,
}

/// The direct argument (the fraction or fractions) as first seen.
#[derive(Clone, Debug)]
enum Direct {
    Unseen,
    Null,
    Given(Value),
}

/// An ordered-set aggregate: the direct argument and the non-null values.
struct Ordered {
    kind: OrderedKind,
    /// The fraction is an array of fractions.
    multi: bool,
    /// The type of the values.
    ty: Type,
    direct: Direct,
    values: Vec<Value>,
}

/// 22003 `percentile value … is not between 0 and 1` (C's `%g`).
fn check_fraction(p: f64) -> Result<f64> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(SqlError::out_of_range(format!(
            "percentile value {} is not between 0 and 1",
            format_g(p, 6)
        )))
    }
}

impl Ordered {
    /// `percentile_disc` over the sorted values.
    fn disc(&self, p: f64) -> Value {
        #[expect(clippy::cast_precision_loss, reason = "PostgreSQL computes in float8")]
        let n = self.values.len() as f64;
        let row = (p * n).ceil();
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "0 ≤ row ≤ n"
        )]
        let row = row.max(0.0) as usize;
        let idx = row
            .saturating_sub(1)
            .min(self.values.len().saturating_sub(1));
        self.values.get(idx).cloned().unwrap_or(Value::Null)
    }

    /// `percentile_cont` over the sorted values: linear interpolation between neighbours.
    fn cont(&self, p: f64) -> Result<Value> {
        #[expect(clippy::cast_precision_loss, reason = "PostgreSQL computes in float8")]
        let pos = p * (self.values.len().saturating_sub(1)) as f64;
        let (first, second) = (pos.floor(), pos.ceil());
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "in range"
        )]
        let (i, j) = (first.max(0.0) as usize, second.max(0.0) as usize);
        let lo = self.values.get(i).cloned().unwrap_or(Value::Null);
        if i == j {
            return Ok(lo);
        }
        let hi = self.values.get(j).cloned().unwrap_or(Value::Null);
        let proportion = pos - first;
        if self.ty == Type::INTERVAL {
            let (lo, hi) = (interval_of(&lo)?, interval_of(&hi)?);
            let r = hi.sub(&lo)?.mul(proportion)?.add(&lo)?;
            return Ok(Value::Text(interval::to_stored(&r)));
        }
        let lo = lo.as_float().unwrap_or(f64::NAN);
        let hi = hi.as_float().unwrap_or(f64::NAN);
        Ok(Value::Float(lo + proportion * (hi - lo)))
    }

    fn percentile(&self, p: f64) -> Result<Value> {
        if self.kind == OrderedKind::Cont {
            self.cont(p)
        } else {
            Ok(self.disc(p))
        }
    }

    fn mode(&self) -> Value {
        let mut best: Option<(usize, usize)> = None;
        let mut start = 0;
        while start < self.values.len() {
            let mut end = start + 1;
            while end < self.values.len()
                && value_cmp(self.ty, &self.values[start], &self.values[end]).is_eq()
            {
                end += 1;
            }
            if best.is_none_or(|(_, freq)| end - start > freq) {
                best = Some((start, end - start));
            }
            start = end;
        }
        best.and_then(|(i, _)| self.values.get(i).cloned())
            .unwrap_or(Value::Null)
    }
}

impl Accumulator for Ordered {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        let value = if self.kind == OrderedKind::Mode {
            args.first()
        } else {
            if matches!(self.direct, Direct::Unseen) {
                self.direct = match args.first() {
                    None | Some(Value::Null) => Direct::Null,
                    Some(v) => Direct::Given(v.clone()),
                };
            }
            args.get(1)
        };
        if let Some(v) = value.filter(|v| !v.is_null()) {
            self.values.push(normalized(self.ty, v));
        }
        Ok(())
    }

    fn value(&mut self, _env: &Env) -> Result<Value> {
        let ty = self.ty;
        self.values.sort_by(|a, b| value_cmp(ty, a, b));
        if self.kind == OrderedKind::Mode {
            return Ok(self.mode());
        }
        let direct = match &self.direct {
            Direct::Unseen | Direct::Null => return Ok(Value::Null),
            Direct::Given(v) => v.clone(),
        };
        if !self.multi {
            let p = check_fraction(float_arg(std::slice::from_ref(&direct), 0)?)?;
            if self.values.is_empty() {
                return Ok(Value::Null);
            }
            return self.percentile(p);
        }
        if self.values.is_empty() {
            return Ok(Value::Null);
        }
        let Value::Text(text) = &direct else {
            return Err(SqlError::internal("an array argument must be text"));
        };
        let fractions = Array::decode(Type::FLOAT8, text)?;
        let mut checked = Vec::with_capacity(fractions.items.len());
        for f in &fractions.items {
            checked.push(match float_loaded(f) {
                Value::Null => None,
                v => Some(check_fraction(v.as_float().ok_or_else(|| {
                    SqlError::internal("a fraction must be a float")
                })?)?),
            });
        }
        let mut items = Vec::with_capacity(checked.len());
        for p in checked {
            items.push(match p {
                None => Value::Null,
                Some(p) => crate::types::to_stored(self.percentile(p)?),
            });
        }
        Ok(Array {
            dims: fractions.dims,
            items,
        }
        .to_value())
    }
}

fn ordered(kind: OrderedKind, multi: bool, ty: Type) -> Box<dyn Accumulator> {
    Box::new(Ordered {
        kind,
        multi,
        ty,
        direct: Direct::Unseen,
        values: Vec::new(),
    })
}

fn new_percentile_cont_float8(_types: &[Type]) -> Box<dyn Accumulator> {
    ordered(OrderedKind::Cont, false, Type::FLOAT8)
}

fn new_percentile_cont_interval(_types: &[Type]) -> Box<dyn Accumulator> {
    ordered(OrderedKind::Cont, false, Type::INTERVAL)
}

fn new_percentile_cont_float8_multi(_types: &[Type]) -> Box<dyn Accumulator> {
    ordered(OrderedKind::Cont, true, Type::FLOAT8)
}

fn new_percentile_cont_interval_multi(_types: &[Type]) -> Box<dyn Accumulator> {
    ordered(OrderedKind::Cont, true, Type::INTERVAL)
}

/// The value type of a typed ordered-set aggregate: its last argument's.
fn value_type(types: &[Type]) -> Type {
    types.last().copied().unwrap_or(Type::ANYELEMENT)
}

fn new_percentile_disc(types: &[Type]) -> Box<dyn Accumulator> {
    ordered(OrderedKind::Disc, false, value_type(types))
}

fn new_percentile_disc_multi(types: &[Type]) -> Box<dyn Accumulator> {
    ordered(OrderedKind::Disc, true, value_type(types))
}

fn new_mode(types: &[Type]) -> Box<dyn Accumulator> {
    ordered(OrderedKind::Mode, false, value_type(types))
}

// ---------------------------------------------------------------------------------------------
// num_nulls, num_nonnulls, width_bucket

fn count_value(n: usize) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// `num_nulls(VARIADIC "any")`.
pub fn num_nulls(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(count_value(args.iter().filter(|v| v.is_null()).count()))
}

/// `num_nonnulls(VARIADIC "any")`.
pub fn num_nonnulls(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(count_value(args.iter().filter(|v| !v.is_null()).count()))
}

/// `width_bucket(operand, thresholds)`: the number of thresholds not above the operand, by
/// binary search over the (supposedly sorted) one-dimensional thresholds array.
pub fn width_bucket_array(_env: &Env, args: &[Value]) -> Result<Value> {
    let (first, rest) = args
        .split_first()
        .ok_or_else(|| SqlError::internal("width_bucket without arguments"))?;
    let types = arg_types(first);
    let [operand, thresholds] = rest else {
        return Err(SqlError::internal("width_bucket takes two arguments"));
    };
    let elem = types
        .get(1)
        .and_then(|t| t.elem())
        .or_else(|| types.first().copied())
        .unwrap_or(Type::ANYELEMENT);
    let Value::Text(text) = thresholds else {
        return Err(SqlError::internal("an array argument must be text"));
    };
    let a = Array::decode(elem, text)?;
    if a.ndims() > 1 {
        return Err(SqlError::new(
            sqlstate::ARRAY_SUBSCRIPT_ERROR,
            "thresholds must be one-dimensional array",
        ));
    }
    if a.items.iter().any(Value::is_null) {
        return Err(SqlError::new(
            sqlstate::NULL_VALUE_NOT_ALLOWED,
            "thresholds array must not contain NULLs",
        ));
    }
    let operand = normalized(elem, operand);
    let (mut left, mut right) = (0usize, a.items.len());
    while left < right {
        let mid = left + (right - left) / 2;
        let t = normalized(elem, &a.items[mid]);
        if value_cmp(elem, &operand, &t).is_lt() {
            right = mid;
        } else {
            left = mid + 1;
        }
    }
    Ok(count_value(left))
}

// ---------------------------------------------------------------------------------------------
// catalog

const I2: Type = Type::INT2;
const I4: Type = Type::INT4;
const I8: Type = Type::INT8;
const F8: Type = Type::FLOAT8;
const F8A: Type = Type::FLOAT8_ARRAY;
const IV: Type = Type::INTERVAL;
const IVA: Type = Type::INTERVAL_ARRAY;
const AE: Type = Type::ANYELEMENT;

/// An ordered-set aggregate: sees NULL fractions and values (PostgreSQL checks the fraction
/// even when every value is NULL); no window use.
const fn ordered_set(b: Builtin) -> Builtin {
    of_kind(Kind::OrderedSet, not_strict(fixed_frame(b)))
}

/// A not-strict variadic `"any"` function.
const fn variadic_any(name: &'static str, symbol: &'static str, f: ScalarFn) -> Builtin {
    not_strict(variadic(func(name, &[Type::ANY], I4, symbol, f)))
}

/// The catalog rows of this module.
pub static FUNCTIONS: &[Builtin] = &[
    aggregate("bit_and", &[I2], I2, "pg_int2_bit_and", new_bit_and),
    aggregate("bit_and", &[I4], I4, "pg_int4_bit_and", new_bit_and),
    aggregate("bit_and", &[I8], I8, "pg_int8_bit_and", new_bit_and),
    aggregate("bit_or", &[I2], I2, "pg_int2_bit_or", new_bit_or),
    aggregate("bit_or", &[I4], I4, "pg_int4_bit_or", new_bit_or),
    aggregate("bit_or", &[I8], I8, "pg_int8_bit_or", new_bit_or),
    aggregate("bit_xor", &[I2], I2, "pg_int2_bit_xor", new_bit_xor),
    aggregate("bit_xor", &[I4], I4, "pg_int4_bit_xor", new_bit_xor),
    aggregate("bit_xor", &[I8], I8, "pg_int8_bit_xor", new_bit_xor),
    aggregate("corr", &[F8, F8], F8, "pg_corr", new_corr),
    aggregate("covar_pop", &[F8, F8], F8, "pg_covar_pop", new_covar_pop),
    aggregate("covar_samp", &[F8, F8], F8, "pg_covar_samp", new_covar_samp),
    aggregate("regr_avgx", &[F8, F8], F8, "pg_regr_avgx", new_regr_avgx),
    aggregate("regr_avgy", &[F8, F8], F8, "pg_regr_avgy", new_regr_avgy),
    aggregate("regr_count", &[F8, F8], I8, "pg_regr_count", new_regr_count),
    aggregate(
        "regr_intercept",
        &[F8, F8],
        F8,
        "pg_regr_intercept",
        new_regr_intercept,
    ),
    aggregate("regr_r2", &[F8, F8], F8, "pg_regr_r2", new_regr_r2),
    aggregate("regr_slope", &[F8, F8], F8, "pg_regr_slope", new_regr_slope),
    aggregate("regr_sxx", &[F8, F8], F8, "pg_regr_sxx", new_regr_sxx),
    aggregate("regr_sxy", &[F8, F8], F8, "pg_regr_sxy", new_regr_sxy),
    aggregate("regr_syy", &[F8, F8], F8, "pg_regr_syy", new_regr_syy),
    aggregate("sum", &[IV], IV, "pg_interval_sum", new_sum_interval),
    aggregate("avg", &[IV], IV, "pg_interval_avg", new_avg_interval),
    ordered_set(aggregate(
        "percentile_cont",
        &[F8, F8],
        F8,
        "pg_percentile_cont_float8",
        new_percentile_cont_float8,
    )),
    ordered_set(aggregate(
        "percentile_cont",
        &[F8, IV],
        IV,
        "pg_percentile_cont_interval",
        new_percentile_cont_interval,
    )),
    ordered_set(aggregate(
        "percentile_cont",
        &[F8A, F8],
        F8A,
        "pg_percentile_cont_float8_multi",
        new_percentile_cont_float8_multi,
    )),
    ordered_set(aggregate(
        "percentile_cont",
        &[F8A, IV],
        IVA,
        "pg_percentile_cont_interval_multi",
        new_percentile_cont_interval_multi,
    )),
    ordered_set(aggregate(
        "percentile_disc",
        &[F8, AE],
        AE,
        "pg_percentile_disc",
        new_percentile_disc,
    )),
    ordered_set(aggregate(
        "percentile_disc",
        &[F8A, AE],
        Type::ANYARRAY,
        "pg_percentile_disc_multi",
        new_percentile_disc_multi,
    )),
    of_kind(
        Kind::OrderedSet,
        fixed_frame(aggregate("mode", &[AE], AE, "pg_mode", new_mode)),
    ),
    variadic_any("num_nulls", "pg_num_nulls", num_nulls),
    variadic_any("num_nonnulls", "pg_num_nonnulls", num_nonnulls),
    typed(func(
        "width_bucket",
        &[Type::ANYCOMPATIBLE, Type::ANYCOMPATIBLEARRAY],
        I4,
        "pg_width_bucket_array",
        width_bucket_array,
    )),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::Imp;
    use crate::types::io;

    /// `testdata/extra.tsv`: aggregate cases and what PostgreSQL 15 returned for each
    /// (generated by running every case on the server; errors as `ERROR <sqlstate>: <msg>`).
    const CASES: &str = include_str!("testdata/extra.tsv");

    fn env() -> Env {
        Env::default()
    }

    /// The catalog row `name(types)`: an exact match, else one with pseudo-type arguments.
    fn row(name: &str, kinds: &[Kind], types: &[Type]) -> &'static Builtin {
        let candidates = || {
            FUNCTIONS.iter().filter(move |b| {
                b.name == name && kinds.contains(&b.kind) && b.args.len() == types.len()
            })
        };
        candidates()
            .find(|b| b.args == types)
            .or_else(|| {
                candidates().find(|b| {
                    b.args
                        .iter()
                        .zip(types)
                        .all(|(a, t)| a == t || a.is_pseudo())
                })
            })
            .unwrap_or_else(|| panic!("no {name}{types:?}"))
    }

    fn parse_rows(b: &Builtin, types: &[Type], text: &str) -> Vec<Vec<Value>> {
        if text.is_empty() {
            return Vec::new();
        }
        text.split(';')
            .map(|r| {
                r.split('|')
                    .zip(types.iter().zip(b.args))
                    .map(|(v, (t, declared))| {
                        if v == "\\N" {
                            return Value::Null;
                        }
                        let v = io::input(*t, &env(), v, -1)
                            .unwrap_or_else(|e| panic!("{v}::{t:?}: {e}"));
                        // The registration loads float NaN for float arguments.
                        if matches!(*declared, Type::FLOAT4 | Type::FLOAT8) {
                            float_loaded(&v)
                        } else {
                            v
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn show(ret: Type, r: Result<Value>) -> String {
        match r {
            Ok(v) => io::output(ret, &env(), &crate::types::to_stored(v))
                .unwrap_or_else(|| "<NULL>".into()),
            Err(e) => format!("ERROR {}: {}", e.sqlstate, e.message),
        }
    }

    /// Runs an aggregate over `rows` as the registration does (strict rows with a NULL are
    /// skipped); with `frame`, as a window over `frame` preceding rows and the current one.
    fn run(
        b: &Builtin,
        types: &[Type],
        rows: &[Vec<Value>],
        ret: Type,
        frame: Option<usize>,
    ) -> String {
        let Imp::Aggregate { new, .. } = b.imp else {
            panic!("{} is not an aggregate", b.name);
        };
        let mut acc = new(types);
        let skip = |r: &[Value]| b.strict && r.iter().any(Value::is_null);
        let Some(k) = frame else {
            for r in rows.iter().filter(|r| !skip(r)) {
                if let Err(e) = acc.step(&env(), r) {
                    return show(ret, Err(e));
                }
            }
            return show(ret, acc.value(&env()));
        };
        let mut out = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            let stepped = if skip(r) { Ok(()) } else { acc.step(&env(), r) };
            if let Err(e) = stepped {
                return show(ret, Err(e));
            }
            if i > k {
                let old = &rows[i - k - 1];
                if !skip(old)
                    && let Err(e) = acc.inverse(&env(), old)
                {
                    return show(ret, Err(e));
                }
            }
            out.push(show(ret, acc.value(&env())));
        }
        out.join(";")
    }

    #[test]
    fn aggregates_match_postgresql() {
        let mut failures = Vec::new();
        let mut n = 0;
        for line in CASES.lines().filter(|l| !l.starts_with('#')) {
            let cols: Vec<&str> = line.split('\t').collect();
            let [kind, name, types, rows, ret, flag, want] = cols[..] else {
                panic!("bad line {line:?}");
            };
            let types: Vec<Type> = types
                .split(',')
                .map(|t| Type::by_name(t).unwrap_or_else(|| panic!("type {t}")))
                .collect();
            let ret = Type::by_name(ret).unwrap_or_else(|| panic!("type {ret}"));
            let b = row(name, &[Kind::Aggregate, Kind::OrderedSet], &types);
            let rows_v = parse_rows(b, &types, rows);
            let frame = (kind == "win").then(|| flag.parse().unwrap_or(0));
            n += 1;
            let got = run(b, &types, &rows_v, ret, frame);
            if got != want {
                failures.push(format!(
                    "{kind} {name}({types:?}) over [{rows}]: got [{got}], want [{want}]"
                ));
            }
        }
        assert!(n > 500);
        assert!(
            failures.is_empty(),
            "{} of {n} differ:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    /// `width_bucket(operand::ty, thresholds::ty[])` with both given as text.
    fn bucket(ty: &str, operand: &str, thresholds: &str) -> String {
        let t = Type::by_name(ty).unwrap_or_else(|| panic!("type {ty}"));
        let at = t.array_of().unwrap_or_else(|| panic!("array of {ty}"));
        let b = row("width_bucket", &[Kind::Function], &[t, at]);
        let Imp::Scalar { f, typed: true, .. } = b.imp else {
            panic!("width_bucket is not typed");
        };
        let args = [
            Value::Text(crate::func::arg_types_text(&[t, at])),
            io::input(t, &env(), operand, -1).unwrap_or_else(|e| panic!("{operand}: {e}")),
            io::input(at, &env(), thresholds, -1).unwrap_or_else(|e| panic!("{thresholds}: {e}")),
        ];
        match f(&env(), &args) {
            Ok(v) => format!("{v:?}"),
            Err(e) => format!("ERROR {}: {}", e.sqlstate, e.message),
        }
    }

    #[test]
    fn width_bucket_matches_postgresql() {
        // Results from PostgreSQL 15.
        let cases = [
            ("int4", "5", "{1,3,5,7}", "Int(3)"),
            ("int4", "0", "{1,3,5,7}", "Int(0)"),
            ("int4", "8", "{1,3,5,7}", "Int(4)"),
            ("int4", "5", "{7,5,3,1}", "Int(4)"),
            ("int4", "5", "{}", "Int(0)"),
            (
                "int4",
                "5",
                "{{1,3},{5,7}}",
                "ERROR 2202E: thresholds must be one-dimensional array",
            ),
            (
                "int4",
                "5",
                "{1,NULL,5,7}",
                "ERROR 22004: thresholds array must not contain NULLs",
            ),
            ("text", "c", "{a,b,d}", "Int(2)"),
            ("text", "ab", "{a,b}", "Int(1)"),
            ("numeric", "5.5", "{1,3.0,5.50,7}", "Int(3)"),
            ("numeric", "5.49", "{1,3.0,5.50,7}", "Int(2)"),
            ("interval", "1 day", "{12:00:00,24:00:00,2 days}", "Int(2)"),
            ("float8", "0", "{-0,1}", "Int(1)"),
            ("float8", "NaN", "{1,NaN}", "Int(2)"),
            ("float8", "Infinity", "{1,NaN}", "Int(1)"),
            ("date", "2024-01-01", "{2023-01-01,2024-01-01}", "Int(2)"),
        ];
        for (ty, operand, thresholds, want) in cases {
            assert_eq!(
                bucket(ty, operand, thresholds),
                want,
                "{operand} in {thresholds}"
            );
        }
    }

    #[test]
    fn num_nulls_counts() {
        // num_nulls(1, null, 'a', null::int) = 2, num_nonnulls(…) = 2, num_nulls(null) = 1.
        let args = [
            Value::Int(1),
            Value::Null,
            Value::Text("a".into()),
            Value::Null,
        ];
        for (name, want) in [("num_nulls", 2), ("num_nonnulls", 2)] {
            let b = row(name, &[Kind::Function], &[Type::ANY]);
            assert!(b.variadic && !b.strict);
            let Imp::Scalar { f, .. } = b.imp else {
                panic!("{name} is not scalar");
            };
            assert_eq!(f(&env(), &args), Ok(Value::Int(want)));
        }
        assert_eq!(num_nulls(&env(), &[Value::Null]), Ok(Value::Int(1)));
        assert_eq!(num_nonnulls(&env(), &[]), Ok(Value::Int(0)));
    }

    #[test]
    fn regr_window_past_the_replay_cap() {
        // Past REPLAY_CAP rows the frame is no longer kept: removal inverts the update.
        let mut acc = new_regr_slope(&[]);
        let rows: Vec<[Value; 2]> = (0..REPLAY_CAP + 10)
            .map(|i| {
                let x = f64::from(u32::try_from(i % 97).unwrap_or(0));
                [Value::Float(2.0 * x + 1.0), Value::Float(x)]
            })
            .collect();
        for r in &rows {
            acc.step(&env(), r).unwrap();
        }
        for r in &rows[..100] {
            acc.inverse(&env(), r).unwrap();
        }
        let Ok(Value::Float(slope)) = acc.value(&env()) else {
            panic!("no slope");
        };
        assert!((slope - 2.0).abs() < 1e-9, "{slope}");
    }
}
