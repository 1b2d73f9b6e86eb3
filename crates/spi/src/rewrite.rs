//! The PostgreSQL → SQLite SQL rewriter: a pure function from one statement's text to what core
//! must do with it.
//!
//! Owns: PostgreSQL's dialect as minipg accepts it (DESIGN.md §SPI over SQLite) — statement
//! classification and command tags, `$n` parameters, schema-qualified and quoted names stored as
//! mangled SQLite names (`"schema.name"`, see [`mangle`]), `::type` casts, `E'..'` and dollar
//! quoting, `CREATE SCHEMA` elements, the utility commands core runs itself (transactions,
//! `SET`/`SHOW`/`RESET`, databases), and splitting a simple-query string into statements.
//!
//! How it works: [`lexer`] cuts the text into tokens in one pass; the first words choose a
//! handler ([`utility`] for commands core executes, [`ddl`] for DDL whose shape changes, otherwise
//! the generic [`emit`] pass that rewrites names, parameters and casts token by token and copies
//! everything else through).
//!
//! Invariants: never panics on any input; every syntax problem it detects is SQLSTATE 42601 with
//! PostgreSQL's 1-based character position; forms it recognises but minipg cannot support are
//! 0A000; everything else it does not understand is passed through for SQLite to judge.
//!
//! Never: touches SQLite or any I/O — the only outside knowledge is the `is_schema` callback
//! (core's catalog). Core registers the SQL functions the rewritten text may call:
//! `current_user()`, `current_database()` and `minipg_bool(x)` ([`BOOL_CAST_FUNCTION`]).

mod cursor;
mod ddl;
mod emit;
mod keywords;
mod lexer;
mod names;
mod split;
mod types;
mod utility;

use cursor::{Cursor, syntax_error_at};
use emit::{Context, Emitter, Options};
use lexer::{Token, TokenKind, char_position, tokenize};

pub use names::{demangle, mangle};
pub use split::split_statements;
pub use types::{BOOL_CAST_FUNCTION, PgType};

/// An error found while rewriting: PostgreSQL's SQLSTATE, message and 1-based character position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RewriteError {
    pub sqlstate: &'static str,
    pub message: String,
    /// 1-based character position in the statement text, as PostgreSQL reports it.
    pub position: Option<usize>,
}

impl RewriteError {
    pub(crate) fn syntax(message: String, position: Option<usize>) -> Self {
        RewriteError {
            sqlstate: "42601",
            message,
            position,
        }
    }

    pub(crate) fn not_supported(what: &str, position: Option<usize>) -> Self {
        RewriteError {
            sqlstate: "0A000",
            message: format!("{what} is not supported by minipg"),
            position,
        }
    }
}

/// The class of a plain SQL statement, for command tags and SPI result codes (core refines it
/// with `sqlite3_stmt_readonly`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatementKind {
    Select,
    Insert,
    Update,
    Delete,
    Values,
    Other,
}

/// What one statement asks core to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// Nothing but whitespace, comments and semicolons.
    Empty,
    /// Plain SQL, already rewritten for SQLite.
    Sql {
        /// SQLite's text. Holds several `; `-separated statements only for DDL that SQLite needs
        /// that way (`DROP TABLE a, b`, `TRUNCATE a, b`): then `kind` is `Other` and there are no
        /// parameters, and core runs it as a batch.
        sqlite: String,
        kind: StatementKind,
        /// Whether an INSERT/UPDATE/DELETE has a RETURNING clause (it then returns rows).
        returning: bool,
        /// PostgreSQL's command tag without counts: `SELECT`, `INSERT`, `CREATE TABLE`, …
        tag: String,
        /// The highest `$n`.
        param_count: usize,
        /// Per parameter, the type the text implies (`$1::int`, `LIMIT $1`); `Unknown` otherwise.
        param_types: Vec<PgType>,
        /// Per top-level select-list item, in order, the type when the item is a cast or a
        /// literal; `None` otherwise. Stops before the first `*` item (later positions are then
        /// unknown); empty for statements without a select list of their own.
        result_types: Vec<Option<PgType>>,
    },
    CreateSchema {
        name: String,
        if_not_exists: bool,
        /// Each element as a SQLite statement with its names already in the new schema.
        elements: Vec<String>,
    },
    DropSchema {
        names: Vec<String>,
        if_exists: bool,
        cascade: bool,
    },
    /// `SET [LOCAL] name = value`; `value: None` is `DEFAULT`. Lists are joined with ", ".
    Set {
        name: String,
        value: Option<String>,
        local: bool,
    },
    /// `RESET name`; `None` is `RESET ALL`.
    Reset {
        name: Option<String>,
    },
    /// `SHOW name`, lower-cased; `"all"` for SHOW ALL.
    Show {
        name: String,
    },
    Begin {
        sqlite: String,
    },
    Commit,
    Rollback,
    Savepoint {
        name: String,
    },
    Release {
        name: String,
    },
    RollbackTo {
        name: String,
    },
    CreateDatabase {
        name: String,
    },
    DropDatabase {
        name: String,
        if_exists: bool,
    },
    /// `DISCARD ALL` (core treats it as RESET ALL).
    Discard,
}

/// Rewrites one statement. `is_schema(name)` answers whether a schema exists; it is asked only
/// about the qualifier of a qualified name in a relation position or of a three-part column
/// reference, never about `public` or `pg_catalog`.
pub fn rewrite(
    sql: &str,
    is_schema: &mut dyn FnMut(&str) -> bool,
) -> Result<Statement, RewriteError> {
    let mut toks = tokenize(sql)
        .map_err(|e| RewriteError::syntax(e.message, Some(char_position(sql, e.pos))))?;
    while toks.last().is_some_and(|t| t.kind == TokenKind::Semicolon) {
        toks.pop();
    }
    if toks.is_empty() {
        return Ok(Statement::Empty);
    }
    let creates_trigger = toks.first().is_some_and(|t| t.is_word("create"))
        && toks.iter().take(6).any(|t| t.is_word("trigger"));
    if !creates_trigger && let Some(semi) = toks.iter().find(|t| t.kind == TokenKind::Semicolon) {
        return Err(RewriteError::syntax(
            "cannot insert multiple commands into a prepared statement".into(),
            Some(char_position(sql, semi.pos)),
        ));
    }
    let mut ctx = Context::new(is_schema);
    dispatch(sql, &toks, &mut ctx)
}

/// Chooses the handler from the first words of `toks` (one statement, no trailing `;`).
pub(crate) fn dispatch(
    sql: &str,
    toks: &[Token<'_>],
    ctx: &mut Context<'_>,
) -> Result<Statement, RewriteError> {
    let mut c = Cursor::new(sql, toks);
    let Some(first) = c.peek() else {
        return Ok(Statement::Empty);
    };
    if first.kind == TokenKind::LParen {
        return plain(
            sql,
            toks,
            ctx,
            StatementKind::Select,
            "SELECT",
            Options {
                track_select: true,
                ..Options::default()
            },
        );
    }
    if first.kind != TokenKind::Word {
        return Err(syntax_error_at(sql, Some(first)));
    }
    let word = first.text.to_ascii_lowercase();
    c.i = 1;
    match word.as_str() {
        "select" => plain(
            sql,
            toks,
            ctx,
            StatementKind::Select,
            "SELECT",
            Options {
                track_select: true,
                ..Options::default()
            },
        ),
        "values" => plain(
            sql,
            toks,
            ctx,
            StatementKind::Values,
            "SELECT",
            Options::default(),
        ),
        "insert" => plain(
            sql,
            toks,
            ctx,
            StatementKind::Insert,
            "INSERT",
            Options::default(),
        ),
        "update" => plain(
            sql,
            toks,
            ctx,
            StatementKind::Update,
            "UPDATE",
            Options::default(),
        ),
        "delete" => plain(
            sql,
            toks,
            ctx,
            StatementKind::Delete,
            "DELETE",
            Options::default(),
        ),
        "with" => {
            let (kind, tag) = with_main_statement(toks);
            let opts = Options {
                track_select: kind == StatementKind::Select,
                ..Options::default()
            };
            plain(sql, toks, ctx, kind, tag, opts)
        }
        "table" => {
            let mut e = Emitter::new(sql, toks, ctx, Options::default());
            e.push_raw("SELECT * FROM");
            e.expect_relation(true, false);
            e.i = 1;
            e.run(toks.len())?;
            Ok(finish(e, StatementKind::Select, "SELECT"))
        }
        "explain" => explain(sql, toks, ctx, &mut c),
        "begin" => utility::begin(&mut c, false),
        "start" => utility::begin(&mut c, true),
        "commit" | "end" => utility::commit(&mut c),
        "rollback" | "abort" => utility::rollback(&mut c),
        "savepoint" => utility::savepoint(&mut c),
        "release" => utility::release(&mut c),
        "set" => utility::set(&mut c),
        "show" => {
            if c.eat_word("all") {
                c.expect_end()?;
                return Ok(Statement::Show { name: "all".into() });
            }
            utility::show(&mut c)
        }
        "reset" => utility::reset(&mut c),
        "discard" => utility::discard(&mut c),
        "create" => create(sql, toks, ctx, &mut c),
        "drop" => drop(&mut c, ctx),
        "alter" => {
            if c.eat_word("table") {
                ddl::alter_table(&mut c, ctx, toks, sql)
            } else {
                Err(not_supported_command(sql, toks, 2))
            }
        }
        "truncate" => ddl::truncate(&mut c, ctx),
        "vacuum" => Ok(ddl::ddl("VACUUM".into(), "VACUUM")),
        "analyze" | "analyse" => Ok(ddl::ddl("ANALYZE".into(), "ANALYZE")),
        "reindex" => Ok(ddl::ddl("REINDEX".into(), "REINDEX")),
        "prepare" if c.is_word("transaction") => Err(not_supported_command(sql, toks, 2)),
        "listen" | "unlisten" | "notify" | "copy" | "prepare" | "execute" | "deallocate"
        | "declare" | "fetch" | "close" | "move" | "lock" | "grant" | "revoke" | "comment"
        | "checkpoint" | "do" | "call" | "cluster" | "load" | "security" | "reassign"
        | "refresh" | "import" | "merge" => Err(not_supported_command(sql, toks, 1)),
        _ => {
            let tag = word.to_ascii_uppercase();
            plain(
                sql,
                toks,
                ctx,
                StatementKind::Other,
                &tag,
                Options::default(),
            )
        }
    }
}

/// 0A000 naming the command by its first `words` words.
fn not_supported_command(sql: &str, toks: &[Token<'_>], words: usize) -> RewriteError {
    let name: Vec<String> = toks
        .iter()
        .take(words)
        .map(|t| t.text.to_ascii_uppercase())
        .collect();
    RewriteError::not_supported(
        &name.join(" "),
        toks.first().map(|t| char_position(sql, t.pos)),
    )
}

/// The generic rewrite of the whole statement.
fn plain(
    sql: &str,
    toks: &[Token<'_>],
    ctx: &mut Context<'_>,
    kind: StatementKind,
    tag: &str,
    opts: Options,
) -> Result<Statement, RewriteError> {
    let mut e = Emitter::new(sql, toks, ctx, opts);
    e.run(toks.len())?;
    Ok(finish(e, kind, tag))
}

fn finish(e: Emitter<'_, '_, '_>, kind: StatementKind, tag: &str) -> Statement {
    Statement::Sql {
        sqlite: e.render(),
        kind,
        returning: e.returning && kind != StatementKind::Select,
        tag: tag.to_string(),
        param_count: e.param_types.len(),
        result_types: e.result_types(),
        param_types: e.param_types,
    }
}

/// The statement a `WITH` prefixes: the first SELECT/INSERT/UPDATE/DELETE/VALUES word outside
/// the parenthesised CTE bodies.
fn with_main_statement(toks: &[Token<'_>]) -> (StatementKind, &'static str) {
    let mut depth = 0usize;
    for t in toks.iter().skip(1) {
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth = depth.saturating_sub(1),
            TokenKind::Word if depth == 0 => {
                for (w, kind, tag) in [
                    ("select", StatementKind::Select, "SELECT"),
                    ("insert", StatementKind::Insert, "INSERT"),
                    ("update", StatementKind::Update, "UPDATE"),
                    ("delete", StatementKind::Delete, "DELETE"),
                    ("values", StatementKind::Values, "SELECT"),
                ] {
                    if t.is_word(w) {
                        return (kind, tag);
                    }
                }
            }
            _ => {}
        }
    }
    (StatementKind::Other, "WITH")
}

/// `EXPLAIN [ANALYZE] [VERBOSE] [(options)] statement` → SQLite's `EXPLAIN QUERY PLAN`.
fn explain(
    sql: &str,
    toks: &[Token<'_>],
    ctx: &mut Context<'_>,
    c: &mut Cursor<'_, '_>,
) -> Result<Statement, RewriteError> {
    if c.peek().is_some_and(|t| t.kind == TokenKind::LParen) {
        while let Some(t) = c.peek() {
            c.i += 1;
            if t.kind == TokenKind::RParen {
                break;
            }
        }
    }
    while c.eat_word("analyze") || c.eat_word("analyse") || c.eat_word("verbose") {}
    let inner = dispatch(sql, &toks[c.i..], ctx)?;
    match inner {
        Statement::Sql {
            sqlite,
            param_count,
            param_types,
            ..
        } => Ok(Statement::Sql {
            sqlite: format!("EXPLAIN QUERY PLAN {sqlite}"),
            kind: StatementKind::Select,
            returning: false,
            tag: "EXPLAIN".into(),
            param_count,
            param_types,
            result_types: Vec::new(),
        }),
        _ => Err(syntax_error_at(sql, toks.get(c.i))),
    }
}

/// `CREATE …` (cursor after CREATE).
fn create(
    sql: &str,
    toks: &[Token<'_>],
    ctx: &mut Context<'_>,
    c: &mut Cursor<'_, '_>,
) -> Result<Statement, RewriteError> {
    if c.eat_word("schema") {
        return ddl::create_schema(c, ctx);
    }
    if c.eat_word("database") {
        return utility::create_database(c);
    }
    if c.is_word("index")
        || (c.is_word("unique") && c.peek_at(1).is_some_and(|t| t.is_word("index")))
    {
        return ddl::create_index(c, ctx, toks, sql);
    }
    if c.is_word("or") {
        return Err(not_supported_command(sql, toks, 4));
    }
    let mut k = c.i;
    while toks.get(k).is_some_and(|t| {
        ["temp", "temporary", "unlogged"]
            .iter()
            .any(|w| t.is_word(w))
    }) {
        k += 1;
    }
    let Some(object) = toks.get(k) else {
        return Err(syntax_error_at(sql, None));
    };
    if object.is_word("table") {
        // PostgreSQL tags CREATE TABLE … AS with "SELECT n".
        let tag = if table_is_created_as(&toks[k..]) {
            "SELECT"
        } else {
            "CREATE TABLE"
        };
        let opts = Options {
            table_ddl: true,
            ..Options::default()
        };
        return plain(sql, toks, ctx, StatementKind::Other, tag, opts);
    }
    if object.is_word("view") {
        return plain(
            sql,
            toks,
            ctx,
            StatementKind::Other,
            "CREATE VIEW",
            Options::default(),
        );
    }
    if object.is_word("trigger") {
        let opts = Options {
            on_is_relation: true,
            ..Options::default()
        };
        return plain(sql, toks, ctx, StatementKind::Other, "CREATE TRIGGER", opts);
    }
    Err(not_supported_command(sql, toks, k + 1))
}

/// Whether `TABLE name … AS` (CREATE TABLE AS) rather than a column list follows.
fn table_is_created_as(toks: &[Token<'_>]) -> bool {
    let mut depth = 0usize;
    for t in toks {
        match t.kind {
            TokenKind::LParen => depth += 1,
            TokenKind::RParen => depth = depth.saturating_sub(1),
            _ if depth == 0 && t.is_word("as") => return true,
            _ => {}
        }
    }
    false
}

/// `DROP …` (cursor after DROP).
fn drop(c: &mut Cursor<'_, '_>, ctx: &mut Context<'_>) -> Result<Statement, RewriteError> {
    if c.eat_word("schema") {
        return ddl::drop_schema(c);
    }
    if c.eat_word("database") {
        return utility::drop_database(c);
    }
    for object in ["table", "index", "view"] {
        if c.eat_word(object) {
            return ddl::drop_objects(c, ctx, object);
        }
    }
    if c.eat_word("trigger") {
        // SQLite's DROP TRIGGER has no `ON table`.
        let if_exists = c.eat_words(&["if", "exists"]);
        let name = c.name()?;
        if c.eat_word("on") {
            let _ = emit::read_name(c.toks, c.i).map(|(_, next)| c.i = next);
        }
        if !c.eat_word("cascade") {
            c.eat_word("restrict");
        }
        c.expect_end()?;
        let exists = if if_exists { "IF EXISTS " } else { "" };
        return Ok(ddl::ddl(
            format!("DROP TRIGGER {exists}{}", names::quote(&name)),
            "DROP TRIGGER",
        ));
    }
    Err(not_supported_command(c.sql, c.toks, 2))
}

#[cfg(test)]
mod tests;
