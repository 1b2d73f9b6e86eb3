//! What the session tests share: a fresh data directory with a session on `postgres`, and
//! running one statement expecting success, an error or one value.

use std::path::Path;

use sql::Value;

use crate::datadir::init_data_dir;
use crate::error::SpiError;
use crate::result::QueryResult;
use crate::{OpenOptions, Session};

/// A session of `postgres` on database `postgres` in `dir`.
pub(crate) fn open(dir: &Path) -> Session {
    Session::open(dir, "postgres", "postgres", OpenOptions::default()).expect("open")
}

/// A new data directory and a session on it.
pub(crate) fn setup() -> (tempfile::TempDir, Session) {
    let dir = tempfile::tempdir().expect("tempdir");
    init_data_dir(dir.path()).expect("init");
    let s = open(dir.path());
    (dir, s)
}

/// Runs one statement, panicking with its error.
pub(crate) fn run(s: &mut Session, sql: &str) -> QueryResult {
    let p = s
        .prepare(sql)
        .unwrap_or_else(|e| panic!("prepare {sql}: {e:?}"));
    s.execute(&p, &[])
        .unwrap_or_else(|e| panic!("execute {sql}: {e:?}"))
}

/// Runs one statement expecting an error; returns it.
pub(crate) fn fail(s: &mut Session, sql: &str) -> SpiError {
    match s.prepare(sql).and_then(|p| s.execute(&p, &[])) {
        Ok(r) => panic!("{sql} succeeded: {r:?}"),
        Err(e) => e,
    }
}

/// The one value of a one-row result.
pub(crate) fn scalar(s: &mut Session, sql: &str) -> Value {
    let r = run(s, sql);
    assert_eq!(r.rows.len(), 1, "{sql}: {r:?}");
    r.rows[0][0].clone()
}

/// The integer of a one-value result.
pub(crate) fn int(s: &mut Session, sql: &str) -> i64 {
    match run(s, sql).rows.first().and_then(|r| r.first()) {
        Some(Value::Int(i)) => *i,
        other => panic!("{sql}: {other:?}"),
    }
}

/// The text (or NULL) of a one-value result.
pub(crate) fn text(s: &mut Session, sql: &str) -> Option<String> {
    match run(s, sql).rows.first().and_then(|r| r.first()) {
        Some(Value::Text(t)) => Some(t.clone()),
        Some(Value::Null) => None,
        other => panic!("{sql}: {other:?}"),
    }
}

/// The first column of `sql` (no parameters) on a plain SQLite connection, as an integer.
pub(crate) fn sqlite_count(c: &rusqlite::Connection, sql: &str) -> i64 {
    c.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}
