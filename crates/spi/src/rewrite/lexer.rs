//! The single-pass SQL tokenizer of the rewriter.
//!
//! Owns: cutting a statement into tokens the way PostgreSQL's scanner does for the forms minipg
//! understands — `'..'` strings with `''` escapes, `E'..'` strings with backslash escapes,
//! `".."` identifiers with `""` escapes, `$tag$..$tag$` dollar quotes, `$n` parameters, `--` and
//! nested `/* */` comments, numbers, operators and punctuation.
//!
//! Invariants: tokens are returned in source order, never overlap, and every byte of the input is
//! either inside a token or inside the whitespace/comments recorded before one (`lead`), so a
//! caller can always re-emit the source faithfully. Positions are byte offsets into the input;
//! [`char_position`] turns them into PostgreSQL's 1-based character positions.
//!
//! Never: allocates per token (tokens borrow the input), or panics on any input — malformed
//! quotes and comments are reported as a [`LexError`] with the position where they start.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// An unquoted word: keyword or identifier (letters, digits, `_`, `$`, non-ASCII).
    Word,
    /// A `".."` identifier, raw text including the quotes.
    QuotedIdent,
    /// A `'..'` string (`escape` = the `E'..'` form with backslash escapes).
    String {
        escape: bool,
    },
    /// `$tag$..$tag$`; `tag_len` is the byte length of `$tag$`.
    DollarString {
        tag_len: usize,
    },
    /// `X'..'` or `B'..'`: passed through untouched.
    BitString,
    /// `$n`.
    Param(u32),
    Number,
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Semicolon,
    Dot,
    /// `::`.
    DoubleColon,
    /// Any other operator character sequence (`=`, `<>`, `||`, `+`, `?`, `:` ...).
    Op,
}

/// One token, borrowing the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub kind: TokenKind,
    /// Raw source text of the token.
    pub text: &'a str,
    /// Byte offset of the token in the source.
    pub pos: usize,
    /// Whitespace and comments before the token (raw).
    pub lead: &'a str,
    /// Whether `lead` contains a comment (so it must not be copied into SQLite's SQL verbatim).
    pub lead_has_comment: bool,
}

impl<'a> Token<'a> {
    /// Whether this is the unquoted word `kw` (ASCII case-insensitive).
    pub fn is_word(&self, kw: &str) -> bool {
        self.kind == TokenKind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    /// Whitespace to re-emit before the token: the original when it is plain whitespace, a single
    /// space when it held a comment, nothing when there was none.
    pub fn lead_ws(&self) -> &'a str {
        if self.lead_has_comment {
            " "
        } else {
            self.lead
        }
    }
}

/// A malformed token: SQLSTATE 42601 at `pos` (byte offset).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError {
    pub message: String,
    pub pos: usize,
}

/// PostgreSQL's 1-based character position of byte offset `pos` in `sql`.
pub(crate) fn char_position(sql: &str, pos: usize) -> usize {
    let pos = pos.min(sql.len());
    // Offsets come from the lexer and are always on char boundaries; be lenient anyway.
    let mut p = pos;
    while !sql.is_char_boundary(p) {
        p -= 1;
    }
    sql[..p].chars().count() + 1
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_cont(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

fn is_op_char(b: u8) -> bool {
    matches!(
        b,
        b'+' | b'-'
            | b'*'
            | b'/'
            | b'<'
            | b'>'
            | b'='
            | b'~'
            | b'!'
            | b'@'
            | b'#'
            | b'%'
            | b'^'
            | b'&'
            | b'|'
            | b'`'
            | b'?'
            | b':'
    )
}

/// Tokenizer over one SQL text.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer {
            src,
            bytes: src.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.at + ahead).copied()
    }

    /// Skips whitespace and comments; returns whether a comment was seen.
    fn skip_lead(&mut self) -> Result<bool, LexError> {
        let mut comment = false;
        loop {
            match self.peek(0) {
                Some(b) if b.is_ascii_whitespace() => self.at += 1,
                Some(b'-') if self.peek(1) == Some(b'-') => {
                    comment = true;
                    while let Some(b) = self.peek(0) {
                        if b == b'\n' {
                            break;
                        }
                        self.at += 1;
                    }
                }
                Some(b'/') if self.peek(1) == Some(b'*') => {
                    comment = true;
                    let start = self.at;
                    self.at += 2;
                    let mut depth = 1usize;
                    while depth > 0 {
                        match (self.peek(0), self.peek(1)) {
                            (Some(b'/'), Some(b'*')) => {
                                depth += 1;
                                self.at += 2;
                            }
                            (Some(b'*'), Some(b'/')) => {
                                depth -= 1;
                                self.at += 2;
                            }
                            (Some(_), _) => self.at += 1,
                            (None, _) => {
                                return Err(LexError {
                                    message: format!(
                                        "unterminated /* comment at or near \"{}\"",
                                        near(&self.src[start..])
                                    ),
                                    pos: start,
                                });
                            }
                        }
                    }
                }
                _ => return Ok(comment),
            }
        }
    }

    /// The next token, `Ok(None)` at the end of the input.
    pub fn next_token(&mut self) -> Result<Option<Token<'a>>, LexError> {
        let lead_start = self.at;
        let lead_has_comment = self.skip_lead()?;
        let lead = &self.src[lead_start..self.at];
        let start = self.at;
        let Some(b) = self.peek(0) else {
            return Ok(None);
        };
        let kind = match b {
            b'\'' => {
                self.at += 1;
                self.quoted(b'\'', false, start)?;
                TokenKind::String { escape: false }
            }
            b'"' => {
                self.at += 1;
                self.quoted(b'"', false, start)?;
                if self.at - start == 2 {
                    return Err(LexError {
                        message: "zero-length delimited identifier at or near \"\"\"\"".into(),
                        pos: start,
                    });
                }
                TokenKind::QuotedIdent
            }
            b'e' | b'E' if self.peek(1) == Some(b'\'') => {
                self.at += 2;
                self.quoted(b'\'', true, start)?;
                TokenKind::String { escape: true }
            }
            b'x' | b'X' | b'b' | b'B' if self.peek(1) == Some(b'\'') => {
                self.at += 2;
                self.quoted(b'\'', false, start)?;
                TokenKind::BitString
            }
            b'$' => self.dollar(start)?,
            b'(' => self.single(TokenKind::LParen),
            b')' => self.single(TokenKind::RParen),
            b'[' => self.single(TokenKind::LBracket),
            b']' => self.single(TokenKind::RBracket),
            b',' => self.single(TokenKind::Comma),
            b';' => self.single(TokenKind::Semicolon),
            b':' if self.peek(1) == Some(b':') => {
                self.at += 2;
                TokenKind::DoubleColon
            }
            b'.' if self.peek(1).is_some_and(|d| d.is_ascii_digit()) => self.number(),
            b'.' => self.single(TokenKind::Dot),
            b'0'..=b'9' => self.number(),
            _ if is_ident_start(b) => {
                while self.peek(0).is_some_and(is_ident_cont) {
                    self.at += 1;
                }
                TokenKind::Word
            }
            _ if is_op_char(b) => self.operator(),
            _ => {
                // Anything else (e.g. `{`, `\`): one character, for SQLite to judge.
                let len = self.src[start..].chars().next().map_or(1, char::len_utf8);
                self.at += len;
                TokenKind::Op
            }
        };
        Ok(Some(Token {
            kind,
            text: &self.src[start..self.at],
            pos: start,
            lead,
            lead_has_comment,
        }))
    }

    fn single(&mut self, kind: TokenKind) -> TokenKind {
        self.at += 1;
        kind
    }

    /// Consumes up to and including the closing `quote` (the opening one is already consumed).
    fn quoted(&mut self, quote: u8, backslash: bool, start: usize) -> Result<(), LexError> {
        loop {
            match self.peek(0) {
                None => {
                    let what = if quote == b'"' {
                        "quoted identifier"
                    } else {
                        "quoted string"
                    };
                    return Err(LexError {
                        message: format!(
                            "unterminated {what} at or near \"{}\"",
                            near(&self.src[start..])
                        ),
                        pos: start,
                    });
                }
                Some(b'\\') if backslash => self.at += 2.min(self.bytes.len() - self.at),
                Some(c) if c == quote => {
                    if self.peek(1) == Some(quote) {
                        self.at += 2;
                    } else {
                        self.at += 1;
                        return Ok(());
                    }
                }
                Some(_) => self.at += 1,
            }
        }
    }

    /// `$n`, `$tag$...$tag$`, or a lone `$` (an operator for SQLite to judge).
    fn dollar(&mut self, start: usize) -> Result<TokenKind, LexError> {
        if self.peek(1).is_some_and(|d| d.is_ascii_digit()) {
            self.at += 1;
            while self.peek(0).is_some_and(|d| d.is_ascii_digit()) {
                self.at += 1;
            }
            let digits = &self.src[start + 1..self.at];
            // An identifier character straight after the digits is not valid PostgreSQL.
            if self.peek(0).is_some_and(is_ident_cont) {
                return Err(LexError {
                    message: format!(
                        "trailing junk after parameter at or near \"{}\"",
                        near(&self.src[start..])
                    ),
                    pos: start,
                });
            }
            return match digits.parse::<u32>() {
                Ok(n) if (1..=65_535).contains(&n) => Ok(TokenKind::Param(n)),
                _ => Err(LexError {
                    message: format!("there is no parameter ${digits}"),
                    pos: start,
                }),
            };
        }
        // Dollar-quote tag: `$$` or `$ident$` (no `$` inside the tag).
        let mut end = self.at + 1;
        if self.bytes.get(end).is_some_and(|&c| is_ident_start(c)) {
            while self
                .bytes
                .get(end)
                .is_some_and(|&c| is_ident_cont(c) && c != b'$')
            {
                end += 1;
            }
        }
        if self.bytes.get(end) != Some(&b'$') {
            self.at += 1;
            return Ok(TokenKind::Op);
        }
        let tag = &self.src[start..=end];
        let body_start = end + 1;
        match self.src[body_start..].find(tag) {
            Some(rel) => {
                self.at = body_start + rel + tag.len();
                Ok(TokenKind::DollarString { tag_len: tag.len() })
            }
            None => Err(LexError {
                message: format!(
                    "unterminated dollar-quoted string at or near \"{}\"",
                    near(&self.src[start..])
                ),
                pos: start,
            }),
        }
    }

    fn number(&mut self) -> TokenKind {
        while self
            .peek(0)
            .is_some_and(|d| d.is_ascii_digit() || d == b'_')
        {
            self.at += 1;
        }
        if self.peek(0) == Some(b'.') && self.peek(1) != Some(b'.') {
            self.at += 1;
            while self
                .peek(0)
                .is_some_and(|d| d.is_ascii_digit() || d == b'_')
            {
                self.at += 1;
            }
        }
        if matches!(self.peek(0), Some(b'e' | b'E')) {
            let sign = usize::from(matches!(self.peek(1), Some(b'+' | b'-')));
            if self.peek(1 + sign).is_some_and(|d| d.is_ascii_digit()) {
                self.at += 1 + sign;
                while self.peek(0).is_some_and(|d| d.is_ascii_digit()) {
                    self.at += 1;
                }
            }
        }
        TokenKind::Number
    }

    /// An operator: the longest run of operator characters that does not start a comment,
    /// trimmed of a trailing `+`/`-` as PostgreSQL does (so `=-1` is `=` then `-1`), except `::`
    /// which is always its own token.
    fn operator(&mut self) -> TokenKind {
        let start = self.at;
        let mut end = start;
        while let Some(&c) = self.bytes.get(end) {
            if !is_op_char(c) {
                break;
            }
            let next = self.bytes.get(end + 1).copied();
            if end > start
                && ((c == b'-' && next == Some(b'-')) || (c == b'/' && next == Some(b'*')))
            {
                break;
            }
            if end > start && c == b':' && next == Some(b':') {
                break;
            }
            end += 1;
        }
        let op = &self.bytes[start..end];
        if op.len() > 1 && !op.iter().any(|c| b"~!@#%^&|`?".contains(c)) {
            while end - start > 1 && matches!(self.bytes[end - 1], b'+' | b'-') {
                end -= 1;
            }
        }
        self.at = end.max(start + 1);
        TokenKind::Op
    }
}

/// Tokenizes a whole text.
pub(crate) fn tokenize(src: &str) -> Result<Vec<Token<'_>>, LexError> {
    let mut lexer = Lexer::new(src);
    let mut out = Vec::new();
    while let Some(t) = lexer.next_token()? {
        out.push(t);
    }
    Ok(out)
}

/// The short excerpt PostgreSQL quotes in "at or near" messages.
fn near(rest: &str) -> String {
    rest.chars().take(40).collect()
}

/// The value of a `'..'` string token (`''` → `'`).
pub(crate) fn plain_string_value(text: &str) -> String {
    let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
    inner.replace("''", "'")
}

/// The value of a `".."` identifier token (`""` → `"`).
pub(crate) fn quoted_ident_value(text: &str) -> String {
    let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
    inner.replace("\"\"", "\"")
}

/// The value of a `$tag$..$tag$` token.
pub(crate) fn dollar_string_value(text: &str, tag_len: usize) -> &str {
    text.get(tag_len..text.len().saturating_sub(tag_len))
        .unwrap_or("")
}

/// Why an `E'..'` string could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EscapeError {
    /// The bytes the escapes produce are not UTF-8, or include NUL (22021).
    InvalidByteSequence(String),
    /// A `\u`/`\U` escape that is not a valid code point (22P05 in PostgreSQL).
    InvalidUnicode,
}

/// The value of an `E'..'` token: `\b \f \n \r \t`, `\ooo` octal, `\xh[h]` hex, `\uXXXX`,
/// `\UXXXXXXXX`, `''` and `\'`, any other `\c` → `c`. The result must be valid UTF-8 without NUL,
/// as PostgreSQL's UTF8 server encoding demands.
pub(crate) fn escape_string_value(text: &str) -> Result<String, EscapeError> {
    let inner = text.get(2..text.len().saturating_sub(1)).unwrap_or("");
    let b = inner.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\'' && b.get(i + 1) == Some(&b'\'') {
            out.push(b'\'');
            i += 2;
            continue;
        }
        if c != b'\\' || i + 1 >= b.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let e = b[i + 1];
        i += 2;
        match e {
            b'b' => out.push(0x08),
            b'f' => out.push(0x0c),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'0'..=b'7' => {
                let mut v: u32 = u32::from(e - b'0');
                let mut n = 1;
                while n < 3 && i < b.len() && (b'0'..=b'7').contains(&b[i]) {
                    v = v * 8 + u32::from(b[i] - b'0');
                    i += 1;
                    n += 1;
                }
                out.push((v & 0xff) as u8);
            }
            b'x' if i < b.len() && b[i].is_ascii_hexdigit() => {
                let mut v: u32 = 0;
                let mut n = 0;
                while n < 2 && i < b.len() && b[i].is_ascii_hexdigit() {
                    v = v * 16 + hex_val(b[i]);
                    i += 1;
                    n += 1;
                }
                out.push(v as u8);
            }
            b'u' | b'U' => {
                let digits = if e == b'u' { 4 } else { 8 };
                let hex = b.get(i..i + digits).ok_or(EscapeError::InvalidUnicode)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return Err(EscapeError::InvalidUnicode);
                }
                let v = hex.iter().fold(0u32, |acc, &h| acc * 16 + hex_val(h));
                i += digits;
                let ch = char::from_u32(v)
                    .filter(|&c| c != '\0')
                    .ok_or(EscapeError::InvalidUnicode)?;
                let mut buf = [0u8; 4];
                out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
            }
            other => out.push(other),
        }
    }
    if out.contains(&0) {
        return Err(EscapeError::InvalidByteSequence("0x00".into()));
    }
    String::from_utf8(out).map_err(|e| {
        let bad = e
            .as_bytes()
            .get(e.utf8_error().valid_up_to())
            .copied()
            .unwrap_or(0);
        EscapeError::InvalidByteSequence(format!("0x{bad:02x}"))
    })
}

fn hex_val(h: u8) -> u32 {
    match h {
        b'0'..=b'9' => u32::from(h - b'0'),
        b'a'..=b'f' => u32::from(h - b'a' + 10),
        b'A'..=b'F' => u32::from(h - b'A' + 10),
        _ => 0,
    }
}

/// A SQLite string literal for `value` (single quotes doubled).
pub(crate) fn sqlite_string_literal(value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 2);
    s.push('\'');
    for c in value.chars() {
        if c == '\'' {
            s.push('\'');
        }
        s.push(c);
    }
    s.push('\'');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(sql: &str) -> Vec<(TokenKind, &str)> {
        tokenize(sql)
            .expect("lexes")
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn words_numbers_operators() {
        use TokenKind::*;
        assert_eq!(
            kinds("select a$b, 1.5e3, .5 from t where x<>-1"),
            vec![
                (Word, "select"),
                (Word, "a$b"),
                (Comma, ","),
                (Number, "1.5e3"),
                (Comma, ","),
                (Number, ".5"),
                (Word, "from"),
                (Word, "t"),
                (Word, "where"),
                (Word, "x"),
                (Op, "<>"),
                (Op, "-"),
                (Number, "1"),
            ]
        );
    }

    #[test]
    fn strings_identifiers_and_casts() {
        use TokenKind::*;
        assert_eq!(
            kinds(r#"'it''s'::text "a ""b"""::int E'\'x' x'ff'"#),
            vec![
                (String { escape: false }, "'it''s'"),
                (DoubleColon, "::"),
                (Word, "text"),
                (QuotedIdent, r#""a ""b""""#),
                (DoubleColon, "::"),
                (Word, "int"),
                (String { escape: true }, r"E'\'x'"),
                (BitString, "x'ff'"),
            ]
        );
    }

    #[test]
    fn params_and_dollar_quotes() {
        use TokenKind::*;
        assert_eq!(
            kinds("$1 + $12 $$a'b$$ $x$ $$ $x$"),
            vec![
                (Param(1), "$1"),
                (Op, "+"),
                (Param(12), "$12"),
                (DollarString { tag_len: 2 }, "$$a'b$$"),
                (DollarString { tag_len: 3 }, "$x$ $$ $x$"),
            ]
        );
        assert_eq!(dollar_string_value("$x$ $$ $x$", 3), " $$ ");
    }

    #[test]
    fn comments_become_lead() {
        let toks = tokenize("a -- c1\n /* x /* nested */ y */ b").expect("lexes");
        assert_eq!(toks.len(), 2);
        assert!(toks[1].lead_has_comment);
        assert_eq!(toks[1].lead_ws(), " ");
        assert_eq!(toks[0].lead_ws(), "");
    }

    #[test]
    fn unterminated_things_are_errors_with_positions() {
        let e = tokenize("select 'abc").expect_err("unterminated");
        assert_eq!(e.pos, 7);
        assert!(
            e.message.starts_with("unterminated quoted string"),
            "{}",
            e.message
        );
        let e = tokenize("select \"abc").expect_err("unterminated");
        assert!(e.message.starts_with("unterminated quoted identifier"));
        let e = tokenize("select /* a /* b */").expect_err("unterminated");
        assert!(e.message.starts_with("unterminated /* comment"));
        let e = tokenize("select $q$ abc $Q$").expect_err("unterminated");
        assert!(e.message.starts_with("unterminated dollar-quoted string"));
        let e = tokenize("select \"\"").expect_err("empty ident");
        assert!(e.message.starts_with("zero-length delimited identifier"));
        let e = tokenize("select $0").expect_err("no $0");
        assert_eq!(e.message, "there is no parameter $0");
        let e = tokenize("select E'abc\\'").expect_err("escaped quote");
        assert_eq!(e.pos, 7);
    }

    #[test]
    fn char_positions_count_characters() {
        assert_eq!(char_position("héllo 'x", 7), 7);
        assert_eq!(char_position("abc", 0), 1);
    }

    #[test]
    fn escape_strings_decode() {
        assert_eq!(
            escape_string_value(r"E'a\nb\tc\\d\'e''f'").as_deref(),
            Ok("a\nb\tc\\d'e'f")
        );
        assert_eq!(
            escape_string_value(r"E'\x41\101\u00e9\U0001F600\q'").as_deref(),
            Ok("AAé😀q")
        );
        assert_eq!(escape_string_value(r"E'\xc3\xa9'").as_deref(), Ok("é"));
        assert!(matches!(
            escape_string_value(r"E'\0'"),
            Err(EscapeError::InvalidByteSequence(_))
        ));
        assert!(matches!(
            escape_string_value(r"E'\xff'"),
            Err(EscapeError::InvalidByteSequence(_))
        ));
        assert_eq!(
            escape_string_value(r"E'\ud800'"),
            Err(EscapeError::InvalidUnicode)
        );
    }

    #[test]
    fn literal_helpers() {
        assert_eq!(plain_string_value("'a''b'"), "a'b");
        assert_eq!(quoted_ident_value(r#""a""b""#), "a\"b");
        assert_eq!(sqlite_string_literal("it's"), "'it''s'");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "$", "$a", "'", "E'", "E'\\", "\"", "/*", "-", "::", ":", "é", "\\", "$1a", "1e", "1.",
            "x'",
        ] {
            let _ = tokenize(s);
        }
    }
}
