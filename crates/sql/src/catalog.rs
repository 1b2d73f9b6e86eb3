//! What the analyzer must know about the database, asked through [`Catalog`], and the one
//! mapping from a PostgreSQL relation name to the SQLite object that stores it
//! ([`sqlite_name`]).
//!
//! The host (the `spi` crate) implements [`Catalog`] over minipg's catalog tables in each
//! database file; tests implement it over a vector. System relations (`pg_namespace`,
//! `pg_stat_activity`, …) are relations of schema `pg_catalog` like any other, with the SQLite
//! object that serves them as their `sqlite_name`.

use crate::error::Result;
use crate::types::{Oid, Type, Typmod};

/// `pg_class.relkind`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RelKind {
    Table,
    View,
    Index,
    Sequence,
}

impl RelKind {
    /// The letter `pg_class.relkind` shows.
    pub fn code(self) -> char {
        match self {
            RelKind::Table => 'r',
            RelKind::View => 'v',
            RelKind::Index => 'i',
            RelKind::Sequence => 'S',
        }
    }

    /// The word PostgreSQL uses in messages (`"t" is not a table`).
    pub fn noun(self) -> &'static str {
        match self {
            RelKind::Table => "table",
            RelKind::View => "view",
            RelKind::Index => "index",
            RelKind::Sequence => "sequence",
        }
    }
}

/// One column of a relation (`pg_attribute` plus its default).
#[derive(Clone, Debug, PartialEq)]
pub struct RelColumn {
    pub name: String,
    pub ty: Type,
    pub typmod: Typmod,
    pub not_null: bool,
    /// The default expression in PostgreSQL's syntax, if any.
    pub default: Option<String>,
}

/// A relation the analyzer can read or write.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    pub oid: Oid,
    pub schema: String,
    pub name: String,
    pub kind: RelKind,
    /// The SQLite object (table, view or eponymous virtual table) holding it, unquoted.
    pub sqlite_name: String,
    pub columns: Vec<RelColumn>,
    /// A system relation: read-only for clients.
    pub system: bool,
}

/// The analyzer's questions about the database. Lookups are exact (names already folded).
pub trait Catalog {
    /// The relation `name` in `schema`, or, without a schema, the first found along
    /// `pg_catalog` and then the search path.
    fn relation(&self, schema: Option<&str>, name: &str) -> Result<Option<Relation>>;

    /// Does the schema exist?
    fn schema_exists(&self, name: &str) -> Result<bool>;

    /// The schemas of `search_path` that exist, in order (`$user` resolved): where unqualified
    /// names are looked up after `pg_catalog`, and the first is where they are created.
    fn search_path(&self) -> Vec<String>;

    /// Stops a long analysis when the session was cancelled or timed out (57014, 57P01…).
    fn check_interrupts(&self) -> Result<()> {
        Ok(())
    }
}

/// The SQLite object name of relation `name` in `schema`: `public` keeps the bare name, any other
/// schema is `schema.name` (a schema name never contains `.`, so the first dot separates them).
pub fn sqlite_name(schema: &str, name: &str) -> String {
    if schema == "public" {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}

/// The inverse of [`sqlite_name`], for messages.
pub fn pg_name(sqlite_name: &str) -> (String, String) {
    match sqlite_name.split_once('.') {
        Some((schema, name)) if !schema.is_empty() => (schema.to_string(), name.to_string()),
        _ => ("public".to_string(), sqlite_name.to_string()),
    }
}

/// `name` as an SQLite identifier: always double-quoted, `"` doubled.
pub fn quote_sqlite(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 2);
    s.push('"');
    for c in name.chars() {
        if c == '"' {
            s.push('"');
        }
        s.push(c);
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        assert_eq!(sqlite_name("public", "t"), "t");
        assert_eq!(sqlite_name("s", "t"), "s.t");
        assert_eq!(pg_name("s.t"), ("s".into(), "t".into()));
        assert_eq!(pg_name("t"), ("public".into(), "t".into()));
        assert_eq!(quote_sqlite("a\"b"), "\"a\"\"b\"");
    }
}
