//! The string functions of PostgreSQL 15 over text (and bpchar where the result differs):
//! lengths, case mapping, substrings, trimming, padding, splitting, hashing, quoting.
//!
//! Semantics are those of a database with `LC_CTYPE = C`: case mapping touches ASCII letters
//! only. Positions and lengths count characters. Every function that can build a large result
//! checks minipg's value limit first (54000 `requested length too large`; PostgreSQL's limit is
//! 1 GB, minipg's [`crate::value::MAX_VALUE_BYTES`]).

use super::{int_arg, text_arg};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::value::Value;

/// The largest value a function builds (PostgreSQL's `MaxAllocSize`, 1 GB, lowered to
/// minipg's value limit).
pub const MAX_ALLOC: i64 = crate::value::MAX_VALUE_BYTES as i64;
/// A varlena's header size.
const VARHDRSZ: i64 = 4;
/// The longest UTF-8 character.
const MAX_CHAR_BYTES: i64 = 4;

pub fn too_large() -> SqlError {
    SqlError::new(
        sqlstate::PROGRAM_LIMIT_EXCEEDED,
        "requested length too large",
    )
}

/// `have + more` bytes, or 54000 when that passes the value limit (for aggregates that keep
/// their inputs until the end).
pub fn check_value_size(have: usize, more: usize) -> Result<usize> {
    let total = have.saturating_add(more);
    if i64::try_from(total).unwrap_or(i64::MAX) > MAX_ALLOC {
        return Err(too_large());
    }
    Ok(total)
}

/// How a [`ListAgg`] writes one row's value: the session, the value, how many rows it holds
/// already, the text to append to.
pub type RenderRow = Box<dyn Fn(&Env, &Value, usize, &mut String) -> Result<()> + Send>;

/// An aggregate of the rows' texts (`array_agg`, `json_agg`), kept one by one so that a moving
/// window frame can drop the oldest, and joined as `[a<sep>b…]` (an array's or a JSON array's
/// text); NULL for no rows.
pub struct ListAgg {
    items: std::collections::VecDeque<String>,
    /// Bytes of `items` with their separators, checked against the value limit before each
    /// item is kept.
    bytes: usize,
    sep: &'static str,
    render: RenderRow,
}

impl ListAgg {
    pub fn new(sep: &'static str, render: RenderRow) -> ListAgg {
        ListAgg {
            items: std::collections::VecDeque::new(),
            bytes: 0,
            sep,
            render,
        }
    }
}

impl crate::func::Accumulator for ListAgg {
    fn step(&mut self, env: &Env, args: &[Value]) -> Result<()> {
        let mut s = String::new();
        (self.render)(
            env,
            args.first().unwrap_or(&Value::Null),
            self.items.len(),
            &mut s,
        )?;
        self.bytes = check_value_size(self.bytes, s.len() + self.sep.len())?;
        self.items.push_back(s);
        Ok(())
    }

    fn inverse(&mut self, _env: &Env, _args: &[Value]) -> Result<()> {
        if let Some(s) = self.items.pop_front() {
            self.bytes = self.bytes.saturating_sub(s.len() + self.sep.len());
        }
        Ok(())
    }

    fn value(&mut self, _env: &Env) -> Result<Value> {
        if self.items.is_empty() {
            return Ok(Value::Null);
        }
        let mut out = String::with_capacity(self.bytes + 2);
        out.push('[');
        for (i, s) in self.items.iter().enumerate() {
            if i > 0 {
                out.push_str(self.sep);
            }
            out.push_str(s);
        }
        out.push(']');
        Ok(Value::Text(out))
    }
}

fn text(s: impl Into<String>) -> Value {
    Value::Text(s.into())
}

fn int(n: usize) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

/// 22011 `negative substring length not allowed`.
pub fn negative_substring_length() -> SqlError {
    SqlError::new(
        sqlstate::SUBSTRING_ERROR,
        "negative substring length not allowed",
    )
}

/// PostgreSQL's substring arithmetic over a sequence of `total` items: start `start` (1-based,
/// may be ≤ 0), optional length → (offset, count) of the items taken.
pub fn substring_range(total: usize, start: i64, len: Option<i64>) -> Result<(usize, usize)> {
    let total_i = i64::try_from(total).unwrap_or(i64::MAX);
    let first = start.max(1);
    let end = match len {
        None => total_i.saturating_add(1),
        Some(l) if l < 0 => return Err(negative_substring_length()),
        Some(l) => start.saturating_add(l),
    };
    if end <= first || first > total_i {
        return Ok((0, 0));
    }
    let end = end.min(total_i.saturating_add(1));
    let off = usize::try_from(first - 1).unwrap_or(0);
    let count = usize::try_from(end - first).unwrap_or(0);
    Ok((off, count))
}

/// The characters `[off, off+count)` of `s`.
pub fn char_slice(s: &str, off: usize, count: usize) -> &str {
    let mut it = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    let Some(b) = it.nth(off) else { return "" };
    let e = if count == 0 {
        b
    } else {
        it.nth(count - 1).unwrap_or(s.len())
    };
    s.get(b..e).unwrap_or_default()
}

/// `substr(text, int[, int])` (reads only as far as the substring ends).
pub fn substr_text(s: &str, start: i64, len: Option<i64>) -> Result<String> {
    let first = start.max(1);
    let end = match len {
        None => i64::MAX,
        Some(l) if l < 0 => return Err(negative_substring_length()),
        Some(l) => start.saturating_add(l),
    };
    if end <= first {
        return Ok(String::new());
    }
    let off = usize::try_from(first - 1).unwrap_or(usize::MAX);
    let count = usize::try_from(end - first).unwrap_or(usize::MAX);
    Ok(char_slice(s, off, count).to_string())
}

pub fn substr(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let start = int_arg(args, 1)?;
    let len = if args.len() > 2 {
        Some(int_arg(args, 2)?)
    } else {
        None
    };
    Ok(text(substr_text(&s, start, len)?))
}

pub fn length(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(int(text_arg(args, 0)?.chars().count()))
}

/// `length(bpchar)`: trailing blanks do not count.
pub fn bpchar_length(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(int(text_arg(args, 0)?
        .trim_end_matches(' ')
        .chars()
        .count()))
}

pub fn octet_length(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(int(text_arg(args, 0)?.len()))
}

pub fn bit_length(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(int(text_arg(args, 0)?.len().saturating_mul(8)))
}

pub fn lower(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(text(text_arg(args, 0)?.to_ascii_lowercase()))
}

pub fn upper(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(text(text_arg(args, 0)?.to_ascii_uppercase()))
}

/// `initcap`: a letter after an ASCII letter or digit is lowered, any other is raised (ASCII
/// letters only, as in the C locale).
pub fn initcap(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let mut out = String::with_capacity(s.len());
    let mut after_alnum = false;
    for c in s.chars() {
        out.push(if after_alnum {
            c.to_ascii_lowercase()
        } else {
            c.to_ascii_uppercase()
        });
        after_alnum = c.is_ascii_alphanumeric();
    }
    Ok(text(out))
}

/// 1-based character position of `needle` in `hay`, 0 when absent (1 for an empty needle).
pub fn position_of(hay: &str, needle: &str) -> usize {
    match hay.find(needle) {
        Some(b) => hay.get(..b).map_or(0, |p| p.chars().count()) + 1,
        None => 0,
    }
}

/// `strpos(string, substring)` / `position(substring in string)` (same argument order as
/// `pg_proc`: string first).
pub fn strpos(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(int(position_of(&text_arg(args, 0)?, &text_arg(args, 1)?)))
}

fn trim_set(s: &str, set: &str, left: bool, right: bool) -> String {
    let in_set = |c: char| set.contains(c);
    let mut r = s;
    if left {
        r = r.trim_start_matches(in_set);
    }
    if right {
        r = r.trim_end_matches(in_set);
    }
    r.to_string()
}

fn trim_common(args: &[Value], left: bool, right: bool) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let set = if args.len() > 1 {
        text_arg(args, 1)?
    } else {
        " ".into()
    };
    Ok(text(trim_set(&s, &set, left, right)))
}

pub fn btrim(_env: &Env, args: &[Value]) -> Result<Value> {
    trim_common(args, true, true)
}

pub fn ltrim(_env: &Env, args: &[Value]) -> Result<Value> {
    trim_common(args, true, false)
}

pub fn rtrim(_env: &Env, args: &[Value]) -> Result<Value> {
    trim_common(args, false, true)
}

/// `overlay(s placing r from p [for n])` = `substr(s, 1, p-1) || r || substr(s, p+n)`.
pub fn overlay(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let r = text_arg(args, 1)?;
    let start = int_arg(args, 2)?;
    let count = if args.len() > 3 {
        int_arg(args, 3)?
    } else {
        i64::try_from(r.chars().count()).unwrap_or(i64::MAX)
    };
    let after = overlay_after(start, count)?;
    let mut out = substr_text(&s, 1, Some(start - 1))?;
    out.push_str(&r);
    out.push_str(&substr_text(&s, after, None)?);
    Ok(text(out))
}

/// The start of overlay's tail, checking PostgreSQL's int4 arithmetic and its errors.
pub fn overlay_after(start: i64, count: i64) -> Result<i64> {
    let after = start
        .checked_add(count)
        .filter(|v| i32::try_from(*v).is_ok());
    let after = after.ok_or_else(|| SqlError::out_of_range("integer out of range"))?;
    if start < 1 {
        return Err(negative_substring_length());
    }
    Ok(after)
}

pub fn replace(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let from = text_arg(args, 1)?;
    let to = text_arg(args, 2)?;
    if from.is_empty() || s.is_empty() {
        return Ok(text(s.into_owned()));
    }
    let n = s.matches(from.as_ref()).count();
    let grow = i64::try_from(to.len()).unwrap_or(i64::MAX) - i64::try_from(from.len()).unwrap_or(0);
    let size = i64::try_from(s.len())
        .unwrap_or(i64::MAX)
        .saturating_add(grow.saturating_mul(i64::try_from(n).unwrap_or(i64::MAX)));
    if size > MAX_ALLOC - VARHDRSZ {
        return Err(too_large());
    }
    Ok(text(s.replace(from.as_ref(), &to)))
}

/// `split_part(string, delimiter, n)`: negative n counts from the end (PostgreSQL 14+).
pub fn split_part(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let delim = text_arg(args, 1)?;
    let n = int_arg(args, 2)?;
    if n == 0 {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            "field position must not be zero",
        ));
    }
    if s.is_empty() {
        return Ok(text(""));
    }
    if delim.is_empty() {
        return Ok(text(if n == 1 || n == -1 {
            s.into_owned()
        } else {
            String::new()
        }));
    }
    let part = if n > 0 {
        usize::try_from(n - 1)
            .ok()
            .and_then(|i| s.split(delim.as_ref()).nth(i))
    } else {
        // Fields are found left to right even when counted from the end.
        let fields: Vec<&str> = s.split(delim.as_ref()).collect();
        usize::try_from(n.unsigned_abs())
            .ok()
            .and_then(|back| fields.len().checked_sub(back))
            .and_then(|i| fields.get(i).copied())
    };
    Ok(text(part.unwrap_or_default()))
}

/// `left(s, n)`: the first n characters; negative n: all but the last |n|.
pub fn left(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let n = int_arg(args, 1)?;
    let keep = if n >= 0 {
        usize::try_from(n).unwrap_or(usize::MAX)
    } else {
        let total = s.chars().count();
        total.saturating_sub(usize::try_from(n.unsigned_abs()).unwrap_or(usize::MAX))
    };
    Ok(text(char_slice(&s, 0, keep)))
}

/// `right(s, n)`: the last n characters; negative n: all but the first |n|.
pub fn right(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let n = int_arg(args, 1)?;
    let total = s.chars().count();
    let skip = if n >= 0 {
        total.saturating_sub(usize::try_from(n).unwrap_or(usize::MAX))
    } else {
        usize::try_from(n.unsigned_abs())
            .unwrap_or(usize::MAX)
            .min(total)
    };
    Ok(text(char_slice(&s, skip, total - skip)))
}

fn pad(args: &[Value], on_left: bool) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let len = int_arg(args, 1)?.max(0);
    let fill = if args.len() > 2 {
        text_arg(args, 2)?
    } else {
        " ".into()
    };
    let slen = i64::try_from(s.chars().count()).unwrap_or(i64::MAX);
    let keep = slen.min(len);
    let len = if fill.is_empty() { keep } else { len };
    if len.saturating_mul(MAX_CHAR_BYTES).saturating_add(VARHDRSZ) > MAX_ALLOC {
        return Err(too_large());
    }
    let keep_u = usize::try_from(keep).unwrap_or(0);
    let padn = usize::try_from(len - keep).unwrap_or(0);
    let body = char_slice(&s, 0, keep_u);
    let padding: String = fill.chars().cycle().take(padn).collect();
    Ok(text(if on_left {
        padding + body
    } else {
        let mut b = body.to_string();
        b.push_str(&padding);
        b
    }))
}

pub fn lpad(_env: &Env, args: &[Value]) -> Result<Value> {
    pad(args, true)
}

pub fn rpad(_env: &Env, args: &[Value]) -> Result<Value> {
    pad(args, false)
}

pub fn repeat(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let n = int_arg(args, 1)?;
    if n <= 0 {
        return Ok(text(""));
    }
    let total = i32::try_from(s.len())
        .ok()
        .and_then(|l| i32::try_from(n).ok().and_then(|n| l.checked_mul(n)))
        .and_then(|t| t.checked_add(4));
    match total {
        Some(t) if i64::from(t) <= MAX_ALLOC => {}
        _ => return Err(too_large()),
    }
    Ok(text(s.repeat(usize::try_from(n).unwrap_or(0))))
}

pub fn reverse(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(text(text_arg(args, 0)?.chars().rev().collect::<String>()))
}

/// `translate(s, from, to)`: each character of `from` becomes the character at the same place
/// in `to`, or is deleted when `to` is shorter; the first occurrence in `from` counts.
pub fn translate(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let from: Vec<char> = text_arg(args, 1)?.chars().collect();
    let to: Vec<char> = text_arg(args, 2)?.chars().collect();
    let out: String = s
        .chars()
        .filter_map(|c| match from.iter().position(|f| *f == c) {
            Some(i) => to.get(i).copied(),
            None => Some(c),
        })
        .collect();
    Ok(text(out))
}

pub fn ascii(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(
        text_arg(args, 0)?
            .chars()
            .next()
            .map_or(0, |c| i64::from(u32::from(c))),
    ))
}

pub fn chr(_env: &Env, args: &[Value]) -> Result<Value> {
    let n = int_arg(args, 0)?;
    if n < 0 {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            "character number must be positive",
        ));
    }
    if n == 0 {
        return Err(SqlError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            "null character not permitted",
        ));
    }
    if n > 0x10ffff {
        return Err(SqlError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            format!("requested character too large for encoding: {n}"),
        ));
    }
    let c = u32::try_from(n)
        .ok()
        .and_then(char::from_u32)
        .ok_or_else(|| {
            SqlError::new(
                sqlstate::PROGRAM_LIMIT_EXCEEDED,
                format!("requested character not valid for encoding: {n}"),
            )
        })?;
    Ok(text(c.to_string()))
}

pub fn starts_with(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let p = text_arg(args, 1)?;
    Ok(Value::from(s.starts_with(p.as_ref())))
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

pub fn md5_hex(bytes: &[u8]) -> String {
    use md5::Digest;
    hex(&md5::Md5::digest(bytes))
}

pub fn md5(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(text(md5_hex(text_arg(args, 0)?.as_bytes())))
}

/// `to_hex(int4)`: two's complement for negative numbers.
pub fn to_hex32(_env: &Env, args: &[Value]) -> Result<Value> {
    let n = int_arg(args, 0)?;
    let n = i32::try_from(n).map_err(|_| SqlError::out_of_range("integer out of range"))?;
    Ok(text(format!("{:x}", n.cast_unsigned())))
}

/// `to_hex(int8)`.
pub fn to_hex64(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(text(format!("{:x}", int_arg(args, 0)?.cast_unsigned())))
}

/// Keywords that `quote_ident` must quote (every keyword category but unreserved), from
/// PostgreSQL 15's `pg_get_keywords()`; sorted.
static QUOTED_KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// PostgreSQL's `quote_identifier`: double-quoted unless a plain lower-case identifier that
/// is not a reserved (or column-name / type-function-name) keyword.
pub fn quote_identifier(s: &str) -> String {
    let plain = s
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && QUOTED_KEYWORDS.binary_search(&s).is_err();
    if plain {
        s.to_string()
    } else {
        let mut q = String::with_capacity(s.len() + 2);
        q.push('"');
        for c in s.chars() {
            if c == '"' {
                q.push('"');
            }
            q.push(c);
        }
        q.push('"');
        q
    }
}

/// PostgreSQL's `quote_literal`: single quotes doubled; with a backslash, `E'…'` with
/// backslashes doubled.
pub fn quote_literal_str(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 3);
    if s.contains('\\') {
        q.push('E');
    }
    q.push('\'');
    for c in s.chars() {
        if c == '\'' || c == '\\' {
            q.push(c);
        }
        q.push(c);
    }
    q.push('\'');
    q
}

pub fn quote_ident(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(text(quote_identifier(&text_arg(args, 0)?)))
}

pub fn quote_literal(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(text(quote_literal_str(&text_arg(args, 0)?)))
}

/// `quote_nullable(text)` (not strict): NULL → `NULL`.
pub fn quote_nullable(_env: &Env, args: &[Value]) -> Result<Value> {
    match args.first() {
        None | Some(Value::Null) => Ok(text("NULL")),
        Some(_) => Ok(text(quote_literal_str(&text_arg(args, 0)?))),
    }
}

/// `text || text`.
pub fn textcat(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = text_arg(args, 0)?;
    let b = text_arg(args, 1)?;
    let size = i64::try_from(a.len().saturating_add(b.len())).unwrap_or(i64::MAX);
    if size > MAX_ALLOC - VARHDRSZ {
        return Err(too_large());
    }
    let mut s = String::with_capacity(a.len() + b.len());
    s.push_str(&a);
    s.push_str(&b);
    Ok(text(s))
}

/// `to_ascii(text[, encoding])`: PostgreSQL converts from LATIN1, LATIN2, LATIN9 and WIN1250
/// (by name or number) only; text of a UTF8 database is ASCII there only when it is ASCII.
pub fn to_ascii(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let from = if args.len() > 1 {
        let e: String = text_arg(args, 1)?
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        e
    } else {
        "utf8".into()
    };
    if !matches!(
        from.as_str(),
        "latin1"
            | "iso88591"
            | "latin2"
            | "iso88592"
            | "latin9"
            | "iso885915"
            | "win1250"
            | "8"
            | "9"
            | "16"
            | "29"
    ) {
        return Err(SqlError::not_supported(
            "encoding conversion from UTF8 to ASCII not supported",
        ));
    }
    if !s.is_ascii() {
        return Err(SqlError::not_supported(
            "to_ascii of non-ASCII characters is not supported",
        ));
    }
    Ok(text(s.into_owned()))
}

fn unicode_escape_error() -> SqlError {
    SqlError::syntax("invalid Unicode escape")
        .with_hint("Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.")
}

fn surrogate_error() -> SqlError {
    SqlError::syntax("invalid Unicode surrogate pair")
}

/// Reads exactly `n` hex digits.
fn hex_code(chars: &[char], at: usize, n: usize) -> Option<u32> {
    let digits = chars.get(at..at + n)?;
    digits
        .iter()
        .try_fold(0u32, |v, c| c.to_digit(16).map(|d| v * 16 + d))
}

/// `unistr(text)`: `\XXXX`, `\+XXXXXX`, `\uXXXX`, `\UXXXXXXXX` escapes (UTF-16 surrogate pairs
/// combined) and `\\`.
pub fn unistr(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut high: Option<u32> = None;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c != '\\' {
            if high.is_some() {
                return Err(surrogate_error());
            }
            out.push(c);
            i += 1;
            continue;
        }
        let (code, len) = match chars.get(i + 1) {
            Some('\\') if high.is_none() => {
                out.push('\\');
                i += 2;
                continue;
            }
            Some('+') => (hex_code(&chars, i + 2, 6), 8),
            Some('u') => (hex_code(&chars, i + 2, 4), 6),
            Some('U') => (hex_code(&chars, i + 2, 8), 10),
            _ => (hex_code(&chars, i + 1, 4), 5),
        };
        let Some(cp) = code else {
            return Err(if high.is_some() {
                surrogate_error()
            } else {
                unicode_escape_error()
            });
        };
        i += len;
        match (high, cp) {
            (None, 0xd800..=0xdbff) => high = Some(cp),
            (None, 0xdc00..=0xdfff) => return Err(surrogate_error()),
            (Some(h), 0xdc00..=0xdfff) => {
                let full = 0x10000 + ((h - 0xd800) << 10) + (cp - 0xdc00);
                out.push(char::from_u32(full).ok_or_else(surrogate_error)?);
                high = None;
            }
            (Some(_), _) => return Err(surrogate_error()),
            (None, _) => match char::from_u32(cp).filter(|c| *c != '\0') {
                Some(ch) => out.push(ch),
                None => {
                    return Err(SqlError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        format!("invalid Unicode code point: {cp:04X}"),
                    ));
                }
            },
        }
    }
    if high.is_some() {
        return Err(surrogate_error());
    }
    Ok(text(out))
}

fn invalid_identifier(s: &str, detail: Option<&str>) -> SqlError {
    let e = SqlError::new(
        sqlstate::INVALID_PARAMETER_VALUE,
        format!("string is not a valid identifier: \"{s}\""),
    );
    match detail {
        Some(d) => e.with_detail(d),
        None => e,
    }
}

/// PostgreSQL's `scanner_isspace`.
fn sql_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// `parse_ident(str[, strict])`: a qualified identifier split into its names (unquoted names
/// lower-cased), as a text[].
pub fn parse_ident(_env: &Env, args: &[Value]) -> Result<Value> {
    let s = text_arg(args, 0)?;
    let strict = match args.get(1) {
        None => true,
        Some(Value::Int(b)) => *b != 0,
        Some(_) => true,
    };
    let chars: Vec<char> = s.chars().collect();
    let mut names: Vec<String> = Vec::new();
    let mut i = 0;
    let mut after_dot = false;
    while chars.get(i).copied().is_some_and(sql_space) {
        i += 1;
    }
    loop {
        let mut name = None;
        if chars.get(i) == Some(&'"') {
            let mut n = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => {
                        return Err(invalid_identifier(
                            &s,
                            Some("String has unclosed double quotes."),
                        ));
                    }
                    Some('"') if chars.get(i + 1) == Some(&'"') => {
                        n.push('"');
                        i += 2;
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some(&c) => {
                        n.push(c);
                        i += 1;
                    }
                }
            }
            if n.is_empty() {
                return Err(invalid_identifier(
                    &s,
                    Some("Quoted identifier must not be empty."),
                ));
            }
            name = Some(n);
        } else if chars
            .get(i)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_' || !c.is_ascii())
        {
            let mut n = String::new();
            while let Some(&c) = chars.get(i) {
                if c.is_ascii_alphanumeric() || c == '_' || c == '$' || !c.is_ascii() {
                    n.push(c.to_ascii_lowercase());
                    i += 1;
                } else {
                    break;
                }
            }
            name = Some(n);
        }
        let Some(n) = name else {
            let detail = if chars.get(i) == Some(&'.') {
                Some("No valid identifier before \".\".")
            } else if after_dot {
                Some("No valid identifier after \".\".")
            } else {
                None
            };
            return Err(invalid_identifier(&s, detail));
        };
        names.push(n);
        while chars.get(i).copied().is_some_and(sql_space) {
            i += 1;
        }
        match chars.get(i) {
            Some('.') => {
                after_dot = true;
                i += 1;
                while chars.get(i).copied().is_some_and(sql_space) {
                    i += 1;
                }
            }
            None => break,
            Some(_) if strict => return Err(invalid_identifier(&s, None)),
            Some(_) => break,
        }
    }
    let items: Vec<Option<&str>> = names.iter().map(|n| Some(n.as_str())).collect();
    Ok(text(super::text_array_json(&items)))
}

/// A normalization form named by `normalize` / `is_normalized`.
fn normal_form(args: &[Value]) -> Result<&'static str> {
    let form = if args.len() > 1 {
        text_arg(args, 1)?.to_ascii_uppercase()
    } else {
        "NFC".into()
    };
    match form.as_str() {
        "NFC" => Ok("NFC"),
        "NFD" => Ok("NFD"),
        "NFKC" => Ok("NFKC"),
        "NFKD" => Ok("NFKD"),
        _ => Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!("invalid normalization form: {}", text_arg(args, 1)?),
        )),
    }
}

fn normalized(s: &str, form: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    match form {
        "NFD" => s.nfd().collect(),
        "NFKC" => s.nfkc().collect(),
        "NFKD" => s.nfkd().collect(),
        _ => s.nfc().collect(),
    }
}

/// `normalize(text[, form])`.
pub fn normalize(_env: &Env, args: &[Value]) -> Result<Value> {
    let form = normal_form(args)?;
    Ok(text(normalized(&text_arg(args, 0)?, form)))
}

/// `is_normalized(text[, form])`.
pub fn is_normalized(_env: &Env, args: &[Value]) -> Result<Value> {
    let form = normal_form(args)?;
    let s = text_arg(args, 0)?;
    Ok(Value::from(normalized(&s, form) == *s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: crate::func::ScalarFn, args: &[Value]) -> Result<Value> {
        f(&Env::default(), args)
    }
    fn t(s: &str) -> Value {
        Value::Text(s.into())
    }
    fn i(n: i64) -> Value {
        Value::Int(n)
    }
    fn ok(f: crate::func::ScalarFn, args: &[Value]) -> Value {
        call(f, args).unwrap()
    }
    fn err(f: crate::func::ScalarFn, args: &[Value]) -> (String, String) {
        let e = call(f, args).unwrap_err();
        (e.sqlstate.to_string(), e.message)
    }

    #[test]
    fn substrings() {
        // Values from PostgreSQL 15.
        assert_eq!(ok(substr, &[t("hello"), i(0), i(2)]), t("h"));
        assert_eq!(ok(substr, &[t("hello"), i(-5), i(7)]), t("h"));
        assert_eq!(ok(substr, &[t("héllo"), i(2)]), t("éllo"));
        assert_eq!(ok(substr, &[t("hello"), i(2), i(3)]), t("ell"));
        assert_eq!(ok(substr, &[t("hello"), i(9)]), t(""));
        assert_eq!(
            ok(substr, &[t("hello"), i(2147483647), i(2147483647)]),
            t("")
        );
        assert_eq!(
            ok(substr, &[t("hello"), i(-2147483648), i(2147483647)]),
            t("")
        );
        assert_eq!(
            err(substr, &[t("hello"), i(2), i(-1)]),
            (
                crate::sqlstate::SUBSTRING_ERROR.into(),
                "negative substring length not allowed".into()
            )
        );
    }

    #[test]
    fn lengths_and_case() {
        assert_eq!(ok(length, &[t("héllo")]), i(5));
        assert_eq!(ok(octet_length, &[t("héllo")]), i(6));
        assert_eq!(ok(bit_length, &[t("héllo")]), i(48));
        assert_eq!(ok(bpchar_length, &[t("ab  ")]), i(2));
        // select lower('ÉA'), upper('éa') → Éa, éA (C locale: ASCII only)
        assert_eq!(ok(lower, &[t("ÉA")]), t("Éa"));
        assert_eq!(ok(upper, &[t("éa")]), t("éA"));
        assert_eq!(
            ok(initcap, &[t("éa hello wORLD foo_bar x1y")]),
            t("éA Hello World Foo_Bar X1y")
        );
        assert_eq!(
            ok(initcap, &[t("hi THERE-you're 3rd")]),
            t("Hi There-You'Re 3rd")
        );
    }

    #[test]
    fn overlay_and_positions() {
        assert_eq!(
            err(overlay, &[t("abcdef"), t("xy"), i(0)]),
            (
                crate::sqlstate::SUBSTRING_ERROR.into(),
                "negative substring length not allowed".into()
            )
        );
        assert_eq!(
            ok(overlay, &[t("abcdef"), t("xy"), i(2), i(-1)]),
            t("axyabcdef")
        );
        assert_eq!(ok(overlay, &[t("abcdef"), t("xy"), i(2), i(10)]), t("axy"));
        assert_eq!(ok(overlay, &[t("abcdef"), t("xy"), i(10)]), t("abcdefxy"));
        assert_eq!(
            ok(overlay, &[t("Txxxxas"), t("hom"), i(2), i(4)]),
            t("Thomas")
        );
        assert_eq!(ok(strpos, &[t("abc"), t("")]), i(1));
        assert_eq!(ok(strpos, &[t(""), t("")]), i(1));
        assert_eq!(ok(strpos, &[t("héllo"), t("llo")]), i(3));
        assert_eq!(ok(strpos, &[t("abc"), t("x")]), i(0));
    }

    #[test]
    fn split_pad_trim() {
        assert_eq!(
            err(split_part, &[t("a,b,c"), t(","), i(0)]),
            (
                crate::sqlstate::INVALID_PARAMETER_VALUE.into(),
                "field position must not be zero".into()
            )
        );
        assert_eq!(ok(split_part, &[t("a,b,c"), t(","), i(2)]), t("b"));
        assert_eq!(ok(split_part, &[t("a,b,c"), t(","), i(-1)]), t("c"));
        assert_eq!(ok(split_part, &[t("a,b,c"), t(","), i(-4)]), t(""));
        assert_eq!(ok(split_part, &[t("a,b,c"), t(""), i(1)]), t("a,b,c"));
        assert_eq!(ok(split_part, &[t("a,b,c"), t(""), i(-1)]), t("a,b,c"));
        assert_eq!(ok(split_part, &[t("a,b,c"), t(""), i(2)]), t(""));
        assert_eq!(ok(split_part, &[t(""), t(","), i(1)]), t(""));
        assert_eq!(ok(split_part, &[t("aaa"), t("aa"), i(-1)]), t("a"));
        assert_eq!(ok(lpad, &[t("hi"), i(5), t("xy")]), t("xyxhi"));
        assert_eq!(ok(rpad, &[t("hi"), i(5), t("xy")]), t("hixyx"));
        assert_eq!(ok(lpad, &[t("hello"), i(2)]), t("he"));
        assert_eq!(ok(rpad, &[t("hi"), i(5), t("")]), t("hi"));
        assert_eq!(ok(lpad, &[t("hi"), i(-1)]), t(""));
        assert_eq!(ok(lpad, &[t("hi"), i(4)]), t("  hi"));
        assert_eq!(
            err(lpad, &[t("a"), i(300_000_000)]),
            (
                crate::sqlstate::PROGRAM_LIMIT_EXCEEDED.into(),
                "requested length too large".into()
            )
        );
        assert_eq!(
            err(repeat, &[t("ab"), i(600_000_000)]),
            (
                crate::sqlstate::PROGRAM_LIMIT_EXCEEDED.into(),
                "requested length too large".into()
            )
        );
        assert_eq!(ok(repeat, &[t("ab"), i(3)]), t("ababab"));
        assert_eq!(ok(repeat, &[t("a"), i(-1)]), t(""));
        assert_eq!(ok(btrim, &[t("  xx  ")]), t("xx"));
        assert_eq!(ok(btrim, &[t("xyxaxyx"), t("xy")]), t("a"));
        assert_eq!(ok(ltrim, &[t("zzytrim"), t("xyz")]), t("trim"));
        assert_eq!(ok(rtrim, &[t("trimxxxx"), t("x")]), t("trim"));
        assert_eq!(ok(ltrim, &[t(""), t("")]), t(""));
    }

    #[test]
    fn left_right_translate_chr() {
        assert_eq!(ok(left, &[t("abc"), i(-1)]), t("ab"));
        assert_eq!(ok(left, &[t("abc"), i(-5)]), t(""));
        assert_eq!(ok(left, &[t("abc"), i(2)]), t("ab"));
        assert_eq!(ok(right, &[t("abc"), i(-1)]), t("bc"));
        assert_eq!(ok(right, &[t("abc"), i(2)]), t("bc"));
        assert_eq!(ok(right, &[t("abc"), i(9)]), t("abc"));
        assert_eq!(ok(right, &[t("abc"), i(-9)]), t(""));
        assert_eq!(ok(translate, &[t("12345"), t("143"), t("ax")]), t("a2x5"));
        assert_eq!(ok(reverse, &[t("héllo")]), t("olléh"));
        assert_eq!(ok(ascii, &[t("")]), i(0));
        assert_eq!(ok(ascii, &[t("é")]), i(233));
        assert_eq!(ok(chr, &[i(233)]), t("é"));
        assert_eq!(
            err(chr, &[i(0)]),
            (
                crate::sqlstate::PROGRAM_LIMIT_EXCEEDED.into(),
                "null character not permitted".into()
            )
        );
        assert_eq!(
            err(chr, &[i(-1)]),
            (
                crate::sqlstate::INVALID_PARAMETER_VALUE.into(),
                "character number must be positive".into()
            )
        );
        assert_eq!(
            err(chr, &[i(1114112)]),
            (
                crate::sqlstate::PROGRAM_LIMIT_EXCEEDED.into(),
                "requested character too large for encoding: 1114112".into()
            )
        );
        assert_eq!(
            err(chr, &[i(55296)]),
            (
                crate::sqlstate::PROGRAM_LIMIT_EXCEEDED.into(),
                "requested character not valid for encoding: 55296".into()
            )
        );
        assert_eq!(ok(replace, &[t("abc"), t(""), t("x")]), t("abc"));
        assert_eq!(ok(replace, &[t("abcabc"), t("b"), t("XY")]), t("aXYcaXYc"));
    }

    #[test]
    fn hashes_hex_quotes() {
        // select md5('abc')
        assert_eq!(ok(md5, &[t("abc")]), t("900150983cd24fb0d6963f7d28e17f72"));
        assert_eq!(ok(to_hex32, &[i(-1)]), t("ffffffff"));
        assert_eq!(ok(to_hex64, &[i(-1)]), t("ffffffffffffffff"));
        assert_eq!(ok(to_hex32, &[i(255)]), t("ff"));
        assert_eq!(ok(starts_with, &[t("alphabet"), t("alph")]), i(1));
        assert_eq!(ok(starts_with, &[t("alphabet"), t("b")]), i(0));
        // select quote_ident('select'), quote_ident('name'), quote_ident('Foo "x"') …
        assert_eq!(ok(quote_ident, &[t("select")]), t("\"select\""));
        assert_eq!(ok(quote_ident, &[t("name")]), t("name"));
        assert_eq!(ok(quote_ident, &[t("Foo \"x\"")]), t("\"Foo \"\"x\"\"\""));
        assert_eq!(ok(quote_ident, &[t("a1_b")]), t("a1_b"));
        assert_eq!(ok(quote_ident, &[t("1a")]), t("\"1a\""));
        assert_eq!(ok(quote_ident, &[t("")]), t("\"\""));
        assert_eq!(ok(quote_literal, &[t("O'Reilly")]), t("'O''Reilly'"));
        assert_eq!(ok(quote_literal, &[t("a\\b")]), t("E'a\\\\b'"));
        assert_eq!(ok(quote_nullable, &[Value::Null]), t("NULL"));
        assert_eq!(ok(quote_nullable, &[t("x")]), t("'x'"));
        assert!(QUOTED_KEYWORDS.windows(2).all(|w| w[0] < w[1]));
        // select to_ascii('abc') → 0A000; to_ascii('abc', 'LATIN2') → abc
        assert_eq!(
            err(to_ascii, &[t("abc")]).0,
            crate::sqlstate::FEATURE_NOT_SUPPORTED
        );
        assert_eq!(ok(to_ascii, &[t("abc"), t("LATIN2")]), t("abc"));
        assert_eq!(ok(to_ascii, &[t("abc"), i(8)]), t("abc"));
    }

    #[test]
    fn unistr_parse_ident_normalize() {
        // Values and errors from PostgreSQL 15.
        assert_eq!(ok(unistr, &[t("d\\0061t\\+000061")]), t("data"));
        assert_eq!(ok(unistr, &[t("\\u00e9\\U0001F600")]), t("é😀"));
        assert_eq!(ok(unistr, &[t("a\\\\b")]), t("a\\b"));
        assert_eq!(ok(unistr, &[t("\\d83d\\de00")]), t("😀"));
        for bad in ["\\x", "\\u00", "\\+00006", "a\\"] {
            let e = call(unistr, &[t(bad)]).unwrap_err();
            assert_eq!(
                (e.sqlstate, e.message.as_str()),
                (crate::sqlstate::SYNTAX_ERROR, "invalid Unicode escape"),
                "{bad}"
            );
        }
        for bad in ["\\d800", "\\de00", "\\d83dx", "\\d83d\\u0041"] {
            assert_eq!(
                err(unistr, &[t(bad)]),
                (
                    crate::sqlstate::SYNTAX_ERROR.into(),
                    "invalid Unicode surrogate pair".into()
                ),
                "{bad}"
            );
        }
        assert_eq!(
            err(unistr, &[t("\\+110000")]),
            (
                crate::sqlstate::INVALID_PARAMETER_VALUE.into(),
                "invalid Unicode code point: 110000".into()
            )
        );
        assert_eq!(
            err(unistr, &[t("\\0000")]).1,
            "invalid Unicode code point: 0000"
        );
        let pi = |s: &str| ok(parse_ident, &[t(s)]);
        assert_eq!(
            pi("\"SomeSchema\".someTable"),
            t("[\"SomeSchema\",\"sometable\"]")
        );
        assert_eq!(pi("  a  .  \"b\"  "), t("[\"a\",\"b\"]"));
        assert_eq!(pi("\"a\"\"b\".C"), t("[\"a\\\"b\",\"c\"]"));
        assert_eq!(pi("a$1_é"), t("[\"a$1_é\"]"));
        assert_eq!(pi("ÉA"), t("[\"Éa\"]"));
        assert_eq!(ok(parse_ident, &[t("a.b c"), i(0)]), t("[\"a\",\"b\"]"));
        let pe = |s: &str| {
            let e = call(parse_ident, &[t(s)]).unwrap_err();
            assert_eq!(
                e.message,
                format!("string is not a valid identifier: \"{s}\"")
            );
            e.detail
        };
        assert_eq!(pe("a b"), None);
        assert_eq!(pe("1a"), None);
        assert_eq!(pe(""), None);
        assert_eq!(
            pe("a.").as_deref(),
            Some("No valid identifier after \".\".")
        );
        assert_eq!(
            pe("a..b").as_deref(),
            Some("No valid identifier before \".\".")
        );
        assert_eq!(
            pe("a.\"\"").as_deref(),
            Some("Quoted identifier must not be empty.")
        );
        assert_eq!(
            pe("\"abc").as_deref(),
            Some("String has unclosed double quotes.")
        );
        assert_eq!(ok(normalize, &[t("a\u{301}")]), t("á"));
        assert_eq!(ok(normalize, &[t("á"), t("nfd")]), t("a\u{301}"));
        assert_eq!(ok(is_normalized, &[t("a\u{301}")]), i(0));
        assert_eq!(ok(is_normalized, &[t("a\u{301}"), t("NFD")]), i(1));
        assert_eq!(
            err(normalize, &[t("a"), t("nfx")]),
            (
                crate::sqlstate::INVALID_PARAMETER_VALUE.into(),
                "invalid normalization form: nfx".into()
            )
        );
    }
}
