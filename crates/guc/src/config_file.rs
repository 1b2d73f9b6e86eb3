//! Reading `minipg.conf`: one `name = value` (or `name value`) per line, `#` comments.
//!
//! The grammar is PostgreSQL's `guc-file.l` without `include`: a name is one or more identifiers
//! joined by dots; a value is a single-quoted string (`''` or `\'` for a quote, and the backslash
//! escapes `\b \f \n \r \t \ooo`) or an unquoted token of letters, digits and `_ $ - + . : /`
//! (which covers numbers with units like `64kB`). Anything else on the line is a syntax error.
//! This module only splits the text; it never looks at what the names mean.

use std::path::Path;

use crate::GucError;

/// One `name = value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigEntry {
    /// The name as written (case preserved).
    pub name: String,
    /// The value with quotes and escapes removed.
    pub value: String,
    /// 1-based line number.
    pub line: usize,
}

/// Reads and parses `path`; duplicates are kept, in file order.
pub(crate) fn read(path: &Path) -> Result<Vec<ConfigEntry>, GucError> {
    let text = std::fs::read_to_string(path).map_err(|source| GucError::ConfigFileIo {
        file: path.to_path_buf(),
        source,
    })?;
    parse(&text).map_err(|(line, why)| GucError::ConfigFileSyntax {
        file: path.to_path_buf(),
        line,
        why,
    })
}

/// Keeps only the last entry for each name (names compared case-insensitively), in the order
/// those last entries appear. PostgreSQL ignores earlier duplicates, without validating them.
pub(crate) fn last_of_each(entries: Vec<ConfigEntry>) -> Vec<ConfigEntry> {
    let mut kept: Vec<ConfigEntry> = Vec::with_capacity(entries.len());
    for entry in entries.into_iter().rev() {
        if !kept
            .iter()
            .any(|k| k.name.eq_ignore_ascii_case(&entry.name))
        {
            kept.push(entry);
        }
    }
    kept.reverse();
    kept
}

/// Parses the text of a configuration file; the error is `(line, "near token ...")`.
pub(crate) fn parse(text: &str) -> Result<Vec<ConfigEntry>, (usize, String)> {
    let mut entries = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_number = index + 1;
        if let Some((name, value)) = parse_line(line).map_err(|why| (line_number, why))? {
            entries.push(ConfigEntry {
                name,
                value,
                line: line_number,
            });
        }
    }
    Ok(entries)
}

fn near_token(token: &str) -> String {
    format!("near token \"{token}\"")
}

const NEAR_END_OF_LINE: &str = "near end of line";

fn is_identifier_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || !c.is_ascii()
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$' || !c.is_ascii()
}

fn is_unquoted_value_char(c: char) -> bool {
    is_identifier_char(c) || matches!(c, '-' | '+' | '.' | ':' | '/')
}

/// The token starting at `rest`, for error messages.
fn token_at(rest: &str) -> &str {
    let end = rest
        .char_indices()
        .skip(1)
        .find(|(_, c)| c.is_whitespace() || !is_unquoted_value_char(*c))
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

/// `Ok(None)` for a blank or comment line.
fn parse_line(line: &str) -> Result<Option<(String, String)>, String> {
    let rest = line.trim_start();
    if rest.is_empty() || rest.starts_with('#') {
        return Ok(None);
    }

    // The name: identifiers joined by dots.
    let mut name_len = 0;
    let mut expect_identifier = true;
    for c in rest.chars() {
        let accepted = if expect_identifier {
            is_identifier_start(c)
        } else {
            is_identifier_char(c) || c == '.'
        };
        if !accepted {
            break;
        }
        expect_identifier = c == '.';
        name_len += c.len_utf8();
    }
    if name_len == 0 {
        return Err(near_token(token_at(rest)));
    }
    if expect_identifier {
        // A trailing dot: "foo. = 1".
        return Err(near_token(token_at(rest)));
    }
    let name = &rest[..name_len];
    if ["include", "include_dir", "include_if_exists"]
        .iter()
        .any(|directive| name.eq_ignore_ascii_case(directive))
    {
        return Err(format!(
            "near token \"{name}\": include directives are not supported by minipg"
        ));
    }

    // The optional '='.
    let mut rest = rest[name_len..].trim_start();
    if let Some(after) = rest.strip_prefix('=') {
        rest = after.trim_start();
    }

    // The value.
    let (value, after_value) = if let Some(quoted) = rest.strip_prefix('\'') {
        parse_quoted(quoted)?
    } else {
        let len = rest
            .char_indices()
            .find(|(_, c)| !is_unquoted_value_char(*c))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 {
            return Err(if rest.is_empty() || rest.starts_with('#') {
                NEAR_END_OF_LINE.to_string()
            } else {
                near_token(token_at(rest))
            });
        }
        (rest[..len].to_string(), &rest[len..])
    };

    // Only a comment may follow.
    let trailing = after_value.trim_start();
    if !trailing.is_empty() && !trailing.starts_with('#') {
        return Err(near_token(token_at(trailing)));
    }
    Ok(Some((name.to_string(), value)))
}

/// Parses a single-quoted string after its opening quote: the value and what follows the close.
fn parse_quoted(text: &str) -> Result<(String, &str), String> {
    let mut value = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        match c {
            '\'' => {
                if let Some((_, '\'')) = chars.peek() {
                    chars.next();
                    value.push('\'');
                } else {
                    return Ok((value, &text[index + 1..]));
                }
            }
            '\\' => {
                let Some((_, escaped)) = chars.next() else {
                    break;
                };
                match escaped {
                    'b' => value.push('\u{8}'),
                    'f' => value.push('\u{c}'),
                    'n' => value.push('\n'),
                    'r' => value.push('\r'),
                    't' => value.push('\t'),
                    '0'..='7' => {
                        let mut code = escaped.to_digit(8).unwrap_or(0);
                        for _ in 0..2 {
                            match chars.peek().and_then(|(_, d)| d.to_digit(8)) {
                                Some(digit) => {
                                    code = code * 8 + digit;
                                    chars.next();
                                }
                                None => break,
                            }
                        }
                        // Octal escapes above \177 would be a lone byte of a multi-byte
                        // sequence; keep the text valid UTF-8 by taking them as code points.
                        value.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                    }
                    other => value.push(other),
                }
            }
            other => value.push(other),
        }
    }
    Err(format!(
        "near token \"'{text}\": unterminated quoted string"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Vec<(String, String, usize)> {
        parse(text)
            .unwrap_or_else(|e| panic!("parse failed: {e:?}"))
            .into_iter()
            .map(|e| (e.name, e.value, e.line))
            .collect()
    }

    fn entry(name: &str, value: &str, line: usize) -> (String, String, usize) {
        (name.to_string(), value.to_string(), line)
    }

    #[test]
    fn names_values_comments_and_blank_lines() {
        let text = "# a comment\n\
                    \n\
                    port = 5433\n\
                    max_connections 20   # trailing comment\n\
                    \tlisten_addresses='*'\n\
                    autovacuum_naptime = 1min\n\
                    shared_preload_libraries = 'worker_spi'\r\n\
                    worker_spi.naptime=5\n\
                    statement_timeout = -1.5e3\n\
                    unix_socket_directories = /tmp/sock:dir\n\
                    TimeZone = Europe/Paris\n";
        assert_eq!(
            entries(text),
            vec![
                entry("port", "5433", 3),
                entry("max_connections", "20", 4),
                entry("listen_addresses", "*", 5),
                entry("autovacuum_naptime", "1min", 6),
                entry("shared_preload_libraries", "worker_spi", 7),
                entry("worker_spi.naptime", "5", 8),
                entry("statement_timeout", "-1.5e3", 9),
                entry("unix_socket_directories", "/tmp/sock:dir", 10),
                entry("TimeZone", "Europe/Paris", 11),
            ]
        );
    }

    #[test]
    fn quoted_strings_and_escapes() {
        assert_eq!(
            entries(r"application_name = 'it''s \'here\' # not a comment'"),
            vec![entry("application_name", "it's 'here' # not a comment", 1)]
        );
        assert_eq!(
            entries(r"search_path = 'a\tb\n\101\\'"),
            vec![entry("search_path", "a\tb\nA\\", 1)]
        );
        assert_eq!(
            entries("listen_addresses = ''"),
            vec![entry("listen_addresses", "", 1)]
        );
        assert_eq!(
            entries("autovacuum = 'on' # quoted boolean"),
            vec![entry("autovacuum", "on", 1)]
        );
    }

    #[test]
    fn syntax_errors_name_the_line_and_token() {
        assert_eq!(parse("port = 1\nport ="), Err((2, NEAR_END_OF_LINE.into())));
        assert_eq!(parse("port = # x"), Err((1, NEAR_END_OF_LINE.into())));
        assert_eq!(parse("port = 4 MB"), Err((1, near_token("MB"))));
        assert_eq!(parse("search_path = a, b"), Err((1, near_token(","))));
        assert_eq!(parse("= 5"), Err((1, near_token("="))));
        assert_eq!(parse("5port = 5"), Err((1, near_token("5port"))));
        assert_eq!(parse("foo. = 5"), Err((1, near_token("foo."))));
        assert!(
            parse("x = 'unterminated")
                .is_err_and(|(line, why)| line == 1 && why.contains("unterminated"))
        );
        assert!(
            parse("include 'other.conf'")
                .is_err_and(|(_, why)| why.contains("include directives are not supported"))
        );
    }

    #[test]
    fn the_last_duplicate_wins() {
        let parsed =
            parse("port = 1\nmax_connections = 5\nPORT = 2\n").unwrap_or_else(|e| panic!("{e:?}"));
        let kept: Vec<_> = last_of_each(parsed)
            .into_iter()
            .map(|e| (e.name, e.value))
            .collect();
        assert_eq!(
            kept,
            vec![
                ("max_connections".to_string(), "5".to_string()),
                ("PORT".to_string(), "2".to_string())
            ]
        );
    }

    #[test]
    fn read_reports_missing_files_and_syntax_errors_with_the_path() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let missing = dir.path().join("missing.conf");
        assert!(matches!(read(&missing), Err(GucError::ConfigFileIo { .. })));

        let bad = dir.path().join("bad.conf");
        std::fs::write(&bad, "port = 1\nport = = 2\n").unwrap_or_else(|e| panic!("{e}"));
        let err = read(&bad).err().map(|e| e.to_string());
        assert_eq!(
            err,
            Some(format!(
                "syntax error in file \"{}\" line 2, near token \"=\"",
                bad.display()
            ))
        );
    }
}
