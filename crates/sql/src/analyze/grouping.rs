//! GROUPING SETS, ROLLUP and CUBE over SQLite, which has only plain GROUP BY.
//!
//! A query with several grouping sets is planned as one SQLite SELECT: its FROM items are
//! cross-joined with `generate_series(0, n - 1)` (one copy of each input row per grouping set,
//! numbered), and it groups by that number and by each grouping expression *masked*: NULL in
//! the sets that leave it out (`CASE WHEN set IN (…) THEN NULL ELSE expr END`). The select
//! list, HAVING and ORDER BY read the masked expressions outside aggregate arguments, as
//! PostgreSQL makes an absent grouping column NULL in that set's rows; `GROUPING(a, b)` is the
//! bit mask of the arguments absent from the row's set.
//!
//! Invariant: a query with one grouping set that holds every grouping expression is a plain
//! GROUP BY (no series joined). Known difference: a grouping set of no expressions (`()`) over
//! an empty input gives no row, where PostgreSQL gives one.

use sqlparser::ast;

use super::Analyzer;
use crate::emit;
use crate::error::{Result, SqlError, sqlstate};
use crate::ir::{Expr, ExprKind};
use crate::types::Type;
use crate::value::Value;

/// The symbol of the stand-in for `GROUPING(…)` until the grouping sets are known (replaced
/// before the query is emitted; never registered).
pub(crate) const GROUPING_PLACEHOLDER: &str = "pg_grouping()";

/// PostgreSQL's cap on the sets a GROUP BY expands to.
const MAX_SETS: usize = 4096;

/// One item of a GROUP BY list, before expansion.
pub(crate) enum Item<'a> {
    Plain(&'a ast::Expr),
    /// ROLLUP / CUBE / GROUPING SETS: their elements (each a list of expressions).
    Rollup(&'a [Vec<ast::Expr>]),
    Cube(&'a [Vec<ast::Expr>]),
    Sets(&'a [Vec<ast::Expr>]),
}

impl<'a> Item<'a> {
    pub fn of(e: &'a ast::Expr) -> Item<'a> {
        match e {
            ast::Expr::Rollup(l) => Item::Rollup(l),
            ast::Expr::Cube(l) => Item::Cube(l),
            ast::Expr::GroupingSets(l) => Item::Sets(l),
            other => Item::Plain(other),
        }
    }
}

/// The analyzed GROUP BY: distinct grouping expressions and the sets (indexes into them).
pub(crate) struct Grouping {
    pub exprs: Vec<Expr>,
    /// `None`: one set holding every expression (a plain GROUP BY).
    pub sets: Option<Vec<Vec<usize>>>,
}

impl Analyzer<'_> {
    /// Expands the GROUP BY items into grouping sets; `analyze` turns one written expression
    /// into its analyzed form (input column, output name or position, expression).
    pub(crate) fn grouping_sets(
        &mut self,
        items: &[Item<'_>],
        analyze: &mut dyn FnMut(&mut Self, &ast::Expr) -> Result<Expr>,
    ) -> Result<Grouping> {
        let mut exprs: Vec<Expr> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        let mut index_of = |a: &mut Self, e: &ast::Expr| -> Result<usize> {
            let x = analyze(a, e)?;
            let t = emit::expr(&x);
            Ok(match texts.iter().position(|s| *s == t) {
                Some(i) => i,
                None => {
                    texts.push(t);
                    exprs.push(x);
                    exprs.len() - 1
                }
            })
        };
        let mut any_sets = false;
        // Per item, the sets it contributes; the query's sets are their cross product.
        let mut per_item: Vec<Vec<Vec<usize>>> = Vec::new();
        for item in items {
            let mut element = |a: &mut Self, list: &[ast::Expr]| -> Result<Vec<usize>> {
                let mut out = Vec::new();
                for e in list {
                    if matches!(
                        e,
                        ast::Expr::Rollup(_) | ast::Expr::Cube(_) | ast::Expr::GroupingSets(_)
                    ) {
                        return Err(SqlError::not_supported(
                            "nested ROLLUP, CUBE or GROUPING SETS are not supported",
                        ));
                    }
                    out.push(index_of(a, e)?);
                }
                Ok(out)
            };
            let sets = match item {
                Item::Plain(e) => vec![vec![index_of(self, e)?]],
                Item::Rollup(list) => {
                    any_sets = true;
                    let mut elems = Vec::new();
                    for l in list.iter() {
                        elems.push(element(self, l)?);
                    }
                    (0..=elems.len())
                        .rev()
                        .map(|n| elems[..n].concat())
                        .collect()
                }
                Item::Cube(list) => {
                    any_sets = true;
                    if list.len() > 12 {
                        return Err(SqlError::new(
                            sqlstate::PROGRAM_LIMIT_EXCEEDED,
                            "CUBE is limited to 12 elements",
                        ));
                    }
                    let mut elems = Vec::new();
                    for l in list.iter() {
                        elems.push(element(self, l)?);
                    }
                    // PostgreSQL's order: the full set first, down to the empty one.
                    let n = elems.len();
                    let mut masks: Vec<usize> = (0..1usize << n).collect();
                    masks.sort_by_key(|m| std::cmp::Reverse(m.count_ones()));
                    masks
                        .into_iter()
                        .map(|m| {
                            (0..n)
                                .filter(|i| m & (1 << (n - 1 - i)) != 0)
                                .flat_map(|i| elems[i].clone())
                                .collect()
                        })
                        .collect()
                }
                Item::Sets(list) => {
                    any_sets = true;
                    let mut sets = Vec::new();
                    for l in list.iter() {
                        sets.push(element(self, l)?);
                    }
                    sets
                }
            };
            per_item.push(sets);
        }
        if !any_sets {
            return Ok(Grouping { exprs, sets: None });
        }
        let mut sets: Vec<Vec<usize>> = vec![Vec::new()];
        for item_sets in per_item {
            let mut next = Vec::with_capacity(sets.len() * item_sets.len());
            for s in &sets {
                for t in &item_sets {
                    let mut u = s.clone();
                    u.extend(t.iter().copied());
                    u.sort_unstable();
                    u.dedup();
                    next.push(u);
                }
            }
            if next.len() > MAX_SETS {
                return Err(SqlError::new(
                    sqlstate::STATEMENT_TOO_COMPLEX,
                    "too many grouping sets present (maximum 4096)",
                ));
            }
            sets = next;
        }
        let everything: Vec<usize> = (0..exprs.len()).collect();
        if sets.len() == 1 && sets[0] == everything {
            return Ok(Grouping { exprs, sets: None });
        }
        Ok(Grouping {
            exprs,
            sets: Some(sets),
        })
    }
}

/// The masked form of grouping expression `k`: NULL in the sets that leave it out.
pub(crate) fn masked(set_no: &Expr, sets: &[Vec<usize>], k: usize, x: &Expr) -> Expr {
    let absent: Vec<Expr> = absent_from(sets, k)
        .map(|i| Expr::constant(Value::Int(i as i64), Type::INT4))
        .collect();
    if absent.is_empty() {
        return x.clone();
    }
    Expr {
        kind: ExprKind::Case {
            operand: None,
            whens: vec![(in_sets(set_no, absent), Expr::null(x.ty))],
            else_: Some(Box::new(x.clone())),
        },
        ty: x.ty,
        typmod: x.typmod,
    }
}

fn absent_from(sets: &[Vec<usize>], k: usize) -> impl Iterator<Item = usize> + '_ {
    sets.iter()
        .enumerate()
        .filter(move |(_, s)| !s.contains(&k))
        .map(|(i, _)| i)
}

fn in_sets(set_no: &Expr, list: Vec<Expr>) -> Expr {
    Expr::new(
        ExprKind::InList {
            arg: Box::new(set_no.clone()),
            list,
            negated: false,
        },
        Type::BOOL,
    )
}

/// Rewrites `e` for grouped output: grouping expressions (outside aggregate arguments) become
/// their masked forms, `GROUPING(…)` its bit mask. `texts` are the emitted grouping
/// expressions, `masks` their masked forms; `sets`/`set_no` are `None` for a plain GROUP BY
/// (where `GROUPING(…)` is 0).
pub(crate) fn rewrite(
    e: &mut Expr,
    texts: &[String],
    masks: &[Expr],
    sets: Option<(&[Vec<usize>], &Expr)>,
) -> Result<()> {
    if let ExprKind::Internal { symbol, args } = &e.kind
        && *symbol == GROUPING_PLACEHOLDER
    {
        let mut bits: Vec<(usize, Option<usize>)> = Vec::with_capacity(args.len());
        for a in args {
            let t = emit::expr(a);
            let Some(k) = texts.iter().position(|x| *x == t) else {
                return Err(SqlError::new(
                    sqlstate::GROUPING_ERROR,
                    "arguments to GROUPING must be grouping expressions of the associated query level",
                ));
            };
            bits.push((args.len() - 1 - bits.len(), Some(k)));
        }
        *e = match sets {
            None => Expr::constant(Value::Int(0), Type::INT4),
            Some((sets, set_no)) => {
                // Per set, the value; then CASE over the set number.
                let mut whens = Vec::new();
                for (i, s) in sets.iter().enumerate() {
                    let v: i64 = bits
                        .iter()
                        .filter(|(_, k)| k.is_some_and(|k| !s.contains(&k)))
                        .map(|(bit, _)| 1i64 << bit)
                        .sum();
                    if v != 0 {
                        whens.push((
                            in_sets(
                                set_no,
                                vec![Expr::constant(Value::Int(i as i64), Type::INT4)],
                            ),
                            Expr::constant(Value::Int(v), Type::INT4),
                        ));
                    }
                }
                if whens.is_empty() {
                    Expr::constant(Value::Int(0), Type::INT4)
                } else {
                    Expr::new(
                        ExprKind::Case {
                            operand: None,
                            whens,
                            else_: Some(Box::new(Expr::constant(Value::Int(0), Type::INT4))),
                        },
                        Type::INT4,
                    )
                }
            }
        };
        return Ok(());
    }
    if matches!(e.kind, ExprKind::Aggregate { .. }) {
        return Ok(());
    }
    if !texts.is_empty() && sets.is_some() {
        let t = emit::expr(e);
        if let Some(k) = texts.iter().position(|x| *x == t) {
            *e = masks[k].clone();
            return Ok(());
        }
    }
    let mut result = Ok(());
    e.for_each_child_mut(&mut |c| {
        if result.is_ok() {
            result = rewrite(c, texts, masks, sets);
        }
    });
    result
}
