//! Coercion: which casts exist and in which contexts (`pg_cast` rows of the catalog plus the
//! automatic casts through text), how an expression becomes another type, and the common type
//! of UNION/CASE/ARRAY/VALUES/COALESCE branches — PostgreSQL's "Type Conversion" chapter, §10.5
//! for the common type.
//!
//! Unknown literals (`'abc'`) are converted when they meet their type: the type's input
//! function runs here, at analysis, so `'abc'::int` fails with 22P02 at the literal's position
//! as in PostgreSQL. Untyped parameters take the first type they are coerced to.
//!
//! The `reg*` types (OIDs shown and read as names) need the catalog for their I/O: a name
//! that only the type or function catalog knows (`regtype`, `regproc`, `regrole`) is resolved
//! here; a relation or schema name (`regclass`, `regnamespace`) becomes a call of the host's
//! input function, run once per statement (42P01 / 3F000 when missing). Casts between `reg*`
//! and the string types call the input and output functions of `func::catalog`.

use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::catalog::{is_reg_type, reg_input_symbol, reg_output_symbol};
use crate::func::{CastContext, CastDef, CastImp, casts};
use crate::ir::{CastHow, Expr, ExprKind};
use crate::types::{Category, Type, Typmod, format_type, io};
use crate::value::Value;

/// Types whose values are strings: anything converts to them through its output function in
/// assignment context, and they convert to anything through its input function explicitly.
pub(crate) fn is_string_type(t: Type) -> bool {
    matches!(t, Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME)
}

fn cast_row(from: Type, to: Type) -> Option<&'static CastDef> {
    casts().find(|c| c.from == from && c.to == to)
}

/// How `from` becomes `to` in `context`, if it can (no typmod considered).
pub(crate) fn find_cast(from: Type, to: Type, context: CastContext) -> Option<CastHow> {
    if from == to {
        return Some(CastHow::Binary);
    }
    if from == Type::UNKNOWN {
        return Some(CastHow::Io);
    }
    if let Some(row) = cast_row(from, to) {
        if row.context > context {
            return None;
        }
        return Some(match row.imp {
            CastImp::Binary => CastHow::Binary,
            CastImp::Func {
                symbol,
                with_typmod,
                ..
            } => CastHow::Func {
                symbol,
                with_typmod,
            },
        });
    }
    // Of the pseudo-types only void has input and output functions, and so the string casts
    // below (`pg_sleep(0)::text`).
    let no_io = |t: Type| t.is_pseudo() && t != Type::VOID;
    if no_io(from) || no_io(to) {
        return None;
    }
    if is_reg_type(from)
        && is_string_type(to)
        && context >= CastContext::Assignment
        && let Some(symbol) = reg_output_symbol(from)
    {
        return Some(CastHow::Func {
            symbol,
            with_typmod: false,
        });
    }
    // A string becomes a reg* value explicitly; text and varchar become a regclass
    // implicitly too (PostgreSQL's pg_cast has those two, so `nextval(t::text)` resolves).
    if is_string_type(from)
        && is_reg_type(to)
        && (context == CastContext::Explicit
            || (to == Type::REGCLASS && matches!(from, Type::TEXT | Type::VARCHAR)))
        && let Some(symbol) = reg_input_symbol(to)
    {
        return Some(CastHow::Func {
            symbol,
            with_typmod: false,
        });
    }
    if matches!(
        (from, to),
        (Type::INT2VECTOR, Type::INT2_ARRAY) | (Type::OIDVECTOR, Type::OID_ARRAY)
    ) {
        return Some(CastHow::Func {
            symbol: crate::func::catalog::VECTOR_TO_ARRAY,
            with_typmod: false,
        });
    }
    if let (Some(fe), Some(te)) = (from.elem(), to.elem()) {
        return find_cast(fe, te, context).map(|_| CastHow::Array {
            typmod: -1,
            explicit: context == CastContext::Explicit,
        });
    }
    if is_string_type(to) && context >= CastContext::Assignment {
        return Some(CastHow::Io);
    }
    if is_string_type(from) && context == CastContext::Explicit {
        return Some(CastHow::Io);
    }
    None
}

/// Can a value of `from` be used where `to` is expected, in `context`? Pseudo-types as
/// targets accept what PostgreSQL's polymorphic arguments accept.
pub(crate) fn can_coerce(from: Type, to: Type, context: CastContext) -> bool {
    if from == to {
        return true;
    }
    match to {
        Type::ANY => true,
        Type::ANYELEMENT | Type::ANYCOMPATIBLE => !from.is_pseudo() || from == Type::UNKNOWN,
        Type::ANYNONARRAY => (!from.is_pseudo() && !from.is_array()) || from == Type::UNKNOWN,
        Type::ANYARRAY | Type::ANYCOMPATIBLEARRAY => from.is_array() || from == Type::UNKNOWN,
        _ if to.is_pseudo() => false,
        _ => find_cast(from, to, context).is_some(),
    }
}

/// Converts `e` to `to` with `typmod` (-1: none) in `context`; `position` is where errors
/// point. Fails with 42804/42846 when no such cast exists.
pub(crate) fn coerce(
    env: &Env,
    params: &mut [Type],
    e: Expr,
    to: Type,
    typmod: Typmod,
    context: CastContext,
    position: Option<usize>,
) -> Result<Expr> {
    let from = e.ty;
    if from == to && (typmod < 0 || e.typmod == typmod) {
        return Ok(e);
    }
    if let ExprKind::Param(i) = e.kind
        && from == Type::UNKNOWN
    {
        if let Some(slot) = params.get_mut(i) {
            *slot = to;
        }
        let mut p = Expr::new(ExprKind::Param(i), to);
        if typmod >= 0 {
            p = apply_typmod(env, p, typmod, context == CastContext::Explicit, position)?;
        }
        return Ok(p);
    }
    if from == Type::UNKNOWN {
        return coerce_unknown(env, e, to, typmod, context, position);
    }
    let Some(mut how) = find_cast(from, to, context) else {
        return Err(cannot_cast(from, to, context).at(position));
    };
    if let CastHow::Array { typmod: t, .. } = &mut how {
        *t = typmod;
    }
    let mut out = match how {
        CastHow::Binary => Expr {
            kind: e.kind,
            ty: to,
            typmod: e.typmod,
        },
        how => fold(
            env,
            Expr::new(
                ExprKind::Cast {
                    arg: Box::new(e),
                    how,
                },
                to,
            ),
            typmod,
            position,
        )?,
    };
    if typmod >= 0 && out.typmod != typmod {
        if let ExprKind::Cast {
            how: CastHow::Array { .. },
            ..
        } = out.kind
        {
            out.typmod = typmod;
        } else {
            out = apply_typmod(env, out, typmod, context == CastContext::Explicit, position)?;
        }
    }
    Ok(out)
}

fn cannot_cast(from: Type, to: Type, context: CastContext) -> SqlError {
    if context == CastContext::Explicit {
        SqlError::new(
            sqlstate::CANNOT_COERCE,
            format!(
                "cannot cast type {} to {}",
                format_type(from, -1),
                format_type(to, -1)
            ),
        )
    } else {
        SqlError::new(
            sqlstate::DATATYPE_MISMATCH,
            format!(
                "cannot cast type {} to {}",
                format_type(from, -1),
                format_type(to, -1)
            ),
        )
    }
}

/// An unknown literal (or NULL) becoming `to`: the input function runs now.
fn coerce_unknown(
    env: &Env,
    e: Expr,
    to: Type,
    typmod: Typmod,
    context: CastContext,
    position: Option<usize>,
) -> Result<Expr> {
    match e.kind {
        ExprKind::Const(Value::Null) => Ok(Expr {
            kind: ExprKind::Const(Value::Null),
            ty: to,
            typmod,
        }),
        ExprKind::Const(Value::Text(s)) => {
            if to == Type::RECORD && context == CastContext::Explicit {
                // record_in: a written `'…'::record` names no composite type to read.
                return Err(SqlError::not_supported(
                    "input of anonymous composite types is not implemented",
                )
                .at(position));
            }
            // A polymorphic parameter's literal stays text; void reads any text (void_in).
            if to.is_pseudo() && to != Type::VOID {
                return Ok(Expr::constant(Value::Text(s), Type::TEXT));
            }
            if is_reg_type(to) {
                return reg_literal(env, s, to, position);
            }
            let v = io::input(to, env, &s, -1).map_err(|err| err.at(position))?;
            let v = io::apply_typmod(to, env, v, typmod, context == CastContext::Explicit)
                .map_err(|err| err.at(position))?;
            Ok(Expr {
                kind: ExprKind::Const(v),
                ty: to,
                typmod,
            })
        }
        kind => {
            // An unknown-typed expression that is not a literal (a CASE of literals, say):
            // through text.
            let arg = Expr::new(kind, Type::TEXT);
            let mut out = Expr::new(
                ExprKind::Cast {
                    arg: Box::new(arg),
                    how: CastHow::Io,
                },
                to,
            );
            if typmod >= 0 {
                out = apply_typmod(env, out, typmod, context == CastContext::Explicit, position)?;
            }
            Ok(out)
        }
    }
}

/// A literal read as a `reg*` type: an OID given as digits, or a name resolved now (types,
/// functions, roles) or by the host when the statement runs (relations, schemas).
fn reg_literal(env: &Env, s: String, to: Type, position: Option<usize>) -> Result<Expr> {
    use crate::func::catalog::{REG_IO, numeric_oid};
    if let Some(oid) = numeric_oid(&s) {
        return Ok(Expr::constant(Value::Int(i64::from(oid)), to));
    }
    let Some(symbol) = reg_input_symbol(to) else {
        return Err(SqlError::internal("not a reg* type").at(position));
    };
    if let Some((_, f)) = REG_IO.iter().find(|(sym, _)| *sym == symbol) {
        let v = f(env, &[Value::Text(s)]).map_err(|err| err.at(position))?;
        return Ok(Expr::constant(v, to));
    }
    Ok(Expr::new(
        ExprKind::Cast {
            arg: Box::new(Expr::constant(Value::Text(s), Type::TEXT)),
            how: CastHow::Func {
                symbol,
                with_typmod: false,
            },
        },
        to,
    ))
}

/// Runs a cast of a constant now, when the cast is a runtime function or an I/O cast.
fn fold(env: &Env, e: Expr, typmod: Typmod, position: Option<usize>) -> Result<Expr> {
    let ExprKind::Cast { arg, how } = &e.kind else {
        return Ok(e);
    };
    let ExprKind::Const(v) = &arg.kind else {
        return Ok(e);
    };
    if v.is_null() {
        return Ok(Expr {
            kind: ExprKind::Const(Value::Null),
            ty: e.ty,
            typmod: -1,
        });
    }
    let folded = match how {
        CastHow::Binary => v.clone(),
        CastHow::Func {
            symbol,
            with_typmod,
        } => {
            let Some(f) = cast_fn(symbol) else {
                return Ok(e);
            };
            let mut args = vec![v.clone()];
            if *with_typmod {
                args.push(Value::Int(i64::from(typmod)));
            }
            crate::types::to_stored(f(env, &args).map_err(|err| err.at(position))?)
        }
        CastHow::Io => {
            let Some(text) = io::output(arg.ty, env, v) else {
                return Ok(e);
            };
            io::input(e.ty, env, &text, -1).map_err(|err| err.at(position))?
        }
        CastHow::Array { typmod, explicit } => {
            let types = crate::func::arg_types_text(&[arg.ty]);
            crate::types::array::funcs::array_coerce(
                env,
                &[
                    Value::Text(types),
                    v.clone(),
                    Value::Int(i64::from(e.ty.oid())),
                    Value::Int(i64::from(*typmod)),
                    Value::Int(i64::from(*explicit)),
                ],
            )
            .map_err(|err| err.at(position))?
        }
    };
    let typmod_applied = matches!(
        how,
        CastHow::Func {
            with_typmod: true,
            ..
        } | CastHow::Array { .. }
    );
    Ok(Expr {
        kind: ExprKind::Const(folded),
        ty: e.ty,
        typmod: if typmod_applied { typmod } else { -1 },
    })
}

fn cast_fn(symbol: &str) -> Option<crate::func::ScalarFn> {
    casts()
        .find_map(|c| match c.imp {
            CastImp::Func { symbol: s, f, .. } if s == symbol => Some(f),
            _ => None,
        })
        .or_else(|| {
            crate::func::catalog::REG_IO
                .iter()
                .chain(crate::func::catalog::CAST_FUNCTIONS)
                .find(|(s, _)| *s == symbol)
                .map(|(_, f)| *f)
        })
}

/// Length/precision coercion (`varchar(3)`, `numeric(5,2)`, `timestamp(0)`).
pub(crate) fn apply_typmod(
    env: &Env,
    e: Expr,
    typmod: Typmod,
    explicit: bool,
    position: Option<usize>,
) -> Result<Expr> {
    if typmod < 0 || !has_typmod(e.ty) {
        return Ok(Expr { typmod, ..e });
    }
    if let ExprKind::Const(v) = &e.kind {
        let v = io::apply_typmod(e.ty, env, v.clone(), typmod, explicit)
            .map_err(|err| err.at(position))?;
        return Ok(Expr {
            kind: ExprKind::Const(v),
            ty: e.ty,
            typmod,
        });
    }
    let ty = e.ty;
    Ok(Expr {
        kind: ExprKind::Internal {
            symbol: crate::func::internal::TYPMOD,
            args: vec![
                e,
                Expr::constant(Value::Int(i64::from(ty.oid())), Type::OID),
                Expr::constant(Value::Int(i64::from(typmod)), Type::INT4),
                Expr::constant(Value::Int(i64::from(explicit)), Type::BOOL),
            ],
        },
        ty,
        typmod,
    })
}

/// Types whose values a typmod changes.
pub(crate) fn has_typmod(t: Type) -> bool {
    matches!(
        t,
        Type::VARCHAR
            | Type::BPCHAR
            | Type::NUMERIC
            | Type::TIME
            | Type::TIMESTAMP
            | Type::TIMESTAMPTZ
            | Type::INTERVAL
    )
}

/// PostgreSQL's `select_common_type`: the type UNION/CASE/ARRAY/VALUES/COALESCE branches
/// resolve to. `what` names the construct in the error (`UNION`, `CASE`, …); positions are of
/// each input.
pub(crate) fn common_type(types: &[(Type, Option<usize>)], what: &str) -> Result<Type> {
    let known: Vec<(Type, Option<usize>)> = types
        .iter()
        .copied()
        .filter(|(t, _)| *t != Type::UNKNOWN)
        .collect();
    let Some(&(first, _)) = known.first() else {
        return Ok(Type::TEXT);
    };
    if known.iter().all(|(t, _)| *t == first) {
        return Ok(first);
    }
    let mut candidate = first;
    for &(t, pos) in &known[1..] {
        if t == candidate {
            continue;
        }
        if category(t) != category(candidate) {
            return Err(SqlError::new(
                sqlstate::DATATYPE_MISMATCH,
                format!(
                    "{what} types {} and {} cannot be matched",
                    format_type(candidate, -1),
                    format_type(t, -1)
                ),
            )
            .at(pos));
        }
        if !candidate.info().preferred
            && can_coerce(candidate, t, CastContext::Implicit)
            && !can_coerce(t, candidate, CastContext::Implicit)
        {
            candidate = t;
        }
    }
    for &(t, pos) in &known {
        if !can_coerce(t, candidate, CastContext::Implicit) {
            return Err(SqlError::new(
                sqlstate::DATATYPE_MISMATCH,
                format!(
                    "{what} could not convert type {} to {}",
                    format_type(t, -1),
                    format_type(candidate, -1)
                ),
            )
            .at(pos));
        }
    }
    Ok(candidate)
}

/// The category used for type resolution (arrays are their own category).
pub(crate) fn category(t: Type) -> Category {
    t.category()
}
