//! A throwaway PostgreSQL 15 cluster, for the tests that compare minipg with the real thing
//! (the differential SQL test, the driver round trips) and for `cargo xtask bench`'s
//! comparison column: `initdb --no-locale -E UTF8` (C collation: minipg compares text
//! bytewise) into a temporary directory, trust authentication, Unix socket only (in that
//! directory), run as the `postgres` OS user when the caller is root (PostgreSQL refuses to run
//! as root). Dropping the cluster stops it (fast shutdown) and removes the directory.
//!
//! Tests that need PostgreSQL 15 call [`require`]: a missing installation fails the test with
//! a message saying what to install, unless `MINIPG_SKIP_PG15_TESTS=1` is set, in which case the
//! test prints that it was skipped and passes.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian's `postgresql-15` package puts the server binaries.
pub const PG15_BIN: &str = "/usr/lib/postgresql/15/bin";

/// Overrides [`PG15_BIN`] (a PostgreSQL 15 installed elsewhere).
pub const BIN_ENV: &str = "MINIPG_PG15_BIN";

/// The environment variable that turns a missing PostgreSQL 15 into a skipped test.
pub const SKIP_ENV: &str = "MINIPG_SKIP_PG15_TESTS";

/// Server options for comparisons: the session settings minipg defaults to.
pub const TEST_OPTIONS: &[&str] = &[
    "-c",
    "TimeZone=UTC",
    "-c",
    "DateStyle=ISO, MDY",
    // A throwaway cluster: no need to wait for the disk (CREATE DATABASE per corpus file).
    "-c",
    "fsync=off",
];

/// A running throwaway PostgreSQL 15.
pub struct PgCluster {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
    /// The OS user PostgreSQL runs as when the caller is root.
    as_user: Option<(u32, u32)>,
    /// The server options it was started with.
    options: Vec<String>,
    /// How long the last start took until `postmaster.pid` said ready.
    last_start: Option<Duration>,
}

/// The directory of PostgreSQL 15's `initdb` and `postgres`: `$MINIPG_PG15_BIN`, else
/// [`PG15_BIN`].
pub fn bin_dir() -> PathBuf {
    std::env::var_os(BIN_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(PG15_BIN))
}

/// Whether the PostgreSQL 15 server binaries are installed.
pub fn installed() -> bool {
    let bin = bin_dir();
    bin.join("initdb").exists() && bin.join("postgres").exists()
}

/// For a test that needs PostgreSQL 15: `true` when it is installed. When it is not, panics
/// with what to install — or, with `MINIPG_SKIP_PG15_TESTS=1`, prints that `test` was skipped
/// and returns `false` (the caller returns, and the test passes).
pub fn require(test: &str) -> bool {
    if installed() {
        return true;
    }
    if std::env::var(SKIP_ENV).is_ok_and(|v| v == "1") {
        println!(
            "{test}: skipped: PostgreSQL 15 is not installed ({}) and {SKIP_ENV}=1",
            bin_dir().display()
        );
        return false;
    }
    panic!(
        "{test} needs PostgreSQL 15's server binaries (initdb, postgres) in {} (Debian: \
         `apt-get install postgresql-15`, which .ci/run does; or point {BIN_ENV} at them); \
         set {SKIP_ENV}=1 to skip this test instead",
        bin_dir().display()
    );
}

impl PgCluster {
    /// initdb and start on `port` (which only names the Unix socket: TCP is off) with the
    /// server options `options` (e.g. [`TEST_OPTIONS`]); waits until it accepts connections.
    pub fn start(port: u16, options: &[&str]) -> Result<PgCluster, String> {
        let bin = bin_dir();
        if !installed() {
            return Err(format!(
                "PostgreSQL 15 is not installed in {}",
                bin.display()
            ));
        }
        let dir = tempfile::Builder::new()
            .prefix("minipg-pg15")
            .tempdir()
            .map_err(|e| format!("tempdir: {e}"))?;
        // PostgreSQL refuses to run as root: use the `postgres` account then.
        // SAFETY: geteuid has no preconditions.
        let as_user = if unsafe { libc::geteuid() } == 0 {
            let u = nix::unistd::User::from_name("postgres")
                .ok()
                .flatten()
                .ok_or("running as root and there is no `postgres` OS user to run PostgreSQL")?;
            std::os::unix::fs::chown(dir.path(), Some(u.uid.as_raw()), Some(u.gid.as_raw()))
                .map_err(|e| format!("chown {}: {e}", dir.path().display()))?;
            Some((u.uid.as_raw(), u.gid.as_raw()))
        } else {
            None
        };
        let data = dir.path().join("data");
        let mut initdb = Command::new(bin.join("initdb"));
        initdb.current_dir(dir.path());
        if let Some((uid, gid)) = as_user {
            use std::os::unix::process::CommandExt;
            initdb.uid(uid).gid(gid);
        }
        let out = initdb
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "--no-locale",
                "-E",
                "UTF8",
                "-D",
            ])
            .arg(&data)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("running initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed ({}): {}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let mut pg = PgCluster {
            dir,
            port,
            child: None,
            as_user,
            options: options.iter().map(|o| (*o).to_owned()).collect(),
            last_start: None,
        };
        pg.spawn()?;
        Ok(pg)
    }

    /// Starts `postgres` on the existing data directory and waits until it accepts
    /// connections.
    fn spawn(&mut self) -> Result<(), String> {
        use std::os::unix::process::CommandExt;
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .map_err(|e| format!("log: {e}"))?;
        let mut c = Command::new(bin_dir().join("postgres"));
        c.current_dir(self.dir.path());
        if let Some((uid, gid)) = self.as_user {
            c.uid(uid).gid(gid);
        }
        let child = c
            .arg("-D")
            .arg(self.data_dir())
            .args(["-p", &self.port.to_string(), "-k"])
            .arg(self.dir.path())
            .args(["-c", "listen_addresses="])
            .args(&self.options)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting postgres: {e}"))?;
        self.child = Some(child);
        let t0 = Instant::now();
        loop {
            // postmaster.pid says `ready` (PostgreSQL 10+) once connections are accepted;
            // polled finely so that the bench's start figure is PostgreSQL's, not the poll's.
            if self.pid_file_status().as_deref() == Some("ready") {
                let ready = t0.elapsed();
                if self.client().is_ok() {
                    self.last_start = Some(ready);
                    return Ok(());
                }
            }
            if let Some(c) = self.child.as_mut()
                && let Ok(Some(st)) = c.try_wait()
            {
                self.child = None;
                return Err(format!("postgres exited ({st}); log:\n{}", self.log()));
            }
            if t0.elapsed() > Duration::from_secs(30) {
                return Err(format!(
                    "postgres did not accept connections within 30 s; log:\n{}",
                    self.log()
                ));
            }
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// The status line of `postmaster.pid` (`starting`, `ready`, `stopping`), if it is there.
    pub fn pid_file_status(&self) -> Option<String> {
        let text = std::fs::read_to_string(self.data_dir().join("postmaster.pid")).ok()?;
        text.lines().nth(7).map(|l| l.trim().to_owned())
    }

    /// How long the last (re)start took, from spawning `postgres` until `postmaster.pid` said
    /// ready.
    pub fn last_start(&self) -> Option<Duration> {
        self.last_start
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The postmaster's pid (0 when it is not running).
    pub fn pid(&self) -> i32 {
        self.child.as_ref().map_or(0, |c| c.id() as i32)
    }

    /// Stops the server with `sig` (SIGINT: fast shutdown; SIGKILL: the postmaster alone
    /// dies) and reaps the postmaster.
    pub fn stop_with(&mut self, sig: i32) {
        if let Some(mut c) = self.child.take() {
            // SAFETY: signalling our own throwaway PostgreSQL.
            unsafe { libc::kill(c.id() as i32, sig) };
            let _ = c.wait();
        }
    }

    /// Starts the stopped server again on the same data directory; waits until it accepts
    /// connections.
    pub fn restart(&mut self) -> Result<(), String> {
        self.stop_with(libc::SIGINT);
        self.spawn()
    }

    /// The directory holding the Unix socket (`.s.PGSQL.<port>`).
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The port (names the socket).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// Where the server logs.
    pub fn log_path(&self) -> PathBuf {
        self.dir.path().join("log")
    }

    /// A `postgres` crate client as `postgres` to database `postgres`.
    pub fn client(&self) -> Result<postgres::Client, postgres::Error> {
        postgres::Config::new()
            .host_path(self.dir.path())
            .port(self.port)
            .user("postgres")
            .dbname("postgres")
            .connect(postgres::NoTls)
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            // SAFETY: fast shutdown of our own throwaway PostgreSQL.
            unsafe { libc::kill(c.id() as i32, libc::SIGINT) };
            let _ = c.wait();
        }
    }
}
