//! PostgreSQL's names for result columns that have no alias (`FigureColname`): a column's
//! name, a function's name, a cast's type (or its operand's name), `case`, `array`,
//! `exists`…; `None` where PostgreSQL says `?column?`.

use sqlparser::ast;

use super::{ident, object_name};
use crate::types::Type;

pub(crate) fn figure_colname(e: &ast::Expr) -> Option<String> {
    use ast::Expr as E;
    match e {
        E::Identifier(i) => Some(ident(i)),
        E::CompoundIdentifier(parts) => parts.last().map(ident),
        E::CompoundFieldAccess { root, access_chain } => {
            match access_chain.last() {
                Some(ast::AccessExpr::Dot(E::Identifier(i))) => Some(ident(i)),
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
                        Some(i) => Some(ident(i)),
                        None => figure_colname(root),
                    }
                }
            }
        }
        E::Nested(inner) => figure_colname(inner),
        E::Cast {
            expr, data_type, ..
        } => figure_colname(expr).or_else(|| type_colname(data_type)),
        E::TypedString(ts) => type_colname(&ts.data_type),
        E::Interval(_) => Some("interval".into()),
        E::Function(f) => {
            let parts = object_name(&f.name);
            let name = parts.last().cloned().unwrap_or_default();
            Some(match name.as_str() {
                "user" | "current_role" => "current_user".into(),
                "current_catalog" => "current_database".into(),
                _ => name,
            })
        }
        E::Case { .. } => Some("case".into()),
        E::Array(_) => Some("array".into()),
        E::Exists { .. } => Some("exists".into()),
        E::Subquery(q) => match &*q.body {
            ast::SetExpr::Select(s) => match s.projection.first() {
                Some(ast::SelectItem::ExprWithAlias { alias, .. }) => Some(ident(alias)),
                Some(ast::SelectItem::UnnamedExpr(x)) => figure_colname(x),
                _ => None,
            },
            _ => None,
        },
        E::Value(v) => match v.value {
            ast::Value::Boolean(_) => Some("bool".into()),
            _ => None,
        },
        E::Extract { .. } => Some("extract".into()),
        E::Position { .. } => Some("position".into()),
        E::Substring { .. } => Some("substring".into()),
        E::Trim { trim_where, .. } => Some(
            match trim_where {
                Some(ast::TrimWhereField::Leading) => "ltrim",
                Some(ast::TrimWhereField::Trailing) => "rtrim",
                _ => "btrim",
            }
            .into(),
        ),
        E::Overlay { .. } => Some("overlay".into()),
        E::Ceil { .. } => Some("ceil".into()),
        E::Floor { .. } => Some("floor".into()),
        E::AtTimeZone { .. } => Some("timezone".into()),
        E::Collate { expr, .. } => figure_colname(expr),
        _ => None,
    }
}

/// A cast's column name: the target type's `typname`.
fn type_colname(dt: &ast::DataType) -> Option<String> {
    let t = super::typename::resolve(dt).ok()?;
    let ty = if t.ty.is_array() { t.ty } else { t.ty };
    Some(match ty {
        Type::BPCHAR => "bpchar".into(),
        other => other.name().to_string(),
    })
}
