//! The PostgreSQL v3 frontend/backend protocol as bytes: framing, and one small function per
//! message in each direction.
//!
//! Owns: the byte layout of every message minipg speaks, and the hard limits on what a client may
//! send. Invariants: decoding never panics and never allocates more than the bytes actually
//! received (a declared length is a promise, not a reservation); every decoded string is valid
//! UTF-8 without NUL; a message body is consumed exactly (bytes left over are a violation).
//! Never: touches a socket; this module is pure so that every malformed case is unit-testable.
//!
//! Written by hand in the style of rust-postgres' `postgres-protocol` rather than over `pgwire`'s
//! `messages`: the backend is blocking and speaks exactly protocol 3.0, and owning the framing
//! lets the limits (length < 4, > 1 GiB, startup packet > 10 kB) be enforced before any buffer
//! grows, with an error type that maps one-to-one onto SQLSTATE 08P01.

pub mod backend;
pub mod framing;
pub mod frontend;
mod reader;
mod writer;

pub use reader::MessageReader;

/// PostgreSQL's object id of a type.
pub type Oid = u32;

/// The protocol version this server speaks: 3.0.
pub const PROTOCOL_VERSION_3_0: i32 = 3 << 16;
/// `SSLRequest`'s magic "version" 1234.5679.
pub const SSL_REQUEST_CODE: i32 = (1234 << 16) | 5679;
/// `GSSENCRequest`'s magic "version" 1234.5680.
pub const GSSENC_REQUEST_CODE: i32 = (1234 << 16) | 5680;
/// `CancelRequest`'s magic "version" 1234.5678.
pub const CANCEL_REQUEST_CODE: i32 = (1234 << 16) | 5678;

/// Largest startup packet accepted, length word included (PostgreSQL's MAX_STARTUP_PACKET_LENGTH).
pub const MAX_STARTUP_PACKET_LENGTH: usize = 10_000;
/// Largest regular message accepted, length word included (PostgreSQL's PQ_LARGE_MESSAGE_LIMIT + 1).
pub const MAX_MESSAGE_LENGTH: usize = 1 << 30;

/// Format code of a parameter or result column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Format code 0.
    Text,
    /// Format code 1.
    Binary,
}

impl Format {
    /// The wire code.
    pub fn code(self) -> i16 {
        match self {
            Format::Text => 0,
            Format::Binary => 1,
        }
    }
}
