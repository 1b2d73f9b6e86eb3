//! The one error type of the wire crate.
//!
//! A [`WireError`] says why the *connection* cannot go on as it was: the client broke the protocol,
//! the socket failed, or a statement-level problem must be reported as an ErrorResponse. Errors that
//! the session reports and then continues from carry a SQLSTATE ([`WireError::Sql`]); protocol
//! violations become `FATAL 08P01`; I/O errors mean the client is gone.

use std::io;

/// Everything that can go wrong in the wire crate.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// The client sent bytes that do not follow the protocol (SQLSTATE 08P01). Fatal for the session.
    #[error("{0}")]
    Protocol(String),
    /// The socket failed or the client went away (EOF, EPIPE, ECONNRESET).
    #[error("client connection lost: {0}")]
    Io(#[from] io::Error),
    /// Waiting for the client ended for a reason of the server's: a cancel or statement
    /// timeout (an ERROR for the running statement), SIGTERM, postmaster death or the
    /// write-lock timeout (FATAL).
    #[error("{0}")]
    Interrupted(spi::SpiError),
    /// A statement-level error to report to the client with this SQLSTATE; the session continues.
    #[error("{message}")]
    Sql {
        /// The five-character SQLSTATE.
        sqlstate: &'static str,
        /// The primary message.
        message: String,
    },
}

impl WireError {
    /// A protocol violation (08P01) with this message.
    pub fn protocol(message: impl Into<String>) -> Self {
        WireError::Protocol(message.into())
    }

    /// A statement-level error with this SQLSTATE and message.
    pub fn sql(sqlstate: &'static str, message: impl Into<String>) -> Self {
        WireError::Sql {
            sqlstate,
            message: message.into(),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = WireError> = std::result::Result<T, E>;
