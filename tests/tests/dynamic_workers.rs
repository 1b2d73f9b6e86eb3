//! Dynamic background workers and `pg_stat_bgworker`, with the real server and worker_spi:
//! `worker_spi_launch(3)` starts `SPI worker 3`, which shows in `pg_stat_activity` and
//! `pg_stat_bgworker`, counts in `schema3.counted`, and stops (unregistered) with
//! `pg_terminate_backend`; filling every `max_worker_processes` slot gives PostgreSQL's
//! 53000 error with its hint; after `kill -9` of `SPI worker 2` the view shows the crash,
//! the reset, the new start and the start count.

use std::time::Duration;

use tests::harness::{Server, wait_until};

const T: Duration = Duration::from_secs(20);

fn start(extra: &[&str]) -> Server {
    let s = Server::start(extra);
    s.expect_log("SPI worker 1 initialized with schema1.counted", T);
    s.expect_log("SPI worker 2 initialized with", T);
    s
}

#[test]
fn worker_spi_launch_starts_a_counting_worker_that_pg_terminate_backend_stops() {
    let s = start(&["-c", "worker_spi.naptime=1"]);
    let mut c = s.connect();
    let pid: i32 = c
        .query_one("select worker_spi_launch(3)", &[])
        .expect("launch")
        .get(0);
    assert!(pid > 0);
    s.expect_log("SPI worker 3 initialized with schema3.counted", T);
    let row = c
        .query_one(
            "select backend_type, datname from pg_stat_activity where pid = $1",
            &[&pid],
        )
        .expect("in pg_stat_activity");
    assert_eq!(row.get::<_, String>(0), "SPI worker 3");
    assert_eq!(row.get::<_, Option<String>>(1).as_deref(), Some("postgres"));
    let row = c
        .query_one(
            "select type, state, starts, library, restart_policy, database \
             from pg_stat_bgworker where pid = $1",
            &[&pid],
        )
        .expect("in pg_stat_bgworker");
    assert_eq!(row.get::<_, String>(0), "dynamic");
    assert_eq!(row.get::<_, String>(1), "running");
    assert_eq!(row.get::<_, i64>(2), 1);
    assert_eq!(row.get::<_, String>(3), "worker_spi");
    assert_eq!(row.get::<_, String>(4), "never");
    assert_eq!(row.get::<_, Option<String>>(5).as_deref(), Some("postgres"));

    c.batch_execute("insert into schema3.counted values ('total', 0), ('delta', 5), ('delta', 7)")
        .expect("insert");
    s.expect_log("SPI worker 3: count in schema3.counted is now 12", T);

    let ok: bool = c
        .query_one("select pg_terminate_backend($1)", &[&pid])
        .expect("terminate")
        .get(0);
    assert!(ok);
    assert!(
        wait_until(T, || s.pids_titled("bgworker: SPI worker 3").is_empty()),
        "SPI worker 3 did not stop"
    );
    // Exit 0 unregisters a dynamic worker: it is not started again.
    std::thread::sleep(Duration::from_millis(1500));
    assert!(s.pids_titled("bgworker: SPI worker 3").is_empty());
    let state: String = c
        .query_one(
            "select state from pg_stat_bgworker where name = 'SPI worker 3'",
            &[],
        )
        .expect("still listed")
        .get(0);
    assert_eq!(state, "stopped");
    let n: i64 = c
        .query_one(
            "select count(*) from pg_stat_activity where pid = $1",
            &[&pid],
        )
        .expect("activity")
        .get(0);
    assert_eq!(n, 0);
}

#[test]
fn filling_every_slot_gives_postgresql_s_error() {
    // 4 slots: the two static SPI workers take two, so two dynamic ones fit.
    let s = start(&["-c", "max_worker_processes=4"]);
    let mut c = s.connect();
    for i in [11, 12] {
        let pid: i32 = c
            .query_one("select worker_spi_launch($1)", &[&i])
            .expect("launch")
            .get(0);
        assert!(pid > 0);
    }
    let e = c
        .query_one("select worker_spi_launch(13)", &[])
        .expect_err("no slot left");
    let db = e.as_db_error().expect("a server error");
    assert_eq!(db.code().code(), "53000");
    assert_eq!(db.message(), "could not register background process");
    assert_eq!(
        db.hint(),
        Some("You may need to increase max_worker_processes.")
    );
    // The session goes on, and a slot freed by a termination is reusable.
    let pid: i32 = c
        .query_one(
            "select pid from pg_stat_bgworker where name = 'SPI worker 12'",
            &[],
        )
        .expect("listed")
        .get(0);
    // Right after its launch the worker may not have its PGPROC yet, and then it is no server
    // process to signal (false, as PostgreSQL answers): ask until it is.
    assert!(wait_until(T, || {
        c.query_one("select pg_terminate_backend($1)", &[&pid])
            .expect("terminate")
            .get::<_, bool>(0)
    }));
    assert!(wait_until(T, || {
        c.query_one("select worker_spi_launch(13)", &[]).is_ok()
    }));
    let n: i64 = c
        .query_one(
            "select count(*) from pg_stat_bgworker where state = 'running'",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(n, 4);
}

#[test]
fn pg_stat_bgworker_shows_a_crash_the_reset_and_the_new_start() {
    let s = start(&[]);
    let mut c = s.connect();
    let (pid, starts): (i32, i64) = {
        let r = c
            .query_one(
                "select pid, starts from pg_stat_bgworker where name = 'SPI worker 2'",
                &[],
            )
            .expect("worker 2");
        (r.get(0), r.get(1))
    };
    assert_eq!(starts, 1);
    drop(c);
    Server::kill(pid, libc::SIGKILL);
    s.expect_log("all server processes terminated; reinitializing", T);
    assert!(wait_until(T, || {
        s.try_connect()
            .ok()
            .and_then(|mut c| {
                c.query_one(
                    "select state, starts from pg_stat_bgworker where name = 'SPI worker 2'",
                    &[],
                )
                .ok()
            })
            .is_some_and(|r| r.get::<_, String>(0) == "running" && r.get::<_, i64>(1) == 2)
    }));
    let mut c = s.connect();
    let r = c
        .query_one(
            "select last_exit, crash_resets, last_start > last_exit_at, pid <> $1, \
             restart_policy from pg_stat_bgworker where name = 'SPI worker 2'",
            &[&pid],
        )
        .expect("worker 2");
    assert_eq!(r.get::<_, String>(0), "signal 9: Killed");
    assert_eq!(r.get::<_, i64>(1), 1);
    assert!(r.get::<_, bool>(2), "the new start is after the crash");
    assert!(r.get::<_, bool>(3));
    assert_eq!(r.get::<_, String>(4), "after 2 s");
    // SPI worker 1 (never restart) was killed by the reset and is gone for good.
    let r = c
        .query_one(
            "select state, pid, crash_resets from pg_stat_bgworker where name = 'SPI worker 1'",
            &[],
        )
        .expect("worker 1");
    assert_eq!(r.get::<_, String>(0), "crashed");
    assert_eq!(r.get::<_, Option<i32>>(1), None);
    assert_eq!(r.get::<_, i64>(2), 1);
}
