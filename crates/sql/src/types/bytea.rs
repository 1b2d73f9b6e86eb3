//! bytea — input/output (hex and escape forms) and functions. (Placeholder: being written.)

use crate::env::Env;
use crate::error::Result;
use crate::func::{Builtin, CastDef};
use crate::value::Value;

pub static FUNCTIONS: &[Builtin] = &[];
pub static CASTS: &[CastDef] = &[];

pub fn bytea_in(s: &str) -> Result<Value> {
    Ok(Value::Bytes(s.as_bytes().to_vec()))
}
pub fn bytea_out(_env: &Env, v: &Value) -> String {
    super::text::text_out(v)
}
pub fn bytea_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    if let Value::Bytes(b) = v {
        buf.extend_from_slice(b);
    }
    Ok(())
}
