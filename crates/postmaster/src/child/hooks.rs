//! The spi crate's [`spi::ServerHooks`] over shared memory: `pg_stat_activity` from the PGPROC
//! array (plus running background workers without shared-memory access, from the worker
//! status array), `pg_stat_bgworker` from the worker status array, `pg_cancel_backend` /
//! `pg_terminate_backend`, autovacuum's write counts and `pg_stat_autovacuum`, the tables a
//! commit inserted into (worker_spi's wake-up), `pg_stat_ssl`, LISTEN/NOTIFY's queue
//! (`proc::notify`), and the group-commit wait of a committing process ([`crate::walwriter`]).

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
                state: Some(s.state.as_str())
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
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

    fn ssl_status(&self) -> Vec<spi::SslRow> {
        proc::activity()
            .into_iter()
            .filter(|s| s.backend_type == "client backend")
            .map(|s| {
                let tls = s.ssl.and_then(|t| {
                    let mut it = t.split(' ');
                    let (v, c, b) = (it.next()?, it.next()?, it.next()?.parse().ok()?);
                    Some((v.to_owned(), c.to_owned(), b))
                });
                spi::SslRow { pid: s.pid, tls }
            })
            .collect()
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

    fn busy_wait(&self, pause: std::time::Duration) {
        shmem::walindex::wait_busy(pause);
    }

    fn checkpoint_due(&self, database: &str, frames: u64, every: u64) -> bool {
        crate::walwriter::checkpoint_due(database, frames, every)
    }

    fn autovacuum_stats(&self) -> Vec<spi::AutovacuumRow> {
        crate::autovacuum::stats()
    }

    fn notify_reserve(&self, channel: &str, payload: &str) -> bool {
        proc::notify::reserve(proc::notify::entry_size(channel, payload))
    }

    fn notify_release(&self, notes: &[(String, String)]) {
        proc::notify::release(reserved(notes));
    }

    fn notify_append(&self, database: &str, notes: &[(String, String)]) {
        // SAFETY: getpid has no preconditions.
        let pid = unsafe { libc::getpid() };
        proc::notify::append(
            proc::notify::database_key(database),
            pid,
            notes,
            reserved(notes),
        );
    }

    fn notify_listen(&self, database: &str, on: bool) {
        if on {
            proc::notify::listen(proc::notify::database_key(database));
        } else {
            proc::notify::unlisten();
        }
    }

    fn notify_read(&self, f: &mut dyn FnMut(i32, &str, &str)) {
        proc::notify::read(f);
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

    fn signal_backend(
        &self,
        pid: i32,
        terminate: bool,
        session: Option<std::time::SystemTime>,
    ) -> Result<bool, SpiError> {
        let Some(p) = proc::find_proc(pid) else {
            return Ok(false);
        };
        // The session the caller was allowed to signal ended (its process may serve another
        // by now): nothing to signal.
        if session.is_some() && p.status.backend_start() != session {
            return Ok(false);
        }
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

/// The queue room `notes` were promised.
fn reserved(notes: &[(String, String)]) -> usize {
    notes
        .iter()
        .map(|(c, p)| proc::notify::entry_size(c, p))
        .sum()
}
