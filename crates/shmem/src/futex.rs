//! The futex operations the latch and the WAL-index locks need, on a word that may live in
//! shared memory.
//!
//! The operations are the non-private ones (no `FUTEX_PRIVATE_FLAG`): the kernel keys them by
//! the physical page, which is what makes a wake from another process reach the sleeper.

use std::sync::atomic::AtomicU32;
use std::time::Duration;

/// Sleeps while `*word == expected`, at most `timeout`. Returns on a wake, a signal (EINTR), a
/// timeout, or at once when the word already differs; the caller re-checks its condition.
pub(crate) fn wait(word: &AtomicU32, expected: u32, timeout: Option<Duration>) {
    let ts = timeout.map(|t| libc::timespec {
        tv_sec: t.as_secs().min(i64::MAX as u64) as libc::time_t,
        tv_nsec: t.subsec_nanos() as libc::c_long,
    });
    let ts_ptr = ts
        .as_ref()
        .map_or(std::ptr::null(), |t| t as *const libc::timespec);
    // SAFETY: FUTEX_WAIT reads the aligned u32 behind `word`, which is valid for the duration of
    // the call; the timespec pointer is null or points to a live local.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            ts_ptr,
        );
    }
}

/// Wakes one sleeper on `word`.
pub(crate) fn wake_one(word: &AtomicU32) {
    // SAFETY: as in wake_all.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, 1);
    }
}

/// Wakes every sleeper on `word`. Async-signal-safe (one system call).
pub(crate) fn wake_all(word: &AtomicU32) {
    // SAFETY: FUTEX_WAKE only uses the address as a key; it does not dereference user memory
    // beyond validating the address, which is a live aligned u32.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, i32::MAX);
    }
}
