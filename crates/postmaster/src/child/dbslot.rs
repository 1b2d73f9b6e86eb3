//! A database's name in a fixed table of shared memory, claimed by whichever process first
//! needs an entry for it (the autovacuum counters, the WAL writer's commit counters).
//!
//! Invariants: an entry goes FREE → CLAIMING → READY once and is never freed until the segment
//! is reset; its name is written before READY is published (release) and read only after READY
//! is seen (acquire). Two processes may claim two entries for one name at the same moment; the
//! users of a table tolerate that (each entry is then used on its own). Atomics only: the
//! postmaster may read a table without taking a lock.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// 64 bytes: the longest database name an entry holds (PostgreSQL's is 63).
const NAME_WORDS: usize = 8;

const FREE: u32 = 0;
const CLAIMING: u32 = 1;
const READY: u32 = 2;

/// The name part of a table entry; all-zero is a free entry.
#[repr(C)]
pub(crate) struct DbName {
    state: AtomicU32,
    len: AtomicU32,
    words: [AtomicU64; NAME_WORDS],
}

impl DbName {
    /// Whether the entry names a database.
    pub(crate) fn is_ready(&self) -> bool {
        self.state.load(Ordering::Acquire) == READY
    }

    /// The name (meaningful once [`DbName::is_ready`]).
    pub(crate) fn name(&self) -> String {
        let n = (self.len.load(Ordering::Acquire) as usize).min(NAME_WORDS * 8);
        let mut b: Vec<u8> = self
            .words
            .iter()
            .flat_map(|w| w.load(Ordering::Relaxed).to_le_bytes())
            .collect();
        b.truncate(n);
        String::from_utf8_lossy(&b).into_owned()
    }

    fn is(&self, db: &str) -> bool {
        let b = db.as_bytes();
        self.is_ready()
            && self.len.load(Ordering::Acquire) as usize == b.len()
            && self
                .words
                .iter()
                .enumerate()
                .all(|(k, w)| w.load(Ordering::Relaxed) == word(b, k))
    }

    fn try_claim(&self, db: &str) -> bool {
        if self
            .state
            .compare_exchange(FREE, CLAIMING, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
        {
            return false;
        }
        let b = db.as_bytes();
        for (k, w) in self.words.iter().enumerate() {
            w.store(word(b, k), Ordering::Relaxed);
        }
        self.len.store(b.len() as u32, Ordering::Release);
        self.state.store(READY, Ordering::Release);
        true
    }
}

/// The `k`th 8-byte word of `b`, zero-padded.
fn word(b: &[u8], k: usize) -> u64 {
    let lo = (k * 8).min(b.len());
    let hi = (k * 8 + 8).min(b.len());
    let mut chunk = [0u8; 8];
    chunk[..hi - lo].copy_from_slice(&b[lo..hi]);
    u64::from_le_bytes(chunk)
}

/// The entry of `entries` for `db` (its name part given by `name`), claiming a free one when
/// none names it yet; None when the table is full or the name does not fit.
pub(crate) fn find_or_claim<'a, T>(
    entries: &'a [T],
    name: impl Fn(&T) -> &DbName,
    db: &str,
) -> Option<(usize, &'a T)> {
    if db.len() > NAME_WORDS * 8 {
        return None;
    }
    if let Some(found) = entries.iter().enumerate().find(|(_, e)| name(e).is(db)) {
        return Some(found);
    }
    entries
        .iter()
        .enumerate()
        .find(|(_, e)| name(e).try_claim(db))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Vec<DbName> {
        (0..2)
            .map(|_| DbName {
                state: AtomicU32::new(0),
                len: AtomicU32::new(0),
                words: Default::default(),
            })
            .collect()
    }

    #[test]
    fn names_are_claimed_once_found_again_and_the_table_fills() {
        let t = table();
        let long = "x".repeat(65);
        assert!(find_or_claim(&t, |e| e, &long).is_none());
        let (i, e) = find_or_claim(&t, |e| e, "postgres").expect("claimed");
        assert_eq!((i, e.name()), (0, "postgres".to_owned()));
        assert_eq!(find_or_claim(&t, |e| e, "postgres").map(|f| f.0), Some(0));
        let name63 = "d".repeat(63);
        assert_eq!(find_or_claim(&t, |e| e, &name63).map(|f| f.0), Some(1));
        assert_eq!(t[1].name(), name63);
        assert!(find_or_claim(&t, |e| e, "third").is_none());
    }
}
