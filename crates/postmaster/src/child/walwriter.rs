//! Group commit: the WAL writer process and the commit wait (PostgreSQL's walwriter and the
//! flush wait of a committing backend, for SQLite's WAL files).
//!
//! Every server connection commits with SQLite's `synchronous = NORMAL`: the commit's WAL
//! frames are written to the database's `-wal` file but not synced (see `spi::connection`).
//! Right after that write returns (SQLite's WAL hook, write lock already released), the
//! committing process calls [`commit_written`]: it takes the next number of the database's
//! `written` counter and, with `synchronous_commit = on`, makes sure a sync that began after
//! that write completes before it returns. When no sync of that database is in progress it
//! syncs by itself (as a PostgreSQL backend flushes its own WAL: a lone committer waits for no
//! wake-up). Otherwise it waits on its latch until `flushed` reaches its number. The **WAL
//! writer**, an auxiliary process (its own PGPROC, forked and supervised by the postmaster at
//! Run), loops: for each database whose `written` is ahead of `flushed`, it reads `written`
//! (say N), then `fdatasync`s the `-wal` file, then raises `flushed` to N and sets the latch of
//! every waiter whose number is ≤ N. Commits that arrive while a sync runs are covered by the
//! next one: one sync per round, however many commits.
//! With `synchronous_commit = off` nobody waits and nobody wakes the writer: it syncs what is
//! pending every `wal_writer_delay` (200 ms), so an asynchronous commit reaches the disk within
//! about that time, as in PostgreSQL.
//!
//! ## Why the wait is correct
//!
//! - *A later fdatasync covers earlier writes.* A commit takes its number only after its
//!   `write(2)` of the WAL frames returned, so those bytes are in the kernel's page cache of the
//!   `-wal` inode. The writer reads `written` = N before it calls `fdatasync`, so every commit
//!   numbered ≤ N wrote before that sync began. `fdatasync` on any descriptor of a file writes
//!   back all of the inode's dirty pages, plus the size and other metadata needed to read them
//!   back, and returns after the device reports them stable. Hence `flushed = N` is true when
//!   it is stored. (A commit that writes during the sync gets a number > N and waits for the
//!   next round.) The same holds for a process that syncs by itself (below): its own number was
//!   taken after every smaller number.
//! - *Checkpoints.* SQLite copies WAL frames into the database file only in a checkpoint, and
//!   `walCheckpoint` in the bundled amalgamation (libsqlite3-sys 0.40, SQLite 3.54.1) calls
//!   `sqlite3OsSync(pWal->pWalFd, CKPT_SYNC_FLAGS(sync_flags))` before copying any page, then
//!   syncs the database file before it advances `nBackfill`; with `synchronous = NORMAL`,
//!   `sqlite3PagerSetFlags` sets `walSyncFlags = syncFlags << 2`, i.e. checkpoint syncs on and
//!   commit syncs off. So a checkpoint never puts unsynced frames into the database file, and
//!   the WAL is restarted (overwritten from the start) only after a complete checkpoint whose
//!   database sync finished. Autovacuum's and the end-of-recovery checkpoints are ordinary
//!   SQLite checkpoints and need nothing more.
//! - *A missing `-wal` file.* SQLite deletes the WAL only in `sqlite3WalClose`, after a
//!   checkpoint that synced everything into the database file (above). If the writer finds no
//!   `-wal` file, or syncs a descriptor of a file that was just deleted, every frame written
//!   before was already checkpointed and synced: counting the sync as done is correct.
//! - *The WAL writer dies.* Killed by a signal or exiting while its child slot is ACTIVE is a
//!   crash: the postmaster SIGQUITs every process, including the waiting backends, which exit
//!   without answering. Nothing unsynced was acknowledged; what was acknowledged had been
//!   synced. After the reset SQLite replays each WAL up to its last valid commit frame, which
//!   includes every acknowledged commit.
//! - *No WAL writer* (before Run, when the startup process and early workers commit; during a
//!   shutdown, after the writer exited; a process without a PGPROC; the table below full): the
//!   committing process syncs the `-wal` file itself before returning, like `synchronous =
//!   FULL`. The writer stops advertising itself before its last round, and a waiter checks for
//!   it after publishing its wait (both sequentially consistent), so a waiter either sees no
//!   writer or is seen by the writer's last round. A sync that fails (EIO, …) is a PANIC in the
//!   process that saw it: abort, crash reset, and SQLite's recovery decides from what is on disk.
//!
//! Shared state ("WalWriterShmem"): the running writer's PGPROC number; one entry per database
//! (claimed by CAS on `state`, name in atomics, the `written`/`flushed` counters); one waiter
//! record per PGPROC (database entry + number awaited). Atomics only: the postmaster never
//! touches it after creating it.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use shmem::{ShmemError, ShmemSafe, WaitEvents, latch};

use crate::backend::quickdie;
use crate::signals::set_handler;

const MAX_DATABASES: usize = 64;
/// A waiter looks again this often even without a wake-up (belt and braces: the protocol
/// above does not need it).
const WAIT_RECHECK: Duration = Duration::from_millis(100);

#[repr(C)]
struct DbEntry {
    name: crate::child::dbslot::DbName,
    /// Commits whose WAL write has returned, numbered 1, 2, … in the order they took a number.
    written: AtomicU64,
    /// Every commit numbered up to this is on disk.
    flushed: AtomicU64,
    /// Syncs of this database's `-wal` in progress (a hint: a committing process that sees 0
    /// syncs by itself instead of waking the writer; see [`commit_written`]).
    syncing: AtomicU32,
    /// The WAL's length in frames at the last checkpoint a committer claimed (see
    /// [`checkpoint_due`]).
    checkpoint_at: AtomicU64,
}

#[repr(C)]
struct Header {
    /// PGPROC number + 1 of the running WAL writer; 0 when none runs.
    writer: AtomicU32,
    /// Syncs the writer has done (diagnostics, tests).
    syncs: AtomicU64,
    dbs: [DbEntry; MAX_DATABASES],
}

#[repr(C)]
struct Waiter {
    /// Database entry + 1 the process waits on; 0 when it does not wait.
    entry: AtomicU32,
    /// The commit number it waits for.
    seq: AtomicU64,
}

// SAFETY: repr(C), atomics only; all-zero is "no writer, no database, nobody waiting".
unsafe impl ShmemSafe for Header {}
// SAFETY: as above.
unsafe impl ShmemSafe for Waiter {}

static HEADER: AtomicPtr<Header> = AtomicPtr::new(std::ptr::null_mut());
static WAITERS: AtomicPtr<Waiter> = AtomicPtr::new(std::ptr::null_mut());
static N_WAITERS: AtomicUsize = AtomicUsize::new(0);

fn waiters_offset() -> usize {
    size_of::<Header>().div_ceil(64) * 64
}

/// Bytes needed in the segment for `n_procs` PGPROCs.
pub fn shmem_size(n_procs: usize) -> usize {
    waiters_offset() + n_procs * size_of::<Waiter>()
}

/// Creates (or finds) the region; postmaster, at creation and at each reset.
pub fn init(n_procs: usize) -> Result<(), ShmemError> {
    let (p, _) = shmem::init_struct("WalWriterShmem", shmem_size(n_procs))?;
    let base: NonNull<u8> = p;
    HEADER.store(base.as_ptr().cast::<Header>(), Ordering::Release);
    // SAFETY: the region holds the header, then n_procs waiters at a 64-byte aligned offset.
    let w = unsafe { base.as_ptr().add(waiters_offset()).cast::<Waiter>() };
    WAITERS.store(w, Ordering::Release);
    N_WAITERS.store(n_procs, Ordering::Release);
    Ok(())
}

fn header() -> Option<&'static Header> {
    let p = HEADER.load(Ordering::Acquire);
    // SAFETY: null or a pointer into the live segment, set by init before any fork.
    unsafe { p.as_ref() }
}

fn waiters() -> &'static [Waiter] {
    let p = WAITERS.load(Ordering::Acquire);
    if p.is_null() {
        return &[];
    }
    // SAFETY: init stored N_WAITERS entries at this address inside the live segment.
    unsafe { std::slice::from_raw_parts(p, N_WAITERS.load(Ordering::Acquire)) }
}

/// Group commit is set up in this process (the region exists).
pub fn available() -> bool {
    header().is_some()
}

/// Syncs the writer has done since the last reset.
pub fn sync_count() -> u64 {
    header().map_or(0, |h| h.syncs.load(Ordering::Relaxed))
}

/// The entry of `db`, claiming a free one when it has none (None when the table is full or the
/// name does not fit: that process then syncs by itself). Two processes may claim two entries
/// for one name at the same moment; each entry is then synced on its own, which is still
/// correct (the writer syncs the file an entry names).
fn entry(h: &'static Header, db: &str) -> Option<(usize, &'static DbEntry)> {
    crate::child::dbslot::find_or_claim(&h.dbs, |e| &e.name, db)
}

/// `fdatasync` of a WAL file; a file that does not exist counts as synced (see the module doc).
fn sync_wal(path: &Path) -> io::Result<()> {
    let delay = guc::builtin::DEBUG_WAL_SYNC_DELAY.get();
    if delay > 0 {
        std::thread::sleep(Duration::from_millis(delay as u64));
    }
    // A descriptor of our own, never SQLite's: SQLite takes no POSIX lock on the `-wal` file
    // (WAL locks live in `-shm` and the database file), so closing it releases none of SQLite's.
    match File::open(path) {
        Ok(f) => f.sync_data(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// A sync failed: the WAL may not be on disk, and nothing says which commits it lost. As
/// PostgreSQL does on a failed fsync: PANIC (a crash reset; recovery reads what is on disk).
fn sync_failed(path: &Path, e: &io::Error) -> ! {
    tracing::error!(target: "PANIC", "could not fdatasync file \"{}\": {e}", path.display());
    std::process::abort();
}

/// Syncs `path` in this process and records that everything up to `seq` is on disk.
fn sync_myself(e: Option<&DbEntry>, seq: u64, path: &Path) {
    if let Err(err) = sync_wal(path) {
        sync_failed(path, &err);
    }
    if let Some(e) = e {
        e.flushed.fetch_max(seq, Ordering::SeqCst);
    }
}

/// Whether the commit that left `db`'s WAL `frames` frames long checkpoints it: one commit in
/// every `every` frames claims the checkpoint, whichever process it runs in. SQLite's own rule
/// (every commit once the WAL is past `every`) makes each commit checkpoint while other
/// writers keep the WAL from restarting: two fsyncs per commit. A commit always adds frames,
/// so `frames` at or below the last claim means the WAL restarted from the beginning.
pub fn checkpoint_due(db: &str, frames: u64, every: u64) -> bool {
    if frames < every {
        return false;
    }
    let Some((_, e)) = header().and_then(|h| entry(h, db)) else {
        return true;
    };
    let last = e.checkpoint_at.load(Ordering::Relaxed);
    claims_checkpoint(last, frames, every)
        && e.checkpoint_at
            .compare_exchange(last, frames, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
}

/// [`checkpoint_due`]'s rule, given the WAL's length at the last claim.
fn claims_checkpoint(last: u64, frames: u64, every: u64) -> bool {
    frames >= every && (frames <= last || frames >= last.saturating_add(every))
}

/// Called by a committing process after its commit's WAL write returned (see the module doc).
/// With `wait`, returns once the write is on disk.
pub fn commit_written(db: &str, wal_path: &Path, wait: bool) {
    let Some(h) = header() else {
        if wait {
            sync_myself(None, 0, wal_path);
        }
        return;
    };
    let Some((idx, e)) = entry(h, db) else {
        if wait {
            sync_myself(None, 0, wal_path);
        }
        return;
    };
    let seq = e.written.fetch_add(1, Ordering::SeqCst) + 1;
    if !wait {
        return;
    }
    let me = proc::my_proc_number().and_then(|i| waiters().get(i));
    let Some(w) = me else {
        sync_myself(Some(e), seq, wal_path);
        return;
    };
    // Nobody is syncing this database: sync now, in this process, as a PostgreSQL backend
    // flushes its own WAL — no wake-up of the writer and none back, which is all a lone
    // committer would wait for. Commits that arrive meanwhile see the sync in progress and
    // join the writer's next round: that is where several commits share one sync.
    if e.syncing.load(Ordering::SeqCst) == 0 {
        e.syncing.fetch_add(1, Ordering::SeqCst);
        sync_myself(Some(e), seq, wal_path);
        e.syncing.fetch_sub(1, Ordering::SeqCst);
        // Waiters this sync covered were counting on the writer, whose next round may find
        // nothing left to sync: wake them here.
        wake_waiters(h, false);
        return;
    }
    w.entry.store(idx as u32 + 1, Ordering::SeqCst);
    w.seq.store(seq, Ordering::SeqCst);
    let writer = h.writer.load(Ordering::SeqCst);
    let Some(writer_proc) = (writer as usize).checked_sub(1).and_then(proc::proc_at) else {
        w.seq.store(0, Ordering::SeqCst);
        sync_myself(Some(e), seq, wal_path);
        return;
    };
    writer_proc.latch.set();
    let l = latch::my_latch();
    let mut consumed_wakeup = false;
    loop {
        if e.flushed.load(Ordering::SeqCst) >= seq {
            break;
        }
        if h.writer.load(Ordering::SeqCst) == 0 {
            sync_myself(Some(e), seq, wal_path);
            break;
        }
        let ev = l.wait(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT | WaitEvents::POSTMASTER_DEATH,
            Some(WAIT_RECHECK),
        );
        l.reset();
        consumed_wakeup = true;
        if ev.contains(WaitEvents::POSTMASTER_DEATH) {
            // No writer can be relied on any more; the process notices the death itself later.
            sync_myself(Some(e), seq, wal_path);
            break;
        }
    }
    w.seq.store(0, Ordering::SeqCst);
    w.entry.store(0, Ordering::SeqCst);
    if consumed_wakeup {
        // The latch may also have been set for a signal (cancel, terminate): give the
        // wake-up back so the process's own wait sees it.
        l.set();
    }
}

fn wal_path(data_dir: &Path, db: &str) -> PathBuf {
    let mut p = spi::database_path(data_dir, db).into_os_string();
    p.push("-wal");
    PathBuf::from(p)
}

/// One round of the writer: syncs every database with unsynced commits, then wakes the waiters
/// it satisfied. Returns whether it synced anything.
fn sync_round(h: &Header, data_dir: &Path) -> bool {
    let mut synced = false;
    for e in &h.dbs {
        if !e.name.is_ready() {
            continue;
        }
        let target = e.written.load(Ordering::SeqCst);
        if target <= e.flushed.load(Ordering::SeqCst) {
            continue;
        }
        let path = wal_path(data_dir, &e.name.name());
        e.syncing.fetch_add(1, Ordering::SeqCst);
        if let Err(err) = sync_wal(&path) {
            sync_failed(&path, &err);
        }
        e.syncing.fetch_sub(1, Ordering::SeqCst);
        e.flushed.fetch_max(target, Ordering::SeqCst);
        h.syncs.fetch_add(1, Ordering::Relaxed);
        synced = true;
    }
    if synced {
        wake_waiters(h, false);
    }
    synced
}

/// Sets the latch of every waiter whose commit is on disk (of every waiter when `all`).
fn wake_waiters(h: &Header, all: bool) {
    for (i, w) in waiters().iter().enumerate() {
        let seq = w.seq.load(Ordering::SeqCst);
        if seq == 0 {
            continue;
        }
        let done = (w.entry.load(Ordering::SeqCst) as usize)
            .checked_sub(1)
            .and_then(|k| h.dbs.get(k))
            .is_some_and(|e| e.flushed.load(Ordering::SeqCst) >= seq);
        if (all || done)
            && let Some(p) = proc::proc_at(i)
        {
            p.latch.set();
        }
    }
}

static GOT_SIGTERM: AtomicBool = AtomicBool::new(false);
static GOT_SIGHUP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigterm(_: libc::c_int) {
    GOT_SIGTERM.store(true, Ordering::SeqCst);
    latch::set_my_latch_from_handler();
}

extern "C" fn on_sighup(_: libc::c_int) {
    GOT_SIGHUP.store(true, Ordering::SeqCst);
    latch::set_my_latch_from_handler();
}

extern "C" fn on_sigusr1(_: libc::c_int) {
    latch::set_my_latch_from_handler();
}

/// The WAL writer's main: returns the exit code (0 after SIGTERM, 1 on postmaster death).
pub fn walwriter_main(slot: usize, data_dir: &Path, config_file: &Path) -> i32 {
    set_handler(libc::SIGTERM, on_sigterm);
    set_handler(libc::SIGHUP, on_sighup);
    set_handler(libc::SIGUSR1, on_sigusr1);
    set_handler(libc::SIGQUIT, quickdie);
    // SAFETY: ignoring SIGINT is always sound (no statement to cancel).
    unsafe { libc::signal(libc::SIGINT, libc::SIG_IGN) };
    crate::signals::unblock();
    proc::ps_status::set("postmaster: walwriter");
    if let Err(e) = proc::init_process(proc::BackendType::WalWriter, "", slot) {
        tracing::error!(target: "FATAL", "WAL writer: {e}");
        return 1;
    }
    let (Some(h), Some(me)) = (header(), proc::my_proc_number()) else {
        proc::proc_kill();
        return 1;
    };
    h.writer.store(me as u32 + 1, Ordering::SeqCst);
    tracing::debug!("WAL writer started");
    let l = latch::my_latch();
    let mut code = 0;
    loop {
        l.reset();
        let synced = sync_round(h, data_dir);
        if GOT_SIGTERM.load(Ordering::SeqCst) {
            break;
        }
        if GOT_SIGHUP.swap(false, Ordering::SeqCst) {
            for line in guc::reload(config_file) {
                tracing::info!("{line}");
            }
        }
        if synced {
            // Commits that arrived during the sync are the next group: go again at once.
            continue;
        }
        let delay = Duration::from_millis(guc::builtin::WAL_WRITER_DELAY.get().max(1) as u64);
        let ev = l.wait(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT | WaitEvents::POSTMASTER_DEATH,
            Some(delay),
        );
        if ev.contains(WaitEvents::POSTMASTER_DEATH) {
            code = 1;
            break;
        }
    }
    // Stop advertising first, then a last round: a waiter either saw no writer (and syncs by
    // itself) or is covered and woken here.
    h.writer.store(0, Ordering::SeqCst);
    sync_round(h, data_dir);
    wake_waiters(h, true);
    tracing::debug!(
        "WAL writer shutting down after {} syncs",
        h.syncs.load(Ordering::Relaxed)
    );
    proc::proc_kill();
    code
}

#[cfg(test)]
mod tests {
    use super::claims_checkpoint;

    #[test]
    fn one_commit_in_every_thousand_frames_checkpoints() {
        // A short WAL never checkpoints.
        assert!(!claims_checkpoint(0, 999, 1000));
        assert!(claims_checkpoint(0, 1000, 1000));
        // While writers keep the WAL from restarting, the next claim is 1000 frames on.
        assert!(!claims_checkpoint(1000, 1003, 1000));
        assert!(!claims_checkpoint(1000, 1999, 1000));
        assert!(claims_checkpoint(1000, 2001, 1000));
        // A WAL that restarted is at or below the last claim.
        assert!(claims_checkpoint(2001, 1200, 1000));
        assert!(claims_checkpoint(1000, 1000, 1000));
        assert!(!claims_checkpoint(2001, 900, 1000));
    }
}
