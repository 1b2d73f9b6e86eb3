//! Databases in the data directory: `base/<db>/<db>.sqlite` (plus SQLite's `-wal`/`-shm`).
//!
//! CREATE DATABASE builds the new database in `base/.creating-<db>-<pid>` and renames it into
//! place, so a database either exists complete (catalog, WAL mode, incremental auto-vacuum) or
//! not at all; DROP DATABASE renames it to `base/.dropping-<db>-<pid>` before deleting, so it
//! disappears at once. Startup removes leftovers of both (see `recovery`).
//! Invariant: every database name is checked by [`validate_database_name`] before it becomes
//! a path; no name can leave `base/`.
//! Never: deletes anything outside `base/`.

use std::fs;
use std::path::{Path, PathBuf};

use crate::catalog;
use crate::connection::{OpenOptions, SqlConn, Trust};
use crate::error::{SpiError, sqlstate};
use crate::hooks::hooks;

/// The directory under the data directory holding one directory per database.
pub const BASE_DIR: &str = "base";
/// The database `init_data_dir` creates.
pub const DEFAULT_DATABASE: &str = "postgres";
const CREATING_PREFIX: &str = ".creating-";
const DROPPING_PREFIX: &str = ".dropping-";

/// Checks that `name` can be a database name and a single path component: 1 to 63 bytes
/// (PostgreSQL's NAMEDATALEN - 1), no `/`, no NUL, not starting with `.`, no `..`.
pub fn validate_database_name(name: &str) -> Result<(), SpiError> {
    let bad = name.is_empty()
        || name.len() > 63
        || name.contains('/')
        || name.contains('\0')
        || name.contains("..")
        || name.starts_with('.');
    if bad {
        return Err(SpiError::new(
            sqlstate::INVALID_NAME,
            format!("invalid database name \"{}\"", name.escape_default()),
        ));
    }
    Ok(())
}

/// `base/<db>/<db>.sqlite` under `data_dir`. Callers validate `db` first
/// ([`validate_database_name`]); every public function of this crate does.
pub fn database_path(data_dir: &Path, db: &str) -> PathBuf {
    data_dir
        .join(BASE_DIR)
        .join(db)
        .join(format!("{db}.sqlite"))
}

fn make_dir(path: &Path) -> Result<(), SpiError> {
    use std::os::unix::fs::DirBuilderExt;
    match fs::DirBuilder::new().mode(0o700).create(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(SpiError::new(
            sqlstate::IO_ERROR,
            format!("could not create directory \"{}\": {e}", path.display()),
        )),
    }
}

/// The file that records which catalog format the data directory holds (PostgreSQL's
/// `PG_VERSION` and catalog version in one): the number [`crate::FORMAT`].
pub const FORMAT_FILE: &str = "MINIPG_FORMAT";

/// Refuses a data directory written in another format (PostgreSQL's "database files are
/// incompatible with server"). A directory with databases but no format file is format 1,
/// minipg before the SQL front end. Format [`catalog::UPGRADABLE_FORMAT`] is accepted: startup
/// recovery upgrades each database file, then [`note_upgraded`] rewrites the format file.
pub fn check_format(data_dir: &Path) -> Result<(), SpiError> {
    let found = recorded_format(data_dir)?;
    if found == crate::FORMAT || found == catalog::UPGRADABLE_FORMAT {
        return Ok(());
    }
    Err(incompatible(found))
}

fn recorded_format(data_dir: &Path) -> Result<i64, SpiError> {
    match fs::read_to_string(data_dir.join(FORMAT_FILE)) {
        Ok(text) => Ok(text.trim().parse::<i64>().unwrap_or(0)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(1),
        Err(e) => Err(e.into()),
    }
}

/// After startup recovery upgraded every database file: the format file says so (written to
/// a temporary file and renamed, so it is always one number or the other).
pub(crate) fn note_upgraded(data_dir: &Path) -> Result<(), SpiError> {
    if !data_dir.join(FORMAT_FILE).exists()
        || recorded_format(data_dir)? != catalog::UPGRADABLE_FORMAT
    {
        return Ok(());
    }
    let tmp = data_dir.join(format!("{FORMAT_FILE}.tmp"));
    fs::write(&tmp, format!("{}\n", crate::FORMAT))?;
    fs::rename(&tmp, data_dir.join(FORMAT_FILE))?;
    Ok(())
}

/// FATAL: the files were written in format `found`.
pub(crate) fn incompatible(found: i64) -> SpiError {
    SpiError::fatal(
        sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
        "database files are incompatible with server",
    )
    .with_detail(format!(
        "The data directory was initialized by minipg format {found}, which is not compatible with this version (format {}).",
        crate::FORMAT
    ))
    .with_hint("Dump the data with the server that wrote it (pg_dump works against it) and restore it into a new data directory.")
}

/// Creates `data_dir` (mode 0700), `base/` and the `postgres` database if missing. Idempotent.
/// A new directory records its format; an existing one is left as it is (see
/// [`check_format`]).
pub fn init_data_dir(data_dir: &Path) -> Result<(), SpiError> {
    make_dir(data_dir)?;
    let fresh = !data_dir.join(BASE_DIR).exists();
    make_dir(&data_dir.join(BASE_DIR))?;
    if fresh {
        fs::write(data_dir.join(FORMAT_FILE), format!("{}\n", crate::FORMAT))?;
    }
    if !database_exists(data_dir, DEFAULT_DATABASE) {
        // A directory whose database file was deleted holds nothing worth keeping (a WAL
        // without its database cannot be replayed): clear it so the database can be created.
        let dir = data_dir.join(BASE_DIR).join(DEFAULT_DATABASE);
        if dir.is_dir() {
            fs::remove_dir_all(&dir)?;
        }
        match create_database(data_dir, DEFAULT_DATABASE) {
            Ok(()) => {}
            Err(e) if e.sqlstate == sqlstate::DUPLICATE_DATABASE => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// FATAL 3D000 `database "x" does not exist` unless `name` is a valid, existing database.
pub(crate) fn require_database(data_dir: &Path, name: &str) -> Result<(), SpiError> {
    if database_exists(data_dir, name) {
        return Ok(());
    }
    Err(SpiError::fatal(
        crate::error::sqlstate::INVALID_CATALOG_NAME,
        format!("database \"{name}\" does not exist"),
    ))
}

pub(crate) fn database_exists(data_dir: &Path, name: &str) -> bool {
    validate_database_name(name).is_ok() && database_path(data_dir, name).is_file()
}

/// CREATE DATABASE: a new file with minipg's catalog, WAL, `auto_vacuum = INCREMENTAL`.
/// 42P04 if it exists.
pub fn create_database(data_dir: &Path, name: &str) -> Result<(), SpiError> {
    validate_database_name(name)?;
    let base = data_dir.join(BASE_DIR);
    make_dir(&base)?;
    let exists = || {
        SpiError::new(
            sqlstate::DUPLICATE_DATABASE,
            format!("database \"{name}\" already exists"),
        )
    };
    let target = base.join(name);
    if target.exists() {
        return Err(exists());
    }
    let staging = base.join(format!("{CREATING_PREFIX}{name}-{}", std::process::id()));
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    make_dir(&staging)?;
    let build = || -> Result<(), SpiError> {
        let file = staging.join(format!("{name}.sqlite"));
        {
            // auto_vacuum must be set before the first table exists.
            let raw = rusqlite::Connection::open(&file)?;
            raw.execute_batch("PRAGMA auto_vacuum = INCREMENTAL;")?;
            drop(raw);
        }
        let conn = SqlConn::open(
            &file,
            name,
            "postgres",
            &OpenOptions::default(),
            Trust::Server,
            true,
        )?;
        catalog::ensure_catalog(&conn.conn)?;
        conn.conn.execute_batch(catalog::describe::SEED)?;
        conn.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    };
    if let Err(e) = build() {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    // rename(2) onto an existing non-empty directory fails: a concurrent CREATE DATABASE of
    // the same name loses here.
    if target.exists() || fs::rename(&staging, &target).is_err() {
        let _ = fs::remove_dir_all(&staging);
        return Err(exists());
    }
    Ok(())
}

/// DROP DATABASE: 3D000 if missing (unless `if_exists`), 55006 while any server process is
/// connected to it (per [`hooks`]).
pub fn drop_database(data_dir: &Path, name: &str, if_exists: bool) -> Result<(), SpiError> {
    validate_database_name(name)?;
    if !database_exists(data_dir, name) {
        if if_exists {
            return Ok(());
        }
        return Err(SpiError::new(
            sqlstate::INVALID_CATALOG_NAME,
            format!("database \"{name}\" does not exist"),
        ));
    }
    let users = hooks()
        .activity()
        .into_iter()
        .filter(|row| row.datname.as_deref() == Some(name))
        .count();
    if users > 0 {
        let sessions = if users == 1 { "session" } else { "sessions" };
        return Err(SpiError::new(
            sqlstate::OBJECT_IN_USE,
            format!("database \"{name}\" is being accessed by other users"),
        )
        .with_detail(format!(
            "There {} {users} other {sessions} using the database.",
            if users == 1 { "is" } else { "are" }
        )));
    }
    let base = data_dir.join(BASE_DIR);
    let doomed = base.join(format!("{DROPPING_PREFIX}{name}-{}", std::process::id()));
    fs::rename(base.join(name), &doomed).map_err(|e| {
        SpiError::new(
            sqlstate::IO_ERROR,
            format!("could not remove database \"{name}\": {e}"),
        )
    })?;
    fs::remove_dir_all(&doomed)?;
    Ok(())
}

/// The databases in `base/`, sorted.
pub fn list_databases(data_dir: &Path) -> Result<Vec<String>, SpiError> {
    let base = data_dir.join(BASE_DIR);
    let entries = fs::read_dir(&base).map_err(|e| {
        SpiError::new(
            sqlstate::IO_ERROR,
            format!("could not open directory \"{}\": {e}", base.display()),
        )
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if database_exists(data_dir, &name) {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Leftover staging directories of interrupted CREATE/DROP DATABASE; removed by recovery.
pub(crate) fn remove_leftovers(data_dir: &Path) -> Result<Vec<String>, SpiError> {
    let base = data_dir.join(BASE_DIR);
    let mut removed = Vec::new();
    for entry in fs::read_dir(&base)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(CREATING_PREFIX) || name.starts_with(DROPPING_PREFIX) {
            fs::remove_dir_all(entry.path())?;
            removed.push(format!("removed leftover directory base/{name}"));
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_validated() {
        for bad in ["", "a/b", "..", "a..b", ".hidden", "x\0y", &"n".repeat(64)] {
            assert!(validate_database_name(bad).is_err(), "{bad:?}");
        }
        for good in ["postgres", "my db", "Db-1"] {
            assert!(validate_database_name(good).is_ok(), "{good:?}");
        }
    }

    #[test]
    fn create_list_drop() {
        let dir = tempfile::tempdir().expect("tempdir");
        init_data_dir(dir.path()).expect("init");
        init_data_dir(dir.path()).expect("init again");
        assert_eq!(list_databases(dir.path()).expect("list"), ["postgres"]);
        create_database(dir.path(), "app").expect("create");
        let e = create_database(dir.path(), "app").expect_err("dup");
        assert_eq!(e.sqlstate, sql::sqlstate::DUPLICATE_DATABASE);
        assert_eq!(
            list_databases(dir.path()).expect("list"),
            ["app", "postgres"]
        );
        let conn = rusqlite::Connection::open(database_path(dir.path(), "app")).expect("open");
        let av: i64 = conn
            .query_row("PRAGMA auto_vacuum", [], |r| r.get(0))
            .expect("auto_vacuum");
        assert_eq!(av, 2, "INCREMENTAL");
        let jm: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("journal_mode");
        assert_eq!(jm, "wal");
        drop(conn);
        drop_database(dir.path(), "app", false).expect("drop");
        let e = drop_database(dir.path(), "app", false).expect_err("gone");
        assert_eq!(e.sqlstate, sql::sqlstate::INVALID_CATALOG_NAME);
        drop_database(dir.path(), "app", true).expect("if exists");
        assert_eq!(list_databases(dir.path()).expect("list"), ["postgres"]);
        assert!(create_database(dir.path(), "../evil").is_err());
    }
}
