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
