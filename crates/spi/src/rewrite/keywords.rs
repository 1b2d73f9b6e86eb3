//! Keyword sets the rewriter consults to tell names from syntax.
//!
//! Owns: which unquoted words can never be a column, alias or function name in the positions the
//! rewriter inspects. These are PostgreSQL's reserved words plus the clause words SQLite needs to
//! see unchanged; anything not listed is treated as an ordinary name.
//!
//! Never: decides meaning beyond "is this a name?" — statement shapes live in the other modules.

/// Words that are syntax, not names (lower case).
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "between",
    "both",
    "by",
    "case",
    "check",
    "collate",
    "constraint",
    "create",
    "cross",
    "default",
    "deferrable",
    "delete",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "escape",
    "except",
    "exists",
    "fetch",
    "for",
    "foreign",
    "from",
    "full",
    "glob",
    "grant",
    "group",
    "having",
    "if",
    "ilike",
    "in",
    "indexed",
    "initially",
    "inner",
    "insert",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "natural",
    "not",
    "notnull",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overriding",
    "placing",
    "primary",
    "recursive",
    "references",
    "regexp",
    "returning",
    "right",
    "select",
    "set",
    "similar",
    "some",
    "symmetric",
    "table",
    "then",
    "to",
    "trailing",
    "union",
    "unique",
    "update",
    "using",
    "values",
    "when",
    "where",
    "window",
    "with",
];

/// Whether `word` (any case) is syntax rather than a name.
pub(crate) fn is_reserved(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    RESERVED.binary_search(&lower.as_str()).is_ok()
}

/// Words that may be followed by `(` without being a function call.
pub(crate) fn is_call_name(word: &str) -> bool {
    // `left(`/`right(` are the string functions; the join words never precede `(`.
    let lower = word.to_ascii_lowercase();
    matches!(lower.as_str(), "left" | "right" | "any" | "some" | "array") || !is_reserved(&lower)
}

/// Words that end a `FROM` list at the same parenthesis depth.
pub(crate) fn ends_from_list(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    matches!(
        lower.as_str(),
        "where"
            | "group"
            | "having"
            | "order"
            | "limit"
            | "offset"
            | "window"
            | "union"
            | "intersect"
            | "except"
            | "returning"
            | "set"
            | "fetch"
            | "for"
            | "values"
            | "select"
            | "do"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_list_is_sorted_for_binary_search() {
        let mut sorted = RESERVED.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, RESERVED);
    }

    #[test]
    fn names_and_syntax() {
        assert!(is_reserved("SELECT"));
        assert!(!is_reserved("counted"));
        assert!(is_call_name("coalesce"));
        assert!(is_call_name("left"));
        assert!(!is_call_name("in"));
        assert!(!is_call_name("select"));
    }
}
