//! ALTER TABLE [IF EXISTS] [ONLY] name action, …: what PostgreSQL allows, as [`AlterStep`]s
//! the host carries out in the statement's transaction.
//!
//! SQLite changes in place only a table's name, a column's name and an added column without
//! constraints; everything else (constraints, NOT NULL, defaults, types, dropped columns) is a
//! rebuild of the table with [`TableEdit`]s, as SQLite documents ("making other kinds of
//! table schema changes"). Existing rows are checked before: a [`AlterStep::Validate`] query
//! per new constraint finds the first offending row and fails with PostgreSQL's error and
//! DETAIL (constraints over columns the statement itself adds or retypes are checked by the
//! rebuild's copy instead). Constraint names follow PostgreSQL (`t_pkey`, `t_a_key`,
//! `t_a_check`, `t_b_fkey`, numbered when taken).

use sqlparser::ast::{self, Spanned};

use super::ddl::{
    Constraints, check_storage_parameters, column_decl, multiple_pk, not_a_table, quoted_list,
    split_name, storage_decl,
};
use super::{Analyzer, Clause, ident, object_name};
use crate::catalog::{ConstraintKind, Identity, RelColumn, RelKind, Relation, quote_sqlite};
use crate::emit;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::CastContext;
use crate::ir::{ColumnRef, Expr, ExprKind};
use crate::plan::{AlterStep, Ddl, TableEdit};
use crate::types::{Type, format_type};

/// What one ALTER TABLE is building up.
struct Alter {
    table: Relation,
    columns: Vec<RelColumn>,
    constraints: Constraints,
    /// Columns added or retyped by this statement: constraints over them are checked by the
    /// rebuild's copy, not by a query on the old rows.
    changed: Vec<String>,
    first: Vec<AlterStep>,
    validate: Vec<AlterStep>,
    host: Vec<AlterStep>,
    edits: Vec<TableEdit>,
    after: Vec<AlterStep>,
    /// Statements SQLite runs in place (used when nothing needs a rebuild).
    direct: Vec<String>,
    serials: usize,
    taken: Vec<String>,
}

impl Analyzer<'_> {
    pub(super) fn alter_table(&mut self, at: &ast::AlterTable) -> Result<Ddl> {
        let pos = self.pos(at.name.span());
        let parts = object_name(&at.name);
        let (schema, name) = split_name(&parts, pos)?;
        let Some(table) = self.catalog.relation(schema.as_deref(), &name)? else {
            if at.if_exists {
                return Ok(Ddl::Nothing {
                    tag: "ALTER TABLE",
                    notice: Some(format!("relation \"{name}\" does not exist, skipping")),
                });
            }
            return Err(SqlError::new(
                sqlstate::UNDEFINED_TABLE,
                format!("relation \"{}\" does not exist", parts.join(".")),
            ));
        };
        if table.system {
            return Err(SqlError::new(
                sqlstate::INSUFFICIENT_PRIVILEGE,
                format!("permission denied: \"{}\" is a system catalog", table.name),
            ));
        }
        use ast::AlterTableOperation as Op;
        // OWNER TO and RENAME apply to every relation kind ALTER TABLE can name.
        if at
            .operations
            .iter()
            .all(|op| matches!(op, Op::OwnerTo { .. }))
        {
            for op in &at.operations {
                if let Op::OwnerTo { new_owner } = op {
                    self.check_owner(new_owner)?;
                }
            }
            return Ok(Ddl::Nothing {
                tag: "ALTER TABLE",
                notice: None,
            });
        }
        if let [Op::RenameTable { table_name }] = at.operations.as_slice() {
            return self.rename_relation(table, table_name);
        }
        if table.kind != RelKind::Table {
            return Err(not_a_table(&table.name).at(pos));
        }
        let existing = self.catalog.constraints(&table)?;
        let mut a = Alter {
            constraints: Constraints::existing(&table, &existing),
            columns: table.columns.clone(),
            table,
            changed: Vec::new(),
            first: Vec::new(),
            validate: Vec::new(),
            host: Vec::new(),
            edits: Vec::new(),
            after: Vec::new(),
            direct: Vec::new(),
            serials: 0,
            taken: Vec::new(),
        };
        for op in &at.operations {
            match op {
                Op::AddColumn {
                    if_not_exists,
                    column_def,
                    ..
                } => self.add_column(&mut a, column_def, *if_not_exists)?,
                Op::AddConstraint { constraint, .. } => {
                    self.add_constraint(&mut a, constraint)?;
                }
                Op::DropConstraint {
                    if_exists,
                    name,
                    drop_behavior,
                } => {
                    let name = ident(name);
                    a.host.push(AlterStep::DropConstraint {
                        name,
                        if_exists: *if_exists,
                        cascade: matches!(drop_behavior, Some(ast::DropBehavior::Cascade)),
                    });
                }
                Op::DropColumn {
                    column_names,
                    if_exists,
                    drop_behavior,
                    ..
                } => {
                    for cn in column_names {
                        let n = ident(cn);
                        let Some(i) = a.columns.iter().position(|c| c.name == n) else {
                            if *if_exists {
                                a.notice(format!(
                                    "column \"{n}\" of relation \"{}\" does not exist, skipping",
                                    a.table.name
                                ));
                                continue;
                            }
                            return Err(SqlError::new(
                                sqlstate::UNDEFINED_COLUMN,
                                format!(
                                    "column \"{n}\" of relation \"{}\" does not exist",
                                    a.table.name
                                ),
                            ));
                        };
                        if a.columns.len() == 1 {
                            return Err(SqlError::not_supported(
                                "a table without columns is not supported",
                            ));
                        }
                        a.columns.remove(i);
                        a.host.push(AlterStep::DropColumn {
                            name: n,
                            cascade: matches!(drop_behavior, Some(ast::DropBehavior::Cascade)),
                        });
                    }
                }
                Op::RenameColumn {
                    old_column_name,
                    new_column_name,
                } => {
                    let old = ident(old_column_name);
                    let new = ident(new_column_name);
                    if a.columns.iter().any(|c| c.name == new) {
                        return Err(SqlError::new(
                            sqlstate::DUPLICATE_COLUMN,
                            format!(
                                "column \"{new}\" of relation \"{}\" already exists",
                                a.table.name
                            ),
                        ));
                    }
                    let Some(c) = a.columns.iter_mut().find(|c| c.name == old) else {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_COLUMN,
                            format!("column \"{old}\" does not exist"),
                        ));
                    };
                    c.name = new.clone();
                    a.direct.push(format!(
                        "ALTER TABLE {} RENAME COLUMN {} TO {}",
                        quote_sqlite(&a.table.sqlite_name),
                        quote_sqlite(&old),
                        quote_sqlite(&new)
                    ));
                }
                Op::RenameConstraint { old_name, new_name } => {
                    let old = ident(old_name);
                    let new = ident(new_name);
                    if !a.constraints.used.contains(&old) {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_OBJECT,
                            format!(
                                "constraint \"{old}\" for table \"{}\" does not exist",
                                a.table.name
                            ),
                        ));
                    }
                    a.constraints.check_given(Some(&new))?;
                    a.edits.push(TableEdit::RenameConstraint {
                        old: old.clone(),
                        new: new.clone(),
                    });
                    a.after.push(AlterStep::RenameConstraint { old, new });
                }
                Op::AlterColumn { column_name, op } => {
                    self.alter_column(&mut a, &ident(column_name), op)?;
                }
                Op::SetOptionsParens { options } => check_storage_parameters(options)?,
                Op::ResetOptions { .. } => {}
                Op::OwnerTo { new_owner } => self.check_owner(new_owner)?,
                Op::ValidateConstraint { name } => {
                    let n = ident(name);
                    if !a.constraints.used.contains(&n) {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_OBJECT,
                            format!(
                                "constraint \"{n}\" of relation \"{}\" does not exist",
                                a.table.name
                            ),
                        ));
                    }
                }
                Op::RenameTable { .. } => {
                    return Err(SqlError::syntax("syntax error at or near \"RENAME\""));
                }
                other => {
                    return Err(SqlError::not_supported(format!(
                        "ALTER TABLE {} is not supported",
                        other
                            .to_string()
                            .split_whitespace()
                            .take(3)
                            .collect::<Vec<_>>()
                            .join(" ")
                    )));
                }
            }
        }
        let rebuild = !a.edits.is_empty()
            || a.host.iter().any(|s| {
                matches!(
                    s,
                    AlterStep::DropColumn { .. } | AlterStep::DropConstraint { .. }
                )
            });
        let mut steps = a.first;
        steps.extend(a.validate);
        if rebuild && !a.direct.is_empty() {
            // A rename (in place) before a rebuild: PostgreSQL's grammar keeps RENAME alone,
            // so this is ADD COLUMN with something that needs a rebuild.
            return Err(SqlError::not_supported(
                "this combination of ALTER TABLE actions is not supported; run them one at a time",
            ));
        }
        steps.extend(a.host);
        if !a.edits.is_empty() {
            steps.push(AlterStep::Rebuild(a.edits));
        }
        steps.extend(a.direct.into_iter().map(AlterStep::Sql));
        steps.extend(a.after);
        Ok(Ddl::AlterTable {
            table: a.table,
            new_name: None,
            columns: a.columns,
            steps,
        })
    }

    /// ALTER SCHEMA … OWNER TO (an existing role; ownership is not recorded yet). Renaming a
    /// schema would rename every table stored under its name: not supported.
    pub(super) fn alter_schema(&mut self, a: &ast::AlterSchema) -> Result<Ddl> {
        let name = object_name(&a.name).join(".");
        if !self.catalog.schema_exists(&name)? {
            if a.if_exists {
                return Ok(Ddl::Nothing {
                    tag: "ALTER SCHEMA",
                    notice: Some(format!("schema \"{name}\" does not exist, skipping")),
                });
            }
            return Err(SqlError::new(
                sqlstate::INVALID_SCHEMA_NAME,
                format!("schema \"{name}\" does not exist"),
            ));
        }
        for op in &a.operations {
            match op {
                ast::AlterSchemaOperation::OwnerTo { owner } => self.check_owner(owner)?,
                other => {
                    return Err(SqlError::not_supported(format!(
                        "ALTER SCHEMA … {} is not supported",
                        other.to_string().split_whitespace().next().unwrap_or("")
                    )));
                }
            }
        }
        Ok(Ddl::Nothing {
            tag: "ALTER SCHEMA",
            notice: None,
        })
    }

    fn check_owner(&self, owner: &ast::Owner) -> Result<()> {
        match owner {
            ast::Owner::Ident(i) => self.check_role(i),
            _ => Ok(()),
        }
    }

    /// ALTER TABLE name RENAME TO new: a table in place, a sequence or view by the host.
    fn rename_relation(&mut self, rel: Relation, to: &ast::RenameTableNameKind) -> Result<Ddl> {
        let n = match to {
            ast::RenameTableNameKind::As(n) | ast::RenameTableNameKind::To(n) => n,
        };
        let target = object_name(n).last().cloned().unwrap_or_default();
        if target.len() > 63 {
            return Err(SqlError::new(
                sqlstate::NAME_TOO_LONG,
                format!("identifier \"{target}\" is too long"),
            ));
        }
        match rel.kind {
            RelKind::Table => {
                let new_sqlite = crate::catalog::sqlite_name(&rel.schema, &target);
                let sql = format!(
                    "ALTER TABLE {} RENAME TO {}",
                    quote_sqlite(&rel.sqlite_name),
                    quote_sqlite(&new_sqlite)
                );
                Ok(Ddl::AlterTable {
                    columns: rel.columns.clone(),
                    table: rel,
                    new_name: Some(target),
                    steps: vec![AlterStep::Sql(sql)],
                })
            }
            RelKind::View | RelKind::Index | RelKind::Sequence => Ok(Ddl::AlterTable {
                columns: rel.columns.clone(),
                table: rel,
                new_name: Some(target),
                steps: Vec::new(),
            }),
        }
    }

    fn add_column(
        &mut self,
        a: &mut Alter,
        def: &ast::ColumnDef,
        if_not_exists: bool,
    ) -> Result<()> {
        let table_name = a.table.name.clone();
        let spec = self.column_spec(&table_name, def)?;
        if a.columns.iter().any(|c| c.name == spec.name) {
            if if_not_exists {
                a.notice(format!(
                    "column \"{}\" of relation \"{table_name}\" already exists, skipping",
                    spec.name
                ));
                return Ok(());
            }
            return Err(SqlError::new(
                sqlstate::DUPLICATE_COLUMN,
                format!(
                    "column \"{}\" of relation \"{table_name}\" already exists",
                    spec.name
                ),
            ));
        }
        let attnum = i16::try_from(a.columns.len() + 1).unwrap_or(i16::MAX);
        let mut col = RelColumn {
            not_null: spec.not_null,
            identity: spec.identity.as_ref().map(|(k, _)| *k),
            ..RelColumn::new(spec.name.clone(), spec.t.ty, spec.t.typmod)
        };
        let mut default_sql = None;
        let mut constant_default = true;
        if let Some(e) = &spec.default {
            let x = self.default_expr(e, spec.t)?;
            constant_default = x.is_const();
            for seq in self.nextval_targets(&x)? {
                a.after.push(AlterStep::DefaultDep {
                    attnum,
                    sequence: Some(seq),
                });
            }
            default_sql = Some(emit::expr(&x));
            col.default = Some(e.to_string());
        }
        if spec.t.serial || spec.identity.is_some() {
            let schema = a.table.schema.clone();
            let (serial, sqlite_default, pg_default) =
                self.serial_sequence(&schema, &table_name, &spec, attnum, a.serials, &mut a.taken)?;
            a.serials += 1;
            a.first.push(AlterStep::CreateSerial(serial));
            default_sql = Some(sqlite_default);
            col.default = pg_default;
            constant_default = false;
        }
        a.columns.push(col.clone());
        a.changed.push(spec.name.clone());
        // Inline constraints become table constraints with PostgreSQL's names.
        let before = a.constraints.sql.len();
        let columns = a.columns.clone();
        self.push_table_scope(&columns);
        let r = (|| -> Result<()> {
            for o in &def.options {
                self.column_constraint(&mut a.constraints, &columns, &spec.name, o)?;
            }
            Ok(())
        })();
        self.levels.pop();
        r?;
        let pk_not_null = a.constraints.not_null.contains(&spec.name);
        if pk_not_null {
            col.not_null = true;
            if let Some(c) = a.columns.last_mut() {
                c.not_null = true;
            }
        }
        let decl = column_decl(&spec.name, spec.t.ty, col.not_null, default_sql.as_deref());
        let added: Vec<(String, String)> = a.constraints.names[before..]
            .iter()
            .cloned()
            .zip(a.constraints.sql[before..].iter().cloned())
            .collect();
        let simple =
            added.is_empty() && constant_default && !(col.not_null && spec.default.is_none());
        if simple && a.edits.is_empty() {
            a.direct.push(format!(
                "ALTER TABLE {} ADD COLUMN {decl}",
                quote_sqlite(&a.table.sqlite_name)
            ));
        } else {
            // Pending direct ADD COLUMNs join the rebuild.
            for d in std::mem::take(&mut a.direct) {
                if let Some(i) = d.find(" ADD COLUMN ") {
                    a.edits.push(TableEdit::AddColumn {
                        decl: d[i + " ADD COLUMN ".len()..].to_string(),
                    });
                } else {
                    a.direct.push(d);
                }
            }
            a.edits.push(TableEdit::AddColumn { decl });
            for (name, sql) in added {
                a.edits.push(TableEdit::AddConstraint { name, sql });
            }
        }
        Ok(())
    }

    fn add_constraint(&mut self, a: &mut Alter, tc: &ast::TableConstraint) -> Result<()> {
        let before = a.constraints.sql.len();
        let pk_before = a.constraints.not_null.len();
        let columns = a.columns.clone();
        // A unique/primary key name is also an index name: it must be free in the schema.
        let given = match tc {
            ast::TableConstraint::PrimaryKey(pk) => pk.name.as_ref().map(ident),
            ast::TableConstraint::Unique(u) => u.name.as_ref().map(ident),
            _ => None,
        };
        if let Some(g) = &given
            && (self.catalog.relation(Some(&a.table.schema), g)?.is_some()
                || a.constraints.used.contains(g))
        {
            return Err(SqlError::new(
                sqlstate::DUPLICATE_TABLE,
                format!("relation \"{g}\" already exists"),
            ));
        }
        if matches!(tc, ast::TableConstraint::PrimaryKey(_)) && a.constraints.primary.is_some() {
            return Err(multiple_pk(&a.table.name));
        }
        self.push_table_scope(&columns);
        let r = self.table_constraint(&mut a.constraints, &columns, tc);
        self.levels.pop();
        r?;
        let new: Vec<(String, String)> = a.constraints.names[before..]
            .iter()
            .cloned()
            .zip(a.constraints.sql[before..].iter().cloned())
            .collect();
        for (name, _) in &new {
            self.validation(a, tc, name)?;
        }
        // NOT NULL for a new primary key's columns, checked after its uniqueness (PostgreSQL
        // builds the index first).
        let pk_cols: Vec<String> = a.constraints.not_null[pk_before..].to_vec();
        for c in &pk_cols {
            self.set_not_null(a, c)?;
        }
        for (name, sql) in new {
            a.edits.push(TableEdit::AddConstraint { name, sql });
        }
        Ok(())
    }

    /// The query that finds a row violating new constraint `name` (when all its columns are
    /// old ones), with PostgreSQL's error.
    fn validation(&mut self, a: &mut Alter, tc: &ast::TableConstraint, name: &str) -> Result<()> {
        let table = quote_sqlite(&a.table.sqlite_name);
        let old = |c: &String| !a.changed.contains(c);
        match tc {
            ast::TableConstraint::PrimaryKey(_) | ast::TableConstraint::Unique(_) => {
                let cols = match tc {
                    ast::TableConstraint::PrimaryKey(pk) => {
                        self.constraint_columns(&a.columns, &pk.columns)?
                    }
                    ast::TableConstraint::Unique(u) => {
                        self.constraint_columns(&a.columns, &u.columns)?
                    }
                    _ => Vec::new(),
                };
                if !cols.iter().all(old) {
                    return Ok(());
                }
                let texts = self.column_texts(a, &cols, None)?;
                let quoted = quoted_list(&cols);
                let not_null = cols
                    .iter()
                    .map(|c| format!("{} IS NOT NULL", quote_sqlite(c)))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let sql = format!(
                    "SELECT {} FROM {table} WHERE {not_null} GROUP BY {quoted} HAVING count(*) > 1 ORDER BY {quoted} LIMIT 1",
                    texts.join(", ")
                );
                let error = SqlError::new(
                    sqlstate::UNIQUE_VIOLATION,
                    format!("could not create unique index \"{name}\""),
                )
                .with_detail(format!(
                    "Key ({})=({}) is duplicated.",
                    cols.join(", "),
                    placeholders(cols.len())
                ));
                a.validate.push(AlterStep::Validate { sql, error });
            }
            ast::TableConstraint::Check(ck) => {
                let columns = a.columns.clone();
                self.push_table_scope(&columns);
                let x = self.check_expr(&ck.expr);
                self.levels.pop();
                let x = x?;
                let mut used = Vec::new();
                columns_of(&x, &columns, &mut used);
                if !used.iter().all(old) {
                    return Ok(());
                }
                let sql = format!(
                    "SELECT 1 FROM {table} WHERE NOT ({}) LIMIT 1",
                    emit::expr(&x)
                );
                let error = SqlError::new(
                    sqlstate::CHECK_VIOLATION,
                    format!(
                        "check constraint \"{name}\" of relation \"{}\" is violated by some row",
                        a.table.name
                    ),
                );
                a.validate.push(AlterStep::Validate { sql, error });
            }
            ast::TableConstraint::ForeignKey(fk) => {
                let cols: Vec<String> = fk.columns.iter().map(ident).collect();
                if !cols.iter().all(old) {
                    return Ok(());
                }
                // The referenced side, as the constraint's SQL names it.
                let Some(sql) = a.constraints.sql.last().cloned() else {
                    return Ok(());
                };
                let Some((parent, refs)) = referenced(&sql) else {
                    return Ok(());
                };
                let parent_name = crate::catalog::pg_name(&parent).1;
                let texts = self.column_texts(a, &cols, Some("x"))?;
                let not_null = cols
                    .iter()
                    .map(|c| format!("x.{} IS NOT NULL", quote_sqlite(c)))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let matches = refs
                    .iter()
                    .zip(&cols)
                    .map(|(r, c)| format!("y.{} = x.{}", quote_sqlite(r), quote_sqlite(c)))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let sql = format!(
                    "SELECT {} FROM {table} AS x WHERE {not_null} AND NOT EXISTS (SELECT 1 FROM {} AS y WHERE {matches}) LIMIT 1",
                    texts.join(", "),
                    quote_sqlite(&parent)
                );
                let error = SqlError::new(
                    sqlstate::FOREIGN_KEY_VIOLATION,
                    format!(
                        "insert or update on table \"{}\" violates foreign key constraint \"{name}\"",
                        a.table.name
                    ),
                )
                .with_detail(format!(
                    "Key ({})=({}) is not present in table \"{parent_name}\".",
                    cols.join(", "),
                    placeholders(cols.len())
                ));
                a.validate.push(AlterStep::Validate { sql, error });
            }
            _ => {}
        }
        Ok(())
    }

    /// Each column as its type's output text (SQLite text over `qualifier.column`).
    fn column_texts(
        &mut self,
        a: &Alter,
        cols: &[String],
        qualifier: Option<&str>,
    ) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for c in cols {
            let Some((i, col)) = a.columns.iter().enumerate().find(|(_, x)| x.name == *c) else {
                continue;
            };
            let x = column_expr(col, i, qualifier);
            let t = self.coerce(x, Type::TEXT, -1, CastContext::Explicit, None)?;
            out.push(emit::expr(&t));
        }
        Ok(out)
    }

    fn set_not_null(&mut self, a: &mut Alter, column: &str) -> Result<()> {
        let Some(c) = a.columns.iter_mut().find(|c| c.name == column) else {
            return Err(no_column(column, &a.table.name));
        };
        if c.not_null {
            return Ok(());
        }
        c.not_null = true;
        if !a.changed.iter().any(|x| x == column) {
            a.validate.push(AlterStep::Validate {
                sql: format!(
                    "SELECT 1 FROM {} WHERE {} IS NULL LIMIT 1",
                    quote_sqlite(&a.table.sqlite_name),
                    quote_sqlite(column)
                ),
                error: SqlError::new(
                    sqlstate::NOT_NULL_VIOLATION,
                    format!(
                        "column \"{column}\" of relation \"{}\" contains null values",
                        a.table.name
                    ),
                ),
            });
        }
        a.edits.push(TableEdit::SetNotNull {
            column: column.to_string(),
        });
        Ok(())
    }

    fn alter_column(
        &mut self,
        a: &mut Alter,
        column: &str,
        op: &ast::AlterColumnOperation,
    ) -> Result<()> {
        use ast::AlterColumnOperation as C;
        let Some(i) = a.columns.iter().position(|c| c.name == column) else {
            return Err(no_column(column, &a.table.name));
        };
        let attnum = crate::catalog::attnum(i);
        // PostgreSQL reports "is an identity column" as 42601, the others as 55000.
        let identity_error = |what: &str| {
            let code = if what == "is an identity column" {
                sqlstate::SYNTAX_ERROR
            } else {
                sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE
            };
            SqlError::new(
                code,
                format!(
                    "column \"{column}\" of relation \"{}\" {what}",
                    a.table.name
                ),
            )
        };
        match op {
            C::SetNotNull => self.set_not_null(a, column)?,
            C::DropNotNull => {
                if a.constraints
                    .primary
                    .as_ref()
                    .is_some_and(|p| p.iter().any(|c| c == column))
                {
                    return Err(SqlError::new(
                        sqlstate::INVALID_TABLE_DEFINITION,
                        format!("column \"{column}\" is in a primary key"),
                    ));
                }
                if a.columns[i].identity.is_some() {
                    return Err(identity_error("is an identity column"));
                }
                if a.columns[i].not_null {
                    a.columns[i].not_null = false;
                    a.edits.push(TableEdit::DropNotNull {
                        column: column.to_string(),
                    });
                }
            }
            C::SetDefault { value } => {
                if a.columns[i].identity.is_some() {
                    return Err(identity_error("is an identity column"));
                }
                let col = a.columns[i].clone();
                let t = super::typename::TypeName {
                    ty: col.ty,
                    typmod: col.typmod,
                    serial: false,
                };
                let x = self.default_expr(value, t)?;
                a.after.push(AlterStep::DefaultDep {
                    attnum,
                    sequence: None,
                });
                for seq in self.nextval_targets(&x)? {
                    a.after.push(AlterStep::DefaultDep {
                        attnum,
                        sequence: Some(seq),
                    });
                }
                a.columns[i].default = Some(value.to_string());
                a.edits.push(TableEdit::SetDefault {
                    column: column.to_string(),
                    sql: Some(emit::expr(&x)),
                });
            }
            C::DropDefault => {
                if a.columns[i].identity.is_some() {
                    return Err(identity_error("is an identity column")
                        .with_hint("Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead."));
                }
                if a.columns[i].default.is_some() {
                    a.columns[i].default = None;
                    a.after.push(AlterStep::DefaultDep {
                        attnum,
                        sequence: None,
                    });
                    a.edits.push(TableEdit::SetDefault {
                        column: column.to_string(),
                        sql: None,
                    });
                }
            }
            C::SetDataType {
                data_type, using, ..
            } => self.alter_type(a, i, data_type, using.as_ref())?,
            C::AddGenerated {
                generated_as,
                sequence_options,
            } => {
                let col = a.columns[i].clone();
                if col.identity.is_some() {
                    return Err(identity_error("is already an identity column"));
                }
                if !matches!(col.ty, Type::INT2 | Type::INT4 | Type::INT8) {
                    return Err(SqlError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        "identity column type must be smallint, integer, or bigint",
                    ));
                }
                if col.default.is_some() {
                    return Err(identity_error("already has a default value"));
                }
                if !col.not_null {
                    return Err(identity_error(
                        "must be declared NOT NULL before identity can be added",
                    ));
                }
                let kind = match generated_as {
                    Some(ast::GeneratedAs::ByDefault) => Identity::ByDefault,
                    _ => Identity::Always,
                };
                let (mut options, owned) =
                    self.seq_options(sequence_options.as_deref().unwrap_or(&[]))?;
                if owned.is_some() {
                    return Err(SqlError::syntax("invalid sequence option OWNED BY"));
                }
                if options.as_type.is_none() {
                    options.as_type = Some(col.ty);
                }
                let spec = super::ddl::ColumnSpec {
                    name: col.name.clone(),
                    t: super::typename::TypeName {
                        ty: col.ty,
                        typmod: col.typmod,
                        serial: false,
                    },
                    not_null: true,
                    default: None,
                    identity: Some((kind, options)),
                    sequence_name: self.sequence_names.pop_front(),
                };
                let schema = a.table.schema.clone();
                let table_name = a.table.name.clone();
                let (serial, sqlite_default, _) = self.serial_sequence(
                    &schema,
                    &table_name,
                    &spec,
                    attnum,
                    a.serials,
                    &mut a.taken,
                )?;
                a.serials += 1;
                a.first.push(AlterStep::CreateSerial(serial));
                a.columns[i].identity = Some(kind);
                a.edits.push(TableEdit::SetDefault {
                    column: column.to_string(),
                    sql: Some(sqlite_default),
                });
            }
            C::GenericOptions { .. } => {
                return Err(SqlError::not_supported(
                    "ALTER COLUMN OPTIONS is not supported",
                ));
            }
        }
        Ok(())
    }

    fn alter_type(
        &mut self,
        a: &mut Alter,
        i: usize,
        data_type: &ast::DataType,
        using: Option<&ast::Expr>,
    ) -> Result<()> {
        let col = a.columns[i].clone();
        let t = super::typename::resolve(data_type)?;
        if t.serial {
            return Err(SqlError::new(
                sqlstate::UNDEFINED_OBJECT,
                format!(
                    "type \"{}\" does not exist",
                    data_type.to_string().to_lowercase()
                ),
            ));
        }
        let shown = format_type(t.ty, t.typmod);
        let columns = a.columns.clone();
        self.push_table_scope(&columns);
        let r = (|| -> Result<Expr> {
            match using {
                None => {
                    let x = column_expr(&col, i, None);
                    self.coerce_assignment(x, t.ty, t.typmod, None, || {
                        SqlError::new(
                            sqlstate::DATATYPE_MISMATCH,
                            format!(
                                "column \"{}\" cannot be cast automatically to type {shown}",
                                col.name
                            ),
                        )
                        .with_hint(format!(
                            "You might need to specify \"USING {}::{shown}\".",
                            col.name
                        ))
                    })
                }
                Some(e) => {
                    let x = self.expr(e, Clause::UpdateSet)?;
                    self.coerce_assignment(x, t.ty, t.typmod, None, || {
                        SqlError::new(
                            sqlstate::DATATYPE_MISMATCH,
                            format!(
                                "result of USING clause for column \"{}\" cannot be cast automatically to type {shown}",
                                col.name
                            ),
                        )
                        .with_hint("You might need to add an explicit cast.")
                    })
                }
            }
        })();
        self.levels.pop();
        let using_x = r?;
        // The default is converted too (PostgreSQL re-reads it as the new type).
        let mut default_sql = None;
        if let Some(d) = &col.default
            && col.identity.is_none()
        {
            let parsed = super::modify::parse_expr(d)?;
            let x = self.default_expr(&parsed, t).map_err(|_| {
                SqlError::new(
                    sqlstate::DATATYPE_MISMATCH,
                    format!(
                        "default for column \"{}\" cannot be cast automatically to type {shown}",
                        col.name
                    ),
                )
            })?;
            default_sql = Some(emit::expr(&x));
        }
        if col.identity.is_some() && !matches!(t.ty, Type::INT2 | Type::INT4 | Type::INT8) {
            return Err(SqlError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                "identity column type must be smallint, integer, or bigint",
            ));
        }
        let uses = self.catalog.constraints(&a.table)?;
        if uses
            .iter()
            .any(|c| c.kind == ConstraintKind::Check && c.columns.contains(&col.name))
        {
            return Err(SqlError::not_supported(format!(
                "cannot alter type of column \"{}\": a CHECK constraint uses it",
                col.name
            ))
            .with_hint("Drop the constraint, alter the column, then add the constraint again."));
        }
        a.columns[i].ty = t.ty;
        a.columns[i].typmod = t.typmod;
        a.changed.push(col.name.clone());
        a.edits.push(TableEdit::AlterType {
            column: col.name.clone(),
            storage: storage_decl(t.ty).to_string(),
            collation: t.ty.info().collation.map(str::to_string),
            using: emit::expr(&using_x),
        });
        if default_sql.is_some() {
            a.edits.push(TableEdit::SetDefault {
                column: col.name.clone(),
                sql: default_sql,
            });
        }
        Ok(())
    }
}

impl Alter {
    /// A NOTICE the statement gives.
    fn notice(&mut self, text: String) {
        self.after.push(AlterStep::Notice(text));
    }
}

fn no_column(column: &str, table: &str) -> SqlError {
    SqlError::new(
        sqlstate::UNDEFINED_COLUMN,
        format!("column \"{column}\" of relation \"{table}\" does not exist"),
    )
}

fn placeholders(n: usize) -> String {
    (0..n)
        .map(|i| format!("{{{i}}}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Column `i` of the table being altered, read bare (or as `qualifier.column`).
fn column_expr(col: &RelColumn, i: usize, qualifier: Option<&str>) -> Expr {
    Expr {
        kind: ExprKind::Column(ColumnRef {
            level: 0,
            rte: 0,
            col: i,
            qualifier: qualifier.map(str::to_string),
            name: col.name.clone(),
            position: None,
        }),
        ty: col.ty,
        typmod: col.typmod,
    }
}

/// The table columns an expression reads.
fn columns_of(x: &Expr, columns: &[RelColumn], out: &mut Vec<String>) {
    if let ExprKind::Column(c) = &x.kind
        && c.level == 0
        && let Some(col) = columns.get(c.col)
        && !out.contains(&col.name)
    {
        out.push(col.name.clone());
    }
    x.for_each_child(&mut |k| columns_of(k, columns, out));
}

/// `… REFERENCES "p" ("a", "b") …` of a foreign key's SQL: the table and columns.
fn referenced(sql: &str) -> Option<(String, Vec<String>)> {
    let rest = &sql[sql.find(" REFERENCES ")? + " REFERENCES ".len()..];
    let (table, rest) = take_quoted(rest)?;
    let rest = rest.trim_start().strip_prefix('(')?;
    let mut cols = Vec::new();
    let mut rest = rest;
    loop {
        let (c, r) = take_quoted(rest.trim_start())?;
        cols.push(c);
        let r = r.trim_start();
        if let Some(r) = r.strip_prefix(',') {
            rest = r;
        } else {
            break;
        }
    }
    Some((table, cols))
}

/// A double-quoted SQLite name at the start of `s`, and what follows.
fn take_quoted(s: &str) -> Option<(String, &str)> {
    let mut chars = s.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut out = String::new();
    let mut prev_quote = false;
    for (i, c) in chars {
        if prev_quote {
            if c == '"' {
                out.push('"');
                prev_quote = false;
                continue;
            }
            return Some((out, &s[i..]));
        }
        if c == '"' {
            prev_quote = true;
        } else {
            out.push(c);
        }
    }
    prev_quote.then_some((out, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referenced_reads_the_foreign_key_sql() {
        assert_eq!(
            referenced(
                "CONSTRAINT \"f\" FOREIGN KEY (\"b\") REFERENCES \"s.p\" (\"a\", \"x\"\"y\") ON DELETE NO ACTION"
            ),
            Some(("s.p".to_string(), vec!["a".to_string(), "x\"y".to_string()]))
        );
        assert_eq!(take_quoted("\"a\""), Some(("a".to_string(), "")));
    }
}
