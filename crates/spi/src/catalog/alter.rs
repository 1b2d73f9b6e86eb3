//! ALTER TABLE's steps (`sql::plan::AlterStep`) carried out in the statement's transaction,
//! and the table rebuild that makes the changes SQLite cannot make in place.
//!
//! The rebuild follows SQLite's documented procedure ("making other kinds of table schema
//! changes") inside the caller's transaction, so a failure leaves nothing changed: the new
//! definition is created under a scratch name, the rows copied into it (each checked against
//! the new constraints; a column being retyped goes through its USING expression), the old
//! table dropped, the new one renamed to the table's name, the old indexes and triggers
//! created again. Foreign keys stay enforced throughout. Dropping a table that other tables'
//! foreign keys reference would run their ON DELETE actions (SQLite deletes its rows first),
//! so those REFERENCES clauses are first pointed at the new table by editing their stored
//! definitions — SQLite's documented `writable_schema` procedure, with the schema version
//! bumped — and the final rename points them back at the table's name. The rename runs with
//! `legacy_alter_table` on so views, which name the table, are not checked while it is away.
//!
//! Invariants: `legacy_alter_table`, `writable_schema` and the lifted defensive mode last
//! only as long as their guards (dropped on every path).

use std::collections::HashSet;

use rusqlite::{Connection, ErrorCode, ffi, params};
use sql::catalog::{ConstraintKind, RelColumn, RelKind, Relation, pg_name, quote_sqlite};
use sql::plan::{AlterStep, TableEdit};
use sql::sqlstate;

use super::describe;
use super::drop::{
    ClassRow, Dependent, cascade_notice, class_row, dependents_error, drop_dependents,
    referencing_keys, views_on,
};
use super::relations::{already_exists, forget, lookup, record_serial, table_def, write_columns};
use super::sequence::{self, PG_ATTRDEF, owned_sequences};
use super::tabledef::{ColumnDef, TableDef};
use crate::connection::SqlConn;
use crate::error::SpiError;
use crate::exec::client_error;
use crate::result::Notice;

/// Turns `legacy_alter_table` on while it lives.
struct LegacyAlter<'a>(&'a Connection);

impl<'a> LegacyAlter<'a> {
    fn on(conn: &'a Connection) -> rusqlite::Result<LegacyAlter<'a>> {
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_LEGACY_ALTER_TABLE,
            true,
        )?;
        Ok(LegacyAlter(conn))
    }
}

impl Drop for LegacyAlter<'_> {
    fn drop(&mut self) {
        let _ = self.0.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_LEGACY_ALTER_TABLE,
            false,
        );
    }
}

/// Lifts defensive mode and allows editing `sqlite_schema` while it lives.
struct WritableSchema<'a> {
    conn: &'a Connection,
    defensive: bool,
}

impl<'a> WritableSchema<'a> {
    fn on(conn: &'a Connection) -> rusqlite::Result<WritableSchema<'a>> {
        use rusqlite::config::DbConfig;
        let defensive = conn.db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE)?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, false)?;
        let guard = WritableSchema { conn, defensive };
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_WRITABLE_SCHEMA, true)?;
        Ok(guard)
    }
}

impl Drop for WritableSchema<'_> {
    fn drop(&mut self) {
        use rusqlite::config::DbConfig;
        let _ = self
            .conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_WRITABLE_SCHEMA, false);
        let _ = self
            .conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_DEFENSIVE, self.defensive);
    }
}

/// Points the foreign keys of `children` that reference `from` at `to`, in their stored
/// definitions (the caller holds the write lock; the schema version is bumped so every
/// connection reads the definitions again).
fn repoint_references(
    conn: &Connection,
    children: &[(String, TableDef)],
    from: &str,
    to: &str,
) -> rusqlite::Result<()> {
    let _writable = WritableSchema::on(conn)?;
    for (child, def) in children {
        let mut def = def.clone();
        for c in &mut def.constraints {
            if c.references.as_ref().is_some_and(|(t, _)| t == from) {
                c.set_referenced_table(to);
            }
        }
        conn.execute(
            "UPDATE main.sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = ?2",
            params![def.render(child), child],
        )?;
    }
    let version: i64 = conn.query_row("PRAGMA main.schema_version", [], |r| r.get(0))?;
    conn.execute_batch(&format!("PRAGMA main.schema_version = {}", version + 1))
}

/// The tables (other than `table` itself) whose foreign keys reference `table`.
fn referencing_tables(conn: &Connection, table: &str) -> rusqlite::Result<Vec<(String, TableDef)>> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name <> ?1")?
        .query_map([table], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for n in names {
        if let Some(def) = table_def(conn, &n)?
            && def
                .constraints
                .iter()
                .any(|c| c.references.as_ref().is_some_and(|(t, _)| t == table))
        {
            out.push((n, def));
        }
    }
    Ok(out)
}

/// Applies `edits` to `def`; returns the copy expressions of retyped columns.
fn apply(def: &mut TableDef, edits: &[TableEdit]) -> Result<Vec<(String, String)>, SpiError> {
    let mut using = Vec::new();
    let missing =
        |c: &str| SpiError::internal(format!("column \"{c}\" is not in the table's definition"));
    for e in edits {
        match e {
            TableEdit::AddColumn { decl } => {
                let parsed = TableDef::parse(&format!("CREATE TABLE x ({decl})"))
                    .and_then(|d| d.columns.into_iter().next())
                    .ok_or_else(|| SpiError::internal(format!("bad column declaration {decl}")))?;
                def.columns.push(parsed);
            }
            TableEdit::SetNotNull { column } => {
                def.column_mut(column)
                    .ok_or_else(|| missing(column))?
                    .not_null = true;
            }
            TableEdit::DropNotNull { column } => {
                def.column_mut(column)
                    .ok_or_else(|| missing(column))?
                    .not_null = false;
            }
            TableEdit::SetDefault { column, sql } => {
                def.column_mut(column)
                    .ok_or_else(|| missing(column))?
                    .default = sql.as_ref().map(|s| format!("({s})"));
            }
            TableEdit::AlterType {
                column,
                storage,
                collation,
                using: expr,
            } => {
                let c = def.column_mut(column).ok_or_else(|| missing(column))?;
                c.ty.clone_from(storage);
                c.collate.clone_from(collation);
                using.push((column.clone(), expr.clone()));
            }
            TableEdit::AddConstraint { sql, .. } => {
                let parsed = TableDef::parse(&format!("CREATE TABLE x (\"x\" INT, {sql})"))
                    .and_then(|d| d.constraints.into_iter().next())
                    .ok_or_else(|| SpiError::internal(format!("bad constraint {sql}")))?;
                def.constraints.push(parsed);
            }
            TableEdit::DropConstraint { name } => {
                def.constraints
                    .retain(|c| c.name.as_deref() != Some(name.as_str()));
            }
            TableEdit::RenameConstraint { old, new } => {
                for c in &mut def.constraints {
                    if c.name.as_deref() == Some(old.as_str()) {
                        c.name = Some(new.clone());
                    }
                }
            }
            TableEdit::DropColumn { name } => {
                let columns = def.columns.clone();
                def.constraints.retain(|c| {
                    !c.columns.contains(name) && !c.check_columns(&columns).contains(name)
                });
                def.columns.retain(|c| c.name != *name);
            }
        }
    }
    Ok(using)
}

/// Rebuilds table `sqlite_name` with `edits` (see the module doc).
pub(crate) fn rebuild(
    sql: &SqlConn,
    sqlite_name: &str,
    edits: &[TableEdit],
) -> Result<(), SpiError> {
    let conn = &sql.conn;
    let table = pg_name(sqlite_name).1;
    let Some(mut def) = sql.trusted(|c| table_def(c, sqlite_name))? else {
        return Err(SpiError::internal(format!(
            "table \"{table}\" has no definition to rebuild"
        )));
    };
    let old_columns: Vec<String> = def.columns.iter().map(|c| c.name.clone()).collect();
    let added: HashSet<String> = edits
        .iter()
        .filter_map(|e| match e {
            TableEdit::AddColumn { decl } => TableDef::parse(&format!("CREATE TABLE x ({decl})"))
                .and_then(|d| d.columns.into_iter().next())
                .map(|c| c.name),
            _ => None,
        })
        .collect();
    let using = apply(&mut def, edits)?;
    let copied: Vec<&ColumnDef> = def
        .columns
        .iter()
        .filter(|c| old_columns.contains(&c.name) && !added.contains(&c.name))
        .collect();
    let targets = copied
        .iter()
        .map(|c| quote_sqlite(&c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let sources = copied
        .iter()
        .map(|c| {
            using
                .iter()
                .find(|(n, _)| *n == c.name)
                .map_or_else(|| quote_sqlite(&c.name), |(_, e)| e.clone())
        })
        .collect::<Vec<_>>()
        .join(", ");
    let others: Vec<(String, String, String)> = sql.trusted(|c| {
        c.prepare(
            "SELECT type, name, sql FROM main.sqlite_schema WHERE tbl_name = ?1 \
             AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid",
        )?
        .query_map([sqlite_name], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()
    })?;
    let scratch = sql.trusted(|c| -> rusqlite::Result<String> {
        let mut n = 0;
        loop {
            let name = format!("{sqlite_name}__minipg_rebuild{n}");
            let taken = c
                .prepare_cached("SELECT 1 FROM main.sqlite_schema WHERE name = ?1")?
                .exists([&name])?;
            if !taken {
                return Ok(name);
            }
            n += 1;
        }
    })?;
    sql.auth.reset();
    conn.execute_batch(&def.render(&scratch))
        .map_err(|e| client_error(sql, e, false))?;
    sql.auth.reset();
    if !copied.is_empty() {
        let insert = format!(
            "INSERT INTO {} ({targets}) SELECT {sources} FROM {}",
            quote_sqlite(&scratch),
            quote_sqlite(sqlite_name)
        );
        conn.execute_batch(&insert)
            .map_err(|e| copy_error(sql, e, &table, &def, edits))?;
    }
    let children = sql.trusted(|c| referencing_tables(c, sqlite_name))?;
    sql.trusted(|c| -> rusqlite::Result<()> {
        if !children.is_empty() {
            repoint_references(c, &children, sqlite_name, &scratch)?;
        }
        c.execute_batch(&format!("DROP TABLE {}", quote_sqlite(sqlite_name)))?;
        let _legacy = LegacyAlter::on(c)?;
        c.execute_batch(&format!(
            "ALTER TABLE {} RENAME TO {}",
            quote_sqlite(&scratch),
            quote_sqlite(sqlite_name)
        ))
    })?;
    for (kind, name, text) in others {
        sql.auth.reset();
        match conn.execute_batch(&text) {
            Ok(()) => {}
            Err(e) if kind == "index" && e.to_string().contains("no such column") => {
                // An index on a dropped column goes with it, as in PostgreSQL.
                sql.trusted(|c| -> Result<(), SpiError> {
                    let oid: Option<i64> = c
                        .query_row(
                            "SELECT oid FROM main.minipg_class WHERE sqlite_name = ?1",
                            [&name],
                            |r| r.get(0),
                        )
                        .ok();
                    if let Some(o) = oid {
                        forget(c, u32::try_from(o).unwrap_or(0))?;
                    }
                    Ok(())
                })?;
            }
            Err(e) => return Err(client_error(sql, e, false)),
        }
    }
    Ok(())
}

/// A row the copy could not put in the rebuilt table: PostgreSQL's error for the constraint
/// it breaks.
fn copy_error(
    sql: &SqlConn,
    e: rusqlite::Error,
    table: &str,
    def: &TableDef,
    edits: &[TableEdit],
) -> SpiError {
    let (code, msg) = match &e {
        rusqlite::Error::SqliteFailure(f, m) if f.code == ErrorCode::ConstraintViolation => {
            (f.extended_code, m.clone().unwrap_or_default())
        }
        _ => return client_error(sql, e, false),
    };
    let what = msg
        .split_once(": ")
        .map(|(_, w)| w.trim())
        .unwrap_or_default();
    match code {
        ffi::SQLITE_CONSTRAINT_NOTNULL => {
            let column = what.rsplit_once('.').map_or(what, |(_, c)| c);
            SpiError::new(
                sqlstate::NOT_NULL_VIOLATION,
                format!("column \"{column}\" of relation \"{table}\" contains null values"),
            )
        }
        ffi::SQLITE_CONSTRAINT_CHECK => SpiError::new(
            sqlstate::CHECK_VIOLATION,
            format!("check constraint \"{what}\" of relation \"{table}\" is violated by some row"),
        ),
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => {
            let cols: Vec<&str> = what
                .split(", ")
                .map(|c| c.rsplit_once('.').map_or(c, |(_, n)| n))
                .collect();
            let name = def
                .constraints
                .iter()
                .find(|c| {
                    matches!(
                        c.kind,
                        Some(ConstraintKind::PrimaryKey | ConstraintKind::Unique)
                    ) && c.columns.len() == cols.len()
                        && c.columns.iter().zip(&cols).all(|(a, b)| a == b)
                })
                .and_then(|c| c.name.clone())
                .unwrap_or_else(|| format!("{table}_key"));
            SpiError::new(
                sqlstate::UNIQUE_VIOLATION,
                format!("could not create unique index \"{name}\""),
            )
        }
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => {
            let added: Vec<&String> = edits
                .iter()
                .filter_map(|e| match e {
                    TableEdit::AddConstraint { name, sql } if sql.contains(" FOREIGN KEY ") => {
                        Some(name)
                    }
                    _ => None,
                })
                .collect();
            let name = added
                .first()
                .map_or_else(String::new, |n| format!(" \"{n}\""));
            SpiError::new(
                sqlstate::FOREIGN_KEY_VIOLATION,
                format!(
                    "insert or update on table \"{table}\" violates foreign key constraint{name}"
                ),
            )
        }
        _ => client_error(sql, e, false),
    }
}

/// Runs a check query; a row means the change fails with `error`, `{i}` replaced by the
/// row's `i`-th value.
fn validate(sql: &SqlConn, query: &str, error: &sql::SqlError) -> Result<(), SpiError> {
    sql.auth.reset();
    let row: Option<Vec<String>> = {
        let mut stmt = sql
            .conn
            .prepare(query)
            .map_err(|e| client_error(sql, e, false))?;
        let width = stmt.column_count();
        let mut rows = stmt.query([]).map_err(|e| client_error(sql, e, false))?;
        match rows.next().map_err(|e| client_error(sql, e, false))? {
            Some(r) => {
                let mut vals = Vec::with_capacity(width);
                for i in 0..width {
                    let v = match r.get_ref(i).map_err(|e| client_error(sql, e, false))? {
                        rusqlite::types::ValueRef::Null => "null".to_string(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Real(f) => f.to_string(),
                        rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                            String::from_utf8_lossy(t).into_owned()
                        }
                    };
                    vals.push(v);
                }
                Some(vals)
            }
            None => None,
        }
    };
    let Some(vals) = row else {
        return Ok(());
    };
    let fill = |s: &str| {
        let mut out = s.to_string();
        for (i, v) in vals.iter().enumerate() {
            out = out.replace(&format!("{{{i}}}"), v);
        }
        out
    };
    let mut err = SpiError::from(error.clone());
    err.message = fill(&err.message);
    err.detail = err.detail.as_deref().map(fill);
    Err(err)
}

/// Column `name`'s number in `table` (1-based), from the catalog.
fn attnum_of(columns: &[RelColumn], name: &str) -> Option<i16> {
    columns
        .iter()
        .position(|c| c.name == name)
        .and_then(|i| i16::try_from(i + 1).ok())
}

/// Carries out ALTER TABLE (see `sql::analyze::alter`); returns its notices.
pub(crate) fn alter_table(
    sql: &SqlConn,
    table: &Relation,
    new_name: Option<&str>,
    columns: &[RelColumn],
    steps: &[AlterStep],
) -> Result<Vec<Notice>, SpiError> {
    let conn = &sql.conn;
    let mut notices = Vec::new();
    if let Some(n) = new_name
        && sql.trusted(|c| lookup(c, &table.schema, n))?.is_some()
    {
        return Err(already_exists(n));
    }
    let me = ClassRow {
        oid: table.oid,
        schema: table.schema.clone(),
        name: table.name.clone(),
        sqlite_name: table.sqlite_name.clone(),
        kind: table.kind.code().to_string(),
    };
    let mut placeholders: Vec<(String, String)> = Vec::new();
    let mut serials: Vec<(i16, u32, bool)> = Vec::new();
    let mut edits: Vec<TableEdit> = Vec::new();
    let mut dropped: Vec<i16> = Vec::new();
    let mut doomed_sequences: Vec<u32> = Vec::new();
    let subst = |s: &str, placeholders: &[(String, String)]| {
        let mut out = s.to_string();
        for (p, oid) in placeholders {
            out = out.replace(p, oid);
        }
        out
    };
    for step in steps {
        match step {
            AlterStep::CreateSerial(s) => {
                if sql
                    .trusted(|c| lookup(c, &s.seq.schema, &s.seq.name))?
                    .is_some()
                {
                    return Err(already_exists(&s.seq.name));
                }
                let oid = sql.trusted(|c| sequence::create(c, &s.seq))?;
                placeholders.push((s.placeholder.clone(), oid.to_string()));
                serials.push((s.attnum, oid, s.identity.is_some()));
            }
            AlterStep::Validate { sql: query, error } => validate(sql, query, error)?,
            AlterStep::DropConstraint {
                name,
                if_exists,
                cascade,
            } => {
                let def = sql.trusted(|c| table_def(c, &table.sqlite_name))?;
                let Some(con) = def.as_ref().and_then(|d| d.constraint(name)).cloned() else {
                    if *if_exists {
                        notices.push(Notice::notice(
                            sqlstate::SUCCESSFUL_COMPLETION,
                            format!(
                                "constraint \"{name}\" of relation \"{}\" does not exist, skipping",
                                table.name
                            ),
                        ));
                        continue;
                    }
                    return Err(SpiError::new(
                        sqlstate::UNDEFINED_OBJECT,
                        format!(
                            "constraint \"{name}\" of relation \"{}\" does not exist",
                            table.name
                        ),
                    ));
                };
                if matches!(
                    con.kind,
                    Some(ConstraintKind::PrimaryKey | ConstraintKind::Unique)
                ) {
                    let primary = con.kind == Some(ConstraintKind::PrimaryKey);
                    let mut deps = Vec::new();
                    for k in sql.trusted(|c| referencing_keys(c, &me))? {
                        let same = if k.columns.is_empty() {
                            primary
                        } else {
                            k.columns.len() == con.columns.len()
                                && k.columns.iter().all(|c| con.columns.contains(c))
                        };
                        if same {
                            deps.push((Dependent::ForeignKey(k), format!("index {name}")));
                        }
                    }
                    if !deps.is_empty() {
                        if !*cascade {
                            return Err(dependents_error(
                                &format!("constraint {name} on table {}", table.name),
                                &deps,
                            ));
                        }
                        notices.extend(cascade_notice(&deps));
                        drop_dependents(sql, &deps)?;
                    }
                }
                edits.push(TableEdit::DropConstraint { name: name.clone() });
                sql.trusted(|c| describe::constraint_changed(c, table.oid, name, None))?;
            }
            AlterStep::DropColumn { name, cascade } => {
                let Some(attnum) = attnum_of(&table.columns, name) else {
                    continue;
                };
                let mut deps = Vec::new();
                let on = format!("column {name} of table {}", table.name);
                for k in sql.trusted(|c| referencing_keys(c, &me))? {
                    let cols = if k.columns.is_empty() {
                        sql.trusted(|c| table_def(c, &table.sqlite_name))?
                            .map(|d| d.catalog_constraints(&table.name))
                            .unwrap_or_default()
                            .into_iter()
                            .find(|c| c.kind == ConstraintKind::PrimaryKey)
                            .map(|c| c.columns)
                            .unwrap_or_default()
                    } else {
                        k.columns.clone()
                    };
                    if cols.contains(name) {
                        deps.push((Dependent::ForeignKey(k), on.clone()));
                    }
                }
                for v in sql.trusted(|c| views_on(c, table.oid))? {
                    if sql.trusted(|c| view_mentions(c, &v.sqlite_name, name))? {
                        deps.push((Dependent::View(v.clone()), on.clone()));
                        let mut more = Vec::new();
                        sql.trusted(|c| {
                            super::drop::dependent_views(c, &v, &HashSet::new(), &mut more)
                        })?;
                        deps.extend(more);
                    }
                }
                if !deps.is_empty() {
                    if !*cascade {
                        return Err(dependents_error(&on, &deps));
                    }
                    notices.extend(cascade_notice(&deps));
                    drop_dependents(sql, &deps)?;
                }
                doomed_sequences.extend(
                    sql.trusted(|c| owned_sequences(c, table.oid, Some(attnum)))?
                        .into_iter()
                        .map(|(s, _)| s),
                );
                dropped.push(attnum);
                edits.push(TableEdit::DropColumn { name: name.clone() });
            }
            AlterStep::Rebuild(es) => {
                for e in es {
                    if let TableEdit::AlterType { column, .. } = e {
                        for v in sql.trusted(|c| views_on(c, table.oid))? {
                            if sql.trusted(|c| view_mentions(c, &v.sqlite_name, column))? {
                                return Err(SpiError::new(
                                    sqlstate::FEATURE_NOT_SUPPORTED,
                                    "cannot alter type of a column used by a view or rule",
                                )
                                .with_detail(format!(
                                    "rule _RETURN on view {} depends on column \"{column}\"",
                                    v.name
                                )));
                            }
                        }
                    }
                    edits.push(match e {
                        TableEdit::AddColumn { decl } => TableEdit::AddColumn {
                            decl: subst(decl, &placeholders),
                        },
                        TableEdit::SetDefault {
                            column,
                            sql: Some(s),
                        } => TableEdit::SetDefault {
                            column: column.clone(),
                            sql: Some(subst(s, &placeholders)),
                        },
                        other => other.clone(),
                    });
                }
            }
            AlterStep::Sql(text) => {
                if !edits.is_empty() {
                    rebuild(sql, &table.sqlite_name, &std::mem::take(&mut edits))?;
                }
                sql.auth.reset();
                conn.execute_batch(&subst(text, &placeholders))
                    .map_err(|e| client_error(sql, e, false))?;
            }
            AlterStep::DefaultDep { .. }
            | AlterStep::RenameConstraint { .. }
            | AlterStep::Notice(_) => {}
        }
    }
    if !edits.is_empty() {
        rebuild(sql, &table.sqlite_name, &edits)?;
    }
    // Renames of what SQLite cannot rename in place: views and indexes are created again.
    if let Some(n) = new_name {
        match table.kind {
            RelKind::View | RelKind::Index => recreate_renamed(sql, table, n)?,
            RelKind::Sequence => {
                sql.trusted(|c| {
                    sequence::rename(c, table.oid, &table.schema, &table.sqlite_name, n)
                })?;
                return Ok(notices);
            }
            RelKind::Table => {}
        }
    }
    sql.trusted(|c| -> Result<(), SpiError> {
        if let Some(n) = new_name {
            c.execute(
                "UPDATE main.minipg_class SET relname = ?1, sqlite_name = ?2 WHERE oid = ?3",
                params![n, sql::catalog::sqlite_name(&table.schema, n), table.oid],
            )?;
        }
        if table.kind == RelKind::Table {
            write_columns(c, i64::from(table.oid), columns)?;
        }
        for (attnum, seq, identity) in &serials {
            record_serial(c, table.oid, *attnum, *seq, *identity)?;
        }
        for step in steps {
            match step {
                AlterStep::DefaultDep {
                    attnum,
                    sequence: None,
                } => {
                    c.execute(
                        "DELETE FROM main.minipg_depend WHERE classid = 2604 AND objid = ?1 \
                         AND objsubid = ?2",
                        params![table.oid, attnum],
                    )?;
                }
                AlterStep::DefaultDep {
                    attnum,
                    sequence: Some(seq),
                } => {
                    sequence::add_depend(c, PG_ATTRDEF, table.oid, *attnum, *seq, 'n')?;
                }
                AlterStep::RenameConstraint { old, new } => {
                    describe::constraint_changed(c, table.oid, old, Some(new))?;
                }
                AlterStep::Notice(text) => notices.push(Notice::notice(
                    sqlstate::SUCCESSFUL_COMPLETION,
                    text.clone(),
                )),
                _ => {}
            }
        }
        for seq in &doomed_sequences {
            if let Some(s) = class_row(c, *seq)? {
                c.execute_batch(&format!("DROP VIEW IF EXISTS {}", quote_sqlite(&s.sqlite_name)))?;
                forget(c, s.oid)?;
            }
        }
        // Later columns move down one for each dropped column (highest first).
        let mut dropped = dropped.clone();
        dropped.sort_unstable_by(|a, b| b.cmp(a));
        for attnum in dropped {
            c.execute(
                "DELETE FROM main.minipg_depend WHERE (classid = 2604 AND objid = ?1 AND objsubid = ?2) \
                 OR (refobjid = ?1 AND refobjsubid = ?2)",
                params![table.oid, attnum],
            )?;
            c.execute(
                "UPDATE main.minipg_depend SET objsubid = objsubid - 1 \
                 WHERE classid = 2604 AND objid = ?1 AND objsubid > ?2",
                params![table.oid, attnum],
            )?;
            c.execute(
                "UPDATE main.minipg_depend SET refobjsubid = refobjsubid - 1 \
                 WHERE refobjid = ?1 AND refobjsubid > ?2",
                params![table.oid, attnum],
            )?;
            describe::forget_column(c, table.oid, attnum)?;
        }
        Ok(())
    })?;
    Ok(notices)
}

/// Does view `view`'s SQL name column `column` (as an identifier)?
fn view_mentions(conn: &Connection, view: &str, column: &str) -> rusqlite::Result<bool> {
    let text: Option<String> = conn
        .query_row(
            "SELECT sql FROM main.sqlite_schema WHERE name = ?1",
            [view],
            |r| r.get(0),
        )
        .ok();
    Ok(text.is_some_and(|t| t.contains(&quote_sqlite(column))))
}

/// A view or index renamed: SQLite cannot rename either, so it is created again under the
/// new name (a view other views read cannot be, since they name it).
fn recreate_renamed(sql: &SqlConn, rel: &Relation, new: &str) -> Result<(), SpiError> {
    let new_sqlite = sql::catalog::sqlite_name(&rel.schema, new);
    sql.trusted(|c| -> Result<(), SpiError> {
        if rel.kind == RelKind::View && !views_on(c, rel.oid)?.is_empty() {
            return Err(SpiError::new(
                sqlstate::FEATURE_NOT_SUPPORTED,
                format!(
                    "cannot rename view \"{}\": other views depend on it",
                    rel.name
                ),
            ));
        }
        let text: String = c.query_row(
            "SELECT sql FROM main.sqlite_schema WHERE name = ?1",
            [&rel.sqlite_name],
            |r| r.get(0),
        )?;
        let old = quote_sqlite(&rel.sqlite_name);
        let Some(at) = text.find(&old) else {
            return Err(SpiError::internal(format!(
                "cannot find the name of \"{}\" in its definition",
                rel.name
            )));
        };
        let renamed = format!(
            "{}{}{}",
            &text[..at],
            quote_sqlite(&new_sqlite),
            &text[at + old.len()..]
        );
        let word = if rel.kind == RelKind::View {
            "VIEW"
        } else {
            "INDEX"
        };
        c.execute_batch(&format!("DROP {word} {old}"))?;
        c.execute_batch(&renamed)?;
        Ok(())
    })
}
