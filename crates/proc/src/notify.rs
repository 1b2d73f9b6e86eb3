//! The notification queue of LISTEN/NOTIFY (PostgreSQL's async.c, in a ring in the shared
//! segment instead of SLRU pages): committed notifications are appended in commit order;
//! each listening backend reads from its own position and is woken through its latch.
//!
//! Layout: a header (the queue spinlock, `head` = bytes ever appended, `reserved` = bytes
//! promised to open transactions), one [`Listener`] per PGPROC entry (same index), then a
//! ring of [`QUEUE_BYTES`]. An entry is `[len u32][db u32][pid i32][channel len u16][payload
//! len u16][channel][payload]`, padded to 8 bytes; it may wrap around the ring's end.
//!
//! Invariants:
//! - The *tail* is the smallest position of a listening backend (or `head` when none listens);
//!   `head + reserved - tail <= QUEUE_BYTES` always holds, so an append never overwrites a byte
//!   some listener has not read. A transaction reserves its bytes when it queues a NOTIFY
//!   (failing with "too many notifications" when the ring is full, as PostgreSQL fails at
//!   commit), so its append after the commit always fits.
//! - Bytes between a listener's position and `head` are immutable while it listens, so it reads
//!   them without the lock (after an acquire load of `head`).
//! - Only backends use it; the postmaster only sizes and zeroes the region before any child
//!   exists. A backend killed while holding the spinlock causes a crash reset like any other.

use std::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use shmem::spinlock::SpinLock;
use shmem::{ShmemSafe, init_struct};

use crate::procarray::{ProcError, my_proc_number, proc_at};

/// Bytes in the ring.
pub const QUEUE_BYTES: usize = 1 << 20;
const ENTRY_HEADER: usize = 16;

#[repr(C)]
struct Header {
    lock: SpinLock,
    head: AtomicU64,
    reserved: AtomicU64,
    n_listeners: AtomicU32,
}

/// One backend's reading state.
#[repr(C)]
struct Listener {
    /// Next byte to read (meaningful while `db != 0`).
    pos: AtomicU64,
    /// The database it listens in (a hash of its name, never 0), or 0: not listening.
    db: AtomicU32,
}

// SAFETY: repr(C), atomics and a spinlock word only; all-zero is a valid empty queue.
unsafe impl ShmemSafe for Header {}

static HEADER: AtomicPtr<Header> = AtomicPtr::new(std::ptr::null_mut());
static LISTENERS: AtomicPtr<Listener> = AtomicPtr::new(std::ptr::null_mut());
static N_LISTENERS: AtomicUsize = AtomicUsize::new(0);
static RING: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());

fn listeners_offset() -> usize {
    size_of::<Header>().div_ceil(64) * 64
}

fn ring_offset(n_procs: usize) -> usize {
    (listeners_offset() + n_procs * size_of::<Listener>()).div_ceil(64) * 64
}

/// Bytes the region needs for `n_procs` PGPROC entries.
pub fn shmem_size(n_procs: usize) -> usize {
    ring_offset(n_procs) + QUEUE_BYTES
}

/// Creates (or finds, after a reset: zeroed) the region. Postmaster only, before any child.
pub fn init(n_procs: usize) -> Result<(), ProcError> {
    let (p, _found) = init_struct("AsyncQueue", shmem_size(n_procs))?;
    // SAFETY: the region is shmem_size(n_procs) bytes: the header, `n_procs` listeners at a
    // 64-byte aligned offset, then the ring; all-zero is valid for each; it outlives us.
    unsafe {
        HEADER.store(p.as_ptr().cast(), Ordering::Release);
        LISTENERS.store(p.as_ptr().add(listeners_offset()).cast(), Ordering::Release);
        RING.store(p.as_ptr().add(ring_offset(n_procs)), Ordering::Release);
    }
    N_LISTENERS.store(n_procs, Ordering::Release);
    Ok(())
}

fn header() -> Option<&'static Header> {
    // SAFETY: null or a pointer into the live segment set by init.
    unsafe { HEADER.load(Ordering::Acquire).as_ref() }
}

fn listeners() -> &'static [Listener] {
    let p = LISTENERS.load(Ordering::Acquire);
    if p.is_null() {
        return &[];
    }
    // SAFETY: init stored N_LISTENERS zero-valid entries at this address in the segment.
    unsafe { std::slice::from_raw_parts(p, N_LISTENERS.load(Ordering::Acquire)) }
}

/// The key of a database name in the queue (FNV-1a, never 0).
pub fn database_key(name: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in name.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h | 1
}

/// Bytes one notification takes in the ring.
pub fn entry_size(channel: &str, payload: &str) -> usize {
    (ENTRY_HEADER + channel.len() + payload.len()).div_ceil(8) * 8
}

/// The smallest position a listener still needs; the caller holds the lock.
fn tail(head: u64) -> u64 {
    listeners()
        .iter()
        .filter(|l| l.db.load(Ordering::Relaxed) != 0)
        .map(|l| l.pos.load(Ordering::Relaxed))
        .min()
        .unwrap_or(head)
        .min(head)
}

/// Promises `bytes` of the ring to the calling transaction; `false` when it is full.
pub fn reserve(bytes: usize) -> bool {
    let Some(h) = header() else { return true };
    let _g = h.lock.guard();
    let head = h.head.load(Ordering::Relaxed);
    let reserved = h.reserved.load(Ordering::Relaxed);
    let used = head + reserved - tail(head);
    if used + bytes as u64 > QUEUE_BYTES as u64 {
        return false;
    }
    h.reserved.store(reserved + bytes as u64, Ordering::Relaxed);
    true
}

/// Gives back a reservation whose transaction did not commit.
pub fn release(bytes: usize) {
    let Some(h) = header() else { return };
    let _g = h.lock.guard();
    let reserved = h.reserved.load(Ordering::Relaxed);
    h.reserved
        .store(reserved.saturating_sub(bytes as u64), Ordering::Relaxed);
}

fn ring_write(at: u64, bytes: &[u8]) {
    let ring = RING.load(Ordering::Acquire);
    let start = (at % QUEUE_BYTES as u64) as usize;
    let first = bytes.len().min(QUEUE_BYTES - start);
    // SAFETY: `ring` is QUEUE_BYTES long; both copies stay inside it (`first` bytes from
    // `start`, the rest from 0, and bytes.len() <= QUEUE_BYTES by the reservation); no
    // listener reads these bytes (they are past `head`), and the queue lock is held.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), ring.add(start), first);
        std::ptr::copy_nonoverlapping(bytes.as_ptr().add(first), ring, bytes.len() - first);
    }
}

fn ring_read(at: u64, out: &mut [u8]) {
    let ring = RING.load(Ordering::Acquire);
    let start = (at % QUEUE_BYTES as u64) as usize;
    let first = out.len().min(QUEUE_BYTES - start);
    // SAFETY: as in ring_write; the bytes lie between the reader's position and `head`, which
    // no writer touches while the reader listens.
    unsafe {
        std::ptr::copy_nonoverlapping(ring.add(start), out.as_mut_ptr(), first);
        std::ptr::copy_nonoverlapping(ring, out.as_mut_ptr().add(first), out.len() - first);
    }
}

/// Appends a committed transaction's notifications (their bytes were reserved: `reserved`)
/// for database `db`, sent by `pid`, and wakes the backends listening in that database.
pub fn append(db: u32, pid: i32, notes: &[(String, String)], reserved: usize) {
    let Some(h) = header() else { return };
    {
        let _g = h.lock.guard();
        let mut head = h.head.load(Ordering::Relaxed);
        let mut entry = Vec::new();
        for (channel, payload) in notes {
            let len = entry_size(channel, payload);
            entry.clear();
            entry.extend_from_slice(&(len as u32).to_le_bytes());
            entry.extend_from_slice(&db.to_le_bytes());
            entry.extend_from_slice(&pid.to_le_bytes());
            entry.extend_from_slice(&(channel.len() as u16).to_le_bytes());
            entry.extend_from_slice(&(payload.len() as u16).to_le_bytes());
            entry.extend_from_slice(channel.as_bytes());
            entry.extend_from_slice(payload.as_bytes());
            entry.resize(len, 0);
            ring_write(head, &entry);
            head += len as u64;
        }
        let r = h.reserved.load(Ordering::Relaxed);
        h.reserved
            .store(r.saturating_sub(reserved as u64), Ordering::Relaxed);
        h.head.store(head, Ordering::Release);
    }
    for (i, l) in listeners().iter().enumerate() {
        if l.db.load(Ordering::Acquire) == db
            && let Some(p) = proc_at(i)
        {
            p.latch.set();
        }
    }
}

/// Starts reading the queue from now on, in database `db`. Does nothing without a PGPROC.
pub fn listen(db: u32) {
    let (Some(h), Some(i)) = (header(), my_proc_number()) else {
        return;
    };
    let Some(l) = listeners().get(i) else { return };
    if l.db.load(Ordering::Relaxed) == db {
        return;
    }
    let _g = h.lock.guard();
    l.pos
        .store(h.head.load(Ordering::Relaxed), Ordering::Relaxed);
    l.db.store(db, Ordering::Release);
}

/// Stops reading the queue (UNLISTEN *, session end).
pub fn unlisten() {
    if let Some(i) = my_proc_number() {
        forget(i);
    }
}

/// Clears entry `index`'s listener (its process is leaving).
pub(crate) fn forget(index: usize) {
    let (Some(h), Some(l)) = (header(), listeners().get(index)) else {
        return;
    };
    if l.db.load(Ordering::Relaxed) == 0 {
        return;
    }
    let _g = h.lock.guard();
    l.db.store(0, Ordering::Release);
}

/// Hands every notification of this backend's database appended since it last read to `f`
/// (sender pid, channel, payload), oldest first.
pub fn read(mut f: impl FnMut(i32, &str, &str)) {
    let (Some(h), Some(i)) = (header(), my_proc_number()) else {
        return;
    };
    let Some(l) = listeners().get(i) else { return };
    let db = l.db.load(Ordering::Relaxed);
    if db == 0 {
        return;
    }
    let head = h.head.load(Ordering::Acquire);
    let mut pos = l.pos.load(Ordering::Relaxed);
    let mut fixed = [0u8; ENTRY_HEADER];
    let mut body = Vec::new();
    while pos < head {
        ring_read(pos, &mut fixed);
        let word = |at: usize| {
            u32::from_le_bytes([fixed[at], fixed[at + 1], fixed[at + 2], fixed[at + 3]])
        };
        let len = word(0) as usize;
        if !(ENTRY_HEADER..=QUEUE_BYTES).contains(&len) {
            // Cannot happen with entries written by `append`; never loop on a bad one.
            pos = head;
            break;
        }
        let entry_db = word(4);
        let pid = word(8) as i32;
        let clen = u16::from_le_bytes([fixed[12], fixed[13]]) as usize;
        let plen = u16::from_le_bytes([fixed[14], fixed[15]]) as usize;
        if entry_db == db && ENTRY_HEADER + clen + plen <= len {
            body.resize(clen + plen, 0);
            ring_read(pos + ENTRY_HEADER as u64, &mut body);
            let channel = String::from_utf8_lossy(&body[..clen]);
            let payload = String::from_utf8_lossy(&body[clen..]);
            f(pid, &channel, &payload);
        }
        pos += len as u64;
    }
    // Publishing the new position lets writers reuse what was read.
    let _g = h.lock.guard();
    l.pos.store(pos, Ordering::Relaxed);
}
