//! How a long parse or analysis learns that its statement should stop (cancel, statement
//! timeout, terminate): the host installs one check per process, and parsing and analysis call
//! [`check`] at points spread through their work (between phases, per statement, per
//! expression), so a huge statement is stopped within a bounded slice of work.
//!
//! The error raised is a 57014 stand-in; the host, which knows what is pending, replaces it with
//! the exact error (statement timeout, user request, or FATAL terminate).

use std::sync::OnceLock;

use crate::error::{Result, SqlError, sqlstate};

static CHECK: OnceLock<fn() -> bool> = OnceLock::new();

/// Installs the host's check (true when the statement must stop). The first call wins.
pub fn set_check(pending: fn() -> bool) {
    let _ = CHECK.set(pending);
}

/// The message of the stand-in error [`check`] raises.
pub const INTERRUPTED: &str = "canceling statement due to interrupt";

/// Fails with 57014 when the host says the statement must stop.
pub fn check() -> Result<()> {
    match CHECK.get() {
        Some(pending) if pending() => Err(SqlError::new(sqlstate::QUERY_CANCELED, INTERRUPTED)),
        _ => Ok(()),
    }
}
