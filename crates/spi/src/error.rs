//! The crate's one error type, [`SpiError`], and the translation of SQLite's errors into
//! PostgreSQL's SQLSTATEs and messages.
//!
//! Invariants: every error that leaves this crate carries a five-character SQLSTATE; names in
//! messages are demangled (`schema1.counted`, never the SQLite table name `"schema1.counted"`
//! quoted as SQLite prints it). SQL functions registered by this crate report their SQLSTATE by
//! prefixing the message with `[SQLSTATE xxxxx] ` (see [`function_error`]); the mapper strips it.
//! Never: panics on an unexpected SQLite message — anything unrecognised becomes `XX000` with
//! SQLite's own text.

use rusqlite::{Connection, ErrorCode, ffi};

use crate::interrupt;
use sql::SqlError;
use sql::catalog::pg_name as demangle;

/// SQLSTATE codes (PostgreSQL's `errcodes.txt` names), from the `sql` crate.
pub use sql::sqlstate;

/// How bad an error is for the session that sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The statement (and an open transaction block) fails; the session goes on.
    Error,
    /// The session must end (e.g. 57P01 terminate).
    Fatal,
}

impl Severity {
    /// PostgreSQL's spelling for ErrorResponse's `S`/`V` fields.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "ERROR",
            Severity::Fatal => "FATAL",
        }
    }
}

/// An error with PostgreSQL's fields: SQLSTATE, severity, message, detail, hint, position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SpiError {
    pub sqlstate: &'static str,
    pub severity: Severity,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// 1-based character position in the statement text, as PostgreSQL reports it.
    pub position: Option<usize>,
    /// Where it happened (ErrorResponse's `W` field, psql's CONTEXT line), e.g.
    /// `COPY t, line 3, column a: "x"`. Boxed: the error travels in every `Result`.
    pub context: Option<Box<Context>>,
}

/// An error's CONTEXT line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context(pub String);

impl SpiError {
    /// An ERROR with `sqlstate` and `message`.
    pub fn new(sqlstate: &'static str, message: impl Into<String>) -> Self {
        SpiError {
            sqlstate,
            severity: Severity::Error,
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
            context: None,
        }
    }

    /// A FATAL error: the session must end after reporting it.
    pub fn fatal(sqlstate: &'static str, message: impl Into<String>) -> Self {
        SpiError {
            severity: Severity::Fatal,
            ..SpiError::new(sqlstate, message)
        }
    }

    /// An internal error (`XX000`).
    pub fn internal(message: impl Into<String>) -> Self {
        SpiError::new(sqlstate::INTERNAL_ERROR, message)
    }

    sqlstate::detail_and_hint!();

    pub fn with_position(mut self, position: usize) -> Self {
        self.position = Some(position);
        self
    }

    /// Sets the CONTEXT line unless one is already known (the innermost wins).
    pub fn with_context(mut self, context: impl Into<String>) -> Self {
        if self.context.is_none() {
            self.context = Some(Box::new(Context(context.into())));
        }
        self
    }

    /// The CONTEXT line, if any.
    pub fn context(&self) -> Option<&str> {
        self.context.as_deref().map(|c| c.0.as_str())
    }

    /// True when the session must end.
    pub fn is_fatal(&self) -> bool {
        self.severity == Severity::Fatal
    }
}

/// 25001: `what` refuses to run inside a transaction block.
pub(crate) fn inside_block(what: &str) -> SpiError {
    SpiError::new(
        sqlstate::ACTIVE_SQL_TRANSACTION,
        format!("{what} cannot run inside a transaction block"),
    )
}

impl From<SqlError> for SpiError {
    fn from(e: SqlError) -> Self {
        if e.sqlstate == sqlstate::QUERY_CANCELED
            && e.message == sql::interrupt::INTERRUPTED
            && let Err(exact) = interrupt::check()
        {
            return exact;
        }
        SpiError {
            sqlstate: e.sqlstate,
            severity: if e.sqlstate == sqlstate::ADMIN_SHUTDOWN {
                Severity::Fatal
            } else {
                Severity::Error
            },
            message: e.message,
            detail: e.detail,
            hint: e.hint,
            position: e.position,
            context: None,
        }
    }
}

impl SpiError {
    /// The error as the `sql` crate's type (for raising it from a runtime function).
    pub fn into_sql(self) -> SqlError {
        SqlError {
            sqlstate: self.sqlstate,
            message: self.message,
            detail: self.detail,
            hint: self.hint,
            position: self.position,
        }
    }
}

impl From<rusqlite::Error> for SpiError {
    fn from(e: rusqlite::Error) -> Self {
        map_sqlite_error(e, &ErrorContext::default())
    }
}

impl From<std::io::Error> for SpiError {
    fn from(e: std::io::Error) -> Self {
        SpiError::new(sqlstate::IO_ERROR, format!("could not access file: {e}"))
    }
}

/// The error an SQL function registered by this crate returns: the whole error waits for
/// [`map_sqlite_error`] in the runtime's slot while SQLite unwinds.
pub(crate) fn function_error(e: &SpiError) -> rusqlite::Error {
    crate::runtime::raise(e.clone().into_sql())
}

/// What the mapper knows about the statement that failed.
#[derive(Default)]
pub(crate) struct ErrorContext<'a> {
    /// The connection, to look up index and column names for constraint messages.
    pub conn: Option<&'a Connection>,
    /// A client statement inside an explicit transaction block: any BUSY is a serialization
    /// failure (40001), since waiting cannot help a deferred transaction that already read.
    pub in_client_block: bool,
    /// The table the statement writes (from the authorizer), for constraint messages.
    pub write_table: Option<String>,
    /// How it writes it (`'i'`, `'u'`, `'d'`).
    pub write_kind: Option<char>,
    /// Why the authorizer refused the statement, if it did.
    pub denied: Option<String>,
}

/// Translates a rusqlite error into PostgreSQL's SQLSTATE and message.
pub(crate) fn map_sqlite_error(e: rusqlite::Error, ctx: &ErrorContext<'_>) -> SpiError {
    match e {
        rusqlite::Error::SqliteFailure(code, msg) => {
            map_failure(code, msg.as_deref().unwrap_or(""), ctx)
        }
        rusqlite::Error::UserFunctionError(inner) => parse_function_message(&inner.to_string()),
        rusqlite::Error::ExecuteReturnedResults => {
            SpiError::internal("statement unexpectedly returned rows")
        }
        rusqlite::Error::MultipleStatement => SpiError::new(
            sqlstate::SYNTAX_ERROR,
            "cannot insert multiple commands into a prepared statement",
        ),
        rusqlite::Error::InvalidParameterCount(given, expected) => SpiError::new(
            sqlstate::PROTOCOL_VIOLATION,
            format!(
                "bind message supplies {given} parameters, but prepared statement requires {expected}"
            ),
        ),
        rusqlite::Error::Utf8Error(..) => SpiError::new(
            sql::sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
            "invalid byte sequence for encoding \"UTF8\"",
        ),
        rusqlite::Error::SqlInputError {
            error, msg, offset, ..
        } => {
            let mut err = map_failure(error, &msg, ctx);
            if err.position.is_none() && offset >= 0 {
                err.position = usize::try_from(offset).ok().map(|o| o + 1);
            }
            err
        }
        other => SpiError::internal(other.to_string()),
    }
}

fn parse_function_message(text: &str) -> SpiError {
    if text.contains(crate::runtime::FUNCTION_ERROR_MARKER)
        && let Some(e) = crate::runtime::take_function_error()
    {
        return e.into();
    }
    if let Some(rest) = text.strip_prefix("[SQLSTATE ")
        && let Some((code, message)) = rest.split_once("] ")
        && let Some(code) = known_sqlstate(code)
    {
        let mut err = SpiError::new(code, message);
        if code == sqlstate::ADMIN_SHUTDOWN {
            err.severity = Severity::Fatal;
        }
        return err;
    }
    SpiError::internal(text.to_string())
}

/// Maps a code string back to the `'static` constant.
fn known_sqlstate(code: &str) -> Option<&'static str> {
    sqlstate::known(code)
}

fn map_failure(code: ffi::Error, msg: &str, ctx: &ErrorContext<'_>) -> SpiError {
    if msg.starts_with("[SQLSTATE ") || msg.contains(crate::runtime::FUNCTION_ERROR_MARKER) {
        return parse_function_message(msg);
    }
    match code.extended_code {
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            return unique_violation(msg, ctx);
        }
        ffi::SQLITE_CONSTRAINT_CHECK => return check_violation(msg, ctx),
        ffi::SQLITE_CONSTRAINT_NOTNULL => return not_null_violation(msg),
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return foreign_key_violation(ctx),
        ffi::SQLITE_BUSY_SNAPSHOT => return serialization_failure(),
        _ => {}
    }
    match code.code {
        ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
            // The busy handler stops waiting when an interrupt arrives: report that instead.
            if let Err(e) = interrupt::check() {
                interrupt::consume_cancel();
                return e;
            }
            if ctx.in_client_block {
                serialization_failure()
            } else {
                SpiError::new(
                    sqlstate::LOCK_NOT_AVAILABLE,
                    "could not obtain lock: the database is busy",
                )
                .with_detail(
                    "Another process holds the database's write lock longer than busy_timeout.",
                )
            }
        }
        ErrorCode::OperationInterrupted => match interrupt::check() {
            Err(e) => {
                interrupt::consume_cancel();
                e
            }
            Ok(()) => SpiError::new(
                sqlstate::QUERY_CANCELED,
                "canceling statement due to user request",
            ),
        },
        ErrorCode::ReadOnly => SpiError::new(
            sqlstate::READ_ONLY_SQL_TRANSACTION,
            "cannot execute this statement in a read-only transaction",
        ),
        ErrorCode::AuthorizationForStatementDenied => SpiError::new(
            sqlstate::INSUFFICIENT_PRIVILEGE,
            ctx.denied
                .clone()
                .unwrap_or_else(|| "permission denied".to_string()),
        ),
        _ if msg.starts_with("not authorized") => SpiError::new(
            sqlstate::INSUFFICIENT_PRIVILEGE,
            ctx.denied
                .clone()
                .unwrap_or_else(|| format!("permission denied: {msg}")),
        ),
        ErrorCode::TypeMismatch => SpiError::new(sqlstate::DATATYPE_MISMATCH, "datatype mismatch"),
        ErrorCode::DiskFull => {
            SpiError::new(sqlstate::DISK_FULL, "could not extend file: disk full")
        }
        ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => SpiError::new(
            sqlstate::DATA_CORRUPTED,
            format!("database file is corrupt: {msg}"),
        ),
        ErrorCode::SystemIoFailure | ErrorCode::CannotOpen => {
            SpiError::new(sqlstate::IO_ERROR, format!("I/O error: {msg}"))
        }
        ErrorCode::TooBig if msg.contains("statement too long") => {
            SpiError::new(sqlstate::PROGRAM_LIMIT_EXCEEDED, "statement too long")
        }
        ErrorCode::TooBig => value_too_large(),
        ErrorCode::OutOfMemory => SpiError::new(sqlstate::OUT_OF_MEMORY, "out of memory"),
        _ => map_limit_message(msg).unwrap_or_else(|| map_message(msg)),
    }
}

/// A foreign key violation (23503). SQLite does not say which key failed. A DELETE, or an UPDATE of a table
/// without foreign keys of its own, broke a key that references the table; anything else broke
/// one of the table's own. The constraint named is the only candidate, or the first.
fn foreign_key_violation(ctx: &ErrorContext<'_>) -> SpiError {
    let sqlite_table = ctx.write_table.clone().unwrap_or_default();
    let table = relation_only(&sqlite_table);
    let own: Vec<String> = ctx
        .conn
        .and_then(|c| {
            crate::catalog::relations::table_def(c, &sqlite_table)
                .ok()
                .flatten()
        })
        .map(|d| {
            d.catalog_constraints(&table)
                .into_iter()
                .filter(|k| k.kind == sql::catalog::ConstraintKind::ForeignKey)
                .map(|k| k.name)
                .collect()
        })
        .unwrap_or_default();
    let parent_side = match ctx.write_kind {
        Some('d') => true,
        Some('u') => own.is_empty(),
        _ => false,
    };
    if parent_side {
        let referencing = ctx.conn.and_then(|c| {
            let me = crate::catalog::drop::ClassRow {
                oid: 0,
                schema: String::new(),
                name: table.clone(),
                sqlite_name: sqlite_table.clone(),
                kind: "r".into(),
            };
            crate::catalog::drop::referencing_keys(c, &me).ok()
        });
        if let Some(k) = referencing.and_then(|r| r.into_iter().next()) {
            return SpiError::new(
                sqlstate::FOREIGN_KEY_VIOLATION,
                format!(
                    "update or delete on table \"{table}\" violates foreign key constraint \"{}\" on table \"{}\"",
                    k.constraint, k.child.name
                ),
            );
        }
        return SpiError::new(
            sqlstate::FOREIGN_KEY_VIOLATION,
            format!("update or delete on table \"{table}\" violates foreign key constraint"),
        );
    }
    let name = own
        .first()
        .map_or_else(String::new, |n| format!(" \"{n}\""));
    SpiError::new(
        sqlstate::FOREIGN_KEY_VIOLATION,
        format!("insert or update on table \"{table}\" violates foreign key constraint{name}"),
    )
}

fn serialization_failure() -> SpiError {
    SpiError::new(
        sqlstate::SERIALIZATION_FAILURE,
        "could not serialize access due to concurrent update",
    )
    .with_hint("The transaction might succeed if retried.")
}

/// 54000 for a value past minipg's value limit (SQLite's `SQLITE_LIMIT_LENGTH`).
fn value_too_large() -> SpiError {
    SpiError::new(
        sqlstate::PROGRAM_LIMIT_EXCEEDED,
        "requested length too large",
    )
    .with_detail(format!(
        "A value or row may be at most {} bytes.",
        sql::value::MAX_VALUE_BYTES
    ))
}

/// The errors SQLite reports at one of the limits set at open (`connection.rs`), with
/// PostgreSQL's SQLSTATE and, where PostgreSQL has the same limit, its message.
fn map_limit_message(msg: &str) -> Option<SpiError> {
    let too_complex = || {
        SpiError::new(
            sqlstate::STATEMENT_TOO_COMPLEX,
            "stack depth limit exceeded",
        )
        .with_hint(
            "The statement nests too deeply for minipg; simplify it or split it into several.",
        )
    };
    let e = if msg.starts_with("string or blob too big") {
        value_too_large()
    } else if msg.starts_with("Expression tree is too large")
        || msg.starts_with("parser stack overflow")
        || msg.contains("too many levels of trigger recursion")
        || msg.to_ascii_lowercase().contains("recursion limit")
    {
        too_complex()
    } else if msg.starts_with("too many terms in compound SELECT") {
        SpiError::new(
            sqlstate::STATEMENT_TOO_COMPLEX,
            "too many UNION/INTERSECT/EXCEPT terms: at most 500 are supported",
        )
    } else if msg.starts_with("too many columns in result set") {
        SpiError::new(
            sqlstate::TOO_MANY_COLUMNS,
            "target lists can have at most 2000 entries",
        )
    } else if msg.starts_with("too many columns on") {
        SpiError::new(
            sqlstate::TOO_MANY_COLUMNS,
            "tables can have at most 2000 columns",
        )
    } else if msg.starts_with("too many columns in index")
        || msg.starts_with("too many terms in ORDER BY")
        || msg.starts_with("too many terms in GROUP BY")
        || msg.starts_with("too many columns in")
    {
        SpiError::new(sqlstate::TOO_MANY_COLUMNS, msg.to_string())
    } else if msg.starts_with("too many arguments on function") {
        SpiError::new(
            sqlstate::TOO_MANY_ARGUMENTS,
            "cannot pass more than 1000 arguments to a function",
        )
    } else if msg.starts_with("too many SQL variables")
        || msg.starts_with("variable number must be between")
    {
        SpiError::new(
            sqlstate::TOO_MANY_ARGUMENTS,
            "too many parameters: at most 32766 are supported",
        )
    } else if msg.starts_with("LIKE or GLOB pattern too complex") {
        SpiError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            "LIKE pattern too long: at most 50000 bytes are supported",
        )
    } else if msg.starts_with("at most") && msg.contains("tables in a join") {
        SpiError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            "too many tables in a join: at most 64 are supported",
        )
    } else if msg == "integer overflow" {
        SpiError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "bigint out of range")
    } else {
        return None;
    };
    Some(e)
}

/// Maps SQLite's generic SQLITE_ERROR messages by their text.
fn map_message(msg: &str) -> SpiError {
    if let Some(name) = msg.strip_prefix("no such table: ") {
        return SpiError::new(
            sqlstate::UNDEFINED_TABLE,
            format!("relation \"{}\" does not exist", pg_name(name)),
        );
    }
    if let Some(name) = msg.strip_prefix("no such view: ") {
        return SpiError::new(
            sqlstate::UNDEFINED_TABLE,
            format!("view \"{}\" does not exist", pg_name(name)),
        );
    }
    if let Some(name) = msg.strip_prefix("no such index: ") {
        return SpiError::new(
            sqlstate::UNDEFINED_TABLE,
            format!("index \"{}\" does not exist", pg_name(name)),
        );
    }
    if let Some(name) = msg.strip_prefix("no such column: ") {
        return SpiError::new(
            sqlstate::UNDEFINED_COLUMN,
            format!("column \"{name}\" does not exist"),
        );
    }
    if let Some(rest) = msg.strip_prefix("no such function: ") {
        return SpiError::new(
            sqlstate::UNDEFINED_FUNCTION,
            format!("function {rest} does not exist"),
        );
    }
    if let Some(rest) = msg.strip_prefix("near ")
        && let Some(token) = rest.strip_suffix(": syntax error")
    {
        return SpiError::new(
            sqlstate::SYNTAX_ERROR,
            format!("syntax error at or near {token}"),
        );
    }
    if msg == "incomplete input" {
        return SpiError::new(sqlstate::SYNTAX_ERROR, "syntax error at end of input");
    }
    if let Some(rest) = msg.strip_suffix(" already exists") {
        let (kind, name) = rest.split_once(' ').unwrap_or(("relation", rest));
        let name = pg_name(name);
        let kind = match kind {
            "table" | "index" | "view" => "relation",
            "trigger" => "trigger",
            _ => "relation",
        };
        return SpiError::new(
            sqlstate::DUPLICATE_TABLE,
            format!("{kind} \"{name}\" already exists"),
        );
    }
    if msg.starts_with("not authorized") {
        return SpiError::new(
            sqlstate::INSUFFICIENT_PRIVILEGE,
            format!("permission denied: {msg}"),
        );
    }
    if msg.contains("datatype mismatch") {
        return SpiError::new(sqlstate::DATATYPE_MISMATCH, "datatype mismatch");
    }
    if msg.starts_with("cannot start a transaction within a transaction") {
        return SpiError::new(
            sqlstate::ACTIVE_SQL_TRANSACTION,
            "there is already a transaction in progress",
        );
    }
    if msg.starts_with("cannot commit - no transaction is active")
        || msg.starts_with("cannot rollback - no transaction is active")
    {
        return SpiError::new(
            sqlstate::NO_ACTIVE_SQL_TRANSACTION,
            "there is no transaction in progress",
        );
    }
    if let Some(name) = msg.strip_prefix("no such savepoint: ") {
        return SpiError::new(
            sqlstate::INVALID_SAVEPOINT_SPECIFICATION,
            format!("savepoint \"{name}\" does not exist"),
        );
    }
    if msg.starts_with("cannot VACUUM from within a transaction") {
        return SpiError::new(
            sqlstate::ACTIVE_SQL_TRANSACTION,
            "VACUUM cannot run inside a transaction block",
        );
    }
    if msg.starts_with("argument of ntile must be") {
        return SpiError::new(
            sqlstate::INVALID_ARGUMENT_FOR_NTILE,
            "argument of ntile must be greater than zero",
        );
    }
    if msg.starts_with("second argument to nth_value must be") {
        return SpiError::new(
            sqlstate::INVALID_ARGUMENT_FOR_NTH_VALUE,
            "argument of nth_value must be greater than zero",
        );
    }
    if msg.starts_with("frame starting offset must be")
        || msg.starts_with("frame ending offset must be")
    {
        return SpiError::new(
            sqlstate::INVALID_PRECEDING_OR_FOLLOWING_SIZE,
            "frame starting offset must not be negative",
        );
    }
    if msg.starts_with("wrong number of arguments to function") {
        return SpiError::new(sqlstate::UNDEFINED_FUNCTION, msg.to_string());
    }
    if msg.contains("syntax error") {
        return SpiError::new(sqlstate::SYNTAX_ERROR, msg.to_string());
    }
    SpiError::internal(msg.to_string())
}

/// A SQLite name as PostgreSQL would print it: quotes stripped, `main.` dropped, demangled to
/// `schema.name` (or `name` in `public`).
pub(crate) fn pg_name(sqlite_name: &str) -> String {
    let mut name = sqlite_name.trim();
    if let Some(rest) = name.strip_prefix("main.") {
        name = rest;
    }
    let unquoted = if name.len() >= 2
        && ((name.starts_with('"') && name.ends_with('"'))
            || (name.starts_with('\'') && name.ends_with('\''))
            || (name.starts_with('`') && name.ends_with('`'))
            || (name.starts_with('[') && name.ends_with(']')))
    {
        name[1..name.len() - 1].replace("\"\"", "\"")
    } else {
        name.to_string()
    };
    let (schema, rel) = demangle(&unquoted);
    if schema == "public" {
        rel
    } else {
        format!("{schema}.{rel}")
    }
}

/// The relation part only (PostgreSQL's constraint messages name the relation without schema).
fn relation_only(sqlite_name: &str) -> String {
    demangle(&pg_name_raw(sqlite_name)).1
}

fn pg_name_raw(sqlite_name: &str) -> String {
    sqlite_name
        .trim()
        .trim_start_matches("main.")
        .trim_matches('"')
        .to_string()
}

/// `UNIQUE constraint failed: t.a, t.b` or `... failed: index 'i'` → 23505 naming the index
/// as PostgreSQL would (`<table>_pkey`, `<table>_<cols>_key` for inline constraints).
fn unique_violation(msg: &str, ctx: &ErrorContext<'_>) -> SpiError {
    let what = msg
        .split_once(": ")
        .map(|(_, w)| w.trim())
        .unwrap_or_default();
    let name = if let Some(index) = what
        .strip_prefix("index '")
        .and_then(|s| s.strip_suffix('\''))
    {
        relation_only(index)
    } else {
        ctx.conn
            .and_then(|conn| find_unique_index(conn, what))
            .unwrap_or_else(|| {
                let table = ctx
                    .write_table
                    .as_deref()
                    .map(relation_only)
                    .unwrap_or_default();
                format!("{table}_key")
            })
    };
    SpiError::new(
        sqlstate::UNIQUE_VIOLATION,
        format!("duplicate key value violates unique constraint \"{name}\""),
    )
}

/// Finds the unique index whose `table.col, table.col` list SQLite printed.
fn find_unique_index(conn: &Connection, columns_text: &str) -> Option<String> {
    let mut stmt = conn
        .prepare(
            "SELECT m.tbl_name, i.name, i.origin \
             FROM sqlite_schema m, pragma_index_list(m.tbl_name) i \
             WHERE m.type = 'table' AND i.\"unique\" = 1",
        )
        .ok()?;
    let rows: Vec<(String, String, String)> = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .ok()?
        .filter_map(Result::ok)
        .collect();
    // rows: (table, index, origin)
    let mut seen = std::collections::HashSet::new();
    for (table, index, origin) in rows {
        if !seen.insert(index.clone()) {
            continue;
        }
        let cols: Vec<String> = match conn
            .prepare("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
            .and_then(|mut s| {
                s.query_map([&index], |r| r.get::<_, Option<String>>(0))?
                    .collect::<Result<Vec<_>, _>>()
            }) {
            Ok(c) => c.into_iter().map(Option::unwrap_or_default).collect(),
            Err(_) => continue,
        };
        let printed = cols
            .iter()
            .map(|c| format!("{table}.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        if printed == columns_text {
            let rel = relation_only(&table);
            return Some(match origin.as_str() {
                "pk" => format!("{rel}_pkey"),
                "u" => format!("{rel}_{}_key", cols.join("_")),
                _ => relation_only(&index),
            });
        }
    }
    // An INTEGER PRIMARY KEY has no index: `t.id` naming the rowid alias.
    let (table, _) = columns_text.rsplit_once('.')?;
    Some(format!("{}_pkey", relation_only(table)))
}

/// `CHECK constraint failed: <name or expression>` → 23514.
fn check_violation(msg: &str, ctx: &ErrorContext<'_>) -> SpiError {
    let what = msg
        .split_once(": ")
        .map(|(_, w)| w.trim())
        .unwrap_or_default();
    let table = ctx.write_table.as_deref().map(relation_only);
    let is_name = !what.is_empty()
        && what
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    let constraint = if is_name {
        what.to_string()
    } else {
        // PostgreSQL names an unnamed column check `<table>_<column>_check`.
        let first_word: String = what
            .trim_start_matches('(')
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        match (&table, first_word.is_empty()) {
            (Some(t), false) => format!("{t}_{first_word}_check"),
            (Some(t), true) => format!("{t}_check"),
            (None, _) => what.to_string(),
        }
    };
    let message = match &table {
        Some(t) => {
            format!("new row for relation \"{t}\" violates check constraint \"{constraint}\"")
        }
        None => format!("new row violates check constraint \"{constraint}\""),
    };
    let mut err = SpiError::new(sqlstate::CHECK_VIOLATION, message);
    if !is_name && !what.is_empty() {
        err.detail = Some(format!("Failing check: {what}."));
    }
    err
}

/// `NOT NULL constraint failed: t.c` → 23502.
fn not_null_violation(msg: &str) -> SpiError {
    let what = msg
        .split_once(": ")
        .map(|(_, w)| w.trim())
        .unwrap_or_default();
    let (table, column) = what.rsplit_once('.').unwrap_or(("", what));
    SpiError::new(
        sqlstate::NOT_NULL_VIOLATION,
        format!(
            "null value in column \"{column}\" of relation \"{}\" violates not-null constraint",
            relation_only(table)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_demangled() {
        assert_eq!(pg_name("\"schema1.counted\""), "schema1.counted");
        assert_eq!(pg_name("main.t"), "t");
        assert_eq!(
            pg_name("our schema2.counted rows"),
            "our schema2.counted rows"
        );
    }

    #[test]
    fn messages_map_to_sqlstates() {
        let e = map_message("no such table: schema1.counted");
        assert_eq!(e.sqlstate, sql::sqlstate::UNDEFINED_TABLE);
        assert_eq!(e.message, "relation \"schema1.counted\" does not exist");
        assert_eq!(
            map_message("no such column: x").sqlstate,
            sql::sqlstate::UNDEFINED_COLUMN
        );
        let e = map_message("near \"selec\": syntax error");
        assert_eq!(e.sqlstate, sql::sqlstate::SYNTAX_ERROR);
        assert_eq!(e.message, "syntax error at or near \"selec\"");
        let e = map_message("table \"s.t\" already exists");
        assert_eq!(e.sqlstate, sql::sqlstate::DUPLICATE_TABLE);
        assert_eq!(e.message, "relation \"s.t\" already exists");
        assert_eq!(
            map_message("something odd").sqlstate,
            sql::sqlstate::INTERNAL_ERROR
        );
    }

    #[test]
    fn limit_errors_are_never_internal() {
        for (msg, code) in [
            ("string or blob too big", "54000"),
            ("Expression tree is too large (maximum depth 1000)", "54001"),
            ("parser stack overflow", "54001"),
            ("Recursion limit exceeded", "54001"),
            ("too many terms in compound SELECT", "54001"),
            ("too many columns in result set", "54011"),
            ("too many columns on t", "54011"),
            ("too many arguments on function f", "54023"),
            ("variable number must be between ?1 and ?32766", "54023"),
            ("too many SQL variables", "54023"),
            ("LIKE or GLOB pattern too complex", "54000"),
            ("at most 64 tables in a join", "54000"),
            ("integer overflow", "22003"),
        ] {
            let e = map_limit_message(msg).expect(msg);
            assert_eq!(e.sqlstate, code, "{msg}");
        }
    }

    #[test]
    fn function_errors_keep_their_sqlstate() {
        let e =
            parse_function_message("[SQLSTATE 22P02] invalid input syntax for type boolean: \"x\"");
        assert_eq!(e.sqlstate, sql::sqlstate::INVALID_TEXT_REPRESENTATION);
        assert_eq!(e.message, "invalid input syntax for type boolean: \"x\"");
        let e = parse_function_message("[SQLSTATE 57P01] terminating");
        assert!(e.is_fatal());
    }

    #[test]
    fn sql_errors_convert() {
        let e: SpiError = SqlError::syntax("unterminated quoted string")
            .at(Some(8))
            .into();
        assert_eq!(e.position, Some(8));
        assert_eq!(e.sqlstate, sql::sqlstate::SYNTAX_ERROR);
    }
}
