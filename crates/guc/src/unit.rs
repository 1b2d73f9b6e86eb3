//! Units of integer settings: parsing `64kB`, `1min`, `500ms` into the base unit and printing a
//! value back the way `SHOW` does.
//!
//! Follows PostgreSQL's `parse_int` / `convert_to_base_unit` / `convert_int_from_base_unit`:
//! a number (decimal, `0x` hex, leading-zero octal, or a fraction or exponent), optional
//! whitespace, then a case-sensitive unit; a fractional value is rounded to a whole number of the
//! next smaller unit, then to a whole number of the base unit (ties to even, as `rint`). A bare
//! number is already in the base unit; a setting without a unit accepts no suffix at all.

/// The unit of an integer setting's stored value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GucUnit {
    /// A plain number, no suffix accepted.
    None,
    /// Milliseconds.
    Ms,
    /// Seconds.
    S,
    /// Minutes.
    Min,
    /// Bytes.
    Bytes,
    /// Kilobytes (1024 bytes).
    KB,
    /// Megabytes (1024 kB).
    MB,
}

const MEMORY_HINT: &str = r#"Valid units for this parameter are "B", "kB", "MB", "GB", and "TB"."#;
const TIME_HINT: &str =
    r#"Valid units for this parameter are "us", "ms", "s", "min", "h", and "d"."#;

const KIB: f64 = 1024.0;

/// For each base unit, the units a value may be written in, greatest first, with how many base
/// units one of them is.
fn conversions(unit: GucUnit) -> &'static [(&'static str, f64)] {
    const BYTES: &[(&str, f64)] = &[
        ("TB", KIB * KIB * KIB * KIB),
        ("GB", KIB * KIB * KIB),
        ("MB", KIB * KIB),
        ("kB", KIB),
        ("B", 1.0),
    ];
    const KB: &[(&str, f64)] = &[
        ("TB", KIB * KIB * KIB),
        ("GB", KIB * KIB),
        ("MB", KIB),
        ("kB", 1.0),
        ("B", 1.0 / KIB),
    ];
    const MB: &[(&str, f64)] = &[
        ("TB", KIB * KIB),
        ("GB", KIB),
        ("MB", 1.0),
        ("kB", 1.0 / KIB),
        ("B", 1.0 / (KIB * KIB)),
    ];
    const MS: &[(&str, f64)] = &[
        ("d", 1000.0 * 60.0 * 60.0 * 24.0),
        ("h", 1000.0 * 60.0 * 60.0),
        ("min", 1000.0 * 60.0),
        ("s", 1000.0),
        ("ms", 1.0),
        ("us", 1.0 / 1000.0),
    ];
    const S: &[(&str, f64)] = &[
        ("d", 60.0 * 60.0 * 24.0),
        ("h", 60.0 * 60.0),
        ("min", 60.0),
        ("s", 1.0),
        ("ms", 1.0 / 1000.0),
        ("us", 1.0 / (1000.0 * 1000.0)),
    ];
    const MIN: &[(&str, f64)] = &[
        ("d", 60.0 * 24.0),
        ("h", 60.0),
        ("min", 1.0),
        ("s", 1.0 / 60.0),
        ("ms", 1.0 / (1000.0 * 60.0)),
        ("us", 1.0 / (1000.0 * 1000.0 * 60.0)),
    ];
    match unit {
        GucUnit::None => &[],
        GucUnit::Ms => MS,
        GucUnit::S => S,
        GucUnit::Min => MIN,
        GucUnit::Bytes => BYTES,
        GucUnit::KB => KB,
        GucUnit::MB => MB,
    }
}

impl GucUnit {
    /// The name PostgreSQL prints for the base unit ("ms", "s", "min", "B", "kB", "MB").
    pub fn name(self) -> Option<&'static str> {
        match self {
            GucUnit::None => None,
            GucUnit::Ms => Some("ms"),
            GucUnit::S => Some("s"),
            GucUnit::Min => Some("min"),
            GucUnit::Bytes => Some("B"),
            GucUnit::KB => Some("kB"),
            GucUnit::MB => Some("MB"),
        }
    }

    /// The hint listing the units a value of this setting may carry.
    pub(crate) fn hint(self) -> &'static str {
        match self {
            GucUnit::None => "This parameter takes an integer without a unit.",
            GucUnit::Ms | GucUnit::S | GucUnit::Min => TIME_HINT,
            GucUnit::Bytes | GucUnit::KB | GucUnit::MB => MEMORY_HINT,
        }
    }
}

/// Parses an integer setting's value into its base unit; the error is the hint to report.
pub(crate) fn parse_int(raw: &str, unit: GucUnit) -> Result<i64, String> {
    let not_a_number = || match unit {
        GucUnit::None => "An integer is required.".to_string(),
        _ => format!(
            "A number is required, optionally followed by a unit. {}",
            unit.hint()
        ),
    };
    let (number, rest) = scan_number(raw).ok_or_else(not_a_number)?;
    let rest = rest.trim_start();
    let value = if rest.is_empty() {
        number
    } else {
        if unit == GucUnit::None {
            return Err(unit.hint().to_string());
        }
        let float = match number {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        };
        Number::Float(to_base_unit(float, rest, unit).ok_or_else(|| unit.hint().to_string())?)
    };
    match value {
        Number::Int(i) => Ok(i),
        Number::Float(f) => {
            let rounded = f.round_ties_even();
            // 2^63 is exactly representable; every f64 below it (and at or above -2^63) fits.
            if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&rounded) {
                return Err("Value exceeds integer range.".to_string());
            }
            Ok(rounded as i64)
        }
    }
}

/// Converts `value` written in `unit_text` (plus optional trailing whitespace) to `base`.
fn to_base_unit(value: f64, unit_text: &str, base: GucUnit) -> Option<f64> {
    let unit_text = unit_text.trim_end();
    let table = conversions(base);
    let index = table.iter().position(|(name, _)| *name == unit_text)?;
    let mut converted = value * table[index].1;
    // "30.1GB": round to a whole number of the next smaller unit, as PostgreSQL does.
    if let Some((_, smaller)) = table.get(index + 1) {
        converted = (converted / smaller).round_ties_even() * smaller;
    }
    Some(converted)
}

/// Prints a value in the largest unit that divides it evenly ("1min", "4MB"); zero and negative
/// values (which usually mean "off" or "default") print as bare numbers, as `SHOW` does.
pub(crate) fn format_int(value: i64, unit: GucUnit) -> String {
    if value <= 0 {
        return value.to_string();
    }
    for &(name, multiplier) in conversions(unit) {
        if multiplier <= 1.0 {
            return format!("{value}{name}");
        }
        let multiplier = multiplier as i64;
        if value % multiplier == 0 {
            return format!("{}{name}", value / multiplier);
        }
    }
    value.to_string()
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    /// Parsed exactly as an integer (strtol's path).
    Int(i64),
    /// Needed a fraction, an exponent, or overflowed (strtod's path).
    Float(f64),
}

/// The leading number of `text` (after leading whitespace) and what follows it, like C's
/// `strtol(text, &end, 0)` falling back to `strtod` on `.`, `e`, `E` or overflow.
fn scan_number(text: &str) -> Option<(Number, &str)> {
    let text = text.trim_start();
    let bytes = text.as_bytes();
    let mut pos = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            pos += 1;
            true
        }
        Some(b'+') => {
            pos += 1;
            false
        }
        _ => false,
    };
    let (radix, digits_start) = if bytes.get(pos) == Some(&b'0')
        && matches!(bytes.get(pos + 1), Some(b'x' | b'X'))
        && bytes.get(pos + 2).is_some_and(u8::is_ascii_hexdigit)
    {
        (16, pos + 2)
    } else if bytes.get(pos) == Some(&b'0') {
        (8, pos)
    } else {
        (10, pos)
    };
    let mut end = digits_start;
    let mut overflow = false;
    let mut magnitude: i128 = 0;
    while let Some(digit) = bytes.get(end).and_then(|b| (*b as char).to_digit(radix)) {
        magnitude = magnitude * i128::from(radix) + i128::from(digit);
        if magnitude > i128::from(i64::MAX) + 1 {
            overflow = true;
            magnitude = i128::from(i64::MAX) + 1;
        }
        end += 1;
    }
    let next = bytes.get(end);
    if radix != 16 && (overflow || matches!(next, Some(b'.' | b'e' | b'E'))) {
        return scan_float(text);
    }
    if end == digits_start {
        return None;
    }
    if overflow {
        return Some((Number::Float(f64::INFINITY), &text[end..]));
    }
    let signed = if negative { -magnitude } else { magnitude };
    let number = match i64::try_from(signed) {
        Ok(value) => Number::Int(value),
        // Only 2^63 itself gets here; the range check refuses it.
        Err(_) => Number::Float(signed as f64),
    };
    Some((number, &text[end..]))
}

/// The leading decimal floating-point number of `text` (strtod without hex floats, inf or nan).
fn scan_float(text: &str) -> Option<(Number, &str)> {
    let bytes = text.as_bytes();
    let mut end = 0;
    if matches!(bytes.first(), Some(b'+' | b'-')) {
        end += 1;
    }
    let integer_digits = count_digits(&bytes[end..]);
    end += integer_digits;
    let mut fraction_digits = 0;
    if bytes.get(end) == Some(&b'.') {
        fraction_digits = count_digits(&bytes[end + 1..]);
        if integer_digits + fraction_digits > 0 {
            end += 1 + fraction_digits;
        }
    }
    if integer_digits + fraction_digits == 0 {
        return None;
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let mut exponent_end = end + 1;
        if matches!(bytes.get(exponent_end), Some(b'+' | b'-')) {
            exponent_end += 1;
        }
        let exponent_digits = count_digits(&bytes[exponent_end..]);
        if exponent_digits > 0 {
            end = exponent_end + exponent_digits;
        }
    }
    let value: f64 = text[..end].parse().ok()?;
    Some((Number::Float(value), &text[end..]))
}

fn count_digits(bytes: &[u8]) -> usize {
    bytes.iter().take_while(|b| b.is_ascii_digit()).count()
}

/// Parses a floating-point setting's value (no units); the error is the hint to report.
pub(crate) fn parse_real(raw: &str) -> Result<f64, String> {
    const HINT: &str = "A number is required.";
    let (number, rest) = scan_number(raw).ok_or_else(|| HINT.to_string())?;
    if !rest.trim_start().is_empty() {
        return Err(HINT.to_string());
    }
    let value = match number {
        Number::Int(i) => i as f64,
        Number::Float(f) => f,
    };
    if value.is_nan() {
        return Err(HINT.to_string());
    }
    Ok(value)
}

/// Formats a floating-point value like C's `%g` (six significant digits), as `SHOW` prints reals.
pub(crate) fn format_real(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return if value.is_nan() {
            "NaN".to_string()
        } else if value.is_infinite() {
            if value > 0.0 { "inf" } else { "-inf" }.to_string()
        } else {
            "0".to_string()
        };
    }
    let scientific = format!("{value:.5e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..6).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!(
            "{}e{sign}{:02}",
            strip_fraction_zeros(mantissa),
            exponent.abs()
        )
    } else {
        let precision = usize::try_from(5 - exponent).unwrap_or(0);
        strip_fraction_zeros(&format!("{value:.precision$}")).to_string()
    }
}

fn strip_fraction_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_numbers_are_in_the_base_unit() {
        assert_eq!(parse_int("5432", GucUnit::None), Ok(5432));
        assert_eq!(parse_int("-15", GucUnit::None), Ok(-15));
        assert_eq!(parse_int("+3", GucUnit::None), Ok(3));
        assert_eq!(parse_int("  42  ", GucUnit::None), Ok(42));
        assert_eq!(parse_int("0x10", GucUnit::None), Ok(16));
        assert_eq!(parse_int("010", GucUnit::None), Ok(8));
        assert_eq!(parse_int("0", GucUnit::None), Ok(0));
        assert_eq!(parse_int("2.5", GucUnit::None), Ok(2));
        assert_eq!(parse_int("3.5", GucUnit::None), Ok(4));
        assert_eq!(parse_int("1e3", GucUnit::None), Ok(1000));
        assert_eq!(parse_int("60", GucUnit::S), Ok(60));
        assert_eq!(
            parse_int("9223372036854775807", GucUnit::None),
            Ok(i64::MAX)
        );
        assert_eq!(
            parse_int("-9223372036854775808", GucUnit::None),
            Ok(i64::MIN)
        );
        assert_eq!(
            parse_int("9223372036854775808", GucUnit::None),
            Err("Value exceeds integer range.".into())
        );
    }

    #[test]
    fn bad_numbers_say_why() {
        assert_eq!(
            parse_int("abc", GucUnit::None),
            Err("An integer is required.".into())
        );
        assert_eq!(
            parse_int("", GucUnit::None),
            Err("An integer is required.".into())
        );
        assert_eq!(
            parse_int("12kB", GucUnit::None),
            Err("This parameter takes an integer without a unit.".into())
        );
        assert_eq!(
            parse_int("99999999999999999999", GucUnit::None),
            Err("Value exceeds integer range.".into())
        );
        assert_eq!(parse_int("10x", GucUnit::Ms), Err(TIME_HINT.into()));
        assert_eq!(parse_int("10 kb", GucUnit::KB), Err(MEMORY_HINT.into()));
        assert_eq!(parse_int("10 s s", GucUnit::S), Err(TIME_HINT.into()));
        assert!(parse_int("min", GucUnit::S).is_err_and(|h| h.contains(TIME_HINT)));
    }

    #[test]
    fn time_units_convert_to_the_base_unit() {
        assert_eq!(parse_int("1min", GucUnit::S), Ok(60));
        assert_eq!(parse_int("1 min", GucUnit::S), Ok(60));
        assert_eq!(parse_int("2h", GucUnit::S), Ok(7200));
        assert_eq!(parse_int("1d", GucUnit::S), Ok(86400));
        assert_eq!(parse_int("500ms", GucUnit::Ms), Ok(500));
        assert_eq!(parse_int("1.5s", GucUnit::Ms), Ok(1500));
        assert_eq!(parse_int("1500us", GucUnit::Ms), Ok(2));
        assert_eq!(parse_int("2500us", GucUnit::Ms), Ok(2));
        assert_eq!(parse_int("1s", GucUnit::Ms), Ok(1000));
        assert_eq!(parse_int("1min", GucUnit::Ms), Ok(60_000));
        assert_eq!(parse_int("1500ms", GucUnit::S), Ok(2));
        assert_eq!(parse_int("1.5min", GucUnit::S), Ok(90));
        assert_eq!(parse_int("90s", GucUnit::Min), Ok(2));
        assert_eq!(parse_int("1h", GucUnit::Min), Ok(60));
    }

    #[test]
    fn memory_units_convert_to_the_base_unit() {
        assert_eq!(parse_int("64kB", GucUnit::KB), Ok(64));
        assert_eq!(parse_int("4MB", GucUnit::KB), Ok(4096));
        assert_eq!(parse_int("1GB", GucUnit::MB), Ok(1024));
        assert_eq!(parse_int("1TB", GucUnit::KB), Ok(1024 * 1024 * 1024));
        assert_eq!(parse_int("4MB", GucUnit::Bytes), Ok(4 * 1024 * 1024));
        assert_eq!(parse_int("100B", GucUnit::Bytes), Ok(100));
        assert_eq!(parse_int("2048B", GucUnit::KB), Ok(2));
        assert_eq!(parse_int("1.5kB", GucUnit::Bytes), Ok(1536));
        assert_eq!(parse_int("0.5MB", GucUnit::KB), Ok(512));
        // Units are case-sensitive, as in PostgreSQL.
        assert!(parse_int("4mb", GucUnit::KB).is_err());
    }

    #[test]
    fn show_picks_the_largest_unit_that_divides_evenly() {
        assert_eq!(format_int(60, GucUnit::S), "1min");
        assert_eq!(format_int(90, GucUnit::S), "90s");
        assert_eq!(format_int(86400, GucUnit::S), "1d");
        assert_eq!(format_int(60_000, GucUnit::Ms), "1min");
        assert_eq!(format_int(1500, GucUnit::Ms), "1500ms");
        assert_eq!(format_int(0, GucUnit::Ms), "0");
        assert_eq!(format_int(-1, GucUnit::Ms), "-1");
        assert_eq!(format_int(4 * 1024 * 1024, GucUnit::Bytes), "4MB");
        assert_eq!(format_int(4096, GucUnit::KB), "4MB");
        assert_eq!(format_int(100, GucUnit::KB), "100kB");
        assert_eq!(format_int(1024, GucUnit::MB), "1GB");
        assert_eq!(format_int(5432, GucUnit::None), "5432");
        assert_eq!(format_int(120, GucUnit::Min), "2h");
    }

    #[test]
    fn reals_parse_like_strtod_and_print_like_percent_g() {
        assert_eq!(parse_real("0.5"), Ok(0.5));
        assert_eq!(parse_real(".5"), Ok(0.5));
        assert_eq!(parse_real("-2"), Ok(-2.0));
        assert_eq!(parse_real("1e-3"), Ok(0.001));
        assert_eq!(parse_real(" 3 "), Ok(3.0));
        assert!(parse_real("abc").is_err());
        assert!(parse_real("1.5x").is_err());
        assert!(parse_real("").is_err());

        assert_eq!(format_real(0.2), "0.2");
        assert_eq!(format_real(1.0), "1");
        assert_eq!(format_real(0.0), "0");
        assert_eq!(format_real(-2.5), "-2.5");
        assert_eq!(format_real(1234567.0), "1.23457e+06");
        assert_eq!(format_real(123456.0), "123456");
        assert_eq!(format_real(0.0001), "0.0001");
        assert_eq!(format_real(0.00001), "1e-05");
    }
}
