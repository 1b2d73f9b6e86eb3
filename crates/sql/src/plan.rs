//! [`Plan`]: what the front end hands to the executor for one statement — SQLite SQL with its
//! result columns and parameter types, a schema change to carry out, or a utility command.
//! Every executor matches it exhaustively: a new kind of statement does not compile until
//! every path handles it.

use sqlparser::ast;

/// A CREATE SCHEMA element, analyzed once the schema exists.
pub use sqlparser::ast::Statement as SchemaElement;

use crate::catalog::{Identity, RelColumn, RelKind, Relation};
use crate::ir::OutColumn;
use crate::sequence::SeqOptions;
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

impl CopyColumn {
    pub fn new(name: &str, ty: Type, typmod: crate::types::Typmod) -> Self {
        CopyColumn {
            name: name.to_string(),
            ty,
            typmod,
        }
    }
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
    /// It may call `nextval`/`setval` (directly, or through a column default of the table it
    /// inserts into): it writes a sequence even when it is a SELECT.
    pub advances_sequences: bool,
    /// What the statement touches, for the privilege checks made each time it runs.
    pub access: Access,
}

/// The user relations a statement names (system catalogs are not listed) and how: the host
/// checks the current role's privileges on them before every execution, as PostgreSQL's
/// executor does, so a plan kept in a cache is checked again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// Relations read (SELECT), in the order named, once each; the target of an INSERT,
    /// UPDATE or DELETE is here only when the statement reads it (WHERE, RETURNING, a SET
    /// expression, ON CONFLICT).
    pub reads: Vec<crate::types::Oid>,
    /// The target of INSERT, UPDATE or DELETE and the privilege it needs.
    pub write: Option<(crate::types::Oid, Command)>,
    /// `INSERT … ON CONFLICT DO UPDATE`: the target needs UPDATE as well as INSERT.
    pub upsert: bool,
}

impl QueryPlan {
    /// Does it write the database?
    pub fn writes(&self) -> bool {
        self.command != Command::Select || self.advances_sequences
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

impl NewRelation {
    /// A table being created.
    pub fn table(
        schema: String,
        name: String,
        sqlite_name: String,
        columns: Vec<RelColumn>,
    ) -> Self {
        NewRelation {
            schema,
            name,
            kind: RelKind::Table,
            sqlite_name,
            columns,
        }
    }
}

/// A sequence being created: by CREATE SEQUENCE, or for a serial or identity column.
#[derive(Clone, Debug)]
pub struct NewSequence {
    pub schema: String,
    pub name: String,
    pub sqlite_name: String,
    /// As written; the host applies them (`sequence::apply_options`).
    pub options: SeqOptions,
    /// The options are an identity column's (its type errors say so).
    pub identity: bool,
}

/// `OWNED BY`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OwnedBy {
    /// `OWNED BY NONE`.
    Nothing,
    /// `OWNED BY table.column`.
    Column { table: u32, attnum: i16 },
}

/// A serial or identity column of a table being created or altered: its sequence, and where
/// its default goes.
#[derive(Clone, Debug)]
pub struct SerialColumn {
    pub attnum: i16,
    pub seq: NewSequence,
    pub identity: Option<Identity>,
    /// Replaced, in the SQLite statements, by the new sequence's OID (the argument of the
    /// column's `DEFAULT (pg_host_nextval(…))`).
    pub placeholder: String,
}

impl SerialColumn {
    /// The placeholder of the `n`-th serial column of a statement: not valid SQL, so a
    /// statement the host forgot to complete fails instead of running.
    pub fn placeholder(n: usize) -> String {
        format!("{{{{minipg_serial_{n}}}}}")
    }
}

/// A column default that calls `nextval` of an existing sequence (recorded so that DROP
/// SEQUENCE sees it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultDep {
    pub attnum: i16,
    pub sequence: u32,
}

/// What COMMENT ON names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommentTarget {
    /// A table, view, index or sequence (`attnum` 0) or one of its columns.
    Relation {
        oid: u32,
        attnum: i16,
    },
    Schema(String),
    /// A constraint of a table.
    Constraint {
        table: u32,
        name: String,
    },
}

/// One change of ALTER TABLE, in order.
#[derive(Clone, Debug)]
pub enum AlterStep {
    /// A statement SQLite runs in place (RENAME, a plain ADD COLUMN).
    Sql(String),
    /// Checks the rows before the table is changed: when `sql` returns a row, the change
    /// fails with `error`, whose `{0}`, `{1}`… are the row's values as text.
    Validate {
        sql: String,
        error: crate::SqlError,
    },
    /// A change SQLite cannot make in place: the table is rebuilt (new table, copy, swap,
    /// indexes recreated) with these edits.
    Rebuild(Vec<TableEdit>),
    /// DROP CONSTRAINT / DROP COLUMN of what other objects depend on: with CASCADE they go
    /// too, else 2BP01. Carried out by the host, which knows the dependents.
    DropConstraint {
        name: String,
        if_exists: bool,
        cascade: bool,
    },
    DropColumn {
        name: String,
        cascade: bool,
    },
    /// A sequence the change creates (ADD COLUMN serial, ADD GENERATED … AS IDENTITY).
    CreateSerial(SerialColumn),
    /// Records that a column default calls `nextval` of a sequence (or, `None`, forgets the
    /// column's such dependencies: SET/DROP DEFAULT).
    DefaultDep {
        attnum: i16,
        sequence: Option<u32>,
    },
    /// RENAME CONSTRAINT (the table text and any comment follow).
    RenameConstraint {
        old: String,
        new: String,
    },
    /// A NOTICE (`… does not exist, skipping`).
    Notice(String),
}

/// An edit of a table's SQLite definition, applied by a rebuild.
#[derive(Clone, Debug, PartialEq)]
pub enum TableEdit {
    /// A column, declared as SQLite takes it (`"b" INT NOT NULL DEFAULT (0)`).
    AddColumn {
        decl: String,
    },
    SetNotNull {
        column: String,
    },
    DropNotNull {
        column: String,
    },
    /// `DEFAULT (sql)`, or none.
    SetDefault {
        column: String,
        sql: Option<String>,
    },
    /// A new declaration for the column (type and collation), its rows converted by `using`
    /// (SQLite text over the old row's columns).
    AlterType {
        column: String,
        storage: String,
        collation: Option<String>,
        using: String,
    },
    /// `CONSTRAINT "name" …` as SQLite takes it.
    AddConstraint {
        name: String,
        sql: String,
    },
    DropConstraint {
        name: String,
    },
    RenameConstraint {
        old: String,
        new: String,
    },
    DropColumn {
        name: String,
    },
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
        /// CREATE TABLE … AS / SELECT INTO: what its query reads (SELECT is checked on them).
        reads: Vec<crate::types::Oid>,
        /// Its serial and identity columns.
        serials: Vec<SerialColumn>,
        /// Its defaults that call `nextval` of existing sequences.
        default_deps: Vec<DefaultDep>,
    },
    CreateView {
        rel: NewRelation,
        or_replace: bool,
        sqlite: Vec<String>,
        /// The relations it reads.
        depends_on: Vec<u32>,
    },
    CreateSequence {
        seq: NewSequence,
        owned_by: Option<OwnedBy>,
        if_not_exists: bool,
    },
    /// ALTER SEQUENCE.
    AlterSequence {
        seq: Relation,
        options: SeqOptions,
        owned_by: Option<OwnedBy>,
        rename: Option<String>,
    },
    /// COMMENT ON … IS (`None`: IS NULL, the comment goes).
    Comment {
        target: CommentTarget,
        text: Option<String>,
    },
    /// A statement that does nothing but say so (`ALTER … IF EXISTS` of nothing, `OWNER TO`).
    Nothing {
        tag: &'static str,
        notice: Option<String>,
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
    /// ALTER TABLE: its steps in order, then the catalog's new column list.
    AlterTable {
        table: Relation,
        new_name: Option<String>,
        columns: Vec<RelColumn>,
        steps: Vec<AlterStep>,
    },
    Truncate {
        tables: Vec<Relation>,
        /// TRUNCATE … CASCADE: the tables whose foreign keys reference these go too.
        cascade: bool,
        /// RESTART IDENTITY: the tables' own sequences start over.
        restart_identity: bool,
    },
}

impl Ddl {
    /// CommandComplete's tag.
    pub fn tag(&self) -> &'static str {
        match self {
            Ddl::CreateTable { .. } => "CREATE TABLE",
            Ddl::CreateView { .. } => "CREATE VIEW",
            Ddl::CreateIndex { .. } => "CREATE INDEX",
            Ddl::CreateSequence { .. } => "CREATE SEQUENCE",
            Ddl::AlterSequence { .. } => "ALTER SEQUENCE",
            Ddl::Comment { .. } => "COMMENT",
            Ddl::Nothing { tag, .. } => tag,
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

/// VACUUM [FULL] / ANALYZE, on the whole database or some tables (SQLite names).
#[derive(Clone, Debug, PartialEq)]
pub struct Vacuum {
    /// VACUUM (with ANALYZE when `analyze`); else ANALYZE alone.
    pub vacuum: bool,
    pub full: bool,
    pub analyze: bool,
    pub tables: Vec<String>,
}

/// A command the session carries out itself.
#[derive(Clone, Debug)]
pub enum Utility {
    /// BEGIN / START TRANSACTION (`start`: the tag says so), possibly READ ONLY.
    Begin {
        start: bool,
        /// READ ONLY (`Some(true)`) or READ WRITE (`Some(false)`); else the default.
        read_only: Option<bool>,
        /// `ISOLATION LEVEL …`, as SHOW spells it.
        isolation: Option<String>,
    },
    /// SET TRANSACTION: READ ONLY (`Some(true)`) / READ WRITE, ISOLATION LEVEL (as SHOW
    /// spells it).
    SetTransaction {
        read_only: Option<bool>,
        isolation: Option<String>,
    },
    /// LOCK TABLE (SQLite's write lock covers it; only a transaction block may ask).
    Lock,
    /// VACUUM [FULL] / ANALYZE, on the whole database or some tables (SQLite names).
    Vacuum(Vacuum),
    /// CHECKPOINT: every database's WAL copied into its file.
    Checkpoint,
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
    /// `EXPLAIN [ANALYZE] query`: SQLite's plan for the query's statement, one text row per
    /// plan node under the title `QUERY PLAN`; with `analyze` the query also runs (its rows
    /// are discarded, its changes kept, as in PostgreSQL) and the time it took is added.
    Explain {
        query: Box<QueryPlan>,
        analyze: bool,
    },
    /// `LISTEN channel`.
    Listen(String),
    /// `UNLISTEN channel`; `None` is `UNLISTEN *`.
    Unlisten(Option<String>),
    /// `NOTIFY channel [, 'payload']` (no payload: empty).
    Notify {
        channel: String,
        payload: String,
    },
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
        /// `AUTHORIZATION role`: its owner (else the current role).
        owner: Option<String>,
    },
    DropSchema {
        names: Vec<String>,
        if_exists: bool,
        cascade: bool,
    },
    /// Roles, privileges, SET ROLE, OWNER TO ([`crate::auth`]), with the relations the
    /// statement names resolved (GRANT … ON TABLE, ALTER TABLE … OWNER TO).
    Auth {
        stmt: Box<crate::auth::AuthStmt>,
        relations: Vec<Relation>,
    },
}

impl Utility {
    /// CommandComplete's tag.
    pub fn tag(&self) -> &'static str {
        match self {
            Utility::Begin { start: false, .. } => "BEGIN",
            Utility::Begin { start: true, .. } => "START TRANSACTION",
            Utility::SetTransaction { .. } => "SET",
            Utility::Lock => "LOCK TABLE",
            Utility::Checkpoint => "CHECKPOINT",
            Utility::Vacuum(v) if !v.vacuum => "ANALYZE",
            Utility::Vacuum(_) => "VACUUM",
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
            Utility::Explain { .. } => "EXPLAIN",
            Utility::Listen(_) => "LISTEN",
            Utility::Unlisten(_) => "UNLISTEN",
            Utility::Notify { .. } => "NOTIFY",
            Utility::CreateDatabase(_) => "CREATE DATABASE",
            Utility::DropDatabase { .. } => "DROP DATABASE",
            Utility::CreateSchema { .. } => "CREATE SCHEMA",
            Utility::DropSchema { .. } => "DROP SCHEMA",
            Utility::Auth { stmt, .. } => stmt.tag(),
        }
    }
}
