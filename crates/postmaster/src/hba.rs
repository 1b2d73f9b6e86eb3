//! The postmaster's side of `minipg_hba.conf`: load it at start (FATAL when it is broken),
//! re-read it on SIGHUP (a broken file keeps the old rules, with a LOG line per error naming
//! the file and line, as PostgreSQL does), and install the rules that backends forked later
//! inherit. A data directory made before minipg had client authentication gets the default file
//! written at start.
//! Never: takes a shared-memory lock or opens SQLite (this runs in the postmaster).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use auth::hba::{self, Address, ConnType, LoadError, Method};

use crate::error::PmError;

/// The hba file `hba_file` names (relative to the data directory; empty = the default).
pub fn path(data_dir: &Path) -> PathBuf {
    let setting = guc::builtin::HBA_FILE.get();
    if setting.is_empty() {
        data_dir.join(hba::FILE_NAME)
    } else {
        data_dir.join(setting)
    }
}

/// Writes the default file (mode 0600); fails if it exists.
pub fn write_default(file: &Path) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(file)?;
    f.write_all(hba::DEFAULT_FILE.as_bytes())
}

fn log_errors(file: &Path, e: &LoadError) {
    match e {
        LoadError::Io(m) => tracing::info!(target: "LOG", "{m}"),
        LoadError::Lines(lines) => {
            for l in lines {
                tracing::info!(
                    target: "LOG",
                    "{}\nCONTEXT:  line {} of configuration file \"{}\"",
                    l.message,
                    l.line_number,
                    file.display()
                );
            }
        }
    }
}

/// Loads and installs the rules at start.
pub fn load_at_start(data_dir: &Path) -> Result<(), PmError> {
    let file = path(data_dir);
    if guc::builtin::HBA_FILE.get().is_empty() && !file.exists() {
        write_default(&file)
            .map_err(|e| PmError::io(format!("could not write \"{}\"", file.display()), e))?;
        tracing::info!(
            "wrote the default client authentication file \"{}\"",
            file.display()
        );
    }
    match hba::load(&file) {
        Ok(rules) => {
            warn_trust(&rules);
            warn_hostssl(&file, &rules);
            hba::install(file, rules);
            Ok(())
        }
        Err(e) => {
            log_errors(&file, &e);
            Err(PmError::Fatal(format!("could not load {}", hba::FILE_NAME)))
        }
    }
}

/// Re-reads the file on SIGHUP.
pub fn reload(data_dir: &Path) {
    let file = path(data_dir);
    match hba::load(&file) {
        Ok(rules) => {
            warn_trust(&rules);
            warn_hostssl(&file, &rules);
            hba::install(file, rules);
        }
        Err(e) => {
            log_errors(&file, &e);
            tracing::info!(target: "LOG", "{} was not reloaded", hba::FILE_NAME);
        }
    }
}

/// A LOG line for each `hostssl` rule while `ssl` is off.
fn warn_hostssl(file: &Path, rules: &[hba::Rule]) {
    if guc::builtin::SSL.get() {
        return;
    }
    for r in rules.iter().filter(|r| r.conn_type == ConnType::HostSsl) {
        tracing::info!(
            target: "LOG",
            "{}\nHINT:  Set ssl = on in minipg.conf.\nCONTEXT:  line {} of configuration file \"{}\"",
            hba::HOSTSSL_WITHOUT_SSL,
            r.line_number,
            file.display()
        );
    }
}

fn is_loopback_net(a: &Address) -> bool {
    match a {
        Address::All => false,
        Address::Net { addr, mask } => match (addr, mask) {
            (IpAddr::V4(a), IpAddr::V4(m)) => u32::from(*m) >= 0xff00_0000 && a.octets()[0] == 127,
            (IpAddr::V6(a), IpAddr::V6(m)) => u128::from(*m) == u128::MAX && a.is_loopback(),
            _ => false,
        },
    }
}

/// Whether the server listens on an address other than loopback.
fn listens_beyond_loopback() -> bool {
    guc::builtin::LISTEN_ADDRESSES
        .get()
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .any(|a| match a {
            "localhost" => false,
            "*" => true,
            other => other.parse::<IpAddr>().map_or(true, |ip| !ip.is_loopback()),
        })
}

/// A WARNING for each `trust` rule that lets in TCP clients from beyond this machine while the
/// server listens there.
fn warn_trust(rules: &[hba::Rule]) {
    if !listens_beyond_loopback() {
        return;
    }
    for r in rules {
        if r.method == Method::Trust
            && r.conn_type != ConnType::Local
            && r.address.as_ref().is_some_and(|a| !is_loopback_net(a))
        {
            tracing::warn!(
                "{} line {} trusts connections from non-local addresses without a password: \"{}\"",
                hba::FILE_NAME,
                r.line_number,
                r.text
            );
        }
    }
}
