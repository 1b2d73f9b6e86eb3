//! Signals in every minipg process (PostgreSQL's postmaster/interrupt.c plus its one
//! `pqsignal`): the only place a signal disposition is installed ([`install`]), the interrupt
//! flags the child roles share, their handlers, and quick-die.
//!
//! | signal | in a child | handler |
//! |---|---|---|
//! | SIGTERM | shutdown request: flag + latch (a role may add its own effect, e.g. a backend ends its statement) | [`handle_shutdown_request`], installed without `SA_RESTART` for every role |
//! | SIGHUP | configuration reload pending: flag + latch, re-read from the role's loop | [`handle_config_reload`] |
//! | SIGUSR1 | only the latch (pmsignal-style wake-ups) | [`handle_latch_only`] |
//! | SIGQUIT | quick die: `_exit(2)` at once, no clean-up | [`quickdie`] |
//!
//! SIGTERM is installed without `SA_RESTART` in every role, so that a process blocked in a
//! system call (a `send` to a client that stopped reading, a wait) gets `EINTR` and acts on it.
//!
//! Invariants: handlers only store atomics, set the process latch, write to a pipe, or `_exit`
//! — nothing that allocates, locks or runs user code. Never: another `sigaction` or `signal`
//! call anywhere in the tree.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::latch;

/// SIGTERM arrived (PostgreSQL's ShutdownRequestPending). Stays set.
pub static SHUTDOWN_REQUEST_PENDING: AtomicBool = AtomicBool::new(false);
/// SIGHUP arrived and the configuration was not re-read yet (ConfigReloadPending).
pub static CONFIG_RELOAD_PENDING: AtomicBool = AtomicBool::new(false);

/// What to do with a signal.
#[derive(Clone, Copy)]
pub enum Disposition {
    /// Run this async-signal-safe handler.
    Handler(extern "C" fn(libc::c_int)),
    /// Ignore the signal.
    Ignore,
    /// The default action.
    Default,
}

/// Whether a system call the signal interrupts is restarted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restart {
    /// `SA_RESTART`: the call resumes after the handler.
    Yes,
    /// The call returns `EINTR`, so its caller can act on the signal.
    No,
}

/// Installs `what` for `sig`: the only signal installer in minipg. Nothing extra is blocked
/// while a handler runs.
pub fn install(sig: libc::c_int, what: Disposition, restart: Restart) -> std::io::Result<()> {
    // SAFETY: a zeroed sigaction is a valid "no flags, empty mask" value; every handler passed
    // here is async-signal-safe (see the module invariants); SIG_IGN/SIG_DFL are always valid.
    let rc = unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = match what {
            Disposition::Handler(h) => h as *const () as usize,
            Disposition::Ignore => libc::SIG_IGN,
            Disposition::Default => libc::SIG_DFL,
        };
        sa.sa_flags = if restart == Restart::Yes {
            libc::SA_RESTART
        } else {
            0
        };
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut())
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// [`install`] for a disposition that cannot fail (a valid signal number from this crate's
/// callers): failures are ignored.
pub fn set(sig: libc::c_int, what: Disposition, restart: Restart) {
    let _ = install(sig, what, restart);
}

/// SIGTERM: a shutdown request.
pub extern "C" fn handle_shutdown_request(_: libc::c_int) {
    SHUTDOWN_REQUEST_PENDING.store(true, Ordering::SeqCst);
    latch::set_my_latch_from_handler();
}

/// SIGHUP: re-read the configuration from the process's loop.
pub extern "C" fn handle_config_reload(_: libc::c_int) {
    CONFIG_RELOAD_PENDING.store(true, Ordering::SeqCst);
    latch::set_my_latch_from_handler();
}

/// SIGUSR1 and other wake-ups: only the latch.
pub extern "C" fn handle_latch_only(_: libc::c_int) {
    latch::set_my_latch_from_handler();
}

/// SIGQUIT in every child: quick die, no clean-up (the child slot stays ACTIVE; the
/// postmaster decides what that means).
pub extern "C" fn quickdie(_: libc::c_int) {
    // SAFETY: _exit is async-signal-safe; skipping every clean-up is the point.
    unsafe { libc::_exit(2) };
}

/// The handlers every child role starts from: SIGTERM a shutdown request (no `SA_RESTART`),
/// SIGHUP a reload, SIGUSR1 the latch, SIGQUIT quick-die. A role then replaces what it
/// handles differently (a backend's SIGTERM and SIGINT also end its statement).
pub fn install_child_handlers() {
    set(
        libc::SIGTERM,
        Disposition::Handler(handle_shutdown_request),
        Restart::No,
    );
    set(
        libc::SIGHUP,
        Disposition::Handler(handle_config_reload),
        Restart::Yes,
    );
    set(
        libc::SIGUSR1,
        Disposition::Handler(handle_latch_only),
        Restart::Yes,
    );
    set(libc::SIGQUIT, Disposition::Handler(quickdie), Restart::Yes);
}

/// Whether a reload is pending, consuming it.
pub fn take_config_reload() -> bool {
    CONFIG_RELOAD_PENDING.swap(false, Ordering::SeqCst)
}

/// Whether a shutdown was requested (stays true).
pub fn shutdown_requested() -> bool {
    SHUTDOWN_REQUEST_PENDING.load(Ordering::SeqCst)
}
