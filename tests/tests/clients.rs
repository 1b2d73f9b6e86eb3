//! clients (stub).
