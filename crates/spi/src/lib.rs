//! SQL over SQLite: databases, PostgreSQL schemas, transactions, results, catalog views and SQLSTATEs.
//!
//! Owns: every SQLite connection of a process (opened after fork, never inherited).
//! Never: lets client SQL reach outside the data directory.
