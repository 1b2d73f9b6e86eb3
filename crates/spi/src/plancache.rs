//! The plan cache: PostgreSQL's `plancache.c` in miniature. A session (and the worker SPI
//! connection) keeps the result of rewrite + describe per statement text, so a statement sent
//! again (pgbench, drivers, a worker's loop) skips the rewriter, its catalog look-ups and
//! SQLite's prepare + column typing + parameter inference.
//!
//! What a cached plan depends on, and how each dependency is checked ([`Validity`]):
//! - the rewriter's `is_schema` answers (minipg's namespace, `minipg_namespace` rows) and the
//!   description (tables, columns, types): both are covered by SQLite's **schema cookie**
//!   (`PRAGMA schema_version`), because every change to `minipg_namespace` also changes the
//!   cookie (`catalog::note_namespace_change`) — so a schema created or dropped by another
//!   process invalidates this process's plans at its next statement, as DESIGN.md requires;
//! - nothing at all, for a statement that names no schema object (`select 1`, `select $1::int`):
//!   the rewriter never consulted the catalog and the authorizer saw no table, index, view or
//!   pragma while SQLite prepared it. Such a plan is used without reading the database.
//!
//! A plan is described inside one read snapshot ([`PrepareSnapshot`]): the cookie it is stamped
//! with, the rewriter's look-ups and SQLite's prepare all see the same state, and SQLite's
//! in-memory schema is made current first (`PRAGMA schema_version` alone does not reload it).
//!
//! Invariants: a cookie-stamped plan is only used after reading the cookie in the snapshot the
//! caller is in (autocommit: its own read transaction; in a block: the block's), never from
//! memory. Cookies only grow while transactions commit, but a rolled-back DDL makes its cookie
//! value reusable by the next DDL: an owner whose transaction changed the schema and then rolled
//! back must [`clear`](PlanCache::clear) its cache. The cache holds at most `capacity` plans and
//! evicts the least recently used.
//! Never: caches an error, a plan made in an aborted transaction, or a plan whose cookie could
//! not be read.

use std::collections::HashMap;

use crate::connection::SqlConn;
use crate::error::SpiError;

/// Plans kept per session (and for the worker connection).
pub(crate) const PLAN_CACHE_SIZE: usize = 256;

/// When a cached plan may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Validity {
    /// The statement names no schema object: valid whatever the database holds.
    Always,
    /// Valid while SQLite's schema cookie has this value.
    WhileSchemaCookie(i64),
}

struct Entry<T> {
    param_oids: Vec<u32>,
    plan: T,
    validity: Validity,
    last_used: u64,
}

/// Plans keyed by statement text (+ Parse's parameter type OIDs), least recently used evicted.
pub(crate) struct PlanCache<T> {
    entries: HashMap<String, Entry<T>>,
    capacity: usize,
    clock: u64,
}

impl<T: Clone> PlanCache<T> {
    pub(crate) fn new(capacity: usize) -> Self {
        PlanCache {
            entries: HashMap::new(),
            capacity: capacity.max(1),
            clock: 0,
        }
    }

    /// The plan for `sql` with `param_oids`, if cached and still valid. `schema_cookie` reads
    /// the current cookie; it is called only for a cookie-stamped plan. An invalid plan is
    /// dropped.
    pub(crate) fn get(
        &mut self,
        sql: &str,
        param_oids: &[u32],
        schema_cookie: impl FnOnce() -> Option<i64>,
    ) -> Option<T> {
        let entry = self.entries.get(sql)?;
        if entry.param_oids != param_oids {
            return None;
        }
        if let Validity::WhileSchemaCookie(cookie) = entry.validity
            && schema_cookie() != Some(cookie)
        {
            self.entries.remove(sql);
            return None;
        }
        self.clock += 1;
        let entry = self.entries.get_mut(sql)?;
        entry.last_used = self.clock;
        Some(entry.plan.clone())
    }

    /// Caches `plan` for `sql` with `param_oids` (replacing any plan for the same text).
    pub(crate) fn insert(&mut self, sql: &str, param_oids: &[u32], plan: T, validity: Validity) {
        if self.entries.len() >= self.capacity
            && !self.entries.contains_key(sql)
            && let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| k.clone())
        {
            self.entries.remove(&oldest);
        }
        self.clock += 1;
        self.entries.insert(
            sql.to_string(),
            Entry {
                param_oids: param_oids.to_vec(),
                plan,
                validity,
                last_used: self.clock,
            },
        );
    }

    /// Forgets every plan (after a rollback that undid a schema change).
    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }

    /// The end of a transaction: a rollback that undid a schema change (`schema_changed`, which
    /// this resets) makes every plan stale.
    pub(crate) fn end_transaction(&mut self, committed: bool, schema_changed: &mut bool) {
        if !committed && std::mem::take(schema_changed) {
            self.clear();
        }
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// SQLite's schema cookie as the current snapshot sees it: in autocommit one short read
/// transaction, inside a transaction no I/O. `None` when it cannot be read.
pub(crate) fn schema_cookie(sql: &SqlConn) -> Option<i64> {
    sql.trusted(|c| {
        c.prepare_cached("PRAGMA schema_version")
            .and_then(|mut s| s.query_row([], |r| r.get::<_, i64>(0)))
    })
    .ok()
}

/// The read snapshot `prepare` describes a statement in, opened when first needed: in
/// autocommit a `BEGIN` … `COMMIT` of its own (so the rewriter's look-ups, SQLite's prepare and
/// the cookie are one consistent state), inside an open transaction the transaction itself.
pub(crate) struct PrepareSnapshot<'a> {
    sql: &'a SqlConn,
    /// The client's text: names `pg_namespace`? Its view is created before the snapshot opens.
    text: &'a str,
    opened: bool,
    began: bool,
    cookie: Option<i64>,
}

impl<'a> PrepareSnapshot<'a> {
    pub(crate) fn new(sql: &'a SqlConn, text: &'a str) -> Self {
        PrepareSnapshot {
            sql,
            text,
            opened: false,
            began: false,
            cookie: None,
        }
    }

    /// Opens the snapshot (once): begins a read transaction when none is open, brings SQLite's
    /// in-memory schema up to date and reads the cookie. On failure the statement is still
    /// prepared as before, only not cached.
    pub(crate) fn open(&mut self) {
        if self.opened {
            return;
        }
        self.opened = true;
        // The TEMP view is created in autocommit so that it outlives this snapshot.
        if self.sql.install_views_for(self.text).is_err() {
            return;
        }
        if self.sql.conn.is_autocommit() {
            if self.sql.trusted(|c| c.execute_batch("BEGIN")).is_err() {
                return;
            }
            self.began = true;
        }
        // Reading a table of `main` makes SQLite compare the file's cookie with its in-memory
        // schema's and reload the schema when they differ; `PRAGMA schema_version` alone only
        // reads the file's cookie.
        let verified = self.sql.trusted(|c| {
            c.prepare_cached("SELECT count(*) FROM main.sqlite_schema WHERE 0")
                .and_then(|mut s| s.query_row([], |r| r.get::<_, i64>(0)))
        });
        if verified.is_ok() {
            self.cookie = schema_cookie(self.sql);
        }
    }

    /// The cookie the snapshot saw (`None`: not opened or unreadable — do not cache).
    pub(crate) fn cookie(&self) -> Option<i64> {
        self.cookie
    }

    /// Ends the read transaction this snapshot began, if any.
    pub(crate) fn finish(mut self) -> Result<(), SpiError> {
        if !self.began {
            return Ok(());
        }
        self.began = false;
        self.sql
            .trusted(|c| c.execute_batch("COMMIT"))
            .map_err(|e| crate::exec::client_error(self.sql, e, false))
    }
}

impl Drop for PrepareSnapshot<'_> {
    fn drop(&mut self) {
        // An error left the snapshot open: end it (it only read).
        if self.began && !self.sql.conn.is_autocommit() {
            let _ = self.sql.trusted(|c| c.execute_batch("ROLLBACK"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connection::{OpenOptions, Trust};
    use crate::datadir::{database_path, init_data_dir};

    #[test]
    fn least_recently_used_plan_is_evicted() {
        let mut cache = PlanCache::new(2);
        cache.insert("a", &[], 1, Validity::Always);
        cache.insert("b", &[], 2, Validity::Always);
        assert_eq!(cache.get("a", &[], || None), Some(1));
        cache.insert("c", &[], 3, Validity::Always);
        assert_eq!(cache.len(), 2);
        assert_eq!(
            cache.get("b", &[], || None),
            None,
            "b was least recently used"
        );
        assert_eq!(cache.get("a", &[], || None), Some(1));
        assert_eq!(cache.get("c", &[], || None), Some(3));
        cache.clear();
        assert_eq!(cache.get("a", &[], || None), None);
    }

    #[test]
    fn cookie_stamped_plans_follow_the_cookie() {
        let mut cache = PlanCache::new(4);
        cache.insert("q", &[23], "plan", Validity::WhileSchemaCookie(7));
        assert_eq!(cache.get("q", &[23], || Some(7)), Some("plan"));
        assert_eq!(
            cache.get("q", &[], || Some(7)),
            None,
            "other parameter types"
        );
        assert_eq!(cache.get("q", &[23], || None), None, "unreadable cookie");
        assert_eq!(cache.len(), 0, "an invalid plan is dropped");
        cache.insert("q", &[], "plan", Validity::WhileSchemaCookie(7));
        assert_eq!(cache.get("q", &[], || Some(8)), None);
        let mut asked = false;
        cache.insert("one", &[], "1", Validity::Always);
        assert_eq!(
            cache.get("one", &[], || {
                asked = true;
                None
            }),
            Some("1")
        );
        assert!(!asked, "a plan valid always reads nothing");
    }

    fn open(dir: &std::path::Path) -> SqlConn {
        SqlConn::open(
            &database_path(dir, "postgres"),
            "postgres",
            "u",
            &OpenOptions::default(),
            Trust::Client,
            false,
        )
        .expect("open")
    }

    fn column_count(sql: &SqlConn, text: &str) -> usize {
        sql.conn.prepare(text).expect("prepare").column_count()
    }

    /// The SQLite behaviour the snapshot relies on: another connection's DDL leaves this
    /// connection's in-memory schema stale for `prepare` until a statement reading a table of
    /// `main` runs; `PRAGMA schema_version` reads the new cookie but does not reload.
    #[test]
    fn snapshot_brings_the_in_memory_schema_up_to_date() {
        let dir = tempfile::tempdir().expect("tempdir");
        init_data_dir(dir.path()).expect("init");
        let a = open(dir.path());
        let b = open(dir.path());
        b.conn.execute_batch("CREATE TABLE t(x)").expect("create");
        let before = {
            let mut snap = PrepareSnapshot::new(&a, "select * from t");
            snap.open();
            let cookie = snap.cookie().expect("cookie");
            assert_eq!(column_count(&a, "SELECT * FROM t"), 1);
            snap.finish().expect("finish");
            cookie
        };
        assert!(a.conn.is_autocommit(), "the snapshot's transaction ended");
        b.conn
            .execute_batch("ALTER TABLE t ADD COLUMN y")
            .expect("alter");
        assert_eq!(schema_cookie(&a), Some(before + 1));
        assert_eq!(
            column_count(&a, "SELECT * FROM t"),
            1,
            "prepare alone still uses the old schema"
        );
        let mut snap = PrepareSnapshot::new(&a, "select * from t");
        snap.open();
        assert_eq!(snap.cookie(), Some(before + 1));
        assert_eq!(column_count(&a, "SELECT * FROM t"), 2);
        drop(snap);
        assert!(a.conn.is_autocommit(), "dropping the snapshot ends it");
    }
}
