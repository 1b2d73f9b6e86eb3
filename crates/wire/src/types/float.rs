//! Floating-point text as PostgreSQL 12+ prints it (`extra_float_digits = 1`): the shortest string
//! that reads back to the same value, in exponent form when the decimal exponent is below -4 or at
//! least the type's precision (15 for float8, 6 for float4), with at least two exponent digits.

/// `float8out`.
pub fn float8_text(f: f64) -> String {
    if let Some(s) = special(f.is_nan(), f.is_infinite(), f.is_sign_negative()) {
        return s.to_owned();
    }
    layout(format!("{f:e}"), || format!("{f}"), 15)
}

/// `float4out`.
pub fn float4_text(f: f32) -> String {
    if let Some(s) = special(f.is_nan(), f.is_infinite(), f.is_sign_negative()) {
        return s.to_owned();
    }
    layout(format!("{f:e}"), || format!("{f}"), 6)
}

fn special(nan: bool, inf: bool, negative: bool) -> Option<&'static str> {
    match (nan, inf, negative) {
        (true, _, _) => Some("NaN"),
        (_, true, false) => Some("Infinity"),
        (_, true, true) => Some("-Infinity"),
        _ => None,
    }
}

/// `sci` is Rust's shortest exponent form (`-1.25e-7`); `fixed` its shortest positional form.
fn layout(sci: String, fixed: impl FnOnce() -> String, digits: i32) -> String {
    let Some((mantissa, exp)) = sci.split_once('e') else {
        return fixed();
    };
    let Ok(exp) = exp.parse::<i32>() else {
        return fixed();
    };
    if (-4..digits).contains(&exp) {
        fixed()
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float8_matches_postgresql() {
        for (f, s) in [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.5, "1.5"),
            (0.1, "0.1"),
            (-2.0, "-2"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e15, "1e+15"),
            (123456789012345.0, "123456789012345"),
            (1.2345678901234568e20, "1.2345678901234568e+20"),
            (1e100, "1e+100"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (std::f64::consts::PI, "3.141592653589793"),
        ] {
            assert_eq!(float8_text(f), s, "{f:?}");
        }
    }

    #[test]
    fn float4_matches_postgresql() {
        assert_eq!(float4_text(1e6), "1e+06");
        assert_eq!(float4_text(123456.0), "123456");
        assert_eq!(float4_text(0.1), "0.1");
    }
}
