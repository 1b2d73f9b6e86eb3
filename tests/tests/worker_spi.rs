//! worker_spi with the real server, as a user meets it: the counter workers fold the `delta`
//! rows of their tables into the `total` row (10,000 deltas from concurrent writers end as
//! exactly their sum, deltas wait while no total row exists), the log lines name the tables as
//! `quote_identifier` gives them, and the restart rules hold for this module: SIGTERM to
//! `SPI worker 2` brings it back at once (exit 0), dropping its table makes it exit 1 and come
//! back 2 s later to recreate it, SIGKILL is a crash reset after which worker 2 is back at once
//! and counting with nothing lost while worker 1 (`Never`) is gone for good, an idle client
//! holding the write lock only makes a worker warn, and a naptime change on reload takes effect.
//!
//! The SPI layer as a client reaches it is covered here too: schema and table names with spaces
//! and quotes, 1,000 schemas, and two sessions doing read-modify-write on one row with no lost
//! update (a conflict is a 40001 the client retries, never a silent overwrite).

use std::time::{Duration, Instant};

use tests::harness::{Server, psql_binary};

const T: Duration = Duration::from_secs(20);
const W1_TABLE: &str = "schema1.counted";
const W2_TABLE: &str = "\"our schema2\".\"counted rows\"";

/// A server with worker_spi (the fresh data directory's minipg.conf preloads it), both workers
/// initialised.
fn start(extra: &[&str]) -> Server {
    let s = Server::start(extra);
    s.expect_log("SPI worker 1 initialized with schema1.counted", T);
    s.expect_log(
        "SPI worker 2 initialized with \"our schema2\".\"counted rows\"",
        T,
    );
    s
}

/// Seconds since midnight of a log line's timestamp (`2026-11-25 16:49:09.431 UTC [..] ...`).
fn log_time(line: &str) -> f64 {
    let hms = line
        .get(11..23)
        .unwrap_or_else(|| panic!("no timestamp in {line:?}"));
    let f: Vec<f64> = hms
        .split(':')
        .map(|x| x.parse().expect("timestamp"))
        .collect();
    f[0] * 3600.0 + f[1] * 60.0 + f[2]
}

/// Seconds from line `a` to line `b` by their timestamps.
fn secs_between(a: &str, b: &str) -> f64 {
    let d = log_time(b) - log_time(a);
    if d < -43_200.0 { d + 86_400.0 } else { d }
}

/// Log lines containing `pat`, in order.
fn lines(s: &Server, pat: &str) -> Vec<String> {
    s.log()
        .lines()
        .filter(|l| l.contains(pat))
        .map(str::to_owned)
        .collect()
}

/// The n-th (1-based) log line containing `pat`, waiting for it.
fn nth_line(s: &Server, pat: &str, n: usize) -> String {
    s.expect_n(pat, n, T);
    lines(s, pat)[n - 1].clone()
}

/// Runs `sql` with `psql -c` as a user would; None when psql is not installed.
fn psql(s: &Server, sql: &str) -> Option<String> {
    let Some(bin) = psql_binary() else {
        eprintln!("note: psql is not installed; using the postgres crate instead");
        return None;
    };
    let out = s
        .client_command(bin)
        .args([
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-d",
            "postgres",
            "-A",
            "-t",
            "-c",
            sql,
        ])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql -c {sql:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// SQLSTATE and message of a client error.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} {}: {}", d.severity(), d.code().code(), d.message()),
        None => e.to_string(),
    }
}

/// The total row of `table` (None: no total row).
fn total(c: &mut postgres::Client, table: &str) -> Option<i64> {
    let rows = c
        .query(
            &format!("SELECT value FROM {table} WHERE type = 'total'"),
            &[],
        )
        .expect("read total");
    rows.first().map(|r| r.get::<_, i32>(0) as i64)
}

/// Polls worker 1's total (every millisecond) until it is `want`; how long that took. Fails
/// after `within`.
fn until_total(c: &mut postgres::Client, want: i64, within: Duration) -> Duration {
    let t0 = Instant::now();
    loop {
        let v = total(c, W1_TABLE);
        if v == Some(want) {
            return t0.elapsed();
        }
        assert!(t0.elapsed() < within, "total {v:?}, not {want}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn deltas(c: &mut postgres::Client, table: &str) -> i64 {
    c.query_one(
        &format!("SELECT count(*) FROM {table} WHERE type = 'delta'"),
        &[],
    )
    .expect("count deltas")
    .get(0)
}

/// Waits until `table`'s total is `want` and no delta is left.
fn wait_total(s: &Server, table: &str, want: i64, timeout: Duration) {
    let mut c = s.connect();
    let t0 = Instant::now();
    loop {
        let (t, d) = (total(&mut c, table), deltas(&mut c, table));
        if t == Some(want) && d == 0 {
            return;
        }
        assert!(
            t0.elapsed() < timeout,
            "{table}: total {t:?} with {d} deltas left, want {want}; log:\n{}",
            s.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `pg_stat_activity.backend_type` of every process, sorted.
fn backend_types(c: &mut postgres::Client) -> Vec<String> {
    c.query(
        "SELECT backend_type FROM pg_stat_activity ORDER BY backend_type",
        &[],
    )
    .expect("pg_stat_activity")
    .iter()
    .map(|r| r.get(0))
    .collect()
}

/// A server whose worker 2 has folded once (so it has run for at least a naptime, and its
/// 1 s restart guard is over), and a client.
fn start_with_worker_2_folding() -> (Server, postgres::Client) {
    let s = start(&[]);
    let mut c = s.connect();
    insert(&mut c, W2_TABLE, "total", 0);
    s.expect_log("SPI worker 2: count in", T);
    (s, c)
}

fn insert(c: &mut postgres::Client, table: &str, kind: &str, value: i32) {
    c.execute(
        &format!("INSERT INTO {table} VALUES ($1, $2)"),
        &[&kind, &value],
    )
    .expect("insert");
}

#[test]
fn ten_thousand_deltas_from_concurrent_writers_fold_into_exactly_their_sum() {
    let s = start(&[]);
    // The README's first command.
    let initial = 1_000;
    let sql = format!("insert into schema1.counted values ('total', {initial})");
    if psql(&s, &sql).is_none() {
        s.connect().batch_execute(&sql).expect("total row");
    }
    // Four writers, 2,500 deltas each, each writing its own way, while the worker folds.
    const PER_WRITER: i32 = 2_500;
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let mut c = s.connect();
            std::thread::spawn(move || -> i64 {
                let value = |i: i32| (i % 97) + w * 1_000 - 50;
                let mut sum = 0i64;
                match w {
                    0 => {
                        // One autocommit INSERT with parameters per delta.
                        let st = c
                            .prepare("INSERT INTO schema1.counted VALUES ('delta', $1)")
                            .expect("prepare");
                        for i in 0..PER_WRITER {
                            c.execute(&st, &[&value(i)]).expect("insert delta");
                            sum += value(i) as i64;
                        }
                    }
                    1 => {
                        // Explicit transactions of 100 inserts; a serialization failure rolls
                        // the whole transaction back and the client retries it (see
                        // `transactions_of_blind_inserts_from_concurrent_clients_never_fail`
                        // for whether the server should report one here at all).
                        for chunk in 0..PER_WRITER / 100 {
                            loop {
                                let r = (|| -> Result<(), postgres::Error> {
                                    let mut tx = c.transaction()?;
                                    for i in chunk * 100..(chunk + 1) * 100 {
                                        tx.execute(
                                            "INSERT INTO schema1.counted VALUES ('delta', $1)",
                                            &[&value(i)],
                                        )?;
                                    }
                                    tx.commit()
                                })();
                                match r {
                                    Ok(()) => break,
                                    Err(e) if e.code().map(|c| c.code()) == Some("40001") => {
                                        continue;
                                    }
                                    Err(e) => panic!("insert deltas: {e}"),
                                }
                            }
                            sum += (chunk * 100..(chunk + 1) * 100)
                                .map(|i| value(i) as i64)
                                .sum::<i64>();
                        }
                    }
                    _ => {
                        // Multi-row simple-protocol inserts of 50 rows.
                        for chunk in 0..PER_WRITER / 50 {
                            let vals: Vec<String> = (chunk * 50..(chunk + 1) * 50)
                                .map(|i| format!("('delta', {})", value(i)))
                                .collect();
                            sum += (chunk * 50..(chunk + 1) * 50)
                                .map(|i| value(i) as i64)
                                .sum::<i64>();
                            c.simple_query(&format!(
                                "INSERT INTO schema1.counted VALUES {}",
                                vals.join(", ")
                            ))
                            .expect("insert deltas");
                        }
                    }
                }
                sum
            })
        })
        .collect();
    let sum: i64 = writers.into_iter().map(|h| h.join().expect("writer")).sum();
    wait_total(&s, W1_TABLE, initial + sum, T);
    // The worker logged the final count, and folded at least once before (the log lines appear).
    s.expect_log(
        &format!(
            "SPI worker 1: count in schema1.counted is now {}",
            initial + sum
        ),
        T,
    );
    assert!(
        s.count_log("SPI worker 1: count in schema1.counted is now") >= 2,
        "log:\n{}",
        s.log()
    );
    assert_eq!(
        s.count_log("database is busy"),
        0,
        "writers in short transactions never starve a worker"
    );
    assert_eq!(s.count_log("exited with exit code"), 0, "log:\n{}", s.log());
}

#[test]
fn transactions_of_blind_inserts_from_concurrent_clients_never_fail() {
    // PostgreSQL never reports a serialization failure to a transaction that only inserts;
    // minipg must not either (its BEGIN is deferred, so the first write waits for the lock).
    let s = Server::start(&["-c", "shared_preload_libraries="]);
    s.connect()
        .batch_execute("CREATE SCHEMA app CREATE TABLE events (w integer, i integer)")
        .expect("setup");
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let mut c = s.connect();
            std::thread::spawn(move || {
                for chunk in 0..40 {
                    let mut tx = c.transaction().expect("begin");
                    for i in 0..10 {
                        tx.execute(
                            "INSERT INTO app.events VALUES ($1, $2)",
                            &[&w, &(chunk * 10 + i)],
                        )
                        .unwrap_or_else(|e| {
                            panic!(
                                "writer {w}, transaction {chunk}, insert {i}: {}",
                                describe(&e)
                            )
                        });
                    }
                    tx.commit().expect("commit");
                }
            })
        })
        .collect();
    let failures: Vec<String> = writers
        .into_iter()
        .filter_map(|h| h.join().err())
        .map(|e| e.downcast_ref::<String>().cloned().unwrap_or_default())
        .collect();
    assert!(
        failures.is_empty(),
        "blind-insert transactions failed: {failures:#?}"
    );
    let n: i64 = s
        .connect()
        .query_one("SELECT count(*) FROM app.events", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 3 * 400);
}

#[test]
fn log_lines_name_the_tables_and_deltas_wait_for_a_total_row() {
    let s = start(&[]);
    let mut c = s.connect();
    // Deltas before any total row are left alone: nothing is lost.
    insert(&mut c, W2_TABLE, "delta", 5);
    insert(&mut c, W2_TABLE, "delta", 6);
    let n_init = s.count_log("SPI worker 2");
    // Two naptimes pass (worker 1 folds nothing either: it has no total row).
    std::thread::sleep(Duration::from_millis(2_300));
    assert_eq!(
        deltas(&mut c, W2_TABLE),
        2,
        "deltas without a total row must wait"
    );
    assert_eq!(
        s.count_log("SPI worker 2"),
        n_init,
        "no fold without a total row; log:\n{}",
        s.log()
    );
    insert(&mut c, W2_TABLE, "total", 100);
    insert(&mut c, W1_TABLE, "total", 7);
    s.expect_log(
        "SPI worker 2: count in \"our schema2\".\"counted rows\" is now 111",
        T,
    );
    s.expect_log("SPI worker 1: count in schema1.counted is now 7", T);
    wait_total(&s, W2_TABLE, 111, T);
    // A second total row is refused by the partial unique index the worker created.
    let e = c
        .execute(&format!("INSERT INTO {W2_TABLE} VALUES ('total', 1)"), &[])
        .expect_err("unique total");
    assert_eq!(e.code().map(|c| c.code()), Some("23505"), "{e}");
    // The CHECK constraint on type.
    let e = c
        .execute(&format!("INSERT INTO {W2_TABLE} VALUES ('other', 1)"), &[])
        .expect_err("check");
    assert_eq!(e.code().map(|c| c.code()), Some("23514"), "{e}");
    // Process titles and pg_stat_activity show the workers by name.
    s.wait_pid_titled("postmaster: bgworker: SPI worker 1", T);
    s.wait_pid_titled("postmaster: bgworker: SPI worker 2", T);
    let types = backend_types(&mut c);
    for w in ["SPI worker 1", "SPI worker 2", "client backend"] {
        assert!(
            types.iter().any(|t| t == w),
            "{w} missing from pg_stat_activity: {types:?}"
        );
    }
}

#[test]
fn sigterm_to_worker_2_brings_it_back_at_once() {
    let (s, mut c) = start_with_worker_2_folding();
    let w1 = s.wait_pid_titled("SPI worker 1", T);
    let old = s.wait_pid_titled("SPI worker 2", T);
    let t0 = Instant::now();
    Server::kill(old, libc::SIGTERM);
    let new = loop {
        let p = s.pids_titled("SPI worker 2");
        if p.len() == 1 && p[0] != old {
            break p[0];
        }
        assert!(
            t0.elapsed() < T,
            "SPI worker 2 did not come back; log:\n{}",
            s.log()
        );
        std::thread::sleep(Duration::from_millis(10));
    };
    let back = t0.elapsed();
    assert!(
        back < Duration::from_millis(1_500),
        "exit 0 restarts at once, not after restart_time (2 s): {back:?}"
    );
    let init = nth_line(&s, "SPI worker 2 initialized with", 2);
    assert!(init.contains(&format!("[{new}]")), "{init}");
    // It counts on; worker 1 was not touched; nothing was logged as a failure.
    insert(&mut c, W2_TABLE, "delta", 42);
    wait_total(&s, W2_TABLE, 42, T);
    assert_eq!(s.pids_titled("SPI worker 1"), vec![w1]);
    assert_eq!(s.count_log("exited with exit code"), 0, "log:\n{}", s.log());
    assert_eq!(
        s.count_log("terminating any other active server processes"),
        0
    );
}

#[test]
fn dropped_table_makes_worker_2_exit_1_and_return_2s_later_to_recreate_it() {
    let s = start(&[]);
    let w1 = s.wait_pid_titled("SPI worker 1", T);
    let mut c = s.connect();
    insert(&mut c, W2_TABLE, "total", 10);
    s.expect_log(
        "SPI worker 2: count in \"our schema2\".\"counted rows\" is now 10",
        T,
    );
    c.batch_execute(&format!("DROP TABLE {W2_TABLE}"))
        .expect("drop");
    let exit = nth_line(&s, "background worker \"SPI worker 2\" (PID", 1);
    assert!(exit.contains("exited with exit code 1"), "{exit}");
    let err = nth_line(&s, "ERROR:  background worker \"SPI worker 2\"", 1);
    assert!(err.contains("does not exist"), "{err}");
    let back = nth_line(
        &s,
        "SPI worker 2 initialized with \"our schema2\".\"counted rows\"",
        2,
    );
    let dt = secs_between(&exit, &back);
    assert!(
        (1.5..3.5).contains(&dt),
        "restart 2 s after the exit 1, got {dt:.3} s:\n{exit}\n{back}"
    );
    // The table is back, empty, and the worker counts in it.
    assert_eq!(total(&mut c, W2_TABLE), None);
    insert(&mut c, W2_TABLE, "total", 1);
    insert(&mut c, W2_TABLE, "delta", 2);
    wait_total(&s, W2_TABLE, 3, T);
    assert_eq!(
        s.pids_titled("SPI worker 1"),
        vec![w1],
        "worker 1 is not affected"
    );
    assert_eq!(
        s.count_log("terminating any other active server processes"),
        0,
        "an exit 1 is no crash"
    );
}

#[test]
fn sigkill_of_worker_2_is_a_crash_reset_after_which_it_counts_on_and_worker_1_is_gone() {
    let s = start(&[]);
    let mut c = s.connect();
    insert(&mut c, W1_TABLE, "total", 0);
    insert(&mut c, W2_TABLE, "total", 0);
    for v in 1..=10 {
        insert(&mut c, W2_TABLE, "delta", v);
    }
    wait_total(&s, W2_TABLE, 55, T);
    // Deltas committed just before the kill must survive the crash and be counted after it.
    for v in [100, 200, 300] {
        insert(&mut c, W2_TABLE, "delta", v);
    }
    let w2 = s.wait_pid_titled("SPI worker 2", T);
    Server::kill(w2, libc::SIGKILL);
    s.expect_log(
        &format!(
            "background worker \"SPI worker 2\" (PID {w2}) was terminated by signal 9: Killed"
        ),
        T,
    );
    s.expect_log("terminating any other active server processes", T);
    s.expect_log("all server processes terminated; reinitializing", T);
    let ready = nth_line(&s, "database system is ready to accept connections", 2);
    let back = nth_line(&s, "SPI worker 2 initialized with", 2);
    let dt = secs_between(&ready, &back);
    assert!(
        (0.0..1.0).contains(&dt),
        "worker 2 starts at once after the reset, got {dt:.3} s"
    );
    // The old client connection was ended by the reset; a new one works.
    let mut c = s.connect();
    wait_total(&s, W2_TABLE, 655, T);
    insert(&mut c, W2_TABLE, "delta", 1);
    wait_total(&s, W2_TABLE, 656, T);
    // Worker 1 (never restarted) is gone for good: two more naptimes pass without it.
    let folds = s.count_log("SPI worker 2: count in");
    s.expect_n("SPI worker 2: count in", folds + 2, T);
    assert!(
        s.pids_titled("SPI worker 1").is_empty(),
        "{:?}",
        s.processes()
    );
    assert_eq!(s.count_log("SPI worker 1 initialized with"), 1);
    insert(&mut c, W1_TABLE, "delta", 9);
    std::thread::sleep(Duration::from_millis(1_200));
    assert_eq!(
        deltas(&mut c, W1_TABLE),
        1,
        "nobody folds schema1.counted any more"
    );
    let names = backend_types(&mut c);
    assert!(
        names.iter().any(|n| n == "SPI worker 2") && !names.iter().any(|n| n == "SPI worker 1"),
        "{names:?}"
    );
}

#[test]
fn an_idle_client_holding_a_write_transaction_does_not_kill_a_worker() {
    let (s, mut c) = start_with_worker_2_folding();
    let (w1, w2) = (
        s.wait_pid_titled("SPI worker 1", T),
        s.wait_pid_titled("SPI worker 2", T),
    );
    // The client takes SQLite's write lock and sits idle in its transaction.
    let mut tx = c.transaction().expect("begin");
    tx.execute(&format!("INSERT INTO {W2_TABLE} VALUES ('delta', 7)"), &[])
        .expect("insert");
    // The workers wait busy_timeout, warn, and try again next turn — they do not exit.
    s.expect_log("SPI worker 2: database is busy, will retry", T);
    assert_eq!(s.pids_titled("SPI worker 1"), vec![w1]);
    assert_eq!(s.pids_titled("SPI worker 2"), vec![w2]);
    assert_eq!(s.count_log("exited with exit code"), 0, "log:\n{}", s.log());
    tx.commit().expect("commit");
    wait_total(&s, W2_TABLE, 7, T);
    assert_eq!(
        s.pids_titled("SPI worker 2"),
        vec![w2],
        "the same worker folded the delta"
    );
    assert!(
        s.log()
            .lines()
            .any(|l| l.contains("WARNING:  SPI worker 2: database is busy")),
        "a WARNING line"
    );
}

#[test]
fn a_naptime_change_on_reload_takes_effect() {
    let s = start(&[]);
    let mut c = s.connect();
    insert(&mut c, W1_TABLE, "total", 0);
    // Folds every second at first.
    let pat = "SPI worker 1: count in schema1.counted is now";
    let a = nth_line(&s, pat, 2);
    let b = nth_line(&s, pat, 3);
    let dt = secs_between(&a, &b);
    assert!((0.5..1.8).contains(&dt), "naptime 1 s, got {dt:.3} s");
    // The user edits minipg.conf and reloads.
    let conf = s.data_dir().join("minipg.conf");
    let mut text = std::fs::read_to_string(&conf).expect("minipg.conf");
    text.push_str("\nworker_spi.naptime = 3\n");
    std::fs::write(&conf, text).expect("write minipg.conf");
    let (code, out) = s.ctl(&["reload"]);
    assert_eq!(code, 0, "reload: {out}");
    s.expect_log("SPI worker 1: got sighup!", T);
    s.expect_log("SPI worker 2: got sighup!", T);
    let hup = nth_line(&s, "SPI worker 1: got sighup!", 1);
    // The turn the SIGHUP woke still folds; from then on, every 3 s.
    let n = lines(&s, pat)
        .iter()
        .filter(|l| log_time(l) <= log_time(&hup) + 0.5)
        .count();
    let x = nth_line(&s, pat, n + 1);
    let dt = secs_between(&hup, &x);
    assert!(
        (2.0..4.5).contains(&dt),
        "next fold 3 s after the reload, got {dt:.3} s:\n{hup}\n{x}"
    );
}

#[test]
fn schema_and_table_names_with_spaces_and_quotes() {
    let s = Server::start(&["-c", "shared_preload_libraries="]);
    let mut c = s.connect();
    c.batch_execute(
        "CREATE SCHEMA \"my \"\"odd\"\" schema\" CREATE TABLE \"a table\" (n integer, \"the \"\"label\"\"\" text)",
    )
    .expect("create schema with a quoted name");
    c.execute(
        "INSERT INTO \"my \"\"odd\"\" schema\".\"a table\" VALUES ($1, $2)",
        &[&1i32, &"one"],
    )
    .expect("insert");
    let row = c
        .query_one(
            "SELECT n, \"the \"\"label\"\"\" FROM \"my \"\"odd\"\" schema\".\"a table\"",
            &[],
        )
        .expect("select");
    assert_eq!(
        (row.get::<_, i32>(0), row.get::<_, String>(1)),
        (1, "one".to_owned())
    );
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname = $1",
            &[&"my \"odd\" schema"],
        )
        .expect("pg_namespace")
        .get(0);
    assert_eq!(n, 1);
    // The unquoted name is another schema, which does not exist.
    let e = c
        .batch_execute("SELECT * FROM my.\"a table\"")
        .expect_err("no such schema");
    assert!(
        matches!(e.code().map(|c| c.code()), Some("42P01" | "3F000")),
        "{e}"
    );
    c.batch_execute("DROP SCHEMA \"my \"\"odd\"\" schema\" CASCADE")
        .expect("drop schema cascade");
    let e = c
        .batch_execute("SELECT * FROM \"my \"\"odd\"\" schema\".\"a table\"")
        .expect_err("dropped");
    assert!(
        matches!(e.code().map(|c| c.code()), Some("42P01" | "3F000")),
        "{e}"
    );
}

#[test]
fn a_thousand_schemas() {
    let s = Server::start(&["-c", "shared_preload_libraries="]);
    let mut c = s.connect();
    let mut sql = String::from("BEGIN;");
    for i in 0..1_000 {
        sql.push_str(&format!(
            "CREATE SCHEMA \"s {i}\" CREATE TABLE t (n integer);"
        ));
        sql.push_str(&format!("INSERT INTO \"s {i}\".t VALUES ({i});"));
    }
    sql.push_str("COMMIT;");
    c.batch_execute(&sql).expect("1,000 schemas");
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 's %'",
            &[],
        )
        .expect("count")
        .get(0);
    assert_eq!(n, 1_000);
    for i in [0, 1, 499, 999] {
        let v: i32 = c
            .query_one(&format!("SELECT n FROM \"s {i}\".t"), &[])
            .expect("select")
            .get(0);
        assert_eq!(v, i);
    }
}

#[test]
fn two_sessions_incrementing_one_row_lose_no_update() {
    let s = Server::start(&["-c", "shared_preload_libraries="]);
    s.connect()
        .batch_execute("CREATE TABLE c (n integer); INSERT INTO c VALUES (0)")
        .expect("setup");
    const EACH: i32 = 300;
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let mut c = s.connect();
            std::thread::spawn(move || {
                let mut retries = 0;
                for _ in 0..EACH {
                    // Read, then write what was read plus one: a lost update unless the server
                    // refuses the stale write.
                    loop {
                        let r = (|| -> Result<(), postgres::Error> {
                            let mut tx = c.transaction()?;
                            let n: i32 = tx.query_one("SELECT n FROM c", &[])?.get(0);
                            tx.execute("UPDATE c SET n = $1", &[&(n + 1)])?;
                            tx.commit()
                        })();
                        match r {
                            Ok(()) => break,
                            Err(e) if e.code().map(|c| c.code()) == Some("40001") => retries += 1,
                            Err(e) => panic!("unexpected error: {e}"),
                        }
                    }
                }
                retries
            })
        })
        .collect();
    let retries: i32 = workers.into_iter().map(|h| h.join().expect("writer")).sum();
    let n: i32 = s
        .connect()
        .query_one("SELECT n FROM c", &[])
        .expect("read")
        .get(0);
    assert_eq!(
        n,
        2 * EACH,
        "no lost update ({retries} serialization failures retried)"
    );
    // Plain UPDATE n = n + 1 in autocommit needs no retry at all.
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let mut c = s.connect();
            std::thread::spawn(move || {
                for _ in 0..EACH {
                    c.execute("UPDATE c SET n = n + 1", &[]).expect("update");
                }
            })
        })
        .collect();
    workers.into_iter().for_each(|h| h.join().expect("writer"));
    let n: i32 = s
        .connect()
        .query_one("SELECT n FROM c", &[])
        .expect("read")
        .get(0);
    assert_eq!(n, 4 * EACH);
}

#[test]
fn worker_1_restarted_while_a_client_holds_the_write_lock_waits_and_comes_up() {
    let s = start(&[]);
    s.expect_log("SPI worker 1 initialized", T);
    let old = s.wait_pid_titled("bgworker: SPI worker 1", T);
    let mut holder = s.connect();
    holder
        .batch_execute("BEGIN; INSERT INTO schema1.counted VALUES ('delta', 1)")
        .expect("hold the write lock");
    // SIGTERM: exit 0, restarted at once (1 s guard); its initialization finds the lock held.
    Server::kill(old, libc::SIGTERM);
    s.expect_log(
        "SPI worker 1: database is busy, will retry",
        Duration::from_secs(15),
    );
    holder.batch_execute("COMMIT").expect("commit");
    s.expect_n("SPI worker 1 initialized", 2, T);
    let new = s.wait_pid_titled("bgworker: SPI worker 1", T);
    assert_ne!(new, old);
    assert_eq!(
        s.count_log("background worker \"SPI worker 1\""),
        0,
        "{}",
        s.log()
    );
}

/// A commit that inserts a delta wakes the worker: with a 10 s naptime the total is right
/// within a fraction of a second, every time, so the worker is not polling.
#[test]
fn a_committed_delta_wakes_the_worker_at_once() {
    let s = start(&["-c", "worker_spi.naptime=10"]);
    let mut c = s.connect();
    c.batch_execute("insert into schema1.counted values ('total', 0)")
        .expect("total");
    let mut lags = Vec::new();
    for i in 1..=5i64 {
        c.batch_execute("insert into schema1.counted values ('delta', 1)")
            .expect("delta");
        lags.push(until_total(&mut c, i, Duration::from_secs(3)));
    }
    lags.sort();
    eprintln!("delta → total lags with naptime 10 s: {lags:?}");
    assert!(lags[2] < Duration::from_millis(500), "{lags:?}");
    // 10,000 deltas, 100 per transaction: right soon after the last commit.
    let batch: String = (0..100)
        .map(|_| "insert into schema1.counted values ('delta', 1);")
        .collect();
    for _ in 0..100 {
        c.batch_execute(&format!("begin;{batch}commit;"))
            .expect("deltas");
    }
    let took = until_total(&mut c, 10_005, Duration::from_secs(5));
    eprintln!("10,000 deltas: total right {took:?} after the last commit");
}
