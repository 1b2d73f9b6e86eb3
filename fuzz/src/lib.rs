//! Fuzz harnesses for minipg's three parsers of untrusted input: the protocol decoder
//! ([`protocol_decode`]), the whole backend session state machine ([`session`]) and the settings
//! parser ([`guc_parse`]).
//!
//! Each harness is one `run(&[u8])` function. The `cargo fuzz` targets in `fuzz_targets/` call
//! it under libFuzzer; the unit tests here call it on every seed in `corpus/<target>/` and on a
//! few thousand inputs derived from them by a seeded, deterministic mutator ([`mutate`]), so that
//! a plain `cargo test` on a stable toolchain replays everything a fuzz run once found.
//!
//! Invariants: a harness never panics on any input, and a panic (or abort) inside one is a bug
//! in the crate under test, never in the harness. Harnesses never fork, never touch shared memory
//! and never open the network; the only files they write live in one temporary directory made
//! once per process.

pub mod guc_parse;
pub mod mutate;
pub mod protocol_decode;
pub mod session;

#[cfg(test)]
mod tests;
