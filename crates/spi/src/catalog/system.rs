//! The system catalogs of schemas `pg_catalog` and `information_schema`: what each relation
//! is (name, PostgreSQL's OID, columns with their types — [`spec`]), where its rows come from
//! ([`rows`]), and the SQLite objects that serve them ([`vtab`]).
//!
//! Every catalog relation is an eponymous virtual table named `schema.name`
//! (`pg_catalog.pg_class`, `information_schema.tables`): registered on every connection at
//! open (no per-connection schema to build, nothing a rollback can undo), never shadowed by a
//! client's table (a client cannot create schema `pg_catalog`). A relation's rows are either
//! a SQL query over minipg's catalog tables and the other catalog relations, run on the same
//! connection when SQLite scans it (so it sees the scanning statement's snapshot), or made in
//! Rust (the type and function catalogs, settings, databases, and what [`derived`] reads from
//! SQLite's DDL). Equality constraints on any column are passed down to the query or the
//! Rust source, so `WHERE c.oid = …` and the joins psql writes stay cheap.
//!
//! OIDs, the same in every process and across restarts: schemas and relations use their
//! `minipg_namespace` / `minipg_class` OIDs; catalog relations and built-in schemas use
//! PostgreSQL's; types use PostgreSQL's; functions use `sql::func::catalog::proc_oid`;
//! constraints, constraint indexes and column defaults use [`derived`]'s computed OIDs;
//! databases other than `postgres` (5) a hash of their name (see [`rows`]); the one role is
//! the bootstrap superuser (10).
//!
//! Invariant: the relations here are read-only for clients (`Relation::system`); their
//! definitions never change at run time. Never: writes the database.

pub(crate) mod deparse;
pub(crate) mod derived;
pub(crate) mod functions;
mod rows;
mod spec;
mod vtab;

use std::sync::OnceLock;

use rusqlite::Connection;
use sql::catalog::{RelColumn, RelKind, Relation};
use sql::types::{Type, Typmod};

/// The schema a catalog relation belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Namespace {
    PgCatalog,
    InformationSchema,
    /// minipg's helpers for the other relations' queries: not visible to SQL.
    MinipgCatalog,
}

impl Namespace {
    const ALL: [Namespace; 3] = [
        Namespace::PgCatalog,
        Namespace::InformationSchema,
        Namespace::MinipgCatalog,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Namespace::PgCatalog => "pg_catalog",
            Namespace::InformationSchema => "information_schema",
            Namespace::MinipgCatalog => "minipg_catalog",
        }
    }

    /// The schema's OID (`pg_namespace`).
    pub(crate) fn oid(self) -> u32 {
        match self {
            Namespace::PgCatalog => 11,
            Namespace::InformationSchema => 13_183,
            Namespace::MinipgCatalog => 0,
        }
    }
}

/// One catalog relation.
pub(crate) struct SystemRelation {
    pub schema: Namespace,
    pub name: &'static str,
    pub oid: u32,
    /// `r` (a catalog table in PostgreSQL) or `v` (a view).
    pub relkind: char,
    /// PostgreSQL's columns, then `tableoid` for a catalog table (see [`Self::tableoid`]).
    pub columns: Vec<RelColumn>,
    pub source: rows::Source,
    /// The last column is the system column `tableoid` (the relation's own OID, which
    /// pg_dump reads): catalog tables have it, views do not. Sources produce the columns
    /// before it; the virtual table adds it.
    pub tableoid: bool,
}

impl SystemRelation {
    /// The SQLite object serving it.
    pub(crate) fn sqlite_name(&self) -> String {
        format!("{}.{}", self.schema.name(), self.name)
    }

    /// The relation as the analyzer sees it.
    pub(crate) fn relation(&self) -> Relation {
        Relation {
            oid: self.oid,
            schema: self.schema.name().to_string(),
            name: self.name.to_string(),
            kind: if self.relkind == 'v' {
                RelKind::View
            } else {
                RelKind::Table
            },
            sqlite_name: self.sqlite_name(),
            columns: self.columns.clone(),
            system: true,
        }
    }
}

/// A column type of [`spec`]: a `pg_type.typname` (`_x` for arrays), with `(n)` a typmod.
fn column_type(text: &str) -> Option<(Type, Typmod)> {
    let (name, typmod) = match text.split_once('(') {
        Some((n, rest)) => (
            n,
            rest.trim_end_matches(')').parse::<Typmod>().unwrap_or(-1),
        ),
        None => (text, -1),
    };
    let ty = sql::types::all_types().find(|t| t.name == name)?;
    Some((Type(ty.oid), typmod))
}

fn parse_columns(text: &str) -> Vec<RelColumn> {
    text.split_whitespace()
        .filter_map(|c| {
            let (name, ty) = c.split_once(':')?;
            let (ty, typmod) = column_type(ty).unwrap_or((Type::TEXT, -1));
            Some(RelColumn::new(name, ty, typmod))
        })
        .collect()
}

/// Every catalog relation.
pub(crate) fn all() -> &'static [SystemRelation] {
    static ALL: OnceLock<Vec<SystemRelation>> = OnceLock::new();
    ALL.get_or_init(|| {
        spec::relations()
            .into_iter()
            .map(|(schema, name, oid, relkind, columns)| {
                let mut columns = parse_columns(columns);
                let tableoid = relkind == 'r';
                if tableoid {
                    columns.push(RelColumn {
                        not_null: true,
                        ..RelColumn::new("tableoid", Type::OID, -1)
                    });
                }
                SystemRelation {
                    schema,
                    name,
                    oid,
                    relkind,
                    columns,
                    source: rows::source(schema, name),
                    tableoid,
                }
            })
            .collect()
    })
}

/// The catalog relation `name` of `schema` (`None`: `pg_catalog`, where unqualified names
/// are looked up first). minipg's helpers are never found.
pub(crate) fn lookup(schema: Option<&str>, name: &str) -> Option<&'static SystemRelation> {
    let wanted = match schema {
        None | Some("pg_catalog") => Namespace::PgCatalog,
        Some("information_schema") => Namespace::InformationSchema,
        Some(_) => return None,
    };
    all().iter().find(|r| r.schema == wanted && r.name == name)
}

/// The catalog relation with OID `oid`.
pub(crate) fn by_oid(oid: u32) -> Option<&'static SystemRelation> {
    all()
        .iter()
        .find(|r| r.oid == oid && r.schema != Namespace::MinipgCatalog)
}

/// Registers every catalog relation and the helper functions their queries use on `conn`.
pub(crate) fn register(conn: &Connection) -> rusqlite::Result<()> {
    vtab::register(conn, all())?;
    functions::register_helpers(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_relations_have_postgresql_columns() {
        let class = lookup(None, "pg_class").expect("pg_class");
        assert_eq!(class.oid, 1259);
        assert_eq!(class.columns.len(), 34, "33 and tableoid");
        assert_eq!(class.columns[16].name, "relkind");
        assert_eq!(class.columns[16].ty, Type::CHAR);
        let tables = lookup(Some("information_schema"), "tables").expect("tables");
        assert_eq!(tables.columns[2].ty, Type::NAME);
        assert!(lookup(Some("minipg_catalog"), "system_class").is_none());
        assert!(lookup(Some("public"), "pg_class").is_none());
        let mut oids: Vec<u32> = all()
            .iter()
            .filter(|r| r.schema != Namespace::MinipgCatalog)
            .map(|r| r.oid)
            .collect();
        let n = oids.len();
        oids.sort_unstable();
        oids.dedup();
        assert_eq!(oids.len(), n, "two catalog relations share an OID");
        // Every column of relations.txt is read, under some relation.
        let relations = spec::relations();
        let columns: usize = relations
            .iter()
            .map(|r| r.4.split_whitespace().count())
            .sum();
        let written = include_str!("system/relations.txt")
            .lines()
            .filter(|l| l.starts_with(' '))
            .map(|l| l.matches(':').count())
            .sum();
        assert_eq!(columns, written);
        for (_, name, _, _, columns) in relations {
            for c in columns.split_whitespace() {
                let ty = c.split_once(':').map_or("", |(_, t)| t);
                assert!(column_type(ty).is_some(), "{name}: {c}");
            }
        }
    }
}
