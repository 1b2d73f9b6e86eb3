//! Array functions, operators, set-returning functions and aggregates: `array_length` and the
//! other dimension functions, `array_append`/`array_prepend`/`array_cat` and `||`,
//! `array_position(s)`, `array_remove`, `array_replace`, `array_to_string`,
//! `string_to_array`, `array_fill`, `trim_array`, `array_larger`/`array_smaller`, `@>`, `<@`,
//! `&&`, ordering, `unnest`, `generate_subscripts`, `array_agg`, and the translator's helpers
//! `pg_array_constructor` (`ARRAY[…]`), `pg_array_subscript` (`a[i][j]`), `pg_array_slice`
//! (`a[lo:hi]`), `pg_array_any`/`pg_array_all` (`x op ANY/ALL (a)`), `pg_array_coerce`
//! (array casts) and `pg_array_set` (`a[i] := v`).
//!
//! Elements compare as their type orders them (integers, floats with NaN greatest, text
//! bytewise, numeric/interval/bpchar through their collations), so the functions that compare
//! elements are `typed`: they receive their argument types first.

use std::cmp::Ordering;
use std::collections::VecDeque;

use super::literal::size_exceeded;
use super::store::{Array, MAX_DIMS, MAX_ITEMS, decode_elem, encode_elem};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::split_typed as typed;
use crate::func::{Accumulator, Rows, arg_types};
use crate::types::json::parse::{self, Node};
use crate::types::text::strings::ListAgg;
use crate::types::{COLLATIONS, Type, io};
use crate::value::Value;

// ---------------------------------------------------------------------------------------
// helpers

/// The leading array argument of a function over an array, decoded, with its element type and
/// the arguments (types stripped); `None` when the array is NULL (the function's result).
fn array_and_rest(args: &[Value]) -> Result<Option<(Type, Array, &[Value])>> {
    let (types, vals) = typed(args);
    if vals[0].is_null() {
        return Ok(None);
    }
    let elem = elem_of(types[0]);
    Ok(Some((elem, decode(elem, &vals[0])?, vals)))
}

/// The element type of an array argument's type (`anyelement` when unknown: elements then
/// decode by their JSON form).
fn elem_of(ty: Type) -> Type {
    ty.elem().unwrap_or(Type::ANYELEMENT)
}

fn decode(elem: Type, v: &Value) -> Result<Array> {
    match v {
        Value::Text(s) => Array::decode(elem, s),
        _ => Err(SqlError::internal("an array argument must be text")),
    }
}

fn int_arg(v: &Value) -> Result<i64> {
    v.as_int()
        .ok_or_else(|| SqlError::internal("an integer argument must be an integer"))
}

fn int_value(n: usize) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn subscript_error(msg: impl Into<String>) -> SqlError {
    SqlError::new(sqlstate::ARRAY_SUBSCRIPT_ERROR, msg)
}

/// PostgreSQL's float order: NaN equals NaN and is above everything, -0 equals 0.
fn float_cmp(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// Orders two non-null stored elements of type `elem` as PostgreSQL orders the type.
pub fn elem_cmp(elem: Type, a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
            float_cmp(a.as_float().unwrap_or(0.0), b.as_float().unwrap_or(0.0))
        }
        (Value::Text(x), Value::Text(y)) => match elem.info().collation {
            Some("RTRIM") => x.trim_end_matches(' ').cmp(y.trim_end_matches(' ')),
            Some(name) => match COLLATIONS.iter().find(|(n, _)| *n == name) {
                Some((_, f)) => f(x, y),
                None => x.as_bytes().cmp(y.as_bytes()),
            },
            None => x.as_bytes().cmp(y.as_bytes()),
        },
        (Value::Bytes(x), Value::Bytes(y)) => x.cmp(y),
        _ => class_rank(a).cmp(&class_rank(b)),
    }
}

/// SQLite's order of storage classes.
fn class_rank(v: &Value) -> u8 {
    match v {
        Value::Null => 0,
        Value::Int(_) | Value::Float(_) => 1,
        Value::Text(_) => 2,
        Value::Bytes(_) => 3,
    }
}

fn elem_eq(elem: Type, a: &Value, b: &Value) -> bool {
    !a.is_null() && !b.is_null() && elem_cmp(elem, a, b).is_eq()
}

/// `IS NOT DISTINCT FROM` for elements.
fn not_distinct(elem: Type, a: &Value, b: &Value) -> bool {
    match (a.is_null(), b.is_null()) {
        (true, true) => true,
        (false, false) => elem_cmp(elem, a, b).is_eq(),
        _ => false,
    }
}

/// PostgreSQL's `array_cmp`: elements in order (NULL above everything), then the number of
/// elements, then the number of dimensions, then the dimensions.
pub fn array_cmp(elem: Type, a: &Array, b: &Array) -> Ordering {
    for (x, y) in a.items.iter().zip(&b.items) {
        let o = match (x.is_null(), y.is_null()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => elem_cmp(elem, x, y),
        };
        if o.is_ne() {
            return o;
        }
    }
    a.items
        .len()
        .cmp(&b.items.len())
        .then(a.ndims().cmp(&b.ndims()))
        .then_with(|| a.dims.cmp(&b.dims))
}

// ---------------------------------------------------------------------------------------
// dimensions

/// Reads an array argument whose elements are not needed (any element type decodes).
fn shape(v: &Value) -> Result<Array> {
    decode(Type::ANYELEMENT, v)
}

/// The size of dimension `d` (1-based) when it exists.
fn dim(a: &Array, d: i64) -> Option<usize> {
    usize::try_from(d)
        .ok()
        .and_then(|d| d.checked_sub(1))
        .and_then(|d| a.dims.get(d).copied())
}

pub fn array_dims(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = shape(&args[0])?;
    if a.is_empty() {
        return Ok(Value::Null);
    }
    Ok(Value::Text(
        a.dims.iter().map(|d| format!("[1:{d}]")).collect(),
    ))
}

pub fn array_length(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = shape(&args[0])?;
    Ok(dim(&a, int_arg(&args[1])?).map_or(Value::Null, int_value))
}

pub fn array_lower(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = shape(&args[0])?;
    Ok(dim(&a, int_arg(&args[1])?).map_or(Value::Null, |_| Value::Int(1)))
}

pub fn array_upper(_env: &Env, args: &[Value]) -> Result<Value> {
    array_length(_env, args)
}

pub fn array_ndims(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = shape(&args[0])?;
    Ok(if a.is_empty() {
        Value::Null
    } else {
        int_value(a.ndims())
    })
}

pub fn cardinality(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(int_value(shape(&args[0])?.items.len()))
}

// ---------------------------------------------------------------------------------------
// building

fn one_dim_only() -> SqlError {
    SqlError::new(
        sqlstate::DATA_EXCEPTION,
        "argument must be empty or one-dimensional array",
    )
}

fn check_size(n: usize) -> Result<()> {
    if n > MAX_ITEMS {
        return Err(size_exceeded());
    }
    Ok(())
}

/// `array_append(anycompatiblearray, anycompatible)` and `||` (array, element).
pub fn array_append(_env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = typed(args);
    let mut a = if vals[0].is_null() {
        Array::default()
    } else {
        decode(elem_of(types[0]), &vals[0])?
    };
    if a.ndims() > 1 {
        return Err(one_dim_only());
    }
    a.items.push(vals[1].clone());
    check_size(a.items.len())?;
    a.dims = vec![a.items.len()];
    Ok(a.to_value())
}

/// `array_prepend(anycompatible, anycompatiblearray)` and `||` (element, array).
pub fn array_prepend(_env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = typed(args);
    let mut a = if vals[1].is_null() {
        Array::default()
    } else {
        decode(elem_of(types[1]), &vals[1])?
    };
    if a.ndims() > 1 {
        return Err(one_dim_only());
    }
    a.items.insert(0, vals[0].clone());
    check_size(a.items.len())?;
    a.dims = vec![a.items.len()];
    Ok(a.to_value())
}

fn incompatible(detail: impl Into<String>) -> SqlError {
    subscript_error("cannot concatenate incompatible arrays").with_detail(detail)
}

/// Concatenates two arrays as `array_cat` does.
fn cat(a: Array, b: Array) -> Result<Array> {
    if a.is_empty() {
        return Ok(b);
    }
    if b.is_empty() {
        return Ok(a);
    }
    let (na, nb) = (a.ndims(), b.ndims());
    let dims = if na == nb {
        if a.dims[1..] != b.dims[1..] {
            return Err(incompatible(
                "Arrays with differing element dimensions are not compatible for concatenation.",
            ));
        }
        let mut d = a.dims.clone();
        d[0] += b.dims[0];
        d
    } else if na == nb + 1 {
        if a.dims[1..] != b.dims[..] {
            return Err(incompatible(
                "Arrays with differing dimensions are not compatible for concatenation.",
            ));
        }
        let mut d = a.dims.clone();
        d[0] += 1;
        d
    } else if nb == na + 1 {
        if b.dims[1..] != a.dims[..] {
            return Err(incompatible(
                "Arrays with differing dimensions are not compatible for concatenation.",
            ));
        }
        let mut d = b.dims.clone();
        d[0] += 1;
        d
    } else {
        return Err(incompatible(format!(
            "Arrays of {na} and {nb} dimensions are not compatible for concatenation."
        )));
    };
    let mut items = a.items;
    items.extend(b.items);
    check_size(items.len())?;
    Ok(Array { dims, items })
}

/// `array_cat` and `||` (array, array): a NULL side is ignored.
pub fn array_cat(_env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = typed(args);
    match (vals[0].is_null(), vals[1].is_null()) {
        (true, true) => Ok(Value::Null),
        (true, false) => Ok(vals[1].clone()),
        (false, true) => Ok(vals[0].clone()),
        (false, false) => {
            let a = decode(elem_of(types[0]), &vals[0])?;
            let b = decode(elem_of(types[1]), &vals[1])?;
            Ok(cat(a, b)?.to_value())
        }
    }
}

/// `ARRAY[e1, e2, …]`: a one-dimensional array of the values, or, when the values are
/// arrays, an array one dimension larger (they must have equal dimensions).
pub fn array_constructor(_env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = typed(args);
    if !types.iter().any(|t| t.is_array()) {
        check_size(vals.len())?;
        return Ok(Array::from_items(vals.to_vec()).to_value());
    }
    let mut inner: Option<Vec<usize>> = None;
    let mut items = Vec::new();
    let mut count = 0usize;
    for (v, t) in vals.iter().zip(&types) {
        if v.is_null() {
            // A NULL sub-array is skipped, as in PostgreSQL.
            continue;
        }
        let a = decode(elem_of(*t), v)?;
        match &inner {
            None => inner = Some(a.dims.clone()),
            Some(d) if *d != a.dims => {
                return Err(subscript_error(
                    "multidimensional arrays must have array expressions with matching dimensions",
                ));
            }
            Some(_) => {}
        }
        count += 1;
        items.extend(a.items);
        check_size(items.len())?;
    }
    let inner = inner.unwrap_or_default();
    if items.is_empty() {
        return Ok(Array::default().to_value());
    }
    if inner.len() + 1 > MAX_DIMS {
        return Err(SqlError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            format!(
                "number of array dimensions ({}) exceeds the maximum allowed ({MAX_DIMS})",
                inner.len() + 1
            ),
        ));
    }
    let mut dims = vec![count];
    dims.extend(inner);
    Ok(Array { dims, items }.to_value())
}

/// `array_fill(value, dims [, lower_bounds])`.
pub fn array_fill(_env: &Env, args: &[Value]) -> Result<Value> {
    let (_, vals) = typed(args);
    let null_dims = || {
        SqlError::new(
            sqlstate::NULL_VALUE_NOT_ALLOWED,
            "dimension array or low bound array cannot be null",
        )
    };
    if vals[1].is_null() || vals.get(2).is_some_and(Value::is_null) {
        return Err(null_dims());
    }
    let dims = decode(Type::INT4, &vals[1])?;
    if dims.ndims() > 1 {
        return Err(subscript_error("wrong number of array subscripts")
            .with_detail("Dimension array must be one dimensional."));
    }
    let mut sizes = Vec::new();
    for d in &dims.items {
        let d = d.as_int().ok_or_else(|| {
            SqlError::new(
                sqlstate::NULL_VALUE_NOT_ALLOWED,
                "dimension values cannot be null",
            )
        })?;
        sizes.push(usize::try_from(d).map_err(|_| size_exceeded())?);
    }
    if let Some(lb) = vals.get(2) {
        let lb = decode(Type::INT4, lb)?;
        if lb.items.len() != dims.items.len() {
            return Err(subscript_error("wrong number of array subscripts")
                .with_detail("Low bound array has different size than dimensions array."));
        }
        if lb.items.iter().any(|v| v.as_int() != Some(1)) {
            return Err(SqlError::not_supported(
                "array lower bounds other than 1 are not supported",
            ));
        }
    }
    if sizes.len() > MAX_DIMS {
        return Err(SqlError::new(
            sqlstate::PROGRAM_LIMIT_EXCEEDED,
            format!(
                "number of array dimensions ({}) exceeds the maximum allowed ({MAX_DIMS})",
                sizes.len()
            ),
        ));
    }
    let mut total: usize = 1;
    for d in &sizes {
        total = total.checked_mul(*d).ok_or_else(size_exceeded)?;
    }
    check_size(total)?;
    if sizes.is_empty() || total == 0 {
        return Ok(Array::default().to_value());
    }
    // Written directly (not as `total` values), after checking the text fits PostgreSQL's
    // 1 GB limit.
    let mut elem_text = String::new();
    encode_elem(&vals[0], &mut elem_text);
    let mut len = elem_text.len();
    for &d in sizes.iter().rev() {
        len = len
            .checked_mul(d)
            .and_then(|l| l.checked_add(d + 1))
            .filter(|l| *l <= MAX_TEXT)
            .ok_or_else(text_too_large)?;
    }
    let mut out = String::with_capacity(len);
    write_filled(&sizes, &elem_text, &mut out);
    Ok(Value::Text(out))
}

/// PostgreSQL's largest value (`MaxAllocSize`).
const MAX_TEXT: usize = (1 << 30) - 1;

/// 54000 `array size exceeds the maximum allowed (1073741823)`.
fn text_too_large() -> SqlError {
    SqlError::new(
        sqlstate::PROGRAM_LIMIT_EXCEEDED,
        format!("array size exceeds the maximum allowed ({MAX_TEXT})"),
    )
}

fn write_filled(dims: &[usize], elem: &str, out: &mut String) {
    let Some((&n, rest)) = dims.split_first() else {
        out.push_str(elem);
        return;
    };
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        write_filled(rest, elem, out);
    }
    out.push(']');
}

/// `trim_array(array, n)`: drops the last `n` entries of the first dimension.
pub fn trim_array(_env: &Env, args: &[Value]) -> Result<Value> {
    let a = shape(&args[0])?;
    let n = int_arg(&args[1])?;
    let len = a.dims.first().copied().unwrap_or(0);
    let Some(n) = usize::try_from(n).ok().filter(|n| *n <= len) else {
        return Err(subscript_error(format!(
            "number of elements to trim must be between 0 and {len}"
        )));
    };
    let keep_rows = len - n;
    let row: usize = a.dims.iter().skip(1).product();
    let mut items = a.items;
    items.truncate(keep_rows * row);
    let mut dims = a.dims;
    if keep_rows == 0 {
        return Ok(Array::default().to_value());
    }
    dims[0] = keep_rows;
    // Elements keep their stored form; re-encoding needs no element type.
    Ok(Array { dims, items }.to_value())
}

// ---------------------------------------------------------------------------------------
// searching

fn one_dim_search(a: &Array) -> Result<()> {
    if a.ndims() > 1 {
        return Err(SqlError::not_supported(
            "searching for elements in multidimensional arrays is not supported",
        ));
    }
    Ok(())
}

/// `array_position(array, value [, start])`.
pub fn array_position(_env: &Env, args: &[Value]) -> Result<Value> {
    let Some((elem, a, vals)) = array_and_rest(args)? else {
        return Ok(Value::Null);
    };
    one_dim_search(&a)?;
    let start = match vals.get(2) {
        None => 1,
        Some(Value::Null) => {
            return Err(SqlError::new(
                sqlstate::NULL_VALUE_NOT_ALLOWED,
                "initial position must not be null",
            ));
        }
        Some(v) => int_arg(v)?,
    };
    let skip = usize::try_from(start.saturating_sub(1)).unwrap_or(0);
    Ok(a.items
        .iter()
        .enumerate()
        .skip(skip)
        .find(|(_, v)| not_distinct(elem, v, &vals[1]))
        .map_or(Value::Null, |(i, _)| int_value(i + 1)))
}

/// `array_positions(array, value)`.
pub fn array_positions(_env: &Env, args: &[Value]) -> Result<Value> {
    let Some((elem, a, vals)) = array_and_rest(args)? else {
        return Ok(Value::Null);
    };
    one_dim_search(&a)?;
    let found = a
        .items
        .iter()
        .enumerate()
        .filter(|(_, v)| not_distinct(elem, v, &vals[1]))
        .map(|(i, _)| int_value(i + 1))
        .collect();
    Ok(Array::from_items(found).to_value())
}

/// `array_remove(array, value)`.
pub fn array_remove(_env: &Env, args: &[Value]) -> Result<Value> {
    let Some((elem, a, vals)) = array_and_rest(args)? else {
        return Ok(Value::Null);
    };
    if a.ndims() > 1 {
        return Err(SqlError::not_supported(
            "removing elements from multidimensional arrays is not supported",
        ));
    }
    let items = a
        .items
        .into_iter()
        .filter(|v| !not_distinct(elem, v, &vals[1]))
        .collect();
    Ok(Array::from_items(items).to_value())
}

/// `array_replace(array, from, to)`.
pub fn array_replace(_env: &Env, args: &[Value]) -> Result<Value> {
    let Some((elem, mut a, vals)) = array_and_rest(args)? else {
        return Ok(Value::Null);
    };
    for v in &mut a.items {
        if not_distinct(elem, v, &vals[1]) {
            *v = vals[2].clone();
        }
    }
    Ok(a.to_value())
}

fn contains(elem: Type, a: &Array, b: &Array) -> bool {
    b.items
        .iter()
        .all(|w| a.items.iter().any(|x| elem_eq(elem, x, w)))
}

fn two_arrays(args: &[Value]) -> Result<(Type, Array, Array)> {
    let (types, vals) = typed(args);
    let elem = elem_of(types[0]);
    Ok((
        elem,
        decode(elem, &vals[0])?,
        decode(elem_of(types[1]), &vals[1])?,
    ))
}

fn bool_value(b: bool) -> Value {
    Value::Int(i64::from(b))
}

pub fn array_contains(_env: &Env, args: &[Value]) -> Result<Value> {
    let (elem, a, b) = two_arrays(args)?;
    Ok(bool_value(contains(elem, &a, &b)))
}

pub fn array_contained(_env: &Env, args: &[Value]) -> Result<Value> {
    let (elem, a, b) = two_arrays(args)?;
    Ok(bool_value(contains(elem, &b, &a)))
}

pub fn array_overlap(_env: &Env, args: &[Value]) -> Result<Value> {
    let (elem, a, b) = two_arrays(args)?;
    Ok(bool_value(
        a.items
            .iter()
            .any(|x| b.items.iter().any(|y| elem_eq(elem, x, y))),
    ))
}

fn ordering(args: &[Value]) -> Result<Ordering> {
    let (elem, a, b) = two_arrays(args)?;
    Ok(array_cmp(elem, &a, &b))
}

pub fn array_lt(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(bool_value(ordering(args)?.is_lt()))
}
pub fn array_le(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(bool_value(ordering(args)?.is_le()))
}
pub fn array_gt(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(bool_value(ordering(args)?.is_gt()))
}
pub fn array_ge(_env: &Env, args: &[Value]) -> Result<Value> {
    Ok(bool_value(ordering(args)?.is_ge()))
}

pub fn array_larger(_env: &Env, args: &[Value]) -> Result<Value> {
    let (_, vals) = typed(args);
    Ok(if ordering(args)?.is_ge() {
        vals[0].clone()
    } else {
        vals[1].clone()
    })
}

pub fn array_smaller(_env: &Env, args: &[Value]) -> Result<Value> {
    let (_, vals) = typed(args);
    Ok(if ordering(args)?.is_le() {
        vals[0].clone()
    } else {
        vals[1].clone()
    })
}

// ---------------------------------------------------------------------------------------
// text

/// `array_to_string(array, delimiter [, null_string])`.
pub fn array_to_string(env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = typed(args);
    let (Value::Text(_), Value::Text(delim)) = (&vals[0], &vals[1]) else {
        return Ok(Value::Null);
    };
    let elem = elem_of(types[0]);
    let a = decode(elem, &vals[0])?;
    let null_text = vals.get(2).and_then(Value::as_text);
    let mut out = String::new();
    let mut first = true;
    for v in &a.items {
        let piece = match io::output(elem, env, v) {
            Some(t) => t,
            None => match null_text {
                Some(n) => n.to_string(),
                None => continue,
            },
        };
        if !first {
            out.push_str(delim);
        }
        first = false;
        out.push_str(&piece);
    }
    Ok(Value::Text(out))
}

/// `string_to_array(text, delimiter [, null_string])`.
pub fn string_to_array(_env: &Env, args: &[Value]) -> Result<Value> {
    let Value::Text(s) = &args[0] else {
        return Ok(Value::Null);
    };
    let null_text = args.get(2).and_then(Value::as_text);
    let field = |f: &str| {
        if null_text == Some(f) {
            Value::Null
        } else {
            Value::Text(f.to_string())
        }
    };
    if s.is_empty() {
        return Ok(Array::default().to_value());
    }
    let items: Vec<Value> = match args[1].as_text() {
        None => s
            .chars()
            .map(|c| field(c.encode_utf8(&mut [0; 4])))
            .collect(),
        Some("") => vec![field(s)],
        Some(d) => s.split(d).map(field).collect(),
    };
    check_size(items.len())?;
    Ok(Array::from_items(items).to_value())
}

// ---------------------------------------------------------------------------------------
// subscripts

/// `array[i][j]…` (the translator's `pg_array_subscript(array, i, j, …)`): the element, or
/// NULL when the subscripts do not name one (out of range, or fewer or more than the
/// dimensions).
pub fn array_subscript(_env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = typed(args);
    let Some((arr, subs)) = vals.split_first() else {
        return Ok(Value::Null);
    };
    if arr.is_null() || subs.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    let a = decode(elem_of(types[0]), arr)?;
    if subs.len() != a.ndims() {
        return Ok(Value::Null);
    }
    let mut offset = 0usize;
    for (s, &d) in subs.iter().zip(&a.dims) {
        let Some(i) = usize::try_from(int_arg(s)?)
            .ok()
            .filter(|i| (1..=d).contains(i))
        else {
            return Ok(Value::Null);
        };
        offset = offset * d + (i - 1);
    }
    Ok(a.items.get(offset).cloned().unwrap_or(Value::Null))
}

/// `array[lo:hi]…` (the translator's `pg_array_slice(array, lo1, hi1, lo2, hi2, …)`; an
/// omitted bound is passed as `i32::MIN`/`i32::MAX`, and a dimension given by a single
/// subscript `i` as `1, i`). Bounds are clamped to the array; dimensions not given are taken
/// whole; an empty selection is an empty array.
pub fn array_slice(_env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = typed(args);
    let Some((arr, bounds)) = vals.split_first() else {
        return Ok(Value::Null);
    };
    if arr.is_null() || bounds.iter().any(Value::is_null) {
        return Ok(Value::Null);
    }
    let a = decode(elem_of(types[0]), arr)?;
    let pairs: Vec<(i64, i64)> = bounds
        .chunks(2)
        .map(|c| Ok((int_arg(&c[0])?, c.get(1).map_or(Ok(i64::MAX), int_arg)?)))
        .collect::<Result<_>>()?;
    if a.is_empty() || pairs.len() > a.ndims() {
        return Ok(Array::default().to_value());
    }
    // Per dimension, the 0-based range kept.
    let mut ranges = Vec::with_capacity(a.ndims());
    for (k, &d) in a.dims.iter().enumerate() {
        let (lo, hi) = pairs.get(k).copied().unwrap_or((1, i64::MAX));
        let d64 = i64::try_from(d).unwrap_or(i64::MAX);
        let lo = lo.max(1);
        let hi = hi.min(d64);
        if lo > hi {
            return Ok(Array::default().to_value());
        }
        let lo = usize::try_from(lo - 1).unwrap_or(0);
        let hi = usize::try_from(hi).unwrap_or(0);
        ranges.push(lo..hi);
    }
    let mut items = Vec::new();
    collect_slice(&a, &ranges, 0, 0, &mut items);
    Ok(Array {
        dims: ranges.iter().map(|r| r.len()).collect(),
        items,
    }
    .to_value())
}

fn collect_slice(
    a: &Array,
    ranges: &[std::ops::Range<usize>],
    k: usize,
    base: usize,
    out: &mut Vec<Value>,
) {
    let Some(r) = ranges.get(k) else {
        if let Some(v) = a.items.get(base) {
            out.push(v.clone());
        }
        return;
    };
    let d = a.dims.get(k).copied().unwrap_or(0);
    for i in r.clone() {
        collect_slice(a, ranges, k + 1, base * d + i, out);
    }
}

/// `array[i]… := value` (the translator's `pg_array_set(array, value, i, …)`): the array with
/// that element replaced. A one-dimensional array grows (with NULLs) to reach a subscript past
/// its end; a NULL or empty array becomes one when the subscript is 1.
pub fn array_set(_env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = typed(args);
    let (arr, value, subs) = (&vals[0], &vals[1], &vals[2..]);
    if subs.iter().any(Value::is_null) {
        return Err(SqlError::new(
            sqlstate::NULL_VALUE_NOT_ALLOWED,
            "array subscript in assignment must not be null",
        ));
    }
    let mut a = if arr.is_null() {
        Array::default()
    } else {
        decode(elem_of(types[0]), arr)?
    };
    let subs: Vec<i64> = subs.iter().map(int_arg).collect::<Result<_>>()?;
    let lower_bound =
        || SqlError::not_supported("array lower bounds other than 1 are not supported");
    if a.is_empty() {
        if subs.iter().any(|&s| s != 1) {
            return Err(lower_bound());
        }
        if subs.len() > MAX_DIMS {
            return Err(subscript_error("wrong number of array subscripts"));
        }
        return Ok(Array {
            dims: vec![1; subs.len().max(1)],
            items: vec![value.clone()],
        }
        .to_value());
    }
    if subs.len() != a.ndims() {
        return Err(subscript_error("wrong number of array subscripts"));
    }
    if a.ndims() == 1 {
        let i = subs[0];
        if i < 1 {
            return Err(lower_bound());
        }
        let i = usize::try_from(i - 1).map_err(|_| size_exceeded())?;
        check_size(i + 1)?;
        if let Some(slot) = a.items.get_mut(i) {
            *slot = value.clone();
            return Ok(a.to_value());
        }
        // Past the end: NULLs up to the new element, written as text (not as values).
        let pad = i - a.items.len();
        let mut elem_text = String::new();
        encode_elem(value, &mut elem_text);
        let mut out = a.encode();
        let len = pad
            .checked_mul(5)
            .and_then(|p| p.checked_add(out.len() + elem_text.len() + 1))
            .filter(|l| *l <= MAX_TEXT)
            .ok_or_else(text_too_large)?;
        out.reserve(len.saturating_sub(out.len()));
        out.pop();
        for _ in 0..pad {
            out.push_str(",null");
        }
        out.push(',');
        out.push_str(&elem_text);
        out.push(']');
        return Ok(Value::Text(out));
    }
    let mut offset = 0usize;
    for (s, &d) in subs.iter().zip(&a.dims) {
        let Some(i) = usize::try_from(*s).ok().filter(|i| (1..=d).contains(i)) else {
            return Err(subscript_error("array subscript out of range"));
        };
        offset = offset * d + (i - 1);
    }
    if let Some(slot) = a.items.get_mut(offset) {
        *slot = value.clone();
    }
    Ok(a.to_value())
}

// ---------------------------------------------------------------------------------------
// ANY / ALL

/// The comparison a `pg_array_any`/`pg_array_all` call names.
fn compare_op(op: &str) -> Result<fn(Ordering) -> bool> {
    Ok(match op {
        "=" => Ordering::is_eq,
        "<>" | "!=" => Ordering::is_ne,
        "<" => Ordering::is_lt,
        "<=" => Ordering::is_le,
        ">" => Ordering::is_gt,
        ">=" => Ordering::is_ge,
        other => {
            return Err(SqlError::internal(format!(
                "pg_array_any: unsupported operator {other}"
            )));
        }
    })
}

/// `x op ANY (array)` / `x op ALL (array)` with PostgreSQL's three-valued result: NULL when
/// the answer depends on a NULL (the value, or an element that could decide it).
fn quantified(args: &[Value], any: bool) -> Result<Value> {
    let (types, vals) = typed(args);
    let (x, arr) = (&vals[0], &vals[1]);
    if arr.is_null() {
        return Ok(Value::Null);
    }
    let op = compare_op(vals.get(2).and_then(Value::as_text).unwrap_or("="))?;
    let elem = elem_of(types[1]);
    let a = decode(elem, arr)?;
    if a.is_empty() {
        return Ok(bool_value(!any));
    }
    if x.is_null() {
        return Ok(Value::Null);
    }
    let mut unknown = false;
    for v in &a.items {
        if v.is_null() {
            unknown = true;
            continue;
        }
        let r = op(elem_cmp(elem, x, v));
        if r == any {
            return Ok(bool_value(any));
        }
    }
    Ok(if unknown {
        Value::Null
    } else {
        bool_value(!any)
    })
}

/// `x op ANY (array)`: the translator's `pg_array_any(x, array, op)`.
pub fn array_any(_env: &Env, args: &[Value]) -> Result<Value> {
    quantified(args, true)
}

/// `x op ALL (array)`: the translator's `pg_array_all(x, array, op)`.
pub fn array_all(_env: &Env, args: &[Value]) -> Result<Value> {
    quantified(args, false)
}

// ---------------------------------------------------------------------------------------
// casts

/// How one element converts in [`array_coerce`].
enum ElemCast {
    /// Same type: only the type modifier applies.
    Same,
    /// A `pg_cast` function (taking the typmod as its second argument when it says so).
    Func(crate::func::ScalarFn, bool),
    /// A binary-compatible cast: the stored form does not change.
    Binary,
    /// Through text: the source type's output read by the target type's input.
    Io,
}

/// Array casts (`int4[]` → `int8[]`, `text[]` → `int4[]`, `varchar(3)[]` typmods): the
/// translator's `pg_array_coerce(array, target_type_oid, typmod, explicit)`, each element
/// converted by the element types' cast (a `pg_cast` row when there is one, else through text
/// as PostgreSQL's I/O casts do), then coerced to `typmod`. `target_type_oid` may name the
/// target array type or its element type.
pub fn array_coerce(env: &Env, args: &[Value]) -> Result<Value> {
    let (types, vals) = typed(args);
    if vals[0].is_null() {
        return Ok(Value::Null);
    }
    let from = elem_of(types[0]);
    let target = u32::try_from(int_arg(&vals[1])?)
        .map(Type)
        .map_err(|_| SqlError::internal("pg_array_coerce: invalid type oid"))?;
    let to = target.elem().unwrap_or(target);
    let typmod = vals
        .get(2)
        .and_then(Value::as_int)
        .and_then(|t| i32::try_from(t).ok())
        .unwrap_or(-1);
    let explicit = matches!(vals.get(3), Some(Value::Int(e)) if *e != 0);
    let conv = if from == to {
        ElemCast::Same
    } else {
        match crate::func::casts().find(|c| c.from == from && c.to == to) {
            Some(c) => match c.imp {
                crate::func::CastImp::Func { f, with_typmod, .. } => ElemCast::Func(f, with_typmod),
                crate::func::CastImp::Binary => ElemCast::Binary,
            },
            None => ElemCast::Io,
        }
    };
    let mut a = decode(from, &vals[0])?;
    for item in &mut a.items {
        if item.is_null() {
            continue;
        }
        let v = std::mem::replace(item, Value::Null);
        let (v, typmod_done) = match conv {
            ElemCast::Same | ElemCast::Binary => (v, false),
            ElemCast::Func(f, true) => (f(env, &[v, Value::Int(typmod.into())])?, true),
            ElemCast::Func(f, false) => (f(env, &[v])?, false),
            ElemCast::Io => {
                let text = io::output(from, env, &v).unwrap_or_default();
                (io::input(to, env, &text, typmod)?, true)
            }
        };
        *item = if typmod_done {
            v
        } else {
            io::apply_typmod(to, env, v, typmod, explicit)?
        };
    }
    Ok(a.to_value())
}

/// Coerces a stored array of `elem` to an element type modifier (`varchar(3)[]`,
/// `numeric(5,2)[]`): what `io::apply_typmod` does for arrays.
pub fn array_typmod(env: &Env, elem: Type, v: Value, typmod: i32, explicit: bool) -> Result<Value> {
    if typmod < 0 || v.is_null() {
        return Ok(v);
    }
    let mut a = decode(elem, &v)?;
    for item in &mut a.items {
        if !item.is_null() {
            let x = std::mem::replace(item, Value::Null);
            *item = io::apply_typmod(elem, env, x, typmod, explicit)?;
        }
    }
    Ok(a.to_value())
}

// ---------------------------------------------------------------------------------------
// set-returning

/// Streams the elements of an array's storage text in order (every dimension flattened),
/// reading one element at a time.
struct Elements {
    text: String,
    pos: usize,
    elem: Type,
}

impl Iterator for Elements {
    type Item = Result<Vec<Value>>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if matches!(b, b'[' | b']' | b',' | b' ' | b'\t' | b'\n' | b'\r') {
                self.pos += 1;
                continue;
            }
            let start = self.pos;
            let end = if b == b'"' {
                // The string's end: the next quote not escaped.
                let mut i = start + 1;
                loop {
                    match bytes.get(i) {
                        Some(b'\\') => i += 2,
                        Some(b'"') => break i + 1,
                        Some(_) => i += 1,
                        None => break bytes.len(),
                    }
                }
            } else {
                let mut i = start;
                while i < bytes.len() && !matches!(bytes[i], b',' | b']') {
                    i += 1;
                }
                i
            };
            self.pos = end;
            let token = self.text.get(start..end).unwrap_or("");
            let node: Result<Node<'_>> = parse::parse(token, true);
            return Some(
                node.and_then(|n| decode_elem(self.elem, &n))
                    .map(|v| vec![v]),
            );
        }
        None
    }
}

/// `unnest(anyarray)`: the elements, one row each. Called as `pg_unnest(array)` elements
/// decode by their JSON form (bytea elements then come out as their `\x` text, float
/// NaN/Infinity as text); called with a leading type list (`pg_unnest('1007', array)`, as
/// `typed` functions are) they decode by the element type.
pub fn unnest(_env: &Env, args: &[Value]) -> Result<Rows> {
    let (elem, arr) = match args {
        [types, arr] => (
            elem_of(arg_types(types).first().copied().unwrap_or(Type::UNKNOWN)),
            arr,
        ),
        [arr] => (Type::ANYELEMENT, arr),
        _ => return Ok(Box::new(std::iter::empty())),
    };
    let Value::Text(text) = arr else {
        return Ok(Box::new(std::iter::empty()));
    };
    Ok(Box::new(Elements {
        text: text.clone(),
        pos: 0,
        elem,
    }))
}

/// `generate_subscripts(array, dim [, reverse])`.
pub fn generate_subscripts(_env: &Env, args: &[Value]) -> Result<Rows> {
    if args.iter().take(2).any(Value::is_null) {
        return Ok(Box::new(std::iter::empty()));
    }
    let a = shape(&args[0])?;
    let reverse = matches!(args.get(2), Some(Value::Int(r)) if *r != 0);
    let Some(n) = dim(&a, int_arg(&args[1])?) else {
        return Ok(Box::new(std::iter::empty()));
    };
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    if reverse {
        Ok(Box::new((1..=n).rev().map(|i| Ok(vec![Value::Int(i)]))))
    } else {
        Ok(Box::new((1..=n).map(|i| Ok(vec![Value::Int(i)]))))
    }
}

// ---------------------------------------------------------------------------------------
// aggregates

/// `array_agg(anynonarray)`: the rows' values (NULLs included) as an array; NULL for no rows.
/// Keeps each element's encoded text, so a moving window frame can drop the oldest.
pub fn array_agg_new(_types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(ListAgg::new(
        ",",
        Box::new(|_env, v, held, s| {
            check_size(held + 1)?;
            encode_elem(v, s);
            Ok(())
        }),
    ))
}

/// `array_agg(anyarray)`: the rows' arrays (all of the same dimensions) as one array of one
/// more dimension.
pub struct ArrayAggArrays {
    elem: Type,
    inner: Option<Vec<usize>>,
    rows: VecDeque<Vec<Value>>,
}

pub fn array_agg_arrays_new(types: &[Type]) -> Box<dyn Accumulator> {
    Box::new(ArrayAggArrays {
        elem: elem_of(types.first().copied().unwrap_or(Type::UNKNOWN)),
        inner: None,
        rows: VecDeque::new(),
    })
}

impl Accumulator for ArrayAggArrays {
    fn step(&mut self, _env: &Env, args: &[Value]) -> Result<()> {
        let v = args.first().unwrap_or(&Value::Null);
        if v.is_null() {
            return Err(SqlError::new(
                sqlstate::NULL_VALUE_NOT_ALLOWED,
                "cannot accumulate null arrays",
            ));
        }
        let a = decode(self.elem, v)?;
        match &self.inner {
            None => {
                if a.is_empty() {
                    return Err(subscript_error("cannot accumulate empty arrays"));
                }
                if a.ndims() + 1 > MAX_DIMS {
                    return Err(SqlError::new(
                        sqlstate::PROGRAM_LIMIT_EXCEEDED,
                        format!(
                            "number of array dimensions ({}) exceeds the maximum allowed ({MAX_DIMS})",
                            a.ndims() + 1
                        ),
                    ));
                }
                self.inner = Some(a.dims.clone());
            }
            Some(d) if *d != a.dims => {
                return Err(subscript_error(
                    "cannot accumulate arrays of different dimensionality",
                ));
            }
            Some(_) => {}
        }
        let per = a.items.len();
        check_size((self.rows.len() + 1).saturating_mul(per))?;
        self.rows.push_back(a.items);
        Ok(())
    }
    fn inverse(&mut self, _env: &Env, _args: &[Value]) -> Result<()> {
        self.rows.pop_front();
        Ok(())
    }
    fn value(&mut self, _env: &Env) -> Result<Value> {
        let Some(inner) = &self.inner else {
            return Ok(Value::Null);
        };
        if self.rows.is_empty() {
            return Ok(Value::Null);
        }
        let mut dims = vec![self.rows.len()];
        dims.extend(inner);
        Ok(Array {
            dims,
            items: self.rows.iter().flatten().cloned().collect(),
        }
        .to_value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::testing::{text, with_types as t};

    fn arr(s: &str) -> Value {
        Value::Text(s.into())
    }

    const IA: Type = Type::INT4_ARRAY;
    const I: Type = Type::INT4;

    #[test]
    fn dimensions() {
        let env = Env::default();
        // select array_dims('{}'::int[]), array_length('{}'::int[], 1), … on PostgreSQL 15.
        assert_eq!(array_dims(&env, &[arr("[]")]).unwrap(), Value::Null);
        assert_eq!(
            text(array_dims(&env, &[arr("[[1,2],[3,4]]")])),
            "[1:2][1:2]"
        );
        assert_eq!(
            array_length(&env, &[arr("[]"), 1.into()]).unwrap(),
            Value::Null
        );
        assert_eq!(
            array_length(&env, &[arr("[1]"), 0.into()]).unwrap(),
            Value::Null
        );
        assert_eq!(
            array_lower(&env, &[arr("[1]"), 2.into()]).unwrap(),
            Value::Null
        );
        assert_eq!(
            array_lower(&env, &[arr("[1]"), 1.into()]).unwrap(),
            Value::Int(1)
        );
        assert_eq!(
            array_upper(&env, &[arr("[[1,2]]"), 2.into()]).unwrap(),
            Value::Int(2)
        );
        assert_eq!(array_ndims(&env, &[arr("[]")]).unwrap(), Value::Null);
        assert_eq!(array_ndims(&env, &[arr("[[1]]")]).unwrap(), Value::Int(2));
        assert_eq!(cardinality(&env, &[arr("[]")]).unwrap(), Value::Int(0));
        assert_eq!(
            cardinality(&env, &[arr("[[1,2],[3,4]]")]).unwrap(),
            Value::Int(4)
        );
    }

    #[test]
    fn append_prepend_cat() {
        let env = Env::default();
        assert_eq!(
            text(array_append(&env, &t(&[IA, I], &[arr("[1,2]"), 3.into()]))),
            "[1,2,3]"
        );
        assert_eq!(
            text(array_append(&env, &t(&[IA, I], &[Value::Null, 1.into()]))),
            "[1]"
        );
        assert_eq!(
            text(array_append(&env, &t(&[IA, I], &[arr("[]"), Value::Null]))),
            "[null]"
        );
        assert_eq!(
            text(array_prepend(&env, &t(&[I, IA], &[0.into(), arr("[1,2]")]))),
            "[0,1,2]"
        );
        assert_eq!(
            text(array_prepend(
                &env,
                &t(&[I, IA], &[Value::Null, Value::Null])
            )),
            "[null]"
        );
        let e = array_append(&env, &t(&[IA, I], &[arr("[[1]]"), 2.into()])).unwrap_err();
        assert_eq!(e.message, "argument must be empty or one-dimensional array");
        assert_eq!(e.sqlstate, sqlstate::DATA_EXCEPTION);
        let c = |a: &str, b: &str| array_cat(&env, &t(&[IA, IA], &[arr(a), arr(b)]));
        assert_eq!(text(c("[1]", "[2,3]")), "[1,2,3]");
        assert_eq!(text(c("[[1,2]]", "[3,4]")), "[[1,2],[3,4]]");
        assert_eq!(text(c("[1,2]", "[[3,4]]")), "[[1,2],[3,4]]");
        assert_eq!(text(c("[]", "[]")), "[]");
        assert_eq!(
            text(array_cat(&env, &t(&[IA, IA], &[Value::Null, arr("[1]")]))),
            "[1]"
        );
        let e = c("[[1,2]]", "[3]").unwrap_err();
        assert_eq!(e.message, "cannot concatenate incompatible arrays");
        assert_eq!(
            e.detail.as_deref(),
            Some("Arrays with differing dimensions are not compatible for concatenation.")
        );
        assert_eq!(
            c("[[1,2]]", "[[3]]").unwrap_err().detail.as_deref(),
            Some("Arrays with differing element dimensions are not compatible for concatenation.")
        );
        assert_eq!(
            c("[[[1]]]", "[3]").unwrap_err().detail.as_deref(),
            Some("Arrays of 3 and 1 dimensions are not compatible for concatenation.")
        );
        assert_eq!(
            c("[1]", "[[2,3]]").unwrap_err().detail.as_deref(),
            Some("Arrays with differing dimensions are not compatible for concatenation.")
        );
    }

    #[test]
    fn constructor_fill_trim() {
        let env = Env::default();
        assert_eq!(
            text(array_constructor(
                &env,
                &t(&[I, I, I], &[1.into(), Value::Null, 3.into()])
            )),
            "[1,null,3]"
        );
        assert_eq!(
            text(array_constructor(
                &env,
                &t(&[IA, IA], &[arr("[1,2]"), arr("[3,4]")])
            )),
            "[[1,2],[3,4]]"
        );
        assert_eq!(
            array_constructor(&env, &t(&[IA, IA], &[arr("[1,2]"), arr("[3]")]))
                .unwrap_err()
                .message,
            "multidimensional arrays must have array expressions with matching dimensions"
        );
        assert_eq!(text(array_constructor(&env, &t(&[], &[]))), "[]");
        let fill = |v: Value, d: &str| array_fill(&env, &t(&[I, IA], &[v, arr(d)]));
        assert_eq!(text(fill(7.into(), "[2,2]")), "[[7,7],[7,7]]");
        assert_eq!(text(fill(Value::Null, "[2]")), "[null,null]");
        assert_eq!(text(fill(1.into(), "[]")), "[]");
        assert_eq!(text(fill(1.into(), "[0]")), "[]");
        assert_eq!(
            fill(1.into(), "[null]").unwrap_err().message,
            "dimension values cannot be null"
        );
        assert_eq!(
            fill(1.into(), "[-1]").unwrap_err().message,
            "array size exceeds the maximum allowed (134217727)"
        );
        assert_eq!(
            fill("abcdefghij".into(), "[100000000]")
                .unwrap_err()
                .message,
            "array size exceeds the maximum allowed (1073741823)"
        );
        assert_eq!(
            array_fill(&env, &t(&[I, IA], &[1.into(), Value::Null]))
                .unwrap_err()
                .message,
            "dimension array or low bound array cannot be null"
        );
        let trim = |a: &str, n: i64| trim_array(&env, &[arr(a), n.into()]);
        assert_eq!(text(trim("[1,2,3]", 2)), "[1]");
        assert_eq!(text(trim("[[1,2],[3,4]]", 1)), "[[1,2]]");
        assert_eq!(text(trim("[1]", 1)), "[]");
        assert_eq!(text(trim("[]", 0)), "[]");
        assert_eq!(
            trim("[1,2,3]", 4).unwrap_err().message,
            "number of elements to trim must be between 0 and 3"
        );
    }

    #[test]
    fn searching() {
        let env = Env::default();
        let a = arr("[1,2,null,2]");
        let pos = |v: Value| array_position(&env, &t(&[IA, I], &[a.clone(), v]));
        assert_eq!(pos(2.into()).unwrap(), Value::Int(2));
        assert_eq!(pos(Value::Null).unwrap(), Value::Int(3));
        assert_eq!(pos(5.into()).unwrap(), Value::Null);
        assert_eq!(
            array_position(&env, &t(&[IA, I, I], &[a.clone(), 2.into(), 3.into()])).unwrap(),
            Value::Int(4)
        );
        assert_eq!(
            array_position(
                &env,
                &t(&[IA, I, I], &[arr("[1,2]"), 1.into(), (-1).into()])
            )
            .unwrap(),
            Value::Int(1)
        );
        assert_eq!(
            array_position(&env, &t(&[IA, I, I], &[a.clone(), 2.into(), Value::Null]))
                .unwrap_err()
                .message,
            "initial position must not be null"
        );
        assert_eq!(
            array_position(&env, &t(&[IA, I], &[arr("[[1]]"), 1.into()]))
                .unwrap_err()
                .message,
            "searching for elements in multidimensional arrays is not supported"
        );
        assert_eq!(
            text(array_positions(&env, &t(&[IA, I], &[a.clone(), 2.into()]))),
            "[2,4]"
        );
        assert_eq!(
            text(array_positions(&env, &t(&[IA, I], &[arr("[1]"), 5.into()]))),
            "[]"
        );
        assert_eq!(
            text(array_remove(&env, &t(&[IA, I], &[a.clone(), 2.into()]))),
            "[1,null]"
        );
        assert_eq!(
            text(array_remove(
                &env,
                &t(&[IA, I], &[arr("[1,null]"), Value::Null])
            )),
            "[1]"
        );
        assert_eq!(
            array_remove(&env, &t(&[IA, I], &[arr("[[1]]"), 1.into()]))
                .unwrap_err()
                .message,
            "removing elements from multidimensional arrays is not supported"
        );
        assert_eq!(
            text(array_replace(
                &env,
                &t(&[IA, I, I], &[arr("[1,2,null]"), Value::Null, 9.into()])
            )),
            "[1,2,9]"
        );
        assert_eq!(
            text(array_replace(
                &env,
                &t(&[IA, I, I], &[arr("[[1,2],[2,1]]"), 2.into(), 0.into()])
            )),
            "[[1,0],[0,1]]"
        );
    }

    #[test]
    fn operators() {
        let env = Env::default();
        let b = |f: fn(&Env, &[Value]) -> Result<Value>, x: &str, y: &str| {
            f(&env, &t(&[IA, IA], &[arr(x), arr(y)])).unwrap() == Value::Int(1)
        };
        // select … on PostgreSQL 15.
        assert!(b(array_contains, "[1,2]", "[2]"));
        assert!(!b(array_contains, "[1,null]", "[null]"));
        assert!(b(array_contains, "[[1,2],[3,4]]", "[4,1]"));
        assert!(b(array_contained, "[1]", "[1,2]"));
        assert!(b(array_overlap, "[1,2]", "[2,3]"));
        assert!(!b(array_overlap, "[1]", "[]"));
        assert!(b(array_contains, "[]", "[]"));
        assert!(b(array_contains, "[1,1]", "[1]"));
        assert!(b(array_lt, "[1,2]", "[1,3]"));
        assert!(b(array_lt, "[1,2]", "[1,2,0]"));
        assert!(b(array_gt, "[1,null]", "[1,2]"));
        assert!(!b(array_lt, "[[1,2]]", "[1,2]"));
        assert!(b(array_lt, "[]", "[1]"));
        assert!(b(array_ge, "[null]", "[null]"));
        assert_eq!(
            text(array_larger(
                &env,
                &t(&[IA, IA], &[arr("[1,2]"), arr("[1,3]")])
            )),
            "[1,3]"
        );
        assert_eq!(
            text(array_smaller(
                &env,
                &t(&[IA, IA], &[arr("[1,2]"), arr("[1,3]")])
            )),
            "[1,2]"
        );
        let fa = Type::FLOAT8_ARRAY;
        let nan = "[\"NaN\"]";
        assert_eq!(
            array_gt(&env, &t(&[fa, fa], &[arr(nan), arr("[1e300]")])).unwrap(),
            Value::Int(1)
        );
        assert_eq!(
            array_contains(&env, &t(&[fa, fa], &[arr("[-0.0]"), arr("[0.0]")])).unwrap(),
            Value::Int(1)
        );
        let ba = Type::BPCHAR_ARRAY;
        assert_eq!(
            array_contains(&env, &t(&[ba, ba], &[arr("[\"a  \"]"), arr("[\"a\"]")])).unwrap(),
            Value::Int(1)
        );
    }

    #[test]
    fn text_conversions() {
        let env = Env::default();
        let ts = |a: &str, d: &str, n: Option<&str>| {
            let mut v = vec![arr(a), d.into()];
            let mut types = vec![IA, Type::TEXT];
            if let Some(n) = n {
                v.push(n.into());
                types.push(Type::TEXT);
            }
            text(array_to_string(&env, &t(&types, &v)))
        };
        // select array_to_string(…) on PostgreSQL 15.
        assert_eq!(ts("[1,null,3]", ",", None), "1,3");
        assert_eq!(ts("[1,null,3]", ",", Some("*")), "1,*,3");
        assert_eq!(ts("[[1,2],[3,4]]", "-", None), "1-2-3-4");
        assert_eq!(ts("[]", ",", None), "");
        assert_eq!(
            array_to_string(&env, &t(&[IA, Type::TEXT], &[arr("[1]"), Value::Null])).unwrap(),
            Value::Null
        );
        let sa = |s: Value, d: Value, n: Option<Value>| {
            let mut v = vec![s, d];
            v.extend(n);
            string_to_array(&env, &v).map(|v| match v {
                Value::Text(s) => s,
                _ => "NULL".into(),
            })
        };
        // select string_to_array(…) on PostgreSQL 15.
        assert_eq!(
            sa("a,b,,c".into(), ",".into(), None).unwrap(),
            r#"["a","b","","c"]"#
        );
        assert_eq!(
            sa("abc".into(), Value::Null, None).unwrap(),
            r#"["a","b","c"]"#
        );
        assert_eq!(sa("abc".into(), "".into(), None).unwrap(), r#"["abc"]"#);
        assert_eq!(sa("".into(), ",".into(), None).unwrap(), "[]");
        assert_eq!(sa("".into(), Value::Null, None).unwrap(), "[]");
        assert_eq!(
            sa("a,*,c".into(), ",".into(), Some("*".into())).unwrap(),
            r#"["a",null,"c"]"#
        );
        assert_eq!(
            sa("a,b".into(), ",".into(), Some(Value::Null)).unwrap(),
            r#"["a","b"]"#
        );
        assert_eq!(sa(Value::Null, ",".into(), None).unwrap(), "NULL");
        assert_eq!(
            sa("a||b|".into(), "||".into(), None).unwrap(),
            r#"["a","b|"]"#
        );
    }

    #[test]
    fn subscripts_and_slices() {
        let env = Env::default();
        let sub = |a: &str, s: &[i64]| {
            let mut v = vec![arr(a)];
            v.extend(s.iter().map(|&i| Value::Int(i)));
            let mut types = vec![IA];
            types.extend(s.iter().map(|_| I));
            array_subscript(&env, &t(&types, &v)).unwrap()
        };
        // select (array[1,2,3])[2], … on PostgreSQL 15.
        assert_eq!(sub("[1,2,3]", &[2]), Value::Int(2));
        assert_eq!(sub("[1,2,3]", &[0]), Value::Null);
        assert_eq!(sub("[1,2,3]", &[4]), Value::Null);
        assert_eq!(sub("[[1,2],[3,4]]", &[2, 1]), Value::Int(3));
        assert_eq!(sub("[[1,2],[3,4]]", &[2]), Value::Null);
        assert_eq!(sub("[1]", &[1, 1]), Value::Null);
        let slice = |a: &str, s: &[i64]| {
            let mut v = vec![arr(a)];
            v.extend(s.iter().map(|&i| Value::Int(i)));
            let mut types = vec![IA];
            types.extend(s.iter().map(|_| I));
            text(array_slice(&env, &t(&types, &v)))
        };
        let max = i64::from(i32::MAX);
        let min = i64::from(i32::MIN);
        assert_eq!(slice("[1,2,3]", &[2, max]), "[2,3]");
        assert_eq!(slice("[1,2,3]", &[min, 2]), "[1,2]");
        assert_eq!(slice("[1,2,3]", &[5, 6]), "[]");
        assert_eq!(slice("[[1,2],[3,4]]", &[2, 2]), "[[3,4]]");
        assert_eq!(slice("[[1,2],[3,4]]", &[1, 2, 1, 2]), "[[1,2],[3,4]]");
        assert_eq!(slice("[[1,2],[3,4]]", &[1, 2, 2, 2]), "[[2],[4]]");
        assert_eq!(slice("[1,2,3]", &[0, 1]), "[1]");
        assert_eq!(slice("[1,2,3]", &[3, 2]), "[]");
        let set = |a: Value, v: Value, s: &[i64]| {
            let mut vals = vec![a, v];
            vals.extend(s.iter().map(|&i| Value::Int(i)));
            let mut types = vec![IA, I];
            types.extend(s.iter().map(|_| I));
            array_set(&env, &t(&types, &vals))
        };
        assert_eq!(text(set(arr("[1,2]"), 9.into(), &[2])), "[1,9]");
        assert_eq!(text(set(arr("[1,2]"), 9.into(), &[4])), "[1,2,null,9]");
        assert_eq!(text(set(Value::Null, 9.into(), &[1])), "[9]");
        assert_eq!(
            text(set(arr("[[1,2],[3,4]]"), 9.into(), &[2, 1])),
            "[[1,2],[9,4]]"
        );
        assert_eq!(
            set(arr("[[1,2],[3,4]]"), 9.into(), &[3, 1])
                .unwrap_err()
                .message,
            "array subscript out of range"
        );
        assert_eq!(
            set(arr("[1]"), 9.into(), &[0]).unwrap_err().sqlstate,
            sqlstate::FEATURE_NOT_SUPPORTED
        );
    }

    fn collect(rows: Rows) -> Vec<Value> {
        rows.map(|r| r.unwrap().remove(0)).collect()
    }

    #[test]
    fn quantified_comparisons() {
        let env = Env::default();
        let q = |f: fn(&Env, &[Value]) -> Result<Value>, x: Value, a: Option<&str>, op: &str| {
            f(
                &env,
                &t(
                    &[I, IA, Type::TEXT],
                    &[x, a.map_or(Value::Null, arr), op.into()],
                ),
            )
            .unwrap()
        };
        let (yes, no, null) = (Value::Int(1), Value::Int(0), Value::Null);
        // select 2 = any('{1,2}'), … on PostgreSQL 15.
        assert_eq!(q(array_any, 2.into(), Some("[1,2]"), "="), yes);
        assert_eq!(q(array_any, 3.into(), Some("[1,2]"), "="), no);
        assert_eq!(q(array_any, 3.into(), Some("[1,null]"), "="), null);
        assert_eq!(q(array_any, 1.into(), Some("[1,null]"), "="), yes);
        assert_eq!(q(array_any, Value::Null, Some("[]"), "="), no);
        assert_eq!(q(array_any, Value::Null, Some("[1]"), "="), null);
        assert_eq!(q(array_any, 1.into(), None, "="), null);
        assert_eq!(q(array_any, 1.into(), Some("[[0,5]]"), "<"), yes);
        assert_eq!(q(array_all, 3.into(), Some("[1,2]"), "<>"), yes);
        assert_eq!(q(array_all, 3.into(), Some("[1,null]"), "<>"), null);
        assert_eq!(q(array_all, 1.into(), Some("[1,null]"), "<>"), no);
        assert_eq!(q(array_all, Value::Null, Some("[]"), "<>"), yes);
        assert_eq!(q(array_all, 5.into(), Some("[1,2]"), ">"), yes);
    }

    #[test]
    fn coercion() {
        let env = Env::default();
        let co = |from: Type, v: &str, to: Type| {
            array_coerce(
                &env,
                &t(
                    &[from, I, I, Type::BOOL],
                    &[arr(v), Value::Int(to.0.into()), (-1).into(), 1.into()],
                ),
            )
        };
        assert_eq!(
            text(co(Type::TEXT_ARRAY, r#"["1",null,"-3"]"#, IA)),
            "[1,null,-3]"
        );
        assert_eq!(
            text(co(IA, "[[1,2],[3,4]]", Type::TEXT_ARRAY)),
            r#"[["1","2"],["3","4"]]"#
        );
        assert_eq!(text(co(IA, "[1]", Type::INT4)), "[1]");
        assert_eq!(
            co(Type::TEXT_ARRAY, r#"["x"]"#, IA).unwrap_err().message,
            "invalid input syntax for type integer: \"x\""
        );
        assert_eq!(
            array_typmod(&env, I, arr("[1]"), -1, false).unwrap(),
            arr("[1]")
        );
    }

    #[test]
    fn set_returning() {
        let env = Env::default();
        let rows = unnest(&env, &[arr("[[1,2],[3,null]]")]).unwrap();
        assert_eq!(
            collect(rows),
            vec![1.into(), 2.into(), 3.into(), Value::Null]
        );
        let rows = unnest(&env, &[arr("1022"), arr("[1.5,\"NaN\"]")]).unwrap();
        let got = collect(rows);
        assert_eq!(got[0], Value::Float(1.5));
        assert!(matches!(got[1], Value::Float(f) if f.is_nan()));
        let rows = unnest(&env, &[arr("1009"), arr("[\"a,]\\\"b\",\"\\\\x\"]")]).unwrap();
        assert_eq!(collect(rows), vec!["a,]\"b".into(), "\\x".into()]);
        let rows = unnest(&env, &[arr("1001"), arr("[\"\\\\x00ff\"]")]).unwrap();
        assert_eq!(collect(rows), vec![Value::Bytes(vec![0, 255])]);
        assert_eq!(collect(unnest(&env, &[arr("[]")]).unwrap()), vec![]);

        let gs = |a: &str, d: i64, r: Option<bool>| {
            let mut v = vec![arr(a), d.into()];
            v.extend(r.map(Value::from));
            collect(generate_subscripts(&env, &v).unwrap())
        };
        assert_eq!(
            gs("[[1,2,3],[4,5,6]]", 2, None),
            vec![1.into(), 2.into(), 3.into()]
        );
        assert_eq!(gs("[1,2]", 1, Some(true)), vec![2.into(), 1.into()]);
        assert!(gs("[]", 1, None).is_empty());
        assert!(gs("[1]", 3, None).is_empty());
    }

    #[test]
    fn aggregates() {
        let env = Env::default();
        let mut a = array_agg_new(&[I]);
        assert_eq!(a.value(&env).unwrap(), Value::Null);
        a.step(&env, &[1.into()]).unwrap();
        a.step(&env, &[Value::Null]).unwrap();
        a.step(&env, &["x\"".into()]).unwrap();
        assert_eq!(text(a.value(&env)), "[1,null,\"x\\\"\"]");
        a.inverse(&env, &[1.into()]).unwrap();
        assert_eq!(text(a.value(&env)), "[null,\"x\\\"\"]");

        let mut a = array_agg_arrays_new(&[IA]);
        a.step(&env, &[arr("[1,2]")]).unwrap();
        a.step(&env, &[arr("[3,4]")]).unwrap();
        assert_eq!(text(a.value(&env)), "[[1,2],[3,4]]");
        assert_eq!(
            a.step(&env, &[arr("[3]")]).unwrap_err().message,
            "cannot accumulate arrays of different dimensionality"
        );
        assert_eq!(
            a.step(&env, &[arr("[]")]).unwrap_err().message,
            "cannot accumulate arrays of different dimensionality"
        );
        assert_eq!(
            a.step(&env, &[Value::Null]).unwrap_err().message,
            "cannot accumulate null arrays"
        );
        let mut b = array_agg_arrays_new(&[IA]);
        assert_eq!(
            b.step(&env, &[arr("[]")]).unwrap_err().message,
            "cannot accumulate empty arrays"
        );
        let mut c = array_agg_arrays_new(&[IA]);
        c.step(&env, &[arr("[[1]]")]).unwrap();
        c.step(&env, &[arr("[[2]]")]).unwrap();
        assert_eq!(text(c.value(&env)), "[[[1]],[[2]]]");
    }
}
