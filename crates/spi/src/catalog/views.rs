//! The server views: `pg_hba_file_rules` (the hba file as it is now), `pg_stat_ssl`,
//! `pg_stat_activity` ([`ServerHooks::activity`](crate::hooks::ServerHooks::activity)),
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

/// The rows of `pg_stat_ssl`.
pub(crate) fn ssl_rows() -> Vec<Vec<Cell>> {
    hooks()
        .ssl_status()
        .into_iter()
        .map(|r| {
            let mut row = vec![Cell::Integer(i64::from(r.pid))];
            match r.tls {
                Some((version, cipher, bits)) => row.extend([
                    Cell::Integer(1),
                    Cell::Text(version),
                    Cell::Text(cipher),
                    Cell::Integer(i64::from(bits)),
                ]),
                None => row.extend([Cell::Integer(0), Cell::Null, Cell::Null, Cell::Null]),
            }
            // client_dn, client_serial, issuer_dn: minipg asks for no client certificates.
            row.extend([Cell::Null, Cell::Null, Cell::Null]);
            row
        })
        .collect()
}

/// A `text[]` cell from its elements.
fn text_array(items: impl IntoIterator<Item = String>) -> Cell {
    let items = items.into_iter().map(sql::Value::Text).collect();
    Cell::Text(sql::types::array::store::Array::from_items(items).encode())
}

/// The rows of `pg_hba_file_rules`: the hba file read now (as PostgreSQL does), one row per
/// record, valid or not. No rows in a process that never installed hba rules (tools, tests).
pub(crate) fn hba_file_rules_rows() -> Vec<Vec<Cell>> {
    let Some(installed) = auth::hba::installed() else {
        return Vec::new();
    };
    let text = match auth::hba::read(&installed.path) {
        Ok(t) => t,
        Err(auth::hba::LoadError::Lines(_)) => return Vec::new(),
        Err(auth::hba::LoadError::Io(e)) => {
            // PostgreSQL raises an error when the file cannot be opened.
            let mut row = vec![Cell::Null; 8];
            row.push(Cell::Text(e));
            return vec![row];
        }
    };
    let dir = installed
        .path
        .parent()
        .map_or_else(|| std::path::PathBuf::from("."), |p| p.to_owned());
    auth::hba::parse(&text, &dir)
        .into_iter()
        .map(|line| match line {
            Ok(r) => {
                let (address, netmask) = match &r.address {
                    None => (Cell::Null, Cell::Null),
                    Some(auth::hba::Address::All) => (Cell::Text("all".into()), Cell::Null),
                    Some(auth::hba::Address::Net { addr, mask }) => {
                        (Cell::Text(addr.to_string()), Cell::Text(mask.to_string()))
                    }
                };
                vec![
                    Cell::Integer(r.line_number as i64),
                    Cell::Text(r.conn_type.as_str().into()),
                    text_array(r.databases.iter().map(ToString::to_string)),
                    text_array(r.users.iter().map(ToString::to_string)),
                    address,
                    netmask,
                    Cell::Text(r.method.as_str().into()),
                    if r.options.is_empty() {
                        Cell::Null
                    } else {
                        text_array(r.options.clone())
                    },
                    // PostgreSQL keeps the rule and reports it.
                    if r.conn_type == auth::hba::ConnType::HostSsl && !guc::builtin::SSL.get() {
                        Cell::Text(auth::hba::HOSTSSL_WITHOUT_SSL.into())
                    } else {
                        Cell::Null
                    },
                ]
            }
            Err(e) => {
                let mut row = vec![Cell::Integer(e.line_number as i64)];
                row.extend(std::iter::repeat_n(Cell::Null, 7));
                row.push(Cell::Text(e.message));
                row
            }
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
