//! The client socket of one backend: buffered reads that only happen when the process's wait
//! says the socket is readable, and buffered writes flushed at protocol boundaries.
//!
//! Owns: the read buffer (bytes received, not yet framed) and the write buffer (messages built,
//! not yet sent). Invariants: every blocking wait goes through [`BackendHooks::wait_readable`] so
//! that SIGTERM, postmaster death and timeouts are noticed while idle; reads use `MSG_DONTWAIT`
//! so a spurious readiness never blocks; writes use `MSG_NOSIGNAL` so a vanished client is an
//! `EPIPE` error, never a SIGPIPE death; the write buffer is flushed before every wait.
//! Never: reads a byte per system call, or interprets message contents (that is `protocol`).
//!
//! A write to a client that stops reading blocks in `send` as it does in PostgreSQL; a SIGTERM
//! interrupts it (EINTR) and ends the session.

use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::time::Instant;

use bytes::BytesMut;

use crate::error::{Result, WireError};
use crate::{BackendHooks, WaitOutcome};

/// Bytes read per `recv`.
const READ_CHUNK: usize = 64 * 1024;
/// Above this many buffered output bytes, row streaming flushes early.
pub const WRITE_HIGH_WATER: usize = 1 << 20;

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
    scratch: Vec<u8>,
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
            scratch: vec![0; READ_CHUNK],
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
            if let Some(msg) = frame(&mut self.rbuf)? {
                return Ok(Incoming::Message(msg));
            }
            self.flush()?;
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
                WaitOutcome::Readable => {
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

    /// Whether the next message already received is a Sync.
    pub fn next_is_sync(&self) -> bool {
        self.rbuf.starts_with(b"S\0\0\0\x04")
    }

    /// One non-blocking read into the input buffer. `Ok(false)` on EOF; `Ok(true)` also when the
    /// readiness was spurious and nothing came.
    fn fill(&mut self) -> Result<bool> {
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

    /// Sends everything buffered.
    pub fn flush(&mut self) -> Result<()> {
        while !self.wbuf.is_empty() {
            // Once the session is being terminated, never block on a client that does not
            // read: send what fits (the FATAL, usually) and give up on the rest.
            let terminating = spi::interrupt::terminate_pending();
            let flags = libc::MSG_NOSIGNAL | if terminating { libc::MSG_DONTWAIT } else { 0 };
            // SAFETY: `wbuf` is a live buffer of `wbuf.len()` initialized bytes; send only reads them.
            let n =
                unsafe { libc::send(self.fd, self.wbuf.as_ptr().cast(), self.wbuf.len(), flags) };
            if n > 0 {
                let _ = self.wbuf.split_to(n as usize);
                continue;
            }
            let err = if n == 0 {
                io::Error::from(io::ErrorKind::WriteZero)
            } else {
                io::Error::last_os_error()
            };
            match err.raw_os_error() {
                Some(libc::EINTR) if spi::interrupt::terminate_pending() => {
                    return Err(WireError::Io(err));
                }
                Some(libc::EINTR) => continue,
                Some(libc::EAGAIN) if terminating => return Err(WireError::Io(err)),
                Some(libc::EAGAIN) => self.wait_writable()?,
                Some(libc::ENOTSOCK) => {
                    let n = self.stream.write(&self.wbuf)?;
                    if n == 0 {
                        return Err(WireError::Io(io::ErrorKind::WriteZero.into()));
                    }
                    let _ = self.wbuf.split_to(n);
                    self.stream.flush()?;
                }
                _ => return Err(WireError::Io(err)),
            }
        }
        Ok(())
    }

    /// For a socket someone made non-blocking: wait until it takes more bytes.
    fn wait_writable(&self) -> Result<()> {
        let mut pfd = libc::pollfd {
            fd: self.fd,
            events: libc::POLLOUT,
            revents: 0,
        };
        // SAFETY: `pfd` is a valid pollfd on the stack and the count is 1.
        let rc = unsafe { libc::poll(&mut pfd, 1, 1000) };
        if rc < 0 {
            let err = io::Error::last_os_error();
            if err.raw_os_error() != Some(libc::EINTR) {
                return Err(WireError::Io(err));
            }
        }
        Ok(())
    }
}
