//! Value input and output by type: text in and out (`typinput`/`typoutput`), binary in and out
//! (`typreceive`/`typsend`), and coercion to a type modifier (`varchar(10)`, `numeric(10,2)`,
//! `timestamp(3)`). One dispatch per direction; the per-type code lives in the type's module.
//!
//! Invariants: `input` and `recv` return the type's storage form (module doc of `types`) or
//! PostgreSQL's error (22P02, 22003, 22007, 22008, 22P03…); `output` never fails: a stored
//! value of an unexpected storage class (written by something other than minipg) is shown in
//! the nearest faithful form.

use super::{Type, Typmod, array, bytea, datetime, json, numbers, text};
use crate::env::Env;
use crate::error::{Result, SqlError};
use crate::value::Value;

/// int2, int4 and int8.
fn is_integer(t: Type) -> bool {
    matches!(t, Type::INT2 | Type::INT4 | Type::INT8)
}

/// oid and the reg* types: stored as the OID, an unsigned 32-bit integer.
fn is_oid(t: Type) -> bool {
    matches!(
        t,
        Type::OID
            | Type::REGPROC
            | Type::REGCLASS
            | Type::REGTYPE
            | Type::REGNAMESPACE
            | Type::REGROLE
    )
}

/// `typinput`: PostgreSQL's text form of a `ty` value → its storage form, coerced to `typmod`.
pub fn input(ty: Type, env: &Env, s: &str, typmod: Typmod) -> Result<Value> {
    if let Some(elem) = ty.elem() {
        return array::array_in(env, elem, s, typmod);
    }
    match ty {
        Type::BOOL => text::bool_in(s),
        t if is_integer(t) => numbers::int_in(ty, s),
        t if is_oid(t) => numbers::oid_in(s),
        Type::FLOAT4 | Type::FLOAT8 => numbers::float_in(ty, s).map(super::to_stored),
        Type::NUMERIC => numbers::numeric_in(s, typmod),
        Type::TEXT
        | Type::NAME
        | Type::CHAR
        | Type::UNKNOWN
        | Type::INT2VECTOR
        | Type::OIDVECTOR => text::text_in(ty, s),
        Type::VARCHAR | Type::BPCHAR => {
            text::text_in(ty, s).and_then(|v| apply_typmod(ty, env, v, typmod, false))
        }
        Type::BYTEA => bytea::bytea_in(s),
        Type::UUID => text::uuid_in(s),
        Type::DATE => datetime::date_in(env, s),
        Type::TIME => datetime::time_in(env, s, typmod),
        Type::TIMESTAMP => datetime::timestamp_in(env, s, typmod),
        Type::TIMESTAMPTZ => datetime::timestamptz_in(env, s, typmod),
        Type::INTERVAL => datetime::interval_in(env, s, typmod),
        Type::JSON => json::json_in(s),
        Type::JSONB => json::jsonb_in(s),
        // void_in: any text is the void value.
        Type::VOID => Ok(Value::void()),
        _ => Err(SqlError::not_supported(format!(
            "input of type {} is not supported",
            ty.name()
        ))),
    }
}

/// `typoutput`: a stored `ty` value → PostgreSQL's text form. `None` for NULL.
pub fn output(ty: Type, env: &Env, v: &Value) -> Option<String> {
    if v.is_null() {
        return None;
    }
    if let Some(elem) = ty.elem() {
        return Some(array::array_out(env, elem, v));
    }
    Some(match ty {
        Type::VOID => String::new(),
        Type::REGTYPE => match v.as_int().and_then(|i| u32::try_from(i).ok()) {
            Some(oid) if Type::lookup(oid).is_some() => super::format_type(Type(oid), -1),
            _ => numbers::int_out(v),
        },
        Type::BOOL => text::bool_out(v),
        t if is_integer(t) || is_oid(t) => numbers::int_out(v),
        Type::FLOAT4 | Type::FLOAT8 => numbers::float_out(ty, env, v),
        Type::NUMERIC => numbers::numeric_out(v),
        Type::BYTEA => bytea::bytea_out(env, v),
        Type::DATE => datetime::date_out(env, v),
        Type::TIME => datetime::time_out(env, v),
        Type::TIMESTAMP => datetime::timestamp_out(env, v),
        Type::TIMESTAMPTZ => datetime::timestamptz_out(env, v),
        Type::INTERVAL => datetime::interval_out(env, v),
        Type::CHAR => text::char_out(v),
        _ => text::text_out(v),
    })
}

/// `typsend`: appends the binary form of a stored `ty` value to `buf`.
pub fn send(ty: Type, env: &Env, v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    if let Some(elem) = ty.elem() {
        return array::array_send(env, elem, v, buf);
    }
    match ty {
        Type::BOOL => text::bool_send(v, buf),
        t if is_integer(t) || is_oid(t) => numbers::int_send(ty, v, buf),
        Type::FLOAT4 | Type::FLOAT8 => numbers::float_send(ty, &super::float_loaded(v), buf),
        Type::NUMERIC => numbers::numeric_send(v, buf),
        Type::BYTEA => bytea::bytea_send(v, buf),
        Type::UUID => text::uuid_send(v, buf),
        Type::DATE => datetime::date_send(v, buf),
        Type::TIME => datetime::time_send(v, buf),
        Type::TIMESTAMP | Type::TIMESTAMPTZ => datetime::timestamp_send(v, buf),
        Type::INTERVAL => datetime::interval_send(v, buf),
        Type::JSONB => json::jsonb_send(v, buf),
        Type::CHAR => text::char_send(v, buf),
        _ => text::text_send(v, buf),
    }
}

/// `typreceive`: the binary form of a `ty` value → its storage form, coerced to `typmod`.
pub fn recv(ty: Type, env: &Env, bytes: &[u8], typmod: Typmod) -> Result<Value> {
    if let Some(elem) = ty.elem() {
        return array::array_recv(env, elem, bytes, typmod);
    }
    match ty {
        Type::BOOL => text::bool_recv(bytes),
        t if is_integer(t) || is_oid(t) => numbers::int_recv(ty, bytes),
        Type::FLOAT4 | Type::FLOAT8 => numbers::float_recv(ty, bytes).map(super::to_stored),
        Type::NUMERIC => numbers::numeric_recv(bytes, typmod),
        Type::BYTEA => Ok(Value::Bytes(bytes.to_vec())),
        Type::UUID => text::uuid_recv(bytes),
        Type::DATE => datetime::date_recv(bytes),
        Type::TIME => datetime::time_recv(bytes, typmod),
        Type::TIMESTAMP | Type::TIMESTAMPTZ => datetime::timestamp_recv(bytes, typmod),
        Type::INTERVAL => datetime::interval_recv(bytes, typmod),
        Type::JSONB => json::jsonb_recv(bytes),
        Type::JSON => json::json_in(&text::utf8(bytes)?),
        Type::CHAR => text::char_recv(bytes),
        Type::VARCHAR | Type::BPCHAR => {
            let v = text::text_in(ty, &text::utf8(bytes)?)?;
            apply_typmod(ty, env, v, typmod, false)
        }
        _ => text::text_in(ty, &text::utf8(bytes)?),
    }
}

/// Coerces a stored value to `typmod` (PostgreSQL's length-coercion functions): `explicit` is
/// a cast (`varchar(3)` truncates), otherwise an assignment (too long is 22001).
pub fn apply_typmod(
    ty: Type,
    env: &Env,
    v: Value,
    typmod: Typmod,
    explicit: bool,
) -> Result<Value> {
    if typmod < 0 || v.is_null() {
        return Ok(v);
    }
    if let Some(elem) = ty.elem() {
        return array::array_typmod(env, elem, v, typmod, explicit);
    }
    match ty {
        Type::VARCHAR | Type::BPCHAR => text::char_typmod(ty, v, typmod, explicit),
        Type::NUMERIC => numbers::numeric_typmod(v, typmod),
        Type::TIME | Type::TIMESTAMP | Type::TIMESTAMPTZ | Type::INTERVAL => {
            datetime::datetime_typmod(ty, env, v, typmod)
        }
        _ => Ok(v),
    }
}
