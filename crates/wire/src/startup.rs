//! The startup phase of a connection, up to the first ReadyForQuery.
//!
//! Order, as PostgreSQL's `ProcessStartupPacket` and `InitPostgres` do it: SSLRequest (at most
//! once) is answered `S` and the TLS handshake runs when `ssl` is on over TCP (`startup_tls`),
//! else `N`; GSSENCRequest (at most once) is answered `N`; a CancelRequest is handed to the hooks and
//! the connection closes; the StartupMessage must be protocol 3.x (minor versions above 0 and
//! `_pq_.` options get NegotiateProtocolVersion) and name a `user`; the postmaster's state must
//! accept connections (57P03); client authentication (`auth`: minipg_hba.conf and the
//! password exchanges); startup-packet settings are applied as
//! session settings; the database is opened (3D000); a PGPROC is taken through the hooks
//! (53300); ParameterStatus for every reported setting, BackendKeyData.
//! Invariant: `authentication_timeout` bounds the whole wait for the startup packets.
//! Never: sends anything but `N`, `S` and the TLS handshake before a StartupMessage has been
//! read, except a FATAL.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use crate::connection::{Connection, Incoming};
use crate::protocol::backend::{self, ErrorFields};
use crate::protocol::framing::try_startup_frame;
use crate::protocol::frontend::{StartupPacket, decode_startup};
use crate::report::Failure;
use crate::{BackendConfig, BackendHooks, CanAccept};

/// What the query loop starts from.
pub struct Started {
    /// The SQL session on the requested database.
    pub session: spi::Session,
    /// `user` from the startup packet.
    pub user: String,
}

/// Sends a FATAL (when there is a client to send it to) and returns the exit code.
pub fn send_fatal<S: Read + Write + AsRawFd>(conn: &mut Connection<S>, failure: Failure) -> i32 {
    let fields = match failure {
        Failure::Fatal(fields) | Failure::Error(fields) => fields,
        Failure::TooLarge { tag, len } => Box::new(crate::session::message_too_large(tag, len)),
        Failure::ClientGone(why) => {
            tracing::info!("client connection lost during startup: {why}");
            return 0;
        }
    };
    let fields = ErrorFields {
        severity: "FATAL".into(),
        ..*fields
    };
    tracing::error!(target: "FATAL", "{}", fields.message);
    backend::error_response(&mut conn.wbuf, &fields);
    if let Err(e) = conn.flush_best_effort() {
        tracing::info!("could not send FATAL to client: {e}");
    }
    1
}

/// Runs the startup phase. `Err(exit code)` when the connection ends here.
pub fn run_startup<S: Read + Write + AsRawFd>(
    conn: &mut Connection<S>,
    cfg: &BackendConfig,
    hooks: &mut dyn BackendHooks,
) -> Result<Started, i32> {
    let timeout_secs = guc::builtin::AUTHENTICATION_TIMEOUT.get().max(1);
    let deadline = Instant::now() + Duration::from_secs(u64::try_from(timeout_secs).unwrap_or(60));
    let (minor, params) = match read_startup_packet(conn, cfg, hooks, deadline) {
        Ok(Some(p)) => p,
        Ok(None) => return Err(0),
        Err(f) => return Err(send_fatal(conn, f)),
    };
    match handshake(conn, cfg, hooks, minor, params, deadline) {
        Ok(started) => Ok(started),
        Err(f) => Err(send_fatal(conn, f)),
    }
}

/// A StartupMessage's minor protocol version and its parameters.
type StartupRequest = (u16, Vec<(String, String)>);

/// Reads packets until a 3.x StartupMessage. `Ok(None)`: the connection ends quietly (EOF,
/// CancelRequest, timeout before any startup message).
fn read_startup_packet<S: Read + Write + AsRawFd>(
    conn: &mut Connection<S>,
    cfg: &BackendConfig,
    hooks: &mut dyn BackendHooks,
    deadline: Instant,
) -> Result<Option<StartupRequest>, Failure> {
    let (mut ssl_done, mut gss_done) = (false, false);
    loop {
        let body = match conn.next(hooks, Some(deadline), try_startup_frame)? {
            Incoming::Message(body) => body,
            Incoming::Eof => {
                if !conn.rbuf.is_empty() {
                    tracing::info!("incomplete startup packet");
                }
                return Ok(None);
            }
            Incoming::Interrupted => {
                if spi::interrupt::terminate_pending() {
                    return Err(Failure::terminated());
                }
                continue;
            }
            Incoming::Timeout => {
                return Err(Failure::fatal(
                    spi::sqlstate::CONNECTION_FAILURE,
                    "canceling authentication due to timeout",
                ));
            }
            Incoming::PostmasterDeath => return Err(Failure::postmaster_died()),
        };
        match decode_startup(body)? {
            StartupPacket::SslRequest | StartupPacket::GssEncRequest if !conn.rbuf.is_empty() => {
                // Bytes sent before our answer could only be a man-in-the-middle's.
                return Err(Failure::fatal(
                    spi::sqlstate::PROTOCOL_VIOLATION,
                    "received unencrypted data after SSL request",
                ));
            }
            StartupPacket::SslRequest if !ssl_done => {
                ssl_done = true;
                if !crate::startup_tls::answer_ssl_request(conn, cfg, hooks, deadline)? {
                    return Ok(None);
                }
            }
            StartupPacket::GssEncRequest if !gss_done => {
                gss_done = true;
                backend::encryption_refused(&mut conn.wbuf);
                conn.flush(hooks)?;
            }
            StartupPacket::SslRequest | StartupPacket::GssEncRequest => {
                return Err(Failure::fatal(
                    spi::sqlstate::PROTOCOL_VIOLATION,
                    "duplicate encryption request in startup packet",
                ));
            }
            StartupPacket::Cancel { pid, key } => {
                hooks.cancel_request(pid, key);
                return Ok(None);
            }
            StartupPacket::UnsupportedVersion { major, minor } => {
                return Err(Failure::fatal(
                    spi::sqlstate::FEATURE_NOT_SUPPORTED,
                    format!(
                        "unsupported frontend protocol {major}.{minor}: server supports 3.0 to 3.0"
                    ),
                ));
            }
            StartupPacket::Startup { minor, params } => return Ok(Some((minor, params))),
        }
    }
}

/// `-c name=value` and `--name=value` switches of the `options` startup parameter (backslash
/// escapes a space, as libpq's PGOPTIONS does).
fn parse_options(options: &str) -> Result<Vec<(String, String)>, Failure> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut chars = options.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => cur.extend(chars.next()),
            c if c.is_whitespace() => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    let mut out = Vec::new();
    let mut it = words.into_iter();
    while let Some(w) = it.next() {
        let setting = if w == "-c" {
            it.next()
        } else if let Some(rest) = w.strip_prefix("-c") {
            Some(rest.to_owned())
        } else {
            w.strip_prefix("--").map(str::to_owned)
        };
        let Some(setting) = setting else {
            return Err(Failure::fatal(
                spi::sqlstate::SYNTAX_ERROR,
                format!("invalid command-line argument for server process: {w}"),
            ));
        };
        let Some((name, value)) = setting.split_once('=') else {
            return Err(Failure::fatal(
                spi::sqlstate::SYNTAX_ERROR,
                format!("-c {setting} requires a value"),
            ));
        };
        out.push((name.replace('-', "_"), value.to_owned()));
    }
    Ok(out)
}

fn handshake<S: Read + Write + AsRawFd>(
    conn: &mut Connection<S>,
    cfg: &BackendConfig,
    hooks: &mut dyn BackendHooks,
    minor: u16,
    params: Vec<(String, String)>,
    deadline: Instant,
) -> Result<Started, Failure> {
    let mut user = None;
    let mut database = None;
    let mut settings = Vec::new();
    let mut unrecognized = Vec::new();
    for (name, value) in params {
        match name.as_str() {
            "user" => user = Some(value),
            "database" => database = Some(value),
            "options" => settings.extend(parse_options(&value)?),
            "replication" => {
                if !matches!(value.as_str(), "false" | "off" | "no" | "0") {
                    return Err(Failure::fatal(
                        spi::sqlstate::FEATURE_NOT_SUPPORTED,
                        "minipg does not support replication connections",
                    ));
                }
            }
            n if n.starts_with("_pq_.") => unrecognized.push(name),
            _ => settings.push((name, value)),
        }
    }
    let user = user.filter(|u| !u.is_empty()).ok_or_else(|| {
        Failure::fatal(
            spi::sqlstate::INVALID_AUTHORIZATION_SPECIFICATION,
            "no PostgreSQL user name specified in startup packet",
        )
    })?;
    let database = database
        .filter(|d| !d.is_empty())
        .unwrap_or_else(|| user.clone());
    if minor > 0 || !unrecognized.is_empty() {
        backend::negotiate_protocol_version(&mut conn.wbuf, 0, &unrecognized);
    }
    match cfg.can_accept {
        CanAccept::Ok => {}
        CanAccept::Startup => {
            return Err(Failure::fatal(
                spi::sqlstate::CANNOT_CONNECT_NOW,
                "the database system is starting up",
            ));
        }
        CanAccept::Recovery => {
            return Err(Failure::fatal(
                spi::sqlstate::CANNOT_CONNECT_NOW,
                "the database system is in recovery mode",
            ));
        }
        CanAccept::Shutdown => {
            return Err(Failure::fatal(
                spi::sqlstate::CANNOT_CONNECT_NOW,
                "the database system is shutting down",
            ));
        }
    }
    hooks
        .admit()
        .map_err(|e| Failure::fatal(e.sqlstate, e.message))?;
    let authenticated = crate::auth::authenticate(conn, cfg, hooks, &user, &database, deadline)?;
    backend::authentication_ok(&mut conn.wbuf);
    for (name, value) in &settings {
        if let Err(e) = guc::set_session(name, Some(value), authenticated.role.superuser) {
            return Err(Failure::fatal(e.sqlstate(), e.to_string()));
        }
    }
    let opts = spi::OpenOptions {
        synchronous_commit: guc::builtin::SYNCHRONOUS_COMMIT.get(),
        ..spi::OpenOptions::default()
    };
    let session = spi::Session::open(&cfg.data_dir, &database, &user, opts).map_err(|e| {
        let mut f = Failure::from(e);
        if let Failure::Error(fields) = f {
            f = Failure::Fatal(fields);
        }
        f
    })?;
    let key = hooks
        .attach(&user, &database)
        .map_err(|e| Failure::fatal(e.sqlstate, e.message))?;
    if let Some(info) = conn.tls_info() {
        hooks.report_tls(&info);
    }
    // Every setting guc marks as reported (PostgreSQL's GUC_REPORT).
    for (name, value) in guc::reported_parameters() {
        backend::parameter_status(&mut conn.wbuf, &name, &value);
    }
    let superuser = if authenticated.role.superuser {
        "on"
    } else {
        "off"
    };
    backend::parameter_status(&mut conn.wbuf, "is_superuser", superuser);
    backend::parameter_status(&mut conn.wbuf, "session_authorization", &user);
    backend::backend_key_data(&mut conn.wbuf, std::process::id() as i32, key);
    tracing::debug!(
        "connection authorized: user={user} database={database} remote={}",
        cfg.remote
    );
    Ok(Started { session, user })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_parsed_like_pgoptions() {
        let o = parse_options("-c statement_timeout=5s --application-name=a\\ b -cDateStyle=ISO")
            .unwrap();
        assert_eq!(
            o,
            vec![
                ("statement_timeout".into(), "5s".into()),
                ("application_name".into(), "a b".into()),
                ("DateStyle".into(), "ISO".into()),
            ]
        );
        assert!(parse_options("-c").is_err());
        assert!(parse_options("-c novalue").is_err());
        assert!(parse_options("bogus").is_err());
    }
}
