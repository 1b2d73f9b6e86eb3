//! [`Plan`]: what the front end hands to the executor for one statement — SQLite SQL with its
//! result columns and parameter types, a schema change to carry out, or a utility command.
//! Every executor matches it exhaustively: a new kind of statement does not compile until
//! every path handles it.

use sqlparser::ast;

/// A CREATE SCHEMA element, analyzed once the schema exists.
pub use sqlparser::ast::Statement as SchemaElement;

use crate::catalog::{RelColumn, RelKind, Relation};
use crate::ir::OutColumn;
use crate::types::Type;

/// One analyzed statement.
#[derive(Clone, Debug)]
pub enum Plan {
    /// SELECT, VALUES, INSERT, UPDATE, DELETE: one SQLite statement.
    Query(QueryPlan),
    /// A schema change: SQLite DDL plus minipg's catalog rows.
    Ddl(Ddl),
    /// Something the session does itself.
    Utility(Utility),
    /// COPY FROM STDIN / TO STDOUT.
    Copy(Box<CopyPlan>),
}

/// A copied column: its name (headers, CONTEXT lines) and type (input and output functions).
#[derive(Clone, Debug, PartialEq)]
pub struct CopyColumn {
    pub name: String,
    pub ty: Type,
    pub typmod: crate::types::Typmod,
}

/// COPY: the statement that stores or produces the rows, and how the data is laid out.
#[derive(Clone, Debug)]
pub struct CopyPlan {
    /// COPY FROM (the client sends rows) or COPY TO (the server sends them).
    pub from: bool,
    /// The relation's name as CONTEXT lines show it (`COPY t, line 3, column a: …`); the
    /// query's text is not shown, so empty for `COPY (query) TO`.
    pub relname: String,
    /// COPY FROM: the target table's SQLite name (FREEZE checks it was created or emptied in
    /// the current transaction).
    pub table: Option<String>,
    /// The copied columns in the data's order.
    pub columns: Vec<CopyColumn>,
    /// COPY FROM: an INSERT that takes one row as parameters `$1…$n` (the columns' values in
    /// their types' storage form) and applies the defaults, constraints and the WHERE clause
    /// exactly as INSERT does; COPY TO: the query whose rows are sent.
    pub query: QueryPlan,
    pub options: crate::copy::CopyOptions,
    /// Per copied column: FORCE_QUOTE (COPY TO, CSV).
    pub force_quote: Vec<bool>,
    /// Per copied column: FORCE_NOT_NULL (COPY FROM, CSV).
    pub force_not_null: Vec<bool>,
    /// Per copied column: FORCE_NULL (COPY FROM, CSV).
    pub force_null: Vec<bool>,
}

/// What kind of query, for the command tag and SPI's result codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Command {
    Select,
    Insert,
    Update,
    Delete,
}

impl Command {
    /// CommandComplete's tag for `rows` rows processed.
    pub fn tag(self, rows: u64) -> String {
        match self {
            Command::Select => format!("SELECT {rows}"),
            Command::Insert => format!("INSERT 0 {rows}"),
            Command::Update => format!("UPDATE {rows}"),
            Command::Delete => format!("DELETE {rows}"),
        }
    }
}

/// A statement SQLite runs.
#[derive(Clone, Debug)]
pub struct QueryPlan {
    pub sqlite: String,
    pub command: Command,
    /// The rows it returns (SELECT, or RETURNING); empty when none.
    pub columns: Vec<OutColumn>,
    /// Parameter types, `$1` first.
    pub params: Vec<Type>,
}

impl QueryPlan {
    /// Does it write the database?
    pub fn writes(&self) -> bool {
        self.command != Command::Select
    }

    /// Does it return rows?
    pub fn returns_rows(&self) -> bool {
        !self.columns.is_empty()
    }
}

/// A relation being created.
#[derive(Clone, Debug)]
pub struct NewRelation {
    pub schema: String,
    pub name: String,
    pub kind: RelKind,
    pub sqlite_name: String,
    pub columns: Vec<RelColumn>,
}

/// A schema change. `sqlite` statements run in order, in one transaction with the catalog
/// changes.
#[derive(Clone, Debug)]
pub enum Ddl {
    CreateTable {
        rel: NewRelation,
        if_not_exists: bool,
        sqlite: Vec<String>,
        /// CREATE TABLE … AS / SELECT INTO: the last statement fills it (tag `SELECT n`).
        filled: bool,
    },
    CreateView {
        rel: NewRelation,
        or_replace: bool,
        sqlite: Vec<String>,
    },
    CreateIndex {
        schema: String,
        name: String,
        sqlite_name: String,
        table: Relation,
        if_not_exists: bool,
        sqlite: String,
    },
    /// DROP TABLE/VIEW/INDEX: the relations found (and the names not found, for IF EXISTS).
    Drop {
        kind: RelKind,
        found: Vec<Relation>,
        missing: Vec<String>,
        cascade: bool,
    },
    /// ALTER TABLE steps that SQLite does directly, with the catalog's new column list.
    AlterTable {
        table: Relation,
        new_name: Option<String>,
        columns: Vec<RelColumn>,
        sqlite: Vec<String>,
    },
    Truncate {
        tables: Vec<Relation>,
    },
}

impl Ddl {
    /// CommandComplete's tag.
    pub fn tag(&self) -> &'static str {
        match self {
            Ddl::CreateTable { .. } => "CREATE TABLE",
            Ddl::CreateView { .. } => "CREATE VIEW",
            Ddl::CreateIndex { .. } => "CREATE INDEX",
            Ddl::Drop { kind, .. } => match kind {
                RelKind::Table => "DROP TABLE",
                RelKind::View => "DROP VIEW",
                RelKind::Index => "DROP INDEX",
                RelKind::Sequence => "DROP SEQUENCE",
            },
            Ddl::AlterTable { .. } => "ALTER TABLE",
            Ddl::Truncate { .. } => "TRUNCATE TABLE",
        }
    }
}

/// A command the session carries out itself.
#[derive(Clone, Debug)]
pub enum Utility {
    /// BEGIN / START TRANSACTION (`start`: the tag says so), possibly READ ONLY.
    Begin {
        start: bool,
        read_only: bool,
    },
    /// SET TRANSACTION READ ONLY / READ WRITE.
    SetTransactionReadOnly(bool),
    /// LOCK TABLE (SQLite's write lock covers it; only a transaction block may ask).
    Lock,
    /// VACUUM [FULL] / ANALYZE, on the whole database or some tables (SQLite names).
    Vacuum {
        /// VACUUM (with ANALYZE when `analyze`); else ANALYZE alone.
        vacuum: bool,
        full: bool,
        analyze: bool,
        tables: Vec<String>,
    },
    Commit,
    Rollback,
    Savepoint(String),
    Release(String),
    RollbackTo(String),
    /// `SET [LOCAL] name = value`; `value: None` is DEFAULT. Lists are joined with ", ".
    Set {
        name: String,
        value: Option<String>,
        local: bool,
    },
    /// `RESET name`; `None` is RESET ALL.
    Reset(Option<String>),
    /// `SHOW name` (lower case; `all` for SHOW ALL).
    Show(String),
    /// DISCARD ALL.
    Discard,
    /// `PREPARE name [(types)] AS statement`: `text` is the statement's text, which starts at
    /// character `offset` of the client's text (error positions count from there).
    Prepare {
        name: String,
        param_types: Vec<Type>,
        text: String,
        offset: usize,
    },
    /// `EXECUTE name [(args)]`: each argument's SQL text, cast to its parameter's type when run.
    Execute {
        name: String,
        args: Vec<String>,
    },
    /// `DEALLOCATE [PREPARE] name`; `None` is DEALLOCATE ALL.
    Deallocate(Option<String>),
    /// `CLOSE name`; `None` is CLOSE ALL. (DECLARE is not supported, so no cursor is open.)
    CloseCursor(Option<String>),
    CreateDatabase(String),
    DropDatabase {
        name: String,
        if_exists: bool,
    },
    /// CREATE SCHEMA; the elements are analyzed after the schema exists, each with the new
    /// schema as where unqualified names are created and found first.
    CreateSchema {
        name: String,
        if_not_exists: bool,
        elements: Vec<ast::Statement>,
    },
    DropSchema {
        names: Vec<String>,
        if_exists: bool,
        cascade: bool,
    },
}

impl Utility {
    /// CommandComplete's tag.
    pub fn tag(&self) -> &'static str {
        match self {
            Utility::Begin { start: false, .. } => "BEGIN",
            Utility::Begin { start: true, .. } => "START TRANSACTION",
            Utility::SetTransactionReadOnly(_) => "SET",
            Utility::Lock => "LOCK TABLE",
            Utility::Vacuum { vacuum: false, .. } => "ANALYZE",
            Utility::Vacuum { .. } => "VACUUM",
            Utility::Commit => "COMMIT",
            Utility::Rollback | Utility::RollbackTo(_) => "ROLLBACK",
            Utility::Savepoint(_) => "SAVEPOINT",
            Utility::Release(_) => "RELEASE",
            Utility::Set { .. } => "SET",
            Utility::Reset(_) => "RESET",
            Utility::Show(_) => "SHOW",
            Utility::Discard => "DISCARD ALL",
            Utility::Prepare { .. } => "PREPARE",
            Utility::Execute { .. } => "EXECUTE",
            Utility::Deallocate(Some(_)) => "DEALLOCATE",
            Utility::Deallocate(None) => "DEALLOCATE ALL",
            Utility::CloseCursor(Some(_)) => "CLOSE CURSOR",
            Utility::CloseCursor(None) => "CLOSE CURSOR ALL",
            Utility::CreateDatabase(_) => "CREATE DATABASE",
            Utility::DropDatabase { .. } => "DROP DATABASE",
            Utility::CreateSchema { .. } => "CREATE SCHEMA",
            Utility::DropSchema { .. } => "DROP SCHEMA",
        }
    }
}
