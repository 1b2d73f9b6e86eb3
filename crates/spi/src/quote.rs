//! `quote_identifier` and `quote_literal`, as PostgreSQL's `ruleutils.c`/`quote.c` define them,
//! for the worker SPI: the SQL front end's functions behind `quote_ident`/`quote_literal`.

use std::borrow::Cow;

use sql::types::text::strings;

/// Quotes `ident` only when needed, as PostgreSQL's `quote_identifier`: safe identifiers are
/// lower-case letters, digits and `_`, not starting with a digit, and not a keyword that needs
/// quoting. `schema1` → `schema1`; `our schema2` → `"our schema2"`; `a"b` → `"a""b"`. The
/// rules and the keyword table are the SQL front end's (`quote_ident`).
pub fn quote_identifier(ident: &str) -> Cow<'_, str> {
    let quoted = strings::quote_identifier(ident);
    if quoted == ident {
        Cow::Borrowed(ident)
    } else {
        Cow::Owned(quoted)
    }
}

/// Quotes `s` as a string literal, as PostgreSQL's `quote_literal`: quotes doubled; if it holds
/// a backslash, backslashes are doubled and the literal gets the `E` prefix.
pub fn quote_literal(s: &str) -> String {
    strings::quote_literal_str(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_quote_only_when_needed() {
        assert_eq!(quote_identifier("schema1"), "schema1");
        assert_eq!(quote_identifier("counted"), "counted");
        assert_eq!(quote_identifier("our schema2"), "\"our schema2\"");
        assert_eq!(quote_identifier("counted rows"), "\"counted rows\"");
        assert_eq!(quote_identifier("Upper"), "\"Upper\"");
        assert_eq!(quote_identifier("1abc"), "\"1abc\"");
        assert_eq!(quote_identifier("select"), "\"select\"");
        assert_eq!(quote_identifier("name"), "name"); // unreserved keyword
        assert_eq!(quote_identifier("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_identifier(""), "\"\"");
    }

    #[test]
    fn literals_quote_like_postgres() {
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("a\\b"), "E'a\\\\b'");
        assert_eq!(quote_literal(""), "''");
    }
}
