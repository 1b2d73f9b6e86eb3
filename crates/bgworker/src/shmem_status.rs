//! Background-worker status in shared memory ("BackgroundWorkerStatus"), for views.
//!
//! One entry per worker slot (`max_worker_processes`: static workers first, then dynamic). Only the postmaster writes, with single atomic stores
//! (it never locks); any process reads. A reader may see one field updated before another;
//! every field is meaningful on its own.

use std::sync::atomic::{AtomicI32, AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use shmem::{ShmemArray, ShmemError, ShmemSafe};

use crate::dynamic::ShText;
use crate::registry::RestartPolicy;
use crate::schedule::{ChildExit, Scheduler};

const NO_EXIT: i64 = i64::MIN;

#[repr(C)]
struct Entry {
    /// 0: no worker in this slot; 1: static; 2: dynamic.
    kind: AtomicU32,
    pid: AtomicI32,
    start_count: AtomicU32,
    forgotten: AtomicU32,
    crashed: AtomicU32,
    resets: AtomicU32,
    shmem_access: AtomicU32,
    last_exit: AtomicI64,
    next_restart_ms: AtomicI64,
    last_start_ms: AtomicI64,
    last_exit_ms: AtomicI64,
    /// Seconds, -1 = never.
    restart_secs: AtomicI64,
    /// Which registration the texts below belong to (rewritten when it changes).
    generation: AtomicU64,
    name: ShText,
    library: ShText,
}

// SAFETY: repr(C), atomics and ShText only (valid when zeroed, no pointers), shared through
// atomic loads and stores.
unsafe impl ShmemSafe for Entry {}

static ENTRIES: ShmemArray<Entry> = ShmemArray::new();

/// One worker as the views show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerStatus {
    /// Registered name.
    pub name: String,
    /// The module it belongs to (empty when not given).
    pub library: String,
    /// Registered dynamically (else at preload).
    pub dynamic: bool,
    /// Attached to shared memory (has a PGPROC).
    pub shmem_access: bool,
    /// Running process (None when not running).
    pub pid: Option<i32>,
    /// Starts so far.
    pub start_count: u32,
    /// When it last started.
    pub last_start: Option<SystemTime>,
    /// How it last ended.
    pub last_exit: Option<ChildExit>,
    /// When it last ended.
    pub last_exit_at: Option<SystemTime>,
    /// The last exit was a crash.
    pub crashed: bool,
    /// Crash resets it went through.
    pub resets: u32,
    /// When it will be started again, if scheduled.
    pub next_restart: Option<SystemTime>,
    /// Never to be started again.
    pub forgotten: bool,
    /// The restart policy.
    pub restart: RestartPolicy,
}

impl WorkerStatus {
    /// `running`, `waiting to restart`, `stopped` or `crashed`.
    pub fn state(&self) -> &'static str {
        if self.pid.is_some() {
            "running"
        } else if self.forgotten && self.crashed {
            "crashed"
        } else if self.forgotten {
            "stopped"
        } else {
            "waiting to restart"
        }
    }
}

/// Bytes for `n` workers.
pub fn shmem_size(n: usize) -> usize {
    ShmemArray::<Entry>::size(n)
}

/// Creates the array (postmaster, at creation and at each reset).
pub fn init(n: usize) -> Result<(), ShmemError> {
    ENTRIES.init("BackgroundWorkerStatus", n)
}

fn entries() -> &'static [Entry] {
    ENTRIES.get()
}

fn encode(e: Option<ChildExit>) -> i64 {
    match e {
        None => NO_EXIT,
        Some(ChildExit::Exited(c)) => i64::from(c),
        Some(ChildExit::Signaled(s)) => -i64::from(s),
    }
}

fn decode(v: i64) -> Option<ChildExit> {
    match v {
        NO_EXIT => None,
        v if v < 0 => Some(ChildExit::Signaled((-v) as i32)),
        v => Some(ChildExit::Exited(v as i32)),
    }
}

fn wall(t: Option<Instant>, now: Instant, wall_now: Duration) -> i64 {
    t.map_or(0, |t| {
        let w = if t <= now {
            wall_now.saturating_sub(now - t)
        } else {
            wall_now + (t - now)
        };
        w.as_millis() as i64
    })
}

fn from_ms(ms: i64) -> Option<SystemTime> {
    (ms > 0).then(|| UNIX_EPOCH + Duration::from_millis(ms as u64))
}

/// Postmaster: copies the scheduler's view into shared memory (atomic stores only).
pub fn publish(s: &Scheduler, now: Instant) {
    let wall_now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    for (e, st) in entries().iter().zip(s.states()) {
        if st.vacant {
            continue;
        }
        let generation = st.dynamic.map_or(0, |g| g.wrapping_add(1));
        let kind = if st.dynamic.is_some() { 2 } else { 1 };
        if e.kind.load(Ordering::Relaxed) != kind
            || e.generation.load(Ordering::Relaxed) != generation
        {
            e.kind.store(0, Ordering::Release);
            e.name.store(&st.worker.name);
            e.library.store(&st.worker.library);
            e.generation.store(generation, Ordering::Relaxed);
            e.restart_secs.store(
                match st.worker.restart_time {
                    RestartPolicy::Never => -1,
                    RestartPolicy::After(d) => d.as_secs() as i64,
                },
                Ordering::Relaxed,
            );
            e.shmem_access
                .store(u32::from(st.worker.flags.shmem_access), Ordering::Relaxed);
            e.kind.store(kind, Ordering::Release);
        }
        e.pid.store(st.pid.unwrap_or(0), Ordering::Relaxed);
        e.start_count.store(st.start_count, Ordering::Relaxed);
        e.forgotten
            .store(u32::from(st.forgotten), Ordering::Relaxed);
        e.crashed.store(u32::from(st.crashed), Ordering::Relaxed);
        e.resets.store(st.resets, Ordering::Relaxed);
        e.last_exit.store(encode(st.last_exit), Ordering::Relaxed);
        e.last_start_ms
            .store(wall(st.last_start, now, wall_now), Ordering::Relaxed);
        e.last_exit_ms
            .store(wall(st.last_exit_at, now, wall_now), Ordering::Relaxed);
        let next = match (st.pid, st.forgotten, st.not_before) {
            (None, false, Some(t)) => wall(Some(t), now, wall_now),
            _ => 0,
        };
        e.next_restart_ms.store(next, Ordering::Relaxed);
    }
}

/// Anyone: every worker's status (slots that never held a worker are left out).
pub fn worker_statuses() -> Vec<WorkerStatus> {
    entries()
        .iter()
        .filter_map(|e| {
            let kind = e.kind.load(Ordering::Acquire);
            if kind == 0 {
                return None;
            }
            let pid = e.pid.load(Ordering::Relaxed);
            let restart = e.restart_secs.load(Ordering::Relaxed);
            Some(WorkerStatus {
                name: e.name.load(),
                library: e.library.load(),
                dynamic: kind == 2,
                shmem_access: e.shmem_access.load(Ordering::Relaxed) != 0,
                pid: (pid > 0).then_some(pid),
                start_count: e.start_count.load(Ordering::Relaxed),
                last_start: from_ms(e.last_start_ms.load(Ordering::Relaxed)),
                last_exit: decode(e.last_exit.load(Ordering::Relaxed)),
                last_exit_at: from_ms(e.last_exit_ms.load(Ordering::Relaxed)),
                crashed: e.crashed.load(Ordering::Relaxed) != 0,
                resets: e.resets.load(Ordering::Relaxed),
                next_restart: from_ms(e.next_restart_ms.load(Ordering::Relaxed)),
                forgotten: e.forgotten.load(Ordering::Relaxed) != 0,
                restart: if restart < 0 {
                    RestartPolicy::Never
                } else {
                    RestartPolicy::After(Duration::from_secs(restart as u64))
                },
            })
        })
        .collect()
}
