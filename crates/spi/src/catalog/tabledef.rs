//! A table's SQLite definition (`sqlite_schema.sql`) as items that can be read and edited:
//! columns (`"a" INT NOT NULL DEFAULT (…) COLLATE …`) and named constraints
//! (`CONSTRAINT "t_pkey" PRIMARY KEY (…)`), as the front end writes them and as SQLite keeps
//! them after its own ALTER TABLE. Used to answer "which constraints does this table have"
//! and by ALTER TABLE's rebuild, which renders the edited definition back.
//!
//! Invariant: text this module does not understand is kept verbatim (an unknown column clause
//! stays on its column, an unnamed constraint stays as written); parsing never fails on a
//! definition SQLite accepted, it only understands less of it.

use sql::catalog::{ConstraintKind, quote_sqlite};

/// One lexical token of SQLite's SQL, as far as this module needs.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// A name: `"quoted"` (unescaped) or a bare word.
    Name { text: String, quoted: bool },
    /// A parenthesized group, with its text (parentheses included).
    Group(String),
    /// Anything else (a literal, an operator, a comma at depth 0 is split out before).
    Other(String),
}

impl Tok {
    fn text(&self) -> String {
        match self {
            Tok::Name { text, quoted: true } => quote_sqlite(text),
            Tok::Name { text, .. } | Tok::Group(text) | Tok::Other(text) => text.clone(),
        }
    }

    fn is_word(&self, kw: &str) -> bool {
        matches!(self, Tok::Name { text, quoted: false } if text.eq_ignore_ascii_case(kw))
    }

    fn name(&self) -> Option<&str> {
        match self {
            Tok::Name { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// Splits `s` into tokens; commas at depth 0 become `Tok::Other(",")`.
fn tokenize(s: &str) -> Vec<Tok> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '"' | '`' => {
                let close = c;
                let mut text = String::new();
                i += 1;
                while i < chars.len() {
                    if chars[i] == close {
                        if chars.get(i + 1) == Some(&close) {
                            text.push(close);
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                out.push(Tok::Name { text, quoted: true });
            }
            '[' => {
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != ']' {
                    text.push(chars[i]);
                    i += 1;
                }
                i += 1;
                out.push(Tok::Name { text, quoted: true });
            }
            '\'' => {
                let start = i;
                i += 1;
                while i < chars.len() {
                    if chars[i] == '\'' {
                        if chars.get(i + 1) == Some(&'\'') {
                            i += 2;
                            continue;
                        }
                        i += 1;
                        break;
                    }
                    i += 1;
                }
                out.push(Tok::Other(
                    chars[start..i.min(chars.len())].iter().collect(),
                ));
            }
            '(' => {
                let start = i;
                let mut depth = 0usize;
                while i < chars.len() {
                    match chars[i] {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        q @ ('\'' | '"' | '`') => {
                            i += 1;
                            while i < chars.len() {
                                if chars[i] == q {
                                    if chars.get(i + 1) == Some(&q) {
                                        i += 1;
                                    } else {
                                        break;
                                    }
                                }
                                i += 1;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                out.push(Tok::Group(
                    chars[start..i.min(chars.len())].iter().collect(),
                ));
            }
            ',' => {
                out.push(Tok::Other(",".into()));
                i += 1;
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
                {
                    i += 1;
                }
                out.push(Tok::Name {
                    text: chars[start..i].iter().collect(),
                    quoted: false,
                });
            }
            _ => {
                out.push(Tok::Other(c.to_string()));
                i += 1;
            }
        }
    }
    out
}

fn join(toks: &[Tok]) -> String {
    toks.iter().map(Tok::text).collect::<Vec<_>>().join(" ")
}

/// The quoted or bare names inside a parenthesized group (`("a", "b")`).
fn group_names(group: &str) -> Vec<String> {
    tokenize(group_inner(group))
        .into_iter()
        .filter_map(|t| match t {
            Tok::Name { text, quoted } => {
                let kw = ["ASC", "DESC", "COLLATE"];
                (quoted || !kw.iter().any(|k| text.eq_ignore_ascii_case(k))).then_some(text)
            }
            _ => None,
        })
        .collect()
}

/// One column of the definition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ColumnDef {
    pub name: String,
    /// The declared type (`INT`, `TEXT`, `ANY`, `INTEGER`…).
    pub ty: String,
    pub not_null: bool,
    /// The default's text as SQLite has it (`(0)`, `'x'`, `(pg_host_nextval(16390))`).
    pub default: Option<String>,
    /// `COLLATE name`'s name.
    pub collate: Option<String>,
    /// Other clauses, verbatim (`PRIMARY KEY AUTOINCREMENT`, an inline CHECK…).
    pub other: Vec<String>,
}

impl ColumnDef {
    fn parse(toks: &[Tok]) -> Option<ColumnDef> {
        let name = toks.first()?.name()?.to_string();
        let mut def = ColumnDef {
            name,
            ty: String::new(),
            not_null: false,
            default: None,
            collate: None,
            other: Vec::new(),
        };
        let mut i = 1;
        if let Some(Tok::Name {
            text,
            quoted: false,
        }) = toks.get(1)
            && ![
                "NOT",
                "NULL",
                "DEFAULT",
                "COLLATE",
                "PRIMARY",
                "UNIQUE",
                "CHECK",
                "REFERENCES",
                "CONSTRAINT",
                "GENERATED",
                "AS",
            ]
            .iter()
            .any(|k| text.eq_ignore_ascii_case(k))
        {
            def.ty = text.clone();
            i = 2;
            if let Some(Tok::Group(g)) = toks.get(2) {
                def.ty.push_str(g);
                i = 3;
            }
        }
        while i < toks.len() {
            let t = &toks[i];
            if t.is_word("NOT") && toks.get(i + 1).is_some_and(|n| n.is_word("NULL")) {
                def.not_null = true;
                i += 2;
            } else if t.is_word("NULL") {
                i += 1;
            } else if t.is_word("DEFAULT") {
                // A group, a (signed) literal, or a word.
                let mut j = i + 1;
                let mut text = String::new();
                if matches!(toks.get(j), Some(Tok::Other(s)) if s == "-" || s == "+") {
                    text.push_str(&toks[j].text());
                    j += 1;
                }
                if let Some(v) = toks.get(j) {
                    text.push_str(&v.text());
                    j += 1;
                }
                def.default = Some(text);
                i = j;
            } else if t.is_word("COLLATE") {
                def.collate = toks.get(i + 1).map(Tok::text);
                i += 2;
            } else {
                // Keep the clause up to the next keyword this parser knows.
                let mut j = i + 1;
                while j < toks.len()
                    && !["NOT", "NULL", "DEFAULT", "COLLATE", "CONSTRAINT"]
                        .iter()
                        .any(|k| toks[j].is_word(k))
                {
                    j += 1;
                }
                def.other.push(join(&toks[i..j]));
                i = j;
            }
        }
        Some(def)
    }

    pub fn render(&self) -> String {
        let mut s = quote_sqlite(&self.name);
        if !self.ty.is_empty() {
            s.push(' ');
            s.push_str(&self.ty);
        }
        for o in &self.other {
            s.push(' ');
            s.push_str(o);
        }
        if self.not_null {
            s.push_str(" NOT NULL");
        }
        if let Some(d) = &self.default {
            s.push_str(" DEFAULT ");
            s.push_str(d);
        }
        if let Some(c) = &self.collate {
            s.push_str(" COLLATE ");
            s.push_str(c);
        }
        s
    }

    /// A primary key declared on the column itself (format 2's serial keys).
    pub fn inline_primary_key(&self) -> bool {
        self.other
            .iter()
            .any(|o| o.to_ascii_uppercase().starts_with("PRIMARY KEY"))
    }
}

/// One table constraint of the definition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ConstraintDef {
    /// `None` for an unnamed one (not written by minipg).
    pub name: Option<String>,
    pub kind: Option<ConstraintKind>,
    /// Key columns (PRIMARY KEY, UNIQUE, FOREIGN KEY's own).
    pub columns: Vec<String>,
    /// FOREIGN KEY: the referenced table (SQLite name) and columns.
    pub references: Option<(String, Vec<String>)>,
    /// CHECK: the expression's text.
    pub check: Option<String>,
    /// Everything after the name, verbatim.
    pub body: String,
}

impl ConstraintDef {
    fn parse(toks: &[Tok]) -> ConstraintDef {
        let (name, rest) = if toks.first().is_some_and(|t| t.is_word("CONSTRAINT")) {
            (
                toks.get(1).and_then(Tok::name).map(str::to_string),
                toks.get(2..).unwrap_or(&[]),
            )
        } else {
            (None, toks)
        };
        let mut def = ConstraintDef {
            name,
            kind: None,
            columns: Vec::new(),
            references: None,
            check: None,
            body: join(rest),
        };
        let group_at = |i: usize| match rest.get(i) {
            Some(Tok::Group(g)) => Some(g.clone()),
            _ => None,
        };
        if rest.first().is_some_and(|t| t.is_word("PRIMARY")) {
            def.kind = Some(ConstraintKind::PrimaryKey);
            def.columns = group_at(2).map(|g| group_names(&g)).unwrap_or_default();
        } else if rest.first().is_some_and(|t| t.is_word("UNIQUE")) {
            def.kind = Some(ConstraintKind::Unique);
            def.columns = group_at(1).map(|g| group_names(&g)).unwrap_or_default();
        } else if rest.first().is_some_and(|t| t.is_word("CHECK")) {
            def.kind = Some(ConstraintKind::Check);
            def.check = group_at(1);
        } else if rest.first().is_some_and(|t| t.is_word("FOREIGN")) {
            def.kind = Some(ConstraintKind::ForeignKey);
            def.columns = group_at(2).map(|g| group_names(&g)).unwrap_or_default();
            if let Some(r) = rest.iter().position(|t| t.is_word("REFERENCES"))
                && let Some(table) = rest.get(r + 1).and_then(Tok::name)
            {
                let cols = match rest.get(r + 2) {
                    Some(Tok::Group(g)) => group_names(g),
                    _ => Vec::new(),
                };
                def.references = Some((table.to_string(), cols));
            }
        }
        def
    }

    pub fn render(&self) -> String {
        match &self.name {
            Some(n) => format!("CONSTRAINT {} {}", quote_sqlite(n), self.body),
            None => self.body.clone(),
        }
    }

    /// A FOREIGN KEY now referencing table `to` (SQLite name).
    pub fn set_referenced_table(&mut self, to: &str) {
        let mut toks = tokenize(&self.body);
        if let Some(r) = toks.iter().position(|t| t.is_word("REFERENCES"))
            && let Some(t @ Tok::Name { .. }) = toks.get_mut(r + 1)
        {
            *t = Tok::Name {
                text: to.to_string(),
                quoted: true,
            };
            self.body = join(&toks);
            if let Some((table, _)) = &mut self.references {
                *table = to.to_string();
            }
        }
    }

    /// The columns a CHECK reads, among `columns` (by name appearing in its text).
    pub fn check_columns(&self, columns: &[ColumnDef]) -> Vec<String> {
        let Some(text) = &self.check else {
            return Vec::new();
        };
        let names: Vec<String> = tokenize(text)
            .into_iter()
            .flat_map(|t| match t {
                Tok::Group(g) => collect_names(group_inner(&g)),
                Tok::Name { text, .. } => vec![text],
                Tok::Other(_) => Vec::new(),
            })
            .collect();
        columns
            .iter()
            .filter(|c| names.contains(&c.name))
            .map(|c| c.name.clone())
            .collect()
    }
}

/// A group's text without its parentheses (an unterminated group keeps its tail).
fn group_inner(g: &str) -> &str {
    let g = g.strip_prefix('(').unwrap_or(g);
    g.strip_suffix(')').unwrap_or(g)
}

fn collect_names(s: &str) -> Vec<String> {
    tokenize(s)
        .into_iter()
        .flat_map(|t| match t {
            Tok::Group(g) => collect_names(group_inner(&g)),
            Tok::Name { text, .. } => vec![text],
            Tok::Other(_) => Vec::new(),
        })
        .collect()
}

/// A parsed `CREATE TABLE`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableDef {
    pub columns: Vec<ColumnDef>,
    pub constraints: Vec<ConstraintDef>,
    /// What follows the closing parenthesis (` STRICT`).
    pub options: String,
}

impl TableDef {
    /// Reads SQLite's `CREATE TABLE name (…) options` text.
    pub fn parse(sql: &str) -> Option<TableDef> {
        let open = sql.find('(')?;
        let body_and_rest = &sql[open..];
        let toks = tokenize(body_and_rest);
        let Some(Tok::Group(body)) = toks.first() else {
            return None;
        };
        let options = body_and_rest.get(body.len()..).unwrap_or("").to_string();
        let inner = group_inner(body);
        let mut items: Vec<Vec<Tok>> = vec![Vec::new()];
        for t in tokenize(inner) {
            if t == Tok::Other(",".into()) {
                items.push(Vec::new());
            } else if let Some(last) = items.last_mut() {
                last.push(t);
            }
        }
        let mut def = TableDef {
            columns: Vec::new(),
            constraints: Vec::new(),
            options,
        };
        for item in items.into_iter().filter(|i| !i.is_empty()) {
            let is_constraint = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
                .iter()
                .any(|k| item[0].is_word(k));
            if is_constraint {
                def.constraints.push(ConstraintDef::parse(&item));
            } else if let Some(c) = ColumnDef::parse(&item) {
                def.columns.push(c);
            }
        }
        Some(def)
    }

    /// `CREATE TABLE "name" (…)` with this definition.
    pub fn render(&self, sqlite_name: &str) -> String {
        let items: Vec<String> = self
            .columns
            .iter()
            .map(ColumnDef::render)
            .chain(self.constraints.iter().map(ConstraintDef::render))
            .collect();
        format!(
            "CREATE TABLE {} ({}){}",
            quote_sqlite(sqlite_name),
            items.join(", "),
            self.options
        )
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut ColumnDef> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    pub fn constraint(&self, name: &str) -> Option<&ConstraintDef> {
        self.constraints
            .iter()
            .find(|c| c.name.as_deref() == Some(name))
    }

    /// The constraints as the analyzer sees them (named ones, plus a format-2 serial key).
    pub fn catalog_constraints(&self, table: &str) -> Vec<sql::catalog::Constraint> {
        let mut out = Vec::new();
        for c in &self.columns {
            if c.inline_primary_key() {
                out.push(sql::catalog::Constraint {
                    name: format!("{table}_pkey"),
                    kind: ConstraintKind::PrimaryKey,
                    columns: vec![c.name.clone()],
                    references: None,
                });
            }
        }
        for c in &self.constraints {
            let (Some(name), Some(kind)) = (&c.name, c.kind) else {
                continue;
            };
            let columns = if kind == ConstraintKind::Check {
                c.check_columns(&self.columns)
            } else {
                c.columns.clone()
            };
            out.push(sql::catalog::Constraint {
                name: name.clone(),
                kind,
                columns,
                references: c.references.clone(),
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "CREATE TABLE \"s.t\" (\"id\" INT NOT NULL DEFAULT (pg_host_nextval(16390)), \
         \"a, b\" TEXT DEFAULT ('x,y') COLLATE \"pg_c\", \"n\" ANY DEFAULT -1, \
         CONSTRAINT \"t_pkey\" PRIMARY KEY (\"id\"), \
         CONSTRAINT \"t_n_check\" CHECK ((pg_float8_gt(\"n\", 0))), \
         CONSTRAINT \"t_id_fkey\" FOREIGN KEY (\"id\") REFERENCES \"p\" (\"x\") ON DELETE CASCADE ON UPDATE NO ACTION) STRICT";

    #[test]
    fn parses_what_minipg_writes() {
        let d = TableDef::parse(T).expect("parse");
        assert_eq!(d.columns.len(), 3);
        assert_eq!(d.columns[0].name, "id");
        assert!(d.columns[0].not_null);
        assert_eq!(
            d.columns[0].default.as_deref(),
            Some("(pg_host_nextval(16390))")
        );
        assert_eq!(d.columns[1].name, "a, b");
        assert_eq!(d.columns[1].default.as_deref(), Some("('x,y')"));
        assert_eq!(d.columns[1].collate.as_deref(), Some("\"pg_c\""));
        assert_eq!(d.columns[2].default.as_deref(), Some("-1"));
        assert_eq!(d.constraints.len(), 3);
        assert_eq!(d.constraints[0].kind, Some(ConstraintKind::PrimaryKey));
        assert_eq!(d.constraints[0].columns, ["id"]);
        assert_eq!(d.constraints[1].check_columns(&d.columns), ["n"]);
        assert_eq!(
            d.constraints[2].references,
            Some(("p".to_string(), vec!["x".to_string()]))
        );
        assert_eq!(d.options, " STRICT");
        // Rendering and reading again gives the same definition.
        let again = TableDef::parse(&d.render("s.t")).expect("again");
        assert_eq!(again, d);
    }

    #[test]
    fn malformed_text_is_no_panic() {
        for text in [
            "CREATE TABLE t (",
            "CREATE TABLE t (\"a",
            "CREATE TABLE t (a INT CHECK (",
            "CREATE TABLE t (a é, CONSTRAINT \"c\" CHECK ((é",
            "CREATE TABLE t ()",
            "no parenthesis",
            "CREATE TABLE t ('unterminated",
        ] {
            if let Some(d) = TableDef::parse(text) {
                let _ = d.render("t");
                let _ = d.catalog_constraints("t");
            }
        }
    }

    #[test]
    fn format_2_serial_keys_and_odd_text_survive() {
        let d = TableDef::parse(
            "CREATE TABLE \"t\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"v\" INT CHECK (v > 0) NOT NULL) STRICT",
        )
        .expect("parse");
        assert!(d.columns[0].inline_primary_key());
        assert_eq!(d.catalog_constraints("t")[0].name, "t_pkey");
        assert!(d.columns[1].not_null);
        assert_eq!(d.columns[1].other, ["CHECK (v > 0)"]);
    }
}
