//! Background workers through the real server, with the test-only `test_workers` module: each
//! start time (postmaster start, consistent state, recovery finished) and the start order; the
//! restart rules (exit 0 → again, but not within a second of the last start, so a worker that
//! returns at once is no fork loop; exit 1 or `Err` → after the restart interval, or never; a
//! panic or a SIGKILL → a crash reset, after which `Never` workers are forgotten and the others
//! start at once; exit 3 without shared memory → no crash); registration refusals logged with
//! the worker's name (illegal flags, too late); a connection asked for without the flag → FATAL
//! and exit 1; SIGHUP passed on by `reload`; smart and fast shutdown SIGTERM every worker and
//! wait for all of them; and `pg_stat_activity` listing workers by name. Assertions are on log
//! lines, pids coming and going, and timings within generous bounds.

use std::time::{Duration, Instant};

use tests::harness::{Server, lines_with, log_gap_ms, process_alive, wait_until};

const T: Duration = Duration::from_secs(10);

/// A server preloading only `test_workers` with `workers` (a comma list) enabled.
fn start_workers(workers: &str, extra: &[&str]) -> Server {
    let enable = format!("test_workers.enable={workers}");
    let mut args = vec![
        "-c",
        "shared_preload_libraries=test_workers",
        "-c",
        enable.as_str(),
    ];
    args.extend_from_slice(extra);
    Server::start(&args)
}

/// The index of the first log line containing `pat`.
fn line_index(s: &Server, pat: &str) -> Option<usize> {
    s.log().lines().position(|l| l.contains(pat))
}

/// The `[pid]` of a log line.
fn line_pid(line: &str) -> i32 {
    let open = line.find('[').expect("[pid]");
    let close = line[open..].find(']').expect("[pid]") + open;
    line[open + 1..close].parse().expect("pid")
}

/// The pid in a `... (PID n) ...` or `... (pid n)` log line.
fn pid_in(line: &str) -> i32 {
    let lower = line.to_ascii_lowercase();
    let at = lower.find("(pid ").expect("(PID n)") + 5;
    let end = lower[at..].find(')').expect(")") + at;
    lower[at..end].parse().expect("pid")
}

fn started(name: &str) -> String {
    format!("test worker {name} started")
}

/// Waits for the n-th start of worker `name` and returns the start lines so far.
fn wait_starts(s: &Server, name: &str, n: usize, timeout: Duration) -> Vec<String> {
    s.expect_n(&started(name), n, timeout);
    lines_with(s, &started(name))
}

fn assert_no_crash(s: &Server) {
    assert_eq!(
        s.count_log("terminating any other active server processes"),
        0,
        "unexpected crash reset:\n{}",
        s.log()
    );
    assert_eq!(
        s.count_log("database system is ready to accept connections"),
        1,
        "{}",
        s.log()
    );
}

fn rows(c: &mut postgres::Client, sql: &str) -> Vec<Vec<String>> {
    c.simple_query(sql)
        .expect(sql)
        .iter()
        .filter_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => Some(
                (0..r.len())
                    .map(|i| r.get(i).unwrap_or("").to_owned())
                    .collect(),
            ),
            _ => None,
        })
        .collect()
}

#[test]
fn workers_start_at_their_start_time_in_registration_order() {
    let s = start_workers(
        "pmstart,consistent,idle,late",
        // A slower startup process (it also checks the databases) keeps its end well after the
        // postmaster's first loop turn.
        &["-c", "log_min_messages=debug1", "-c", "startup_check=on"],
    );
    let mut pids = Vec::new();
    for name in ["pmstart", "consistent", "idle", "late"] {
        let pid = s.wait_pid_titled(&format!("postmaster: bgworker: {name}"), T);
        s.expect_log(&format!("test worker {name} started (pid {pid})"), T);
        pids.push(pid);
    }
    let forked = |name: &str| {
        line_index(
            &s,
            &format!("starting background worker process \"{name}\""),
        )
        .unwrap_or_else(|| panic!("no start of {name}:\n{}", s.log()))
    };
    let ready = line_index(&s, "database system is ready to accept connections").expect("ready");
    assert!(
        forked("pmstart") < ready,
        "pmstart starts at postmaster start, before ready:\n{}",
        s.log()
    );
    assert!(
        forked("idle") > ready,
        "idle starts once recovery finished:\n{}",
        s.log()
    );
    assert!(
        forked("late") > forked("idle"),
        "recovery-finished workers start in registration order"
    );
    assert!(
        forked("consistent") < forked("idle"),
        "consistent starts no later than the recovery-finished ones"
    );
    // Each was forked once: one start line per worker.
    for name in ["pmstart", "consistent", "idle", "late"] {
        assert_eq!(
            s.count_log(&format!("starting background worker process \"{name}\"")),
            1,
            "{}",
            s.log()
        );
    }

    // A reload reaches every worker as SIGHUP, handled from the worker's loop.
    let (code, out) = s.ctl(&["reload"]);
    assert_eq!(code, 0, "{out}");
    s.expect_log("test worker idle got sighup", T);
    s.expect_log("test worker pmstart got sighup", T);
    s.expect_log("test worker consistent got sighup", T);
    for pid in pids {
        assert!(process_alive(pid), "a SIGHUP does not end a worker");
    }
    assert_no_crash(&s);
}

#[test]
fn pg_stat_activity_shows_workers_by_name() {
    let s = Server::start(&[
        "-c",
        "shared_preload_libraries=worker_spi,test_workers",
        "-c",
        "test_workers.enable=idle,consistent",
    ]);
    let expected: Vec<(String, i32)> = ["SPI worker 1", "SPI worker 2", "idle", "consistent"]
        .iter()
        .map(|n| {
            (
                n.to_string(),
                s.wait_pid_titled(&format!("postmaster: bgworker: {n}"), T),
            )
        })
        .collect();
    let mut c = s.connect();
    let me = rows(&mut c, "select pg_backend_pid()")[0][0].clone();
    let mut seen = Vec::new();
    let all_there = wait_until(T, || {
        seen = rows(&mut c, "select pid, backend_type from pg_stat_activity");
        expected.iter().all(|(name, pid)| {
            seen.iter()
                .any(|r| r[0] == pid.to_string() && &r[1] == name)
        })
    });
    assert!(
        all_there,
        "pg_stat_activity {seen:?}, expected workers {expected:?}"
    );
    assert!(
        seen.iter().any(|r| r[0] == me && r[1] == "client backend"),
        "the querying session is a client backend: {seen:?}"
    );
}

#[test]
fn exit_0_restarts_but_never_within_a_second_of_the_last_start() {
    let s = start_workers("exit0", &[]);
    let starts = wait_starts(&s, "exit0", 3, T);
    for w in starts.windows(2) {
        let gap = log_gap_ms(&w[0], &w[1]);
        assert!(
            (800..=2_500).contains(&gap),
            "exit0 restarted {gap} ms after its previous start:\n{starts:#?}"
        );
        assert_ne!(line_pid(&w[0]), line_pid(&w[1]), "a new process each time");
    }
    assert_no_crash(&s);
}

#[test]
fn a_worker_returning_at_once_is_not_a_fork_loop() {
    let s = start_workers("instant", &[]);
    let t0 = Instant::now();
    let starts = wait_starts(&s, "instant", 3, T);
    let elapsed = t0.elapsed();
    let starts_now = s.count_log(&started("instant"));
    assert!(
        starts_now <= 3 + elapsed.as_secs() as usize,
        "{starts_now} starts in {elapsed:?}: a fork loop"
    );
    for w in starts.windows(2) {
        let gap = log_gap_ms(&w[0], &w[1]);
        assert!(
            gap >= 800,
            "instant restarted {gap} ms after its previous start:\n{starts:#?}"
        );
    }
    assert_no_crash(&s);
}

#[test]
fn exit_1_restarts_after_the_restart_interval_and_never_is_forgotten() {
    let s = start_workers("exit1,never", &[]);
    let starts = wait_starts(&s, "exit1", 2, T);
    let exits = lines_with(&s, "background worker \"exit1\"");
    assert!(
        exits[0].contains(&format!(
            "(PID {}) exited with exit code 1",
            line_pid(&starts[0])
        )),
        "{exits:?}"
    );
    let gap = log_gap_ms(&exits[0], &starts[1]);
    assert!(
        (1_000..=3_000).contains(&gap),
        "exit1 restarted {gap} ms after exiting, expected 2 s ± 1 s"
    );

    // `never` exited 1 too, more than 2 s ago, and stays down.
    let never = lines_with(&s, "background worker \"never\"");
    assert_eq!(never.len(), 1, "{never:?}");
    assert!(never[0].contains("exited with exit code 1"), "{never:?}");
    assert_eq!(
        s.count_log(&started("never")),
        1,
        "a Never worker that exited 1 is not restarted"
    );
    assert!(s.pids_titled("postmaster: bgworker: never").is_empty());
    assert_no_crash(&s);
}

#[test]
fn an_err_from_main_is_logged_and_restarts_after_the_interval() {
    let s = start_workers("err", &[]);
    let starts = wait_starts(&s, "err", 2, T);
    let first = line_pid(&starts[0]);
    let errors = lines_with(&s, "ERROR:  background worker \"err\": boom");
    assert!(
        !errors.is_empty() && line_pid(&errors[0]) == first,
        "the worker logs its error:\n{}",
        s.log()
    );
    let exit = lines_with(
        &s,
        &format!("background worker \"err\" (PID {first}) exited with exit code 1"),
    );
    assert_eq!(exit.len(), 1, "{}", s.log());
    let gap = log_gap_ms(&exit[0], &starts[1]);
    assert!(
        (1_000..=3_000).contains(&gap),
        "err restarted {gap} ms after exiting, expected 2 s ± 1 s"
    );
    assert_no_crash(&s);
}

/// Checks a worker crash: the crash line, then the reset lines, then ready again.
fn assert_crash_reset(s: &Server, crash_line: &str) {
    s.expect_log(crash_line, T);
    s.expect_log("all server processes terminated; reinitializing", T);
    s.wait_ready_n(2);
    let log = s.log();
    let lines: Vec<&str> = log.lines().collect();
    let a = lines
        .iter()
        .position(|l| l.contains(crash_line))
        .expect("crash line");
    let b = a + lines[a..]
        .iter()
        .position(|l| l.contains("terminating any other active server processes"))
        .expect("terminating after the crash line");
    let c = b + lines[b..]
        .iter()
        .position(|l| l.contains("all server processes terminated; reinitializing"))
        .expect("reinitializing after it");
    assert!(
        lines[c..]
            .iter()
            .any(|l| l.contains("database system is ready to accept connections")),
        "ready after the reset:\n{log}"
    );
}

#[test]
fn a_panicking_worker_is_a_crash() {
    let s = start_workers("panic,idle", &[]);
    let idle = s.wait_pid_titled("postmaster: bgworker: idle", T);
    let panic_pid = pid_in(&wait_starts(&s, "panic", 1, T)[0]);
    assert_crash_reset(
        &s,
        &format!(
            "background worker \"panic\" (PID {panic_pid}) was terminated by signal 6: Aborted"
        ),
    );
    let panics = lines_with(&s, "PANIC:");
    assert!(
        panics.iter().any(|l| line_pid(l) == panic_pid),
        "the panic is logged by the worker:\n{}",
        s.log()
    );
    assert!(
        s.log().contains("test worker panics on purpose"),
        "with its message:\n{}",
        s.log()
    );
    assert!(
        wait_until(T, || !process_alive(idle)),
        "idle was ended by the reset"
    );
    let idle_new = s.wait_pid_titled("postmaster: bgworker: idle", T);
    assert_ne!(idle_new, idle, "idle runs again in a new process");
    s.connect().simple_query("select 1").expect("ready again");
}

#[test]
fn a_worker_killed_by_sigkill_is_a_crash_and_never_workers_are_forgotten() {
    let s = start_workers("sigkill,idle,late", &[]);
    s.wait_pid_titled("postmaster: bgworker: late", T);
    let idle = s.wait_pid_titled("postmaster: bgworker: idle", T);
    let victim = pid_in(&wait_starts(&s, "sigkill", 1, T)[0]);
    assert_crash_reset(
        &s,
        &format!("background worker \"sigkill\" (PID {victim}) was terminated by signal 9: Killed"),
    );

    // Workers with a restart interval start at once after the reset (idle's interval is 1 s).
    let idle_starts = wait_starts(&s, "idle", 2, T);
    let ready = lines_with(&s, "database system is ready to accept connections");
    let gap = log_gap_ms(&ready[1], &idle_starts[1]);
    assert!(
        gap < 700,
        "idle restarted {gap} ms after the reset's ready, expected at once"
    );
    assert_ne!(pid_in(&idle_starts[1]), idle);
    // sigkill restarts at once too, and crashes again; by the second reset `late` (never
    // restart) would long have been started again had it not been forgotten.
    wait_starts(&s, "sigkill", 2, T);
    s.expect_n("all server processes terminated; reinitializing", 2, T);
    assert_eq!(
        s.count_log(&started("late")),
        1,
        "a Never worker is forgotten after a crash reset:\n{}",
        s.log()
    );
}

#[test]
fn exit_3_without_shared_memory_is_not_a_crash() {
    let s = start_workers("noshmem,idle", &[]);
    let idle = s.wait_pid_titled("postmaster: bgworker: idle", T);
    let starts = wait_starts(&s, "noshmem", 2, T);
    let first = pid_in(&starts[0]);
    let exit = lines_with(
        &s,
        &format!("background worker \"noshmem\" (PID {first}) exited with exit code 3"),
    );
    assert_eq!(exit.len(), 1, "{}", s.log());
    let gap = log_gap_ms(&exit[0], &starts[1]);
    assert!(
        (500..=2_000).contains(&gap),
        "noshmem restarted {gap} ms after exiting, expected 1 s ± 1 s"
    );
    assert_no_crash(&s);
    assert!(process_alive(idle), "other workers are untouched");
    s.connect()
        .simple_query("select 1")
        .expect("the server serves on");
}

#[test]
fn refused_registrations_are_logged_with_the_worker_name() {
    let s = start_workers("illegal,illegal2,late,idle", &[]);
    s.expect_log(
        "background worker \"illegal\": must attach to shared memory in order to request a database connection",
        T,
    );
    s.expect_log(
        "background worker \"illegal2\": cannot request database access if starting at postmaster start",
        T,
    );
    // `late` tries to register another worker from inside its own process.
    let late = s.wait_pid_titled("postmaster: bgworker: late", T);
    s.expect_log(
        "background worker \"too late\": must be registered in shared_preload_libraries",
        T,
    );
    let refusal = lines_with(&s, "background worker \"too late\"");
    assert_eq!(line_pid(&refusal[0]), late, "logged by the late worker");
    s.wait_pid_titled("postmaster: bgworker: idle", T);
    for l in lines_with(&s, "background worker \"illegal") {
        assert!(l.contains("LOG:"), "a refusal is a LOG line: {l}");
    }
    // None of the refused ones ever runs; the server goes on.
    assert_eq!(s.count_log(&started("illegal")), 0);
    assert_eq!(s.count_log(&started("illegal2")), 0);
    assert_eq!(s.count_log(&started("too late")), 0);
    assert!(
        s.pids_titled("bgworker: illegal").is_empty()
            && s.pids_titled("bgworker: too late").is_empty(),
        "{:?}",
        s.processes()
    );
    assert_no_crash(&s);
}

#[test]
fn a_connection_without_the_flag_is_fatal_and_exits_1() {
    let s = start_workers("noconn,exit0", &[]);
    let noconn = pid_in(&wait_starts(&s, "noconn", 1, T)[0]);
    s.expect_log(
        &format!("background worker \"noconn\" (PID {noconn}) exited with exit code 1"),
        T,
    );
    let fatal = lines_with(
        &s,
        "FATAL:  database connection requirement not indicated during registration",
    );
    assert_eq!(fatal.len(), 1, "{}", s.log());
    assert_eq!(line_pid(&fatal[0]), noconn, "logged by the worker");
    // exit0 comes back after a second; noconn (never restart) stays down.
    wait_starts(&s, "exit0", 2, T);
    assert_eq!(s.count_log(&started("noconn")), 1, "{}", s.log());
    assert_no_crash(&s);
}

#[test]
fn shutdown_sigterms_every_worker_and_waits_for_all_of_them() {
    for mode in ["smart", "fast"] {
        let mut s = start_workers("pmstart,consistent,idle,orphan", &[]);
        let mut pids = Vec::new();
        for name in ["pmstart", "consistent", "idle", "orphan"] {
            pids.push(s.wait_pid_titled(&format!("postmaster: bgworker: {name}"), T));
        }
        let orphan_start = lines_with(&s, &started("orphan"));
        let (code, out) = s.ctl(&["stop", "-m", mode]);
        assert_eq!(code, 0, "stop -m {mode}: {out}");
        assert_eq!(s.wait_exit(T), Some(0), "{mode}: exit code");
        for name in ["pmstart", "consistent", "idle"] {
            s.expect_log(&format!("test worker {name} got sigterm"), T);
        }
        // orphan sleeps its 3 s whatever the signal: the postmaster waits for it.
        let down = lines_with(&s, "database system is shut down");
        assert_eq!(down.len(), 1, "{mode}:\n{}", s.log());
        let gap = log_gap_ms(&orphan_start[0], &down[0]);
        assert!(
            gap >= 2_500,
            "{mode}: shut down {gap} ms after orphan started; it lives 3 s"
        );
        let sigterms = line_index(&s, "got sigterm").expect("sigterm");
        assert!(sigterms < line_index(&s, "database system is shut down").expect("down"));
        for pid in &pids {
            assert!(
                !process_alive(*pid),
                "{mode}: worker {pid} outlived the postmaster"
            );
        }
        assert!(s.processes().is_empty(), "{mode}: {:?}", s.processes());
        assert_eq!(
            s.count_log("terminating any other active server processes"),
            0,
            "{mode}:\n{}",
            s.log()
        );
    }
}

#[test]
fn two_hundred_workers_all_start_appear_in_pg_stat_activity_and_stop_with_the_server() {
    let mut s = Server::start(&[
        "-c",
        "shared_preload_libraries=test_workers",
        "-c",
        "test_workers.scale=200",
        "-c",
        "max_worker_processes=200",
    ]);
    let all_up = wait_until(Duration::from_secs(30), || {
        s.pids_titled("bgworker: scale worker").len() == 200
    });
    assert!(
        all_up,
        "only {} of 200 workers run",
        s.pids_titled("bgworker: scale worker").len()
    );
    let mut c = s.connect();
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type LIKE 'scale worker %'",
            &[],
        )
        .expect("activity")
        .get(0);
    assert_eq!(
        n, 200,
        "every worker holds a PGPROC from the background-worker list"
    );
    drop(c);
    let (rc, out) = s.ctl(&["stop", "-m", "fast"]);
    assert_eq!(rc, 0, "{out}");
    assert_eq!(s.wait_exit(Duration::from_secs(30)), Some(0), "{}", s.log());
    assert!(s.processes().is_empty(), "{:?}", s.processes());
}

#[test]
fn a_worker_busy_in_a_long_statement_exits_within_100_ms_of_postmaster_death() {
    let s = start_workers("longsql", &[]);
    let pid = s.wait_pid_titled("postmaster: bgworker: longsql", T);
    s.expect_log(&started("longsql"), T);
    // Well inside its statement (it runs for minutes).
    std::thread::sleep(Duration::from_millis(500));
    assert!(process_alive(pid));
    let t0 = Instant::now();
    Server::kill(s.pid(), libc::SIGKILL);
    assert!(
        wait_until(Duration::from_secs(5), || !process_alive(pid)),
        "the worker outlived the postmaster"
    );
    let gap = t0.elapsed();
    assert!(
        gap < Duration::from_millis(100),
        "the worker exited {gap:?} after the postmaster's death"
    );
}

#[test]
fn a_worker_registers_a_dynamic_worker_and_drives_it_through_its_handle() {
    let s = start_workers("launcher", &[]);
    s.expect_log("test worker launched started", T);
    let line = lines_with(&s, "test worker launcher: launched pid")
        .into_iter()
        .next()
        .unwrap_or_else(|| {
            s.expect_log("test worker launcher: launched pid", T);
            lines_with(&s, "test worker launcher: launched pid")[0].clone()
        });
    let pid: i32 = line
        .split("launched pid ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .and_then(|p| p.parse().ok())
        .expect("pid in the log line");
    assert!(
        line.contains(&format!("handle says Started({pid})")),
        "{line}"
    );
    s.expect_log("test worker launched got sigterm", T);
    s.expect_log(
        "test worker launcher: launched stopped, handle says Stopped",
        T,
    );
    assert!(!process_alive(pid));
    // Exit 0 unregistered it: it is not started again.
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(
        s.count_log("test worker launched started"),
        1,
        "{}",
        s.log()
    );
    let mut c = s.connect();
    let r = c
        .query_one(
            "select type, state, library, starts from pg_stat_bgworker where name = 'launched'",
            &[],
        )
        .expect("listed");
    assert_eq!(r.get::<_, String>(0), "dynamic");
    assert_eq!(r.get::<_, String>(1), "stopped");
    assert_eq!(r.get::<_, String>(2), "test_workers");
    assert_eq!(r.get::<_, i64>(3), 1);
}
