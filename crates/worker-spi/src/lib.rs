//! worker_spi: the counter worker module.
