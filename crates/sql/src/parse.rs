//! Parsing: PostgreSQL text → statements, with `sqlparser`'s PostgreSQL grammar.
//!
//! The text is tokenized once (sqlparser's tokenizer knows PostgreSQL's quoting: `'…'`, `E'…'`,
//! `$tag$…$tag$`, `"…"`, comments), cut into statements at top-level semicolons, and each
//! statement's tokens are parsed on their own, so every position refers to the client's whole
//! text as PostgreSQL reports it. `CREATE SCHEMA name CREATE TABLE … CREATE INDEX …` (schema
//! elements, which sqlparser does not know) is cut into its elements here.
//!
//! Errors are PostgreSQL's: 42601 `syntax error at or near "…"` (or `at end of input`) with the
//! 1-based character position, and 54001 `stack depth limit exceeded` for nesting deeper than
//! [`MAX_NESTING`].
//! Invariant: linear in the input apart from sqlparser's own bounded look-ahead; never panics.

use sqlparser::ast;
use sqlparser::dialect::{Dialect, PostgreSqlDialect};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Whitespace};

use crate::error::{Result, SqlError, sqlstate};

/// Parenthesis/sub-expression nesting sqlparser may recurse through before 54001.
pub const MAX_NESTING: usize = 500;

/// One parsed statement.
#[derive(Debug)]
pub struct Parsed {
    pub stmt: Stmt,
    /// Character range of the statement in the client's text (0-based, end exclusive).
    pub start: usize,
    pub end: usize,
    /// The `SEQUENCE NAME` options of the statement's identity specifications, in order
    /// (sqlparser does not know the option; it is taken out before parsing).
    pub sequence_names: Vec<ast::ObjectName>,
}

/// What a statement is, as far as parsing knows.
#[derive(Debug)]
pub enum Stmt {
    Ast(Box<ast::Statement>),
    /// COPY, read by [`crate::copy::parse`] (sqlparser's COPY grammar is not PostgreSQL's).
    Copy(Box<crate::copy::parse::CopyStmt>),
    /// VACUUM / ANALYZE, read here (sqlparser's grammar lacks most of PostgreSQL's forms).
    Maintenance(Maintenance),
    /// `CHECKPOINT` (sqlparser does not know it).
    Checkpoint,
    /// `CREATE SCHEMA name [AUTHORIZATION role] element…` with at least one element.
    CreateSchemaWithElements {
        name: String,
        if_not_exists: bool,
        /// The AUTHORIZATION role: the schema's and its elements' owner.
        authorization: Option<String>,
        elements: Vec<ast::Statement>,
    },
    /// `ALTER SEQUENCE [IF EXISTS] name …` (sqlparser does not know it).
    AlterSequence(Box<AlterSequence>),
    /// Roles, privileges, SET ROLE, OWNER TO: read by [`crate::auth::parse`].
    Auth(Box<crate::auth::AuthStmt>),
    /// `COMMENT ON CONSTRAINT name ON table IS …` (sqlparser does not know it).
    CommentOnConstraint {
        constraint: ast::Ident,
        table: ast::ObjectName,
        comment: Option<String>,
    },
}

/// What `ALTER SEQUENCE` says.
#[derive(Debug)]
pub struct AlterSequence {
    pub if_exists: bool,
    pub name: ast::ObjectName,
    pub action: AlterSequenceAction,
}

#[derive(Debug)]
pub enum AlterSequenceAction {
    /// Options as CREATE SEQUENCE has them, plus `RESTART [[WITH] n]` (`Some(None)`: back to
    /// START) wherever it stood.
    Options {
        options: Vec<ast::SequenceOptions>,
        restart: Option<Option<Box<ast::Expr>>>,
    },
    RenameTo(ast::Ident),
    /// `OWNER TO role`.
    OwnerTo(ast::Ident),
}

/// Maps sqlparser's line/column locations to 1-based character positions in the text, and
/// character offsets to byte offsets (in constant time: work per token must not grow with the
/// text, or a long statement costs its length squared).
pub struct Positions {
    /// Character offset of the start of each line (line 1 first).
    line_starts: Vec<usize>,
    chars: usize,
    /// Byte offset of every `BYTE_STEP`-th character; empty when the text is ASCII (a
    /// character offset is then a byte offset).
    bytes: Vec<usize>,
}

const BYTE_STEP: usize = 64;

impl Positions {
    pub fn new(text: &str) -> Positions {
        let mut line_starts = vec![0];
        let ascii = text.is_ascii();
        let mut bytes = Vec::new();
        let mut n = 0;
        for (b, c) in text.char_indices() {
            if !ascii && n % BYTE_STEP == 0 {
                bytes.push(b);
            }
            n += 1;
            if c == '\n' {
                line_starts.push(n);
            }
        }
        Positions {
            line_starts,
            chars: n,
            bytes,
        }
    }

    /// The byte offset in `text` (the text these positions were made from) of character
    /// `offset` (clamped to the end).
    pub fn byte(&self, text: &str, offset: usize) -> usize {
        if offset >= self.chars {
            return text.len();
        }
        if self.bytes.is_empty() {
            return offset;
        }
        let base = self.bytes[offset / BYTE_STEP];
        text[base..]
            .char_indices()
            .nth(offset % BYTE_STEP)
            .map_or(text.len(), |(b, _)| base + b)
    }

    /// The characters `start..end` of `text`.
    pub fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> &'t str {
        let a = self.byte(text, start);
        let b = self.byte(text, end.max(start));
        &text[a..b]
    }

    /// 0-based character offset of a location (clamped to the text).
    pub fn offset(&self, loc: Location) -> usize {
        if loc.line == 0 {
            return self.chars;
        }
        let line = usize::try_from(loc.line - 1).unwrap_or(usize::MAX);
        let Some(start) = self.line_starts.get(line) else {
            return self.chars;
        };
        let col = usize::try_from(loc.column.saturating_sub(1)).unwrap_or(0);
        (start + col).min(self.chars)
    }

    /// PostgreSQL's 1-based position of a location.
    pub fn position(&self, loc: Location) -> usize {
        self.offset(loc) + 1
    }

    /// The position just past the end of the text.
    pub fn end_position(&self) -> usize {
        self.chars + 1
    }
}

fn dialect() -> PostgreSqlDialect {
    PostgreSqlDialect {}
}

/// PostgreSQL's dialect for the tokenizer, except that the text after `COPY … FROM STDIN;` is
/// SQL like any other: sqlparser's PostgreSQL dialect takes it as inline COPY data (as psql
/// scripts hold it), but a server receives COPY data in CopyData messages, never in the query
/// text. It answers every question the tokenizer asks as PostgreSQL's dialect does (and says
/// it *is* that dialect, for sqlparser's `dialect_of!` checks); a test compares the two on the
/// differential corpus.
#[derive(Debug)]
struct ServerTokenizerDialect(PostgreSqlDialect);

macro_rules! delegate_bool {
    ($($name:ident),* $(,)?) => {
        $(fn $name(&self) -> bool {
            self.0.$name()
        })*
    };
}

impl Dialect for ServerTokenizerDialect {
    fn dialect(&self) -> std::any::TypeId {
        self.0.dialect()
    }

    fn is_identifier_start(&self, ch: char) -> bool {
        self.0.is_identifier_start(ch)
    }

    fn is_identifier_part(&self, ch: char) -> bool {
        self.0.is_identifier_part(ch)
    }

    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        self.0.is_delimited_identifier_start(ch)
    }

    fn is_nested_delimited_identifier_start(&self, ch: char) -> bool {
        self.0.is_nested_delimited_identifier_start(ch)
    }

    fn peek_nested_delimited_identifier_quotes(
        &self,
        chars: std::iter::Peekable<std::str::Chars<'_>>,
    ) -> Option<(char, Option<char>)> {
        self.0.peek_nested_delimited_identifier_quotes(chars)
    }

    fn is_custom_operator_part(&self, ch: char) -> bool {
        self.0.is_custom_operator_part(ch)
    }

    fn supports_copy_from_stdin_data(&self) -> bool {
        false
    }

    delegate_bool!(
        ignores_wildcard_escapes,
        requires_hash_comment_space,
        requires_single_line_comment_whitespace,
        supports_dollar_as_money_prefix,
        supports_dollar_placeholder,
        supports_geometric_types,
        supports_hash_comment,
        supports_literal_prefix_in_qualified_name,
        supports_multiline_comment_hints,
        supports_national_string_literal,
        supports_nested_comments,
        supports_non_decimal_integer_literals,
        supports_numeric_literal_underscores,
        supports_numeric_prefix,
        supports_pipe_operator,
        supports_quote_delimited_string,
        supports_string_escape_constant,
        supports_string_literal_backslash_escape,
        supports_tilde_like_match_operator,
        supports_triple_quoted_string,
        supports_tuple_element_access,
        supports_unicode_string_literal,
        supports_unterminated_block_comments,
    );
}

/// Parses every statement of `text`. Empty statements (`;;`, comments only) are skipped.
pub fn parse(text: &str) -> Result<Vec<Parsed>> {
    let positions = Positions::new(text);
    let tokens = tokenize(text, &positions)?;
    crate::interrupt::check()?;
    let statements = split(tokens, &positions)?;
    crate::interrupt::check()?;
    let mut out = Vec::new();
    for stmt_tokens in statements {
        crate::interrupt::check()?;
        if let Some(parsed) = parse_one(text, &positions, stmt_tokens)? {
            out.push(parsed);
        }
    }
    Ok(out)
}

fn tokenize(text: &str, positions: &Positions) -> Result<Vec<TokenWithSpan>> {
    let dialect = ServerTokenizerDialect(dialect());
    let mut tokenizer = Tokenizer::new(&dialect, text);
    tokenizer.tokenize_with_location().map_err(|e| {
        let message = if e.message.contains("Unterminated string literal")
            || e.message.contains("Unterminated dollar-quoted")
        {
            let at = positions.offset(e.location);
            let rest: String = text.chars().skip(at).collect();
            format!("unterminated quoted string at or near \"{rest}\"")
        } else if e.message.contains("Unterminated quoted identifier")
            || e.message.contains("Expected close delimiter")
        {
            let at = positions.offset(e.location);
            let rest: String = text.chars().skip(at).collect();
            format!("unterminated quoted identifier at or near \"{rest}\"")
        } else if e.message.contains("Unterminated multi-line comment") {
            "unterminated /* comment".to_string()
        } else {
            format!("syntax error: {}", e.message)
        };
        SqlError::syntax(message).at(Some(positions.position(e.location)))
    })
}

fn is_trivia(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_))
}

/// Operators in a row (within one parenthesis level, between commas, ANDs and ORs) past which
/// a statement is 54001: each one nests the expression tree one level deeper.
pub const MAX_OPERATOR_CHAIN: usize = 900;

/// Does this token chain onto an expression (an operator, `::`, IS, LIKE…)?
fn chains(t: &Token) -> bool {
    match t {
        Token::Word(w) => {
            w.quote_style.is_none()
                && [
                    "is", "like", "ilike", "similar", "between", "collate", "at", "in",
                ]
                .iter()
                .any(|k| w.value.eq_ignore_ascii_case(k))
        }
        Token::Whitespace(_)
        | Token::Number(..)
        | Token::Char(_)
        | Token::SingleQuotedString(_)
        | Token::DoubleQuotedString(_)
        | Token::DollarQuotedString(_)
        | Token::EscapedStringLiteral(_)
        | Token::UnicodeStringLiteral(_)
        | Token::NationalStringLiteral(_)
        | Token::HexStringLiteral(_)
        | Token::SingleQuotedByteStringLiteral(_)
        | Token::Comma
        | Token::LParen
        | Token::RParen
        | Token::LBracket
        | Token::RBracket
        | Token::Period
        | Token::SemiColon
        | Token::Placeholder(_)
        | Token::EOF => false,
        _ => true,
    }
}

/// Resets the operator chain (a new operand list starts).
fn resets_chain(t: &Token) -> bool {
    match t {
        Token::Comma => true,
        Token::Word(w) => {
            w.quote_style.is_none()
                && [
                    "and", "or", "select", "from", "where", "when", "then", "else", "on", "having",
                ]
                .iter()
                .any(|k| w.value.eq_ignore_ascii_case(k))
        }
        _ => false,
    }
}

/// Cuts the token stream at semicolons outside parentheses; drops trivia-only pieces. Refuses
/// (54001) operator chains longer than [`MAX_OPERATOR_CHAIN`], before anything deep is built.
fn split(tokens: Vec<TokenWithSpan>, positions: &Positions) -> Result<Vec<Vec<TokenWithSpan>>> {
    let mut out = Vec::new();
    let mut cur: Vec<TokenWithSpan> = Vec::new();
    let mut chain: Vec<usize> = vec![0];
    for t in tokens {
        match &t.token {
            Token::LParen | Token::LBracket => chain.push(0),
            Token::RParen | Token::RBracket if chain.len() > 1 => {
                chain.pop();
            }
            Token::RParen | Token::RBracket => {}
            Token::SemiColon if chain.len() == 1 => {
                chain[0] = 0;
                if cur.iter().any(|t| !is_trivia(&t.token)) {
                    out.push(std::mem::take(&mut cur));
                } else {
                    cur.clear();
                }
                continue;
            }
            Token::EOF => continue,
            tok if resets_chain(tok) => {
                if let Some(c) = chain.last_mut() {
                    *c = 0;
                }
            }
            tok if chains(tok) => {
                if let Some(c) = chain.last_mut() {
                    *c += 1;
                    if *c > MAX_OPERATOR_CHAIN {
                        return Err(
                            stack_depth_exceeded().at(Some(positions.position(t.span.start)))
                        );
                    }
                }
            }
            _ => {}
        }
        cur.push(t);
    }
    if cur.iter().any(|t| !is_trivia(&t.token)) {
        out.push(cur);
    }
    Ok(out)
}

/// How many statements `text` holds (after splitting; comments and empty ones not counted),
/// or an error when it does not tokenize.
pub fn count_statements(text: &str) -> Result<usize> {
    let positions = Positions::new(text);
    Ok(split(tokenize(text, &positions)?, &positions)?.len())
}

fn parse_one(
    text: &str,
    positions: &Positions,
    tokens: Vec<TokenWithSpan>,
) -> Result<Option<Parsed>> {
    let significant: Vec<&TokenWithSpan> = tokens.iter().filter(|t| !is_trivia(&t.token)).collect();
    let (Some(first), Some(last)) = (significant.first(), significant.last()) else {
        return Ok(None);
    };
    let start = positions.offset(first.span.start);
    let end = positions.offset(last.span.end);
    let parsed = |stmt, sequence_names| Parsed {
        stmt,
        start,
        end,
        sequence_names,
    };
    if word_is(&first.token, "copy") {
        let stmt = crate::copy::parse::parse_copy(text, positions, &tokens)?;
        return Ok(Some(parsed(Stmt::Copy(Box::new(stmt)), Vec::new())));
    }
    if word_is(&first.token, "checkpoint") {
        if let Some(extra) = significant.get(1) {
            return Err(syntax_error_at(text, positions, extra));
        }
        return Ok(Some(parsed(Stmt::Checkpoint, Vec::new())));
    }
    if word_is(&first.token, "vacuum")
        || word_is(&first.token, "analyze")
        || word_is(&first.token, "analyse")
    {
        let stmt = Stmt::Maintenance(maintenance(text, positions, &significant)?);
        return Ok(Some(parsed(stmt, Vec::new())));
    }
    if let Some(stmt) = crate::auth::parse(text, positions, &significant)? {
        return Ok(Some(parsed(Stmt::Auth(Box::new(stmt)), Vec::new())));
    }
    if let Some(schema) = create_schema_elements(text, positions, &tokens)? {
        return Ok(Some(parsed(schema, Vec::new())));
    }
    if let Some(stmt) = alter_sequence(text, positions, &tokens)? {
        return Ok(Some(parsed(stmt, Vec::new())));
    }
    if let Some(stmt) = comment_on_constraint(text, positions, &tokens)? {
        return Ok(Some(parsed(stmt, Vec::new())));
    }
    let (tokens, sequence_names) = take_sequence_names(text, positions, tokens)?;
    // `TABLE name` is `SELECT * FROM name`.
    let tokens = rewrite_table_shorthand(tokens);
    let stmt = parse_tokens(text, positions, tokens)?;
    Ok(Some(Parsed {
        stmt: Stmt::Ast(Box::new(stmt)),
        start,
        end,
        sequence_names,
    }))
}

/// The character range of what follows the first `keyword` of `text` outside parentheses, up
/// to the end of the statement (a `;` outside parentheses, or the end of the text).
pub(crate) fn after_top_level_keyword(text: &str, keyword: &str) -> Option<(usize, usize)> {
    let positions = Positions::new(text);
    let tokens = tokenize(text, &positions).ok()?;
    let mut depth = 0usize;
    let mut start = None;
    for t in &tokens {
        match &t.token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
            Token::SemiColon if depth == 0 && start.is_some() => {
                return start.map(|s| (s, positions.offset(t.span.start)));
            }
            tok if depth == 0 && start.is_none() && word_is(tok, keyword) => {
                start = Some(positions.offset(t.span.end));
            }
            _ => {}
        }
    }
    start.map(|s| (s, positions.end_position().saturating_sub(1).max(s)))
}

/// The indexes of `tokens` that are not whitespace or comments: the statement's words as the
/// hand-written recognizers below count them.
fn significant(tokens: &[TokenWithSpan]) -> Vec<usize> {
    (0..tokens.len())
        .filter(|&i| !is_trivia(&tokens[i].token))
        .collect()
}

/// Takes `SEQUENCE NAME name` out of the option lists of `… AS IDENTITY (…)` (what pg_dump
/// writes), returning the tokens without them and the names in order.
fn take_sequence_names(
    text: &str,
    positions: &Positions,
    tokens: Vec<TokenWithSpan>,
) -> Result<(Vec<TokenWithSpan>, Vec<ast::ObjectName>)> {
    let sig = significant(&tokens);
    let mut drop = vec![false; tokens.len()];
    let mut names = Vec::new();
    let mut k = 0;
    while k + 1 < sig.len() {
        if !(word_is(&tokens[sig[k]].token, "identity")
            && tokens[sig[k + 1]].token == Token::LParen)
        {
            k += 1;
            continue;
        }
        // Inside the option list, at its own level.
        let mut depth = 0usize;
        let mut j = k + 1;
        while j < sig.len() {
            match &tokens[sig[j]].token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            if depth == 1
                && word_is(&tokens[sig[j]].token, "sequence")
                && sig
                    .get(j + 1)
                    .is_some_and(|&n| word_is(&tokens[n].token, "name"))
            {
                // The name: words separated by periods.
                let mut e = j + 2;
                let first = e;
                while e < sig.len() && matches!(tokens[sig[e]].token, Token::Word(_)) {
                    e += 1;
                    if e < sig.len() && tokens[sig[e]].token == Token::Period {
                        e += 1;
                    } else {
                        break;
                    }
                }
                if e == first {
                    let t = sig
                        .get(e)
                        .map_or_else(|| TokenWithSpan::wrap(Token::EOF), |&i| tokens[i].clone());
                    return Err(syntax_error_at(text, positions, &t));
                }
                let name_tokens: Vec<TokenWithSpan> =
                    sig[first..e].iter().map(|&i| tokens[i].clone()).collect();
                let dialect = dialect();
                let mut p = Parser::new(&dialect).with_tokens_with_locations(name_tokens.clone());
                names.push(
                    p.parse_object_name(false)
                        .map_err(|err| parser_error(text, positions, &name_tokens, 0, err))?,
                );
                for &i in &sig[j..e] {
                    drop[i] = true;
                }
                j = e;
                continue;
            }
            j += 1;
        }
        k = j.max(k + 1);
    }
    if names.is_empty() {
        return Ok((tokens, names));
    }
    let kept = tokens
        .into_iter()
        .zip(drop)
        .filter_map(|(t, d)| (!d).then_some(t))
        .collect();
    Ok((kept, names))
}

fn word_is(t: &Token, kw: &str) -> bool {
    matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
}

fn rewrite_table_shorthand(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let first = tokens.iter().position(|t| !is_trivia(&t.token));
    let Some(i) = first else { return tokens };
    if !word_is(&tokens[i].token, "table") {
        return tokens;
    }
    let span = tokens[i].span;
    let mut out = tokens;
    let mk = |tok: Token| TokenWithSpan { token: tok, span };
    let select = Token::make_keyword("SELECT");
    let from = Token::make_keyword("FROM");
    out.splice(
        i..=i,
        [
            mk(select),
            mk(Token::Whitespace(Whitespace::Space)),
            mk(Token::Mul),
            mk(Token::Whitespace(Whitespace::Space)),
            mk(from),
        ],
    );
    out
}

pub(crate) fn parse_tokens(
    text: &str,
    positions: &Positions,
    tokens: Vec<TokenWithSpan>,
) -> Result<ast::Statement> {
    // An error message shows the tokens as they were parsed (`TABLE t` read as
    // `SELECT * FROM t`).
    parse_all(
        text,
        positions,
        tokens,
        |p| p.parse_statement(),
        rewrite_table_shorthand,
    )
}

/// Parses one `what` (a statement, an expression) from `tokens`: all of them, anything left
/// over being a syntax error at its first token. The tokens go to the parser (no copy: a long
/// statement has many); an error message tokenizes the text again, through `as_parsed`.
fn parse_all<T>(
    text: &str,
    positions: &Positions,
    tokens: Vec<TokenWithSpan>,
    what: impl FnOnce(&mut Parser<'_>) -> std::result::Result<T, ParserError>,
    as_parsed: fn(Vec<TokenWithSpan>) -> Vec<TokenWithSpan>,
) -> Result<T> {
    let dialect = dialect();
    let range = token_range(&tokens);
    let mut parser = Parser::new(&dialect)
        .with_recursion_limit(MAX_NESTING)
        .with_tokens_with_locations(tokens);
    let parsed = match what(&mut parser) {
        Ok(parsed) => parsed,
        Err(e) => {
            let at = parser.index();
            let tokens = as_parsed(tokens_in(text, positions, range));
            return Err(parser_error(text, positions, &tokens, at, e));
        }
    };
    loop {
        let next = parser.next_token();
        match &next.token {
            Token::EOF => return Ok(parsed),
            Token::Whitespace(_) => continue,
            _ => return Err(syntax_error_at(text, positions, &next)),
        }
    }
}

/// The character range `tokens` cover.
fn token_range(tokens: &[TokenWithSpan]) -> Option<(Location, Location)> {
    Some((tokens.first()?.span.start, tokens.last()?.span.end))
}

/// The tokens of `text` within `range` (for an error message: tokenizing again is cheaper
/// than keeping a copy of every statement's tokens).
fn tokens_in(
    text: &str,
    positions: &Positions,
    range: Option<(Location, Location)>,
) -> Vec<TokenWithSpan> {
    let Some((from, to)) = range else {
        return Vec::new();
    };
    let (from, to) = (positions.offset(from), positions.offset(to));
    tokenize(text, positions)
        .unwrap_or_default()
        .into_iter()
        .filter(|t| {
            !matches!(t.token, Token::EOF)
                && positions.offset(t.span.start) >= from
                && positions.offset(t.span.end) <= to
        })
        .collect()
}

/// Parses one expression from `tokens` (all of them).
pub(crate) fn parse_expr_tokens(
    text: &str,
    positions: &Positions,
    tokens: Vec<TokenWithSpan>,
) -> Result<ast::Expr> {
    parse_all(text, positions, tokens, |p| p.parse_expr(), |tokens| tokens)
}

fn token_text(text: &str, positions: &Positions, t: &TokenWithSpan) -> String {
    let a = positions.offset(t.span.start);
    let b = positions.offset(t.span.end);
    positions.slice(text, a, b).to_string()
}

/// 42601 at token `t`.
pub(crate) fn syntax_error_at(text: &str, positions: &Positions, t: &TokenWithSpan) -> SqlError {
    if matches!(t.token, Token::EOF) {
        return SqlError::syntax("syntax error at end of input").at(Some(positions.end_position()));
    }
    SqlError::syntax(format!(
        "syntax error at or near \"{}\"",
        token_text(text, positions, t)
    ))
    .at(Some(positions.position(t.span.start)))
}

/// PostgreSQL's form of a sqlparser error: the token sqlparser stopped at.
fn parser_error(
    text: &str,
    positions: &Positions,
    tokens: &[TokenWithSpan],
    index: usize,
    e: ParserError,
) -> SqlError {
    let message = match e {
        ParserError::RecursionLimitExceeded => return stack_depth_exceeded(),
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => m,
    };
    if let Some(option) = message.strip_suffix(" specified more than once") {
        // A repeated sequence option: PostgreSQL points at the repetition.
        let words: Vec<&str> = option
            .split(" | ")
            .filter_map(|alt| alt.split_whitespace().last())
            .collect();
        let before = &tokens[..index.min(tokens.len())];
        let sig: Vec<&TokenWithSpan> = before.iter().filter(|t| !is_trivia(&t.token)).collect();
        let at = sig
            .iter()
            .rposition(|t| words.iter().any(|w| word_is(&t.token, w)))
            .map(|i| {
                if i > 0 && word_is(&sig[i - 1].token, "no") {
                    i - 1
                } else {
                    i
                }
            });
        return SqlError::syntax("conflicting or redundant options")
            .at(at.map(|i| positions.position(sig[i].span.start)));
    }
    if let Some(loc) = error_location(&message) {
        if let Some(t) = tokens.iter().find(|t| t.span.start == loc) {
            return syntax_error_at(text, positions, t);
        }
        if loc.line == 0 || positions.offset(loc) >= positions.chars {
            return SqlError::syntax("syntax error at end of input")
                .at(Some(positions.end_position()));
        }
        return SqlError::syntax(format!(
            "syntax error at or near \"{}\"",
            text.chars()
                .skip(positions.offset(loc))
                .take_while(|c| !c.is_whitespace())
                .collect::<String>()
        ))
        .at(Some(positions.position(loc)));
    }
    if message.ends_with("found: EOF") {
        return SqlError::syntax("syntax error at end of input").at(Some(positions.end_position()));
    }
    // No location: the token sqlparser names as found, nearest to where it stopped.
    if let Some((_, found)) = message.rsplit_once("found: ") {
        let near = |t: &&TokenWithSpan| token_text(text, positions, t).eq_ignore_ascii_case(found);
        let hit = tokens[..index.min(tokens.len())]
            .iter()
            .rev()
            .find(near)
            .or_else(|| tokens[index.min(tokens.len())..].iter().find(near));
        if let Some(t) = hit {
            return syntax_error_at(text, positions, t);
        }
    }
    SqlError::syntax(format!("syntax error: {message}"))
}

/// 54001, as PostgreSQL reports running out of stack.
pub fn stack_depth_exceeded() -> SqlError {
    SqlError::new(
        sqlstate::STATEMENT_TOO_COMPLEX,
        "stack depth limit exceeded",
    )
    .with_hint("The statement nests expressions or subqueries too deeply; simplify it.")
}

/// The `at Line: L, Column: C` sqlparser appends to its messages.
fn error_location(message: &str) -> Option<Location> {
    let i = message.rfind(" at Line: ")?;
    let rest = &message[i + " at Line: ".len()..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(Location {
        line: line.trim().parse().ok()?,
        column: column.parse().ok()?,
    })
}

/// VACUUM or ANALYZE as PostgreSQL 15 reads it.
#[derive(Debug)]
pub struct Maintenance {
    /// VACUUM (else ANALYZE alone).
    pub vacuum: bool,
    pub full: bool,
    pub analyze: bool,
    /// The tables named (qualified name parts, and the position of each), none for all.
    pub tables: Vec<(Vec<String>, usize)>,
}

/// The VACUUM options PostgreSQL 15 knows (in parentheses, each with an optional value).
const VACUUM_OPTIONS: &[&str] = &[
    "full",
    "freeze",
    "verbose",
    "analyze",
    "analyse",
    "disable_page_skipping",
    "skip_locked",
    "index_cleanup",
    "process_toast",
    "truncate",
    "parallel",
];

/// `VACUUM [(option [value], …)] [table [(columns)], …]`,
/// `VACUUM [FULL] [FREEZE] [VERBOSE] [ANALYZE] [table [(columns)], …]`,
/// `ANALYZE [(option …)] | [VERBOSE] [table [(columns)], …]`.
fn maintenance(text: &str, positions: &Positions, sig: &[&TokenWithSpan]) -> Result<Maintenance> {
    let vacuum = word_is(&sig[0].token, "vacuum");
    let mut m = Maintenance {
        vacuum,
        full: false,
        analyze: !vacuum,
        tables: Vec::new(),
    };
    let mut i = 1;
    let error_at = |i: usize| match sig.get(i) {
        Some(t) => syntax_error_at(text, positions, t),
        None => SqlError::syntax("syntax error at end of input").at(Some(positions.end_position())),
    };
    let word = |i: usize| match sig.get(i).map(|t| &t.token) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_lowercase()),
        _ => None,
    };
    // After a parenthesized list's item: steps over `,` (false) or the closing `)` (true).
    let list_end = |i: &mut usize| {
        let end = match sig.get(*i).map(|t| &t.token) {
            Some(Token::Comma) => false,
            Some(Token::RParen) => true,
            _ => return Err(error_at(*i)),
        };
        *i += 1;
        Ok(end)
    };
    if matches!(sig.get(i).map(|t| &t.token), Some(Token::LParen)) {
        i += 1;
        loop {
            let Some(option) = word(i) else {
                return Err(error_at(i));
            };
            let allowed = if vacuum {
                VACUUM_OPTIONS.contains(&option.as_str())
            } else {
                matches!(option.as_str(), "verbose" | "skip_locked")
            };
            if !allowed {
                let what = if vacuum { "VACUUM" } else { "ANALYZE" };
                return Err(
                    SqlError::syntax(format!("unrecognized {what} option \"{option}\""))
                        .at(Some(positions.position(sig[i].span.start))),
                );
            }
            // An option's value (true/false/on/off/a number/a word) counts as on unless false.
            let mut on = true;
            if !matches!(
                sig.get(i + 1).map(|t| &t.token),
                Some(Token::Comma | Token::RParen) | None
            ) {
                i += 1;
                on = !matches!(word(i).as_deref(), Some("false" | "off"))
                    && !matches!(&sig[i].token, Token::Number(n, _) if n == "0");
            }
            match option.as_str() {
                "full" => m.full = on,
                "analyze" | "analyse" => m.analyze = on,
                _ => {}
            }
            i += 1;
            if list_end(&mut i)? {
                break;
            }
        }
    } else {
        let flags: &[&str] = if vacuum {
            &["full", "freeze", "verbose", "analyze", "analyse"]
        } else {
            &["verbose"]
        };
        let mut seen = 0;
        while let Some(w) = word(i) {
            // The flags come in this order; each once.
            let Some(k) = flags.iter().position(|f| *f == w) else {
                break;
            };
            if k < seen {
                break;
            }
            seen = k + 1;
            match w.as_str() {
                "full" => m.full = true,
                "analyze" | "analyse" => m.analyze = true,
                _ => {}
            }
            i += 1;
        }
    }
    // Tables, each with an optional column list.
    while i < sig.len() {
        let at = positions.position(sig[i].span.start);
        let mut parts = Vec::new();
        loop {
            match sig.get(i).map(|t| &t.token) {
                Some(Token::Word(w)) => {
                    parts.push(if w.quote_style.is_some() {
                        w.value.clone()
                    } else {
                        w.value.to_lowercase()
                    });
                    i += 1;
                }
                _ => return Err(error_at(i)),
            }
            if matches!(sig.get(i).map(|t| &t.token), Some(Token::Period)) {
                i += 1;
            } else {
                break;
            }
        }
        if matches!(sig.get(i).map(|t| &t.token), Some(Token::LParen)) {
            // Column list: read and checked by name only (SQLite's ANALYZE is per table).
            i += 1;
            loop {
                if !matches!(sig.get(i).map(|t| &t.token), Some(Token::Word(_))) {
                    return Err(error_at(i));
                }
                i += 1;
                if list_end(&mut i)? {
                    break;
                }
            }
        }
        m.tables.push((parts, at));
        match sig.get(i).map(|t| &t.token) {
            None => break,
            Some(Token::Comma) => i += 1,
            Some(_) => return Err(error_at(i)),
        }
    }
    Ok(m)
}

/// `CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role] element…`: the elements (CREATE
/// TABLE/VIEW/INDEX/SEQUENCE, GRANT) follow the name without semicolons. `None` when the
/// statement is not that shape (plain CREATE SCHEMA goes to sqlparser).
fn create_schema_elements(
    text: &str,
    positions: &Positions,
    tokens: &[TokenWithSpan],
) -> Result<Option<Stmt>> {
    let sig: Vec<&TokenWithSpan> = tokens.iter().filter(|t| !is_trivia(&t.token)).collect();
    if sig.len() < 4 || !word_is(&sig[0].token, "create") || !word_is(&sig[1].token, "schema") {
        return Ok(None);
    }
    let mut i = 2;
    let mut if_not_exists = false;
    if word_is(&sig[i].token, "if") {
        if sig.len() < i + 4
            || !word_is(&sig[i + 1].token, "not")
            || !word_is(&sig[i + 2].token, "exists")
        {
            return Ok(None);
        }
        if_not_exists = true;
        i += 3;
    }
    let name = match &sig[i].token {
        Token::Word(w) if !word_is(&sig[i].token, "authorization") => {
            if w.quote_style.is_some() {
                w.value.clone()
            } else {
                w.value.to_lowercase()
            }
        }
        _ => return Ok(None),
    };
    i += 1;
    let mut authorization = None;
    if i < sig.len() && word_is(&sig[i].token, "authorization") {
        let Some(Token::Word(w)) = sig.get(i + 1).map(|t| &t.token) else {
            return Ok(None);
        };
        authorization = Some(if w.quote_style.is_some() {
            w.value.clone()
        } else {
            w.value.to_lowercase()
        });
        i += 2;
    }
    if i >= sig.len() || !(word_is(&sig[i].token, "create") || word_is(&sig[i].token, "grant")) {
        return Ok(None);
    }
    // Cut the rest at top-level CREATE/GRANT keywords.
    let first_elem = tokens
        .iter()
        .position(|t| std::ptr::eq(t, sig[i]))
        .unwrap_or(tokens.len());
    let mut pieces: Vec<Vec<TokenWithSpan>> = Vec::new();
    let mut depth = 0usize;
    for t in &tokens[first_elem..] {
        match &t.token {
            Token::LParen | Token::LBracket => depth += 1,
            Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
            _ => {}
        }
        let starts = depth == 0 && (word_is(&t.token, "create") || word_is(&t.token, "grant"));
        if starts || pieces.is_empty() {
            pieces.push(Vec::new());
        }
        if let Some(p) = pieces.last_mut() {
            p.push(t.clone());
        }
    }
    let mut elements = Vec::with_capacity(pieces.len());
    for p in pieces {
        elements.push(parse_tokens(text, positions, p)?);
    }
    Ok(Some(Stmt::CreateSchemaWithElements {
        name,
        if_not_exists,
        authorization,
        elements,
    }))
}

fn keyword(kw: &str, span: sqlparser::tokenizer::Span) -> TokenWithSpan {
    TokenWithSpan {
        token: Token::make_keyword(kw),
        span,
    }
}

fn space(span: sqlparser::tokenizer::Span) -> TokenWithSpan {
    TokenWithSpan {
        token: Token::Whitespace(Whitespace::Space),
        span,
    }
}

/// A statement's significant tokens, read by index by the hand-written statement parsers.
struct Significant<'a> {
    text: &'a str,
    positions: &'a Positions,
    tokens: &'a [TokenWithSpan],
    sig: Vec<usize>,
}

impl<'a> Significant<'a> {
    fn new(text: &'a str, positions: &'a Positions, tokens: &'a [TokenWithSpan]) -> Self {
        let sig = significant(tokens);
        Significant {
            text,
            positions,
            tokens,
            sig,
        }
    }

    fn at(&self, k: usize) -> Option<&'a TokenWithSpan> {
        self.sig.get(k).map(|&i| &self.tokens[i])
    }

    fn is(&self, k: usize, kw: &str) -> bool {
        self.at(k).is_some_and(|t| word_is(&t.token, kw))
    }

    /// PostgreSQL's syntax error at the `k`-th token, or at the end of the input.
    fn error_at(&self, k: usize) -> SqlError {
        let eof = TokenWithSpan::wrap(Token::EOF);
        syntax_error_at(self.text, self.positions, self.at(k).unwrap_or(&eof))
    }

    /// The `k`-th token as an identifier.
    fn ident(&self, k: usize) -> Result<ast::Ident> {
        match self.at(k) {
            Some(
                t @ TokenWithSpan {
                    token: Token::Word(w),
                    ..
                },
            ) => Ok(w.to_ident(t.span)),
            _ => Err(self.error_at(k)),
        }
    }
}

/// `ALTER SEQUENCE [IF EXISTS] name options | RENAME TO n | OWNER TO r`. The options are
/// parsed by sqlparser as CREATE SEQUENCE's (`RESTART [WITH] n`, which only ALTER has, is
/// taken out first); every token keeps its place, so errors point where PostgreSQL's do.
fn alter_sequence(
    text: &str,
    positions: &Positions,
    tokens: &[TokenWithSpan],
) -> Result<Option<Stmt>> {
    let r = Significant::new(text, positions, tokens);
    if !r.is(0, "alter") || !r.is(1, "sequence") {
        return Ok(None);
    }
    let mut k = 2;
    let if_exists = r.is(k, "if") && r.is(k + 1, "exists");
    if if_exists {
        k += 2;
    }
    // The name: words separated by periods.
    let name_start = k;
    while r.at(k).is_some_and(|t| matches!(t.token, Token::Word(_))) {
        k += 1;
        if r.at(k).is_some_and(|t| t.token == Token::Period) {
            k += 1;
        } else {
            break;
        }
    }
    if k == name_start {
        return Err(r.error_at(k));
    }
    let name_tokens: Vec<TokenWithSpan> = r.sig[name_start..k]
        .iter()
        .map(|&i| tokens[i].clone())
        .collect();
    let name = {
        let dialect = dialect();
        let mut p = Parser::new(&dialect).with_tokens_with_locations(name_tokens.clone());
        p.parse_object_name(false)
            .map_err(|e| parser_error(text, positions, &name_tokens, 0, e))?
    };
    let rest_at = r.sig.get(k).copied().unwrap_or(tokens.len());
    let rest = &tokens[rest_at..];
    let action = if r.is(k, "rename") {
        if !r.is(k + 1, "to") {
            return Err(r.error_at(k + 1));
        }
        let target: Vec<TokenWithSpan> =
            r.sig[k + 2..].iter().map(|&i| tokens[i].clone()).collect();
        let dialect = dialect();
        let mut p = Parser::new(&dialect).with_tokens_with_locations(target.clone());
        let ident = p
            .parse_identifier()
            .map_err(|e| parser_error(text, positions, &target, 0, e))?;
        if r.at(k + 3).is_some() {
            return Err(r.error_at(k + 3));
        }
        AlterSequenceAction::RenameTo(ident)
    } else if r.is(k, "owner") && r.is(k + 1, "to") {
        let role = r.ident(k + 2)?;
        if r.at(k + 3).is_some() {
            return Err(r.error_at(k + 3));
        }
        AlterSequenceAction::OwnerTo(role)
    } else {
        // Take RESTART [[WITH] [-]n] out, then parse the rest as CREATE SEQUENCE's options.
        let mut restart: Option<Option<Box<ast::Expr>>> = None;
        let mut kept: Vec<TokenWithSpan> = Vec::new();
        let mut i = 0;
        while i < rest.len() {
            let t = &rest[i];
            if word_is(&t.token, "restart") {
                if restart.is_some() {
                    return Err(SqlError::syntax("conflicting or redundant options")
                        .at(Some(positions.position(t.span.start))));
                }
                let mut j = i + 1;
                let next_sig =
                    |from: usize| (from..rest.len()).find(|&x| !is_trivia(&rest[x].token));
                let mut value_at = next_sig(j);
                if let Some(w) = value_at
                    && word_is(&rest[w].token, "with")
                {
                    j = w + 1;
                    value_at = next_sig(j);
                }
                let mut value = None;
                if let Some(v) = value_at {
                    let negative = rest[v].token == Token::Minus;
                    let num_at = if negative { next_sig(v + 1) } else { Some(v) };
                    if let Some(n) = num_at
                        && let Token::Number(digits, _) = &rest[n].token
                    {
                        let lit = ast::Expr::Value(
                            ast::Value::Number(digits.clone(), false).with_span(rest[n].span),
                        );
                        value = Some(if negative {
                            ast::Expr::UnaryOp {
                                op: ast::UnaryOperator::Minus,
                                expr: Box::new(lit),
                            }
                        } else {
                            lit
                        });
                        j = n + 1;
                    } else if j > i + 1 {
                        // RESTART WITH needs a value.
                        return Err(syntax_error_at(text, positions, &rest[v]));
                    }
                } else if j > i + 1 {
                    return Err(SqlError::syntax("syntax error at end of input")
                        .at(Some(positions.end_position())));
                }
                restart = Some(value.map(Box::new));
                i = j;
                continue;
            }
            kept.push(t.clone());
            i += 1;
        }
        let span = tokens[r.sig[0]].span;
        let mut create = vec![
            keyword("CREATE", span),
            space(span),
            keyword("SEQUENCE", span),
            space(span),
        ];
        create.extend(name_tokens);
        create.push(space(span));
        create.extend(kept);
        let options = match parse_tokens(text, positions, create)? {
            ast::Statement::CreateSequence {
                sequence_options, ..
            } => sequence_options,
            _ => return Err(SqlError::syntax("syntax error in ALTER SEQUENCE")),
        };
        AlterSequenceAction::Options { options, restart }
    };
    Ok(Some(Stmt::AlterSequence(Box::new(AlterSequence {
        if_exists,
        name,
        action,
    }))))
}

/// `COMMENT ON CONSTRAINT name ON table IS …`: the rest is parsed as sqlparser's
/// `COMMENT ON TABLE table IS …`.
fn comment_on_constraint(
    text: &str,
    positions: &Positions,
    tokens: &[TokenWithSpan],
) -> Result<Option<Stmt>> {
    let r = Significant::new(text, positions, tokens);
    if !r.is(0, "comment") || !r.is(1, "on") || !r.is(2, "constraint") {
        return Ok(None);
    }
    let constraint = r.ident(3)?;
    if !r.is(4, "on") {
        return Err(r.error_at(4));
    }
    let sig = &r.sig;
    let span = tokens[sig[0]].span;
    let mut rewritten = vec![
        keyword("COMMENT", span),
        space(span),
        keyword("ON", span),
        space(span),
        keyword("TABLE", span),
        space(span),
    ];
    rewritten.extend(tokens[sig[4] + 1..].iter().cloned());
    match parse_tokens(text, positions, rewritten)? {
        ast::Statement::Comment {
            object_name,
            comment,
            ..
        } => Ok(Some(Stmt::CommentOnConstraint {
            constraint,
            table: object_name,
            comment,
        })),
        _ => Err(SqlError::syntax("syntax error in COMMENT")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(sql: &str) -> SqlError {
        parse(sql).expect_err(sql)
    }

    #[test]
    fn splits_statements_and_skips_empty_ones() {
        let p = parse("select 1; ; -- c\n select 'a;b'; select $$;$$").unwrap();
        assert_eq!(p.len(), 3);
        assert_eq!(p[1].start, 18);
        assert_eq!(count_statements(";;").unwrap(), 0);
    }

    #[test]
    fn syntax_errors_are_postgresql_s() {
        let e = err("select 1 from");
        assert_eq!(e.message, "syntax error at end of input");
        assert_eq!(e.position, Some(14));
        let e = err("selec 1");
        assert_eq!(e.message, "syntax error at or near \"selec\"");
        assert_eq!(e.position, Some(1));
        let e = err("select 1 2");
        assert_eq!(e.message, "syntax error at or near \"2\"");
        assert_eq!(e.position, Some(10));
        let e = err("select 'abc");
        assert_eq!(e.message, "unterminated quoted string at or near \"'abc\"");
        assert_eq!(e.position, Some(8));
    }

    #[test]
    fn positions_count_characters_across_lines() {
        let e = err("select 'é',\n  from");
        assert_eq!(e.message, "syntax error at or near \"from\"");
        assert_eq!(e.position, Some(15));
    }

    #[test]
    fn deep_nesting_is_54001() {
        let sql = format!("select {}1{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(err(&sql).sqlstate, sqlstate::STATEMENT_TOO_COMPLEX);
        let sql = format!("select 1{}", "+1".repeat(5000));
        assert_eq!(err(&sql).sqlstate, sqlstate::STATEMENT_TOO_COMPLEX);
        let sql = format!("select 1{}", "::int".repeat(200_000));
        assert_eq!(err(&sql).sqlstate, sqlstate::STATEMENT_TOO_COMPLEX);
        // Long AND/OR chains and long lists are fine.
        let sql = format!("select 1 where {}", vec!["a = 1"; 20_000].join(" and "));
        assert!(parse(&sql).is_ok());
        let sql = format!("select {}", vec!["-1"; 20_000].join(", "));
        assert!(parse(&sql).is_ok());
    }

    #[test]
    fn schema_elements_are_cut() {
        let p = parse(
            "CREATE SCHEMA s CREATE TABLE t (a int check (a in (1, 2))) \
             CREATE UNIQUE INDEX i ON t (a) WHERE a = 1",
        )
        .unwrap();
        match &p[0].stmt {
            Stmt::CreateSchemaWithElements { name, elements, .. } => {
                assert_eq!(name, "s");
                assert_eq!(elements.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse("create schema s").unwrap()[0].stmt,
            Stmt::Ast(_)
        ));
    }

    /// The tokenizer's dialect answers as PostgreSQL's (but for inline COPY data): the same
    /// tokens for every statement of the differential corpus.
    #[test]
    fn server_tokenizer_dialect_tokenizes_as_postgresql_s() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sql");
        let mut files = 0;
        for entry in std::fs::read_dir(&dir).expect("corpus") {
            let path = entry.expect("entry").path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            files += 1;
            let ours = Tokenizer::new(&ServerTokenizerDialect(dialect()), &text).tokenize();
            let theirs = Tokenizer::new(&dialect(), &text).tokenize();
            if text.to_ascii_lowercase().contains("copy") {
                continue;
            }
            assert_eq!(
                format!("{ours:?}"),
                format!("{theirs:?}"),
                "{}",
                path.display()
            );
        }
        assert!(files > 5);
        let tokens = Tokenizer::new(
            &ServerTokenizerDialect(dialect()),
            "copy t from stdin;\nselect 1",
        )
        .tokenize()
        .unwrap();
        assert!(!tokens.iter().any(|t| matches!(t, Token::CopyData { .. })));
    }

    #[test]
    fn copy_from_stdin_is_followed_by_sql() {
        let p = parse("copy t from stdin;\nselect 1;").unwrap();
        assert_eq!(p.len(), 2);
        assert!(matches!(p[0].stmt, Stmt::Copy(_)));
    }

    #[test]
    fn alter_sequence_and_comment_on_constraint() {
        let p = parse("alter sequence if exists s.q increment by 2 restart with -5 cycle").unwrap();
        match &p[0].stmt {
            Stmt::AlterSequence(a) => {
                assert!(a.if_exists);
                assert_eq!(a.name.to_string(), "s.q");
                match &a.action {
                    AlterSequenceAction::Options { options, restart } => {
                        assert_eq!(options.len(), 2);
                        assert_eq!(
                            restart
                                .as_ref()
                                .map(|r| r.as_ref().map(ToString::to_string)),
                            Some(Some("-5".to_string()))
                        );
                    }
                    other => panic!("{other:?}"),
                }
            }
            other => panic!("{other:?}"),
        }
        let p = parse("alter sequence s restart").unwrap();
        let Stmt::AlterSequence(a) = &p[0].stmt else {
            panic!("{:?}", p[0].stmt)
        };
        assert!(matches!(
            a.action,
            AlterSequenceAction::Options {
                restart: Some(None),
                ..
            }
        ));
        let p = parse("alter sequence s rename to t").unwrap();
        let Stmt::AlterSequence(a) = &p[0].stmt else {
            panic!("{:?}", p[0].stmt)
        };
        assert!(matches!(a.action, AlterSequenceAction::RenameTo(_)));
        let e = err("alter sequence s increment by");
        assert_eq!(e.message, "syntax error at end of input");
        let e = err("alter sequence s bogus");
        assert_eq!(e.message, "syntax error at or near \"bogus\"");
        assert_eq!(e.position, Some(18));
        let p = parse("comment on constraint c on public.t is 'x'").unwrap();
        match &p[0].stmt {
            Stmt::CommentOnConstraint {
                constraint,
                table,
                comment,
            } => {
                assert_eq!(constraint.value, "c");
                assert_eq!(table.to_string(), "public.t");
                assert_eq!(comment.as_deref(), Some("x"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn identity_sequence_names_are_taken_out() {
        let p = parse(
            "alter table t alter column id add generated always as identity \
             (sequence name public.t_id_seq start with 1 increment by 1)",
        )
        .unwrap();
        assert_eq!(p[0].sequence_names.len(), 1);
        assert_eq!(p[0].sequence_names[0].to_string(), "public.t_id_seq");
        // A column named "sequence" of type name is left alone.
        let p = parse("create table t (sequence name)").unwrap();
        assert!(p[0].sequence_names.is_empty());
    }

    #[test]
    fn table_shorthand() {
        let p = parse("table t").unwrap();
        assert!(matches!(&p[0].stmt, Stmt::Ast(s) if s.to_string() == "SELECT * FROM t"));
    }
}
