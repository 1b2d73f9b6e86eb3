//! Messages the server sends: encoding (what the server does) and decoding (what a client or a
//! test does), one small function per message.
//!
//! Invariant: `decode(encode(m)) == m` for every message. Writers append to a `BytesMut` and never
//! fail; the connection decides when the buffer is flushed.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::reader::MessageReader;
use super::writer::{put_count16, put_cstr, put_nullable, with_length};
use super::{MAX_MESSAGE_LENGTH, Oid};
use crate::error::{Result, WireError};

/// The answer to SSLRequest and GSSENCRequest: a single `N` byte, not a framed message.
pub fn encryption_refused(buf: &mut BytesMut) {
    buf.put_u8(b'N');
}

/// The answer to SSLRequest when TLS is available: a single `S`; the handshake follows.
pub fn encryption_accepted(buf: &mut BytesMut) {
    buf.put_u8(b'S');
}

/// AuthenticationOk.
pub fn authentication_ok(buf: &mut BytesMut) {
    with_length(buf, Some(b'R'), |b| b.put_i32(0));
}

/// AuthenticationCleartextPassword.
pub fn authentication_cleartext_password(buf: &mut BytesMut) {
    with_length(buf, Some(b'R'), |b| b.put_i32(3));
}

/// AuthenticationMD5Password with its 4-byte salt.
pub fn authentication_md5_password(buf: &mut BytesMut, salt: [u8; 4]) {
    with_length(buf, Some(b'R'), |b| {
        b.put_i32(5);
        b.put_slice(&salt);
    });
}

/// AuthenticationSASL: the mechanisms the server offers.
pub fn authentication_sasl(buf: &mut BytesMut, mechanisms: &[&str]) {
    with_length(buf, Some(b'R'), |b| {
        b.put_i32(10);
        for m in mechanisms {
            put_cstr(b, m);
        }
        b.put_u8(0);
    });
}

/// AuthenticationSASLContinue (`final_ == false`) or AuthenticationSASLFinal.
pub fn authentication_sasl_data(buf: &mut BytesMut, final_: bool, data: &[u8]) {
    with_length(buf, Some(b'R'), |b| {
        b.put_i32(if final_ { 12 } else { 11 });
        b.put_slice(data);
    });
}

/// ParameterStatus.
pub fn parameter_status(buf: &mut BytesMut, name: &str, value: &str) {
    with_length(buf, Some(b'S'), |b| {
        put_cstr(b, name);
        put_cstr(b, value);
    });
}

/// BackendKeyData.
pub fn backend_key_data(buf: &mut BytesMut, pid: i32, key: i32) {
    with_length(buf, Some(b'K'), |b| {
        b.put_i32(pid);
        b.put_i32(key);
    });
}

/// NegotiateProtocolVersion: the newest minor version of 3 supported and the `_pq_.` options
/// that were not recognized.
pub fn negotiate_protocol_version(buf: &mut BytesMut, minor: i32, unrecognized: &[String]) {
    with_length(buf, Some(b'v'), |b| {
        b.put_i32((3 << 16) | minor);
        b.put_i32(i32::try_from(unrecognized.len()).unwrap_or(i32::MAX));
        for o in unrecognized {
            put_cstr(b, o);
        }
    });
}

/// NotificationResponse: a notification on `channel` sent by backend `pid`.
pub fn notification_response(buf: &mut BytesMut, pid: i32, channel: &str, payload: &str) {
    with_length(buf, Some(b'A'), |b| {
        b.put_i32(pid);
        put_cstr(b, channel);
        put_cstr(b, payload);
    });
}

/// ReadyForQuery with transaction status `I`, `T` or `E`.
pub fn ready_for_query(buf: &mut BytesMut, status: u8) {
    with_length(buf, Some(b'Z'), |b| b.put_u8(status));
}

/// One column of a RowDescription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDescription {
    /// Column name.
    pub name: String,
    /// OID of the table the column comes from, 0 when none.
    pub table_oid: Oid,
    /// Attribute number in that table, 0 when none.
    pub column_id: i16,
    /// Type OID.
    pub type_oid: Oid,
    /// `pg_type.typlen`: the fixed size, -1 for varlena, -2 for C strings.
    pub type_size: i16,
    /// Type modifier, -1 when none.
    pub type_modifier: i32,
    /// Format code of the values that will follow (0 text, 1 binary).
    pub format: i16,
}

/// RowDescription.
pub fn row_description(buf: &mut BytesMut, fields: &[FieldDescription]) {
    with_length(buf, Some(b'T'), |b| {
        put_count16(b, fields.len());
        for f in fields {
            put_cstr(b, &f.name);
            b.put_u32(f.table_oid);
            b.put_i16(f.column_id);
            b.put_u32(f.type_oid);
            b.put_i16(f.type_size);
            b.put_i32(f.type_modifier);
            b.put_i16(f.format);
        }
    });
}

/// DataRow from ready-made values (`None` = NULL).
pub fn data_row(buf: &mut BytesMut, values: &[Option<&[u8]>]) {
    let written: std::result::Result<(), std::convert::Infallible> =
        data_row_with(buf, values.len(), |b| {
            for v in values {
                put_nullable(b, *v);
            }
            Ok(())
        });
    let Ok(()) = written;
}

/// DataRow whose `ncols` values `f` writes in place, each with [`put_value_with`] or as
/// `-1` for NULL (saves a copy per value).
pub fn data_row_with<E>(
    buf: &mut BytesMut,
    ncols: usize,
    f: impl FnOnce(&mut BytesMut) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let start = buf.len();
    let mut result = Ok(());
    with_length(buf, Some(b'D'), |b| {
        put_count16(b, ncols);
        result = f(b);
    });
    if result.is_err() {
        // Never leave half a message in the output: the caller reports the error instead.
        buf.truncate(start);
    }
    result
}

/// One non-NULL value of a DataRow: a length word back-patched after `f` writes the bytes.
pub fn put_value_with<E>(
    buf: &mut BytesMut,
    f: impl FnOnce(&mut BytesMut) -> std::result::Result<(), E>,
) -> std::result::Result<(), E> {
    let base = buf.len();
    buf.put_i32(0);
    f(buf)?;
    let len = i32::try_from(buf.len() - base - 4).unwrap_or(i32::MAX);
    buf[base..base + 4].copy_from_slice(&len.to_be_bytes());
    Ok(())
}

/// CommandComplete.
pub fn command_complete(buf: &mut BytesMut, tag: &str) {
    with_length(buf, Some(b'C'), |b| put_cstr(b, tag));
}

/// EmptyQueryResponse.
pub fn empty_query_response(buf: &mut BytesMut) {
    with_length(buf, Some(b'I'), |_| {});
}

/// ParseComplete.
pub fn parse_complete(buf: &mut BytesMut) {
    with_length(buf, Some(b'1'), |_| {});
}

/// BindComplete.
pub fn bind_complete(buf: &mut BytesMut) {
    with_length(buf, Some(b'2'), |_| {});
}

/// CloseComplete.
pub fn close_complete(buf: &mut BytesMut) {
    with_length(buf, Some(b'3'), |_| {});
}

/// NoData.
pub fn no_data(buf: &mut BytesMut) {
    with_length(buf, Some(b'n'), |_| {});
}

/// PortalSuspended.
pub fn portal_suspended(buf: &mut BytesMut) {
    with_length(buf, Some(b's'), |_| {});
}

/// ParameterDescription.
pub fn parameter_description(buf: &mut BytesMut, types: &[Oid]) {
    with_length(buf, Some(b't'), |b| {
        put_count16(b, types.len());
        for t in types {
            b.put_u32(*t);
        }
    });
}

/// The fields of an ErrorResponse or NoticeResponse that minipg sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorFields {
    /// `S` and `V`: ERROR, FATAL, WARNING, NOTICE…
    pub severity: String,
    /// `C`: the SQLSTATE.
    pub sqlstate: String,
    /// `M`: the primary message.
    pub message: String,
    /// `D`: detail.
    pub detail: Option<String>,
    /// `H`: hint.
    pub hint: Option<String>,
    /// `P`: 1-based character position in the query string.
    pub position: Option<usize>,
    /// `W`: where it happened (psql's CONTEXT), e.g. `COPY t, line 3, column a: "x"`.
    pub where_: Option<String>,
}

impl ErrorFields {
    /// Severity, SQLSTATE and message only.
    pub fn new(severity: &str, sqlstate: &str, message: impl Into<String>) -> Self {
        ErrorFields {
            severity: severity.to_owned(),
            sqlstate: sqlstate.to_owned(),
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
            where_: None,
        }
    }
}

fn error_or_notice(buf: &mut BytesMut, tag: u8, e: &ErrorFields) {
    with_length(buf, Some(tag), |b| {
        for (code, value) in [
            (b'S', &e.severity),
            (b'V', &e.severity),
            (b'C', &e.sqlstate),
            (b'M', &e.message),
        ] {
            b.put_u8(code);
            put_cstr(b, value);
        }
        if let Some(d) = &e.detail {
            b.put_u8(b'D');
            put_cstr(b, d);
        }
        if let Some(h) = &e.hint {
            b.put_u8(b'H');
            put_cstr(b, h);
        }
        if let Some(p) = e.position {
            b.put_u8(b'P');
            put_cstr(b, &p.to_string());
        }
        if let Some(w) = &e.where_ {
            b.put_u8(b'W');
            put_cstr(b, w);
        }
        b.put_u8(0);
    });
}

/// CopyInResponse (`G`) or CopyOutResponse (`H`): the overall format (0 text, 1 binary) and
/// the same format for each of `columns` columns.
fn copy_response(buf: &mut BytesMut, tag: u8, format: i8, columns: usize) {
    with_length(buf, Some(tag), |b| {
        b.put_i8(format);
        let n = i16::try_from(columns).unwrap_or(i16::MAX);
        b.put_i16(n);
        for _ in 0..n {
            b.put_i16(i16::from(format));
        }
    });
}

/// CopyInResponse: the server is ready for COPY FROM STDIN's data.
pub fn copy_in_response(buf: &mut BytesMut, format: i8, columns: usize) {
    copy_response(buf, b'G', format, columns);
}

/// CopyOutResponse: COPY TO STDOUT's data follows.
pub fn copy_out_response(buf: &mut BytesMut, format: i8, columns: usize) {
    copy_response(buf, b'H', format, columns);
}

/// CopyData.
pub fn copy_data(buf: &mut BytesMut, data: &[u8]) {
    with_length(buf, Some(b'd'), |b| b.put_slice(data));
}

/// CopyDone.
pub fn copy_done(buf: &mut BytesMut) {
    with_length(buf, Some(b'c'), |_| {});
}

/// ErrorResponse.
pub fn error_response(buf: &mut BytesMut, e: &ErrorFields) {
    error_or_notice(buf, b'E', e);
}

/// NoticeResponse.
pub fn notice_response(buf: &mut BytesMut, e: &ErrorFields) {
    error_or_notice(buf, b'N', e);
}

/// A decoded server message (for clients and tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendMessage {
    /// `R` with code 0.
    AuthenticationOk,
    /// `R` with code 3.
    AuthenticationCleartextPassword,
    /// `R` with code 5 and the salt.
    AuthenticationMd5Password([u8; 4]),
    /// `R` with code 10 and the mechanisms.
    AuthenticationSasl(Vec<String>),
    /// `R` with code 11 (`false`) or 12 (`true`) and the SASL data.
    AuthenticationSaslData(bool, Vec<u8>),
    /// `S`.
    ParameterStatus {
        /// Setting name.
        name: String,
        /// Its value.
        value: String,
    },
    /// `K`.
    BackendKeyData {
        /// Backend pid.
        pid: i32,
        /// Cancel key.
        key: i32,
    },
    /// `v`.
    NegotiateProtocolVersion {
        /// Newest minor version supported.
        minor: i32,
        /// Unrecognized options.
        unrecognized: Vec<String>,
    },
    /// `A`.
    NotificationResponse {
        /// The notifying backend's pid.
        pid: i32,
        /// The channel.
        channel: String,
        /// The payload (empty when none).
        payload: String,
    },
    /// `Z` with I/T/E.
    ReadyForQuery(u8),
    /// `T`.
    RowDescription(Vec<FieldDescription>),
    /// `D`.
    DataRow(Vec<Option<Bytes>>),
    /// `C`.
    CommandComplete(String),
    /// `I`.
    EmptyQueryResponse,
    /// `1`.
    ParseComplete,
    /// `2`.
    BindComplete,
    /// `3`.
    CloseComplete,
    /// `n`.
    NoData,
    /// `s`.
    PortalSuspended,
    /// `t`.
    ParameterDescription(Vec<Oid>),
    /// `G`: format and column count.
    CopyInResponse(i8, i16),
    /// `H`: format and column count.
    CopyOutResponse(i8, i16),
    /// `d`.
    CopyData(Bytes),
    /// `c`.
    CopyDone,
    /// `E`.
    ErrorResponse(ErrorFields),
    /// `N`.
    NoticeResponse(ErrorFields),
}

/// Takes one complete server message off the front of `buf`. `Ok(None)`: more bytes are needed.
pub fn try_backend_frame(buf: &mut BytesMut) -> Result<Option<(u8, Bytes)>> {
    if buf.len() < 5 {
        return Ok(None);
    }
    let len = i32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]);
    let len = usize::try_from(len).unwrap_or(0);
    if !(4..=MAX_MESSAGE_LENGTH).contains(&len) {
        return Err(WireError::protocol("invalid server message length"));
    }
    if buf.len() < 1 + len {
        return Ok(None);
    }
    let tag = buf[0];
    let mut msg = buf.split_to(1 + len).freeze();
    msg.advance(5);
    Ok(Some((tag, msg)))
}

fn decode_fields(r: &mut MessageReader) -> Result<ErrorFields> {
    let mut e = ErrorFields::new("", "", "");
    loop {
        let code = r.u8()?;
        if code == 0 {
            return Ok(e);
        }
        let value = r.cstr()?;
        match code {
            b'V' => e.severity = value,
            b'S' if e.severity.is_empty() => e.severity = value,
            b'C' => e.sqlstate = value,
            b'M' => e.message = value,
            b'D' => e.detail = Some(value),
            b'W' => e.where_ = Some(value),
            b'H' => e.hint = Some(value),
            b'P' => {
                e.position = Some(
                    value
                        .parse()
                        .map_err(|_| WireError::protocol("bad position field"))?,
                )
            }
            _ => {}
        }
    }
}

fn empty(body: Bytes, what: &'static str) -> Result<()> {
    MessageReader::new(body, what).finish()
}

/// Decodes one server message.
pub fn decode(tag: u8, body: Bytes) -> Result<BackendMessage> {
    let mut r = MessageReader::new(body.clone(), "server");
    let msg = match tag {
        b'R' => match r.i32()? {
            0 => BackendMessage::AuthenticationOk,
            3 => BackendMessage::AuthenticationCleartextPassword,
            5 => {
                let salt = r.bytes(4)?;
                BackendMessage::AuthenticationMd5Password([salt[0], salt[1], salt[2], salt[3]])
            }
            10 => {
                let mut mechanisms = Vec::new();
                loop {
                    let m = r.cstr()?;
                    if m.is_empty() {
                        break;
                    }
                    mechanisms.push(m);
                }
                BackendMessage::AuthenticationSasl(mechanisms)
            }
            code @ (11 | 12) => {
                let n = r.remaining();
                BackendMessage::AuthenticationSaslData(code == 12, r.bytes(n)?.to_vec())
            }
            other => {
                return Err(WireError::protocol(format!(
                    "unsupported authentication request {other}"
                )));
            }
        },
        b'S' => BackendMessage::ParameterStatus {
            name: r.cstr()?,
            value: r.cstr()?,
        },
        b'K' => BackendMessage::BackendKeyData {
            pid: r.i32()?,
            key: r.i32()?,
        },
        b'v' => {
            let minor = r.i32()? & 0xffff;
            let n = usize::try_from(r.i32()?).map_err(|_| WireError::protocol("negative count"))?;
            let mut unrecognized = Vec::new();
            for _ in 0..n {
                unrecognized.push(r.cstr()?);
            }
            BackendMessage::NegotiateProtocolVersion {
                minor,
                unrecognized,
            }
        }
        b'Z' => BackendMessage::ReadyForQuery(r.u8()?),
        b'A' => BackendMessage::NotificationResponse {
            pid: r.i32()?,
            channel: r.cstr()?,
            payload: r.cstr()?,
        },
        b'T' => {
            let n = r.count16()?;
            let mut fields = Vec::new();
            for _ in 0..n {
                fields.push(FieldDescription {
                    name: r.cstr()?,
                    table_oid: r.u32()?,
                    column_id: r.i16()?,
                    type_oid: r.u32()?,
                    type_size: r.i16()?,
                    type_modifier: r.i32()?,
                    format: r.i16()?,
                });
            }
            BackendMessage::RowDescription(fields)
        }
        b'D' => {
            let n = r.count16()?;
            let mut values = Vec::new();
            for _ in 0..n {
                let len = r.i32()?;
                values.push(if len < 0 {
                    None
                } else {
                    Some(r.bytes(len as usize)?)
                });
            }
            BackendMessage::DataRow(values)
        }
        b'C' => BackendMessage::CommandComplete(r.cstr()?),
        b'I' | b'1' | b'2' | b'3' | b'n' | b's' => {
            empty(body, "empty")?;
            return Ok(match tag {
                b'I' => BackendMessage::EmptyQueryResponse,
                b'1' => BackendMessage::ParseComplete,
                b'2' => BackendMessage::BindComplete,
                b'3' => BackendMessage::CloseComplete,
                b'n' => BackendMessage::NoData,
                _ => BackendMessage::PortalSuspended,
            });
        }
        b't' => {
            let n = r.count16()?;
            let mut types = Vec::new();
            for _ in 0..n {
                types.push(r.u32()?);
            }
            BackendMessage::ParameterDescription(types)
        }
        b'G' | b'H' => {
            let format = r.u8()? as i8;
            let n = r.i16()?;
            for _ in 0..n.max(0) {
                r.i16()?;
            }
            if tag == b'G' {
                BackendMessage::CopyInResponse(format, n)
            } else {
                BackendMessage::CopyOutResponse(format, n)
            }
        }
        b'd' => return Ok(BackendMessage::CopyData(body)),
        b'c' => {
            empty(body, "CopyDone")?;
            return Ok(BackendMessage::CopyDone);
        }
        b'E' => BackendMessage::ErrorResponse(decode_fields(&mut r)?),
        b'N' => BackendMessage::NoticeResponse(decode_fields(&mut r)?),
        other => {
            return Err(WireError::protocol(format!(
                "unknown server message type {other}"
            )));
        }
    };
    r.finish()?;
    Ok(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(write: impl FnOnce(&mut BytesMut)) -> BackendMessage {
        let mut buf = BytesMut::new();
        write(&mut buf);
        let (tag, body) = try_backend_frame(&mut buf).unwrap().unwrap();
        assert!(buf.is_empty(), "exactly one message");
        decode(tag, body).unwrap()
    }

    #[test]
    fn every_message_roundtrips() {
        assert_eq!(one(authentication_ok), BackendMessage::AuthenticationOk);
        assert_eq!(
            one(authentication_cleartext_password),
            BackendMessage::AuthenticationCleartextPassword
        );
        assert_eq!(
            one(|b| authentication_md5_password(b, [1, 2, 3, 4])),
            BackendMessage::AuthenticationMd5Password([1, 2, 3, 4])
        );
        assert_eq!(
            one(|b| authentication_sasl(b, &["SCRAM-SHA-256"])),
            BackendMessage::AuthenticationSasl(vec!["SCRAM-SHA-256".into()])
        );
        assert_eq!(
            one(|b| authentication_sasl_data(b, true, b"v=x")),
            BackendMessage::AuthenticationSaslData(true, b"v=x".to_vec())
        );
        assert_eq!(
            one(|b| parameter_status(b, "server_version", "15.0")),
            BackendMessage::ParameterStatus {
                name: "server_version".into(),
                value: "15.0".into()
            }
        );
        assert_eq!(
            one(|b| backend_key_data(b, 7, -3)),
            BackendMessage::BackendKeyData { pid: 7, key: -3 }
        );
        assert_eq!(
            one(|b| negotiate_protocol_version(b, 0, &["_pq_.x".to_string()])),
            BackendMessage::NegotiateProtocolVersion {
                minor: 0,
                unrecognized: vec!["_pq_.x".into()]
            }
        );
        assert_eq!(
            one(|b| ready_for_query(b, b'T')),
            BackendMessage::ReadyForQuery(b'T')
        );
        let field = FieldDescription {
            name: "n".into(),
            table_oid: 0,
            column_id: 0,
            type_oid: 23,
            type_size: 4,
            type_modifier: -1,
            format: 1,
        };
        assert_eq!(
            one(|b| row_description(b, std::slice::from_ref(&field))),
            BackendMessage::RowDescription(vec![field])
        );
        assert_eq!(
            one(|b| data_row(b, &[Some(b"1"), None, Some(b"")])),
            BackendMessage::DataRow(vec![
                Some(Bytes::from_static(b"1")),
                None,
                Some(Bytes::new())
            ])
        );
        assert_eq!(
            one(|b| command_complete(b, "SELECT 1")),
            BackendMessage::CommandComplete("SELECT 1".into())
        );
        assert_eq!(
            one(empty_query_response),
            BackendMessage::EmptyQueryResponse
        );
        assert_eq!(one(parse_complete), BackendMessage::ParseComplete);
        assert_eq!(one(bind_complete), BackendMessage::BindComplete);
        assert_eq!(one(close_complete), BackendMessage::CloseComplete);
        assert_eq!(one(no_data), BackendMessage::NoData);
        assert_eq!(one(portal_suspended), BackendMessage::PortalSuspended);
        assert_eq!(
            one(|b| parameter_description(b, &[23, 25])),
            BackendMessage::ParameterDescription(vec![23, 25])
        );
        let mut e = ErrorFields::new(
            "ERROR",
            spi::sqlstate::UNDEFINED_TABLE,
            "relation \"x\" does not exist",
        );
        e.detail = Some("d".into());
        e.hint = Some("h".into());
        e.position = Some(15);
        assert_eq!(
            one(|b| error_response(b, &e)),
            BackendMessage::ErrorResponse(e.clone())
        );
        assert_eq!(
            one(|b| notice_response(b, &e)),
            BackendMessage::NoticeResponse(e)
        );
    }

    #[test]
    fn data_row_in_place_writes_lengths_and_undoes_failures() {
        let mut buf = BytesMut::new();
        data_row_with::<()>(&mut buf, 2, |b| {
            put_value_with::<()>(b, |b| {
                b.put_slice(b"abc");
                Ok(())
            })?;
            b.put_i32(-1);
            Ok(())
        })
        .unwrap();
        let (tag, body) = try_backend_frame(&mut buf).unwrap().unwrap();
        assert_eq!(
            decode(tag, body).unwrap(),
            BackendMessage::DataRow(vec![Some(Bytes::from_static(b"abc")), None])
        );
        let mut buf = BytesMut::from(&b"keep"[..]);
        assert!(data_row_with(&mut buf, 1, |_| Err("boom")).is_err());
        assert_eq!(&buf[..], b"keep");
    }

    #[test]
    fn encryption_refusal_is_one_byte() {
        let mut buf = BytesMut::new();
        encryption_refused(&mut buf);
        assert_eq!(&buf[..], b"N");
    }

    #[test]
    fn malformed_server_messages_are_errors() {
        assert!(decode(b'Z', Bytes::new()).is_err());
        assert!(decode(b'?', Bytes::new()).is_err());
        assert!(decode(b'1', Bytes::from_static(b"x")).is_err());
        assert!(try_backend_frame(&mut BytesMut::from(&b"Z\0\0\0\x02"[..])).is_err());
    }
}
