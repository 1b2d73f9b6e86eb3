//! The server views: eponymous, read-only SQLite virtual tables over the server hooks —
//! `pg_stat_activity` ([`ServerHooks::activity`](crate::hooks::ServerHooks::activity)) and
//! `pg_stat_autovacuum` ([`ServerHooks::autovacuum_stats`](crate::hooks::ServerHooks::autovacuum_stats)).
//!
//! One virtual-table module serves both: a [`ViewDef`] gives the columns and a function that
//! returns the rows. Each scan takes a fresh snapshot when SQLite calls `xFilter`; nothing is
//! cached between statements. Timestamps are `timestamptz`'s stored form (microseconds since
//! 2000-01-01 UTC).
//! Never: writes (the module has no xUpdate) or keeps a row across scans.

use std::borrow::Cow;
use std::ffi::{CStr, c_int};
use std::marker::PhantomData;

use rusqlite::types::Value as Cell;
use rusqlite::vtab::{
    Context, Filters, IndexInfo, Module, VTab, VTabConfig, VTabConnection, VTabCursor,
};
use rusqlite::{Connection, Result, ffi};

use crate::hooks::hooks;
use crate::value::timestamptz_value;

/// A view: its `CREATE TABLE` declaration and where its rows come from.
pub(crate) struct ViewDef {
    declaration: &'static CStr,
    rows: fn() -> Vec<Vec<Cell>>,
}

fn text(s: Option<String>) -> Cell {
    s.map_or(Cell::Null, Cell::Text)
}

fn time(t: Option<std::time::SystemTime>) -> Cell {
    t.map_or(Cell::Null, |t| Cell::Integer(timestamptz_value(t)))
}

fn int(v: Option<i64>) -> Cell {
    v.map_or(Cell::Null, Cell::Integer)
}

fn activity_rows() -> Vec<Vec<Cell>> {
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

fn autovacuum_rows() -> Vec<Vec<Cell>> {
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

static ACTIVITY: ViewDef = ViewDef {
    declaration: c"CREATE TABLE x(pid integer, datname text, usename text, backend_type text, \
                   state text, query text, backend_start timestamptz, query_start timestamptz)",
    rows: activity_rows,
};

static AUTOVACUUM: ViewDef = ViewDef {
    declaration:
        c"CREATE TABLE x(datname text, last_run timestamptz, runs bigint, last_action text, \
                   wal_bytes_before bigint, wal_bytes_after bigint, pages_freed bigint)",
    rows: autovacuum_rows,
};

/// Registers the views on `conn`; their names then work as table names.
pub(crate) fn register(conn: &Connection) -> Result<()> {
    const MODULE: Module<'static, ViewTab> = Module::eponymous_only_module();
    conn.create_module(c"pg_stat_activity", &MODULE, Some(&ACTIVITY))?;
    conn.create_module(c"pg_stat_autovacuum", &MODULE, Some(&AUTOVACUUM))
}

#[repr(C)]
struct ViewTab {
    /// SQLite's base class; must come first.
    base: ffi::sqlite3_vtab,
    def: &'static ViewDef,
}

// SAFETY: `ViewTab` is `#[repr(C)]` with `sqlite3_vtab` as its first field, as the trait
// requires.
unsafe impl<'vtab> VTab<'vtab> for ViewTab {
    type Aux = &'static ViewDef;
    type Cursor = ViewCursor<'vtab>;

    fn connect(
        db: &mut VTabConnection,
        aux: Option<&&'static ViewDef>,
        _module_name: &[u8],
        _database_name: &[u8],
        _table_name: &[u8],
        _args: &[&[u8]],
    ) -> Result<(Cow<'static, CStr>, Self)> {
        db.config(VTabConfig::Innocuous)?;
        let def: &'static ViewDef = aux.copied().unwrap_or(&ACTIVITY);
        Ok((
            Cow::Borrowed(def.declaration),
            ViewTab {
                base: ffi::sqlite3_vtab::default(),
                def,
            },
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> Result<bool> {
        info.set_estimated_cost(100.0);
        info.set_estimated_rows(100);
        Ok(true)
    }

    fn open(&'vtab mut self) -> Result<ViewCursor<'vtab>> {
        Ok(ViewCursor {
            base: ffi::sqlite3_vtab_cursor::default(),
            def: self.def,
            rows: Vec::new(),
            at: 0,
            phantom: PhantomData,
        })
    }
}

#[repr(C)]
struct ViewCursor<'vtab> {
    /// SQLite's base class; must come first.
    base: ffi::sqlite3_vtab_cursor,
    def: &'static ViewDef,
    rows: Vec<Vec<Cell>>,
    at: usize,
    phantom: PhantomData<&'vtab ViewTab>,
}

// SAFETY: `ViewCursor` is `#[repr(C)]` with `sqlite3_vtab_cursor` as its first field, as
// the trait requires.
unsafe impl VTabCursor for ViewCursor<'_> {
    fn filter(
        &mut self,
        _idx_num: c_int,
        _idx_str: Option<&str>,
        _args: &Filters<'_>,
    ) -> Result<()> {
        self.rows = (self.def.rows)();
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
        let cell = usize::try_from(i)
            .ok()
            .and_then(|i| self.rows.get(self.at)?.get(i));
        match cell {
            Some(c) => ctx.set_result(c),
            None => ctx.set_result(&Cell::Null),
        }
    }

    fn rowid(&self) -> Result<i64> {
        Ok(i64::try_from(self.at).unwrap_or(i64::MAX))
    }
}
