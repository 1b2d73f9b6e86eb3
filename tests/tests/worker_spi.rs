//! worker_spi with the real server (stub).
