//! Floating point: float4 and float8 — text input (`strtod` rules), output (shortest
//! round-trip with `extra_float_digits >= 1`, else `%g` with 15 or 6 digits plus
//! `extra_float_digits`), binary input/output, arithmetic with PostgreSQL's overflow,
//! underflow and division-by-zero errors, the math and trigonometric functions (degree
//! variants exact at the special angles), `random()`/`setseed()` with PostgreSQL 15's
//! generator, `width_bucket`, and the float casts.
//!
//! Storage: SQLite REAL. A float4 is kept as the f64 of its single-precision value, so float4
//! arithmetic converts to f32, operates, and widens the result back; float4 ↔ float8 cross
//! operators are plain float8 operations on the stored values.
//!
//! Bit-exactness: sin, cos, exp, log, pow… are the system libm's (glibc's, as PostgreSQL's on
//! the same machine); asinh/acosh/atanh use the same logarithm identities as glibc. `cbrt` is
//! the cube root Rust links into every binary (musl's), which can differ from glibc's in the
//! last bit (glibc: `cbrt(27) = 3.0000000000000004`, here 3).

use std::cell::Cell;

use super::{float_arg, int_arg, value_error};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::types::Type;
use crate::value::Value;

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The end of an exponent at `j` in `rest` (`marker` in either case, an optional sign and
/// digits), or `j` itself when there is none.
fn exponent_end(rest: &[u8], j: usize, marker: u8) -> usize {
    if !rest.get(j).is_some_and(|c| c.eq_ignore_ascii_case(&marker)) {
        return j;
    }
    let mut k = j + 1;
    if matches!(rest.get(k), Some(b'+' | b'-')) {
        k += 1;
    }
    if !rest.get(k).is_some_and(u8::is_ascii_digit) {
        return j;
    }
    while rest.get(k).is_some_and(u8::is_ascii_digit) {
        k += 1;
    }
    k
}

/// The longest prefix of `s` that `strtod` reads: its length and whether it is a finite number
/// whose digits are not all zero.
fn strtod_prefix(s: &[u8]) -> Option<(usize, bool)> {
    let mut i = 0;
    if matches!(s.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let rest = &s[i..];
    let word = |w: &[u8]| rest.len() >= w.len() && rest[..w.len()].eq_ignore_ascii_case(w);
    if word(b"infinity") {
        return Some((i + 8, false));
    }
    if word(b"inf") || word(b"nan") {
        return Some((i + 3, false));
    }
    if rest.len() > 2 && rest[..2].eq_ignore_ascii_case(b"0x") {
        // Hexadecimal digits (glibc's strtod reads them).
        let mut j = 2;
        let mut any = false;
        let mut nonzero = false;
        let mut dot = false;
        while let Some(&c) = rest.get(j) {
            if c.is_ascii_hexdigit() {
                any = true;
                nonzero |= c != b'0';
            } else if c == b'.' && !dot {
                dot = true;
            } else {
                break;
            }
            j += 1;
        }
        if any {
            return Some((i + exponent_end(rest, j, b'p'), nonzero));
        }
        // Just "0": the x is not part of the number.
        return Some((i + 1, false));
    }
    let mut j = 0;
    let mut digits = false;
    let mut nonzero = false;
    while rest.get(j).is_some_and(u8::is_ascii_digit) {
        digits = true;
        nonzero |= rest[j] != b'0';
        j += 1;
    }
    if rest.get(j) == Some(&b'.') {
        j += 1;
        while rest.get(j).is_some_and(u8::is_ascii_digit) {
            digits = true;
            nonzero |= rest[j] != b'0';
            j += 1;
        }
    }
    if !digits {
        return None;
    }
    Some((i + exponent_end(rest, j, b'e'), nonzero))
}

/// A hexadecimal float (`0x1.8p3`) read as glibc does.
fn parse_hex(token: &str) -> f64 {
    let (neg, body) = match token.as_bytes().first() {
        Some(b'-') => (true, &token[1..]),
        Some(b'+') => (false, &token[1..]),
        _ => (false, token),
    };
    let body = &body[2..];
    let (mant, exp) = match body.find(['p', 'P']) {
        Some(p) => (&body[..p], body[p + 1..].parse::<i64>().unwrap_or(0)),
        None => (body, 0),
    };
    let mut m: u128 = 0;
    let mut e2: i64 = exp;
    let mut seen_dot = false;
    let mut sticky = false;
    for c in mant.chars() {
        if c == '.' {
            seen_dot = true;
            continue;
        }
        let d = u128::from(c.to_digit(16).unwrap_or(0));
        if m < (1u128 << 120) {
            m = m * 16 + d;
            if seen_dot {
                e2 -= 4;
            }
        } else {
            sticky |= d != 0;
            if !seen_dot {
                e2 += 4;
            }
        }
    }
    if sticky {
        m |= 1;
    }
    #[expect(clippy::cast_precision_loss, reason = "rounded like the C conversion")]
    let mut v = m as f64;
    let e = i32::try_from(e2.clamp(-4000, 4000)).unwrap_or(0);
    // Scale in steps that stay exact until the final one.
    let mut e = e;
    while e > 0 {
        let step = e.min(1000);
        v *= 2f64.powi(step);
        e -= step;
    }
    while e < 0 {
        let step = (-e).min(1000);
        v /= 2f64.powi(step);
        e += step;
    }
    if neg { -v } else { v }
}

/// `float4in` / `float8in`.
pub fn float_in(ty: Type, s: &str) -> Result<Value> {
    let float4 = ty == Type::FLOAT4;
    let name = if float4 { "real" } else { "double precision" };
    let b = s.as_bytes();
    let mut start = 0;
    while start < b.len() && is_c_space(b[start]) {
        start += 1;
    }
    let invalid = || SqlError::invalid_input(name, s);
    if start == b.len() {
        return Err(invalid());
    }
    let Some((len, nonzero)) = strtod_prefix(&b[start..]) else {
        return Err(invalid());
    };
    let token = &s[start..start + len];
    let mut end = start + len;
    while end < b.len() && is_c_space(b[end]) {
        end += 1;
    }
    if end != b.len() {
        return Err(invalid());
    }
    let lower = token.to_ascii_lowercase();
    let special = lower.trim_start_matches(['+', '-']);
    let is_special = special.starts_with("inf") || special == "nan";
    let v = if is_special {
        let neg = token.starts_with('-');
        if special == "nan" {
            f64::NAN
        } else if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }
    } else if special.starts_with("0x") {
        let v = parse_hex(token);
        if float4 {
            #[expect(clippy::cast_possible_truncation, reason = "float4 input")]
            let f = v as f32;
            f64::from(f)
        } else {
            v
        }
    } else if float4 {
        f64::from(token.parse::<f32>().map_err(|_| invalid())?)
    } else {
        token.parse::<f64>().map_err(|_| invalid())?
    };
    if !is_special && (v.is_infinite() || (v == 0.0 && nonzero)) {
        let shown = if float4 { s } else { token };
        return Err(SqlError::out_of_range(format!(
            "\"{shown}\" is out of range for type {name}"
        )));
    }
    Ok(Value::Float(v))
}

/// A stored float value (an integer when SQLite stored a whole number as one).
fn stored_float(v: &Value) -> Option<f64> {
    match v {
        Value::Float(f) => Some(*f),
        #[expect(
            clippy::cast_precision_loss,
            reason = "an integer stored in a float column"
        )]
        Value::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// `float4out` / `float8out`.
pub fn float_out(ty: Type, env: &Env, v: &Value) -> String {
    let Some(f) = stored_float(v) else {
        return crate::types::text::text_out(v);
    };
    let efd = env.extra_float_digits;
    if ty == Type::FLOAT4 {
        #[expect(clippy::cast_possible_truncation, reason = "float4 values")]
        let f4 = f as f32;
        if efd > 0 {
            float4_shortest(f4)
        } else {
            format_g(f64::from(f4), 6 + efd)
        }
    } else if efd > 0 {
        float8_shortest(f)
    } else {
        format_g(f, 15 + efd)
    }
}

fn special_text(f: f64) -> Option<&'static str> {
    if f.is_nan() {
        Some("NaN")
    } else if f == f64::INFINITY {
        Some("Infinity")
    } else if f == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

/// The shortest text that reads back to `f` (PostgreSQL 12+ float8 output).
pub fn float8_shortest(f: f64) -> String {
    if let Some(s) = special_text(f) {
        return s.to_owned();
    }
    let sci = shortest_sci(
        f,
        &format!("{f:e}"),
        |c| c.parse::<f64>() == Ok(f),
        |n| format!("{:.*e}", n, f),
    );
    let sci = sci.unwrap_or_else(|| float8_exact(f));
    shortest_layout(&sci, 15)
}

/// The shortest text that reads back to `f` as a float4.
pub fn float4_shortest(f: f32) -> String {
    if let Some(s) = special_text(f64::from(f)) {
        return s.to_owned();
    }
    let sci = shortest_sci(
        f64::from(f),
        &format!("{f:e}"),
        |c| c.parse::<f32>() == Ok(f),
        |n| format!("{:.*e}", n, f),
    );
    let sci = sci.unwrap_or_else(|| float4_exact(f));
    shortest_layout(&sci, 6)
}

/// `f`'s shortest digits by the exact interval search.
fn float8_exact(f: f64) -> String {
    exact_shortest_of_bits(f.is_sign_negative(), f.to_bits(), 52, 0x7ff, 1075)
}

/// `f`'s shortest digits by the exact interval search.
fn float4_exact(f: f32) -> String {
    exact_shortest_of_bits(f.is_sign_negative(), u64::from(f.to_bits()), 23, 0xff, 150)
}

/// [`exact_shortest`] of a finite IEEE binary float given as its `bits`: `mant_bits` stored
/// mantissa bits, an exponent field `exp_mask` wide above them, and `bias` the exponent of
/// the mantissa's unit (1075 for float8, 150 for float4).
fn exact_shortest_of_bits(
    neg: bool,
    bits: u64,
    mant_bits: u32,
    exp_mask: u64,
    bias: i32,
) -> String {
    let exp = i32::try_from((bits >> mant_bits) & exp_mask).unwrap_or(0);
    let mant = bits & ((1u64 << mant_bits) - 1);
    let (m, e) = if exp == 0 {
        (mant, 1 - bias)
    } else {
        (mant | (1u64 << mant_bits), exp - bias)
    };
    exact_shortest(neg, m, e, mant == 0 && exp > 1)
}

/// PostgreSQL's shortest output (Ryu with the interval's bounds excluded, ties to even) from
/// Rust's (bounds included when the mantissa is even, ties away): the same digits, the tie
/// broken to even by exact rounding — or `None` when the digits lie exactly on a bound, for
/// [`exact_shortest`] to settle.
fn shortest_sci(
    v: f64,
    rust: &str,
    round_trips: impl Fn(&str) -> bool,
    exact: impl Fn(usize) -> String,
) -> Option<String> {
    let digits = mantissa_digits(rust);
    let rounded = exact(digits.saturating_sub(1));
    let candidate = if round_trips(&rounded) {
        rounded
    } else {
        rust.to_owned()
    };
    // On a bound, a nudge away from v leaves the float.
    let (mantissa, exp) = candidate.split_once('e')?;
    // Whether |candidate| > |v|: its digits against 41 of v's (more than any float has).
    let above = digits_above(
        mantissa.trim_start_matches('-'),
        exp,
        &format!("{:.40e}", v.abs()),
    );
    // The candidate nudged away from v, in magnitude, twenty places past its last digit.
    let nudged = if above {
        format!(
            "{mantissa}{}e{exp}",
            if mantissa.contains('.') {
                "00000000000000000000001"
            } else {
                ".00000000000000000000001"
            }
        )
    } else {
        let body = mantissa.trim_start_matches('-');
        let sign = if mantissa.starts_with('-') { "-" } else { "" };
        let mut ds: Vec<u8> = body.bytes().collect();
        let last = ds.iter().rposition(u8::is_ascii_digit)?;
        if ds[last] == b'0' {
            return Some(candidate);
        }
        ds[last] -= 1;
        let mut body = String::from_utf8(ds).ok()?;
        if !body.contains('.') {
            body.push('.');
        }
        format!("{sign}{body}99999999999999999999999e{exp}")
    };
    if round_trips(&nudged) {
        Some(candidate)
    } else {
        None
    }
}

/// Whether the decimal `mantissa`e`exp` (|value|) exceeds the |value| whose 41-digit exact
/// expansion is `precise` (`d.ddd…e±x`).
fn digits_above(mantissa: &str, exp: &str, precise: &str) -> bool {
    let Some((pm, pe)) = precise.split_once('e') else {
        return false;
    };
    let (Ok(e1), Ok(e2)) = (exp.parse::<i32>(), pe.parse::<i32>()) else {
        return false;
    };
    if e1 != e2 {
        return e1 > e2;
    }
    let a: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let b: Vec<u8> = pm.bytes().filter(u8::is_ascii_digit).collect();
    let n = a.len().max(b.len());
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(b'0');
        let y = b.get(i).copied().unwrap_or(b'0');
        if x != y {
            return x > y;
        }
    }
    false
}

/// The shortest decimal strictly inside the rounding interval of `m × 2^e` (the lower half gap
/// halved when `power_of_two`), closest to the value, ties to an even last digit: PostgreSQL's
/// Ryu output, computed exactly. Returned in Rust's exponent form.
fn exact_shortest(neg: bool, m: u64, e: i32, power_of_two: bool) -> String {
    use num_bigint::BigUint;
    use num_traits::Zero;
    // Everything is scaled by 2^a so that the half gaps are integers.
    let a = u32::try_from((2 - e).max(0)).unwrap_or(0);
    let shift = u32::try_from(i64::from(e) + i64::from(a)).unwrap_or(0);
    let v = BigUint::from(m) << shift;
    let half_up = BigUint::from(1u32) << (shift.saturating_sub(1));
    let half_down = if power_of_two {
        BigUint::from(1u32) << (shift.saturating_sub(2))
    } else {
        half_up.clone()
    };
    let two_a = BigUint::from(1u32) << a;
    // k: the decimal exponent of the leading digit, v in [10^k, 10^(k+1)).
    let pow10 = |k: i64| -> (BigUint, BigUint) {
        // 10^k as a fraction num/den.
        if k >= 0 {
            (
                BigUint::from(10u32).pow(u32::try_from(k).unwrap_or(0)),
                BigUint::from(1u32),
            )
        } else {
            (
                BigUint::from(1u32),
                BigUint::from(10u32).pow(u32::try_from(-k).unwrap_or(0)),
            )
        }
    };
    #[expect(
        clippy::cast_possible_truncation,
        reason = "a decimal exponent estimate"
    )]
    let mut k = ((f64::from(e) + (m as f64).log2()) * std::f64::consts::LOG10_2).floor() as i64;
    // Adjust k exactly: compare v / 2^a with 10^k.
    loop {
        let (num, den) = pow10(k);
        if &v * &den < &num * &two_a {
            k -= 1;
            continue;
        }
        let (num, den) = pow10(k + 1);
        if &v * &den >= &num * &two_a {
            k += 1;
            continue;
        }
        break;
    }
    for n in 1..=40i64 {
        // Grid spacing 10^(k - n + 1), scaled by 2^a: s = num/den.
        let (num, den) = pow10(k - n + 1);
        let s_num = num * &two_a;
        // q = floor(v × den / s_num), remainder over s_num.
        let vd = &v * &den;
        let q = &vd / &s_num;
        let r = &vd - &q * &s_num;
        let lo_dist = r.clone();
        let hi_dist = &s_num - &r;
        // Distances are over den: compare with the half gaps × den.
        let hd = &half_down * &den;
        let hu = &half_up * &den;
        let lo_ok = lo_dist < hd && !q.is_zero();
        let hi_ok = hi_dist < hu;
        let pick = match (lo_ok, hi_ok) {
            (true, true) => {
                if lo_dist < hi_dist || (lo_dist == hi_dist && (&q % 2u32).is_zero()) {
                    Some(q.clone())
                } else {
                    Some(&q + 1u32)
                }
            }
            (true, false) => Some(q.clone()),
            (false, true) => Some(&q + 1u32),
            (false, false) => None,
        };
        if r.is_zero() {
            return sci_text(neg, &q.to_str_radix(10), k);
        }
        if let Some(p) = pick {
            let digits = p.to_str_radix(10);
            // A carry (9.99 → 10.0) adds a digit: the exponent grows by one.
            let kk = k + i64::try_from(digits.len()).unwrap_or(0) - n;
            return sci_text(neg, &digits, kk);
        }
    }
    format!("{:e}", if neg { -0.0 } else { 0.0 })
}

/// [`float8_shortest`] by the exact interval search alone, for tests.
#[cfg(test)]
pub fn float8_exact_output(f: f64) -> String {
    shortest_layout(&float8_exact(f), 15)
}

/// [`float4_shortest`] by the exact interval search alone, for tests.
#[cfg(test)]
pub fn float4_exact_output(f: f32) -> String {
    shortest_layout(&float4_exact(f), 6)
}

/// `d.ddde±k` from significant digits (trailing zeros dropped).
fn sci_text(neg: bool, digits: &str, k: i64) -> String {
    let d = digits.trim_end_matches('0');
    let d = if d.is_empty() { "0" } else { d };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&d[..1]);
    if d.len() > 1 {
        out.push('.');
        out.push_str(&d[1..]);
    }
    out.push_str(&format!("e{k}"));
    out
}

/// The number of significant digits of an exponent-form text (`-1.25e-7` → 3).
fn mantissa_digits(sci: &str) -> usize {
    sci.split('e')
        .next()
        .unwrap_or("")
        .bytes()
        .filter(u8::is_ascii_digit)
        .count()
}

/// Lays out the digits of `sci` (an exponent-form text with the chosen digits — the shortest
/// count, ties broken to even as PostgreSQL's Ryu output does) positionally when the decimal
/// exponent is in [-4, `digits`), else in exponent form with at least two exponent digits.
fn shortest_layout(sci: &str, digits: i32) -> String {
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci.to_owned();
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return sci.to_owned();
    };
    if !(-4..digits).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.unsigned_abs());
    }
    let neg = mantissa.starts_with('-');
    let ds: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::with_capacity(ds.len() + 8);
    if neg {
        out.push('-');
    }
    let point = exp + 1;
    if point <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n(
            '0',
            usize::try_from(-point).unwrap_or(0),
        ));
        out.push_str(&ds);
    } else {
        let p = usize::try_from(point).unwrap_or(0);
        if ds.len() <= p {
            out.push_str(&ds);
            out.extend(std::iter::repeat_n('0', p - ds.len()));
        } else {
            out.push_str(&ds[..p]);
            out.push('.');
            out.push_str(&ds[p..]);
        }
    }
    out
}

/// C's `%.{precision}g` (precision clamped to 1‥32 as PostgreSQL's `pg_strfromd` does), with
/// PostgreSQL's spellings of NaN and infinities.
pub fn format_g(f: f64, precision: i32) -> String {
    if let Some(s) = special_text(f) {
        return s.to_owned();
    }
    let p = usize::try_from(precision.clamp(1, 32)).unwrap_or(1);
    let sci = format!("{:.*e}", p - 1, f);
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return sci;
    };
    let exp: i64 = exp.parse().unwrap_or(0);
    #[expect(clippy::cast_possible_wrap, reason = "p <= 32")]
    let pi = p as i64;
    if exp < -4 || exp >= pi {
        let m = strip_fraction_zeros(mantissa);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.unsigned_abs())
    } else {
        let decimals = usize::try_from(pi - 1 - exp).unwrap_or(0);
        strip_fraction_zeros(&format!("{f:.decimals$}")).to_string()
    }
}

fn strip_fraction_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// `float4send` / `float8send`.
pub fn float_send(ty: Type, v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    let f = stored_float(v).ok_or_else(|| value_error("double precision"))?;
    if ty == Type::FLOAT4 {
        #[expect(clippy::cast_possible_truncation, reason = "float4 values")]
        buf.extend_from_slice(&(f as f32).to_be_bytes());
    } else {
        buf.extend_from_slice(&f.to_be_bytes());
    }
    Ok(())
}

/// `float4recv` / `float8recv`.
pub fn float_recv(ty: Type, bytes: &[u8]) -> Result<Value> {
    let width = if ty == Type::FLOAT4 { 4 } else { 8 };
    if bytes.len() != width {
        let msg = if bytes.len() < width {
            "insufficient data left in message"
        } else {
            "incorrect binary data format"
        };
        return Err(SqlError::new(sqlstate::INVALID_BINARY_REPRESENTATION, msg));
    }
    let v = match bytes {
        [a, b, c, d] => f64::from(f32::from_be_bytes([*a, *b, *c, *d])),
        [a, b, c, d, e, f, g, h] => f64::from_be_bytes([*a, *b, *c, *d, *e, *f, *g, *h]),
        _ => return Err(value_error("double precision")),
    };
    Ok(Value::Float(v))
}

/// 22003 `value out of range: overflow`.
pub fn overflow_error() -> SqlError {
    SqlError::out_of_range("value out of range: overflow")
}

/// 22003 `value out of range: underflow`.
pub fn underflow_error() -> SqlError {
    SqlError::out_of_range("value out of range: underflow")
}

fn input_out_of_range() -> SqlError {
    SqlError::out_of_range("input is out of range")
}

fn f4(args: &[Value], i: usize) -> Result<f32> {
    #[expect(clippy::cast_possible_truncation, reason = "float4 values")]
    Ok(float_arg(args, i)? as f32)
}

fn ok8(v: f64) -> Result<Value> {
    Ok(Value::Float(v))
}

fn ok4(v: f32) -> Result<Value> {
    Ok(Value::Float(f64::from(v)))
}

/// PostgreSQL's checked float arithmetic (`float8_pl`, `float4_mi`…) for one float type: an
/// infinite result from finite operands overflows, a zero result from non-zero operands
/// underflows, and division by zero (but NaN / 0) fails.
macro_rules! checked_arithmetic {
    ($t:ty: $pl:ident, $mi:ident, $mul:ident, $div:ident) => {
        pub fn $pl(a: $t, b: $t) -> Result<$t> {
            let r = a + b;
            if r.is_infinite() && !a.is_infinite() && !b.is_infinite() {
                return Err(overflow_error());
            }
            Ok(r)
        }

        pub fn $mi(a: $t, b: $t) -> Result<$t> {
            // IEEE subtraction is exactly the addition of the negation.
            $pl(a, -b)
        }

        pub fn $mul(a: $t, b: $t) -> Result<$t> {
            let r = a * b;
            if r.is_infinite() && !a.is_infinite() && !b.is_infinite() {
                return Err(overflow_error());
            }
            if r == 0.0 && a != 0.0 && b != 0.0 {
                return Err(underflow_error());
            }
            Ok(r)
        }

        pub fn $div(a: $t, b: $t) -> Result<$t> {
            if b == 0.0 && !a.is_nan() {
                return Err(SqlError::division_by_zero());
            }
            let r = a / b;
            if r.is_infinite() && !a.is_infinite() {
                return Err(overflow_error());
            }
            if r == 0.0 && a != 0.0 && !b.is_infinite() {
                return Err(underflow_error());
            }
            Ok(r)
        }
    };
}

checked_arithmetic!(f64: pl8, mi8, mul8, div8);
checked_arithmetic!(f32: pl4, mi4, mul4, div4);

macro_rules! binary {
    ($($name:ident => $get:ident, $op:ident, $ok:ident;)*) => {
        $(
            pub fn $name(_env: &Env, args: &[Value]) -> Result<Value> {
                $ok($op($get(args, 0)?, $get(args, 1)?)?)
            }
        )*
    };
}

binary! {
    float8pl => float_arg, pl8, ok8;
    float8mi => float_arg, mi8, ok8;
    float8mul => float_arg, mul8, ok8;
    float8div => float_arg, div8, ok8;
    float4pl => f4, pl4, ok4;
    float4mi => f4, mi4, ok4;
    float4mul => f4, mul4, ok4;
    float4div => f4, div4, ok4;
}

macro_rules! unary {
    ($($(#[$doc:meta])* $name:ident => $get:ident, $op:expr, $ok:ident;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(_env: &Env, args: &[Value]) -> Result<Value> {
                $ok($op($get(args, 0)?))
            }
        )*
    };
}

unary! {
    float8um => float_arg, std::ops::Neg::neg, ok8;
    float4um => f4, std::ops::Neg::neg, ok4;
    float8abs => float_arg, f64::abs, ok8;
    float4abs => f4, f32::abs, ok4;
    /// `round(float8)`: `rint`, ties to even.
    dround => float_arg, f64::round_ties_even, ok8;
    dtrunc => float_arg, f64::trunc, ok8;
    dceil => float_arg, f64::ceil, ok8;
    dfloor => float_arg, f64::floor, ok8;
}

pub fn dsign(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = float_arg(args, 0)?;
    ok8(if a > 0.0 {
        1.0
    } else if a < 0.0 {
        -1.0
    } else {
        0.0
    })
}

pub fn dsqrt(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = float_arg(args, 0)?;
    if a < 0.0 {
        return Err(SqlError::new(
            sqlstate::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
            "cannot take square root of a negative number",
        ));
    }
    let r = a.sqrt();
    check_result(r, a, 0.0)
}

pub fn dcbrt(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = float_arg(args, 0)?;
    check_result(a.cbrt(), a, 0.0)
}

/// Overflow when finite input gives an infinity; underflow when `result` is zero but the
/// input is not `zero_input`.
fn check_result(r: f64, a: f64, zero_input: f64) -> Result<Value> {
    if r.is_infinite() && !a.is_infinite() {
        return Err(overflow_error());
    }
    if r == 0.0 && a != zero_input {
        return Err(underflow_error());
    }
    ok8(r)
}

/// `dpow`: POSIX `pow` with PostgreSQL's errors.
pub fn dpow_f(a: f64, b: f64) -> Result<f64> {
    if a.is_nan() {
        return Ok(if b.is_nan() || b != 0.0 {
            f64::NAN
        } else {
            1.0
        });
    }
    if b.is_nan() {
        return Ok(if a != 1.0 { f64::NAN } else { 1.0 });
    }
    if a == 0.0 && b < 0.0 {
        return Err(SqlError::new(
            sqlstate::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
            "zero raised to a negative power is undefined",
        ));
    }
    if a < 0.0 && b.floor() != b {
        return Err(SqlError::new(
            sqlstate::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
            "a negative number raised to a non-integer power yields a complex result",
        ));
    }
    if b.is_infinite() {
        let absx = a.abs();
        return Ok(if absx == 1.0 {
            1.0
        } else if b > 0.0 {
            if absx > 1.0 { b } else { 0.0 }
        } else if absx > 1.0 {
            0.0
        } else {
            -b
        });
    }
    if a.is_infinite() {
        if b == 0.0 {
            return Ok(1.0);
        }
        if a > 0.0 {
            return Ok(if b > 0.0 { a } else { 0.0 });
        }
        let halfy = b / 2.0;
        let odd = halfy.floor() != halfy;
        return Ok(if b > 0.0 {
            if odd { a } else { -a }
        } else if odd {
            -0.0
        } else {
            0.0
        });
    }
    let r = a.powf(b);
    if r.is_infinite() {
        return Err(overflow_error());
    }
    if r == 0.0 && a != 0.0 {
        return Err(underflow_error());
    }
    Ok(r)
}

pub fn dpow(_env: &Env, args: &[Value]) -> Result<Value> {
    ok8(dpow_f(float_arg(args, 0)?, float_arg(args, 1)?)?)
}

pub fn dexp(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = float_arg(args, 0)?;
    if a.is_nan() {
        return ok8(a);
    }
    if a.is_infinite() {
        return ok8(if a > 0.0 { a } else { 0.0 });
    }
    let r = a.exp();
    if r.is_infinite() {
        return Err(overflow_error());
    }
    if r == 0.0 {
        return Err(underflow_error());
    }
    ok8(r)
}

fn log_checks(a: f64) -> Result<()> {
    if a == 0.0 {
        return Err(SqlError::new(
            sqlstate::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of zero",
        ));
    }
    if a < 0.0 {
        return Err(SqlError::new(
            sqlstate::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of a negative number",
        ));
    }
    Ok(())
}

pub fn dlog1(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = float_arg(args, 0)?;
    log_checks(a)?;
    check_result(a.ln(), a, 1.0)
}

pub fn dlog10(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = float_arg(args, 0)?;
    log_checks(a)?;
    check_result(a.log10(), a, 1.0)
}

/// Radian trigonometry: NaN passes through; an infinite input is out of range.
fn trig(args: &[Value], f: fn(f64) -> f64, check_overflow: bool) -> Result<Value> {
    let a = float_arg(args, 0)?;
    if a.is_nan() {
        return ok8(a);
    }
    if a.is_infinite() {
        return Err(input_out_of_range());
    }
    let r = f(a);
    if check_overflow && r.is_infinite() {
        return Err(overflow_error());
    }
    ok8(r)
}

pub fn dsin(_env: &Env, args: &[Value]) -> Result<Value> {
    trig(args, f64::sin, true)
}
pub fn dcos(_env: &Env, args: &[Value]) -> Result<Value> {
    trig(args, f64::cos, true)
}
pub fn dtan(_env: &Env, args: &[Value]) -> Result<Value> {
    trig(args, f64::tan, false)
}
pub fn dcot(_env: &Env, args: &[Value]) -> Result<Value> {
    trig(args, |a| 1.0 / a.tan(), false)
}

/// asin/acos: the domain is [-1, 1].
fn inverse_trig(args: &[Value], f: fn(f64) -> f64) -> Result<Value> {
    let a = float_arg(args, 0)?;
    if a.is_nan() {
        return ok8(a);
    }
    if !(-1.0..=1.0).contains(&a) {
        return Err(input_out_of_range());
    }
    ok8(f(a))
}

pub fn dasin(_env: &Env, args: &[Value]) -> Result<Value> {
    inverse_trig(args, f64::asin)
}
pub fn dacos(_env: &Env, args: &[Value]) -> Result<Value> {
    inverse_trig(args, f64::acos)
}
pub fn datan(_env: &Env, args: &[Value]) -> Result<Value> {
    ok8(float_arg(args, 0)?.atan())
}
pub fn datan2(_env: &Env, args: &[Value]) -> Result<Value> {
    let (a, b) = (float_arg(args, 0)?, float_arg(args, 1)?);
    if a.is_nan() || b.is_nan() {
        return ok8(f64::NAN);
    }
    ok8(a.atan2(b))
}

pub fn dsinh(_env: &Env, args: &[Value]) -> Result<Value> {
    ok8(float_arg(args, 0)?.sinh())
}
pub fn dcosh(_env: &Env, args: &[Value]) -> Result<Value> {
    let r = float_arg(args, 0)?.cosh();
    if r == 0.0 {
        return Err(underflow_error());
    }
    ok8(r)
}
pub fn dtanh(_env: &Env, args: &[Value]) -> Result<Value> {
    ok8(float_arg(args, 0)?.tanh())
}
/// ln 2, and 2^28 / 2^-28: the thresholds where the inverse hyperbolic functions switch to
/// their asymptotic forms.
const LN_2: f64 = std::f64::consts::LN_2;
const TWO_POW_28: f64 = 268_435_456.0;
const TWO_POW_M28: f64 = 1.0 / 268_435_456.0;

/// asinh with the classic logarithm identities (the system libm's formulas, so that the last
/// bit agrees with PostgreSQL's): log1p near zero, log of 2|x| beyond.
fn asinh(x: f64) -> f64 {
    let ax = x.abs();
    if !ax.is_finite() || ax < TWO_POW_M28 {
        return x + if ax.is_finite() { 0.0 } else { x };
    }
    let w = if ax > TWO_POW_28 {
        ax.ln() + LN_2
    } else if ax > 2.0 {
        (2.0 * ax + 1.0 / ((x * x + 1.0).sqrt() + ax)).ln()
    } else {
        let t = x * x;
        (ax + t / (1.0 + (1.0 + t).sqrt())).ln_1p()
    };
    w.copysign(x)
}

/// acosh for x >= 1 (the caller rejects smaller values).
fn acosh(x: f64) -> f64 {
    if x >= TWO_POW_28 {
        if !x.is_finite() {
            return x + x;
        }
        return x.ln() + LN_2;
    }
    if x == 1.0 {
        return 0.0;
    }
    if x > 2.0 {
        (2.0 * x - 1.0 / (x + (x * x - 1.0).sqrt())).ln()
    } else {
        let t = x - 1.0;
        (t + (2.0 * t + t * t).sqrt()).ln_1p()
    }
}

/// atanh for |x| < 1.
fn atanh(x: f64) -> f64 {
    let xa = x.abs();
    let t = if xa < 0.5 {
        if xa < TWO_POW_M28 {
            return x;
        }
        let t = xa + xa;
        0.5 * (t + t * xa / (1.0 - xa)).ln_1p()
    } else {
        0.5 * ((xa + xa) / (1.0 - xa)).ln_1p()
    };
    t.copysign(x)
}

pub fn dasinh(_env: &Env, args: &[Value]) -> Result<Value> {
    ok8(asinh(float_arg(args, 0)?))
}
pub fn dacosh(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = float_arg(args, 0)?;
    if a < 1.0 {
        return Err(input_out_of_range());
    }
    ok8(if a.is_nan() { a } else { acosh(a) })
}
pub fn datanh(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = float_arg(args, 0)?;
    // NaN passes (it compares false), as in PostgreSQL.
    if !a.is_nan() && !(-1.0..=1.0).contains(&a) {
        return Err(input_out_of_range());
    }
    ok8(if a.is_nan() {
        a
    } else if a == -1.0 {
        f64::NEG_INFINITY
    } else if a == 1.0 {
        f64::INFINITY
    } else {
        atanh(a)
    })
}

/// PostgreSQL's `RADIANS_PER_DEGREE`.
const RADIANS_PER_DEGREE: f64 = 0.017_453_292_519_943_295;

/// The scaling constants of the degree functions, computed at run time with the same libm as
/// the functions themselves (so 30, 45, 60 and 90 degrees come out exact).
struct DegreeConsts {
    sin_30: f64,
    one_minus_cos_60: f64,
    asin_0_5: f64,
    acos_0_5: f64,
    atan_1_0: f64,
    tan_45: f64,
    cot_45: f64,
}

fn degree_consts() -> DegreeConsts {
    let thirty = std::hint::black_box(30.0f64);
    let sixty = std::hint::black_box(60.0f64);
    let half = std::hint::black_box(0.5f64);
    let one = std::hint::black_box(1.0f64);
    let mut c = DegreeConsts {
        sin_30: (thirty * RADIANS_PER_DEGREE).sin(),
        one_minus_cos_60: 1.0 - (sixty * RADIANS_PER_DEGREE).cos(),
        asin_0_5: half.asin(),
        acos_0_5: half.acos(),
        atan_1_0: one.atan(),
        tan_45: 0.0,
        cot_45: 0.0,
    };
    let forty_five = std::hint::black_box(45.0f64);
    c.tan_45 = sind_q1(&c, forty_five) / cosd_q1(&c, forty_five);
    c.cot_45 = cosd_q1(&c, forty_five) / sind_q1(&c, forty_five);
    c
}

fn sind_0_to_30(c: &DegreeConsts, x: f64) -> f64 {
    let sin_x = (x * RADIANS_PER_DEGREE).sin();
    (sin_x / c.sin_30) / 2.0
}

fn cosd_0_to_60(c: &DegreeConsts, x: f64) -> f64 {
    let one_minus_cos_x = 1.0 - (x * RADIANS_PER_DEGREE).cos();
    1.0 - (one_minus_cos_x / c.one_minus_cos_60) / 2.0
}

fn sind_q1(c: &DegreeConsts, x: f64) -> f64 {
    if x <= 30.0 {
        sind_0_to_30(c, x)
    } else {
        cosd_0_to_60(c, 90.0 - x)
    }
}

fn cosd_q1(c: &DegreeConsts, x: f64) -> f64 {
    if x <= 60.0 {
        cosd_0_to_60(c, x)
    } else {
        sind_0_to_30(c, 90.0 - x)
    }
}

fn asind_q1(c: &DegreeConsts, x: f64) -> f64 {
    if x <= 0.5 {
        (x.asin() / c.asin_0_5) * 30.0
    } else {
        90.0 - (x.acos() / c.acos_0_5) * 60.0
    }
}

fn acosd_q1(c: &DegreeConsts, x: f64) -> f64 {
    if x <= 0.5 {
        90.0 - (x.asin() / c.asin_0_5) * 30.0
    } else {
        (x.acos() / c.acos_0_5) * 60.0
    }
}

/// The argument of a degree function reduced to [0, 360) by `fmod`, or the errors.
fn degree_arg(args: &[Value]) -> Result<std::result::Result<f64, f64>> {
    let a = float_arg(args, 0)?;
    if a.is_nan() {
        return Ok(Err(a));
    }
    if a.is_infinite() {
        return Err(input_out_of_range());
    }
    Ok(Ok(a % 360.0))
}

/// A degree function from its first-quadrant form `q1(consts, angle in [0, 90], sign)`: the
/// angle is folded into [0, 90] (negated, reflected about 180, reflected about 90), and
/// `flips` says at which of these folds the function's value changes sign.
fn degree_fn(
    args: &[Value],
    flips: [bool; 3],
    q1: impl Fn(&DegreeConsts, f64, f64) -> f64,
) -> Result<Value> {
    let mut a = match degree_arg(args)? {
        Ok(a) => a,
        Err(nan) => return ok8(nan),
    };
    let [when_negative, past_180, past_90] = flips;
    let mut sign = 1.0;
    if a < 0.0 {
        a = -a;
        if when_negative {
            sign = -sign;
        }
    }
    if a > 180.0 {
        a = 360.0 - a;
        if past_180 {
            sign = -sign;
        }
    }
    if a > 90.0 {
        a = 180.0 - a;
        if past_90 {
            sign = -sign;
        }
    }
    ok8(q1(&degree_consts(), a, sign))
}

/// `r`, with -0 as 0.
fn unsigned_zero(r: f64) -> f64 {
    if r == 0.0 { 0.0 } else { r }
}

pub fn dsind(_env: &Env, args: &[Value]) -> Result<Value> {
    degree_fn(args, [true, true, false], |c, a, sign| sign * sind_q1(c, a))
}

pub fn dcosd(_env: &Env, args: &[Value]) -> Result<Value> {
    degree_fn(args, [false, false, true], |c, a, sign| {
        sign * cosd_q1(c, a)
    })
}

pub fn dtand(_env: &Env, args: &[Value]) -> Result<Value> {
    degree_fn(args, [true, true, true], |c, a, sign| {
        unsigned_zero(sign * (sind_q1(c, a) / cosd_q1(c, a) / c.tan_45))
    })
}

pub fn dcotd(_env: &Env, args: &[Value]) -> Result<Value> {
    degree_fn(args, [true, true, true], |c, a, sign| {
        unsigned_zero(sign * (cosd_q1(c, a) / sind_q1(c, a) / c.cot_45))
    })
}

/// An inverse degree function: NaN passes through, an argument outside [-1, 1] is out of
/// range, and `f(consts, x)` gives the angle.
fn inverse_degree_fn(args: &[Value], f: impl Fn(&DegreeConsts, f64) -> f64) -> Result<Value> {
    let a = float_arg(args, 0)?;
    if a.is_nan() {
        return ok8(a);
    }
    if !(-1.0..=1.0).contains(&a) {
        return Err(input_out_of_range());
    }
    ok8(f(&degree_consts(), a))
}

pub fn dasind(_env: &Env, args: &[Value]) -> Result<Value> {
    inverse_degree_fn(args, |c, a| {
        if a >= 0.0 {
            asind_q1(c, a)
        } else {
            -asind_q1(c, -a)
        }
    })
}

pub fn dacosd(_env: &Env, args: &[Value]) -> Result<Value> {
    inverse_degree_fn(args, |c, a| {
        if a >= 0.0 {
            acosd_q1(c, a)
        } else {
            90.0 + asind_q1(c, -a)
        }
    })
}

pub fn datand(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = float_arg(args, 0)?;
    if a.is_nan() {
        return ok8(a);
    }
    let c = degree_consts();
    ok8((a.atan() / c.atan_1_0) * 45.0)
}

pub fn datan2d(_env: &Env, args: &[Value]) -> Result<Value> {
    let (a, b) = (float_arg(args, 0)?, float_arg(args, 1)?);
    if a.is_nan() || b.is_nan() {
        return ok8(f64::NAN);
    }
    let c = degree_consts();
    ok8((a.atan2(b) / c.atan_1_0) * 45.0)
}

pub fn degrees(_env: &Env, args: &[Value]) -> Result<Value> {
    ok8(div8(float_arg(args, 0)?, RADIANS_PER_DEGREE)?)
}
pub fn radians(_env: &Env, args: &[Value]) -> Result<Value> {
    ok8(mul8(float_arg(args, 0)?, RADIANS_PER_DEGREE)?)
}
pub fn dpi(_env: &Env, _args: &[Value]) -> Result<Value> {
    ok8(std::f64::consts::PI)
}

thread_local! {
    /// The session's `random()` state (xoroshiro128**), seeded on first use.
    static PRNG: Cell<Option<(u64, u64)>> = const { Cell::new(None) };
}

/// The session ended: the next `random()` is seeded afresh, whatever `setseed` did before.
pub fn forget_random_state() {
    PRNG.with(|p| p.set(None));
}

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut v = *state;
    v = (v ^ (v >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    v = (v ^ (v >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    v ^ (v >> 31)
}

fn seed_state(mut seed: u64) -> (u64, u64) {
    let s0 = splitmix64(&mut seed);
    let s1 = splitmix64(&mut seed);
    if s0 == 0 && s1 == 0 {
        (0x5851_F42D_4C95_7F2D, 0x1405_7B7E_F767_814F)
    } else {
        (s0, s1)
    }
}

fn os_seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    h.finish()
}

/// `random()`: uniform in [0, 1) from the session's generator.
pub fn drandom(_env: &Env, _args: &[Value]) -> Result<Value> {
    let v = PRNG.with(|p| {
        let (s0, s1) = p.get().unwrap_or_else(|| seed_state(os_seed()));
        let sx = s1 ^ s0;
        let val = s0.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        p.set(Some((
            s0.rotate_left(24) ^ sx ^ (sx << 16),
            sx.rotate_left(37),
        )));
        val
    });
    #[expect(clippy::cast_precision_loss, reason = "52 bits convert exactly")]
    let f = (v >> 12) as f64 / (1u64 << 52) as f64;
    ok8(f)
}

/// `setseed(float8)`: reseeds the session's generator.
pub fn setseed(_env: &Env, args: &[Value]) -> Result<Value> {
    let seed = float_arg(args, 0)?;
    if !(-1.0..=1.0).contains(&seed) {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!(
                "setseed parameter {} is out of allowed range [-1,1]",
                format_g(seed, 6)
            ),
        ));
    }
    #[expect(clippy::cast_precision_loss, reason = "PostgreSQL's 52-bit scale")]
    let scaled = ((1u64 << 52) - 1) as f64 * seed;
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "as in C"
    )]
    let iseed = scaled as i64 as u64;
    PRNG.with(|p| p.set(Some(seed_state(iseed))));
    Ok(Value::void())
}

pub(super) fn width_bucket_error(message: &str) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION,
        message,
    )
}

/// The checks `width_bucket` makes first, whatever the operand type: a positive bucket count
/// and no NaN among the operand and bounds.
pub(super) fn width_bucket_checks(count: i64, any_nan: bool) -> Result<()> {
    if count <= 0 {
        return Err(width_bucket_error("count must be greater than zero"));
    }
    if any_nan {
        return Err(width_bucket_error(
            "operand, lower bound, and upper bound cannot be NaN",
        ));
    }
    Ok(())
}

/// `width_bucket(float8, float8, float8, int4)`.
pub fn width_bucket_float8(_env: &Env, args: &[Value]) -> Result<Value> {
    let operand = float_arg(args, 0)?;
    let b1 = float_arg(args, 1)?;
    let b2 = float_arg(args, 2)?;
    let count = int_arg(args, 3)?;
    width_bucket_checks(count, operand.is_nan() || b1.is_nan() || b2.is_nan())?;
    if b1.is_infinite() || b2.is_infinite() {
        return Err(width_bucket_error("lower and upper bounds must be finite"));
    }
    let over = || {
        i32::try_from(count + 1)
            .map(|v| Value::Int(i64::from(v)))
            .map_err(|_| SqlError::out_of_range("integer out of range"))
    };
    #[expect(clippy::cast_precision_loss, reason = "an int32 count")]
    let c = count as f64;
    // C's (int32) conversion on x86-64: out of range (an infinite quotient) gives INT_MIN.
    #[expect(clippy::cast_possible_truncation, reason = "range checked")]
    let bucket = |x: f64| {
        let t = x.trunc();
        Value::Int(if (-2_147_483_648.0..2_147_483_648.0).contains(&t) {
            i64::from(t as i32)
        } else {
            i64::from(i32::MIN)
        })
    };
    if b1 < b2 {
        if operand < b1 {
            Ok(Value::Int(0))
        } else if operand >= b2 {
            over()
        } else {
            Ok(bucket(c * (operand - b1) / (b2 - b1) + 1.0))
        }
    } else if b1 > b2 {
        if operand > b1 {
            Ok(Value::Int(0))
        } else if operand <= b2 {
            over()
        } else {
            Ok(bucket(c * (b1 - operand) / (b1 - b2) + 1.0))
        }
    } else {
        Err(width_bucket_error("lower bound cannot equal upper bound"))
    }
}

/// int → float8 (and float4 → float8: the stored value already is one).
pub fn to_float8(_env: &Env, args: &[Value]) -> Result<Value> {
    ok8(float_arg(args, 0)?)
}

/// int2/int4/int8 → float4: rounded once, from the integer.
pub fn int_to_float4(_env: &Env, args: &[Value]) -> Result<Value> {
    #[expect(clippy::cast_precision_loss, reason = "C's (float4) conversion")]
    let f = int_arg(args, 0)? as f32;
    ok4(f)
}

/// float8 → float4 (`dtof`).
pub fn dtof(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = float_arg(args, 0)?;
    #[expect(clippy::cast_possible_truncation, reason = "C's (float4) conversion")]
    let r = a as f32;
    if r.is_infinite() && !a.is_infinite() {
        return Err(overflow_error());
    }
    if r == 0.0 && a != 0.0 {
        return Err(underflow_error());
    }
    ok4(r)
}

/// A float already rounded to an integer → int2/int4/int8, with the target's range check
/// (NaN is out of range).
fn rounded_to_int(a: f64, kind: super::int::IntKind) -> Result<Value> {
    // The bounds PostgreSQL uses: [min, -min) — exactly representable in a double (and in a
    // float4, so a float4 compares the same widened).
    #[expect(clippy::cast_precision_loss, reason = "powers of two")]
    let (lo, hi) = (kind.min() as f64, -(kind.min() as f64));
    if a.is_nan() || a < lo || a >= hi {
        return Err(kind.range_error());
    }
    #[expect(clippy::cast_possible_truncation, reason = "range checked")]
    Ok(Value::Int(a as i64))
}

/// float8 → int: `rint`, then the range check.
fn float_to_int(args: &[Value], kind: super::int::IntKind) -> Result<Value> {
    rounded_to_int(float_arg(args, 0)?.round_ties_even(), kind)
}

/// float4 → int: `rint` in single precision, then the range check.
fn float4_to_int(args: &[Value], kind: super::int::IntKind) -> Result<Value> {
    rounded_to_int(f64::from(f4(args, 0)?.round_ties_even()), kind)
}

macro_rules! to_int {
    ($($name:ident => $convert:ident, $kind:ident;)*) => {
        $(
            pub fn $name(_env: &Env, args: &[Value]) -> Result<Value> {
                $convert(args, super::int::IntKind::$kind)
            }
        )*
    };
}

to_int! {
    float_to_i2 => float_to_int, I2;
    float_to_i4 => float_to_int, I4;
    float_to_i8 => float_to_int, I8;
    float4_to_i2 => float4_to_int, I2;
    float4_to_i4 => float4_to_int, I4;
    float4_to_i8 => float4_to_int, I8;
}
