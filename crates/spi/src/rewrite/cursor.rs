//! A small cursor over a statement's tokens for the fixed-shape commands (utility statements,
//! DDL heads), with PostgreSQL's syntax-error messages.
//!
//! Owns: reading keywords and names off the front of a token slice and turning "not what was
//! expected" into 42601 `syntax error at or near "…"` with the token's 1-based character position.
//! Never: rewrites anything — it only reads.

use super::RewriteError;
use super::lexer::{Token, TokenKind, char_position, quoted_ident_value};
use super::names::fold;

/// A reading position in one statement's tokens.
pub(crate) struct Cursor<'t, 'a> {
    pub sql: &'a str,
    pub toks: &'t [Token<'a>],
    pub i: usize,
}

impl<'t, 'a> Cursor<'t, 'a> {
    pub fn new(sql: &'a str, toks: &'t [Token<'a>]) -> Self {
        Cursor { sql, toks, i: 0 }
    }

    pub fn peek(&self) -> Option<&'t Token<'a>> {
        self.toks.get(self.i)
    }

    pub fn peek_at(&self, ahead: usize) -> Option<&'t Token<'a>> {
        self.toks.get(self.i + ahead)
    }

    pub fn at_end(&self) -> bool {
        self.i >= self.toks.len()
    }

    /// Whether the next token is the keyword `kw`.
    pub fn is_word(&self, kw: &str) -> bool {
        self.peek().is_some_and(|t| t.is_word(kw))
    }

    /// Consumes the keyword `kw` if it is next.
    pub fn eat_word(&mut self, kw: &str) -> bool {
        let yes = self.is_word(kw);
        if yes {
            self.i += 1;
        }
        yes
    }

    /// Consumes the keywords `kws` if they all come next, in order.
    pub fn eat_words(&mut self, kws: &[&str]) -> bool {
        let yes = kws
            .iter()
            .enumerate()
            .all(|(k, kw)| self.peek_at(k).is_some_and(|t| t.is_word(kw)));
        if yes {
            self.i += kws.len();
        }
        yes
    }

    pub fn eat_kind(&mut self, kind: TokenKind) -> bool {
        let yes = self.peek().is_some_and(|t| t.kind == kind);
        if yes {
            self.i += 1;
        }
        yes
    }

    /// Requires the keyword `kw`.
    pub fn expect_word(&mut self, kw: &str) -> Result<(), RewriteError> {
        if self.eat_word(kw) {
            Ok(())
        } else {
            Err(self.syntax_error())
        }
    }

    /// An identifier: an unquoted word (folded to lower case) or a `".."` name (kept as is).
    pub fn name(&mut self) -> Result<String, RewriteError> {
        let value = match self.peek() {
            Some(t) if t.kind == TokenKind::Word => fold(t.text),
            Some(t) if t.kind == TokenKind::QuotedIdent => quoted_ident_value(t.text),
            _ => return Err(self.syntax_error()),
        };
        self.i += 1;
        Ok(value)
    }

    /// Requires that nothing follows.
    pub fn expect_end(&self) -> Result<(), RewriteError> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.syntax_error())
        }
    }

    /// 42601 at the current token (or at the end of the input).
    pub fn syntax_error(&self) -> RewriteError {
        syntax_error_at(self.sql, self.peek())
    }

    /// 0A000 for a recognised command minipg does not implement.
    pub fn not_supported(&self, what: &str) -> RewriteError {
        RewriteError::not_supported(
            what,
            self.toks.first().map(|t| char_position(self.sql, t.pos)),
        )
    }
}

/// PostgreSQL's `syntax error at or near "tok"` / `syntax error at end of input`.
pub(crate) fn syntax_error_at(sql: &str, tok: Option<&Token<'_>>) -> RewriteError {
    match tok {
        Some(t) => RewriteError::syntax(
            format!("syntax error at or near \"{}\"", t.text),
            Some(char_position(sql, t.pos)),
        ),
        None => RewriteError::syntax(
            "syntax error at end of input".to_string(),
            Some(char_position(sql, sql.trim_end().len())),
        ),
    }
}
