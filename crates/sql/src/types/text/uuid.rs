//! uuid: input (PostgreSQL's accepted spellings), binary I/O and `gen_random_uuid()`.
//!
//! Invariant: a stored uuid is the lower-case canonical text `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`,
//! whose byte order is the order of the 16 bytes PostgreSQL compares.

use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::value::Value;

/// The canonical text of 16 bytes.
pub fn uuid_text(bytes: &[u8; 16]) -> String {
    let mut s = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The 16 bytes of a uuid's text, in any spelling `uuid_in` accepts.
pub fn parse_uuid(s: &str) -> Option<[u8; 16]> {
    let b = s.as_bytes();
    let (body, braces) = match b.first() {
        Some(b'{') => (b.get(1..)?, true),
        _ => (b, false),
    };
    let mut out = [0u8; 16];
    let mut pos = 0;
    for (i, slot) in out.iter_mut().enumerate() {
        let hi = hex_val(*body.get(pos)?)?;
        let lo = hex_val(*body.get(pos + 1)?)?;
        *slot = (hi << 4) | lo;
        pos += 2;
        // A hyphen may follow any group of four digits, except at the end.
        if body.get(pos) == Some(&b'-') && i % 2 == 1 && i < 15 {
            pos += 1;
        }
    }
    if braces {
        if body.get(pos) != Some(&b'}') {
            return None;
        }
        pos += 1;
    }
    (pos == body.len()).then_some(out)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// `uuid_in`.
pub fn uuid_in(s: &str) -> Result<Value> {
    parse_uuid(s)
        .map(|b| Value::Text(uuid_text(&b)))
        .ok_or_else(|| SqlError::invalid_input("uuid", s))
}

/// `uuid_send`: the 16 bytes.
pub fn uuid_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    let bytes = match v {
        Value::Text(s) => parse_uuid(s),
        Value::Bytes(b) => <[u8; 16]>::try_from(b.as_slice()).ok(),
        _ => None,
    };
    match bytes {
        Some(b) => {
            buf.extend_from_slice(&b);
            Ok(())
        }
        None => Err(SqlError::new(
            sqlstate::DATA_CORRUPTED,
            "stored uuid value is not a uuid",
        )),
    }
}

/// `uuid_recv`: exactly 16 bytes.
pub fn uuid_recv(bytes: &[u8]) -> Result<Value> {
    match <[u8; 16]>::try_from(bytes) {
        Ok(b) => Ok(Value::Text(uuid_text(&b))),
        Err(_) if bytes.len() < 16 => Err(SqlError::new(
            sqlstate::PROTOCOL_VIOLATION,
            "insufficient data left in message",
        )),
        Err(_) => Err(SqlError::new(
            sqlstate::INVALID_BINARY_REPRESENTATION,
            "incorrect binary data format",
        )),
    }
}

/// `gen_random_uuid()`: a version 4 (random) uuid.
pub fn gen_random_uuid(_env: &Env, _args: &[Value]) -> Result<Value> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)
        .map_err(|e| SqlError::internal(format!("could not generate random values: {e}")))?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    Ok(Value::Text(uuid_text(&b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANON: &str = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";

    #[test]
    fn accepted_spellings() {
        for s in [
            "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}",
            "a0eebc999c0b4ef8bb6d6bb9bd380a11",
            "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
            "a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11",
            CANON,
        ] {
            assert_eq!(uuid_in(s).unwrap(), Value::Text(CANON.into()), "{s}");
        }
    }

    #[test]
    fn rejected_spellings() {
        for s in [
            "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
            "a0eebc999c0b4ef8bb6d6bb9bd380a11-",
            " a0eebc999c0b4ef8bb6d6bb9bd380a11",
            "{a0eebc999c0b4ef8bb6d6bb9bd380a11",
            "a-0eebc999c0b4ef8bb6d6bb9bd380a11",
            "",
            "é",
        ] {
            let e = uuid_in(s).unwrap_err();
            assert_eq!(e.sqlstate, crate::sqlstate::INVALID_TEXT_REPRESENTATION);
            assert_eq!(
                e.message,
                format!("invalid input syntax for type uuid: \"{s}\"")
            );
        }
    }

    #[test]
    fn binary_round_trip() {
        let mut buf = Vec::new();
        uuid_send(&Value::Text(CANON.into()), &mut buf).unwrap();
        assert_eq!(buf.len(), 16);
        assert_eq!(buf[0], 0xa0);
        assert_eq!(uuid_recv(&buf).unwrap(), Value::Text(CANON.into()));
        assert!(uuid_recv(&buf[..5]).is_err());
    }

    #[test]
    fn random_uuids_are_version_4() {
        let env = Env::default();
        let a = gen_random_uuid(&env, &[]).unwrap();
        let b = gen_random_uuid(&env, &[]).unwrap();
        assert_ne!(a, b);
        let Value::Text(s) = a else { panic!() };
        assert_eq!(s.len(), 36);
        assert_eq!(&s[14..15], "4");
        assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(uuid_in(&s).unwrap(), Value::Text(s.clone()));
    }
}
