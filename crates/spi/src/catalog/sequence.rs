//! Sequences over SQLite: each sequence's definition and state are one row of
//! `minipg_sequence` in the database file (so every process sees the same sequence, and it
//! survives restarts), its SQLite object is a view of that row (`SELECT * FROM seq` shows
//! `last_value, log_cnt, is_called`), and each session keeps PostgreSQL's per-backend state
//! ([`SeqSession`]: `currval`, `lastval`, values cached by `CACHE n`).
//!
//! **Not undone by a rollback, as in PostgreSQL.** `nextval`/`setval` write the row in the
//! caller's transaction — SQLite's single writer means no other process can hand out the same
//! value meanwhile — and remember what they wrote ([`SeqSession`]'s pending rows). When the
//! work they were part of is undone (a failed statement, ROLLBACK TO SAVEPOINT, ROLLBACK), the
//! connection writes those rows back before it lets go of the write lock
//! ([`SqlConn::restore_sequences`](crate::connection::SqlConn::restore_sequences),
//! [`SqlConn::rollback_all`](crate::connection::SqlConn::rollback_all), which rolls back to
//! the transaction's first savepoint, restores, then commits). So a value handed out is never
//! handed out again — except after a crash or an error after which SQLite itself ended the
//! transaction (I/O error, interrupt): then the transaction's values can come back, where
//! PostgreSQL would skip up to 32 (docs/sql-compat.md).
//!
//! Invariants: a row is written only with the write lock held (nextval runs inside a write
//! transaction); nested statements run with the authorizer off and never call back into this
//! module. Never: a sequence's row is changed by client SQL (`minipg_*` tables are not
//! writable through the authorizer).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};
use sql::auth::privilege;
use sql::catalog::{RelColumn, RelKind, parse_qualified_name};
use sql::plan::{NewRelation, NewSequence, OwnedBy};
use sql::sequence::{Fetch, SeqData, SeqForm, apply_options, check_setval, fetch};
use sql::{Type, sqlstate};

use crate::authorizer::AuthState;
use crate::catalog::is_schema;
use crate::catalog::relations::{insert_relation, search_path_names};
use crate::connection::SessionUser;
use crate::error::{SpiError, function_error};

/// `pg_class` and `pg_attrdef`'s OIDs, as `minipg_depend` records classes.
pub(crate) const PG_CLASS: i64 = 1259;
pub(crate) const PG_ATTRDEF: i64 = 2604;

/// One sequence this session used (PostgreSQL's `SeqTable` entry).
#[derive(Debug, Clone, Copy)]
struct Entry {
    /// What nextval last returned (`currval`), when `last_valid`.
    last: i64,
    last_valid: bool,
    /// The last value reserved for this session; values up to it are handed out without
    /// touching the row.
    cached: i64,
    increment: i64,
}

#[derive(Default)]
struct State {
    entries: HashMap<u32, Entry>,
    last_used: Option<u32>,
    /// The rows this connection wrote in its open transaction.
    pending: HashMap<u32, SeqData>,
    /// `(sequence, privileges)` checks passed in the running statement.
    allowed: Vec<(u32, u16)>,
    /// A second handle on the same connection, for the functions' own statements (its
    /// prepared statements are cached across calls). Dropped before the connection closes.
    conn: Option<Connection>,
}

/// A connection's sequence state, shared by its registered functions.
#[derive(Default)]
pub(crate) struct SeqSession {
    state: Mutex<State>,
}

impl SeqSession {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A poisoned lock only means a panic elsewhere; the state is plain data.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Gives the functions their handle on `conn`.
    ///
    /// # Safety
    /// `conn` must outlive the handle: [`SeqSession::detach`] must run before it closes.
    pub(crate) unsafe fn attach(&self, conn: &Connection) -> rusqlite::Result<()> {
        // SAFETY: the handle is non-owning (closing it does not close the database) and is
        // dropped by `detach`, which the owner of `conn` calls before closing it; it is used
        // only on the thread that owns `conn`, from inside calls SQLite makes on it.
        let handle = unsafe { Connection::from_handle(conn.handle()) }?;
        self.lock().conn = Some(handle);
        Ok(())
    }

    /// Drops the functions' handle (finalizing its statements) while the connection is open.
    pub(crate) fn detach(&self) {
        let conn = self.lock().conn.take();
        drop(conn);
    }

    /// The rows written in the open transaction, to put back after its work is undone.
    pub(crate) fn pending(&self) -> Vec<(u32, SeqData)> {
        let mut v: Vec<(u32, SeqData)> =
            self.lock().pending.iter().map(|(k, d)| (*k, *d)).collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// The transaction ended (committed, or rolled back and restored).
    pub(crate) fn clear_pending(&self) {
        let mut st = self.lock();
        st.pending.clear();
        st.allowed.clear();
    }

    /// The session ended and the connection serves another: nothing of this one's values —
    /// `currval`, `lastval`, values reserved by `CACHE` (lost, as when a backend exits) —
    /// reaches it.
    pub(crate) fn end_session(&self) {
        let mut st = self.lock();
        st.entries.clear();
        st.last_used = None;
        st.pending.clear();
        st.allowed.clear();
    }

    /// A statement starts: privileges are checked again (a REVOKE takes effect at the next
    /// statement, as for tables).
    pub(crate) fn new_statement(&self) {
        self.lock().allowed.clear();
    }

    /// ALTER SEQUENCE / DROP: values this session cached are forgotten (currval stays).
    pub(crate) fn forget_cache(&self, oid: u32) {
        if let Some(e) = self.lock().entries.get_mut(&oid) {
            e.cached = e.last;
        }
    }
}

/// Writes rows back (the transaction is open, the caller holds the write lock).
pub(crate) fn write_back(conn: &Connection, rows: &[(u32, SeqData)]) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE main.minipg_sequence SET last_value = ?1, log_cnt = ?2, is_called = ?3 \
         WHERE seqrelid = ?4",
    )?;
    for (oid, d) in rows {
        stmt.execute(params![d.last_value, d.log_cnt, d.is_called, oid])?;
    }
    Ok(())
}

/// The columns `SELECT * FROM seq` shows.
fn sequence_columns() -> Vec<RelColumn> {
    ["last_value", "log_cnt", "is_called"]
        .iter()
        .map(|n| RelColumn {
            not_null: true,
            ..RelColumn::new(
                *n,
                if *n == "is_called" {
                    Type::BOOL
                } else {
                    Type::INT8
                },
                -1,
            )
        })
        .collect()
}

/// Reads a sequence's row.
pub(crate) fn read(conn: &Connection, oid: u32) -> rusqlite::Result<Option<(SeqForm, SeqData)>> {
    conn.prepare_cached(
        "SELECT seqtypid, seqstart, seqincrement, seqmax, seqmin, seqcache, seqcycle, \
                last_value, log_cnt, is_called \
         FROM main.minipg_sequence WHERE seqrelid = ?1",
    )?
    .query_row([oid], |r| {
        Ok((
            SeqForm {
                typid: Type(u32::try_from(r.get::<_, i64>(0)?).unwrap_or(20)),
                start: r.get(1)?,
                increment: r.get(2)?,
                max: r.get(3)?,
                min: r.get(4)?,
                cache: r.get(5)?,
                cycle: r.get::<_, i64>(6)? != 0,
            },
            SeqData {
                last_value: r.get(7)?,
                log_cnt: r.get(8)?,
                is_called: r.get::<_, i64>(9)? != 0,
            },
        ))
    })
    .optional()
}

fn write(conn: &Connection, oid: u32, f: &SeqForm, d: &SeqData) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO main.minipg_sequence (seqrelid, seqtypid, seqstart, \
         seqincrement, seqmax, seqmin, seqcache, seqcycle, last_value, log_cnt, is_called) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            oid,
            i64::from(f.typid.oid()),
            f.start,
            f.increment,
            f.max,
            f.min,
            f.cache,
            f.cycle,
            d.last_value,
            d.log_cnt,
            d.is_called
        ],
    )?;
    Ok(())
}

/// The view that is the sequence's SQLite object.
fn view_sql(sqlite_name: &str, oid: u32) -> String {
    format!(
        "CREATE VIEW {} AS SELECT last_value, log_cnt, is_called FROM main.minipg_sequence \
         WHERE seqrelid = {oid}",
        sql::catalog::quote_sqlite(sqlite_name)
    )
}

/// CREATE SEQUENCE's work: the catalog row, the state row, the view. Returns the OID.
pub(crate) fn create(conn: &Connection, seq: &NewSequence) -> Result<u32, SpiError> {
    let (form, data) = apply_options(&seq.options, None, seq.identity)?;
    let rel = NewRelation {
        schema: seq.schema.clone(),
        name: seq.name.clone(),
        kind: RelKind::Sequence,
        sqlite_name: seq.sqlite_name.clone(),
        columns: sequence_columns(),
    };
    let oid = u32::try_from(insert_relation(conn, &rel, None)?).unwrap_or(0);
    conn.execute_batch(&view_sql(&seq.sqlite_name, oid))?;
    write(conn, oid, &form, &data)?;
    Ok(oid)
}

/// ALTER SEQUENCE's options, applied to the stored row.
pub(crate) fn alter(
    conn: &Connection,
    oid: u32,
    options: &sql::sequence::SeqOptions,
) -> Result<(), SpiError> {
    let Some(old) = read(conn, oid)? else {
        return Err(SpiError::internal(format!("sequence {oid} has no row")));
    };
    let (form, data) = apply_options(options, Some(old), false)?;
    write(conn, oid, &form, &data)?;
    Ok(())
}

/// Renames a sequence: its catalog row and its view.
pub(crate) fn rename(
    conn: &Connection,
    oid: u32,
    schema: &str,
    old_sqlite: &str,
    new: &str,
) -> Result<(), SpiError> {
    let new_sqlite = sql::catalog::sqlite_name(schema, new);
    conn.execute_batch(&format!(
        "DROP VIEW {}; {}",
        sql::catalog::quote_sqlite(old_sqlite),
        view_sql(&new_sqlite, oid)
    ))?;
    conn.execute(
        "UPDATE main.minipg_class SET relname = ?1, sqlite_name = ?2 WHERE oid = ?3",
        params![new, new_sqlite, oid],
    )?;
    // The PostgreSQL text of the defaults that name it follows (their SQLite defaults call
    // it by OID and need no change).
    let old_name = sql::catalog::pg_name(old_sqlite).1;
    let quote = |n: &str| crate::quote::quote_identifier(n).replace('\'', "''");
    let defaults: Vec<(i64, i64, String)> = conn
        .prepare(
            "SELECT a.attrelid, a.attnum, a.attdefault FROM main.minipg_depend d \
             JOIN main.minipg_attribute a ON a.attrelid = d.objid AND a.attnum = d.objsubid \
             WHERE d.classid = 2604 AND d.refobjid = ?1 AND a.attdefault IS NOT NULL",
        )?
        .query_map([oid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (table, attnum, text) in defaults {
        let renamed = text
            .replace(
                &format!("'{}.{}'", quote(schema), quote(&old_name)),
                &format!("'{}.{}'", quote(schema), quote(new)),
            )
            .replace(
                &format!("'{}'", quote(&old_name)),
                &format!("'{}'", quote(new)),
            );
        if renamed != text {
            conn.execute(
                "UPDATE main.minipg_attribute SET attdefault = ?1 WHERE attrelid = ?2 AND attnum = ?3",
                params![renamed, table, attnum],
            )?;
        }
    }
    Ok(())
}

/// OWNED BY: the sequence's `'a'` dependency replaced (OWNED BY NONE removes it).
pub(crate) fn set_owner(conn: &Connection, oid: u32, owned: &OwnedBy) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM main.minipg_depend WHERE classid = 1259 AND objid = ?1 AND deptype = 'a'",
        [oid],
    )?;
    if let OwnedBy::Column { table, attnum } = owned {
        add_depend(conn, PG_CLASS, *table, *attnum, oid, 'a')?;
    }
    Ok(())
}

/// A `minipg_depend` row: `objid`'s relation (or, with `PG_ATTRDEF`, table `objid`'s column
/// `objsubid`'s default) depends on `refobjid`, or a sequence `seq` on table `table`'s column.
pub(crate) fn add_depend(
    conn: &Connection,
    classid: i64,
    table: u32,
    attnum: i16,
    seq: u32,
    deptype: char,
) -> rusqlite::Result<()> {
    if classid == PG_ATTRDEF {
        // A default (of table.attnum) that uses sequence `seq`.
        conn.execute(
            "INSERT INTO main.minipg_depend VALUES (2604, ?1, ?2, 1259, ?3, 0, 'n')",
            params![table, attnum, seq],
        )?;
    } else {
        // Sequence `seq` belongs to table.attnum.
        conn.execute(
            "INSERT INTO main.minipg_depend VALUES (1259, ?1, 0, 1259, ?2, ?3, ?4)",
            params![seq, table, attnum, deptype.to_string()],
        )?;
    }
    Ok(())
}

/// The sequences owned by (`'a'`) or internal to (`'i'`) table `table` (column `attnum`,
/// or any when `None`).
pub(crate) fn owned_sequences(
    conn: &Connection,
    table: u32,
    attnum: Option<i16>,
) -> rusqlite::Result<Vec<(u32, char)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT objid, deptype FROM main.minipg_depend WHERE classid = 1259 AND refclassid = 1259 \
         AND refobjid = ?1 AND (?2 IS NULL OR refobjsubid = ?2) AND deptype IN ('a', 'i') \
         ORDER BY objid",
    )?;
    let rows = stmt
        .query_map(params![table, attnum], |r| {
            Ok((
                u32::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                r.get::<_, String>(1)?.chars().next().unwrap_or('a'),
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The sequence of identity column `table.attnum`, as `schema.name`.
pub(crate) fn identity_sequence(
    conn: &Connection,
    table: u32,
    attnum: i16,
) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached(
        "SELECT c.relnamespace, c.relname FROM main.minipg_depend d \
         JOIN main.minipg_class c ON c.oid = d.objid \
         WHERE d.classid = 1259 AND d.refobjid = ?1 AND d.refobjsubid = ?2 AND d.deptype = 'i'",
    )?
    .query_row(params![table, attnum], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()
}

/// A sequence named by text (along `search_path` when unqualified) or by OID: its OID and
/// name. 42P01 when there is no such relation, 42809 when it is not a sequence.
fn resolve(conn: &Connection, user: &str, arg: ValueRef<'_>) -> Result<(u32, String), SpiError> {
    let (oid, name, kind) = match arg {
        ValueRef::Integer(i) => {
            let oid = u32::try_from(i).unwrap_or(0);
            let row: Option<(String, String)> = conn
                .prepare_cached("SELECT relname, relkind FROM main.minipg_class WHERE oid = ?1")?
                .query_row([oid], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((name, kind)) = row else {
                return Err(SpiError::new(
                    sqlstate::INTERNAL_ERROR,
                    format!("could not open relation with OID {oid}"),
                ));
            };
            (oid, name, kind)
        }
        ValueRef::Text(t) => {
            let text = String::from_utf8_lossy(t);
            let parts = parse_qualified_name(&text)?;
            let (schemas, name) = schemas_to_search(conn, user, &parts, &text)?;
            let mut found = None;
            for s in &schemas {
                let row: Option<(i64, String)> = conn
                    .prepare_cached(
                        "SELECT oid, relkind FROM main.minipg_class \
                         WHERE relnamespace = ?1 AND relname = ?2",
                    )?
                    .query_row(params![s, name], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                if let Some(r) = row {
                    found = Some(r);
                    break;
                }
            }
            let Some((oid, kind)) = found else {
                return Err(SpiError::new(
                    sqlstate::UNDEFINED_TABLE,
                    format!("relation \"{}\" does not exist", parts.join(".")),
                ));
            };
            (u32::try_from(oid).unwrap_or(0), name, kind)
        }
        _ => {
            return Err(SpiError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                "a sequence is named by its name or OID",
            ));
        }
    };
    if kind != "S" {
        return Err(SpiError::new(
            sqlstate::WRONG_OBJECT_TYPE,
            format!("\"{name}\" is not a sequence"),
        ));
    }
    Ok((oid, name))
}

/// Runs `f` on the session's handle with the authorizer off.
fn with_handle<T>(
    st: &State,
    auth: &AuthState,
    f: impl FnOnce(&Connection) -> Result<T, SpiError>,
) -> Result<T, SpiError> {
    let Some(conn) = st.conn.as_ref() else {
        return Err(SpiError::internal("sequence functions are not attached"));
    };
    let was = auth.enforcing();
    auth.set_enforce(false);
    let out = f(conn);
    auth.set_enforce(was);
    out
}

/// The sequence a function's first argument names, resolved once per statement when the
/// argument is a constant (SQLite keeps it with the argument, as PostgreSQL resolves a
/// `regclass` literal once).
fn resolve_cached(
    ctx: &Context<'_>,
    seq: &SeqSession,
    auth: &AuthState,
    user: &str,
) -> rusqlite::Result<Arc<(u32, String)>> {
    ctx.get_or_create_aux(0, |arg| -> rusqlite::Result<(u32, String)> {
        let st = seq.lock();
        with_handle(&st, auth, |c| resolve(c, user, arg)).map_err(|e| function_error(&e))
    })
}

/// PostgreSQL's privilege check of a sequence function: the current role must hold one of
/// `bits` on the sequence (`nextval`: USAGE or UPDATE; `currval`, `lastval`: SELECT or USAGE;
/// `setval`: UPDATE), else 42501. Once per statement and sequence. An identity column's
/// sequence needs none for `nextval` (its column's DEFAULT calls it; PostgreSQL's identity
/// columns use their sequence without a check).
fn check_privilege(
    st: &mut State,
    auth: &AuthState,
    oid: u32,
    name: &str,
    bits: u16,
) -> Result<(), SpiError> {
    if crate::roles::current_is_superuser() || st.allowed.contains(&(oid, bits)) {
        return Ok(());
    }
    with_handle(st, auth, |c| {
        let identity = bits == NEXTVAL_PRIVILEGES
            && c.prepare_cached(
                "SELECT 1 FROM main.minipg_depend                  WHERE classid = 1259 AND objid = ?1 AND deptype = 'i'",
            )?
            .exists([oid])?;
        if identity {
            return Ok(());
        }
        crate::privileges::check_sequence(c, oid, name, bits)
    })?;
    st.allowed.push((oid, bits));
    Ok(())
}

const NEXTVAL_PRIVILEGES: u16 = privilege::USAGE | privilege::UPDATE;
const READ_PRIVILEGES: u16 = privilege::SELECT | privilege::USAGE;

fn nextval(seq: &SeqSession, auth: &AuthState, target: &(u32, String)) -> Result<i64, SpiError> {
    let mut st = seq.lock();
    let (oid, name) = (target.0, target.1.as_str());
    check_privilege(&mut st, auth, oid, name, NEXTVAL_PRIVILEGES)?;
    if let Some(e) = st.entries.get_mut(&oid)
        && e.last_valid
        && e.last != e.cached
    {
        e.last += e.increment;
        let v = e.last;
        st.last_used = Some(oid);
        return Ok(v);
    }
    let (form, got): (SeqForm, Fetch) = with_handle(&st, auth, |c| {
        let Some((form, data)) = read(c, oid)? else {
            return Err(SpiError::internal(format!(
                "sequence \"{name}\" has no row"
            )));
        };
        let got = fetch(&form, &data, name)?;
        write_back(c, &[(oid, got.data)])?;
        Ok((form, got))
    })?;
    st.pending.insert(oid, got.data);
    st.entries.insert(
        oid,
        Entry {
            last: got.result,
            last_valid: true,
            cached: got.cached_to,
            increment: form.increment,
        },
    );
    st.last_used = Some(oid);
    Ok(got.result)
}

fn currval(seq: &SeqSession, auth: &AuthState, target: &(u32, String)) -> Result<i64, SpiError> {
    let mut st = seq.lock();
    let (oid, name) = (target.0, target.1.as_str());
    check_privilege(&mut st, auth, oid, name, READ_PRIVILEGES)?;
    match st.entries.get(&oid) {
        Some(e) if e.last_valid => Ok(e.last),
        _ => Err(SpiError::new(
            sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
            format!("currval of sequence \"{name}\" is not yet defined in this session"),
        )),
    }
}

fn lastval(seq: &SeqSession, auth: &AuthState) -> Result<i64, SpiError> {
    let mut st = seq.lock();
    let undefined = || {
        SpiError::new(
            sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
            "lastval is not yet defined in this session",
        )
    };
    let Some(oid) = st.last_used else {
        return Err(undefined());
    };
    let name = with_handle(&st, auth, |c| {
        Ok(c.prepare_cached(
            "SELECT relname FROM main.minipg_class WHERE oid = ?1 AND relkind = 'S'",
        )?
        .query_row([oid], |r| r.get::<_, String>(0))
        .optional()?)
    })?;
    let exists = name.is_some();
    if let Some(name) = name {
        check_privilege(&mut st, auth, oid, &name, READ_PRIVILEGES)?;
    }
    match st.entries.get(&oid) {
        Some(e) if exists && e.last_valid => Ok(e.last),
        _ => Err(undefined()),
    }
}

fn setval(
    seq: &SeqSession,
    auth: &AuthState,
    target: &(u32, String),
    value: i64,
    is_called: bool,
) -> Result<i64, SpiError> {
    let mut st = seq.lock();
    let (oid, name) = (target.0, target.1.as_str());
    check_privilege(&mut st, auth, oid, name, privilege::UPDATE)?;
    let (form, data) = with_handle(&st, auth, |c| {
        let Some((form, _)) = read(c, oid)? else {
            return Err(SpiError::internal(format!(
                "sequence \"{name}\" has no row"
            )));
        };
        check_setval(&form, value, name)?;
        let data = SeqData {
            last_value: value,
            log_cnt: 0,
            is_called,
        };
        write_back(c, &[(oid, data)])?;
        Ok((form, data))
    })?;
    st.pending.insert(oid, data);
    let e = st.entries.entry(oid).or_insert(Entry {
        last: 0,
        last_valid: false,
        cached: 0,
        increment: form.increment,
    });
    if is_called {
        e.last = value;
        e.last_valid = true;
    }
    e.cached = e.last;
    e.increment = form.increment;
    Ok(value)
}

/// Where a relation name given as text (`parts`, from `text`) is looked for: its schema when
/// qualified, else the search path's schemas that exist (never pg_catalog); and its bare name.
fn schemas_to_search(
    conn: &Connection,
    user: &str,
    parts: &[String],
    text: &str,
) -> Result<(Vec<String>, String), SpiError> {
    match parts {
        [n] => Ok((
            search_path_names(user)
                .into_iter()
                .filter(|s| s != "pg_catalog" && is_schema(conn, s))
                .collect(),
            n.clone(),
        )),
        [s, n] | [_, s, n] => Ok((vec![s.clone()], n.clone())),
        _ => Err(SpiError::new(
            sqlstate::SYNTAX_ERROR,
            format!("improper relation name (too many dotted names): {text}"),
        )),
    }
}

/// `pg_get_serial_sequence(table, column)`: the sequence owned by the column, quoted and
/// qualified, or NULL.
fn serial_sequence(
    conn: &Connection,
    user: &str,
    table: &str,
    column: &str,
) -> Result<Option<String>, SpiError> {
    let parts = parse_qualified_name(table)?;
    let (schemas, name) = schemas_to_search(conn, user, &parts, table)?;
    let mut rel = None;
    for s in &schemas {
        if let Some(r) = crate::catalog::relations::lookup(conn, s, &name)? {
            rel = Some(r);
            break;
        }
    }
    let Some(rel) = rel else {
        return Err(SpiError::new(
            sqlstate::UNDEFINED_TABLE,
            format!("relation \"{}\" does not exist", parts.join(".")),
        ));
    };
    let Some(i) = rel.columns.iter().position(|c| c.name == column) else {
        return Err(SpiError::new(
            sqlstate::UNDEFINED_COLUMN,
            format!(
                "column \"{column}\" of relation \"{}\" does not exist",
                rel.name
            ),
        ));
    };
    let attnum = sql::catalog::attnum(i);
    let Some((seq, _)) = owned_sequences(conn, rel.oid, Some(attnum))?
        .into_iter()
        .next()
    else {
        return Ok(None);
    };
    let row: Option<(String, String)> = conn
        .prepare_cached("SELECT relnamespace, relname FROM main.minipg_class WHERE oid = ?1")?
        .query_row([seq], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(s, n)| {
        format!(
            "{}.{}",
            crate::quote::quote_identifier(&s),
            crate::quote::quote_identifier(&n)
        )
    }))
}

fn text_arg(ctx: &Context<'_>, i: usize) -> Option<String> {
    match ctx.get_raw(i) {
        ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Integer(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Registers `nextval`, `currval`, `setval`, `lastval`, `pg_get_serial_sequence`,
/// `obj_description` and `col_description` (`sql::func::host`) on `conn`.
pub(crate) fn register(
    conn: &Connection,
    seq: &Arc<SeqSession>,
    auth: &Arc<AuthState>,
    user: &SessionUser,
) -> rusqlite::Result<()> {
    use sql::func::host::symbol;
    let volatile = FunctionFlags::SQLITE_UTF8;
    {
        let (seq, auth, user) = (Arc::clone(seq), Arc::clone(auth), user.clone());
        conn.create_scalar_function(symbol::NEXTVAL, 1, volatile, move |ctx| {
            if matches!(ctx.get_raw(0), ValueRef::Null) {
                return Ok(None);
            }
            let target = resolve_cached(ctx, &seq, &auth, &user.get())?;
            nextval(&seq, &auth, &target)
                .map(Some)
                .map_err(|e| function_error(&e))
        })?;
    }
    {
        let (seq, auth, user) = (Arc::clone(seq), Arc::clone(auth), user.clone());
        conn.create_scalar_function(symbol::CURRVAL, 1, volatile, move |ctx| {
            if matches!(ctx.get_raw(0), ValueRef::Null) {
                return Ok(None);
            }
            let target = resolve_cached(ctx, &seq, &auth, &user.get())?;
            currval(&seq, &auth, &target)
                .map(Some)
                .map_err(|e| function_error(&e))
        })?;
    }
    {
        let (seq, auth, user) = (Arc::clone(seq), Arc::clone(auth), user.clone());
        conn.create_scalar_function(symbol::SETVAL, -1, volatile, move |ctx| {
            if (0..ctx.len()).any(|i| matches!(ctx.get_raw(i), ValueRef::Null)) {
                return Ok(None);
            }
            let value = match ctx.get_raw(1) {
                ValueRef::Integer(i) => i,
                _ => {
                    return Err(function_error(&SpiError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        "setval expects a bigint",
                    )));
                }
            };
            let is_called =
                ctx.len() < 3 || matches!(ctx.get_raw(2), ValueRef::Integer(i) if i != 0);
            let target = resolve_cached(ctx, &seq, &auth, &user.get())?;
            setval(&seq, &auth, &target, value, is_called)
                .map(Some)
                .map_err(|e| function_error(&e))
        })?;
    }
    {
        let (seq, auth) = (Arc::clone(seq), Arc::clone(auth));
        conn.create_scalar_function(symbol::LASTVAL, 0, volatile, move |_| {
            lastval(&seq, &auth).map_err(|e| function_error(&e))
        })?;
    }
    {
        let (seq, auth, user) = (Arc::clone(seq), Arc::clone(auth), user.clone());
        conn.create_scalar_function(symbol::SERIAL_SEQUENCE, 2, volatile, move |ctx| {
            let (Some(table), Some(column)) = (text_arg(ctx, 0), text_arg(ctx, 1)) else {
                return Ok(None);
            };
            let st = seq.lock();
            with_handle(&st, &auth, |c| {
                serial_sequence(c, &user.get(), &table, &column)
            })
            .map_err(|e| function_error(&e))
        })?;
    }
    {
        let (seq, auth) = (Arc::clone(seq), Arc::clone(auth));
        conn.create_scalar_function(symbol::OBJ_DESCRIPTION, -1, volatile, move |ctx| {
            let ValueRef::Integer(oid) = ctx.get_raw(0) else {
                return Ok(None);
            };
            let catalog = if ctx.len() > 1 {
                match text_arg(ctx, 1) {
                    Some(c) => Some(c),
                    None => return Ok(None),
                }
            } else {
                None
            };
            let st = seq.lock();
            with_handle(&st, &auth, |c| {
                crate::catalog::describe::obj_description(c, oid, catalog.as_deref())
            })
            .map_err(|e| function_error(&e))
        })?;
    }
    {
        let (seq, auth) = (Arc::clone(seq), Arc::clone(auth));
        conn.create_scalar_function(symbol::COL_DESCRIPTION, 2, volatile, move |ctx| {
            let (ValueRef::Integer(oid), ValueRef::Integer(attnum)) =
                (ctx.get_raw(0), ctx.get_raw(1))
            else {
                return Ok(None);
            };
            let st = seq.lock();
            with_handle(&st, &auth, |c| {
                crate::catalog::describe::col_description(c, oid, attnum)
            })
            .map_err(|e| function_error(&e))
        })?;
    }
    Ok(())
}
