//! json and jsonb — input/output, operators, functions, aggregates. (Placeholder: being
//! written.)

use crate::error::{Result, SqlError};
use crate::func::{Builtin, CastDef};
use crate::value::Value;

pub static FUNCTIONS: &[Builtin] = &[];
pub static CASTS: &[CastDef] = &[];

pub fn json_in(s: &str) -> Result<Value> {
    Ok(Value::Text(s.to_string()))
}
pub fn jsonb_in(_s: &str) -> Result<Value> {
    Err(SqlError::not_supported("type jsonb is not implemented yet"))
}
pub fn jsonb_send(_v: &Value, _buf: &mut Vec<u8>) -> Result<()> {
    Err(SqlError::not_supported("type jsonb is not implemented yet"))
}
pub fn jsonb_recv(_bytes: &[u8]) -> Result<Value> {
    Err(SqlError::not_supported("type jsonb is not implemented yet"))
}
