//! Expressions: literals, parameters, column references, operators, function calls, casts,
//! CASE and friends, subqueries, arrays, aggregates and window calls — each given its
//! PostgreSQL type.

use sqlparser::ast::{self, Spanned};

use super::coerce::{coerce, common_type};
use super::resolve::{Failure, Resolved, function_error, name_exists, operator_error, resolve};
use super::typename;
use super::{Analyzer, Clause, ident, object_name};
use crate::error::{Result, SqlError, sqlstate};
use crate::func::{Builtin, CastContext, Imp, Kind};
use crate::ir::{BoolTest, Expr, ExprKind, Frame, FrameBound, SortKey, SubLink, Window};
use crate::types::{Type, Typmod, format_type, io};
use crate::value::Value;

/// An analyzed expression with the position of its first token.
type Positioned = (Expr, Option<usize>);

/// Names that are functions without parentheses in PostgreSQL's grammar.
const VALUE_FUNCTIONS: &[&str] = &[
    "current_date",
    "current_time",
    "current_timestamp",
    "localtime",
    "localtimestamp",
    "current_user",
    "current_role",
    "session_user",
    "user",
    "current_schema",
    "current_catalog",
];

impl Analyzer<'_> {
    /// Coerces `e` to `ty`/`typmod` in `context`.
    pub fn coerce(
        &mut self,
        e: Expr,
        ty: Type,
        typmod: Typmod,
        context: CastContext,
        pos: Option<usize>,
    ) -> Result<Expr> {
        coerce(self.env, &mut self.params, e, ty, typmod, context, pos)
    }

    /// Coerces `e` to `ty`/`typmod` by assignment rules; when there is no such cast (42804 or
    /// 42846) the error is `mismatch()`, the statement's own wording of it.
    pub fn coerce_assignment(
        &mut self,
        e: Expr,
        ty: Type,
        typmod: Typmod,
        pos: Option<usize>,
        mismatch: impl FnOnce() -> SqlError,
    ) -> Result<Expr> {
        self.coerce(e, ty, typmod, CastContext::Assignment, pos)
            .map_err(|e| {
                if e.sqlstate == sqlstate::DATATYPE_MISMATCH
                    || e.sqlstate == sqlstate::CANNOT_COERCE
                {
                    mismatch()
                } else {
                    e
                }
            })
    }

    /// A boolean condition (`WHERE`, `AND` operands…): 42804 unless boolean or unknown.
    pub fn condition(&mut self, e: &ast::Expr, clause: Clause, what: &str) -> Result<Expr> {
        let pos = self.expr_pos(e);
        let x = self.expr(e, clause)?;
        self.as_condition(x, what, pos)
    }

    pub fn as_condition(&mut self, x: Expr, what: &str, pos: Option<usize>) -> Result<Expr> {
        if x.ty == Type::BOOL {
            return Ok(x);
        }
        if x.ty == Type::UNKNOWN {
            return self.coerce(x, Type::BOOL, -1, CastContext::Implicit, pos);
        }
        Err(SqlError::new(
            sqlstate::DATATYPE_MISMATCH,
            format!(
                "argument of {what} must be type boolean, not type {}",
                format_type(x.ty, -1)
            ),
        )
        .at(pos))
    }

    /// Analyzes an expression.
    pub fn expr(&mut self, e: &ast::Expr, clause: Clause) -> Result<Expr> {
        crate::interrupt::check()?;
        self.nested(|a| a.expr_inner(e, clause))
    }

    fn expr_inner(&mut self, e: &ast::Expr, clause: Clause) -> Result<Expr> {
        use ast::Expr as E;
        let pos = self.expr_pos(e);
        match e {
            E::Value(v) => self.literal(&v.value, pos),
            E::Identifier(i) => {
                let name = ident(i);
                if i.quote_style.is_none() && VALUE_FUNCTIONS.contains(&name.as_str()) {
                    return self.value_function(&name, pos);
                }
                self.column(&[name], pos)
            }
            E::CompoundIdentifier(parts) => {
                let names: Vec<String> = parts.iter().map(ident).collect();
                self.column(&names, pos)
            }
            E::CompoundFieldAccess { root, access_chain } => {
                self.field_access(root, access_chain, clause, pos)
            }
            E::Nested(inner) => self.expr(inner, clause),
            E::Cast {
                expr, data_type, ..
            } => {
                let t = typename::resolve(data_type).map_err(|err| err.at(pos))?;
                if let ast::Expr::Array(arr) = strip(expr)
                    && arr.elem.is_empty()
                    && t.ty.is_array()
                {
                    return Ok(Expr::constant(Value::Text("[]".into()), t.ty));
                }
                let x = self.expr(expr, clause)?;
                // Bad input points at the literal; an impossible cast at the `::`.
                let cast_pos = if x.ty == Type::UNKNOWN {
                    pos
                } else {
                    self.pos_after(expr.span()).or(pos)
                };
                self.coerce(x, t.ty, t.typmod, CastContext::Explicit, cast_pos)
            }
            E::TypedString(ts) => {
                let t = typename::resolve(&ts.data_type).map_err(|err| err.at(pos))?;
                let vpos = self.pos(ts.value.span).or(pos);
                let x = self.literal(&ts.value.value, vpos)?;
                self.coerce(x, t.ty, t.typmod, CastContext::Explicit, vpos)
            }
            E::Interval(iv) => self.interval_literal(iv, clause, pos),
            E::UnaryOp { op, expr } => self.unary(*op, expr, clause, pos),
            E::BinaryOp { left, op, right } => self.binary(e, left, op, right, clause),
            E::IsNull(x) | E::IsNotNull(x) => {
                let negated = matches!(e, E::IsNotNull(_));
                if let Some(items) = row_items(x) {
                    // A row IS NULL when every field is; IS NOT NULL when none is.
                    let mut parts = Vec::with_capacity(items.len());
                    for item in items {
                        let arg = self.expr(item, clause)?;
                        let arg = self.resolve_unknown(arg)?;
                        parts.push(Expr::new(
                            ExprKind::IsNull {
                                arg: Box::new(arg),
                                negated,
                            },
                            Type::BOOL,
                        ));
                    }
                    return Ok(Expr::new(ExprKind::And(parts), Type::BOOL));
                }
                let arg = self.expr(x, clause)?;
                let arg = self.resolve_unknown(arg)?;
                Ok(Expr::new(
                    ExprKind::IsNull {
                        arg: Box::new(arg),
                        negated,
                    },
                    Type::BOOL,
                ))
            }
            E::IsTrue(x)
            | E::IsNotTrue(x)
            | E::IsFalse(x)
            | E::IsNotFalse(x)
            | E::IsUnknown(x)
            | E::IsNotUnknown(x) => {
                let test = match e {
                    E::IsTrue(_) => BoolTest::IsTrue,
                    E::IsNotTrue(_) => BoolTest::IsNotTrue,
                    E::IsFalse(_) => BoolTest::IsFalse,
                    E::IsNotFalse(_) => BoolTest::IsNotFalse,
                    E::IsUnknown(_) => BoolTest::IsUnknown,
                    _ => BoolTest::IsNotUnknown,
                };
                let what = match test {
                    BoolTest::IsTrue => "IS TRUE",
                    BoolTest::IsNotTrue => "IS NOT TRUE",
                    BoolTest::IsFalse => "IS FALSE",
                    BoolTest::IsNotFalse => "IS NOT FALSE",
                    BoolTest::IsUnknown => "IS UNKNOWN",
                    BoolTest::IsNotUnknown => "IS NOT UNKNOWN",
                };
                let arg = self.condition(x, clause, what)?;
                Ok(Expr::new(
                    ExprKind::BoolTest {
                        arg: Box::new(arg),
                        test,
                    },
                    Type::BOOL,
                ))
            }
            E::IsDistinctFrom(l, r) | E::IsNotDistinctFrom(l, r) => {
                let negated = matches!(e, E::IsNotDistinctFrom(..));
                let lp = self.expr_pos(l);
                let rp = self.expr_pos(r);
                let l = self.expr(l, clause)?;
                let r = self.expr(r, clause)?;
                let op_pos = self.pos_after(e.span());
                let call = self.operator("=", vec![(l, lp), (r, rp)], op_pos)?;
                let ExprKind::Call { mut args, .. } = call.kind else {
                    return Err(SqlError::internal("IS DISTINCT FROM: no operator"));
                };
                let r = args.pop().ok_or_else(|| SqlError::internal("no right"))?;
                let l = args.pop().ok_or_else(|| SqlError::internal("no left"))?;
                Ok(Expr::new(
                    ExprKind::Distinct {
                        left: Box::new(l),
                        right: Box::new(r),
                        negated,
                    },
                    Type::BOOL,
                ))
            }
            E::In {
                expr,
                target,
                negated,
                ..
            } => match target {
                ast::InTarget::List(list) => self.in_list(expr, list, *negated, clause, pos),
                ast::InTarget::Subquery(q) => self.in_subquery(expr, q, *negated, clause, pos),
                _ => Err(SqlError::not_supported("this form of IN is not supported").at(pos)),
            },
            E::Between {
                expr,
                negated,
                low,
                high,
            } => {
                let xp = self.expr_pos(expr);
                let x = self.expr(expr, clause)?;
                let lo_pos = self.expr_pos(low);
                let hi_pos = self.expr_pos(high);
                let lo = self.expr(low, clause)?;
                let hi = self.expr(high, clause)?;
                let (a, b) = if *negated { ("<", ">") } else { (">=", "<=") };
                let first = self.operator(a, vec![(x.clone(), xp), (lo, lo_pos)], pos)?;
                let second = self.operator(b, vec![(x, xp), (hi, hi_pos)], pos)?;
                Ok(Expr::new(
                    if *negated {
                        ExprKind::Or(vec![first, second])
                    } else {
                        ExprKind::And(vec![first, second])
                    },
                    Type::BOOL,
                ))
            }
            E::Like {
                negated,
                expr,
                pattern,
                escape_char,
                any,
            }
            | E::ILike {
                negated,
                expr,
                pattern,
                escape_char,
                any,
            } => {
                if *any {
                    return Err(SqlError::not_supported("LIKE ANY is not supported").at(pos));
                }
                let ilike = matches!(e, E::ILike { .. });
                let op = match (ilike, negated) {
                    (false, false) => "~~",
                    (false, true) => "!~~",
                    (true, false) => "~~*",
                    (true, true) => "!~~*",
                };
                self.pattern_match(
                    op,
                    expr,
                    pattern,
                    escape_char.as_deref(),
                    "like_escape",
                    clause,
                )
            }
            E::SimilarTo {
                negated,
                expr,
                pattern,
                escape_char,
            } => {
                let op = if *negated { "!~" } else { "~" };
                let xp = self.expr_pos(expr);
                let x = self.expr(expr, clause)?;
                let pp = self.expr_pos(pattern);
                let p = self.expr(pattern, clause)?;
                let mut args = vec![(p, pp)];
                if let Some(esc) = escape_char {
                    let ep = self.expr_pos(esc);
                    args.push((self.expr(esc, clause)?, ep));
                }
                let regex = self.function("similar_to_escape", args, pp)?;
                self.operator(op, vec![(x, xp), (regex, pp)], pos)
            }
            E::AnyOp {
                left,
                compare_op,
                right,
                ..
            } => self.quantified(left, compare_op, right, false, clause, pos),
            E::AllOp {
                left,
                compare_op,
                right,
            } => self.quantified(left, compare_op, right, true, clause, pos),
            E::Case {
                operand,
                conditions,
                else_result,
                ..
            } => self.case(
                operand.as_deref(),
                conditions,
                else_result.as_deref(),
                clause,
            ),
            E::Exists { subquery, negated } => {
                let q = self.subquery(subquery)?;
                let x = Expr::new(
                    ExprKind::SubLink {
                        kind: SubLink::Exists,
                        query: Box::new(q),
                    },
                    Type::BOOL,
                );
                Ok(if *negated {
                    Expr::new(ExprKind::Not(Box::new(x)), Type::BOOL)
                } else {
                    x
                })
            }
            E::Subquery(q) => {
                let q = self.subquery(q)?;
                if q.columns.len() != 1 {
                    return Err(SqlError::syntax("subquery must return only one column").at(pos));
                }
                let col = &q.columns[0];
                let (ty, typmod) = (col.ty, col.typmod);
                Ok(Expr {
                    kind: ExprKind::SubLink {
                        kind: SubLink::Scalar,
                        query: Box::new(q),
                    },
                    ty: if ty == Type::UNKNOWN { Type::TEXT } else { ty },
                    typmod,
                })
            }
            E::Array(arr) => self.array(&arr.elem, clause, pos),
            E::Function(f) => self.function_call(f, clause, pos),
            E::Extract { field, expr, .. } => {
                let field_name = datetime_field(field);
                let xp = self.expr_pos(expr);
                let x = self.expr(expr, clause)?;
                let f = Expr::constant(Value::Text(field_name), Type::UNKNOWN);
                self.function("extract", vec![(f, pos), (x, xp)], pos)
            }
            E::Position { expr, r#in } => {
                let a = self.expr_pos(expr);
                let b = self.expr_pos(r#in);
                let needle = self.expr(expr, clause)?;
                let hay = self.expr(r#in, clause)?;
                self.function("position", vec![(hay, b), (needle, a)], pos)
            }
            E::Substring {
                expr,
                substring_from,
                substring_for,
                ..
            } => {
                let mut args = Vec::new();
                let xp = self.expr_pos(expr);
                args.push((self.expr(expr, clause)?, xp));
                match (substring_from, substring_for) {
                    (Some(f), Some(n)) => {
                        let fp = self.expr_pos(f);
                        args.push((self.expr(f, clause)?, fp));
                        let np = self.expr_pos(n);
                        args.push((self.expr(n, clause)?, np));
                    }
                    (Some(f), None) => {
                        let fp = self.expr_pos(f);
                        args.push((self.expr(f, clause)?, fp));
                    }
                    (None, Some(n)) => {
                        args.push((Expr::constant(Value::Int(1), Type::INT4), pos));
                        let np = self.expr_pos(n);
                        args.push((self.expr(n, clause)?, np));
                    }
                    (None, None) => {}
                }
                self.function("substring", args, pos)
            }
            E::Trim {
                expr,
                trim_where,
                trim_what,
                trim_characters,
            } => {
                let name = match trim_where {
                    Some(ast::TrimWhereField::Leading) => "ltrim",
                    Some(ast::TrimWhereField::Trailing) => "rtrim",
                    _ => "btrim",
                };
                let xp = self.expr_pos(expr);
                let mut args = vec![(self.expr(expr, clause)?, xp)];
                if let Some(w) = trim_what {
                    let wp = self.expr_pos(w);
                    args.push((self.expr(w, clause)?, wp));
                } else if let Some(chars) = trim_characters
                    && let Some(c) = chars.first()
                {
                    let cp = self.expr_pos(c);
                    args.push((self.expr(c, clause)?, cp));
                }
                self.function(name, args, pos)
            }
            E::Overlay {
                expr,
                overlay_what,
                overlay_from,
                overlay_for,
            } => {
                let mut args = Vec::new();
                for x in [expr, overlay_what, overlay_from] {
                    let p = self.expr_pos(x);
                    args.push((self.expr(x, clause)?, p));
                }
                if let Some(n) = overlay_for {
                    let p = self.expr_pos(n);
                    args.push((self.expr(n, clause)?, p));
                }
                self.function("overlay", args, pos)
            }
            E::Ceil { expr, .. } | E::Floor { expr, .. } => {
                let name = if matches!(e, E::Ceil { .. }) {
                    "ceil"
                } else {
                    "floor"
                };
                let xp = self.expr_pos(expr);
                let x = self.expr(expr, clause)?;
                self.function(name, vec![(x, xp)], pos)
            }
            E::AtTimeZone {
                timestamp,
                time_zone,
            } => {
                let tp = self.expr_pos(timestamp);
                let zp = self.expr_pos(time_zone);
                let ts = self.expr(timestamp, clause)?;
                let zone = self.expr(time_zone, clause)?;
                self.function("timezone", vec![(zone, zp), (ts, tp)], pos)
            }
            E::Collate { expr, collation } => {
                let names = object_name(collation);
                let name = names.last().map(String::as_str).unwrap_or("");
                if !matches!(name, "C" | "POSIX" | "default" | "c" | "ucs_basic") {
                    return Err(SqlError::new(
                        sqlstate::UNDEFINED_OBJECT,
                        format!(
                            "collation \"{}\" for encoding \"UTF8\" does not exist",
                            names.join(".")
                        ),
                    )
                    .at(pos));
                }
                self.expr(expr, clause)
            }
            E::Tuple(items) => {
                let items: Vec<&ast::Expr> = items.iter().collect();
                self.row_value(&items, clause)
            }
            other => Err(SqlError::not_supported(format!(
                "this kind of expression is not supported: {}",
                short(&other.to_string())
            ))
            .at(pos)),
        }
    }

    /// An unknown-typed expression (a bare literal or parameter) as text, as PostgreSQL
    /// resolves one that meets no context.
    pub fn resolve_unknown(&mut self, x: Expr) -> Result<Expr> {
        if x.ty == Type::UNKNOWN {
            self.coerce(x, Type::TEXT, -1, CastContext::Implicit, None)
        } else {
            Ok(x)
        }
    }

    fn literal(&mut self, v: &ast::Value, pos: Option<usize>) -> Result<Expr> {
        use ast::Value as V;
        Ok(match v {
            V::Number(s, _) => number_literal(s, false, self)?,
            V::SingleQuotedString(s)
            | V::EscapedStringLiteral(s)
            | V::UnicodeStringLiteral(s)
            | V::NationalStringLiteral(s)
            | V::TripleSingleQuotedString(s) => {
                if s.contains('\0') {
                    return Err(SqlError::new(
                        sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
                        "invalid byte sequence for encoding \"UTF8\": 0x00",
                    )
                    .at(pos));
                }
                Expr::constant(Value::Text(s.clone()), Type::UNKNOWN)
            }
            V::DollarQuotedString(d) => Expr::constant(Value::Text(d.value.clone()), Type::UNKNOWN),
            V::Boolean(b) => Expr::constant(Value::Int(i64::from(*b)), Type::BOOL),
            V::Null => Expr::null(Type::UNKNOWN),
            V::Placeholder(p) => {
                let n: usize = p
                    .strip_prefix('$')
                    .and_then(|d| d.parse().ok())
                    .filter(|n| *n >= 1 && *n <= 65_535)
                    .ok_or_else(|| {
                        SqlError::new(
                            sqlstate::UNDEFINED_PARAMETER,
                            format!("there is no parameter {p}"),
                        )
                        .at(pos)
                    })?;
                if self.params.len() < n {
                    self.params.resize(n, Type::UNKNOWN);
                }
                Expr::new(ExprKind::Param(n - 1), self.params[n - 1])
            }
            V::HexStringLiteral(_) | V::SingleQuotedByteStringLiteral(_) => {
                return Err(
                    SqlError::not_supported("bit string literals are not supported").at(pos),
                );
            }
            other => {
                return Err(SqlError::syntax(format!(
                    "syntax error at or near \"{}\"",
                    short(&other.to_string())
                ))
                .at(pos));
            }
        })
    }

    fn interval_literal(
        &mut self,
        iv: &ast::Interval,
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        let x = self.expr(&iv.value, clause)?;
        let x = match (x.kind, &iv.leading_field) {
            (ExprKind::Const(Value::Text(s)), Some(field)) if iv.last_field.is_none() => {
                let unit = datetime_field(field);
                let trimmed = s.trim();
                let text = if !trimmed.is_empty()
                    && trimmed
                        .chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+'))
                {
                    format!("{trimmed} {unit}")
                } else {
                    s
                };
                Expr::constant(Value::Text(text), Type::UNKNOWN)
            }
            (kind, _) => Expr {
                kind,
                ty: x.ty,
                typmod: x.typmod,
            },
        };
        let typmod = iv
            .fractional_seconds_precision
            .map_or(-1, |p| i32::try_from(p.min(6)).unwrap_or(6));
        self.coerce(x, Type::INTERVAL, typmod, CastContext::Explicit, pos)
    }

    fn value_function(&mut self, name: &str, pos: Option<usize>) -> Result<Expr> {
        let fname = match name {
            "user" | "current_role" => "current_user",
            "current_catalog" => "current_database",
            other => other,
        };
        self.function(fname, Vec::new(), pos)
    }

    // ---- column references ----

    /// Resolves `a`, `t.a` or `s.t.a`.
    pub fn column(&mut self, names: &[String], pos: Option<usize>) -> Result<Expr> {
        let (qual, col): (Option<&[String]>, &String) = match names {
            [c] => (None, c),
            [rest @ .., c] => (Some(rest), c),
            [] => return Err(SqlError::internal("empty column name")),
        };
        for level in (0..self.levels.len()).rev() {
            let up = self.levels.len() - 1 - level;
            if self.levels[level].hidden {
                continue;
            }
            if let Some(found) = self.find_in_level(level, up, qual, col, pos)? {
                return Ok(found);
            }
        }
        if qual.is_none()
            && let Some(row) = self.whole_row(col, pos)
        {
            return Ok(row);
        }
        if let Some(q) = qual {
            let table = q.last().cloned().unwrap_or_default();
            if !self.any_level_has_name(&table) {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_TABLE,
                    format!("missing FROM-clause entry for table \"{table}\""),
                )
                .at(pos));
            }
            return Err(SqlError::new(
                sqlstate::UNDEFINED_COLUMN,
                format!("column {}.{col} does not exist", q.join(".")),
            )
            .at(pos));
        }
        Err(SqlError::new(
            sqlstate::UNDEFINED_COLUMN,
            format!("column \"{col}\" does not exist"),
        )
        .at(pos))
    }

    /// A whole-row reference: `t` naming a FROM item (innermost first) is the row of its
    /// visible columns.
    fn whole_row(&self, name: &str, pos: Option<usize>) -> Option<Expr> {
        for level in (0..self.levels.len()).rev() {
            let up = self.levels.len() - 1 - level;
            let lv = &self.levels[level];
            if lv.hidden {
                continue;
            }
            let Some(ri) = lv.names.iter().position(|n| n.as_deref() == Some(name)) else {
                continue;
            };
            let rte = &lv.rtable[ri];
            let mut fields = Vec::new();
            let mut names = Vec::new();
            for (ci, c) in rte.columns.iter().enumerate() {
                if c.hidden {
                    continue;
                }
                fields.push(column_expr(up, ri, ci, rte, pos));
                names.push(c.name.clone());
            }
            return Some(Expr::new(ExprKind::Row { fields, names }, Type::RECORD));
        }
        None
    }

    fn any_level_has_name(&self, name: &str) -> bool {
        self.levels
            .iter()
            .filter(|l| !l.hidden)
            .any(|l| l.names.iter().flatten().any(|n| n == name))
    }

    fn find_in_level(
        &self,
        level: usize,
        up: usize,
        qual: Option<&[String]>,
        col: &str,
        pos: Option<usize>,
    ) -> Result<Option<Expr>> {
        let lv = &self.levels[level];
        let bump = |mut e: Expr| {
            bump_levels(&mut e, up);
            e
        };
        match qual {
            None => {
                if let Some((_, e)) = lv.merged.iter().find(|(n, _)| n == col) {
                    return Ok(Some(bump(e.clone())));
                }
                let mut found: Option<Expr> = None;
                for (ri, rte) in lv.rtable.iter().enumerate() {
                    if lv.names.get(ri).is_none() {
                        continue;
                    }
                    if lv.hoisted.contains(&ri) {
                        continue;
                    }
                    for (ci, c) in rte.columns.iter().enumerate() {
                        if c.name == col && !c.hidden {
                            if found.is_some() {
                                return Err(SqlError::new(
                                    sqlstate::AMBIGUOUS_COLUMN,
                                    format!("column reference \"{col}\" is ambiguous"),
                                )
                                .at(pos));
                            }
                            found = Some(column_expr(up, ri, ci, rte, pos));
                        }
                    }
                }
                Ok(found)
            }
            Some(q) => {
                let table = q.last().map(String::as_str).unwrap_or("");
                let schema = (q.len() >= 2).then(|| q[q.len() - 2].as_str());
                let mut hit = None;
                for (ri, name) in lv.names.iter().enumerate() {
                    if name.as_deref() != Some(table) {
                        continue;
                    }
                    let rte = &lv.rtable[ri];
                    if let Some(s) = schema
                        && !rte_in_schema(rte, s)
                    {
                        continue;
                    }
                    if hit.is_some() {
                        return Err(SqlError::new(
                            sqlstate::AMBIGUOUS_ALIAS,
                            format!("table reference \"{table}\" is ambiguous"),
                        )
                        .at(pos));
                    }
                    hit = Some(ri);
                }
                let Some(ri) = hit else { return Ok(None) };
                let rte = &lv.rtable[ri];
                match rte.columns.iter().position(|c| c.name == col) {
                    Some(ci) => Ok(Some(column_expr(up, ri, ci, rte, pos))),
                    None => Err(SqlError::new(
                        sqlstate::UNDEFINED_COLUMN,
                        format!("column {table}.{col} does not exist"),
                    )
                    .at(pos)),
                }
            }
        }
    }

    fn field_access(
        &mut self,
        root: &ast::Expr,
        chain: &[ast::AccessExpr],
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        // `t.a[1]` arrives as root `t` with a Dot then a Subscript: fold leading dots into a
        // qualified name.
        let mut names: Vec<String> = Vec::new();
        let mut rest = chain;
        if let ast::Expr::Identifier(i) = root {
            names.push(ident(i));
            while let Some((ast::AccessExpr::Dot(ast::Expr::Identifier(f)), tail)) =
                rest.split_first()
            {
                names.push(ident(f));
                rest = tail;
            }
        }
        let mut x = if names.is_empty() {
            self.expr(root, clause)?
        } else {
            self.column(&names, pos)?
        };
        let mut subs: Vec<&ast::Subscript> = Vec::new();
        for access in rest {
            match access {
                ast::AccessExpr::Subscript(sub) => subs.push(sub),
                ast::AccessExpr::Dot(_) => {
                    return Err(SqlError::not_supported(
                        "field selection from a composite value is not supported",
                    )
                    .at(pos));
                }
            }
        }
        if !subs.is_empty() {
            x = self.subscripts(x, &subs, clause, pos)?;
        }
        Ok(x)
    }

    /// `a[i][j]` (one element) or `a[lo:hi]…` (a slice; a plain index in a slice is `1:i`).
    fn subscripts(
        &mut self,
        x: Expr,
        subs: &[&ast::Subscript],
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        let x = if x.ty == Type::UNKNOWN {
            self.resolve_unknown(x)?
        } else {
            x
        };
        if let Some((symbol, elem)) = crate::func::catalog::special_subscript(x.ty)
            && let [ast::Subscript::Index { index }] = subs
        {
            let p = self.expr_pos(index);
            let i = self.expr(index, clause)?;
            let i = self.coerce(i, Type::INT4, -1, CastContext::Assignment, p)?;
            return Ok(Expr::new(
                ExprKind::Internal {
                    symbol,
                    args: vec![x, i],
                },
                elem,
            ));
        }
        let Some(elem) = x.ty.elem() else {
            return Err(SqlError::new(
                sqlstate::DATATYPE_MISMATCH,
                format!(
                    "cannot subscript type {} because it does not support subscripting",
                    format_type(x.ty, -1)
                ),
            )
            .at(pos));
        };
        let int = |a: &mut Self, e: &ast::Expr| -> Result<Expr> {
            let p = a.expr_pos(e);
            let v = a.expr(e, clause)?;
            a.coerce(v, Type::INT4, -1, CastContext::Assignment, p)
        };
        let slice = subs
            .iter()
            .any(|s| matches!(s, ast::Subscript::Slice { .. }));
        let bound = |v: i32| Expr::constant(Value::Int(i64::from(v)), Type::INT4);
        let mut args = Vec::new();
        for sub in subs {
            match sub {
                ast::Subscript::Index { index } => {
                    if slice {
                        args.push(bound(1));
                    }
                    args.push(int(self, index)?);
                }
                ast::Subscript::Slice {
                    lower_bound,
                    upper_bound,
                    ..
                } => {
                    args.push(match lower_bound {
                        Some(l) => int(self, l)?,
                        None => bound(i32::MIN),
                    });
                    args.push(match upper_bound {
                        Some(u) => int(self, u)?,
                        None => bound(i32::MAX),
                    });
                }
            }
        }
        let (ty, typmod) = if slice {
            (x.ty, x.typmod)
        } else {
            (elem, x.typmod)
        };
        Ok(Expr {
            kind: ExprKind::Subscript {
                array: Box::new(x),
                index: Box::new(Expr::new(ExprKind::Array(args), Type::INT4_ARRAY)),
                upper: None,
                slice,
            },
            ty,
            typmod,
        })
    }

    // ---- operators ----

    fn unary(
        &mut self,
        op: ast::UnaryOperator,
        inner: &ast::Expr,
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        use ast::UnaryOperator as U;
        if op == U::Minus
            && let ast::Expr::Value(v) = inner
            && let ast::Value::Number(s, _) = &v.value
        {
            return number_literal(s, true, self);
        }
        // PostgreSQL's unary minus binds tighter than `^`: `-2 ^ 2` is `(-2) ^ 2`.
        if op == U::Minus
            && let ast::Expr::BinaryOp {
                left,
                op: ast::BinaryOperator::PGExp,
                right,
            } = inner
        {
            let negated = ast::Expr::UnaryOp {
                op: U::Minus,
                expr: left.clone(),
            };
            let whole = ast::Expr::BinaryOp {
                left: Box::new(negated),
                op: ast::BinaryOperator::PGExp,
                right: right.clone(),
            };
            return self.expr(&whole, clause);
        }
        let name = match op {
            U::Not => {
                let x = self.condition(inner, clause, "NOT")?;
                return Ok(Expr::new(ExprKind::Not(Box::new(x)), Type::BOOL));
            }
            U::Minus => "-",
            U::Plus => "+",
            U::BitwiseNot => "~",
            U::PGSquareRoot => "|/",
            U::PGCubeRoot => "||/",
            U::PGAbs => "@",
            other => {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_FUNCTION,
                    format!("operator does not exist: {other}"),
                )
                .at(pos));
            }
        };
        let ip = self.expr_pos(inner);
        let x = self.expr(inner, clause)?;
        self.operator(name, vec![(x, ip)], pos)
    }

    fn binary(
        &mut self,
        whole: &ast::Expr,
        left: &ast::Expr,
        op: &ast::BinaryOperator,
        right: &ast::Expr,
        clause: Clause,
    ) -> Result<Expr> {
        use ast::BinaryOperator as B;
        if matches!(op, B::And | B::Or) {
            return self.bool_chain(whole, op, clause);
        }
        if *op == B::Overlaps {
            return self.overlaps(left, right, clause);
        }
        let name = match op {
            B::Plus => "+",
            B::Minus => "-",
            B::Multiply => "*",
            B::Divide => "/",
            B::Modulo => "%",
            B::StringConcat => "||",
            B::Gt => ">",
            B::Lt => "<",
            B::GtEq => ">=",
            B::LtEq => "<=",
            B::Eq => "=",
            B::NotEq => "<>",
            B::BitwiseOr => "|",
            B::BitwiseAnd => "&",
            B::PGBitwiseXor => "#",
            B::PGBitwiseShiftLeft => "<<",
            B::PGBitwiseShiftRight => ">>",
            B::PGExp => "^",
            B::PGOverlap => "&&",
            B::PGRegexMatch => "~",
            B::PGRegexIMatch => "~*",
            B::PGRegexNotMatch => "!~",
            B::PGRegexNotIMatch => "!~*",
            B::PGLikeMatch => "~~",
            B::PGILikeMatch => "~~*",
            B::PGNotLikeMatch => "!~~",
            B::PGNotILikeMatch => "!~~*",
            B::PGStartsWith => "^@",
            B::Arrow => "->",
            B::LongArrow => "->>",
            B::HashArrow => "#>",
            B::HashLongArrow => "#>>",
            B::AtArrow => "@>",
            B::ArrowAt => "<@",
            B::HashMinus => "#-",
            B::Question => "?",
            B::QuestionAnd => "?&",
            B::QuestionPipe => "?|",
            B::AtQuestion => "@?",
            B::AtAt => "@@",
            B::PGCustomBinaryOperator(parts) => parts.last().map(String::as_str).unwrap_or(""),
            other => {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_FUNCTION,
                    format!("operator does not exist: {other}"),
                )
                .at(self.pos_after(left.span())));
            }
        };
        let op_pos = self.pos_after(left.span());
        if let (Some(l), Some(r)) = (row_items(left), row_items(right)) {
            return self.row_compare(name, &l, &r, clause, op_pos);
        }
        let lp = self.expr_pos(left);
        let rp = self.expr_pos(right);
        let l = self.expr(left, clause)?;
        let r = self.expr(right, clause)?;
        self.operator(name, vec![(l, lp), (r, rp)], op_pos)
    }

    /// `(start1, end1) OVERLAPS (start2, end2)`: a call of `pg_catalog.overlaps` with the
    /// four values (each end an instant or an interval after its start), as PostgreSQL's
    /// grammar makes it. Only a two-value row on each side is one.
    fn overlaps(&mut self, left: &ast::Expr, right: &ast::Expr, clause: Clause) -> Result<Expr> {
        let op_pos = self.pos_after(left.span());
        let mut args = Vec::with_capacity(4);
        for (side, e) in [("left", left), ("right", right)] {
            let Some(items) = row_items(e) else {
                return Err(SqlError::syntax("syntax error at or near \"overlaps\"").at(op_pos));
            };
            if items.len() != 2 {
                return Err(SqlError::syntax(format!(
                    "wrong number of parameters on {side} side of OVERLAPS expression"
                ))
                .at(self.expr_pos(e)));
            }
            for x in items {
                let p = self.expr_pos(x);
                args.push((self.expr(x, clause)?, p));
            }
        }
        let types: Vec<Type> = args.iter().map(|(e, _)| e.ty).collect();
        match resolve("overlaps", &[Kind::Function], &types) {
            Ok(r) => self.apply(r, args),
            Err(f) => Err(function_error("pg_catalog.overlaps", &types, f).at(op_pos)),
        }
    }

    /// `a AND b AND c …` (or OR), flattened without recursion so that long chains are fine.
    fn bool_chain(
        &mut self,
        whole: &ast::Expr,
        op: &ast::BinaryOperator,
        clause: Clause,
    ) -> Result<Expr> {
        let mut operands: Vec<&ast::Expr> = Vec::new();
        let mut stack = vec![whole];
        while let Some(e) = stack.pop() {
            match e {
                ast::Expr::BinaryOp { left, op: o, right } if o == op => {
                    stack.push(right);
                    stack.push(left);
                }
                ast::Expr::Nested(inner) if matches!(&**inner, ast::Expr::BinaryOp { op: o, .. } if o == op) =>
                {
                    stack.push(inner);
                }
                other => operands.push(other),
            }
        }
        let what = if *op == ast::BinaryOperator::And {
            "AND"
        } else {
            "OR"
        };
        let mut args = Vec::with_capacity(operands.len());
        for x in operands {
            args.push(self.condition(x, clause, what)?);
        }
        Ok(Expr::new(
            if *op == ast::BinaryOperator::And {
                ExprKind::And(args)
            } else {
                ExprKind::Or(args)
            },
            Type::BOOL,
        ))
    }

    /// A comparison of two rows, field by field as PostgreSQL defines it: `=` holds when
    /// every pair is equal, `<>` when some pair differs; `<` `<=` `>` `>=` decide at the first
    /// pair that is not equal (NULL when that pair holds a NULL).
    fn row_compare(
        &mut self,
        op: &str,
        l: &[&ast::Expr],
        r: &[&ast::Expr],
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        if l.len() != r.len() {
            return Err(SqlError::syntax("unequal number of entries in row expressions").at(pos));
        }
        if !matches!(op, "=" | "<>" | "<" | "<=" | ">" | ">=") {
            return Err(SqlError::not_supported(format!(
                "row comparison with {op} is not supported"
            ))
            .at(pos));
        }
        let mut pairs = Vec::with_capacity(l.len());
        for (a, b) in l.iter().zip(r) {
            let ap = self.expr_pos(a);
            let bp = self.expr_pos(b);
            pairs.push(((self.expr(a, clause)?, ap), (self.expr(b, clause)?, bp)));
        }
        self.row_compare_exprs(op, pairs, pos)
    }

    fn row_compare_exprs(
        &mut self,
        op: &str,
        pairs: Vec<(Positioned, Positioned)>,
        pos: Option<usize>,
    ) -> Result<Expr> {
        let bool_expr = |k| Expr::new(k, Type::BOOL);
        match op {
            "=" | "<>" => {
                let mut parts = Vec::with_capacity(pairs.len());
                for (x, y) in pairs {
                    parts.push(self.operator(op, vec![x, y], pos)?);
                }
                Ok(bool_expr(if op == "=" {
                    ExprKind::And(parts)
                } else {
                    ExprKind::Or(parts)
                }))
            }
            _ => {
                // a1 < b1 OR (a1 = b1 AND a2 < b2) OR … (the last pair with the operator
                // itself, so `<=` holds for equal rows).
                let strict = &op[..1];
                let n = pairs.len();
                let mut equal_so_far: Vec<Expr> = Vec::new();
                let mut terms = Vec::with_capacity(n);
                for (i, (x, y)) in pairs.into_iter().enumerate() {
                    let this_op = if i + 1 == n { op } else { strict };
                    let cmp = self.operator(this_op, vec![x.clone(), y.clone()], pos)?;
                    let mut conj = equal_so_far.clone();
                    conj.push(cmp);
                    terms.push(if conj.len() == 1 {
                        conj.remove(0)
                    } else {
                        bool_expr(ExprKind::And(conj))
                    });
                    if i + 1 < n {
                        equal_so_far.push(self.operator("=", vec![x, y], pos)?);
                    }
                }
                Ok(if terms.len() == 1 {
                    terms.remove(0)
                } else {
                    bool_expr(ExprKind::Or(terms))
                })
            }
        }
    }

    /// A row constructor as a value of type `record`.
    fn row_value(&mut self, items: &[&ast::Expr], clause: Clause) -> Result<Expr> {
        let mut fields = Vec::with_capacity(items.len());
        for e in items {
            let x = self.expr(e, clause)?;
            fields.push(self.resolve_unknown(x)?);
        }
        let names = (1..=fields.len()).map(|i| format!("f{i}")).collect();
        Ok(Expr::new(ExprKind::Row { fields, names }, Type::RECORD))
    }

    /// Applies operator `name` to analyzed operands.
    pub fn operator(
        &mut self,
        name: &str,
        args: Vec<(Expr, Option<usize>)>,
        pos: Option<usize>,
    ) -> Result<Expr> {
        self.call(name, Kind::Operator, args, pos)
    }

    /// Calls function `name` with analyzed arguments (no aggregates).
    pub fn function(
        &mut self,
        name: &str,
        args: Vec<(Expr, Option<usize>)>,
        pos: Option<usize>,
    ) -> Result<Expr> {
        self.call(name, Kind::Function, args, pos)
    }

    /// Resolves operator or function `name` (`kind`) for the arguments' types and applies it;
    /// a function that does not resolve may be a type's name (a cast).
    fn call(
        &mut self,
        name: &str,
        kind: Kind,
        args: Vec<(Expr, Option<usize>)>,
        pos: Option<usize>,
    ) -> Result<Expr> {
        let types: Vec<Type> = args.iter().map(|(e, _)| e.ty).collect();
        let failure = match resolve(name, &[kind], &types) {
            Ok(r) => return self.apply(r, args),
            Err(f) => f,
        };
        if kind == Kind::Operator {
            return Err(operator_error(name, &types, failure).at(pos));
        }
        if let Some(x) = self.function_as_cast(name, &args)? {
            return Ok(x);
        }
        Err(function_error(name, &types, failure).at(pos))
    }

    /// `int4(x)`, `text(x)`: a one-argument call named like a type is a cast.
    fn function_as_cast(
        &mut self,
        name: &str,
        args: &[(Expr, Option<usize>)],
    ) -> Result<Option<Expr>> {
        let [(x, p)] = args else { return Ok(None) };
        let Some(ty) = Type::by_name(name).filter(|t| !t.is_pseudo()) else {
            return Ok(None);
        };
        if !super::coerce::can_coerce(x.ty, ty, CastContext::Explicit) {
            return Ok(None);
        }
        self.coerce(x.clone(), ty, -1, CastContext::Explicit, *p)
            .map(Some)
    }

    /// Coerces the arguments to a resolved row's types and builds the call.
    pub fn apply(&mut self, r: Resolved, args: Vec<(Expr, Option<usize>)>) -> Result<Expr> {
        let mut out = Vec::with_capacity(args.len());
        for ((x, p), t) in args.into_iter().zip(&r.arg_types) {
            out.push(self.coerce(x, *t, -1, CastContext::Implicit, p)?);
        }
        if matches!(r.func.imp, Imp::Special) {
            return Err(SqlError::internal(format!(
                "function {} must be translated specially",
                r.func.name
            )));
        }
        Ok(Expr::new(
            ExprKind::Call {
                func: r.func,
                args: out,
                arg_types: r.arg_types,
            },
            r.ret,
        ))
    }

    fn pattern_match(
        &mut self,
        op: &str,
        expr: &ast::Expr,
        pattern: &ast::Expr,
        escape: Option<&ast::Expr>,
        escape_fn: &str,
        clause: Clause,
    ) -> Result<Expr> {
        let xp = self.expr_pos(expr);
        let pp = self.expr_pos(pattern);
        let x = self.expr(expr, clause)?;
        let mut p = self.expr(pattern, clause)?;
        if let Some(esc) = escape {
            let ep = self.expr_pos(esc);
            let e = self.expr(esc, clause)?;
            p = self.function(escape_fn, vec![(p, pp), (e, ep)], pp)?;
        }
        let op_pos = self.pos_after(expr.span());
        self.operator(op, vec![(x, xp), (p, pp)], op_pos)
    }

    fn in_list(
        &mut self,
        expr: &ast::Expr,
        list: &[ast::Expr],
        negated: bool,
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        if let Some(row) = row_items(expr) {
            // (a, b) IN ((1, 2), (3, 4)): one row equality per item.
            let mut parts = Vec::with_capacity(list.len());
            for e in list {
                let Some(other) = row_items(e) else {
                    return Err(SqlError::not_supported(
                        "IN with a row on the left needs rows in its list",
                    )
                    .at(pos));
                };
                parts.push(self.row_compare("=", &row, &other, clause, pos)?);
            }
            let any = Expr::new(ExprKind::Or(parts), Type::BOOL);
            return Ok(if negated {
                Expr::new(ExprKind::Not(Box::new(any)), Type::BOOL)
            } else {
                any
            });
        }
        let xp = self.expr_pos(expr);
        let x = self.expr(expr, clause)?;
        let mut items = Vec::with_capacity(list.len());
        for e in list {
            let p = self.expr_pos(e);
            items.push((self.expr(e, clause)?, p));
        }
        let mut types = vec![(x.ty, xp)];
        types.extend(items.iter().map(|(e, p)| (e.ty, *p)));
        let common = common_type(&types, "IN").ok();
        if let Some(t) = common
            && let Ok(r) = resolve("=", &[Kind::Operator], &[t, t])
            && matches!(r.func.imp, Imp::SqliteOp(_))
        {
            let x = self.coerce(x, t, -1, CastContext::Implicit, xp)?;
            let mut coerced = Vec::with_capacity(items.len());
            for (e, p) in items {
                coerced.push(self.coerce(e, t, -1, CastContext::Implicit, p)?);
            }
            return Ok(Expr::new(
                ExprKind::InList {
                    arg: Box::new(x),
                    list: coerced,
                    negated,
                },
                Type::BOOL,
            ));
        }
        // Different types: one comparison each, as PostgreSQL does.
        let mut parts = Vec::with_capacity(items.len());
        for (e, p) in items {
            let op = if negated { "<>" } else { "=" };
            parts.push(self.operator(op, vec![(x.clone(), xp), (e, p)], pos)?);
        }
        Ok(Expr::new(
            if negated {
                ExprKind::And(parts)
            } else {
                ExprKind::Or(parts)
            },
            Type::BOOL,
        ))
    }

    fn in_subquery(
        &mut self,
        expr: &ast::Expr,
        q: &ast::Query,
        negated: bool,
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        let items: Vec<&ast::Expr> = row_items(expr).unwrap_or_else(|| vec![expr]);
        let mut query = self.subquery(q)?;
        if query.columns.len() > items.len() {
            return Err(SqlError::syntax("subquery has too many columns").at(pos));
        }
        if query.columns.len() < items.len() {
            return Err(SqlError::syntax("subquery has too few columns").at(pos));
        }
        let mut tests = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let xp = self.expr_pos(item);
            let x = self.expr(item, clause)?;
            let sub_ty = query.columns[i].ty;
            let r = resolve("=", &[Kind::Operator], &[x.ty, sub_ty])
                .map_err(|f| operator_error("=", &[x.ty, sub_ty], f).at(pos))?;
            tests.push(self.coerce(x, r.arg_types[0], -1, CastContext::Implicit, xp)?);
            self.coerce_query_column(&mut query, i, r.arg_types[1], pos)?;
        }
        Ok(Expr::new(
            ExprKind::SubLink {
                kind: SubLink::In { tests, negated },
                query: Box::new(query),
            },
            Type::BOOL,
        ))
    }

    fn quantified(
        &mut self,
        left: &ast::Expr,
        op: &ast::BinaryOperator,
        right: &ast::Expr,
        all: bool,
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        let name = match op {
            ast::BinaryOperator::Eq => "=",
            ast::BinaryOperator::NotEq => "<>",
            ast::BinaryOperator::Lt => "<",
            ast::BinaryOperator::LtEq => "<=",
            ast::BinaryOperator::Gt => ">",
            ast::BinaryOperator::GtEq => ">=",
            ast::BinaryOperator::PGLikeMatch => "~~",
            ast::BinaryOperator::PGILikeMatch => "~~*",
            ast::BinaryOperator::PGRegexMatch => "~",
            other => {
                return Err(
                    SqlError::not_supported(format!("{other} ANY/ALL is not supported")).at(pos),
                );
            }
        };
        let lp = self.expr_pos(left);
        let l = self.expr(left, clause)?;
        if let ast::Expr::Subquery(q) = strip(right) {
            let mut query = self.subquery(q)?;
            if query.columns.len() != 1 {
                return Err(SqlError::syntax("subquery has too many columns").at(pos));
            }
            let sub_ty = query.columns[0].ty;
            let r = resolve(name, &[Kind::Operator], &[l.ty, sub_ty])
                .map_err(|f| operator_error(name, &[l.ty, sub_ty], f).at(pos))?;
            let l = self.coerce(l, r.arg_types[0], -1, CastContext::Implicit, lp)?;
            self.coerce_query_column(&mut query, 0, r.arg_types[1], pos)?;
            return Ok(Expr::new(
                ExprKind::SubLink {
                    kind: SubLink::Quantified {
                        test: Box::new(l),
                        op: r.func,
                        all,
                    },
                    query: Box::new(query),
                },
                Type::BOOL,
            ));
        }
        let rp = self.expr_pos(right);
        let arr = self.expr(right, clause)?;
        let arr = if arr.ty == Type::UNKNOWN {
            let t = if l.ty == Type::UNKNOWN {
                Type::TEXT_ARRAY
            } else {
                l.ty.array_of().unwrap_or(Type::TEXT_ARRAY)
            };
            self.coerce(arr, t, -1, CastContext::Implicit, rp)?
        } else if let Some(t) = match arr.ty {
            // The catalogs' vectors are arrays of their elements for ANY/ALL.
            Type::INT2VECTOR => Some(Type::INT2_ARRAY),
            Type::OIDVECTOR => Some(Type::OID_ARRAY),
            _ => None,
        } {
            self.coerce(arr, t, -1, CastContext::Explicit, rp)?
        } else {
            arr
        };
        let Some(elem) = arr.ty.elem() else {
            return Err(SqlError::new(
                sqlstate::DATATYPE_MISMATCH,
                "op ANY/ALL (array) requires array on right side",
            )
            .at(pos));
        };
        let r = resolve(name, &[Kind::Operator], &[l.ty, elem])
            .map_err(|f| operator_error(name, &[l.ty, elem], f).at(pos))?;
        let l = self.coerce(l, r.arg_types[0], -1, CastContext::Implicit, lp)?;
        let want = r.arg_types[1].array_of().unwrap_or(arr.ty);
        let arr = self.coerce(arr, want, -1, CastContext::Implicit, rp)?;
        Ok(Expr::new(
            ExprKind::ArrayCompare {
                left: Box::new(l),
                op: r.func,
                array: Box::new(arr),
                all,
            },
            Type::BOOL,
        ))
    }

    /// Coerces output column `i` of a subquery to `ty` (its target expression changes).
    pub fn coerce_query_column(
        &mut self,
        q: &mut crate::ir::Query,
        i: usize,
        ty: Type,
        pos: Option<usize>,
    ) -> Result<()> {
        if q.columns.get(i).is_some_and(|c| c.ty == ty) {
            return Ok(());
        }
        let mut err = None;
        let env = self.env;
        let params = &mut self.params;
        super::query::map_targets(q, i, &mut |e: Expr| match coerce(
            env,
            params,
            e.clone(),
            ty,
            -1,
            CastContext::Implicit,
            pos,
        ) {
            Ok(x) => x,
            Err(x) => {
                err = Some(x);
                e
            }
        });
        if let Some(e) = err {
            return Err(e);
        }
        if let Some(c) = q.columns.get_mut(i) {
            c.ty = ty;
            c.typmod = -1;
        }
        Ok(())
    }

    fn case(
        &mut self,
        operand: Option<&ast::Expr>,
        conditions: &[ast::CaseWhen],
        else_result: Option<&ast::Expr>,
        clause: Clause,
    ) -> Result<Expr> {
        let mut op_expr = None;
        if let Some(o) = operand {
            let p = self.expr_pos(o);
            op_expr = Some((self.expr(o, clause)?, p));
        }
        let mut whens = Vec::new();
        let mut results = Vec::new();
        for w in conditions {
            let cp = self.expr_pos(&w.condition);
            let cond = match &op_expr {
                Some((o, op)) => {
                    let v = self.expr(&w.condition, clause)?;
                    self.operator("=", vec![(o.clone(), *op), (v, cp)], cp)?
                }
                None => self.condition(&w.condition, clause, "CASE/WHEN")?,
            };
            whens.push(cond);
            let rp = self.expr_pos(&w.result);
            results.push((self.expr(&w.result, clause)?, rp));
        }
        let else_ = match else_result {
            Some(e) => {
                let p = self.expr_pos(e);
                Some((self.expr(e, clause)?, p))
            }
            None => None,
        };
        let mut types: Vec<(Type, Option<usize>)> =
            results.iter().map(|(e, p)| (e.ty, *p)).collect();
        if let Some((e, p)) = &else_ {
            types.push((e.ty, *p));
        }
        let t = common_type(&types, "CASE")?;
        let mut pairs = Vec::with_capacity(whens.len());
        for (cond, (r, p)) in whens.into_iter().zip(results) {
            pairs.push((cond, self.coerce(r, t, -1, CastContext::Implicit, p)?));
        }
        let else_ = match else_ {
            Some((e, p)) => Some(Box::new(self.coerce(e, t, -1, CastContext::Implicit, p)?)),
            None => None,
        };
        // The operand form was turned into comparisons above.
        Ok(Expr::new(
            ExprKind::Case {
                operand: None,
                whens: pairs,
                else_,
            },
            t,
        ))
    }

    fn array(&mut self, elems: &[ast::Expr], clause: Clause, pos: Option<usize>) -> Result<Expr> {
        let mut items = Vec::with_capacity(elems.len());
        for e in elems {
            let p = self.expr_pos(e);
            items.push((self.expr(e, clause)?, p));
        }
        if items.is_empty() {
            return Err(SqlError::new(
                sqlstate::INDETERMINATE_DATATYPE,
                "cannot determine type of empty array",
            )
            .with_hint("Explicitly cast to the desired type, for example ARRAY[]::integer[].")
            .at(pos));
        }
        let nested = items.iter().all(|(e, _)| e.ty.is_array())
            && elems
                .iter()
                .all(|e| matches!(strip(e), ast::Expr::Array(_)));
        let types: Vec<(Type, Option<usize>)> = items.iter().map(|(e, p)| (e.ty, *p)).collect();
        let t = common_type(&types, "ARRAY")?;
        let mut out = Vec::with_capacity(items.len());
        for (e, p) in items {
            out.push(self.coerce(e, t, -1, CastContext::Implicit, p)?);
        }
        let arr_ty = if nested {
            t
        } else {
            t.array_of().ok_or_else(|| {
                SqlError::new(
                    sqlstate::UNDEFINED_OBJECT,
                    format!(
                        "could not find array type for data type {}",
                        format_type(t, -1)
                    ),
                )
                .at(pos)
            })?
        };
        Ok(Expr::new(ExprKind::Array(out), arr_ty))
    }

    // ---- function calls ----

    fn function_call(
        &mut self,
        f: &ast::Function,
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        let parts = object_name(&f.name);
        let name = match parts.as_slice() {
            [n] => n.clone(),
            [s, n] if s == "pg_catalog" => n.clone(),
            _ => {
                return Err(SqlError::new(
                    sqlstate::UNDEFINED_FUNCTION,
                    format!("function {}() does not exist", parts.join(".")),
                )
                .at(pos));
            }
        };
        let (list, has_parens) = match &f.args {
            ast::FunctionArguments::None => (None, false),
            ast::FunctionArguments::List(l) => (Some(l), true),
            ast::FunctionArguments::Subquery(q) if name == "array" => {
                let q = self.subquery(q)?;
                if q.columns.len() != 1 {
                    return Err(SqlError::syntax("subquery must return only one column").at(pos));
                }
                let elem = q.columns[0].ty;
                let ty = elem.array_of().ok_or_else(|| {
                    SqlError::new(
                        sqlstate::UNDEFINED_OBJECT,
                        format!(
                            "could not find array type for data type {}",
                            format_type(elem, -1)
                        ),
                    )
                    .at(pos)
                })?;
                return Ok(Expr::new(
                    ExprKind::SubLink {
                        kind: SubLink::Array,
                        query: Box::new(q),
                    },
                    ty,
                ));
            }
            ast::FunctionArguments::Subquery(_) => {
                return Err(
                    SqlError::not_supported("this function call form is not supported").at(pos),
                );
            }
        };
        if name == "row"
            && parts.len() == 1
            && let Some(items) = row_items_of_call(f)
        {
            return self.row_value(&items, clause);
        }
        if !has_parens {
            if VALUE_FUNCTIONS.contains(&name.as_str()) {
                return self.value_function(&name, pos);
            }
            return self.column(&[name], pos);
        }
        let list = list.ok_or_else(|| SqlError::internal("no argument list"))?;
        let distinct = matches!(
            list.duplicate_treatment,
            Some(ast::DuplicateTreatment::Distinct)
        );
        let mut star = false;
        let mut arg_asts: Vec<&ast::Expr> = Vec::new();
        // The name of each argument given as `name => value` (None for positional ones).
        let mut arg_names: Vec<Option<(String, Option<usize>)>> = Vec::new();
        for a in &list.args {
            match a {
                ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => {
                    arg_asts.push(e);
                    arg_names.push(None);
                }
                ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Wildcard) => star = true,
                ast::FunctionArg::Named {
                    name: n,
                    arg: ast::FunctionArgExpr::Expr(e),
                    ..
                } => {
                    arg_asts.push(e);
                    arg_names.push(Some((ident(n), self.pos(n.span))));
                }
                ast::FunctionArg::ExprNamed {
                    name: ast::Expr::Identifier(n),
                    arg: ast::FunctionArgExpr::Expr(e),
                    ..
                } => {
                    arg_asts.push(e);
                    arg_names.push(Some((ident(n), self.pos(n.span))));
                }
                _ => {
                    return Err(SqlError::not_supported(
                        "this function argument form is not supported",
                    )
                    .at(pos));
                }
            }
        }
        let order_by: Vec<&ast::OrderByExpr> = list
            .clauses
            .iter()
            .flat_map(|c| match c {
                ast::FunctionArgumentClause::OrderBy(o) => o.iter().collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .collect();
        if name == "grouping" && f.over.is_none() {
            if !matches!(
                clause,
                Clause::SelectList | Clause::Having | Clause::OrderBy | Clause::WindowArg
            ) {
                return Err(SqlError::new(
                    sqlstate::GROUPING_ERROR,
                    format!("grouping operations are not allowed in {}", clause.words()),
                )
                .at(pos));
            }
            // Replaced once the query's grouping sets are known (grouping.rs).
            let mut args = Vec::with_capacity(arg_asts.len());
            for a in &arg_asts {
                args.push(self.expr(a, clause)?);
            }
            return Ok(Expr::new(
                ExprKind::Internal {
                    symbol: super::grouping::GROUPING_PLACEHOLDER,
                    args,
                },
                Type::INT4,
            ));
        }
        // An ordered-set aggregate's sorted input follows its direct arguments: the rows for
        // `percentile_cont(0.5) WITHIN GROUP (ORDER BY x)` are `percentile_cont(0.5, x)`, which
        // sorts what it collects.
        let ordered_set = name_exists(&name, &[Kind::OrderedSet]);
        if ordered_set == f.within_group.is_empty() {
            let message = if ordered_set {
                format!("WITHIN GROUP is required for ordered-set aggregate {name}")
            } else {
                format!("{name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP")
            };
            return Err(SqlError::new(sqlstate::WRONG_OBJECT_TYPE, message).at(pos));
        }
        for o in &f.within_group {
            if matches!(
                o.options.sort,
                Some(ast::OrderBySort::Desc | ast::OrderBySort::Using(_))
            ) {
                return Err(SqlError::not_supported(
                    "WITHIN GROUP (ORDER BY … DESC) is not supported",
                )
                .at(pos));
            }
            arg_asts.push(&o.expr);
        }
        let is_agg_name = name == "count"
            || name == "min"
            || name == "max"
            || name_exists(&name, &[Kind::Aggregate, Kind::OrderedSet]);
        if f.over.is_some() {
            return self.window_call(&name, f, star, &arg_asts, clause, pos);
        }
        if is_agg_name && !name_exists(&name, &[Kind::Function]) {
            return self.aggregate(
                &name,
                star,
                distinct,
                &arg_asts,
                &order_by,
                f.filter.as_deref(),
                clause,
                pos,
            );
        }
        if star {
            return Err(SqlError::syntax(format!(
                "{name}(*) specified, but {name} is not an aggregate function"
            ))
            .at(pos));
        }
        if distinct || f.filter.is_some() || !order_by.is_empty() {
            return Err(SqlError::new(
                sqlstate::WRONG_OBJECT_TYPE,
                format!("DISTINCT specified, but {name} is not an aggregate function"),
            )
            .at(pos));
        }
        if name_exists(&name, &[Kind::Window]) {
            return Err(SqlError::new(
                sqlstate::WRONG_OBJECT_TYPE,
                format!("window function {name} requires an OVER clause"),
            )
            .at(pos));
        }
        let mut args = Vec::with_capacity(arg_asts.len());
        for a in &arg_asts {
            let p = self.expr_pos(a);
            args.push((self.expr(a, clause)?, p));
        }
        let args = self.place_named_arguments(&name, args, &arg_names, pos)?;
        if let ("to_json" | "to_jsonb" | "row_to_json", [(row, _)]) =
            (name.as_str(), args.as_slice())
            && let ExprKind::Row { fields, names } = &row.kind
        {
            // A row becomes an object of its fields, named as the row names them.
            let mut pairs = Vec::with_capacity(fields.len() * 2);
            for (n, x) in names.iter().zip(fields) {
                pairs.push((Expr::constant(Value::Text(n.clone()), Type::TEXT), None));
                pairs.push((x.clone(), None));
            }
            if name == "to_jsonb" {
                return self.function("jsonb_build_object", pairs, pos);
            }
            let types: Vec<Type> = pairs.iter().map(|(x, _)| x.ty).collect();
            let mut args = vec![Expr::constant(
                Value::Text(crate::func::arg_types_text(&types)),
                Type::TEXT,
            )];
            args.extend(pairs.into_iter().map(|(x, _)| x));
            return Ok(Expr::new(
                ExprKind::Internal {
                    symbol: crate::func::internal::ROW_TO_JSON,
                    args,
                },
                Type::JSON,
            ));
        }
        match name.as_str() {
            "coalesce" => return self.coalesce(args, pos),
            "nullif" => return self.nullif(args, pos),
            "greatest" | "least" => return self.minmax(name == "greatest", args, pos),
            "pg_typeof" => {
                let [(x, _)] = args.as_slice() else {
                    return Err(function_error(&name, &[], Failure::NotFound).at(pos));
                };
                let t = x.ty;
                let oid = Expr::constant(Value::Int(i64::from(t.oid())), Type::REGTYPE);
                if x.is_const() || matches!(x.kind, ExprKind::Param(_)) {
                    return Ok(oid);
                }
                // The argument stays in the query (it may be an aggregate that makes the query
                // aggregate); its value is not used.
                let arg = self.resolve_unknown(x.clone())?;
                return Ok(Expr::new(
                    ExprKind::Internal {
                        symbol: crate::func::internal::SECOND,
                        args: vec![arg, oid],
                    },
                    Type::REGTYPE,
                ));
            }
            _ => {}
        }
        if name_exists(&name, &[Kind::SetReturning]) {
            return self.set_returning_in_select(&name, args, clause, pos);
        }
        self.function(&name, args, pos)
    }

    /// Puts named arguments (`days => 10`) where the function's parameter names say and adds
    /// the defaults of the parameters not given, as PostgreSQL does for functions with
    /// `proargnames`; other functions take positional arguments only.
    fn place_named_arguments(
        &mut self,
        name: &str,
        args: Vec<Positioned>,
        arg_names: &[Option<(String, Option<usize>)>],
        pos: Option<usize>,
    ) -> Result<Vec<Positioned>> {
        let any_named = arg_names.iter().any(Option::is_some);
        let shown = |args: &[Positioned]| -> String {
            args.iter()
                .zip(arg_names)
                .map(|((x, _), n)| match n {
                    Some((n, _)) => format!("{n} => {}", format_type(x.ty, -1)),
                    None => format_type(x.ty, -1),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let not_found = |args: &[Positioned]| {
            SqlError::new(
                sqlstate::UNDEFINED_FUNCTION,
                format!("function {name}({}) does not exist", shown(args)),
            )
            .with_hint(
                "No function matches the given name and argument types. You might need to add explicit type casts.",
            )
            .at(pos)
        };
        let Some((row, params)) = crate::func::with_parameters(name) else {
            if any_named {
                return Err(not_found(&args));
            }
            return Ok(args);
        };
        let total = params.names.len();
        if !any_named && args.len() == total {
            return Ok(args);
        }
        if args.len() > total {
            return Err(not_found(&args));
        }
        let mut slots: Vec<Option<usize>> = vec![None; total];
        for (i, n) in arg_names.iter().enumerate() {
            let k = match n {
                None => i,
                Some((n, npos)) => {
                    let Some(k) = params.names.iter().position(|p| p == n) else {
                        return Err(not_found(&args));
                    };
                    if slots[k].is_some() {
                        return Err(SqlError::syntax(format!(
                            "argument name \"{n}\" used more than once"
                        ))
                        .at(*npos));
                    }
                    k
                }
            };
            slots[k] = Some(i);
        }
        let first_default = total - params.defaults.len();
        if slots[..first_default].iter().any(Option::is_none) {
            return Err(not_found(&args));
        }
        let mut given: Vec<Option<Positioned>> = args.into_iter().map(Some).collect();
        let mut out = Vec::with_capacity(total);
        for (k, slot) in slots.into_iter().enumerate() {
            out.push(match slot.and_then(|i| given[i].take()) {
                Some(x) => x,
                None => {
                    let ty = row.args.get(k).copied().unwrap_or(Type::UNKNOWN);
                    let default = params.defaults[k - first_default].clone();
                    (Expr::constant(default, ty), None)
                }
            });
        }
        Ok(out)
    }

    fn coalesce(&mut self, args: Vec<(Expr, Option<usize>)>, pos: Option<usize>) -> Result<Expr> {
        if args.is_empty() {
            return Err(SqlError::syntax("syntax error at or near \")\"").at(pos));
        }
        let types: Vec<(Type, Option<usize>)> = args.iter().map(|(e, p)| (e.ty, *p)).collect();
        let t = common_type(&types, "COALESCE")?;
        let mut out = Vec::with_capacity(args.len());
        for (e, p) in args {
            out.push(self.coerce(e, t, -1, CastContext::Implicit, p)?);
        }
        Ok(Expr::new(ExprKind::Coalesce(out), t))
    }

    fn nullif(&mut self, args: Vec<(Expr, Option<usize>)>, pos: Option<usize>) -> Result<Expr> {
        let [a, b]: [(Expr, Option<usize>); 2] = args
            .try_into()
            .map_err(|_| function_error("nullif", &[], Failure::NotFound).at(pos))?;
        let eq = self.operator("=", vec![a, b], pos)?;
        let ExprKind::Call { mut args, .. } = eq.kind else {
            return Err(SqlError::internal("NULLIF without operator"));
        };
        let r = args.pop().ok_or_else(|| SqlError::internal("NULLIF"))?;
        let l = args.pop().ok_or_else(|| SqlError::internal("NULLIF"))?;
        let out_ty = l.ty;
        Ok(Expr::new(
            ExprKind::NullIf(Box::new(l), Box::new(r)),
            out_ty,
        ))
    }

    fn minmax(
        &mut self,
        greatest: bool,
        args: Vec<(Expr, Option<usize>)>,
        pos: Option<usize>,
    ) -> Result<Expr> {
        let what = if greatest { "GREATEST" } else { "LEAST" };
        if args.is_empty() {
            return Err(SqlError::syntax("syntax error at or near \")\"").at(pos));
        }
        let types: Vec<(Type, Option<usize>)> = args.iter().map(|(e, p)| (e.ty, *p)).collect();
        let t = common_type(&types, what)?;
        let mut out = Vec::with_capacity(args.len());
        for (e, p) in args {
            out.push(self.coerce(e, t, -1, CastContext::Implicit, p)?);
        }
        Ok(Expr::new(
            ExprKind::MinMax {
                greatest,
                args: out,
            },
            t,
        ))
    }

    #[expect(clippy::too_many_arguments, reason = "the parts of an aggregate call")]
    fn aggregate(
        &mut self,
        name: &str,
        star: bool,
        distinct: bool,
        arg_asts: &[&ast::Expr],
        order_by: &[&ast::OrderByExpr],
        filter: Option<&ast::Expr>,
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        self.check_aggregate_allowed(clause, pos)?;
        let mut args = Vec::with_capacity(arg_asts.len());
        for a in arg_asts {
            let p = self.expr_pos(a);
            args.push((self.expr(a, Clause::AggregateArg)?, p));
        }
        let filter = match filter {
            Some(f) => Some(Box::new(self.condition(
                f,
                Clause::AggregateArg,
                "FILTER",
            )?)),
            None => None,
        };
        let mut keys = Vec::with_capacity(order_by.len());
        for o in order_by {
            keys.push(self.sort_key(o, Clause::AggregateArg)?);
        }
        if let Some(level) = self.levels.last_mut() {
            level.has_aggregate = true;
        }
        let (func, args, arg_types, ret) = if name == "count" && star {
            (None, Vec::new(), Vec::new(), crate::func::COUNT.ret)
        } else {
            self.resolve_aggregate(name, args, pos)?
        };
        if distinct {
            // The input is sorted to find the distinct rows: only arguments can order it.
            let texts: Vec<String> = args.iter().map(crate::emit::expr).collect();
            for (k, o) in keys.iter().zip(order_by) {
                if !texts.contains(&crate::emit::expr(&k.expr)) {
                    return Err(SqlError::new(
                        sqlstate::INVALID_COLUMN_REFERENCE,
                        "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list",
                    )
                    .at(self.expr_pos(&o.expr)));
                }
            }
        }
        Ok(Expr::new(
            ExprKind::Aggregate {
                func,
                args,
                arg_types,
                distinct,
                filter,
                order_by: keys,
            },
            ret,
        ))
    }

    /// count/min/max are SQLite's own aggregates; the rest are catalog rows.
    #[expect(clippy::type_complexity, reason = "the resolved call's parts")]
    fn resolve_aggregate(
        &mut self,
        name: &str,
        args: Vec<(Expr, Option<usize>)>,
        pos: Option<usize>,
    ) -> Result<(Option<&'static Builtin>, Vec<Expr>, Vec<Type>, Type)> {
        if name == "count" || name == "min" || name == "max" {
            let [(x, p)]: [(Expr, Option<usize>); 1] =
                args.try_into().map_err(|a: Vec<(Expr, Option<usize>)>| {
                    let types: Vec<Type> = a.iter().map(|(e, _)| e.ty).collect();
                    function_error(name, &types, Failure::NotFound).at(pos)
                })?;
            let x = self.resolve_unknown(x)?;
            if name == "count" {
                let t = x.ty;
                return Ok((
                    Some(&crate::func::COUNT),
                    vec![x],
                    vec![t],
                    crate::func::COUNT.ret,
                ));
            }
            let t = match x.ty {
                Type::VARCHAR | Type::NAME => Type::TEXT,
                t => t,
            };
            if !orderable(t) {
                return Err(function_error(name, &[x.ty], Failure::NotFound).at(pos));
            }
            let x = self.coerce(x, t, -1, CastContext::Implicit, p)?;
            let func = if name == "min" {
                &crate::func::MIN
            } else {
                &crate::func::MAX
            };
            return Ok((Some(func), vec![x], vec![t], t));
        }
        let types: Vec<Type> = args.iter().map(|(e, _)| e.ty).collect();
        let r = resolve(name, &[Kind::Aggregate, Kind::OrderedSet], &types)
            .map_err(|f| function_error(name, &types, f).at(pos))?;
        let mut out = Vec::with_capacity(args.len());
        for ((x, p), t) in args.into_iter().zip(&r.arg_types) {
            out.push(self.coerce(x, *t, -1, CastContext::Implicit, p)?);
        }
        Ok((Some(r.func), out, r.arg_types, r.ret))
    }

    fn check_aggregate_allowed(&self, clause: Clause, pos: Option<usize>) -> Result<()> {
        match clause {
            Clause::SelectList
            | Clause::Having
            | Clause::OrderBy
            | Clause::Returning
            | Clause::Window
            | Clause::WindowArg => Ok(()),
            Clause::AggregateArg => Err(SqlError::new(
                sqlstate::GROUPING_ERROR,
                "aggregate function calls cannot be nested",
            )
            .at(pos)),
            other => Err(SqlError::new(
                sqlstate::GROUPING_ERROR,
                format!("aggregate functions are not allowed in {}", other.words()),
            )
            .at(pos)),
        }
    }

    fn window_call(
        &mut self,
        name: &str,
        f: &ast::Function,
        star: bool,
        arg_asts: &[&ast::Expr],
        clause: Clause,
        pos: Option<usize>,
    ) -> Result<Expr> {
        if !matches!(clause, Clause::SelectList | Clause::OrderBy) {
            let clause = if clause == Clause::WindowArg {
                Clause::Window
            } else {
                clause
            };
            if clause == Clause::Window {
                return Err(SqlError::new(
                    sqlstate::WINDOWING_ERROR,
                    "window function calls cannot be nested",
                )
                .at(pos));
            }
            return Err(SqlError::new(
                sqlstate::WINDOWING_ERROR,
                format!("window functions are not allowed in {}", clause.words()),
            )
            .at(pos));
        }
        let spec = match &f.over {
            Some(ast::WindowType::WindowSpec(s)) => s.clone(),
            Some(ast::WindowType::NamedWindow(n)) => self.named_window(&ident(n), pos)?,
            None => return Err(SqlError::internal("window call without OVER")),
        };
        let window = self.window_spec(&spec)?;
        let mut args = Vec::with_capacity(arg_asts.len());
        for a in arg_asts {
            let p = self.expr_pos(a);
            args.push((self.expr(a, Clause::WindowArg)?, p));
        }
        let filter = match &f.filter {
            Some(x) => Some(Box::new(self.condition(x, Clause::WindowArg, "FILTER")?)),
            None => None,
        };
        if let Some(level) = self.levels.last_mut() {
            level.has_window = true;
        }
        if name == "count" && star {
            return Ok(Expr::new(
                ExprKind::WindowCall {
                    func: None,
                    args: Vec::new(),
                    arg_types: Vec::new(),
                    filter,
                    window,
                },
                crate::func::COUNT.ret,
            ));
        }
        let types: Vec<Type> = args.iter().map(|(e, _)| e.ty).collect();
        let (func, args, arg_types, ret) = if name == "count" || name == "min" || name == "max" {
            self.resolve_aggregate(name, args, pos)?
        } else {
            let r = resolve(name, &[Kind::Window, Kind::Aggregate], &types)
                .map_err(|fl| function_error(name, &types, fl).at(pos))?;
            let mut out = Vec::with_capacity(args.len());
            for ((x, p), t) in args.into_iter().zip(&r.arg_types) {
                out.push(self.coerce(x, *t, -1, CastContext::Implicit, p)?);
            }
            (Some(r.func), out, r.arg_types, r.ret)
        };
        Ok(Expr::new(
            ExprKind::WindowCall {
                func,
                args,
                arg_types,
                filter,
                window,
            },
            ret,
        ))
    }

    fn window_spec(&mut self, spec: &ast::WindowSpec) -> Result<Window> {
        let base = match &spec.window_name {
            Some(n) => Some(self.named_window(&ident(n), None)?),
            None => None,
        };
        let mut partition_by = Vec::new();
        let parts = if spec.partition_by.is_empty() {
            base.as_ref()
                .map(|b| b.partition_by.clone())
                .unwrap_or_default()
        } else {
            spec.partition_by.clone()
        };
        for p in &parts {
            let x = self.expr(p, Clause::Window)?;
            partition_by.push(self.resolve_unknown(x)?);
        }
        let orders = if spec.order_by.is_empty() {
            base.as_ref()
                .map(|b| b.order_by.clone())
                .unwrap_or_default()
        } else {
            spec.order_by.clone()
        };
        let mut order_by = Vec::new();
        for o in &orders {
            order_by.push(self.sort_key(o, Clause::Window)?);
        }
        let frame_ast = spec
            .window_frame
            .clone()
            .or_else(|| base.and_then(|b| b.window_frame));
        let frame = match frame_ast {
            Some(fr) => Some(self.frame(&fr, &order_by)?),
            None => None,
        };
        Ok(Window {
            partition_by,
            order_by,
            frame,
        })
    }

    /// A window frame. A ROWS or GROUPS offset is a bigint (assignment cast, as PostgreSQL's);
    /// a RANGE offset needs exactly one ORDER BY key and is measured in its type: offsets of an
    /// integer key are bigints, of a float key float8 (SQLite measures both). PostgreSQL also
    /// measures numeric, date/time and interval keys; those are not supported here (0A000).
    fn frame(&mut self, fr: &ast::WindowFrame, order_by: &[SortKey]) -> Result<Frame> {
        let units = match fr.units {
            ast::WindowFrameUnits::Rows => "ROWS",
            ast::WindowFrameUnits::Range => "RANGE",
            ast::WindowFrameUnits::Groups => "GROUPS",
        };
        if units == "GROUPS" && order_by.is_empty() {
            return Err(SqlError::new(
                sqlstate::WINDOWING_ERROR,
                "GROUPS mode requires an ORDER BY clause",
            ));
        }
        let start = self.frame_bound(&fr.start_bound, units, order_by, "starting")?;
        let end = match &fr.end_bound {
            Some(b) => Some(self.frame_bound(b, units, order_by, "ending")?),
            None => None,
        };
        Ok(Frame { units, start, end })
    }

    fn frame_bound(
        &mut self,
        b: &ast::WindowFrameBound,
        units: &str,
        order_by: &[SortKey],
        which: &str,
    ) -> Result<FrameBound> {
        let e = match b {
            ast::WindowFrameBound::CurrentRow => return Ok(FrameBound::CurrentRow),
            ast::WindowFrameBound::Preceding(None) => return Ok(FrameBound::UnboundedPreceding),
            ast::WindowFrameBound::Following(None) => return Ok(FrameBound::UnboundedFollowing),
            ast::WindowFrameBound::Preceding(Some(e))
            | ast::WindowFrameBound::Following(Some(e)) => e,
        };
        // sqlparser reads a quoted string there as an interval (MySQL's `'1' DAY PRECEDING`);
        // PostgreSQL reads an untyped literal unless the keyword INTERVAL is written.
        let e: &ast::Expr = match &**e {
            ast::Expr::Interval(iv)
                if iv.leading_field.is_none()
                    && iv.last_field.is_none()
                    && !self.follows_interval_keyword(iv.value.span()) =>
            {
                &iv.value
            }
            other => other,
        };
        let p = self.expr_pos(e);
        let x = self.expr(e, Clause::Window)?;
        if matches!(x.kind, ExprKind::Const(Value::Null)) {
            // PostgreSQL finds it when the frame is first used; a NULL written as such is known
            // now (SQLite would call it negative).
            return Err(SqlError::new(
                sqlstate::NULL_VALUE_NOT_ALLOWED,
                format!("frame {which} offset must not be null"),
            ));
        }
        let x = if units != "RANGE" {
            self.coerce(x, Type::INT8, -1, CastContext::Assignment, p)?
        } else {
            let [key] = order_by else {
                return Err(SqlError::new(
                    sqlstate::WINDOWING_ERROR,
                    "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column",
                )
                .at(p));
            };
            let key_ty = key.expr.ty;
            let measure = match key_ty {
                Type::INT2 | Type::INT4 | Type::INT8 => Type::INT8,
                Type::FLOAT4 | Type::FLOAT8 => Type::FLOAT8,
                _ => {
                    return Err(SqlError::not_supported(format!(
                        "RANGE with offset PRECEDING/FOLLOWING is not supported for column type {}",
                        format_type(key_ty, -1)
                    ))
                    .at(p));
                }
            };
            if x.ty != Type::UNKNOWN
                && !super::coerce::can_coerce(x.ty, measure, CastContext::Implicit)
            {
                return Err(SqlError::not_supported(format!(
                    "RANGE with offset PRECEDING/FOLLOWING is not supported for column type {} and offset type {}",
                    format_type(key_ty, -1),
                    format_type(x.ty, -1)
                ))
                .at(p));
            }
            self.coerce(x, measure, -1, CastContext::Implicit, p)?
        };
        Ok(if matches!(b, ast::WindowFrameBound::Preceding(_)) {
            FrameBound::Preceding(Box::new(x))
        } else {
            FrameBound::Following(Box::new(x))
        })
    }

    /// Whether the text before `span` ends with the keyword INTERVAL.
    fn follows_interval_keyword(&self, span: sqlparser::tokenizer::Span) -> bool {
        if span.start.line == 0 {
            return true;
        }
        let start = self
            .positions
            .byte(self.text, self.positions.offset(span.start));
        let before = self.text[..start].trim_end();
        before
            .len()
            .checked_sub("interval".len())
            .and_then(|i| before.get(i..))
            .is_some_and(|w| w.eq_ignore_ascii_case("interval"))
    }

    /// A sort key (ORDER BY inside an aggregate or a window; query ORDER BY has its own rules).
    pub fn sort_key(&mut self, o: &ast::OrderByExpr, clause: Clause) -> Result<SortKey> {
        let x = self.expr(&o.expr, clause)?;
        let x = self.resolve_unknown(x)?;
        Ok(sort_key(x, &o.options))
    }
}

/// A sort key with PostgreSQL's defaults: NULLS LAST ascending, NULLS FIRST descending.
pub(crate) fn sort_key(expr: Expr, options: &ast::OrderByOptions) -> SortKey {
    let descending = matches!(options.sort, Some(ast::OrderBySort::Desc));
    SortKey {
        expr,
        position: None,
        descending,
        nulls_first: options.nulls_first.unwrap_or(descending),
    }
}

/// Can values of `t` be ordered (min/max, ORDER BY)?
pub(crate) fn orderable(t: Type) -> bool {
    !matches!(t, Type::JSON | Type::UNKNOWN | Type::RECORD | Type::VOID) && !t.is_pseudo()
}

fn column_expr(up: usize, ri: usize, ci: usize, rte: &crate::ir::Rte, pos: Option<usize>) -> Expr {
    let qualifier = (!rte.alias.is_empty()).then(|| rte.alias.clone());
    Expr::column(up, ri, ci, &rte.columns[ci], qualifier, pos)
}

fn rte_in_schema(rte: &crate::ir::Rte, schema: &str) -> bool {
    match &rte.source {
        crate::ir::RteSource::Table(name) => {
            crate::catalog::pg_name(name).0 == schema
                || (schema == "pg_catalog" && !name.contains('.'))
        }
        _ => false,
    }
}

/// Adds `up` to the level of every column reference in `e` (an expression moved into a
/// deeper query level).
pub(crate) fn bump_levels(e: &mut Expr, up: usize) {
    if up == 0 {
        return;
    }
    if let ExprKind::Column(c) = &mut e.kind {
        c.level += up;
    }
}

fn strip(e: &ast::Expr) -> &ast::Expr {
    match e {
        ast::Expr::Nested(inner) => strip(inner),
        other => other,
    }
}

fn short(s: &str) -> String {
    s.chars().take(60).collect()
}

/// The word EXTRACT and `interval '1' day` use for a field.
fn datetime_field(f: &ast::DateTimeField) -> String {
    use ast::DateTimeField as D;
    match f {
        D::Year | D::Years => "year".into(),
        D::Month | D::Months => "month".into(),
        D::Week(_) | D::Weeks => "week".into(),
        D::Day | D::Days => "day".into(),
        D::DayOfWeek | D::Dow => "dow".into(),
        D::DayOfYear | D::Doy => "doy".into(),
        D::Hour | D::Hours => "hour".into(),
        D::Minute | D::Minutes => "minute".into(),
        D::Second | D::Seconds => "second".into(),
        D::Century => "century".into(),
        D::Decade => "decade".into(),
        D::Epoch => "epoch".into(),
        D::Isodow => "isodow".into(),
        D::Isoyear => "isoyear".into(),
        D::IsoWeek => "week".into(),
        D::Julian => "julian".into(),
        D::Microsecond | D::Microseconds => "microseconds".into(),
        D::Millenium | D::Millennium => "millennium".into(),
        D::Millisecond | D::Milliseconds => "milliseconds".into(),
        D::Quarter => "quarter".into(),
        D::Timezone => "timezone".into(),
        D::TimezoneHour => "timezone_hour".into(),
        D::TimezoneMinute => "timezone_minute".into(),
        D::Custom(i) => i.value.to_lowercase(),
        other => other.to_string().to_lowercase(),
    }
}

/// A numeric literal: int4 when it fits, else int8, else numeric (PostgreSQL's rule).
fn number_literal(s: &str, negative: bool, a: &mut Analyzer<'_>) -> Result<Expr> {
    let text = if negative {
        format!("-{s}")
    } else {
        s.to_string()
    };
    if s.bytes().all(|b| b.is_ascii_digit())
        && let Ok(i) = text.parse::<i64>()
    {
        {
            let ty = if i32::try_from(i).is_ok() {
                Type::INT4
            } else {
                Type::INT8
            };
            return Ok(Expr::constant(Value::Int(i), ty));
        }
    }
    let v = io::input(Type::NUMERIC, a.env, &text, -1)?;
    Ok(Expr::constant(v, Type::NUMERIC))
}

/// The fields of a row constructor: `(a, b, …)` or `ROW(a, …)` (also `ROW(a)` and `ROW()`).
fn row_items(e: &ast::Expr) -> Option<Vec<&ast::Expr>> {
    match strip(e) {
        ast::Expr::Tuple(items) => Some(items.iter().collect()),
        ast::Expr::Function(f) if object_name(&f.name) == ["row"] => row_items_of_call(f),
        _ => None,
    }
}

fn row_items_of_call(f: &ast::Function) -> Option<Vec<&ast::Expr>> {
    if f.over.is_some() || f.filter.is_some() || !f.within_group.is_empty() {
        return None;
    }
    let ast::FunctionArguments::List(list) = &f.args else {
        return None;
    };
    if list.duplicate_treatment.is_some() || !list.clauses.is_empty() {
        return None;
    }
    list.args
        .iter()
        .map(|a| match a {
            ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(e)) => Some(e),
            _ => None,
        })
        .collect()
}
