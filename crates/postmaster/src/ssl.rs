//! The postmaster's side of TLS: when `ssl` is on, load `ssl_cert_file` and `ssl_key_file`
//! (relative to the data directory) at start (FATAL when they cannot be used, as PostgreSQL)
//! and again on SIGHUP (a failure keeps the configuration in force, with a LOG line), and
//! install the rustls configuration that backends forked later inherit.
//! Never: takes a shared-memory lock or opens SQLite.

use std::path::Path;

use crate::error::PmError;

fn load(data_dir: &Path) -> Result<Option<wire::tls::TlsSetup>, String> {
    if !guc::builtin::SSL.get() {
        return Ok(None);
    }
    let cert = data_dir.join(guc::builtin::SSL_CERT_FILE.get());
    let key = data_dir.join(guc::builtin::SSL_KEY_FILE.get());
    wire::tls::load_server_config(&cert, &key).map(Some)
}

/// At start.
pub fn load_at_start(data_dir: &Path) -> Result<(), PmError> {
    let config = load(data_dir).map_err(PmError::Fatal)?;
    wire::tls::install_server_config(config);
    Ok(())
}

/// On SIGHUP.
pub fn reload(data_dir: &Path) {
    match load(data_dir) {
        Ok(config) => wire::tls::install_server_config(config),
        Err(e) => {
            tracing::info!(target: "LOG", "{e}");
            tracing::info!(target: "LOG", "SSL configuration was not reloaded");
        }
    }
}
