//! Bind parameters: bytes in text or binary format, decoded by the parameter's type OID into the
//! SQLite value that is bound.
//!
//! Integers (and `bool`, as 0/1) become INTEGER, floats REAL, `bytea` BLOB, `numeric` INTEGER when
//! integral and in range else REAL, date/time types their ISO text; everything else TEXT.
//! Invariant: malformed input is an ERROR with PostgreSQL's SQLSTATE (22P02 bad syntax, 22003 out
//! of range, 22P03 bad binary data, 22021 bad UTF-8), never a panic.

use super::{Datum, datetime, numeric, oid, type_name};
use crate::error::{Result, WireError};
use crate::protocol::{Format, Oid};

fn invalid_syntax(oid: Oid, text: &str) -> WireError {
    WireError::sql(
        "22P02",
        format!(
            "invalid input syntax for type {}: \"{text}\"",
            type_name(oid)
        ),
    )
}

/// PostgreSQL's `parse_bool`: t/true/y/yes/on/1 and f/false/n/no/off/0, any unique prefix,
/// case-insensitive, surrounding blanks ignored.
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim().to_ascii_lowercase();
    if t.is_empty() {
        return None;
    }
    let prefix_of = |word: &str| word.starts_with(t.as_str());
    if prefix_of("true") || prefix_of("yes") || t == "on" || t == "1" {
        Some(true)
    } else if prefix_of("false")
        || prefix_of("no")
        || (t.len() >= 2 && prefix_of("off"))
        || t == "0"
    {
        Some(false)
    } else {
        None
    }
}

/// An integer of type `oid` (int2/int4/int8/oid) from text, range-checked.
pub fn parse_int(s: &str, oid: Oid) -> Result<i64> {
    let t = s.trim();
    let v: i64 = match t.parse() {
        Ok(v) => v,
        Err(e)
            if matches!(
                e.kind(),
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
            ) =>
        {
            return Err(out_of_range(s, oid));
        }
        Err(_) => return Err(invalid_syntax(oid, s)),
    };
    let fits = match oid {
        oid::INT2 => i16::try_from(v).is_ok(),
        oid::INT4 => i32::try_from(v).is_ok(),
        oid::OID => u32::try_from(v).is_ok(),
        _ => true,
    };
    if fits {
        Ok(v)
    } else {
        Err(out_of_range(s, oid))
    }
}

fn out_of_range(s: &str, oid: Oid) -> WireError {
    WireError::sql(
        "22003",
        format!("value \"{s}\" is out of range for type {}", type_name(oid)),
    )
}

/// A float from text (`Infinity`, `-Infinity`, `NaN` accepted).
pub fn parse_float(s: &str, oid: Oid) -> Result<f64> {
    let t = s.trim();
    if t.is_empty() {
        return Err(invalid_syntax(oid, s));
    }
    t.parse::<f64>().map_err(|_| invalid_syntax(oid, s))
}

/// A numeric given as text: INTEGER when integral and in range, else REAL.
fn numeric_datum(text: &str) -> Result<Datum> {
    // Validate with the numeric parser so that errors read like PostgreSQL's.
    numeric::text_to_binary(text, &mut bytes::BytesMut::new())?;
    let t = text.trim();
    if let Ok(i) = t.parse::<i64>() {
        return Ok(Datum::Int(i));
    }
    t.parse::<f64>()
        .map(Datum::Float)
        .map_err(|_| invalid_syntax(oid::NUMERIC, text))
}

/// `bytea` input: `\x` hex, or the escape format (`\\` and `\ooo` octal).
pub fn parse_bytea(s: &str) -> Result<Vec<u8>> {
    let bad = || WireError::sql("22P02", "invalid input syntax for type bytea");
    if let Some(hex) = s.strip_prefix("\\x") {
        let digits: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
        if !digits.len().is_multiple_of(2) {
            return Err(WireError::sql(
                "22023",
                "invalid hexadecimal data: odd number of digits",
            ));
        }
        let val = |c: u8| match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(WireError::sql(
                "22023",
                format!("invalid hexadecimal digit: \"{}\"", char::from(c)),
            )),
        };
        return digits
            .chunks(2)
            .map(|p| Ok(val(p[0])? << 4 | val(p[1])?))
            .collect();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'\\' {
            out.push(b[i]);
            i += 1;
        } else if b.get(i + 1) == Some(&b'\\') {
            out.push(b'\\');
            i += 2;
        } else if let Some(oct) = b.get(i + 1..i + 4)
            && oct.iter().all(|c| (b'0'..=b'7').contains(c))
            && oct[0] <= b'3'
        {
            out.push((oct[0] - b'0') << 6 | (oct[1] - b'0') << 3 | (oct[2] - b'0'));
            i += 4;
        } else {
            return Err(bad());
        }
    }
    Ok(out)
}

fn utf8(bytes: &[u8]) -> Result<&str> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let shown: Vec<String> = bytes[at..]
            .iter()
            .take(2)
            .map(|b| format!("0x{b:02x}"))
            .collect();
        WireError::sql(
            "22021",
            format!(
                "invalid byte sequence for encoding \"UTF8\": {}",
                shown.join(" ")
            ),
        )
    })
}

fn text_param(text: &str, oid: Oid) -> Result<Datum> {
    Ok(match oid {
        oid::BOOL => Datum::Int(i64::from(
            parse_bool(text).ok_or_else(|| invalid_syntax(oid, text))?,
        )),
        oid::INT2 | oid::INT4 | oid::INT8 | oid::OID => Datum::Int(parse_int(text, oid)?),
        oid::FLOAT4 | oid::FLOAT8 => Datum::Float(parse_float(text, oid)?),
        oid::NUMERIC => numeric_datum(text)?,
        oid::BYTEA => Datum::Bytes(parse_bytea(text)?),
        oid::DATE => {
            datetime::date_to_days(text)?;
            Datum::Text(text.to_owned())
        }
        oid::TIMESTAMP | oid::TIMESTAMPTZ => {
            datetime::timestamp_to_micros(text, oid == oid::TIMESTAMPTZ)?;
            Datum::Text(text.to_owned())
        }
        _ => Datum::Text(text.to_owned()),
    })
}

fn binary_param(bytes: &[u8], oid: Oid, index: usize) -> Result<Datum> {
    let bad = || {
        WireError::sql(
            "22P03",
            format!("incorrect binary data format in bind parameter {index}"),
        )
    };
    let fixed = |n: usize| {
        if bytes.len() == n {
            Ok(bytes)
        } else {
            Err(bad())
        }
    };
    Ok(match oid {
        oid::BOOL => Datum::Int(i64::from(fixed(1)?[0] != 0)),
        oid::INT2 => Datum::Int(i64::from(i16::from_be_bytes(
            fixed(2)?.try_into().map_err(|_| bad())?,
        ))),
        oid::INT4 => Datum::Int(i64::from(i32::from_be_bytes(
            fixed(4)?.try_into().map_err(|_| bad())?,
        ))),
        oid::OID => Datum::Int(i64::from(u32::from_be_bytes(
            fixed(4)?.try_into().map_err(|_| bad())?,
        ))),
        oid::INT8 => Datum::Int(i64::from_be_bytes(fixed(8)?.try_into().map_err(|_| bad())?)),
        oid::FLOAT4 => Datum::Float(f64::from(f32::from_be_bytes(
            fixed(4)?.try_into().map_err(|_| bad())?,
        ))),
        oid::FLOAT8 => Datum::Float(f64::from_be_bytes(fixed(8)?.try_into().map_err(|_| bad())?)),
        oid::BYTEA => Datum::Bytes(bytes.to_vec()),
        oid::NUMERIC => numeric_datum(&numeric::binary_to_text(bytes).map_err(|_| bad())?)?,
        oid::DATE => Datum::Text(datetime::days_to_date(i32::from_be_bytes(
            fixed(4)?.try_into().map_err(|_| bad())?,
        ))),
        oid::TIMESTAMP | oid::TIMESTAMPTZ => Datum::Text(datetime::micros_to_timestamp(
            i64::from_be_bytes(fixed(8)?.try_into().map_err(|_| bad())?),
            oid == oid::TIMESTAMPTZ,
        )),
        oid::TEXT
        | oid::VARCHAR
        | oid::BPCHAR
        | oid::NAME
        | oid::CHAR
        | oid::UNKNOWN
        | oid::JSON
        | 0 => Datum::Text(utf8(bytes)?.to_owned()),
        other => {
            return Err(WireError::sql(
                "42883",
                format!("no binary input function available for type with OID {other}"),
            ));
        }
    })
}

/// Decodes parameter number `index` (1-based, for messages) of type `oid`; `None` is NULL.
pub fn decode_param(value: Option<&[u8]>, oid: Oid, format: Format, index: usize) -> Result<Datum> {
    let Some(bytes) = value else {
        return Ok(Datum::Null);
    };
    match format {
        Format::Text => text_param(utf8(bytes)?, oid),
        Format::Binary => binary_param(bytes, oid, index),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str, oid: Oid) -> Result<Datum> {
        decode_param(Some(s.as_bytes()), oid, Format::Text, 1)
    }

    fn bin(b: &[u8], oid: Oid) -> Result<Datum> {
        decode_param(Some(b), oid, Format::Binary, 1)
    }

    fn state(r: Result<Datum>) -> &'static str {
        match r {
            Err(WireError::Sql { sqlstate, .. }) => sqlstate,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_parameters() {
        assert_eq!(
            decode_param(None, oid::INT4, Format::Text, 1).unwrap(),
            Datum::Null
        );
        assert_eq!(text(" 42 ", oid::INT4).unwrap(), Datum::Int(42));
        assert_eq!(
            text("-9223372036854775808", oid::INT8).unwrap(),
            Datum::Int(i64::MIN)
        );
        assert_eq!(text("tr", oid::BOOL).unwrap(), Datum::Int(1));
        assert_eq!(text("off", oid::BOOL).unwrap(), Datum::Int(0));
        assert_eq!(text("2.5", oid::FLOAT8).unwrap(), Datum::Float(2.5));
        assert_eq!(
            text("-Infinity", oid::FLOAT8).unwrap(),
            Datum::Float(f64::NEG_INFINITY)
        );
        assert_eq!(text("12", oid::NUMERIC).unwrap(), Datum::Int(12));
        assert_eq!(text("1.25", oid::NUMERIC).unwrap(), Datum::Float(1.25));
        assert_eq!(
            text("\\xDEad", oid::BYTEA).unwrap(),
            Datum::Bytes(vec![0xde, 0xad])
        );
        assert_eq!(
            text("a\\\\b\\001", oid::BYTEA).unwrap(),
            Datum::Bytes(b"a\\b\x01".to_vec())
        );
        assert_eq!(text("hi", oid::TEXT).unwrap(), Datum::Text("hi".into()));
        assert_eq!(text("hi", 0).unwrap(), Datum::Text("hi".into()));
        assert_eq!(
            text("2024-02-29", oid::DATE).unwrap(),
            Datum::Text("2024-02-29".into())
        );
    }

    #[test]
    fn bad_text_parameters() {
        assert_eq!(state(text("x", oid::INT4)), "22P02");
        assert_eq!(state(text("40000", oid::INT2)), "22003");
        assert_eq!(state(text("99999999999999999999", oid::INT8)), "22003");
        assert_eq!(state(text("maybe", oid::BOOL)), "22P02");
        assert_eq!(state(text("o", oid::BOOL)), "22P02");
        assert_eq!(state(text("", oid::FLOAT8)), "22P02");
        assert_eq!(state(text("1..2", oid::NUMERIC)), "22P02");
        assert_eq!(state(text("\\x1", oid::BYTEA)), "22023");
        assert_eq!(state(text("\\9", oid::BYTEA)), "22P02");
        assert_eq!(state(text("2023-02-30", oid::DATE)), "22007");
        assert_eq!(
            state(decode_param(Some(b"\xff"), oid::TEXT, Format::Text, 1)),
            "22021"
        );
    }

    #[test]
    fn binary_parameters() {
        assert_eq!(bin(&[1], oid::BOOL).unwrap(), Datum::Int(1));
        assert_eq!(bin(&[0xff, 0xfe], oid::INT2).unwrap(), Datum::Int(-2));
        assert_eq!(bin(&7i32.to_be_bytes(), oid::INT4).unwrap(), Datum::Int(7));
        assert_eq!(bin(&7i64.to_be_bytes(), oid::INT8).unwrap(), Datum::Int(7));
        assert_eq!(
            bin(&1.5f32.to_be_bytes(), oid::FLOAT4).unwrap(),
            Datum::Float(1.5)
        );
        assert_eq!(
            bin(&1.5f64.to_be_bytes(), oid::FLOAT8).unwrap(),
            Datum::Float(1.5)
        );
        assert_eq!(
            bin(&[0, 1, 2], oid::BYTEA).unwrap(),
            Datum::Bytes(vec![0, 1, 2])
        );
        assert_eq!(
            bin("ü".as_bytes(), oid::VARCHAR).unwrap(),
            Datum::Text("ü".into())
        );
        assert_eq!(
            bin(&[0, 1, 0, 0, 0, 0, 0, 0, 0, 5], oid::NUMERIC).unwrap(),
            Datum::Int(5)
        );
        assert_eq!(
            bin(&1i32.to_be_bytes(), oid::DATE).unwrap(),
            Datum::Text("2000-01-02".into())
        );
        assert_eq!(
            bin(&1_000_000i64.to_be_bytes(), oid::TIMESTAMPTZ).unwrap(),
            Datum::Text("2000-01-01 00:00:01+00".into())
        );
    }

    #[test]
    fn bad_binary_parameters() {
        assert_eq!(state(bin(&[0, 0, 1], oid::INT4)), "22P03");
        assert_eq!(state(bin(&[], oid::BOOL)), "22P03");
        assert_eq!(state(bin(&[0; 7], oid::FLOAT8)), "22P03");
        assert_eq!(state(bin(&[0, 1], oid::NUMERIC)), "22P03");
        assert_eq!(state(bin(b"\xc3", oid::TEXT)), "22021");
        assert_eq!(state(bin(&[0; 16], 2950)), "42883");
    }
}
