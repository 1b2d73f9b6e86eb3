//! Behaviour of a whole registry: precedence, placeholders, reload, sessions, SHOW. Each test owns
//! a `Registry` with private handles, so tests running in parallel never share state; only
//! `global_api_*` touches the process-global registry, and only through names no other test uses.

use std::path::{Path, PathBuf};

use crate::builtin;
use crate::{
    BoolSetting, EnumSetting, GucBool, GucContext, GucError, GucInt, GucReal, GucSource, GucString,
    GucUnit, IntSetting, RealSetting, Registry, StringSetting,
};

fn registry() -> Registry {
    Registry::with_builtins()
}

fn leak_int(v: i64) -> &'static GucInt {
    Box::leak(Box::new(GucInt::new(v)))
}

/// `worker_spi.naptime`, 1 to 100 seconds, reloadable, backed by `handle`.
fn naptime_1_to_100(handle: &'static GucInt) -> IntSetting {
    IntSetting::new("worker_spi.naptime", handle)
        .range(1, 100)
        .unit(GucUnit::S)
        .reloadable()
}

fn leak_string(v: &'static str) -> &'static GucString {
    Box::leak(Box::new(GucString::new(v)))
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// A temporary directory holding `minipg.conf` with `text`.
struct Conf {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Conf {
    fn new(text: &str) -> Conf {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let path = dir.path().join("minipg.conf");
        let conf = Conf { _dir: dir, path };
        conf.write(text);
        conf
    }

    fn write(&self, text: &str) {
        std::fs::write(&self.path, text).unwrap_or_else(|e| panic!("write conf: {e}"));
    }

    fn path(&self) -> &Path {
        &self.path
    }
}

fn show(registry: &Registry, name: &str) -> String {
    registry
        .show(name)
        .unwrap_or_else(|e| panic!("SHOW {name}: {e}"))
}

fn load(registry: &mut Registry, conf: Option<&Conf>, env: &[(&str, &str)], cl: &[(&str, &str)]) {
    registry
        .load_startup(conf.map(Conf::path), &pairs(env), &pairs(cl))
        .unwrap_or_else(|e| panic!("load_startup: {e}"));
}

fn load_err(registry: &mut Registry, conf: Option<&Conf>, cl: &[(&str, &str)]) -> GucError {
    match registry.load_startup(conf.map(Conf::path), &[], &pairs(cl)) {
        Ok(()) => panic!("load_startup succeeded"),
        Err(e) => e,
    }
}

#[test]
fn builtins_show_their_defaults_as_postgresql_prints_them() {
    let r = registry();
    let expected = [
        ("port", "5432"),
        ("listen_addresses", "localhost"),
        ("unix_socket_directories", "/tmp"),
        ("max_connections", "100"),
        ("autovacuum", "on"),
        ("autovacuum_max_workers", "3"),
        ("autovacuum_naptime", "1min"),
        ("autovacuum_wal_threshold", "4MB"),
        ("autovacuum_vacuum_threshold", "1000"),
        ("shared_preload_libraries", ""),
        ("restart_after_crash", "on"),
        ("synchronous_commit", "on"),
        ("statement_timeout", "0"),
        ("idle_in_transaction_session_timeout", "1min"),
        ("idle_write_lock_timeout", "10s"),
        ("max_message_size", "64MB"),
        ("authentication_timeout", "1min"),
        ("startup_check", "off"),
        ("log_min_messages", "warning"),
        ("application_name", ""),
        ("client_encoding", "UTF8"),
        ("DateStyle", "ISO, MDY"),
        ("TimeZone", "UTC"),
        ("IntervalStyle", "postgres"),
        ("extra_float_digits", "1"),
        ("search_path", "\"$user\", public"),
        ("password_encryption", "scram-sha-256"),
        ("standard_conforming_strings", "on"),
        ("integer_datetimes", "on"),
        ("server_version_num", "150000"),
        ("server_encoding", "UTF8"),
    ];
    for (name, value) in expected {
        assert_eq!(show(&r, name), value, "{name}");
        assert_eq!(r.source(name).ok(), Some(GucSource::Default), "{name}");
    }
    assert!(show(&r, "server_version").starts_with("15.0 (minipg "));
}

#[test]
fn builtins_have_postgresql_contexts() {
    let r = registry();
    use GucContext::{Postmaster, Sighup, User};
    let expected = [
        ("port", Postmaster),
        ("listen_addresses", Postmaster),
        ("unix_socket_directories", Postmaster),
        ("max_connections", Postmaster),
        ("autovacuum_max_workers", Postmaster),
        ("shared_preload_libraries", Postmaster),
        ("log_min_messages", Sighup),
        ("autovacuum", Sighup),
        ("autovacuum_naptime", Sighup),
        ("autovacuum_wal_threshold", Sighup),
        ("autovacuum_vacuum_threshold", Sighup),
        ("restart_after_crash", Sighup),
        ("authentication_timeout", Sighup),
        ("idle_write_lock_timeout", Sighup),
        ("max_message_size", Sighup),
        ("startup_check", Sighup),
        ("statement_timeout", User),
        ("idle_in_transaction_session_timeout", User),
        ("synchronous_commit", User),
        ("application_name", User),
        ("client_encoding", User),
        ("datestyle", User),
        ("timezone", User),
        ("extra_float_digits", User),
        ("search_path", User),
    ];
    for (name, context) in expected {
        assert_eq!(r.context(name).ok(), Some(context), "{name}");
    }
}

#[test]
fn static_handles_start_at_their_definitions_defaults() {
    // Unit tests never change the global built-ins, so the statics hold their const values.
    let r = registry();
    let ints: [(&GucInt, &str); 12] = [
        (&builtin::PORT, "port"),
        (&builtin::MAX_CONNECTIONS, "max_connections"),
        (&builtin::AUTOVACUUM_MAX_WORKERS, "autovacuum_max_workers"),
        (&builtin::AUTOVACUUM_NAPTIME, "autovacuum_naptime"),
        (
            &builtin::AUTOVACUUM_WAL_THRESHOLD,
            "autovacuum_wal_threshold",
        ),
        (
            &builtin::AUTOVACUUM_VACUUM_THRESHOLD,
            "autovacuum_vacuum_threshold",
        ),
        (&builtin::STATEMENT_TIMEOUT, "statement_timeout"),
        (
            &builtin::IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
            "idle_in_transaction_session_timeout",
        ),
        (&builtin::AUTHENTICATION_TIMEOUT, "authentication_timeout"),
        (&builtin::IDLE_WRITE_LOCK_TIMEOUT, "idle_write_lock_timeout"),
        (&builtin::MAX_MESSAGE_SIZE, "max_message_size"),
        (&builtin::EXTRA_FLOAT_DIGITS, "extra_float_digits"),
    ];
    for (handle, name) in ints {
        let unit = r.settings[name].unit();
        assert_eq!(
            crate::unit::format_int(handle.get(), unit),
            show(&r, name),
            "{name}"
        );
    }
    let bools: [(&GucBool, &str); 7] = [
        (&builtin::AUTOVACUUM, "autovacuum"),
        (&builtin::RESTART_AFTER_CRASH, "restart_after_crash"),
        (&builtin::SYNCHRONOUS_COMMIT, "synchronous_commit"),
        (&builtin::STARTUP_CHECK, "startup_check"),
        (
            &builtin::STANDARD_CONFORMING_STRINGS,
            "standard_conforming_strings",
        ),
        (&builtin::INTEGER_DATETIMES, "integer_datetimes"),
        (&builtin::AUTOVACUUM, "autovacuum"),
    ];
    for (handle, name) in bools {
        let shown = if handle.get() { "on" } else { "off" };
        assert_eq!(shown, show(&r, name), "{name}");
    }
    let strings: [(&GucString, &str); 14] = [
        (&builtin::LISTEN_ADDRESSES, "listen_addresses"),
        (&builtin::UNIX_SOCKET_DIRECTORIES, "unix_socket_directories"),
        (
            &builtin::SHARED_PRELOAD_LIBRARIES,
            "shared_preload_libraries",
        ),
        (&builtin::LOG_MIN_MESSAGES, "log_min_messages"),
        (&builtin::APPLICATION_NAME, "application_name"),
        (&builtin::CLIENT_ENCODING, "client_encoding"),
        (&builtin::DATESTYLE, "datestyle"),
        (&builtin::TIMEZONE, "timezone"),
        (&builtin::INTERVALSTYLE, "intervalstyle"),
        (&builtin::SEARCH_PATH, "search_path"),
        (&builtin::PASSWORD_ENCRYPTION, "password_encryption"),
        (&builtin::SERVER_VERSION, "server_version"),
        (&builtin::SERVER_ENCODING, "server_encoding"),
        (&builtin::SERVER_ENCODING, "server_encoding"),
    ];
    for (handle, name) in strings {
        assert_eq!(handle.get(), show(&r, name), "{name}");
    }
    assert_eq!(builtin::SERVER_VERSION_NUM.get(), 150000);
}

#[test]
fn defining_the_builtins_again_changes_nothing() {
    let mut r = registry();
    let count = r.show_all().len();
    builtin::define_all(&mut r, true);
    assert_eq!(r.show_all().len(), count);
}

#[test]
fn precedence_is_default_environment_file_command_line() {
    let conf = Conf::new("port = 6001\n");
    let env = [("PGPORT", "6000"), ("HOME", "/root"), ("PGDATA", "/x")];

    let mut r = registry();
    load(&mut r, None, &env, &[]);
    assert_eq!(show(&r, "port"), "6000");
    assert_eq!(r.source("port").ok(), Some(GucSource::Environment));

    load(&mut r, Some(&conf), &env, &[]);
    assert_eq!(show(&r, "port"), "6001");
    assert_eq!(r.source("port").ok(), Some(GucSource::ConfigFile));

    load(&mut r, Some(&conf), &env, &[("port", "6002")]);
    assert_eq!(show(&r, "port"), "6002");
    assert_eq!(r.source("port").ok(), Some(GucSource::CommandLine));

    // Overrides apply in order; the last one wins.
    load(
        &mut r,
        Some(&conf),
        &env,
        &[("port", "6002"), ("PORT", "6003")],
    );
    assert_eq!(show(&r, "port"), "6003");

    // A new load replaces the previous layers.
    load(&mut r, None, &[], &[]);
    assert_eq!(show(&r, "port"), "5432");
    assert_eq!(r.source("port").ok(), Some(GucSource::Default));
}

#[test]
fn handles_follow_every_change() {
    let mut r = registry();
    let naptime = match r.settings["autovacuum_naptime"].kind {
        crate::setting::Kind::Int { handle, .. } => handle,
        _ => panic!("autovacuum_naptime is an integer"),
    };
    assert_eq!(naptime.get(), 60);
    let conf = Conf::new("autovacuum_naptime = 5min\n");
    load(&mut r, Some(&conf), &[], &[]);
    assert_eq!(naptime.get(), 300);
    conf.write("autovacuum_naptime = 10\n");
    r.reload(conf.path());
    assert_eq!(naptime.get(), 10);
    // The global static was never touched by this private registry.
    assert_eq!(builtin::AUTOVACUUM_NAPTIME.get(), 60);
}

#[test]
fn config_values_of_every_kind_parse() {
    let conf = Conf::new(
        "# every kind of value\n\
         autovacuum = 'off'\n\
         startup_check yes\n\
         restart_after_crash = 0\n\
         autovacuum_naptime = 1min\n\
         statement_timeout = '1.5s'\n\
         idle_in_transaction_session_timeout = 2h\n\
         autovacuum_wal_threshold = 64kB\n\
         max_connections = 20\n\
         Log_Min_Messages = DEBUG1\n\
         listen_addresses = '*'\n\
         application_name = 'it''s Mixed Case'\n\
         DATESTYLE = 'iso, dmy'\n\
         client_encoding = 'utf-8'\n\
         extra_float_digits = -3\n",
    );
    let mut r = registry();
    load(&mut r, Some(&conf), &[], &[]);
    for (name, value) in [
        ("autovacuum", "off"),
        ("startup_check", "on"),
        ("restart_after_crash", "off"),
        ("autovacuum_naptime", "1min"),
        ("statement_timeout", "1500ms"),
        ("idle_in_transaction_session_timeout", "2h"),
        ("autovacuum_wal_threshold", "64kB"),
        ("max_connections", "20"),
        ("log_min_messages", "debug1"),
        ("listen_addresses", "*"),
        ("application_name", "it's Mixed Case"),
        ("datestyle", "ISO, DMY"),
        ("client_encoding", "UTF8"),
        ("extra_float_digits", "-3"),
    ] {
        assert_eq!(show(&r, name), value, "{name}");
    }
}

#[test]
fn bad_values_at_start_stop_the_load_and_change_nothing() {
    let mut r = registry();

    let conf = Conf::new("max_connections = 20\nport = abc\n");
    let e = load_err(&mut r, Some(&conf), &[]);
    assert_eq!(
        e.to_string(),
        format!(
            "invalid value for parameter \"port\": \"abc\": An integer is required. \
             (in file \"{}\" line 2)",
            conf.path().display()
        )
    );
    assert_eq!(e.sqlstate(), "22023");
    assert_eq!(show(&r, "max_connections"), "100", "nothing applied");

    let e = load_err(&mut r, None, &[("statement_timeout", "10x")]);
    assert_eq!(
        e.to_string(),
        "invalid value for parameter \"statement_timeout\": \"10x\": Valid units for this \
         parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\"."
    );

    let e = load_err(&mut r, None, &[("port", "10kB")]);
    assert_eq!(
        e.to_string(),
        "invalid value for parameter \"port\": \"10kB\": This parameter takes an integer \
         without a unit."
    );

    let e = load_err(&mut r, None, &[("max_connections", "100000")]);
    assert_eq!(
        e.to_string(),
        "100000 is outside the valid range for parameter \"max_connections\" (1 .. 10000)"
    );
    assert_eq!(e.sqlstate(), "22023");

    let e = load_err(&mut r, None, &[("authentication_timeout", "20min")]);
    assert_eq!(
        e.to_string(),
        "1200 s is outside the valid range for parameter \"authentication_timeout\" (1 .. 600)"
    );

    let e = load_err(&mut r, None, &[("autovacuum", "maybe")]);
    assert!(e.to_string().starts_with(
        "invalid value for parameter \"autovacuum\": \"maybe\": A Boolean value is required"
    ));

    let e = load_err(&mut r, None, &[("log_min_messages", "loud")]);
    assert_eq!(
        e.to_string(),
        "invalid value for parameter \"log_min_messages\": \"loud\": Available values: debug5, \
         debug4, debug3, debug2, debug1, info, notice, warning, error, log, fatal, panic."
    );

    let e = r
        .load_startup(None, &pairs(&[("PGPORT", "x")]), &[])
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("invalid value for parameter \"port\": \"x\": An integer is required.")
    );

    let conf = Conf::new("no_such_setting = 1\n");
    let e = load_err(&mut r, Some(&conf), &[]);
    assert!(matches!(e.root(), GucError::Unrecognized { name } if name == "no_such_setting"));
    assert_eq!(e.sqlstate(), "42704");

    let e = load_err(&mut r, None, &[("server_version", "16")]);
    assert_eq!(
        e.to_string(),
        "parameter \"server_version\" cannot be changed"
    );
    assert_eq!(e.sqlstate(), "55P02");

    let e = load_err(&mut r, None, &[("bad..name", "1")]);
    assert_eq!(e.sqlstate(), "42602");

    let conf = Conf::new("port = = 1\n");
    let e = load_err(&mut r, Some(&conf), &[]);
    assert!(matches!(e, GucError::ConfigFileSyntax { line: 1, .. }));

    let missing = Path::new("/nonexistent/minipg.conf");
    let e = r.load_startup(Some(missing), &[], &[]).err();
    assert!(matches!(e, Some(GucError::ConfigFileIo { .. })));

    assert_eq!(show(&r, "port"), "5432");
    assert_eq!(r.source("port").ok(), Some(GucSource::Default));
}

#[test]
fn command_line_names_may_use_dashes() {
    let mut r = registry();
    load(&mut r, None, &[], &[("statement-timeout", "1s")]);
    assert_eq!(show(&r, "statement_timeout"), "1s");
}

#[test]
fn an_earlier_duplicate_in_the_file_is_ignored() {
    let conf = Conf::new("port = abc\nport = 7000\n");
    let mut r = registry();
    load(&mut r, Some(&conf), &[], &[]);
    assert_eq!(show(&r, "port"), "7000");
}

#[test]
fn placeholders_wait_for_their_definition() {
    let conf = Conf::new("worker_spi.naptime = 5\nworker_spi.database = 'other'\n");
    let mut r = registry();
    load(
        &mut r,
        Some(&conf),
        &[],
        &[("worker_spi.total_workers", "4")],
    );

    assert!(!r.is_defined("worker_spi.naptime"));
    assert_eq!(show(&r, "worker_spi.naptime"), "5");
    assert_eq!(
        r.source("worker_spi.total_workers").ok(),
        Some(GucSource::CommandLine)
    );
    assert!(
        !r.show_all()
            .iter()
            .any(|(n, _, _)| n.starts_with("worker_spi"))
    );

    let naptime = leak_int(1);
    IntSetting::new("worker_spi.naptime", naptime)
        .description("Duration between each check (in seconds).")
        .range(1, i64::from(i32::MAX))
        .unit(GucUnit::S)
        .reloadable()
        .define_in(&mut r)
        .unwrap_or_else(|e| panic!("define: {e}"));
    assert!(r.is_defined("worker_spi.naptime"));
    assert_eq!(naptime.get(), 5);
    assert_eq!(show(&r, "worker_spi.naptime"), "5s");
    assert_eq!(
        r.source("worker_spi.naptime").ok(),
        Some(GucSource::ConfigFile)
    );

    let workers = leak_int(2);
    IntSetting::new("worker_spi.total_workers", workers)
        .description("Number of workers.")
        .range(1, 100)
        .define_in(&mut r)
        .unwrap_or_else(|e| panic!("define: {e}"));
    assert_eq!(workers.get(), 4);

    let database = leak_string("");
    StringSetting::new("worker_spi.database", database)
        .description("Database to connect to.")
        .default_value("postgres")
        .define_in(&mut r)
        .unwrap_or_else(|e| panic!("define: {e}"));
    assert_eq!(database.get(), "other");
    assert!(
        r.show_all()
            .iter()
            .any(|(n, v, _)| n == "worker_spi.database" && v == "other")
    );

    // A setting nobody sets takes its default.
    let flag: &'static GucBool = Box::leak(Box::new(GucBool::new(true)));
    BoolSetting::new("worker_spi.verbose", flag)
        .description("Chatty.")
        .default_value(false)
        .user()
        .define_in(&mut r)
        .unwrap_or_else(|e| panic!("define: {e}"));
    assert!(!flag.get());

    let again = IntSetting::new("WORKER_SPI.naptime", leak_int(0))
        .default_value(1)
        .range(0, 10)
        .reloadable()
        .define_in(&mut r);
    assert!(matches!(again, Err(GucError::AlreadyDefined { .. })));
    assert_eq!(naptime.get(), 5, "a refused definition changes nothing");
}

#[test]
fn an_invalid_placeholder_value_is_an_error_from_define() {
    let conf = Conf::new("\nworker_spi.naptime = soon\n");
    let mut r = registry();
    load(&mut r, Some(&conf), &[], &[]);
    let naptime = leak_int(1);
    let e = naptime_1_to_100(naptime)
        .define_in(&mut r)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e,
        Some(format!(
            "invalid value for parameter \"worker_spi.naptime\": \"soon\": A number is required, \
             optionally followed by a unit. Valid units for this parameter are \"us\", \"ms\", \
             \"s\", \"min\", \"h\", and \"d\". (in file \"{}\" line 2)",
            conf.path().display()
        ))
    );
    assert!(!r.is_defined("worker_spi.naptime"));

    let mut r = registry();
    load(&mut r, None, &[], &[("worker_spi.naptime", "1000")]);
    let e = naptime_1_to_100(naptime).define_in(&mut r);
    assert!(matches!(e, Err(GucError::OutOfRange { .. })));
}

#[test]
fn definitions_are_checked() {
    let mut r = registry();
    let h = leak_int(0);
    let e = IntSetting::new("naptime", h)
        .range(0, 10)
        .user()
        .define_in(&mut r);
    assert!(matches!(e, Err(GucError::InvalidName { .. })));
    let e = IntSetting::new("a.b", h)
        .default_value(11)
        .range(0, 10)
        .user()
        .define_in(&mut r);
    assert!(matches!(e, Err(GucError::InvalidDefinition { .. })));
    let e = IntSetting::new("a.b", h)
        .range(10, 0)
        .user()
        .define_in(&mut r);
    assert!(matches!(e, Err(GucError::InvalidDefinition { .. })));
    let e = EnumSetting::new("a.b", leak_string(""), &["y", "z"])
        .default_value("x")
        .user()
        .define_in(&mut r);
    assert!(matches!(e, Err(GucError::InvalidDefinition { .. })));
    let real: &'static GucReal = Box::leak(Box::new(GucReal::new(0.0)));
    let e = RealSetting::new("a.b", real)
        .default_value(2.0)
        .range(0.0, 1.0)
        .user()
        .define_in(&mut r);
    assert!(matches!(e, Err(GucError::InvalidDefinition { .. })));
    let e = IntSetting::new("1a.b", h)
        .range(0, 10)
        .user()
        .define_in(&mut r);
    assert!(matches!(e, Err(GucError::InvalidName { .. })));
    assert!(!r.is_defined("a.b"));
}

#[test]
fn real_and_enum_settings() {
    let mut r = registry();
    let ratio: &'static GucReal = Box::leak(Box::new(GucReal::new(0.0)));
    RealSetting::new("m.ratio", ratio)
        .description("A ratio.")
        .default_value(0.2)
        .range(0.0, 1.0)
        .user()
        .define_in(&mut r)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ratio.get(), 0.2);
    assert_eq!(show(&r, "m.ratio"), "0.2");
    r.set_session("m.ratio", Some("0.75"), true)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ratio.get(), 0.75);
    let e = r
        .set_session("m.ratio", Some("1.5"), true)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        e.as_deref(),
        Some("1.5 is outside the valid range for parameter \"m.ratio\" (0 .. 1)")
    );
    assert!(r.set_session("m.ratio", Some("lots"), true).is_err());
    assert_eq!(ratio.get(), 0.75);

    let mode = leak_string("");
    EnumSetting::new("m.mode", mode, &["fast", "safe"])
        .description("A mode.")
        .default_value("Fast")
        .user()
        .define_in(&mut r)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(mode.get(), "fast");
    r.set_session("m.mode", Some("SAFE"), true)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(mode.get(), "safe");
    assert_eq!(show(&r, "M.MODE"), "safe");
}

#[test]
fn reserved_prefixes_turn_leftover_placeholders_into_errors() {
    let conf = Conf::new("worker_spi.naptime = 5\nworker_spi.naptyme = 6\nother.x = 1\n");
    let mut r = registry();
    load(&mut r, Some(&conf), &[], &[]);
    naptime_1_to_100(leak_int(1))
        .define_in(&mut r)
        .unwrap_or_else(|e| panic!("{e}"));
    let warnings = r.mark_prefix_reserved("worker_spi");
    assert_eq!(
        warnings,
        vec![
            "invalid configuration parameter name \"worker_spi.naptyme\", removing it: \
             \"worker_spi\" is now a reserved prefix"
                .to_string()
        ]
    );
    assert!(r.show("worker_spi.naptyme").is_err());
    assert_eq!(show(&r, "other.x"), "1");
    assert!(matches!(
        r.set_session("worker_spi.nope", Some("1"), true),
        Err(GucError::Unrecognized { .. })
    ));

    conf.write("worker_spi.naptime = 5\nworker_spi.naptyme = 6\n");
    let log = r.reload(conf.path());
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log[0].starts_with("unrecognized configuration parameter \"worker_spi.naptyme\""));
}

#[test]
fn reload_applies_changes_and_reports_them() {
    let conf =
        Conf::new("autovacuum_naptime = 30\nlog_min_messages = warning\nworker_spi.naptime = 1\n");
    let mut r = registry();
    load(&mut r, Some(&conf), &[], &[]);
    naptime_1_to_100(leak_int(1))
        .define_in(&mut r)
        .unwrap_or_else(|e| panic!("{e}"));

    // Unchanged file: nothing to say.
    assert_eq!(r.reload(conf.path()), Vec::<String>::new());

    conf.write(
        "autovacuum_naptime = 30s\nlog_min_messages = info\nworker_spi.naptime = 5\n\
         statement_timeout = 1min\n",
    );
    let log = r.reload(conf.path());
    assert_eq!(
        log,
        vec![
            "parameter \"log_min_messages\" changed to \"info\"",
            "parameter \"worker_spi.naptime\" changed to \"5\"",
            "parameter \"statement_timeout\" changed to \"1min\"",
        ]
    );
    assert_eq!(show(&r, "worker_spi.naptime"), "5s");
    assert_eq!(show(&r, "log_min_messages"), "info");
    assert_eq!(show(&r, "statement_timeout"), "1min");
}

#[test]
fn reload_keeps_the_old_value_of_a_bad_setting() {
    let conf = Conf::new("autovacuum_naptime = 30\nstartup_check = on\n");
    let mut r = registry();
    load(&mut r, Some(&conf), &[], &[]);
    conf.write("autovacuum_naptime = never\nstartup_check = off\nbogus = 1\n");
    let log = r.reload(conf.path());
    let path = conf.path().display();
    assert_eq!(
        log,
        vec![
            format!(
                "invalid value for parameter \"autovacuum_naptime\": \"never\": A number is \
                 required, optionally followed by a unit. Valid units for this parameter are \
                 \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\". (in file \"{path}\" line 1)"
            ),
            "parameter \"startup_check\" changed to \"off\"".to_string(),
            format!("unrecognized configuration parameter \"bogus\" (in file \"{path}\" line 3)"),
            format!(
                "configuration file \"{path}\" contains errors; unaffected changes were applied"
            ),
        ]
    );
    assert_eq!(show(&r, "autovacuum_naptime"), "30s");
    assert_eq!(show(&r, "startup_check"), "off");
}

#[test]
fn reload_does_not_change_postmaster_settings() {
    let conf = Conf::new("port = 6000\nmax_connections = 10\nlisten_addresses = ''\n");
    let mut r = registry();
    load(&mut r, Some(&conf), &[], &[]);

    // Same values: no message.
    conf.write("port = 6000\nmax_connections = 10\nlisten_addresses = ''\nautovacuum = off\n");
    assert_eq!(
        r.reload(conf.path()),
        vec!["parameter \"autovacuum\" changed to \"off\""]
    );

    // Changed and removed postmaster settings keep their values.
    conf.write("port = 6001\nlisten_addresses = ''\nautovacuum = off\n");
    let log = r.reload(conf.path());
    assert_eq!(
        log,
        vec![
            "parameter \"port\" cannot be changed without restarting the server".to_string(),
            "parameter \"max_connections\" cannot be changed without restarting the server"
                .to_string(),
            format!(
                "configuration file \"{}\" contains errors; unaffected changes were applied",
                conf.path().display()
            ),
        ]
    );
    assert_eq!(show(&r, "port"), "6000");
    assert_eq!(show(&r, "max_connections"), "10");

    // Back to what was loaded: quiet again.
    conf.write("port = 6000\nmax_connections = 10\nlisten_addresses = ''\nautovacuum = off\n");
    assert_eq!(r.reload(conf.path()), Vec::<String>::new());
}

#[test]
fn reload_resets_removed_settings_to_their_lower_layers() {
    let conf = Conf::new("autovacuum_naptime = 30\nstatement_timeout = 5s\nworker_spi.x = 1\n");
    let mut r = registry();
    load(
        &mut r,
        Some(&conf),
        &[("PGPORT", "6000")],
        &[("statement_timeout", "7s")],
    );
    assert_eq!(show(&r, "statement_timeout"), "7s");
    conf.write("");
    let log = r.reload(conf.path());
    assert_eq!(
        log,
        vec!["parameter \"autovacuum_naptime\" removed from configuration file, reset to default"]
    );
    assert_eq!(show(&r, "autovacuum_naptime"), "1min");
    assert_eq!(
        show(&r, "statement_timeout"),
        "7s",
        "the command line still wins"
    );
    assert!(
        r.show("worker_spi.x").is_err(),
        "the placeholder left with the file"
    );
    assert_eq!(show(&r, "port"), "6000");
}

#[test]
fn command_line_keeps_precedence_across_reloads() {
    let conf = Conf::new("authentication_timeout = 10\n");
    let mut r = registry();
    load(
        &mut r,
        Some(&conf),
        &[],
        &[("authentication_timeout", "20"), ("port", "6000")],
    );
    conf.write("authentication_timeout = 30\nport = 6001\n");
    assert_eq!(r.reload(conf.path()), Vec::<String>::new());
    assert_eq!(show(&r, "authentication_timeout"), "20s");
    assert_eq!(show(&r, "port"), "6000");
}

#[test]
fn an_unreadable_or_broken_file_changes_nothing() {
    let conf = Conf::new("autovacuum_naptime = 30\n");
    let mut r = registry();
    load(&mut r, Some(&conf), &[], &[]);
    conf.write("autovacuum_naptime = 40\nport = = 1\n");
    let log = r.reload(conf.path());
    let path = conf.path().display();
    assert_eq!(
        log,
        vec![
            format!("syntax error in file \"{path}\" line 2, near token \"=\""),
            format!("configuration file \"{path}\" contains errors; no changes were applied"),
        ]
    );
    assert_eq!(show(&r, "autovacuum_naptime"), "30s");

    let log = r.reload(Path::new("/nonexistent/minipg.conf"));
    assert_eq!(log.len(), 2);
    assert!(log[0].starts_with("could not open configuration file \"/nonexistent/minipg.conf\""));
    assert_eq!(show(&r, "autovacuum_naptime"), "30s");
}

#[test]
fn reload_of_placeholders() {
    let conf = Conf::new("my.setting = 'a'\n");
    let mut r = registry();
    load(&mut r, Some(&conf), &[], &[]);
    conf.write("my.setting = 'b'\nmy.other = 1\n");
    assert_eq!(
        r.reload(conf.path()),
        vec![
            "parameter \"my.setting\" changed to \"b\"",
            "parameter \"my.other\" changed to \"1\""
        ]
    );
    assert_eq!(show(&r, "my.setting"), "b");
}

#[test]
fn session_set_and_reset() {
    let conf = Conf::new("statement_timeout = 1s\n");
    let mut r = registry();
    load(&mut r, Some(&conf), &[], &[]);

    r.set_session("statement_timeout", Some("5000"), true)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(show(&r, "statement_timeout"), "5s");
    assert_eq!(r.source("statement_timeout").ok(), Some(GucSource::Session));
    r.set_session("STATEMENT_TIMEOUT", None, true)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(show(&r, "statement_timeout"), "1s");

    r.set_session("statement_timeout", Some("2min"), true)
        .unwrap_or_else(|e| panic!("{e}"));
    r.set_session("search_path", Some("schema1, public"), true)
        .unwrap_or_else(|e| panic!("{e}"));
    r.set_session("application_name", Some("psql"), true)
        .unwrap_or_else(|e| panic!("{e}"));
    r.set_session("synchronous_commit", Some("off"), true)
        .unwrap_or_else(|e| panic!("{e}"));
    r.set_session("custom.thing", Some("x"), true)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(show(&r, "custom.thing"), "x");

    // A reload changes what RESET returns to, not the session's value.
    conf.write("statement_timeout = 3s\n");
    r.reload(conf.path());
    assert_eq!(show(&r, "statement_timeout"), "2min");

    r.reset_session_all();
    assert_eq!(show(&r, "statement_timeout"), "3s");
    assert_eq!(show(&r, "search_path"), "\"$user\", public");
    assert_eq!(show(&r, "application_name"), "");
    assert_eq!(show(&r, "synchronous_commit"), "on");
    assert!(r.show("custom.thing").is_err());
}

#[test]
fn session_set_refusals() {
    let mut r = registry();
    let refuse = |r: &mut Registry, name: &str, value: &str| -> (String, &'static str) {
        match r.set_session(name, Some(value), true) {
            Ok(()) => panic!("SET {name} = {value} succeeded"),
            Err(e) => (e.to_string(), e.sqlstate()),
        }
    };
    assert_eq!(
        refuse(&mut r, "port", "1"),
        (
            "parameter \"port\" cannot be changed without restarting the server".into(),
            "55P02"
        )
    );
    assert_eq!(
        refuse(&mut r, "autovacuum", "off"),
        (
            "parameter \"autovacuum\" cannot be changed now".into(),
            "55P02"
        )
    );
    assert_eq!(
        refuse(&mut r, "server_version", "16"),
        (
            "parameter \"server_version\" cannot be changed".into(),
            "55P02"
        )
    );
    assert_eq!(
        refuse(&mut r, "nosuch", "1"),
        (
            "unrecognized configuration parameter \"nosuch\"".into(),
            "42704"
        )
    );
    assert_eq!(
        refuse(&mut r, "extra_float_digits", "4"),
        (
            "4 is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)".into(),
            "22023"
        )
    );
    assert_eq!(
        refuse(&mut r, "client_encoding", "LATIN1"),
        (
            "invalid value for parameter \"client_encoding\": \"LATIN1\": minipg supports only \
             the UTF8 client encoding."
                .into(),
            "22023"
        )
    );
    assert_eq!(
        refuse(&mut r, "standard_conforming_strings", "off").1,
        "22023"
    );
    assert_eq!(refuse(&mut r, "DateStyle", "Postgres, MDY").1, "22023");
    assert_eq!(
        refuse(&mut r, "DateStyle", "ISO, YMD, DMY").0,
        "invalid value for parameter \"DateStyle\": \"ISO, YMD, DMY\": Conflicting \
         \"datestyle\" specifications."
    );
    assert_eq!(refuse(&mut r, "TimeZone", " ").1, "22023");
    assert!(
        r.set_session("port", None, true).is_err(),
        "TO DEFAULT is refused too"
    );
    assert_eq!(r.source("statement_timeout").ok(), Some(GucSource::Default));
}

#[test]
fn a_superuser_setting_is_set_by_superusers_only() {
    let mut r = registry();
    let err = r
        .set_session("client_busy_poll", Some("5000"), false)
        .expect_err("a non-superuser SET of client_busy_poll");
    assert_eq!(
        (err.to_string().as_str(), err.sqlstate()),
        (
            "permission denied to set parameter \"client_busy_poll\"",
            "42501"
        )
    );
    assert!(r.set_session("client_busy_poll", None, false).is_err());
    assert_eq!(r.source("client_busy_poll").ok(), Some(GucSource::Default));
    r.set_session("client_busy_poll", Some("5000"), true)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(show(&r, "client_busy_poll"), "5000");
    assert_eq!(
        r.context("client_busy_poll").map(|c| c.name()).ok(),
        Some("superuser")
    );
    // A user setting needs no superuser.
    r.set_session("statement_timeout", Some("1s"), false)
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn session_values_are_normalized() {
    let mut r = registry();
    let set = |r: &mut Registry, name: &str, value: &str| {
        r.set_session(name, Some(value), true)
            .unwrap_or_else(|e| panic!("SET {name}: {e}"));
        show(r, name)
    };
    assert_eq!(set(&mut r, "client_encoding", "unicode"), "UTF8");
    assert_eq!(set(&mut r, "client_encoding", "SQL_ASCII"), "SQL_ASCII");
    assert_eq!(set(&mut r, "datestyle", "European"), "ISO, DMY");
    assert_eq!(set(&mut r, "datestyle", "ymd iso"), "ISO, YMD");
    assert_eq!(set(&mut r, "datestyle", "ISO"), "ISO, MDY");
    assert_eq!(set(&mut r, "TimeZone", "Europe/Paris"), "Europe/Paris");
    assert_eq!(set(&mut r, "intervalstyle", "ISO_8601"), "iso_8601");
    let long = "é".repeat(40);
    let shown = set(&mut r, "application_name", &long);
    assert_eq!(shown, "?".repeat(40));
    let shown = set(&mut r, "application_name", &"a".repeat(100));
    assert_eq!(shown.len(), 63);
}

#[test]
fn show_all_and_names() {
    let r = registry();
    let all = r.show_all();
    let names: Vec<&str> = all.iter().map(|(n, _, _)| n.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_ascii_lowercase());
    assert_eq!(names, sorted);
    assert!(names.contains(&"DateStyle"));
    assert!(all.iter().all(|(_, _, desc)| !desc.is_empty()));
    assert!(
        all.iter()
            .any(|(n, v, _)| n == "autovacuum_naptime" && v == "1min")
    );
    assert_eq!(r.canonical_name("datestyle").as_deref(), Some("DateStyle"));
    assert_eq!(r.canonical_name("nosuch"), None);
    assert_eq!(show(&r, "DATESTYLE"), "ISO, MDY");
    assert!(matches!(
        r.show("nosuch"),
        Err(GucError::Unrecognized { .. })
    ));
    assert!(r.is_defined("Port"));
    assert!(!r.is_defined("nosuch"));
}

#[test]
fn reported_parameters_are_what_clients_expect() {
    let r = registry();
    let reported: Vec<String> = r
        .reported_parameters()
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    for name in [
        "application_name",
        "client_encoding",
        "DateStyle",
        "integer_datetimes",
        "IntervalStyle",
        "server_encoding",
        "server_version",
        "standard_conforming_strings",
        "TimeZone",
    ] {
        assert!(reported.iter().any(|n| n == name), "{name} in {reported:?}");
    }
    assert!(r.is_reported("datestyle"));
    assert!(!r.is_reported("port"));
}

#[test]
fn the_sample_config_lists_every_builtin_and_loads_when_uncommented() {
    let r = registry();
    let text = r.sample_config("shared_preload_libraries = 'worker_spi'");
    assert!(text.starts_with("# minipg configuration file\n"));
    assert!(text.contains("#port = 5432 "));
    assert!(text.contains("#autovacuum_naptime = 1min "));
    assert!(text.contains("#listen_addresses = 'localhost' "));
    assert!(text.contains("#search_path = '\"$user\", public' "));
    assert!(text.contains("(change requires restart)"));
    assert!(!text.contains("server_version"));
    assert!(text.ends_with("\nshared_preload_libraries = 'worker_spi'\n"));

    // As written, only the extra line is a setting.
    let conf = Conf::new(&text);
    let mut loaded = registry();
    load(&mut loaded, Some(&conf), &[], &[]);
    assert_eq!(show(&loaded, "shared_preload_libraries"), "worker_spi");
    assert_eq!(loaded.source("port").ok(), Some(GucSource::Default));

    // Every commented line is itself valid and gives the default back.
    let uncommented: String = text
        .lines()
        .filter(|l| l.starts_with('#') && !l.starts_with("# ") && l.len() > 1)
        .map(|l| format!("{}\n", &l[1..]))
        .collect();
    conf.write(&uncommented);
    let mut loaded = registry();
    load(&mut loaded, Some(&conf), &[], &[]);
    for (name, value, _) in r.show_all() {
        assert_eq!(show(&loaded, &name), value, "{name}");
    }
    assert_eq!(loaded.source("port").ok(), Some(GucSource::ConfigFile));
}

#[test]
fn global_api_wraps_one_registry() {
    // Only names under `guc_global_test.` and read-only looks at built-ins: other tests never
    // use the global registry, and this test never changes a built-in.
    static COUNT: GucInt = GucInt::new(0);
    crate::init_builtins();
    crate::init_builtins();
    assert!(crate::is_defined("port"));
    assert_eq!(
        crate::show("autovacuum_naptime").ok().as_deref(),
        Some("1min")
    );
    IntSetting::new("guc_global_test.count", &COUNT)
        .description("A counter.")
        .default_value(3)
        .range(0, 10)
        .user()
        .define()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(COUNT.get(), 3);
    crate::set_session("guc_global_test.count", Some("7"), true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(COUNT.get(), 7);
    assert_eq!(
        crate::source("guc_global_test.count").ok(),
        Some(GucSource::Session)
    );
    crate::reset_session_all();
    assert_eq!(COUNT.get(), 3);
    assert!(
        crate::show_all()
            .iter()
            .any(|(n, _, _)| n == "guc_global_test.count")
    );
    assert_eq!(
        crate::canonical_name("DATESTYLE").as_deref(),
        Some("DateStyle")
    );
    assert!(crate::is_reported("client_encoding"));
    assert!(!crate::reported_parameters().is_empty());
    assert_eq!(crate::parse_bool("of"), Some(false));

    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("minipg.conf");
    crate::write_default_config(&path, "shared_preload_libraries = 'worker_spi'\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let written = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(written.contains("#max_connections = 100 "));
    assert!(written.ends_with("shared_preload_libraries = 'worker_spi'\n"));
}
