//! EXPLAIN: PostgreSQL's options checked as PostgreSQL checks them, then the explained
//! statement analyzed like any other. The plan itself is SQLite's (`EXPLAIN QUERY PLAN`),
//! which the session formats in PostgreSQL's shape: one text column `QUERY PLAN`, one row per
//! plan node, children indented under `->`.
//!
//! Invariant: only a statement that is one SQLite query (SELECT, VALUES, INSERT, UPDATE,
//! DELETE) is explained; anything else is refused before it runs.

use sqlparser::ast;

use super::Analyzer;
use crate::error::{Result, SqlError, sqlstate};
use crate::plan::{Plan, Utility};

impl Analyzer<'_> {
    pub(super) fn explain(
        &mut self,
        analyze_keyword: bool,
        statement: &ast::Statement,
        options: Option<&[ast::UtilityOption]>,
        mysql_format: bool,
    ) -> Result<Plan> {
        if mysql_format {
            return Err(SqlError::syntax("syntax error at or near \"FORMAT\""));
        }
        let mut analyze = analyze_keyword;
        let mut timing: Option<bool> = None;
        let mut wal = false;
        for o in options.unwrap_or_default() {
            let name = o.name.value.to_lowercase();
            match name.as_str() {
                "analyze" => analyze = self.bool_option(&name, o)?,
                "timing" => timing = Some(self.bool_option(&name, o)?),
                "wal" => wal = self.bool_option(&name, o)?,
                "verbose" | "costs" | "settings" | "buffers" | "summary" => {
                    self.bool_option(&name, o)?;
                }
                "format" => {
                    let value = match &o.arg {
                        Some(ast::Expr::Identifier(i)) => i.value.to_lowercase(),
                        Some(ast::Expr::Value(v)) => match &v.value {
                            ast::Value::SingleQuotedString(s) => s.to_lowercase(),
                            other => other.to_string(),
                        },
                        Some(other) => other.to_string(),
                        None => {
                            return Err(SqlError::syntax("format requires a parameter")
                                .at(self.pos(o.name.span)));
                        }
                    };
                    match value.as_str() {
                        "text" => {}
                        "json" | "xml" | "yaml" => {
                            return Err(SqlError::not_supported(format!(
                                "EXPLAIN (FORMAT {}) is not supported",
                                value.to_uppercase()
                            ))
                            .at(self.pos(o.name.span)));
                        }
                        _ => {
                            return Err(SqlError::new(
                                sqlstate::INVALID_PARAMETER_VALUE,
                                format!(
                                    "unrecognized value for EXPLAIN option \"format\": \"{value}\""
                                ),
                            )
                            .at(self.pos(o.name.span)));
                        }
                    }
                }
                _ => {
                    return Err(SqlError::syntax(format!(
                        "unrecognized EXPLAIN option \"{name}\""
                    ))
                    .at(self.pos(o.name.span)));
                }
            }
        }
        for (set, what) in [(wal, "WAL"), (timing == Some(true), "TIMING")] {
            if set && !analyze {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    format!("EXPLAIN option {what} requires ANALYZE"),
                ));
            }
        }
        match self.statement(statement)? {
            Plan::Query(query) => Ok(Plan::Utility(Utility::Explain {
                query: Box::new(query),
                analyze,
            })),
            other => {
                let what = match &other {
                    Plan::Ddl(d) => d.tag().to_string(),
                    Plan::Utility(u) => u.tag().to_string(),
                    Plan::Copy(_) => "COPY".to_string(),
                    Plan::Query(_) => unreachable!("matched above"),
                };
                Err(SqlError::not_supported(format!(
                    "EXPLAIN of {what} is not supported"
                )))
            }
        }
    }

    /// PostgreSQL's `defGetBoolean` for an EXPLAIN option: no argument is true; true, false,
    /// on, off, 1 and 0 are accepted.
    fn bool_option(&self, name: &str, o: &ast::UtilityOption) -> Result<bool> {
        let word = match &o.arg {
            None => return Ok(true),
            Some(ast::Expr::Identifier(i)) => i.value.to_lowercase(),
            Some(ast::Expr::Value(v)) => match &v.value {
                ast::Value::SingleQuotedString(s) => s.to_lowercase(),
                ast::Value::Boolean(b) => b.to_string(),
                other => other.to_string(),
            },
            Some(other) => other.to_string().to_lowercase(),
        };
        match word.as_str() {
            "true" | "on" | "1" => Ok(true),
            "false" | "off" | "0" => Ok(false),
            _ => Err(SqlError::syntax(format!("{name} requires a Boolean value"))),
        }
    }
}
