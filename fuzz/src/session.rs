//! `session`: `wire::run_backend`, startup handshake and query loop, fed arbitrary bytes, with a
//! real `spi::Session` over a data directory made once per process.
//!
//! Input layout: byte 0 picks how the stream is delivered (bits 0-2: read size 1..=8 × 64 bytes,
//! or 1 byte when 0, so that partial frames are exercised; bit 3: prefix a valid startup packet
//! for user `fuzz`, database `postgres`, so that most inputs reach the query loop instead of
//! dying in the handshake; bits 4-5: how often the wait hook reports `Timeout` instead of
//! `Readable`). The rest is the client's byte stream; EOF follows it.
//!
//! The stream is in memory: its file descriptor is `/dev/null`, on which `recv`/`send` fail with
//! `ENOTSOCK`, so `wire`'s connection falls back to plain `Read`/`Write` on the stream (the path
//! it keeps for pipes). Output is counted and dropped.
//!
//! Checks: never panics, and the exit code is 0 (Terminate, EOF, vanished client) or 1 (FATAL).
//! Settings that would make a run slow are pinned as command-line values (`statement_timeout`
//! 100 ms) so that a fuzzer's `SELECT pg_sleep(…)` ends in 57014 instead of a libFuzzer timeout.

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::OnceLock;
use std::time::Duration;

use bytes::BytesMut;
use wire::protocol::frontend::{StartupPacket, encode_startup};
use wire::{BackendConfig, BackendHooks, CanAccept, HookError, WaitOutcome};

/// The data directory shared by every run in this process (made once, removed at exit only by
/// the operating system's temp cleanup: a static is never dropped).
fn data_dir() -> &'static tempfile::TempDir {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::Builder::new()
            .prefix("minipg-fuzz-session")
            .tempdir()
            .expect("a temporary directory for the fuzz data directory");
        spi::init_data_dir(dir.path()).expect("spi::init_data_dir");
        guc::init_builtins();
        guc::load_startup(
            None,
            &[],
            &[("statement_timeout".to_string(), "100ms".to_string())],
        )
        .expect("statement_timeout is a valid command-line setting");
        dir
    })
}

/// An in-memory client connection: reads come from the input in chunks, writes are counted.
struct MemoryStream<'a> {
    input: &'a [u8],
    chunk: usize,
    written: usize,
    /// A descriptor that is not a socket, handed out by `as_raw_fd`.
    not_a_socket: File,
}

impl Read for MemoryStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.input.len().min(self.chunk).min(buf.len());
        buf[..n].copy_from_slice(&self.input[..n]);
        self.input = &self.input[n..];
        Ok(n)
    }
}

impl Write for MemoryStream<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.written += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl AsRawFd for MemoryStream<'_> {
    fn as_raw_fd(&self) -> RawFd {
        self.not_a_socket.as_raw_fd()
    }
}

/// Hooks that always admit the client and whose wait answers at once: `Readable`, or every
/// `timeout_every`-th call `Timeout`.
struct FuzzHooks {
    waits: u32,
    timeout_every: u32,
}

impl BackendHooks for FuzzHooks {
    fn attach(&mut self, _user: &str, _db: &str) -> Result<i32, HookError> {
        Ok(0x5eed)
    }

    fn report_activity(&mut self, _state: &str, _query: Option<&str>) {}

    fn wait_readable(&mut self, _fd: RawFd, _timeout: Option<Duration>) -> WaitOutcome {
        self.waits = self.waits.wrapping_add(1);
        if self.timeout_every != 0 && self.waits.is_multiple_of(self.timeout_every) {
            WaitOutcome::Timeout
        } else {
            WaitOutcome::Readable
        }
    }

    fn cancel_request(&mut self, _pid: i32, _key: i32) {}
}

/// The startup packet prefixed when byte 0 asks for it.
fn valid_startup() -> BytesMut {
    let mut buf = BytesMut::new();
    let params = [("user", "fuzz"), ("database", "postgres")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    encode_startup(&StartupPacket::Startup { minor: 0, params }, &mut buf);
    buf
}

/// Runs one backend session over `data` (see the module doc for the layout).
pub fn run(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let dir = data_dir();
    let mut stream_bytes = Vec::with_capacity(rest.len() + 64);
    if mode & 0b1000 != 0 {
        stream_bytes.extend_from_slice(&valid_startup());
    }
    stream_bytes.extend_from_slice(rest);

    let chunk = match usize::from(mode & 0b111) {
        0 => 1,
        n => n * 64,
    };
    let not_a_socket = File::options()
        .read(true)
        .write(true)
        .open("/dev/null")
        .expect("/dev/null opens");
    let stream = MemoryStream {
        input: &stream_bytes,
        chunk,
        written: 0,
        not_a_socket,
    };
    let mut hooks = FuzzHooks {
        waits: 0,
        timeout_every: [0, 2, 3, 7][usize::from((mode >> 4) & 0b11)],
    };
    let cfg = BackendConfig {
        data_dir: dir.path().to_owned(),
        can_accept: CanAccept::Ok,
        remote: "[local]".into(),
        peer: None,
    };
    // A previous run may have asked to cancel or terminate itself (pg_cancel_backend of its own
    // pid): each run starts as a fresh backend would.
    spi::interrupt::clear_cancel();
    let code = wire::run_backend(stream, &cfg, &mut hooks);
    assert!(code == 0 || code == 1, "run_backend exit code {code}");
    guc::reset_session_all();
}
