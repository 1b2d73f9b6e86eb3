//! Settings ("GUCs"): built-in defaults, the environment, `minipg.conf`, `-c` overrides,
//! SIGHUP reload and module-defined settings.
//!
//! Owns: the registry of every setting in this process, their types, units, ranges and contexts.
//! Never: touches shared memory or takes a lock another process could hold; each process keeps
//! its own copy (inherited at fork, re-read from the file on SIGHUP).
