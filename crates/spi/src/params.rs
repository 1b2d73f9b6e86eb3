//! Parameter type inference for `?N` parameters the rewriter could not type (no cast):
//! `column <op> ?N` / `?N <op> column` against the declared type of a column the statement
//! reads or writes (the authorizer recorded which), and `INSERT INTO t (cols) VALUES (?N, …)`
//! against `t`'s columns. What stays unknown is reported as `text` by the caller.
//!
//! Never: fails — inference is a best effort and only ever fills `Unknown` slots.

use rusqlite::Connection;

use crate::authorizer::Scratch;
use crate::rewrite::PgType;

/// A token of SQLite text, just enough for the patterns above.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Param(usize),
    Op(String),
    Punct(char),
    Other,
}

fn tokenize(sql: &str) -> Vec<Tok> {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == '\'' {
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            out.push(Tok::Other);
        } else if c == '"' || c == '`' || c == '[' {
            let close = if c == '[' { ']' } else { c };
            let mut name = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == close {
                    if close != ']' && chars.get(i + 1) == Some(&close) {
                        name.push(close);
                        i += 2;
                        continue;
                    }
                    break;
                }
                name.push(chars[i]);
                i += 1;
            }
            i += 1;
            out.push(Tok::Ident(name));
        } else if c == '?' {
            i += 1;
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            out.push(digits.parse().map_or(Tok::Other, Tok::Param));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            out.push(Tok::Ident(chars[start..i].iter().collect()));
        } else if c.is_ascii_digit() {
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '.') {
                i += 1;
            }
            out.push(Tok::Other);
        } else if "=<>!".contains(c) {
            let start = i;
            while i < chars.len() && "=<>!".contains(chars[i]) {
                i += 1;
            }
            out.push(Tok::Op(chars[start..i].iter().collect()));
        } else {
            out.push(Tok::Punct(c));
            i += 1;
        }
    }
    out
}

/// True when `sql` holds more than one statement (the rewriter joins the statements of
/// `DROP TABLE a, b` or `TRUNCATE a, b` with `; `).
pub(crate) fn is_multi_statement(sql: &str) -> bool {
    let toks = tokenize(sql);
    toks.iter()
        .position(|t| *t == Tok::Punct(';'))
        .is_some_and(|at| toks[at + 1..].iter().any(|t| *t != Tok::Punct(';')))
}

/// The declared type of `column` in `table`, if the table has it.
pub(crate) fn column_type(conn: &Connection, table: &str, column: &str) -> Option<PgType> {
    conn.prepare_cached("SELECT type FROM pragma_table_info(?1) WHERE name = ?2 COLLATE NOCASE")
        .and_then(|mut s| s.query_row([table, column], |r| r.get::<_, String>(0)))
        .ok()
        .filter(|t| !t.is_empty())
        .map(|t| PgType::from_type_name(&t))
}

fn table_columns(conn: &Connection, table: &str) -> Vec<String> {
    conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .and_then(|mut s| {
            s.query_map([table], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap_or_default()
}

/// Fills `Unknown` entries of `types` (index = parameter number - 1) where it can.
pub(crate) fn infer_param_types(
    conn: &Connection,
    sqlite: &str,
    scratch: &Scratch,
    types: &mut [PgType],
) {
    let toks = tokenize(sqlite);
    let mut tables: Vec<&str> = Vec::new();
    if let Some(t) = scratch.write_table.as_deref() {
        tables.push(t);
    }
    for (t, _) in &scratch.reads {
        if !tables.contains(&t.as_str()) {
            tables.push(t);
        }
    }
    let lookup = |column: &str| tables.iter().find_map(|t| column_type(conn, t, column));
    let set = |n: usize, ty: Option<PgType>, types: &mut [PgType]| {
        if let (Some(slot), Some(ty)) = (n.checked_sub(1).and_then(|i| types.get_mut(i)), ty)
            && *slot == PgType::Unknown
        {
            *slot = ty;
        }
    };
    // column <op> ?N  and  ?N <op> column
    for (i, tok) in toks.iter().enumerate() {
        let Tok::Op(_) = tok else { continue };
        let (Some(before), Some(after)) = (i.checked_sub(1).map(|j| &toks[j]), toks.get(i + 1))
        else {
            continue;
        };
        match (before, after) {
            (Tok::Ident(col), Tok::Param(n)) | (Tok::Param(n), Tok::Ident(col)) => {
                set(*n, lookup(col), types);
            }
            _ => {}
        }
    }
    // f(?N) for the server's own functions whose argument type is fixed.
    for (i, tok) in toks.iter().enumerate() {
        let Tok::Ident(f) = tok else { continue };
        let arg_type = match f.to_ascii_lowercase().as_str() {
            "pg_cancel_backend" | "pg_terminate_backend" => PgType::Int4,
            "pg_sleep" => PgType::Float8,
            _ => continue,
        };
        if let (Some(Tok::Punct('(')), Some(Tok::Param(n)), Some(Tok::Punct(')'))) =
            (toks.get(i + 1), toks.get(i + 2), toks.get(i + 3))
        {
            set(*n, Some(arg_type), types);
        }
    }
    // INSERT INTO t [(cols)] VALUES (?a, ?b, …)
    let Some(table) = scratch.write_table.as_deref() else {
        return;
    };
    let is_kw = |t: &Tok, kw: &str| matches!(t, Tok::Ident(s) if s.eq_ignore_ascii_case(kw));
    if !toks.first().is_some_and(|t| is_kw(t, "insert")) {
        return;
    }
    let Some(values_at) = toks.iter().position(|t| is_kw(t, "values")) else {
        return;
    };
    // Column list: the parenthesised identifiers right before VALUES, if any.
    let mut columns: Vec<String> = Vec::new();
    if values_at > 0 && toks[values_at - 1] == Tok::Punct(')') {
        let mut j = values_at - 1;
        while j > 0 && toks[j] != Tok::Punct('(') {
            j -= 1;
        }
        columns = toks[j + 1..values_at - 1]
            .iter()
            .filter_map(|t| match t {
                Tok::Ident(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
    }
    if columns.is_empty() {
        columns = table_columns(conn, table);
    }
    // Each VALUES tuple: position k holding exactly `?N` gets column k's type.
    let mut k = 0usize;
    let mut depth = 0usize;
    let mut item: Vec<&Tok> = Vec::new();
    for tok in &toks[values_at + 1..] {
        match tok {
            Tok::Punct('(') => {
                depth += 1;
                if depth == 1 {
                    k = 0;
                    item.clear();
                    continue;
                }
            }
            Tok::Punct(')') if depth == 1 => {
                if let [Tok::Param(n)] = item.as_slice()
                    && let Some(col) = columns.get(k)
                {
                    set(*n, column_type(conn, table, col), types);
                }
                depth = 0;
                item.clear();
                continue;
            }
            Tok::Punct(')') => depth = depth.saturating_sub(1),
            Tok::Punct(',') if depth == 1 => {
                if let [Tok::Param(n)] = item.as_slice()
                    && let Some(col) = columns.get(k)
                {
                    set(*n, column_type(conn, table, col), types);
                }
                k += 1;
                item.clear();
                continue;
            }
            Tok::Punct(',') if depth == 0 => continue, // next VALUES tuple
            _ if depth == 0 => break, // past the VALUES list (ON CONFLICT, RETURNING…)
            _ => {}
        }
        item.push(tok);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(conn: &Connection, sql: &str, scratch: Scratch, n: usize) -> Vec<PgType> {
        let mut types = vec![PgType::Unknown; n];
        infer_param_types(conn, sql, &scratch, &mut types);
        types
    }

    #[test]
    fn multi_statement_detection() {
        assert!(is_multi_statement("DROP TABLE a; DROP TABLE b"));
        assert!(!is_multi_statement("DROP TABLE a;"));
        assert!(!is_multi_statement("SELECT ';' -- ; x"));
        assert!(!is_multi_statement("SELECT \"a;b\" FROM t"));
    }

    #[test]
    fn infers_from_comparisons_and_insert_lists() {
        let conn = Connection::open_in_memory().expect("open");
        conn.execute_batch("CREATE TABLE acc(aid integer, abalance bigint, name text, ok boolean)")
            .expect("table");
        let reads = Scratch {
            reads: vec![("acc".into(), "aid".into())],
            ..Scratch::default()
        };
        assert_eq!(
            infer(&conn, "SELECT abalance FROM acc WHERE aid = ?1", reads, 1),
            [PgType::Int4]
        );
        let write = Scratch {
            write_table: Some("acc".into()),
            ..Scratch::default()
        };
        assert_eq!(
            infer(
                &conn,
                "UPDATE acc SET abalance = abalance + ?1 WHERE aid = ?2",
                write.clone(),
                2
            ),
            [PgType::Unknown, PgType::Int4]
        );
        assert_eq!(
            infer(
                &conn,
                "INSERT INTO acc (name, ok, aid) VALUES (?1, ?2, ?3)",
                write.clone(),
                3
            ),
            [PgType::Text, PgType::Bool, PgType::Int4]
        );
        assert_eq!(
            infer(
                &conn,
                "INSERT INTO acc VALUES (?2, ?1, 'x', lower(?3))",
                write,
                3
            ),
            [PgType::Int8, PgType::Int4, PgType::Unknown]
        );
    }
}
