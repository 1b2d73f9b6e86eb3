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

use crate::BackendHooks;
use crate::connection::{Connection, Incoming, WRITE_HIGH_WATER};
use crate::extended::{Portal, PreparedStatement};
use crate::protocol::backend::{self, ErrorFields};
use crate::protocol::framing::try_frame;
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
    /// Skipping messages until Sync after an extended-protocol error.
    ignore_till_sync: bool,
    /// The last statement text, shown by pg_stat_activity while idle.
    last_query: Option<String>,
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
        let reported = guc::reported_parameters();
        tracing::debug!("session of user {} started", started.user);
        Backend {
            conn,
            hooks,
            session: started.session,
            statements: HashMap::new(),
            portals: HashMap::new(),
            reported,
            ignore_till_sync: false,
            last_query: None,
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
        code
    }

    /// Sends ReadyForQuery and notes the idle state.
    fn ready_for_query(&mut self) {
        let tx = self.session.transaction_status();
        if tx == spi::TxStatus::Idle {
            // Portals live until the end of their transaction (PostgreSQL's AtCommit_Portals).
            self.portals.clear();
        }
        backend::ready_for_query(&mut self.conn.wbuf, tx.indicator());
        self.hooks
            .report_activity(idle_state(tx), self.last_query.as_deref());
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
            FrontendMessage::Bind {
                portal,
                statement,
                param_formats,
                params,
                result_formats,
            } => self.bind(portal, &statement, &param_formats, &params, &result_formats)?,
            FrontendMessage::Describe { target, name } => self.describe(target, &name)?,
            FrontendMessage::Execute { portal, max_rows } => self.execute(&portal, max_rows)?,
            FrontendMessage::Close { target, name } => self.close(target, &name),
            FrontendMessage::Sync => {
                self.ignore_till_sync = false;
                self.ready_for_query();
            }
            FrontendMessage::Flush => self.conn.flush()?,
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
            self.conn.flush()?;
        }
        Ok(None)
    }

    /// The next message, handling idle-time events. `Ok(None)`: EOF.
    fn read_message(&mut self) -> Result<Option<FrontendMessage>, Failure> {
        let deadline = self.idle_deadline();
        loop {
            if spi::interrupt::terminate_pending() {
                return Err(Failure::terminated());
            }
            self.hooks.handle_pending_reload();
            match self.conn.next(self.hooks, deadline, try_frame)? {
                Incoming::Message((tag, body)) => return Ok(Some(frontend::decode(tag, body)?)),
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

    /// When idle inside a transaction block, the idle_in_transaction_session_timeout deadline.
    fn idle_deadline(&self) -> Option<Instant> {
        if self.session.transaction_status() == spi::TxStatus::Idle {
            return None;
        }
        let ms = guc::builtin::IDLE_IN_TRANSACTION_SESSION_TIMEOUT.get();
        (ms > 0).then(|| Instant::now() + Duration::from_millis(ms.unsigned_abs()))
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
        self.last_query = Some(sql.to_owned());
        let result = f(&mut self.session, &mut self.conn, &mut *self.hooks);
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
