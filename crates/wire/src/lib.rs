//! The PostgreSQL frontend/backend protocol (v3) session of one client backend.
//!
//! Owns: message framing, the startup handshake, simple and extended query flows.
//! Never: panics or dies by a signal on bad client input; bad bytes end in an ErrorResponse or FATAL.
