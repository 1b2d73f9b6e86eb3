//! The client side of the wire protocol, as users meet it: `psql -c` and a psql session fed on
//! stdin (several statements per line, BEGIN/ROLLBACK with an error in the middle, `\timing`);
//! pgbench with `-M simple|extended|prepared`, `-C`, and `-c 8 -j 2` finishing with no failed
//! transaction; the `postgres` crate (simple_query, `$1` parameters, typed gets, NULL as
//! Option, prepared statements, transactions); more clients than `max_connections`; raw-socket
//! malformed input that gets FATAL 08P01 (or a closed socket) and never a crash reset;
//! ReadyForQuery's transaction status; cancel requests, `statement_timeout`,
//! `pg_terminate_backend`, `pg_stat_activity`, and fast shutdown ending an idle client.
//!
//! psql and pgbench tests print a note and pass when the binaries are not installed (CI
//! installs postgresql-client).

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use tests::harness::{Server, pgbench_binary, psql_binary, require_tool, run_with_input};
use tests::rawpg::{msg, query, read_msg, startup_packet, startup_packet_for};

const T: Duration = Duration::from_secs(20);

/// A server without background workers: only clients.
fn start(extra: &[&str]) -> Server {
    let mut args = vec!["-c", "shared_preload_libraries="];
    args.extend_from_slice(extra);
    Server::start(&args)
}

/// SQLSTATE of a client error (None when it is not an error from the server).
fn code(e: &postgres::Error) -> Option<&str> {
    e.code().map(|c| c.code())
}

/// An integer result column as i64, whichever of int4/int8 the server reports (PostgreSQL says
/// int4 for `pg_backend_pid()`, minipg's DESIGN.md int8 for integer expressions).
fn int(r: &postgres::Row, i: usize) -> i64 {
    r.try_get::<_, i64>(i)
        .or_else(|_| r.try_get::<_, i32>(i).map(i64::from))
        .unwrap_or_else(|_| {
            let c = &r.columns()[i];
            panic!(
                "column {:?} is reported as {}, not an integer type",
                c.name(),
                c.type_()
            )
        })
}

/// This session's backend pid.
fn backend_pid(c: &mut postgres::Client) -> i32 {
    int(
        &c.query_one("SELECT pg_backend_pid()", &[])
            .expect("pg_backend_pid"),
        0,
    ) as i32
}

/// SQLSTATE, severity and message of a client error.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{} {}: {}", d.severity(), d.code().code(), d.message()),
        None => format!("{e} ({e:?})"),
    }
}

// ---------------------------------------------------------------------------------------------
// psql

fn psql_cmd(s: &Server, bin: &PathBuf) -> Command {
    let mut c = s.client_command(bin);
    c.args(["-X", "-d", "postgres"]);
    c
}

fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn psql_c_runs_a_command_and_prints_its_result() {
    let Some(bin) = require_tool("psql_c_runs_a_command", "psql", psql_binary) else {
        return;
    };
    let s = start(&[]);
    let o = psql_cmd(&s, &bin)
        .args(["-c", "create table counted (type text, value integer)"])
        .args(["-c", "insert into counted values ('total', 0)"])
        .args([
            "-c",
            "insert into counted values ('delta', 1), ('delta', 2)",
        ])
        .args(["-c", "select type, value from counted order by value"])
        .output()
        .expect("psql");
    assert!(o.status.success(), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    for want in [
        "CREATE TABLE",
        "INSERT 0 1",
        "INSERT 0 2",
        " total |     0",
        " delta |     2",
        "(3 rows)",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{}", show(&o));
    }
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("WARNING"), "no server version warning: {err}");
    // A failing -c exits 1 with the server's message.
    let o = psql_cmd(&s, &bin)
        .args(["-c", "select * from no_such_table"])
        .output()
        .expect("psql");
    assert_eq!(o.status.code(), Some(1), "{}", show(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("relation \"no_such_table\" does not exist"),
        "{}",
        show(&o)
    );
    s.assert_no_crash();
}

#[test]
fn psql_session_on_stdin_with_an_error_inside_a_transaction() {
    let Some(bin) = require_tool("psql_session_on_stdin", "psql", psql_binary) else {
        return;
    };
    let s = start(&[]);
    let script = "\
create table t (id integer, name text); insert into t values (1, 'one');
begin;
insert into t values (2, 'two');
select * from no_such_table;
insert into t values (3, 'three');
rollback;
\\echo err=:LAST_ERROR_SQLSTATE
begin; insert into t values (4, 'four'); commit;
select id, name from t order by id;
\\timing on
select count(*) as n from t;
";
    let o = run_with_input(psql_cmd(&s, &bin).args(["-A", "-t"]), script);
    assert!(o.status.success(), "{}", show(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("relation \"no_such_table\" does not exist"),
        "{}",
        show(&o)
    );
    assert!(
        err.contains("current transaction is aborted"),
        "the insert after the error is refused:\n{}",
        show(&o)
    );
    assert!(
        out.contains("err=25P02"),
        "the last error was the refused insert:\n{}",
        show(&o)
    );
    let rows: Vec<&str> = out.lines().filter(|l| l.contains('|')).collect();
    assert_eq!(
        rows,
        ["1|one", "4|four"],
        "rolled-back rows must be gone:\n{}",
        show(&o)
    );
    assert!(
        out.lines().any(|l| l == "2"),
        "count after \\timing:\n{}",
        show(&o)
    );
    assert!(
        out.contains("Time: "),
        "\\timing prints times:\n{}",
        show(&o)
    );
    s.assert_no_crash();
}

// ---------------------------------------------------------------------------------------------
// pgbench

fn pgbench(args: &[&str]) -> Option<()> {
    let bin = require_tool("pgbench", "pgbench", pgbench_binary)?;
    let s = start(&["-c", "max_connections=20"]);
    s.connect()
        .batch_execute("CREATE TABLE hits (v integer)")
        .expect("setup");
    let script = s.root.path().join("script.sql");
    std::fs::write(
        &script,
        "\\set v random(1, 100)\nINSERT INTO hits VALUES (:v);\nSELECT count(*) FROM hits WHERE v = :v;\nSELECT 1;\n",
    )
    .expect("script");
    let o = s
        .client_command(bin)
        .args(["-n", "-f"])
        .arg(&script)
        .args(["-T", "2"])
        .args(args)
        .arg("postgres")
        .output()
        .expect("pgbench");
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(o.status.success(), "pgbench {args:?}: {}", show(&o));
    let processed: i64 = out
        .lines()
        .find_map(|l| l.strip_prefix("number of transactions actually processed: "))
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no transaction count:\n{}", show(&o)));
    assert!(processed > 0, "{}", show(&o));
    if let Some(failed) = out
        .lines()
        .find(|l| l.starts_with("number of failed transactions"))
    {
        assert!(
            failed.starts_with("number of failed transactions: 0 "),
            "{}",
            show(&o)
        );
    }
    // Every processed transaction inserted exactly one row.
    let rows: i64 = s
        .connect()
        .query_one("SELECT count(*) FROM hits", &[])
        .expect("count")
        .get(0);
    assert_eq!(rows, processed, "{}", show(&o));
    s.assert_no_crash();
    Some(())
}

#[test]
fn pgbench_simple_protocol() {
    pgbench(&["-M", "simple"]);
}

#[test]
fn pgbench_extended_protocol() {
    pgbench(&["-M", "extended"]);
}

#[test]
fn pgbench_prepared_statements() {
    pgbench(&["-M", "prepared"]);
}

#[test]
fn pgbench_a_connection_per_transaction() {
    pgbench(&["-C", "-c", "2"]);
}

#[test]
fn pgbench_eight_clients_two_threads() {
    pgbench(&["-c", "8", "-j", "2", "-M", "prepared"]);
}

/// pgbench's own workflow: `pgbench -i` (client-side COPY, then VACUUM and primary keys) and
/// `-I dtGvp` (server-side generate_series), then its built-in TPC-B transaction from four
/// clients with no failure, and the balances agree with the history table.
#[test]
fn pgbench_initializes_and_runs_tpcb_with_balances_that_add_up() {
    let Some(bin) = require_tool("pgbench_initializes", "pgbench", pgbench_binary) else {
        return;
    };
    let s = start(&["-c", "max_connections=20"]);
    let run = |args: &[&str]| {
        let o = s
            .client_command(&bin)
            .args(args)
            .arg("postgres")
            .output()
            .expect("pgbench");
        assert!(o.status.success(), "pgbench {args:?}: {}", show(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    for init in [
        &["-i", "-s", "10"][..],
        &["-i", "-I", "dtGvp", "-s", "10"][..],
    ] {
        run(init);
        let mut c = s.connect();
        let accounts = int(
            &c.query_one("SELECT count(*) FROM pgbench_accounts", &[])
                .expect("count"),
            0,
        );
        assert_eq!(accounts, 1_000_000, "{init:?}");
        let out = run(&["-T", "10", "-c", "4", "-j", "2"]);
        assert!(
            out.contains("number of failed transactions: 0 "),
            "{init:?}: {out}"
        );
        let sums = c
            .query_one(
                "SELECT (SELECT sum(abalance) FROM pgbench_accounts), \
                        (SELECT sum(tbalance) FROM pgbench_tellers), \
                        (SELECT sum(bbalance) FROM pgbench_branches), \
                        (SELECT sum(delta) FROM pgbench_history), \
                        (SELECT count(*) FROM pgbench_history)",
                &[],
            )
            .expect("sums");
        let history: i64 = sums.get(4);
        assert!(history > 0, "{init:?}: no transaction ran: {out}");
        for i in 0..3 {
            assert_eq!(int(&sums, i), int(&sums, 3), "{init:?}: sum {i} vs history");
        }
    }
    s.assert_no_crash();
}

// ---------------------------------------------------------------------------------------------
// The postgres crate

#[test]
fn postgres_crate_queries_types_prepared_statements_and_transactions() {
    let s = start(&[]);
    let mut c = s.connect();
    c.batch_execute("CREATE TABLE people (id integer, name text, age integer, score bigint)")
        .expect("create");
    // simple_query: several statements, text values.
    let msgs = c
        .simple_query("INSERT INTO people VALUES (1, 'ann', 30, 10); INSERT INTO people VALUES (2, 'bob', NULL, 20); SELECT name FROM people ORDER BY id")
        .expect("simple_query");
    let names = tests::harness::first_column(&msgs);
    assert_eq!(names, [Some("ann".into()), Some("bob".into())]);
    let counts: Vec<u64> = msgs
        .iter()
        .filter_map(|m| match m {
            postgres::SimpleQueryMessage::CommandComplete(n) => Some(*n),
            _ => None,
        })
        .collect();
    assert_eq!(counts, [1, 1, 2]);
    // query with $1, typed gets.
    let row = c
        .query_one(
            "SELECT id, name, age, score FROM people WHERE name = $1",
            &[&"ann"],
        )
        .expect("query");
    assert_eq!(row.get::<_, i32>(0), 1);
    assert_eq!(row.get::<_, String>(1), "ann");
    assert_eq!(row.get::<_, Option<i32>>(2), Some(30));
    assert_eq!(row.get::<_, i64>(3), 10);
    let row = c
        .query_one("SELECT age FROM people WHERE id = $1", &[&2i32])
        .expect("query");
    assert_eq!(row.get::<_, Option<i32>>(0), None, "NULL is None");
    let n: i64 = c
        .query_one("SELECT count(*) FROM people", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 2);
    // sum(bigint) is numeric, as in PostgreSQL: the crate reads it as text here.
    let total: String = c
        .query_one("SELECT sum(score)::text FROM people", &[])
        .expect("sum")
        .get(0);
    assert_eq!(total, "30");
    // Parameters bound by number, not by order of appearance.
    let row = c
        .query_one(
            "SELECT id FROM people WHERE name = $2 AND id = $1",
            &[&1i32, &"ann"],
        )
        .expect("$2 before $1");
    assert_eq!(row.get::<_, i32>(0), 1);
    // A prepared statement, run many times.
    let ins = c
        .prepare("INSERT INTO people (id, name) VALUES ($1, $2)")
        .expect("prepare");
    for i in 3..=12 {
        assert_eq!(
            c.execute(&ins, &[&i, &format!("p{i}")]).expect("execute"),
            1
        );
    }
    let sel = c
        .prepare("SELECT name FROM people WHERE id = $1")
        .expect("prepare");
    assert_eq!(
        c.query_one(&sel, &[&7i32])
            .expect("select")
            .get::<_, String>(0),
        "p7"
    );
    assert_eq!(
        c.execute("UPDATE people SET score = 1 WHERE id > $1", &[&10i32])
            .expect("update"),
        2
    );
    // Transactions: rollback leaves nothing, commit keeps everything.
    let mut tx = c.transaction().expect("begin");
    tx.execute("DELETE FROM people", &[]).expect("delete");
    assert_eq!(
        int(
            &tx.query_one("SELECT count(*) FROM people", &[])
                .expect("count"),
            0
        ),
        0
    );
    tx.rollback().expect("rollback");
    assert_eq!(
        int(
            &c.query_one("SELECT count(*) FROM people", &[])
                .expect("count"),
            0
        ),
        12
    );
    let mut tx = c.transaction().expect("begin");
    tx.execute("DELETE FROM people WHERE id > $1", &[&2i32])
        .expect("delete");
    tx.commit().expect("commit");
    assert_eq!(
        int(
            &c.query_one("SELECT count(*) FROM people", &[])
                .expect("count"),
            0
        ),
        2
    );
    // An error leaves the session usable; so does one inside a transaction, after ROLLBACK.
    let e = c
        .query("SELECT * FROM nope", &[])
        .expect_err("undefined table");
    assert_eq!(code(&e), Some("42P01"), "{}", describe(&e));
    let e = c.batch_execute("SELEC 1").expect_err("syntax");
    assert_eq!(code(&e), Some("42601"), "{}", describe(&e));
    let mut tx = c.transaction().expect("begin");
    assert!(tx.query("SELECT * FROM nope", &[]).is_err());
    let e = tx.query("SELECT 1", &[]).expect_err("aborted transaction");
    assert_eq!(code(&e), Some("25P02"), "{}", describe(&e));
    drop(tx);
    assert_eq!(int(&c.query_one("SELECT 2", &[]).expect("usable"), 0), 2);
    s.assert_no_crash();
}

#[test]
fn integer_expressions_are_integers_on_the_wire() {
    // DESIGN.md §Wire protocol: integer expressions are int8 (PostgreSQL: int4); the
    // postgres crate's typed get needs an integer type in RowDescription, not text.
    let s = start(&[]);
    let mut c = s.connect();
    assert_eq!(int(&c.query_one("SELECT 1 + 1", &[]).expect("1 + 1"), 0), 2);
    assert_eq!(
        int(
            &c.query_one("SELECT $1::integer * 3", &[&5i32])
                .expect("$1 * 3"),
            0
        ),
        15
    );
    c.batch_execute("CREATE TABLE n (v integer); INSERT INTO n VALUES (4)")
        .expect("setup");
    assert_eq!(
        int(&c.query_one("SELECT v + 1 FROM n", &[]).expect("v + 1"), 0),
        5
    );
}

#[test]
fn function_parameters_take_integers_as_in_postgresql() {
    // pg_terminate_backend(integer): the postgres crate checks a Rust i32 against the
    // parameter type the server describes.
    let s = start(&[]);
    let mut c = s.connect();
    let pid = backend_pid(&mut c);
    let r = c.query_one("SELECT pg_cancel_backend($1)", &[&0i32]);
    assert!(
        r.is_ok(),
        "pg_cancel_backend($1) with an i32: {:?}",
        r.err()
    );
    let r = c.query_one("SELECT pid FROM pg_stat_activity WHERE pid = $1", &[&pid]);
    assert_eq!(int(&r.expect("pid = $1 with an i32"), 0), i64::from(pid));
}

#[test]
fn an_unknown_database_is_fatal_3d000() {
    let s = start(&[]);
    let e = postgres::Config::new()
        .host_path(s.socket_dir())
        .port(s.port)
        .user("postgres")
        .dbname("no_such_db")
        .connect(postgres::NoTls)
        .err()
        .expect("unknown database refused");
    assert_eq!(code(&e), Some("3D000"), "{}", describe(&e));
    s.connect()
        .simple_query("SELECT 1")
        .expect("server still fine");
}

#[test]
fn more_clients_than_max_connections_get_53300_and_the_others_keep_working() {
    let s = start(&["-c", "max_connections=3"]);
    let mut clients: Vec<_> = (0..3).map(|_| s.connect()).collect();
    for _ in 0..2 {
        let e = s.try_connect().err().expect("a fourth client is refused");
        assert_eq!(code(&e), Some("53300"), "{}", describe(&e));
        let d = e.as_db_error().expect("db error");
        assert_eq!(d.severity(), "FATAL");
        assert_eq!(d.message(), "sorry, too many clients already");
    }
    for (i, c) in clients.iter_mut().enumerate() {
        let n = int(
            &c.query_one("SELECT $1::integer", &[&(i as i32 + 1)])
                .expect("still working"),
            0,
        );
        assert_eq!(n, i as i64 + 1);
    }
    // One leaves: a new client gets its place.
    drop(clients.pop());
    let t0 = Instant::now();
    let mut c = loop {
        match s.try_connect() {
            Ok(c) => break c,
            Err(e) => {
                assert_eq!(code(&e), Some("53300"), "{}", describe(&e));
                assert!(
                    t0.elapsed() < Duration::from_secs(5),
                    "the freed slot never came back"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    };
    c.simple_query("SELECT 1").expect("works");
    s.assert_no_crash();
}

// ---------------------------------------------------------------------------------------------
// Raw sockets

fn raw(s: &Server) -> UnixStream {
    let sock = s.socket_dir().join(format!(".s.PGSQL.{}", s.port));
    let st = UnixStream::connect(sock).expect("connect socket");
    st.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    st
}

/// Reads messages until ReadyForQuery; returns them and its status byte.
fn until_ready(st: &mut UnixStream) -> (Vec<(u8, Vec<u8>)>, u8) {
    let mut all = Vec::new();
    loop {
        let (t, b) = read_msg(st)
            .unwrap_or_else(|| panic!("connection ended before ReadyForQuery: {all:?}"));
        if t == b'Z' {
            return (all, b[0]);
        }
        all.push((t, b));
    }
}

/// An ErrorResponse's field `f` (S, V, C, M…).
fn field(body: &[u8], f: u8) -> Option<String> {
    let mut i = 0;
    while i < body.len() && body[i] != 0 {
        let end = body[i + 1..].iter().position(|&b| b == 0)? + i + 1;
        if body[i] == f {
            return Some(String::from_utf8_lossy(&body[i + 1..end]).into_owned());
        }
        i = end + 1;
    }
    None
}

/// A started raw session.
fn raw_session(s: &Server) -> UnixStream {
    raw_session_pid(s).0
}

/// A started raw session and its backend pid (from BackendKeyData).
fn raw_session_pid(s: &Server) -> (UnixStream, i32) {
    let mut st = raw(s);
    st.write_all(&startup_packet()).expect("startup");
    let (msgs, status) = until_ready(&mut st);
    assert_eq!(status, b'I');
    assert!(msgs.iter().any(|(t, _)| *t == b'R'), "AuthenticationOk");
    let key = msgs
        .iter()
        .find(|(t, _)| *t == b'K')
        .expect("BackendKeyData");
    let pid = i32::from_be_bytes([key.1[0], key.1[1], key.1[2], key.1[3]]);
    (st, pid)
}

/// Reads until EOF and asserts the last message was a FATAL with `sqlstate`.
fn expect_fatal_then_eof(st: &mut UnixStream, sqlstate: &str) {
    let mut got = Vec::new();
    while let Some(m) = read_msg(st) {
        got.push(m);
    }
    let (t, b) = got
        .last()
        .unwrap_or_else(|| panic!("closed without a message"));
    assert_eq!(*t, b'E', "{got:?}");
    assert_eq!(
        field(b, b'S').as_deref(),
        Some("FATAL"),
        "{:?}",
        String::from_utf8_lossy(b)
    );
    assert_eq!(
        field(b, b'C').as_deref(),
        Some(sqlstate),
        "{:?}",
        String::from_utf8_lossy(b)
    );
}

/// Sends `bytes` and asserts the server answers FATAL 08P01 and closes, or just closes; then
/// that the server is healthy.
fn expect_protocol_violation(s: &Server, st: UnixStream, bytes: &[u8], what: &str) {
    expect_fatal(s, st, bytes, what, "08P01");
}

/// Sends `bytes` and asserts the server answers FATAL `sqlstate` and closes, or just closes;
/// then that the server is healthy.
fn expect_fatal(s: &Server, mut st: UnixStream, bytes: &[u8], what: &str, sqlstate: &str) {
    let t0 = Instant::now();
    let _ = st.write_all(bytes);
    let mut got = Vec::new();
    while let Some(m) = read_msg(&mut st) {
        got.push(m);
        assert!(got.len() < 100, "{what}: the server keeps talking: {got:?}");
    }
    assert!(
        t0.elapsed() < Duration::from_secs(4),
        "{what}: the server neither answered nor closed in time"
    );
    for (t, b) in &got {
        assert_eq!(
            *t,
            b'E',
            "{what}: only an ErrorResponse may come back, got {:?}",
            (*t as char, b)
        );
        assert_eq!(
            field(b, b'S').as_deref(),
            Some("FATAL"),
            "{what}: {:?}",
            String::from_utf8_lossy(b)
        );
        assert_eq!(
            field(b, b'C').as_deref(),
            Some(sqlstate),
            "{what}: {:?}",
            String::from_utf8_lossy(b)
        );
    }
    // The server is healthy: a new client works, nothing crashed.
    let mut c = s.connect();
    assert_eq!(
        int(&c.query_one("SELECT 42", &[]).expect("new client"), 0),
        42
    );
    std::thread::sleep(Duration::from_millis(100));
    s.assert_no_crash();
}

#[test]
fn garbage_startup_packet() {
    let s = start(&[]);
    expect_protocol_violation(
        &s,
        raw(&s),
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
        "HTTP request",
    );
    let mut junk = 12i32.to_be_bytes().to_vec();
    junk.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]);
    // An unknown protocol version is "feature not supported", as in PostgreSQL.
    expect_fatal(&s, raw(&s), &junk, "unknown protocol code", "0A000");
}

#[test]
fn startup_packet_with_length_2() {
    let s = start(&[]);
    expect_protocol_violation(&s, raw(&s), &2i32.to_be_bytes(), "startup length 2");
}

#[test]
fn message_with_length_2() {
    let s = start(&[]);
    expect_protocol_violation(
        &s,
        raw_session(&s),
        &[b'Q', 0, 0, 0, 2],
        "Query with length 2",
    );
}

#[test]
fn message_with_an_oversized_length() {
    let s = start(&[]);
    let mut m = vec![b'Q'];
    m.extend_from_slice(&0x7fff_fff0i32.to_be_bytes());
    m.extend_from_slice(b"select 1");
    expect_protocol_violation(&s, raw_session(&s), &m, "Query with a 2 GB length");
    let mut m = 0x7fff_fff0i32.to_be_bytes().to_vec();
    m.extend_from_slice(&196_608i32.to_be_bytes());
    expect_protocol_violation(&s, raw(&s), &m, "startup packet with a 2 GB length");
}

#[test]
fn unknown_message_type_after_startup() {
    let s = start(&[]);
    expect_protocol_violation(
        &s,
        raw_session(&s),
        &msg(b'@', b"hello"),
        "message type '@'",
    );
}

#[test]
fn ready_for_query_reports_the_transaction_status() {
    let s = start(&[]);
    let mut st = raw_session(&s);
    let mut run = |sql: &str| {
        st.write_all(&query(sql)).expect("send");
        until_ready(&mut st)
    };
    assert_eq!(run("CREATE TABLE t (n integer)").1, b'I');
    let (m, status) = run("BEGIN");
    assert_eq!(status, b'T', "in a transaction block: {m:?}");
    assert_eq!(run("INSERT INTO t VALUES (1)").1, b'T');
    let (m, status) = run("SELECT * FROM nope");
    assert_eq!(status, b'E', "failed transaction block");
    assert_eq!(
        field(&m.last().expect("error").1, b'C').as_deref(),
        Some("42P01")
    );
    assert_eq!(run("ROLLBACK").1, b'I');
    let (m, _) = run("");
    assert!(
        m.iter().any(|(t, _)| *t == b'I'),
        "EmptyQueryResponse: {m:?}"
    );
    st.write_all(&msg(b'X', b"")).expect("terminate");
    assert!(read_msg(&mut st).is_none(), "closed after Terminate");
    s.assert_no_crash();
}

// ---------------------------------------------------------------------------------------------
// Cancel, timeouts, termination, activity, shutdown

/// Waits until `pg_stat_activity` shows `pid` active on a query containing `q`.
fn wait_active(c: &mut postgres::Client, pid: i32, q: &str) {
    let t0 = Instant::now();
    loop {
        let rows = c
            .query(
                "SELECT state, query FROM pg_stat_activity WHERE pid = $1",
                &[&pid],
            )
            .expect("pg_stat_activity");
        if let Some(r) = rows.first()
            && r.get::<_, Option<String>>(0).as_deref() == Some("active")
            && r.get::<_, Option<String>>(1).is_some_and(|s| s.contains(q))
        {
            return;
        }
        assert!(t0.elapsed() < T, "pid {pid} never became active on {q:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn cancel_request_cancels_a_running_statement_with_57014() {
    let s = start(&[]);
    let mut victim = s.connect();
    let pid: i32 = backend_pid(&mut victim);
    let token = victim.cancel_token();
    let h = std::thread::spawn(move || {
        let r = victim.simple_query("select pg_sleep(10)").map(|_| ());
        (r, Instant::now(), victim)
    });
    let mut other = s.connect();
    wait_active(&mut other, pid, "pg_sleep");
    let t0 = Instant::now();
    token
        .cancel_query(postgres::NoTls)
        .expect("send cancel request");
    let (r, done, mut victim) = h.join().expect("victim");
    let e = r.expect_err("canceled");
    assert_eq!(code(&e), Some("57014"), "{}", describe(&e));
    let dt = done.duration_since(t0);
    assert!(dt < Duration::from_secs(1), "canceled after {dt:?}");
    // The session goes on.
    assert_eq!(
        int(&victim.query_one("SELECT 1", &[]).expect("usable"), 0),
        1
    );
    s.assert_no_crash();
}

#[test]
fn statement_timeout_set_in_the_session() {
    let s = start(&[]);
    let mut c = s.connect();
    c.batch_execute("SET statement_timeout = '300ms'")
        .expect("set");
    let t0 = Instant::now();
    let e = c
        .batch_execute("select pg_sleep(5)")
        .expect_err("timed out");
    assert_eq!(code(&e), Some("57014"), "{}", describe(&e));
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t0.elapsed()
    );
    let v = c.simple_query("SHOW statement_timeout").expect("show");
    assert!(
        v.iter().any(
            |m| matches!(m, postgres::SimpleQueryMessage::Row(r) if r.get(0) == Some("300ms"))
        ),
        "SHOW statement_timeout"
    );
    c.batch_execute("SET statement_timeout = 0").expect("reset");
    c.batch_execute("select pg_sleep(0.1)")
        .expect("no timeout any more");
    s.assert_no_crash();
}

#[test]
fn pg_terminate_backend_ends_the_victim_with_57p01() {
    let s = start(&[]);
    let mut victim = s.connect();
    let pid: i32 = backend_pid(&mut victim);
    let h = std::thread::spawn(move || victim.simple_query("select pg_sleep(10)").map(|_| ()));
    let mut admin = s.connect();
    wait_active(&mut admin, pid, "pg_sleep");
    let t0 = Instant::now();
    let ok: bool = admin
        .query_one(&format!("SELECT pg_terminate_backend({pid})"), &[])
        .expect("terminate")
        .get(0);
    assert!(ok);
    let e = h.join().expect("victim").expect_err("terminated");
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "took {:?}",
        t0.elapsed()
    );
    // The server sends FATAL 57P01 and closes; the postgres crate reports the error, or a
    // closed connection when it reads the end of the socket in the same poll (its race).
    match code(&e) {
        Some(c) => assert_eq!(c, "57P01", "{}", describe(&e)),
        None => assert!(e.is_closed(), "{}", describe(&e)),
    }
    // On the wire, exactly: FATAL 57P01, then the end.
    let (mut raw_victim, raw_pid) = raw_session_pid(&s);
    raw_victim
        .write_all(&query("select pg_sleep(10)"))
        .expect("send");
    wait_active(&mut admin, raw_pid, "pg_sleep");
    admin
        .batch_execute(&format!("SELECT pg_terminate_backend({raw_pid})"))
        .expect("terminate");
    expect_fatal_then_eof(&mut raw_victim, "57P01");
    // Gone from pg_stat_activity; the admin session and the server are fine.
    let t0 = Instant::now();
    while admin
        .query("SELECT 1 FROM pg_stat_activity WHERE pid = $1", &[&pid])
        .expect("activity")
        .len()
        == 1
    {
        assert!(
            t0.elapsed() < Duration::from_secs(5),
            "the victim never left pg_stat_activity"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    s.assert_no_crash();
}

#[test]
fn pg_stat_activity_lists_the_client_active_on_its_own_query() {
    let s = start(&[]);
    let mut idle = s.connect();
    idle.batch_execute("SELECT 'idle one'").expect("query");
    let idle_pid: i32 = backend_pid(&mut idle);
    // Idle for a while: its query_start stays when that statement started, as PostgreSQL's.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut c = s.connect();
    let me: i32 = backend_pid(&mut c);
    let idle_for: f64 = c
        .query_one(
            "SELECT extract(epoch FROM now() - query_start)::float8 FROM pg_stat_activity \
             WHERE pid = $1",
            &[&idle_pid],
        )
        .expect("query_start")
        .get(0);
    assert!(idle_for >= 0.25, "query_start {idle_for} s ago");
    let sql = "SELECT pid, state, query, backend_type, datname, usename FROM pg_stat_activity";
    let rows = c.query(sql, &[]).expect("activity");
    let mine = rows
        .iter()
        .find(|r| r.get::<_, i32>(0) == me)
        .expect("own row");
    assert_eq!(mine.get::<_, Option<String>>(1).as_deref(), Some("active"));
    assert_eq!(mine.get::<_, Option<String>>(2).as_deref(), Some(sql));
    assert_eq!(
        mine.get::<_, Option<String>>(3).as_deref(),
        Some("client backend")
    );
    assert_eq!(
        mine.get::<_, Option<String>>(4).as_deref(),
        Some("postgres")
    );
    assert_eq!(
        mine.get::<_, Option<String>>(5).as_deref(),
        Some("postgres")
    );
    let other = rows
        .iter()
        .find(|r| r.get::<_, i32>(0) == idle_pid)
        .expect("the idle client's row");
    assert_eq!(other.get::<_, Option<String>>(1).as_deref(), Some("idle"));
    // The idle client's row shows its last statement.
    let last = other.get::<_, Option<String>>(2).unwrap_or_default();
    assert!(last.contains("pg_backend_pid"), "{last:?}");
    drop(idle);
}

#[test]
fn fast_shutdown_ends_an_idle_client_with_57p01() {
    let mut s = start(&[]);
    let mut c = s.connect();
    c.simple_query("SELECT 1").expect("works");
    let mut raw_idle = raw_session(&s);
    let (code_, out) = s.ctl(&["stop", "-m", "fast"]);
    assert_eq!(code_, 0, "stop: {out}");
    assert_eq!(s.wait_exit(T), Some(0), "log:\n{}", s.log());
    // On the wire, exactly: FATAL 57P01, then the end.
    expect_fatal_then_eof(&mut raw_idle, "57P01");
    let e = c
        .simple_query("SELECT 1")
        .expect_err("the session was ended");
    // The FATAL arrived while idle: the crate reports it or a closed connection.
    match code(&e) {
        Some(c) => assert_eq!(c, "57P01", "{}", describe(&e)),
        None => assert!(
            c.is_closed() || e.is_closed() || e.to_string().contains("closed"),
            "{}",
            describe(&e)
        ),
    }
    let log = s.log();
    assert!(log.contains("received fast shutdown request"), "{log}");
    assert!(log.contains("database system is shut down"), "{log}");
}

#[test]
fn a_client_that_stops_reading_is_still_terminated_and_does_not_block_fast_shutdown() {
    let mut s = start(&[]);
    let (mut victim, pid) = raw_session_pid(&s);
    // A result far bigger than the socket buffers, never read.
    victim
        .write_all(&query(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000) \
             SELECT x, 'padding padding padding' FROM n",
        ))
        .expect("query");
    let mut c = s.connect();
    std::thread::sleep(Duration::from_millis(500));
    let r = c
        .query_one("SELECT pg_terminate_backend($1)", &[&pid])
        .expect("terminate");
    assert!(r.get::<_, bool>(0));
    let gone = tests::harness::wait_until(Duration::from_secs(5), || {
        !s.processes().iter().any(|(p, _)| *p == pid)
    });
    assert!(
        gone,
        "the backend blocked in send ignored SIGTERM: {:?}",
        s.processes()
    );
    // Again with a fast shutdown instead of pg_terminate_backend.
    let (mut victim2, _) = raw_session_pid(&s);
    victim2
        .write_all(&query(
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000) \
             SELECT x, 'padding padding padding' FROM n",
        ))
        .expect("query");
    std::thread::sleep(Duration::from_millis(500));
    drop(c);
    let (rc, out) = s.ctl(&["stop", "-m", "fast", "-t", "10"]);
    assert_eq!(rc, 0, "{out}");
    assert_eq!(s.wait_exit(T), Some(0), "{}", s.log());
    drop(victim);
    drop(victim2);
}

#[test]
fn connections_accepted_together_do_not_hold_each_others_sockets() {
    let s = start(&[]);
    // Stop the postmaster so that several connections wait in the backlog and are accepted in
    // one batch; each asks for a missing database and must see FATAL then EOF at once, which
    // only happens if no sibling backend holds its socket.
    Server::kill(s.pid(), libc::SIGSTOP);
    // The first connection of the batch becomes a long-lived idle session.
    let mut first = raw(&s);
    first.write_all(&startup_packet()).expect("startup");
    let mut socks: Vec<UnixStream> = (0..5)
        .map(|_| {
            let mut st = raw(&s);
            st.write_all(&startup_packet_for("postgres", "nonexistent"))
                .expect("startup");
            st
        })
        .collect();
    Server::kill(s.pid(), libc::SIGCONT);
    let (_, status) = until_ready(&mut first);
    assert_eq!(status, b'I');
    for st in &mut socks {
        let t0 = Instant::now();
        expect_fatal_then_eof(st, "3D000");
        assert!(
            t0.elapsed() < Duration::from_secs(2),
            "EOF came late: a sibling held the socket"
        );
    }
}
