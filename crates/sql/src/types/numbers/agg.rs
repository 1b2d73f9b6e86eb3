//! Aggregates over numbers: `sum`, `avg`, and the variance family (`variance`, `var_samp`,
//! `var_pop`, `stddev`, `stddev_samp`, `stddev_pop`), each with PostgreSQL's result type and
//! scale, and each able to remove rows (window frames that slide).
//!
//! Integer and numeric inputs are summed exactly (the sums of values and of squares are
//! integers at the largest display scale in the frame, and the count of inputs per display
//! scale is kept so that removing a row restores exactly the scale the remaining rows give —
//! PostgreSQL recomputes the frame in that case, with the same result). Float inputs follow
//! PostgreSQL's float8 arithmetic (running sum; Youngs–Cramer for the variance) with NaN and
//! infinities counted apart; PostgreSQL has no inverse for them and recomputes a sliding
//! frame, so the frame's rows are kept and replayed once a row has left (see [`Replay`]).

use std::collections::BTreeMap;

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, Zero};

use super::float::{pl4, pl8};
use super::int::IntKind;
use super::numeric::{Dec, Numeric, div, mul_exact, pow10, select_div_scale, sub};
use super::numeric_math::sqrt_dec;
use super::{float_arg, int_arg, num_arg};
use crate::env::Env;
use crate::error::Result;
use crate::func::Accumulator;
use crate::types::Type;
use crate::value::Value;

fn text(d: Dec) -> Result<Value> {
    Ok(Value::Text(d.check()?.to_text()))
}

fn special(n: Numeric) -> Value {
    Value::Text(n.to_text())
}

/// `sum(int2)`, `sum(int4)` → int8.
#[derive(Default)]
struct SumInt {
    n: i64,
    sum: i128,
}

impl Accumulator for SumInt {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        if args.first().is_some_and(Value::is_null) {
            return Ok(());
        }
        self.n += 1;
        self.sum += i128::from(int_arg(args, 0)?);
        Ok(())
    }
    fn inverse(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        if args.first().is_some_and(Value::is_null) {
            return Ok(());
        }
        self.n -= 1;
        self.sum -= i128::from(int_arg(args, 0)?);
        Ok(())
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        if self.n == 0 {
            return Ok(Value::Null);
        }
        IntKind::I8.check(self.sum)
    }
}

/// `sum(int8)` → numeric and `avg(int2|int4|int8)` → numeric.
#[derive(Default)]
struct IntToNumeric {
    avg: bool,
    n: i64,
    sum: i128,
}

impl Accumulator for IntToNumeric {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        if args.first().is_some_and(Value::is_null) {
            return Ok(());
        }
        self.n += 1;
        self.sum = self
            .sum
            .checked_add(i128::from(int_arg(args, 0)?))
            .ok_or_else(super::numeric::overflow)?;
        Ok(())
    }
    fn inverse(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        if args.first().is_some_and(Value::is_null) {
            return Ok(());
        }
        self.n -= 1;
        self.sum = self
            .sum
            .checked_sub(i128::from(int_arg(args, 0)?))
            .ok_or_else(super::numeric::overflow)?;
        Ok(())
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        if self.n == 0 {
            return Ok(Value::Null);
        }
        let sum = Dec::from_i128(self.sum);
        if !self.avg {
            return text(sum);
        }
        let n = Dec::from_i64(self.n);
        text(div(&sum, &n, select_div_scale(&sum, &n), true)?)
    }
}

/// What a numeric-state aggregate returns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NumOut {
    Sum,
    Avg,
    Variance { sample: bool, stddev: bool },
}

/// The exact state of a numeric aggregate: the count, the sum (and sum of squares) as integers
/// at the largest display scale seen, the number of inputs of each display scale, and the
/// special values apart.
struct NumState {
    out: NumOut,
    n: i64,
    scale: u32,
    sum: BigInt,
    sumsq: BigInt,
    scales: BTreeMap<u32, i64>,
    nan: i64,
    pinf: i64,
    ninf: i64,
}

impl NumState {
    fn new(out: NumOut) -> NumState {
        NumState {
            out,
            n: 0,
            scale: 0,
            sum: BigInt::zero(),
            sumsq: BigInt::zero(),
            scales: BTreeMap::new(),
            nan: 0,
            pinf: 0,
            ninf: 0,
        }
    }

    fn squares(&self) -> bool {
        matches!(self.out, NumOut::Variance { .. })
    }

    /// Moves the sums to display scale `to`.
    fn rescale(&mut self, to: u32) {
        if to > self.scale {
            let f = BigInt::from(pow10(to - self.scale));
            self.sum *= &f;
            if self.squares() {
                self.sumsq *= &f * &f;
            }
        } else if to < self.scale {
            // Every remaining input has at most scale `to`: the division is exact.
            let f = BigInt::from(pow10(self.scale - to));
            self.sum /= &f;
            if self.squares() {
                self.sumsq /= &f * &f;
            }
        }
        self.scale = to;
    }

    fn value_of(args: &[Value]) -> Result<Option<Numeric>> {
        if args.first().is_none_or(Value::is_null) {
            return Ok(None);
        }
        num_arg(args, 0).map(Some)
    }

    fn apply(&mut self, args: &[Value], sign: i64) -> Result<()> {
        let Some(v) = NumState::value_of(args)? else {
            return Ok(());
        };
        let d = match v {
            Numeric::NaN => {
                self.nan += sign;
                return Ok(());
            }
            Numeric::PInf => {
                self.pinf += sign;
                return Ok(());
            }
            Numeric::NInf => {
                self.ninf += sign;
                return Ok(());
            }
            Numeric::Fin(d) => d,
        };
        if sign > 0 {
            *self.scales.entry(d.scale).or_insert(0) += 1;
            if d.scale > self.scale {
                self.rescale(d.scale);
            }
        }
        let m = BigInt::from_biguint(if d.neg { Sign::Minus } else { Sign::Plus }, d.m.clone());
        let shift = self.scale.saturating_sub(d.scale);
        let x = &m * BigInt::from(pow10(shift));
        let x2 = if self.squares() { Some(&x * &x) } else { None };
        if sign > 0 {
            self.n += 1;
            self.sum += x;
            if let Some(x2) = x2 {
                self.sumsq += x2;
            }
        } else {
            self.n -= 1;
            self.sum -= x;
            if let Some(x2) = x2 {
                self.sumsq -= x2;
            }
            if let Some(c) = self.scales.get_mut(&d.scale) {
                *c -= 1;
                if *c <= 0 {
                    self.scales.remove(&d.scale);
                }
            }
            let max = self.scales.keys().next_back().copied().unwrap_or(0);
            if max < self.scale {
                self.rescale(max);
            }
        }
        Ok(())
    }

    fn sum_dec(&self) -> Dec {
        Dec::new(
            self.sum.is_negative(),
            self.sum.magnitude().clone(),
            self.scale,
        )
    }

    fn value(&self) -> Result<Value> {
        let total = self.n + self.nan + self.pinf + self.ninf;
        if total == 0 {
            return Ok(Value::Null);
        }
        if let NumOut::Variance { sample, stddev } = self.out {
            if sample && total <= 1 {
                return Ok(Value::Null);
            }
            if self.nan + self.pinf + self.ninf > 0 {
                return Ok(special(Numeric::NaN));
            }
            return text(self.variance(sample, stddev)?);
        }
        if self.nan > 0 || (self.pinf > 0 && self.ninf > 0) {
            return Ok(special(Numeric::NaN));
        }
        if self.pinf > 0 {
            return Ok(special(Numeric::PInf));
        }
        if self.ninf > 0 {
            return Ok(special(Numeric::NInf));
        }
        let sum = self.sum_dec();
        match self.out {
            NumOut::Avg => {
                let n = Dec::from_i64(self.n);
                text(div(&sum, &n, select_div_scale(&sum, &n), true)?)
            }
            _ => text(sum),
        }
    }

    /// `numeric_stddev_internal`.
    fn variance(&self, sample: bool, stddev: bool) -> Result<Dec> {
        let n = Dec::from_i64(self.n);
        let sum = self.sum_dec();
        let sumsq = Dec::new(
            self.sumsq.is_negative(),
            self.sumsq.magnitude().clone(),
            self.scale.saturating_mul(2),
        );
        // N × Σx² − (Σx)², exact at twice the scale.
        let numerator = sub(&mul_exact(&n, &sumsq), &mul_exact(&sum, &sum));
        if numerator.signum() <= 0 {
            return Ok(Dec::zero(0));
        }
        let denominator = if sample {
            mul_exact(&n, &Dec::from_i64(self.n - 1))
        } else {
            mul_exact(&n, &n)
        };
        let rscale = select_div_scale(&numerator, &denominator);
        let var = div(&numerator, &denominator, rscale, true)?;
        if stddev {
            sqrt_dec(&var, rscale)
        } else {
            Ok(var)
        }
    }
}

impl Accumulator for NumState {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        self.apply(args, 1)
    }
    fn inverse(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        self.apply(args, -1)
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        NumState::value(self)
    }
}

/// Counts of NaN and infinite float inputs, kept apart from the finite arithmetic.
#[derive(Default, Clone)]
struct Specials {
    nan: i64,
    pinf: i64,
    ninf: i64,
}

impl Specials {
    /// Counts `v` if it is not finite (by `sign`); true if it was.
    fn count(&mut self, v: f64, sign: i64) -> bool {
        if v.is_nan() {
            self.nan += sign;
        } else if v == f64::INFINITY {
            self.pinf += sign;
        } else if v == f64::NEG_INFINITY {
            self.ninf += sign;
        } else {
            return false;
        }
        true
    }

    fn any(&self) -> bool {
        self.nan + self.pinf + self.ninf > 0
    }

    fn total(&self) -> i64 {
        self.nan + self.pinf + self.ninf
    }

    /// The sum's value when specials are present.
    fn sum_value(&self) -> Option<f64> {
        if self.nan > 0 || (self.pinf > 0 && self.ninf > 0) {
            Some(f64::NAN)
        } else if self.pinf > 0 {
            Some(f64::INFINITY)
        } else if self.ninf > 0 {
            Some(f64::NEG_INFINITY)
        } else {
            None
        }
    }
}

/// The running state of a float aggregate.
trait FloatState: Clone + Send {
    fn add(&mut self, v: f64) -> Result<()>;
    /// The inverse update (approximate in the last bits).
    fn remove(&mut self, v: f64) -> Result<()>;
    fn result(&self) -> Value;
    /// The same aggregate with no rows.
    fn empty(&self) -> Self;
}

/// The most frame rows a float aggregate keeps to recompute its value after rows leave.
const REPLAY_CAP: usize = 16_384;

/// A float aggregate that can remove rows: PostgreSQL has no inverse for these and recomputes
/// the frame instead, so the rows of the frame are kept (up to [`REPLAY_CAP`]; SQLite keeps one
/// group's state at a time) and replayed in order once a row has left. Past the cap (a plain
/// aggregate over many rows, or a huge frame) the rows are dropped and removal falls back to
/// the inverse update.
struct Replay<S: FloatState> {
    state: S,
    rows: Option<std::collections::VecDeque<f64>>,
    removed: bool,
}

impl<S: FloatState> Replay<S> {
    fn new(state: S) -> Replay<S> {
        Replay {
            state,
            rows: Some(std::collections::VecDeque::new()),
            removed: false,
        }
    }
}

impl<S: FloatState> Accumulator for Replay<S> {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        if args.first().is_none_or(Value::is_null) {
            return Ok(());
        }
        let v = float_arg(args, 0)?;
        self.state.add(v)?;
        if let Some(rows) = &mut self.rows {
            if rows.len() < REPLAY_CAP {
                rows.push_back(v);
            } else {
                self.rows = None;
            }
        }
        Ok(())
    }
    fn inverse(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        if args.first().is_none_or(Value::is_null) {
            return Ok(());
        }
        let v = float_arg(args, 0)?;
        self.removed = true;
        if let Some(rows) = &mut self.rows {
            match rows.pop_front() {
                Some(first) if first.to_bits() == v.to_bits() => {}
                // Not the oldest row: the frame is not first-in first-out.
                _ => self.rows = None,
            }
        }
        self.state.remove(v)
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        if self.removed
            && let Some(rows) = &self.rows
        {
            let mut fresh = self.state.empty();
            for v in rows {
                fresh.add(*v)?;
            }
            return Ok(fresh.result());
        }
        Ok(self.state.result())
    }
}

/// `sum(float8)` (float8 arithmetic) and `sum(float4)` (float4 arithmetic): the running sum
/// of the finite inputs.
#[derive(Default, Clone)]
struct SumFloat {
    float4: bool,
    n: i64,
    sum: f64,
    specials: Specials,
}

impl SumFloat {
    fn accumulate(&mut self, v: f64) -> Result<()> {
        if self.float4 {
            #[expect(clippy::cast_possible_truncation, reason = "float4 values")]
            let r = pl4(self.sum as f32, v as f32);
            let r = match r {
                Err(e) if !self.specials.any() => return Err(e),
                Err(_) => f32::INFINITY,
                Ok(r) => r,
            };
            self.sum = f64::from(r);
        } else {
            self.sum = match pl8(self.sum, v) {
                Err(e) if !self.specials.any() => return Err(e),
                Err(_) => f64::INFINITY,
                Ok(r) => r,
            };
        }
        Ok(())
    }
}

impl FloatState for SumFloat {
    fn add(&mut self, v: f64) -> Result<()> {
        if !self.specials.count(v, 1) {
            self.n += 1;
            self.accumulate(v)?;
        }
        Ok(())
    }
    fn remove(&mut self, v: f64) -> Result<()> {
        if !self.specials.count(v, -1) {
            self.n -= 1;
            if self.n == 0 {
                self.sum = 0.0;
            } else {
                self.accumulate(-v)?;
            }
        }
        Ok(())
    }
    fn result(&self) -> Value {
        if self.n + self.specials.total() == 0 {
            return Value::Null;
        }
        Value::Float(self.specials.sum_value().unwrap_or(self.sum))
    }
    fn empty(&self) -> SumFloat {
        SumFloat {
            float4: self.float4,
            ..SumFloat::default()
        }
    }
}

/// What a float-statistics aggregate returns.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FloatOut {
    Avg,
    Variance { sample: bool, stddev: bool },
}

/// `avg` and the variance family over float4/float8: Youngs–Cramer's N, Sx, Sxx over the
/// finite inputs, in float8.
#[derive(Clone)]
struct FloatStats {
    out: FloatOut,
    n: f64,
    sx: f64,
    sxx: f64,
    specials: Specials,
}

impl FloatStats {
    fn new(out: FloatOut) -> FloatStats {
        FloatStats {
            out,
            n: 0.0,
            sx: 0.0,
            sxx: 0.0,
            specials: Specials::default(),
        }
    }
}

impl FloatState for FloatStats {
    fn add(&mut self, v: f64) -> Result<()> {
        if self.specials.count(v, 1) {
            return Ok(());
        }
        let old_n = self.n;
        let old_sx = self.sx;
        self.n += 1.0;
        self.sx += v;
        if old_n > 0.0 {
            let tmp = v * self.n - self.sx;
            self.sxx += tmp * tmp / (self.n * old_n);
            if (self.sx.is_infinite() || self.sxx.is_infinite())
                && !old_sx.is_infinite()
                && !self.specials.any()
            {
                return Err(super::float::overflow_error());
            }
        }
        Ok(())
    }
    fn remove(&mut self, v: f64) -> Result<()> {
        if self.specials.count(v, -1) {
            return Ok(());
        }
        if self.n <= 1.0 {
            self.n = 0.0;
            self.sx = 0.0;
            self.sxx = 0.0;
            return Ok(());
        }
        let tmp = v * self.n - self.sx;
        self.sxx -= tmp * tmp / (self.n * (self.n - 1.0));
        if self.sxx < 0.0 || self.sxx.is_nan() {
            self.sxx = 0.0;
        }
        self.sx -= v;
        self.n -= 1.0;
        Ok(())
    }
    fn result(&self) -> Value {
        #[expect(clippy::cast_precision_loss, reason = "PostgreSQL counts in float8")]
        let total = self.n + self.specials.total() as f64;
        if total == 0.0 {
            return Value::Null;
        }
        let v = match self.out {
            FloatOut::Avg => self.specials.sum_value().unwrap_or(self.sx / self.n),
            FloatOut::Variance { sample, stddev } => {
                if sample && total <= 1.0 {
                    return Value::Null;
                }
                let var = if self.specials.any() {
                    f64::NAN
                } else if sample {
                    self.sxx / (self.n - 1.0)
                } else {
                    self.sxx / self.n
                };
                if stddev { var.sqrt() } else { var }
            }
        };
        Value::Float(v)
    }
    fn empty(&self) -> FloatStats {
        FloatStats::new(self.out)
    }
}

pub fn new_sum_int(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(SumInt::default())
}

pub fn new_sum_int8(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(IntToNumeric::default())
}

pub fn new_avg_int(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(IntToNumeric {
        avg: true,
        ..IntToNumeric::default()
    })
}

pub fn new_sum_numeric(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(NumState::new(NumOut::Sum))
}

pub fn new_avg_numeric(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(NumState::new(NumOut::Avg))
}

pub fn new_var_samp_numeric(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(NumState::new(NumOut::Variance {
        sample: true,
        stddev: false,
    }))
}

pub fn new_var_pop_numeric(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(NumState::new(NumOut::Variance {
        sample: false,
        stddev: false,
    }))
}

pub fn new_stddev_samp_numeric(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(NumState::new(NumOut::Variance {
        sample: true,
        stddev: true,
    }))
}

pub fn new_stddev_pop_numeric(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(NumState::new(NumOut::Variance {
        sample: false,
        stddev: true,
    }))
}

pub fn new_sum_float8(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(Replay::new(SumFloat::default()))
}

pub fn new_sum_float4(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(Replay::new(SumFloat {
        float4: true,
        ..SumFloat::default()
    }))
}

pub fn new_avg_float(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(Replay::new(FloatStats::new(FloatOut::Avg)))
}

pub fn new_var_samp_float(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(Replay::new(FloatStats::new(FloatOut::Variance {
        sample: true,
        stddev: false,
    })))
}

pub fn new_var_pop_float(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(Replay::new(FloatStats::new(FloatOut::Variance {
        sample: false,
        stddev: false,
    })))
}

pub fn new_stddev_samp_float(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(Replay::new(FloatStats::new(FloatOut::Variance {
        sample: true,
        stddev: true,
    })))
}

pub fn new_stddev_pop_float(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(Replay::new(FloatStats::new(FloatOut::Variance {
        sample: false,
        stddev: true,
    })))
}
