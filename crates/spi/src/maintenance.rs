//! Autovacuum's work on one database: checkpoint the WAL with truncation, return free pages
//! with an incremental vacuum, and `PRAGMA optimize` after many writes; and the CHECKPOINT
//! statement's, the same checkpoint on every database ([`checkpoint_all`]).
//!
//! Runs with the server's trust (no authorizer) on a connection of its own, with a short busy
//! timeout: maintenance never makes a writer wait long. When a writer holds the database, the
//! step is skipped and reported as `busy`, to be retried at the next round.
//! Never: blocks for longer than the busy timeout, or runs inside someone else's transaction.

use std::path::Path;
use std::time::Duration;

use crate::connection::{OpenOptions, SqlConn, Trust};
use crate::datadir::{database_path, require_database};
use crate::error::SpiError;

/// What to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MaintenancePlan {
    /// `PRAGMA wal_checkpoint(TRUNCATE)`.
    pub checkpoint: bool,
    /// `PRAGMA incremental_vacuum`: return every free page to the file system.
    pub vacuum: bool,
    /// `PRAGMA optimize`.
    pub optimize: bool,
}

/// What was done.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaintenanceReport {
    /// WAL bytes before and after.
    pub wal_bytes_before: u64,
    /// After the checkpoint (or unchanged).
    pub wal_bytes_after: u64,
    /// Pages returned by the incremental vacuum.
    pub pages_freed: u64,
    /// Steps done, e.g. `["checkpoint", "vacuum"]`; `busy` steps were skipped.
    pub actions: Vec<String>,
}

/// The size of a database's WAL file (0 when absent).
pub fn wal_bytes(data_dir: &Path, database: &str) -> u64 {
    let mut p = database_path(data_dir, database).into_os_string();
    p.push("-wal");
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Free pages of a database as SQLite sees them now (through the WAL: the file header alone
/// lags until a checkpoint), on a short-lived read-only look; 0 when it cannot be opened.
pub fn free_pages(data_dir: &Path, database: &str) -> u64 {
    use rusqlite::{Connection, OpenFlags};
    let path = database_path(data_dir, database);
    let Ok(conn) = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) else {
        return 0;
    };
    let _ = conn.busy_timeout(Duration::from_millis(50));
    conn.query_row("PRAGMA freelist_count", [], |r| r.get::<_, i64>(0))
        .map(|n| n.max(0) as u64)
        .unwrap_or(0)
}

/// CHECKPOINT: every database's WAL copied into its file and started over, each on a
/// connection of its own, as PostgreSQL's checkpoint covers the whole cluster. Only for a
/// superuser or a member of `pg_checkpoint` (42501 otherwise, PostgreSQL's message). A
/// checkpoint that a writer or a reader keeps from finishing within a second copies what it
/// can (SQLite's TRUNCATE falls back to PASSIVE), as autovacuum's does: the statement never
/// fails for being busy. A caller inside a transaction of its own (`in_transaction`) does not
/// wait at all: its snapshot or its write lock would keep the checkpoint waiting for itself.
pub fn checkpoint_all(data_dir: &Path, in_transaction: bool) -> Result<(), SpiError> {
    if !crate::roles::has_privs_of(crate::roles::predefined("pg_checkpoint")) {
        return Err(SpiError::new(
            crate::error::sqlstate::INSUFFICIENT_PRIVILEGE,
            "must be superuser or have privileges of pg_checkpoint to do CHECKPOINT",
        ));
    }
    let plan = MaintenancePlan {
        checkpoint: true,
        ..MaintenancePlan::default()
    };
    let wait = if in_transaction {
        Duration::ZERO
    } else {
        Duration::from_secs(1)
    };
    for database in crate::datadir::list_databases(data_dir)? {
        run_maintenance(data_dir, &database, plan, wait)?;
    }
    Ok(())
}

/// Runs `plan` on `database`, waiting at most `busy_timeout` for a writer at each step.
pub fn run_maintenance(
    data_dir: &Path,
    database: &str,
    plan: MaintenancePlan,
    busy_timeout: Duration,
) -> Result<MaintenanceReport, SpiError> {
    require_database(data_dir, database)?;
    let opts = OpenOptions {
        busy_timeout,
        ..OpenOptions::default()
    };
    let path = database_path(data_dir, database);
    let sql = SqlConn::open(&path, database, "autovacuum", &opts, Trust::Server, false)?;
    let mut report = MaintenanceReport {
        wal_bytes_before: wal_bytes(data_dir, database),
        ..MaintenanceReport::default()
    };
    let busy = |e: &rusqlite::Error| {
        matches!(
            e.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    };
    if plan.vacuum {
        let before: i64 = sql
            .conn
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        // The pragma frees one page per step: step it to the end.
        let stepped = sql
            .conn
            .prepare("PRAGMA incremental_vacuum")
            .and_then(|mut st| {
                let mut rows = st.query([])?;
                while rows.next()?.is_some() {}
                Ok(())
            });
        match stepped {
            Ok(()) => {
                let after: i64 = sql
                    .conn
                    .query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
                report.pages_freed = before.saturating_sub(after).max(0) as u64;
                report.actions.push("vacuum".into());
            }
            Err(e) if busy(&e) => report.actions.push("vacuum busy".into()),
            Err(e) => return Err(e.into()),
        }
    }
    if plan.optimize {
        match sql.conn.execute_batch("PRAGMA optimize") {
            Ok(()) => report.actions.push("optimize".into()),
            Err(e) if busy(&e) => report.actions.push("optimize busy".into()),
            Err(e) => return Err(e.into()),
        }
    }
    if plan.checkpoint || plan.vacuum {
        // After a vacuum the freed pages only leave the file once the WAL is checkpointed.
        let (blocked, _, _): (i64, i64, i64) =
            sql.conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })?;
        report.actions.push(if blocked != 0 {
            "checkpoint busy".into()
        } else {
            "checkpoint".into()
        });
    }
    report.wal_bytes_after = wal_bytes(data_dir, database);
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkpoint_truncates_and_vacuum_frees_pages() {
        let dir = tempfile::tempdir().expect("tempdir");
        crate::init_data_dir(dir.path()).expect("init");
        let mut s =
            crate::Session::open(dir.path(), "postgres", "postgres", OpenOptions::default())
                .expect("session");
        for r in s.simple_query(
            "CREATE TABLE big (b text); \
             INSERT INTO big SELECT repeat(md5(x::text), 63) FROM generate_series(1, 300) x",
        ) {
            r.expect("fill");
        }
        assert!(wal_bytes(dir.path(), "postgres") > 100_000);
        s.simple_query("DELETE FROM big").into_iter().for_each(|r| {
            r.expect("delete");
        });
        let plan = MaintenancePlan {
            checkpoint: true,
            vacuum: true,
            optimize: true,
        };
        let r = run_maintenance(dir.path(), "postgres", plan, Duration::from_millis(100))
            .expect("maintenance");
        assert!(r.pages_freed > 100, "{r:?}");
        assert_eq!(r.wal_bytes_after, 0, "{r:?}");
        assert!(r.actions.contains(&"checkpoint".to_string()), "{r:?}");
        assert!(r.wal_bytes_before > r.wal_bytes_after);
    }
}
