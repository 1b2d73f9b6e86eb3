//! The startup process's real work (DESIGN.md §The startup process), in two passes: open every
//! database (SQLite replays its WAL on open) and verify and repair minipg's catalog — after
//! which the data is consistent and the caller's `consistent` callback runs at once (the
//! startup process reports it to the postmaster) — then checkpoint the WAL after a crash
//! ("end-of-recovery checkpoint") and run `PRAGMA quick_check` when asked. Each pass has one
//! database open at a time (the WAL-index lock table has no room for all of them); the first
//! closes each without SQLite's checkpoint-on-close, which is the second pass's work.
//!
//! Runs with the server's trust (no authorizer). Never forks, never touches shared memory;
//! the caller reports consistency and exits.

use std::path::Path;

use rusqlite::config::DbConfig;

use crate::catalog;
use crate::connection::{OpenOptions, SqlConn, Trust};
use crate::datadir::{database_path, list_databases, remove_leftovers};
use crate::error::{SpiError, sqlstate};

/// What startup recovery did, for the caller to log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Every database opened, in order.
    pub databases: Vec<String>,
    /// One line per repair (catalog rows restored, catalog tables created, leftovers removed).
    pub repairs: Vec<String>,
    /// Databases whose WAL was checkpointed with truncation.
    pub checkpointed: Vec<String>,
    /// Databases whose checkpoint came back busy (a reader or writer started after
    /// consistency was reported held the WAL): not fully checkpointed.
    pub checkpoint_busy: Vec<String>,
    /// Databases that passed `PRAGMA quick_check`.
    pub checked: Vec<String>,
}

/// See the module doc. Fails naming the database that cannot be opened or fails quick_check.
pub fn startup_recovery(
    data_dir: &Path,
    after_crash: bool,
    quick_check: bool,
    consistent: &mut dyn FnMut(),
) -> Result<RecoveryReport, SpiError> {
    let mut report = RecoveryReport::default();
    report.repairs.extend(remove_leftovers(data_dir)?);
    let mut opened = Vec::new();
    for db in list_databases(data_dir)? {
        let conn = open(data_dir, &db)?;
        let c = &conn.conn;
        let in_db = |e: SpiError| SpiError {
            message: format!("database \"{db}\": {}", e.message),
            ..e
        };
        let repairs = (|| -> Result<Vec<String>, SpiError> {
            c.execute_batch("BEGIN IMMEDIATE")?;
            let result = (|| {
                let mut repairs = Vec::new();
                match catalog::file_format(c)? {
                    Some(catalog::FORMAT) | None => {}
                    Some(catalog::UPGRADABLE_FORMAT) => {
                        catalog::upgrade(c)?;
                        repairs.push(format!(
                            "catalog upgraded from format {} to format {}",
                            catalog::UPGRADABLE_FORMAT,
                            catalog::FORMAT
                        ));
                    }
                    Some(other) => return Err(crate::datadir::incompatible(other)),
                }
                if !catalog::catalog_present(c)? {
                    repairs.push("minipg's catalog tables were missing; created".to_string());
                }
                catalog::ensure_catalog(c)?;
                repairs.extend(catalog::repair(c)?);
                repairs.extend(catalog::relations::repair(c)?);
                Ok(repairs)
            })();
            match result {
                Ok(r) => {
                    c.execute_batch("COMMIT")?;
                    Ok(r)
                }
                Err(e) => {
                    let _ = c.execute_batch("ROLLBACK");
                    Err(e)
                }
            }
        })()
        .map_err(in_db)?;
        report.repairs.extend(
            repairs
                .into_iter()
                .map(|r| format!("database \"{db}\": {r}")),
        );
        // Closed without the checkpoint SQLite runs when a database's last connection
        // closes: that is the second pass's work, after consistency.
        c.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map_err(|e| in_db(e.into()))?;
        drop(conn);
        opened.push(db);
    }
    crate::datadir::note_upgraded(data_dir)?;
    consistent();
    for db in opened {
        if !(after_crash || quick_check) {
            report.databases.push(db);
            continue;
        }
        let conn = open(data_dir, &db)?;
        let c = &conn.conn;
        let in_db = |e: SpiError| SpiError {
            message: format!("database \"{db}\": {}", e.message),
            ..e
        };
        if after_crash {
            let (busy, _, _): (i64, i64, i64) = c
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .map_err(|e| in_db(e.into()))?;
            if busy == 0 {
                report.checkpointed.push(db.clone());
            } else {
                report.checkpoint_busy.push(db.clone());
            }
        }
        if quick_check {
            let mut stmt = c
                .prepare("PRAGMA quick_check")
                .map_err(|e| in_db(e.into()))?;
            let lines = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
                .map_err(|e| in_db(e.into()))?;
            if lines != ["ok"] {
                return Err(SpiError::new(
                    sqlstate::DATA_CORRUPTED,
                    format!("database \"{db}\" failed quick_check: {}", lines.join("; ")),
                ));
            }
            report.checked.push(db.clone());
        }
        report.databases.push(db);
    }
    Ok(report)
}

/// Opens database `db` for recovery. One at a time: the WAL-index lock table is sized by the
/// child slots, not by the databases, so the startup process must not hold them all open.
fn open(data_dir: &Path, db: &str) -> Result<SqlConn, SpiError> {
    SqlConn::open(
        &database_path(data_dir, db),
        db,
        "postgres",
        &OpenOptions::default(),
        Trust::Server,
        false,
    )
    .map_err(|e| SpiError {
        message: format!("could not open database \"{db}\": {}", e.message),
        ..e
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datadir::{create_database, init_data_dir};

    #[test]
    fn recovery_opens_repairs_checkpoints_and_checks() {
        let dir = tempfile::tempdir().expect("tempdir");
        init_data_dir(dir.path()).expect("init");
        create_database(dir.path(), "app").expect("create");
        {
            let c = rusqlite::Connection::open(database_path(dir.path(), "app")).expect("open");
            c.execute_batch("CREATE TABLE \"orphan.t\"(a); DROP TABLE minipg_namespace;")
                .expect("damage");
        }
        std::fs::create_dir(dir.path().join("base/.creating-x-1")).expect("leftover");
        let mut reported = 0;
        let report =
            startup_recovery(dir.path(), true, true, &mut || reported += 1).expect("recovery");
        assert_eq!(reported, 1);
        assert_eq!(report.databases, ["app", "postgres"]);
        assert_eq!(report.checked, ["app", "postgres"]);
        assert_eq!(report.checkpointed, ["app", "postgres"]);
        assert!(report.checkpoint_busy.is_empty());
        assert_eq!(report.repairs.len(), 3, "{:?}", report.repairs);
        let again = startup_recovery(dir.path(), false, false, &mut || {}).expect("again");
        assert!(again.repairs.is_empty(), "{:?}", again.repairs);
    }

    #[test]
    fn a_format_2_directory_is_upgraded_in_place() {
        let dir = tempfile::tempdir().expect("tempdir");
        init_data_dir(dir.path()).expect("init");
        {
            // What format 2 had: no sequences, dependencies, comments or identity columns.
            let c =
                rusqlite::Connection::open(database_path(dir.path(), "postgres")).expect("open");
            c.execute_batch(
                "DROP TABLE minipg_sequence; DROP TABLE minipg_depend; \
                 DROP TABLE minipg_description; \
                 ALTER TABLE minipg_attribute DROP COLUMN attidentity; \
                 UPDATE minipg_meta SET value = 2 WHERE key = 'format'; \
                 PRAGMA user_version = 2;",
            )
            .expect("downgrade");
        }
        std::fs::write(dir.path().join(crate::datadir::FORMAT_FILE), "2\n").expect("format");
        crate::datadir::check_format(dir.path()).expect("format 2 is accepted");
        let report = startup_recovery(dir.path(), false, true, &mut || {}).expect("recovery");
        assert_eq!(
            report.repairs,
            ["database \"postgres\": catalog upgraded from format 2 to format 3"]
        );
        let text = std::fs::read_to_string(dir.path().join(crate::datadir::FORMAT_FILE))
            .expect("format file");
        assert_eq!(text.trim(), "3");
        let c = rusqlite::Connection::open(database_path(dir.path(), "postgres")).expect("open");
        assert!(catalog::catalog_present(&c).expect("present"));
        let seeded: String = c
            .query_row("SELECT description FROM minipg_description", [], |r| {
                r.get(0)
            })
            .expect("seed");
        assert_eq!(seeded, "standard public schema");
        assert!(
            startup_recovery(dir.path(), false, false, &mut || {})
                .expect("again")
                .repairs
                .is_empty()
        );
    }

    #[test]
    fn corrupt_file_fails_naming_the_database() {
        let dir = tempfile::tempdir().expect("tempdir");
        init_data_dir(dir.path()).expect("init");
        std::fs::write(database_path(dir.path(), "postgres"), b"this is not sqlite at all, not even close.......................................................................")
            .expect("clobber");
        let e = startup_recovery(dir.path(), false, true, &mut || {}).expect_err("corrupt");
        assert!(e.message.contains("\"postgres\""), "{}", e.message);
    }
}
