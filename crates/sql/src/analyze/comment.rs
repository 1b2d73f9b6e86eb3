//! COMMENT ON TABLE / VIEW / INDEX / SEQUENCE / COLUMN / SCHEMA / CONSTRAINT … IS '…' | NULL:
//! the object resolved as PostgreSQL resolves it (with its errors); an empty comment removes
//! the comment, as `IS NULL` does.

use sqlparser::ast::{self, Spanned};

use super::ddl::split_name;
use super::{Analyzer, ident, object_name};
use crate::catalog::{ConstraintKind, RelKind};
use crate::error::{Result, SqlError, sqlstate};
use crate::plan::{CommentTarget, Ddl};

impl Analyzer<'_> {
    pub(super) fn comment(
        &mut self,
        object_type: ast::CommentObject,
        name: &ast::ObjectName,
        text: Option<&str>,
    ) -> Result<Ddl> {
        use ast::CommentObject as C;
        let pos = self.pos(name.span());
        let parts = object_name(name);
        let text = text.filter(|t| !t.is_empty()).map(str::to_string);
        let target = match object_type {
            C::Table | C::View | C::Index | C::Sequence => {
                let (schema, rel) = split_name(&parts, pos)?;
                let r = self.lookup_relation(schema.as_deref(), &rel, None)?;
                let wanted = match object_type {
                    C::Table => RelKind::Table,
                    C::View => RelKind::View,
                    C::Index => RelKind::Index,
                    _ => RelKind::Sequence,
                };
                if r.kind != wanted || r.system {
                    let article = if wanted == RelKind::Index { "an" } else { "a" };
                    return Err(SqlError::new(
                        sqlstate::WRONG_OBJECT_TYPE,
                        format!("\"{}\" is not {article} {}", r.name, wanted.noun()),
                    ));
                }
                CommentTarget::Relation {
                    oid: r.oid,
                    attnum: 0,
                }
            }
            C::Column => {
                if parts.len() < 2 {
                    return Err(SqlError::syntax("column name must be qualified"));
                }
                let (table_parts, column) = parts.split_at(parts.len() - 1);
                let (schema, rel) = split_name(table_parts, pos)?;
                let r = self.lookup_relation(schema.as_deref(), &rel, None)?;
                if r.system || r.kind == RelKind::Index {
                    return Err(SqlError::new(
                        sqlstate::WRONG_OBJECT_TYPE,
                        format!("cannot set comment on relation \"{}\"", r.name),
                    ));
                }
                let column = &column[0];
                let Some(i) = r.columns.iter().position(|c| c.name == *column) else {
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_COLUMN,
                        format!(
                            "column \"{column}\" of relation \"{}\" does not exist",
                            r.name
                        ),
                    ));
                };
                CommentTarget::Relation {
                    oid: r.oid,
                    attnum: crate::catalog::attnum(i),
                }
            }
            C::Schema => {
                let [schema] = parts.as_slice() else {
                    return Err(SqlError::syntax(format!(
                        "syntax error at or near \"{}\"",
                        parts.get(1).cloned().unwrap_or_default()
                    ))
                    .at(pos));
                };
                if !self.catalog.schema_exists(schema)? {
                    return Err(SqlError::new(
                        sqlstate::INVALID_SCHEMA_NAME,
                        format!("schema \"{schema}\" does not exist"),
                    ));
                }
                CommentTarget::Schema(schema.clone())
            }
            other => {
                return Err(SqlError::not_supported(format!(
                    "COMMENT ON {other} is not supported"
                )));
            }
        };
        Ok(Ddl::Comment { target, text })
    }

    pub(super) fn comment_on_constraint(
        &mut self,
        constraint: &ast::Ident,
        table: &ast::ObjectName,
        text: Option<&str>,
    ) -> Result<Ddl> {
        let pos = self.pos(table.span());
        let parts = object_name(table);
        let (schema, rel) = split_name(&parts, pos)?;
        let r = self.lookup_relation(schema.as_deref(), &rel, None)?;
        let name = ident(constraint);
        let found = r.kind == RelKind::Table
            && self.catalog.constraints(&r)?.iter().any(|c| {
                c.name == name
                    && matches!(
                        c.kind,
                        ConstraintKind::PrimaryKey
                            | ConstraintKind::Unique
                            | ConstraintKind::Check
                            | ConstraintKind::ForeignKey
                    )
            });
        if !found {
            return Err(SqlError::new(
                sqlstate::UNDEFINED_OBJECT,
                format!(
                    "constraint \"{name}\" for table \"{}\" does not exist",
                    r.name
                ),
            ));
        }
        Ok(Ddl::Comment {
            target: CommentTarget::Constraint { table: r.oid, name },
            text: text.filter(|t| !t.is_empty()).map(str::to_string),
        })
    }
}
