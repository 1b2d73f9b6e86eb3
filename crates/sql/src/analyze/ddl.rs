//! Schema changes: CREATE TABLE (columns with PostgreSQL types, defaults, constraints with
//! PostgreSQL's names), CREATE TABLE AS, CREATE INDEX, CREATE VIEW, DROP, ALTER TABLE (what
//! SQLite does in place) and TRUNCATE.
//!
//! SQLite declarations: every table is STRICT; a column is declared only by its storage class
//! (`INT`, `REAL`, `TEXT`, `BLOB`) plus its type's collation, and its PostgreSQL type goes to
//! minipg's catalog. `INT` rather than `INTEGER` so that an integer primary key is an ordinary
//! unique key, as in PostgreSQL, not SQLite's rowid; a `serial` primary key is the one
//! exception (`INTEGER PRIMARY KEY AUTOINCREMENT`: assigned when omitted, never reused).

use sqlparser::ast::{self, Spanned};

use super::names::figure_colname;
use super::typename::{self, TypeName};
use super::{Analyzer, Clause, Level, ident, object_name};
use crate::catalog::{RelColumn, RelKind, Relation, quote_sqlite, sqlite_name};
use crate::emit;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::CastContext;
use crate::ir::{Expr, Rte, RteColumn, RteSource};
use crate::plan::{Ddl, NewRelation, Plan};
use crate::types::{Storage, Type};

impl Analyzer<'_> {
    pub(super) fn ddl(&mut self, stmt: &ast::Statement) -> Result<Plan> {
        use ast::Statement as S;
        let ddl = match stmt {
            S::CreateTable(ct) => self.create_table(ct)?,
            S::CreateIndex(ci) => self.create_index(ci)?,
            S::CreateView(cv) => self.create_view(cv)?,
            S::Drop {
                object_type,
                if_exists,
                names,
                cascade,
                ..
            } => return self.drop(*object_type, *if_exists, names, *cascade),
            S::AlterTable(at) => self.alter_table(at)?,
            S::Truncate(t) => {
                let mut tables = Vec::new();
                for target in &t.table_names {
                    let parts = object_name(&target.name);
                    let pos = self.pos(target.name.span());
                    let (schema, name) = split_name(&parts, pos)?;
                    let rel = self.lookup_relation(schema.as_deref(), &name, pos)?;
                    if rel.kind != RelKind::Table || rel.system {
                        return Err(not_a_table(&rel.name).at(pos));
                    }
                    tables.push(rel);
                }
                Ddl::Truncate { tables }
            }
            _ => return Err(SqlError::internal("not a schema change")),
        };
        Ok(Plan::Ddl(ddl))
    }

    /// The schema a new object goes to and the name, checking the schema exists.
    fn creation_target(&mut self, name: &ast::ObjectName) -> Result<(String, String)> {
        let pos = self.pos(name.span());
        let parts = object_name(name);
        let (schema, rel) = split_name(&parts, pos)?;
        let schema = match schema {
            Some(s) => {
                if let Some(ds) = &self.default_schema
                    && *ds != s
                {
                    return Err(SqlError::new(
                        sqlstate::INVALID_SCHEMA_DEFINITION,
                        format!("CREATE specifies a schema ({s}) different from the one being created ({ds})"),
                    )
                    .at(pos));
                }
                s
            }
            None => match &self.default_schema {
                Some(ds) => ds.clone(),
                None => self
                    .catalog
                    .search_path()
                    .into_iter()
                    .next()
                    .ok_or_else(|| {
                        SqlError::new(
                            sqlstate::INVALID_SCHEMA_NAME,
                            "no schema has been selected to create in",
                        )
                        .at(pos)
                    })?,
            },
        };
        if schema == "pg_catalog" || schema == "information_schema" {
            return Err(SqlError::new(
                sqlstate::INSUFFICIENT_PRIVILEGE,
                format!("permission denied to create \"{schema}.{rel}\""),
            )
            .with_detail("System catalog modifications are currently disallowed.")
            .at(pos));
        }
        if !self.catalog.schema_exists(&schema)? && self.default_schema.as_deref() != Some(&schema)
        {
            return Err(SqlError::new(
                sqlstate::INVALID_SCHEMA_NAME,
                format!("schema \"{schema}\" does not exist"),
            )
            .at(pos));
        }
        if rel.len() > 63 {
            return Err(SqlError::new(
                sqlstate::NAME_TOO_LONG,
                format!("identifier \"{rel}\" is too long"),
            )
            .at(pos));
        }
        Ok((schema, rel))
    }

    fn create_table(&mut self, ct: &ast::CreateTable) -> Result<Ddl> {
        if ct.temporary {
            return Err(SqlError::not_supported(
                "temporary tables are not supported",
            ));
        }
        let (schema, name) = self.creation_target(&ct.name)?;
        let sqlite = sqlite_name(&schema, &name);
        if let Some(q) = &ct.query {
            return self.create_table_as(schema, name, sqlite, &ct.columns, ct.if_not_exists, q);
        }
        if ct.columns.is_empty() && ct.constraints.is_empty() {
            // CREATE TABLE t () is allowed by PostgreSQL; SQLite needs a column.
            return Err(SqlError::not_supported(
                "a table without columns is not supported",
            ));
        }
        let mut columns: Vec<RelColumn> = Vec::new();
        let mut defs: Vec<String> = Vec::new();
        let mut constraints: Vec<String> = Vec::new();
        let mut used_names: Vec<String> = Vec::new();
        let mut serial_pk: Option<usize> = None;
        let mut pk_done = false;
        // Column types first: constraints and defaults are analyzed against them.
        let mut types: Vec<TypeName> = Vec::new();
        for c in &ct.columns {
            let pos = self.pos(c.name.span);
            let cname = ident(&c.name);
            if columns.iter().any(|x| x.name == cname) {
                return Err(SqlError::new(
                    sqlstate::DUPLICATE_COLUMN,
                    format!("column \"{cname}\" specified more than once"),
                )
                .at(pos));
            }
            let mut t = typename::resolve(&c.data_type).map_err(|e| e.at(pos))?;
            for o in &c.options {
                if let ast::ColumnOption::Generated { .. } | ast::ColumnOption::Identity(_) =
                    o.option
                {
                    t.serial = true;
                }
            }
            if t.ty.is_pseudo() {
                return Err(SqlError::new(
                    sqlstate::INVALID_TABLE_DEFINITION,
                    format!("column \"{cname}\" has pseudo-type {}", t.ty.name()),
                )
                .at(pos));
            }
            types.push(t);
            columns.push(RelColumn {
                name: cname,
                ty: t.ty,
                typmod: t.typmod,
                not_null: false,
                default: None,
            });
        }
        self.push_table_scope(&columns);
        let result = (|| -> Result<()> {
            for (i, c) in ct.columns.iter().enumerate() {
                let cname = columns[i].name.clone();
                let t = types[i];
                let mut decl = format!("{} {}", quote_sqlite(&cname), storage_decl(t.ty));
                let mut not_null = t.serial;
                for o in &c.options {
                    match &o.option {
                        ast::ColumnOption::Null => {}
                        ast::ColumnOption::NotNull => not_null = true,
                        ast::ColumnOption::Default(e) => {
                            let x = self.default_expr(e, t)?;
                            decl.push_str(&format!(" DEFAULT ({})", emit::expr(&x)));
                            columns[i].default = Some(e.to_string());
                        }
                        ast::ColumnOption::PrimaryKey(_) => {
                            if pk_done {
                                return Err(multiple_pk(&name).at(self.pos(o.option.span())));
                            }
                            pk_done = true;
                            not_null = true;
                            if t.serial {
                                serial_pk = Some(i);
                            } else {
                                let cn = constraint_name(o.name.as_ref(), &mut used_names, || {
                                    format!("{name}_pkey")
                                });
                                constraints.push(format!(
                                    "CONSTRAINT {} PRIMARY KEY ({})",
                                    quote_sqlite(&cn),
                                    quote_sqlite(&cname)
                                ));
                            }
                        }
                        ast::ColumnOption::Unique(_) => {
                            let cn = constraint_name(o.name.as_ref(), &mut used_names, || {
                                format!("{name}_{cname}_key")
                            });
                            constraints.push(format!(
                                "CONSTRAINT {} UNIQUE ({})",
                                quote_sqlite(&cn),
                                quote_sqlite(&cname)
                            ));
                        }
                        ast::ColumnOption::Check(ck) => {
                            let x = self.check_expr(&ck.expr)?;
                            let cn = constraint_name(
                                o.name.as_ref().or(ck.name.as_ref()),
                                &mut used_names,
                                || format!("{name}_{cname}_check"),
                            );
                            constraints.push(format!(
                                "CONSTRAINT {} CHECK ({})",
                                quote_sqlite(&cn),
                                emit::expr(&x)
                            ));
                        }
                        ast::ColumnOption::ForeignKey(fk) => {
                            let cn = constraint_name(
                                o.name.as_ref().or(fk.name.as_ref()),
                                &mut used_names,
                                || format!("{name}_{cname}_fkey"),
                            );
                            let sql = self.foreign_key(&cn, std::slice::from_ref(&cname), fk)?;
                            constraints.push(sql);
                        }
                        ast::ColumnOption::Collation(coll) => {
                            let n = object_name(coll).join(".");
                            if !matches!(
                                n.as_str(),
                                "C" | "POSIX" | "default" | "pg_catalog.default" | "c"
                            ) {
                                return Err(SqlError::new(
                                    sqlstate::UNDEFINED_OBJECT,
                                    format!(
                                        "collation \"{n}\" for encoding \"UTF8\" does not exist"
                                    ),
                                ));
                            }
                        }
                        ast::ColumnOption::Generated { .. } | ast::ColumnOption::Identity(_) => {}
                        other => {
                            return Err(SqlError::not_supported(format!(
                                "column option {other} is not supported"
                            )));
                        }
                    }
                }
                if t.serial && serial_pk != Some(i) {
                    let is_table_pk = ct.constraints.iter().any(|c| match c {
                        ast::TableConstraint::PrimaryKey(pk) => {
                            pk.columns.len() == 1
                                && index_column_name(&pk.columns[0]).as_deref()
                                    == Some(cname.as_str())
                        }
                        _ => false,
                    });
                    if is_table_pk {
                        serial_pk = Some(i);
                        pk_done = true;
                    } else {
                        return Err(SqlError::not_supported(format!(
                            "serial and identity column \"{cname}\" must be the table's primary key (sequences are not supported yet)"
                        )));
                    }
                }
                if serial_pk == Some(i) {
                    decl = format!("{} INTEGER PRIMARY KEY AUTOINCREMENT", quote_sqlite(&cname));
                } else {
                    if not_null {
                        decl.push_str(" NOT NULL");
                    }
                    if let Some(coll) = t.ty.info().collation {
                        decl.push_str(&format!(" COLLATE {coll}"));
                    }
                }
                columns[i].not_null = not_null;
                defs.push(decl);
            }
            for tc in &ct.constraints {
                match tc {
                    ast::TableConstraint::PrimaryKey(pk) => {
                        if pk_done && !(pk.columns.len() == 1 && serial_pk.is_some()) {
                            return Err(multiple_pk(&name));
                        }
                        if serial_pk.is_some() {
                            continue;
                        }
                        pk_done = true;
                        let cols = self.constraint_columns(&columns, &pk.columns)?;
                        for c in &cols {
                            if let Some(rc) = columns.iter_mut().find(|x| x.name == *c) {
                                rc.not_null = true;
                            }
                            if let Some(d) = defs
                                .iter_mut()
                                .find(|d| d.starts_with(&format!("{} ", quote_sqlite(c))))
                                && !d.contains(" NOT NULL")
                            {
                                d.push_str(" NOT NULL");
                            }
                        }
                        let cn = constraint_name(pk.name.as_ref(), &mut used_names, || {
                            format!("{name}_pkey")
                        });
                        constraints.push(format!(
                            "CONSTRAINT {} PRIMARY KEY ({})",
                            quote_sqlite(&cn),
                            quoted_list(&cols)
                        ));
                    }
                    ast::TableConstraint::Unique(u) => {
                        let cols = self.constraint_columns(&columns, &u.columns)?;
                        let cn = constraint_name(u.name.as_ref(), &mut used_names, || {
                            format!("{name}_{}_key", cols.join("_"))
                        });
                        constraints.push(format!(
                            "CONSTRAINT {} UNIQUE ({})",
                            quote_sqlite(&cn),
                            quoted_list(&cols)
                        ));
                    }
                    ast::TableConstraint::Check(ck) => {
                        let x = self.check_expr(&ck.expr)?;
                        let first = first_column(&ck.expr, &columns);
                        let cn =
                            constraint_name(ck.name.as_ref(), &mut used_names, || match &first {
                                Some(c) => format!("{name}_{c}_check"),
                                None => format!("{name}_check"),
                            });
                        constraints.push(format!(
                            "CONSTRAINT {} CHECK ({})",
                            quote_sqlite(&cn),
                            emit::expr(&x)
                        ));
                    }
                    ast::TableConstraint::ForeignKey(fk) => {
                        let cols: Vec<String> = fk.columns.iter().map(ident).collect();
                        for c in &cols {
                            if !columns.iter().any(|x| x.name == *c) {
                                return Err(SqlError::new(
                                    sqlstate::UNDEFINED_COLUMN,
                                    format!(
                                        "column \"{c}\" referenced in foreign key constraint does not exist"
                                    ),
                                ));
                            }
                        }
                        let cn = constraint_name(fk.name.as_ref(), &mut used_names, || {
                            format!("{name}_{}_fkey", cols.join("_"))
                        });
                        let sql = self.foreign_key(&cn, &cols, fk)?;
                        constraints.push(sql);
                    }
                    other => {
                        return Err(SqlError::not_supported(format!(
                            "constraint {} is not supported",
                            other.to_string().chars().take(40).collect::<String>()
                        )));
                    }
                }
            }
            Ok(())
        })();
        self.levels.pop();
        result?;
        defs.extend(constraints);
        let create = format!(
            "CREATE TABLE {} ({}) STRICT",
            quote_sqlite(&sqlite),
            defs.join(", ")
        );
        Ok(Ddl::CreateTable {
            rel: NewRelation {
                schema,
                name,
                kind: RelKind::Table,
                sqlite_name: sqlite,
                columns,
            },
            if_not_exists: ct.if_not_exists,
            sqlite: vec![create],
            filled: false,
        })
    }

    /// `SELECT … INTO name …`: CREATE TABLE name AS SELECT ….
    pub(super) fn select_into(&mut self, q: &ast::Query, into: &ast::SelectInto) -> Result<Plan> {
        if into.temporary {
            return Err(SqlError::not_supported(
                "temporary tables are not supported",
            ));
        }
        let target = match into.targets.as_slice() {
            [ast::Expr::Identifier(i)] => ast::ObjectName::from(vec![i.clone()]),
            [ast::Expr::CompoundIdentifier(parts)] => ast::ObjectName::from(parts.clone()),
            _ => return Err(SqlError::syntax("syntax error at or near \"INTO\"")),
        };
        let (schema, name) = self.creation_target(&target)?;
        let sqlite = sqlite_name(&schema, &name);
        let mut q = q.clone();
        if let ast::SetExpr::Select(s) = q.body.as_mut() {
            s.into = None;
        }
        Ok(Plan::Ddl(self.create_table_as(
            schema,
            name,
            sqlite,
            &[],
            false,
            &q,
        )?))
    }

    fn create_table_as(
        &mut self,
        schema: String,
        name: String,
        sqlite: String,
        column_names: &[ast::ColumnDef],
        if_not_exists: bool,
        q: &ast::Query,
    ) -> Result<Ddl> {
        let query = self.query(q)?;
        let aliases: Vec<String> = column_names.iter().map(|c| ident(&c.name)).collect();
        let mut columns = Vec::with_capacity(query.columns.len());
        let mut defs = Vec::with_capacity(query.columns.len());
        for (i, c) in query.columns.iter().enumerate() {
            let cname = aliases.get(i).cloned().unwrap_or_else(|| c.name.clone());
            if columns.iter().any(|x: &RelColumn| x.name == cname) {
                return Err(SqlError::new(
                    sqlstate::DUPLICATE_COLUMN,
                    format!("column \"{cname}\" specified more than once"),
                ));
            }
            let ty = if c.ty == Type::UNKNOWN {
                Type::TEXT
            } else {
                c.ty
            };
            let mut decl = format!("{} {}", quote_sqlite(&cname), storage_decl(ty));
            if let Some(coll) = ty.info().collation {
                decl.push_str(&format!(" COLLATE {coll}"));
            }
            defs.push(decl);
            columns.push(RelColumn {
                name: cname,
                ty,
                typmod: c.typmod,
                not_null: false,
                default: None,
            });
        }
        let params = self.finish_params()?;
        if !params.is_empty() {
            return Err(SqlError::new(
                sqlstate::UNDEFINED_PARAMETER,
                "there is no parameter $1",
            ));
        }
        let create = format!(
            "CREATE TABLE {} ({}) STRICT",
            quote_sqlite(&sqlite),
            defs.join(", ")
        );
        let fill = format!(
            "INSERT INTO {} ({}) {}",
            quote_sqlite(&sqlite),
            quoted_list(&columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>()),
            emit::query(&query)
        );
        Ok(Ddl::CreateTable {
            rel: NewRelation {
                schema,
                name,
                kind: RelKind::Table,
                sqlite_name: sqlite,
                columns,
            },
            if_not_exists,
            sqlite: vec![create, fill],
            filled: true,
        })
    }

    /// A level whose only FROM item is the table being defined, its columns read bare.
    fn push_table_scope(&mut self, columns: &[RelColumn]) {
        let mut level = Level::default();
        level.rtable.push(Rte {
            alias: String::new(),
            source: RteSource::Table(String::new()),
            columns: columns
                .iter()
                .enumerate()
                .map(|(i, c)| RteColumn {
                    name: c.name.clone(),
                    sqlite_name: c.name.clone(),
                    ty: c.ty,
                    typmod: c.typmod,
                    attnum: i16::try_from(i + 1).unwrap_or(i16::MAX),
                    hidden: false,
                })
                .collect(),
            table_oid: 0,
        });
        level.names.push(None);
        level.star_of.push(Vec::new());
        self.levels.push(level);
    }

    fn default_expr(&mut self, e: &ast::Expr, t: TypeName) -> Result<Expr> {
        let pos = self.expr_pos(e);
        // Defaults cannot see the table's columns.
        self.levels.push(Level::default());
        let x = self.expr(e, Clause::Default);
        self.levels.pop();
        let x = x?;
        if contains_column(&x) {
            return Err(SqlError::new(
                sqlstate::FEATURE_NOT_SUPPORTED,
                "cannot use column reference in DEFAULT expression",
            )
            .at(pos));
        }
        self.coerce(x, t.ty, t.typmod, CastContext::Assignment, pos)
    }

    fn check_expr(&mut self, e: &ast::Expr) -> Result<Expr> {
        self.condition(e, Clause::Check, "CHECK")
    }

    fn constraint_columns(
        &self,
        columns: &[RelColumn],
        cols: &[ast::IndexColumn],
    ) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for c in cols {
            let Some(n) = index_column_name(c) else {
                return Err(SqlError::not_supported(
                    "expressions in a key constraint are not supported",
                ));
            };
            if !columns.iter().any(|x| x.name == n) {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!("column \"{n}\" named in key does not exist"),
                )
                .at(self.pos(c.column.expr.span())));
            }
            out.push(n);
        }
        Ok(out)
    }

    fn foreign_key(
        &mut self,
        name: &str,
        cols: &[String],
        fk: &ast::ForeignKeyConstraint,
    ) -> Result<String> {
        let pos = self.pos(fk.foreign_table.span());
        let parts = object_name(&fk.foreign_table);
        let (schema, table) = split_name(&parts, pos)?;
        let parent = self.lookup_relation(schema.as_deref(), &table, pos)?;
        let mut refs: Vec<String> = fk.referred_columns.iter().map(ident).collect();
        if refs.is_empty() {
            return Err(SqlError::not_supported(
                "a foreign key without referenced columns is not supported",
            )
            .at(pos));
        }
        if refs.len() != cols.len() {
            return Err(SqlError::new(
                sqlstate::INVALID_FOREIGN_KEY,
                "number of referencing and referenced columns for foreign key disagree",
            ));
        }
        for r in &mut refs {
            if !parent.columns.iter().any(|c| c.name == *r) {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!("column \"{r}\" referenced in foreign key constraint does not exist"),
                ));
            }
        }
        let action = |a: &Option<ast::ReferentialAction>| match a {
            Some(ast::ReferentialAction::Cascade) => " CASCADE",
            Some(ast::ReferentialAction::SetNull) => " SET NULL",
            Some(ast::ReferentialAction::SetDefault) => " SET DEFAULT",
            Some(ast::ReferentialAction::Restrict) => " RESTRICT",
            Some(ast::ReferentialAction::NoAction) | None => " NO ACTION",
        };
        Ok(format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE{} ON UPDATE{}",
            quote_sqlite(name),
            quoted_list(cols),
            quote_sqlite(&parent.sqlite_name),
            quoted_list(&refs),
            action(&fk.on_delete),
            action(&fk.on_update)
        ))
    }

    fn create_index(&mut self, ci: &ast::CreateIndex) -> Result<Ddl> {
        let pos = self.pos(ci.table_name.span());
        let parts = object_name(&ci.table_name);
        let (schema, table_name) = split_name(&parts, pos)?;
        let table = self.lookup_relation(schema.as_deref(), &table_name, pos)?;
        if table.kind != RelKind::Table || table.system {
            return Err(not_a_table(&table.name).at(pos));
        }
        let mut cols_sql = Vec::new();
        let mut col_names = Vec::new();
        self.push_table_scope(&table.columns);
        let result = (|| -> Result<Option<Expr>> {
            for c in &ci.columns {
                let e = &c.column.expr;
                let desc = matches!(c.column.options.sort, Some(ast::OrderBySort::Desc));
                let dir = if desc { " DESC" } else { "" };
                if let Some(n) = index_column_name(c) {
                    if !table.columns.iter().any(|x| x.name == n) {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_COLUMN,
                            format!("column \"{n}\" does not exist"),
                        )
                        .at(self.expr_pos(e)));
                    }
                    cols_sql.push(format!("{}{dir}", quote_sqlite(&n)));
                    col_names.push(n);
                } else {
                    let x = self.expr(e, Clause::IndexExpr)?;
                    let x = self.resolve_unknown(x)?;
                    let coll =
                        x.ty.info()
                            .collation
                            .map(|c| format!(" COLLATE {c}"))
                            .unwrap_or_default();
                    cols_sql.push(format!("({}){coll}{dir}", emit::expr(&x)));
                    col_names.push(figure_colname(e).unwrap_or_else(|| "expr".into()));
                }
            }
            match &ci.predicate {
                Some(p) => Ok(Some(self.condition(p, Clause::IndexPredicate, "WHERE")?)),
                None => Ok(None),
            }
        })();
        self.levels.pop();
        let predicate = result?;
        let index_name = match &ci.name {
            Some(n) => {
                let p = object_name(n);
                p.last().cloned().unwrap_or_default()
            }
            None => {
                let suffix = if ci.unique { "key" } else { "idx" };
                format!("{}_{}_{suffix}", table.name, col_names.join("_"))
            }
        };
        let sqlite = sqlite_name(&table.schema, &index_name);
        let mut sql = format!(
            "CREATE {}INDEX {} ON {} ({})",
            if ci.unique { "UNIQUE " } else { "" },
            quote_sqlite(&sqlite),
            quote_sqlite(&table.sqlite_name),
            cols_sql.join(", ")
        );
        if let Some(p) = predicate {
            sql.push_str(&format!(" WHERE {}", emit::expr(&p)));
        }
        Ok(Ddl::CreateIndex {
            schema: table.schema.clone(),
            name: index_name,
            sqlite_name: sqlite,
            table,
            if_not_exists: ci.if_not_exists,
            sqlite: sql,
        })
    }

    fn create_view(&mut self, cv: &ast::CreateView) -> Result<Ddl> {
        if cv.materialized {
            return Err(SqlError::not_supported(
                "materialized views are not supported",
            ));
        }
        let (schema, name) = self.creation_target(&cv.name)?;
        let sqlite = sqlite_name(&schema, &name);
        let query = self.query(&cv.query)?;
        let params = self.finish_params()?;
        if !params.is_empty() {
            return Err(SqlError::new(
                sqlstate::UNDEFINED_PARAMETER,
                "there is no parameter $1",
            ));
        }
        let aliases: Vec<String> = cv.columns.iter().map(|c| ident(&c.name)).collect();
        if aliases.len() > query.columns.len() {
            return Err(SqlError::syntax(
                "CREATE VIEW specifies more column names than columns",
            ));
        }
        let mut columns = Vec::with_capacity(query.columns.len());
        for (i, c) in query.columns.iter().enumerate() {
            let cname = aliases.get(i).cloned().unwrap_or_else(|| c.name.clone());
            if columns.iter().any(|x: &RelColumn| x.name == cname) {
                return Err(SqlError::new(
                    sqlstate::DUPLICATE_COLUMN,
                    format!("column \"{cname}\" specified more than once"),
                ));
            }
            columns.push(RelColumn {
                name: cname,
                ty: if c.ty == Type::UNKNOWN {
                    Type::TEXT
                } else {
                    c.ty
                },
                typmod: c.typmod,
                not_null: false,
                default: None,
            });
        }
        let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
        let mut sqlite_stmts = Vec::new();
        if cv.or_replace {
            sqlite_stmts.push(format!("DROP VIEW IF EXISTS {}", quote_sqlite(&sqlite)));
        }
        sqlite_stmts.push(format!(
            "CREATE VIEW {} ({}) AS {}",
            quote_sqlite(&sqlite),
            quoted_list(&names),
            emit::query(&query)
        ));
        Ok(Ddl::CreateView {
            rel: NewRelation {
                schema,
                name,
                kind: RelKind::View,
                sqlite_name: sqlite,
                columns,
            },
            or_replace: cv.or_replace,
            sqlite: sqlite_stmts,
        })
    }

    fn drop(
        &mut self,
        object_type: ast::ObjectType,
        if_exists: bool,
        names: &[ast::ObjectName],
        cascade: bool,
    ) -> Result<Plan> {
        let kind = match object_type {
            ast::ObjectType::Table => RelKind::Table,
            ast::ObjectType::View => RelKind::View,
            ast::ObjectType::Index => RelKind::Index,
            ast::ObjectType::Schema | ast::ObjectType::Database => {
                return self.drop_utility(object_type, if_exists, names, cascade);
            }
            other => {
                return Err(SqlError::not_supported(format!(
                    "DROP {} is not supported",
                    other.to_string().to_uppercase()
                )));
            }
        };
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for n in names {
            let pos = self.pos(n.span());
            let parts = object_name(n);
            let (schema, name) = split_name(&parts, pos)?;
            let rel = match &self.default_schema {
                Some(ds) if schema.is_none() => self.catalog.relation(Some(ds), &name)?,
                _ => self.catalog.relation(schema.as_deref(), &name)?,
            };
            let shown = parts.join(".");
            match rel {
                Some(r) if r.kind == kind && !r.system => found.push(r),
                Some(r) if r.system => {
                    return Err(SqlError::new(
                        sqlstate::INSUFFICIENT_PRIVILEGE,
                        format!("permission denied: \"{}\" is a system catalog", r.name),
                    )
                    .at(pos));
                }
                Some(r) => {
                    let hint = match r.kind {
                        RelKind::View => "Use DROP VIEW to remove a view.",
                        RelKind::Table => "Use DROP TABLE to remove a table.",
                        RelKind::Index => "Use DROP INDEX to remove an index.",
                        RelKind::Sequence => "Use DROP SEQUENCE to remove a sequence.",
                    };
                    return Err(SqlError::new(
                        sqlstate::WRONG_OBJECT_TYPE,
                        format!(
                            "\"{}\" is not a {}",
                            r.name,
                            if kind == RelKind::Index {
                                "an index"
                            } else {
                                kind.noun()
                            }
                            .trim_start_matches("an ")
                        ),
                    )
                    .with_hint(hint)
                    .at(pos));
                }
                None if if_exists => missing.push(shown),
                None => {
                    let what = match kind {
                        RelKind::Table => "table",
                        RelKind::View => "view",
                        RelKind::Index => "index",
                        RelKind::Sequence => "sequence",
                    };
                    let code = if kind == RelKind::Table || kind == RelKind::View {
                        sqlstate::UNDEFINED_TABLE
                    } else {
                        sqlstate::UNDEFINED_OBJECT
                    };
                    return Err(
                        SqlError::new(code, format!("{what} \"{shown}\" does not exist")).at(pos),
                    );
                }
            }
        }
        Ok(Plan::Ddl(Ddl::Drop {
            kind,
            found,
            missing,
            cascade,
        }))
    }

    fn alter_table(&mut self, at: &ast::AlterTable) -> Result<Ddl> {
        let pos = self.pos(at.name.span());
        let parts = object_name(&at.name);
        let (schema, name) = split_name(&parts, pos)?;
        let table = match self.catalog.relation(schema.as_deref(), &name)? {
            Some(t) => t,
            None => {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_TABLE,
                    format!("relation \"{}\" does not exist", parts.join(".")),
                )
                .at(pos));
            }
        };
        if table.kind != RelKind::Table || table.system {
            return Err(not_a_table(&table.name).at(pos));
        }
        let mut columns = table.columns.clone();
        let mut sqlite = Vec::new();
        let mut new_name = None;
        let q = quote_sqlite(&table.sqlite_name);
        for op in &at.operations {
            match op {
                ast::AlterTableOperation::AddColumn {
                    if_not_exists,
                    column_def,
                    ..
                } => {
                    let cname = ident(&column_def.name);
                    if columns.iter().any(|c| c.name == cname) {
                        if *if_not_exists {
                            continue;
                        }
                        return Err(SqlError::new(
                            sqlstate::DUPLICATE_COLUMN,
                            format!(
                                "column \"{cname}\" of relation \"{}\" already exists",
                                table.name
                            ),
                        ));
                    }
                    let t = typename::resolve(&column_def.data_type)?;
                    let mut decl = format!("{} {}", quote_sqlite(&cname), storage_decl(t.ty));
                    let mut col = RelColumn {
                        name: cname.clone(),
                        ty: t.ty,
                        typmod: t.typmod,
                        not_null: false,
                        default: None,
                    };
                    for o in &column_def.options {
                        match &o.option {
                            ast::ColumnOption::Null => {}
                            ast::ColumnOption::NotNull => {
                                col.not_null = true;
                                decl.push_str(" NOT NULL");
                            }
                            ast::ColumnOption::Default(e) => {
                                let x = self.default_expr(e, t)?;
                                if !x.is_const() {
                                    return Err(SqlError::not_supported(
                                        "ALTER TABLE ADD COLUMN with a non-constant default is not supported",
                                    ));
                                }
                                decl.push_str(&format!(" DEFAULT ({})", emit::expr(&x)));
                                col.default = Some(e.to_string());
                            }
                            ast::ColumnOption::Check(ck) => {
                                self.push_table_scope(std::slice::from_ref(&col));
                                let x = self.check_expr(&ck.expr);
                                self.levels.pop();
                                decl.push_str(&format!(" CHECK ({})", emit::expr(&x?)));
                            }
                            other => {
                                return Err(SqlError::not_supported(format!(
                                    "ALTER TABLE ADD COLUMN with {other} is not supported"
                                )));
                            }
                        }
                    }
                    if let Some(coll) = t.ty.info().collation {
                        decl.push_str(&format!(" COLLATE {coll}"));
                    }
                    sqlite.push(format!("ALTER TABLE {q} ADD COLUMN {decl}"));
                    columns.push(col);
                }
                ast::AlterTableOperation::RenameColumn {
                    old_column_name,
                    new_column_name,
                } => {
                    let old = ident(old_column_name);
                    let new = ident(new_column_name);
                    let Some(c) = columns.iter_mut().find(|c| c.name == old) else {
                        return Err(SqlError::new(
                            sqlstate::UNDEFINED_COLUMN,
                            format!("column \"{old}\" does not exist"),
                        ));
                    };
                    c.name = new.clone();
                    sqlite.push(format!(
                        "ALTER TABLE {q} RENAME COLUMN {} TO {}",
                        quote_sqlite(&old),
                        quote_sqlite(&new)
                    ));
                }
                ast::AlterTableOperation::RenameTable { table_name } => {
                    let n = match table_name {
                        ast::RenameTableNameKind::As(n) | ast::RenameTableNameKind::To(n) => n,
                    };
                    let target = object_name(n).last().cloned().unwrap_or_default();
                    let new_sqlite = sqlite_name(&table.schema, &target);
                    sqlite.push(format!(
                        "ALTER TABLE {q} RENAME TO {}",
                        quote_sqlite(&new_sqlite)
                    ));
                    new_name = Some(target);
                }
                ast::AlterTableOperation::DropColumn {
                    column_names,
                    if_exists,
                    ..
                } => {
                    for cn in column_names {
                        let n = ident(cn);
                        if !columns.iter().any(|c| c.name == n) {
                            if *if_exists {
                                continue;
                            }
                            return Err(SqlError::new(
                                sqlstate::UNDEFINED_COLUMN,
                                format!(
                                    "column \"{n}\" of relation \"{}\" does not exist",
                                    table.name
                                ),
                            ));
                        }
                        columns.retain(|c| c.name != n);
                        sqlite.push(format!("ALTER TABLE {q} DROP COLUMN {}", quote_sqlite(&n)));
                    }
                }
                other => {
                    return Err(SqlError::not_supported(format!(
                        "ALTER TABLE {} is not supported yet",
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
        Ok(Ddl::AlterTable {
            table,
            new_name,
            columns,
            sqlite,
        })
    }
}

/// `[schema.]name` from an object name's parts.
pub(crate) fn split_name(parts: &[String], pos: Option<usize>) -> Result<(Option<String>, String)> {
    match parts {
        [n] => Ok((None, n.clone())),
        [s, n] => Ok((Some(s.clone()), n.clone())),
        [_, s, n] => Ok((Some(s.clone()), n.clone())),
        _ => Err(SqlError::syntax(format!(
            "improper qualified name (too many dotted names): {}",
            parts.join(".")
        ))
        .at(pos)),
    }
}

/// The SQLite column declaration for a type (see the module doc).
fn storage_decl(t: Type) -> &'static str {
    match t.storage() {
        Storage::Integer => "INT",
        // A NaN is stored as TEXT (see `types`).
        Storage::Real => "ANY",
        other => other.sqlite_decl(),
    }
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| quote_sqlite(n))
        .collect::<Vec<_>>()
        .join(", ")
}

fn index_column_name(c: &ast::IndexColumn) -> Option<String> {
    match &c.column.expr {
        ast::Expr::Identifier(i) => Some(ident(i)),
        _ => None,
    }
}

fn constraint_name(
    given: Option<&ast::Ident>,
    used: &mut Vec<String>,
    default: impl FnOnce() -> String,
) -> String {
    let base = given.map(ident).unwrap_or_else(default);
    let mut name = base.clone();
    let mut n = 1;
    while used.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    used.push(name.clone());
    name
}

fn multiple_pk(table: &str) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_TABLE_DEFINITION,
        format!("multiple primary keys for table \"{table}\" are not allowed"),
    )
}

fn not_a_table(name: &str) -> SqlError {
    SqlError::new(
        sqlstate::WRONG_OBJECT_TYPE,
        format!("\"{name}\" is not a table"),
    )
}

fn contains_column(x: &Expr) -> bool {
    if matches!(x.kind, crate::ir::ExprKind::Column(_)) {
        return true;
    }
    let mut found = false;
    x.for_each_child(&mut |c| found |= contains_column(c));
    found
}

/// The first column a CHECK expression names (PostgreSQL names the constraint after it).
fn first_column(e: &ast::Expr, columns: &[RelColumn]) -> Option<String> {
    let text = e.to_string().to_lowercase();
    let mut best: Option<(usize, String)> = None;
    for c in columns {
        if let Some(i) = find_word(&text, &c.name)
            && best.as_ref().is_none_or(|(j, _)| i < *j)
        {
            best = Some((i, c.name.clone()));
        }
    }
    best.map(|(_, n)| n)
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut start = 0;
    while let Some(i) = text[start..].find(word) {
        let at = start + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(is_ident) && !after.is_some_and(is_ident) {
            return Some(at);
        }
        start = at + word.len().max(1);
        if start >= text.len() {
            break;
        }
    }
    None
}

#[allow(dead_code)]
fn unused(_: &Relation) {}
