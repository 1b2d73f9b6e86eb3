//! Unit tests of the number types. Every expected value is what PostgreSQL 15.18 printed for
//! the same input (`psql -At`), with the SQLSTATE for errors.

use super::*;
use crate::env::Env;
use crate::func::{Builtin, Imp, Kind};
use crate::types::{Type, io, numeric_typmod as typmod};
use crate::value::Value;

const I2: Type = Type::INT2;
const I4: Type = Type::INT4;
const I8: Type = Type::INT8;
const F4: Type = Type::FLOAT4;
const F8: Type = Type::FLOAT8;
const N: Type = Type::NUMERIC;

fn env() -> Env {
    Env::default()
}

fn builtin(name: &str, kind: Kind, args: &[Type]) -> &'static Builtin {
    FUNCTIONS
        .iter()
        .find(|b| b.name == name && b.kind == kind && b.args == args)
        .unwrap_or_else(|| panic!("no {kind:?} {name}{args:?}"))
}

/// Calls the function or operator `name(args)` with values given in text form.
fn call_raw(name: &str, args: &[Type], vals: &[Value]) -> Result<Value> {
    let kind = if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Kind::Function
    } else {
        Kind::Operator
    };
    match builtin(name, kind, args).imp {
        Imp::Scalar { f, .. } => f(&env(), vals),
        other => panic!("{name} is {other:?}"),
    }
}

/// Reads `text` as a value of `ty` (its input function).
fn val(ty: Type, text: &str) -> Value {
    io::input(ty, &env(), text, -1).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// `name(args…)` with arguments given as text of the argument types, result printed by the
/// result type's output function.
fn q(name: &str, args: &[(Type, &str)]) -> String {
    match try_q(name, args) {
        Ok(s) => s,
        Err(e) => panic!("{name}{args:?}: {} {}", e.sqlstate, e.message),
    }
}

fn try_q(name: &str, args: &[(Type, &str)]) -> Result<String> {
    let types: Vec<Type> = args.iter().map(|(t, _)| *t).collect();
    let vals: Vec<Value> = args.iter().map(|(t, s)| val(*t, s)).collect();
    let kind = if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Kind::Function
    } else {
        Kind::Operator
    };
    let ret = builtin(name, kind, &types).ret;
    let v = call_raw(name, &types, &vals)?;
    Ok(io::output(ret, &env(), &v).unwrap_or_else(|| "<NULL>".into()))
}

/// The error `name(args…)` raises: (SQLSTATE, message).
fn q_err(name: &str, args: &[(Type, &str)]) -> (&'static str, String) {
    match try_q(name, args) {
        Ok(s) => panic!("{name}{args:?} gave {s}"),
        Err(e) => (e.sqlstate, e.message),
    }
}

fn n(s: &str) -> (Type, &str) {
    (N, s)
}

fn input_err(ty: Type, text: &str, typmod: i32) -> (&'static str, String, Option<String>) {
    match io::input(ty, &env(), text, typmod) {
        Ok(v) => panic!("{text} read as {v:?}"),
        Err(e) => (e.sqlstate, e.message, e.detail),
    }
}

fn out(ty: Type, text: &str, typmod: i32) -> String {
    let v = io::input(ty, &env(), text, typmod).unwrap_or_else(|e| panic!("{text}: {e}"));
    io::output(ty, &env(), &v).unwrap_or_default()
}

#[test]
fn numeric_input_matches_postgresql() {
    // select '  12.30  '::numeric, '-0.00'::numeric, '+.5'::numeric, '5.'::numeric, ...
    for (input, expected) in [
        ("  12.30  ", "12.30"),
        ("-0.00", "0.00"),
        ("+.5", "0.5"),
        ("5.", "5"),
        ("1e3", "1000"),
        ("1.50e1", "15.0"),
        ("1e-3", "0.001"),
        ("1E+2", "100"),
        (" NaN ", "NaN"),
        ("inf", "Infinity"),
        ("-INFINITY", "-Infinity"),
        ("0e100000", "0"),
        ("1e 5", "100000"),
        ("-12345.678", "-12345.678"),
        ("0.000001", "0.000001"),
    ] {
        assert_eq!(out(N, input, -1), expected, "{input}");
    }
    for bad in ["1e", ".", "x", "1.2.3", "", "- 1", "1 2", "NaNx"] {
        assert_eq!(
            input_err(N, bad, -1),
            (
                "22P02",
                format!("invalid input syntax for type numeric: \"{bad}\""),
                None
            )
        );
    }
    for big in ["1e1073741823", "1e131072", "1e-16384", "1e-20000"] {
        assert_eq!(
            input_err(N, big, -1),
            ("22003", "value overflows numeric format".into(), None),
            "{big}"
        );
    }
    // The limits themselves fit.
    assert_eq!(out(N, "1e131071", -1).len(), 131_072);
    assert_eq!(out(N, "1e-16383", -1).len(), 16_385);
}

#[test]
fn numeric_typmod_matches_postgresql() {
    assert_eq!(out(N, "123.456", typmod(5, 2)), "123.46");
    assert_eq!(out(N, "12.3", typmod(5, 2)), "12.30");
    assert_eq!(out(N, "12345", typmod(5, -2)), "12300");
    assert_eq!(out(N, "0.5", typmod(1, 0)), "1");
    assert_eq!(out(N, "nan", typmod(5, 2)), "NaN");
    assert_eq!(out(N, "-2.5", typmod(3, 0)), "-3");
    let overflow = |p: i32, s: i32, bound: &str| {
        (
            "22003",
            "numeric field overflow".to_string(),
            Some(format!(
                "A field with precision {p}, scale {s} must round to an absolute value less than {bound}."
            )),
        )
    };
    assert_eq!(input_err(N, "1234.5", typmod(5, 2)), overflow(5, 2, "10^3"));
    assert_eq!(input_err(N, "99.995", typmod(4, 2)), overflow(4, 2, "10^2"));
    assert_eq!(input_err(N, "0.001", typmod(2, 5)), overflow(2, 5, "10^-3"));
    assert_eq!(input_err(N, "9.5", typmod(1, 0)), overflow(1, 0, "10^1"));
    assert_eq!(input_err(N, "0.95", typmod(1, 1)), overflow(1, 1, "1"));
    assert_eq!(input_err(N, "1e200000", typmod(5, 2)), overflow(5, 2, "10^3"));
    assert_eq!(
        input_err(N, "inf", typmod(5, 2)),
        (
            "22003",
            "numeric field overflow".into(),
            Some("A field with precision 5, scale 2 cannot hold an infinite value.".into())
        )
    );
    // Coercing a stored value (numeric(numeric, int4)).
    let v = numeric_typmod(Value::Text("123.456".into()), typmod(5, 2));
    assert_eq!(v, Ok(Value::Text("123.46".into())));
    assert_eq!(out(N, "0.9", typmod(1, 1)), "0.9");
    assert_eq!(numeric_typmod_in(&[10, 2]), Ok(typmod(10, 2)));
    assert_eq!(
        numeric_typmod_in(&[0]).map_err(|e| e.message),
        Err("NUMERIC precision 0 must be between 1 and 1000".into())
    );
    assert_eq!(
        numeric_typmod_in(&[5, 1001]).map_err(|e| e.message),
        Err("NUMERIC scale 1001 must be between -1000 and 1000".into())
    );
}
