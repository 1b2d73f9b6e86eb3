//! Input, output and type modifiers of the character types (text, varchar, bpchar, name,
//! `"char"`) and bool, and the casts between them.
//!
//! Invariants: every stored text value is valid UTF-8 without NUL characters; a `name` holds at
//! most 63 bytes; a `"char"` is stored as a text of at most one character whose code point is
//! the byte value (0 → empty text, 1..=127 → that ASCII character, 128..=255 → U+0080..U+00FF),
//! so stored values sort in PostgreSQL's unsigned byte order; `bool` is `Int` 0/1.

use super::{bad_arg, int_arg, text_arg};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::types::{Type, Typmod};
use crate::value::Value;

/// `NAMEDATALEN - 1`: the longest `name`, in bytes.
pub const NAME_MAX_BYTES: usize = 63;

/// The length in bytes PostgreSQL's UTF-8 decoder gives the sequence starting with `first`.
fn utf8_seq_len(first: u8) -> usize {
    if first & 0x80 == 0 {
        1
    } else if first & 0xe0 == 0xc0 {
        2
    } else if first & 0xf0 == 0xe0 {
        3
    } else if first & 0xf8 == 0xf0 {
        4
    } else {
        1
    }
}

/// 22021 `invalid byte sequence for encoding "UTF8": 0x..` for the bad sequence at `at`.
fn invalid_sequence(bytes: &[u8], at: usize) -> SqlError {
    let rest = bytes.get(at..).unwrap_or_default();
    let n = rest
        .first()
        .map_or(0, |b| utf8_seq_len(*b))
        .min(rest.len())
        .min(8);
    let shown: Vec<String> = rest.iter().take(n).map(|b| format!("0x{b:02x}")).collect();
    SqlError::new(
        sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
        format!(
            "invalid byte sequence for encoding \"UTF8\": {}",
            shown.join(" ")
        ),
    )
}

/// Bytes that must be UTF-8 without NUL (22021 otherwise, naming the first bad sequence).
pub fn utf8(bytes: &[u8]) -> Result<String> {
    let nul = bytes.iter().position(|b| *b == 0);
    match std::str::from_utf8(bytes) {
        Ok(s) => match nul {
            Some(at) => Err(invalid_sequence(bytes, at)),
            None => Ok(s.to_string()),
        },
        Err(e) => {
            let bad = e.valid_up_to();
            Err(invalid_sequence(bytes, nul.map_or(bad, |n| n.min(bad))))
        }
    }
}

/// Text that must not hold NUL (22021 otherwise, as PostgreSQL's encoding check says).
pub fn check_no_nul(s: &str) -> Result<()> {
    match s.bytes().position(|b| b == 0) {
        Some(at) => Err(invalid_sequence(s.as_bytes(), at)),
        None => Ok(()),
    }
}

/// `s` cut to at most `max` bytes at a character boundary.
pub fn clip_bytes(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while end > 0 && !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default()
}

/// `name` input: at most 63 bytes, cut at a character boundary.
pub fn to_name(s: &str) -> String {
    clip_bytes(s, NAME_MAX_BYTES).to_string()
}

/// The input function of the text-stored character types.
pub fn text_in(ty: Type, s: &str) -> Result<Value> {
    check_no_nul(s)?;
    Ok(match ty {
        Type::NAME => Value::Text(to_name(s)),
        Type::CHAR => Value::Text(char_from_byte(char_in_byte(s))),
        _ => Value::Text(s.to_string()),
    })
}

/// Any stored value shown as text, whatever its storage class.
pub fn text_out(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Text(s) => s.clone(),
        Value::Bytes(b) => {
            let mut s = String::with_capacity(2 + 2 * b.len());
            s.push_str("\\x");
            for byte in b {
                s.push_str(&format!("{byte:02x}"));
            }
            s
        }
    }
}

/// The binary form of a text value: its UTF-8 bytes.
pub fn text_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    match v {
        Value::Text(s) => buf.extend_from_slice(s.as_bytes()),
        other => buf.extend_from_slice(text_out(other).as_bytes()),
    }
    Ok(())
}

/// Number of characters.
pub fn char_count(s: &str) -> usize {
    s.chars().count()
}

/// A byte offset of the character `n` (0-based), or the end.
pub fn char_offset(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

/// `varchar(n)` / `character(n)` length coercion. `explicit` (a cast) truncates; otherwise
/// characters past `n` must all be spaces (22001). `character(n)` pads with spaces.
pub fn char_typmod(ty: Type, v: Value, typmod: Typmod, explicit: bool) -> Result<Value> {
    let Value::Text(s) = v else { return Ok(v) };
    let Some(Ok(max)) = typmod.checked_sub(4).map(usize::try_from) else {
        return Ok(Value::Text(s));
    };
    let len = char_count(&s);
    if len > max {
        let cut = char_offset(&s, max);
        let tail = s.get(cut..).unwrap_or_default();
        if !explicit && tail.chars().any(|c| c != ' ') {
            let what = if ty == Type::BPCHAR {
                "character"
            } else {
                "character varying"
            };
            return Err(SqlError::new(
                sqlstate::STRING_DATA_RIGHT_TRUNCATION,
                format!("value too long for type {what}({max})"),
            ));
        }
        let mut s = s;
        s.truncate(cut);
        return Ok(Value::Text(s));
    }
    if ty == Type::BPCHAR && len < max {
        let mut s = s;
        s.extend(std::iter::repeat_n(' ', max - len));
        return Ok(Value::Text(s));
    }
    Ok(Value::Text(s))
}

/// `"char"` input: `\ooo` (three octal digits) is that byte; otherwise the first byte.
fn char_in_byte(s: &str) -> u8 {
    let b = s.as_bytes();
    if let [b'\\', d1 @ b'0'..=b'7', d2 @ b'0'..=b'7', d3 @ b'0'..=b'7'] = b {
        // PostgreSQL keeps the low eight bits (`\400` is byte 0).
        let v = (u32::from(d1 - b'0') << 6) | (u32::from(d2 - b'0') << 3) | u32::from(d3 - b'0');
        return v.to_le_bytes()[0];
    }
    b.first().copied().unwrap_or(0)
}

/// The stored form of a `"char"` byte.
pub fn char_from_byte(b: u8) -> String {
    if b == 0 {
        String::new()
    } else {
        char::from(b).to_string()
    }
}

/// The byte a stored `"char"` holds.
pub fn char_byte(s: &str) -> u8 {
    match s.chars().next() {
        None => 0,
        Some(c) => u8::try_from(u32::from(c)).unwrap_or_else(|_| s.as_bytes()[0]),
    }
}

/// `"char"` output (and its cast to text): high-bit bytes as `\ooo`, as PostgreSQL 15 does.
pub fn char_out(v: &Value) -> String {
    match v {
        Value::Text(s) => {
            let b = char_byte(s);
            if b >= 0x80 {
                format!("\\{:03o}", b)
            } else {
                char_from_byte(b)
            }
        }
        other => text_out(other),
    }
}

/// `"char"` binary output: the byte itself.
pub fn char_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    if let Value::Text(s) = v {
        buf.push(char_byte(s));
    }
    Ok(())
}

/// `"char"` binary input: one byte.
pub fn char_recv(bytes: &[u8]) -> Result<Value> {
    match bytes {
        [b] => Ok(Value::Text(char_from_byte(*b))),
        _ => Err(SqlError::new(
            sqlstate::PROTOCOL_VIOLATION,
            "insufficient data left in message",
        )),
    }
}

/// PostgreSQL's `parse_bool`: unique prefixes of true/false/yes/no, on/off, 1/0, any case,
/// surrounding whitespace ignored.
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s
        .trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'))
        .to_ascii_lowercase();
    let prefix_of = |word: &str, min: usize| t.len() >= min && word.starts_with(t.as_str());
    match t.as_bytes().first()? {
        b't' if prefix_of("true", 1) => Some(true),
        b'y' if prefix_of("yes", 1) => Some(true),
        b'f' if prefix_of("false", 1) => Some(false),
        b'n' if prefix_of("no", 1) => Some(false),
        b'o' if prefix_of("on", 2) => Some(true),
        b'o' if prefix_of("off", 2) => Some(false),
        b'1' if t.len() == 1 => Some(true),
        b'0' if t.len() == 1 => Some(false),
        _ => None,
    }
}

/// `boolin`.
pub fn bool_in(s: &str) -> Result<Value> {
    parse_bool(s)
        .map(Value::from)
        .ok_or_else(|| SqlError::invalid_input("boolean", s))
}

/// `boolout`: `t` / `f`.
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
            sqlstate::PROTOCOL_VIOLATION,
            "insufficient data left in message",
        )),
    }
}

// ---- casts ----

/// bpchar → text / varchar: trailing blanks removed.
pub fn bpchar_to_text(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    Ok(Value::Text(s.trim_end_matches(' ').to_string()))
}

/// text / varchar → name: cut to 63 bytes.
pub fn text_to_name(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Text(to_name(&text_arg(args, 0)?)))
}

/// bpchar → name: trailing blanks removed, cut to 63 bytes.
pub fn bpchar_to_name(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Text(to_name(
        text_arg(args, 0)?.trim_end_matches(' '),
    )))
}

/// `"char"` → text (and varchar, bpchar): its output form.
pub fn char_to_text(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Text(char_out(args.first().unwrap_or(&Value::Null))))
}

/// text → `"char"`: `\ooo` or the first byte.
pub fn text_to_char(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Text(char_from_byte(char_in_byte(&text_arg(
        args, 0,
    )?))))
}

/// `"char"` → int4: the byte as a signed number.
pub fn char_to_int4(_env: &Env, args: &[Value]) -> Result<Value> {
    let b = char_byte(&text_arg(args, 0)?);
    Ok(Value::Int(i64::from(b.cast_signed())))
}

/// int4 → `"char"`: -128..=127.
pub fn int4_to_char(_env: &Env, args: &[Value]) -> Result<Value> {
    let n = int_arg(args, 0)?;
    let b = i8::try_from(n).map_err(|_| SqlError::out_of_range("\"char\" out of range"))?;
    Ok(Value::Text(char_from_byte(b.cast_unsigned())))
}

/// bool → text (and varchar, bpchar): `true` / `false` (PostgreSQL's `text(boolean)`, not the
/// `t`/`f` of its output function).
pub fn bool_to_text(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Text(
        if int_arg(args, 0)? != 0 {
            "true"
        } else {
            "false"
        }
        .into(),
    ))
}

/// The explicit flag of a length-coercion call: the third argument when given, else true
/// (a `CAST`).
fn explicit_flag(args: &[Value]) -> bool {
    match args.get(2) {
        Some(Value::Int(i)) => *i != 0,
        _ => true,
    }
}

/// `varchar(value, typmod[, explicit])`.
pub fn varchar_typmod_fn(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = args.first().cloned().ok_or_else(|| bad_arg(0))?;
    let typmod = i32::try_from(int_arg(args, 1)?).unwrap_or(-1);
    char_typmod(Type::VARCHAR, v, typmod, explicit_flag(args))
}

/// `bpchar(value, typmod[, explicit])`.
pub fn bpchar_typmod_fn(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = args.first().cloned().ok_or_else(|| bad_arg(0))?;
    let typmod = i32::try_from(int_arg(args, 1)?).unwrap_or(-1);
    char_typmod(Type::BPCHAR, v, typmod, explicit_flag(args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::char_typmod as tm;

    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }

    #[test]
    fn utf8_errors_name_the_sequence() {
        assert_eq!(utf8(b"abc").unwrap(), "abc");
        let e = utf8(b"a\0b").unwrap_err();
        assert_eq!(e.sqlstate, crate::sqlstate::CHARACTER_NOT_IN_REPERTOIRE);
        assert_eq!(
            e.message,
            "invalid byte sequence for encoding \"UTF8\": 0x00"
        );
        assert_eq!(
            utf8(b"a\xc3(").unwrap_err().message,
            "invalid byte sequence for encoding \"UTF8\": 0xc3 0x28"
        );
        assert_eq!(
            utf8(b"\xe2\x82").unwrap_err().message,
            "invalid byte sequence for encoding \"UTF8\": 0xe2 0x82"
        );
        assert_eq!(
            utf8(b"\x80").unwrap_err().message,
            "invalid byte sequence for encoding \"UTF8\": 0x80"
        );
        assert!(text_in(Type::TEXT, "a\0").is_err());
    }

    #[test]
    fn names_are_cut_at_63_bytes() {
        let long = "x".repeat(70);
        assert_eq!(to_name(&long).len(), 63);
        // 62 bytes then a 2-byte character: the character does not fit.
        let s = format!("{}é", "a".repeat(62));
        assert_eq!(to_name(&s).len(), 62);
        assert_eq!(
            text_in(Type::NAME, &long).unwrap(),
            Value::Text("x".repeat(63))
        );
    }

    #[test]
    fn varchar_and_bpchar_lengths() {
        // select 'abc'::varchar(2) → ab; select 'abc'::char(2) → ab
        assert_eq!(
            char_typmod(Type::VARCHAR, t("abc"), tm(2), true).unwrap(),
            t("ab")
        );
        assert_eq!(
            char_typmod(Type::BPCHAR, t("abc"), tm(2), true).unwrap(),
            t("ab")
        );
        assert_eq!(
            char_typmod(Type::BPCHAR, t("a"), tm(3), false).unwrap(),
            t("a  ")
        );
        assert_eq!(
            char_typmod(Type::VARCHAR, t("ab   "), tm(3), false).unwrap(),
            t("ab ")
        );
        assert_eq!(
            char_typmod(Type::VARCHAR, t("héllo"), tm(2), true).unwrap(),
            t("hé")
        );
        let e = char_typmod(Type::VARCHAR, t("abcd"), tm(3), false).unwrap_err();
        assert_eq!(e.sqlstate, crate::sqlstate::STRING_DATA_RIGHT_TRUNCATION);
        assert_eq!(e.message, "value too long for type character varying(3)");
        let e = char_typmod(Type::BPCHAR, t("abcd"), tm(3), false).unwrap_err();
        assert_eq!(e.message, "value too long for type character(3)");
    }

    #[test]
    fn char_type_bytes() {
        // select 'é'::"char" → \303; '\101'::"char" → A; 'ab'::"char" → a
        let v = text_in(Type::CHAR, "é").unwrap();
        assert_eq!(char_out(&v), "\\303");
        assert_eq!(char_out(&text_in(Type::CHAR, "\\101").unwrap()), "A");
        assert_eq!(char_out(&text_in(Type::CHAR, "ab").unwrap()), "a");
        assert_eq!(char_out(&text_in(Type::CHAR, "").unwrap()), "");
        assert_eq!(char_out(&text_in(Type::CHAR, "\\400").unwrap()), "");
        assert_eq!(char_out(&text_in(Type::CHAR, "\\12").unwrap()), "\\");
        let env = Env::default();
        // select 'é'::"char"::int4 → -61; ''::"char"::int4 → 0
        assert_eq!(char_to_int4(&env, &[v]).unwrap(), Value::Int(-61));
        assert_eq!(char_to_int4(&env, &[t("")]).unwrap(), Value::Int(0));
        // select (-56)::"char" → \310; 200::"char" → 22003 "char" out of range
        let c = int4_to_char(&env, &[Value::Int(-56)]).unwrap();
        assert_eq!(char_out(&c), "\\310");
        let e = int4_to_char(&env, &[Value::Int(200)]).unwrap_err();
        assert_eq!(
            (e.sqlstate, e.message.as_str()),
            (
                crate::sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
                "\"char\" out of range"
            )
        );
        // select '\303'::text::"char"::int4 → -61
        let c = text_to_char(&env, &[t("\\303")]).unwrap();
        assert_eq!(char_to_int4(&env, &[c]).unwrap(), Value::Int(-61));
        // High bytes sort after ASCII, as unsigned bytes do.
        assert!(char_from_byte(0xc3) > char_from_byte(b'z'));
        let mut buf = Vec::new();
        char_send(&t(&char_from_byte(0xc3)), &mut buf).unwrap();
        assert_eq!(buf, [0xc3]);
        assert_eq!(char_recv(&[0xc3]).unwrap(), t("\u{c3}"));
    }

    #[test]
    fn booleans_parse_like_postgresql() {
        for s in ["t", "tr", "TRUE", "  t  ", "y", "yes", "on", "ON", "1"] {
            assert_eq!(bool_in(s).unwrap(), Value::Int(1), "{s}");
        }
        for s in ["f", "fal", "no", "n", "of", "off", "0", "\tFALSE\n"] {
            assert_eq!(bool_in(s).unwrap(), Value::Int(0), "{s}");
        }
        for s in ["o", "truex", "10", "", "yess"] {
            let e = bool_in(s).unwrap_err();
            assert_eq!(e.sqlstate, crate::sqlstate::INVALID_TEXT_REPRESENTATION);
            assert_eq!(
                e.message,
                format!("invalid input syntax for type boolean: \"{s}\"")
            );
        }
        assert_eq!(bool_out(&Value::Int(1)), "t");
        assert_eq!(bool_out(&Value::Int(0)), "f");
    }

    #[test]
    fn casts_between_character_types() {
        let env = Env::default();
        assert_eq!(bpchar_to_text(&env, &[t("ab  ")]).unwrap(), t("ab"));
        // select true::text, false::varchar → true, false
        assert_eq!(bool_to_text(&env, &[Value::Int(1)]).unwrap(), t("true"));
        assert_eq!(bool_to_text(&env, &[Value::Int(0)]).unwrap(), t("false"));
        assert_eq!(bpchar_to_name(&env, &[t("ab  ")]).unwrap(), t("ab"));
        assert_eq!(char_to_text(&env, &[t("\u{e9}")]).unwrap(), t("\\351"));
        assert_eq!(
            varchar_typmod_fn(&env, &[t("abcd"), Value::Int(tm(2).into())]).unwrap(),
            t("ab")
        );
        assert!(
            varchar_typmod_fn(&env, &[t("abcd"), Value::Int(tm(2).into()), Value::Int(0)]).is_err()
        );
        assert_eq!(
            bpchar_typmod_fn(&env, &[t("a"), Value::Int(tm(3).into())]).unwrap(),
            t("a  ")
        );
    }
}
