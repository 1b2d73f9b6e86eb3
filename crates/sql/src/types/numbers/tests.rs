//! Unit tests of the number types. Every expected value is what PostgreSQL 15.18 printed for
//! the same input (`psql -At`), with the SQLSTATE for errors.

use super::catalog::{F4, F8, I2, I4, I8, N};
use super::*;
use crate::env::Env;
use crate::error::sqlstate;
use crate::func::{Builtin, Imp, Kind};
use crate::types::{Type, io, numeric_typmod as typmod};
use crate::value::Value;

fn env() -> Env {
    Env::default()
}

/// Every catalog row of the number types.
fn rows() -> impl Iterator<Item = &'static Builtin> {
    COMPARISONS.iter().chain(FUNCTIONS)
}

fn builtin(name: &str, kind: Kind, args: &[Type]) -> &'static Builtin {
    rows()
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

/// An error PostgreSQL raised: the function or operator, its arguments, SQLSTATE, message.
type ErrorCase<'a> = (&'a str, &'a [(Type, &'a str)], &'a str, &'a str);

const OUT_OF_RANGE: &str = sqlstate::NUMERIC_VALUE_OUT_OF_RANGE;
const NOT_SUPPORTED: &str = sqlstate::FEATURE_NOT_SUPPORTED;

/// Asserts that `got` is the error PostgreSQL raised: its SQLSTATE and message.
#[track_caller]
fn assert_error(got: (&'static str, String), sqlstate: &str, message: &str) {
    assert_eq!((got.0, got.1.as_str()), (sqlstate, message));
}

fn n(s: &str) -> (Type, &str) {
    (N, s)
}

fn f(s: &str) -> (Type, &str) {
    (F8, s)
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
                crate::sqlstate::INVALID_TEXT_REPRESENTATION,
                format!("invalid input syntax for type numeric: \"{bad}\""),
                None
            )
        );
    }
    for big in ["1e1073741823", "1e131072", "1e-16384", "1e-20000"] {
        assert_eq!(
            input_err(N, big, -1),
            (OUT_OF_RANGE, "value overflows numeric format".into(), None),
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
            OUT_OF_RANGE,
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
    assert_eq!(
        input_err(N, "1e200000", typmod(5, 2)),
        overflow(5, 2, "10^3")
    );
    assert_eq!(
        input_err(N, "inf", typmod(5, 2)),
        (
            OUT_OF_RANGE,
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

#[test]
fn numeric_arithmetic_matches_postgresql() {
    // select 1::numeric/3, 10::numeric/4, 1::numeric/7e10, 123456789::numeric/0.001,
    //        2.50::numeric/1.2, 1e-10/3::numeric
    assert_eq!(q("/", &[n("1"), n("3")]), "0.33333333333333333333");
    assert_eq!(q("/", &[n("10"), n("4")]), "2.5000000000000000");
    assert_eq!(
        q("/", &[n("1"), n("7e10")]),
        "0.0000000000142857142857142857"
    );
    assert_eq!(
        q("/", &[n("123456789"), n("0.001")]),
        "123456789000.00000000"
    );
    assert_eq!(q("/", &[n("2.50"), n("1.2")]), "2.0833333333333333");
    assert_eq!(
        q("/", &[n("1e-10"), n("3")]),
        "0.0000000000333333333333333333"
    );
    // select 1.5::numeric * 2.25, 10.5 % 3, -10.5 % 3, div(10.5, 3), div(-7, 2),
    //        mod(-7::numeric, 2), round(2.5::numeric), round(-2.5::numeric),
    //        round(1234.5678, 2), round(1234.5678, -2), round(1.5, 3),
    //        trunc(1234.5678, -2), trunc(-1.99::numeric)
    assert_eq!(q("*", &[n("1.5"), n("2.25")]), "3.375");
    assert_eq!(q("%", &[n("10.5"), n("3")]), "1.5");
    assert_eq!(q("%", &[n("-10.5"), n("3")]), "-1.5");
    assert_eq!(q("div", &[n("10.5"), n("3")]), "3");
    assert_eq!(q("div", &[n("-7"), n("2")]), "-3");
    assert_eq!(q("mod", &[n("-7"), n("2")]), "-1");
    assert_eq!(q("round", &[n("2.5")]), "3");
    assert_eq!(q("round", &[n("-2.5")]), "-3");
    assert_eq!(q("round", &[n("1234.5678"), (I4, "2")]), "1234.57");
    assert_eq!(q("round", &[n("1234.5678"), (I4, "-2")]), "1200");
    assert_eq!(q("round", &[n("1.5"), (I4, "3")]), "1.500");
    assert_eq!(q("trunc", &[n("1234.5678"), (I4, "-2")]), "1200");
    assert_eq!(q("trunc", &[n("-1.99")]), "-1");
    // select ceil(1.2::numeric), ceil(-1.2::numeric), floor(-1.2::numeric),
    //        floor(1.000::numeric), abs(-1.50::numeric), sign(-1.50::numeric),
    //        sign(0.0::numeric), scale(1.500), min_scale(1.500), trim_scale(1.500),
    //        trim_scale(100.000), gcd(12.0::numeric, 18), lcm(4.0::numeric, 6.00),
    //        factorial(20), factorial(0)
    assert_eq!(q("ceil", &[n("1.2")]), "2");
    assert_eq!(q("ceiling", &[n("-1.2")]), "-1");
    assert_eq!(q("floor", &[n("-1.2")]), "-2");
    assert_eq!(q("floor", &[n("1.000")]), "1");
    assert_eq!(q("abs", &[n("-1.50")]), "1.50");
    assert_eq!(q("@", &[n("-1.50")]), "1.50");
    assert_eq!(q("sign", &[n("-1.50")]), "-1");
    assert_eq!(q("sign", &[n("0.0")]), "0");
    assert_eq!(q("scale", &[n("1.500")]), "3");
    assert_eq!(q("min_scale", &[n("1.500")]), "1");
    assert_eq!(q("trim_scale", &[n("1.500")]), "1.5");
    assert_eq!(q("trim_scale", &[n("100.000")]), "100");
    assert_eq!(q("gcd", &[n("12.0"), n("18")]), "6.0");
    assert_eq!(q("lcm", &[n("4.0"), n("6.00")]), "12.00");
    assert_eq!(q("factorial", &[(I8, "20")]), "2432902008176640000");
    assert_eq!(q("factorial", &[(I8, "0")]), "1");
    // select lcm(1.5, 2.5), gcd(1.5, 2.50), lcm(0::numeric, 5.00), round(1.5, -2001),
    //        round(12345.678, -2000), trunc(2.5, 2001)
    assert_eq!(q("lcm", &[n("1.5"), n("2.5")]), "7.5");
    assert_eq!(q("gcd", &[n("1.5"), n("2.50")]), "0.50");
    assert_eq!(q("lcm", &[n("0"), n("5.00")]), "0.00");
    assert_eq!(q("round", &[n("1.5"), (I4, "-2001")]), "0");
    assert_eq!(q("round", &[n("12345.678"), (I4, "-2000")]), "0");
    assert_eq!(
        q("trunc", &[n("2.5"), (I4, "2001")]),
        format!("2.5{}", "0".repeat(1999))
    );
    // select length(factorial(1000)::text)
    assert_eq!(q("factorial", &[(I8, "1000")]).len(), 2568);
    assert_eq!(q("-", &[n("0.00")]), "0.00");
    assert_eq!(q("-", &[n("1.10"), n("1.1")]), "0.00");
    assert_eq!(q("+", &[n("-1.10"), n("1.1")]), "0.00");
    // Products keep every digit up to the largest display scale.
    assert_eq!(
        q("*", &[n("1e-10000"), n("1e-10000")]),
        format!("0.{}", "0".repeat(16383))
    );
    // The errors PostgreSQL raised: (function or operator, arguments, SQLSTATE, message).
    let errors: &[ErrorCase<'_>] = &[
        (
            "factorial",
            &[(I8, "-1")],
            OUT_OF_RANGE,
            "factorial of a negative number is undefined",
        ),
        (
            "factorial",
            &[(I8, "32178")],
            OUT_OF_RANGE,
            "value overflows numeric format",
        ),
    ];
    for (name, args, state, message) in errors {
        assert_error(q_err(name, args), state, message);
    }
}

#[test]
fn numeric_special_values_match_postgresql() {
    // select 'nan'::numeric + 1, 'inf'::numeric - 'inf', 'inf'::numeric * 0,
    //        '-inf'::numeric * -2, 'inf'::numeric / 'inf', 5::numeric / 'inf',
    //        'inf'::numeric % 3, 5.5 % '-inf'::numeric, div('inf'::numeric, 2),
    //        abs('-inf'::numeric), -('inf'::numeric), sign('-inf'::numeric),
    //        sign('nan'::numeric), round('inf'::numeric, 2), ceil('-inf'::numeric),
    //        gcd('inf'::numeric, 2), scale('nan'::numeric) is null,
    //        min_scale('inf'::numeric) is null, trim_scale('-inf'::numeric)
    assert_eq!(q("+", &[n("nan"), n("1")]), "NaN");
    assert_eq!(q("-", &[n("inf"), n("inf")]), "NaN");
    assert_eq!(q("*", &[n("inf"), n("0")]), "NaN");
    assert_eq!(q("*", &[n("-inf"), n("-2")]), "Infinity");
    assert_eq!(q("/", &[n("inf"), n("inf")]), "NaN");
    assert_eq!(q("/", &[n("5"), n("inf")]), "0");
    assert_eq!(q("%", &[n("inf"), n("3")]), "NaN");
    assert_eq!(q("%", &[n("5.5"), n("-inf")]), "5.5");
    assert_eq!(q("div", &[n("inf"), n("2")]), "Infinity");
    assert_eq!(q("abs", &[n("-inf")]), "Infinity");
    assert_eq!(q("-", &[n("inf")]), "-Infinity");
    assert_eq!(q("sign", &[n("-inf")]), "-1");
    assert_eq!(q("sign", &[n("nan")]), "NaN");
    assert_eq!(q("round", &[n("inf"), (I4, "2")]), "Infinity");
    assert_eq!(q("ceil", &[n("-inf")]), "-Infinity");
    assert_eq!(q("gcd", &[n("inf"), n("2")]), "NaN");
    assert_eq!(q("scale", &[n("nan")]), "<NULL>");
    assert_eq!(q("min_scale", &[n("inf")]), "<NULL>");
    assert_eq!(q("trim_scale", &[n("-inf")]), "-Infinity");
    let div0 = (
        crate::sqlstate::DIVISION_BY_ZERO,
        "division by zero".to_string(),
    );
    assert_eq!(q_err("/", &[n("inf"), n("0")]), div0);
    assert_eq!(q_err("%", &[n("inf"), n("0")]), div0);
    assert_eq!(q_err("%", &[n("1"), n("0")]), div0);
    assert_eq!(q_err("div", &[n("1"), n("0")]), div0);
    assert_eq!(q_err("/", &[n("1.5"), n("0.00")]), div0);
}

#[test]
fn numeric_transcendental_functions_match_postgresql() {
    // select sqrt(0::numeric), sqrt(2::numeric), sqrt(100::numeric), sqrt(0.0001::numeric),
    //        sqrt(1e20::numeric), sqrt(12345.6789::numeric)
    assert_eq!(q("sqrt", &[n("0")]), "0.000000000000000");
    assert_eq!(q("sqrt", &[n("2")]), "1.414213562373095");
    assert_eq!(q("sqrt", &[n("100")]), "10.000000000000000");
    assert_eq!(q("sqrt", &[n("0.0001")]), "0.01000000000000000");
    assert_eq!(q("sqrt", &[n("1e20")]), "10000000000.00000");
    assert_eq!(q("sqrt", &[n("12345.6789")]), "111.1111106055556");
    // select 2::numeric ^ 10, 2::numeric ^ -2, 1.5::numeric ^ 3, 2::numeric ^ 0.5,
    //        0::numeric ^ 0.5, (-2)::numeric ^ 3, 0.5::numeric ^ 100000.5
    assert_eq!(q("^", &[n("2"), n("10")]), "1024.0000000000000000");
    assert_eq!(q("^", &[n("2"), n("-2")]), "0.2500000000000000");
    assert_eq!(q("power", &[n("1.5"), n("3")]), "3.3750000000000000");
    assert_eq!(q("pow", &[n("2"), n("0.5")]), "1.4142135623730950");
    assert_eq!(q("^", &[n("0"), n("0.5")]), "0.0000000000000000");
    assert_eq!(q("^", &[n("-2"), n("3")]), "-8.0000000000000000");
    assert_eq!(
        q("^", &[n("0.5"), n("100000.5")]),
        format!("0.{}", "0".repeat(1000))
    );
    // select exp(1::numeric), exp(0::numeric), exp(-1::numeric), exp(100::numeric),
    //        exp(1.5::numeric), exp(-100::numeric)
    assert_eq!(q("exp", &[n("1")]), "2.7182818284590452");
    assert_eq!(q("exp", &[n("0")]), "1.0000000000000000");
    assert_eq!(q("exp", &[n("-1")]), "0.3678794411714423");
    assert_eq!(
        q("exp", &[n("100")]),
        "26881171418161354484126255515800135873611119"
    );
    assert_eq!(q("exp", &[n("1.5")]), "4.4816890703380648");
    assert_eq!(
        q("exp", &[n("-100")]),
        "0.00000000000000000000000000000000000000000003720075976020836"
    );
    // select ln(2::numeric), ln(10::numeric), ln(1.0000001::numeric), ln(1e100::numeric),
    //        ln(0.001::numeric), log(100::numeric), log(2::numeric, 8::numeric),
    //        log(2.5::numeric), log10(1000::numeric)
    assert_eq!(q("ln", &[n("2")]), "0.6931471805599453");
    assert_eq!(q("ln", &[n("10")]), "2.3025850929940457");
    assert_eq!(q("ln", &[n("1.0000001")]), "0.00000009999999500000033");
    assert_eq!(q("ln", &[n("1e100")]), "230.25850929940457");
    assert_eq!(q("ln", &[n("0.001")]), "-6.9077552789821371");
    assert_eq!(q("log", &[n("100")]), "2.0000000000000000");
    assert_eq!(q("log", &[n("2"), n("8")]), "3.0000000000000000");
    assert_eq!(q("log", &[n("2.5")]), "0.3979400086720376");
    assert_eq!(q("log10", &[n("1000")]), "3.0000000000000000");
}

/// Compares against a file of cases PostgreSQL evaluated (`name \t types \t args \t result`,
/// args separated by U+001F, errors as `ERROR:sqlstate:message`): run with
/// `DIFF_FILE=cases.tsv cargo test -p sql differential -- --ignored --nocapture`.
#[test]
#[ignore = "needs a case file produced by PostgreSQL"]
fn differential() {
    let Ok(path) = std::env::var("DIFF_FILE") else {
        return;
    };
    let data = std::fs::read_to_string(path).expect("case file");
    let (mut total, mut bad) = (0, 0);
    for line in data.lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        if parts.len() != 4 {
            continue;
        }
        total += 1;
        let types: Vec<Type> = parts[1]
            .split(',')
            .map(|t| Type::by_name(t).expect("type"))
            .collect();
        let args: Vec<&str> = parts[2].split('\u{1f}').collect();
        let typed: Vec<(Type, &str)> = types.iter().copied().zip(args.iter().copied()).collect();
        let inputs: Result<Vec<Value>> = typed
            .iter()
            .take(if parts[0] == "::" {
                1
            } else if parts[0].starts_with("agg:") {
                0
            } else {
                typed.len()
            })
            .map(|(t, s)| io::input(*t, &env(), s, -1))
            .collect();
        let got = match inputs {
            _ if parts[0].starts_with("agg:") => {
                match args
                    .iter()
                    .find_map(|a| io::input(types[0], &env(), a, -1).err())
                {
                    Some(e) => format!("ERROR:{}:{}", e.sqlstate, e.message),
                    None => {
                        let vals: Vec<Option<&str>> = args.iter().map(|a| Some(*a)).collect();
                        aggregate(&parts[0][4..], types[0], &vals)
                    }
                }
            }
            Err(e) => format!("ERROR:{}:{}", e.sqlstate, e.message),
            Ok(_) if parts[0] == "::" => match try_cast(types[0], types[1], args[0]) {
                Ok(s) => s,
                Err(e) => format!("ERROR:{}:{}", e.sqlstate, e.message),
            },
            Ok(_) => match try_q(parts[0], &typed) {
                Ok(s) => s,
                Err(e) => format!("ERROR:{}:{}", e.sqlstate, e.message),
            },
        };
        if got != parts[3] {
            bad += 1;
            if bad <= 40 {
                println!("{}({}) = {} want {}", parts[0], parts[2], got, parts[3]);
            }
        }
    }
    println!("{bad} of {total} differ");
    assert_eq!(bad, 0);
}

#[test]
fn integer_input_matches_postgresql() {
    // select ' 12 '::int4, '+5'::int2, '-0'::int8, '00012'::int4
    assert_eq!(out(I4, " 12 ", -1), "12");
    assert_eq!(out(I2, "+5", -1), "5");
    assert_eq!(out(I8, "-0", -1), "0");
    assert_eq!(out(I4, "00012", -1), "12");
    assert_eq!(out(I8, "-9223372036854775808", -1), "-9223372036854775808");
    assert_eq!(out(I2, "-32768", -1), "-32768");
    for bad in ["12a", "", "1.5", " ", "+", "- 1", "0x10"] {
        assert_eq!(
            input_err(I4, bad, -1),
            (
                crate::sqlstate::INVALID_TEXT_REPRESENTATION,
                format!("invalid input syntax for type integer: \"{bad}\""),
                None
            )
        );
    }
    for (ty, text, name) in [
        (I4, "99999999999x", "integer"),
        (I4, "2147483648", "integer"),
        (I2, "-32769", "smallint"),
        (I8, "9223372036854775808", "bigint"),
    ] {
        assert_eq!(
            input_err(ty, text, -1),
            (
                OUT_OF_RANGE,
                format!("value \"{text}\" is out of range for type {name}"),
                None
            )
        );
    }
    // select '4294967295'::oid, '-1'::oid, ' 12 '::oid, '+7'::oid, '-2147483648'::oid
    assert_eq!(out(Type::OID, "4294967295", -1), "4294967295");
    assert_eq!(out(Type::OID, "-1", -1), "4294967295");
    assert_eq!(out(Type::OID, " 12 ", -1), "12");
    assert_eq!(out(Type::OID, "+7", -1), "7");
    assert_eq!(out(Type::OID, "-2147483648", -1), "2147483648");
    assert_eq!(out(Type::REGCLASS, "1259", -1), "1259");
    for bad in ["", "x", "1 2"] {
        assert_eq!(
            input_err(Type::OID, bad, -1).1,
            format!("invalid input syntax for type oid: \"{bad}\"")
        );
    }
    for big in ["4294967296", "-4294967295", "-2147483649"] {
        assert_eq!(
            input_err(Type::OID, big, -1),
            (
                OUT_OF_RANGE,
                format!("value \"{big}\" is out of range for type oid"),
                None
            )
        );
    }
}

#[test]
fn integer_operators_match_postgresql() {
    // select 1 << 31, 1 << 32, 1 << 33, 1 << -1, -8 >> 1, -8 >> 33, 1::int2 << 15,
    //        1::int2 << 16, 1::int2 << 17, 1::int2 << 31, 1::int2 << 32, -1::int2 >> 20,
    //        1::int8 << 63, 1::int8 << 64, 1::int8 << 65, 16::int8 >> -60
    for (ty, a, op, b, expected) in [
        (I4, "1", "<<", "31", "-2147483648"),
        (I4, "1", "<<", "32", "1"),
        (I4, "1", "<<", "33", "2"),
        (I4, "1", "<<", "-1", "-2147483648"),
        (I4, "-8", ">>", "1", "-4"),
        (I4, "-8", ">>", "33", "-4"),
        (I2, "1", "<<", "15", "-32768"),
        (I2, "1", "<<", "16", "0"),
        (I2, "1", "<<", "17", "0"),
        (I2, "1", "<<", "31", "0"),
        (I2, "1", "<<", "32", "1"),
        (I2, "-1", ">>", "20", "-1"),
        (I8, "1", "<<", "63", "-9223372036854775808"),
        (I8, "1", "<<", "64", "1"),
        (I8, "1", "<<", "65", "2"),
        (I8, "16", ">>", "-60", "1"),
    ] {
        assert_eq!(q(op, &[(ty, a), (I4, b)]), expected, "{a} {op} {b}");
    }
    // select ~5, ~5::int2, ~5::int8, 6 & 3, 6 | 3, 6 # 3, 5::int2 # 3::int2
    assert_eq!(q("~", &[(I4, "5")]), "-6");
    assert_eq!(q("~", &[(I2, "5")]), "-6");
    assert_eq!(q("~", &[(I8, "5")]), "-6");
    assert_eq!(q("&", &[(I4, "6"), (I4, "3")]), "2");
    assert_eq!(q("|", &[(I4, "6"), (I4, "3")]), "7");
    assert_eq!(q("#", &[(I4, "6"), (I4, "3")]), "5");
    assert_eq!(q("#", &[(I2, "5"), (I2, "3")]), "6");
    // select (-2147483648)::int4 % -1, 7 % -3, -7 % 3, (-9223372036854775808)::int8 % -1
    assert_eq!(q("%", &[(I4, "-2147483648"), (I4, "-1")]), "0");
    assert_eq!(q("%", &[(I4, "7"), (I4, "-3")]), "1");
    assert_eq!(q("%", &[(I4, "-7"), (I4, "3")]), "-1");
    assert_eq!(q("%", &[(I8, "-9223372036854775808"), (I8, "-1")]), "0");
    assert_eq!(q("mod", &[(I2, "-7"), (I2, "3")]), "-1");
    // select 32767::int2 + 1 (int2 + int4 is int4)
    assert_eq!(q("+", &[(I2, "32767"), (I4, "1")]), "32768");
    assert_eq!(q("/", &[(I4, "-7"), (I4, "2")]), "-3");
    assert_eq!(q("*", &[(I8, "3"), (I2, "-4")]), "-12");
    // select gcd(-2147483648, -1), gcd(-2147483648, 2), gcd(0,0), gcd(-12, 18), lcm(-4, 6),
    //        lcm(0, 5), gcd(-9223372036854775808, 6::int8)
    assert_eq!(q("gcd", &[(I4, "-2147483648"), (I4, "-1")]), "1");
    assert_eq!(q("gcd", &[(I4, "-2147483648"), (I4, "2")]), "2");
    assert_eq!(q("gcd", &[(I4, "0"), (I4, "0")]), "0");
    assert_eq!(q("gcd", &[(I4, "-12"), (I4, "18")]), "6");
    assert_eq!(q("lcm", &[(I4, "-4"), (I4, "6")]), "12");
    assert_eq!(q("lcm", &[(I4, "0"), (I4, "5")]), "0");
    assert_eq!(q("gcd", &[(I8, "-9223372036854775808"), (I8, "6")]), "2");
    let int_range = (OUT_OF_RANGE, "integer out of range".to_string());
    let small_range = (OUT_OF_RANGE, "smallint out of range".to_string());
    let big_range = (OUT_OF_RANGE, "bigint out of range".to_string());
    let div0 = (
        crate::sqlstate::DIVISION_BY_ZERO,
        "division by zero".to_string(),
    );
    assert_eq!(q_err("/", &[(I4, "-2147483648"), (I4, "-1")]), int_range);
    assert_eq!(q_err("/", &[(I2, "-32768"), (I2, "-1")]), small_range);
    assert_eq!(q_err("/", &[(I4, "1"), (I4, "0")]), div0);
    assert_eq!(q_err("%", &[(I4, "5"), (I4, "0")]), div0);
    assert_eq!(q_err("abs", &[(I4, "-2147483648")]), int_range);
    assert_eq!(q_err("@", &[(I2, "-32768")]), small_range);
    assert_eq!(q_err("-", &[(I4, "-2147483648")]), int_range);
    assert_eq!(q_err("+", &[(I4, "2147483647"), (I4, "1")]), int_range);
    assert_eq!(q_err("+", &[(I2, "32767"), (I2, "1")]), small_range);
    assert_eq!(
        q_err("+", &[(I8, "9223372036854775807"), (I8, "1")]),
        big_range
    );
    assert_eq!(q_err("gcd", &[(I4, "-2147483648"), (I4, "0")]), int_range);
    assert_eq!(
        q_err("lcm", &[(I4, "2147483647"), (I4, "2147483646")]),
        int_range
    );
}

#[test]
fn float_input_and_output_match_postgresql() {
    // select ' 1.5 '::float8, '1e308'::float8, '1e-310'::float8, '-0'::float8,
    //        'Infinity'::float8, '-inf'::float8, ' nan '::float8, '0x10'::float8,
    //        '.5'::float8, '5.'::float8, '1E+2'::float8
    for (input, expected) in [
        (" 1.5 ", "1.5"),
        ("1e308", "1e+308"),
        ("1e-310", "1e-310"),
        ("-0", "-0"),
        ("Infinity", "Infinity"),
        ("-inf", "-Infinity"),
        (" nan ", "NaN"),
        ("0x10", "16"),
        (".5", "0.5"),
        ("5.", "5"),
        ("1E+2", "100"),
        // select '0x1.8p1'::float8, '-0x.8'::float8, '0x1p-1074'::float8, '0XAp+2'::float8
        ("0x1.8p1", "3"),
        ("-0x.8", "-0.5"),
        ("0x1p-1074", "5e-324"),
        ("0XAp+2", "40"),
    ] {
        assert_eq!(out(F8, input, -1), expected, "{input}");
    }
    assert_eq!(out(F4, "0x10", -1), "16");
    assert_eq!(
        input_err(F8, "0x", -1).1,
        "invalid input syntax for type double precision: \"0x\""
    );
    assert_eq!(
        input_err(F8, "0x1p99999", -1).1,
        "\"0x1p99999\" is out of range for type double precision"
    );
    assert_eq!(
        input_err(F8, "1e400", -1).1,
        "\"1e400\" is out of range for type double precision"
    );
    assert_eq!(
        input_err(F8, " 1e400 ", -1).1,
        "\"1e400\" is out of range for type double precision"
    );
    assert_eq!(
        input_err(F8, "1e-400", -1).1,
        "\"1e-400\" is out of range for type double precision"
    );
    assert_eq!(
        input_err(F4, " 1e50", -1),
        (
            OUT_OF_RANGE,
            "\" 1e50\" is out of range for type real".into(),
            None
        )
    );
    assert_eq!(
        input_err(F4, "1e-50", -1).1,
        "\"1e-50\" is out of range for type real"
    );
    for bad in ["infinityx", "", "1e", "abc"] {
        assert_eq!(
            input_err(F8, bad, -1),
            (
                crate::sqlstate::INVALID_TEXT_REPRESENTATION,
                format!("invalid input syntax for type double precision: \"{bad}\""),
                None
            )
        );
    }
    assert_eq!(
        input_err(F4, "abc", -1).1,
        "invalid input syntax for type real: \"abc\""
    );
    // select '1e-45'::float4, '1.4e-45'::float4, '3.4028235e38'::float4
    assert_eq!(out(F4, "1e-45", -1), "1e-45");
    assert_eq!(out(F4, "1.4e-45", -1), "1e-45");
    assert_eq!(out(F4, "3.4028235e38", -1), "3.4028235e+38");
    // select 1e22::float8, 1e21::float8, 123456789012345678::float8, 0.0001::float8,
    //        0.00001::float8, 1.0/3::float8, 100::float8, 1e15::float8, 1e16::float8,
    //        1.5e-7::float8
    for (input, expected) in [
        ("1e22", "1e+22"),
        ("1e21", "1e+21"),
        ("123456789012345678", "1.2345678901234568e+17"),
        ("0.0001", "0.0001"),
        ("0.00001", "1e-05"),
        ("0.3333333333333333", "0.3333333333333333"),
        ("100", "100"),
        ("1e15", "1e+15"),
        ("123456789012345", "123456789012345"),
        ("1.5e-7", "1.5e-07"),
    ] {
        assert_eq!(out(F8, input, -1), expected, "{input}");
    }
    // select 0.1::float4, 1e6::float4, 1e7::float4, 123456::float4, 1234567::float4,
    //        0.0001::float4, 0.00001::float4, 3.14159265::float4, 16777217::float4
    for (input, expected) in [
        ("0.1", "0.1"),
        ("1e6", "1e+06"),
        ("1e7", "1e+07"),
        ("123456", "123456"),
        ("1234567", "1.234567e+06"),
        ("0.0001", "0.0001"),
        ("0.00001", "1e-05"),
        ("3.14159265", "3.1415927"),
        ("16777217", "1.6777216e+07"),
        ("5142.53125", "5142.5312"),
    ] {
        assert_eq!(out(F4, input, -1), expected, "{input}");
    }
    // set extra_float_digits = 0 / -15 / 3
    let with_efd = |efd: i32, ty: Type, input: &str| {
        let e = Env {
            extra_float_digits: efd,
            ..Env::default()
        };
        let v = io::input(ty, &e, input, -1).expect("input");
        io::output(ty, &e, &v).expect("output")
    };
    for (ty, input, expected) in [
        (F8, "0.1", "0.1"),
        (F8, "0.3333333333333333", "0.333333333333333"),
        (F8, "1e15", "1e+15"),
        (F8, "1e16", "1e+16"),
        (F8, "123456789012345678", "1.23456789012346e+17"),
        (F8, "0.0001", "0.0001"),
        (F8, "0.00001", "1e-05"),
        (F4, "0.1", "0.1"),
        (F4, "1e6", "1e+06"),
        (F4, "1e5", "100000"),
        (F8, "2.5", "2.5"),
        (F8, "-0", "-0"),
        (F8, "-inf", "-Infinity"),
    ] {
        assert_eq!(with_efd(0, ty, input), expected, "{input}");
    }
    for (ty, input, expected) in [
        (F8, "0.1", "0.1"),
        (F8, "15", "2e+01"),
        (F8, "1.5", "2"),
        (F4, "0.1", "0.1"),
        (F8, "2.5", "2"),
        (F8, "3.5", "4"),
    ] {
        assert_eq!(with_efd(-15, ty, input), expected, "{input}");
    }
    assert_eq!(with_efd(3, F8, "0.1"), "0.1");
    assert_eq!(with_efd(3, F4, "0.1"), "0.1");
}

#[test]
fn float_functions_match_postgresql() {
    // select 0.5::float8 ^ 1074, 10::float8 ^ -310, exp(-745.1::float8), exp(-740::float8)
    assert_eq!(q("^", &[f("0.5"), f("1074")]), "5e-324");
    assert_eq!(q("^", &[f("10"), f("-310")]), "1e-310");
    assert_eq!(q("exp", &[f("-745.1")]), "5e-324");
    assert_eq!(q("exp", &[f("-740")]), "4.2e-322");
    let under = (OUT_OF_RANGE, "value out of range: underflow".to_string());
    let over = (OUT_OF_RANGE, "value out of range: overflow".to_string());
    assert_eq!(q_err("^", &[f("10"), f("-330")]), under);
    assert_eq!(q_err("^", &[f("10"), f("400")]), over);
    assert_eq!(q_err("exp", &[f("710")]), over);
    assert_eq!(q_err("*", &[f("1e308"), f("10")]), over);
    assert_eq!(q_err("*", &[f("1e-300"), f("1e-300")]), under);
    assert_eq!(q_err("+", &[f("1e308"), f("1e308")]), over);
    assert_eq!(q_err("/", &[f("1e-320"), f("1e10")]), under);
    assert_eq!(
        q_err("/", &[f("1"), f("0")]),
        (crate::sqlstate::DIVISION_BY_ZERO, "division by zero".into())
    );
    assert_eq!(q("/", &[f("nan"), f("0")]), "NaN");
    // select 'nan'::float8 ^ 0, 1::float8 ^ 'nan', (-1)::float8 ^ 'inf', 2::float8 ^ '-inf',
    //        '-inf'::float8 ^ 3, '-inf'::float8 ^ 2, '-inf'::float8 ^ -3, 2::float8 ^ 0.5
    assert_eq!(q("^", &[f("nan"), f("0")]), "1");
    assert_eq!(q("^", &[f("1"), f("nan")]), "1");
    assert_eq!(q("^", &[f("-1"), f("inf")]), "1");
    assert_eq!(q("^", &[f("2"), f("-inf")]), "0");
    assert_eq!(q("^", &[f("-inf"), f("3")]), "-Infinity");
    assert_eq!(q("^", &[f("-inf"), f("2")]), "Infinity");
    assert_eq!(q("^", &[f("-inf"), f("-3")]), "-0");
    assert_eq!(q("power", &[f("2"), f("0.5")]), "1.4142135623730951");
    // select log(100::float8), log10(1000::float8), ln(2::float8), exp(1::float8),
    //        cbrt(-8::float8), sqrt(2::float8)
    assert_eq!(q("log", &[f("100")]), "2");
    assert_eq!(q("log10", &[f("1000")]), "3");
    assert_eq!(q("ln", &[f("2")]), "0.6931471805599453");
    assert_eq!(q("exp", &[f("1")]), "2.718281828459045");
    assert_eq!(q("cbrt", &[f("-8")]), "-2");
    assert_eq!(q("||/", &[f("-8")]), "-2");
    assert_eq!(q("sqrt", &[f("2")]), "1.4142135623730951");
    assert_eq!(q("|/", &[f("2")]), "1.4142135623730951");
    // select sin(1), cos(1), tan(1), cot(1), asin(0.5), acos(0.5), atan(1), atan2(1, 2),
    //        sinh(1), cosh(1), tanh(1), asinh(1), acosh(2), atanh(0.5)
    for (name, arg, expected) in [
        ("sin", "1", "0.8414709848078965"),
        ("cos", "1", "0.5403023058681398"),
        ("tan", "1", "1.5574077246549023"),
        ("cot", "1", "0.6420926159343306"),
        ("asin", "0.5", "0.5235987755982989"),
        ("acos", "0.5", "1.0471975511965979"),
        ("atan", "1", "0.7853981633974483"),
        ("sinh", "1", "1.1752011936438014"),
        ("cosh", "1", "1.5430806348152437"),
        ("tanh", "1", "0.7615941559557649"),
        ("asinh", "1", "0.881373587019543"),
        ("acosh", "2", "1.3169578969248166"),
        ("atanh", "0.5", "0.5493061443340548"),
        ("asinh", "9.74911862313229", "2.972944070504407"),
        ("atanh", "-0.6984692510943808", "-0.8643053432422748"),
        ("acosh", "991.2896710209257", "7.592153719501827"),
        ("atanh", "nan", "NaN"),
        ("cosh", "1000", "Infinity"),
        ("sinh", "-1000", "-Infinity"),
        ("atanh", "1", "Infinity"),
        ("atanh", "-1", "-Infinity"),
    ] {
        assert_eq!(q(name, &[f(arg)]), expected, "{name}({arg})");
    }
    assert_eq!(q("atan2", &[f("1"), f("2")]), "0.4636476090008061");
    // select sind(30), cosd(60), tand(45), cotd(45), asind(0.5), acosd(0.5), atand(1),
    //        atan2d(1, 1), sind(210), cosd(120), tand(135), sind(-30), cosd(1000), tand(90),
    //        cotd(0), tand(180), cotd(270), sind(1)
    for (name, arg, expected) in [
        ("sind", "30", "0.5"),
        ("cosd", "60", "0.5"),
        ("tand", "45", "1"),
        ("cotd", "45", "1"),
        ("asind", "0.5", "30"),
        ("acosd", "0.5", "60"),
        ("atand", "1", "45"),
        ("sind", "210", "-0.5"),
        ("cosd", "120", "-0.5"),
        ("tand", "135", "-1"),
        ("sind", "-30", "-0.5"),
        ("cosd", "1000", "0.17364817766693036"),
        ("tand", "90", "Infinity"),
        ("cotd", "0", "Infinity"),
        ("tand", "180", "0"),
        ("cotd", "270", "0"),
        ("sind", "1", "0.017452406437283515"),
    ] {
        assert_eq!(q(name, &[f(arg)]), expected, "{name}({arg})");
    }
    assert_eq!(q("atan2d", &[f("1"), f("1")]), "45");
    let range = (OUT_OF_RANGE, "input is out of range".to_string());
    assert_eq!(q_err("sin", &[f("inf")]), range);
    assert_eq!(q_err("asin", &[f("2")]), range);
    assert_eq!(q_err("acosh", &[f("0.5")]), range);
    assert_eq!(q_err("sind", &[f("-inf")]), range);
    // select degrees(1), radians(180), pi(), round(2.5::float8), round(-0.5::float8),
    //        round(3.5::float8), trunc(-1.7::float8), ceil(-0.5::float8),
    //        floor(-0.5::float8), sign(-3::float8), sign(0::float8), abs(-0::float8)
    assert_eq!(q("degrees", &[f("1")]), "57.29577951308232");
    assert_eq!(q("radians", &[f("180")]), "3.141592653589793");
    assert_eq!(q("pi", &[]), "3.141592653589793");
    assert_eq!(q("round", &[f("2.5")]), "2");
    assert_eq!(q("round", &[f("-0.5")]), "-0");
    assert_eq!(q("round", &[f("3.5")]), "4");
    assert_eq!(q("trunc", &[f("-1.7")]), "-1");
    assert_eq!(q("ceil", &[f("-0.5")]), "-0");
    assert_eq!(q("floor", &[f("-0.5")]), "-1");
    assert_eq!(q("sign", &[f("-3")]), "-1");
    assert_eq!(q("sign", &[f("0")]), "0");
    assert_eq!(q("abs", &[f("-0")]), "0");
    // float4 arithmetic is single precision:
    // select '-801.4008155583301'::float4 * '-6.416927900992862'::float4
    assert_eq!(
        q(
            "*",
            &[(F4, "-801.4008155583301"), (F4, "-6.416927900992862")]
        ),
        "5142.5312"
    );
    assert_eq!(q("+", &[(F4, "0.1"), (F8, "0.2")]), "0.30000000149011613");
    // The errors PostgreSQL raised: (function or operator, arguments, SQLSTATE, message).
    let errors: &[ErrorCase<'_>] = &[
        (
            "^",
            &[f("-8"), f("0.3333333333333333")],
            sqlstate::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
            "a negative number raised to a non-integer power yields a complex result",
        ),
        (
            "^",
            &[f("0"), f("-1")],
            sqlstate::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
            "zero raised to a negative power is undefined",
        ),
        (
            "sqrt",
            &[f("-1")],
            sqlstate::INVALID_ARGUMENT_FOR_POWER_FUNCTION,
            "cannot take square root of a negative number",
        ),
        (
            "ln",
            &[f("0")],
            sqlstate::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of zero",
        ),
        (
            "log10",
            &[f("-1")],
            sqlstate::INVALID_ARGUMENT_FOR_LOG,
            "cannot take logarithm of a negative number",
        ),
    ];
    for (name, args, state, message) in errors {
        assert_error(q_err(name, args), state, message);
    }
}

#[test]
fn random_and_setseed_match_postgresql() {
    // select setseed(0.5); select random(), random(), random();
    let setseed = builtin("setseed", Kind::Function, &[F8]);
    let random = builtin("random", Kind::Function, &[]);
    let (Imp::Scalar { f: seed, .. }, Imp::Scalar { f: rand, .. }) = (setseed.imp, random.imp)
    else {
        panic!("scalar rows expected");
    };
    let draw = || match rand(&env(), &[]) {
        Ok(v) => io::output(F8, &env(), &v).unwrap_or_default(),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(seed(&env(), &[Value::Float(0.5)]), Ok(Value::void()));
    assert_eq!(draw(), "0.9851677175347999");
    assert_eq!(draw(), "0.825301858027981");
    assert_eq!(draw(), "0.12974610012450416");
    // select setseed(-1); select random(); select setseed(0); select random();
    seed(&env(), &[Value::Float(-1.0)]).expect("seed");
    assert_eq!(draw(), "0.725656831544149");
    seed(&env(), &[Value::Float(0.0)]).expect("seed");
    assert_eq!(draw(), "0.8702553105818676");
    let err = |v: f64| seed(&env(), &[Value::Float(v)]).map_err(|e| (e.sqlstate, e.message));
    assert_eq!(
        err(2.0),
        Err((
            crate::sqlstate::INVALID_PARAMETER_VALUE,
            "setseed parameter 2 is out of allowed range [-1,1]".into()
        ))
    );
    assert_eq!(
        err(f64::NAN),
        Err((
            crate::sqlstate::INVALID_PARAMETER_VALUE,
            "setseed parameter NaN is out of allowed range [-1,1]".into()
        ))
    );
    assert_eq!(
        err(1.000_000_1),
        Err((
            crate::sqlstate::INVALID_PARAMETER_VALUE,
            "setseed parameter 1 is out of allowed range [-1,1]".into()
        ))
    );
    assert_eq!(random.volatility, crate::func::Volatility::Volatile);
}

/// Casts `text` (read as `from`) to `to` and prints the result.
fn try_cast(from: Type, to: Type, text: &str) -> Result<String> {
    let c = CASTS
        .iter()
        .find(|c| c.from == from && c.to == to)
        .unwrap_or_else(|| panic!("no cast {from:?} -> {to:?}"));
    let v = val(from, text);
    let r = match c.imp {
        crate::func::CastImp::Binary => v,
        crate::func::CastImp::Func { f, with_typmod, .. } => {
            if with_typmod {
                f(&env(), &[v, Value::Int(-1)])?
            } else {
                f(&env(), &[v])?
            }
        }
    };
    Ok(io::output(to, &env(), &r).unwrap_or_default())
}

fn cast(from: Type, to: Type, text: &str) -> String {
    try_cast(from, to, text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn cast_err(from: Type, to: Type, text: &str) -> (&'static str, String) {
    match try_cast(from, to, text) {
        Ok(s) => panic!("{text} cast to {s}"),
        Err(e) => (e.sqlstate, e.message),
    }
}

#[test]
fn casts_match_postgresql() {
    let oid = Type::OID;
    // select 2.5::numeric::int4, -2.5::numeric::int4, 32767.4::numeric::int2, 0.1::float8::numeric,
    //        1e20::float8::numeric, 1.5e-10::float8::numeric, 0.1::float4::numeric,
    //        'inf'::float8::numeric, 'nan'::float4::numeric, 1234567.0::float4::numeric,
    //        (1.0/3)::float8::numeric, 123456789012345678::float8::numeric
    assert_eq!(cast(N, I4, "2.5"), "3");
    assert_eq!(cast(N, I4, "-2.5"), "-3");
    assert_eq!(cast(N, I2, "32767.4"), "32767");
    assert_eq!(cast(F8, N, "0.1"), "0.1");
    assert_eq!(cast(F8, N, "1e20"), "100000000000000000000");
    assert_eq!(cast(F8, N, "1.5e-10"), "0.00000000015");
    assert_eq!(cast(F4, N, "0.1"), "0.1");
    assert_eq!(cast(F8, N, "inf"), "Infinity");
    assert_eq!(cast(F4, N, "nan"), "NaN");
    assert_eq!(cast(F4, N, "1234567.0"), "1234570");
    assert_eq!(cast(F8, N, "0.3333333333333333"), "0.333333333333333");
    assert_eq!(cast(F8, N, "123456789012345678"), "123456789012346000");
    // select 2.5::float8::int4, 3.5::float8::int4, -2.5::float4::int2, 2147483647.4::float8::int4
    assert_eq!(cast(F8, I4, "2.5"), "2");
    assert_eq!(cast(F8, I4, "3.5"), "4");
    assert_eq!(cast(F4, I2, "-2.5"), "-2");
    assert_eq!(cast(F8, I4, "2147483647.4"), "2147483647");
    // select 1.5::numeric::float8, 'nan'::numeric::float8, '-inf'::numeric::float4
    assert_eq!(cast(N, F8, "1.5"), "1.5");
    assert_eq!(cast(N, F8, "nan"), "NaN");
    assert_eq!(cast(N, F4, "-inf"), "-Infinity");
    assert_eq!(cast(N, F4, "0.1"), "0.1");
    let zeros = "0".repeat(300);
    assert_error(
        cast_err(N, F4, "1e300"),
        OUT_OF_RANGE,
        &format!("\"1{zeros}\" is out of range for type real"),
    );
    assert_error(
        cast_err(N, F8, "1e-400"),
        OUT_OF_RANGE,
        &format!(
            "\"0.{}1\" is out of range for type double precision",
            "0".repeat(399)
        ),
    );
    // select (-1)::oid, (-1)::int4::regclass::int4, 4294967295::int8::oid,
    //        4294967295::oid::int8, 4294967295::oid::int4, (-1)::int2::oid
    assert_eq!(cast(I4, oid, "-1"), "4294967295");
    assert_eq!(cast(Type::REGCLASS, I4, "4294967295"), "-1");
    assert_eq!(cast(I8, oid, "4294967295"), "4294967295");
    assert_eq!(cast(oid, I8, "4294967295"), "4294967295");
    assert_eq!(cast(oid, I4, "4294967295"), "-1");
    assert_eq!(cast(I2, oid, "-1"), "4294967295");
    // select 5::bool, 0::bool, true::int4, (-3)::int4::bool
    assert_eq!(cast(I4, Type::BOOL, "5"), "t");
    assert_eq!(cast(I4, Type::BOOL, "0"), "f");
    assert_eq!(cast(Type::BOOL, I4, "true"), "1");
    assert_eq!(cast(I4, Type::BOOL, "-3"), "t");
    // select 2147483647::int8::float4, 123456789::int4::float4, 0.1::float8::float4,
    //        9223372036854775807::int8::float4, 9223372036854775807::int8::float8
    assert_eq!(cast(I8, F4, "2147483647"), "2.1474836e+09");
    assert_eq!(cast(I4, F4, "123456789"), "1.2345679e+08");
    assert_eq!(cast(F8, F4, "0.1"), "0.1");
    assert_eq!(cast(I8, F4, "9223372036854775807"), "9.223372e+18");
    assert_eq!(cast(I8, F8, "9223372036854775807"), "9.223372036854776e+18");
    assert_eq!(cast(F4, F8, "0.1"), "0.10000000149011612");
    assert_eq!(cast(I2, N, "-5"), "-5");
    assert_eq!(cast(N, N, "1.50"), "1.50");
    // The errors PostgreSQL raised: (from, to, input, SQLSTATE, message).
    for (from, to, text, state, message) in [
        (F8, I4, "2147483647.5", OUT_OF_RANGE, "integer out of range"),
        (F8, I8, "nan", OUT_OF_RANGE, "bigint out of range"),
        (
            F8,
            I8,
            "9223372036854775807",
            OUT_OF_RANGE,
            "bigint out of range",
        ),
        (N, I4, "nan", NOT_SUPPORTED, "cannot convert NaN to integer"),
        (
            N,
            I8,
            "inf",
            NOT_SUPPORTED,
            "cannot convert infinity to bigint",
        ),
        (
            N,
            I2,
            "-inf",
            NOT_SUPPORTED,
            "cannot convert infinity to smallint",
        ),
        (N, I4, "2147483647.5", OUT_OF_RANGE, "integer out of range"),
        (I8, oid, "-1", OUT_OF_RANGE, "OID out of range"),
        (I8, oid, "4294967296", OUT_OF_RANGE, "OID out of range"),
        (I8, I4, "10000000000", OUT_OF_RANGE, "integer out of range"),
        (I4, I2, "40000", OUT_OF_RANGE, "smallint out of range"),
        (F8, F4, "1e40", OUT_OF_RANGE, "value out of range: overflow"),
        (
            F8,
            F4,
            "1e-50",
            OUT_OF_RANGE,
            "value out of range: underflow",
        ),
    ] {
        assert_error(cast_err(from, to, text), state, message);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn send(ty: Type, text: &str) -> String {
    let mut buf = Vec::new();
    io::send(ty, &env(), &val(ty, text), &mut buf).expect("send");
    hex(&buf)
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[test]
fn binary_io_matches_postgresql() {
    // select numeric_send(0::numeric), numeric_send(1::numeric), numeric_send(12345.678),
    //        numeric_send(-0.0001), numeric_send(10000::numeric), numeric_send(1.50),
    //        numeric_send('nan'::numeric), numeric_send('-inf'::numeric),
    //        numeric_send(0.00::numeric), numeric_send(1e-20::numeric)
    for (text, bin) in [
        ("0", "0000000000000000"),
        ("1", "00010000000000000001"),
        ("12345.678", "0003000100000003000109291a7c"),
        ("-0.0001", "0001ffff400000040001"),
        ("10000", "00010001000000000001"),
        ("1.50", "000200000000000200011388"),
        ("NaN", "00000000c0000000"),
        ("-Infinity", "00000000f0000020"),
        ("0.00", "0000000000000002"),
        ("1e-20", "0001fffb000000140001"),
    ] {
        assert_eq!(send(N, text), bin, "{text}");
        let back = io::recv(N, &env(), &unhex(bin), -1).expect("recv");
        assert_eq!(
            io::output(N, &env(), &back).unwrap_or_default(),
            out(N, text, -1)
        );
    }
    // select int2send(-2::int2), int4send(-2), int8send(-2), oidsend(4294967295::oid),
    //        float4send(1.5::float4), float8send(-0.1::float8)
    assert_eq!(send(I2, "-2"), "fffe");
    assert_eq!(send(I4, "-2"), "fffffffe");
    assert_eq!(send(I8, "-2"), "fffffffffffffffe");
    assert_eq!(send(Type::OID, "4294967295"), "ffffffff");
    assert_eq!(send(F4, "1.5"), "3fc00000");
    assert_eq!(send(F8, "-0.1"), "bfb999999999999a");
    let recv = |ty: Type, h: &str| {
        io::recv(ty, &env(), &unhex(h), -1)
            .map(|v| io::output(ty, &env(), &v).unwrap_or_default())
            .map_err(|e| e.message)
    };
    assert_eq!(recv(I4, "fffffffe"), Ok("-2".into()));
    assert_eq!(recv(Type::OID, "ffffffff"), Ok("4294967295".into()));
    assert_eq!(recv(F8, "bfb999999999999a"), Ok("-0.1".into()));
    assert_eq!(
        recv(I4, "fffe"),
        Err("insufficient data left in message".into())
    );
    // A display scale that hides digits truncates them; bad headers are errors.
    assert_eq!(recv(N, "000200000000000100011388"), Ok("1.5".into()));
    assert_eq!(
        recv(N, "0000000012340000"),
        Err("invalid sign in external \"numeric\" value".into())
    );
    assert_eq!(
        recv(N, "0001000000000000ffff"),
        Err("invalid digit in external \"numeric\" value".into())
    );
    assert_eq!(
        recv(N, "000000000000ffff"),
        Err("invalid scale in external \"numeric\" value".into())
    );
    let typmod_err = io::recv(
        N,
        &env(),
        &unhex("0003000100000003000109291a7c"),
        typmod(5, 2),
    )
    .map_err(|e| e.message);
    assert_eq!(typmod_err, Err("numeric field overflow".into()));
}

#[test]
fn numeric_collation_orders_as_postgresql() {
    use std::cmp::Ordering::{Equal, Greater, Less};
    for (a, b, o) in [
        ("1.50", "1.5", Equal),
        ("0", "0.000", Equal),
        ("-1", "1", Less),
        ("-2", "-1", Less),
        ("10", "9.99", Greater),
        ("0.1", "0.09", Greater),
        ("NaN", "Infinity", Greater),
        ("NaN", "NaN", Equal),
        ("Infinity", "1e1000", Greater),
        ("-Infinity", "-99999999", Less),
        ("-Infinity", "-Infinity", Equal),
        ("-0.001", "0", Less),
        (
            "123456789012345678901234567890",
            "123456789012345678901234567891",
            Less,
        ),
        // Text written by something else is read as a numeric.
        ("1e3", "1000", Equal),
        ("  7 ", "7.0", Equal),
        ("abc", "NaN", Greater),
    ] {
        assert_eq!(numeric_cmp(a, b), o, "{a} vs {b}");
        assert_eq!(numeric_cmp(b, a), o.reverse(), "{b} vs {a}");
    }
    let mut v = vec![
        "NaN",
        "1",
        "-Infinity",
        "0.5",
        "Infinity",
        "-3",
        "1.00",
        "0",
    ];
    v.sort_by(|a, b| numeric_cmp(a, b));
    assert_eq!(
        v,
        [
            "-Infinity",
            "-3",
            "0",
            "0.5",
            "1",
            "1.00",
            "Infinity",
            "NaN"
        ]
    );
}

/// Runs aggregate `name(ty)` over `inputs` (None = NULL) and prints its value.
fn aggregate(name: &str, ty: Type, inputs: &[Option<&str>]) -> String {
    let b = builtin(name, Kind::Aggregate, &[ty]);
    let Imp::Aggregate { new, window, .. } = b.imp else {
        panic!("{name} is no aggregate");
    };
    assert!(window, "{name}({ty:?}) removes rows");
    let mut acc = new(&[ty]);
    for i in inputs {
        let v = i.map_or(Value::Null, |s| val(ty, s));
        if let Err(e) = acc.step(&env(), &[v]) {
            return format!("ERROR:{}:{}", e.sqlstate, e.message);
        }
    }
    match acc.value(&env()) {
        Ok(v) => io::output(b.ret, &env(), &v).unwrap_or_else(|| "<NULL>".into()),
        Err(e) => format!("ERROR:{}:{}", e.sqlstate, e.message),
    }
}

/// A sliding frame of `width` rows over `inputs`, with inverse transitions: the value at each
/// row.
fn sliding(name: &str, ty: Type, inputs: &[&str], width: usize) -> Vec<String> {
    let b = builtin(name, Kind::Aggregate, &[ty]);
    let Imp::Aggregate { new, .. } = b.imp else {
        panic!("{name} is no aggregate");
    };
    let mut acc = new(&[ty]);
    let mut outs = Vec::new();
    for (i, s) in inputs.iter().enumerate() {
        acc.step(&env(), &[val(ty, s)]).expect("step");
        if i >= width {
            acc.inverse(&env(), &[val(ty, inputs[i - width])])
                .expect("inverse");
        }
        let v = acc.value(&env()).expect("value");
        outs.push(io::output(b.ret, &env(), &v).unwrap_or_else(|| "<NULL>".into()));
    }
    outs
}

#[test]
fn aggregates_match_postgresql() {
    let ints = [Some("1"), Some("2"), Some("4"), Some("7")];
    // select sum(x), avg(x), variance(x), var_pop(x), stddev(x), stddev_pop(x)
    //   from (values (1),(2),(4),(7)) v(x)
    for (name, expected) in [
        ("sum", "14"),
        ("avg", "3.5000000000000000"),
        ("variance", "7.0000000000000000"),
        ("var_samp", "7.0000000000000000"),
        ("var_pop", "5.2500000000000000"),
        ("stddev", "2.6457513110645906"),
        ("stddev_samp", "2.6457513110645906"),
        ("stddev_pop", "2.2912878474779200"),
    ] {
        assert_eq!(aggregate(name, I4, &ints), expected, "{name}");
    }
    // select sum(x::int8), avg(x::int2), sum(x::int2) from the same rows
    assert_eq!(aggregate("sum", I8, &ints), "14");
    assert_eq!(aggregate("avg", I2, &ints), "3.5000000000000000");
    assert_eq!(aggregate("sum", I2, &ints), "14");
    let nums = [Some("1.5"), Some("2.25"), Some("4.125"), Some("7")];
    // select sum(x), avg(x), variance(x), var_pop(x), stddev(x), stddev_pop(x)
    //   from (values (1.5),(2.25),(4.125),(7)) v(x)
    for (name, expected) in [
        ("sum", "14.875"),
        ("avg", "3.7187500000000000"),
        ("variance", "6.0039062500000000"),
        ("var_pop", "4.5029296875000000"),
        ("stddev", "2.4502869729890824"),
        ("stddev_pop", "2.1220107651706200"),
    ] {
        assert_eq!(aggregate(name, N, &nums), expected, "{name}");
    }
    let floats = [Some("1.5"), Some("2.25"), Some("4.125"), Some("7.1")];
    // ... from (values (1.5::float8),(2.25),(4.125),(7.1)) v(x)
    for (name, expected) in [
        ("sum", "14.975"),
        ("avg", "3.74375"),
        ("variance", "6.22515625"),
        ("var_pop", "4.6688671875"),
        ("stddev", "2.4950263024665693"),
        ("stddev_pop", "2.1607561610464057"),
    ] {
        assert_eq!(aggregate(name, F8, &floats), expected, "{name}");
    }
    // ... from (values (1.5::float4),(2.25),(4.125),(7.1)) v(x)
    for (name, expected) in [
        ("sum", "14.975"),
        ("avg", "3.743749976158142"),
        ("variance", "6.225156036615374"),
        ("stddev_pop", "2.1607561240134276"),
    ] {
        assert_eq!(aggregate(name, F4, &floats), expected, "{name}");
    }
    // select variance(x), stddev(x), var_samp(x) from (values (1)) v(x): all NULL
    assert_eq!(aggregate("variance", I4, &[Some("1")]), "<NULL>");
    assert_eq!(aggregate("stddev", I4, &[Some("1")]), "<NULL>");
    // select variance(x), var_pop(x) from (values (5.00)) v(x)
    assert_eq!(aggregate("variance", N, &[Some("5.00")]), "<NULL>");
    assert_eq!(aggregate("var_pop", N, &[Some("5.00")]), "0");
    // select sum(x), avg(x) from (values (1.5),('inf'::numeric),(2)) v(x)
    let with_inf = [Some("1.5"), Some("inf"), Some("2")];
    assert_eq!(aggregate("sum", N, &with_inf), "Infinity");
    assert_eq!(aggregate("avg", N, &with_inf), "Infinity");
    assert_eq!(aggregate("sum", F8, &with_inf), "Infinity");
    assert_eq!(aggregate("avg", F8, &with_inf), "Infinity");
    assert_eq!(aggregate("variance", F8, &with_inf), "NaN");
    assert_eq!(aggregate("sum", N, &[Some("inf"), Some("-inf")]), "NaN");
    assert_eq!(aggregate("avg", N, &[Some("inf"), Some("-inf")]), "NaN");
    // NULLs are skipped; no rows give NULL.
    assert_eq!(aggregate("sum", I4, &[None, Some("3"), None]), "3");
    assert_eq!(aggregate("sum", I4, &[None]), "<NULL>");
    assert_eq!(aggregate("avg", N, &[]), "<NULL>");
    // select sum(x) from (values (0.1::float8),(0.2),(0.3)) v(x)
    assert_eq!(
        aggregate("sum", F8, &[Some("0.1"), Some("0.2"), Some("0.3")]),
        "0.6000000000000001"
    );
    // select avg(x) from (values (1),(2)) v(x)
    assert_eq!(
        aggregate("avg", I4, &[Some("1"), Some("2")]),
        "1.5000000000000000"
    );
    let max8 = [Some("9223372036854775807"), Some("9223372036854775807")];
    // select avg(x::int8), stddev(x::int8), sum(x::int8) from two max int8s
    assert_eq!(aggregate("avg", I8, &max8), "9223372036854775807");
    assert_eq!(aggregate("stddev", I8, &max8), "0");
    assert_eq!(aggregate("sum", I8, &max8), "18446744073709551614");
    assert_eq!(
        aggregate("sum", I4, &[Some("2147483647"), Some("2147483647")]),
        "4294967294"
    );
    assert_eq!(
        aggregate("sum", F8, &[Some("1e308"), Some("1e308")]),
        "ERROR:22003:value out of range: overflow"
    );
    // select stddev(x) from (values (0.1),(0.2),(0.3)) v(x)
    assert_eq!(
        aggregate("stddev", N, &[Some("0.1"), Some("0.2"), Some("0.3")]),
        "0.10000000000000000000"
    );
    assert_eq!(aggregate("variance", N, &[Some("1.0"), Some("1.0")]), "0");
}

#[test]
fn window_aggregates_remove_rows_as_postgresql_recomputes() {
    // select sum(x) over w, avg(x) over w, variance(x) over w
    //   from (values (1, 1.5),(2, 2.25),(3, 4.125),(4, 7), (5, 1)) v(i,x)
    //   window w as (order by i rows between 1 preceding and current row)
    let xs = ["1.5", "2.25", "4.125", "7", "1"];
    assert_eq!(
        sliding("sum", N, &xs, 2),
        ["1.5", "3.75", "6.375", "11.125", "8"]
    );
    assert_eq!(
        sliding("avg", N, &xs, 2),
        [
            "1.50000000000000000000",
            "1.8750000000000000",
            "3.1875000000000000",
            "5.5625000000000000",
            "4.0000000000000000"
        ]
    );
    assert_eq!(
        sliding("variance", N, &xs, 2),
        [
            "<NULL>",
            "0.28125000000000000000",
            "1.7578125000000000",
            "4.1328125000000000",
            "18.0000000000000000"
        ]
    );
    // Removing the only row of the largest scale gives the scale of the rest.
    assert_eq!(
        sliding("sum", N, &["1.125", "2", "3.5", "nan", "4", "5"], 2),
        ["1.125", "3.125", "5.5", "NaN", "NaN", "9"]
    );
    assert_eq!(
        sliding("sum", I4, &["1", "2", "3", "4"], 2),
        ["1", "3", "5", "7"]
    );
    assert_eq!(
        sliding("avg", I8, &["1", "2", "3", "4"], 3),
        [
            "1.00000000000000000000",
            "1.5000000000000000",
            "2.0000000000000000",
            "3.0000000000000000"
        ]
    );
    assert_eq!(
        sliding("sum", F8, &["1.5", "inf", "2", "3"], 2),
        ["1.5", "Infinity", "Infinity", "5"]
    );
    assert_eq!(
        sliding("var_pop", F8, &["1", "2", "4", "8"], 2),
        ["0", "0.25", "1", "4"]
    );
    assert_eq!(
        sliding("stddev", I4, &["1", "2", "4", "8"], 2),
        [
            "<NULL>",
            "0.70710678118654752440",
            "1.4142135623730950",
            "2.8284271247461901"
        ]
    );
}

/// All rows of `generate_series(args)`, printed.
fn series(args: &[(Type, &str)]) -> Result<Vec<String>> {
    let types: Vec<Type> = args.iter().map(|(t, _)| *t).collect();
    let b = builtin("generate_series", Kind::SetReturning, &types);
    let Imp::Table { f, .. } = b.imp else {
        panic!("generate_series is no table function");
    };
    let vals: Vec<Value> = args.iter().map(|(t, s)| val(*t, s)).collect();
    f(&env(), &vals)?
        .map(|r| r.map(|row| io::output(b.ret, &env(), &row[0]).unwrap_or_default()))
        .collect()
}

#[test]
fn generate_series_matches_postgresql() {
    // select * from generate_series(1, 2, 0.5)
    assert_eq!(
        series(&[n("1"), n("2"), n("0.5")]),
        Ok(vec!["1".into(), "1.5".into(), "2.0".into()])
    );
    // select * from generate_series(0.1, 0.35, 0.1)
    assert_eq!(
        series(&[n("0.1"), n("0.35"), n("0.1")]),
        Ok(vec!["0.1".into(), "0.2".into(), "0.3".into()])
    );
    // select * from generate_series(2147483646, 2147483647): stops at the end of the range
    assert_eq!(
        series(&[(I4, "2147483646"), (I4, "2147483647")]),
        Ok(vec!["2147483646".into(), "2147483647".into()])
    );
    assert_eq!(
        series(&[
            (I8, "9223372036854775806"),
            (I8, "9223372036854775807"),
            (I8, "5")
        ]),
        Ok(vec!["9223372036854775806".into()])
    );
    // select * from generate_series(5, 1, -2)
    assert_eq!(
        series(&[(I4, "5"), (I4, "1"), (I4, "-2")]),
        Ok(vec!["5".into(), "3".into(), "1".into()])
    );
    assert_eq!(series(&[(I4, "5"), (I4, "1")]), Ok(vec![]));
    let err = |args: &[(Type, &str)]| series(args).map_err(|e| (e.sqlstate, e.message));
    assert_eq!(
        err(&[(I4, "1"), (I4, "3"), (I4, "0")]),
        Err((
            crate::sqlstate::INVALID_PARAMETER_VALUE,
            "step size cannot equal zero".into()
        ))
    );
    assert_eq!(
        err(&[n("1"), n("nan")]),
        Err((
            crate::sqlstate::INVALID_PARAMETER_VALUE,
            "stop value cannot be NaN".into()
        ))
    );
    assert_eq!(
        err(&[n("inf"), n("3")]),
        Err((
            crate::sqlstate::INVALID_PARAMETER_VALUE,
            "start value cannot be infinity".into()
        ))
    );
    assert_eq!(
        err(&[n("1"), n("3"), n("inf")]),
        Err((
            crate::sqlstate::INVALID_PARAMETER_VALUE,
            "step size cannot be infinity".into()
        ))
    );
    assert_eq!(
        err(&[n("1"), n("3"), n("0.0")]),
        Err((
            crate::sqlstate::INVALID_PARAMETER_VALUE,
            "step size cannot equal zero".into()
        ))
    );
    // Streaming: a billion rows cost nothing until they are read.
    let b = builtin("generate_series", Kind::SetReturning, &[I8, I8]);
    let Imp::Table { f, .. } = b.imp else {
        panic!("table function expected");
    };
    let mut rows = f(&env(), &[Value::Int(1), Value::Int(1_000_000_000)]).expect("rows");
    assert_eq!(
        rows.nth(999).map(|r| r.ok()),
        Some(Some(vec![Value::Int(1000)]))
    );
}

#[test]
fn width_bucket_matches_postgresql() {
    // select width_bucket(5.35, 0.024, 10.06, 5), width_bucket(-1::float8, 0, 10, 5),
    //        width_bucket(10::float8, 0, 10, 5), width_bucket(5::float8, 10, 0, 5),
    //        width_bucket(0::float8, 10, 0, 5), width_bucket(5.35::float8, 0.024, 10.06, 5)
    let wb = |t: Type, a: &str, b: &str, c: &str, k: &str| {
        try_q("width_bucket", &[(t, a), (t, b), (t, c), (I4, k)])
            .map_err(|e| (e.sqlstate, e.message))
    };
    assert_eq!(wb(N, "5.35", "0.024", "10.06", "5"), Ok("3".into()));
    assert_eq!(wb(F8, "-1", "0", "10", "5"), Ok("0".into()));
    assert_eq!(wb(F8, "10", "0", "10", "5"), Ok("6".into()));
    assert_eq!(wb(F8, "5", "10", "0", "5"), Ok("3".into()));
    assert_eq!(wb(F8, "0", "10", "0", "5"), Ok("6".into()));
    assert_eq!(wb(F8, "5.35", "0.024", "10.06", "5"), Ok("3".into()));
    // select width_bucket(5.0, 0, 10, 3), width_bucket('inf'::numeric, 0, 10, 3),
    //        width_bucket(10.0, 10, 0, 4)
    assert_eq!(wb(N, "5.0", "0", "10", "3"), Ok("2".into()));
    assert_eq!(wb(N, "inf", "0", "10", "3"), Ok("4".into()));
    assert_eq!(wb(N, "10.0", "10", "0", "4"), Ok("1".into()));
    // select width_bucket(492.82350452822493::float8, 1e308, -0, 13): C's conversion of an
    // infinite quotient
    assert_eq!(
        wb(F8, "492.82350452822493", "1e308", "-0", "13"),
        Ok("-2147483648".into())
    );
    let code = crate::sqlstate::INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION;
    assert_eq!(
        wb(F8, "1", "0", "1", "2147483647"),
        Err((OUT_OF_RANGE, "integer out of range".into()))
    );
    assert_eq!(
        wb(F8, "1", "1", "1", "3"),
        Err((code, "lower bound cannot equal upper bound".into()))
    );
    assert_eq!(
        wb(F8, "1", "0", "inf", "3"),
        Err((code, "lower and upper bounds must be finite".into()))
    );
    assert_eq!(
        wb(F8, "nan", "0", "1", "3"),
        Err((
            code,
            "operand, lower bound, and upper bound cannot be NaN".into()
        ))
    );
    assert_eq!(
        wb(N, "1", "0", "1", "0"),
        Err((code, "count must be greater than zero".into()))
    );
}

#[test]
fn float_window_aggregates_recompute_the_frame() {
    // select sum(x) over w, avg(x) over w, var_samp(x) over w
    //   from (values (1,0.1::float8),(2,0.2),(3,0.3),(4,0.4)) v(i,x)
    //   window w as (order by i rows between 1 preceding and current row)
    let xs = ["0.1", "0.2", "0.3", "0.4"];
    assert_eq!(
        sliding("sum", F8, &xs, 2),
        ["0.1", "0.30000000000000004", "0.5", "0.7"]
    );
    assert_eq!(
        sliding("avg", F8, &xs, 2),
        ["0.1", "0.15000000000000002", "0.25", "0.35"]
    );
    assert_eq!(
        sliding("var_samp", F8, &xs, 2),
        [
            "<NULL>",
            "0.0049999999999999975",
            "0.0049999999999999975",
            "0.005000000000000009"
        ]
    );
}

fn fixture_type(name: &str) -> Type {
    Type::by_name(name).unwrap_or_else(|| panic!("type {name}"))
}

fn fixture_lines(text: &'static str) -> impl Iterator<Item = Vec<&'static str>> {
    text.lines()
        .filter(|l| !l.starts_with("// ") && !l.is_empty())
        .map(|l| l.split(' ').collect())
}

#[test]
fn every_postgresql_operator_is_in_the_catalog() {
    let mut count = 0;
    for f in fixture_lines(include_str!("testdata/pg_operator.txt")) {
        let [name, left, right, result] = f[..] else {
            panic!("bad line {f:?}");
        };
        let mut args = Vec::new();
        if left != "-" {
            args.push(fixture_type(left));
        }
        args.push(fixture_type(right));
        let b = builtin(name, Kind::Operator, &args);
        assert_eq!(b.ret, fixture_type(result), "{name}{args:?}");
        if ["=", "<>", "<", "<=", ">", ">="].contains(&name) {
            assert!(
                matches!(b.imp, Imp::SqliteOp(op) if op == name),
                "{name}{args:?}"
            );
        }
        count += 1;
    }
    assert_eq!(count, 190);
    // And nothing the catalog lists is unknown to PostgreSQL (unary plus aside, listed too).
    let ops = rows().filter(|b| b.kind == Kind::Operator).count();
    assert_eq!(ops, count);
}

#[test]
fn every_postgresql_function_is_in_the_catalog() {
    let mut count = 0;
    for f in fixture_lines(include_str!("testdata/pg_proc.txt")) {
        let [name, kind, args, result] = f[..] else {
            panic!("bad line {f:?}");
        };
        let args: Vec<Type> = if args == "-" {
            Vec::new()
        } else {
            args.split(',').map(fixture_type).collect()
        };
        let kind = match (kind, name) {
            ("a", _) => Kind::Aggregate,
            (_, "generate_series") => Kind::SetReturning,
            _ => Kind::Function,
        };
        let b = builtin(name, kind, &args);
        assert_eq!(b.ret, fixture_type(result), "{name}{args:?}");
        count += 1;
    }
    let ours = rows().filter(|b| b.kind != Kind::Operator).count();
    assert_eq!(ours, count);
}

#[test]
fn every_postgresql_cast_is_in_the_catalog() {
    use crate::func::{CastContext, CastImp};
    let mut count = 0;
    for f in fixture_lines(include_str!("testdata/pg_cast.txt")) {
        let [from, to, context, _method] = f[..] else {
            panic!("bad line {f:?}");
        };
        let (from, to) = (fixture_type(from), fixture_type(to));
        let c = CASTS
            .iter()
            .find(|c| c.from == from && c.to == to)
            .unwrap_or_else(|| panic!("no cast {from:?} -> {to:?}"));
        let expected = match context {
            "i" => CastContext::Implicit,
            "a" => CastContext::Assignment,
            _ => CastContext::Explicit,
        };
        assert_eq!(c.context, expected, "{from:?} -> {to:?}");
        if from == N && to == N {
            assert!(matches!(
                c.imp,
                CastImp::Func {
                    with_typmod: true,
                    ..
                }
            ));
        }
        count += 1;
    }
    assert_eq!(CASTS.len(), count);
}

/// Worst cases stay bounded (run with `--ignored --nocapture` to see the times).
#[test]
#[ignore = "timing report"]
fn heavy_inputs_are_bounded() {
    let big = format!("9{}", "8".repeat(131_071));
    let tiny = format!("0.{}1", "0".repeat(16_381));
    for (name, args) in [
        ("sqrt", vec![n(&big)]),
        ("ln", vec![n(&big)]),
        ("ln", vec![n(&tiny)]),
        ("exp", vec![n("5999.5")]),
        ("exp", vec![n("-5999.5")]),
        ("^", vec![n("2"), n("400000")]),
        ("^", vec![n("1.000001"), n("1000000000")]),
        ("^", vec![n("0.999"), n("-300000.5")]),
        ("*", vec![n(&big[..65_000]), n(&big[..65_000])]),
        ("/", vec![n(&big), n("7")]),
        ("/", vec![n("1"), n(&big)]),
        ("log", vec![n(&tiny), n(&big)]),
        ("factorial", vec![(I8, "32177")]),
    ] {
        let t = std::time::Instant::now();
        let r = try_q(name, &args).map(|s| s.len());
        println!(
            "{name}: {:?} in {:?}",
            r.map_err(|e| e.message),
            t.elapsed()
        );
    }
}

#[test]
fn shortest_float_output_agrees_with_the_exact_algorithm() {
    // select 2081831873::float4, (-113006460)::int8::float4 (ties on the interval's bound)
    assert_eq!(cast(I4, F4, "2081831873"), "2.0818319e+09");
    assert_eq!(cast(I8, F4, "-113006460"), "-1.13006464e+08");
    assert_eq!(cast(I4, F4, "191209405"), "1.9120941e+08");
    // Pseudo-random doubles and floats over the whole range, and integers (where bounds are met
    // most often): the fast path (Rust's digits, corrected) and the exact interval search give
    // the same text.
    let check8 = |d: f64| {
        assert_eq!(
            float::float8_shortest(d),
            float::float8_exact_output(d),
            "{d:e}"
        )
    };
    let check4 = |f: f32| {
        assert_eq!(
            float::float4_shortest(f),
            float::float4_exact_output(f),
            "{f:e}"
        )
    };
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..8_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let d = f64::from_bits(x);
        if d.is_finite() && d != 0.0 {
            check8(d);
        }
        let f = f32::from_bits(u32::try_from(x >> 32).unwrap_or(0));
        if f.is_finite() && f != 0.0 {
            check4(f);
        }
        #[expect(clippy::cast_precision_loss, reason = "test values")]
        {
            check4((x >> (x % 40)) as f32);
            check8((x >> (x % 12)) as f64);
        }
    }
}
