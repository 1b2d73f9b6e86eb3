//! SQL over SQLite: databases, PostgreSQL schemas, transactions, results, catalog views,
//! SQLSTATEs, and the worker SPI.
//!
//! Code map:
//! - The `sql` crate turns PostgreSQL's SQL into plans; [`runtime`] registers its functions,
//!   operators, casts, aggregates, set-returning functions and collations on every connection.
//! - `exec`: the one path that runs plans, for sessions and workers alike.
//! - `datadir`: `base/<db>/<db>.sqlite`, CREATE/DROP DATABASE, [`init_data_dir`].
//! - `connection`: how every connection is opened (WAL, synchronous, busy handler, progress
//!   handler, functions, authorizer).
//! - `catalog`: minipg's catalog tables (schemas, relations, columns with PostgreSQL types),
//!   the `sql::Catalog` over them, `pg_namespace`, `pg_stat_activity`.
//! - [`preopen`]: a pre-forked backend's connection to its expected database, opened before
//!   the client arrives and taken by that client's [`Session`].
//! - `session`: [`Session`], PostgreSQL's transaction-block semantics for a client backend;
//!   `session/copy.rs` runs COPY FROM STDIN / TO STDOUT with the data streaming through the
//!   [`ResultSink`] both ways.
//! - `plancache`: rewritten and described statements kept per session (and for the worker
//!   connection) by text, valid while SQLite's schema cookie is unchanged.
//! - `worker`: the worker SPI ([`start_transaction_command`], [`connect`], [`SpiClient`], …).
//! - [`interrupt`]: cancel / terminate / statement timeout flags that SQLite polls.
//! - `recovery`: [`startup_recovery`], the startup process's work.
//!
//! **Schemas live in one file.** A relation `name` of schema `s` is the SQLite table `s.name`
//! (`sql::catalog::sqlite_name`); `public` maps to plain names. 1,000 schemas in one database is 1,000
//! catalog rows plus their tables in one file — where one ATTACHed file per schema would hit
//! SQLite's limit of 125 attached databases, multiply locks, and make a transaction across
//! schemas non-atomic. A schema name may therefore not contain `.` (42602).
//!
//! Owns: every SQLite connection of a process. Architecture invariant: connections are opened
//! after fork in the process that uses them and never cross a fork.
//! Never: lets client or worker SQL reach outside the data directory — ATTACH, DETACH,
//! `load_extension`, `VACUUM INTO` and file-touching pragmas are refused by the authorizer
//! (42501); the server's own statements run with it off. Never reads shared memory itself:
//! the server provides [`ServerHooks`].

mod authorizer;
mod catalog;
mod connection;
mod cursor;
mod datadir;
mod error;
mod exec;
mod functions;
mod hooks;
pub mod interrupt;
pub mod maintenance;
mod module_fn;
mod notify;
mod plancache;
pub mod preopen;
mod privileges;
mod quote;
mod recovery;
mod result;
pub mod roles;
pub mod runtime;
mod session;
mod settings;
mod value;
mod worker;

pub use catalog::{BUILTIN_SCHEMAS, FORMAT};

/// Builds the process-wide tables every session would otherwise build on first use — the
/// function catalog's name and OID indexes, the registration plan of SQLite functions, the
/// system relations and the deparser's symbols — from Rust data only (it opens no file and no
/// SQLite connection). The postmaster calls it once the preload modules have defined their
/// functions, right after forking the startup process (in parallel with recovery), so every
/// backend and worker forked later starts with them built, in pages it shares with the
/// postmaster. After it, the catalog of functions is frozen.
pub fn warm() {
    let _ = sql::func::named("");
    let _ = sql::func::catalog::procs().count();
    let _ = sql::func::catalog::proc_by_oid(0);
    runtime::warm();
    let _ = catalog::system::all();
    catalog::system::deparse::warm();
    // The parser's stack probe (`stacker`, which reads `/proc/self/maps` on a thread's first
    // use: about 5 % of a backend's start-up) answers here once; children inherit the answer
    // with the memory, and it holds for them: their stack is the postmaster's.
    let _ = sql::Statements::parse("select 1");
}

/// A backend's session has ended (its [`Session`] dropped) and the process is to serve
/// another: puts back what this crate and `sql` keep per thread for a session as a freshly
/// forked process has it — no transaction on the role catalog; identity, database and notices
/// as before any login; no cancel or statement deadline pending; the evaluation [`sql::Env`]
/// and its clocks; uncommitted inserts' tables; the catalog reading (keyed by a connection's
/// address, which a later connection may reuse); `random()`'s state. What it keeps are caches
/// of facts the same for every session and role (the function tables, the role catalog's
/// connection, settings-derived tables rebuilt on change). Settings are the caller's
/// (`guc::restore`).
pub fn end_session() {
    roles::end_session();
    interrupt::clear_cancel();
    interrupt::set_statement_deadline(None);
    runtime::end_session();
    hooks::forget_inserted();
    catalog::system::derived::forget();
    sql::end_session();
}

pub use connection::{OpenOptions, initialize_library};
pub use datadir::{
    BASE_DIR, DEFAULT_DATABASE, FORMAT_FILE, check_format, create_database, database_path,
    drop_database, init_data_dir, list_databases, validate_database_name,
};
pub use error::{Severity, SpiError, sqlstate};
pub use functions::version_string;
pub use hooks::{
    ActivityRow, AutovacuumRow, BgWorkerRow, ServerHooks, SslRow, hooks, set_server_hooks,
};
pub use module_fn::{FunctionBody, define_function};
pub use quote::{quote_identifier, quote_literal};
pub use recovery::{RecoveryReport, startup_recovery};
pub use result::{CopyFormat, Notice, QueryResult, ResultSink, TxStatus};
pub use session::{Fetched, PortalId, Prepared, Session};
/// PostgreSQL types, for module functions' signatures.
pub use sql::Type;
pub use value::{Column, Value, column, output, parse_bool, timestamptz_value};
pub use worker::{
    FromValue, SpiClient, SpiOk, TupleTable, abort_current_transaction, commit_transaction_command,
    connect, read_only_transaction, start_read_only_transaction_command, start_transaction_command,
    transaction, worker_connect, worker_database,
};
