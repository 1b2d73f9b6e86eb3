//! INSERT, UPDATE and DELETE: target columns, values coerced to the columns' types in
//! assignment context (with their typmods), DEFAULT, ON CONFLICT, UPDATE … FROM, DELETE … USING,
//! and RETURNING.

use sqlparser::ast::{self, Spanned};

use super::names::figure_colname;
use super::query::out_column;
use super::{Analyzer, Clause, Level, ident, object_name};
use crate::catalog::{Identity, RelKind, Relation};
use crate::emit;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::CastContext;
use crate::ir::{
    Expr, ExprKind, InsertSource, Modify, ModifyKind, OnConflict, OutColumn, Query, QueryBody, Rte,
    RteColumn, RteSource,
};
use crate::plan::{Command, Plan, QueryPlan};

impl Analyzer<'_> {
    fn target_table(&mut self, name: &ast::ObjectName, verb: &str) -> Result<Relation> {
        let pos = self.pos(name.span());
        let parts = object_name(name);
        let (schema, rel) = match parts.as_slice() {
            [n] => (None, n.clone()),
            [s, n] | [_, s, n] => (Some(s.clone()), n.clone()),
            _ => return Err(SqlError::syntax("improper qualified name").at(pos)),
        };
        let known = self.relations_used.len();
        let r = self.lookup_relation(schema.as_deref(), &rel, pos)?;
        // The target is written, not read (a later mention of it in FROM or a subquery reads
        // it); `access` says whether the statement reads it too.
        if self.relations_used.len() > known {
            self.relations_used.pop();
        }
        self.write_target = Some(r.oid);
        if r.kind == RelKind::Sequence {
            return Err(SqlError::new(
                sqlstate::WRONG_OBJECT_TYPE,
                format!("cannot change sequence \"{}\"", r.name),
            ));
        }
        if r.kind != RelKind::Table || r.system {
            let what = if r.kind == RelKind::View {
                "view"
            } else {
                "relation"
            };
            return Err(SqlError::new(
                sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
                format!("cannot {verb} {what} \"{}\"", r.name),
            )
            .at(pos));
        }
        Ok(r)
    }

    /// Pushes a level holding the target table under `visible` (its SQLite alias is returned).
    fn push_target(&mut self, rel: &Relation, visible: &str, qualify: bool) -> String {
        let alias = self.alias_for(visible);
        let columns = RteColumn::of_table(&rel.columns);
        let mut level = Level::default();
        let star: Vec<(String, Expr)> = columns
            .iter()
            .enumerate()
            .map(|(ci, c)| {
                let qualifier = qualify.then(|| alias.clone());
                (c.name.clone(), Expr::column(0, 0, ci, c, qualifier, None))
            })
            .collect();
        level.star = star.clone();
        level.star_of.push(star);
        level.rtable.push(Rte {
            alias: alias.clone(),
            source: RteSource::Table(rel.sqlite_name.clone()),
            columns,
            table_oid: rel.oid,
        });
        level.names.push(Some(visible.to_string()));
        self.levels.push(level);
        alias
    }

    /// The default of column `i` (NULL when it has none), analyzed.
    fn default_value(&mut self, rel: &Relation, i: usize) -> Result<Expr> {
        let c = &rel.columns[i];
        let Some(text) = c.default.clone() else {
            return Ok(Expr::null(c.ty));
        };
        let (ty, typmod) = (c.ty, c.typmod);
        let parsed = parse_expr(&text)?;
        self.levels.push(Level::default());
        let x = self.expr(&parsed, Clause::Default);
        self.levels.pop();
        self.coerce(x?, ty, typmod, CastContext::Assignment, None)
    }

    /// Coerces a value for column `col` of `rel` (assignment rules, typmod).
    fn assign(&mut self, rel: &Relation, col: usize, x: Expr, pos: Option<usize>) -> Result<Expr> {
        let c = &rel.columns[col];
        let (ty, typmod, name) = (c.ty, c.typmod, c.name.clone());
        let from = x.ty;
        self.coerce_assignment(x, ty, typmod, pos, || {
            SqlError::new(
                sqlstate::DATATYPE_MISMATCH,
                format!(
                    "column \"{name}\" is of type {} but expression is of type {}",
                    crate::types::format_type(ty, -1),
                    crate::types::format_type(from, -1)
                ),
            )
            .with_hint("You will need to rewrite or cast the expression.")
            .at(pos)
        })
    }

    fn column_index(&self, rel: &Relation, name: &str, pos: Option<usize>) -> Result<usize> {
        rel.columns
            .iter()
            .position(|c| c.name == name)
            .ok_or_else(|| {
                SqlError::new(
                    sqlstate::UNDEFINED_COLUMN,
                    format!(
                        "column \"{name}\" of relation \"{}\" does not exist",
                        rel.name
                    ),
                )
                .at(pos)
            })
    }

    pub(super) fn insert(&mut self, ins: &ast::Insert) -> Result<Plan> {
        let ast::TableObject::TableName(name) = &ins.table else {
            return Err(SqlError::not_supported(
                "INSERT INTO a function is not supported",
            ));
        };
        let (ctes, recursive) = (Vec::new(), false);
        let rel = self.target_table(name, "insert into")?;
        let visible = ins
            .table_alias
            .as_ref()
            .map(|a| ident(&a.alias))
            .unwrap_or_else(|| rel.name.clone());
        // Target columns.
        let mut cols: Vec<usize> = Vec::new();
        if ins.columns.is_empty() {
            cols = (0..rel.columns.len()).collect();
        } else {
            for c in &ins.columns {
                let n = object_name(c).last().cloned().unwrap_or_default();
                let pos = self.pos(c.span());
                let i = self.column_index(&rel, &n, pos)?;
                if cols.contains(&i) {
                    return Err(SqlError::new(
                        sqlstate::DUPLICATE_COLUMN,
                        format!("column \"{n}\" specified more than once"),
                    )
                    .at(pos));
                }
                cols.push(i);
            }
        }
        let mut source = match &ins.source {
            None => None,
            Some(q) => Some(self.insert_source(&rel, &mut cols, q, !ins.columns.is_empty())?),
        };
        self.identity_rules(&rel, &cols, ins, source.as_mut())?;
        let alias = self.push_target(&rel, &visible, true);
        let result = (|| -> Result<(Option<OnConflict>, Vec<Expr>, Vec<OutColumn>)> {
            let on_conflict = match &ins.on {
                Some(ast::OnInsert::OnConflict(oc)) => Some(self.on_conflict(&rel, oc)?),
                Some(_) => {
                    return Err(SqlError::not_supported("ON DUPLICATE KEY is not supported"));
                }
                None => None,
            };
            let (returning, returning_columns) = self.returning(ins.returning.as_deref())?;
            Ok((on_conflict, returning, returning_columns))
        })();
        self.levels.pop();
        let (on_conflict, returning, returning_columns) = result?;
        let m = Modify {
            kind: ModifyKind::Insert,
            ctes,
            recursive,
            table: rel.sqlite_name.clone(),
            alias: Some(alias),
            columns: cols.iter().map(|&i| rel.columns[i].name.clone()).collect(),
            source,
            values: Vec::new(),
            from_rtable: Vec::new(),
            from: Vec::new(),
            where_: None,
            on_conflict,
            returning,
            returning_columns,
        };
        // Omitted columns take SQLite's DEFAULT clauses, which may call nextval.
        let defaults_advance = rel.columns.iter().any(|c| {
            c.identity.is_some() || c.default.as_deref().is_some_and(|d| d.contains("nextval"))
        });
        self.modify_plan(m, Command::Insert, defaults_advance)
    }

    fn insert_source(
        &mut self,
        rel: &Relation,
        cols: &mut Vec<usize>,
        q: &ast::Query,
        explicit_columns: bool,
    ) -> Result<InsertSource> {
        let simple_values = q.with.is_none()
            && q.order_by.is_none()
            && q.limit_clause.is_none()
            && matches!(&*q.body, ast::SetExpr::Values(_));
        if let (true, ast::SetExpr::Values(v)) = (simple_values, &*q.body) {
            let width = v.rows.first().map_or(0, |r| r.len());
            if width > cols.len() {
                let pos = v
                    .rows
                    .first()
                    .and_then(|r| r.get(cols.len()))
                    .and_then(|e| self.expr_pos(e));
                return Err(
                    SqlError::syntax("INSERT has more expressions than target columns").at(pos),
                );
            }
            if width < cols.len() {
                if explicit_columns {
                    let pos = self.pos(q.span());
                    return Err(SqlError::syntax(
                        "INSERT has more target columns than expressions",
                    )
                    .at(pos));
                }
                cols.truncate(width);
            }
            let mut rows = Vec::with_capacity(v.rows.len());
            self.levels.push(Level::default());
            let r = (|| -> Result<()> {
                for row in &v.rows {
                    if row.len() != width {
                        return Err(SqlError::syntax("VALUES lists must all be the same length")
                            .at(row.first().and_then(|e| self.expr_pos(e))));
                    }
                    let mut out = Vec::with_capacity(width);
                    for (e, &ci) in row.iter().zip(cols.iter()) {
                        let pos = self.expr_pos(e);
                        let x = if is_default(e) {
                            self.default_value(rel, ci)?
                        } else {
                            let x = self.expr(e, Clause::Values)?;
                            self.assign(rel, ci, x, pos)?
                        };
                        out.push(x);
                    }
                    rows.push(out);
                }
                Ok(())
            })();
            self.levels.pop();
            r?;
            return Ok(InsertSource::Values(rows));
        }
        self.insert_source = true;
        let query = self.query(q);
        self.insert_source = false;
        let mut query = query?;
        let n = query.columns.len();
        if n > cols.len() {
            return Err(SqlError::syntax(
                "INSERT has more expressions than target columns",
            ));
        }
        if n < cols.len() {
            if explicit_columns {
                return Err(SqlError::syntax(
                    "INSERT has more target columns than expressions",
                ));
            }
            cols.truncate(n);
        }
        for (i, &ci) in cols.iter().enumerate() {
            let c = &rel.columns[ci];
            let (ty, typmod) = (c.ty, c.typmod);
            let mut err = None;
            let env = self.env;
            let params = &mut self.params;
            super::query::map_targets(&mut query, i, &mut |e: Expr| match super::coerce::coerce(
                env,
                params,
                e.clone(),
                ty,
                typmod,
                CastContext::Assignment,
                None,
            ) {
                Ok(x) => x,
                Err(x) => {
                    err = Some(x);
                    e
                }
            });
            if let Some(e) = err {
                let name = rel.columns[ci].name.clone();
                return Err(if e.sqlstate == sqlstate::DATATYPE_MISMATCH {
                    SqlError::new(
                        sqlstate::DATATYPE_MISMATCH,
                        format!(
                            "column \"{name}\" is of type {} but expression is of type {}",
                            crate::types::format_type(ty, -1),
                            crate::types::format_type(query.columns[i].ty, -1)
                        ),
                    )
                    .with_hint("You will need to rewrite or cast the expression.")
                } else {
                    e
                });
            }
        }
        Ok(InsertSource::Query(Box::new(query)))
    }

    /// PostgreSQL's rules for identity columns given a value: GENERATED ALWAYS refuses one
    /// (428C9) unless every row says DEFAULT or the statement says OVERRIDING SYSTEM VALUE;
    /// OVERRIDING USER VALUE replaces the values given by the sequence's.
    fn identity_rules(
        &mut self,
        rel: &Relation,
        cols: &[usize],
        ins: &ast::Insert,
        source: Option<&mut InsertSource>,
    ) -> Result<()> {
        let Some(source) = source else {
            return Ok(());
        };
        for (k, &ci) in cols.iter().enumerate() {
            let Some(identity) = rel.columns[ci].identity else {
                continue;
            };
            match ins.overriding {
                Some(ast::InsertOverriding::System) => {}
                Some(ast::InsertOverriding::User) => match source {
                    InsertSource::Values(rows) => {
                        for row in rows.iter_mut() {
                            if let Some(x) = row.get_mut(k) {
                                *x = self.default_value(rel, ci)?;
                            }
                        }
                    }
                    InsertSource::Query(q) => {
                        let default = self.default_value(rel, ci)?;
                        super::query::map_targets(q, k, &mut |_| default.clone());
                    }
                },
                None if identity == Identity::Always => {
                    let all_default = match ins.source.as_deref().map(|q| q.body.as_ref()) {
                        Some(ast::SetExpr::Values(v)) => {
                            v.rows.iter().all(|r| r.get(k).is_some_and(is_default))
                        }
                        _ => false,
                    };
                    if !all_default {
                        let name = &rel.columns[ci].name;
                        return Err(SqlError::new(
                            sqlstate::GENERATED_ALWAYS,
                            format!("cannot insert a non-DEFAULT value into column \"{name}\""),
                        )
                        .with_detail(format!(
                            "Column \"{name}\" is an identity column defined as GENERATED ALWAYS."
                        ))
                        .with_hint("Use OVERRIDING SYSTEM VALUE to override."));
                    }
                }
                None => {}
            }
        }
        Ok(())
    }

    fn on_conflict(&mut self, rel: &Relation, oc: &ast::OnConflict) -> Result<OnConflict> {
        let mut target = Vec::new();
        let mut target_where = None;
        match &oc.conflict_target {
            Some(ast::ConflictTarget::Columns { columns, predicate }) => {
                for c in columns {
                    let n = ident(c);
                    let pos = self.pos(c.span);
                    self.column_index(rel, &n, pos)?;
                    target.push(n);
                }
                if let Some(p) = predicate {
                    target_where = Some(self.condition(p, Clause::Where, "WHERE")?);
                }
            }
            Some(ast::ConflictTarget::OnConstraint(_)) => {
                return Err(
                    SqlError::not_supported("ON CONFLICT ON CONSTRAINT is not supported")
                        .with_hint("Name the conflict columns instead."),
                );
            }
            None => {}
        }
        let update = match &oc.action {
            ast::OnConflictAction::DoNothing => None,
            ast::OnConflictAction::DoUpdate(du) => {
                if target.is_empty() {
                    return Err(SqlError::syntax(
                        "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                    )
                    .with_hint("For example, ON CONFLICT (column_name)."));
                }
                // `excluded` is the proposed row.
                let columns = self
                    .levels
                    .last()
                    .map(|l| l.rtable[0].columns.clone())
                    .unwrap_or_default();
                let lv = self.level();
                let star: Vec<(String, Expr)> = Vec::new();
                lv.star_of.push(star);
                lv.rtable.push(Rte {
                    alias: "excluded".into(),
                    source: RteSource::Table(rel.sqlite_name.clone()),
                    columns,
                    table_oid: 0,
                });
                lv.names.push(Some("excluded".into()));
                let sets = self.assignments(rel, &du.assignments)?;
                let where_ = match &du.selection {
                    Some(w) => Some(self.condition(w, Clause::Where, "WHERE")?),
                    None => None,
                };
                let lv = self.level();
                lv.rtable.pop();
                lv.names.pop();
                lv.star_of.pop();
                Some((sets, where_))
            }
        };
        Ok(OnConflict {
            target,
            target_where,
            update,
        })
    }

    fn assignments(
        &mut self,
        rel: &Relation,
        sets: &[ast::Assignment],
    ) -> Result<Vec<(String, Expr)>> {
        let mut out: Vec<(String, Expr)> = Vec::new();
        for a in sets {
            match &a.target {
                ast::AssignmentTarget::ColumnName(n) => {
                    let name = object_name(n).last().cloned().unwrap_or_default();
                    let pos = self.pos(n.span());
                    let ci = self.column_index(rel, &name, pos)?;
                    if out.iter().any(|(c, _)| *c == name) {
                        return Err(SqlError::new(
                            sqlstate::DUPLICATE_COLUMN,
                            format!("multiple assignments to same column \"{name}\""),
                        )
                        .at(pos));
                    }
                    let vpos = self.expr_pos(&a.value);
                    let x = if is_default(&a.value) {
                        self.default_value(rel, ci)?
                    } else {
                        only_default(rel, ci)?;
                        let x = self.expr(&a.value, Clause::UpdateSet)?;
                        self.assign(rel, ci, x, vpos)?
                    };
                    out.push((name, x));
                }
                ast::AssignmentTarget::Tuple(names) => {
                    let ast::Expr::Tuple(values) = strip(&a.value) else {
                        return Err(SqlError::not_supported(
                            "a multiple-column assignment needs a row of values",
                        ));
                    };
                    if names.len() != values.len() {
                        return Err(SqlError::syntax(
                            "number of columns does not match number of values",
                        ));
                    }
                    for (n, v) in names.iter().zip(values) {
                        let name = object_name(n).last().cloned().unwrap_or_default();
                        let pos = self.pos(n.span());
                        let ci = self.column_index(rel, &name, pos)?;
                        let vpos = self.expr_pos(v);
                        let x = if is_default(v) {
                            self.default_value(rel, ci)?
                        } else {
                            only_default(rel, ci)?;
                            let x = self.expr(v, Clause::UpdateSet)?;
                            self.assign(rel, ci, x, vpos)?
                        };
                        out.push((name, x));
                    }
                }
            }
        }
        Ok(out)
    }

    /// RETURNING over the target (the current level): SQLite reads the target's columns there
    /// by bare name.
    fn returning(
        &mut self,
        items: Option<&[ast::SelectItem]>,
    ) -> Result<(Vec<Expr>, Vec<OutColumn>)> {
        let Some(items) = items else {
            return Ok((Vec::new(), Vec::new()));
        };
        let mut exprs = Vec::new();
        let mut cols = Vec::new();
        for item in items {
            match item {
                ast::SelectItem::UnnamedExpr(e) => {
                    let x = self.expr(e, Clause::Returning)?;
                    let x = self.resolve_unknown(x)?;
                    cols.push(returning_column(
                        figure_colname(e).unwrap_or_else(|| "?column?".into()),
                        &x,
                        self.levels.last(),
                    ));
                    exprs.push(x);
                }
                ast::SelectItem::ExprWithAlias { expr, alias } => {
                    let x = self.expr(expr, Clause::Returning)?;
                    let x = self.resolve_unknown(x)?;
                    cols.push(returning_column(ident(alias), &x, self.levels.last()));
                    exprs.push(x);
                }
                ast::SelectItem::Wildcard(_) | ast::SelectItem::QualifiedWildcard(..) => {
                    let star = self.level().star_of.first().cloned().unwrap_or_default();
                    for (n, x) in star {
                        cols.push(returning_column(n, &x, self.levels.last()));
                        exprs.push(x);
                    }
                }
                ast::SelectItem::ExprWithAliases { .. } => {
                    return Err(SqlError::not_supported(
                        "multiple aliases are not supported",
                    ));
                }
            }
        }
        for x in &exprs {
            if references_other_items(x) {
                return Err(SqlError::not_supported(
                    "RETURNING may only refer to the target table's columns in minipg",
                ));
            }
        }
        for x in &mut exprs {
            unqualify(x);
        }
        Ok((exprs, cols))
    }

    pub(super) fn update(&mut self, u: &ast::Update) -> Result<Plan> {
        let ast::TableFactor::Table { name, alias, .. } = &u.table.relation else {
            return Err(SqlError::not_supported(
                "UPDATE of this target is not supported",
            ));
        };
        if !u.table.joins.is_empty() {
            return Err(SqlError::not_supported(
                "UPDATE with joins in the target is not supported",
            ));
        }
        let from: &[ast::TableWithJoins] = match &u.from {
            Some(
                ast::UpdateTableFromKind::BeforeSet(v) | ast::UpdateTableFromKind::AfterSet(v),
            ) => v,
            None => &[],
        };
        let target = Target {
            name,
            alias: alias.as_ref(),
            kind: ModifyKind::Update,
        };
        self.update_or_delete(
            target,
            from,
            &u.assignments,
            u.selection.as_ref(),
            u.returning.as_deref(),
        )
    }

    pub(super) fn delete(&mut self, d: &ast::Delete) -> Result<Plan> {
        let tables = match &d.from {
            ast::FromTable::WithFromKeyword(t) | ast::FromTable::WithoutKeyword(t) => t,
        };
        let [twj] = tables.as_slice() else {
            return Err(SqlError::not_supported(
                "DELETE from several tables is not supported",
            ));
        };
        let ast::TableFactor::Table { name, alias, .. } = &twj.relation else {
            return Err(SqlError::not_supported(
                "DELETE of this target is not supported",
            ));
        };
        let target = Target {
            name,
            alias: alias.as_ref(),
            kind: ModifyKind::Delete,
        };
        let using = d.using.as_deref().unwrap_or(&[]);
        self.update_or_delete(
            target,
            using,
            &[],
            d.selection.as_ref(),
            d.returning.as_deref(),
        )
    }

    /// UPDATE or DELETE of `target`, with the other tables of FROM or USING (`from`), the SET
    /// list (UPDATE's `assignments`), WHERE and RETURNING.
    fn update_or_delete(
        &mut self,
        target: Target<'_>,
        from: &[ast::TableWithJoins],
        assignments: &[ast::Assignment],
        selection: Option<&ast::Expr>,
        returning: Option<&[ast::SelectItem]>,
    ) -> Result<Plan> {
        let (verb, command) = match target.kind {
            ModifyKind::Update => ("update", Command::Update),
            _ => ("delete from", Command::Delete),
        };
        let rel = self.target_table(target.name, verb)?;
        let visible = target
            .alias
            .map(|a| ident(&a.name))
            .unwrap_or_else(|| rel.name.clone());
        let alias = self.push_target(&rel, &visible, true);
        let result = (|| -> Result<Modify> {
            let from = from
                .iter()
                .map(|twj| self.table_with_joins(twj))
                .collect::<Result<Vec<_>>>()?;
            let sets = self.assignments(&rel, assignments)?;
            let where_ = match selection {
                Some(w) => Some(self.condition(w, Clause::Where, "WHERE")?),
                None => None,
            };
            let (returning, returning_columns) = self.returning(returning)?;
            let lv = self.level();
            let from_rtable: Vec<Rte> = lv.rtable.drain(1..).collect();
            let (columns, values): (Vec<String>, Vec<Expr>) = sets.into_iter().unzip();
            Ok(Modify {
                kind: target.kind,
                ctes: Vec::new(),
                recursive: false,
                table: rel.sqlite_name.clone(),
                alias: Some(alias),
                columns,
                source: None,
                values,
                from_rtable,
                from,
                where_,
                on_conflict: None,
                returning,
                returning_columns,
            })
        })();
        self.levels.pop();
        self.modify_plan(result?, command, false)
    }

    fn modify_plan(&mut self, m: Modify, command: Command, defaults_advance: bool) -> Result<Plan> {
        let params = self.finish_params()?;
        let sqlite = emit::modify(&m);
        let mut reads = self.relations_used.clone();
        let reads_target = m.where_.is_some() || !m.returning.is_empty() || m.on_conflict.is_some();
        if let Some(target) = self.write_target
            && reads_target
            && !reads.contains(&target)
        {
            reads.insert(0, target);
        }
        let access = crate::plan::Access {
            reads,
            write: self.write_target.map(|t| (t, command)),
            upsert: m.on_conflict.as_ref().is_some_and(|c| c.update.is_some()),
        };
        Ok(Plan::Query(QueryPlan {
            access,
            advances_sequences: defaults_advance || super::query::calls_sequence_writer(&sqlite),
            sqlite,
            command,
            columns: m.returning_columns,
            params,
        }))
    }
}

/// The table an UPDATE or DELETE changes, as written.
struct Target<'a> {
    name: &'a ast::ObjectName,
    alias: Option<&'a ast::TableAlias>,
    /// Update or Delete.
    kind: ModifyKind,
}

/// A RETURNING column: only the target (the level's first entry) names its table column.
fn returning_column(name: String, x: &Expr, level: Option<&Level>) -> OutColumn {
    let target = level.map_or(&[][..], |l| &l.rtable[..l.rtable.len().min(1)]);
    out_column(name, x, target)
}

/// Target-table references in RETURNING are read by bare column name.
fn unqualify(x: &mut Expr) {
    match &mut x.kind {
        ExprKind::Column(c) if c.level == 0 => c.qualifier = None,
        _ => x.for_each_child_mut(&mut unqualify),
    }
}

/// Does `x` read a FROM item of its level other than the target (UPDATE … FROM, USING)?
fn references_other_items(x: &Expr) -> bool {
    if let ExprKind::Column(c) = &x.kind {
        return c.level == 0 && c.rte != 0;
    }
    let mut found = false;
    x.for_each_child(&mut |c| found |= references_other_items(c));
    found
}

/// An identity column GENERATED ALWAYS can only be updated to DEFAULT (428C9).
fn only_default(rel: &Relation, ci: usize) -> Result<()> {
    let c = &rel.columns[ci];
    if c.identity == Some(Identity::Always) {
        return Err(SqlError::new(
            sqlstate::GENERATED_ALWAYS,
            format!("column \"{}\" can only be updated to DEFAULT", c.name),
        )
        .with_detail(format!(
            "Column \"{}\" is an identity column defined as GENERATED ALWAYS.",
            c.name
        )));
    }
    Ok(())
}

fn is_default(e: &ast::Expr) -> bool {
    matches!(e, ast::Expr::Identifier(i) if i.quote_style.is_none() && i.value.eq_ignore_ascii_case("default"))
}

fn strip(e: &ast::Expr) -> &ast::Expr {
    match e {
        ast::Expr::Nested(inner) => strip(inner),
        other => other,
    }
}

/// Parses a stored expression (a column default).
pub(crate) fn parse_expr(text: &str) -> Result<ast::Expr> {
    let sql = format!("SELECT {text}");
    let parsed = crate::parse::parse(&sql)?;
    let Some(p) = parsed.into_iter().next() else {
        return Err(SqlError::internal("empty default expression"));
    };
    if let crate::parse::Stmt::Ast(stmt) = p.stmt
        && let ast::Statement::Query(q) = *stmt
        && let ast::SetExpr::Select(s) = *q.body
        && let Some(ast::SelectItem::UnnamedExpr(e)) = s.projection.into_iter().next()
    {
        return Ok(e);
    }
    Err(SqlError::internal(format!("bad stored expression: {text}")))
}

#[allow(dead_code)]
fn query_of(q: &Query) -> &QueryBody {
    &q.body
}
