//! Opening SQLite connections the way minipg needs them.
//!
//! Every connection: WAL, `synchronous = FULL` (or `NORMAL` when `synchronous_commit = off`),
//! `foreign_keys = on`, a busy handler that waits up to `busy_timeout` in ≤ 10 ms slices and
//! gives up early on an interrupt, a progress handler (every 1,000 VM steps) that stops the
//! statement when [`interrupt::pending`] says so, minipg's SQL functions, the `pg_stat_activity`
//! module and the `pg_namespace` view. Client and worker connections ([`Trust::Client`]) also
//! get the authorizer, `SQLITE_DBCONFIG_DEFENSIVE` and an ATTACH limit of 0; extension loading
//! is never enabled (rusqlite's `load_extension` feature is off).
//!
//! Invariant: a connection belongs to the process that opened it. It is opened after fork and
//! must never be used across one (SQLite's locks are per process; a forked copy would corrupt
//! the lock state).
//! Never: opens a path outside the data directory — callers pass `database_path`.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::{Connection, OpenFlags};

use crate::authorizer::AuthState;
use crate::catalog;
use crate::error::{ErrorContext, SpiError, map_sqlite_error};
use crate::functions;
use crate::interrupt;

/// Connection settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOptions {
    /// `synchronous_commit`: `FULL` when on, `NORMAL` when off.
    pub synchronous_commit: bool,
    /// How long a statement waits for another process's write lock (default 5 s).
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            synchronous_commit: true,
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// Whose SQL the connection runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trust {
    /// Client or worker SQL: authorizer on except around the server's own statements.
    Client,
    /// Only the server's own statements (startup, CREATE DATABASE): no authorizer.
    Server,
}

/// A connection plus its authorizer state.
pub(crate) struct SqlConn {
    pub conn: Connection,
    pub auth: Arc<AuthState>,
    busy_timeout_ms: Arc<AtomicU64>,
}

impl SqlConn {
    /// Opens the existing database file at `path`.
    pub(crate) fn open(
        path: &Path,
        database: &str,
        user: &str,
        opts: &OpenOptions,
        trust: Trust,
        create: bool,
    ) -> Result<SqlConn, SpiError> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let mut conn = Connection::open_with_flags(path, flags).map_err(|e| {
            let mut err = map_sqlite_error(e, &ErrorContext::default());
            err.message = format!(
                "could not open database \"{database}\" ({}): {}",
                path.display(),
                err.message
            );
            err
        })?;
        let auth = Arc::new(AuthState::new(false));
        let busy_timeout_ms = Arc::new(AtomicU64::new(duration_ms(opts.busy_timeout)));
        {
            let timeout = Arc::clone(&busy_timeout_ms);
            let mut started = Instant::now();
            conn.busy_handler(Some(move |count: i32| {
                if count == 0 {
                    started = Instant::now();
                }
                if interrupt::pending() {
                    return false;
                }
                let limit = Duration::from_millis(timeout.load(Ordering::Relaxed));
                if started.elapsed() >= limit {
                    return false;
                }
                let step = 1u64 << count.clamp(0, 3); // 1, 2, 4, 8 ms
                std::thread::sleep(Duration::from_millis(step.min(10)));
                true
            }))?;
        }
        conn.progress_handler(1000, Some(interrupt::pending))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(SpiError::internal(format!(
                "could not put database \"{database}\" in WAL mode (got {mode})"
            )));
        }
        let sync = if opts.synchronous_commit {
            "FULL"
        } else {
            "NORMAL"
        };
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON;"
        ))?;
        conn.set_prepared_statement_cache_capacity(64);
        functions::register(&conn, database, user)?;
        catalog::views::register(&conn)?;
        if catalog::catalog_present(&conn)? {
            catalog::install_views(&conn)?;
        }
        if trust == Trust::Client {
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
            conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
            let state = Arc::clone(&auth);
            conn.authorizer(Some(move |ctx: rusqlite::hooks::AuthContext<'_>| {
                state.authorize(ctx)
            }))?;
            auth.set_enforce(true);
        }
        Ok(SqlConn {
            conn,
            auth,
            busy_timeout_ms,
        })
    }

    /// Runs the server's own statements with the authorizer off, restoring it after.
    pub(crate) fn trusted<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        let was = self.auth.enforcing();
        self.auth.set_enforce(false);
        let out = f(&self.conn);
        self.auth.set_enforce(was);
        out
    }

    /// Changes how long statements wait for the write lock.
    pub(crate) fn set_busy_timeout(&self, timeout: Duration) {
        self.busy_timeout_ms
            .store(duration_ms(timeout), Ordering::Relaxed);
    }
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
