//! date, time, timestamp, timestamptz, interval — input/output, arithmetic, functions, casts.
//! (Placeholder: being written.)

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

pub fn date_in(_env: &Env, _s: &str) -> Result<Value> {
    Err(todo_type("date"))
}
pub fn time_in(_env: &Env, _s: &str, _typmod: Typmod) -> Result<Value> {
    Err(todo_type("time"))
}
pub fn timestamp_in(_env: &Env, _s: &str, _typmod: Typmod) -> Result<Value> {
    Err(todo_type("timestamp"))
}
pub fn timestamptz_in(_env: &Env, _s: &str, _typmod: Typmod) -> Result<Value> {
    Err(todo_type("timestamptz"))
}
pub fn interval_in(_env: &Env, _s: &str, _typmod: Typmod) -> Result<Value> {
    Err(todo_type("interval"))
}
pub fn date_out(_env: &Env, v: &Value) -> String {
    super::text::text_out(v)
}
pub fn time_out(_env: &Env, v: &Value) -> String {
    super::text::text_out(v)
}
pub fn timestamp_out(_env: &Env, v: &Value) -> String {
    super::text::text_out(v)
}
pub fn timestamptz_out(_env: &Env, v: &Value) -> String {
    super::text::text_out(v)
}
pub fn interval_out(_env: &Env, v: &Value) -> String {
    super::text::text_out(v)
}
pub fn date_send(_v: &Value, _buf: &mut Vec<u8>) -> Result<()> {
    Err(todo_type("date"))
}
pub fn time_send(_v: &Value, _buf: &mut Vec<u8>) -> Result<()> {
    Err(todo_type("time"))
}
pub fn timestamp_send(_v: &Value, _buf: &mut Vec<u8>) -> Result<()> {
    Err(todo_type("timestamp"))
}
pub fn interval_send(_v: &Value, _buf: &mut Vec<u8>) -> Result<()> {
    Err(todo_type("interval"))
}
pub fn date_recv(_bytes: &[u8]) -> Result<Value> {
    Err(todo_type("date"))
}
pub fn time_recv(_bytes: &[u8], _typmod: Typmod) -> Result<Value> {
    Err(todo_type("time"))
}
pub fn timestamp_recv(_bytes: &[u8], _typmod: Typmod) -> Result<Value> {
    Err(todo_type("timestamp"))
}
pub fn interval_recv(_bytes: &[u8], _typmod: Typmod) -> Result<Value> {
    Err(todo_type("interval"))
}
pub fn datetime_typmod(_ty: Type, _env: &Env, v: Value, _typmod: Typmod) -> Result<Value> {
    Ok(v)
}

/// Orders two stored values (collation `pg_interval`).
pub fn interval_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.cmp(b)
}
