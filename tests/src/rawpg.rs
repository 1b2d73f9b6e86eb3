//! Raw PostgreSQL protocol bytes for tests that must send what no driver would (malformed
//! messages, a client that stops reading, connections queued while the postmaster is stopped),
//! and [`SimpleClient`], a minimal simple-query client that reports exactly what the server sent
//! (column names and type OIDs, text values, command tags, SQLSTATEs).

use std::io::Read;
use std::os::unix::net::UnixStream;

/// A protocol 3.0 startup packet for `user` and `database`.
pub fn startup_packet_for(user: &str, database: &str) -> Vec<u8> {
    let mut body = 196_608i32.to_be_bytes().to_vec();
    for kv in ["user", user, "database", database] {
        body.extend_from_slice(kv.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut p = ((body.len() + 4) as i32).to_be_bytes().to_vec();
    p.extend(body);
    p
}

/// The startup packet for user and database `postgres`.
pub fn startup_packet() -> Vec<u8> {
    startup_packet_for("postgres", "postgres")
}

/// A frontend message: type byte, length, body.
pub fn msg(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![tag];
    m.extend_from_slice(&((body.len() + 4) as i32).to_be_bytes());
    m.extend_from_slice(body);
    m
}

/// A simple Query message.
pub fn query(sql: &str) -> Vec<u8> {
    let mut b = sql.as_bytes().to_vec();
    b.push(0);
    msg(b'Q', &b)
}

/// The next backend message, None at EOF (or a reset connection).
pub fn read_msg(st: &mut UnixStream) -> Option<(u8, Vec<u8>)> {
    let mut head = [0u8; 5];
    st.read_exact(&mut head).ok()?;
    let len = i32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
    let mut body = vec![0u8; len.saturating_sub(4)];
    st.read_exact(&mut body).ok()?;
    Some((head[0], body))
}

/// One column of a RowDescription.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    /// The column name.
    pub name: String,
    /// The type OID.
    pub type_oid: u32,
}

/// The fields of an ErrorResponse that tests compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorFields {
    /// Severity (`ERROR`, `FATAL`, …; the non-localized `V` field when present).
    pub severity: String,
    /// SQLSTATE (`C`).
    pub code: String,
    /// Primary message (`M`).
    pub message: String,
}

/// What one statement of a simple Query produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StatementResult {
    /// The RowDescription's columns (empty when the statement returns no rows).
    pub columns: Vec<Column>,
    /// The rows, as text; `None` is NULL (distinct from the empty string).
    pub rows: Vec<Vec<Option<String>>>,
    /// The CommandComplete tag (`SELECT 3`, `INSERT 0 1`…); `None` for an error or an
    /// empty query.
    pub tag: Option<String>,
    /// The error that ended the statement (and the rest of the Query).
    pub error: Option<ErrorFields>,
}

/// A minimal simple-query client over a Unix socket, for tests that must see exactly what the
/// server sent: column names and type OIDs, text values with NULL distinct from empty, command
/// tags, SQLSTATEs. Trust authentication only. Every read has a timeout, so a hung server
/// fails the test instead of hanging it.
pub struct SimpleClient {
    stream: UnixStream,
    /// ParameterStatus values seen so far (name → value).
    pub parameters: Vec<(String, String)>,
}

fn cstr(body: &[u8], at: &mut usize) -> String {
    let rest = body.get(*at..).unwrap_or_default();
    let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
    *at += end + 1;
    String::from_utf8_lossy(&rest[..end]).into_owned()
}

fn be_i16(body: &[u8], at: &mut usize) -> std::io::Result<i16> {
    let b = body
        .get(*at..*at + 2)
        .ok_or_else(|| bad_data("message too short"))?;
    *at += 2;
    Ok(i16::from_be_bytes([b[0], b[1]]))
}

fn be_i32(body: &[u8], at: &mut usize) -> std::io::Result<i32> {
    let b = body
        .get(*at..*at + 4)
        .ok_or_else(|| bad_data("message too short"))?;
    *at += 4;
    Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

fn bad_data(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned())
}

/// Parses an ErrorResponse (or NoticeResponse) body.
pub fn parse_error(body: &[u8]) -> ErrorFields {
    let mut f = ErrorFields {
        severity: String::new(),
        code: String::new(),
        message: String::new(),
    };
    let mut at = 0;
    while at < body.len() && body[at] != 0 {
        let kind = body[at];
        at += 1;
        let v = cstr(body, &mut at);
        match kind {
            b'V' => f.severity = v,
            b'S' if f.severity.is_empty() => f.severity = v,
            b'C' => f.code = v,
            b'M' => f.message = v,
            _ => {}
        }
    }
    f
}

impl SimpleClient {
    /// Connects to `<socket_dir>/.s.PGSQL.<port>` as `user` to `database`, waiting at most
    /// `timeout` for each message. An ErrorResponse during startup is an `Err` naming it.
    pub fn connect(
        socket_dir: &std::path::Path,
        port: u16,
        user: &str,
        database: &str,
        timeout: std::time::Duration,
    ) -> std::io::Result<SimpleClient> {
        use std::io::Write;
        let mut stream = UnixStream::connect(socket_dir.join(format!(".s.PGSQL.{port}")))?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        stream.write_all(&startup_packet_for(user, database))?;
        let mut c = SimpleClient {
            stream,
            parameters: Vec::new(),
        };
        loop {
            let (tag, body) = c.next()?;
            match tag {
                b'R' => {
                    let mut at = 0;
                    let code = be_i32(&body, &mut at)?;
                    if code != 0 {
                        return Err(std::io::Error::other(format!(
                            "the server asks for authentication method {code}; only trust is supported"
                        )));
                    }
                }
                b'E' => {
                    let e = parse_error(&body);
                    return Err(std::io::Error::other(format!(
                        "connection refused: {} {}: {}",
                        e.severity, e.code, e.message
                    )));
                }
                b'Z' => return Ok(c),
                _ => {}
            }
        }
    }

    /// The next message; an error at EOF, on a timeout, or on a malformed length.
    fn next(&mut self) -> std::io::Result<(u8, Vec<u8>)> {
        let mut head = [0u8; 5];
        self.stream.read_exact(&mut head).map_err(timeout_note)?;
        let len = i32::from_be_bytes([head[1], head[2], head[3], head[4]]);
        if !(4..=(1 << 30)).contains(&len) {
            return Err(bad_data("bad message length"));
        }
        let mut body = vec![0u8; len as usize - 4];
        self.stream.read_exact(&mut body).map_err(timeout_note)?;
        if head[0] == b'S' {
            let mut at = 0;
            let k = cstr(&body, &mut at);
            let v = cstr(&body, &mut at);
            self.parameters.retain(|(n, _)| *n != k);
            self.parameters.push((k, v));
        }
        Ok((head[0], body))
    }

    /// Sends `sql` as one simple Query and returns what each of its statements produced, up to
    /// ReadyForQuery. The server ends the Query at the first error, whose result is the last.
    /// COPY is refused (CopyFail / the copy data is skipped).
    pub fn simple_query(&mut self, sql: &str) -> std::io::Result<Vec<StatementResult>> {
        use std::io::Write;
        self.stream.write_all(&query(sql))?;
        let mut out = Vec::new();
        let mut cur = StatementResult::default();
        loop {
            let (tag, body) = self.next()?;
            match tag {
                b'T' => {
                    let mut at = 0;
                    let n = be_i16(&body, &mut at)?;
                    cur.columns.clear();
                    for _ in 0..n.max(0) {
                        let name = cstr(&body, &mut at);
                        let _table = be_i32(&body, &mut at)?;
                        let _attnum = be_i16(&body, &mut at)?;
                        let type_oid = be_i32(&body, &mut at)? as u32;
                        let _size = be_i16(&body, &mut at)?;
                        let _typmod = be_i32(&body, &mut at)?;
                        let _format = be_i16(&body, &mut at)?;
                        cur.columns.push(Column { name, type_oid });
                    }
                }
                b'D' => {
                    let mut at = 0;
                    let n = be_i16(&body, &mut at)?;
                    let mut row = Vec::with_capacity(n.max(0) as usize);
                    for _ in 0..n.max(0) {
                        let len = be_i32(&body, &mut at)?;
                        if len < 0 {
                            row.push(None);
                        } else {
                            let v = body
                                .get(at..at + len as usize)
                                .ok_or_else(|| bad_data("DataRow too short"))?;
                            at += len as usize;
                            row.push(Some(String::from_utf8_lossy(v).into_owned()));
                        }
                    }
                    cur.rows.push(row);
                }
                b'C' => {
                    let mut at = 0;
                    cur.tag = Some(cstr(&body, &mut at));
                    out.push(std::mem::take(&mut cur));
                }
                b'I' => out.push(std::mem::take(&mut cur)),
                b'E' => {
                    cur.error = Some(parse_error(&body));
                    out.push(std::mem::take(&mut cur));
                }
                b'G' => {
                    let mut m = b"COPY from stdin is not supported by this test client".to_vec();
                    m.push(0);
                    self.stream.write_all(&msg(b'f', &m))?;
                }
                b'Z' => return Ok(out),
                // NoticeResponse, ParameterStatus, NotificationResponse, CopyOut data…
                _ => {}
            }
        }
    }

    /// Sends Terminate and closes.
    pub fn close(mut self) {
        use std::io::Write;
        let _ = self.stream.write_all(&msg(b'X', &[]));
    }
}

fn timeout_note(e: std::io::Error) -> std::io::Error {
    if matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    ) {
        std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "no answer from the server within the read timeout",
        )
    } else {
        e
    }
}
