//! PostgreSQL's array literal (`{1,2}`, `{{"a b",NULL},{c,d}}`, `[1:2]={1,2}`) in and out, and
//! the binary array format, for any element type: elements go through the element type's own
//! input/output/send/recv (`types::io`).
//!
//! Input follows PostgreSQL 15's `array_in`: the same state machine decides what is malformed
//! and reports the same DETAIL (`Unexpected "," character.`, `Unexpected array element.`,
//! `Junk after closing right brace.`, …); unquoted elements lose surrounding whitespace, `\`
//! escapes one character, an unquoted `NULL` (any case) is a null element. Dimension
//! decorations are accepted when every lower bound is 1; other lower bounds cannot be stored
//! (the storage form has none) and fail with 0A000.
//!
//! Output quotes an element when it is empty, is `NULL` in any case, or contains `{ } , " \`
//! or whitespace, escaping `"` and `\`.

use super::store::{Array, MAX_DIMS, MAX_ITEMS};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::types::{Type, Typmod, io};
use crate::value::Value;

/// PostgreSQL's `array_isspace`.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{b}' | '\u{c}')
}

fn malformed(text: &str, detail: impl Into<String>) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_TEXT_REPRESENTATION,
        format!("malformed array literal: \"{text}\""),
    )
    .with_detail(detail)
}

fn too_many_dims(n: usize) -> SqlError {
    SqlError::new(
        sqlstate::PROGRAM_LIMIT_EXCEEDED,
        format!("number of array dimensions ({n}) exceeds the maximum allowed ({MAX_DIMS})"),
    )
}

/// The parser's state (PostgreSQL's `ArrayParseState`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    NoLevel,
    LevelStarted,
    ElemStarted,
    QuotedElemStarted,
    QuotedElemCompleted,
    ElemDelimited,
    LevelCompleted,
    LevelDelimited,
}

/// One level (brace pair) being read.
#[derive(Default)]
struct Level {
    /// Elements (innermost level) — `None` is NULL.
    elems: Vec<Option<String>>,
    /// Dimensions of the sub-levels read so far (all equal), and how many.
    sub_dims: Option<Vec<usize>>,
    subs: usize,
}

/// The structure of a literal: dimensions and the element texts in row-major order.
pub struct Parsed {
    pub dims: Vec<usize>,
    pub elems: Vec<Option<String>>,
    /// Sub-arrays of different shapes: not an array (the caller reports which error).
    pub ragged: bool,
}

/// Reads the literal's structure (no element input yet).
pub fn parse_literal(text: &str) -> Result<Parsed> {
    let trimmed = text.trim_start_matches(is_space);
    let mut rest = trimmed;
    let mut given: Option<Vec<(i64, i64)>> = None;
    if rest.starts_with('[') {
        let mut dims = Vec::new();
        while let Some(r) = rest.strip_prefix('[') {
            if dims.len() >= MAX_DIMS {
                return Err(too_many_dims(dims.len() + 1));
            }
            let num_end = |s: &str| {
                s.find(|c: char| !(c.is_ascii_digit() || c == '-' || c == '+'))
                    .unwrap_or(s.len())
            };
            let n = num_end(r);
            if n == 0 {
                return Err(malformed(
                    text,
                    "\"[\" must introduce explicitly-specified array dimensions.",
                ));
            }
            let first = parse_bound(text, &r[..n])?;
            let mut r = &r[n..];
            let (lower, upper) = if let Some(after) = r.strip_prefix(':') {
                let m = num_end(after);
                if m == 0 {
                    return Err(malformed(text, "Missing array dimension value."));
                }
                let upper = parse_bound(text, &after[..m])?;
                r = &after[m..];
                (first, upper)
            } else {
                (1, first)
            };
            let Some(r) = r.strip_prefix(']') else {
                return Err(malformed(text, "Missing \"]\" after array dimensions."));
            };
            if upper < lower {
                return Err(SqlError::new(
                    sqlstate::ARRAY_SUBSCRIPT_ERROR,
                    "upper bound cannot be less than lower bound",
                ));
            }
            dims.push((lower, upper));
            rest = r;
        }
        rest = rest.trim_start_matches(is_space);
        let Some(r) = rest.strip_prefix('=') else {
            return Err(malformed(text, "Missing \"=\" after array dimensions."));
        };
        rest = r.trim_start_matches(is_space);
        if !rest.starts_with('{') {
            return Err(malformed(text, "Array contents must start with \"{\"."));
        }
        given = Some(dims);
    } else if !rest.starts_with('{') {
        return Err(malformed(
            text,
            "Array value must start with \"{\" or dimension information.",
        ));
    }
    let parsed = parse_braces(rest)?;
    if parsed.ragged {
        return Err(if given.is_some() {
            malformed(
                text,
                "Specified array dimensions do not match array contents.",
            )
        } else {
            malformed(
                rest,
                "Multidimensional arrays must have sub-arrays with matching dimensions.",
            )
        });
    }
    if let Some(given) = given {
        let sizes: Vec<usize> = given
            .iter()
            .map(|(l, u)| usize::try_from(u - l + 1).unwrap_or(usize::MAX))
            .collect();
        if sizes != parsed.dims {
            return Err(malformed(
                text,
                "Specified array dimensions do not match array contents.",
            ));
        }
        if given.iter().any(|(l, _)| *l != 1) {
            return Err(SqlError::not_supported(
                "array lower bounds other than 1 are not supported",
            ));
        }
    }
    Ok(parsed)
}

fn parse_bound(text: &str, s: &str) -> Result<i64> {
    // PostgreSQL reads these with strtol and reports an out-of-range value.
    s.parse::<i32>().map(i64::from).map_err(|_| {
        malformed(
            text,
            "\"[\" must introduce explicitly-specified array dimensions.",
        )
    })
}

/// The element being read: its text, the length without trailing unquoted blanks, whether any
/// of it was quoted or escaped (then it is never the NULL marker), and whether it has begun.
#[derive(Default)]
struct Elem {
    text: String,
    end: usize,
    quoted: bool,
    started: bool,
}

impl Elem {
    /// Ends the element (if one has begun) as the next item of the innermost level.
    fn finish(&mut self, stack: &mut [Level]) {
        if !self.started {
            return;
        }
        let mut done = std::mem::take(self);
        done.text.truncate(done.end);
        let v = if !done.quoted && done.text.eq_ignore_ascii_case("NULL") {
            None
        } else {
            Some(done.text)
        };
        if let Some(level) = stack.last_mut() {
            level.elems.push(v);
        }
    }
}

/// The brace structure (PostgreSQL's `ArrayCount` and `ReadArrayStr` in one pass). Errors
/// quote the text from the first `{` on, as PostgreSQL's do.
fn parse_braces(s: &str) -> Result<Parsed> {
    let text = s;
    let unexpected = |c: char| malformed(text, format!("Unexpected \"{c}\" character."));
    let unexpected_elem = || malformed(text, "Unexpected array element.");
    let end = || malformed(text, "Unexpected end of input.");
    let mismatch = || {
        malformed(
            text,
            "Multidimensional arrays must have sub-arrays with matching dimensions.",
        )
    };

    let mut state = State::NoLevel;
    let mut stack: Vec<Level> = Vec::new();
    let mut in_quotes = false;
    let mut cur = Elem::default();
    let mut result: Option<Level> = None;
    // PostgreSQL's early check: the item count of the last level closed at each depth (0
    // meaning none yet), compared when the next level at that depth closes.
    let mut last_count = [0usize; MAX_DIMS];
    // Sub-arrays of different shapes (that PostgreSQL 15's count check does not catch).
    let mut ragged = false;
    let mut chars = s.chars();

    while let Some(c) = chars.next() {
        if result.is_some() {
            if !is_space(c) {
                return Err(malformed(text, "Junk after closing right brace."));
            }
            continue;
        }
        match c {
            '\\' => {
                if !matches!(
                    state,
                    State::LevelStarted
                        | State::ElemStarted
                        | State::QuotedElemStarted
                        | State::ElemDelimited
                ) {
                    return Err(unexpected('\\'));
                }
                if state != State::QuotedElemStarted {
                    state = State::ElemStarted;
                }
                let Some(next) = chars.next() else {
                    return Err(end());
                };
                cur.text.push(next);
                cur.end = cur.text.len();
                cur.quoted = true;
                cur.started = true;
            }
            '"' => {
                if !matches!(
                    state,
                    State::LevelStarted | State::QuotedElemStarted | State::ElemDelimited
                ) {
                    return Err(unexpected_elem());
                }
                in_quotes = !in_quotes;
                state = if in_quotes {
                    State::QuotedElemStarted
                } else {
                    cur.end = cur.text.len();
                    State::QuotedElemCompleted
                };
                cur.quoted = true;
                cur.started = true;
            }
            _ if in_quotes => {
                cur.text.push(c);
            }
            '{' => {
                if !matches!(
                    state,
                    State::NoLevel | State::LevelStarted | State::LevelDelimited
                ) {
                    return Err(unexpected('{'));
                }
                if stack.len() >= MAX_DIMS {
                    return Err(too_many_dims(stack.len() + 1));
                }
                state = State::LevelStarted;
                stack.push(Level::default());
            }
            '}' => {
                let ok = matches!(
                    state,
                    State::ElemStarted | State::QuotedElemCompleted | State::LevelCompleted
                ) || (stack.len() == 1 && state == State::LevelStarted);
                if !ok {
                    return Err(unexpected('}'));
                }
                state = State::LevelCompleted;
                cur.finish(&mut stack);
                let Some(done) = stack.pop() else {
                    return Err(unexpected('}'));
                };
                let count = if done.sub_dims.is_some() {
                    done.subs
                } else {
                    done.elems.len()
                }
                .max(1);
                if let Some(last) = last_count.get_mut(stack.len()) {
                    if *last != 0 && *last != count {
                        return Err(mismatch());
                    }
                    *last = count;
                }
                let dims = level_dims(&done);
                match stack.last_mut() {
                    Some(parent) => {
                        match &parent.sub_dims {
                            // Reported once the whole literal has been read, so that
                            // PostgreSQL's syntax errors come first.
                            Some(d) if *d != dims => ragged = true,
                            Some(_) => {}
                            None => parent.sub_dims = Some(dims),
                        }
                        parent.subs += 1;
                        parent.elems.extend(done.elems);
                    }
                    None => result = Some(done),
                }
            }
            ',' => {
                if !matches!(
                    state,
                    State::ElemStarted | State::QuotedElemCompleted | State::LevelCompleted
                ) {
                    return Err(unexpected(','));
                }
                state = if state == State::LevelCompleted {
                    State::LevelDelimited
                } else {
                    State::ElemDelimited
                };
                cur.finish(&mut stack);
            }
            c if is_space(c) => {
                if cur.started {
                    cur.text.push(c);
                }
            }
            c => {
                if !matches!(
                    state,
                    State::LevelStarted | State::ElemStarted | State::ElemDelimited
                ) {
                    return Err(unexpected_elem());
                }
                state = State::ElemStarted;
                cur.text.push(c);
                cur.end = cur.text.len();
                cur.started = true;
            }
        }
    }
    let Some(top) = result else {
        return Err(end());
    };
    if ragged {
        return Ok(Parsed {
            dims: Vec::new(),
            elems: Vec::new(),
            ragged: true,
        });
    }
    let dims = level_dims(&top);
    if top.elems.is_empty() {
        return Ok(Parsed {
            dims: Vec::new(),
            elems: Vec::new(),
            ragged: false,
        });
    }
    Ok(Parsed {
        dims,
        elems: top.elems,
        ragged: false,
    })
}

/// The dimensions of a completed level.
fn level_dims(level: &Level) -> Vec<usize> {
    match &level.sub_dims {
        Some(inner) => {
            let mut d = vec![level.subs];
            d.extend(inner);
            d
        }
        None => vec![level.elems.len()],
    }
}

/// `array_in`: the literal → storage form, each element through the element type's input
/// (with `typmod`).
pub fn array_in(env: &Env, elem: Type, s: &str, typmod: Typmod) -> Result<Value> {
    let parsed = parse_literal(s)?;
    if parsed.elems.len() > MAX_ITEMS {
        return Err(size_exceeded());
    }
    let items = parsed
        .elems
        .iter()
        .map(|e| match e {
            None => Ok(Value::Null),
            Some(t) => io::input(elem, env, t, typmod),
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Array {
        dims: parsed.dims,
        items,
    }
    .to_value())
}

/// 54000 `array size exceeds the maximum allowed`.
pub fn size_exceeded() -> SqlError {
    SqlError::new(
        sqlstate::PROGRAM_LIMIT_EXCEEDED,
        format!("array size exceeds the maximum allowed ({MAX_ITEMS})"),
    )
}

/// Appends one element's text as `array_out` writes it.
pub fn quote_elem(s: &str, out: &mut String) {
    let needs = s.is_empty()
        || s.eq_ignore_ascii_case("NULL")
        || s.chars()
            .any(|c| matches!(c, '{' | '}' | ',' | '"' | '\\') || is_space(c));
    if !needs {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}

/// `array_out` of a decoded array.
pub fn format_array(env: &Env, elem: Type, a: &Array) -> String {
    let mut out = String::new();
    if a.is_empty() {
        out.push_str("{}");
        return out;
    }
    let mut items = a.items.iter();
    write_level(env, elem, &a.dims, &mut items, &mut out);
    out
}

fn write_level(
    env: &Env,
    elem: Type,
    dims: &[usize],
    items: &mut std::slice::Iter<'_, Value>,
    out: &mut String,
) {
    let Some((&n, rest)) = dims.split_first() else {
        return;
    };
    out.push('{');
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        if rest.is_empty() {
            match io::output(elem, env, items.next().unwrap_or(&Value::Null)) {
                None => out.push_str("NULL"),
                Some(t) => quote_elem(&t, out),
            }
        } else {
            write_level(env, elem, rest, items, out);
        }
    }
    out.push('}');
}

/// `array_out`: the storage form → the literal. A stored value that is not a valid array
/// (written by something else) is shown as it is.
pub fn array_out(env: &Env, elem: Type, v: &Value) -> String {
    match v.as_text().map(|t| Array::decode(elem, t)) {
        Some(Ok(a)) => format_array(env, elem, &a),
        _ => crate::types::text::text_out(v),
    }
}

fn put_i32(buf: &mut Vec<u8>, v: i32) {
    buf.extend_from_slice(&v.to_be_bytes());
}

fn to_i32(n: usize) -> Result<i32> {
    i32::try_from(n).map_err(|_| size_exceeded())
}

/// `array_send`: ndim, has-nulls flag, element type, (size, lower bound) per dimension, then
/// each element as length + binary form (-1 for NULL).
pub fn array_send(env: &Env, elem: Type, v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    let a = Array::decode(elem, v.as_text().unwrap_or("[]"))?;
    put_i32(buf, to_i32(a.ndims())?);
    put_i32(buf, i32::from(a.items.iter().any(Value::is_null)));
    put_i32(buf, i32::try_from(elem.oid()).unwrap_or(0));
    for &d in &a.dims {
        put_i32(buf, to_i32(d)?);
        put_i32(buf, 1);
    }
    for item in &a.items {
        if item.is_null() {
            put_i32(buf, -1);
            continue;
        }
        let mut b = Vec::new();
        io::send(elem, env, item, &mut b)?;
        put_i32(buf, to_i32(b.len())?);
        buf.extend_from_slice(&b);
    }
    Ok(())
}

fn binary_error(msg: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::INVALID_BINARY_REPRESENTATION, msg)
}

/// Reads big-endian integers and byte runs from a binary value.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n);
        let b = end
            .and_then(|e| self.bytes.get(self.pos..e))
            .ok_or_else(|| binary_error("insufficient data left in message"))?;
        self.pos += n;
        Ok(b)
    }

    fn i32(&mut self) -> Result<i32> {
        let b = self.take(4)?;
        Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// `array_recv`.
pub fn array_recv(env: &Env, elem: Type, bytes: &[u8], typmod: Typmod) -> Result<Value> {
    let mut r = Reader { bytes, pos: 0 };
    let ndim = r.i32()?;
    if !(0..=6).contains(&ndim) {
        return Err(binary_error(format!(
            "invalid number of dimensions: {ndim}"
        )));
    }
    let flags = r.i32()?;
    if flags != 0 && flags != 1 {
        return Err(binary_error("invalid array flags"));
    }
    let oid = r.i32()?;
    if u32::try_from(oid).ok() != Some(elem.oid()) {
        let got = u32::try_from(oid).unwrap_or(0);
        return Err(SqlError::new(
            sqlstate::DATATYPE_MISMATCH,
            format!(
                "binary data has array element type {got} ({}) instead of expected {} ({})",
                Type::lookup(got).map_or_else(
                    || "???".to_string(),
                    |_| crate::types::format_type(Type(got), -1)
                ),
                elem.oid(),
                crate::types::format_type(elem, -1)
            ),
        ));
    }
    let mut dims = Vec::new();
    let mut total: usize = 1;
    for _ in 0..ndim {
        let d = r.i32()?;
        let lb = r.i32()?;
        let d = usize::try_from(d).map_err(|_| size_exceeded())?;
        if lb != 1 {
            return Err(SqlError::not_supported(
                "array lower bounds other than 1 are not supported",
            ));
        }
        total = total.checked_mul(d).ok_or_else(size_exceeded)?;
        dims.push(d);
    }
    if total > MAX_ITEMS {
        return Err(size_exceeded());
    }
    if ndim == 0 || total == 0 {
        return Ok(Array::default().to_value());
    }
    let mut items = Vec::with_capacity(total.min(bytes.len() / 4 + 1));
    for _ in 0..total {
        let len = r.i32()?;
        if len == -1 {
            items.push(Value::Null);
            continue;
        }
        let len =
            usize::try_from(len).map_err(|_| binary_error("insufficient data left in message"))?;
        let data = r.take(len)?;
        items.push(io::recv(elem, env, data, typmod)?);
    }
    Ok(Array { dims, items }.to_value())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(elem: Type, s: &str) -> Result<String> {
        array_in(&Env::default(), elem, s, -1).map(|v| v.as_text().unwrap_or("").to_string())
    }

    fn detail(s: &str) -> String {
        let e = input(Type::TEXT, s).unwrap_err();
        assert_eq!(
            e.message,
            format!("malformed array literal: \"{s}\""),
            "{s}"
        );
        assert_eq!(e.sqlstate, sqlstate::INVALID_TEXT_REPRESENTATION);
        e.detail.unwrap_or_default()
    }

    fn round(elem: Type, s: &str) -> String {
        let env = Env::default();
        let v = array_in(&env, elem, s, -1).unwrap();
        array_out(&env, elem, &v)
    }

    #[test]
    fn malformed_literals_as_postgresql() {
        // Each DETAIL from PostgreSQL 15 (`select '<literal>'::text[]`).
        let cases = [
            (
                "1",
                "Array value must start with \"{\" or dimension information.",
            ),
            (
                "",
                "Array value must start with \"{\" or dimension information.",
            ),
            (
                "   ",
                "Array value must start with \"{\" or dimension information.",
            ),
            (
                "}",
                "Array value must start with \"{\" or dimension information.",
            ),
            ("{1,2", "Unexpected end of input."),
            ("{1,2}x", "Junk after closing right brace."),
            ("{1} 2", "Junk after closing right brace."),
            ("{}}", "Junk after closing right brace."),
            ("{a}}", "Junk after closing right brace."),
            (
                "{{1,2},{3}}",
                "Multidimensional arrays must have sub-arrays with matching dimensions.",
            ),
            (
                "{{1},{2,3}}",
                "Multidimensional arrays must have sub-arrays with matching dimensions.",
            ),
            (
                "{{1},{2},{3,4}}",
                "Multidimensional arrays must have sub-arrays with matching dimensions.",
            ),
            (
                "{{1,2},{{3}}}",
                "Multidimensional arrays must have sub-arrays with matching dimensions.",
            ),
            ("{{1,2},3}", "Unexpected array element."),
            ("{1,{2}}", "Unexpected \"{\" character."),
            ("{1,,2}", "Unexpected \",\" character."),
            ("{,}", "Unexpected \",\" character."),
            ("{,a}", "Unexpected \",\" character."),
            ("{a,}", "Unexpected \"}\" character."),
            ("{{1},}", "Unexpected \"}\" character."),
            ("{{}}", "Unexpected \"}\" character."),
            ("{{},{}}", "Unexpected \"}\" character."),
            ("{\"a}", "Unexpected end of input."),
            ("{a\"b\"}", "Unexpected array element."),
            ("{\"a\"b}", "Unexpected array element."),
            ("{\"a\" \"b\"}", "Unexpected array element."),
            ("{{1} 2}", "Unexpected array element."),
            ("{a\\}", "Unexpected end of input."),
            ("{a\\", "Unexpected end of input."),
            ("{{a}", "Unexpected end of input."),
            ("{\"a\"\\b}", "Unexpected \"\\\" character."),
            ("{{1}\\x}", "Unexpected \"\\\" character."),
            (
                "[1:2]={1,2,3}",
                "Specified array dimensions do not match array contents.",
            ),
            (
                "[1:1][1:2]={a,b}",
                "Specified array dimensions do not match array contents.",
            ),
            (
                "[1:1]={}",
                "Specified array dimensions do not match array contents.",
            ),
            ("[1:2={1,2}", "Missing \"]\" after array dimensions."),
            (
                "[a:2]={1,2}",
                "\"[\" must introduce explicitly-specified array dimensions.",
            ),
            (
                "[]={}",
                "\"[\" must introduce explicitly-specified array dimensions.",
            ),
            ("[1:]={a}", "Missing array dimension value."),
            ("[1:1]", "Missing \"=\" after array dimensions."),
            ("[1:1]{a}", "Missing \"=\" after array dimensions."),
            ("[1:1]=a", "Array contents must start with \"{\"."),
        ];
        for (s, want) in cases {
            assert_eq!(detail(s), want, "{s}");
        }
        let e = input(Type::INT4, "{{{{{{{1}}}}}}}").unwrap_err();
        assert_eq!(e.sqlstate, sqlstate::PROGRAM_LIMIT_EXCEEDED);
        assert_eq!(
            e.message,
            "number of array dimensions (7) exceeds the maximum allowed (6)"
        );
        let e = input(Type::INT4, "[2:1]={}").unwrap_err();
        assert_eq!(e.message, "upper bound cannot be less than lower bound");
        assert_eq!(e.sqlstate, sqlstate::ARRAY_SUBSCRIPT_ERROR);
        let e = input(Type::INT4, "[0:2]={1,2,3}").unwrap_err();
        assert_eq!(e.sqlstate, sqlstate::FEATURE_NOT_SUPPORTED);
        let e = input(Type::INT4, "{x}").unwrap_err();
        assert_eq!(e.message, "invalid input syntax for type integer: \"x\"");
    }

    #[test]
    fn reads_and_writes_as_postgresql() {
        assert_eq!(input(Type::INT4, "{1,2,3}").unwrap(), "[1,2,3]");
        assert_eq!(input(Type::INT4, " { 1 , 2 } ").unwrap(), "[1,2]");
        assert_eq!(input(Type::INT4, "{{1,2},{3,4}}").unwrap(), "[[1,2],[3,4]]");
        assert_eq!(input(Type::INT4, "{{1},{NULL}}").unwrap(), "[[1],[null]]");
        assert_eq!(input(Type::INT4, "{}").unwrap(), "[]");
        assert_eq!(input(Type::INT4, "{ }").unwrap(), "[]");
        assert_eq!(input(Type::INT4, "[1:3]={1,2,3}").unwrap(), "[1,2,3]");
        assert_eq!(input(Type::INT4, "[2]={1,2}").unwrap(), "[1,2]");
        assert_eq!(
            input(Type::INT4, "[1:2][1:1]={{1},{2}}").unwrap(),
            "[[1],[2]]"
        );
        assert_eq!(input(Type::INT4, "[1:1] = {1}").unwrap(), "[1]");
        assert_eq!(input(Type::INT4, "{\"1\"}").unwrap(), "[1]");
        assert_eq!(input(Type::BOOL, "{t,f,NULL}").unwrap(), "[1,0,null]");
        // select '…'::text[] on PostgreSQL 15.
        let t = |s: &str| round(Type::TEXT, s);
        assert_eq!(t("{ {1}}"), "{{1}}");
        assert_eq!(t("{1 2}"), "{\"1 2\"}");
        assert_eq!(t("{ \"a\" , \"b\" }"), "{a,b}");
        assert_eq!(t("{a\\,b}"), "{\"a,b\"}");
        assert_eq!(t("{\\\\}"), "{\"\\\\\"}");
        assert_eq!(t("{\"\\a\"}"), "{a}");
        assert_eq!(t("{ a\\  }"), "{\"a \"}");
        assert_eq!(t("{\"\"}"), "{\"\"}");
        assert_eq!(t("{\" \"}"), "{\" \"}");
        assert_eq!(t("{ \"a b\" , c d }"), "{\"a b\",\"c d\"}");
        assert_eq!(
            t("{NULL, null, \"NULL\", nULL}"),
            "{NULL,NULL,\"NULL\",NULL}"
        );
        assert_eq!(t("{\"\\\\\", \"\\\"\"}"), "{\"\\\\\",\"\\\"\"}");
        assert_eq!(t("{{\"a\",\"b\"},{c,d}}"), "{{a,b},{c,d}}");
        assert_eq!(
            t(
                "{\"a b\",\"\",\" \",\"NULL\",\"null\",\"{\",\"\\\\\",\"\\\"\",a,\"x,y\",é,\"\t\", \"a}\"}"
            ),
            "{\"a b\",\"\",\" \",\"NULL\",\"null\",\"{\",\"\\\\\",\"\\\"\",a,\"x,y\",é,\"\t\",\"a}\"}"
        );
        assert_eq!(round(Type::BOOL, "{t,f}"), "{t,f}");
        // select '{"{\"b\":1, \"a\" : 2}",null}'::jsonb[] on PostgreSQL 15.
        assert_eq!(
            round(Type::JSONB, r#"{"{\"b\":1, \"a\" : 2}",null}"#),
            r#"{"{\"a\": 2, \"b\": 1}",NULL}"#
        );
        assert_eq!(round(Type::INT4, "{}"), "{}");
        assert_eq!(round(Type::INT4, "{{1,NULL},{3,4}}"), "{{1,NULL},{3,4}}");
    }

    #[test]
    fn binary_round_trip() {
        let env = Env::default();
        let v = array_in(&env, Type::TEXT, "{{a,NULL},{c,d}}", -1).unwrap();
        let mut buf = Vec::new();
        array_send(&env, Type::TEXT, &v, &mut buf).unwrap();
        let mut want = Vec::new();
        for x in [2i32, 1, 25, 2, 1, 2, 1, 1] {
            want.extend_from_slice(&x.to_be_bytes());
        }
        want.extend_from_slice(b"a");
        want.extend_from_slice(&(-1i32).to_be_bytes());
        want.extend_from_slice(&1i32.to_be_bytes());
        want.extend_from_slice(b"c");
        want.extend_from_slice(&1i32.to_be_bytes());
        want.extend_from_slice(b"d");
        assert_eq!(buf, want);
        assert_eq!(array_recv(&env, Type::TEXT, &buf, -1).unwrap(), v);

        // select array_send(array[true,false]) on PostgreSQL 15.
        let b = array_in(&env, Type::BOOL, "{t,f}", -1).unwrap();
        let mut bb = Vec::new();
        array_send(&env, Type::BOOL, &b, &mut bb).unwrap();
        assert_eq!(
            bb,
            [
                0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0,
                0, 1, 0
            ]
        );
        assert_eq!(array_recv(&env, Type::BOOL, &bb, -1).unwrap(), b);

        let mut empty = Vec::new();
        array_send(&env, Type::BOOL, &Value::Text("[]".into()), &mut empty).unwrap();
        assert_eq!(empty, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16]);
        assert_eq!(
            array_recv(&env, Type::BOOL, &empty, -1).unwrap(),
            Value::Text("[]".into())
        );

        let e = array_recv(&env, Type::INT4, &want, -1).unwrap_err();
        assert_eq!(
            e.message,
            "binary data has array element type 25 (text) instead of expected 23 (integer)"
        );
        assert_eq!(
            array_recv(&env, Type::TEXT, &want[..30], -1)
                .unwrap_err()
                .message,
            "insufficient data left in message"
        );
        let mut bad = want.clone();
        bad[3] = 7;
        assert_eq!(
            array_recv(&env, Type::TEXT, &bad, -1).unwrap_err().message,
            "invalid number of dimensions: 7"
        );
    }
}
