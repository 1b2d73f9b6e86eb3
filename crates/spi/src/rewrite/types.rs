//! PostgreSQL type names: the types minipg reports on the wire and how a cast maps onto SQLite.
//!
//! Owns: [`PgType`] with its OIDs, the name → type mapping of DESIGN.md §Wire protocol (used both
//! for `::type`/`CAST` targets and for SQLite's declared column types), and the SQLite expression a
//! cast to each type becomes.
//!
//! Invariant: every name maps to some type (unknown names → `Text`), so callers never fail here.
//! Never: looks at values — a cast's run-time behaviour is SQLite's `CAST` (or core's
//! `minipg_bool` function for `bool`).

use super::lexer::{Token, TokenKind, quoted_ident_value};

/// The PostgreSQL types minipg reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PgType {
    Bool,
    Bytea,
    Int2,
    Int4,
    Int8,
    Float4,
    Float8,
    Numeric,
    Text,
    Varchar,
    Date,
    Timestamp,
    Timestamptz,
    Unknown,
}

impl PgType {
    /// The type's OID in `pg_type`.
    pub fn oid(self) -> u32 {
        match self {
            PgType::Bool => 16,
            PgType::Bytea => 17,
            PgType::Int2 => 21,
            PgType::Int4 => 23,
            PgType::Int8 => 20,
            PgType::Float4 => 700,
            PgType::Float8 => 701,
            PgType::Numeric => 1700,
            PgType::Text => 25,
            PgType::Varchar => 1043,
            PgType::Date => 1082,
            PgType::Timestamp => 1114,
            PgType::Timestamptz => 1184,
            PgType::Unknown => 705,
        }
    }

    /// The type a declared or cast type name stands for (case-insensitive; a `(n[,m])` modifier,
    /// a `pg_catalog.` qualifier, double quotes and extra spaces are ignored). `real`, `float4`
    /// and `float` are reported as float8 because SQLite stores every REAL as 8 bytes (DESIGN.md);
    /// unknown names are text.
    pub fn from_type_name(name: &str) -> PgType {
        let lower = name.trim().to_ascii_lowercase().replace('"', "");
        let base = lower.split('(').next().unwrap_or("");
        let base = base.strip_prefix("pg_catalog.").unwrap_or(base);
        let words: Vec<&str> = base.split_whitespace().collect();
        match words.as_slice() {
            ["int" | "integer" | "int4" | "serial" | "serial4" | "mediumint"] => PgType::Int4,
            ["bigint" | "int8" | "bigserial" | "serial8"] => PgType::Int8,
            ["smallint" | "int2" | "smallserial" | "serial2" | "tinyint"] => PgType::Int2,
            ["real" | "float" | "float4" | "float8" | "double"] | ["double", "precision"] => {
                PgType::Float8
            }
            ["numeric" | "decimal"] => PgType::Numeric,
            ["boolean" | "bool"] => PgType::Bool,
            ["bytea" | "blob"] => PgType::Bytea,
            ["date"] => PgType::Date,
            ["timestamp"] | ["timestamp", "without", "time", "zone"] => PgType::Timestamp,
            ["timestamptz"] | ["timestamp", "with", "time", "zone"] => PgType::Timestamptz,
            ["unknown"] => PgType::Unknown,
            _ => PgType::Text,
        }
    }

    /// What `CAST(x AS <this type>)` becomes in SQLite.
    pub(crate) fn cast_target(self) -> CastTarget {
        match self {
            PgType::Bool => CastTarget::Bool,
            PgType::Int2 | PgType::Int4 | PgType::Int8 => CastTarget::Affinity("INTEGER"),
            PgType::Float4 | PgType::Float8 => CastTarget::Affinity("REAL"),
            PgType::Numeric => CastTarget::Affinity("NUMERIC"),
            PgType::Bytea => CastTarget::Affinity("BLOB"),
            PgType::Text
            | PgType::Varchar
            | PgType::Date
            | PgType::Timestamp
            | PgType::Timestamptz
            | PgType::Unknown => CastTarget::Affinity("TEXT"),
        }
    }
}

/// The SQLite form of a cast.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CastTarget {
    /// `CAST(x AS <affinity>)`.
    Affinity(&'static str),
    /// `minipg_bool(x)`: core's function with PostgreSQL's boolean input rules.
    Bool,
}

/// Name of the SQL function core registers for casts to boolean: `minipg_bool(x)` returns 1 or 0
/// for PostgreSQL's boolean spellings (`t`/`true`/`yes`/`on`/`1`, `f`/`false`/`no`/`off`/`0`,
/// any case, trimmed; integers: non-zero → 1), NULL for NULL, and raises 22P02 otherwise.
pub const BOOL_CAST_FUNCTION: &str = "minipg_bool";

/// Wraps SQLite expression `expr` in the cast to `ty`.
pub(crate) fn cast_sql(expr: &str, ty: PgType) -> String {
    match ty.cast_target() {
        CastTarget::Bool => format!("{BOOL_CAST_FUNCTION}({expr})"),
        CastTarget::Affinity(a) => format!("CAST({expr} AS {a})"),
    }
}

/// A type name read from tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TypeName {
    /// Normalized spelling (lower case, single spaces, without modifiers), e.g. `double precision`.
    pub name: String,
    pub ty: PgType,
    /// Tokens consumed.
    pub len: usize,
}

/// Reads a type name at the start of `toks`: `[pg_catalog.]name`, the multi-word names
/// (`double precision`, `character varying`, `timestamp [(p)] with[out] time zone`, ...), an
/// optional `(n[, m])` modifier. `None` when no type name starts there. Array types (`[]`) are
/// not supported and are left for the caller to reject.
pub(crate) fn read_type_name(toks: &[Token<'_>]) -> Option<TypeName> {
    let mut i = 0;
    let word = |t: Option<&Token<'_>>| -> Option<String> {
        let t = t?;
        match t.kind {
            TokenKind::Word => Some(t.text.to_ascii_lowercase()),
            TokenKind::QuotedIdent => Some(quoted_ident_value(t.text)),
            _ => None,
        }
    };
    let mut first = word(toks.first())?;
    i += 1;
    if first == "pg_catalog" && toks.get(1).is_some_and(|t| t.kind == TokenKind::Dot) {
        first = word(toks.get(2))?;
        i = 3;
    }
    let mut name = first.clone();
    let next_is = |i: usize, w: &str| toks.get(i).is_some_and(|t| t.is_word(w));
    match first.as_str() {
        "double" if next_is(i, "precision") => {
            name.push_str(" precision");
            i += 1;
        }
        "character" | "char" | "bit" if next_is(i, "varying") => {
            name.push_str(" varying");
            i += 1;
        }
        _ => {}
    }
    i += modifier_len(&toks[i..]);
    if matches!(first.as_str(), "timestamp" | "time") {
        if next_is(i, "with") && next_is(i + 1, "time") && next_is(i + 2, "zone") {
            name.push_str(" with time zone");
            i += 3;
        } else if next_is(i, "without") && next_is(i + 1, "time") && next_is(i + 2, "zone") {
            name.push_str(" without time zone");
            i += 3;
        }
    }
    Some(TypeName {
        ty: PgType::from_type_name(&name),
        name,
        len: i,
    })
}

/// Length of a `(n[, m...])` modifier of numbers at the start of `toks` (0 if none).
fn modifier_len(toks: &[Token<'_>]) -> usize {
    if toks.first().map(|t| t.kind) != Some(TokenKind::LParen) {
        return 0;
    }
    let mut i = 1;
    loop {
        match toks.get(i).map(|t| t.kind) {
            Some(TokenKind::Number) => i += 1,
            _ => return 0,
        }
        match toks.get(i).map(|t| t.kind) {
            Some(TokenKind::Comma) => i += 1,
            Some(TokenKind::RParen) => return i + 1,
            _ => return 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::lexer::tokenize;

    #[test]
    fn oids() {
        let all = [
            (PgType::Bool, 16),
            (PgType::Bytea, 17),
            (PgType::Int2, 21),
            (PgType::Int4, 23),
            (PgType::Int8, 20),
            (PgType::Float4, 700),
            (PgType::Float8, 701),
            (PgType::Numeric, 1700),
            (PgType::Text, 25),
            (PgType::Varchar, 1043),
            (PgType::Date, 1082),
            (PgType::Timestamp, 1114),
            (PgType::Timestamptz, 1184),
            (PgType::Unknown, 705),
        ];
        for (t, oid) in all {
            assert_eq!(t.oid(), oid, "{t:?}");
        }
    }

    #[test]
    fn names_map_as_design_says() {
        use PgType::*;
        for (n, t) in [
            ("int", Int4),
            ("INTEGER", Int4),
            ("int4", Int4),
            ("serial", Int4),
            ("bigint", Int8),
            ("int8", Int8),
            ("bigserial", Int8),
            ("smallint", Int2),
            ("int2", Int2),
            ("real", Float8),
            ("float", Float8),
            ("float8", Float8),
            ("double precision", Float8),
            ("DOUBLE  PRECISION", Float8),
            ("text", Text),
            ("varchar(10)", Text),
            ("character varying(10)", Text),
            ("char(22)", Text),
            ("boolean", Bool),
            ("bool", Bool),
            ("bytea", Bytea),
            ("BLOB", Bytea),
            ("numeric(10,2)", Numeric),
            ("decimal", Numeric),
            ("date", Date),
            ("timestamp", Timestamp),
            ("timestamp without time zone", Timestamp),
            ("timestamptz", Timestamptz),
            ("timestamp with time zone", Timestamptz),
            ("pg_catalog.int4", Int4),
            ("\"int8\"", Int8),
            ("json", Text),
            ("", Text),
        ] {
            assert_eq!(PgType::from_type_name(n), t, "{n}");
        }
    }

    fn read(sql: &str) -> Option<(String, PgType, usize)> {
        let toks = tokenize(sql).expect("lexes");
        read_type_name(&toks).map(|t| (t.name, t.ty, t.len))
    }

    #[test]
    fn reads_type_names_from_tokens() {
        assert_eq!(read("int4 + 1"), Some(("int4".into(), PgType::Int4, 1)));
        assert_eq!(
            read("varchar(10) x"),
            Some(("varchar".into(), PgType::Text, 4))
        );
        assert_eq!(
            read("numeric(10, 2)"),
            Some(("numeric".into(), PgType::Numeric, 6))
        );
        assert_eq!(
            read("double precision"),
            Some(("double precision".into(), PgType::Float8, 2))
        );
        assert_eq!(
            read("character varying(3)"),
            Some(("character varying".into(), PgType::Text, 5))
        );
        assert_eq!(
            read("timestamp(3) with time zone"),
            Some(("timestamp with time zone".into(), PgType::Timestamptz, 7))
        );
        assert_eq!(
            read("pg_catalog.bool"),
            Some(("bool".into(), PgType::Bool, 3))
        );
        assert_eq!(read("\"char\""), Some(("char".into(), PgType::Text, 1)));
        assert_eq!(read("(1)"), None);
        assert_eq!(read("1"), None);
        // A parenthesis that is not a modifier is not consumed.
        assert_eq!(read("text (a)"), Some(("text".into(), PgType::Text, 1)));
    }

    #[test]
    fn cast_sql_forms() {
        assert_eq!(cast_sql("?1", PgType::Int4), "CAST(?1 AS INTEGER)");
        assert_eq!(cast_sql("'t'", PgType::Bool), "minipg_bool('t')");
        assert_eq!(cast_sql("x", PgType::Float8), "CAST(x AS REAL)");
        assert_eq!(cast_sql("x", PgType::Bytea), "CAST(x AS BLOB)");
        assert_eq!(cast_sql("x", PgType::Timestamptz), "CAST(x AS TEXT)");
    }
}
