//! Opening SQLite connections the way minipg needs them.
//!
//! Every connection: WAL, `foreign_keys = on`, durable commits (see "Durability" below), a
//! busy handler that waits up to `busy_timeout` in pauses growing from 25 µs to 10 ms (in a
//! server each ends early when the refused lock is let go, [`crate::ServerHooks::busy_wait`]) and
//! gives up early on an interrupt, a progress handler (every 1,000 VM steps) that stops the
//! statement when [`interrupt::pending`] says so, minipg's SQL functions, the `pg_stat_activity`
//! module and the `pg_namespace` view. Client and worker connections ([`Trust::Client`]) also
//! get the authorizer, `SQLITE_DBCONFIG_DEFENSIVE` and an ATTACH limit of 0; extension loading
//! is never enabled (rusqlite's `load_extension` feature is off).
//!
//! `pg_namespace` is a TEMP view created the first time a statement's text names it
//! ([`SqlConn::install_views_for`]): creating it costs a TEMP schema and a parse per
//! connection, about a quarter of a backend's start-up, and most sessions never read it.
//! Before the first connection, the process turns off SQLite's memory statistics, its bulk
//! page-cache pre-allocation and its lookaside buffers ([`configure_process`]): they cost every
//! backend time and page faults for nothing minipg uses.
//!
//! The role a connection's functions resolve `$user` with ([`SessionUser`]) is a cell the
//! functions read at each call: set at open, or — for a connection a pre-forked backend opened
//! before its client arrived ([`SqlConn::open_ahead`], `preopen`) — at login
//! ([`SqlConn::adopt`]).
//!
//! Durability. In a server ([`crate::ServerHooks::group_commit`]), every connection writes its
//! commits with `synchronous = NORMAL` — WAL frames written, no fsync — and a WAL hook
//! (`sqlite3_wal_hook`, which SQLite calls after the commit, with the write lock already
//! released, before `sqlite3_step` returns) calls [`crate::ServerHooks::commit_written`], which
//! with `synchronous_commit = on` waits for the WAL writer's group commit. So a commit is
//! acknowledged (CommandComplete, or a worker's SPI commit returning) only once durable, and
//! one fsync covers every commit written before it began. Replacing SQLite's WAL hook also
//! replaces its automatic checkpoint (which is itself a WAL hook): one commit in every
//! 1,000 WAL frames, whichever process it runs in, claims a checkpoint
//! ([`crate::ServerHooks::checkpoint_due`]): a PASSIVE checkpoint, then a RESTART (see
//! [`RESTART_WAIT_MS`]).
//! Without a server (unit tests, tools)
//! there is no WAL writer: `synchronous = FULL`, SQLite syncs each commit itself (`NORMAL`
//! when `synchronous_commit = off`).
//!
//! Invariant: a connection belongs to the process that opened it. It is opened after fork and
//! must never be used across one (SQLite's locks are per process; a forked copy would corrupt
//! the lock state).
//! Never: opens a path outside the data directory — callers pass `database_path`.

use std::cell::Cell;
use std::ffi::{c_int, c_void};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once, PoisonError};
use std::time::{Duration, Instant};

use rusqlite::config::DbConfig;
use rusqlite::hooks::Wal;
use rusqlite::limits::Limit;
use rusqlite::wal::CheckpointMode;
use rusqlite::{Connection, OpenFlags, ffi};

use crate::authorizer::AuthState;
use crate::catalog;
use crate::catalog::sequence::{self, SeqSession};
use crate::error::{ErrorContext, SpiError, map_sqlite_error};
use crate::functions;
use crate::hooks::hooks;
use crate::interrupt;

/// WAL frames between two checkpoints (SQLite's default `wal_autocheckpoint`, which the
/// group-commit WAL hook replaces).
const AUTOCHECKPOINT_PAGES: u64 = 1000;

/// How long a RESTART checkpoint waits for the readers, in ms. Every claimed checkpoint ends
/// with a RESTART: while other writers keep appending, a PASSIVE checkpoint never catches up
/// with the WAL's end, so SQLite never starts the WAL over and it grows without bound (630 MB
/// in three minutes of 8-client inserts, all of it read again by recovery). RESTART holds the
/// write lock until every frame is copied and the readers have moved past the WAL, so the next
/// writer starts it over; other writers wait at most this long for the readers (then it fails
/// busy and is retried at the next claim). A PASSIVE checkpoint runs first: the bulk of the
/// work (the WAL's sync, the copy, the database file's sync) then happens without the write
/// lock, and the RESTART holds it only for what was appended meanwhile (with a RESTART alone,
/// both CPUs were idle 10–18 % of the time in 8-client inserts with `synchronous_commit =
/// off`, every writer waiting for its two syncs; a PASSIVE first gave 24 % more inserts).
/// Starting over at every claim also keeps SQLite's WAL-index hash chains short: every commit
/// appends the same table page, and each lookup or append of that page walks all its frames
/// since the start (up to 9 % of the CPU of 8-client inserts with a restart every 4,000
/// frames; 10 % more inserts per second at 1,000).
const RESTART_WAIT_MS: u64 = 10;

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

/// SQLite's limits, set on every connection at open so that none depends on how the library
/// was built (docs/limits.md). Each error SQLite reports at one of them is mapped to
/// PostgreSQL's SQLSTATE in `error.rs`.
const SQLITE_LIMITS: &[(Limit, i32)] = &[
    // The largest string or blob, and so the largest value and row: 54000.
    (
        Limit::SQLITE_LIMIT_LENGTH,
        sql::value::MAX_VALUE_BYTES as i32,
    ),
    // The SQL SQLite is given (the translation of a Query up to max_message_size): 54000.
    (Limit::SQLITE_LIMIT_SQL_LENGTH, 1_000_000_000),
    // Columns of a table, result, index, ORDER BY or GROUP BY (PostgreSQL: 1600 per table,
    // 1664 per target list): 54011.
    (Limit::SQLITE_LIMIT_COLUMN, 2000),
    // Depth of an expression tree: 54001 (the analyzer stops at 500 levels before this).
    (Limit::SQLITE_LIMIT_EXPR_DEPTH, 1000),
    // Terms of a UNION/INTERSECT/EXCEPT chain: 54001.
    (Limit::SQLITE_LIMIT_COMPOUND_SELECT, 500),
    // Arguments of one function call: 54023.
    (Limit::SQLITE_LIMIT_FUNCTION_ARG, 1000),
    // Highest `$n`: 54023.
    (Limit::SQLITE_LIMIT_VARIABLE_NUMBER, 32766),
    // Bytes of a LIKE or GLOB pattern SQLite evaluates: 54000.
    (Limit::SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 50_000),
    // Nesting of triggers: 54001.
    (Limit::SQLITE_LIMIT_TRIGGER_DEPTH, 1000),
];

/// Whose SQL the connection runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trust {
    /// Client or worker SQL: authorizer on except around the server's own statements.
    Client,
    /// Only the server's own statements (startup, CREATE DATABASE): no authorizer.
    Server,
}

/// The savepoint a transaction's work is rolled back to when its sequence advances must be
/// kept (see `catalog::sequence`); opened right after BEGIN.
pub(crate) const TXN_SAVEPOINT: &str = "minipg_txn";

/// The role name a connection's functions resolve `$user` (search_path) with. Set once: at
/// open for an ordinary connection, at login for one a pre-forked backend opened before its
/// client arrived ([`SqlConn::open_ahead`]); the empty name until then, when no SQL has run
/// on the connection. The functions hold clones and read it at each call.
#[derive(Clone, Debug, Default)]
pub(crate) struct SessionUser(Arc<std::sync::Mutex<Arc<str>>>);

impl SessionUser {
    fn new(user: Option<&str>) -> SessionUser {
        SessionUser(Arc::new(std::sync::Mutex::new(Arc::from(
            user.unwrap_or_default(),
        ))))
    }

    /// The role name (empty before a session has the connection).
    pub(crate) fn get(&self) -> Arc<str> {
        Arc::clone(&self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn set(&self, user: &str) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Arc::from(user);
    }
}

/// A connection plus its authorizer state.
pub(crate) struct SqlConn {
    pub conn: Connection,
    pub auth: Arc<AuthState>,
    /// PostgreSQL's per-session sequence state, shared with the connection's functions.
    pub seq: Arc<SeqSession>,
    /// LISTEN/NOTIFY state, shared with the connection's `pg_notify`.
    pub notify: Arc<crate::notify::Notifications>,
    busy_timeout_ms: Arc<AtomicU64>,
    /// Whose session this is, for the functions (see [`SessionUser`]).
    user: SessionUser,
    /// The `synchronous` pragma the connection was given.
    synchronous: &'static str,
    /// The TEMP `pg_namespace` view exists (or the file has no catalog to build it from).
    views_installed: Cell<bool>,
    /// The identity of the file at the database's path right after the open.
    file: Option<crate::preopen::FileId>,
}

/// Process-wide SQLite settings, applied once, before SQLite initializes in this process
/// (`sqlite3_config` refuses with `SQLITE_MISUSE` afterwards, which is harmless: the
/// defaults stay). Memory statistics off: no global mutex and accounting on every
/// allocation (minipg sets no heap limit). Page-cache bulk pre-allocation off: SQLite would
/// otherwise allocate and touch 20 pages per database per connection up front — about a
/// fifth of a backend's start-up in page faults — where minipg's catalog needs a handful.
/// Lookaside off: SQLite would allocate and touch 48 KB per connection for its small-object
/// slots, and the ~1,000 function definitions registered on every connection (never freed
/// before it closes) take all of them at once, so statements never got any.
pub(crate) fn configure_process() {
    static CONFIGURED: Once = Once::new();
    CONFIGURED.call_once(|| {
        // SAFETY: both options take only plain integer/pointer varargs of the types given.
        // sqlite3_config must not race with another thread using SQLite: this runs before
        // the process's first connection is opened through this crate, and minipg's
        // processes open their connections from their main thread. If SQLite was already
        // initialized, sqlite3_config only returns MISUSE and changes nothing.
        unsafe {
            ffi::sqlite3_config(ffi::SQLITE_CONFIG_MEMSTATUS, 0 as c_int);
            ffi::sqlite3_config(
                ffi::SQLITE_CONFIG_PAGECACHE,
                std::ptr::null_mut::<c_void>(),
                0 as c_int,
                0 as c_int,
            );
            ffi::sqlite3_config(ffi::SQLITE_CONFIG_LOOKASIDE, 0 as c_int, 0 as c_int);
        }
    });
}

/// Configures and initializes the SQLite library in this process without opening any
/// database: no file, lock or connection is created, so it is safe in a process that must
/// never open SQLite (the postmaster) before it forks. Children then inherit an initialized
/// library instead of each paying `sqlite3_initialize` (built-in function tables, VFS,
/// mutexes: 4–12 % of a backend's start-up, measured with `perf`).
pub fn initialize_library() -> Result<(), SpiError> {
    configure_process();
    // SAFETY: sqlite3_initialize takes no arguments and is idempotent; called before any
    // thread of this process uses SQLite (the postmaster is single-threaded).
    let rc = unsafe { ffi::sqlite3_initialize() };
    if rc == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(SpiError::internal(format!(
            "could not initialize SQLite (code {rc})"
        )))
    }
}

/// Does `sql` name the `pg_namespace` view (any case, quoted or not)?
fn names_pg_namespace(sql: &str) -> bool {
    const NAME: &[u8] = b"pg_namespace";
    sql.as_bytes()
        .windows(NAME.len())
        .any(|w| w.eq_ignore_ascii_case(NAME))
}

/// The `synchronous` pragma for `opts` (see "Durability" above).
fn synchronous_for(opts: &OpenOptions) -> &'static str {
    if opts.synchronous_commit && !hooks().group_commit() {
        "FULL"
    } else {
        "NORMAL"
    }
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
        Self::open_as(
            path,
            database,
            SessionUser::new(Some(user)),
            opts,
            trust,
            create,
        )
    }

    /// Opens a client connection to the existing database file at `path` before its session's
    /// role is known: everything [`open`](Self::open) does, with the functions' `$user` left
    /// for [`adopt`](Self::adopt) to set at login. Nothing may run on it before that.
    pub(crate) fn open_ahead(
        path: &Path,
        database: &str,
        opts: &OpenOptions,
    ) -> Result<SqlConn, SpiError> {
        Self::open_as(
            path,
            database,
            SessionUser::new(None),
            opts,
            Trust::Client,
            false,
        )
    }

    /// Makes a connection from [`open_ahead`](Self::open_ahead) the session of `user` with
    /// `opts` (an error for a connection that already belongs to a session).
    pub(crate) fn adopt(&mut self, user: &str, opts: &OpenOptions) -> Result<(), SpiError> {
        if !self.user.get().is_empty() {
            return Err(SpiError::internal("the connection already has its session"));
        }
        self.user.set(user);
        self.set_busy_timeout(opts.busy_timeout);
        let sync = synchronous_for(opts);
        if sync != self.synchronous {
            self.conn
                .execute_batch(&format!("PRAGMA synchronous = {sync};"))?;
            self.synchronous = sync;
        }
        Ok(())
    }

    fn open_as(
        path: &Path,
        database: &str,
        user: SessionUser,
        opts: &OpenOptions,
        trust: Trust,
        create: bool,
    ) -> Result<SqlConn, SpiError> {
        configure_process();
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
        let file = crate::preopen::file_id(path);
        let auth = Arc::new(AuthState::new(false));
        let busy_timeout_ms = Arc::new(AtomicU64::new(duration_ms(opts.busy_timeout)));
        wait_when_busy(&mut conn, Arc::clone(&busy_timeout_ms))?;
        conn.progress_handler(1000, Some(interrupt::pending))?;
        for &(limit, value) in SQLITE_LIMITS {
            conn.set_limit(limit, value)?;
        }
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(SpiError::internal(format!(
                "could not put database \"{database}\" in WAL mode (got {mode})"
            )));
        }
        let sync = synchronous_for(opts);
        if hooks().group_commit() {
            let db = database.to_owned();
            let busy_wait = Arc::clone(&busy_timeout_ms);
            let mut wal_path = path.as_os_str().to_owned();
            wal_path.push("-wal");
            let wal_path = std::path::PathBuf::from(wal_path);
            conn.wal_hook(Some(move |wal: &mut Wal, pages: c_int| {
                if wal.name() != c"main" {
                    return Ok(());
                }
                // The session's current setting: SET synchronous_commit applies at once.
                let wait = guc::builtin::SYNCHRONOUS_COMMIT.get();
                hooks().commit_written(&db, &wal_path, wait);
                let frames = u64::try_from(pages).unwrap_or(0);
                if !hooks().checkpoint_due(&db, frames, AUTOCHECKPOINT_PAGES) {
                    return Ok(());
                }
                // A failed or busy checkpoint is retried at the next claim.
                let limit = busy_wait.swap(RESTART_WAIT_MS, Ordering::Relaxed);
                let _ = wal.checkpoint_v2(CheckpointMode::PASSIVE);
                let _ = wal.checkpoint_v2(CheckpointMode::RESTART);
                busy_wait.store(limit, Ordering::Relaxed);
                Ok(())
            }))?;
        }
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {sync}; PRAGMA foreign_keys = ON;"
        ))?;
        conn.set_prepared_statement_cache_capacity(64);
        // A double-quoted name that does not resolve is an error, never a string literal.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DML, false)?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DQS_DDL, false)?;
        crate::runtime::register(&conn)?;
        functions::register(&conn, database, &user)?;
        catalog::views::register(&conn)?;
        let seq = Arc::new(SeqSession::default());
        sequence::register(&conn, &seq, &auth, &user)?;
        let notify = Arc::new(crate::notify::Notifications::default());
        crate::notify::register(&conn, &notify)?;
        if trust == Trust::Client {
            conn.update_hook(Some(
                |action: rusqlite::hooks::Action, _db: &str, table: &str, _row: i64| {
                    if action == rusqlite::hooks::Action::SQLITE_INSERT {
                        crate::hooks::note_insert(table);
                    }
                },
            ))?;
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true)?;
            conn.set_limit(Limit::SQLITE_LIMIT_ATTACHED, 0)?;
            let state = Arc::clone(&auth);
            conn.authorizer(Some(move |ctx: rusqlite::hooks::AuthContext<'_>| {
                state.authorize(ctx)
            }))?;
            auth.set_enforce(true);
        }
        // SAFETY: the handle lives in `seq`, which `SqlConn::drop` detaches before `conn`
        // closes; nothing between here and the `SqlConn` below can fail.
        unsafe { seq.attach(&conn) }?;
        Ok(SqlConn {
            conn,
            auth,
            seq,
            notify,
            busy_timeout_ms,
            user,
            synchronous: sync,
            views_installed: Cell::new(false),
            file,
        })
    }

    /// The identity of its file (see `preopen`).
    pub(crate) fn file(&self) -> Option<crate::preopen::FileId> {
        self.file
    }

    /// The session that had this connection ended (its `Session` rolled back, closed its
    /// portals and dropped its LISTENs): makes the connection as [`open_ahead`](Self::open_ahead)
    /// left it, for the process's next session on the same database. False, and the
    /// connection is to be closed instead, when the session may have left anything in it: a
    /// transaction, a temporary object, an attached database, a connection setting it changed.
    /// Its prepared statements go (they were authorized for the session's role), its sequence
    /// values go (`currval`, `lastval`, cached values), its role name is emptied.
    pub(crate) fn recycle(&mut self) -> bool {
        if !self.conn.is_autocommit() {
            return false;
        }
        let untouched = self.trusted(|c| {
            let temp: i64 =
                c.query_row("SELECT count(*) FROM temp.sqlite_schema", [], |r| r.get(0))?;
            let files: i64 = c.query_row("SELECT count(*) FROM pragma_database_list", [], |r| {
                r.get(0)
            })?;
            Ok::<bool, rusqlite::Error>(
                temp == 0
                    && files <= 2
                    && c.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE)?
                    && !c.db_config(DbConfig::SQLITE_DBCONFIG_LEGACY_ALTER_TABLE)?
                    && !c.db_config(DbConfig::SQLITE_DBCONFIG_WRITABLE_SCHEMA)?
                    && c.limit(Limit::SQLITE_LIMIT_ATTACHED)? == 0,
            )
        });
        if !matches!(untouched, Ok(true)) || !self.auth.enforcing() {
            return false;
        }
        self.conn.flush_prepared_statement_cache();
        self.seq.end_session();
        self.user.set("");
        true
    }

    /// Creates the TEMP catalog views before `sql` (text about to be prepared or run on this
    /// connection) is used, if it names one and they do not exist yet. A file without
    /// minipg's catalog gets none. Created inside an open SQLite transaction, the views would
    /// go with its rollback, so they count as installed only when created in autocommit
    /// (inside a transaction `CREATE … IF NOT EXISTS` simply runs again next time).
    pub(crate) fn install_views_for(&self, sql: &str) -> Result<(), SpiError> {
        if self.views_installed.get() || !names_pg_namespace(sql) {
            return Ok(());
        }
        let autocommit = self.conn.is_autocommit();
        self.trusted(|c| {
            if catalog::catalog_present(c)? {
                catalog::install_views(c)?;
            }
            Ok::<(), rusqlite::Error>(())
        })?;
        self.views_installed.set(autocommit);
        Ok(())
    }

    /// Runs the server's own statements with the authorizer off, restoring it after.
    pub(crate) fn trusted<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        let was = self.auth.enforcing();
        self.auth.set_enforce(false);
        let out = f(&self.conn);
        self.auth.set_enforce(was);
        out
    }

    /// Whether this connection's transaction holds the database's write lock (it wrote, or
    /// began IMMEDIATE): every other writer waits until it ends.
    pub(crate) fn holds_write_lock(&self) -> bool {
        matches!(
            self.conn.transaction_state(Some(rusqlite::MAIN_DB)),
            Ok(rusqlite::TransactionState::Write)
        )
    }

    /// Opens a transaction (`BEGIN` or `BEGIN IMMEDIATE`) with the savepoint its work is
    /// rolled back to when sequence advances must be kept.
    pub(crate) fn begin(&self, immediate: bool) -> rusqlite::Result<()> {
        self.seq.clear_pending();
        self.trusted(|c| {
            c.execute_batch(if immediate {
                "BEGIN IMMEDIATE"
            } else {
                "BEGIN"
            })?;
            c.execute_batch(&format!("SAVEPOINT {TXN_SAVEPOINT}"))
        })
    }

    /// The open transaction committed: its sequence rows are final.
    pub(crate) fn committed(&self) {
        self.seq.clear_pending();
    }

    /// After part of the open transaction's work was undone (a failed statement, ROLLBACK TO
    /// SAVEPOINT): the sequence rows this connection wrote are put back, since PostgreSQL
    /// does not undo nextval/setval. Nothing to do when SQLite already ended the transaction.
    pub(crate) fn restore_sequences(&self) -> Result<(), SpiError> {
        if self.conn.is_autocommit() {
            self.seq.clear_pending();
            return Ok(());
        }
        let rows = self.seq.pending();
        if !rows.is_empty() {
            self.trusted(|c| sequence::write_back(c, &rows))?;
        }
        Ok(())
    }

    /// Ends the open transaction, undoing its work but keeping its sequence advances: back to
    /// the transaction's first savepoint, the sequence rows written again, committed — all
    /// before the write lock is let go, so no other process can take the same values.
    pub(crate) fn rollback_all(&self) {
        if self.conn.is_autocommit() {
            self.seq.clear_pending();
            return;
        }
        let rows = self.seq.pending();
        if !rows.is_empty() {
            let kept = self.trusted(|c| {
                c.execute_batch(&format!("ROLLBACK TO {TXN_SAVEPOINT}"))?;
                sequence::write_back(c, &rows)?;
                c.execute_batch("COMMIT")
            });
            if kept.is_ok() {
                self.seq.clear_pending();
                return;
            }
        }
        if !self.conn.is_autocommit() {
            let _ = self.trusted(|c| c.execute_batch("ROLLBACK"));
        }
        self.seq.clear_pending();
    }

    /// Changes how long statements wait for the write lock.
    pub(crate) fn set_busy_timeout(&self, timeout: Duration) {
        self.busy_timeout_ms
            .store(duration_ms(timeout), Ordering::Relaxed);
    }
}

impl Drop for SqlConn {
    fn drop(&mut self) {
        // The functions' second handle goes while the connection is still open.
        self.seq.detach();
    }
}

/// Installs the busy handler: a lock another process holds is retried for up to `timeout_ms`
/// (read at each wait, so it can change), sleeping [`busy_backoff`] between tries, and not at
/// all once an interrupt (cancel, timeout, SIGTERM) is pending.
pub(crate) fn wait_when_busy(
    conn: &mut Connection,
    timeout_ms: Arc<AtomicU64>,
) -> rusqlite::Result<()> {
    let mut started = Instant::now();
    conn.busy_handler(Some(move |count: i32| {
        if count == 0 {
            started = Instant::now();
        }
        if interrupt::pending() {
            return false;
        }
        let limit = Duration::from_millis(timeout_ms.load(Ordering::Relaxed));
        if started.elapsed() >= limit {
            return false;
        }
        hooks().busy_wait(busy_backoff(count));
        true
    }))
}

/// How long a connection sleeps before its `count`-th retry of a lock another process holds:
/// 25 µs doubling up to 10 ms. A commit holds SQLite's write lock for tens of microseconds,
/// so a first sleep of a millisecond (SQLite's own handler) would idle a writer for many
/// lock hand-overs; with group commit all the writers a sync releases retry at once, which
/// made that the limit on concurrent durable inserts.
fn busy_backoff(count: i32) -> Duration {
    let us = 25u64 << count.clamp(0, 9);
    Duration::from_micros(us.min(10_000))
}

fn duration_ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pg_namespace_is_found_in_any_case_and_quoting() {
        assert!(names_pg_namespace("select * from pg_namespace"));
        assert!(names_pg_namespace("SELECT * FROM \"PG_Namespace\""));
        assert!(names_pg_namespace(
            "select 1 from pg_catalog.pg_namespace n"
        ));
        assert!(!names_pg_namespace("select 1"));
        assert!(!names_pg_namespace("select pg_namespac"));
    }
}
