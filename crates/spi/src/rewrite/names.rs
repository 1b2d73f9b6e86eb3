//! Relation names: folding, quoting, and the schema mangling minipg stores in SQLite.
//!
//! Owns: the one mapping between a PostgreSQL `(schema, name)` pair and the SQLite object name
//! that stores it — `public` keeps the bare name, any other schema becomes `schema.name` (always
//! quoted in SQL). A schema name never contains `.` (CREATE SCHEMA refuses it), so the first dot of
//! a mangled name separates schema and name.
//!
//! Never: decides whether a schema exists — callers pass `is_schema`, backed by core's catalog.

/// Mangled SQLite name of relation `name` in schema `schema`.
pub fn mangle(schema: &str, name: &str) -> String {
    if schema == "public" {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}

/// Inverse of [`mangle`], for messages: `schema1.counted` → `("schema1", "counted")`, no dot →
/// `("public", name)`. (A `public` relation whose own name contains a dot reads back wrongly;
/// PostgreSQL users rarely create such names.)
pub fn demangle(sqlite_name: &str) -> (String, String) {
    match sqlite_name.split_once('.') {
        Some((schema, name)) if !schema.is_empty() => (schema.to_string(), name.to_string()),
        _ => ("public".to_string(), sqlite_name.to_string()),
    }
}

/// PostgreSQL's case folding of an unquoted identifier: ASCII letters only.
pub(crate) fn fold(word: &str) -> String {
    word.to_ascii_lowercase()
}

/// `name` as a SQL identifier that SQLite reads back exactly: always double-quoted, `"` doubled.
pub(crate) fn quote(name: &str) -> String {
    let mut s = String::with_capacity(name.len() + 2);
    s.push('"');
    for c in name.chars() {
        if c == '"' {
            s.push('"');
        }
        s.push(c);
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mangle_and_demangle_round_trip() {
        assert_eq!(mangle("public", "t"), "t");
        assert_eq!(mangle("schema1", "counted"), "schema1.counted");
        assert_eq!(
            mangle("our schema2", "counted rows"),
            "our schema2.counted rows"
        );
        assert_eq!(
            demangle("schema1.counted"),
            ("schema1".into(), "counted".into())
        );
        assert_eq!(
            demangle("our schema2.counted rows"),
            ("our schema2".into(), "counted rows".into())
        );
        assert_eq!(demangle("s.a.b"), ("s".into(), "a.b".into()));
        assert_eq!(demangle("t"), ("public".into(), "t".into()));
    }

    #[test]
    fn quoting() {
        assert_eq!(quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(fold("ÄBc"), "Äbc");
    }
}
