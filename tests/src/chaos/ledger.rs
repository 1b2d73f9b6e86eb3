//! The clients' ledger: for each table, what the server acknowledged, what it may or may not
//! have committed, and what it refused — and the invariant checked against the table at the end.
//!
//! An insert is *acknowledged* when `execute` returned Ok (the commit happened), *unknown* when
//! the connection failed after the insert was sent (I/O error, connection closed, or a FATAL
//! such as 57P01, which PostgreSQL may send after a commit), and *failed* when the server
//! answered an ERROR (the statement was rolled back). An insert still in flight when the run
//! ends (a client stuck in a hung server) counts as unknown.
//!
//! Two checks. Row by row: every insert carries a unique id, written in the same transaction
//! into `chaos_ids`, a table no worker folds; at the end every acknowledged id must be there,
//! and every id there must have been sent and not refused ([`Ledger::check_ids`]). By sum, for
//! the folded tables: values are positive, so with `observed` = total + remaining deltas,
//! `acknowledged sum ≤ observed ≤ acknowledged sum + unknown sum`. Below is a loss; above is a
//! phantom (a refused insert committed, or a row counted twice).

use std::collections::BTreeMap;

/// The largest value a client inserts (values are `1..=MAX_VALUE`).
pub const MAX_VALUE: u64 = 1_000;

/// What became of one insert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// `execute` returned Ok.
    Acknowledged,
    /// The answer never came, or came as a FATAL/PANIC: committed or not, nobody knows.
    Unknown,
    /// The server answered an ERROR: rolled back.
    Failed,
}

impl Fate {
    /// The fate of an insert whose `execute` failed, from the error's severity (None: no
    /// ErrorResponse at all, e.g. an I/O error or a closed connection).
    pub fn of_error(severity: Option<&str>) -> Fate {
        match severity {
            Some("ERROR") => Fate::Failed,
            _ => Fate::Unknown,
        }
    }
}

/// One table's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Acknowledged inserts and the sum of their values.
    pub acked_rows: u64,
    pub acked_sum: i64,
    /// Inserts of unknown fate (in-flight ones included when the ledger is closed).
    pub unknown_rows: u64,
    pub unknown_sum: i64,
    /// Inserts the server refused with an ERROR.
    pub failed_rows: u64,
    /// Inserts sent whose answer has not been seen yet.
    pub in_flight_rows: u64,
    pub in_flight_sum: i64,
}

impl Tally {
    /// The verdict for this table when `observed` is its total + remaining deltas.
    pub fn check(&self, observed: i64) -> Verdict {
        let upper = self.acked_sum + self.unknown_sum + self.in_flight_sum;
        let lost_sum = (self.acked_sum - observed).max(0);
        let phantom_sum = (observed - upper).max(0);
        Verdict {
            lost_sum,
            // Each row is worth at most MAX_VALUE: at least this many acknowledged rows are gone.
            lost_rows: (lost_sum as u64).div_ceil(MAX_VALUE),
            phantom_sum,
        }
    }
}

/// How a table's observed sum compares with the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// How far the observed sum falls short of the acknowledged sum.
    pub lost_sum: i64,
    /// The fewest acknowledged rows that must be missing to explain `lost_sum`.
    pub lost_rows: u64,
    /// How far the observed sum exceeds acknowledged + unknown.
    pub phantom_sum: i64,
}

impl Verdict {
    /// Neither lost nor phantom.
    pub fn holds(&self) -> bool {
        self.lost_sum == 0 && self.phantom_sum == 0
    }
}

/// What the row-by-row check found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdCheck {
    /// Acknowledged ids that are not in the table, with the table index they were sent for.
    pub missing: Vec<(i64, usize)>,
    /// Ids in the table that were never sent, were refused with an ERROR, or name another
    /// table than the one they were sent for.
    pub phantom: Vec<i64>,
    /// How many ids the table holds.
    pub present: usize,
}

impl IdCheck {
    /// Acknowledged ids missing for table `t`.
    pub fn missing_in(&self, t: usize) -> u64 {
        self.missing.iter().filter(|(_, tt)| *tt == t).count() as u64
    }
}

/// Everything the clients recorded, shared behind a mutex.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Per table, in the order of `TABLES`.
    pub tables: Vec<Tally>,
    /// Every insert by id: the table index and its fate (None while in flight).
    pub ids: BTreeMap<i64, (usize, Option<Fate>)>,
    /// The next id to hand out.
    next_id: i64,
    /// SQLSTATEs of the ERRORs and FATALs clients saw, with counts.
    pub codes: BTreeMap<String, u64>,
    /// Connections made (the first of each client included).
    pub connections: u64,
    /// Connection attempts that failed (refused, 57P03, 53300…).
    pub connect_failures: u64,
}

impl Ledger {
    /// A ledger for `tables` tables.
    pub fn new(tables: usize) -> Ledger {
        Ledger {
            tables: vec![Tally::default(); tables],
            ..Ledger::default()
        }
    }

    /// An insert of `value` into table `t` is about to be sent: its unique id.
    pub fn begin(&mut self, t: usize, value: i64) -> i64 {
        let tally = &mut self.tables[t];
        tally.in_flight_rows += 1;
        tally.in_flight_sum += value;
        self.next_id += 1;
        self.ids.insert(self.next_id, (t, None));
        self.next_id
    }

    /// The insert `id` begun with `begin(t, value)` ended as `fate`.
    pub fn settle(&mut self, id: i64, t: usize, value: i64, fate: Fate) {
        self.ids.insert(id, (t, Some(fate)));
        let tally = &mut self.tables[t];
        tally.in_flight_rows -= 1;
        tally.in_flight_sum -= value;
        match fate {
            Fate::Acknowledged => {
                tally.acked_rows += 1;
                tally.acked_sum += value;
            }
            Fate::Unknown => {
                tally.unknown_rows += 1;
                tally.unknown_sum += value;
            }
            Fate::Failed => tally.failed_rows += 1,
        }
    }

    /// Counts one SQLSTATE seen.
    pub fn saw_code(&mut self, code: &str) {
        *self.codes.entry(code.to_owned()).or_default() += 1;
    }

    /// The row-by-row check against the `(id, table index)` rows found in `chaos_ids`.
    pub fn check_ids(&self, present: &[(i64, i64)]) -> IdCheck {
        let mut found = std::collections::BTreeSet::new();
        let mut phantom = Vec::new();
        for &(id, t) in present {
            found.insert(id);
            match self.ids.get(&id) {
                Some((sent_t, fate)) if *sent_t as i64 == t && *fate != Some(Fate::Failed) => {}
                _ => phantom.push(id),
            }
        }
        let missing = self
            .ids
            .iter()
            .filter(|(id, (_, fate))| *fate == Some(Fate::Acknowledged) && !found.contains(*id))
            .map(|(id, (t, _))| (*id, *t))
            .collect();
        IdCheck {
            missing,
            phantom,
            present: present.len(),
        }
    }

    /// The ledger with every in-flight insert moved to unknown (for the final check).
    pub fn closed(&self) -> Ledger {
        let mut l = self.clone();
        for t in &mut l.tables {
            t.unknown_rows += t.in_flight_rows;
            t.unknown_sum += t.in_flight_sum;
            t.in_flight_rows = 0;
            t.in_flight_sum = 0;
        }
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An insert of `value` into table `t` that ended as `fate`; its id.
    fn settled(l: &mut Ledger, t: usize, value: i64, fate: Fate) -> i64 {
        let id = l.begin(t, value);
        l.settle(id, t, value, fate);
        id
    }

    #[test]
    fn only_an_error_severity_is_a_definite_failure() {
        assert_eq!(Fate::of_error(Some("ERROR")), Fate::Failed);
        assert_eq!(Fate::of_error(Some("FATAL")), Fate::Unknown);
        assert_eq!(Fate::of_error(Some("PANIC")), Fate::Unknown);
        assert_eq!(Fate::of_error(None), Fate::Unknown);
    }

    #[test]
    fn settle_moves_in_flight_to_its_fate_and_close_makes_the_rest_unknown() {
        let mut l = Ledger::new(2);
        settled(&mut l, 0, 5, Fate::Acknowledged);
        settled(&mut l, 0, 7, Fate::Unknown);
        settled(&mut l, 1, 9, Fate::Failed);
        l.begin(1, 11);
        let t0 = l.tables[0];
        assert_eq!((t0.acked_rows, t0.acked_sum), (1, 5));
        assert_eq!((t0.unknown_rows, t0.unknown_sum), (1, 7));
        assert_eq!(t0.in_flight_rows, 0);
        let t1 = l.tables[1];
        assert_eq!(
            (t1.failed_rows, t1.in_flight_rows, t1.in_flight_sum),
            (1, 1, 11)
        );
        let c = l.closed();
        assert_eq!((c.tables[1].unknown_rows, c.tables[1].unknown_sum), (1, 11));
        assert_eq!(c.tables[1].in_flight_rows, 0);
        l.saw_code("57P01");
        l.saw_code("57P01");
        assert_eq!(l.codes.get("57P01"), Some(&2));
    }

    #[test]
    fn the_invariant_allows_exactly_the_unknown_range() {
        let t = Tally {
            acked_rows: 3,
            acked_sum: 100,
            unknown_rows: 2,
            unknown_sum: 30,
            ..Tally::default()
        };
        assert!(t.check(100).holds());
        assert!(t.check(115).holds());
        assert!(t.check(130).holds());
        let low = t.check(99);
        assert_eq!((low.lost_sum, low.lost_rows, low.phantom_sum), (1, 1, 0));
        let very_low = t.check(100 - 1_001);
        assert_eq!(very_low.lost_rows, 2);
        let high = t.check(131);
        assert_eq!((high.lost_sum, high.phantom_sum), (0, 1));
        assert!(!high.holds());
    }

    #[test]
    fn the_id_check_finds_each_missing_acknowledged_row_and_each_phantom() {
        let mut l = Ledger::new(2);
        let acked = settled(&mut l, 0, 1, Fate::Acknowledged);
        let lost = settled(&mut l, 1, 1, Fate::Acknowledged);
        let unknown = settled(&mut l, 0, 1, Fate::Unknown);
        let refused = settled(&mut l, 1, 1, Fate::Failed);
        let in_flight = l.begin(0, 1);
        // Unknown and in-flight ids may be there or not; an acknowledged one must be.
        let ok = l.check_ids(&[(acked, 0), (lost, 1), (unknown, 0), (in_flight, 0)]);
        assert_eq!(
            ok,
            IdCheck {
                present: 4,
                ..IdCheck::default()
            }
        );
        let bad = l.check_ids(&[(acked, 1), (refused, 1), (999, 0)]);
        assert_eq!(bad.missing, vec![(lost, 1)]);
        assert_eq!(bad.missing_in(1), 1);
        assert_eq!(bad.missing_in(0), 0);
        assert_eq!(bad.phantom, vec![acked, refused, 999]);
    }
}
