//! Arrays of every scalar type: input/output/binary (`array_in`/`array_out`/`array_send`/
//! `array_recv` with the element type), functions, operators, `unnest`, `array_agg`, and the
//! subscript helpers the translator calls.
//!
//! Storage (see `types` and [`store`]): TEXT holding a JSON array of the elements' stored
//! values, nested per dimension, without spaces; lower bounds are always 1 (literals and
//! binary input with other lower bounds fail with 0A000). Equal arrays have equal text, so `=`
//! and `<>` are SQLite's text comparison (exact for types whose stored form is canonical; for
//! numeric elements `1.0` and `1.00` differ, as do float `-0` and `0`), while `<`, `<=`, `>`,
//! `>=` are runtime functions that order elements as their type does.
//!
//! Layout: [`store`] (storage form), [`literal`] (text and binary I/O), [`funcs`] (the rest).

pub mod funcs;
pub mod literal;
pub mod store;

use super::{Type, Typmod};
use crate::env::Env;
use crate::error::Result;
use crate::func::rows::{
    aggregate, func, not_strict, op, sqlite_cmp, srf, stable, typed, variadic,
};
use crate::func::{Builtin, CastDef};
use crate::value::Value;

pub use store::Array;

/// `array_in` for an array of `elem`.
pub fn array_in(env: &Env, elem: Type, s: &str, typmod: Typmod) -> Result<Value> {
    literal::array_in(env, elem, s, typmod)
}

/// `array_out` for an array of `elem`.
pub fn array_out(env: &Env, elem: Type, v: &Value) -> String {
    literal::array_out(env, elem, v)
}

/// `array_send` for an array of `elem`.
pub fn array_send(env: &Env, elem: Type, v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    literal::array_send(env, elem, v, buf)
}

/// Coerces a stored array of `elem` to an element type modifier: what `io::apply_typmod`
/// should do for array types (`varchar(3)[]`, `numeric(5,2)[]`).
pub fn array_typmod(
    env: &Env,
    elem: Type,
    v: Value,
    typmod: Typmod,
    explicit: bool,
) -> Result<Value> {
    funcs::array_typmod(env, elem, v, typmod, explicit)
}

/// `array_recv` for an array of `elem`.
pub fn array_recv(env: &Env, elem: Type, bytes: &[u8], typmod: Typmod) -> Result<Value> {
    literal::array_recv(env, elem, bytes, typmod)
}

// ---------------------------------------------------------------------------------------
// catalog rows

use Type as T;

const AA: Type = T::ANYARRAY;
const CA: Type = T::ANYCOMPATIBLEARRAY;
const C: Type = T::ANYCOMPATIBLE;

pub static FUNCTIONS: &[Builtin] = &[
    // dimensions
    func(
        "array_dims",
        &[AA],
        T::TEXT,
        "pg_array_dims",
        funcs::array_dims,
    ),
    func(
        "array_length",
        &[AA, T::INT4],
        T::INT4,
        "pg_array_length",
        funcs::array_length,
    ),
    func(
        "array_lower",
        &[AA, T::INT4],
        T::INT4,
        "pg_array_lower",
        funcs::array_lower,
    ),
    func(
        "array_upper",
        &[AA, T::INT4],
        T::INT4,
        "pg_array_upper",
        funcs::array_upper,
    ),
    func(
        "array_ndims",
        &[AA],
        T::INT4,
        "pg_array_ndims",
        funcs::array_ndims,
    ),
    func(
        "cardinality",
        &[AA],
        T::INT4,
        "pg_cardinality",
        funcs::cardinality,
    ),
    // building
    not_strict(typed(func(
        "array_append",
        &[CA, C],
        CA,
        "pg_array_append",
        funcs::array_append,
    ))),
    not_strict(typed(func(
        "array_prepend",
        &[C, CA],
        CA,
        "pg_array_prepend",
        funcs::array_prepend,
    ))),
    not_strict(typed(func(
        "array_cat",
        &[CA, CA],
        CA,
        "pg_array_cat",
        funcs::array_cat,
    ))),
    not_strict(typed(op(
        "||",
        &[CA, C],
        CA,
        "pg_array_append_op",
        funcs::array_append,
    ))),
    not_strict(typed(op(
        "||",
        &[C, CA],
        CA,
        "pg_array_prepend_op",
        funcs::array_prepend,
    ))),
    not_strict(typed(op(
        "||",
        &[CA, CA],
        CA,
        "pg_array_cat_op",
        funcs::array_cat,
    ))),
    not_strict(typed(func(
        "array_fill",
        &[T::ANYELEMENT, T::INT4_ARRAY],
        AA,
        "pg_array_fill",
        funcs::array_fill,
    ))),
    not_strict(typed(func(
        "array_fill",
        &[T::ANYELEMENT, T::INT4_ARRAY, T::INT4_ARRAY],
        AA,
        "pg_array_fill3",
        funcs::array_fill,
    ))),
    func(
        "trim_array",
        &[AA, T::INT4],
        AA,
        "pg_trim_array",
        funcs::trim_array,
    ),
    // searching
    not_strict(typed(func(
        "array_position",
        &[CA, C],
        T::INT4,
        "pg_array_position",
        funcs::array_position,
    ))),
    not_strict(typed(func(
        "array_position",
        &[CA, C, T::INT4],
        T::INT4,
        "pg_array_position3",
        funcs::array_position,
    ))),
    not_strict(typed(func(
        "array_positions",
        &[CA, C],
        T::INT4_ARRAY,
        "pg_array_positions",
        funcs::array_positions,
    ))),
    not_strict(typed(func(
        "array_remove",
        &[CA, C],
        CA,
        "pg_array_remove",
        funcs::array_remove,
    ))),
    not_strict(typed(func(
        "array_replace",
        &[CA, C, C],
        CA,
        "pg_array_replace",
        funcs::array_replace,
    ))),
    // comparison and containment
    sqlite_cmp("=", &[AA, AA], "="),
    sqlite_cmp("<>", &[AA, AA], "<>"),
    typed(op("<", &[AA, AA], T::BOOL, "pg_array_lt", funcs::array_lt)),
    typed(op("<=", &[AA, AA], T::BOOL, "pg_array_le", funcs::array_le)),
    typed(op(">", &[AA, AA], T::BOOL, "pg_array_gt", funcs::array_gt)),
    typed(op(">=", &[AA, AA], T::BOOL, "pg_array_ge", funcs::array_ge)),
    typed(op(
        "@>",
        &[AA, AA],
        T::BOOL,
        "pg_array_contains",
        funcs::array_contains,
    )),
    typed(op(
        "<@",
        &[AA, AA],
        T::BOOL,
        "pg_array_contained",
        funcs::array_contained,
    )),
    typed(op(
        "&&",
        &[AA, AA],
        T::BOOL,
        "pg_array_overlap",
        funcs::array_overlap,
    )),
    typed(func(
        "array_larger",
        &[AA, AA],
        AA,
        "pg_array_larger",
        funcs::array_larger,
    )),
    typed(func(
        "array_smaller",
        &[AA, AA],
        AA,
        "pg_array_smaller",
        funcs::array_smaller,
    )),
    // text
    stable(typed(func(
        "array_to_string",
        &[AA, T::TEXT],
        T::TEXT,
        "pg_array_to_string",
        funcs::array_to_string,
    ))),
    stable(not_strict(typed(func(
        "array_to_string",
        &[AA, T::TEXT, T::TEXT],
        T::TEXT,
        "pg_array_to_string3",
        funcs::array_to_string,
    )))),
    func(
        "string_to_array",
        &[T::TEXT, T::TEXT],
        T::TEXT_ARRAY,
        "pg_string_to_array",
        funcs::string_to_array,
    )
    .not_strict(),
    func(
        "string_to_array",
        &[T::TEXT, T::TEXT, T::TEXT],
        T::TEXT_ARRAY,
        "pg_string_to_array3",
        funcs::string_to_array,
    )
    .not_strict(),
    // the translator's helpers: ARRAY[…], a[i]…, a[lo:hi]…, x op ANY/ALL (a), casts,
    // a[i]… := v
    variadic(not_strict(typed(func(
        "pg_array_constructor",
        &[T::ANY],
        AA,
        "pg_array_constructor",
        funcs::array_constructor,
    )))),
    variadic(not_strict(typed(func(
        "pg_array_subscript",
        &[AA, T::INT4],
        T::ANYELEMENT,
        "pg_array_subscript",
        funcs::array_subscript,
    )))),
    variadic(typed(func(
        "pg_array_slice",
        &[AA, T::INT4],
        AA,
        "pg_array_slice",
        funcs::array_slice,
    ))),
    variadic(not_strict(typed(func(
        "pg_array_set",
        &[AA, T::ANYELEMENT, T::INT4],
        AA,
        "pg_array_set",
        funcs::array_set,
    )))),
    // set-returning
    srf("unnest", &[AA], T::ANYELEMENT, "pg_unnest", funcs::unnest),
    srf(
        "generate_subscripts",
        &[AA, T::INT4],
        T::INT4,
        "pg_generate_subscripts",
        funcs::generate_subscripts,
    ),
    srf(
        "generate_subscripts",
        &[AA, T::INT4, T::BOOL],
        T::INT4,
        "pg_generate_subscripts3",
        funcs::generate_subscripts,
    ),
    // aggregates
    not_strict(aggregate(
        "array_agg",
        &[T::ANYNONARRAY],
        T::ANYARRAY,
        "pg_array_agg",
        funcs::array_agg_new,
    )),
    not_strict(aggregate(
        "array_agg",
        &[AA],
        T::ANYARRAY,
        "pg_array_agg_arrays",
        funcs::array_agg_arrays_new,
    )),
];

pub static CASTS: &[CastDef] = &[];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::{Imp, arg_types_text};

    /// Every runtime function of the json and array modules, called with odd arguments of
    /// every storage class (wrong types, malformed stored values, extreme numbers), returns a
    /// value or an error and never panics.
    #[test]
    fn no_panics_on_odd_arguments() {
        let env = Env::default();
        let values = [
            Value::Null,
            Value::Int(0),
            Value::Int(-1),
            Value::Int(i64::MAX),
            Value::Int(i64::MIN),
            Value::Float(f64::NAN),
            Value::Float(-0.0),
            Value::Text(String::new()),
            Value::Text("[]".into()),
            Value::Text("[[1,2],[3]]".into()),
            Value::Text("[1,\"a\",null,1.5,\"NaN\",\"\\\\xzz\"]".into()),
            Value::Text("{\"a\":[1,{\"b\":null}],\"\":\"é\"}".into()),
            Value::Text("\"é\\u0000\"".into()),
            Value::Text("[\"a\",\"-1\",\"99999999999\"]".into()),
            Value::Text("{1,2".into()),
            Value::Bytes(vec![0xff, 0, 1]),
        ];
        let type_lists = [
            vec![Type::INT4_ARRAY, Type::INT4, Type::INT4, Type::INT4],
            vec![Type::TEXT_ARRAY, Type::TEXT_ARRAY, Type::TEXT, Type::BOOL],
            vec![
                Type::FLOAT8_ARRAY,
                Type::BYTEA_ARRAY,
                Type::JSONB,
                Type::NUMERIC,
            ],
            vec![
                Type::JSON,
                Type::ANYELEMENT,
                Type::UNKNOWN,
                Type::INT4_ARRAY,
            ],
        ];
        let all = crate::types::json::FUNCTIONS.iter().chain(FUNCTIONS);
        let mut calls = 0usize;
        for b in all {
            let arity = b.args.len();
            for n in [arity, arity + 1] {
                if n == arity + 1 && !b.variadic {
                    continue;
                }
                for (k, v0) in values.iter().enumerate() {
                    for v1 in &values {
                        let mut args: Vec<Value> = Vec::new();
                        for i in 0..n {
                            args.push(match i {
                                0 => v0.clone(),
                                1 => v1.clone(),
                                _ => values[(k + i) % values.len()].clone(),
                            });
                        }
                        match b.imp {
                            Imp::Scalar { f, typed, .. } => {
                                for types in &type_lists {
                                    let mut a = args.clone();
                                    if typed {
                                        let mut t = types.clone();
                                        t.resize(n, Type::TEXT);
                                        a.insert(0, Value::Text(arg_types_text(&t)));
                                    }
                                    let _ = f(&env, &a);
                                    calls += 1;
                                }
                            }
                            Imp::Table { f, .. } => {
                                if let Ok(rows) = f(&env, &args) {
                                    rows.take(100).for_each(drop);
                                }
                                calls += 1;
                            }
                            Imp::Aggregate { new, .. } => {
                                for types in &type_lists {
                                    let mut acc = new(types);
                                    let _ = acc.step(&env, &args);
                                    let _ = acc.step(&env, &args);
                                    let _ = acc.inverse(&env, &args);
                                    let _ = acc.value(&env);
                                    calls += 1;
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        for c in crate::types::json::CASTS.iter().chain(CASTS) {
            if let crate::func::CastImp::Func { f, .. } = c.imp {
                for v in &values {
                    let _ = f(&env, std::slice::from_ref(v));
                }
            }
        }
        assert!(calls > 10_000);
    }
}
