//! The postmaster's signal handling: handlers only set an atomic flag and write one byte to a
//! self-pipe, which wakes the server loop's `poll`; all the work happens in the loop.
//!
//! Also the helpers children use right after fork: reset every handler to its default while
//! signals are still blocked (so nothing of the postmaster's runs in the child), then let the
//! child's role install its own handlers (`shmem::interrupt`, the one installer) and unblock.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

use shmem::interrupt::{self, Disposition, Restart};

pub static GOT_SIGHUP: AtomicBool = AtomicBool::new(false);
pub static GOT_SIGTERM: AtomicBool = AtomicBool::new(false);
pub static GOT_SIGINT: AtomicBool = AtomicBool::new(false);
pub static GOT_SIGQUIT: AtomicBool = AtomicBool::new(false);
pub static GOT_SIGCHLD: AtomicBool = AtomicBool::new(false);
pub static GOT_SIGUSR1: AtomicBool = AtomicBool::new(false);

static PIPE_R: AtomicI32 = AtomicI32::new(-1);
static PIPE_W: AtomicI32 = AtomicI32::new(-1);

/// The signals the postmaster handles (blocked around every fork).
pub const HANDLED: [libc::c_int; 6] = [
    libc::SIGHUP,
    libc::SIGTERM,
    libc::SIGINT,
    libc::SIGQUIT,
    libc::SIGCHLD,
    libc::SIGUSR1,
];

extern "C" fn handler(sig: libc::c_int) {
    let flag = match sig {
        libc::SIGHUP => &GOT_SIGHUP,
        libc::SIGTERM => &GOT_SIGTERM,
        libc::SIGINT => &GOT_SIGINT,
        libc::SIGQUIT => &GOT_SIGQUIT,
        libc::SIGCHLD => &GOT_SIGCHLD,
        _ => &GOT_SIGUSR1,
    };
    flag.store(true, Ordering::SeqCst);
    let fd = PIPE_W.load(Ordering::Relaxed);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; errno is saved and restored; a full pipe
        // already guarantees a wake-up.
        unsafe {
            let saved = *libc::__errno_location();
            let b = 0u8;
            libc::write(fd, (&b as *const u8).cast(), 1);
            *libc::__errno_location() = saved;
        }
    }
}

/// Installs the handlers and creates the self-pipe.
pub fn install() -> std::io::Result<()> {
    let mut fds = [-1; 2];
    // SAFETY: pipe2 writes two descriptors into the local array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    PIPE_R.store(fds[0], Ordering::Relaxed);
    PIPE_W.store(fds[1], Ordering::Relaxed);
    for sig in HANDLED {
        interrupt::install(sig, Disposition::Handler(handler), Restart::Yes)?;
    }
    // A client that vanished gives EPIPE instead.
    interrupt::install(libc::SIGPIPE, Disposition::Ignore, Restart::Yes)?;
    Ok(())
}

/// Installs `h` for `sig` with SA_RESTART (through the one installer, `shmem::interrupt`).
pub fn set_handler(sig: libc::c_int, h: extern "C" fn(libc::c_int)) {
    interrupt::set(sig, Disposition::Handler(h), Restart::Yes);
}

/// Installs `h` for `sig` without SA_RESTART: a blocking system call the signal interrupts
/// returns EINTR, so the code that made it can act on the signal.
pub fn set_interrupting_handler(sig: libc::c_int, h: extern "C" fn(libc::c_int)) {
    interrupt::set(sig, Disposition::Handler(h), Restart::No);
}

/// The self-pipe's read end, for poll.
pub fn pipe_fd() -> i32 {
    PIPE_R.load(Ordering::Relaxed)
}

/// Empties the self-pipe.
pub fn drain() {
    let fd = PIPE_R.load(Ordering::Relaxed);
    let mut buf = [0u8; 64];
    // SAFETY: non-blocking reads into a local buffer of the stated size.
    while unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) } > 0 {}
}

fn handled_set() -> libc::sigset_t {
    // SAFETY: building a signal set in a local.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in HANDLED {
            libc::sigaddset(&mut set, s);
        }
        libc::sigaddset(&mut set, libc::SIGUSR2);
        libc::sigaddset(&mut set, libc::SIGURG);
        set
    }
}

/// Blocks the handled signals (around fork).
pub fn block() {
    let set = handled_set();
    // SAFETY: changing this (only) thread's mask with a valid set.
    unsafe { libc::sigprocmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) };
}

/// Unblocks them.
pub fn unblock() {
    let set = handled_set();
    // SAFETY: as in block().
    unsafe { libc::sigprocmask(libc::SIG_UNBLOCK, &set, std::ptr::null_mut()) };
}

/// Child, right after fork (signals still blocked): default handlers, no postmaster self-pipe.
pub fn reset_in_child() {
    for sig in HANDLED {
        interrupt::set(sig, Disposition::Default, Restart::Yes);
    }
    for fd in [
        PIPE_R.swap(-1, Ordering::Relaxed),
        PIPE_W.swap(-1, Ordering::Relaxed),
    ] {
        if fd >= 0 {
            // SAFETY: closing our copies of the postmaster's self-pipe.
            unsafe { libc::close(fd) };
        }
    }
}
