//! The shared-memory segment: creation, sizing, the bump allocator and the named index.
//!
//! The postmaster computes the size every subsystem needs with a [`SizeBuilder`], creates the
//! segment once with [`create_segment`] before it forks anything, and then each subsystem calls
//! [`init_struct`] to carve out its region. Children inherit the mapping at the same address, so a
//! `&'static` obtained before the fork stays valid in every child.
//!
//! Layout: a [`Header`] at offset 0 (magic, size, the allocation lock, the next free offset and a
//! fixed index of named regions), then the regions in allocation order, each 64-byte aligned.
//!
//! Invariants:
//! - The mapping is `MAP_SHARED | MAP_ANONYMOUS` (memmap2's anonymous maps are private across
//!   fork, so they are not used here).
//! - Offsets, not pointers, are stored in the segment.
//! - [`init_struct`] may be called by the postmaster only while no child exists (at creation and
//!   during a crash reset); children only look regions up. That is why the postmaster may take
//!   the allocation lock here: no other process can hold it.
//! - [`reset_segment`] zeroes the whole mapping and the index; callers then re-run every
//!   subsystem's initialisation in the same order, which yields the same offsets as before.

use std::cell::UnsafeCell;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};

use crate::spinlock::SpinLock;

/// Alignment of every region (a cache line, so that hot fields of different regions never share one).
pub const REGION_ALIGN: usize = 64;
const MAX_INDEX: usize = 64;
const MAX_NAME: usize = 48;
const MAGIC: u64 = 0x6d69_6e69_7067_0001; // "minipg" + layout version

/// Marker for types that may be placed in the shared segment.
///
/// # Safety
/// Implementors must be `#[repr(C)]` (or otherwise have a layout fixed within one binary), be
/// valid when every byte is zero, contain no pointers or references (offsets only), and be
/// safe to share between processes (atomics, or plain data guarded by a [`SpinLock`]).
pub unsafe trait ShmemSafe: Sync {}

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum ShmemError {
    #[error("could not create shared memory segment of {size} bytes: {source}")]
    CannotCreate { size: usize, source: std::io::Error },
    #[error("out of shared memory: \"{name}\" needs {requested} bytes, {available} bytes are left")]
    OutOfMemory {
        name: String,
        requested: usize,
        available: usize,
    },
    #[error("too many named shared memory regions (at most {MAX_INDEX}); cannot add \"{0}\"")]
    IndexFull(String),
    #[error("shared memory region name \"{0}\" is longer than {MAX_NAME} bytes")]
    NameTooLong(String),
    #[error("shared memory region \"{name}\" exists with {existing} bytes, {requested} requested")]
    SizeMismatch {
        name: String,
        existing: usize,
        requested: usize,
    },
    #[error("the shared memory segment has not been created in this process tree")]
    NotCreated,
    #[error("shared memory region \"{0}\" does not exist")]
    NotFound(String),
    #[error("the shared memory segment is corrupt")]
    Corrupt,
}

#[repr(C)]
struct IndexEntry {
    name: UnsafeCell<[u8; MAX_NAME]>,
    name_len: AtomicUsize,
    offset: AtomicUsize,
    size: AtomicUsize,
}

#[repr(C)]
struct Header {
    magic: AtomicU64,
    total_size: AtomicUsize,
    lock: SpinLock,
    next_free: AtomicUsize,
    n_entries: AtomicUsize,
    index: [IndexEntry; MAX_INDEX],
}

// SAFETY: the header is repr(C), all-zero valid, holds offsets only; the UnsafeCell name bytes
// are only written under `lock` and read under it.
unsafe impl ShmemSafe for Header {}
// SAFETY: see the ShmemSafe impl: every shared access to the UnsafeCell is under the spinlock.
unsafe impl Sync for IndexEntry {}

static BASE: AtomicPtr<u8> = AtomicPtr::new(std::ptr::null_mut());
static SIZE: AtomicUsize = AtomicUsize::new(0);

fn align_up(n: usize) -> usize {
    n.div_ceil(REGION_ALIGN) * REGION_ALIGN
}

/// Adds up what each subsystem asks for, as PostgreSQL's `add_size` calls do before the one
/// allocation.
#[derive(Debug, Clone)]
pub struct SizeBuilder {
    total: usize,
    parts: Vec<(String, usize)>,
}

impl Default for SizeBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl SizeBuilder {
    /// Starts with the header's own size.
    pub fn new() -> Self {
        SizeBuilder {
            total: align_up(size_of::<Header>()),
            parts: Vec::new(),
        }
    }

    /// Asks for `bytes` for the region `what`.
    pub fn add(&mut self, what: &str, bytes: usize) -> &mut Self {
        let aligned = align_up(bytes.max(1));
        self.total = self.total.saturating_add(aligned);
        self.parts.push((what.to_owned(), aligned));
        self
    }

    /// Asks for one `T`.
    pub fn add_struct<T: ShmemSafe>(&mut self, what: &str) -> &mut Self {
        self.add(what, size_of::<T>())
    }

    /// The total, rounded up to whole pages.
    pub fn total(&self) -> usize {
        self.total.div_ceil(4096) * 4096
    }

    /// The regions asked for, in order, for logs and benchmarks.
    pub fn parts(&self) -> &[(String, usize)] {
        &self.parts
    }
}

fn header() -> Result<&'static Header, ShmemError> {
    let base = BASE.load(Ordering::Acquire);
    if base.is_null() {
        return Err(ShmemError::NotCreated);
    }
    // SAFETY: BASE is set once by create_segment to a live mapping of at least
    // size_of::<Header>() bytes that is never unmapped; the header is ShmemSafe.
    Ok(unsafe { &*(base as *const Header) })
}

/// Creates the segment (once per process tree, in the postmaster, before any fork).
///
/// Creating it again in the same process is an error unless the size is the same, in which
/// case the existing segment is reset and reused.
pub fn create_segment(size: usize) -> Result<(), ShmemError> {
    let size = size.max(align_up(size_of::<Header>())).div_ceil(4096) * 4096;
    if !BASE.load(Ordering::Acquire).is_null() {
        if SIZE.load(Ordering::Acquire) >= size {
            reset_segment();
            return Ok(());
        }
        return Err(ShmemError::CannotCreate {
            size,
            source: std::io::Error::other("a smaller segment already exists in this process"),
        });
    }
    // SAFETY: a fresh anonymous shared mapping; we pass no address hint and no fd, and check
    // the result for MAP_FAILED before using it.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_SHARED | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        return Err(ShmemError::CannotCreate {
            size,
            source: std::io::Error::last_os_error(),
        });
    }
    BASE.store(ptr.cast(), Ordering::Release);
    SIZE.store(size, Ordering::Release);
    init_header(size);
    Ok(())
}

fn init_header(size: usize) {
    let Ok(h) = header() else { return };
    h.total_size.store(size, Ordering::Relaxed);
    h.next_free
        .store(align_up(size_of::<Header>()), Ordering::Relaxed);
    h.n_entries.store(0, Ordering::Relaxed);
    h.magic.store(MAGIC, Ordering::Release);
}

/// The size of the segment in bytes (0 when none exists).
pub fn segment_size() -> usize {
    SIZE.load(Ordering::Acquire)
}

/// Bytes handed out so far (for benchmarks and logs).
pub fn segment_used() -> usize {
    header()
        .map(|h| h.next_free.load(Ordering::Relaxed))
        .unwrap_or(0)
}

/// Zeroes the whole segment, for the postmaster's crash reset.
///
/// Must only be called by the postmaster while no child exists. Every subsystem must then be
/// initialised again (in the same order as at creation).
pub fn reset_segment() {
    let base = BASE.load(Ordering::Acquire);
    if base.is_null() {
        return;
    }
    // The whole mapping, by the size this process remembers: nothing read from the segment
    // (which a crashed child may have corrupted) decides what is cleared.
    let size = SIZE.load(Ordering::Acquire);
    // SAFETY: base..base+size is our live mapping; no other process uses the segment (all
    // children are gone, per the contract), and no reference into it is used concurrently in
    // this single-threaded postmaster; zero bytes are every ShmemSafe type's valid initial state.
    unsafe { std::ptr::write_bytes(base, 0, size) };
    init_header(size);
}

/// Returns the region named `name` of `size` bytes, creating it (zeroed) when it does not exist
/// yet; the flag tells whether it already existed ("found", in PostgreSQL's ShmemInitStruct).
pub fn init_struct(name: &str, size: usize) -> Result<(NonNull<u8>, bool), ShmemError> {
    if name.len() > MAX_NAME {
        return Err(ShmemError::NameTooLong(name.to_owned()));
    }
    let h = header()?;
    if h.magic.load(Ordering::Acquire) != MAGIC {
        return Err(ShmemError::Corrupt);
    }
    let base = BASE.load(Ordering::Acquire);
    let total = SIZE.load(Ordering::Acquire);
    let _guard = h.lock.guard();
    let n = h.n_entries.load(Ordering::Relaxed).min(MAX_INDEX);
    for e in &h.index[..n] {
        let len = e.name_len.load(Ordering::Relaxed).min(MAX_NAME);
        // SAFETY: name bytes are only accessed under h.lock, which we hold.
        let stored = unsafe { &(&*e.name.get())[..len] };
        if stored == name.as_bytes() {
            let existing = e.size.load(Ordering::Relaxed);
            if existing != size {
                return Err(ShmemError::SizeMismatch {
                    name: name.to_owned(),
                    existing,
                    requested: size,
                });
            }
            let off = e.offset.load(Ordering::Relaxed);
            if off.checked_add(size).is_none_or(|end| end > total) {
                return Err(ShmemError::Corrupt);
            }
            // SAFETY: off + size lies within the mapping (checked above); base is non-null.
            let p = unsafe { NonNull::new_unchecked(base.add(off)) };
            return Ok((p, true));
        }
    }
    if n >= MAX_INDEX {
        return Err(ShmemError::IndexFull(name.to_owned()));
    }
    let off = h.next_free.load(Ordering::Relaxed);
    let need = align_up(size.max(1));
    let available = total.saturating_sub(off);
    if need > available {
        return Err(ShmemError::OutOfMemory {
            name: name.to_owned(),
            requested: need,
            available,
        });
    }
    let e = &h.index[n];
    // SAFETY: we hold h.lock; entry n is not yet published (n_entries is bumped after).
    unsafe {
        let buf = &mut *e.name.get();
        buf[..name.len()].copy_from_slice(name.as_bytes());
    }
    e.name_len.store(name.len(), Ordering::Relaxed);
    e.offset.store(off, Ordering::Relaxed);
    e.size.store(size, Ordering::Relaxed);
    h.next_free.store(off + need, Ordering::Relaxed);
    h.n_entries.store(n + 1, Ordering::Release);
    // SAFETY: off + need <= total (checked above); the bytes are zero (fresh mapping or reset).
    let p = unsafe { NonNull::new_unchecked(base.add(off)) };
    Ok((p, false))
}

/// Typed [`init_struct`]: a zero-initialised `T` on first creation.
pub fn init_struct_typed<T: ShmemSafe>(name: &str) -> Result<(&'static T, bool), ShmemError> {
    let (p, found) = init_struct(name, size_of::<T>())?;
    debug_assert!(align_of::<T>() <= REGION_ALIGN);
    // SAFETY: the region is size_of::<T>() bytes, REGION_ALIGN-aligned, inside a mapping that
    // lives for the rest of the process; T is ShmemSafe so the all-zero (or previously
    // initialised) bytes are a valid T, shared only through atomics/locks.
    Ok((unsafe { &*(p.as_ptr() as *const T) }, found))
}

/// A process-local view of an array of `T` in the segment: set by its owner's `init` (postmaster,
/// at creation and at each reset, before any child that reads it is forked), read as a slice
/// (empty before `init`).
pub struct ShmemArray<T> {
    ptr: AtomicPtr<T>,
    len: AtomicUsize,
}

impl<T: ShmemSafe> ShmemArray<T> {
    /// An array not yet created.
    pub const fn new() -> Self {
        ShmemArray {
            ptr: AtomicPtr::new(std::ptr::null_mut()),
            len: AtomicUsize::new(0),
        }
    }

    /// Bytes for `len` entries (at least one, so that the region exists).
    pub const fn size(len: usize) -> usize {
        let entries = if len == 0 { 1 } else { len };
        entries * size_of::<T>()
    }

    /// Creates (zeroed) or finds the region `name` of `len` entries, and points this view at it.
    pub fn init(&self, name: &str, len: usize) -> Result<(), ShmemError> {
        let (p, _) = init_struct(name, Self::size(len))?;
        debug_assert!(align_of::<T>() <= REGION_ALIGN);
        self.ptr.store(p.as_ptr().cast(), Ordering::Release);
        self.len.store(len, Ordering::Release);
        Ok(())
    }

    /// The entries.
    pub fn get(&self) -> &'static [T] {
        let p = self.ptr.load(Ordering::Acquire);
        if p.is_null() {
            return &[];
        }
        // SAFETY: init stored `len` entries of a region at least that large, aligned, in a mapping
        // that lives for the rest of the process; T is ShmemSafe, so zeroed (or previously
        // initialised) bytes are a valid T, shared only through atomics or locks.
        unsafe { std::slice::from_raw_parts(p, self.len.load(Ordering::Acquire)) }
    }
}

impl<T: ShmemSafe> Default for ShmemArray<T> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    // The segment is process-global; these tests share one and must not interleave.
    static SERIAL: Mutex<()> = Mutex::new(());

    #[test]
    fn size_builder_adds_aligned_parts() {
        let mut b = SizeBuilder::new();
        b.add("a", 1).add("b", 65);
        let header = align_up(size_of::<Header>());
        assert_eq!(b.parts(), &[("a".to_owned(), 64), ("b".to_owned(), 128)]);
        assert_eq!(b.total(), (header + 192).div_ceil(4096) * 4096);
    }

    #[test]
    fn init_struct_finds_what_it_created_and_reset_clears() {
        let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        create_segment(1 << 20).expect("segment");
        reset_segment();
        let (p1, found1) = init_struct("Alpha", 100).expect("alpha");
        assert!(!found1);
        // SAFETY: p1 points to 100 writable bytes of our segment.
        unsafe { p1.as_ptr().write(42) };
        let (p2, found2) = init_struct("Alpha", 100).expect("alpha again");
        assert!(found2);
        assert_eq!(p1, p2);
        assert!(matches!(
            init_struct("Alpha", 99),
            Err(ShmemError::SizeMismatch { .. })
        ));
        let (p3, _) = init_struct("Beta", 10).expect("beta");
        assert_eq!(p3.as_ptr() as usize - p1.as_ptr() as usize, 128);
        reset_segment();
        let (p4, found4) = init_struct("Alpha", 100).expect("alpha after reset");
        assert!(!found4);
        assert_eq!(p4, p1, "same order after a reset gives the same offsets");
        // SAFETY: as above.
        assert_eq!(unsafe { p4.as_ptr().read() }, 0, "reset zeroes the region");
    }

    #[test]
    fn reset_clears_everything_even_when_the_header_is_corrupt() {
        let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        create_segment(1 << 20).expect("segment");
        reset_segment();
        let (p, _) = init_struct("Gamma", 4096).expect("gamma");
        // SAFETY: p points to 4096 writable bytes of our segment.
        unsafe { p.as_ptr().add(4000).write(7) };
        // A crashed child scribbled over the allocator's high-water mark.
        header()
            .expect("header")
            .next_free
            .store(0, Ordering::Relaxed);
        reset_segment();
        let (p2, _) = init_struct("Gamma", 4096).expect("gamma again");
        assert_eq!(p2, p);
        // SAFETY: as above.
        let byte = unsafe { p2.as_ptr().add(4000).read() };
        assert_eq!(byte, 0, "stale bytes survived the reset");
        reset_segment();
    }

    #[test]
    fn out_of_memory_names_the_region() {
        let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        create_segment(1 << 20).expect("segment");
        reset_segment();
        let err = init_struct("Huge", 1 << 30).expect_err("too big");
        let msg = err.to_string();
        assert!(
            msg.contains("\"Huge\"") && msg.contains("out of shared memory"),
            "{msg}"
        );
        reset_segment();
    }
}
