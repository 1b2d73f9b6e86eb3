//! `pg_stat_activity`: an eponymous, read-only SQLite virtual table over
//! [`ServerHooks::activity`](crate::hooks::ServerHooks::activity).
//!
//! Each scan takes a fresh snapshot of the hooks' rows when SQLite calls `xFilter`; nothing is
//! cached between statements. Timestamps are PostgreSQL `timestamptz` text in UTC.
//! Never: writes (the module has no xUpdate) or keeps a row across scans.

use std::borrow::Cow;
use std::ffi::{CStr, c_int};
use std::marker::PhantomData;

use rusqlite::vtab::{
    Context, Filters, IndexInfo, Module, VTab, VTabConfig, VTabConnection, VTabCursor,
};
use rusqlite::{Connection, Result, ffi};

use crate::hooks::{ActivityRow, hooks};
use crate::value::format_timestamptz;

/// Registers the module on `conn`; `pg_stat_activity` then works as a table name.
pub(crate) fn register(conn: &Connection) -> Result<()> {
    const MODULE: Module<'static, ActivityTab> = Module::eponymous_only_module();
    conn.create_module(c"pg_stat_activity", &MODULE, None)
}

#[repr(C)]
struct ActivityTab {
    /// SQLite's base class; must come first.
    base: ffi::sqlite3_vtab,
}

// SAFETY: `ActivityTab` is `#[repr(C)]` with `sqlite3_vtab` as its first field, as the trait
// requires.
unsafe impl<'vtab> VTab<'vtab> for ActivityTab {
    type Aux = ();
    type Cursor = ActivityCursor<'vtab>;

    fn connect(
        db: &mut VTabConnection,
        _aux: Option<&()>,
        _module_name: &[u8],
        _database_name: &[u8],
        _table_name: &[u8],
        _args: &[&[u8]],
    ) -> Result<(Cow<'static, CStr>, Self)> {
        db.config(VTabConfig::Innocuous)?;
        Ok((
            Cow::Borrowed(
                c"CREATE TABLE x(pid integer, datname text, usename text, backend_type text, \
                  state text, query text, backend_start timestamptz, query_start timestamptz)",
            ),
            ActivityTab {
                base: ffi::sqlite3_vtab::default(),
            },
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> Result<bool> {
        info.set_estimated_cost(100.0);
        info.set_estimated_rows(100);
        Ok(true)
    }

    fn open(&'vtab mut self) -> Result<ActivityCursor<'vtab>> {
        Ok(ActivityCursor {
            base: ffi::sqlite3_vtab_cursor::default(),
            rows: Vec::new(),
            at: 0,
            phantom: PhantomData,
        })
    }
}

#[repr(C)]
struct ActivityCursor<'vtab> {
    /// SQLite's base class; must come first.
    base: ffi::sqlite3_vtab_cursor,
    rows: Vec<ActivityRow>,
    at: usize,
    phantom: PhantomData<&'vtab ActivityTab>,
}

// SAFETY: `ActivityCursor` is `#[repr(C)]` with `sqlite3_vtab_cursor` as its first field, as
// the trait requires.
unsafe impl VTabCursor for ActivityCursor<'_> {
    fn filter(
        &mut self,
        _idx_num: c_int,
        _idx_str: Option<&str>,
        _args: &Filters<'_>,
    ) -> Result<()> {
        self.rows = hooks().activity();
        self.at = 0;
        Ok(())
    }

    fn next(&mut self) -> Result<()> {
        self.at += 1;
        Ok(())
    }

    fn eof(&self) -> bool {
        self.at >= self.rows.len()
    }

    fn column(&self, ctx: &mut Context, i: c_int) -> Result<()> {
        let Some(row) = self.rows.get(self.at) else {
            return ctx.set_result(rusqlite::types::Null);
        };
        match i {
            0 => ctx.set_result(row.pid),
            1 => ctx.set_result(row.datname.as_deref()),
            2 => ctx.set_result(row.usename.as_deref()),
            3 => ctx.set_result(row.backend_type.as_str()),
            4 => ctx.set_result(row.state.as_deref()),
            5 => ctx.set_result(row.query.as_deref()),
            6 => ctx.set_result(row.backend_start.map(format_timestamptz)),
            7 => ctx.set_result(row.query_start.map(format_timestamptz)),
            _ => ctx.set_result(rusqlite::types::Null),
        }
    }

    fn rowid(&self) -> Result<i64> {
        Ok(i64::try_from(self.at).unwrap_or(i64::MAX))
    }
}
