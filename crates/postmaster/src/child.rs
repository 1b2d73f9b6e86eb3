//! The processes the postmaster forks, and what runs only in them.
//!
//! Everything below this module runs after `fork`, in a child: the startup process
//! ([`startup`]), a client backend around the wire session ([`backend`]), autovacuum's
//! launcher and workers ([`autovacuum`]), the WAL writer and the group-commit wait
//! ([`walwriter`]), the VFS that keeps SQLite's WAL-index locks in shared memory
//! ([`walindex_vfs`]), the hooks that connect spi and wire to shared memory in a child
//! ([`hooks`]), and the per-database name table two of them share ([`dbslot`]).
//!
//! Invariant: this is the only part of the postmaster crate that opens SQLite, takes a PGPROC
//! or a shared-memory lock. The postmaster process itself (`server`, `pmstate`, `listen`,
//! `signals`, `datadir`) only forks these and reaps them. Background workers run through
//! `bgworker::runtime`, the same way.

pub mod autovacuum;
pub mod backend;
pub(crate) mod dbslot;
pub mod hooks;
pub mod startup;
pub mod walindex_vfs;
pub mod walwriter;
