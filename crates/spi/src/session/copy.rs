//! COPY FROM STDIN and COPY TO STDOUT in a session: the data streams through the statement's
//! [`ResultSink`] both ways while it runs, so a COPY of any size holds one line (plus one
//! network chunk) in memory.
//!
//! COPY FROM reads chunks from the sink (`copy_in_next`), cuts them into lines
//! ([`sql::copy::text::LineReader`] or [`sql::copy::binary::BinaryReader`]), reads each field
//! with its column's input (or receive) function, and runs the plan's INSERT once per row —
//! the same INSERT a client would write, so defaults, typmods and constraints behave as in
//! INSERT. Errors carry PostgreSQL's CONTEXT: `COPY t, line N, column c: "value"` for a field,
//! `COPY t, line N: "line"` for the row. COPY TO runs the plan's query and hands each row,
//! encoded, to `copy_out_data`.
//!
//! All-or-nothing: outside a transaction block the COPY runs in its own `BEGIN IMMEDIATE`
//! transaction (so `tx` stays `Idle` while SQLite is, for the COPY's duration, in a
//! transaction), committed after the last row and rolled back on any error — including the
//! client's CopyFail or disconnection; inside a block it fails the block like any error.

use sql::copy::binary::{self, BinNext, BinaryReader};
use sql::copy::text::{self, LineReader, Next};
use sql::copy::{CopyFormat, Header, field_context, line_context};
use sql::plan::CopyPlan;
use sql::{SqlError, Value};

use super::{Session, TxStatus};
use crate::error::{SpiError, sqlstate};
use crate::exec;
use crate::result::{QueryResult, ResultSink};
use crate::runtime;

/// Where the data of a COPY FROM comes from, in the format's reader.
enum Reader {
    Text(LineReader),
    Binary(BinaryReader),
}

impl Reader {
    fn feed(&mut self, data: &[u8]) {
        match self {
            Reader::Text(r) => r.feed(data),
            Reader::Binary(r) => r.feed(data),
        }
    }

    fn finish(&mut self) {
        match self {
            Reader::Text(r) => r.finish(),
            Reader::Binary(r) => r.finish(),
        }
    }

    fn lineno(&self) -> u64 {
        match self {
            Reader::Text(r) => r.lineno,
            Reader::Binary(r) => r.lineno,
        }
    }
}

/// One row as the format gives it.
enum RawRow {
    Text(Vec<u8>),
    Binary(Vec<Option<Vec<u8>>>),
}

fn with_context(e: impl Into<SpiError>, context: String) -> SpiError {
    e.into().with_context(context)
}

impl Session {
    /// Runs a COPY plan; its data goes through `sink`.
    pub(super) fn run_copy(
        &mut self,
        plan: &CopyPlan,
        sink: &mut dyn ResultSink,
    ) -> Result<QueryResult, SpiError> {
        // COPY FROM needs INSERT on the table, COPY TO SELECT on what it reads, as the
        // statements they run would.
        self.sql
            .trusted(|c| crate::privileges::check_access(c, &plan.query.access))?;
        if plan.from {
            self.copy_from(plan, sink)
        } else {
            self.copy_to(plan, sink)
        }
    }

    fn copy_to(
        &mut self,
        plan: &CopyPlan,
        sink: &mut dyn ResultSink,
    ) -> Result<QueryResult, SpiError> {
        let in_block = self.tx != TxStatus::Idle;
        if in_block {
            self.ensure_begun(plan.query.writes())?;
        } else {
            runtime::start_transaction_clock();
        }
        let opts = &plan.options;
        sink.copy_out_begin(opts.format, plan.columns.len())?;
        let mut buf = Vec::new();
        match opts.format {
            CopyFormat::Binary => buf.extend_from_slice(&binary::header()),
            _ if opts.header == Header::Present => {
                let names: Vec<&str> = plan.columns.iter().map(|c| c.name.as_str()).collect();
                text::encode_header(&mut buf, &names, opts);
                sink.copy_out_data(&buf)?;
                buf.clear();
            }
            _ => {}
        }
        let client_block = in_block && self.implicit == super::Implicit::None;
        let mut texts: Vec<Option<String>> = Vec::with_capacity(plan.columns.len());
        let mut bins: Vec<Option<Vec<u8>>> = Vec::with_capacity(plan.columns.len());
        let sql = &self.sql;
        let mut first = true;
        let processed = exec::run_query(sql, &plan.query, &[], 0, client_block, &mut |row| {
            if std::mem::take(&mut first) && sql.holds_write_lock() {
                sink.holding_write_lock();
            }
            if opts.format == CopyFormat::Binary {
                bins.clear();
                runtime::with_env(|env| -> Result<(), SqlError> {
                    for (v, c) in row.iter().zip(&plan.columns) {
                        if v.is_null() {
                            bins.push(None);
                        } else {
                            let mut out = Vec::new();
                            sql::types::io::send(c.ty, env, v, &mut out)?;
                            bins.push(Some(out));
                        }
                    }
                    Ok(())
                })?;
                binary::encode_row(&mut buf, &bins);
            } else {
                texts.clear();
                runtime::with_env(|env| {
                    for (v, c) in row.iter().zip(&plan.columns) {
                        texts.push(sql::types::io::output(c.ty, env, v));
                    }
                });
                let refs: Vec<Option<&str>> = texts.iter().map(|t| t.as_deref()).collect();
                text::encode_row(&mut buf, &refs, opts, &plan.force_quote);
            }
            sink.copy_out_data(&buf)?;
            buf.clear();
            Ok(())
        })?;
        if opts.format == CopyFormat::Binary {
            buf.extend_from_slice(binary::TRAILER);
            sink.copy_out_data(&buf)?;
        }
        sink.copy_out_end()?;
        if plan.query.writes() {
            let rows = processed.max(1);
            if in_block {
                self.block_writes += rows;
            } else {
                crate::hooks::note_commit(&self.database, rows);
            }
        }
        Ok(QueryResult::tag(format!("COPY {processed}")))
    }

    fn copy_from(
        &mut self,
        plan: &CopyPlan,
        sink: &mut dyn ResultSink,
    ) -> Result<QueryResult, SpiError> {
        let autocommit = self.tx == TxStatus::Idle;
        if autocommit {
            runtime::start_transaction_clock();
            self.run_trusted("BEGIN IMMEDIATE")?;
        } else {
            self.ensure_begun(true)?;
        }
        let outcome = self.copy_rows(plan, sink);
        match outcome {
            Ok(n) => {
                if autocommit {
                    if let Err(e) = self.run_trusted("COMMIT") {
                        self.abort_if_in_transaction();
                        return Err(e);
                    }
                    if n > 0 {
                        crate::hooks::note_commit(&self.database, n);
                    }
                } else {
                    self.block_writes += n;
                }
                Ok(QueryResult::tag(format!("COPY {n}")))
            }
            Err(e) => {
                if autocommit {
                    self.abort_if_in_transaction();
                }
                Err(e)
            }
        }
    }

    /// Reads the rows and inserts them; returns how many were stored.
    fn copy_rows(&mut self, plan: &CopyPlan, sink: &mut dyn ResultSink) -> Result<u64, SpiError> {
        let opts = &plan.options;
        let ncols = plan.columns.len();
        sink.copy_in_begin(opts.format, ncols)?;
        if opts.freeze
            && !plan
                .table
                .as_ref()
                .is_some_and(|t| self.fresh_tables.contains(t))
        {
            return Err(SpiError::new(
                sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
                "cannot perform COPY FREEZE because the table was not created or truncated in the current subtransaction",
            ));
        }
        runtime::start_statement_clock();
        let rel = plan.relname.as_str();
        let client_block = self.tx != TxStatus::Idle && self.implicit == super::Implicit::None;
        let mut reader = match opts.format {
            CopyFormat::Binary => Reader::Binary(BinaryReader::new()),
            _ => Reader::Text(LineReader::new(opts)),
        };
        let mut header_pending = opts.header != Header::Absent;
        let mut chunk = Vec::new();
        let mut input_done = false;
        let mut fields: Vec<Option<String>> = Vec::with_capacity(ncols);
        let mut values: Vec<Value> = Vec::with_capacity(ncols);
        let mut stored = 0u64;
        loop {
            let next = match &mut reader {
                Reader::Text(r) => match r.next_line() {
                    Ok(Next::Line(l)) => Some(Some(RawRow::Text(l))),
                    Ok(Next::End) => None,
                    Ok(Next::NeedMore) => Some(None),
                    Err(e) => {
                        let n = r.lineno + 1;
                        return Err(with_context(e, line_context(rel, n, None)));
                    }
                },
                Reader::Binary(r) => match r.next_row(ncols) {
                    Ok(BinNext::Row(f)) => Some(Some(RawRow::Binary(f))),
                    Ok(BinNext::End) => None,
                    Ok(BinNext::NeedMore) => Some(None),
                    // The file header has no line (PostgreSQL reads it before COPY's context).
                    Err(e) if r.lineno == 0 => return Err(e.into()),
                    Err(e) => return Err(with_context(e, line_context(rel, r.lineno, None))),
                },
            };
            let row = match next {
                None => break,
                Some(None) => {
                    chunk.clear();
                    if !input_done && sink.copy_in_next(&mut chunk)? {
                        reader.feed(&chunk);
                    } else {
                        input_done = true;
                        reader.finish();
                    }
                    continue;
                }
                Some(Some(row)) => row,
            };
            let lineno = reader.lineno();
            values.clear();
            match row {
                RawRow::Text(line) => {
                    let line = text::verify_utf8(&line)
                        .map_err(|e| with_context(e, line_context(rel, lineno, None)))?;
                    let line_ctx = || line_context(rel, lineno, Some(line));
                    if header_pending {
                        header_pending = false;
                        if opts.header == Header::Match {
                            text::split_line(line.as_bytes(), opts, &mut fields)
                                .map_err(|e| with_context(e, line_ctx()))?;
                            check_header(plan, &fields).map_err(|e| with_context(e, line_ctx()))?;
                        }
                        continue;
                    }
                    text::split_line(line.as_bytes(), opts, &mut fields)
                        .map_err(|e| with_context(e, line_ctx()))?;
                    if fields.len() > ncols {
                        return Err(with_context(
                            SqlError::new(
                                sql::copy::BAD_COPY_FILE_FORMAT,
                                "extra data after last expected column",
                            ),
                            line_ctx(),
                        ));
                    }
                    if let Some(c) = plan.columns.get(fields.len()) {
                        return Err(with_context(
                            SqlError::new(
                                sql::copy::BAD_COPY_FILE_FORMAT,
                                format!("missing data for column \"{}\"", c.name),
                            ),
                            line_ctx(),
                        ));
                    }
                    runtime::with_env(|env| -> Result<(), SpiError> {
                        for (i, (f, c)) in fields.iter_mut().zip(&plan.columns).enumerate() {
                            if opts.csv() {
                                if f.is_none() && plan.force_not_null[i] {
                                    *f = Some(opts.null.clone());
                                } else if plan.force_null[i] && f.as_deref() == Some(&opts.null) {
                                    *f = None;
                                }
                            }
                            let v = match f {
                                None => Value::Null,
                                Some(s) => {
                                    sql::types::io::input(c.ty, env, s, c.typmod).map_err(|e| {
                                        with_context(
                                            e,
                                            field_context(rel, lineno, &c.name, Some(s), false),
                                        )
                                    })?
                                }
                            };
                            values.push(v);
                        }
                        Ok(())
                    })?;
                    stored +=
                        exec::run_with_stored_params(&self.sql, &plan.query, &values, client_block)
                            .map_err(|e| with_context(e, line_ctx()))?;
                }
                RawRow::Binary(raw) => {
                    runtime::with_env(|env| -> Result<(), SpiError> {
                        for (f, c) in raw.iter().zip(&plan.columns) {
                            let v = match f {
                                None => Value::Null,
                                Some(bytes) => sql::types::io::recv(c.ty, env, bytes, c.typmod)
                                    .map_err(|e| {
                                        with_context(
                                            e,
                                            field_context(rel, lineno, &c.name, None, true),
                                        )
                                    })?,
                            };
                            values.push(v);
                        }
                        Ok(())
                    })?;
                    stored +=
                        exec::run_with_stored_params(&self.sql, &plan.query, &values, client_block)
                            .map_err(|e| with_context(e, line_context(rel, lineno, None)))?;
                }
            }
            if crate::interrupt::pending() {
                crate::interrupt::check()?;
            }
        }
        // After the end-of-data marker, the rest of the data is read and ignored, up to the
        // client's CopyDone.
        while !input_done {
            chunk.clear();
            if !sink.copy_in_next(&mut chunk)? {
                input_done = true;
            }
        }
        Ok(stored)
    }
}

/// HEADER MATCH: the header line names the copied columns, in order.
fn check_header(plan: &CopyPlan, fields: &[Option<String>]) -> Result<(), SqlError> {
    let bad = |m: String| SqlError::new(sql::copy::BAD_COPY_FILE_FORMAT, m);
    if fields.len() != plan.columns.len() {
        return Err(bad(format!(
            "wrong number of fields in header line: got {}, expected {}",
            fields.len(),
            plan.columns.len()
        )));
    }
    for (i, (f, c)) in fields.iter().zip(&plan.columns).enumerate() {
        match f {
            None => {
                return Err(bad(format!(
                    "column name mismatch in header line field {}: got null value (\"{}\"), expected \"{}\"",
                    i + 1,
                    plan.options.null,
                    c.name
                )));
            }
            Some(name) if *name != c.name => {
                return Err(bad(format!(
                    "column name mismatch in header line field {}: got \"{name}\", expected \"{}\"",
                    i + 1,
                    c.name
                )));
            }
            Some(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use super::*;
    use crate::connection::OpenOptions;
    use crate::datadir::init_data_dir;
    use crate::result::CopyFormat;
    use crate::value::Column;

    /// A client that sends `input` in the given pieces (then CopyDone, or CopyFail when
    /// `fail` is set) and keeps what COPY TO sends.
    #[derive(Default)]
    struct Client {
        input: VecDeque<Vec<u8>>,
        fail: Option<String>,
        began_in: usize,
        out: Vec<u8>,
        messages: usize,
        tags: Vec<String>,
        rows: Vec<Vec<Value>>,
    }

    impl ResultSink for Client {
        fn describe(&mut self, _: &[Column]) -> Result<(), SpiError> {
            Ok(())
        }
        fn row(&mut self, row: Vec<Value>) -> Result<(), SpiError> {
            self.rows.push(row);
            Ok(())
        }
        fn complete(&mut self, result: QueryResult) -> Result<(), SpiError> {
            self.tags.push(result.tag);
            Ok(())
        }
        fn copy_in_begin(&mut self, _: CopyFormat, _: usize) -> Result<(), SpiError> {
            self.began_in += 1;
            Ok(())
        }
        fn copy_in_next(&mut self, buf: &mut Vec<u8>) -> Result<bool, SpiError> {
            match self.input.pop_front() {
                Some(piece) => {
                    buf.extend_from_slice(&piece);
                    Ok(true)
                }
                None => match self.fail.take() {
                    Some(why) => Err(SpiError::new(
                        sqlstate::QUERY_CANCELED,
                        format!("COPY from stdin failed: {why}"),
                    )),
                    None => Ok(false),
                },
            }
        }
        fn copy_out_begin(&mut self, _: CopyFormat, _: usize) -> Result<(), SpiError> {
            Ok(())
        }
        fn copy_out_data(&mut self, data: &[u8]) -> Result<(), SpiError> {
            self.out.extend_from_slice(data);
            self.messages += 1;
            Ok(())
        }
        fn copy_out_end(&mut self) -> Result<(), SpiError> {
            Ok(())
        }
    }

    fn setup() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().expect("tempdir");
        init_data_dir(dir.path()).expect("init");
        let s = Session::open(dir.path(), "postgres", "postgres", OpenOptions::default())
            .expect("open");
        (dir, s)
    }

    fn client(pieces: &[&[u8]]) -> Client {
        Client {
            input: pieces.iter().map(|p| p.to_vec()).collect(),
            ..Client::default()
        }
    }

    fn run(s: &mut Session, sql: &str, c: &mut Client) -> Result<(), SpiError> {
        s.simple_query_into(sql, c)
    }

    fn count(s: &mut Session) -> i64 {
        let mut c = Client::default();
        run(s, "select count(*) from t", &mut c).expect("count");
        c.rows[0][0].as_int().expect("int")
    }

    #[test]
    fn rows_stream_in_any_chunking_and_read_back_identically() {
        let (_d, mut s) = setup();
        let mut c = Client::default();
        run(
            &mut s,
            "create table t (a int, b text, c numeric default 1.5)",
            &mut c,
        )
        .unwrap();
        let data: &[u8] = b"1\tone\n2\t\\N\n3\ttab\\there\n";
        for chunk in [1, 3, data.len()] {
            let pieces: Vec<&[u8]> = data.chunks(chunk).collect();
            let mut c = client(&pieces);
            run(&mut s, "copy t (a, b) from stdin", &mut c).unwrap();
            assert_eq!(c.tags, ["COPY 3"]);
            assert_eq!(c.began_in, 1);
        }
        assert_eq!(count(&mut s), 9);
        let mut c = Client::default();
        run(
            &mut s,
            "copy (select a, b from t limit 3) to stdout",
            &mut c,
        )
        .unwrap();
        assert_eq!(c.out, data);
        assert_eq!(c.messages, 3, "one CopyData per row");
        let mut c = Client::default();
        run(
            &mut s,
            "copy t to stdout (format csv, header) ; select 1",
            &mut c,
        )
        .unwrap();
        assert!(
            c.out
                .starts_with(b"a,b,c\n1,one,1.5\n2,,1.5\n3,tab\there,1.5\n")
        );
        assert_eq!(c.tags, ["COPY 9", "SELECT 1"]);
    }

    #[test]
    fn a_failed_copy_loads_nothing() {
        let (_d, mut s) = setup();
        let mut c = Client::default();
        run(&mut s, "create table t (a int primary key)", &mut c).unwrap();
        // A bad value on the third line: the first two are not kept.
        let mut c = client(&[b"1\n2\nx\n4\n"]);
        let e = run(&mut s, "copy t from stdin", &mut c).unwrap_err();
        assert_eq!(e.sqlstate, sql::sqlstate::INVALID_TEXT_REPRESENTATION);
        assert_eq!(e.context(), Some("COPY t, line 3, column a: \"x\""));
        assert_eq!(count(&mut s), 0);
        // The client gives up.
        let mut c = client(&[b"1\n2\n"]);
        c.fail = Some("no more".into());
        let e = run(&mut s, "copy t from stdin", &mut c).unwrap_err();
        assert_eq!(
            (e.sqlstate, e.message.as_str()),
            (
                sql::sqlstate::QUERY_CANCELED,
                "COPY from stdin failed: no more"
            )
        );
        assert_eq!(count(&mut s), 0);
        // A duplicate key.
        let mut c = client(&[b"1\n1\n"]);
        let e = run(&mut s, "copy t from stdin", &mut c).unwrap_err();
        assert_eq!(e.sqlstate, sql::sqlstate::UNIQUE_VIOLATION);
        assert_eq!(e.context(), Some("COPY t, line 2: \"1\""));
        assert_eq!(count(&mut s), 0);
        // Inside a block the failure fails the block.
        let mut c = client(&[b"5\nx\n"]);
        let e = run(
            &mut s,
            "begin; insert into t values (7); copy t from stdin",
            &mut c,
        );
        assert!(e.is_err());
        assert_eq!(s.transaction_status(), TxStatus::Failed);
        run(&mut s, "rollback", &mut Client::default()).unwrap();
        assert_eq!(count(&mut s), 0);
        // The end-of-data marker: the rest is read and ignored.
        let mut c = client(&[b"1\n\\.\n", b"junk\n"]);
        run(&mut s, "copy t from stdin", &mut c).unwrap();
        assert_eq!(c.tags, ["COPY 1"]);
        assert!(c.input.is_empty());
    }

    #[test]
    fn freeze_needs_a_table_created_or_truncated_in_the_transaction() {
        let (_d, mut s) = setup();
        run(&mut s, "create table t (a int)", &mut Client::default()).unwrap();
        let mut c = client(&[b"1\n"]);
        let e = run(&mut s, "copy t from stdin (freeze)", &mut c).unwrap_err();
        assert_eq!(e.sqlstate, sql::sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE);
        let mut c = client(&[b"1\n"]);
        run(
            &mut s,
            "begin; truncate t; copy t from stdin with (freeze on); commit",
            &mut c,
        )
        .unwrap();
        assert_eq!(count(&mut s), 1);
    }

    #[test]
    fn binary_rows_round_trip() {
        let (_d, mut s) = setup();
        let mut c = Client::default();
        run(
            &mut s,
            "create table t (a int, b text, c float8, d date)",
            &mut c,
        )
        .unwrap();
        run(
            &mut s,
            "insert into t values (1, 'x', 1.5, '2024-02-29'), (null, null, null, null)",
            &mut c,
        )
        .unwrap();
        let mut out = Client::default();
        run(&mut s, "copy t to stdout (format binary)", &mut out).unwrap();
        assert!(out.out.starts_with(sql::copy::binary::SIGNATURE));
        let mut c = client(&[&out.out]);
        run(&mut s, "copy t from stdin (format binary)", &mut c).unwrap();
        assert_eq!(c.tags, ["COPY 2"]);
        let mut again = Client::default();
        run(
            &mut s,
            "copy (select * from t limit 2 offset 2) to stdout binary",
            &mut again,
        )
        .unwrap();
        assert_eq!(again.out, out.out);
    }

    #[test]
    fn copy_needs_a_client() {
        let (_d, mut s) = setup();
        run(&mut s, "create table t (a int)", &mut Client::default()).unwrap();
        let p = s.prepare("copy t to stdout").unwrap();
        let e = s.execute(&p, &[]).unwrap_err();
        assert_eq!(e.sqlstate, sql::sqlstate::FEATURE_NOT_SUPPORTED);
    }
}
