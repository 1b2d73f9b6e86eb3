//! Operator and function resolution, as PostgreSQL's "Type Conversion" chapter describes it
//! (§10.2 operators, §10.3 functions): exact match; unknown inputs assumed to be the other
//! input's type; candidates reachable by implicit coercion; most exact matches; preferred types;
//! the string category for unknown inputs; and polymorphic arguments (`anyelement`,
//! `anyarray`, `anycompatible`…) resolved to concrete types.

use crate::analyze::coerce::{can_coerce, category, common_type};
use crate::error::{SqlError, sqlstate};
use crate::func::{Builtin, CastContext, Kind};
use crate::types::{Category, Type, format_type};

/// A resolved call: the catalog row, the concrete argument types to coerce the inputs to, and
/// the concrete result type.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub func: &'static Builtin,
    pub arg_types: Vec<Type>,
    pub ret: Type,
}

/// What resolution failed on.
#[derive(Debug)]
pub(crate) enum Failure {
    NotFound,
    Ambiguous,
}

/// Catalog rows named `name` of one of `kinds` that take `n` arguments.
fn candidates(name: &str, kinds: &[Kind], n: usize) -> Vec<&'static Builtin> {
    crate::func::named(name)
        .iter()
        .copied()
        .filter(|b| kinds.contains(&b.kind))
        .filter(|b| {
            if b.variadic {
                n + 1 >= b.args.len()
            } else {
                b.args.len() == n
            }
        })
        .collect()
}

/// The declared type of argument `i` of `b` (variadic arguments repeat the last).
fn declared(b: &Builtin, i: usize) -> Type {
    match b.args.get(i) {
        Some(t) => *t,
        None => b.args.last().copied().unwrap_or(Type::ANY),
    }
}

/// Resolves `name(args)` among catalog rows of `kinds`.
pub(crate) fn resolve(
    name: &str,
    kinds: &[Kind],
    args: &[Type],
) -> std::result::Result<Resolved, Failure> {
    let all = candidates(name, kinds, args.len());
    if all.is_empty() {
        return Err(Failure::NotFound);
    }
    let n = args.len();
    // Exact match, with unknown inputs of a binary operator taken as the other input's type.
    let exact_with = |types: &[Type]| -> Option<&'static Builtin> {
        all.iter()
            .copied()
            .find(|b| (0..n).all(|i| declared(b, i) == types[i]))
    };
    if let Some(b) = exact_with(args) {
        return finish(b, args).ok_or(Failure::NotFound);
    }
    if n == 2 && kinds.contains(&Kind::Operator) {
        let assumed: Option<Vec<Type>> = match (args[0], args[1]) {
            (Type::UNKNOWN, t) if t != Type::UNKNOWN => Some(vec![t, t]),
            (t, Type::UNKNOWN) if t != Type::UNKNOWN => Some(vec![t, t]),
            _ => None,
        };
        if let Some(types) = assumed
            && let Some(b) = exact_with(&types)
        {
            return finish(b, args).ok_or(Failure::NotFound);
        }
    }
    // Candidates every input can reach by implicit coercion.
    let mut cands: Vec<&'static Builtin> = all
        .iter()
        .copied()
        .filter(|b| (0..n).all(|i| can_coerce(args[i], declared(b, i), CastContext::Implicit)))
        .filter(|b| finish(b, args).is_some())
        .collect();
    if cands.len() == 1 {
        return finish(cands[0], args).ok_or(Failure::NotFound);
    }
    if cands.is_empty() {
        return Err(Failure::NotFound);
    }
    // Most exact matches on known inputs.
    let exact_count = |b: &Builtin| {
        (0..n)
            .filter(|&i| args[i] != Type::UNKNOWN && declared(b, i) == args[i])
            .count()
    };
    let best = cands.iter().map(|b| exact_count(b)).max().unwrap_or(0);
    cands.retain(|b| exact_count(b) == best);
    if cands.len() == 1 {
        return finish(cands[0], args).ok_or(Failure::NotFound);
    }
    // Preferred types where a known input needs a conversion (within its own category, as
    // PostgreSQL's func_select_candidate: unknown inputs are decided below).
    let preferred_count = |b: &Builtin| {
        (0..n)
            .filter(|&i| {
                let d = declared(b, i);
                args[i] != Type::UNKNOWN
                    && args[i] != d
                    && d.info().preferred
                    && category(d) == category(args[i])
            })
            .count()
    };
    let best = cands.iter().map(|b| preferred_count(b)).max().unwrap_or(0);
    cands.retain(|b| preferred_count(b) == best);
    if cands.len() == 1 {
        return finish(cands[0], args).ok_or(Failure::NotFound);
    }
    // Unknown inputs: a category per position (string if any candidate takes one there, else
    // the one all candidates take), all chosen from the same candidates, then applied at once
    // (and a preferred type in it where some candidate has one). A position where candidates
    // disagree leaves the candidates as they are for the last step.
    if args.contains(&Type::UNKNOWN) {
        let mut chosen: Vec<(usize, Category, bool)> = Vec::new();
        for i in (0..n).filter(|&i| args[i] == Type::UNKNOWN) {
            let cats: Vec<(Category, bool)> = cands
                .iter()
                .map(|b| {
                    let d = declared(b, i);
                    (category(d), d.info().preferred)
                })
                .collect();
            let cat = if cats.iter().any(|(c, _)| *c == Category::String) {
                Some(Category::String)
            } else if cats.windows(2).all(|w| w[0].0 == w[1].0) {
                cats.first().map(|c| c.0)
            } else {
                None
            };
            let Some(cat) = cat else {
                chosen.clear();
                break;
            };
            let preferred = cats.iter().any(|&(c, p)| c == cat && p);
            chosen.push((i, cat, preferred));
        }
        if !chosen.is_empty() {
            cands.retain(|b| {
                chosen.iter().all(|&(i, cat, preferred)| {
                    let d = declared(b, i);
                    category(d) == cat && (!preferred || d.info().preferred)
                })
            });
            if cands.len() == 1 {
                return finish(cands[0], args).ok_or(Failure::NotFound);
            }
        }
        // Known inputs all of one type: unknowns assumed to be it.
        let known: Vec<Type> = args
            .iter()
            .copied()
            .filter(|t| *t != Type::UNKNOWN)
            .collect();
        if let Some(&k) = known.first()
            && known.iter().all(|t| *t == k)
        {
            let fit: Vec<&'static Builtin> = cands
                .iter()
                .copied()
                .filter(|b| {
                    (0..n)
                        .filter(|&i| args[i] == Type::UNKNOWN)
                        .all(|i| can_coerce(k, declared(b, i), CastContext::Implicit))
                })
                .collect();
            if fit.len() == 1 {
                return finish(fit[0], args).ok_or(Failure::NotFound);
            }
        }
    }
    Err(Failure::Ambiguous)
}

/// Concrete argument and result types of candidate `b` for inputs `args`, or `None` when its
/// polymorphic arguments cannot agree.
fn finish(b: &'static Builtin, args: &[Type]) -> Option<Resolved> {
    let n = args.len();
    let mut elem: Option<Type> = None;
    let mut compat: Vec<(Type, Option<usize>)> = Vec::new();
    for (i, &a) in args.iter().enumerate() {
        match declared(b, i) {
            Type::ANYELEMENT | Type::ANYNONARRAY if a != Type::UNKNOWN => {
                if elem.is_some_and(|e| e != a) {
                    return None;
                }
                if declared(b, i) == Type::ANYNONARRAY && a.is_array() {
                    return None;
                }
                elem = Some(a);
            }
            Type::ANYARRAY if a != Type::UNKNOWN => {
                let e = a.elem()?;
                if elem.is_some_and(|x| x != e) {
                    return None;
                }
                elem = Some(e);
            }
            Type::ANYCOMPATIBLE if a != Type::UNKNOWN => compat.push((a, None)),
            Type::ANYCOMPATIBLEARRAY if a != Type::UNKNOWN => compat.push((a.elem()?, None)),
            _ => {}
        }
    }
    let elem = elem.unwrap_or(Type::TEXT);
    let compat = if compat.is_empty() {
        Type::TEXT
    } else {
        common_type(&compat, "argument").ok()?
    };
    let concrete = |d: Type| -> Option<Type> {
        Some(match d {
            Type::ANYELEMENT | Type::ANYNONARRAY => elem,
            Type::ANYARRAY => elem.array_of()?,
            Type::ANYCOMPATIBLE => compat,
            Type::ANYCOMPATIBLEARRAY => compat.array_of()?,
            other => other,
        })
    };
    let mut arg_types = Vec::with_capacity(n);
    for (i, &a) in args.iter().enumerate() {
        let d = declared(b, i);
        arg_types.push(match d {
            Type::ANY => {
                if a == Type::UNKNOWN {
                    Type::TEXT
                } else {
                    a
                }
            }
            other => concrete(other)?,
        });
    }
    let ret = concrete(b.ret)?;
    Some(Resolved {
        func: b,
        arg_types,
        ret,
    })
}

/// `a, b` as PostgreSQL lists argument types in messages.
pub(crate) fn type_list(args: &[Type]) -> String {
    args.iter()
        .map(|t| format_type(*t, -1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// 42883 / 42725 for an operator.
pub(crate) fn operator_error(name: &str, args: &[Type], failure: Failure) -> SqlError {
    let shown = match args {
        [a] => format!("{name} {}", format_type(*a, -1)),
        [a, b] => format!("{} {name} {}", format_type(*a, -1), format_type(*b, -1)),
        _ => name.to_string(),
    };
    match failure {
        Failure::NotFound => SqlError::new(
            sqlstate::UNDEFINED_FUNCTION,
            format!("operator does not exist: {shown}"),
        )
        .with_hint(
            "No operator matches the given name and argument types. You might need to add explicit type casts.",
        ),
        Failure::Ambiguous => SqlError::new(
            sqlstate::AMBIGUOUS_FUNCTION,
            format!("operator is not unique: {shown}"),
        )
        .with_hint(
            "Could not choose a best candidate operator. You might need to add explicit type casts.",
        ),
    }
}

/// 42883 / 42725 for a function.
pub(crate) fn function_error(name: &str, args: &[Type], failure: Failure) -> SqlError {
    let shown = format!("{name}({})", type_list(args));
    match failure {
        Failure::NotFound => SqlError::new(
            sqlstate::UNDEFINED_FUNCTION,
            format!("function {shown} does not exist"),
        )
        .with_hint(
            "No function matches the given name and argument types. You might need to add explicit type casts.",
        ),
        Failure::Ambiguous => SqlError::new(
            sqlstate::AMBIGUOUS_FUNCTION,
            format!("function {shown} is not unique"),
        )
        .with_hint(
            "Could not choose a best candidate function. You might need to add explicit type casts.",
        ),
    }
}

/// Is there any catalog row with this name (of these kinds)?
pub(crate) fn name_exists(name: &str, kinds: &[Kind]) -> bool {
    crate::func::named(name)
        .iter()
        .any(|b| kinds.contains(&b.kind))
}
