//! Splitting a simple-query string into statements.
//!
//! Owns: finding the top-level `;` separators with the same lexical rules as the rewriter (so a
//! `;` inside a string, quoted name, dollar quote or comment never splits).
//! Invariant: never fails — from an unterminated quote or comment on, the rest of the text is one
//! statement, and the rewrite of that statement reports the 42601 error with its position.

use super::lexer::{Lexer, TokenKind};

/// Splits `sql` on top-level `;`, trimming each statement and dropping the empty ones (including
/// those that hold only comments).
pub fn split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut lexer = Lexer::new(sql);
    let mut start = 0usize;
    let mut has_token = false;
    loop {
        match lexer.next_token() {
            Ok(Some(t)) if t.kind == TokenKind::Semicolon => {
                if has_token {
                    out.push(sql[start..t.pos].trim().to_string());
                }
                start = t.pos + 1;
                has_token = false;
            }
            Ok(Some(_)) => has_token = true,
            Ok(None) => {
                if has_token {
                    out.push(sql[start..].trim().to_string());
                }
                return out;
            }
            Err(_) => {
                // Keep the malformed rest whole (even a lone unterminated comment: PostgreSQL
                // reports that as an error too), for the rewrite to report with its position.
                let rest = sql[start..].trim();
                if !rest.is_empty() {
                    out.push(rest.to_string());
                }
                return out;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_top_level_semicolons_only() {
        assert_eq!(
            split_statements("select 1; select 2;"),
            vec!["select 1", "select 2"]
        );
        assert_eq!(
            split_statements("select ';'; select \";\" from t; select $$a;b$$; select $x$;$x$"),
            vec![
                "select ';'",
                "select \";\" from t",
                "select $$a;b$$",
                "select $x$;$x$"
            ]
        );
        assert_eq!(
            split_statements("select 'it''s;'; select E'\\';'"),
            vec!["select 'it''s;'", "select E'\\';'"]
        );
    }

    #[test]
    fn drops_empty_and_comment_only_statements() {
        assert_eq!(split_statements(""), Vec::<String>::new());
        assert_eq!(split_statements(" ; ;; "), Vec::<String>::new());
        assert_eq!(split_statements("-- only a comment"), Vec::<String>::new());
        assert_eq!(
            split_statements("/* a; /* nested; */ b; */ ; select 1 -- x; y"),
            vec!["select 1 -- x; y"]
        );
        assert_eq!(
            split_statements("select 1 /* ; */ ; -- tail"),
            vec!["select 1 /* ; */"]
        );
    }

    #[test]
    fn keeps_a_malformed_rest_whole() {
        assert_eq!(
            split_statements("select 1; select 'abc; select 2"),
            vec!["select 1", "select 'abc; select 2"]
        );
        assert_eq!(
            split_statements("select 1; /* open"),
            vec!["select 1", "/* open"]
        );
    }
}
