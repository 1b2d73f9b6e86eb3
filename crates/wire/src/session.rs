//! The query loop of one backend: PostgreSQL's `PostgresMain` after startup.
//!
//! States: *idle* (ReadyForQuery sent; the wait may time out for
//! `idle_in_transaction_session_timeout`, SIGTERM ends the session), *busy* (running a statement
//! under `statement_timeout`), and *skipping* (an extended-protocol message failed: every message
//! but Sync and Terminate is discarded, PostgreSQL's `ignore_till_sync`).
//! Invariants: exactly one ReadyForQuery per simple Query and per Sync; ParameterStatus is sent
//! whenever a reported setting's value differs from what the client last saw; the SQL session's
//! open transaction is rolled back whenever the session ends.
//! Never: panics on client input; leaves a FATAL unsent when the client is still there.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::rc::Rc;
use std::time::{Duration, Instant};

use spi::sqlstate;

use crate::BackendHooks;
use crate::connection::{Connection, Incoming, WRITE_HIGH_WATER};
use crate::extended::{Portal, PreparedStatement};
use crate::protocol::backend::{self, ErrorFields};
use crate::protocol::framing::{Frame, try_frame_within};
use crate::protocol::frontend::{self, FrontendMessage};
use crate::report::Failure;
use crate::startup::{Started, send_fatal};

/// One client backend after startup.
pub struct Backend<'h, S> {
    pub(crate) conn: Connection<S>,
    pub(crate) hooks: &'h mut dyn BackendHooks,
    pub(crate) session: spi::Session,
    pub(crate) statements: HashMap<String, Rc<PreparedStatement>>,
    pub(crate) portals: HashMap<String, Portal>,
    /// Values of the reported settings the client last saw.
    reported: Vec<(String, String)>,
    /// `guc::generation()` when `reported` was last compared with the settings.
    settings_generation: u64,
    /// Skipping messages until Sync after an extended-protocol error.
    ignore_till_sync: bool,
}

/// Frames the next message with the `max_message_size` limit.
pub(crate) fn within_max_message_size(
    buf: &mut bytes::BytesMut,
) -> crate::error::Result<Option<Frame>> {
    let max = usize::try_from(guc::builtin::MAX_MESSAGE_SIZE.get()).unwrap_or(usize::MAX);
    try_frame_within(buf, max)
}

/// ERROR 54000 for a message over `max_message_size`.
pub(crate) fn message_too_large(tag: u8, len: usize) -> ErrorFields {
    let mut fields = ErrorFields::new(
        "ERROR",
        sqlstate::PROGRAM_LIMIT_EXCEEDED,
        format!("message of {len} bytes exceeds the maximum message size"),
    );
    fields.detail = Some(format!(
        "The message (type \"{}\") was skipped unread; max_message_size is {} bytes.",
        char::from(tag),
        guc::builtin::MAX_MESSAGE_SIZE.get()
    ));
    fields
}

/// The `pg_stat_activity.state` for an idle session in this transaction state.
fn idle_state(tx: spi::TxStatus) -> &'static str {
    match tx {
        spi::TxStatus::Idle => "idle",
        spi::TxStatus::InBlock => "idle in transaction",
        spi::TxStatus::Failed => "idle in transaction (aborted)",
    }
}

pub(crate) use crate::values::{RowWriter, describe_columns, write_data_row};

impl<'h, S: Read + Write + AsRawFd> Backend<'h, S> {
    /// A backend whose startup succeeded.
    pub fn new(conn: Connection<S>, hooks: &'h mut dyn BackendHooks, started: Started) -> Self {
        let settings_generation = guc::generation();
        let reported = guc::reported_parameters();
        tracing::debug!("session of user {} started", started.user);
        Backend {
            conn,
            hooks,
            session: started.session,
            statements: HashMap::new(),
            portals: HashMap::new(),
            reported,
            settings_generation,
            ignore_till_sync: false,
        }
    }

    /// The query loop; returns the exit code.
    pub fn run(mut self) -> i32 {
        self.ready_for_query();
        let code = loop {
            match self.step() {
                Ok(None) => {}
                Ok(Some(code)) => break code,
                Err(Failure::Fatal(fields)) => {
                    self.session.abort_if_in_transaction();
                    break send_fatal(&mut self.conn, Failure::Fatal(fields));
                }
                Err(Failure::ClientGone(why)) => {
                    tracing::info!("could not communicate with client: {why}");
                    break 0;
                }
                Err(Failure::TooLarge { tag, len }) => self.too_large(tag, len),
                Err(Failure::Error(fields)) => {
                    // Only extended-protocol messages get here: report, then skip until Sync.
                    // Errors the SQL layer raised already failed the block; protocol-level
                    // ones (Bind, unknown portal) fail it here.
                    self.session.fail_transaction_block();
                    self.send_error(&fields);
                    self.ignore_till_sync = true;
                }
            }
        };
        self.session.abort_if_in_transaction();
        spi::interrupt::set_statement_deadline(None);
        if self.hooks.exit_after_session() {
            let Backend { session, conn, .. } = self;
            drop(conn);
            std::mem::forget(session);
        }
        code
    }

    /// Sends ReadyForQuery and notes the idle state.
    fn ready_for_query(&mut self) {
        let tx = self.session.transaction_status();
        if tx == spi::TxStatus::Idle {
            // Portals live until the end of their transaction (PostgreSQL's AtCommit_Portals).
            self.portals.clear();
            self.send_notifications();
        }
        backend::ready_for_query(&mut self.conn.wbuf, tx.indicator());
        // No text: pg_stat_activity goes on showing the last statement and when it started.
        self.hooks.report_activity(idle_state(tx), None);
    }

    /// NotificationResponse for each notification that arrived on a channel this session
    /// listens on (between transactions only; see `spi::Session::take_notifications`).
    fn send_notifications(&mut self) {
        let wbuf = &mut self.conn.wbuf;
        self.session
            .take_notifications(&mut |pid, channel, payload| {
                backend::notification_response(wbuf, pid, channel, payload);
            });
    }

    /// Reads and handles one message. `Ok(Some(code))` ends the session.
    fn step(&mut self) -> Result<Option<i32>, Failure> {
        let Some(msg) = self.read_message()? else {
            return Ok(Some(0));
        };
        if self.ignore_till_sync
            && !matches!(msg, FrontendMessage::Sync | FrontendMessage::Terminate)
        {
            return Ok(None);
        }
        match msg {
            FrontendMessage::Query(sql) => self.simple_query(&sql)?,
            FrontendMessage::Parse {
                name,
                query,
                param_types,
            } => self.parse(name, &query, &param_types)?,
            FrontendMessage::Bind(bind) => self.bind(bind)?,
            FrontendMessage::Describe { target, name } => self.describe(target, &name)?,
            FrontendMessage::Execute { portal, max_rows } => self.execute(&portal, max_rows)?,
            FrontendMessage::Close { target, name } => self.close(target, &name),
            FrontendMessage::Sync => {
                self.ignore_till_sync = false;
                // The extended protocol's implicit transaction ends here: committed, or
                // rolled back when one of its messages failed.
                if let Err(e) = self.session.end_implicit() {
                    match Failure::from(e) {
                        Failure::Error(fields) => self.send_error(&fields),
                        other => return Err(other),
                    }
                }
                self.ready_for_query();
            }
            FrontendMessage::Flush => self.conn.flush(&mut *self.hooks)?,
            FrontendMessage::Terminate => return Ok(Some(0)),
            FrontendMessage::FunctionCall => {
                return Err(Failure::error(
                    spi::sqlstate::FEATURE_NOT_SUPPORTED,
                    "fast-path function calls are not supported",
                ));
            }
            // COPY data that arrives after its COPY ended (with an error) is ignored, as in
            // PostgreSQL.
            FrontendMessage::CopyData(_)
            | FrontendMessage::CopyDone
            | FrontendMessage::CopyFail(_) => {}
            FrontendMessage::Password => {
                return Err(Failure::fatal(
                    spi::sqlstate::PROTOCOL_VIOLATION,
                    "invalid frontend message type 112",
                ));
            }
        }
        if self.conn.wbuf.len() > WRITE_HIGH_WATER {
            self.conn.flush(&mut *self.hooks)?;
        }
        Ok(None)
    }

    /// A refused oversized message: its body is being skipped unread. A Query fails like
    /// any statement (ERROR, ReadyForQuery); an extended-protocol message fails the rest
    /// until Sync, as any error there does.
    fn too_large(&mut self, tag: u8, len: usize) {
        let fields = message_too_large(tag, len);
        self.session.fail_transaction_block();
        self.send_error(&fields);
        if tag == b'Q' {
            self.ready_for_query();
        } else {
            self.ignore_till_sync = true;
        }
    }

    /// The next message, handling idle-time events. `Ok(None)`: EOF.
    fn read_message(&mut self) -> Result<Option<FrontendMessage>, Failure> {
        let deadline = self.idle_deadline();
        loop {
            if spi::interrupt::terminate_pending() {
                return Err(Failure::terminated());
            }
            self.hooks.handle_pending_reload();
            match self
                .conn
                .next(self.hooks, deadline, within_max_message_size)?
            {
                Incoming::Message(Frame::Message(tag, body)) => {
                    return Ok(Some(frontend::decode(tag, body)?));
                }
                Incoming::Message(Frame::TooLarge { tag, len }) => {
                    self.conn.discard(len - 4);
                    return Err(Failure::TooLarge { tag, len });
                }
                Incoming::Eof => {
                    if !self.conn.rbuf.is_empty() {
                        return Err(Failure::fatal(
                            spi::sqlstate::PROTOCOL_VIOLATION,
                            "unexpected EOF within message length word",
                        ));
                    }
                    return Ok(None);
                }
                Incoming::Interrupted => {
                    // A cancel that arrives while no statement runs has nothing to cancel.
                    if !spi::interrupt::terminate_pending() {
                        spi::interrupt::clear_cancel();
                    }
                    // The latch is also how a notifier wakes a listener; idle, it is told
                    // at once (the next wait flushes the messages).
                    self.send_notifications();
                }
                Incoming::Timeout => {
                    return Err(Failure::fatal(
                        spi::sqlstate::IDLE_IN_TRANSACTION_SESSION_TIMEOUT,
                        "terminating connection due to idle-in-transaction timeout",
                    ));
                }
                Incoming::PostmasterDeath => return Err(Failure::postmaster_died()),
            }
        }
    }

    /// How long to wait for the client's next message: `idle_in_transaction_session_timeout`
    /// while idle in a block the client began, and `idle_write_lock_timeout` whenever the
    /// session holds its database's write lock (in any transaction, whatever the client set:
    /// every other writer waits for it). Either ends the session with FATAL 25P03.
    fn idle_deadline(&self) -> Option<Instant> {
        let after =
            |ms: i64| (ms > 0).then(|| Instant::now() + Duration::from_millis(ms.unsigned_abs()));
        let idle_in_block = if self.session.in_client_block() {
            after(guc::builtin::IDLE_IN_TRANSACTION_SESSION_TIMEOUT.get())
        } else {
            None
        };
        let write_lock = if self.session.holds_write_lock() {
            after(guc::builtin::IDLE_WRITE_LOCK_TIMEOUT.get())
        } else {
            None
        };
        match (idle_in_block, write_lock) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    pub(crate) fn send_error(&mut self, fields: &ErrorFields) {
        if fields.severity == "FATAL" {
            tracing::error!(target: "FATAL", "{}", fields.message);
        } else {
            tracing::error!("{}", fields.message);
        }
        backend::error_response(&mut self.conn.wbuf, fields);
    }

    /// Runs `f` as one statement: cancel cleared, statement_timeout armed, activity reported;
    /// afterwards the deadline is disarmed, a pending SIGTERM ends the session, changed reported
    /// settings are sent.
    pub(crate) fn run_statement<T>(
        &mut self,
        sql: &str,
        f: impl FnOnce(
            &mut spi::Session,
            &mut Connection<S>,
            &mut dyn BackendHooks,
        ) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        spi::interrupt::clear_cancel();
        let ms = guc::builtin::STATEMENT_TIMEOUT.get();
        let deadline = (ms > 0).then(|| Instant::now() + Duration::from_millis(ms.unsigned_abs()));
        spi::interrupt::set_statement_deadline(deadline);
        self.hooks.report_activity("active", Some(sql));
        self.conn.in_statement = true;
        let result = f(&mut self.session, &mut self.conn, &mut *self.hooks);
        self.conn.in_statement = false;
        self.conn.write_lock_timeout = None;
        spi::interrupt::set_statement_deadline(None);
        self.report_changed_settings();
        let value = result?;
        if spi::interrupt::terminate_pending() {
            return Err(Failure::terminated());
        }
        Ok(value)
    }

    /// ParameterStatus for every reported setting whose value changed.
    fn report_changed_settings(&mut self) {
        // Most statements change no setting: then there is nothing to compare.
        let generation = guc::generation();
        if generation == self.settings_generation {
            return;
        }
        self.settings_generation = generation;
        for (name, seen) in &mut self.reported {
            if let Ok(now) = guc::show(name)
                && now != *seen
            {
                backend::parameter_status(&mut self.conn.wbuf, name, &now);
                *seen = now;
            }
        }
    }

    pub(crate) fn send_notices(&mut self, notices: &[spi::Notice]) {
        crate::values::write_notices(&mut self.conn.wbuf, notices);
    }

    /// A simple Query: the session runs its statements (one implicit transaction unless they
    /// hold their own BEGIN/COMMIT), each result streaming to the client as it is produced; the
    /// first error ends the list, then one ReadyForQuery.
    fn simple_query(&mut self, sql: &str) -> Result<(), Failure> {
        // A simple Query replaces the unnamed statement, as in PostgreSQL.
        self.statements.remove("");
        let outcome = self.run_statement(sql, |session, conn, hooks| {
            let mut writer = RowWriter::simple(conn, hooks);
            let result = session.simple_query_into(sql, &mut writer);
            Ok(writer.outcome(result))
        })?;
        match outcome {
            Ok(()) => {}
            Err(Failure::Error(fields)) => self.send_error(&fields),
            Err(other) => return Err(other),
        }
        if spi::interrupt::terminate_pending() {
            return Err(Failure::terminated());
        }
        self.ready_for_query();
        Ok(())
    }
}
