//! Commands the session carries out itself: transaction control, SET/SHOW/RESET/DISCARD,
//! CREATE/DROP DATABASE and SCHEMA — and a clear 0A000 for every statement minipg does not
//! carry out (yet).

use sqlparser::ast::{self, Spanned};

use super::{Analyzer, ident, object_name, typename};
use crate::error::{Result, SqlError, sqlstate};
use crate::plan::{Plan, Utility, Vacuum};

/// Refuses schema names minipg cannot store or PostgreSQL reserves.
pub(crate) fn check_schema_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(SqlError::new(
            sqlstate::INVALID_NAME,
            "zero-length delimited identifier",
        ));
    }
    if name.starts_with("pg_") {
        return Err(SqlError::new(
            sqlstate::RESERVED_NAME,
            format!("unacceptable schema name \"{name}\""),
        )
        .with_detail("The prefix \"pg_\" is reserved for system schemas."));
    }
    if name.contains('.') {
        return Err(SqlError::new(sqlstate::INVALID_NAME, format!("invalid schema name \"{name}\""))
            .with_detail("minipg stores a schema's relations as \"schema.name\"; a schema name cannot contain \".\"."));
    }
    Ok(())
}

/// The text of a SET value: identifiers and numbers as written, strings unquoted.
fn set_value(e: &ast::Expr) -> Option<String> {
    match e {
        ast::Expr::Value(v) => match &v.value {
            ast::Value::SingleQuotedString(s)
            | ast::Value::EscapedStringLiteral(s)
            | ast::Value::DoubleQuotedString(s) => Some(s.clone()),
            ast::Value::DollarQuotedString(d) => Some(d.value.clone()),
            ast::Value::Number(n, _) => Some(n.clone()),
            ast::Value::Boolean(b) => Some(if *b { "on" } else { "off" }.into()),
            ast::Value::Null => Some(String::new()),
            other => Some(other.to_string()),
        },
        ast::Expr::Identifier(i)
            if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("default") =>
        {
            None
        }
        ast::Expr::Identifier(i) => Some(ident(i)),
        ast::Expr::UnaryOp {
            op: ast::UnaryOperator::Minus,
            expr,
        } => set_value(expr).map(|v| format!("-{v}")),
        other => Some(other.to_string()),
    }
}

/// The isolation level among a transaction's modes, as SHOW spells it.
fn isolation_level(modes: &[ast::TransactionMode]) -> Option<String> {
    modes.iter().find_map(|m| match m {
        ast::TransactionMode::IsolationLevel(l) => Some(l.to_string().to_lowercase()),
        _ => None,
    })
}

/// READ ONLY (`Some(true)`) or READ WRITE among a transaction's modes.
fn access_mode(modes: &[ast::TransactionMode]) -> Option<bool> {
    modes.iter().find_map(|m| match m {
        ast::TransactionMode::AccessMode(a) => {
            Some(matches!(a, ast::TransactionAccessMode::ReadOnly))
        }
        _ => None,
    })
}

impl Analyzer<'_> {
    pub(super) fn utility(&mut self, stmt: &ast::Statement) -> Result<Plan> {
        use ast::Statement as S;
        let u = match stmt {
            S::StartTransaction { modes, begin, .. } => Utility::Begin {
                start: !*begin,
                read_only: access_mode(modes),
                isolation: isolation_level(modes),
            },
            S::Lock(_) | S::LockTables { .. } => Utility::Lock,
            S::Commit { chain, .. } | S::Rollback { chain, .. } if *chain => {
                return Err(SqlError::not_supported("AND CHAIN is not supported"));
            }
            S::Commit { .. } => Utility::Commit,
            S::Rollback {
                savepoint: None, ..
            } => Utility::Rollback,
            S::Rollback {
                savepoint: Some(sp),
                ..
            } => Utility::RollbackTo(ident(sp)),
            S::Savepoint { name } => Utility::Savepoint(ident(name)),
            S::LISTEN { channel } => Utility::Listen(ident(channel)),
            S::UNLISTEN { channel } if channel.quote_style.is_none() && channel.value == "*" => {
                Utility::Unlisten(None)
            }
            S::UNLISTEN { channel } => Utility::Unlisten(Some(ident(channel))),
            S::NOTIFY { channel, payload } => Utility::Notify {
                channel: ident(channel),
                payload: payload.clone().unwrap_or_default(),
            },
            S::ReleaseSavepoint { name } => Utility::Release(ident(name)),
            S::Set(set) => self.set(set)?,
            S::ShowVariable { variable } => {
                let words: Vec<String> = variable.iter().map(ident).collect();
                Utility::Show(match words.join(" ").as_str() {
                    "time zone" => "timezone".into(),
                    "transaction isolation level" => "transaction_isolation".into(),
                    "session authorization" => "session_authorization".into(),
                    _ => words.join("."),
                })
            }
            S::Reset(r) => match &r.reset {
                ast::Reset::ALL => Utility::Reset(None),
                ast::Reset::ConfigurationParameter(n) => {
                    Utility::Reset(Some(object_name(n).join(".")))
                }
                ast::Reset::SessionAuthorization => {
                    Utility::Reset(Some("session_authorization".into()))
                }
            },
            S::Discard { object_type } => match object_type {
                ast::DiscardObject::ALL => Utility::Discard,
                other => {
                    return Err(SqlError::not_supported(format!(
                        "DISCARD {other} is not supported"
                    )));
                }
            },
            S::Prepare {
                name,
                data_types,
                statement,
            } => {
                if matches!(**statement, S::Prepare { .. } | S::Execute { .. }) {
                    return Err(SqlError::syntax(format!(
                        "syntax error at or near \"{}\"",
                        statement
                            .to_string()
                            .split_whitespace()
                            .next()
                            .unwrap_or("")
                    ))
                    .at(self.pos(statement.span())));
                }
                let mut param_types = Vec::with_capacity(data_types.len());
                for dt in data_types {
                    param_types.push(typename::resolve(dt)?.ty);
                }
                let (offset, end) = self.prepare_body(name)?;
                Utility::Prepare {
                    name: ident(name),
                    param_types,
                    text: self.positions.slice(self.text, offset, end).to_string(),
                    offset,
                }
            }
            S::Execute {
                name: Some(name),
                parameters,
                immediate: false,
                into,
                using,
                output: false,
                default: false,
                ..
            } if into.is_empty() && using.is_empty() => Utility::Execute {
                name: object_name(name).join("."),
                args: parameters.iter().map(ToString::to_string).collect(),
            },
            S::Deallocate { name, .. } => {
                if name.quote_style.is_none() && name.value.eq_ignore_ascii_case("all") {
                    Utility::Deallocate(None)
                } else {
                    Utility::Deallocate(Some(ident(name)))
                }
            }
            S::Close { cursor } => Utility::CloseCursor(match cursor {
                ast::CloseCursor::All => None,
                ast::CloseCursor::Specific { name } => Some(ident(name)),
            }),
            S::CreateDatabase { db_name, .. } => {
                let parts = object_name(db_name);
                Utility::CreateDatabase(parts.join("."))
            }
            S::CreateSchema {
                schema_name,
                if_not_exists,
                ..
            } => {
                let (name, owner) = match schema_name {
                    ast::SchemaName::Simple(n) => (object_name(n).join("."), None),
                    ast::SchemaName::NamedAuthorization(n, a) => {
                        (object_name(n).join("."), Some(ident(a)))
                    }
                    ast::SchemaName::UnnamedAuthorization(i) => (ident(i), Some(ident(i))),
                };
                check_schema_name(&name)?;
                Utility::CreateSchema {
                    name,
                    if_not_exists: *if_not_exists,
                    elements: Vec::new(),
                    owner,
                }
            }
            other => {
                let words: Vec<String> = other
                    .to_string()
                    .split_whitespace()
                    .take(2)
                    .map(str::to_uppercase)
                    .collect();
                let what = match words.first().map(String::as_str) {
                    Some("CREATE" | "DROP" | "ALTER" | "COMMENT") => words.join(" "),
                    Some(w) => w.to_string(),
                    None => "this statement".into(),
                };
                return Err(SqlError::not_supported(format!("{what} is not supported"))
                    .at(self.pos(other.span())));
            }
        };
        Ok(Plan::Utility(u))
    }

    /// Where the statement of `PREPARE name … AS statement` starts: the first `AS` after the
    /// name outside parentheses (a character offset in the client's text).
    fn prepare_body(&self, name: &ast::Ident) -> Result<(usize, usize)> {
        let from = self.positions.offset(name.span.end);
        let rest = &self.text[self.positions.byte(self.text, from)..];
        crate::parse::after_top_level_keyword(rest, "as")
            .map(|(a, b)| (from + a, from + b))
            .ok_or_else(|| SqlError::syntax("syntax error at end of input"))
    }

    /// VACUUM / ANALYZE: the tables named, as SQLite names.
    pub(super) fn maintenance(&mut self, m: &crate::parse::Maintenance) -> Result<Plan> {
        let mut tables = Vec::with_capacity(m.tables.len());
        for (parts, at) in &m.tables {
            let (schema, name) =
                super::ddl::split_name(parts, None).map_err(|e| e.at(Some(*at)))?;
            // PostgreSQL names a missing table here without a position.
            let rel = self.lookup_relation(schema.as_deref(), &name, None)?;
            tables.push(rel.sqlite_name);
        }
        Ok(Plan::Utility(Utility::Vacuum(Vacuum {
            vacuum: m.vacuum,
            full: m.vacuum && m.full,
            analyze: m.analyze || !m.vacuum,
            tables,
        })))
    }

    fn set(&mut self, set: &ast::Set) -> Result<Utility> {
        Ok(match set {
            ast::Set::SingleAssignment {
                scope,
                variable,
                values,
                ..
            } => {
                let name = object_name(variable).join(".");
                let local = matches!(scope, Some(ast::ContextModifier::Local));
                let mut parts = Vec::new();
                for v in values {
                    match set_value(v) {
                        Some(s) => parts.push(s),
                        None => {
                            return Ok(Utility::Set {
                                name,
                                value: None,
                                local,
                            });
                        }
                    }
                }
                Utility::Set {
                    name,
                    value: Some(parts.join(", ")),
                    local,
                }
            }
            ast::Set::SetTimeZone { local, value } => Utility::Set {
                name: "timezone".into(),
                value: set_value(value),
                local: *local,
            },
            ast::Set::SetNames { charset_name, .. } => Utility::Set {
                name: "client_encoding".into(),
                value: Some(charset_name.value.clone()),
                local: false,
            },
            ast::Set::SetNamesDefault {} => Utility::Set {
                name: "client_encoding".into(),
                value: None,
                local: false,
            },
            // SET SESSION CHARACTERISTICS: the defaults (its isolation level when it names
            // one, else its access mode).
            ast::Set::SetTransaction {
                modes,
                session: true,
                ..
            } => match (isolation_level(modes), access_mode(modes)) {
                (Some(level), _) => Utility::Set {
                    name: "default_transaction_isolation".into(),
                    value: Some(level),
                    local: false,
                },
                (None, read_only) => Utility::Set {
                    name: "default_transaction_read_only".into(),
                    value: Some(if read_only == Some(true) { "on" } else { "off" }.into()),
                    local: false,
                },
            },
            ast::Set::SetTransaction { modes, .. } => Utility::SetTransaction {
                read_only: access_mode(modes),
                isolation: isolation_level(modes),
            },
            other => {
                return Err(SqlError::not_supported(format!(
                    "{} is not supported",
                    other
                        .to_string()
                        .split_whitespace()
                        .take(2)
                        .collect::<Vec<_>>()
                        .join(" ")
                )));
            }
        })
    }
}
