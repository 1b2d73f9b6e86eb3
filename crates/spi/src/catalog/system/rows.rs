//! Where the rows of each catalog relation come from ([`source`]): a SQL query over minipg's
//! catalog tables and the other catalog relations, rows made in Rust, or none.
//!
//! SQL sources produce PostgreSQL's columns in order, each value in its type's storage form
//! (`bool` 0/1, `"char"` a one-character text, arrays a JSON array, `oidvector` and
//! `int2vector` space-separated text). Rust sources receive the scan's equality constraints
//! as `(column, value)` and may use them to do less work (SQLite checks them again).
//!
//! Database OIDs: `postgres` is 5 (PostgreSQL's), any other database
//! `0x7e000000 + (FNV-1a of its name mod 2^24)`.
//!
//! Invariant: every source returns exactly as many values per row as its relation has
//! columns. Never: writes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rusqlite::Connection;
use rusqlite::types::Value as Cell;
use sql::func::catalog::{BOOTSTRAP_SUPERUSER, format_type_text, proargtypes, procs};
use sql::func::{Kind, Volatility};
use sql::types::{Category, Storage, Type, TypeInfo};

use super::derived::{self, Table};
use super::{Namespace, SystemRelation};
use crate::catalog::BUILTIN_SCHEMAS;

/// A scan's rows (each a row of cells), or SQLite's error.
pub(crate) type Rows = rusqlite::Result<Vec<Vec<Cell>>>;
/// A Rust source: the connection (for what the file holds) and the scan's equalities.
pub(crate) type RowsFn = fn(&Connection, &[(usize, Cell)]) -> Rows;

/// Where a relation's rows come from.
pub(crate) enum Source {
    Empty,
    /// A query producing the relation's columns in order.
    Sql(String),
    Rust(RowsFn),
}

/// The SQL expression of the OID of the schema named by `col`.
fn nsp_oid(col: &str) -> String {
    let mut s = format!("CASE {col}");
    for (name, oid) in BUILTIN_SCHEMAS {
        s.push_str(&format!(" WHEN '{name}' THEN {oid}"));
    }
    s.push_str(&format!(
        " ELSE (SELECT n.oid FROM main.minipg_namespace n WHERE n.nspname = {col}) END"
    ));
    s
}

fn q(name: &str) -> String {
    format!("\"{name}\"")
}

/// The rows of `schema.name`.
pub(crate) fn source(schema: Namespace, name: &str) -> Source {
    match (schema, name) {
        (Namespace::PgCatalog, "pg_namespace") => Source::Sql(namespace_sql()),
        (Namespace::PgCatalog, "pg_class") => Source::Sql(class_sql()),
        (Namespace::PgCatalog, "pg_attribute") => Source::Sql(attribute_sql()),
        (Namespace::PgCatalog, "pg_attrdef") => Source::Sql(attrdef_sql()),
        (Namespace::PgCatalog, "pg_type") => Source::Rust(type_rows),
        (Namespace::PgCatalog, "pg_proc") => Source::Rust(proc_rows),
        (Namespace::PgCatalog, "pg_index") => Source::Rust(index_rows),
        (Namespace::PgCatalog, "pg_constraint") => Source::Rust(constraint_rows),
        (Namespace::PgCatalog, "pg_settings") => Source::Rust(settings_rows),
        (Namespace::PgCatalog, "pg_database") => Source::Rust(database_rows),
        (Namespace::PgCatalog, "pg_roles") => Source::Rust(|_, _| crate::roles::pg_roles_rows()),
        (Namespace::PgCatalog, "pg_authid") => Source::Rust(|_, _| crate::roles::pg_authid_rows()),
        (Namespace::PgCatalog, "pg_user") => Source::Rust(|_, _| crate::roles::pg_user_rows()),
        (Namespace::PgCatalog, "pg_auth_members") => {
            Source::Rust(|_, _| crate::roles::pg_auth_members_rows())
        }
        (Namespace::PgCatalog, "pg_sequence") => Source::Sql(
            "SELECT seqrelid, seqtypid, seqstart, seqincrement, seqmax, seqmin, seqcache, \
             seqcycle FROM main.minipg_sequence"
                .into(),
        ),
        (Namespace::PgCatalog, "pg_sequences") => Source::Sql(format!(
            "SELECT c.relnamespace, c.relname, '{owner}', s.seqtypid, s.seqstart, s.seqmin, \
               s.seqmax, s.seqincrement, s.seqcycle, s.seqcache, \
               CASE WHEN s.is_called THEN s.last_value END \
             FROM main.minipg_sequence s JOIN main.minipg_class c ON c.oid = s.seqrelid",
            owner = sql::func::catalog::BOOTSTRAP_SUPERUSER_NAME
        )),
        // Dependencies DDL records (owned sequences, defaults, views, foreign keys).
        // A default is recorded as (pg_attrdef, table, column): shown with the default's OID,
        // as pg_attrdef numbers it.
        (Namespace::PgCatalog, "pg_depend") => Source::Sql(format!(
            "SELECT classid, \
               CASE WHEN classid = 2604 THEN {attrdef} ELSE objid END, \
               CASE WHEN classid = 2604 THEN 0 ELSE objsubid END, \
               refclassid, refobjid, refobjsubid, deptype \
             FROM main.minipg_depend",
            attrdef = attrdef_oid("objid", "objsubid"),
        )),
        // COMMENT ON's rows (constraints' comments are kept by name, not by an OID).
        (Namespace::PgCatalog, "pg_description") => Source::Sql(
            "SELECT objoid, classoid, objsubid, description FROM main.minipg_description \
             WHERE conname = ''"
                .into(),
        ),
        (Namespace::PgCatalog, "pg_tablespace") => Source::Sql(
            "SELECT 1663, 'pg_default', 10, NULL, NULL \
             UNION ALL SELECT 1664, 'pg_global', 10, NULL, NULL"
                .into(),
        ),
        (Namespace::PgCatalog, "pg_am") => {
            Source::Sql("SELECT 2, 'heap', 0, 't' UNION ALL SELECT 403, 'btree', 0, 'i'".into())
        }
        (Namespace::PgCatalog, "pg_collation") => Source::Sql(
            "SELECT 100, 'default', 11, 10, 'd', 1, -1, NULL, NULL, NULL, NULL \
             UNION ALL SELECT 950, 'C', 11, 10, 'c', 1, -1, 'C', 'C', NULL, NULL \
             UNION ALL SELECT 951, 'POSIX', 11, 10, 'c', 1, -1, 'POSIX', 'POSIX', NULL, NULL"
                .into(),
        ),
        (Namespace::PgCatalog, "pg_language") => Source::Sql(
            "SELECT 12, 'internal', 10, 0, 0, 0, 0, 0, NULL \
             UNION ALL SELECT 13, 'c', 10, 0, 0, 0, 0, 0, NULL \
             UNION ALL SELECT 14, 'sql', 10, 0, 1, 0, 0, 0, NULL"
                .into(),
        ),
        (Namespace::PgCatalog, "pg_tables") => Source::Sql(format!(
            "SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner), NULL, c.relhasindex, \
             c.relhasrules, c.relhastriggers, c.relrowsecurity \
             FROM {} c LEFT JOIN {} n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')",
            q("pg_catalog.pg_class"),
            q("pg_catalog.pg_namespace")
        )),
        (Namespace::PgCatalog, "pg_views") => Source::Sql(format!(
            "SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner), {}(c.oid, 0) \
             FROM {} c LEFT JOIN {} n ON n.oid = c.relnamespace WHERE c.relkind = 'v'",
            sql::func::catalog::symbol::GET_VIEWDEF,
            q("pg_catalog.pg_class"),
            q("pg_catalog.pg_namespace")
        )),
        (Namespace::PgCatalog, "pg_indexes") => Source::Sql(format!(
            "SELECT n.nspname, c.relname, i.relname, NULL, {}(i.oid) \
             FROM {} x JOIN {} c ON c.oid = x.indrelid JOIN {} i ON i.oid = x.indexrelid \
             LEFT JOIN {} n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'm', 'p') AND i.relkind IN ('i', 'I')",
            sql::func::catalog::symbol::GET_INDEXDEF,
            q("pg_catalog.pg_index"),
            q("pg_catalog.pg_class"),
            q("pg_catalog.pg_class"),
            q("pg_catalog.pg_namespace")
        )),
        (Namespace::PgCatalog, "pg_stat_activity") => Source::Rust(activity_rows),
        (Namespace::PgCatalog, "pg_stat_autovacuum") => Source::Rust(autovacuum_rows),
        (Namespace::PgCatalog, "pg_hba_file_rules") => Source::Rust(hba_file_rules_rows),
        (Namespace::PgCatalog, "pg_stat_ssl") => Source::Rust(ssl_rows),
        (Namespace::PgCatalog, "pg_stat_bgworker") => Source::Rust(bgworker_rows),
        (Namespace::InformationSchema, "schemata") => Source::Sql(format!(
            "SELECT {db}, n.nspname, pg_get_userbyid(n.nspowner), NULL, NULL, NULL, NULL \
             FROM {} n",
            q("pg_catalog.pg_namespace"),
            db = sql::func::host::symbol::CURRENT_DATABASE.to_string() + "()",
        )),
        (Namespace::InformationSchema, "tables") => Source::Sql(format!(
            "SELECT {db}, n.nspname, c.relname, \
             CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'BASE TABLE' END, NULL, NULL, NULL, \
             NULL, NULL, CASE c.relkind WHEN 'v' THEN 'NO' ELSE 'YES' END, 'NO', NULL \
             FROM {} c LEFT JOIN {} n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'v', 'p', 'f')",
            q("pg_catalog.pg_class"),
            q("pg_catalog.pg_namespace"),
            db = sql::func::host::symbol::CURRENT_DATABASE.to_string() + "()",
        )),
        (Namespace::InformationSchema, "views") => Source::Sql(format!(
            "SELECT {db}, n.nspname, c.relname, {}(c.oid, 0), 'NONE', 'NO', 'NO', 'NO', 'NO', \
             'NO' FROM {} c LEFT JOIN {} n ON n.oid = c.relnamespace \
             WHERE c.relkind = 'v' AND n.nspname NOT IN ('pg_catalog', 'information_schema')",
            sql::func::catalog::symbol::GET_VIEWDEF,
            q("pg_catalog.pg_class"),
            q("pg_catalog.pg_namespace"),
            db = sql::func::host::symbol::CURRENT_DATABASE.to_string() + "()",
        )),
        (Namespace::InformationSchema, "columns") => Source::Rust(info_columns_rows),
        (Namespace::InformationSchema, "table_constraints") => Source::Rust(table_constraints_rows),
        (Namespace::InformationSchema, "key_column_usage") => Source::Rust(key_column_usage_rows),
        (Namespace::MinipgCatalog, "system_class") => Source::Rust(system_class_rows),
        (Namespace::MinipgCatalog, "system_attribute") => Source::Rust(system_attribute_rows),
        (Namespace::MinipgCatalog, "constraint_indexes") => Source::Rust(constraint_index_rows),
        (Namespace::MinipgCatalog, "index_attribute") => Source::Rust(index_attribute_rows),
        _ => Source::Empty,
    }
}

fn namespace_sql() -> String {
    let (owner, acl) = (super::functions::NSPOWNER, super::functions::NSPACL);
    let mut s = String::new();
    for (name, oid) in BUILTIN_SCHEMAS {
        s.push_str(&format!(
            "SELECT {oid}, '{name}', {owner}({oid}), {acl}({oid}) UNION ALL "
        ));
    }
    s.push_str(&format!(
        "SELECT n.oid, n.nspname, {owner}(n.oid), {acl}(n.oid) FROM main.minipg_namespace n"
    ));
    s
}

fn class_sql() -> String {
    format!(
        "SELECT c.oid, c.relname, {nsp}, 0, 0, {owner}(c.oid), \
           CASE c.relkind WHEN 'r' THEN 2 WHEN 'i' THEN 403 ELSE 0 END, \
           CASE c.relkind WHEN 'v' THEN 0 ELSE c.oid END, 0, 0, -1.0, 0, 0, \
           c.relkind = 'r' AND c.oid IN (SELECT x.indrelid FROM {index} x), \
           0, 'p', c.relkind, \
           CASE WHEN c.relkind = 'i' THEN (SELECT x.indnatts FROM {index} x WHERE x.indexrelid = c.oid) \
             ELSE (SELECT count(*) FROM main.minipg_attribute a WHERE a.attrelid = c.oid) END, \
           CASE WHEN c.relkind = 'r' THEN (SELECT count(*) FROM {con} k \
             WHERE k.conrelid = c.oid AND k.contype = 'c') ELSE 0 END, \
           c.relkind = 'v', \
           c.relkind = 'r' AND c.oid IN (SELECT k.conrelid FROM {con} k WHERE k.contype = 'f' \
             UNION ALL SELECT k.confrelid FROM {con} k WHERE k.contype = 'f'), \
           0, 0, 0, 1, CASE c.relkind WHEN 'r' THEN 'd' ELSE 'n' END, 0, 0, \
           0, CASE c.relkind WHEN 'r' THEN 1 ELSE 0 END, {acl}(c.oid), NULL, NULL \
         FROM main.minipg_class c \
         UNION ALL \
         SELECT x.oid, x.relname, x.relnamespace, 0, 0, 10, 403, x.oid, 0, 0, -1.0, 0, 0, 0, 0, \
           'p', 'i', x.relnatts, 0, 0, 0, 0, 0, 0, 1, 'n', 0, 0, 0, 0, NULL, NULL, NULL \
         FROM {ci} x \
         UNION ALL \
         SELECT s.oid, s.relname, s.relnamespace, 0, 0, 10, \
           CASE s.relkind WHEN 'r' THEN 2 ELSE 0 END, CASE s.relkind WHEN 'r' THEN s.oid ELSE 0 END, \
           0, 0, -1.0, 0, 0, 0, 0, 'p', s.relkind, s.relnatts, 0, s.relkind = 'v', 0, 0, 0, 0, \
           1, 'n', 0, 0, 0, 0, NULL, NULL, NULL \
         FROM {sc} s",
        nsp = nsp_oid("c.relnamespace"),
        owner = super::functions::RELOWNER,
        acl = super::functions::RELACL,
        index = q("pg_catalog.pg_index"),
        con = q("pg_catalog.pg_constraint"),
        ci = q("minipg_catalog.constraint_indexes"),
        sc = q("minipg_catalog.system_class"),
    )
}

fn attribute_sql() -> String {
    let typed = |from: &str, notnull: &str, hasdef: &str, identity: &str| {
        format!(
            "SELECT a.attrelid, a.attname, a.atttypid, -1, t.typlen, a.attnum, \
               CASE WHEN t.typcategory = 'A' AND substr(t.typname, 1, 1) = '_' THEN 1 ELSE 0 END, \
               -1, a.atttypmod, t.typbyval, t.typalign, t.typstorage, '', {notnull}, {hasdef}, 0, \
               {identity}, '', 0, 1, 0, t.typcollation, NULL, NULL, NULL, NULL \
             FROM {from} a LEFT JOIN {ty} t ON t.oid = a.atttypid",
            ty = q("pg_catalog.pg_type"),
        )
    };
    format!(
        "{} UNION ALL {} UNION ALL {}",
        typed(
            "main.minipg_attribute",
            "a.attnotnull",
            "a.attdefault IS NOT NULL",
            "coalesce(a.attidentity, '')"
        ),
        typed(&q("minipg_catalog.system_attribute"), "0", "0", "''"),
        typed(&q("minipg_catalog.index_attribute"), "0", "0", "''")
    )
}

/// The OID of the default of column `attnum` of table `table` (SQL expressions), derived from
/// the table's OID as `derived.rs` numbers objects without rows of their own.
fn attrdef_oid(table: &str, attnum: &str) -> String {
    format!(
        "({base} + (({table} - 16384) % 524288) * 4096 + 2048 + min({attnum}, 2047))",
        base = derived::DERIVED_BASE
    )
}

fn attrdef_sql() -> String {
    format!(
        "SELECT {oid}, \
           a.attrelid, a.attnum, {f}(a.attdefault, a.atttypid, a.atttypmod) \
         FROM main.minipg_attribute a WHERE a.attdefault IS NOT NULL",
        oid = attrdef_oid("a.attrelid", "a.attnum"),
        f = super::functions::DEPARSE_DEFAULT,
    )
}

// ---- helpers for Rust sources ----

fn int(v: impl Into<i64>) -> Cell {
    Cell::Integer(v.into())
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn boolean(b: bool) -> Cell {
    Cell::Integer(i64::from(b))
}

fn filter_int(filters: &[(usize, Cell)], col: usize) -> Option<i64> {
    filters.iter().find_map(|(c, v)| match (c, v) {
        (c, Cell::Integer(i)) if *c == col => Some(*i),
        _ => None,
    })
}

fn filter_text(filters: &[(usize, Cell)], col: usize) -> Option<&str> {
    filters.iter().find_map(|(c, v)| match (c, v) {
        (c, Cell::Text(t)) if *c == col => Some(t.as_str()),
        _ => None,
    })
}

fn json_ints(v: &[i16]) -> Cell {
    Cell::Text(format!(
        "[{}]",
        v.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    ))
}

/// The data directory and database of the connection's file (`base/<db>/<db>.sqlite`).
fn file_location(conn: &Connection) -> Option<(PathBuf, String)> {
    let path = Path::new(conn.path()?);
    let db_dir = path.parent()?;
    let db = db_dir.file_name()?.to_str()?.to_string();
    let data_dir = db_dir.parent()?.parent()?.to_path_buf();
    Some((data_dir, db))
}

fn fnv1a(s: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in s.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// A database's OID (module doc).
pub(crate) fn database_oid(name: &str) -> u32 {
    if name == crate::DEFAULT_DATABASE {
        5
    } else {
        0x7e00_0000 + (fnv1a(name) & 0x00ff_ffff)
    }
}

/// The tables a scan needs: only the one its constraint names, if any.
fn tables_for(conn: &Connection, table: Option<i64>) -> rusqlite::Result<Vec<Rc<Table>>> {
    match table {
        Some(t) => match u32::try_from(t) {
            Ok(t) => derived::tables(conn, Some(t)),
            Err(_) => Ok(Vec::new()),
        },
        None => derived::tables(conn, None),
    }
}

// ---- pg_type ----

/// `pg_type.typalign` for a type (PostgreSQL's alignment of its values).
fn typalign(t: &TypeInfo) -> &'static str {
    match t.len {
        1 | -2 => "c",
        2 => "s",
        8 => "d",
        16 if t.oid == Type::INTERVAL.oid() => "d",
        16 => "c",
        64 => "c",
        _ if matches!(t.elem, 20 | 701 | 1114 | 1184 | 1186 | 1083) => "d",
        _ => "i",
    }
}

fn typstorage(t: &TypeInfo) -> &'static str {
    if t.len > 0 || t.len == -2 {
        "p"
    } else if t.oid == Type::NUMERIC.oid() {
        "m"
    } else {
        "x"
    }
}

/// The collation of a type's values: `default` for the character types, `C` for `name`.
pub(crate) fn typcollation(oid: u32) -> i64 {
    let base = Type(oid).elem().map_or(oid, |e| e.oid());
    match Type(base) {
        Type::TEXT | Type::VARCHAR | Type::BPCHAR => 100,
        Type::NAME => 950,
        _ => 0,
    }
}

fn type_row(t: &TypeInfo) -> Vec<Cell> {
    let pseudo = matches!(t.category, Category::Pseudo) || t.storage == Storage::None;
    // Fixed-length "arrays" PostgreSQL subscripts though they are no array types.
    let elem = match Type(t.oid) {
        Type::NAME => Type::CHAR.oid(),
        Type::INT2VECTOR => Type::INT2.oid(),
        Type::OIDVECTOR => Type::OID.oid(),
        _ => t.elem,
    };
    let storage = match Type(t.oid) {
        Type::INT2VECTOR | Type::OIDVECTOR => "p",
        _ => typstorage(t),
    };
    vec![
        int(t.oid),
        text(t.name),
        int(11),
        int(BOOTSTRAP_SUPERUSER),
        int(t.len),
        boolean(t.by_val),
        text(if pseudo || t.oid == Type::UNKNOWN.oid() {
            "p"
        } else {
            "b"
        }),
        text(t.category.code().to_string()),
        boolean(t.preferred),
        boolean(true),
        text(","),
        int(0),
        int(0),
        int(elem),
        int(t.array),
        int(0),
        int(0),
        int(0),
        int(0),
        int(0),
        int(0),
        int(0),
        text(typalign(t)),
        text(storage),
        boolean(false),
        int(0),
        int(-1),
        int(0),
        int(typcollation(t.oid)),
        Cell::Null,
        Cell::Null,
        Cell::Null,
    ]
}

fn type_rows(_: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let oid = filter_int(filters, 0);
    let name = filter_text(filters, 1);
    Ok(sql::types::all_types()
        .filter(|t| oid.is_none_or(|o| i64::from(t.oid) == o))
        .filter(|t| name.is_none_or(|n| t.name == n))
        .map(type_row)
        .collect())
}

// ---- pg_proc ----

fn proc_rows(_: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let oid = filter_int(filters, 0);
    let name = filter_text(filters, 1);
    let mut out = Vec::new();
    for (poid, b) in procs() {
        if oid.is_some_and(|o| o != i64::from(poid)) || name.is_some_and(|n| n != b.name) {
            continue;
        }
        let args = proargtypes(b);
        let setof = b.kind == Kind::SetReturning;
        let ret = if setof && !b.out_columns.is_empty() {
            Type::RECORD
        } else {
            b.ret
        };
        out.push(vec![
            int(poid),
            text(b.name),
            int(11),
            int(BOOTSTRAP_SUPERUSER),
            int(12),
            Cell::Real(1.0),
            Cell::Real(if setof { 1000.0 } else { 0.0 }),
            int(if b.variadic {
                b.args.last().map_or(0, |t| t.oid())
            } else {
                0
            }),
            int(0),
            text(match b.kind {
                Kind::Aggregate => "a",
                Kind::Window => "w",
                _ => "f",
            }),
            boolean(false),
            boolean(false),
            boolean(b.strict),
            boolean(setof),
            text(match b.volatility {
                Volatility::Immutable => "i",
                Volatility::Stable => "s",
                Volatility::Volatile => "v",
            }),
            text("s"),
            int(i64::try_from(args.len()).unwrap_or(0)),
            int(0),
            int(ret.oid()),
            text(
                args.iter()
                    .map(|t| t.oid().to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Cell::Null,
            Cell::Null,
            Cell::Null,
            Cell::Null,
            Cell::Null,
            text(b.name),
            Cell::Null,
            Cell::Null,
            Cell::Null,
            Cell::Null,
        ]);
    }
    Ok(out)
}

// ---- pg_index, pg_constraint and their helpers ----

fn index_rows(conn: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let table = match (filter_int(filters, 1), filter_int(filters, 0)) {
        (Some(t), _) => Some(t),
        (None, Some(i)) => match u32::try_from(i) {
            Ok(i) => match derived::table_of_object(conn, i)? {
                Some(t) => Some(i64::from(t)),
                None => return Ok(Vec::new()),
            },
            Err(_) => return Ok(Vec::new()),
        },
        (None, None) => None,
    };
    let mut out = Vec::new();
    for t in tables_for(conn, table)? {
        for idx in &t.indexes {
            let n = i64::try_from(idx.keys.len()).unwrap_or(0);
            let exprs: Vec<String> = idx
                .keys
                .iter()
                .filter_map(|k| {
                    k.expr
                        .as_ref()
                        .map(|e| super::deparse::sqlite_expr(e, &t.column_types(), true))
                })
                .collect();
            out.push(vec![
                int(idx.oid),
                int(t.oid),
                int(n),
                int(n),
                boolean(idx.unique),
                boolean(false),
                boolean(idx.primary),
                boolean(false),
                boolean(true),
                boolean(false),
                boolean(true),
                boolean(false),
                boolean(true),
                boolean(true),
                boolean(false),
                text(derived::indkey(idx)),
                text(
                    idx.keys
                        .iter()
                        .map(|k| {
                            let ty = t
                                .columns
                                .iter()
                                .find(|c| c.attnum == k.attnum)
                                .map_or(0, |c| c.ty.oid());
                            typcollation(ty).to_string()
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                text(vec!["0"; idx.keys.len()].join(" ")),
                text(
                    idx.keys
                        .iter()
                        .map(|k| if k.desc { "3" } else { "0" })
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                if exprs.is_empty() {
                    Cell::Null
                } else {
                    text(exprs.join(", "))
                },
                match &idx.predicate {
                    Some(p) => text(super::deparse::sqlite_expr(p, &t.column_types(), true)),
                    None => Cell::Null,
                },
            ]);
        }
    }
    Ok(out)
}

/// The table a scan of derived rows (constraints, their indexes) is limited to: the filter on
/// column `table_col`, else the owner of the row the OID filter names; `None` when that OID
/// belongs to no derived row (nothing matches).
fn derived_rows_table(filters: &[(usize, Cell)], table_col: usize) -> Option<Option<i64>> {
    match (filter_int(filters, table_col), filter_int(filters, 0)) {
        (Some(t), _) => Some(Some(t)),
        (None, Some(oid)) => {
            let (table, _) = u32::try_from(oid).ok().and_then(derived::derived_owner)?;
            Some(Some(i64::from(table)))
        }
        (None, None) => Some(None),
    }
}

fn constraint_rows(conn: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let Some(table) = derived_rows_table(filters, 7) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for t in tables_for(conn, table)? {
        for c in &t.constraints {
            let (confrelid, confkey) = match &c.fk {
                Some(fk) => {
                    let ref_oid = derived::referenced_oid(conn, fk)?;
                    let ref_cols: Vec<i16> = match u32::try_from(ref_oid).ok() {
                        Some(r) => {
                            let cols: HashMap<String, i16> = conn
                                .prepare_cached(
                                    "SELECT attname, attnum FROM main.minipg_attribute \
                                     WHERE attrelid = ?1",
                                )?
                                .query_map([i64::from(r)], |row| {
                                    Ok((
                                        row.get::<_, String>(0)?,
                                        i16::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
                                    ))
                                })?
                                .collect::<rusqlite::Result<_>>()?;
                            fk.columns
                                .iter()
                                .map(|n| cols.get(n).copied().unwrap_or(0))
                                .collect()
                        }
                        None => Vec::new(),
                    };
                    (ref_oid, json_ints(&ref_cols))
                }
                None => (0, Cell::Null),
            };
            let (upd, del, mat) = match &c.fk {
                Some(fk) => (fk.on_update.to_string(), fk.on_delete.to_string(), "s"),
                None => (" ".to_string(), " ".to_string(), " "),
            };
            out.push(vec![
                int(c.oid),
                text(c.name.clone()),
                int(t.namespace),
                text(c.kind.to_string()),
                boolean(c.deferrable),
                boolean(c.deferred),
                boolean(true),
                int(t.oid),
                int(0),
                int(c.index),
                int(0),
                int(confrelid),
                text(upd),
                text(del),
                text(mat),
                boolean(true),
                int(0),
                boolean(false),
                json_ints(&c.columns),
                confkey,
                Cell::Null,
                Cell::Null,
                Cell::Null,
                Cell::Null,
                Cell::Null,
                match &c.check {
                    Some(e) => text(super::deparse::sqlite_expr(e, &t.column_types(), true)),
                    None => Cell::Null,
                },
            ]);
        }
    }
    Ok(out)
}

fn constraint_index_rows(conn: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let Some(table) = derived_rows_table(filters, 3) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for t in tables_for(conn, table)? {
        for idx in t.indexes.iter().filter(|i| i.constraint.is_some()) {
            out.push(vec![
                int(idx.oid),
                text(idx.name.clone()),
                int(t.namespace),
                int(t.oid),
                int(i64::try_from(idx.keys.len()).unwrap_or(0)),
            ]);
        }
    }
    Ok(out)
}

/// The columns of indexes (`pg_attribute` rows whose `attrelid` is an index): a key column
/// keeps its table column's name and type, an expression is `expr`, `expr1`, … as in
/// PostgreSQL.
fn index_attribute_rows(conn: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let (table, only) = match filter_int(filters, 0).map(u32::try_from) {
        Some(Ok(i)) => match derived::table_of_object(conn, i)? {
            Some(t) => (Some(i64::from(t)), Some(i)),
            None => return Ok(Vec::new()),
        },
        Some(Err(_)) => return Ok(Vec::new()),
        None => (None, None),
    };
    let mut out = Vec::new();
    for t in tables_for(conn, table)? {
        for idx in t.indexes.iter().filter(|i| only.is_none_or(|o| o == i.oid)) {
            let mut used: Vec<String> = Vec::new();
            for (n, k) in idx.keys.iter().enumerate() {
                let (name, ty, typmod) = match t.columns.iter().find(|c| c.attnum == k.attnum) {
                    Some(c) if k.expr.is_none() => (c.name.clone(), c.ty, c.typmod),
                    _ => {
                        let (ty, base) =
                            k.expr.as_deref().map_or((None, "expr".to_string()), |e| {
                                super::deparse::sqlite_expr_type(e, &t.column_types())
                            });
                        // Repeated names get a number, as PostgreSQL's do.
                        let mut name = base.clone();
                        let mut i = 0;
                        while used.contains(&name) {
                            i += 1;
                            name = format!("{base}{i}");
                        }
                        (name, ty.unwrap_or(Type::TEXT), -1)
                    }
                };
                used.push(name.clone());
                out.push(vec![
                    int(idx.oid),
                    text(name),
                    int(ty.oid()),
                    int(i64::try_from(n + 1).unwrap_or(0)),
                    int(typmod),
                ]);
            }
        }
    }
    Ok(out)
}

fn system_class_rows(_: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let oid = filter_int(filters, 0);
    Ok(super::all()
        .iter()
        .filter(|r| r.schema != Namespace::MinipgCatalog)
        .filter(|r| oid.is_none_or(|o| o == i64::from(r.oid)))
        .map(|r: &SystemRelation| {
            vec![
                int(r.oid),
                text(r.name),
                int(r.schema.oid()),
                text(r.relkind.to_string()),
                int(i64::try_from(r.columns.len()).unwrap_or(0)),
            ]
        })
        .collect())
}

fn system_attribute_rows(_: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let oid = filter_int(filters, 0);
    let mut out = Vec::new();
    for r in super::all()
        .iter()
        .filter(|r| r.schema != Namespace::MinipgCatalog)
        .filter(|r| oid.is_none_or(|o| o == i64::from(r.oid)))
    {
        for (i, c) in r.columns.iter().enumerate() {
            out.push(vec![
                int(r.oid),
                text(c.name.clone()),
                int(c.ty.oid()),
                int(i64::try_from(i + 1).unwrap_or(0)),
                int(c.typmod),
            ]);
        }
    }
    Ok(out)
}

// ---- settings, databases, server views ----

fn settings_rows(_: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let wanted = filter_text(filters, 0);
    let mut out = Vec::new();
    let mut all = guc::show_all();
    // PostgreSQL lists settings in case-insensitive name order.
    all.sort_by_key(|(name, _, _)| name.to_lowercase());
    for (name, setting, description) in all {
        if wanted.is_some_and(|w| w != name) {
            continue;
        }
        let source = match guc::source(&name) {
            Ok(guc::GucSource::Default) | Err(_) => "default",
            Ok(guc::GucSource::Environment) => "environment variable",
            Ok(guc::GucSource::ConfigFile) => "configuration file",
            Ok(guc::GucSource::CommandLine) => "command line",
            Ok(guc::GucSource::Session) => "session",
        };
        let vartype = match setting.as_str() {
            "on" | "off" => "bool",
            s if s.parse::<i64>().is_ok() => "integer",
            s if s.parse::<f64>().is_ok() => "real",
            _ => "string",
        };
        let context = guc::context_name(&name).unwrap_or("user");
        out.push(vec![
            text(name),
            text(setting.clone()),
            Cell::Null,
            Cell::Null,
            text(description),
            Cell::Null,
            text(context),
            text(vartype),
            text(source),
            Cell::Null,
            Cell::Null,
            Cell::Null,
            Cell::Null,
            text(setting),
            Cell::Null,
            Cell::Null,
            boolean(false),
        ]);
    }
    Ok(out)
}

fn database_rows(conn: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let Some((data_dir, _)) = file_location(conn) else {
        return Ok(Vec::new());
    };
    let names = crate::list_databases(&data_dir).unwrap_or_default();
    let oid = filter_int(filters, 0);
    let name = filter_text(filters, 1);
    Ok(names
        .into_iter()
        .filter(|n| name.is_none_or(|w| w == n))
        .filter(|n| oid.is_none_or(|o| o == i64::from(database_oid(n))))
        .map(|n| {
            vec![
                int(database_oid(&n)),
                text(n.clone()),
                int(crate::privileges::database_owner(&n)),
                int(6),
                text("c"),
                boolean(false),
                boolean(true),
                int(-1),
                int(0),
                int(1),
                int(1663),
                text("C"),
                text("C"),
                Cell::Null,
                Cell::Null,
                crate::privileges::database_acl(&n).map_or(Cell::Null, Cell::Text),
            ]
        })
        .collect())
}

fn activity_rows(_: &Connection, _: &[(usize, Cell)]) -> Rows {
    Ok(crate::catalog::views::activity_rows())
}

fn hba_file_rules_rows(_: &Connection, _: &[(usize, Cell)]) -> Rows {
    crate::privileges::superuser_only("view pg_hba_file_rules")?;
    Ok(crate::catalog::views::hba_file_rules_rows())
}

fn ssl_rows(_: &Connection, _: &[(usize, Cell)]) -> Rows {
    Ok(crate::catalog::views::ssl_rows())
}

fn bgworker_rows(_: &Connection, _: &[(usize, Cell)]) -> Rows {
    Ok(crate::catalog::views::bgworker_rows())
}

fn autovacuum_rows(_: &Connection, _: &[(usize, Cell)]) -> Rows {
    Ok(crate::catalog::views::autovacuum_rows())
}

// ---- information_schema ----

fn current_database(conn: &Connection) -> String {
    file_location(conn).map_or_else(|| crate::DEFAULT_DATABASE.to_string(), |(_, db)| db)
}

fn yes_no(b: bool) -> Cell {
    text(if b { "YES" } else { "NO" })
}

/// `information_schema.columns` type facts: (data_type, character_maximum_length,
/// character_octet_length, numeric_precision, numeric_precision_radix, numeric_scale,
/// datetime_precision).
fn column_facts(ty: Type, typmod: i32) -> [Cell; 7] {
    let null = || Cell::Null;
    let data_type = if ty.is_array() {
        "ARRAY".to_string()
    } else {
        format_type_text(ty.oid(), None)
    };
    let (char_len, octet_len) = match ty {
        Type::VARCHAR | Type::BPCHAR if typmod >= 4 => {
            (int(typmod - 4), int(i64::from(typmod - 4) * 4))
        }
        Type::VARCHAR | Type::BPCHAR | Type::TEXT => (null(), int(1_073_741_824)),
        _ => (null(), null()),
    };
    let (precision, radix, scale) = match ty {
        Type::INT2 => (int(16), int(2), int(0)),
        Type::INT4 => (int(32), int(2), int(0)),
        Type::INT8 => (int(64), int(2), int(0)),
        Type::FLOAT4 => (int(24), int(2), null()),
        Type::FLOAT8 => (int(53), int(2), null()),
        Type::NUMERIC => match sql::types::numeric_precision_scale(typmod) {
            Some((p, s)) => (int(p), int(10), int(s)),
            None => (null(), int(10), null()),
        },
        _ => (null(), null(), null()),
    };
    let datetime = match ty {
        Type::DATE => int(0),
        Type::TIME | Type::TIMESTAMP | Type::TIMESTAMPTZ => {
            int(if typmod >= 0 { typmod } else { 6 })
        }
        Type::INTERVAL => int(if typmod >= 0 { typmod & 0xffff } else { 6 }),
        _ => null(),
    };
    [
        text(data_type),
        char_len,
        octet_len,
        precision,
        radix,
        scale,
        datetime,
    ]
}

#[expect(
    clippy::too_many_arguments,
    reason = "one information_schema.columns row"
)]
fn info_column_row(
    db: &str,
    schema: &str,
    table: &str,
    name: &str,
    attnum: i64,
    ty: Type,
    typmod: i32,
    not_null: bool,
    default: Option<String>,
    updatable: bool,
) -> Vec<Cell> {
    let type_name = sql::types::Type::lookup(ty.oid()).map_or("", |t| t.name);
    let mut row = vec![
        text(db),
        text(schema),
        text(table),
        text(name),
        int(attnum),
        default.map_or(Cell::Null, text),
        yes_no(!not_null),
    ];
    // data_type … datetime_precision.
    row.extend(column_facts(ty, typmod));
    // interval_type … domain_name.
    row.extend(std::iter::repeat_n(Cell::Null, 11));
    row.extend([
        text(db),
        text("pg_catalog"),
        text(type_name),
        Cell::Null,
        Cell::Null,
        Cell::Null,
        Cell::Null,
        text(attnum.to_string()),
        text("NO"),
        text("NO"),
        Cell::Null,
        Cell::Null,
        Cell::Null,
        Cell::Null,
        Cell::Null,
        text("NO"),
        text("NEVER"),
        Cell::Null,
        yes_no(updatable),
    ]);
    row
}

fn info_columns_rows(conn: &Connection, filters: &[(usize, Cell)]) -> Rows {
    let db = current_database(conn);
    let want_schema = filter_text(filters, 1);
    let want_table = filter_text(filters, 2);
    let mut out = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT c.oid, c.relnamespace, c.relname, c.relkind, a.attname, a.attnum, a.atttypid, \
           a.atttypmod, a.attnotnull, a.attdefault \
         FROM main.minipg_class c JOIN main.minipg_attribute a ON a.attrelid = c.oid \
         WHERE c.relkind IN ('r', 'v') AND (?1 IS NULL OR c.relnamespace = ?1) \
           AND (?2 IS NULL OR c.relname = ?2) \
         ORDER BY c.oid, a.attnum",
    )?;
    let rows = stmt.query_map(rusqlite::params![want_schema, want_table], |r| {
        Ok((
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
            r.get::<_, i64>(6)?,
            r.get::<_, i64>(7)?,
            r.get::<_, i64>(8)?,
            r.get::<_, Option<String>>(9)?,
        ))
    })?;
    for row in rows {
        let (schema, table, kind, name, attnum, ty, typmod, not_null, default) = row?;
        let ty = Type(u32::try_from(ty).unwrap_or(0));
        let typmod = i32::try_from(typmod).unwrap_or(-1);
        let default = default.map(|d| super::deparse::default_expr(&d, ty, typmod, &[]));
        out.push(info_column_row(
            &db,
            &schema,
            &table,
            &name,
            attnum,
            ty,
            typmod,
            not_null != 0,
            default,
            kind == "r",
        ));
    }
    for r in super::all()
        .iter()
        .filter(|r| r.schema != Namespace::MinipgCatalog)
        .filter(|r| want_schema.is_none_or(|s| s == r.schema.name()))
        .filter(|r| want_table.is_none_or(|t| t == r.name))
    {
        for (i, c) in r.columns.iter().enumerate() {
            out.push(info_column_row(
                &db,
                r.schema.name(),
                r.name,
                &c.name,
                i64::try_from(i + 1).unwrap_or(0),
                c.ty,
                c.typmod,
                false,
                None,
                false,
            ));
        }
    }
    Ok(out)
}

fn constraint_type(kind: char) -> &'static str {
    match kind {
        'p' => "PRIMARY KEY",
        'u' => "UNIQUE",
        'f' => "FOREIGN KEY",
        _ => "CHECK",
    }
}

fn table_constraints_rows(conn: &Connection, _: &[(usize, Cell)]) -> Rows {
    let db = current_database(conn);
    let mut out = Vec::new();
    for t in derived::tables(conn, None)? {
        let row = |name: String, kind: &str, nulls: Cell, deferrable: bool, deferred: bool| {
            vec![
                text(db.clone()),
                text(t.schema.clone()),
                text(name),
                text(db.clone()),
                text(t.schema.clone()),
                text(t.name.clone()),
                text(kind),
                yes_no(deferrable),
                yes_no(deferred),
                text("YES"),
                nulls,
            ]
        };
        for c in &t.constraints {
            let nulls = if c.kind == 'u' {
                text("YES")
            } else {
                Cell::Null
            };
            out.push(row(
                c.name.clone(),
                constraint_type(c.kind),
                nulls,
                c.deferrable,
                c.deferred,
            ));
        }
        // PostgreSQL lists each NOT NULL column as a CHECK constraint of its own.
        for col in t.columns.iter().filter(|c| c.not_null) {
            out.push(row(
                format!("{}_{}_{}_not_null", t.namespace, t.oid, col.attnum),
                "CHECK",
                Cell::Null,
                false,
                false,
            ));
        }
    }
    Ok(out)
}

fn key_column_usage_rows(conn: &Connection, _: &[(usize, Cell)]) -> Rows {
    let db = current_database(conn);
    let mut out = Vec::new();
    let tables = derived::tables(conn, None)?;
    for t in &tables {
        for c in t
            .constraints
            .iter()
            .filter(|c| matches!(c.kind, 'p' | 'u' | 'f'))
        {
            for (i, attnum) in c.columns.iter().enumerate() {
                let column = t
                    .columns
                    .iter()
                    .find(|col| col.attnum == *attnum)
                    .map_or_else(String::new, |col| col.name.clone());
                let position = i64::try_from(i + 1).unwrap_or(0);
                let in_unique = match &c.fk {
                    Some(_) => int(position),
                    None => Cell::Null,
                };
                out.push(vec![
                    text(db.clone()),
                    text(t.schema.clone()),
                    text(c.name.clone()),
                    text(db.clone()),
                    text(t.schema.clone()),
                    text(t.name.clone()),
                    text(column),
                    int(position),
                    in_unique,
                ]);
            }
        }
    }
    Ok(out)
}
