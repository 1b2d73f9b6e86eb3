//! Session tests: `run_backend` on one end of a `UnixStream::pair()` in a thread, with a real
//! `spi::Session` over a temporary data directory and hooks whose wait is `poll(2)`; the test
//! drives the other end with the crate's own frontend encoder and backend decoder.
//!
//! `spi::interrupt` flags and `guc` session settings are process-global: every test here takes
//! [`serial`] so that no two sessions run at once.

use std::io::{Read, Write};
use std::os::fd::RawFd;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::{Bytes, BytesMut};

use crate::protocol::backend::{BackendMessage, try_backend_frame};
use crate::protocol::frontend::{self, Bind, FrontendMessage, StartupPacket, Target};
use crate::{BackendConfig, BackendHooks, CanAccept, HookError, WaitOutcome, run_backend};

static SERIAL: Mutex<()> = Mutex::new(());

/// Serializes tests that run sessions (process-global interrupt flags and settings).
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// What the hooks saw.
#[derive(Default, Debug)]
pub struct Seen {
    pub attached: Vec<(String, String, String)>,
    pub activity: Vec<(String, Option<String>)>,
    pub cancels: Vec<(i32, i32)>,
}

/// Hooks for tests: `poll(2)` on the socket, records calls.
pub struct TestHooks {
    pub seen: Arc<Mutex<Seen>>,
    pub refuse: Option<HookError>,
}

impl BackendHooks for TestHooks {
    fn attach(&mut self, user: &str, database: &str) -> Result<i32, HookError> {
        if let Some(e) = self.refuse.clone() {
            return Err(e);
        }
        self.seen.lock().unwrap().attached.push((
            user.into(),
            database.into(),
            guc::builtin::APPLICATION_NAME.get(),
        ));
        Ok(4242)
    }

    fn report_activity(&mut self, state: &str, query: Option<&str>) {
        self.seen
            .lock()
            .unwrap()
            .activity
            .push((state.into(), query.map(str::to_owned)));
    }

    fn wait_readable(&mut self, fd: RawFd, timeout: Option<Duration>) -> WaitOutcome {
        let ms = timeout.map_or(-1, |t| {
            i32::try_from(t.as_millis()).unwrap_or(i32::MAX).max(1)
        });
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd on the stack.
        let rc = unsafe { libc::poll(&mut pfd, 1, ms) };
        match rc {
            0 => WaitOutcome::Timeout,
            r if r < 0 => WaitOutcome::Interrupted,
            _ => WaitOutcome::Readable,
        }
    }

    fn cancel_request(&mut self, pid: i32, key: i32) {
        self.seen.lock().unwrap().cancels.push((pid, key));
    }
}

/// A server thread and the client end of its socket.
pub struct Harness {
    pub client: UnixStream,
    pub server: Option<JoinHandle<i32>>,
    pub seen: Arc<Mutex<Seen>>,
    rbuf: BytesMut,
    _dir: tempfile::TempDir,
    _serial: MutexGuard<'static, ()>,
}

impl Harness {
    /// Starts `run_backend` without doing any protocol yet.
    pub fn raw(can_accept: CanAccept, refuse: Option<HookError>) -> Harness {
        let serial = serial();
        let dir = tempfile::tempdir().unwrap();
        spi::init_data_dir(dir.path()).unwrap();
        for user in ["u", "alice"] {
            spi::roles::add_login_role(dir.path(), user, true).unwrap();
        }
        let (client, server) = UnixStream::pair().unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let seen = Arc::new(Mutex::new(Seen::default()));
        let cfg = BackendConfig {
            data_dir: dir.path().to_owned(),
            can_accept,
            remote: "[local]".into(),
            peer: None,
        };
        let mut hooks = TestHooks {
            seen: seen.clone(),
            refuse,
        };
        let server = std::thread::spawn(move || run_backend(server, &cfg, &mut hooks));
        Harness {
            client,
            server: Some(server),
            seen,
            rbuf: BytesMut::new(),
            _dir: dir,
            _serial: serial,
        }
    }

    /// Starts a session and completes the startup (user `u`, database `postgres`).
    pub fn connected() -> Harness {
        let mut h = Harness::raw(CanAccept::Ok, None);
        h.startup(&[("user", "u"), ("database", "postgres")]);
        let msgs = h.until_ready();
        assert!(
            matches!(msgs.last(), Some(BackendMessage::ReadyForQuery(b'I'))),
            "{msgs:?}"
        );
        h
    }

    pub fn startup(&mut self, params: &[(&str, &str)]) {
        let params = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.send_startup(&StartupPacket::Startup { minor: 0, params });
    }

    pub fn send_startup(&mut self, p: &StartupPacket) {
        let mut b = BytesMut::new();
        frontend::encode_startup(p, &mut b);
        self.send_raw(&b);
    }

    pub fn send(&mut self, msgs: &[FrontendMessage]) {
        let mut b = BytesMut::new();
        for m in msgs {
            frontend::encode(m, &mut b);
        }
        self.send_raw(&b);
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        // The server may already have hung up on a bad message: that is for recv to see.
        let _ = self.client.write_all(bytes);
    }

    pub fn read_byte(&mut self) -> u8 {
        if let Some(&b) = self.rbuf.first() {
            let _ = self.rbuf.split_to(1);
            return b;
        }
        let mut b = [0u8; 1];
        self.client.read_exact(&mut b).unwrap();
        b[0]
    }

    /// The next message, or `None` at EOF.
    pub fn recv(&mut self) -> Option<BackendMessage> {
        loop {
            if let Some((tag, body)) = try_backend_frame(&mut self.rbuf).unwrap() {
                return Some(crate::protocol::backend::decode(tag, body).unwrap());
            }
            let mut chunk = [0u8; 8192];
            let n = self.client.read(&mut chunk).unwrap_or(0);
            if n == 0 {
                return None;
            }
            self.rbuf.extend_from_slice(&chunk[..n]);
        }
    }

    /// Messages up to and including ReadyForQuery (or up to EOF).
    pub fn until_ready(&mut self) -> Vec<BackendMessage> {
        let mut out = Vec::new();
        while let Some(m) = self.recv() {
            let done = matches!(m, BackendMessage::ReadyForQuery(_));
            out.push(m);
            if done {
                break;
            }
        }
        out
    }

    pub fn query(&mut self, sql: &str) -> Vec<BackendMessage> {
        self.send(&[FrontendMessage::Query(sql.into())]);
        self.until_ready()
    }

    /// The server thread's exit code (after the client side closes or the server quits).
    pub fn exit_code(&mut self) -> i32 {
        self.server.take().map(|h| h.join().unwrap()).unwrap_or(-1)
    }

    /// Expects the session to end with FATAL `sqlstate` and exit 1.
    pub fn expect_fatal(&mut self, sqlstate: &str) -> BackendMessage {
        let mut last = None;
        while let Some(m) = self.recv() {
            if let BackendMessage::ErrorResponse(e) = &m
                && e.severity == "FATAL"
            {
                assert_eq!(e.sqlstate, sqlstate, "{e:?}");
                last = Some(m.clone());
            }
        }
        assert_eq!(self.exit_code(), 1);
        last.unwrap_or_else(|| panic!("no FATAL {sqlstate} before EOF"))
    }
}

impl Drop for Harness {
    /// Closes the client and waits for the server thread, so that no session outlives its test
    /// (and its hold on the serial lock).
    fn drop(&mut self) {
        let _ = self.client.shutdown(std::net::Shutdown::Both);
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
    }
}

/// Text of a DataRow column.
pub fn text(v: &Option<Bytes>) -> Option<String> {
    v.as_ref().map(|b| String::from_utf8(b.to_vec()).unwrap())
}

pub fn rows(msgs: &[BackendMessage]) -> Vec<Vec<Option<String>>> {
    msgs.iter()
        .filter_map(|m| match m {
            BackendMessage::DataRow(v) => Some(v.iter().map(text).collect()),
            _ => None,
        })
        .collect()
}

pub fn tags(msgs: &[BackendMessage]) -> Vec<String> {
    msgs.iter()
        .filter_map(|m| match m {
            BackendMessage::CommandComplete(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

pub fn errors(msgs: &[BackendMessage]) -> Vec<String> {
    msgs.iter()
        .filter_map(|m| match m {
            BackendMessage::ErrorResponse(e) => Some(e.sqlstate.clone()),
            _ => None,
        })
        .collect()
}

fn status(msgs: &[BackendMessage]) -> u8 {
    match msgs.last() {
        Some(BackendMessage::ReadyForQuery(s)) => *s,
        other => panic!("no ReadyForQuery at the end: {other:?}"),
    }
}

// ---------------------------------------------------------------- startup

#[test]
fn startup_sends_parameters_key_and_ready() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    h.startup(&[
        ("user", "alice"),
        ("database", "postgres"),
        ("application_name", "wiretest"),
    ]);
    let msgs = h.until_ready();
    assert_eq!(msgs[0], BackendMessage::AuthenticationOk);
    let param = |name: &str| {
        msgs.iter().find_map(|m| match m {
            BackendMessage::ParameterStatus { name: n, value } if n == name => Some(value.clone()),
            _ => None,
        })
    };
    let version = param("server_version").unwrap();
    assert!(
        version.starts_with(|c: char| c.is_ascii_digit()),
        "{version}"
    );
    assert_eq!(param("client_encoding").as_deref(), Some("UTF8"));
    assert_eq!(param("server_encoding").as_deref(), Some("UTF8"));
    assert_eq!(param("standard_conforming_strings").as_deref(), Some("on"));
    assert_eq!(param("integer_datetimes").as_deref(), Some("on"));
    assert_eq!(param("application_name").as_deref(), Some("wiretest"));
    assert_eq!(param("session_authorization").as_deref(), Some("alice"));
    assert!(
        param("DateStyle").is_some()
            && param("TimeZone").is_some()
            && param("is_superuser").is_some()
    );
    assert!(msgs.contains(&BackendMessage::BackendKeyData {
        pid: std::process::id() as i32,
        key: 4242
    }));
    assert_eq!(msgs.last(), Some(&BackendMessage::ReadyForQuery(b'I')));
    assert_eq!(
        h.seen.lock().unwrap().attached,
        vec![("alice".into(), "postgres".into(), "wiretest".into())]
    );
    h.send(&[FrontendMessage::Terminate]);
    assert_eq!(h.exit_code(), 0);
    let _ = guc::set_session("application_name", None, true);
}

#[test]
fn database_defaults_to_user_name() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    h.startup(&[("user", "postgres")]);
    assert_eq!(
        h.until_ready().last(),
        Some(&BackendMessage::ReadyForQuery(b'I'))
    );
}

#[test]
fn startup_options_and_settings_become_session_settings() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    h.startup(&[
        ("user", "u"),
        ("database", "postgres"),
        ("options", "-c statement_timeout=5s"),
    ]);
    assert_eq!(
        h.until_ready().last(),
        Some(&BackendMessage::ReadyForQuery(b'I'))
    );
    let shown = rows(&h.query("show statement_timeout"));
    h.query("reset statement_timeout");
    assert_eq!(shown, vec![vec![Some("5s".into())]]);

    let mut h2 = {
        drop(h);
        Harness::raw(CanAccept::Ok, None)
    };
    h2.startup(&[
        ("user", "u"),
        ("database", "postgres"),
        ("no_such_setting", "1"),
    ]);
    h2.expect_fatal(spi::sqlstate::UNDEFINED_OBJECT);
}

#[test]
fn ssl_and_gssenc_requests_are_refused_then_startup_proceeds() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    h.send_startup(&StartupPacket::SslRequest);
    assert_eq!(h.read_byte(), b'N');
    h.send_startup(&StartupPacket::GssEncRequest);
    assert_eq!(h.read_byte(), b'N');
    h.startup(&[("user", "u"), ("database", "postgres")]);
    assert_eq!(
        h.until_ready().last(),
        Some(&BackendMessage::ReadyForQuery(b'I'))
    );
}

#[test]
fn a_second_ssl_request_is_a_protocol_violation() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    h.send_startup(&StartupPacket::SslRequest);
    assert_eq!(h.read_byte(), b'N');
    h.send_startup(&StartupPacket::SslRequest);
    h.expect_fatal(spi::sqlstate::PROTOCOL_VIOLATION);
}

#[test]
fn cancel_request_is_forwarded_and_closes() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    h.send_startup(&StartupPacket::Cancel { pid: 123, key: 456 });
    assert_eq!(h.recv(), None);
    assert_eq!(h.exit_code(), 0);
    assert_eq!(h.seen.lock().unwrap().cancels, vec![(123, 456)]);
}

#[test]
fn unsupported_protocol_version_is_fatal() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    h.send_startup(&StartupPacket::UnsupportedVersion { major: 2, minor: 0 });
    let BackendMessage::ErrorResponse(e) = h.expect_fatal(spi::sqlstate::FEATURE_NOT_SUPPORTED)
    else {
        unreachable!()
    };
    assert_eq!(
        e.message,
        "unsupported frontend protocol 2.0: server supports 3.0 to 3.0"
    );
}

#[test]
fn newer_minor_version_and_pq_options_are_negotiated() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    let params = vec![
        ("user".into(), "u".into()),
        ("database".into(), "postgres".into()),
        ("_pq_.compression".into(), "on".into()),
    ];
    h.send_startup(&StartupPacket::Startup { minor: 2, params });
    let msgs = h.until_ready();
    assert_eq!(
        msgs[0],
        BackendMessage::NegotiateProtocolVersion {
            minor: 0,
            unrecognized: vec!["_pq_.compression".into()]
        }
    );
    assert_eq!(msgs.last(), Some(&BackendMessage::ReadyForQuery(b'I')));
}

#[test]
fn missing_user_is_fatal() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    h.startup(&[("database", "postgres")]);
    h.expect_fatal(spi::sqlstate::INVALID_AUTHORIZATION_SPECIFICATION);
}

#[test]
fn unknown_database_is_fatal() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    h.startup(&[("user", "u"), ("database", "nosuchdb")]);
    let BackendMessage::ErrorResponse(e) = h.expect_fatal(spi::sqlstate::INVALID_CATALOG_NAME)
    else {
        unreachable!()
    };
    assert_eq!(e.message, "database \"nosuchdb\" does not exist");
}

#[test]
fn postmaster_states_refuse_connections() {
    for (state, message) in [
        (CanAccept::Startup, "the database system is starting up"),
        (
            CanAccept::Recovery,
            "the database system is in recovery mode",
        ),
        (CanAccept::Shutdown, "the database system is shutting down"),
    ] {
        let mut h = Harness::raw(state, None);
        h.startup(&[("user", "u")]);
        let BackendMessage::ErrorResponse(e) = h.expect_fatal(spi::sqlstate::CANNOT_CONNECT_NOW)
        else {
            unreachable!()
        };
        assert_eq!(e.message, message);
    }
}

#[test]
fn too_many_clients_is_fatal() {
    let refuse = HookError {
        sqlstate: spi::sqlstate::TOO_MANY_CONNECTIONS,
        message: "sorry, too many clients already".into(),
    };
    let mut h = Harness::raw(CanAccept::Ok, Some(refuse));
    h.startup(&[("user", "u"), ("database", "postgres")]);
    let BackendMessage::ErrorResponse(e) = h.expect_fatal(spi::sqlstate::TOO_MANY_CONNECTIONS)
    else {
        unreachable!()
    };
    assert_eq!(e.message, "sorry, too many clients already");
}

#[test]
fn eof_before_startup_exits_quietly() {
    let mut h = Harness::raw(CanAccept::Ok, None);
    h.client.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(h.recv(), None);
    assert_eq!(h.exit_code(), 0);
}

#[test]
fn malformed_startup_packets_are_fatal() {
    let cases: &[&[u8]] = &[
        &[0, 0, 0, 3],                             // length below the minimum
        &[0, 0, 0x27, 0x11],                       // 10,001 bytes
        b"\0\0\0\x0e\0\x03\0\0user\0u\0",          // no terminator
        b"\0\0\0\x10\0\x03\0\0user\0\xff\xfe\0\0", // bad UTF-8
    ];
    for case in cases {
        let mut h = Harness::raw(CanAccept::Ok, None);
        h.send_raw(case);
        h.expect_fatal(spi::sqlstate::PROTOCOL_VIOLATION);
    }
}

// ---------------------------------------------------------------- simple query

#[test]
fn simple_query_runs_each_statement() {
    let mut h = Harness::connected();
    let msgs = h.query(
        "create table t (id integer primary key, name text, score real, big bigint); \
         insert into t values (1, 'one', 1.5, 10), (2, 'two', null, 20); \
         select id, name, score, big from t order by id",
    );
    assert_eq!(tags(&msgs), vec!["CREATE TABLE", "INSERT 0 2", "SELECT 2"]);
    let desc = msgs
        .iter()
        .find_map(|m| match m {
            BackendMessage::RowDescription(f) => Some(f.clone()),
            _ => None,
        })
        .unwrap();
    let types: Vec<(String, u32, i16)> = desc
        .iter()
        .map(|f| (f.name.clone(), f.type_oid, f.format))
        .collect();
    assert_eq!(
        types,
        vec![
            ("id".into(), 23, 0),
            ("name".into(), 25, 0),
            ("score".into(), 700, 0),
            ("big".into(), 20, 0)
        ]
    );
    assert_eq!(
        rows(&msgs),
        vec![
            vec![
                Some("1".into()),
                Some("one".into()),
                Some("1.5".into()),
                Some("10".into())
            ],
            vec![
                Some("2".into()),
                Some("two".into()),
                None,
                Some("20".into())
            ],
        ]
    );
    assert_eq!(status(&msgs), b'I');
    assert_eq!(
        h.seen.lock().unwrap().activity.last().map(|a| a.0.clone()),
        Some("idle".into())
    );
}

#[test]
fn empty_query_gets_empty_query_response() {
    let mut h = Harness::connected();
    for q in ["", "  ", ";", "-- nothing"] {
        let msgs = h.query(q);
        assert_eq!(
            msgs,
            vec![
                BackendMessage::EmptyQueryResponse,
                BackendMessage::ReadyForQuery(b'I')
            ],
            "{q:?}"
        );
    }
}

#[test]
fn first_error_stops_the_rest_and_session_continues() {
    let mut h = Harness::connected();
    let msgs = h.query("select 1; select * from nope; select 2");
    assert_eq!(rows(&msgs), vec![vec![Some("1".into())]]);
    assert_eq!(errors(&msgs), vec![spi::sqlstate::UNDEFINED_TABLE]);
    assert_eq!(status(&msgs), b'I');
    let msgs = h.query("select 3");
    assert_eq!(rows(&msgs), vec![vec![Some("3".into())]]);
}

#[test]
fn transaction_status_letters() {
    let mut h = Harness::connected();
    h.query("create table tx (a integer)");
    assert_eq!(status(&h.query("begin")), b'T');
    assert_eq!(status(&h.query("insert into tx values (1)")), b'T');
    let failed = h.query("select * from nope");
    assert_eq!(
        (errors(&failed), status(&failed)),
        (vec![spi::sqlstate::UNDEFINED_TABLE.to_string()], b'E')
    );
    let ignored = h.query("select 1");
    assert_eq!(
        (errors(&ignored), status(&ignored)),
        (
            vec![spi::sqlstate::IN_FAILED_SQL_TRANSACTION.to_string()],
            b'E'
        )
    );
    let rollback = h.query("rollback");
    assert_eq!(
        (tags(&rollback), status(&rollback)),
        (vec!["ROLLBACK".to_string()], b'I')
    );
    assert_eq!(
        rows(&h.query("select count(*) from tx")),
        vec![vec![Some("0".into())]]
    );
    let warn = h.query("commit");
    assert!(
        warn.iter()
            .any(|m| matches!(m, BackendMessage::NoticeResponse(n) if n.sqlstate == spi::sqlstate::NO_ACTIVE_SQL_TRANSACTION)),
        "{warn:?}"
    );
}

#[test]
fn set_of_a_reported_setting_sends_parameter_status() {
    let mut h = Harness::connected();
    let msgs = h.query("set application_name = 'renamed'");
    assert!(
        msgs.contains(&BackendMessage::ParameterStatus {
            name: "application_name".into(),
            value: "renamed".into()
        }),
        "{msgs:?}"
    );
    let msgs = h.query("set application_name = 'renamed'");
    assert!(
        !msgs
            .iter()
            .any(|m| matches!(m, BackendMessage::ParameterStatus { .. })),
        "unchanged: not resent"
    );
    let _ = guc::set_session("application_name", None, true);
}

#[test]
fn client_eof_and_terminate_exit_zero() {
    let mut h = Harness::connected();
    h.query("begin");
    h.client.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(h.recv(), None);
    assert_eq!(h.exit_code(), 0);
}

#[test]
fn idle_in_transaction_timeout_is_fatal() {
    let mut h = Harness::connected();
    guc::set_session("idle_in_transaction_session_timeout", Some("200ms"), true).unwrap();
    h.query("begin");
    let fatal = h.expect_fatal(spi::sqlstate::IDLE_IN_TRANSACTION_SESSION_TIMEOUT);
    let _ = guc::set_session("idle_in_transaction_session_timeout", None, true);
    let BackendMessage::ErrorResponse(e) = fatal else {
        unreachable!()
    };
    assert_eq!(
        e.message,
        "terminating connection due to idle-in-transaction timeout"
    );
}

#[test]
fn statement_timeout_cancels_a_statement() {
    let mut h = Harness::connected();
    assert!(errors(&h.query("set statement_timeout = 100")).is_empty());
    let started = std::time::Instant::now();
    let msgs = h.query("select pg_sleep(5)");
    let e = msgs.iter().find_map(|m| match m {
        BackendMessage::ErrorResponse(e) => Some(e.clone()),
        _ => None,
    });
    h.query("set statement_timeout = 0");
    let e = e.expect("an error");
    assert_eq!(
        (e.sqlstate.as_str(), e.message.as_str()),
        (
            spi::sqlstate::QUERY_CANCELED,
            "canceling statement due to statement timeout"
        )
    );
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(
        rows(&h.query("select pg_sleep(0.01), 1")).len(),
        1,
        "the next statement is not cancelled"
    );
}

#[test]
fn cancel_request_flag_cancels_the_running_statement_only() {
    let mut h = Harness::connected();
    let canceller = std::thread::spawn(|| {
        std::thread::sleep(Duration::from_millis(200));
        spi::interrupt::request_cancel();
    });
    let msgs = h.query("select pg_sleep(5)");
    canceller.join().unwrap();
    assert_eq!(errors(&msgs), vec![spi::sqlstate::QUERY_CANCELED]);
    assert_eq!(rows(&h.query("select 1")), vec![vec![Some("1".into())]]);
}

#[test]
fn activity_is_reported_around_statements() {
    let mut h = Harness::connected();
    h.query("select 42");
    h.query("begin");
    let seen = h.seen.lock().unwrap().activity.clone();
    let tail: Vec<(String, Option<String>)> = seen[seen.len() - 4..].to_vec();
    assert_eq!(
        tail,
        vec![
            ("active".into(), Some("select 42".into())),
            // Idle keeps the last statement (and its start), as PostgreSQL shows it.
            ("idle".into(), None),
            ("active".into(), Some("begin".into())),
            ("idle in transaction".into(), None),
        ]
    );
}

#[test]
fn error_positions_count_from_the_start_of_the_query_string() {
    let mut h = Harness::connected();
    let alone = h.query("select * from nope");
    let pos = |msgs: &[BackendMessage]| {
        msgs.iter().find_map(|m| match m {
            BackendMessage::ErrorResponse(e) => e.position,
            _ => None,
        })
    };
    if let Some(p) = pos(&alone) {
        let second = h.query("select 1;  select * from nope");
        assert_eq!(pos(&second), Some(p + 11));
    }
}

// ---------------------------------------------------------------- extended query

fn parse(name: &str, sql: &str, types: &[u32]) -> FrontendMessage {
    FrontendMessage::Parse {
        name: name.into(),
        query: sql.into(),
        param_types: types.to_vec(),
    }
}

fn bind(
    portal: &str,
    stmt: &str,
    formats: &[i16],
    params: &[Option<&[u8]>],
    results: &[i16],
) -> FrontendMessage {
    FrontendMessage::Bind(Bind {
        portal: portal.into(),
        statement: stmt.into(),
        param_formats: formats.to_vec(),
        params: params
            .iter()
            .map(|p| p.map(Bytes::copy_from_slice))
            .collect(),
        result_formats: results.to_vec(),
    })
}

fn execute(portal: &str, max_rows: i32) -> FrontendMessage {
    FrontendMessage::Execute {
        portal: portal.into(),
        max_rows,
    }
}

#[test]
fn extended_query_with_describe_and_parameters() {
    let mut h = Harness::connected();
    h.query(
        "create table e (id integer, name text); insert into e values (1, 'a'), (2, 'b'), (3, 'c')",
    );
    h.send(&[
        parse(
            "s1",
            "select id, name from e where id >= $1 order by id",
            &[23],
        ),
        FrontendMessage::Describe {
            target: Target::Statement,
            name: "s1".into(),
        },
        bind("", "s1", &[], &[Some(b"2")], &[]),
        FrontendMessage::Describe {
            target: Target::Portal,
            name: "".into(),
        },
        execute("", 0),
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    assert_eq!(msgs[0], BackendMessage::ParseComplete);
    assert_eq!(msgs[1], BackendMessage::ParameterDescription(vec![23]));
    assert!(
        matches!(&msgs[2], BackendMessage::RowDescription(f) if f.len() == 2 && f[0].type_oid == 23)
    );
    assert_eq!(msgs[3], BackendMessage::BindComplete);
    assert!(matches!(&msgs[4], BackendMessage::RowDescription(_)));
    assert_eq!(
        rows(&msgs),
        vec![
            vec![Some("2".into()), Some("b".into())],
            vec![Some("3".into()), Some("c".into())]
        ]
    );
    assert_eq!(tags(&msgs), vec!["SELECT 2"]);
    assert_eq!(status(&msgs), b'I');
}

#[test]
fn statements_without_rows_describe_as_no_data() {
    let mut h = Harness::connected();
    h.query("create table nd (a integer)");
    h.send(&[
        parse("", "insert into nd values ($1)", &[]),
        FrontendMessage::Describe {
            target: Target::Statement,
            name: "".into(),
        },
        bind("", "", &[], &[Some(b"5")], &[]),
        execute("", 0),
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    assert!(msgs.contains(&BackendMessage::NoData), "{msgs:?}");
    assert_eq!(tags(&msgs), vec!["INSERT 0 1"]);
    assert_eq!(
        rows(&h.query("select a from nd")),
        vec![vec![Some("5".into())]]
    );
}

#[test]
fn portal_row_limits_suspend_and_resume() {
    let mut h = Harness::connected();
    h.query("create table r (n integer); insert into r values (1), (2), (3), (4), (5)");
    h.send(&[
        parse("", "select n from r order by n", &[]),
        bind("p", "", &[], &[], &[]),
        execute("p", 2),
        execute("p", 2),
        execute("p", 2),
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    let shape: Vec<String> = msgs
        .iter()
        .map(|m| match m {
            BackendMessage::DataRow(v) => text(&v[0]).unwrap(),
            BackendMessage::PortalSuspended => "suspended".into(),
            BackendMessage::CommandComplete(t) => t.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            "ParseComplete",
            "BindComplete",
            "1",
            "2",
            "suspended",
            "3",
            "4",
            "suspended",
            "5",
            "SELECT 1",
            "ReadyForQuery(73)"
        ]
    );
}

#[test]
fn named_portals_interleave_and_close() {
    let mut h = Harness::connected();
    h.query("create table np (n integer); insert into np values (1), (2), (3)");
    h.send(&[
        parse("q", "select n from np where n > $1 order by n", &[]),
        bind("a", "q", &[], &[Some(b"0")], &[]),
        bind("b", "q", &[], &[Some(b"1")], &[]),
        execute("a", 1),
        execute("b", 0),
        execute("a", 0),
        FrontendMessage::Close {
            target: Target::Portal,
            name: "a".into(),
        },
        FrontendMessage::Close {
            target: Target::Statement,
            name: "q".into(),
        },
        FrontendMessage::Close {
            target: Target::Statement,
            name: "never-existed".into(),
        },
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    assert_eq!(
        rows(&msgs),
        vec![
            vec![Some("1".into())],
            vec![Some("2".into())],
            vec![Some("3".into())],
            vec![Some("2".into())],
            vec![Some("3".into())]
        ]
    );
    assert_eq!(tags(&msgs), vec!["SELECT 2", "SELECT 2"]);
    assert_eq!(
        msgs.iter()
            .filter(|m| **m == BackendMessage::CloseComplete)
            .count(),
        3
    );
    h.send(&[
        bind("", "q", &[], &[Some(b"0")], &[]),
        FrontendMessage::Sync,
    ]);
    assert_eq!(
        errors(&h.until_ready()),
        vec![spi::sqlstate::INVALID_SQL_STATEMENT_NAME]
    );
}

#[test]
fn binary_parameters_and_results() {
    let mut h = Harness::connected();
    h.query(
        "create table b (i2 smallint, i4 integer, i8 bigint, f8 double precision, t text, \
         flag boolean, raw bytea, amount numeric)",
    );
    h.send(&[
        parse(
            "ins",
            "insert into b values ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[21, 23, 20, 701, 25, 16, 17, 1700],
        ),
        bind(
            "",
            "ins",
            &[1],
            &[
                Some(&7i16.to_be_bytes()),
                Some(&(-8i32).to_be_bytes()),
                Some(&9_000_000_000i64.to_be_bytes()),
                Some(&2.5f64.to_be_bytes()),
                Some("héllo".as_bytes()),
                Some(&[1]),
                Some(&[0, 1, 255]),
                Some(&[0, 2, 0, 0, 0, 0, 0, 2, 0, 12, 0x13, 0x88]), // 12.50
            ],
            &[],
        ),
        execute("", 0),
        parse(
            "sel",
            "select i2, i4, i8, f8, t, flag, raw, amount from b",
            &[],
        ),
        bind("", "sel", &[], &[], &[1]),
        execute("", 0),
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    assert!(errors(&msgs).is_empty(), "{msgs:?}");
    let row = msgs
        .iter()
        .find_map(|m| match m {
            BackendMessage::DataRow(v) => Some(v.clone()),
            _ => None,
        })
        .unwrap();
    let col = |i: usize| row[i].as_ref().unwrap().to_vec();
    assert_eq!(col(0), 7i16.to_be_bytes());
    assert_eq!(col(1), (-8i32).to_be_bytes());
    assert_eq!(col(2), 9_000_000_000i64.to_be_bytes());
    assert_eq!(col(3), 2.5f64.to_be_bytes());
    assert_eq!(col(4), "héllo".as_bytes());
    assert_eq!(col(5), vec![1]);
    assert_eq!(col(6), vec![0, 1, 255]);
    assert_eq!(
        sql::types::numbers::numeric_recv(&col(7), -1).unwrap(),
        sql::Value::Text("12.50".into())
    );
    let text_rows = rows(&h.query("select i4, flag, raw from b"));
    assert_eq!(
        text_rows,
        vec![vec![
            Some("-8".into()),
            Some("t".into()),
            Some("\\x0001ff".into())
        ]]
    );
}

#[test]
fn errors_skip_until_sync() {
    let mut h = Harness::connected();
    h.send(&[
        bind("", "missing", &[], &[], &[]),
        execute("", 0),
        FrontendMessage::Query("select 1".into()),
        FrontendMessage::Sync,
        parse("", "select 2", &[]),
        bind("", "", &[], &[], &[]),
        execute("", 0),
        FrontendMessage::Sync,
    ]);
    let first = h.until_ready();
    assert_eq!(
        errors(&first),
        vec![spi::sqlstate::INVALID_SQL_STATEMENT_NAME]
    );
    assert_eq!(first.len(), 2, "{first:?}");
    let second = h.until_ready();
    assert_eq!(rows(&second), vec![vec![Some("2".into())]]);
}

#[test]
fn bind_mismatches_are_errors_not_fatal() {
    let mut h = Harness::connected();
    for (msg, state) in [
        (
            bind("", "s", &[], &[], &[]),
            spi::sqlstate::PROTOCOL_VIOLATION,
        ), // wrong parameter count
        (
            bind("", "s", &[0, 0], &[Some(b"1")], &[]),
            spi::sqlstate::PROTOCOL_VIOLATION,
        ), // format count
        (
            bind("", "s", &[3], &[Some(b"1")], &[]),
            spi::sqlstate::INVALID_PARAMETER_VALUE,
        ), // format code
        (
            bind("", "s", &[], &[Some(b"x")], &[]),
            spi::sqlstate::INVALID_TEXT_REPRESENTATION,
        ), // bad integer text
        (
            bind("", "s", &[1], &[Some(&[1, 2])], &[]),
            spi::sqlstate::INVALID_BINARY_REPRESENTATION,
        ), // bad integer binary
        (
            bind("", "s", &[], &[Some(b"1")], &[0, 1]),
            spi::sqlstate::PROTOCOL_VIOLATION,
        ), // result format count
    ] {
        h.send(&[
            parse("s", "select $1::integer + 1", &[23]),
            msg,
            FrontendMessage::Sync,
        ]);
        let msgs = h.until_ready();
        assert_eq!(errors(&msgs), vec![state.to_string()], "{msgs:?}");
        h.send(&[
            FrontendMessage::Close {
                target: Target::Statement,
                name: "s".into(),
            },
            FrontendMessage::Sync,
        ]);
        h.until_ready();
    }
    h.send(&[
        parse("d", "select 1", &[]),
        parse("d", "select 1", &[]),
        FrontendMessage::Sync,
    ]);
    assert_eq!(
        errors(&h.until_ready()),
        vec![spi::sqlstate::DUPLICATE_PREPARED_STATEMENT]
    );
    h.send(&[parse("", "select 1; select 2", &[]), FrontendMessage::Sync]);
    assert_eq!(errors(&h.until_ready()), vec![spi::sqlstate::SYNTAX_ERROR]);
    h.send(&[execute("nope", 0), FrontendMessage::Sync]);
    assert_eq!(
        errors(&h.until_ready()),
        vec![spi::sqlstate::INVALID_CURSOR_NAME]
    );
    assert_eq!(rows(&h.query("select 7")), vec![vec![Some("7".into())]]);
}

#[test]
fn a_bind_error_inside_a_transaction_block_aborts_it() {
    let mut h = Harness::connected();
    assert_eq!(status(&h.query("begin")), b'T');
    h.send(&[
        parse("s", "select $1::integer + 1", &[23]),
        bind("", "s", &[], &[Some(b"x")], &[]),
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    assert_eq!(
        errors(&msgs),
        vec![spi::sqlstate::INVALID_TEXT_REPRESENTATION.to_string()],
        "{msgs:?}"
    );
    assert_eq!(
        status(&msgs),
        b'E',
        "the block is aborted, as in PostgreSQL"
    );
    let msgs = h.query("select 1");
    assert_eq!(
        errors(&msgs),
        vec![spi::sqlstate::IN_FAILED_SQL_TRANSACTION.to_string()],
        "{msgs:?}"
    );
    assert_eq!(status(&h.query("rollback")), b'I');
}

#[test]
fn flush_sends_without_sync() {
    let mut h = Harness::connected();
    h.send(&[parse("", "select 1", &[]), FrontendMessage::Flush]);
    assert_eq!(h.recv(), Some(BackendMessage::ParseComplete));
    h.send(&[FrontendMessage::Sync]);
    assert_eq!(h.recv(), Some(BackendMessage::ReadyForQuery(b'I')));
}

#[test]
fn empty_extended_query_and_re_execution() {
    let mut h = Harness::connected();
    h.send(&[
        parse("", "", &[]),
        bind("", "", &[], &[], &[]),
        FrontendMessage::Describe {
            target: Target::Portal,
            name: "".into(),
        },
        execute("", 0),
        parse("", "select 1", &[]),
        bind("", "", &[], &[], &[]),
        execute("", 0),
        execute("", 0),
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    assert!(msgs.contains(&BackendMessage::NoData), "{msgs:?}");
    assert!(
        msgs.contains(&BackendMessage::EmptyQueryResponse),
        "{msgs:?}"
    );
    assert_eq!(tags(&msgs), vec!["SELECT 1", "SELECT 0"]);
}

#[test]
fn extended_transaction_status_and_portals_end_with_their_transaction() {
    let mut h = Harness::connected();
    h.send(&[
        parse("", "begin", &[]),
        bind("", "", &[], &[], &[]),
        execute("", 0),
        FrontendMessage::Sync,
    ]);
    assert_eq!(status(&h.until_ready()), b'T');
    h.send(&[
        parse("s", "select 1", &[]),
        bind("p", "s", &[], &[], &[]),
        FrontendMessage::Sync,
    ]);
    assert_eq!(status(&h.until_ready()), b'T');
    h.send(&[execute("p", 0), FrontendMessage::Sync]);
    assert_eq!(rows(&h.until_ready()), vec![vec![Some("1".into())]]);
    h.query("commit");
    h.send(&[execute("p", 0), FrontendMessage::Sync]);
    assert_eq!(
        errors(&h.until_ready()),
        vec![spi::sqlstate::INVALID_CURSOR_NAME],
        "the portal ended with its transaction"
    );
}

// ---------------------------------------------------------------- malformed input

#[test]
fn malformed_messages_are_fatal_protocol_violations() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("unknown type byte", b"Z\0\0\0\x04".to_vec()),
        ("length below 4", b"Q\0\0\0\x03".to_vec()),
        ("length over 1 GiB", b"Q\x40\0\0\x01".to_vec()),
        ("bad UTF-8", b"Q\0\0\0\x07\xff\xfeab\0".to_vec()),
        ("unterminated query", b"Q\0\0\0\x06ab".to_vec()),
        (
            "truncated Bind",
            b"B\0\0\0\x0c\0\0\0\0\0\x01\0\0\0\x09".to_vec(),
        ),
        ("bytes after Sync", b"S\0\0\0\x05x".to_vec()),
        ("bad Describe subtype", b"D\0\0\0\x06Xa\0".to_vec()),
        (
            "second startup packet",
            b"\0\0\0\x08\x04\xd2\x16\x2f".to_vec(),
        ),
        ("password message", b"p\0\0\0\x05\0".to_vec()),
    ];
    for (what, bytes) in cases {
        let mut h = Harness::connected();
        h.send_raw(&bytes);
        let fatal = h.expect_fatal(spi::sqlstate::PROTOCOL_VIOLATION);
        assert!(matches!(fatal, BackendMessage::ErrorResponse(_)), "{what}");
    }
}

#[test]
fn eof_inside_a_message_is_fatal() {
    let mut h = Harness::connected();
    h.send_raw(b"Q\0\0\0\x20sel");
    h.client.shutdown(std::net::Shutdown::Write).unwrap();
    h.expect_fatal(spi::sqlstate::PROTOCOL_VIOLATION);
}

// ---------------------------------------------------------------- a real driver

/// A tiny postmaster stand-in: accepts on a Unix socket in `dir` and runs each connection's
/// `run_backend` in a thread (no fork in unit tests).
fn serve_unix_socket(dir: &std::path::Path, data_dir: std::path::PathBuf, port: u16) {
    let listener =
        std::os::unix::net::UnixListener::bind(dir.join(format!(".s.PGSQL.{port}"))).unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { break };
            let cfg = BackendConfig {
                data_dir: data_dir.clone(),
                can_accept: CanAccept::Ok,
                remote: "[local]".into(),
                peer: None,
            };
            std::thread::spawn(move || {
                let mut hooks = TestHooks {
                    seen: Arc::default(),
                    refuse: None,
                };
                run_backend(stream, &cfg, &mut hooks)
            });
        }
    });
}

#[test]
fn the_postgres_crate_speaks_to_us() {
    let _serial = serial();
    let data = tempfile::tempdir().unwrap();
    spi::init_data_dir(data.path()).unwrap();
    spi::roles::add_login_role(data.path(), "u", true).unwrap();
    let sock = tempfile::tempdir().unwrap();
    serve_unix_socket(sock.path(), data.path().to_owned(), 5999);
    let mut client = postgres::Config::new()
        .host_path(sock.path())
        .port(5999)
        .user("u")
        .dbname("postgres")
        .connect(postgres::NoTls)
        .unwrap();

    client
        .batch_execute(
            "create table pc (id integer primary key, name text, score double precision); \
             insert into pc values (1, 'one', 1.5), (2, 'two', 2.5), (3, 'three', null)",
        )
        .unwrap();
    let msgs = client
        .simple_query("select name from pc order by id")
        .unwrap();
    let names: Vec<String> = msgs
        .iter()
        .filter_map(|m| match m {
            postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
            _ => None,
        })
        .collect();
    assert_eq!(names, ["one", "two", "three"]);

    let row = client
        .query_one("select ($1::integer + 1)::integer", &[&41i32])
        .unwrap();
    assert_eq!(row.get::<_, i32>(0), 42);
    let count: i64 = client
        .query_one("select count(*) from pc", &[])
        .unwrap()
        .get(0);
    assert_eq!(count, 3);
    let row = client
        .query_one("select id, name, score from pc where id = $1", &[&2i32])
        .unwrap();
    assert_eq!(row.get::<_, i32>(0), 2);
    assert_eq!(row.get::<_, String>(1), "two");
    assert_eq!(row.get::<_, Option<f64>>(2), Some(2.5));

    let stmt = client.prepare("select name from pc where id = $1").unwrap();
    for (id, name) in [(1i32, "one"), (3, "three")] {
        assert_eq!(
            client.query_one(&stmt, &[&id]).unwrap().get::<_, String>(0),
            name
        );
    }

    let mut tx = client.transaction().unwrap();
    // Parameter types given by the client (Parse with OIDs).
    use postgres::types::Type;
    let insert = tx
        .prepare_typed(
            "insert into pc (id, name, score) values ($1, $2, $3)",
            &[Type::INT4, Type::TEXT, Type::FLOAT8],
        )
        .unwrap();
    tx.execute(&insert, &[&4i32, &"four", &4.5f64]).unwrap();
    tx.rollback().unwrap();
    let mut tx = client.transaction().unwrap();
    // Parameter types inferred by the server from casts.
    tx.execute(
        "insert into pc values ($1::integer, $2::text, $3::float8)",
        &[&5i32, &"five", &Option::<f64>::None],
    )
    .unwrap();
    tx.commit().unwrap();
    let ids: Vec<i32> = client
        .query("select id from pc order by id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(ids, [1, 2, 3, 5]);

    let err = client.query("select * from nope", &[]).unwrap_err();
    assert_eq!(
        err.code().map(|c| c.code()),
        Some(spi::sqlstate::UNDEFINED_TABLE)
    );
    assert_eq!(
        client
            .query_one("select 1::integer", &[])
            .unwrap()
            .get::<_, i32>(0),
        1
    );
}

/// The real `psql` binary, where installed (Debian's `/usr/bin/psql` is a slow Perl wrapper).
fn psql_binary() -> Option<std::path::PathBuf> {
    let mut found: Vec<_> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("bin/psql"))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    found.pop()
}

#[test]
fn psql_speaks_to_us_when_installed() {
    let Some(psql) = psql_binary() else {
        eprintln!("psql not installed: skipped");
        return;
    };
    let _serial = serial();
    let data = tempfile::tempdir().unwrap();
    spi::init_data_dir(data.path()).unwrap();
    spi::roles::add_login_role(data.path(), "u", true).unwrap();
    let sock = tempfile::tempdir().unwrap();
    serve_unix_socket(sock.path(), data.path().to_owned(), 5998);
    let out = std::process::Command::new(psql)
        .args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h"])
        .arg(sock.path())
        .args(["-p", "5998", "-U", "u", "-d", "postgres"])
        .args(["-c", "create table ps (a integer, b text)"])
        .args(["-c", "insert into ps values (1, 'x'), (2, null)"])
        .args(["-c", "select a, b from ps order by a"])
        .args(["-c", "select count(*) from ps; select 'two'"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout, "CREATE TABLE\nINSERT 0 2\n1|x\n2|\n2\ntwo\n");
    assert!(!stderr.contains("WARNING"), "{stderr}");
}

// ---------------------------------------------------------------- garbage never panics

/// A small deterministic generator (xorshift) so failures reproduce.
struct Garbage(u64);

impl Garbage {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Bytes that often look like messages: a known type byte, a plausible length, random body.
    fn message(&mut self) -> Vec<u8> {
        let types = crate::protocol::framing::FRONTEND_MESSAGE_TYPES;
        let tag = if self.next().is_multiple_of(8) {
            self.next() as u8
        } else {
            types[self.next() as usize % types.len()]
        };
        let body_len = (self.next() % 40) as usize;
        let declared = match self.next() % 6 {
            0 => self.next() as i32,
            1 => body_len as i32 + 3,
            _ => body_len as i32 + 4,
        };
        let mut out = vec![tag];
        out.extend_from_slice(&declared.to_be_bytes());
        for _ in 0..body_len {
            let b = match self.next() % 4 {
                0 => 0,
                1 => b'a',
                _ => self.next() as u8,
            };
            out.push(b);
        }
        out
    }
}

#[test]
fn random_bytes_never_panic_the_decoder() {
    let mut g = Garbage(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let mut buf = BytesMut::from(&g.message()[..]);
        while let Ok(Some((tag, body))) = crate::protocol::framing::try_frame(&mut buf) {
            let _ = frontend::decode(tag, body);
        }
        let mut buf = BytesMut::from(&g.message()[1..]);
        if let Ok(Some(body)) = crate::protocol::framing::try_startup_frame(&mut buf) {
            let _ = frontend::decode_startup(body);
        }
    }
}

#[test]
fn random_messages_never_panic_a_session() {
    let mut g = Garbage(0x2545_f491_4f6c_dd1d);
    for _ in 0..25 {
        let mut h = Harness::connected();
        for _ in 0..(g.next() % 6 + 1) {
            let m = g.message();
            h.send_raw(&m);
        }
        h.client.shutdown(std::net::Shutdown::Write).unwrap();
        while h.recv().is_some() {}
        let code = h.exit_code();
        assert!(code == 0 || code == 1, "exit code {code}");
    }
}

// ---------------------------------------------------------------- COPY

#[test]
fn copy_in_and_out_over_a_simple_query() {
    let mut h = Harness::connected();
    h.query("create table c (a integer, b text)");
    h.send(&[FrontendMessage::Query(
        "copy c from stdin; copy c to stdout (format csv)".into(),
    )]);
    assert_eq!(h.recv(), Some(BackendMessage::CopyInResponse(0, 2)));
    h.send(&[
        FrontendMessage::CopyData(Bytes::from_static(b"1\tone\n2\t")),
        FrontendMessage::Flush,
        FrontendMessage::CopyData(Bytes::from_static(b"\\N\n")),
        FrontendMessage::CopyDone,
    ]);
    let msgs = h.until_ready();
    assert_eq!(
        msgs,
        vec![
            BackendMessage::CommandComplete("COPY 2".into()),
            BackendMessage::CopyOutResponse(0, 2),
            BackendMessage::CopyData(Bytes::from_static(b"1,one\n")),
            BackendMessage::CopyData(Bytes::from_static(b"2,\n")),
            BackendMessage::CopyDone,
            BackendMessage::CommandComplete("COPY 2".into()),
            BackendMessage::ReadyForQuery(b'I'),
        ]
    );
}

#[test]
fn copy_fail_and_bad_data_load_nothing_and_later_copy_data_is_ignored() {
    let mut h = Harness::connected();
    h.query("create table c (a integer)");
    h.send(&[FrontendMessage::Query("copy c from stdin".into())]);
    assert_eq!(h.recv(), Some(BackendMessage::CopyInResponse(0, 1)));
    h.send(&[
        FrontendMessage::CopyData(Bytes::from_static(b"1\n")),
        FrontendMessage::CopyFail("enough".into()),
    ]);
    let msgs = h.until_ready();
    match &msgs[0] {
        BackendMessage::ErrorResponse(e) => {
            assert_eq!(
                (e.sqlstate.as_str(), e.message.as_str()),
                (
                    spi::sqlstate::QUERY_CANCELED,
                    "COPY from stdin failed: enough"
                )
            );
        }
        other => panic!("{other:?}"),
    }
    h.send(&[FrontendMessage::Query("copy c from stdin".into())]);
    assert_eq!(h.recv(), Some(BackendMessage::CopyInResponse(0, 1)));
    h.send(&[FrontendMessage::CopyData(Bytes::from_static(b"2\nnope\n"))]);
    let msgs = h.until_ready();
    match &msgs[0] {
        BackendMessage::ErrorResponse(e) => {
            assert_eq!(e.sqlstate, spi::sqlstate::INVALID_TEXT_REPRESENTATION);
            assert_eq!(
                e.where_.as_deref(),
                Some("COPY c, line 2, column a: \"nope\"")
            );
        }
        other => panic!("{other:?}"),
    }
    // The client's remaining COPY messages arrive after the error: ignored.
    h.send(&[
        FrontendMessage::CopyData(Bytes::from_static(b"3\n")),
        FrontendMessage::CopyDone,
    ]);
    let msgs = h.query("select count(*) from c");
    assert_eq!(rows(&msgs), vec![vec![Some("0".into())]]);
}

#[test]
fn copy_through_the_extended_protocol_ignores_sync_while_reading() {
    let mut h = Harness::connected();
    h.query("create table c (a integer, b text)");
    // libpq's way: Sync right after Execute, before the data.
    h.send(&[
        parse("", "copy c from stdin (format csv)", &[]),
        bind("", "", &[], &[], &[]),
        FrontendMessage::Describe {
            target: Target::Portal,
            name: String::new(),
        },
        execute("", 1),
        FrontendMessage::Sync,
    ]);
    assert_eq!(h.recv(), Some(BackendMessage::ParseComplete));
    assert_eq!(h.recv(), Some(BackendMessage::BindComplete));
    assert_eq!(h.recv(), Some(BackendMessage::NoData));
    assert_eq!(h.recv(), Some(BackendMessage::CopyInResponse(0, 2)));
    h.send(&[
        FrontendMessage::CopyData(Bytes::from_static(b"1,\"a,b\"\n2,\n")),
        FrontendMessage::CopyDone,
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    assert_eq!(tags(&msgs), vec!["COPY 2"]);
    h.send(&[
        parse("", "copy c to stdout", &[]),
        bind("", "", &[], &[], &[]),
        execute("", 0),
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    let data: Vec<Bytes> = msgs
        .iter()
        .filter_map(|m| match m {
            BackendMessage::CopyData(d) => Some(d.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        data,
        vec![
            Bytes::from_static(b"1\ta,b\n"),
            Bytes::from_static(b"2\t\\N\n")
        ]
    );
    assert_eq!(tags(&msgs), vec!["COPY 2"]);
}

// ---------------------------------------------------------------- hostile clients

/// A pipelined insert, then an Execute that fails, then Sync: nothing is kept; the next Sync
/// starts over, and a pipeline whose every statement succeeds commits at Sync.
#[test]
fn a_pipeline_is_one_transaction_until_sync() {
    let mut h = Harness::connected();
    h.query("create table p (a int)");
    h.send(&[
        parse("ins", "insert into p values ($1)", &[23]),
        bind("", "ins", &[], &[Some(b"1")], &[]),
        execute("", 0),
        bind("", "ins", &[], &[Some(b"2")], &[]),
        execute("", 0),
        parse("", "select 1/0", &[]),
        bind("", "", &[], &[], &[]),
        execute("", 0),
        // Skipped until Sync.
        bind("", "ins", &[], &[Some(b"3")], &[]),
        execute("", 0),
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    assert_eq!(tags(&msgs), vec!["INSERT 0 1", "INSERT 0 1"]);
    assert_eq!(errors(&msgs), vec!["22012"]);
    assert_eq!(status(&msgs), b'I');
    assert_eq!(
        rows(&h.query("select count(*) from p")),
        vec![vec![Some("0".into())]]
    );
    h.send(&[
        bind("", "ins", &[], &[Some(b"1")], &[]),
        execute("", 0),
        bind("", "ins", &[], &[Some(b"2")], &[]),
        execute("", 0),
        FrontendMessage::Sync,
    ]);
    assert_eq!(status(&h.until_ready()), b'I');
    assert_eq!(
        rows(&h.query("select count(*) from p")),
        vec![vec![Some("2".into())]]
    );
}

/// Portals page through one open statement: PortalSuspended after each limit, the tag of
/// the last Execute counting its own rows, and Sync closing what is left.
#[test]
fn a_suspended_portal_pages_through_its_statement() {
    let mut h = Harness::connected();
    h.send(&[
        parse("", "select n from generate_series(1, 5) n", &[]),
        bind("c", "", &[], &[], &[]),
        execute("c", 2),
        execute("c", 2),
        execute("c", 2),
        execute("c", 2),
        FrontendMessage::Sync,
    ]);
    let msgs = h.until_ready();
    let suspended = msgs
        .iter()
        .filter(|m| matches!(m, BackendMessage::PortalSuspended))
        .count();
    assert_eq!(suspended, 2, "{msgs:?}");
    assert_eq!(
        rows(&msgs),
        (1..=5)
            .map(|n| vec![Some(n.to_string())])
            .collect::<Vec<_>>()
    );
    assert_eq!(tags(&msgs), vec!["SELECT 1", "SELECT 0"]);
    h.send(&[execute("c", 2), FrontendMessage::Sync]);
    assert_eq!(errors(&h.until_ready()), vec!["34000"]);
}

/// A client that stops reading a large result: its cancel ends the statement although the
/// backend cannot send; the rows not begun are dropped and the ERROR follows once the client
/// reads again; the session goes on.
#[test]
fn a_client_that_stops_reading_can_still_cancel_its_statement() {
    let mut h = Harness::connected();
    h.send(&[FrontendMessage::Query(
        "select n, repeat('x', 1000) from generate_series(1, 1000000) n".into(),
    )]);
    // Read about a megabyte, then stop.
    let mut got = 0usize;
    let mut chunk = [0u8; 65536];
    while got < 1 << 20 {
        got += h.client.read(&mut chunk).unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    spi::interrupt::request_cancel();
    std::thread::sleep(Duration::from_millis(300));
    // Read the rest (what was buffered, the rest of the row half sent, then the ERROR and
    // ReadyForQuery): a small part of the gigabyte the query would have sent.
    let mut tail = Vec::new();
    while !tail.ends_with(&[b'Z', 0, 0, 0, 5, b'I']) {
        let n = h.client.read(&mut chunk).unwrap();
        assert!(n > 0, "EOF before ReadyForQuery");
        tail.extend_from_slice(&chunk[..n]);
    }
    h.rbuf.clear();
    assert!(
        String::from_utf8_lossy(&tail).contains("canceling statement due to user request"),
        "no cancel error in the tail"
    );
    assert!(
        got + tail.len() < 64 << 20,
        "the statement ran on: {} bytes",
        got + tail.len()
    );
    assert_eq!(rows(&h.query("select 1")), vec![vec![Some("1".into())]]);
}

/// A Query over `max_message_size` (64 MB by default) is refused on its length word: ERROR
/// 54000 and ReadyForQuery, its body skipped as it arrives; the session goes on. Over the
/// protocol's 1 GiB it is still FATAL 08P01.
#[test]
fn a_message_over_max_message_size_is_an_error_and_its_body_is_skipped_unread() {
    let mut h = Harness::connected();
    let len: usize = 65 << 20;
    let mut writer = h.client.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let mut head = vec![b'Q'];
        head.extend_from_slice(&u32::try_from(len).unwrap().to_be_bytes());
        writer.write_all(&head).unwrap();
        let chunk = vec![b' '; 1 << 20];
        let mut left = len - 4;
        while left > 0 {
            let n = left.min(chunk.len());
            let last = left == n;
            if last {
                // A NUL-terminated query string, were it read.
                writer.write_all(&chunk[..n - 1]).unwrap();
                writer.write_all(&[0]).unwrap();
            } else {
                writer.write_all(&chunk[..n]).unwrap();
            }
            left -= n;
        }
    });
    let msgs = h.until_ready();
    assert_eq!(errors(&msgs), vec!["54000"], "{msgs:?}");
    assert_eq!(status(&msgs), b'I');
    sender.join().unwrap();
    assert_eq!(rows(&h.query("select 1")), vec![vec![Some("1".into())]]);
}
