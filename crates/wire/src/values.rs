//! Values on the wire: RowDescription's fields, DataRow's columns and Bind's parameters, each
//! through the `sql` crate's text and binary I/O for the value's type, with the session's
//! settings (DateStyle, TimeZone, IntervalStyle, extra_float_digits).
//!
//! Invariant: a value that cannot be shown in the asked format is an ERROR with PostgreSQL's
//! SQLSTATE (and no half-written row is left in the buffer); a parameter that does not read as
//! its type is 22P02/22P03/22021…, never a panic.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;

use bytes::{BufMut, BytesMut};
use sql::{Type, Value};

use crate::BackendHooks;
use crate::connection::{Connection, Incoming, WRITE_HIGH_WATER};
use crate::protocol::backend::{self, ErrorFields, FieldDescription, put_value_with};
use crate::protocol::framing::Frame;
use crate::protocol::frontend::{self, FrontendMessage};
use crate::protocol::{Format, Oid};
use crate::report::Failure;

/// The OID announced for a column or parameter: `unknown` is reported as `text`, as
/// PostgreSQL 10+ resolves unknown-typed output.
pub(crate) fn reported_oid(t: Type) -> Oid {
    if t == Type::UNKNOWN || t.0 == 0 {
        Type::TEXT.oid()
    } else {
        t.oid()
    }
}

/// RowDescription's fields for `columns` in these formats.
pub(crate) fn describe_columns(
    columns: &[spi::Column],
    formats: &[Format],
) -> Vec<FieldDescription> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| FieldDescription {
            name: c.name.clone(),
            table_oid: c.table_oid,
            column_id: c.attnum,
            type_oid: reported_oid(c.ty),
            type_size: c.ty.info().len,
            type_modifier: c.typmod,
            format: formats.get(i).copied().unwrap_or(Format::Text).code(),
        })
        .collect()
}

fn put_column(b: &mut BytesMut, v: &Value, ty: Type, format: Format) -> Result<(), Failure> {
    if v.is_null() {
        b.put_i32(-1);
        return Ok(());
    }
    match format {
        Format::Text => {
            let text = spi::output(ty, v).unwrap_or_default();
            put_value_with::<Failure>(b, |b| {
                b.put_slice(text.as_bytes());
                Ok(())
            })
        }
        Format::Binary => {
            let mut out = Vec::new();
            spi::runtime::with_env(|env| sql::types::io::send(ty, env, v, &mut out))
                .map_err(|e| Failure::from(spi::SpiError::from(e)))?;
            put_value_with::<Failure>(b, |b| {
                b.put_slice(&out);
                Ok(())
            })
        }
    }
}

/// Writes one DataRow of values of `columns`' types in `formats`.
pub(crate) fn write_data_row(
    buf: &mut BytesMut,
    row: &[Value],
    columns: &[spi::Column],
    formats: &[Format],
) -> Result<(), Failure> {
    backend::data_row_with(buf, row.len(), |b| {
        for (i, v) in row.iter().enumerate() {
            let ty = columns.get(i).map_or(Type::TEXT, |c| c.ty);
            let format = formats.get(i).copied().unwrap_or(Format::Text);
            put_column(b, v, ty, format)?;
        }
        Ok(())
    })
}

/// A Bind parameter of type `ty` (its `index` is 1-based, for messages).
pub(crate) fn decode_param(
    bytes: Option<&[u8]>,
    ty: Type,
    format: Format,
    index: usize,
) -> Result<Value, Failure> {
    let Some(bytes) = bytes else {
        return Ok(Value::Null);
    };
    let ty = if Type::lookup(ty.oid()).is_some() && !ty.is_pseudo() {
        ty
    } else {
        Type::TEXT
    };
    let decoded = spi::runtime::with_env(|env| match format {
        Format::Text => match std::str::from_utf8(bytes) {
            Ok(s) => sql::types::io::input(ty, env, s, -1),
            Err(_) => Err(sql::SqlError::new(
                sql::sqlstate::CHARACTER_NOT_IN_REPERTOIRE,
                "invalid byte sequence for encoding \"UTF8\"",
            )),
        },
        Format::Binary => sql::types::io::recv(ty, env, bytes, -1),
    });
    decoded.map_err(|e| {
        let mut err = spi::SpiError::from(e);
        if format == Format::Binary && err.sqlstate == sql::sqlstate::INVALID_BINARY_REPRESENTATION
        {
            err.message = format!("incorrect binary data format in bind parameter {index}");
        }
        Failure::from(err)
    })
}

/// NoticeResponses for `notices`, leaving out those less severe than `client_min_messages`.
pub(crate) fn write_notices(buf: &mut BytesMut, notices: &[spi::Notice]) {
    if notices.is_empty() {
        return;
    }
    let rank = |level: &str| {
        guc::builtin::CLIENT_LEVELS
            .iter()
            .position(|l| l.eq_ignore_ascii_case(level))
    };
    let least = rank(&guc::builtin::CLIENT_MIN_MESSAGES.get()).unwrap_or(0);
    for n in notices {
        if rank(n.severity).is_some_and(|r| r < least) {
            continue;
        }
        backend::notice_response(
            buf,
            &ErrorFields {
                detail: n.detail.clone(),
                hint: n.hint.clone(),
                ..ErrorFields::new(n.severity, n.sqlstate, n.message.clone())
            },
        );
    }
}

/// Streams a statement's results to the client while it runs: RowDescription (for a simple
/// Query; an extended-protocol Describe has already sent it), one DataRow per row, flushing
/// whenever the buffer passes [`WRITE_HIGH_WATER`], and for a simple Query each statement's
/// notices and CommandComplete. A socket failure is kept in `failure` (the statement is
/// stopped with a stand-in error) so the backend can end quietly.
///
/// COPY goes through it too: COPY TO's CopyOutResponse, one CopyData per row and CopyDone;
/// COPY FROM's CopyInResponse, then the client's CopyData messages read one at a time as the
/// statement asks for them (Flush and Sync ignored, CopyFail an error, waits interruptible by
/// cancel, statement_timeout, SIGTERM and postmaster death, as PostgreSQL's `CopyGetData`).
pub(crate) struct RowWriter<'a, S> {
    conn: &'a mut Connection<S>,
    /// For waiting on the socket during COPY FROM.
    hooks: &'a mut dyn BackendHooks,
    /// The columns an extended-protocol Describe announced; `None` for a simple Query.
    described: Option<&'a [spi::Column]>,
    formats: &'a [Format],
    /// The columns the current rows are encoded as.
    columns: Vec<spi::Column>,
    /// DataRows sent for the current statement.
    pub rows: u64,
    pub failure: Option<Failure>,
}

impl<'a, S: Read + Write + AsRawFd> RowWriter<'a, S> {
    /// For a simple Query: text format, RowDescription and CommandComplete sent here.
    pub fn simple(conn: &'a mut Connection<S>, hooks: &'a mut dyn BackendHooks) -> Self {
        RowWriter {
            conn,
            hooks,
            described: None,
            formats: &[],
            columns: Vec::new(),
            rows: 0,
            failure: None,
        }
    }

    /// For an extended-protocol Execute of a statement described as `described`.
    pub fn portal(
        conn: &'a mut Connection<S>,
        hooks: &'a mut dyn BackendHooks,
        described: &'a [spi::Column],
        formats: &'a [Format],
    ) -> Self {
        RowWriter {
            described: Some(described),
            formats,
            ..RowWriter::simple(conn, hooks)
        }
    }

    /// For the next rows of a suspended portal (no RowDescription, no CommandComplete: the
    /// rows only, encoded as the portal was described).
    pub fn rows_only(mut self) -> Self {
        self.columns = self.described.unwrap_or_default().to_vec();
        self
    }

    /// The statement's outcome: a socket failure the writer met comes first.
    pub fn outcome<T>(&mut self, result: Result<T, spi::SpiError>) -> Result<T, Failure> {
        match self.failure.take() {
            Some(f) => Err(f),
            None => result.map_err(Failure::from),
        }
    }

    /// Sends the buffer once it passes [`WRITE_HIGH_WATER`].
    fn flush_if_full(&mut self) -> Result<(), spi::SpiError> {
        if self.conn.wbuf.len() > WRITE_HIGH_WATER {
            self.flush_now()
        } else {
            Ok(())
        }
    }

    /// Sends the buffer. A wait the server ended (cancel, statement timeout, SIGTERM…) is
    /// the statement's error; a failed socket stops the statement with a stand-in.
    fn flush_now(&mut self) -> Result<(), spi::SpiError> {
        match self.conn.flush(self.hooks) {
            Ok(()) => Ok(()),
            Err(crate::error::WireError::Interrupted(e)) => Err(e),
            Err(e) => Err(self.stop(Failure::from(e))),
        }
    }

    /// Keeps `failure` for [`RowWriter::outcome`] and stops the statement with a stand-in.
    fn stop(&mut self, failure: Failure) -> spi::SpiError {
        self.failure = Some(failure);
        spi::SpiError::new(
            spi::sqlstate::CONNECTION_FAILURE,
            "could not send data to client",
        )
    }
}

impl<S: Read + Write + AsRawFd> spi::ResultSink for RowWriter<'_, S> {
    fn describe(&mut self, columns: &[spi::Column]) -> Result<(), spi::SpiError> {
        self.rows = 0;
        match self.described {
            Some(d) if d.len() == columns.len() => self.columns = d.to_vec(),
            Some(_) => self.columns = columns.to_vec(),
            None => {
                self.columns = columns.to_vec();
                backend::row_description(&mut self.conn.wbuf, &describe_columns(columns, &[]));
            }
        }
        Ok(())
    }

    fn row(&mut self, row: Vec<Value>) -> Result<(), spi::SpiError> {
        if let Err(f) = write_data_row(&mut self.conn.wbuf, &row, &self.columns, self.formats) {
            return Err(self.stop(f));
        }
        self.rows += 1;
        self.flush_if_full()
    }

    fn holding_write_lock(&mut self) {
        let ms = guc::builtin::IDLE_WRITE_LOCK_TIMEOUT.get();
        self.conn.write_lock_timeout =
            (ms > 0).then(|| std::time::Duration::from_millis(ms.unsigned_abs()));
    }

    fn complete(&mut self, result: spi::QueryResult) -> Result<(), spi::SpiError> {
        write_notices(&mut self.conn.wbuf, &result.notices);
        if result.tag.is_empty() {
            backend::empty_query_response(&mut self.conn.wbuf);
        } else {
            backend::command_complete(&mut self.conn.wbuf, &result.tag);
        }
        self.columns.clear();
        self.flush_if_full()
    }

    fn copy_in_begin(
        &mut self,
        format: spi::CopyFormat,
        columns: usize,
    ) -> Result<(), spi::SpiError> {
        backend::copy_in_response(&mut self.conn.wbuf, format.code(), columns);
        // The client may send only once it has seen this.
        self.flush_now()
    }

    fn copy_in_next(&mut self, buf: &mut Vec<u8>) -> Result<bool, spi::SpiError> {
        loop {
            let deadline = spi::interrupt::statement_deadline();
            let incoming = match self.conn.next(
                self.hooks,
                deadline,
                crate::session::within_max_message_size,
            ) {
                Ok(i) => i,
                Err(e) => return Err(self.stop(Failure::from(e))),
            };
            match incoming {
                Incoming::Message(Frame::TooLarge { tag, len }) => {
                    self.conn.discard(len - 4);
                    let f = crate::session::message_too_large(tag, len);
                    let mut e =
                        spi::SpiError::new(spi::sqlstate::PROGRAM_LIMIT_EXCEEDED, f.message);
                    e.detail = f.detail;
                    return Err(e);
                }
                Incoming::Message(Frame::Message(tag, body)) => match frontend::decode(tag, body) {
                    Ok(FrontendMessage::CopyData(data)) => {
                        buf.extend_from_slice(&data);
                        return Ok(true);
                    }
                    Ok(FrontendMessage::CopyDone) => return Ok(false),
                    Ok(FrontendMessage::CopyFail(why)) => {
                        return Err(spi::SpiError::new(
                            spi::sqlstate::QUERY_CANCELED,
                            format!("COPY from stdin failed: {why}"),
                        ));
                    }
                    // Clients that send Sync or Flush without noticing the command was a
                    // COPY (libpq's extended protocol does) are not held against them.
                    Ok(FrontendMessage::Flush | FrontendMessage::Sync) => {}
                    Ok(_) => {
                        return Err(spi::SpiError::new(
                            spi::sqlstate::PROTOCOL_VIOLATION,
                            format!("unexpected message type 0x{tag:02X} during COPY from stdin"),
                        ));
                    }
                    Err(e) => return Err(self.stop(Failure::from(e))),
                },
                Incoming::Eof => {
                    return Err(self.stop(Failure::ClientGone(
                        "unexpected EOF on client connection with an open transaction".into(),
                    )));
                }
                Incoming::Interrupted | Incoming::Timeout => {
                    if let Err(e) = spi::interrupt::check() {
                        if e.sqlstate == spi::sqlstate::QUERY_CANCELED {
                            spi::interrupt::clear_cancel();
                        }
                        return Err(e);
                    }
                }
                Incoming::PostmasterDeath => return Err(self.stop(Failure::postmaster_died())),
            }
        }
    }

    fn copy_out_begin(
        &mut self,
        format: spi::CopyFormat,
        columns: usize,
    ) -> Result<(), spi::SpiError> {
        backend::copy_out_response(&mut self.conn.wbuf, format.code(), columns);
        Ok(())
    }

    fn copy_out_data(&mut self, data: &[u8]) -> Result<(), spi::SpiError> {
        backend::copy_data(&mut self.conn.wbuf, data);
        self.rows += 1;
        self.flush_if_full()
    }

    fn copy_out_end(&mut self) -> Result<(), spi::SpiError> {
        backend::copy_done(&mut self.conn.wbuf);
        Ok(())
    }
}
