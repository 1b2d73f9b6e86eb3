//! A client session: one backend's connection to one database, with PostgreSQL's transaction
//! semantics layered over SQLite's.
//!
//! States ([`TxStatus`]) and moves:
//! - `Idle`: each statement is its own SQLite autocommit transaction. `BEGIN` → SQLite
//!   `BEGIN` (deferred) → `InBlock`. COMMIT/ROLLBACK here warn 25P01 and do nothing.
//! - `InBlock`: statements run inside SQLite's transaction. Any error → `Failed` (SQLite keeps
//!   the transaction open; minipg refuses everything but its end). COMMIT → `Idle` (a failed
//!   COMMIT rolls back and reports the error). BEGIN warns 25001.
//! - `Failed`: everything but COMMIT/ROLLBACK/ROLLBACK TO SAVEPOINT fails 25P02; COMMIT rolls
//!   back and is tagged `ROLLBACK`; ROLLBACK TO a savepoint returns to `InBlock`.
//!
//! A write that finds another process holding the write lock waits `busy_timeout` in
//! autocommit (then 55P03); inside a block any BUSY is 40001 serialization_failure, since a
//! deferred transaction that already read cannot wait its way out of the conflict.
//! SET inside a block is undone by ROLLBACK; SET LOCAL lasts until the block ends.
//!
//! Prepared statements are kept in a plan cache keyed by their text (see `plancache`): a plan
//! that names schema objects is used again only after reading SQLite's schema cookie in the
//! snapshot the statement is prepared in, so what a statement sees is what re-preparing it
//! would give. A block that changed the schema and then rolls back (fully or to a savepoint)
//! empties the cache, because the rolled-back cookie values can come back.
//!
//! Invariant: `tx` is `Idle` iff SQLite is in autocommit, except in `Failed` where SQLite may
//! already have rolled back on its own (I/O, BUSY, full disk) — the end of the block checks.
//! Never: shares its connection with another thread or process; uses a cached plan in a failed
//! block (it prepares as before and refuses).

use std::path::{Path, PathBuf};

use crate::connection::{OpenOptions, SqlConn, Trust};
use crate::datadir::{self, database_exists, database_path};
use crate::error::{SpiError, sqlstate};
use crate::exec::{self, SqlPlan};
use crate::hooks::hooks;
use crate::interrupt;
use crate::plancache::{PLAN_CACHE_SIZE, PlanCache, PrepareSnapshot, Validity, schema_cookie};
use crate::result::{Notice, QueryResult, TxStatus};
use crate::rewrite::{PgType, Statement, StatementKind, rewrite, split_statements};
use crate::settings::{self, SettingsUndo};
use crate::value::{Column, Value};

/// A prepared statement: rewritten, described, ready to execute any number of times.
#[derive(Debug, Clone)]
pub struct Prepared {
    sql: String,
    body: Body,
    columns: Vec<Column>,
    param_types: Vec<PgType>,
}

#[derive(Debug, Clone)]
enum Body {
    Empty,
    Sql(SqlPlan),
    Other(Statement),
}

impl Prepared {
    /// The result columns (empty for a statement that returns no rows).
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// Parameter types, `$1` first; unknown ones are reported as `text`.
    pub fn param_types(&self) -> &[PgType] {
        &self.param_types
    }

    /// An empty statement (EmptyQueryResponse).
    pub fn is_empty(&self) -> bool {
        matches!(self.body, Body::Empty)
    }

    /// The client's text.
    pub fn sql(&self) -> &str {
        &self.sql
    }

    /// Allowed in a failed transaction block.
    fn allowed_when_failed(&self) -> bool {
        matches!(
            self.body,
            Body::Empty
                | Body::Other(
                    Statement::Commit | Statement::Rollback | Statement::RollbackTo { .. }
                )
        )
    }
}

fn aborted() -> SpiError {
    SpiError::new(
        sqlstate::IN_FAILED_SQL_TRANSACTION,
        "current transaction is aborted, commands ignored until end of transaction block",
    )
}

fn quote_name(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn pg_type_for_oid(oid: u32) -> Option<PgType> {
    use PgType::*;
    [
        Bool,
        Bytea,
        Int2,
        Int4,
        Int8,
        Float4,
        Float8,
        Numeric,
        Text,
        Varchar,
        Date,
        Timestamp,
        Timestamptz,
    ]
    .into_iter()
    .find(|t| t.oid() == oid)
}

/// One client's session.
pub struct Session {
    data_dir: PathBuf,
    database: String,
    user: String,
    sql: SqlConn,
    tx: TxStatus,
    savepoints: Vec<String>,
    /// Rows changed in the open block, reported to `note_writes` at COMMIT.
    block_writes: u64,
    undo: SettingsUndo,
    /// The block is the implicit one of a multi-statement simple query: lock conflicts are
    /// treated as in autocommit (wait, then 55P03), not as a serialization failure.
    implicit: bool,
    /// A client `BEGIN` (or an implicit block) whose SQLite transaction is not open yet: it
    /// opens at the first statement that touches the database, as `BEGIN IMMEDIATE` when that
    /// statement writes. So a block whose first statement writes never gets a read snapshot
    /// first (which would make its write fail with SQLITE_BUSY_SNAPSHOT, i.e. 40001), and the
    /// catalog reads of `prepare` happen outside it.
    pending_begin: bool,
    /// Rewritten and described statements by text.
    plans: PlanCache<Prepared>,
    /// The open block ran a statement that may have changed the schema: a rollback must empty
    /// `plans` (the cookie values it stamped plans with can be reached again by other DDL).
    schema_changed_in_block: bool,
}

impl Session {
    /// Connects to `database` (3D000 FATAL when it does not exist).
    pub fn open(
        data_dir: &Path,
        database: &str,
        user: &str,
        opts: OpenOptions,
    ) -> Result<Session, SpiError> {
        datadir::require_database(data_dir, database)?;
        let path = database_path(data_dir, database);
        let sql =
            SqlConn::open(&path, database, user, &opts, Trust::Client, false).map_err(|e| {
                SpiError {
                    severity: crate::error::Severity::Fatal,
                    ..e
                }
            })?;
        Ok(Session {
            data_dir: data_dir.to_path_buf(),
            database: database.to_string(),
            user: user.to_string(),
            sql,
            tx: TxStatus::Idle,
            savepoints: Vec::new(),
            block_writes: 0,
            undo: SettingsUndo::default(),
            implicit: false,
            pending_begin: false,
            plans: PlanCache::new(PLAN_CACHE_SIZE),
            schema_changed_in_block: false,
        })
    }

    pub fn database(&self) -> &str {
        &self.database
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    /// ReadyForQuery's status.
    pub fn transaction_status(&self) -> TxStatus {
        self.tx
    }

    /// Changes how long a statement waits for another process's write lock.
    pub fn set_busy_timeout(&self, timeout: std::time::Duration) {
        self.sql.set_busy_timeout(timeout);
    }

    /// Rewrites and describes ONE statement (the wire layer splits simple queries).
    pub fn prepare(&mut self, sql: &str) -> Result<Prepared, SpiError> {
        self.prepare_typed(sql, &[])
    }

    /// [`prepare`](Self::prepare) with Parse's parameter type OIDs (0 = unspecified).
    pub fn prepare_typed(&mut self, sql: &str, param_oids: &[u32]) -> Result<Prepared, SpiError> {
        let result = self.prepare_inner(sql, param_oids);
        if result.is_err() && self.tx == TxStatus::InBlock {
            self.tx = TxStatus::Failed;
        }
        result
    }

    fn prepare_inner(&mut self, sql: &str, param_oids: &[u32]) -> Result<Prepared, SpiError> {
        if self.tx != TxStatus::Failed {
            let conn = &self.sql;
            if let Some(cached) = self.plans.get(sql, param_oids, || schema_cookie(conn)) {
                return Ok(cached);
            }
        }
        // The rewriter's catalog look-ups, SQLite's prepare and the cookie the plan is stamped
        // with all come from one snapshot.
        let mut snapshot = PrepareSnapshot::new(&self.sql, sql);
        let mut asked_catalog = false;
        let statement = {
            let conn = &self.sql.conn;
            let mut is_schema = |name: &str| {
                asked_catalog = true;
                snapshot.open();
                crate::catalog::is_schema(conn, name)
            };
            rewrite(sql, &mut is_schema)?
        };
        let mut prepared = Prepared {
            sql: sql.to_string(),
            body: Body::Empty,
            columns: Vec::new(),
            param_types: Vec::new(),
        };
        let is_control = matches!(
            statement,
            Statement::Empty
                | Statement::Commit
                | Statement::Rollback
                | Statement::RollbackTo { .. }
        );
        if self.tx == TxStatus::Failed && !is_control {
            return Err(aborted());
        }
        match statement {
            Statement::Empty => {}
            Statement::Sql {
                sqlite,
                kind,
                returning,
                tag,
                param_count,
                param_types,
                result_types,
            } => {
                snapshot.open();
                let plan = exec::describe(
                    &self.sql,
                    &sqlite,
                    kind,
                    returning,
                    &tag,
                    param_count,
                    &param_types,
                    &result_types,
                )
                .map_err(|e| client_position(e, sql, &sqlite))?;
                prepared.columns = plan.columns.clone();
                prepared.param_types = plan.param_types.clone();
                prepared.body = Body::Sql(plan);
            }
            Statement::Show { ref name } => {
                prepared.columns = settings::show_columns(name);
                prepared.body = Body::Other(statement);
            }
            other => prepared.body = Body::Other(other),
        }
        if prepared.param_types.len() < param_oids.len() {
            prepared
                .param_types
                .resize(param_oids.len(), PgType::Unknown);
        }
        for (slot, oid) in prepared.param_types.iter_mut().zip(param_oids) {
            if let Some(t) = pg_type_for_oid(*oid) {
                *slot = t;
            }
        }
        for slot in &mut prepared.param_types {
            if *slot == PgType::Unknown {
                *slot = PgType::Text;
            }
        }
        let cookie = snapshot.cookie();
        snapshot.finish()?;
        if let Body::Sql(plan) = &mut prepared.body {
            plan.param_types = prepared.param_types.clone();
            if let Some(cookie) = cookie {
                let validity = Validity::of(cookie, asked_catalog, plan.depends_on_schema);
                self.plans
                    .insert(sql, param_oids, prepared.clone(), validity);
            }
        }
        Ok(prepared)
    }

    /// Runs a prepared statement, buffering all its rows.
    pub fn execute(&mut self, stmt: &Prepared, params: &[Value]) -> Result<QueryResult, SpiError> {
        if interrupt::terminate_pending() {
            interrupt::check()?;
        }
        if self.tx == TxStatus::Failed && !stmt.allowed_when_failed() {
            return Err(aborted());
        }
        let result = self.dispatch(stmt, params);
        if result.is_err() && self.tx == TxStatus::InBlock {
            self.tx = TxStatus::Failed;
        }
        result
    }

    /// Splits, prepares and executes each statement of a simple query, stopping after the
    /// first error. An empty string gives one empty result (EmptyQueryResponse).
    ///
    /// As in PostgreSQL, several statements sent outside a transaction block run in one
    /// implicit transaction: an error rolls back the ones before it. (When the query itself
    /// contains transaction control, CREATE/DROP DATABASE or DISCARD, each statement commits on
    /// its own instead.)
    pub fn simple_query(&mut self, sql: &str) -> Vec<Result<QueryResult, SpiError>> {
        let statements = split_statements(sql);
        if statements.is_empty() {
            return vec![Ok(QueryResult::tag(""))];
        }
        let implicit = statements.len() > 1
            && self.tx == TxStatus::Idle
            && statements.iter().all(|s| self.fits_implicit_block(s));
        if implicit {
            self.pending_begin = true;
            self.tx = TxStatus::InBlock;
            self.implicit = true;
        }
        let mut results = Vec::with_capacity(statements.len());
        for text in statements {
            let result = self.prepare(&text).and_then(|p| self.execute(&p, &[]));
            let failed = result.is_err();
            results.push(result);
            if failed {
                break;
            }
        }
        if implicit {
            self.implicit = false;
            let failed = results.last().is_some_and(Result::is_err);
            if failed {
                self.abort_if_in_transaction();
            } else {
                let writes = self.block_writes;
                match self.commit_sqlite() {
                    Ok(()) => {
                        self.end_block(true);
                        if writes > 0 {
                            hooks().note_writes(&self.database, writes);
                        }
                    }
                    Err(e) => {
                        self.abort_if_in_transaction();
                        results.push(Err(e));
                    }
                }
            }
        }
        results
    }

    /// Can `text` run inside an implicit transaction block? (Classification only: the
    /// rewriter's answer does not depend on the catalog for this.)
    fn fits_implicit_block(&self, text: &str) -> bool {
        let mut is_schema = exec::schema_lookup(&self.sql.conn);
        matches!(
            rewrite(text, &mut is_schema),
            Ok(Statement::Empty
                | Statement::Sql { .. }
                | Statement::CreateSchema { .. }
                | Statement::DropSchema { .. }
                | Statement::Set { .. }
                | Statement::Reset { .. }
                | Statement::Show { .. })
        )
    }

    /// An error found outside SQL execution (a bad Bind, an unknown portal) inside a
    /// transaction block aborts the block, as any error does in PostgreSQL.
    pub fn fail_transaction_block(&mut self) {
        if self.tx == TxStatus::InBlock {
            self.tx = TxStatus::Failed;
        }
    }

    /// Connection loss or FATAL: roll back whatever is open.
    pub fn abort_if_in_transaction(&mut self) {
        if !self.sql.conn.is_autocommit() {
            let _ = self.sql.trusted(|c| c.execute_batch("ROLLBACK"));
        }
        self.end_block(false);
    }

    /// Opens the SQLite transaction of a client block that has none yet.
    fn ensure_begun(&mut self, writes: bool) -> Result<(), SpiError> {
        if self.pending_begin && self.tx != TxStatus::Idle {
            self.run_trusted(if writes { "BEGIN IMMEDIATE" } else { "BEGIN" })?;
            self.pending_begin = false;
        }
        Ok(())
    }

    /// COMMIT of the SQLite transaction, if one was opened.
    fn commit_sqlite(&mut self) -> Result<(), SpiError> {
        if self.sql.conn.is_autocommit() {
            return Ok(());
        }
        self.run_trusted("COMMIT")
    }

    fn end_block(&mut self, committed: bool) {
        if !committed && self.schema_changed_in_block {
            self.plans.clear();
        }
        self.schema_changed_in_block = false;
        self.pending_begin = false;
        if self.tx != TxStatus::Idle {
            self.undo.finish(committed);
        }
        self.tx = TxStatus::Idle;
        self.savepoints.clear();
        self.block_writes = 0;
    }

    fn run_trusted(&self, sql: &str) -> Result<(), SpiError> {
        self.sql
            .trusted(|c| c.execute_batch(sql))
            .map_err(|e| exec::client_error(&self.sql, e, self.tx != TxStatus::Idle))
    }

    fn dispatch(&mut self, stmt: &Prepared, params: &[Value]) -> Result<QueryResult, SpiError> {
        let in_block = self.tx != TxStatus::Idle;
        let statement = match &stmt.body {
            Body::Empty => return Ok(QueryResult::tag("")),
            Body::Sql(plan) => return self.run_sql(plan, params),
            Body::Other(s) => s,
        };
        let touches_database = !matches!(
            statement,
            Statement::Begin { .. }
                | Statement::Commit
                | Statement::Rollback
                | Statement::Release { .. }
                | Statement::RollbackTo { .. }
                | Statement::Set { .. }
                | Statement::Reset { .. }
                | Statement::Show { .. }
                | Statement::Discard
        );
        if in_block && touches_database {
            let writes = !matches!(statement, Statement::Savepoint { .. });
            self.ensure_begun(writes)?;
        }
        match statement {
            Statement::Begin { sqlite } => {
                if in_block {
                    return Ok(QueryResult::tag("BEGIN").with_notices(vec![Notice::warning(
                        sqlstate::ACTIVE_SQL_TRANSACTION,
                        "there is already a transaction in progress",
                    )]));
                }
                let _ = sqlite;
                self.pending_begin = true;
                self.tx = TxStatus::InBlock;
                Ok(QueryResult::tag("BEGIN"))
            }
            Statement::Commit => match self.tx {
                TxStatus::Idle => Ok(QueryResult::tag("COMMIT").with_notices(vec![no_tx()])),
                TxStatus::Failed => {
                    self.abort_if_in_transaction();
                    Ok(QueryResult::tag("ROLLBACK"))
                }
                TxStatus::InBlock => {
                    let writes = self.block_writes;
                    if let Err(e) = self.commit_sqlite() {
                        self.abort_if_in_transaction();
                        return Err(e);
                    }
                    self.end_block(true);
                    if writes > 0 {
                        hooks().note_writes(&self.database, writes);
                    }
                    Ok(QueryResult::tag("COMMIT"))
                }
            },
            Statement::Rollback => {
                if !in_block {
                    return Ok(QueryResult::tag("ROLLBACK").with_notices(vec![no_tx()]));
                }
                self.abort_if_in_transaction();
                Ok(QueryResult::tag("ROLLBACK"))
            }
            Statement::Savepoint { name } => {
                if !in_block {
                    return Err(outside_block("SAVEPOINT"));
                }
                self.run_trusted(&format!("SAVEPOINT {}", quote_name(name)))?;
                self.savepoints.push(name.clone());
                Ok(QueryResult::tag("SAVEPOINT"))
            }
            Statement::Release { name } => {
                if !in_block {
                    return Err(outside_block("RELEASE SAVEPOINT"));
                }
                let at = self.find_savepoint(name)?;
                self.run_trusted(&format!("RELEASE {}", quote_name(name)))?;
                self.savepoints.truncate(at);
                Ok(QueryResult::tag("RELEASE"))
            }
            Statement::RollbackTo { name } => {
                if !in_block {
                    return Err(outside_block("ROLLBACK TO SAVEPOINT"));
                }
                let at = self.find_savepoint(name)?;
                if self.sql.conn.is_autocommit() {
                    // SQLite already rolled the whole transaction back (I/O error, BUSY…).
                    return Err(missing_savepoint(name));
                }
                self.run_trusted(&format!("ROLLBACK TO {}", quote_name(name)))?;
                if self.schema_changed_in_block {
                    self.plans.clear();
                }
                self.savepoints.truncate(at + 1);
                self.tx = TxStatus::InBlock;
                Ok(QueryResult::tag("ROLLBACK"))
            }
            Statement::CreateSchema {
                name,
                if_not_exists,
                elements,
            } => {
                let notices =
                    exec::create_schema(&self.sql, name, &self.user, *if_not_exists, elements)?;
                self.note_ddl();
                Ok(QueryResult::tag("CREATE SCHEMA").with_notices(notices))
            }
            Statement::DropSchema {
                names,
                if_exists,
                cascade,
            } => {
                let notices = exec::drop_schemas(&self.sql, names, *if_exists, *cascade)?;
                self.note_ddl();
                Ok(QueryResult::tag("DROP SCHEMA").with_notices(notices))
            }
            Statement::Set { name, value, local } => {
                let notices =
                    settings::set(name, value.as_deref(), *local, in_block, &mut self.undo)?;
                Ok(QueryResult::tag("SET").with_notices(notices))
            }
            Statement::Reset { name } => {
                settings::reset(name.as_deref(), in_block, &mut self.undo)?;
                Ok(QueryResult::tag("RESET"))
            }
            Statement::Discard => {
                if in_block {
                    return Err(inside_block("DISCARD ALL"));
                }
                settings::reset(None, false, &mut self.undo)?;
                Ok(QueryResult::tag("DISCARD ALL"))
            }
            Statement::Show { name } => {
                let (columns, rows) = settings::show(name)?;
                Ok(QueryResult {
                    columns,
                    rows,
                    tag: "SHOW".into(),
                    notices: Vec::new(),
                })
            }
            Statement::CreateDatabase { name } => {
                if in_block {
                    return Err(inside_block("CREATE DATABASE"));
                }
                datadir::create_database(&self.data_dir, name)?;
                Ok(QueryResult::tag("CREATE DATABASE"))
            }
            Statement::DropDatabase { name, if_exists } => {
                if in_block {
                    return Err(inside_block("DROP DATABASE"));
                }
                if *name == self.database {
                    return Err(SpiError::new(
                        sqlstate::OBJECT_IN_USE,
                        "cannot drop the currently open database",
                    ));
                }
                let mut notices = Vec::new();
                if *if_exists && !database_exists(&self.data_dir, name) {
                    notices.push(Notice::notice(
                        "00000",
                        format!("database \"{name}\" does not exist, skipping"),
                    ));
                } else {
                    datadir::drop_database(&self.data_dir, name, *if_exists)?;
                }
                Ok(QueryResult::tag("DROP DATABASE").with_notices(notices))
            }
            // Variants the rewriter may add later: refuse rather than guess.
            #[allow(unreachable_patterns)]
            _ => Err(SpiError::new(
                sqlstate::FEATURE_NOT_SUPPORTED,
                "this statement is not supported",
            )),
        }
    }

    /// A schema DDL committed on its own (autocommit) counts as a write for autovacuum.
    fn note_ddl(&mut self) {
        if self.tx == TxStatus::Idle {
            hooks().note_writes(&self.database, 1);
        } else {
            self.block_writes += 1;
            self.schema_changed_in_block = true;
        }
    }

    fn find_savepoint(&self, name: &str) -> Result<usize, SpiError> {
        self.savepoints
            .iter()
            .rposition(|s| s == name)
            .ok_or_else(|| missing_savepoint(name))
    }

    fn run_sql(&mut self, plan: &SqlPlan, params: &[Value]) -> Result<QueryResult, SpiError> {
        let in_block = self.tx != TxStatus::Idle;
        if in_block {
            self.ensure_begun(!plan.readonly)?;
        }
        if in_block && may_change_schema(plan) {
            self.schema_changed_in_block = true;
        }
        let out = exec::run(&self.sql, plan, params, 0, in_block && !self.implicit)?;
        if !plan.readonly {
            let rows = out.changes.max(1);
            if in_block {
                self.block_writes += rows;
            } else {
                hooks().note_writes(&self.database, rows);
            }
        }
        let tag = command_tag(
            plan,
            out.rows.len() as u64,
            out.changes,
            !out.columns.is_empty(),
        );
        Ok(QueryResult {
            columns: out.columns,
            rows: out.rows,
            tag,
            notices: Vec::new(),
        })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.abort_if_in_transaction();
    }
}

/// Whether running `plan` may change SQLite's schema (DDL): anything that writes other than
/// INSERT/UPDATE/DELETE.
pub(crate) fn may_change_schema(plan: &SqlPlan) -> bool {
    plan.batch
        || (!plan.readonly
            && !matches!(
                plan.kind,
                StatementKind::Insert | StatementKind::Update | StatementKind::Delete
            ))
}

/// CommandComplete's tag for a plain SQL statement.
pub(crate) fn command_tag(plan: &SqlPlan, returned: u64, changes: u64, has_rows: bool) -> String {
    let affected = if plan.returning { returned } else { changes };
    match plan.kind {
        StatementKind::Insert => format!("INSERT 0 {affected}"),
        StatementKind::Update => format!("UPDATE {affected}"),
        StatementKind::Delete => format!("DELETE {affected}"),
        StatementKind::Select | StatementKind::Values => format!("SELECT {returned}"),
        StatementKind::Other if plan.tag.is_empty() || plan.tag == "SELECT" => {
            if has_rows {
                format!("SELECT {returned}")
            } else {
                "OK".to_string()
            }
        }
        StatementKind::Other => plan.tag.clone(),
    }
}

/// SQLite reports a byte offset into the text it was given; PostgreSQL a 1-based character
/// position in the client's text. Keep it only when the two texts are the same.
fn client_position(mut e: SpiError, client: &str, sqlite: &str) -> SpiError {
    e.position = match e.position {
        Some(byte_pos) if client == sqlite => client
            .get(..byte_pos.saturating_sub(1))
            .map(|prefix| prefix.chars().count() + 1),
        _ => None,
    };
    e
}

fn no_tx() -> Notice {
    Notice::warning(
        sqlstate::NO_ACTIVE_SQL_TRANSACTION,
        "there is no transaction in progress",
    )
}

fn outside_block(what: &str) -> SpiError {
    SpiError::new(
        sqlstate::NO_ACTIVE_SQL_TRANSACTION,
        format!("{what} can only be used in transaction blocks"),
    )
}

fn inside_block(what: &str) -> SpiError {
    SpiError::new(
        sqlstate::ACTIVE_SQL_TRANSACTION,
        format!("{what} cannot run inside a transaction block"),
    )
}

fn missing_savepoint(name: &str) -> SpiError {
    SpiError::new(
        sqlstate::INVALID_SAVEPOINT_SPECIFICATION,
        format!("savepoint \"{name}\" does not exist"),
    )
}

#[cfg(test)]
mod tests;
