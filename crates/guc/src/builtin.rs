//! minipg's own settings: the handles every crate reads, and their definitions.
//!
//! Each static's `const` initial value equals its definition's default, so a handle read before
//! [`crate::init_builtins`] still gives the default. Contexts follow PostgreSQL: what sizes shared
//! memory or the listening sockets is postmaster-only; what the server's own processes consult is
//! reloadable; what a client may choose is per session. Integer handles hold the base unit named
//! in their documentation.

use crate::handle::{GucBool, GucInt, GucString, PrivateCopy};
use crate::registry::Registry;
use crate::setting::{CheckHook, Definition, Kind};
use crate::unit::GucUnit;
use crate::value::Value;
use crate::{GucContext, GucError};

/// `port`: the TCP port, also the number in the Unix socket's name. Postmaster.
pub static PORT: GucInt = GucInt::new(5432);
/// `listen_addresses`: comma-separated host names or addresses; `*` all, empty = no TCP.
/// Postmaster.
pub static LISTEN_ADDRESSES: GucString = GucString::new("localhost");
/// `unix_socket_directories`: comma-separated directories for the Unix socket. Postmaster.
pub static UNIX_SOCKET_DIRECTORIES: GucString = GucString::new("/tmp");
/// `unix_socket_permissions`: the Unix socket's mode (PostgreSQL's default 0777). Postmaster.
pub static UNIX_SOCKET_PERMISSIONS: GucInt = GucInt::new(0o777);
/// `unix_socket_group`: the Unix socket's group ('' keeps the server user's). Postmaster.
pub static UNIX_SOCKET_GROUP: GucString = GucString::new("");
/// `superuser_reserved_connections`: connection slots only superusers may take. Postmaster.
pub static SUPERUSER_RESERVED_CONNECTIONS: GucInt = GucInt::new(3);
/// `max_connections`: client backends at once. Postmaster.
pub static MAX_CONNECTIONS: GucInt = GucInt::new(100);
/// `prefork_backends` (minipg's own): backends the postmaster keeps waiting for a client
/// socket, forked ahead with the role catalog and `postgres` open; a backend whose session
/// ended cleanly waits again (0: fork at connect, as PostgreSQL does, and no reuse). Sighup.
pub static PREFORK_BACKENDS: GucInt = GucInt::new(1);
/// `autovacuum`: whether the autovacuum launcher runs. Sighup.
pub static AUTOVACUUM: GucBool = GucBool::new(true);
/// `autovacuum_max_workers`: autovacuum worker processes at once. Postmaster.
pub static AUTOVACUUM_MAX_WORKERS: GucInt = GucInt::new(3);
/// `max_worker_processes`: slots for background workers, static and dynamic. Postmaster.
pub static MAX_WORKER_PROCESSES: GucInt = GucInt::new(8);
/// `log_autovacuum_min_duration`: log each autovacuum action that ran at least this many
/// milliseconds (0: every action; -1: none; PostgreSQL 15's default, 10 min). Sighup.
pub static LOG_AUTOVACUUM_MIN_DURATION: GucInt = GucInt::new(600_000);
/// `autovacuum_naptime`: seconds between autovacuum runs on one database. Sighup.
pub static AUTOVACUUM_NAPTIME: GucInt = GucInt::new(60);
/// `autovacuum_wal_threshold`: bytes of WAL after which autovacuum checkpoints a database. Sighup.
pub static AUTOVACUUM_WAL_THRESHOLD: GucInt = GucInt::new(4 * 1024 * 1024);
/// `autovacuum_vacuum_threshold`: free pages in a database file before autovacuum returns them
/// to the file system. Sighup.
pub static AUTOVACUUM_VACUUM_THRESHOLD: GucInt = GucInt::new(1000);
/// `shared_preload_libraries`: comma-separated modules whose init runs at start. Postmaster.
pub static SHARED_PRELOAD_LIBRARIES: GucString = GucString::new("");
/// `restart_after_crash`: reinitialize after a backend crash instead of stopping. Sighup.
pub static RESTART_AFTER_CRASH: GucBool = GucBool::new(true);
/// `synchronous_commit`: when on, a commit is acknowledged only after its WAL frames are on
/// disk (the WAL writer's group commit, or SQLite's `synchronous = FULL` without one); when
/// off, the WAL writer syncs them within `wal_writer_delay`. User.
pub static SYNCHRONOUS_COMMIT: GucBool = GucBool::new(true);
/// `wal_writer_delay` (ms): how often the WAL writer syncs commits nobody waits for. Sighup.
pub static WAL_WRITER_DELAY: GucInt = GucInt::new(200);
/// `client_busy_poll` (µs): after a backend has answered, how long it polls its client's
/// socket, yielding the CPU to any other runnable process between polls, before it sleeps
/// until the next message (0: sleeps at once, as PostgreSQL does). Superuser: the CPU it
/// spins is taken from every other process on the machine.
pub static CLIENT_BUSY_POLL: GucInt = GucInt::new(50);
/// `debug_wal_sync_delay` (ms): fault injection, every WAL sync of a commit (the WAL writer's
/// or a committing process's own) sleeps this long first (0 = off). Sighup.
pub static DEBUG_WAL_SYNC_DELAY: GucInt = GucInt::new(0);
/// `statement_timeout`: milliseconds a statement may run; 0 = no limit. User.
pub static STATEMENT_TIMEOUT: GucInt = GucInt::new(0);
/// `lock_timeout` (ms): accepted for PostgreSQL clients (pg_dump sets it); SQLite's busy
/// timeout governs lock waits. User.
pub static LOCK_TIMEOUT: GucInt = GucInt::new(0);
/// `default_transaction_isolation`: the level a transaction starts with. Every level is
/// accepted; every transaction is SQLite's (a snapshot per transaction, one writer), at least
/// as strong as any of them (docs/sql-compat.md, "Isolation"). User.
pub static DEFAULT_TRANSACTION_ISOLATION: GucString = GucString::new("read committed");
/// `transaction_isolation`: the open block's level, set for the block by `BEGIN ISOLATION
/// LEVEL` / `SET TRANSACTION ISOLATION LEVEL`; outside one SHOW gives
/// `default_transaction_isolation`'s. User.
pub static TRANSACTION_ISOLATION: GucString = GucString::new("read committed");
/// `default_transaction_read_only`: each new transaction (a statement of its own too) is read
/// only unless it says READ WRITE. User.
pub static DEFAULT_TRANSACTION_READ_ONLY: GucBool = GucBool::new(false);
/// `transaction_read_only`: defined for its name; SET and SHOW act on the session's open
/// transaction (`spi::session`), as SET TRANSACTION READ ONLY / READ WRITE do. User.
pub static TRANSACTION_READ_ONLY: GucBool = GucBool::new(false);
/// PostgreSQL's isolation levels, as SHOW spells them.
pub const ISOLATION_LEVELS: &[&str] = &[
    "serializable",
    "repeatable read",
    "read committed",
    "read uncommitted",
];
/// `synchronize_seqscans`: accepted for PostgreSQL clients (pg_dump sets it); no effect. User.
pub static SYNCHRONIZE_SEQSCANS: GucBool = GucBool::new(true);
/// `row_security`: accepted for PostgreSQL clients (pg_dump sets it); minipg has no row
/// security policies. User.
pub static ROW_SECURITY: GucBool = GucBool::new(true);
/// `client_min_messages`: the least severe notice sent to the client (`debug5` … `error`).
/// User.
pub static CLIENT_MIN_MESSAGES: GucString = GucString::new("notice");
/// `check_function_bodies`: accepted for PostgreSQL clients (pg_dump sets it); minipg has no
/// function bodies to check. User.
pub static CHECK_FUNCTION_BODIES: GucBool = GucBool::new(true);
/// `xmloption`: accepted for PostgreSQL clients (pg_dump sets it); minipg has no xml type.
/// User.
pub static XMLOPTION: GucString = GucString::new("content");
/// `default_tablespace`: accepted for PostgreSQL clients (pg_dump sets it to ''); minipg has one
/// place for data. User.
pub static DEFAULT_TABLESPACE: GucString = GucString::new("");
/// `default_table_access_method`: `heap`, the only one (pg_dump sets it). User.
pub static DEFAULT_TABLE_ACCESS_METHOD: GucString = GucString::new("heap");
/// `idle_in_transaction_session_timeout`: milliseconds a session may sit idle in a transaction;
/// 0 = no limit. User.
pub static IDLE_IN_TRANSACTION_SESSION_TIMEOUT: GucInt = GucInt::new(60_000);
/// `idle_write_lock_timeout`: milliseconds a session may hold its database's write lock while
/// waiting for its client (idle in a transaction, or blocked sending to a client that does not
/// read), whatever the client set; 0 = no limit. Sighup (minipg.conf and the command line
/// only), so that no client can starve every other writer.
pub static IDLE_WRITE_LOCK_TIMEOUT: GucInt = GucInt::new(10_000);
/// `max_message_size`: bytes; a client message larger than this (a Query, Parse, Bind,
/// CopyData…) is refused before it is read. Sighup.
pub static MAX_MESSAGE_SIZE: GucInt = GucInt::new(64 * 1024 * 1024);
/// `authentication_timeout`: seconds a client has to complete the start-up. Sighup.
pub static AUTHENTICATION_TIMEOUT: GucInt = GucInt::new(60);
/// `hba_file`: the client authentication file; relative to the data directory; empty means
/// `minipg_hba.conf` there. Postmaster.
pub static HBA_FILE: GucString = GucString::new("");
/// `ssl`: whether TCP clients may ask for TLS (SSLRequest answered `S`). Sighup.
pub static SSL: GucBool = GucBool::new(false);
/// `ssl_cert_file`: the server certificate (PEM, chain allowed), relative to the data
/// directory. Sighup.
pub static SSL_CERT_FILE: GucString = GucString::new("server.crt");
/// `ssl_key_file`: the server's private key (PEM), relative to the data directory. Sighup.
pub static SSL_KEY_FILE: GucString = GucString::new("server.key");
/// `startup_check`: the startup process runs `PRAGMA quick_check` on each database. Sighup.
pub static STARTUP_CHECK: GucBool = GucBool::new(false);
/// `log_min_messages`: the least severe level logged (`debug5` … `panic`); LOG always shows.
/// Sighup.
pub static LOG_MIN_MESSAGES: GucString = GucString::new("warning");

/// `application_name`: reported in `pg_stat_activity`. User.
pub static APPLICATION_NAME: GucString = GucString::new("");
/// `client_encoding`: `UTF8` (or `SQL_ASCII`, which C-locale psql asks for; bytes pass unchanged).
/// User.
pub static CLIENT_ENCODING: GucString = GucString::new("UTF8");
/// `DateStyle`: always ISO output; the field order for ambiguous input. User.
pub static DATESTYLE: GucString = GucString::new("ISO, MDY");
/// `TimeZone`: reported to clients. User.
pub static TIMEZONE: GucString = GucString::new("UTC");
/// `IntervalStyle`: reported to clients. User.
pub static INTERVALSTYLE: GucString = GucString::new("postgres");
/// `extra_float_digits`: digits added to float output; 1 or more = shortest exact. User.
pub static EXTRA_FLOAT_DIGITS: GucInt = GucInt::new(1);
/// `search_path`: schemas searched for unqualified names. User.
pub static SEARCH_PATH: GucString = GucString::new("\"$user\", public");
/// `password_encryption`: how passwords would be hashed. User.
pub static PASSWORD_ENCRYPTION: GucString = GucString::new("scram-sha-256");
/// `standard_conforming_strings`: always on (backslashes are literal in `'...'`). User, but only
/// `on` is accepted.
pub static STANDARD_CONFORMING_STRINGS: GucBool = GucBool::new(true);
/// `integer_datetimes`: always on. Read-only.
pub static INTEGER_DATETIMES: GucBool = GucBool::new(true);
/// `server_version`: PostgreSQL-compatible version first, so clients parse it. Read-only.
pub static SERVER_VERSION: GucString = GucString::new(SERVER_VERSION_STRING);
/// `server_version_num`: the version as a number. Read-only.
pub static SERVER_VERSION_NUM: GucInt = GucInt::new(150000);
/// `server_encoding`: always `UTF8`. Read-only.
pub static SERVER_ENCODING: GucString = GucString::new("UTF8");

/// The PostgreSQL version minipg speaks as, then minipg's own.
pub const SERVER_VERSION_STRING: &str = concat!("15.0 (minipg ", env!("CARGO_PKG_VERSION"), ")");

/// Levels of `log_min_messages`, least severe first (LOG sits between ERROR and FATAL here, as
/// in PostgreSQL's server-log ordering).
pub const LOG_LEVELS: &[&str] = &[
    "debug5", "debug4", "debug3", "debug2", "debug1", "info", "notice", "warning", "error", "log",
    "fatal", "panic",
];
/// `client_min_messages`' values, least severe first (for a client, LOG ranks below NOTICE).
pub const CLIENT_LEVELS: &[&str] = &[
    "debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error",
];
const PASSWORD_ENCRYPTIONS: &[&str] = &["md5", "scram-sha-256"];
const INTERVAL_STYLES: &[&str] = &["postgres", "postgres_verbose", "sql_standard", "iso_8601"];

const INT_MAX: i64 = i32::MAX as i64;

/// A handle: the global static, or a private copy for a registry of its own.
fn pick<H: PrivateCopy>(global: &'static H, private: bool) -> &'static H {
    if private {
        global.leak_private()
    } else {
        global
    }
}

/// A built-in's definition being written (always `builtin`).
struct Builtin(Definition);

impl Builtin {
    /// A built-in whose default is its handle's boot value (the static's initializer is the
    /// only place a built-in's default is written).
    fn new(name: &'static str, context: GucContext, kind: Kind) -> Self {
        let default = match &kind {
            Kind::Bool(h) => Value::Bool(h.boot_value()),
            Kind::Int { handle, .. } => Value::Int(handle.boot_value()),
            Kind::Real { handle, .. } => Value::Real(handle.get()),
            Kind::Str(h) | Kind::Enum { handle: h, .. } => Value::Str(h.boot_value().to_owned()),
        };
        Builtin(Definition {
            builtin: true,
            ..Definition::new(name, context, kind, default)
        })
    }
    fn about(mut self, description: &'static str) -> Self {
        self.0.description = description.to_string();
        self
    }
    fn check(mut self, check: CheckHook) -> Self {
        self.0.check = Some(check);
        self
    }
    fn reported(mut self) -> Self {
        self.0.report = true;
        self
    }
    fn read_only(mut self) -> Self {
        self.0.read_only = true;
        self
    }
}

fn int(handle: &'static GucInt, min: i64, max: i64, unit: GucUnit) -> Kind {
    Kind::Int {
        handle,
        min,
        max,
        unit,
    }
}

/// Defines every built-in in `registry`; `private` gives them fresh handles instead of the
/// statics. Panics only if a definition here is inconsistent, which the tests rule out.
pub(crate) fn define_all(registry: &mut Registry, private: bool) {
    use GucContext::{Postmaster, Sighup, Superuser, User};
    let i = |h: &'static GucInt| pick(h, private);
    let b = |h: &'static GucBool| pick(h, private);
    let s = |h: &'static GucString| pick(h, private);

    let builtins = [
        Builtin::new("port", Postmaster, int(i(&PORT), 1, 65535, GucUnit::None))
            .about("TCP port the server listens on."),
        Builtin::new(
            "listen_addresses",
            Postmaster,
            Kind::Str(s(&LISTEN_ADDRESSES)),
        )
        .about(
            "Host names or IP addresses to listen on, comma-separated; '*' for all, '' for none.",
        ),
        Builtin::new(
            "unix_socket_directories",
            Postmaster,
            Kind::Str(s(&UNIX_SOCKET_DIRECTORIES)),
        )
        .about("Directories for the Unix-domain socket, comma-separated."),
        Builtin::new(
            "unix_socket_permissions",
            Postmaster,
            int(i(&UNIX_SOCKET_PERMISSIONS), 0, 0o777, GucUnit::None))
        .about("Access permissions of the Unix-domain socket."),
        Builtin::new(
            "unix_socket_group",
            Postmaster,
            Kind::Str(s(&UNIX_SOCKET_GROUP)))
        .about("The owning group of the Unix-domain socket."),
        Builtin::new(
            "superuser_reserved_connections",
            Postmaster,
            int(i(&SUPERUSER_RESERVED_CONNECTIONS), 0, 10000, GucUnit::None))
        .about("Connection slots reserved for superusers."),
        Builtin::new(
            "max_connections",
            Postmaster,
            int(i(&MAX_CONNECTIONS), 1, 10000, GucUnit::None),
        )
        .about("Maximum number of concurrent client connections."),
        Builtin::new(
            "prefork_backends",
            Sighup,
            int(i(&PREFORK_BACKENDS), 0, 64, GucUnit::None),
        )
        .about("Backends forked ahead of connections, waiting for a client."),
        Builtin::new("autovacuum", Sighup, Kind::Bool(b(&AUTOVACUUM)))
            .about("Starts the autovacuum launcher."),
        Builtin::new(
            "autovacuum_max_workers",
            Postmaster,
            int(i(&AUTOVACUUM_MAX_WORKERS), 1, 1000, GucUnit::None),
        )
        .about("Maximum number of autovacuum worker processes at once."),
        Builtin::new(
            "max_worker_processes",
            Postmaster,
            int(i(&MAX_WORKER_PROCESSES), 0, 262_143, GucUnit::None))
        .about("Maximum number of concurrent worker processes."),
        Builtin::new(
            "autovacuum_naptime",
            Sighup,
            int(i(&AUTOVACUUM_NAPTIME), 1, INT_MAX / 1000, GucUnit::S),
        )
        .about("Time to sleep between autovacuum runs."),
        Builtin::new(
            "log_autovacuum_min_duration",
            Sighup,
            int(i(&LOG_AUTOVACUUM_MIN_DURATION), -1, INT_MAX, GucUnit::Ms),
        )
        .about("Sets the minimum execution time above which autovacuum actions will be logged."),
        Builtin::new(
            "autovacuum_wal_threshold",
            Sighup,
            int(i(&AUTOVACUUM_WAL_THRESHOLD), 0, 1 << 40, GucUnit::Bytes),
        )
        .about("Size of a database's WAL after which autovacuum checkpoints it."),
        Builtin::new(
            "autovacuum_vacuum_threshold",
            Sighup,
            int(i(&AUTOVACUUM_VACUUM_THRESHOLD), 0, INT_MAX, GucUnit::None),
        )
        .about("Free pages in a database file before autovacuum returns them."),
        Builtin::new(
            "shared_preload_libraries",
            Postmaster,
            Kind::Str(s(&SHARED_PRELOAD_LIBRARIES)),
        )
        .about("Modules to preload at server start, comma-separated."),
        Builtin::new(
            "restart_after_crash",
            Sighup,
            Kind::Bool(b(&RESTART_AFTER_CRASH)),
        )
        .about("Reinitialize the server after a backend crash."),
        Builtin::new(
            "synchronous_commit",
            User,
            Kind::Bool(b(&SYNCHRONOUS_COMMIT)),
        )
        .about("Wait for each commit's WAL to reach the disk before acknowledging it."),
        Builtin::new(
            "wal_writer_delay",
            Sighup,
            int(i(&WAL_WRITER_DELAY), 1, 10_000, GucUnit::Ms))
        .about("Time between WAL syncs of asynchronous commits by the WAL writer."),
        Builtin::new(
            "client_busy_poll",
            Superuser,
            int(i(&CLIENT_BUSY_POLL), 0, 10_000, GucUnit::None),
        )
        .about("Microseconds a backend polls its client's socket for the next message before it sleeps."),
        Builtin::new(
            "debug_wal_sync_delay",
            Sighup,
            int(i(&DEBUG_WAL_SYNC_DELAY), 0, 60_000, GucUnit::Ms))
        .about("Fault injection: each WAL sync of a commit waits this long first."),
        Builtin::new(
            "statement_timeout",
            User,
            int(i(&STATEMENT_TIMEOUT), 0, INT_MAX, GucUnit::Ms),
        )
        .about("Maximum time a statement may run; 0 disables."),
        Builtin::new(
            "lock_timeout",
            User,
            int(i(&LOCK_TIMEOUT), 0, INT_MAX, GucUnit::Ms),
        )
        .about("Maximum time to wait for a lock (accepted; SQLite's busy timeout applies)."),
        Builtin::new(
            "synchronize_seqscans",
            User,
            Kind::Bool(b(&SYNCHRONIZE_SEQSCANS)),
        )
        .about("Synchronized sequential scans (accepted; no effect in minipg)."),
        Builtin::new("row_security", User, Kind::Bool(b(&ROW_SECURITY)))
            .about("Row security policies apply (accepted; minipg has none)."),
        Builtin::new(
            "client_min_messages",
            User,
            Kind::Enum {
                handle: s(&CLIENT_MIN_MESSAGES),
                allowed: CLIENT_LEVELS,
            },
        )
        .about("Least severe notice level sent to the client."),
        Builtin::new(
            "check_function_bodies",
            User,
            Kind::Bool(b(&CHECK_FUNCTION_BODIES)),
        )
        .about("Check function bodies at CREATE FUNCTION (accepted; no effect in minipg)."),
        Builtin::new(
            "xmloption",
            User,
            Kind::Enum {
                handle: s(&XMLOPTION),
                allowed: &["content", "document"],
            },
        )
        .about("How XML data is parsed (accepted; minipg has no xml type)."),
        Builtin::new(
            "default_tablespace",
            User,
            Kind::Str(s(&DEFAULT_TABLESPACE)),
        )
        .about("Tablespace for new objects (accepted; minipg has one)."),
        Builtin::new(
            "default_table_access_method",
            User,
            Kind::Enum {
                handle: s(&DEFAULT_TABLE_ACCESS_METHOD),
                allowed: &["heap"],
            },
        )
        .about("Access method of new tables (heap, the only one)."),
        Builtin::new(
            "idle_in_transaction_session_timeout",
            User,
            int(
                i(&IDLE_IN_TRANSACTION_SESSION_TIMEOUT),
                0,
                INT_MAX,
                GucUnit::Ms,
            ),
        )
        .about("Maximum time a session may sit idle inside a transaction; 0 disables."),
        Builtin::new(
            "idle_write_lock_timeout",
            Sighup,
            int(i(&IDLE_WRITE_LOCK_TIMEOUT), 0, INT_MAX, GucUnit::Ms))
        .about(
            "Maximum time a session may hold the database's write lock while waiting for its client; 0 disables.",
        ),
        Builtin::new(
            "max_message_size",
            Sighup,
            int(i(&MAX_MESSAGE_SIZE), 1024 * 1024, 1 << 30, GucUnit::Bytes))
        .about("Largest message a client may send; a larger one is refused before it is read."),
        Builtin::new(
            "authentication_timeout",
            Sighup,
            int(i(&AUTHENTICATION_TIMEOUT), 1, 600, GucUnit::S),
        )
        .about("Maximum time to complete client authentication."),
        Builtin::new("hba_file", Postmaster, Kind::Str(s(&HBA_FILE)))
            .about("Client authentication file (empty: minipg_hba.conf in the data directory)."),
        Builtin::new("ssl", Sighup, Kind::Bool(b(&SSL)))
            .about("Enables TLS connections."),
        Builtin::new(
            "ssl_cert_file",
            Sighup,
            Kind::Str(s(&SSL_CERT_FILE)))
        .about("TLS server certificate file (PEM), relative to the data directory."),
        Builtin::new(
            "ssl_key_file",
            Sighup,
            Kind::Str(s(&SSL_KEY_FILE)))
        .about("TLS server private key file (PEM), relative to the data directory."),
        Builtin::new(
            "startup_check",
            Sighup,
            Kind::Bool(b(&STARTUP_CHECK)))
        .about("Run PRAGMA quick_check on every database at start-up."),
        Builtin::new(
            "log_min_messages",
            Sighup,
            Kind::Enum {
                handle: s(&LOG_MIN_MESSAGES),
                allowed: LOG_LEVELS,
            },
        )
        .about("Least severe message level written to the server log."),
        Builtin::new(
            "default_transaction_isolation",
            User,
            Kind::Enum {
                handle: s(&DEFAULT_TRANSACTION_ISOLATION),
                allowed: ISOLATION_LEVELS,
            },
        )
        .about("Sets the transaction isolation level of each new transaction."),
        Builtin::new(
            "transaction_isolation",
            User,
            Kind::Enum {
                handle: s(&TRANSACTION_ISOLATION),
                allowed: ISOLATION_LEVELS,
            },
        )
        .about("Sets the current transaction's isolation level."),
        Builtin::new(
            "default_transaction_read_only",
            User,
            Kind::Bool(b(&DEFAULT_TRANSACTION_READ_ONLY)),
        )
        .about("Sets the default read-only status of new transactions."),
        Builtin::new(
            "transaction_read_only",
            User,
            Kind::Bool(b(&TRANSACTION_READ_ONLY)),
        )
        .about("Sets the current transaction's read-only status."),
        Builtin::new("application_name", User, Kind::Str(s(&APPLICATION_NAME)))
            .about("Name of the client application, shown in pg_stat_activity.")
            .check(check_application_name)
            .reported(),
        Builtin::new("client_encoding", User, Kind::Str(s(&CLIENT_ENCODING)))
            .about("Client's character set encoding.")
            .check(check_client_encoding)
            .reported(),
        Builtin::new("DateStyle", User, Kind::Str(s(&DATESTYLE)))
            .about("Display format for dates (always ISO) and the order of ambiguous input fields.")
            .check(check_datestyle)
            .reported(),
        Builtin::new("TimeZone", User, Kind::Str(s(&TIMEZONE)))
            .about("Time zone reported to clients.")
            .check(check_nonempty)
            .reported(),
        Builtin::new(
            "IntervalStyle",
            User,
            Kind::Enum {
                handle: s(&INTERVALSTYLE),
                allowed: INTERVAL_STYLES,
            },
        )
        .about("Display format for intervals.")
        .reported(),
        Builtin::new(
            "extra_float_digits",
            User,
            int(i(&EXTRA_FLOAT_DIGITS), -15, 3, GucUnit::None),
        )
        .about("Extra digits for floating-point output; 1 or more gives the shortest exact form."),
        Builtin::new("search_path", User, Kind::Str(s(&SEARCH_PATH)))
            .about("Schema search order for unqualified names."),
        Builtin::new(
            "password_encryption",
            User,
            Kind::Enum {
                handle: s(&PASSWORD_ENCRYPTION),
                allowed: PASSWORD_ENCRYPTIONS,
            },
        )
        .about("Algorithm to hash passwords with."),
        Builtin::new(
            "standard_conforming_strings",
            User,
            Kind::Bool(b(&STANDARD_CONFORMING_STRINGS)),
        )
        .about("'...' strings treat backslashes literally (always on in minipg).")
        .check(check_standard_conforming_strings)
        .reported(),
        Builtin::new("integer_datetimes", User, Kind::Bool(b(&INTEGER_DATETIMES)))
            .about("Datetimes are integer based.")
            .read_only()
            .reported(),
        Builtin::new("server_version", User, Kind::Str(s(&SERVER_VERSION)))
            .about("Server version.")
            .read_only()
            .reported(),
        Builtin::new(
            "server_version_num",
            User,
            int(i(&SERVER_VERSION_NUM), 150000, 150000, GucUnit::None),
        )
        .about("Server version as an integer.")
        .read_only(),
        Builtin::new("server_encoding", User, Kind::Str(s(&SERVER_ENCODING)))
            .about("Server (database) character set encoding.")
            .read_only()
            .reported(),
    ];

    for Builtin(definition) in builtins {
        let name = definition.name.clone();
        if let Err(error) = registry.define(definition) {
            match error {
                // `init_builtins` on a registry that has them already: nothing to do.
                GucError::AlreadyDefined { .. } => {}
                other => panic!("built-in setting \"{name}\" is defined wrongly: {other}"),
            }
        }
    }
}

/// PostgreSQL keeps `application_name` printable ASCII and under 64 bytes.
fn check_application_name(value: Value) -> Result<Value, String> {
    match value {
        Value::Str(s) => {
            let mut clean: String = s
                .chars()
                .map(|c| if (' '..='~').contains(&c) { c } else { '?' })
                .collect();
            clean.truncate(63);
            Ok(Value::Str(clean))
        }
        other => Ok(other),
    }
}

/// Accepts UTF8 in any spelling ("utf-8", "Unicode"), and SQL_ASCII, which psql sends in the C
/// locale and which means "no conversion" — exactly what minipg does.
fn check_client_encoding(value: Value) -> Result<Value, String> {
    let Value::Str(s) = value else {
        return Ok(value);
    };
    let folded: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_uppercase();
    match folded.as_str() {
        "UTF8" | "UNICODE" => Ok(Value::Str("UTF8".into())),
        "SQLASCII" => Ok(Value::Str("SQL_ASCII".into())),
        _ => Err("minipg supports only the UTF8 client encoding.".to_string()),
    }
}

/// Accepts PostgreSQL's DateStyle key words, canonicalized to "ISO, <order>"; refuses output
/// styles other than ISO, which minipg cannot produce.
fn check_datestyle(value: Value) -> Result<Value, String> {
    let Value::Str(s) = value else {
        return Ok(value);
    };
    let mut style: Option<&'static str> = None;
    let mut order: Option<&'static str> = None;
    let set = |slot: &mut Option<&'static str>, to: &'static str| match slot {
        Some(previous) if *previous != to => {
            Err("Conflicting \"datestyle\" specifications.".to_string())
        }
        _ => {
            *slot = Some(to);
            Ok(())
        }
    };
    let mut tokens = 0;
    for token in s.split(|c: char| c == ',' || c.is_whitespace()) {
        if token.is_empty() {
            continue;
        }
        tokens += 1;
        match token.to_ascii_lowercase().as_str() {
            "iso" => set(&mut style, "ISO")?,
            "postgres" | "sql" | "german" => {
                return Err("minipg writes dates only in the ISO style.".to_string());
            }
            "ymd" => set(&mut order, "YMD")?,
            "dmy" | "euro" | "european" => set(&mut order, "DMY")?,
            "mdy" | "us" | "noneuro" | "noneuropean" => set(&mut order, "MDY")?,
            "default" => {
                set(&mut style, "ISO")?;
                set(&mut order, "MDY")?;
            }
            _ => return Err(format!("Unrecognized key word: \"{token}\".")),
        }
    }
    if tokens == 0 {
        return Err("A list of DateStyle key words is required, such as \"ISO, MDY\".".to_string());
    }
    Ok(Value::Str(format!("ISO, {}", order.unwrap_or("MDY"))))
}

fn check_nonempty(value: Value) -> Result<Value, String> {
    match &value {
        Value::Str(s) if s.trim().is_empty() => Err("A non-empty value is required.".to_string()),
        _ => Ok(value),
    }
}

fn check_standard_conforming_strings(value: Value) -> Result<Value, String> {
    match value {
        Value::Bool(false) => {
            Err("minipg supports only standard_conforming_strings = on.".to_string())
        }
        other => Ok(other),
    }
}
