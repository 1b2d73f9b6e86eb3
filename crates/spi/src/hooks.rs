//! Hooks into the rest of the server: what `pg_stat_activity`, `pg_cancel_backend`,
//! `pg_terminate_backend`, `DROP DATABASE`, autovacuum and `pg_stat_bgworker` need from shared
//! memory.
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

/// One row of `pg_stat_ssl`: a client backend and its TLS parameters (`None` without TLS).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SslRow {
    pub pid: i32,
    /// (version, cipher, bits) when the connection uses TLS.
    pub tls: Option<(String, String, i32)>,
}

/// One row of `pg_stat_bgworker`: a background worker's registration and history.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BgWorkerRow {
    pub name: String,
    /// The module that registered it (empty when not given).
    pub library: String,
    /// `static` (registered at preload) or `dynamic`.
    pub kind: &'static str,
    pub database: Option<String>,
    pub pid: Option<i32>,
    /// `running`, `waiting to restart`, `stopped` or `crashed`.
    pub state: &'static str,
    pub starts: i64,
    pub last_start: Option<SystemTime>,
    /// `exit code N` or `signal N: Name`.
    pub last_exit: Option<String>,
    pub last_exit_at: Option<SystemTime>,
    /// Crash resets it went through.
    pub crash_resets: i64,
    pub next_restart: Option<SystemTime>,
    /// `never` or `after N s`.
    pub restart_policy: String,
}

/// What this crate needs from the server.
pub trait ServerHooks: Send + Sync {
    /// Every server process, for `pg_stat_activity` and `DROP DATABASE`'s in-use check.
    fn activity(&self) -> Vec<ActivityRow>;
    /// Signals a server process (SIGTERM when `terminate`, else SIGINT). `Ok(false)` when `pid`
    /// is not a server process (PostgreSQL then warns and returns false). `session`: the
    /// `backend_start` of the session a permission check allowed; the signal is sent only if
    /// that session still runs (a backend serves one session after another under one PID).
    fn signal_backend(
        &self,
        pid: i32,
        terminate: bool,
        session: Option<SystemTime>,
    ) -> Result<bool, SpiError>;
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
    /// A busy handler's pause before it retries a lock another connection holds: at most
    /// `pause` (the server sleeps until the refused WAL-index lock is let go).
    fn busy_wait(&self, pause: std::time::Duration) {
        std::thread::sleep(pause);
    }
    /// Whether the commit that left `database`'s WAL `frames` frames long checkpoints it,
    /// given a checkpoint every `every` frames (the default is SQLite's rule: every commit
    /// past `every`; the server lets one commit in every `every` frames claim it).
    fn checkpoint_due(&self, _database: &str, frames: u64, every: u64) -> bool {
        frames >= every
    }
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
    /// Every client backend's TLS state, for `pg_stat_ssl`.
    fn ssl_status(&self) -> Vec<SslRow> {
        Vec::new()
    }
    /// Called after a commit that inserted into these tables (schema, name), so the workers
    /// watching them can wake.
    fn tables_committed(&self, _database: &str, _tables: &[(String, String)]) {}
    /// Every background worker, for `pg_stat_bgworker`.
    fn bgworker_stats(&self) -> Vec<BgWorkerRow> {
        Vec::new()
    }
}

struct NoHooks;

impl ServerHooks for NoHooks {
    fn activity(&self) -> Vec<ActivityRow> {
        Vec::new()
    }
    fn signal_backend(
        &self,
        _pid: i32,
        _terminate: bool,
        _session: Option<SystemTime>,
    ) -> Result<bool, SpiError> {
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

thread_local! {
    /// SQLite names of the tables inserted into since the last commit report (a rolled-back
    /// transaction's tables stay until then: at worst a watcher wakes for nothing).
    static INSERTED: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The most tables remembered between two commits; beyond it, the rest are not reported.
const MAX_REMEMBERED: usize = 64;

/// SQLite's update hook: notes a table a row was inserted into (cheap when it repeats).
pub(crate) fn note_insert(sqlite_table: &str) {
    INSERTED.with(|t| {
        let mut t = t.borrow_mut();
        if t.last().is_some_and(|l| l == sqlite_table)
            || t.len() >= MAX_REMEMBERED
            || t.iter().any(|l| l == sqlite_table)
        {
            return;
        }
        t.push(sqlite_table.to_owned());
    });
}

/// The session ended: tables of its uncommitted inserts are not reported later.
pub(crate) fn forget_inserted() {
    INSERTED.with(|t| t.borrow_mut().clear());
}

/// After a commit: reports the writes to autovacuum and the inserted tables to their watchers.
pub(crate) fn note_commit(database: &str, rows: u64) {
    hooks().note_writes(database, rows);
    let tables: Vec<(String, String)> = INSERTED.with(|t| {
        t.borrow_mut()
            .drain(..)
            .map(|n| sql::catalog::pg_name(&n))
            .collect()
    });
    if !tables.is_empty() {
        hooks().tables_committed(database, &tables);
    }
}
