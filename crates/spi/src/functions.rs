//! The host functions of the `sql` catalog (`sql::func::host`: signatures there, bodies here):
//! `version()`, `current_database()`, `current_user`, `session_user`, `current_schema`,
//! `pg_backend_pid()`, `pg_sleep(s)`, `pg_cancel_backend(pid)`, `pg_terminate_backend(pid)`,
//! `current_setting(name)` and `set_config(name, value, local)`; the catalog's host functions
//! (`pg_get_indexdef`, `regclass` I/O, …) are in `catalog::system::functions`.
//!
//! Invariants: a function that fails reports its SQLSTATE through [`function_error`];
//! `pg_sleep` sleeps in slices of at most 10 ms and checks [`interrupt::check`] between them.
//! Never: a function here touches files or the network.

use std::time::{Duration, Instant};

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, Result};

use crate::connection::SessionUser;
use crate::error::{SpiError, function_error, sqlstate};
use crate::hooks::hooks;
use crate::interrupt;

/// The text `version()` returns.
pub fn version_string() -> String {
    format!(
        "PostgreSQL 15.0 (minipg {}) on x86_64-linux, SQLite {}",
        env!("CARGO_PKG_VERSION"),
        rusqlite::version()
    )
}

/// Registers the host functions of the `sql` catalog (`sql::func::host`) on `conn` for a
/// session of `user` on `database`.
pub(crate) fn register(conn: &Connection, database: &str, user: &SessionUser) -> Result<()> {
    use sql::func::host::symbol;
    let stable = FunctionFlags::SQLITE_UTF8;
    let volatile = FunctionFlags::SQLITE_UTF8;

    conn.create_scalar_function(symbol::VERSION, 0, stable, |_| Ok(version_string()))?;
    let db = database.to_string();
    conn.create_scalar_function(symbol::CURRENT_DATABASE, 0, stable, move |_| Ok(db.clone()))?;
    conn.create_scalar_function(symbol::CURRENT_USER, 0, stable, |_| {
        Ok(crate::roles::identity().current_name)
    })?;
    conn.create_scalar_function(symbol::SESSION_USER, 0, stable, |_| {
        Ok(crate::roles::identity().session_name)
    })?;
    let u = user.clone();
    conn.create_scalar_function(symbol::CURRENT_SCHEMA, 0, stable, move |_| {
        Ok(crate::catalog::relations::search_path_names(&u.get())
            .into_iter()
            .find(|s| **s != *u.get())
            .unwrap_or_else(|| "public".into()))
    })?;
    conn.create_scalar_function(symbol::BACKEND_PID, 0, stable, |_| {
        Ok(i64::from(std::process::id()))
    })?;
    conn.create_scalar_function(symbol::SLEEP, 1, volatile, pg_sleep)?;
    conn.create_scalar_function(symbol::CANCEL_BACKEND, 1, volatile, |ctx| {
        signal_backend(ctx, false)
    })?;
    conn.create_scalar_function(symbol::TERMINATE_BACKEND, -1, volatile, |ctx| {
        signal_backend(ctx, true)
    })?;
    conn.create_scalar_function(symbol::CURRENT_SETTING, -1, stable, current_setting)?;
    conn.create_scalar_function(symbol::SET_CONFIG, 3, volatile, set_config)?;
    crate::module_fn::register(conn)?;
    crate::catalog::system::functions::register(conn, database, user)
}

/// `current_setting(name [, missing_ok])`.
fn current_setting(ctx: &mut Context<'_>) -> Result<Option<String>> {
    let name = match ctx.get_raw(0) {
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        _ => return Ok(None),
    };
    let missing_ok = ctx.len() > 1 && matches!(ctx.get_raw(1), ValueRef::Integer(i) if i != 0);
    match guc::show(&name) {
        Ok(v) => Ok(Some(v)),
        Err(_) if missing_ok => Ok(None),
        Err(e) => Err(function_error(&SpiError::new(e.sqlstate(), e.to_string()))),
    }
}

/// `set_config(name, value, is_local)`: as SET (the value is not undone at the block's end
/// when `is_local`; minipg applies it for the session).
fn set_config(ctx: &mut Context<'_>) -> Result<Option<String>> {
    let text = |i: usize| match ctx.get_raw(i) {
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        _ => None,
    };
    let Some(name) = text(0) else {
        return Err(function_error(&SpiError::new(
            sqlstate::NULL_VALUE_NOT_ALLOWED,
            "SET requires parameter name",
        )));
    };
    let value = text(1);
    guc::set_session(
        &name,
        value.as_deref(),
        crate::settings::may_set_superuser_settings(),
    )
    .map_err(|e| function_error(&SpiError::new(e.sqlstate(), e.to_string())))?;
    crate::runtime::refresh_env();
    Ok(guc::show(&name).ok())
}

/// `pg_sleep(seconds)`: returns NULL after sleeping, or fails as soon as an interrupt arrives.
fn pg_sleep(ctx: &mut Context<'_>) -> Result<Option<String>> {
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
            return Ok(void());
        }
        std::thread::sleep((total - elapsed).min(Duration::from_millis(10)));
    }
}

/// A `void` result as SQLite stores it (see `sql::Value::void`).
pub(crate) fn void() -> Option<String> {
    match sql::Value::void() {
        sql::Value::Text(t) => Some(t),
        _ => None,
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
    let session = check_signal_permission(pid, terminate).map_err(|e| function_error(&e))?;
    match hooks().signal_backend(pid, terminate, session) {
        Ok(true) => Ok(Some(1)),
        Ok(false) => {
            tracing::warn!("PID {pid} is not a PostgreSQL server process");
            Ok(Some(0))
        }
        Err(e) => Err(function_error(&e)),
    }
}

/// PostgreSQL 15's rule for signalling process `pid`: a process of a superuser (or of no
/// role: workers) needs a superuser; any other needs the privileges of its role or
/// membership in `pg_signal_backend`. Unknown pids are left to the signal hook. Returns the
/// start of the session the check was about (none for a superuser, who may signal any).
fn check_signal_permission(
    pid: i32,
    terminate: bool,
) -> std::result::Result<Option<std::time::SystemTime>, SpiError> {
    let me = crate::roles::identity();
    if me.current_superuser {
        return Ok(None);
    }
    let Some(row) = hooks().activity().into_iter().find(|r| r.pid == pid) else {
        return Ok(None);
    };
    let session = row.backend_start;
    let target = row
        .usename
        .as_deref()
        .and_then(|n| crate::roles::role_by_name(n).ok().flatten());
    let (what, whose) = if terminate {
        ("terminate superuser process", "process is being terminated")
    } else {
        ("cancel superuser query", "query is being canceled")
    };
    match target {
        Some(t) if !t.superuser => {
            const PG_SIGNAL_BACKEND: u32 = 4200;
            if crate::roles::has_privs_of(t.oid) || crate::roles::has_privs_of(PG_SIGNAL_BACKEND) {
                Ok(session)
            } else {
                Err(SpiError::new(
                    sqlstate::INSUFFICIENT_PRIVILEGE,
                    format!(
                        "must be a member of the role whose {whose} or member of pg_signal_backend"
                    ),
                ))
            }
        }
        _ => Err(SpiError::new(
            sqlstate::INSUFFICIENT_PRIVILEGE,
            format!("must be a superuser to {what}"),
        )),
    }
}
