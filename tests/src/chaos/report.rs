//! What a chaos run found, and how it reads: `crashes survived: N`, recovery median/max,
//! acknowledged/unknown per table, `lost: N`, and every problem in words.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use super::ledger::{Ledger, Tally, Verdict};

/// One table at the end of the run.
#[derive(Debug, Clone)]
pub struct TableReport {
    /// The table as SQL names it.
    pub name: String,
    /// The clients' ledger for it (closed: in-flight inserts count as unknown).
    pub tally: Tally,
    /// total + remaining deltas as the server reports them (None: could not be read).
    pub observed: Option<i64>,
    /// Delta rows not folded into the total.
    pub remaining_deltas: Option<i64>,
    /// The ledger against `observed` (None when `observed` is).
    pub verdict: Option<Verdict>,
}

/// The result of [`run`](super::run).
#[derive(Debug, Clone, Default)]
pub struct ChaosReport {
    /// The seed the run used.
    pub seed: u64,
    /// How long the chaos lasted.
    pub chaos_time: Duration,
    /// Crash resets the server went through (`all server processes terminated; reinitializing`).
    pub crashes_survived: usize,
    /// One duration per outage: from the crash-causing signal to the first working `select 1`.
    pub recovery: Vec<Duration>,
    /// Signals sent, by signal and target (`SIGKILL bgworker SPI worker 2`).
    pub signals: BTreeMap<String, u64>,
    /// Per table, in the order of `TABLES`.
    pub tables: Vec<TableReport>,
    /// One duration per postmaster kill: from the SIGKILL until a new postmaster was ready.
    pub postmaster_restarts: Vec<Duration>,
    /// The clients' closed ledger (every insert by id).
    pub ledger: Ledger,
    /// Rows in the id table at the end (None: could not be read).
    pub ids_present: Option<usize>,
    /// The fewest acknowledged rows that are missing, over all tables (must be 0).
    pub lost: u64,
    /// SQLSTATEs the clients saw, with counts.
    pub codes: BTreeMap<String, u64>,
    /// Client connections made, and connection attempts that failed.
    pub connections: u64,
    pub connect_failures: u64,
    /// Everything that makes the server unhealthy or the invariant false, in words.
    pub problems: Vec<String>,
    /// The server's whole log (for a failure's diagnosis).
    pub log: String,
}

impl ChaosReport {
    /// No loss and no problem.
    pub fn passed(&self) -> bool {
        self.lost == 0 && self.problems.is_empty()
    }

    /// The median recovery time (None without any recovery).
    pub fn recovery_median(&self) -> Option<Duration> {
        let mut v = self.recovery.clone();
        v.sort();
        v.get(v.len() / 2).copied()
    }

    /// The longest recovery time.
    pub fn recovery_max(&self) -> Option<Duration> {
        self.recovery.iter().max().copied()
    }

    /// The last `n` lines of the server log.
    pub fn log_tail(&self, n: usize) -> String {
        let lines: Vec<&str> = self.log.lines().collect();
        lines[lines.len().saturating_sub(n)..].join("\n")
    }
}

fn ms(d: Option<Duration>) -> String {
    d.map_or_else(|| "-".to_owned(), |d| format!("{} ms", d.as_millis()))
}

impl fmt::Display for ChaosReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "chaos: seed {}, {:.1} s of signals",
            self.seed,
            self.chaos_time.as_secs_f64()
        )?;
        let sent: u64 = self.signals.values().sum();
        writeln!(f, "signals sent: {sent}")?;
        for (what, n) in &self.signals {
            writeln!(f, "  {n:>5}  {what}")?;
        }
        writeln!(f, "crashes survived: {}", self.crashes_survived)?;
        let mut restarts = self.postmaster_restarts.clone();
        restarts.sort();
        writeln!(
            f,
            "postmaster kills survived: {} (kill → new postmaster ready: median {}, max {})",
            restarts.len(),
            ms(restarts.get(restarts.len() / 2).copied()),
            ms(restarts.last().copied())
        )?;
        writeln!(
            f,
            "recovery time: median {}, max {} ({} outages measured)",
            ms(self.recovery_median()),
            ms(self.recovery_max()),
            self.recovery.len()
        )?;
        writeln!(
            f,
            "client connections: {} made, {} attempts refused or failed",
            self.connections, self.connect_failures
        )?;
        if !self.codes.is_empty() {
            let codes: Vec<String> = self.codes.iter().map(|(c, n)| format!("{c}×{n}")).collect();
            writeln!(f, "SQLSTATEs seen by clients: {}", codes.join(", "))?;
        }
        for t in &self.tables {
            let a = &t.tally;
            writeln!(
                f,
                "{}: acknowledged {} rows (sum {}), unknown {} rows (sum {}), failed {}; \
                 total + remaining = {} ({} deltas not folded)",
                t.name,
                a.acked_rows,
                a.acked_sum,
                a.unknown_rows,
                a.unknown_sum,
                a.failed_rows,
                t.observed.map_or_else(|| "?".to_owned(), |v| v.to_string()),
                t.remaining_deltas
                    .map_or_else(|| "?".to_owned(), |v| v.to_string()),
            )?;
        }
        writeln!(
            f,
            "ids: {} sent, {} rows in the id table, each acknowledged one checked",
            self.ledger.ids.len(),
            self.ids_present
                .map_or_else(|| "?".to_owned(), |n| n.to_string())
        )?;
        writeln!(f, "lost: {}", self.lost)?;
        if self.problems.is_empty() {
            write!(f, "result: PASS")
        } else {
            writeln!(f, "problems:")?;
            for p in &self.problems {
                writeln!(f, "  - {p}")?;
            }
            write!(f, "result: FAIL")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_max_and_the_printed_lines() {
        let mut r = ChaosReport {
            seed: 9,
            crashes_survived: 3,
            recovery: vec![
                Duration::from_millis(30),
                Duration::from_millis(10),
                Duration::from_millis(20),
            ],
            log: "a\nb\nc".into(),
            ..ChaosReport::default()
        };
        assert_eq!(r.recovery_median(), Some(Duration::from_millis(20)));
        assert_eq!(r.recovery_max(), Some(Duration::from_millis(30)));
        assert_eq!(r.log_tail(2), "b\nc");
        assert_eq!(r.log_tail(10), "a\nb\nc");
        let text = r.to_string();
        assert!(text.contains("crashes survived: 3"), "{text}");
        assert!(text.contains("median 20 ms, max 30 ms"), "{text}");
        assert!(text.contains("lost: 0"), "{text}");
        assert!(r.passed());
        r.problems.push("server died".into());
        assert!(!r.passed());
        assert!(r.to_string().contains("server died"));
        assert_eq!(ChaosReport::default().recovery_median(), None);
    }
}
