//! Constraints and indexes as PostgreSQL's catalog has them (`pg_constraint`, `pg_index`,
//! the `pg_class` rows of constraint indexes), read from what SQLite keeps: the text of each
//! table's `CREATE TABLE` (named `CONSTRAINT … PRIMARY KEY / UNIQUE / CHECK / FOREIGN KEY`
//! items as the front end writes them, or the `INTEGER PRIMARY KEY` of a serial key) and of
//! each `CREATE INDEX`, plus minipg's own rows (`minipg_class`, `minipg_attribute`).
//!
//! **Derived OIDs.** A constraint, the index behind a primary key or unique constraint, and a
//! column default have no row of their own in minipg's catalog, so their OIDs are computed
//! from their table's OID `T` (≥ 16384) and their place in it:
//! `DERIVED_BASE + ((T − 16384) mod 2^19) · 4096 + k`, with `k = 2i` for the `i`-th
//! constraint of the table (in the order of its `CREATE TABLE` text), `2i + 1` for that
//! constraint's index, and `2048 + attnum` for a column's default. The same in every process
//! and across restarts, never colliding with counter-allocated OIDs (those stay below 2^31)
//! — within 1,024 constraints and 2,047 columns per table, and while fewer than 2^19 OIDs
//! have been handed out (past that, two tables can share a range: documented in
//! docs/sql-compat.md).
//!
//! Invariant: reading never fails on text minipg did not write — an item it does not
//! recognize is skipped. Parsed tables are cached by their `CREATE TABLE` text, which is
//! their whole content (so a cached entry is never stale).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::{Connection, OptionalExtension, params};
use sql::types::{Type, Typmod};

use super::deparse::{self, ColumnType};
use crate::catalog::BUILTIN_SCHEMAS;
use crate::quote::quote_identifier;

/// Where derived OIDs start.
pub(crate) const DERIVED_BASE: u32 = 0x8000_0000;
const FIRST_NORMAL: u32 = 16_384;
const SLOTS: u32 = 4096;
const TABLES: u32 = 1 << 19;

/// The OID of sub-object `k` of table `table`.
pub(crate) fn derived_oid(table: u32, k: u32) -> u32 {
    let t = table.saturating_sub(FIRST_NORMAL) % TABLES;
    DERIVED_BASE + t * SLOTS + (k % SLOTS)
}

/// The table and slot of a derived OID.
pub(crate) fn derived_owner(oid: u32) -> Option<(u32, u32)> {
    let off = oid.checked_sub(DERIVED_BASE)?;
    Some((off / SLOTS + FIRST_NORMAL, off % SLOTS))
}

/// One column of a table.
#[derive(Clone, Debug)]
pub(crate) struct Column {
    pub name: String,
    pub ty: Type,
    pub typmod: Typmod,
    pub attnum: i16,
    pub not_null: bool,
}

/// A foreign key's far side.
#[derive(Clone, Debug)]
pub(crate) struct ForeignKey {
    /// The referenced table's SQLite name.
    pub table: String,
    pub columns: Vec<String>,
    /// `pg_constraint.confupdtype` / `confdeltype` codes.
    pub on_update: char,
    pub on_delete: char,
}

/// One constraint.
#[derive(Clone, Debug)]
pub(crate) struct Constraint {
    pub oid: u32,
    pub name: String,
    /// `p`, `u`, `c` or `f`.
    pub kind: char,
    pub columns: Vec<i16>,
    /// A CHECK's expression (SQLite's text).
    pub check: Option<String>,
    pub fk: Option<ForeignKey>,
    pub deferrable: bool,
    pub deferred: bool,
    /// The OID of its index (primary key and unique), else 0.
    pub index: u32,
}

/// One key column of an index.
#[derive(Clone, Debug)]
pub(crate) struct IndexKey {
    /// The column, or 0 for an expression.
    pub attnum: i16,
    /// The expression (SQLite's text).
    pub expr: Option<String>,
    pub desc: bool,
}

/// One index.
#[derive(Clone, Debug)]
pub(crate) struct Index {
    pub oid: u32,
    pub name: String,
    pub unique: bool,
    pub primary: bool,
    pub keys: Vec<IndexKey>,
    /// The predicate of a partial index (SQLite's text).
    pub predicate: Option<String>,
    /// The constraint it implements, if any.
    pub constraint: Option<u32>,
}

/// A table with what PostgreSQL's catalog says about it.
#[derive(Clone, Debug)]
pub(crate) struct Table {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    pub namespace: i64,
    pub columns: Vec<Column>,
    pub constraints: Vec<Constraint>,
    pub indexes: Vec<Index>,
}

impl Table {
    pub(crate) fn column_types(&self) -> Vec<ColumnType> {
        self.columns
            .iter()
            .map(|c| ColumnType {
                name: c.name.clone(),
                ty: c.ty,
            })
            .collect()
    }

    fn attnum(&self, name: &str) -> i16 {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .map_or(0, |c| c.attnum)
    }

    fn column_name(&self, attnum: i16) -> String {
        self.columns
            .iter()
            .find(|c| c.attnum == attnum)
            .map_or_else(String::new, |c| c.name.clone())
    }

    /// `schema.name` as PostgreSQL qualifies it (always, for pg_get_indexdef's plain form).
    fn qualified(&self) -> String {
        format!(
            "{}.{}",
            quote_identifier(&self.schema),
            quote_identifier(&self.name)
        )
    }

    /// The name as `pretty` output shows it: qualified unless the search path finds it.
    fn shown(&self, pretty: bool, visible: &dyn Fn(&str, &str) -> bool) -> String {
        if pretty && visible(&self.schema, &self.name) {
            quote_identifier(&self.name).into_owned()
        } else {
            self.qualified()
        }
    }
}

/// The OID of schema `name` (built in or from `minipg_namespace`).
pub(crate) fn namespace_oid(conn: &Connection, name: &str) -> rusqlite::Result<i64> {
    if let Some((_, oid)) = BUILTIN_SCHEMAS.iter().find(|(n, _)| *n == name) {
        return Ok(*oid);
    }
    Ok(conn
        .query_row(
            "SELECT oid FROM main.minipg_namespace WHERE nspname = ?1",
            [name],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

thread_local! {
    /// Parsed `CREATE TABLE` / `CREATE INDEX` texts (their content is their key).
    static PARSED: RefCell<HashMap<String, Rc<Parsed>>> = RefCell::new(HashMap::new());
}

/// What a table's `CREATE TABLE` text says.
#[derive(Debug, Default)]
struct Parsed {
    constraints: Vec<RawConstraint>,
}

#[derive(Debug, Clone)]
struct RawConstraint {
    name: Option<String>,
    kind: char,
    columns: Vec<String>,
    check: Option<String>,
    fk: Option<ForeignKey>,
    deferrable: bool,
    deferred: bool,
}

fn parsed(sql: &str) -> Rc<Parsed> {
    PARSED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(p) = cache.get(sql) {
            return Rc::clone(p);
        }
        if cache.len() > 4096 {
            cache.clear();
        }
        let p = Rc::new(parse_create_table(sql));
        cache.insert(sql.to_string(), Rc::clone(&p));
        p
    })
}

/// What one reading of the file's catalog gives: every table with its constraints and
/// indexes, and which table owns each index.
#[derive(Default)]
pub(crate) struct Loaded {
    pub tables: Vec<Rc<Table>>,
    by_oid: HashMap<u32, usize>,
    index_owner: HashMap<u32, u32>,
}

/// When a [`Loaded`] is still the file's catalog: the same connection (by file), no write
/// by it since (every catalog change writes `minipg_class` or `minipg_attribute`, and a
/// rolled-back one still counts), the same schema cookie, and no commit by another
/// connection (`data_version`).
#[derive(Clone, PartialEq, Eq)]
struct Token {
    /// The connection (its handle's address: two connections to one file differ).
    handle: usize,
    path: String,
    changes: u64,
    schema: i64,
    data: i64,
}

fn token(conn: &Connection) -> rusqlite::Result<Token> {
    // SAFETY: the handle is only compared as a number, never dereferenced here.
    let handle = unsafe { conn.handle() } as usize;
    Ok(Token {
        handle,
        path: conn.path().unwrap_or("").to_string(),
        changes: conn.total_changes(),
        schema: conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?,
        data: conn.query_row("PRAGMA data_version", [], |r| r.get(0))?,
    })
}

thread_local! {
    /// The last reading, reused while its token holds (a catalog query asks for the same
    /// tables once per row of another relation).
    static LOADED: RefCell<Option<(Token, Rc<Loaded>)>> = const { RefCell::new(None) };
}

/// The session ended: a later connection may get this one's address and counters, so no
/// reading of this one's may be taken for its.
pub(crate) fn forget() {
    LOADED.with(|l| l.borrow_mut().take());
    PARSED.with(|p| p.borrow_mut().clear());
}

/// The file's tables, read once per catalog state (see [`Token`]).
pub(crate) fn loaded(conn: &Connection) -> rusqlite::Result<Rc<Loaded>> {
    let tok = token(conn)?;
    if let Some(l) = LOADED.with(|c| {
        c.borrow()
            .as_ref()
            .filter(|(t, _)| *t == tok)
            .map(|(_, l)| Rc::clone(l))
    }) {
        return Ok(l);
    }
    let l = Rc::new(load(conn)?);
    LOADED.with(|c| *c.borrow_mut() = Some((tok, Rc::clone(&l))));
    Ok(l)
}

/// The tables (`relkind = 'r'`) of the file, or only `only`.
pub(crate) fn tables(conn: &Connection, only: Option<u32>) -> rusqlite::Result<Vec<Rc<Table>>> {
    let l = loaded(conn)?;
    Ok(match only {
        Some(oid) => l
            .by_oid
            .get(&oid)
            .and_then(|i| l.tables.get(*i))
            .cloned()
            .into_iter()
            .collect(),
        None => l.tables.clone(),
    })
}

/// The table owning an index (by index OID, derived or not) or a constraint.
pub(crate) fn table_of_object(conn: &Connection, oid: u32) -> rusqlite::Result<Option<u32>> {
    if let Some((table, _)) = derived_owner(oid) {
        return Ok(Some(table));
    }
    Ok(loaded(conn)?.index_owner.get(&oid).copied())
}

/// The table with OID `oid`, with its constraints and indexes.
pub(crate) fn table(conn: &Connection, oid: u32) -> rusqlite::Result<Option<Rc<Table>>> {
    Ok(tables(conn, Some(oid))?.into_iter().next())
}

/// Reads every table of the file: four queries, whatever the number of tables.
fn load(conn: &Connection) -> rusqlite::Result<Loaded> {
    let sqls: HashMap<String, String> = conn
        .prepare("SELECT name, sql FROM main.sqlite_schema WHERE sql IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut columns: HashMap<i64, Vec<Column>> = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT attrelid, attname, atttypid, atttypmod, attnum, attnotnull \
         FROM main.minipg_attribute ORDER BY attrelid, attnum",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        columns.entry(r.get(0)?).or_default().push(Column {
            name: r.get(1)?,
            ty: Type(u32::try_from(r.get::<_, i64>(2)?).unwrap_or(0)),
            typmod: i32::try_from(r.get::<_, i64>(3)?).unwrap_or(-1),
            attnum: i16::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
            not_null: r.get::<_, i64>(5)? != 0,
        });
    }
    let relations: Vec<(i64, String, String, String, String, Option<i64>)> = conn
        .prepare(
            "SELECT oid, relnamespace, relname, relkind, sqlite_name, reltable \
             FROM main.minipg_class WHERE relkind IN ('r', 'i') ORDER BY oid",
        )?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut namespaces: HashMap<String, i64> = HashMap::new();
    let mut indexes: HashMap<i64, Vec<(i64, String, String)>> = HashMap::new();
    for (oid, _, name, kind, sqlite_name, table) in &relations {
        if kind == "i"
            && let Some(t) = table
        {
            let sql = sqls.get(sqlite_name).cloned().unwrap_or_default();
            indexes
                .entry(*t)
                .or_default()
                .push((*oid, name.clone(), sql));
        }
    }
    let mut out = Loaded::default();
    for (oid, schema, name, kind, sqlite_name, _) in relations {
        if kind != "r" {
            continue;
        }
        let namespace = match namespaces.get(&schema) {
            Some(n) => *n,
            None => {
                let n = namespace_oid(conn, &schema)?;
                namespaces.insert(schema.clone(), n);
                n
            }
        };
        let sql = sqls.get(&sqlite_name).map_or("", String::as_str);
        let table = build_table(
            u32::try_from(oid).unwrap_or(0),
            schema,
            name,
            namespace,
            columns.remove(&oid).unwrap_or_default(),
            sql,
            indexes.remove(&oid).unwrap_or_default(),
        );
        for idx in &table.indexes {
            out.index_owner.insert(idx.oid, table.oid);
        }
        out.by_oid.insert(table.oid, out.tables.len());
        out.tables.push(Rc::new(table));
    }
    Ok(out)
}

fn build_table(
    oid: u32,
    schema: String,
    name: String,
    namespace: i64,
    columns: Vec<Column>,
    sql: &str,
    indexes: Vec<(i64, String, String)>,
) -> Table {
    let mut table = Table {
        oid,
        schema,
        name,
        namespace,
        columns,
        constraints: Vec::new(),
        indexes: Vec::new(),
    };
    let p = parsed(sql);
    let mut used: Vec<String> = Vec::new();
    for (i, raw) in p.constraints.iter().enumerate() {
        let i = u32::try_from(i).unwrap_or(0);
        let name = raw
            .name
            .clone()
            .unwrap_or_else(|| default_name(&table.name, raw, &used));
        used.push(name.clone());
        let oid = derived_oid(table.oid, 2 * i);
        let index = if matches!(raw.kind, 'p' | 'u') {
            derived_oid(table.oid, 2 * i + 1)
        } else {
            0
        };
        let columns: Vec<i16> = raw.columns.iter().map(|c| table.attnum(c)).collect();
        if index != 0 {
            table.indexes.push(Index {
                oid: index,
                name: name.clone(),
                unique: true,
                primary: raw.kind == 'p',
                keys: columns
                    .iter()
                    .map(|a| IndexKey {
                        attnum: *a,
                        expr: None,
                        desc: false,
                    })
                    .collect(),
                predicate: None,
                constraint: Some(oid),
            });
        }
        table.constraints.push(Constraint {
            oid,
            name,
            kind: raw.kind,
            columns,
            check: raw.check.clone(),
            fk: raw.fk.clone(),
            deferrable: raw.deferrable,
            deferred: raw.deferred,
            index,
        });
    }
    for (ioid, iname, isql) in indexes {
        let Some((unique, keys, predicate)) = parse_create_index(&isql) else {
            continue;
        };
        let keys = keys
            .into_iter()
            .map(|(text, desc)| match unquote_ident(&text) {
                Some(col) => IndexKey {
                    attnum: table.attnum(&col),
                    expr: None,
                    desc,
                },
                None => IndexKey {
                    attnum: 0,
                    expr: Some(text),
                    desc,
                },
            })
            .collect();
        table.indexes.push(Index {
            oid: u32::try_from(ioid).unwrap_or(0),
            name: iname,
            unique,
            primary: false,
            keys,
            predicate,
            constraint: None,
        });
    }
    table
}

/// PostgreSQL's default constraint names: `t_pkey`, `t_a_b_key`, `t_a_check`, `t_a_fkey`.
fn default_name(table: &str, c: &RawConstraint, used: &[String]) -> String {
    let cols = if c.columns.is_empty() {
        String::new()
    } else {
        format!("_{}", c.columns.join("_"))
    };
    let base = match c.kind {
        'p' => format!("{table}_pkey"),
        'u' => format!("{table}{cols}_key"),
        'f' => format!("{table}{cols}_fkey"),
        _ => format!("{table}{cols}_check"),
    };
    let mut name = base.clone();
    let mut n = 1;
    while used.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

// ---- reading SQLite's DDL text ----

/// The byte index of the quote closing the one at `open` (a doubled quote stands for itself),
/// or the end of `b`.
fn closing_quote(b: &[u8], open: usize) -> usize {
    let q = b[open];
    let mut i = open + 1;
    while i < b.len() {
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 1;
            } else {
                break;
            }
        }
        i += 1;
    }
    i
}

/// The byte index of the `)` matching the `(` at `open`, quotes respected.
fn matching_paren(s: &str, open: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' | b'`' => i = closing_quote(b, i),
            b'(' => depth += 1,
            b')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Splits at top-level commas (outside parentheses and quotes).
fn split_top(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\'' | b'"' | b'`' => i = closing_quote(b, i),
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                out.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let last = s[start..].trim();
    if !last.is_empty() {
        out.push(last);
    }
    out
}

/// `"a""b"` → `a"b`; a bare word as it is; `None` for anything else.
fn unquote_ident(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix('"').and_then(|x| x.strip_suffix('"')) {
        if inner.replace("\"\"", "").contains('"') {
            return None;
        }
        return Some(inner.replace("\"\"", "\""));
    }
    (!s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')).then(|| s.to_string())
}

/// The leading identifier of `s` and the rest.
fn leading_ident(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    if s.starts_with('"') {
        let b = s.as_bytes();
        let mut i = 1;
        while i < b.len() {
            if b[i] == b'"' {
                if b.get(i + 1) == Some(&b'"') {
                    i += 2;
                    continue;
                }
                return Some((s[1..i].replace("\"\"", "\""), &s[i + 1..]));
            }
            i += 1;
        }
        None
    } else {
        let end = s
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        (end > 0).then(|| (s[..end].to_string(), &s[end..]))
    }
}

fn starts_with_word<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let t = s.trim_start();
    let head = t.get(..word.len())?;
    if head.eq_ignore_ascii_case(word)
        && t[word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
    {
        Some(&t[word.len()..])
    } else {
        None
    }
}

/// The parenthesized list at the start of `s` (after blanks) and the rest.
fn paren_list(s: &str) -> Option<(&str, &str)> {
    let t = s.trim_start();
    if !t.starts_with('(') {
        return None;
    }
    let close = matching_paren(t, 0)?;
    Some((&t[1..close], &t[close + 1..]))
}

fn ident_list(s: &str) -> Vec<String> {
    split_top(s)
        .into_iter()
        .filter_map(|item| leading_ident(item).map(|(n, _)| n))
        .collect()
}

fn action_code(words: &str) -> char {
    let w = words.to_ascii_uppercase();
    if w.starts_with("CASCADE") {
        'c'
    } else if w.starts_with("SET NULL") {
        'n'
    } else if w.starts_with("SET DEFAULT") {
        'd'
    } else if w.starts_with("RESTRICT") {
        'r'
    } else {
        'a'
    }
}

/// A constraint body after its optional `CONSTRAINT name`.
fn constraint_body(
    name: Option<String>,
    body: &str,
    column: Option<&str>,
) -> Option<RawConstraint> {
    let upper = body.to_ascii_uppercase();
    let deferrable = upper.contains("DEFERRABLE") && !upper.contains("NOT DEFERRABLE");
    let deferred = upper.contains("INITIALLY DEFERRED");
    let mut c = RawConstraint {
        name,
        kind: 'c',
        columns: Vec::new(),
        check: None,
        fk: None,
        deferrable,
        deferred,
    };
    if let Some(rest) = starts_with_word(body, "PRIMARY") {
        let rest = starts_with_word(rest, "KEY")?;
        c.kind = 'p';
        c.columns = match paren_list(rest) {
            Some((list, _)) => ident_list(list),
            None => column.map(|c| vec![c.to_string()]).unwrap_or_default(),
        };
        return Some(c);
    }
    if let Some(rest) = starts_with_word(body, "UNIQUE") {
        c.kind = 'u';
        c.columns = match paren_list(rest) {
            Some((list, _)) => ident_list(list),
            None => column.map(|c| vec![c.to_string()]).unwrap_or_default(),
        };
        return Some(c);
    }
    if let Some(rest) = starts_with_word(body, "CHECK") {
        let (expr, _) = paren_list(rest)?;
        c.kind = 'c';
        c.check = Some(expr.trim().to_string());
        c.columns = column.map(|c| vec![c.to_string()]).unwrap_or_default();
        return Some(c);
    }
    let (cols, rest) = if let Some(rest) = starts_with_word(body, "FOREIGN") {
        let rest = starts_with_word(rest, "KEY")?;
        let (list, rest) = paren_list(rest)?;
        (ident_list(list), rest)
    } else {
        (
            column.map(|c| vec![c.to_string()]).unwrap_or_default(),
            body,
        )
    };
    let rest = starts_with_word(rest, "REFERENCES")?;
    let (table, rest) = leading_ident(rest)?;
    let (ref_cols, rest) = match paren_list(rest) {
        Some((list, rest)) => (ident_list(list), rest),
        None => (Vec::new(), rest),
    };
    let upper_rest = rest.to_ascii_uppercase();
    let on = |what: &str| {
        upper_rest.find(what).map_or('a', |at| {
            action_code(upper_rest[at + what.len()..].trim_start())
        })
    };
    c.kind = 'f';
    c.columns = cols;
    c.fk = Some(ForeignKey {
        table,
        columns: ref_cols,
        on_update: on("ON UPDATE"),
        on_delete: on("ON DELETE"),
    });
    Some(c)
}

fn parse_create_table(sql: &str) -> Parsed {
    let mut out = Parsed::default();
    let Some(open) = sql.find('(') else {
        return out;
    };
    let Some(close) = matching_paren(sql, open) else {
        return out;
    };
    let mut table_level = Vec::new();
    for item in split_top(&sql[open + 1..close]) {
        if let Some(rest) = starts_with_word(item, "CONSTRAINT") {
            if let Some((name, body)) = leading_ident(rest)
                && let Some(c) = constraint_body(Some(name), body, None)
            {
                table_level.push(c);
            }
            continue;
        }
        if ["PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
            .iter()
            .any(|w| starts_with_word(item, w).is_some())
        {
            if let Some(c) = constraint_body(None, item, None) {
                table_level.push(c);
            }
            continue;
        }
        // A column definition: column-level key constraints (a serial primary key is
        // `"id" INTEGER PRIMARY KEY AUTOINCREMENT`).
        let Some((column, rest)) = leading_ident(item) else {
            continue;
        };
        let upper = rest.to_ascii_uppercase();
        if let Some(at) = upper.find("PRIMARY KEY")
            && let Some(c) = constraint_body(None, &rest[at..], Some(&column))
        {
            out.constraints.push(c);
        }
        if let Some(at) = find_word(&upper, "UNIQUE")
            && let Some(c) = constraint_body(None, &rest[at..], Some(&column))
        {
            out.constraints.push(c);
        }
    }
    out.constraints.extend(table_level);
    out
}

/// The position of `word` in `upper` outside quotes and parentheses, as a whole word.
fn find_word(upper: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = upper[from..].find(word) {
        let at = from + at;
        let before_ok = at == 0
            || !upper[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after_ok = upper[at + word.len()..]
            .chars()
            .next()
            .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
        if before_ok
            && after_ok
            && upper[..at].matches('(').count() == upper[..at].matches(')').count()
        {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// `CREATE [UNIQUE] INDEX name ON table (keys) [WHERE predicate]`: (unique, keys with their
/// DESC flag, predicate).
type IndexParts = (bool, Vec<(String, bool)>, Option<String>);

fn parse_create_index(sql: &str) -> Option<IndexParts> {
    let rest = starts_with_word(sql, "CREATE")?;
    let (unique, rest) = match starts_with_word(rest, "UNIQUE") {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let rest = starts_with_word(rest, "INDEX")?;
    let rest = match starts_with_word(rest, "IF") {
        Some(r) => starts_with_word(starts_with_word(r, "NOT")?, "EXISTS")?,
        None => rest,
    };
    let (_, rest) = leading_ident(rest)?;
    let rest = starts_with_word(rest, "ON")?;
    let (_, rest) = leading_ident(rest)?;
    let (list, rest) = paren_list(rest)?;
    let keys = split_top(list)
        .into_iter()
        .map(|k| {
            let mut text = k.trim();
            let mut desc = false;
            loop {
                let upper = text.to_ascii_uppercase();
                if let Some(t) = upper.strip_suffix(" DESC") {
                    desc = true;
                    text = text[..t.len()].trim_end();
                } else if let Some(t) = upper.strip_suffix(" ASC") {
                    text = text[..t.len()].trim_end();
                } else if let Some(at) = find_word(&upper, "COLLATE") {
                    text = text[..at].trim_end();
                } else {
                    break;
                }
            }
            (text.to_string(), desc)
        })
        .collect();
    let predicate = starts_with_word(rest, "WHERE").map(|p| p.trim().to_string());
    Some((unique, keys, predicate))
}

// ---- PostgreSQL's text of constraints and indexes ----

fn column_list(table: &Table, attnums: &[i16]) -> String {
    attnums
        .iter()
        .map(|a| quote_identifier(&table.column_name(*a)).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn action_words(code: char) -> Option<&'static str> {
    match code {
        'c' => Some("CASCADE"),
        'n' => Some("SET NULL"),
        'd' => Some("SET DEFAULT"),
        'r' => Some("RESTRICT"),
        _ => None,
    }
}

/// `pg_get_constraintdef`. `visible(schema, name)`: would the search path find that
/// relation unqualified (a referenced table is qualified otherwise, as in PostgreSQL)?
pub(crate) fn constraint_def(
    table: &Table,
    c: &Constraint,
    pretty: bool,
    visible: &dyn Fn(&str, &str) -> bool,
) -> String {
    let mut s = match c.kind {
        'p' => format!("PRIMARY KEY ({})", column_list(table, &c.columns)),
        'u' => format!("UNIQUE ({})", column_list(table, &c.columns)),
        'c' => {
            let expr = deparse::sqlite_expr(
                c.check.as_deref().unwrap_or("true"),
                &table.column_types(),
                pretty,
            );
            format!("CHECK ({expr})")
        }
        'f' => {
            let fk = c.fk.as_ref();
            let (schema, name) = sql::catalog::pg_name(fk.map_or("", |f| f.table.as_str()));
            let target = if visible(&schema, &name) {
                quote_identifier(&name).into_owned()
            } else {
                format!("{}.{}", quote_identifier(&schema), quote_identifier(&name))
            };
            let mut s = format!(
                "FOREIGN KEY ({}) REFERENCES {target}({})",
                column_list(table, &c.columns),
                fk.map(|f| {
                    f.columns
                        .iter()
                        .map(|n| quote_identifier(n).into_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default()
            );
            if let Some(f) = fk {
                if let Some(w) = action_words(f.on_update) {
                    s.push_str(&format!(" ON UPDATE {w}"));
                }
                if let Some(w) = action_words(f.on_delete) {
                    s.push_str(&format!(" ON DELETE {w}"));
                }
            }
            s
        }
        _ => String::new(),
    };
    if c.deferrable {
        s.push_str(" DEFERRABLE");
    }
    if c.deferred {
        s.push_str(" INITIALLY DEFERRED");
    }
    s
}

/// One key of an index as PostgreSQL lists it.
pub(crate) fn index_key(table: &Table, k: &IndexKey, pretty: bool) -> String {
    let mut s = match &k.expr {
        Some(e) => deparse::index_column(e, &table.column_types(), pretty),
        None => quote_identifier(&table.column_name(k.attnum)).into_owned(),
    };
    if k.desc {
        s.push_str(" DESC");
    }
    s
}

/// `pg_get_indexdef(oid, column, pretty)`: the whole definition, or key `column` (1-based).
/// The table is qualified in the plain form, and in the pretty one when not `visible`.
pub(crate) fn index_def(
    table: &Table,
    idx: &Index,
    column: i64,
    pretty: bool,
    visible: &dyn Fn(&str, &str) -> bool,
) -> String {
    if column > 0 {
        return usize::try_from(column - 1)
            .ok()
            .and_then(|i| idx.keys.get(i))
            .map(|k| index_key(table, k, pretty))
            .unwrap_or_default();
    }
    let keys = idx
        .keys
        .iter()
        .map(|k| index_key(table, k, pretty))
        .collect::<Vec<_>>()
        .join(", ");
    let mut s = format!(
        "CREATE {}INDEX {} ON {} USING btree ({keys})",
        if idx.unique { "UNIQUE " } else { "" },
        quote_identifier(&idx.name),
        table.shown(pretty, visible),
    );
    if let Some(p) = &idx.predicate {
        s.push_str(" WHERE ");
        s.push_str(&deparse::sqlite_expr(p, &table.column_types(), pretty));
    }
    s
}

/// The `pg_index.indkey` text (`1 2`, 0 for an expression).
pub(crate) fn indkey(idx: &Index) -> String {
    idx.keys
        .iter()
        .map(|k| k.attnum.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The OID of the table a foreign key references (0 when it is gone).
pub(crate) fn referenced_oid(conn: &Connection, fk: &ForeignKey) -> rusqlite::Result<i64> {
    Ok(conn
        .query_row(
            "SELECT oid FROM main.minipg_class WHERE sqlite_name = ?1",
            params![fk.table],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_oids_round_trip() {
        let oid = derived_oid(16_390, 5);
        assert!(oid >= DERIVED_BASE);
        assert_eq!(derived_owner(oid), Some((16_390, 5)));
        assert_eq!(derived_owner(16_390), None);
    }

    #[test]
    fn create_table_text_gives_constraints() {
        let p = parse_create_table(
            r#"CREATE TABLE "t" ("id" INT NOT NULL, "name" TEXT DEFAULT ('x') NOT NULL, "price" TEXT COLLATE pg_numeric, CONSTRAINT "t_pkey" PRIMARY KEY ("id"), CONSTRAINT "t_name_price_key" UNIQUE ("name", "price"), CONSTRAINT "t_x_check" CHECK (("type" IN ('a,b', 'c'))), CONSTRAINT "c_fkey" FOREIGN KEY ("t_id") REFERENCES "s.t" ("id") ON DELETE CASCADE ON UPDATE NO ACTION) STRICT"#,
        );
        let kinds: Vec<char> = p.constraints.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, ['p', 'u', 'c', 'f']);
        assert_eq!(p.constraints[1].columns, ["name", "price"]);
        assert_eq!(
            p.constraints[2].check.as_deref(),
            Some(r#"("type" IN ('a,b', 'c'))"#)
        );
        let fk = p.constraints[3].fk.as_ref().expect("fk");
        assert_eq!(fk.table, "s.t");
        assert_eq!(fk.on_delete, 'c');
        assert_eq!(fk.on_update, 'a');
        let serial = parse_create_table(
            r#"CREATE TABLE "child" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "n" INT) STRICT"#,
        );
        assert_eq!(serial.constraints.len(), 1);
        assert_eq!(serial.constraints[0].columns, ["id"]);
    }

    #[test]
    fn create_index_text_gives_keys() {
        let (unique, keys, pred) = parse_create_index(
            r#"CREATE UNIQUE INDEX "schema1.counted_unique_total" ON "schema1.counted" ("type") WHERE ("type" = 'total')"#,
        )
        .expect("parses");
        assert!(unique);
        assert_eq!(keys, [("\"type\"".to_string(), false)]);
        assert_eq!(pred.as_deref(), Some("(\"type\" = 'total')"));
        let (_, keys, _) =
            parse_create_index(r#"CREATE INDEX "dp_idx2" ON "dp" ((pg_int4pl("a", 1)), "d" DESC)"#)
                .expect("parses");
        assert_eq!(
            keys,
            [
                ("(pg_int4pl(\"a\", 1))".to_string(), false),
                ("\"d\"".to_string(), true)
            ]
        );
    }
}
