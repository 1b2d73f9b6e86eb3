//! The typed tree → SQLite SQL. Pure text generation: every decision about types and
//! functions was made by the analyzer; here only SQLite's syntax is chosen.
//!
//! Conventions: every identifier is double-quoted; every output column of a query is aliased
//! `"c1"`, `"c2"`, … (FROM items read subqueries and CTEs by those names); values of a type
//! whose order needs a collation (`TypeInfo::collation`) carry `COLLATE` wherever SQLite
//! compares them (comparisons, IN, DISTINCT, GROUP BY, ORDER BY, set operations, min/max);
//! AND/OR chains are emitted as balanced trees so that SQLite's expression depth stays
//! logarithmic in their length.

use std::fmt::Write;

use crate::catalog::quote_sqlite;
use crate::func::{Builtin, Imp, arg_types_text, internal};
use crate::ir::{
    BoolTest, CastHow, Cte, Expr, ExprKind, FrameBound, FromItem, InsertSource, JoinKind, Modify,
    ModifyKind, Query, QueryBody, Rte, RteSource, Select, SetOp, SortKey, SubLink, Window,
};
use crate::types::Type;
use crate::value::Value;

/// SQLite's text for an expression.
pub fn expr(e: &Expr) -> String {
    let mut s = String::new();
    write_expr(&mut s, e);
    s
}

/// SQLite's text for a query (output columns aliased "c1", "c2", …).
pub fn query(q: &Query) -> String {
    let mut s = String::new();
    write_query(&mut s, q);
    s
}

/// SQLite's text for a statement's top-level query: as [`query`], but a `reg*` output column
/// (an OID shown as a name: `regclass`, `regtype`…) goes through its output function, since
/// the name needs the catalog and value output has none. The query is wrapped whole
/// (`SELECT out("c1") AS "c1", … FROM (…)`) so that its ORDER BY still sorts the OIDs, as
/// PostgreSQL does. Stored forms (views, CREATE TABLE … AS) use [`query`] and keep OIDs.
pub fn output_query(q: &Query) -> String {
    let symbols: Vec<Option<&str>> = q
        .columns
        .iter()
        .map(|c| crate::func::catalog::reg_output_symbol(c.ty))
        .collect();
    if symbols.iter().all(Option::is_none) {
        return query(q);
    }
    let mut s = String::from("SELECT ");
    for (i, symbol) in symbols.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        match symbol {
            Some(f) => {
                let _ = write!(s, "{f}(\"c{n}\") AS \"c{n}\"", n = i + 1);
            }
            None => {
                let _ = write!(s, "\"c{n}\" AS \"c{n}\"", n = i + 1);
            }
        }
    }
    s.push_str(" FROM (");
    write_query(&mut s, q);
    s.push(')');
    s
}

/// SQLite's text for INSERT/UPDATE/DELETE.
pub fn modify(m: &Modify) -> String {
    let mut s = String::new();
    write_ctes(&mut s, &m.ctes, m.recursive);
    let target = quote_sqlite(&m.table);
    let alias = m.alias.as_deref().map(quote_sqlite);
    match m.kind {
        ModifyKind::Insert => {
            let _ = write!(s, "INSERT INTO {target}");
            if let Some(a) = &alias {
                let _ = write!(s, " AS {a}");
            }
            if !m.columns.is_empty() && m.source.is_some() {
                s.push_str(" (");
                s.push_str(&list(m.columns.iter().map(|c| quote_sqlite(c))));
                s.push(')');
            }
            match &m.source {
                None => s.push_str(" DEFAULT VALUES"),
                Some(InsertSource::Values(rows)) => {
                    s.push_str(" VALUES ");
                    for (i, row) in rows.iter().enumerate() {
                        if i > 0 {
                            s.push_str(", ");
                        }
                        s.push('(');
                        write_list(&mut s, row);
                        s.push(')');
                    }
                }
                Some(InsertSource::Query(q)) => {
                    if m.on_conflict.is_some() {
                        s.push_str(" SELECT * FROM (");
                        write_query(&mut s, q);
                        s.push_str(") WHERE true");
                    } else {
                        s.push(' ');
                        write_query(&mut s, q);
                    }
                }
            }
            if let Some(oc) = &m.on_conflict {
                s.push_str(" ON CONFLICT");
                if !oc.target.is_empty() {
                    s.push_str(" (");
                    s.push_str(&list(oc.target.iter().map(|c| quote_sqlite(c))));
                    s.push(')');
                    if let Some(w) = &oc.target_where {
                        s.push_str(" WHERE ");
                        write_expr(&mut s, w);
                    }
                }
                match &oc.update {
                    None => s.push_str(" DO NOTHING"),
                    Some((sets, where_)) => {
                        s.push_str(" DO UPDATE SET ");
                        write_sets(&mut s, sets.iter().map(|(c, e)| (c, e)));
                        if let Some(w) = where_ {
                            s.push_str(" WHERE ");
                            write_expr(&mut s, w);
                        }
                    }
                }
            }
        }
        ModifyKind::Update => {
            let _ = write!(s, "UPDATE {target}");
            if let Some(a) = &alias {
                let _ = write!(s, " AS {a}");
            }
            s.push_str(" SET ");
            write_sets(&mut s, m.columns.iter().zip(&m.values));
            if !m.from.is_empty() {
                s.push_str(" FROM ");
                write_from(&mut s, &m.from, &m.from_rtable, 1);
            }
            if let Some(w) = &m.where_ {
                s.push_str(" WHERE ");
                write_expr(&mut s, w);
            }
        }
        ModifyKind::Delete => {
            let _ = write!(s, "DELETE FROM {target}");
            if let Some(a) = &alias {
                let _ = write!(s, " AS {a}");
            }
            if !m.from.is_empty() {
                // DELETE … USING: a row goes when some combination of the USING items matches.
                s.push_str(" WHERE EXISTS (SELECT 1 FROM ");
                write_from(&mut s, &m.from, &m.from_rtable, 1);
                if let Some(w) = &m.where_ {
                    s.push_str(" WHERE ");
                    write_expr(&mut s, w);
                }
                s.push(')');
            } else if let Some(w) = &m.where_ {
                s.push_str(" WHERE ");
                write_expr(&mut s, w);
            }
        }
    }
    if !m.returning.is_empty() {
        s.push_str(" RETURNING ");
        write_list(&mut s, &m.returning);
    }
    s
}

fn write_sets<'a>(s: &mut String, sets: impl Iterator<Item = (&'a String, &'a Expr)>) {
    for (i, (c, e)) in sets.enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&quote_sqlite(c));
        s.push_str(" = ");
        write_expr(s, e);
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

fn write_list(s: &mut String, items: &[Expr]) {
    for (i, e) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        write_expr(s, e);
    }
}

/// The collation clause for values of `t`, if its order needs one.
fn collate(t: Type) -> Option<&'static str> {
    t.info().collation
}

fn write_collated(s: &mut String, e: &Expr) {
    write_expr(s, e);
    if let Some(c) = collate(e.ty) {
        let _ = write!(s, " COLLATE {c}");
    }
}

fn write_ctes(s: &mut String, ctes: &[Cte], recursive: bool) {
    if ctes.is_empty() {
        return;
    }
    s.push_str(if recursive {
        "WITH RECURSIVE "
    } else {
        "WITH "
    });
    for (i, c) in ctes.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        s.push_str(&quote_sqlite(&c.sqlite_name));
        s.push('(');
        s.push_str(&list(c.columns.iter().map(|n| quote_sqlite(n))));
        s.push_str(") AS ");
        match c.materialized {
            Some(true) => s.push_str("MATERIALIZED "),
            Some(false) => s.push_str("NOT MATERIALIZED "),
            None => {}
        }
        s.push('(');
        write_query(s, &c.query);
        s.push(')');
    }
    s.push(' ');
}

fn write_query(s: &mut String, q: &Query) {
    write_ctes(s, &q.ctes, q.recursive);
    let distinct_on = matches!(&q.body, QueryBody::Select(sel) if !sel.distinct_on.is_empty());
    if distinct_on {
        write_distinct_on(s, q);
    } else {
        write_body(s, &q.body, false);
        write_order_by(s, &q.order_by);
    }
    write_limit(s, q);
}

fn write_limit(s: &mut String, q: &Query) {
    match (&q.limit, &q.offset) {
        (None, None) => {}
        (limit, offset) => {
            s.push_str(" LIMIT ");
            match limit {
                Some(l) => write_count(s, l, internal::LIMIT),
                None => s.push_str("-1"),
            }
            if let Some(o) = offset {
                s.push_str(" OFFSET ");
                write_count(s, o, internal::OFFSET);
            }
        }
    }
}

fn write_count(s: &mut String, e: &Expr, check: &str) {
    match &e.kind {
        ExprKind::Const(Value::Int(n)) if *n >= 0 => {
            let _ = write!(s, "{n}");
        }
        _ => {
            let _ = write!(s, "{check}(");
            write_expr(s, e);
            s.push(')');
        }
    }
}

fn write_order_by(s: &mut String, keys: &[SortKey]) {
    if keys.is_empty() {
        return;
    }
    s.push_str(" ORDER BY ");
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        write_sort_key(s, k);
    }
}

fn write_sort_key(s: &mut String, k: &SortKey) {
    match k.position {
        Some(p) => {
            let _ = write!(s, "{p}");
        }
        None => write_collated(s, &k.expr),
    }
    s.push_str(if k.descending { " DESC" } else { " ASC" });
    s.push_str(if k.nulls_first {
        " NULLS FIRST"
    } else {
        " NULLS LAST"
    });
}

/// A query body; `branch` is set for a set operation's operand (which must then be a plain
/// SELECT for SQLite).
fn write_body(s: &mut String, body: &QueryBody, branch: bool) {
    match body {
        QueryBody::Select(sel) => write_select(s, sel, &[]),
        QueryBody::Values(rows) => {
            let width = rows.first().map_or(0, Vec::len);
            s.push_str("SELECT ");
            s.push_str(&list(
                (1..=width).map(|i| format!("\"column{i}\" AS \"c{i}\"")),
            ));
            s.push_str(" FROM (VALUES ");
            for (i, row) in rows.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push('(');
                write_list(s, row);
                s.push(')');
            }
            s.push(')');
        }
        QueryBody::SetOp {
            op,
            all,
            left,
            right,
        } => {
            let _ = branch;
            let numbered = *all && *op != SetOp::Union;
            if numbered {
                write_numbered_setop(s, *op, left, right);
                return;
            }
            write_branch(s, left, true);
            s.push_str(match (op, all) {
                (SetOp::Union, true) => " UNION ALL ",
                (SetOp::Union, false) => " UNION ",
                (SetOp::Intersect, _) => " INTERSECT ",
                (SetOp::Except, _) => " EXCEPT ",
            });
            write_branch(s, right, false);
        }
    }
}

/// A set operation's operand: inline when SQLite accepts it there, else `SELECT * FROM (…)`.
fn write_branch(s: &mut String, q: &Query, left: bool) {
    let simple = q.ctes.is_empty()
        && q.order_by.is_empty()
        && q.limit.is_none()
        && q.offset.is_none()
        && match &q.body {
            QueryBody::Select(sel) => sel.distinct_on.is_empty(),
            QueryBody::Values(_) => true,
            QueryBody::SetOp { op, all, .. } => left && !(*all && *op != SetOp::Union),
        };
    if simple {
        write_body(s, &q.body, true);
    } else {
        let n = q.columns.len();
        s.push_str("SELECT ");
        s.push_str(&list((1..=n).map(|i| format!("\"c{i}\""))));
        s.push_str(" FROM (");
        write_query(s, q);
        s.push(')');
    }
}

/// INTERSECT ALL / EXCEPT ALL, which SQLite lacks: number the duplicates on each side, apply
/// the set operation to (row, number), and drop the number.
fn write_numbered_setop(s: &mut String, op: SetOp, left: &Query, right: &Query) {
    let n = left.columns.len();
    let cols = list((1..=n).map(|i| format!("\"c{i}\"")));
    let numbered = |s: &mut String, q: &Query| {
        let _ = write!(
            s,
            "SELECT {cols}, row_number() OVER (PARTITION BY {cols}) AS \"n#\" FROM ("
        );
        write_query(s, q);
        s.push(')');
    };
    let _ = write!(s, "SELECT {cols} FROM (");
    numbered(s, left);
    s.push_str(if op == SetOp::Intersect {
        " INTERSECT "
    } else {
        " EXCEPT "
    });
    numbered(s, right);
    s.push(')');
}

fn write_select(s: &mut String, sel: &Select, extra: &[(String, String)]) {
    s.push_str("SELECT ");
    if sel.distinct {
        s.push_str("DISTINCT ");
    }
    for (i, t) in sel.targets.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        write_collated(s, t);
        let _ = write!(s, " AS \"c{}\"", i + 1);
    }
    for (sql, alias) in extra {
        if !sel.targets.is_empty() {
            s.push_str(", ");
        }
        let _ = write!(s, "{sql} AS {}", quote_sqlite(alias));
    }
    if sel.targets.is_empty() && extra.is_empty() {
        s.push_str("NULL");
    }
    if !sel.from.is_empty() {
        s.push_str(" FROM ");
        write_from(s, &sel.from, &sel.rtable, 0);
    }
    if let Some(w) = &sel.where_ {
        s.push_str(" WHERE ");
        write_expr(s, w);
    }
    if !sel.group_by.is_empty() {
        s.push_str(" GROUP BY ");
        for (i, g) in sel.group_by.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            write_collated(s, g);
        }
    }
    if let Some(h) = &sel.having {
        // SQLite refuses HAVING on a query whose select list aggregates nothing; one group
        // of everything is what PostgreSQL means then.
        if sel.group_by.is_empty() && !sel.targets.iter().any(has_aggregate) {
            s.push_str(" GROUP BY NULL");
        }
        s.push_str(" HAVING ");
        write_expr(s, h);
    }
}

fn has_aggregate(e: &Expr) -> bool {
    if matches!(e.kind, ExprKind::Aggregate { .. }) {
        return true;
    }
    let mut found = false;
    e.for_each_child(&mut |c| found |= has_aggregate(c));
    found
}

/// DISTINCT ON: number the rows of each group in ORDER BY order and keep the first; ORDER BY
/// keys that are not output columns travel as extra columns `"o1"`, `"o2"`, ….
fn write_distinct_on(s: &mut String, q: &Query) {
    let QueryBody::Select(sel) = &q.body else {
        return;
    };
    let n = sel.targets.len();
    let mut window = String::from("row_number() OVER (PARTITION BY ");
    for (i, e) in sel.distinct_on.iter().enumerate() {
        if i > 0 {
            window.push_str(", ");
        }
        write_collated(&mut window, e);
    }
    if !q.order_by.is_empty() {
        window.push_str(" ORDER BY ");
        for (i, k) in q.order_by.iter().enumerate() {
            if i > 0 {
                window.push_str(", ");
            }
            let key = match k.position {
                Some(p) => SortKey {
                    expr: sel.targets[p - 1].clone(),
                    position: None,
                    ..k.clone()
                },
                None => k.clone(),
            };
            write_sort_key(&mut window, &key);
        }
    }
    window.push(')');
    let mut extra = Vec::new();
    let mut outer = Vec::with_capacity(q.order_by.len());
    for (i, k) in q.order_by.iter().enumerate() {
        let name = match k.position {
            Some(p) => format!("c{p}"),
            None => {
                let alias = format!("o{}", i + 1);
                let mut sql = String::new();
                write_collated(&mut sql, &k.expr);
                extra.push((sql, alias.clone()));
                alias
            }
        };
        outer.push((name, k));
    }
    extra.push((window, "rn#".to_string()));
    s.push_str("SELECT ");
    s.push_str(&list((1..=n).map(|i| format!("\"c{i}\""))));
    s.push_str(" FROM (");
    write_select(s, sel, &extra);
    s.push_str(") WHERE \"rn#\" = 1");
    if !outer.is_empty() {
        s.push_str(" ORDER BY ");
        for (i, (name, k)) in outer.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            s.push_str(&quote_sqlite(name));
            if let Some(c) = collate(k.expr.ty) {
                let _ = write!(s, " COLLATE {c}");
            }
            s.push_str(if k.descending { " DESC" } else { " ASC" });
            s.push_str(if k.nulls_first {
                " NULLS FIRST"
            } else {
                " NULLS LAST"
            });
        }
    }
}

fn write_from(s: &mut String, items: &[FromItem], rtable: &[Rte], offset: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        write_from_item(s, item, rtable, offset);
    }
}

fn write_from_item(s: &mut String, item: &FromItem, rtable: &[Rte], offset: usize) {
    match item {
        FromItem::Rte(i) => {
            if let Some(rte) = i.checked_sub(offset).and_then(|k| rtable.get(k)) {
                write_rte(s, rte);
            }
        }
        FromItem::Join {
            kind,
            left,
            right,
            on,
        } => {
            write_from_item(s, left, rtable, offset);
            s.push_str(match kind {
                JoinKind::Inner => " JOIN ",
                JoinKind::Left => " LEFT JOIN ",
                JoinKind::Right => " RIGHT JOIN ",
                JoinKind::Full => " FULL JOIN ",
                JoinKind::Cross => " CROSS JOIN ",
            });
            let paren = matches!(**right, FromItem::Join { .. });
            if paren {
                s.push('(');
            }
            write_from_item(s, right, rtable, offset);
            if paren {
                s.push(')');
            }
            match on {
                Some(cond) => {
                    s.push_str(" ON ");
                    write_expr(s, cond);
                }
                None if *kind != JoinKind::Cross => s.push_str(" ON true"),
                None => {}
            }
        }
    }
}

fn write_rte(s: &mut String, rte: &Rte) {
    match &rte.source {
        RteSource::Table(name) | RteSource::Cte(name) => s.push_str(&quote_sqlite(name)),
        RteSource::Subquery(q) => {
            s.push('(');
            write_query(s, q);
            s.push(')');
        }
        RteSource::Function { symbol, args, .. } => {
            s.push_str(&quote_sqlite(symbol));
            s.push('(');
            write_list(s, args);
            s.push(')');
        }
    }
    s.push_str(" AS ");
    s.push_str(&quote_sqlite(&rte.alias));
}

fn write_const(s: &mut String, v: &Value) {
    match v {
        Value::Null => s.push_str("NULL"),
        Value::Int(i) if *i == i64::MIN => s.push_str("(-9223372036854775807-1)"),
        Value::Int(i) => {
            let _ = write!(s, "{i}");
        }
        Value::Float(f) if f.is_nan() => s.push_str("'NaN'"),
        Value::Float(f) if f.is_infinite() => {
            s.push_str(if *f > 0.0 { "9e999" } else { "-9e999" });
        }
        Value::Float(f) => {
            let _ = write!(s, "{f:e}");
        }
        Value::Text(t) => {
            s.push('\'');
            for c in t.chars() {
                if c == '\'' {
                    s.push('\'');
                }
                s.push(c);
            }
            s.push('\'');
        }
        Value::Bytes(b) => {
            s.push_str("X'");
            for byte in b {
                let _ = write!(s, "{byte:02x}");
            }
            s.push('\'');
        }
    }
}

fn is_comparison(op: &str) -> bool {
    matches!(op, "=" | "<>" | "<" | "<=" | ">" | ">=")
}

/// `func(left, right)` where the right operand is SQL text (a subquery's column, json_each's
/// value).
fn write_op_with(s: &mut String, func: &Builtin, left: &Expr, right_sql: &str, right_ty: Type) {
    match func.imp {
        Imp::SqliteOp(op) => {
            s.push('(');
            write_expr(s, left);
            let _ = write!(s, " {op} {right_sql}");
            if is_comparison(op)
                && let Some(c) = collate(left.ty).or(collate(right_ty))
            {
                let _ = write!(s, " COLLATE {c}");
            }
            s.push(')');
        }
        Imp::Scalar { symbol, typed, .. } => {
            let _ = write!(s, "{symbol}(");
            if typed {
                write_const(s, &Value::Text(arg_types_text(&[left.ty, right_ty])));
                s.push_str(", ");
            }
            write_expr(s, left);
            let _ = write!(s, ", {right_sql})");
        }
        Imp::Sqlite(name) | Imp::Host { symbol: name } => {
            let _ = write!(s, "{name}(");
            write_expr(s, left);
            let _ = write!(s, ", {right_sql})");
        }
        Imp::Aggregate { .. } | Imp::Table { .. } | Imp::Special => s.push_str("NULL"),
    }
}

fn write_balanced(s: &mut String, op: &str, items: &[Expr]) {
    match items {
        [] => s.push_str(if op == "AND" { "1" } else { "0" }),
        [one] => write_expr(s, one),
        _ => {
            let mid = items.len() / 2;
            s.push('(');
            write_balanced(s, op, &items[..mid]);
            let _ = write!(s, " {op} ");
            write_balanced(s, op, &items[mid..]);
            s.push(')');
        }
    }
}

/// Three-valued ANY/ALL over the comparison results in column "r" of `source`.
fn write_quantified(s: &mut String, all: bool, compare: &str, source: &str) {
    if all {
        let _ = write!(
            s,
            "(SELECT CASE WHEN min(\"r\") = 0 THEN 0 WHEN count(*) > count(\"r\") THEN NULL ELSE 1 END FROM (SELECT {compare} AS \"r\" FROM {source}))"
        );
    } else {
        let _ = write!(
            s,
            "(SELECT CASE WHEN max(\"r\") = 1 THEN 1 WHEN count(*) > count(\"r\") THEN NULL ELSE 0 END FROM (SELECT {compare} AS \"r\" FROM {source}))"
        );
    }
}

fn write_expr(s: &mut String, e: &Expr) {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, || write_expr_inner(s, e));
}

fn write_expr_inner(s: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Const(v) => write_const(s, v),
        ExprKind::Param(i) => {
            let _ = write!(s, "?{}", i + 1);
        }
        ExprKind::Column(c) => {
            if let Some(q) = &c.qualifier {
                s.push_str(&quote_sqlite(q));
                s.push('.');
            }
            s.push_str(&quote_sqlite(&c.name));
        }
        ExprKind::Call {
            func,
            args,
            arg_types,
        } => write_call(s, func, args, arg_types),
        ExprKind::Internal { symbol, args } => {
            let _ = write!(s, "{symbol}(");
            write_list(s, args);
            s.push(')');
        }
        ExprKind::Cast { arg, how } => match how {
            CastHow::Binary => write_expr(s, arg),
            CastHow::Func {
                symbol,
                with_typmod,
            } => {
                let _ = write!(s, "{symbol}(");
                write_expr(s, arg);
                if *with_typmod {
                    s.push_str(", -1");
                }
                s.push(')');
            }
            CastHow::Array { typmod, explicit } => {
                s.push_str("pg_array_coerce(");
                write_const(s, &Value::Text(arg_types_text(&[arg.ty])));
                s.push_str(", ");
                write_expr(s, arg);
                let _ = write!(s, ", {}, {typmod}, {})", e.ty.oid(), i64::from(*explicit));
            }
            CastHow::Io => {
                let _ = write!(s, "{}(", internal::IO_CAST);
                write_expr(s, arg);
                let from = if arg.ty == Type::UNKNOWN {
                    Type::TEXT
                } else {
                    arg.ty
                };
                let _ = write!(s, ", {}, {})", from.oid(), e.ty.oid());
            }
        },
        ExprKind::And(items) => write_balanced(s, "AND", items),
        ExprKind::Or(items) => write_balanced(s, "OR", items),
        ExprKind::Not(x) => {
            s.push_str("(NOT ");
            write_expr(s, x);
            s.push(')');
        }
        ExprKind::IsNull { arg, negated } => {
            s.push('(');
            write_expr(s, arg);
            s.push_str(if *negated {
                " IS NOT NULL)"
            } else {
                " IS NULL)"
            });
        }
        ExprKind::BoolTest { arg, test } => {
            s.push('(');
            write_expr(s, arg);
            s.push_str(match test {
                BoolTest::IsTrue => " IS TRUE)",
                BoolTest::IsNotTrue => " IS NOT TRUE)",
                BoolTest::IsFalse => " IS FALSE)",
                BoolTest::IsNotFalse => " IS NOT FALSE)",
                BoolTest::IsUnknown => " IS NULL)",
                BoolTest::IsNotUnknown => " IS NOT NULL)",
            });
        }
        ExprKind::Distinct {
            left,
            right,
            negated,
        } => {
            s.push('(');
            write_expr(s, left);
            s.push_str(if *negated { " IS " } else { " IS NOT " });
            write_collated(s, right);
            s.push(')');
        }
        ExprKind::Case {
            operand,
            whens,
            else_,
        } => write_case(s, operand.as_deref(), whens, else_.as_deref(), write_expr),
        ExprKind::Coalesce(items) => {
            if let [one] = items.as_slice() {
                write_expr(s, one);
            } else {
                s.push_str("coalesce(");
                write_list(s, items);
                s.push(')');
            }
        }
        ExprKind::NullIf(a, b) => {
            if collate(a.ty).is_some() {
                s.push_str("CASE WHEN ");
                write_expr(s, a);
                s.push_str(" = ");
                write_collated(s, b);
                s.push_str(" THEN NULL ELSE ");
                write_expr(s, a);
                s.push_str(" END");
            } else {
                s.push_str("nullif(");
                write_expr(s, a);
                s.push_str(", ");
                write_expr(s, b);
                s.push(')');
            }
        }
        ExprKind::MinMax { greatest, args } => {
            if let [one] = args.as_slice() {
                write_expr(s, one);
                return;
            }
            let f = if *greatest { "max" } else { "min" };
            let _ = write!(s, "(SELECT {f}(\"column1\"");
            if let Some(c) = collate(e.ty) {
                let _ = write!(s, " COLLATE {c}");
            }
            s.push_str(") FROM (VALUES ");
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    s.push_str(", ");
                }
                s.push('(');
                write_expr(s, a);
                s.push(')');
            }
            s.push_str("))");
        }
        ExprKind::InList { arg, list, negated } => {
            s.push('(');
            write_collated(s, arg);
            s.push_str(if *negated { " NOT IN (" } else { " IN (" });
            write_list(s, list);
            s.push_str("))");
        }
        ExprKind::ArrayCompare {
            left,
            op,
            array,
            all,
        } => {
            let elem = array.ty.elem().unwrap_or(Type::TEXT);
            if let Imp::SqliteOp(cmp) = op.imp
                && is_comparison(cmp)
            {
                let f = if *all { "pg_array_all" } else { "pg_array_any" };
                let _ = write!(s, "{f}(");
                write_const(s, &Value::Text(arg_types_text(&[left.ty, array.ty])));
                s.push_str(", ");
                write_expr(s, left);
                s.push_str(", ");
                write_expr(s, array);
                s.push_str(", ");
                write_const(s, &Value::Text(cmp.to_string()));
                s.push(')');
                return;
            }
            s.push_str("CASE WHEN ");
            write_expr(s, array);
            s.push_str(" IS NULL THEN NULL ELSE ");
            if !*all && matches!(op.imp, Imp::SqliteOp("=")) {
                s.push('(');
                write_collated(s, left);
                s.push_str(" IN (SELECT \"value\" FROM json_each(");
                write_expr(s, array);
                s.push_str(")))");
            } else {
                let mut cmp = String::new();
                write_op_with(&mut cmp, op, left, "\"value\"", elem);
                let mut source = String::from("json_each(");
                write_expr(&mut source, array);
                source.push(')');
                write_quantified(s, *all, &cmp, &source);
            }
            s.push_str(" END");
        }
        ExprKind::SubLink { kind, query: q } => match kind {
            SubLink::Exists => {
                s.push_str("EXISTS (");
                write_query(s, q);
                s.push(')');
            }
            SubLink::Scalar => {
                let _ = write!(
                    s,
                    "(SELECT CASE WHEN count(*) > 1 THEN {}() ELSE min(\"c1\") END FROM (SELECT * FROM (",
                    internal::CARDINALITY
                );
                write_query(s, q);
                s.push_str(") LIMIT 2))");
            }
            SubLink::In { tests, negated } => {
                s.push('(');
                if let [test] = tests.as_slice() {
                    write_collated(s, test);
                } else {
                    // SQLite's row value: each field compared with its own collation.
                    s.push('(');
                    for (i, t) in tests.iter().enumerate() {
                        if i > 0 {
                            s.push_str(", ");
                        }
                        write_collated(s, t);
                    }
                    s.push(')');
                }
                s.push_str(if *negated { " NOT IN (" } else { " IN (" });
                write_query(s, q);
                s.push_str("))");
            }
            SubLink::Quantified { test, op, all } => {
                let elem = q.columns.first().map_or(Type::TEXT, |c| c.ty);
                let mut cmp = String::new();
                write_op_with(&mut cmp, op, test, "\"c1\"", elem);
                let mut source = String::from("(");
                write_query(&mut source, q);
                source.push(')');
                write_quantified(s, *all, &cmp, &source);
            }
            SubLink::Array => {
                s.push_str("(SELECT json_group_array(\"c1\") FROM (");
                write_query(s, q);
                s.push_str("))");
            }
        },
        ExprKind::Array(items) => {
            let types: Vec<Type> = items.iter().map(|x| x.ty).collect();
            s.push_str("pg_array_constructor(");
            write_const(s, &Value::Text(arg_types_text(&types)));
            for x in items {
                s.push_str(", ");
                write_expr(s, x);
            }
            s.push(')');
        }
        ExprKind::Row { fields, .. } => {
            let types: Vec<Type> = fields.iter().map(|x| x.ty).collect();
            let _ = write!(s, "{}(", crate::func::internal::RECORD);
            write_const(s, &Value::Text(arg_types_text(&types)));
            for x in fields {
                s.push_str(", ");
                write_expr(s, x);
            }
            s.push(')');
        }
        ExprKind::Subscript {
            array,
            index,
            upper,
            slice,
        } => {
            // `index` holds every subscript of the access (one per dimension), pairs for a
            // slice; see the analyzer.
            let f = if *slice {
                "pg_array_slice"
            } else {
                "pg_array_subscript"
            };
            let _ = write!(s, "{f}(");
            write_const(s, &Value::Text(arg_types_text(&[array.ty])));
            s.push_str(", ");
            write_expr(s, array);
            if let ExprKind::Array(subs) = &index.kind {
                for x in subs {
                    s.push_str(", ");
                    write_expr(s, x);
                }
            } else {
                s.push_str(", ");
                write_expr(s, index);
            }
            if let Some(u) = upper {
                s.push_str(", ");
                write_expr(s, u);
            }
            s.push(')');
        }
        ExprKind::Aggregate {
            func,
            args,
            arg_types,
            distinct,
            filter,
            order_by,
        } => {
            write_aggregate_call(s, *func, args, arg_types, *distinct, order_by);
            if let Some(f) = filter {
                s.push_str(" FILTER (WHERE ");
                write_expr(s, f);
                s.push(')');
            }
        }
        ExprKind::WindowCall {
            func,
            args,
            arg_types,
            filter,
            window,
        } => {
            write_aggregate_call(s, *func, args, arg_types, false, &[]);
            if let Some(f) = filter {
                s.push_str(" FILTER (WHERE ");
                write_expr(s, f);
                s.push(')');
            }
            s.push_str(" OVER (");
            write_window(s, window);
            s.push(')');
        }
        ExprKind::Grouped(x) => write_expr(s, x),
    }
}

fn write_call(s: &mut String, func: &Builtin, args: &[Expr], arg_types: &[Type]) {
    match func.imp {
        Imp::SqliteOp(op) => match args {
            [a, b] => {
                s.push('(');
                write_expr(s, a);
                let _ = write!(s, " {op} ");
                write_expr(s, b);
                if is_comparison(op)
                    && let Some(c) = collate(a.ty).or(collate(b.ty))
                {
                    let _ = write!(s, " COLLATE {c}");
                }
                s.push(')');
            }
            [a] => {
                let _ = write!(s, "({op} ");
                write_expr(s, a);
                s.push(')');
            }
            _ => s.push_str("NULL"),
        },
        Imp::Sqlite(name) | Imp::Host { symbol: name } => {
            let _ = write!(s, "{name}(");
            write_list(s, args);
            s.push(')');
        }
        Imp::Scalar { symbol, typed, .. } => {
            let _ = write!(s, "{symbol}(");
            if typed {
                write_const(s, &Value::Text(arg_types_text(arg_types)));
                if !args.is_empty() {
                    s.push_str(", ");
                }
            }
            write_list(s, args);
            s.push(')');
        }
        Imp::Aggregate { symbol, .. } | Imp::Table { symbol, .. } => {
            let _ = write!(s, "{symbol}(");
            write_list(s, args);
            s.push(')');
        }
        Imp::Special => s.push_str("NULL"),
    }
}

/// An aggregate's call (count(*) when `func` is none). Aggregates with a polymorphic
/// argument receive their argument types first, like typed scalar functions.
fn write_aggregate_call(
    s: &mut String,
    func: Option<&Builtin>,
    args: &[Expr],
    arg_types: &[Type],
    distinct: bool,
    order_by: &[SortKey],
) {
    let Some(func) = func else {
        s.push_str("count(*)");
        return;
    };
    let (name, typed) = match func.imp {
        Imp::Sqlite(n) => (n, false),
        Imp::Aggregate { symbol, .. } => (symbol, aggregate_is_typed(func)),
        Imp::Scalar { symbol, .. } | Imp::Table { symbol, .. } | Imp::Host { symbol } => {
            (symbol, false)
        }
        Imp::SqliteOp(_) | Imp::Special => ("NULL", false),
    };
    // SQLite's DISTINCT takes one argument; an aggregate with more (or with its argument
    // types first) deduplicates in its DISTINCT form instead.
    let own_distinct =
        distinct && matches!(func.imp, Imp::Aggregate { .. }) && (typed || args.len() > 1);
    if own_distinct {
        let _ = write!(s, "{name}{}(", crate::func::DISTINCT_SUFFIX);
    } else {
        let _ = write!(s, "{name}(");
    }
    if distinct && !own_distinct {
        s.push_str("DISTINCT ");
    }
    if typed {
        write_const(s, &Value::Text(arg_types_text(arg_types)));
        if !args.is_empty() {
            s.push_str(", ");
        }
    }
    let min_max = matches!(func.imp, Imp::Sqlite("min" | "max"));
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        if min_max || (distinct && !own_distinct) {
            // Equal by the type's collation (numeric 1.5 = 1.50, bpchar ignores blanks).
            write_collated(s, a);
        } else {
            write_expr(s, a);
        }
    }
    if !order_by.is_empty() {
        s.push_str(" ORDER BY ");
        for (i, k) in order_by.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            write_sort_key(s, k);
        }
    } else if own_distinct {
        // PostgreSQL sorts a DISTINCT aggregate's input to deduplicate it: the rows arrive
        // in the arguments' order.
        s.push_str(" ORDER BY ");
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            write_sort_key(
                s,
                &SortKey {
                    expr: a.clone(),
                    position: None,
                    descending: false,
                    nulls_first: false,
                },
            );
        }
    }
    s.push(')');
}

/// `CASE [operand] WHEN … THEN … [ELSE …] END` (SQLite's and PostgreSQL's spelling), each
/// part written by `part`.
pub fn write_case<T>(
    s: &mut String,
    operand: Option<&T>,
    whens: &[(T, T)],
    else_: Option<&T>,
    mut part: impl FnMut(&mut String, &T),
) {
    s.push_str("CASE");
    if let Some(o) = operand {
        s.push(' ');
        part(s, o);
    }
    for (w, t) in whens {
        s.push_str(" WHEN ");
        part(s, w);
        s.push_str(" THEN ");
        part(s, t);
    }
    if let Some(x) = else_ {
        s.push_str(" ELSE ");
        part(s, x);
    }
    s.push_str(" END");
}

/// An aggregate with a polymorphic argument is told its argument types (first argument).
pub fn aggregate_is_typed(func: &Builtin) -> bool {
    func.args.iter().any(|t| t.is_pseudo())
}

fn write_window(s: &mut String, w: &Window) {
    let mut first = true;
    if !w.partition_by.is_empty() {
        s.push_str("PARTITION BY ");
        for (i, p) in w.partition_by.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            write_collated(s, p);
        }
        first = false;
    }
    if !w.order_by.is_empty() {
        if !first {
            s.push(' ');
        }
        s.push_str("ORDER BY ");
        for (i, k) in w.order_by.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            write_sort_key(s, k);
        }
        first = false;
    }
    if let Some(f) = &w.frame {
        if !first {
            s.push(' ');
        }
        s.push_str(f.units);
        s.push(' ');
        match &f.end {
            Some(end) => {
                s.push_str("BETWEEN ");
                write_bound(s, &f.start);
                s.push_str(" AND ");
                write_bound(s, end);
            }
            None => write_bound(s, &f.start),
        }
    }
}

fn write_bound(s: &mut String, b: &FrameBound) {
    match b {
        FrameBound::UnboundedPreceding => s.push_str("UNBOUNDED PRECEDING"),
        FrameBound::UnboundedFollowing => s.push_str("UNBOUNDED FOLLOWING"),
        FrameBound::CurrentRow => s.push_str("CURRENT ROW"),
        FrameBound::Preceding(e) => {
            write_expr(s, e);
            s.push_str(" PRECEDING");
        }
        FrameBound::Following(e) => {
            write_expr(s, e);
            s.push_str(" FOLLOWING");
        }
    }
}
