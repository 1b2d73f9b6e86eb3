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
    assert_eq!(
        input_err(N, "1e200000", typmod(5, 2)),
        overflow(5, 2, "10^3")
    );
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
    assert_eq!(
        q_err("factorial", &[(I8, "-1")]),
        (
            "22003",
            "factorial of a negative number is undefined".into()
        )
    );
    assert_eq!(
        q_err("factorial", &[(I8, "32178")]),
        ("22003", "value overflows numeric format".into())
    );
    assert_eq!(q("-", &[n("0.00")]), "0.00");
    assert_eq!(q("-", &[n("1.10"), n("1.1")]), "0.00");
    assert_eq!(q("+", &[n("-1.10"), n("1.1")]), "0.00");
    // Products keep every digit up to the largest display scale.
    assert_eq!(
        q("*", &[n("1e-10000"), n("1e-10000")]),
        format!("0.{}", "0".repeat(16383))
    );
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
    let div0 = ("22012", "division by zero".to_string());
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
            .map(|(t, s)| io::input(*t, &env(), s, -1))
            .collect();
        let got = match inputs {
            Err(e) => format!("ERROR:{}:{}", e.sqlstate, e.message),
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
                "22P02",
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
                "22003",
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
                "22003",
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
    let int_range = ("22003", "integer out of range".to_string());
    let small_range = ("22003", "smallint out of range".to_string());
    let big_range = ("22003", "bigint out of range".to_string());
    let div0 = ("22012", "division by zero".to_string());
    assert_eq!(q_err("/", &[(I4, "-2147483648"), (I4, "-1")]), int_range);
    assert_eq!(q_err("/", &[(I2, "-32768"), (I2, "-1")]), small_range);
    assert_eq!(q_err("/", &[(I4, "1"), (I4, "0")]), div0);
    assert_eq!(q_err("%", &[(I4, "5"), (I4, "0")]), div0);
    assert_eq!(q_err("abs", &[(I4, "-2147483648")]), int_range);
    assert_eq!(q_err("@", &[(I2, "-32768")]), small_range);
    assert_eq!(q_err("-", &[(I4, "-2147483648")]), int_range);
    assert_eq!(q_err("+", &[(I4, "2147483647"), (I4, "1")]), int_range);
    assert_eq!(q_err("+", &[(I2, "32767"), (I2, "1")]), small_range);
    assert_eq!(q_err("+", &[(I8, "9223372036854775807"), (I8, "1")]), big_range);
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
    ] {
        assert_eq!(out(F8, input, -1), expected, "{input}");
    }
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
            "22003",
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
                "22P02",
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
    let under = ("22003", "value out of range: underflow".to_string());
    let over = ("22003", "value out of range: overflow".to_string());
    assert_eq!(q_err("^", &[f("10"), f("-330")]), under);
    assert_eq!(q_err("^", &[f("10"), f("400")]), over);
    assert_eq!(q_err("exp", &[f("710")]), over);
    assert_eq!(q_err("*", &[f("1e308"), f("10")]), over);
    assert_eq!(q_err("*", &[f("1e-300"), f("1e-300")]), under);
    assert_eq!(q_err("+", &[f("1e308"), f("1e308")]), over);
    assert_eq!(q_err("/", &[f("1e-320"), f("1e10")]), under);
    assert_eq!(
        q_err("/", &[f("1"), f("0")]),
        ("22012", "division by zero".into())
    );
    assert_eq!(q("/", &[f("nan"), f("0")]), "NaN");
    assert_eq!(
        q_err("^", &[f("-8"), f("0.3333333333333333")]),
        (
            "2201F",
            "a negative number raised to a non-integer power yields a complex result".into()
        )
    );
    assert_eq!(
        q_err("^", &[f("0"), f("-1")]),
        (
            "2201F",
            "zero raised to a negative power is undefined".into()
        )
    );
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
    assert_eq!(
        q_err("sqrt", &[f("-1")]),
        (
            "2201F",
            "cannot take square root of a negative number".into()
        )
    );
    assert_eq!(
        q_err("ln", &[f("0")]),
        ("2201E", "cannot take logarithm of zero".into())
    );
    assert_eq!(
        q_err("log10", &[f("-1")]),
        ("2201E", "cannot take logarithm of a negative number".into())
    );
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
    let range = ("22003", "input is out of range".to_string());
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
        q("*", &[(F4, "-801.4008155583301"), (F4, "-6.416927900992862")]),
        "5142.5312"
    );
    assert_eq!(q("+", &[(F4, "0.1"), (F8, "0.2")]), "0.30000000149011613");
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
    assert_eq!(seed(&env(), &[Value::Float(0.5)]), Ok(Value::Null));
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
            "22023",
            "setseed parameter 2 is out of allowed range [-1,1]".into()
        ))
    );
    assert_eq!(
        err(f64::NAN),
        Err((
            "22023",
            "setseed parameter NaN is out of allowed range [-1,1]".into()
        ))
    );
    assert_eq!(
        err(1.000_000_1),
        Err((
            "22023",
            "setseed parameter 1 is out of allowed range [-1,1]".into()
        ))
    );
    assert_eq!(random.volatility, crate::func::Volatility::Volatile);
}
