//! Watched tables ("WatchedTables" in shared memory): a worker registers the tables whose new
//! rows it must see at once, and a transaction that inserted into one sets the watcher's latch
//! when it commits (the `spi` crate reports committed inserts through its server hooks). The
//! worker's naptime then only bounds how long a missed wake-up could last.
//!
//! An entry: the watcher's pid (0 = free, -1 = being filled), its PGPROC's index, the
//! database, the schema and the table. Claimed with a compare-and-swap, published with a
//! release store of the pid; readers skip entries they cannot match. A wake-up is a hint: a
//! stale entry (its worker gone, the pid reused) costs one spurious latch set at most, and
//! entries are dropped when the worker exits and all at once by a crash reset.

use std::sync::atomic::{AtomicI32, Ordering};

use shmem::{ShmemArray, ShmemError, ShmemSafe};

use crate::dynamic::ShText;

const FREE: i32 = 0;
const FILLING: i32 = -1;

#[repr(C)]
struct Entry {
    pid: AtomicI32,
    /// The watcher's PGPROC index (-1: none), checked against `pid` before use.
    proc_number: AtomicI32,
    database: ShText,
    schema: ShText,
    table: ShText,
}

// SAFETY: repr(C), atomics and ShText only (valid when zeroed, no pointers), shared through
// atomic loads and stores.
unsafe impl ShmemSafe for Entry {}

static ENTRIES: ShmemArray<Entry> = ShmemArray::new();

/// Bytes for `n` entries.
pub fn shmem_size(n: usize) -> usize {
    ShmemArray::<Entry>::size(n)
}

/// Creates the entries (postmaster, at creation and after each reset).
pub fn init(n: usize) -> Result<(), ShmemError> {
    ENTRIES.init("WatchedTables", n.max(1))
}

fn entries() -> &'static [Entry] {
    ENTRIES.get()
}

/// Registers this process as a watcher of `schema.table` in `database`. False when every
/// entry is taken (the watcher then relies on its naptime).
pub fn watch(database: &str, schema: &str, table: &str) -> bool {
    let me = std::process::id() as i32;
    for e in entries() {
        if e.pid
            .compare_exchange(FREE, FILLING, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
        {
            e.database.store(database);
            e.schema.store(schema);
            e.table.store(table);
            let number = proc::my_proc_number().and_then(|n| i32::try_from(n).ok());
            e.proc_number.store(number.unwrap_or(-1), Ordering::Relaxed);
            e.pid.store(me, Ordering::Release);
            return true;
        }
    }
    false
}

/// Drops every entry of this process (at worker exit).
pub fn unwatch_all() {
    let me = std::process::id() as i32;
    for e in entries() {
        let _ = e
            .pid
            .compare_exchange(me, FREE, Ordering::AcqRel, Ordering::Relaxed);
    }
}

/// A transaction that inserted into `schema.table` of `database` committed: sets the latch of
/// each process watching it.
pub fn committed(database: &str, tables: &[(String, String)]) {
    for e in entries() {
        let pid = e.pid.load(Ordering::Acquire);
        if pid <= 0
            || !e.database.is(database)
            || !tables.iter().any(|(s, t)| e.table.is(t) && e.schema.is(s))
        {
            continue;
        }
        let at = usize::try_from(e.proc_number.load(Ordering::Relaxed))
            .ok()
            .and_then(proc::proc_at)
            .filter(|p| p.pid() == pid);
        if let Some(p) = at.or_else(|| proc::find_proc(pid)) {
            p.latch.set();
        }
    }
}
