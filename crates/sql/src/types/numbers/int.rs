//! Integers: int2, int4, int8 and oid (with the reg* types, which are oids) — text and binary
//! input/output, arithmetic with PostgreSQL's overflow errors, bitwise operators, gcd/lcm and
//! the casts among integer types, oids and bool.
//!
//! Storage: every integer type is an SQLite INTEGER holding the value itself; an oid holds its
//! unsigned 32-bit value (0‥4294967295), so an int4 → oid cast maps -1 to 4294967295 as
//! PostgreSQL's binary cast does. Every function here returns a value inside its result type's
//! range or PostgreSQL's 22003 error for that type.

use super::{int_arg, value_error};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::types::Type;
use crate::value::Value;

/// An integer type's width.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IntKind {
    I2,
    I4,
    I8,
}

impl IntKind {
    pub fn of(ty: Type) -> IntKind {
        match ty {
            Type::INT2 => IntKind::I2,
            Type::INT8 => IntKind::I8,
            _ => IntKind::I4,
        }
    }

    /// The type name PostgreSQL's messages use.
    pub fn sql_name(self) -> &'static str {
        match self {
            IntKind::I2 => "smallint",
            IntKind::I4 => "integer",
            IntKind::I8 => "bigint",
        }
    }

    pub fn min(self) -> i64 {
        match self {
            IntKind::I2 => i64::from(i16::MIN),
            IntKind::I4 => i64::from(i32::MIN),
            IntKind::I8 => i64::MIN,
        }
    }

    pub fn max(self) -> i64 {
        match self {
            IntKind::I2 => i64::from(i16::MAX),
            IntKind::I4 => i64::from(i32::MAX),
            IntKind::I8 => i64::MAX,
        }
    }

    /// 22003 `smallint out of range` / `integer out of range` / `bigint out of range`.
    pub fn range_error(self) -> SqlError {
        SqlError::out_of_range(format!("{} out of range", self.sql_name()))
    }

    /// `v` if it fits, else the range error.
    pub fn check(self, v: i128) -> Result<Value> {
        match i64::try_from(v) {
            Ok(v) if v >= self.min() && v <= self.max() => Ok(Value::Int(v)),
            _ => Err(self.range_error()),
        }
    }
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The index of the first byte from `i` on that is not C white space.
fn skip_c_space(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_c_space(b[i]) {
        i += 1;
    }
    i
}

/// Leading C white space and an optional sign: (whether it is `-`, the index after them).
fn leading_sign(b: &[u8]) -> (bool, usize) {
    let i = skip_c_space(b, 0);
    match b.get(i) {
        Some(b'-') => (true, i + 1),
        Some(b'+') => (false, i + 1),
        _ => (false, i),
    }
}

/// `int2in` / `int4in` / `int8in` (PostgreSQL's `pg_strtoint*`).
pub fn int_in(ty: Type, s: &str) -> Result<Value> {
    let kind = IntKind::of(ty);
    let b = s.as_bytes();
    let invalid = || SqlError::invalid_input(kind.sql_name(), s);
    let (neg, mut i) = leading_sign(b);
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let out_of_range = || {
        SqlError::out_of_range(format!(
            "value \"{s}\" is out of range for type {}",
            kind.sql_name()
        ))
    };
    // Accumulate negatively so the most negative value fits.
    let mut v: i64 = 0;
    while let Some(&c) = b.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_sub(i64::from(c - b'0')))
            .filter(|v| *v >= kind.min())
            .ok_or_else(out_of_range)?;
        i += 1;
    }
    i = skip_c_space(b, i);
    if i != b.len() {
        return Err(invalid());
    }
    if !neg {
        v = v
            .checked_neg()
            .filter(|v| *v <= kind.max())
            .ok_or_else(out_of_range)?;
    }
    Ok(Value::Int(v))
}

/// `oidin` (and the numeric forms of the reg* types): `strtoul` with PostgreSQL's checks; a
/// minus sign wraps (`-1` is 4294967295).
pub fn oid_in(s: &str) -> Result<Value> {
    let b = s.as_bytes();
    let invalid = || SqlError::invalid_input("oid", s);
    let out_of_range =
        || SqlError::out_of_range(format!("value \"{s}\" is out of range for type oid"));
    let (neg, mut i) = leading_sign(b);
    let start = i;
    let mut v: u64 = 0;
    let mut overflowed = false;
    while let Some(&c) = b.get(i) {
        if !c.is_ascii_digit() {
            break;
        }
        match v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(c - b'0')))
        {
            Some(n) => v = n,
            None => overflowed = true,
        }
        i += 1;
    }
    if i == start {
        return Err(invalid());
    }
    if overflowed {
        return Err(out_of_range());
    }
    i = skip_c_space(b, i);
    if i != b.len() {
        return Err(invalid());
    }
    let cvt = if neg { v.wrapping_neg() } else { v };
    #[expect(
        clippy::cast_possible_truncation,
        reason = "uint32 conversion, checked below"
    )]
    let result = cvt as u32;
    #[expect(clippy::cast_possible_wrap, reason = "sign extension as in C")]
    let sign_extended = i64::from(result as i32) as u64;
    if cvt != u64::from(result) && cvt != sign_extended {
        return Err(out_of_range());
    }
    Ok(Value::Int(i64::from(result)))
}

/// `int*out` / `oidout`.
pub fn int_out(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        other => crate::types::text::text_out(other),
    }
}

fn send_width(ty: Type) -> usize {
    match ty {
        Type::INT2 => 2,
        Type::INT8 => 8,
        _ => 4,
    }
}

/// `int*send` / `oidsend`: big-endian two's complement (oid: unsigned).
pub fn int_send(ty: Type, v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    let i = int_value(v)?;
    match send_width(ty) {
        2 => buf.extend_from_slice(
            &i16::try_from(i)
                .map_err(|_| IntKind::I2.range_error())?
                .to_be_bytes(),
        ),
        8 => buf.extend_from_slice(&i.to_be_bytes()),
        _ => {
            if ty == Type::INT4 {
                let v = i32::try_from(i).map_err(|_| IntKind::I4.range_error())?;
                buf.extend_from_slice(&v.to_be_bytes());
            } else {
                // An oid: its unsigned value (a negative one written by hand wraps).
                #[expect(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "oid wrap"
                )]
                let v = i as u32;
                buf.extend_from_slice(&v.to_be_bytes());
            }
        }
    }
    Ok(())
}

/// `int*recv` / `oidrecv`.
pub fn int_recv(ty: Type, bytes: &[u8]) -> Result<Value> {
    let width = send_width(ty);
    if bytes.len() < width {
        return Err(SqlError::new(
            sqlstate::INVALID_BINARY_REPRESENTATION,
            "insufficient data left in message",
        ));
    }
    if bytes.len() > width {
        return Err(SqlError::new(
            sqlstate::INVALID_BINARY_REPRESENTATION,
            "incorrect binary data format",
        ));
    }
    let v = match (width, bytes) {
        (2, &[a, b]) => i64::from(i16::from_be_bytes([a, b])),
        (4, &[a, b, c, d]) if ty == Type::INT4 => i64::from(i32::from_be_bytes([a, b, c, d])),
        (4, &[a, b, c, d]) => i64::from(u32::from_be_bytes([a, b, c, d])),
        (8, &[a, b, c, d, e, f, g, h]) => i64::from_be_bytes([a, b, c, d, e, f, g, h]),
        _ => return Err(value_error("integer")),
    };
    Ok(Value::Int(v))
}

fn int_value(v: &Value) -> Result<i64> {
    match v {
        Value::Int(i) => Ok(*i),
        #[expect(clippy::cast_possible_truncation, reason = "an integral REAL")]
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(*f as i64),
        _ => Err(value_error("integer")),
    }
}

fn two(args: &[Value]) -> Result<(i128, i128)> {
    Ok((i128::from(int_arg(args, 0)?), i128::from(int_arg(args, 1)?)))
}

macro_rules! arith {
    ($($name:ident => $kind:expr, $op:tt;)*) => {
        $(
            pub fn $name(_env: &Env, args: &[Value]) -> Result<Value> {
                let (a, b) = two(args)?;
                $kind.check(a $op b)
            }
        )*
    };
}

arith! {
    add_i2 => IntKind::I2, +;
    add_i4 => IntKind::I4, +;
    add_i8 => IntKind::I8, +;
    sub_i2 => IntKind::I2, -;
    sub_i4 => IntKind::I4, -;
    sub_i8 => IntKind::I8, -;
    mul_i2 => IntKind::I2, *;
    mul_i4 => IntKind::I4, *;
    mul_i8 => IntKind::I8, *;
}

fn divide(kind: IntKind, args: &[Value]) -> Result<Value> {
    let (a, b) = two(args)?;
    if b == 0 {
        return Err(SqlError::division_by_zero());
    }
    kind.check(a / b)
}

pub fn div_i2(_env: &Env, args: &[Value]) -> Result<Value> {
    divide(IntKind::I2, args)
}
pub fn div_i4(_env: &Env, args: &[Value]) -> Result<Value> {
    divide(IntKind::I4, args)
}
pub fn div_i8(_env: &Env, args: &[Value]) -> Result<Value> {
    divide(IntKind::I8, args)
}

/// `%` and `mod()`: the remainder of truncated division (sign of the dividend).
pub fn modulo(_env: &Env, args: &[Value]) -> Result<Value> {
    let (a, b) = two(args)?;
    if b == 0 {
        return Err(SqlError::division_by_zero());
    }
    // In i128 the remainder of any two int8 values is defined and in range.
    Ok(Value::Int(i64::try_from(a % b).unwrap_or(0)))
}

fn negate(kind: IntKind, args: &[Value]) -> Result<Value> {
    kind.check(-i128::from(int_arg(args, 0)?))
}
pub fn neg_i2(_env: &Env, args: &[Value]) -> Result<Value> {
    negate(IntKind::I2, args)
}
pub fn neg_i4(_env: &Env, args: &[Value]) -> Result<Value> {
    negate(IntKind::I4, args)
}
pub fn neg_i8(_env: &Env, args: &[Value]) -> Result<Value> {
    negate(IntKind::I8, args)
}

fn absolute(kind: IntKind, args: &[Value]) -> Result<Value> {
    kind.check(i128::from(int_arg(args, 0)?).abs())
}
pub fn abs_i2(_env: &Env, args: &[Value]) -> Result<Value> {
    absolute(IntKind::I2, args)
}
pub fn abs_i4(_env: &Env, args: &[Value]) -> Result<Value> {
    absolute(IntKind::I4, args)
}
pub fn abs_i8(_env: &Env, args: &[Value]) -> Result<Value> {
    absolute(IntKind::I8, args)
}

pub fn bit_and(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(int_arg(args, 0)? & int_arg(args, 1)?))
}
pub fn bit_or(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(int_arg(args, 0)? | int_arg(args, 1)?))
}
pub fn bit_xor(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(int_arg(args, 0)? ^ int_arg(args, 1)?))
}
pub fn bit_not(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(!int_arg(args, 0)?))
}

/// Shifts as PostgreSQL's C code does them on x86-64: the count is taken modulo the width of
/// the (promoted) operand, and the result is truncated to the type.
fn shift(kind: IntKind, args: &[Value], left: bool) -> Result<Value> {
    let a = int_arg(args, 0)?;
    #[expect(clippy::cast_sign_loss, reason = "masked shift count")]
    let n = int_arg(args, 1)? as u32;
    let v = match kind {
        IntKind::I8 => {
            if left {
                a.wrapping_shl(n)
            } else {
                a.wrapping_shr(n)
            }
        }
        _ => {
            #[expect(clippy::cast_possible_truncation, reason = "int2/int4 operand")]
            let a32 = a as i32;
            let r = if left {
                a32.wrapping_shl(n)
            } else {
                a32.wrapping_shr(n)
            };
            if kind == IntKind::I2 {
                #[expect(clippy::cast_possible_truncation, reason = "C's (int16) conversion")]
                let r16 = r as i16;
                i64::from(r16)
            } else {
                i64::from(r)
            }
        }
    };
    Ok(Value::Int(v))
}
pub fn shl_i2(_env: &Env, args: &[Value]) -> Result<Value> {
    shift(IntKind::I2, args, true)
}
pub fn shl_i4(_env: &Env, args: &[Value]) -> Result<Value> {
    shift(IntKind::I4, args, true)
}
pub fn shl_i8(_env: &Env, args: &[Value]) -> Result<Value> {
    shift(IntKind::I8, args, true)
}
pub fn shr_i2(_env: &Env, args: &[Value]) -> Result<Value> {
    shift(IntKind::I2, args, false)
}
pub fn shr_i4(_env: &Env, args: &[Value]) -> Result<Value> {
    shift(IntKind::I4, args, false)
}
pub fn shr_i8(_env: &Env, args: &[Value]) -> Result<Value> {
    shift(IntKind::I8, args, false)
}

fn gcd_u(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

fn gcd_of(kind: IntKind, args: &[Value]) -> Result<Value> {
    let (a, b) = two(args)?;
    kind.check(i128::try_from(gcd_u(a.unsigned_abs(), b.unsigned_abs())).unwrap_or(i128::MAX))
}
pub fn gcd_i4(_env: &Env, args: &[Value]) -> Result<Value> {
    gcd_of(IntKind::I4, args)
}
pub fn gcd_i8(_env: &Env, args: &[Value]) -> Result<Value> {
    gcd_of(IntKind::I8, args)
}

fn lcm_of(kind: IntKind, args: &[Value]) -> Result<Value> {
    let (a, b) = two(args)?;
    if a == 0 || b == 0 {
        return Ok(Value::Int(0));
    }
    let g = gcd_u(a.unsigned_abs(), b.unsigned_abs());
    // gcd itself must fit the type (gcd(INT_MIN, INT_MIN) does not).
    kind.check(i128::try_from(g).unwrap_or(i128::MAX))?;
    let l = (a.unsigned_abs() / g).checked_mul(b.unsigned_abs());
    kind.check(l.and_then(|l| i128::try_from(l).ok()).unwrap_or(i128::MAX))
}
pub fn lcm_i4(_env: &Env, args: &[Value]) -> Result<Value> {
    lcm_of(IntKind::I4, args)
}
pub fn lcm_i8(_env: &Env, args: &[Value]) -> Result<Value> {
    lcm_of(IntKind::I8, args)
}

/// Casts between integer widths (`int8 → int4` etc.) with the target's range check.
pub fn to_i2(_env: &Env, args: &[Value]) -> Result<Value> {
    IntKind::I2.check(i128::from(int_arg(args, 0)?))
}
pub fn to_i4(_env: &Env, args: &[Value]) -> Result<Value> {
    IntKind::I4.check(i128::from(int_arg(args, 0)?))
}
pub fn to_i8(_env: &Env, args: &[Value]) -> Result<Value> {
    IntKind::I8.check(i128::from(int_arg(args, 0)?))
}

/// int2/int4 → oid (and reg*): the 32-bit pattern read as unsigned.
pub fn i4_to_oid(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = int_arg(args, 0)?;
    let v32 = i32::try_from(v).map_err(|_| IntKind::I4.range_error())?;
    #[expect(clippy::cast_sign_loss, reason = "the binary cast's bit pattern")]
    Ok(Value::Int(i64::from(v32 as u32)))
}

/// oid (and reg*) → int4: the 32-bit pattern read as signed.
pub fn oid_to_i4(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = int_arg(args, 0)?;
    #[expect(
        clippy::cast_possible_truncation,
        reason = "the binary cast's bit pattern"
    )]
    Ok(Value::Int(i64::from(v as u32 as i32)))
}

/// int8 → oid: `OID out of range` outside 0‥4294967295.
pub fn i8_to_oid(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = int_arg(args, 0)?;
    if !(0..=i64::from(u32::MAX)).contains(&v) {
        return Err(SqlError::out_of_range("OID out of range"));
    }
    Ok(Value::Int(v))
}

/// int4 → bool: any nonzero value is true.
pub fn i4_to_bool(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(i64::from(int_arg(args, 0)? != 0)))
}
