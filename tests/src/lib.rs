//! Test support for minipg's integration tests: the `test_workers` module (background workers
//! that misbehave on purpose, built into the `minipg-test-server` binary) and a [`harness`]
//! that runs a real server in a temporary data directory on a Unix socket of its own, and the
//! [`chaos`] run (clients and random signals against a real server, used by `cargo xtask chaos`),
//! a throwaway PostgreSQL 15 to compare with ([`pg15`]) and raw protocol clients ([`rawpg`]).

pub mod chaos;
pub mod harness;
pub mod pg15;
pub mod rawpg;
pub mod test_roles;
pub mod test_workers;
