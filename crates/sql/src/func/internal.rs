//! The runtime functions the translator itself calls (not SQL-visible by name): casts through
//! text, type-modifier coercion, and the checks PostgreSQL makes on LIMIT and OFFSET.

use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::ScalarFn;
use crate::types::{Type, io};
use crate::value::Value;

/// `pg_typmod(value, type oid, typmod, explicit)`.
pub const TYPMOD: &str = "pg_typmod";
/// `pg_io_cast(value, from oid, to oid)`: output of one type, input of the other.
pub const IO_CAST: &str = "pg_io_cast";
/// `pg_limit(n)`: the LIMIT SQLite needs (-1 for NULL), 2201W when negative.
pub const LIMIT: &str = "pg_limit";
/// `pg_offset(n)`: the OFFSET SQLite needs (0 for NULL), 2201X when negative.
pub const OFFSET: &str = "pg_offset";
/// `pg_cardinality()`: 21000, a scalar subquery returned more than one row.
pub const CARDINALITY: &str = "pg_subquery_cardinality";

/// `pg_record(types, v1, v2, …)`: a row value's text form, as PostgreSQL's `record_out`.
pub const RECORD: &str = "pg_record";

/// `pg_row_to_json(types, name1, value1, …)`: a row as a json object, as `row_to_json`.
pub const ROW_TO_JSON: &str = "pg_row_to_json";

/// Every internal function: (symbol, least number of arguments, function).
pub static INTERNAL: &[(&str, i32, ScalarFn)] = &[
    (TYPMOD, 4, typmod),
    (IO_CAST, 3, io_cast),
    (LIMIT, 1, limit),
    (OFFSET, 1, offset),
    (CARDINALITY, 0, cardinality),
    (SECOND, 2, second),
    (RECORD, 1, record),
    (ROW_TO_JSON, 1, crate::types::json::build::row_to_json),
    ("pg_array_any", 4, crate::types::array::funcs::array_any),
    ("pg_array_all", 4, crate::types::array::funcs::array_all),
    (
        "pg_array_coerce",
        5,
        crate::types::array::funcs::array_coerce,
    ),
];

/// `pg_second(a, b)`: `b` — keeps `a` (an aggregate under `pg_typeof`) in the query.
pub const SECOND: &str = "pg_second";

fn second(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(args.get(1).cloned().unwrap_or(Value::Null))
}

/// `(1,"a b",)`: each field in its type's output form; a NULL field is empty; a field that
/// is empty or holds a quote, backslash, parenthesis, comma or white space is double-quoted,
/// with quotes and backslashes doubled.
fn record(env: &Env, args: &[Value]) -> Result<Value> {
    let (first, fields) = args
        .split_first()
        .ok_or_else(|| SqlError::internal("pg_record takes its field types first"))?;
    let types = crate::func::arg_types(first);
    let mut out = String::from("(");
    for (i, v) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if v.is_null() {
            continue;
        }
        let ty = types.get(i).copied().unwrap_or(Type::TEXT);
        let text = io::output(ty, env, v).unwrap_or_default();
        let quote = text.is_empty()
            || text
                .chars()
                .any(|c| matches!(c, '"' | '\\' | '(' | ')' | ',') || c.is_ascii_whitespace());
        if quote {
            out.push('"');
            for c in text.chars() {
                if matches!(c, '"' | '\\') {
                    out.push(c);
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(&text);
        }
    }
    out.push(')');
    Ok(Value::Text(out))
}

fn oid_arg(v: &Value) -> Type {
    Type(v.as_int().and_then(|i| u32::try_from(i).ok()).unwrap_or(0))
}

fn typmod(env: &Env, args: &[Value]) -> Result<Value> {
    let [v, ty, typmod, explicit] = args else {
        return Err(SqlError::internal("pg_typmod takes 4 arguments"));
    };
    let typmod = typmod
        .as_int()
        .and_then(|t| i32::try_from(t).ok())
        .unwrap_or(-1);
    io::apply_typmod(
        oid_arg(ty),
        env,
        v.clone(),
        typmod,
        explicit.as_int() == Some(1),
    )
}

fn io_cast(env: &Env, args: &[Value]) -> Result<Value> {
    let [v, from, to] = args else {
        return Err(SqlError::internal("pg_io_cast takes 3 arguments"));
    };
    let Some(text) = io::output(oid_arg(from), env, v) else {
        return Ok(Value::Null);
    };
    io::input(oid_arg(to), env, &text, -1)
}

fn limit(_env: &Env, args: &[Value]) -> Result<Value> {
    match args.first() {
        None | Some(Value::Null) => Ok(Value::Int(-1)),
        Some(Value::Int(n)) if *n < 0 => Err(SqlError::new(
            sqlstate::INVALID_ROW_COUNT_IN_LIMIT_CLAUSE,
            "LIMIT must not be negative",
        )),
        Some(v) => Ok(v.clone()),
    }
}

fn offset(_env: &Env, args: &[Value]) -> Result<Value> {
    match args.first() {
        None | Some(Value::Null) => Ok(Value::Int(0)),
        Some(Value::Int(n)) if *n < 0 => Err(SqlError::new(
            sqlstate::INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE,
            "OFFSET must not be negative",
        )),
        Some(v) => Ok(v.clone()),
    }
}

fn cardinality(_env: &Env, _args: &[Value]) -> Result<Value> {
    Err(SqlError::new(
        sqlstate::CARDINALITY_VIOLATION,
        "more than one row returned by a subquery used as an expression",
    ))
}
