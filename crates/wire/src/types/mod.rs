//! Values on the wire: how a SQLite value is sent as a column of a given PostgreSQL type, in text
//! or binary format, and how a Bind parameter is read back into a SQLite value.
//!
//! Owns: the per-type text and binary representations (`int2/int4/int8` big-endian, `float4/8`
//! IEEE, `bool` one byte, `text`/`varchar` UTF-8, `bytea` raw or `\x` hex, `numeric` base-10000,
//! `date`/`timestamp[tz]` days/microseconds since 2000). Types are keyed by OID so that this module
//! does not depend on how the SQL layer spells its type enum.
//! Invariant: a value that cannot be shown as its column's type in binary is an ERROR (22P02,
//! 22003…), never a silent text fallback: a client that asked for binary parses binary.

pub mod datetime;
pub mod float;
pub mod input;
pub mod numeric;

use bytes::{BufMut, BytesMut};

use crate::error::{Result, WireError};
use crate::protocol::backend::put_value_with;
use crate::protocol::{Format, Oid};

/// Type OIDs minipg uses.
pub mod oid {
    use crate::protocol::Oid;
    /// bool
    pub const BOOL: Oid = 16;
    /// bytea
    pub const BYTEA: Oid = 17;
    /// "char"
    pub const CHAR: Oid = 18;
    /// name
    pub const NAME: Oid = 19;
    /// int8
    pub const INT8: Oid = 20;
    /// int2
    pub const INT2: Oid = 21;
    /// int4
    pub const INT4: Oid = 23;
    /// text
    pub const TEXT: Oid = 25;
    /// oid
    pub const OID: Oid = 26;
    /// json
    pub const JSON: Oid = 114;
    /// float4
    pub const FLOAT4: Oid = 700;
    /// float8
    pub const FLOAT8: Oid = 701;
    /// unknown
    pub const UNKNOWN: Oid = 705;
    /// bpchar
    pub const BPCHAR: Oid = 1042;
    /// varchar
    pub const VARCHAR: Oid = 1043;
    /// date
    pub const DATE: Oid = 1082;
    /// timestamp
    pub const TIMESTAMP: Oid = 1114;
    /// timestamptz
    pub const TIMESTAMPTZ: Oid = 1184;
    /// numeric
    pub const NUMERIC: Oid = 1700;
}

/// The OID to announce to clients: `unknown` is reported as `text`, as PostgreSQL 10+ resolves
/// unknown-typed output columns and parameters.
pub fn reported_oid(oid: Oid) -> Oid {
    if oid == oid::UNKNOWN || oid == 0 {
        oid::TEXT
    } else {
        oid
    }
}

/// `pg_type.typlen` for RowDescription.
pub fn type_size(oid: Oid) -> i16 {
    match oid {
        oid::BOOL | oid::CHAR => 1,
        oid::INT2 => 2,
        oid::INT4 | oid::FLOAT4 | oid::DATE | oid::OID => 4,
        oid::INT8 | oid::FLOAT8 | oid::TIMESTAMP | oid::TIMESTAMPTZ => 8,
        oid::NAME => 64,
        _ => -1,
    }
}

/// The SQL name of a type, for error messages.
pub fn type_name(oid: Oid) -> &'static str {
    match oid {
        oid::BOOL => "boolean",
        oid::BYTEA => "bytea",
        oid::INT2 => "smallint",
        oid::INT4 => "integer",
        oid::INT8 => "bigint",
        oid::OID => "oid",
        oid::FLOAT4 => "real",
        oid::FLOAT8 => "double precision",
        oid::NUMERIC => "numeric",
        oid::DATE => "date",
        oid::TIMESTAMP => "timestamp without time zone",
        oid::TIMESTAMPTZ => "timestamp with time zone",
        oid::VARCHAR => "character varying",
        _ => "text",
    }
}

/// A SQLite value as the SQL layer hands it over, borrowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DatumRef<'a> {
    /// NULL.
    Null,
    /// INTEGER.
    Int(i64),
    /// REAL.
    Float(f64),
    /// TEXT.
    Text(&'a str),
    /// BLOB.
    Bytes(&'a [u8]),
}

/// A SQLite value decoded from a Bind parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Datum {
    /// NULL.
    Null,
    /// INTEGER.
    Int(i64),
    /// REAL.
    Float(f64),
    /// TEXT.
    Text(String),
    /// BLOB.
    Bytes(Vec<u8>),
}

fn hex_bytea(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("\\x");
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 15)]));
    }
    s
}

fn int_text(i: i64, oid: Oid) -> String {
    if oid == oid::BOOL {
        (if i != 0 { "t" } else { "f" }).to_owned()
    } else {
        i.to_string()
    }
}

fn float_text(f: f64, oid: Oid) -> String {
    match oid {
        oid::FLOAT4 => float::float4_text(f as f32),
        oid::NUMERIC => numeric_float_text(f),
        _ => float::float8_text(f),
    }
}

/// A float as numeric text: positional, never exponent notation.
fn numeric_float_text(f: f64) -> String {
    if f.is_finite() {
        format!("{f}")
    } else {
        float::float8_text(f)
    }
}

/// The text-format representation of `v` as a column of type `oid`, or `None` for NULL.
pub fn text_value(v: DatumRef<'_>, oid: Oid) -> Option<String> {
    Some(match v {
        DatumRef::Null => return None,
        DatumRef::Int(i) => {
            if oid == oid::BYTEA {
                hex_bytea(i.to_string().as_bytes())
            } else {
                int_text(i, oid)
            }
        }
        DatumRef::Float(f) => {
            if oid == oid::BYTEA {
                hex_bytea(float::float8_text(f).as_bytes())
            } else if oid == oid::BOOL {
                (if f != 0.0 { "t" } else { "f" }).to_owned()
            } else {
                float_text(f, oid)
            }
        }
        DatumRef::Text(s) => match oid {
            oid::BYTEA => hex_bytea(s.as_bytes()),
            oid::BOOL => match input::parse_bool(s) {
                Some(b) => (if b { "t" } else { "f" }).to_owned(),
                None => s.to_owned(),
            },
            _ => s.to_owned(),
        },
        DatumRef::Bytes(b) => hex_bytea(b),
    })
}

fn out_of_range(oid: Oid) -> WireError {
    WireError::sql("22003", format!("{} out of range", type_name(oid)))
}

fn invalid_syntax(oid: Oid, text: &str) -> WireError {
    WireError::sql(
        "22P02",
        format!(
            "invalid input syntax for type {}: \"{text}\"",
            type_name(oid)
        ),
    )
}

/// `v` as an integer for an integer-typed binary column.
fn as_integer(v: DatumRef<'_>, oid: Oid) -> Result<i64> {
    match v {
        DatumRef::Int(i) => Ok(i),
        DatumRef::Float(f) if f.fract() == 0.0 && f >= i64::MIN as f64 && f < i64::MAX as f64 => {
            Ok(f as i64)
        }
        DatumRef::Float(_) => Err(out_of_range(oid)),
        DatumRef::Text(s) => input::parse_int(s, oid),
        DatumRef::Bytes(b) => Err(invalid_syntax(oid, &hex_bytea(b))),
        DatumRef::Null => Ok(0),
    }
}

fn as_float(v: DatumRef<'_>, oid: Oid) -> Result<f64> {
    match v {
        DatumRef::Int(i) => Ok(i as f64),
        DatumRef::Float(f) => Ok(f),
        DatumRef::Text(s) => input::parse_float(s, oid),
        DatumRef::Bytes(b) => Err(invalid_syntax(oid, &hex_bytea(b))),
        DatumRef::Null => Ok(0.0),
    }
}

fn text_or_invalid<'a>(v: DatumRef<'a>, oid: Oid, owned: &'a mut String) -> Result<&'a str> {
    match v {
        DatumRef::Text(s) => Ok(s),
        DatumRef::Bytes(b) => Err(invalid_syntax(oid, &hex_bytea(b))),
        other => {
            *owned = text_value(other, oid).unwrap_or_default();
            Ok(owned.as_str())
        }
    }
}

/// Writes the binary-format representation of non-NULL `v` as type `oid` (no length word).
fn put_binary(buf: &mut BytesMut, v: DatumRef<'_>, oid: Oid) -> Result<()> {
    match oid {
        oid::BOOL => {
            let b = match v {
                DatumRef::Int(i) => i != 0,
                DatumRef::Float(f) => f != 0.0,
                DatumRef::Text(s) => input::parse_bool(s).ok_or_else(|| invalid_syntax(oid, s))?,
                DatumRef::Bytes(b) => return Err(invalid_syntax(oid, &hex_bytea(b))),
                DatumRef::Null => false,
            };
            buf.put_u8(u8::from(b));
        }
        oid::INT2 => {
            let i = i16::try_from(as_integer(v, oid)?).map_err(|_| out_of_range(oid))?;
            buf.put_i16(i);
        }
        oid::INT4 => {
            let i = i32::try_from(as_integer(v, oid)?).map_err(|_| out_of_range(oid))?;
            buf.put_i32(i);
        }
        oid::OID => {
            let i = u32::try_from(as_integer(v, oid)?).map_err(|_| out_of_range(oid))?;
            buf.put_u32(i);
        }
        oid::INT8 => buf.put_i64(as_integer(v, oid)?),
        oid::FLOAT4 => buf.put_f32(as_float(v, oid)? as f32),
        oid::FLOAT8 => buf.put_f64(as_float(v, oid)?),
        oid::NUMERIC => {
            let text = match v {
                DatumRef::Int(i) => i.to_string(),
                DatumRef::Float(f) => numeric_float_text(f),
                DatumRef::Text(s) => s.to_owned(),
                DatumRef::Bytes(b) => return Err(invalid_syntax(oid, &hex_bytea(b))),
                DatumRef::Null => "0".to_owned(),
            };
            numeric::text_to_binary(&text, buf)?;
        }
        oid::DATE => {
            let mut owned = String::new();
            buf.put_i32(datetime::date_to_days(text_or_invalid(
                v, oid, &mut owned,
            )?)?);
        }
        oid::TIMESTAMP | oid::TIMESTAMPTZ => {
            let mut owned = String::new();
            let text = text_or_invalid(v, oid, &mut owned)?;
            buf.put_i64(datetime::timestamp_to_micros(
                text,
                oid == oid::TIMESTAMPTZ,
            )?);
        }
        oid::BYTEA => match v {
            DatumRef::Bytes(b) => buf.put_slice(b),
            DatumRef::Text(s) => buf.put_slice(s.as_bytes()),
            other => buf.put_slice(text_value(other, oid::TEXT).unwrap_or_default().as_bytes()),
        },
        // text, varchar, unknown and every other text-like type: the UTF-8 bytes of the text form.
        _ => {
            let text = text_value(v, oid).unwrap_or_default();
            buf.put_slice(text.as_bytes());
        }
    }
    Ok(())
}

/// Writes one DataRow column: its length word and bytes, or -1 for NULL. On error nothing
/// meaningful is left (the caller discards the row).
pub fn put_column(buf: &mut BytesMut, v: DatumRef<'_>, oid: Oid, format: Format) -> Result<()> {
    if matches!(v, DatumRef::Null) {
        buf.put_i32(-1);
        return Ok(());
    }
    match format {
        Format::Text => {
            let text = text_value(v, oid).unwrap_or_default();
            put_value_with::<WireError>(buf, |b| {
                b.put_slice(text.as_bytes());
                Ok(())
            })
        }
        Format::Binary => put_value_with(buf, |b| put_binary(b, v, oid)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(v: DatumRef<'_>, oid: Oid, format: Format) -> Result<Option<Vec<u8>>> {
        let mut b = BytesMut::new();
        put_column(&mut b, v, oid, format)?;
        let len = i32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        if len < 0 {
            return Ok(None);
        }
        assert_eq!(len as usize, b.len() - 4);
        Ok(Some(b[4..].to_vec()))
    }

    fn text(v: DatumRef<'_>, oid: Oid) -> String {
        String::from_utf8(col(v, oid, Format::Text).unwrap().unwrap()).unwrap()
    }

    fn bin(v: DatumRef<'_>, oid: Oid) -> Vec<u8> {
        col(v, oid, Format::Binary).unwrap().unwrap()
    }

    #[test]
    fn text_format() {
        assert_eq!(col(DatumRef::Null, oid::INT4, Format::Text).unwrap(), None);
        assert_eq!(text(DatumRef::Int(42), oid::INT4), "42");
        assert_eq!(text(DatumRef::Int(1), oid::BOOL), "t");
        assert_eq!(text(DatumRef::Int(0), oid::BOOL), "f");
        assert_eq!(text(DatumRef::Text("yes"), oid::BOOL), "t");
        assert_eq!(text(DatumRef::Float(0.1), oid::FLOAT8), "0.1");
        assert_eq!(text(DatumRef::Float(1e20), oid::FLOAT8), "1e+20");
        assert_eq!(
            text(DatumRef::Float(1e20), oid::NUMERIC),
            "100000000000000000000"
        );
        assert_eq!(text(DatumRef::Bytes(&[0xde, 0xad]), oid::BYTEA), "\\xdead");
        assert_eq!(text(DatumRef::Text("abc"), oid::TEXT), "abc");
        assert_eq!(text(DatumRef::Int(7), oid::TEXT), "7");
    }

    #[test]
    fn binary_format() {
        assert_eq!(bin(DatumRef::Int(1), oid::INT2), vec![0, 1]);
        assert_eq!(
            bin(DatumRef::Int(-2), oid::INT4),
            vec![0xff, 0xff, 0xff, 0xfe]
        );
        assert_eq!(bin(DatumRef::Int(3), oid::INT8), 3i64.to_be_bytes());
        assert_eq!(bin(DatumRef::Text("12"), oid::INT4), 12i32.to_be_bytes());
        assert_eq!(bin(DatumRef::Float(2.5), oid::FLOAT8), 2.5f64.to_be_bytes());
        assert_eq!(bin(DatumRef::Int(2), oid::FLOAT8), 2.0f64.to_be_bytes());
        assert_eq!(bin(DatumRef::Float(2.5), oid::FLOAT4), 2.5f32.to_be_bytes());
        assert_eq!(bin(DatumRef::Int(1), oid::BOOL), vec![1]);
        assert_eq!(bin(DatumRef::Text("f"), oid::BOOL), vec![0]);
        assert_eq!(bin(DatumRef::Text("héllo"), oid::TEXT), "héllo".as_bytes());
        assert_eq!(bin(DatumRef::Bytes(&[0, 255]), oid::BYTEA), vec![0, 255]);
        assert_eq!(
            bin(DatumRef::Int(10000), oid::NUMERIC),
            vec![0, 1, 0, 1, 0, 0, 0, 0, 0, 1]
        );
        assert_eq!(
            bin(DatumRef::Text("1.5"), oid::NUMERIC),
            vec![0, 2, 0, 0, 0, 0, 0, 1, 0, 1, 0x13, 0x88]
        );
        assert_eq!(
            bin(DatumRef::Text("2000-01-02"), oid::DATE),
            1i32.to_be_bytes()
        );
        assert_eq!(
            bin(DatumRef::Text("2000-01-01 00:00:01+00"), oid::TIMESTAMPTZ),
            1_000_000i64.to_be_bytes()
        );
        assert_eq!(bin(DatumRef::Int(5), oid::UNKNOWN), b"5");
    }

    #[test]
    fn values_that_do_not_fit_their_binary_type_are_errors() {
        let e = |v, oid| match col(v, oid, Format::Binary) {
            Err(WireError::Sql { sqlstate, .. }) => sqlstate,
            other => panic!("{other:?}"),
        };
        assert_eq!(e(DatumRef::Int(70000), oid::INT2), "22003");
        assert_eq!(e(DatumRef::Int(i64::MAX), oid::INT4), "22003");
        assert_eq!(e(DatumRef::Float(1.5), oid::INT8), "22003");
        assert_eq!(e(DatumRef::Text("abc"), oid::INT4), "22P02");
        assert_eq!(e(DatumRef::Text("abc"), oid::FLOAT8), "22P02");
        assert_eq!(e(DatumRef::Text("maybe"), oid::BOOL), "22P02");
        assert_eq!(e(DatumRef::Text("1.2.3"), oid::NUMERIC), "22P02");
        assert_eq!(e(DatumRef::Text("soon"), oid::DATE), "22007");
        assert_eq!(e(DatumRef::Bytes(&[1]), oid::INT4), "22P02");
    }

    #[test]
    fn reported_types() {
        assert_eq!(reported_oid(oid::UNKNOWN), oid::TEXT);
        assert_eq!(reported_oid(oid::INT4), oid::INT4);
        assert_eq!(type_size(oid::INT8), 8);
        assert_eq!(type_size(oid::TEXT), -1);
    }
}
