//! `numeric` square root, exponential, logarithms and powers, with PostgreSQL's result scales
//! (`numeric_sqrt`, `numeric_exp`, `numeric_ln`, `numeric_log`, `numeric_power`) and special
//! values.
//!
//! The result scale of each function is chosen exactly as PostgreSQL chooses it (from the
//! inputs' display scales and base-10000 weights, or from a float estimate of the result's
//! magnitude). The value is then computed with guard digits in fixed-point integer arithmetic
//! and rounded half away from zero at that scale, which gives PostgreSQL's digits except where
//! the true value lies within about 10^-12 units of the last place of a rounding boundary.
//! Square roots are exact (integer square root, then rounding).

use std::cell::RefCell;

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, ToPrimitive, Zero};

use super::numeric::{
    Dec, MAX_DEXP, MAX_DISPLAY_SCALE, MAX_RESULT_SCALE, MIN_SIG_DIGITS, Numeric, div, mul_exact,
    ndigits, overflow, pow10, sub,
};
use crate::error::{Result, SqlError, sqlstate};

/// ln(10) as PostgreSQL writes it.
#[expect(clippy::approx_constant, reason = "PostgreSQL's literal")]
const LN_10: f64 = 2.302_585_092_994_046;

/// Extra digits carried beyond the result scale.
const GUARD: i64 = 12;
/// log10(e) as PostgreSQL writes it (a shorter literal than the exact constant).
#[expect(clippy::approx_constant, reason = "PostgreSQL's literal")]
const LOG10_E: f64 = 0.434_294_481_903_252;

fn log_error(message: &str) -> SqlError {
    SqlError::new(sqlstate::INVALID_ARGUMENT_FOR_LOG, message)
}

fn power_error(message: &str) -> SqlError {
    SqlError::new(sqlstate::INVALID_ARGUMENT_FOR_POWER_FUNCTION, message)
}

fn to_u32(v: i64) -> Result<u32> {
    u32::try_from(v).map_err(|_| overflow())
}

fn clamp_scale(rscale: i64) -> i64 {
    rscale.clamp(0, MAX_DISPLAY_SCALE)
}

/// `sqrt_var`: the square root rounded half away from zero at `rscale` (>= 0).
pub fn sqrt_dec(x: &Dec, rscale: i64) -> Result<Dec> {
    if x.neg && !x.is_zero() {
        return Err(power_error("cannot take square root of a negative number"));
    }
    let r1 = rscale + 1;
    let e = 2 * r1 - i64::from(x.scale);
    let n = if e >= 0 {
        &x.m * pow10(to_u32(e)?)
    } else {
        &x.m / pow10(to_u32(-e)?)
    };
    let s = n.sqrt();
    Ok(Dec::new(false, s, to_u32(r1)?).round(rscale))
}

/// `numeric_sqrt`.
pub fn numeric_sqrt(x: &Numeric) -> Result<Numeric> {
    match x {
        Numeric::NInf => Err(power_error("cannot take square root of a negative number")),
        Numeric::NaN | Numeric::PInf => Ok(x.clone()),
        Numeric::Fin(d) => {
            let sweight = 2 * d.nbase_weight() + 1;
            let rscale = clamp_scale((MIN_SIG_DIGITS - sweight).max(i64::from(d.scale)));
            Ok(Numeric::Fin(sqrt_dec(d, rscale)?.check()?))
        }
    }
}

/// Binary fixed-point precision (bits) carrying `w` decimal digits, plus slack.
fn bits_for(w: u32) -> u64 {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "positive"
    )]
    let b = (f64::from(w) * std::f64::consts::LOG2_10) as u64;
    b + 16
}

/// ln 2 and ln 10 as binary fixed point with `b` fraction bits (cached at the largest
/// precision asked so far).
fn ln2_ln10(b: u64) -> (BigInt, BigInt) {
    thread_local! {
        static CACHE: RefCell<Option<(u64, BigInt, BigInt)>> = const { RefCell::new(None) };
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if let Some((cb, l2, l10)) = c.as_ref()
            && *cb >= b
        {
            return (l2 >> (*cb - b), l10 >> (*cb - b));
        }
        let bb = b + 16;
        let one = BigInt::one() << bb;
        let ln2 = atanh_bin(&(&one / 3), bb) * 2;
        let ln125 = atanh_bin(&(&one / 9), bb) * 2;
        let ln10 = &ln2 * 3 + ln125;
        let (l2, l10): (BigInt, BigInt) = (ln2 >> 16u32, ln10 >> 16u32);
        *c = Some((b, l2.clone(), l10.clone()));
        (l2, l10)
    })
}

/// atanh(t) for |t| <= 0.2, t and the result in binary fixed point with `b` fraction bits.
fn atanh_bin(t: &BigInt, b: u64) -> BigInt {
    let t2 = (t * t) >> b;
    let mut term = t.clone();
    let mut sum = t.clone();
    let mut k: u64 = 1;
    loop {
        term = (term * &t2) >> b;
        k += 2;
        let q = &term / k;
        if q.is_zero() {
            break;
        }
        sum += q;
    }
    sum
}

/// ln(x) for x > 0 in binary fixed point with `b` fraction bits (error of a few units).
fn ln_bin(x: &Dec, b: u64) -> BigInt {
    let Some(k) = x.dexp() else {
        return BigInt::zero();
    };
    // y = x / 10^k in [1, 10).
    let e = i64::from(x.scale) + k;
    let mut y = if e >= 0 {
        (&x.m << b) / pow10(u32::try_from(e).unwrap_or(u32::MAX))
    } else {
        (&x.m * pow10(u32::try_from(-e).unwrap_or(u32::MAX))) << b
    };
    // y / 2^j in [0.75, 1.5).
    let one = BigUint::one() << b;
    let limit = &one * 3u32 / 2u32;
    let mut j: i64 = 0;
    while y >= limit {
        y >>= 1u32;
        j += 1;
    }
    let y = BigInt::from(y);
    let one = BigInt::from(one);
    let t = ((&y - &one) << b) / (&y + &one);
    let mut result = atanh_bin(&t, b) * 2;
    if j != 0 || k != 0 {
        // 24 more bits so that k × ln 10 (|k| < 2^18) keeps b bits.
        let (ln2, ln10) = ln2_ln10(b + 24);
        result += (ln2 * j + ln10 * k) >> 24u32;
    }
    result
}

/// ln(x) for x > 0 in decimal fixed point with `w` fraction digits (error of a few units).
fn ln_fixed(x: &Dec, w: u32) -> BigInt {
    let b = bits_for(w + 4);
    (ln_bin(x, b) * BigInt::from(pow10(w))) >> b
}

/// ln(x) rounded at `rscale` digits.
fn ln_rounded(x: &Dec, rscale: i64) -> Result<Dec> {
    let w = to_u32(rscale.max(0) + GUARD)?;
    let v = ln_fixed(x, w);
    Ok(fixed_to_dec(&v, w).round(rscale))
}

fn fixed_to_dec(v: &BigInt, scale: u32) -> Dec {
    Dec::new(v.sign() == Sign::Minus, v.magnitude().clone(), scale)
}

fn check_ln_arg(x: &Dec) -> Result<()> {
    match x.signum() {
        0 => Err(log_error("cannot take logarithm of zero")),
        -1 => Err(log_error("cannot take logarithm of a negative number")),
        _ => Ok(()),
    }
}

/// `estimate_ln_dweight`: the decimal weight PostgreSQL expects ln(x) to have.
pub fn estimate_ln_dweight(x: &Dec) -> i64 {
    if x.signum() <= 0 {
        return 0;
    }
    let point_nine = Dec::new(false, BigUint::from(9u32), 1);
    let one_point_one = Dec::new(false, BigUint::from(11u32), 1);
    if *x >= point_nine && *x <= one_point_one {
        let d = sub(x, &Dec::from_i64(1));
        return d.dexp().unwrap_or(0);
    }
    let (weight, groups, more) = x.nbase_head(2);
    let first = f64::from(groups.first().copied().unwrap_or(0));
    let second = groups.get(1).copied().unwrap_or(0);
    #[expect(clippy::cast_precision_loss, reason = "PostgreSQL estimates in double")]
    let (digits, dweight) = if second != 0 || more {
        (first * 10000.0 + f64::from(second), (weight * 4 - 4) as f64)
    } else {
        (first, (weight * 4) as f64)
    };
    let ln = digits.ln() + dweight * LN_10;
    #[expect(clippy::cast_possible_truncation, reason = "C's (int) conversion")]
    let r = ln.abs().log10() as i64;
    r
}

/// `numeric_ln`.
pub fn numeric_ln(x: &Numeric) -> Result<Numeric> {
    match x {
        Numeric::NInf => Err(log_error("cannot take logarithm of a negative number")),
        Numeric::NaN | Numeric::PInf => Ok(x.clone()),
        Numeric::Fin(d) => {
            let rscale =
                clamp_scale((MIN_SIG_DIGITS - estimate_ln_dweight(d)).max(i64::from(d.scale)));
            check_ln_arg(d)?;
            Ok(Numeric::Fin(ln_rounded(d, rscale)?.check()?))
        }
    }
}

/// `log_var`: the logarithm of `num` to base `base`.
fn log_dec(base: &Dec, num: &Dec) -> Result<Dec> {
    let ln_base_dweight = estimate_ln_dweight(base);
    let ln_num_dweight = estimate_ln_dweight(num);
    let result_dweight = ln_num_dweight - ln_base_dweight;
    let rscale = clamp_scale(
        (MIN_SIG_DIGITS - result_dweight)
            .max(i64::from(base.scale))
            .max(i64::from(num.scale)),
    );
    check_ln_arg(base)?;
    check_ln_arg(num)?;
    // Enough digits in both logarithms for the quotient's last place (plus slack for the
    // estimates being a digit off).
    let ln_base_w = (rscale + result_dweight - ln_base_dweight + GUARD + 4).max(GUARD);
    let ln_num_w = (rscale - ln_base_dweight + GUARD + 4).max(GUARD);
    let w = to_u32(ln_base_w.max(ln_num_w))?;
    let lb = ln_fixed(base, w);
    if lb.is_zero() {
        return Err(SqlError::division_by_zero());
    }
    let ln = ln_fixed(num, w);
    let q = fixed_to_dec(&ln, w);
    let b = fixed_to_dec(&lb, w);
    div(&q, &b, rscale, true)
}

/// `numeric_log(base, num)`.
pub fn numeric_log(base: &Numeric, num: &Numeric) -> Result<Numeric> {
    if let (Numeric::Fin(b), Numeric::Fin(n)) = (base, num) {
        return Ok(Numeric::Fin(log_dec(b, n)?.check()?));
    }
    if base.is_nan() || num.is_nan() {
        return Ok(Numeric::NaN);
    }
    let (s1, s2) = (base.sign(), num.sign());
    if s1 < 0 || s2 < 0 {
        return Err(log_error("cannot take logarithm of a negative number"));
    }
    if s1 == 0 || s2 == 0 {
        return Err(log_error("cannot take logarithm of zero"));
    }
    if matches!(base, Numeric::PInf) {
        if matches!(num, Numeric::PInf) {
            return Ok(Numeric::NaN);
        }
        return Ok(Numeric::Fin(Dec::zero(0)));
    }
    Ok(Numeric::PInf)
}

/// e^z for z = `zm` × 10^-`zs`, rounded at `rscale` (the caller has checked |z| < 6000).
fn exp_fixed(zm: &BigInt, zs: u32, rscale: i64) -> Result<Dec> {
    let zf = fixed_to_dec(zm, zs).to_f64();
    // Halve |z| k times to below 0.001, so the series converges fast; the k squarings then
    // cost about k × log10(2) digits.
    let mut k: u32 = 0;
    let mut r = zf.abs();
    while r > 0.001 && k < 64 {
        r /= 2.0;
        k += 1;
    }
    #[expect(clippy::cast_possible_truncation, reason = "small positive estimates")]
    let extra = (f64::from(k) * 0.302) as i64 + 3;
    #[expect(clippy::cast_possible_truncation, reason = "|z| < 6000")]
    let dweight = if zf > 0.0 {
        (zf * LOG10_E) as i64 + 1
    } else {
        0
    };
    let w = to_u32(rscale.max(0) + dweight + GUARD + extra)?;
    let b = bits_for(w);
    let one = BigUint::one() << b;
    let x = ((zm.magnitude() << b) / pow10(zs)) >> k;
    // Taylor series of e^x.
    let mut sum = &one + &x;
    let mut term = x.clone();
    let mut n: u64 = 1;
    loop {
        n += 1;
        term = ((term * &x) >> b) / n;
        if term.is_zero() {
            break;
        }
        sum += &term;
    }
    for _ in 0..k {
        sum = (&sum * &sum) >> b;
    }
    if zm.sign() != Sign::Minus {
        let dec = (sum * pow10(w)) >> b;
        return Ok(Dec::new(false, dec, w).round(rscale));
    }
    // e^-|z| = 1 / e^|z|.
    let extra_scale = to_u32(rscale.max(0) + GUARD)?;
    let q = (pow10(extra_scale) << b) / sum;
    Ok(Dec::new(false, q, extra_scale).round(rscale))
}

/// `exp_var` of a finite value at `rscale`: overflow past e^6000, zero below e^-6000.
fn exp_dec(x: &Dec, rscale: i64) -> Result<Dec> {
    let val = x.to_f64();
    #[expect(clippy::cast_precision_loss, reason = "PostgreSQL's bound")]
    let limit = (MAX_RESULT_SCALE * 3) as f64;
    if val.abs() >= limit {
        if val > 0.0 {
            return Err(overflow());
        }
        return Ok(Dec::zero(to_u32(rscale.max(0))?));
    }
    let zm = BigInt::from_biguint(if x.neg { Sign::Minus } else { Sign::Plus }, x.m.clone());
    exp_fixed(&zm, x.scale, rscale)
}

/// `numeric_exp`.
pub fn numeric_exp(x: &Numeric) -> Result<Numeric> {
    match x {
        Numeric::NInf => Ok(Numeric::Fin(Dec::zero(0))),
        Numeric::NaN | Numeric::PInf => Ok(x.clone()),
        Numeric::Fin(d) => {
            #[expect(clippy::cast_precision_loss, reason = "PostgreSQL's bound")]
            let bound = MAX_RESULT_SCALE as f64;
            let val = (d.to_f64() * LOG10_E).clamp(-bound, bound);
            #[expect(clippy::cast_possible_truncation, reason = "C's (int) conversion")]
            let rscale = clamp_scale((MIN_SIG_DIGITS - val as i64).max(i64::from(d.scale)));
            Ok(Numeric::Fin(exp_dec(d, rscale)?.check()?))
        }
    }
}

/// A positive float decimal `m × 10^e`, for powers computed to a number of significant digits.
struct Approx {
    m: BigUint,
    e: i64,
}

impl Approx {
    fn mul(&self, other: &Approx, digits: u64) -> Approx {
        let mut m = &self.m * &other.m;
        let mut e = self.e + other.e;
        let nd = ndigits(&m);
        if nd > digits {
            let drop = nd - digits;
            m /= pow10(u32::try_from(drop).unwrap_or(u32::MAX));
            e += i64::try_from(drop).unwrap_or(0);
        }
        Approx { m, e }
    }

    fn dexp(&self) -> i64 {
        i64::try_from(ndigits(&self.m)).unwrap_or(i64::MAX) - 1 + self.e
    }
}

/// `power_var_int`: base^n for an int32 `n`, at `rscale`.
fn power_int(base: &Dec, n: i64, rscale: i64) -> Result<Dec> {
    match n {
        0 => return Ok(Dec::new(false, pow10(to_u32(rscale)?), to_u32(rscale)?)),
        1 => return Ok(base.round(rscale)),
        -1 => return div(&Dec::from_i64(1), base, rscale, true),
        2 => return Ok(mul_exact(base, base).round(rscale)),
        _ => {}
    }
    if base.is_zero() {
        if n < 0 {
            return Err(SqlError::division_by_zero());
        }
        return Ok(Dec::zero(to_u32(rscale)?));
    }
    let (weight, groups, _) = base.nbase_head(4);
    let mut f = 0.0f64;
    for g in &groups {
        f = f * 10000.0 + f64::from(*g);
    }
    #[expect(clippy::cast_precision_loss, reason = "PostgreSQL estimates in double")]
    let p = (weight * 4 - 12) as f64;
    #[expect(clippy::cast_precision_loss, reason = "an int32 exponent")]
    let f = n as f64 * (f.log10() + p);
    if f > f64::from(3 * i32::from(i16::MAX) * 4) {
        return Err(overflow());
    }
    #[expect(clippy::cast_precision_loss, reason = "small scales")]
    if f + 1.0 < -(rscale as f64) || f + 1.0 < -(MAX_DISPLAY_SCALE as f64) {
        return Ok(Dec::zero(to_u32(rscale)?));
    }
    #[expect(clippy::cast_precision_loss, reason = "small values")]
    if f > (MAX_DEXP + 2) as f64 {
        // Certainly more digits than a numeric holds (f estimates the result's exponent).
        return Err(overflow());
    }
    #[expect(clippy::cast_possible_truncation, reason = "C's (int) conversion")]
    let sig = 1 + rscale + f as i64 + (n.unsigned_abs() as f64).ln() as i64 + 8;
    let digits = u64::try_from(sig.max(1) + GUARD).unwrap_or(u64::MAX);
    let neg_result = base.neg && n % 2 != 0;
    let un = u32::try_from(n.unsigned_abs()).map_err(|_| overflow())?;
    // Exact when that is not much more work.
    let exact_digits = ndigits(&base.m).saturating_mul(u64::from(un));
    let y = if exact_digits <= digits.saturating_add(64) {
        Approx {
            m: base.m.pow(un),
            e: -i64::from(base.scale) * i64::from(un),
        }
    } else {
        let b = Approx {
            m: base.m.clone(),
            e: -i64::from(base.scale),
        };
        let mut result = Approx {
            m: BigUint::one(),
            e: 0,
        };
        let mut sq = b;
        let mut mask = un;
        loop {
            if mask & 1 == 1 {
                result = result.mul(&sq, digits);
            }
            mask >>= 1;
            if mask == 0 {
                break;
            }
            sq = sq.mul(&sq, digits);
            if sq.dexp() > 4 * i64::from(i16::MAX) + 4 && n > 0 {
                return Err(overflow());
            }
        }
        result
    };
    let out = if n > 0 {
        // m × 10^e rounded at rscale.
        if y.e >= 0 {
            Dec::new(
                neg_result,
                y.m * pow10(to_u32(y.e)?) * pow10(to_u32(rscale)?),
                to_u32(rscale)?,
            )
        } else {
            Dec::new(neg_result, y.m, to_u32(-y.e)?).round(rscale)
        }
    } else {
        // 1 / (m × 10^e) to rscale + GUARD digits, then rounded.
        let s = rscale + GUARD;
        let e = s - y.e;
        let q = if e >= 0 {
            pow10(to_u32(e)?) / &y.m
        } else {
            BigUint::zero()
        };
        Dec::new(neg_result, q, to_u32(s)?).round(rscale)
    };
    Ok(out)
}

/// `power_var` for finite inputs (0 ^ negative already rejected).
fn power_dec(base: &Dec, exp: &Dec) -> Result<Dec> {
    if let Some((eneg, ei)) = exp.to_integer()
        && let Some(v) = ei.to_i64()
    {
        let n = if eneg { -v } else { v };
        if i32::try_from(n).is_ok() {
            let rscale = clamp_scale(MIN_SIG_DIGITS.max(i64::from(base.scale)));
            return power_int(base, n, rscale);
        }
    }
    if base.is_zero() {
        return Ok(Dec::zero(u32::try_from(MIN_SIG_DIGITS).unwrap_or(16)));
    }
    let mut res_neg = false;
    let abs_base;
    let base = if base.neg {
        let Some((_, ei)) = exp.to_integer() else {
            return Err(power_error(
                "a negative number raised to a non-integer power yields a complex result",
            ));
        };
        res_neg = ei.is_odd();
        abs_base = base.clone().abs();
        &abs_base
    } else {
        base
    };
    // A low-precision exp × ln(base) for the result's magnitude, as PostgreSQL computes it.
    let ln_dweight = estimate_ln_dweight(base);
    let local_rscale = (8 - ln_dweight).max(0);
    let ln_base = ln_rounded(base, local_rscale)?;
    let ln_num = mul_exact(&ln_base, exp).round(local_rscale);
    let val = ln_num.to_f64();
    #[expect(clippy::cast_precision_loss, reason = "PostgreSQL's bound")]
    if val.abs() > MAX_RESULT_SCALE as f64 * 3.01 {
        if val > 0.0 {
            return Err(overflow());
        }
        return Ok(Dec::zero(u32::try_from(MAX_DISPLAY_SCALE).unwrap_or(1000)));
    }
    let val = val * LOG10_E;
    #[expect(clippy::cast_possible_truncation, reason = "C's (int) conversion")]
    let ival = val as i64;
    let rscale = clamp_scale(
        (MIN_SIG_DIGITS - ival)
            .max(i64::from(base.scale))
            .max(i64::from(exp.scale)),
    );
    let sig_digits = (rscale + ival).max(0);
    // z = exp × ln(base) to sig_digits + GUARD digits after the point (absolute), which is
    // the result's relative precision.
    let exp_int_digits = exp.dexp().map_or(0, |e| (e + 1).max(0));
    let w = to_u32(sig_digits + GUARD + exp_int_digits + 2)?;
    let ln = ln_fixed(base, w);
    let z = BigInt::from_biguint(
        if exp.neg { Sign::Minus } else { Sign::Plus },
        exp.m.clone(),
    ) * ln;
    let zs = w + exp.scale;
    let z_dec = fixed_to_dec(&z, zs);
    let zval = z_dec.to_f64();
    #[expect(clippy::cast_precision_loss, reason = "PostgreSQL's bound")]
    if zval.abs() >= (MAX_RESULT_SCALE * 3) as f64 {
        if zval > 0.0 {
            return Err(overflow());
        }
        return Ok(Dec::zero(to_u32(rscale)?));
    }
    let result = exp_fixed(&z, zs, rscale)?;
    Ok(if res_neg { result.negated() } else { result })
}

/// `numeric_power`.
pub fn numeric_power(x: &Numeric, y: &Numeric) -> Result<Numeric> {
    if let (Numeric::Fin(b), Numeric::Fin(e)) = (x, y) {
        if b.is_zero() && e.signum() < 0 {
            return Err(power_error("zero raised to a negative power is undefined"));
        }
        return Ok(Numeric::Fin(power_dec(b, e)?.check()?));
    }
    let one = || Numeric::Fin(Dec::from_i64(1));
    let zero = || Numeric::Fin(Dec::zero(0));
    let is_one = |n: &Numeric| matches!(n, Numeric::Fin(d) if d.cmp(&Dec::from_i64(1)).is_eq());
    if x.is_nan() {
        if let Numeric::Fin(e) = y
            && e.is_zero()
        {
            return Ok(one());
        }
        return Ok(Numeric::NaN);
    }
    if y.is_nan() {
        if is_one(x) {
            return Ok(one());
        }
        return Ok(Numeric::NaN);
    }
    let (s1, s2) = (x.sign(), y.sign());
    if s1 == 0 && s2 < 0 {
        return Err(power_error("zero raised to a negative power is undefined"));
    }
    let y_integral = match y {
        Numeric::Fin(e) => e.to_integer().is_some(),
        _ => true,
    };
    if s1 < 0 && !y_integral {
        return Err(power_error(
            "a negative number raised to a non-integer power yields a complex result",
        ));
    }
    if is_one(x) {
        return Ok(one());
    }
    if s2 == 0 {
        return Ok(one());
    }
    if s1 == 0 && s2 > 0 {
        return Ok(zero());
    }
    if matches!(y, Numeric::PInf | Numeric::NInf) {
        let abs_x_gt_one = match x {
            Numeric::Fin(d) => {
                if d.cmp(&Dec::from_i64(-1)).is_eq() {
                    return Ok(one());
                }
                d.clone().abs() > Dec::from_i64(1)
            }
            _ => true,
        };
        return Ok(if abs_x_gt_one == (s2 > 0) {
            Numeric::PInf
        } else {
            zero()
        });
    }
    if matches!(x, Numeric::PInf) {
        return Ok(if s2 > 0 { Numeric::PInf } else { zero() });
    }
    // x is -Infinity, y finite and integral.
    if s2 < 0 {
        return Ok(zero());
    }
    let odd = match y {
        Numeric::Fin(e) => e.to_integer().is_some_and(|(_, i)| i.is_odd()),
        _ => false,
    };
    Ok(if odd { Numeric::NInf } else { Numeric::PInf })
}

/// `numeric_fac`: n! as a numeric.
pub fn factorial(n: i64) -> Result<Dec> {
    if n < 0 {
        return Err(SqlError::out_of_range(
            "factorial of a negative number is undefined",
        ));
    }
    if n <= 1 {
        return Ok(Dec::from_i64(1));
    }
    if n > 32177 {
        return Err(overflow());
    }
    // Product tree: balanced multiplications are much faster than a running product.
    fn product(lo: u64, hi: u64) -> BigUint {
        if hi - lo < 16 {
            (lo..=hi).fold(BigUint::one(), |acc, v| acc * v)
        } else {
            let mid = lo + (hi - lo) / 2;
            product(lo, mid) * product(mid + 1, hi)
        }
    }
    let m = product(2, n.unsigned_abs());
    Ok(Dec::new(false, m, 0))
}
