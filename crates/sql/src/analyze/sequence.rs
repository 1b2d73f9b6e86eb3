//! CREATE SEQUENCE and ALTER SEQUENCE: options read as PostgreSQL reads them (each at most
//! once, integer values, `OWNED BY table.column | NONE`), checked here when they can be
//! (a new sequence's) and applied by the host (an existing sequence's current state is in the
//! database).

use sqlparser::ast::{self, Spanned};

use super::ddl::split_name;
use super::typename;
use super::{Analyzer, ident, object_name};
use crate::catalog::{RelKind, Relation, sqlite_name};
use crate::error::{Result, SqlError, sqlstate};
use crate::parse::{AlterSequence, AlterSequenceAction};
use crate::plan::{Ddl, NewSequence, OwnedBy};
use crate::sequence::{SeqOptions, apply_options};

/// `OWNED BY` as written: `None` is `OWNED BY NONE`.
type OwnedByName = Option<ast::ObjectName>;

impl Analyzer<'_> {
    /// The options of CREATE/ALTER SEQUENCE or of an identity column; 42601 `conflicting or
    /// redundant options` when one repeats.
    pub(super) fn seq_options(
        &mut self,
        opts: &[ast::SequenceOptions],
    ) -> Result<(SeqOptions, Option<OwnedByName>)> {
        use ast::SequenceOptions as O;
        let mut o = SeqOptions::default();
        let mut owned: Option<OwnedByName> = None;
        let mut seen: Vec<std::mem::Discriminant<O>> = Vec::new();
        for opt in opts {
            let d = std::mem::discriminant(opt);
            if seen.contains(&d) {
                return Err(
                    SqlError::syntax("conflicting or redundant options").at(self.option_pos(opt))
                );
            }
            seen.push(d);
            match opt {
                O::DataType(dt) => {
                    let t = typename::resolve(dt)?;
                    o.as_type = Some(t.ty);
                }
                O::IncrementBy(e, _) => o.increment = Some(self.option_int(e)?),
                O::MinValue(v) => {
                    o.min = Some(match v {
                        Some(e) => Some(self.option_int(e)?),
                        None => None,
                    });
                }
                O::MaxValue(v) => {
                    o.max = Some(match v {
                        Some(e) => Some(self.option_int(e)?),
                        None => None,
                    });
                }
                O::StartWith(e, _) => o.start = Some(self.option_int(e)?),
                O::Cache(e) => o.cache = Some(self.option_int(e)?),
                O::Cycle(no) => o.cycle = Some(!*no),
                O::OwnedBy(n) => owned = Some(n.clone()),
            }
        }
        Ok((o, owned))
    }

    fn option_pos(&self, opt: &ast::SequenceOptions) -> Option<usize> {
        use ast::SequenceOptions as O;
        match opt {
            O::IncrementBy(e, _) | O::StartWith(e, _) | O::Cache(e) => self.expr_pos(e),
            O::MinValue(Some(e)) | O::MaxValue(Some(e)) => self.expr_pos(e),
            O::OwnedBy(Some(n)) => self.pos(n.span()),
            _ => None,
        }
    }

    /// An option's integer: a number, possibly negative (22003 past bigint, 22P02 for a
    /// fraction, as PostgreSQL's `defGetInt64`).
    pub(super) fn option_int(&self, e: &ast::Expr) -> Result<i64> {
        let pos = self.expr_pos(e);
        let (negative, inner) = match e {
            ast::Expr::UnaryOp {
                op: ast::UnaryOperator::Minus,
                expr,
            } => (true, expr.as_ref()),
            ast::Expr::UnaryOp {
                op: ast::UnaryOperator::Plus,
                expr,
            } => (false, expr.as_ref()),
            other => (false, other),
        };
        let ast::Expr::Value(v) = inner else {
            return Err(SqlError::syntax(format!("syntax error at or near \"{e}\"")).at(pos));
        };
        let ast::Value::Number(digits, _) = &v.value else {
            return Err(SqlError::syntax(format!("syntax error at or near \"{v}\"")).at(pos));
        };
        let text = if negative {
            format!("-{digits}")
        } else {
            digits.clone()
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SqlError::new(
                sqlstate::INVALID_TEXT_REPRESENTATION,
                format!("invalid input syntax for type bigint: \"{text}\""),
            ));
        }
        text.parse::<i64>().map_err(|_| {
            SqlError::new(
                sqlstate::NUMERIC_VALUE_OUT_OF_RANGE,
                format!("value \"{text}\" is out of range for type bigint"),
            )
        })
    }

    /// `OWNED BY table.column` resolved, with PostgreSQL's checks against the sequence's
    /// schema.
    fn owned_by(&mut self, owned: OwnedByName, seq_schema: &str) -> Result<OwnedBy> {
        let Some(name) = owned else {
            return Ok(OwnedBy::Nothing);
        };
        let parts = object_name(&name);
        if parts.len() < 2 || parts.len() > 4 {
            return Err(SqlError::syntax("invalid OWNED BY option")
                .with_hint("Specify OWNED BY table.column or OWNED BY NONE."));
        }
        let (table_parts, column) = parts.split_at(parts.len() - 1);
        let pos = self.pos(name.span());
        let (schema, table) = split_name(table_parts, pos)?;
        let rel = self.lookup_relation(schema.as_deref(), &table, pos)?;
        if !matches!(rel.kind, RelKind::Table | RelKind::View) || rel.system {
            return Err(SqlError::new(
                sqlstate::WRONG_OBJECT_TYPE,
                format!("sequence cannot be owned by relation \"{}\"", rel.name),
            )
            .with_detail("This operation is not supported for this kind of relation."));
        }
        if rel.schema != seq_schema {
            return Err(SqlError::new(
                sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
                "sequence must be in same schema as table it is linked to",
            ));
        }
        let column = &column[0];
        let Some(i) = rel.columns.iter().position(|c| c.name == *column) else {
            return Err(SqlError::new(
                sqlstate::UNDEFINED_COLUMN,
                format!(
                    "column \"{column}\" of relation \"{}\" does not exist",
                    rel.name
                ),
            ));
        };
        Ok(OwnedBy::Column {
            table: rel.oid,
            attnum: crate::catalog::attnum(i),
        })
    }

    pub(super) fn create_sequence(
        &mut self,
        temporary: bool,
        if_not_exists: bool,
        name: &ast::ObjectName,
        opts: &[ast::SequenceOptions],
    ) -> Result<Ddl> {
        if temporary {
            return Err(SqlError::not_supported(
                "temporary sequences are not supported",
            ));
        }
        let (schema, seq) = self.creation_target(name)?;
        let (options, owned) = self.seq_options(opts)?;
        // An existing one: the host says "already exists, skipping" without looking at the
        // options.
        let skipped = if_not_exists && self.catalog.relation(Some(&schema), &seq)?.is_some();
        let owned_by = if skipped {
            None
        } else {
            apply_options(&options, None, false)?;
            match owned {
                Some(o) => Some(self.owned_by(o, &schema)?),
                None => None,
            }
        };
        Ok(Ddl::CreateSequence {
            seq: NewSequence {
                sqlite_name: sqlite_name(&schema, &seq),
                schema,
                name: seq,
                options,
                identity: false,
            },
            owned_by,
            if_not_exists,
        })
    }

    /// The sequence `name` names, for ALTER SEQUENCE (42P01 / 42809).
    fn sequence_named(&mut self, name: &ast::ObjectName) -> Result<Option<Relation>> {
        let pos = self.pos(name.span());
        let parts = object_name(name);
        let (schema, rel) = split_name(&parts, pos)?;
        let Some(r) = self.catalog.relation(schema.as_deref(), &rel)? else {
            return Ok(None);
        };
        if r.kind != RelKind::Sequence {
            return Err(SqlError::new(
                sqlstate::WRONG_OBJECT_TYPE,
                format!("\"{}\" is not a sequence", r.name),
            ));
        }
        Ok(Some(r))
    }

    pub(super) fn alter_sequence(&mut self, a: &AlterSequence) -> Result<Ddl> {
        let Some(seq) = self.sequence_named(&a.name)? else {
            let shown = object_name(&a.name).join(".");
            if a.if_exists {
                return Ok(Ddl::Nothing {
                    tag: "ALTER SEQUENCE",
                    notice: Some(format!("relation \"{shown}\" does not exist, skipping")),
                });
            }
            return Err(SqlError::new(
                sqlstate::UNDEFINED_TABLE,
                format!("relation \"{shown}\" does not exist"),
            )
            .at(self.pos(a.name.span())));
        };
        match &a.action {
            AlterSequenceAction::RenameTo(new) => {
                let new = ident(new);
                if new.len() > 63 {
                    return Err(SqlError::new(
                        sqlstate::NAME_TOO_LONG,
                        format!("identifier \"{new}\" is too long"),
                    ));
                }
                Ok(Ddl::AlterSequence {
                    seq,
                    options: SeqOptions::default(),
                    owned_by: None,
                    rename: Some(new),
                })
            }
            AlterSequenceAction::OwnerTo(role) => {
                self.check_role(role)?;
                Ok(Ddl::Nothing {
                    tag: "ALTER SEQUENCE",
                    notice: None,
                })
            }
            AlterSequenceAction::Options { options, restart } => {
                let (mut o, owned) = self.seq_options(options)?;
                if let Some(r) = restart {
                    o.restart = Some(match r {
                        Some(e) => Some(self.option_int(e)?),
                        None => None,
                    });
                }
                let owned_by = match owned {
                    Some(ob) => Some(self.owned_by(ob, &seq.schema)?),
                    None => None,
                };
                Ok(Ddl::AlterSequence {
                    seq,
                    options: o,
                    owned_by,
                    rename: None,
                })
            }
        }
    }

    /// `OWNER TO role`: the role must exist (42704); ownership itself is not recorded.
    pub(super) fn check_role(&self, role: &ast::Ident) -> Result<()> {
        let name = ident(role);
        let special = role.quote_style.is_none()
            && matches!(
                name.as_str(),
                "current_user" | "session_user" | "current_role"
            );
        if special || self.catalog.role_exists(&name) {
            return Ok(());
        }
        Err(SqlError::new(
            sqlstate::UNDEFINED_OBJECT,
            format!("role \"{name}\" does not exist"),
        ))
    }
}
