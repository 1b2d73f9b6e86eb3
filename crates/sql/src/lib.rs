//! PostgreSQL's SQL front end for minipg: parse, analyze, types, functions, and the translation
//! of a statement into SQLite SQL that keeps PostgreSQL's semantics.
//!
//! Pipeline (one direction): text → `parse` (sqlparser's PostgreSQL grammar) → `analyze`
//! (names, PostgreSQL's type rules: operator and function resolution, implicit casts, unknown
//! literals and parameters resolved from context) → `plan` (SQLite SQL plus result columns,
//! parameter types and the command tag) — executed by the `spi` crate, which registers this
//! crate's runtime functions ([`func`]) on every connection.
//!
//! Owns: the type catalog ([`types`]), the function/operator/cast catalog ([`func`]), value
//! input and output, SQLSTATEs ([`error::sqlstate`]).
//! Never: does I/O or touches SQLite. What it must know about the database (relations, columns,
//! schemas) it asks through a catalog trait the caller implements.

pub mod env;
pub mod error;
pub mod func;
pub mod parse;
pub mod types;
pub mod value;

pub use env::Env;
pub use error::{Result, SqlError, sqlstate};
pub use types::{Oid, Type, Typmod};
pub use value::Value;
