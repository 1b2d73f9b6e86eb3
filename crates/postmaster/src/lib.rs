//! The postmaster.
