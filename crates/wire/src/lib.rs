//! The PostgreSQL frontend/backend protocol (v3) session of one client backend.
//!
//! The postmaster forks a backend per accepted connection and calls [`run_backend`], which owns
//! the connection from the first byte to the exit code: the startup handshake (SSLRequest
//! answered `S` and TLS when `ssl` is on over TCP, else `N`; GSSENCRequest refused with `N`;
//! CancelRequest forwarded; protocol 3.0 only; client authentication by `minipg_hba.conf`;
//! ParameterStatus, BackendKeyData), then the query loop (simple Query with
//! several statements, the extended protocol with named and unnamed statements and portals, row
//! limits, text and binary formats, ParameterStatus on reported-setting changes, COPY FROM
//! STDIN / TO STDOUT: CopyIn/CopyOutResponse, CopyData, CopyDone, CopyFail, streamed both
//! ways while the statement runs, in simple and extended queries).
//!
//! Layers, bottom up: [`protocol`] (bytes ↔ messages, pure, no I/O), [`types`] (SQLite values ↔
//! PostgreSQL text/binary forms), `connection` (the socket with its buffers, waits only through
//! [`BackendHooks::wait_readable`]; [`tls`] encrypts it when asked), `startup` with `auth` (the
//! password exchanges) and [`login`] (the role lookup), `session` and `extended` (the state machines),
//! `report` (ERROR / FATAL / client gone).
//!
//! Codec choice: hand-written framing in the style of rust-postgres' `postgres-protocol` (one small
//! function per message writing into `BytesMut`, one helper back-patching lengths) rather than
//! `pgwire`'s `messages`. The backend is blocking and speaks exactly protocol 3.0; owning the
//! framing lets the hard limits (length < 4 or > 1 GiB, startup packet > 10 kB, 10 kB for
//! Sync/Flush/Close/Describe/Execute) be checked on the length word before any body byte is
//! awaited or any buffer grows, with errors that map one-to-one onto SQLSTATE 08P01, and avoids
//! `pgwire`'s decode-context state (it defaults to protocol 3.2 and needs flags juggled around
//! SSLRequest and startup).
//!
//! Invariants: bad client input never panics and never kills the process by a signal: a
//! malformed, truncated, oversized or out-of-order message is `FATAL 08P01` and exit 1;
//! statement-level problems (unknown statement or portal, wrong parameter count, bad parameter
//! data) are an ERROR after which the session goes on, as in PostgreSQL. Where PostgreSQL
//! answers a garbled message *body* with a mere ERROR, minipg ends the session instead: a client
//! whose framing is right but whose fields are wrong is out of step with the protocol, and
//! continuing would only misread its next messages.
//!
//! Never: reads the socket without being told it is readable (SIGTERM, postmaster death and
//! timeouts must be noticed while idle), forks, or touches shared memory (the lead's hooks do).

pub mod error;
pub mod login;
pub mod protocol;

mod auth;
mod connection;
mod extended;
mod report;
mod session;
mod startup;
mod startup_tls;
pub mod tls;
mod values;

#[cfg(test)]
mod tests;

use std::io::{Read, Write};
use std::os::fd::{AsRawFd, RawFd};
use std::path::PathBuf;
use std::time::Duration;

pub use error::WireError;

/// The postmaster's state when it accepted the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CanAccept {
    /// Normal operation.
    Ok,
    /// The startup process is running after a normal start (57P03 "starting up").
    Startup,
    /// The startup process is running after a crash (57P03 "in recovery mode").
    Recovery,
    /// A shutdown is under way (57P03 "shutting down").
    Shutdown,
}

/// What the postmaster tells a new backend.
#[derive(Debug, Clone)]
pub struct BackendConfig {
    /// The data directory (databases live under `base/`).
    pub data_dir: PathBuf,
    /// The postmaster's state at accept time.
    pub can_accept: CanAccept,
    /// The client's address for logs: `[local]` or `127.0.0.1(5432)`.
    pub remote: String,
    /// The client's IP address; `None` over the Unix socket (for `minipg_hba.conf`).
    pub peer: Option<std::net::IpAddr>,
}

/// A refusal from a hook, sent to the client as FATAL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookError {
    /// The SQLSTATE (e.g. 53300).
    pub sqlstate: &'static str,
    /// The message (e.g. "sorry, too many clients already").
    pub message: String,
}

/// Why [`BackendHooks::wait_readable`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitOutcome {
    /// The socket is readable (or closed).
    Readable,
    /// The socket takes more bytes (or failed).
    Writable,
    /// The process latch was set: check `spi::interrupt` (terminate, cancel) and the reload flag.
    Interrupted,
    /// The timeout passed.
    Timeout,
    /// The postmaster died.
    PostmasterDeath,
}

/// What the rest of the server provides to a backend session.
pub trait BackendHooks {
    /// Before authentication (which reads the role catalog): Err when this process may not
    /// serve a session at all (53300 "sorry, too many clients already": it has no child slot,
    /// so it may not open a database either).
    fn admit(&mut self) -> Result<(), HookError> {
        Ok(())
    }
    /// After a valid startup packet: take a PGPROC from the normal-backend list (Err 53300
    /// "sorry, too many clients already" → FATAL and exit), record user/db for
    /// pg_stat_activity and the process title. Returns the cancel key for BackendKeyData.
    fn attach(&mut self, user: &str, database: &str) -> Result<i32, HookError>;
    /// state: "idle", "active", "idle in transaction", "idle in transaction (aborted)"; query:
    /// the statement that starts now (its start is `query_start`), or None to keep the last
    /// one and its start (while idle, as PostgreSQL shows them).
    fn report_activity(&mut self, state: &str, query: Option<&str>);
    /// Block until `fd` is readable, the process latch is set, the timeout passes or the
    /// postmaster dies.
    fn wait_readable(&mut self, fd: RawFd, timeout: Option<Duration>) -> WaitOutcome;
    /// Block until `fd` takes more bytes, the process latch is set, the timeout passes or the
    /// postmaster dies (a client that does not read). The default polls in short slices, so
    /// flags set without a latch are seen soon.
    fn wait_writable(&mut self, fd: RawFd, timeout: Option<Duration>) -> WaitOutcome {
        let slice = Duration::from_millis(10);
        connection::poll_writable(fd, timeout.map_or(slice, |t| t.min(slice)));
        WaitOutcome::Writable
    }
    /// A CancelRequest packet arrived on this connection: signal the backend owning (pid, key).
    fn cancel_request(&mut self, pid: i32, key: i32);
    /// SIGHUP arrived (flag): re-read the config. Called between queries.
    fn handle_pending_reload(&mut self) {}
    /// After `attach`, on a TLS connection: record it for `pg_stat_ssl`.
    fn report_tls(&mut self, info: &tls::TlsInfo) {
        let _ = info;
    }

    /// The process ends right after the session: its SQLite connection need not be closed
    /// (closing tears down every registered function, a measurable share of a short
    /// connection; the kernel releases the locks and descriptors at exit, as after any
    /// process death, which SQLite's WAL mode is built to survive).
    fn exit_after_session(&self) -> bool {
        false
    }
}

/// Runs the whole connection: the startup handshake, then the query loop until Terminate or
/// EOF. Returns the process exit code: 0 on Terminate, EOF or a vanished client, 1 after a FATAL.
pub fn run_backend<S: Read + Write + AsRawFd>(
    stream: S,
    cfg: &BackendConfig,
    hooks: &mut dyn BackendHooks,
) -> i32 {
    let mut conn = connection::Connection::new(stream);
    let started = match startup::run_startup(&mut conn, cfg, hooks) {
        Ok(s) => s,
        Err(code) => return code,
    };
    session::Backend::new(conn, hooks, started).run()
}
