//! `client_busy_poll`: after it answers, a backend polls its client's socket for a while
//! before it sleeps. A client that sends its next statement within that time finds its backend
//! awake: the backend's sleeps (its voluntary context switches) fall from one per statement to
//! almost none; with the setting 0 it sleeps after every answer, as PostgreSQL's backends do.

use tests::harness::{Server, backend_pid, value};

/// Times process `pid` has slept so far (`voluntary_ctxt_switches` of /proc/pid/status; a
/// `sched_yield` is not one).
fn sleeps(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no voluntary_ctxt_switches in:\n{status}"))
}

#[test]
fn a_backend_polls_for_the_next_statement_before_it_sleeps() {
    let s = Server::start(&["-c", "shared_preload_libraries="]);
    let mut c = s.connect();
    assert_eq!(value(&mut c, "show client_busy_poll"), "50");
    let pid = backend_pid(&mut c);
    const N: u64 = 200;
    // The client waits 1 ms before each statement: longer than a backend that does not poll
    // takes to fall asleep (even when the machine is busy), far shorter than 10 ms of polling.
    let mut run = |poll_us: u32| {
        c.batch_execute(&format!("set client_busy_poll = {poll_us}"))
            .expect("set");
        for _ in 0..20 {
            c.batch_execute("select 1").expect("warm up");
        }
        let before = sleeps(pid);
        for _ in 0..N {
            std::thread::sleep(std::time::Duration::from_millis(1));
            c.batch_execute("select 1").expect("select");
        }
        sleeps(pid) - before
    };
    let off = run(0);
    let on = run(10_000);
    assert!(
        off >= N / 2,
        "with client_busy_poll = 0 the backend slept {off} times in {N} statements"
    );
    assert!(
        on <= N / 5,
        "with client_busy_poll = 10000 the backend slept {on} times in {N} statements"
    );
}
