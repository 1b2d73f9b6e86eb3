//! The shared-memory segment.
