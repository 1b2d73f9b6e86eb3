//! Schema changes: CREATE TABLE (columns with PostgreSQL types, defaults, serial and identity
//! columns, constraints with PostgreSQL's names), CREATE TABLE AS, CREATE INDEX, CREATE VIEW,
//! DROP and TRUNCATE. ALTER TABLE is `alter`, sequences `sequence`, COMMENT `comment`.
//!
//! SQLite declarations: every table is STRICT; a column is declared only by its storage class
//! (`INT`, `REAL`, `TEXT`, `BLOB`) plus its type's collation, and its PostgreSQL type goes to
//! minipg's catalog. `INT` rather than `INTEGER` so that an integer primary key is an ordinary
//! unique key, as in PostgreSQL, not SQLite's rowid. Constraints are named table constraints
//! (`CONSTRAINT "t_pkey" PRIMARY KEY (…)`), so their names are PostgreSQL's and can be found
//! again (ALTER TABLE, the catalog). A serial or identity column's default calls `nextval` of
//! its own sequence by OID (`DEFAULT (pg_host_nextval(oid))`), filled in by the host when the
//! sequence exists ([`SerialColumn::placeholder`]).

use sqlparser::ast::{self, Spanned};

use super::names::figure_colname;
use super::typename::{self, TypeName};
use super::{Analyzer, Clause, Level, ident, object_name};
use crate::catalog::{Identity, RelColumn, RelKind, Relation, quote_sqlite, sqlite_name};
use crate::emit;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::CastContext;
use crate::ir::{Expr, OutColumn, Rte, RteColumn, RteSource};
use crate::plan::{Ddl, DefaultDep, NewRelation, Plan, SerialColumn, Utility};
use crate::sequence::{SeqOptions, make_object_name};
use crate::types::{Storage, Type};

/// What a column definition says, before its constraints are turned into table constraints.
pub(super) struct ColumnSpec {
    pub name: String,
    pub t: TypeName,
    pub not_null: bool,
    /// The default as written (with its position, for errors).
    pub default: Option<ast::Expr>,
    pub identity: Option<(Identity, SeqOptions)>,
    /// An identity's `SEQUENCE NAME` (pg_dump gives it).
    pub sequence_name: Option<ast::ObjectName>,
}

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
            S::AlterSchema(a) => self.alter_schema(a)?,
            S::CreateSequence {
                temporary,
                if_not_exists,
                name,
                sequence_options,
            } => self.create_sequence(*temporary, *if_not_exists, name, sequence_options)?,
            S::Comment {
                object_type,
                object_name,
                comment,
                ..
            } => self.comment(*object_type, object_name, comment.as_deref())?,
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
                Ddl::Truncate {
                    tables,
                    cascade: matches!(t.cascade, Some(ast::CascadeOption::Cascade)),
                    restart_identity: matches!(
                        t.identity,
                        Some(ast::TruncateIdentityOption::Restart)
                    ),
                }
            }
            _ => return Err(SqlError::internal("not a schema change")),
        };
        Ok(Plan::Ddl(ddl))
    }

    /// The schema, name and SQLite name of a relation being created.
    fn new_relation(&mut self, name: &ast::ObjectName) -> Result<(String, String, String)> {
        let (schema, name) = self.creation_target(name)?;
        let sqlite = sqlite_name(&schema, &name);
        Ok((schema, name, sqlite))
    }

    /// The schema a new object goes to and the name, checking the schema exists.
    pub(super) fn creation_target(&mut self, name: &ast::ObjectName) -> Result<(String, String)> {
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

    /// A column definition's type, NULL/NOT NULL, default and identity (the other options are
    /// constraints, handled by the caller).
    pub(super) fn column_spec(&mut self, table: &str, c: &ast::ColumnDef) -> Result<ColumnSpec> {
        let pos = self.pos(c.name.span);
        let name = ident(&c.name);
        let t = typename::resolve(&c.data_type).map_err(|e| e.at(pos))?;
        if t.ty.is_pseudo() {
            return Err(SqlError::new(
                sqlstate::INVALID_TABLE_DEFINITION,
                format!("column \"{name}\" has pseudo-type {}", t.ty.name()),
            )
            .at(pos));
        }
        let mut spec = ColumnSpec {
            name,
            t,
            not_null: false,
            default: None,
            identity: None,
            sequence_name: None,
        };
        let mut nullability: Option<bool> = None;
        for o in &c.options {
            let opos = self.pos(o.option.span());
            match &o.option {
                ast::ColumnOption::Null | ast::ColumnOption::NotNull => {
                    let not_null = matches!(o.option, ast::ColumnOption::NotNull);
                    if nullability.is_some_and(|n| n != not_null) {
                        return Err(SqlError::syntax(format!(
                            "conflicting NULL/NOT NULL declarations for column \"{}\" of table \"{table}\"",
                            spec.name
                        ))
                        .at(opos));
                    }
                    nullability = Some(not_null);
                }
                ast::ColumnOption::Default(e) => {
                    if spec.default.is_some() {
                        return Err(SqlError::syntax(format!(
                            "multiple default values specified for column \"{}\" of table \"{table}\"",
                            spec.name
                        ))
                        .at(opos));
                    }
                    if spec.identity.is_some() {
                        return Err(both_default_and_identity(&spec.name, table).at(opos));
                    }
                    spec.default = Some(e.clone());
                }
                ast::ColumnOption::Generated {
                    generated_as,
                    sequence_options,
                    generation_expr: None,
                    ..
                } => {
                    if spec.identity.is_some() {
                        return Err(SqlError::syntax(format!(
                            "multiple identity specifications for column \"{}\" of table \"{table}\"",
                            spec.name
                        ))
                        .at(opos));
                    }
                    if spec.default.is_some() || spec.t.serial {
                        return Err(both_default_and_identity(&spec.name, table).at(opos));
                    }
                    let kind = match generated_as {
                        ast::GeneratedAs::ByDefault => Identity::ByDefault,
                        _ => Identity::Always,
                    };
                    let (options, owned) =
                        self.seq_options(sequence_options.as_deref().unwrap_or(&[]))?;
                    if owned.is_some() {
                        return Err(SqlError::syntax("invalid sequence option OWNED BY"));
                    }
                    spec.identity = Some((kind, options));
                    spec.sequence_name = self.sequence_names.pop_front();
                }
                ast::ColumnOption::Generated { .. } => {
                    return Err(
                        SqlError::not_supported("generated columns are not supported").at(opos),
                    );
                }
                ast::ColumnOption::Identity(_) => {
                    return Err(SqlError::syntax("syntax error at or near \"IDENTITY\"").at(opos));
                }
                _ => {}
            }
        }
        if spec.identity.is_some() && nullability == Some(false) {
            return Err(SqlError::syntax(format!(
                "conflicting NULL/NOT NULL declarations for column \"{}\" of table \"{table}\"",
                spec.name
            )));
        }
        if let Some((_, options)) = &mut spec.identity {
            if !matches!(spec.t.ty, Type::INT2 | Type::INT4 | Type::INT8) {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    "identity column type must be smallint, integer, or bigint",
                ));
            }
            if options.as_type.is_none() {
                options.as_type = Some(spec.t.ty);
            }
        }
        spec.not_null = nullability == Some(true) || spec.t.serial || spec.identity.is_some();
        Ok(spec)
    }

    /// The sequence a serial or identity column gets (`<table>_<column>_seq`, made unique in
    /// the schema), its SQLite default and, for a serial column, its PostgreSQL default text.
    pub(super) fn serial_sequence(
        &mut self,
        schema: &str,
        table: &str,
        spec: &ColumnSpec,
        attnum: i16,
        index: usize,
        taken: &mut Vec<String>,
    ) -> Result<(SerialColumn, String, Option<String>)> {
        let (schema, name) = match &spec.sequence_name {
            Some(given) => {
                let (s, n) = self.creation_target(given)?;
                if self.catalog.relation(Some(&s), &n)?.is_some() || taken.contains(&n) {
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_TABLE,
                        format!("relation \"{n}\" already exists"),
                    ));
                }
                taken.push(n.clone());
                (s, n)
            }
            None => (
                schema.to_string(),
                self.choose_relation_name(schema, table, Some(&spec.name), "seq", taken)?,
            ),
        };
        let schema = schema.as_str();
        let (options, identity) = match &spec.identity {
            Some((kind, o)) => (o.clone(), Some(*kind)),
            None => (
                SeqOptions {
                    as_type: Some(spec.t.ty),
                    ..SeqOptions::default()
                },
                None,
            ),
        };
        // Checked now so that a bad option fails before anything is created.
        crate::sequence::apply_options(&options, None, identity.is_some())?;
        let placeholder = SerialColumn::placeholder(index);
        let sqlite_default = format!("{}({placeholder})", crate::func::host::symbol::NEXTVAL);
        let pg_default = identity
            .is_none()
            .then(|| serial_default_text(schema, &name));
        Ok((
            SerialColumn {
                attnum,
                seq: crate::plan::NewSequence {
                    sqlite_name: sqlite_name(schema, &name),
                    schema: schema.to_string(),
                    name,
                    options,
                    identity: identity.is_some(),
                },
                identity,
                placeholder,
            },
            sqlite_default,
            pg_default,
        ))
    }

    /// PostgreSQL's `ChooseRelationName`: `name1_name2_label`, with a number added until no
    /// relation of the schema (nor one chosen earlier in the statement) has it.
    pub(super) fn choose_relation_name(
        &mut self,
        schema: &str,
        name1: &str,
        name2: Option<&str>,
        label: &str,
        taken: &mut Vec<String>,
    ) -> Result<String> {
        let mut n = 0;
        loop {
            let label_n = if n == 0 {
                label.to_string()
            } else {
                format!("{label}{n}")
            };
            let candidate = make_object_name(name1, name2, &label_n);
            if !taken.contains(&candidate)
                && self.catalog.relation(Some(schema), &candidate)?.is_none()
            {
                taken.push(candidate.clone());
                return Ok(candidate);
            }
            n += 1;
        }
    }

    /// The sequences a default expression calls `nextval` of by a constant name (recorded as
    /// dependencies, as PostgreSQL records the `regclass` constant). 42P01 when one is missing.
    pub(super) fn nextval_targets(&mut self, x: &Expr) -> Result<Vec<u32>> {
        let mut names = Vec::new();
        collect_nextval_names(x, &mut names);
        let mut out = Vec::new();
        for n in names {
            let Ok(parts) = crate::catalog::parse_qualified_name(&n) else {
                continue;
            };
            let (schema, name) = split_name(&parts, None)?;
            let rel = self.lookup_relation(schema.as_deref(), &name, None)?;
            if rel.kind == RelKind::Sequence && !out.contains(&rel.oid) {
                out.push(rel.oid);
            }
        }
        Ok(out)
    }

    fn create_table(&mut self, ct: &ast::CreateTable) -> Result<Ddl> {
        if ct.temporary {
            return Err(SqlError::not_supported(
                "temporary tables are not supported",
            ));
        }
        let (schema, name, sqlite) = self.new_relation(&ct.name)?;
        check_storage_options(&ct.table_options)?;
        if let Some(q) = &ct.query {
            return self.create_table_as(schema, name, sqlite, &ct.columns, ct.if_not_exists, q);
        }
        if ct.columns.is_empty() && ct.constraints.is_empty() {
            // CREATE TABLE t () is allowed by PostgreSQL; SQLite needs a column.
            return Err(SqlError::not_supported(
                "a table without columns is not supported",
            ));
        }
        let mut specs: Vec<ColumnSpec> = Vec::new();
        for c in &ct.columns {
            let spec = self.column_spec(&name, c)?;
            if specs.iter().any(|x| x.name == spec.name) {
                return Err(SqlError::new(
                    sqlstate::DUPLICATE_COLUMN,
                    format!("column \"{}\" specified more than once", spec.name),
                )
                .at(self.pos(c.name.span)));
            }
            specs.push(spec);
        }
        let mut columns: Vec<RelColumn> = specs
            .iter()
            .map(|s| RelColumn {
                not_null: s.not_null,
                identity: s.identity.as_ref().map(|(k, _)| *k),
                ..RelColumn::new(s.name.clone(), s.t.ty, s.t.typmod)
            })
            .collect();
        // Constraints, column-level ones first (in column order), as PostgreSQL names them.
        let mut constraints = Constraints::new(&schema, &name);
        self.push_table_scope(&columns);
        let result = (|| -> Result<()> {
            for c in &ct.columns {
                let cname = ident(&c.name);
                for o in &c.options {
                    self.column_constraint(&mut constraints, &columns, &cname, o)?;
                }
            }
            for tc in &ct.constraints {
                self.table_constraint(&mut constraints, &columns, tc)?;
            }
            Ok(())
        })();
        self.levels.pop();
        result?;
        for c in &constraints.not_null {
            if let Some(col) = columns.iter_mut().find(|x| x.name == *c) {
                col.not_null = true;
            }
        }
        // Column declarations, with their defaults (serial and identity ones last to know
        // their sequence names, which must not collide with each other).
        let mut serials = Vec::new();
        let mut default_deps = Vec::new();
        let mut taken = Vec::new();
        let mut defs = Vec::with_capacity(specs.len());
        for (i, spec) in specs.iter().enumerate() {
            let attnum = crate::catalog::attnum(i);
            let mut default_sql = None;
            if let Some(e) = &spec.default {
                let x = self.default_expr(e, spec.t)?;
                for seq in self.nextval_targets(&x)? {
                    default_deps.push(DefaultDep {
                        attnum,
                        sequence: seq,
                    });
                }
                default_sql = Some(emit::expr(&x));
                columns[i].default = Some(e.to_string());
            }
            if spec.t.serial || spec.identity.is_some() {
                let (serial, sqlite_default, pg_default) =
                    self.serial_sequence(&schema, &name, spec, attnum, serials.len(), &mut taken)?;
                default_sql = Some(sqlite_default);
                columns[i].default = pg_default;
                serials.push(serial);
            }
            defs.push(column_decl(
                &spec.name,
                spec.t.ty,
                columns[i].not_null,
                default_sql.as_deref(),
            ));
        }
        defs.extend(constraints.sql);
        let create = format!(
            "CREATE TABLE {} ({}) STRICT",
            quote_sqlite(&sqlite),
            defs.join(", ")
        );
        Ok(Ddl::CreateTable {
            rel: NewRelation::table(schema, name, sqlite, columns),
            if_not_exists: ct.if_not_exists,
            sqlite: vec![create],
            filled: false,
            reads: Vec::new(),
            serials,
            default_deps,
        })
    }

    /// A column-level constraint (NOT NULL, DEFAULT and identity were read by `column_spec`).
    pub(super) fn column_constraint(
        &mut self,
        out: &mut Constraints,
        columns: &[RelColumn],
        cname: &str,
        o: &ast::ColumnOptionDef,
    ) -> Result<()> {
        let opos = self.pos(o.option.span());
        match &o.option {
            ast::ColumnOption::Null
            | ast::ColumnOption::NotNull
            | ast::ColumnOption::Default(_)
            | ast::ColumnOption::Generated { .. }
            | ast::ColumnOption::Identity(_) => {}
            ast::ColumnOption::PrimaryKey(pk) => {
                let name = o.name.as_ref().or(pk.name.as_ref()).map(ident);
                out.primary_key(name, vec![cname.to_string()], opos)?;
            }
            ast::ColumnOption::Unique(u) => {
                let name = o.name.as_ref().or(u.name.as_ref()).map(ident);
                out.unique(name, vec![cname.to_string()])?;
            }
            ast::ColumnOption::Check(ck) => {
                let x = self.check_expr(&ck.expr)?;
                let name = o.name.as_ref().or(ck.name.as_ref()).map(ident);
                out.check(name, Some(cname), &emit::expr(&x))?;
            }
            ast::ColumnOption::ForeignKey(fk) => {
                let given = o.name.as_ref().or(fk.name.as_ref()).map(ident);
                out.check_given(given.as_ref())?;
                let name = out.name_for(given, Some(cname), "fkey");
                let cols = vec![cname.to_string()];
                let sql = self.foreign_key(&name, &cols, columns, out, fk)?;
                out.foreign(name, sql);
            }
            ast::ColumnOption::Collation(coll) => {
                let n = object_name(coll).join(".");
                if !matches!(
                    n.as_str(),
                    "C" | "POSIX" | "default" | "pg_catalog.default" | "c"
                ) {
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_OBJECT,
                        format!("collation \"{n}\" for encoding \"UTF8\" does not exist"),
                    ));
                }
            }
            other => {
                return Err(SqlError::not_supported(format!(
                    "column option {other} is not supported"
                ))
                .at(opos));
            }
        }
        Ok(())
    }

    /// A table constraint of CREATE TABLE or ALTER TABLE ADD.
    pub(super) fn table_constraint(
        &mut self,
        out: &mut Constraints,
        columns: &[RelColumn],
        tc: &ast::TableConstraint,
    ) -> Result<()> {
        match tc {
            ast::TableConstraint::PrimaryKey(pk) => {
                if pk.index_name.is_some() {
                    return Err(SqlError::not_supported(
                        "PRIMARY KEY USING INDEX is not supported",
                    ));
                }
                let cols = self.constraint_columns(columns, &pk.columns)?;
                out.primary_key(pk.name.as_ref().map(ident), cols, None)?;
            }
            ast::TableConstraint::Unique(u) => {
                let cols = self.constraint_columns(columns, &u.columns)?;
                out.unique(u.name.as_ref().map(ident), cols)?;
            }
            ast::TableConstraint::Check(ck) => {
                let x = self.check_expr(&ck.expr)?;
                let first = first_column(&ck.expr, columns);
                out.check(
                    ck.name.as_ref().map(ident),
                    first.as_deref(),
                    &emit::expr(&x),
                )?;
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
                let joined = cols.join("_");
                let given = fk.name.as_ref().map(ident);
                out.check_given(given.as_ref())?;
                let name = out.name_for(given, Some(&joined), "fkey");
                let sql = self.foreign_key(&name, &cols, columns, out, fk)?;
                out.foreign(name, sql);
            }
            other => {
                return Err(SqlError::not_supported(format!(
                    "constraint {} is not supported",
                    other.to_string().chars().take(40).collect::<String>()
                )));
            }
        }
        Ok(())
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
        let (schema, name, sqlite) = self.new_relation(&target)?;
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
        let columns = query_columns(&query.columns, &aliases)?;
        let defs: Vec<String> = columns
            .iter()
            .map(|c| {
                let mut decl = format!("{} {}", quote_sqlite(&c.name), storage_decl(c.ty));
                if let Some(coll) = c.ty.info().collation {
                    decl.push_str(&format!(" COLLATE {coll}"));
                }
                decl
            })
            .collect();
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
            rel: NewRelation::table(schema, name, sqlite, columns),
            if_not_exists,
            sqlite: vec![create, fill],
            filled: true,
            reads: self.relations_used.clone(),
            serials: Vec::new(),
            default_deps: Vec::new(),
        })
    }

    /// A level whose only FROM item is the table being defined, its columns read bare.
    pub(super) fn push_table_scope(&mut self, columns: &[RelColumn]) {
        let mut level = Level::default();
        level.rtable.push(Rte {
            alias: String::new(),
            source: RteSource::Table(String::new()),
            columns: RteColumn::of_table(columns),
            table_oid: 0,
        });
        level.names.push(None);
        level.star_of.push(Vec::new());
        self.levels.push(level);
    }

    pub(super) fn default_expr(&mut self, e: &ast::Expr, t: TypeName) -> Result<Expr> {
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

    pub(super) fn check_expr(&mut self, e: &ast::Expr) -> Result<Expr> {
        self.condition(e, Clause::Check, "CHECK")
    }

    pub(super) fn constraint_columns(
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

    /// A FOREIGN KEY as SQLite takes it, checked as PostgreSQL checks it: the referenced
    /// columns (the primary key when none are named) must be a unique key of the referenced
    /// table (which may be the table being defined, `out`), and of comparable types.
    pub(super) fn foreign_key(
        &mut self,
        name: &str,
        cols: &[String],
        columns: &[RelColumn],
        out: &Constraints,
        fk: &ast::ForeignKeyConstraint,
    ) -> Result<String> {
        let pos = self.pos(fk.foreign_table.span());
        let parts = object_name(&fk.foreign_table);
        let (schema, table) = split_name(&parts, pos)?;
        let itself = table == out.table
            && schema.as_deref().is_none_or(|s| s == out.schema)
            && out.being_created;
        let (parent_sqlite, parent_name, parent_columns, keys, primary) = if itself {
            (
                sqlite_name(&out.schema, &out.table),
                out.table.clone(),
                columns.to_vec(),
                out.keys.clone(),
                out.primary.clone(),
            )
        } else {
            let parent = self.lookup_relation(schema.as_deref(), &table, pos)?;
            if parent.kind != RelKind::Table || parent.system {
                return Err(SqlError::new(
                    sqlstate::WRONG_OBJECT_TYPE,
                    format!("referenced relation \"{}\" is not a table", parent.name),
                ));
            }
            let mut keys = Vec::new();
            let mut primary = None;
            for c in self.catalog.constraints(&parent)? {
                match c.kind {
                    crate::catalog::ConstraintKind::PrimaryKey => {
                        primary = Some(c.columns.clone());
                        keys.push(c.columns);
                    }
                    crate::catalog::ConstraintKind::Unique => keys.push(c.columns),
                    _ => {}
                }
            }
            keys.extend(self.catalog.unique_indexes(&parent)?);
            // Within ALTER TABLE on the table itself, the keys being added count too.
            if parent.oid == out.table_oid {
                keys.extend(out.keys.iter().cloned());
                if primary.is_none() {
                    primary.clone_from(&out.primary);
                }
            }
            (
                parent.sqlite_name.clone(),
                parent.name.clone(),
                parent.columns.clone(),
                keys,
                primary,
            )
        };
        let refs: Vec<String> = if fk.referred_columns.is_empty() {
            match primary {
                Some(p) => p,
                None => {
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_OBJECT,
                        format!("there is no primary key for referenced table \"{parent_name}\""),
                    ));
                }
            }
        } else {
            fk.referred_columns.iter().map(ident).collect()
        };
        for r in &refs {
            if !parent_columns.iter().any(|c| c.name == *r) {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!("column \"{r}\" referenced in foreign key constraint does not exist"),
                ));
            }
        }
        if refs.len() != cols.len() {
            return Err(SqlError::new(
                sqlstate::INVALID_FOREIGN_KEY,
                "number of referencing and referenced columns for foreign key disagree",
            ));
        }
        let same_set = |k: &Vec<String>| {
            k.len() == refs.len()
                && k.iter().all(|c| refs.contains(c))
                && refs.iter().all(|c| k.contains(c))
        };
        if !fk.referred_columns.is_empty() && !keys.iter().any(same_set) {
            return Err(SqlError::new(
                sqlstate::INVALID_FOREIGN_KEY,
                format!(
                    "there is no unique constraint matching given keys for referenced table \"{parent_name}\""
                ),
            ));
        }
        for (c, r) in cols.iter().zip(&refs) {
            let (Some(fkc), Some(pkc)) = (
                columns.iter().find(|x| x.name == *c),
                parent_columns.iter().find(|x| x.name == *r),
            ) else {
                continue;
            };
            if !comparable_key_types(fkc.ty, pkc.ty) {
                return Err(SqlError::new(
                    sqlstate::DATATYPE_MISMATCH,
                    format!("foreign key constraint \"{name}\" cannot be implemented"),
                )
                .with_detail(format!(
                    "Key columns \"{c}\" and \"{r}\" are of incompatible types: {} and {}.",
                    crate::types::format_type(fkc.ty, -1),
                    crate::types::format_type(pkc.ty, -1)
                )));
            }
        }
        if matches!(
            fk.match_kind,
            Some(ast::ConstraintReferenceMatchKind::Partial)
        ) {
            return Err(SqlError::not_supported("MATCH PARTIAL not yet implemented"));
        }
        let action = |a: &Option<ast::ReferentialAction>| match a {
            Some(ast::ReferentialAction::Cascade) => " CASCADE",
            Some(ast::ReferentialAction::SetNull) => " SET NULL",
            Some(ast::ReferentialAction::SetDefault) => " SET DEFAULT",
            Some(ast::ReferentialAction::Restrict) => " RESTRICT",
            Some(ast::ReferentialAction::NoAction) | None => " NO ACTION",
        };
        let deferral = match &fk.characteristics {
            Some(ch) if ch.deferrable == Some(true) => match ch.initially {
                Some(ast::DeferrableInitial::Deferred) => " DEFERRABLE INITIALLY DEFERRED",
                _ => " DEFERRABLE INITIALLY IMMEDIATE",
            },
            _ => "",
        };
        Ok(format!(
            "CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE{} ON UPDATE{}{deferral}",
            quote_sqlite(name),
            quoted_list(cols),
            quote_sqlite(&parent_sqlite),
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
                // PostgreSQL's name for an index that is no constraint's, unique or not.
                make_object_name(&table.name, Some(&col_names.join("_")), "idx")
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
        let (schema, name, sqlite) = self.new_relation(&cv.name)?;
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
        let columns = query_columns(&query.columns, &aliases)?;
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
            depends_on: self.relations_used.clone(),
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
            ast::ObjectType::Sequence => RelKind::Sequence,
            ast::ObjectType::Database => {
                let [name] = names else {
                    return Err(SqlError::syntax("DROP DATABASE takes one name"));
                };
                let name = object_name(name).join(".");
                return Ok(Plan::Utility(Utility::DropDatabase { name, if_exists }));
            }
            ast::ObjectType::Schema => {
                let names = names.iter().map(|n| object_name(n).join(".")).collect();
                return Ok(Plan::Utility(Utility::DropSchema {
                    names,
                    if_exists,
                    cascade,
                }));
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
                    let code = if kind != RelKind::Index {
                        sqlstate::UNDEFINED_TABLE
                    } else {
                        sqlstate::UNDEFINED_OBJECT
                    };
                    return Err(SqlError::new(
                        code,
                        format!("{what} \"{shown}\" does not exist"),
                    ));
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
pub(super) fn storage_decl(t: Type) -> &'static str {
    match t.storage() {
        Storage::Integer => "INT",
        // A NaN is stored as TEXT (see `types`).
        Storage::Real => "ANY",
        other => other.sqlite_decl(),
    }
}

pub(super) fn quoted_list(names: &[String]) -> String {
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

/// The constraints of a table being defined or altered: their SQLite text, and PostgreSQL's
/// names (`t_pkey`, `t_a_key`, `t_a_check`, `t_a_fkey`, numbered when taken).
pub(super) struct Constraints {
    pub schema: String,
    pub table: String,
    /// The table's OID when it exists (ALTER TABLE), else 0.
    pub table_oid: u32,
    /// CREATE TABLE: a foreign key may reference the table itself by name.
    pub being_created: bool,
    /// Names in use on the table.
    pub used: Vec<String>,
    /// The primary key's columns, if the table has one (or is getting one).
    pub primary: Option<Vec<String>>,
    /// Column lists of the unique keys (primary key included) defined here.
    pub keys: Vec<Vec<String>>,
    /// `CONSTRAINT "name" …` items, in order.
    pub sql: Vec<String>,
    /// The names of those items, in the same order.
    pub names: Vec<String>,
    /// Columns a primary key makes NOT NULL.
    pub not_null: Vec<String>,
}

impl Constraints {
    pub fn new(schema: &str, table: &str) -> Constraints {
        Constraints {
            schema: schema.to_string(),
            table: table.to_string(),
            table_oid: 0,
            being_created: true,
            used: Vec::new(),
            primary: None,
            keys: Vec::new(),
            sql: Vec::new(),
            names: Vec::new(),
            not_null: Vec::new(),
        }
    }

    /// For ALTER TABLE on `rel`, whose constraints are `existing`.
    pub fn existing(rel: &Relation, existing: &[crate::catalog::Constraint]) -> Constraints {
        let mut c = Constraints::new(&rel.schema, &rel.name);
        c.table_oid = rel.oid;
        c.being_created = false;
        for e in existing {
            c.used.push(e.name.clone());
            if e.kind == crate::catalog::ConstraintKind::PrimaryKey {
                c.primary = Some(e.columns.clone());
            }
        }
        c
    }

    /// The given name (42710 when the table has it) or PostgreSQL's.
    pub fn name_for(&mut self, given: Option<String>, cols: Option<&str>, label: &str) -> String {
        if let Some(g) = given {
            self.used.push(g.clone());
            return g;
        }
        let mut n = 0;
        loop {
            let label_n = if n == 0 {
                label.to_string()
            } else {
                format!("{label}{n}")
            };
            let candidate = make_object_name(&self.table, cols, &label_n);
            if !self.used.contains(&candidate) {
                self.used.push(candidate.clone());
                return candidate;
            }
            n += 1;
        }
    }

    /// A given name already on the table: 42710.
    pub fn check_given(&self, given: Option<&String>) -> Result<()> {
        if let Some(g) = given
            && self.used.contains(g)
        {
            return Err(SqlError::new(
                sqlstate::DUPLICATE_OBJECT,
                format!(
                    "constraint \"{g}\" for relation \"{}\" already exists",
                    self.table
                ),
            ));
        }
        Ok(())
    }

    fn push(&mut self, name: String, sql: String) {
        self.names.push(name);
        self.sql.push(sql);
    }

    pub fn primary_key(
        &mut self,
        given: Option<String>,
        cols: Vec<String>,
        pos: Option<usize>,
    ) -> Result<()> {
        if self.primary.is_some() {
            return Err(multiple_pk(&self.table).at(pos));
        }
        self.check_given(given.as_ref())?;
        let name = self.name_for(given, None, "pkey");
        self.push(
            name.clone(),
            format!(
                "CONSTRAINT {} PRIMARY KEY ({})",
                quote_sqlite(&name),
                quoted_list(&cols)
            ),
        );
        self.not_null.extend(cols.iter().cloned());
        self.keys.push(cols.clone());
        self.primary = Some(cols);
        Ok(())
    }

    pub fn unique(&mut self, given: Option<String>, cols: Vec<String>) -> Result<()> {
        self.check_given(given.as_ref())?;
        let name = self.name_for(given, Some(&cols.join("_")), "key");
        self.push(
            name.clone(),
            format!(
                "CONSTRAINT {} UNIQUE ({})",
                quote_sqlite(&name),
                quoted_list(&cols)
            ),
        );
        self.keys.push(cols);
        Ok(())
    }

    pub fn check(&mut self, given: Option<String>, col: Option<&str>, sql: &str) -> Result<String> {
        self.check_given(given.as_ref())?;
        let name = self.name_for(given, col, "check");
        self.push(
            name.clone(),
            format!("CONSTRAINT {} CHECK ({sql})", quote_sqlite(&name)),
        );
        Ok(name)
    }

    pub fn foreign(&mut self, name: String, sql: String) {
        self.push(name, sql);
    }
}

/// A column as SQLite declares it: storage class, NOT NULL, default, the type's collation.
pub(super) fn column_decl(name: &str, ty: Type, not_null: bool, default: Option<&str>) -> String {
    let mut decl = format!("{} {}", quote_sqlite(name), storage_decl(ty));
    if not_null {
        decl.push_str(" NOT NULL");
    }
    if let Some(d) = default {
        decl.push_str(&format!(" DEFAULT ({d})"));
    }
    if let Some(coll) = ty.info().collation {
        decl.push_str(&format!(" COLLATE {coll}"));
    }
    decl
}

/// The PostgreSQL text of a serial column's default: `nextval('t_id_seq')`, the sequence
/// qualified outside `public`. (PostgreSQL writes `nextval('t_id_seq'::regclass)`; this
/// becomes that once `regclass` reads names — see `func::host::SEQUENCE_ARG`.)
pub(super) fn serial_default_text(schema: &str, sequence: &str) -> String {
    let quote = |n: &str| crate::types::text::strings::quote_identifier(n).replace('\'', "''");
    if schema == "public" {
        format!("nextval('{}')", quote(sequence))
    } else {
        format!("nextval('{}.{}')", quote(schema), quote(sequence))
    }
}

/// Can a foreign key column of type `fk` reference a key of type `pk` (PostgreSQL needs an
/// equality operator between them)?
fn comparable_key_types(fk: Type, pk: Type) -> bool {
    let int = |t: Type| matches!(t, Type::INT2 | Type::INT4 | Type::INT8);
    fk == pk
        || (int(fk) && int(pk))
        || super::coerce::find_cast(fk, pk, CastContext::Implicit)
            .is_some_and(|h| matches!(h, crate::ir::CastHow::Binary))
        || (super::coerce::is_string_type(fk) && super::coerce::is_string_type(pk))
}

/// The columns a relation made from a query's output gets (CREATE TABLE AS, CREATE VIEW):
/// named by `aliases` first, then as the query names them; unknown-typed ones are text. 42701
/// when two end up with the same name; 42P16 for a pseudo-type (`void`, `record`), as
/// PostgreSQL's CheckAttributeType.
fn query_columns(output: &[OutColumn], aliases: &[String]) -> Result<Vec<RelColumn>> {
    let mut columns: Vec<RelColumn> = Vec::with_capacity(output.len());
    for (i, c) in output.iter().enumerate() {
        let name = aliases.get(i).cloned().unwrap_or_else(|| c.name.clone());
        if columns.iter().any(|x| x.name == name) {
            return Err(SqlError::new(
                sqlstate::DUPLICATE_COLUMN,
                format!("column \"{name}\" specified more than once"),
            ));
        }
        let ty = if c.ty == Type::UNKNOWN {
            Type::TEXT
        } else {
            c.ty
        };
        if ty.is_pseudo() {
            return Err(SqlError::new(
                sqlstate::INVALID_TABLE_DEFINITION,
                format!("column \"{name}\" has pseudo-type {}", ty.name()),
            ));
        }
        columns.push(RelColumn::new(name, ty, c.typmod));
    }
    Ok(columns)
}

/// `WITH (storage_parameter = value, …)`: accepted (SQLite has no such knobs) when
/// PostgreSQL knows the parameter and the value is in range.
pub(super) fn check_storage_options(options: &ast::CreateTableOptions) -> Result<()> {
    let list = match options {
        ast::CreateTableOptions::With(l) => l,
        _ => return Ok(()),
    };
    check_storage_parameters(list)
}

pub(super) fn check_storage_parameters(list: &[ast::SqlOption]) -> Result<()> {
    const KNOWN: &[&str] = &[
        "fillfactor",
        "toast_tuple_target",
        "parallel_workers",
        "autovacuum_enabled",
        "vacuum_index_cleanup",
        "vacuum_truncate",
        "autovacuum_vacuum_threshold",
        "autovacuum_vacuum_scale_factor",
        "autovacuum_vacuum_insert_threshold",
        "autovacuum_vacuum_insert_scale_factor",
        "autovacuum_analyze_threshold",
        "autovacuum_analyze_scale_factor",
        "autovacuum_vacuum_cost_delay",
        "autovacuum_vacuum_cost_limit",
        "autovacuum_freeze_min_age",
        "autovacuum_freeze_max_age",
        "autovacuum_freeze_table_age",
        "autovacuum_multixact_freeze_min_age",
        "autovacuum_multixact_freeze_max_age",
        "autovacuum_multixact_freeze_table_age",
        "log_autovacuum_min_duration",
        "user_catalog_table",
    ];
    for o in list {
        let (key, value) = match o {
            ast::SqlOption::KeyValue { key, value } => {
                (key.to_string().to_lowercase(), Some(value))
            }
            ast::SqlOption::Ident(n) => (n.to_string().to_lowercase(), None),
            _ => return Err(SqlError::syntax("syntax error in storage parameters")),
        };
        let bare = key.strip_prefix("toast.").unwrap_or(&key);
        if !KNOWN.contains(&bare) {
            return Err(SqlError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                format!("unrecognized parameter \"{key}\""),
            ));
        }
        if bare == "fillfactor" {
            let v = value.map(ToString::to_string).unwrap_or_default();
            let n: i64 = v.parse().map_err(|_| {
                SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    format!("invalid value for integer option \"fillfactor\": {v}"),
                )
            })?;
            if !(10..=100).contains(&n) {
                return Err(SqlError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    format!("value {n} out of bounds for option \"fillfactor\""),
                )
                .with_detail("Valid values are between \"10\" and \"100\"."));
            }
        }
    }
    Ok(())
}

fn both_default_and_identity(column: &str, table: &str) -> SqlError {
    SqlError::syntax(format!(
        "both default and identity specified for column \"{column}\" of table \"{table}\""
    ))
}

/// The constant names `nextval` is called with in `x` (the text constant inside its argument,
/// whether the argument is the text itself or a conversion of it to `regclass`).
fn collect_nextval_names(x: &Expr, out: &mut Vec<String>) {
    fn first_text(x: &Expr) -> Option<String> {
        if let crate::ir::ExprKind::Const(crate::Value::Text(t)) = &x.kind {
            return Some(t.clone());
        }
        let mut found = None;
        x.for_each_child(&mut |c| {
            if found.is_none() {
                found = first_text(c);
            }
        });
        found
    }
    if let crate::ir::ExprKind::Call { func, args, .. } = &x.kind
        && matches!(func.imp, crate::func::Imp::Host { symbol } if symbol == crate::func::host::symbol::NEXTVAL)
        && let Some(t) = args.first().and_then(first_text)
    {
        out.push(t);
    }
    x.for_each_child(&mut |c| collect_nextval_names(c, out));
}

pub(super) fn multiple_pk(table: &str) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_TABLE_DEFINITION,
        format!("multiple primary keys for table \"{table}\" are not allowed"),
    )
}

pub(super) fn not_a_table(name: &str) -> SqlError {
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
pub(super) fn first_column(e: &ast::Expr, columns: &[RelColumn]) -> Option<String> {
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
