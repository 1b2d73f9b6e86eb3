//! The wire floor: a server that answers pgbench's `select 1` with no work at all.
//!
//! It keeps minipg's shape (a process per connection, forked at accept, blocking reads on a
//! Unix socket) and drops everything else: no parser, no catalog, no shared memory, no
//! latch, no transaction. Every statement costs exactly the kernel's part: one `read` of the
//! client's messages and one `write` of a reply built once. pgbench against it therefore
//! measures what any process-per-connection server pays per statement on this machine, and
//! its rate divided by PostgreSQL's is the highest ratio such a server can reach here.
//!
//! It answers the simple protocol (`Query`) and the extended one as libpq sends it
//! (`Parse`, `Bind`, `Describe`, `Execute`, `Sync`), always with the one-row, one-column
//! result of `select 1`, whatever the text. It accepts every startup without
//! authentication and refuses TLS and GSS encryption. It is a measuring device, not a
//! server: `cargo xtask bench` runs it as `xtask wire-floor DIR PORT` and kills it after.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::{Duration, Instant};

/// One backend message: type byte, then length (itself included), then the body.
fn message(out: &mut Vec<u8>, tag: u8, body: &[u8]) {
    out.push(tag);
    out.extend_from_slice(&(body.len() as u32 + 4).to_be_bytes());
    out.extend_from_slice(body);
}

/// RowDescription of `select 1`: one int4 column named `?column?`.
fn row_description(out: &mut Vec<u8>) {
    let mut b = Vec::new();
    b.extend_from_slice(&1u16.to_be_bytes());
    b.extend_from_slice(b"?column?\0");
    b.extend_from_slice(&0u32.to_be_bytes()); // table oid
    b.extend_from_slice(&0u16.to_be_bytes()); // column number
    b.extend_from_slice(&23u32.to_be_bytes()); // int4
    b.extend_from_slice(&4i16.to_be_bytes());
    b.extend_from_slice(&(-1i32).to_be_bytes());
    b.extend_from_slice(&0u16.to_be_bytes()); // text format
    message(out, b'T', &b);
}

/// DataRow `1` and CommandComplete `SELECT 1`.
fn row_and_complete(out: &mut Vec<u8>) {
    let mut d = Vec::new();
    d.extend_from_slice(&1u16.to_be_bytes());
    d.extend_from_slice(&1u32.to_be_bytes());
    d.push(b'1');
    message(out, b'D', &d);
    message(out, b'C', b"SELECT 1\0");
}

fn ready(out: &mut Vec<u8>) {
    message(out, b'Z', b"I");
}

/// What the server says after a startup packet: no authentication, the parameters libpq
/// and pgbench read, a key, ready.
fn startup_reply() -> Vec<u8> {
    let mut out = Vec::new();
    message(&mut out, b'R', &0u32.to_be_bytes());
    for (k, v) in [
        ("server_version", "15.0"),
        ("server_encoding", "UTF8"),
        ("client_encoding", "UTF8"),
        ("DateStyle", "ISO, MDY"),
        ("integer_datetimes", "on"),
        ("standard_conforming_strings", "on"),
    ] {
        let mut b = Vec::new();
        b.extend_from_slice(k.as_bytes());
        b.push(0);
        b.extend_from_slice(v.as_bytes());
        b.push(0);
        message(&mut out, b'S', &b);
    }
    let mut key = Vec::new();
    key.extend_from_slice(&std::process::id().to_be_bytes());
    key.extend_from_slice(&0u32.to_be_bytes());
    message(&mut out, b'K', &key);
    ready(&mut out);
    out
}

fn read_exact_or_end(s: &mut UnixStream, buf: &mut [u8]) -> Option<()> {
    s.read_exact(buf).ok()
}

/// The startup exchange; None when the client went away or only wanted to cancel.
fn startup(s: &mut UnixStream) -> Option<()> {
    loop {
        let mut len = [0u8; 4];
        read_exact_or_end(s, &mut len)?;
        let len = u32::from_be_bytes(len) as usize;
        if !(8..=10_000).contains(&len) {
            return None;
        }
        let mut body = vec![0u8; len - 4];
        read_exact_or_end(s, &mut body)?;
        match u32::from_be_bytes([body[0], body[1], body[2], body[3]]) {
            // SSLRequest, GSSENCRequest: refused, the client goes on in clear.
            80_877_103 | 80_877_104 => s.write_all(b"N").ok()?,
            80_877_102 => return None,
            _ => return s.write_all(&startup_reply()).ok(),
        }
    }
}

/// Polls `fd` for up to `us` µs, yielding the CPU between polls, as a minipg backend does
/// before it sleeps (`client_busy_poll`); true when it became readable.
fn busy_poll(fd: i32, us: u64) -> bool {
    let deadline = Instant::now() + Duration::from_micros(us);
    loop {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: polls one descriptor of this process without waiting.
        if unsafe { libc::poll(&mut p, 1, 0) } > 0 {
            return true;
        }
        if us == 0 || Instant::now() >= deadline {
            return false;
        }
        // SAFETY: sched_yield has no arguments and no effect but scheduling.
        unsafe { libc::sched_yield() };
    }
}

/// One connection: one `read`, the replies to every whole message in it, one `write`; before
/// a `read` that would wait, a busy poll of `busy_poll_us`.
fn serve(mut s: UnixStream, busy_poll_us: u64) {
    if startup(&mut s).is_none() {
        return;
    }
    let mut simple = Vec::new();
    row_description(&mut simple);
    row_and_complete(&mut simple);
    ready(&mut simple);
    let mut buf = vec![0u8; 64 * 1024];
    let mut have = 0;
    let mut out = Vec::with_capacity(4096);
    loop {
        if have == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        if busy_poll_us > 0 {
            busy_poll(s.as_raw_fd(), busy_poll_us);
        }
        let n = match s.read(&mut buf[have..]) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        have += n;
        let mut at = 0;
        while have - at >= 5 {
            let len = u32::from_be_bytes([buf[at + 1], buf[at + 2], buf[at + 3], buf[at + 4]]);
            let end = at + 1 + len as usize;
            if len < 4 || end > have {
                break;
            }
            match buf[at] {
                b'Q' => out.extend_from_slice(&simple),
                b'P' => message(&mut out, b'1', &[]),
                b'B' => message(&mut out, b'2', &[]),
                b'D' => row_description(&mut out),
                b'E' => row_and_complete(&mut out),
                b'C' => message(&mut out, b'3', &[]),
                b'S' => ready(&mut out),
                b'X' => return,
                _ => {}
            }
            at = end;
        }
        buf.copy_within(at..have, 0);
        have -= at;
        if !out.is_empty() {
            if s.write_all(&out).is_err() {
                return;
            }
            out.clear();
        }
    }
}

/// `xtask wire-floor DIR PORT [BUSY_POLL_US]`: listens on `DIR/.s.PGSQL.PORT` until killed.
pub fn main(args: &[String]) -> bool {
    let (Some(dir), Some(port)) = (args.first(), args.get(1)) else {
        eprintln!("usage: xtask wire-floor DIR PORT [BUSY_POLL_US]");
        return false;
    };
    let busy_poll_us = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(0);
    let path = Path::new(dir).join(format!(".s.PGSQL.{port}"));
    let _ = std::fs::remove_file(&path);
    let listener = match UnixListener::bind(&path) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("wire floor: {}: {e}", path.display());
            return false;
        }
    };
    // SAFETY: setting SIGCHLD to SIG_IGN makes the kernel reap the connection processes; no
    // handler runs.
    unsafe { libc::signal(libc::SIGCHLD, libc::SIG_IGN) };
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        // SAFETY: this process has one thread (it is started for this and does nothing
        // else), so the child may go on running Rust code after fork.
        match unsafe { libc::fork() } {
            0 => {
                // SAFETY: the child's copy of the listening socket; closing it only here.
                unsafe { libc::close(listener.as_raw_fd()) };
                serve(conn, busy_poll_us);
                // SAFETY: ends the child without running the parent's exit handlers.
                unsafe { libc::_exit(0) };
            }
            _ => drop(conn),
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The backend message types in `bytes`, in order.
    fn tags(bytes: &[u8]) -> Vec<u8> {
        let mut at = 0;
        let mut out = Vec::new();
        while at + 5 <= bytes.len() {
            out.push(bytes[at]);
            let len = u32::from_be_bytes(bytes[at + 1..at + 5].try_into().unwrap()) as usize;
            at += 1 + len;
        }
        out
    }

    /// Reads until a ReadyForQuery ends what was read.
    fn read_to_ready(s: &mut UnixStream) -> Vec<u8> {
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while tags(&got).last() != Some(&b'Z') {
            let n = s.read(&mut buf).unwrap();
            assert!(n > 0, "the floor hung up");
            got.extend_from_slice(&buf[..n]);
        }
        got
    }

    fn frontend(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        message(&mut m, tag, body);
        m
    }

    #[test]
    fn the_floor_answers_startup_and_both_protocols_as_a_server_would() {
        let (mut client, server) = UnixStream::pair().unwrap();
        let t = std::thread::spawn(move || serve(server, 0));
        // SSLRequest is refused, then a protocol 3.0 startup.
        client.write_all(&[0, 0, 0, 8, 4, 210, 22, 47]).unwrap();
        let mut n = [0u8; 1];
        client.read_exact(&mut n).unwrap();
        assert_eq!(&n, b"N");
        let mut startup = Vec::new();
        startup.extend_from_slice(&196_608u32.to_be_bytes());
        startup.extend_from_slice(b"user\0postgres\0\0");
        let mut packet = ((startup.len() + 4) as u32).to_be_bytes().to_vec();
        packet.extend_from_slice(&startup);
        client.write_all(&packet).unwrap();
        let t0 = tags(&read_to_ready(&mut client));
        assert_eq!(t0.first(), Some(&b'R'));
        assert!(t0.contains(&b'K') && t0.contains(&b'S'));

        client.write_all(&frontend(b'Q', b"select 1\0")).unwrap();
        let simple = read_to_ready(&mut client);
        assert_eq!(tags(&simple), b"TDCZ");
        assert!(simple.windows(9).any(|w| w == b"SELECT 1\0"));

        let mut ext = frontend(b'P', b"\0select 1\0\0\0");
        ext.extend(frontend(b'B', b"\0\0\0\0\0\0\0\0"));
        ext.extend(frontend(b'D', b"P\0"));
        ext.extend(frontend(b'E', b"\0\0\0\0\0"));
        ext.extend(frontend(b'S', b""));
        client.write_all(&ext).unwrap();
        assert_eq!(tags(&read_to_ready(&mut client)), b"12TDCZ");

        client.write_all(&frontend(b'X', b"")).unwrap();
        t.join().unwrap();
    }
}
