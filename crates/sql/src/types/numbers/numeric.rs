//! `numeric` values: PostgreSQL's arbitrary-precision decimal type — text input and canonical
//! output, the binary (base-10000) wire format, type-modifier coercion, comparison, and the
//! exact arithmetic core (add, subtract, multiply, divide with PostgreSQL's result scales,
//! rounding and truncation) that the operators, functions and aggregates build on.
//!
//! A finite value is a [`Dec`]: a sign, an unsigned integer mantissa and a display scale
//! (`dscale`, the number of digits shown after the point), meaning `±m × 10^-scale`. The
//! mantissa carries every digit up to the display scale, so `12.30` is `1230` at scale 2 and
//! prints back as `12.30`: the canonical text a column stores is exactly what
//! [`Dec::to_text`] prints.
//!
//! Invariants: a zero is never negative; values handed out by [`Numeric::check`] respect
//! PostgreSQL's storage limits (at most 131072 digits before the point, a display scale of at
//! most 16383) or are PostgreSQL's error `value overflows numeric format`. No operation here
//! builds a power of ten larger than its operands need, so a hostile exponent (`1e-999999999`)
//! costs nothing.

use std::cmp::Ordering;

use num_bigint::BigUint;
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

use crate::error::{Result, SqlError, sqlstate};
use crate::types::Typmod;

/// `NUMERIC_DSCALE_MAX`: the largest display scale a stored value can have.
pub const MAX_DSCALE: u32 = 16383;
/// The decimal exponent of the leading digit of the largest storable value (base-10000 weight
/// 32767 → 131072 digits before the point).
pub const MAX_DEXP: i64 = 131_071;
/// `NUMERIC_MIN_SIG_DIGITS`: significant digits PostgreSQL keeps in inexact results.
pub const MIN_SIG_DIGITS: i64 = 16;
/// `NUMERIC_MAX_DISPLAY_SCALE`.
pub const MAX_DISPLAY_SCALE: i64 = 1000;
/// `NUMERIC_MAX_RESULT_SCALE`.
pub const MAX_RESULT_SCALE: i64 = 2000;
/// `NUMERIC_MAX_PRECISION` (and the bound of a typmod's scale).
pub const MAX_PRECISION: i32 = 1000;

const LOG10_2: f64 = std::f64::consts::LOG10_2;

/// 10^k.
pub fn pow10(k: u32) -> BigUint {
    if k < 39 {
        BigUint::from(10u128.pow(k))
    } else {
        BigUint::from(10u32).pow(k)
    }
}

/// The number of decimal digits of `m` (0 for zero).
pub fn ndigits(m: &BigUint) -> u64 {
    if let Some(v) = m.to_u128() {
        return if v == 0 { 0 } else { u64::from(v.ilog10()) + 1 };
    }
    let bits = m.bits();
    // 2^(bits-1) <= m < 2^bits, so the digit count is one of two neighbours.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an estimate corrected below"
    )]
    let mut d = ((bits - 1) as f64 * LOG10_2) as u64 + 1;
    let p = |k: u64| pow10(u32::try_from(k).unwrap_or(u32::MAX));
    if *m >= p(d) {
        d += 1;
        while *m >= p(d) {
            d += 1;
        }
    } else {
        while d > 1 && *m < p(d - 1) {
            d -= 1;
        }
    }
    d
}

/// 22003 `value overflows numeric format`.
pub fn overflow() -> SqlError {
    SqlError::out_of_range("value overflows numeric format")
}

fn invalid(text: &str) -> SqlError {
    SqlError::invalid_input("numeric", text)
}

/// A finite numeric: `±m × 10^-scale`, `scale` being the display scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dec {
    pub neg: bool,
    pub m: BigUint,
    pub scale: u32,
}

/// A numeric value, including PostgreSQL's special values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Numeric {
    NaN,
    PInf,
    NInf,
    Fin(Dec),
}

impl Dec {
    pub fn zero(scale: u32) -> Dec {
        Dec {
            neg: false,
            m: BigUint::zero(),
            scale,
        }
    }

    pub fn from_i64(v: i64) -> Dec {
        Dec::from_i128(i128::from(v))
    }

    pub fn from_i128(v: i128) -> Dec {
        Dec {
            neg: v < 0,
            m: BigUint::from(v.unsigned_abs()),
            scale: 0,
        }
    }

    /// A mantissa and scale with a sign (a zero is made positive).
    pub fn new(neg: bool, m: BigUint, scale: u32) -> Dec {
        let neg = neg && !m.is_zero();
        Dec { neg, m, scale }
    }

    pub fn is_zero(&self) -> bool {
        self.m.is_zero()
    }

    /// -1, 0 or 1.
    pub fn signum(&self) -> i32 {
        if self.m.is_zero() {
            0
        } else if self.neg {
            -1
        } else {
            1
        }
    }

    pub fn negated(mut self) -> Dec {
        self.neg = !self.neg && !self.m.is_zero();
        self
    }

    pub fn abs(mut self) -> Dec {
        self.neg = false;
        self
    }

    /// The decimal exponent of the leading digit (`floor(log10(|x|))`); `None` for zero.
    pub fn dexp(&self) -> Option<i64> {
        if self.m.is_zero() {
            return None;
        }
        let nd = i64::try_from(ndigits(&self.m)).unwrap_or(i64::MAX);
        Some(nd - 1 - i64::from(self.scale))
    }

    /// A cheap upper bound of [`Dec::dexp`] (from the bit length).
    fn dexp_upper_bound(&self) -> i64 {
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_precision_loss,
            reason = "a bound with a margin"
        )]
        let digits = (self.m.bits() as f64 * LOG10_2) as i64 + 1;
        digits - i64::from(self.scale)
    }

    /// PostgreSQL's base-10000 weight of the first nonzero digit (0 for zero).
    pub fn nbase_weight(&self) -> i64 {
        self.dexp().map_or(0, |e| e.div_euclid(4))
    }

    /// The base-10000 representation's weight, its first `k` digits (zero-padded) and whether
    /// any nonzero digit follows them.
    pub fn nbase_head(&self, k: usize) -> (i64, Vec<u32>, bool) {
        if self.m.is_zero() {
            return (0, Vec::new(), false);
        }
        let pad = (4 - self.scale % 4) % 4;
        let a = &self.m * pow10(pad);
        let nd = ndigits(&a);
        let ngroups = nd.div_ceil(4);
        let weight =
            i64::try_from(ngroups).unwrap_or(i64::MAX) - 1 - i64::from((self.scale + pad) / 4);
        let kk = u64::try_from(k).unwrap_or(u64::MAX);
        let (head, more) = if ngroups <= kk {
            (
                a * pow10(u32::try_from(4 * (kk - ngroups)).unwrap_or(0)),
                false,
            )
        } else {
            let (q, r) = a.div_rem(&pow10(u32::try_from(4 * (ngroups - kk)).unwrap_or(0)));
            (q, !r.is_zero())
        };
        let mut groups = Vec::with_capacity(k);
        let mut h = head;
        let base = BigUint::from(10_000u32);
        for _ in 0..k {
            let (q, r) = h.div_rem(&base);
            groups.push(r.to_u32().unwrap_or(0));
            h = q;
        }
        groups.reverse();
        (weight, groups, more)
    }

    /// The value with its mantissa scaled to `scale` (which must not be below `self.scale`).
    pub fn mantissa_at(&self, scale: u32) -> BigUint {
        if scale <= self.scale {
            self.m.clone()
        } else {
            &self.m * pow10(scale - self.scale)
        }
    }

    /// Canonical text (`numeric_out`).
    pub fn to_text(&self) -> String {
        let digits = self.m.to_str_radix(10);
        let scale = usize::try_from(self.scale).unwrap_or(usize::MAX);
        let mut out = String::with_capacity(digits.len() + scale + 3);
        if self.neg {
            out.push('-');
        }
        if digits.len() > scale {
            let (int, frac) = digits.split_at(digits.len() - scale);
            out.push_str(int);
            if scale > 0 {
                out.push('.');
                out.push_str(frac);
            }
        } else {
            // |value| < 1 (a zero mantissa prints as "0", which fills the last place).
            out.push_str("0.");
            out.extend(std::iter::repeat_n('0', scale - digits.len()));
            out.push_str(&digits);
        }
        out
    }

    /// A short decimal text that reads back to the same float as the full canonical text
    /// does: 40 leading digits plus a sticky digit round exactly as all the digits would.
    fn float_text(&self) -> String {
        let nd = ndigits(&self.m);
        let (lead, dropped, sticky) = if nd > 40 {
            let drop = nd - 40;
            let (q, r) = self
                .m
                .div_rem(&pow10(u32::try_from(drop).unwrap_or(u32::MAX)));
            (q, drop, !r.is_zero())
        } else {
            (self.m.clone(), 0, false)
        };
        let mut text = String::new();
        if self.neg {
            text.push('-');
        }
        text.push_str(&lead.to_str_radix(10));
        if sticky {
            text.push('1');
        }
        let exp =
            i64::try_from(dropped).unwrap_or(i64::MAX) - i64::from(self.scale) - i64::from(sticky);
        text.push_str(&format!("e{exp}"));
        text
    }

    /// The nearest float8, as `strtod` gives it for the canonical text (±inf past the range).
    pub fn to_f64(&self) -> f64 {
        if self.m.is_zero() {
            return 0.0;
        }
        self.float_text().parse().unwrap_or(f64::NAN)
    }

    /// The nearest float4, as `strtof` gives it for the canonical text.
    pub fn to_f32(&self) -> f32 {
        if self.m.is_zero() {
            return 0.0;
        }
        self.float_text().parse().unwrap_or(f32::NAN)
    }

    /// Rounds half away from zero to `rscale` digits after the point (negative: before it);
    /// the display scale becomes `max(rscale, 0)`.
    pub fn round(&self, rscale: i64) -> Dec {
        self.rescale(rscale, true)
    }

    /// Truncates toward zero at `rscale` digits after the point (negative: before it).
    pub fn trunc(&self, rscale: i64) -> Dec {
        self.rescale(rscale, false)
    }

    fn rescale(&self, rscale: i64, round: bool) -> Dec {
        let cur = i64::from(self.scale);
        let out_scale = u32::try_from(rscale.max(0)).unwrap_or(u32::MAX);
        if rscale >= cur {
            return Dec::new(self.neg, self.mantissa_at(out_scale), out_scale);
        }
        let drop = cur - rscale;
        let nd = i64::try_from(ndigits(&self.m)).unwrap_or(i64::MAX);
        if drop > nd {
            // Every digit goes, and the first dropped one is a zero.
            return Dec::zero(out_scale);
        }
        let div = pow10(u32::try_from(drop).unwrap_or(u32::MAX));
        let (mut q, r) = self.m.div_rem(&div);
        if round && r * 2u32 >= div {
            q += 1u32;
        }
        if rscale < 0 {
            q *= pow10(u32::try_from(-rscale).unwrap_or(u32::MAX));
        }
        Dec::new(self.neg, q, out_scale)
    }

    /// The display scale with trailing fractional zeros removed (`min_scale`).
    pub fn min_scale(&self) -> u32 {
        if self.m.is_zero() || self.scale == 0 {
            return 0;
        }
        let digits = self.m.to_str_radix(10);
        let zeros = digits.bytes().rev().take_while(|&b| b == b'0').count();
        self.scale
            .saturating_sub(u32::try_from(zeros).unwrap_or(u32::MAX))
    }

    /// Rounds to an integer (half away from zero) and converts, if it fits.
    pub fn to_i64_rounded(&self) -> Option<i64> {
        let r = self.round(0);
        let v = r.m.to_u64()?;
        if r.neg {
            0i64.checked_sub_unsigned(v)
        } else {
            i64::try_from(v).ok()
        }
    }

    /// The value as an integer if it has no fractional part (whatever its display scale).
    pub fn to_integer(&self) -> Option<(bool, BigUint)> {
        let div = pow10(self.scale);
        let (q, r) = self.m.div_rem(&div);
        r.is_zero().then_some((self.neg, q))
    }

    /// Checks PostgreSQL's storage limits (`make_result`).
    pub fn check(self) -> Result<Dec> {
        if self.scale > MAX_DSCALE {
            return Err(overflow());
        }
        if !self.m.is_zero()
            && self.dexp_upper_bound() > MAX_DEXP
            && self.dexp().is_some_and(|e| e > MAX_DEXP)
        {
            return Err(overflow());
        }
        Ok(self)
    }
}

impl Ord for Dec {
    fn cmp(&self, other: &Dec) -> Ordering {
        match self.signum().cmp(&other.signum()) {
            Ordering::Equal => {}
            o => return o,
        }
        if self.m.is_zero() {
            return Ordering::Equal;
        }
        let mag = cmp_abs(self, other);
        if self.neg { mag.reverse() } else { mag }
    }
}

impl PartialOrd for Dec {
    fn partial_cmp(&self, other: &Dec) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares absolute values.
pub fn cmp_abs(a: &Dec, b: &Dec) -> Ordering {
    match (a.dexp(), b.dexp()) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => {
            let s = a.scale.max(b.scale);
            a.mantissa_at(s).cmp(&b.mantissa_at(s))
        }
    }
}

/// `a + b` (display scale: the larger of the two).
pub fn add(a: &Dec, b: &Dec) -> Dec {
    let s = a.scale.max(b.scale);
    let (ma, mb) = (a.mantissa_at(s), b.mantissa_at(s));
    if a.neg == b.neg {
        Dec::new(a.neg, ma + mb, s)
    } else if ma >= mb {
        Dec::new(a.neg, ma - mb, s)
    } else {
        Dec::new(b.neg, mb - ma, s)
    }
}

/// `a - b`.
pub fn sub(a: &Dec, b: &Dec) -> Dec {
    add(a, &b.clone().negated())
}

/// The exact product (display scale: the sum of the two).
pub fn mul_exact(a: &Dec, b: &Dec) -> Dec {
    Dec::new(a.neg != b.neg, &a.m * &b.m, a.scale.saturating_add(b.scale))
}

/// `numeric_mul`: the exact product, rounded to the largest display scale if longer.
pub fn mul(a: &Dec, b: &Dec) -> Dec {
    let p = mul_exact(a, b);
    if p.scale > MAX_DSCALE {
        p.round(i64::from(MAX_DSCALE))
    } else {
        p
    }
}

/// `a / b` to `rscale` digits after the point, rounded half away from zero or truncated.
pub fn div(a: &Dec, b: &Dec, rscale: i64, round: bool) -> Result<Dec> {
    if b.is_zero() {
        return Err(SqlError::division_by_zero());
    }
    let neg = a.neg != b.neg;
    if a.is_zero() {
        return Ok(Dec::zero(u32::try_from(rscale.max(0)).unwrap_or(0)));
    }
    // a/b × 10^rscale = a.m × 10^(rscale + b.scale - a.scale) / b.m
    let e = rscale + i64::from(b.scale) - i64::from(a.scale);
    let (num, den) = if e >= 0 {
        (
            &a.m * pow10(u32::try_from(e).map_err(|_| overflow())?),
            b.m.clone(),
        )
    } else {
        // If the divisor is scaled past the dividend the quotient is below 1/10 of a unit.
        let ea = i64::try_from(ndigits(&a.m)).unwrap_or(i64::MAX);
        if -e > ea + 1 {
            let scale = u32::try_from(rscale.max(0)).unwrap_or(0);
            return Ok(Dec::zero(scale));
        }
        (
            a.m.clone(),
            &b.m * pow10(u32::try_from(-e).map_err(|_| overflow())?),
        )
    };
    let (mut q, r) = num.div_rem(&den);
    if round && r * 2u32 >= den {
        q += 1u32;
    }
    if rscale < 0 {
        q *= pow10(u32::try_from(-rscale).map_err(|_| overflow())?);
    }
    Ok(Dec::new(
        neg,
        q,
        u32::try_from(rscale.max(0)).map_err(|_| overflow())?,
    ))
}

/// `select_div_scale`: the result scale PostgreSQL picks for `a / b`.
pub fn select_div_scale(a: &Dec, b: &Dec) -> i64 {
    let (w1, d1, _) = a.nbase_head(1);
    let (w2, d2, _) = b.nbase_head(1);
    let f1 = d1.first().copied().unwrap_or(0);
    let f2 = d2.first().copied().unwrap_or(0);
    let mut qweight = w1 - w2;
    if f1 <= f2 {
        qweight -= 1;
    }
    let rscale = MIN_SIG_DIGITS - qweight * 4;
    rscale
        .max(i64::from(a.scale))
        .max(i64::from(b.scale))
        .clamp(0, MAX_DISPLAY_SCALE)
}

/// `a % b` (truncated division remainder: sign of `a`; display scale: the larger).
pub fn modulo(a: &Dec, b: &Dec) -> Result<Dec> {
    let q = div(a, b, 0, false)?;
    let prod = mul_exact(b, &q);
    Ok(sub(a, &prod))
}

/// The greatest common divisor (display scale: the larger of the two).
pub fn gcd(a: &Dec, b: &Dec) -> Dec {
    let s = a.scale.max(b.scale);
    let g = a.mantissa_at(s).gcd(&b.mantissa_at(s));
    Dec::new(false, g, s)
}

/// `floor(x)` (display scale 0).
pub fn floor(x: &Dec) -> Dec {
    let t = x.trunc(0);
    if x.neg && cmp_abs(&t, x) != Ordering::Equal {
        sub(&t, &Dec::from_i64(1))
    } else {
        t
    }
}

/// `ceil(x)` (display scale 0).
pub fn ceil(x: &Dec) -> Dec {
    let t = x.trunc(0);
    if !x.neg && cmp_abs(&t, x) != Ordering::Equal {
        add(&t, &Dec::from_i64(1))
    } else {
        t
    }
}

impl Numeric {
    pub fn from_i64(v: i64) -> Numeric {
        Numeric::Fin(Dec::from_i64(v))
    }

    pub fn is_nan(&self) -> bool {
        matches!(self, Numeric::NaN)
    }

    /// -1, 0 or 1 for a non-NaN value (infinities included).
    pub fn sign(&self) -> i32 {
        match self {
            Numeric::NaN => 0,
            Numeric::PInf => 1,
            Numeric::NInf => -1,
            Numeric::Fin(d) => d.signum(),
        }
    }

    /// Canonical text.
    pub fn to_text(&self) -> String {
        match self {
            Numeric::NaN => "NaN".into(),
            Numeric::PInf => "Infinity".into(),
            Numeric::NInf => "-Infinity".into(),
            Numeric::Fin(d) => d.to_text(),
        }
    }

    /// Checks the storage limits of a finite value.
    pub fn check(self) -> Result<Numeric> {
        match self {
            Numeric::Fin(d) => d.check().map(Numeric::Fin),
            other => Ok(other),
        }
    }

    /// The float8 value (`numeric_float8_no_overflow`).
    pub fn to_f64(&self) -> f64 {
        match self {
            Numeric::NaN => f64::NAN,
            Numeric::PInf => f64::INFINITY,
            Numeric::NInf => f64::NEG_INFINITY,
            Numeric::Fin(d) => d.to_f64(),
        }
    }
}

/// PostgreSQL's `cmp_numerics`: NaN above everything (and equal to itself), then +Infinity.
pub fn cmp(a: &Numeric, b: &Numeric) -> Ordering {
    fn rank(n: &Numeric) -> i8 {
        match n {
            Numeric::NInf => 0,
            Numeric::Fin(_) => 1,
            Numeric::PInf => 2,
            Numeric::NaN => 3,
        }
    }
    match (a, b) {
        (Numeric::Fin(x), Numeric::Fin(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The text of a numeric as parsed, before any storage limit is applied.
struct Parsed {
    neg: bool,
    /// The mantissa digits with leading zeros removed (may be empty for zero).
    digits: Vec<u8>,
    /// The value is `digits × 10^e10`.
    e10: i64,
    dscale: i64,
}

/// `numeric_in`: PostgreSQL's text form → a value coerced to `typmod`.
pub fn parse(text: &str, typmod: Typmod) -> Result<Numeric> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() && is_c_space(bytes[i]) {
        i += 1;
    }
    let rest = &bytes[i..];
    let specials: [(&[u8], Numeric); 7] = [
        (b"nan", Numeric::NaN),
        (b"infinity", Numeric::PInf),
        (b"+infinity", Numeric::PInf),
        (b"-infinity", Numeric::NInf),
        (b"inf", Numeric::PInf),
        (b"+inf", Numeric::PInf),
        (b"-inf", Numeric::NInf),
    ];
    for (word, value) in specials {
        if rest.len() >= word.len() && rest[..word.len()].eq_ignore_ascii_case(word) {
            if !rest[word.len()..].iter().all(|&b| is_c_space(b)) {
                return Err(invalid(text));
            }
            return apply_typmod_special(value, typmod);
        }
    }
    let parsed = parse_finite(text, rest)?;
    let d = from_parsed(parsed, typmod)?;
    Ok(Numeric::Fin(d))
}

fn parse_finite(text: &str, s: &[u8]) -> Result<Parsed> {
    let mut i = 0;
    let mut neg = false;
    match s.first() {
        Some(b'+') => i += 1,
        Some(b'-') => {
            neg = true;
            i += 1;
        }
        _ => {}
    }
    let mut have_dp = false;
    if s.get(i) == Some(&b'.') {
        have_dp = true;
        i += 1;
    }
    if !s.get(i).is_some_and(u8::is_ascii_digit) {
        return Err(invalid(text));
    }
    let mut digits = Vec::new();
    let mut frac: i64 = 0;
    while let Some(&c) = s.get(i) {
        if c.is_ascii_digit() {
            if !(digits.is_empty() && c == b'0') {
                digits.push(c - b'0');
            }
            if have_dp {
                frac += 1;
            }
            i += 1;
        } else if c == b'.' {
            if have_dp {
                return Err(invalid(text));
            }
            have_dp = true;
            i += 1;
        } else {
            break;
        }
    }
    let mut exp: i64 = 0;
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        // strtol: optional white space, optional sign, at least one digit.
        let mut j = i;
        while j < s.len() && is_c_space(s[j]) {
            j += 1;
        }
        let mut eneg = false;
        match s.get(j) {
            Some(b'+') => j += 1,
            Some(b'-') => {
                eneg = true;
                j += 1;
            }
            _ => {}
        }
        if !s.get(j).is_some_and(u8::is_ascii_digit) {
            return Err(invalid(text));
        }
        let mut v: i64 = 0;
        while let Some(&c) = s.get(j) {
            if !c.is_ascii_digit() {
                break;
            }
            v = v.saturating_mul(10).saturating_add(i64::from(c - b'0'));
            j += 1;
        }
        if v >= i64::from(i32::MAX / 2) {
            return Err(overflow());
        }
        exp = if eneg { -v } else { v };
        i = j;
    }
    if !s[i..].iter().all(|&b| is_c_space(b)) {
        return Err(invalid(text));
    }
    Ok(Parsed {
        neg,
        digits,
        e10: exp - frac,
        dscale: (frac - exp).max(0),
    })
}

fn digits_to_biguint(digits: &[u8]) -> BigUint {
    if digits.is_empty() {
        return BigUint::zero();
    }
    let ascii: Vec<u8> = digits.iter().map(|d| d + b'0').collect();
    BigUint::parse_bytes(&ascii, 10).unwrap_or_default()
}

fn from_parsed(p: Parsed, typmod: Typmod) -> Result<Dec> {
    let valid_typmod = crate::types::numeric_precision_scale(typmod);
    if !p.digits.is_empty() {
        let dexp = i64::try_from(p.digits.len()).unwrap_or(i64::MAX) - 1 + p.e10;
        if dexp > MAX_DEXP {
            // No type modifier can hold it either.
            return match valid_typmod {
                Some((prec, scale)) => Err(field_overflow(prec, scale)),
                None => Err(overflow()),
            };
        }
    }
    let m = if p.digits.is_empty() {
        BigUint::zero()
    } else {
        let base = digits_to_biguint(&p.digits);
        if p.e10 > 0 {
            base * pow10(u32::try_from(p.e10).map_err(|_| overflow())?)
        } else {
            base
        }
    };
    let scale = u32::try_from(p.dscale).map_err(|_| overflow())?;
    let d = Dec::new(p.neg, m, scale);
    apply_typmod(d, typmod)?.check()
}

fn field_overflow(precision: i32, scale: i32) -> SqlError {
    let maxdigits = precision - scale;
    let bound = if maxdigits != 0 {
        format!("10^{maxdigits}")
    } else {
        "1".to_string()
    };
    SqlError::out_of_range("numeric field overflow").with_detail(format!(
        "A field with precision {precision}, scale {scale} must round to an absolute value less than {bound}."
    ))
}

/// `apply_typmod`: rounds to the modifier's scale and checks its precision.
pub fn apply_typmod(d: Dec, typmod: Typmod) -> Result<Dec> {
    let Some((precision, scale)) = crate::types::numeric_precision_scale(typmod) else {
        return Ok(d);
    };
    let r = d.round(i64::from(scale));
    if let Some(e) = r.dexp()
        && e + 1 > i64::from(precision - scale)
    {
        return Err(field_overflow(precision, scale));
    }
    Ok(r)
}

/// `apply_typmod_special`: NaN fits any modifier, an infinity none.
pub fn apply_typmod_special(n: Numeric, typmod: Typmod) -> Result<Numeric> {
    if matches!(n, Numeric::PInf | Numeric::NInf)
        && let Some((precision, scale)) = crate::types::numeric_precision_scale(typmod)
    {
        return Err(
            SqlError::out_of_range("numeric field overflow").with_detail(format!(
                "A field with precision {precision}, scale {scale} cannot hold an infinite value."
            )),
        );
    }
    Ok(n)
}

/// Coerces a value to a type modifier (`numeric(numeric, int4)`).
pub fn coerce(n: Numeric, typmod: Typmod) -> Result<Numeric> {
    match n {
        Numeric::Fin(d) => Ok(Numeric::Fin(apply_typmod(d, typmod)?.check()?)),
        other => apply_typmod_special(other, typmod),
    }
}

const SIGN_POS: u16 = 0x0000;
const SIGN_NEG: u16 = 0x4000;
const SIGN_NAN: u16 = 0xC000;
const SIGN_PINF: u16 = 0xD000;
const SIGN_NINF: u16 = 0xF000;

/// The base-10000 digits of a finite value (no leading or trailing zero digits) and the
/// weight of the first.
fn nbase_digits(d: &Dec) -> (i64, Vec<u16>) {
    if d.m.is_zero() {
        return (0, Vec::new());
    }
    let digits = d.m.to_str_radix(10).into_bytes();
    let scale = usize::try_from(d.scale).unwrap_or(usize::MAX);
    let pad_right = (4 - scale % 4) % 4;
    let total = digits.len() + pad_right;
    let pad_left = (4 - total % 4) % 4;
    let mut all = vec![b'0'; pad_left];
    all.extend_from_slice(&digits);
    all.extend(std::iter::repeat_n(b'0', pad_right));
    let groups: Vec<u16> = all
        .chunks(4)
        .map(|c| c.iter().fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0')))
        .collect();
    let ngroups = i64::try_from(groups.len()).unwrap_or(i64::MAX);
    let frac_groups = i64::try_from((scale + pad_right) / 4).unwrap_or(i64::MAX);
    let mut weight = ngroups - 1 - frac_groups;
    let first = groups.iter().position(|&g| g != 0).unwrap_or(0);
    weight -= i64::try_from(first).unwrap_or(0);
    let last = groups
        .iter()
        .rposition(|&g| g != 0)
        .map_or(first, |p| p + 1);
    (weight, groups[first..last].to_vec())
}

/// `numeric_send`.
pub fn send(n: &Numeric, buf: &mut Vec<u8>) {
    let (digits, weight, sign, dscale) = match n {
        Numeric::NaN => (Vec::new(), 0, SIGN_NAN, 0),
        // PostgreSQL reads an infinity's display scale from bits of its header word: 32.
        Numeric::PInf => (Vec::new(), 0, SIGN_PINF, 32),
        Numeric::NInf => (Vec::new(), 0, SIGN_NINF, 32),
        Numeric::Fin(d) => {
            let (w, g) = nbase_digits(d);
            let sign = if d.neg { SIGN_NEG } else { SIGN_POS };
            #[expect(
                clippy::cast_possible_truncation,
                reason = "stored values fit in 16 bits"
            )]
            (g, w as i16, sign, d.scale as u16)
        }
    };
    #[expect(clippy::cast_possible_truncation, reason = "at most 36768 digits")]
    buf.extend_from_slice(&(digits.len() as u16).to_be_bytes());
    buf.extend_from_slice(&weight.to_be_bytes());
    buf.extend_from_slice(&sign.to_be_bytes());
    buf.extend_from_slice(&dscale.to_be_bytes());
    for g in digits {
        buf.extend_from_slice(&g.to_be_bytes());
    }
}

fn binary_error(message: &str) -> SqlError {
    SqlError::new(sqlstate::INVALID_BINARY_REPRESENTATION, message)
}

/// `numeric_recv`: the binary form → a value coerced to `typmod`.
pub fn recv(bytes: &[u8], typmod: Typmod) -> Result<Numeric> {
    let word = |i: usize| -> Result<u16> {
        match bytes.get(i..i + 2) {
            Some(&[a, b]) => Ok(u16::from_be_bytes([a, b])),
            _ => Err(binary_error("insufficient data left in message")),
        }
    };
    let ndigits = usize::from(word(0)?);
    #[expect(
        clippy::cast_possible_wrap,
        reason = "the weight is a signed 16-bit field"
    )]
    let weight = i64::from(word(2)? as i16);
    let sign = word(4)?;
    if !matches!(sign, SIGN_POS | SIGN_NEG | SIGN_NAN | SIGN_PINF | SIGN_NINF) {
        return Err(binary_error("invalid sign in external \"numeric\" value"));
    }
    let dscale = word(6)?;
    if dscale & 0x3FFF != dscale {
        return Err(binary_error("invalid scale in external \"numeric\" value"));
    }
    let mut groups = Vec::with_capacity(ndigits);
    for k in 0..ndigits {
        let g = word(8 + 2 * k)?;
        if g >= 10_000 {
            return Err(binary_error("invalid digit in external \"numeric\" value"));
        }
        groups.push(g);
    }
    if bytes.len() != 8 + 2 * ndigits {
        return Err(binary_error("incorrect binary data format"));
    }
    let special = match sign {
        SIGN_NAN => Some(Numeric::NaN),
        SIGN_PINF => Some(Numeric::PInf),
        SIGN_NINF => Some(Numeric::NInf),
        _ => None,
    };
    if let Some(s) = special {
        return apply_typmod_special(s, typmod);
    }
    // value = groups × 10000^(weight - ndigits + 1); truncated to dscale digits.
    let mut text = String::with_capacity(4 * ndigits);
    for g in &groups {
        text.push_str(&format!("{g:04}"));
    }
    let m_all = if text.is_empty() {
        BigUint::zero()
    } else {
        BigUint::parse_bytes(text.as_bytes(), 10).unwrap_or_default()
    };
    let shift = 4 * (weight - i64::try_from(ndigits).unwrap_or(0) + 1) + i64::from(dscale);
    let m = if shift >= 0 {
        m_all * pow10(u32::try_from(shift).map_err(|_| overflow())?)
    } else {
        let drop = -shift;
        if drop > i64::try_from(ndigits).unwrap_or(0) * 4 + 1 {
            BigUint::zero()
        } else {
            m_all / pow10(u32::try_from(drop).map_err(|_| overflow())?)
        }
    };
    let d = Dec::new(sign == SIGN_NEG, m, u32::from(dscale));
    Ok(Numeric::Fin(apply_typmod(d, typmod)?.check()?))
}

/// Orders two stored texts (collation `pg_numeric`): canonical texts are compared without
/// being converted; anything else is parsed, and text that is no numeric at all sorts last,
/// byte-wise.
pub fn cmp_text(a: &str, b: &str) -> Ordering {
    match (TextKey::of(a), TextKey::of(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// A borrowed view of a canonical finite numeric text: sign, integer digits without leading
/// zeros, fraction digits without trailing zeros.
enum TextKey<'a> {
    NInf,
    Fin {
        neg: bool,
        int: &'a [u8],
        frac: &'a [u8],
    },
    Parsed(Dec),
    PInf,
    NaN,
}

impl<'a> TextKey<'a> {
    fn of(s: &'a str) -> Option<TextKey<'a>> {
        match s {
            "NaN" => return Some(TextKey::NaN),
            "Infinity" => return Some(TextKey::PInf),
            "-Infinity" => return Some(TextKey::NInf),
            _ => {}
        }
        let b = s.as_bytes();
        let (neg, body) = match b.first() {
            Some(b'-') => (true, &b[1..]),
            _ => (false, b),
        };
        let (int, frac) = match body.iter().position(|&c| c == b'.') {
            Some(p) => (&body[..p], &body[p + 1..]),
            None => (body, &body[body.len()..]),
        };
        let canonical = !int.is_empty()
            && int.iter().all(u8::is_ascii_digit)
            && frac.iter().all(u8::is_ascii_digit)
            && (body.len() == int.len() || !frac.is_empty());
        if canonical {
            let first = int.iter().position(|&c| c != b'0').unwrap_or(int.len());
            let last = frac.iter().rposition(|&c| c != b'0').map_or(0, |p| p + 1);
            let (int, frac) = (&int[first..], &frac[..last]);
            let neg = neg && !(int.is_empty() && frac.is_empty());
            return Some(TextKey::Fin { neg, int, frac });
        }
        match parse(s, -1) {
            Ok(Numeric::Fin(d)) => Some(TextKey::Parsed(d)),
            Ok(Numeric::NaN) => Some(TextKey::NaN),
            Ok(Numeric::PInf) => Some(TextKey::PInf),
            Ok(Numeric::NInf) => Some(TextKey::NInf),
            Err(_) => None,
        }
    }

    fn rank(&self) -> i8 {
        match self {
            TextKey::NInf => 0,
            TextKey::Fin { .. } | TextKey::Parsed(_) => 1,
            TextKey::PInf => 2,
            TextKey::NaN => 3,
        }
    }

    fn cmp(&self, other: &TextKey<'_>) -> Ordering {
        match (self, other) {
            (
                TextKey::Fin {
                    neg: n1,
                    int: i1,
                    frac: f1,
                },
                TextKey::Fin {
                    neg: n2,
                    int: i2,
                    frac: f2,
                },
            ) => {
                let z1 = i1.is_empty() && f1.is_empty();
                let z2 = i2.is_empty() && f2.is_empty();
                let s1 = if z1 {
                    0
                } else if *n1 {
                    -1
                } else {
                    1
                };
                let s2 = if z2 {
                    0
                } else if *n2 {
                    -1
                } else {
                    1
                };
                match s1.cmp(&s2) {
                    Ordering::Equal => {}
                    o => return o,
                }
                let mag = i1
                    .len()
                    .cmp(&i2.len())
                    .then_with(|| i1.cmp(i2))
                    .then_with(|| f1.cmp(f2));
                if s1 < 0 { mag.reverse() } else { mag }
            }
            (
                TextKey::Fin { .. } | TextKey::Parsed(_),
                TextKey::Fin { .. } | TextKey::Parsed(_),
            ) => self.to_dec().cmp(&other.to_dec()),
            _ => self.rank().cmp(&other.rank()),
        }
    }

    fn to_dec(&self) -> Dec {
        match self {
            TextKey::Parsed(d) => d.clone(),
            TextKey::Fin { neg, int, frac } => {
                let mut digits: Vec<u8> = int.iter().map(|c| c - b'0').collect();
                digits.extend(frac.iter().map(|c| c - b'0'));
                let scale = u32::try_from(frac.len()).unwrap_or(u32::MAX);
                Dec::new(*neg, digits_to_biguint(&digits), scale)
            }
            _ => Dec::zero(0),
        }
    }
}
