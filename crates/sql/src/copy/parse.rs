//! The COPY statement's grammar, PostgreSQL 15's (`CopyStmt` in `gram.y`), over sqlparser's
//! tokens: sqlparser's own COPY grammar lacks much of it (HEADER MATCH, FORCE_QUOTE *, the
//! generic `name value` options, WHERE, the pre-9.0 option words, DELIMITERS), so the
//! statement is read here and only its parts that are ordinary SQL (the `( query )`, the
//! WHERE condition) go to sqlparser.
//!
//! ```text
//! COPY [BINARY] name [(col, …)] FROM|TO [PROGRAM] 'file'|STDIN|STDOUT
//!      [[USING] DELIMITERS 'c'] [WITH] options [WHERE condition]
//! COPY ( query ) TO [PROGRAM] 'file'|STDOUT [WITH] options
//! options: ( name [value], … ) | old-style words: BINARY FREEZE CSV HEADER
//!          DELIMITER [AS] 'c' NULL [AS] 's' QUOTE [AS] 'c' ESCAPE [AS] 'c'
//!          FORCE QUOTE cols|* FORCE NOT NULL cols FORCE NULL cols ENCODING 's'
//! ```
//!
//! The old-style words become the same options as the new form, as PostgreSQL's grammar does.
//! Errors are PostgreSQL's 42601 `syntax error at or near "…"` with the token's position.

use sqlparser::ast;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::{OptArg, RawOption};
use crate::error::{Result, SqlError};
use crate::parse::{Positions, parse_expr_tokens, parse_tokens, syntax_error_at};

/// A relation name as written: its parts (folded) and position.
#[derive(Clone, Debug)]
pub struct QualifiedName {
    pub parts: Vec<String>,
    pub position: Option<usize>,
}

/// Where the data comes from or goes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CopyTarget {
    /// STDIN / STDOUT: the client connection.
    Client,
    /// A server file.
    File(String),
    /// A server program.
    Program(String),
}

/// A parsed COPY statement.
#[derive(Clone, Debug)]
pub struct CopyStmt {
    /// `COPY name …`; `None` for `COPY (query) TO`.
    pub relation: Option<QualifiedName>,
    /// The column list: names and positions.
    pub columns: Vec<(String, Option<usize>)>,
    /// `COPY (query) TO`: SELECT, or INSERT/UPDATE/DELETE … RETURNING.
    pub query: Option<Box<ast::Statement>>,
    pub is_from: bool,
    pub target: CopyTarget,
    /// 1-based position of the target (for PROGRAM errors).
    pub target_position: Option<usize>,
    pub options: Vec<RawOption>,
    /// COPY FROM … WHERE: the condition and its text.
    pub where_clause: Option<(Box<ast::Expr>, String)>,
}

struct P<'a> {
    text: &'a str,
    positions: &'a Positions,
    all: &'a [TokenWithSpan],
    /// Indexes of the significant tokens in `all`.
    sig: Vec<usize>,
    at: usize,
}

fn fold(w: &sqlparser::tokenizer::Word) -> String {
    if w.quote_style.is_some() {
        w.value.clone()
    } else {
        w.value.to_lowercase()
    }
}

impl<'a> P<'a> {
    fn tok(&self, k: usize) -> Option<&'a TokenWithSpan> {
        self.sig.get(k).map(|&i| &self.all[i])
    }

    fn peek(&self) -> Option<&'a Token> {
        self.tok(self.at).map(|t| &t.token)
    }

    fn pos(&self) -> Option<usize> {
        match self.tok(self.at) {
            Some(t) => Some(self.positions.position(t.span.start)),
            None => Some(self.positions.end_position()),
        }
    }

    fn error(&self) -> SqlError {
        match self.tok(self.at) {
            Some(t) => syntax_error_at(self.text, self.positions, t),
            None => SqlError::syntax("syntax error at end of input")
                .at(Some(self.positions.end_position())),
        }
    }

    /// Is the next token the unquoted keyword `kw`?
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let yes = self.is_kw(kw);
        if yes {
            self.at += 1;
        }
        yes
    }

    fn expect_kw(&mut self, kw: &str) -> Result<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn eat(&mut self, t: &Token) -> bool {
        let yes = self.peek() == Some(t);
        if yes {
            self.at += 1;
        }
        yes
    }

    fn expect(&mut self, t: &Token) -> Result<()> {
        if self.eat(t) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// A string constant (`Sconst`).
    fn sconst(&mut self) -> Option<String> {
        let s = match self.peek()? {
            Token::SingleQuotedString(s)
            | Token::EscapedStringLiteral(s)
            | Token::UnicodeStringLiteral(s)
            | Token::NationalStringLiteral(s) => s.clone(),
            Token::DollarQuotedString(d) => d.value.clone(),
            _ => return None,
        };
        self.at += 1;
        Some(s)
    }

    fn expect_sconst(&mut self) -> Result<String> {
        self.sconst().ok_or_else(|| self.error())
    }

    /// An identifier (`ColId`), folded.
    fn ident(&mut self) -> Result<(String, Option<usize>)> {
        let pos = self.pos();
        match self.peek() {
            Some(Token::Word(w)) => {
                self.at += 1;
                Ok((fold(w), pos))
            }
            _ => Err(self.error()),
        }
    }

    fn column_list(&mut self) -> Result<Vec<(String, Option<usize>)>> {
        let mut cols = vec![self.ident()?];
        while self.eat(&Token::Comma) {
            cols.push(self.ident()?);
        }
        Ok(cols)
    }

    /// The tokens of `all` between significant tokens `from` and `to` (exclusive).
    fn slice(&self, from: usize, to: usize) -> Vec<TokenWithSpan> {
        let a = self.sig.get(from).copied().unwrap_or(self.all.len());
        let b = self.sig.get(to).copied().unwrap_or(self.all.len());
        self.all[a..b.max(a)].to_vec()
    }

    /// One argument of a new-style option.
    fn generic_arg(&mut self) -> Result<OptArg> {
        if let Some(s) = self.sconst() {
            return Ok(OptArg::Str(s));
        }
        match self.peek() {
            None | Some(Token::Comma | Token::RParen) => Ok(OptArg::None),
            Some(Token::Mul) => {
                self.at += 1;
                Ok(OptArg::Star)
            }
            Some(Token::Word(w)) => {
                self.at += 1;
                Ok(OptArg::Str(fold(w)))
            }
            Some(Token::Minus | Token::Plus) => {
                let minus = self.peek() == Some(&Token::Minus);
                self.at += 1;
                match self.peek() {
                    Some(Token::Number(n, _)) => {
                        let text = if minus { format!("-{n}") } else { n.clone() };
                        self.at += 1;
                        Ok(number(text))
                    }
                    _ => Err(self.error()),
                }
            }
            Some(Token::Number(n, _)) => {
                let n = n.clone();
                self.at += 1;
                Ok(number(n))
            }
            Some(Token::LParen) => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    if let Some(s) = self.sconst() {
                        items.push(s);
                    } else if let Some(Token::Word(w)) = self.peek() {
                        items.push(fold(w));
                        self.at += 1;
                    } else {
                        return Err(self.error());
                    }
                    if !self.eat(&Token::Comma) {
                        break;
                    }
                }
                self.expect(&Token::RParen)?;
                Ok(OptArg::List(items))
            }
            Some(_) => Err(self.error()),
        }
    }

    fn generic_options(&mut self, out: &mut Vec<RawOption>) -> Result<()> {
        loop {
            let position = self.pos();
            let name = match self.peek() {
                Some(Token::Word(w)) => fold(w),
                _ => return Err(self.error()),
            };
            self.at += 1;
            let arg = self.generic_arg()?;
            out.push(RawOption {
                name,
                arg,
                position,
            });
            if !self.eat(&Token::Comma) {
                return self.expect(&Token::RParen);
            }
        }
    }

    fn legacy_options(&mut self, out: &mut Vec<RawOption>) -> Result<()> {
        loop {
            let position = self.pos();
            let mut push = |name: &str, arg: OptArg| {
                out.push(RawOption {
                    name: name.into(),
                    arg,
                    position,
                })
            };
            if self.eat_kw("binary") {
                push("format", OptArg::Str("binary".into()));
            } else if self.eat_kw("freeze") {
                push("freeze", OptArg::None);
            } else if self.eat_kw("csv") {
                push("format", OptArg::Str("csv".into()));
            } else if self.eat_kw("header") {
                push("header", OptArg::None);
            } else if self.is_kw("delimiter")
                || self.is_kw("null")
                || self.is_kw("quote")
                || self.is_kw("escape")
            {
                let name = match self.peek() {
                    Some(Token::Word(w)) => w.value.to_lowercase(),
                    _ => return Err(self.error()),
                };
                self.at += 1;
                self.eat_kw("as");
                let s = self.expect_sconst()?;
                out.push(RawOption {
                    name,
                    arg: OptArg::Str(s),
                    position,
                });
            } else if self.eat_kw("encoding") {
                let s = self.expect_sconst()?;
                push("encoding", OptArg::Str(s));
            } else if self.eat_kw("force") {
                if self.eat_kw("quote") {
                    if self.eat(&Token::Mul) {
                        push("force_quote", OptArg::Star);
                    } else {
                        let cols = self.column_list()?.into_iter().map(|c| c.0).collect();
                        out.push(RawOption {
                            name: "force_quote".into(),
                            arg: OptArg::List(cols),
                            position,
                        });
                    }
                } else if self.eat_kw("not") {
                    self.expect_kw("null")?;
                    let cols = self.column_list()?.into_iter().map(|c| c.0).collect();
                    out.push(RawOption {
                        name: "force_not_null".into(),
                        arg: OptArg::List(cols),
                        position,
                    });
                } else if self.eat_kw("null") {
                    let cols = self.column_list()?.into_iter().map(|c| c.0).collect();
                    out.push(RawOption {
                        name: "force_null".into(),
                        arg: OptArg::List(cols),
                        position,
                    });
                } else {
                    return Err(self.error());
                }
            } else {
                return Ok(());
            }
        }
    }
}

fn number(text: String) -> OptArg {
    let int = text
        .parse::<i64>()
        .ok()
        .filter(|v| i32::try_from(*v).is_ok());
    OptArg::Num(text, int)
}

/// Parses a COPY statement (its tokens, whitespace included, start with the word COPY).
pub fn parse_copy(text: &str, positions: &Positions, tokens: &[TokenWithSpan]) -> Result<CopyStmt> {
    let sig = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
        .map(|(i, _)| i)
        .collect();
    let mut p = P {
        text,
        positions,
        all: tokens,
        sig,
        at: 0,
    };
    p.expect_kw("copy")?;
    let mut options = Vec::new();
    let mut relation = None;
    let mut columns = Vec::new();
    let mut query = None;
    let binary_pos = p.pos();
    if p.eat_kw("binary") {
        options.push(RawOption {
            name: "format".into(),
            arg: OptArg::Str("binary".into()),
            position: binary_pos,
        });
    }
    let is_query = options.is_empty() && p.peek() == Some(&Token::LParen);
    if is_query {
        p.at += 1;
        let from = p.at;
        let mut depth = 0usize;
        loop {
            match p.peek() {
                None => return Err(p.error()),
                Some(Token::LParen) => depth += 1,
                Some(Token::RParen) if depth == 0 => break,
                Some(Token::RParen) => depth -= 1,
                _ => {}
            }
            p.at += 1;
        }
        let inner = p.slice(from, p.at);
        if from == p.at {
            return Err(p.error());
        }
        let stmt = parse_tokens(text, positions, inner)?;
        match &stmt {
            ast::Statement::Query(_)
            | ast::Statement::Insert(_)
            | ast::Statement::Update(_)
            | ast::Statement::Delete(_) => {}
            _ => {
                p.at = from;
                return Err(p.error());
            }
        }
        query = Some(Box::new(stmt));
        p.at += 1;
    } else {
        let position = p.pos();
        let mut parts = vec![p.ident()?.0];
        while p.eat(&Token::Period) {
            parts.push(p.ident()?.0);
        }
        relation = Some(QualifiedName { parts, position });
        if p.eat(&Token::LParen) {
            columns = p.column_list()?;
            p.expect(&Token::RParen)?;
        }
    }
    let is_from = if is_query {
        p.expect_kw("to")?;
        false
    } else if p.eat_kw("from") {
        true
    } else {
        p.expect_kw("to")?;
        false
    };
    let program = p.eat_kw("program");
    let target_position = p.pos();
    let target = if let Some(name) = p.sconst() {
        if program {
            CopyTarget::Program(name)
        } else {
            CopyTarget::File(name)
        }
    } else if p.eat_kw("stdin") || p.eat_kw("stdout") {
        if program {
            return Err(
                SqlError::syntax("STDIN/STDOUT not allowed with PROGRAM").at(target_position)
            );
        }
        CopyTarget::Client
    } else {
        return Err(p.error());
    };
    if !is_query {
        let using_pos = p.pos();
        let using = p.eat_kw("using");
        if p.eat_kw("delimiters") {
            let s = p.expect_sconst()?;
            options.push(RawOption {
                name: "delimiter".into(),
                arg: OptArg::Str(s),
                position: using_pos,
            });
        } else if using {
            return Err(p.error());
        }
    }
    p.eat_kw("with");
    if p.eat(&Token::LParen) {
        p.generic_options(&mut options)?;
    } else {
        p.legacy_options(&mut options)?;
    }
    let mut where_clause = None;
    if !is_query && p.is_kw("where") {
        let where_pos = p.pos();
        p.at += 1;
        let from = p.at;
        let tokens = p.slice(from, p.sig.len());
        let expr = parse_expr_tokens(text, positions, tokens)?;
        if !is_from {
            return Err(SqlError::syntax("WHERE clause not allowed with COPY TO").at(where_pos));
        }
        let a = p.tok(from).map_or(0, |t| positions.offset(t.span.start));
        let cond: String = text.chars().skip(a).collect();
        where_clause = Some((
            Box::new(expr),
            cond.trim_end().trim_end_matches(';').to_string(),
        ));
        p.at = p.sig.len();
    }
    if p.at < p.sig.len() {
        return Err(p.error());
    }
    Ok(CopyStmt {
        relation,
        columns,
        query,
        is_from,
        target,
        target_position,
        options,
        where_clause,
    })
}

#[cfg(test)]
mod tests {
    use crate::parse::{Stmt, parse};

    use super::*;

    fn copy(sql: &str) -> CopyStmt {
        match parse(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"))
            .remove(0)
            .stmt
        {
            Stmt::Copy(c) => *c,
            other => panic!("{other:?}"),
        }
    }

    fn names(c: &CopyStmt) -> Vec<(String, OptArg)> {
        c.options
            .iter()
            .map(|o| (o.name.clone(), o.arg.clone()))
            .collect()
    }

    #[test]
    fn new_and_old_option_forms() {
        let c = copy("COPY public.t (a, \"B\") FROM stdin;");
        assert_eq!(c.relation.unwrap().parts, ["public", "t"]);
        assert_eq!(
            c.columns.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(),
            ["a", "B"]
        );
        assert!(c.is_from && c.target == CopyTarget::Client && c.options.is_empty());
        let c = copy("copy pgbench_accounts from stdin with (freeze on)");
        assert_eq!(names(&c), [("freeze".into(), OptArg::Str("on".into()))]);
        let c = copy("COPY t TO STDOUT WITH CSV HEADER DELIMITER AS ';' FORCE QUOTE *");
        assert_eq!(
            names(&c),
            [
                ("format".into(), OptArg::Str("csv".into())),
                ("header".into(), OptArg::None),
                ("delimiter".into(), OptArg::Str(";".into())),
                ("force_quote".into(), OptArg::Star),
            ]
        );
        let c = copy(
            "copy t from stdin (format csv, header match, force_not_null (a, b), quote '''', freeze 1)",
        );
        assert_eq!(c.options.len(), 5);
        assert_eq!(c.options[4].arg, OptArg::Num("1".into(), Some(1)));
        let c = copy("COPY BINARY t FROM STDIN USING DELIMITERS '|'");
        assert_eq!(names(&c)[1], ("delimiter".into(), OptArg::Str("|".into())));
    }

    #[test]
    fn queries_and_where() {
        let c = copy("COPY (select 1, (2)) TO STDOUT (FORMAT csv)");
        assert!(c.query.is_some() && c.relation.is_none());
        let c = copy("COPY t FROM STDIN WHERE a > 1 and b <> 'x'");
        assert_eq!(c.where_clause.unwrap().1, "a > 1 and b <> 'x'");
    }

    #[test]
    fn errors_are_postgresql_s() {
        let e = parse("copy t(a) to stdout where a > 1").unwrap_err();
        assert_eq!(
            (e.message.as_str(), e.position),
            ("WHERE clause not allowed with COPY TO", Some(21))
        );
        let e = parse("copy (select 1) to stdout where true").unwrap_err();
        assert_eq!(e.message, "syntax error at or near \"where\"");
        let e = parse("copy (select 1) from stdin").unwrap_err();
        assert_eq!(e.message, "syntax error at or near \"from\"");
        let e = parse("copy t from program stdin").unwrap_err();
        assert_eq!(e.message, "STDIN/STDOUT not allowed with PROGRAM");
        assert!(parse("copy t from stdin (format csv,)").is_err());
        assert!(parse("copy").is_err());
    }
}
