//! DROP TABLE / VIEW / INDEX / SEQUENCE with PostgreSQL's rules for what depends on the
//! dropped objects: a foreign key of another table that references a dropped table, a view
//! that reads a dropped table or view, a column default that calls `nextval` of a dropped
//! sequence. Without CASCADE they make the DROP fail (2BP01, with DETAIL naming each and
//! what it depends on); with CASCADE they go too — the foreign key constraint (not its
//! table), the view, the default — with PostgreSQL's NOTICE. A table's own sequences (serial,
//! identity, OWNED BY) go with it silently.
//!
//! TRUNCATE follows the same rules for the tables that reference the truncated ones (0A000
//! without CASCADE). Where the dependencies are read: foreign keys from the referencing
//! tables' definitions (SQLite's record), views and defaults from `minipg_depend`.

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension, params};
use sql::catalog::{ConstraintKind, RelKind, Relation, quote_sqlite};
use sql::plan::TableEdit;
use sql::sqlstate;

use super::relations::{forget, table_def};
use super::sequence::owned_sequences;
use super::{alter, describe};
use crate::connection::SqlConn;
use crate::error::SpiError;
use crate::result::Notice;

/// A relation as `minipg_class` has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClassRow {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    pub sqlite_name: String,
    pub kind: String,
}

impl ClassRow {
    fn of(rel: &Relation) -> ClassRow {
        ClassRow {
            oid: rel.oid,
            schema: rel.schema.clone(),
            name: rel.name.clone(),
            sqlite_name: rel.sqlite_name.clone(),
            kind: rel.kind.code().to_string(),
        }
    }

    /// How PostgreSQL names it in dependency messages (`table t`, `view s.v`).
    fn describe(&self) -> String {
        let noun = match self.kind.as_str() {
            "v" => "view",
            "S" => "sequence",
            "i" => "index",
            _ => "table",
        };
        format!("{noun} {}", self.shown())
    }

    /// The name, qualified outside `public` (PostgreSQL qualifies what is not visible).
    fn shown(&self) -> String {
        if self.schema == "public" {
            self.name.clone()
        } else {
            format!("{}.{}", self.schema, self.name)
        }
    }
}

pub(crate) fn class_row(conn: &Connection, oid: u32) -> rusqlite::Result<Option<ClassRow>> {
    conn.prepare_cached(
        "SELECT oid, relnamespace, relname, sqlite_name, relkind FROM main.minipg_class WHERE oid = ?1",
    )?
    .query_row([oid], row)
    .optional()
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ClassRow> {
    Ok(ClassRow {
        oid: u32::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
        schema: r.get(1)?,
        name: r.get(2)?,
        sqlite_name: r.get(3)?,
        kind: r.get(4)?,
    })
}

fn tables(conn: &Connection) -> rusqlite::Result<Vec<ClassRow>> {
    conn.prepare_cached(
        "SELECT oid, relnamespace, relname, sqlite_name, relkind FROM main.minipg_class \
         WHERE relkind = 'r' ORDER BY oid",
    )?
    .query_map([], row)?
    .collect()
}

/// A foreign key of another table that references a table.
#[derive(Debug, Clone)]
pub(crate) struct ReferencingKey {
    pub child: ClassRow,
    pub constraint: String,
    /// The referenced columns (empty: the primary key).
    pub columns: Vec<String>,
}

/// The foreign keys (of tables other than `parent` itself) that reference `parent`.
pub(crate) fn referencing_keys(
    conn: &Connection,
    parent: &ClassRow,
) -> rusqlite::Result<Vec<ReferencingKey>> {
    let mut out = Vec::new();
    for t in tables(conn)? {
        if t.oid == parent.oid {
            continue;
        }
        let Some(def) = table_def(conn, &t.sqlite_name)? else {
            continue;
        };
        for c in &def.constraints {
            if c.kind != Some(ConstraintKind::ForeignKey) {
                continue;
            }
            let (Some(name), Some((table, cols))) = (&c.name, &c.references) else {
                continue;
            };
            if *table == parent.sqlite_name {
                out.push(ReferencingKey {
                    child: t.clone(),
                    constraint: name.clone(),
                    columns: cols.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// The views that read relation `oid` (directly).
pub(crate) fn views_on(conn: &Connection, oid: u32) -> rusqlite::Result<Vec<ClassRow>> {
    conn.prepare_cached(
        "SELECT c.oid, c.relnamespace, c.relname, c.sqlite_name, c.relkind \
         FROM main.minipg_depend d JOIN main.minipg_class c ON c.oid = d.objid \
         WHERE d.classid = 1259 AND d.refclassid = 1259 AND d.refobjid = ?1 AND d.deptype = 'n' \
         ORDER BY c.oid",
    )?
    .query_map([oid], row)?
    .collect()
}

/// What else a DROP takes: in the order PostgreSQL reports them.
#[derive(Debug, Clone)]
pub(crate) enum Dependent {
    ForeignKey(ReferencingKey),
    View(ClassRow),
    Default {
        table: ClassRow,
        column: String,
        attnum: i16,
    },
}

impl Dependent {
    /// The relation it lives on: the referencing table, the view, the table with the default.
    pub fn table_oid(&self) -> u32 {
        match self {
            Dependent::ForeignKey(k) => k.child.oid,
            Dependent::View(v) => v.oid,
            Dependent::Default { table, .. } => table.oid,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Dependent::ForeignKey(k) => {
                format!("constraint {} on table {}", k.constraint, k.child.shown())
            }
            Dependent::View(v) => v.describe(),
            Dependent::Default { table, column, .. } => {
                format!(
                    "default value for column {column} of table {}",
                    table.shown()
                )
            }
        }
    }
}

/// Views reading `oid`, then views reading those, … (each once, not those in `skip`), with
/// what each depends on.
pub(crate) fn dependent_views(
    conn: &Connection,
    of: &ClassRow,
    skip: &HashSet<u32>,
    out: &mut Vec<(Dependent, String)>,
) -> rusqlite::Result<()> {
    let mut queue = vec![of.clone()];
    while let Some(cur) = queue.pop() {
        for v in views_on(conn, cur.oid)? {
            if skip.contains(&v.oid)
                || out
                    .iter()
                    .any(|(d, _)| matches!(d, Dependent::View(x) if x.oid == v.oid))
            {
                continue;
            }
            out.push((Dependent::View(v.clone()), cur.describe()));
            queue.insert(0, v);
        }
    }
    Ok(())
}

/// 2BP01 naming what depends on `what`.
pub(crate) fn dependents_error(what: &str, deps: &[(Dependent, String)]) -> SpiError {
    SpiError::new(
        sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
        format!("cannot drop {what} because other objects depend on it"),
    )
    .with_detail(
        deps.iter()
            .map(|(d, on)| format!("{} depends on {on}", d.describe()))
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .with_hint("Use DROP ... CASCADE to drop the dependent objects too.")
}

/// PostgreSQL's NOTICE for what a CASCADE took.
pub(crate) fn cascade_notice(deps: &[(Dependent, String)]) -> Option<Notice> {
    match deps {
        [] => None,
        [(d, _)] => Some(Notice::notice(
            sqlstate::SUCCESSFUL_COMPLETION,
            format!("drop cascades to {}", d.describe()),
        )),
        many => Some(
            Notice::notice(
                sqlstate::SUCCESSFUL_COMPLETION,
                format!("drop cascades to {} other objects", many.len()),
            )
            .with_detail(
                many.iter()
                    .map(|(d, _)| format!("drop cascades to {}", d.describe()))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
        ),
    }
}

/// Drops what a CASCADE took: foreign keys from their tables, defaults from theirs, views.
pub(crate) fn drop_dependents(sql: &SqlConn, deps: &[(Dependent, String)]) -> Result<(), SpiError> {
    // Per table, its foreign keys and defaults go in one rebuild.
    let mut tables: Vec<(ClassRow, Vec<TableEdit>)> = Vec::new();
    let mut edit =
        |t: &ClassRow, e: TableEdit| match tables.iter_mut().find(|(x, _)| x.oid == t.oid) {
            Some((_, edits)) => edits.push(e),
            None => tables.push((t.clone(), vec![e])),
        };
    for (d, _) in deps {
        match d {
            Dependent::ForeignKey(k) => edit(
                &k.child,
                TableEdit::DropConstraint {
                    name: k.constraint.clone(),
                },
            ),
            Dependent::Default { table, column, .. } => edit(
                table,
                TableEdit::SetDefault {
                    column: column.clone(),
                    sql: None,
                },
            ),
            Dependent::View(_) => {}
        }
    }
    // Views first, the ones depending on others before those.
    for (d, _) in deps.iter().rev() {
        if let Dependent::View(v) = d {
            drop_view(sql, &v.sqlite_name, v.oid)?;
        }
    }
    for (t, edits) in &tables {
        alter::rebuild(sql, &t.sqlite_name, edits)?;
    }
    sql.trusted(|c| -> Result<(), SpiError> {
        for (d, _) in deps {
            match d {
                Dependent::ForeignKey(k) => {
                    describe::constraint_changed(c, k.child.oid, &k.constraint, None)?;
                }
                Dependent::Default { table, attnum, .. } => {
                    c.execute(
                        "UPDATE main.minipg_attribute SET attdefault = NULL \
                         WHERE attrelid = ?1 AND attnum = ?2",
                        params![table.oid, attnum],
                    )?;
                    c.execute(
                        "DELETE FROM main.minipg_depend WHERE classid = 2604 AND objid = ?1 \
                         AND objsubid = ?2",
                        params![table.oid, attnum],
                    )?;
                }
                Dependent::View(_) => {}
            }
        }
        Ok(())
    })
}

/// Orders tables so that each comes before the tables it references (emptying or dropping
/// them in that order never leaves a row referencing a missing one).
fn referencing_first(sql: &SqlConn, tables: &[Relation]) -> Vec<Relation> {
    let defs: Vec<Option<super::tabledef::TableDef>> = tables
        .iter()
        .map(|t| sql.trusted(|c| table_def(c, &t.sqlite_name)).ok().flatten())
        .collect();
    let references = |i: usize, j: usize| {
        defs[i].as_ref().is_some_and(|d| {
            d.constraints.iter().any(|k| {
                k.references
                    .as_ref()
                    .is_some_and(|(t, _)| *t == tables[j].sqlite_name)
            })
        })
    };
    let mut rest: Vec<usize> = (0..tables.len()).collect();
    let mut out = Vec::with_capacity(tables.len());
    while !rest.is_empty() {
        // One that no other remaining table references (any, in a cycle).
        let pick = rest
            .iter()
            .position(|&j| !rest.iter().any(|&i| i != j && references(i, j)))
            .unwrap_or(0);
        out.push(tables[rest.remove(pick)].clone());
    }
    out
}

/// TRUNCATE: the tables emptied, as PostgreSQL allows — a table that another table's foreign
/// key references only together with it (or with CASCADE, which adds it, with a NOTICE).
/// RESTART IDENTITY starts the tables' own sequences over.
pub(crate) fn truncate(
    sql: &SqlConn,
    tables: &[Relation],
    cascade: bool,
    restart_identity: bool,
) -> Result<Vec<Notice>, SpiError> {
    let mut notices = Vec::new();
    let mut all: Vec<Relation> = tables.to_vec();
    let mut i = 0;
    while i < all.len() {
        let me = ClassRow::of(&all[i]);
        for k in sql.trusted(|c| referencing_keys(c, &me))? {
            if all.iter().any(|t| t.oid == k.child.oid) {
                continue;
            }
            if !cascade {
                return Err(SpiError::new(
                    sqlstate::FEATURE_NOT_SUPPORTED,
                    "cannot truncate a table referenced in a foreign key constraint",
                )
                .with_detail(format!(
                    "Table \"{}\" references \"{}\".",
                    k.child.name, me.name
                ))
                .with_hint(format!(
                    "Truncate table \"{}\" at the same time, or use TRUNCATE ... CASCADE.",
                    k.child.name
                )));
            }
            let child =
                sql.trusted(|c| super::relations::lookup(c, &k.child.schema, &k.child.name))?;
            if let Some(child) = child {
                notices.push(Notice::notice(
                    sqlstate::SUCCESSFUL_COMPLETION,
                    format!("truncate cascades to table \"{}\"", child.name),
                ));
                all.push(child);
            }
        }
        i += 1;
    }
    for t in referencing_first(sql, &all) {
        sql.conn
            .execute_batch(&format!("DELETE FROM {}", quote_sqlite(&t.sqlite_name)))?;
        if restart_identity {
            for (seq, _) in sql.trusted(|c| owned_sequences(c, t.oid, None))? {
                sql.trusted(|c| {
                    super::sequence::alter(
                        c,
                        seq,
                        &sql::sequence::SeqOptions {
                            restart: Some(None),
                            ..sql::sequence::SeqOptions::default()
                        },
                    )
                })?;
                sql.seq.forget_cache(seq);
            }
        }
    }
    Ok(notices)
}

/// DROP of `found` (one kind), with its dependents as PostgreSQL handles them.
pub(crate) fn drop_relations(
    sql: &SqlConn,
    found: &[Relation],
    cascade: bool,
) -> Result<Vec<Notice>, SpiError> {
    let dropping: HashSet<u32> = found.iter().map(|r| r.oid).collect();
    let mut notices = Vec::new();
    let mut all_deps: Vec<(Dependent, String)> = Vec::new();
    for rel in found {
        let me = ClassRow::of(rel);
        let mut deps: Vec<(Dependent, String)> = Vec::new();
        sql.trusted(|c| -> Result<(), SpiError> {
            match rel.kind {
                RelKind::Table => {
                    for k in referencing_keys(c, &me)? {
                        if !dropping.contains(&k.child.oid) {
                            deps.push((Dependent::ForeignKey(k), me.describe()));
                        }
                    }
                    dependent_views(c, &me, &dropping, &mut deps)?;
                    // The table's own sequences go with it: so do other tables' defaults
                    // that use them.
                    for (seq, _) in owned_sequences(c, rel.oid, None)? {
                        let Some(s) = class_row(c, seq)? else {
                            continue;
                        };
                        for d in defaults_using(c, seq)? {
                            if !dropping.contains(&d.table_oid()) {
                                deps.push((d, s.describe()));
                            }
                        }
                    }
                }
                RelKind::View => dependent_views(c, &me, &dropping, &mut deps)?,
                RelKind::Sequence => {
                    if let Some((table, column)) = identity_owner(c, rel.oid)? {
                        return Err(SpiError::new(
                            sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                            format!(
                                "cannot drop {} because column {column} of table {} requires it",
                                me.describe(),
                                table.shown()
                            ),
                        )
                        .with_hint(format!(
                            "You can drop column {column} of table {} instead.",
                            table.shown()
                        )));
                    }
                    for d in defaults_using(c, rel.oid)? {
                        if !dropping.contains(&d.table_oid()) {
                            deps.push((d, me.describe()));
                        }
                    }
                }
                RelKind::Index => {}
            }
            Ok(())
        })?;
        if !deps.is_empty() && !cascade {
            return Err(dependents_error(&me.describe(), &deps));
        }
        for d in deps {
            let seen = all_deps.iter().any(|(x, _)| x.describe() == d.0.describe());
            if !seen {
                all_deps.push(d);
            }
        }
    }
    if let Some(n) = cascade_notice(&all_deps) {
        notices.push(n);
    }
    drop_dependents(sql, &all_deps)?;
    // A table no other of the set references goes first: dropping a referenced table while
    // rows still reference it would run its foreign keys' actions.
    let order = if found.iter().all(|r| r.kind == RelKind::Table) {
        referencing_first(sql, found)
    } else {
        found.to_vec()
    };
    for rel in &order {
        let word = match rel.kind {
            RelKind::Table => "TABLE",
            RelKind::View | RelKind::Sequence => "VIEW",
            RelKind::Index => "INDEX",
        };
        if rel.kind == RelKind::Table {
            for (seq, _) in sql.trusted(|c| owned_sequences(c, rel.oid, None))? {
                if let Some(s) = sql.trusted(|c| class_row(c, seq))? {
                    // A sequence is a view over its state (see sequence.rs).
                    drop_view(sql, &s.sqlite_name, s.oid)?;
                }
            }
        }
        sql.conn.execute_batch(&format!(
            "DROP {word} IF EXISTS {}",
            quote_sqlite(&rel.sqlite_name)
        ))?;
        sql.trusted(|c| forget(c, rel.oid))?;
    }
    Ok(notices)
}

/// Drops the SQLite view `sqlite_name` and forgets relation `oid` in minipg's catalog.
fn drop_view(sql: &SqlConn, sqlite_name: &str, oid: u32) -> Result<(), SpiError> {
    sql.trusted(|c| -> Result<(), SpiError> {
        c.execute_batch(&format!(
            "DROP VIEW IF EXISTS {}",
            quote_sqlite(sqlite_name)
        ))?;
        forget(c, oid)
    })
}

/// What outside schema `schema` depends on its relations: foreign keys of other schemas'
/// tables, views of other schemas, defaults of other schemas' tables using its sequences.
pub(crate) fn outside_dependents(
    sql: &SqlConn,
    schema: &str,
) -> Result<Vec<(Dependent, String)>, SpiError> {
    sql.trusted(|c| -> Result<Vec<(Dependent, String)>, SpiError> {
        let inside: Vec<ClassRow> = c
            .prepare(
                "SELECT oid, relnamespace, relname, sqlite_name, relkind FROM main.minipg_class \
                 WHERE relnamespace = ?1 ORDER BY oid",
            )?
            .query_map([schema], row)?
            .collect::<rusqlite::Result<_>>()?;
        let skip: HashSet<u32> = inside.iter().map(|r| r.oid).collect();
        let mut deps: Vec<(Dependent, String)> = Vec::new();
        for rel in &inside {
            match rel.kind.as_str() {
                "r" => {
                    for k in referencing_keys(c, rel)? {
                        if !skip.contains(&k.child.oid) {
                            deps.push((Dependent::ForeignKey(k), rel.describe()));
                        }
                    }
                    dependent_views(c, rel, &skip, &mut deps)?;
                }
                "v" => dependent_views(c, rel, &skip, &mut deps)?,
                "S" => {
                    for d in defaults_using(c, rel.oid)? {
                        if !skip.contains(&d.table_oid()) {
                            deps.push((d, rel.describe()));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(deps)
    })
}

/// The name of column `attnum` of relation `table`, if it exists.
fn column_name(conn: &Connection, table: i64, attnum: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT attname FROM main.minipg_attribute WHERE attrelid = ?1 AND attnum = ?2",
        params![table, attnum],
        |r| r.get(0),
    )
    .optional()
}

/// The identity column a sequence belongs to, if any.
fn identity_owner(conn: &Connection, seq: u32) -> rusqlite::Result<Option<(ClassRow, String)>> {
    let row: Option<(i64, i64)> = conn
        .prepare_cached(
            "SELECT refobjid, refobjsubid FROM main.minipg_depend \
             WHERE classid = 1259 AND objid = ?1 AND deptype = 'i'",
        )?
        .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let Some((table, attnum)) = row else {
        return Ok(None);
    };
    let Some(t) = class_row(conn, u32::try_from(table).unwrap_or(0))? else {
        return Ok(None);
    };
    Ok(column_name(conn, table, attnum)?.map(|c| (t, c)))
}

/// The column defaults that call `nextval` of sequence `seq`, as dependents of it.
fn defaults_using(conn: &Connection, seq: u32) -> rusqlite::Result<Vec<Dependent>> {
    let rows: Vec<(i64, i64)> = conn
        .prepare_cached(
            "SELECT objid, objsubid FROM main.minipg_depend \
             WHERE classid = 2604 AND refobjid = ?1 ORDER BY objid, objsubid",
        )?
        .query_map([seq], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (table, attnum) in rows {
        let Some(t) = class_row(conn, u32::try_from(table).unwrap_or(0))? else {
            continue;
        };
        if let Some(column) = column_name(conn, table, attnum)? {
            out.push(Dependent::Default {
                table: t,
                column,
                attnum: i16::try_from(attnum).unwrap_or(0),
            });
        }
    }
    Ok(out)
}
