//! Functions that format values of any type as text: `concat`, `concat_ws`, `format`,
//! `text || anynonarray`, `anynonarray || text`, `quote_literal(anyelement)`,
//! `quote_nullable(anyelement)`.
//!
//! These are `typed` runtime functions: their first argument is the text of the actual
//! argument types, and each value is shown with its type's output function
//! (`types::io::output`), as PostgreSQL does.

use super::strings::{quote_identifier, quote_literal_str};
use super::text_arg;
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::func::arg_types;
use crate::types::{Type, io};
use crate::value::Value;

/// The text form of the value argument `i` (0-based after the types), NULL → None.
fn shown(env: &Env, types: &[Type], args: &[Value], i: usize) -> Option<String> {
    let v = args.get(i + 1)?;
    let ty = types.get(i).copied().unwrap_or(Type::TEXT);
    io::output(ty, env, v)
}

/// Value argument `i` cast to text (`$1::text`): as its output, except bool (`true`/`false`)
/// and bpchar (trailing blanks removed).
fn cast_to_text(env: &Env, types: &[Type], args: &[Value], i: usize) -> Option<String> {
    let v = args.get(i + 1)?;
    match (types.get(i).copied(), v) {
        (_, Value::Null) => None,
        (Some(Type::BOOL), Value::Int(b)) => Some(if *b != 0 { "true" } else { "false" }.into()),
        (Some(Type::BPCHAR), Value::Text(s)) => Some(s.trim_end_matches(' ').to_string()),
        _ => shown(env, types, args, i),
    }
}

fn value_count(args: &[Value]) -> usize {
    args.len().saturating_sub(1)
}

/// `concat(VARIADIC "any")`: NULLs are skipped.
pub fn concat(env: &Env, args: &[Value]) -> Result<Value> {
    let types = arg_types(args.first().unwrap_or(&Value::Null));
    let mut out = String::new();
    for i in 0..value_count(args) {
        if let Some(s) = shown(env, &types, args, i) {
            out.push_str(&s);
        }
    }
    Ok(Value::Text(out))
}

/// `concat_ws(sep, VARIADIC "any")`: NULL separator → NULL; NULL values are skipped.
pub fn concat_ws(env: &Env, args: &[Value]) -> Result<Value> {
    let types = arg_types(args.first().unwrap_or(&Value::Null));
    let Some(sep) = shown(env, &types, args, 0) else {
        return Ok(Value::Null);
    };
    let mut out = String::new();
    let mut first = true;
    for i in 1..value_count(args) {
        if let Some(s) = shown(env, &types, args, i) {
            if !first {
                out.push_str(&sep);
            }
            out.push_str(&s);
            first = false;
        }
    }
    Ok(Value::Text(out))
}

/// `text || anynonarray` (`$1 || $2::text`).
pub fn textanycat(env: &Env, args: &[Value]) -> Result<Value> {
    let types = arg_types(args.first().unwrap_or(&Value::Null));
    let a = cast_to_text(env, &types, args, 0).unwrap_or_default();
    let b = cast_to_text(env, &types, args, 1).unwrap_or_default();
    Ok(Value::Text(a + &b))
}

/// `anynonarray || text`.
pub fn anytextcat(env: &Env, args: &[Value]) -> Result<Value> {
    textanycat(env, args)
}

/// `quote_literal(anyelement)` (`quote_literal($1::text)`).
pub fn quote_literal_any(env: &Env, args: &[Value]) -> Result<Value> {
    let types = arg_types(args.first().unwrap_or(&Value::Null));
    Ok(match cast_to_text(env, &types, args, 0) {
        Some(s) => Value::Text(quote_literal_str(&s)),
        None => Value::Null,
    })
}

/// `quote_nullable(anyelement)` (`quote_nullable($1::text)`).
pub fn quote_nullable_any(env: &Env, args: &[Value]) -> Result<Value> {
    let types = arg_types(args.first().unwrap_or(&Value::Null));
    Ok(Value::Text(match cast_to_text(env, &types, args, 0) {
        Some(s) => quote_literal_str(&s),
        None => "NULL".into(),
    }))
}

fn format_error(message: &str) -> SqlError {
    SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, message.to_string())
}

fn unterminated() -> SqlError {
    format_error("unterminated format() type specifier").with_hint("For a single \"%\" use \"%%\".")
}

fn too_few() -> SqlError {
    format_error("too few arguments for format()")
}

fn out_of_range() -> SqlError {
    SqlError::out_of_range("number is out of range")
}

/// Reads a decimal number at `*i` (int4 range, else 22003).
fn parse_num(f: &[char], i: &mut usize) -> Result<usize> {
    let mut n: i64 = 0;
    while let Some(d) = f.get(*i).and_then(|c| c.to_digit(10)) {
        n = n * 10 + i64::from(d);
        if n > i64::from(i32::MAX) {
            return Err(out_of_range());
        }
        *i += 1;
    }
    usize::try_from(n).map_err(|_| out_of_range())
}

fn arg_zero() -> SqlError {
    format_error("format specifies argument 0, but arguments are numbered from 1")
}

/// One parsed conversion specification.
struct Spec {
    /// 1-based explicit argument position.
    argpos: Option<usize>,
    left: bool,
    width: usize,
    /// The width comes from an argument: `Some(None)` the next one, `Some(Some(n))` the n-th.
    width_arg: Option<Option<usize>>,
    kind: char,
}

fn parse_spec(f: &[char], i: &mut usize) -> Result<Spec> {
    let mut spec = Spec {
        argpos: None,
        left: false,
        width: 0,
        width_arg: None,
        kind: 's',
    };
    let at = |i: usize| f.get(i).copied();
    let is_digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    if is_digit(at(*i)) {
        let n = parse_num(f, i)?;
        if at(*i).is_none() {
            return Err(unterminated());
        }
        if at(*i) == Some('$') {
            if n == 0 {
                return Err(arg_zero());
            }
            spec.argpos = Some(n);
            *i += 1;
        } else {
            // A plain width with no flags.
            spec.width = n;
            spec.kind = at(*i).ok_or_else(unterminated)?;
            *i += 1;
            return Ok(spec);
        }
    }
    while at(*i) == Some('-') {
        spec.left = true;
        *i += 1;
    }
    if at(*i) == Some('*') {
        *i += 1;
        if is_digit(at(*i)) {
            let n = parse_num(f, i)?;
            match at(*i) {
                None => return Err(unterminated()),
                Some('$') => *i += 1,
                Some(_) => {
                    return Err(format_error(
                        "width argument position must be ended by \"$\"",
                    ));
                }
            }
            if n == 0 {
                return Err(arg_zero());
            }
            spec.width_arg = Some(Some(n));
        } else {
            spec.width_arg = Some(None);
        }
    } else if is_digit(at(*i)) {
        spec.width = parse_num(f, i)?;
    }
    spec.kind = at(*i).ok_or_else(unterminated)?;
    *i += 1;
    Ok(spec)
}

/// The int4 value of a width argument (NULL → None); other types go through their text form
/// and int4 input, as in PostgreSQL.
fn width_value(env: &Env, types: &[Type], args: &[Value], idx: usize) -> Result<Option<i64>> {
    let text = match (args.get(idx + 1), types.get(idx)) {
        (None | Some(Value::Null), _) => return Ok(None),
        (Some(Value::Int(n)), Some(&Type::INT4 | &Type::INT2) | None) => return Ok(Some(*n)),
        _ => shown(env, types, args, idx).unwrap_or_default(),
    };
    let t = text.trim();
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SqlError::invalid_input("integer", &text));
    }
    match t.parse::<i32>() {
        Ok(n) => Ok(Some(i64::from(n))),
        Err(_) => Err(SqlError::out_of_range(format!(
            "value \"{text}\" is out of range for type integer"
        ))),
    }
}

fn push_padded(out: &mut String, s: &str, width: usize, left: bool) -> Result<()> {
    let len = s.chars().count();
    let pad = width.saturating_sub(len);
    if pad > 0 {
        let need = out.len().saturating_add(s.len()).saturating_add(pad);
        if i64::try_from(need).unwrap_or(i64::MAX) > super::strings::MAX_ALLOC {
            return Err(
                SqlError::new(sqlstate::PROGRAM_LIMIT_EXCEEDED, "out of memory").with_detail(
                    format!(
                        "Cannot enlarge string buffer containing {} bytes by {} more bytes.",
                        out.len(),
                        s.len().saturating_add(pad)
                    ),
                ),
            );
        }
    }
    if !left {
        out.extend(std::iter::repeat_n(' ', pad));
    }
    out.push_str(s);
    if left {
        out.extend(std::iter::repeat_n(' ', pad));
    }
    Ok(())
}

/// PostgreSQL's `format()`: `%[n$][-][width|*|*n$](s|I|L)` and `%%`.
fn format_impl(env: &Env, types: &[Type], args: &[Value]) -> Result<Value> {
    let fmt = match args.get(1) {
        None | Some(Value::Null) => return Ok(Value::Null),
        Some(_) => text_arg(args, 1)?,
    };
    // Values are the arguments after the format string.
    let nvalues = value_count(args).saturating_sub(1);
    let vtypes = types.get(1..).unwrap_or_default();
    let vargs = args.get(1..).unwrap_or_default();
    let f: Vec<char> = fmt.chars().collect();
    let mut out = String::with_capacity(fmt.len());
    let mut next = 0usize; // 0-based index of the next value
    let mut i = 0;
    while let Some(&c) = f.get(i) {
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        match f.get(i) {
            None => return Err(unterminated()),
            Some('%') => {
                out.push('%');
                i += 1;
                continue;
            }
            Some(_) => {}
        }
        let spec = parse_spec(&f, &mut i)?;
        if !matches!(spec.kind, 's' | 'I' | 'L') {
            return Err(format_error(&format!(
                "unrecognized format() type specifier \"{}\"",
                spec.kind
            ))
            .with_hint("For a single \"%\" use \"%%\"."));
        }
        let mut width = spec.width;
        let mut left = spec.left;
        if let Some(warg) = spec.width_arg {
            let idx = match warg {
                Some(n) => n - 1,
                None => next,
            };
            if idx >= nvalues {
                return Err(too_few());
            }
            next = idx + 1;
            if let Some(w) = width_value(env, vtypes, vargs, idx)? {
                if w == i64::from(i32::MIN) {
                    return Err(out_of_range());
                }
                if w < 0 {
                    left = true;
                }
                width = usize::try_from(w.unsigned_abs()).unwrap_or(usize::MAX);
            }
        }
        let idx = match spec.argpos {
            Some(n) => n - 1,
            None => next,
        };
        if idx >= nvalues {
            return Err(too_few());
        }
        next = idx + 1;
        let value = shown(env, vtypes, vargs, idx);
        let s = match (spec.kind, value) {
            ('s', v) => v.unwrap_or_default(),
            ('I', Some(v)) => quote_identifier(&v),
            ('I', None) => {
                return Err(SqlError::new(
                    sqlstate::NULL_VALUE_NOT_ALLOWED,
                    "null values cannot be formatted as an SQL identifier",
                ));
            }
            (_, Some(v)) => quote_literal_str(&v),
            (_, None) => "NULL".into(),
        };
        push_padded(&mut out, &s, width, left)?;
    }
    Ok(Value::Text(out))
}

/// `format(text, VARIADIC "any")` (typed).
pub fn format(env: &Env, args: &[Value]) -> Result<Value> {
    let types = arg_types(args.first().unwrap_or(&Value::Null));
    format_impl(env, &types, args)
}

/// `format(text)` (not typed): only `%%` can appear without error.
pub fn format_nv(env: &Env, args: &[Value]) -> Result<Value> {
    let all = vec![
        Value::Text(Type::TEXT.0.to_string()),
        args.first().cloned().unwrap_or(Value::Null),
    ];
    format_impl(env, &[Type::TEXT], &all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::arg_types_text;

    /// Calls a typed function with (type, value) pairs.
    fn typed(f: crate::func::ScalarFn, args: &[(Type, Value)]) -> Result<Value> {
        let types: Vec<Type> = args.iter().map(|(t, _)| *t).collect();
        let mut all = vec![Value::Text(arg_types_text(&types))];
        all.extend(args.iter().map(|(_, v)| v.clone()));
        f(&Env::default(), &all)
    }
    fn t(s: &str) -> (Type, Value) {
        (Type::TEXT, Value::Text(s.into()))
    }
    fn i(n: i64) -> (Type, Value) {
        (Type::INT4, Value::Int(n))
    }
    fn null() -> (Type, Value) {
        (Type::TEXT, Value::Null)
    }
    fn fmt(args: &[(Type, Value)]) -> String {
        match typed(format, args).unwrap() {
            Value::Text(s) => s,
            other => panic!("{other:?}"),
        }
    }
    fn fmt_err(args: &[(Type, Value)]) -> (String, String) {
        let e = typed(format, args).unwrap_err();
        (e.sqlstate.to_string(), e.message)
    }

    #[test]
    fn format_positions_and_widths() {
        // All expected values from PostgreSQL 15.
        assert_eq!(fmt(&[t("%1$s %s"), t("a"), t("b")]), "a b");
        assert_eq!(fmt(&[t("%2$s %s"), t("a"), t("b"), t("c")]), "b c");
        assert_eq!(fmt(&[t("%s %1$s %s"), t("a"), t("b")]), "a a b");
        assert_eq!(fmt(&[t("|%-5s|%5s|"), t("ab"), t("cd")]), "|ab   |   cd|");
        assert_eq!(fmt(&[t("|%*s|"), i(5), t("x")]), "|    x|");
        assert_eq!(fmt(&[t("|%*s|"), i(-5), t("x")]), "|x    |");
        assert_eq!(fmt(&[t("|%*s|"), (Type::INT4, Value::Null), t("x")]), "|x|");
        assert_eq!(fmt(&[t("|%-*s|"), i(5), t("x")]), "|x    |");
        assert_eq!(fmt(&[t("%I %L"), t("Foo"), t("O'x")]), "\"Foo\" 'O''x'");
        assert_eq!(fmt(&[t("%L %s|"), null(), null()]), "NULL |");
        assert_eq!(fmt(&[t("%1$s %1$s"), t("a")]), "a a");
        assert_eq!(fmt(&[t("%-s|"), t("a")]), "a|");
        assert_eq!(fmt(&[t("%s"), t("a"), t("b")]), "a");
        assert_eq!(fmt(&[t("abc")]), "abc");
        assert_eq!(fmt(&[t("%%")]), "%");
        assert_eq!(
            fmt(&[t("%s %s"), (Type::BOOL, Value::Int(1)), i(15)]),
            "t 15"
        );
        assert_eq!(typed(format, &[null(), i(1)]).unwrap(), Value::Null);
    }

    #[test]
    fn format_errors() {
        let too_few = (
            crate::sqlstate::INVALID_PARAMETER_VALUE.to_string(),
            "too few arguments for format()".to_string(),
        );
        assert_eq!(fmt_err(&[t("|%*2$s|"), t("x"), i(5)]), too_few);
        assert_eq!(fmt_err(&[t("%s")]), too_few);
        assert_eq!(fmt_err(&[t("%3$s"), t("a")]), too_few);
        assert_eq!(fmt_err(&[t("|%*1$s|"), i(3)]), too_few);
        assert_eq!(fmt_err(&[t("%s%")]), too_few);
        assert_eq!(
            fmt_err(&[t("|%*2s|"), t("x"), i(5)]),
            (
                crate::sqlstate::INVALID_PARAMETER_VALUE.into(),
                "width argument position must be ended by \"$\"".into()
            )
        );
        for f in ["%", "%5", "%5$"] {
            let e = typed(format, &[t(f), i(1)]).unwrap_err();
            assert_eq!(e.message, "unterminated format() type specifier");
            assert_eq!(e.hint.as_deref(), Some("For a single \"%\" use \"%%\"."));
        }
        assert_eq!(
            fmt_err(&[t("%x"), i(1)]),
            (
                crate::sqlstate::INVALID_PARAMETER_VALUE.into(),
                "unrecognized format() type specifier \"x\"".into()
            )
        );
        assert_eq!(
            fmt_err(&[t("%0$s"), i(1)]),
            (
                crate::sqlstate::INVALID_PARAMETER_VALUE.into(),
                "format specifies argument 0, but arguments are numbered from 1".into()
            )
        );
        assert_eq!(
            fmt_err(&[t("%99999999999$s"), i(1)]),
            (
                crate::sqlstate::NUMERIC_VALUE_OUT_OF_RANGE.into(),
                "number is out of range".into()
            )
        );
        assert_eq!(
            fmt_err(&[t("%I"), null()]),
            (
                crate::sqlstate::NULL_VALUE_NOT_ALLOWED.into(),
                "null values cannot be formatted as an SQL identifier".into()
            )
        );
        assert_eq!(
            fmt_err(&[t("%*s"), t("x"), t("y")]),
            (
                crate::sqlstate::INVALID_TEXT_REPRESENTATION.into(),
                "invalid input syntax for type integer: \"x\"".into()
            )
        );
        assert_eq!(
            fmt_err(&[t("%*s"), i(-2147483648), t("y")]),
            (
                crate::sqlstate::NUMERIC_VALUE_OUT_OF_RANGE.into(),
                "number is out of range".into()
            )
        );
        assert_eq!(
            fmt_err(&[t("%*s"), i(2147483647), t("y")]).0,
            crate::sqlstate::PROGRAM_LIMIT_EXCEEDED
        );
        assert_eq!(
            fmt_err(&[t("%*s"), (Type::INT8, Value::Int(12345678901)), t("y")]),
            (
                crate::sqlstate::NUMERIC_VALUE_OUT_OF_RANGE.into(),
                "value \"12345678901\" is out of range for type integer".into()
            )
        );
        assert_eq!(
            fmt(&[t("%*s|"), (Type::INT8, Value::Int(3)), t("y")]),
            "  y|"
        );
        let e = format_nv(&Env::default(), &[Value::Text("%s".into())]).unwrap_err();
        assert_eq!(e.message, "too few arguments for format()");
        assert_eq!(
            format_nv(&Env::default(), &[Value::Text("a%%".into())]).unwrap(),
            Value::Text("a%".into())
        );
    }

    #[test]
    fn concat_family() {
        // select concat('a', NULL, 1, true) → a1t; concat_ws(',', 'a', NULL, 2) → a,2
        assert_eq!(
            typed(concat, &[t("a"), null(), i(1), (Type::BOOL, Value::Int(1))]).unwrap(),
            Value::Text("a1t".into())
        );
        assert_eq!(typed(concat, &[]).unwrap(), Value::Text(String::new()));
        assert_eq!(
            typed(concat_ws, &[t(","), t("a"), null(), i(2)]).unwrap(),
            Value::Text("a,2".into())
        );
        assert_eq!(typed(concat_ws, &[null(), t("a")]).unwrap(), Value::Null);
        assert_eq!(
            typed(textanycat, &[t("n="), i(5)]).unwrap(),
            Value::Text("n=5".into())
        );
        // select false || '!'::text → false!; quote_literal(true) → 'true'
        assert_eq!(
            typed(anytextcat, &[(Type::BOOL, Value::Int(0)), t("!")]).unwrap(),
            Value::Text("false!".into())
        );
        assert_eq!(
            typed(quote_literal_any, &[(Type::BOOL, Value::Int(1))]).unwrap(),
            Value::Text("'true'".into())
        );
        // select format('%L', true) → 't'; concat('a'::char(3), 'b') → 'a  b'
        assert_eq!(fmt(&[t("%L"), (Type::BOOL, Value::Int(1))]), "'t'");
        assert_eq!(
            typed(concat, &[(Type::BPCHAR, Value::Text("a  ".into())), t("b")]).unwrap(),
            Value::Text("a  b".into())
        );
        assert_eq!(
            typed(quote_literal_any, &[i(42)]).unwrap(),
            Value::Text("'42'".into())
        );
        assert_eq!(
            typed(quote_nullable_any, &[(Type::INT4, Value::Null)]).unwrap(),
            Value::Text("NULL".into())
        );
    }
}
