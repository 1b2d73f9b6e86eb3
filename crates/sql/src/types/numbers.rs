//! Numbers: int2, int4, int8, oid, float4, float8, numeric — input/output, arithmetic,
//! functions, casts and aggregates. (Placeholder: being written.)

use super::{Type, Typmod};
use crate::env::Env;
use crate::error::{Result, SqlError};
use crate::func::{Builtin, CastDef};
use crate::value::Value;

pub static FUNCTIONS: &[Builtin] = &[];
pub static CASTS: &[CastDef] = &[];

fn todo_type(name: &str) -> SqlError {
    SqlError::not_supported(format!("type {name} is not implemented yet"))
}

pub fn int_in(ty: Type, s: &str) -> Result<Value> {
    s.trim()
        .parse::<i64>()
        .map(Value::Int)
        .map_err(|_| SqlError::invalid_input(ty.info().sql_name, s))
}
pub fn oid_in(s: &str) -> Result<Value> {
    int_in(Type::OID, s)
}
pub fn int_out(v: &Value) -> String {
    super::text::text_out(v)
}
pub fn int_send(_ty: Type, _v: &Value, _buf: &mut Vec<u8>) -> Result<()> {
    Err(todo_type("int"))
}
pub fn int_recv(_ty: Type, _bytes: &[u8]) -> Result<Value> {
    Err(todo_type("int"))
}
pub fn float_in(_ty: Type, _s: &str) -> Result<Value> {
    Err(todo_type("float"))
}
pub fn float_out(_ty: Type, _env: &Env, v: &Value) -> String {
    super::text::text_out(v)
}
pub fn float_send(_ty: Type, _v: &Value, _buf: &mut Vec<u8>) -> Result<()> {
    Err(todo_type("float"))
}
pub fn float_recv(_ty: Type, _bytes: &[u8]) -> Result<Value> {
    Err(todo_type("float"))
}
pub fn numeric_in(_s: &str, _typmod: Typmod) -> Result<Value> {
    Err(todo_type("numeric"))
}
pub fn numeric_out(v: &Value) -> String {
    super::text::text_out(v)
}
pub fn numeric_send(_v: &Value, _buf: &mut Vec<u8>) -> Result<()> {
    Err(todo_type("numeric"))
}
pub fn numeric_recv(_bytes: &[u8], _typmod: Typmod) -> Result<Value> {
    Err(todo_type("numeric"))
}
pub fn numeric_typmod(v: Value, _typmod: Typmod) -> Result<Value> {
    Ok(v)
}

/// Orders two stored values (collation `pg_numeric`).
pub fn numeric_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.cmp(b)
}
