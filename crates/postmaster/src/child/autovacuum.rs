//! Autovacuum for a SQLite-backed server: a launcher and short-lived workers on the autovacuum
//! PGPROC list, keeping each database's files healthy.
//!
//! - The **launcher** (started at Run when `autovacuum = on`, restarted if it exits, stopped
//!   first at shutdown) wakes every `autovacuum_naptime` on its latch and looks at each
//!   database: WAL size, free pages (from the file header, without opening SQLite), and writes
//!   since the last run (counted here by every process that commits, through
//!   `spi::ServerHooks::note_writes`). It queues the databases that need work, neediest first,
//!   never more than `autovacuum_max_workers` at once, and asks the postmaster for workers
//!   (pmsignal `StartAutovacWorker` + SIGUSR1), as PostgreSQL's launcher does.
//! - A **worker** takes a PGPROC from the autovacuum list, claims one queued database, runs
//!   `spi::maintenance` (WAL checkpoint with truncation above `autovacuum_wal_threshold`,
//!   incremental vacuum above `autovacuum_vacuum_threshold` free pages, `PRAGMA optimize` after
//!   many writes) with a short busy timeout so writers never wait long, records what it did for
//!   `pg_stat_autovacuum`, and exits 0.
//!
//! Shared state ("AutoVacuumShmem"): a request queue (database slot + 1, 0 = empty) and one entry
//! per database seen. Every field is a single atomic: entries are claimed by CAS on `state`
//! (free → claiming → ready), so no lock is needed and the postmaster, which only counts queued
//! requests, never takes one.

use std::path::Path;
use std::sync::atomic::{AtomicI32, AtomicI64, AtomicPtr, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use shmem::pmsignal::{PmSignalReason, send};
use shmem::{ShmemError, ShmemSafe, WaitEvents, latch};

use shmem::interrupt::{self, Disposition, Restart};

const MAX_DATABASES: usize = 64;
const MAX_REQUESTS: usize = 16;
/// Writes after which a database gets `PRAGMA optimize`.
const OPTIMIZE_AFTER_WRITES: u64 = 1000;
/// How long a worker's step waits for a busy writer before it yields.
const WORKER_BUSY_TIMEOUT: Duration = Duration::from_millis(200);

const ACT_CHECKPOINT: u32 = 1;
const ACT_VACUUM: u32 = 2;
const ACT_OPTIMIZE: u32 = 4;
const ACT_BUSY: u32 = 8;

#[repr(C)]
struct DbEntry {
    name: crate::child::dbslot::DbName,
    writes: AtomicU64,
    runs: AtomicU64,
    last_run_ms: AtomicI64,
    last_action: AtomicU32,
    worker_pid: AtomicI32,
    wal_before: AtomicI64,
    wal_after: AtomicI64,
    pages_freed: AtomicI64,
}

#[repr(C)]
struct AvShmem {
    requests: [AtomicU32; MAX_REQUESTS],
    dbs: [DbEntry; MAX_DATABASES],
}

// SAFETY: repr(C), atomics only, all-zero is "no database, no request".
unsafe impl ShmemSafe for AvShmem {}

static SHARED: AtomicPtr<AvShmem> = AtomicPtr::new(std::ptr::null_mut());

/// Bytes needed in the segment.
pub fn shmem_size() -> usize {
    size_of::<AvShmem>()
}

/// Creates (or finds) the region; postmaster, at creation and at each reset.
pub fn init() -> Result<(), ShmemError> {
    let (s, _) = shmem::init_struct_typed::<AvShmem>("AutoVacuumShmem")?;
    SHARED.store(s as *const AvShmem as *mut AvShmem, Ordering::Release);
    Ok(())
}

fn shared() -> Option<&'static AvShmem> {
    let p = SHARED.load(Ordering::Acquire);
    // SAFETY: null or a pointer into the live segment, set by init before any fork.
    unsafe { p.as_ref() }
}

/// The entry of `db`, claiming a free one when it has none (None when the table is full or the
/// name does not fit).
fn entry(db: &str) -> Option<(usize, &'static DbEntry)> {
    let s = shared()?;
    // Two entries for one name (a race) split its counts, which only delays a run.
    crate::child::dbslot::find_or_claim(&s.dbs, |e| &e.name, db)
}

/// Any process, after a committed write: counts toward the database's next `optimize`.
pub fn note_writes(db: &str, rows: u64) {
    if let Some((_, e)) = entry(db) {
        e.writes.fetch_add(rows, Ordering::Relaxed);
    }
}

fn actions_text(bits: u32) -> Option<String> {
    let mut v = Vec::new();
    for (b, name) in [
        (ACT_CHECKPOINT, "checkpoint"),
        (ACT_VACUUM, "vacuum"),
        (ACT_OPTIMIZE, "optimize"),
    ] {
        if bits & b != 0 {
            v.push(name);
        }
    }
    if bits & ACT_BUSY != 0 {
        v.push("yielded to a busy writer");
    }
    (!v.is_empty()).then(|| v.join(", "))
}

/// `pg_stat_autovacuum`: one row per database a worker has run on.
pub fn stats() -> Vec<spi::AutovacuumRow> {
    let Some(s) = shared() else { return Vec::new() };
    s.dbs
        .iter()
        .filter(|e| e.name.is_ready() && e.runs.load(Ordering::Relaxed) > 0)
        .map(|e| {
            let ms = e.last_run_ms.load(Ordering::Relaxed);
            spi::AutovacuumRow {
                datname: e.name.name(),
                last_run: (ms > 0).then(|| UNIX_EPOCH + Duration::from_millis(ms as u64)),
                runs: e.runs.load(Ordering::Relaxed) as i64,
                last_action: actions_text(e.last_action.load(Ordering::Relaxed)),
                wal_bytes_before: Some(e.wal_before.load(Ordering::Relaxed)),
                wal_bytes_after: Some(e.wal_after.load(Ordering::Relaxed)),
                pages_freed: Some(e.pages_freed.load(Ordering::Relaxed)),
            }
        })
        .collect()
}

/// Postmaster: how many databases wait for a worker (atomic loads only).
pub fn pending_requests() -> usize {
    shared().map_or(0, |s| {
        s.requests
            .iter()
            .filter(|r| r.load(Ordering::Acquire) != 0)
            .count()
    })
}

fn plan_for(data_dir: &Path, db: &str, writes: u64) -> spi::maintenance::MaintenancePlan {
    let wal = spi::maintenance::wal_bytes(data_dir, db);
    let free = spi::maintenance::free_pages(data_dir, db);
    spi::maintenance::MaintenancePlan {
        checkpoint: wal as i64 > guc::builtin::AUTOVACUUM_WAL_THRESHOLD.get(),
        vacuum: free as i64 > guc::builtin::AUTOVACUUM_VACUUM_THRESHOLD.get(),
        optimize: writes >= OPTIMIZE_AFTER_WRITES,
    }
}

fn install_handlers() {
    interrupt::install_child_handlers();
    // No statement to cancel.
    interrupt::set(libc::SIGINT, Disposition::Ignore, Restart::Yes);
    crate::signals::unblock();
}

/// One launcher round: queue the databases that need work, neediest first.
fn launcher_round(data_dir: &Path) {
    let Some(s) = shared() else { return };
    let Ok(dbs) = spi::list_databases(data_dir) else {
        return;
    };
    let wal_threshold = guc::builtin::AUTOVACUUM_WAL_THRESHOLD.get().max(1) as f64;
    let vac_threshold = guc::builtin::AUTOVACUUM_VACUUM_THRESHOLD.get().max(1) as f64;
    let mut candidates: Vec<(f64, usize)> = Vec::new();
    for db in dbs {
        let Some((i, e)) = entry(&db) else { continue };
        let pid = e.worker_pid.load(Ordering::Acquire);
        // SAFETY: signal 0 only checks whether the process exists.
        if pid != 0 && unsafe { libc::kill(pid, 0) } == 0 {
            continue;
        }
        let writes = e.writes.load(Ordering::Relaxed);
        let plan = plan_for(data_dir, &db, writes);
        if !(plan.checkpoint || plan.vacuum || plan.optimize) {
            continue;
        }
        let score = spi::maintenance::wal_bytes(data_dir, &db) as f64 / wal_threshold
            + spi::maintenance::free_pages(data_dir, &db) as f64 / vac_threshold
            + writes as f64 / OPTIMIZE_AFTER_WRITES as f64;
        candidates.push((score, i));
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    let running = s
        .dbs
        .iter()
        .filter(|e| e.worker_pid.load(Ordering::Acquire) != 0)
        .count();
    let max = guc::builtin::AUTOVACUUM_MAX_WORKERS.get().max(1) as usize;
    let queued: Vec<u32> = s
        .requests
        .iter()
        .map(|r| r.load(Ordering::Acquire))
        .collect();
    let mut room = max.saturating_sub(running + queued.iter().filter(|&&r| r != 0).count());
    let mut asked = false;
    for (_, i) in candidates {
        if room == 0 {
            break;
        }
        let tag = i as u32 + 1;
        if queued.contains(&tag) {
            continue;
        }
        if let Some(slot) = s.requests.iter().find(|r| r.load(Ordering::Acquire) == 0)
            && slot
                .compare_exchange(0, tag, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            room -= 1;
            asked = true;
        }
    }
    if asked {
        send(PmSignalReason::StartAutovacWorker);
    }
}

/// The launcher's main: returns the exit code.
pub fn launcher_main(slot: usize, data_dir: &Path, config_file: &Path) -> i32 {
    install_handlers();
    proc::ps_status::set("postmaster: autovacuum launcher");
    if let Err(e) = proc::init_process(proc::BackendType::AutovacLauncher, "", slot) {
        tracing::error!(target: "FATAL", "autovacuum launcher: {e}");
        return 1;
    }
    tracing::debug!("autovacuum launcher started");
    let l = latch::my_latch();
    loop {
        let naptime = Duration::from_secs(guc::builtin::AUTOVACUUM_NAPTIME.get().max(1) as u64);
        let ev = l.wait(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT | WaitEvents::POSTMASTER_DEATH,
            Some(naptime),
        );
        l.reset();
        if ev.contains(WaitEvents::POSTMASTER_DEATH) {
            proc::proc_kill();
            return 1;
        }
        if interrupt::shutdown_requested() {
            break;
        }
        if interrupt::take_config_reload() {
            for line in guc::reload(config_file) {
                tracing::info!("{line}");
            }
        }
        if ev.contains(WaitEvents::TIMEOUT) && guc::builtin::AUTOVACUUM.get() {
            launcher_round(data_dir);
        }
    }
    tracing::debug!("autovacuum launcher shutting down");
    proc::proc_kill();
    0
}

/// A worker's main: returns the exit code.
/// Resource usage at a point in time, for `log_autovacuum_min_duration`'s "system usage" line.
struct Usage {
    at: std::time::Instant,
    user: Duration,
    system: Duration,
}

impl Usage {
    fn now() -> Usage {
        // SAFETY: getrusage fills the zeroed struct we pass for this process.
        let ru = unsafe {
            let mut ru: libc::rusage = std::mem::zeroed();
            libc::getrusage(libc::RUSAGE_SELF, &mut ru);
            ru
        };
        let d = |t: libc::timeval| {
            Duration::from_secs(t.tv_sec.max(0) as u64)
                + Duration::from_micros(t.tv_usec.max(0) as u64)
        };
        Usage {
            at: std::time::Instant::now(),
            user: d(ru.ru_utime),
            system: d(ru.ru_stime),
        }
    }

    /// PostgreSQL's `pg_rusage_show` since `self`: `CPU: user: 0.00 s, system: 0.00 s,
    /// elapsed: 0.01 s`.
    fn show(&self) -> String {
        let now = Usage::now();
        format!(
            "CPU: user: {:.2} s, system: {:.2} s, elapsed: {:.2} s",
            now.user.saturating_sub(self.user).as_secs_f64(),
            now.system.saturating_sub(self.system).as_secs_f64(),
            now.at.duration_since(self.at).as_secs_f64()
        )
    }
}

/// The LOG lines of `log_autovacuum_min_duration`, in PostgreSQL's style (one message per
/// action, its details on further lines): "automatic vacuum of database" for the checkpoint
/// and the incremental vacuum (minipg's autovacuum works on a database, not a table),
/// "automatic analyze of database" for `PRAGMA optimize`.
fn log_actions(db: &str, r: &spi::maintenance::MaintenanceReport, since: &Usage) {
    let min = guc::builtin::LOG_AUTOVACUUM_MIN_DURATION.get();
    if min < 0 || since.at.elapsed() < Duration::from_millis(min as u64) {
        return;
    }
    let did = |a: &str| r.actions.iter().any(|x| x == a);
    let usage = since.show();
    if did("checkpoint") || did("vacuum") {
        tracing::info!(
            "automatic vacuum of database \"{db}\": pages: {} removed\n\
             WAL usage: {} bytes before, {} bytes after{}\n\
             system usage: {usage}",
            r.pages_freed,
            r.wal_bytes_before,
            r.wal_bytes_after,
            if did("checkpoint") {
                ", checkpointed"
            } else {
                ""
            },
        );
    }
    if did("optimize") {
        tracing::info!("automatic analyze of database \"{db}\"\nsystem usage: {usage}");
    }
}

pub fn worker_main(slot: usize, data_dir: &Path) -> i32 {
    install_handlers();
    proc::ps_status::set("postmaster: autovacuum worker");
    let me = match proc::init_process(proc::BackendType::AutovacWorker, "", slot) {
        Ok(p) => p,
        Err(e) => {
            tracing::info!("autovacuum worker: {e}");
            return 1;
        }
    };
    let Some(s) = shared() else { return 1 };
    let claimed = s.requests.iter().find_map(|r| {
        let v = r.swap(0, Ordering::AcqRel);
        (v != 0).then(|| v as usize - 1)
    });
    let Some(e) = claimed.and_then(|i| s.dbs.get(i)) else {
        proc::proc_kill();
        return 0;
    };
    let db = e.name.name();
    // SAFETY: getpid has no preconditions.
    e.worker_pid
        .store(unsafe { libc::getpid() }, Ordering::Release);
    proc::ps_status::set(&format!("postmaster: autovacuum worker {db}"));
    me.status.set_connection(&db, "");
    me.status.report(
        proc::ActivityState::Active,
        Some(&format!("autovacuum: {db}")),
    );
    let writes_seen = e.writes.load(Ordering::Relaxed);
    let plan = plan_for(data_dir, &db, writes_seen);
    let usage = Usage::now();
    let code = match spi::maintenance::run_maintenance(data_dir, &db, plan, WORKER_BUSY_TIMEOUT) {
        Ok(r) => {
            log_actions(&db, &r, &usage);
            let mut bits = 0;
            for a in &r.actions {
                bits |= match a.as_str() {
                    "checkpoint" => ACT_CHECKPOINT,
                    "vacuum" => ACT_VACUUM,
                    "optimize" => ACT_OPTIMIZE,
                    _ => ACT_BUSY,
                };
            }
            if bits & ACT_OPTIMIZE != 0 {
                e.writes.fetch_sub(
                    writes_seen.min(e.writes.load(Ordering::Relaxed)),
                    Ordering::Relaxed,
                );
            }
            e.wal_before
                .store(r.wal_bytes_before as i64, Ordering::Relaxed);
            e.wal_after
                .store(r.wal_bytes_after as i64, Ordering::Relaxed);
            e.pages_freed.store(r.pages_freed as i64, Ordering::Relaxed);
            e.last_action.store(bits, Ordering::Relaxed);
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            e.last_run_ms
                .store(now.as_millis() as i64, Ordering::Relaxed);
            e.runs.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(
                "automatic maintenance of database \"{db}\": {} (WAL {} → {} bytes, {} pages freed)",
                actions_text(bits).unwrap_or_default(),
                r.wal_bytes_before,
                r.wal_bytes_after,
                r.pages_freed
            );
            0
        }
        Err(err) => {
            tracing::warn!(
                "automatic maintenance of database \"{db}\" failed: {}",
                err.message
            );
            1
        }
    };
    e.worker_pid.store(0, Ordering::Release);
    proc::proc_kill();
    code
}
