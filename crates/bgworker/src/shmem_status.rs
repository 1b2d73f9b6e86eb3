//! Background-worker status in shared memory ("BackgroundWorkerStatus"), for views.
//!
//! One entry per registered worker. Only the postmaster writes, with single atomic stores
//! (it never locks); any process reads. A reader may see one field updated before another;
//! every field is meaningful on its own.

use std::sync::atomic::{
    AtomicI32, AtomicI64, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use shmem::{ShmemError, init_struct};

use crate::schedule::{ChildExit, Scheduler};

const NAME_WORDS: usize = 12;
const NO_EXIT: i64 = i64::MIN;

#[repr(C)]
struct Entry {
    pid: AtomicI32,
    start_count: AtomicU32,
    forgotten: AtomicU32,
    last_exit: AtomicI64,
    next_restart_ms: AtomicI64,
    name_len: AtomicU32,
    name: [AtomicU64; NAME_WORDS],
}

static ENTRIES: AtomicPtr<Entry> = AtomicPtr::new(std::ptr::null_mut());
static COUNT: AtomicUsize = AtomicUsize::new(0);

/// One worker as the views show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerStatus {
    /// Registered name.
    pub name: String,
    /// Running process (None when not running).
    pub pid: Option<i32>,
    /// Starts so far.
    pub start_count: u32,
    /// How it last ended.
    pub last_exit: Option<ChildExit>,
    /// When it will be started again, if scheduled.
    pub next_restart: Option<SystemTime>,
    /// Never to be started again.
    pub forgotten: bool,
}

/// Bytes for `n` workers.
pub fn shmem_size(n: usize) -> usize {
    n.max(1) * size_of::<Entry>()
}

/// Creates the array (postmaster, at creation and at each reset).
pub fn init(n: usize) -> Result<(), ShmemError> {
    let (p, _) = init_struct("BackgroundWorkerStatus", shmem_size(n))?;
    ENTRIES.store(p.as_ptr().cast(), Ordering::Release);
    COUNT.store(n, Ordering::Release);
    Ok(())
}

fn entries() -> &'static [Entry] {
    let p = ENTRIES.load(Ordering::Acquire);
    if p.is_null() {
        return &[];
    }
    // SAFETY: init stored COUNT zero-initialised entries (atomics only) in the live segment.
    unsafe { std::slice::from_raw_parts(p, COUNT.load(Ordering::Acquire)) }
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

/// Postmaster: copies the scheduler's view into shared memory (atomic stores only).
pub fn publish(s: &Scheduler, now: Instant) {
    let wall_now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    for (e, st) in entries().iter().zip(s.states()) {
        if e.name_len.load(Ordering::Relaxed) == 0 {
            let bytes = st.worker.name.as_bytes();
            let n = bytes.len().min(NAME_WORDS * 8);
            for (i, w) in e.name.iter().enumerate() {
                let mut chunk = [0u8; 8];
                let lo = (i * 8).min(n);
                let hi = (i * 8 + 8).min(n);
                chunk[..hi - lo].copy_from_slice(&bytes[lo..hi]);
                w.store(u64::from_le_bytes(chunk), Ordering::Relaxed);
            }
            e.name_len.store(n as u32, Ordering::Release);
        }
        e.pid.store(st.pid.unwrap_or(0), Ordering::Relaxed);
        e.start_count.store(st.start_count, Ordering::Relaxed);
        e.forgotten
            .store(u32::from(st.forgotten), Ordering::Relaxed);
        e.last_exit.store(encode(st.last_exit), Ordering::Relaxed);
        let next = match (st.pid, st.forgotten, st.not_before) {
            (None, false, Some(t)) => {
                (wall_now + t.saturating_duration_since(now)).as_millis() as i64
            }
            _ => 0,
        };
        e.next_restart_ms.store(next, Ordering::Relaxed);
    }
}

/// Anyone: every worker's status.
pub fn worker_statuses() -> Vec<WorkerStatus> {
    entries()
        .iter()
        .map(|e| {
            let n = (e.name_len.load(Ordering::Acquire) as usize).min(NAME_WORDS * 8);
            let mut bytes: Vec<u8> = e
                .name
                .iter()
                .flat_map(|w| w.load(Ordering::Relaxed).to_le_bytes())
                .collect();
            bytes.truncate(n);
            let pid = e.pid.load(Ordering::Relaxed);
            let next = e.next_restart_ms.load(Ordering::Relaxed);
            WorkerStatus {
                name: String::from_utf8_lossy(&bytes).into_owned(),
                pid: (pid != 0).then_some(pid),
                start_count: e.start_count.load(Ordering::Relaxed),
                last_exit: decode(e.last_exit.load(Ordering::Relaxed)),
                next_restart: (next > 0).then(|| UNIX_EPOCH + Duration::from_millis(next as u64)),
                forgotten: e.forgotten.load(Ordering::Relaxed) != 0,
            }
        })
        .collect()
}
