//! Messages the client sends: decoding (what the server does) and encoding (what a client or a
//! test does), one small function per message.
//!
//! Invariant: `decode_*(encode_*(m)) == m` for every message; any byte sequence that is not such
//! an encoding decodes to a protocol error, never a panic.

use bytes::{BufMut, Bytes, BytesMut};

use super::reader::MessageReader;
use super::writer::{put_count16, put_cstr, put_nullable, with_length};
use super::{CANCEL_REQUEST_CODE, GSSENC_REQUEST_CODE, Oid, SSL_REQUEST_CODE};
use crate::error::{Result, WireError};

/// The first packet of a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartupPacket {
    /// SSLRequest: the client asks for TLS (answered `N`).
    SslRequest,
    /// GSSENCRequest: the client asks for GSSAPI encryption (answered `N`).
    GssEncRequest,
    /// CancelRequest for the backend `pid` holding `key`.
    Cancel {
        /// Process id from BackendKeyData.
        pid: i32,
        /// Secret key from BackendKeyData.
        key: i32,
    },
    /// A StartupMessage of protocol 3.x with its `name=value` parameters, in order.
    Startup {
        /// Minor protocol version (the major is 3).
        minor: u16,
        /// Parameters (user, database, options, application_name, `_pq_.*`, settings…).
        params: Vec<(String, String)>,
    },
    /// A StartupMessage of a protocol whose major version is not 3: its layout is unknown.
    UnsupportedVersion {
        /// Major version asked for.
        major: u16,
        /// Minor version asked for.
        minor: u16,
    },
}

/// Decodes a startup packet body (after the length word).
pub fn decode_startup(body: Bytes) -> Result<StartupPacket> {
    let mut r = MessageReader::new(body, "startup");
    let code = r.i32()?;
    match code {
        SSL_REQUEST_CODE => {
            r.finish()?;
            Ok(StartupPacket::SslRequest)
        }
        GSSENC_REQUEST_CODE => {
            r.finish()?;
            Ok(StartupPacket::GssEncRequest)
        }
        CANCEL_REQUEST_CODE => {
            let pid = r.i32()?;
            let key = r.i32()?;
            r.finish()?;
            Ok(StartupPacket::Cancel { pid, key })
        }
        _ => {
            let major = (code as u32 >> 16) as u16;
            let minor = (code as u32 & 0xffff) as u16;
            if major != 3 {
                return Ok(StartupPacket::UnsupportedVersion { major, minor });
            }
            let mut params = Vec::new();
            loop {
                if r.remaining() == 0 {
                    return Err(WireError::protocol(
                        "invalid startup packet layout: expected terminator as last byte",
                    ));
                }
                let name = r.cstr()?;
                if name.is_empty() {
                    break;
                }
                if r.remaining() == 0 {
                    return Err(WireError::protocol(format!(
                        "invalid startup packet layout: parameter \"{name}\" has no value"
                    )));
                }
                let value = r.cstr()?;
                params.push((name, value));
            }
            if r.remaining() != 0 {
                return Err(WireError::protocol(
                    "invalid startup packet layout: expected terminator as last byte",
                ));
            }
            Ok(StartupPacket::Startup { minor, params })
        }
    }
}

/// Encodes a startup packet (length word included).
pub fn encode_startup(packet: &StartupPacket, buf: &mut BytesMut) {
    with_length(buf, None, |buf| match packet {
        StartupPacket::SslRequest => buf.put_i32(SSL_REQUEST_CODE),
        StartupPacket::GssEncRequest => buf.put_i32(GSSENC_REQUEST_CODE),
        StartupPacket::Cancel { pid, key } => {
            buf.put_i32(CANCEL_REQUEST_CODE);
            buf.put_i32(*pid);
            buf.put_i32(*key);
        }
        StartupPacket::Startup { minor, params } => {
            buf.put_u16(3);
            buf.put_u16(*minor);
            for (name, value) in params {
                put_cstr(buf, name);
                put_cstr(buf, value);
            }
            buf.put_u8(0);
        }
        StartupPacket::UnsupportedVersion { major, minor } => {
            buf.put_u16(*major);
            buf.put_u16(*minor);
            buf.put_u8(0);
        }
    });
}

/// What Describe and Close name: a prepared statement (`S`) or a portal (`P`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// `S`.
    Statement,
    /// `P`.
    Portal,
}

impl Target {
    fn decode(byte: u8, what: &str) -> Result<Self> {
        match byte {
            b'S' => Ok(Target::Statement),
            b'P' => Ok(Target::Portal),
            other => Err(WireError::protocol(format!(
                "invalid {what} message subtype {other}"
            ))),
        }
    }

    fn byte(self) -> u8 {
        match self {
            Target::Statement => b'S',
            Target::Portal => b'P',
        }
    }
}

/// A Bind message: parameters for a statement, making a portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bind {
    /// Portal name ("" = unnamed).
    pub portal: String,
    /// Statement name.
    pub statement: String,
    /// Parameter format codes (0, 1 or one per parameter).
    pub param_formats: Vec<i16>,
    /// Parameter values, `None` for NULL.
    pub params: Vec<Option<Bytes>>,
    /// Result format codes (0, 1 or one per column).
    pub result_formats: Vec<i16>,
}

/// A message of the query phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrontendMessage {
    /// `Q`: a simple query string (maybe several statements).
    Query(String),
    /// `P`: prepare `query` as statement `name` ("" = unnamed); OID 0 = unspecified.
    Parse {
        /// Statement name.
        name: String,
        /// The SQL text.
        query: String,
        /// Parameter type OIDs the client fixes.
        param_types: Vec<Oid>,
    },
    /// `B`: bind parameters to a statement, creating a portal.
    Bind(Bind),
    /// `D`: describe a statement or portal.
    Describe {
        /// What to describe.
        target: Target,
        /// Its name.
        name: String,
    },
    /// `E`: run a portal, at most `max_rows` rows (0 or less = all).
    Execute {
        /// Portal name.
        portal: String,
        /// Row limit.
        max_rows: i32,
    },
    /// `C`: close a statement or portal.
    Close {
        /// What to close.
        target: Target,
        /// Its name.
        name: String,
    },
    /// `S`: end of an extended-query batch.
    Sync,
    /// `H`: send what is buffered.
    Flush,
    /// `X`: the client is leaving.
    Terminate,
    /// `F`: the fast-path function call interface (not supported).
    FunctionCall,
    /// `d`: CopyData: a piece of COPY FROM STDIN's data (ignored outside COPY, as PostgreSQL
    /// does).
    CopyData(Bytes),
    /// `c`: CopyDone: the end of COPY FROM STDIN's data (ignored outside COPY).
    CopyDone,
    /// `f`: CopyFail: the client gives up the COPY, saying why (ignored outside COPY).
    CopyFail(String),
    /// `p`: a password/SASL message, which only the authentication exchange may carry.
    Password,
}

/// Decodes one message of the query phase from its type byte and body.
pub fn decode(tag: u8, body: Bytes) -> Result<FrontendMessage> {
    let msg = match tag {
        b'Q' => {
            let mut r = MessageReader::new(body, "Query");
            let sql = r.cstr()?;
            r.finish()?;
            FrontendMessage::Query(sql)
        }
        b'P' => {
            let mut r = MessageReader::new(body, "Parse");
            let name = r.cstr()?;
            let query = r.cstr()?;
            let n = r.count16()?;
            let mut param_types = Vec::with_capacity(n.min(r.remaining() / 4));
            for _ in 0..n {
                param_types.push(r.u32()?);
            }
            r.finish()?;
            FrontendMessage::Parse {
                name,
                query,
                param_types,
            }
        }
        b'B' => decode_bind(body)?,
        b'D' => {
            let mut r = MessageReader::new(body, "Describe");
            let target = Target::decode(r.u8()?, "DESCRIBE")?;
            let name = r.cstr()?;
            r.finish()?;
            FrontendMessage::Describe { target, name }
        }
        b'E' => {
            let mut r = MessageReader::new(body, "Execute");
            let portal = r.cstr()?;
            let max_rows = r.i32()?;
            r.finish()?;
            FrontendMessage::Execute { portal, max_rows }
        }
        b'C' => {
            let mut r = MessageReader::new(body, "Close");
            let target = Target::decode(r.u8()?, "CLOSE")?;
            let name = r.cstr()?;
            r.finish()?;
            FrontendMessage::Close { target, name }
        }
        b'S' | b'H' | b'X' | b'c' => {
            MessageReader::new(body, "Sync/Flush/Terminate").finish()?;
            match tag {
                b'S' => FrontendMessage::Sync,
                b'H' => FrontendMessage::Flush,
                b'X' => FrontendMessage::Terminate,
                _ => FrontendMessage::CopyDone,
            }
        }
        b'F' => FrontendMessage::FunctionCall,
        b'd' => FrontendMessage::CopyData(body),
        b'f' => {
            let mut r = MessageReader::new(body, "CopyFail");
            let why = r.cstr()?;
            r.finish()?;
            FrontendMessage::CopyFail(why)
        }
        b'p' => FrontendMessage::Password,
        other => {
            return Err(WireError::protocol(format!(
                "invalid frontend message type {other}"
            )));
        }
    };
    Ok(msg)
}

fn decode_bind(body: Bytes) -> Result<FrontendMessage> {
    let mut r = MessageReader::new(body, "Bind");
    let portal = r.cstr()?;
    let statement = r.cstr()?;
    let nformats = r.count16()?;
    let mut param_formats = Vec::with_capacity(nformats.min(r.remaining() / 2));
    for _ in 0..nformats {
        param_formats.push(r.i16()?);
    }
    let nparams = r.count16()?;
    let mut params = Vec::with_capacity(nparams.min(r.remaining() / 4));
    for _ in 0..nparams {
        let len = r.i32()?;
        params.push(match len {
            -1 => None,
            n if n < -1 => {
                return Err(WireError::protocol(format!(
                    "invalid Bind message: parameter length {n}"
                )));
            }
            n => Some(r.bytes(n as usize)?),
        });
    }
    let nresults = r.count16()?;
    let mut result_formats = Vec::with_capacity(nresults.min(r.remaining() / 2));
    for _ in 0..nresults {
        result_formats.push(r.i16()?);
    }
    r.finish()?;
    Ok(FrontendMessage::Bind(Bind {
        portal,
        statement,
        param_formats,
        params,
        result_formats,
    }))
}

/// Encodes one message of the query phase.
pub fn encode(msg: &FrontendMessage, buf: &mut BytesMut) {
    match msg {
        FrontendMessage::Query(sql) => with_length(buf, Some(b'Q'), |b| put_cstr(b, sql)),
        FrontendMessage::Parse {
            name,
            query,
            param_types,
        } => with_length(buf, Some(b'P'), |b| {
            put_cstr(b, name);
            put_cstr(b, query);
            put_count16(b, param_types.len());
            for oid in param_types {
                b.put_u32(*oid);
            }
        }),
        FrontendMessage::Bind(bind) => with_length(buf, Some(b'B'), |b| {
            put_cstr(b, &bind.portal);
            put_cstr(b, &bind.statement);
            put_count16(b, bind.param_formats.len());
            for f in &bind.param_formats {
                b.put_i16(*f);
            }
            put_count16(b, bind.params.len());
            for p in &bind.params {
                put_nullable(b, p.as_deref());
            }
            put_count16(b, bind.result_formats.len());
            for f in &bind.result_formats {
                b.put_i16(*f);
            }
        }),
        FrontendMessage::Describe { target, name } => with_length(buf, Some(b'D'), |b| {
            b.put_u8(target.byte());
            put_cstr(b, name);
        }),
        FrontendMessage::Execute { portal, max_rows } => with_length(buf, Some(b'E'), |b| {
            put_cstr(b, portal);
            b.put_i32(*max_rows);
        }),
        FrontendMessage::Close { target, name } => with_length(buf, Some(b'C'), |b| {
            b.put_u8(target.byte());
            put_cstr(b, name);
        }),
        FrontendMessage::Sync => with_length(buf, Some(b'S'), |_| {}),
        FrontendMessage::Flush => with_length(buf, Some(b'H'), |_| {}),
        FrontendMessage::Terminate => with_length(buf, Some(b'X'), |_| {}),
        FrontendMessage::FunctionCall => with_length(buf, Some(b'F'), |_| {}),
        FrontendMessage::CopyData(data) => with_length(buf, Some(b'd'), |b| b.put_slice(data)),
        FrontendMessage::CopyDone => with_length(buf, Some(b'c'), |_| {}),
        FrontendMessage::CopyFail(why) => with_length(buf, Some(b'f'), |b| put_cstr(b, why)),
        FrontendMessage::Password => with_length(buf, Some(b'p'), |_| {}),
    }
}

#[cfg(test)]
mod tests {
    use super::super::framing::{try_frame, try_startup_frame};
    use super::*;

    fn roundtrip(msg: FrontendMessage) {
        let mut buf = BytesMut::new();
        encode(&msg, &mut buf);
        let (tag, body) = try_frame(&mut buf).unwrap().unwrap();
        assert!(buf.is_empty());
        assert_eq!(decode(tag, body).unwrap(), msg);
    }

    fn roundtrip_startup(p: StartupPacket) {
        let mut buf = BytesMut::new();
        encode_startup(&p, &mut buf);
        let body = try_startup_frame(&mut buf).unwrap().unwrap();
        assert_eq!(decode_startup(body).unwrap(), p);
    }

    #[test]
    fn every_message_roundtrips() {
        roundtrip(FrontendMessage::Query("select 1; select 2".into()));
        roundtrip(FrontendMessage::Parse {
            name: "s1".into(),
            query: "select $1".into(),
            param_types: vec![23, 0],
        });
        roundtrip(FrontendMessage::Bind(Bind {
            portal: "p".into(),
            statement: "s1".into(),
            param_formats: vec![1],
            params: vec![
                Some(Bytes::from_static(&[0, 0, 0, 7])),
                None,
                Some(Bytes::new()),
            ],
            result_formats: vec![0, 1],
        }));
        roundtrip(FrontendMessage::Describe {
            target: Target::Statement,
            name: "s1".into(),
        });
        roundtrip(FrontendMessage::Describe {
            target: Target::Portal,
            name: "".into(),
        });
        roundtrip(FrontendMessage::Execute {
            portal: "".into(),
            max_rows: 10,
        });
        roundtrip(FrontendMessage::Close {
            target: Target::Portal,
            name: "p".into(),
        });
        for m in [
            FrontendMessage::Sync,
            FrontendMessage::Flush,
            FrontendMessage::Terminate,
            FrontendMessage::FunctionCall,
            FrontendMessage::CopyData(Bytes::from_static(b"1\tx\n")),
            FrontendMessage::CopyData(Bytes::new()),
            FrontendMessage::CopyDone,
            FrontendMessage::CopyFail("client says no".into()),
            FrontendMessage::Password,
        ] {
            roundtrip(m);
        }
    }

    #[test]
    fn every_startup_packet_roundtrips() {
        roundtrip_startup(StartupPacket::SslRequest);
        roundtrip_startup(StartupPacket::GssEncRequest);
        roundtrip_startup(StartupPacket::Cancel { pid: 42, key: -7 });
        roundtrip_startup(StartupPacket::Startup {
            minor: 0,
            params: vec![("user".into(), "u".into()), ("database".into(), "".into())],
        });
        roundtrip_startup(StartupPacket::Startup {
            minor: 2,
            params: vec![],
        });
        let mut buf = BytesMut::new();
        encode_startup(
            &StartupPacket::UnsupportedVersion { major: 2, minor: 0 },
            &mut buf,
        );
        let body = try_startup_frame(&mut buf).unwrap().unwrap();
        assert_eq!(
            decode_startup(body).unwrap(),
            StartupPacket::UnsupportedVersion { major: 2, minor: 0 }
        );
    }

    fn bad_startup(body: &[u8]) {
        let r = decode_startup(Bytes::copy_from_slice(body));
        assert!(matches!(r, Err(WireError::Protocol(_))), "{body:?} → {r:?}");
    }

    #[test]
    fn malformed_startup_packets_are_protocol_errors() {
        bad_startup(b"\0\x03\0\0user\0u\0"); // no terminator
        bad_startup(b"\0\x03\0\0user\0u\0\0x"); // bytes after the terminator
        bad_startup(b"\0\x03\0\0user\0"); // name without value
        bad_startup(b"\0\x03\0\0user\0\xff\0\0"); // bad UTF-8
        bad_startup(b"\0\x03\0\0"); // not even a terminator
        bad_startup(b"\x04\xd2\x16\x2e\0\0\0\x01"); // cancel request too short
        bad_startup(b"\x04\xd2\x16\x2f\0"); // SSLRequest with trailing bytes
        bad_startup(b"\0\x03"); // shorter than the code
    }

    fn bad(tag: u8, body: &[u8]) {
        let r = decode(tag, Bytes::copy_from_slice(body));
        assert!(
            matches!(r, Err(WireError::Protocol(_))),
            "{} {body:?} → {r:?}",
            char::from(tag)
        );
    }

    #[test]
    fn malformed_messages_are_protocol_errors() {
        bad(b'Q', b"select 1"); // unterminated
        bad(b'Q', b"select 1\0x"); // trailing bytes
        bad(b'Q', b"select \xc3\0"); // bad UTF-8
        bad(b'P', b"\0select 1\0\0\x02\0\0\0\x17"); // says two types, has one
        bad(b'P', b"\0select 1\0\xff\xff"); // negative count
        bad(b'B', b"\0\0\0\0\0\x01\0\0\0\x09ab\0\0"); // value longer than the body
        bad(b'B', b"\0\0\0\0\0\x01\xff\xff\xff\xfe\0\0"); // length -2
        bad(b'B', b"\0\0\0\0\0\0"); // result format count missing
        bad(b'D', b"Xname\0"); // bad subtype
        bad(b'D', b""); // empty
        bad(b'C', b"Q\0");
        bad(b'E', b"\0\0\0"); // short row limit
        bad(b'S', b"x");
        bad(b'X', b"\0");
        bad(b'Z', b"");
    }
}
