//! pmsignal: flags a child raises in shared memory, followed by SIGUSR1 to the postmaster.
//!
//! The postmaster's SIGUSR1 handler only notes that a signal arrived; its server loop then
//! swaps each flag back to zero ([`check_and_clear`]). Both sides use atomics only, so the
//! postmaster never takes a lock here.

use std::sync::atomic::{AtomicU32, Ordering};

use crate::segment::{ShmemError, ShmemSafe, init_struct_typed};

/// Why a child signalled the postmaster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum PmSignalReason {
    /// The startup process reached a consistent state.
    StartupConsistent = 0,
    /// The autovacuum launcher wants a worker started.
    StartAutovacWorker = 1,
    /// A dynamic background worker was registered or asked to terminate.
    BackgroundWorkerChange = 2,
}

const N_REASONS: usize = 8;

#[repr(C)]
struct PmSignalState {
    flags: [AtomicU32; N_REASONS],
}

// SAFETY: repr(C) atomics only, zero = no flag raised.
unsafe impl ShmemSafe for PmSignalState {}

static STATE: std::sync::atomic::AtomicPtr<PmSignalState> =
    std::sync::atomic::AtomicPtr::new(std::ptr::null_mut());

/// Bytes this module needs in the segment.
pub fn shmem_size() -> usize {
    size_of::<PmSignalState>()
}

/// Creates (or finds) the flags; postmaster, at creation and at each reset.
pub fn init() -> Result<(), ShmemError> {
    let (s, _) = init_struct_typed::<PmSignalState>("PMSignalState")?;
    STATE.store(s as *const _ as *mut _, Ordering::Release);
    Ok(())
}

fn state() -> Option<&'static PmSignalState> {
    let p = STATE.load(Ordering::Acquire);
    // SAFETY: p is null or points into the live segment (set by init before any fork).
    unsafe { p.as_ref() }
}

/// Child side: raise `reason` and wake the postmaster.
pub fn send(reason: PmSignalReason) {
    if let Some(s) = state() {
        s.flags[reason as usize].store(1, Ordering::SeqCst);
    }
    let pm = crate::pmdeath::postmaster_pid();
    if pm > 0 {
        // SAFETY: kill with a valid signal number; a failure (postmaster gone) is harmless.
        unsafe { libc::kill(pm, libc::SIGUSR1) };
    }
}

/// Postmaster side: whether `reason` was raised since the last check (and lower it).
pub fn check_and_clear(reason: PmSignalReason) -> bool {
    state().is_some_and(|s| s.flags[reason as usize].swap(0, Ordering::SeqCst) != 0)
}
