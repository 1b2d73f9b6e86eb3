//! `json` and `jsonb`: input/output/binary, operators, functions, set-returning functions,
//! aggregates and casts, with PostgreSQL 15's semantics and messages.
//!
//! Storage (see `types`): `json` is the text as given, validated by PostgreSQL's grammar;
//! `jsonb` is the text PostgreSQL prints for the value (keys unique and ordered shorter-first
//! then bytewise, `": "` and `", "` separators, numbers in `numeric` output form), so equal
//! `jsonb` values (up to numeric scale: `1.0` vs `1`) have equal text and `=`/`<>` are SQLite's.
//!
//! Layout: [`parse`] (grammar and errors), [`num`] (jsonb numbers), [`jv`] (the `jsonb` value,
//! printing, ordering), [`ops`] (operators and scalar functions), [`build`] (SQL values to
//! JSON, constructors, aggregates), [`srf`] (set-returning functions).

pub mod build;
pub mod jv;
pub mod num;
pub mod ops;
pub mod parse;
pub mod srf;

use crate::error::{Result, SqlError, sqlstate};
use crate::func::rows::{
    aggregate, cast_bin, cast_fn, fixed_frame, func, not_strict, op, sqlite_cmp, srf, stable,
    typed, variadic, with_out_columns,
};
use crate::func::{Builtin, CastContext, CastDef};
use crate::types::Type;
use crate::value::Value;

use jv::Jv;

/// `json`'s input: the text itself, once PostgreSQL's grammar accepts it.
/// Orders two stored jsonb values as PostgreSQL's jsonb btree does (collation `pg_jsonb`).
pub fn jsonb_collate(a: &str, b: &str) -> std::cmp::Ordering {
    match (jv::Jv::parse(a), jv::Jv::parse(b)) {
        (Ok(x), Ok(y)) => jv::cmp_top(&x, &y),
        _ => a.cmp(b),
    }
}

pub fn json_in(s: &str) -> Result<Value> {
    parse::validate(s)?;
    Ok(Value::Text(s.to_string()))
}

/// `jsonb`'s input: the value printed in `jsonb` form.
pub fn jsonb_in(s: &str) -> Result<Value> {
    Ok(Value::Text(Jv::parse(s)?.to_text()))
}

/// `jsonb`'s binary form: version byte 1, then the text.
pub fn jsonb_send(v: &Value, buf: &mut Vec<u8>) -> Result<()> {
    buf.push(1);
    buf.extend_from_slice(crate::types::text::text_out(v).as_bytes());
    Ok(())
}

pub fn jsonb_recv(bytes: &[u8]) -> Result<Value> {
    let Some((&version, text)) = bytes.split_first() else {
        return Err(SqlError::new(
            sqlstate::PROTOCOL_VIOLATION,
            "insufficient data left in message",
        ));
    };
    if version != 1 {
        return Err(SqlError::internal(format!(
            "unsupported jsonb version number {version}"
        )));
    }
    jsonb_in(&crate::types::text::utf8(text)?)
}

// ---------------------------------------------------------------------------------------
// catalog rows

use Type as T;

const J: Type = T::JSON;
const JB: Type = T::JSONB;

static KV_JSON: &[(&str, Type)] = &[("key", T::TEXT), ("value", T::JSON)];
static KV_JSONB: &[(&str, Type)] = &[("key", T::TEXT), ("value", T::JSONB)];
static KV_TEXT: &[(&str, Type)] = &[("key", T::TEXT), ("value", T::TEXT)];
static V_JSON: &[(&str, Type)] = &[("value", T::JSON)];
static V_JSONB: &[(&str, Type)] = &[("value", T::JSONB)];
static V_TEXT: &[(&str, Type)] = &[("value", T::TEXT)];

pub static FUNCTIONS: &[Builtin] = &[
    // field and element access
    op(
        "->",
        &[J, T::TEXT],
        J,
        "pg_json_object_field",
        ops::json_object_field,
    ),
    op(
        "->",
        &[J, T::INT4],
        J,
        "pg_json_array_element",
        ops::json_array_element,
    ),
    op(
        "->>",
        &[J, T::TEXT],
        T::TEXT,
        "pg_json_object_field_text",
        ops::json_object_field_text,
    ),
    op(
        "->>",
        &[J, T::INT4],
        T::TEXT,
        "pg_json_array_element_text",
        ops::json_array_element_text,
    ),
    op(
        "#>",
        &[J, T::TEXT_ARRAY],
        J,
        "pg_json_path_op",
        ops::json_path_op,
    ),
    op(
        "#>>",
        &[J, T::TEXT_ARRAY],
        T::TEXT,
        "pg_json_path_text_op",
        ops::json_path_text_op,
    ),
    op(
        "->",
        &[JB, T::TEXT],
        JB,
        "pg_jsonb_object_field",
        ops::jsonb_object_field,
    ),
    op(
        "->",
        &[JB, T::INT4],
        JB,
        "pg_jsonb_array_element",
        ops::jsonb_array_element,
    ),
    op(
        "->>",
        &[JB, T::TEXT],
        T::TEXT,
        "pg_jsonb_object_field_text",
        ops::jsonb_object_field_text,
    ),
    op(
        "->>",
        &[JB, T::INT4],
        T::TEXT,
        "pg_jsonb_array_element_text",
        ops::jsonb_array_element_text,
    ),
    op(
        "#>",
        &[JB, T::TEXT_ARRAY],
        JB,
        "pg_jsonb_path_op",
        ops::jsonb_path_op,
    ),
    op(
        "#>>",
        &[JB, T::TEXT_ARRAY],
        T::TEXT,
        "pg_jsonb_path_text_op",
        ops::jsonb_path_text_op,
    ),
    variadic(func(
        "json_extract_path",
        &[J, T::TEXT],
        J,
        "pg_json_extract_path",
        ops::json_extract_path,
    )),
    variadic(func(
        "json_extract_path_text",
        &[J, T::TEXT],
        T::TEXT,
        "pg_json_extract_path_text",
        ops::json_extract_path_text,
    )),
    variadic(func(
        "jsonb_extract_path",
        &[JB, T::TEXT],
        JB,
        "pg_jsonb_extract_path",
        ops::jsonb_extract_path,
    )),
    variadic(func(
        "jsonb_extract_path_text",
        &[JB, T::TEXT],
        T::TEXT,
        "pg_jsonb_extract_path_text",
        ops::jsonb_extract_path_text,
    )),
    // comparison (= and <> compare the canonical text; see the module doc)
    sqlite_cmp("=", &[JB, JB], "="),
    sqlite_cmp("<>", &[JB, JB], "<>"),
    op("<", &[JB, JB], T::BOOL, "pg_jsonb_lt", ops::jsonb_lt),
    op("<=", &[JB, JB], T::BOOL, "pg_jsonb_le", ops::jsonb_le),
    op(">", &[JB, JB], T::BOOL, "pg_jsonb_gt", ops::jsonb_gt),
    op(">=", &[JB, JB], T::BOOL, "pg_jsonb_ge", ops::jsonb_ge),
    func(
        "jsonb_cmp",
        &[JB, JB],
        T::INT4,
        "pg_jsonb_cmp",
        ops::jsonb_cmp,
    ),
    func("jsonb_eq", &[JB, JB], T::BOOL, "pg_jsonb_eq", ops::jsonb_eq),
    func("jsonb_ne", &[JB, JB], T::BOOL, "pg_jsonb_ne", ops::jsonb_ne),
    // containment and existence
    op(
        "@>",
        &[JB, JB],
        T::BOOL,
        "pg_jsonb_contains_op",
        ops::jsonb_contains,
    ),
    op(
        "<@",
        &[JB, JB],
        T::BOOL,
        "pg_jsonb_contained_op",
        ops::jsonb_contained,
    ),
    op(
        "?",
        &[JB, T::TEXT],
        T::BOOL,
        "pg_jsonb_exists_op",
        ops::jsonb_exists,
    ),
    op(
        "?|",
        &[JB, T::TEXT_ARRAY],
        T::BOOL,
        "pg_jsonb_exists_any_op",
        ops::jsonb_exists_any,
    ),
    op(
        "?&",
        &[JB, T::TEXT_ARRAY],
        T::BOOL,
        "pg_jsonb_exists_all_op",
        ops::jsonb_exists_all,
    ),
    func(
        "jsonb_contains",
        &[JB, JB],
        T::BOOL,
        "pg_jsonb_contains",
        ops::jsonb_contains,
    ),
    func(
        "jsonb_contained",
        &[JB, JB],
        T::BOOL,
        "pg_jsonb_contained",
        ops::jsonb_contained,
    ),
    func(
        "jsonb_exists",
        &[JB, T::TEXT],
        T::BOOL,
        "pg_jsonb_exists",
        ops::jsonb_exists,
    ),
    func(
        "jsonb_exists_any",
        &[JB, T::TEXT_ARRAY],
        T::BOOL,
        "pg_jsonb_exists_any",
        ops::jsonb_exists_any,
    ),
    func(
        "jsonb_exists_all",
        &[JB, T::TEXT_ARRAY],
        T::BOOL,
        "pg_jsonb_exists_all",
        ops::jsonb_exists_all,
    ),
    // editing
    op("||", &[JB, JB], JB, "pg_jsonb_concat", ops::jsonb_concat),
    op(
        "-",
        &[JB, T::TEXT],
        JB,
        "pg_jsonb_delete_key",
        ops::jsonb_delete_key,
    ),
    op(
        "-",
        &[JB, T::INT4],
        JB,
        "pg_jsonb_delete_index",
        ops::jsonb_delete_index,
    ),
    op(
        "-",
        &[JB, T::TEXT_ARRAY],
        JB,
        "pg_jsonb_delete_keys",
        ops::jsonb_delete_keys,
    ),
    op(
        "#-",
        &[JB, T::TEXT_ARRAY],
        JB,
        "pg_jsonb_delete_path_op",
        ops::jsonb_delete_path,
    ),
    func(
        "jsonb_delete_path",
        &[JB, T::TEXT_ARRAY],
        JB,
        "pg_jsonb_delete_path",
        ops::jsonb_delete_path,
    ),
    func(
        "jsonb_delete",
        &[JB, T::TEXT],
        JB,
        "pg_jsonb_delete_text",
        ops::jsonb_delete_key,
    ),
    func(
        "jsonb_delete",
        &[JB, T::INT4],
        JB,
        "pg_jsonb_delete_int",
        ops::jsonb_delete_index,
    ),
    variadic(func(
        "jsonb_delete",
        &[JB, T::TEXT],
        JB,
        "pg_jsonb_delete_variadic",
        ops::jsonb_delete_variadic,
    )),
    func(
        "jsonb_concat",
        &[JB, JB],
        JB,
        "pg_jsonb_concat_fn",
        ops::jsonb_concat,
    ),
    func(
        "jsonb_set",
        &[JB, T::TEXT_ARRAY, JB],
        JB,
        "pg_jsonb_set3",
        ops::jsonb_set,
    ),
    func(
        "jsonb_set",
        &[JB, T::TEXT_ARRAY, JB, T::BOOL],
        JB,
        "pg_jsonb_set",
        ops::jsonb_set,
    ),
    func(
        "jsonb_set_lax",
        &[JB, T::TEXT_ARRAY, JB],
        JB,
        "pg_jsonb_set_lax3",
        ops::jsonb_set_lax,
    )
    .not_strict(),
    func(
        "jsonb_set_lax",
        &[JB, T::TEXT_ARRAY, JB, T::BOOL],
        JB,
        "pg_jsonb_set_lax4",
        ops::jsonb_set_lax,
    )
    .not_strict(),
    func(
        "jsonb_set_lax",
        &[JB, T::TEXT_ARRAY, JB, T::BOOL, T::TEXT],
        JB,
        "pg_jsonb_set_lax",
        ops::jsonb_set_lax,
    )
    .not_strict(),
    func(
        "jsonb_insert",
        &[JB, T::TEXT_ARRAY, JB],
        JB,
        "pg_jsonb_insert3",
        ops::jsonb_insert,
    ),
    func(
        "jsonb_insert",
        &[JB, T::TEXT_ARRAY, JB, T::BOOL],
        JB,
        "pg_jsonb_insert",
        ops::jsonb_insert,
    ),
    func(
        "jsonb_strip_nulls",
        &[JB],
        JB,
        "pg_jsonb_strip_nulls",
        ops::jsonb_strip_nulls,
    ),
    func(
        "json_strip_nulls",
        &[J],
        J,
        "pg_json_strip_nulls",
        ops::json_strip_nulls,
    ),
    func(
        "jsonb_pretty",
        &[JB],
        T::TEXT,
        "pg_jsonb_pretty",
        ops::jsonb_pretty,
    ),
    // inspection
    func(
        "json_typeof",
        &[J],
        T::TEXT,
        "pg_json_typeof",
        ops::json_typeof,
    ),
    func(
        "jsonb_typeof",
        &[JB],
        T::TEXT,
        "pg_jsonb_typeof",
        ops::jsonb_typeof,
    ),
    func(
        "json_array_length",
        &[J],
        T::INT4,
        "pg_json_array_length",
        ops::json_array_length,
    ),
    func(
        "jsonb_array_length",
        &[JB],
        T::INT4,
        "pg_jsonb_array_length",
        ops::jsonb_array_length,
    ),
    // construction
    stable(typed(func(
        "to_json",
        &[T::ANYELEMENT],
        J,
        "pg_to_json",
        build::to_json,
    ))),
    stable(typed(func(
        "to_jsonb",
        &[T::ANYELEMENT],
        JB,
        "pg_to_jsonb",
        build::to_jsonb,
    ))),
    stable(typed(func(
        "array_to_json",
        &[T::ANYARRAY],
        J,
        "pg_array_to_json",
        build::array_to_json,
    ))),
    stable(typed(func(
        "array_to_json",
        &[T::ANYARRAY, T::BOOL],
        J,
        "pg_array_to_json_pretty",
        build::array_to_json,
    ))),
    stable(func(
        "json_build_object",
        &[],
        J,
        "pg_json_build_object0",
        build::json_build_object_noargs,
    ))
    .not_strict(),
    stable(variadic(typed(func(
        "json_build_object",
        &[T::ANY],
        J,
        "pg_json_build_object",
        build::json_build_object,
    ))))
    .not_strict(),
    stable(func(
        "jsonb_build_object",
        &[],
        JB,
        "pg_jsonb_build_object0",
        build::json_build_object_noargs,
    ))
    .not_strict(),
    stable(variadic(typed(func(
        "jsonb_build_object",
        &[T::ANY],
        JB,
        "pg_jsonb_build_object",
        build::jsonb_build_object,
    ))))
    .not_strict(),
    stable(func(
        "json_build_array",
        &[],
        J,
        "pg_json_build_array0",
        build::json_build_array_noargs,
    ))
    .not_strict(),
    stable(variadic(typed(func(
        "json_build_array",
        &[T::ANY],
        J,
        "pg_json_build_array",
        build::json_build_array,
    ))))
    .not_strict(),
    stable(func(
        "jsonb_build_array",
        &[],
        JB,
        "pg_jsonb_build_array0",
        build::json_build_array_noargs,
    ))
    .not_strict(),
    stable(variadic(typed(func(
        "jsonb_build_array",
        &[T::ANY],
        JB,
        "pg_jsonb_build_array",
        build::jsonb_build_array,
    ))))
    .not_strict(),
    func(
        "json_object",
        &[T::TEXT_ARRAY],
        J,
        "pg_json_object",
        build::json_object,
    ),
    func(
        "json_object",
        &[T::TEXT_ARRAY, T::TEXT_ARRAY],
        J,
        "pg_json_object2",
        build::json_object,
    ),
    func(
        "jsonb_object",
        &[T::TEXT_ARRAY],
        JB,
        "pg_jsonb_object",
        build::jsonb_object,
    ),
    func(
        "jsonb_object",
        &[T::TEXT_ARRAY, T::TEXT_ARRAY],
        JB,
        "pg_jsonb_object2",
        build::jsonb_object,
    ),
    // set-returning
    with_out_columns(
        KV_JSON,
        srf("json_each", &[J], T::RECORD, "pg_json_each", srf::json_each),
    ),
    with_out_columns(
        KV_TEXT,
        srf(
            "json_each_text",
            &[J],
            T::RECORD,
            "pg_json_each_text",
            srf::json_each_text,
        ),
    ),
    with_out_columns(
        KV_JSONB,
        srf(
            "jsonb_each",
            &[JB],
            T::RECORD,
            "pg_jsonb_each",
            srf::jsonb_each,
        ),
    ),
    with_out_columns(
        KV_TEXT,
        srf(
            "jsonb_each_text",
            &[JB],
            T::RECORD,
            "pg_jsonb_each_text",
            srf::jsonb_each_text,
        ),
    ),
    with_out_columns(
        V_JSON,
        srf(
            "json_array_elements",
            &[J],
            J,
            "pg_json_array_elements",
            srf::json_array_elements,
        ),
    ),
    with_out_columns(
        V_TEXT,
        srf(
            "json_array_elements_text",
            &[J],
            T::TEXT,
            "pg_json_array_elements_text",
            srf::json_array_elements_text,
        ),
    ),
    with_out_columns(
        V_JSONB,
        srf(
            "jsonb_array_elements",
            &[JB],
            JB,
            "pg_jsonb_array_elements",
            srf::jsonb_array_elements,
        ),
    ),
    with_out_columns(
        V_TEXT,
        srf(
            "jsonb_array_elements_text",
            &[JB],
            T::TEXT,
            "pg_jsonb_array_elements_text",
            srf::jsonb_array_elements_text,
        ),
    ),
    srf(
        "json_object_keys",
        &[J],
        T::TEXT,
        "pg_json_object_keys",
        srf::json_object_keys,
    ),
    srf(
        "jsonb_object_keys",
        &[JB],
        T::TEXT,
        "pg_jsonb_object_keys",
        srf::jsonb_object_keys,
    ),
    // aggregates
    stable(not_strict(aggregate(
        "json_agg",
        &[T::ANYELEMENT],
        J,
        "pg_json_agg",
        build::json_agg_new,
    ))),
    stable(not_strict(aggregate(
        "jsonb_agg",
        &[T::ANYELEMENT],
        JB,
        "pg_jsonb_agg",
        build::jsonb_agg_new,
    ))),
    stable(not_strict(fixed_frame(aggregate(
        "json_object_agg",
        &[T::ANY, T::ANY],
        J,
        "pg_json_object_agg",
        build::json_object_agg_new,
    )))),
    not_strict(fixed_frame(aggregate(
        "jsonb_object_agg",
        &[T::ANY, T::ANY],
        JB,
        "pg_jsonb_object_agg",
        build::jsonb_object_agg_new,
    ))),
];

pub static CASTS: &[CastDef] = &[
    cast_fn(
        J,
        JB,
        CastContext::Assignment,
        "pg_json_to_jsonb",
        ops::json_to_jsonb,
    ),
    cast_bin(JB, J, CastContext::Assignment),
    cast_fn(
        JB,
        T::BOOL,
        CastContext::Explicit,
        "pg_jsonb_to_bool",
        ops::jsonb_to_bool,
    ),
    cast_fn(
        JB,
        T::NUMERIC,
        CastContext::Explicit,
        "pg_jsonb_to_numeric",
        ops::jsonb_to_numeric,
    ),
    cast_fn(
        JB,
        T::INT2,
        CastContext::Explicit,
        "pg_jsonb_to_int2",
        ops::jsonb_to_int2,
    ),
    cast_fn(
        JB,
        T::INT4,
        CastContext::Explicit,
        "pg_jsonb_to_int4",
        ops::jsonb_to_int4,
    ),
    cast_fn(
        JB,
        T::INT8,
        CastContext::Explicit,
        "pg_jsonb_to_int8",
        ops::jsonb_to_int8,
    ),
    cast_fn(
        JB,
        T::FLOAT4,
        CastContext::Explicit,
        "pg_jsonb_to_float4",
        ops::jsonb_to_float4,
    ),
    cast_fn(
        JB,
        T::FLOAT8,
        CastContext::Explicit,
        "pg_jsonb_to_float8",
        ops::jsonb_to_float8,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::Env;
    use crate::func::Kind;
    use crate::types::io;

    #[test]
    fn io_round_trips() {
        let env = Env::default();
        let v = io::input(Type::JSONB, &env, r#"{"b": 1, "a": [1.0, 1e2]}"#, -1).unwrap();
        assert_eq!(v, Value::Text(r#"{"a": [1.0, 100], "b": 1}"#.into()));
        let mut buf = Vec::new();
        io::send(Type::JSONB, &env, &v, &mut buf).unwrap();
        assert_eq!(buf[0], 1);
        assert_eq!(&buf[1..], br#"{"a": [1.0, 100], "b": 1}"#);
        assert_eq!(io::recv(Type::JSONB, &env, &buf, -1).unwrap(), v);
        assert_eq!(
            io::recv(Type::JSONB, &env, b"\x02{}", -1)
                .unwrap_err()
                .message,
            "unsupported jsonb version number 2"
        );
        let j = io::input(Type::JSON, &env, r#" {"a" :  1} "#, -1).unwrap();
        assert_eq!(j, Value::Text(r#" {"a" :  1} "#.into()));
        assert_eq!(
            io::input(Type::JSON, &env, "{", -1)
                .unwrap_err()
                .detail
                .as_deref(),
            Some("The input string ended unexpectedly.")
        );
        let e = io::input(Type::JSONB, &env, r#""\u0000""#, -1).unwrap_err();
        assert_eq!(e.sqlstate, sqlstate::UNTRANSLATABLE_CHARACTER);
        assert!(io::input(Type::JSON, &env, r#""\u0000""#, -1).is_ok());
    }

    #[test]
    fn catalog_rows_are_consistent() {
        for b in FUNCTIONS {
            assert!(
                b.kind != Kind::Operator || (1..=2).contains(&b.args.len()),
                "{}",
                b.name
            );
            if b.variadic {
                assert!(!b.args.is_empty(), "{}", b.name);
            }
        }
    }
}
