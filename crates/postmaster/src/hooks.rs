//! The spi crate's [`spi::ServerHooks`] over shared memory: `pg_stat_activity` from the PGPROC
//! array (plus running background workers without shared-memory access, from the worker
//! status array), `pg_stat_bgworker` from the worker status array, `pg_cancel_backend` / `pg_terminate_backend`, and autovacuum's write counts
//! and `pg_stat_autovacuum`.

use std::time::SystemTime;

use bgworker::schedule::ChildExit;
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
        for w in bgworker::shmem_status::worker_statuses() {
            if let Some(pid) = w.pid
                && !w.shmem_access
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

    fn autovacuum_stats(&self) -> Vec<spi::AutovacuumRow> {
        crate::autovacuum::stats()
    }

    fn tables_committed(&self, database: &str, tables: &[(String, String)]) {
        bgworker::watch::committed(database, tables);
    }

    fn bgworker_stats(&self) -> Vec<spi::BgWorkerRow> {
        let procs = proc::activity();
        bgworker::shmem_status::worker_statuses()
            .into_iter()
            .map(|w| {
                let database = w
                    .pid
                    .and_then(|pid| procs.iter().find(|p| p.pid == pid))
                    .and_then(|p| p.datname.clone());
                spi::BgWorkerRow {
                    state: w.state(),
                    kind: if w.dynamic { "dynamic" } else { "static" },
                    database,
                    pid: w.pid,
                    starts: i64::from(w.start_count),
                    last_start: w.last_start,
                    last_exit: w.last_exit.map(|e| match e {
                        ChildExit::Exited(c) => format!("exit code {c}"),
                        ChildExit::Signaled(s) => {
                            format!("signal {s}: {}", crate::server::signal_name(s))
                        }
                    }),
                    last_exit_at: w.last_exit_at,
                    crash_resets: i64::from(w.resets),
                    next_restart: w.next_restart,
                    restart_policy: match w.restart {
                        bgworker::RestartPolicy::Never => "never".to_owned(),
                        bgworker::RestartPolicy::After(d) => format!("after {} s", d.as_secs()),
                    },
                    name: w.name,
                    library: w.library,
                }
            })
            .collect()
    }

    fn signal_backend(&self, pid: i32, terminate: bool) -> Result<bool, SpiError> {
        let Some(p) = proc::find_proc(pid) else {
            return Ok(false);
        };
        if p.backend_type() == Some(proc::BackendType::Startup) {
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
