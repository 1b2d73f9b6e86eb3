//! Hooks into the rest of the server: what `pg_stat_activity`, `pg_cancel_backend`,
//! `pg_terminate_backend`, `DROP DATABASE` and autovacuum need from the PGPROC array.
//!
//! The lead implements [`ServerHooks`] over shared memory and installs it once per process with
//! [`set_server_hooks`] (after fork, before the first SQL). Without hooks (unit tests, tools),
//! activity is empty and signalling reports "not a server process".
//! Never: this crate does not read shared memory itself; it only calls the hooks.

use std::path::Path;
use std::sync::OnceLock;
use std::time::SystemTime;

use crate::error::SpiError;

/// One row of `pg_stat_activity`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ActivityRow {
    pub pid: i32,
    pub datname: Option<String>,
    pub usename: Option<String>,
    /// `client backend`, `autovacuum launcher`, `autovacuum worker`, `startup`, or a worker's name.
    pub backend_type: String,
    pub state: Option<String>,
    pub query: Option<String>,
    pub backend_start: Option<SystemTime>,
    pub query_start: Option<SystemTime>,
}

/// One row of `pg_stat_autovacuum`: what autovacuum workers recorded for a database.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AutovacuumRow {
    pub datname: String,
    pub last_run: Option<SystemTime>,
    pub runs: i64,
    pub last_action: Option<String>,
    pub wal_bytes_before: Option<i64>,
    pub wal_bytes_after: Option<i64>,
    pub pages_freed: Option<i64>,
}

/// What this crate needs from the server.
pub trait ServerHooks: Send + Sync {
    /// Every server process, for `pg_stat_activity` and `DROP DATABASE`'s in-use check.
    fn activity(&self) -> Vec<ActivityRow>;
    /// Signals a server process (SIGTERM when `terminate`, else SIGINT). `Ok(false)` when `pid`
    /// is not a server process (PostgreSQL then warns and returns false).
    fn signal_backend(&self, pid: i32, terminate: bool) -> Result<bool, SpiError>;
    /// Called after each committed write transaction with the number of changed rows.
    fn note_writes(&self, _database: &str, _rows: u64) {}
    /// Group commit is available: connections then write commits with SQLite's
    /// `synchronous = NORMAL` (no fsync) and call [`ServerHooks::commit_written`] after each.
    fn group_commit(&self) -> bool {
        false
    }
    /// A transaction's WAL frames in `database` (whose WAL file is `wal_path`) were written
    /// and the write lock released. With `wait` (synchronous_commit on), returns only once a
    /// sync of the WAL that began after that write has completed; otherwise only records
    /// that the WAL needs a sync. Called from SQLite's WAL hook, before the statement returns.
    fn commit_written(&self, _database: &str, _wal_path: &Path, _wait: bool) {}
    /// What autovacuum recorded, for `pg_stat_autovacuum`.
    fn autovacuum_stats(&self) -> Vec<AutovacuumRow> {
        Vec::new()
    }
}

struct NoHooks;

impl ServerHooks for NoHooks {
    fn activity(&self) -> Vec<ActivityRow> {
        Vec::new()
    }
    fn signal_backend(&self, _pid: i32, _terminate: bool) -> Result<bool, SpiError> {
        Ok(false)
    }
}

static HOOKS: OnceLock<Box<dyn ServerHooks>> = OnceLock::new();

/// Installs the server's hooks; the first call wins (later calls are logged and ignored).
pub fn set_server_hooks(hooks: Box<dyn ServerHooks>) {
    if HOOKS.set(hooks).is_err() {
        tracing::warn!("spi: server hooks were already installed; ignoring a second set");
    }
}

/// The installed hooks, or ones that know of no other process.
pub fn hooks() -> &'static dyn ServerHooks {
    static NONE: NoHooks = NoHooks;
    match HOOKS.get() {
        Some(h) => h.as_ref(),
        None => &NONE,
    }
}
