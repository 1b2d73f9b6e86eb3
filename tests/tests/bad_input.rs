//! Bad input that no other test file covers, each against a real server: database files deleted
//! before start and while running, `minipg.conf` deleted, a full disk (a small tmpfs), an idle
//! client holding the write lock (with and without `idle_in_transaction_session_timeout`), and
//! a client that vanishes in the middle of a large result, and a megabyte of expression. `docs/bad-input.md` is the table of
//! every kind of bad input and the test behind each answer; this file backs its new rows.
//!
//! Every test ends by checking that the server never went through a crash reset: bad input is
//! an ERROR or a FATAL for one session, never a crash (ARCHITECTURE.md).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tests::harness::{Server, wait_until};
use tests::rawpg::{query, startup_packet};

const T: Duration = Duration::from_secs(20);

/// A server without background workers: only clients.
fn start(extra: &[&str]) -> Server {
    let mut args = vec!["-c", "shared_preload_libraries="];
    args.extend_from_slice(extra);
    Server::start(&args)
}

/// SQLSTATE, severity and message of a client error.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} {}: {}", d.severity(), d.code().code(), d.message()),
        None => format!("{e} ({e:?})"),
    }
}

/// SQLSTATE of a client error (None when it is not an error from the server).
fn code(e: &postgres::Error) -> Option<&str> {
    e.code().map(|c| c.code())
}

/// `base/postgres/postgres.sqlite` and its WAL and shared-memory index.
fn postgres_db_files(s: &Server) -> Vec<PathBuf> {
    let db = s.data_dir().join("base").join("postgres");
    [
        "postgres.sqlite",
        "postgres.sqlite-wal",
        "postgres.sqlite-shm",
    ]
    .iter()
    .map(|f| db.join(f))
    .collect()
}

fn remove_if_there(path: &Path) {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => panic!("remove {}: {e}", path.display()),
    }
}

// ---------------------------------------------------------------------------------------------
// Deleted data-directory files

#[test]
fn a_database_file_deleted_while_running_refuses_new_sessions_with_3d000() {
    let s = start(&[]);
    let mut old = s.connect();
    old.batch_execute("CREATE TABLE t (a int); INSERT INTO t VALUES (1)")
        .expect("setup");
    for f in postgres_db_files(&s) {
        remove_if_there(&f);
    }
    let e = s.try_connect().err().expect("a new session is refused");
    assert_eq!(code(&e), Some("3D000"), "{}", describe(&e));
    let d = e.as_db_error().expect("db error");
    assert_eq!(d.severity(), "FATAL");
    assert_eq!(d.message(), "database \"postgres\" does not exist");
    // The session that had the file open keeps its (unlinked) file until it leaves.
    let n: i64 = old
        .query_one("SELECT count(*) FROM t", &[])
        .expect("the old session still reads")
        .get(0);
    assert_eq!(n, 1);
    drop(old);
    s.assert_no_crash();
    let (rc, out) = s.ctl(&["stop"]);
    assert_eq!(rc, 0, "{out}");
}

#[test]
fn a_database_file_deleted_before_start_is_3d000_and_the_server_still_starts() {
    let mut s = start(&[]);
    s.connect()
        .batch_execute("CREATE TABLE kept (a int)")
        .expect("setup");
    let (rc, out) = s.ctl(&["stop"]);
    assert_eq!(rc, 0, "{out}");
    s.wait_exit(T);
    for f in postgres_db_files(&s) {
        remove_if_there(&f);
    }
    // The server starts (the startup process opens the databases that exist), and a session
    // for the missing database is FATAL 3D000, as for any unknown database.
    s.spawn();
    assert!(
        s.wait_log_n("ready to accept connections", 2, T),
        "the server did not come back:\n{}",
        s.log()
    );
    let e = s
        .try_connect()
        .err()
        .expect("the postgres database is gone");
    assert_eq!(code(&e), Some("3D000"), "{}", describe(&e));
    // No crash reset: a missing database is one more unknown database.
    s.assert_no_crash();
    // `postmaster init` on the existing directory creates the missing database again (empty).
    let (rc, out) = s.ctl(&["init"]);
    assert_eq!(rc, 0, "{out}");
    assert!(
        out.contains("created the missing database \"postgres\""),
        "{out}"
    );
    let mut c = s.connect();
    let n: i64 = c
        .query_one("SELECT count(*) FROM pg_namespace", &[])
        .expect("the recreated database answers")
        .get(0);
    assert!(n >= 1);
}

#[test]
fn a_deleted_minipg_conf_keeps_the_running_settings_and_a_restart_is_refused() {
    let mut s = start(&["-c", "statement_timeout=7s"]);
    let conf = s.data_dir().join("minipg.conf");
    std::fs::remove_file(&conf).expect("remove minipg.conf");
    let (rc, out) = s.ctl(&["reload"]);
    assert_eq!(rc, 0, "{out}");
    assert!(
        s.wait_log_n("minipg.conf", 1, T),
        "the reload did not log the missing file:\n{}",
        s.log()
    );
    let mut c = s.connect();
    let shown: String = c
        .query_one("SHOW statement_timeout", &[])
        .expect("show")
        .get(0);
    assert_eq!(shown, "7s");
    drop(c);
    let (rc, out) = s.ctl(&["stop"]);
    assert_eq!(rc, 0, "{out}");
    s.wait_exit(T);
    // Without its minipg.conf the start is refused (exit 1) naming the missing file, and the
    // data is left alone.
    s.spawn();
    let code = s.wait_exit(T);
    assert_eq!(code, Some(1), "{}", s.log());
    assert!(
        s.log()
            .contains("has no configuration file \"minipg.conf\""),
        "{}",
        s.log()
    );
    assert!(
        postgres_db_files(&s)[0].is_file(),
        "the database is untouched"
    );
    s.assert_no_crash();
}

// ---------------------------------------------------------------------------------------------
// A full disk

/// A small tmpfs mounted on the (not yet created) data directory; unmounted on drop.
struct SmallDisk {
    path: PathBuf,
}

impl SmallDisk {
    /// `None` when this machine cannot mount (not root, or in a container without the right).
    fn mount(path: &Path, size: &str) -> Option<SmallDisk> {
        std::fs::create_dir_all(path).expect("mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size},mode=0700")])
            .arg("tmpfs")
            .arg(path)
            .status()
            .ok()?;
        status.success().then(|| SmallDisk {
            path: path.to_owned(),
        })
    }
}

impl SmallDisk {
    /// Makes room, as an administrator freeing disk space would.
    fn grow(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.path)
            .status()
            .expect("mount -o remount");
        assert!(
            status.success(),
            "remount {} to {size}",
            self.path.display()
        );
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

#[test]
fn a_full_disk_is_error_53100_and_the_server_goes_on() {
    let mut s = Server::new(&["-c", "shared_preload_libraries="]);
    let Some(disk) = SmallDisk::mount(&s.data_dir(), "3m") else {
        eprintln!("note: cannot mount a tmpfs here; the full-disk test is skipped");
        return;
    };
    s.spawn();
    s.wait_ready();
    let mut c = s.connect();
    c.batch_execute("CREATE TABLE filler (b text)")
        .expect("create");
    let mut full = None;
    for _ in 0..200 {
        match c.batch_execute("INSERT INTO filler VALUES (repeat('x', 100000))") {
            Ok(()) => {}
            Err(e) => {
                full = Some(e);
                break;
            }
        }
    }
    let e = full.expect("3 MB filled up");
    assert_eq!(code(&e), Some("53100"), "{}", describe(&e));
    let d = e.as_db_error().expect("db error");
    assert_eq!(
        d.severity(),
        "ERROR",
        "one statement fails, not the session"
    );
    // The session and the server go on: reads work; a write either fails with 53100 (SQLite's
    // WAL needs room too) or, when it frees enough, succeeds.
    let n: i64 = c
        .query_one("SELECT count(*) FROM filler", &[])
        .expect("reads still work")
        .get(0);
    assert!(n > 0);
    if let Err(e) = c.batch_execute("INSERT INTO filler VALUES (repeat('y', 100000))") {
        assert_eq!(code(&e), Some("53100"), "{}", describe(&e));
    }
    disk.grow("16m");
    c.batch_execute("DELETE FROM filler")
        .expect("a delete once there is room");
    c.batch_execute("INSERT INTO filler VALUES ('small')")
        .expect("and writes");
    drop(c);
    s.connect().simple_query("SELECT 1").expect("new sessions");
    s.assert_no_crash();
    let (rc, out) = s.ctl(&["stop"]);
    assert_eq!(rc, 0, "{out}");
    s.wait_exit(T);
}

// ---------------------------------------------------------------------------------------------
// An idle client holding the write lock

/// A server with `idle_in_transaction_session_timeout` = `timeout`, and a client that created
/// table `t` and holds the write lock in an open transaction that inserted 1.
fn start_with_an_idle_lock_holder(timeout: &str) -> (Server, postgres::Client) {
    let s = start(&[
        "-c",
        &format!("idle_in_transaction_session_timeout={timeout}"),
    ]);
    let mut holder = s.connect();
    holder
        .batch_execute("CREATE TABLE t (a int)")
        .expect("table");
    holder
        .batch_execute("BEGIN; INSERT INTO t VALUES (1)")
        .expect("holder takes the write lock");
    (s, holder)
}

#[test]
fn an_idle_client_holding_the_write_lock_is_ended_by_the_idle_in_transaction_timeout() {
    let (s, mut holder) = start_with_an_idle_lock_holder("1s");
    let mut writer = s.connect();
    let t0 = Instant::now();
    writer
        .batch_execute("INSERT INTO t VALUES (2)")
        .expect("the writer waits, then gets the lock once the idle holder is ended");
    let waited = t0.elapsed();
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_secs(5),
        "waited {waited:?}"
    );
    let e = holder
        .simple_query("SELECT 1")
        .expect_err("the holder's session is over");
    // The FATAL arrives while the client is idle; the driver reports it on the next call, as an
    // error with the SQLSTATE or as a closed connection.
    if let Some(c) = code(&e) {
        assert_eq!(c, "25P03", "{}", describe(&e));
    }
    let n: i64 = writer
        .query_one("SELECT count(*) FROM t", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 1, "the holder's uncommitted row was rolled back");
    s.assert_no_crash();
}

#[test]
fn an_idle_client_holding_the_write_lock_makes_other_writers_fail_with_55p03() {
    let (s, mut holder) = start_with_an_idle_lock_holder("0");
    let mut writer = s.connect();
    let e = writer
        .batch_execute("INSERT INTO t VALUES (2)")
        .expect_err("the write lock is held");
    assert_eq!(code(&e), Some("55P03"), "{}", describe(&e));
    // Readers are not blocked, and the writer's session goes on.
    let n: i64 = writer
        .query_one("SELECT count(*) FROM t", &[])
        .expect("reads go on")
        .get(0);
    assert_eq!(n, 0);
    holder.batch_execute("COMMIT").expect("commit");
    writer
        .batch_execute("INSERT INTO t VALUES (2)")
        .expect("the lock is free again");
    s.assert_no_crash();
}

// ---------------------------------------------------------------------------------------------
// A client that vanishes mid-result

#[test]
fn a_client_vanishing_in_the_middle_of_a_large_result_ends_only_its_backend() {
    let s = start(&[]);
    let sock = s.socket_dir().join(format!(".s.PGSQL.{}", s.port));
    let mut st = UnixStream::connect(sock).expect("connect");
    st.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    st.write_all(&startup_packet()).expect("startup");
    st.write_all(&query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000) \
         SELECT i, 'some padding to make the rows wider' FROM n",
    ))
    .expect("query");
    let mut first = [0u8; 64 * 1024];
    let mut got = 0;
    while got < first.len() {
        match st.read(&mut first[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    assert!(got > 0, "rows started to arrive");
    drop(st);
    let mut c = s.connect();
    assert!(
        wait_until(T, || {
            let n: i64 = c
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'",
                    &[],
                )
                .expect("pg_stat_activity")
                .get(0);
            n == 1
        }),
        "the vanished client's backend never ended"
    );
    s.assert_no_crash();
}

// ---------------------------------------------------------------------------------------------
// One megabyte of expression

/// A 1 MB statement of nested casts, of nested parentheses, and of the flat shapes that do not
/// nest (a long select list, IN list, CASE, AND chain) each ends within a second — with a
/// result, 54001, or `statement_timeout`'s 57014 — while another client keeps being answered.
#[test]
fn a_megabyte_expression_ends_within_a_second_and_others_are_served_meanwhile() {
    let s = start(&[]);
    let n = 1 << 20;
    let shapes = [
        ("nested casts", format!("select 1{}", "::int".repeat(n / 5))),
        (
            "nested parentheses",
            format!("select {}1{}", "(".repeat(n / 2), ")".repeat(n / 2)),
        ),
        ("select list", format!("select {}1", "1,".repeat(n / 2))),
        ("IN list", format!("select 1 in ({}1)", "1,".repeat(n / 2))),
        (
            "CASE",
            format!("select case {}end", "when 1=1 then 1 ".repeat(n / 16)),
        ),
        (
            "AND chain",
            format!("select 1 where {}true", "true and ".repeat(n / 9)),
        ),
    ];
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let other = {
        let stop = stop.clone();
        let mut c = s.connect();
        std::thread::spawn(move || {
            let mut slowest = Duration::ZERO;
            let mut answered = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let t = Instant::now();
                let v: i32 = c
                    .query_one("select 41 + 1", &[])
                    .expect("other client")
                    .get(0);
                assert_eq!(v, 42);
                slowest = slowest.max(t.elapsed());
                answered += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            (answered, slowest)
        })
    };
    let mut c = s.connect();
    c.batch_execute("set statement_timeout = '100ms'")
        .expect("set");
    for (name, sql) in &shapes {
        let t = Instant::now();
        let outcome = c.simple_query(sql);
        let took = t.elapsed();
        let what = match &outcome {
            Ok(_) => "a result".to_string(),
            Err(e) => describe(e),
        };
        if let Err(e) = &outcome {
            assert!(matches!(code(e), Some("54001" | "57014")), "{name}: {what}");
        }
        assert!(
            took < Duration::from_secs(1),
            "{name}: {what} after {took:?}"
        );
        eprintln!("{name}: {what} after {took:?}");
        let v: i32 = c
            .query_one("select 1", &[])
            .expect("session goes on")
            .get(0);
        assert_eq!(v, 1);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (answered, slowest) = other.join().expect("other client");
    assert!(answered > 0);
    eprintln!("the other client: {answered} answers, slowest {slowest:?}");
    s.assert_no_crash();
}
