//! Character types (text, varchar, bpchar, name, "char"), bool and uuid — input/output, string
//! functions and operators. (Placeholder: being written.)

use super::{Type, Typmod};
use crate::error::{Result, SqlError, sqlstate};
use crate::func::{Builtin, CastDef};
use crate::value::Value;

pub static FUNCTIONS: &[Builtin] = &[];
pub static CASTS: &[CastDef] = &[];

/// Bytes that must be UTF-8 (22021 otherwise).
pub fn utf8(bytes: &[u8]) -> Result<String> {
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        SqlError::new(
            sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
            "invalid byte sequence for encoding \"UTF8\"",
        )
    })
}

pub fn text_in(_ty: Type, s: &str) -> Result<Value> {
    Ok(Value::Text(s.to_string()))
}
/// Any stored value shown as text, whatever its storage class.
pub fn text_out(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Text(s) => s.clone(),
        Value::Bytes(b) => {
            let mut s = String::from("\\x");
            for byte in b {
                s.push_str(&format!("{byte:02x}"));
            }
            s
        }
    }
}
pub fn text_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    buf.extend_from_slice(text_out(v).as_bytes());
    Ok(())
}
pub fn char_typmod(_ty: Type, v: Value, _typmod: Typmod, _explicit: bool) -> Result<Value> {
    Ok(v)
}
pub fn bool_in(s: &str) -> Result<Value> {
    match s.trim().to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "on" | "1" => Ok(Value::Int(1)),
        "f" | "false" | "n" | "no" | "off" | "0" => Ok(Value::Int(0)),
        _ => Err(SqlError::invalid_input("boolean", s)),
    }
}
pub fn bool_out(v: &Value) -> String {
    match v {
        Value::Int(0) => "f".into(),
        Value::Int(_) => "t".into(),
        other => text_out(other),
    }
}
pub fn bool_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    buf.push(u8::from(matches!(v, Value::Int(i) if *i != 0)));
    Ok(())
}
pub fn bool_recv(bytes: &[u8]) -> Result<Value> {
    match bytes {
        [b] => Ok(Value::Int(i64::from(*b != 0))),
        _ => Err(SqlError::new(
            sqlstate::INVALID_BINARY_REPRESENTATION,
            "insufficient data left in message",
        )),
    }
}
pub fn uuid_in(s: &str) -> Result<Value> {
    Ok(Value::Text(s.to_string()))
}
pub fn uuid_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    text_send(v, buf)
}
pub fn uuid_recv(bytes: &[u8]) -> Result<Value> {
    Ok(Value::Text(utf8(bytes)?))
}
