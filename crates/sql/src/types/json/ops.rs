//! The `json`/`jsonb` operators and scalar functions: field and element access (`->`, `->>`,
//! `#>`, `#>>`, `json(b)_extract_path(_text)`), containment and existence (`@>`, `<@`, `?`,
//! `?|`, `?&`), ordering, and the `jsonb` editors (`||`, `-`, `#-`, `jsonb_set`,
//! `jsonb_set_lax`, `jsonb_insert`, `jsonb_strip_nulls`), plus `json(b)_typeof`,
//! `json(b)_array_length`, `jsonb_pretty`, `json_strip_nulls` and the casts from `jsonb`.
//!
//! `json` arguments are parsed with escapes decoded (as PostgreSQL's functions do, so a
//! `\u0000` anywhere in the document is an error) and results are slices of the input text;
//! `jsonb` arguments are read into a [`Jv`] and results printed in `jsonb` form.

use std::cmp::Ordering;

use super::jv::{self, Jv, escape};
use super::num;
use super::parse::{self, Kind, Node};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::types::array::store::text_items;
use crate::value::Value;

pub(super) fn text_arg(v: &Value) -> Result<&str> {
    v.as_text()
        .ok_or_else(|| SqlError::internal("a json argument must be text"))
}

pub(super) fn int_arg(v: &Value) -> Result<i64> {
    v.as_int()
        .ok_or_else(|| SqlError::internal("an integer argument must be an integer"))
}

pub(super) fn jsonb_arg(v: &Value) -> Result<Jv> {
    Jv::parse(text_arg(v)?)
}

fn jsonb_value(v: &Jv) -> Value {
    Value::Text(v.to_text())
}

fn bool_value(b: bool) -> Value {
    Value::Int(i64::from(b))
}

fn invalid(msg: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, msg)
}

/// Index `i` of an array of `len` elements, negative counting from the end.
fn index(len: usize, i: i64) -> Option<usize> {
    let len = i64::try_from(len).ok()?;
    let i = if i < 0 { len.checked_add(i)? } else { i };
    if (0..len).contains(&i) {
        usize::try_from(i).ok()
    } else {
        None
    }
}

/// A path element read as an array index the way PostgreSQL's `strtol` reads it (leading
/// blanks and a sign allowed, nothing after the digits); `None` when it is not one.
fn path_index(s: &str) -> Option<i64> {
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\u{b}', '\u{c}']);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: i64 = digits.parse().ok()?;
    let v = if neg { -v } else { v };
    i32::try_from(v).ok().map(i64::from)
}

// ---------------------------------------------------------------------------------------
// json (text-preserving) access

/// The member `key` of a json object (the last one when repeated), as written.
fn json_field<'a>(n: &'a Node<'a>, key: &str) -> Option<&'a Node<'a>> {
    match &n.kind {
        Kind::Obj(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn json_elem<'a>(n: &'a Node<'a>, i: i64) -> Option<&'a Node<'a>> {
    match &n.kind {
        Kind::Arr(items) => index(items.len(), i).and_then(|i| items.get(i)),
        _ => None,
    }
}

fn json_text_of(n: &Node<'_>) -> Value {
    match &n.kind {
        Kind::Null => Value::Null,
        Kind::Str(s) => Value::Text(s.to_string()),
        _ => Value::Text(n.raw.to_string()),
    }
}

fn json_path<'a>(mut n: &'a Node<'a>, path: &[Option<String>]) -> Option<&'a Node<'a>> {
    for p in path {
        let p = p.as_deref()?;
        n = match &n.kind {
            Kind::Obj(_) => json_field(n, p)?,
            Kind::Arr(_) => json_elem(n, path_index(p)?)?,
            _ => return None,
        };
    }
    Some(n)
}

pub fn json_object_field(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = parse::parse(text_arg(&args[0])?, true)?;
    let key = text_arg(&args[1])?;
    Ok(json_field(&doc, key).map_or(Value::Null, |n| Value::Text(n.raw.to_string())))
}

pub fn json_object_field_text(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = parse::parse(text_arg(&args[0])?, true)?;
    let key = text_arg(&args[1])?;
    Ok(json_field(&doc, key).map_or(Value::Null, json_text_of))
}

pub fn json_array_element(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = parse::parse(text_arg(&args[0])?, true)?;
    let i = int_arg(&args[1])?;
    Ok(json_elem(&doc, i).map_or(Value::Null, |n| Value::Text(n.raw.to_string())))
}

pub fn json_array_element_text(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = parse::parse(text_arg(&args[0])?, true)?;
    let i = int_arg(&args[1])?;
    Ok(json_elem(&doc, i).map_or(Value::Null, json_text_of))
}

/// `#>` (json, text[]).
pub fn json_path_op(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = parse::parse(text_arg(&args[0])?, true)?;
    let path = text_items(&args[1])?;
    Ok(json_path(&doc, &path).map_or(Value::Null, |n| Value::Text(n.raw.to_string())))
}

/// `#>>` (json, text[]).
pub fn json_path_text_op(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = parse::parse(text_arg(&args[0])?, true)?;
    let path = text_items(&args[1])?;
    Ok(json_path(&doc, &path).map_or(Value::Null, json_text_of))
}

fn variadic_path(args: &[Value]) -> Vec<Option<String>> {
    args.iter()
        .map(|v| v.as_text().map(str::to_string))
        .collect()
}

/// `json_extract_path(json, VARIADIC text[])`, the path given as separate arguments.
pub fn json_extract_path(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = parse::parse(text_arg(&args[0])?, true)?;
    let path = variadic_path(&args[1..]);
    Ok(json_path(&doc, &path).map_or(Value::Null, |n| Value::Text(n.raw.to_string())))
}

pub fn json_extract_path_text(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = parse::parse(text_arg(&args[0])?, true)?;
    let path = variadic_path(&args[1..]);
    Ok(json_path(&doc, &path).map_or(Value::Null, json_text_of))
}

pub fn json_typeof(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = parse::parse(text_arg(&args[0])?, false)?;
    Ok(Value::Text(doc.type_name().into()))
}

pub fn json_array_length(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = parse::parse(text_arg(&args[0])?, false)?;
    match &doc.kind {
        Kind::Arr(items) => Ok(Value::Int(i64::try_from(items.len()).unwrap_or(i64::MAX))),
        Kind::Obj(_) => Err(invalid("cannot get array length of a non-array")),
        _ => Err(invalid("cannot get array length of a scalar")),
    }
}

/// `json_strip_nulls`: the document without object members whose value is null, re-written
/// without spaces.
pub fn json_strip_nulls(_env: &Env, args: &[Value]) -> Result<Value> {
    fn write(n: &Node<'_>, out: &mut String) {
        super::parse::deep(|| match &n.kind {
            Kind::Str(s) => escape(s, out),
            Kind::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write(v, out);
                }
                out.push(']');
            }
            Kind::Obj(members) => {
                out.push('{');
                let mut first = true;
                for (k, v) in members {
                    if matches!(v.kind, Kind::Null) {
                        continue;
                    }
                    if !first {
                        out.push(',');
                    }
                    first = false;
                    escape(k, out);
                    out.push(':');
                    write(v, out);
                }
                out.push('}');
            }
            _ => out.push_str(n.raw),
        })
    }
    let doc = parse::parse(text_arg(&args[0])?, true)?;
    let mut out = String::new();
    write(&doc, &mut out);
    Ok(Value::Text(out))
}

// ---------------------------------------------------------------------------------------
// jsonb access

/// Element `i` of a jsonb array; a top-level scalar acts as a one-element array.
fn jsonb_elem(v: &Jv, i: i64, top: bool) -> Option<&Jv> {
    match v {
        Jv::Arr(items) => index(items.len(), i).and_then(|i| items.get(i)),
        Jv::Obj(_) => None,
        scalar if top => index(1, i).map(|_| scalar),
        _ => None,
    }
}

fn jsonb_path<'a>(mut v: &'a Jv, path: &[Option<String>]) -> Option<&'a Jv> {
    for p in path {
        let p = p.as_deref()?;
        v = match v {
            Jv::Obj(_) => v.get(p)?,
            Jv::Arr(items) => index(items.len(), path_index(p)?).and_then(|i| items.get(i))?,
            _ => return None,
        };
    }
    Some(v)
}

fn text_of(v: Option<&Jv>) -> Value {
    v.and_then(Jv::to_text_value)
        .map_or(Value::Null, Value::Text)
}

pub fn jsonb_object_field(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = jsonb_arg(&args[0])?;
    Ok(doc
        .get(text_arg(&args[1])?)
        .map_or(Value::Null, jsonb_value))
}

pub fn jsonb_object_field_text(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = jsonb_arg(&args[0])?;
    Ok(text_of(doc.get(text_arg(&args[1])?)))
}

pub fn jsonb_array_element(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = jsonb_arg(&args[0])?;
    Ok(jsonb_elem(&doc, int_arg(&args[1])?, true).map_or(Value::Null, jsonb_value))
}

pub fn jsonb_array_element_text(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = jsonb_arg(&args[0])?;
    Ok(text_of(jsonb_elem(&doc, int_arg(&args[1])?, true)))
}

pub fn jsonb_path_op(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = jsonb_arg(&args[0])?;
    let path = text_items(&args[1])?;
    Ok(jsonb_path(&doc, &path).map_or(Value::Null, jsonb_value))
}

pub fn jsonb_path_text_op(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = jsonb_arg(&args[0])?;
    let path = text_items(&args[1])?;
    Ok(text_of(jsonb_path(&doc, &path)))
}

pub fn jsonb_extract_path(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = jsonb_arg(&args[0])?;
    let path = variadic_path(&args[1..]);
    Ok(jsonb_path(&doc, &path).map_or(Value::Null, jsonb_value))
}

pub fn jsonb_extract_path_text(_env: &Env, args: &[Value]) -> Result<Value> {
    let doc = jsonb_arg(&args[0])?;
    let path = variadic_path(&args[1..]);
    Ok(text_of(jsonb_path(&doc, &path)))
}

pub fn jsonb_typeof(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Text(jsonb_arg(&args[0])?.type_name().into()))
}

pub fn jsonb_array_length(_env: &Env, args: &[Value]) -> Result<Value> {
    match jsonb_arg(&args[0])? {
        Jv::Arr(items) => Ok(Value::Int(i64::try_from(items.len()).unwrap_or(i64::MAX))),
        Jv::Obj(_) => Err(invalid("cannot get array length of a non-array")),
        _ => Err(invalid("cannot get array length of a scalar")),
    }
}

pub fn jsonb_pretty(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Text(jsonb_arg(&args[0])?.pretty()))
}

pub fn jsonb_strip_nulls(_env: &Env, args: &[Value]) -> Result<Value> {
    fn strip(v: Jv) -> Jv {
        super::parse::deep(|| match v {
            Jv::Arr(items) => Jv::Arr(items.into_iter().map(strip).collect()),
            Jv::Obj(m) => Jv::Obj(
                m.into_iter()
                    .filter(|(_, v)| *v != Jv::Null)
                    .map(|(k, v)| (k, strip(v)))
                    .collect(),
            ),
            other => other,
        })
    }
    Ok(jsonb_value(&strip(jsonb_arg(&args[0])?)))
}

// ---------------------------------------------------------------------------------------
// ordering, containment, existence

fn jsonb_cmp_args(args: &[Value]) -> Result<Ordering> {
    Ok(jv::cmp_top(&jsonb_arg(&args[0])?, &jsonb_arg(&args[1])?))
}

pub fn jsonb_lt(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(bool_value(jsonb_cmp_args(args)?.is_lt()))
}
pub fn jsonb_le(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(bool_value(jsonb_cmp_args(args)?.is_le()))
}
pub fn jsonb_gt(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(bool_value(jsonb_cmp_args(args)?.is_gt()))
}
pub fn jsonb_ge(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(bool_value(jsonb_cmp_args(args)?.is_ge()))
}
pub fn jsonb_eq(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(bool_value(jsonb_cmp_args(args)?.is_eq()))
}
pub fn jsonb_ne(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(bool_value(jsonb_cmp_args(args)?.is_ne()))
}
/// `jsonb_cmp`: PostgreSQL's comparison result itself (strings report the difference of their
/// first differing bytes, as its `memcmp` does).
pub fn jsonb_cmp(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = jsonb_arg(&args[0])?;
    let b = jsonb_arg(&args[1])?;
    Ok(Value::Int(i64::from(jv::cmp_top_raw(&a, &b))))
}

/// PostgreSQL's `jsonb` containment: does `a` contain `b`?
pub fn contains(a: &Jv, b: &Jv, top: bool) -> bool {
    super::parse::deep(|| {
        match (a, b) {
            (Jv::Obj(am), Jv::Obj(bm)) => {
                am.len() >= bm.len()
                    && bm.iter().all(|(k, bv)| match a.get(k) {
                        Some(av) if av.is_scalar() || bv.is_scalar() => {
                            av.is_scalar() && bv.is_scalar() && jv::cmp(av, bv).is_eq()
                        }
                        Some(av) => same_container(av, bv) && contains(av, bv, false),
                        None => false,
                    })
            }
            (Jv::Arr(items), Jv::Arr(want)) => want.iter().all(|w| contained_in_array(items, w)),
            // A top-level array contains a top-level scalar it has as an element.
            (Jv::Arr(items), s) if top && s.is_scalar() => contained_in_array(items, s),
            (x, y) if top && x.is_scalar() && y.is_scalar() => jv::cmp(x, y).is_eq(),
            _ => false,
        }
    })
}

fn same_container(a: &Jv, b: &Jv) -> bool {
    matches!((a, b), (Jv::Arr(_), Jv::Arr(_)) | (Jv::Obj(_), Jv::Obj(_)))
}

fn contained_in_array(items: &[Jv], w: &Jv) -> bool {
    if w.is_scalar() {
        items.iter().any(|i| i.is_scalar() && jv::cmp(i, w).is_eq())
    } else {
        items
            .iter()
            .any(|i| same_container(i, w) && contains(i, w, false))
    }
}

pub fn jsonb_contains(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = jsonb_arg(&args[0])?;
    let b = jsonb_arg(&args[1])?;
    Ok(bool_value(contains(&a, &b, true)))
}

pub fn jsonb_contained(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = jsonb_arg(&args[0])?;
    let b = jsonb_arg(&args[1])?;
    Ok(bool_value(contains(&b, &a, true)))
}

/// Whether `key` is a key of the object, or a string element of the array (or the string
/// itself, at top level).
fn exists(v: &Jv, key: &str) -> bool {
    match v {
        Jv::Obj(_) => v.get(key).is_some(),
        Jv::Arr(items) => items.iter().any(|i| matches!(i, Jv::Str(s) if s == key)),
        Jv::Str(s) => s == key,
        _ => false,
    }
}

pub fn jsonb_exists(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = jsonb_arg(&args[0])?;
    Ok(bool_value(exists(&v, text_arg(&args[1])?)))
}

pub fn jsonb_exists_any(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = jsonb_arg(&args[0])?;
    let keys = text_items(&args[1])?;
    Ok(bool_value(keys.iter().flatten().any(|k| exists(&v, k))))
}

pub fn jsonb_exists_all(_env: &Env, args: &[Value]) -> Result<Value> {
    let v = jsonb_arg(&args[0])?;
    let keys = text_items(&args[1])?;
    Ok(bool_value(keys.iter().flatten().all(|k| exists(&v, k))))
}

// ---------------------------------------------------------------------------------------
// jsonb editing

/// `||`: objects merge (right wins); otherwise both sides become arrays and are joined.
pub fn jsonb_concat(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = jsonb_arg(&args[0])?;
    let b = jsonb_arg(&args[1])?;
    let out = match (a, b) {
        (Jv::Obj(mut x), Jv::Obj(y)) => {
            x.extend(y);
            Jv::object(x)
        }
        (a, b) => {
            let mut items = match a {
                Jv::Arr(items) => items,
                other => vec![other],
            };
            match b {
                Jv::Arr(more) => items.extend(more),
                other => items.push(other),
            }
            Jv::Arr(items)
        }
    };
    Ok(jsonb_value(&out))
}

fn cannot_delete_scalar() -> SqlError {
    invalid("cannot delete from scalar")
}

/// `-` (jsonb, text): drops a key, or the string elements equal to it.
pub fn jsonb_delete_key(_env: &Env, args: &[Value]) -> Result<Value> {
    let key = text_arg(&args[1])?;
    delete_keys(jsonb_arg(&args[0])?, &[key])
}

fn delete_keys(v: Jv, keys: &[&str]) -> Result<Value> {
    let keys: std::collections::HashSet<&str> = keys.iter().copied().collect();
    let out = match v {
        Jv::Obj(m) => Jv::Obj(
            m.into_iter()
                .filter(|(k, _)| !keys.contains(k.as_str()))
                .collect(),
        ),
        Jv::Arr(items) => Jv::Arr(
            items
                .into_iter()
                .filter(|i| !matches!(i, Jv::Str(s) if keys.contains(s.as_str())))
                .collect(),
        ),
        _ => return Err(cannot_delete_scalar()),
    };
    Ok(jsonb_value(&out))
}

/// `-` (jsonb, text[]).
pub fn jsonb_delete_keys(_env: &Env, args: &[Value]) -> Result<Value> {
    let list = text_items(&args[1])?;
    let keys: Vec<&str> = list.iter().flatten().map(String::as_str).collect();
    delete_keys(jsonb_arg(&args[0])?, &keys)
}

/// `jsonb_delete(jsonb, VARIADIC text[])`, the keys given as separate arguments.
pub fn jsonb_delete_variadic(_env: &Env, args: &[Value]) -> Result<Value> {
    let keys: Vec<&str> = args[1..].iter().filter_map(Value::as_text).collect();
    delete_keys(jsonb_arg(&args[0])?, &keys)
}

/// `-` (jsonb, int): drops an array element (negative counts from the end).
pub fn jsonb_delete_index(_env: &Env, args: &[Value]) -> Result<Value> {
    let i = int_arg(&args[1])?;
    match jsonb_arg(&args[0])? {
        Jv::Arr(mut items) => {
            if let Some(i) = index(items.len(), i) {
                items.remove(i);
            }
            Ok(jsonb_value(&Jv::Arr(items)))
        }
        Jv::Obj(_) => Err(invalid("cannot delete from object using integer index")),
        _ => Err(cannot_delete_scalar()),
    }
}

/// What a path edit does at its last step.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edit {
    /// `jsonb_set`: replace, or add when `create`.
    Set { create: bool },
    /// `jsonb_insert`.
    Insert { after: bool },
    /// `#-`.
    Delete,
}

fn not_integer(level: usize, p: &str) -> SqlError {
    SqlError::new(
        sqlstate::INVALID_TEXT_REPRESENTATION,
        format!(
            "path element at position {} is not an integer: \"{p}\"",
            level + 1
        ),
    )
}

/// Applies an edit at `path` inside container `v` (PostgreSQL's `setPath`).
fn edit_path(
    v: &mut Jv,
    path: &[Option<String>],
    level: usize,
    new: &Option<Jv>,
    edit: Edit,
) -> Result<()> {
    let Some(step) = path.get(level) else {
        return Ok(());
    };
    // PostgreSQL checks each step as it reaches a value, container or not.
    let Some(step) = step else {
        return Err(path_null(level));
    };
    let last = level + 1 == path.len();
    match v {
        Jv::Obj(members) => {
            let key = step;
            let found = members.binary_search_by(|(k, _)| jv::key_cmp(k, key));
            match (found, last) {
                (Ok(i), false) => edit_path(&mut members[i].1, path, level + 1, new, edit)?,
                (Ok(i), true) => match edit {
                    Edit::Set { .. } => {
                        if let Some(n) = new {
                            members[i].1 = n.clone();
                        }
                    }
                    Edit::Delete => {
                        members.remove(i);
                    }
                    Edit::Insert { .. } => {
                        return Err(invalid("cannot replace existing key")
                            .with_hint("Try using the function jsonb_set to replace key value."));
                    }
                },
                (Err(pos), true) => {
                    let add = matches!(edit, Edit::Set { create: true } | Edit::Insert { .. });
                    if add && let Some(n) = new {
                        members.insert(pos, (key.clone(), n.clone()));
                    }
                }
                (Err(_), false) => {}
            }
        }
        Jv::Arr(items) => {
            let p = step;
            let Some(i) = path_index(p) else {
                return Err(not_integer(level, p));
            };
            let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let idx = if i < 0 { len + i } else { i };
            if !last {
                if let Some(e) = usize::try_from(idx).ok().and_then(|k| items.get_mut(k)) {
                    edit_path(e, path, level + 1, new, edit)?;
                }
                return Ok(());
            }
            let at = usize::try_from(idx).ok().filter(|&k| k < items.len());
            match edit {
                Edit::Set { create } => match (at, new) {
                    (Some(k), Some(n)) => items[k] = n.clone(),
                    (None, Some(n)) if create => {
                        if idx < 0 {
                            items.insert(0, n.clone());
                        } else {
                            items.push(n.clone());
                        }
                    }
                    _ => {}
                },
                Edit::Delete => {
                    if let Some(k) = at {
                        items.remove(k);
                    }
                }
                Edit::Insert { after } => {
                    if let Some(n) = new {
                        match at {
                            Some(k) => items.insert(if after { k + 1 } else { k }, n.clone()),
                            None if idx < 0 => items.insert(0, n.clone()),
                            None => items.push(n.clone()),
                        }
                    }
                }
            }
        }
        _ => {}
    }
    Ok(())
}

fn path_null(level: usize) -> SqlError {
    SqlError::new(
        sqlstate::NULL_VALUE_NOT_ALLOWED,
        format!("path element at position {} is null", level + 1),
    )
}

/// A `text[]` path argument of the editing functions: one dimension only.
fn path_arg(v: &Value) -> Result<Vec<Option<String>>> {
    let text = text_arg(v)?;
    if text.starts_with("[[") {
        return Err(SqlError::new(
            sqlstate::ARRAY_SUBSCRIPT_ERROR,
            "wrong number of array subscripts",
        ));
    }
    text_items(v)
}

fn edit(doc: Jv, path: &Value, new: Option<Jv>, edit: Edit) -> Result<Value> {
    let path = path_arg(path)?;
    let mut doc = doc;
    if doc.is_scalar() {
        return Err(invalid(if edit == Edit::Delete {
            "cannot delete path in scalar"
        } else {
            "cannot set path in scalar"
        }));
    }
    let empty =
        matches!(&doc, Jv::Arr(v) if v.is_empty()) || matches!(&doc, Jv::Obj(m) if m.is_empty());
    // PostgreSQL returns an empty document as it is when nothing could be added to it.
    if empty && matches!(edit, Edit::Delete | Edit::Set { create: false }) {
        return Ok(jsonb_value(&doc));
    }
    if !path.is_empty() {
        edit_path(&mut doc, &path, 0, &new, edit)?;
    }
    Ok(jsonb_value(&doc))
}

fn bool_arg(args: &[Value], i: usize, default: bool) -> bool {
    match args.get(i) {
        Some(Value::Int(v)) => *v != 0,
        _ => default,
    }
}

/// `jsonb_set(target, path, new [, create_if_missing])`.
pub fn jsonb_set(_env: &Env, args: &[Value]) -> Result<Value> {
    let create = bool_arg(args, 3, true);
    edit(
        jsonb_arg(&args[0])?,
        &args[1],
        Some(jsonb_arg(&args[2])?),
        Edit::Set { create },
    )
}

/// `jsonb_set_lax(target, path, new [, create_if_missing [, null_value_treatment]])` (not
/// strict: a NULL `new` is treated as the last argument says).
pub fn jsonb_set_lax(env: &Env, args: &[Value]) -> Result<Value> {
    let treatment_error = || {
        invalid(
            "null_value_treatment must be \"delete_key\", \"return_target\", \"use_json_null\", \
             or \"raise_exception\"",
        )
    };
    let treatment = match args.get(4) {
        None => "use_json_null",
        Some(Value::Text(t)) => t.as_str(),
        Some(_) => return Err(treatment_error()),
    };
    if args[..args.len().min(4)]
        .iter()
        .enumerate()
        .any(|(i, v)| i != 2 && v.is_null())
    {
        return Ok(Value::Null);
    }
    if !args[2].is_null() {
        return jsonb_set(env, &args[..args.len().min(4)]);
    }
    let create = bool_arg(args, 3, true);
    match treatment {
        "raise_exception" => Err(SqlError::new(
            sqlstate::NULL_VALUE_NOT_ALLOWED,
            "JSON value must not be null",
        )
        .with_detail("Exception was raised because null_value_treatment is \"raise_exception\".")
        .with_hint(
            "To avoid, either change the null_value_treatment argument or ensure that an SQL \
             NULL is not passed.",
        )),
        "use_json_null" => edit(
            jsonb_arg(&args[0])?,
            &args[1],
            Some(Jv::Null),
            Edit::Set { create },
        ),
        "delete_key" => edit(jsonb_arg(&args[0])?, &args[1], None, Edit::Delete),
        "return_target" => Ok(args[0].clone()),
        _ => Err(treatment_error()),
    }
}

/// `jsonb_insert(target, path, new [, insert_after])`.
pub fn jsonb_insert(_env: &Env, args: &[Value]) -> Result<Value> {
    let after = bool_arg(args, 3, false);
    edit(
        jsonb_arg(&args[0])?,
        &args[1],
        Some(jsonb_arg(&args[2])?),
        Edit::Insert { after },
    )
}

/// `#-` (jsonb, text[]) and `jsonb_delete_path`.
pub fn jsonb_delete_path(_env: &Env, args: &[Value]) -> Result<Value> {
    edit(jsonb_arg(&args[0])?, &args[1], None, Edit::Delete)
}

// ---------------------------------------------------------------------------------------
// casts from jsonb

fn cannot_cast(v: &Jv, target: &str) -> SqlError {
    invalid(format!(
        "cannot cast jsonb {} to type {target}",
        v.cast_name()
    ))
}

fn cast_number(args: &[Value], target: &str) -> Result<String> {
    match jsonb_arg(&args[0])? {
        Jv::Num(n) => Ok(n),
        other => Err(cannot_cast(&other, target)),
    }
}

pub fn jsonb_to_bool(_env: &Env, args: &[Value]) -> Result<Value> {
    match jsonb_arg(&args[0])? {
        Jv::Bool(b) => Ok(bool_value(b)),
        other => Err(cannot_cast(&other, "boolean")),
    }
}

pub fn jsonb_to_numeric(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(Value::Text(cast_number(args, "numeric")?))
}

fn to_int(args: &[Value], target: &str, min: i64, max: i64) -> Result<Value> {
    let n = cast_number(args, target)?;
    match num::to_i64(&n) {
        Some(i) if (min..=max).contains(&i) => Ok(Value::Int(i)),
        _ => Err(SqlError::out_of_range(format!("{target} out of range"))),
    }
}

pub fn jsonb_to_int2(_env: &Env, args: &[Value]) -> Result<Value> {
    to_int(args, "smallint", i16::MIN.into(), i16::MAX.into())
}

pub fn jsonb_to_int4(_env: &Env, args: &[Value]) -> Result<Value> {
    to_int(args, "integer", i32::MIN.into(), i32::MAX.into())
}

pub fn jsonb_to_int8(_env: &Env, args: &[Value]) -> Result<Value> {
    to_int(args, "bigint", i64::MIN, i64::MAX)
}

fn to_float(args: &[Value], target: &str, single: bool) -> Result<Value> {
    let n = cast_number(args, target)?;
    let zero = num::cmp(&n, "0").is_eq();
    let out_of_range =
        || SqlError::out_of_range(format!("\"{n}\" is out of range for type {target}"));
    // Parsed directly at the target precision (correctly rounded, as strtof/strtod are).
    let f = if single {
        n.parse::<f32>().map(f64::from)
    } else {
        n.parse::<f64>()
    }
    .map_err(|_| out_of_range())?;
    if f.is_infinite() || (f == 0.0 && !zero) {
        return Err(out_of_range());
    }
    Ok(Value::Float(f))
}

pub fn jsonb_to_float4(_env: &Env, args: &[Value]) -> Result<Value> {
    to_float(args, "real", true)
}

pub fn jsonb_to_float8(_env: &Env, args: &[Value]) -> Result<Value> {
    to_float(args, "double precision", false)
}

/// `json` → `jsonb`.
pub fn json_to_jsonb(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(jsonb_value(&jsonb_arg(&args[0])?))
}

#[cfg(test)]
mod tests {
    use super::*;

    type F = fn(&Env, &[Value]) -> Result<Value>;

    /// Calls `f` on text arguments (`None` is NULL) and shows the result as psql would
    /// (`<NULL>`, `t`/`f` for booleans left as integers).
    fn call(f: F, args: &[Option<&str>]) -> String {
        let args: Vec<Value> = args
            .iter()
            .map(|a| a.map_or(Value::Null, |s| Value::Text(s.into())))
            .collect();
        show(f(&Env::default(), &args))
    }

    fn call_int(f: F, doc: &str, i: i64) -> String {
        show(f(
            &Env::default(),
            &[Value::Text(doc.into()), Value::Int(i)],
        ))
    }

    fn show(r: Result<Value>) -> String {
        match r {
            Ok(Value::Null) => "<NULL>".into(),
            Ok(Value::Text(s)) => s,
            Ok(Value::Int(i)) => i.to_string(),
            Ok(Value::Float(f)) => f.to_string(),
            Ok(Value::Bytes(_)) => "<bytes>".into(),
            Err(e) => format!("ERROR {}: {}", e.sqlstate, e.message),
        }
    }

    // Every expected value below is what PostgreSQL 15 printed for the same call.

    #[test]
    fn json_access_keeps_text() {
        let doc = r#"{"a": {"b":[ 1,  2]}, "s": "x\u0041", "n": null, "a2": 1, "a2": 2}"#;
        assert_eq!(
            call(json_object_field, &[Some(doc), Some("a")]),
            r#"{"b":[ 1,  2]}"#
        );
        assert_eq!(
            call(json_object_field, &[Some(doc), Some("s")]),
            r#""x\u0041""#
        );
        assert_eq!(call(json_object_field_text, &[Some(doc), Some("s")]), "xA");
        assert_eq!(call(json_object_field, &[Some(doc), Some("n")]), "null");
        assert_eq!(
            call(json_object_field_text, &[Some(doc), Some("n")]),
            "<NULL>"
        );
        assert_eq!(call(json_object_field, &[Some(doc), Some("a2")]), "2");
        assert_eq!(call(json_object_field, &[Some("[1]"), Some("a")]), "<NULL>");
        assert_eq!(call_int(json_array_element, "[1, [2, 3 ] ]", 1), "[2, 3 ]");
        assert_eq!(call_int(json_array_element, "[1,2,3]", -1), "3");
        assert_eq!(call_int(json_array_element, "[1,2,3]", -3), "1");
        assert_eq!(call_int(json_array_element, "[1,2,3]", -4), "<NULL>");
        assert_eq!(call_int(json_array_element, "\"x\"", 0), "<NULL>");
        assert_eq!(call_int(json_array_element_text, "[\"a\\tb\"]", 0), "a\tb");
        let path = |p: &str| {
            call(
                json_path_op,
                &[Some(r#"{"a": {"b": [1, {"c": "d"}]}}"#), Some(p)],
            )
        };
        assert_eq!(path(r#"["a","b",1]"#), r#"{"c": "d"}"#);
        assert_eq!(path(r#"["a","b","-1","c"]"#), r#""d""#);
        assert_eq!(path(r#"["a","b"," 0"]"#), "1");
        assert_eq!(path(r#"["a","b","+0"]"#), "1");
        assert_eq!(path(r#"["a","b","0 "]"#), "<NULL>");
        assert_eq!(path(r#"["a",null]"#), "<NULL>");
        assert_eq!(path("[]"), r#"{"a": {"b": [1, {"c": "d"}]}}"#);
        assert_eq!(path(r#"[["a"],["b"]]"#), "[1, {\"c\": \"d\"}]");
        assert_eq!(call(json_path_text_op, &[Some("\"x\""), Some("[]")]), "x");
        assert_eq!(
            call(
                json_extract_path_text,
                &[Some(r#"{"a": {"b": 1}}"#), Some("a"), Some("b")]
            ),
            "1"
        );
        assert_eq!(
            call(json_extract_path, &[Some(r#"{"a": {"b": 1}}"#), Some("a")]),
            r#"{"b": 1}"#
        );
        // Functions decode every string, as PostgreSQL's do.
        let e = call(
            json_object_field,
            &[Some(r#"{"a":"\u0000","b":1}"#), Some("b")],
        );
        assert_eq!(e, "ERROR 22P05: unsupported Unicode escape sequence");
        let e = call_int(json_array_element_text, r#"["\ud83d", 1]"#, 1);
        assert_eq!(e, "ERROR 22P02: invalid input syntax for type json");
    }

    #[test]
    fn json_inspection() {
        assert_eq!(call(json_typeof, &[Some(" {} ")]), "object");
        assert_eq!(call(json_array_length, &[Some(r#"["\u0000"]"#)]), "1");
        assert_eq!(
            call(json_array_length, &[Some("{}")]),
            "ERROR 22023: cannot get array length of a non-array"
        );
        assert_eq!(
            call(json_array_length, &[Some("1")]),
            "ERROR 22023: cannot get array length of a scalar"
        );
        assert_eq!(
            call(
                json_strip_nulls,
                &[Some(r#"{"a":null, "b" : [null,{"c":null,"d":1}]}"#)]
            ),
            r#"{"b":[null,{"d":1}]}"#
        );
        assert_eq!(
            call(
                json_strip_nulls,
                &[Some(r#" {"a" : 1,  "b": null, "c": [ 1 , 2 ]} "#)]
            ),
            r#"{"a":1,"c":[1,2]}"#
        );
    }

    #[test]
    fn jsonb_access() {
        let doc = r#"{"a": {"b": [1, {"c": 2}]}, "t": "x\ny", "n": null, "m": 1.50}"#;
        assert_eq!(
            call(jsonb_object_field, &[Some(doc), Some("a")]),
            r#"{"b": [1, {"c": 2}]}"#
        );
        assert_eq!(
            call(jsonb_object_field_text, &[Some(doc), Some("t")]),
            "x\ny"
        );
        assert_eq!(call(jsonb_object_field, &[Some(doc), Some("n")]), "null");
        assert_eq!(
            call(jsonb_object_field_text, &[Some(doc), Some("n")]),
            "<NULL>"
        );
        assert_eq!(
            call(jsonb_object_field_text, &[Some(doc), Some("m")]),
            "1.50"
        );
        assert_eq!(call_int(jsonb_array_element, "[1,2,3]", -1), "3");
        assert_eq!(call_int(jsonb_array_element, "[1,2,3]", 3), "<NULL>");
        assert_eq!(call_int(jsonb_array_element, "{\"a\":1}", 0), "<NULL>");
        // A top-level scalar is a one-element array to -> (but not to #>).
        assert_eq!(call_int(jsonb_array_element, "\"x\"", 0), "\"x\"");
        assert_eq!(call_int(jsonb_array_element, "\"x\"", -1), "\"x\"");
        assert_eq!(call_int(jsonb_array_element, "\"x\"", 1), "<NULL>");
        assert_eq!(call_int(jsonb_array_element_text, "null", 0), "<NULL>");
        assert_eq!(
            call(jsonb_path_op, &[Some("\"x\""), Some("[\"0\"]")]),
            "<NULL>"
        );
        assert_eq!(
            call(jsonb_path_op, &[Some(doc), Some(r#"["a","b","1"]"#)]),
            r#"{"c": 2}"#
        );
        assert_eq!(
            call(
                jsonb_path_text_op,
                &[Some(doc), Some(r#"["a","b","1","c"]"#)]
            ),
            "2"
        );
        assert_eq!(
            call(jsonb_path_op, &[Some("[1,[2,3]]"), Some(r#"["1","-1"]"#)]),
            "3"
        );
        assert_eq!(
            call(jsonb_path_op, &[Some("[1,[2,3]]"), Some(r#"["1","5"]"#)]),
            "<NULL>"
        );
        assert_eq!(
            call(jsonb_path_op, &[Some("{\"a\":1}"), Some("[]")]),
            "{\"a\": 1}"
        );
        assert_eq!(call(jsonb_path_text_op, &[Some("\"x\""), Some("[]")]), "x");
        assert_eq!(
            call(
                jsonb_extract_path,
                &[Some(doc), Some("a"), Some("b"), Some("0")]
            ),
            "1"
        );
        assert_eq!(
            call(jsonb_extract_path_text, &[Some(doc), Some("t")]),
            "x\ny"
        );
        assert_eq!(call(jsonb_typeof, &[Some("1")]), "number");
        assert_eq!(call(jsonb_typeof, &[Some("\"x\"")]), "string");
        assert_eq!(call(jsonb_typeof, &[Some("true")]), "boolean");
        assert_eq!(call(jsonb_array_length, &[Some("[1,[2]]")]), "2");
        assert_eq!(
            call(jsonb_array_length, &[Some("{}")]),
            "ERROR 22023: cannot get array length of a non-array"
        );
        assert_eq!(
            call(
                jsonb_strip_nulls,
                &[Some(r#"{"a":null,"b":[null,{"c":null,"d":1}]}"#)]
            ),
            r#"{"b": [null, {"d": 1}]}"#
        );
        assert_eq!(call(jsonb_strip_nulls, &[Some("null")]), "null");
    }

    #[test]
    fn containment_and_existence() {
        let b = |f: F, a: &str, x: &str| call(f, &[Some(a), Some(x)]);
        assert_eq!(
            b(
                jsonb_contains,
                r#"{"a":[1,2,3],"b":{"c":1}}"#,
                r#"{"a":[3,1]}"#
            ),
            "1"
        );
        assert_eq!(b(jsonb_contains, "[1,2,[3]]", "[[3]]"), "1");
        assert_eq!(b(jsonb_contains, "[1]", "1"), "1");
        assert_eq!(b(jsonb_contains, "1", "[1]"), "0");
        assert_eq!(b(jsonb_contains, r#"{"a":1}"#, "{}"), "1");
        assert_eq!(b(jsonb_contains, "{}", "[]"), "0");
        assert_eq!(b(jsonb_contains, "[1,1]", "[1,1,1]"), "1");
        assert_eq!(b(jsonb_contains, "1.0", "1"), "1");
        assert_eq!(b(jsonb_contained, r#"{"a":1}"#, r#"{"a":1,"b":2}"#), "1");
        assert_eq!(b(jsonb_exists, r#"{"a":1}"#, "a"), "1");
        assert_eq!(b(jsonb_exists, r#"["a"]"#, "a"), "1");
        assert_eq!(b(jsonb_exists, r#""a""#, "a"), "1");
        assert_eq!(b(jsonb_exists, r#"[["a"]]"#, "a"), "0");
        assert_eq!(b(jsonb_exists, "[1]", "1"), "0");
        assert_eq!(b(jsonb_exists_any, r#"{"a":1}"#, r#"["b","a"]"#), "1");
        assert_eq!(b(jsonb_exists_all, r#"{"a":1}"#, r#"["b","a"]"#), "0");
        assert_eq!(b(jsonb_exists_all, r#"{"a":1}"#, "[]"), "1");
        assert_eq!(b(jsonb_exists_any, r#"{"a":1}"#, "[]"), "0");
        assert_eq!(b(jsonb_exists_all, r#"{"a":1}"#, r#"["a",null]"#), "1");
        assert_eq!(b(jsonb_cmp, "\"x\\ny\"", "\"a\""), "23");
        assert_eq!(b(jsonb_cmp, r#"{"c": null}"#, r#"{"aa": 1}"#), "2");
        assert_eq!(b(jsonb_cmp, "[]", "null"), "-1");
        assert_eq!(b(jsonb_lt, "1", "[1]"), "1");
        assert_eq!(b(jsonb_eq, "1.0", "1"), "1");
    }

    #[test]
    fn editing() {
        let b = |f: F, a: &str, x: &str| call(f, &[Some(a), Some(x)]);
        assert_eq!(
            b(jsonb_concat, r#"{"a":1}"#, r#"{"b":2}"#),
            r#"{"a": 1, "b": 2}"#
        );
        assert_eq!(b(jsonb_concat, r#"{"a":1}"#, r#"{"a":2}"#), r#"{"a": 2}"#);
        assert_eq!(b(jsonb_concat, "[1]", "2"), "[1, 2]");
        assert_eq!(b(jsonb_concat, "1", "2"), "[1, 2]");
        assert_eq!(b(jsonb_concat, r#"{"a":1}"#, "[2]"), r#"[{"a": 1}, 2]"#);
        assert_eq!(
            b(jsonb_concat, r#""a""#, r#"{"a":1}"#),
            r#"["a", {"a": 1}]"#
        );
        assert_eq!(b(jsonb_delete_key, r#"{"a":1,"b":2}"#, "a"), r#"{"b": 2}"#);
        assert_eq!(b(jsonb_delete_key, r#"["a","b","a"]"#, "a"), r#"["b"]"#);
        assert_eq!(
            b(jsonb_delete_key, "1", "a"),
            "ERROR 22023: cannot delete from scalar"
        );
        assert_eq!(call_int(jsonb_delete_index, "[1,2,3]", 1), "[1, 3]");
        assert_eq!(call_int(jsonb_delete_index, "[1,2,3]", -1), "[1, 2]");
        assert_eq!(call_int(jsonb_delete_index, "[1,2,3]", 5), "[1, 2, 3]");
        assert_eq!(
            call_int(jsonb_delete_index, r#"{"a":1}"#, 0),
            "ERROR 22023: cannot delete from object using integer index"
        );
        assert_eq!(
            b(jsonb_delete_keys, r#"{"a":1,"b":2,"c":3}"#, r#"["a","c"]"#),
            r#"{"b": 2}"#
        );
        assert_eq!(
            call(
                jsonb_delete_variadic,
                &[Some(r#"{"a":1,"b":2}"#), Some("a"), Some("b")]
            ),
            "{}"
        );
        let p = |d: &str, path: &str| b(jsonb_delete_path, d, path);
        assert_eq!(
            p(r#"{"a":{"b":[1,2]}}"#, r#"["a","b","0"]"#),
            r#"{"a": {"b": [2]}}"#
        );
        assert_eq!(p(r#"{"a":1}"#, "[]"), r#"{"a": 1}"#);
        assert_eq!(p("[1,2]", r#"["-1"]"#), "[1]");
        assert_eq!(p("[]", r#"["x"]"#), "[]");
        assert_eq!(
            p("1", r#"["a"]"#),
            "ERROR 22023: cannot delete path in scalar"
        );
        assert_eq!(
            p("[1,2]", r#"["x"]"#),
            "ERROR 22P02: path element at position 1 is not an integer: \"x\""
        );
        assert_eq!(
            p("[1]", r#"[["0"]]"#),
            "ERROR 2202E: wrong number of array subscripts"
        );
    }

    fn set(f: F, d: &str, path: &str, v: &str, flag: Option<bool>) -> String {
        let mut args = vec![
            Value::Text(d.into()),
            Value::Text(path.into()),
            Value::Text(v.into()),
        ];
        args.extend(flag.map(Value::from));
        show(f(&Env::default(), &args))
    }

    #[test]
    fn set_and_insert() {
        let a = r#"{"a":[1,2,3]}"#;
        let s = |path: &str, create: Option<bool>| set(jsonb_set, a, path, "\"x\"", create);
        assert_eq!(s(r#"["a","1"]"#, None), r#"{"a": [1, "x", 3]}"#);
        assert_eq!(s(r#"["a","-1"]"#, None), r#"{"a": [1, 2, "x"]}"#);
        assert_eq!(s(r#"["a","10"]"#, None), r#"{"a": [1, 2, 3, "x"]}"#);
        assert_eq!(s(r#"["a","-10"]"#, None), r#"{"a": ["x", 1, 2, 3]}"#);
        assert_eq!(s(r#"["b"]"#, None), r#"{"a": [1, 2, 3], "b": "x"}"#);
        assert_eq!(s(r#"["b"]"#, Some(false)), r#"{"a": [1, 2, 3]}"#);
        assert_eq!(s(r#"["b","c"]"#, None), r#"{"a": [1, 2, 3]}"#);
        assert_eq!(s("[]", None), r#"{"a": [1, 2, 3]}"#);
        assert_eq!(
            s(r#"["a","x"]"#, None),
            "ERROR 22P02: path element at position 2 is not an integer: \"x\""
        );
        assert_eq!(
            s("[null]", None),
            "ERROR 22004: path element at position 1 is null"
        );
        assert_eq!(set(jsonb_set, "[1]", r#"["0","a"]"#, "2", None), "[1]");
        assert_eq!(set(jsonb_set, "{}", "[null]", "2", Some(false)), "{}");
        assert_eq!(
            set(jsonb_set, "\"x\"", r#"["a"]"#, "2", None),
            "ERROR 22023: cannot set path in scalar"
        );
        let i = |path: &str, after: Option<bool>| set(jsonb_insert, a, path, "\"x\"", after);
        assert_eq!(i(r#"["a","1"]"#, None), r#"{"a": [1, "x", 2, 3]}"#);
        assert_eq!(i(r#"["a","1"]"#, Some(true)), r#"{"a": [1, 2, "x", 3]}"#);
        assert_eq!(i(r#"["a","-1"]"#, None), r#"{"a": [1, 2, "x", 3]}"#);
        assert_eq!(i(r#"["a","10"]"#, None), r#"{"a": [1, 2, 3, "x"]}"#);
        assert_eq!(i(r#"["a","-10"]"#, None), r#"{"a": ["x", 1, 2, 3]}"#);
        assert_eq!(i(r#"["b"]"#, None), r#"{"a": [1, 2, 3], "b": "x"}"#);
        let e = jsonb_insert(
            &Env::default(),
            &[
                Value::Text(r#"{"a":1}"#.into()),
                Value::Text(r#"["a"]"#.into()),
                Value::Text("2".into()),
            ],
        )
        .unwrap_err();
        assert_eq!(e.message, "cannot replace existing key");
        assert_eq!(
            e.hint.as_deref(),
            Some("Try using the function jsonb_set to replace key value.")
        );
    }

    #[test]
    fn set_lax() {
        let lax = |treatment: Option<&str>| {
            let mut args = vec![
                Value::Text(r#"{"a":1}"#.into()),
                Value::Text(r#"["a"]"#.into()),
                Value::Null,
                Value::Int(1),
            ];
            if let Some(t) = treatment {
                args.push(Value::Text(t.into()));
            }
            show(jsonb_set_lax(&Env::default(), &args))
        };
        assert_eq!(lax(None), r#"{"a": null}"#);
        assert_eq!(lax(Some("use_json_null")), r#"{"a": null}"#);
        assert_eq!(lax(Some("delete_key")), "{}");
        assert_eq!(lax(Some("return_target")), r#"{"a":1}"#);
        assert_eq!(
            lax(Some("raise_exception")),
            "ERROR 22004: JSON value must not be null"
        );
        assert_eq!(
            lax(Some("foo")),
            "ERROR 22023: null_value_treatment must be \"delete_key\", \"return_target\", \
             \"use_json_null\", or \"raise_exception\""
        );
    }

    #[test]
    fn casts() {
        let c = |f: F, d: &str| call(f, &[Some(d)]);
        assert_eq!(c(jsonb_to_int4, "1.5"), "2");
        assert_eq!(c(jsonb_to_int2, "2.5"), "3");
        assert_eq!(c(jsonb_to_int8, "-2.5"), "-3");
        assert_eq!(c(jsonb_to_float4, "1e3"), "1000");
        assert_eq!(c(jsonb_to_float8, "1.5"), "1.5");
        assert_eq!(c(jsonb_to_numeric, "1.50"), "1.50");
        assert_eq!(c(jsonb_to_bool, "true"), "1");
        assert_eq!(
            c(jsonb_to_int4, "null"),
            "ERROR 22023: cannot cast jsonb null to type integer"
        );
        assert_eq!(
            c(jsonb_to_int4, "\"1\""),
            "ERROR 22023: cannot cast jsonb string to type integer"
        );
        assert_eq!(
            c(jsonb_to_bool, "[1]"),
            "ERROR 22023: cannot cast jsonb array to type boolean"
        );
        assert_eq!(
            c(jsonb_to_numeric, "{}"),
            "ERROR 22023: cannot cast jsonb object to type numeric"
        );
        assert_eq!(
            c(jsonb_to_int2, "70000"),
            "ERROR 22003: smallint out of range"
        );
        assert_eq!(
            c(jsonb_to_int4, "2147483648"),
            "ERROR 22003: integer out of range"
        );
        assert!(c(jsonb_to_float8, "1e400").ends_with("is out of range for type double precision"));
        assert!(
            c(jsonb_to_float8, "1e-400").ends_with("is out of range for type double precision")
        );
        assert!(c(jsonb_to_float4, "1e40").ends_with("is out of range for type real"));
        assert_eq!(
            c(json_to_jsonb, r#"{"b":1, "a" : 2}"#),
            r#"{"a": 2, "b": 1}"#
        );
    }
}
