//! A pre-forked backend serves one session after another (`prefork_main`): whatever a session
//! did — settings from its startup packet and `SET`, `SET ROLE`, `currval`, `setseed`, LISTEN,
//! prepared statements, an open transaction — the next session on the same process sees none
//! of it, and its privileges are its own role's. A session that ends with a FATAL, or under a
//! reload, ends its process instead.

use std::time::{Duration, Instant};

use tests::harness::{Server, backend_pid, process_alive, sqlstate_of, value, wait_until};

const NO_WORKERS: &[&str] = &["-c", "shared_preload_libraries="];

fn connect_as(s: &Server, user: &str, application_name: Option<&str>) -> postgres::Client {
    let mut cfg = postgres::Config::new();
    cfg.host_path(s.socket_dir())
        .port(s.port)
        .user(user)
        .dbname("postgres");
    if let Some(a) = application_name {
        cfg.application_name(a);
    }
    cfg.connect(postgres::NoTls)
        .unwrap_or_else(|e| panic!("connect as {user}: {e}"))
}

/// A session of `user` served by process `pid` (which is to come back idle after its last
/// session): connects until the postmaster hands it the connection, holding the sessions
/// other backends serve meanwhile (so that they are not handed the next try).
fn session_on(s: &Server, pid: i32, user: &str) -> postgres::Client {
    let t0 = Instant::now();
    let mut others = Vec::new();
    loop {
        let mut c = connect_as(s, user, None);
        if backend_pid(&mut c) == pid {
            return c;
        }
        others.push(c);
        assert!(
            t0.elapsed() < Duration::from_secs(10),
            "process {pid} never served another session: {:?}",
            s.processes()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn nothing_of_a_session_reaches_the_next_one_on_the_same_process() {
    let s = Server::start(NO_WORKERS);
    let mut c = s.connect();
    c.batch_execute(
        "create role alice login; create table secret (a int); insert into secret values (1); \
         create sequence sq; grant usage, select on sequence sq to alice",
    )
    .expect("setup");
    // The first value `random()` gives after `setseed(0.5)`.
    c.batch_execute("select setseed(0.5)").expect("setseed");
    let seeded = value(&mut c, "select random()");
    drop(c);

    // A superuser's session that changes everything it can, and leaves a transaction open.
    let mut a = connect_as(&s, "postgres", Some("first"));
    let pid = backend_pid(&mut a);
    a.batch_execute(
        "set datestyle = 'ISO, DMY'; set intervalstyle = 'sql_standard'; set statement_timeout = '1h'; set search_path = pg_catalog; \
         select nextval('public.sq'); select setseed(0.5); listen ch; prepare p as select 1; \
         set role alice; begin; set local role postgres; insert into public.secret values (2)",
    )
    .expect("session a");
    assert_eq!(value(&mut a, "select current_user"), "postgres");
    drop(a);

    let mut b = session_on(&s, pid, "alice");
    assert_eq!(value(&mut b, "select current_user"), "alice");
    assert_eq!(value(&mut b, "select session_user"), "alice");
    assert_eq!(value(&mut b, "show application_name"), "");
    assert_eq!(value(&mut b, "show datestyle"), "ISO, MDY");
    assert_eq!(value(&mut b, "show intervalstyle"), "postgres");
    assert_eq!(value(&mut b, "show statement_timeout"), "0");
    assert_eq!(value(&mut b, "show search_path"), "\"$user\", public");
    assert_eq!(sqlstate_of(&mut b, "select currval('sq')"), "55000");
    assert_eq!(sqlstate_of(&mut b, "select lastval()"), "55000");
    assert_eq!(
        value(&mut b, "select count(*) from pg_listening_channels()"),
        "0"
    );
    assert_eq!(sqlstate_of(&mut b, "execute p"), "26000");
    assert_ne!(value(&mut b, "select random()"), seeded);
    // Her privileges, not the last session's.
    assert_eq!(sqlstate_of(&mut b, "select * from secret"), "42501");
    assert_eq!(
        sqlstate_of(&mut b, "insert into secret values (3)"),
        "42501"
    );
    drop(b);

    // The superuser again, on the same process: the open transaction was rolled back.
    let mut c = session_on(&s, pid, "postgres");
    assert_eq!(value(&mut c, "select current_user"), "postgres");
    assert_eq!(value(&mut c, "select count(*) from secret"), "1");
    assert_eq!(value(&mut c, "select nextval('sq')"), "2");
    drop(c);
    s.assert_no_crash();
}

#[test]
fn a_stream_of_short_sessions_is_served_without_a_fork_each() {
    let s = Server::start(NO_WORKERS);
    let mut pids = std::collections::BTreeSet::new();
    for _ in 0..30 {
        let mut c = s.connect();
        pids.insert(backend_pid(&mut c));
        drop(c);
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        pids.len() <= 3,
        "30 sessions one after another took {} processes",
        pids.len()
    );
    s.assert_no_crash();
}

#[test]
fn a_terminated_session_or_a_reload_ends_the_process_after_its_session() {
    let s = Server::start(NO_WORKERS);
    let mut a = s.connect();
    let first = backend_pid(&mut a);
    let mut c = s.connect();
    let killed: bool = value(&mut c, &format!("select pg_terminate_backend({first})")) == "t";
    assert!(killed);
    assert!(
        wait_until(Duration::from_secs(10), || !process_alive(first)),
        "a terminated session's process served on"
    );
    drop(a);

    let mut a = s.connect();
    let serving = backend_pid(&mut a);
    let (code, out) = s.ctl(&["reload"]);
    assert_eq!(code, 0, "reload: {out}");
    // Still an ordinary session until it ends (the reload reaches it as SIGHUP).
    assert_eq!(value(&mut a, "select 1"), "1");
    drop(a);
    assert!(
        wait_until(Duration::from_secs(10), || !process_alive(serving)),
        "a process forked before a reload served another session after it"
    );
    drop(c);
    s.assert_no_crash();
}

#[test]
fn a_burst_leaves_at_most_a_few_idle_processes() {
    const WAITING: &str = "waiting for a connection";
    let s = Server::start(NO_WORKERS);
    let mut burst: Vec<postgres::Client> = (0..10).map(|_| s.connect()).collect();
    let mut pids: Vec<i32> = burst.iter_mut().map(backend_pid).collect();
    pids.sort_unstable();
    pids.dedup();
    assert_eq!(pids.len(), 10);
    drop(burst);
    // Twice `prefork_backends`, and at least 4, stay idle; the rest retire at once, not after
    // the 10 s an extra idle one is otherwise kept. A second is ample for all ten to come back.
    std::thread::sleep(Duration::from_secs(1));
    let alive = pids.iter().filter(|&&p| process_alive(p)).count();
    let idle = s.pids_titled(WAITING).len();
    assert!(
        alive <= 4 && idle <= 4,
        "{alive} of the burst's processes alive, {idle} idle: {:?}",
        s.processes()
    );
    // And the ones left serve.
    let mut c = s.connect();
    assert_eq!(value(&mut c, "select 1"), "1");
    drop(c);
    s.assert_no_crash();
}
