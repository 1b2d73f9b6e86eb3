//! LIKE, ILIKE and SIMILAR TO.
//!
//! `x LIKE p` is the operator `~~` whose pattern escape is the backslash; `x LIKE p ESCAPE e`
//! is `x ~~ like_escape(p, e)` (as PostgreSQL itself plans it), `x SIMILAR TO p [ESCAPE e]` is
//! `x ~ similar_to_escape(p[, e])`, and `substring(x similar p escape e)` is
//! `substring(x, similar_to_escape(p, e))`.
//!
//! The matcher works on bytes (a `_` takes a whole UTF-8 character of text) and is iterative: after a `%` only the latest `%` is a backtracking point (an
//! earlier one can never lead to a match the latest cannot), so matching takes at most
//! O(len(text) × len(pattern)) steps and no recursion. Errors (a pattern ending in the escape)
//! are raised exactly when PostgreSQL's matcher reaches them. ILIKE folds ASCII letters only
//! (`LC_CTYPE = C`).

use super::text_arg;
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::value::Value;

fn ends_with_escape() -> SqlError {
    SqlError::new(
        sqlstate::INVALID_ESCAPE_SEQUENCE,
        "LIKE pattern must not end with escape character",
    )
}

/// 22025 `invalid escape string` (escape of more than one character).
pub fn invalid_escape_string() -> SqlError {
    SqlError::new(sqlstate::INVALID_ESCAPE_SEQUENCE, "invalid escape string")
        .with_hint("Escape string must be empty or one character.")
}

/// The items a LIKE pattern is made of.
pub trait LikeItem: Copy + Eq {
    const ESCAPE: Self;
    const ANY_MANY: Self;
    const ANY_ONE: Self;
}

impl LikeItem for char {
    const ESCAPE: char = '\\';
    const ANY_MANY: char = '%';
    const ANY_ONE: char = '_';
}

impl LikeItem for u8 {
    const ESCAPE: u8 = b'\\';
    const ANY_MANY: u8 = b'%';
    const ANY_ONE: u8 = b'_';
}

/// The literal byte a `%` run is followed by (after its escape, if any), at `p`.
fn first_literal(pat: &[u8], p: usize) -> Result<u8> {
    match pat.get(p) {
        Some(b'\\') => pat.get(p + 1).copied().ok_or_else(ends_with_escape),
        Some(c) => Ok(*c),
        None => Err(ends_with_escape()),
    }
}

/// The length of the UTF-8 character starting with byte `b`.
fn utf8_len(b: u8) -> usize {
    match b {
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    }
}

/// Does `text` match the LIKE pattern `pat` (backslash escape)? Both are compared byte by
/// byte; with `utf8`, `_` takes one UTF-8 character (both sides are valid UTF-8, so a
/// literal can only match whole characters), else one byte (bytea).
pub fn like_match(text: &[u8], pat: &[u8], utf8: bool) -> Result<bool> {
    let (tn, pn) = (text.len(), pat.len());
    let one = |t: usize| {
        if utf8 {
            text.get(t).map_or(1, |b| utf8_len(*b)).min(tn - t)
        } else {
            1
        }
    };
    let (mut t, mut p) = (0usize, 0usize);
    // The latest `%`: where its following pattern starts, and the text position tried.
    let mut star: Option<(usize, usize)> = None;
    loop {
        let mismatch = match (text.get(t), pat.get(p)) {
            (Some(tc), Some(pc)) => match *pc {
                b'\\' => {
                    let lit = pat.get(p + 1).ok_or_else(ends_with_escape)?;
                    if lit == tc {
                        t += 1;
                        p += 2;
                        false
                    } else {
                        true
                    }
                }
                b'%' => {
                    p += 1;
                    while let Some(c) = pat.get(p) {
                        match c {
                            b'%' => p += 1,
                            b'_' => {
                                if t >= tn {
                                    return Ok(false);
                                }
                                t += one(t);
                                p += 1;
                            }
                            _ => break,
                        }
                    }
                    if p >= pn {
                        return Ok(true);
                    }
                    let first = first_literal(pat, p)?;
                    match text
                        .get(t..)
                        .and_then(|r| r.iter().position(|c| *c == first))
                    {
                        None => return Ok(false),
                        Some(k) => {
                            t += k;
                            star = Some((p, t));
                        }
                    }
                    false
                }
                b'_' => {
                    t += one(t);
                    p += 1;
                    false
                }
                c if c == *tc => {
                    t += 1;
                    p += 1;
                    false
                }
                _ => true,
            },
            (Some(_), None) => true,
            (None, _) => {
                while pat.get(p) == Some(&b'%') {
                    p += 1;
                }
                return Ok(p >= pn);
            }
        };
        if mismatch {
            let Some((sp, st)) = star else {
                return Ok(false);
            };
            let first = first_literal(pat, sp)?;
            let from = st + 1;
            match text
                .get(from..)
                .and_then(|r| r.iter().position(|c| *c == first))
            {
                None => return Ok(false),
                Some(k) => {
                    t = from + k;
                    p = sp;
                    star = Some((sp, t));
                }
            }
        }
    }
}

/// LIKE over text.
pub fn text_like(s: &str, pat: &str) -> Result<bool> {
    if pat == "%" {
        return Ok(true);
    }
    like_match(s.as_bytes(), pat.as_bytes(), true)
}

/// ILIKE over text (ASCII case folding).
pub fn text_ilike(s: &str, pat: &str) -> Result<bool> {
    text_like(&s.to_ascii_lowercase(), &pat.to_ascii_lowercase())
}

pub fn like(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::from(text_like(
        &text_arg(args, 0)?,
        &text_arg(args, 1)?,
    )?))
}

pub fn not_like(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::from(!text_like(
        &text_arg(args, 0)?,
        &text_arg(args, 1)?,
    )?))
}

pub fn ilike(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::from(text_ilike(
        &text_arg(args, 0)?,
        &text_arg(args, 1)?,
    )?))
}

pub fn not_ilike(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::from(!text_ilike(
        &text_arg(args, 0)?,
        &text_arg(args, 1)?,
    )?))
}

/// Rewrites a pattern whose escape is `escape` (None: no escape) into the backslash form.
pub fn escape_pattern<T: LikeItem>(pat: &[T], escape: Option<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(pat.len() + 4);
    match escape {
        Some(e) if e == T::ESCAPE => out.extend_from_slice(pat),
        None => {
            for c in pat {
                if *c == T::ESCAPE {
                    out.push(T::ESCAPE);
                }
                out.push(*c);
            }
        }
        Some(e) => {
            let mut after_escape = false;
            for c in pat {
                if *c == e && !after_escape {
                    out.push(T::ESCAPE);
                    after_escape = true;
                } else if *c == T::ESCAPE {
                    out.push(T::ESCAPE);
                    if !after_escape {
                        out.push(T::ESCAPE);
                    }
                    after_escape = false;
                } else {
                    out.push(*c);
                    after_escape = false;
                }
            }
        }
    }
    out
}

/// `like_escape(pattern, escape)`.
pub fn like_escape(_env: &Env, args: &[Value]) -> Result<Value> {
    let pat = text_arg(args, 0)?;
    let esc = text_arg(args, 1)?;
    let mut ec = esc.chars();
    let escape = match (ec.next(), ec.next()) {
        (None, _) => None,
        (Some(c), None) => Some(c),
        _ => return Err(invalid_escape_string()),
    };
    let p: Vec<char> = pat.chars().collect();
    Ok(Value::Text(
        escape_pattern(&p, escape).into_iter().collect(),
    ))
}

/// PostgreSQL's translation of a SIMILAR TO pattern into a regular expression; `escape` None
/// is the default (backslash), `Some(None)` no escape character.
pub fn similar_to_regex(pat: &str, escape: Option<&str>) -> Result<String> {
    let esc = match escape {
        None => Some('\\'),
        Some(e) => {
            let mut it = e.chars();
            match (it.next(), it.next()) {
                (None, _) => None,
                (Some(c), None) => Some(c),
                _ => return Err(invalid_escape_string()),
            }
        }
    };
    let mut out = String::with_capacity(pat.len() + 10);
    out.push_str("^(?:");
    let mut after_escape = false;
    let mut in_class = false;
    let mut quotes = 0;
    for c in pat.chars() {
        if after_escape {
            if c == '"' && !in_class {
                match quotes {
                    0 => out.push_str("){1,1}?("),
                    1 => out.push_str("){1,1}(?:"),
                    _ => {
                        return Err(SqlError::new(
                            sqlstate::INVALID_USE_OF_ESCAPE_CHARACTER,
                            "SQL regular expression may not contain more than two escape-double-quote separators",
                        ));
                    }
                }
                quotes += 1;
            } else {
                out.push('\\');
                out.push(c);
            }
            after_escape = false;
        } else if Some(c) == esc {
            after_escape = true;
        } else if in_class {
            if c == '\\' {
                out.push('\\');
            }
            out.push(c);
            if c == ']' {
                in_class = false;
            }
        } else {
            match c {
                '[' => {
                    out.push('[');
                    in_class = true;
                }
                '%' => out.push_str(".*"),
                '_' => out.push('.'),
                '(' => out.push_str("(?:"),
                '\\' | '.' | '^' | '$' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
    }
    out.push_str(")$");
    Ok(out)
}

/// `similar_to_escape(pattern[, escape])` (strict).
pub fn similar_to_escape(_env: &Env, args: &[Value]) -> Result<Value> {
    let pat = text_arg(args, 0)?;
    let esc = if args.len() > 1 {
        Some(text_arg(args, 1)?)
    } else {
        None
    };
    Ok(Value::Text(similar_to_regex(&pat, esc.as_deref())?))
}

/// `similar_escape(pattern, escape)`: the legacy, non-strict form (NULL escape = default).
pub fn similar_escape(_env: &Env, args: &[Value]) -> Result<Value> {
    if args.first().is_none_or(Value::is_null) {
        return Ok(Value::Null);
    }
    let pat = text_arg(args, 0)?;
    let esc = match args.get(1) {
        None | Some(Value::Null) => None,
        Some(_) => Some(text_arg(args, 1)?),
    };
    Ok(Value::Text(similar_to_regex(&pat, esc.as_deref())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(s: &str, p: &str) -> bool {
        text_like(s, p).unwrap()
    }

    #[test]
    fn like_matches_as_postgresql() {
        // Each from PostgreSQL 15.
        assert!(l("abc", "a_c"));
        assert!(!l("abc", "ab"));
        assert!(l("", "%"));
        assert!(l("abc", "%"));
        assert!(l("abc", "a%"));
        assert!(l("abc", "%c"));
        assert!(l("abc", "%b%"));
        assert!(!l("abc", "%d%"));
        assert!(!l("a", "a\\"));
        assert!(!l("a", "a%\\"));
        assert!(l("ab", "a\\b"));
        assert!(!l("x", "X"));
        assert!(l("a%", "a\\%"));
        assert!(!l("ab", "a\\%"));
        assert!(l("\\x", "\\\\x"));
        assert!(!l("a_", "a__\\"));
        assert!(l("aXbXc", "a%b%c"));
        assert!(l("mississippi", "%iss%ppi"));
        assert!(!l("mississippi", "%iss%ppix"));
        assert!(l("aaa", "%_a"));
        assert!(!l("a", "%__"));
        assert!(l("héllo", "h_llo"));
        let e = text_like("aaa", "%a\\").unwrap_err();
        assert_eq!(e.sqlstate, crate::sqlstate::INVALID_ESCAPE_SEQUENCE);
        assert_eq!(e.message, "LIKE pattern must not end with escape character");
        assert!(text_ilike("ABC", "a%").unwrap());
        assert!(text_ilike("ABC", "abc").unwrap());
        assert!(!text_ilike("ÀB", "àb").unwrap());
    }

    #[test]
    fn like_is_not_exponential() {
        let text = "a".repeat(5000);
        let pat = format!("{}b", "%a".repeat(200));
        assert!(!l(&text, &pat));
    }

    #[test]
    fn bytes_like() {
        assert!(like_match(b"abc", b"a%", false).unwrap());
        assert!(like_match(b"\xff\x00", b"_\x00", false).unwrap());
        assert!(!like_match(b"\xc3\xa9", b"_", false).unwrap());
        assert!(like_match("é".as_bytes(), b"_", true).unwrap());
        assert!(l("xéy", "%é_"));
        assert!(l("éé", "\\éé"));
        assert!(!l("éa", "_é"));
    }

    #[test]
    fn escapes() {
        let env = Env::default();
        let le = |p: &str, e: &str| like_escape(&env, &[p.into(), e.into()]);
        assert_eq!(le("a#%b", "#").unwrap(), "a\\%b".into());
        assert_eq!(le("a\\\\b%", "").unwrap(), "a\\\\\\\\b%".into());
        assert_eq!(le("a#", "#").unwrap(), "a\\".into());
        assert_eq!(le("a##b", "#").unwrap(), "a\\#b".into());
        assert_eq!(le("a\\b", "#").unwrap(), "a\\\\b".into());
        assert_eq!(le("a\\b", "\\").unwrap(), "a\\b".into());
        let e = le("a", "ab").unwrap_err();
        assert_eq!(
            (e.sqlstate, e.message.as_str()),
            (
                crate::sqlstate::INVALID_ESCAPE_SEQUENCE,
                "invalid escape string"
            )
        );
        assert_eq!(
            e.hint.as_deref(),
            Some("Escape string must be empty or one character.")
        );
    }

    #[test]
    fn similar_translation() {
        // select similar_to_escape(…) on PostgreSQL 15.
        assert_eq!(
            similar_to_regex("a%b_c(d|e)[x.y]\\\\.#\"q\"#", Some("#")).unwrap(),
            "^(?:a.*b.c(?:d|e)[x.y]\\\\\\\\\\.){1,1}?(q\")$"
        );
        assert_eq!(similar_to_regex("ab\\\\", None).unwrap(), "^(?:ab\\\\)$");
        assert_eq!(similar_to_regex("a", Some("")).unwrap(), "^(?:a)$");
        assert_eq!(
            similar_to_regex("[a\\\\b]#é", Some("#")).unwrap(),
            "^(?:[a\\\\\\\\b]\\é)$"
        );
        assert_eq!(similar_to_regex("aéb", Some("é")).unwrap(), "^(?:a\\b)$");
        let e = similar_to_regex("#\"a#\"b#\"c", Some("#")).unwrap_err();
        assert_eq!(e.sqlstate, crate::sqlstate::INVALID_USE_OF_ESCAPE_CHARACTER);
        assert_eq!(
            e.message,
            "SQL regular expression may not contain more than two escape-double-quote separators"
        );
        assert_eq!(
            similar_to_regex("a", Some("xy")).unwrap_err().sqlstate,
            crate::sqlstate::INVALID_ESCAPE_SEQUENCE
        );
        let env = Env::default();
        assert_eq!(
            similar_escape(&env, &[Value::Null, "x".into()]).unwrap(),
            Value::Null
        );
        assert_eq!(
            similar_escape(&env, &["a".into(), Value::Null]).unwrap(),
            "^(?:a)$".into()
        );
    }
}
