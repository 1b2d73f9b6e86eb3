//! LISTEN, UNLISTEN, NOTIFY and `pg_notify` for one session, as PostgreSQL has them: a
//! transaction's notifications and listen changes take effect when it commits and vanish when
//! it rolls back; identical notifications of one transaction are sent once; a listener hears
//! its own. The shared queue is the server's ([`crate::hooks::ServerHooks`]'s `notify_*`):
//! room is reserved when a notification is queued, so a full queue fails the NOTIFY (54000)
//! and a committed transaction's append always fits.
//!
//! Invariant: every reservation is either appended (commit) or released (anything else) by
//! [`Notifications::finish`], which the session calls wherever a transaction ends.

use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::ValueRef;

use crate::error::{SpiError, function_error, sqlstate};
use crate::hooks::hooks;

/// PostgreSQL's NAMEDATALEN - 1: the longest channel name.
const MAX_CHANNEL: usize = 63;
/// The longest payload PostgreSQL accepts.
const MAX_PAYLOAD: usize = 7999;

/// A LISTEN or UNLISTEN waiting for its transaction to commit.
#[derive(Debug, Clone)]
pub(crate) enum ListenAction {
    Listen(String),
    Unlisten(String),
    UnlistenAll,
}

#[derive(Debug, Default)]
struct Pending {
    notes: Vec<(String, String)>,
    actions: Vec<ListenAction>,
}

/// The open transaction's notifications and listen changes (shared with `pg_notify`, which
/// runs inside SQLite), and the channels the session listens on.
#[derive(Debug, Default)]
pub(crate) struct Notifications {
    pending: Mutex<Pending>,
    /// In the order of the LISTENs, as `pg_listening_channels()` lists them.
    listening: Mutex<Vec<String>>,
}

impl Notifications {
    fn pending(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// NOTIFY / pg_notify: checks the names as PostgreSQL does and queues the notification
    /// for the transaction's commit (reserving its room in the shared queue).
    pub(crate) fn notify(&self, channel: &str, payload: &str) -> Result<(), SpiError> {
        if channel.is_empty() {
            return Err(invalid("channel name cannot be empty"));
        }
        if channel.len() > MAX_CHANNEL {
            return Err(invalid("channel name too long"));
        }
        if payload.len() > MAX_PAYLOAD {
            return Err(invalid("payload string too long"));
        }
        let mut p = self.pending();
        if p.notes.iter().any(|(c, l)| c == channel && l == payload) {
            return Ok(());
        }
        if !hooks().notify_reserve(channel, payload) {
            return Err(SpiError::new(
                sqlstate::PROGRAM_LIMIT_EXCEEDED,
                "too many notifications in the NOTIFY queue",
            ));
        }
        p.notes.push((channel.to_string(), payload.to_string()));
        Ok(())
    }

    /// Where a savepoint made now starts: the numbers of queued notifications and listen
    /// changes.
    pub(crate) fn mark(&self) -> (usize, usize) {
        let p = self.pending();
        (p.notes.len(), p.actions.len())
    }

    /// ROLLBACK TO a savepoint: what was queued since `mark` is dropped (its queue room given
    /// back), as PostgreSQL drops a rolled-back subtransaction's notifications.
    pub(crate) fn rollback_to(&self, (notes, actions): (usize, usize)) {
        let mut p = self.pending();
        if notes < p.notes.len() {
            let dropped = p.notes.split_off(notes);
            hooks().notify_release(&dropped);
        }
        p.actions.truncate(actions);
    }

    /// LISTEN / UNLISTEN: applied when the transaction commits.
    pub(crate) fn listen(&self, action: ListenAction) {
        self.pending().actions.push(action);
    }

    /// The transaction ended: on commit its listen changes apply, then its notifications are
    /// sent (so a session hears what it notified after listening in the same transaction);
    /// otherwise both are dropped and the queue room is given back.
    pub(crate) fn finish(&self, database: &str, committed: bool) {
        let Pending { notes, actions } = std::mem::take(&mut *self.pending());
        if !committed {
            if !notes.is_empty() {
                hooks().notify_release(&notes);
            }
            return;
        }
        if !actions.is_empty() {
            let mut listening = self.listening.lock().unwrap_or_else(|e| e.into_inner());
            let was_listening = !listening.is_empty();
            for a in actions {
                match a {
                    ListenAction::Listen(c) => {
                        if !listening.contains(&c) {
                            listening.push(c);
                        }
                    }
                    ListenAction::Unlisten(c) => listening.retain(|l| *l != c),
                    ListenAction::UnlistenAll => listening.clear(),
                }
            }
            let listens = !listening.is_empty();
            if was_listening != listens {
                hooks().notify_listen(database, listens);
            }
            sql::func::catalog::set_listening_channels(listening.clone());
        }
        if !notes.is_empty() {
            hooks().notify_append(database, &notes);
        }
    }

    /// Hands the notifications that arrived for the channels this session listens on to `f`
    /// (sender pid, channel, payload).
    pub(crate) fn deliver(&self, f: &mut dyn FnMut(i32, &str, &str)) {
        let listening = self.listening.lock().unwrap_or_else(|e| e.into_inner());
        if listening.is_empty() {
            return;
        }
        hooks().notify_read(&mut |pid, channel, payload| {
            if listening.iter().any(|l| l == channel) {
                f(pid, channel, payload);
            }
        });
    }

    /// The session ends: it stops listening (pending work goes with the rolled-back
    /// transaction).
    pub(crate) fn close(&self, database: &str) {
        self.finish(database, false);
        let mut listening = self.listening.lock().unwrap_or_else(|e| e.into_inner());
        if !listening.is_empty() {
            listening.clear();
            sql::func::catalog::set_listening_channels(Vec::new());
            hooks().notify_listen(database, false);
        }
    }
}

fn invalid(message: &str) -> SpiError {
    SpiError::new(sqlstate::INVALID_PARAMETER_VALUE, message)
}

/// Registers `pg_notify(channel, payload)` (`sql::func::host::symbol::NOTIFY`) on `conn`.
pub(crate) fn register(conn: &Connection, state: &Arc<Notifications>) -> rusqlite::Result<()> {
    let state = Arc::clone(state);
    conn.create_scalar_function(
        sql::func::host::symbol::NOTIFY,
        2,
        FunctionFlags::SQLITE_UTF8,
        move |ctx: &mut Context<'_>| {
            let text = |i: usize| match ctx.get_raw(i) {
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                _ => String::new(),
            };
            state
                .notify(&text(0), &text(1))
                .map_err(|e| function_error(&e))?;
            Ok(crate::functions::void())
        },
    )
}
