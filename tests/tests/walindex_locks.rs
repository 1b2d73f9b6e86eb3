//! SQLite's WAL-index locks live in the server's shared memory (`shmem::walindex`, through the
//! VFS `postmaster::child::walindex_vfs`): a transaction holding the write lock shows no
//! `fcntl` lock on the database's `-shm` file, a writer waiting for it goes on when it is let
//! go, and a process that exits while holding it gives it back (the postmaster takes back what
//! a child it reaps still held). The same VFS reads the WAL through a mapping and holds a frame
//! header back to write it with its page: a backend reads and writes in fewer calls, and a
//! header SQLite writes alone at commit (its checksum rewrite) is on disk before the
//! acknowledgement.

use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use tests::harness::{Server, backend_pid, process_alive, value, wait_until};

const NO_WORKERS: &[&str] = &["-c", "shared_preload_libraries="];

/// SQLite's unix VFS locks byte 120 + i of the `-shm` file for lock slot i; the write lock is
/// slot 0.
const WRITE_LOCK_BYTE: u64 = 120;

/// The `fcntl` locks on the file with inode `ino` that cover `byte`, as /proc/locks lists them.
fn fcntl_locks_on(ino: u64, byte: u64) -> Vec<String> {
    let locks = std::fs::read_to_string("/proc/locks").expect("/proc/locks");
    locks
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // "1: POSIX  ADVISORY  WRITE 1234 fd:01:5678 120 120"
            let Some(pos) = f.iter().position(|x| x.matches(':').count() == 2) else {
                return false;
            };
            let inode = f[pos]
                .rsplit(':')
                .next()
                .and_then(|i| i.parse::<u64>().ok());
            let start = f.get(pos + 1).and_then(|s| s.parse::<u64>().ok());
            let end = f.get(pos + 2).and_then(|s| {
                if *s == "EOF" {
                    Some(u64::MAX)
                } else {
                    s.parse::<u64>().ok()
                }
            });
            inode == Some(ino) && start.is_some_and(|s| s <= byte) && end.is_some_and(|e| e >= byte)
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_write_lock_is_no_fcntl_lock_and_a_waiting_writer_goes_on_at_its_release() {
    let s = Server::start(NO_WORKERS);
    let mut holder = s.connect();
    holder
        .batch_execute("create table t (a int)")
        .expect("create");
    holder
        .batch_execute("begin; insert into t values (1)")
        .expect("hold the write lock");
    let shm = s.data_dir().join("base/postgres/postgres.sqlite-shm");
    let ino = std::fs::metadata(&shm).expect("-shm file").ino();
    assert_eq!(
        fcntl_locks_on(ino, WRITE_LOCK_BYTE),
        Vec::<String>::new(),
        "the write lock is held, but not as an fcntl lock"
    );

    let waiter = {
        let mut c = s.connect();
        std::thread::spawn(move || {
            let t0 = Instant::now();
            c.batch_execute("insert into t values (2)").expect("insert");
            t0.elapsed()
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        !waiter.is_finished(),
        "the second writer waits for the first"
    );
    holder.batch_execute("commit").expect("commit");
    let waited = waiter.join().expect("join");
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(3),
        "waited {waited:?}"
    );
    assert_eq!(
        value(
            &mut holder,
            "select string_agg(a::text, ',' order by a) from t"
        ),
        "1,2"
    );
    s.assert_no_crash();
}

#[test]
fn a_backend_that_exits_in_a_write_transaction_gives_the_lock_back() {
    let s = Server::start(NO_WORKERS);
    let mut c = s.connect();
    c.batch_execute("create table t (a int)").expect("create");
    for round in 0..3 {
        let mut holder = s.connect();
        let pid = backend_pid(&mut holder);
        holder
            .batch_execute("begin; insert into t values (-1)")
            .expect("hold the write lock");
        assert_eq!(
            value(&mut c, &format!("select pg_terminate_backend({pid})")),
            "t"
        );
        assert!(
            wait_until(Duration::from_secs(5), || !process_alive(pid)),
            "backend {pid} exited"
        );
        let t0 = Instant::now();
        c.batch_execute(&format!("insert into t values ({round})"))
            .expect("the next writer gets the lock");
        assert!(
            t0.elapsed() < Duration::from_secs(2),
            "round {round}: {:?}",
            t0.elapsed()
        );
    }
    assert_eq!(
        value(&mut c, "select string_agg(a::text, ',' order by a) from t"),
        "0,1,2"
    );
    s.assert_no_crash();
}

/// A worker opens the database with SQLite itself, takes the write lock and exits (status 1, no
/// crash) holding it: the postmaster's reaper gives the lock back, and the next writer does not
/// wait out its busy timeout. A worker without shared-memory access may not open a database at
/// all (its locks would not be in the table).
#[test]
fn a_process_that_exits_holding_the_write_lock_gives_it_back() {
    let s = Server::start(&[
        "-c",
        "shared_preload_libraries=test_workers",
        "-c",
        "test_workers.enable=rawwrite,rawnoshmem",
    ]);
    s.expect_log(
        "test worker rawnoshmem could not: unable to open database file",
        Duration::from_secs(10),
    );
    s.expect_log(
        "test worker rawwrite holds the write lock",
        Duration::from_secs(10),
    );
    s.expect_log("exited with exit code 1", Duration::from_secs(10));
    let mut c = s.connect();
    let t0 = Instant::now();
    c.batch_execute("create table t (a int); insert into t values (1)")
        .expect("the write lock is free again");
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "waited {:?}",
        t0.elapsed()
    );
    s.assert_no_crash();
}

/// `(read, write)` system calls of process `pid` so far (`syscr`, `syscw` of /proc/pid/io:
/// `pread` and `pwrite` count, a socket's `sendto` and `recvfrom` do not).
fn io_syscalls(pid: i32) -> (u64, u64) {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).expect("/proc/pid/io");
    let field = |name: &str| {
        io.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or_else(|| panic!("{name} in /proc/{pid}/io:\n{io}"))
    };
    (field("syscr:"), field("syscw:"))
}

#[test]
fn a_backend_reads_the_wal_through_its_mapping_and_writes_a_frame_in_one_call() {
    // Two backends insert in turn: each commit resets the other's page cache, so each insert
    // reads its table's pages again, from the WAL where the other's commit just put them.
    let s = Server::start(&[NO_WORKERS, &["-c", "autovacuum=off"]].concat());
    let mut a = s.connect();
    let mut b = s.connect();
    a.batch_execute("create table t (a int)").expect("create");
    let pid = backend_pid(&mut b);
    for i in 0..20 {
        a.execute("insert into t values ($1)", &[&i]).expect("a");
        b.execute("insert into t values ($1)", &[&i]).expect("b");
    }
    const N: u64 = 100;
    let (r0, w0) = io_syscalls(pid);
    for i in 0..N as i32 {
        a.execute("insert into t values ($1)", &[&i]).expect("a");
        b.execute("insert into t values ($1)", &[&i]).expect("b");
    }
    let (r1, w1) = io_syscalls(pid);
    let (reads, writes) = (r1 - r0, w1 - w0);
    // Each of b's inserts reads two pages again: the database's header page, from the database
    // file, and the table's page, from the WAL. Only the first is a read call now.
    assert!(
        reads <= N + N / 10,
        "{reads} read calls for {N} inserts after another backend's commit"
    );
    // One frame (the table's page) per commit, header and page in one pwrite: two calls each
    // before; a commit that adds a page to the file writes two frames.
    assert!(
        writes <= N + N / 10,
        "{writes} write calls for {N} one-page commits"
    );
    let n: i64 = a
        .query_one("select count(*) from t", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 2 * (20 + N as i64));
}

/// A transaction bigger than SQLite's page cache writes ("spills") pages to the WAL before it
/// commits; when it changes a spilled page again, SQLite rewrites that frame in place, and at
/// commit rewrites the checksums of every frame from there on, writing the commit frame's
/// 24-byte header last and alone. That write must be on disk before the commit is
/// acknowledged: a backend killed right after the acknowledgement (a crash reset, and SQLite's
/// recovery that checks every frame's checksum) still has the transaction.
#[test]
fn a_spilling_transaction_that_changes_a_spilled_page_survives_a_crash_after_its_commit() {
    let s = Server::start(&[NO_WORKERS, &["-c", "autovacuum=off"]].concat());
    let mut c = s.connect();
    c.batch_execute("create table t (a int primary key, v text)")
        .expect("create");
    let pid = backend_pid(&mut c);
    // 2,500 rows of 1 kB: some 650 pages, more than the default cache of 2 MB (500 pages) and
    // fewer than the 1,000 WAL frames at which a commit claims a checkpoint (whose syncs would
    // write a held-back write too).
    c.batch_execute(
        "begin;
         insert into t values (0, 'first');
         insert into t select g, repeat('x', 1000) from generate_series(1, 2500) g;
         update t set v = 'changed' where a = 0;
         commit",
    )
    .expect("the spilling transaction");
    Server::kill(pid, libc::SIGKILL);
    s.expect_log(
        "all server processes terminated; reinitializing",
        Duration::from_secs(20),
    );
    s.wait_ready_n(2);
    let mut c = s.connect();
    let row = c
        .query_one(
            "select count(*), min(v) from t where a = 0 or a = 2500",
            &[],
        )
        .expect("select after the crash");
    assert_eq!(row.get::<_, i64>(0), 2, "the committed rows were lost");
    assert_eq!(row.get::<_, String>(1), "changed");
}
