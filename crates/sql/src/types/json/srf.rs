//! The set-returning `json`/`jsonb` functions: `json(b)_each`, `json(b)_each_text`,
//! `json(b)_array_elements`, `json(b)_array_elements_text`, `json(b)_object_keys`.
//!
//! Each parses its argument once and yields rows from the parsed value (the document is in
//! memory already; nothing proportional to more than it is built). `json` rows keep each
//! value's text as written; `jsonb` rows are in `jsonb` form.

use super::jv::Jv;
use super::ops::{jsonb_arg, text_arg};
use super::parse::{self, Kind};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::Rows;
use crate::value::Value;

fn invalid(msg: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, msg)
}

fn rows(v: Vec<Vec<Value>>) -> Rows {
    Box::new(v.into_iter().map(Ok))
}

fn jsonb_rows<I>(it: I) -> Rows
where
    I: Iterator<Item = Vec<Value>> + 'static,
{
    Box::new(it.map(Ok))
}

/// The text of a json value for the `_text` variants: strings unquoted, null as NULL.
fn json_text_value(n: &parse::Node<'_>) -> Value {
    match &n.kind {
        Kind::Null => Value::Null,
        Kind::Str(s) => Value::Text(s.to_string()),
        _ => Value::Text(n.raw.to_string()),
    }
}

fn json_each_impl(args: &[Value], as_text: bool) -> Result<Rows> {
    let Some(Value::Text(s)) = args.first() else {
        return Ok(rows(Vec::new()));
    };
    let doc = parse::parse(s, true)?;
    match &doc.kind {
        Kind::Obj(members) => Ok(rows(
            members
                .iter()
                .map(|(k, v)| {
                    let val = if as_text {
                        json_text_value(v)
                    } else {
                        Value::Text(v.raw.to_string())
                    };
                    vec![Value::Text(k.to_string()), val]
                })
                .collect(),
        )),
        Kind::Arr(_) => Err(invalid("cannot deconstruct an array as an object")),
        _ => Err(invalid("cannot deconstruct a scalar")),
    }
}

pub fn json_each(_env: &Env, args: &[Value]) -> Result<Rows> {
    json_each_impl(args, false)
}

pub fn json_each_text(_env: &Env, args: &[Value]) -> Result<Rows> {
    json_each_impl(args, true)
}

fn jsonb_each_impl(args: &[Value], as_text: bool, name: &str) -> Result<Rows> {
    let Some(v) = args.first().filter(|v| !v.is_null()) else {
        return Ok(rows(Vec::new()));
    };
    match jsonb_arg(v)? {
        Jv::Obj(members) => Ok(jsonb_rows(members.into_iter().map(move |(k, v)| {
            let val = if as_text {
                v.to_text_value().map_or(Value::Null, Value::Text)
            } else {
                Value::Text(v.to_text())
            };
            vec![Value::Text(k), val]
        }))),
        _ => Err(invalid(format!("cannot call {name} on a non-object"))),
    }
}

pub fn jsonb_each(_env: &Env, args: &[Value]) -> Result<Rows> {
    jsonb_each_impl(args, false, "jsonb_each")
}

pub fn jsonb_each_text(_env: &Env, args: &[Value]) -> Result<Rows> {
    jsonb_each_impl(args, true, "jsonb_each_text")
}

fn json_elements_impl(args: &[Value], as_text: bool, name: &str) -> Result<Rows> {
    let Some(Value::Text(s)) = args.first() else {
        return Ok(rows(Vec::new()));
    };
    let doc = parse::parse(s, true)?;
    match &doc.kind {
        Kind::Arr(items) => Ok(rows(
            items
                .iter()
                .map(|v| {
                    vec![if as_text {
                        json_text_value(v)
                    } else {
                        Value::Text(v.raw.to_string())
                    }]
                })
                .collect(),
        )),
        Kind::Obj(_) => Err(invalid(format!("cannot call {name} on a non-array"))),
        _ => Err(invalid(format!("cannot call {name} on a scalar"))),
    }
}

pub fn json_array_elements(_env: &Env, args: &[Value]) -> Result<Rows> {
    json_elements_impl(args, false, "json_array_elements")
}

pub fn json_array_elements_text(_env: &Env, args: &[Value]) -> Result<Rows> {
    json_elements_impl(args, true, "json_array_elements_text")
}

fn jsonb_elements_impl(args: &[Value], as_text: bool) -> Result<Rows> {
    let Some(v) = args.first().filter(|v| !v.is_null()) else {
        return Ok(rows(Vec::new()));
    };
    match jsonb_arg(v)? {
        Jv::Arr(items) => Ok(jsonb_rows(items.into_iter().map(move |v| {
            vec![if as_text {
                v.to_text_value().map_or(Value::Null, Value::Text)
            } else {
                Value::Text(v.to_text())
            }]
        }))),
        Jv::Obj(_) => Err(invalid("cannot extract elements from an object")),
        _ => Err(invalid("cannot extract elements from a scalar")),
    }
}

pub fn jsonb_array_elements(_env: &Env, args: &[Value]) -> Result<Rows> {
    jsonb_elements_impl(args, false)
}

pub fn jsonb_array_elements_text(_env: &Env, args: &[Value]) -> Result<Rows> {
    jsonb_elements_impl(args, true)
}

pub fn json_object_keys(_env: &Env, args: &[Value]) -> Result<Rows> {
    let Some(v) = args.first().filter(|v| !v.is_null()) else {
        return Ok(rows(Vec::new()));
    };
    let doc = parse::parse(text_arg(v)?, true)?;
    match &doc.kind {
        Kind::Obj(members) => Ok(rows(
            members
                .iter()
                .map(|(k, _)| vec![Value::Text(k.to_string())])
                .collect(),
        )),
        Kind::Arr(_) => Err(invalid("cannot call json_object_keys on an array")),
        _ => Err(invalid("cannot call json_object_keys on a scalar")),
    }
}

pub fn jsonb_object_keys(_env: &Env, args: &[Value]) -> Result<Rows> {
    let Some(v) = args.first().filter(|v| !v.is_null()) else {
        return Ok(rows(Vec::new()));
    };
    match jsonb_arg(v)? {
        Jv::Obj(members) => Ok(jsonb_rows(
            members.into_iter().map(|(k, _)| vec![Value::Text(k)]),
        )),
        Jv::Arr(_) => Err(invalid("cannot call jsonb_object_keys on an array")),
        _ => Err(invalid("cannot call jsonb_object_keys on a scalar")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(f: fn(&Env, &[Value]) -> Result<Rows>, doc: &str) -> Result<Vec<Vec<String>>> {
        let rows = f(&Env::default(), &[Value::Text(doc.into())])?;
        rows.map(|r| {
            r.map(|row| {
                row.into_iter()
                    .map(|v| match v {
                        Value::Text(s) => s,
                        Value::Null => "<NULL>".into(),
                        other => format!("{other:?}"),
                    })
                    .collect()
            })
        })
        .collect()
    }

    fn err(f: fn(&Env, &[Value]) -> Result<Rows>, doc: &str) -> String {
        rows_of(f, doc).unwrap_err().message
    }

    // Rows and errors as PostgreSQL 15 gives them (`select * from f('…')`).

    #[test]
    fn each() {
        let doc = r#"{"a":1,"a":[1, 2 ],"b":"x\ny","c":null}"#;
        assert_eq!(
            rows_of(json_each, doc).unwrap(),
            [
                ["a", "1"],
                ["a", "[1, 2 ]"],
                ["b", "\"x\\ny\""],
                ["c", "null"]
            ]
        );
        assert_eq!(
            rows_of(json_each_text, doc).unwrap(),
            [["a", "1"], ["a", "[1, 2 ]"], ["b", "x\ny"], ["c", "<NULL>"]]
        );
        let doc = r#"{"b":1,"a":[1, 2 ],"c":"x","d":null}"#;
        assert_eq!(
            rows_of(jsonb_each, doc).unwrap(),
            [["a", "[1, 2]"], ["b", "1"], ["c", "\"x\""], ["d", "null"]]
        );
        assert_eq!(
            rows_of(jsonb_each_text, doc).unwrap(),
            [["a", "[1, 2]"], ["b", "1"], ["c", "x"], ["d", "<NULL>"]]
        );
        assert_eq!(
            err(json_each, "[1]"),
            "cannot deconstruct an array as an object"
        );
        assert_eq!(err(json_each, "1"), "cannot deconstruct a scalar");
        assert_eq!(
            err(json_each_text, "[]"),
            "cannot deconstruct an array as an object"
        );
        assert_eq!(
            err(jsonb_each, "1"),
            "cannot call jsonb_each on a non-object"
        );
        assert_eq!(
            err(jsonb_each_text, "[]"),
            "cannot call jsonb_each_text on a non-object"
        );
    }

    #[test]
    fn elements() {
        let doc = r#"[1, "a" ,null, [2]]"#;
        assert_eq!(
            rows_of(json_array_elements, doc).unwrap(),
            [["1"], ["\"a\""], ["null"], ["[2]"]]
        );
        assert_eq!(
            rows_of(json_array_elements_text, doc).unwrap(),
            [["1"], ["a"], ["<NULL>"], ["[2]"]]
        );
        assert_eq!(
            rows_of(jsonb_array_elements, "[1.50, {\"b\":1,\"a\":2}]").unwrap(),
            [["1.50"], ["{\"a\": 2, \"b\": 1}"]]
        );
        assert_eq!(
            rows_of(jsonb_array_elements_text, "[\"x\", null]").unwrap(),
            [["x"], ["<NULL>"]]
        );
        assert_eq!(
            err(json_array_elements, "{}"),
            "cannot call json_array_elements on a non-array"
        );
        assert_eq!(
            err(json_array_elements, "1"),
            "cannot call json_array_elements on a scalar"
        );
        assert_eq!(
            err(json_array_elements_text, "{}"),
            "cannot call json_array_elements_text on a non-array"
        );
        assert_eq!(
            err(jsonb_array_elements, "{}"),
            "cannot extract elements from an object"
        );
        assert_eq!(
            err(jsonb_array_elements_text, "1"),
            "cannot extract elements from a scalar"
        );
    }

    #[test]
    fn keys() {
        let doc = r#"{"b":1,"a":2,"b":3}"#;
        assert_eq!(
            rows_of(json_object_keys, doc).unwrap(),
            [["b"], ["a"], ["b"]]
        );
        assert_eq!(rows_of(jsonb_object_keys, doc).unwrap(), [["a"], ["b"]]);
        assert_eq!(
            err(json_object_keys, "1"),
            "cannot call json_object_keys on a scalar"
        );
        assert_eq!(
            err(json_object_keys, "[]"),
            "cannot call json_object_keys on an array"
        );
        assert_eq!(
            err(jsonb_object_keys, "[]"),
            "cannot call jsonb_object_keys on an array"
        );
        assert_eq!(
            err(jsonb_object_keys, "1"),
            "cannot call jsonb_object_keys on a scalar"
        );
    }
}
