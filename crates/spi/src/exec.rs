//! Running rewritten SQL on a connection: describing result columns, binding parameters,
//! buffering rows, and the schema DDL that SQLite cannot do by itself. Shared by client
//! [`Session`](crate::Session)s and the worker SPI.
//!
//! Invariants: client text is prepared with the authorizer enforcing and its scratch reset;
//! the server's own statements go through [`SqlConn::trusted`]. [`write_txn`] makes a schema
//! DDL all-or-nothing whether or not a transaction is open (SAVEPOINT inside one,
//! `BEGIN IMMEDIATE` otherwise).
//! Never: begins or ends the caller's transaction.

use rusqlite::Connection;

use crate::authorizer::{Scratch, refuse_vacuum_into};
use crate::catalog;
use crate::connection::SqlConn;
use crate::error::{ErrorContext, SpiError, map_sqlite_error};
use crate::params::{column_type, infer_param_types, is_multi_statement};
use crate::result::Notice;
use crate::rewrite::{PgType, StatementKind};
use crate::value::{Column, Value, from_sqlite};

/// A rewritten SQL statement, described.
#[derive(Debug, Clone)]
pub(crate) struct SqlPlan {
    pub sqlite: String,
    pub kind: StatementKind,
    pub returning: bool,
    pub tag: String,
    pub columns: Vec<Column>,
    pub param_types: Vec<PgType>,
    /// `sqlite3_stmt_readonly`: the statement does not write the database.
    pub readonly: bool,
    /// The table the statement writes, as the authorizer saw it (for constraint messages).
    pub write_table: Option<String>,
    /// Several statements without parameters or rows (the rewriter's `DROP TABLE a, b`):
    /// run as a batch.
    pub batch: bool,
    /// The plan involves schema objects (the authorizer saw one, or it is a batch): it stays
    /// valid only while SQLite's schema cookie is unchanged (see `plancache`).
    pub depends_on_schema: bool,
}

/// Builds the error context for a statement that failed on `sql`.
fn error_ctx<'a>(sql: &'a SqlConn, scratch: &Scratch, in_client_block: bool) -> ErrorContext<'a> {
    ErrorContext {
        conn: Some(&sql.conn),
        in_client_block,
        write_table: scratch.write_table.clone(),
        denied: scratch.denied.clone(),
    }
}

/// Maps an error raised while running client text on `sql`.
pub(crate) fn client_error(sql: &SqlConn, e: rusqlite::Error, in_client_block: bool) -> SpiError {
    plan_error(sql, e, in_client_block, None)
}

/// [`client_error`] for a described statement: a cached statement is not re-authorized, so the
/// table it writes comes from its description.
fn plan_error(
    sql: &SqlConn,
    e: rusqlite::Error,
    in_client_block: bool,
    write_table: Option<&str>,
) -> SpiError {
    let mut scratch = sql.auth.scratch();
    if scratch.write_table.is_none() {
        scratch.write_table = write_table.map(str::to_string);
    }
    sql.trusted(|_| map_sqlite_error(e, &error_ctx(sql, &scratch, in_client_block)))
}

/// Prepares `sqlite` (client text) to learn its columns, parameters and whether it writes.
#[expect(
    clippy::too_many_arguments,
    reason = "the rewrite's fields, passed through"
)]
pub(crate) fn describe(
    sql: &SqlConn,
    sqlite: &str,
    kind: StatementKind,
    returning: bool,
    tag: &str,
    param_count: usize,
    rewrite_param_types: &[PgType],
    result_types: &[Option<PgType>],
) -> Result<SqlPlan, SpiError> {
    refuse_vacuum_into(sqlite)?;
    sql.install_views_for(sqlite)?;
    if is_multi_statement(sqlite) {
        return Ok(SqlPlan {
            sqlite: sqlite.to_string(),
            kind,
            returning: false,
            tag: tag.to_string(),
            columns: Vec::new(),
            param_types: Vec::new(),
            readonly: false,
            write_table: None,
            batch: true,
            depends_on_schema: true,
        });
    }
    sql.auth.reset();
    // Not the statement cache: a cached statement is not re-authorized, and the authorizer's
    // record of what it reads and writes feeds parameter inference.
    let stmt = match sql.conn.prepare(sqlite) {
        Ok(s) => s,
        Err(e) => return Err(client_error(sql, e, false)),
    };
    let readonly = stmt.readonly();
    let untyped_expressions: Vec<Option<String>> = stmt
        .columns()
        .map(|c| {
            c.decl_type()
                .is_none()
                .then(|| c.name().to_ascii_lowercase())
        })
        .collect();
    let mut columns = stmt
        .columns()
        .enumerate()
        .map(|(i, c)| {
            column_for(
                c.name(),
                c.decl_type(),
                result_types.get(i).copied().flatten(),
            )
        })
        .collect::<Vec<_>>();
    let sqlite_params = stmt.parameter_count();
    drop(stmt);
    let scratch = sql.auth.scratch();
    type_integer_expressions(sql, &scratch, &mut columns, &untyped_expressions);
    let mut param_types: Vec<PgType> = (0..param_count.max(sqlite_params))
        .map(|i| {
            rewrite_param_types
                .get(i)
                .copied()
                .unwrap_or(PgType::Unknown)
        })
        .collect();
    if param_types.contains(&PgType::Unknown) {
        sql.trusted(|conn| infer_param_types(conn, sqlite, &scratch, &mut param_types));
    }
    Ok(SqlPlan {
        sqlite: sqlite.to_string(),
        kind,
        returning,
        tag: tag.to_string(),
        columns,
        param_types,
        readonly,
        write_table: scratch.write_table.clone(),
        batch: false,
        depends_on_schema: scratch.schema_objects,
    })
}

/// The reported column for a SQLite result column: declared type when there is one,
/// otherwise the rewriter's cast, otherwise a guess from the expression text SQLite uses as
/// the name; expression columns are renamed as PostgreSQL names them (`count`, `?column?`).
pub(crate) fn column_for(name: &str, decl: Option<&str>, cast: Option<PgType>) -> Column {
    if let Some(decl) = decl {
        return Column::new(name, cast.unwrap_or_else(|| PgType::from_type_name(decl)));
    }
    let lower = name.trim().to_ascii_lowercase();
    let function = function_name(&lower);
    let pg_type = cast.unwrap_or_else(|| match function.as_deref() {
        Some(
            "count" | "sum" | "total" | "length" | "changes" | "pg_backend_pid" | "octet_length",
        ) => PgType::Int8,
        Some("avg") => PgType::Float8,
        Some("pg_cancel_backend" | "pg_terminate_backend" | "minipg_bool") => PgType::Bool,
        _ if is_integer_literal(&lower) || is_integer_arithmetic(&lower) => PgType::Int8,
        _ if lower.parse::<f64>().is_ok() && !lower.starts_with(['i', 'n', '+']) => PgType::Float8,
        _ => PgType::Text,
    });
    let pg_name = match function.as_deref() {
        Some("cast") => type_name(pg_type).unwrap_or("?column?").to_string(),
        Some("minipg_bool") => "bool".to_string(),
        Some(f) => f.to_string(),
        None if looks_like_expression(&lower) => "?column?".to_string(),
        None => name.to_string(),
    };
    Column::new(pg_name, pg_type)
}

/// Expression columns still typed text whose expression is integer arithmetic over integer
/// columns the statement reads (`v + 1` with `v integer`) are int8, as SQLite computes them.
fn type_integer_expressions(
    sql: &SqlConn,
    scratch: &Scratch,
    columns: &mut [Column],
    expressions: &[Option<String>],
) {
    for (col, expr) in columns.iter_mut().zip(expressions) {
        let Some(expr) = expr else { continue };
        if col.pg_type != PgType::Text {
            continue;
        }
        let mut e = expr.clone();
        for (table, column) in &scratch.reads {
            let integral = sql
                .trusted(|conn| column_type(conn, table, column))
                .is_some_and(|t| matches!(t, PgType::Int2 | PgType::Int4 | PgType::Int8));
            if integral {
                e = replace_word(&e, &column.to_ascii_lowercase(), "0");
            }
        }
        if e != *expr && is_integer_arithmetic(&e) {
            col.pg_type = PgType::Int8;
        }
    }
}

/// Replaces whole-identifier occurrences of `word` in `s`.
fn replace_word(s: &str, word: &str, with: &str) -> String {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(s.len());
    let mut cur = String::new();
    for c in s.chars().chain(std::iter::once(' ')) {
        if is_ident(c) {
            cur.push(c);
            continue;
        }
        if !cur.is_empty() {
            out.push_str(if cur == word { with } else { &cur });
            cur.clear();
        }
        out.push(c);
    }
    out.pop();
    out
}

/// An arithmetic expression made only of integer literals, integer casts and `+ - * / %`
/// (e.g. `1 + 1`, `cast(?1 as integer) * 3`): SQLite computes it as an integer.
fn is_integer_arithmetic(s: &str) -> bool {
    // Integer casts (of parameters or anything integral) count as integer operands.
    let mut s = s.to_string();
    for (open, close) in [
        ("cast(", " as integer)"),
        ("cast(", " as bigint)"),
        ("cast(", " as int)"),
    ] {
        while let Some(a) = s.find(open) {
            let Some(b) = s[a..].find(close).map(|b| a + b) else {
                break;
            };
            s.replace_range(a..b + close.len(), "0");
        }
    }
    let mut saw_operator = false;
    let mut saw_operand = false;
    for c in s.chars() {
        match c {
            ' ' | '(' | ')' => {}
            '+' | '-' | '*' | '/' | '%' => saw_operator = true,
            '0'..='9' => saw_operand = true,
            _ => return false,
        }
    }
    saw_operator && saw_operand
}

fn is_integer_literal(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// `name(...)` → `name`.
fn function_name(s: &str) -> Option<String> {
    let open = s.find('(')?;
    let head = s[..open].trim();
    let is_ident = !head.is_empty()
        && head
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        && !head.as_bytes()[0].is_ascii_digit();
    (is_ident && s.ends_with(')')).then(|| head.rsplit('.').next().unwrap_or(head).to_string())
}

fn looks_like_expression(s: &str) -> bool {
    s.parse::<f64>().is_ok()
        || s.starts_with('\'')
        || s.starts_with("x'")
        || s == "null"
        || s.contains(['+', '*', '/', '|', '<', '>', '=', '(', ')'])
        || (s.contains('-') && !s.contains(' '))
}

/// PostgreSQL's name of a type, as it titles a cast column.
fn type_name(t: PgType) -> Option<&'static str> {
    Some(match t {
        PgType::Bool => "bool",
        PgType::Bytea => "bytea",
        PgType::Int2 => "int2",
        PgType::Int4 => "int4",
        PgType::Int8 => "int8",
        PgType::Float4 => "float4",
        PgType::Float8 => "float8",
        PgType::Numeric => "numeric",
        PgType::Text => "text",
        PgType::Varchar => "varchar",
        PgType::Date => "date",
        PgType::Timestamp => "timestamp",
        PgType::Timestamptz => "timestamptz",
        _ => return None,
    })
}

/// Converts a parameter value to what its declared type means (text input for an integer
/// parameter becomes an integer, PostgreSQL's boolean words become 0/1, …).
pub(crate) fn coerce_param(value: &Value, ty: PgType, index: usize) -> Result<Value, SpiError> {
    let Value::Text(text) = value else {
        return Ok(value.clone());
    };
    let invalid = |tname: &str| {
        SpiError::new(
            crate::error::sqlstate::INVALID_TEXT_REPRESENTATION,
            format!("invalid input syntax for type {tname}: \"{text}\""),
        )
        .with_detail(format!("parameter ${}", index + 1))
    };
    Ok(match ty {
        PgType::Int2 | PgType::Int4 | PgType::Int8 => match text.trim().parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => {
                return Err(invalid(if ty == PgType::Int8 {
                    "bigint"
                } else {
                    "integer"
                }));
            }
        },
        PgType::Float4 | PgType::Float8 => match text.trim().to_ascii_lowercase().as_str() {
            "infinity" => Value::Float(f64::INFINITY),
            "-infinity" => Value::Float(f64::NEG_INFINITY),
            "nan" => Value::Float(f64::NAN),
            t => match t.parse::<f64>() {
                Ok(f) => Value::Float(f),
                Err(_) => return Err(invalid("double precision")),
            },
        },
        PgType::Bool => match crate::value::parse_bool(text) {
            Some(b) => Value::Int(i64::from(b)),
            None => return Err(invalid("boolean")),
        },
        PgType::Bytea => Value::Bytes(decode_bytea(text).ok_or_else(|| invalid("bytea"))?),
        _ => value.clone(),
    })
}

/// bytea text input: `\x` hex form, or the raw bytes.
fn decode_bytea(text: &str) -> Option<Vec<u8>> {
    let Some(hex) = text.strip_prefix("\\x") else {
        return Some(text.as_bytes().to_vec());
    };
    let hex: Vec<u8> = hex.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    hex.chunks(2)
        .map(|pair| {
            let s = std::str::from_utf8(pair).ok()?;
            u8::from_str_radix(s, 16).ok()
        })
        .collect()
}

/// What running a statement produced.
#[derive(Debug, Default)]
pub(crate) struct RunOutcome {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    /// Rows changed (INSERT/UPDATE/DELETE), 0 otherwise.
    pub changes: u64,
}

/// Runs a described statement with `params`, keeping at most `max_rows` rows (0 = all).
pub(crate) fn run(
    sql: &SqlConn,
    plan: &SqlPlan,
    params: &[Value],
    max_rows: u64,
    in_client_block: bool,
) -> Result<RunOutcome, SpiError> {
    if params.len() != plan.param_types.len() {
        return Err(SpiError::new(
            crate::error::sqlstate::PROTOCOL_VIOLATION,
            format!(
                "bind message supplies {} parameters, but prepared statement requires {}",
                params.len(),
                plan.param_types.len()
            ),
        ));
    }
    let params = params
        .iter()
        .zip(&plan.param_types)
        .enumerate()
        .map(|(i, (v, t))| coerce_param(v, *t, i))
        .collect::<Result<Vec<_>, _>>()?;
    refuse_vacuum_into(&plan.sqlite)?;
    sql.install_views_for(&plan.sqlite)?;
    sql.auth.reset();
    let fail = |e| plan_error(sql, e, in_client_block, plan.write_table.as_deref());
    if plan.batch {
        sql.conn.execute_batch(&plan.sqlite).map_err(fail)?;
        return Ok(RunOutcome::default());
    }
    let mut stmt = sql.conn.prepare_cached(&plan.sqlite).map_err(fail)?;
    let bindable = stmt.parameter_count();
    for (i, value) in params.iter().enumerate().take(bindable) {
        stmt.raw_bind_parameter(i + 1, value).map_err(fail)?;
    }
    let live: Vec<Column>;
    let columns = if stmt.column_count() == plan.columns.len() {
        &plan.columns
    } else {
        // The schema changed since Describe; report what the statement returns now.
        live = stmt
            .columns()
            .map(|c| column_for(c.name(), c.decl_type(), None))
            .collect();
        &live
    };
    let mut out = RunOutcome {
        columns: columns.clone(),
        ..RunOutcome::default()
    };
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next().map_err(fail)? {
        if max_rows == 0 || (out.rows.len() as u64) < max_rows {
            let mut values = Vec::with_capacity(columns.len());
            for (i, col) in columns.iter().enumerate() {
                let v = row.get_ref(i).map_err(fail)?;
                values.push(from_sqlite(v, col.pg_type));
            }
            out.rows.push(values);
        } else if plan.readonly {
            break; // a read can stop early; a write runs to completion
        }
    }
    drop(rows);
    drop(stmt);
    if matches!(
        plan.kind,
        StatementKind::Insert | StatementKind::Update | StatementKind::Delete
    ) {
        out.changes = sql.conn.changes();
    }
    Ok(out)
}

/// Runs `f` all-or-nothing: inside an open transaction as a savepoint, otherwise in its own
/// `BEGIN IMMEDIATE` transaction.
pub(crate) fn write_txn<T>(
    sql: &SqlConn,
    f: impl FnOnce(&SqlConn) -> Result<T, SpiError>,
) -> Result<T, SpiError> {
    let nested = !sql.conn.is_autocommit();
    let (begin, commit, rollback) = if nested {
        (
            "SAVEPOINT minipg_ddl",
            "RELEASE minipg_ddl",
            "ROLLBACK TO minipg_ddl; RELEASE minipg_ddl",
        )
    } else {
        ("BEGIN IMMEDIATE", "COMMIT", "ROLLBACK")
    };
    sql.trusted(|c| c.execute_batch(begin))
        .map_err(|e| client_error(sql, e, false))?;
    match f(sql) {
        Ok(v) => {
            if let Err(e) = sql.trusted(|c| c.execute_batch(commit)) {
                let _ = sql.trusted(|c| c.execute_batch(rollback));
                return Err(client_error(sql, e, false));
            }
            Ok(v)
        }
        Err(e) => {
            if nested || !sql.conn.is_autocommit() {
                let _ = sql.trusted(|c| c.execute_batch(rollback));
            }
            Err(e)
        }
    }
}

/// CREATE SCHEMA with its elements, all-or-nothing.
pub(crate) fn create_schema(
    sql: &SqlConn,
    name: &str,
    owner: &str,
    if_not_exists: bool,
    elements: &[String],
) -> Result<Vec<Notice>, SpiError> {
    catalog::validate_schema_name(name)?;
    write_txn(sql, |sql| {
        let mut notices = Vec::new();
        let created =
            sql.trusted(|c| catalog::create_schema(c, name, owner, if_not_exists, &mut notices))?;
        if created {
            for element in elements {
                refuse_vacuum_into(element)?;
                sql.install_views_for(element)?;
                sql.auth.reset();
                sql.conn
                    .execute_batch(element)
                    .map_err(|e| client_error(sql, e, false))?;
            }
        }
        Ok(notices)
    })
}

/// DROP SCHEMA, all-or-nothing.
pub(crate) fn drop_schemas(
    sql: &SqlConn,
    names: &[String],
    if_exists: bool,
    cascade: bool,
) -> Result<Vec<Notice>, SpiError> {
    write_txn(sql, |sql| {
        let mut notices = Vec::new();
        sql.trusted(|c| catalog::drop_schemas(c, names, if_exists, cascade, &mut notices))?;
        Ok(notices)
    })
}

/// `is_schema` for the rewriter, backed by the file.
pub(crate) fn schema_lookup(conn: &Connection) -> impl FnMut(&str) -> bool + '_ {
    move |name| catalog::is_schema(conn, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expression_columns_are_named_and_typed_like_postgres() {
        assert_eq!(
            column_for("count(*)", None, None),
            Column::new("count", PgType::Int8)
        );
        assert_eq!(
            column_for("1", None, None),
            Column::new("?column?", PgType::Int8)
        );
        assert_eq!(
            column_for("avg(x)", None, None),
            Column::new("avg", PgType::Float8)
        );
        assert_eq!(
            column_for("CAST(?1 AS INTEGER)", None, Some(PgType::Int4)),
            Column::new("int4", PgType::Int4)
        );
        assert_eq!(
            column_for("value", Some("integer"), None),
            Column::new("value", PgType::Int4)
        );
        assert_eq!(
            column_for("my label", None, None),
            Column::new("my label", PgType::Text)
        );
        assert_eq!(
            column_for("1 + 1", None, None),
            Column::new("?column?", PgType::Int8)
        );
        assert_eq!(
            column_for("cast(?1 as integer) * 3", None, None),
            Column::new("?column?", PgType::Int8)
        );
        assert_eq!(
            column_for("v + 1.5", None, None),
            Column::new("?column?", PgType::Text)
        );
        assert_eq!(
            column_for("'a'", None, None),
            Column::new("?column?", PgType::Text)
        );
        assert_eq!(
            column_for("version()", None, None),
            Column::new("version", PgType::Text)
        );
    }

    #[test]
    fn params_are_coerced_to_their_type() {
        assert_eq!(
            coerce_param(&Value::Text("42".into()), PgType::Int4, 0).expect("int"),
            Value::Int(42)
        );
        assert_eq!(
            coerce_param(&Value::Text("on".into()), PgType::Bool, 0).expect("bool"),
            Value::Int(1)
        );
        assert_eq!(
            coerce_param(&Value::Text("\\x0aff".into()), PgType::Bytea, 0).expect("bytea"),
            Value::Bytes(vec![0x0a, 0xff])
        );
        let e = coerce_param(&Value::Text("x".into()), PgType::Int4, 1).expect_err("bad");
        assert_eq!(e.sqlstate, "22P02");
        assert_eq!(
            coerce_param(&Value::Text("x".into()), PgType::Text, 0).expect("text"),
            Value::Text("x".into())
        );
    }
}
