//! A process-shared spinlock for data in the shared segment.
//!
//! `parking_lot` parks threads in a per-process table, so it cannot guard memory shared between
//! processes; this lock is a single `AtomicU32` (0 free, 1 held) acquired with a compare-exchange
//! and a `crossbeam_utils::Backoff`, then with short sleeps. It implements
//! [`lock_api::RawMutex`], so [`ShmMutex<T>`] is an ordinary `lock_api::Mutex`.
//!
//! A holder that died (SIGKILL) never releases the lock. As in PostgreSQL's s_lock.c, a waiter
//! that has waited far too long (see [`set_stuck_timeout`]) treats the shared memory as corrupt:
//! it logs `PANIC: stuck spinlock` and aborts, and the postmaster turns that death into a crash
//! reset.
//!
//! Rules: hold it for a few instructions only; never across a system call that can block, never
//! across `fork`, never in a signal handler, and never in the postmaster.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crossbeam_utils::Backoff;
use lock_api::GuardNoSend;

/// The lock word. All-zero is "free", so it is [`crate::ShmemSafe`] inside other structs.
#[repr(C)]
#[derive(Debug, Default)]
pub struct SpinLock {
    word: AtomicU32,
}

/// A mutex over shared-segment data.
pub type ShmMutex<T> = lock_api::Mutex<SpinLock, T>;
/// Its guard.
pub type ShmMutexGuard<'a, T> = lock_api::MutexGuard<'a, SpinLock, T>;

static STUCK_TIMEOUT_MS: AtomicU64 = AtomicU64::new(30_000);

/// How long a waiter spins before it declares the lock stuck and aborts (default 30 s).
pub fn set_stuck_timeout(d: Duration) {
    STUCK_TIMEOUT_MS.store(d.as_millis().max(1) as u64, Ordering::Relaxed);
}

impl SpinLock {
    /// A free lock.
    pub const fn new() -> Self {
        SpinLock {
            word: AtomicU32::new(0),
        }
    }

    #[inline]
    fn try_acquire(&self) -> bool {
        self.word
            .compare_exchange_weak(0, 1, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    #[cold]
    fn acquire_slow(&self) {
        let backoff = Backoff::new();
        let mut started: Option<Instant> = None;
        loop {
            if self.word.load(Ordering::Relaxed) == 0 && self.try_acquire() {
                return;
            }
            if !backoff.is_completed() {
                backoff.snooze();
                continue;
            }
            let t0 = *started.get_or_insert_with(Instant::now);
            let limit = Duration::from_millis(STUCK_TIMEOUT_MS.load(Ordering::Relaxed));
            if t0.elapsed() > limit {
                stuck(self);
            }
            std::thread::sleep(Duration::from_micros(50));
        }
    }

    /// Takes the lock and returns a guard that releases it on drop.
    #[inline]
    pub fn guard(&self) -> SpinGuard<'_> {
        lock_api::RawMutex::lock(self);
        SpinGuard { lock: self }
    }
}

#[cold]
fn stuck(lock: &SpinLock) -> ! {
    tracing::error!(
        target: "PANIC",
        "stuck spinlock detected at {:p} in process {}",
        lock,
        std::process::id()
    );
    eprintln!(
        "PANIC:  stuck spinlock detected at {:p} in process {}",
        lock,
        std::process::id()
    );
    std::process::abort();
}

/// Releases a [`SpinLock`] when dropped.
pub struct SpinGuard<'a> {
    lock: &'a SpinLock,
}

impl Drop for SpinGuard<'_> {
    fn drop(&mut self) {
        // SAFETY: a SpinGuard exists only after a successful lock() on self.lock.
        unsafe { lock_api::RawMutex::unlock(self.lock, GuardNoSend::new()) };
    }
}

// SAFETY: lock() returns only once the word moved 0 → 1 with Acquire ordering in this context,
// unlock() stores 0 with Release, so at most one holder at a time sees the protected data, and
// the data written by the previous holder is visible to the next.
unsafe impl lock_api::RawMutex for SpinLock {
    #[allow(clippy::declare_interior_mutable_const)]
    const INIT: SpinLock = SpinLock::new();
    type Guard = GuardNoSend;

    #[inline]
    fn lock(&self) -> GuardNoSend {
        if !self.try_acquire() {
            self.acquire_slow();
        }
        GuardNoSend::new()
    }

    #[inline]
    fn try_lock(&self) -> Option<GuardNoSend> {
        self.word
            .compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| GuardNoSend::new())
    }

    #[inline]
    unsafe fn unlock(&self, _guard: GuardNoSend) {
        self.word.store(0, Ordering::Release);
    }

    #[inline]
    fn is_locked(&self) -> bool {
        self.word.load(Ordering::Relaxed) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn mutual_exclusion_between_threads() {
        let m = Arc::new(ShmMutex::new(0u64));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let m = Arc::clone(&m);
                std::thread::spawn(move || {
                    for _ in 0..20_000 {
                        *m.lock() += 1;
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        assert_eq!(*m.lock(), 80_000);
    }

    #[test]
    fn try_lock_fails_while_held() {
        let l = SpinLock::new();
        let g = l.guard();
        assert!(lock_api::RawMutex::try_lock(&l).is_none());
        assert!(lock_api::RawMutex::is_locked(&l));
        drop(g);
        assert!(lock_api::RawMutex::try_lock(&l).is_some());
    }
}
