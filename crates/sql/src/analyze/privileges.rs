//! Roles and privileges (see [`crate::auth`]): the relations GRANT/REVOKE and OWNER TO name
//! are resolved here, so the host gets their OIDs; everything else the host carries out.

use super::Analyzer;
use crate::auth::{AuthStmt, GrantTarget, ObjectKind};
use crate::catalog::{RelKind, Relation};
use crate::error::{Result, SqlError, sqlstate};
use crate::plan::{Plan, Utility};

impl Analyzer<'_> {
    pub(super) fn auth(&mut self, stmt: &AuthStmt) -> Result<Plan> {
        let mut relations: Vec<Relation> = Vec::new();
        if let AuthStmt::AlterOwner {
            owner: crate::auth::RoleSpec::Name(name),
            ..
        } = stmt
            && !self.catalog.role_exists(name)
        {
            return Err(SqlError::new(
                sqlstate::UNDEFINED_OBJECT,
                format!("role \"{name}\" does not exist"),
            ));
        }
        match stmt {
            AuthStmt::Grant(crate::auth::Grant {
                kind: kind @ (ObjectKind::Table | ObjectKind::Sequence),
                target: GrantTarget::Objects(names),
                ..
            }) => {
                for parts in names {
                    let (schema, name) = super::ddl::split_name(parts, None)?;
                    let rel = self.lookup_relation(schema.as_deref(), &name, None)?;
                    if *kind == ObjectKind::Sequence && rel.kind != RelKind::Sequence {
                        return Err(SqlError::new(
                            sqlstate::WRONG_OBJECT_TYPE,
                            format!("\"{}\" is not a sequence", rel.name),
                        ));
                    }
                    if rel.system {
                        return Err(SqlError::new(
                            sqlstate::INSUFFICIENT_PRIVILEGE,
                            format!("permission denied: \"{}\" is a system catalog", rel.name),
                        ));
                    }
                    relations.push(rel);
                }
            }
            AuthStmt::AlterOwner {
                kind:
                    kind @ (ObjectKind::Table
                    | ObjectKind::Sequence
                    | ObjectKind::View
                    | ObjectKind::Index),
                if_exists,
                name,
                ..
            } => {
                let (schema, rel_name) = super::ddl::split_name(name, None)?;
                match self.catalog.relation(schema.as_deref(), &rel_name)? {
                    Some(rel) if !rel.system => {
                        let fits = match kind {
                            ObjectKind::Sequence => rel.kind == RelKind::Sequence,
                            ObjectKind::View => rel.kind == RelKind::View,
                            ObjectKind::Index => rel.kind == RelKind::Index,
                            // ALTER TABLE takes any relation, as PostgreSQL's does for
                            // OWNER TO.
                            _ => true,
                        };
                        if !fits {
                            return Err(SqlError::new(
                                sqlstate::WRONG_OBJECT_TYPE,
                                format!("\"{}\" is not a {}", rel.name, kind.noun()),
                            ));
                        }
                        relations.push(rel);
                    }
                    Some(rel) => {
                        return Err(SqlError::new(
                            sqlstate::INSUFFICIENT_PRIVILEGE,
                            format!("permission denied: \"{}\" is a system catalog", rel.name),
                        ));
                    }
                    None if *if_exists => {}
                    None => {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_TABLE,
                            format!("relation \"{}\" does not exist", name.join(".")),
                        ));
                    }
                }
            }
            _ => {}
        }
        Ok(Plan::Utility(Utility::Auth {
            stmt: Box::new(stmt.clone()),
            relations,
        }))
    }
}
