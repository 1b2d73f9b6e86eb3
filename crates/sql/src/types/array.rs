//! Arrays of every scalar type — input/output, subscripts, operators, functions, array_agg.
//! (Placeholder: being written.)

use super::{Type, Typmod};
use crate::env::Env;
use crate::error::{Result, SqlError};
use crate::func::{Builtin, CastDef};
use crate::value::Value;

pub static FUNCTIONS: &[Builtin] = &[];
pub static CASTS: &[CastDef] = &[];

pub fn array_in(_env: &Env, _elem: Type, _s: &str, _typmod: Typmod) -> Result<Value> {
    Err(SqlError::not_supported("arrays are not implemented yet"))
}
pub fn array_out(_env: &Env, _elem: Type, v: &Value) -> String {
    super::text::text_out(v)
}
pub fn array_send(_env: &Env, _elem: Type, _v: &Value, _buf: &mut Vec<u8>) -> Result<()> {
    Err(SqlError::not_supported("arrays are not implemented yet"))
}
pub fn array_recv(_env: &Env, _elem: Type, _bytes: &[u8], _typmod: Typmod) -> Result<Value> {
    Err(SqlError::not_supported("arrays are not implemented yet"))
}

/// Element `i` (1-based) of a stored array, in its stored form (placeholder).
pub fn element(_stored: &str, _i: i64) -> Option<Value> {
    None
}

/// Elements `lo..=hi` of a stored array as a stored array (placeholder).
pub fn slice(stored: &str, _lo: i64, _hi: i64) -> Value {
    Value::Text(stored.to_string())
}
