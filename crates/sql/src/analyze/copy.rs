//! COPY: the relation and columns, the options (PostgreSQL's checks, in its order), and the
//! statement that carries the rows — COPY FROM is planned as `INSERT INTO t (cols) VALUES
//! ($1, …)` (or, with WHERE, an INSERT … SELECT that evaluates the condition on the row with
//! its defaults filled in), so defaults, typmods, constraints and triggers of INSERT apply
//! unchanged; COPY TO is planned as `SELECT cols FROM t` or the given query.
//!
//! Never: lets COPY reach a server file or program (42501, PostgreSQL's wording for a role
//! without `pg_read_server_files`/`pg_write_server_files`/`pg_execute_server_program`).

use sqlparser::ast;

use super::Analyzer;
use crate::catalog::{RelKind, Relation};
use crate::copy::parse::{CopyStmt, CopyTarget};
use crate::copy::process_options;
use crate::error::{Result, SqlError, sqlstate};
use crate::parse::{Positions, Stmt, parse};
use crate::plan::{CopyColumn, CopyPlan, Plan, QueryPlan};
use crate::types::format_type;

const FILE_HINT: &str =
    "Anyone can COPY to stdout or from stdin. psql's \\copy command also works for anyone.";

/// A PostgreSQL identifier in double quotes.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn wrong_type(message: String, hint: Option<&str>) -> SqlError {
    let e = SqlError::new(sqlstate::WRONG_OBJECT_TYPE, message);
    match hint {
        Some(h) => e.with_hint(h),
        None => e,
    }
}

/// 42809 unless `rel` is a table: COPY reads (TO) and fills (`from`) tables only.
fn copyable(rel: &Relation, from: bool) -> Result<()> {
    let (what, view_hint) = match rel.kind {
        RelKind::Table => return Ok(()),
        RelKind::View => ("view", true),
        RelKind::Sequence => ("sequence", false),
        RelKind::Index => ("non-table relation", false),
    };
    let direction = if from { "to" } else { "from" };
    let hint = view_hint.then_some(if from {
        "To enable copying to a view, provide an INSTEAD OF INSERT trigger."
    } else {
        "Try the COPY (SELECT ...) TO variant."
    });
    Err(wrong_type(
        format!("cannot copy {direction} {what} \"{}\"", rel.name),
        hint,
    ))
}

/// Per copied column: is it in `list` (names that must be copied columns of `rel`)?
fn column_flags(
    list: Option<&Vec<String>>,
    copied: &[CopyColumn],
    exists: &dyn Fn(&str) -> Result<()>,
    option: &str,
) -> Result<Vec<bool>> {
    let mut flags = vec![false; copied.len()];
    for name in list.into_iter().flatten() {
        exists(name)?;
        match copied.iter().position(|c| c.name == *name) {
            Some(i) => flags[i] = true,
            None => {
                return Err(SqlError::new(
                    sqlstate::INVALID_COLUMN_REFERENCE,
                    format!("{option} column \"{name}\" not referenced by COPY"),
                ));
            }
        }
    }
    Ok(flags)
}

impl Analyzer<'_> {
    pub(super) fn copy(&mut self, stmt: &CopyStmt) -> Result<Plan> {
        let privilege = |m: &str| {
            SqlError::new(sqlstate::INSUFFICIENT_PRIVILEGE, m.to_string()).with_hint(FILE_HINT)
        };
        match &stmt.target {
            CopyTarget::Client => {}
            CopyTarget::Program(_) => {
                return Err(privilege(
                    "must be superuser or have privileges of the pg_execute_server_program role to COPY to or from an external program",
                ));
            }
            CopyTarget::File(_) if stmt.is_from => {
                return Err(privilege(
                    "must be superuser or have privileges of the pg_read_server_files role to COPY from a file",
                ));
            }
            CopyTarget::File(_) => {
                return Err(privilege(
                    "must be superuser or have privileges of the pg_write_server_files role to COPY to a file",
                ));
            }
        }
        let plan = match &stmt.relation {
            None => self.copy_query(stmt)?,
            Some(name) => {
                let (schema, rel) = super::ddl::split_name(&name.parts, name.position)?;
                let rel = self.lookup_relation(schema.as_deref(), &rel, name.position)?;
                self.copy_table(stmt, &rel)?
            }
        };
        Ok(Plan::Copy(Box::new(plan)))
    }

    fn copy_table(&mut self, stmt: &CopyStmt, rel: &Relation) -> Result<CopyPlan> {
        let from = stmt.is_from;
        if !from {
            copyable(rel, false)?;
        }
        let options = process_options(&stmt.options, from)?;
        let missing = |name: &str| {
            SqlError::new(
                sqlstate::UNDEFINED_COLUMN,
                format!(
                    "column \"{name}\" of relation \"{}\" does not exist",
                    rel.name
                ),
            )
        };
        let mut columns: Vec<CopyColumn> = Vec::new();
        if stmt.columns.is_empty() {
            columns = rel
                .columns
                .iter()
                .map(|c| CopyColumn::new(&c.name, c.ty, c.typmod))
                .collect();
        } else {
            for (name, _) in &stmt.columns {
                let Some(c) = rel.columns.iter().find(|c| c.name == *name) else {
                    return Err(missing(name));
                };
                if columns.iter().any(|x| x.name == *name) {
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_COLUMN,
                        format!("column \"{name}\" specified more than once"),
                    ));
                }
                columns.push(CopyColumn::new(&c.name, c.ty, c.typmod));
            }
        }
        let exists = |name: &str| {
            if rel.columns.iter().any(|c| c.name == name) {
                Ok(())
            } else {
                Err(missing(name))
            }
        };
        let flags = |list: &Option<Vec<String>>, option| {
            column_flags(list.as_ref(), &columns, &exists, option)
        };
        let force_quote = flags(&options.force_quote, "FORCE_QUOTE")?;
        let force_not_null = flags(&options.force_not_null, "FORCE_NOT_NULL")?;
        let force_null = flags(&options.force_null, "FORCE_NULL")?;
        let target = format!("{}.{}", quote_ident(&rel.schema), quote_ident(&rel.name));
        let query = if from {
            copyable(rel, true)?;
            let insert = self.copy_insert_text(rel, &target, &columns, stmt)?;
            self.plan_generated(&insert)?
        } else {
            let list: Vec<String> = columns.iter().map(|c| quote_ident(&c.name)).collect();
            self.plan_generated(&format!("SELECT {} FROM {target}", list.join(", ")))?
        };
        Ok(CopyPlan {
            from,
            relname: rel.name.clone(),
            table: from.then(|| rel.sqlite_name.clone()),
            columns,
            query,
            options,
            force_quote,
            force_not_null,
            force_null,
        })
    }

    /// The INSERT that stores one COPY FROM row given as `$1…$n`.
    fn copy_insert_text(
        &mut self,
        rel: &Relation,
        target: &str,
        columns: &[CopyColumn],
        stmt: &CopyStmt,
    ) -> Result<String> {
        let names: Vec<String> = columns.iter().map(|c| quote_ident(&c.name)).collect();
        let Some((condition, text)) = &stmt.where_clause else {
            let params: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
            return Ok(format!(
                "INSERT INTO {target} ({}) VALUES ({})",
                names.join(", "),
                params.join(", ")
            ));
        };
        check_where(condition)?;
        // Every column of the row, as the INSERT would fill it, under the table's name.
        let mut all = Vec::with_capacity(rel.columns.len());
        let mut select = Vec::with_capacity(rel.columns.len());
        for c in &rel.columns {
            let ty = format_type(c.ty, -1);
            let value = match columns.iter().position(|x| x.name == c.name) {
                Some(i) => format!("CAST(${} AS {ty})", i + 1),
                None => match &c.default {
                    Some(d) => format!("CAST(({d}) AS {ty})"),
                    None => format!("CAST(NULL AS {ty})"),
                },
            };
            all.push(quote_ident(&c.name));
            select.push(format!("{value} AS {}", quote_ident(&c.name)));
        }
        Ok(format!(
            "INSERT INTO {target} ({}) SELECT * FROM (SELECT {}) AS {} WHERE {text}",
            all.join(", "),
            select.join(", "),
            quote_ident(&rel.name)
        ))
    }

    /// Analyzes a statement this module wrote (positions in it mean nothing to the client).
    fn plan_generated(&mut self, text: &str) -> Result<QueryPlan> {
        let strip = |e: SqlError| SqlError {
            position: None,
            ..e
        };
        let mut parsed = parse(text).map_err(strip)?;
        let positions = Positions::new(text);
        let Some(Stmt::Ast(stmt)) = parsed.pop().map(|p| p.stmt) else {
            return Err(SqlError::internal("COPY's statement did not parse"));
        };
        let mut a = Analyzer::new(text, &positions, self.catalog, self.env, &[]);
        match a.statement(&stmt).map_err(strip)? {
            Plan::Query(q) => Ok(q),
            _ => Err(SqlError::internal("COPY's statement is not a query")),
        }
    }

    /// `COPY (query) TO`.
    fn copy_query(&mut self, stmt: &CopyStmt) -> Result<CopyPlan> {
        let options = process_options(&stmt.options, false)?;
        let Some(q) = &stmt.query else {
            return Err(SqlError::internal("COPY without a relation or a query"));
        };
        let returning = match q.as_ref() {
            ast::Statement::Insert(i) => i.returning.is_some(),
            ast::Statement::Update(u) => u.returning.is_some(),
            ast::Statement::Delete(d) => d.returning.is_some(),
            _ => true,
        };
        if !returning {
            return Err(SqlError::not_supported(
                "COPY query must have a RETURNING clause",
            ));
        }
        let query = match self.statement(q)? {
            Plan::Query(qp) => qp,
            _ => return Err(SqlError::internal("COPY's query is not a query")),
        };
        if !query.params.is_empty() {
            return Err(SqlError::new(
                sqlstate::UNDEFINED_PARAMETER,
                "there is no parameter $1",
            ));
        }
        let columns: Vec<CopyColumn> = query
            .columns
            .iter()
            .map(|c| CopyColumn::new(&c.name, c.ty, c.typmod))
            .collect();
        let exists = |name: &str| {
            if columns.iter().any(|c| c.name == name) {
                Ok(())
            } else {
                Err(SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!("column \"{name}\" does not exist"),
                ))
            }
        };
        let force_quote = column_flags(
            options.force_quote.as_ref(),
            &columns,
            &exists,
            "FORCE_QUOTE",
        )?;
        let n = columns.len();
        Ok(CopyPlan {
            from: false,
            relname: String::new(),
            table: None,
            columns,
            query,
            options,
            force_quote,
            force_not_null: vec![false; n],
            force_null: vec![false; n],
        })
    }
}

/// What PostgreSQL refuses in a COPY FROM WHERE condition.
fn check_where(e: &ast::Expr) -> Result<()> {
    let text = e.to_string().to_ascii_uppercase();
    if text.contains("SELECT ") {
        return Err(SqlError::not_supported(
            "cannot use subquery in COPY FROM WHERE condition",
        ));
    }
    Ok(())
}
