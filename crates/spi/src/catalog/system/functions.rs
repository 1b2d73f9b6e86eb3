//! The bodies of the catalog's host functions (`sql::func::catalog::symbol`): relation and
//! schema names ↔ OIDs (`regclass`, `regnamespace`, `to_regclass`), visibility along the
//! search path, `pg_get_indexdef`/`pg_get_constraintdef`/`pg_get_viewdef`, relation sizes,
//! the privilege checks, `current_schemas` — and the helpers the catalog relations' queries
//! call (`DEPARSE_DEFAULT`, the pure `reg*` I/O of `sql::func::catalog::REG_IO`).
//!
//! A host function reads the database through the connection that calls it (SQLite allows a
//! function to run statements on its own connection; they see the caller's snapshot).
//!
//! Invariants: strict functions return NULL for a NULL argument without looking further; an
//! OID that names nothing gives NULL (as PostgreSQL's do), a name that names nothing the
//! error PostgreSQL raises. The privilege functions' answers are `privileges`'. Never: writes
//! the database.

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value as Cell, ValueRef};
use rusqlite::{Connection, OptionalExtension, params};
use sql::func::catalog::{self as fc, symbol};
use sql::{SqlError, sqlstate};

use super::derived;
use crate::catalog::relations::search_path_names;
use crate::catalog::{BUILTIN_SCHEMAS, is_schema};
use crate::connection::SessionUser;
use crate::privileges::{self, Asked, AskedObject};
use crate::runtime::{raise, with_env};

/// `pg_minipg_deparse_default(text, type oid, typmod)`: a stored default as `pg_get_expr`
/// shows it (used by `pg_attrdef`).
pub(crate) const DEPARSE_DEFAULT: &str = "pg_minipg_deparse_default";

fn text_of(v: ValueRef<'_>) -> Option<String> {
    match v {
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        _ => None,
    }
}

fn int_of(v: ValueRef<'_>) -> Option<i64> {
    match v {
        ValueRef::Integer(i) => Some(i),
        ValueRef::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

fn oid_of(v: ValueRef<'_>) -> Option<u32> {
    int_of(v).and_then(|i| u32::try_from(i).ok())
}

fn any_null(ctx: &Context<'_>) -> bool {
    (0..ctx.len()).any(|i| matches!(ctx.get_raw(i), ValueRef::Null))
}

/// Registers the helpers the catalog relations' queries call (on every connection).
/// The helper giving `pg_class.relowner` of a user relation.
pub(crate) const RELOWNER: &str = "minipg_relowner";
/// The helper giving `pg_class.relacl` of a user relation.
pub(crate) const RELACL: &str = "minipg_relacl";
/// The helpers giving `pg_namespace.nspowner` and `nspacl` of a schema.
pub(crate) const NSPOWNER: &str = "minipg_nspowner";
pub(crate) const NSPACL: &str = "minipg_nspacl";

/// Registers helper `name(oid)` answering `f` on the calling connection.
fn by_oid<T: rusqlite::ToSql + 'static>(
    conn: &Connection,
    name: &str,
    f: fn(&Connection, u32) -> T,
) -> rusqlite::Result<()> {
    conn.create_scalar_function(name, 1, FunctionFlags::SQLITE_UTF8, move |ctx| {
        let oid = oid_of(ctx.get_raw(0)).unwrap_or(0);
        with_conn(ctx, |c| Ok(f(c, oid)))
    })
}

pub(crate) fn register_helpers(conn: &Connection) -> rusqlite::Result<()> {
    let deterministic = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;
    conn.create_scalar_function(DEPARSE_DEFAULT, 3, deterministic, |ctx| {
        let Some(text) = text_of(ctx.get_raw(0)) else {
            return Ok(None);
        };
        let ty = sql::Type(oid_of(ctx.get_raw(1)).unwrap_or(0));
        let typmod = int_of(ctx.get_raw(2))
            .and_then(|t| i32::try_from(t).ok())
            .unwrap_or(-1);
        Ok(Some(super::deparse::default_expr(&text, ty, typmod, &[])))
    })?;
    // pg_class.relowner/relacl and pg_namespace.nspowner/nspacl (see `privileges`).
    by_oid(conn, RELOWNER, |c, oid| {
        i64::from(privileges::owner_of(c, oid))
    })?;
    by_oid(conn, NSPOWNER, |c, oid| {
        i64::from(privileges::schema_owner(c, oid))
    })?;
    by_oid(conn, RELACL, privileges::acl_array)?;
    by_oid(conn, NSPACL, privileges::schema_acl)?;
    for (name, f) in fc::REG_IO.iter().chain(fc::CAST_FUNCTIONS) {
        let f = *f;
        conn.create_scalar_function(*name, -1, deterministic, move |ctx| {
            let args: Vec<sql::Value> = (0..ctx.len())
                .map(|i| crate::runtime::from_ref(ctx.get_raw(i)))
                .collect();
            if args.iter().any(sql::Value::is_null) {
                return Ok(Cell::Null);
            }
            match with_env(|env| f(env, &args)) {
                Ok(v) => Ok(to_cell(v)),
                Err(e) => Err(raise(e)),
            }
        })?;
    }
    Ok(())
}

fn to_cell(v: sql::Value) -> Cell {
    match v {
        sql::Value::Null => Cell::Null,
        sql::Value::Int(i) => Cell::Integer(i),
        sql::Value::Float(f) => Cell::Real(f),
        sql::Value::Text(t) => Cell::Text(t),
        sql::Value::Bytes(b) => Cell::Blob(b),
    }
}

/// Runs `f` with the connection calling the function.
fn with_conn<T>(
    ctx: &Context<'_>,
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    // SAFETY: the reference is used only during this call, on the thread SQLite called the
    // function on, and is not kept or sent anywhere.
    let conn = unsafe { ctx.get_connection() }?;
    f(&conn)
}

/// Registers the catalog's host functions for a session of `user` on `database`.
pub(crate) fn register(
    conn: &Connection,
    database: &str,
    user: &SessionUser,
) -> rusqlite::Result<()> {
    let stable = FunctionFlags::SQLITE_UTF8;
    // Name look-ups are constant within a statement: deterministic lets SQLite run them once.
    let once = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC;

    let u = user.clone();
    conn.create_scalar_function(symbol::TABLE_IS_VISIBLE, 1, stable, move |ctx| {
        let Some(oid) = oid_of(ctx.get_raw(0)) else {
            return Ok(None);
        };
        with_conn(ctx, |c| table_is_visible(c, &u.get(), oid))
    })?;
    let u = user.clone();
    conn.create_scalar_function(symbol::GET_INDEXDEF, -1, stable, move |ctx| {
        let Some(oid) = oid_of(ctx.get_raw(0)) else {
            return Ok(None);
        };
        let column = if ctx.len() > 1 {
            int_of(ctx.get_raw(1)).unwrap_or(0)
        } else {
            0
        };
        let pretty = ctx.len() > 2 && int_of(ctx.get_raw(2)).unwrap_or(0) != 0;
        with_conn(ctx, |c| index_def(c, &u.get(), oid, column, pretty))
    })?;
    let u = user.clone();
    conn.create_scalar_function(symbol::GET_CONSTRAINTDEF, -1, stable, move |ctx| {
        let Some(oid) = oid_of(ctx.get_raw(0)) else {
            return Ok(None);
        };
        let pretty = ctx.len() > 1 && int_of(ctx.get_raw(1)).unwrap_or(0) != 0;
        with_conn(ctx, |c| constraint_def(c, &u.get(), oid, pretty))
    })?;
    let u = user.clone();
    conn.create_scalar_function(symbol::GET_VIEWDEF, -1, stable, move |ctx| {
        let Some(oid) = oid_of(ctx.get_raw(0)) else {
            return Ok(None);
        };
        let pretty = ctx.len() > 1 && int_of(ctx.get_raw(1)).unwrap_or(0) != 0;
        with_conn(ctx, |c| view_def(c, &u.get(), oid, pretty))
    })?;
    for (sym, what) in [
        (symbol::RELATION_SIZE, Size::Relation),
        (symbol::TOTAL_RELATION_SIZE, Size::Total),
        (symbol::TABLE_SIZE, Size::Table),
        (symbol::INDEXES_SIZE, Size::Indexes),
    ] {
        conn.create_scalar_function(sym, -1, stable, move |ctx| {
            if any_null(ctx) {
                return Ok(None);
            }
            let Some(oid) = oid_of(ctx.get_raw(0)) else {
                return Ok(None);
            };
            let fork = if ctx.len() > 1 {
                text_of(ctx.get_raw(1)).unwrap_or_default()
            } else {
                "main".to_string()
            };
            if !matches!(fork.as_str(), "main" | "fsm" | "vm" | "init") {
                return Err(raise(
                    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, "invalid fork name")
                        .with_hint("Valid fork names are \"main\", \"fsm\", \"vm\", and \"init\"."),
                ));
            }
            if fork != "main" {
                return Ok(Some(0));
            }
            with_conn(ctx, |c| relation_size(c, oid, what))
        })?;
    }
    let db = database.to_string();
    conn.create_scalar_function(symbol::DATABASE_SIZE, 1, stable, move |ctx| {
        let name = match ctx.get_raw(0) {
            ValueRef::Null => return Ok(None),
            ValueRef::Integer(oid) => {
                let found = with_conn(ctx, |c| Ok(database_by_oid(c, oid)))?;
                match found {
                    Some(n) => n,
                    None => return Ok(None),
                }
            }
            v => text_of(v).unwrap_or_default(),
        };
        with_conn(ctx, |c| database_size(c, &db, &name)).map(Some)
    })?;
    for (symbol, asked, column) in [
        (symbol::HAS_TABLE_PRIVILEGE, Asked::Table, false),
        (symbol::HAS_SEQUENCE_PRIVILEGE, Asked::Sequence, false),
        (symbol::HAS_COLUMN_PRIVILEGE, Asked::Column, true),
        (symbol::HAS_ANY_COLUMN_PRIVILEGE, Asked::Column, false),
        (symbol::HAS_SCHEMA_PRIVILEGE, Asked::Schema, false),
        (symbol::HAS_DATABASE_PRIVILEGE, Asked::Database, false),
        (symbol::PG_HAS_ROLE, Asked::Role, false),
    ] {
        let u = user.clone();
        conn.create_scalar_function(symbol, -1, stable, move |ctx| {
            privilege(ctx, &u.get(), asked, column)
        })?;
    }
    let u = user.clone();
    conn.create_scalar_function(symbol::CURRENT_SCHEMAS, 1, stable, move |ctx| {
        let implicit = match ctx.get_raw(0) {
            ValueRef::Null => return Ok(None),
            v => int_of(v).unwrap_or(0) != 0,
        };
        with_conn(ctx, |c| {
            let mut names = Vec::new();
            if implicit {
                names.push("pg_catalog".to_string());
            }
            for s in search_path_names(&u.get()) {
                if s != "pg_catalog" && is_schema(c, &s) && !names.contains(&s) {
                    names.push(s);
                }
            }
            let quoted: Vec<String> = names
                .iter()
                .map(|n| format!("\"{}\"", n.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            Ok(Some(format!("[{}]", quoted.join(","))))
        })
    })?;
    let u = user.clone();
    conn.create_scalar_function(symbol::TO_REGCLASS, 1, once, move |ctx| {
        let Some(name) = text_of(ctx.get_raw(0)) else {
            return Ok(None);
        };
        // Only "not found" is NULL: a malformed name is still an error, as in PostgreSQL.
        match with_conn(ctx, |c| Ok(regclass_in(c, &u.get(), &name)))? {
            Ok(oid) => Ok(oid.map(i64::from)),
            Err(e) => Err(raise(e)),
        }
    })?;
    let u = user.clone();
    conn.create_scalar_function(symbol::REGCLASS_IN, 1, once, move |ctx| {
        let Some(name) = text_of(ctx.get_raw(0)) else {
            return Ok(None);
        };
        match with_conn(ctx, |c| Ok(regclass_in(c, &u.get(), &name)))? {
            Ok(Some(oid)) => Ok(Some(i64::from(oid))),
            Ok(None) => Err(raise(SqlError::new(
                sqlstate::UNDEFINED_TABLE,
                format!(
                    "relation \"{}\" does not exist",
                    fc::parse_qualified_name(&name)
                        .map_or_else(|_| name.trim().to_string(), |p| p.join("."))
                ),
            ))),
            Err(e) => Err(raise(e)),
        }
    })?;
    let u = user.clone();
    conn.create_scalar_function(symbol::REGCLASS_OUT, 1, stable, move |ctx| {
        match ctx.get_raw(0) {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(0) => Ok(Some("-".to_string())),
            ValueRef::Integer(i) => {
                let Ok(oid) = u32::try_from(i) else {
                    return Ok(Some(i.to_string()));
                };
                with_conn(ctx, |c| {
                    Ok(Some(
                        regclass_out(c, &u.get(), oid)?.unwrap_or_else(|| oid.to_string()),
                    ))
                })
            }
            v => Ok(text_of(v)),
        }
    })?;
    conn.create_scalar_function(symbol::TO_REGNAMESPACE, 1, once, |ctx| {
        let Some(name) = text_of(ctx.get_raw(0)) else {
            return Ok(None);
        };
        with_conn(ctx, |c| Ok(regnamespace_in(c, &name).ok().flatten()))
    })?;
    conn.create_scalar_function(symbol::REGNAMESPACE_IN, 1, once, |ctx| {
        let Some(name) = text_of(ctx.get_raw(0)) else {
            return Ok(None);
        };
        match with_conn(ctx, |c| Ok(regnamespace_in(c, &name)))? {
            Ok(Some(oid)) => Ok(Some(oid)),
            Ok(None) => Err(raise(SqlError::new(
                sqlstate::INVALID_SCHEMA_NAME,
                format!("schema \"{}\" does not exist", name.trim()),
            ))),
            Err(e) => Err(raise(e)),
        }
    })?;
    conn.create_scalar_function(symbol::REGNAMESPACE_OUT, 1, stable, |ctx| {
        match ctx.get_raw(0) {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(0) => Ok(Some("-".to_string())),
            ValueRef::Integer(i) => with_conn(ctx, |c| {
                Ok(Some(
                    schema_name(c, i)?.map_or_else(|| i.to_string(), |n| quote(&n)),
                ))
            }),
            v => Ok(text_of(v)),
        }
    })?;
    Ok(())
}

fn quote(name: &str) -> String {
    crate::quote::quote_identifier(name).into_owned()
}

// ---- relations by name and by OID ----

/// (schema, name) of relation `oid`: a client's, a catalog relation, or a constraint index.
pub(crate) fn relation_name(
    conn: &Connection,
    oid: u32,
) -> rusqlite::Result<Option<(String, String)>> {
    if let Some(r) = super::by_oid(oid) {
        return Ok(Some((r.schema.name().to_string(), r.name.to_string())));
    }
    let row = conn
        .query_row(
            "SELECT relnamespace, relname FROM main.minipg_class WHERE oid = ?1",
            [i64::from(oid)],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()?;
    if row.is_some() {
        return Ok(row);
    }
    if let Some((table, _)) = derived::derived_owner(oid)
        && let Some(t) = derived::table(conn, table)?
        && let Some(i) = t.indexes.iter().find(|i| i.oid == oid)
    {
        return Ok(Some((t.schema.clone(), i.name.clone())));
    }
    Ok(None)
}

/// The OID of relation `name` in `schema` (client relations and constraint indexes).
fn relation_in(conn: &Connection, schema: &str, name: &str) -> rusqlite::Result<Option<u32>> {
    if let Some(r) = super::lookup(Some(schema), name) {
        return Ok(Some(r.oid));
    }
    let oid: Option<i64> = conn
        .query_row(
            "SELECT oid FROM main.minipg_class WHERE relnamespace = ?1 AND relname = ?2",
            [schema, name],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(oid) = oid {
        return Ok(u32::try_from(oid).ok());
    }
    // A primary key's or unique constraint's index has no row of its own.
    let mut stmt = conn.prepare_cached(
        "SELECT oid FROM main.minipg_class WHERE relnamespace = ?1 AND relkind = 'r'",
    )?;
    let tables: Vec<i64> = stmt
        .query_map([schema], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for t in tables {
        let Ok(t) = u32::try_from(t) else { continue };
        if let Some(table) = derived::table(conn, t)?
            && let Some(i) = table
                .indexes
                .iter()
                .find(|i| i.constraint.is_some() && i.name == name)
        {
            return Ok(Some(i.oid));
        }
    }
    Ok(None)
}

/// The schemas unqualified names are looked up in: `pg_catalog` first, then the path.
fn lookup_path(conn: &Connection, user: &str) -> Vec<String> {
    let mut path = vec!["pg_catalog".to_string()];
    for s in search_path_names(user) {
        if !path.contains(&s) && is_schema(conn, &s) {
            path.push(s);
        }
    }
    path
}

/// `regclass` input: the OID of the relation a (possibly qualified) name denotes.
fn regclass_in(conn: &Connection, user: &str, text: &str) -> Result<Option<u32>, SqlError> {
    if let Some(oid) = fc::numeric_oid(text) {
        return Ok(Some(oid));
    }
    let parts = fc::parse_qualified_name(text)?;
    let db_err = |e: rusqlite::Error| SqlError::internal(e.to_string());
    match parts.as_slice() {
        [name] => {
            for s in lookup_path(conn, user) {
                if let Some(oid) = relation_in(conn, &s, name).map_err(db_err)? {
                    return Ok(Some(oid));
                }
            }
            Ok(None)
        }
        [schema, name] => relation_in(conn, schema, name).map_err(db_err),
        [db, schema, name] => {
            let current = current_database(conn);
            if *db != current {
                return Err(SqlError::new(
                    sqlstate::FEATURE_NOT_SUPPORTED,
                    format!(
                        "cross-database references are not implemented: \"{}\"",
                        parts.join(".")
                    ),
                ));
            }
            relation_in(conn, schema, name).map_err(db_err)
        }
        _ => Err(SqlError::new(
            sqlstate::SYNTAX_ERROR,
            format!(
                "improper relation name (too many dotted names): {}",
                text.trim()
            ),
        )),
    }
}

/// `regclass` output: the name, qualified when the search path would not find it.
pub(crate) fn regclass_out(
    conn: &Connection,
    user: &str,
    oid: u32,
) -> rusqlite::Result<Option<String>> {
    let Some((schema, name)) = relation_name(conn, oid)? else {
        return Ok(None);
    };
    if visible(conn, user, oid, &schema, &name)? {
        Ok(Some(quote(&name)))
    } else {
        Ok(Some(format!("{}.{}", quote(&schema), quote(&name))))
    }
}

/// Would an unqualified `name` find relation `oid` (of `schema`)?
fn visible(
    conn: &Connection,
    user: &str,
    oid: u32,
    schema: &str,
    name: &str,
) -> rusqlite::Result<bool> {
    for s in lookup_path(conn, user) {
        if s == schema {
            return Ok(true);
        }
        if relation_in(conn, &s, name)?.is_some_and(|o| o != oid) {
            return Ok(false);
        }
    }
    Ok(false)
}

/// Would an unqualified `name` find the relation `name` of `schema`? (Errors read as no.)
fn name_visible(conn: &Connection, user: &str, schema: &str, name: &str) -> bool {
    for s in lookup_path(conn, user) {
        if s == schema {
            return true;
        }
        if relation_in(conn, &s, name).ok().flatten().is_some() {
            return false;
        }
    }
    false
}

fn table_is_visible(conn: &Connection, user: &str, oid: u32) -> rusqlite::Result<Option<bool>> {
    match relation_name(conn, oid)? {
        Some((schema, name)) => visible(conn, user, oid, &schema, &name).map(Some),
        None => Ok(None),
    }
}

pub(crate) fn schema_name(conn: &Connection, oid: i64) -> rusqlite::Result<Option<String>> {
    if let Some((name, _)) = BUILTIN_SCHEMAS.iter().find(|(_, o)| *o == oid) {
        return Ok(Some((*name).to_string()));
    }
    conn.query_row(
        "SELECT nspname FROM main.minipg_namespace WHERE oid = ?1",
        [oid],
        |r| r.get(0),
    )
    .optional()
}

fn regnamespace_in(conn: &Connection, text: &str) -> Result<Option<i64>, SqlError> {
    if let Some(oid) = fc::numeric_oid(text) {
        return Ok(Some(i64::from(oid)));
    }
    let parts = fc::parse_qualified_name(text)?;
    let [name] = parts.as_slice() else {
        return Err(SqlError::new(sqlstate::INVALID_NAME, "invalid name syntax"));
    };
    if !is_schema(conn, name) {
        return Ok(None);
    }
    derived::namespace_oid(conn, name)
        .map(Some)
        .map_err(|e| SqlError::internal(e.to_string()))
}

fn current_database(conn: &Connection) -> String {
    conn.path()
        .and_then(|p| {
            std::path::Path::new(p)
                .parent()?
                .file_name()?
                .to_str()
                .map(str::to_string)
        })
        .unwrap_or_default()
}

// ---- definitions ----

fn index_def(
    conn: &Connection,
    user: &str,
    oid: u32,
    column: i64,
    pretty: bool,
) -> rusqlite::Result<Option<String>> {
    let Some(t) = derived::table_of_object(conn, oid)? else {
        return Ok(None);
    };
    let Some(table) = derived::table(conn, t)? else {
        return Ok(None);
    };
    Ok(table.indexes.iter().find(|i| i.oid == oid).map(|i| {
        derived::index_def(&table, i, column, pretty, &|s, n| {
            name_visible(conn, user, s, n)
        })
    }))
}

fn constraint_def(
    conn: &Connection,
    user: &str,
    oid: u32,
    pretty: bool,
) -> rusqlite::Result<Option<String>> {
    let Some((t, _)) = derived::derived_owner(oid) else {
        return Ok(None);
    };
    let Some(table) = derived::table(conn, t)? else {
        return Ok(None);
    };
    Ok(table.constraints.iter().find(|c| c.oid == oid).map(|c| {
        derived::constraint_def(&table, c, pretty, &|s, n| name_visible(conn, user, s, n))
    }))
}

fn view_def(
    conn: &Connection,
    user: &str,
    oid: u32,
    pretty: bool,
) -> rusqlite::Result<Option<String>> {
    let row: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT c.relkind, s.sql FROM main.minipg_class c \
             LEFT JOIN main.sqlite_schema s ON s.name = c.sqlite_name WHERE c.oid = ?1",
            [i64::from(oid)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((kind, Some(sql))) = row else {
        return Ok(None);
    };
    if kind != "v" {
        return Ok(None);
    }
    let names: Vec<String> = conn
        .prepare_cached(
            "SELECT attname FROM main.minipg_attribute WHERE attrelid = ?1 ORDER BY attnum",
        )?
        .query_map([i64::from(oid)], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    // The stored text is `CREATE VIEW "name" (cols) AS <query>`.
    let query = find_as_select(&sql).unwrap_or(&sql);
    let columns_of = |sqlite_name: &str| -> Vec<super::deparse::ColumnType> {
        conn.prepare_cached(
            "SELECT a.attname, a.atttypid FROM main.minipg_attribute a \
             JOIN main.minipg_class c ON c.oid = a.attrelid \
             WHERE c.sqlite_name = ?1 ORDER BY a.attnum",
        )
        .and_then(|mut st| {
            st.query_map([sqlite_name], |r| {
                Ok(super::deparse::ColumnType {
                    name: r.get(0)?,
                    ty: sql::Type(r.get::<_, i64>(1)? as u32),
                })
            })?
            .collect()
        })
        .unwrap_or_default()
    };
    Ok(Some(super::deparse::view_query(
        query,
        &names,
        pretty,
        &|s, n| name_visible(conn, user, s, n),
        &columns_of,
    )))
}

/// The query of a `CREATE VIEW … AS <query>` text.
fn find_as_select(sql: &str) -> Option<&str> {
    let upper = sql.to_ascii_uppercase();
    let mut depth = 0i32;
    let mut in_quote: Option<u8> = None;
    let b = upper.as_bytes();
    for i in 0..b.len() {
        let c = b[i];
        if let Some(q) = in_quote {
            if c == q {
                in_quote = None;
            }
            continue;
        }
        match c {
            b'"' | b'\'' => in_quote = Some(c),
            b'(' => depth += 1,
            b')' => depth -= 1,
            b'A' if depth == 0 && upper[i..].starts_with("AS ") && i > 0 && b[i - 1] == b' ' => {
                return sql.get(i + 3..);
            }
            _ => {}
        }
    }
    None
}

// ---- sizes ----

#[derive(Clone, Copy)]
enum Size {
    Relation,
    Total,
    Table,
    Indexes,
}

fn relation_size(conn: &Connection, oid: u32, what: Size) -> rusqlite::Result<Option<i64>> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT relkind, sqlite_name FROM main.minipg_class WHERE oid = ?1",
            [i64::from(oid)],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((kind, sqlite_name)) = row else {
        // A catalog relation or a constraint index: no pages of its own.
        return Ok(relation_name(conn, oid)?.map(|_| 0));
    };
    if kind == "v" {
        return Ok(Some(0));
    }
    let pages = |names: &[String]| -> rusqlite::Result<i64> {
        let mut total = 0;
        for n in names {
            total += conn
                .query_row(
                    "SELECT coalesce(sum(pgsize), 0) FROM dbstat('main') WHERE name = ?1",
                    [n],
                    |r| r.get::<_, i64>(0),
                )
                .or_else(|_| conn.query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0)))?;
        }
        Ok(total)
    };
    let indexes = || -> rusqlite::Result<Vec<String>> {
        conn.prepare_cached(
            "SELECT name FROM main.sqlite_schema WHERE type = 'index' AND tbl_name = ?1",
        )?
        .query_map([&sqlite_name], |r| r.get(0))?
        .collect()
    };
    let table = vec![sqlite_name.clone()];
    let size = match (what, kind.as_str()) {
        (Size::Relation | Size::Table, _) => pages(&table)?,
        (Size::Total, "r") => pages(&table)? + pages(&indexes()?)?,
        (Size::Total, _) => pages(&table)?,
        (Size::Indexes, "r") => pages(&indexes()?)?,
        (Size::Indexes, _) => 0,
    };
    Ok(Some(size))
}

fn database_by_oid(conn: &Connection, oid: i64) -> Option<String> {
    let path = conn.path()?;
    let data_dir = std::path::Path::new(path).parent()?.parent()?.parent()?;
    crate::list_databases(data_dir)
        .ok()?
        .into_iter()
        .find(|n| i64::from(super::rows::database_oid(n)) == oid)
}

fn database_size(conn: &Connection, current: &str, name: &str) -> rusqlite::Result<i64> {
    if name == current {
        let count: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        let size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        return Ok(count * size);
    }
    let path = conn.path().map(std::path::PathBuf::from);
    let data_dir = path.as_deref().and_then(|p| {
        p.parent()?
            .parent()?
            .parent()
            .map(std::path::Path::to_path_buf)
    });
    let exists = data_dir
        .as_deref()
        .is_some_and(|d| crate::list_databases(d).is_ok_and(|l| l.iter().any(|n| n == name)));
    let Some(dir) = data_dir.filter(|_| exists) else {
        return Err(raise(SqlError::new(
            sqlstate::INVALID_CATALOG_NAME,
            format!("database \"{name}\" does not exist"),
        )));
    };
    let file = crate::database_path(&dir, name);
    let mut total = 0;
    for suffix in ["", "-wal"] {
        let mut p = file.clone().into_os_string();
        p.push(suffix);
        total += std::fs::metadata(&p).map_or(0, |m| i64::try_from(m.len()).unwrap_or(0));
    }
    Ok(total)
}

// ---- privileges ----

/// The privilege functions: the arguments resolved here (names to OIDs, with PostgreSQL's
/// errors; an OID that names nothing gives NULL), the answer from `privileges`.
/// `column`: `has_column_privilege`, whose object is a table and a column.
fn privilege(
    ctx: &Context<'_>,
    user: &str,
    asked: Asked,
    column: bool,
) -> rusqlite::Result<Option<bool>> {
    if any_null(ctx) {
        return Ok(None);
    }
    let fixed = if column { 3 } else { 2 };
    let n = ctx.len();
    if n != fixed && n != fixed + 1 {
        return Ok(None);
    }
    let at = n - fixed;
    let spi = |e: crate::error::SpiError| raise(SqlError::new(e.sqlstate, e.message));
    let role = privileges::function_role((at == 1).then(|| ctx.get_raw(0))).map_err(spi)?;
    let object = ctx.get_raw(at);
    let privs_text = text_of(ctx.get_raw(n - 1)).unwrap_or_default();
    let target = with_conn(ctx, |c| {
        let by_name = |v: ValueRef<'_>| text_of(v).unwrap_or_default();
        Ok(match (asked, object) {
            (Asked::Role, ValueRef::Integer(oid)) => {
                Some(AskedObject::Role(u32::try_from(oid).unwrap_or(0)))
            }
            (Asked::Role, v) => {
                let name = by_name(v);
                match crate::roles::role_by_name(&name).map_err(spi)? {
                    Some(r) => Some(AskedObject::Role(r.oid)),
                    None => {
                        return Err(raise(SqlError::new(
                            sqlstate::UNDEFINED_OBJECT,
                            format!("role \"{name}\" does not exist"),
                        )));
                    }
                }
            }
            (Asked::Schema, ValueRef::Integer(oid)) => {
                schema_name(c, oid)?.map(|_| AskedObject::Schema(u32::try_from(oid).unwrap_or(0)))
            }
            (Asked::Schema, v) => {
                let name = by_name(v);
                match derived::namespace_oid(c, &name)? {
                    oid if oid != 0 && is_schema(c, &name) => {
                        Some(AskedObject::Schema(u32::try_from(oid).unwrap_or(0)))
                    }
                    _ => {
                        return Err(raise(SqlError::new(
                            sqlstate::INVALID_SCHEMA_NAME,
                            format!("schema \"{name}\" does not exist"),
                        )));
                    }
                }
            }
            (Asked::Database, ValueRef::Integer(oid)) => {
                database_by_oid(c, oid).map(AskedObject::Database)
            }
            (Asked::Database, v) => {
                let name = by_name(v);
                let exists = crate::roles::data_dir()
                    .is_some_and(|d| crate::list_databases(&d).is_ok_and(|l| l.contains(&name)));
                if !exists {
                    return Err(raise(SqlError::new(
                        sqlstate::INVALID_CATALOG_NAME,
                        format!("database \"{name}\" does not exist"),
                    )));
                }
                Some(AskedObject::Database(name))
            }
            (_, v) => {
                let (oid, shown) = match v {
                    ValueRef::Integer(oid) => {
                        let oid = u32::try_from(oid).unwrap_or(0);
                        match relation_name(c, oid)? {
                            Some((_, name)) => (oid, name),
                            None => return Ok(None),
                        }
                    }
                    v => {
                        let name = by_name(v);
                        match regclass_in(c, user, &name) {
                            Ok(Some(oid)) => (oid, name.trim().to_string()),
                            Ok(None) => {
                                return Err(raise(SqlError::new(
                                    sqlstate::UNDEFINED_TABLE,
                                    format!("relation \"{}\" does not exist", name.trim()),
                                )));
                            }
                            Err(e) => return Err(raise(e)),
                        }
                    }
                };
                if asked == Asked::Sequence && !is_sequence(c, oid)? {
                    return Err(raise(SqlError::new(
                        sqlstate::WRONG_OBJECT_TYPE,
                        format!("\"{shown}\" is not a sequence"),
                    )));
                }
                if column && !column_exists(c, oid, &shown, ctx.get_raw(at + 1))? {
                    return Ok(None);
                }
                Some(AskedObject::Relation(oid))
            }
        })
    })?;
    let privs = privileges::parse_privileges(asked, &privs_text).map_err(spi)?;
    let Some(target) = target else {
        return Ok(None);
    };
    with_conn(ctx, |c| {
        Ok(Some(privileges::function_answer(c, role, target, &privs)))
    })
}

fn is_sequence(c: &Connection, oid: u32) -> rusqlite::Result<bool> {
    Ok(c.query_row(
        "SELECT relkind FROM main.minipg_class WHERE oid = ?1",
        [oid],
        |r| r.get::<_, String>(0),
    )
    .optional()?
    .is_some_and(|k| k == "S"))
}

/// Does the column `arg` (a name, or an attnum) of relation `oid` exist? A name that does
/// not is PostgreSQL's 42703; an attnum that does not gives `false` (NULL).
fn column_exists(c: &Connection, oid: u32, rel: &str, arg: ValueRef<'_>) -> rusqlite::Result<bool> {
    if super::by_oid(oid).is_some() {
        return Ok(true);
    }
    let found = match arg {
        ValueRef::Integer(n) => c
            .query_row(
                "SELECT 1 FROM main.minipg_attribute WHERE attrelid = ?1 AND attnum = ?2",
                params![oid, n],
                |_| Ok(()),
            )
            .optional()?,
        v => {
            let name = text_of(v).unwrap_or_default();
            let found = c
                .query_row(
                    "SELECT 1 FROM main.minipg_attribute WHERE attrelid = ?1 AND attname = ?2",
                    params![oid, name],
                    |_| Ok(()),
                )
                .optional()?;
            if found.is_none() {
                let table = rel.rsplit('.').next().unwrap_or(rel);
                return Err(raise(SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!("column \"{name}\" of relation \"{table}\" does not exist"),
                )));
            }
            found
        }
    };
    Ok(found.is_some())
}
