//! Dynamic background workers (PostgreSQL 9.4+): the `max_worker_processes` slots in shared
//! memory ("BackgroundWorkerData"), the registrant's side (claim a slot, fill it, publish it,
//! then hold a [`BackgroundWorkerHandle`] of slot + generation) and the postmaster's side
//! (read published slots, start and stop what they ask for, report pids back).
//!
//! Slot states: `FREE → CLAIMED` (a registrant won the compare-and-swap and is filling it) `→
//! IN_USE` (a release store after every field: the postmaster's acquire load of the state
//! sees them all) `→ FREE` (only the postmaster frees, when the worker is unregistered). The
//! first slots hold the static workers (`STATIC`: never claimed), so static and dynamic workers
//! share `max_worker_processes` as in PostgreSQL.
//!
//! Invariants: the postmaster never takes a lock here and never trusts a slot: it reads each
//! field once, bounds lengths, checks flags and times as registration does, and resolves the
//! main function by name from its own process-local entry-point table (no pointer from shared
//! memory is ever used). A registrant that dies while CLAIMED leaves its slot taken until the
//! next crash reset, which its death causes anyway (it held a PGPROC).

use std::sync::atomic::{
    AtomicI32, AtomicI64, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
};
use std::time::{Duration, Instant};

use shmem::pmsignal::{self, PmSignalReason};
use shmem::{ShmemError, WaitEvents, init_struct};

use crate::registry::{
    BackgroundWorker, BgWorkerFlags, BgWorkerStartTime, RegisterError, RestartPolicy, check,
    entry_point,
};
use crate::schedule::Scheduler;

const FREE: u32 = 0;
const CLAIMED: u32 = 1;
const IN_USE: u32 = 2;
const STATIC: u32 = 3;

/// `pid` before the postmaster started the worker (what the registrant writes).
const PID_NOT_STARTED: i32 = 0;
/// `pid` after the worker stopped (it may be restarted later).
const PID_STOPPED: i32 = -1;

/// Bytes of a name, a library or a function name (PostgreSQL's BGW_MAXLEN is 96).
pub const MAX_TEXT: usize = 96;
const TEXT_WORDS: usize = MAX_TEXT / 8;

/// A short string in shared memory: a length and words, each stored atomically.
#[repr(C)]
pub(crate) struct ShText {
    len: AtomicU32,
    words: [AtomicU64; TEXT_WORDS],
}

impl ShText {
    /// Stores `s`, cut at [`MAX_TEXT`] bytes on a character boundary.
    pub(crate) fn store(&self, s: &str) {
        let mut n = s.len().min(MAX_TEXT);
        while !s.is_char_boundary(n) {
            n -= 1;
        }
        let bytes = &s.as_bytes()[..n];
        for (i, w) in self.words.iter().enumerate() {
            let mut chunk = [0u8; 8];
            let lo = (i * 8).min(n);
            let hi = (i * 8 + 8).min(n);
            chunk[..hi - lo].copy_from_slice(&bytes[lo..hi]);
            w.store(u64::from_le_bytes(chunk), Ordering::Relaxed);
        }
        self.len.store(n as u32, Ordering::Relaxed);
    }

    /// Whether the stored text is `s` (what [`load`](Self::load) would compare, without
    /// building the string: a commit asks this of every watched table).
    pub(crate) fn is(&self, s: &str) -> bool {
        let n = (self.len.load(Ordering::Relaxed) as usize).min(MAX_TEXT);
        n == s.len()
            && s.as_bytes().chunks(8).zip(&self.words).all(|(chunk, w)| {
                let word = w.load(Ordering::Relaxed).to_le_bytes();
                word[..chunk.len()] == *chunk
            })
    }

    /// The stored text (bounded, invalid UTF-8 replaced: the bytes are not trusted).
    pub(crate) fn load(&self) -> String {
        let n = (self.len.load(Ordering::Relaxed) as usize).min(MAX_TEXT);
        let mut bytes: Vec<u8> = self
            .words
            .iter()
            .flat_map(|w| w.load(Ordering::Relaxed).to_le_bytes())
            .collect();
        bytes.truncate(n);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[repr(C)]
struct Slot {
    state: AtomicU32,
    terminate: AtomicU32,
    generation: AtomicU64,
    pid: AtomicI32,
    notify_pid: AtomicI32,
    flags: AtomicU32,
    start_time: AtomicU32,
    restart_secs: AtomicI64,
    main_arg: AtomicI64,
    name: ShText,
    library: ShText,
    function: ShText,
}

#[repr(C)]
struct Header {
    total: AtomicUsize,
    statics: AtomicUsize,
}

static HEADER: AtomicPtr<Header> = AtomicPtr::new(std::ptr::null_mut());

/// Bytes for `total` slots.
pub fn shmem_size(total: usize) -> usize {
    size_of::<Header>() + total.max(1) * size_of::<Slot>()
}

/// Creates the slots (postmaster, at creation and after each reset): `total` =
/// `max_worker_processes`, of which the first `statics` belong to the static workers.
pub fn init(total: usize, statics: usize) -> Result<(), ShmemError> {
    let (p, _) = init_struct("BackgroundWorkerData", shmem_size(total))?;
    let h: *mut Header = p.as_ptr().cast();
    // SAFETY: init_struct returned zeroed memory of at least shmem_size(total) bytes in the
    // live segment; Header is atomics only.
    let hr = unsafe { &*h };
    hr.total.store(total, Ordering::Relaxed);
    hr.statics.store(statics.min(total), Ordering::Relaxed);
    HEADER.store(h, Ordering::Release);
    for s in slots().iter().take(statics) {
        s.state.store(STATIC, Ordering::Release);
    }
    Ok(())
}

fn slots() -> &'static [Slot] {
    let h = HEADER.load(Ordering::Acquire);
    if h.is_null() {
        return &[];
    }
    // SAFETY: init placed the header and `total` zero-initialised slots (atomics only) right
    // after it in the live segment; the postmaster wrote `total` before any child existed.
    unsafe {
        let total = (*h).total.load(Ordering::Relaxed);
        std::slice::from_raw_parts(h.add(1).cast::<Slot>(), total)
    }
}

fn encode_flags(f: BgWorkerFlags) -> u32 {
    u32::from(f.shmem_access) | (u32::from(f.database_connection) << 1)
}

fn encode_start(t: BgWorkerStartTime) -> u32 {
    match t {
        BgWorkerStartTime::PostmasterStart => 0,
        BgWorkerStartTime::ConsistentState => 1,
        BgWorkerStartTime::RecoveryFinished => 2,
    }
}

fn encode_restart(r: RestartPolicy) -> i64 {
    match r {
        RestartPolicy::Never => -1,
        RestartPolicy::After(d) => d.as_secs() as i64,
    }
}

fn write_definition(s: &Slot, w: &BackgroundWorker, notify_pid: i32) {
    s.terminate.store(0, Ordering::Relaxed);
    s.pid.store(PID_NOT_STARTED, Ordering::Relaxed);
    s.notify_pid.store(notify_pid, Ordering::Relaxed);
    s.flags.store(encode_flags(w.flags), Ordering::Relaxed);
    s.start_time
        .store(encode_start(w.start_time), Ordering::Relaxed);
    s.restart_secs
        .store(encode_restart(w.restart_time), Ordering::Relaxed);
    s.main_arg.store(w.main_arg, Ordering::Relaxed);
    s.name.store(&w.name);
    s.library.store(&w.library);
    s.function.store(&w.function);
}

/// Why a dynamic registration or a handle operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DynamicError {
    /// Every slot is taken (PostgreSQL: 53000, "could not register background process").
    #[error("could not register background process")]
    NoFreeSlot,
    /// Not in a server process (no shared memory).
    #[error("dynamic background workers can only be registered inside the server")]
    NotInServer,
    /// The worker fails registration's checks, or names no entry point.
    #[error("{0}")]
    Invalid(RegisterError),
    /// The worker stopped before it started (PostgreSQL: "could not start background process").
    #[error("could not start background process")]
    Stopped,
    /// The postmaster is gone.
    #[error("cannot start background processes without postmaster")]
    PostmasterDied,
    /// The waiting process was interrupted (cancel, terminate, statement timeout).
    #[error("{0}")]
    Interrupted(spi::SpiError),
}

impl DynamicError {
    /// PostgreSQL's SQLSTATE for it.
    pub fn sqlstate(&self) -> &'static str {
        use spi::sqlstate as s;
        match self {
            // PostgreSQL's worker_spi_launch reports all three as insufficient resources.
            DynamicError::NoFreeSlot | DynamicError::Stopped | DynamicError::PostmasterDied => {
                s::INSUFFICIENT_RESOURCES
            }
            DynamicError::NotInServer => s::OBJECT_NOT_IN_PREREQUISITE_STATE,
            DynamicError::Invalid(_) => s::INVALID_PARAMETER_VALUE,
            DynamicError::Interrupted(e) => e.sqlstate,
        }
    }

    /// PostgreSQL's HINT for it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            DynamicError::NoFreeSlot => Some("You may need to increase max_worker_processes."),
            DynamicError::Stopped => Some("More details may be available in the server log."),
            DynamicError::PostmasterDied => {
                Some("Kill all remaining database processes and restart the database.")
            }
            _ => None,
        }
    }

    /// As an SQL error with PostgreSQL's SQLSTATE, message and hint.
    pub fn to_spi_error(&self) -> spi::SpiError {
        if let DynamicError::Interrupted(e) = self {
            return e.clone();
        }
        let mut e = spi::SpiError::new(self.sqlstate(), self.to_string());
        e.hint = self.hint().map(str::to_owned);
        e
    }
}

/// What a handle says about its worker (PostgreSQL's BgwHandleStatus).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BgwHandleStatus {
    /// Running with this pid.
    Started(i32),
    /// Not started yet.
    NotYetStarted,
    /// Stopped (and maybe unregistered; a restartable worker may start again).
    Stopped,
}

/// A registered dynamic worker: its slot and the slot's generation at registration, so a
/// handle never mistakes a later worker in the same slot for its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackgroundWorkerHandle {
    slot: usize,
    generation: u64,
}

pub(crate) fn register_dynamic(
    w: &BackgroundWorker,
    notify: bool,
) -> Result<BackgroundWorkerHandle, DynamicError> {
    check(w).map_err(DynamicError::Invalid)?;
    let slots = slots();
    if slots.is_empty() {
        return Err(DynamicError::NotInServer);
    }
    let notify_pid = if notify { std::process::id() as i32 } else { 0 };
    for (i, s) in slots.iter().enumerate() {
        if s.state
            .compare_exchange(FREE, CLAIMED, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
        {
            continue;
        }
        let generation = s.generation.load(Ordering::Relaxed).wrapping_add(1);
        s.generation.store(generation, Ordering::Relaxed);
        write_definition(s, w, notify_pid);
        // Publish: every store above happens before the postmaster's acquire of IN_USE.
        s.state.store(IN_USE, Ordering::Release);
        pmsignal::send(PmSignalReason::BackgroundWorkerChange);
        return Ok(BackgroundWorkerHandle {
            slot: i,
            generation,
        });
    }
    Err(DynamicError::NoFreeSlot)
}

fn wait_until(
    mut done: impl FnMut() -> Option<Result<i32, DynamicError>>,
) -> Result<i32, DynamicError> {
    loop {
        if let Some(r) = done() {
            return r;
        }
        spi::interrupt::check().map_err(DynamicError::Interrupted)?;
        let l = shmem::latch::my_latch();
        // The postmaster sets our latch (SIGUSR1) when the worker starts or stops; the timeout
        // covers a registration that did not ask for notification.
        let ev = l.wait(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT | WaitEvents::POSTMASTER_DEATH,
            Some(Duration::from_millis(100)),
        );
        if ev.contains(WaitEvents::LATCH_SET) {
            l.reset();
        }
        if ev.contains(WaitEvents::POSTMASTER_DEATH) {
            return Err(DynamicError::PostmasterDied);
        }
    }
}

impl BackgroundWorkerHandle {
    /// The slot it occupies.
    pub fn slot(&self) -> usize {
        self.slot
    }

    /// GetBackgroundWorkerPid.
    pub fn pid(&self) -> BgwHandleStatus {
        let Some(s) = slots().get(self.slot) else {
            return BgwHandleStatus::Stopped;
        };
        if s.state.load(Ordering::Acquire) != IN_USE
            || s.generation.load(Ordering::Relaxed) != self.generation
        {
            return BgwHandleStatus::Stopped;
        }
        match s.pid.load(Ordering::Acquire) {
            PID_NOT_STARTED => BgwHandleStatus::NotYetStarted,
            p if p > 0 => BgwHandleStatus::Started(p),
            _ => BgwHandleStatus::Stopped,
        }
    }

    /// WaitForBackgroundWorkerStartup: the pid once it runs, or why it never will.
    pub fn wait_for_startup(&self) -> Result<i32, DynamicError> {
        wait_until(|| match self.pid() {
            BgwHandleStatus::Started(p) => Some(Ok(p)),
            BgwHandleStatus::Stopped => Some(Err(DynamicError::Stopped)),
            BgwHandleStatus::NotYetStarted => None,
        })
    }

    /// WaitForBackgroundWorkerShutdown: returns once the worker has stopped.
    pub fn wait_for_shutdown(&self) -> Result<(), DynamicError> {
        wait_until(|| (self.pid() == BgwHandleStatus::Stopped).then_some(Ok(0))).map(|_| ())
    }

    /// TerminateBackgroundWorker: asks the postmaster to stop the worker (SIGTERM) and to
    /// unregister it. Does nothing when the slot already holds another worker.
    pub fn terminate(&self) {
        let Some(s) = slots().get(self.slot) else {
            return;
        };
        if s.state.load(Ordering::Acquire) == IN_USE
            && s.generation.load(Ordering::Relaxed) == self.generation
        {
            s.terminate.store(1, Ordering::Release);
            pmsignal::send(PmSignalReason::BackgroundWorkerChange);
        }
    }
}

// ---- the postmaster's side: atomics only, nothing trusted ----

fn decode_definition(s: &Slot) -> Result<BackgroundWorker, String> {
    let flags = s.flags.load(Ordering::Relaxed);
    if flags > 3 {
        return Err(format!("invalid flags {flags}"));
    }
    let start_time = match s.start_time.load(Ordering::Relaxed) {
        0 => BgWorkerStartTime::PostmasterStart,
        1 => BgWorkerStartTime::ConsistentState,
        2 => BgWorkerStartTime::RecoveryFinished,
        t => return Err(format!("invalid start time {t}")),
    };
    let restart_time = match s.restart_secs.load(Ordering::Relaxed) {
        -1 => RestartPolicy::Never,
        r if (0..=crate::registry::MAX_RESTART_INTERVAL.as_secs() as i64).contains(&r) => {
            RestartPolicy::After(Duration::from_secs(r as u64))
        }
        r => return Err(format!("invalid restart interval {r}")),
    };
    let name = s.name.load();
    let library = s.library.load();
    let function = s.function.load();
    let main = entry_point(&library, &function).ok_or_else(|| {
        format!("could not find function \"{function}\" in library \"{library}\"")
    })?;
    let w = BackgroundWorker {
        name,
        flags: BgWorkerFlags {
            shmem_access: flags & 1 != 0,
            database_connection: flags & 2 != 0,
        },
        start_time,
        restart_time,
        main,
        main_arg: s.main_arg.load(Ordering::Relaxed),
        on_sighup: None,
        on_sigterm: None,
        library,
        function,
    };
    check(&w).map_err(|e| e.to_string())?;
    Ok(w)
}

fn notify(pid: i32) {
    if pid > 0 {
        // SAFETY: kill with a valid signal; the registrant's SIGUSR1 handler sets its latch.
        // A registrant that is gone (ESRCH) or is someone else's pid by now gets a harmless
        // latch wake-up at worst, as in PostgreSQL.
        unsafe { libc::kill(pid, libc::SIGUSR1) };
    }
}

fn free_slot(i: usize) {
    if let Some(s) = slots().get(i) {
        s.pid.store(PID_STOPPED, Ordering::Relaxed);
        let n = s.notify_pid.swap(0, Ordering::Relaxed);
        s.state.store(FREE, Ordering::Release);
        notify(n);
    }
}

/// Postmaster: picks up newly published slots and termination requests. Returns the pids
/// to send SIGTERM to.
pub fn postmaster_sync(sched: &mut Scheduler, now: Instant) -> Vec<i32> {
    let mut to_term = Vec::new();
    for (i, s) in slots().iter().enumerate() {
        if s.state.load(Ordering::Acquire) != IN_USE || i >= sched.states().len() {
            continue;
        }
        let generation = s.generation.load(Ordering::Relaxed);
        if !sched.holds_dynamic(i, generation) {
            match decode_definition(s) {
                Ok(w) => {
                    tracing::debug!("registering background worker \"{}\"", w.name);
                    sched.add_dynamic(i, generation, w, now);
                }
                Err(why) => {
                    tracing::info!("background worker in slot {i} refused: {why}");
                    free_slot(i);
                    continue;
                }
            }
        }
        if s.terminate.load(Ordering::Acquire) != 0 {
            match sched.terminate_dynamic(i) {
                Some(pid) => to_term.push(pid),
                None => {
                    if sched.states()[i].pid.is_none() {
                        free_slot(i);
                    }
                }
            }
        }
    }
    to_term
}

/// Postmaster: the worker in `i` was forked; tell its slot and its registrant.
pub fn postmaster_started(sched: &Scheduler, i: usize) {
    let Some(st) = sched.states().get(i) else {
        return;
    };
    if !st.is_dynamic() {
        return;
    }
    if let (Some(s), Some(pid)) = (slots().get(i), st.pid) {
        s.pid.store(pid, Ordering::Release);
        notify(s.notify_pid.load(Ordering::Relaxed));
    }
}

/// Postmaster: the worker in `i` exited (the scheduler has recorded it); free its slot when it
/// is unregistered, and tell its registrant.
pub fn postmaster_exited(sched: &Scheduler, i: usize) {
    let Some(st) = sched.states().get(i) else {
        return;
    };
    if !st.is_dynamic() {
        return;
    }
    if st.forgotten {
        free_slot(i);
    } else if let Some(s) = slots().get(i) {
        s.pid.store(PID_STOPPED, Ordering::Release);
        notify(s.notify_pid.load(Ordering::Relaxed));
    }
}

/// Postmaster, after a crash reset re-created the slots: dynamic workers that will restart
/// get their slot back (same generation, no one to notify: the registrants are gone).
pub fn postmaster_after_reset(sched: &Scheduler) {
    for (i, st) in sched.states().iter().enumerate() {
        if let (Some(generation), false, Some(s)) =
            (st.dynamic_generation(), st.forgotten, slots().get(i))
        {
            s.generation.store(generation, Ordering::Relaxed);
            write_definition(s, &st.worker, 0);
            s.state.store(IN_USE, Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_postgresql_s_sqlstates_and_hints() {
        let e = DynamicError::NoFreeSlot.to_spi_error();
        assert_eq!(e.sqlstate, "53000");
        assert_eq!(e.message, "could not register background process");
        assert_eq!(
            e.hint.as_deref(),
            Some("You may need to increase max_worker_processes.")
        );
        let e = DynamicError::Stopped.to_spi_error();
        assert_eq!(
            (e.sqlstate, e.message.as_str()),
            ("53000", "could not start background process")
        );
        let e = DynamicError::PostmasterDied.to_spi_error();
        assert_eq!(e.sqlstate, "53000");
        assert_eq!(
            e.hint.as_deref(),
            Some("Kill all remaining database processes and restart the database.")
        );
    }

    #[test]
    fn text_round_trips_and_is_bounded() {
        // SAFETY: a zeroed ShText is valid (atomics only).
        let t: ShText = unsafe { std::mem::zeroed() };
        t.store("SPI worker 3");
        assert_eq!(t.load(), "SPI worker 3");
        assert!(t.is("SPI worker 3"));
        for other in [
            "SPI worker 4",
            "SPI worker",
            "SPI worker 33",
            "",
            "SPI worker 3\0",
        ] {
            assert!(!t.is(other), "{other:?}");
        }
        t.store("");
        assert!(t.is("") && !t.is("a"));
        let long = "é".repeat(100);
        t.store(&long);
        assert_eq!(t.load(), "é".repeat(48));
        assert!(
            t.is(&"é".repeat(48)) && !t.is(&long),
            "compares what was stored"
        );
        t.len.store(u32::MAX, Ordering::Relaxed);
        assert_eq!(t.load().len(), MAX_TEXT, "a corrupt length is bounded");
    }
}
