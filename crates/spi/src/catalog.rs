//! minipg's catalog inside each database file, and the `sql` crate's view of it
//! ([`DbCatalog`]).
//!
//! Layout, per database (format [`FORMAT`]):
//! - `minipg_namespace(nspname, oid, nspowner)`: one row per schema created with CREATE SCHEMA.
//!   `public`, `pg_catalog` and `information_schema` are built in and have no row.
//! - `minipg_class(oid, relnamespace, relname, relkind, sqlite_name, reltable)`: every table,
//!   view and index a client created, with the SQLite object that holds it (a relation `name`
//!   of schema `s` is the SQLite object `s.name`, see `sql::catalog::sqlite_name`: all schemas
//!   live in one file, so 1,000 schemas cost 1,000 rows, not 1,000 ATTACHed files).
//! - `minipg_attribute(attrelid, attnum, attname, atttypid, atttypmod, attnotnull,
//!   attdefault, attidentity)`: each column's PostgreSQL type and typmod (SQLite only knows
//!   the storage class), its default as PostgreSQL text, and `a`/`d` for an identity column
//!   (`''` otherwise).
//! - `minipg_sequence(seqrelid, seqtypid, seqstart, seqincrement, seqmax, seqmin, seqcache,
//!   seqcycle, last_value, log_cnt, is_called)`: each sequence's `pg_sequence` row and its
//!   state (the one row PostgreSQL keeps in the sequence relation). A sequence's SQLite object
//!   is a view of its row, so `SELECT * FROM seq` reads it ([`sequence`]).
//! - `minipg_depend(classid, objid, objsubid, refclassid, refobjid, refobjsubid, deptype)`:
//!   `pg_depend`'s shape, for what minipg must know when dropping or altering: a sequence
//!   owned by a column (`1259, seq, 0, 1259, table, attnum, 'a'`; `'i'` for an identity
//!   column's), a column default that calls `nextval` of a sequence (`2604, table, attnum,
//!   1259, seq, 0, 'n'`: minipg has no `pg_attrdef` OIDs, so the default is named by its
//!   table and column), a view reading a relation (`1259, view, 0, 1259, rel, 0, 'n'`).
//!   Foreign keys are not listed: SQLite's `pragma_foreign_key_list` is their record.
//! - `minipg_description(objoid, classoid, objsubid, description, conname)`: COMMENT ON, keyed
//!   as `pg_description` (`classoid` 1259 for relations and their columns, 2615 for schemas).
//!   A constraint has no OID in minipg's catalog: its comment has `classoid` 2606, `objoid`
//!   the OID of its table and `conname` its name (`''` on every other row).
//! - `minipg_meta(key, value)`: the format version and the next OID.
//! - The system catalogs of `pg_catalog` and `information_schema` (`pg_namespace` = the
//!   built-ins ∪ `minipg_namespace`, `pg_class`, `pg_attribute`, `pg_constraint`, …,
//!   `pg_stat_activity`): eponymous virtual tables over these tables, SQLite's own schema and
//!   the server ([`system`], [`views`]).
//!
//! Invariants: a schema exists iff it is built in or has a row; every relation's schema
//! exists; a `minipg_class` row exists iff its SQLite object does — DDL changes both in one
//! transaction, and startup repairs what an interrupted change left. Every change to
//! `minipg_namespace` also changes SQLite's schema cookie ([`note_namespace_change`]), so
//! cached plans, which check only the cookie, see it. Lookups read the database every time.
//! OIDs come from one counter and are never reused.
//! Never: the catalog functions here begin or end transactions — their callers do.

pub(crate) mod alter;
pub(crate) mod describe;
pub(crate) mod drop;
pub(crate) mod relations;
pub(crate) mod sequence;
pub(crate) mod system;
pub(crate) mod tabledef;
pub(crate) mod views;

pub(crate) use relations::DbCatalog;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::{SpiError, sqlstate};
use crate::result::Notice;
use sql::catalog::sqlite_name as mangle;

/// Built-in schemas and their PostgreSQL OIDs.
pub const BUILTIN_SCHEMAS: [(&str, i64); 3] = [
    ("pg_catalog", 11),
    ("public", 2200),
    ("information_schema", 13_183),
];

/// The first OID handed to a user schema (PostgreSQL's FirstNormalObjectId).
const FIRST_NORMAL_OID: i64 = 16_384;

/// The catalog format this server writes and reads (`minipg_meta.format`, and
/// `PRAGMA user_version` of each database file). Format 1 was minipg before the SQL front end:
/// SQLite-typed columns, no `minipg_class`. Format 2 had no sequences, dependencies, comments
/// or identity columns; it is upgraded in place ([`upgrade`]), since format 3 only adds.
pub const FORMAT: i64 = 3;

/// The older format this server upgrades in place at startup.
pub const UPGRADABLE_FORMAT: i64 = 2;

/// The tables format 3 added to format 2 (created if missing).
const FORMAT_3_TABLES: &str = "
         CREATE TABLE IF NOT EXISTS minipg_sequence (
             seqrelid     INTEGER PRIMARY KEY,
             seqtypid     INTEGER NOT NULL,
             seqstart     INTEGER NOT NULL,
             seqincrement INTEGER NOT NULL,
             seqmax       INTEGER NOT NULL,
             seqmin       INTEGER NOT NULL,
             seqcache     INTEGER NOT NULL,
             seqcycle     INTEGER NOT NULL,
             last_value   INTEGER NOT NULL,
             log_cnt      INTEGER NOT NULL,
             is_called    INTEGER NOT NULL
         );
         CREATE TABLE IF NOT EXISTS minipg_depend (
             classid     INTEGER NOT NULL,
             objid       INTEGER NOT NULL,
             objsubid    INTEGER NOT NULL,
             refclassid  INTEGER NOT NULL,
             refobjid    INTEGER NOT NULL,
             refobjsubid INTEGER NOT NULL,
             deptype     TEXT NOT NULL
         );
         CREATE INDEX IF NOT EXISTS minipg_depend_obj ON minipg_depend (objid);
         CREATE INDEX IF NOT EXISTS minipg_depend_ref ON minipg_depend (refobjid);
         CREATE TABLE IF NOT EXISTS minipg_description (
             objoid      INTEGER NOT NULL,
             classoid    INTEGER NOT NULL,
             objsubid    INTEGER NOT NULL,
             description TEXT NOT NULL,
             conname     TEXT NOT NULL DEFAULT '',
             PRIMARY KEY (objoid, classoid, objsubid, conname)
         );";

/// Creates minipg's tables in a new file (server's own connection, authorizer off).
pub(crate) fn ensure_catalog(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(&format!(
        "CREATE TABLE IF NOT EXISTS minipg_namespace (
             nspname  TEXT PRIMARY KEY,
             oid      INTEGER NOT NULL UNIQUE,
             nspowner TEXT
         );
         CREATE TABLE IF NOT EXISTS minipg_class (
             oid          INTEGER PRIMARY KEY,
             relnamespace TEXT NOT NULL,
             relname      TEXT NOT NULL,
             relkind      TEXT NOT NULL,
             sqlite_name  TEXT NOT NULL UNIQUE,
             reltable     INTEGER,
             UNIQUE (relnamespace, relname)
         );
         CREATE TABLE IF NOT EXISTS minipg_attribute (
             attrelid   INTEGER NOT NULL,
             attnum     INTEGER NOT NULL,
             attname    TEXT NOT NULL,
             atttypid   INTEGER NOT NULL,
             atttypmod  INTEGER NOT NULL,
             attnotnull INTEGER NOT NULL,
             attdefault TEXT,
             attidentity TEXT NOT NULL DEFAULT '',
             PRIMARY KEY (attrelid, attnum)
         );
         {FORMAT_3_TABLES}
         CREATE TABLE IF NOT EXISTS minipg_meta (key TEXT PRIMARY KEY, value);
         INSERT OR IGNORE INTO minipg_meta VALUES ('format', {FORMAT});
         INSERT OR IGNORE INTO minipg_meta VALUES ('next_oid', {FIRST_NORMAL_OID});
         PRAGMA user_version = {FORMAT};"
    ))
}

/// Brings a file of format [`UPGRADABLE_FORMAT`] to [`FORMAT`] in the caller's transaction:
/// the tables format 3 added and `minipg_attribute.attidentity`. Nothing is rewritten.
pub(crate) fn upgrade(conn: &Connection) -> rusqlite::Result<()> {
    let has_identity = conn
        .prepare("SELECT 1 FROM pragma_table_info('minipg_attribute') WHERE name = 'attidentity'")?
        .exists([])?;
    if !has_identity {
        conn.execute_batch(
            "ALTER TABLE minipg_attribute ADD COLUMN attidentity TEXT NOT NULL DEFAULT ''",
        )?;
    }
    conn.execute_batch(&format!(
        "{FORMAT_3_TABLES}
         {seed};
         UPDATE minipg_meta SET value = {FORMAT} WHERE key = 'format';
         PRAGMA user_version = {FORMAT};",
        seed = describe::SEED
    ))
}

/// The format a database file was written in: `minipg_meta.format`, else 1 when it has
/// minipg's older catalog, else `None` (not a minipg file).
pub(crate) fn file_format(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let has = |t: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [t],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
    };
    if has("minipg_meta")? {
        return conn
            .query_row(
                "SELECT value FROM minipg_meta WHERE key = 'format'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .optional();
    }
    Ok(has("minipg_namespace")?.then_some(1))
}

/// A fresh OID (never reused within the file).
pub(crate) fn next_oid(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "UPDATE minipg_meta SET value = value + 1 WHERE key = 'next_oid' RETURNING value - 1",
        [],
        |r| r.get(0),
    )
}

/// Do all of minipg's catalog tables exist in this file?
pub(crate) fn catalog_present(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN \
         ('minipg_namespace', 'minipg_class', 'minipg_attribute', 'minipg_meta', \
          'minipg_sequence', 'minipg_depend', 'minipg_description')",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n == 7)
}

/// Per-connection TEMP views: none any more. The catalog relations, `pg_namespace` included,
/// are eponymous virtual tables registered when a connection opens ([`system`]); this stays
/// for `SqlConn::install_views_for`, which still calls it.
pub(crate) fn install_views(_conn: &Connection) -> rusqlite::Result<()> {
    Ok(())
}

fn is_builtin(name: &str) -> bool {
    BUILTIN_SCHEMAS.iter().any(|(n, _)| *n == name)
}

/// Does schema `name` exist? Reads the file (an indexed point lookup), never a cache.
pub(crate) fn is_schema(conn: &Connection, name: &str) -> bool {
    if is_builtin(name) {
        return true;
    }
    conn.prepare_cached("SELECT 1 FROM main.minipg_namespace WHERE nspname = ?1")
        .and_then(|mut s| s.exists([name]))
        .unwrap_or(false)
}

/// Refuses schema names minipg cannot store unambiguously or PostgreSQL reserves.
pub(crate) fn validate_schema_name(name: &str) -> Result<(), SpiError> {
    if name.is_empty() {
        return Err(SpiError::new(
            sqlstate::INVALID_NAME,
            "zero-length delimited identifier",
        ));
    }
    if name.contains('.') {
        return Err(SpiError::new(
            sqlstate::INVALID_NAME,
            format!("invalid schema name \"{name}\""),
        )
        .with_detail("minipg stores a schema's relations as \"schema.name\"; a schema name cannot contain \".\"."));
    }
    if name.starts_with("pg_") {
        return Err(SpiError::new(
            sqlstate::RESERVED_NAME,
            format!("unacceptable schema name \"{name}\""),
        )
        .with_detail("The prefix \"pg_\" is reserved for system schemas."));
    }
    Ok(())
}

/// Adds the schema row (the caller then runs the elements, in the same transaction).
/// Returns `false` (with a notice) when it exists and `if_not_exists` is set.
pub(crate) fn create_schema(
    conn: &Connection,
    name: &str,
    owner: &str,
    if_not_exists: bool,
    notices: &mut Vec<Notice>,
) -> Result<bool, SpiError> {
    validate_schema_name(name).or_else(|e| {
        // A reserved built-in name gets the "already exists" answer PostgreSQL gives.
        if is_builtin(name) { Ok(()) } else { Err(e) }
    })?;
    if is_schema(conn, name) {
        if if_not_exists {
            notices.push(Notice::notice(
                sqlstate::DUPLICATE_SCHEMA,
                format!("schema \"{name}\" already exists, skipping"),
            ));
            return Ok(false);
        }
        return Err(SpiError::new(
            sqlstate::DUPLICATE_SCHEMA,
            format!("schema \"{name}\" already exists"),
        ));
    }
    let oid = next_oid(conn)?;
    conn.execute(
        "INSERT INTO main.minipg_namespace (nspname, oid, nspowner) VALUES (?1, ?2, ?3)",
        params![name, oid, owner],
    )?;
    note_namespace_change(conn)?;
    Ok(true)
}

/// Changes SQLite's schema cookie in the caller's transaction, so that every connection's
/// cached plans — whose rewrite asked which schemas exist — are re-made after a namespace
/// change. A row change alone leaves the cookie as it is, and `PRAGMA schema_version = n` is
/// refused on defensive connections: creating and dropping a scratch table is the DDL that
/// changes it and leaves nothing behind.
pub(crate) fn note_namespace_change(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS main.minipg_namespace_change; \
         CREATE TABLE main.minipg_namespace_change(x); \
         DROP TABLE main.minipg_namespace_change;",
    )
}

/// One object of a schema, as stored in `sqlite_schema`.
#[derive(Debug, Clone)]
pub(crate) struct SchemaObject {
    pub kind: String,
    /// The mangled SQLite name.
    pub sqlite_name: String,
}

/// The tables, views, indexes and triggers stored under `schema`'s prefix.
pub(crate) fn schema_objects(
    conn: &Connection,
    schema: &str,
) -> Result<Vec<SchemaObject>, SpiError> {
    let prefix = mangle(schema, "");
    let mut stmt = conn.prepare_cached(
        "SELECT type, name FROM main.sqlite_schema \
         WHERE substr(name, 1, length(?1)) = ?1 \
           AND type IN ('table', 'view', 'index', 'trigger') \
         ORDER BY CASE type WHEN 'view' THEN 0 WHEN 'trigger' THEN 1 WHEN 'table' THEN 2 ELSE 3 END, name",
    )?;
    let rows = stmt
        .query_map([&prefix], |r| {
            Ok(SchemaObject {
                kind: r.get(0)?,
                sqlite_name: r.get(1)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Drops the schemas `names` (all or none: the caller's transaction). Non-empty schemas need
/// `cascade`, which drops their views, triggers, tables and indexes with a notice. `also` is
/// what outside the schema depends on it (described, with what it depends on): named in the
/// error, and in the notice once the caller dropped it.
pub(crate) fn drop_schemas(
    conn: &Connection,
    names: &[String],
    if_exists: bool,
    cascade: bool,
    also: &[(String, String)],
    notices: &mut Vec<Notice>,
) -> Result<(), SpiError> {
    for name in names {
        if is_builtin(name) {
            return Err(SpiError::new(
                sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                format!("cannot drop schema {name} because it is required by the database system"),
            ));
        }
        let exists = conn
            .query_row(
                "SELECT 1 FROM main.minipg_namespace WHERE nspname = ?1",
                [name],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if !exists {
            if if_exists {
                notices.push(Notice::notice(
                    sql::sqlstate::SUCCESSFUL_COMPLETION,
                    format!("schema \"{name}\" does not exist, skipping"),
                ));
                continue;
            }
            return Err(SpiError::new(
                sqlstate::INVALID_SCHEMA_NAME,
                format!("schema \"{name}\" does not exist"),
            ));
        }
        let objects = schema_objects(conn, name)?;
        let described: Vec<String> = objects
            .iter()
            .filter(|o| o.kind != "index" && o.kind != "trigger")
            .map(|o| {
                // A sequence's SQLite object is a view; the catalog knows it is a sequence.
                let kind: Option<String> = conn
                    .query_row(
                        "SELECT relkind FROM main.minipg_class WHERE sqlite_name = ?1",
                        [&o.sqlite_name],
                        |r| r.get(0),
                    )
                    .optional()
                    .ok()
                    .flatten();
                let noun = if kind.as_deref() == Some("S") {
                    "sequence"
                } else {
                    o.kind.as_str()
                };
                format!("{noun} {}", o.sqlite_name)
            })
            .collect();
        if !objects.is_empty() && !cascade {
            let detail = described
                .iter()
                .map(|d| format!("{d} depends on schema {name}"))
                .chain(also.iter().map(|(d, on)| format!("{d} depends on {on}")))
                .collect::<Vec<_>>()
                .join("\n");
            return Err(SpiError::new(
                sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                format!("cannot drop schema {name} because other objects depend on it"),
            )
            .with_detail(detail)
            .with_hint("Use DROP ... CASCADE to drop the dependent objects too."));
        }
        let described: Vec<String> = described
            .into_iter()
            .chain(also.iter().map(|(d, _)| d.clone()))
            .collect();
        match described.len() {
            0 => {}
            1 => notices.push(Notice::notice(
                sql::sqlstate::SUCCESSFUL_COMPLETION,
                format!("drop cascades to {}", described[0]),
            )),
            n => notices.push(
                Notice::notice(
                    sql::sqlstate::SUCCESSFUL_COMPLETION,
                    format!("drop cascades to {n} other objects"),
                )
                .with_detail(
                    described
                        .iter()
                        .map(|d| format!("drop cascades to {d}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
            ),
        }
        for object in &objects {
            let still_there = conn
                .query_row(
                    "SELECT 1 FROM main.sqlite_schema WHERE name = ?1",
                    [&object.sqlite_name],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if !still_there {
                continue; // an index or trigger that went with its table
            }
            let kind = object.kind.to_ascii_uppercase();
            let quoted = object.sqlite_name.replace('"', "\"\"");
            conn.execute_batch(&format!("DROP {kind} IF EXISTS main.\"{quoted}\""))?;
        }
        relations::forget_schema(conn, name)?;
        let oid: Option<i64> = conn
            .query_row(
                "SELECT oid FROM main.minipg_namespace WHERE nspname = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(oid) = oid {
            describe::forget_schema(conn, oid)?;
        }
        conn.execute(
            "DELETE FROM main.minipg_namespace WHERE nspname = ?1",
            [name],
        )?;
        note_namespace_change(conn)?;
    }
    Ok(())
}

/// Startup repair: gives every mangled object's schema its row back (an interrupted DDL or a
/// file edited by hand). Returns one line per repair.
pub(crate) fn repair(conn: &Connection) -> Result<Vec<String>, SpiError> {
    let mut stmt = conn.prepare(
        "SELECT DISTINCT substr(name, 1, instr(name, '.') - 1) FROM main.sqlite_schema \
         WHERE instr(name, '.') > 1 AND type IN ('table', 'view', 'index', 'trigger') \
           AND name NOT LIKE 'sqlite_%'",
    )?;
    let schemas = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    let mut repairs = Vec::new();
    for schema in schemas {
        if is_schema(conn, &schema) {
            continue;
        }
        let mut ignored = Vec::new();
        create_schema(conn, &schema, "postgres", true, &mut ignored)?;
        repairs.push(format!(
            "schema \"{schema}\" had relations but no catalog row; row restored"
        ));
    }
    Ok(repairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> Connection {
        let c = Connection::open_in_memory().expect("open");
        ensure_catalog(&c).expect("catalog");
        views::register(&c).expect("views");
        c
    }

    fn count(c: &Connection, sql: &str) -> i64 {
        c.query_row(sql, [], |r| r.get(0)).expect(sql)
    }

    #[test]
    fn create_and_look_up_schemas() {
        let c = conn();
        let mut notices = Vec::new();
        assert!(is_schema(&c, "public"));
        assert!(!is_schema(&c, "s1"));
        assert!(create_schema(&c, "s1", "u", false, &mut notices).expect("create"));
        assert!(is_schema(&c, "s1"));
        let e = create_schema(&c, "s1", "u", false, &mut notices).expect_err("dup");
        assert_eq!(e.sqlstate, sql::sqlstate::DUPLICATE_SCHEMA);
        assert!(!create_schema(&c, "s1", "u", true, &mut notices).expect("skip"));
        assert_eq!(notices.len(), 1);
        let n = count(
            &c,
            "SELECT count(*) FROM \"pg_catalog.pg_namespace\" WHERE nspname = 's1'",
        );
        assert_eq!(n, 1);
        assert_eq!(
            validate_schema_name("a.b").expect_err("dot").sqlstate,
            sql::sqlstate::INVALID_NAME
        );
        assert_eq!(
            validate_schema_name("pg_x").expect_err("pg_").sqlstate,
            sql::sqlstate::RESERVED_NAME
        );
    }

    #[test]
    fn drop_schema_needs_cascade_when_not_empty() {
        let c = conn();
        let mut notices = Vec::new();
        create_schema(&c, "s", "u", false, &mut notices).expect("create");
        c.execute_batch(
            "CREATE TABLE \"s.t\"(a); CREATE INDEX \"s.i\" ON \"s.t\"(a); CREATE VIEW \"s.v\" AS SELECT a FROM \"s.t\";",
        )
        .expect("objects");
        let e = drop_schemas(&c, &["s".into()], false, false, &[], &mut notices).expect_err("deps");
        assert_eq!(e.sqlstate, sql::sqlstate::DEPENDENT_OBJECTS_STILL_EXIST);
        assert_eq!(
            e.message,
            "cannot drop schema s because other objects depend on it"
        );
        drop_schemas(&c, &["s".into()], false, true, &[], &mut notices).expect("cascade");
        assert!(!is_schema(&c, "s"));
        let left = count(
            &c,
            "SELECT count(*) FROM sqlite_schema WHERE name LIKE 's.%'",
        );
        assert_eq!(left, 0);
        let e = drop_schemas(&c, &["s".into()], false, false, &[], &mut notices).expect_err("gone");
        assert_eq!(e.sqlstate, sql::sqlstate::INVALID_SCHEMA_NAME);
        drop_schemas(&c, &["s".into()], true, false, &[], &mut notices).expect("if exists");
        let e = drop_schemas(&c, &["public".into()], false, false, &[], &mut notices)
            .expect_err("builtin");
        assert_eq!(e.sqlstate, sql::sqlstate::DEPENDENT_OBJECTS_STILL_EXIST);
    }

    #[test]
    fn namespace_changes_change_the_schema_cookie() {
        let c = conn();
        let cookie = |c: &Connection| {
            c.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0))
                .expect("cookie")
        };
        let mut notices = Vec::new();
        let before = cookie(&c);
        create_schema(&c, "s", "u", false, &mut notices).expect("create");
        let created = cookie(&c);
        assert_ne!(created, before);
        assert!(!create_schema(&c, "s", "u", true, &mut notices).expect("skip"));
        assert_eq!(cookie(&c), created, "nothing created, cookie unchanged");
        drop_schemas(&c, &["s".into()], false, false, &[], &mut notices).expect("drop");
        assert_ne!(cookie(&c), created);
        let left = count(
            &c,
            "SELECT count(*) FROM sqlite_schema WHERE name = 'minipg_namespace_change'",
        );
        assert_eq!(left, 0, "the scratch table leaves nothing behind");
    }

    #[test]
    fn repair_restores_missing_schema_rows() {
        let c = conn();
        c.execute_batch("CREATE TABLE \"lost.t\"(a)")
            .expect("table");
        let repairs = repair(&c).expect("repair");
        assert_eq!(repairs.len(), 1);
        assert!(is_schema(&c, "lost"));
        assert!(repair(&c).expect("again").is_empty());
    }
}
