//! SQL values → JSON: `to_json`/`to_jsonb`, `array_to_json`, `json(b)_build_object`,
//! `json(b)_build_array`, `json(b)_object`, and the aggregates `json(b)_agg` and
//! `json(b)_object_agg`.
//!
//! A value converts by its type, as PostgreSQL's `datum_to_json(b)` does: numbers as JSON
//! numbers when their text is one (`NaN`, `Infinity` become strings), bool as `true`/`false`,
//! date/timestamp/timestamptz in ISO 8601 (`2024-01-31T12:34:56`, whatever DateStyle is),
//! json/jsonb embedded, arrays as (nested) JSON arrays, anything else as the JSON string of its
//! text output. `json` results keep PostgreSQL's spacing for each function (`{"a" : 1}` from
//! `json_build_object`, `[1,2]` from `to_json` of an array, `[1, 2]` from `json_agg`).

use std::collections::VecDeque;

use super::jv::{Jv, escape};
use super::num;
use super::parse::{self, Kind};
use crate::env::{DateStyle, Env};
use crate::error::{Result, SqlError, sqlstate};
use crate::func::Accumulator;
use crate::func::split_typed as types_of;
use crate::types::array::store::{Array, text_items};
use crate::types::text::strings::ListAgg;
use crate::types::{Type, io};
use crate::value::Value;

/// How a type converts to JSON.
enum Cat {
    Bool,
    Numeric,
    Date,
    Timestamp,
    Timestamptz,
    Json,
    Jsonb,
    Array(Type),
    Other,
}

fn category(ty: Type) -> Cat {
    if let Some(elem) = ty.elem() {
        return Cat::Array(elem);
    }
    match ty {
        Type::BOOL => Cat::Bool,
        Type::INT2 | Type::INT4 | Type::INT8 | Type::FLOAT4 | Type::FLOAT8 | Type::NUMERIC => {
            Cat::Numeric
        }
        Type::DATE => Cat::Date,
        Type::TIMESTAMP => Cat::Timestamp,
        Type::TIMESTAMPTZ => Cat::Timestamptz,
        Type::JSON => Cat::Json,
        Type::JSONB => Cat::Jsonb,
        _ => Cat::Other,
    }
}

fn key_not_scalar() -> SqlError {
    SqlError::new(
        sqlstate::INVALID_PARAMETER_VALUE,
        "key value must be scalar, not array, composite, or json",
    )
}

/// A value's text output (the session's settings, except DateStyle for the ISO types).
fn out_text(env: &Env, ty: Type, v: &Value) -> String {
    io::output(ty, env, v).unwrap_or_default()
}

/// The ISO 8601 text PostgreSQL's JSON functions give a date/timestamp/timestamptz.
fn iso_text(env: &Env, ty: Type, v: &Value) -> String {
    let mut iso = env.clone();
    iso.date_style = DateStyle::Iso;
    iso_from_output(ty, &out_text(&iso, ty, v))
}

/// Turns ISO DateStyle output into the JSON form: `T` between date and time, and a
/// timestamptz offset with minutes (`+00` → `+00:00`). `infinity` and dates pass unchanged.
pub fn iso_from_output(ty: Type, s: &str) -> String {
    if ty == Type::DATE {
        return s.to_string();
    }
    let Some(sp) = s.find(' ') else {
        return s.to_string();
    };
    if !s[sp + 1..].starts_with(|c: char| c.is_ascii_digit()) {
        return s.to_string();
    }
    let (date, rest) = (&s[..sp], &s[sp + 1..]);
    let (time, era) = match rest.strip_suffix(" BC") {
        Some(t) => (t, " BC"),
        None => (rest, ""),
    };
    let mut time = time.to_string();
    if ty == Type::TIMESTAMPTZ
        && let Some(pos) = time.rfind(['+', '-'])
    {
        let off = &time[pos + 1..];
        if off.len() == 2 && off.bytes().all(|b| b.is_ascii_digit()) {
            time.push_str(":00");
        }
    }
    format!("{date}T{time}{era}")
}

fn is_json_number(s: &str) -> bool {
    matches!(parse::parse(s, false), Ok(n) if matches!(n.kind, Kind::Num) && n.raw.len() == s.len())
}

/// Appends the `json` text of a value of type `ty` (`key`: it is an object key, always a
/// string, and may not be an array or json).
pub fn to_json_text(env: &Env, ty: Type, v: &Value, key: bool, out: &mut String) -> Result<()> {
    if v.is_null() {
        out.push_str("null");
        return Ok(());
    }
    let cat = category(ty);
    if key && matches!(cat, Cat::Array(_) | Cat::Json | Cat::Jsonb) {
        return Err(key_not_scalar());
    }
    match cat {
        Cat::Bool => {
            let t = if matches!(v, Value::Int(0)) {
                "false"
            } else {
                "true"
            };
            if key {
                escape(t, out);
            } else {
                out.push_str(t);
            }
        }
        Cat::Numeric => {
            let t = out_text(env, ty, v);
            if !key && is_json_number(&t) {
                out.push_str(&t);
            } else {
                escape(&t, out);
            }
        }
        Cat::Date | Cat::Timestamp | Cat::Timestamptz => escape(&iso_text(env, ty, v), out),
        Cat::Json | Cat::Jsonb => out.push_str(v.as_text().unwrap_or("null")),
        Cat::Array(elem) => array_to_json_text(env, elem, v, false, out)?,
        Cat::Other => escape(&out_text(env, ty, v), out),
    }
    Ok(())
}

/// `array_to_json`: the array as nested JSON arrays without spaces; `pretty` puts each
/// top-level element after the first on a new line.
pub fn array_to_json_text(
    env: &Env,
    elem: Type,
    v: &Value,
    pretty: bool,
    out: &mut String,
) -> Result<()> {
    let a = Array::decode(elem, v.as_text().unwrap_or("[]"))?;
    if a.is_empty() {
        out.push_str("[]");
        return Ok(());
    }
    let mut items = a.items.iter();
    write_dims(env, elem, &a.dims, &mut items, pretty, out)
}

fn write_dims(
    env: &Env,
    elem: Type,
    dims: &[usize],
    items: &mut std::slice::Iter<'_, Value>,
    pretty: bool,
    out: &mut String,
) -> Result<()> {
    let Some((&n, rest)) = dims.split_first() else {
        return Ok(());
    };
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push_str(if pretty { ",\n " } else { "," });
        }
        if rest.is_empty() {
            to_json_text(env, elem, items.next().unwrap_or(&Value::Null), false, out)?;
        } else {
            write_dims(env, elem, rest, items, false, out)?;
        }
    }
    out.push(']');
    Ok(())
}

/// The `jsonb` value of a value of type `ty` (`key`: an object key, made a string).
pub fn to_jv(env: &Env, ty: Type, v: &Value, key: bool) -> Result<Jv> {
    if v.is_null() {
        return Ok(Jv::Null);
    }
    let cat = category(ty);
    if key && matches!(cat, Cat::Array(_) | Cat::Json | Cat::Jsonb) {
        return Err(key_not_scalar());
    }
    Ok(match cat {
        Cat::Bool => {
            let b = !matches!(v, Value::Int(0));
            if key {
                Jv::Str(if b { "true" } else { "false" }.into())
            } else {
                Jv::Bool(b)
            }
        }
        Cat::Numeric => {
            let t = out_text(env, ty, v);
            if !key && is_json_number(&t) {
                Jv::Num(num::normalize(&t)?)
            } else {
                Jv::Str(t)
            }
        }
        Cat::Date | Cat::Timestamp | Cat::Timestamptz => Jv::Str(iso_text(env, ty, v)),
        Cat::Json | Cat::Jsonb => Jv::parse(v.as_text().unwrap_or("null"))?,
        Cat::Array(elem) => {
            let a = Array::decode(elem, v.as_text().unwrap_or("[]"))?;
            if a.is_empty() {
                Jv::Arr(Vec::new())
            } else {
                let mut items = a.items.iter();
                jv_dims(env, elem, &a.dims, &mut items)?
            }
        }
        Cat::Other => Jv::Str(out_text(env, ty, v)),
    })
}

fn jv_dims(
    env: &Env,
    elem: Type,
    dims: &[usize],
    items: &mut std::slice::Iter<'_, Value>,
) -> Result<Jv> {
    let Some((&n, rest)) = dims.split_first() else {
        return Ok(Jv::Arr(Vec::new()));
    };
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(if rest.is_empty() {
            to_jv(env, elem, items.next().unwrap_or(&Value::Null), false)?
        } else {
            jv_dims(env, elem, rest, items)?
        });
    }
    Ok(Jv::Arr(out))
}

pub fn to_json(env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = types_of(args);
    let mut out = String::new();
    to_json_text(env, types[0], &vals[0], false, &mut out)?;
    Ok(Value::Text(out))
}

pub fn to_jsonb(env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = types_of(args);
    Ok(Value::Text(
        to_jv(env, types[0], &vals[0], false)?.to_text(),
    ))
}

pub fn array_to_json(env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = types_of(args);
    let elem = types[0].elem().unwrap_or(Type::TEXT);
    let pretty = matches!(vals.get(1), Some(Value::Int(i)) if *i != 0);
    let mut out = String::new();
    array_to_json_text(env, elem, &vals[0], pretty, &mut out)?;
    Ok(Value::Text(out))
}

fn odd_arguments(func: &str) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_PARAMETER_VALUE,
        "argument list must have even number of elements",
    )
    .with_hint(format!(
        "The arguments of {func}() must consist of alternating keys and values."
    ))
}

pub fn json_build_object(env: &Env, args: &[Value]) -> Result<Value> {
    object_text(env, args, "json_build_object", ", ", " : ")
}

/// `row_to_json(record)` / `to_json(record)`, given the fields as alternating names and
/// values (types first): PostgreSQL prints this object without spaces.
pub fn row_to_json(env: &Env, args: &[Value]) -> Result<Value> {
    object_text(env, args, "row_to_json", ",", ":")
}

fn object_text(env: &Env, args: &[Value], func: &str, comma: &str, colon: &str) -> Result<Value> {
    let (types, vals) = types_of(args);
    if vals.len() % 2 != 0 {
        return Err(odd_arguments(func));
    }
    let mut out = String::from("{");
    for (i, pair) in vals.chunks(2).enumerate() {
        if pair[0].is_null() {
            return Err(SqlError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                format!("argument {} cannot be null", 2 * i + 1),
            )
            .with_hint("Object keys should be text."));
        }
        if i > 0 {
            out.push_str(comma);
        }
        to_json_text(env, types[2 * i], &pair[0], true, &mut out)?;
        out.push_str(colon);
        to_json_text(env, types[2 * i + 1], &pair[1], false, &mut out)?;
    }
    out.push('}');
    Ok(Value::Text(out))
}

pub fn jsonb_build_object(env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = types_of(args);
    if vals.len() % 2 != 0 {
        return Err(odd_arguments("jsonb_build_object"));
    }
    let mut members = Vec::with_capacity(vals.len() / 2);
    for (i, pair) in vals.chunks(2).enumerate() {
        if pair[0].is_null() {
            return Err(SqlError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                format!("argument {}: key must not be null", 2 * i + 1),
            ));
        }
        let Jv::Str(k) = to_jv(env, types[2 * i], &pair[0], true)? else {
            return Err(key_not_scalar());
        };
        members.push((k, to_jv(env, types[2 * i + 1], &pair[1], false)?));
    }
    Ok(Value::Text(Jv::object(members).to_text()))
}

pub fn json_build_array(env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = types_of(args);
    let mut out = String::from("[");
    for (i, v) in vals.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        to_json_text(env, types[i], v, false, &mut out)?;
    }
    out.push(']');
    Ok(Value::Text(out))
}

pub fn jsonb_build_array(env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = types_of(args);
    let items = vals
        .iter()
        .zip(&types)
        .map(|(v, t)| to_jv(env, *t, v, false))
        .collect::<Result<Vec<_>>>()?;
    Ok(Value::Text(Jv::Arr(items).to_text()))
}

pub fn json_build_object_noargs(_env: &Env, _args: &[Value]) -> Result<Value> {
    Ok(Value::Text("{}".into()))
}

pub fn json_build_array_noargs(_env: &Env, _args: &[Value]) -> Result<Value> {
    Ok(Value::Text("[]".into()))
}

fn array_error(msg: &str) -> SqlError {
    SqlError::new(sqlstate::ARRAY_SUBSCRIPT_ERROR, msg)
}

/// The (key, value) pairs of `json_object`'s arguments.
fn object_pairs(args: &[Value]) -> Result<Vec<(String, Option<String>)>> {
    let keys = Array::decode(Type::TEXT, args[0].as_text().unwrap_or("[]"))?;
    let text = |v: Value| match v {
        Value::Null => None,
        Value::Text(s) => Some(s),
        other => Some(crate::types::text::text_out(&other)),
    };
    let pairs: Vec<(Option<String>, Option<String>)> = if let Some(values) = args.get(1) {
        let vals = Array::decode(Type::TEXT, values.as_text().unwrap_or("[]"))?;
        if keys.ndims() > 1 || keys.ndims() != vals.ndims() {
            return Err(array_error("wrong number of array subscripts"));
        }
        if keys.items.len() != vals.items.len() {
            return Err(array_error("mismatched array dimensions"));
        }
        keys.items
            .into_iter()
            .map(text)
            .zip(vals.items.into_iter().map(text))
            .collect()
    } else {
        match keys.ndims() {
            0 => Vec::new(),
            1 => {
                if keys.items.len() % 2 != 0 {
                    return Err(array_error("array must have even number of elements"));
                }
                let mut it = keys.items.into_iter().map(text);
                let mut pairs = Vec::new();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    pairs.push((k, v));
                }
                pairs
            }
            2 => {
                if keys.dims[1] != 2 {
                    return Err(array_error("array must have two columns"));
                }
                let mut it = keys.items.into_iter().map(text);
                let mut pairs = Vec::new();
                while let (Some(k), Some(v)) = (it.next(), it.next()) {
                    pairs.push((k, v));
                }
                pairs
            }
            _ => return Err(array_error("wrong number of array subscripts")),
        }
    };
    pairs
        .into_iter()
        .map(|(k, v)| {
            let k = k.ok_or_else(|| {
                SqlError::new(
                    sqlstate::NULL_VALUE_NOT_ALLOWED,
                    "null value not allowed for object key",
                )
            })?;
            Ok((k, v))
        })
        .collect()
}

pub fn json_object(_env: &Env, args: &[Value]) -> Result<Value> {
    let mut out = String::from("{");
    for (i, (k, v)) in object_pairs(args)?.into_iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        escape(&k, &mut out);
        out.push_str(" : ");
        match v {
            Some(v) => escape(&v, &mut out),
            None => out.push_str("null"),
        }
    }
    out.push('}');
    Ok(Value::Text(out))
}

pub fn jsonb_object(_env: &Env, args: &[Value]) -> Result<Value> {
    let members = object_pairs(args)?
        .into_iter()
        .map(|(k, v)| (k, v.map_or(Jv::Null, Jv::Str)))
        .collect();
    Ok(Value::Text(Jv::object(members).to_text()))
}

/// `json_agg`: the `json` texts of the rows, in a JSON array (`[1, 2, null]`).
pub fn json_agg_new(types: &[Type]) -> Box<dyn Accumulator> {
    let ty = types.first().copied().unwrap_or(Type::UNKNOWN);
    Box::new(ListAgg::new(
        ", ",
        Box::new(move |env, v, _held, s| to_json_text(env, ty, v, false, s)),
    ))
}

/// `jsonb_agg`.
pub struct JsonbAgg {
    ty: Type,
    items: VecDeque<Jv>,
}

pub fn jsonb_agg_new(types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(JsonbAgg {
        ty: types.first().copied().unwrap_or(Type::UNKNOWN),
        items: VecDeque::new(),
    })
}

impl Accumulator for JsonbAgg {
    fn step(&mut self, env: &Env, args: &[Value]) -> Result<()> {
        let v = to_jv(env, self.ty, args.first().unwrap_or(&Value::Null), false)?;
        self.items.push_back(v);
        Ok(())
    }
    fn inverse(&mut self, _env: &Env, _args: &[Value]) -> Result<()> {
        self.items.pop_front();
        Ok(())
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        if self.items.is_empty() {
            return Ok(Value::Null);
        }
        Ok(Value::Text(
            Jv::Arr(self.items.iter().cloned().collect()).to_text(),
        ))
    }
}

fn null_field_name() -> SqlError {
    SqlError::new(
        sqlstate::INVALID_PARAMETER_VALUE,
        "field name must not be null",
    )
}

/// `json_object_agg`: `{ "k" : v, … }`.
pub struct JsonObjectAgg {
    types: [Type; 2],
    out: Option<String>,
}

pub fn json_object_agg_new(types: &[Type]) -> Box<dyn Accumulator> {
    let t = |i: usize| types.get(i).copied().unwrap_or(Type::UNKNOWN);
    Box::new(JsonObjectAgg {
        types: [t(0), t(1)],
        out: None,
    })
}

impl Accumulator for JsonObjectAgg {
    fn step(&mut self, env: &Env, args: &[Value]) -> Result<()> {
        let k = args.first().unwrap_or(&Value::Null);
        if k.is_null() {
            return Err(null_field_name());
        }
        let out = match &mut self.out {
            Some(out) => {
                out.push_str(", ");
                out
            }
            none => none.insert(String::from("{ ")),
        };
        to_json_text(env, self.types[0], k, true, out)?;
        out.push_str(" : ");
        to_json_text(
            env,
            self.types[1],
            args.get(1).unwrap_or(&Value::Null),
            false,
            out,
        )
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        Ok(match &self.out {
            Some(s) => Value::Text(format!("{s} }}")),
            None => Value::Null,
        })
    }
}

/// `jsonb_object_agg`: the last value of a repeated key wins.
pub struct JsonbObjectAgg {
    types: [Type; 2],
    members: Option<Vec<(String, Jv)>>,
}

pub fn jsonb_object_agg_new(types: &[Type]) -> Box<dyn Accumulator> {
    let t = |i: usize| types.get(i).copied().unwrap_or(Type::UNKNOWN);
    Box::new(JsonbObjectAgg {
        types: [t(0), t(1)],
        members: None,
    })
}

impl Accumulator for JsonbObjectAgg {
    fn step(&mut self, env: &Env, args: &[Value]) -> Result<()> {
        let k = args.first().unwrap_or(&Value::Null);
        if k.is_null() {
            return Err(null_field_name());
        }
        let Jv::Str(key) = to_jv(env, self.types[0], k, true)? else {
            return Err(key_not_scalar());
        };
        let v = to_jv(
            env,
            self.types[1],
            args.get(1).unwrap_or(&Value::Null),
            false,
        )?;
        self.members.get_or_insert_with(Vec::new).push((key, v));
        Ok(())
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        Ok(match &self.members {
            Some(m) => Value::Text(Jv::object(m.clone()).to_text()),
            None => Value::Null,
        })
    }
}

/// Reads a `text[]` argument (for the functions that take key lists or paths).
pub fn text_list(v: &Value) -> Result<Vec<Option<String>>> {
    text_items(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::testing::{text, with_types as typed};

    #[test]
    fn iso_forms() {
        // to_json of each on PostgreSQL 15.
        assert_eq!(
            iso_from_output(Type::TIMESTAMP, "2024-01-31 12:34:56.123456"),
            "2024-01-31T12:34:56.123456"
        );
        assert_eq!(
            iso_from_output(Type::TIMESTAMPTZ, "2024-01-31 07:04:56.5+00"),
            "2024-01-31T07:04:56.5+00:00"
        );
        assert_eq!(
            iso_from_output(Type::TIMESTAMPTZ, "2024-01-31 18:04:56+05:30"),
            "2024-01-31T18:04:56+05:30"
        );
        assert_eq!(
            iso_from_output(Type::TIMESTAMP, "0044-03-15 10:00:00 BC"),
            "0044-03-15T10:00:00 BC"
        );
        assert_eq!(iso_from_output(Type::TIMESTAMP, "infinity"), "infinity");
        assert_eq!(
            iso_from_output(Type::DATE, "0044-03-15 BC"),
            "0044-03-15 BC"
        );
    }

    #[test]
    fn converts_by_type() {
        let env = Env::default();
        let j = |t: Type, v: Value| text(to_json(&env, &typed(&[t], &[v])));
        let jb = |t: Type, v: Value| text(to_jsonb(&env, &typed(&[t], &[v])));
        assert_eq!(j(Type::BOOL, Value::Int(1)), "true");
        assert_eq!(j(Type::INT4, Value::Int(-5)), "-5");
        assert_eq!(j(Type::TEXT, "a\"b\\c".into()), r#""a\"b\\c""#);
        assert_eq!(j(Type::TEXT, "\u{1}\t".into()), r#""\u0001\t""#);
        assert_eq!(j(Type::INT4_ARRAY, "[1,2,3]".into()), "[1,2,3]");
        assert_eq!(j(Type::INT4_ARRAY, "[[1,2],[3,4]]".into()), "[[1,2],[3,4]]");
        assert_eq!(j(Type::TEXT_ARRAY, "[\"a\",null]".into()), "[\"a\",null]");
        assert_eq!(
            jb(Type::INT4_ARRAY, "[[1,2],[3,4]]".into()),
            "[[1, 2], [3, 4]]"
        );
        assert_eq!(j(Type::JSON, "{\"a\":  1}".into()), "{\"a\":  1}");
        assert_eq!(jb(Type::JSON, "{\"a\":  1}".into()), "{\"a\": 1}");
        assert_eq!(
            j(Type::JSON_ARRAY, "[\"{\\\"a\\\": 1}\"]".into()),
            "[{\"a\": 1}]"
        );
        assert_eq!(j(Type::OID, Value::Int(1)), "\"1\"");
        assert_eq!(jb(Type::INT4_ARRAY, "[]".into()), "[]");
        assert_eq!(j(Type::INT4_ARRAY, "[]".into()), "[]");
        assert_eq!(j(Type::BOOL_ARRAY, "[1,0]".into()), "[true,false]");
    }

    #[test]
    fn builds_objects_and_arrays() {
        let env = Env::default();
        let v = json_build_object(
            &env,
            &typed(
                &[
                    Type::UNKNOWN,
                    Type::INT4,
                    Type::UNKNOWN,
                    Type::INT4_ARRAY,
                    Type::UNKNOWN,
                    Type::INT4,
                    Type::UNKNOWN,
                    Type::JSON,
                    Type::UNKNOWN,
                    Type::JSONB,
                ],
                &[
                    "a".into(),
                    1.into(),
                    "b".into(),
                    "[1,2]".into(),
                    "c".into(),
                    Value::Null,
                    "d".into(),
                    "{\"x\": [1, 2]}".into(),
                    "e".into(),
                    "{\"y\": 1}".into(),
                ],
            ),
        );
        assert_eq!(
            text(v),
            r#"{"a" : 1, "b" : [1,2], "c" : null, "d" : {"x": [1, 2]}, "e" : {"y": 1}}"#
        );
        let v = json_build_array(
            &env,
            &typed(
                &[Type::INT4, Type::UNKNOWN, Type::UNKNOWN, Type::BOOL],
                &[1.into(), "a".into(), Value::Null, Value::Int(1)],
            ),
        );
        assert_eq!(text(v), r#"[1, "a", null, true]"#);
        let v = jsonb_build_object(
            &env,
            &typed(
                &[
                    Type::UNKNOWN,
                    Type::INT4,
                    Type::UNKNOWN,
                    Type::INT4,
                    Type::UNKNOWN,
                    Type::INT4,
                ],
                &[
                    "b".into(),
                    1.into(),
                    "a".into(),
                    2.into(),
                    "a".into(),
                    3.into(),
                ],
            ),
        );
        assert_eq!(text(v), r#"{"a": 3, "b": 1}"#);
        let v = jsonb_build_object(
            &env,
            &typed(
                &[
                    Type::INT4,
                    Type::INT4,
                    Type::BOOL,
                    Type::INT4,
                    Type::TEXT,
                    Type::INT4,
                ],
                &[
                    1.into(),
                    2.into(),
                    Value::Int(1),
                    3.into(),
                    "x".into(),
                    5.into(),
                ],
            ),
        );
        assert_eq!(text(v), r#"{"1": 2, "x": 5, "true": 3}"#);
        let e = json_build_object(&env, &typed(&[Type::UNKNOWN], &["a".into()])).unwrap_err();
        assert_eq!(e.message, "argument list must have even number of elements");
        assert_eq!(
            e.hint.as_deref(),
            Some(
                "The arguments of json_build_object() must consist of alternating keys and values."
            )
        );
        let e = json_build_object(
            &env,
            &typed(&[Type::UNKNOWN, Type::INT4], &[Value::Null, 1.into()]),
        )
        .unwrap_err();
        assert_eq!(e.message, "argument 1 cannot be null");
        assert_eq!(e.hint.as_deref(), Some("Object keys should be text."));
        let e = jsonb_build_object(
            &env,
            &typed(&[Type::UNKNOWN, Type::INT4], &[Value::Null, 1.into()]),
        )
        .unwrap_err();
        assert_eq!(e.message, "argument 1: key must not be null");
        let e = json_build_object(
            &env,
            &typed(&[Type::INT4_ARRAY, Type::INT4], &["[1]".into(), 1.into()]),
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "key value must be scalar, not array, composite, or json"
        );
    }

    #[test]
    fn json_object_from_text_arrays() {
        let env = Env::default();
        let one = |a: &str| json_object(&env, &[a.into()]);
        assert_eq!(
            text(one(r#"["a","1","b","2"]"#)),
            r#"{"a" : "1", "b" : "2"}"#
        );
        assert_eq!(
            text(one(r#"[["a","1"],["b","2"]]"#)),
            r#"{"a" : "1", "b" : "2"}"#
        );
        assert_eq!(text(one("[]")), "{}");
        assert_eq!(
            text(json_object(
                &env,
                &[r#"["a","b"]"#.into(), r#"["1",null]"#.into()]
            )),
            r#"{"a" : "1", "b" : null}"#
        );
        assert_eq!(
            text(jsonb_object(&env, &[r#"["b","1","a","2","a","3"]"#.into()])),
            r#"{"a": "3", "b": "1"}"#
        );
        assert_eq!(
            one(r#"["a","b","c"]"#).unwrap_err().message,
            "array must have even number of elements"
        );
        assert_eq!(
            one(r#"[["a","b","c"]]"#).unwrap_err().message,
            "array must have two columns"
        );
        assert_eq!(
            one(r#"[[["a"]]]"#).unwrap_err().message,
            "wrong number of array subscripts"
        );
        assert_eq!(
            one(r#"[null,"1"]"#).unwrap_err().message,
            "null value not allowed for object key"
        );
        assert_eq!(
            json_object(&env, &[r#"["a","b"]"#.into(), r#"["c"]"#.into()])
                .unwrap_err()
                .message,
            "mismatched array dimensions"
        );
        assert_eq!(
            json_object(&env, &[r#"["a"]"#.into(), "[]".into()])
                .unwrap_err()
                .message,
            "wrong number of array subscripts"
        );
    }

    #[test]
    fn aggregates() {
        let env = Env::default();
        let mut a = json_agg_new(&[Type::INT4]);
        assert_eq!(a.value(&env).unwrap(), Value::Null);
        for v in [Value::Int(1), Value::Int(2), Value::Null] {
            a.step(&env, &[v]).unwrap();
        }
        assert_eq!(text(a.value(&env)), "[1, 2, null]");
        a.inverse(&env, &[Value::Int(1)]).unwrap();
        assert_eq!(text(a.value(&env)), "[2, null]");

        let mut a = json_agg_new(&[Type::JSON]);
        a.step(&env, &["{\"a\":1}".into()]).unwrap();
        a.step(&env, &["[1, 2]".into()]).unwrap();
        assert_eq!(text(a.value(&env)), "[{\"a\":1}, [1, 2]]");

        let mut a = jsonb_agg_new(&[Type::INT4]);
        for v in [Value::Int(1), Value::Int(2), Value::Null] {
            a.step(&env, &[v]).unwrap();
        }
        assert_eq!(text(a.value(&env)), "[1, 2, null]");

        let mut a = json_object_agg_new(&[Type::TEXT, Type::INT4]);
        a.step(&env, &["a".into(), 1.into()]).unwrap();
        a.step(&env, &["b".into(), Value::Null]).unwrap();
        assert_eq!(text(a.value(&env)), "{ \"a\" : 1, \"b\" : null }");
        assert_eq!(
            a.step(&env, &[Value::Null, 1.into()]).unwrap_err().message,
            "field name must not be null"
        );

        let mut a = jsonb_object_agg_new(&[Type::TEXT, Type::INT4]);
        assert_eq!(a.value(&env).unwrap(), Value::Null);
        a.step(&env, &["b".into(), 1.into()]).unwrap();
        a.step(&env, &["a".into(), Value::Null]).unwrap();
        a.step(&env, &["b".into(), 3.into()]).unwrap();
        assert_eq!(text(a.value(&env)), r#"{"a": null, "b": 3}"#);
    }
}
