//! JSON numbers as `jsonb` keeps them: PostgreSQL stores each as a `numeric`, so a number's
//! text becomes `numeric`'s output form (`1e2` → `100`, `1.50` stays `1.50`, `-0` → `0`), with
//! `numeric`'s limits (131072 digits before the point, 16383 after: 22003 `value overflows
//! numeric format` beyond). Also the comparison of two such texts and their rounding to
//! integers for the `jsonb` casts.
//!
//! Invariant: [`normalize`] returns text in the canonical form [`cmp`] and the casts expect:
//! an optional `-`, no leading zeros (a single `0` before the point), digits after the point
//! only when the scale is positive, never `-0`.

use std::cmp::Ordering;

use crate::error::{Result, SqlError};

/// `numeric`'s most digits before the decimal point.
const MAX_INT_DIGITS: usize = 131_072;
/// `numeric`'s largest display scale.
const MAX_SCALE: i64 = 16_383;

fn overflow() -> SqlError {
    SqlError::out_of_range("value overflows numeric format")
}

/// The canonical `numeric` text of a valid JSON number.
pub fn normalize(raw: &str) -> Result<String> {
    let (neg, rest) = match raw.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, raw),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => {
            let e = rest.get(i + 1..).unwrap_or("");
            let e = e.strip_prefix('+').unwrap_or(e);
            // A larger exponent is an overflow whatever the digits are, as in PostgreSQL.
            let exp: i64 = e.parse().map_err(|_| overflow())?;
            if exp.abs() > i64::from(i32::MAX / 2) {
                return Err(overflow());
            }
            (rest.get(..i).unwrap_or(""), exp)
        }
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return Err(overflow());
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(overflow());
    }
    let frac_len = i64::try_from(frac.len()).map_err(|_| overflow())?;
    let scale = (frac_len - exp).max(0);
    if scale > MAX_SCALE {
        return Err(overflow());
    }
    // All digits, and where the decimal point falls among them (may be outside).
    let digits: String = [int, frac].concat();
    let int_len = i64::try_from(int.len()).map_err(|_| overflow())?;
    let point = int_len + exp;
    let mut out = String::new();
    // Integer part.
    if point <= 0 {
        out.push('0');
    } else {
        let p = usize::try_from(point).map_err(|_| overflow())?;
        let avail = &digits[..p.min(digits.len())];
        let trimmed = avail.trim_start_matches('0');
        let zeros = p.saturating_sub(digits.len());
        if trimmed.is_empty() {
            out.push('0');
        } else {
            if trimmed.len() + zeros > MAX_INT_DIGITS {
                return Err(overflow());
            }
            out.push_str(trimmed);
            out.extend(std::iter::repeat_n('0', zeros));
        }
    }
    // Fraction part: `scale` digits starting at `point`.
    if scale > 0 {
        out.push('.');
        let scale = usize::try_from(scale).map_err(|_| overflow())?;
        for k in 0..scale {
            // Digit index point + k (point may be negative).
            let idx = point + i64::try_from(k).map_err(|_| overflow())?;
            let c = usize::try_from(idx)
                .ok()
                .and_then(|i| digits.as_bytes().get(i))
                .map_or('0', |&b| char::from(b));
            out.push(c);
        }
    }
    if neg && out.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.insert(0, '-');
    }
    Ok(out)
}

/// Splits canonical text into (negative, integer digits, fraction digits).
fn parts(s: &str) -> (bool, &str, &str) {
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let int = int.trim_start_matches('0');
    (neg, int, frac.trim_end_matches('0'))
}

/// Orders two canonical number texts by value.
pub fn cmp(a: &str, b: &str) -> Ordering {
    let (na, ia, fa) = parts(a);
    let (nb, ib, fb) = parts(b);
    let za = ia.is_empty() && fa.is_empty();
    let zb = ib.is_empty() && fb.is_empty();
    let sa = if za {
        0
    } else if na {
        -1
    } else {
        1
    };
    let sb = if zb {
        0
    } else if nb {
        -1
    } else {
        1
    };
    if sa != sb {
        return sa.cmp(&sb);
    }
    let mag = ia
        .len()
        .cmp(&ib.len())
        .then_with(|| ia.cmp(ib))
        .then_with(|| fa.cmp(fb));
    if sa < 0 { mag.reverse() } else { mag }
}

/// Rounds canonical text to an integer (half away from zero, as `numeric` → integer casts do);
/// `None` when it does not fit an `i64`.
pub fn to_i64(s: &str) -> Option<i64> {
    let (neg, int, frac) = parts(s);
    // Accumulated with the number's sign so that i64::MIN is reachable.
    let sign: i64 = if neg { -1 } else { 1 };
    let mut v: i64 = 0;
    for b in int.bytes() {
        v = v.checked_mul(10)?.checked_add(sign * i64::from(b - b'0'))?;
    }
    if frac.as_bytes().first().is_some_and(|&d| d >= b'5') {
        v = v.checked_add(sign)?;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_as_numeric_does() {
        // select '[…]'::jsonb on PostgreSQL 15.
        let cases = [
            ("-0", "0"),
            ("-0.0", "0.0"),
            ("0e10", "0"),
            ("1.500e1", "15.00"),
            ("12345678901234567890123", "12345678901234567890123"),
            ("1E-3", "0.001"),
            ("1e2", "100"),
            ("1E5", "100000"),
            ("1.0", "1.0"),
            ("2.50", "2.50"),
            ("0.000e5", "0"),
            ("1.5e-7", "0.00000015"),
            ("-12.5e1", "-125"),
            ("-0.001e1", "-0.01"),
            ("123.456e-2", "1.23456"),
            ("00", "0"),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize(raw).unwrap(), want, "{raw}");
        }
        assert_eq!(normalize("1e131071").unwrap().len(), 131_072);
        assert_eq!(normalize("1e-16383").unwrap().len(), 16_385);
        for bad in [
            "1e131072",
            "1e-16384",
            "1e-2147483648",
            "1e99999999999",
            "0e-99999",
        ] {
            assert_eq!(
                normalize(bad).unwrap_err().message,
                "value overflows numeric format"
            );
        }
    }

    #[test]
    fn compares_by_value() {
        assert_eq!(cmp("1.0", "1"), Ordering::Equal);
        assert_eq!(cmp("0", "0.00"), Ordering::Equal);
        assert_eq!(cmp("-1", "0"), Ordering::Less);
        assert_eq!(cmp("-2", "-10"), Ordering::Greater);
        assert_eq!(cmp("10", "9.99"), Ordering::Greater);
        assert_eq!(cmp("0.5", "0.45"), Ordering::Greater);
    }

    #[test]
    fn rounds_to_integers() {
        assert_eq!(to_i64("1.5"), Some(2));
        assert_eq!(to_i64("-1.5"), Some(-2));
        assert_eq!(to_i64("1.49"), Some(1));
        assert_eq!(to_i64("9223372036854775807"), Some(i64::MAX));
        assert_eq!(to_i64("9223372036854775808"), None);
        assert_eq!(to_i64("0"), Some(0));
        assert_eq!(to_i64("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(to_i64("-9223372036854775808.5"), None);
    }
}
