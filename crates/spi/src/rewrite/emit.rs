//! The generic rewriting pass: PostgreSQL expressions and DML/DDL bodies → SQLite SQL.
//!
//! Owns, in one left-to-right pass over the tokens (no backtracking beyond a few tokens of
//! look-ahead, no parse tree):
//! - `$n` → `?n` (SQLite binds `$N` by order of appearance, `?N` by number), counting parameters
//!   and noting their types where the text gives a clue (`$1::int`, `LIMIT $2`);
//! - relation names after `FROM`/`JOIN`/`INTO`/`UPDATE`/`TABLE`/`VIEW`/`REFERENCES` (and `ON` in
//!   `CREATE INDEX`): `schema.name` → the mangled quoted name when `schema` exists, `public.`/
//!   `pg_catalog.` dropped, unqualified names put into the default schema when one is set (the
//!   elements of `CREATE SCHEMA`). A mangled relation in DML gets the alias PostgreSQL gives it
//!   implicitly (`FROM s.t` → `FROM "s.t" AS t`) so that `t.col` keeps working;
//! - in expressions `schema.table.column` → `table.column`, `pg_catalog.f(..)` → `f(..)`;
//! - `expr::type` and `CAST(expr AS type)` → SQLite casts (`minipg_bool(..)` for booleans);
//! - `E'..'` and `$$..$$` strings → plain SQLite strings; `current_user`/`session_user`/`user` →
//!   `current_user()`, `current_schema` → `'public'`, `ILIKE` → `LIKE` (SQLite's LIKE already
//!   ignores ASCII case), `IS [NOT] DISTINCT FROM` → `IS [NOT]`;
//! - in `CREATE TABLE`: `serial` types → integer types, non-literal `DEFAULT` expressions
//!   parenthesised, `WITH (storage options)` and `UNLOGGED` dropped;
//! - the PostgreSQL types of the top-level select-list items that are casts or literals.
//!
//! Invariants: unquoted names are folded to lower case as PostgreSQL does; quoted names keep their
//! case and are re-quoted; whitespace between tokens is kept (comments become one space); anything
//! not understood is copied through for SQLite to judge.
//! Never: consults a catalog other than through `is_schema`, or reorders clauses.

use std::borrow::Cow;

use super::RewriteError;
use super::cursor::syntax_error_at;
use super::keywords::{ends_from_list, is_call_name, is_reserved};
use super::lexer::{
    EscapeError, Token, TokenKind, char_position, dollar_string_value, escape_string_value,
    plain_string_value, quoted_ident_value, sqlite_string_literal,
};
use super::names::{fold, mangle, quote};
use super::types::{PgType, cast_sql, read_type_name};

/// What the rewrite of one statement may consult.
pub(crate) struct Context<'s> {
    is_schema: &'s mut dyn FnMut(&str) -> bool,
    /// Where unqualified relation names go (`CREATE SCHEMA` elements); `None` = public.
    pub default_schema: Option<String>,
}

impl<'s> Context<'s> {
    pub fn new(is_schema: &'s mut dyn FnMut(&str) -> bool) -> Self {
        Context {
            is_schema,
            default_schema: None,
        }
    }

    /// Whether `name` is a schema a qualifier can refer to (`public` and `pg_catalog` always are).
    pub fn is_schema(&mut self, name: &str) -> bool {
        name == "public"
            || name == "pg_catalog"
            || self.default_schema.as_deref() == Some(name)
            || (self.is_schema)(name)
    }
}

/// One part of a possibly qualified name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NamePart {
    /// The name's value: folded when unquoted, unescaped when quoted.
    pub value: String,
    pub quoted: bool,
}

impl NamePart {
    /// The part as SQL: bare when it was bare, re-quoted when it was quoted.
    pub fn sql(&self) -> String {
        if self.quoted {
            quote(&self.value)
        } else {
            self.value.clone()
        }
    }
}

/// A relation name after resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Relation {
    /// The SQL to emit.
    pub sql: String,
    /// The PostgreSQL schema (`public` when unqualified and no default schema applies).
    pub schema: String,
    /// The relation's own name.
    pub name: String,
    /// Whether the SQLite name differs from the visible name (so DML needs an alias).
    pub mangled: bool,
}

/// Resolves a relation name of 1–3 parts.
pub(crate) fn resolve_relation(ctx: &mut Context<'_>, parts: &[NamePart]) -> Relation {
    let plain = || {
        parts
            .iter()
            .map(NamePart::sql)
            .collect::<Vec<_>>()
            .join(".")
    };
    match parts {
        [one] => match ctx.default_schema.clone() {
            Some(schema) if schema != "public" => Relation {
                sql: quote(&mangle(&schema, &one.value)),
                schema,
                name: one.value.clone(),
                mangled: true,
            },
            _ => Relation {
                sql: one.sql(),
                schema: "public".into(),
                name: one.value.clone(),
                mangled: false,
            },
        },
        [schema, name] if schema.value == "public" || schema.value == "pg_catalog" => Relation {
            sql: name.sql(),
            schema: schema.value.clone(),
            name: name.value.clone(),
            mangled: false,
        },
        [schema, name] if ctx.is_schema(&schema.value) => Relation {
            sql: quote(&mangle(&schema.value, &name.value)),
            schema: schema.value.clone(),
            name: name.value.clone(),
            mangled: true,
        },
        _ => Relation {
            sql: plain(),
            schema: parts.first().map(|p| p.value.clone()).unwrap_or_default(),
            name: parts.last().map(|p| p.value.clone()).unwrap_or_default(),
            mangled: false,
        },
    }
}

/// Reads a dotted name (1–3 parts) at `toks[i]`; returns the parts and the index after them.
/// The first token must be a word or a quoted identifier; `x.*` stops before the dot.
pub(crate) fn read_name(toks: &[Token<'_>], i: usize) -> Option<(Vec<NamePart>, usize)> {
    let part = |t: &Token<'_>| match t.kind {
        TokenKind::Word => Some(NamePart {
            value: fold(t.text),
            quoted: false,
        }),
        TokenKind::QuotedIdent => Some(NamePart {
            value: quoted_ident_value(t.text),
            quoted: true,
        }),
        _ => None,
    };
    let mut parts = vec![part(toks.get(i)?)?];
    let mut j = i + 1;
    while parts.len() < 3
        && toks.get(j).is_some_and(|t| t.kind == TokenKind::Dot)
        && let Some(p) = toks.get(j + 1).and_then(part)
    {
        parts.push(p);
        j += 2;
    }
    Some((parts, j))
}

/// What an emitted piece is, for casts and result typing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Meta {
    Syntax,
    /// A reserved word, kept as written.
    Keyword,
    Name,
    Param(u32),
    /// A literal and its PostgreSQL type (`None` for NULL and bit strings).
    Literal(Option<PgType>),
    /// A cast (or other expression) whose PostgreSQL type is known.
    Typed(PgType),
}

/// One emitted fragment with the whitespace before it.
#[derive(Debug, Clone)]
pub(crate) struct Piece<'a> {
    pub ws: &'a str,
    pub text: Cow<'a, str>,
    pub meta: Meta,
}

/// What kind of relation position a keyword opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RelationSlot {
    /// Add PostgreSQL's implicit alias when the name is mangled (DML).
    alias: bool,
    /// `name(` is a table function here, not a table with a column list.
    function_ok: bool,
    /// The relation is the target of INSERT/UPDATE/DELETE (for RETURNING).
    target: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FrameKind {
    Root,
    Group,
    Call,
    /// `CAST(`, with the target type once `AS type` has been read.
    Cast(Option<PgType>),
}

#[derive(Debug, Clone, Copy)]
struct Frame {
    /// Out index of the first piece of the primary this frame closes (call name or `(`).
    start: usize,
    /// Out index of the `(`.
    open: usize,
    kind: FrameKind,
    /// Inside a FROM list at this depth: a `,` opens another relation slot.
    in_from: bool,
}

/// The top-level select list being typed.
#[derive(Debug, Clone, Default)]
struct SelectList {
    item_start: usize,
    done: bool,
    star: bool,
}

/// Statement-shape switches set by the caller.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Options {
    /// `ON` introduces a relation (CREATE INDEX, CREATE TRIGGER).
    pub on_is_relation: bool,
    /// CREATE TABLE / ALTER TABLE body rules (serial, DEFAULT, WITH (..), UNLOGGED).
    pub table_ddl: bool,
    /// Record the types of the top-level select list.
    pub track_select: bool,
}

/// The rewriting pass over one statement's tokens.
pub(crate) struct Emitter<'a, 'c, 's> {
    sql: &'a str,
    toks: &'c [Token<'a>],
    pub i: usize,
    pub out: Vec<Piece<'a>>,
    pub ctx: &'c mut Context<'s>,
    pub opts: Options,
    /// Known parameter types, indexed by `n - 1`; grows to the highest `$n` seen.
    pub param_types: Vec<PgType>,
    pub returning: bool,
    frames: Vec<Frame>,
    cases: Vec<(usize, usize)>,
    prim: Option<usize>,
    call_name: Option<usize>,
    slot: Option<RelationSlot>,
    select: Option<SelectList>,
    result_types: Vec<Option<PgType>>,
    default_expr: Option<(usize, usize)>,
    target_names: Vec<String>,
    in_returning: bool,
}

impl<'a, 'c, 's> Emitter<'a, 'c, 's> {
    pub fn new(
        sql: &'a str,
        toks: &'c [Token<'a>],
        ctx: &'c mut Context<'s>,
        opts: Options,
    ) -> Self {
        Emitter {
            sql,
            toks,
            i: 0,
            out: Vec::with_capacity(toks.len() + 4),
            ctx,
            opts,
            param_types: Vec::new(),
            returning: false,
            frames: vec![Frame {
                start: 0,
                open: 0,
                kind: FrameKind::Root,
                in_from: false,
            }],
            cases: Vec::new(),
            prim: None,
            call_name: None,
            slot: None,
            select: None,
            result_types: Vec::new(),
            default_expr: None,
            target_names: Vec::new(),
            in_returning: false,
        }
    }

    /// The SQLite text emitted so far (leading whitespace dropped).
    pub fn render(&self) -> String {
        let mut s = String::with_capacity(self.sql.len() + 16);
        for (k, p) in self.out.iter().enumerate() {
            if k > 0 {
                s.push_str(p.ws);
            }
            s.push_str(&p.text);
        }
        s
    }

    /// Result types of the top-level select list (see [`super::Statement::Sql`]).
    pub fn result_types(&self) -> Vec<Option<PgType>> {
        self.result_types.clone()
    }

    /// Appends raw SQL (a rewritten statement head).
    pub fn push_raw(&mut self, text: impl Into<Cow<'a, str>>) {
        let ws = if self.out.is_empty() { "" } else { " " };
        self.out.push(Piece {
            ws,
            text: text.into(),
            meta: Meta::Syntax,
        });
        self.prim = None;
    }

    /// Opens a relation slot as if a relation keyword had just been emitted.
    pub fn expect_relation(&mut self, alias: bool, target: bool) {
        self.slot = Some(RelationSlot {
            alias,
            function_ok: false,
            target,
        });
    }

    fn push(&mut self, ws: &'a str, text: impl Into<Cow<'a, str>>, meta: Meta) -> usize {
        self.out.push(Piece {
            ws,
            text: text.into(),
            meta,
        });
        self.out.len() - 1
    }

    fn push_primary(&mut self, ws: &'a str, text: impl Into<Cow<'a, str>>, meta: Meta) {
        let k = self.push(ws, text, meta);
        self.prim = Some(k);
    }

    fn depth(&self) -> usize {
        self.frames.len() - 1
    }

    fn prev_is_keyword(&self, kw: &str) -> bool {
        self.out
            .last()
            .is_some_and(|p| p.meta == Meta::Keyword && p.text.eq_ignore_ascii_case(kw))
    }

    fn error_at(&self, sqlstate: &'static str, message: String, pos: usize) -> RewriteError {
        RewriteError {
            sqlstate,
            message,
            position: Some(char_position(self.sql, pos)),
        }
    }

    /// Rewrites tokens from `self.i` to `end`.
    pub fn run(&mut self, end: usize) -> Result<(), RewriteError> {
        while self.i < end {
            let t = self.toks[self.i];
            let slot = self.slot.take();
            match t.kind {
                TokenKind::Param(n) => {
                    self.param(t, n);
                    self.i += 1;
                }
                TokenKind::Number => {
                    self.push_primary(
                        t.lead_ws(),
                        t.text,
                        Meta::Literal(Some(number_type(t.text))),
                    );
                    self.i += 1;
                }
                TokenKind::String { escape: false } => {
                    self.push_primary(t.lead_ws(), t.text, Meta::Literal(Some(PgType::Text)));
                    self.i += 1;
                }
                TokenKind::String { escape: true } => {
                    let value =
                        escape_string_value(t.text).map_err(|e| self.escape_error(e, t.pos))?;
                    self.push_primary(
                        t.lead_ws(),
                        sqlite_string_literal(&value),
                        Meta::Literal(Some(PgType::Text)),
                    );
                    self.i += 1;
                }
                TokenKind::DollarString { tag_len } => {
                    let lit = sqlite_string_literal(dollar_string_value(t.text, tag_len));
                    self.push_primary(t.lead_ws(), lit, Meta::Literal(Some(PgType::Text)));
                    self.i += 1;
                }
                TokenKind::BitString => {
                    self.push_primary(t.lead_ws(), t.text, Meta::Literal(None));
                    self.i += 1;
                }
                TokenKind::LParen => {
                    self.open_paren(t);
                    self.i += 1;
                }
                TokenKind::RParen => {
                    self.close_paren(t);
                    self.i += 1;
                }
                TokenKind::Comma => {
                    self.comma(t);
                    self.i += 1;
                }
                TokenKind::DoubleColon => self.cast(t)?,
                TokenKind::Word | TokenKind::QuotedIdent => self.word(t, slot)?,
                TokenKind::Op if t.text == "*" && self.select_item_is_empty() => {
                    if let Some(sel) = self.select.as_mut() {
                        sel.star = true;
                    }
                    self.push(t.lead_ws(), t.text, Meta::Syntax);
                    self.prim = None;
                    self.i += 1;
                }
                TokenKind::Semicolon
                | TokenKind::Dot
                | TokenKind::Op
                | TokenKind::LBracket
                | TokenKind::RBracket => {
                    self.push(t.lead_ws(), t.text, Meta::Syntax);
                    self.prim = None;
                    self.i += 1;
                }
            }
        }
        self.finish_default();
        self.finish_select_item(true);
        Ok(())
    }

    fn escape_error(&self, e: EscapeError, pos: usize) -> RewriteError {
        match e {
            EscapeError::InvalidByteSequence(b) => self.error_at(
                "22021",
                format!("invalid byte sequence for encoding \"UTF8\": {b}"),
                pos,
            ),
            EscapeError::InvalidUnicode => {
                self.error_at("22P05", "invalid Unicode escape value".to_string(), pos)
            }
        }
    }

    fn param(&mut self, t: Token<'a>, n: u32) {
        let idx = n as usize;
        if self.param_types.len() < idx {
            self.param_types.resize(idx, PgType::Unknown);
        }
        if self.prev_is_keyword("limit") || self.prev_is_keyword("offset") {
            self.note_param_type(n, PgType::Int8);
        }
        self.push_primary(t.lead_ws(), format!("?{n}"), Meta::Param(n));
    }

    fn note_param_type(&mut self, n: u32, ty: PgType) {
        if let Some(slot) = self.param_types.get_mut(n as usize - 1)
            && *slot == PgType::Unknown
        {
            *slot = ty;
        }
    }

    fn open_paren(&mut self, t: Token<'a>) {
        let open = self.out.len();
        let (start, kind) = match self.call_name.take() {
            Some(k) if k + 1 == open => {
                let kind = if self.out[k].text.eq_ignore_ascii_case("cast") {
                    FrameKind::Cast(None)
                } else {
                    FrameKind::Call
                };
                (k, kind)
            }
            _ => (open, FrameKind::Group),
        };
        self.push(t.lead_ws(), t.text, Meta::Syntax);
        self.frames.push(Frame {
            start,
            open,
            kind,
            in_from: false,
        });
        self.prim = None;
    }

    fn close_paren(&mut self, t: Token<'a>) {
        if self.default_expr.is_some_and(|(_, d)| d == self.depth()) {
            self.finish_default();
        }
        if self.frames.len() == 1 {
            // Unbalanced: leave it for SQLite to report.
            self.push(t.lead_ws(), t.text, Meta::Syntax);
            self.prim = None;
            return;
        }
        let frame = self.frames.pop().unwrap_or(Frame {
            start: 0,
            open: 0,
            kind: FrameKind::Root,
            in_from: false,
        });
        let depth = self.depth();
        self.cases.retain(|&(_, d)| d <= depth);
        if let FrameKind::Cast(Some(ty)) = frame.kind {
            let ws = self.out[frame.start].ws;
            let single =
                (self.out.len() == frame.open + 2).then(|| self.out[frame.open + 1].clone());
            let expr = self.join(frame.open + 1);
            self.out.truncate(frame.start);
            let text = self.cast_text(&expr, single.as_ref(), ty);
            self.push_primary(ws, text, Meta::Typed(ty));
            return;
        }
        self.push(t.lead_ws(), t.text, Meta::Syntax);
        self.prim = Some(frame.start);
    }

    /// Pieces from `from` to the end as one SQL text (the first piece's whitespace dropped).
    fn join(&self, from: usize) -> String {
        let mut s = String::new();
        for (k, p) in self.out.iter().enumerate().skip(from) {
            if k > from {
                s.push_str(p.ws);
            }
            s.push_str(&p.text);
        }
        s
    }

    /// The SQLite text of a cast of `expr` (whose only piece is `single`, if it is one) to `ty`,
    /// noting a parameter's type.
    fn cast_text(&mut self, expr: &str, single: Option<&Piece<'a>>, ty: PgType) -> String {
        match single.map(|p| p.meta) {
            Some(Meta::Param(n)) => self.note_param_type(n, ty),
            Some(Meta::Literal(Some(PgType::Text))) if ty == PgType::Bytea => {
                let value = plain_string_value(expr);
                if let Some(hex) = value.strip_prefix("\\x")
                    && hex.len() % 2 == 0
                    && hex.bytes().all(|b| b.is_ascii_hexdigit())
                {
                    return format!("X'{hex}'");
                }
            }
            _ => {}
        }
        cast_sql(expr, ty)
    }

    fn comma(&mut self, t: Token<'a>) {
        if self.default_expr.is_some_and(|(_, d)| d == self.depth()) {
            self.finish_default();
        }
        if self.depth() == 0 {
            self.finish_select_item(false);
        }
        self.push(t.lead_ws(), t.text, Meta::Syntax);
        self.prim = None;
        if self.depth() == 0
            && let Some(sel) = self.select.as_mut()
            && !sel.done
        {
            sel.item_start = self.out.len();
        }
        if self.frames.last().is_some_and(|f| f.in_from) {
            self.slot = Some(RelationSlot {
                alias: true,
                function_ok: true,
                target: false,
            });
        }
    }

    fn cast(&mut self, t: Token<'a>) -> Result<(), RewriteError> {
        let Some(start) = self.prim.filter(|&s| s < self.out.len()) else {
            return Err(syntax_error_at(self.sql, Some(&t)));
        };
        let after = &self.toks[self.i + 1..];
        let Some(tn) = read_type_name(after) else {
            return Err(syntax_error_at(self.sql, after.first()));
        };
        if let Some(b) = after.get(tn.len)
            && b.kind == TokenKind::LBracket
        {
            return Err(self.error_at("0A000", "array types are not supported".to_string(), b.pos));
        }
        let ws = self.out[start].ws;
        let single = (self.out.len() == start + 1).then(|| self.out[start].clone());
        let expr = self.join(start);
        self.out.truncate(start);
        let text = self.cast_text(&expr, single.as_ref(), tn.ty);
        self.push_primary(ws, text, Meta::Typed(tn.ty));
        self.i += 1 + tn.len;
        Ok(())
    }

    fn word(&mut self, t: Token<'a>, slot: Option<RelationSlot>) -> Result<(), RewriteError> {
        // `view` is not reserved in PostgreSQL, but it is syntax in a CREATE/DROP VIEW head.
        let reserved = t.kind == TokenKind::Word
            && (is_reserved(t.text) || (t.is_word("view") && self.out.len() <= 3));
        let next_is_paren = self
            .toks
            .get(self.i + 1)
            .is_some_and(|n| n.kind == TokenKind::LParen);
        if reserved && !(next_is_paren && is_call_name(t.text)) {
            return self.keyword(t, slot);
        }
        let Some((parts, next)) = read_name(self.toks, self.i) else {
            self.push(t.lead_ws(), t.text, Meta::Syntax);
            self.i += 1;
            return Ok(());
        };
        let call = self
            .toks
            .get(next)
            .is_some_and(|n| n.kind == TokenKind::LParen);
        if let Some(slot) = slot
            && !(call && slot.function_ok)
        {
            self.relation(t, &parts, slot, next);
            return Ok(());
        }
        self.i = next;
        if call {
            return self.function_name(t, &parts);
        }
        let after_as = self.prev_is_keyword("as");
        if let [one] = parts.as_slice()
            && !one.quoted
            && !after_as
        {
            match one.value.as_str() {
                "current_user" | "session_user" | "user" => {
                    self.push_primary(t.lead_ws(), "current_user()", Meta::Typed(PgType::Text));
                    return Ok(());
                }
                "current_schema" => {
                    self.push_primary(t.lead_ws(), "'public'", Meta::Typed(PgType::Text));
                    return Ok(());
                }
                "current_catalog" => {
                    self.push_primary(t.lead_ws(), "current_database()", Meta::Typed(PgType::Text));
                    return Ok(());
                }
                "true" | "false" => {
                    self.push_primary(
                        t.lead_ws(),
                        one.value.clone(),
                        Meta::Literal(Some(PgType::Bool)),
                    );
                    return Ok(());
                }
                "null" => {
                    self.push_primary(t.lead_ws(), one.value.clone(), Meta::Literal(None));
                    return Ok(());
                }
                "unlogged" if self.opts.table_ddl && self.depth() == 0 => return Ok(()),
                "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"
                    if self.opts.table_ddl && self.depth() == 1 =>
                {
                    let ty = match one.value.as_str() {
                        "serial" | "serial4" => "integer",
                        _ if self.next_words_are(&["primary", "key"]) => "integer",
                        "bigserial" | "serial8" => "bigint",
                        _ => "smallint",
                    };
                    self.push(t.lead_ws(), ty, Meta::Name);
                    self.prim = None;
                    return Ok(());
                }
                _ => {}
            }
        }
        let text = self.expression_name(&parts)?;
        self.push_primary(t.lead_ws(), text, Meta::Name);
        Ok(())
    }

    fn next_words_are(&self, kws: &[&str]) -> bool {
        kws.iter()
            .enumerate()
            .all(|(k, kw)| self.toks.get(self.i + k).is_some_and(|t| t.is_word(kw)))
    }

    /// A column reference or other name in an expression.
    fn expression_name(&mut self, parts: &[NamePart]) -> Result<String, RewriteError> {
        Ok(match parts {
            [schema, table, column] if self.ctx.is_schema(&schema.value) => {
                format!("{}.{}", table.sql(), column.sql())
            }
            [qualifier, column]
                if self.in_returning && self.target_names.contains(&qualifier.value) =>
            {
                column.sql()
            }
            _ => parts
                .iter()
                .map(NamePart::sql)
                .collect::<Vec<_>>()
                .join("."),
        })
    }

    fn function_name(&mut self, t: Token<'a>, parts: &[NamePart]) -> Result<(), RewriteError> {
        let parts = match parts {
            [schema, rest @ ..]
                if !rest.is_empty()
                    && (schema.value == "pg_catalog" || schema.value == "public") =>
            {
                rest
            }
            _ => parts,
        };
        if let [one] = parts
            && !one.quoted
            && one.value == "current_schema"
            && self
                .toks
                .get(self.i + 1)
                .is_some_and(|n| n.kind == TokenKind::RParen)
        {
            self.i += 2;
            self.push_primary(t.lead_ws(), "'public'", Meta::Typed(PgType::Text));
            return Ok(());
        }
        let text = parts
            .iter()
            .map(NamePart::sql)
            .collect::<Vec<_>>()
            .join(".");
        let k = self.push(t.lead_ws(), text, Meta::Name);
        self.call_name = Some(k);
        self.prim = None;
        Ok(())
    }

    fn relation(&mut self, t: Token<'a>, parts: &[NamePart], slot: RelationSlot, next: usize) {
        let rel = resolve_relation(self.ctx, parts);
        self.push(t.lead_ws(), rel.sql, Meta::Name);
        self.prim = None;
        self.i = next;
        let explicit_alias = match self.toks.get(next) {
            Some(n) if n.is_word("as") => self
                .toks
                .get(next + 1)
                .and_then(|a| read_name(self.toks, next + 1).map(|_| a)),
            Some(n) if n.kind == TokenKind::QuotedIdent => Some(n),
            Some(n)
                if n.kind == TokenKind::Word
                    && !is_reserved(n.text)
                    && !n.is_word("tablesample") =>
            {
                Some(n)
            }
            _ => None,
        };
        if slot.target {
            self.target_names.push(rel.name.clone());
            if let Some(a) = explicit_alias {
                let value = if a.kind == TokenKind::QuotedIdent {
                    quoted_ident_value(a.text)
                } else {
                    fold(a.text)
                };
                self.target_names.push(value);
            }
        }
        if slot.alias && rel.mangled && explicit_alias.is_none() {
            self.push(" ", format!("AS {}", quote(&rel.name)), Meta::Syntax);
        }
    }

    fn keyword(&mut self, t: Token<'a>, slot: Option<RelationSlot>) -> Result<(), RewriteError> {
        let lower = t.text.to_ascii_lowercase();
        let depth = self.depth();
        let frame_kind = self.frames.last().map(|f| f.kind);
        self.i += 1;
        // Words that keep an open relation slot open.
        if slot.is_some() && matches!(lower.as_str(), "if" | "not" | "exists" | "only" | "lateral")
        {
            self.slot = slot;
            self.push(t.lead_ws(), t.text, Meta::Keyword);
            self.prim = None;
            return Ok(());
        }
        if depth == 0
            && matches!(
                lower.as_str(),
                "from"
                    | "where"
                    | "group"
                    | "having"
                    | "order"
                    | "limit"
                    | "offset"
                    | "window"
                    | "union"
                    | "intersect"
                    | "except"
                    | "into"
                    | "for"
                    | "fetch"
                    | "returning"
            )
        {
            self.finish_select_item(true);
        }
        if ends_from_list(&lower)
            && let Some(f) = self.frames.last_mut()
        {
            f.in_from = false;
        }
        if self
            .default_expr
            .is_some_and(|(start, d)| d == depth && self.out.len() > start)
            && matches!(
                lower.as_str(),
                "not" | "primary" | "unique" | "check" | "references" | "constraint" | "collate"
            )
        {
            self.finish_default();
        }
        let in_call = matches!(frame_kind, Some(FrameKind::Call | FrameKind::Cast(_)));
        match lower.as_str() {
            "as" if matches!(frame_kind, Some(FrameKind::Cast(None))) => {
                let after = &self.toks[self.i..];
                let Some(tn) = read_type_name(after) else {
                    return Err(syntax_error_at(self.sql, after.first()));
                };
                if let Some(f) = self.frames.last_mut() {
                    f.kind = FrameKind::Cast(Some(tn.ty));
                }
                self.i += tn.len;
                return Ok(());
            }
            "from" if !in_call && !self.prev_is_keyword("distinct") => {
                let target = self.prev_is_keyword("delete");
                self.slot = Some(RelationSlot {
                    alias: true,
                    function_ok: !target,
                    target,
                });
                if let Some(f) = self.frames.last_mut() {
                    f.in_from = true;
                }
            }
            "join" => {
                self.slot = Some(RelationSlot {
                    alias: true,
                    function_ok: true,
                    target: false,
                })
            }
            "into" => {
                self.slot = Some(RelationSlot {
                    alias: true,
                    function_ok: false,
                    target: true,
                })
            }
            "update" if !self.prev_is_keyword("do") => {
                self.slot = Some(RelationSlot {
                    alias: true,
                    function_ok: false,
                    target: true,
                });
            }
            "table" | "view" | "references" => {
                self.slot = Some(RelationSlot {
                    alias: false,
                    function_ok: false,
                    target: false,
                });
            }
            "on" if self.opts.on_is_relation && depth == 0 => {
                self.slot = Some(RelationSlot {
                    alias: false,
                    function_ok: false,
                    target: false,
                });
            }
            "select" if depth == 0 && self.opts.track_select && self.select.is_none() => {
                self.push(t.lead_ws(), t.text, Meta::Keyword);
                self.prim = None;
                self.select = Some(SelectList {
                    item_start: self.out.len(),
                    ..SelectList::default()
                });
                return Ok(());
            }
            "distinct" | "all" if self.select_item_is_empty() => {
                self.push(t.lead_ws(), t.text, Meta::Keyword);
                self.prim = None;
                if let Some(sel) = self.select.as_mut() {
                    sel.item_start = self.out.len();
                }
                return Ok(());
            }
            "returning" if depth == 0 => {
                self.returning = true;
                self.in_returning = true;
            }
            "ilike" => {
                self.push(t.lead_ws(), "LIKE", Meta::Keyword);
                self.prim = None;
                return Ok(());
            }
            "is" => {
                // IS [NOT] DISTINCT FROM → IS NOT / IS.
                let not = self.toks.get(self.i).is_some_and(|n| n.is_word("not"));
                let k = self.i + usize::from(not);
                if self.toks.get(k).is_some_and(|n| n.is_word("distinct"))
                    && self.toks.get(k + 1).is_some_and(|n| n.is_word("from"))
                {
                    self.push(
                        t.lead_ws(),
                        if not { "IS" } else { "IS NOT" },
                        Meta::Keyword,
                    );
                    self.prim = None;
                    self.i = k + 2;
                    return Ok(());
                }
            }
            "for" if depth == 0 && self.skip_locking_clause() => return Ok(()),
            "with"
                if self.opts.table_ddl
                    && depth == 0
                    && self
                        .toks
                        .get(self.i)
                        .is_some_and(|n| n.kind == TokenKind::LParen) =>
            {
                self.skip_parenthesized();
                return Ok(());
            }
            "default" if self.opts.table_ddl => {
                self.push(t.lead_ws(), t.text, Meta::Keyword);
                self.prim = None;
                self.default_expr = Some((self.out.len(), depth));
                return Ok(());
            }
            "case" => {
                let k = self.push(t.lead_ws(), t.text, Meta::Keyword);
                self.cases.push((k, depth));
                self.prim = None;
                return Ok(());
            }
            "end" if self.cases.last().is_some_and(|&(_, d)| d == depth) => {
                let (k, _) = self.cases.pop().unwrap_or((self.out.len(), depth));
                self.push(t.lead_ws(), t.text, Meta::Keyword);
                self.prim = Some(k.min(self.out.len() - 1));
                return Ok(());
            }
            _ => {}
        }
        self.push(t.lead_ws(), t.text, Meta::Keyword);
        self.prim = None;
        Ok(())
    }

    /// After `FOR` at the top level: drops a row-locking clause (`FOR UPDATE|NO KEY UPDATE|SHARE|
    /// KEY SHARE [OF t, ..] [NOWAIT|SKIP LOCKED]`) — SQLite has one writer at a time, so row locks
    /// add nothing. Returns false (consuming nothing) when `FOR` starts something else.
    fn skip_locking_clause(&mut self) -> bool {
        let starts = ["update", "share", "no", "key"];
        if !self
            .toks
            .get(self.i)
            .is_some_and(|n| starts.iter().any(|w| n.is_word(w)))
        {
            return false;
        }
        while let Some(n) = self.toks.get(self.i) {
            let lock_word = [
                "update", "share", "no", "key", "of", "nowait", "skip", "locked", "for",
            ]
            .iter()
            .any(|w| n.is_word(w));
            let name = matches!(
                n.kind,
                TokenKind::Comma | TokenKind::Dot | TokenKind::QuotedIdent
            ) || (n.kind == TokenKind::Word && !is_reserved(n.text));
            if !(lock_word || name) {
                break;
            }
            self.i += 1;
        }
        true
    }

    /// Skips a balanced `( .. )` starting at `self.i`.
    fn skip_parenthesized(&mut self) {
        let mut depth = 0usize;
        while let Some(n) = self.toks.get(self.i) {
            self.i += 1;
            match n.kind {
                TokenKind::LParen => depth += 1,
                TokenKind::RParen => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }

    fn select_item_is_empty(&self) -> bool {
        self.depth() == 0
            && self
                .select
                .as_ref()
                .is_some_and(|s| !s.done && s.item_start == self.out.len())
    }

    /// Closes the current select-list item (and the list when `last`).
    fn finish_select_item(&mut self, last: bool) {
        let Some(sel) = self.select.as_mut() else {
            return;
        };
        if sel.done {
            return;
        }
        if last {
            sel.done = true;
        }
        if sel.star {
            return;
        }
        let items = &self.out[sel.item_start.min(self.out.len())..];
        let is_star = items.last().is_some_and(|p| p.text == "*");
        if is_star {
            sel.star = true;
            return;
        }
        // Drop an alias: `expr AS name` or `expr name`.
        let expr = match items {
            [e @ .., as_kw, _]
                if as_kw.meta == Meta::Keyword && as_kw.text.eq_ignore_ascii_case("as") =>
            {
                e
            }
            [e, alias] if alias.meta == Meta::Name => std::slice::from_ref(e),
            _ => items,
        };
        let ty = match expr {
            [one] => match one.meta {
                Meta::Literal(t) => t,
                Meta::Typed(t) => Some(t),
                _ => None,
            },
            [minus, num] if minus.text == "-" => match num.meta {
                Meta::Literal(Some(t @ (PgType::Int4 | PgType::Int8 | PgType::Numeric))) => Some(t),
                _ => None,
            },
            _ => None,
        };
        self.result_types.push(ty);
    }

    /// Parenthesises a finished non-literal `DEFAULT` expression (SQLite requires it).
    fn finish_default(&mut self) {
        let Some((start, _)) = self.default_expr.take() else {
            return;
        };
        if start >= self.out.len() {
            return;
        }
        let simple = self.out.len() == start + 1
            && matches!(
                self.out[start].meta,
                Meta::Literal(_) | Meta::Name | Meta::Keyword
            );
        if simple {
            return;
        }
        let ws = self.out[start].ws;
        let expr = self.join(start);
        self.out.truncate(start);
        self.push(ws, format!("({expr})"), Meta::Syntax);
        self.prim = None;
    }
}

/// PostgreSQL's type of a numeric literal: int4, int8 when it does not fit, numeric otherwise.
fn number_type(text: &str) -> PgType {
    if text.contains(['.', 'e', 'E']) {
        return PgType::Numeric;
    }
    match text.replace('_', "").parse::<i64>() {
        Ok(v) if i32::try_from(v).is_ok() => PgType::Int4,
        Ok(_) => PgType::Int8,
        Err(_) => PgType::Numeric,
    }
}
