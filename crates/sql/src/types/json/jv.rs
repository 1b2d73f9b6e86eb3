//! [`Jv`]: a `jsonb` value in memory, and the `jsonb` storage form (the text PostgreSQL prints
//! for a `jsonb`): how to read it, print it, order two values and print them indented
//! (`jsonb_pretty`).
//!
//! Invariants of a `Jv` built by [`Jv::from_node`] or [`Jv::object`]: numbers are canonical
//! `numeric` text (`num::normalize`); object members are unique and sorted as `jsonb` sorts
//! keys (shorter first, then bytewise), the last of duplicate keys winning. Printing such a
//! value gives exactly PostgreSQL's `jsonb` output, and printing is compositional: the text of
//! a member is a slice of the text of its container.

use std::cmp::Ordering;

use super::num;
use super::parse::{self, Kind, Node};
use crate::error::Result;

/// A `jsonb` value.
#[derive(Clone, Debug, PartialEq)]
pub enum Jv {
    Null,
    Bool(bool),
    /// Canonical `numeric` text.
    Num(String),
    Str(String),
    Arr(Vec<Jv>),
    Obj(Vec<(String, Jv)>),
}

/// `jsonb`'s key order: shorter keys first, then bytewise.
pub fn key_cmp(a: &str, b: &str) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

impl Jv {
    /// Reads stored `jsonb` text (or any JSON text) into a value.
    pub fn parse(text: &str) -> Result<Jv> {
        Jv::from_node(&parse::parse(text, true)?)
    }

    /// The `jsonb` value of a parsed document (strings must have been de-escaped).
    pub fn from_node(node: &Node<'_>) -> Result<Jv> {
        super::parse::deep(|| {
            Ok(match &node.kind {
                Kind::Null => Jv::Null,
                Kind::Bool(b) => Jv::Bool(*b),
                Kind::Num => Jv::Num(num::normalize(node.raw)?),
                Kind::Str(s) => Jv::Str(s.to_string()),
                Kind::Arr(items) => {
                    Jv::Arr(items.iter().map(Jv::from_node).collect::<Result<_>>()?)
                }
                Kind::Obj(members) => Jv::object(
                    members
                        .iter()
                        .map(|(k, v)| Ok((k.to_string(), Jv::from_node(v)?)))
                        .collect::<Result<_>>()?,
                ),
            })
        })
    }

    /// An object from members in any order: sorted as `jsonb` sorts keys, the last of equal
    /// keys kept.
    pub fn object(mut members: Vec<(String, Jv)>) -> Jv {
        // Stable, so equal keys stay in input order and the last one is kept below.
        members.sort_by(|a, b| key_cmp(&a.0, &b.0));
        let mut out: Vec<(String, Jv)> = Vec::with_capacity(members.len());
        for m in members {
            match out.last_mut() {
                Some(last) if last.0 == m.0 => *last = m,
                _ => out.push(m),
            }
        }
        Jv::Obj(out)
    }

    /// `jsonb_typeof`'s name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Jv::Null => "null",
            Jv::Bool(_) => "boolean",
            Jv::Num(_) => "number",
            Jv::Str(_) => "string",
            Jv::Arr(_) => "array",
            Jv::Obj(_) => "object",
        }
    }

    /// The name PostgreSQL's cast errors use (`cannot cast jsonb string to type integer`).
    pub fn cast_name(&self) -> &'static str {
        match self {
            Jv::Null => "null",
            Jv::Bool(_) => "boolean",
            Jv::Num(_) => "numeric",
            Jv::Str(_) => "string",
            Jv::Arr(_) => "array",
            Jv::Obj(_) => "object",
        }
    }

    pub fn is_scalar(&self) -> bool {
        !matches!(self, Jv::Arr(_) | Jv::Obj(_))
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Jv> {
        match self {
            Jv::Obj(m) => m
                .binary_search_by(|(k, _)| key_cmp(k, key))
                .ok()
                .and_then(|i| m.get(i))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The `jsonb` output text.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        self.write(&mut s);
        s
    }

    /// Appends the `jsonb` output text.
    pub fn write(&self, out: &mut String) {
        super::parse::deep(|| match self {
            Jv::Null => out.push_str("null"),
            Jv::Bool(true) => out.push_str("true"),
            Jv::Bool(false) => out.push_str("false"),
            Jv::Num(n) => out.push_str(n),
            Jv::Str(s) => escape(s, out),
            Jv::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Jv::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    escape(k, out);
                    out.push_str(": ");
                    v.write(out);
                }
                out.push('}');
            }
        })
    }

    /// The text of a value as `->>` and the `_text` functions give it: strings unquoted and
    /// de-escaped, `null` as SQL NULL, everything else as printed.
    pub fn to_text_value(&self) -> Option<String> {
        match self {
            Jv::Null => None,
            Jv::Str(s) => Some(s.clone()),
            other => Some(other.to_text()),
        }
    }

    /// `jsonb_pretty`'s text.
    pub fn pretty(&self) -> String {
        let mut s = String::new();
        self.write_pretty(&mut s, 0);
        s
    }

    fn write_pretty(&self, out: &mut String, level: usize) {
        super::parse::deep(|| {
            let indent = |out: &mut String, level: usize| {
                out.push('\n');
                for _ in 0..level {
                    out.push_str("    ");
                }
            };
            match self {
                Jv::Arr(items) => {
                    out.push('[');
                    for (i, v) in items.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        indent(out, level + 1);
                        v.write_pretty(out, level + 1);
                    }
                    indent(out, level);
                    out.push(']');
                }
                Jv::Obj(members) => {
                    out.push('{');
                    for (i, (k, v)) in members.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        indent(out, level + 1);
                        escape(k, out);
                        out.push_str(": ");
                        v.write_pretty(out, level + 1);
                    }
                    indent(out, level);
                    out.push('}');
                }
                scalar => scalar.write(out),
            }
        })
    }
}

/// Appends `s` as a JSON string literal, escaped as PostgreSQL (and SQLite) escape: `"` `\`
/// and the control characters (`\b \f \n \r \t`, others `\u00xx`); everything else as is.
pub fn escape(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The JSON string literal of `s`.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    escape(s, &mut out);
    out
}

/// The rank of a value's type in `jsonb`'s order: null < string < number < boolean < array <
/// object.
fn rank(v: &Jv) -> u8 {
    match v {
        Jv::Null => 0,
        Jv::Str(_) => 1,
        Jv::Num(_) => 2,
        Jv::Bool(_) => 3,
        Jv::Arr(_) => 4,
        Jv::Obj(_) => 5,
    }
}

/// PostgreSQL's `jsonb` ordering (`jsonb_cmp`) of two whole documents. A top-level scalar
/// compares as a one-element "raw scalar" array: below an array of one element, and above an
/// empty array (PostgreSQL's documented anomaly).
pub fn cmp_top(a: &Jv, b: &Jv) -> Ordering {
    cmp_top_raw(a, b).cmp(&0)
}

fn sign(o: Ordering) -> i32 {
    match o {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }
}

/// [`cmp_top`] as the integer PostgreSQL computes (its sign is the order).
pub fn cmp_top_raw(a: &Jv, b: &Jv) -> i32 {
    match (a.is_scalar(), b.is_scalar()) {
        (true, false) | (false, true) => {
            let Jv::Arr(items) = (if a.is_scalar() { b } else { a }) else {
                // A raw scalar (an array) against an object: arrays sort first.
                return if a.is_scalar() { -1 } else { 1 };
            };
            // Sizes decide first (the scalar counts as one element); then the raw scalar is
            // the smaller.
            let by_size = sign(1usize.cmp(&items.len()));
            let ord = if by_size != 0 { by_size } else { -1 };
            if a.is_scalar() { ord } else { -ord }
        }
        _ => cmp_raw(a, b),
    }
}

/// `jsonb`'s ordering of two values inside documents.
pub fn cmp(a: &Jv, b: &Jv) -> Ordering {
    cmp_raw(a, b).cmp(&0)
}

/// Text comparison as PostgreSQL's C collation reports it: the difference of the first
/// differing bytes, else -1/1 by length.
fn str_cmp(a: &str, b: &str) -> i32 {
    match a.bytes().zip(b.bytes()).find(|(x, y)| x != y) {
        Some((x, y)) => i32::from(x) - i32::from(y),
        None => sign(a.len().cmp(&b.len())),
    }
}

/// [`cmp`] as the integer PostgreSQL computes.
fn cmp_raw(a: &Jv, b: &Jv) -> i32 {
    super::parse::deep(|| match (a, b) {
        (Jv::Null, Jv::Null) => 0,
        (Jv::Str(x), Jv::Str(y)) => str_cmp(x, y),
        (Jv::Num(x), Jv::Num(y)) => sign(num::cmp(x, y)),
        (Jv::Bool(x), Jv::Bool(y)) => sign(x.cmp(y)),
        (Jv::Arr(x), Jv::Arr(y)) => {
            if x.len() != y.len() {
                return sign(x.len().cmp(&y.len()));
            }
            x.iter()
                .zip(y)
                .map(|(p, q)| cmp_raw(p, q))
                .find(|o| *o != 0)
                .unwrap_or(0)
        }
        (Jv::Obj(x), Jv::Obj(y)) => {
            if x.len() != y.len() {
                return sign(x.len().cmp(&y.len()));
            }
            x.iter()
                .zip(y)
                .map(|((kx, vx), (ky, vy))| match str_cmp(kx, ky) {
                    0 => cmp_raw(vx, vy),
                    k => k,
                })
                .find(|o| *o != 0)
                .unwrap_or(0)
        }
        _ => sign(rank(a).cmp(&rank(b))),
    })
}

/// `jsonb` equality (numbers by value).
pub fn equal(a: &Jv, b: &Jv) -> bool {
    cmp_top(a, b) == Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jb(s: &str) -> String {
        Jv::parse(s).unwrap().to_text()
    }

    #[test]
    fn prints_as_postgresql() {
        assert_eq!(
            jb(r#"{"b":1,"a":2,"aa":[1,2.50,1e2],"a":3}"#),
            r#"{"a": 3, "b": 1, "aa": [1, 2.50, 100]}"#
        );
        assert_eq!(
            jb(r#"["\u0001\u001f\u007f\b\f\n\r\t\/\"\\ é \u00e9 \ud83d\ude00"]"#),
            "[\"\\u0001\\u001f\u{7f}\\b\\f\\n\\r\\t/\\\"\\\\ é é 😀\"]"
        );
        assert_eq!(
            jb("[-0, -0.0, 0e10, 1.500e1, 12345678901234567890123, 1E-3]"),
            "[0, 0.0, 0, 15.00, 12345678901234567890123, 0.001]"
        );
        assert_eq!(jb(" { } "), "{}");
        assert_eq!(jb("[ ]"), "[]");
        assert_eq!(jb("null"), "null");
        assert_eq!(
            jb(r#"{"aaa":1,"b":2,"ab":3,"a":{"y":1,"x":2}}"#),
            r#"{"a": {"x": 2, "y": 1}, "b": 2, "ab": 3, "aaa": 1}"#
        );
    }

    #[test]
    fn pretty_prints_as_postgresql() {
        let v = Jv::parse(r#"{"a":1,"b":[1,2,{"c":{}}],"d":[], "e":{"f":null}}"#).unwrap();
        assert_eq!(
            v.pretty(),
            "{\n    \"a\": 1,\n    \"b\": [\n        1,\n        2,\n        {\n            \"c\": {\n            }\n        }\n    ],\n    \"d\": [\n    ],\n    \"e\": {\n        \"f\": null\n    }\n}"
        );
        assert_eq!(Jv::parse("\"x\"").unwrap().pretty(), "\"x\"");
        assert_eq!(Jv::parse("[]").unwrap().pretty(), "[\n]");
        assert_eq!(Jv::parse("[[]]").unwrap().pretty(), "[\n    [\n    ]\n]");
    }

    fn ord(a: &str, b: &str) -> Ordering {
        cmp_top(&Jv::parse(a).unwrap(), &Jv::parse(b).unwrap())
    }

    #[test]
    fn orders_as_postgresql() {
        use Ordering::*;
        // Each from `select a::jsonb < b::jsonb, a::jsonb = b::jsonb` on PostgreSQL 15.
        assert_eq!(ord("null", "\"a\""), Less);
        assert_eq!(ord("\"z\"", "1"), Less);
        assert_eq!(ord("1", "true"), Less);
        assert_eq!(ord("true", "[]"), Greater);
        assert_eq!(ord("1", "[1]"), Less);
        assert_eq!(ord("[1]", "1"), Greater);
        assert_eq!(ord("[]", "null"), Less);
        assert_eq!(ord("[1,2]", "1"), Greater);
        assert_eq!(ord("1", "{}"), Less);
        assert_eq!(ord("[]", "{}"), Less);
        assert_eq!(ord("[9]", "[1,1]"), Less);
        assert_eq!(ord("{\"b\":1}", "{\"a\":2}"), Greater);
        assert_eq!(ord("{\"aa\":1}", "{\"b\":1}"), Less);
        assert_eq!(ord("{\"a\":1,\"b\":2}", "{\"z\":1}"), Greater);
        assert_eq!(ord("1.0", "1"), Equal);
        assert_eq!(ord("[1, \"a\"]", "[1, 2]"), Less);
        assert_eq!(ord("\"ab\"", "\"b\""), Less);
        assert_eq!(ord("\"b\"", "\"ab\""), Greater);
        assert_eq!(ord("{\"a\":[1]}", "{\"a\":{}}"), Less);
    }
}
