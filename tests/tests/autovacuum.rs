//! Autovacuum as a user sees it: with a short naptime and low thresholds, a burst of inserts
//! makes a worker checkpoint and truncate the WAL while concurrent writers see no errors;
//! deleting most rows lets the incremental vacuum shrink the file; `autovacuum_max_workers`
//! bounds the workers; the launcher shows in `pg_stat_activity` and `ps`; SIGKILL of the
//! launcher is a crash reset after which autovacuum is back.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tests::harness::{Server, wait_until};

const T: Duration = Duration::from_secs(20);

fn start(extra: &[&str]) -> Server {
    let mut args = vec![
        "-c",
        "shared_preload_libraries=",
        "-c",
        "autovacuum_naptime=1",
        "-c",
        "autovacuum_wal_threshold=64kB",
        "-c",
        "autovacuum_vacuum_threshold=10",
    ];
    args.extend_from_slice(extra);
    Server::start(&args)
}

#[derive(Debug, Clone)]
struct AvRow {
    runs: i64,
    last_action: String,
    wal_before: i64,
    wal_after: i64,
    pages_freed: i64,
}

fn av_row(c: &mut postgres::Client, db: &str) -> Option<AvRow> {
    let rows = c
        .query(
            "SELECT runs, last_action, wal_bytes_before, wal_bytes_after, pages_freed \
             FROM pg_stat_autovacuum WHERE datname = $1",
            &[&db],
        )
        .expect("pg_stat_autovacuum");
    rows.first().map(|r| AvRow {
        runs: r.get(0),
        last_action: r.get::<_, Option<String>>(1).unwrap_or_default(),
        wal_before: r.get::<_, Option<i64>>(2).unwrap_or(0),
        wal_after: r.get::<_, Option<i64>>(3).unwrap_or(0),
        pages_freed: r.get::<_, Option<i64>>(4).unwrap_or(0),
    })
}

#[test]
fn a_burst_of_inserts_gets_its_wal_checkpointed_while_writers_see_no_errors() {
    let s = start(&[]);
    let mut c = s.connect();
    c.batch_execute("CREATE TABLE t (b text)").expect("table");
    let stop = Arc::new(AtomicBool::new(false));
    let errors = Arc::new(AtomicU64::new(0));
    let inserted = Arc::new(AtomicU64::new(0));
    let writers: Vec<_> = (0..2)
        .map(|_| {
            let mut w = s.connect();
            let (stop, errors, inserted) = (stop.clone(), errors.clone(), inserted.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    match w.execute(
                        "INSERT INTO t VALUES (repeat(md5(random()::text), 32))",
                        &[],
                    ) {
                        Ok(_) => inserted.fetch_add(1, Ordering::Relaxed),
                        Err(e) => {
                            eprintln!("writer error: {e}");
                            errors.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                }
            })
        })
        .collect();
    let checkpointed = wait_until(T, || {
        av_row(&mut c, "postgres").is_some_and(|r| {
            r.last_action.contains("checkpoint")
                && r.wal_before > 64 * 1024
                && r.wal_after < r.wal_before
        })
    });
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().expect("writer");
    }
    assert!(
        checkpointed,
        "no WAL checkpoint recorded: {:?}; log:\n{}",
        av_row(&mut c, "postgres"),
        s.log()
    );
    assert_eq!(
        errors.load(Ordering::Relaxed),
        0,
        "writers saw errors during autovacuum"
    );
    let n: i64 = c
        .query_one("SELECT count(*) FROM t", &[])
        .expect("count")
        .get(0);
    assert_eq!(
        n as u64,
        inserted.load(Ordering::Relaxed),
        "every acknowledged insert is there"
    );
}

#[test]
fn deleting_most_rows_lets_the_incremental_vacuum_shrink_the_file() {
    let s = start(&[]);
    let mut c = s.connect();
    c.batch_execute(
        "CREATE TABLE big (id int, b text); \
         INSERT INTO big SELECT g, repeat(md5(random()::text), 125) FROM generate_series(1, 400) g",
    )
    .expect("fill");
    let file = s.data_dir().join("base/postgres/postgres.sqlite");
    let grown = wait_until(T, || {
        std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0) > 1_000_000
    });
    assert!(
        grown,
        "the database file never grew past 1 MB (checkpoint missing?)"
    );
    let before = std::fs::metadata(&file).expect("file").len();
    c.batch_execute("DELETE FROM big WHERE id > 20")
        .expect("delete");
    let shrunk = wait_until(T, || {
        av_row(&mut c, "postgres").is_some_and(|r| r.pages_freed > 100)
            && std::fs::metadata(&file)
                .map(|m| m.len())
                .unwrap_or(u64::MAX)
                < before / 4
    });
    assert!(
        shrunk,
        "file did not shrink: {before} → {:?} bytes, {:?}",
        std::fs::metadata(&file).map(|m| m.len()),
        av_row(&mut c, "postgres")
    );
    let n: i64 = c
        .query_one("SELECT count(*) FROM big", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 20, "the rows that were kept are intact");
}

#[test]
fn the_launcher_respects_the_worker_limit_and_serves_every_database() {
    let s = start(&["-c", "autovacuum_max_workers=1"]);
    let mut admin = s.connect();
    let dbs = ["alpha", "beta", "gamma"];
    let mut clients = Vec::new();
    for db in dbs {
        admin
            .batch_execute(&format!("CREATE DATABASE {db}"))
            .expect("create database");
        let mut c = postgres::Config::new()
            .host_path(s.socket_dir())
            .port(s.port)
            .user("postgres")
            .dbname(db)
            .connect(postgres::NoTls)
            .expect("connect");
        c.batch_execute(
            "CREATE TABLE t (b text); \
             INSERT INTO t SELECT repeat(md5(random()::text), 63) FROM generate_series(1, 200)",
        )
        .expect("fill");
        clients.push(c);
    }
    let mut max_seen = 0;
    let t0 = Instant::now();
    let all_served = loop {
        max_seen = max_seen.max(s.pids_titled("postmaster: autovacuum worker").len());
        let served = dbs
            .iter()
            .filter(|db| av_row(&mut admin, db).is_some_and(|r| r.runs > 0))
            .count();
        if served == dbs.len() {
            break true;
        }
        if t0.elapsed() > T {
            break false;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    assert!(
        all_served,
        "not every database got a worker; log:\n{}",
        s.log()
    );
    assert!(
        max_seen <= 1,
        "{max_seen} autovacuum workers ran at once with autovacuum_max_workers = 1"
    );
}

#[test]
fn the_launcher_is_visible_and_comes_back_after_a_crash_reset() {
    let s = start(&[]);
    let launcher = s.wait_pid_titled("postmaster: autovacuum launcher", T);
    let mut c = s.connect();
    let rows = c
        .query(
            "SELECT pid FROM pg_stat_activity WHERE backend_type = 'autovacuum launcher'",
            &[],
        )
        .expect("activity");
    assert_eq!(rows.len(), 1);
    let pid: i32 = rows[0].get(0);
    assert_eq!(pid, launcher);
    Server::kill(launcher, libc::SIGKILL);
    s.expect_log(
        &format!("autovacuum launcher process (PID {launcher}) was terminated by signal 9: Killed"),
        T,
    );
    s.expect_log("all server processes terminated; reinitializing", T);
    s.wait_ready_n(2);
    let back = wait_until(T, || {
        let p = s.pids_titled("postmaster: autovacuum launcher");
        p.len() == 1 && p[0] != launcher
    });
    assert!(back, "the launcher did not come back: {:?}", s.processes());
}

#[test]
fn autovacuum_off_runs_no_launcher() {
    let s = start(&["-c", "autovacuum=off"]);
    let mut c = s.connect();
    c.batch_execute("SELECT 1").expect("query");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        s.pids_titled("postmaster: autovacuum").is_empty(),
        "{:?}",
        s.processes()
    );
}

#[test]
fn log_autovacuum_min_duration_zero_logs_each_action_in_postgresql_style() {
    let s = start(&["-c", "log_autovacuum_min_duration=0"]);
    let mut c = s.connect();
    c.batch_execute(
        "CREATE TABLE t (b text); \
         INSERT INTO t SELECT repeat(md5(g::text), 32) FROM generate_series(1, 2000) g",
    )
    .expect("fill");
    s.expect_log("automatic vacuum of database \"postgres\": pages: ", T);
    let lines = tests::harness::lines_with(&s, "automatic vacuum of database");
    assert!(lines[0].contains(" LOG:  "), "{lines:?}");
    // The details follow on tab-indented lines of the same message, the last one as
    // PostgreSQL's pg_rusage_show.
    let log = s.log();
    let at = log.find("automatic vacuum of database").expect("line");
    let message: Vec<&str> = log[at..].lines().take(3).collect();
    assert!(message[1].starts_with("\tWAL usage: "), "{message:?}");
    assert!(
        message[2].starts_with("\tsystem usage: CPU: user: ")
            && message[2].contains(" s, system: ")
            && message[2].contains(" s, elapsed: "),
        "{message:?}"
    );
}

#[test]
fn by_default_autovacuum_actions_are_not_logged() {
    let s = start(&[]);
    let mut c = s.connect();
    c.batch_execute(
        "CREATE TABLE t (b text); \
         INSERT INTO t SELECT repeat(md5(g::text), 32) FROM generate_series(1, 2000) g",
    )
    .expect("fill");
    assert!(wait_until(T, || {
        av_row(&mut c, "postgres").is_some_and(|r| r.runs > 0)
    }));
    assert_eq!(
        s.count_log("automatic vacuum of database"),
        0,
        "{}",
        s.log()
    );
    let show = c
        .query_one("SHOW log_autovacuum_min_duration", &[])
        .expect("show")
        .get::<_, String>(0);
    assert_eq!(show, "10min");
}

/// CHECKPOINT (autovacuum off, so nothing else checkpoints): every database's WAL is copied
/// into its file and truncated, the one the session is in and another; the rows stay. Inside
/// a transaction block (one that wrote, one that read) it returns at once (copying what it can).
#[test]
fn checkpoint_empties_every_databases_wal() {
    let s = start(&["-c", "autovacuum=off"]);
    let mut c = s.connect();
    c.batch_execute("CREATE DATABASE ck_other")
        .expect("create database");
    let wal = |db: &str| {
        let mut p = spi::database_path(&s.data_dir(), db).into_os_string();
        p.push("-wal");
        std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
    };
    let mut other = s.try_connect_to("ck_other").expect("connect to ck_other");
    for client in [&mut c, &mut other] {
        client
            .batch_execute(
                "CREATE TABLE ck (a int, b text); \
                 INSERT INTO ck SELECT g, repeat('x', 500) FROM generate_series(1, 2000) g",
            )
            .expect("fill");
    }
    assert!(
        wal("postgres") > 0 && wal("ck_other") > 0,
        "the inserts are in the WAL"
    );
    drop(other);
    c.batch_execute("CHECKPOINT").expect("checkpoint");
    assert_eq!(
        (wal("postgres"), wal("ck_other")),
        (0, 0),
        "both WALs emptied"
    );
    let n: i64 = c
        .query_one("SELECT count(*) FROM ck", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 2000);
    for first in ["INSERT INTO ck VALUES (0, 'y')", "SELECT count(*) FROM ck"] {
        c.batch_execute(&format!("BEGIN; {first}"))
            .expect("a block that wrote or read");
        let t = Instant::now();
        c.batch_execute("CHECKPOINT; COMMIT")
            .expect("checkpoint in the block");
        assert!(
            t.elapsed() < Duration::from_millis(900),
            "{first}: {:?}",
            t.elapsed()
        );
    }
}
