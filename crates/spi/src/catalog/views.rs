//! The server views: `pg_stat_activity` ([`ServerHooks::activity`](crate::hooks::ServerHooks::activity))
//! `pg_stat_bgworker` ([`ServerHooks::bgworker_stats`](crate::hooks::ServerHooks::bgworker_stats))
//! and `pg_stat_autovacuum` ([`ServerHooks::autovacuum_stats`](crate::hooks::ServerHooks::autovacuum_stats)),
//! whose rows come from shared memory through the server hooks, and the registration of
//! every catalog relation on a connection ([`register`]; the relations themselves are
//! defined in [`system`](crate::catalog::system)).
//!
//! Each scan takes a fresh snapshot of the server's state; nothing is cached between
//! statements. Timestamps are `timestamptz`'s stored form (microseconds since 2000-01-01
//! UTC). Never: writes.

use rusqlite::types::Value as Cell;
use rusqlite::{Connection, Result};

use crate::hooks::hooks;
use crate::value::timestamptz_value;

fn text(s: Option<String>) -> Cell {
    s.map_or(Cell::Null, Cell::Text)
}

fn time(t: Option<std::time::SystemTime>) -> Cell {
    t.map_or(Cell::Null, |t| Cell::Integer(timestamptz_value(t)))
}

fn int(v: Option<i64>) -> Cell {
    v.map_or(Cell::Null, Cell::Integer)
}

/// The rows of `pg_stat_activity`.
pub(crate) fn activity_rows() -> Vec<Vec<Cell>> {
    hooks()
        .activity()
        .into_iter()
        .map(|r| {
            vec![
                Cell::Integer(i64::from(r.pid)),
                text(r.datname),
                text(r.usename),
                Cell::Text(r.backend_type),
                text(r.state),
                text(r.query),
                time(r.backend_start),
                time(r.query_start),
            ]
        })
        .collect()
}

/// The rows of `pg_stat_autovacuum`.
pub(crate) fn autovacuum_rows() -> Vec<Vec<Cell>> {
    hooks()
        .autovacuum_stats()
        .into_iter()
        .map(|r| {
            vec![
                Cell::Text(r.datname),
                time(r.last_run),
                Cell::Integer(r.runs),
                text(r.last_action),
                int(r.wal_bytes_before),
                int(r.wal_bytes_after),
                int(r.pages_freed),
            ]
        })
        .collect()
}

/// The rows of `pg_stat_bgworker`.
pub(crate) fn bgworker_rows() -> Vec<Vec<Cell>> {
    hooks()
        .bgworker_stats()
        .into_iter()
        .map(|r| {
            vec![
                Cell::Text(r.name),
                Cell::Text(r.library),
                Cell::Text(r.kind.to_owned()),
                text(r.database),
                int(r.pid.map(i64::from)),
                Cell::Text(r.state.to_owned()),
                Cell::Integer(r.starts),
                time(r.last_start),
                text(r.last_exit),
                time(r.last_exit_at),
                Cell::Integer(r.crash_resets),
                time(r.next_restart),
                Cell::Text(r.restart_policy),
            ]
        })
        .collect()
}

/// Registers every catalog relation on `conn`; their SQLite names then work as table names.
pub(crate) fn register(conn: &Connection) -> Result<()> {
    crate::catalog::system::register(conn)
}
