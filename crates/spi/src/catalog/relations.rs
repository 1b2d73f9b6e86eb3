//! Relations in minipg's catalog (`minipg_class`, `minipg_attribute`): the `sql` crate's
//! [`Catalog`] over them ([`DbCatalog`]), the system relations of `pg_catalog`, and carrying
//! out the front end's schema changes ([`run_ddl`]) — SQLite's DDL and the catalog rows in
//! the caller's transaction.

use std::cell::Cell;

use rusqlite::{Connection, OptionalExtension, params};
use sql::catalog::{Catalog, RelColumn, RelKind, Relation};
use sql::plan::{Ddl, NewRelation};
use sql::{SqlError, Type, sqlstate};

use crate::catalog::{is_schema, next_oid};
use crate::connection::SqlConn;
use crate::error::SpiError;
use crate::result::Notice;

/// The catalog as one statement's analysis sees it.
pub(crate) struct DbCatalog<'a> {
    sql: &'a SqlConn,
    user: &'a str,
    /// Called before the first look-up (to open the snapshot a plan is described in).
    hook: Option<&'a dyn Fn()>,
    used: Cell<bool>,
}

impl<'a> DbCatalog<'a> {
    pub(crate) fn new(sql: &'a SqlConn, user: &'a str) -> Self {
        DbCatalog {
            sql,
            user,
            hook: None,
            used: Cell::new(false),
        }
    }

    pub(crate) fn with_lookup_hook(mut self, hook: &'a dyn Fn()) -> Self {
        self.hook = Some(hook);
        self
    }

    /// Did the analysis read the catalog?
    pub(crate) fn used(&self) -> bool {
        self.used.get()
    }

    fn note_use(&self) {
        if !self.used.replace(true)
            && let Some(h) = self.hook
        {
            h();
        }
    }
}

/// The system relation `name` of `schema` (`None`: `pg_catalog`, searched first for
/// unqualified names): every relation of `pg_catalog` and `information_schema` minipg
/// serves, defined in [`system`](crate::catalog::system).
pub(crate) fn system_relation(schema: Option<&str>, name: &str) -> Option<Relation> {
    crate::catalog::system::lookup(schema, name).map(|r| r.relation())
}

fn kind_of(code: &str) -> RelKind {
    match code {
        "v" => RelKind::View,
        "i" => RelKind::Index,
        "S" => RelKind::Sequence,
        _ => RelKind::Table,
    }
}

/// The relation `name` of `schema`, from the file.
pub(crate) fn lookup(
    conn: &Connection,
    schema: &str,
    name: &str,
) -> rusqlite::Result<Option<Relation>> {
    let row = conn
        .prepare_cached(
            "SELECT oid, relkind, sqlite_name FROM main.minipg_class \
             WHERE relnamespace = ?1 AND relname = ?2",
        )?
        .query_row(params![schema, name], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .optional()?;
    let Some((oid, kind, sqlite_name)) = row else {
        return Ok(None);
    };
    let columns = conn
        .prepare_cached(
            "SELECT attname, atttypid, atttypmod, attnotnull, attdefault \
             FROM main.minipg_attribute WHERE attrelid = ?1 ORDER BY attnum",
        )?
        .query_map([oid], |r| {
            Ok(RelColumn {
                name: r.get(0)?,
                ty: Type(u32::try_from(r.get::<_, i64>(1)?).unwrap_or(0)),
                typmod: i32::try_from(r.get::<_, i64>(2)?).unwrap_or(-1),
                not_null: r.get::<_, i64>(3)? != 0,
                default: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Some(Relation {
        oid: u32::try_from(oid).unwrap_or(0),
        schema: schema.to_string(),
        name: name.to_string(),
        kind: kind_of(&kind),
        sqlite_name,
        columns,
        system: false,
    }))
}

/// `search_path` as schema names (`$user` is the session's user), unquoted, in order.
pub(crate) fn search_path_names(user: &str) -> Vec<String> {
    let text = guc::show("search_path").unwrap_or_else(|_| "public".into());
    text.split(',')
        .map(|p| {
            let p = p.trim();
            let unquoted = p
                .strip_prefix('"')
                .and_then(|x| x.strip_suffix('"'))
                .map_or_else(|| p.to_lowercase(), |x| x.replace("\"\"", "\""));
            if unquoted == "$user" {
                user.to_string()
            } else {
                unquoted
            }
        })
        .filter(|s| !s.is_empty())
        .collect()
}

impl Catalog for DbCatalog<'_> {
    fn relation(&self, schema: Option<&str>, name: &str) -> sql::Result<Option<Relation>> {
        self.note_use();
        if let Some(r) = system_relation(schema, name) {
            return Ok(Some(r));
        }
        let found = match schema {
            Some(s) => self.sql.trusted(|c| lookup(c, s, name)),
            None => self.sql.trusted(|c| {
                for s in self.search_path() {
                    // `information_schema` on the path finds its views too.
                    if let Some(r) = system_relation(Some(&s), name) {
                        return Ok(Some(r));
                    }
                    if let Some(r) = lookup(c, &s, name)? {
                        return Ok(Some(r));
                    }
                }
                Ok(None)
            }),
        };
        found.map_err(|e| SpiError::from(e).into_sql())
    }

    fn schema_exists(&self, name: &str) -> sql::Result<bool> {
        self.note_use();
        Ok(self.sql.trusted(|c| is_schema(c, name)))
    }

    fn search_path(&self) -> Vec<String> {
        self.note_use();
        let names = search_path_names(self.user);
        self.sql.trusted(|c| {
            names
                .into_iter()
                .filter(|s| s != "pg_catalog" && is_schema(c, s))
                .collect()
        })
    }

    fn check_interrupts(&self) -> sql::Result<()> {
        crate::interrupt::check().map_err(SpiError::into_sql)
    }
}

fn insert_relation(
    conn: &Connection,
    rel: &NewRelation,
    reltable: Option<u32>,
) -> Result<i64, SpiError> {
    let oid = next_oid(conn)?;
    conn.execute(
        "INSERT INTO main.minipg_class (oid, relnamespace, relname, relkind, sqlite_name, reltable) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            oid,
            rel.schema,
            rel.name,
            rel.kind.code().to_string(),
            rel.sqlite_name,
            reltable.map(i64::from)
        ],
    )?;
    write_columns(conn, oid, &rel.columns)?;
    Ok(oid)
}

fn write_columns(conn: &Connection, oid: i64, columns: &[RelColumn]) -> Result<(), SpiError> {
    conn.execute(
        "DELETE FROM main.minipg_attribute WHERE attrelid = ?1",
        [oid],
    )?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO main.minipg_attribute \
         (attrelid, attnum, attname, atttypid, atttypmod, attnotnull, attdefault) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (i, c) in columns.iter().enumerate() {
        stmt.execute(params![
            oid,
            i64::try_from(i + 1).unwrap_or(i64::MAX),
            c.name,
            i64::from(c.ty.oid()),
            i64::from(c.typmod),
            i64::from(c.not_null),
            c.default
        ])?;
    }
    Ok(())
}

fn forget(conn: &Connection, oid: u32) -> Result<(), SpiError> {
    conn.execute(
        "DELETE FROM main.minipg_attribute WHERE attrelid = ?1",
        [oid],
    )?;
    conn.execute(
        "DELETE FROM main.minipg_attribute WHERE attrelid IN \
         (SELECT oid FROM main.minipg_class WHERE reltable = ?1)",
        [oid],
    )?;
    conn.execute("DELETE FROM main.minipg_class WHERE reltable = ?1", [oid])?;
    conn.execute("DELETE FROM main.minipg_class WHERE oid = ?1", [oid])?;
    Ok(())
}

/// Removes the catalog rows of every relation of `schema` (DROP SCHEMA … CASCADE).
pub(crate) fn forget_schema(conn: &Connection, schema: &str) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM main.minipg_attribute WHERE attrelid IN \
         (SELECT oid FROM main.minipg_class WHERE relnamespace = ?1)",
        [schema],
    )?;
    conn.execute(
        "DELETE FROM main.minipg_class WHERE relnamespace = ?1",
        [schema],
    )?;
    Ok(())
}

fn exists_notice(kind: &str, name: &str) -> Notice {
    Notice::notice(
        sqlstate::DUPLICATE_TABLE,
        format!("{kind} \"{name}\" already exists, skipping"),
    )
}

fn already_exists(name: &str) -> SpiError {
    SpiError::new(
        sqlstate::DUPLICATE_TABLE,
        format!("relation \"{name}\" already exists"),
    )
}

fn run_all(conn: &Connection, statements: &[String]) -> Result<(), SpiError> {
    for s in statements {
        conn.execute_batch(s)?;
    }
    Ok(())
}

/// Carries out a schema change in the caller's transaction (the caller makes it atomic).
/// Returns the notices (IF EXISTS / IF NOT EXISTS skips).
pub(crate) fn run_ddl(sql: &SqlConn, ddl: &Ddl) -> Result<Vec<Notice>, SpiError> {
    let conn = &sql.conn;
    let mut notices = Vec::new();
    match ddl {
        Ddl::CreateTable {
            rel,
            if_not_exists,
            sqlite,
            ..
        } => {
            if sql
                .trusted(|c| lookup(c, &rel.schema, &rel.name))?
                .is_some()
            {
                if *if_not_exists {
                    notices.push(exists_notice("relation", &rel.name));
                    return Ok(notices);
                }
                return Err(already_exists(&rel.name));
            }
            // Client DDL runs under the authorizer; the catalog rows are the server's. They
            // go first, so that SQLite's change count ends as the rows CREATE TABLE … AS
            // filled the table with.
            sql.trusted(|c| insert_relation(c, rel, None))?;
            run_all(conn, sqlite)?;
        }
        Ddl::CreateView {
            rel,
            or_replace,
            sqlite,
        } => {
            if let Some(old) = sql.trusted(|c| lookup(c, &rel.schema, &rel.name))? {
                if !*or_replace || old.kind != RelKind::View {
                    return Err(already_exists(&rel.name));
                }
                sql.trusted(|c| forget(c, old.oid))?;
            }
            run_all(conn, sqlite)?;
            sql.trusted(|c| insert_relation(c, rel, None))?;
        }
        Ddl::CreateIndex {
            schema,
            name,
            sqlite_name,
            table,
            if_not_exists,
            sqlite,
        } => {
            if sql.trusted(|c| lookup(c, schema, name))?.is_some() {
                if *if_not_exists {
                    notices.push(exists_notice("relation", name));
                    return Ok(notices);
                }
                return Err(already_exists(name));
            }
            conn.execute_batch(sqlite)?;
            let rel = NewRelation {
                schema: schema.clone(),
                name: name.clone(),
                kind: RelKind::Index,
                sqlite_name: sqlite_name.clone(),
                columns: Vec::new(),
            };
            sql.trusted(|c| insert_relation(c, &rel, Some(table.oid)))?;
        }
        Ddl::Drop {
            kind,
            found,
            missing,
            ..
        } => {
            for name in missing {
                notices.push(Notice::notice(
                    sqlstate::SUCCESSFUL_COMPLETION,
                    format!("{} \"{name}\" does not exist, skipping", kind.noun()),
                ));
            }
            for rel in found {
                let word = match kind {
                    RelKind::Table => "TABLE",
                    RelKind::View => "VIEW",
                    RelKind::Index => "INDEX",
                    RelKind::Sequence => "TABLE",
                };
                conn.execute_batch(&format!(
                    "DROP {word} IF EXISTS {}",
                    sql::catalog::quote_sqlite(&rel.sqlite_name)
                ))?;
                sql.trusted(|c| forget(c, rel.oid))?;
            }
        }
        Ddl::AlterTable {
            table,
            new_name,
            columns,
            sqlite,
        } => {
            if let Some(n) = new_name
                && sql.trusted(|c| lookup(c, &table.schema, n))?.is_some()
            {
                return Err(already_exists(n));
            }
            run_all(conn, sqlite)?;
            sql.trusted(|c| -> Result<(), SpiError> {
                if let Some(n) = new_name {
                    c.execute(
                        "UPDATE main.minipg_class SET relname = ?1, sqlite_name = ?2 WHERE oid = ?3",
                        params![n, sql::catalog::sqlite_name(&table.schema, n), table.oid],
                    )?;
                }
                write_columns(c, i64::from(table.oid), columns)
            })?;
        }
        Ddl::Truncate { tables } => {
            for t in tables {
                conn.execute_batch(&format!(
                    "DELETE FROM {}",
                    sql::catalog::quote_sqlite(&t.sqlite_name)
                ))?;
            }
        }
    }
    Ok(notices)
}

/// Startup repair: catalog rows whose SQLite object is gone (an interrupted change) are
/// removed. Returns one line per repair.
pub(crate) fn repair(conn: &Connection) -> Result<Vec<String>, SpiError> {
    let orphans: Vec<(i64, String)> = conn
        .prepare(
            "SELECT oid, sqlite_name FROM main.minipg_class c WHERE NOT EXISTS \
             (SELECT 1 FROM main.sqlite_schema s WHERE s.name = c.sqlite_name)",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (oid, name) in orphans {
        conn.execute(
            "DELETE FROM main.minipg_attribute WHERE attrelid = ?1",
            [oid],
        )?;
        conn.execute("DELETE FROM main.minipg_class WHERE oid = ?1", [oid])?;
        out.push(format!(
            "catalog row of \"{name}\" had no relation; removed"
        ));
    }
    Ok(out)
}

/// A catalog error as the front end reports it.
#[allow(dead_code)]
fn to_sql_error(e: SpiError) -> SqlError {
    e.into_sql()
}
