//! Queries: SELECT (FROM, joins, WHERE, the select list, GROUP BY, HAVING, windows, DISTINCT),
//! VALUES, UNION/INTERSECT/EXCEPT, WITH (recursive too), ORDER BY and LIMIT/OFFSET, with
//! PostgreSQL's rules for each: output column names, `*` expansion, USING-merged columns,
//! ORDER BY by position or output name, grouping checks, set-returning functions in the select
//! list (moved into FROM, as PostgreSQL's evaluation order gives the same rows).

use sqlparser::ast::{self, Spanned};

use super::coerce::common_type;
use super::expr::sort_key;
use super::names::figure_colname;
use super::resolve::{function_error, resolve};
use super::{Analyzer, Clause, CteDef, Level, grouping, ident, object_name};
use crate::catalog::RelKind;
use crate::emit;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::{CastContext, Imp, Kind};
use crate::ir::{
    Cte, Expr, ExprKind, FromItem, JoinKind, OutColumn, Query, QueryBody, Rte, RteColumn,
    RteSource, Select, SetOp, SortKey,
};
use crate::plan::{Command, Plan, QueryPlan};
use crate::types::Type;
use crate::value::Value;

impl Analyzer<'_> {
    /// A SELECT/VALUES statement.
    pub(super) fn select_statement(&mut self, q: &ast::Query) -> Result<Plan> {
        if let ast::SetExpr::Select(s) = q.body.as_ref()
            && let Some(into) = &s.into
        {
            return self.select_into(q, into);
        }
        let query = self.query(q)?;
        let params = self.finish_params()?;
        let sqlite = emit::output_query(&query);
        Ok(Plan::Query(QueryPlan {
            access: crate::plan::Access {
                reads: self.relations_used.clone(),
                ..Default::default()
            },
            advances_sequences: calls_sequence_writer(&sqlite),
            sqlite,
            command: Command::Select,
            columns: query.columns,
            params,
        }))
    }

    /// A subquery in an expression or in FROM.
    pub fn subquery(&mut self, q: &ast::Query) -> Result<Query> {
        self.query(q)
    }

    pub fn query(&mut self, q: &ast::Query) -> Result<Query> {
        self.nested(|a| a.query_inner(q))
    }

    fn query_inner(&mut self, q: &ast::Query) -> Result<Query> {
        // Only the INSERT source's own select list keeps unknown outputs (for the columns).
        let insert_source = std::mem::take(&mut self.insert_source);
        if !q.locks.is_empty() {
            // FOR UPDATE/SHARE: SQLite's write lock covers it (a no-op here).
        }
        let (ctes, recursive) = match &q.with {
            Some(w) => self.with_clause(w)?,
            None => (Vec::new(), false),
        };
        let pushed = q.with.is_some();
        self.insert_source = insert_source;
        let result = self.query_body(q);
        self.insert_source = false;
        if pushed {
            self.ctes.pop();
        }
        let mut query = result?;
        if !ctes.is_empty() {
            if !query.ctes.is_empty() {
                query = wrap(query);
            }
            query.ctes = ctes;
            query.recursive = recursive;
        }
        Ok(query)
    }

    fn query_body(&mut self, q: &ast::Query) -> Result<Query> {
        let order_by: Vec<&ast::OrderByExpr> = match &q.order_by {
            Some(o) => match &o.kind {
                ast::OrderByKind::Expressions(v) => v.iter().collect(),
                ast::OrderByKind::All(_) => {
                    return Err(SqlError::syntax("syntax error at or near \"ALL\""));
                }
            },
            None => Vec::new(),
        };
        let mut query = match &*q.body {
            ast::SetExpr::Select(s) => {
                let resolve = !std::mem::take(&mut self.insert_source);
                self.levels.push(Level::default());
                let r = self.select(s, &order_by, resolve);
                self.levels.pop();
                r?
            }
            other => {
                let mut inner = self.set_expr(other)?;
                if !order_by.is_empty() {
                    if !inner.order_by.is_empty() || inner.limit.is_some() || inner.offset.is_some()
                    {
                        inner = wrap(inner);
                    }
                    inner.order_by = self.output_order_by(&inner, &order_by)?;
                }
                inner
            }
        };
        let (limit, offset) = self.limit_offset(q)?;
        if limit.is_some() || offset.is_some() {
            if query.limit.is_some() || query.offset.is_some() {
                query = wrap(query);
            }
            query.limit = limit;
            query.offset = offset;
        }
        Ok(query)
    }

    /// A set expression that is not a plain SELECT with this query's ORDER BY (a set
    /// operation's branch: unknown-typed outputs stay unknown until the branches agree).
    fn set_expr(&mut self, e: &ast::SetExpr) -> Result<Query> {
        match e {
            ast::SetExpr::Select(s) => {
                self.levels.push(Level::default());
                let r = self.select(s, &[], false);
                self.levels.pop();
                r
            }
            ast::SetExpr::Query(q) => self.query(q),
            ast::SetExpr::Values(v) => self.values(v),
            ast::SetExpr::SetOperation {
                left,
                op,
                set_quantifier,
                right,
            } => self.set_operation(left, *op, *set_quantifier, right),
            other => Err(SqlError::not_supported(format!(
                "{} is not supported here",
                other
                    .to_string()
                    .split_whitespace()
                    .next()
                    .unwrap_or("this")
            ))
            .at(self.pos(other.span()))),
        }
    }

    fn set_operation(
        &mut self,
        left: &ast::SetExpr,
        op: ast::SetOperator,
        quantifier: ast::SetQuantifier,
        right: &ast::SetExpr,
    ) -> Result<Query> {
        let (op, word) = match op {
            ast::SetOperator::Union => (SetOp::Union, "UNION"),
            ast::SetOperator::Intersect => (SetOp::Intersect, "INTERSECT"),
            ast::SetOperator::Except | ast::SetOperator::Minus => (SetOp::Except, "EXCEPT"),
        };
        let all = match quantifier {
            ast::SetQuantifier::All => true,
            ast::SetQuantifier::Distinct | ast::SetQuantifier::None => false,
            _ => {
                return Err(SqlError::not_supported(format!(
                    "{word} BY NAME is not supported"
                )));
            }
        };
        let lpos = self.pos(left.span());
        let rpos = self.pos(right.span());
        let mut l = self.nested(|a| a.set_expr(left))?;
        let mut r = self.nested(|a| a.set_expr(right))?;
        if l.columns.len() != r.columns.len() {
            return Err(SqlError::syntax(format!(
                "each {word} query must have the same number of columns"
            ))
            .at(rpos));
        }
        let mut columns = Vec::with_capacity(l.columns.len());
        for i in 0..l.columns.len() {
            let lt = l.columns[i].ty;
            let rt = r.columns[i].ty;
            let t = common_type(&[(lt, lpos), (rt, rpos)], word)?;
            self.coerce_query_column(&mut l, i, t, lpos)?;
            self.coerce_query_column(&mut r, i, t, rpos)?;
            let typmod = if l.columns[i].typmod == r.columns[i].typmod {
                l.columns[i].typmod
            } else {
                -1
            };
            columns.push(OutColumn {
                name: l.columns[i].name.clone(),
                ty: t,
                typmod,
                table_oid: 0,
                attnum: 0,
            });
        }
        Ok(Query {
            ctes: Vec::new(),
            recursive: false,
            body: QueryBody::SetOp {
                op,
                all,
                left: Box::new(l),
                right: Box::new(r),
            },
            order_by: Vec::new(),
            limit: None,
            offset: None,
            columns,
        })
    }

    fn values(&mut self, v: &ast::Values) -> Result<Query> {
        let Some(first) = v.rows.first() else {
            return Err(SqlError::syntax("syntax error at or near \")\""));
        };
        let width = first.len();
        let mut rows: Vec<Vec<(Expr, Option<usize>)>> = Vec::with_capacity(v.rows.len());
        self.levels.push(Level::default());
        let analyzed = (|| -> Result<()> {
            for row in &v.rows {
                if row.len() != width {
                    return Err(SqlError::syntax("VALUES lists must all be the same length")
                        .at(row.first().and_then(|e| self.expr_pos(e))));
                }
                let mut out = Vec::with_capacity(width);
                for e in row.iter() {
                    let p = self.expr_pos(e);
                    out.push((self.expr(e, Clause::Values)?, p));
                }
                rows.push(out);
            }
            Ok(())
        })();
        self.levels.pop();
        analyzed?;
        let mut columns = Vec::with_capacity(width);
        let mut types = Vec::with_capacity(width);
        for c in 0..width {
            let ts: Vec<(Type, Option<usize>)> = rows.iter().map(|r| (r[c].0.ty, r[c].1)).collect();
            let t = common_type(&ts, "VALUES")?;
            types.push(t);
            columns.push(OutColumn {
                name: format!("column{}", c + 1),
                ty: t,
                typmod: -1,
                table_oid: 0,
                attnum: 0,
            });
        }
        let mut out_rows = Vec::with_capacity(rows.len());
        for row in rows {
            let mut out = Vec::with_capacity(width);
            for ((e, p), t) in row.into_iter().zip(&types) {
                out.push(self.coerce(e, *t, -1, CastContext::Implicit, p)?);
            }
            out_rows.push(out);
        }
        Ok(Query {
            ctes: Vec::new(),
            recursive: false,
            body: QueryBody::Values(out_rows),
            order_by: Vec::new(),
            limit: None,
            offset: None,
            columns,
        })
    }

    fn with_clause(&mut self, w: &ast::With) -> Result<(Vec<Cte>, bool)> {
        self.ctes.push(Vec::new());
        let mut out = Vec::with_capacity(w.cte_tables.len());
        for cte in &w.cte_tables {
            let name = ident(&cte.alias.name);
            if out.iter().any(|c: &Cte| c.sqlite_name == name)
                || self
                    .ctes
                    .last()
                    .is_some_and(|s| s.iter().any(|d| d.name == name))
            {
                return Err(SqlError::new(
                    sqlstate::DUPLICATE_ALIAS,
                    format!("WITH query name \"{name}\" specified more than once"),
                )
                .at(self.pos(cte.alias.name.span)));
            }
            let aliases: Vec<String> = cte.alias.columns.iter().map(|c| ident(&c.name)).collect();
            let sqlite_name = self.alias_for(&name);
            let query = if w.recursive {
                self.recursive_cte(&name, &sqlite_name, &aliases, &cte.query)?
            } else {
                self.query(&cte.query)?
            };
            let columns = rte_columns(&query.columns, &aliases, self.pos(cte.alias.name.span))?;
            if let Some(scope) = self.ctes.last_mut() {
                scope.retain(|d| d.name != name);
                scope.push(CteDef {
                    name: name.clone(),
                    sqlite_name: sqlite_name.clone(),
                    columns: columns.clone(),
                });
            }
            out.push(Cte {
                sqlite_name,
                columns: columns.iter().map(|c| c.sqlite_name.clone()).collect(),
                query,
                materialized: cte
                    .materialized
                    .as_ref()
                    .map(|m| matches!(m, ast::CteAsMaterialized::Materialized)),
            });
        }
        Ok((out, w.recursive))
    }

    /// `WITH RECURSIVE name AS (base UNION [ALL] recursive)`: the base term fixes the column
    /// types the recursive term sees.
    fn recursive_cte(
        &mut self,
        name: &str,
        sqlite_name: &str,
        aliases: &[String],
        q: &ast::Query,
    ) -> Result<Query> {
        let ast::SetExpr::SetOperation {
            left,
            op: ast::SetOperator::Union,
            set_quantifier,
            right,
        } = &*q.body
        else {
            // Not of the recursive shape: an ordinary CTE, unless it refers to itself.
            return self.query(q).map_err(|e| {
                if e.sqlstate == sqlstate::UNDEFINED_TABLE
                    && e.message == format!("relation \"{name}\" does not exist")
                {
                    SqlError::new(
                        sqlstate::INVALID_RECURSION,
                        format!(
                            "recursive query \"{name}\" does not have the form non-recursive-term UNION [ALL] recursive-term"
                        ),
                    )
                } else {
                    e
                }
            });
        };
        let mut base = self.nested(|a| a.set_expr(left))?;
        for c in &mut base.columns {
            if c.ty == Type::UNKNOWN {
                c.ty = Type::TEXT;
            }
        }
        for i in 0..base.columns.len() {
            let t = base.columns[i].ty;
            self.coerce_query_column(&mut base, i, t, None)?;
        }
        let columns = rte_columns(&base.columns, aliases, None)?;
        if let Some(scope) = self.ctes.last_mut() {
            scope.push(CteDef {
                name: name.to_string(),
                sqlite_name: sqlite_name.to_string(),
                columns,
            });
        }
        let mut rec = match right.as_ref() {
            ast::SetExpr::Select(sel) => {
                // Untyped literals stay untyped: they take the base term's types below.
                self.levels.push(Level::default());
                let r = self.select(sel, &[], false);
                self.levels.pop();
                r?
            }
            other => self.nested(|a| a.set_expr(other))?,
        };
        if rec.columns.len() != base.columns.len() {
            return Err(SqlError::syntax(
                "each UNION query must have the same number of columns",
            ));
        }
        for i in 0..base.columns.len() {
            let t = base.columns[i].ty;
            if rec.columns[i].ty == Type::UNKNOWN {
                // A literal's own error (22P02 for 'x' as an integer), as PostgreSQL's.
                self.coerce_query_column(&mut rec, i, t, None)?;
            } else if rec.columns[i].ty != t {
                self.coerce_query_column(&mut rec, i, t, None).map_err(|_| {
                    SqlError::new(
                        sqlstate::DATATYPE_MISMATCH,
                        format!(
                            "recursive query \"{name}\" column {} has type {} in non-recursive term but type {} overall",
                            i + 1,
                            crate::types::format_type(t, -1),
                            crate::types::format_type(rec.columns[i].ty, -1)
                        ),
                    )
                })?;
            }
        }
        let all = matches!(set_quantifier, ast::SetQuantifier::All);
        let columns = base.columns.clone();
        Ok(Query {
            ctes: Vec::new(),
            recursive: false,
            body: QueryBody::SetOp {
                op: SetOp::Union,
                all,
                left: Box::new(base),
                right: Box::new(rec),
            },
            order_by: Vec::new(),
            limit: None,
            offset: None,
            columns,
        })
    }

    fn limit_offset(&mut self, q: &ast::Query) -> Result<(Option<Expr>, Option<Expr>)> {
        let mut limit = None;
        let mut offset = None;
        match &q.limit_clause {
            Some(ast::LimitClause::LimitOffset {
                limit: l,
                offset: o,
                ..
            }) => {
                if let Some(l) = l {
                    limit = self.limit_expr(l, Clause::Limit)?;
                }
                if let Some(o) = o {
                    offset = self.limit_expr(&o.value, Clause::Offset)?;
                }
            }
            Some(ast::LimitClause::OffsetCommaLimit { .. }) => {
                return Err(SqlError::not_supported("LIMIT #,# syntax is not supported")
                    .with_hint("Use separate LIMIT and OFFSET clauses."));
            }
            None => {}
        }
        if let Some(f) = &q.fetch {
            limit = match &f.quantity {
                Some(e) => self.limit_expr(e, Clause::Limit)?,
                None => Some(Expr::constant(Value::Int(1), Type::INT8)),
            };
        }
        Ok((limit, offset))
    }

    fn limit_expr(&mut self, e: &ast::Expr, clause: Clause) -> Result<Option<Expr>> {
        let p = self.expr_pos(e);
        self.levels.push(Level::default());
        let x = self.expr(e, clause);
        self.levels.pop();
        let x = x?;
        let x = self.coerce(x, Type::INT8, -1, CastContext::Implicit, p)?;
        if let ExprKind::Const(Value::Null) = x.kind
            && clause == Clause::Limit
        {
            return Ok(None);
        }
        Ok(Some(x))
    }

    // ---- SELECT ----

    fn select(
        &mut self,
        s: &ast::Select,
        order_by: &[&ast::OrderByExpr],
        resolve_unknown: bool,
    ) -> Result<Query> {
        if s.into.is_some() {
            return Err(SqlError::not_supported("SELECT INTO is not supported")
                .with_hint("Use CREATE TABLE … AS."));
        }
        let mut from = Vec::with_capacity(s.from.len());
        for twj in &s.from {
            from.push(self.table_with_joins(twj)?);
        }
        for w in &s.named_window {
            let name = ident(&w.0);
            let spec = match &w.1 {
                ast::NamedWindowExpr::WindowSpec(spec) => spec.clone(),
                ast::NamedWindowExpr::NamedWindow(other) => {
                    self.named_window(&ident(other), None)?
                }
            };
            self.level().windows.push((name, spec));
        }
        let where_ = match &s.selection {
            Some(w) => Some(self.condition(w, Clause::Where, "WHERE")?),
            None => None,
        };
        // The select list.
        let mut targets: Vec<Expr> = Vec::new();
        let mut columns: Vec<OutColumn> = Vec::new();
        for item in &s.projection {
            self.select_item(item, &mut targets, &mut columns)?;
        }
        for (t, c) in targets.iter_mut().zip(columns.iter_mut()) {
            // Unknown literals become text; an untyped parameter stays undetermined (42P18).
            if t.ty == Type::UNKNOWN && resolve_unknown && !matches!(t.kind, ExprKind::Param(_)) {
                let x = std::mem::replace(t, Expr::null(Type::TEXT));
                *t = self.resolve_unknown(x)?;
                c.ty = Type::TEXT;
            }
        }
        // Hoisted set-returning calls join the FROM list, after everything else.
        let hoisted = std::mem::take(&mut self.level().hoisted);
        for ri in &hoisted {
            from.push(FromItem::Rte(*ri));
        }
        let grouping = self.group_by(&s.group_by, &targets, &columns)?;
        let mut group_by = grouping.exprs;
        let having = match &s.having {
            Some(h) => Some(self.condition(h, Clause::Having, "HAVING")?),
            None => None,
        };
        let (distinct, distinct_on) = match &s.distinct {
            None | Some(ast::Distinct::All) => (false, Vec::new()),
            Some(ast::Distinct::Distinct) => (true, Vec::new()),
            Some(ast::Distinct::On(exprs)) => {
                let mut on = Vec::new();
                for e in exprs {
                    on.push(
                        self.output_or_input(e, &targets, &columns, Clause::OrderBy)?
                            .0,
                    );
                }
                (false, on)
            }
        };
        let mut keys = self.select_order_by(order_by, &targets, &columns, distinct)?;
        let mut having = having;
        let mut distinct_on = distinct_on;
        // Grouping sets (see grouping.rs), and GROUPING(…) everywhere it may be.
        {
            let texts: Vec<String> = group_by.iter().map(emit::expr).collect();
            let mut set_no = None;
            let mut masks = Vec::new();
            if let Some(sets) = &grouping.sets {
                let n = i64::try_from(sets.len()).unwrap_or(i64::MAX);
                let args = vec![
                    (Expr::constant(Value::Int(0), Type::INT4), None),
                    (Expr::constant(Value::Int(n - 1), Type::INT4), None),
                ];
                let rte = self.function_rte("generate_series", args, None, &[], false, None)?;
                let (ri, no) = self.push_unnamed_rte(rte, None);
                from.push(FromItem::Rte(ri));
                masks = group_by
                    .iter()
                    .enumerate()
                    .map(|(k, x)| grouping::masked(&no, sets, k, x))
                    .collect();
                set_no = Some(no);
            }
            let sets = grouping.sets.as_deref().zip(set_no.as_ref());
            for t in targets.iter_mut() {
                grouping::rewrite(t, &texts, &masks, sets)?;
            }
            if let Some(h) = having.as_mut() {
                grouping::rewrite(h, &texts, &masks, sets)?;
            }
            for k in keys.iter_mut() {
                grouping::rewrite(&mut k.expr, &texts, &masks, sets)?;
            }
            for d in distinct_on.iter_mut() {
                grouping::rewrite(d, &texts, &masks, sets)?;
            }
            if let Some(no) = set_no {
                group_by = std::iter::once(no).chain(masks).collect();
            }
        }
        let aggregating = self.level().has_aggregate || !group_by.is_empty() || having.is_some();
        if aggregating {
            check_grouping(&group_by, &targets, having.as_ref(), &keys)?;
        }
        let rtable = std::mem::take(&mut self.level().rtable);
        Ok(Query {
            ctes: Vec::new(),
            recursive: false,
            body: QueryBody::Select(Box::new(Select {
                distinct,
                distinct_on,
                targets,
                rtable,
                from,
                where_,
                group_by,
                having,
                aggregating,
            })),
            order_by: keys,
            limit: None,
            offset: None,
            columns,
        })
    }

    /// The current level's FROM items (none outside any level).
    pub(super) fn current_rtable(&self) -> &[Rte] {
        self.levels.last().map_or(&[], |l| &l.rtable)
    }

    pub(super) fn level(&mut self) -> &mut Level {
        if self.levels.is_empty() {
            self.levels.push(Level::default());
        }
        let n = self.levels.len() - 1;
        &mut self.levels[n]
    }

    pub fn named_window(&mut self, name: &str, pos: Option<usize>) -> Result<ast::WindowSpec> {
        self.level()
            .windows
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| s.clone())
            .ok_or_else(|| {
                SqlError::new(
                    sqlstate::UNDEFINED_OBJECT,
                    format!("window \"{name}\" does not exist"),
                )
                .at(pos)
            })
    }

    fn select_item(
        &mut self,
        item: &ast::SelectItem,
        targets: &mut Vec<Expr>,
        columns: &mut Vec<OutColumn>,
    ) -> Result<()> {
        match item {
            ast::SelectItem::UnnamedExpr(e) => {
                let x = self.expr(e, Clause::SelectList)?;
                let name = figure_colname(e).unwrap_or_else(|| "?column?".to_string());
                columns.push(out_column(name, &x, self.current_rtable()));
                targets.push(x);
            }
            ast::SelectItem::ExprWithAlias { expr, alias } => {
                let x = self.expr(expr, Clause::SelectList)?;
                columns.push(out_column(ident(alias), &x, self.current_rtable()));
                targets.push(x);
            }
            ast::SelectItem::Wildcard(_) => {
                let star = self.level().star.clone();
                if star.is_empty() && self.level().rtable.is_empty() {
                    return Err(
                        SqlError::syntax("SELECT * with no tables specified is not valid")
                            .at(self.pos(item.span())),
                    );
                }
                for (name, x) in star {
                    columns.push(out_column(name, &x, self.current_rtable()));
                    targets.push(x);
                }
            }
            ast::SelectItem::QualifiedWildcard(kind, _) => {
                let names = match kind {
                    ast::SelectItemQualifiedWildcardKind::ObjectName(n) => object_name(n),
                    ast::SelectItemQualifiedWildcardKind::Expr(e) => vec![e.to_string()],
                };
                let table = names.last().cloned().unwrap_or_default();
                let pos = self.pos(item.span());
                let lv = self.level();
                let Some(ri) = lv.names.iter().position(|n| n.as_deref() == Some(&table)) else {
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_TABLE,
                        format!("missing FROM-clause entry for table \"{table}\""),
                    )
                    .at(pos));
                };
                let cols = lv.star_of.get(ri).cloned().unwrap_or_default();
                for (name, x) in cols {
                    columns.push(out_column(name, &x, self.current_rtable()));
                    targets.push(x);
                }
            }
            ast::SelectItem::ExprWithAliases { .. } => {
                return Err(SqlError::not_supported(
                    "multiple aliases are not supported",
                ));
            }
        }
        Ok(())
    }

    /// A set-returning function called in the select list: it becomes a FROM item joined
    /// after the others, and the call a reference to its column.
    pub(super) fn set_returning_in_select(
        &mut self,
        name: &str,
        args: Vec<(Expr, Option<usize>)>,
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        if clause != Clause::SelectList {
            return Err(SqlError::not_supported(format!(
                "set-returning functions are not allowed in {}",
                match clause {
                    Clause::Where => "WHERE",
                    Clause::JoinOn => "JOIN conditions",
                    Clause::Having => "HAVING",
                    Clause::OrderBy => "ORDER BY",
                    Clause::GroupBy => "GROUP BY",
                    _ => "this context",
                }
            ))
            .at(pos));
        }
        if !self.level().hoisted.is_empty() {
            return Err(SqlError::not_supported(
                "more than one set-returning function in a select list is not supported",
            )
            .at(pos));
        }
        let rte = self.function_rte(name, args, None, &[], false, pos)?;
        if rte.columns.len() != 1 {
            return Err(SqlError::not_supported(format!(
                "{name} returning records is not supported in a select list; call it in FROM"
            ))
            .at(pos));
        }
        let (ri, x) = self.push_unnamed_rte(rte, pos);
        self.level().hoisted.push(ri);
        Ok(x)
    }

    /// Adds `rte` (a function's, with at least one column) to the current level without a
    /// name of its own; its index and a reference to its first column (at `pos`).
    fn push_unnamed_rte(&mut self, rte: Rte, pos: Option<usize>) -> (usize, Expr) {
        let lv = self.level();
        let ri = lv.rtable.len();
        let col = rte.columns[0].clone();
        let alias = rte.alias.clone();
        lv.rtable.push(rte);
        lv.names.push(None);
        lv.star_of.push(Vec::new());
        (ri, Expr::column(0, ri, 0, &col, Some(alias), pos))
    }

    fn group_by(
        &mut self,
        g: &ast::GroupByExpr,
        targets: &[Expr],
        columns: &[OutColumn],
    ) -> Result<grouping::Grouping> {
        let exprs = match g {
            ast::GroupByExpr::Expressions(e, mods) => {
                if !mods.is_empty() {
                    return Err(SqlError::not_supported(
                        "GROUP BY modifiers are not supported",
                    ));
                }
                e
            }
            ast::GroupByExpr::All(_) => {
                return Err(SqlError::syntax("syntax error at or near \"ALL\""));
            }
        };
        let items: Vec<grouping::Item<'_>> = exprs.iter().map(grouping::Item::of).collect();
        self.grouping_sets(&items, &mut |a: &mut Self, e: &ast::Expr| {
            // A bare name is an input column first, then an output column.
            if let ast::Expr::Identifier(i) = e {
                let name = ident(i);
                let pos = a.pos(i.span);
                return match a.column(std::slice::from_ref(&name), pos) {
                    Ok(x) => Ok(x),
                    Err(err) => match columns.iter().position(|c| c.name == name) {
                        Some(k) => Ok(targets[k].clone()),
                        None => Err(err),
                    },
                };
            }
            Ok(a.output_or_input(e, targets, columns, Clause::GroupBy)?.0)
        })
    }

    /// An ORDER BY/GROUP BY/DISTINCT ON item: a position, an output column name, or an
    /// expression over the FROM items. Returns the expression and the output position if any.
    fn output_or_input(
        &mut self,
        e: &ast::Expr,
        targets: &[Expr],
        columns: &[OutColumn],
        clause: Clause,
    ) -> Result<(Expr, Option<usize>)> {
        let pos = self.expr_pos(e);
        let word = if clause == Clause::GroupBy {
            "GROUP BY"
        } else {
            "ORDER BY"
        };
        if let ast::Expr::Value(v) = e
            && let ast::Value::Number(n, _) = &v.value
        {
            let k: usize = n.parse().unwrap_or(0);
            if k == 0 || k > targets.len() {
                return Err(SqlError::new(
                    sqlstate::INVALID_COLUMN_REFERENCE,
                    format!("{word} position {n} is not in select list"),
                )
                .at(pos));
            }
            return Ok((targets[k - 1].clone(), Some(k)));
        }
        if clause != Clause::GroupBy
            && let ast::Expr::Identifier(i) = e
        {
            let name = ident(i);
            let hits: Vec<usize> = columns
                .iter()
                .enumerate()
                .filter(|(_, c)| c.name == name)
                .map(|(k, _)| k)
                .collect();
            if let Some(&first) = hits.first() {
                let same = hits
                    .iter()
                    .all(|&k| emit::expr(&targets[k]) == emit::expr(&targets[first]));
                if !same {
                    return Err(SqlError::new(
                        sqlstate::AMBIGUOUS_COLUMN,
                        format!("{word} \"{name}\" is ambiguous"),
                    )
                    .at(pos));
                }
                return Ok((targets[first].clone(), Some(first + 1)));
            }
        }
        let x = self.expr(e, clause)?;
        let x = self.resolve_unknown(x)?;
        Ok((x, None))
    }

    fn select_order_by(
        &mut self,
        order_by: &[&ast::OrderByExpr],
        targets: &[Expr],
        columns: &[OutColumn],
        distinct: bool,
    ) -> Result<Vec<SortKey>> {
        let mut keys = Vec::with_capacity(order_by.len());
        for o in order_by {
            let (x, position) = self.output_or_input(&o.expr, targets, columns, Clause::OrderBy)?;
            if distinct
                && position.is_none()
                && !targets.iter().any(|t| emit::expr(t) == emit::expr(&x))
            {
                return Err(SqlError::new(
                    sqlstate::INVALID_COLUMN_REFERENCE,
                    "for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                )
                .at(self.expr_pos(&o.expr)));
            }
            if !super::expr::orderable(x.ty) {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_FUNCTION,
                    format!(
                        "could not identify an ordering operator for type {}",
                        crate::types::format_type(x.ty, -1)
                    ),
                )
                .with_hint("Use an explicit ordering operator or modify the query.")
                .at(self.expr_pos(&o.expr)));
            }
            let mut k = sort_key(x, &o.options);
            k.position = position;
            keys.push(k);
        }
        Ok(keys)
    }

    /// ORDER BY of a set operation or VALUES: output columns only.
    fn output_order_by(
        &mut self,
        q: &Query,
        order_by: &[&ast::OrderByExpr],
    ) -> Result<Vec<SortKey>> {
        let mut keys = Vec::with_capacity(order_by.len());
        for o in order_by {
            let pos = self.expr_pos(&o.expr);
            let k = match &o.expr {
                ast::Expr::Value(v) => match &v.value {
                    ast::Value::Number(n, _) => n
                        .parse::<usize>()
                        .ok()
                        .filter(|k| *k >= 1 && *k <= q.columns.len()),
                    _ => None,
                },
                ast::Expr::Identifier(i) => {
                    let name = ident(i);
                    q.columns.iter().position(|c| c.name == name).map(|k| k + 1)
                }
                _ => None,
            };
            let Some(k) = k else {
                return Err(match &o.expr {
                    ast::Expr::Identifier(i) => SqlError::new(
                        sqlstate::UNDEFINED_COLUMN,
                        format!("column \"{}\" does not exist", ident(i)),
                    ),
                    ast::Expr::Value(_) => SqlError::new(
                        sqlstate::INVALID_COLUMN_REFERENCE,
                        format!("ORDER BY position {} is not in select list", o.expr),
                    ),
                    _ => SqlError::not_supported("invalid UNION/INTERSECT/EXCEPT ORDER BY clause")
                        .with_detail(
                            "Only result column names can be used, not expressions or functions.",
                        ),
                }
                .at(pos));
            };
            let c = &q.columns[k - 1];
            let mut key = sort_key(Expr::null(c.ty), &o.options);
            key.position = Some(k);
            keys.push(key);
        }
        Ok(keys)
    }

    // ---- FROM ----

    pub(super) fn table_with_joins(&mut self, twj: &ast::TableWithJoins) -> Result<FromItem> {
        let mut item = self.table_factor(&twj.relation)?;
        for j in &twj.joins {
            item = self.join(item, j)?;
        }
        Ok(item)
    }

    /// Adds a FROM item to the current level.
    fn add_rte(&mut self, rte: Rte, name: Option<String>, pos: Option<usize>) -> Result<usize> {
        let lv = self.level();
        if let Some(n) = &name
            && lv.names.iter().flatten().any(|m| m == n)
        {
            return Err(SqlError::new(
                sqlstate::DUPLICATE_ALIAS,
                format!("table name \"{n}\" specified more than once"),
            )
            .at(pos));
        }
        let ri = lv.rtable.len();
        let star: Vec<(String, Expr)> = rte
            .columns
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.hidden)
            .map(|(ci, c)| {
                let x = Expr::column(0, ri, ci, c, Some(rte.alias.clone()), None);
                (c.name.clone(), x)
            })
            .collect();
        lv.star.extend(star.iter().cloned());
        lv.star_of.push(star);
        lv.rtable.push(rte);
        lv.names.push(name);
        Ok(ri)
    }

    fn table_factor(&mut self, t: &ast::TableFactor) -> Result<FromItem> {
        let pos = self.pos(t.span());
        match t {
            ast::TableFactor::Table {
                name,
                alias,
                args,
                with_ordinality,
                ..
            } => {
                if let Some(args) = args {
                    let fname = object_name(name);
                    let mut analyzed = Vec::new();
                    for a in &args.args {
                        let ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) = a else {
                            return Err(SqlError::not_supported(
                                "named arguments are not supported",
                            )
                            .at(pos));
                        };
                        let p = self.expr_pos(e);
                        analyzed.push((self.expr(e, Clause::FromFunction)?, p));
                    }
                    let fname = fname.last().cloned().unwrap_or_default();
                    return self.function_item(
                        &fname,
                        analyzed,
                        alias.as_ref(),
                        *with_ordinality,
                        pos,
                    );
                }
                let parts = object_name(name);
                self.relation_item(&parts, alias.as_ref(), pos)
            }
            ast::TableFactor::Function {
                name,
                args,
                alias,
                with_ordinality,
                ..
            } => {
                let fname = object_name(name).last().cloned().unwrap_or_default();
                let mut analyzed = Vec::new();
                for a in args {
                    let ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) = a else {
                        return Err(
                            SqlError::not_supported("named arguments are not supported").at(pos)
                        );
                    };
                    let p = self.expr_pos(e);
                    analyzed.push((self.expr(e, Clause::FromFunction)?, p));
                }
                self.function_item(&fname, analyzed, alias.as_ref(), *with_ordinality, pos)
            }
            ast::TableFactor::UNNEST {
                alias,
                array_exprs,
                with_ordinality,
                ..
            } => {
                let mut analyzed = Vec::new();
                for e in array_exprs {
                    let p = self.expr_pos(e);
                    analyzed.push((self.expr(e, Clause::FromFunction)?, p));
                }
                self.function_item("unnest", analyzed, alias.as_ref(), *with_ordinality, pos)
            }
            ast::TableFactor::Derived {
                lateral,
                subquery,
                alias,
                ..
            } => {
                let Some(alias) = alias else {
                    return Err(SqlError::syntax("subquery in FROM must have an alias")
                        .with_hint("For example, FROM (SELECT ...) [AS] foo.")
                        .at(pos));
                };
                let hide = !*lateral;
                if hide {
                    self.level().hidden = true;
                }
                let q = self.subquery(subquery);
                if hide {
                    self.level().hidden = false;
                }
                let q = q?;
                let name = ident(&alias.name);
                let aliases: Vec<String> = alias.columns.iter().map(|c| ident(&c.name)).collect();
                let columns = rte_columns(&q.columns, &aliases, pos)?;
                let rte = Rte {
                    alias: self.alias_for(&name),
                    source: RteSource::Subquery(Box::new(q)),
                    columns,
                    table_oid: 0,
                };
                let ri = self.add_rte(rte, Some(name), pos)?;
                Ok(FromItem::Rte(ri))
            }
            ast::TableFactor::NestedJoin {
                table_with_joins,
                alias,
            } => {
                if alias.is_some() {
                    return Err(SqlError::not_supported(
                        "an alias on a parenthesized join is not supported",
                    )
                    .at(pos));
                }
                self.table_with_joins(table_with_joins)
            }
            other => Err(SqlError::not_supported(format!(
                "this FROM item is not supported: {}",
                other.to_string().chars().take(40).collect::<String>()
            ))
            .at(pos)),
        }
    }

    fn relation_item(
        &mut self,
        parts: &[String],
        alias: Option<&ast::TableAlias>,
        pos: Option<usize>,
    ) -> Result<FromItem> {
        let (schema, name) = match parts {
            [n] => (None, n.clone()),
            [s, n] => (Some(s.clone()), n.clone()),
            [_, s, n] => (Some(s.clone()), n.clone()),
            _ => {
                return Err(
                    SqlError::syntax("improper qualified name (too many dotted names)").at(pos),
                );
            }
        };
        let visible = alias
            .map(|a| ident(&a.name))
            .unwrap_or_else(|| name.clone());
        let aliases: Vec<String> = alias
            .map(|a| a.columns.iter().map(|c| ident(&c.name)).collect())
            .unwrap_or_default();
        if schema.is_none()
            && let Some(cte) = self.find_cte(&name)
        {
            let columns = rename(cte.columns.clone(), &aliases, pos)?;
            let rte = Rte {
                alias: self.alias_for(&visible),
                source: RteSource::Cte(cte.sqlite_name.clone()),
                columns,
                table_oid: 0,
            };
            let ri = self.add_rte(rte, Some(visible), pos)?;
            return Ok(FromItem::Rte(ri));
        }
        let rel = self.lookup_relation(schema.as_deref(), &name, pos)?;
        if rel.kind == RelKind::Index {
            return Err(SqlError::new(
                sqlstate::WRONG_OBJECT_TYPE,
                format!("\"{}\" is an index", rel.name),
            )
            .at(pos));
        }
        let columns = RteColumn::of_table(&rel.columns);
        let columns = rename(columns, &aliases, pos)?;
        let rte = Rte {
            alias: self.alias_for(&visible),
            source: RteSource::Table(rel.sqlite_name.clone()),
            columns,
            table_oid: if rel.kind == RelKind::Table {
                rel.oid
            } else {
                0
            },
        };
        let ri = self.add_rte(rte, Some(visible), pos)?;
        Ok(FromItem::Rte(ri))
    }

    fn find_cte(&self, name: &str) -> Option<CteDef> {
        self.ctes
            .iter()
            .rev()
            .find_map(|scope| scope.iter().find(|c| c.name == name).cloned())
    }

    /// Looks a relation up (42P01 when missing).
    pub fn lookup_relation(
        &mut self,
        schema: Option<&str>,
        name: &str,
        pos: Option<usize>,
    ) -> Result<crate::catalog::Relation> {
        let found = match (&self.default_schema, schema) {
            (Some(ds), None) => match self.catalog.relation(Some(ds), name)? {
                Some(r) => Some(r),
                None => self.catalog.relation(None, name)?,
            },
            _ => self.catalog.relation(schema, name)?,
        };
        if let Some(r) = &found
            && !r.system
            && !self.relations_used.contains(&r.oid)
        {
            self.relations_used.push(r.oid);
        }
        found.ok_or_else(|| {
            let shown = match schema {
                Some(s) => format!("{s}.{name}"),
                None => name.to_string(),
            };
            SqlError::new(
                sqlstate::UNDEFINED_TABLE,
                format!("relation \"{shown}\" does not exist"),
            )
            .at(pos)
        })
    }

    fn function_item(
        &mut self,
        name: &str,
        args: Vec<(Expr, Option<usize>)>,
        alias: Option<&ast::TableAlias>,
        ordinality: bool,
        pos: Option<usize>,
    ) -> Result<FromItem> {
        let rte = self.function_rte(name, args, alias, &[], ordinality, pos)?;
        let visible = alias
            .map(|a| ident(&a.name))
            .unwrap_or_else(|| name.to_string());
        let ri = self.add_rte(rte, Some(visible), pos)?;
        Ok(FromItem::Rte(ri))
    }

    /// A set-returning function as a FROM item.
    fn function_rte(
        &mut self,
        name: &str,
        args: Vec<(Expr, Option<usize>)>,
        alias: Option<&ast::TableAlias>,
        _extra: &[()],
        ordinality: bool,
        pos: Option<usize>,
    ) -> Result<Rte> {
        let types: Vec<Type> = args.iter().map(|(e, _)| e.ty).collect();
        let r = resolve(name, &[Kind::SetReturning], &types).map_err(|f| {
            if super::resolve::name_exists(name, &[Kind::Function]) {
                SqlError::not_supported(format!(
                    "function {name} in FROM is not supported (only set-returning functions)"
                ))
                .at(pos)
            } else {
                function_error(name, &types, f).at(pos)
            }
        })?;
        let Imp::Table { symbol, .. } = r.func.imp else {
            return Err(SqlError::internal(format!(
                "{name} has no table implementation"
            )));
        };
        let mut coerced = Vec::with_capacity(args.len());
        let typed = r.func.args.iter().any(|t| t.is_pseudo());
        for ((x, p), t) in args.into_iter().zip(&r.arg_types) {
            coerced.push(self.coerce(x, *t, -1, CastContext::Implicit, p)?);
        }
        if typed {
            let text = crate::func::arg_types_text(&r.arg_types);
            coerced.insert(0, Expr::constant(Value::Text(text), Type::TEXT));
        }
        let alias_name = alias.map(|a| ident(&a.name));
        let col_aliases: Vec<String> = alias
            .map(|a| a.columns.iter().map(|c| ident(&c.name)).collect())
            .unwrap_or_default();
        let mut columns: Vec<RteColumn> = Vec::new();
        let mut outputs: Vec<String> = Vec::new();
        if r.func.out_columns.is_empty() {
            let cname = alias_name.clone().unwrap_or_else(|| name.to_string());
            columns.push(RteColumn {
                name: cname,
                sqlite_name: "value".into(),
                ty: r.ret,
                typmod: -1,
                attnum: 0,
                hidden: false,
            });
            outputs.push("value".into());
        } else {
            for (cname, cty) in r.func.out_columns {
                let ty = if cty.is_pseudo() { r.ret } else { *cty };
                columns.push(RteColumn {
                    name: (*cname).to_string(),
                    sqlite_name: (*cname).to_string(),
                    ty,
                    typmod: -1,
                    attnum: 0,
                    hidden: false,
                });
                outputs.push((*cname).to_string());
            }
        }
        if ordinality {
            columns.push(RteColumn {
                name: "ordinality".into(),
                sqlite_name: "ordinality".into(),
                ty: Type::INT8,
                typmod: -1,
                attnum: 0,
                hidden: false,
            });
            outputs.push("ordinality".into());
        }
        let columns = rename(columns, &col_aliases, pos)?;
        let visible = alias_name.unwrap_or_else(|| name.to_string());
        Ok(Rte {
            alias: self.alias_for(&visible),
            source: RteSource::Function {
                symbol: symbol.to_string(),
                args: coerced,
                outputs,
                ordinality,
            },
            columns,
            table_oid: 0,
        })
    }

    fn join(&mut self, left: FromItem, j: &ast::Join) -> Result<FromItem> {
        use ast::JoinOperator as J;
        let pos = self.pos(j.relation.span());
        let (kind, constraint) = match &j.join_operator {
            J::Join(c) | J::Inner(c) => (JoinKind::Inner, Some(c)),
            J::Left(c) | J::LeftOuter(c) => (JoinKind::Left, Some(c)),
            J::Right(c) | J::RightOuter(c) => (JoinKind::Right, Some(c)),
            J::FullOuter(c) => (JoinKind::Full, Some(c)),
            J::CrossJoin(_) => (JoinKind::Cross, None),
            _ => return Err(SqlError::not_supported("this kind of join is not supported").at(pos)),
        };
        let left_rtes = rtes_of(&left);
        let before = self.level().rtable.len();
        let right = self.table_factor(&j.relation)?;
        let right_rtes: Vec<usize> = (before..self.level().rtable.len()).collect();
        let on = match constraint {
            None | Some(ast::JoinConstraint::None) => {
                if kind != JoinKind::Cross && kind != JoinKind::Inner {
                    return Err(SqlError::syntax("syntax error at end of input").at(pos));
                }
                None
            }
            Some(ast::JoinConstraint::On(e)) => {
                Some(self.condition(e, Clause::JoinOn, "JOIN/ON")?)
            }
            Some(ast::JoinConstraint::Using(cols)) => {
                let names: Vec<String> = cols
                    .iter()
                    .map(|c| object_name(c).last().cloned().unwrap_or_default())
                    .collect();
                Some(self.using(&names, &left_rtes, &right_rtes, kind, pos)?)
            }
            Some(ast::JoinConstraint::Natural) => {
                let lnames = self.visible_columns(&left_rtes);
                let rnames = self.visible_columns(&right_rtes);
                let common: Vec<String> =
                    lnames.into_iter().filter(|n| rnames.contains(n)).collect();
                if common.is_empty() {
                    None
                } else {
                    Some(self.using(&common, &left_rtes, &right_rtes, kind, pos)?)
                }
            }
            Some(_) => {
                return Err(
                    SqlError::not_supported("this join condition is not supported").at(pos),
                );
            }
        };
        let kind = if kind == JoinKind::Inner && on.is_none() {
            JoinKind::Cross
        } else {
            kind
        };
        Ok(FromItem::Join {
            kind,
            left: Box::new(left),
            right: Box::new(right),
            on,
        })
    }

    fn visible_columns(&mut self, rtes: &[usize]) -> Vec<String> {
        let lv = self.level();
        let mut out = Vec::new();
        for &ri in rtes {
            for c in &lv.rtable[ri].columns {
                if !c.hidden && !out.contains(&c.name) {
                    out.push(c.name.clone());
                }
            }
        }
        out
    }

    fn find_side(
        &mut self,
        rtes: &[usize],
        name: &str,
        pos: Option<usize>,
        side: &str,
    ) -> Result<Expr> {
        let lv = self.level();
        if let Some((_, e)) = lv.merged.iter().find(|(n, _)| n == name) {
            return Ok(e.clone());
        }
        let mut hit = None;
        for &ri in rtes {
            let rte = &lv.rtable[ri];
            if let Some(ci) = rte.columns.iter().position(|c| c.name == name && !c.hidden) {
                if hit.is_some() {
                    return Err(SqlError::new(
                        sqlstate::AMBIGUOUS_COLUMN,
                        format!(
                            "common column name \"{name}\" appears more than once in {side} table"
                        ),
                    )
                    .at(pos));
                }
                let c = &rte.columns[ci];
                hit = Some(Expr::column(0, ri, ci, c, Some(rte.alias.clone()), pos));
            }
        }
        hit.ok_or_else(|| {
            SqlError::new(
                sqlstate::UNDEFINED_COLUMN,
                format!(
                    "column \"{name}\" specified in USING clause does not exist in {side} table"
                ),
            )
            .at(pos)
        })
    }

    /// JOIN … USING (a, b): equality conditions, and merged columns for unqualified names and
    /// `*` (which lists them first).
    fn using(
        &mut self,
        names: &[String],
        left: &[usize],
        right: &[usize],
        kind: JoinKind,
        pos: Option<usize>,
    ) -> Result<Expr> {
        let mut conds = Vec::with_capacity(names.len());
        let mut merged = Vec::with_capacity(names.len());
        for name in names {
            let l = self.find_side(left, name, pos, "left")?;
            let r = self.find_side(right, name, pos, "right")?;
            let eq = self.operator("=", vec![(l.clone(), pos), (r.clone(), pos)], pos)?;
            let t = match &eq.kind {
                ExprKind::Call { arg_types, .. } => arg_types.first().copied().unwrap_or(l.ty),
                _ => l.ty,
            };
            let l2 = self.coerce(l, t, -1, CastContext::Implicit, pos)?;
            let r2 = self.coerce(r, t, -1, CastContext::Implicit, pos)?;
            let m = match kind {
                JoinKind::Right => r2,
                JoinKind::Full => Expr::new(ExprKind::Coalesce(vec![l2, r2]), t),
                _ => l2,
            };
            merged.push((name.clone(), m));
            conds.push(eq);
        }
        // `*` lists merged columns first, without the joined tables' copies of them.
        let lv = self.level();
        let involved: Vec<usize> = left.iter().chain(right).copied().collect();
        let mut star: Vec<(String, Expr)> = merged.clone();
        let mut rest: Vec<(String, Expr)> = Vec::new();
        let mut kept: Vec<(String, Expr)> = Vec::new();
        for (n, e) in std::mem::take(&mut lv.star) {
            let from_join = match &e.kind {
                ExprKind::Column(c) => involved.contains(&c.rte),
                _ => lv.merged.iter().any(|(m, _)| *m == n),
            };
            if from_join {
                if !names.contains(&n) {
                    rest.push((n, e));
                }
            } else {
                kept.push((n, e));
            }
        }
        star.extend(rest);
        kept.extend(star);
        lv.star = kept;
        lv.merged.retain(|(n, _)| !names.contains(n));
        lv.merged.extend(merged);
        Ok(if conds.len() == 1 {
            conds.pop().unwrap_or_else(|| Expr::null(Type::BOOL))
        } else {
            Expr::new(ExprKind::And(conds), Type::BOOL)
        })
    }
}

/// The FROM item indexes inside a FROM tree.
fn rtes_of(item: &FromItem) -> Vec<usize> {
    match item {
        FromItem::Rte(i) => vec![*i],
        FromItem::Join { left, right, .. } => {
            let mut v = rtes_of(left);
            v.extend(rtes_of(right));
            v
        }
    }
}

/// Renames the first columns to the alias's column list (42P10-like error when too many).
fn rename(
    mut columns: Vec<RteColumn>,
    aliases: &[String],
    pos: Option<usize>,
) -> Result<Vec<RteColumn>> {
    if aliases.len() > columns.iter().filter(|c| !c.hidden).count() {
        return Err(SqlError::new(
            sqlstate::INVALID_COLUMN_REFERENCE,
            format!(
                "table has {} columns available but {} columns specified",
                columns.len(),
                aliases.len()
            ),
        )
        .at(pos));
    }
    for (c, a) in columns.iter_mut().zip(aliases) {
        c.name = a.clone();
    }
    Ok(columns)
}

/// The FROM-item columns of a subquery or CTE: PostgreSQL names (aliased), SQLite names made
/// unique.
fn rte_columns(
    out: &[OutColumn],
    aliases: &[String],
    pos: Option<usize>,
) -> Result<Vec<RteColumn>> {
    let mut cols: Vec<RteColumn> = Vec::with_capacity(out.len());
    for (i, c) in out.iter().enumerate() {
        cols.push(RteColumn {
            name: c.name.clone(),
            sqlite_name: format!("c{}", i + 1),
            ty: if c.ty == Type::UNKNOWN {
                Type::TEXT
            } else {
                c.ty
            },
            typmod: c.typmod,
            attnum: 0,
            hidden: false,
        });
    }
    rename(cols, aliases, pos)
}

/// An output column `name` for `x`, naming its table and column number when `x` reads a
/// table column of `rtable` (the current level's FROM items), as RowDescription reports them.
pub(super) fn out_column(name: String, x: &Expr, rtable: &[Rte]) -> OutColumn {
    let (mut table_oid, mut attnum) = (0, 0);
    if let ExprKind::Column(c) = &x.kind
        && c.level == 0
        && let Some(rte) = rtable.get(c.rte)
        && rte.table_oid != 0
        && let Some(col) = rte.columns.get(c.col)
    {
        table_oid = rte.table_oid;
        attnum = col.attnum;
    }
    OutColumn {
        name,
        ty: x.ty,
        typmod: x.typmod,
        table_oid,
        attnum,
    }
}

/// A query as a subquery of `SELECT * FROM (…)`, so that another ORDER BY/LIMIT/WITH can apply.
fn wrap(q: Query) -> Query {
    let columns = q.columns.clone();
    let rte_cols: Vec<RteColumn> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| RteColumn {
            name: c.name.clone(),
            sqlite_name: format!("c{}", i + 1),
            ty: c.ty,
            typmod: c.typmod,
            attnum: 0,
            hidden: false,
        })
        .collect();
    let alias = "wrapped#".to_string();
    let targets = rte_cols
        .iter()
        .enumerate()
        .map(|(i, c)| Expr::column(0, 0, i, c, Some(alias.clone()), None))
        .collect();
    Query {
        ctes: Vec::new(),
        recursive: false,
        body: QueryBody::Select(Box::new(Select {
            distinct: false,
            distinct_on: Vec::new(),
            targets,
            rtable: vec![Rte {
                alias,
                source: RteSource::Subquery(Box::new(q)),
                columns: rte_cols,
                table_oid: 0,
            }],
            from: vec![FromItem::Rte(0)],
            where_: None,
            group_by: Vec::new(),
            having: None,
            aggregating: false,
        })),
        order_by: Vec::new(),
        limit: None,
        offset: None,
        columns,
    }
}

/// Applies `f` to output column `i`'s expression in every branch of `q`.
pub(crate) fn map_targets(q: &mut Query, i: usize, f: &mut dyn FnMut(Expr) -> Expr) {
    match &mut q.body {
        QueryBody::Select(s) => {
            if let Some(t) = s.targets.get_mut(i) {
                let x = std::mem::replace(t, Expr::null(Type::TEXT));
                *t = f(x);
            }
        }
        QueryBody::Values(rows) => {
            for row in rows {
                if let Some(t) = row.get_mut(i) {
                    let x = std::mem::replace(t, Expr::null(Type::TEXT));
                    *t = f(x);
                }
            }
        }
        QueryBody::SetOp { left, right, .. } => {
            map_targets(left, i, f);
            map_targets(right, i, f);
        }
    }
    if let Some(t) = first_target_type(q, i)
        && let Some(c) = q.columns.get_mut(i)
    {
        c.ty = t;
    }
}

fn first_target_type(q: &Query, i: usize) -> Option<Type> {
    match &q.body {
        QueryBody::Select(s) => s.targets.get(i).map(|t| t.ty),
        QueryBody::Values(rows) => rows.first().and_then(|r| r.get(i)).map(|t| t.ty),
        QueryBody::SetOp { left, .. } => first_target_type(left, i),
    }
}

/// PostgreSQL's grouping rule: outside aggregate arguments, every column of this query level
/// must be grouped (or be inside a grouped expression).
fn check_grouping(
    group_by: &[Expr],
    targets: &[Expr],
    having: Option<&Expr>,
    keys: &[SortKey],
) -> Result<()> {
    let grouped: Vec<String> = group_by.iter().map(emit::expr).collect();
    let check = |e: &Expr| check_grouped(e, &grouped);
    for t in targets {
        check(t)?;
    }
    if let Some(h) = having {
        check(h)?;
    }
    for k in keys {
        if k.position.is_none() {
            check(&k.expr)?;
        }
    }
    Ok(())
}

fn check_grouped(e: &Expr, grouped: &[String]) -> Result<()> {
    if !grouped.is_empty() && grouped.contains(&emit::expr(e)) {
        return Ok(());
    }
    match &e.kind {
        ExprKind::Column(c) if c.level == 0 => {
            let shown = match &c.qualifier {
                Some(q) => format!("{}.{}", q.split('#').next().unwrap_or(q), c.name),
                None => c.name.clone(),
            };
            Err(SqlError::new(
                sqlstate::GROUPING_ERROR,
                format!(
                    "column \"{shown}\" must appear in the GROUP BY clause or be used in an aggregate function"
                ),
            )
            .at(c.position))
        }
        ExprKind::Aggregate { .. } | ExprKind::SubLink { .. } => Ok(()),
        ExprKind::WindowCall { args, window, .. } => {
            for a in args {
                check_grouped(a, grouped)?;
            }
            for p in &window.partition_by {
                check_grouped(p, grouped)?;
            }
            for k in &window.order_by {
                check_grouped(&k.expr, grouped)?;
            }
            Ok(())
        }
        _ => {
            let mut result = Ok(());
            e.for_each_child(&mut |c| {
                if result.is_ok() {
                    result = check_grouped(c, grouped);
                }
            });
            result
        }
    }
}

/// Does emitted SQLite text call `nextval` or `setval` (a name inside a literal only makes
/// the answer err on the safe side)?
pub(crate) fn calls_sequence_writer(sqlite: &str) -> bool {
    crate::func::host::SEQUENCE_WRITERS
        .iter()
        .any(|s| sqlite.contains(s))
}
