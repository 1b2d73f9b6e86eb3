//! COMMENT ON's storage (`minipg_description`, keyed as `pg_description`; see the module doc
//! of `catalog`) and its readers `obj_description` / `col_description`.
//!
//! Invariant: an object's comments go when the object goes (`forget_*`), and a dropped
//! column's later columns keep theirs (renumbered with the columns).

use rusqlite::{Connection, OptionalExtension, params};
use sql::plan::CommentTarget;

use crate::catalog::BUILTIN_SCHEMAS;
use crate::error::SpiError;

/// `classoid` of a relation or column comment (`pg_class`).
const PG_CLASS: i64 = 1259;
/// `classoid` of a schema comment (`pg_namespace`).
const PG_NAMESPACE: i64 = 2615;
/// `classoid` of a constraint comment (`pg_constraint`).
const PG_CONSTRAINT: i64 = 2606;

/// The comment a new database starts with (PostgreSQL's, on `public`).
pub(crate) const SEED: &str = "INSERT OR IGNORE INTO main.minipg_description VALUES (2200, 2615, 0, 'standard public schema', '')";

fn schema_oid(conn: &Connection, name: &str) -> rusqlite::Result<Option<i64>> {
    if let Some((_, oid)) = BUILTIN_SCHEMAS.iter().find(|(n, _)| *n == name) {
        return Ok(Some(*oid));
    }
    conn.query_row(
        "SELECT oid FROM main.minipg_namespace WHERE nspname = ?1",
        [name],
        |r| r.get(0),
    )
    .optional()
}

/// COMMENT ON … IS `text` (`None`: the comment goes).
pub(crate) fn set(
    conn: &Connection,
    target: &CommentTarget,
    text: Option<&str>,
) -> Result<(), SpiError> {
    let (objoid, classoid, objsubid, conname) = match target {
        CommentTarget::Relation { oid, attnum } => {
            (i64::from(*oid), PG_CLASS, i64::from(*attnum), String::new())
        }
        CommentTarget::Schema(name) => {
            let Some(oid) = schema_oid(conn, name)? else {
                return Ok(());
            };
            (oid, PG_NAMESPACE, 0, String::new())
        }
        CommentTarget::Constraint { table, name } => {
            (i64::from(*table), PG_CONSTRAINT, 0, name.clone())
        }
    };
    conn.execute(
        "DELETE FROM main.minipg_description \
         WHERE objoid = ?1 AND classoid = ?2 AND objsubid = ?3 AND conname = ?4",
        params![objoid, classoid, objsubid, conname],
    )?;
    if let Some(t) = text {
        conn.execute(
            "INSERT INTO main.minipg_description (objoid, classoid, objsubid, description, conname) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![objoid, classoid, objsubid, t, conname],
        )?;
    }
    Ok(())
}

/// `obj_description(oid, catalog)`; without `catalog`, any object's (PostgreSQL's deprecated
/// one-argument form).
pub(crate) fn obj_description(
    conn: &Connection,
    oid: i64,
    catalog: Option<&str>,
) -> Result<Option<String>, SpiError> {
    let classoid = match catalog {
        None => None,
        Some("pg_class") => Some(PG_CLASS),
        Some("pg_namespace") => Some(PG_NAMESPACE),
        Some(_) => return Ok(None),
    };
    Ok(conn
        .prepare_cached(
            "SELECT description FROM main.minipg_description \
             WHERE objoid = ?1 AND objsubid = 0 AND conname = '' \
               AND (?2 IS NULL OR classoid = ?2) LIMIT 1",
        )?
        .query_row(params![oid, classoid], |r| r.get(0))
        .optional()?)
}

/// `col_description(table oid, column number)`.
pub(crate) fn col_description(
    conn: &Connection,
    oid: i64,
    attnum: i64,
) -> Result<Option<String>, SpiError> {
    Ok(conn
        .prepare_cached(
            "SELECT description FROM main.minipg_description \
             WHERE objoid = ?1 AND classoid = 1259 AND objsubid = ?2 AND conname = ''",
        )?
        .query_row(params![oid, attnum], |r| r.get(0))
        .optional()?)
}

/// A relation goes: its comments, its columns' and its constraints'.
pub(crate) fn forget_relation(conn: &Connection, oid: u32) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM main.minipg_description WHERE objoid = ?1 AND classoid IN (1259, 2606)",
        [oid],
    )?;
    Ok(())
}

/// Column `attnum` of `table` goes: its comment, and later columns' move down one.
pub(crate) fn forget_column(conn: &Connection, table: u32, attnum: i16) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM main.minipg_description WHERE objoid = ?1 AND classoid = 1259 AND objsubid = ?2",
        params![table, attnum],
    )?;
    conn.execute(
        "UPDATE main.minipg_description SET objsubid = objsubid - 1 \
         WHERE objoid = ?1 AND classoid = 1259 AND objsubid > ?2",
        params![table, attnum],
    )?;
    Ok(())
}

/// A constraint goes or is renamed (`new: None` drops its comment).
pub(crate) fn constraint_changed(
    conn: &Connection,
    table: u32,
    old: &str,
    new: Option<&str>,
) -> rusqlite::Result<()> {
    match new {
        None => conn.execute(
            "DELETE FROM main.minipg_description WHERE objoid = ?1 AND classoid = 2606 AND conname = ?2",
            params![table, old],
        )?,
        Some(n) => conn.execute(
            "UPDATE main.minipg_description SET conname = ?3 \
             WHERE objoid = ?1 AND classoid = 2606 AND conname = ?2",
            params![table, old, n],
        )?,
    };
    Ok(())
}

/// A schema goes.
pub(crate) fn forget_schema(conn: &Connection, oid: i64) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM main.minipg_description WHERE objoid = ?1 AND classoid = 2615",
        [oid],
    )?;
    Ok(())
}
