//! DDL whose shape changes on the way to SQLite: `CREATE SCHEMA` with its elements, `DROP
//! SCHEMA`, `CREATE INDEX` (index names live in the table's schema; a missing name gets
//! PostgreSQL's default), multi-object `DROP`, `ALTER TABLE … RENAME TO` / `ADD PRIMARY KEY`,
//! and `TRUNCATE`.
//!
//! Owns: the name placement rules of these commands. A schema's objects are stored as
//! `"schema.name"` (see `names`), so an index created on `s.t` is `"s.<index>"`, a table renamed
//! inside `s` stays in `s`, and every element of `CREATE SCHEMA s` lands in `s`.
//! Invariant: a command that SQLite can only express as several statements (`DROP TABLE a, b`,
//! `TRUNCATE a, b`) is returned as those statements joined by `; `, never with parameters.
//! Never: checks that objects exist — SQLite and core's catalog do that.

use super::cursor::{Cursor, syntax_error_at};
use super::emit::{Context, Emitter, NamePart, Options, read_name, resolve_relation};
use super::lexer::{Token, TokenKind, char_position};
use super::names::{mangle, quote};
use super::{RewriteError, Statement, StatementKind, dispatch};

/// PostgreSQL's limit on identifier length (NAMEDATALEN - 1).
const MAX_IDENTIFIER_LEN: usize = 63;

/// `CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role] [element…]` or
/// `CREATE SCHEMA [IF NOT EXISTS] AUTHORIZATION role [element…]` (cursor after SCHEMA).
pub(crate) fn create_schema(
    c: &mut Cursor<'_, '_>,
    ctx: &mut Context<'_>,
) -> Result<Statement, RewriteError> {
    let if_not_exists = c.eat_words(&["if", "not", "exists"]);
    let name_tok = c.peek();
    let name = if c.eat_word("authorization") {
        c.name()?
    } else {
        let name = c.name()?;
        if c.eat_word("authorization") {
            c.name()?;
        }
        name
    };
    let position = name_tok.map(|t| char_position(c.sql, t.pos));
    validate_schema_name(&name, position)?;
    let mut elements = Vec::new();
    if !c.at_end() {
        if if_not_exists {
            return Err(RewriteError {
                sqlstate: "0A000",
                message: "CREATE SCHEMA IF NOT EXISTS cannot include schema elements".into(),
                position: c.peek().map(|t| char_position(c.sql, t.pos)),
            });
        }
        let saved = ctx.default_schema.replace(name.clone());
        let result = schema_elements(c, ctx, &mut elements);
        ctx.default_schema = saved;
        result?;
    }
    Ok(Statement::CreateSchema {
        name,
        if_not_exists,
        elements,
    })
}

/// Rejects schema names minipg cannot store unambiguously or that PostgreSQL reserves.
fn validate_schema_name(name: &str, position: Option<usize>) -> Result<(), RewriteError> {
    if name.contains('.') {
        return Err(RewriteError {
            sqlstate: "42602",
            message: format!(
                "invalid schema name \"{name}\": minipg schema names cannot contain \".\""
            ),
            position,
        });
    }
    if name.starts_with("pg_") {
        return Err(RewriteError {
            sqlstate: "42939",
            message: format!("unacceptable schema name \"{name}\""),
            position,
        });
    }
    Ok(())
}

/// Rewrites each `CREATE …` element (split at top-level CREATE words) into the new schema.
fn schema_elements(
    c: &mut Cursor<'_, '_>,
    ctx: &mut Context<'_>,
    out: &mut Vec<String>,
) -> Result<(), RewriteError> {
    let toks = &c.toks[c.i..];
    if !toks.first().is_some_and(|t| t.is_word("create")) {
        return Err(c.syntax_error());
    }
    let mut starts = Vec::new();
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate() {
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth = depth.saturating_sub(1),
            _ if depth == 0 && t.is_word("create") => starts.push(k),
            _ => {}
        }
    }
    starts.push(toks.len());
    for w in starts.windows(2) {
        let element = &toks[w[0]..w[1]];
        let allowed = [
            "table",
            "index",
            "unique",
            "view",
            "temp",
            "temporary",
            "unlogged",
        ];
        if !element
            .get(1)
            .is_some_and(|t| allowed.iter().any(|a| t.is_word(a)))
        {
            return Err(RewriteError {
                sqlstate: "0A000",
                message: "only CREATE TABLE, CREATE INDEX and CREATE VIEW are supported as CREATE SCHEMA elements"
                    .into(),
                position: element.first().map(|t| char_position(c.sql, t.pos)),
            });
        }
        match dispatch(c.sql, element, ctx)? {
            Statement::Sql { sqlite, .. } => out.push(sqlite),
            _ => return Err(syntax_error_at(c.sql, element.first())),
        }
    }
    c.i = c.toks.len();
    Ok(())
}

/// `DROP SCHEMA [IF EXISTS] name [, …] [CASCADE | RESTRICT]` (cursor after SCHEMA).
pub(crate) fn drop_schema(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    let if_exists = c.eat_words(&["if", "exists"]);
    let mut names = vec![c.name()?];
    while c.eat_kind(TokenKind::Comma) {
        names.push(c.name()?);
    }
    let cascade = c.eat_word("cascade");
    if !cascade {
        c.eat_word("restrict");
    }
    c.expect_end()?;
    Ok(Statement::DropSchema {
        names,
        if_exists,
        cascade,
    })
}

/// A plain `Statement::Sql` for DDL.
pub(crate) fn ddl(sqlite: String, tag: &str) -> Statement {
    Statement::Sql {
        sqlite,
        kind: StatementKind::Other,
        returning: false,
        tag: tag.to_string(),
        param_count: 0,
        param_types: Vec::new(),
        result_types: Vec::new(),
    }
}

/// Reads a relation name at the cursor.
fn relation_name(c: &mut Cursor<'_, '_>) -> Result<Vec<NamePart>, RewriteError> {
    match read_name(c.toks, c.i) {
        Some((parts, next)) => {
            c.i = next;
            Ok(parts)
        }
        None => Err(c.syntax_error()),
    }
}

/// `CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON [ONLY] table [USING method]
/// (…) [WHERE …]` (cursor after CREATE). The index goes into the table's schema; `USING` and
/// `CONCURRENTLY` are dropped (SQLite has b-trees only, and its DDL is transactional).
pub(crate) fn create_index(
    c: &mut Cursor<'_, '_>,
    ctx: &mut Context<'_>,
    toks: &[Token<'_>],
    sql: &str,
) -> Result<Statement, RewriteError> {
    let unique = c.eat_word("unique");
    c.expect_word("index")?;
    c.eat_word("concurrently");
    let if_not_exists = c.eat_words(&["if", "not", "exists"]);
    let index = if c.is_word("on") {
        None
    } else {
        Some(relation_name(c)?)
    };
    c.expect_word("on")?;
    c.eat_word("only");
    let table = resolve_relation(ctx, &relation_name(c)?);
    if c.eat_word("using") {
        c.name()?;
    }
    if !c.peek().is_some_and(|t| t.kind == TokenKind::LParen) {
        return Err(c.syntax_error());
    }
    let index_name = match index.as_deref() {
        Some([one]) => one.value.clone(),
        Some([schema, one]) if schema.value == table.schema => one.value.clone(),
        Some(_) => {
            return Err(RewriteError::syntax(
                "an index is always created in the schema of its table".into(),
                c.toks.first().map(|t| char_position(sql, t.pos)),
            ));
        }
        None => default_index_name(&table.name, &c.toks[c.i..]),
    };
    let mut head = String::from("CREATE ");
    if unique {
        head.push_str("UNIQUE ");
    }
    head.push_str("INDEX ");
    if if_not_exists {
        head.push_str("IF NOT EXISTS ");
    }
    head.push_str(&quote(&mangle(&table.schema, &index_name)));
    head.push_str(" ON ");
    head.push_str(&table.sql);
    let start = c.i;
    let mut e = Emitter::new(sql, toks, ctx, Options::default());
    e.push_raw(head);
    e.i = start;
    e.run(toks.len())?;
    Ok(ddl(e.render(), "CREATE INDEX"))
}

/// PostgreSQL's default index name `<table>_<col>[_<col>…]_idx`, with column names taken from
/// the key list (a function's name for `f(..)`, `expr` for other expressions) and the result
/// shortened to 63 bytes the way PostgreSQL's `makeObjectName` does (trimming the longer part).
fn default_index_name(table: &str, list: &[Token<'_>]) -> String {
    make_object_name(table, &index_columns(list), "idx")
}

/// The column labels of a parenthesised key list, joined with `_`.
fn index_columns(list: &[Token<'_>]) -> String {
    let mut columns = Vec::new();
    let mut depth = 0usize;
    let mut item: Vec<&Token<'_>> = Vec::new();
    for t in list {
        match t.kind {
            TokenKind::LParen => {
                depth += 1;
                if depth == 1 {
                    continue;
                }
            }
            TokenKind::RParen => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    columns.push(column_label(&item));
                    break;
                }
            }
            TokenKind::Comma if depth == 1 => {
                columns.push(column_label(&item));
                item.clear();
                continue;
            }
            _ => {}
        }
        item.push(t);
    }
    columns.join("_")
}

fn column_label(item: &[&Token<'_>]) -> String {
    let Some(first) = item.first() else {
        return "expr".into();
    };
    match read_name(&item.iter().map(|t| **t).collect::<Vec<_>>(), 0) {
        Some((parts, next)) if parts.len() == 1 => {
            let rest = &item[next..];
            let simple = rest.is_empty()
                || rest.first().is_some_and(|t| {
                    ["asc", "desc", "nulls", "collate"]
                        .iter()
                        .any(|w| t.is_word(w))
                        || t.kind == TokenKind::LParen
                });
            if simple && first.kind != TokenKind::Number {
                parts[0].value.clone()
            } else {
                "expr".into()
            }
        }
        _ => "expr".into(),
    }
}

/// `name1_name2_label` within 63 bytes, shortening the longer of `name1`/`name2` first.
fn make_object_name(name1: &str, name2: &str, label: &str) -> String {
    let mut n1: Vec<char> = name1.chars().collect();
    let mut n2: Vec<char> = name2.chars().collect();
    let len = |v: &Vec<char>| v.iter().map(|c| c.len_utf8()).sum::<usize>();
    let overhead = label.len() + 1 + usize::from(!n2.is_empty());
    while len(&n1) + len(&n2) + overhead > MAX_IDENTIFIER_LEN {
        if len(&n1) >= len(&n2) {
            n1.pop();
        } else {
            n2.pop();
        }
    }
    let mut name: String = n1.into_iter().collect();
    if !n2.is_empty() {
        name.push('_');
        name.extend(n2);
    }
    name.push('_');
    name.push_str(label);
    name
}

/// `DROP TABLE|INDEX|VIEW [IF EXISTS] name [, …] [CASCADE | RESTRICT]` (cursor after the
/// object word). SQLite drops one object per statement and has no CASCADE.
pub(crate) fn drop_objects(
    c: &mut Cursor<'_, '_>,
    ctx: &mut Context<'_>,
    object: &str,
) -> Result<Statement, RewriteError> {
    let if_exists = c.eat_words(&["if", "exists"]);
    let mut statements = Vec::new();
    loop {
        let rel = resolve_relation(ctx, &relation_name(c)?);
        let mut s = format!("DROP {} ", object.to_ascii_uppercase());
        if if_exists {
            s.push_str("IF EXISTS ");
        }
        s.push_str(&rel.sql);
        statements.push(s);
        if !c.eat_kind(TokenKind::Comma) {
            break;
        }
    }
    if !c.eat_word("cascade") {
        c.eat_word("restrict");
    }
    c.expect_end()?;
    Ok(ddl(
        statements.join("; "),
        &format!("DROP {}", object.to_ascii_uppercase()),
    ))
}

/// `ALTER TABLE [ONLY] name …` (cursor after TABLE): `RENAME TO new` keeps the table in its
/// schema; `ADD [CONSTRAINT c] PRIMARY KEY|UNIQUE (cols)` becomes a unique index (SQLite cannot
/// add constraints to an existing table; the index gives the same uniqueness); other actions pass
/// through with CREATE TABLE's column rules.
pub(crate) fn alter_table(
    c: &mut Cursor<'_, '_>,
    ctx: &mut Context<'_>,
    toks: &[Token<'_>],
    sql: &str,
) -> Result<Statement, RewriteError> {
    if c.is_word("if") {
        return Err(c.not_supported("ALTER TABLE IF EXISTS"));
    }
    c.eat_word("only");
    let table = resolve_relation(ctx, &relation_name(c)?);
    if c.eat_words(&["rename", "to"]) {
        let new = c.name()?;
        c.expect_end()?;
        let new_sql = if table.mangled {
            quote(&mangle(&table.schema, &new))
        } else {
            quote(&new)
        };
        return Ok(ddl(
            format!("ALTER TABLE {} RENAME TO {new_sql}", table.sql),
            "ALTER TABLE",
        ));
    }
    let save = c.i;
    if c.eat_word("add") {
        let constraint = if c.eat_word("constraint") {
            Some(c.name()?)
        } else {
            None
        };
        let kind = if c.eat_words(&["primary", "key"]) {
            Some("pkey")
        } else if c.eat_word("unique") {
            Some("key")
        } else {
            None
        };
        if let Some(label) = kind {
            let list_start = c.i;
            let name = match constraint {
                Some(n) => n,
                None if label == "pkey" => make_object_name(&table.name, "", label),
                None => make_object_name(&table.name, &index_columns(&c.toks[list_start..]), label),
            };
            let head = format!(
                "CREATE UNIQUE INDEX {} ON {}",
                quote(&mangle(&table.schema, &name)),
                table.sql
            );
            let mut e = Emitter::new(sql, toks, ctx, Options::default());
            e.push_raw(head);
            e.i = list_start;
            e.run(toks.len())?;
            return Ok(ddl(e.render(), "ALTER TABLE"));
        }
        if c.is_word("foreign")
            || c.is_word("check")
            || c.is_word("exclude")
            || constraint.is_some()
        {
            return Err(c.not_supported("ALTER TABLE ADD CONSTRAINT"));
        }
    }
    c.i = save;
    let opts = Options {
        table_ddl: true,
        ..Options::default()
    };
    let mut e = Emitter::new(sql, toks, ctx, opts);
    e.push_raw(format!("ALTER TABLE {}", table.sql));
    e.i = c.i;
    e.run(toks.len())?;
    Ok(ddl(e.render(), "ALTER TABLE"))
}

/// `TRUNCATE [TABLE] [ONLY] name [*] [, …] [RESTART|CONTINUE IDENTITY] [CASCADE|RESTRICT]`
/// → one `DELETE FROM` per table (SQLite's truncate optimisation applies to it).
pub(crate) fn truncate(
    c: &mut Cursor<'_, '_>,
    ctx: &mut Context<'_>,
) -> Result<Statement, RewriteError> {
    c.eat_word("table");
    let mut statements = Vec::new();
    loop {
        c.eat_word("only");
        let rel = resolve_relation(ctx, &relation_name(c)?);
        if c.peek().is_some_and(|t| t.text == "*") {
            c.i += 1;
        }
        statements.push(format!("DELETE FROM {}", rel.sql));
        if !c.eat_kind(TokenKind::Comma) {
            break;
        }
    }
    // Identity options mean nothing without sequences.
    let _ = c.eat_words(&["restart", "identity"]) || c.eat_words(&["continue", "identity"]);
    if !c.eat_word("cascade") {
        c.eat_word("restrict");
    }
    c.expect_end()?;
    Ok(ddl(statements.join("; "), "TRUNCATE TABLE"))
}
