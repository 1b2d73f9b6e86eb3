//! Client authentication end to end: a server listening on 127.0.0.1 with a `minipg_hba.conf`
//! written by the test (`hba_file`), roles from the test server's role file
//! (`tests::test_roles`, verifiers made with the `auth` crate), and real clients: psql (libpq,
//! `PGPASSWORD`), the `postgres` crate, pg8000 and psycopg2. Each failure is checked for
//! PostgreSQL 15's SQLSTATE and message (compared by hand on a PostgreSQL 15 cluster with the
//! same hba lines and roles: see docs/security.md).
//!
//! Needs psql (fails when it is missing unless MINIPG_SKIP_CLIENT_TESTS=1) and python3
//! with pg8000 and psycopg2 (fails unless MINIPG_SKIP_DRIVER_TESTS=1).

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use tests::harness::{self, Server, psql_binary, require_tool};

const PASSWORD: &str = "s3cret pw";

/// Writes the role file and `hba` into the server's directory and starts it on 127.0.0.1.
fn start(hba: &str, extra: &[&str]) -> Server {
    let mut s = Server::new(&[]);
    let root = s.root.path().to_owned();
    let roles = root.join("roles");
    let verifier = auth::Verifier::generate(PASSWORD).to_string();
    let lines = [
        format!("alice\t{verifier}"),
        format!("bob\t{}", auth::md5_password(PASSWORD, "bob")),
        format!("dave\t{verifier}"),
        format!("carol\t{verifier}\tnosuperuser\tmember=staff"),
        format!("nologin\t{verifier}\tnologin"),
        format!("expired\t{verifier}\texpired"),
        "nopw\t".to_owned(),
        "postgres\t".to_owned(),
    ];
    std::fs::write(&roles, lines.join("\n") + "\n").unwrap();
    // SAFETY: nextest runs every test in its own process, and this runs before the test starts
    // any thread; the server it spawns inherits the variable.
    unsafe { std::env::set_var(tests::test_roles::ENV, &roles) };
    let hba_path = root.join("test_hba.conf");
    std::fs::write(&hba_path, hba).unwrap();
    s.args = [
        "-c".to_owned(),
        "listen_addresses=127.0.0.1".to_owned(),
        "-c".to_owned(),
        format!("hba_file={}", hba_path.display()),
    ]
    .into_iter()
    .chain(extra.iter().map(|a| a.to_string()))
    .collect();
    // The roles file answers the password exchange (verifiers made here); a session also
    // needs its role in the server's catalog, written before the server starts (a process
    // outside the server must not write its databases: it does not share the server's
    // WAL-index locks).
    s.init().expect("init");
    for line in &lines {
        let mut fields = line.split('\t');
        let name = fields.next().unwrap_or_default();
        let superuser = !line.contains("nosuperuser");
        spi::roles::add_login_role(&s.data_dir(), name, superuser).expect("catalog role");
    }
    s.spawn();
    s.wait_ready();
    s
}

fn hba_path(s: &Server) -> PathBuf {
    s.root.path().join("test_hba.conf")
}

/// Connects over TCP with the `postgres` crate; the error's (SQLSTATE, message).
fn tcp(
    s: &Server,
    user: &str,
    password: Option<&str>,
) -> Result<postgres::Client, (String, String)> {
    let mut c = postgres::Config::new();
    c.host("127.0.0.1")
        .port(s.port)
        .user(user)
        .dbname("postgres")
        .connect_timeout(Duration::from_secs(20));
    if let Some(p) = password {
        c.password(p);
    }
    c.connect(postgres::NoTls)
        .map_err(|e| match e.as_db_error() {
            Some(db) => (db.code().code().to_owned(), db.message().to_owned()),
            None => ("client".to_owned(), e.to_string()),
        })
}

fn expect_fail(s: &Server, user: &str, password: Option<&str>, code: &str, message: &str) {
    match tcp(s, user, password) {
        Ok(_) => panic!("{user} got in; expected {code} {message}"),
        Err((c, m)) => assert_eq!((c.as_str(), m.as_str()), (code, message), "user {user}"),
    }
}

fn current_user(c: &mut postgres::Client) -> String {
    c.query_one("SELECT current_user", &[]).unwrap().get(0)
}

const SCRAM_HBA: &str = "\
local all all trust
host all bob,dave 127.0.0.1/32 md5
host all pwuser,alice2 127.0.0.1/32 password
host all +staff 127.0.0.1/32 password
host all rejected 127.0.0.1/32 reject
host all trusted 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
";

#[test]
fn scram_with_the_postgres_crate() {
    let s = start(SCRAM_HBA, &[]);
    let mut c = tcp(&s, "alice", Some(PASSWORD)).expect("alice with the right password");
    assert_eq!(current_user(&mut c), "alice");
    let pw_failed = |u: &str| format!("password authentication failed for user \"{u}\"");
    expect_fail(&s, "alice", Some("wrong"), "28P01", &pw_failed("alice"));
    // Unknown role, no password, expired, a stored secret SCRAM cannot use: all 28P01.
    expect_fail(&s, "ghost", Some(PASSWORD), "28P01", &pw_failed("ghost"));
    expect_fail(&s, "nopw", Some(PASSWORD), "28P01", &pw_failed("nopw"));
    expect_fail(
        &s,
        "expired",
        Some(PASSWORD),
        "28P01",
        &pw_failed("expired"),
    );
    // The right password, then the login check; a wrong one fails at the password first.
    expect_fail(
        &s,
        "nologin",
        Some(PASSWORD),
        "28000",
        "role \"nologin\" is not permitted to log in",
    );
    expect_fail(&s, "nologin", Some("x"), "28P01", &pw_failed("nologin"));
    let log = s.log();
    assert!(log.contains("Role \"ghost\" does not exist."), "{log}");
    assert!(
        log.contains("User \"expired\" has an expired password."),
        "{log}"
    );
    assert!(
        log.contains("User \"nopw\" has no password assigned."),
        "{log}"
    );
}

#[test]
fn md5_password_reject_trust_and_no_line() {
    let s = start(SCRAM_HBA, &[]);
    let pw_failed = |u: &str| format!("password authentication failed for user \"{u}\"");
    // md5 with an MD5-hashed password.
    let mut c = tcp(&s, "bob", Some(PASSWORD)).expect("bob over md5");
    assert_eq!(current_user(&mut c), "bob");
    expect_fail(&s, "bob", Some("nope"), "28P01", &pw_failed("bob"));
    // md5 with a SCRAM verifier stored runs SCRAM, as PostgreSQL.
    let mut c = tcp(&s, "dave", Some(PASSWORD)).expect("dave over md5 via SCRAM");
    assert_eq!(current_user(&mut c), "dave");
    expect_fail(&s, "dave", Some("nope"), "28P01", &pw_failed("dave"));
    // password (cleartext) against a SCRAM verifier, through a +group line.
    let mut c = tcp(&s, "carol", Some(PASSWORD)).expect("carol via +staff");
    assert_eq!(current_user(&mut c), "carol");
    expect_fail(&s, "carol", Some("nope"), "28P01", &pw_failed("carol"));
    expect_fail(
        &s,
        "rejected",
        Some(PASSWORD),
        "28000",
        "pg_hba.conf rejects connection for host \"127.0.0.1\", user \"rejected\", database \"postgres\", no encryption",
    );
    // trust: no password asked; an unknown role is then refused.
    expect_fail(
        &s,
        "trusted",
        None,
        "28000",
        "role \"trusted\" does not exist",
    );
    // No line for another address family: the hba file has none for ::1, so nothing matches.
    let s2 = start(
        "local all all trust\nhost all alice 127.0.0.1/32 trust\n",
        &[],
    );
    expect_fail(
        &s2,
        "bob",
        Some(PASSWORD),
        "28000",
        "no pg_hba.conf entry for host \"127.0.0.1\", user \"bob\", database \"postgres\", no encryption",
    );
    let mut c = tcp(&s2, "alice", None).expect("alice trusted");
    assert_eq!(current_user(&mut c), "alice");
}

#[test]
fn scram_with_psql() {
    let Some(psql) = require_tool("scram_with_psql", "psql", psql_binary) else {
        return;
    };
    let s = start(SCRAM_HBA, &[]);
    let run = |user: &str, pw: &str| {
        Command::new(&psql)
            .args(["-X", "-At", "-h", "127.0.0.1", "-p", &s.port.to_string()])
            .args(["-U", user, "-d", "postgres", "-c", "SELECT current_user"])
            .env("PGPASSWORD", pw)
            .env("PGCONNECT_TIMEOUT", "20")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let ok = run("alice", PASSWORD);
    assert!(ok.status.success(), "{ok:?}");
    assert_eq!(String::from_utf8_lossy(&ok.stdout).trim(), "alice");
    let bad = run("alice", "wrong");
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("FATAL:  password authentication failed for user \"alice\""),
        "{err}"
    );
    // md5 through libpq.
    let ok = run("bob", PASSWORD);
    assert!(ok.status.success(), "{ok:?}");
}

/// Fails (or, with MINIPG_SKIP_DRIVER_TESTS=1, skips) when pg8000 or psycopg2 is missing.
fn python_drivers(test: &str) -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import pg8000.dbapi, psycopg2"])
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return true;
    }
    if std::env::var("MINIPG_SKIP_DRIVER_TESTS").is_ok_and(|v| v == "1") {
        println!("{test}: skipped: python3 with pg8000 and psycopg2 is missing");
        return false;
    }
    panic!(
        "{test} needs python3 with pg8000 and psycopg2 (pip install pg8000 psycopg2-binary); \
         set MINIPG_SKIP_DRIVER_TESTS=1 to skip"
    );
}

const DRIVER_SCRIPT: &str = r#"
import sys
import pg8000.dbapi, psycopg2
port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
try:
    c = pg8000.dbapi.connect(host="127.0.0.1", port=port, user=user, password=pw, database="postgres", timeout=20)
    cur = c.cursor(); cur.execute("SELECT current_user"); print("pg8000 ok", cur.fetchone()[0]); c.close()
except pg8000.dbapi.DatabaseError as e:
    d = e.args[0]; print("pg8000 error", d["C"], d["M"])
try:
    c = psycopg2.connect(host="127.0.0.1", port=port, user=user, password=pw, dbname="postgres", connect_timeout=20)
    cur = c.cursor(); cur.execute("SELECT current_user"); print("psycopg2 ok", cur.fetchone()[0]); c.close()
except psycopg2.OperationalError as e:
    print("psycopg2 error", str(e).strip().splitlines()[-1])
"#;

#[test]
fn scram_with_python_drivers() {
    if !python_drivers("scram_with_python_drivers") {
        return;
    }
    let s = start(SCRAM_HBA, &[]);
    let run = |user: &str, pw: &str| {
        let out = Command::new("python3")
            .args(["-c", DRIVER_SCRIPT, &s.port.to_string(), user, pw])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(
        run("alice", PASSWORD),
        "pg8000 ok alice\npsycopg2 ok alice\n"
    );
    let bad = run("alice", "wrong");
    assert!(
        bad.starts_with("pg8000 error 28P01 password authentication failed for user \"alice\"\n"),
        "{bad}"
    );
    let psycopg2 = bad.lines().nth(1).unwrap_or("");
    assert!(
        psycopg2.starts_with("psycopg2 error ")
            && psycopg2.ends_with("FATAL:  password authentication failed for user \"alice\""),
        "{bad}"
    );
    // md5 with both drivers.
    assert_eq!(run("bob", PASSWORD), "pg8000 ok bob\npsycopg2 ok bob\n");
}

fn reload(s: &Server, n: usize) {
    Server::kill(s.pid(), libc::SIGHUP);
    s.expect_n(
        "received SIGHUP, reloading configuration files",
        n,
        Duration::from_secs(10),
    );
}

/// Polls until connecting as `user` gives `want` (the SQLSTATE, or "ok").
fn wait_for(s: &Server, user: &str, want: &str) {
    let got = |s: &Server| match tcp(s, user, Some(PASSWORD)) {
        Ok(_) => "ok".to_owned(),
        Err((c, _)) => c,
    };
    assert!(
        harness::wait_until(Duration::from_secs(10), || got(s) == want),
        "{user}: wanted {want}, got {}",
        got(s)
    );
}

#[test]
fn sighup_reloads_and_a_broken_file_keeps_the_old_rules() {
    let s = start(
        "local all all trust\nhost all all 127.0.0.1/32 trust\n",
        &[],
    );
    wait_for(&s, "alice", "ok");
    let file = hba_path(&s);
    std::fs::write(
        &file,
        "local all all trust\nhost all all 127.0.0.1/32 reject\n",
    )
    .unwrap();
    reload(&s, 1);
    wait_for(&s, "alice", "28000");
    // A broken file: each bad line is logged with its file and line, the old rules stay.
    std::fs::write(
        &file,
        "local all all trust\nhost all all 127.0.0.1/32 trust\nhostx all all\nhost all all 1.2.3.4/40 md5\n",
    )
    .unwrap();
    reload(&s, 2);
    s.expect_log("minipg_hba.conf was not reloaded", Duration::from_secs(10));
    let log = s.log();
    assert!(
        log.contains("LOG:  invalid connection type \"hostx\""),
        "{log}"
    );
    assert!(
        log.contains(&format!(
            "CONTEXT:  line 3 of configuration file \"{}\"",
            file.display()
        )),
        "{log}"
    );
    assert!(
        log.contains("invalid CIDR mask in address \"1.2.3.4/40\""),
        "{log}"
    );
    std::thread::sleep(Duration::from_millis(200));
    wait_for(&s, "alice", "28000");
    // pg_hba_file_rules reads the file as it is now, errors included.
    let mut c = s.connect();
    let rows = c
        .query(
            "SELECT line_number, type, database, user_name, address, netmask, auth_method, error \
             FROM pg_hba_file_rules ORDER BY line_number",
            &[],
        )
        .unwrap();
    let show: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}|{:?}",
                r.get::<_, i32>(0),
                r.get::<_, Option<String>>(1),
                r.get::<_, Option<Vec<String>>>(2),
                r.get::<_, Option<Vec<String>>>(3),
                r.get::<_, Option<String>>(4),
                r.get::<_, Option<String>>(5),
                r.get::<_, Option<String>>(6),
                r.get::<_, Option<String>>(7),
            )
        })
        .collect();
    assert_eq!(
        show,
        [
            r#"1|Some("local")|Some(["all"])|Some(["all"])|None|None|Some("trust")|None"#,
            r#"2|Some("host")|Some(["all"])|Some(["all"])|Some("127.0.0.1")|Some("255.255.255.255")|Some("trust")|None"#,
            r#"3|None|None|None|None|None|None|Some("invalid connection type \"hostx\"")"#,
            r#"4|None|None|None|None|None|None|Some("invalid CIDR mask in address \"1.2.3.4/40\"")"#,
        ]
    );
    // Fixed: the next reload takes it.
    std::fs::write(
        &file,
        "local all all trust\nhost all all 127.0.0.1/32 trust\n",
    )
    .unwrap();
    reload(&s, 3);
    wait_for(&s, "alice", "ok");
}

#[test]
fn init_writes_the_default_file_and_trust_beyond_loopback_warns() {
    let s = start(
        "local all all trust\nhost all all 192.0.2.0/24 trust\n",
        &["-c", "listen_addresses=*"],
    );
    s.expect_log(
        "line 2 trusts connections from non-local addresses",
        Duration::from_secs(5),
    );
    let default = std::fs::read_to_string(s.data_dir().join("minipg_hba.conf")).unwrap();
    let records: Vec<&str> = default
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .collect();
    let words = |l: &str| l.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(
        records.iter().map(|l| words(l)).collect::<Vec<_>>(),
        [
            "local all all trust",
            "host all all 127.0.0.1/32 scram-sha-256",
            "host all all ::1/128 scram-sha-256"
        ]
    );
    // Every record has its own comment right above it.
    let lines: Vec<&str> = default.lines().collect();
    for r in records {
        let i = lines.iter().position(|l| *l == r).unwrap();
        assert!(lines[i - 1].starts_with("# "), "no comment above {r:?}");
    }
}

/// A test CA and a server certificate for `localhost` and 127.0.0.1 signed by it, written as
/// PEM into `dir`: (ca.crt, server.crt, server.key).
fn make_certs(dir: &std::path::Path, ca_name: &str) -> (PathBuf, PathBuf, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, SanType};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, ca_name);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params
        .subject_alt_names
        .push(SanType::IpAddress("127.0.0.1".parse().unwrap()));
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let cert = params.signed_by(&key, &issuer).unwrap();
    let paths = (
        dir.join(format!("{ca_name}.crt")),
        dir.join("server.crt"),
        dir.join("server.key"),
    );
    std::fs::write(&paths.0, ca_cert.pem()).unwrap();
    std::fs::write(&paths.1, cert.pem()).unwrap();
    std::fs::write(&paths.2, key.serialize_pem()).unwrap();
    (paths.0, paths.1, paths.2)
}

const TLS_HBA: &str = "\
local all all trust
hostssl all alice 127.0.0.1/32 scram-sha-256
hostnossl all all 127.0.0.1/32 reject
";

#[test]
fn tls_require_and_verify_full_with_psql() {
    let Some(psql) = require_tool("tls_require_and_verify_full_with_psql", "psql", psql_binary)
    else {
        return;
    };
    let certs = tempfile::tempdir().unwrap();
    let (ca, cert, key) = make_certs(certs.path(), "minipg-test-ca");
    let other_dir = certs.path().join("other");
    std::fs::create_dir_all(&other_dir).unwrap();
    let (other_ca, _, _) = make_certs(&other_dir, "other-ca");
    let cert_arg = format!("ssl_cert_file={}", cert.display());
    let key_arg = format!("ssl_key_file={}", key.display());
    let s = start(TLS_HBA, &["-c", "ssl=on", "-c", &cert_arg, "-c", &key_arg]);
    let run = |conninfo: &str, sql: &str| {
        let out = Command::new(&psql)
            .args(["-X", "-At", "-d"])
            .arg(format!(
                "host=localhost hostaddr=127.0.0.1 port={} dbname=postgres connect_timeout=20 {conninfo}",
                s.port
            ))
            .args(["-c", sql])
            .env("PGPASSWORD", PASSWORD)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).trim().to_owned(),
            String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        )
    };
    let own = "SELECT ssl, version, cipher IS NOT NULL, bits > 0 FROM pg_stat_ssl \
               WHERE pid = pg_backend_pid()";
    let (ok, out, err) = run("user=alice sslmode=require", own);
    assert!(ok, "{err}");
    assert_eq!(out, "t|TLSv1.3|t|t");
    let verify = format!(
        "user=alice sslmode=verify-full sslrootcert={}",
        ca.display()
    );
    let (ok, out, err) = run(&verify, "SELECT current_user");
    assert!(ok, "{err}");
    assert_eq!(out, "alice");
    // SCRAM-SHA-256-PLUS: libpq binds to the server certificate when asked to.
    let (ok, out, err) = run(&format!("{verify} channel_binding=require"), "SELECT 1");
    assert!(ok, "{err}");
    assert_eq!(out, "1");
    let (ok, _, err) = run(
        "user=alice sslmode=require channel_binding=disable password=x",
        "SELECT 1",
    );
    assert!(
        !ok && err.contains("password authentication failed for user \"alice\""),
        "{err}"
    );
    // A wrong password over TLS is still 28P01.
    let (ok, _, err) = run("user=alice sslmode=require password=wrong", "SELECT 1");
    assert!(
        !ok && err.contains("password authentication failed for user \"alice\""),
        "{err}"
    );
    // The client refuses a server whose certificate another CA signed.
    let wrong_ca = format!(
        "user=alice sslmode=verify-full sslrootcert={}",
        other_ca.display()
    );
    let (ok, _, err) = run(&wrong_ca, "SELECT 1");
    assert!(!ok && err.contains("certificate verify failed"), "{err}");
    // hostnossl rejects the same user without TLS; hostssl has no line for bob.
    let (ok, _, err) = run("user=alice sslmode=disable", "SELECT 1");
    assert!(
        !ok && err.contains(
            "FATAL:  pg_hba.conf rejects connection for host \"127.0.0.1\", user \"alice\", database \"postgres\", no encryption"
        ),
        "{err}"
    );
    let (ok, _, err) = run("user=bob sslmode=require", "SELECT 1");
    assert!(
        !ok && err.contains(
            "FATAL:  no pg_hba.conf entry for host \"127.0.0.1\", user \"bob\", database \"postgres\", SSL encryption"
        ),
        "{err}"
    );
    // Over the Unix socket there is no TLS; pg_stat_ssl says so.
    let mut c = s.connect();
    let row = c
        .query_one(
            "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .unwrap();
    assert!(!row.get::<_, bool>(0));
    assert_eq!(row.get::<_, Option<String>>(1), None);
}

#[test]
fn ssl_off_answers_n() {
    let Some(psql) = require_tool("ssl_off_answers_n", "psql", psql_binary) else {
        return;
    };
    let s = start(
        "local all all trust\nhost all all 127.0.0.1/32 trust\nhostssl all all 127.0.0.1/32 trust\n",
        &[],
    );
    // A hostssl line while ssl is off is kept, with a LOG line and an error in the view.
    let log = s.log();
    assert!(
        log.contains("LOG:  hostssl record cannot match because SSL is disabled"),
        "{log}"
    );
    assert!(
        log.contains("CONTEXT:  line 3 of configuration file"),
        "{log}"
    );
    let row = s
        .connect()
        .query_one(
            "SELECT type, error FROM pg_hba_file_rules WHERE line_number = 3",
            &[],
        )
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "hostssl");
    assert_eq!(
        row.get::<_, String>(1),
        "hostssl record cannot match because SSL is disabled"
    );
    let out = Command::new(&psql)
        .args(["-X", "-At", "-d"])
        .arg(format!(
            "host=127.0.0.1 port={} user=alice dbname=postgres sslmode=require",
            s.port
        ))
        .args(["-c", "SELECT 1"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("server does not support SSL, but SSL was required"),
        "{err}"
    );
    // sslmode=prefer falls back to no encryption.
    let out = Command::new(&psql)
        .args(["-X", "-At", "-d"])
        .arg(format!(
            "host=127.0.0.1 port={} user=alice dbname=postgres sslmode=prefer",
            s.port
        ))
        .args([
            "-c",
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "f");
}

#[test]
fn ssl_on_with_a_missing_certificate_is_fatal_at_start() {
    let mut s = Server::new(&["-c", "ssl=on"]);
    s.spawn();
    assert_eq!(s.wait_exit(Duration::from_secs(20)), Some(1), "{}", s.log());
    let log = s.log();
    assert!(
        log.contains("FATAL:  could not load server certificate file"),
        "{log}"
    );
}

/// Malformed authentication messages over the Unix socket: each ends the connection with
/// PostgreSQL's FATAL, and the server goes on.
#[test]
fn malformed_authentication_messages_are_fatal() {
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    use tests::rawpg::{msg, parse_error, read_msg, startup_packet_for};

    let s = start(
        "local all postgres trust\nlocal all bob md5\nlocal all carol password\nlocal all all scram-sha-256\n",
        &[],
    );
    let sock = s.socket_dir().join(format!(".s.PGSQL.{}", s.port));
    // Sends the startup packet for `user`, checks the authentication request's code, sends
    // `then`, and returns the FATAL's (SQLSTATE, message).
    let attempt = |user: &str, code: i32, then: &[u8]| -> (String, String) {
        let mut st = UnixStream::connect(&sock).unwrap();
        st.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        st.write_all(&startup_packet_for(user, "postgres")).unwrap();
        let (tag, body) = read_msg(&mut st).expect("authentication request");
        assert_eq!(tag, b'R');
        assert_eq!(
            i32::from_be_bytes([body[0], body[1], body[2], body[3]]),
            code
        );
        st.write_all(then).unwrap();
        let (tag, body) = read_msg(&mut st).expect("an error");
        assert_eq!(tag, b'E', "{body:?}");
        let e = parse_error(&body);
        assert_eq!(e.severity, "FATAL");
        assert!(read_msg(&mut st).is_none(), "the connection ends");
        (e.code, e.message)
    };
    let sasl_initial = |mech: &str, data: &[u8]| {
        let mut b = mech.as_bytes().to_vec();
        b.push(0);
        b.extend_from_slice(&(data.len() as i32).to_be_bytes());
        b.extend_from_slice(data);
        msg(b'p', &b)
    };
    assert_eq!(
        attempt("alice", 10, &sasl_initial("SCRAM-SHA-256", b"x,,garbage")),
        ("08P01".into(), "malformed SCRAM message".into())
    );
    assert_eq!(
        attempt("alice", 10, &sasl_initial("SCRAM-SHA-1", b"n,,n=,r=abc")),
        (
            "08P01".into(),
            "client selected an invalid SASL authentication mechanism".into()
        )
    );
    // A SASLInitialResponse whose length field claims more than the message holds.
    let mut short = b"SCRAM-SHA-256\0".to_vec();
    short.extend_from_slice(&1000i32.to_be_bytes());
    short.extend_from_slice(b"n,,");
    let (code, _) = attempt("alice", 10, &msg(b'p', &short));
    assert_eq!(code, "08P01");
    // Another message instead of the password.
    assert_eq!(
        attempt("carol", 3, &msg(b'Q', b"SELECT 1\0")),
        (
            "08P01".into(),
            "expected password response, got message type 81".into()
        )
    );
    // A password message longer than PostgreSQL's limit for authentication tokens.
    let mut huge = vec![b'p'];
    huge.extend_from_slice(&(1_000_000i32).to_be_bytes());
    let (code, message) = attempt("bob", 5, &huge);
    assert_eq!(code, "08P01");
    assert!(message.starts_with("invalid message length"), "{message}");
    // The server is fine.
    let mut c = s.connect();
    assert_eq!(current_user(&mut c), "postgres");
}

/// `authentication_timeout` covers the password exchange: a client that never answers the
/// SCRAM request is dropped.
#[test]
fn authentication_timeout_covers_the_password_exchange() {
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    use tests::rawpg::{read_msg, startup_packet_for};

    let s = start(
        "local all postgres trust\nlocal all all scram-sha-256\n",
        &["-c", "authentication_timeout=1"],
    );
    let sock = s.socket_dir().join(format!(".s.PGSQL.{}", s.port));
    let mut st = UnixStream::connect(&sock).unwrap();
    st.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    st.write_all(&startup_packet_for("alice", "postgres"))
        .unwrap();
    let t0 = std::time::Instant::now();
    let (tag, _) = read_msg(&mut st).expect("authentication request");
    assert_eq!(tag, b'R');
    // Nothing more is sent; the backend gives up after a second.
    while read_msg(&mut st).is_some() {}
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
    s.expect_log(
        "canceling authentication due to timeout",
        Duration::from_secs(5),
    );
}

/// ParameterStatus `is_superuser` follows the role; `session_authorization` is its name.
#[test]
fn is_superuser_follows_the_role() {
    let s = start("local all all trust\n", &[]);
    let params = |user: &str| {
        tests::rawpg::SimpleClient::connect(
            &s.socket_dir(),
            s.port,
            user,
            "postgres",
            Duration::from_secs(20),
        )
        .unwrap()
        .parameters
    };
    let get = |p: &[(String, String)], name: &str| {
        p.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let carol = params("carol");
    assert_eq!(get(&carol, "is_superuser"), "off");
    assert_eq!(get(&carol, "session_authorization"), "carol");
    assert_eq!(get(&params("alice"), "is_superuser"), "on");
}
