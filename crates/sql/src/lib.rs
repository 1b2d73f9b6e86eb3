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

pub mod analyze;
pub mod auth;
pub mod catalog;
pub mod copy;
pub mod emit;
pub mod env;
pub mod error;
pub mod func;
pub mod interrupt;
pub mod ir;
pub mod parse;
pub mod plan;
pub mod sequence;
pub mod types;
pub mod value;

pub use env::Env;
pub use error::{Result, SqlError, sqlstate};
pub use types::{Oid, Type, Typmod};
pub use value::Value;

pub use analyze::analyze_schema_element;
pub use catalog::{Catalog, RelColumn, RelKind, Relation};
pub use plan::{Command, CopyColumn, CopyPlan, Ddl, NewRelation, Plan, QueryPlan, Utility};

/// The host's session ended and the thread may serve another: forgets what this crate keeps
/// per session (`random()`'s state, the channels listened on). Its other thread-locals are
/// caches of facts that are the same for every session.
pub fn end_session() {
    types::numbers::float::forget_random_state();
    func::catalog::set_listening_channels(Vec::new());
}

/// Texts longer than this are parsed (and their trees dropped) on a stack of their own: a
/// long operator chain builds a deep tree, and dropping one recurses.
const BIG_TEXT: usize = 32 * 1024;

fn big_stack(len: usize) -> usize {
    (len.saturating_mul(256)).max(8 << 20)
}

/// The statements of one client text, parsed; each is analyzed when it is about to run (an
/// earlier statement of the same text may create what a later one uses).
pub struct Statements {
    text: String,
    positions: parse::Positions,
    parsed: Vec<parse::Parsed>,
}

impl Statements {
    /// Parses `text` (42601 with PostgreSQL's position on a syntax error).
    pub fn parse(text: &str) -> Result<Statements> {
        let run = || {
            let parsed = parse::parse(text)?;
            Ok(Statements {
                text: text.to_string(),
                positions: parse::Positions::new(text),
                parsed,
            })
        };
        if text.len() > BIG_TEXT {
            stacker::grow(big_stack(text.len()), run)
        } else {
            run()
        }
    }

    pub fn len(&self) -> usize {
        self.parsed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parsed.is_empty()
    }

    /// The text of statement `i`.
    pub fn text_of(&self, i: usize) -> &str {
        let Some(p) = self.parsed.get(i) else {
            return "";
        };
        self.positions.slice(&self.text, p.start, p.end)
    }

    fn ast(&self, i: usize) -> Option<&sqlparser::ast::Statement> {
        match &self.parsed.get(i)?.stmt {
            parse::Stmt::Ast(s) => Some(s),
            parse::Stmt::CreateSchemaWithElements { .. }
            | parse::Stmt::Copy(_)
            | parse::Stmt::Maintenance(_)
            | parse::Stmt::Checkpoint
            | parse::Stmt::AlterSequence(_)
            | parse::Stmt::Auth(_)
            | parse::Stmt::CommentOnConstraint { .. } => None,
        }
    }

    /// Is statement `i` COMMIT/END or ROLLBACK/ABORT (allowed in a failed transaction)?
    pub fn is_transaction_end(&self, i: usize) -> bool {
        use sqlparser::ast::Statement as S;
        matches!(self.ast(i), Some(S::Commit { .. } | S::Rollback { .. }))
    }

    /// Can statement `i` run inside the implicit transaction of a multi-statement query?
    /// (Not transaction control, not database-wide commands.)
    pub fn fits_implicit_block(&self, i: usize) -> bool {
        use sqlparser::ast::{ObjectType, Statement as S};
        !matches!(
            self.ast(i),
            Some(
                S::StartTransaction { .. }
                    | S::Commit { .. }
                    | S::Rollback { .. }
                    | S::Savepoint { .. }
                    | S::ReleaseSavepoint { .. }
                    | S::CreateDatabase { .. }
                    | S::Discard { .. }
                    | S::Drop {
                        object_type: ObjectType::Database,
                        ..
                    }
            )
        )
    }

    /// Analyzes statement `i`. `param_types` are the client's (OID 0: to be inferred).
    pub fn analyze(
        &self,
        i: usize,
        catalog: &dyn Catalog,
        env: &Env,
        param_types: &[Type],
    ) -> Result<Plan> {
        let Some(p) = self.parsed.get(i) else {
            return Err(SqlError::internal("no such statement"));
        };
        analyze::analyze(p, &self.text, &self.positions, catalog, env, param_types)
    }
}

impl Drop for Statements {
    fn drop(&mut self) {
        if self.text.len() > BIG_TEXT {
            let parsed = std::mem::take(&mut self.parsed);
            stacker::grow(big_stack(self.text.len()), move || drop(parsed));
        }
    }
}
