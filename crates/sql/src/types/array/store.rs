//! The storage form of arrays: TEXT holding a JSON array of the elements' stored values,
//! nested once per dimension (`{{1,2},{3,4}}` → `[[1,2],[3,4]]`), written without spaces as
//! SQLite's `json()` writes it, so that SQLite's `json_each`, `json_extract`,
//! `json_array_length` read it directly and equal arrays have equal text.
//!
//! Element encoding (uniform, from the stored value alone): Int → JSON number; Float → JSON
//! number with a `.` or exponent (shortest text that reads back exactly), NaN/±Infinity → the
//! strings `"NaN"`, `"Infinity"`, `"-Infinity"`; Text → JSON string (escaped as SQLite
//! escapes); Bytes → the string `"\\x<hex>"`; NULL → `null`. Decoding needs the element type
//! (its storage class) to turn strings back into floats or bytes.
//!
//! Invariants: an [`Array`] is rectangular (`items.len()` is the product of `dims`), has at
//! most [`MAX_DIMS`] dimensions, and an empty array has no dimensions. Lower bounds are
//! always 1 (the storage form has no place for others).

use super::super::json::jv::escape;
use super::super::json::parse::{self, Kind, Node};
use super::super::{Storage, Type};
use crate::error::{Result, SqlError, sqlstate};
use crate::value::Value;

/// PostgreSQL's `MAXDIM`.
pub const MAX_DIMS: usize = 6;

/// PostgreSQL's limit on the number of elements (`MaxArraySize`).
pub const MAX_ITEMS: usize = ((1 << 30) - 1) / 8;

/// An array value: dimensions and elements in row-major order, each in its storage form.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Array {
    pub dims: Vec<usize>,
    pub items: Vec<Value>,
}

fn corrupt(what: &str) -> SqlError {
    SqlError::new(
        sqlstate::DATA_CORRUPTED,
        format!("stored array value is not valid: {what}"),
    )
}

impl Array {
    /// A one-dimensional array (empty when `items` is).
    pub fn from_items(items: Vec<Value>) -> Array {
        let dims = if items.is_empty() {
            Vec::new()
        } else {
            vec![items.len()]
        };
        Array { dims, items }
    }

    pub fn ndims(&self) -> usize {
        self.dims.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Reads the storage form of an array of `elem`.
    pub fn decode(elem: Type, text: &str) -> Result<Array> {
        let node = parse::parse(text, true).map_err(|_| corrupt("not JSON"))?;
        let Kind::Arr(top) = &node.kind else {
            return Err(corrupt("not a JSON array"));
        };
        // Dimensions from the first element at each level.
        let mut dims = Vec::new();
        let mut level: &[Node<'_>] = top;
        loop {
            dims.push(level.len());
            match level.first().map(|n| &n.kind) {
                Some(Kind::Arr(inner)) => level = inner,
                _ => break,
            }
        }
        if dims.contains(&0) {
            return Ok(Array::default());
        }
        if dims.len() > MAX_DIMS {
            return Err(corrupt("too many dimensions"));
        }
        // Capacity from the dimensions, but never more than the text could hold (a ragged
        // value written by something else may claim more).
        let cap = dims
            .iter()
            .try_fold(1usize, |a, &d| a.checked_mul(d))
            .unwrap_or(usize::MAX)
            .min(text.len());
        let mut items = Vec::with_capacity(cap);
        collect(elem, top, &dims, &mut items)?;
        Ok(Array { dims, items })
    }

    /// The storage form.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        if self.items.is_empty() {
            out.push_str("[]");
            return out;
        }
        let mut it = self.items.iter();
        write_level(&self.dims, &mut it, &mut out);
        out
    }

    /// The storage form as a stored value.
    pub fn to_value(&self) -> Value {
        Value::Text(self.encode())
    }
}

fn collect(elem: Type, nodes: &[Node<'_>], dims: &[usize], out: &mut Vec<Value>) -> Result<()> {
    let Some((&n, rest)) = dims.split_first() else {
        return Err(corrupt("dimensions"));
    };
    if nodes.len() != n {
        return Err(corrupt("sub-arrays of different lengths"));
    }
    for node in nodes {
        if rest.is_empty() {
            out.push(decode_elem(elem, node)?);
        } else {
            let Kind::Arr(inner) = &node.kind else {
                return Err(corrupt("sub-arrays of different depths"));
            };
            collect(elem, inner, rest, out)?;
        }
    }
    Ok(())
}

fn write_level(dims: &[usize], it: &mut std::slice::Iter<'_, Value>, out: &mut String) {
    let Some((&n, rest)) = dims.split_first() else {
        return;
    };
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        if rest.is_empty() {
            encode_elem(it.next().unwrap_or(&Value::Null), out);
        } else {
            write_level(rest, it, out);
        }
    }
    out.push(']');
}

/// Appends the JSON encoding of one stored element.
pub fn encode_elem(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => out.push_str(&float_json(*f)),
        Value::Text(s) => escape(s, out),
        Value::Bytes(b) => {
            let mut s = String::with_capacity(2 + b.len() * 2);
            s.push_str("\\x");
            for byte in b {
                s.push_str(&format!("{byte:02x}"));
            }
            escape(&s, out);
        }
    }
}

/// A float as its JSON element text.
pub fn float_json(f: f64) -> String {
    if f.is_nan() {
        "\"NaN\"".into()
    } else if f == f64::INFINITY {
        "\"Infinity\"".into()
    } else if f == f64::NEG_INFINITY {
        "\"-Infinity\"".into()
    } else {
        // Debug prints the shortest exact text and always marks it as a float ("1.0",
        // "1e100"), so SQLite reads it back as REAL.
        format!("{f:?}")
    }
}

/// The stored element a JSON node holds, for an array of `elem` (a pseudo-type such as
/// `anyelement` when the element type is not known: numbers then read as integers or floats
/// by their text, strings as text).
pub fn decode_elem(elem: Type, node: &Node<'_>) -> Result<Value> {
    Ok(match (&node.kind, elem.storage()) {
        (Kind::Null, _) => Value::Null,
        (Kind::Num, Storage::None) => match node.raw.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(node.raw.parse().map_err(|_| corrupt("number"))?),
        },
        (Kind::Num, Storage::Integer) => match node.raw.parse::<i64>() {
            Ok(i) => Value::Int(i),
            // A float where an integer belongs (written by SQLite): truncate as SQLite does.
            Err(_) => {
                let f: f64 = node.raw.parse().map_err(|_| corrupt("number"))?;
                #[expect(clippy::cast_possible_truncation, reason = "SQLite's own conversion")]
                Value::Int(f as i64)
            }
        },
        (Kind::Num, Storage::Real) => {
            Value::Float(node.raw.parse().map_err(|_| corrupt("number"))?)
        }
        (Kind::Str(s), Storage::Real) => Value::Float(match s.as_ref() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            other => other.parse().map_err(|_| corrupt("float"))?,
        }),
        (Kind::Str(s), Storage::Blob) => Value::Bytes(unhex(s).ok_or_else(|| corrupt("bytea"))?),
        (Kind::Str(s), _) => Value::Text(s.to_string()),
        (Kind::Num, _) => Value::Text(node.raw.to_string()),
        (Kind::Bool(b), _) => Value::Int(i64::from(*b)),
        (Kind::Arr(_) | Kind::Obj(_), _) => return Err(corrupt("nested value as element")),
    })
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let hex = s.strip_prefix("\\x")?.as_bytes();
    if hex.len() % 2 != 0 {
        return None;
    }
    hex.chunks(2)
        .map(|p| {
            let h = (p[0] as char).to_digit(16)?;
            let l = (p[1] as char).to_digit(16)?;
            u8::try_from(h * 16 + l).ok()
        })
        .collect()
}

/// Reads a `text[]` argument (a path, a key list) into its elements.
pub fn text_items(v: &Value) -> Result<Vec<Option<String>>> {
    let Value::Text(s) = v else {
        return Err(corrupt("not text"));
    };
    let a = Array::decode(Type::TEXT, s)?;
    Ok(a.items
        .into_iter()
        .map(|v| match v {
            Value::Text(s) => Some(s),
            Value::Null => None,
            other => Some(super::super::text::text_out(&other)),
        })
        .collect())
}

/// A `text[]` value of the given elements (one dimension).
pub fn text_array(items: impl IntoIterator<Item = Option<String>>) -> Value {
    Array::from_items(items.into_iter().map(Value::from).collect()).to_value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let a = Array {
            dims: vec![2, 2],
            items: vec![1.into(), 2.into(), Value::Null, 4.into()],
        };
        assert_eq!(a.encode(), "[[1,2],[null,4]]");
        assert_eq!(Array::decode(Type::INT4, "[[1,2],[null,4]]").unwrap(), a);
        assert_eq!(Array::default().encode(), "[]");
        assert_eq!(Array::decode(Type::INT4, "[]").unwrap(), Array::default());
        assert_eq!(Array::decode(Type::INT4, "[[]]").unwrap(), Array::default());
    }

    #[test]
    fn encodes_each_storage_class() {
        let a = Array::from_items(vec![
            Value::Float(1.0),
            Value::Float(0.1 + 0.2),
            Value::Float(1e100),
            Value::Float(f64::NAN),
            Value::Float(f64::NEG_INFINITY),
            Value::Float(-0.0),
        ]);
        let text = a.encode();
        assert_eq!(
            text,
            "[1.0,0.30000000000000004,1e100,\"NaN\",\"-Infinity\",-0.0]"
        );
        let back = Array::decode(Type::FLOAT8, &text).unwrap();
        assert!(matches!(back.items[3], Value::Float(f) if f.is_nan()));
        assert_eq!(back.items[1], Value::Float(0.1 + 0.2));
        let t = Array::from_items(vec!["a\"b\\c\n\u{1}é".into(), Value::Bytes(vec![0, 255])]);
        assert_eq!(t.encode(), "[\"a\\\"b\\\\c\\n\\u0001é\",\"\\\\x00ff\"]");
        let b = Array::decode(Type::BYTEA, "[\"\\\\x00ff\",null]").unwrap();
        assert_eq!(b.items, vec![Value::Bytes(vec![0, 255]), Value::Null]);
    }

    #[test]
    fn rejects_ragged_storage() {
        assert!(Array::decode(Type::INT4, "[[1,2],[3]]").is_err());
        assert!(Array::decode(Type::INT4, "[[1],2]").is_err());
        assert!(Array::decode(Type::INT4, "{}").is_err());
    }
}
