//! Hooks into the rest of the server: what `pg_stat_activity`, `pg_cancel_backend`,
//! `pg_terminate_backend`, `DROP DATABASE` and autovacuum need from the PGPROC array.
//!
//! The lead implements [`ServerHooks`] over shared memory and installs it once per process with
//! [`set_server_hooks`] (after fork, before the first SQL). Without hooks (unit tests, tools),
//! activity is empty and signalling reports "not a server process".
//! Never: this crate does not read shared memory itself; it only calls the hooks.

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
    /// What autovacuum recorded, for `pg_stat_autovacuum`.
    fn autovacuum_stats(&self) -> Vec<AutovacuumRow> {
        Vec::new()
    }
    /// LISTEN/NOTIFY's shared queue: promises room for one notification to the calling
    /// transaction; `false` when the queue is full.
    fn notify_reserve(&self, _channel: &str, _payload: &str) -> bool {
        true
    }
    /// Gives back the room of notifications whose transaction did not commit.
    fn notify_release(&self, _notes: &[(String, String)]) {}
    /// Appends a committed transaction's notifications (their room was reserved) and wakes
    /// the backends listening in `database`.
    fn notify_append(&self, _database: &str, _notes: &[(String, String)]) {}
    /// Starts (`true`) or stops reading the queue for this backend.
    fn notify_listen(&self, _database: &str, _on: bool) {}
    /// Hands the notifications appended since this backend last read to `f` (sender pid,
    /// channel, payload), oldest first.
    fn notify_read(&self, _f: &mut dyn FnMut(i32, &str, &str)) {}
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
