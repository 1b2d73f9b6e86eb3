//! The value of a setting, Boolean parsing, and how values are printed for `SHOW` and for a
//! configuration file.

use crate::unit::{GucUnit, format_int, format_real};

/// A parsed value, already in the setting's base unit (enums hold their canonical spelling).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Bool(bool),
    Int(i64),
    Real(f64),
    Str(String),
}

impl Value {
    /// The value as `SHOW` prints it; `unit` matters only for integers.
    pub(crate) fn show(&self, unit: GucUnit) -> String {
        match self {
            Value::Bool(true) => "on".to_string(),
            Value::Bool(false) => "off".to_string(),
            Value::Int(i) => format_int(*i, unit),
            Value::Real(r) => format_real(*r),
            Value::Str(s) => s.clone(),
        }
    }

    /// The value as a configuration-file literal: strings single-quoted with `''` escapes.
    pub(crate) fn config_literal(&self, unit: GucUnit) -> String {
        match self {
            Value::Str(s) => quote_config_string(s),
            other => other.show(unit),
        }
    }
}

/// Quotes `s` for a configuration file: `'it''s'`.
pub(crate) fn quote_config_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Parses a Boolean as PostgreSQL does: `on`/`off`, `true`/`false`, `yes`/`no`, `1`/`0`, any
/// unique case-insensitive prefix of those words (`t`, `f`, `y`, `n`; `of` for off, but not `o`).
pub fn parse_bool(s: &str) -> Option<bool> {
    let lower = s.to_ascii_lowercase();
    let is_prefix_of = |word: &str, min_len: usize| {
        lower.len() >= min_len.max(1) && word.starts_with(lower.as_str())
    };
    match lower.as_bytes().first()? {
        b't' if is_prefix_of("true", 1) => Some(true),
        b'f' if is_prefix_of("false", 1) => Some(false),
        b'y' if is_prefix_of("yes", 1) => Some(true),
        b'n' if is_prefix_of("no", 1) => Some(false),
        b'o' if is_prefix_of("on", 2) => Some(true),
        b'o' if is_prefix_of("off", 2) => Some(false),
        b'1' if lower.len() == 1 => Some(true),
        b'0' if lower.len() == 1 => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_as_postgresql_reads_them() {
        for yes in ["on", "ON", "true", "t", "TRU", "yes", "y", "Ye", "1"] {
            assert_eq!(parse_bool(yes), Some(true), "{yes}");
        }
        for no in ["off", "of", "OFF", "false", "f", "fa", "no", "N", "0"] {
            assert_eq!(parse_bool(no), Some(false), "{no}");
        }
        for bad in [
            "", "o", "onn", "offf", "truex", "2", "10", "maybe", " on", "yess", "-1",
        ] {
            assert_eq!(parse_bool(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn values_print_for_show_and_for_the_config_file() {
        assert_eq!(Value::Bool(true).show(GucUnit::None), "on");
        assert_eq!(Value::Bool(false).show(GucUnit::None), "off");
        assert_eq!(Value::Int(60).show(GucUnit::S), "1min");
        assert_eq!(Value::Real(0.5).show(GucUnit::None), "0.5");
        assert_eq!(
            Value::Str("ISO, MDY".into()).show(GucUnit::None),
            "ISO, MDY"
        );
        assert_eq!(
            Value::Str("it's".into()).config_literal(GucUnit::None),
            "'it''s'"
        );
        assert_eq!(Value::Int(4096).config_literal(GucUnit::KB), "4MB");
        assert_eq!(Value::Bool(false).config_literal(GucUnit::None), "off");
    }
}
