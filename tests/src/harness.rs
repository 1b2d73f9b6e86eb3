//! A real server for a test: its own temporary data directory, its own Unix socket directory
//! and port, no TCP, stderr captured to a log file, and its own process group so that every
//! process it started is killed when the test ends, whatever happened.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::{Duration, Instant};

/// A running (or stopped) test server.
pub struct Server {
    /// The temporary directory holding `data/`, the socket and `server.log`.
    pub root: tempfile::TempDir,
    /// The port (only names the Unix socket; TCP is off).
    pub port: u16,
    /// The postmaster process.
    pub child: Option<Child>,
    /// Extra arguments it was started with.
    pub args: Vec<String>,
    /// The server binary (`minipg-test-server` unless [`Server::with_binary`] names another).
    pub binary: PathBuf,
}

static NEXT_PORT: AtomicU16 = AtomicU16::new(0);

fn pick_port() -> u16 {
    let base = 20_000 + (std::process::id() % 20_000) as u16;
    base + NEXT_PORT.fetch_add(1, Ordering::Relaxed) * 7
}

/// The server binary built for the tests.
pub fn server_binary() -> PathBuf {
    if let Ok(p) = std::env::var("MINIPG_TEST_SERVER") {
        return PathBuf::from(p);
    }
    // tests/…/deps/<test binary> → tests/…/minipg-test-server
    let exe = std::env::current_exe().expect("current exe");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    dir.join("minipg-test-server")
}

impl Server {
    /// A server not yet started (`start` runs it).
    pub fn new(args: &[&str]) -> Server {
        let root = tempfile::Builder::new()
            .prefix("minipg-test")
            .tempdir()
            .expect("tempdir");
        Server {
            root,
            port: pick_port(),
            child: None,
            args: args.iter().map(|s| s.to_string()).collect(),
            binary: server_binary(),
        }
    }

    /// The same server run with another binary (e.g. the release `postmaster`).
    pub fn with_binary(mut self, binary: PathBuf) -> Server {
        self.binary = binary;
        self
    }

    /// `postmaster init` of the data directory (which the first start would also do).
    pub fn init(&self) -> Result<(), String> {
        let out = Command::new(&self.binary)
            .arg("init")
            .args(self.base_args())
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.binary.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "postmaster init failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// Starts a server with `args` (e.g. `-c`, `worker_spi.naptime=1`) and waits until ready.
    pub fn start(args: &[&str]) -> Server {
        let mut s = Server::new(args);
        s.spawn();
        s.wait_ready();
        s
    }

    /// The data directory.
    pub fn data_dir(&self) -> PathBuf {
        self.root.path().join("data")
    }

    /// The socket directory.
    pub fn socket_dir(&self) -> PathBuf {
        self.root.path().to_owned()
    }

    /// The log file.
    pub fn log_path(&self) -> PathBuf {
        self.root.path().join("server.log")
    }

    /// The common arguments of every invocation.
    pub fn base_args(&self) -> Vec<String> {
        vec![
            "-D".into(),
            self.data_dir().display().to_string(),
            "-p".into(),
            self.port.to_string(),
            "-c".into(),
            format!("unix_socket_directories={}", self.socket_dir().display()),
            "-c".into(),
            "listen_addresses=".into(),
        ]
    }

    /// A command for the server binary with the base arguments.
    pub fn command(&self) -> Command {
        let mut c = Command::new(&self.binary);
        c.args(self.base_args())
            .env_remove("PGPORT")
            .env_remove("PGDATA");
        c
    }

    /// A command for the client program `tool` (psql, pgbench) that reaches this server as
    /// `postgres`: its socket directory and port, and no `PG*` variable of the caller's.
    pub fn client_command(&self, tool: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(tool);
        c.arg("-h")
            .arg(self.socket_dir())
            .args(["-p", &self.port.to_string(), "-U", "postgres"]);
        for var in ["PGOPTIONS", "PGDATABASE", "PGHOST", "PGPORT", "PGUSER"] {
            c.env_remove(var);
        }
        c
    }

    /// Starts the postmaster (appending to the log) without waiting.
    pub fn spawn(&mut self) {
        self.try_spawn().expect("spawn server");
    }

    /// Same, returning what went wrong instead of panicking.
    pub fn try_spawn(&mut self) -> Result<(), String> {
        let log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log_path())
            .map_err(|e| format!("server log: {e}"))?;
        let log2 = log.try_clone().map_err(|e| format!("server log: {e}"))?;
        use std::os::unix::process::CommandExt;
        let child = self
            .command()
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(log2)
            .stderr(log)
            .process_group(0)
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", self.binary.display()))?;
        self.child = Some(child);
        Ok(())
    }

    /// The status line of `postmaster.pid` (`starting`, `ready`, `stopping`), if the file is there.
    pub fn pid_file_status(&self) -> Option<String> {
        let text = fs::read_to_string(self.data_dir().join("postmaster.pid")).ok()?;
        text.lines().nth(7).map(|l| l.trim().to_owned())
    }

    /// Polls `postmaster.pid` every 100 µs until it says `ready`; the time that took (None
    /// after `timeout`). Finer than [`Server::wait_ready`], for measurements.
    pub fn wait_pid_file_ready(&self, timeout: Duration) -> Option<Duration> {
        let t0 = Instant::now();
        while self.pid_file_status().as_deref() != Some("ready") {
            if t0.elapsed() > timeout {
                return None;
            }
            std::thread::sleep(Duration::from_micros(100));
        }
        Some(t0.elapsed())
    }

    /// Stops the postmaster with `sig` (SIGINT: fast) and waits for it; the time that took.
    pub fn stop_with(&mut self, sig: i32) -> Option<Duration> {
        let mut child = self.child.take()?;
        let t0 = Instant::now();
        // SAFETY: signalling our own server's postmaster.
        unsafe { libc::kill(child.id() as i32, sig) };
        let _ = child.wait();
        Some(t0.elapsed())
    }

    /// The postmaster's pid.
    pub fn pid(&self) -> i32 {
        self.child.as_ref().map(|c| c.id() as i32).unwrap_or(0)
    }

    /// The whole log so far.
    pub fn log(&self) -> String {
        fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    /// How many log lines contain `pat`.
    pub fn count_log(&self, pat: &str) -> usize {
        self.log().lines().filter(|l| l.contains(pat)).count()
    }

    /// Waits until at least `n` log lines contain `pat`.
    pub fn wait_log_n(&self, pat: &str, n: usize, timeout: Duration) -> bool {
        let t0 = Instant::now();
        while t0.elapsed() < timeout {
            if self.count_log(pat) >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    /// Waits until a log line contains `pat`; panics with the log on timeout.
    pub fn expect_log(&self, pat: &str, timeout: Duration) {
        assert!(
            self.wait_log_n(pat, 1, timeout),
            "no log line with {pat:?} within {timeout:?}; log:\n{}",
            self.log()
        );
    }

    /// Waits for "ready to accept connections" (counting from `n` earlier ones).
    pub fn wait_ready_n(&self, n: usize) {
        self.expect_n(
            "database system is ready to accept connections",
            n,
            Duration::from_secs(20),
        );
    }

    /// Waits for the first "ready".
    pub fn wait_ready(&self) {
        self.wait_ready_n(1);
    }

    /// Like `expect_log` for the n-th occurrence.
    pub fn expect_n(&self, pat: &str, n: usize, timeout: Duration) {
        assert!(
            self.wait_log_n(pat, n, timeout),
            "fewer than {n} log lines with {pat:?} within {timeout:?}; log:\n{}",
            self.log()
        );
    }

    /// Panics (with the log) if the log shows a crash: a crash reset, a PANIC or a child
    /// killed by a signal.
    pub fn assert_no_crash(&self) {
        let log = self.log();
        for bad in [
            "terminating any other active server processes",
            "PANIC",
            "was terminated by signal",
        ] {
            assert!(!log.contains(bad), "the server log has {bad:?}:\n{log}");
        }
    }

    /// A `postgres` crate client over the Unix socket.
    pub fn connect(&self) -> postgres::Client {
        self.try_connect().expect("connect")
    }

    /// Same, returning the error.
    pub fn try_connect(&self) -> Result<postgres::Client, postgres::Error> {
        self.try_connect_to("postgres")
    }

    /// A client of database `db` as `postgres`.
    pub fn try_connect_to(&self, db: &str) -> Result<postgres::Client, postgres::Error> {
        postgres::Config::new()
            .host_path(self.socket_dir())
            .port(self.port)
            .user("postgres")
            .dbname(db)
            .connect(postgres::NoTls)
    }

    /// Every live process of this server's process group: (pid, title).
    pub fn processes(&self) -> Vec<(i32, String)> {
        let pgrp = self.pid();
        let mut out = Vec::new();
        let Ok(rd) = fs::read_dir("/proc") else {
            return out;
        };
        for e in rd.flatten() {
            let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
                continue;
            };
            let f: Vec<&str> = rest.split_whitespace().collect();
            if f.first() == Some(&"Z") || f.get(2).and_then(|g| g.parse::<i32>().ok()) != Some(pgrp)
            {
                continue;
            }
            let title = fs::read(format!("/proc/{pid}/cmdline"))
                .map(|b| {
                    String::from_utf8_lossy(&b)
                        .replace('\0', " ")
                        .trim()
                        .to_owned()
                })
                .unwrap_or_default();
            out.push((pid, title));
        }
        out
    }

    /// Pids whose title contains `pat`.
    pub fn pids_titled(&self, pat: &str) -> Vec<i32> {
        self.processes()
            .into_iter()
            .filter(|(_, t)| t.contains(pat))
            .map(|(p, _)| p)
            .collect()
    }

    /// Waits until exactly one process is titled with `pat` and returns it.
    pub fn wait_pid_titled(&self, pat: &str, timeout: Duration) -> i32 {
        let t0 = Instant::now();
        loop {
            let p = self.pids_titled(pat);
            if p.len() == 1 {
                return p[0];
            }
            assert!(
                t0.elapsed() < timeout,
                "no single process titled {pat:?}: {:?}",
                self.processes()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Sends `sig` to `pid`.
    pub fn kill(pid: i32, sig: i32) {
        // SAFETY: sending a signal to a process of this test's server.
        unsafe { libc::kill(pid, sig) };
    }

    /// Waits for the postmaster to exit; returns its exit code (None: killed by a signal).
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let t0 = Instant::now();
        let child = self.child.as_mut().expect("started");
        loop {
            if let Some(st) = child.try_wait().expect("try_wait") {
                return st.code();
            }
            assert!(
                t0.elapsed() < timeout,
                "server did not exit; log:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Runs `postmaster <sub> -D dir ...` and returns (exit code, stdout+stderr).
    pub fn ctl(&self, sub: &[&str]) -> (i32, String) {
        let out = Command::new(&self.binary)
            .args(sub)
            .args(self.base_args())
            .output()
            .expect("run ctl");
        let mut s = String::from_utf8_lossy(&out.stdout).into_owned();
        s.push_str(&String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), s)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pg = self.pid();
        if pg > 0 {
            // SAFETY: killing this test server's own process group.
            unsafe { libc::killpg(pg, libc::SIGKILL) };
            if let Some(c) = self.child.as_mut() {
                let _ = c.wait();
            }
        }
        if std::thread::panicking() && std::env::var_os("MINIPG_KEEP_FAILED").is_some() {
            // Keep the data directory and log of a failed test for a post-mortem.
            let dir = std::mem::replace(&mut self.root, tempfile::tempdir().expect("tempdir"));
            eprintln!("kept {}", dir.keep().display());
        }
    }
}

/// The psql binary: the real one when Debian's wrapper is in the way, else `psql` on PATH.
pub fn psql_binary() -> Option<PathBuf> {
    for v in [17, 16, 15, 14, 13] {
        let p = PathBuf::from(format!("/usr/lib/postgresql/{v}/bin/psql"));
        if p.exists() {
            return Some(p);
        }
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("psql"))
            .find(|p| p.exists())
    })
}

/// pgbench, likewise.
pub fn pgbench_binary() -> Option<PathBuf> {
    for v in [17, 16, 15, 14, 13] {
        let p = PathBuf::from(format!("/usr/lib/postgresql/{v}/bin/pgbench"));
        if p.exists() {
            return Some(p);
        }
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("pgbench"))
            .find(|p| p.exists())
    })
}

/// Set to `1` to skip (not fail) the tests that need psql or pgbench when they are missing.
pub const SKIP_CLIENT_TESTS_ENV: &str = "MINIPG_SKIP_CLIENT_TESTS";

/// For a test that needs a client tool (`psql`, `pgbench`), found by `find`: its path. When it
/// is missing the test fails with what to install — or, with
/// `MINIPG_SKIP_CLIENT_TESTS=1`, prints that it was skipped and returns `None` (the
/// caller returns and the test passes).
pub fn require_tool(test: &str, tool: &str, find: fn() -> Option<PathBuf>) -> Option<PathBuf> {
    if let Some(p) = find() {
        return Some(p);
    }
    if std::env::var(SKIP_CLIENT_TESTS_ENV).is_ok_and(|v| v == "1") {
        println!("{test}: skipped: {tool} is not installed and {SKIP_CLIENT_TESTS_ENV}=1");
        return None;
    }
    panic!(
        "{test} needs {tool} (Debian: `apt-get install postgresql-client-15`, or \
         `postgresql-15` for pgbench; .ci/run installs it); set {SKIP_CLIENT_TESTS_ENV}=1 to \
         skip this test instead"
    );
}

/// Whether `pid` exists and is not a zombie.
pub fn process_alive(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let exists = unsafe { libc::kill(pid, 0) } == 0;
    let zombie = fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|st| {
            st.rfind(')')
                .map(|i| st[i + 1..].trim_start().starts_with('Z'))
                .unwrap_or(false)
        })
        .unwrap_or(true);
    exists && !zombie
}

/// The first column of each row among a simple query's messages (`None` for NULL).
pub fn first_column(msgs: &[postgres::SimpleQueryMessage]) -> Vec<Option<String>> {
    msgs.iter()
        .filter_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => Some(r.get(0).map(str::to_owned)),
            _ => None,
        })
        .collect()
}

/// Runs `cmd` with `input` on its stdin and its output captured (a psql script, a dump).
pub fn run_with_input(cmd: &mut Command, input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    // A client that exits early closes its stdin: its output says why, not this write.
    let _ = child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes());
    child.wait_with_output().expect("wait")
}

/// Polls `f` every 10 ms until it holds or `timeout` passes; returns whether it held.
pub fn wait_until(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let t0 = Instant::now();
    loop {
        if f() {
            return true;
        }
        if t0.elapsed() >= timeout {
            return false;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The log lines of `s` containing `pat`, in order.
pub fn lines_with(s: &Server, pat: &str) -> Vec<String> {
    s.log()
        .lines()
        .filter(|l| l.contains(pat))
        .map(str::to_owned)
        .collect()
}

/// Milliseconds since midnight of a log line's `YYYY-MM-DD HH:MM:SS.mmm UTC` prefix.
pub fn log_ms(line: &str) -> i64 {
    let t = line
        .get(11..23)
        .unwrap_or_else(|| panic!("no timestamp in {line:?}"));
    let num = |a: usize, b: usize| {
        t[a..b]
            .parse::<i64>()
            .unwrap_or_else(|_| panic!("bad timestamp in {line:?}"))
    };
    ((num(0, 2) * 60 + num(3, 5)) * 60 + num(6, 8)) * 1000 + num(9, 12)
}

/// Milliseconds from log line `a` to log line `b` (across midnight too).
pub fn log_gap_ms(a: &str, b: &str) -> i64 {
    (log_ms(b) - log_ms(a)).rem_euclid(86_400_000)
}

/// The first column of the first row `sql` returns, as text (`""` for NULL); panics on an
/// error or no row.
pub fn value(c: &mut postgres::Client, sql: &str) -> String {
    let rows = c.simple_query(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter()
        .find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => Some(r.get(0).unwrap_or("").to_string()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("{sql}: no row"))
}

/// The SQLSTATE `sql` fails with; panics when it succeeds.
pub fn sqlstate_of(c: &mut postgres::Client, sql: &str) -> String {
    let e = c.simple_query(sql).expect_err(sql);
    let db = e.as_db_error().unwrap_or_else(|| panic!("{sql}: {e}"));
    db.code().code().to_string()
}

/// The PID of the backend serving `c`.
pub fn backend_pid(c: &mut postgres::Client) -> i32 {
    value(c, "select pg_backend_pid()").parse().expect("pid")
}
