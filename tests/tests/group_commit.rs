//! Group commit as a client sees it, proven with fault injection: with
//! `debug_wal_sync_delay` every sync sleeps first — the WAL writer's, and a lone committer's
//! own (it syncs by itself when no sync is in progress) — and an acknowledgement
//! (CommandComplete of an autocommit INSERT, of COMMIT) waits for it; with `synchronous_commit
//! = off` it does not; concurrent commits share syncs; the WAL writer shows in `ps` and
//! `pg_stat_activity`; SIGTERM to it is a clean restart, SIGKILL a crash reset after which every
//! acknowledged row is there.

use std::time::{Duration, Instant};

use tests::harness::{Server, wait_until};

const DELAY_MS: u64 = 1000;
const T: Duration = Duration::from_secs(20);

fn start() -> Server {
    Server::start(&[
        "-c",
        "shared_preload_libraries=",
        "-c",
        "autovacuum=off",
        "-c",
        &format!("debug_wal_sync_delay={DELAY_MS}"),
    ])
}

fn timed(f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    t.elapsed()
}

#[test]
fn acknowledgements_wait_for_the_wal_writer_sync() {
    let s = start();
    let writer = s.wait_pid_titled("postmaster: walwriter", T);
    let mut c = s.connect();
    let row = c
        .query_one(
            "select pid from pg_stat_activity where backend_type = 'walwriter'",
            &[],
        )
        .expect("walwriter row");
    assert_eq!(row.get::<_, i32>(0), writer);
    c.batch_execute("create table t (a int)").expect("create");

    let delay = Duration::from_millis(DELAY_MS);
    let autocommit = timed(|| {
        c.execute("insert into t values (1)", &[]).expect("insert");
    });
    assert!(
        autocommit >= delay,
        "autocommit insert acked after {autocommit:?}"
    );

    c.batch_execute("begin").expect("begin");
    let in_block = timed(|| {
        c.execute("insert into t values (2)", &[]).expect("insert");
    });
    let commit = timed(|| c.batch_execute("commit").expect("commit"));
    assert!(
        in_block < delay,
        "an insert inside a block waited {in_block:?}"
    );
    assert!(commit >= delay, "COMMIT acked after {commit:?}");

    // Reads do not wait.
    let read = timed(|| {
        c.query_one("select count(*) from t", &[]).expect("count");
    });
    assert!(read < delay, "a read waited {read:?}");

    // synchronous_commit = off: no wait; the writer syncs within wal_writer_delay (+ the
    // injected delay).
    c.batch_execute("set synchronous_commit = off")
        .expect("set");
    let async_insert = timed(|| {
        c.execute("insert into t values (3)", &[]).expect("insert");
    });
    assert!(
        async_insert < delay,
        "an asynchronous commit waited {async_insert:?}"
    );
    c.batch_execute("reset synchronous_commit").expect("reset");

    // Eight concurrent commits share syncs: far less than eight delays.
    let group = timed(|| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let mut ci = s.connect();
                std::thread::spawn(move || {
                    ci.execute("insert into t values ($1)", &[&(100 + i)])
                        .expect("insert");
                })
            })
            .collect();
        for h in handles {
            h.join().expect("client thread");
        }
    });
    assert!(
        group < delay * 5,
        "8 concurrent commits took {group:?} with a {delay:?} sync"
    );
    let n: i64 = c
        .query_one("select count(*) from t", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 11);
}

#[test]
fn the_wal_writer_restarts_after_sigterm_and_its_crash_loses_no_acknowledged_commit() {
    let s = start();
    let writer = s.wait_pid_titled("postmaster: walwriter", T);
    let mut c = s.connect();
    c.batch_execute("create table t (a int); insert into t values (1)")
        .expect("setup");

    // SIGTERM: a clean exit, restarted by the postmaster; no crash reset.
    Server::kill(writer, libc::SIGTERM);
    assert!(
        wait_until(T, || s
            .pids_titled("postmaster: walwriter")
            .iter()
            .any(|&p| p != writer)),
        "the WAL writer did not come back after SIGTERM"
    );
    c.execute("insert into t values (2)", &[])
        .expect("insert after SIGTERM");
    assert_eq!(
        s.count_log("terminating any other active server processes"),
        0
    );

    // SIGKILL while a client waits for its commit's sync: a crash reset; the waiting client
    // gets no acknowledgement, and every acknowledged row survives.
    let writer = s.wait_pid_titled("postmaster: walwriter", T);
    let mut waiting = s.connect();
    let pending = std::thread::spawn(move || waiting.execute("insert into t values (3)", &[]));
    std::thread::sleep(Duration::from_millis(DELAY_MS / 3));
    Server::kill(writer, libc::SIGKILL);
    let outcome = pending.join().expect("client thread");
    assert!(
        outcome.is_err(),
        "a commit was acknowledged although the WAL writer died before its sync"
    );
    s.expect_log("WAL writer process (PID", T);
    s.expect_log("all server processes terminated; reinitializing", T);
    s.wait_ready_n(2);
    let mut c = s.connect();
    let rows: Vec<i32> = c
        .query("select a from t where a < 3 order by a", &[])
        .expect("select")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(rows, vec![1, 2]);
    s.wait_pid_titled("postmaster: walwriter", T);
}

/// While several writers keep appending, a PASSIVE checkpoint never reaches the WAL's end and
/// SQLite never starts the WAL over: it grew without bound (630 MB after three minutes of
/// 8-client inserts). The commit that claims a checkpoint runs RESTART instead.
#[test]
fn the_wal_starts_over_under_concurrent_writers() {
    const CLIENTS: usize = 4;
    const COMMITS: usize = 3000;
    let s = Server::start(&[
        "-c",
        "shared_preload_libraries=",
        "-c",
        "autovacuum=off",
        "-c",
        "synchronous_commit=off",
    ]);
    s.connect()
        .batch_execute("create table big (v text)")
        .expect("create");
    // Each commit writes about one 4 kB page: CLIENTS * COMMITS frames, some 48 MB of WAL
    // if it never started over.
    std::thread::scope(|scope| {
        for _ in 0..CLIENTS {
            scope.spawn(|| {
                let mut c = s.connect();
                for _ in 0..COMMITS {
                    c.execute("insert into big values (repeat('x', 3000))", &[])
                        .expect("insert");
                }
            });
        }
    });
    let mut c = s.connect();
    let n: i64 = c
        .query_one("select count(*) from big", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, (CLIENTS * COMMITS) as i64);
    let wal = s.data_dir().join("base/postgres/postgres.sqlite-wal");
    let len = std::fs::metadata(&wal).expect("the WAL file").len();
    // A RESTART is claimed once the WAL is 4,000 frames long; under load it may be busy
    // (readers, another checkpoint) several times. Without it: 192 MB.
    assert!(
        len <= 64 << 20,
        "the WAL is {} MB after {} commits",
        len >> 20,
        CLIENTS * COMMITS
    );
}
