//! The worker SPI: how a background worker runs SQL, with PostgreSQL's names
//! (`StartTransactionCommand`, `SPI_connect`, `SPI_execute`, `SPI_processed`, `SPI_tuptable`,
//! `SPI_finish`, `CommitTransactionCommand`).
//!
//! State: one process-global connection (`WORKER`), opened by [`worker_connect`] after fork —
//! a worker is one process with one database connection, as in PostgreSQL. The lock around it
//! is taken only for the duration of a call, never across user code.
//! Transactions: [`start_transaction_command`] issues `BEGIN IMMEDIATE`, so a worker's
//! read-then-write (the counter fold) never meets SQLITE_BUSY_SNAPSHOT; waiting for another
//! writer is bounded by `busy_timeout`, after which the error is 55P03 and the worker is
//! expected to log a WARNING and try again next turn. [`start_read_only_transaction_command`]
//! issues a deferred `BEGIN` instead and refuses every write (25006): it never waits for the
//! write lock nor makes a writer wait, for a worker that looks before it writes.
//! Left out on purpose: snapshots (`PushActiveSnapshot`/`PopActiveSnapshot`) — SQLite's read
//! transaction is the snapshot, taken by the transaction itself; `SPI_getbinval`'s tuple
//! descriptors — [`TupleTable::get`] is typed instead.
//! Plans: the connection keeps rewritten and described statements by text (`plancache`); a
//! worker's statements always run inside its transaction, so checking a plan's schema cookie
//! costs no I/O. A transaction that changed the schema and is rolled back empties the cache.
//! Never: runs transaction control from SQL text (BEGIN/COMMIT in `execute` fail 0A000).

use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use sql::plan::{Command, Plan, Utility};
use sql::{Statements, Type};

use crate::connection::{OpenOptions, SqlConn, Trust};
use crate::datadir::{self, database_path};
use crate::error::{Severity, SpiError, sqlstate};
use crate::exec;
use crate::plancache::{PLAN_CACHE_SIZE, PlanCache, Validity, schema_cookie};
use crate::result::QueryResult;
use crate::settings::{self, SettingsUndo};
use crate::value::{Column, Value};

struct WorkerConn {
    sql: SqlConn,
    data_dir: PathBuf,
    database: String,
    user: String,
    in_transaction: bool,
    /// The open transaction began with [`start_read_only_transaction_command`].
    read_only: bool,
    writes: u64,
    /// Described plain-SQL statements by text.
    plans: PlanCache<Plan>,
    /// The open transaction ran DDL: rolling it back must empty `plans`.
    schema_changed: bool,
}

impl WorkerConn {
    /// Ends the transaction's bookkeeping; after a rollback that undid DDL, forgets the plans.
    fn end_transaction(&mut self, committed: bool) {
        self.sql.notify.finish(&self.database, committed);
        self.plans
            .end_transaction(committed, &mut self.schema_changed);
        self.in_transaction = false;
        self.read_only = false;
        self.writes = 0;
    }
}

static WORKER: Mutex<Option<WorkerConn>> = Mutex::new(None);

fn worker() -> MutexGuard<'static, Option<WorkerConn>> {
    WORKER.lock().unwrap_or_else(|p| p.into_inner())
}

fn not_connected() -> SpiError {
    SpiError::internal("this process has no database connection (call worker_connect first)")
}

/// `BackgroundWorkerInitializeConnection`: opens this process's database connection.
/// A missing database is FATAL 3D000.
pub fn worker_connect(
    data_dir: &Path,
    database: &str,
    user: &str,
    opts: OpenOptions,
) -> Result<(), SpiError> {
    datadir::require_database(data_dir, database)?;
    let mut guard = worker();
    if guard.is_some() {
        return Err(SpiError::internal(
            "this process is already connected to a database",
        ));
    }
    let sql = SqlConn::open(
        &database_path(data_dir, database),
        database,
        user,
        &opts,
        Trust::Client,
        false,
    )
    .map_err(|e| SpiError {
        severity: Severity::Fatal,
        ..e
    })?;
    *guard = Some(WorkerConn {
        sql,
        data_dir: data_dir.to_path_buf(),
        database: database.to_string(),
        user: user.to_string(),
        in_transaction: false,
        read_only: false,
        writes: 0,
        plans: PlanCache::new(PLAN_CACHE_SIZE),
        schema_changed: false,
    });
    Ok(())
}

/// The database this process is connected to, if any.
pub fn worker_database() -> Option<String> {
    worker().as_ref().map(|w| w.database.clone())
}

/// `StartTransactionCommand`: `BEGIN IMMEDIATE` (takes the write lock now, waiting up to
/// `busy_timeout`; 55P03 when another process holds it longer).
pub fn start_transaction_command() -> Result<(), SpiError> {
    begin(false)
}

/// A read-only transaction: a deferred `BEGIN`, so it neither takes nor waits for the write
/// lock (writers go on meanwhile; its statements see the snapshot its first one took), and
/// every statement that would write is refused with 25006. For a worker that looks before it
/// writes, so that looking costs the database's writers nothing.
pub fn start_read_only_transaction_command() -> Result<(), SpiError> {
    begin(true)
}

fn begin(read_only: bool) -> Result<(), SpiError> {
    let mut guard = worker();
    let w = guard.as_mut().ok_or_else(not_connected)?;
    if w.in_transaction {
        return Err(SpiError::new(
            sqlstate::ACTIVE_SQL_TRANSACTION,
            "there is already a transaction in progress",
        ));
    }
    w.sql
        .begin(!read_only)
        .map_err(|e| exec::client_error(&w.sql, e, false))?;
    crate::runtime::start_transaction_clock();
    w.in_transaction = true;
    w.read_only = read_only;
    w.writes = 0;
    Ok(())
}

/// `CommitTransactionCommand`: commits; on failure the transaction is rolled back and the
/// error returned.
pub fn commit_transaction_command() -> Result<(), SpiError> {
    let mut guard = worker();
    let w = guard.as_mut().ok_or_else(not_connected)?;
    if !w.in_transaction {
        return Err(SpiError::new(
            sqlstate::NO_ACTIVE_SQL_TRANSACTION,
            "there is no transaction in progress",
        ));
    }
    let writes = w.writes;
    if let Err(e) = w.sql.trusted(|c| c.execute_batch("COMMIT")) {
        let err = exec::client_error(&w.sql, e, false);
        w.sql.rollback_all();
        w.end_transaction(false);
        return Err(err);
    }
    w.sql.committed();
    w.end_transaction(true);
    if writes > 0 {
        crate::hooks::note_commit(&w.database, writes);
    }
    Ok(())
}

/// `AbortCurrentTransaction`: rolls back whatever is open; never fails loudly.
pub fn abort_current_transaction() {
    let mut guard = worker();
    if let Some(w) = guard.as_mut() {
        // Sequence advances survive, as in PostgreSQL (see `catalog::sequence`).
        w.sql.rollback_all();
        w.end_transaction(false);
    }
}

/// PostgreSQL's `SPI_OK_*` result codes that minipg can produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpiOk {
    Utility,
    Select,
    Insert,
    Delete,
    Update,
    InsertReturning,
    DeleteReturning,
    UpdateReturning,
}

impl SpiOk {
    /// PostgreSQL's number for the code.
    pub fn code(self) -> i32 {
        match self {
            SpiOk::Utility => 4,
            SpiOk::Select => 5,
            SpiOk::Insert => 7,
            SpiOk::Delete => 8,
            SpiOk::Update => 9,
            SpiOk::InsertReturning => 11,
            SpiOk::DeleteReturning => 12,
            SpiOk::UpdateReturning => 13,
        }
    }
}

/// `SPI_tuptable`: the rows of the last `execute`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TupleTable {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
}

/// A Rust type a [`TupleTable`] value converts to.
pub trait FromValue: Sized {
    fn from_value(v: &Value) -> Result<Self, SpiError>;
}

fn conversion_error(v: &Value, target: &str) -> SpiError {
    let shown = match v {
        Value::Null => "NULL".to_string(),
        Value::Int(i) => format!("integer {i}"),
        Value::Float(f) => format!("float {f}"),
        Value::Text(t) => format!("text {}", crate::quote_literal(t)),
        Value::Bytes(b) => format!("bytes of length {}", b.len()),
    };
    SpiError::new(
        sqlstate::DATATYPE_MISMATCH,
        format!("cannot convert {shown} to {target}"),
    )
}

impl FromValue for i64 {
    fn from_value(v: &Value) -> Result<Self, SpiError> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e18 =>
            {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "checked integral and in range"
                )]
                Ok(*f as i64)
            }
            Value::Text(s) => s.trim().parse().map_err(|_| {
                SpiError::new(
                    sqlstate::INVALID_TEXT_REPRESENTATION,
                    format!("invalid input syntax for type bigint: \"{s}\""),
                )
            }),
            other => Err(conversion_error(other, "bigint")),
        }
    }
}

impl FromValue for i32 {
    fn from_value(v: &Value) -> Result<Self, SpiError> {
        let wide = i64::from_value(v)?;
        i32::try_from(wide).map_err(|_| {
            SpiError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, "integer out of range")
        })
    }
}

impl FromValue for f64 {
    fn from_value(v: &Value) -> Result<Self, SpiError> {
        match v {
            Value::Float(f) => Ok(*f),
            #[expect(clippy::cast_precision_loss, reason = "as PostgreSQL's int8 → float8")]
            Value::Int(i) => Ok(*i as f64),
            Value::Text(s) => s.trim().parse().map_err(|_| {
                SpiError::new(
                    sqlstate::INVALID_TEXT_REPRESENTATION,
                    format!("invalid input syntax for type double precision: \"{s}\""),
                )
            }),
            other => Err(conversion_error(other, "double precision")),
        }
    }
}

impl FromValue for String {
    fn from_value(v: &Value) -> Result<Self, SpiError> {
        match v {
            Value::Bytes(b) => {
                String::from_utf8(b.clone()).map_err(|_| conversion_error(v, "text"))
            }
            Value::Int(i) => Ok(i.to_string()),
            Value::Float(f) => {
                Ok(crate::value::output(sql::Type::FLOAT8, &Value::Float(*f)).unwrap_or_default())
            }
            Value::Text(s) => Ok(s.clone()),
            Value::Null => Ok(String::new()),
        }
    }
}

impl FromValue for bool {
    fn from_value(v: &Value) -> Result<Self, SpiError> {
        match v {
            Value::Int(i) => Ok(*i != 0),
            Value::Text(s) => crate::value::parse_bool(s).ok_or_else(|| {
                SpiError::new(
                    sqlstate::INVALID_TEXT_REPRESENTATION,
                    format!("invalid input syntax for type boolean: \"{s}\""),
                )
            }),
            other => Err(conversion_error(other, "boolean")),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: &Value) -> Result<Self, SpiError> {
        match v {
            Value::Bytes(b) => Ok(b.clone()),
            Value::Text(s) => Ok(s.as_bytes().to_vec()),
            other => Err(conversion_error(other, "bytea")),
        }
    }
}

impl TupleTable {
    /// The value at `row`, `col` (both 0-based); `None` for NULL.
    pub fn get<T: FromValue>(&self, row: usize, col: usize) -> Result<Option<T>, SpiError> {
        let value = self.rows.get(row).and_then(|r| r.get(col)).ok_or_else(|| {
            SpiError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                format!(
                    "no value at row {row}, column {col} (the table has {} rows, {} columns)",
                    self.rows.len(),
                    self.columns.len()
                ),
            )
        })?;
        if value.is_null() {
            return Ok(None);
        }
        T::from_value(value).map(Some)
    }

    /// The column's 0-based index by name (`SPI_fnumber`).
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// `SPI_connect` … `SPI_finish`: runs statements inside the current transaction.
/// Not `Send`: it belongs to the worker's one thread.
#[derive(Debug)]
pub struct SpiClient {
    processed: u64,
    tuptable: TupleTable,
    _not_send: PhantomData<*const ()>,
}

/// `SPI_connect`: requires a transaction started with [`start_transaction_command`].
pub fn connect() -> Result<SpiClient, SpiError> {
    let guard = worker();
    let w = guard.as_ref().ok_or_else(not_connected)?;
    if !w.in_transaction {
        return Err(SpiError::new(
            sqlstate::NO_ACTIVE_SQL_TRANSACTION,
            "SPI_connect requires a transaction (call start_transaction_command first)",
        ));
    }
    Ok(SpiClient {
        processed: 0,
        tuptable: TupleTable::default(),
        _not_send: PhantomData,
    })
}

impl SpiClient {
    /// Runs a query that only reads (a write is refused with 25006) with `$n` parameters
    /// `args`; its rows are the result.
    pub fn select(&mut self, sql: &str, args: &[Value]) -> Result<&TupleTable, SpiError> {
        self.execute_with_args(sql, args, true, 0)?;
        Ok(&self.tuptable)
    }

    /// Runs a statement that may write, with `$n` parameters `args`; the result is its rows
    /// (`RETURNING`, or a query's), empty otherwise. [`processed`](Self::processed) counts
    /// the rows it touched.
    pub fn run(&mut self, sql: &str, args: &[Value]) -> Result<&TupleTable, SpiError> {
        self.execute_with_args(sql, args, false, 0)?;
        Ok(&self.tuptable)
    }

    /// `SPI_execute`: runs `sql` (one or more statements; the last one's result is kept).
    /// `read_only` refuses statements that write (25006); `count` caps the rows kept (0 = all).
    pub fn execute(&mut self, sql: &str, read_only: bool, count: u64) -> Result<SpiOk, SpiError> {
        self.execute_with_args(sql, &[], read_only, count)
    }

    /// `SPI_execute_with_args`: as [`execute`](Self::execute) with `$n` parameters.
    pub fn execute_with_args(
        &mut self,
        sql: &str,
        args: &[Value],
        read_only: bool,
        count: u64,
    ) -> Result<SpiOk, SpiError> {
        self.processed = 0;
        self.tuptable = TupleTable::default();
        let mut guard = worker();
        let w = guard.as_mut().ok_or_else(not_connected)?;
        if !w.in_transaction {
            return Err(SpiError::new(
                sqlstate::NO_ACTIVE_SQL_TRANSACTION,
                "SPI_execute called outside a transaction",
            ));
        }
        let plans = match w.plans.get(sql, &[], || schema_cookie(&w.sql)) {
            Some(plan) => vec![plan],
            None => prepare(w, sql, args)?,
        };
        let mut last = SpiOk::Utility;
        let read_only = read_only || w.read_only;
        for plan in &plans {
            last = self.run_plan(w, plan, args, read_only, count)?;
        }
        Ok(last)
    }

    fn run_plan(
        &mut self,
        w: &mut WorkerConn,
        plan: &Plan,
        args: &[Value],
        read_only: bool,
        count: u64,
    ) -> Result<SpiOk, SpiError> {
        match plan {
            Plan::Query(q) => {
                if read_only && q.writes() {
                    return Err(read_only_refusal(match q.command {
                        Command::Insert => "INSERT",
                        Command::Update => "UPDATE",
                        Command::Delete => "DELETE",
                        Command::Select => "SELECT",
                    }));
                }
                let mut rows = Vec::new();
                let processed = exec::run_query(&w.sql, q, args, count, false, &mut |row| {
                    rows.push(row);
                    Ok(())
                })?;
                if q.writes() {
                    w.writes += processed.max(1);
                }
                let returning = q.returns_rows();
                let code = match (q.command, returning) {
                    (Command::Select, _) => SpiOk::Select,
                    (Command::Insert, false) => SpiOk::Insert,
                    (Command::Insert, true) => SpiOk::InsertReturning,
                    (Command::Update, false) => SpiOk::Update,
                    (Command::Update, true) => SpiOk::UpdateReturning,
                    (Command::Delete, false) => SpiOk::Delete,
                    (Command::Delete, true) => SpiOk::DeleteReturning,
                };
                self.processed = processed;
                self.tuptable = TupleTable {
                    columns: q.columns.clone(),
                    rows,
                };
                Ok(code)
            }
            Plan::Ddl(ddl) => {
                if read_only {
                    return Err(read_only_refusal(ddl.tag()));
                }
                let (notices, _) = exec::run_ddl(&w.sql, ddl)?;
                log_notices(&QueryResult::default().with_notices(notices));
                w.writes += 1;
                w.schema_changed = true;
                Ok(SpiOk::Utility)
            }
            Plan::Utility(u) => self.utility(w, u, read_only),
            Plan::Copy(_) => Err(crate::result::no_copy_client()),
        }
    }

    /// Utility commands: schemas and settings; no transaction control (the worker's
    /// transaction is its own, begun and ended through the API).
    fn utility(
        &mut self,
        w: &mut WorkerConn,
        u: &Utility,
        read_only: bool,
    ) -> Result<SpiOk, SpiError> {
        match u {
            Utility::CreateSchema { .. } => {
                if read_only {
                    return Err(read_only_refusal("CREATE SCHEMA"));
                }
                let notices = exec::create_schema_statement(&w.sql, &w.database, &w.user, u)?;
                log_notices(&QueryResult::default().with_notices(notices));
                w.writes += 1;
                w.schema_changed = true;
                Ok(SpiOk::Utility)
            }
            Utility::DropSchema {
                names,
                if_exists,
                cascade,
            } => {
                if read_only {
                    return Err(read_only_refusal("DROP SCHEMA"));
                }
                let notices = exec::drop_schemas(&w.sql, names, *if_exists, *cascade)?;
                log_notices(&QueryResult::default().with_notices(notices));
                w.writes += 1;
                w.schema_changed = true;
                Ok(SpiOk::Utility)
            }
            Utility::Set { name, value, local } => {
                // A worker's SET lasts for the process (there is no block to undo it in).
                let mut undo = SettingsUndo::default();
                settings::set(name, value.as_deref(), *local, true, &mut undo)?;
                if !*local {
                    undo.finish(true);
                }
                crate::runtime::refresh_env();
                Ok(SpiOk::Utility)
            }
            Utility::Reset(name) => {
                settings::reset(name.as_deref(), false, &mut SettingsUndo::default())?;
                crate::runtime::refresh_env();
                Ok(SpiOk::Utility)
            }
            Utility::Show(name) => {
                let (columns, rows) = settings::show(name)?;
                self.processed = rows.len() as u64;
                self.tuptable = TupleTable { columns, rows };
                Ok(SpiOk::Select)
            }
            Utility::CreateDatabase(_) | Utility::DropDatabase { .. } | Utility::Discard => {
                Err(SpiError::new(
                    sqlstate::ACTIVE_SQL_TRANSACTION,
                    format!("{} cannot run inside a transaction block", u.tag()),
                ))
            }
            Utility::Lock => Ok(SpiOk::Utility),
            Utility::Notify { channel, payload } => {
                w.sql.notify.notify(channel, payload)?;
                Ok(SpiOk::Utility)
            }
            Utility::Listen(_) | Utility::Unlisten(_) => Err(SpiError::new(
                sqlstate::FEATURE_NOT_SUPPORTED,
                format!(
                    "{} is not available through SPI (a worker has no client to notify)",
                    u.tag()
                ),
            )),
            Utility::Explain {
                query,
                analyze: false,
            } => {
                let rows = exec::explain_lines(&w.sql, query)?
                    .into_iter()
                    .map(|line| vec![Value::Text(line)])
                    .collect::<Vec<_>>();
                self.processed = rows.len() as u64;
                self.tuptable = TupleTable {
                    columns: crate::session::explain_columns(),
                    rows,
                };
                Ok(SpiOk::Select)
            }
            Utility::Explain { .. } => Err(SpiError::new(
                sqlstate::FEATURE_NOT_SUPPORTED,
                "EXPLAIN ANALYZE is not available through SPI",
            )),
            Utility::Prepare { .. }
            | Utility::Execute { .. }
            | Utility::Deallocate(_)
            | Utility::CloseCursor(_) => Err(SpiError::new(
                sqlstate::FEATURE_NOT_SUPPORTED,
                format!(
                    "{} is not available through SPI (prepare statements with its API)",
                    u.tag()
                ),
            )),
            Utility::Vacuum(v) => {
                // SPI always runs inside a transaction.
                exec::vacuum(&w.sql, true, v)?;
                Ok(SpiOk::Utility)
            }
            Utility::Checkpoint => {
                // SPI always runs inside a transaction.
                crate::maintenance::checkpoint_all(&w.data_dir, true)?;
                Ok(SpiOk::Utility)
            }
            Utility::Begin { .. }
            | Utility::SetTransaction { .. }
            | Utility::Commit
            | Utility::Rollback
            | Utility::Savepoint(_)
            | Utility::Release(_)
            | Utility::RollbackTo(_) => Err(SpiError::new(
                sqlstate::FEATURE_NOT_SUPPORTED,
                "transaction control statements are not allowed in SPI",
            )),
            Utility::Auth { .. } => Err(SpiError::new(
                sqlstate::FEATURE_NOT_SUPPORTED,
                "role and privilege statements are not allowed in SPI",
            )),
        }
    }

    /// `SPI_processed`: rows returned (SELECT, RETURNING) or changed (INSERT/UPDATE/DELETE).
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// `SPI_tuptable`.
    pub fn tuptable(&self) -> &TupleTable {
        &self.tuptable
    }

    /// `SPI_finish`.
    pub fn finish(self) {}
}

fn read_only_refusal(what: &str) -> SpiError {
    SpiError::new(
        sqlstate::READ_ONLY_SQL_TRANSACTION,
        format!("cannot execute {what} in a read-only transaction"),
    )
}

/// The types parameters are given when the statement does not decide them.
fn value_type(v: &Value) -> Type {
    match v {
        Value::Int(_) => Type::INT8,
        Value::Float(_) => Type::FLOAT8,
        Value::Bytes(_) => Type::BYTEA,
        Value::Null | Value::Text(_) => Type::TEXT,
    }
}

/// Analyzes every statement of `text` (a single one is cached by text). Runs inside the
/// worker's transaction, so the catalog look-ups and the cookie the plan is stamped with are
/// one snapshot. Parameters take the types the statement gives them; where it gives none,
/// the types of the values passed.
fn prepare(w: &mut WorkerConn, text: &str, args: &[Value]) -> Result<Vec<Plan>, SpiError> {
    let stmts = Statements::parse(text)?;
    let mut plans = Vec::with_capacity(stmts.len());
    for i in 0..stmts.len() {
        let plan = match exec::plan(&w.sql, &w.user, &stmts, i, &[]) {
            Err(e) if e.sqlstate == sqlstate::INDETERMINATE_DATATYPE => {
                let types: Vec<Type> = args.iter().map(value_type).collect();
                exec::plan(&w.sql, &w.user, &stmts, i, &types)?
            }
            other => other?,
        };
        plans.push(plan);
    }
    if let [Plan::Query(_)] = plans.as_slice()
        && let Some(cookie) = schema_cookie(&w.sql)
    {
        w.plans.insert(
            text,
            &[],
            plans[0].clone(),
            Validity::WhileSchemaCookie(cookie),
        );
    }
    Ok(plans)
}

fn log_notices(result: &QueryResult) {
    for n in &result.notices {
        tracing::info!("{}: {}", n.severity, n.message);
    }
}

/// Start a transaction, connect, run `f`, finish, commit; on any error abort and return it.
pub fn transaction<T>(
    f: impl FnOnce(&mut SpiClient) -> Result<T, SpiError>,
) -> Result<T, SpiError> {
    start_transaction_command()?;
    finish_transaction(f)
}

/// [`transaction`] in a read-only transaction ([`start_read_only_transaction_command`]).
pub fn read_only_transaction<T>(
    f: impl FnOnce(&mut SpiClient) -> Result<T, SpiError>,
) -> Result<T, SpiError> {
    start_read_only_transaction_command()?;
    finish_transaction(f)
}

fn finish_transaction<T>(
    f: impl FnOnce(&mut SpiClient) -> Result<T, SpiError>,
) -> Result<T, SpiError> {
    let result = connect().and_then(|mut client| {
        let value = f(&mut client)?;
        client.finish();
        Ok(value)
    });
    match result {
        Ok(value) => {
            commit_transaction_command()?;
            Ok(value)
        }
        Err(e) => {
            abort_current_transaction();
            Err(e)
        }
    }
}

// The worker connection is process-global, so the whole flow is one test.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::datadir::init_data_dir;
    use crate::session::Session;
    use std::time::Duration;

    /// Statements wait 150 ms for another connection's write lock.
    fn opts_short() -> OpenOptions {
        OpenOptions {
            busy_timeout: Duration::from_millis(150),
            ..OpenOptions::default()
        }
    }

    #[test]
    fn worker_spi_flow() {
        let dir = tempfile::tempdir().expect("tempdir");
        init_data_dir(dir.path()).expect("init");
        let opts = opts_short();
        assert!(start_transaction_command().is_err(), "not connected yet");
        let e = worker_connect(dir.path(), "nope", "w", opts.clone()).expect_err("missing db");
        assert_eq!(e.sqlstate, sql::sqlstate::INVALID_CATALOG_NAME);
        assert!(e.is_fatal());
        worker_connect(dir.path(), "postgres", "w", opts.clone()).expect("connect");
        assert!(worker_connect(dir.path(), "postgres", "w", opts).is_err());
        assert_eq!(worker_database().as_deref(), Some("postgres"));
        assert!(connect().is_err(), "SPI_connect needs a transaction");

        // The 9.3 worker_spi's initialization, with its exact SQL.
        let created = transaction(|spi| {
            let ret = spi.execute(
                "select count(*) from pg_namespace where nspname = 'schema1'",
                true,
                0,
            )?;
            assert_eq!(ret, SpiOk::Select);
            assert_eq!(ret.code(), 5);
            assert_eq!(spi.processed(), 1);
            let n: i32 = spi.tuptable().get(0, 0)?.expect("not null");
            if n == 0 {
                let ret = spi.execute(
                    "CREATE SCHEMA \"schema1\" CREATE TABLE \"counted\" (type text CHECK (type IN ('total', 'delta')), value integer)CREATE UNIQUE INDEX \"counted_unique_total\" ON \"counted\" (type) WHERE type = 'total'",
                    false,
                    0,
                )?;
                assert_eq!(ret.code(), 4);
            }
            Ok(n == 0)
        })
        .expect("init");
        assert!(created);

        // Result codes.
        transaction(|spi| {
            let ret = spi.execute(
                "INSERT INTO schema1.counted VALUES ('total', 1), ('delta', 2), ('delta', 3)",
                false,
                0,
            )?;
            assert_eq!((ret, ret.code(), spi.processed()), (SpiOk::Insert, 7, 3));
            let ret = spi.execute("SELECT value FROM schema1.counted ORDER BY value", true, 2)?;
            assert_eq!(
                (ret, spi.processed()),
                (SpiOk::Select, 2),
                "count limits rows"
            );
            let ret = spi.execute(
                "UPDATE schema1.counted SET value = value WHERE type = 'delta'",
                false,
                0,
            )?;
            assert_eq!((ret.code(), spi.processed()), (9, 2));
            let ret = spi.execute_with_args(
                "DELETE FROM schema1.counted WHERE type = $1 RETURNING value",
                &[Value::Text("delta".into())],
                false,
                0,
            )?;
            assert_eq!(
                (ret, ret.code(), spi.processed()),
                (SpiOk::DeleteReturning, 12, 2)
            );
            let ret = spi.execute(
                "UPDATE schema1.counted SET value = value + 5 WHERE type = 'total' RETURNING value",
                false,
                0,
            )?;
            assert_eq!(ret.code(), 13);
            assert_eq!(spi.tuptable().get::<i64>(0, 0)?, Some(6));
            assert_eq!(spi.tuptable().get::<String>(0, 0)?.as_deref(), Some("6"));
            assert!(spi.tuptable().get::<i64>(5, 0).is_err());
            let ret = spi.execute(
                "INSERT INTO schema1.counted VALUES ('delta', 1) RETURNING value",
                false,
                0,
            )?;
            assert_eq!(ret.code(), 11);
            let ret = spi.execute("DELETE FROM schema1.counted WHERE type = 'delta'", false, 0)?;
            assert_eq!(ret.code(), 8);
            let ret = spi.execute("SELECT NULL", true, 0)?;
            assert_eq!(ret.code(), 5);
            assert_eq!(spi.tuptable().get::<i32>(0, 0)?, None);
            Ok(())
        })
        .expect("codes");

        // Errors: read-only refusal, transaction control, constraint; each aborts the transaction.
        let e =
            transaction(|spi| spi.execute("DELETE FROM schema1.counted", true, 0)).expect_err("ro");
        assert_eq!(e.sqlstate, sql::sqlstate::READ_ONLY_SQL_TRANSACTION);
        let e = transaction(|spi| spi.execute("COMMIT", false, 0)).expect_err("tx control");
        assert_eq!(e.sqlstate, sql::sqlstate::FEATURE_NOT_SUPPORTED);
        let e = transaction(|spi| {
            spi.execute("UPDATE schema1.counted SET value = 100", false, 0)?;
            spi.execute("INSERT INTO schema1.counted VALUES ('total', 1)", false, 0)
        })
        .expect_err("unique");
        assert_eq!(e.sqlstate, sql::sqlstate::UNIQUE_VIOLATION);
        let total = transaction(|spi| {
            spi.execute(
                "SELECT value FROM schema1.counted WHERE type = 'total'",
                true,
                0,
            )?;
            spi.tuptable().get::<i32>(0, 0)
        })
        .expect("read");
        assert_eq!(total, Some(6), "the failed transaction was rolled back");

        // Manual API: start, connect, finish, commit; abort never fails.
        start_transaction_command().expect("start");
        assert_eq!(
            start_transaction_command().expect_err("nested").sqlstate,
            sql::sqlstate::ACTIVE_SQL_TRANSACTION
        );
        let mut spi = connect().expect("connect");
        spi.execute("INSERT INTO schema1.counted VALUES ('delta', 10)", false, 0)
            .expect("insert");
        spi.finish();
        abort_current_transaction();
        abort_current_transaction();
        assert!(commit_transaction_command().is_err());

        // Sequences through the SPI: an aborted transaction keeps what nextval took, a
        // read-only execute cannot take a value.
        transaction(|spi| spi.execute("CREATE SEQUENCE spi_seq", false, 0)).expect("create");
        let e = transaction(|spi| {
            spi.execute("SELECT nextval('spi_seq')", false, 0)?;
            spi.execute("SELECT 1 / 0", true, 0)
        })
        .expect_err("division by zero");
        assert_eq!(e.sqlstate, sql::sqlstate::DIVISION_BY_ZERO);
        let next = transaction(|spi| {
            spi.execute("SELECT nextval('spi_seq')", false, 0)?;
            spi.tuptable().get::<i64>(0, 0)
        })
        .expect("nextval");
        assert_eq!(next, Some(2), "1 stays taken");
        let e = transaction(|spi| spi.execute("SELECT nextval('spi_seq')", true, 0))
            .expect_err("read only");
        assert_eq!(e.sqlstate, sql::sqlstate::READ_ONLY_SQL_TRANSACTION);

        // Another process (here: a session) holding the write lock → 55P03 after busy_timeout.
        let mut holder = Session::open(dir.path(), "postgres", "postgres", OpenOptions::default())
            .expect("session");
        for sql in ["BEGIN", "INSERT INTO schema1.counted VALUES ('delta', 1)"] {
            let p = holder.prepare(sql).expect("prepare");
            holder.execute(&p, &[]).expect("execute");
        }
        let e = start_transaction_command().expect_err("busy");
        assert_eq!(e.sqlstate, sql::sqlstate::LOCK_NOT_AVAILABLE);
        // A read-only transaction neither waits for the write lock…
        let rows = read_only_transaction(|spi| {
            spi.select("SELECT count(*) FROM schema1.counted", &[])?
                .get::<i64>(0, 0)
        })
        .expect("reads while another process writes");
        assert!(rows.is_some());
        holder.abort_if_in_transaction();
        transaction(|spi| spi.execute("SELECT 1", true, 0)).expect("free again");
        // …nor takes it: a writer commits while it is open; and it refuses every write, even
        // one run through `run`, with 25006.
        let mut writer =
            Session::open(dir.path(), "postgres", "postgres", opts_short()).expect("session");
        let e = read_only_transaction(|spi| {
            spi.select("SELECT 1", &[])?;
            let p = writer
                .prepare("INSERT INTO schema1.counted VALUES ('delta', 1)")
                .expect("prepare");
            writer
                .execute(&p, &[])
                .expect("a writer is not kept waiting");
            spi.run("DELETE FROM schema1.counted", &[]).map(|_| ())
        })
        .expect_err("read only");
        assert_eq!(e.sqlstate, sql::sqlstate::READ_ONLY_SQL_TRANSACTION);
        assert!(
            start_read_only_transaction_command().is_ok() && start_transaction_command().is_err(),
            "one transaction at a time"
        );
        abort_current_transaction();
        transaction(|spi| {
            spi.run("DELETE FROM schema1.counted WHERE type = 'delta'", &[])
                .map(|_| ())
        })
        .expect("a later transaction writes again");
        // CHECKPOINT through SPI, inside the worker's (write-locked) transaction: no wait.
        let ret = transaction(|spi| spi.execute("CHECKPOINT", false, 0)).expect("checkpoint");
        assert_eq!(ret, SpiOk::Utility);
    }
}
