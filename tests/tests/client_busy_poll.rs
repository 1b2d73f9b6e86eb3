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

/// The CPU a backend spins is taken from every process on the machine, so only a superuser
/// may change it (as PostgreSQL's `PGC_SUSET` settings): SET, `set_config` and the startup
/// packet's options are refused to other roles with PostgreSQL's 42501, and `pg_settings` says
/// `superuser`.
#[test]
fn only_a_superuser_sets_client_busy_poll() {
    let s = Server::start(&["-c", "shared_preload_libraries="]);
    let mut su = s.connect();
    su.batch_execute("CREATE ROLE carol LOGIN")
        .expect("create role");
    let config = |user: &str, options: Option<&str>| {
        let mut c = postgres::Config::new();
        c.host_path(s.socket_dir())
            .port(s.port)
            .user(user)
            .dbname("postgres");
        if let Some(o) = options {
            c.options(o);
        }
        c.connect(postgres::NoTls)
    };
    let code_and_message = |e: postgres::Error| {
        let db = e.as_db_error().expect("a server error").clone();
        (db.code().code().to_string(), db.message().to_string())
    };
    let denied = (
        "42501".to_string(),
        "permission denied to set parameter \"client_busy_poll\"".to_string(),
    );
    let mut carol = config("carol", None).expect("carol connects");
    for sql in [
        "SET client_busy_poll = 5000",
        "SET client_busy_poll TO DEFAULT",
        "RESET client_busy_poll",
        "SELECT set_config('client_busy_poll', '5000', false)",
    ] {
        let e = carol.batch_execute(sql).expect_err(sql);
        assert_eq!(code_and_message(e), denied, "{sql}");
    }
    assert_eq!(value(&mut carol, "show client_busy_poll"), "50");
    // Other settings stay the user's.
    carol
        .batch_execute("SET statement_timeout = '1s'")
        .expect("a user setting");
    let Err(e) = config("carol", Some("-c client_busy_poll=0")) else {
        panic!("carol's startup option was accepted");
    };
    assert_eq!(code_and_message(e), denied);
    let mut su_opt = config("postgres", Some("-c client_busy_poll=0")).expect("superuser option");
    assert_eq!(value(&mut su_opt, "show client_busy_poll"), "0");
    su.batch_execute("SET client_busy_poll = 5000")
        .expect("a superuser sets it");
    assert_eq!(value(&mut su, "show client_busy_poll"), "5000");
    assert_eq!(
        value(
            &mut su,
            "select context from pg_settings where name = 'client_busy_poll'"
        ),
        "superuser"
    );
    assert_eq!(
        value(
            &mut su,
            "select context from pg_settings where name = 'port'"
        ),
        "postmaster"
    );
}
