//! SQLite's WAL-index locks, kept in the segment instead of in `fcntl` locks on the `-shm` file.
//!
//! SQLite's WAL mode coordinates the connections of one database through eight lock slots
//! (`SQLITE_SHM_NLOCK`: the write lock, the checkpointer's, recovery's, five read marks), each
//! taken shared or exclusive and never waited for: a refused lock is `SQLITE_BUSY`, and the
//! caller's busy handler decides whether to retry. SQLite's unix VFS implements them as `fcntl`
//! record locks; a commit takes and drops about six, each a system call that serialises on the
//! kernel's per-inode lock list. Here each slot is one atomic word (a count of shared holders,
//! or [`EXCLUSIVE`]), so a lock is one compare-and-swap, and a process refused a lock can sleep
//! on the word's futex until the holder lets go ([`wait_busy`]) instead of polling. A writer
//! refused the write lock first spins for [`WRITE_LOCK_SPIN`] on a machine with more than one
//! CPU: a commit holds it for microseconds, less than a sleep and a wake-up cost.
//!
//! The VFS that calls this (`postmaster::child::walindex_vfs`) keeps, per connection, which
//! slots it holds, as SQLite's unix VFS does; this module keeps the shared side:
//!
//! - one entry per database file (keyed by device and inode, claimed by the first connection
//!   that opens it and reused once no connection has it open), with its eight words;
//! - one holder per connection that has a file open: its process's child slot and what it
//!   holds (a shared count per lock slot, or the exclusive bit).
//!
//! There are two entries of each kind per child slot, however many databases there are (the
//! startup process recovers them one at a time); when they are all taken, opening one more WAL
//! index fails (SQLite's out of memory, as PostgreSQL's "out of shared memory").
//!
//! **A process that dies holding locks.** `fcntl` locks go with their process; these do not.
//! A child that exits cleanly has nothing to give back (SQLite unlocks before it unmaps, and
//! the VFS unlocks anything left at unmap); the postmaster also calls [`release_child`] for
//! every child it reaps, which subtracts whatever that child's holders record from the words.
//! A child that dies in the middle of a lock operation (between the word and its record) can
//! only have been killed by a signal, which is a crash: the crash reset zeroes the segment,
//! and with it every lock.
//!
//! Invariants: a word's shared count is the sum of the holders' counts for that slot, and its
//! exclusive bit is set exactly when one holder records it, except during one connection's
//! lock operation. A file entry whose `users` is zero has all words zero. The postmaster
//! touches this only in [`release_child`], with atomic operations; the claim lock is taken by
//! children only.
//!
//! Never: used by a process outside a server (unit tests, `postmaster init`, tools), which
//! keeps SQLite's `fcntl` locks; a server's children must never share a database file with one.
//! A server's process without a child slot (a background worker without shared-memory access)
//! is [`barred`] from opening a database at all.

use std::cell::Cell;
use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::futex;
use crate::segment::{ShmemError, init_struct};
use crate::spinlock::SpinLock;

/// Lock slots per database (`SQLITE_SHM_NLOCK`).
pub const NLOCK: usize = 8;
/// The word of a slot held exclusive.
pub const EXCLUSIVE: u32 = 1 << 31;
/// Connections with a WAL index open, per child slot, on average: a backend has its database's
/// and the role catalog's, and keeps at most two more between sessions; child slots are
/// already twice the processes that can live at once.
const HOLDERS_PER_SLOT: usize = 2;
/// The write lock's slot (`WAL_WRITE_LOCK`): its waiters all want it exclusive, so a release
/// wakes one of them.
const WRITE_SLOT: usize = 0;

/// One database file's locks.
#[repr(C)]
struct FileLocks {
    dev: AtomicU64,
    ino: AtomicU64,
    /// Connections that have it open, over all processes.
    users: AtomicU32,
    /// Processes sleeping in [`wait_busy`] on each word (a release of a word nobody sleeps on
    /// makes no system call).
    waiters: [AtomicU32; NLOCK],
    words: [AtomicU32; NLOCK],
}

/// One connection's hold on one file: byte `i` of `locks` is its shared count on slot `i`
/// (low seven bits) or `0x80` when it holds the slot exclusive. Free while `slot` is 0.
#[repr(C)]
struct Holder {
    /// The child slot of the process whose connection this is.
    slot: AtomicU32,
    file: AtomicU32,
    locks: AtomicU64,
}

/// Where the table is, in this process.
struct Table {
    claim: AtomicPtr<SpinLock>,
    files: AtomicPtr<FileLocks>,
    holders: AtomicPtr<Holder>,
    len: AtomicUsize,
}

static TABLE: Table = Table {
    claim: AtomicPtr::new(std::ptr::null_mut()),
    files: AtomicPtr::new(std::ptr::null_mut()),
    holders: AtomicPtr::new(std::ptr::null_mut()),
    len: AtomicUsize::new(0),
};
/// This process's child slot (0: none, the table is not used).
static MY_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// The last lock this thread was refused and not granted since, for [`wait_busy`]: file
    /// entry, slot, and whether it asked for it exclusive.
    static REFUSED: Cell<Option<(usize, usize, bool)>> = const { Cell::new(None) };
}

fn offsets(len: usize) -> (usize, usize, usize) {
    let files = size_of::<SpinLock>().next_multiple_of(64);
    let holders = (files + len * size_of::<FileLocks>()).next_multiple_of(64);
    (files, holders, holders + len * size_of::<Holder>())
}

/// File entries and holders for `n_slots` child slots. The databases do not count: no process
/// has more than a few open at once (the startup process recovers them one at a time).
fn entries(n_slots: usize) -> usize {
    HOLDERS_PER_SLOT * n_slots.max(1)
}

/// Bytes for a server with `n_slots` child slots.
pub fn shmem_size(n_slots: usize) -> usize {
    offsets(entries(n_slots)).2
}

/// Creates (or finds) the table; postmaster, at creation and at each reset.
pub fn init(n_slots: usize) -> Result<(), ShmemError> {
    let len = entries(n_slots);
    let (files, holders, size) = offsets(len);
    let (p, _) = init_struct("WalIndexLocks", size)?;
    let base = p.as_ptr();
    // SAFETY: the region holds the claim lock, then `len` file entries and `len` holders at
    // 64-byte aligned offsets (see `offsets`); all are valid all-zero.
    unsafe {
        TABLE.files.store(base.add(files).cast(), Ordering::Release);
        TABLE
            .holders
            .store(base.add(holders).cast(), Ordering::Release);
    }
    TABLE.claim.store(base.cast(), Ordering::Release);
    TABLE.len.store(len, Ordering::Release);
    Ok(())
}

/// A child, right after fork: its locks are recorded under `slot` (1-based).
pub fn set_my_slot(slot: usize) {
    MY_SLOT.store(slot, Ordering::Relaxed);
}

/// The claim lock, the file entries and the holders (empty before `init`).
fn table() -> Option<(&'static SpinLock, &'static [FileLocks], &'static [Holder])> {
    let claim = TABLE.claim.load(Ordering::Acquire);
    if claim.is_null() {
        return None;
    }
    let len = TABLE.len.load(Ordering::Acquire);
    // SAFETY: init stored pointers to a live region of the segment holding the lock and `len`
    // entries of each kind; everything there is atomics, valid all-zero, shared by design.
    unsafe {
        Some((
            &*claim,
            std::slice::from_raw_parts(TABLE.files.load(Ordering::Acquire), len),
            std::slice::from_raw_parts(TABLE.holders.load(Ordering::Acquire), len),
        ))
    }
}

/// Whether this process takes its WAL-index locks here: a server's child with a slot.
pub fn active() -> bool {
    MY_SLOT.load(Ordering::Relaxed) != 0 && table().is_some()
}

/// Whether this process belongs to a server whose children lock here, but has no child slot of
/// its own (the postmaster; a background worker without shared-memory access): it must not
/// open a database, since its `fcntl` locks would not meet the others'.
pub fn barred() -> bool {
    MY_SLOT.load(Ordering::Relaxed) == 0 && table().is_some()
}

/// One connection's open file: its file entry and its holder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileRef {
    file: usize,
    holder: usize,
}

/// Opens the file `(dev, ino)` for one connection; None when the table is full (every entry
/// is some open connection's).
pub fn open(dev: u64, ino: u64) -> Option<FileRef> {
    let (claim, files, holders) = table()?;
    let me = u32::try_from(MY_SLOT.load(Ordering::Relaxed)).ok()?;
    let _g = claim.guard();
    let holder = holders
        .iter()
        .position(|h| h.slot.load(Ordering::SeqCst) == 0)?;
    let same = |f: &FileLocks| {
        f.dev.load(Ordering::Relaxed) == dev && f.ino.load(Ordering::Relaxed) == ino
    };
    let file = files
        .iter()
        .position(|f| f.users.load(Ordering::SeqCst) > 0 && same(f))
        .or_else(|| {
            let free = files
                .iter()
                .position(|f| f.users.load(Ordering::SeqCst) == 0)?;
            let f = &files[free];
            f.dev.store(dev, Ordering::Relaxed);
            f.ino.store(ino, Ordering::Relaxed);
            for w in &f.words {
                w.store(0, Ordering::SeqCst);
            }
            Some(free)
        })?;
    files[file].users.fetch_add(1, Ordering::SeqCst);
    let h = &holders[holder];
    h.locks.store(0, Ordering::SeqCst);
    h.file.store(u32::try_from(file).ok()?, Ordering::SeqCst);
    h.slot.store(me, Ordering::SeqCst);
    Some(FileRef { file, holder })
}

/// Gives back what [`open`] took; the connection holds no lock any more.
pub fn close(f: FileRef) {
    let Some((claim, files, holders)) = table() else {
        return;
    };
    let _g = claim.guard();
    holders[f.holder].slot.store(0, Ordering::SeqCst);
    files[f.file].users.fetch_sub(1, Ordering::SeqCst);
}

fn parts(f: FileRef) -> Option<(&'static FileLocks, &'static Holder)> {
    let (_, files, holders) = table()?;
    Some((files.get(f.file)?, holders.get(f.holder)?))
}

fn exclusive_bits(first: usize, n: usize) -> u64 {
    (first..first + n).fold(0u64, |b, i| b | (0x80 << (8 * i)))
}

/// Takes slot `i` shared; false (busy) when some connection holds it exclusive.
pub fn lock_shared(f: FileRef, i: usize) -> bool {
    let Some((fl, h)) = parts(f) else {
        return false;
    };
    let w = &fl.words[i];
    let mut cur = w.load(Ordering::SeqCst);
    loop {
        if cur & EXCLUSIVE != 0 {
            REFUSED.set(Some((f.file, i, false)));
            return false;
        }
        match w.compare_exchange_weak(cur, cur + 1, Ordering::SeqCst, Ordering::SeqCst) {
            Ok(_) => break,
            Err(now) => cur = now,
        }
    }
    h.locks.fetch_add(1 << (8 * i), Ordering::SeqCst);
    REFUSED.set(None);
    true
}

/// Takes slots `first..first + n` exclusive, all or none; false (busy) when any is held.
pub fn lock_exclusive(f: FileRef, first: usize, n: usize) -> bool {
    let Some((fl, h)) = parts(f) else {
        return false;
    };
    for i in first..first + n {
        if fl.words[i]
            .compare_exchange(0, EXCLUSIVE, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            for (j, taken) in fl.words[first..i].iter().enumerate() {
                taken.store(0, Ordering::SeqCst);
                wake(fl, first + j);
            }
            REFUSED.set(Some((f.file, i, true)));
            return false;
        }
    }
    h.locks.fetch_or(exclusive_bits(first, n), Ordering::SeqCst);
    REFUSED.set(None);
    true
}

/// Lets go of slot `i`, held shared by the calling connection.
pub fn unlock_shared(f: FileRef, i: usize) {
    let Some((fl, h)) = parts(f) else { return };
    h.locks.fetch_sub(1 << (8 * i), Ordering::SeqCst);
    if fl.words[i].fetch_sub(1, Ordering::SeqCst) == 1 {
        wake(fl, i);
    }
}

/// Lets go of slots `first..first + n`, held exclusive by the calling connection.
pub fn unlock_exclusive(f: FileRef, first: usize, n: usize) {
    let Some((fl, h)) = parts(f) else { return };
    h.locks
        .fetch_and(!exclusive_bits(first, n), Ordering::SeqCst);
    for i in first..first + n {
        fl.words[i].store(0, Ordering::SeqCst);
        wake(fl, i);
    }
}

/// Wakes the processes sleeping on slot `i` (one of them for the write lock: its waiters all
/// want it exclusive; should the woken one give up instead, the others' pauses are bounded).
fn wake(fl: &FileLocks, i: usize) {
    if fl.waiters[i].load(Ordering::SeqCst) == 0 {
        return;
    }
    if i == WRITE_SLOT {
        futex::wake_one(&fl.words[i]);
    } else {
        futex::wake_all(&fl.words[i]);
    }
}

/// How long a process refused the write lock watches the word before it sleeps on it. An
/// autocommit insert holds the lock for about ten microseconds (its B-tree change and its WAL
/// frame's write), while going to sleep and being woken costs two system calls, an
/// inter-processor wake-up and a context switch on each side, after which the lock has
/// usually gone to someone else. Measured with 8 clients inserting with `synchronous_commit =
/// off` on 2 CPUs, same-round medians of 8 rounds: 40.8k inserts/s without the spin, 44.9k with
/// 10 µs, 46.6k with 20 µs. Only on more than one CPU: on one, the holder cannot run while its
/// waiter spins.
pub const WRITE_LOCK_SPIN: Duration = Duration::from_micros(20);

/// Whether this machine has more than one CPU for us (asked once per process).
fn spin_worthwhile() -> bool {
    static CPUS: AtomicUsize = AtomicUsize::new(0);
    let mut n = CPUS.load(Ordering::Relaxed);
    if n == 0 {
        n = std::thread::available_parallelism().map_or(1, |n| n.get());
        CPUS.store(n, Ordering::Relaxed);
    }
    n > 1
}

/// Watches the write lock's word for at most `limit`; whether it was let go meanwhile.
fn spin_until_free(w: &AtomicU32, limit: Duration) -> bool {
    let t0 = Instant::now();
    loop {
        for _ in 0..64 {
            if w.load(Ordering::Relaxed) == 0 {
                return true;
            }
            std::hint::spin_loop();
        }
        if t0.elapsed() >= limit {
            return w.load(Ordering::Relaxed) == 0;
        }
    }
}

/// A busy handler's pause: sleeps until the lock this thread was last refused is let go, at
/// most `timeout`; a plain sleep when no lock of this table was refused since the last pause.
/// A refused write lock is watched for [`WRITE_LOCK_SPIN`] first.
pub fn wait_busy(timeout: Duration) {
    let Some((f, i, exclusive)) = REFUSED.take() else {
        std::thread::sleep(timeout);
        return;
    };
    let Some(fl) = table().and_then(|(_, files, _)| files.get(f)) else {
        std::thread::sleep(timeout);
        return;
    };
    let w = &fl.words[i];
    // SQLite retries the lock when this returns: a free word is worth a retry at once.
    if i == WRITE_SLOT
        && exclusive
        && spin_worthwhile()
        && spin_until_free(w, WRITE_LOCK_SPIN.min(timeout))
    {
        return;
    }
    fl.waiters[i].fetch_add(1, Ordering::SeqCst);
    // Sleeps only while the word still shows what refused the lock (any holder for an
    // exclusive request, an exclusive one for a shared request): a release between the refusal
    // and here changed it, and FUTEX_WAIT returns at once. (The waiter count is raised before
    // the word is read, and a releaser changes the word before it reads the count: one of the
    // two sees the other.)
    let cur = w.load(Ordering::SeqCst);
    let blocked = if exclusive {
        cur != 0
    } else {
        cur & EXCLUSIVE != 0
    };
    if blocked {
        futex::wait(w, cur, Some(timeout));
    }
    fl.waiters[i].fetch_sub(1, Ordering::SeqCst);
}

/// Postmaster, for every child it reaps: takes back whatever the child in `slot` still held
/// and the files it had open. Atomic operations only.
pub fn release_child(slot: usize) {
    let Some((_, files, holders)) = table() else {
        return;
    };
    let Ok(slot) = u32::try_from(slot) else {
        return;
    };
    if slot == 0 {
        return;
    }
    for h in holders
        .iter()
        .filter(|h| h.slot.load(Ordering::SeqCst) == slot)
    {
        let Some(fl) = files.get(h.file.load(Ordering::SeqCst) as usize) else {
            continue;
        };
        let locks = h.locks.swap(0, Ordering::SeqCst);
        for i in 0..NLOCK {
            let b = (locks >> (8 * i)) & 0xff;
            if b & 0x80 != 0 {
                let _ =
                    fl.words[i].compare_exchange(EXCLUSIVE, 0, Ordering::SeqCst, Ordering::SeqCst);
                wake(fl, i);
            } else if b != 0 {
                fl.words[i].fetch_sub(b as u32, Ordering::SeqCst);
                wake(fl, i);
            }
        }
        fl.users.fetch_sub(1, Ordering::SeqCst);
        h.slot.store(0, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // One process stands in for several by switching MY_SLOT: the words only see connections.
    fn setup() {
        crate::segment::create_segment(1 << 20).expect("segment");
        init(4).expect("init");
    }

    #[test]
    fn locks_conflict_as_sqlite_expects_and_a_dead_childs_are_taken_back() {
        setup();
        set_my_slot(1);
        let a = open(1, 10).expect("open");
        set_my_slot(2);
        let b = open(1, 10).expect("open");
        assert_eq!(a.file, b.file, "one entry per file");
        let other = open(1, 11).expect("open");
        assert_ne!(a.file, other.file);

        // Shared with shared, exclusive with nothing.
        set_my_slot(1);
        assert!(lock_shared(a, 3));
        set_my_slot(2);
        assert!(lock_shared(b, 3));
        assert!(!lock_exclusive(b, 3, 1));
        assert!(!lock_exclusive(b, 1, 4), "a range over a held slot");
        assert!(lock_exclusive(b, 0, 1), "the write lock");
        assert!(
            lock_exclusive(other, 0, 1),
            "another file's locks are its own"
        );
        set_my_slot(1);
        assert!(!lock_exclusive(a, 0, 1));
        // The range refused above left none of its slots taken.
        assert!(lock_exclusive(a, 1, 2));
        unlock_exclusive(a, 1, 2);

        // Child 2 dies holding the write lock and a read mark: the postmaster takes both back.
        release_child(2);
        assert!(lock_exclusive(a, 0, 1));
        unlock_exclusive(a, 0, 1);
        assert!(
            !lock_exclusive(a, 3, 1),
            "child 1's own shared lock still counts"
        );
        unlock_shared(a, 3);
        assert!(lock_exclusive(a, 3, 5));
        unlock_exclusive(a, 3, 5);

        // Child 2's opens went with it; once child 1 closes too, nobody has the file open and
        // its entry goes to the next file.
        let third = open(1, 12).expect("open");
        assert_ne!(third.file, a.file, "still open in child 1");
        close(third);
        close(a);
        let reused = open(1, 12).expect("open");
        assert_eq!(reused.file, a.file, "the first free entry");
        assert!(lock_exclusive(reused, 0, 8), "with every word free");
        unlock_exclusive(reused, 0, 8);
        close(reused);

        // Two holders per child slot: 4 slots, 8 connections, then none.
        let open_ones: Vec<FileRef> = (0..8).map(|_| open(1, 10).expect("room")).collect();
        assert!(open(1, 10).is_none(), "the table is full");
        close(open_ones[0]);
        assert!(open(1, 10).is_some(), "room again");
    }

    #[test]
    fn a_refused_lock_is_waited_for_until_released() {
        setup();
        set_my_slot(1);
        let f = open(2, 20).expect("open");
        assert!(lock_exclusive(f, 0, 1));
        assert!(!lock_exclusive(f, 0, 1));
        let t = std::time::Instant::now();
        wait_busy(Duration::from_millis(20));
        assert!(t.elapsed() >= Duration::from_millis(15), "slept while held");

        // Refused again, then released by another thread 30 ms later: the sleep ends then,
        // not at its 5 s limit.
        assert!(!lock_exclusive(f, 0, 1));
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            unlock_exclusive(f, 0, 1);
        });
        let t = std::time::Instant::now();
        wait_busy(Duration::from_secs(5));
        assert!(t.elapsed() < Duration::from_secs(2), "woken by the release");
        releaser.join().expect("join");
        assert!(lock_exclusive(f, 0, 1));
    }

    #[test]
    fn a_write_lock_let_go_within_the_spin_is_not_slept_for() {
        let word = std::sync::Arc::new(AtomicU32::new(EXCLUSIVE));
        assert!(
            !spin_until_free(&word, Duration::from_micros(50)),
            "still held at the end of the spin"
        );
        let held = std::sync::Arc::clone(&word);
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(2));
            held.store(0, Ordering::SeqCst);
        });
        let t = Instant::now();
        assert!(spin_until_free(&word, Duration::from_secs(5)), "seen free");
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "as soon as it was let go"
        );
        releaser.join().expect("join");
    }
}
