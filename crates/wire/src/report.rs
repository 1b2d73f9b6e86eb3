//! How a failure reaches the client: an ERROR the session survives, a FATAL that ends it, or a
//! client that is already gone (nothing to send).

use crate::error::WireError;
use crate::protocol::backend::ErrorFields;

/// Why a message could not be handled.
#[derive(Debug)]
pub enum Failure {
    /// ErrorResponse with severity ERROR; the session continues.
    Error(Box<ErrorFields>),
    /// ErrorResponse with severity FATAL; the session ends with exit code 1.
    Fatal(Box<ErrorFields>),
    /// The socket failed (EOF, EPIPE, ECONNRESET): roll back and exit 0 quietly.
    ClientGone(String),
    /// A message over `max_message_size` (its type and length): ERROR 54000 while its body
    /// is skipped unread; the session goes on.
    TooLarge { tag: u8, len: usize },
}

impl Failure {
    /// An ERROR.
    pub fn error(sqlstate: &str, message: impl Into<String>) -> Self {
        Failure::Error(Box::new(ErrorFields::new("ERROR", sqlstate, message)))
    }

    /// A FATAL.
    pub fn fatal(sqlstate: &str, message: impl Into<String>) -> Self {
        Failure::Fatal(Box::new(ErrorFields::new("FATAL", sqlstate, message)))
    }

    /// FATAL 57P01, SIGTERM's answer.
    pub fn terminated() -> Self {
        Failure::fatal(
            spi::sqlstate::ADMIN_SHUTDOWN,
            "terminating connection due to administrator command",
        )
    }

    /// FATAL 57P01 on postmaster death.
    pub fn postmaster_died() -> Self {
        Failure::fatal(
            spi::sqlstate::ADMIN_SHUTDOWN,
            "terminating connection due to unexpected postmaster exit",
        )
    }
}

impl From<WireError> for Failure {
    fn from(e: WireError) -> Self {
        match e {
            WireError::Protocol(m) => Failure::fatal(spi::sqlstate::PROTOCOL_VIOLATION, m),
            WireError::Io(e) => Failure::ClientGone(e.to_string()),
            WireError::Interrupted(e) => Failure::from(e),
            WireError::Sql { sqlstate, message } => Failure::error(sqlstate, message),
        }
    }
}

impl From<spi::SpiError> for Failure {
    fn from(e: spi::SpiError) -> Self {
        let fatal = e.severity == spi::Severity::Fatal;
        let fields = ErrorFields {
            severity: if fatal { "FATAL" } else { "ERROR" }.to_owned(),
            sqlstate: e.sqlstate.to_owned(),
            message: e.message,
            detail: e.detail,
            hint: e.hint,
            position: e.position,
            where_: e.context.map(|c| c.0),
        };
        let fields = Box::new(fields);
        if fatal {
            Failure::Fatal(fields)
        } else {
            Failure::Error(fields)
        }
    }
}

impl From<guc::GucError> for Failure {
    fn from(e: guc::GucError) -> Self {
        // The Display text already carries the hint.
        Failure::error(e.sqlstate(), e.to_string())
    }
}
