//! The worker process side: what runs in the child the postmaster forked for a worker, and the
//! [`Worker`] handle its main function uses.
//!
//! Signals (installed by [`run_worker`] through `shmem::interrupt`, shared by every child
//! role): SIGTERM and SIGHUP set a flag and the process latch (SIGTERM without SA_RESTART);
//! SIGUSR1 sets the latch; SIGQUIT is quick-die (`_exit(2)`, no cleanup: the child slot stays
//! ACTIVE and the postmaster treats it as a crash only when it did not send the SIGQUIT
//! itself). User callbacks (`on_sighup`, `on_sigterm`) run from [`Worker::wait_latch`], never
//! inside a handler.
//!
//! Postmaster death: the death signal ends the worker at once (exit 1), busy in SQL or not.
//!
//! Exits: main returning `Ok` → exit 0; `Err` → an ERROR line, exit 1; a FATAL (e.g.
//! [`Worker::initialize_connection`] without the flag) → exit 1; a panic aborts (a crash: the
//! panicking code may have left shared memory inconsistent). Every clean exit gives the PGPROC
//! back (`proc_kill`, also run by `exit`'s atexit handler).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use shmem::WaitEvents;
use shmem::interrupt::{self, Disposition, Restart};
use shmem::latch;

use crate::registry::BackgroundWorker;

static SIGHUP_FOR_USER: AtomicBool = AtomicBool::new(false);
static SIGTERM_CALLBACK_RAN: AtomicBool = AtomicBool::new(false);
static ENTRY: OnceLock<BackgroundWorker> = OnceLock::new();
static DATABASE: OnceLock<String> = OnceLock::new();

/// An error a worker's main returns (logged as ERROR; the worker exits 1).
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// A SQL error.
    #[error("{0}")]
    Spi(#[from] spi::SpiError),
    /// The postmaster died while the worker waited.
    #[error("postmaster died")]
    PostmasterDied,
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

impl WorkerError {
    /// An error with a message.
    pub fn msg(m: impl Into<String>) -> Self {
        WorkerError::Other(m.into())
    }

    /// The SQLSTATE, when it is a SQL error.
    pub fn sqlstate(&self) -> Option<&'static str> {
        match self {
            WorkerError::Spi(e) => Some(e.sqlstate),
            _ => None,
        }
    }
}

/// This process's worker registration (PostgreSQL's MyBgworkerEntry); None outside workers.
pub fn my_bgworker_entry() -> Option<&'static BackgroundWorker> {
    ENTRY.get()
}

/// The handle a worker's main function receives.
#[derive(Debug)]
pub struct Worker {
    entry: &'static BackgroundWorker,
    data_dir: PathBuf,
    config_file: PathBuf,
}

fn worker_signal_set() -> libc::sigset_t {
    // SAFETY: building a signal set in a local.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [libc::SIGTERM, libc::SIGHUP, libc::SIGUSR1, libc::SIGINT] {
            libc::sigaddset(&mut set, s);
        }
        set
    }
}

fn fatal(msg: &str) -> ! {
    tracing::error!(target: "FATAL", "{msg}");
    std::process::exit(1);
}

/// Runs a worker in the freshly forked child and returns its exit code. The postmaster has
/// already done the generic child set-up (latch, postmaster-death watch, panic hook).
pub fn run_worker(
    w: BackgroundWorker,
    child_slot: usize,
    data_dir: &Path,
    config_file: &Path,
) -> i32 {
    let entry = match ENTRY.set(w) {
        Ok(()) => ENTRY.get(),
        Err(_) => None,
    };
    let Some(entry) = entry else {
        tracing::error!(target: "FATAL", "background worker entry set twice");
        return 1;
    };
    proc::ps_status::set(&format!("postmaster: bgworker: {}", entry.name));
    // The shared child handlers (SIGTERM without SA_RESTART, as in every role); no statement
    // of a client to cancel, so SIGINT is ignored.
    interrupt::install_child_handlers();
    interrupt::set(libc::SIGINT, Disposition::Ignore, Restart::Yes);
    // SAFETY: every signal is let through now (the postmaster forked us with its signals
    // blocked so that none arrived before our handlers).
    unsafe {
        let mut none: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut none);
        libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
    }
    // Postmaster death ends a worker at once, in the middle of a statement too (PostgreSQL's
    // WL_EXIT_ON_PM_DEATH, without waiting for the next wait): its open transaction is rolled
    // back by SQLite, and no one is left to supervise it.
    shmem::pmdeath::set_exit_on_death(true);
    if entry.flags.shmem_access
        && let Err(e) = proc::init_process(proc::BackendType::BgWorker, &entry.name, child_slot)
    {
        fatal(&format!("background worker \"{}\": {e}", entry.name));
    }
    let worker = Worker {
        entry,
        data_dir: data_dir.to_owned(),
        config_file: config_file.to_owned(),
    };
    let code = match (entry.main)(&worker) {
        Ok(()) => 0,
        Err(WorkerError::PostmasterDied) => 1,
        Err(e) => {
            tracing::error!("background worker \"{}\": {e}", entry.name);
            1
        }
    };
    crate::watch::unwatch_all();
    spi::abort_current_transaction();
    proc::proc_kill();
    code
}

impl Worker {
    /// The registration.
    pub fn entry(&self) -> &'static BackgroundWorker {
        self.entry
    }

    /// The worker's name.
    pub fn name(&self) -> &str {
        &self.entry.name
    }

    /// The registered `main_arg`.
    pub fn main_arg(&self) -> i64 {
        self.entry.main_arg
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// BackgroundWorkerInitializeConnection: connects this process to `database` as `user`
    /// (FATAL, exit 1, unless the worker registered for a database connection).
    pub fn initialize_connection(&self, database: &str, user: &str) -> Result<(), WorkerError> {
        if !self.entry.flags.database_connection {
            fatal("database connection requirement not indicated during registration");
        }
        let opts = spi::OpenOptions {
            synchronous_commit: guc::builtin::SYNCHRONOUS_COMMIT.get(),
            ..spi::OpenOptions::default()
        };
        spi::worker_connect(&self.data_dir, database, user, opts)?;
        let _ = DATABASE.set(database.to_owned());
        if let Some(p) = proc::my_proc() {
            p.status.set_connection(database, user);
        }
        Ok(())
    }

    /// Wakes this worker (sets its latch) whenever a transaction that inserted into
    /// `schema.table` of its database commits, so it need not poll. False when the shared
    /// registry is full or the worker is not connected (then only its timeout wakes it).
    pub fn watch_table(&self, schema: &str, table: &str) -> bool {
        match DATABASE.get() {
            Some(db) => crate::watch::watch(db, schema, table),
            None => false,
        }
    }

    /// BackgroundWorkerBlockSignals: holds SIGTERM, SIGHUP, SIGUSR1 and SIGINT back.
    pub fn block_signals(&self) {
        let set = worker_signal_set();
        // SAFETY: changing this thread's signal mask with a valid set.
        unsafe { libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
    }

    /// BackgroundWorkerUnblockSignals: delivers what was held back.
    pub fn unblock_signals(&self) {
        let set = worker_signal_set();
        // SAFETY: changing this thread's signal mask with a valid set.
        unsafe { libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
    }

    /// Whether SIGTERM arrived (stays true).
    pub fn sigterm_received(&self) -> bool {
        interrupt::shutdown_requested()
    }

    /// Whether SIGHUP arrived since the last call (the flag is consumed). The configuration
    /// file has already been re-read by [`Worker::wait_latch`] when this says true.
    pub fn sighup_received(&self) -> bool {
        self.process_sighup();
        SIGHUP_FOR_USER.swap(false, Ordering::SeqCst)
    }

    fn process_sighup(&self) {
        if interrupt::take_config_reload() {
            for line in guc::reload(&self.config_file) {
                tracing::info!("{line}");
            }
            if let Some(f) = self.entry.on_sighup {
                f();
            }
            SIGHUP_FOR_USER.store(true, Ordering::SeqCst);
        }
    }

    /// Waits on the process latch for at most `timeout`, then resets it. Ok(true): carry on;
    /// Ok(false): SIGTERM arrived, leave the loop; Err(PostmasterDied): the postmaster is gone.
    /// A SIGHUP re-reads the configuration file and runs `on_sighup` here, from the loop.
    pub fn wait_latch(&self, timeout: Duration) -> Result<bool, WorkerError> {
        let ev = self.wait_latch_events(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT | WaitEvents::POSTMASTER_DEATH,
            Some(timeout),
        );
        if ev.contains(WaitEvents::POSTMASTER_DEATH) {
            return Err(WorkerError::PostmasterDied);
        }
        self.process_sighup();
        if self.sigterm_received() {
            if !SIGTERM_CALLBACK_RAN.swap(true, Ordering::SeqCst)
                && let Some(f) = self.entry.on_sigterm
            {
                f();
            }
            return Ok(false);
        }
        Ok(true)
    }

    /// The raw WaitLatch: waits for `events` and resets the latch when it was set.
    pub fn wait_latch_events(&self, events: WaitEvents, timeout: Option<Duration>) -> WaitEvents {
        if self.sigterm_received() && events.contains(WaitEvents::LATCH_SET) {
            return WaitEvents::LATCH_SET;
        }
        let l = latch::my_latch();
        let ev = l.wait(events, timeout);
        if ev.contains(WaitEvents::LATCH_SET) {
            l.reset();
        }
        ev
    }

    /// Runs `f` in one transaction (`BEGIN IMMEDIATE`: a worker reads then writes), committing
    /// on Ok and rolling back on Err. Requires [`Worker::initialize_connection`].
    pub fn transaction<T>(
        &self,
        f: impl FnOnce(&mut spi::SpiClient) -> Result<T, spi::SpiError>,
    ) -> Result<T, WorkerError> {
        self.reporting_active(|| spi::transaction(f))
    }

    /// [`transaction`](Self::transaction) in a read-only transaction: it never waits for
    /// the database's write lock nor makes a writer wait, and a statement that would write
    /// fails with 25006. For looking before writing: whether there is work at all.
    pub fn read_only_transaction<T>(
        &self,
        f: impl FnOnce(&mut spi::SpiClient) -> Result<T, spi::SpiError>,
    ) -> Result<T, WorkerError> {
        self.reporting_active(|| spi::read_only_transaction(f))
    }

    /// Runs a transaction with `pg_stat_activity` showing this worker active meanwhile.
    fn reporting_active<T>(
        &self,
        run: impl FnOnce() -> Result<T, spi::SpiError>,
    ) -> Result<T, WorkerError> {
        if let Some(p) = proc::my_proc() {
            p.status.report(proc::ActivityState::Active, None);
        }
        let r = run().map_err(WorkerError::from);
        if let Some(p) = proc::my_proc() {
            p.status.report(proc::ActivityState::Idle, None);
        }
        r
    }
}
