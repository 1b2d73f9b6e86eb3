//! The PGPROC array and its free lists (PostgreSQL's proc.c InitProcGlobal / InitProcess /
//! ProcKill, as the 9.3 background-worker patch partitions them).
//!
//! Layout of the "ProcGlobal" region: a [`ProcGlobalHeader`], then `n_total` [`PgProc`]
//! entries. Entries `[0, backends)` start on the normal-backend list, the next
//! `autovac` on the autovacuum list, the next `bgworkers` on the background-worker list, the
//! last `aux` are auxiliary entries that belong to no list and are claimed by a CAS on `pid`.
//! An entry's list is fixed for life; a process always returns its entry to the list it came
//! from. Lists are singly linked through `next_free` indexes (-1 ends a list), never pointers.
//!
//! Locking: list heads and `next_free` links change only under `ProcGlobalHeader::lock`, held
//! for a few instructions. The postmaster never takes it: it only calls [`init`] while no
//! child exists.
//!
//! Each process records its entry in process-local statics; [`proc_kill`] (also registered with
//! `atexit`, so `std::process::exit` runs it) gives it back and marks the child slot INACTIVE,
//! which is how the postmaster tells a clean exit from a crash.

use std::sync::atomic::{AtomicI32, AtomicPtr, AtomicU32, AtomicUsize, Ordering};

use shmem::latch::{self, Latch};
use shmem::{ShmemError, ShmemSafe, SpinLock, init_struct};

use crate::status::{ProcSnapshot, ProcStatus};

stored_enum! {
    /// Which list an entry belongs to.
    pub enum ProcList {
        /// Normal client backends (`max_connections`).
        Backend = 0 => "backend",
        /// Autovacuum launcher and workers (`autovacuum_max_workers + 1`).
        Autovac = 1 => "autovacuum",
        /// Background workers with shared-memory access (one per registered worker).
        BgWorker = 2 => "background worker",
        /// Auxiliary processes (the startup process, the WAL writer), claimed by linear search.
        Aux = 3 => "auxiliary",
    }
}

stored_enum! {
    /// What kind of process holds an entry; its spelling is `pg_stat_activity.backend_type`
    /// (background workers show their own name instead).
    pub enum BackendType {
        /// A client connection.
        ClientBackend = 1 => "client backend",
        /// The autovacuum launcher.
        AutovacLauncher = 2 => "autovacuum launcher",
        /// An autovacuum worker.
        AutovacWorker = 3 => "autovacuum worker",
        /// A background worker.
        BgWorker = 4 => "background worker",
        /// The startup process.
        Startup = 5 => "startup",
        /// The WAL writer (group commit: syncs each database's `-wal` file).
        WalWriter = 6 => "walwriter",
    }
}

impl BackendType {
    /// The list its entry comes from.
    pub fn list(self) -> ProcList {
        match self {
            BackendType::ClientBackend => ProcList::Backend,
            BackendType::AutovacLauncher | BackendType::AutovacWorker => ProcList::Autovac,
            BackendType::BgWorker => ProcList::BgWorker,
            BackendType::Startup | BackendType::WalWriter => ProcList::Aux,
        }
    }
}

/// Errors of this crate, with their SQLSTATEs.
#[derive(Debug, thiserror::Error)]
pub enum ProcError {
    #[error("sorry, too many clients already")]
    TooManyClients,
    #[error("no free background worker process slot")]
    NoBgWorkerSlot,
    #[error("no free autovacuum process slot")]
    NoAutovacSlot,
    #[error("no free auxiliary process slot")]
    NoAuxSlot,
    #[error("this process already has a PGPROC")]
    AlreadyAttached,
    #[error("ProcGlobal is not initialized")]
    NotInitialized,
    #[error(transparent)]
    Shmem(#[from] ShmemError),
}

impl ProcError {
    /// The SQLSTATE a client would see.
    pub fn sqlstate(&self) -> &'static str {
        match self {
            ProcError::TooManyClients
            | ProcError::NoBgWorkerSlot
            | ProcError::NoAutovacSlot
            | ProcError::NoAuxSlot => sqlstate::TOO_MANY_CONNECTIONS,
            _ => sqlstate::INTERNAL_ERROR,
        }
    }
}

/// How many entries of each kind to create.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcGlobalConfig {
    /// `max_connections`.
    pub backends: usize,
    /// `autovacuum_max_workers + 1`.
    pub autovac: usize,
    /// Registered background workers with shared-memory access.
    pub bgworkers: usize,
    /// Auxiliary entries.
    pub aux: usize,
}

/// Auxiliary PGPROC entries: the startup process, and one for another auxiliary process.
pub const NUM_AUXILIARY_PROCS: usize = 2;

impl ProcGlobalConfig {
    /// The sizes the settings give: `max_connections` client backends (at least 1),
    /// `autovacuum_max_workers` (at least 1) plus the launcher, and `shmem_workers` registered
    /// background workers with shared-memory access.
    pub fn from_settings(
        max_connections: usize,
        autovacuum_max_workers: usize,
        shmem_workers: usize,
    ) -> ProcGlobalConfig {
        ProcGlobalConfig {
            backends: max_connections.max(1),
            autovac: autovacuum_max_workers.max(1) + 1,
            bgworkers: shmem_workers,
            aux: NUM_AUXILIARY_PROCS,
        }
    }

    /// How many child slots (PMChildFlags) the postmaster needs: twice every child that may
    /// run at once — client backends, autovacuum, and all `registered_workers` (with or
    /// without shared-memory access) — so that children that have exited but are not reaped
    /// yet never starve new ones, plus the auxiliary processes.
    pub fn child_slots(&self, registered_workers: usize) -> usize {
        2 * (self.backends + self.autovac + registered_workers) + self.aux
    }

    /// PostgreSQL's MaxBackends: every entry but the auxiliary ones.
    pub fn max_backends(&self) -> usize {
        self.backends + self.autovac + self.bgworkers
    }

    /// Entries in the array: MaxBackends plus the auxiliary ones.
    pub fn total(&self) -> usize {
        self.max_backends() + self.aux
    }
}

/// One PGPROC.
#[repr(C)]
pub struct PgProc {
    next_free: AtomicI32,
    list: AtomicU32,
    pid: AtomicI32,
    backend_type: AtomicU32,
    cancel_key: AtomicI32,
    /// The owner's latch; anyone may set it.
    pub latch: Latch,
    /// The owner's status block.
    pub status: ProcStatus,
}

// SAFETY: repr(C), atomics only (Latch and ProcStatus are atomics too), all-zero valid,
// links are indexes.
unsafe impl ShmemSafe for PgProc {}

impl PgProc {
    /// The owner's pid (0 when free).
    pub fn pid(&self) -> i32 {
        self.pid.load(Ordering::Acquire)
    }

    /// The owner's kind.
    pub fn backend_type(&self) -> Option<BackendType> {
        BackendType::from_u32(self.backend_type.load(Ordering::Relaxed))
    }

    /// The key a CancelRequest must present.
    pub fn cancel_key(&self) -> i32 {
        self.cancel_key.load(Ordering::Relaxed)
    }

    /// Owner: records the cancel key sent in BackendKeyData.
    pub fn set_cancel_key(&self, key: i32) {
        self.cancel_key.store(key, Ordering::Relaxed);
    }
}

#[repr(C)]
struct ProcGlobalHeader {
    lock: SpinLock,
    heads: [AtomicI32; 3],
    counts: [AtomicU32; 4],
    n_total: AtomicU32,
}

// SAFETY: repr(C), atomics and a SpinLock only, all-zero valid.
unsafe impl ShmemSafe for ProcGlobalHeader {}

static HEADER: AtomicPtr<ProcGlobalHeader> = AtomicPtr::new(std::ptr::null_mut());
static PROCS: AtomicPtr<PgProc> = AtomicPtr::new(std::ptr::null_mut());
static N_PROCS: AtomicUsize = AtomicUsize::new(0);
static MY_PROC: AtomicI32 = AtomicI32::new(-1);
static MY_SLOT: AtomicUsize = AtomicUsize::new(0);
static ATEXIT_REGISTERED: AtomicU32 = AtomicU32::new(0);

fn procs_offset() -> usize {
    size_of::<ProcGlobalHeader>().div_ceil(64) * 64
}

/// Bytes the ProcGlobal region needs.
pub fn shmem_size(cfg: &ProcGlobalConfig) -> usize {
    procs_offset() + cfg.total() * size_of::<PgProc>()
}

/// Creates the array (or re-initialises it after a segment reset) and links the free lists.
/// Postmaster only, while no child exists.
pub fn init(cfg: &ProcGlobalConfig) -> Result<(), ProcError> {
    let (p, found) = init_struct("ProcGlobal", shmem_size(cfg))?;
    let header_ptr = p.as_ptr().cast::<ProcGlobalHeader>();
    // SAFETY: the region is shmem_size(cfg) bytes: the header, then cfg.total() PgProc at a
    // 64-byte aligned offset; the segment outlives the process.
    let procs_ptr = unsafe { p.as_ptr().add(procs_offset()).cast::<PgProc>() };
    HEADER.store(header_ptr, Ordering::Release);
    PROCS.store(procs_ptr, Ordering::Release);
    N_PROCS.store(cfg.total(), Ordering::Release);
    if found {
        return Ok(());
    }
    let h = header().ok_or(ProcError::NotInitialized)?;
    let procs = procs();
    let sizes = [cfg.backends, cfg.autovac, cfg.bgworkers, cfg.aux];
    let mut start = 0usize;
    for (list, &n) in sizes.iter().enumerate() {
        for (i, pr) in procs.iter().enumerate().skip(start).take(n) {
            pr.list.store(list as u32, Ordering::Relaxed);
            let next = if i + 1 < start + n {
                (i + 1) as i32
            } else {
                -1
            };
            pr.next_free.store(next, Ordering::Relaxed);
        }
        if list < 3 {
            h.heads[list].store(if n > 0 { start as i32 } else { -1 }, Ordering::Relaxed);
        }
        h.counts[list].store(n as u32, Ordering::Relaxed);
        start += n;
    }
    h.n_total.store(cfg.total() as u32, Ordering::Release);
    Ok(())
}

fn header() -> Option<&'static ProcGlobalHeader> {
    let p = HEADER.load(Ordering::Acquire);
    // SAFETY: null or a pointer into the live segment set by init.
    unsafe { p.as_ref() }
}

fn procs() -> &'static [PgProc] {
    let p = PROCS.load(Ordering::Acquire);
    if p.is_null() {
        return &[];
    }
    // SAFETY: init stored N_PROCS entries at this address inside the live segment.
    unsafe { std::slice::from_raw_parts(p, N_PROCS.load(Ordering::Acquire)) }
}

/// The calling process's PGPROC, if it has one.
pub fn my_proc() -> Option<&'static PgProc> {
    let i = MY_PROC.load(Ordering::Relaxed);
    (i >= 0).then(|| procs().get(i as usize)).flatten()
}

/// The index of the calling process's PGPROC in the array (PostgreSQL's MyProcNumber).
pub fn my_proc_number() -> Option<usize> {
    usize::try_from(MY_PROC.load(Ordering::Relaxed)).ok()
}

/// The PGPROC at index `i`, if the array has one there.
pub fn proc_at(i: usize) -> Option<&'static PgProc> {
    procs().get(i)
}

/// How many PGPROCs the array holds (MaxBackends plus the auxiliary entries).
pub fn proc_count() -> usize {
    procs().len()
}

extern "C" fn proc_kill_at_exit() {
    proc_kill();
}

fn register_atexit() {
    if ATEXIT_REGISTERED.swap(1, Ordering::Relaxed) == 0 {
        // SAFETY: registering a plain extern "C" function with no captured state.
        unsafe { libc::atexit(proc_kill_at_exit) };
    }
}

fn attach(idx: usize, kind: BackendType, name: &str, child_slot: usize) -> &'static PgProc {
    let pr = &procs()[idx];
    // SAFETY: getpid has no preconditions.
    pr.pid.store(unsafe { libc::getpid() }, Ordering::Release);
    pr.backend_type.store(kind as u32, Ordering::Relaxed);
    pr.cancel_key.store(0, Ordering::Relaxed);
    pr.latch.reset();
    pr.status
        .start(if name.is_empty() { kind.as_str() } else { name });
    MY_PROC.store(idx as i32, Ordering::Relaxed);
    MY_SLOT.store(child_slot, Ordering::Relaxed);
    latch::switch_to_shared(&pr.latch);
    shmem::pmchild::mark_active(child_slot);
    register_atexit();
    pr
}

/// InitProcess: takes an entry from the list of `kind` and makes it this process's PGPROC.
/// `name` is what `pg_stat_activity.backend_type` shows (empty: the kind's own name);
/// `child_slot` is the postmaster's child slot (0 when not started by a postmaster).
pub fn init_process(
    kind: BackendType,
    name: &str,
    child_slot: usize,
) -> Result<&'static PgProc, ProcError> {
    if kind.list() == ProcList::Aux {
        return init_aux_process(kind, name, child_slot);
    }
    if MY_PROC.load(Ordering::Relaxed) >= 0 {
        return Err(ProcError::AlreadyAttached);
    }
    let h = header().ok_or(ProcError::NotInitialized)?;
    let list = kind.list() as usize;
    let procs = procs();
    let idx = {
        let _g = h.lock.guard();
        let head = h.heads[list].load(Ordering::Relaxed);
        match usize::try_from(head)
            .ok()
            .and_then(|i| procs.get(i).map(|p| (i, p)))
        {
            Some((i, p)) => {
                h.heads[list].store(p.next_free.load(Ordering::Relaxed), Ordering::Relaxed);
                p.next_free.store(-1, Ordering::Relaxed);
                Some(i)
            }
            None => None,
        }
    };
    match idx {
        Some(i) => Ok(attach(i, kind, name, child_slot)),
        None => Err(match kind.list() {
            ProcList::Backend => ProcError::TooManyClients,
            ProcList::Autovac => ProcError::NoAutovacSlot,
            _ => ProcError::NoBgWorkerSlot,
        }),
    }
}

/// InitAuxiliaryProcess: claims a free auxiliary entry by linear search.
pub fn init_aux_process(
    kind: BackendType,
    name: &str,
    child_slot: usize,
) -> Result<&'static PgProc, ProcError> {
    if MY_PROC.load(Ordering::Relaxed) >= 0 {
        return Err(ProcError::AlreadyAttached);
    }
    let h = header().ok_or(ProcError::NotInitialized)?;
    let procs = procs();
    let first_aux = procs.len() - h.counts[ProcList::Aux as usize].load(Ordering::Relaxed) as usize;
    // SAFETY: getpid has no preconditions.
    let me = unsafe { libc::getpid() };
    for (i, p) in procs.iter().enumerate().skip(first_aux) {
        if p.pid
            .compare_exchange(0, me, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            return Ok(attach(i, kind, name, child_slot));
        }
    }
    Err(ProcError::NoAuxSlot)
}

/// ProcKill: gives this process's entry back to its list and marks the child slot INACTIVE.
/// Safe to call more than once; does nothing without an entry.
pub fn proc_kill() {
    let i = MY_PROC.swap(-1, Ordering::Relaxed);
    let Some(pr) = usize::try_from(i).ok().and_then(|i| procs().get(i)) else {
        return;
    };
    crate::notify::forget(i as usize);
    latch::switch_to_local();
    pr.status.clear();
    pr.backend_type.store(0, Ordering::Relaxed);
    pr.cancel_key.store(0, Ordering::Relaxed);
    let list = pr.list.load(Ordering::Relaxed) as usize;
    if list == ProcList::Aux as usize {
        pr.pid.store(0, Ordering::Release);
    } else if let Some(h) = header() {
        let _g = h.lock.guard();
        pr.pid.store(0, Ordering::Release);
        if list < 3 {
            pr.next_free
                .store(h.heads[list].load(Ordering::Relaxed), Ordering::Relaxed);
            h.heads[list].store(i, Ordering::Relaxed);
        }
    }
    shmem::pmchild::mark_inactive(MY_SLOT.swap(0, Ordering::Relaxed));
}

/// Number of entries currently on `list` (walks the list under the lock; for tests, benches and
/// diagnostics, not for the postmaster).
pub fn free_count(list: ProcList) -> usize {
    let Some(h) = header() else { return 0 };
    if list == ProcList::Aux {
        let procs = procs();
        let n = h.counts[3].load(Ordering::Relaxed) as usize;
        return procs[procs.len() - n..]
            .iter()
            .filter(|p| p.pid() == 0)
            .count();
    }
    let procs = procs();
    let _g = h.lock.guard();
    let mut n = 0;
    let mut cur = h.heads[list as usize].load(Ordering::Relaxed);
    while let Some(p) = usize::try_from(cur).ok().and_then(|i| procs.get(i)) {
        n += 1;
        if n > procs.len() {
            break; // a cycle would mean corruption; don't loop forever
        }
        cur = p.next_free.load(Ordering::Relaxed);
    }
    n
}

/// The entry owned by `pid`, if any (no lock: pids are read atomically).
pub fn find_proc(pid: i32) -> Option<&'static PgProc> {
    if pid <= 0 {
        return None;
    }
    procs().iter().find(|p| p.pid() == pid)
}

/// Every process with an entry, as `pg_stat_activity` shows them.
pub fn activity() -> Vec<ProcSnapshot> {
    procs()
        .iter()
        .filter_map(|p| {
            let pid = p.pid();
            if pid == 0 {
                return None;
            }
            let snap = p.status.snapshot(pid)?;
            // The entry may have been released while we copied it.
            (p.pid() == pid && !snap.backend_type.is_empty()).then_some(snap)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_backends_and_child_slots_follow_the_settings() {
        let cfg = ProcGlobalConfig::from_settings(100, 3, 2);
        assert_eq!(
            (cfg.backends, cfg.autovac, cfg.bgworkers, cfg.aux),
            (100, 4, 2, NUM_AUXILIARY_PROCS)
        );
        assert_eq!(cfg.max_backends(), 106);
        // Workers without shared-memory access need child slots too.
        assert_eq!(cfg.child_slots(3), 2 * (100 + 4 + 3) + 2);
        let floor = ProcGlobalConfig::from_settings(0, 0, 0);
        assert_eq!((floor.backends, floor.autovac), (1, 2));
    }
}
