//! The analyzer: sqlparser's tree → the typed tree of [`ir`](crate::ir) → a [`Plan`].
//!
//! It resolves names (relations through the [`Catalog`], columns through the FROM items of
//! each query level), gives every expression its PostgreSQL type following the "Type
//! Conversion" chapter (`resolve` for operators and functions, `coerce` for casts and common
//! types), checks what PostgreSQL checks (grouping, where aggregates and window functions may
//! appear, nesting depth), and finally hands the typed tree to `emit`.
//!
//! Module map: `expr` (expressions), `query` (SELECT, VALUES, set operations, WITH, FROM,
//! ORDER BY, LIMIT), `modify` (INSERT/UPDATE/DELETE), `copy` (COPY, planned as the INSERT or
//! query that carries it out), `ddl` (CREATE/DROP/ALTER/TRUNCATE),
//! `utility` (transactions, SET/SHOW, databases, schemas), `names` (PostgreSQL's output column
//! names), `typename` (type names), `coerce`, `resolve`.
//!
//! Invariants: work is linear in the statement; expression nesting beyond [`MAX_DEPTH`] is
//! 54001; deep recursion runs on a stack that grows (`stacker`), so no input overflows it.

mod alter;
pub(crate) mod coerce;
mod comment;
mod copy;
mod ddl;
mod explain;
mod expr;
mod grouping;
mod modify;
mod names;
mod privileges;
mod query;
pub(crate) mod resolve;
mod sequence;
pub(crate) mod typename;
mod utility;

#[cfg(test)]
mod tests;

use sqlparser::ast::{self, Spanned};
use sqlparser::tokenizer::Span;

use crate::catalog::Catalog;
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::ir::{Expr, Rte};
use crate::parse::{Parsed, Positions, Stmt, stack_depth_exceeded};
use crate::plan::{Plan, Utility};
use crate::types::Type;

/// How deeply expressions and subqueries may nest (SQLite's own limit is 1,000).
pub const MAX_DEPTH: usize = 900;

/// Where an expression stands: decides what it may contain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Clause {
    SelectList,
    Where,
    GroupBy,
    Having,
    OrderBy,
    JoinOn,
    FromFunction,
    Values,
    Returning,
    Limit,
    Offset,
    Check,
    Default,
    IndexExpr,
    IndexPredicate,
    UpdateSet,
    Window,
    /// The arguments of a window function (aggregates allowed: they are computed first).
    WindowArg,
    AggregateArg,
}

impl Clause {
    /// PostgreSQL's words for the clause in "… are not allowed in …".
    pub(crate) fn words(self) -> &'static str {
        match self {
            Clause::Where => "WHERE",
            Clause::GroupBy => "GROUP BY",
            Clause::JoinOn => "JOIN conditions",
            Clause::FromFunction => "functions in FROM",
            Clause::Values => "VALUES",
            Clause::Returning => "RETURNING",
            Clause::Limit => "LIMIT",
            Clause::Offset => "OFFSET",
            Clause::Check => "check constraints",
            Clause::Default => "DEFAULT expressions",
            Clause::IndexExpr => "index expressions",
            Clause::IndexPredicate => "index predicates",
            Clause::UpdateSet => "UPDATE",
            Clause::Window | Clause::WindowArg => "window definitions",
            Clause::AggregateArg => "aggregate function calls",
            Clause::SelectList | Clause::Having | Clause::OrderBy => "this context",
        }
    }
}

/// One query level's FROM items and what its expressions have used.
#[derive(Default)]
pub(crate) struct Level {
    pub rtable: Vec<Rte>,
    /// Per FROM item: the name it can be qualified by (alias or table name).
    pub names: Vec<Option<String>>,
    /// Columns merged by JOIN … USING: found first for unqualified names.
    pub merged: Vec<(String, Expr)>,
    /// While a non-LATERAL subquery in FROM is analyzed, its siblings are not visible.
    pub hidden: bool,
    pub has_aggregate: bool,
    pub has_window: bool,
    /// Set-returning calls of the select list, moved into FROM (their FROM item index).
    pub hoisted: Vec<usize>,
    /// What `*` expands to, in order: (name, expression).
    pub star: Vec<(String, Expr)>,
    /// Per FROM item: its columns for `t.*`, in order.
    pub star_of: Vec<Vec<(String, Expr)>>,
    /// `WINDOW name AS (…)` definitions.
    pub windows: Vec<(String, ast::WindowSpec)>,
}

/// A CTE visible to the statement.
#[derive(Clone, Debug)]
pub(crate) struct CteDef {
    pub name: String,
    pub sqlite_name: String,
    pub columns: Vec<crate::ir::RteColumn>,
}

pub(crate) struct Analyzer<'a> {
    pub catalog: &'a dyn Catalog,
    pub env: &'a Env,
    pub text: &'a str,
    pub positions: &'a Positions,
    /// Parameter types, `$1` first (`unknown` until deduced).
    pub params: Vec<Type>,
    pub levels: Vec<Level>,
    pub ctes: Vec<Vec<CteDef>>,
    pub depth: usize,
    /// Nodes analyzed so far (interrupts are checked every few hundred).
    steps: u64,
    aliases: usize,
    /// SQLite aliases used so far in the statement (each FROM item gets its own).
    pub used_aliases: std::collections::HashSet<String>,
    /// CREATE SCHEMA elements: the schema unqualified names are created in and found in first.
    pub default_schema: Option<String>,
    /// The query being analyzed is INSERT's source: its select list keeps unknown literals
    /// unknown, for the target columns to type them.
    pub insert_source: bool,
    /// The user relations the statement names (a view's dependencies), in order, once each.
    pub relations_used: Vec<u32>,
    /// The table INSERT, UPDATE or DELETE writes.
    pub write_target: Option<u32>,
    /// `SEQUENCE NAME` options of identity specifications, taken in order.
    pub sequence_names: std::collections::VecDeque<ast::ObjectName>,
}

/// Analyzes one parsed statement. `param_types` are the types a client gave (0 = unspecified).
pub fn analyze(
    parsed: &Parsed,
    text: &str,
    positions: &Positions,
    catalog: &dyn Catalog,
    env: &Env,
    param_types: &[Type],
) -> Result<Plan> {
    let mut a = Analyzer::new(text, positions, catalog, env, param_types);
    a.sequence_names = parsed.sequence_names.iter().cloned().collect();
    match &parsed.stmt {
        Stmt::Ast(stmt) => a.statement(stmt),
        Stmt::Copy(stmt) => a.copy(stmt),
        Stmt::Maintenance(m) => a.maintenance(m),
        Stmt::Checkpoint => Ok(Plan::Utility(Utility::Checkpoint)),
        Stmt::CreateSchemaWithElements {
            name,
            if_not_exists,
            authorization,
            elements,
        } => {
            utility::check_schema_name(name)?;
            Ok(Plan::Utility(Utility::CreateSchema {
                name: name.clone(),
                if_not_exists: *if_not_exists,
                elements: elements.clone(),
                owner: authorization.clone(),
            }))
        }
        Stmt::AlterSequence(alter) => a.alter_sequence(alter).map(Plan::Ddl),
        Stmt::Auth(stmt) => a.auth(stmt),
        Stmt::CommentOnConstraint {
            constraint,
            table,
            comment,
        } => a
            .comment_on_constraint(constraint, table, comment.as_deref())
            .map(Plan::Ddl),
    }
}

/// Analyzes one element of a CREATE SCHEMA in that schema.
pub fn analyze_schema_element(
    stmt: &ast::Statement,
    schema: &str,
    catalog: &dyn Catalog,
    env: &Env,
) -> Result<Plan> {
    let text = stmt.to_string();
    let positions = Positions::new(&text);
    let mut a = Analyzer::new(&text, &positions, catalog, env, &[]);
    a.default_schema = Some(schema.to_string());
    a.statement(stmt)
}

impl<'a> Analyzer<'a> {
    fn new(
        text: &'a str,
        positions: &'a Positions,
        catalog: &'a dyn Catalog,
        env: &'a Env,
        param_types: &[Type],
    ) -> Analyzer<'a> {
        Analyzer {
            catalog,
            env,
            text,
            positions,
            params: param_types
                .iter()
                .map(|t| if t.0 == 0 { Type::UNKNOWN } else { *t })
                .collect(),
            levels: Vec::new(),
            ctes: Vec::new(),
            depth: 0,
            steps: 0,
            aliases: 0,
            used_aliases: std::collections::HashSet::new(),
            default_schema: None,
            insert_source: false,
            relations_used: Vec::new(),
            write_target: None,
            sequence_names: std::collections::VecDeque::new(),
        }
    }

    fn statement(&mut self, stmt: &ast::Statement) -> Result<Plan> {
        use ast::Statement as S;
        match stmt {
            S::Query(q) => self.select_statement(q),
            S::Insert(i) => self.insert(i),
            S::Update(u) => self.update(u),
            S::Delete(d) => self.delete(d),
            S::CreateTable(_)
            | S::CreateIndex(_)
            | S::CreateView(_)
            | S::Drop { .. }
            | S::AlterTable(_)
            | S::AlterSchema(_)
            | S::Truncate(_)
            | S::CreateSequence { .. }
            | S::Comment { .. } => self.ddl(stmt),
            S::Explain {
                analyze,
                verbose: _,
                statement,
                options,
                format,
                ..
            } => self.explain(*analyze, statement, options.as_deref(), format.is_some()),
            _ => self.utility(stmt),
        }
    }

    /// PostgreSQL's 1-based position of a span's start.
    pub fn pos(&self, span: Span) -> Option<usize> {
        (span.start.line > 0).then(|| self.positions.position(span.start))
    }

    /// The position of an expression: its first token. Found by walking down the left
    /// operands without recursion (a left-deep operator chain costs its length, not more).
    pub fn expr_pos(&self, e: &ast::Expr) -> Option<usize> {
        use ast::Expr as E;
        let mut cur = e;
        loop {
            cur = match cur {
                E::BinaryOp { left, .. } => left,
                E::Cast {
                    kind: ast::CastKind::DoubleColon,
                    expr,
                    ..
                } => expr,
                E::IsNull(x)
                | E::IsNotNull(x)
                | E::IsTrue(x)
                | E::IsNotTrue(x)
                | E::IsFalse(x)
                | E::IsNotFalse(x)
                | E::IsUnknown(x)
                | E::IsNotUnknown(x)
                | E::IsDistinctFrom(x, _)
                | E::IsNotDistinctFrom(x, _)
                | E::In { expr: x, .. }
                | E::Between { expr: x, .. }
                | E::Like { expr: x, .. }
                | E::ILike { expr: x, .. }
                | E::SimilarTo { expr: x, .. }
                | E::AnyOp { left: x, .. }
                | E::AllOp { left: x, .. }
                | E::AtTimeZone { timestamp: x, .. }
                | E::Collate { expr: x, .. }
                | E::CompoundFieldAccess { root: x, .. }
                | E::Nested(x) => x,
                E::Value(v) => return self.pos(v.span),
                E::Identifier(i) => return self.pos(i.span),
                E::CompoundIdentifier(parts) => {
                    return parts.first().and_then(|i| self.pos(i.span));
                }
                other => return self.pos(other.span()),
            };
        }
    }

    /// The position of the first character after `span` that is not blank (an operator between
    /// two operands).
    pub fn pos_after(&self, span: Span) -> Option<usize> {
        if span.end.line == 0 {
            return None;
        }
        let start = self.positions.offset(span.end);
        let skipped = self.text[self.positions.byte(self.text, start)..]
            .chars()
            .take_while(|c| c.is_whitespace())
            .count();
        Some(start + skipped + 1)
    }

    /// The SQLite alias for a FROM item the user calls `name`: the name itself the first time,
    /// then `name#n`, so that no two FROM items of a statement share an alias (an outer
    /// reference inside a subquery then cannot be captured by an inner item).
    pub fn alias_for(&mut self, name: &str) -> String {
        let mut alias = name.to_string();
        while !self.used_aliases.insert(alias.clone()) {
            self.aliases += 1;
            alias = format!("{name}#{}", self.aliases);
        }
        alias
    }

    /// Runs `f` one nesting level deeper: 54001 past [`MAX_DEPTH`], and a stack that grows.
    pub fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if self.depth >= MAX_DEPTH {
            return Err(stack_depth_exceeded());
        }
        self.steps += 1;
        if self.steps.is_multiple_of(256) {
            self.catalog.check_interrupts()?;
        }
        self.depth += 1;
        let r = stacker::maybe_grow(128 * 1024, 2 * 1024 * 1024, || f(self));
        self.depth -= 1;
        r
    }

    /// The parameter types once analysis is done: every parameter must have a type.
    pub fn finish_params(&self) -> Result<Vec<Type>> {
        for (i, t) in self.params.iter().enumerate() {
            if *t == Type::UNKNOWN {
                return Err(SqlError::new(
                    sqlstate::INDETERMINATE_DATATYPE,
                    format!("could not determine data type of parameter ${}", i + 1),
                ));
            }
        }
        Ok(self.params.clone())
    }
}

/// Folds an identifier as PostgreSQL does: unquoted ones to lower case.
pub(crate) fn ident(i: &ast::Ident) -> String {
    if i.quote_style.is_some() {
        i.value.clone()
    } else {
        i.value.to_lowercase()
    }
}

/// The parts of an object name, folded.
pub(crate) fn object_name(n: &ast::ObjectName) -> Vec<String> {
    n.0.iter()
        .map(|p| match p.as_ident() {
            Some(i) => ident(i),
            None => p.to_string(),
        })
        .collect()
}
