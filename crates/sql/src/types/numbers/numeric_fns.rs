//! The runtime functions of `numeric`: operators, SQL functions (`round`, `trunc`, `div`,
//! `gcd`, `scale`, `width_bucket`…) and casts to and from the other number types, each with
//! PostgreSQL's handling of NaN and ±Infinity. Arguments and results are canonical texts.

use std::cmp::Ordering;

use num_integer::Integer;

use super::float::format_g;
use super::float::{width_bucket_checks, width_bucket_error};
use super::int::IntKind;
use super::numeric::{
    self, Dec, MAX_RESULT_SCALE, Numeric, add, ceil, div, floor, modulo, mul, select_div_scale, sub,
};
use super::numeric_math;
use super::{float_arg, int_arg, num_arg};
use crate::env::Env;
use crate::error::{Result, SqlError};
use crate::value::Value;

fn ret(n: Numeric) -> Result<Value> {
    Ok(Value::Text(n.check()?.to_text()))
}

fn fin(d: Dec) -> Result<Value> {
    ret(Numeric::Fin(d))
}

fn nan() -> Result<Value> {
    ret(Numeric::NaN)
}

fn zero() -> Result<Value> {
    fin(Dec::zero(0))
}

/// `numeric_add`.
pub fn numeric_add(_env: &Env, args: &[Value]) -> Result<Value> {
    use Numeric::{Fin, NInf, NaN, PInf};
    match (num_arg(args, 0)?, num_arg(args, 1)?) {
        (Fin(a), Fin(b)) => fin(add(&a, &b)),
        (NaN, _) | (_, NaN) | (PInf, NInf) | (NInf, PInf) => nan(),
        (PInf, _) | (_, PInf) => ret(PInf),
        (NInf, _) | (_, NInf) => ret(NInf),
    }
}

/// `numeric_sub`.
pub fn numeric_sub(_env: &Env, args: &[Value]) -> Result<Value> {
    use Numeric::{Fin, NInf, NaN, PInf};
    match (num_arg(args, 0)?, num_arg(args, 1)?) {
        (Fin(a), Fin(b)) => fin(sub(&a, &b)),
        (NaN, _) | (_, NaN) | (PInf, PInf) | (NInf, NInf) => nan(),
        (PInf, _) | (_, NInf) => ret(PInf),
        (NInf, _) | (_, PInf) => ret(NInf),
    }
}

fn inf_of_sign(sign: i32) -> Result<Value> {
    match sign {
        1 => ret(Numeric::PInf),
        -1 => ret(Numeric::NInf),
        _ => nan(),
    }
}

/// `numeric_mul`.
pub fn numeric_mul(_env: &Env, args: &[Value]) -> Result<Value> {
    let (a, b) = (num_arg(args, 0)?, num_arg(args, 1)?);
    match (&a, &b) {
        (Numeric::Fin(x), Numeric::Fin(y)) => fin(mul(x, y)),
        _ if a.is_nan() || b.is_nan() => nan(),
        _ => inf_of_sign(a.sign() * b.sign()),
    }
}

/// A division of `args`: `finite` divides two finite values; with NaN the result is NaN; a
/// finite value over an infinity is 0, an infinity over a finite value is signed infinity
/// (division by zero for 0), and infinity over infinity is NaN.
fn divide(args: &[Value], finite: impl FnOnce(&Dec, &Dec) -> Result<Dec>) -> Result<Value> {
    let (a, b) = (num_arg(args, 0)?, num_arg(args, 1)?);
    match (&a, &b) {
        (Numeric::Fin(x), Numeric::Fin(y)) => fin(finite(x, y)?),
        _ if a.is_nan() || b.is_nan() => nan(),
        (Numeric::Fin(_), _) => zero(),
        (_, Numeric::Fin(y)) => {
            if y.is_zero() {
                return Err(SqlError::division_by_zero());
            }
            inf_of_sign(a.sign() * y.signum())
        }
        _ => nan(),
    }
}

/// `numeric_div`.
pub fn numeric_div(_env: &Env, args: &[Value]) -> Result<Value> {
    divide(args, |x, y| div(x, y, select_div_scale(x, y), true))
}

/// `numeric_div_trunc` (`div(numeric, numeric)`).
pub fn numeric_div_trunc(_env: &Env, args: &[Value]) -> Result<Value> {
    divide(args, |x, y| div(x, y, 0, false))
}

/// `numeric_mod`.
pub fn numeric_mod(_env: &Env, args: &[Value]) -> Result<Value> {
    let (a, b) = (num_arg(args, 0)?, num_arg(args, 1)?);
    match (&a, &b) {
        (Numeric::Fin(x), Numeric::Fin(y)) => fin(modulo(x, y)?),
        _ if a.is_nan() || b.is_nan() => nan(),
        (Numeric::PInf | Numeric::NInf, _) => {
            if b.sign() == 0 {
                return Err(SqlError::division_by_zero());
            }
            nan()
        }
        _ => ret(a),
    }
}

/// `numeric_uminus`.
pub fn numeric_uminus(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(match num_arg(args, 0)? {
        Numeric::Fin(d) => Numeric::Fin(d.negated()),
        Numeric::PInf => Numeric::NInf,
        Numeric::NInf => Numeric::PInf,
        Numeric::NaN => Numeric::NaN,
    })
}

/// `numeric_abs`.
pub fn numeric_abs(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(match num_arg(args, 0)? {
        Numeric::Fin(d) => Numeric::Fin(d.abs()),
        Numeric::NInf => Numeric::PInf,
        other => other,
    })
}

/// `numeric_sign`.
pub fn numeric_sign(_env: &Env, args: &[Value]) -> Result<Value> {
    let n = num_arg(args, 0)?;
    if n.is_nan() {
        return nan();
    }
    fin(Dec::from_i64(i64::from(n.sign())))
}

fn scale_arg(args: &[Value], i: usize) -> Result<i64> {
    Ok(int_arg(args, i)?.clamp(-MAX_RESULT_SCALE, MAX_RESULT_SCALE))
}

/// The first argument with `f` applied to a finite value (NaN and the infinities unchanged).
fn map_finite(args: &[Value], f: impl FnOnce(Dec) -> Dec) -> Result<Value> {
    ret(match num_arg(args, 0)? {
        Numeric::Fin(d) => Numeric::Fin(f(d)),
        other => other,
    })
}

/// The scale argument of `round` and `trunc`: 0 when not given.
fn optional_scale(args: &[Value]) -> Result<i64> {
    if args.len() > 1 {
        scale_arg(args, 1)
    } else {
        Ok(0)
    }
}

/// `round(numeric, int4)` and `round(numeric)`: half away from zero.
pub fn numeric_round(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = optional_scale(args)?;
    map_finite(args, |d| d.round(s))
}

/// `trunc(numeric, int4)` and `trunc(numeric)`.
pub fn numeric_trunc(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = optional_scale(args)?;
    map_finite(args, |d| d.trunc(s))
}

/// `ceil` / `ceiling`.
pub fn numeric_ceil(_env: &Env, args: &[Value]) -> Result<Value> {
    map_finite(args, |d| ceil(&d))
}

/// `floor`.
pub fn numeric_floor(_env: &Env, args: &[Value]) -> Result<Value> {
    map_finite(args, |d| floor(&d))
}

pub fn numeric_sqrt(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(numeric_math::numeric_sqrt(&num_arg(args, 0)?)?)
}

pub fn numeric_exp(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(numeric_math::numeric_exp(&num_arg(args, 0)?)?)
}

pub fn numeric_ln(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(numeric_math::numeric_ln(&num_arg(args, 0)?)?)
}

/// `log(numeric)` and `log10(numeric)`: base 10.
pub fn numeric_log10(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(numeric_math::numeric_log(
        &Numeric::from_i64(10),
        &num_arg(args, 0)?,
    )?)
}

/// `log(base, x)`.
pub fn numeric_log(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(numeric_math::numeric_log(
        &num_arg(args, 0)?,
        &num_arg(args, 1)?,
    )?)
}

/// `power` / `pow` / `^`.
pub fn numeric_power(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(numeric_math::numeric_power(
        &num_arg(args, 0)?,
        &num_arg(args, 1)?,
    )?)
}

/// `gcd(numeric, numeric)`: NaN when either is NaN or infinite.
pub fn numeric_gcd(_env: &Env, args: &[Value]) -> Result<Value> {
    match (num_arg(args, 0)?, num_arg(args, 1)?) {
        (Numeric::Fin(a), Numeric::Fin(b)) => fin(numeric::gcd(&a, &b)),
        _ => nan(),
    }
}

/// `lcm(numeric, numeric)`.
pub fn numeric_lcm(_env: &Env, args: &[Value]) -> Result<Value> {
    match (num_arg(args, 0)?, num_arg(args, 1)?) {
        (Numeric::Fin(a), Numeric::Fin(b)) => {
            let s = a.scale.max(b.scale);
            if a.is_zero() || b.is_zero() {
                return fin(Dec::zero(s));
            }
            let (ma, mb) = (a.mantissa_at(s), b.mantissa_at(s));
            let g = ma.gcd(&mb);
            fin(Dec::new(false, ma / g * mb, s))
        }
        _ => nan(),
    }
}

/// `factorial(int8)`.
pub fn numeric_fac(_env: &Env, args: &[Value]) -> Result<Value> {
    fin(numeric_math::factorial(int_arg(args, 0)?)?)
}

/// `scale(numeric)`: NULL for NaN and infinities.
pub fn numeric_scale(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(match num_arg(args, 0)? {
        Numeric::Fin(d) => Value::Int(i64::from(d.scale)),
        _ => Value::Null,
    })
}

/// `min_scale(numeric)`.
pub fn numeric_min_scale(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(match num_arg(args, 0)? {
        Numeric::Fin(d) => Value::Int(i64::from(d.min_scale())),
        _ => Value::Null,
    })
}

/// `trim_scale(numeric)`.
pub fn numeric_trim_scale(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(match num_arg(args, 0)? {
        Numeric::Fin(d) => {
            let s = d.min_scale();
            Numeric::Fin(d.trunc(i64::from(s)))
        }
        other => other,
    })
}

/// `width_bucket(numeric, numeric, numeric, int4)`.
pub fn width_bucket_numeric(_env: &Env, args: &[Value]) -> Result<Value> {
    let operand = num_arg(args, 0)?;
    let b1 = num_arg(args, 1)?;
    let b2 = num_arg(args, 2)?;
    let count = int_arg(args, 3)?;
    width_bucket_checks(count, operand.is_nan() || b1.is_nan() || b2.is_nan())?;
    let (Numeric::Fin(lo), Numeric::Fin(hi)) = (&b1, &b2) else {
        return Err(width_bucket_error("lower and upper bounds must be finite"));
    };
    let count_dec = Dec::from_i64(count);
    let bucket = |num: Dec, den: Dec| -> Result<Dec> {
        let prod = numeric::mul_exact(&num, &count_dec);
        let q = div(&prod, &den, select_div_scale(&prod, &den), true)?;
        Ok(floor(&add(&q, &Dec::from_i64(1))))
    };
    let over = || add(&count_dec, &Dec::from_i64(1));
    let result = match lo.cmp(hi) {
        Ordering::Equal => {
            return Err(width_bucket_error("lower bound cannot equal upper bound"));
        }
        Ordering::Less => {
            if numeric::cmp(&operand, &b1) == Ordering::Less {
                Dec::zero(0)
            } else if numeric::cmp(&operand, &b2) != Ordering::Less {
                over()
            } else if let Numeric::Fin(x) = &operand {
                bucket(sub(x, lo), sub(hi, lo))?
            } else {
                Dec::zero(0)
            }
        }
        Ordering::Greater => {
            if numeric::cmp(&operand, &b1) == Ordering::Greater {
                Dec::zero(0)
            } else if numeric::cmp(&operand, &b2) != Ordering::Greater {
                over()
            } else if let Numeric::Fin(x) = &operand {
                bucket(sub(lo, x), sub(lo, hi))?
            } else {
                Dec::zero(0)
            }
        }
    };
    result
        .to_i64_rounded()
        .and_then(|v| i32::try_from(v).ok())
        .map(|v| Value::Int(i64::from(v)))
        .ok_or_else(|| SqlError::out_of_range("integer out of range"))
}

/// int2/int4/int8 → numeric.
pub fn int_to_numeric(_env: &Env, args: &[Value]) -> Result<Value> {
    fin(Dec::from_i64(int_arg(args, 0)?))
}

fn numeric_to_int(args: &[Value], kind: IntKind) -> Result<Value> {
    match num_arg(args, 0)? {
        Numeric::Fin(d) => d
            .to_i64_rounded()
            .filter(|v| *v >= kind.min() && *v <= kind.max())
            .map(Value::Int)
            .ok_or_else(|| kind.range_error()),
        Numeric::NaN => Err(SqlError::not_supported(format!(
            "cannot convert NaN to {}",
            kind.sql_name()
        ))),
        _ => Err(SqlError::not_supported(format!(
            "cannot convert infinity to {}",
            kind.sql_name()
        ))),
    }
}

pub fn numeric_to_i2(_env: &Env, args: &[Value]) -> Result<Value> {
    numeric_to_int(args, IntKind::I2)
}
pub fn numeric_to_i4(_env: &Env, args: &[Value]) -> Result<Value> {
    numeric_to_int(args, IntKind::I4)
}
pub fn numeric_to_i8(_env: &Env, args: &[Value]) -> Result<Value> {
    numeric_to_int(args, IntKind::I8)
}

/// float8 → numeric: the value printed with 15 significant digits, read back.
pub fn float8_to_numeric(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(float_to_numeric(float_arg(args, 0)?, 15)?)
}

/// float4 → numeric: 6 significant digits.
pub fn float4_to_numeric(_env: &Env, args: &[Value]) -> Result<Value> {
    ret(float_to_numeric(float_arg(args, 0)?, 6)?)
}

/// A float printed with `digits` significant digits, as a numeric (NaN and infinities map to
/// their numeric counterparts).
pub fn float_to_numeric(f: f64, digits: i32) -> Result<Numeric> {
    if f.is_nan() {
        return Ok(Numeric::NaN);
    }
    if f.is_infinite() {
        return Ok(if f > 0.0 {
            Numeric::PInf
        } else {
            Numeric::NInf
        });
    }
    numeric::parse(&format_g(f, digits), -1)
}

fn out_of_range_for(text: &str, type_name: &str) -> SqlError {
    SqlError::out_of_range(format!("\"{text}\" is out of range for type {type_name}"))
}

/// numeric → float8: the canonical text read as `float8in` reads it.
pub fn numeric_to_float8(_env: &Env, args: &[Value]) -> Result<Value> {
    let n = num_arg(args, 0)?;
    let f = n.to_f64();
    if let Numeric::Fin(d) = &n
        && (f.is_infinite() || (f == 0.0 && !d.is_zero()))
    {
        return Err(out_of_range_for(&d.to_text(), "double precision"));
    }
    Ok(Value::Float(f))
}

/// numeric → float4: the canonical text read as `float4in` reads it (one rounding).
pub fn numeric_to_float4(_env: &Env, args: &[Value]) -> Result<Value> {
    let n = num_arg(args, 0)?;
    let f = match &n {
        Numeric::Fin(d) => {
            let f = d.to_f32();
            if f.is_infinite() || (f == 0.0 && !d.is_zero()) {
                return Err(out_of_range_for(&d.to_text(), "real"));
            }
            f
        }
        #[expect(clippy::cast_possible_truncation, reason = "special values")]
        other => other.to_f64() as f32,
    };
    Ok(Value::Float(f64::from(f)))
}

/// `numeric(numeric, int4)`: coercion to a type modifier.
pub fn numeric_typmod_fn(_env: &Env, args: &[Value]) -> Result<Value> {
    let typmod = i32::try_from(int_arg(args, 1)?).unwrap_or(-1);
    ret(numeric::coerce(num_arg(args, 0)?, typmod)?)
}
