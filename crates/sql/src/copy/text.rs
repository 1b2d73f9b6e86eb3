//! COPY's text and CSV formats: a [`LineReader`] that cuts the incoming byte stream into lines
//! (PostgreSQL's `CopyReadLineText`: the first line's end decides `\n`, `\r` or `\r\n` for the
//! rest; `\.` alone on a line ends the data; in CSV a quoted field may span lines), the field
//! splitters ([`split_text`], [`split_csv`]: PostgreSQL's `CopyReadAttributesText/CSV`, with
//! the NULL marker compared before de-escaping), and the encoders of COPY TO
//! ([`encode_row`], [`encode_text_field`], [`encode_csv_field`]).
//!
//! Invariants: total on arbitrary bytes (errors are PostgreSQL's 22P04/22021/54000 with its
//! messages); scanning is resumable, so data that arrives in many small chunks costs no more
//! than data that arrives at once, and only the current line is kept.

use super::{BAD_COPY_FILE_FORMAT, CopyOptions, MAX_LINE};
use crate::error::{Result, SqlError, sqlstate};

/// How lines end (decided by the first line end seen).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Eol {
    Unknown,
    Nl,
    Cr,
    CrNl,
}

/// What [`LineReader::next_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Next {
    /// A complete line (without its end), and the number of physical lines it spans.
    Line(Vec<u8>),
    /// The data is exhausted (end of input or the `\.` marker): no more lines.
    End,
    /// More input is needed before the next line can be cut.
    NeedMore,
}

/// Cuts COPY FROM's text or CSV data into lines as it arrives.
#[derive(Debug)]
pub struct LineReader {
    csv: bool,
    quote: u8,
    /// The CSV escape character when it differs from the quote (else `None`).
    escape: Option<u8>,
    eol: Eol,
    /// Input not yet cut into lines.
    buf: Vec<u8>,
    /// Where the current line starts in `buf`.
    start: usize,
    /// Where scanning resumes (everything in `start..scan` belongs to the current line).
    scan: usize,
    in_quote: bool,
    last_was_esc: bool,
    /// The input is complete (CopyDone): no more bytes will come.
    finished: bool,
    /// The end-of-data marker was seen: later bytes are ignored.
    ended: bool,
    /// Physical lines consumed so far (CONTEXT's line numbers).
    pub lineno: u64,
}

fn bad(msg: &str) -> SqlError {
    SqlError::new(BAD_COPY_FILE_FORMAT, msg)
}

fn bad_hint(msg: &str, hint: &str) -> SqlError {
    bad(msg).with_hint(hint)
}

impl LineReader {
    pub fn new(opts: &CopyOptions) -> LineReader {
        let csv = opts.csv();
        LineReader {
            csv,
            quote: opts.quote,
            escape: (csv && opts.escape != opts.quote).then_some(opts.escape),
            eol: Eol::Unknown,
            buf: Vec::new(),
            start: 0,
            scan: 0,
            in_quote: false,
            last_was_esc: false,
            finished: false,
            ended: false,
            lineno: 0,
        }
    }

    /// Appends received data (ignored after the end-of-data marker).
    pub fn feed(&mut self, data: &[u8]) {
        if self.ended {
            return;
        }
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.scan -= self.start;
            self.start = 0;
        }
        self.buf.extend_from_slice(data);
    }

    /// No more data will come.
    pub fn finish(&mut self) {
        self.finished = true;
    }

    /// True once the `\.` marker has been seen.
    pub fn saw_end_marker(&self) -> bool {
        self.ended
    }

    fn take_line(&mut self, end: usize, resume: usize) -> Vec<u8> {
        let line = self.buf[self.start..end].to_vec();
        self.start = resume;
        self.scan = resume;
        self.in_quote = false;
        self.last_was_esc = false;
        line
    }

    fn crlf_error(&self, newline: bool) -> SqlError {
        match (self.csv, newline) {
            (false, true) => bad_hint(
                "literal newline found in data",
                "Use \"\\n\" to represent newline.",
            ),
            (true, true) => bad_hint(
                "unquoted newline found in data",
                "Use quoted CSV field to represent newline.",
            ),
            (false, false) => bad_hint(
                "literal carriage return found in data",
                "Use \"\\r\" to represent carriage return.",
            ),
            (true, false) => bad_hint(
                "unquoted carriage return found in data",
                "Use quoted CSV field to represent carriage return.",
            ),
        }
    }

    /// The next line. Lines are numbered as PostgreSQL numbers them (counting the lines a
    /// quoted CSV field spans).
    pub fn next_line(&mut self) -> Result<Next> {
        if self.ended {
            return Ok(Next::End);
        }
        let len = self.buf.len();
        let mut i = self.scan;
        loop {
            if i - self.start > MAX_LINE {
                return Err(SqlError::new(
                    sqlstate::PROGRAM_LIMIT_EXCEEDED,
                    "COPY line is too long",
                )
                .with_detail(format!("A line may hold at most {MAX_LINE} bytes.")));
            }
            if i >= len {
                self.scan = i;
                if !self.finished {
                    return Ok(Next::NeedMore);
                }
                if self.start >= len {
                    self.ended = true;
                    return Ok(Next::End);
                }
                self.lineno += 1;
                let line = self.take_line(len, len);
                return Ok(Next::Line(line));
            }
            let c = self.buf[i];
            let first_in_line = i == self.start;
            // Characters whose meaning depends on the next one wait for it.
            if (c == b'\r' || c == b'\\') && i + 1 >= len && !self.finished {
                self.scan = i;
                return Ok(Next::NeedMore);
            }
            if c == b'\\'
                && (!self.csv || first_in_line)
                && self.buf.get(i + 1) == Some(&b'.')
                && !self.finished
                && self.needs_more_for_marker(i)
            {
                self.scan = i;
                return Ok(Next::NeedMore);
            }
            if self.csv {
                if self.in_quote && Some(c) == self.escape {
                    self.last_was_esc = !self.last_was_esc;
                }
                if c == self.quote && !self.last_was_esc {
                    self.in_quote = !self.in_quote;
                }
                if Some(c) != self.escape {
                    self.last_was_esc = false;
                }
                if self.in_quote && c == if self.eol == Eol::Nl { b'\n' } else { b'\r' } {
                    self.lineno += 1;
                }
            }
            let quoted = self.csv && self.in_quote;
            if c == b'\r' && !quoted {
                let next = self.buf.get(i + 1).copied();
                match self.eol {
                    Eol::Unknown | Eol::CrNl => {
                        if next == Some(b'\n') {
                            self.eol = Eol::CrNl;
                            self.lineno += 1;
                            return Ok(Next::Line(self.take_line(i, i + 2)));
                        }
                        if self.eol == Eol::CrNl {
                            return Err(self.crlf_error(false));
                        }
                        self.eol = Eol::Cr;
                    }
                    Eol::Nl => return Err(self.crlf_error(false)),
                    Eol::Cr => {}
                }
                self.lineno += 1;
                return Ok(Next::Line(self.take_line(i, i + 1)));
            }
            if c == b'\n' && !quoted {
                if matches!(self.eol, Eol::Cr | Eol::CrNl) {
                    return Err(self.crlf_error(true));
                }
                self.eol = Eol::Nl;
                self.lineno += 1;
                return Ok(Next::Line(self.take_line(i, i + 1)));
            }
            if c == b'\\' && (!self.csv || first_in_line) {
                if i + 1 >= len {
                    // A backslash just before the end of input is data.
                    i += 1;
                    continue;
                }
                if self.buf[i + 1] == b'.' {
                    if self.end_marker(i)? {
                        // Data before the marker on its line is the last line.
                        let has_data = i > self.start;
                        self.ended = true;
                        if has_data {
                            self.lineno += 1;
                            let line = self.buf[self.start..i].to_vec();
                            self.buf = Vec::new();
                            return Ok(Next::Line(line));
                        }
                        self.buf = Vec::new();
                        return Ok(Next::End);
                    }
                } else if !self.csv {
                    i += 2;
                    continue;
                }
            }
            i += 1;
        }
    }

    /// Could more input change how the `\.` at `i` reads?
    fn needs_more_for_marker(&self, i: usize) -> bool {
        let want = if self.eol == Eol::CrNl { i + 4 } else { i + 3 };
        self.buf.len() < want
    }

    /// `\.` at `i` (with enough input after it to tell): true when it ends the data, false
    /// when it is data (CSV); errors as PostgreSQL's for a malformed marker in text mode.
    fn end_marker(&self, i: usize) -> Result<bool> {
        let at = |k: usize| self.buf.get(k).copied().unwrap_or(0);
        let corrupt = || bad("end-of-copy marker corrupt");
        let mut k = i + 2;
        if self.eol == Eol::CrNl {
            let c = at(k);
            k += 1;
            if c == b'\n' {
                return if self.csv {
                    Ok(false)
                } else {
                    Err(bad(
                        "end-of-copy marker does not match previous newline style",
                    ))
                };
            }
            if c != b'\r' {
                return if self.csv { Ok(false) } else { Err(corrupt()) };
            }
        }
        let c = at(k);
        if c != b'\r' && c != b'\n' {
            return if self.csv { Ok(false) } else { Err(corrupt()) };
        }
        let mismatch = match self.eol {
            Eol::Nl | Eol::CrNl => c != b'\n',
            Eol::Cr => c != b'\r',
            Eol::Unknown => false,
        };
        if mismatch {
            return Err(bad(
                "end-of-copy marker does not match previous newline style",
            ));
        }
        Ok(true)
    }
}

/// PostgreSQL's `invalid byte sequence for encoding "UTF8": 0x..` for the bytes at `at`.
pub fn invalid_utf8(bytes: &[u8], at: usize) -> SqlError {
    let first = bytes.get(at).copied().unwrap_or(0);
    let want = match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf7 => 4,
        _ => 1,
    };
    let shown: Vec<String> = bytes[at.min(bytes.len())..]
        .iter()
        .take(want)
        .map(|b| format!("0x{b:02x}"))
        .collect();
    SqlError::new(
        sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
        format!(
            "invalid byte sequence for encoding \"UTF8\": {}",
            shown.join(" ")
        ),
    )
}

/// Checks that `bytes` are UTF-8 without NUL (PostgreSQL's `pg_verifymbstr`).
pub fn verify_utf8(bytes: &[u8]) -> Result<&str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => match bytes.iter().position(|&b| b == 0) {
            Some(at) => Err(invalid_utf8(bytes, at)),
            None => Ok(s),
        },
        Err(e) => Err(invalid_utf8(bytes, e.valid_up_to())),
    }
}

fn hex_value(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => c.wrapping_sub(b'A').wrapping_add(10),
    }
}

/// Splits a text-format line into fields: `None` for the NULL marker (compared with the raw
/// field), else the de-escaped value. `line` is valid UTF-8; de-escaped bytes are checked.
pub fn split_text(line: &[u8], opts: &CopyOptions, out: &mut Vec<Option<String>>) -> Result<()> {
    out.clear();
    let delim = opts.delimiter;
    let null = opts.null.as_bytes();
    let mut i = 0;
    let n = line.len();
    loop {
        let start = i;
        let mut value: Vec<u8> = Vec::new();
        let mut non_ascii = false;
        let mut found_delim = false;
        let mut end;
        loop {
            end = i;
            if i >= n {
                break;
            }
            let mut c = line[i];
            i += 1;
            if c == delim {
                found_delim = true;
                break;
            }
            if c == b'\\' {
                if i >= n {
                    break;
                }
                c = line[i];
                i += 1;
                match c {
                    b'0'..=b'7' => {
                        let mut v = u32::from(c - b'0');
                        for _ in 0..2 {
                            match line.get(i) {
                                Some(&d @ b'0'..=b'7') => {
                                    i += 1;
                                    v = (v << 3) + u32::from(d - b'0');
                                }
                                _ => break,
                            }
                        }
                        c = (v & 0xff) as u8;
                        non_ascii |= c == 0 || c >= 0x80;
                    }
                    b'x' => {
                        if let Some(&h) = line.get(i).filter(|h| h.is_ascii_hexdigit()) {
                            i += 1;
                            let mut v = hex_value(h);
                            if let Some(&h2) = line.get(i).filter(|h| h.is_ascii_hexdigit()) {
                                i += 1;
                                v = (v << 4) | hex_value(h2);
                            }
                            c = v;
                            non_ascii |= c == 0 || c >= 0x80;
                        }
                    }
                    b'b' => c = 0x08,
                    b'f' => c = 0x0c,
                    b'n' => c = b'\n',
                    b'r' => c = b'\r',
                    b't' => c = b'\t',
                    b'v' => c = 0x0b,
                    _ => {}
                }
            }
            value.push(c);
        }
        if &line[start..end] == null {
            out.push(None);
        } else {
            if non_ascii {
                verify_utf8(&value)?;
            }
            // Valid: either checked above, or made only of the line's own (valid) characters
            // and ASCII escapes.
            out.push(Some(
                String::from_utf8(value).map_err(|e| invalid_utf8(e.as_bytes(), 0))?,
            ));
        }
        if !found_delim {
            return Ok(());
        }
    }
}

/// Splits a CSV line into fields (quotes and escapes as configured); an unquoted field equal
/// to the NULL marker is `None`.
pub fn split_csv(line: &[u8], opts: &CopyOptions, out: &mut Vec<Option<String>>) -> Result<()> {
    out.clear();
    let (delim, quote, escape) = (opts.delimiter, opts.quote, opts.escape);
    let null = opts.null.as_bytes();
    let n = line.len();
    let mut i = 0;
    loop {
        let start = i;
        let mut value: Vec<u8> = Vec::new();
        let mut saw_quote = false;
        let mut found_delim = false;
        let mut end;
        'field: loop {
            // Outside quotes.
            loop {
                end = i;
                if i >= n {
                    break 'field;
                }
                let c = line[i];
                i += 1;
                if c == delim {
                    found_delim = true;
                    break 'field;
                }
                if c == quote {
                    saw_quote = true;
                    break;
                }
                value.push(c);
            }
            // Inside quotes.
            loop {
                if i >= n {
                    return Err(bad("unterminated CSV quoted field"));
                }
                let c = line[i];
                i += 1;
                if c == escape
                    && let Some(&next) = line.get(i)
                    && (next == escape || next == quote)
                {
                    value.push(next);
                    i += 1;
                    continue;
                }
                if c == quote {
                    break;
                }
                value.push(c);
            }
        }
        if !saw_quote && &line[start..end] == null {
            out.push(None);
        } else {
            out.push(Some(
                String::from_utf8(value).map_err(|e| invalid_utf8(e.as_bytes(), 0))?,
            ));
        }
        if !found_delim {
            return Ok(());
        }
    }
}

/// Splits a line in the options' format.
pub fn split_line(line: &[u8], opts: &CopyOptions, out: &mut Vec<Option<String>>) -> Result<()> {
    if opts.csv() {
        split_csv(line, opts, out)
    } else {
        split_text(line, opts, out)
    }
}

/// Appends one value in text format: backslash escapes for the delimiter, backslash and the
/// line-breaking control characters.
pub fn encode_text_field(out: &mut Vec<u8>, value: &str, delimiter: u8) {
    for &c in value.as_bytes() {
        let escaped = match c {
            0x08 => Some(b'b'),
            0x0c => Some(b'f'),
            b'\n' => Some(b'n'),
            b'\r' => Some(b'r'),
            b'\t' => Some(b't'),
            0x0b => Some(b'v'),
            b'\\' => Some(b'\\'),
            _ if c == delimiter => Some(c),
            _ => None,
        };
        match escaped {
            Some(e) => {
                out.push(b'\\');
                out.push(e);
            }
            None => out.push(c),
        }
    }
}

/// Appends one value in CSV: quoted when forced, when it equals the NULL marker, when it holds
/// the delimiter, the quote or a line break, or when it is `\.` alone on its line.
pub fn encode_csv_field(
    out: &mut Vec<u8>,
    value: &str,
    opts: &CopyOptions,
    force: bool,
    single_column: bool,
) {
    let bytes = value.as_bytes();
    let (delim, quote, escape) = (opts.delimiter, opts.quote, opts.escape);
    let quoted = force
        || value == opts.null
        || (single_column && value == "\\.")
        || bytes
            .iter()
            .any(|&c| c == delim || c == quote || c == b'\n' || c == b'\r');
    if !quoted {
        out.extend_from_slice(bytes);
        return;
    }
    out.push(quote);
    for &c in bytes {
        if c == quote || c == escape {
            out.push(escape);
        }
        out.push(c);
    }
    out.push(quote);
}

/// Appends one row (`None` is NULL) with its line end. `force_quote[i]` forces quoting of
/// column `i` in CSV.
pub fn encode_row(
    out: &mut Vec<u8>,
    row: &[Option<&str>],
    opts: &CopyOptions,
    force_quote: &[bool],
) {
    let single = row.len() == 1;
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            out.push(opts.delimiter);
        }
        match v {
            None => out.extend_from_slice(opts.null.as_bytes()),
            Some(s) if opts.csv() => encode_csv_field(
                out,
                s,
                opts,
                opts.force_quote_all || force_quote.get(i).copied().unwrap_or(false),
                single,
            ),
            Some(s) => encode_text_field(out, s, opts.delimiter),
        }
    }
    out.push(b'\n');
}

/// The header line of COPY TO: the column names as fields (never forced into quotes).
pub fn encode_header(out: &mut Vec<u8>, names: &[&str], opts: &CopyOptions) {
    let single = names.len() == 1;
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push(opts.delimiter);
        }
        if opts.csv() {
            encode_csv_field(out, name, opts, false, single);
        } else {
            encode_text_field(out, name, opts.delimiter);
        }
    }
    out.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::copy::{CopyFormat, OptArg, RawOption, process_options};

    fn csv() -> CopyOptions {
        process_options(
            &[RawOption {
                name: "format".into(),
                arg: OptArg::Str("csv".into()),
                position: None,
            }],
            true,
        )
        .unwrap()
    }

    /// All lines of `data` fed in pieces of `chunk` bytes.
    fn lines(opts: &CopyOptions, data: &[u8], chunk: usize) -> Result<Vec<Vec<u8>>> {
        let mut r = LineReader::new(opts);
        let mut out = Vec::new();
        let mut pieces = data.chunks(chunk.max(1));
        loop {
            match r.next_line()? {
                Next::Line(l) => out.push(l),
                Next::End => return Ok(out),
                Next::NeedMore => match pieces.next() {
                    Some(p) => r.feed(p),
                    None => r.finish(),
                },
            }
        }
    }

    fn all_chunkings(opts: &CopyOptions, data: &[u8]) -> Result<Vec<Vec<u8>>> {
        let whole = lines(opts, data, data.len());
        for chunk in 1..=data.len().min(8) {
            assert_eq!(
                format!("{:?}", lines(opts, data, chunk)),
                format!("{whole:?}"),
                "chunk {chunk} of {:?}",
                String::from_utf8_lossy(data)
            );
        }
        whole
    }

    fn strs(v: Vec<Vec<u8>>) -> Vec<String> {
        v.into_iter()
            .map(|l| String::from_utf8_lossy(&l).into_owned())
            .collect()
    }

    #[test]
    fn lines_end_as_the_first_one_does() {
        let t = CopyOptions::text();
        assert_eq!(strs(all_chunkings(&t, b"a\nb\n").unwrap()), ["a", "b"]);
        assert_eq!(strs(all_chunkings(&t, b"a\r\nb\r\n").unwrap()), ["a", "b"]);
        assert_eq!(strs(all_chunkings(&t, b"a\rb\r").unwrap()), ["a", "b"]);
        assert_eq!(strs(all_chunkings(&t, b"a\nb").unwrap()), ["a", "b"]);
        assert_eq!(strs(all_chunkings(&t, b"a\\\nb\n").unwrap()), ["a\\\nb"]);
        let e = all_chunkings(&t, b"a\nb\rc\n").unwrap_err();
        assert_eq!(e.message, "literal carriage return found in data");
        assert_eq!(e.sqlstate, crate::sqlstate::BAD_COPY_FILE_FORMAT);
        let e = all_chunkings(&t, b"a\r\nb\n").unwrap_err();
        assert_eq!(e.message, "literal newline found in data");
    }

    #[test]
    fn end_marker() {
        let t = CopyOptions::text();
        assert_eq!(
            strs(all_chunkings(&t, b"a\n\\.\nignored\n").unwrap()),
            ["a"]
        );
        assert_eq!(strs(all_chunkings(&t, b"a\nb\\.\n").unwrap()), ["a", "b"]);
        assert_eq!(strs(all_chunkings(&t, b"a\r\n\\.\r\n").unwrap()), ["a"]);
        assert_eq!(
            all_chunkings(&t, b"a\n\\.x\n").unwrap_err().message,
            "end-of-copy marker corrupt"
        );
        assert_eq!(
            all_chunkings(&t, b"a\n\\.").unwrap_err().message,
            "end-of-copy marker corrupt"
        );
        assert_eq!(
            all_chunkings(&t, b"a\r\n\\.\n").unwrap_err().message,
            "end-of-copy marker does not match previous newline style"
        );
        // \\. is an escaped backslash followed by a period.
        assert_eq!(strs(all_chunkings(&t, b"\\\\.\n").unwrap()), ["\\\\."]);
        let c = csv();
        assert_eq!(strs(all_chunkings(&c, b"a\n\\.\nx\n").unwrap()), ["a"]);
        assert_eq!(
            strs(all_chunkings(&c, b"a\n\\.x\n").unwrap()),
            ["a", "\\.x"]
        );
        assert_eq!(
            strs(all_chunkings(&c, b"a\nb\\.\n").unwrap()),
            ["a", "b\\."]
        );
    }

    #[test]
    fn csv_quotes_span_lines() {
        let c = csv();
        assert_eq!(
            strs(all_chunkings(&c, b"1,\"a\nb\"\n2,c\n").unwrap()),
            ["1,\"a\nb\"", "2,c"]
        );
        let mut r = LineReader::new(&c);
        r.feed(b"1,\"a\nb\"\n2\n");
        r.finish();
        // As in PostgreSQL, a newline inside quotes counts only once the line end is known.
        assert_eq!(r.next_line().unwrap(), Next::Line(b"1,\"a\nb\"".to_vec()));
        assert_eq!(r.lineno, 1);
        assert_eq!(r.next_line().unwrap(), Next::Line(b"2".to_vec()));
        assert_eq!(r.lineno, 2);
        let mut r = LineReader::new(&c);
        r.feed(b"0\n1,\"a\nb\"\n2\n");
        r.finish();
        for _ in 0..3 {
            assert!(matches!(r.next_line().unwrap(), Next::Line(_)));
        }
        assert_eq!(r.lineno, 4);
    }

    fn text_fields(line: &str, opts: &CopyOptions) -> Vec<Option<String>> {
        let mut out = Vec::new();
        split_line(line.as_bytes(), opts, &mut out).unwrap();
        out
    }

    #[test]
    fn text_fields_are_de_escaped_after_the_null_check() {
        let t = CopyOptions::text();
        assert_eq!(
            text_fields("a\\tb\t\\N\t\\\\N\t\\101\\x41\\x\\q\t", &t),
            vec![
                Some("a\tb".into()),
                None,
                Some("\\N".into()),
                Some("AAxq".into()),
                Some(String::new())
            ]
        );
        let mut out = Vec::new();
        let e = split_text(b"\\xff", &t, &mut out).unwrap_err();
        assert_eq!(
            e.message,
            "invalid byte sequence for encoding \"UTF8\": 0xff"
        );
        assert_eq!(text_fields("\\xc3\\xa9", &t), vec![Some("é".into())]);
        assert_eq!(text_fields("ab\\", &t), vec![Some("ab".into())]);
    }

    #[test]
    fn csv_fields() {
        let c = csv();
        assert_eq!(
            text_fields("a,\"b,c\",,\"\",\"x\"\"y\"z", &c),
            vec![
                Some("a".into()),
                Some("b,c".into()),
                None,
                Some(String::new()),
                Some("x\"yz".into())
            ]
        );
        let mut out = Vec::new();
        assert_eq!(
            split_csv(b"1,\"x", &c, &mut out).unwrap_err().message,
            "unterminated CSV quoted field"
        );
    }

    #[test]
    fn encoders_match_postgresql() {
        let t = CopyOptions::text();
        let mut out = Vec::new();
        encode_row(
            &mut out,
            &[
                Some("a\tb\nc\\d\re\x01f\x0bg\x08h\x0ci"),
                None,
                Some("\\."),
                Some(""),
            ],
            &t,
            &[],
        );
        assert_eq!(out, b"a\\tb\\nc\\\\d\\re\x01f\\vg\\bh\\fi\t\\N\t\\\\.\t\n");
        let c = csv();
        let mut out = Vec::new();
        encode_row(
            &mut out,
            &[Some("a\tb\nc"), None, Some("\\."), Some(""), Some("a,b\"c")],
            &c,
            &[],
        );
        assert_eq!(out, b"\"a\tb\nc\",,\\.,\"\",\"a,b\"\"c\"\n");
        let mut out = Vec::new();
        encode_row(&mut out, &[Some("\\.")], &c, &[]);
        assert_eq!(out, b"\"\\.\"\n");
        let mut pipe = CopyOptions::text();
        pipe.delimiter = 1;
        let mut out = Vec::new();
        encode_row(&mut out, &[Some("x|y"), Some("\x01")], &pipe, &[]);
        assert_eq!(out, b"x|y\x01\\\x01\n");
    }

    /// A deterministic stream of pseudo-random numbers (xorshift64).
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % n as u64).unwrap_or(0)
        }
    }

    fn random_value(rng: &mut Rng) -> Option<String> {
        if rng.below(8) == 0 {
            return None;
        }
        const ALPHABET: &[&str] = &[
            "a", "\\", "\t", "\n", "\r", ",", "\"", "'", "N", ".", "é", "\u{1}", "\u{b}", "x", "0",
            " ", "|",
        ];
        let len = rng.below(8);
        Some(
            (0..len)
                .map(|_| ALPHABET[rng.below(ALPHABET.len())])
                .collect(),
        )
    }

    #[test]
    fn encoded_rows_read_back_identically() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut formats = vec![CopyOptions::text(), csv()];
        let mut pipe = csv();
        pipe.delimiter = b'|';
        pipe.quote = b'\'';
        pipe.escape = b'\\';
        formats.push(pipe);
        let mut nullword = CopyOptions::text();
        nullword.null = "NULL".into();
        formats.push(nullword);
        for opts in &formats {
            for _ in 0..2000 {
                let width = 1 + rng.below(4);
                let rows: Vec<Vec<Option<String>>> = (0..1 + rng.below(3))
                    .map(|_| (0..width).map(|_| random_value(&mut rng)).collect())
                    .collect();
                let mut data = Vec::new();
                for r in &rows {
                    let refs: Vec<Option<&str>> = r.iter().map(|v| v.as_deref()).collect();
                    encode_row(&mut data, &refs, opts, &[]);
                }
                let got = lines(opts, &data, 1 + rng.below(16)).unwrap();
                let mut back = Vec::new();
                for l in got {
                    let mut f = Vec::new();
                    split_line(&l, opts, &mut f).unwrap();
                    back.push(f);
                }
                assert_eq!(
                    back,
                    rows,
                    "{:?} {:?}",
                    opts.format,
                    String::from_utf8_lossy(&data)
                );
            }
        }
        assert_eq!(formats[0].format, CopyFormat::Text);
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        const PIECES: &[&[u8]] = &[
            b"\\", b".", b"\n", b"\r", b"\"", b",", b"\t", b"a", b"\xff", b"\xc3", b"\xa9", b"\0",
            b"\\.", b"x", b"7",
        ];
        for opts in [CopyOptions::text(), csv()] {
            for _ in 0..3000 {
                let mut data = Vec::new();
                for _ in 0..rng.below(24) {
                    data.extend_from_slice(PIECES[rng.below(PIECES.len())]);
                }
                if let Ok(ls) = lines(&opts, &data, 1 + rng.below(5)) {
                    for l in ls {
                        let mut f = Vec::new();
                        if verify_utf8(&l).is_ok() {
                            let _ = split_line(&l, &opts, &mut f);
                        }
                    }
                }
            }
        }
    }
}
