//! Portals that hold their open statement: an extended-protocol Execute with a row limit
//! sends that many rows and suspends; the next Execute steps the same SQLite statement on.
//! Nothing is materialized, whatever the result's size (a write's RETURNING rows are buffered
//! by SQLite itself, as its RETURNING always is).
//!
//! States of one portal: *open* (in [`Portals`], its statement between rows) → *done* (the
//! statement returned SQLITE_DONE: removed, its tag returned) or *failed* (an error: removed,
//! the block fails as for any error) or *closed* (Close, or the end of its transaction).
//! A portal lives inside a transaction: opening one outside a block starts the extended
//! protocol's implicit transaction, and every transaction end closes every portal
//! (PostgreSQL's AtCommit_Portals / AtAbort_Portals), before SQLite's COMMIT or ROLLBACK.
//!
//! Invariant: every [`OpenStatement`] here belongs to the session's connection and is
//! finalized before that connection closes (see `cursor.rs`): `Session` declares `portals`
//! before `sql` and empties it in `abort_if_in_transaction`, which its `Drop` calls.

use std::collections::HashMap;

use sql::Value;
use sql::plan::{Plan, QueryPlan, Utility};

use super::{Body, Prepared, Session, TxStatus, aborted};
use crate::cursor::OpenStatement;
use crate::error::{SpiError, sqlstate};
use crate::exec;
use crate::interrupt;
use crate::result::{QueryResult, ResultSink};
use crate::runtime;

/// A suspended portal's handle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PortalId(u64);

/// What a fetch from a portal ended with.
#[derive(Debug)]
pub enum Fetched {
    /// The row limit was reached; the statement may have more (PortalSuspended).
    Suspended,
    /// The statement finished: its tag (`SELECT n` counting every row it returned, `INSERT
    /// 0 n`…). The portal is gone.
    Done(QueryResult),
}

/// One open portal.
struct OpenPortal {
    stmt: OpenStatement,
    plan: QueryPlan,
    /// Rows returned (or, for a write without RETURNING, to be read from `changes()`).
    processed: u64,
}

/// The session's open portals.
#[derive(Default)]
pub(super) struct Portals {
    open: HashMap<PortalId, OpenPortal>,
    next: u64,
}

impl Portals {
    /// Finalizes every open statement (a transaction ends, or the session does).
    pub(super) fn close_all(&mut self) {
        self.open.clear();
    }
}

fn portal_gone() -> SpiError {
    SpiError::new(sqlstate::INVALID_CURSOR_NAME, "portal does not exist")
}

impl Prepared {
    /// Whether an Execute with a row limit can suspend it: a query (SELECT, VALUES, a write
    /// with or without RETURNING) or SQL's EXECUTE of one. Utilities, DDL and COPY run whole.
    pub fn can_suspend(&self) -> bool {
        matches!(&self.0.body, Body::Plan(p) if matches!(
            p.as_ref(),
            Plan::Query(_) | Plan::Utility(Utility::Execute { .. })
        ))
    }
}

impl Session {
    /// Starts `stmt` with `params` as a portal whose rows [`Session::fetch_portal`] reads on
    /// demand. Outside a transaction this starts the implicit one that Sync ends
    /// ([`Session::end_implicit`]). Only for statements that [`Prepared::can_suspend`].
    pub fn open_portal(&mut self, stmt: &Prepared, params: &[Value]) -> Result<PortalId, SpiError> {
        if interrupt::terminate_pending() {
            interrupt::check()?;
        }
        if self.tx == TxStatus::Failed {
            return Err(aborted());
        }
        self.begin_implicit();
        let result = self.open_portal_inner(stmt, params);
        match &result {
            Err(_) if self.tx == TxStatus::InBlock => self.fail_statement(),
            Ok(_) => self.count_pipelined(),
            Err(_) => {}
        }
        result
    }

    fn open_portal_inner(
        &mut self,
        stmt: &Prepared,
        params: &[Value],
    ) -> Result<PortalId, SpiError> {
        let resolved;
        let (whole, params) = match &stmt.0.body {
            Body::Plan(p) => match p.as_ref() {
                Plan::Utility(Utility::Execute { name, args }) => {
                    resolved = self.resolve_named(name, args)?;
                    match &resolved.0.0.body {
                        Body::Plan(p) => (p.as_ref(), &resolved.1[..]),
                        Body::Empty => return Err(not_suspendable()),
                    }
                }
                p => (p, params),
            },
            Body::Empty => return Err(not_suspendable()),
        };
        let Plan::Query(plan) = whole else {
            return Err(not_suspendable());
        };
        self.refuse_write_if_read_only(whole)?;
        self.ensure_begun(plan.writes())?;
        // The same privilege checks as a statement run whole.
        self.sql
            .trusted(|c| crate::privileges::check_access(c, &plan.access))?;
        let params = exec::coerce_params(plan, params)?;
        runtime::start_statement_clock();
        let client_block = self.implicit == super::Implicit::None;
        let sql = &self.sql;
        sql.auth.reset();
        let fail = |e| exec::client_error(sql, e, client_block);
        // SAFETY: the statement goes into `self.portals`, which is emptied before `self.sql`
        // closes (this module's invariant).
        let mut open = unsafe { OpenStatement::prepare(&sql.conn, &plan.sqlite) }.map_err(fail)?;
        for (i, v) in params.iter().enumerate() {
            open.bind(i + 1, v).map_err(fail)?;
        }
        let id = PortalId(self.portals.next);
        self.portals.next += 1;
        self.portals.open.insert(
            id,
            OpenPortal {
                stmt: open,
                plan: plan.clone(),
                processed: 0,
            },
        );
        Ok(id)
    }

    /// Hands up to `max_rows` (0: all) more rows of the portal to `sink` (its `row` only).
    /// An error closes the portal and fails the transaction.
    pub fn fetch_portal(
        &mut self,
        id: PortalId,
        max_rows: u64,
        sink: &mut dyn ResultSink,
    ) -> Result<Fetched, SpiError> {
        if interrupt::terminate_pending() {
            interrupt::check()?;
        }
        if self.tx == TxStatus::Failed {
            self.portals.open.remove(&id);
            return Err(aborted());
        }
        let result = self.fetch_inner(id, max_rows, sink);
        if result.is_err() {
            self.portals.open.remove(&id);
            if self.tx == TxStatus::InBlock {
                self.fail_statement();
            }
        }
        result
    }

    fn fetch_inner(
        &mut self,
        id: PortalId,
        max_rows: u64,
        sink: &mut dyn ResultSink,
    ) -> Result<Fetched, SpiError> {
        let client_block = self.implicit == super::Implicit::None;
        let sql = &self.sql;
        let portal = self.portals.open.get_mut(&id).ok_or_else(portal_gone)?;
        let fail = |e| exec::client_error(sql, e, client_block);
        let width = portal.plan.columns.len();
        let mut sent = 0u64;
        if sql.holds_write_lock() {
            sink.holding_write_lock();
        }
        loop {
            if max_rows != 0 && sent >= max_rows {
                return Ok(Fetched::Suspended);
            }
            if !portal.stmt.step().map_err(fail)? {
                break;
            }
            portal.processed += 1;
            if width == 0 {
                continue;
            }
            let mut row = Vec::with_capacity(width);
            for i in 0..width {
                row.push(runtime::from_ref(portal.stmt.column(i)));
            }
            sink.row(row)?;
            sent += 1;
        }
        let Some(portal) = self.portals.open.remove(&id) else {
            return Err(portal_gone());
        };
        let plan = portal.plan;
        let mut processed = portal.processed;
        // Finalizing ends an autocommit statement's implicit SQLite transaction.
        drop(portal.stmt);
        if plan.writes() {
            if width == 0 {
                processed = self.sql.conn.changes();
            }
            let rows = processed.max(1);
            if self.tx == TxStatus::Idle {
                crate::hooks::note_commit(&self.database, rows);
            } else {
                self.block_writes += rows;
            }
        }
        Ok(Fetched::Done(QueryResult::tag(exec::query_tag(
            &plan, processed,
        ))))
    }

    /// Closes a portal (Close, or its wire-level portal replaced); closing one that is gone
    /// does nothing.
    pub fn close_portal(&mut self, id: PortalId) {
        self.portals.open.remove(&id);
    }
}

fn not_suspendable() -> SpiError {
    SpiError::internal("only a query can run as a suspended portal")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::result::Collect;
    use crate::{OpenOptions, Session};

    fn setup() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().expect("tempdir");
        crate::init_data_dir(dir.path()).expect("init");
        let s = Session::open(dir.path(), "postgres", "postgres", OpenOptions::default())
            .expect("open");
        (dir, s)
    }

    fn count(s: &mut Session, table: &str) -> Value {
        let r = s.simple_query(&format!("select count(*) from {table}"));
        r.into_iter()
            .next()
            .expect("result")
            .expect("count")
            .rows
            .remove(0)
            .remove(0)
    }

    #[test]
    fn a_portal_fetches_in_pages_from_one_running_statement() {
        let (_dir, mut s) = setup();
        let q = s
            .prepare("select n from generate_series(1, 5) n")
            .expect("prepare");
        assert!(q.can_suspend());
        let id = s.open_portal(&q, &[]).expect("open");
        let mut c = Collect::default();
        assert!(matches!(
            s.fetch_portal(id, 2, &mut c).expect("fetch"),
            Fetched::Suspended
        ));
        assert_eq!(c.rows, vec![vec![Value::Int(1)], vec![Value::Int(2)]]);
        assert!(matches!(
            s.fetch_portal(id, 3, &mut c).expect("fetch"),
            Fetched::Suspended
        ));
        match s.fetch_portal(id, 3, &mut c).expect("fetch") {
            Fetched::Done(r) => assert_eq!(r.tag, "SELECT 5"),
            Fetched::Suspended => panic!("should be done"),
        }
        assert_eq!(c.rows.len(), 5);
        assert_eq!(
            s.fetch_portal(id, 1, &mut c).expect_err("gone").sqlstate,
            "34000"
        );
        s.end_implicit().expect("sync");
        assert_eq!(s.transaction_status(), TxStatus::Idle);
    }

    #[test]
    fn the_end_of_the_transaction_closes_portals_and_a_write_portal_commits_at_sync() {
        let (_dir, mut s) = setup();
        s.simple_query("create table t (a int)");
        let ins = s
            .prepare("insert into t select n from generate_series(1, 3) n returning a")
            .expect("prepare");
        let id = s.open_portal(&ins, &[]).expect("open");
        let mut c = Collect::default();
        assert!(matches!(
            s.fetch_portal(id, 1, &mut c).expect("fetch"),
            Fetched::Suspended
        ));
        // Sync: the implicit transaction commits with the portal still suspended.
        s.end_implicit().expect("sync");
        assert_eq!(count(&mut s, "t"), Value::Int(3));
        assert_eq!(
            s.fetch_portal(id, 1, &mut c).expect_err("closed").sqlstate,
            "34000"
        );

        // A failing statement after a portal in the same pipeline: nothing is kept.
        let id = s.open_portal(&ins, &[]).expect("open");
        s.fetch_portal(id, 0, &mut c).expect("all");
        s.begin_implicit();
        let bad = s.prepare("select 1/0").expect("prepare");
        assert!(s.execute(&bad, &[]).is_err());
        s.end_implicit().expect("sync");
        assert_eq!(count(&mut s, "t"), Value::Int(3));
    }
}
