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
use crate::func::{AccumulatorFactory, Builtin, CastDef, Imp, Kind, ScalarFn, TableFn, Volatility};
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

/// A strict, immutable runtime function or operator that receives its argument types.
const fn scalar(
    name: &'static str,
    kind: Kind,
    args: &'static [Type],
    ret: Type,
    symbol: &'static str,
    f: ScalarFn,
) -> Builtin {
    Builtin {
        name,
        kind,
        args,
        variadic: false,
        ret,
        out_columns: &[],
        strict: true,
        volatility: Volatility::Immutable,
        imp: Imp::Scalar {
            symbol,
            f,
            typed: true,
        },
    }
}

/// The same row without the leading argument-type list.
const fn untyped(b: Builtin) -> Builtin {
    match b.imp {
        Imp::Scalar { symbol, f, .. } => Builtin {
            imp: Imp::Scalar {
                symbol,
                f,
                typed: false,
            },
            ..b
        },
        _ => b,
    }
}

/// A strict function that needs no argument types.
const fn func(
    name: &'static str,
    args: &'static [Type],
    ret: Type,
    symbol: &'static str,
    f: ScalarFn,
) -> Builtin {
    untyped(scalar(name, Kind::Function, args, ret, symbol, f))
}

/// A strict function that receives its argument types.
const fn tfunc(
    name: &'static str,
    args: &'static [Type],
    ret: Type,
    symbol: &'static str,
    f: ScalarFn,
) -> Builtin {
    scalar(name, Kind::Function, args, ret, symbol, f)
}

/// A function that receives its argument types and sees NULL arguments.
const fn tfunc_ns(
    name: &'static str,
    args: &'static [Type],
    ret: Type,
    symbol: &'static str,
    f: ScalarFn,
) -> Builtin {
    scalar(name, Kind::Function, args, ret, symbol, f).not_strict()
}

/// A strict operator that receives its argument types.
const fn top(
    name: &'static str,
    args: &'static [Type],
    ret: Type,
    symbol: &'static str,
    f: ScalarFn,
) -> Builtin {
    scalar(name, Kind::Operator, args, ret, symbol, f)
}

/// An operator that receives its argument types and sees NULL arguments.
const fn top_ns(
    name: &'static str,
    args: &'static [Type],
    ret: Type,
    symbol: &'static str,
    f: ScalarFn,
) -> Builtin {
    scalar(name, Kind::Operator, args, ret, symbol, f).not_strict()
}

const fn variadic(b: Builtin) -> Builtin {
    Builtin {
        variadic: true,
        ..b
    }
}

const fn stable(b: Builtin) -> Builtin {
    b.with_volatility(Volatility::Stable)
}

const fn srf(
    name: &'static str,
    args: &'static [Type],
    ret: Type,
    symbol: &'static str,
    f: TableFn,
) -> Builtin {
    Builtin {
        name,
        kind: Kind::SetReturning,
        args,
        variadic: false,
        ret,
        out_columns: &[],
        strict: true,
        volatility: Volatility::Immutable,
        imp: Imp::Table { symbol, f },
    }
}

const fn agg(
    name: &'static str,
    args: &'static [Type],
    symbol: &'static str,
    new: AccumulatorFactory,
) -> Builtin {
    Builtin {
        name,
        kind: Kind::Aggregate,
        args,
        variadic: false,
        ret: Type::ANYARRAY,
        out_columns: &[],
        strict: false,
        volatility: Volatility::Immutable,
        imp: Imp::Aggregate {
            symbol,
            new,
            window: true,
        },
    }
}

const fn sqlite_op(name: &'static str, symbol: &'static str) -> Builtin {
    Builtin {
        name,
        kind: Kind::Operator,
        args: &[Type::ANYARRAY, Type::ANYARRAY],
        variadic: false,
        ret: Type::BOOL,
        out_columns: &[],
        strict: true,
        volatility: Volatility::Immutable,
        imp: Imp::SqliteOp(symbol),
    }
}

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
    tfunc_ns(
        "array_append",
        &[CA, C],
        CA,
        "pg_array_append",
        funcs::array_append,
    ),
    tfunc_ns(
        "array_prepend",
        &[C, CA],
        CA,
        "pg_array_prepend",
        funcs::array_prepend,
    ),
    tfunc_ns("array_cat", &[CA, CA], CA, "pg_array_cat", funcs::array_cat),
    top_ns(
        "||",
        &[CA, C],
        CA,
        "pg_array_append_op",
        funcs::array_append,
    ),
    top_ns(
        "||",
        &[C, CA],
        CA,
        "pg_array_prepend_op",
        funcs::array_prepend,
    ),
    top_ns("||", &[CA, CA], CA, "pg_array_cat_op", funcs::array_cat),
    tfunc_ns(
        "array_fill",
        &[T::ANYELEMENT, T::INT4_ARRAY],
        AA,
        "pg_array_fill",
        funcs::array_fill,
    ),
    tfunc_ns(
        "array_fill",
        &[T::ANYELEMENT, T::INT4_ARRAY, T::INT4_ARRAY],
        AA,
        "pg_array_fill3",
        funcs::array_fill,
    ),
    func(
        "trim_array",
        &[AA, T::INT4],
        AA,
        "pg_trim_array",
        funcs::trim_array,
    ),
    // searching
    tfunc_ns(
        "array_position",
        &[CA, C],
        T::INT4,
        "pg_array_position",
        funcs::array_position,
    ),
    tfunc_ns(
        "array_position",
        &[CA, C, T::INT4],
        T::INT4,
        "pg_array_position3",
        funcs::array_position,
    ),
    tfunc_ns(
        "array_positions",
        &[CA, C],
        T::INT4_ARRAY,
        "pg_array_positions",
        funcs::array_positions,
    ),
    tfunc_ns(
        "array_remove",
        &[CA, C],
        CA,
        "pg_array_remove",
        funcs::array_remove,
    ),
    tfunc_ns(
        "array_replace",
        &[CA, C, C],
        CA,
        "pg_array_replace",
        funcs::array_replace,
    ),
    // comparison and containment
    sqlite_op("=", "="),
    sqlite_op("<>", "<>"),
    top("<", &[AA, AA], T::BOOL, "pg_array_lt", funcs::array_lt),
    top("<=", &[AA, AA], T::BOOL, "pg_array_le", funcs::array_le),
    top(">", &[AA, AA], T::BOOL, "pg_array_gt", funcs::array_gt),
    top(">=", &[AA, AA], T::BOOL, "pg_array_ge", funcs::array_ge),
    top(
        "@>",
        &[AA, AA],
        T::BOOL,
        "pg_array_contains",
        funcs::array_contains,
    ),
    top(
        "<@",
        &[AA, AA],
        T::BOOL,
        "pg_array_contained",
        funcs::array_contained,
    ),
    top(
        "&&",
        &[AA, AA],
        T::BOOL,
        "pg_array_overlap",
        funcs::array_overlap,
    ),
    tfunc(
        "array_larger",
        &[AA, AA],
        AA,
        "pg_array_larger",
        funcs::array_larger,
    ),
    tfunc(
        "array_smaller",
        &[AA, AA],
        AA,
        "pg_array_smaller",
        funcs::array_smaller,
    ),
    // text
    stable(tfunc(
        "array_to_string",
        &[AA, T::TEXT],
        T::TEXT,
        "pg_array_to_string",
        funcs::array_to_string,
    )),
    stable(tfunc_ns(
        "array_to_string",
        &[AA, T::TEXT, T::TEXT],
        T::TEXT,
        "pg_array_to_string3",
        funcs::array_to_string,
    )),
    untyped(scalar(
        "string_to_array",
        Kind::Function,
        &[T::TEXT, T::TEXT],
        T::TEXT_ARRAY,
        "pg_string_to_array",
        funcs::string_to_array,
    ))
    .not_strict(),
    untyped(scalar(
        "string_to_array",
        Kind::Function,
        &[T::TEXT, T::TEXT, T::TEXT],
        T::TEXT_ARRAY,
        "pg_string_to_array3",
        funcs::string_to_array,
    ))
    .not_strict(),
    // the translator's helpers: ARRAY[…], a[i]…, a[lo:hi]…, x op ANY/ALL (a), casts,
    // a[i]… := v
    variadic(tfunc_ns(
        "pg_array_constructor",
        &[T::ANY],
        AA,
        "pg_array_constructor",
        funcs::array_constructor,
    )),
    variadic(tfunc_ns(
        "pg_array_subscript",
        &[AA, T::INT4],
        T::ANYELEMENT,
        "pg_array_subscript",
        funcs::array_subscript,
    )),
    variadic(tfunc(
        "pg_array_slice",
        &[AA, T::INT4],
        AA,
        "pg_array_slice",
        funcs::array_slice,
    )),
    variadic(tfunc_ns(
        "pg_array_set",
        &[AA, T::ANYELEMENT, T::INT4],
        AA,
        "pg_array_set",
        funcs::array_set,
    )),
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
    agg(
        "array_agg",
        &[T::ANYNONARRAY],
        "pg_array_agg",
        funcs::array_agg_new,
    ),
    agg(
        "array_agg",
        &[AA],
        "pg_array_agg_arrays",
        funcs::array_agg_arrays_new,
    ),
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
