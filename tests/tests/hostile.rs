//! Hostile clients (issue 12): no client can reset the server or starve the others.
//!
//! Each test drives a real server the way an unfriendly client would — a result far larger
//! than memory, a client that stops reading, oversized values and messages under a 1 GB
//! address-space limit, statements that fail half-way through a Query or a pipeline, an idle
//! holder of the write lock, hundreds of sockets that never send a startup packet — and checks
//! the same three things: nothing committed is lost (and nothing of a failed implicit
//! transaction is kept), the server never goes through a crash reset (the log has no
//! "terminating any other active server processes"), and other sessions keep working.
//! `docs/limits.md` lists the limits these tests hold the server to.

use std::io::{BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tests::harness::{Server, wait_until};
use tests::rawpg::{msg, query, startup_packet};

/// A server without background workers: only clients.
fn start(extra: &[&str]) -> Server {
    let mut args = vec!["-c", "shared_preload_libraries="];
    args.extend_from_slice(extra);
    Server::start(&args)
}

/// A server whose every process runs under `ulimit -v` of 1 GB (RLIMIT_AS, set in the
/// postmaster before exec and inherited by each child it forks).
fn start_limited(extra: &[&str]) -> Server {
    use std::os::unix::process::CommandExt;
    let mut args = vec!["-c", "shared_preload_libraries="];
    args.extend_from_slice(extra);
    let mut s = Server::new(&args);
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(s.log_path())
        .expect("log");
    let mut cmd = s.command();
    cmd.args(&s.args)
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .process_group(0);
    // SAFETY: the closure runs in the forked child before exec and only calls setrlimit,
    // which is async-signal-safe, on a local struct.
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 1 << 30,
                rlim_max: 1 << 30,
            };
            if libc::setrlimit(libc::RLIMIT_AS, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    s.child = Some(cmd.spawn().expect("spawn server"));
    s.wait_ready();
    s
}

fn crash_free(s: &Server) {
    let log = s.log();
    for bad in [
        "terminating any other active server processes",
        "PANIC",
        "was terminated by signal",
        "memory allocation of",
    ] {
        assert!(!log.contains(bad), "the server log has {bad:?}:\n{log}");
    }
}

/// A server, and a client that created table `t (a int)`.
fn start_with_table_t() -> (Server, postgres::Client) {
    let s = start(&[]);
    let mut c = s.connect();
    c.batch_execute("create table t (a int)").expect("table");
    (s, c)
}

/// The values in table `t`, ascending.
fn rows_of_t(c: &mut postgres::Client) -> Vec<i32> {
    c.query("select a from t order by a", &[])
        .expect("rows")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// The rows of table `t`.
fn count_t(c: &mut postgres::Client) -> i64 {
    c.query_one("select count(*) from t", &[])
        .expect("count")
        .get(0)
}

fn code(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => d.code().code().to_owned(),
        None => format!("not a server error: {e}"),
    }
}

/// A backend's resident set, from /proc (kB).
fn rss_kb(pid: i32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Samples a process's RSS every 20 ms until dropped; `max_kb` holds the peak.
struct RssWatch {
    stop: Arc<AtomicBool>,
    max_kb: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RssWatch {
    fn new(pid: i32) -> RssWatch {
        let stop = Arc::new(AtomicBool::new(false));
        let max_kb = Arc::new(AtomicU64::new(0));
        let (s, m) = (stop.clone(), max_kb.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                if let Some(kb) = rss_kb(pid) {
                    m.fetch_max(kb, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        RssWatch {
            stop,
            max_kb,
            thread: Some(thread),
        }
    }

    fn peak_mib(&self) -> f64 {
        self.max_kb.load(Ordering::Relaxed) as f64 / 1024.0
    }
}

impl Drop for RssWatch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A raw protocol connection: reads through a large buffer, remembers its backend's pid and
/// cancel key.
struct Raw {
    r: BufReader<UnixStream>,
    w: UnixStream,
    pid: i32,
    key: i32,
    sock: std::path::PathBuf,
}

impl Raw {
    fn connect(s: &Server) -> Raw {
        let sock = s.socket_dir().join(format!(".s.PGSQL.{}", s.port));
        let mut w = UnixStream::connect(&sock).expect("connect");
        w.set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        w.write_all(&startup_packet()).expect("startup");
        let r = BufReader::with_capacity(1 << 20, w.try_clone().expect("clone"));
        let mut c = Raw {
            r,
            w,
            pid: 0,
            key: 0,
            sock,
        };
        let mut body = Vec::new();
        loop {
            match c.next(&mut body) {
                b'K' => {
                    c.pid = i32::from_be_bytes([body[0], body[1], body[2], body[3]]);
                    c.key = i32::from_be_bytes([body[4], body[5], body[6], body[7]]);
                }
                b'Z' => return c,
                b'E' => panic!("startup refused: {}", String::from_utf8_lossy(&body)),
                _ => {}
            }
        }
    }

    /// The next message's tag, its body in `body`.
    fn next(&mut self, body: &mut Vec<u8>) -> u8 {
        let mut head = [0u8; 5];
        self.r.read_exact(&mut head).expect("read message");
        let len = i32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        body.resize(len - 4, 0);
        self.r.read_exact(body).expect("read body");
        head[0]
    }

    fn send(&mut self, bytes: &[u8]) {
        self.w.write_all(bytes).expect("send");
    }

    /// Sends a CancelRequest for this connection's backend.
    fn cancel(&self) {
        let mut c = UnixStream::connect(&self.sock).expect("connect for cancel");
        let mut p = 16i32.to_be_bytes().to_vec();
        p.extend_from_slice(&80_877_102i32.to_be_bytes());
        p.extend_from_slice(&self.pid.to_be_bytes());
        p.extend_from_slice(&self.key.to_be_bytes());
        c.write_all(&p).expect("cancel request");
    }

    /// Reads to ReadyForQuery; returns the SQLSTATEs of the errors on the way.
    fn until_ready(&mut self) -> Vec<String> {
        let mut body = Vec::new();
        let mut errors = Vec::new();
        loop {
            match self.next(&mut body) {
                b'E' => errors.push(sqlstate(&body)),
                b'Z' => return errors,
                _ => {}
            }
        }
    }
}

/// The `C` field of an ErrorResponse body.
fn sqlstate(body: &[u8]) -> String {
    for f in body.split(|b| *b == 0) {
        if let Some(c) = f.strip_prefix(b"C") {
            return String::from_utf8_lossy(c).into_owned();
        }
    }
    String::new()
}

/// The first column of a DataRow, as text.
fn first_column(body: &[u8]) -> &[u8] {
    let len = i32::from_be_bytes([body[2], body[3], body[4], body[5]]);
    &body[6..6 + usize::try_from(len).unwrap_or(0)]
}

fn parse_int(b: &[u8]) -> i64 {
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(-1)
}

// ---------------------------------------------------------------------------------------------
// Streaming memory

/// Rows the streaming test reads: the ten million by default; `HOSTILE_STREAM_ROWS`
/// lowers it on a slow machine (the RSS bound holds whatever the count).
fn stream_rows() -> i64 {
    std::env::var("HOSTILE_STREAM_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000)
}

#[test]
fn ten_million_rows_of_a_kilobyte_stream_in_order_with_the_backend_under_64_mib() {
    let s = start(&[]);
    let mut other = s.connect();
    let mut c = Raw::connect(&s);
    let rows = stream_rows();
    let watch = RssWatch::new(c.pid);
    let t0 = Instant::now();
    c.send(&query(&format!(
        "select n, repeat('x', 1000) from generate_series(1, {rows}) n"
    )));
    let mut body = Vec::new();
    let mut expect = 1i64;
    loop {
        match c.next(&mut body) {
            b'D' => {
                assert_eq!(parse_int(first_column(&body)), expect, "rows out of order");
                expect += 1;
                if expect % 1_000_000 == 0 {
                    // Others are served meanwhile.
                    let one: i32 = other.query_one("select 1", &[]).expect("other").get(0);
                    assert_eq!(one, 1);
                }
            }
            b'E' => panic!("error: {}", String::from_utf8_lossy(&body)),
            b'Z' => break,
            _ => {}
        }
    }
    let took = t0.elapsed();
    assert_eq!(expect - 1, rows, "every row arrived");
    let peak = watch.peak_mib();
    eprintln!("streamed {rows} rows of 1 kB in {took:?}; backend peak RSS {peak:.1} MiB",);
    assert!(peak > 0.0 && peak < 64.0, "backend peak RSS {peak:.1} MiB");
    crash_free(&s);
}

// ---------------------------------------------------------------------------------------------
// A client that stops reading

#[test]
fn a_stalled_client_leaves_its_backend_blocked_and_cancel_ends_the_query_within_100_ms() {
    let s = start(&[]);
    let mut other = s.connect();
    let mut c = Raw::connect(&s);
    c.send(&query(
        "select n, repeat('x', 1000) from generate_series(1, 100000000) n",
    ));
    // Read 1 MB, then stop.
    let mut body = Vec::new();
    let mut read = 0usize;
    let mut last = 0;
    while read < 1 << 20 {
        let tag = c.next(&mut body);
        assert_eq!(tag, if read == 0 { b'T' } else { b'D' });
        if tag == b'D' {
            last = parse_int(first_column(&body));
        }
        read += body.len() + 5;
    }
    // The backend fills the socket and blocks: its CPU time stops moving.
    let cpu = |pid: i32| -> u64 {
        let st = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let f: Vec<&str> = st
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        f.get(11).and_then(|v| v.parse().ok()).unwrap_or(0)
            + f.get(12).and_then(|v| v.parse().ok()).unwrap_or(0)
    };
    assert!(
        wait_until(Duration::from_secs(10), || {
            let a = cpu(c.pid);
            std::thread::sleep(Duration::from_millis(300));
            cpu(c.pid) == a
        }),
        "the backend never blocked"
    );
    let rss = rss_kb(c.pid).unwrap_or(0);
    assert!(rss < 64 * 1024, "blocked backend RSS {rss} kB");
    // Others are served while it is blocked.
    let n: i64 = other
        .query_one("select count(*) from pg_stat_activity", &[])
        .expect("other session")
        .get(0);
    assert!(n >= 2);
    let t0 = Instant::now();
    c.cancel();
    // Drain what was already buffered: the rows go on in order, then 57014.
    let took = loop {
        match c.next(&mut body) {
            b'D' => {
                let n = parse_int(first_column(&body));
                assert_eq!(n, last + 1, "rows out of order");
                last = n;
            }
            b'E' => {
                assert_eq!(sqlstate(&body), "57014");
                break t0.elapsed();
            }
            t => panic!("unexpected message {}", t as char),
        }
    };
    eprintln!("cancel ended the stalled query after {took:?} (rows sent: {last})");
    assert!(took < Duration::from_millis(100), "cancel took {took:?}");
    let mut b = Vec::new();
    assert_eq!(c.next(&mut b), b'Z');
    // The session goes on.
    c.send(&query("select 1"));
    assert!(c.until_ready().is_empty());
    crash_free(&s);
}

// ---------------------------------------------------------------------------------------------
// Oversized values and messages, under ulimit -v 1 GB

#[test]
fn oversized_values_an_endless_cte_and_a_600_mb_query_end_as_errors_under_a_1_gb_limit() {
    let s = start_limited(&[]);
    let mut keeper = s.connect();
    keeper
        .batch_execute("create table kept (a int); insert into kept values (1), (2), (3)")
        .expect("setup");
    let mut c = s.connect();
    for (sql, want) in [
        ("select zeroblob(300000000)", "42883"),
        ("select repeat('x', 300000000)", "54000"),
        (
            "select repeat('x', 60000000) || repeat('y', 60000000)",
            "54000",
        ),
        (
            "select decode(repeat('00', 40000000), 'hex') || decode(repeat('00', 40000000), 'hex')",
            "54000",
        ),
        (
            "select length(string_agg(repeat('x', 1000000), '')) from generate_series(1, 300)",
            "54000",
        ),
        (
            "select length(array_agg(repeat('x', 1000000))::text) from generate_series(1, 300)",
            "54000",
        ),
        ("select lpad('x', 300000000)", "54000"),
    ] {
        let e = c.simple_query(sql).expect_err(sql);
        assert_eq!(code(&e), want, "{sql}: {e}");
        let one: i32 = keeper.query_one("select 1", &[]).expect("keeper").get(0);
        assert_eq!(one, 1);
    }
    // The limit is a value limit, not a refusal of large values: 60 MB values still work.
    let n: i32 = c
        .query_one("select length(repeat('x', 60000000))", &[])
        .expect("a 60 MB text")
        .get(0);
    assert_eq!(n, 60_000_000);
    let b: Vec<u8> = c
        .query_one("select decode(repeat('ab', 30000000), 'hex')", &[])
        .expect("a 30 MB bytea, sent in hex")
        .get(0);
    assert_eq!(b.len(), 30_000_000);
    // An endless recursive CTE that returns rows streams until statement_timeout.
    let mut r = Raw::connect(&s);
    let watch = RssWatch::new(r.pid);
    r.send(&query(
        "set statement_timeout = '3s'; \
         with recursive t(n) as (select 1 union all select n + 1 from t) \
         select n, repeat('x', 100) from t",
    ));
    let mut body = Vec::new();
    let mut rows = 0u64;
    let code_seen = loop {
        match r.next(&mut body) {
            b'D' => rows += 1,
            b'E' => break sqlstate(&body),
            _ => {}
        }
    };
    assert_eq!(code_seen, "57014");
    assert_eq!(r.next(&mut body), b'Z');
    eprintln!(
        "endless CTE: {rows} rows before statement_timeout, backend peak RSS {:.1} MiB",
        watch.peak_mib()
    );
    assert!(rows > 1000);
    assert!(watch.peak_mib() < 64.0);
    drop(watch);
    // A 600 MB Query is refused on its length word; its body is skipped as it arrives.
    let len: usize = 600 << 20;
    let mut head = vec![b'Q'];
    head.extend_from_slice(&(i32::try_from(len + 4).expect("fits")).to_be_bytes());
    r.send(&head);
    let chunk = vec![b' '; 1 << 20];
    let mut sent = 0;
    while sent < len {
        let n = chunk.len().min(len - sent);
        let piece = if sent + n == len {
            let mut p = chunk[..n].to_vec();
            *p.last_mut().expect("non-empty") = 0;
            p
        } else {
            chunk[..n].to_vec()
        };
        r.send(&piece);
        sent += n;
    }
    assert_eq!(r.until_ready(), vec!["54000".to_string()]);
    r.send(&query("select 1"));
    assert!(r.until_ready().is_empty(), "the session goes on");
    let n: i64 = keeper
        .query_one("select count(*) from kept", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 3, "nothing lost");
    crash_free(&s);
}

// ---------------------------------------------------------------------------------------------
// Transactions

#[test]
fn a_query_is_atomic_a_failing_statement_keeps_nothing_of_it() {
    let (s, mut c) = start_with_table_t();
    c.batch_execute("insert into t values (0)").expect("row 0");
    let e = c
        .batch_execute("insert into t values (1); select * from nope")
        .expect_err("nope");
    assert_eq!(code(&e), "42P01");
    let e = c
        .batch_execute("insert into t values (2); insert into t values (3); select 1/0")
        .expect_err("division");
    assert_eq!(code(&e), "22012");
    let rows = rows_of_t(&mut c);
    assert_eq!(
        rows,
        vec![0],
        "nothing of the failed Queries is kept, row 0 is"
    );
    // Its own BEGIN/COMMIT inside a Query commit what they enclose.
    c.batch_execute("begin; insert into t values (4); commit; select * from nope")
        .expect_err("nope");
    let n = count_t(&mut c);
    assert_eq!(n, 2);
    crash_free(&s);
}

#[test]
fn a_pipeline_is_atomic_until_sync_and_discards_messages_after_an_error() {
    let (s, mut setup) = start_with_table_t();
    let mut c = Raw::connect(&s);
    let parse = |name: &str, sql: &str| {
        let mut b = name.as_bytes().to_vec();
        b.push(0);
        b.extend_from_slice(sql.as_bytes());
        b.extend_from_slice(&[0, 0, 0]);
        msg(b'P', &b)
    };
    let bind = |stmt: &str| {
        let mut b = vec![0u8];
        b.extend_from_slice(stmt.as_bytes());
        b.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0]);
        msg(b'B', &b)
    };
    let execute = msg(b'E', &[0, 0, 0, 0, 0]);
    let sync = msg(b'S', &[]);
    let mut batch = Vec::new();
    batch.extend(parse("ins", "insert into t values (1)"));
    batch.extend(bind("ins"));
    batch.extend(&execute);
    batch.extend(parse("", "select 1 / (a - 1) from t"));
    batch.extend(bind(""));
    batch.extend(&execute);
    // Discarded after the error, until Sync.
    batch.extend(bind("ins"));
    batch.extend(&execute);
    batch.extend(&sync);
    c.send(&batch);
    assert_eq!(c.until_ready(), vec!["22012".to_string()]);
    let n = count_t(&mut setup);
    assert_eq!(n, 0, "nothing of the failed pipeline is kept");
    // The next pipeline starts over and commits at Sync.
    let mut ok = Vec::new();
    for _ in 0..3 {
        ok.extend(bind("ins"));
        ok.extend(&execute);
    }
    ok.extend(&sync);
    c.send(&ok);
    assert!(c.until_ready().is_empty());
    let n = count_t(&mut setup);
    assert_eq!(n, 3);
    crash_free(&s);
}

#[test]
fn the_postgres_crates_pipelining_gives_each_statement_its_own_implicit_transaction() {
    let (s, mut setup) = start_with_table_t();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = s.socket_dir();
    let port = s.port;
    let results = rt.block_on(async move {
        let (client, conn) = tokio_postgres::Config::new()
            .host_path(&dir)
            .port(port)
            .user("postgres")
            .dbname("postgres")
            .connect(tokio_postgres::NoTls)
            .await
            .expect("connect");
        tokio::spawn(conn);
        // Polled together, the three are sent before any answer is read: one pipeline, each
        // with its own Sync.
        let (a, b, c) = futures_util::future::join3(
            client.execute("insert into t values (1)", &[]),
            client.execute("insert into t select 1 / (a - 1) from t", &[]),
            client.execute("insert into t values (3)", &[]),
        )
        .await;
        (
            a.map_err(|e| code(&e)),
            b.map_err(|e| code(&e)),
            c.map_err(|e| code(&e)),
        )
    });
    assert_eq!(results.0, Ok(1));
    assert_eq!(results.1, Err("22012".to_string()));
    assert_eq!(results.2, Ok(1));
    let rows = rows_of_t(&mut setup);
    assert_eq!(rows, vec![1, 3]);
    crash_free(&s);
}

// ---------------------------------------------------------------------------------------------
// Starving the others

#[test]
fn an_idle_write_lock_holder_is_ended_with_25p03_and_other_writers_go_on() {
    let s = start(&["-c", "idle_write_lock_timeout=1s"]);
    let mut holder = s.connect();
    holder
        .batch_execute("create table t (a int); insert into t values (0)")
        .expect("table");
    holder
        .batch_execute(
            "set idle_in_transaction_session_timeout = 0; begin; insert into t values (1)",
        )
        .expect("holder takes the write lock and idles");
    let mut writer = s.connect();
    let t0 = Instant::now();
    writer
        .batch_execute("insert into t values (2)")
        .expect("the writer goes on once the idle holder is ended");
    let waited = t0.elapsed();
    eprintln!("the writer waited {waited:?}");
    assert!(waited < Duration::from_secs(5), "waited {waited:?}");
    let e = holder.simple_query("select 1").expect_err("ended");
    if e.as_db_error().is_some() {
        assert_eq!(code(&e), "25P03");
    }
    assert!(
        s.wait_log_n("idle-in-transaction timeout", 1, Duration::from_secs(5)),
        "log: {}",
        s.log()
    );
    let rows = rows_of_t(&mut writer);
    assert_eq!(
        rows,
        vec![0, 2],
        "the holder's uncommitted row is gone, the rest kept"
    );
    crash_free(&s);
}

#[test]
fn three_hundred_silent_sockets_do_not_stop_real_clients_up_to_max_connections() {
    let s = start(&[
        "-c",
        "max_connections=20",
        "-c",
        "authentication_timeout=60s",
    ]);
    let mut keeper = s.connect();
    keeper
        .batch_execute("create table t (a int); insert into t values (1)")
        .expect("setup");
    let sock = s.socket_dir().join(format!(".s.PGSQL.{}", s.port));
    let silent: Vec<UnixStream> = (0..300)
        .map(|_| UnixStream::connect(&sock).expect("silent connect"))
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    // Real clients connect and query up to max_connections (20, the keeper included).
    let t0 = Instant::now();
    let mut clients = Vec::new();
    for i in 0..19 {
        let mut c = s
            .try_connect()
            .unwrap_or_else(|e| panic!("client {i} refused: {e}"));
        c.batch_execute(&format!("insert into t values ({})", i + 2))
            .expect("insert");
        clients.push(c);
    }
    eprintln!(
        "19 clients connected past 300 silent sockets in {:?}",
        t0.elapsed()
    );
    // One more is over max_connections: 53300, as PostgreSQL answers.
    let e = match s.try_connect() {
        Ok(_) => panic!("a client over max_connections got in"),
        Err(e) => e,
    };
    assert_eq!(code(&e), "53300");
    let n = count_t(&mut keeper);
    assert_eq!(n, 20, "nothing lost");
    // The unfinished startups hold no PGPROC: they are not in pg_stat_activity.
    let n: i64 = keeper
        .query_one(
            "select count(*) from pg_stat_activity where backend_type = 'client backend'",
            &[],
        )
        .expect("activity")
        .get(0);
    assert_eq!(n, 20);
    drop(silent);
    drop(clients);
    crash_free(&s);
}

#[test]
fn unfinished_startups_end_after_authentication_timeout() {
    let s = start(&["-c", "authentication_timeout=1s"]);
    let sock = s.socket_dir().join(format!(".s.PGSQL.{}", s.port));
    let mut silent: Vec<UnixStream> = (0..20)
        .map(|_| UnixStream::connect(&sock).expect("silent connect"))
        .collect();
    let t0 = Instant::now();
    for st in &mut silent {
        st.set_read_timeout(Some(Duration::from_secs(10)))
            .expect("timeout");
        let mut buf = [0u8; 256];
        // A FATAL or EOF: the server ended the startup.
        let _ = st.read(&mut buf);
    }
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(800) && took < Duration::from_secs(5),
        "took {took:?}"
    );
    let mut c = s.connect();
    let one: i32 = c.query_one("select 1", &[]).expect("q").get(0);
    assert_eq!(one, 1);
    crash_free(&s);
}
