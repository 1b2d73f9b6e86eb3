//! Running the front end's plans on a connection — the one execution path of client sessions
//! and the worker SPI: analysis against the file's catalog ([`plan`]), a query plan's SQLite
//! statement with its parameters bound ([`run_query`]), a schema change all-or-nothing
//! ([`run_ddl`]), and CREATE/DROP SCHEMA.
//!
//! Invariants: client SQL is prepared with the authorizer enforcing and its scratch reset;
//! the server's own statements go through [`SqlConn::trusted`]. [`write_txn`] makes a schema
//! change all-or-nothing whether or not a transaction is open (SAVEPOINT inside one,
//! `BEGIN IMMEDIATE` otherwise).
//! Never: begins or ends the caller's transaction.

use sql::plan::{Ddl, Plan, QueryPlan};
use sql::types::{self, Type};
use sql::{Statements, Value};

use crate::authorizer::Scratch;
use crate::catalog::{self, DbCatalog};
use crate::connection::SqlConn;
use crate::error::{ErrorContext, SpiError, inside_block, map_sqlite_error};
use crate::result::Notice;
use crate::runtime;

/// Builds the error context for a statement that failed on `sql`.
fn error_ctx<'a>(sql: &'a SqlConn, scratch: &Scratch, in_client_block: bool) -> ErrorContext<'a> {
    ErrorContext {
        conn: Some(&sql.conn),
        in_client_block,
        write_table: scratch.write_table.clone(),
        write_kind: scratch.write_kind,
        denied: scratch.denied.clone(),
    }
}

/// Maps an error raised while running client SQL on `sql`.
pub(crate) fn client_error(sql: &SqlConn, e: rusqlite::Error, in_client_block: bool) -> SpiError {
    let scratch = sql.auth.scratch();
    sql.trusted(|_| map_sqlite_error(e, &error_ctx(sql, &scratch, in_client_block)))
}

/// Analyzes statement `i` of `stmts` against the file's catalog.
pub(crate) fn plan(
    sql: &SqlConn,
    user: &str,
    stmts: &Statements,
    i: usize,
    param_types: &[Type],
) -> Result<Plan, SpiError> {
    runtime::refresh_env();
    let catalog = DbCatalog::new(sql, user);
    runtime::with_env(|env| stmts.analyze(i, &catalog, env, param_types)).map_err(SpiError::from)
}

/// A parameter value as the statement needs it: text for a non-text type goes through the
/// type's input function (the SPI passes what it has; the wire layer already converted).
pub(crate) fn coerce_param(v: &Value, ty: Type, index: usize) -> Result<Value, SpiError> {
    let converted = match (v, ty) {
        (Value::Null, _) => return Ok(Value::Null),
        (Value::Text(s), t)
            if !matches!(t.storage(), types::Storage::Text) || t == Type::NUMERIC =>
        {
            runtime::with_env(|env| types::io::input(t, env, s, -1))
        }
        (Value::Int(i), Type::FLOAT4 | Type::FLOAT8) =>
        {
            #[expect(clippy::cast_precision_loss, reason = "as PostgreSQL's int8 → float8")]
            Ok(Value::Float(*i as f64))
        }
        (Value::Int(i), Type::NUMERIC) => Ok(Value::Text(i.to_string())),
        (Value::Float(f), Type::NUMERIC) => {
            runtime::with_env(|env| types::io::input(Type::NUMERIC, env, &f.to_string(), -1))
        }
        (other, _) => Ok(other.clone()),
    };
    converted.map_err(|e| {
        let mut err = SpiError::from(e);
        if err.detail.is_none() {
            err.detail = Some(format!("parameter ${}", index + 1));
        }
        err
    })
}

/// `params` checked against the plan's count and each coerced to its parameter's type.
pub(crate) fn coerce_params(plan: &QueryPlan, params: &[Value]) -> Result<Vec<Value>, SpiError> {
    if params.len() != plan.params.len() {
        return Err(SpiError::new(
            crate::error::sqlstate::PROTOCOL_VIOLATION,
            format!(
                "bind message supplies {} parameters, but prepared statement requires {}",
                params.len(),
                plan.params.len()
            ),
        ));
    }
    params
        .iter()
        .zip(&plan.params)
        .enumerate()
        .map(|(i, (v, t))| coerce_param(v, *t, i))
        .collect()
}

/// Runs a query plan with `params`, handing each row to `sink` as SQLite produces it and at
/// most `max_rows` of them (0 = all). Returns the rows returned (SELECT, RETURNING) or changed
/// (INSERT/UPDATE/DELETE). An error from `sink` stops the query and is returned.
pub(crate) fn run_query(
    sql: &SqlConn,
    plan: &QueryPlan,
    params: &[Value],
    max_rows: u64,
    in_client_block: bool,
    sink: &mut dyn FnMut(Vec<Value>) -> Result<(), SpiError>,
) -> Result<u64, SpiError> {
    let params = coerce_params(plan, params)?;
    runtime::start_statement_clock();
    let mut stmt = bound_statement(sql, plan, &params, in_client_block)?;
    let fail = |e| client_error(sql, e, in_client_block);
    let width = plan.columns.len();
    let mut processed = 0u64;
    let mut rows = stmt.raw_query();
    while let Some(row) = rows.next().map_err(fail)? {
        if max_rows != 0 && processed >= max_rows && !plan.writes() {
            break; // a read can stop early; a write runs to completion
        }
        processed += 1;
        if width == 0 || (max_rows != 0 && processed > max_rows) {
            continue;
        }
        let mut values = Vec::with_capacity(width);
        for i in 0..width {
            values.push(runtime::from_ref(row.get_ref(i).map_err(fail)?));
        }
        sink(values)?;
    }
    drop(rows);
    drop(stmt);
    if plan.writes() && width == 0 {
        processed = sql.conn.changes();
    }
    Ok(processed)
}

/// The plan's SQLite statement (from the connection's cache) with `params` (in their storage
/// form) bound, the authorizer's per-statement state reset.
fn bound_statement<'c>(
    sql: &'c SqlConn,
    plan: &QueryPlan,
    params: &[Value],
    in_client_block: bool,
) -> Result<rusqlite::CachedStatement<'c>, SpiError> {
    sql.auth.reset();
    let fail = |e| client_error(sql, e, in_client_block);
    let mut stmt = sql.conn.prepare_cached(&plan.sqlite).map_err(fail)?;
    for (i, value) in params.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, runtime::to_sql(value))
            .map_err(fail)?;
    }
    Ok(stmt)
}

/// Runs a plan once with parameters already in their types' storage form (COPY FROM's rows,
/// each field read by its column's input function), returning the rows it changed. The
/// SQLite statement is prepared once and kept in the connection's cache.
pub(crate) fn run_with_stored_params(
    sql: &SqlConn,
    plan: &QueryPlan,
    params: &[Value],
    in_client_block: bool,
) -> Result<u64, SpiError> {
    let mut stmt = bound_statement(sql, plan, params, in_client_block)?;
    let fail = |e| client_error(sql, e, in_client_block);
    let mut rows = stmt.raw_query();
    while rows.next().map_err(fail)?.is_some() {}
    drop(rows);
    drop(stmt);
    Ok(sql.conn.changes())
}

/// CommandComplete's tag of a query plan.
/// EXPLAIN's rows: SQLite's `EXPLAIN QUERY PLAN` for the query's statement in PostgreSQL's
/// text shape: a node per row, each child indented under its parent with `->`. A write is
/// headed by its command (`Insert`, `Update`, `Delete`), as PostgreSQL's plans are.
pub(crate) fn explain_lines(sql: &SqlConn, plan: &QueryPlan) -> Result<Vec<String>, SpiError> {
    let mut stmt = sql
        .conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", plan.sqlite))
        .map_err(|e| client_error(sql, e, false))?;
    let mut rows = stmt.query([]).map_err(|e| client_error(sql, e, false))?;
    let head = match plan.command {
        sql::Command::Insert => Some("Insert"),
        sql::Command::Update => Some("Update"),
        sql::Command::Delete => Some("Delete"),
        _ => None,
    };
    let mut lines: Vec<String> = head.map(str::to_string).into_iter().collect();
    // SQLite numbers the nodes in output order and names each one's parent (0: the root).
    let mut depths: Vec<(i64, usize)> = Vec::new();
    while let Some(row) = rows.next().map_err(|e| client_error(sql, e, false))? {
        let id: i64 = row.get(0).unwrap_or(0);
        let parent: i64 = row.get(1).unwrap_or(0);
        let detail: String = row.get(3).unwrap_or_default();
        let depth = depths
            .iter()
            .rev()
            .find(|(i, _)| *i == parent)
            .map_or(0, |(_, d)| d + 1)
            + usize::from(head.is_some());
        depths.push((id, depth - usize::from(head.is_some())));
        lines.push(if depth == 0 {
            detail
        } else {
            format!("{}->  {detail}", " ".repeat(2 + 6 * (depth - 1)))
        });
    }
    if lines.is_empty() {
        lines.push("Result".to_string());
    }
    Ok(lines)
}

pub(crate) fn query_tag(plan: &QueryPlan, processed: u64) -> String {
    plan.command.tag(processed)
}

/// Runs `f` all-or-nothing: inside an open transaction as a savepoint, otherwise in its own
/// `BEGIN IMMEDIATE` transaction.
pub(crate) fn write_txn<T>(
    sql: &SqlConn,
    f: impl FnOnce(&SqlConn) -> Result<T, SpiError>,
) -> Result<T, SpiError> {
    let nested = !sql.conn.is_autocommit();
    if nested {
        sql.trusted(|c| c.execute_batch("SAVEPOINT minipg_ddl"))
            .map_err(|e| client_error(sql, e, false))?;
    } else {
        sql.begin(true).map_err(|e| client_error(sql, e, false))?;
    }
    match f(sql) {
        Ok(v) => {
            let commit = if nested {
                "RELEASE minipg_ddl"
            } else {
                "COMMIT"
            };
            if let Err(e) = sql.trusted(|c| c.execute_batch(commit)) {
                if nested {
                    let _ = sql
                        .trusted(|c| c.execute_batch("ROLLBACK TO minipg_ddl; RELEASE minipg_ddl"));
                    let _ = sql.restore_sequences();
                } else {
                    sql.rollback_all();
                }
                return Err(client_error(sql, e, false));
            }
            if !nested {
                sql.committed();
            }
            Ok(v)
        }
        Err(e) => {
            if nested {
                if !sql.conn.is_autocommit() {
                    let _ = sql
                        .trusted(|c| c.execute_batch("ROLLBACK TO minipg_ddl; RELEASE minipg_ddl"));
                }
                let _ = sql.restore_sequences();
            } else {
                sql.rollback_all();
            }
            Err(e)
        }
    }
}

/// A schema change, all-or-nothing. Returns its notices and, for CREATE TABLE … AS, the rows
/// it filled the table with.
pub(crate) fn run_ddl(sql: &SqlConn, ddl: &Ddl) -> Result<(Vec<Notice>, Option<u64>), SpiError> {
    write_txn(sql, |sql| {
        sql.auth.reset();
        let (notices, rows) = catalog::relations::run_ddl(sql, ddl)?;
        let filled = match ddl {
            Ddl::CreateTable { filled: true, .. } => Some(rows),
            _ => None,
        };
        Ok((notices, filled))
    })
}

/// VACUUM / ANALYZE over SQLite's own maintenance: VACUUM returns free pages to the file
/// (FULL rebuilds it), ANALYZE refreshes the planner's statistics (`tables`: SQLite names;
/// none for all). VACUUM inside a transaction block (`in_block`) is 25001, as in PostgreSQL.
pub(crate) fn vacuum(sql: &SqlConn, in_block: bool, v: &sql::plan::Vacuum) -> Result<(), SpiError> {
    let (vacuum, full, analyze, tables) = (v.vacuum, v.full, v.analyze, &v.tables);
    if in_block && vacuum {
        return Err(inside_block("VACUUM"));
    }
    let run = |text: &str| {
        sql.trusted(|c| c.execute_batch(text))
            .map_err(|e| client_error(sql, e, false))
    };
    if vacuum {
        if full {
            // SQLite's VACUUM attaches a scratch database of its own, which the limit that
            // keeps clients from ATTACH forbids: lifted for the server's own VACUUM only.
            let before = sql
                .conn
                .limit(rusqlite::limits::Limit::SQLITE_LIMIT_ATTACHED)?;
            sql.conn.set_limit(
                rusqlite::limits::Limit::SQLITE_LIMIT_ATTACHED,
                before.max(1),
            )?;
            let result = run("VACUUM");
            sql.conn
                .set_limit(rusqlite::limits::Limit::SQLITE_LIMIT_ATTACHED, before)?;
            result?;
        } else {
            run("PRAGMA incremental_vacuum")?;
        }
    }
    if analyze {
        if tables.is_empty() {
            run("ANALYZE")?;
        }
        for t in tables {
            run(&format!("ANALYZE {}", sql::catalog::quote_sqlite(t)))?;
        }
    }
    Ok(())
}

/// The CREATE SCHEMA statement of a session or a worker in database `database`: PostgreSQL's
/// checks (the AUTHORIZATION role, CREATE on the database), the schema and its elements, and
/// its owner recorded (unless IF NOT EXISTS met an existing schema, which keeps its own).
/// Anything but `Utility::CreateSchema` creates nothing.
pub(crate) fn create_schema_statement(
    sql: &SqlConn,
    database: &str,
    user: &str,
    statement: &sql::plan::Utility,
) -> Result<Vec<Notice>, SpiError> {
    let sql::plan::Utility::CreateSchema {
        name,
        if_not_exists,
        elements,
        owner: authorization,
    } = statement
    else {
        return Ok(Vec::new());
    };
    let if_not_exists = *if_not_exists;
    let owner = crate::privileges::check_create_schema(database, authorization)?;
    let existed = sql
        .trusted(|c| crate::privileges::existing_schema(c, name))
        .is_some();
    let notices = create_schema(sql, name, user, if_not_exists, elements, owner)?;
    crate::privileges::after_create_schema(sql, name, owner, existed)?;
    Ok(notices)
}

/// CREATE SCHEMA with its elements (each analyzed once the schema exists), all-or-nothing.
/// The elements belong to `element_owner` (the schema's owner, as in PostgreSQL).
fn create_schema(
    sql: &SqlConn,
    name: &str,
    owner: &str,
    if_not_exists: bool,
    elements: &[sql::plan::SchemaElement],
    element_owner: u32,
) -> Result<Vec<Notice>, SpiError> {
    catalog::validate_schema_name(name)?;
    write_txn(sql, |sql| {
        let mut notices = Vec::new();
        let created =
            sql.trusted(|c| catalog::create_schema(c, name, owner, if_not_exists, &mut notices))?;
        if created {
            for element in elements {
                runtime::refresh_env();
                let catalog = DbCatalog::new(sql, owner);
                let plan = runtime::with_env(|env| {
                    sql::analyze_schema_element(element, name, &catalog, env)
                })?;
                match plan {
                    Plan::Ddl(ddl) => {
                        sql.auth.reset();
                        notices.extend(catalog::relations::run_ddl(sql, &ddl)?.0);
                        crate::privileges::after_element(sql, &ddl, element_owner)?;
                    }
                    Plan::Query(_) | Plan::Utility(_) | Plan::Copy(_) => {
                        return Err(SpiError::new(
                            crate::error::sqlstate::SYNTAX_ERROR,
                            "a CREATE SCHEMA element must be a CREATE TABLE, VIEW or INDEX",
                        ));
                    }
                }
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
        for name in names {
            // With CASCADE, what outside the schema depends on it goes first (foreign keys
            // referencing its tables, views reading its relations, defaults using its
            // sequences), so that dropping its tables runs no foreign key action.
            let deps = catalog::drop::outside_dependents(sql, name)?;
            if cascade {
                catalog::drop::drop_dependents(sql, &deps)?;
            }
            let also: Vec<(String, String)> = deps
                .iter()
                .map(|(d, on)| (d.describe(), on.clone()))
                .collect();
            sql.trusted(|c| {
                catalog::drop_schemas(
                    c,
                    std::slice::from_ref(name),
                    if_exists,
                    cascade,
                    &also,
                    &mut notices,
                )
            })?;
        }
        Ok(notices)
    })
}
