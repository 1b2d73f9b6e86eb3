//! The spi crate's [`spi::ServerHooks`] over shared memory: `pg_stat_activity` from the PGPROC
//! array (plus running background workers without shared-memory access, from the worker
//! status array), `pg_cancel_backend` / `pg_terminate_backend`, and autovacuum's write counts
//! and `pg_stat_autovacuum`; the group-commit wait of a committing process ([`crate::walwriter`]).

use std::time::SystemTime;

use spi::{ActivityRow, ServerHooks, SpiError};

/// Installed once in the postmaster before any fork; every child inherits it.
pub struct ShmemHooks;

impl ServerHooks for ShmemHooks {
    fn activity(&self) -> Vec<ActivityRow> {
        let mut rows: Vec<ActivityRow> = proc::activity()
            .into_iter()
            .map(|s| ActivityRow {
                pid: s.pid,
                datname: s.datname,
                usename: s.usename,
                backend_type: s.backend_type,
                state: s.state.as_str().map(str::to_owned),
                query: s.query,
                backend_start: s.backend_start,
                query_start: s.query_start,
            })
            .collect();
        let shmem_workers: Vec<String> = bgworker::registered_workers()
            .into_iter()
            .filter(|w| w.flags.shmem_access)
            .map(|w| w.name)
            .collect();
        for w in bgworker::shmem_status::worker_statuses() {
            if let Some(pid) = w.pid
                && !shmem_workers.contains(&w.name)
            {
                rows.push(ActivityRow {
                    pid,
                    datname: None,
                    usename: None,
                    backend_type: w.name,
                    state: None,
                    query: None,
                    backend_start: None::<SystemTime>,
                    query_start: None,
                });
            }
        }
        rows
    }

    fn note_writes(&self, database: &str, rows: u64) {
        crate::autovacuum::note_writes(database, rows);
    }

    fn group_commit(&self) -> bool {
        crate::walwriter::available()
    }

    fn commit_written(&self, database: &str, wal_path: &std::path::Path, wait: bool) {
        crate::walwriter::commit_written(database, wal_path, wait);
    }

    fn autovacuum_stats(&self) -> Vec<spi::AutovacuumRow> {
        crate::autovacuum::stats()
    }

    fn signal_backend(&self, pid: i32, terminate: bool) -> Result<bool, SpiError> {
        let Some(p) = proc::find_proc(pid) else {
            return Ok(false);
        };
        if matches!(
            p.backend_type(),
            Some(proc::BackendType::Startup | proc::BackendType::WalWriter)
        ) {
            return Ok(false);
        }
        let sig = if terminate {
            libc::SIGTERM
        } else {
            libc::SIGINT
        };
        // SAFETY: signalling a process that holds one of our PGPROC entries.
        Ok(unsafe { libc::kill(pid, sig) } == 0)
    }
}
