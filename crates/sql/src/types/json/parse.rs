//! PostgreSQL's JSON grammar: a lexer and recursive-descent parser that accept exactly what
//! PostgreSQL 15's `json_in` accepts and fail with its error text (22P02 `invalid input syntax
//! for type json` with the DETAIL line PostgreSQL prints, 22P05 for `\u0000` when strings are
//! de-escaped).
//!
//! The result is a [`Node`] tree whose every node keeps the slice of the input it was parsed
//! from (`raw`), so `json` operators can return sub-documents exactly as written. Strings are
//! de-escaped only in `escapes` mode (what `jsonb` and every function need); the plain
//! validation `json_in` does leaves escapes alone, as PostgreSQL's does, so a lone surrogate is
//! valid `json` but not valid `jsonb`.
//!
//! Invariants: no panics on any input; nesting deeper than [`MAX_DEPTH`] fails with 54001 (the
//! parser recurses once per level).

use std::borrow::Cow;

use crate::error::{Result, SqlError, sqlstate};

/// Deepest nesting accepted (PostgreSQL's own limit is its stack depth; this is in the same
/// range and keeps every recursive walk of a tree well inside a thread's stack).
pub const MAX_DEPTH: usize = 6400;

/// One parsed JSON value.
#[derive(Debug, Clone)]
pub struct Node<'a> {
    /// The input text of this value (no surrounding whitespace).
    pub raw: &'a str,
    pub kind: Kind<'a>,
}

/// What a [`Node`] is.
#[derive(Debug, Clone)]
pub enum Kind<'a> {
    Null,
    Bool(bool),
    /// A number: its text is `raw` (a valid JSON number).
    Num,
    /// A string, de-escaped (in validation-only mode: the raw text between the quotes).
    Str(Cow<'a, str>),
    Arr(Vec<Node<'a>>),
    /// Members in input order; duplicate keys are kept.
    Obj(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl Node<'_> {
    /// `json_typeof`'s name for this value.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "boolean",
            Kind::Num => "number",
            Kind::Str(_) => "string",
            Kind::Arr(_) => "array",
            Kind::Obj(_) => "object",
        }
    }
}

/// Parses a whole JSON document. `escapes`: de-escape strings (and reject what cannot be
/// de-escaped: lone surrogates, `\u0000`).
pub fn parse(text: &str, escapes: bool) -> Result<Node<'_>> {
    let mut p = Parser::new(text, escapes, true);
    p.advance()?;
    let node = p.value(0)?;
    p.expect_end()?;
    Ok(node)
}

/// Checks that `text` is valid JSON as `json_in` does (escapes not decoded), building nothing.
pub fn validate(text: &str) -> Result<()> {
    let mut p = Parser::new(text, false, false);
    p.advance()?;
    p.value(0)?;
    p.expect_end()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    ObjStart,
    ObjEnd,
    ArrStart,
    ArrEnd,
    Comma,
    Colon,
    Str,
    Num,
    True,
    False,
    Null,
    End,
}

/// Where the parser was when it met an unexpected token (PostgreSQL's parse contexts).
#[derive(Clone, Copy)]
enum Ctx {
    Value,
    String,
    ArrayNext,
    ObjectStart,
    ObjectLabel,
    ObjectNext,
    End,
}

struct Parser<'a> {
    src: &'a str,
    bytes: &'a [u8],
    escapes: bool,
    build: bool,
    /// The current (lookahead) token and its span.
    tok: Tok,
    start: usize,
    end: usize,
    /// The de-escaped text of the current string token.
    strval: Option<Cow<'a, str>>,
}

fn syntax(detail: String) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_TEXT_REPRESENTATION,
        "invalid input syntax for type json",
    )
    .with_detail(detail)
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl<'a> Parser<'a> {
    fn new(src: &'a str, escapes: bool, build: bool) -> Self {
        Parser {
            src,
            bytes: src.as_bytes(),
            escapes,
            build,
            tok: Tok::End,
            start: 0,
            end: 0,
            strval: None,
        }
    }

    /// The text between two byte offsets, widened to character boundaries.
    fn text(&self, start: usize, end: usize) -> &'a str {
        let mut s = start.min(self.bytes.len());
        while s > 0 && !self.src.is_char_boundary(s) {
            s -= 1;
        }
        let mut e = end.clamp(s, self.bytes.len());
        while e < self.bytes.len() && !self.src.is_char_boundary(e) {
            e += 1;
        }
        self.src.get(s..e).unwrap_or("")
    }

    fn invalid_token(&self, start: usize, end: usize) -> SqlError {
        syntax(format!("Token \"{}\" is invalid.", self.text(start, end)))
    }

    /// Reads the next token into `tok`/`start`/`end`.
    fn advance(&mut self) -> Result<()> {
        let b = self.bytes;
        let mut s = self.end;
        while s < b.len() && matches!(b[s], b' ' | b'\t' | b'\n' | b'\r') {
            s += 1;
        }
        self.start = s;
        self.strval = None;
        let Some(&c) = b.get(s) else {
            self.tok = Tok::End;
            self.end = s;
            return Ok(());
        };
        let single = |t| (t, s + 1);
        let (tok, end) = match c {
            b'{' => single(Tok::ObjStart),
            b'}' => single(Tok::ObjEnd),
            b'[' => single(Tok::ArrStart),
            b']' => single(Tok::ArrEnd),
            b',' => single(Tok::Comma),
            b':' => single(Tok::Colon),
            b'"' => (Tok::Str, self.lex_string(s)?),
            b'-' => (Tok::Num, self.lex_number(s, s + 1)?),
            b'0'..=b'9' => (Tok::Num, self.lex_number(s, s)?),
            _ => {
                let mut p = s;
                while p < b.len() && is_alnum(b[p]) {
                    p += 1;
                }
                if p == s {
                    return Err(self.invalid_token(s, s + 1));
                }
                let tok = match &b[s..p] {
                    b"true" => Tok::True,
                    b"false" => Tok::False,
                    b"null" => Tok::Null,
                    _ => return Err(self.invalid_token(s, p)),
                };
                (tok, p)
            }
        };
        self.tok = tok;
        self.end = end;
        Ok(())
    }

    /// Lexes a number whose digits start at `digits` (after an optional '-' at `start`);
    /// returns its end.
    fn lex_number(&self, start: usize, digits: usize) -> Result<usize> {
        let b = self.bytes;
        let at = |i: usize| b.get(i).copied();
        // The end of the run of digits from `i` on; the run must not be empty.
        let digit_run = |mut i: usize, error: &mut bool| {
            if !matches!(at(i), Some(b'0'..=b'9')) {
                *error = true;
            }
            while matches!(at(i), Some(b'0'..=b'9')) {
                i += 1;
            }
            i
        };
        let mut i = digits;
        let mut error = false;
        match at(i) {
            Some(b'0') => i += 1,
            _ => i = digit_run(i, &mut error),
        }
        if at(i) == Some(b'.') {
            i = digit_run(i + 1, &mut error);
        }
        if matches!(at(i), Some(b'e' | b'E')) {
            i += 1;
            if matches!(at(i), Some(b'+' | b'-')) {
                i += 1;
            }
            i = digit_run(i, &mut error);
        }
        while at(i).is_some_and(is_alnum) {
            i += 1;
            error = true;
        }
        if error {
            return Err(self.invalid_token(start, i));
        }
        Ok(i)
    }

    /// Lexes a string starting at the quote at `start`; returns its end (after the closing
    /// quote) and, in escapes mode, leaves the de-escaped text in `strval`.
    fn lex_string(&mut self, start: usize) -> Result<usize> {
        let b = self.bytes;
        let mut out: Option<String> = None;
        let mut hi_surrogate: Option<u32> = None;
        let mut i = start + 1;
        // Start of the current run of plain characters (copied into `out` lazily).
        let mut run = i;
        let low_surrogate = || syntax("Unicode low surrogate must follow a high surrogate.".into());
        loop {
            let Some(&c) = b.get(i) else {
                return Err(self.invalid_token(start, i));
            };
            match c {
                b'"' => break,
                b'\\' => {
                    if self.escapes {
                        out.get_or_insert_with(String::new)
                            .push_str(self.text(run, i));
                    }
                    i += 1;
                    let Some(&e) = b.get(i) else {
                        return Err(self.invalid_token(start, i));
                    };
                    if e == b'u' {
                        let mut ch: u32 = 0;
                        for _ in 0..4 {
                            i += 1;
                            let Some(&h) = b.get(i) else {
                                return Err(self.invalid_token(start, i));
                            };
                            let Some(d) = (h as char).to_digit(16) else {
                                return Err(syntax(
                                    "\"\\u\" must be followed by four hexadecimal digits.".into(),
                                ));
                            };
                            ch = ch * 16 + d;
                        }
                        i += 1;
                        if self.escapes {
                            let s = out.get_or_insert_with(String::new);
                            if (0xD800..0xDC00).contains(&ch) {
                                if hi_surrogate.is_some() {
                                    return Err(syntax(
                                        "Unicode high surrogate must not follow a high surrogate."
                                            .into(),
                                    ));
                                }
                                hi_surrogate = Some(ch);
                                run = i;
                                continue;
                            }
                            if (0xDC00..0xE000).contains(&ch) {
                                let Some(hi) = hi_surrogate.take() else {
                                    return Err(low_surrogate());
                                };
                                ch = 0x10000 + ((hi - 0xD800) << 10) + (ch - 0xDC00);
                            }
                            if hi_surrogate.is_some() {
                                return Err(low_surrogate());
                            }
                            if ch == 0 {
                                return Err(SqlError::new(
                                    sqlstate::UNTRANSLATABLE_CHARACTER,
                                    "unsupported Unicode escape sequence",
                                )
                                .with_detail("\\u0000 cannot be converted to text."));
                            }
                            // Surrogates were handled above, so this is a scalar value.
                            s.push(char::from_u32(ch).unwrap_or('\u{FFFD}'));
                        }
                        run = i;
                        continue;
                    }
                    if self.escapes && hi_surrogate.is_some() {
                        return Err(low_surrogate());
                    }
                    let decoded = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        _ => {
                            let len = self.text(i, i + 1).len().max(1);
                            return Err(syntax(format!(
                                "Escape sequence \"\\{}\" is invalid.",
                                self.text(i, i + len)
                            )));
                        }
                    };
                    if self.escapes {
                        out.get_or_insert_with(String::new).push(decoded);
                    }
                    i += 1;
                    run = i;
                }
                _ => {
                    if c < 0x20 {
                        return Err(syntax(format!(
                            "Character with value 0x{c:02x} must be escaped."
                        )));
                    }
                    if self.escapes && hi_surrogate.is_some() {
                        return Err(low_surrogate());
                    }
                    i += 1;
                }
            }
        }
        if self.escapes && hi_surrogate.is_some() {
            return Err(low_surrogate());
        }
        if self.build {
            self.strval = Some(match out {
                Some(mut s) => {
                    s.push_str(self.text(run, i));
                    Cow::Owned(s)
                }
                None => Cow::Borrowed(self.text(start + 1, i)),
            });
        }
        Ok(i + 1)
    }

    fn error(&self, ctx: Ctx) -> SqlError {
        if self.tok == Tok::End {
            return syntax("The input string ended unexpectedly.".into());
        }
        let t = self.text(self.start, self.end);
        syntax(match ctx {
            Ctx::Value => format!("Expected JSON value, but found \"{t}\"."),
            Ctx::String => format!("Expected string, but found \"{t}\"."),
            Ctx::ArrayNext => format!("Expected \",\" or \"]\", but found \"{t}\"."),
            Ctx::ObjectStart => format!("Expected string or \"}}\", but found \"{t}\"."),
            Ctx::ObjectLabel => format!("Expected \":\", but found \"{t}\"."),
            Ctx::ObjectNext => format!("Expected \",\" or \"}}\", but found \"{t}\"."),
            Ctx::End => format!("Expected end of input, but found \"{t}\"."),
        })
    }

    fn expect(&mut self, tok: Tok, ctx: Ctx) -> Result<()> {
        if self.tok == tok {
            self.advance()
        } else {
            Err(self.error(ctx))
        }
    }

    fn expect_end(&self) -> Result<()> {
        if self.tok == Tok::End {
            Ok(())
        } else {
            Err(self.error(Ctx::End))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node<'a>> {
        deep(|| {
            let start = self.start;
            let kind = match self.tok {
                Tok::ObjStart => return self.object(depth + 1),
                Tok::ArrStart => return self.array(depth + 1),
                Tok::Str => Kind::Str(self.strval.take().unwrap_or(Cow::Borrowed(""))),
                Tok::Num => Kind::Num,
                Tok::True => Kind::Bool(true),
                Tok::False => Kind::Bool(false),
                Tok::Null => Kind::Null,
                _ => return Err(self.error(Ctx::Value)),
            };
            let end = self.end;
            self.advance()?;
            Ok(Node {
                raw: self.text(start, end),
                kind,
            })
        })
    }

    fn too_deep(depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(stack_depth_error());
        }
        Ok(())
    }

    fn array(&mut self, depth: usize) -> Result<Node<'a>> {
        Self::too_deep(depth)?;
        let start = self.start;
        self.advance()?;
        let mut items = Vec::new();
        if self.tok != Tok::ArrEnd {
            loop {
                let v = self.value(depth)?;
                if self.build {
                    items.push(v);
                }
                if self.tok != Tok::Comma {
                    break;
                }
                self.advance()?;
            }
        }
        self.close(Tok::ArrEnd, Ctx::ArrayNext, start, Kind::Arr(items))
    }

    /// Reads the `closer` of a container that began at `start` (else the error `ctx`) and
    /// makes its node.
    fn close(&mut self, closer: Tok, ctx: Ctx, start: usize, kind: Kind<'a>) -> Result<Node<'a>> {
        if self.tok != closer {
            return Err(self.error(ctx));
        }
        let end = self.end;
        self.advance()?;
        Ok(Node {
            raw: self.text(start, end),
            kind,
        })
    }

    fn object(&mut self, depth: usize) -> Result<Node<'a>> {
        Self::too_deep(depth)?;
        let start = self.start;
        self.advance()?;
        let mut members = Vec::new();
        match self.tok {
            Tok::Str => loop {
                let key = self.strval.take().unwrap_or(Cow::Borrowed(""));
                self.expect(Tok::Str, Ctx::String)?;
                self.expect(Tok::Colon, Ctx::ObjectLabel)?;
                let v = self.value(depth)?;
                if self.build {
                    members.push((key, v));
                }
                if self.tok != Tok::Comma {
                    break;
                }
                self.advance()?;
                if self.tok != Tok::Str {
                    return Err(self.error(Ctx::String));
                }
            },
            Tok::ObjEnd => {}
            _ => return Err(self.error(Ctx::ObjectStart)),
        }
        self.close(Tok::ObjEnd, Ctx::ObjectNext, start, Kind::Obj(members))
    }
}

/// Runs `f` with enough stack for one more level of a recursive walk over a document (the
/// stack grows on the heap when needed), so deep documents cannot overflow a thread's stack.
pub fn deep<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}

/// 54001 `stack depth limit exceeded`, as PostgreSQL reports too deep a document.
pub fn stack_depth_error() -> SqlError {
    SqlError::new(
        sqlstate::STATEMENT_TOO_COMPLEX,
        "stack depth limit exceeded",
    )
    .with_hint(
        "Increase the configuration parameter \"max_stack_depth\" (currently 2048kB), after \
         ensuring the platform's stack depth limit is adequate.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(text: &str, escapes: bool) -> String {
        let e = parse(text, escapes).unwrap_err();
        assert_eq!(e.message, "invalid input syntax for type json", "{text}");
        assert_eq!(e.sqlstate, sqlstate::INVALID_TEXT_REPRESENTATION);
        e.detail.unwrap()
    }

    #[test]
    fn errors_match_postgresql() {
        // Each DETAIL as PostgreSQL 15 prints it for `select '<text>'::json`.
        let cases = [
            ("x", "Token \"x\" is invalid."),
            ("{", "The input string ended unexpectedly."),
            ("{\"a\"", "The input string ended unexpectedly."),
            ("{\"a\":}", "Expected JSON value, but found \"}\"."),
            ("[1,]", "Expected JSON value, but found \"]\"."),
            ("01", "Token \"01\" is invalid."),
            ("1.", "Token \"1.\" is invalid."),
            (".5", "Token \".\" is invalid."),
            ("-", "Token \"-\" is invalid."),
            ("1e", "Token \"1e\" is invalid."),
            ("1.5e+", "Token \"1.5e+\" is invalid."),
            ("-01", "Token \"-01\" is invalid."),
            ("\"\\u00", "Token \"\"\\u00\" is invalid."),
            ("\"abc", "Token \"\"abc\" is invalid."),
            ("\"é\\", "Token \"\"é\\\" is invalid."),
            ("[1] x", "Token \"x\" is invalid."),
            ("[1] 2", "Expected end of input, but found \"2\"."),
            ("", "The input string ended unexpectedly."),
            ("  ", "The input string ended unexpectedly."),
            ("nul", "Token \"nul\" is invalid."),
            ("truex", "Token \"truex\" is invalid."),
            ("\"a\nb\"", "Character with value 0x0a must be escaped."),
            ("\"\u{1}\"", "Character with value 0x01 must be escaped."),
            ("{\"a\":1,}", "Expected string, but found \"}\"."),
            ("{1:2}", "Expected string or \"}\", but found \"1\"."),
            ("[1 2]", "Expected \",\" or \"]\", but found \"2\"."),
            ("{\"a\" 1}", "Expected \":\", but found \"1\"."),
            ("[\"a\":1]", "Expected \",\" or \"]\", but found \":\"."),
            (
                "{\"a\":1 \"b\"}",
                "Expected \",\" or \"}\", but found \"\"b\"\".",
            ),
            ("abc def", "Token \"abc\" is invalid."),
            ("[1,2", "The input string ended unexpectedly."),
            ("123abc", "Token \"123abc\" is invalid."),
            ("\"\\q\"", "Escape sequence \"\\q\" is invalid."),
            ("\"\\é\"", "Escape sequence \"\\é\" is invalid."),
            (
                "\"\\u12x4\"",
                "\"\\u\" must be followed by four hexadecimal digits.",
            ),
            (
                "[1,\n2,\n 3 4]",
                "Expected \",\" or \"]\", but found \"4\".",
            ),
            ("é", "Token \"é\" is invalid."),
        ];
        for (text, want) in cases {
            assert_eq!(detail(text, false), want, "{text:?}");
            assert_eq!(detail(text, true), want, "{text:?}");
            assert!(validate(text).is_err());
        }
    }

    #[test]
    fn surrogates_only_matter_when_decoding() {
        for ok in ["\"\\ud83d\"", "\"\\ude00\"", "\"\\u0000\""] {
            assert!(parse(ok, false).is_ok());
            assert!(validate(ok).is_ok());
        }
        let low = "Unicode low surrogate must follow a high surrogate.";
        assert_eq!(detail("\"\\ud83d\"", true), low);
        assert_eq!(detail("\"\\ude00\"", true), low);
        assert_eq!(detail("\"\\ud83dx\"", true), low);
        assert_eq!(detail("\"\\ud83d\\n\"", true), low);
        assert_eq!(
            detail("\"\\ud83d\\ud83d\"", true),
            "Unicode high surrogate must not follow a high surrogate."
        );
        let e = parse("\"\\u0000\"", true).unwrap_err();
        assert_eq!(e.sqlstate, sqlstate::UNTRANSLATABLE_CHARACTER);
        assert_eq!(e.message, "unsupported Unicode escape sequence");
        assert_eq!(
            e.detail.as_deref(),
            Some("\\u0000 cannot be converted to text.")
        );
    }

    #[test]
    fn decodes_strings_and_keeps_raw_text() {
        let n = parse(
            r#" {"a" : [ 1,  2 ], "b\u00e9\ud83d\ude00": "x\ty\/"} "#,
            true,
        )
        .unwrap();
        assert_eq!(
            n.raw,
            r#"{"a" : [ 1,  2 ], "b\u00e9\ud83d\ude00": "x\ty\/"}"#
        );
        let Kind::Obj(m) = &n.kind else { panic!() };
        assert_eq!(m[0].0, "a");
        assert_eq!(m[0].1.raw, "[ 1,  2 ]");
        assert_eq!(m[1].0, "bé😀");
        let Kind::Str(s) = &m[1].1.kind else { panic!() };
        assert_eq!(s, "x\ty/");
    }

    #[test]
    fn depth_is_bounded() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok, true).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(
            parse(&deep, true).unwrap_err().sqlstate,
            sqlstate::STATEMENT_TOO_COMPLEX
        );
        assert!(validate(&"[".repeat(100_000)).is_err());
    }
}
