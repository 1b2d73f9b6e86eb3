//! The SSLRequest answer: `S` and the TLS handshake when the postmaster installed a TLS
//! configuration (`ssl = on`) and the client came over TCP, else `N` (as PostgreSQL, never over
//! the Unix socket).
//! Invariant: the input buffer is empty when the handshake starts (the caller refuses bytes
//! sent after the SSLRequest before its answer).

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::time::Instant;

use crate::connection::Connection;
use crate::protocol::backend;
use crate::report::Failure;
use crate::{BackendConfig, BackendHooks};

/// Answers an SSLRequest. `Ok(false)`: the handshake failed or the client left (logged); the
/// connection ends quietly.
pub(crate) fn answer_ssl_request<S: Read + Write + AsRawFd>(
    conn: &mut Connection<S>,
    cfg: &BackendConfig,
    hooks: &mut dyn BackendHooks,
    deadline: Instant,
) -> Result<bool, Failure> {
    let config = match cfg.peer {
        Some(_) if guc::builtin::SSL.get() => crate::tls::server_config(),
        _ => None,
    };
    let Some(config) = config else {
        backend::encryption_refused(&mut conn.wbuf);
        conn.flush(hooks)?;
        return Ok(true);
    };
    backend::encryption_accepted(&mut conn.wbuf);
    conn.flush(hooks)?;
    Ok(conn.start_tls(config, hooks, deadline)?)
}
