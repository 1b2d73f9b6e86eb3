//! The eponymous virtual-table module that serves every catalog relation.
//!
//! `xBestIndex` takes every usable equality constraint (`col = value`) and asks SQLite to
//! pass its value; `xFilter` then makes the rows: a SQL source runs as
//! `WITH s(cols…) AS (<query>) SELECT … FROM s WHERE "col" = ?…` on the same connection
//! (only the columns the scan uses are computed), a Rust source gets the constraints to
//! narrow its work. The constraints are not marked omitted: SQLite checks them again, so a
//! source that ignores one is still correct.
//!
//! Invariants: the rows of one scan are made in `xFilter` and kept until the next one;
//! nothing is cached across scans. The connection handle kept by a table is the one that
//! created it, valid until SQLite disconnects the table, which it does before closing the
//! connection. Never: writes (the module has no xUpdate).

use std::borrow::Cow;
use std::ffi::{CStr, CString, c_int};
use std::fmt::Write as _;
use std::marker::PhantomData;

use rusqlite::types::Value as Cell;
use rusqlite::vtab::{
    Context, Filters, IndexConstraintOp, IndexInfo, Module, VTab, VTabConfig, VTabConnection,
    VTabCursor,
};
use rusqlite::{Connection, Result, ffi};

use super::SystemRelation;
use super::rows::Source;
use sql::catalog::quote_sqlite as quote_sqlite_ident;

/// Registers one eponymous table per relation.
pub(super) fn register(conn: &Connection, relations: &'static [SystemRelation]) -> Result<()> {
    const MODULE: Module<'static, SysTab> = Module::eponymous_only_module();
    for rel in relations {
        let name = CString::new(rel.sqlite_name())
            .map_err(|_| rusqlite::Error::ModuleError("bad catalog name".into()))?;
        conn.create_module(name.as_c_str(), &MODULE, Some(rel))?;
    }
    Ok(())
}

#[repr(C)]
struct SysTab {
    /// SQLite's base class; must come first.
    base: ffi::sqlite3_vtab,
    rel: &'static SystemRelation,
    /// The connection the table belongs to (see the module doc).
    db: *mut ffi::sqlite3,
}

// SAFETY: `SysTab` is `#[repr(C)]` with `sqlite3_vtab` as its first field, as the trait
// requires.
unsafe impl<'vtab> VTab<'vtab> for SysTab {
    type Aux = &'static SystemRelation;
    type Cursor = SysCursor<'vtab>;

    fn connect(
        db: &mut VTabConnection,
        aux: Option<&&'static SystemRelation>,
        _module_name: &[u8],
        _database_name: &[u8],
        _table_name: &[u8],
        _args: &[&[u8]],
    ) -> Result<(Cow<'static, CStr>, Self)> {
        db.config(VTabConfig::Innocuous)?;
        let Some(rel) = aux.copied() else {
            return Err(rusqlite::Error::ModuleError(
                "catalog table without definition".into(),
            ));
        };
        let mut decl = String::from("CREATE TABLE x(");
        for (i, c) in rel.columns.iter().enumerate() {
            if i > 0 {
                decl.push_str(", ");
            }
            decl.push_str(&quote_sqlite_ident(&c.name));
        }
        decl.push(')');
        let decl = CString::new(decl)
            .map_err(|_| rusqlite::Error::ModuleError("bad declaration".into()))?;
        // SAFETY: the handle is only stored here. It is used (through a non-owning
        // `Connection`) only inside `xFilter`, i.e. while SQLite runs a scan of this table on
        // this connection — which is then necessarily open — on the thread running it.
        let handle = unsafe { db.handle() };
        Ok((
            Cow::Owned(decl),
            SysTab {
                base: ffi::sqlite3_vtab::default(),
                rel,
                db: handle,
            },
        ))
    }

    fn best_index(&self, info: &mut IndexInfo) -> Result<bool> {
        let mut cols: Vec<(usize, usize)> = Vec::new();
        for (i, c) in info.constraints().enumerate() {
            if c.is_usable() && c.operator() == IndexConstraintOp::SQLITE_INDEX_CONSTRAINT_EQ {
                let col = usize::try_from(c.column()).unwrap_or(usize::MAX);
                if col < self.rel.columns.len() && !cols.iter().any(|(k, _)| *k == col) {
                    cols.push((col, i));
                }
            }
        }
        let mut plan = format!("{:x}", info.col_used());
        for (n, (col, i)) in cols.iter().enumerate() {
            let mut usage = info.constraint_usage(*i);
            usage.set_argv_index(c_int::try_from(n + 1).unwrap_or(c_int::MAX));
            let _ = write!(plan, ",{col}");
        }
        info.set_idx_str(&plan);
        if cols.is_empty() {
            info.set_estimated_cost(1000.0);
            info.set_estimated_rows(1000);
        } else {
            // Fewer rows the more columns are fixed; a key column (first) the fewest.
            let key = cols.iter().any(|(c, _)| *c == 0);
            let rows: i64 = if key { 1 } else { 10 };
            info.set_estimated_cost(if key { 5.0 } else { 20.0 });
            info.set_estimated_rows(rows);
        }
        Ok(true)
    }

    fn open(&'vtab mut self) -> Result<SysCursor<'vtab>> {
        Ok(SysCursor {
            base: ffi::sqlite3_vtab_cursor::default(),
            rel: self.rel,
            db: self.db,
            rows: Vec::new(),
            at: 0,
            phantom: PhantomData,
        })
    }
}

#[repr(C)]
struct SysCursor<'vtab> {
    /// SQLite's base class; must come first.
    base: ffi::sqlite3_vtab_cursor,
    rel: &'static SystemRelation,
    db: *mut ffi::sqlite3,
    rows: Vec<Vec<Cell>>,
    at: usize,
    phantom: PhantomData<&'vtab SysTab>,
}

/// The columns the scan uses (`colUsed`: bit 63 stands for every column from 63 on).
fn used(mask: u64, col: usize) -> bool {
    let bit = col.min(63);
    mask & (1u64 << bit) != 0
}

/// A SQL source split into its `UNION ALL` arms, each into its result expressions and the
/// rest (`FROM …`): so that a scan computes only the columns it uses. `None` when the text
/// is not of that shape (it then runs whole).
fn split_arms(body: &str) -> Option<Vec<(Vec<&str>, &str)>> {
    let mut arms = Vec::new();
    for arm in split_keyword(body, " UNION ALL ") {
        let arm = arm.trim();
        let rest = arm.strip_prefix("SELECT ")?;
        let mut parts = split_keyword(rest, " FROM ").into_iter();
        let columns = parts.next()?;
        let from = match parts.next() {
            Some(_) => &rest[columns.len()..],
            None => "",
        };
        arms.push((split_commas(columns), from));
    }
    Some(arms)
}

/// Splits `s` at each top-level (outside parentheses and quotes) occurrence of `word`.
fn split_keyword<'a>(s: &'a str, word: &str) -> Vec<&'a str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut depth, mut start, mut i) = (0usize, 0, 0);
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'\'' | b'"' => quote = Some(c),
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                _ if depth == 0 && s[i..].starts_with(word) => {
                    out.push(&s[start..i]);
                    i += word.len();
                    start = i;
                    continue;
                }
                _ => {}
            },
        }
        i += 1;
    }
    out.push(&s[start..]);
    out
}

fn split_commas(s: &str) -> Vec<&str> {
    split_keyword(s, ",").into_iter().map(str::trim).collect()
}

fn run_sql(
    conn: &Connection,
    rel: &SystemRelation,
    body: &str,
    mask: u64,
    filters: &[(usize, Cell)],
) -> Result<Vec<Vec<Cell>>> {
    let produced = rel.columns.len() - usize::from(rel.tableoid);
    let names: Vec<String> = rel.columns[..produced]
        .iter()
        .map(|c| quote_sqlite_ident(&c.name))
        .collect();
    let wanted = |i: usize| used(mask, i) || filters.iter().any(|(c, _)| *c == i);
    let inner = match split_arms(body) {
        Some(arms) if arms.iter().all(|(cols, _)| cols.len() == produced) => {
            let mut sql = String::new();
            for (k, (cols, from)) in arms.iter().enumerate() {
                if k > 0 {
                    sql.push_str(" UNION ALL ");
                }
                sql.push_str("SELECT ");
                for (i, c) in cols.iter().enumerate() {
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(if wanted(i) { c } else { "NULL" });
                    if k == 0 {
                        let _ = write!(sql, " AS {}", names[i]);
                    }
                }
                sql.push_str(from);
            }
            format!("SELECT * FROM ({sql})")
        }
        _ => format!("WITH s({}) AS ({body}) SELECT * FROM s", names.join(", ")),
    };
    let mut sql = String::from("SELECT ");
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(if wanted(i) { n } else { "NULL" });
    }
    let _ = write!(sql, " FROM ({inner})");
    let filters: Vec<&(usize, Cell)> = filters.iter().filter(|(c, _)| *c < produced).collect();
    for (k, (col, _)) in filters.iter().enumerate() {
        sql.push_str(if k == 0 { " WHERE " } else { " AND " });
        let _ = write!(
            sql,
            "{} = ?{}",
            names.get(*col).map_or("NULL", String::as_str),
            k + 1
        );
    }
    let mut stmt = conn.prepare(&sql)?;
    let params: Vec<&Cell> = filters.iter().map(|(_, v)| v).collect();
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params), |r| {
            (0..produced)
                .map(|i| r.get::<_, Cell>(i))
                .collect::<Result<Vec<_>>>()
        })?
        .collect::<Result<Vec<_>>>()?;
    Ok(rows)
}

// SAFETY: `SysCursor` is `#[repr(C)]` with `sqlite3_vtab_cursor` as its first field, as the
// trait requires.
unsafe impl VTabCursor for SysCursor<'_> {
    fn filter(&mut self, _idx_num: c_int, idx_str: Option<&str>, args: &Filters<'_>) -> Result<()> {
        let mut parts = idx_str.unwrap_or("").split(',');
        let mask = parts
            .next()
            .and_then(|m| u64::from_str_radix(m, 16).ok())
            .unwrap_or(u64::MAX);
        let mut filters = Vec::new();
        for (k, col) in parts.enumerate() {
            let Ok(col) = col.parse::<usize>() else {
                continue;
            };
            if k < args.len() {
                filters.push((col, args.get::<Cell>(k)?));
            }
        }
        self.at = 0;
        self.rows = match &self.rel.source {
            Source::Empty => Vec::new(),
            Source::Sql(body) => {
                // SAFETY: `db` is the live connection running this scan (module doc); the
                // non-owning `Connection` is dropped before this call returns and never
                // closes the handle.
                let conn = unsafe { Connection::from_handle(self.db) }?;
                run_sql(&conn, self.rel, body, mask, &filters)?
            }
            Source::Rust(f) => {
                // SAFETY: as above.
                let conn = unsafe { Connection::from_handle(self.db) }?;
                f(&conn, &filters)?
            }
        };
        if self.rel.tableoid {
            for row in &mut self.rows {
                row.push(Cell::Integer(i64::from(self.rel.oid)));
            }
        }
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
