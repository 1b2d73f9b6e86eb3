//! The startup process: opens every database (SQLite replays its WAL on open), verifies and
//! repairs minipg's catalog, reports consistency to the postmaster as soon as that is done,
//! then after a crash reset checkpoints each database's WAL with truncation (logging
//! "end-of-recovery checkpoint complete" only when no checkpoint came back busy);
//! `startup_check = on` adds a quick check.
//! Exit 0 when done; exit 1 (a database cannot be opened) stops the server; death by a signal
//! is a crash. It ignores SIGHUP, SIGTERM, SIGINT and SIGUSR1 (SIGQUIT is quick-die).

use std::path::Path;

use shmem::pmsignal::{PmSignalReason, send};

use shmem::interrupt::{self, Disposition, Restart};

/// The startup process's main: returns the exit code.
pub fn startup_main(data_dir: &Path, after_crash: bool, slot: usize) -> i32 {
    interrupt::set(
        libc::SIGQUIT,
        Disposition::Handler(interrupt::quickdie),
        Restart::Yes,
    );
    // The startup process runs for milliseconds and reads no settings: a reload (SIGHUP), a
    // shutdown request (SIGTERM: the postmaster ignores its exit during a shutdown anyway),
    // SIGINT or SIGUSR1 must not kill it, which would turn a reload into a crash reset.
    for sig in [libc::SIGHUP, libc::SIGTERM, libc::SIGINT, libc::SIGUSR1] {
        interrupt::set(sig, Disposition::Ignore, Restart::Yes);
    }
    crate::signals::unblock();
    proc::ps_status::set("postmaster: startup");
    if let Err(e) = proc::init_process(proc::BackendType::Startup, "", slot) {
        tracing::error!(target: "FATAL", "startup process: {e}");
        return 1;
    }
    if after_crash {
        tracing::info!(
            "database system was not properly shut down; automatic recovery in progress"
        );
    }
    let check = guc::builtin::STARTUP_CHECK.get();
    let mut consistent = || {
        tracing::debug!("consistent recovery state reached");
        send(PmSignalReason::StartupConsistent);
    };
    let report = match spi::startup_recovery(data_dir, after_crash, check, &mut consistent) {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(target: "FATAL", "{}", e.message);
            proc::proc_kill();
            return 1;
        }
    };
    tracing::debug!("startup: {report:?}");
    if after_crash {
        if report.checkpoint_busy.is_empty() {
            tracing::info!("end-of-recovery checkpoint complete");
        } else {
            let busy: Vec<String> = report
                .checkpoint_busy
                .iter()
                .map(|db| format!("\"{db}\""))
                .collect();
            tracing::info!(
                "end-of-recovery checkpoint incomplete: the write-ahead log of database {} was in use",
                busy.join(", ")
            );
        }
    }
    proc::proc_kill();
    0
}
