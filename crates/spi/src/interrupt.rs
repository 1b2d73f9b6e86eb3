//! Query cancel, terminate and statement timeout: PostgreSQL's `QueryCancelPending`,
//! `ProcDiePending` and `statement_timeout`, as process-global atomics.
//!
//! Who touches what:
//! - `CANCEL_PENDING`: set by [`request_cancel`] (a SIGINT handler, a CancelRequest, another
//!   thread in tests); cleared by [`clear_cancel`] before each statement and when a cancel has
//!   been reported as an error (PostgreSQL clears `QueryCancelPending` when it throws).
//! - `TERMINATE_PENDING`: set by [`request_terminate`] (SIGTERM); never cleared: the session ends.
//! - `DEADLINE_NANOS`: the statement deadline in nanoseconds since [`epoch`] (0 = none), set by
//!   [`set_statement_deadline`] from ordinary code.
//!
//! Invariants: the setters a signal handler may call ([`request_cancel`], [`request_terminate`])
//! are single atomic stores — async-signal-safe, no allocation, no locks. Terminate wins over
//! cancel, cancel over timeout. Every SQLite connection of this crate polls [`pending`] from its
//! progress handler, so a running statement stops within about a thousand VM steps.
//! Never: blocks or allocates in a setter.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

use crate::error::{SpiError, sqlstate};

static CANCEL_PENDING: AtomicBool = AtomicBool::new(false);
static TERMINATE_PENDING: AtomicBool = AtomicBool::new(false);
static DEADLINE_NANOS: AtomicU64 = AtomicU64::new(0);

/// The reference instant deadlines are measured from (taken on first use, outside handlers).
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

/// Cancels the running statement (57014 "canceling statement due to user request").
/// Async-signal-safe.
pub fn request_cancel() {
    CANCEL_PENDING.store(true, Ordering::SeqCst);
}

/// Ends the session (57P01 FATAL "terminating connection due to administrator command").
/// Async-signal-safe.
pub fn request_terminate() {
    TERMINATE_PENDING.store(true, Ordering::SeqCst);
}

/// Sets (or clears with `None`) the running statement's `statement_timeout` deadline.
pub fn set_statement_deadline(deadline: Option<Instant>) {
    let nanos = match deadline {
        None => 0,
        Some(d) => {
            let since = d.saturating_duration_since(epoch()).as_nanos();
            u64::try_from(since).unwrap_or(u64::MAX).max(1)
        }
    };
    DEADLINE_NANOS.store(nanos, Ordering::SeqCst);
}

/// The running statement's deadline, if `statement_timeout` set one.
pub fn statement_deadline() -> Option<Instant> {
    match DEADLINE_NANOS.load(Ordering::SeqCst) {
        0 => None,
        n => Some(epoch() + std::time::Duration::from_nanos(n)),
    }
}

/// Forgets a cancel request; called before each new statement.
pub fn clear_cancel() {
    CANCEL_PENDING.store(false, Ordering::SeqCst);
}

/// Clears a cancel once it has been reported (the statement it was meant for has failed).
pub(crate) fn consume_cancel() {
    CANCEL_PENDING.store(false, Ordering::SeqCst);
}

/// True once SIGTERM (or [`request_terminate`]) has asked the session to end.
pub fn terminate_pending() -> bool {
    TERMINATE_PENDING.load(Ordering::SeqCst)
}

/// True when [`check`] would fail; cheap enough for a progress handler.
pub fn pending() -> bool {
    if TERMINATE_PENDING.load(Ordering::Relaxed) || CANCEL_PENDING.load(Ordering::Relaxed) {
        return true;
    }
    deadline_passed()
}

fn deadline_passed() -> bool {
    let deadline = DEADLINE_NANOS.load(Ordering::Relaxed);
    deadline != 0 && epoch().elapsed().as_nanos() >= u128::from(deadline)
}

/// Reports what is pending: terminate, then cancel (which is then consumed), then statement
/// timeout.
pub fn check() -> Result<(), SpiError> {
    if TERMINATE_PENDING.load(Ordering::SeqCst) {
        return Err(SpiError::fatal(
            sqlstate::ADMIN_SHUTDOWN,
            "terminating connection due to administrator command",
        ));
    }
    if CANCEL_PENDING.swap(false, Ordering::SeqCst) {
        // Reported once: the statement it was meant for fails, the next one runs.
        return Err(SpiError::new(
            sqlstate::QUERY_CANCELED,
            "canceling statement due to user request",
        ));
    }
    if deadline_passed() {
        return Err(SpiError::new(
            sqlstate::QUERY_CANCELED,
            "canceling statement due to statement timeout",
        ));
    }
    Ok(())
}

// The flags are process-global, so unit tests here touch only the deadline with values that
// cannot fire during other tests; cancel/terminate are tested in tests/interrupts.rs, a
// process of its own.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_deadline_is_not_pending() {
        set_statement_deadline(Some(Instant::now() + std::time::Duration::from_secs(3600)));
        assert!(!deadline_passed());
        set_statement_deadline(None);
        assert!(!deadline_passed());
    }
}
