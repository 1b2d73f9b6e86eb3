//! A client connection opened before its client arrives: a pre-forked backend opens its
//! expected database (SQLite's open, WAL, limits, hooks, the ~1,000 function registrations)
//! while it waits, and the session that logs in to that database takes it instead of opening
//! its own (`Session::open`).
//!
//! Invariants: at most one connection waits, per process (a thread-local slot), and it is
//! taken at most once: by the first `Session::open` of the process, which empties the slot
//! whatever database it asks for. It is handed out only when the data directory and the
//! database are the ones it was opened for and the file at the database's path is still the
//! one it opened (same device and inode): a DROP DATABASE followed by a CREATE DATABASE of the
//! same name in between gives a new file, and the session then opens that one as usual.
//! Nothing runs on the waiting connection before it is taken (its functions do not know their
//! role yet: [`SqlConn::adopt`] sets it at login); authentication, the CONNECT check and every
//! per-session setting happen at login exactly as without it.
//! Never: opens anything in the postmaster (only a forked backend calls [`open`]).

use std::cell::RefCell;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::catalog::DbCatalog;
use crate::connection::{OpenOptions, SqlConn};
use crate::datadir::{database_exists, database_path};
use crate::error::SpiError;

/// A file's identity: what tells a re-created database file from the one opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileId {
    dev: u64,
    ino: u64,
}

pub(crate) fn file_id(path: &Path) -> Option<FileId> {
    std::fs::metadata(path).ok().map(|m| FileId {
        dev: m.dev(),
        ino: m.ino(),
    })
}

/// The waiting connection and what it was opened for.
struct Waiting {
    data_dir: PathBuf,
    database: String,
    file: FileId,
    sql: SqlConn,
}

thread_local! {
    static WAITING: RefCell<Option<Waiting>> = const { RefCell::new(None) };
    /// This process serves one session after another ([`recycle_sessions`]).
    static RECYCLE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Says that this process serves one session after another (a pre-forked backend): the
/// connection of a session that ends waits for the next one ([`recycle`]).
pub fn recycle_sessions() {
    RECYCLE.with(|r| r.set(true));
}

/// A session on `database` ended with `sql`: in a process that serves one session after
/// another, the connection waits for the next session as one opened ahead does, when
/// [`SqlConn::recycle`] finds nothing of the session left in it and its file is still the
/// database's; otherwise it closes.
pub(crate) fn recycle(data_dir: &Path, database: &str, mut sql: SqlConn) {
    if !RECYCLE.with(|r| r.get()) {
        return;
    }
    let Some(file) = sql.file() else {
        return;
    };
    if file_id(&database_path(data_dir, database)) != Some(file) || !sql.recycle() {
        return;
    }
    WAITING.with(|w| {
        *w.borrow_mut() = Some(Waiting {
            data_dir: data_dir.to_path_buf(),
            database: database.to_owned(),
            file,
            sql,
        })
    });
}

/// Opens a client connection to `database` for the session that will log in to it (replacing
/// any connection already waiting). `Ok(false)`, with nothing kept, when the database does
/// not exist or its file changed while it was being opened.
pub fn open(data_dir: &Path, database: &str, opts: &OpenOptions) -> Result<bool, SpiError> {
    // One opened for a client that never logged in (a cancel request, a startup that
    // failed) is still unused: kept when it is the one asked for.
    let kept = WAITING.with(|w| {
        let mut w = w.borrow_mut();
        if w.as_ref().is_some_and(|w| {
            w.data_dir == data_dir
                && w.database == database
                && file_id(&database_path(data_dir, database)) == Some(w.file)
        }) {
            return true;
        }
        w.take();
        false
    });
    if kept {
        return Ok(true);
    }
    if !database_exists(data_dir, database) {
        return Ok(false);
    }
    let path = database_path(data_dir, database);
    let Some(before) = file_id(&path) else {
        return Ok(false);
    };
    let sql = SqlConn::open_ahead(&path, database, opts)?;
    // The same identity before and after the open: the connection holds that file.
    if file_id(&path) != Some(before) {
        return Ok(false);
    }
    rehearse(&sql);
    WAITING.with(|w| {
        *w.borrow_mut() = Some(Waiting {
            data_dir: data_dir.to_path_buf(),
            database: database.to_owned(),
            file: before,
            sql,
        })
    });
    Ok(true)
}

/// Parses and analyzes a statement as a session's first one would, without running it: the
/// process's first use of the parser, the analyzer and their stack-size probe (which reads
/// `/proc/self/maps`) costs page faults that would otherwise fall on the client's first
/// query. Touches no table and calls no function of the connection.
fn rehearse(sql: &SqlConn) {
    let Ok(stmts) = sql::Statements::parse("select 1") else {
        return;
    };
    let catalog = DbCatalog::new(sql, "");
    crate::runtime::refresh_env();
    let _ = crate::runtime::with_env(|env| stmts.analyze(0, &catalog, env, &[]));
}

/// Is a connection waiting (for `database`)?
#[cfg(test)]
fn waiting_for(database: &str) -> bool {
    WAITING.with(|w| w.borrow().as_ref().is_some_and(|w| w.database == database))
}

/// Takes the waiting connection for a session on `database` at `path`: `None` (and the slot
/// emptied, its connection closed) when none waits, it was opened for another data directory
/// or database, or the file at `path` is no longer the one it opened.
pub(crate) fn take(data_dir: &Path, database: &str, path: &Path) -> Option<SqlConn> {
    let w = WAITING.with(|w| w.borrow_mut().take())?;
    if w.data_dir != data_dir || w.database != database || file_id(path) != Some(w.file) {
        return None;
    }
    Some(w.sql)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Session;

    fn data_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        crate::init_data_dir(dir.path()).expect("init");
        dir
    }

    fn one_value(s: &mut Session, sql: &str) -> String {
        let p = s.prepare(sql).expect("prepare");
        let r = s.execute(&p, &[]).expect("execute");
        format!("{:?}", r.rows[0][0])
    }

    #[test]
    fn a_session_takes_the_waiting_connection_of_its_database() {
        let dir = data_dir();
        assert!(open(dir.path(), "postgres", &OpenOptions::default()).expect("open ahead"));
        assert!(waiting_for("postgres"));
        let mut s = Session::open(dir.path(), "postgres", "postgres", OpenOptions::default())
            .expect("session");
        assert!(!waiting_for("postgres"));
        assert!(one_value(&mut s, "select current_schema()").contains("public"));
        assert!(one_value(&mut s, "select current_database()").contains("postgres"));
    }

    #[test]
    fn another_database_or_a_recreated_file_is_opened_anew() {
        let dir = data_dir();
        crate::create_database(dir.path(), "other").expect("create");
        assert!(open(dir.path(), "postgres", &OpenOptions::default()).expect("open ahead"));
        let path = database_path(dir.path(), "postgres");
        assert!(take(dir.path(), "other", &database_path(dir.path(), "other")).is_none());
        assert!(
            !waiting_for("postgres"),
            "a take for another database empties the slot"
        );

        assert!(open(dir.path(), "other", &OpenOptions::default()).expect("open ahead"));
        crate::drop_database(dir.path(), "other", false).expect("drop");
        crate::create_database(dir.path(), "other").expect("create again");
        assert!(
            take(dir.path(), "other", &database_path(dir.path(), "other")).is_none(),
            "the file was re-created"
        );

        assert!(open(dir.path(), "postgres", &OpenOptions::default()).expect("open ahead"));
        assert!(take(dir.path(), "postgres", &path).is_some());
        assert!(!open(dir.path(), "missing", &OpenOptions::default()).expect("open ahead"));
    }
}
