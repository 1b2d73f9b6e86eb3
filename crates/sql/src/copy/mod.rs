//! COPY: PostgreSQL 15's bulk load and unload formats, pure (no I/O): the statement's grammar
//! ([`parse`]), its options ([`CopyOptions`], PostgreSQL's `ProcessCopyOptions` rules and
//! messages), the text and CSV codecs ([`text`]: cutting a byte stream into lines, lines into
//! fields, and rows back into lines) and the binary format ([`binary`]).
//!
//! The executor (the `spi` crate) feeds COPY FROM data to a [`text::LineReader`] chunk by
//! chunk as the client sends it, turns each line's fields into values with the columns' input
//! functions (`types::io::input`) and inserts them through one planned INSERT; COPY TO encodes
//! each result row with [`text::encode_row`] (or [`binary::encode_row`]) as it is produced. So
//! neither direction holds more than one line (plus one network chunk) in memory.
//!
//! Invariants: every function here is total on arbitrary bytes — bad input is PostgreSQL's
//! error (22P04 bad COPY file format, 22021 bad UTF-8, 54000 a line past 1 GiB), never a panic;
//! an encoded value read back with the same options gives the same field (tested as a round
//! trip).

pub mod binary;
pub mod parse;
pub mod text;

use crate::error::{Result, SqlError, sqlstate};

/// 22P04, PostgreSQL's `bad_copy_file_format`.
pub const BAD_COPY_FILE_FORMAT: &str = sqlstate::BAD_COPY_FILE_FORMAT;

/// Longest COPY line (and field) accepted: PostgreSQL's `MaxAllocSize` limit on a string buffer,
/// lowered with minipg's value limit to room for a largest bytea in hex plus other columns.
pub const MAX_LINE: usize = 4 * crate::value::MAX_VALUE_BYTES;

/// The data format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyFormat {
    Text,
    Csv,
    Binary,
}

impl CopyFormat {
    /// The format code of CopyInResponse/CopyOutResponse (0 text, 1 binary).
    pub fn code(self) -> i8 {
        match self {
            CopyFormat::Binary => 1,
            CopyFormat::Text | CopyFormat::Csv => 0,
        }
    }
}

/// `HEADER false | true | match`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Header {
    Absent,
    Present,
    /// COPY FROM only: the header line must name the copied columns, in order.
    Match,
}

/// An option's argument as written (PostgreSQL's `copy_generic_opt_arg`).
#[derive(Clone, Debug, PartialEq)]
pub enum OptArg {
    /// No argument.
    None,
    /// A string constant, or a word (folded to lower case unless quoted).
    Str(String),
    /// A number: its text, and its value when it is an integer that fits `int4`.
    Num(String, Option<i64>),
    /// `*`.
    Star,
    /// `( word, … )`.
    List(Vec<String>),
}

/// One option of the statement, in the new form or translated from the old one.
#[derive(Clone, Debug, PartialEq)]
pub struct RawOption {
    /// Lower-case name (`format`, `delimiter`, `force_quote`, …).
    pub name: String,
    pub arg: OptArg,
    /// 1-based position of the option in the statement.
    pub position: Option<usize>,
}

/// The options of one COPY, checked and with PostgreSQL's defaults filled in.
#[derive(Clone, Debug, PartialEq)]
pub struct CopyOptions {
    pub format: CopyFormat,
    pub freeze: bool,
    pub delimiter: u8,
    /// The NULL marker (`\N` in text, empty in CSV).
    pub null: String,
    pub header: Header,
    pub quote: u8,
    pub escape: u8,
    pub force_quote_all: bool,
    /// Column names as given; the analyzer turns them into per-column flags.
    pub force_quote: Option<Vec<String>>,
    pub force_not_null: Option<Vec<String>>,
    pub force_null: Option<Vec<String>>,
}

impl CopyOptions {
    /// The text format's defaults.
    pub fn text() -> CopyOptions {
        CopyOptions {
            format: CopyFormat::Text,
            freeze: false,
            delimiter: b'\t',
            null: "\\N".into(),
            header: Header::Absent,
            quote: b'"',
            escape: b'"',
            force_quote_all: false,
            force_quote: None,
            force_not_null: None,
            force_null: None,
        }
    }

    /// CSV mode?
    pub fn csv(&self) -> bool {
        self.format == CopyFormat::Csv
    }
}

fn conflicting(o: &RawOption) -> SqlError {
    SqlError::syntax("conflicting or redundant options").at(o.position)
}

/// `defGetString`: an argument as text.
fn arg_string(o: &RawOption) -> Result<String> {
    match &o.arg {
        OptArg::None => {
            Err(SqlError::syntax(format!("{} requires a parameter", o.name)).at(o.position))
        }
        OptArg::Str(s) | OptArg::Num(s, _) => Ok(s.clone()),
        OptArg::Star => Ok("*".into()),
        OptArg::List(l) => Ok(l.join(".")),
    }
}

/// `defGetBoolean`.
fn arg_bool(o: &RawOption) -> Result<bool> {
    match &o.arg {
        OptArg::None => return Ok(true),
        OptArg::Num(_, Some(0)) => return Ok(false),
        OptArg::Num(_, Some(1)) => return Ok(true),
        OptArg::Num(..) => {}
        _ => {
            let s = arg_string(o)?.to_ascii_lowercase();
            match s.as_str() {
                "true" | "on" => return Ok(true),
                "false" | "off" => return Ok(false),
                _ => {}
            }
        }
    }
    Err(SqlError::syntax(format!(
        "{} requires a Boolean value",
        o.name
    )))
}

fn arg_header(o: &RawOption, is_from: bool) -> Result<Header> {
    match &o.arg {
        OptArg::None => return Ok(Header::Present),
        OptArg::Num(_, Some(0)) => return Ok(Header::Absent),
        OptArg::Num(_, Some(1)) => return Ok(Header::Present),
        OptArg::Num(..) => {}
        _ => {
            let s = arg_string(o)?;
            match s.to_ascii_lowercase().as_str() {
                "true" | "on" => return Ok(Header::Present),
                "false" | "off" => return Ok(Header::Absent),
                "match" if !is_from => {
                    return Err(SqlError::not_supported(format!(
                        "cannot use \"{s}\" with HEADER in COPY TO"
                    )));
                }
                "match" => return Ok(Header::Match),
                _ => {}
            }
        }
    }
    Err(SqlError::syntax(format!(
        "{} requires a Boolean value or \"match\"",
        o.name
    )))
}

fn arg_columns(o: &RawOption) -> Result<Vec<String>> {
    match &o.arg {
        OptArg::List(l) => Ok(l.clone()),
        _ => Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!(
                "argument to option \"{}\" must be a list of column names",
                o.name
            ),
        )
        .at(o.position)),
    }
}

/// PostgreSQL's encoding names (`pg_char_to_encoding` compares them without case and
/// punctuation). Only UTF8 is carried out: minipg's client encoding is UTF8.
const ENCODINGS: &[&str] = &[
    "abc",
    "alt",
    "big5",
    "cp1250",
    "cp1251",
    "cp1252",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "cp1258",
    "cp866",
    "cp874",
    "cp932",
    "cp936",
    "cp949",
    "cp950",
    "eucchn",
    "eucjis2004",
    "eucjp",
    "euckr",
    "euctw",
    "gb18030",
    "gbk",
    "iso88591",
    "iso885910",
    "iso885913",
    "iso885914",
    "iso885915",
    "iso885916",
    "iso88592",
    "iso88593",
    "iso88594",
    "iso88595",
    "iso88596",
    "iso88597",
    "iso88598",
    "iso88599",
    "johab",
    "koi8",
    "koi8r",
    "koi8u",
    "latin1",
    "latin10",
    "latin2",
    "latin3",
    "latin4",
    "latin5",
    "latin6",
    "latin7",
    "latin8",
    "latin9",
    "mskanji",
    "muleinternal",
    "shiftjis",
    "shiftjis2004",
    "sjis",
    "sqlascii",
    "tcvn",
    "tcvn5712",
    "uhc",
    "unicode",
    "utf8",
    "vscii",
    "win",
    "win1250",
    "win1251",
    "win1252",
    "win1253",
    "win1254",
    "win1255",
    "win1256",
    "win1257",
    "win1258",
    "win866",
    "win874",
    "win932",
    "win936",
    "win949",
    "win950",
    "windows1250",
    "windows1251",
    "windows1252",
    "windows1253",
    "windows1254",
    "windows1255",
    "windows1256",
    "windows1257",
    "windows1258",
    "windows866",
    "windows874",
    "windows932",
    "windows936",
    "windows949",
    "windows950",
];

fn check_encoding(o: &RawOption) -> Result<()> {
    let name = arg_string(o)?;
    let key: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if !ENCODINGS.contains(&key.as_str()) {
        return Err(SqlError::new(
            sqlstate::INVALID_PARAMETER_VALUE,
            format!(
                "argument to option \"{}\" must be a valid encoding name",
                o.name
            ),
        )
        .at(o.position));
    }
    if key != "utf8" && key != "unicode" {
        return Err(SqlError::not_supported(format!(
            "COPY with ENCODING \"{name}\" is not supported"
        ))
        .with_detail("minipg exchanges COPY data in UTF8, the client encoding."));
    }
    Ok(())
}

/// PostgreSQL's `ProcessCopyOptions`: each option once, then the checks in PostgreSQL's order
/// (so a statement with several mistakes gets PostgreSQL's first error).
pub fn process_options(raw: &[RawOption], is_from: bool) -> Result<CopyOptions> {
    let mut format: Option<CopyFormat> = None;
    let mut freeze: Option<bool> = None;
    let mut delim: Option<String> = None;
    let mut null: Option<String> = None;
    let mut header: Option<Header> = None;
    let mut quote: Option<String> = None;
    let mut escape: Option<String> = None;
    let mut force_quote: Option<Vec<String>> = None;
    let mut force_quote_all = false;
    let mut force_not_null: Option<Vec<String>> = None;
    let mut force_null: Option<Vec<String>> = None;
    let mut encoding = false;
    for o in raw {
        match o.name.as_str() {
            "format" => {
                let f = arg_string(o)?;
                if format.is_some() {
                    return Err(conflicting(o));
                }
                format = Some(match f.as_str() {
                    "text" => CopyFormat::Text,
                    "csv" => CopyFormat::Csv,
                    "binary" => CopyFormat::Binary,
                    _ => {
                        return Err(SqlError::new(
                            sqlstate::INVALID_PARAMETER_VALUE,
                            format!("COPY format \"{f}\" not recognized"),
                        )
                        .at(o.position));
                    }
                });
            }
            "freeze" => {
                if freeze.is_some() {
                    return Err(conflicting(o));
                }
                freeze = Some(arg_bool(o)?);
            }
            "delimiter" => {
                if delim.is_some() {
                    return Err(conflicting(o));
                }
                delim = Some(arg_string(o)?);
            }
            "null" => {
                if null.is_some() {
                    return Err(conflicting(o));
                }
                null = Some(arg_string(o)?);
            }
            "header" => {
                if header.is_some() {
                    return Err(conflicting(o));
                }
                header = Some(arg_header(o, is_from)?);
            }
            "quote" => {
                if quote.is_some() {
                    return Err(conflicting(o));
                }
                quote = Some(arg_string(o)?);
            }
            "escape" => {
                if escape.is_some() {
                    return Err(conflicting(o));
                }
                escape = Some(arg_string(o)?);
            }
            "force_quote" => {
                if force_quote.is_some() || force_quote_all {
                    return Err(conflicting(o));
                }
                match &o.arg {
                    OptArg::Star => force_quote_all = true,
                    _ => force_quote = Some(arg_columns(o)?),
                }
            }
            "force_not_null" => {
                if force_not_null.is_some() {
                    return Err(conflicting(o));
                }
                force_not_null = Some(arg_columns(o)?);
            }
            "force_null" => {
                if force_null.is_some() {
                    return Err(conflicting(o));
                }
                force_null = Some(arg_columns(o)?);
            }
            "encoding" => {
                if encoding {
                    return Err(conflicting(o));
                }
                encoding = true;
                check_encoding(o)?;
            }
            other => {
                return Err(
                    SqlError::syntax(format!("option \"{other}\" not recognized")).at(o.position),
                );
            }
        }
    }
    let format = format.unwrap_or(CopyFormat::Text);
    let binary = format == CopyFormat::Binary;
    let csv = format == CopyFormat::Csv;
    if binary && delim.is_some() {
        return Err(SqlError::syntax("cannot specify DELIMITER in BINARY mode"));
    }
    if binary && null.is_some() {
        return Err(SqlError::syntax("cannot specify NULL in BINARY mode"));
    }
    let delim = delim.unwrap_or_else(|| if csv { ",".into() } else { "\t".into() });
    let null = null.unwrap_or_else(|| if csv { String::new() } else { "\\N".into() });
    let (quote_given, escape_given) = (quote.is_some(), escape.is_some());
    let quote = quote.unwrap_or_else(|| "\"".into());
    let escape = escape.unwrap_or_else(|| quote.clone());
    let invalid = |m: &str| SqlError::new(sqlstate::INVALID_PARAMETER_VALUE, m.to_string());
    if delim.len() != 1 {
        return Err(SqlError::not_supported(
            "COPY delimiter must be a single one-byte character",
        ));
    }
    let d = delim.as_bytes()[0];
    if d == b'\r' || d == b'\n' {
        return Err(invalid(
            "COPY delimiter cannot be newline or carriage return",
        ));
    }
    if null.contains(['\r', '\n']) {
        return Err(invalid(
            "COPY null representation cannot use newline or carriage return",
        ));
    }
    if !csv && b"\\.abcdefghijklmnopqrstuvwxyz0123456789".contains(&d) {
        return Err(invalid(&format!("COPY delimiter cannot be \"{delim}\"")));
    }
    let header = header.unwrap_or(Header::Absent);
    if binary && header != Header::Absent {
        return Err(SqlError::not_supported(
            "cannot specify HEADER in BINARY mode",
        ));
    }
    if !csv && quote_given {
        return Err(SqlError::not_supported(
            "COPY quote available only in CSV mode",
        ));
    }
    if csv && quote.len() != 1 {
        return Err(SqlError::not_supported(
            "COPY quote must be a single one-byte character",
        ));
    }
    if csv && d == quote.as_bytes()[0] {
        return Err(invalid("COPY delimiter and quote must be different"));
    }
    if !csv && escape_given {
        return Err(SqlError::not_supported(
            "COPY escape available only in CSV mode",
        ));
    }
    if csv && escape.len() != 1 {
        return Err(SqlError::not_supported(
            "COPY escape must be a single one-byte character",
        ));
    }
    let force_quoting = force_quote.is_some() || force_quote_all;
    if !csv && force_quoting {
        return Err(SqlError::not_supported(
            "COPY force quote available only in CSV mode",
        ));
    }
    if force_quoting && is_from {
        return Err(SqlError::not_supported(
            "COPY force quote only available using COPY TO",
        ));
    }
    if !csv && force_not_null.is_some() {
        return Err(SqlError::not_supported(
            "COPY force not null available only in CSV mode",
        ));
    }
    if force_not_null.is_some() && !is_from {
        return Err(SqlError::not_supported(
            "COPY force not null only available using COPY FROM",
        ));
    }
    if !csv && force_null.is_some() {
        return Err(SqlError::not_supported(
            "COPY force null available only in CSV mode",
        ));
    }
    if force_null.is_some() && !is_from {
        return Err(SqlError::not_supported(
            "COPY force null only available using COPY FROM",
        ));
    }
    if null.as_bytes().contains(&d) {
        return Err(SqlError::not_supported(
            "COPY delimiter must not appear in the NULL specification",
        ));
    }
    let (q, e) = (
        quote.as_bytes().first().copied().unwrap_or(b'"'),
        escape.as_bytes().first().copied().unwrap_or(b'"'),
    );
    if csv && null.as_bytes().contains(&q) {
        return Err(SqlError::not_supported(
            "CSV quote character must not appear in the NULL specification",
        ));
    }
    Ok(CopyOptions {
        format,
        freeze: freeze.unwrap_or(false),
        delimiter: d,
        null,
        header,
        quote: q,
        escape: e,
        force_quote_all,
        force_quote,
        force_not_null,
        force_null,
    })
}

/// PostgreSQL's `limit_printout_length`: a value shown in a CONTEXT line is cut after 100
/// bytes (at a character boundary) and marked with `...`.
pub fn limit_printout(s: &str) -> String {
    const MAX: usize = 100;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// The CONTEXT of an error about one field: `COPY t, line 3, column a: "value"` (or
/// `: null input`; binary data is not shown).
pub fn field_context(
    rel: &str,
    line: u64,
    column: &str,
    value: Option<&str>,
    binary: bool,
) -> String {
    match (binary, value) {
        (true, _) => format!("COPY {rel}, line {line}, column {column}"),
        (false, Some(v)) => format!(
            "COPY {rel}, line {line}, column {column}: \"{}\"",
            limit_printout(v)
        ),
        (false, None) => format!("COPY {rel}, line {line}, column {column}: null input"),
    }
}

/// The CONTEXT of an error about a whole line: `COPY t, line 3: "the line"`, or without the
/// text when it is not known (it did not read as UTF-8, or the format is binary).
pub fn line_context(rel: &str, line: u64, text: Option<&str>) -> String {
    match text {
        Some(t) => format!("COPY {rel}, line {line}: \"{}\"", limit_printout(t)),
        None => format!("COPY {rel}, line {line}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opt(name: &str, arg: OptArg) -> RawOption {
        RawOption {
            name: name.into(),
            arg,
            position: Some(7),
        }
    }

    fn s(v: &str) -> OptArg {
        OptArg::Str(v.into())
    }

    fn err(raw: &[RawOption], is_from: bool) -> SqlError {
        process_options(raw, is_from).expect_err("should fail")
    }

    #[test]
    fn defaults_follow_the_format() {
        let o = process_options(&[], true).unwrap();
        assert_eq!((o.delimiter, o.null.as_str()), (b'\t', "\\N"));
        let o = process_options(&[opt("format", s("csv"))], true).unwrap();
        assert_eq!(
            (o.delimiter, o.null.as_str(), o.quote, o.escape),
            (b',', "", b'"', b'"')
        );
        let o = process_options(&[opt("format", s("csv")), opt("quote", s("'"))], true).unwrap();
        assert_eq!((o.quote, o.escape), (b'\'', b'\''));
    }

    #[test]
    fn postgresql_messages() {
        let e = err(&[opt("format", s("text")), opt("format", s("csv"))], true);
        assert_eq!(
            (e.sqlstate, e.message.as_str(), e.position),
            (
                crate::sqlstate::SYNTAX_ERROR,
                "conflicting or redundant options",
                Some(7)
            )
        );
        assert_eq!(
            err(&[opt("format", s("xml"))], true).message,
            "COPY format \"xml\" not recognized"
        );
        assert_eq!(
            err(&[opt("bogus", OptArg::None)], true).message,
            "option \"bogus\" not recognized"
        );
        assert_eq!(
            err(&[opt("delimiter", s(",,"))], true).sqlstate,
            crate::sqlstate::FEATURE_NOT_SUPPORTED
        );
        assert_eq!(
            err(&[opt("delimiter", s("a"))], true).message,
            "COPY delimiter cannot be \"a\""
        );
        assert_eq!(
            err(&[opt("header", s("match"))], false).message,
            "cannot use \"match\" with HEADER in COPY TO"
        );
        assert_eq!(
            err(&[opt("header", OptArg::Num("2".into(), Some(2)))], true).message,
            "header requires a Boolean value or \"match\""
        );
        assert_eq!(
            err(&[opt("freeze", s("x"))], true).message,
            "freeze requires a Boolean value"
        );
        assert_eq!(
            err(
                &[opt("format", s("binary")), opt("header", OptArg::None)],
                true
            )
            .message,
            "cannot specify HEADER in BINARY mode"
        );
        assert_eq!(
            err(&[opt("force_quote", OptArg::Star)], false).message,
            "COPY force quote available only in CSV mode"
        );
        assert_eq!(
            err(
                &[opt("format", s("csv")), opt("force_not_null", OptArg::Star)],
                true
            )
            .message,
            "argument to option \"force_not_null\" must be a list of column names"
        );
        assert_eq!(
            err(&[opt("format", s("csv")), opt("null", s("\""))], true).message,
            "CSV quote character must not appear in the NULL specification"
        );
        assert_eq!(
            err(&[opt("encoding", s("nope"))], true).sqlstate,
            crate::sqlstate::INVALID_PARAMETER_VALUE
        );
        assert!(process_options(&[opt("encoding", s("UTF-8"))], true).is_ok());
        assert!(
            process_options(
                &[
                    opt("freeze", s("on")),
                    opt("header", OptArg::Num("1".into(), Some(1)))
                ],
                true
            )
            .unwrap()
            .freeze
        );
    }

    #[test]
    fn printout_is_cut_at_a_character() {
        let long = "é".repeat(80);
        let cut = limit_printout(&long);
        assert!(cut.ends_with("..."));
        assert_eq!(cut.len(), 100 + 3);
        assert_eq!(limit_printout("short"), "short");
    }
}
