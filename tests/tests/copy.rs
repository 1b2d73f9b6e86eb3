//! COPY end to end, as clients use it: the `postgres` crate's `copy_in`/`copy_out` (the
//! extended protocol), raw simple-query sessions (several statements with a COPY among them,
//! CopyFail, a client that vanishes mid-COPY), psql (a pg_dump-style script with inline data
//! ended by `\.`, and `\copy` both ways), and `pgbench -i -I dtg` (COPY … WITH (FREEZE ON)).
//!
//! Compared byte for byte with PostgreSQL 15: COPY TO's output in text, CSV and binary for a
//! table holding every type of the type catalog, and COPY FROM's errors (SQLSTATE, message,
//! CONTEXT) for bad data of each kind. A 1,000,000-row round trip gives back identical bytes
//! while the backend's peak memory (VmHWM of `pg_backend_pid()`) stays far below the data's
//! size.
//!
//! PostgreSQL 15, psql or pgbench missing: the tests that need them fail (or, for PostgreSQL
//! 15 with `MINIPG_SKIP_PG15_TESTS=1`, say they were skipped).

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Duration;

use tests::harness::{Server, pgbench_binary, psql_binary, run_with_input};
use tests::pg15::{self, PgCluster};
use tests::rawpg::{msg, query, read_msg, startup_packet};

fn start() -> Server {
    Server::start(&["-c", "shared_preload_libraries="])
}

/// Every type of minipg's type catalog, with the values that are awkward in COPY's formats.
const TABLE: &str = "create table every_type (
    b bool, ba bytea, ch \"char\", n name, i8 int8, i2 int2, i4 int4, t text, o oid, j json,
    f4 float4, f8 float8, bp char(5), vc varchar(10), d date, tm time, ts timestamp,
    tz timestamptz, iv interval, nu numeric(12,3), u uuid, jb jsonb,
    ai int4[], at text[], an numeric[], ad date[], ab bool[])";

const ROWS: &str = "insert into every_type values
    (true, '\\x00ff5c0a', 'x', 'a name', -9223372036854775808, -32768, 2147483647,
     E'tab\\there\\nnew line\\\\back slash, comma \"quote\" ''single'' é ✓', 4294967295,
     '{\"a\": [1, 2.50, \"x\\ty\"]}', 1.5e-10, -1.7976931348623157e308, 'ab', 'x,y|z\\',
     '2024-02-29', '23:59:59.999999', '1999-12-31 23:59:59.5', '2000-01-01 00:00:00+00',
     '1 year 2 mons -3 days 04:05:06.789', -123456789.125, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
     '{\"b\": 1, \"a\": [true, null]}', '{1,NULL,-3}', '{\"a b\",\"c,d\",NULL,\"\\\\\\\\\",\"\"}',
     '{1.50,NaN,-0.001}', '{2024-01-01,infinity}', '{t,f}'),
    (false, '', '\\', '', 0, 0, 0, '', 0, 'null', 'NaN', 'Infinity', '', '', '-infinity',
     '00:00', '-infinity', 'infinity', '0', 'NaN', '00000000-0000-0000-0000-000000000000',
     '[]', '{}', '{}', '{}', '{}', '{}'),
    (null, null, null, null, null, null, null, '\\.', null, null, '-Infinity', -0.0, null,
     '\\N', null, null, null, null, null, null, null, null, null, '{NULL}', null, null, null),
    (null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
     null, null, null, null, null, null, null, null, null, null, null, null)";

/// COPY TO STDOUT's bytes.
fn copy_out(c: &mut postgres::Client, sql: &str) -> Vec<u8> {
    let mut out = Vec::new();
    c.copy_out(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    out
}

/// COPY FROM STDIN of `data`: the tag's row count, or (SQLSTATE, message, CONTEXT).
fn copy_in(
    c: &mut postgres::Client,
    sql: &str,
    data: &[u8],
) -> Result<u64, (String, String, String)> {
    let describe = |e: postgres::Error| match e.as_db_error() {
        Some(db) => (
            db.code().code().to_owned(),
            db.message().to_owned(),
            // The COPY line of the CONTEXT (PostgreSQL's JSON input adds a line of its own
            // above it, which minipg's JSON input does not give).
            db.where_()
                .unwrap_or_default()
                .lines()
                .last()
                .unwrap_or_default()
                .to_owned(),
        ),
        None => ("?".into(), e.to_string(), String::new()),
    };
    let mut w = c.copy_in(sql).map_err(describe)?;
    // A server that already refused the data may have closed the COPY: write errors are
    // reported by finish().
    let _ = w.write_all(data);
    w.finish().map_err(describe)
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn copy_to_and_copy_from_errors_match_postgresql_15() {
    if !pg15::require("copy_to_and_copy_from_errors_match_postgresql_15") {
        return;
    }
    let pg_port = 30_000 + (std::process::id() % 20_000) as u16;
    let pg = PgCluster::start(pg_port, pg15::TEST_OPTIONS)
        .unwrap_or_else(|e| panic!("cannot start PostgreSQL 15: {e}"));
    let s = start();
    let mut theirs = pg.client().expect("PostgreSQL 15");
    let mut ours = s.connect();
    for c in [&mut theirs, &mut ours] {
        c.batch_execute("SET extra_float_digits = 1").expect("set");
        c.batch_execute(TABLE).expect("create");
        c.batch_execute(ROWS).expect("insert");
        c.batch_execute(&TABLE.replace("every_type", "every_type_again"))
            .expect("create");
    }
    // COPY TO in every format, byte for byte.
    for stmt in [
        "COPY every_type TO STDOUT",
        "COPY every_type TO STDOUT (FORMAT csv)",
        "COPY every_type TO STDOUT (FORMAT csv, HEADER, FORCE_QUOTE *)",
        "COPY every_type (t, vc, at) TO STDOUT (FORMAT csv, DELIMITER '|', QUOTE '''', ESCAPE '\\', NULL 'NULL', FORCE_QUOTE (vc))",
        "COPY every_type TO STDOUT WITH DELIMITER ';' NULL 'nil' HEADER",
        "COPY every_type TO STDOUT (FORMAT binary)",
        "COPY (SELECT t FROM every_type) TO STDOUT CSV",
        "COPY (SELECT i2 + 1 AS \"x y\", t || '!' FROM every_type WHERE i2 IS NOT NULL) TO STDOUT (HEADER)",
    ] {
        let a = copy_out(&mut theirs, stmt);
        let b = copy_out(&mut ours, stmt);
        assert!(
            a == b,
            "{stmt}\nPostgreSQL 15:\n{}\nminipg:\n{}",
            show(&a),
            show(&b)
        );
    }
    // What COPY TO wrote, COPY FROM reads back to the same rows, in every format.
    for (to, from) in [
        (
            "COPY every_type TO STDOUT",
            "COPY every_type_again FROM STDIN",
        ),
        (
            "COPY every_type TO STDOUT (FORMAT csv, HEADER)",
            "COPY every_type_again FROM STDIN (FORMAT csv, HEADER match)",
        ),
        (
            "COPY every_type TO STDOUT (FORMAT binary)",
            "COPY every_type_again FROM STDIN (FORMAT binary)",
        ),
    ] {
        for c in [&mut theirs, &mut ours] {
            c.batch_execute("TRUNCATE every_type_again")
                .expect("truncate");
            let data = copy_out(c, to);
            assert_eq!(copy_in(c, from, &data), Ok(4), "{from}");
            let again = copy_out(c, &to.replace("every_type", "every_type_again"));
            assert!(
                again == data,
                "{from}: {}\nvs\n{}",
                show(&data),
                show(&again)
            );
        }
    }
    // COPY FROM's errors, with their CONTEXT.
    let cases: &[(&str, &[u8])] = &[
        ("COPY every_type (i4) FROM STDIN", b"12\nx\n"),
        ("COPY every_type (i2) FROM STDIN", b"99999\n"),
        ("COPY every_type (i4, t) FROM STDIN", b"1\tok\n2\n"),
        ("COPY every_type (i4) FROM STDIN", b"1\t2\n"),
        ("COPY every_type (d) FROM STDIN", b"2024-13-01\n"),
        ("COPY every_type (ts) FROM STDIN", b"yesterday-ish\n"),
        ("COPY every_type (vc) FROM STDIN", b"12345678901\n"),
        ("COPY every_type (bp) FROM STDIN", b"123456\n"),
        ("COPY every_type (u) FROM STDIN", b"not-a-uuid\n"),
        ("COPY every_type (j) FROM STDIN", b"{bad\n"),
        ("COPY every_type (jb) FROM STDIN", b"[1,\n"),
        ("COPY every_type (ai) FROM STDIN", b"{1,x}\n"),
        ("COPY every_type (b) FROM STDIN", b"maybe\n"),
        ("COPY every_type (nu) FROM STDIN", b"12345678901\n"),
        ("COPY every_type (f8) FROM STDIN", b"1e400\n"),
        ("COPY every_type (ba) FROM STDIN", b"\\\\xzz\n"),
        ("COPY every_type (iv) FROM STDIN", b"3 fortnights\n"),
        ("COPY every_type (t) FROM STDIN", b"ok\n\xff\n"),
        ("COPY every_type (t) FROM STDIN", b"\\xff\n"),
        ("COPY every_type (t) FROM STDIN", b"a\r\nb\n"),
        ("COPY every_type (t) FROM STDIN", b"a\nb\rc\n"),
        ("COPY every_type (t) FROM STDIN", b"a\n\\.x\n"),
        (
            "COPY every_type (i4, t) FROM STDIN (FORMAT csv)",
            b"1,\"abc\n2,x\n",
        ),
        (
            "COPY every_type (i4, t) FROM STDIN (FORMAT csv)",
            b"1,a,b\n",
        ),
        (
            "COPY every_type (i4, t) FROM STDIN (FORMAT csv, HEADER match)",
            b"i4,x\n1,a\n",
        ),
        (
            "COPY every_type (i4, t) FROM STDIN (FORMAT csv, HEADER match)",
            b"i4\n",
        ),
        (
            "COPY every_type (i4) FROM STDIN (FORMAT binary)",
            b"PGCOPY\n",
        ),
        (
            "COPY every_type (i4) FROM STDIN (FORMAT binary)",
            b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\0\x02\0\0\0\x04\0\0\0\x01",
        ),
        (
            "COPY every_type (i4) FROM STDIN (FORMAT binary)",
            b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0\0\x01\0\0\0\x05\0\0\0\x01\0",
        ),
        ("COPY every_type (i4) FROM STDIN", &[b'y'; 150]),
    ];
    for (stmt, data) in cases {
        let a = copy_in(&mut theirs, stmt, data);
        let b = copy_in(&mut ours, stmt, data);
        assert_eq!(a, b, "{stmt} with {:?}", show(data));
        assert!(a.is_err(), "{stmt}: the case should fail");
    }
    // Successful loads: NULL markers, FORCE_NOT_NULL / FORCE_NULL, the end marker, CRLF.
    let loads: &[(&str, &[u8])] = &[
        (
            "COPY every_type (i4, t, vc) FROM STDIN (FORMAT csv, FORCE_NOT_NULL (t), FORCE_NULL (vc))",
            b"1,,\"\"\n2,\"\",x\n",
        ),
        (
            "COPY every_type (i4, t) FROM STDIN",
            b"3\t\\N\r\n4\tb\\\\.\r\n\\.\r\nignored\n",
        ),
        (
            "COPY every_type (i4, t) FROM STDIN WITH NULL 'nil' DELIMITER ','",
            b"5,nil\n6,\\nil\n",
        ),
        (
            "COPY every_type (i4, t) FROM STDIN (FORMAT csv)",
            b"7,\"multi\nline\"\n8,\\.\n\\.\n",
        ),
        (
            "COPY every_type (i4, t) FROM STDIN WHERE i4 > 9 AND t <> 'skip' AND vc IS NULL",
            b"9\tno\n10\tskip\n11\tyes\n",
        ),
    ];
    for (stmt, data) in loads {
        let a = copy_in(&mut theirs, stmt, data);
        let b = copy_in(&mut ours, stmt, data);
        assert_eq!(a, b, "{stmt}");
    }
    let check = "COPY (SELECT i4, t, vc FROM every_type WHERE i4 BETWEEN 1 AND 11 ORDER BY i4) TO STDOUT (FORMAT csv)";
    let (a, b) = (copy_out(&mut theirs, check), copy_out(&mut ours, check));
    assert!(a == b, "{}\nvs\n{}", show(&a), show(&b));
    // Statement errors.
    let _ = std::fs::remove_file("/tmp/minipg-copy-must-not-exist");
    for stmt in [
        "COPY every_type TO STDOUT (FORMAT xml)",
        "COPY every_type TO STDOUT (FORMAT csv, FORMAT text)",
        "COPY every_type TO STDOUT (HEADER match)",
        "COPY every_type FROM STDIN (FORCE_QUOTE *)",
        "COPY every_type TO STDOUT (DELIMITER 'ab')",
        "COPY every_type TO STDOUT (FORMAT csv, QUOTE ',')",
        "COPY every_type TO STDOUT (bogus)",
        "COPY every_type (nope) TO STDOUT",
        "COPY every_type (i4, i4) TO STDOUT",
        "COPY every_type TO STDOUT (FORMAT csv, FORCE_QUOTE (i2))"
            .replace("(i2)", "(nope)")
            .leak(),
        "COPY every_type (i4) TO STDOUT (FORMAT csv, FORCE_QUOTE (t))",
        "COPY no_such_table TO STDOUT",
        "COPY every_type TO '/tmp/minipg-copy-must-not-exist'",
        "COPY every_type FROM PROGRAM 'true'",
        "COPY (INSERT INTO every_type (i4) VALUES (1)) TO STDOUT",
        "COPY every_type (i4) TO STDOUT WHERE i4 > 1",
    ] {
        let key = |e: &postgres::Error| {
            e.as_db_error()
                .map(|d| (d.code().code().to_owned(), d.message().to_owned()))
        };
        let b = ours.batch_execute(stmt).expect_err(stmt);
        if stmt.contains("'/tmp") || stmt.contains("PROGRAM") {
            // PostgreSQL's superuser reaches files; minipg's clients never do.
            assert_eq!(key(&b).map(|k| k.0), Some("42501".into()), "{stmt}");
            assert!(!std::path::Path::new("/tmp/minipg-copy-must-not-exist").exists());
            continue;
        }
        let a = theirs.batch_execute(stmt).expect_err(stmt);
        assert_eq!(key(&a), key(&b), "{stmt}");
    }
    drop(pg);
}

/// Reads the backend's peak resident memory (kB) from /proc.
fn vm_hwm_kb(pid: i32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .expect("VmHWM")
}

/// The `i`th line of the round trip's data (about 120 bytes).
fn million_line(i: u64, out: &mut Vec<u8>) {
    writeln!(
        out,
        "{i}\trow {i} with some text to make the line long enough, tab\\there and \\\\ backslash\t{}\t{}",
        i * 7919 % 1_000_003,
        if i.is_multiple_of(10) { "\\N".to_string() } else { format!("{}.{}", i % 997, i % 100) }
    )
    .expect("write");
}

#[test]
fn a_million_rows_round_trip_in_bounded_memory() {
    const ROWS: u64 = 1_000_000;
    let s = start();
    let mut c = s.connect();
    c.batch_execute("create table big (id int8 primary key, note text, n int4, x numeric)")
        .expect("create");
    let pid: i32 = c
        .query_one("select pg_backend_pid()", &[])
        .expect("pid")
        .get(0);
    let before = vm_hwm_kb(pid);
    // In: generated as it is sent.
    let mut w = c.copy_in("COPY big FROM STDIN").expect("copy in");
    let mut buf = Vec::with_capacity(1 << 16);
    let mut total = 0u64;
    for i in 0..ROWS {
        million_line(i, &mut buf);
        if buf.len() > 60_000 {
            total += buf.len() as u64;
            w.write_all(&buf).expect("send");
            buf.clear();
        }
    }
    total += buf.len() as u64;
    w.write_all(&buf).expect("send");
    assert_eq!(w.finish().expect("finish"), ROWS);
    // Out: compared line by line with what was sent, as it arrives.
    let mut r = c.copy_out("COPY big TO STDOUT").expect("copy out");
    let mut got = Vec::with_capacity(1 << 16);
    let mut chunk = vec![0u8; 1 << 16];
    let mut expected = Vec::new();
    let mut i = 0u64;
    loop {
        let n = r.read(&mut chunk).expect("read");
        if n == 0 {
            break;
        }
        got.extend_from_slice(&chunk[..n]);
        let mut start = 0;
        while let Some(end) = got[start..].iter().position(|&b| b == b'\n') {
            expected.clear();
            million_line(i, &mut expected);
            assert_eq!(
                show(&got[start..start + end + 1]),
                show(&expected),
                "row {i}"
            );
            i += 1;
            start += end + 1;
        }
        got.drain(..start);
    }
    drop(r);
    assert_eq!(i, ROWS);
    assert!(got.is_empty());
    let after = vm_hwm_kb(pid);
    let grew_mb = after.saturating_sub(before) / 1024;
    let data_mb = total / (1 << 20);
    assert!(data_mb >= 90, "the data should be large: {data_mb} MB");
    eprintln!("backend peak memory grew by {grew_mb} MB for {data_mb} MB of COPY data");
    assert!(
        grew_mb < 64,
        "the backend's peak memory grew by {grew_mb} MB for {data_mb} MB of COPY data"
    );
}

/// A raw session after startup (trust authentication).
fn raw_session(s: &Server) -> UnixStream {
    let mut st =
        UnixStream::connect(s.socket_dir().join(format!(".s.PGSQL.{}", s.port))).expect("connect");
    st.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    st.write_all(&startup_packet()).expect("startup");
    until_ready(&mut st);
    st
}

/// Messages up to and including ReadyForQuery.
fn until_ready(st: &mut UnixStream) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    loop {
        let m = read_msg(st).expect("message");
        let done = m.0 == b'Z';
        out.push(m);
        if done {
            return out;
        }
    }
}

fn field(body: &[u8], f: u8) -> Option<String> {
    let mut i = 0;
    while i < body.len() && body[i] != 0 {
        let code = body[i];
        let end = body[i + 1..].iter().position(|&b| b == 0)? + i + 1;
        if code == f {
            return Some(String::from_utf8_lossy(&body[i + 1..end]).into_owned());
        }
        i = end + 1;
    }
    None
}

fn cstr(s: &str) -> Vec<u8> {
    let mut b = s.as_bytes().to_vec();
    b.push(0);
    b
}

fn count(s: &Server, table: &str) -> i64 {
    s.connect()
        .query_one(&format!("select count(*) from {table}"), &[])
        .expect("count")
        .get(0)
}

#[test]
fn copy_in_a_simple_query_with_other_statements_copyfail_and_a_vanishing_client() {
    let s = start();
    s.connect()
        .batch_execute("create table t (a int, b text)")
        .expect("create");
    let mut st = raw_session(&s);
    // Several statements, a COPY among them; Flush and Sync during the COPY are ignored.
    st.write_all(&query(
        "select 1; copy t from stdin; copy t to stdout (format csv)",
    ))
    .expect("query");
    let mut seen = Vec::new();
    loop {
        let (tag, _) = read_msg(&mut st).expect("message");
        seen.push(tag);
        if tag == b'G' {
            break;
        }
    }
    assert_eq!(seen, b"TDCG");
    let mut data = msg(b'd', b"1\tone\n2\t");
    data.extend(msg(b'H', b""));
    data.extend(msg(b'S', b""));
    data.extend(msg(b'd', b"two\n"));
    data.extend(msg(b'c', b""));
    st.write_all(&data).expect("data");
    let msgs = until_ready(&mut st);
    let tags: Vec<u8> = msgs.iter().map(|m| m.0).collect();
    assert_eq!(tags, b"CHddcCZ", "{msgs:?}");
    assert_eq!(msgs[0].1, cstr("COPY 2"));
    assert_eq!(msgs[2].1, b"1,one\n");
    assert_eq!(msgs[3].1, b"2,two\n");
    assert_eq!(msgs[5].1, cstr("COPY 2"));
    assert_eq!(msgs[6].1, b"I");

    // CopyFail: nothing loaded, 57014, and the session goes on.
    st.write_all(&query("copy t from stdin")).expect("query");
    assert_eq!(read_msg(&mut st).expect("G").0, b'G');
    let mut data = msg(b'd', b"3\tthree\n");
    data.extend(msg(b'f', &cstr("changed my mind")));
    st.write_all(&data).expect("fail");
    let msgs = until_ready(&mut st);
    assert_eq!(msgs[0].0, b'E');
    assert_eq!(field(&msgs[0].1, b'C').as_deref(), Some("57014"));
    assert_eq!(
        field(&msgs[0].1, b'M').as_deref(),
        Some("COPY from stdin failed: changed my mind")
    );
    assert_eq!(count(&s, "t"), 2);

    // An error mid-COPY: the client's remaining data is ignored, nothing of it is loaded.
    st.write_all(&query("copy t from stdin")).expect("query");
    assert_eq!(read_msg(&mut st).expect("G").0, b'G');
    st.write_all(&msg(b'd', b"4\tfour\nx\tbad\n"))
        .expect("data");
    let msgs = until_ready(&mut st);
    assert_eq!(field(&msgs[0].1, b'C').as_deref(), Some("22P02"));
    assert_eq!(
        field(&msgs[0].1, b'W').as_deref(),
        Some("COPY t, line 2, column a: \"x\"")
    );
    let mut rest = msg(b'd', b"5\tfive\n");
    rest.extend(msg(b'c', b""));
    rest.extend(query("select count(*) from t"));
    st.write_all(&rest).expect("rest");
    let msgs = until_ready(&mut st);
    let row = msgs.iter().find(|m| m.0 == b'D').expect("row");
    assert!(row.1.ends_with(b"2"), "{msgs:?}");

    // A client that vanishes mid-COPY: rolled back, only its backend ends.
    let mut gone = raw_session(&s);
    gone.write_all(&query("copy t from stdin")).expect("query");
    assert_eq!(read_msg(&mut gone).expect("G").0, b'G');
    gone.write_all(&msg(b'd', b"6\tsix\n7\tseven\n"))
        .expect("data");
    drop(gone);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(count(&s, "t"), 2);
    st.write_all(&query("select 1")).expect("query");
    assert_eq!(
        until_ready(&mut st).last().map(|m| m.1.clone()),
        Some(b"I".to_vec())
    );
    let log = s.log();
    assert!(
        !log.contains("terminated by signal") && !log.contains("PANIC"),
        "{log}"
    );

    // Inside a transaction block the COPY's failure fails the block.
    st.write_all(&query(
        "begin; insert into t values (8, 'eight'); copy t from stdin",
    ))
    .expect("query");
    loop {
        if read_msg(&mut st).expect("message").0 == b'G' {
            break;
        }
    }
    let mut data = msg(b'd', b"9\n");
    data.extend(msg(b'c', b""));
    st.write_all(&data).expect("data");
    let msgs = until_ready(&mut st);
    assert_eq!(field(&msgs[0].1, b'C').as_deref(), Some("22P04"));
    assert_eq!(msgs.last().map(|m| m.1.clone()), Some(b"E".to_vec()));
    st.write_all(&query("rollback")).expect("rollback");
    until_ready(&mut st);
    assert_eq!(count(&s, "t"), 2);
}

#[test]
fn psql_script_with_inline_data_and_backslash_copy() {
    let psql = psql_binary().expect(
        "psql_script_with_inline_data_and_backslash_copy needs psql (Debian: apt-get install postgresql-client-15)",
    );
    let s = start();
    let file = s.root.path().join("exported.tsv");
    // What pg_dump writes: COPY … FROM stdin; rows; \. — then \copy both ways.
    let script = format!(
        "CREATE TABLE public.t (a integer, b text);\n\
         COPY public.t (a, b) FROM stdin;\n\
         1\tone\n\
         2\t\\N\n\
         3\ttab\\there\n\
         \\.\n\
         SELECT count(*) FROM t;\n\
         \\copy t to '{0}'\n\
         \\copy t from '{0}'\n\
         \\copy t (a) from stdin with (format csv)\n\
         4\n\
         \\.\n\
         SELECT a, b FROM t ORDER BY a, b;\n",
        file.display()
    );
    let o = run_with_input(
        s.client_command(psql)
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"])
            .arg("postgres"),
        &script,
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(
        out,
        "3\n1|one\n1|one\n2|\n2|\n3|tab\there\n3|tab\there\n4|\n"
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("exported"),
        "1\tone\n2\t\\N\n3\ttab\\there\n"
    );
}

#[test]
fn pgbench_initializes_its_tables_with_copy_freeze() {
    let pgbench = pgbench_binary()
        .expect("pgbench_initializes_its_tables_with_copy_freeze needs pgbench (Debian: apt-get install postgresql-15)");
    let s = start();
    // d: drop, t: create, g: generate client-side (BEGIN; TRUNCATE; COPY … WITH (FREEZE ON)).
    let o = s
        .client_command(pgbench)
        .args(["-i", "-I", "dtg", "-s", "2", "postgres"])
        .output()
        .expect("pgbench");
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(count(&s, "pgbench_accounts"), 200_000);
    assert_eq!(count(&s, "pgbench_branches"), 2);
    assert_eq!(count(&s, "pgbench_tellers"), 20);
}
