//! Raw PostgreSQL protocol bytes for tests that must send what no driver would (malformed
//! messages, a client that stops reading, connections queued while the postmaster is stopped).

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
