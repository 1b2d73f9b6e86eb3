//! The child-slot array (PostgreSQL's PMChildFlags): the dead-man switch.
//!
//! One slot per possible live child. The postmaster marks a free slot ASSIGNED before it forks;
//! the child marks it ACTIVE when it takes its PGPROC and INACTIVE when it released it on a clean
//! exit. When the postmaster reaps a child it releases the slot: ASSIGNED or INACTIVE means the
//! child cleaned up (or never got far enough to need to); ACTIVE means it died without cleaning
//! up, which is a crash whatever its exit status.
//!
//! Every access is a single atomic operation: the postmaster never locks anything here and treats
//! an unexpected value as "did not clean up".

use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicUsize, Ordering};

use crate::segment::{ShmemError, init_struct};

/// Slot states.
pub const UNUSED: u32 = 0;
/// Reserved by the postmaster for a child about to be forked.
pub const ASSIGNED: u32 = 1;
/// The child holds shared state (its PGPROC).
pub const ACTIVE: u32 = 2;
/// The child released its shared state; it may exit at any moment.
pub const INACTIVE: u32 = 3;

static FLAGS: AtomicPtr<AtomicU32> = AtomicPtr::new(std::ptr::null_mut());
static COUNT: AtomicUsize = AtomicUsize::new(0);

/// Bytes needed for `n` slots.
pub fn shmem_size(n: usize) -> usize {
    n * size_of::<AtomicU32>()
}

/// Creates (or finds) the array of `n` slots; postmaster, at creation and at each reset.
pub fn init(n: usize) -> Result<(), ShmemError> {
    let (p, _) = init_struct("PMChildFlags", shmem_size(n).max(4))?;
    FLAGS.store(p.as_ptr().cast(), Ordering::Release);
    COUNT.store(n, Ordering::Release);
    Ok(())
}

fn slots() -> &'static [AtomicU32] {
    let p = FLAGS.load(Ordering::Acquire);
    if p.is_null() {
        return &[];
    }
    // SAFETY: init stored a pointer to COUNT zero-initialised AtomicU32 in the live segment,
    // aligned to 64 bytes, which lives for the rest of the process.
    unsafe { std::slice::from_raw_parts(p, COUNT.load(Ordering::Acquire)) }
}

/// Number of slots.
pub fn slot_count() -> usize {
    COUNT.load(Ordering::Acquire)
}

/// Postmaster: reserve a free slot before a fork. Slot numbers start at 1 (0 = "no slot").
pub fn assign() -> Option<usize> {
    for (i, s) in slots().iter().enumerate() {
        if s.compare_exchange(UNUSED, ASSIGNED, Ordering::SeqCst, Ordering::Relaxed)
            .is_ok()
        {
            return Some(i + 1);
        }
    }
    None
}

/// How many slots are free (atomics only; the postmaster may call it).
pub fn free_count() -> usize {
    slots()
        .iter()
        .filter(|s| s.load(Ordering::SeqCst) == UNUSED)
        .count()
}

/// Postmaster: free the slot of a reaped child; true when the child cleaned up after itself.
pub fn release(slot: usize) -> bool {
    let Some(s) = slot.checked_sub(1).and_then(|i| slots().get(i)) else {
        return true;
    };
    let old = s.swap(UNUSED, Ordering::SeqCst);
    old == ASSIGNED || old == INACTIVE
}

/// Child: it now holds shared state.
pub fn mark_active(slot: usize) {
    if let Some(s) = slot.checked_sub(1).and_then(|i| slots().get(i)) {
        s.store(ACTIVE, Ordering::SeqCst);
    }
}

/// Child: it released its shared state.
pub fn mark_inactive(slot: usize) {
    if let Some(s) = slot.checked_sub(1).and_then(|i| slots().get(i)) {
        s.store(INACTIVE, Ordering::SeqCst);
    }
}

/// Child: a backend that released its shared state waits for its next session, holding no
/// more than right after its fork.
pub fn mark_assigned(slot: usize) {
    if let Some(s) = slot.checked_sub(1).and_then(|i| slots().get(i)) {
        s.store(ASSIGNED, Ordering::SeqCst);
    }
}

/// Current state of a slot (for tests and diagnostics).
pub fn state(slot: usize) -> Option<u32> {
    slot.checked_sub(1)
        .and_then(|i| slots().get(i))
        .map(|s| s.load(Ordering::SeqCst))
}
