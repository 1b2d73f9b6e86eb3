//! Background workers through the real server.
