//! Client authentication during startup: PostgreSQL's `ClientAuthentication`.
//!
//! The connection is checked against the postmaster's `minipg_hba.conf` rules (inherited
//! through fork); the first matching rule's method runs: `trust`, `reject`, `password`
//! (AuthenticationCleartextPassword), `md5` (AuthenticationMD5Password, or SCRAM when the role's
//! stored password is a SCRAM verifier, as PostgreSQL does) or `scram-sha-256` (AuthenticationSASL,
//! SASLContinue, SASLFinal; SCRAM-SHA-256-PLUS too over TLS). Then the role must exist and may log in.
//!
//! Answers as PostgreSQL's: no rule → FATAL 28000 `no pg_hba.conf entry for host …`; `reject` →
//! FATAL 28000 `pg_hba.conf rejects connection for host …`; any password failure — wrong
//! password, unknown role, no password, expired password, a stored secret the method cannot use
//! — → FATAL 28P01 `password authentication failed for user "…"`, after a full exchange (a mock
//! one when there is nothing to check against), so a client cannot tell which; the reason goes
//! to the server log only. After authentication: unknown role → FATAL 28000 `role "…" does not
//! exist`; `can_login = false` → FATAL 28000 `role "…" is not permitted to log in`.
//! A process where no rules were installed (unit tests over a socket pair) trusts every
//! connection.
//! Never: waits for the client past the startup deadline (`authentication_timeout`); accepts an
//! authentication message longer than PostgreSQL's 65535-byte token limit.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::time::{Instant, SystemTime};

use auth::hba::{self, Method};
use auth::scram::{self, Exchange, Step};
use bytes::{Buf, Bytes, BytesMut};
use spi::sqlstate;

use crate::connection::{Connection, Incoming};
use crate::error::WireError;
use crate::login::{self, LoginRole};
use crate::protocol::MessageReader;
use crate::protocol::backend;
use crate::report::Failure;
use crate::{BackendConfig, BackendHooks};

/// PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH.
const MAX_AUTH_MESSAGE: usize = 65535;

/// Who may connect, decided: the role to run the session as.
pub(crate) struct Authenticated {
    /// The role, as the lookup returned it.
    pub role: LoginRole,
}

/// Cuts one authentication response (`p`) off the input.
fn try_auth_frame(buf: &mut BytesMut) -> crate::error::Result<Option<Bytes>> {
    let Some(&tag) = buf.first() else {
        return Ok(None);
    };
    if tag != b'p' {
        return Err(WireError::protocol(format!(
            "expected password response, got message type {tag}"
        )));
    }
    if buf.len() < 5 {
        return Ok(None);
    }
    let declared = i32::from_be_bytes([buf[1], buf[2], buf[3], buf[4]]);
    let len = usize::try_from(declared).unwrap_or(0);
    if !(4..=MAX_AUTH_MESSAGE + 4).contains(&len) {
        return Err(WireError::protocol(format!(
            "invalid message length {declared} for message type \"p\""
        )));
    }
    if buf.len() < 1 + len {
        return Ok(None);
    }
    let mut msg = buf.split_to(1 + len).freeze();
    msg.advance(5);
    Ok(Some(msg))
}

/// Sends what is buffered and waits for the client's next authentication message.
fn response<S: Read + Write + AsRawFd>(
    conn: &mut Connection<S>,
    hooks: &mut dyn BackendHooks,
    deadline: Instant,
) -> Result<Bytes, Failure> {
    loop {
        match conn.next(hooks, Some(deadline), try_auth_frame)? {
            Incoming::Message(body) => return Ok(body),
            // libpq hangs up when it learns it needs a password it does not have; PostgreSQL
            // logs nothing for that.
            Incoming::Eof => {
                return Err(Failure::ClientGone("EOF during authentication".to_owned()));
            }
            Incoming::Interrupted => {
                if spi::interrupt::terminate_pending() {
                    return Err(Failure::terminated());
                }
            }
            Incoming::Timeout => {
                return Err(Failure::fatal(
                    sqlstate::CONNECTION_FAILURE,
                    "canceling authentication due to timeout",
                ));
            }
            Incoming::PostmasterDeath => return Err(Failure::postmaster_died()),
        }
    }
}

/// Why a password check failed, for the server log (PostgreSQL's DETAIL).
fn no_secret_reason(role: Option<&LoginRole>, user: &str) -> Option<String> {
    let Some(role) = role else {
        return Some(format!("Role \"{user}\" does not exist."));
    };
    if role.password.is_none() {
        return Some(format!("User \"{user}\" has no password assigned."));
    }
    if role.valid_until.is_some_and(|t| t < SystemTime::now()) {
        return Some(format!("User \"{user}\" has an expired password."));
    }
    None
}

/// Runs the hba check and the method's exchange; then the role checks.
pub(crate) fn authenticate<S: Read + Write + AsRawFd>(
    conn: &mut Connection<S>,
    cfg: &BackendConfig,
    hooks: &mut dyn BackendHooks,
    user: &str,
    database: &str,
    deadline: Instant,
) -> Result<Authenticated, Failure> {
    let role = login::lookup(user).map_err(|e| Failure::fatal(sqlstate::INTERNAL_ERROR, e))?;
    if let Some(installed) = hba::installed() {
        let ssl = conn.is_tls();
        let member = |g: &str| {
            g == user
                || role
                    .as_ref()
                    .is_some_and(|r| r.member_of.iter().any(|m| m == g))
        };
        let client = hba::Client {
            addr: cfg.peer,
            ssl,
            database,
            user,
        };
        let host = cfg
            .peer
            .map_or_else(|| "[local]".to_owned(), |a| a.to_string());
        let encryption = if ssl {
            "SSL encryption"
        } else {
            "no encryption"
        };
        let Some(rule) = hba::find(&installed.rules, &client, &member) else {
            return Err(Failure::fatal(
                sqlstate::INVALID_AUTHORIZATION_SPECIFICATION,
                format!(
                    "no pg_hba.conf entry for host \"{host}\", user \"{user}\", database \"{database}\", {encryption}"
                ),
            ));
        };
        let outcome = match rule.method {
            Method::Trust => Ok(()),
            Method::Reject => {
                return Err(Failure::fatal(
                    sqlstate::INVALID_AUTHORIZATION_SPECIFICATION,
                    format!(
                        "pg_hba.conf rejects connection for host \"{host}\", user \"{user}\", database \"{database}\", {encryption}"
                    ),
                ));
            }
            method => {
                let mut check = PasswordCheck {
                    conn,
                    hooks,
                    role: role.as_ref(),
                    user,
                    deadline,
                };
                match method {
                    Method::Md5 => check.md5()?,
                    Method::ScramSha256 => check.scram()?,
                    _ => check.cleartext()?,
                }
            }
        };
        if let Err(reason) = outcome {
            tracing::info!(
                "password authentication failed for user \"{user}\": {reason} Connection matched {} line {}: \"{}\"",
                hba::FILE_NAME,
                rule.line_number,
                rule.text
            );
            return Err(Failure::fatal(
                sqlstate::INVALID_PASSWORD,
                format!("password authentication failed for user \"{user}\""),
            ));
        }
    }
    let Some(role) = role else {
        return Err(Failure::fatal(
            sqlstate::INVALID_AUTHORIZATION_SPECIFICATION,
            format!("role \"{user}\" does not exist"),
        ));
    };
    if !role.can_login {
        return Err(Failure::fatal(
            sqlstate::INVALID_AUTHORIZATION_SPECIFICATION,
            format!("role \"{user}\" is not permitted to log in"),
        ));
    }
    Ok(Authenticated { role })
}

/// The stored secret to check against, or why there is none.
fn stored(role: Option<&LoginRole>, user: &str) -> Result<auth::Stored, String> {
    if let Some(reason) = no_secret_reason(role, user) {
        return Err(reason);
    }
    let pw = role.and_then(|r| r.password.as_deref()).unwrap_or("");
    Ok(auth::Stored::parse(pw))
}

/// One client's password exchange: its connection, the hooks its waits go through, the role it
/// asks to log in as (`None`: no such role; the exchange still runs, as PostgreSQL's does) and
/// the authentication deadline. Each method returns `Ok(Err(reason))` for a wrong password,
/// the reason being the server log's DETAIL.
struct PasswordCheck<'a, S> {
    conn: &'a mut Connection<S>,
    hooks: &'a mut dyn BackendHooks,
    role: Option<&'a LoginRole>,
    user: &'a str,
    deadline: Instant,
}

impl<S: Read + Write + AsRawFd> PasswordCheck<'_, S> {
    /// The client's next authentication message.
    fn response(&mut self) -> Result<Bytes, Failure> {
        response(self.conn, self.hooks, self.deadline)
    }

    /// A PasswordMessage's one string (a password, or an MD5 answer).
    fn password_message(&mut self) -> Result<String, Failure> {
        let body = self.response()?;
        let mut r = MessageReader::new(body, "password");
        let password = r.cstr()?;
        r.finish()?;
        Ok(password)
    }

    /// `password`: AuthenticationCleartextPassword.
    fn cleartext(&mut self) -> Result<Result<(), String>, Failure> {
        backend::authentication_cleartext_password(&mut self.conn.wbuf);
        let password = self.password_message()?;
        if password.is_empty() {
            return Ok(Err("empty password returned by client".to_owned()));
        }
        Ok(stored(self.role, self.user)
            .and_then(|stored| self.matched(auth::check_cleartext(&stored, self.user, &password))))
    }

    /// `md5`: SCRAM when the stored secret is a SCRAM verifier, else the MD5 challenge.
    fn md5(&mut self) -> Result<Result<(), String>, Failure> {
        let stored = stored(self.role, self.user);
        if let Ok(auth::Stored::Scram(_)) = stored {
            return self.scram();
        }
        let salt = scram::random_bytes::<4>();
        backend::authentication_md5_password(&mut self.conn.wbuf, salt);
        let answer = self.password_message()?;
        Ok(stored
            .and_then(|stored| self.matched(auth::check_md5(&stored, self.user, &salt, &answer))))
    }

    /// A check's result: a mismatch's reason names the user.
    fn matched(&self, ok: bool) -> Result<(), String> {
        if ok { Ok(()) } else { Err(self.mismatch()) }
    }

    fn mismatch(&self) -> String {
        format!("Password does not match for user \"{}\".", self.user)
    }

    /// `scram-sha-256`: AuthenticationSASL and the SCRAM-SHA-256 exchange.
    fn scram(&mut self) -> Result<Result<(), String>, Failure> {
        let user = self.user;
        let (verifier, reason) = match stored(self.role, user) {
            Ok(auth::Stored::Scram(v)) => (Some(v), None),
            Ok(_) => (
                None,
                Some(format!(
                    "User \"{user}\" does not have a valid SCRAM secret."
                )),
            ),
            Err(reason) => (None, Some(reason)),
        };
        let binding = self.conn.channel_binding();
        if binding.is_some() {
            backend::authentication_sasl(
                &mut self.conn.wbuf,
                &[scram::MECHANISM_PLUS, scram::MECHANISM],
            );
        } else {
            backend::authentication_sasl(&mut self.conn.wbuf, &[scram::MECHANISM]);
        }
        let body = self.response()?;
        let mut r = MessageReader::new(body, "SASLInitialResponse");
        let mechanism = r.cstr()?;
        let len = r.i32()?;
        let data = if len < 0 {
            Bytes::new()
        } else {
            r.bytes(usize::try_from(len).unwrap_or(usize::MAX))?
        };
        r.finish()?;
        let plus = binding.is_some() && mechanism == scram::MECHANISM_PLUS;
        if mechanism != scram::MECHANISM && !plus {
            return Err(Failure::fatal(
                sqlstate::PROTOCOL_VIOLATION,
                "client selected an invalid SASL authentication mechanism",
            ));
        }
        let mut exchange = Exchange::with_binding(verifier, user, binding, plus);
        let first = exchange.step(&data).map_err(scram_failure)?;
        let Step::Continue(server_first) = first else {
            return Err(Failure::fatal(
                sqlstate::PROTOCOL_VIOLATION,
                "malformed SCRAM message",
            ));
        };
        backend::authentication_sasl_data(&mut self.conn.wbuf, false, server_first.as_bytes());
        let body = self.response()?;
        match exchange.step(&body).map_err(scram_failure)? {
            Step::Success(server_final) => {
                backend::authentication_sasl_data(
                    &mut self.conn.wbuf,
                    true,
                    server_final.as_bytes(),
                );
                Ok(Ok(()))
            }
            Step::Failure => Ok(Err(reason.unwrap_or_else(|| self.mismatch()))),
            Step::Continue(_) => Err(Failure::fatal(
                sqlstate::PROTOCOL_VIOLATION,
                "malformed SCRAM message",
            )),
        }
    }
}

/// The `malformed SCRAM message` FATAL.
fn scram_failure(e: scram::ScramError) -> Failure {
    if e.0.starts_with("client ") {
        return Failure::fatal(sqlstate::FEATURE_NOT_SUPPORTED, e.0);
    }
    let mut f = crate::protocol::backend::ErrorFields::new(
        "FATAL",
        sqlstate::PROTOCOL_VIOLATION,
        "malformed SCRAM message",
    );
    f.detail = Some(e.0);
    Failure::Fatal(Box::new(f))
}
