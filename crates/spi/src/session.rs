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

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use sql::plan::{Ddl, Plan, QueryPlan, Utility};
use sql::{Statements, Type, Value};

use crate::catalog::DbCatalog;
use crate::connection::{OpenOptions, SqlConn, Trust};
use crate::datadir::{self, database_exists, database_path};
use crate::error::{SpiError, inside_block, sqlstate};
use crate::exec;
use crate::interrupt;
use crate::notify::ListenAction;
use crate::plancache::{PLAN_CACHE_SIZE, PlanCache, PrepareSnapshot, Validity, schema_cookie};
use crate::result::{Collect, Notice, QueryResult, ResultSink, TxStatus};
use crate::runtime;
use crate::settings::{self, SettingsUndo};
use crate::value::Column;

/// A prepared statement: analyzed, described, ready to execute any number of times. A clone
/// shares the analysis (the plan cache hands out one per execution).
#[derive(Debug, Clone)]
pub struct Prepared(Arc<PreparedInner>);

#[derive(Debug)]
struct PreparedInner {
    sql: String,
    body: Body,
    columns: Vec<Column>,
    param_types: Vec<Type>,
}

#[derive(Debug, Clone)]
enum Body {
    Empty,
    Plan(Box<Plan>),
}

impl Prepared {
    /// The result columns (empty for a statement that returns no rows).
    pub fn columns(&self) -> &[Column] {
        &self.0.columns
    }

    /// Parameter types, `$1` first.
    pub fn param_types(&self) -> &[Type] {
        &self.0.param_types
    }

    /// An empty statement (EmptyQueryResponse).
    pub fn is_empty(&self) -> bool {
        matches!(self.0.body, Body::Empty)
    }

    /// The client's text.
    pub fn sql(&self) -> &str {
        &self.0.sql
    }

    /// A COPY (it exchanges data with the client while it runs, whatever the row limit).
    pub fn is_copy(&self) -> bool {
        matches!(&self.0.body, Body::Plan(p) if matches!(**p, Plan::Copy(_)))
    }

    /// The command's name when it cannot run inside a transaction block.
    fn refuses_block(&self) -> Option<&'static str> {
        let Body::Plan(plan) = &self.0.body else {
            return None;
        };
        match plan.as_ref() {
            Plan::Utility(Utility::Vacuum(v)) if v.vacuum => Some("VACUUM"),
            Plan::Utility(Utility::CreateDatabase(_)) => Some("CREATE DATABASE"),
            Plan::Utility(Utility::DropDatabase { .. }) => Some("DROP DATABASE"),
            Plan::Utility(Utility::Discard) => Some("DISCARD ALL"),
            _ => None,
        }
    }

    /// Allowed in a failed transaction block.
    fn allowed_when_failed(&self) -> bool {
        match &self.0.body {
            Body::Empty => true,
            Body::Plan(plan) => matches!(
                plan.as_ref(),
                Plan::Utility(Utility::Commit | Utility::Rollback | Utility::RollbackTo(_))
            ),
        }
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

/// The columns a plan returns.
fn plan_columns(plan: &Plan) -> Vec<Column> {
    match plan {
        Plan::Query(q) => q.columns.clone(),
        Plan::Utility(Utility::Show(name)) => settings::show_columns(name),
        Plan::Utility(Utility::Explain { .. }) => explain_columns(),
        Plan::Utility(_) | Plan::Ddl(_) | Plan::Copy(_) => Vec::new(),
    }
}

/// An open savepoint: its name, and where the block's settings, notifications and identity
/// were when it was made (ROLLBACK TO returns them there; SQLite's own SAVEPOINT covers the
/// data).
struct Savepoint {
    name: String,
    settings: usize,
    notifications: (usize, usize),
    identity: crate::roles::IdentityMark,
}

/// One client's session.
pub struct Session {
    data_dir: PathBuf,
    database: String,
    user: String,
    tx: TxStatus,
    savepoints: Vec<Savepoint>,
    /// Rows changed in the open block, reported to `note_writes` at COMMIT.
    block_writes: u64,
    undo: SettingsUndo,
    /// The block is an implicit one (see [`Implicit`]): lock conflicts are treated as in
    /// autocommit (wait, then 55P03), not as a serialization failure.
    implicit: Implicit,
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
    /// The open block is READ ONLY (writes are 25006).
    read_only: bool,
    /// Statements of SQL's PREPARE, by name: their text and declared parameter types (planned
    /// again through `plans` at each EXECUTE, so a schema change since is seen).
    named: HashMap<String, (String, Vec<u32>)>,
    /// Tables (SQLite names) created or truncated in the open block since its last savepoint:
    /// those COPY FREEZE accepts, as PostgreSQL accepts a table created or truncated in the
    /// current subtransaction.
    fresh_tables: Vec<String>,
    /// Suspended portals: open SQLite statements, closed at every transaction end. Emptied
    /// by `Drop` before it lets go of `sql`, so they are finalized before the connection
    /// closes (the contract of `cursor::OpenStatement`).
    portals: portal::Portals,
    /// Taken by `Drop` only: closed, or kept for the process's next session
    /// (`preopen::recycle`).
    sql: std::mem::ManuallyDrop<SqlConn>,
}

/// The implicit transaction PostgreSQL wraps around statements sent outside a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Implicit {
    /// None open: autocommit, or a block the client began.
    None,
    /// The statements of one simple Query with several statements (PostgreSQL's
    /// TBLOCK_IMPLICIT_INPROGRESS): a command that cannot run in a transaction block is
    /// refused as inside one; COMMIT and ROLLBACK end it with a warning; BEGIN turns it into a
    /// block of the client's.
    Query,
    /// The extended protocol's, from the first Execute until Sync (TBLOCK_STARTED): `ran`
    /// counts the statements it completed, after which a command that cannot run in a block
    /// is refused as "within a pipeline".
    Pipeline { ran: u32 },
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
        crate::roles::begin_session(data_dir, database, user)?;
        let path = database_path(data_dir, database);
        // A pre-forked backend's connection opened ahead for this database, if it still
        // holds the database's file (see `preopen`); else a new one.
        let sql = match crate::preopen::take(data_dir, database, &path) {
            Some(mut ahead) => ahead.adopt(user, &opts).map(|()| ahead),
            None => SqlConn::open(&path, database, user, &opts, Trust::Client, false),
        }
        .map_err(|e| SpiError {
            severity: crate::error::Severity::Fatal,
            ..e
        })?;
        Ok(Session {
            data_dir: data_dir.to_path_buf(),
            database: database.to_string(),
            user: user.to_string(),
            sql: std::mem::ManuallyDrop::new(sql),
            tx: TxStatus::Idle,
            savepoints: Vec::new(),
            block_writes: 0,
            undo: SettingsUndo::default(),
            implicit: Implicit::None,
            pending_begin: false,
            portals: portal::Portals::default(),
            plans: PlanCache::new(PLAN_CACHE_SIZE),
            schema_changed_in_block: false,
            named: HashMap::new(),
            read_only: false,
            fresh_tables: Vec::new(),
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
        let stmts = Statements::parse(sql)?;
        if stmts.len() > 1 {
            return Err(SpiError::new(
                sqlstate::SYNTAX_ERROR,
                "cannot insert multiple commands into a prepared statement",
            ));
        }
        if stmts.is_empty() {
            return Ok(Prepared(Arc::new(PreparedInner {
                sql: sql.to_string(),
                body: Body::Empty,
                columns: Vec::new(),
                param_types: param_oids.iter().map(|o| Type(*o)).collect(),
            })));
        }
        self.prepare_statement(&stmts, 0, sql, param_oids, true)
    }

    /// Analyzes statement `i` of `stmts` (the client's `text`); cached by text when `cache`.
    fn prepare_statement(
        &mut self,
        stmts: &Statements,
        i: usize,
        text: &str,
        param_oids: &[u32],
        cache: bool,
    ) -> Result<Prepared, SpiError> {
        if self.tx == TxStatus::Failed && !stmts.is_transaction_end(i) {
            return Err(aborted());
        }
        let param_types: Vec<Type> = param_oids.iter().map(|o| Type(*o)).collect();
        // The catalog look-ups and the cookie the plan is stamped with come from one snapshot.
        let snapshot = RefCell::new(PrepareSnapshot::new(&self.sql, text));
        let (plan, used_catalog) = {
            let open = || snapshot.borrow_mut().open();
            let catalog = DbCatalog::new(&self.sql, &self.user).with_lookup_hook(&open);
            runtime::refresh_env();
            let plan = runtime::with_env(|env| stmts.analyze(i, &catalog, env, &param_types));
            (plan, catalog.used())
        };
        let snapshot = snapshot.into_inner();
        let cookie = snapshot.cookie();
        snapshot.finish()?;
        let plan = plan?;
        let columns = plan_columns(&plan);
        let param_types = match &plan {
            Plan::Query(q) => q.params.clone(),
            _ => param_types,
        };
        let prepared = Prepared(Arc::new(PreparedInner {
            sql: text.to_string(),
            body: Body::Plan(Box::new(plan)),
            columns,
            param_types,
        }));
        if cache && matches!(&prepared.0.body, Body::Plan(p) if matches!(**p, Plan::Query(_))) {
            let validity = match (used_catalog, cookie) {
                (false, _) => Some(Validity::Always),
                (true, Some(c)) => Some(Validity::WhileSchemaCookie(c)),
                (true, None) => None,
            };
            if let Some(v) = validity {
                self.plans.insert(text, param_oids, prepared.clone(), v);
            }
        }
        Ok(prepared)
    }

    /// Runs a prepared statement, buffering all its rows.
    pub fn execute(&mut self, stmt: &Prepared, params: &[Value]) -> Result<QueryResult, SpiError> {
        let mut collect = Collect::default();
        let mut result = self.execute_into(stmt, params, &mut collect)?;
        result.rows = collect.rows;
        if result.columns.is_empty() {
            result.columns = collect.columns;
        }
        Ok(result)
    }

    /// Runs a prepared statement, handing its columns and rows to `sink` as they are produced;
    /// the result returned holds the tag and notices (no rows).
    pub fn execute_into(
        &mut self,
        stmt: &Prepared,
        params: &[Value],
        sink: &mut dyn ResultSink,
    ) -> Result<QueryResult, SpiError> {
        if interrupt::terminate_pending() {
            interrupt::check()?;
        }
        if self.tx == TxStatus::Failed && !stmt.allowed_when_failed() {
            return Err(aborted());
        }
        let result = self
            .leave_implicit_for(stmt)
            .and_then(|()| self.dispatch(stmt, params, sink));
        if self.tx == TxStatus::Idle {
            // Autocommit: the statement was its own transaction.
            self.sql.notify.finish(&self.database, result.is_ok());
        }
        match &result {
            Err(_) if self.tx == TxStatus::InBlock => self.fail_statement(),
            Ok(_) => self.count_pipelined(),
            Err(_) => {}
        }
        result
    }

    /// A statement failed inside a block: the block fails, and the statement's sequence
    /// advances stay (PostgreSQL does not undo them).
    fn fail_statement(&mut self) {
        self.tx = TxStatus::Failed;
        let _ = self.sql.restore_sequences();
    }

    /// A statement ran in the extended protocol's implicit transaction.
    fn count_pipelined(&mut self) {
        if let Implicit::Pipeline { ran } = &mut self.implicit {
            *ran += 1;
        }
    }

    /// Before a command that cannot run inside a transaction block (VACUUM, CREATE and DROP
    /// DATABASE, DISCARD ALL): inside a multi-statement Query it is refused as inside a
    /// block; as the first statement of a pipeline it runs on its own, outside the implicit
    /// transaction (which has done nothing yet), and later in one it is refused, as in
    /// PostgreSQL 15.
    fn leave_implicit_for(&mut self, stmt: &Prepared) -> Result<(), SpiError> {
        let Some(what) = stmt.refuses_block() else {
            return Ok(());
        };
        match self.implicit {
            Implicit::None => Ok(()),
            Implicit::Query => Err(inside_block(what)),
            Implicit::Pipeline { ran: 0 } => self.commit_block(),
            Implicit::Pipeline { .. } => Err(SpiError::new(
                sqlstate::ACTIVE_SQL_TRANSACTION,
                format!("{what} cannot be executed within a pipeline"),
            )),
        }
    }

    /// Parses, prepares and executes each statement of a simple query, buffering the results;
    /// the list stops after the first error. See [`Session::simple_query_into`].
    pub fn simple_query(&mut self, sql: &str) -> Vec<Result<QueryResult, SpiError>> {
        let mut collect = Collect::default();
        let outcome = self.simple_query_into(sql, &mut collect);
        let mut results: Vec<_> = collect.done.into_iter().map(Ok).collect();
        if let Err(e) = outcome {
            results.push(Err(e));
        }
        results
    }

    /// Parses, prepares and executes each statement of a simple query, stopping at the first
    /// error, which is returned. Each statement's rows stream to `sink`, then its completion;
    /// an empty string completes one empty result (EmptyQueryResponse).
    ///
    /// As in PostgreSQL, several statements sent outside a transaction block run in one
    /// implicit transaction, all or nothing: an error rolls back the ones before it. A BEGIN
    /// among them makes the implicit transaction the client's block (it stays open after the
    /// query); a COMMIT or ROLLBACK among them ends it with PostgreSQL's warning, and the
    /// statements after it start a new one; SAVEPOINT and the commands that cannot run in a
    /// transaction block (VACUUM, CREATE DATABASE…) are refused inside it.
    pub fn simple_query_into(
        &mut self,
        sql: &str,
        sink: &mut dyn ResultSink,
    ) -> Result<(), SpiError> {
        // A text found in the plan cache is one statement (only single statements are cached
        // by text): run it as the one-statement path below would, without parsing it again.
        if self.tx != TxStatus::Failed
            && let Some(cached) = self.plans.get(sql, &[], || schema_cookie(&self.sql))
        {
            return self
                .execute_into(&cached, &[], sink)
                .and_then(|result| sink.complete(result));
        }
        let stmts = match Statements::parse(sql) {
            Ok(s) => s,
            Err(e) => {
                if self.tx == TxStatus::InBlock {
                    self.tx = TxStatus::Failed;
                }
                return Err(e.into());
            }
        };
        if stmts.is_empty() {
            return sink.complete(QueryResult::tag(""));
        }
        let single = stmts.len() == 1;
        let mut outcome = Ok(());
        for i in 0..stmts.len() {
            if !single {
                self.begin_implicit_block(Implicit::Query);
                // As PostgreSQL: a statement_timeout set by an earlier statement of the Query
                // applies from the next one on, unless a timeout already runs.
                let ms = guc::builtin::STATEMENT_TIMEOUT.get();
                if i > 0 && ms > 0 && interrupt::statement_deadline().is_none() {
                    let ms = std::time::Duration::from_millis(ms.unsigned_abs());
                    interrupt::set_statement_deadline(Some(std::time::Instant::now() + ms));
                }
            }
            let prepared = if single {
                self.prepare_typed(sql, &[])
            } else {
                let text = stmts.text_of(i).to_string();
                let r = self.prepare_statement(&stmts, i, &text, &[], false);
                if r.is_err() && self.tx == TxStatus::InBlock {
                    self.tx = TxStatus::Failed;
                }
                r
            };
            outcome = prepared
                .and_then(|p| self.execute_into(&p, &[], sink))
                .and_then(|result| sink.complete(result));
            if outcome.is_err() {
                break;
            }
        }
        // The end of a simple Query ends whatever implicit transaction is open (also one an
        // extended-protocol pipeline left before it, as PostgreSQL's exec_simple_query does).
        let ended = self.finish_implicit(outcome.is_ok());
        outcome.and(ended)
    }

    /// Starts the extended protocol's implicit transaction at an Execute, unless a transaction
    /// (implicit or the client's) is already open. It lasts until [`Session::end_implicit`]
    /// (Sync): the statements executed until then are all or nothing.
    pub fn begin_implicit(&mut self) {
        self.begin_implicit_block(Implicit::Pipeline { ran: 0 });
    }

    /// Sync: commits the implicit transaction the extended protocol opened, or rolls it back
    /// when one of its statements failed. A client's block stays open. Suspended portals of a
    /// committed or rolled-back transaction are closed. A failed commit is returned (the
    /// transaction is then rolled back).
    pub fn end_implicit(&mut self) -> Result<(), SpiError> {
        self.finish_implicit(true)
    }

    /// Whether this session holds its database's write lock: its SQLite transaction has
    /// written (or began IMMEDIATE), so every other writer waits for it to end.
    pub fn holds_write_lock(&self) -> bool {
        self.sql.holds_write_lock()
    }

    /// Whether a transaction block the client began (BEGIN) is open, as opposed to no
    /// transaction or an implicit one.
    pub fn in_client_block(&self) -> bool {
        self.tx != TxStatus::Idle && self.implicit == Implicit::None
    }

    fn begin_implicit_block(&mut self, kind: Implicit) {
        if self.tx == TxStatus::Idle {
            self.pending_begin = true;
            self.tx = TxStatus::InBlock;
            self.implicit = kind;
            self.read_only = default_read_only();
            runtime::start_transaction_clock();
        }
    }

    /// Ends the open implicit transaction, committing it when `commit` and none of its
    /// statements failed.
    fn finish_implicit(&mut self, commit: bool) -> Result<(), SpiError> {
        if self.implicit == Implicit::None {
            return Ok(());
        }
        if !commit || self.tx == TxStatus::Failed {
            self.abort_if_in_transaction();
            return Ok(());
        }
        self.commit_block()
    }

    /// Commits the open block (client's or implicit) and ends it; on failure rolls back.
    fn commit_block(&mut self) -> Result<(), SpiError> {
        let writes = self.block_writes;
        // The global catalog first (see `roles`: its crash window).
        if let Err(e) = crate::roles::commit_global().and_then(|()| self.commit_sqlite()) {
            self.abort_if_in_transaction();
            return Err(e);
        }
        self.end_block(true);
        if writes > 0 {
            crate::hooks::note_commit(&self.database, writes);
        }
        Ok(())
    }

    /// An error found outside SQL execution (a bad Bind, an unknown portal) inside a
    /// transaction block aborts the block, as any error does in PostgreSQL.
    pub fn fail_transaction_block(&mut self) {
        if self.tx == TxStatus::InBlock {
            self.tx = TxStatus::Failed;
        }
    }

    /// Hands the notifications that arrived for the channels this session listens on to `f`
    /// (sender pid, channel, payload). Only between transactions, as PostgreSQL delivers them.
    pub fn take_notifications(&self, f: &mut dyn FnMut(i32, &str, &str)) {
        if self.tx == TxStatus::Idle {
            self.sql.notify.deliver(f);
        }
    }

    /// Connection loss or FATAL: roll back whatever is open.
    pub fn abort_if_in_transaction(&mut self) {
        self.portals.close_all();
        // Sequence advances survive, as in PostgreSQL (see `catalog::sequence`).
        self.sql.rollback_all();
        self.end_block(false);
    }

    /// Opens the SQLite transaction of a client block that has none yet.
    fn ensure_begun(&mut self, writes: bool) -> Result<(), SpiError> {
        if self.pending_begin && self.tx != TxStatus::Idle {
            self.sql
                .begin(writes)
                .map_err(|e| exec::client_error(&self.sql, e, self.tx != TxStatus::Idle))?;
            self.pending_begin = false;
        }
        Ok(())
    }

    /// COMMIT of the SQLite transaction, if one was opened.
    fn commit_sqlite(&mut self) -> Result<(), SpiError> {
        // Portals end with their transaction (PostgreSQL's AtCommit_Portals); SQLite could
        // not commit under a statement that is still writing anyway.
        self.portals.close_all();
        if self.sql.conn.is_autocommit() {
            return Ok(());
        }
        self.run_trusted("COMMIT")?;
        self.sql.committed();
        Ok(())
    }

    fn end_block(&mut self, committed: bool) {
        self.sql.notify.finish(&self.database, committed);
        self.plans
            .end_transaction(committed, &mut self.schema_changed_in_block);
        self.pending_begin = false;
        self.implicit = Implicit::None;
        self.portals.close_all();
        if self.tx != TxStatus::Idle && self.undo.finish(committed) {
            self.settings_changed("all");
        }
        if committed {
            crate::roles::end_block_identity(true);
        } else {
            crate::roles::rollback_global();
        }
        self.tx = TxStatus::Idle;
        self.read_only = false;
        self.fresh_tables.clear();
        self.savepoints.clear();
        self.block_writes = 0;
    }

    fn run_trusted(&self, sql: &str) -> Result<(), SpiError> {
        self.sql
            .trusted(|c| c.execute_batch(sql))
            .map_err(|e| exec::client_error(&self.sql, e, self.tx != TxStatus::Idle))
    }

    /// Runs one statement; its rows (a query's, or a utility's such as SHOW) go to `sink`.
    fn dispatch(
        &mut self,
        stmt: &Prepared,
        params: &[Value],
        sink: &mut dyn ResultSink,
    ) -> Result<QueryResult, SpiError> {
        let plan = match &stmt.0.body {
            Body::Empty => return Ok(QueryResult::tag("")),
            Body::Plan(plan) => plan,
        };
        crate::roles::refresh_flags();
        self.sql.seq.new_statement();
        self.refuse_write_if_read_only(plan)?;
        let mut result = match plan.as_ref() {
            Plan::Query(q) => return self.run_sql(q, params, sink),
            Plan::Utility(Utility::Execute { name, args }) => {
                return self.execute_named(name, args, sink);
            }
            Plan::Copy(c) => return self.run_copy(c, sink),
            Plan::Utility(Utility::Explain { query, analyze }) => {
                return self.explain(query, *analyze, params, sink);
            }
            Plan::Ddl(ddl) => self.run_ddl(ddl)?,
            Plan::Utility(u) => self.utility(u)?,
        };
        if !result.columns.is_empty() {
            sink.describe(&result.columns)?;
            for row in std::mem::take(&mut result.rows) {
                sink.row(row)?;
            }
        }
        Ok(result)
    }

    /// 25006 for a statement that writes inside a READ ONLY block.
    /// Whether the running transaction is read only: its block's setting, or
    /// `default_transaction_read_only` for a statement of its own.
    fn transaction_read_only(&self) -> bool {
        if self.tx == TxStatus::Idle {
            default_read_only()
        } else {
            self.read_only
        }
    }

    fn refuse_write_if_read_only(&self, plan: &Plan) -> Result<(), SpiError> {
        if self.transaction_read_only() {
            if let Plan::Query(q) = plan
                && q.command == sql::Command::Select
                && q.advances_sequences
            {
                return Err(SpiError::new(
                    sqlstate::READ_ONLY_SQL_TRANSACTION,
                    "cannot execute nextval() in a read-only transaction",
                ));
            }
            let writes = match plan {
                Plan::Query(q) => q.writes().then(|| exec::query_tag(q, 0)),
                Plan::Ddl(d) => Some(d.tag().to_string()),
                Plan::Utility(u @ (Utility::CreateSchema { .. } | Utility::DropSchema { .. })) => {
                    Some(u.tag().to_string())
                }
                Plan::Utility(Utility::Explain {
                    query,
                    analyze: true,
                }) => query.writes().then(|| exec::query_tag(query, 0)),
                // Roles, privileges and owners are written too; SET ROLE and SET SESSION
                // AUTHORIZATION are settings.
                Plan::Utility(Utility::Auth { stmt, .. }) => (!matches!(
                    stmt.as_ref(),
                    sql::auth::AuthStmt::SetRole { .. }
                        | sql::auth::AuthStmt::SetSessionAuthorization { .. }
                ))
                .then(|| stmt.tag().to_string()),
                Plan::Utility(_) => None,
                Plan::Copy(c) if c.from => Some("COPY FROM".to_string()),
                Plan::Copy(c) => c.query.writes().then(|| exec::query_tag(&c.query, 0)),
            };
            if let Some(tag) = writes {
                let word = tag
                    .split(" 0")
                    .next()
                    .unwrap_or(&tag)
                    .split(' ')
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ");
                let word = word.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
                return Err(SpiError::new(
                    sqlstate::READ_ONLY_SQL_TRANSACTION,
                    format!("cannot execute {word} in a read-only transaction"),
                ));
            }
        }
        Ok(())
    }

    /// EXECUTE: the arguments are evaluated as their parameters' types, then the statement
    /// runs as if sent itself.
    fn execute_named(
        &mut self,
        name: &str,
        args: &[String],
        sink: &mut dyn ResultSink,
    ) -> Result<QueryResult, SpiError> {
        let (stmt, params) = self.resolve_named(name, args)?;
        self.dispatch(&stmt, &params, sink)
    }

    /// EXECUTE's statement, planned again, and its arguments evaluated as its parameters'
    /// types.
    fn resolve_named(
        &mut self,
        name: &str,
        args: &[String],
    ) -> Result<(Prepared, Vec<Value>), SpiError> {
        let Some((text, oids)) = self.named.get(name).cloned() else {
            return Err(missing_prepared(name));
        };
        let stmt = self.prepare_typed(&text, &oids)?;
        let types = stmt.param_types();
        if types.len() != args.len() {
            return Err(SpiError::new(
                sqlstate::SYNTAX_ERROR,
                format!("wrong number of parameters for prepared statement \"{name}\""),
            )
            .with_detail(format!(
                "Expected {} parameters but got {}.",
                types.len(),
                args.len()
            )));
        }
        let mut params = Vec::with_capacity(args.len());
        if !args.is_empty() {
            // Each argument cast to its parameter's type, carried as that type's text form.
            let select = args
                .iter()
                .zip(types)
                .map(|(a, t)| {
                    format!(
                        "CAST(CAST(({a}) AS {}) AS text)",
                        sql::types::format_type(*t, -1)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let eval = self.prepare(&format!("SELECT {select}"))?;
            let texts = self.execute(&eval, &[])?.rows.pop().unwrap_or_default();
            for (v, t) in texts.iter().zip(types) {
                params.push(match v {
                    Value::Text(s) => {
                        runtime::with_env(|env| sql::types::io::input(*t, env, s, -1))?
                    }
                    _ => Value::Null,
                });
            }
        }
        Ok((stmt, params))
    }

    fn run_ddl(&mut self, ddl: &Ddl) -> Result<QueryResult, SpiError> {
        if self.tx != TxStatus::Idle {
            self.ensure_begun(true)?;
        } else {
            runtime::start_transaction_clock();
        }
        self.sql.trusted(|c| crate::privileges::check_ddl(c, ddl))?;
        let existing = self.sql.trusted(|c| crate::privileges::ddl_target(c, ddl));
        self.sql
            .trusted(|c| crate::privileges::check_replace(c, ddl, existing))?;
        let (notices, filled) = exec::run_ddl(&self.sql, ddl)?;
        crate::privileges::after_ddl(&self.sql, ddl, existing)?;
        self.note_ddl();
        if self.tx != TxStatus::Idle {
            match ddl {
                Ddl::CreateTable { rel, .. } => self.fresh_tables.push(rel.sqlite_name.clone()),
                Ddl::Truncate { tables, .. } => self
                    .fresh_tables
                    .extend(tables.iter().map(|t| t.sqlite_name.clone())),
                _ => {}
            }
        }
        let tag = match filled {
            Some(rows) => format!("SELECT {rows}"),
            None => ddl.tag().to_string(),
        };
        Ok(QueryResult::tag(tag).with_notices(notices))
    }

    fn utility(&mut self, u: &Utility) -> Result<QueryResult, SpiError> {
        let in_block = self.tx != TxStatus::Idle;
        let touches_database = matches!(
            u,
            Utility::Savepoint(_) | Utility::CreateSchema { .. } | Utility::DropSchema { .. }
        );
        if in_block && touches_database {
            let writes = !matches!(u, Utility::Savepoint(_));
            self.ensure_begun(writes)?;
        }
        // Where PostgreSQL asks IsTransactionBlock(): a multi-statement Query's implicit
        // transaction counts, the extended protocol's does not.
        let txn_block = in_block && !matches!(self.implicit, Implicit::Pipeline { .. });
        let implicit = self.implicit != Implicit::None;
        match u {
            Utility::Begin {
                read_only,
                isolation,
                ..
            } if implicit => {
                // BEGIN inside an implicit transaction makes it the client's block.
                self.implicit = Implicit::None;
                if let Some(ro) = read_only {
                    self.read_only = *ro;
                }
                self.set_isolation(isolation.as_deref())?;
                Ok(QueryResult::tag(u.tag()))
            }
            Utility::Commit if implicit && self.tx == TxStatus::Failed => {
                self.abort_if_in_transaction();
                Ok(QueryResult::tag("ROLLBACK").with_notices(vec![no_tx()]))
            }
            Utility::Commit if implicit => {
                self.commit_block()?;
                Ok(QueryResult::tag("COMMIT").with_notices(vec![no_tx()]))
            }
            Utility::Rollback if implicit => {
                self.abort_if_in_transaction();
                Ok(QueryResult::tag("ROLLBACK").with_notices(vec![no_tx()]))
            }
            Utility::Savepoint(_) | Utility::Release(_) | Utility::RollbackTo(_) if implicit => {
                Err(outside_block(match u {
                    Utility::Savepoint(_) => "SAVEPOINT",
                    Utility::Release(_) => "RELEASE SAVEPOINT",
                    _ => "ROLLBACK TO SAVEPOINT",
                }))
            }
            Utility::Begin {
                read_only,
                isolation,
                ..
            } => {
                if in_block {
                    return Ok(QueryResult::tag(u.tag()).with_notices(vec![Notice::warning(
                        sqlstate::ACTIVE_SQL_TRANSACTION,
                        "there is already a transaction in progress",
                    )]));
                }
                self.pending_begin = true;
                self.tx = TxStatus::InBlock;
                self.read_only = read_only.unwrap_or_else(default_read_only);
                runtime::start_transaction_clock();
                self.set_isolation(isolation.as_deref())?;
                Ok(QueryResult::tag(u.tag()))
            }
            Utility::SetTransaction {
                read_only,
                isolation,
            } => {
                if !txn_block {
                    return Ok(QueryResult::tag("SET").with_notices(vec![Notice::warning(
                        sqlstate::NO_ACTIVE_SQL_TRANSACTION,
                        "SET TRANSACTION can only be used in transaction blocks",
                    )]));
                }
                self.set_transaction(*read_only, isolation.as_deref())?;
                Ok(QueryResult::tag("SET"))
            }
            Utility::Lock => {
                if !txn_block {
                    return Err(outside_block("LOCK TABLE"));
                }
                Ok(QueryResult::tag("LOCK TABLE"))
            }
            Utility::Vacuum(v) => {
                exec::vacuum(&self.sql, in_block, v)?;
                Ok(QueryResult::tag(u.tag()))
            }
            Utility::Checkpoint => {
                let in_transaction = !self.sql.conn.is_autocommit();
                crate::maintenance::checkpoint_all(&self.data_dir, in_transaction)?;
                Ok(QueryResult::tag(u.tag()))
            }
            Utility::Commit => match self.tx {
                TxStatus::Idle => Ok(QueryResult::tag("COMMIT").with_notices(vec![no_tx()])),
                TxStatus::Failed => {
                    self.abort_if_in_transaction();
                    Ok(QueryResult::tag("ROLLBACK"))
                }
                TxStatus::InBlock => {
                    self.commit_block()?;
                    Ok(QueryResult::tag("COMMIT"))
                }
            },
            Utility::Rollback => {
                if !in_block {
                    return Ok(QueryResult::tag("ROLLBACK").with_notices(vec![no_tx()]));
                }
                self.abort_if_in_transaction();
                Ok(QueryResult::tag("ROLLBACK"))
            }
            Utility::Savepoint(name) => {
                if !in_block {
                    return Err(outside_block("SAVEPOINT"));
                }
                self.run_trusted(&format!("SAVEPOINT {}", quote_name(name)))?;
                crate::roles::savepoint_global(self.savepoints.len())?;
                self.savepoints.push(Savepoint {
                    name: name.clone(),
                    settings: self.undo.mark(),
                    notifications: self.sql.notify.mark(),
                    identity: crate::roles::identity_mark(),
                });
                self.fresh_tables.clear();
                Ok(QueryResult::tag("SAVEPOINT"))
            }
            Utility::Release(name) => {
                if !in_block {
                    return Err(outside_block("RELEASE SAVEPOINT"));
                }
                let at = self.find_savepoint(name)?;
                self.run_trusted(&format!("RELEASE {}", quote_name(name)))?;
                crate::roles::release_global(at)?;
                self.savepoints.truncate(at);
                Ok(QueryResult::tag("RELEASE"))
            }
            Utility::RollbackTo(name) => {
                if !in_block {
                    return Err(outside_block("ROLLBACK TO SAVEPOINT"));
                }
                let at = self.find_savepoint(name)?;
                if self.sql.conn.is_autocommit() {
                    // SQLite already rolled the whole transaction back (I/O error, BUSY…).
                    return Err(missing_savepoint(name));
                }
                self.run_trusted(&format!("ROLLBACK TO {}", quote_name(name)))?;
                crate::roles::rollback_to_global(at)?;
                let sp = &self.savepoints[at];
                let settings_undone = self.undo.rollback_to(sp.settings);
                self.sql.notify.rollback_to(sp.notifications);
                crate::roles::rollback_identity_to(&sp.identity);
                if settings_undone {
                    self.settings_changed("all");
                }
                self.sql.restore_sequences()?;
                if self.schema_changed_in_block {
                    self.plans.clear();
                }
                self.savepoints.truncate(at + 1);
                self.fresh_tables.clear();
                self.tx = TxStatus::InBlock;
                Ok(QueryResult::tag("ROLLBACK"))
            }
            Utility::CreateSchema { .. } => {
                let notices =
                    exec::create_schema_statement(&self.sql, &self.database, &self.user, u)?;
                self.note_ddl();
                Ok(QueryResult::tag("CREATE SCHEMA").with_notices(notices))
            }
            Utility::DropSchema {
                names,
                if_exists,
                cascade,
            } => {
                self.sql
                    .trusted(|c| crate::privileges::check_drop_schemas(c, names))?;
                let notices = exec::drop_schemas(&self.sql, names, *if_exists, *cascade)?;
                crate::privileges::forget_dropped(&self.sql)?;
                self.note_ddl();
                Ok(QueryResult::tag("DROP SCHEMA").with_notices(notices))
            }
            Utility::Set { name, value, .. } if settings::is_transaction_mode(name) => {
                // SET TRANSACTION by a setting's name: the value is checked as the setting's;
                // it applies to the open block only (outside one, to the statement's own
                // transaction: no lasting effect, and no warning).
                let (read_only, isolation) = settings::transaction_mode(name, value.as_deref())?;
                if txn_block {
                    self.set_transaction(read_only, isolation.as_deref())?;
                }
                Ok(QueryResult::tag("SET"))
            }
            Utility::Set { name, value, local } => {
                let notices =
                    settings::set(name, value.as_deref(), *local, in_block, &mut self.undo)?;
                self.settings_changed(name);
                Ok(QueryResult::tag("SET").with_notices(notices))
            }
            Utility::Reset(name) => {
                settings::reset(name.as_deref(), in_block, &mut self.undo)?;
                self.settings_changed(name.as_deref().unwrap_or("all"));
                Ok(QueryResult::tag("RESET"))
            }
            Utility::Discard => {
                if in_block {
                    return Err(inside_block("DISCARD ALL"));
                }
                self.named.clear();
                self.sql.notify.listen(ListenAction::UnlistenAll);
                settings::reset(None, false, &mut self.undo)?;
                self.settings_changed("all");
                Ok(QueryResult::tag("DISCARD ALL"))
            }
            Utility::Prepare {
                name,
                param_types,
                text,
                offset,
            } => {
                if self.named.contains_key(name) {
                    return Err(SpiError::new(
                        sqlstate::DUPLICATE_PREPARED_STATEMENT,
                        format!("prepared statement \"{name}\" already exists"),
                    ));
                }
                let oids: Vec<u32> = param_types.iter().map(|t| t.oid()).collect();
                self.prepare_typed(text, &oids).map_err(|mut e| {
                    if let Some(p) = e.position.as_mut() {
                        *p += *offset;
                    }
                    e
                })?;
                self.named.insert(name.clone(), (text.clone(), oids));
                Ok(QueryResult::tag(u.tag()))
            }
            Utility::Listen(channel) => {
                self.sql
                    .notify
                    .listen(ListenAction::Listen(channel.clone()));
                Ok(QueryResult::tag(u.tag()))
            }
            Utility::Unlisten(channel) => {
                self.sql.notify.listen(match channel {
                    Some(c) => ListenAction::Unlisten(c.clone()),
                    None => ListenAction::UnlistenAll,
                });
                Ok(QueryResult::tag(u.tag()))
            }
            Utility::Notify { channel, payload } => {
                self.sql.notify.notify(channel, payload)?;
                Ok(QueryResult::tag(u.tag()))
            }
            Utility::Execute { .. } | Utility::Explain { .. } => Err(SpiError::new(
                sqlstate::INTERNAL_ERROR,
                format!("{} runs through dispatch", u.tag()),
            )),
            Utility::Deallocate(name) => {
                match name {
                    None => self.named.clear(),
                    Some(n) => {
                        self.named.remove(n).ok_or_else(|| missing_prepared(n))?;
                    }
                }
                Ok(QueryResult::tag(u.tag()))
            }
            Utility::CloseCursor(None) => Ok(QueryResult::tag(u.tag())),
            Utility::CloseCursor(Some(name)) => Err(SpiError::new(
                sqlstate::INVALID_CURSOR_NAME,
                format!("cursor \"{name}\" does not exist"),
            )),
            Utility::Show(name) if name.eq_ignore_ascii_case("transaction_read_only") => {
                let on = if self.transaction_read_only() {
                    "on"
                } else {
                    "off"
                };
                Ok(QueryResult {
                    columns: settings::show_columns(name),
                    rows: vec![vec![Value::Text(on.into())]],
                    tag: "SHOW".into(),
                    ..QueryResult::default()
                })
            }
            Utility::Show(name) => {
                let (columns, rows) = settings::show(name)?;
                Ok(QueryResult {
                    columns,
                    rows,
                    tag: "SHOW".into(),
                    notices: Vec::new(),
                })
            }
            Utility::CreateDatabase(name) => {
                if in_block {
                    return Err(inside_block("CREATE DATABASE"));
                }
                let me = crate::roles::identity();
                if !me.current_superuser
                    && !crate::roles::role_by_name(&me.current_name)?.is_some_and(|r| r.createdb)
                {
                    return Err(SpiError::new(
                        sqlstate::INSUFFICIENT_PRIVILEGE,
                        "permission denied to create database",
                    ));
                }
                datadir::create_database(&self.data_dir, name)?;
                // All or nothing: a database whose owner could not be recorded is removed.
                if let Err(e) = crate::privileges::after_create_database(name) {
                    let _ = datadir::drop_database(&self.data_dir, name, true);
                    return Err(e);
                }
                Ok(QueryResult::tag("CREATE DATABASE"))
            }
            Utility::DropDatabase { name, if_exists } => {
                if in_block {
                    return Err(inside_block("DROP DATABASE"));
                }
                if database_exists(&self.data_dir, name) {
                    crate::privileges::check_drop_database(name)?;
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
                        sql::sqlstate::SUCCESSFUL_COMPLETION,
                        format!("database \"{name}\" does not exist, skipping"),
                    ));
                } else {
                    datadir::drop_database(&self.data_dir, name, *if_exists)?;
                    crate::privileges::after_drop_database(name);
                }
                Ok(QueryResult::tag("DROP DATABASE").with_notices(notices))
            }
            Utility::Auth { stmt, relations } => {
                let block = in_block.then_some(self.savepoints.len());
                let result = crate::roles::global_statement(stmt, block, || match stmt.as_ref() {
                    sql::auth::AuthStmt::AlterOwner { .. }
                    | sql::auth::AuthStmt::ReassignOwned { .. }
                    | sql::auth::AuthStmt::DropOwned { .. }
                    | sql::auth::AuthStmt::Grant(_) => {
                        if in_block {
                            self.ensure_begun(true)?;
                            return crate::privileges::execute(&self.sql, stmt, relations);
                        }
                        // Alone, the statement is still all or nothing over the objects it
                        // names (`GRANT … ON a, b` failing on b keeps nothing on a).
                        self.run_trusted("SAVEPOINT minipg_auth")?;
                        let r = crate::privileges::execute(&self.sql, stmt, relations);
                        if r.is_err() {
                            let _ = self.run_trusted("ROLLBACK TO minipg_auth");
                        }
                        self.run_trusted("RELEASE minipg_auth")?;
                        r
                    }
                    other => {
                        let sql = &self.sql;
                        let dependents = |role: u32| {
                            sql.trusted(|c| crate::privileges::role_dependents(c, role))
                        };
                        crate::roles::execute(other, &dependents).unwrap_or(Ok(()))
                    }
                });
                let notices = crate::roles::take_notices();
                result?;
                if stmt.is_set() {
                    self.plans.clear();
                    runtime::refresh_env();
                }
                Ok(QueryResult::tag(u.tag()).with_notices(notices))
            }
        }
    }

    /// A setting that changes how values read or print (or where names are found) makes
    /// cached plans stale: they hold constants converted under the old setting.
    fn settings_changed(&mut self, name: &str) {
        let lower = name.to_ascii_lowercase();
        if matches!(
            lower.as_str(),
            "all" | "timezone" | "datestyle" | "intervalstyle" | "search_path"
        ) {
            self.plans.clear();
        }
        runtime::refresh_env();
    }

    /// A schema DDL committed on its own (autocommit) counts as a write for autovacuum.
    fn note_ddl(&mut self) {
        if self.tx == TxStatus::Idle {
            crate::hooks::note_commit(&self.database, 1);
        } else {
            self.block_writes += 1;
            self.schema_changed_in_block = true;
        }
    }

    /// SET TRANSACTION's modes for the open block: the isolation level only before its first
    /// query (25001).
    fn set_transaction(
        &mut self,
        read_only: Option<bool>,
        isolation: Option<&str>,
    ) -> Result<(), SpiError> {
        if isolation.is_some() && !self.pending_begin {
            return Err(SpiError::new(
                sqlstate::ACTIVE_SQL_TRANSACTION,
                "SET TRANSACTION ISOLATION LEVEL must be called before any query",
            ));
        }
        self.set_isolation(isolation)?;
        if let Some(ro) = read_only {
            self.read_only = ro;
        }
        Ok(())
    }

    /// The open block's isolation level (`BEGIN ISOLATION LEVEL`, `SET TRANSACTION`): a
    /// `SET LOCAL transaction_isolation`, so the block's end undoes it. Every level runs as
    /// SQLite's snapshot transaction (see `default_transaction_isolation`).
    fn set_isolation(&mut self, level: Option<&str>) -> Result<(), SpiError> {
        if let Some(level) = level {
            settings::set(
                "transaction_isolation",
                Some(level),
                true,
                true,
                &mut self.undo,
            )?;
        }
        Ok(())
    }

    fn find_savepoint(&self, name: &str) -> Result<usize, SpiError> {
        self.savepoints
            .iter()
            .rposition(|s| s.name == name)
            .ok_or_else(|| missing_savepoint(name))
    }

    /// EXPLAIN: the plan's rows; with ANALYZE the query runs first (its rows discarded, its
    /// writes kept, as PostgreSQL does) and the time it took ends the plan.
    fn explain(
        &mut self,
        query: &QueryPlan,
        analyze: bool,
        params: &[Value],
        sink: &mut dyn ResultSink,
    ) -> Result<QueryResult, SpiError> {
        let mut elapsed = None;
        if analyze {
            let started = std::time::Instant::now();
            self.run_sql(query, params, &mut crate::result::Discard)?;
            elapsed = Some(started.elapsed());
        }
        let mut lines = exec::explain_lines(&self.sql, query)?;
        if let Some(t) = elapsed {
            lines.push(format!(
                "Execution Time: {:.3} ms",
                t.as_secs_f64() * 1000.0
            ));
        }
        let columns = explain_columns();
        sink.describe(&columns)?;
        for line in lines {
            sink.row(vec![Value::Text(line)])?;
        }
        Ok(QueryResult {
            columns,
            rows: Vec::new(),
            tag: "EXPLAIN".into(),
            notices: Vec::new(),
        })
    }

    fn run_sql(
        &mut self,
        plan: &QueryPlan,
        params: &[Value],
        sink: &mut dyn ResultSink,
    ) -> Result<QueryResult, SpiError> {
        let in_block = self.tx != TxStatus::Idle;
        if in_block {
            self.ensure_begun(plan.writes())?;
        } else {
            runtime::start_transaction_clock();
        }
        self.sql
            .trusted(|c| crate::privileges::check_access(c, &plan.access))?;
        if !plan.columns.is_empty() {
            sink.describe(&plan.columns)?;
        }
        let client_block = in_block && self.implicit == Implicit::None;
        // A statement that advances a sequence runs in a transaction of its own even in
        // autocommit, so that if it fails its advances can be kept before the lock goes.
        let wrap = !in_block && plan.advances_sequences;
        if wrap {
            self.sql
                .begin(true)
                .map_err(|e| exec::client_error(&self.sql, e, false))?;
        }
        let sql = &self.sql;
        let mut first = true;
        let outcome = exec::run_query(sql, plan, params, 0, client_block, &mut |row| {
            if std::mem::take(&mut first) && sql.holds_write_lock() {
                sink.holding_write_lock();
            }
            sink.row(row)
        });
        if wrap {
            match &outcome {
                Ok(_) => {
                    if let Err(e) = self.run_trusted("COMMIT") {
                        self.sql.rollback_all();
                        return Err(e);
                    }
                    self.sql.committed();
                }
                Err(_) => self.sql.rollback_all(),
            }
        }
        let processed = outcome?;
        if plan.writes() {
            let rows = processed.max(1);
            if in_block {
                self.block_writes += rows;
            } else {
                crate::hooks::note_commit(&self.database, rows);
            }
        }
        Ok(QueryResult {
            // The sink was told them (describe) before the rows.
            columns: Vec::new(),
            rows: Vec::new(),
            tag: exec::query_tag(plan, processed),
            notices: Vec::new(),
        })
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // Rolls back and closes the portals before `sql` closes (cursor.rs's contract).
        self.abort_if_in_transaction();
        self.sql.notify.close(&self.database);
        // SAFETY: `sql` is taken once, here, and the session is not used after its drop.
        let sql = unsafe { std::mem::ManuallyDrop::take(&mut self.sql) };
        crate::preopen::recycle(&self.data_dir, &self.database, sql);
    }
}

/// EXPLAIN's one column.
pub(crate) fn explain_columns() -> Vec<Column> {
    vec![crate::value::column("QUERY PLAN", sql::Type::TEXT)]
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

fn missing_prepared(name: &str) -> SpiError {
    SpiError::new(
        sqlstate::INVALID_SQL_STATEMENT_NAME,
        format!("prepared statement \"{name}\" does not exist"),
    )
}

/// `default_transaction_read_only`.
fn default_read_only() -> bool {
    guc::builtin::DEFAULT_TRANSACTION_READ_ONLY.get()
}

fn missing_savepoint(name: &str) -> SpiError {
    SpiError::new(
        sqlstate::INVALID_SAVEPOINT_SPECIFICATION,
        format!("savepoint \"{name}\" does not exist"),
    )
}

mod copy;
mod portal;

pub use portal::{Fetched, PortalId};
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_ddl;
