//! The server views: `pg_stat_activity` ([`ServerHooks::activity`](crate::hooks::ServerHooks::activity))
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
/// Another role's query, state and times show as PostgreSQL shows them to a role without
/// its privileges: `<insufficient privilege>` and NULLs.
pub(crate) fn activity_rows() -> Vec<Vec<Cell>> {
    let me = crate::roles::identity();
    hooks()
        .activity()
        .into_iter()
        .map(|mut r| {
            let visible = me.current_superuser
                || r.usename.as_deref().is_some_and(|u| {
                    crate::roles::role_by_name(u)
                        .ok()
                        .flatten()
                        .is_some_and(|role| crate::roles::has_privs_of(role.oid))
                });
            if !visible {
                r.state = None;
                r.query = Some("<insufficient privilege>".into());
                r.query_start = None;
                r.backend_start = None;
            }
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

/// Registers every catalog relation on `conn`; their SQLite names then work as table names.
pub(crate) fn register(conn: &Connection) -> Result<()> {
    crate::catalog::system::register(conn)
}
