//! PostgreSQL's names for result columns that have no alias (`FigureColname`): a column's
//! name, a function's name, a cast's type (or its operand's name), `case`, `array`,
//! `exists`…; `None` where PostgreSQL says `?column?`.

use sqlparser::ast;

use super::{ident, object_name};
use crate::types::Type;

pub(crate) fn figure_colname(e: &ast::Expr) -> Option<String> {
    colname(e).map(|(n, _)| n)
}

/// The name and how strongly it was given (PostgreSQL's "strength": 2 for a column, a
/// function or a construct with a fixed name, 1 for a type name or `case`, none for the rest).
fn colname(e: &ast::Expr) -> Option<(String, u8)> {
    use ast::Expr as E;
    let strong = |s: String| Some((s, 2));
    match e {
        E::Identifier(i) => strong(ident(i)),
        E::CompoundIdentifier(parts) => parts.last().map(ident).and_then(strong),
        E::CompoundFieldAccess { root, access_chain } => {
            match access_chain.last() {
                Some(ast::AccessExpr::Dot(E::Identifier(i))) => strong(ident(i)),
                _ => {
                    // `arr[1]`, `t.arr[1]`: the array's name.
                    let dots: Vec<&ast::Ident> = access_chain
                        .iter()
                        .filter_map(|a| match a {
                            ast::AccessExpr::Dot(E::Identifier(i)) => Some(i),
                            _ => None,
                        })
                        .collect();
                    match dots.last() {
                        Some(i) => strong(ident(i)),
                        None => colname(root),
                    }
                }
            }
        }
        E::Nested(inner) => colname(inner),
        // PostgreSQL's grammar makes OVERLAPS a call of `overlaps`.
        E::BinaryOp {
            op: ast::BinaryOperator::Overlaps,
            ..
        } => strong("overlaps".into()),
        E::Cast {
            expr, data_type, ..
        } => match colname(expr) {
            Some((n, 2)) => Some((n, 2)),
            _ => type_colname(data_type).map(|n| (n, 1)),
        },
        E::TypedString(ts) => type_colname(&ts.data_type).map(|n| (n, 1)),
        E::Interval(_) => Some(("interval".into(), 1)),
        E::Function(f) => {
            let parts = object_name(&f.name);
            let name = parts.last().cloned().unwrap_or_default();
            strong(match name.as_str() {
                "user" | "current_role" => "current_user".into(),
                "current_catalog" => "current_database".into(),
                _ => name,
            })
        }
        E::Case { .. } => Some(("case".into(), 1)),
        E::Array(_) => strong("array".into()),
        E::Exists { .. } => strong("exists".into()),
        E::Subquery(q) => match &*q.body {
            ast::SetExpr::Select(s) => match s.projection.first() {
                Some(ast::SelectItem::ExprWithAlias { alias, .. }) => strong(ident(alias)),
                Some(ast::SelectItem::UnnamedExpr(x)) => colname(x),
                _ => None,
            },
            _ => None,
        },
        E::Extract { .. } => strong("extract".into()),
        E::Position { .. } => strong("position".into()),
        E::Substring { shorthand, .. } => {
            strong(if *shorthand { "substr" } else { "substring" }.into())
        }
        E::Trim { trim_where, .. } => strong(
            match trim_where {
                Some(ast::TrimWhereField::Leading) => "ltrim",
                Some(ast::TrimWhereField::Trailing) => "rtrim",
                _ => "btrim",
            }
            .into(),
        ),
        E::Overlay { .. } => strong("overlay".into()),
        E::Ceil { .. } => strong("ceil".into()),
        E::Floor { .. } => strong("floor".into()),
        E::AtTimeZone { .. } => strong("timezone".into()),
        E::Collate { expr, .. } => colname(expr),
        _ => None,
    }
}

/// A cast's column name: the target type's `typname`.
fn type_colname(dt: &ast::DataType) -> Option<String> {
    let t = super::typename::resolve(dt).ok()?;
    let ty = if t.ty.is_array() {
        t.ty.elem().unwrap_or(t.ty)
    } else {
        t.ty
    };
    Some(match ty {
        Type::BPCHAR => "bpchar".into(),
        other => other.name().to_string(),
    })
}
