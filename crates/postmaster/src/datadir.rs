//! The data directory: initialisation, the inherited lock, and `postmaster.pid`.
//!
//! Layout: `minipg.conf`, `postmaster.pid` (while running), `postmaster.lock` (never removed),
//! `base/<database>/…` (SQLite files, the spi crate's). Mode 0700.
//!
//! The lock: the postmaster holds an exclusive `flock` on `postmaster.lock` through a
//! descriptor that every child inherits. The lock is released only when the last process
//! holding that descriptor is gone, so after a `kill -9` of the postmaster a new one still
//! refuses to start while any old child lives. A `postmaster.pid` left behind by a dead server
//! whose lock nobody holds is simply replaced.

use std::fs;
use std::io::Write;
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::PmError;

/// The configuration file's name.
pub const CONFIG_FILE: &str = "minipg.conf";
/// The pid file's name.
pub const PID_FILE: &str = "postmaster.pid";
const LOCK_FILE: &str = "postmaster.lock";

/// The `minipg.conf` line `postmaster init` adds after the commented defaults.
pub const INIT_EXTRA_CONFIG: &str = "\n# Added by postmaster init: run the worker_spi counter workers.\nshared_preload_libraries = 'worker_spi'\n";

/// Whether `dir` holds an initialised data directory.
pub fn is_initialized(dir: &Path) -> bool {
    dir.join(CONFIG_FILE).is_file() && dir.join("base").is_dir()
}

/// Creates a data directory (mode 0700, `minipg.conf` preloading worker_spi, the `postgres`
/// database). Refuses a non-empty directory that is not one already.
pub fn init(dir: &Path, bootstrap: &str, password: Option<&str>) -> Result<(), PmError> {
    if is_initialized(dir) {
        return Ok(());
    }
    if dir.exists() {
        let non_empty = fs::read_dir(dir)
            .map_err(|e| PmError::io(format!("could not open directory \"{}\"", dir.display()), e))?
            .next()
            .is_some();
        if non_empty && dir.join("base").is_dir() {
            return Err(PmError::Fatal(format!(
                "data directory \"{}\" has no configuration file \"{CONFIG_FILE}\" (restore it, or create one: every setting may be left at its default)",
                dir.display()
            )));
        }
        if non_empty {
            return Err(PmError::Fatal(format!(
                "directory \"{}\" exists but is not empty and is not a minipg data directory",
                dir.display()
            )));
        }
    }
    fs::create_dir_all(dir).map_err(|e| {
        PmError::io(
            format!("could not create directory \"{}\"", dir.display()),
            e,
        )
    })?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| {
        PmError::io(
            format!("could not change permissions of \"{}\"", dir.display()),
            e,
        )
    })?;
    guc::write_default_config(&dir.join(CONFIG_FILE), INIT_EXTRA_CONFIG)
        .map_err(|e| PmError::io(format!("could not write \"{CONFIG_FILE}\""), e))?;
    crate::hba::write_default(&dir.join(auth::hba::FILE_NAME))
        .map_err(|e| PmError::io(format!("could not write \"{}\"", auth::hba::FILE_NAME), e))?;
    spi::init_data_dir(dir).map_err(|e| PmError::Fatal(e.message))?;
    spi::roles::init_roles(dir, bootstrap, password).map_err(|e| PmError::Fatal(e.message))?;
    Ok(())
}

/// Checks the directory's permissions as PostgreSQL does.
pub fn check_permissions(dir: &Path) -> Result<(), PmError> {
    let md = fs::metadata(dir).map_err(|e| {
        PmError::io(
            format!("could not access data directory \"{}\"", dir.display()),
            e,
        )
    })?;
    if md.permissions().mode() & 0o077 != 0 {
        return Err(PmError::Fatal(format!(
            "data directory \"{}\" has invalid permissions (DETAIL: Permissions should be u=rwx (0700).)",
            dir.display()
        )));
    }
    Ok(())
}

/// The pid recorded in `postmaster.pid`, if any.
pub fn read_pid(dir: &Path) -> Option<i32> {
    let s = fs::read_to_string(dir.join(PID_FILE)).ok()?;
    s.lines().next()?.trim().parse().ok()
}

/// Whether a process is alive (a zombie counts as dead).
pub fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks for existence and permission.
    if pid <= 0 || unsafe { libc::kill(pid, 0) } != 0 {
        return false;
    }
    match fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => stat
            .rfind(')')
            .and_then(|i| stat[i + 1..].split_whitespace().next())
            .is_none_or(|state| state != "Z"),
        Err(_) => true,
    }
}

/// Takes the data-directory lock; the descriptor must stay open (and inherited) for life.
pub fn acquire_lock(dir: &Path) -> Result<OwnedFd, PmError> {
    let path = dir.join(LOCK_FILE);
    let f = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| {
            PmError::io(
                format!("could not open lock file \"{}\"", path.display()),
                e,
            )
        })?;
    // SAFETY: flock on a descriptor we own.
    let rc = unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        let pid = read_pid(dir).unwrap_or(0);
        if process_alive(pid) {
            return Err(PmError::Fatal(format!(
                "lock file \"{PID_FILE}\" already exists: is another postmaster (PID {pid}) running in data directory \"{}\"?",
                dir.display()
            )));
        }
        return Err(PmError::Fatal(format!(
            "old server processes still running in data directory \"{}\" (the postmaster with PID {pid} is gone, but its children still hold the data directory lock); wait for them to exit",
            dir.display()
        )));
    }
    Ok(f.into())
}

/// The contents of `postmaster.pid` (PostgreSQL 10+ layout).
#[derive(Debug, Clone)]
pub struct PidFile {
    /// Where it lives.
    pub path: PathBuf,
    /// Line 1..7.
    pub lines: Vec<String>,
}

impl PidFile {
    /// Writes the file with status `starting`.
    pub fn create(
        dir: &Path,
        port: i64,
        socket_dir: &str,
        listen: &str,
    ) -> Result<PidFile, PmError> {
        let start = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let abs = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_owned());
        let pf = PidFile {
            path: dir.join(PID_FILE),
            lines: vec![
                std::process::id().to_string(),
                abs.display().to_string(),
                start.to_string(),
                port.to_string(),
                socket_dir.to_owned(),
                listen.to_owned(),
                "       0         0".to_owned(),
            ],
        };
        pf.set_status("starting")?;
        Ok(pf)
    }

    /// Rewrites the file with a new status line (`starting`, `ready`, `stopping`).
    pub fn set_status(&self, status: &str) -> Result<(), PmError> {
        let tmp = self.path.with_extension("pid.tmp");
        let mut body = self.lines.join("\n");
        body.push('\n');
        body.push_str(&format!("{status:<8}\n"));
        let write = || -> std::io::Result<()> {
            let mut f = fs::OpenOptions::new()
                .create(true)
                .truncate(true)
                .write(true)
                .mode(0o600)
                .open(&tmp)?;
            f.write_all(body.as_bytes())?;
            fs::rename(&tmp, &self.path)
        };
        write().map_err(|e| PmError::io(format!("could not write \"{}\"", self.path.display()), e))
    }

    /// Removes the file (at shutdown).
    pub fn remove(&self) {
        let _ = fs::remove_file(&self.path);
    }
}
