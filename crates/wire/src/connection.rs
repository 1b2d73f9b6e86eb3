//! The client socket of one backend: buffered reads that only happen when the process's wait
//! says the socket is readable, and buffered writes sent without ever blocking in `send`.
//!
//! Owns: the read buffer (bytes received, not yet framed) and the write buffer (whole messages
//! built, not yet sent, the first possibly half sent). Invariants: every blocking wait goes
//! through [`BackendHooks`] (`wait_readable`, `wait_writable`) so that SIGTERM, cancel,
//! statement_timeout, postmaster death and idle timeouts are noticed while waiting for the
//! client either way; reads use `MSG_DONTWAIT` so a spurious readiness never blocks; writes use
//! `MSG_DONTWAIT | MSG_NOSIGNAL` so a vanished client is an `EPIPE` error, never a SIGPIPE
//! death, and a client that stops reading leaves the backend waiting in its latch, not in the
//! kernel; the write buffer is flushed before every read wait.
//! Never: reads a byte per system call, interprets message contents beyond their type byte
//! and length (that is `protocol`), or drops part of a message: what a cancel discards are
//! whole DataRow/CopyData messages not yet begun.
//!
//! A client that stops reading: while a statement runs, a cancel or its `statement_timeout`
//! ends the statement at once — the rows not yet sent are dropped, the message half sent is
//! completed, and the ERROR follows them once the client reads again — and a session whose
//! transaction holds the database's write lock is ended (FATAL 25P03) after
//! `idle_write_lock_timeout` of waiting, as if idle in its transaction. SIGTERM and postmaster
//! death end the session whatever it was doing. PostgreSQL blocks in `send` and honours only
//! SIGTERM there.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::time::{Duration, Instant};

use bytes::{Buf, BytesMut};

use crate::error::{Result, WireError};
use crate::{BackendHooks, WaitOutcome};

/// Bytes read per `recv`.
const READ_CHUNK: usize = 64 * 1024;
/// Above this many buffered output bytes, row streaming flushes early.
pub const WRITE_HIGH_WATER: usize = 1 << 20;
/// How long a FATAL waits for room in the socket of a client that does not read.
const FATAL_SEND_WAIT: Duration = Duration::from_millis(100);

/// What waiting for the next message produced.
#[derive(Debug)]
pub enum Incoming<T> {
    /// A complete message.
    Message(T),
    /// The client closed the connection (EOF).
    Eof,
    /// The process latch was set (a signal arrived): look at the interrupt flags, then wait again.
    Interrupted,
    /// The deadline passed.
    Timeout,
    /// The postmaster died.
    PostmasterDeath,
}

/// The socket and its two buffers.
pub struct Connection<S> {
    stream: S,
    fd: RawFd,
    /// Bytes received and not yet taken by a framer.
    pub rbuf: BytesMut,
    /// Messages written and not yet sent.
    pub wbuf: BytesMut,
    /// Bytes at the front of `wbuf` that finish a message whose start was already sent.
    partial: usize,
    /// Body bytes of a refused oversized message still to be skipped as they arrive.
    discarding: usize,
    /// A statement is running: a cancel or its deadline ends it while waiting to send.
    pub in_statement: bool,
    /// While a statement runs in a transaction that holds the database's write lock:
    /// `idle_write_lock_timeout`, the longest it may wait for the client to read.
    pub write_lock_timeout: Option<Duration>,
    scratch: Vec<u8>,
    /// The TLS layer once the client asked for it and the handshake succeeded.
    tls: Option<Box<crate::tls::TlsLayer>>,
}

impl<S: Read + Write + AsRawFd> Connection<S> {
    /// Wraps a connected, blocking stream.
    pub fn new(stream: S) -> Self {
        let fd = stream.as_raw_fd();
        Connection {
            stream,
            fd,
            rbuf: BytesMut::new(),
            wbuf: BytesMut::new(),
            partial: 0,
            discarding: 0,
            in_statement: false,
            write_lock_timeout: None,
            scratch: vec![0; READ_CHUNK],
            tls: None,
        }
    }

    /// Whether the connection is encrypted with TLS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// The negotiated TLS parameters, when encrypted.
    pub fn tls_info(&self) -> Option<crate::tls::TlsInfo> {
        self.tls.as_ref().map(|t| t.info())
    }

    /// The TLS connection's `tls-server-end-point` channel-binding data, when available.
    pub fn channel_binding(&self) -> Option<Vec<u8>> {
        self.tls
            .as_ref()
            .and_then(|t| t.end_point().map(<[u8]>::to_vec))
    }

    /// Runs the TLS handshake (the `S` already sent); from then on every byte is encrypted.
    /// `Ok(false)`: the handshake failed or the client left (logged).
    pub fn start_tls(
        &mut self,
        config: crate::tls::TlsSetup,
        hooks: &mut dyn BackendHooks,
        deadline: Instant,
    ) -> Result<bool> {
        match crate::tls::TlsLayer::accept(config, self.fd, hooks, deadline)? {
            Some(mut layer) => {
                // The client's first records may have come with its last handshake message.
                let open =
                    layer.process_and_drain(self.fd, &mut self.rbuf, &mut self.scratch, false)?;
                self.tls = Some(Box::new(layer));
                Ok(open)
            }
            None => Ok(false),
        }
    }

    /// Returns the next message `frame` can cut from the input, flushing output and waiting for
    /// more bytes as needed. `deadline` bounds the whole call.
    pub fn next<T>(
        &mut self,
        hooks: &mut dyn BackendHooks,
        deadline: Option<Instant>,
        mut frame: impl FnMut(&mut BytesMut) -> Result<Option<T>>,
    ) -> Result<Incoming<T>> {
        loop {
            self.skip_discarded();
            if self.discarding == 0
                && let Some(msg) = frame(&mut self.rbuf)?
            {
                return Ok(Incoming::Message(msg));
            }
            if !self.flush_until(hooks, deadline)? {
                return Ok(Incoming::Timeout);
            }
            let timeout = match deadline {
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return Ok(Incoming::Timeout);
                    }
                    Some(d - now)
                }
                None => None,
            };
            match hooks.wait_readable(self.fd, timeout) {
                WaitOutcome::Readable | WaitOutcome::Writable => {
                    if !self.fill()? {
                        return Ok(Incoming::Eof);
                    }
                }
                WaitOutcome::Interrupted => return Ok(Incoming::Interrupted),
                WaitOutcome::Timeout => {
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        return Ok(Incoming::Timeout);
                    }
                }
                WaitOutcome::PostmasterDeath => return Ok(Incoming::PostmasterDeath),
            }
        }
    }

    /// Skips the next `n` bytes of input (the body of a message refused for its size) as they
    /// arrive, never holding more than one read's worth of them.
    pub fn discard(&mut self, n: usize) {
        self.discarding += n;
        self.skip_discarded();
    }

    fn skip_discarded(&mut self) {
        let n = self.discarding.min(self.rbuf.len());
        self.rbuf.advance(n);
        self.discarding -= n;
    }

    /// Whether the next message already received is a Sync.
    pub fn next_is_sync(&self) -> bool {
        self.rbuf.starts_with(b"S\0\0\0\x04")
    }

    /// One non-blocking read into the input buffer. `Ok(false)` on EOF; `Ok(true)` also when the
    /// readiness was spurious and nothing came.
    fn fill(&mut self) -> Result<bool> {
        if let Some(tls) = &mut self.tls {
            return tls.fill(self.fd, &mut self.rbuf, &mut self.scratch);
        }
        loop {
            // SAFETY: `scratch` is a live, exclusively borrowed buffer of `scratch.len()` bytes;
            // recv writes at most that many bytes into it and does not keep the pointer.
            let n = unsafe {
                libc::recv(
                    self.fd,
                    self.scratch.as_mut_ptr().cast(),
                    self.scratch.len(),
                    libc::MSG_DONTWAIT,
                )
            };
            if n >= 0 {
                let n = n as usize;
                self.rbuf.extend_from_slice(&self.scratch[..n]);
                return Ok(n > 0);
            }
            let err = io::Error::last_os_error();
            match err.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::EAGAIN) => return Ok(true),
                Some(libc::ENOTSOCK) => {
                    // Not a socket (a pipe in some harness): the wait said it is readable.
                    let n = self.stream.read(&mut self.scratch)?;
                    self.rbuf.extend_from_slice(&self.scratch[..n]);
                    return Ok(n > 0);
                }
                _ => return Err(WireError::Io(err)),
            }
        }
    }

    /// Sends everything buffered, waiting (in the hooks) while the client does not read.
    /// `Err(WireError::Interrupted)` when a cancel, the statement's deadline, the write-lock
    /// timeout, SIGTERM or postmaster death ended the wait (see the module doc).
    pub fn flush(&mut self, hooks: &mut dyn BackendHooks) -> Result<()> {
        self.flush_until(hooks, None).map(|_| ())
    }

    /// [`Connection::flush`] that gives up at `deadline` (an idle timeout): `Ok(false)`.
    pub fn flush_until(
        &mut self,
        hooks: &mut dyn BackendHooks,
        deadline: Option<Instant>,
    ) -> Result<bool> {
        let mut blocked_since: Option<Instant> = None;
        while self.unsent() {
            if self.send_some()? {
                continue;
            }
            // The client does not take more now: wait, watching for what ends the wait.
            let since = *blocked_since.get_or_insert_with(Instant::now);
            let mut until = deadline;
            if let Some(why) = self.why_stop_waiting(since, &mut until) {
                return Err(why);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(false);
            }
            let timeout = until.map(|d| d.saturating_duration_since(Instant::now()));
            match hooks.wait_writable(self.fd, timeout) {
                WaitOutcome::PostmasterDeath => {
                    return Err(WireError::Interrupted(spi::SpiError::fatal(
                        spi::sqlstate::ADMIN_SHUTDOWN,
                        "terminating connection due to unexpected postmaster exit",
                    )));
                }
                WaitOutcome::Readable
                | WaitOutcome::Writable
                | WaitOutcome::Interrupted
                | WaitOutcome::Timeout => {}
            }
        }
        Ok(true)
    }

    /// Checks, while blocked sending, whether the wait must end: SIGTERM, a cancel or
    /// statement timeout during a statement (the rows not yet begun are dropped), the
    /// write-lock timeout. Narrows `until` to the earliest deadline to wake up for.
    fn why_stop_waiting(
        &mut self,
        since: Instant,
        until: &mut Option<Instant>,
    ) -> Option<WireError> {
        let earliest = |a: Option<Instant>, b: Option<Instant>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if spi::interrupt::terminate_pending() {
            return Some(WireError::Interrupted(spi::SpiError::fatal(
                spi::sqlstate::ADMIN_SHUTDOWN,
                "terminating connection due to administrator command",
            )));
        }
        if self.in_statement {
            if let Some(lock_wait) = self.write_lock_timeout {
                let d = since + lock_wait;
                if Instant::now() >= d {
                    return Some(WireError::Interrupted(spi::SpiError::fatal(
                        spi::sqlstate::IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
                        "terminating connection due to idle-in-transaction timeout",
                    )));
                }
                *until = earliest(*until, Some(d));
            }
            if spi::interrupt::pending()
                && let Err(e) = spi::interrupt::check()
            {
                self.drop_unsent_rows();
                return Some(WireError::Interrupted(e));
            }
            *until = earliest(*until, spi::interrupt::statement_deadline());
        } else if !spi::interrupt::terminate_pending() {
            // A cancel that arrives while no statement runs has nothing to cancel.
            spi::interrupt::clear_cancel();
        }
        None
    }

    /// One non-blocking `send`: `Ok(true)` when bytes went out (or there was nothing to send),
    /// `Ok(false)` when the client's socket is full.
    fn send_some(&mut self) -> Result<bool> {
        if let Some(tls) = &mut self.tls {
            // Plaintext taken by the TLS layer counts as sent; its ciphertext goes out without
            // waiting, so the wait above stays the only place a backend blocks.
            let (taken, progressed) = tls.send_some(self.fd, &self.wbuf)?;
            if taken > 0 {
                self.sent(taken);
            }
            return Ok(progressed || taken > 0);
        }
        loop {
            // SAFETY: `wbuf` is a live buffer of `wbuf.len()` initialized bytes; send only
            // reads them.
            let n = unsafe {
                libc::send(
                    self.fd,
                    self.wbuf.as_ptr().cast(),
                    self.wbuf.len(),
                    libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT,
                )
            };
            if n > 0 {
                self.sent(n as usize);
                return Ok(true);
            }
            let err = if n == 0 {
                io::Error::from(io::ErrorKind::WriteZero)
            } else {
                io::Error::last_os_error()
            };
            match err.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::EAGAIN) => return Ok(false),
                Some(libc::ENOTSOCK) => {
                    // Not a socket (a pipe in some harness): a blocking write.
                    let n = self.stream.write(&self.wbuf)?;
                    if n == 0 {
                        return Err(WireError::Io(io::ErrorKind::WriteZero.into()));
                    }
                    self.sent(n);
                    self.stream.flush()?;
                    return Ok(true);
                }
                _ => return Err(WireError::Io(err)),
            }
        }
    }

    /// `n` bytes from the front of `wbuf` went out: keeps `partial` (the unsent rest of the
    /// message now at the front) up to date.
    fn sent(&mut self, n: usize) {
        let mut left = n;
        let mut at = 0;
        let eaten = left.min(self.partial);
        self.partial -= eaten;
        left -= eaten;
        at += eaten;
        while left > 0 {
            let len = message_len(&self.wbuf[at..]);
            if left >= len {
                left -= len;
                at += len;
            } else {
                self.partial = len - left;
                left = 0;
            }
        }
        self.wbuf.advance(n);
    }

    /// A cancelled statement's output: keeps the rest of a message half sent and every
    /// message but DataRow and CopyData, so the client sees what it would have seen had the
    /// statement failed after its last row sent.
    fn drop_unsent_rows(&mut self) {
        let mut kept = BytesMut::with_capacity(self.partial + 256);
        kept.extend_from_slice(&self.wbuf[..self.partial]);
        let mut at = self.partial;
        while at < self.wbuf.len() {
            let len = message_len(&self.wbuf[at..]).min(self.wbuf.len() - at);
            if !matches!(self.wbuf[at], b'D' | b'd') {
                kept.extend_from_slice(&self.wbuf[at..at + len]);
            }
            at += len;
        }
        self.wbuf = kept;
    }

    /// Bytes wait to be sent: in the buffer, or encrypted in the TLS layer.
    fn unsent(&self) -> bool {
        !self.wbuf.is_empty() || self.tls.as_ref().is_some_and(|t| t.wants_write())
    }

    /// Sends what the socket takes within a short wait, for a FATAL on its way out: a client
    /// that does not read is not waited for.
    pub fn flush_best_effort(&mut self) -> Result<()> {
        let give_up = Instant::now() + FATAL_SEND_WAIT;
        while self.unsent() {
            if self.send_some()? {
                continue;
            }
            let left = give_up.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(WireError::Io(io::ErrorKind::WouldBlock.into()));
            }
            poll_writable(self.fd, left);
        }
        Ok(())
    }
}

/// The length of the backend message at the front of `buf`, type byte included (the rest of
/// the buffer when it is cut short, which the buffer's own messages never are).
fn message_len(buf: &[u8]) -> usize {
    match buf.get(1..5) {
        Some(l) => 1 + u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize,
        None => buf.len(),
    }
}

/// Waits until `fd` takes more bytes, at most `timeout` (an interrupted wait just returns).
pub(crate) fn poll_writable(fd: RawFd, timeout: Duration) {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLOUT,
        revents: 0,
    };
    let ms = i32::try_from(timeout.as_millis())
        .unwrap_or(i32::MAX)
        .max(1);
    // SAFETY: `pfd` is a valid pollfd on the stack and the count is 1.
    unsafe { libc::poll(&mut pfd, 1, ms) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::backend;

    #[test]
    fn partial_sends_track_message_boundaries_and_a_cancel_keeps_all_but_rows() {
        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let mut c = Connection::new(a);
        backend::row_description(&mut c.wbuf, &[]);
        let first = c.wbuf.len();
        backend::data_row_with::<WireError>(&mut c.wbuf, 1, |b| {
            b.extend_from_slice(&[0, 0, 0, 3, b'a', b'b', b'c']);
            Ok(())
        })
        .unwrap();
        let row = c.wbuf.len() - first;
        backend::data_row_with::<WireError>(&mut c.wbuf, 1, |b| {
            b.extend_from_slice(&[0, 0, 0, 1, b'z']);
            Ok(())
        })
        .unwrap();
        backend::command_complete(&mut c.wbuf, "SELECT 2");
        // The RowDescription and two bytes of the first row went out.
        c.sent(first + 2);
        assert_eq!(c.partial, row - 2);
        c.drop_unsent_rows();
        // The rest of the first row, no second row, the CommandComplete.
        assert_eq!(c.wbuf[..c.partial].len(), row - 2);
        assert_eq!(c.wbuf[c.partial], b'C');
        assert_eq!(c.wbuf.len(), row - 2 + message_len(&c.wbuf[c.partial..]));
        c.sent(c.wbuf.len());
        assert_eq!(c.partial, 0);
        assert!(c.wbuf.is_empty());
    }
}
