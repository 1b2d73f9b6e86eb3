//! Relations in minipg's catalog (`minipg_class`, `minipg_attribute`): the `sql` crate's
//! [`Catalog`] over them ([`DbCatalog`]), the system relations of `pg_catalog`, and carrying
//! out the front end's schema changes ([`run_ddl`]) — SQLite's DDL and the catalog rows in
//! the caller's transaction. ALTER TABLE's execution is [`super::alter`], DROP's (with
//! dependent objects) [`super::drop`], sequences [`super::sequence`], comments
//! [`super::describe`].

use std::cell::Cell;

use rusqlite::{Connection, OptionalExtension, params};
use sql::catalog::{Catalog, Constraint, Identity, RelColumn, RelKind, Relation};
use sql::plan::{Ddl, NewRelation};
use sql::{Type, sqlstate};

use crate::catalog::sequence::{self, PG_ATTRDEF, PG_CLASS};
use crate::catalog::tabledef::TableDef;
use crate::catalog::{describe, is_schema, next_oid};
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

/// The relation `name` of `schema`, from the file. An identity column's default is the
/// `nextval` of its sequence (the catalog stores none, as PostgreSQL's `pg_attrdef`).
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
    let oid = u32::try_from(oid).unwrap_or(0);
    let mut columns = conn
        .prepare_cached(
            "SELECT attname, atttypid, atttypmod, attnotnull, attdefault, attidentity \
             FROM main.minipg_attribute WHERE attrelid = ?1 ORDER BY attnum",
        )?
        .query_map([oid], |r| {
            Ok(RelColumn {
                name: r.get(0)?,
                ty: Type(u32::try_from(r.get::<_, i64>(1)?).unwrap_or(0)),
                typmod: i32::try_from(r.get::<_, i64>(2)?).unwrap_or(-1),
                not_null: r.get::<_, i64>(3)? != 0,
                default: r.get(4)?,
                identity: Identity::from_code(&r.get::<_, String>(5)?),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (i, c) in columns.iter_mut().enumerate() {
        if c.identity.is_some() {
            let attnum = sql::catalog::attnum(i);
            c.default =
                sequence::identity_sequence(conn, oid, attnum)?.map(|(s, n)| nextval_text(&s, &n));
        }
    }
    Ok(Some(Relation {
        oid,
        schema: schema.to_string(),
        name: name.to_string(),
        kind: kind_of(&kind),
        sqlite_name,
        columns,
        system: false,
    }))
}

/// `nextval('schema.name')` with both parts quoted as identifiers need.
pub(crate) fn nextval_text(schema: &str, name: &str) -> String {
    let q = |n: &str| crate::quote::quote_identifier(n).replace('\'', "''");
    format!("nextval('{}.{}')", q(schema), q(name))
}

/// A table's SQLite definition.
pub(crate) fn table_def(
    conn: &Connection,
    sqlite_name: &str,
) -> rusqlite::Result<Option<TableDef>> {
    let text: Option<String> = conn
        .prepare_cached("SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = ?1")?
        .query_row([sqlite_name], |r| r.get(0))
        .optional()?;
    Ok(text.and_then(|t| TableDef::parse(&t)))
}

/// The column lists of a table's unique indexes that are no constraint's, have no predicate
/// and no expression.
pub(crate) fn unique_index_columns(
    conn: &Connection,
    sqlite_name: &str,
) -> rusqlite::Result<Vec<Vec<String>>> {
    let names: Vec<String> = conn
        .prepare_cached(
            "SELECT name FROM pragma_index_list(?1) WHERE \"unique\" = 1 AND origin = 'c' \
             AND partial = 0",
        )?
        .query_map([sqlite_name], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for n in names {
        let cols: Vec<Option<String>> = conn
            .prepare_cached("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")?
            .query_map([&n], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if cols.iter().all(Option::is_some) {
            out.push(cols.into_iter().flatten().collect());
        }
    }
    Ok(out)
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

    fn constraints(&self, rel: &Relation) -> sql::Result<Vec<Constraint>> {
        self.note_use();
        let def = self
            .sql
            .trusted(|c| table_def(c, &rel.sqlite_name))
            .map_err(|e| SpiError::from(e).into_sql())?;
        Ok(def
            .map(|d| d.catalog_constraints(&rel.name))
            .unwrap_or_default())
    }

    fn unique_indexes(&self, rel: &Relation) -> sql::Result<Vec<Vec<String>>> {
        self.note_use();
        self.sql
            .trusted(|c| unique_index_columns(c, &rel.sqlite_name))
            .map_err(|e| SpiError::from(e).into_sql())
    }

    fn role_exists(&self, name: &str) -> bool {
        sql::func::catalog::role_oid(name).is_some()
    }
}

pub(crate) fn insert_relation(
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

/// Replaces a relation's column rows. An identity column's default is not stored (it is its
/// sequence's, found through `minipg_depend`).
pub(crate) fn write_columns(
    conn: &Connection,
    oid: i64,
    columns: &[RelColumn],
) -> Result<(), SpiError> {
    conn.execute(
        "DELETE FROM main.minipg_attribute WHERE attrelid = ?1",
        [oid],
    )?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO main.minipg_attribute \
         (attrelid, attnum, attname, atttypid, atttypmod, attnotnull, attdefault, attidentity) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for (i, c) in columns.iter().enumerate() {
        stmt.execute(params![
            oid,
            i64::try_from(i + 1).unwrap_or(i64::MAX),
            c.name,
            i64::from(c.ty.oid()),
            i64::from(c.typmod),
            i64::from(c.not_null),
            if c.identity.is_some() {
                None
            } else {
                c.default.clone()
            },
            c.identity.map(|k| k.code().to_string()).unwrap_or_default()
        ])?;
    }
    Ok(())
}

/// Removes a relation's catalog rows: its class and column rows, its indexes', the
/// dependencies it has or that name it, its comments, and a sequence's state.
pub(crate) fn forget(conn: &Connection, oid: u32) -> Result<(), SpiError> {
    let indexes: Vec<i64> = conn
        .prepare_cached("SELECT oid FROM main.minipg_class WHERE reltable = ?1")?
        .query_map([oid], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for i in indexes {
        let i = u32::try_from(i).unwrap_or(0);
        describe::forget_relation(conn, i)?;
    }
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
    forget_links(conn, oid)?;
    Ok(())
}

/// Removes what hangs on relation `oid` besides its class and column rows: the dependencies it
/// has or that name it, a sequence's state, its comments.
fn forget_links(conn: &Connection, oid: u32) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM main.minipg_depend WHERE objid = ?1 OR refobjid = ?1",
        [oid],
    )?;
    conn.execute(
        "DELETE FROM main.minipg_sequence WHERE seqrelid = ?1",
        [oid],
    )?;
    describe::forget_relation(conn, oid)
}

/// Removes the catalog rows of every relation of `schema` (DROP SCHEMA … CASCADE).
pub(crate) fn forget_schema(conn: &Connection, schema: &str) -> rusqlite::Result<()> {
    let oids: Vec<i64> = conn
        .prepare("SELECT oid FROM main.minipg_class WHERE relnamespace = ?1")?
        .query_map([schema], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for oid in oids {
        forget_links(conn, u32::try_from(oid).unwrap_or(0))?;
    }
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

pub(crate) fn exists_notice(kind: &str, name: &str) -> Notice {
    Notice::notice(
        sqlstate::DUPLICATE_TABLE,
        format!("{kind} \"{name}\" already exists, skipping"),
    )
}

pub(crate) fn already_exists(name: &str) -> SpiError {
    SpiError::new(
        sqlstate::DUPLICATE_TABLE,
        format!("relation \"{name}\" already exists"),
    )
}

/// CREATE of relation `schema.name` when the name is taken: with IF NOT EXISTS the statement is
/// skipped with a notice (`Some(notices)`), else 42P07. `None`: the name is free.
fn existing_relation(
    sql: &SqlConn,
    schema: &str,
    name: &str,
    if_not_exists: bool,
) -> Result<Option<Vec<Notice>>, SpiError> {
    if sql.trusted(|c| lookup(c, schema, name))?.is_none() {
        return Ok(None);
    }
    if if_not_exists {
        Ok(Some(vec![exists_notice("relation", name)]))
    } else {
        Err(already_exists(name))
    }
}

pub(crate) fn run_all(conn: &Connection, statements: &[String]) -> Result<(), SpiError> {
    for s in statements {
        conn.execute_batch(s)?;
    }
    Ok(())
}

/// Carries out a schema change in the caller's transaction (the caller makes it atomic).
/// Returns the notices (IF EXISTS / IF NOT EXISTS skips, what a CASCADE dropped) and the rows
/// CREATE TABLE … AS filled the table with.
pub(crate) fn run_ddl(sql: &SqlConn, ddl: &Ddl) -> Result<(Vec<Notice>, u64), SpiError> {
    let conn = &sql.conn;
    let mut notices = Vec::new();
    let mut filled = 0;
    match ddl {
        Ddl::CreateTable {
            rel,
            if_not_exists,
            sqlite,
            serials,
            default_deps,
            ..
        } => {
            if let Some(skipped) = existing_relation(sql, &rel.schema, &rel.name, *if_not_exists)? {
                return Ok((skipped, 0));
            }
            // The sequences of serial and identity columns first: their OIDs complete the
            // columns' defaults.
            let mut statements = sqlite.clone();
            let mut created = Vec::new();
            for s in serials {
                if sql
                    .trusted(|c| lookup(c, &s.seq.schema, &s.seq.name))?
                    .is_some()
                {
                    return Err(already_exists(&s.seq.name));
                }
                let oid = sql.trusted(|c| sequence::create(c, &s.seq))?;
                for st in &mut statements {
                    *st = st.replace(&s.placeholder, &oid.to_string());
                }
                created.push((s, oid));
            }
            // Client DDL runs under the authorizer; the catalog rows are the server's.
            run_all(conn, &statements)?;
            filled = conn.changes();
            sql.trusted(|c| -> Result<(), SpiError> {
                let table = u32::try_from(insert_relation(c, rel, None)?).unwrap_or(0);
                for (s, seq) in &created {
                    record_serial(c, table, s.attnum, *seq, s.identity.is_some())?;
                }
                for d in default_deps {
                    sequence::add_depend(c, PG_ATTRDEF, table, d.attnum, d.sequence, 'n')?;
                }
                Ok(())
            })?;
        }
        Ddl::CreateView {
            rel,
            or_replace,
            sqlite,
            depends_on,
        } => {
            if let Some(old) = sql.trusted(|c| lookup(c, &rel.schema, &rel.name))? {
                if !*or_replace || old.kind != RelKind::View {
                    return Err(already_exists(&rel.name));
                }
                sql.trusted(|c| -> Result<(), SpiError> {
                    c.execute(
                        "DELETE FROM main.minipg_depend WHERE classid = 1259 AND objid = ?1",
                        [old.oid],
                    )?;
                    c.execute(
                        "DELETE FROM main.minipg_attribute WHERE attrelid = ?1",
                        [old.oid],
                    )?;
                    c.execute("DELETE FROM main.minipg_class WHERE oid = ?1", [old.oid])?;
                    Ok(())
                })?;
            }
            run_all(conn, sqlite)?;
            sql.trusted(|c| -> Result<(), SpiError> {
                let view = insert_relation(c, rel, None)?;
                for r in depends_on {
                    c.execute(
                        "INSERT INTO main.minipg_depend VALUES (1259, ?1, 0, 1259, ?2, 0, 'n')",
                        params![view, r],
                    )?;
                }
                Ok(())
            })?;
        }
        Ddl::CreateIndex {
            schema,
            name,
            sqlite_name,
            table,
            if_not_exists,
            sqlite,
        } => {
            if let Some(skipped) = existing_relation(sql, schema, name, *if_not_exists)? {
                return Ok((skipped, 0));
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
        Ddl::CreateSequence {
            seq,
            owned_by,
            if_not_exists,
        } => {
            if let Some(skipped) = existing_relation(sql, &seq.schema, &seq.name, *if_not_exists)? {
                return Ok((skipped, 0));
            }
            sql.trusted(|c| -> Result<(), SpiError> {
                let oid = sequence::create(c, seq)?;
                if let Some(o) = owned_by {
                    sequence::set_owner(c, oid, o)?;
                }
                Ok(())
            })?;
        }
        Ddl::AlterSequence {
            seq,
            options,
            owned_by,
            rename,
        } => {
            sql.trusted(|c| -> Result<(), SpiError> {
                if !options.is_empty() {
                    sequence::alter(c, seq.oid, options)?;
                }
                if let Some(o) = owned_by {
                    sequence::set_owner(c, seq.oid, o)?;
                }
                if let Some(new) = rename {
                    if lookup(c, &seq.schema, new)?.is_some() {
                        return Err(already_exists(new));
                    }
                    sequence::rename(c, seq.oid, &seq.schema, &seq.sqlite_name, new)?;
                }
                Ok(())
            })?;
            sql.seq.forget_cache(seq.oid);
        }
        Ddl::Comment { target, text } => {
            sql.trusted(|c| describe::set(c, target, text.as_deref()))?;
        }
        Ddl::Nothing { notice, .. } => {
            if let Some(n) = notice {
                notices.push(Notice::notice(sqlstate::SUCCESSFUL_COMPLETION, n.clone()));
            }
        }
        Ddl::Drop {
            kind,
            found,
            missing,
            cascade,
        } => {
            for name in missing {
                notices.push(Notice::notice(
                    sqlstate::SUCCESSFUL_COMPLETION,
                    format!("{} \"{name}\" does not exist, skipping", kind.noun()),
                ));
            }
            notices.extend(super::drop::drop_relations(sql, found, *cascade)?);
        }
        Ddl::AlterTable {
            table,
            new_name,
            columns,
            steps,
        } => {
            notices.extend(super::alter::alter_table(
                sql,
                table,
                new_name.as_deref(),
                columns,
                steps,
            )?);
        }
        Ddl::Truncate {
            tables,
            cascade,
            restart_identity,
        } => {
            notices.extend(super::drop::truncate(
                sql,
                tables,
                *cascade,
                *restart_identity,
            )?);
        }
    }
    Ok((notices, filled))
}

/// The catalog rows of a serial or identity column's sequence: owned by the column (`'a'`,
/// `'i'` for identity), and a serial default's use of it.
pub(crate) fn record_serial(
    conn: &Connection,
    table: u32,
    attnum: i16,
    seq: u32,
    identity: bool,
) -> Result<(), SpiError> {
    sequence::add_depend(
        conn,
        PG_CLASS,
        table,
        attnum,
        seq,
        if identity { 'i' } else { 'a' },
    )?;
    if !identity {
        sequence::add_depend(conn, PG_ATTRDEF, table, attnum, seq, 'n')?;
    }
    Ok(())
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
        forget(conn, u32::try_from(oid).unwrap_or(0))?;
        out.push(format!(
            "catalog row of \"{name}\" had no relation; removed"
        ));
    }
    Ok(out)
}
