//! SQLite statements that stay open between calls: the portals of the extended protocol that
//! an Execute with a row limit leaves suspended. A portal fetches its next rows from the same
//! running statement, so a result of any size is never held in memory.
//!
//! rusqlite's `Statement<'conn>` borrows its connection, which a session cannot lend to a
//! portal that lives across protocol messages. [`OpenStatement`] is the small piece of FFI that
//! owns a `sqlite3_stmt` instead: prepare, bind, step, read a column, finalize.
//!
//! Invariant (the safety contract of [`OpenStatement::prepare`]): an open statement is finalized
//! before its connection is closed. The one owner, `Session`, keeps its open statements in a
//! map it empties at every transaction end (as PostgreSQL closes portals at commit) and in its
//! `Drop`, before its connection field is dropped; rusqlite's own close would otherwise fail
//! with SQLITE_BUSY.
//! Never: hands out a pointer into SQLite's row buffers that outlives the next step.

use std::ffi::{c_char, c_int};
use std::ptr::NonNull;

use rusqlite::ffi;
use rusqlite::types::ValueRef;

use crate::value::Value;

/// A prepared, possibly running SQLite statement owned outside rusqlite.
pub(crate) struct OpenStatement {
    stmt: NonNull<ffi::sqlite3_stmt>,
    db: *mut ffi::sqlite3,
}

/// The error SQLite reports for `rc` on `db`, as rusqlite would build it.
///
/// # Safety
/// `db` is a live connection handle.
unsafe fn error_of(db: *mut ffi::sqlite3, rc: c_int) -> rusqlite::Error {
    // SAFETY: the caller guarantees `db` is live; sqlite3_errmsg returns a NUL-terminated
    // string owned by the connection, copied at once.
    let msg = unsafe {
        let p = ffi::sqlite3_errmsg(db);
        if p.is_null() {
            None
        } else {
            Some(std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned())
        }
    };
    // SAFETY: as above.
    let extended = unsafe { ffi::sqlite3_extended_errcode(db) };
    let code = if extended & 0xff == rc & 0xff {
        extended
    } else {
        rc
    };
    rusqlite::Error::SqliteFailure(ffi::Error::new(code), msg)
}

impl OpenStatement {
    /// Prepares `sql` (one statement) on `conn`.
    ///
    /// # Safety
    /// The returned statement must be dropped before `conn` is closed (see the module doc).
    pub(crate) unsafe fn prepare(
        conn: &rusqlite::Connection,
        sql: &str,
    ) -> Result<OpenStatement, rusqlite::Error> {
        // SAFETY: handle() gives the live connection pointer; we never close it.
        let db = unsafe { conn.handle() };
        let len = c_int::try_from(sql.len()).map_err(|_| {
            rusqlite::Error::SqliteFailure(ffi::Error::new(ffi::SQLITE_TOOBIG), None)
        })?;
        let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
        let mut tail: *const c_char = std::ptr::null();
        // SAFETY: `sql` is valid for `len` bytes (not NUL-terminated, which a non-negative
        // length allows); stmt and tail are valid out-pointers.
        let rc = unsafe {
            ffi::sqlite3_prepare_v3(
                db,
                sql.as_ptr().cast(),
                len,
                0,
                &raw mut stmt,
                &raw mut tail,
            )
        };
        if rc != ffi::SQLITE_OK {
            // SAFETY: db is live.
            return Err(unsafe { error_of(db, rc) });
        }
        let stmt = NonNull::new(stmt).ok_or_else(|| {
            rusqlite::Error::SqliteFailure(
                ffi::Error::new(ffi::SQLITE_MISUSE),
                Some("empty statement".into()),
            )
        })?;
        Ok(OpenStatement { stmt, db })
    }

    fn check(&self, rc: c_int) -> Result<(), rusqlite::Error> {
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            // SAFETY: db outlives self (module invariant).
            Err(unsafe { error_of(self.db, rc) })
        }
    }

    /// Binds parameter `i` (1-based). Text and blobs are copied by SQLite (SQLITE_TRANSIENT).
    pub(crate) fn bind(&mut self, i: usize, v: &Value) -> Result<(), rusqlite::Error> {
        let i = c_int::try_from(i).unwrap_or(c_int::MAX);
        let s = self.stmt.as_ptr();
        // SAFETY: `s` is a live statement; text/blob pointers are valid for the given length
        // for the duration of the call, and SQLITE_TRANSIENT makes SQLite copy them.
        let rc = unsafe {
            match v {
                Value::Null => ffi::sqlite3_bind_null(s, i),
                Value::Int(n) => ffi::sqlite3_bind_int64(s, i, *n),
                Value::Float(f) => ffi::sqlite3_bind_double(s, i, *f),
                Value::Text(t) => ffi::sqlite3_bind_text64(
                    s,
                    i,
                    t.as_ptr().cast(),
                    t.len() as u64,
                    ffi::SQLITE_TRANSIENT(),
                    ffi::SQLITE_UTF8 as u8,
                ),
                Value::Bytes(b) => ffi::sqlite3_bind_blob64(
                    s,
                    i,
                    b.as_ptr().cast(),
                    b.len() as u64,
                    ffi::SQLITE_TRANSIENT(),
                ),
            }
        };
        self.check(rc)
    }

    /// Steps once: `Ok(true)` when a row is ready, `Ok(false)` when the statement is done.
    pub(crate) fn step(&mut self) -> Result<bool, rusqlite::Error> {
        // SAFETY: a live statement.
        let rc = unsafe { ffi::sqlite3_step(self.stmt.as_ptr()) };
        match rc {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            // SAFETY: db outlives self.
            _ => Err(unsafe { error_of(self.db, rc) }),
        }
    }

    /// Column `i` of the current row (after `step` returned a row).
    pub(crate) fn column(&self, i: usize) -> ValueRef<'_> {
        let s = self.stmt.as_ptr();
        let i = c_int::try_from(i).unwrap_or(c_int::MAX);
        // SAFETY: a live statement positioned on a row; the pointers SQLite returns for text
        // and blobs stay valid until the next step/reset/finalize, which need `&mut self`
        // while the returned borrow of `self` lives. Lengths come from sqlite3_column_bytes
        // called after the pointer, as SQLite's documentation requires.
        unsafe {
            match ffi::sqlite3_column_type(s, i) {
                ffi::SQLITE_INTEGER => ValueRef::Integer(ffi::sqlite3_column_int64(s, i)),
                ffi::SQLITE_FLOAT => ValueRef::Real(ffi::sqlite3_column_double(s, i)),
                ffi::SQLITE_TEXT => {
                    let p = ffi::sqlite3_column_text(s, i);
                    let n = usize::try_from(ffi::sqlite3_column_bytes(s, i)).unwrap_or(0);
                    if p.is_null() {
                        ValueRef::Text(&[])
                    } else {
                        ValueRef::Text(std::slice::from_raw_parts(p, n))
                    }
                }
                ffi::SQLITE_BLOB => {
                    let p = ffi::sqlite3_column_blob(s, i);
                    let n = usize::try_from(ffi::sqlite3_column_bytes(s, i)).unwrap_or(0);
                    if p.is_null() {
                        ValueRef::Blob(&[])
                    } else {
                        ValueRef::Blob(std::slice::from_raw_parts(p.cast::<u8>(), n))
                    }
                }
                _ => ValueRef::Null,
            }
        }
    }
}

impl Drop for OpenStatement {
    fn drop(&mut self) {
        // SAFETY: the statement is live and finalized exactly once; its connection is still
        // open (module invariant). An error here repeats the last step's, already reported.
        unsafe { ffi::sqlite3_finalize(self.stmt.as_ptr()) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_steps_binds_and_reads_columns() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        // SAFETY: the statement is dropped before `conn` (end of each block below).
        let mut st = unsafe {
            OpenStatement::prepare(&conn, "select ?1, ?2, ?3, ?4, ?5 from (values (1),(2))")
        }
        .unwrap();
        st.bind(1, &Value::Int(7)).unwrap();
        st.bind(2, &Value::Float(1.5)).unwrap();
        st.bind(3, &Value::Text("héllo".into())).unwrap();
        st.bind(4, &Value::Bytes(vec![0, 1, 2])).unwrap();
        st.bind(5, &Value::Null).unwrap();
        assert!(st.step().unwrap());
        assert_eq!(st.column(0), ValueRef::Integer(7));
        assert_eq!(st.column(1), ValueRef::Real(1.5));
        assert_eq!(st.column(2), ValueRef::Text("héllo".as_bytes()));
        assert_eq!(st.column(3), ValueRef::Blob(&[0, 1, 2]));
        assert_eq!(st.column(4), ValueRef::Null);
        assert!(st.step().unwrap());
        assert!(!st.step().unwrap());
        drop(st);
        // SAFETY: as above.
        let bad = unsafe { OpenStatement::prepare(&conn, "selec 1") };
        assert!(matches!(bad, Err(rusqlite::Error::SqliteFailure(..))));
        // SAFETY: as above.
        let mut div =
            unsafe { OpenStatement::prepare(&conn, "select abs(-9223372036854775808)") }.unwrap();
        assert!(div.step().is_err());
    }
}
