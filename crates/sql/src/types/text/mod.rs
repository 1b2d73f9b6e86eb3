//! Character types (text, varchar, bpchar, name, `"char"`), bool and uuid: input/output, the
//! string functions and operators, LIKE / SIMILAR TO / regular expressions, their casts and
//! aggregates — the catalog rows ([`FUNCTIONS`], [`CASTS`]) and the facade `types::io` calls.
//!
//! Submodules: [`chars`] (I/O, typmods, casts), [`strings`] (string functions), [`format`]
//! (`concat`, `format`, …), [`like`] (LIKE, SIMILAR TO), [`regex`] (POSIX regular
//! expressions), [`uuid`], [`agg`] (string_agg, bool_and/or).
//!
//! Storage (see `types`): text-like values are `Text` (bpchar blank-padded), bool `Int` 0/1,
//! uuid lower-case canonical `Text`; a text[] result is the JSON-array text of its elements.
//! Semantics are PostgreSQL 15's in a UTF8 database with the C locale: comparisons are byte
//! order (SQLite's BINARY collation, RTRIM for bpchar), case mapping is ASCII-only.

pub mod agg;
pub mod chars;
pub mod format;
pub mod like;
pub mod regex;
pub mod strings;
pub mod uuid;

use std::borrow::Cow;

use crate::error::{Result, SqlError};
use crate::func::rows::{
    aggregate, by_fn, by_typmod_fn, cast, fixed_frame, func as f, not_strict, op, sqlite_cmp,
    sqlite_comparisons, stable, typed, variadic, volatile,
};
use crate::func::{Builtin, CastContext, CastDef, CastImp};
use crate::types::Type;
use crate::value::Value;

pub use chars::{
    bool_in, bool_out, bool_recv, bool_send, char_out, char_recv, char_send, char_typmod, text_in,
    text_out, text_send, utf8,
};
pub use uuid::{uuid_in, uuid_recv, uuid_send};

// ---- argument helpers (runtime functions receive storage-form values) ----

/// XX000 for an argument that is missing or NULL where the catalog promised a value.
pub fn bad_arg(i: usize) -> SqlError {
    SqlError::internal(format!("missing or NULL argument {}", i + 1))
}

/// Argument `i` as text (any storage class is shown as text).
pub fn text_arg(args: &[Value], i: usize) -> Result<Cow<'_, str>> {
    match args.get(i) {
        Some(Value::Text(s)) => Ok(Cow::Borrowed(s)),
        Some(Value::Bytes(b)) => Ok(Cow::Owned(utf8(b)?)),
        None | Some(Value::Null) => Err(bad_arg(i)),
        Some(v) => Ok(Cow::Owned(text_out(v))),
    }
}

/// Argument `i` as an integer.
pub fn int_arg(args: &[Value], i: usize) -> Result<i64> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(*f as i64),
        Some(Value::Text(s)) => s
            .trim()
            .parse()
            .map_err(|_| SqlError::invalid_input("integer", s)),
        _ => Err(bad_arg(i)),
    }
}

/// The JSON-array storage form of a text[] (NULL elements as `null`).
pub fn text_array_json(items: &[Option<&str>]) -> String {
    let mut out = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match item {
            None => out.push_str("null"),
            Some(s) => {
                out.push('"');
                for c in s.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        '\n' => out.push_str("\\n"),
                        '\r' => out.push_str("\\r"),
                        '\t' => out.push_str("\\t"),
                        '\x08' => out.push_str("\\b"),
                        '\x0c' => out.push_str("\\f"),
                        c if u32::from(c) < 0x20 => {
                            out.push_str(&format!("\\u{:04x}", u32::from(c)));
                        }
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
        }
    }
    out.push(']');
    out
}

// ---- catalog rows ----

const T: Type = Type::TEXT;
const BP: Type = Type::BPCHAR;
const VC: Type = Type::VARCHAR;
const NM: Type = Type::NAME;
const CH: Type = Type::CHAR;
const BOOL: Type = Type::BOOL;
const I4: Type = Type::INT4;
const I8: Type = Type::INT8;
const UUID: Type = Type::UUID;
const ANY: Type = Type::ANY;
const ANYNA: Type = Type::ANYNONARRAY;
const ANYEL: Type = Type::ANYELEMENT;
const TA: Type = Type::TEXT_ARRAY;

/// Comparison operators whose stored values SQLite orders as PostgreSQL does (varchar has
/// none of its own in PostgreSQL: it uses text's).
pub static COMPARISONS: [Builtin; 48] = sqlite_comparisons!(
    &[BOOL, BOOL],
    &[T, T],
    &[BP, BP],
    &[NM, NM],
    &[NM, T],
    &[T, NM],
    &[CH, CH],
    &[UUID, UUID],
);

/// LIKE's and the regular expressions' operators (`~~ !~~ ~~* !~~*`, `~ !~ ~* !~*`) for each
/// left argument type given with its name in the implementation symbols: eight rows a type.
macro_rules! pattern_operators {
    ($($ty:ident $prefix:literal),*) => {
        [$(
            op("~~", &[$ty, T], BOOL, concat!("pg_", $prefix, "like"), like::like),
            op("!~~", &[$ty, T], BOOL, concat!("pg_", $prefix, "nlike"), like::not_like),
            op("~~*", &[$ty, T], BOOL, concat!("pg_", $prefix, "iclike"), like::ilike),
            op("!~~*", &[$ty, T], BOOL, concat!("pg_", $prefix, "icnlike"), like::not_ilike),
            op("~", &[$ty, T], BOOL, concat!("pg_", $prefix, "regexeq"), regex::regex_eq),
            op("!~", &[$ty, T], BOOL, concat!("pg_", $prefix, "regexne"), regex::regex_ne),
            op("~*", &[$ty, T], BOOL, concat!("pg_", $prefix, "icregexeq"), regex::regex_ieq),
            op("!~*", &[$ty, T], BOOL, concat!("pg_", $prefix, "icregexne"), regex::regex_ine),
        )*]
    };
}

/// LIKE / ILIKE and the regular-expression match operators on text, name and bpchar.
pub static PATTERN_OPERATORS: [Builtin; 24] = pattern_operators!(T "text", NM "name", BP "bpchar");

/// The regular-expression functions (their operators are in [`FUNCTIONS`]).
pub static REGEXP_FUNCTIONS: &[Builtin] = crate::func::rows::overloads! {
    func "regexp_replace" -> T, regex::regexp_replace {
        [T, T, T] "pg_regexp_replace", [T, T, T, T] "pg_regexp_replace_flags",
    }
    func "regexp_replace" -> T, regex::regexp_replace_ext {
        [T, T, T, I4] "pg_regexp_replace_start", [T, T, T, I4, I4] "pg_regexp_replace_n",
        [T, T, T, I4, I4, T] "pg_regexp_replace_ext",
    }
    func "regexp_match" -> TA, regex::regexp_match {
        [T, T] "pg_regexp_match", [T, T, T] "pg_regexp_match_flags",
    }
    srf "regexp_matches" -> TA, regex::regexp_matches {
        [T, T] "pg_regexp_matches", [T, T, T] "pg_regexp_matches_flags",
    }
    func "regexp_split_to_array" -> TA, regex::regexp_split_to_array {
        [T, T] "pg_regexp_split_to_array", [T, T, T] "pg_regexp_split_to_array_flags",
    }
    srf "regexp_split_to_table" -> T, regex::regexp_split_to_table {
        [T, T] "pg_regexp_split_to_table", [T, T, T] "pg_regexp_split_to_table_flags",
    }
    func "regexp_count" -> I4, regex::regexp_count {
        [T, T] "pg_regexp_count", [T, T, I4] "pg_regexp_count_start",
        [T, T, I4, T] "pg_regexp_count_flags",
    }
    func "regexp_instr" -> I4, regex::regexp_instr {
        [T, T] "pg_regexp_instr", [T, T, I4] "pg_regexp_instr3", [T, T, I4, I4] "pg_regexp_instr4",
        [T, T, I4, I4, I4] "pg_regexp_instr5", [T, T, I4, I4, I4, T] "pg_regexp_instr6",
        [T, T, I4, I4, I4, T, I4] "pg_regexp_instr7",
    }
    func "regexp_like" -> BOOL, regex::regexp_like {
        [T, T] "pg_regexp_like", [T, T, T] "pg_regexp_like_flags",
    }
    func "regexp_substr" -> T, regex::regexp_substr {
        [T, T] "pg_regexp_substr", [T, T, I4] "pg_regexp_substr3",
        [T, T, I4, I4] "pg_regexp_substr4", [T, T, I4, I4, T] "pg_regexp_substr5",
        [T, T, I4, I4, T, I4] "pg_regexp_substr6",
    }
};

/// Every other function and operator of this module.
pub static FUNCTIONS: &[Builtin] = &[
    // pattern-ordering operators (text_pattern_ops): byte order
    sqlite_cmp("~<~", &[T, T], "<"),
    sqlite_cmp("~<=~", &[T, T], "<="),
    sqlite_cmp("~>=~", &[T, T], ">="),
    sqlite_cmp("~>~", &[T, T], ">"),
    sqlite_cmp("~<~", &[BP, BP], "<"),
    sqlite_cmp("~<=~", &[BP, BP], "<="),
    sqlite_cmp("~>=~", &[BP, BP], ">="),
    sqlite_cmp("~>~", &[BP, BP], ">"),
    // concatenation
    op("||", &[T, T], T, "pg_textcat", strings::textcat),
    stable(typed(op(
        "||",
        &[T, ANYNA],
        T,
        "pg_textanycat",
        format::textanycat,
    ))),
    stable(typed(op(
        "||",
        &[ANYNA, T],
        T,
        "pg_anytextcat",
        format::anytextcat,
    ))),
    f("textcat", &[T, T], T, "pg_textcat_fn", strings::textcat),
    // lengths
    f("length", &[T], I4, "pg_length", strings::length),
    f("char_length", &[T], I4, "pg_char_length", strings::length),
    f(
        "character_length",
        &[T],
        I4,
        "pg_character_length",
        strings::length,
    ),
    f(
        "length",
        &[BP],
        I4,
        "pg_bpchar_length",
        strings::bpchar_length,
    ),
    f(
        "char_length",
        &[BP],
        I4,
        "pg_bpchar_char_length",
        strings::bpchar_length,
    ),
    f(
        "character_length",
        &[BP],
        I4,
        "pg_bpchar_character_length",
        strings::bpchar_length,
    ),
    f(
        "octet_length",
        &[T],
        I4,
        "pg_octet_length",
        strings::octet_length,
    ),
    f(
        "octet_length",
        &[BP],
        I4,
        "pg_bpchar_octet_length",
        strings::octet_length,
    ),
    f("bit_length", &[T], I4, "pg_bit_length", strings::bit_length),
    // case
    f("lower", &[T], T, "pg_lower", strings::lower),
    f("upper", &[T], T, "pg_upper", strings::upper),
    f("initcap", &[T], T, "pg_initcap", strings::initcap),
    // substrings and positions
    f("substr", &[T, I4], T, "pg_substr", strings::substr),
    f("substr", &[T, I4, I4], T, "pg_substr3", strings::substr),
    f("substring", &[T, I4], T, "pg_substring", strings::substr),
    f(
        "substring",
        &[T, I4, I4],
        T,
        "pg_substring3",
        strings::substr,
    ),
    f(
        "substring",
        &[T, T],
        T,
        "pg_substring_regex",
        regex::substring_regex,
    ),
    f(
        "substring",
        &[T, T, T],
        T,
        "pg_substring_similar",
        regex::substring_similar,
    ),
    f("position", &[T, T], I4, "pg_position", strings::strpos),
    f("strpos", &[T, T], I4, "pg_strpos", strings::strpos),
    f("overlay", &[T, T, I4], T, "pg_overlay", strings::overlay),
    f(
        "overlay",
        &[T, T, I4, I4],
        T,
        "pg_overlay4",
        strings::overlay,
    ),
    f("left", &[T, I4], T, "pg_left", strings::left),
    f("right", &[T, I4], T, "pg_right", strings::right),
    f(
        "starts_with",
        &[T, T],
        BOOL,
        "pg_starts_with",
        strings::starts_with,
    ),
    op(
        "^@",
        &[T, T],
        BOOL,
        "pg_starts_with_op",
        strings::starts_with,
    ),
    // trimming and padding
    f("btrim", &[T], T, "pg_btrim1", strings::btrim),
    f("btrim", &[T, T], T, "pg_btrim", strings::btrim),
    f("ltrim", &[T], T, "pg_ltrim1", strings::ltrim),
    f("ltrim", &[T, T], T, "pg_ltrim", strings::ltrim),
    f("rtrim", &[T], T, "pg_rtrim1", strings::rtrim),
    f("rtrim", &[T, T], T, "pg_rtrim", strings::rtrim),
    f("lpad", &[T, I4], T, "pg_lpad2", strings::lpad),
    f("lpad", &[T, I4, T], T, "pg_lpad", strings::lpad),
    f("rpad", &[T, I4], T, "pg_rpad2", strings::rpad),
    f("rpad", &[T, I4, T], T, "pg_rpad", strings::rpad),
    // other string functions
    f("replace", &[T, T, T], T, "pg_replace", strings::replace),
    f(
        "split_part",
        &[T, T, I4],
        T,
        "pg_split_part",
        strings::split_part,
    ),
    f("repeat", &[T, I4], T, "pg_repeat", strings::repeat),
    f("reverse", &[T], T, "pg_reverse", strings::reverse),
    f(
        "translate",
        &[T, T, T],
        T,
        "pg_translate",
        strings::translate,
    ),
    f("ascii", &[T], I4, "pg_ascii", strings::ascii),
    f("chr", &[I4], T, "pg_chr", strings::chr),
    f("md5", &[T], T, "pg_md5", strings::md5),
    f("to_hex", &[I4], T, "pg_to_hex32", strings::to_hex32),
    f("to_hex", &[I8], T, "pg_to_hex64", strings::to_hex64),
    f("unistr", &[T], T, "pg_unistr", strings::unistr),
    f("to_ascii", &[T], T, "pg_to_ascii", strings::to_ascii),
    f(
        "to_ascii",
        &[T, NM],
        T,
        "pg_to_ascii_name",
        strings::to_ascii,
    ),
    f(
        "to_ascii",
        &[T, I4],
        T,
        "pg_to_ascii_int",
        strings::to_ascii,
    ),
    f(
        "parse_ident",
        &[T],
        TA,
        "pg_parse_ident",
        strings::parse_ident,
    ),
    f(
        "parse_ident",
        &[T, BOOL],
        TA,
        "pg_parse_ident_strict",
        strings::parse_ident,
    ),
    f("normalize", &[T], T, "pg_normalize_nfc", strings::normalize),
    f("normalize", &[T, T], T, "pg_normalize", strings::normalize),
    f(
        "is_normalized",
        &[T],
        BOOL,
        "pg_is_normalized_nfc",
        strings::is_normalized,
    ),
    f(
        "is_normalized",
        &[T, T],
        BOOL,
        "pg_is_normalized",
        strings::is_normalized,
    ),
    // quoting and formatting
    f(
        "quote_ident",
        &[T],
        T,
        "pg_quote_ident",
        strings::quote_ident,
    ),
    f(
        "quote_literal",
        &[T],
        T,
        "pg_quote_literal",
        strings::quote_literal,
    ),
    stable(typed(f(
        "quote_literal",
        &[ANYEL],
        T,
        "pg_quote_literal_any",
        format::quote_literal_any,
    ))),
    f(
        "quote_nullable",
        &[T],
        T,
        "pg_quote_nullable",
        strings::quote_nullable,
    )
    .not_strict(),
    stable(typed(f(
        "quote_nullable",
        &[ANYEL],
        T,
        "pg_quote_nullable_any",
        format::quote_nullable_any,
    )))
    .not_strict(),
    stable(variadic(typed(f(
        "concat",
        &[ANY],
        T,
        "pg_concat",
        format::concat,
    ))))
    .not_strict(),
    stable(variadic(typed(f(
        "concat_ws",
        &[T, ANY],
        T,
        "pg_concat_ws",
        format::concat_ws,
    ))))
    .not_strict(),
    stable(f("format", &[T], T, "pg_format_nv", format::format_nv)).not_strict(),
    stable(variadic(typed(f(
        "format",
        &[T, ANY],
        T,
        "pg_format",
        format::format,
    ))))
    .not_strict(),
    f("like", &[T, T], BOOL, "pg_like_fn", like::like),
    f("notlike", &[T, T], BOOL, "pg_notlike_fn", like::not_like),
    f("like", &[NM, T], BOOL, "pg_namelike_fn", like::like),
    f(
        "notlike",
        &[NM, T],
        BOOL,
        "pg_namenotlike_fn",
        like::not_like,
    ),
    f(
        "like_escape",
        &[T, T],
        T,
        "pg_like_escape",
        like::like_escape,
    ),
    f(
        "similar_to_escape",
        &[T],
        T,
        "pg_similar_to_escape1",
        like::similar_to_escape,
    ),
    f(
        "similar_to_escape",
        &[T, T],
        T,
        "pg_similar_to_escape",
        like::similar_to_escape,
    ),
    f(
        "similar_escape",
        &[T, T],
        T,
        "pg_similar_escape",
        like::similar_escape,
    )
    .not_strict(),
    // uuid
    volatile(f(
        "gen_random_uuid",
        &[],
        UUID,
        "pg_gen_random_uuid",
        uuid::gen_random_uuid,
    )),
    // aggregates
    not_strict(fixed_frame(aggregate(
        "string_agg",
        &[T, T],
        T,
        "pg_string_agg",
        agg::new_string_agg,
    ))),
    not_strict(aggregate(
        "bool_and",
        &[BOOL],
        BOOL,
        "pg_bool_and",
        agg::new_bool_and,
    )),
    not_strict(aggregate(
        "bool_or",
        &[BOOL],
        BOOL,
        "pg_bool_or",
        agg::new_bool_or,
    )),
    not_strict(aggregate(
        "every",
        &[BOOL],
        BOOL,
        "pg_every",
        agg::new_bool_and,
    )),
    not_strict(fixed_frame(aggregate(
        "max",
        &[T],
        T,
        "pg_max_text",
        agg::new_text_max,
    ))),
    not_strict(fixed_frame(aggregate(
        "min",
        &[T],
        T,
        "pg_min_text",
        agg::new_text_min,
    ))),
    not_strict(fixed_frame(aggregate(
        "max",
        &[BP],
        BP,
        "pg_max_bpchar",
        agg::new_bpchar_max,
    ))),
    not_strict(fixed_frame(aggregate(
        "min",
        &[BP],
        BP,
        "pg_min_bpchar",
        agg::new_bpchar_min,
    ))),
];

use CastContext::{Assignment, Explicit, Implicit};

pub static CASTS: &[CastDef] = &[
    cast(VC, T, Implicit, CastImp::Binary),
    cast(T, VC, Implicit, CastImp::Binary),
    cast(T, BP, Implicit, CastImp::Binary),
    cast(VC, BP, Implicit, CastImp::Binary),
    cast(
        BP,
        T,
        Implicit,
        by_fn("pg_bpchar_to_text", chars::bpchar_to_text),
    ),
    cast(
        BP,
        VC,
        Implicit,
        by_fn("pg_bpchar_to_varchar", chars::bpchar_to_text),
    ),
    cast(NM, T, Implicit, CastImp::Binary),
    cast(NM, VC, Assignment, CastImp::Binary),
    cast(NM, BP, Assignment, CastImp::Binary),
    cast(
        T,
        NM,
        Implicit,
        by_fn("pg_text_to_name", chars::text_to_name),
    ),
    cast(
        VC,
        NM,
        Implicit,
        by_fn("pg_varchar_to_name", chars::text_to_name),
    ),
    cast(
        BP,
        NM,
        Implicit,
        by_fn("pg_bpchar_to_name", chars::bpchar_to_name),
    ),
    cast(
        CH,
        T,
        Implicit,
        by_fn("pg_char_to_text", chars::char_to_text),
    ),
    cast(
        CH,
        VC,
        Assignment,
        by_fn("pg_char_to_varchar", chars::char_to_text),
    ),
    cast(
        CH,
        BP,
        Assignment,
        by_fn("pg_char_to_bpchar", chars::char_to_text),
    ),
    cast(
        T,
        CH,
        Assignment,
        by_fn("pg_text_to_char", chars::text_to_char),
    ),
    cast(
        VC,
        CH,
        Assignment,
        by_fn("pg_varchar_to_char", chars::text_to_char),
    ),
    cast(
        BP,
        CH,
        Assignment,
        by_fn("pg_bpchar_to_char", chars::text_to_char),
    ),
    cast(
        CH,
        I4,
        Explicit,
        by_fn("pg_char_to_int4", chars::char_to_int4),
    ),
    cast(
        I4,
        CH,
        Explicit,
        by_fn("pg_int4_to_char", chars::int4_to_char),
    ),
    cast(
        BOOL,
        T,
        Assignment,
        by_fn("pg_bool_to_text", chars::bool_to_text),
    ),
    cast(
        BOOL,
        VC,
        Assignment,
        by_fn("pg_bool_to_varchar", chars::bool_to_text),
    ),
    cast(
        BOOL,
        BP,
        Assignment,
        by_fn("pg_bool_to_bpchar", chars::bool_to_text),
    ),
    cast(
        BP,
        BP,
        Implicit,
        by_typmod_fn("pg_bpchar_typmod", chars::bpchar_typmod_fn),
    ),
    cast(
        VC,
        VC,
        Implicit,
        by_typmod_fn("pg_varchar_typmod", chars::varchar_typmod_fn),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::Imp;

    #[test]
    fn catalog_rows_are_consistent() {
        let all: Vec<&Builtin> = COMPARISONS.iter().chain(FUNCTIONS).collect();
        // No two rows share a name, kind and argument types.
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(
                    !(a.name == b.name && a.kind == b.kind && a.args == b.args),
                    "duplicate row {} {:?}",
                    a.name,
                    a.args
                );
            }
        }
        // Every comparison of bool and of each character type is there.
        for ty in [BOOL, T, BP, NM, CH, UUID] {
            for name in ["=", "<>", "<", "<=", ">", ">="] {
                assert!(
                    all.iter().any(|b| b.name == name && b.args == [ty, ty]),
                    "{name} {ty:?}"
                );
            }
        }
    }

    #[test]
    fn text_arrays_are_json() {
        assert_eq!(
            text_array_json(&[Some("a\"b\\"), None, Some("\u{1}\n")]),
            "[\"a\\\"b\\\\\",null,\"\\u0001\\n\"]"
        );
        assert_eq!(text_array_json(&[]), "[]");
    }

    /// Every runtime function of this module and of bytea, called with awkward values of its
    /// argument types (extreme integers, empty and odd text), returns without panicking.
    #[test]
    fn no_function_panics_on_awkward_arguments() {
        use crate::env::Env;
        use crate::func::arg_types_text;
        let env = Env::default();
        let samples = |ty: Type| -> Vec<Value> {
            match ty {
                Type::INT4 | Type::INT8 | Type::BOOL => [
                    i64::MIN,
                    -2_147_483_648,
                    -1,
                    0,
                    1,
                    3,
                    2_147_483_647,
                    i64::MAX,
                ]
                .into_iter()
                .map(Value::Int)
                .collect(),
                Type::BYTEA => vec![
                    Value::Bytes(vec![]),
                    Value::Bytes(vec![0, 0xff, b'%', b'\\']),
                ],
                _ => ["", "é", "a\\", "%_x", "\\x0", "(", "{1}", "%1$*2$s"]
                    .into_iter()
                    .map(Value::from)
                    .collect(),
            }
        };
        for b in crate::types::text::FUNCTIONS
            .iter()
            .chain(crate::types::bytea::FUNCTIONS)
        {
            let (f, typed) = match b.imp {
                Imp::Scalar { f, typed, .. } => (f, typed),
                _ => continue,
            };
            let mut types: Vec<Type> = b.args.to_vec();
            for t in &mut types {
                if t.is_pseudo() {
                    *t = Type::TEXT;
                }
            }
            // All combinations would be too many; vary one argument at a time.
            for (k, ty) in types.iter().enumerate() {
                for v in samples(*ty) {
                    let mut args: Vec<Value> =
                        types.iter().map(|t| samples(*t).swap_remove(1)).collect();
                    args[k] = v;
                    if typed {
                        args.insert(0, Value::Text(arg_types_text(&types)));
                    }
                    let _ = f(&env, &args);
                }
            }
        }
    }
}
