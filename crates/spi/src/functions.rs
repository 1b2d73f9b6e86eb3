//! SQL functions registered on every connection: `version()`, `current_database()`,
//! `current_user()`, `pg_backend_pid()`, `pg_sleep(s)`, `now()`, `pg_cancel_backend(pid)`,
//! `pg_terminate_backend(pid)` and `minipg_bool(x)` (the target of the rewriter's `::bool`).
//!
//! Invariants: a function that fails reports its SQLSTATE through [`function_error`];
//! `pg_sleep` sleeps in slices of at most 10 ms and checks [`interrupt::check`] between them.
//! Never: a function here touches files or the network.

use std::time::{Duration, Instant, SystemTime};

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Result};

use crate::error::{SpiError, function_error, sqlstate};
use crate::hooks::hooks;
use crate::interrupt;
use crate::value::{format_timestamptz, parse_bool};

/// The text `version()` returns.
pub fn version_string() -> String {
    format!(
        "PostgreSQL 15.0 (minipg {}) on x86_64-linux, SQLite {}",
        env!("CARGO_PKG_VERSION"),
        rusqlite::version()
    )
}

/// Registers this crate's functions on `conn` for a session of `user` on `database`.
pub(crate) fn register(conn: &Connection, database: &str, user: &str) -> Result<()> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    let volatile = FunctionFlags::SQLITE_UTF8;

    conn.create_scalar_function("version", 0, deterministic, |_| Ok(version_string()))?;
    let db = database.to_string();
    conn.create_scalar_function(
        "current_database",
        0,
        deterministic,
        move |_| Ok(db.clone()),
    )?;
    let u = user.to_string();
    conn.create_scalar_function("current_user", 0, deterministic, move |_| Ok(u.clone()))?;
    let u = user.to_string();
    conn.create_scalar_function("session_user", 0, deterministic, move |_| Ok(u.clone()))?;
    conn.create_scalar_function("pg_backend_pid", 0, deterministic, |_| {
        Ok(i64::from(std::process::id()))
    })?;
    conn.create_scalar_function("now", 0, volatile, |_| {
        Ok(format_timestamptz(SystemTime::now()))
    })?;
    conn.create_scalar_function("pg_sleep", 1, volatile, pg_sleep)?;
    conn.create_scalar_function("pg_cancel_backend", 1, volatile, |ctx| {
        signal_backend(ctx, false)
    })?;
    conn.create_scalar_function("pg_terminate_backend", 1, volatile, |ctx| {
        signal_backend(ctx, true)
    })?;
    conn.create_scalar_function("minipg_bool", 1, deterministic, minipg_bool)?;
    Ok(())
}

/// `pg_sleep(seconds)`: returns NULL after sleeping, or fails as soon as an interrupt arrives.
fn pg_sleep(ctx: &mut Context<'_>) -> Result<Option<i64>> {
    let seconds = match ctx.get_raw(0) {
        ValueRef::Null => return Ok(None),
        ValueRef::Integer(i) => i as f64,
        ValueRef::Real(f) => f,
        ValueRef::Text(t) => String::from_utf8_lossy(t)
            .trim()
            .parse::<f64>()
            .map_err(|_| {
                function_error(&SpiError::new(
                    sqlstate::INVALID_TEXT_REPRESENTATION,
                    format!(
                        "invalid input syntax for type double precision: \"{}\"",
                        String::from_utf8_lossy(t)
                    ),
                ))
            })?,
        ValueRef::Blob(_) => {
            return Err(function_error(&SpiError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                "pg_sleep expects a number of seconds",
            )));
        }
    };
    let total = if seconds.is_finite() && seconds > 0.0 {
        Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
    } else {
        Duration::ZERO
    };
    let start = Instant::now();
    loop {
        interrupt::check().map_err(|e| function_error(&e))?;
        let elapsed = start.elapsed();
        if elapsed >= total {
            return Ok(None);
        }
        std::thread::sleep((total - elapsed).min(Duration::from_millis(10)));
    }
}

fn signal_backend(ctx: &mut Context<'_>, terminate: bool) -> Result<Option<i64>> {
    let pid = match ctx.get_raw(0) {
        ValueRef::Null => return Ok(None),
        ValueRef::Integer(i) => i,
        _ => {
            return Err(function_error(&SpiError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                "process ID must be an integer",
            )));
        }
    };
    let Ok(pid) = i32::try_from(pid) else {
        return Ok(Some(0));
    };
    match hooks().signal_backend(pid, terminate) {
        Ok(true) => Ok(Some(1)),
        Ok(false) => {
            tracing::warn!("PID {pid} is not a PostgreSQL server process");
            Ok(Some(0))
        }
        Err(e) => Err(function_error(&e)),
    }
}

/// `minipg_bool(x)`: PostgreSQL's boolean input for `::bool` casts.
fn minipg_bool(ctx: &mut Context<'_>) -> Result<Option<i64>> {
    match ctx.get_raw(0) {
        ValueRef::Null => Ok(None),
        ValueRef::Integer(i) => Ok(Some(i64::from(i != 0))),
        ValueRef::Real(f) => Ok(Some(i64::from(f != 0.0))),
        ValueRef::Text(t) | ValueRef::Blob(t) => {
            let s = String::from_utf8_lossy(t);
            match parse_bool(&s) {
                Some(b) => Ok(Some(i64::from(b))),
                None => Err(function_error(&SpiError::new(
                    sqlstate::INVALID_TEXT_REPRESENTATION,
                    format!("invalid input syntax for type boolean: \"{s}\""),
                ))),
            }
        }
    }
}
