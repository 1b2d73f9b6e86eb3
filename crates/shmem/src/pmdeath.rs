//! Noticing that the postmaster died.
//!
//! Two mechanisms, as in PostgreSQL:
//! - the postmaster creates a pipe before its first fork and keeps the write end for life; each
//!   child closes its copy of the write end at once, so EOF on the read end means the
//!   postmaster is gone (this works in any wait that polls a descriptor);
//! - on Linux, `PR_SET_PDEATHSIG` makes the kernel send SIGUSR2 when the parent dies; its
//!   handler only sets an atomic flag and the process latch, which wakes a futex sleeper too.
//!   `getppid()` is checked right after `prctl`, in case the parent died before it.
//!
//! [`postmaster_is_alive`] is cheap: an atomic load, plus one non-blocking `read` when the flag
//! or a poll said something happened.

use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

static PIPE_R: AtomicI32 = AtomicI32::new(-1);
static PIPE_W: AtomicI32 = AtomicI32::new(-1);
static POSTMASTER_PID: AtomicI32 = AtomicI32::new(0);
static DEATH_SIGNALED: AtomicBool = AtomicBool::new(false);
static KNOWN_DEAD: AtomicBool = AtomicBool::new(false);
static EXIT_ON_DEATH: AtomicBool = AtomicBool::new(false);

/// The signal the kernel sends a child when the postmaster dies.
pub const POSTMASTER_DEATH_SIGNAL: libc::c_int = libc::SIGUSR2;

/// Postmaster side: creates the death-watch pipe (once, before the first fork).
pub fn create_pipe() -> std::io::Result<()> {
    if PIPE_R.load(Ordering::Relaxed) >= 0 {
        return Ok(());
    }
    let mut fds = [-1; 2];
    // SAFETY: pipe2 writes two descriptors into the local array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    PIPE_R.store(fds[0], Ordering::Relaxed);
    PIPE_W.store(fds[1], Ordering::Relaxed);
    // SAFETY: getpid has no preconditions.
    POSTMASTER_PID.store(unsafe { libc::getpid() }, Ordering::Relaxed);
    Ok(())
}

/// The postmaster's pid as recorded before the fork (0 if there is no postmaster).
pub fn postmaster_pid() -> i32 {
    POSTMASTER_PID.load(Ordering::Relaxed)
}

/// The read end, for waits that poll descriptors (-1 when there is no postmaster).
pub fn watch_fd() -> RawFd {
    PIPE_R.load(Ordering::Relaxed)
}

/// For a process that installs its own handler for [`POSTMASTER_DEATH_SIGNAL`] (a backend:
/// the postmaster also sends it to evict an unfinished startup): the death handling, when the
/// postmaster is in fact gone (this process's parent changed). Async-signal-safe.
pub fn on_signal_if_orphaned() {
    let pm = POSTMASTER_PID.load(Ordering::Relaxed);
    // SAFETY: getppid has no preconditions and is async-signal-safe.
    if pm != 0 && unsafe { libc::getppid() } != pm {
        on_parent_death(POSTMASTER_DEATH_SIGNAL);
    }
}

extern "C" fn on_parent_death(_sig: libc::c_int) {
    if EXIT_ON_DEATH.load(Ordering::Relaxed) {
        // SAFETY: _exit is async-signal-safe; a process that chose this has nothing to clean
        // up that outlives it (SQLite rolls back its open transaction on the next open).
        unsafe { libc::_exit(1) };
    }
    DEATH_SIGNALED.store(true, Ordering::SeqCst);
    crate::latch::set_my_latch_from_handler();
}

/// Child side, right after fork: close the write end, ask for SIGUSR2 on parent death, and
/// check that the parent did not die already.
pub fn init_child() {
    let w = PIPE_W.swap(-1, Ordering::Relaxed);
    if w >= 0 {
        // SAFETY: w is our inherited copy of the write end; closing it is what makes EOF mean death.
        unsafe { libc::close(w) };
    }
    // The handler only stores atomics, sets the latch or _exits.
    crate::interrupt::set(
        POSTMASTER_DEATH_SIGNAL,
        crate::interrupt::Disposition::Handler(on_parent_death),
        crate::interrupt::Restart::Yes,
    );
    // SAFETY: prctl(PR_SET_PDEATHSIG) takes a signal number and ignores the other arguments.
    unsafe {
        libc::prctl(
            libc::PR_SET_PDEATHSIG,
            POSTMASTER_DEATH_SIGNAL as libc::c_ulong,
            0,
            0,
            0,
        );
    }
    let pm = POSTMASTER_PID.load(Ordering::Relaxed);
    // SAFETY: getppid has no preconditions.
    if pm != 0 && unsafe { libc::getppid() } != pm {
        DEATH_SIGNALED.store(true, Ordering::SeqCst);
    }
}

/// Makes the death signal end this process at once, busy or not (client backends: a
/// statement running in SQLite would otherwise only notice at its end).
pub fn set_exit_on_death(on: bool) {
    EXIT_ON_DEATH.store(on, Ordering::Relaxed);
}

/// Whether the postmaster is still alive. Always true in a process that has no postmaster.
pub fn postmaster_is_alive() -> bool {
    if KNOWN_DEAD.load(Ordering::Relaxed) {
        return false;
    }
    let fd = PIPE_R.load(Ordering::Relaxed);
    if fd < 0 || PIPE_W.load(Ordering::Relaxed) >= 0 {
        // No pipe, or we are the postmaster ourselves.
        return true;
    }
    let mut b = 0u8;
    // SAFETY: a non-blocking read of at most one byte into a local.
    let n = unsafe { libc::read(fd, (&mut b as *mut u8).cast(), 1) };
    if n == 0 {
        KNOWN_DEAD.store(true, Ordering::Relaxed);
        return false;
    }
    true
}

/// Cheap check for wait loops: only reads the pipe when the death signal arrived.
pub fn death_signaled() -> bool {
    DEATH_SIGNALED.load(Ordering::Relaxed) && !postmaster_is_alive()
}
