//! The postmaster as a user meets it: start and ready, process titles, `status` exit codes,
//! `reload` with a changed and with a bad value, each shutdown mode (smart, fast, immediate)
//! leaving no socket, socket lock or `postmaster.pid`, the data-directory lock (a second
//! postmaster refused; an old child that outlives a SIGKILLed postmaster keeps a new one out
//! until it exits; a stale `postmaster.pid` replaced), bad settings rejected at start with a
//! message naming the setting, the crash path (a SIGKILLed backend or worker: the three log
//! lines, every process replaced, ready again; a child that ignores SIGQUIT SIGKILLed after 5 s;
//! clients refused with 57P03 meanwhile), a SIGKILLed postmaster leaving no child behind, and
//! pre-forked backends (`prefork_backends`): the next connection is served by the waiting one,
//! a reload replaces it, a smart shutdown does not wait for it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tests::harness::{
    Server, backend_pid, lines_with, log_gap_ms, process_alive, sqlstate_of, value, wait_until,
};

const NO_WORKERS: &[&str] = &["-c", "shared_preload_libraries="];

/// The index of the first log line containing `pat`, searching from line `from`.
fn line_index(s: &Server, pat: &str, from: usize) -> Option<usize> {
    s.log()
        .lines()
        .enumerate()
        .skip(from)
        .find(|(_, l)| l.contains(pat))
        .map(|(i, _)| i)
}

/// Runs another postmaster on `s`'s data directory (same arguments) and returns its exit code
/// and output; it is killed (with its process group) if it is still running after `timeout`.
fn run_another(s: &Server, extra: &[&str], timeout: Duration) -> (Option<i32>, String) {
    use std::os::unix::process::CommandExt;
    let mut child = s
        .command()
        .args(&s.args)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("spawn another postmaster");
    let t0 = Instant::now();
    let mut killed = false;
    while child.try_wait().expect("try_wait").is_none() {
        if t0.elapsed() > timeout {
            // SAFETY: killing the process group of the postmaster this test just started.
            unsafe { libc::killpg(child.id() as i32, libc::SIGKILL) };
            killed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("wait");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (if killed { None } else { out.status.code() }, text)
}

fn socket_path(s: &Server) -> std::path::PathBuf {
    s.socket_dir().join(format!(".s.PGSQL.{}", s.port))
}

/// Asserts that a stopped server left neither its socket, the socket's lock file nor
/// `postmaster.pid` behind.
fn assert_clean_after_stop(s: &Server) {
    let sock = socket_path(s);
    let lock = Path::new(&format!("{}.lock", sock.display())).to_owned();
    assert!(!sock.exists(), "socket {} left behind", sock.display());
    assert!(!lock.exists(), "socket lock {} left behind", lock.display());
    assert!(
        !s.data_dir().join("postmaster.pid").exists(),
        "postmaster.pid left behind"
    );
}

fn show(c: &mut postgres::Client, name: &str) -> String {
    let rows = c.simple_query(&format!("SHOW {name}")).expect("SHOW");
    tests::harness::first_column(&rows)
        .into_iter()
        .next()
        .flatten()
        .expect("a row")
}

/// The SQLSTATE and message of a server error.
fn db_error(e: &postgres::Error) -> (String, String) {
    match e.as_db_error() {
        Some(d) => (d.code().code().to_owned(), d.message().to_owned()),
        None => (String::new(), e.to_string()),
    }
}

fn append_conf(s: &Server, text: &str) {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(s.data_dir().join("minipg.conf"))
        .expect("open minipg.conf");
    writeln!(f, "{text}").expect("append to minipg.conf");
}

#[test]
fn start_ready_titles_status_and_fast_stop() {
    let mut s = Server::start(&[]);
    // The pid file says ready and names the postmaster.
    let pid_file =
        std::fs::read_to_string(s.data_dir().join("postmaster.pid")).expect("postmaster.pid");
    let lines: Vec<&str> = pid_file.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some(s.pid().to_string().as_str()),
        "pid file: {pid_file}"
    );
    assert_eq!(
        lines.get(3).copied(),
        Some(s.port.to_string().as_str()),
        "pid file: {pid_file}"
    );
    assert_eq!(
        lines.last().map(|l| l.trim()),
        Some("ready"),
        "pid file: {pid_file}"
    );
    assert!(socket_path(&s).exists());

    let (code, out) = s.ctl(&["status"]);
    assert_eq!(code, 0, "status of a running server: {out}");
    assert!(
        out.contains(&format!("server is running (PID: {})", s.pid())),
        "{out}"
    );

    // Process titles: the workers of the default minipg.conf and a connected client.
    s.wait_pid_titled(
        "postmaster: bgworker: SPI worker 1",
        Duration::from_secs(10),
    );
    s.wait_pid_titled(
        "postmaster: bgworker: SPI worker 2",
        Duration::from_secs(10),
    );
    let mut c = s.connect();
    let me = backend_pid(&mut c);
    let titled = s.wait_pid_titled(
        "postmaster: postgres postgres [local] idle",
        Duration::from_secs(10),
    );
    assert_eq!(titled, me, "the idle client's backend: {:?}", s.processes());

    // Fast shutdown: the client is ended, every process goes, the files are removed.
    let (code, out) = s.ctl(&["stop", "-m", "fast"]);
    assert_eq!(code, 0, "stop -m fast: {out}");
    assert!(out.contains("server stopped"), "{out}");
    assert_eq!(
        s.wait_exit(Duration::from_secs(10)),
        Some(0),
        "exit code after fast shutdown"
    );
    s.expect_log("received fast shutdown request", Duration::from_secs(5));
    s.expect_log("database system is shut down", Duration::from_secs(5));
    assert_eq!(
        s.count_log("terminating any other active server processes"),
        0,
        "{}",
        s.log()
    );
    assert!(
        c.simple_query("select 1").is_err(),
        "the client was disconnected"
    );
    assert!(s.processes().is_empty(), "left: {:?}", s.processes());
    assert_clean_after_stop(&s);

    let (code, out) = s.ctl(&["status"]);
    assert_eq!(code, 3, "status of a stopped server: {out}");
    assert!(out.contains("no server running"), "{out}");
    let (code, out) = s.ctl(&["stop"]);
    assert_eq!(code, 3, "stop of a stopped server: {out}");
    let (code, out) = s.ctl(&["reload"]);
    assert_ne!(code, 0, "reload of a stopped server: {out}");
}

#[test]
fn status_before_the_first_start_is_3() {
    let s = Server::new(NO_WORKERS);
    let (code, out) = s.ctl(&["status"]);
    assert_eq!(code, 3, "status with no data directory: {out}");
}

#[test]
fn smart_shutdown_waits_for_clients() {
    let mut s = Server::start(&[
        "-c",
        "shared_preload_libraries=test_workers",
        "-c",
        "test_workers.enable=idle",
    ]);
    s.expect_log("test worker idle started", Duration::from_secs(10));
    let mut c = s.connect();
    std::thread::scope(|scope| {
        let stop = scope.spawn(|| s.ctl(&["stop", "-m", "smart"]));
        s.expect_log("received smart shutdown request", Duration::from_secs(10));
        // Workers are told to stop at once; the client keeps its session.
        s.expect_log("test worker idle got sigterm", Duration::from_secs(10));
        c.simple_query("select 1")
            .expect("a connected client still runs queries during a smart shutdown");
        // New clients are turned away.
        let err = s
            .try_connect()
            .err()
            .expect("a new connection during a smart shutdown is refused");
        let (code, msg) = db_error(&err);
        assert_eq!(code, "57P03", "{msg}");
        assert!(msg.contains("shutting down"), "{msg}");
        assert!(
            !stop.is_finished(),
            "stop returned while a client is still connected"
        );
        assert_eq!(s.count_log("database system is shut down"), 0);
        drop(c);
        let (code, out) = stop.join().expect("stop thread");
        assert_eq!(code, 0, "stop -m smart: {out}");
    });
    assert_eq!(s.wait_exit(Duration::from_secs(10)), Some(0));
    s.expect_log("database system is shut down", Duration::from_secs(5));
    assert!(s.processes().is_empty(), "left: {:?}", s.processes());
    assert_clean_after_stop(&s);
}

#[test]
fn immediate_shutdown() {
    let mut s = Server::start(&[]);
    s.wait_pid_titled(
        "postmaster: bgworker: SPI worker 2",
        Duration::from_secs(10),
    );
    let mut c = s.connect();
    let (code, out) = s.ctl(&["stop", "-m", "immediate"]);
    assert_eq!(code, 0, "stop -m immediate: {out}");
    assert!(out.contains("server stopped"), "{out}");
    let exit = s.wait_exit(Duration::from_secs(10));
    s.expect_log(
        "received immediate shutdown request",
        Duration::from_secs(5),
    );
    assert!(
        c.simple_query("select 1").is_err(),
        "the client was disconnected"
    );
    assert!(s.processes().is_empty(), "left: {:?}", s.processes());
    assert_clean_after_stop(&s);
    // Children dying of the SIGQUIT the postmaster sent them is the shutdown, not a crash.
    assert_eq!(
        s.count_log("terminating any other active server processes"),
        0,
        "an immediate shutdown reported as a crash:\n{}",
        s.log()
    );
    assert_eq!(
        exit,
        Some(0),
        "exit code after an immediate shutdown (as pg_ctl stop -m immediate)"
    );
    // And the data directory is usable again.
    s.spawn();
    s.wait_ready_n(2);
}

#[test]
fn reload_applies_a_changed_value_and_keeps_the_old_one_on_a_bad_value() {
    let s = Server::start(&[]);
    s.expect_log("SPI worker 1 initialized", Duration::from_secs(10));
    s.expect_log("SPI worker 2 initialized", Duration::from_secs(10));
    let mut c = s.connect();
    assert_eq!(show(&mut c, "worker_spi.naptime"), "1s");

    append_conf(&s, "worker_spi.naptime = 5");
    let (code, out) = s.ctl(&["reload"]);
    assert_eq!(code, 0, "reload: {out}");
    s.expect_log(
        "received SIGHUP, reloading configuration files",
        Duration::from_secs(10),
    );
    s.expect_log(
        "parameter \"worker_spi.naptime\" changed to \"5\"",
        Duration::from_secs(10),
    );
    // Every worker hears about it, from its loop.
    s.expect_log("SPI worker 1: got sighup!", Duration::from_secs(10));
    s.expect_log("SPI worker 2: got sighup!", Duration::from_secs(10));
    let mut c2 = s.connect();
    assert_eq!(
        show(&mut c2, "worker_spi.naptime"),
        "5s",
        "a new session sees the reloaded value"
    );
    assert!(
        wait_until(Duration::from_secs(5), || show(
            &mut c,
            "worker_spi.naptime"
        ) == "5s"),
        "an existing session sees the reloaded value"
    );

    append_conf(&s, "worker_spi.naptime = abc");
    let (code, out) = s.ctl(&["reload"]);
    assert_eq!(code, 0, "reload: {out}");
    s.expect_n(
        "received SIGHUP, reloading configuration files",
        2,
        Duration::from_secs(10),
    );
    s.expect_log(
        "invalid value for parameter \"worker_spi.naptime\": \"abc\"",
        Duration::from_secs(10),
    );
    let bad = lines_with(&s, "invalid value for parameter \"worker_spi.naptime\"");
    assert!(
        bad.iter().all(|l| l.contains("LOG:")),
        "a bad reloaded value is a LOG line: {bad:?}"
    );
    let mut c3 = s.connect();
    assert_eq!(
        show(&mut c3, "worker_spi.naptime"),
        "5s",
        "the old value is kept"
    );
    assert_eq!(
        show(&mut c, "worker_spi.naptime"),
        "5s",
        "the old value is kept"
    );
    // The server carries on.
    let (code, out) = s.ctl(&["status"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        s.count_log("terminating any other active server processes"),
        0,
        "{}",
        s.log()
    );
}

#[test]
fn a_second_postmaster_is_refused() {
    let s = Server::start(NO_WORKERS);
    let (code, out) = run_another(&s, &[], Duration::from_secs(10));
    assert_eq!(
        code,
        Some(1),
        "a second postmaster on the same data directory: {out}"
    );
    assert!(
        out.contains(&format!("is another postmaster (PID {}) running", s.pid())),
        "the refusal names the running postmaster: {out}"
    );
    // The first one is untouched.
    let (code, out) = s.ctl(&["status"]);
    assert_eq!(code, 0, "{out}");
    s.connect()
        .simple_query("select 1")
        .expect("the first server still serves");
    assert!(socket_path(&s).exists());
}

#[test]
fn an_old_child_keeps_the_data_directory_after_a_postmaster_sigkill() {
    let mut s = Server::start(&[
        "-c",
        "shared_preload_libraries=test_workers",
        "-c",
        "test_workers.enable=orphan",
    ]);
    let orphan = s.wait_pid_titled("postmaster: bgworker: orphan", Duration::from_secs(10));
    Server::kill(s.pid(), libc::SIGKILL);
    assert_eq!(
        s.wait_exit(Duration::from_secs(10)),
        None,
        "killed by a signal"
    );
    assert!(
        process_alive(orphan),
        "the orphan worker outlives the postmaster for a while"
    );

    let (code, out) = run_another(&s, &[], Duration::from_secs(10));
    assert_eq!(
        code,
        Some(1),
        "a new postmaster while an old child lives: {out}"
    );
    assert!(out.contains("old server processes still running"), "{out}");

    // Once the orphan is gone (it lives 3 s), the data directory is free again.
    assert!(
        wait_until(Duration::from_secs(10), || !process_alive(orphan)),
        "the orphan did not exit"
    );
    s.spawn();
    s.wait_ready_n(2);
    s.connect()
        .simple_query("select 1")
        .expect("the new server serves");
}

#[test]
fn a_stale_pid_file_is_replaced() {
    let mut s = Server::start(NO_WORKERS);
    let (code, out) = s.ctl(&["stop"]);
    assert_eq!(code, 0, "{out}");
    s.wait_exit(Duration::from_secs(10));

    // A pid file left by a server that died without cleaning up: its pid is gone.
    let mut dead = Command::new("true").spawn().expect("spawn true");
    let dead_pid = dead.id() as i32;
    dead.wait().expect("wait");
    let stale = format!(
        "{dead_pid}\n{}\n1700000000\n{}\n{}\n\n       0         0\nready   \n",
        s.data_dir().display(),
        s.port,
        s.socket_dir().display()
    );
    std::fs::write(s.data_dir().join("postmaster.pid"), stale).expect("write stale pid file");
    let (code, out) = s.ctl(&["status"]);
    assert_eq!(code, 3, "status with a stale pid file: {out}");

    s.spawn();
    s.wait_ready_n(2);
    let pid_file =
        std::fs::read_to_string(s.data_dir().join("postmaster.pid")).expect("postmaster.pid");
    assert_eq!(
        pid_file.lines().next(),
        Some(s.pid().to_string().as_str()),
        "{pid_file}"
    );
    let (code, out) = s.ctl(&["status"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!("(PID: {})", s.pid())), "{out}");
}

#[test]
fn bad_settings_stop_the_start_naming_the_setting() {
    let cases: &[(&str, &str)] = &[
        ("max_connections=abc", "\"max_connections\""),
        ("port=0", "\"port\""),
        ("no_such_setting=1", "\"no_such_setting\""),
        (
            "shared_preload_libraries=no_such_module",
            "\"no_such_module\"",
        ),
    ];
    for (setting, named) in cases {
        let s = Server::new(&[]);
        let (code, out) = run_another(&s, &["-c", setting], Duration::from_secs(20));
        assert_eq!(code, Some(1), "-c {setting}: exit code; output:\n{out}");
        let fatal: Vec<&str> = out.lines().filter(|l| l.contains("FATAL:")).collect();
        assert!(
            fatal.iter().any(|l| l.contains(named)),
            "-c {setting}: a FATAL line naming {named}; output:\n{out}"
        );
        assert!(
            !out.contains("ready to accept connections"),
            "-c {setting}: {out}"
        );
        assert!(
            !s.data_dir().join("postmaster.pid").exists(),
            "-c {setting}: postmaster.pid left behind"
        );
        assert!(
            !socket_path(&s).exists(),
            "-c {setting}: socket left behind"
        );
    }
}

/// Kills `victim` with SIGKILL and checks the crash-reset path: the three log lines in order,
/// every old child gone, restartable workers back with new pids, ready again.
fn crash_and_recover(s: &Server, victim: i32, first_line: &str) {
    let before = s.processes();
    let ready_before = s.count_log("database system is ready to accept connections");
    Server::kill(victim, libc::SIGKILL);
    s.expect_log(first_line, Duration::from_secs(10));
    s.expect_log(
        "all server processes terminated; reinitializing",
        Duration::from_secs(20),
    );
    s.wait_ready_n(ready_before + 1);
    let a = line_index(s, first_line, 0).expect("first line");
    let b = line_index(s, "terminating any other active server processes", a)
        .expect("terminating line after it");
    let c = line_index(s, "all server processes terminated; reinitializing", b)
        .expect("reinitializing after it");
    line_index(s, "database system is ready to accept connections", c)
        .expect("ready after the reset");
    let old_children: Vec<i32> = before
        .iter()
        .map(|(p, _)| *p)
        .filter(|&p| p != s.pid())
        .collect();
    assert!(
        wait_until(Duration::from_secs(5), || old_children
            .iter()
            .all(|&p| !process_alive(p))),
        "old children still alive after the reset: {old_children:?} of {:?}",
        s.processes()
    );
    assert!(
        process_alive(s.pid()),
        "the postmaster survives a child's crash"
    );
}

#[test]
fn a_sigkilled_backend_resets_everything_and_the_server_comes_back() {
    let s = Server::start(&[
        "-c",
        "shared_preload_libraries=worker_spi,test_workers",
        "-c",
        "test_workers.enable=idle",
    ]);
    let spi2 = s.wait_pid_titled(
        "postmaster: bgworker: SPI worker 2",
        Duration::from_secs(10),
    );
    let idle = s.wait_pid_titled("postmaster: bgworker: idle", Duration::from_secs(10));
    s.wait_pid_titled(
        "postmaster: bgworker: SPI worker 1",
        Duration::from_secs(10),
    );
    let mut victim_client = s.connect();
    let mut bystander = s.connect();
    let victim = backend_pid(&mut victim_client);

    crash_and_recover(
        &s,
        victim,
        &format!("server process (PID {victim}) was terminated by signal 9: Killed"),
    );

    assert!(
        victim_client.simple_query("select 1").is_err(),
        "the killed session is gone"
    );
    assert!(
        bystander.simple_query("select 1").is_err(),
        "every other session was ended by the reset"
    );
    // Restartable workers come back at once with new processes.
    let spi2_new = s.wait_pid_titled(
        "postmaster: bgworker: SPI worker 2",
        Duration::from_secs(10),
    );
    let idle_new = s.wait_pid_titled("postmaster: bgworker: idle", Duration::from_secs(10));
    assert_ne!(spi2_new, spi2);
    assert_ne!(idle_new, idle);
    let mut c = s.connect();
    c.simple_query("select 1")
        .expect("a new client after the reset");
    assert_eq!(
        s.count_log("database system was not properly shut down; automatic recovery in progress"),
        1
    );
}

#[test]
fn a_sigkilled_worker_resets_everything_and_the_server_comes_back() {
    let s = Server::start(&[]);
    s.wait_pid_titled(
        "postmaster: bgworker: SPI worker 1",
        Duration::from_secs(10),
    );
    let spi2 = s.wait_pid_titled(
        "postmaster: bgworker: SPI worker 2",
        Duration::from_secs(10),
    );
    let mut bystander = s.connect();

    crash_and_recover(
        &s,
        spi2,
        &format!(
            "background worker \"SPI worker 2\" (PID {spi2}) was terminated by signal 9: Killed"
        ),
    );

    assert!(
        bystander.simple_query("select 1").is_err(),
        "every session was ended by the reset"
    );
    let spi2_new = s.wait_pid_titled(
        "postmaster: bgworker: SPI worker 2",
        Duration::from_secs(10),
    );
    assert_ne!(spi2_new, spi2);
    let mut c = s.connect();
    c.simple_query("select 1")
        .expect("a new client after the reset");
}

#[test]
fn a_child_that_ignores_sigquit_is_sigkilled_after_5_seconds() {
    let s = Server::start(&[
        "-c",
        "shared_preload_libraries=test_workers",
        "-c",
        "test_workers.enable=noquit",
    ]);
    let noquit = s.wait_pid_titled("postmaster: bgworker: noquit", Duration::from_secs(10));
    s.expect_log("test worker noquit started", Duration::from_secs(10));
    let mut c = s.connect();
    let victim = backend_pid(&mut c);
    Server::kill(victim, libc::SIGKILL);
    s.expect_log(
        "terminating any other active server processes",
        Duration::from_secs(10),
    );

    // While the reset waits for the straggler, new clients are told to come back later.
    let err = s
        .try_connect()
        .err()
        .expect("a connection during a crash reset is refused");
    let (code, msg) = db_error(&err);
    assert_eq!(code, "57P03", "{msg}");
    assert!(msg.contains("recovery mode"), "{msg}");
    assert!(process_alive(noquit), "noquit ignores SIGQUIT");

    s.expect_log(
        "issuing SIGKILL to recalcitrant children",
        Duration::from_secs(15),
    );
    let terminating = lines_with(&s, "terminating any other active server processes");
    let sigkill = lines_with(&s, "issuing SIGKILL to recalcitrant children");
    let gap = log_gap_ms(&terminating[0], &sigkill[0]);
    assert!(
        (4_000..=7_000).contains(&gap),
        "SIGKILL {gap} ms after the SIGQUIT, expected about 5 s"
    );
    assert!(
        wait_until(Duration::from_secs(5), || !process_alive(noquit)),
        "noquit survived SIGKILL"
    );
    s.expect_log(
        "all server processes terminated; reinitializing",
        Duration::from_secs(10),
    );
    s.wait_ready_n(2);
    s.connect()
        .simple_query("select 1")
        .expect("a new client after the reset");
}

#[test]
fn a_sigkilled_postmaster_leaves_no_child_alive_after_a_second() {
    let mut s = Server::start(&[
        "-c",
        "shared_preload_libraries=worker_spi,test_workers",
        "-c",
        "test_workers.enable=pmstart,idle,noquit",
    ]);
    for name in ["SPI worker 1", "SPI worker 2", "pmstart", "idle", "noquit"] {
        s.wait_pid_titled(
            &format!("postmaster: bgworker: {name}"),
            Duration::from_secs(10),
        );
    }
    let mut c = s.connect();
    c.simple_query("select 1").expect("query");
    let children: Vec<i32> = s
        .processes()
        .iter()
        .map(|(p, _)| *p)
        .filter(|&p| p != s.pid())
        .collect();
    assert!(
        children.len() >= 6,
        "workers and a backend: {:?}",
        s.processes()
    );

    Server::kill(s.pid(), libc::SIGKILL);
    let t0 = Instant::now();
    assert_eq!(s.wait_exit(Duration::from_secs(5)), None);
    let gone = wait_until(Duration::from_secs(1).saturating_sub(t0.elapsed()), || {
        children.iter().all(|&p| !process_alive(p))
    });
    let left: Vec<i32> = children
        .iter()
        .copied()
        .filter(|&p| process_alive(p))
        .collect();
    assert!(
        gone,
        "children alive {:?} after the postmaster's SIGKILL: {left:?}",
        t0.elapsed()
    );
    assert!(
        c.simple_query("select 1").is_err(),
        "the client's backend is gone"
    );

    // Nothing holds the data directory any more: a new server starts.
    s.spawn();
    s.wait_ready_n(2);
}

/// Copies a directory tree (the fixture data directories).
fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn a_data_directory_of_the_previous_format_is_refused_naming_both_formats() {
    // Written by minipg eabf941 (format 1: SQLite-typed columns, no minipg_class): a table
    // `items` with numeric, boolean and timestamptz columns, schema s2, worker_spi's tables.
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/datadir-format-1");
    let s = Server::new(&[]);
    copy_tree(&fixture, &s.data_dir());
    std::fs::set_permissions(
        s.data_dir(),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .expect("chmod");
    let db = s.data_dir().join("base/postgres/postgres.sqlite");
    let before = std::fs::read(&db).expect("fixture database");
    let (code, out) = run_another(&s, &[], Duration::from_secs(20));
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("FATAL:  database files are incompatible with server"),
        "{out}"
    );
    assert!(
        out.contains(
            "initialized by minipg format 1, which is not compatible with this version (format 3)"
        ),
        "{out}"
    );
    assert!(!out.contains("ready to accept connections"), "{out}");
    assert_eq!(
        std::fs::read(&db).expect("database"),
        before,
        "the old files are not touched"
    );
    assert!(!s.data_dir().join(spi::FORMAT_FILE).exists());
    // `postmaster init` does not relabel it either.
    let (_code, _out) = s.ctl(&["init"]);
    assert!(!s.data_dir().join(spi::FORMAT_FILE).exists());
}

const WAITING: &str = "waiting for a connection";

#[test]
fn a_pre_forked_backend_takes_the_next_connection_and_a_reload_replaces_it() {
    let s = Server::start(NO_WORKERS);
    // `prefork_backends` = 1 by default: one backend waits before anyone connects.
    let idle = s.wait_pid_titled(WAITING, Duration::from_secs(10));
    let mut c = s.connect();
    assert_eq!(
        backend_pid(&mut c),
        idle,
        "the connection is served by the process forked ahead of it"
    );
    // It is an ordinary session now, and another backend waits for the next client.
    let next = s.wait_pid_titled(WAITING, Duration::from_secs(10));
    assert_ne!(next, idle);
    let titles: Vec<String> = s.processes().into_iter().map(|(_, t)| t).collect();
    assert_eq!(
        titles.iter().filter(|t| t.contains(WAITING)).count(),
        1,
        "{titles:?}"
    );
    drop(c);

    // A reload retires the waiting backend (it was forked with the old settings and rules).
    let (code, out) = s.ctl(&["reload"]);
    assert_eq!(code, 0, "reload: {out}");
    assert!(
        wait_until(Duration::from_secs(10), || !process_alive(next)),
        "the pre-forked backend outlived a reload"
    );
    let fresh = s.wait_pid_titled(WAITING, Duration::from_secs(10));
    assert_ne!(fresh, next);
    let mut c = s.connect();
    assert_eq!(backend_pid(&mut c), fresh);
    drop(c);
    s.assert_no_crash();
}

#[test]
fn without_pre_forked_backends_each_connection_is_forked_at_connect() {
    let s = Server::start(&[
        "-c",
        "shared_preload_libraries=",
        "-c",
        "prefork_backends=0",
    ]);
    let mut c = s.connect();
    let pid = backend_pid(&mut c);
    assert!(s.pids_titled(WAITING).is_empty(), "{:?}", s.processes());
    drop(c);
    let mut c = s.connect();
    assert_ne!(backend_pid(&mut c), pid);
}

#[test]
fn a_smart_shutdown_does_not_wait_for_a_pre_forked_backend() {
    let mut s = Server::start(&[
        "-c",
        "shared_preload_libraries=",
        "-c",
        "prefork_backends=3",
    ]);
    wait_until(Duration::from_secs(10), || {
        s.pids_titled(WAITING).len() == 3
    });
    assert_eq!(s.pids_titled(WAITING).len(), 3, "{:?}", s.processes());
    let (code, out) = s.ctl(&["stop", "-m", "smart"]);
    assert_eq!(code, 0, "stop -m smart: {out}");
    assert_eq!(s.wait_exit(Duration::from_secs(10)), Some(0));
    assert!(s.processes().is_empty(), "left: {:?}", s.processes());
    assert_clean_after_stop(&s);
}

/// A client of `s` as `user` on `database`.
fn connect_to(s: &Server, user: &str, database: &str) -> postgres::Client {
    postgres::Config::new()
        .host_path(s.socket_dir())
        .port(s.port)
        .user(user)
        .dbname(database)
        .connect(postgres::NoTls)
        .unwrap_or_else(|e| panic!("connect as {user} to {database}: {e}"))
}

/// The database files (under `base/`) process `pid` holds open, as `/proc` shows them (a file
/// removed since ends in " (deleted)").
fn open_database_files(pid: i32) -> Vec<String> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    let mut out: Vec<String> = fds
        .flatten()
        .filter_map(|e| std::fs::read_link(e.path()).ok())
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p.contains("/base/") && p.contains(".sqlite") && !p.contains(".sqlite-"))
        .collect();
    out.sort();
    out
}

/// The backend serving `c`, which must be one of `waiting` (those idle when it connected).
fn served_by_one_of(c: &mut postgres::Client, waiting: &[i32]) -> i32 {
    let pid = backend_pid(c);
    assert!(waiting.contains(&pid), "{pid} not in {waiting:?}");
    pid
}

/// The pre-forked backend waiting now, once it holds the default database open.
fn waiting_with_postgres_open(s: &Server) -> Vec<i32> {
    assert!(
        wait_until(Duration::from_secs(10), || !s
            .pids_titled(WAITING)
            .is_empty()),
        "no backend waits: {:?}",
        s.processes()
    );
    let pids = s.pids_titled(WAITING);
    for &pid in &pids {
        let files = open_database_files(pid);
        assert!(
            files
                .iter()
                .any(|f| f.ends_with("/base/postgres/postgres.sqlite")),
            "the waiting backend {pid} has not opened the default database ahead: {files:?}"
        );
    }
    pids
}

#[test]
fn a_client_of_another_database_than_the_one_opened_ahead_gets_its_own() {
    let s = Server::start(NO_WORKERS);
    let mut c = s.connect();
    c.batch_execute("create database other")
        .expect("create database");
    drop(c);
    let idle = waiting_with_postgres_open(&s);
    let mut o = connect_to(&s, "postgres", "other");
    let pid = served_by_one_of(&mut o, &idle);
    assert_eq!(value(&mut o, "select current_database()"), "other");
    o.batch_execute("create table t (a int); insert into t values (1), (2)")
        .expect("write");
    assert_eq!(value(&mut o, "select sum(a) from t"), "3");
    assert_eq!(value(&mut o, "select upper(current_schema())"), "PUBLIC");
    let files = open_database_files(pid);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with("/base/other/other.sqlite"), "{files:?}");
    drop(o);
    // The default database never saw the table.
    let mut c = s.connect();
    assert_eq!(sqlstate_of(&mut c, "select * from t"), "42P01");
    drop(c);
    s.assert_no_crash();
}

#[test]
fn a_database_dropped_and_created_again_after_it_was_opened_ahead_is_the_new_one() {
    use std::os::unix::fs::MetadataExt;
    let s = Server::start(NO_WORKERS);
    let mut c = s.connect();
    c.batch_execute("create table kept (a int); insert into kept values (1)")
        .expect("setup");
    c.batch_execute("create database other")
        .expect("create database");
    drop(c);
    let mut o = connect_to(&s, "postgres", "other");
    // The next backend waits with the old `postgres` open.
    let next = waiting_with_postgres_open(&s);
    let file = s.data_dir().join("base/postgres/postgres.sqlite");
    let old = std::fs::metadata(&file).expect("stat").ino();
    o.batch_execute("drop database postgres")
        .expect("drop database");
    o.batch_execute("create database postgres")
        .expect("create database");
    assert_ne!(std::fs::metadata(&file).expect("stat").ino(), old);
    drop(o);

    // Served by a backend that opened the old file (or, if it came back idle in time, by the
    // one `o` had: either way the session's database is the new file).
    let mut c = s.connect();
    let pid = backend_pid(&mut c);
    assert!(!next.is_empty());
    assert_eq!(sqlstate_of(&mut c, "select * from kept"), "42P01");
    c.batch_execute("create table kept (a int)")
        .expect("create in the new database");
    assert_eq!(value(&mut c, "select count(*) from kept"), "0");
    let files = open_database_files(pid);
    assert_eq!(files.len(), 1, "the old file is closed: {files:?}");
    assert!(
        files[0].ends_with("/base/postgres/postgres.sqlite"),
        "{files:?}"
    );
    drop(c);
    s.assert_no_crash();
}

#[test]
fn a_session_on_the_connection_opened_ahead_is_its_login_role_s() {
    let s = Server::start(NO_WORKERS);
    let mut c = s.connect();
    c.batch_execute(
        "create role alice login; create schema alice authorization alice; \
         create sequence public.s; create table public.t (a int); \
         create sequence alice.mine; alter sequence alice.mine owner to alice",
    )
    .expect("setup");
    drop(c);
    let idle = waiting_with_postgres_open(&s);
    let mut a = connect_to(&s, "alice", "postgres");
    served_by_one_of(&mut a, &idle);
    assert_eq!(value(&mut a, "select current_user"), "alice");
    assert_eq!(value(&mut a, "select session_user"), "alice");
    // "$user" in search_path is alice: her sequence is found unqualified by the functions,
    // which were registered before she logged in.
    assert_eq!(value(&mut a, "select nextval('mine')"), "1");
    assert_eq!(value(&mut a, "select currval('mine')"), "1");
    assert_eq!(value(&mut a, "select to_regclass('mine')::text"), "mine");
    assert_eq!(
        value(&mut a, "select has_sequence_privilege('mine', 'USAGE')"),
        "t"
    );
    // What she was not granted stays closed to her.
    assert_eq!(
        value(&mut a, "select has_sequence_privilege('public.s', 'USAGE')"),
        "f"
    );
    assert_eq!(sqlstate_of(&mut a, "select * from t"), "42501");
    drop(a);

    let mut c = s.connect();
    c.batch_execute("grant usage on sequence public.s to alice; grant select on t to alice")
        .expect("grant");
    drop(c);
    let idle = waiting_with_postgres_open(&s);
    let mut a = connect_to(&s, "alice", "postgres");
    served_by_one_of(&mut a, &idle);
    assert_eq!(
        value(&mut a, "select has_sequence_privilege('public.s', 'USAGE')"),
        "t"
    );
    assert_eq!(value(&mut a, "select count(*) from t"), "0");
    drop(a);
    // A superuser's session on the next one is the superuser's again: no "$user" schema.
    let idle = waiting_with_postgres_open(&s);
    let mut c = s.connect();
    served_by_one_of(&mut c, &idle);
    assert_eq!(value(&mut c, "select current_user"), "postgres");
    assert_eq!(sqlstate_of(&mut c, "select nextval('mine')"), "42P01");
    drop(c);
    s.assert_no_crash();
}

/// The startup process recovers the databases one at a time: a crash reset after many more
/// `CREATE DATABASE`s than the server started with (more than the WAL-index lock table has
/// room for at once, sized at start by the child slots) still recovers every one of them.
#[test]
fn a_crash_reset_recovers_more_databases_than_the_lock_table_holds_at_once() {
    let s = Server::start(
        &[
            NO_WORKERS,
            &[
                "-c",
                "max_connections=1",
                "-c",
                "autovacuum=off",
                "-c",
                "superuser_reserved_connections=0",
            ],
        ]
        .concat(),
    );
    let mut c = s.connect();
    // More than the lock table's entries with these settings: sized for the databases at
    // start, recovery failed at the 324th ("could not open database …: out of memory").
    const N: usize = 400;
    for i in 0..N {
        c.batch_execute(&format!("create database d{i}"))
            .expect("create database");
    }
    let victim = backend_pid(&mut c);
    crash_and_recover(&s, victim, "was terminated by signal 9");
    // The only connection slot frees once the reset has reaped the old backend.
    let mut c = None;
    assert!(
        wait_until(Duration::from_secs(10), || {
            c = s.try_connect().ok();
            c.is_some()
        }),
        "no connection after the reset"
    );
    let mut c = c.expect("connected");
    let n: i64 = c
        .query_one(
            "select count(*) from pg_database where datname like 'd%'",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(n, N as i64);
    assert_eq!(s.count_log("could not open database"), 0, "{}", s.log());
}

/// A backend whose client never pauses (its next statement is there before the backend would
/// sleep) still ends within a second of the postmaster's SIGKILL: the busy poll watches the
/// postmaster-death pipe, and the kernel's death signal ends a backend at once.
#[test]
fn a_backend_kept_busy_by_its_client_ends_after_the_postmasters_sigkill() {
    let mut s = Server::start(NO_WORKERS);
    let mut c = s.connect();
    let pid = backend_pid(&mut c);
    // A poll window far longer than the client's round trip: the backend never sleeps.
    c.batch_execute("set client_busy_poll = 10000")
        .expect("set");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let busy = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                if c.simple_query("select 1").is_err() {
                    break;
                }
            }
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    Server::kill(s.pid(), libc::SIGKILL);
    let t0 = Instant::now();
    assert_eq!(s.wait_exit(Duration::from_secs(5)), None);
    let gone = wait_until(Duration::from_secs(1), || !process_alive(pid));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = busy.join();
    assert!(
        gone,
        "the busy backend {pid} still runs {:?} after the postmaster's SIGKILL",
        t0.elapsed()
    );
}
