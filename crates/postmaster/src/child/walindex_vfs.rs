//! The server's SQLite VFS: SQLite's own unix VFS, except that a database's WAL-index locks are
//! the atomic words of `shmem::walindex` instead of `fcntl` locks on its `-shm` file, and that
//! a WAL file is read through a shared mapping and a frame's header is written with its page.
//!
//! Registered as the default VFS by the postmaster before its first fork ([`register`]), so
//! every connection a child opens goes through it. It is a shim in the usual SQLite way: each
//! file is SQLite's unix file followed by a little state of ours, and every method is the unix
//! method except three on a main database file:
//!
//! - `xShmMap`, on first use, opens the file's entry in the lock table (keyed by device and
//!   inode, so every process and connection of one database finds the same words);
//! - `xShmLock` takes and lets go of the words, and keeps which slots this connection holds,
//!   as SQLite's unix VFS does: unlocking what it does not hold is a no-op, a shared lock it
//!   holds already is granted, and an exclusive lock is refused while any other connection (of
//!   any process, this one included) holds the slot;
//! - `xShmUnmap` lets go of whatever the connection still holds and gives the entry back;
//!
//! and, on a WAL file, `xRead` (a copy from the mapping), `xWrite` (a frame's header waits for
//! its page) and `xTruncate` (see [`WalIo`] for all three and why a mapped read stays inside
//! the file); `xClose`, `xSync`, `xFileSize` and `xFileControl` write a held-back write first.
//!
//! A refused lock is remembered, so the busy handler's pause
//! ([`crate::child::hooks`] → `shmem::walindex::wait_busy`) sleeps on that word's futex until
//! its holder lets go instead of sleeping a fixed time.
//!
//! What stays with SQLite's unix VFS: the `-shm` file and its mapping, the dead-man-switch
//! lock on it that decides which connection rebuilds the WAL index after a crash (an `fcntl`
//! lock, as before), every database-file lock and all other I/O. A process outside a server keeps
//! the `fcntl` locks (the VFS is not registered there); a server's process without a child
//! slot (a background worker without shared-memory access) cannot open a database
//! (`SQLITE_CANTOPEN`), as in PostgreSQL a database connection needs shared memory.
//!
//! Invariant: nothing outside the server opens a database while it runs (as with PostgreSQL's
//! data directory): another program's `fcntl` WAL-index locks would not see these.

use std::ffi::{CStr, OsStr, c_int, c_void};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::atomic::{AtomicPtr, Ordering};

use rusqlite::ffi;
use shmem::walindex::{self, FileRef, NLOCK};

/// One open file: ours first (SQLite hands this pointer to every method), SQLite's unix file
/// right after it, at [`REAL_OFFSET`].
#[repr(C)]
struct ShimFile {
    base: ffi::sqlite3_file,
    /// `(dev, ino)` of a main database file in a process that uses the lock table.
    key: Option<(u64, u64)>,
    /// Its lock-table entry, once the WAL index is mapped.
    entry: Option<FileRef>,
    /// Slots this connection holds shared / exclusive (bit `i` for slot `i`).
    shared: u8,
    exclusive: u8,
    /// A WAL file's reads from a mapping and its coalesced writes (see [`WalIo`]).
    wal: Option<WalIo>,
}

const REAL_OFFSET: usize = size_of::<ShimFile>().next_multiple_of(16);

/// SQLite's unix VFS, which every method but ours goes to (null before [`register`]).
static REAL: AtomicPtr<ffi::sqlite3_vfs> = AtomicPtr::new(std::ptr::null_mut());

static METHODS: ffi::sqlite3_io_methods = ffi::sqlite3_io_methods {
    iVersion: 3,
    xClose: Some(x_close),
    xRead: Some(x_read),
    xWrite: Some(x_write),
    xTruncate: Some(x_truncate),
    xSync: Some(x_sync),
    xFileSize: Some(x_file_size),
    xLock: Some(x_lock),
    xUnlock: Some(x_unlock),
    xCheckReservedLock: Some(x_check_reserved_lock),
    xFileControl: Some(x_file_control),
    xSectorSize: Some(x_sector_size),
    xDeviceCharacteristics: Some(x_device_characteristics),
    xShmMap: Some(x_shm_map),
    xShmLock: Some(x_shm_lock),
    xShmBarrier: Some(x_shm_barrier),
    xShmUnmap: Some(x_shm_unmap),
    xFetch: Some(x_fetch),
    xUnfetch: Some(x_unfetch),
};

/// Makes the shim SQLite's default VFS in this process and the children it forks. Postmaster,
/// once, after `spi::initialize_library` and before any fork; it opens no database itself.
pub fn register() -> Result<(), String> {
    if !REAL.load(Ordering::Acquire).is_null() {
        return Ok(());
    }
    // SAFETY: finds the default VFS SQLite registered at initialisation (unix); null if none.
    let real = unsafe { ffi::sqlite3_vfs_find(std::ptr::null()) };
    if real.is_null() {
        return Err("SQLite has no default VFS".to_owned());
    }
    // SAFETY: real points to SQLite's static unix VFS, valid for the life of the process.
    let mut ours = unsafe { *real };
    let real_size = usize::try_from(ours.szOsFile).unwrap_or(0);
    ours.szOsFile = c_int::try_from(REAL_OFFSET + real_size).map_err(|e| e.to_string())?;
    ours.zName = c"minipg".as_ptr();
    ours.pNext = std::ptr::null_mut();
    ours.xOpen = Some(x_open);
    REAL.store(real, Ordering::Release);
    // Leaked: SQLite keeps the pointer (and writes its pNext) for the life of the process.
    let ptr = Box::into_raw(Box::new(ours));
    // SAFETY: ptr is a valid, never-freed sqlite3_vfs that only SQLite accesses from now on.
    let rc = unsafe { ffi::sqlite3_vfs_register(ptr, 1) };
    if rc != ffi::SQLITE_OK {
        return Err(format!("could not register the VFS (SQLite error {rc})"));
    }
    Ok(())
}

/// `(dev, ino)` of the file at `path`.
fn file_key(path: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// SQLite's unix file inside ours.
///
/// # Safety
/// `f` is a file this VFS opened (its allocation is `szOsFile` bytes).
unsafe fn real(f: *mut ffi::sqlite3_file) -> *mut ffi::sqlite3_file {
    // SAFETY: per the contract, the allocation extends REAL_OFFSET + the unix file's size.
    unsafe { f.cast::<u8>().add(REAL_OFFSET).cast() }
}

/// The unix file and its methods.
///
/// # Safety
/// As [`real`]; the file is open (the unix xOpen set its methods).
unsafe fn methods(
    f: *mut ffi::sqlite3_file,
) -> (*mut ffi::sqlite3_file, &'static ffi::sqlite3_io_methods) {
    // SAFETY: per the contract; the unix VFS's method tables are static.
    unsafe {
        let r = real(f);
        (r, &*(*r).pMethods)
    }
}

unsafe extern "C" fn x_open(
    _vfs: *mut ffi::sqlite3_vfs,
    name: ffi::sqlite3_filename,
    file: *mut ffi::sqlite3_file,
    flags: c_int,
    out_flags: *mut c_int,
) -> c_int {
    let real_vfs = REAL.load(Ordering::Acquire);
    // SAFETY: SQLite passes an allocation of szOsFile bytes for `file`; ours is written whole
    // before the unix xOpen fills its part; real_vfs is SQLite's static unix VFS (register
    // stored it before registering us); a non-null name is a NUL-terminated path; a non-null
    // out_flags is the int SQLite passes for the unix xOpen to fill.
    unsafe {
        let shim = file.cast::<ShimFile>();
        shim.write(ShimFile {
            base: ffi::sqlite3_file {
                pMethods: std::ptr::null(),
            },
            key: None,
            entry: None,
            shared: 0,
            exclusive: 0,
            wal: None,
        });
        let main_db = flags & ffi::SQLITE_OPEN_MAIN_DB != 0;
        if main_db && walindex::barred() {
            return ffi::SQLITE_CANTOPEN;
        }
        let Some(open) = (*real_vfs).xOpen else {
            return ffi::SQLITE_CANTOPEN;
        };
        // A main database's lock-table key is its (dev, ino), read before and after the open:
        // a file replaced in between is refused rather than keyed by the wrong inode. A
        // connection of this process that could not be keyed would take `fcntl` locks no other
        // connection sees, so it is refused too.
        let locked = main_db && walindex::active();
        let path = (!name.is_null())
            .then(|| Path::new(OsStr::from_bytes(CStr::from_ptr(name).to_bytes())));
        let before = if locked {
            path.and_then(file_key)
        } else {
            None
        };
        let rc = open(real_vfs, name, real(file), flags, out_flags);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        if locked {
            let after = path.and_then(file_key);
            if after.is_none() || before.is_some_and(|b| Some(b) != after) {
                if let Some(close) = (*real(file)).pMethods.as_ref().and_then(|m| m.xClose) {
                    close(real(file));
                }
                return ffi::SQLITE_CANTOPEN;
            }
            (*shim).key = after;
        }
        // A WAL opened read-only (asked so, or the unix VFS's fallback when read-write failed)
        // is read by SQLite's read-only WAL path, which may read where no frame is known:
        // never through the mapping (see `WalIo`).
        let read_only = flags & ffi::SQLITE_OPEN_READONLY != 0
            || (!out_flags.is_null() && *out_flags & ffi::SQLITE_OPEN_READONLY != 0);
        if flags & ffi::SQLITE_OPEN_WAL != 0 && walindex::active() && !read_only {
            (*shim).wal = path.map(WalIo::open);
        }
        (*shim).base.pMethods = &METHODS;
    }
    ffi::SQLITE_OK
}

/// Lets go of every slot the connection holds.
///
/// # Safety
/// `shim` is one of our open files.
unsafe fn release_all(shim: *mut ShimFile) {
    // SAFETY: per the contract; SQLite calls a file's methods from one thread at a time.
    unsafe {
        let Some(entry) = (*shim).entry else { return };
        for i in 0..NLOCK {
            if (*shim).shared & (1 << i) != 0 {
                walindex::unlock_shared(entry, i);
            }
            if (*shim).exclusive & (1 << i) != 0 {
                walindex::unlock_exclusive(entry, i, 1);
            }
        }
        (*shim).shared = 0;
        (*shim).exclusive = 0;
    }
}

/// Lets go of the connection's locks and its lock-table entry.
///
/// # Safety
/// As [`release_all`].
unsafe fn close_entry(shim: *mut ShimFile) {
    // SAFETY: per the contract.
    unsafe {
        release_all(shim);
        if let Some(entry) = (*shim).entry.take() {
            walindex::close(entry);
        }
    }
}

unsafe extern "C" fn x_close(f: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: SQLite closes a file it opened through us, once.
    unsafe {
        let shim = f.cast::<ShimFile>();
        close_entry(shim);
        let flushed = flush(f);
        drop((*shim).wal.take());
        let (r, m) = methods(f);
        let rc = m.xClose.map_or(ffi::SQLITE_OK, |x| x(r));
        if flushed != ffi::SQLITE_OK {
            flushed
        } else {
            rc
        }
    }
}

unsafe extern "C" fn x_shm_map(
    f: *mut ffi::sqlite3_file,
    page: c_int,
    size: c_int,
    extend: c_int,
    out: *mut *mut c_void,
) -> c_int {
    // SAFETY: f is one of our open files.
    unsafe {
        let shim = f.cast::<ShimFile>();
        // The entry is claimed before the unix map; if that fails, the entry stays until unmap
        // or close (SQLite unmaps a WAL it could not open).
        if let (Some((dev, ino)), None) = ((*shim).key, (*shim).entry) {
            match walindex::open(dev, ino) {
                Some(entry) => (*shim).entry = Some(entry),
                None => {
                    *out = std::ptr::null_mut();
                    return ffi::SQLITE_NOMEM;
                }
            }
        }
        let (r, m) = methods(f);
        m.xShmMap
            .map_or(ffi::SQLITE_IOERR_SHMMAP, |x| x(r, page, size, extend, out))
    }
}

unsafe extern "C" fn x_shm_lock(
    f: *mut ffi::sqlite3_file,
    ofst: c_int,
    n: c_int,
    flags: c_int,
) -> c_int {
    // SAFETY: f is one of our open files.
    unsafe {
        let shim = f.cast::<ShimFile>();
        let Some(entry) = (*shim).entry else {
            if (*shim).key.is_some() {
                // Keyed but not mapped: never fall back to fcntl locks.
                return ffi::SQLITE_IOERR_SHMLOCK;
            }
            let (r, m) = methods(f);
            return m
                .xShmLock
                .map_or(ffi::SQLITE_IOERR_SHMLOCK, |x| x(r, ofst, n, flags));
        };
        let (Ok(first), Ok(count)) = (usize::try_from(ofst), usize::try_from(n)) else {
            return ffi::SQLITE_IOERR_SHMLOCK;
        };
        if count == 0 || first + count > NLOCK {
            return ffi::SQLITE_IOERR_SHMLOCK;
        }
        let mask = (((1u16 << count) - 1) << first) as u8;
        let unlock = flags & ffi::SQLITE_SHM_UNLOCK != 0;
        let exclusive = flags & ffi::SQLITE_SHM_EXCLUSIVE != 0;
        match (unlock, exclusive) {
            (true, false) => {
                if (*shim).shared & mask != 0 {
                    walindex::unlock_shared(entry, first);
                    (*shim).shared &= !mask;
                }
            }
            (true, true) => {
                for i in first..first + count {
                    if (*shim).exclusive & (1 << i) != 0 {
                        walindex::unlock_exclusive(entry, i, 1);
                    }
                }
                (*shim).exclusive &= !mask;
            }
            (false, false) => {
                if (*shim).shared & mask == 0 {
                    if !walindex::lock_shared(entry, first) {
                        return ffi::SQLITE_BUSY;
                    }
                    (*shim).shared |= mask;
                }
            }
            (false, true) => {
                if !walindex::lock_exclusive(entry, first, count) {
                    return ffi::SQLITE_BUSY;
                }
                (*shim).exclusive |= mask;
            }
        }
        ffi::SQLITE_OK
    }
}

unsafe extern "C" fn x_shm_unmap(f: *mut ffi::sqlite3_file, delete: c_int) -> c_int {
    // SAFETY: f is one of our open files.
    unsafe {
        close_entry(f.cast());
        let (r, m) = methods(f);
        m.xShmUnmap.map_or(ffi::SQLITE_OK, |x| x(r, delete))
    }
}

/// The methods that are the unix file's own, passed through; `flush` first for those that
/// look at the file's bytes or size (a WAL write held back goes down before them).
macro_rules! forward {
    ($name:ident, $field:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty, $missing:expr) => {
        forward!($name, $field, ($($arg: $ty),*) -> $ret, $missing, |_f| ffi::SQLITE_OK);
    };
    (flush $name:ident, $field:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty, $missing:expr) => {
        forward!($name, $field, ($($arg: $ty),*) -> $ret, $missing, |f| flush(f));
    };
    ($name:ident, $field:ident, ($($arg:ident: $ty:ty),*) -> $ret:ty, $missing:expr, $first:expr) => {
        unsafe extern "C" fn $name(f: *mut ffi::sqlite3_file $(, $arg: $ty)*) -> $ret {
            // SAFETY: f is one of our open files; the unix method gets the unix file.
            unsafe {
                let rc = $first(f);
                if rc != ffi::SQLITE_OK {
                    return rc;
                }
                let (r, m) = methods(f);
                m.$field.map_or($missing, |x| x(r $(, $arg)*))
            }
        }
    };
}

forward!(flush x_sync, xSync, (flags: c_int) -> c_int, ffi::SQLITE_IOERR_FSYNC);
forward!(flush x_file_size, xFileSize, (size: *mut i64) -> c_int, ffi::SQLITE_IOERR_FSTAT);
forward!(flush x_file_control, xFileControl, (op: c_int, arg: *mut c_void) -> c_int, ffi::SQLITE_NOTFOUND);
forward!(x_lock, xLock, (level: c_int) -> c_int, ffi::SQLITE_IOERR_LOCK);
forward!(x_unlock, xUnlock, (level: c_int) -> c_int, ffi::SQLITE_IOERR_UNLOCK);
forward!(x_check_reserved_lock, xCheckReservedLock, (out: *mut c_int) -> c_int, ffi::SQLITE_IOERR_CHECKRESERVEDLOCK);
forward!(x_sector_size, xSectorSize, () -> c_int, 4096);
forward!(x_device_characteristics, xDeviceCharacteristics, () -> c_int, 0);
forward!(x_unfetch, xUnfetch, (ofst: i64, p: *mut c_void) -> c_int, ffi::SQLITE_OK);

/// How much of a WAL file one mapping covers; reads beyond it go to `pread` as before. The
/// WAL's pages a process has read through the mapping count in its resident size (shared with
/// every process that read them), so this bounds that: a WAL restarts after about 4 MB of
/// frames (`spi::connection`'s `AUTOCHECKPOINT_PAGES`), and a long transaction's frames past
/// this are read as before.
const WAL_MAP_BYTES: usize = 16 << 20;

/// Writes up to this size wait for the write that continues them (a frame's header for its page).
const WAL_HOLD_BYTES: usize = 64;

/// A WAL file's I/O in a server process. Two costs a commit pays per frame when several
/// connections write: each commit resets every other connection's page cache, so their next
/// transactions read their pages again, most of them from the WAL; and SQLite writes each frame
/// as two `pwrite`s, its 24-byte header and then its page.
///
/// - Reads are copies from a read-only shared mapping of the file instead of `pread`s, for bytes
///   this connection has seen the file hold (`known`: its size at open, a full read, its own
///   write; its own truncation lowers it). Any other read, and every read when the mapping
///   failed, goes to the unix VFS.
/// - A write of at most [`WAL_HOLD_BYTES`] is held until the next write continues it, and both
///   go down as one `pwrite`: a frame's header (and the WAL header before the first frame)
///   with its page, written by the calls right after it. Never held: a write where this
///   connection last read, which is how SQLite rewrites a frame's checksums at commit (it reads
///   the frame, then writes its header alone, the commit frame's last, with nothing after it
///   before the commit is published). Every other method of the file writes a held one first.
///
/// A mapped read past the end of the file would be `SIGBUS`. None happens, because SQLite reads
/// a WAL only where a frame is: a frame of the reader's snapshot or of the checkpoint, a frame
/// its own transaction wrote, and in recovery what the file's size (read just before, under
/// exclusive locks) says is there. No connection shrinks the file under those: a `TRUNCATE`
/// checkpoint (autovacuum's, recovery's) first takes every read mark exclusively, and only the
/// last connection to close deletes the WAL (every open connection holds a shared lock on the
/// database file that the deletion needs exclusively). Another connection's truncation can
/// leave `known` too high; by the same argument no read goes past the new end. (The one
/// SQLite read that may come up short, in its read-only "unreliable" `-shm` mode, is not used:
/// the server's connections map their `-shm` read-write.)
///
/// The page cache and the mapping see the same pages, so a `pwrite` by any process is in the
/// mapping at once, and an `fsync` of the file covers it as before. A disk error on a mapped
/// page is `SIGBUS` (a crash reset) where `pread` would have answered `SQLITE_IOERR_READ`.
struct WalIo {
    /// `WAL_MAP_BYTES` of the file from offset 0, or null.
    map: *const u8,
    /// Bytes from offset 0 this connection has seen the file hold.
    known: u64,
    /// The write held back (empty: none) and its offset.
    held: Vec<u8>,
    held_at: i64,
    /// Where this connection last read (a write there is never held).
    last_read: i64,
}

impl WalIo {
    /// Maps the WAL file at `path` (no mapping if that fails: every read goes to the unix VFS).
    fn open(path: &Path) -> WalIo {
        let mut io = WalIo {
            map: std::ptr::null(),
            known: 0,
            held: Vec::with_capacity(WAL_HOLD_BYTES + 4096),
            held_at: 0,
            last_read: -1,
        };
        let Ok(file) = std::fs::File::open(path) else {
            return io;
        };
        let Ok(meta) = file.metadata() else {
            return io;
        };
        // SAFETY: a fresh read-only shared mapping of an open file; the kernel picks the address.
        // It stays valid after the descriptor closes and until Drop unmaps it.
        let map = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                WAL_MAP_BYTES,
                libc::PROT_READ,
                libc::MAP_SHARED,
                std::os::fd::AsRawFd::as_raw_fd(&file),
                0,
            )
        };
        if map != libc::MAP_FAILED {
            io.map = map.cast();
            io.known = meta.len();
        }
        io
    }

    /// Whether `amt` bytes at `ofst` can be copied from the mapping.
    fn covers(&self, ofst: i64, amt: c_int) -> bool {
        let (Ok(start), Ok(len)) = (u64::try_from(ofst), u64::try_from(amt)) else {
            return false;
        };
        !self.map.is_null() && start + len <= self.known && start + len <= WAL_MAP_BYTES as u64
    }

    /// Notes that the file holds `amt` bytes at `ofst`.
    fn saw(&mut self, ofst: i64, amt: c_int) {
        if let (Ok(start), Ok(len)) = (u64::try_from(ofst), u64::try_from(amt)) {
            self.known = self.known.max(start + len);
        }
    }
}

impl Drop for WalIo {
    fn drop(&mut self) {
        if !self.map.is_null() {
            // SAFETY: our own mapping of WAL_MAP_BYTES, unmapped once; nothing borrows it.
            unsafe { libc::munmap(self.map.cast_mut().cast(), WAL_MAP_BYTES) };
        }
    }
}

/// Writes the WAL write held back, if any.
///
/// # Safety
/// `f` is one of our open files.
unsafe fn flush(f: *mut ffi::sqlite3_file) -> c_int {
    // SAFETY: per the contract; SQLite calls a file's methods from one thread at a time.
    unsafe {
        let shim = f.cast::<ShimFile>();
        let Some(io) = (*shim).wal.as_mut() else {
            return ffi::SQLITE_OK;
        };
        if io.held.is_empty() {
            return ffi::SQLITE_OK;
        }
        let Ok(amt) = c_int::try_from(io.held.len()) else {
            return ffi::SQLITE_IOERR_WRITE;
        };
        let (r, m) = methods(f);
        let rc = m.xWrite.map_or(ffi::SQLITE_IOERR_WRITE, |x| {
            x(r, io.held.as_ptr().cast(), amt, io.held_at)
        });
        if rc == ffi::SQLITE_OK {
            io.saw(io.held_at, amt);
        }
        io.held.clear();
        rc
    }
}

/// After a unix read or write of `amt` bytes at `ofst` that returned `rc`: a WAL file holds them.
///
/// # Safety
/// `shim` is one of our open files.
unsafe fn saw_if_ok(shim: *mut ShimFile, rc: c_int, ofst: i64, amt: c_int) -> c_int {
    // SAFETY: per the contract; SQLite calls a file's methods from one thread at a time.
    let wal = unsafe { (*shim).wal.as_mut() };
    if rc == ffi::SQLITE_OK
        && let Some(io) = wal
    {
        io.saw(ofst, amt);
    }
    rc
}

unsafe extern "C" fn x_read(
    f: *mut ffi::sqlite3_file,
    buf: *mut c_void,
    amt: c_int,
    ofst: i64,
) -> c_int {
    // SAFETY: f is one of our open files; SQLite's buf holds amt bytes. A mapped copy reads
    // bytes the file holds (WalIo's argument) that SQLite's WAL protocol keeps from being
    // rewritten while this connection reads them, as it does for its own reads.
    unsafe {
        let rc = flush(f);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        let shim = f.cast::<ShimFile>();
        if let Some(io) = (*shim).wal.as_mut() {
            io.last_read = ofst;
        }
        if let Some(io) = (*shim).wal.as_ref()
            && io.covers(ofst, amt)
        {
            let start = usize::try_from(ofst).unwrap_or(0);
            let len = usize::try_from(amt).unwrap_or(0);
            std::ptr::copy_nonoverlapping(io.map.add(start), buf.cast::<u8>(), len);
            return ffi::SQLITE_OK;
        }
        let (r, m) = methods(f);
        let rc = m
            .xRead
            .map_or(ffi::SQLITE_IOERR_READ, |x| x(r, buf, amt, ofst));
        saw_if_ok(shim, rc, ofst, amt)
    }
}

unsafe extern "C" fn x_write(
    f: *mut ffi::sqlite3_file,
    buf: *const c_void,
    amt: c_int,
    ofst: i64,
) -> c_int {
    // SAFETY: f is one of our open files; SQLite's buf holds amt bytes.
    unsafe {
        let shim = f.cast::<ShimFile>();
        let len = usize::try_from(amt).unwrap_or(0);
        if let Some(io) = (*shim).wal.as_mut() {
            // Held back: a small write; written with it: the write that continues one.
            let continues = !io.held.is_empty()
                && i64::try_from(io.held.len()).is_ok_and(|n| io.held_at + n == ofst);
            if continues || (io.held.is_empty() && len <= WAL_HOLD_BYTES && ofst != io.last_read) {
                if io.held.is_empty() {
                    io.held_at = ofst;
                }
                io.held
                    .extend_from_slice(std::slice::from_raw_parts(buf.cast::<u8>(), len));
                if io.held.len() <= WAL_HOLD_BYTES {
                    return ffi::SQLITE_OK;
                }
                return flush(f);
            }
        }
        let rc = flush(f);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        let (r, m) = methods(f);
        let rc = m
            .xWrite
            .map_or(ffi::SQLITE_IOERR_WRITE, |x| x(r, buf, amt, ofst));
        saw_if_ok(shim, rc, ofst, amt)
    }
}

unsafe extern "C" fn x_truncate(f: *mut ffi::sqlite3_file, size: i64) -> c_int {
    // SAFETY: f is one of our open files.
    unsafe {
        let rc = flush(f);
        if rc != ffi::SQLITE_OK {
            return rc;
        }
        let (r, m) = methods(f);
        let rc = m
            .xTruncate
            .map_or(ffi::SQLITE_IOERR_TRUNCATE, |x| x(r, size));
        if let Some(io) = (*f.cast::<ShimFile>()).wal.as_mut() {
            // Whatever the outcome, the file may now end at size.
            io.known = io.known.min(u64::try_from(size).unwrap_or(0));
        }
        rc
    }
}

unsafe extern "C" fn x_fetch(
    f: *mut ffi::sqlite3_file,
    ofst: i64,
    amt: c_int,
    out: *mut *mut c_void,
) -> c_int {
    // SAFETY: f is one of our open files; without a fetch method SQLite gets no mapping (null)
    // and reads instead.
    unsafe {
        let (r, m) = methods(f);
        match m.xFetch {
            Some(x) => x(r, ofst, amt, out),
            None => {
                *out = std::ptr::null_mut();
                ffi::SQLITE_OK
            }
        }
    }
}

unsafe extern "C" fn x_shm_barrier(f: *mut ffi::sqlite3_file) {
    // SAFETY: f is one of our open files.
    unsafe {
        let (r, m) = methods(f);
        if let Some(x) = m.xShmBarrier {
            x(r);
        }
    }
}
