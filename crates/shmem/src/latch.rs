//! Latches: the sleep/wake primitive every process waits on.
//!
//! A latch lives in shared memory (each PGPROC owns one) or in process memory (the latch a
//! process uses before it has a PGPROC). Any process, and any signal handler, may [`Latch::set`]
//! it; only its owner may [`Latch::reset`] it or [`Latch::wait`] on it.
//!
//! Fields and who touches them:
//! - `is_set` (the futex word): set to 1 by anyone, back to 0 by the owner;
//! - `maybe_sleeping`: 1 while the owner is about to sleep or sleeping; written by the owner only;
//! - `wait_mode`: how the owner sleeps right now, written by the owner before `maybe_sleeping`:
//!   [`MODE_FUTEX`] (a futex wait on `is_set`, the cheapest wake-up) or [`MODE_SIGNAL`] (a `poll`
//!   on the process's self-pipe, needed when a socket is watched too; the setter sends SIGURG,
//!   whose handler writes the self-pipe);
//! - `owner_pid`: the owner, for SIGURG; 0 when unowned.
//!
//! The no-lost-wake-up argument: the owner stores `maybe_sleeping = 1`, issues a SeqCst fence,
//! then loads `is_set`; the setter stores `is_set = 1`, issues a SeqCst fence, then loads
//! `maybe_sleeping`. With both fences at least one side sees the other's store (Acquire/Release
//! alone would allow both to miss), so either the owner sees the latch set and does not sleep,
//! or the setter sees it sleeping and wakes it. A futex wait additionally re-checks `is_set == 0`
//! atomically in the kernel. [`Latch::set`] makes a system call only when the owner may sleep.
//!
//! Postmaster death is seen by a futex sleeper through the SIGUSR2 that `PR_SET_PDEATHSIG`
//! delivers (its handler sets the latch), and by a poll sleeper through the death pipe.

use std::os::fd::RawFd;
use std::sync::atomic::{AtomicI32, AtomicPtr, AtomicU32, Ordering, fence};
use std::time::{Duration, Instant};

use crate::futex;
use crate::pmdeath;

/// Owner sleeps in a futex wait on `is_set`.
pub const MODE_FUTEX: u32 = 0;
/// Owner sleeps in `poll` on its self-pipe (and a socket).
pub const MODE_SIGNAL: u32 = 1;

/// The signal a setter sends an owner that sleeps in `poll`.
pub const WAKEUP_SIGNAL: libc::c_int = libc::SIGURG;

/// What a wait asks for and what it returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WaitEvents(pub u32);

impl WaitEvents {
    /// The latch was set.
    pub const LATCH_SET: WaitEvents = WaitEvents(1);
    /// The timeout passed.
    pub const TIMEOUT: WaitEvents = WaitEvents(2);
    /// The postmaster died.
    pub const POSTMASTER_DEATH: WaitEvents = WaitEvents(4);
    /// The socket given to [`Latch::wait_socket`] is readable (or closed).
    pub const SOCKET_READABLE: WaitEvents = WaitEvents(8);
    /// The socket given to [`Latch::wait_socket`] takes more bytes (or failed).
    pub const SOCKET_WRITEABLE: WaitEvents = WaitEvents(16);

    /// Whether every bit of `other` is in `self`.
    pub fn contains(self, other: WaitEvents) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// No event.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl std::ops::BitOr for WaitEvents {
    type Output = WaitEvents;
    fn bitor(self, rhs: WaitEvents) -> WaitEvents {
        WaitEvents(self.0 | rhs.0)
    }
}

impl std::ops::BitOrAssign for WaitEvents {
    fn bitor_assign(&mut self, rhs: WaitEvents) {
        self.0 |= rhs.0;
    }
}

/// A latch. All-zero is a valid unset, unowned latch.
#[repr(C)]
#[derive(Debug, Default)]
pub struct Latch {
    is_set: AtomicU32,
    maybe_sleeping: AtomicU32,
    wait_mode: AtomicU32,
    owner_pid: AtomicI32,
}

// SAFETY: repr(C) atomics only; all-zero is the unset, unowned state.
unsafe impl crate::ShmemSafe for Latch {}

static SELFPIPE_R: AtomicI32 = AtomicI32::new(-1);
static SELFPIPE_W: AtomicI32 = AtomicI32::new(-1);
static MY_PID: AtomicI32 = AtomicI32::new(0);
static LOCAL_LATCH: Latch = Latch::new();
static MY_LATCH: AtomicPtr<Latch> = AtomicPtr::new(std::ptr::null_mut());

fn my_pid() -> i32 {
    let p = MY_PID.load(Ordering::Relaxed);
    if p != 0 {
        return p;
    }
    // SAFETY: getpid has no preconditions.
    unsafe { libc::getpid() }
}

extern "C" fn on_wakeup_signal(_sig: libc::c_int) {
    write_selfpipe();
}

fn write_selfpipe() {
    let fd = SELFPIPE_W.load(Ordering::Relaxed);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; errno is saved and restored so the interrupted
        // code does not see it change; a full pipe (EAGAIN) already guarantees a wake-up.
        unsafe {
            let saved = *libc::__errno_location();
            let b = 0u8;
            libc::write(fd, (&b as *const u8).cast(), 1);
            *libc::__errno_location() = saved;
        }
    }
}

fn drain_selfpipe() {
    let fd = SELFPIPE_R.load(Ordering::Relaxed);
    let mut buf = [0u8; 64];
    loop {
        // SAFETY: non-blocking read into a local buffer of the stated size.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 || (n as usize) < buf.len() {
            break;
        }
    }
}

/// Prepares this process for latch waits: a fresh self-pipe (never the one inherited across
/// fork, which the parent still reads) and the SIGURG handler. Call once per process, right
/// after fork, before owning any latch. Makes the process-local latch this process's latch.
pub fn init_process() -> std::io::Result<()> {
    for fd in [
        SELFPIPE_R.swap(-1, Ordering::Relaxed),
        SELFPIPE_W.swap(-1, Ordering::Relaxed),
    ] {
        if fd >= 0 {
            // SAFETY: these are our own inherited self-pipe descriptors, not used elsewhere.
            unsafe { libc::close(fd) };
        }
    }
    let mut fds = [-1; 2];
    // SAFETY: pipe2 writes two descriptors into the local array.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    SELFPIPE_R.store(fds[0], Ordering::Relaxed);
    SELFPIPE_W.store(fds[1], Ordering::Relaxed);
    // SAFETY: getpid has no preconditions.
    MY_PID.store(unsafe { libc::getpid() }, Ordering::Relaxed);
    // The handler only calls write(2) on the self-pipe.
    crate::interrupt::install(
        WAKEUP_SIGNAL,
        crate::interrupt::Disposition::Handler(on_wakeup_signal),
        crate::interrupt::Restart::Yes,
    )?;
    LOCAL_LATCH.reset();
    LOCAL_LATCH.own();
    MY_LATCH.store(
        &LOCAL_LATCH as *const Latch as *mut Latch,
        Ordering::Release,
    );
    Ok(())
}

/// This process's latch: its PGPROC's once it has one, else a process-local one.
pub fn my_latch() -> &'static Latch {
    let p = MY_LATCH.load(Ordering::Acquire);
    if p.is_null() {
        return &LOCAL_LATCH;
    }
    // SAFETY: MY_LATCH only ever holds &LOCAL_LATCH or a latch inside the shared segment, both
    // of which live for the rest of the process.
    unsafe { &*p }
}

/// Makes `latch` (in shared memory) this process's latch, owning it; a set pending on the
/// local latch carries over (PostgreSQL's SwitchToSharedLatch).
pub fn switch_to_shared(latch: &'static Latch) {
    latch.own();
    MY_LATCH.store(latch as *const Latch as *mut Latch, Ordering::Release);
    if LOCAL_LATCH.is_set() {
        latch.set();
    }
}

/// Back to the process-local latch (before a PGPROC is released), again carrying a pending set.
pub fn switch_to_local() {
    let old = my_latch();
    let was_set = old.is_set();
    MY_LATCH.store(
        &LOCAL_LATCH as *const Latch as *mut Latch,
        Ordering::Release,
    );
    if !std::ptr::eq(old, &LOCAL_LATCH) {
        old.disown();
    }
    if was_set {
        LOCAL_LATCH.set();
    }
}

/// For signal handlers: set this process's latch (async-signal-safe).
pub fn set_my_latch_from_handler() {
    my_latch().set();
}

impl Latch {
    /// An unset, unowned latch.
    pub const fn new() -> Self {
        Latch {
            is_set: AtomicU32::new(0),
            maybe_sleeping: AtomicU32::new(0),
            wait_mode: AtomicU32::new(MODE_FUTEX),
            owner_pid: AtomicI32::new(0),
        }
    }

    /// Takes ownership for the calling process.
    pub fn own(&self) {
        self.owner_pid.store(my_pid(), Ordering::SeqCst);
    }

    /// Gives ownership up.
    pub fn disown(&self) {
        self.owner_pid.store(0, Ordering::SeqCst);
    }

    /// The owner's pid (0 when unowned).
    pub fn owner_pid(&self) -> i32 {
        self.owner_pid.load(Ordering::Relaxed)
    }

    /// Whether the latch is set.
    pub fn is_set(&self) -> bool {
        self.is_set.load(Ordering::Acquire) != 0
    }

    /// Sets the latch, waking its owner if it may be sleeping. Callable from any process and
    /// from signal handlers: it uses atomics and at most one system call.
    pub fn set(&self) {
        // Quick exit if already set; the fence makes sure everything we wrote before is
        // visible to the owner that will see is_set.
        fence(Ordering::SeqCst);
        if self.is_set.load(Ordering::Relaxed) != 0 {
            return;
        }
        self.is_set.store(1, Ordering::SeqCst);
        // Pairs with the owner's fence between storing maybe_sleeping and loading is_set.
        fence(Ordering::SeqCst);
        if self.maybe_sleeping.load(Ordering::SeqCst) == 0 {
            return;
        }
        match self.wait_mode.load(Ordering::SeqCst) {
            MODE_FUTEX => futex::wake_all(&self.is_set),
            _ => {
                let owner = self.owner_pid.load(Ordering::Relaxed);
                if owner == my_pid() {
                    write_selfpipe();
                } else if owner > 0 {
                    // SAFETY: kill(2) is async-signal-safe; an exited owner gives ESRCH, harmless.
                    unsafe { libc::kill(owner, WAKEUP_SIGNAL) };
                }
            }
        }
    }

    /// Clears the latch (owner only). The fence orders the clear before whatever the caller
    /// checks next, so a set that happens after that check is not lost.
    pub fn reset(&self) {
        self.is_set.store(0, Ordering::SeqCst);
        fence(Ordering::SeqCst);
    }

    /// Waits for any of `events` (LATCH_SET, TIMEOUT with `timeout`, POSTMASTER_DEATH) and
    /// returns those that happened. Owner only.
    pub fn wait(&self, events: WaitEvents, timeout: Option<Duration>) -> WaitEvents {
        self.wait_inner(events, None, timeout)
    }

    /// As [`Latch::wait`], also watching `fd` for readability (SOCKET_READABLE) and/or room
    /// to write (SOCKET_WRITEABLE).
    pub fn wait_socket(
        &self,
        events: WaitEvents,
        fd: RawFd,
        timeout: Option<Duration>,
    ) -> WaitEvents {
        self.wait_inner(events, Some(fd), timeout)
    }

    fn wait_inner(
        &self,
        events: WaitEvents,
        socket: Option<RawFd>,
        timeout: Option<Duration>,
    ) -> WaitEvents {
        let want_latch = events.contains(WaitEvents::LATCH_SET);
        let want_death = events.contains(WaitEvents::POSTMASTER_DEATH);
        let want_read = events.contains(WaitEvents::SOCKET_READABLE);
        let want_write = events.contains(WaitEvents::SOCKET_WRITEABLE);
        let want_socket = socket.is_some() && (want_read || want_write);
        let deadline = if events.contains(WaitEvents::TIMEOUT) {
            timeout.map(|t| Instant::now() + t)
        } else {
            None
        };
        // A futex wait on is_set cannot watch a descriptor, and without LATCH_SET it would spin
        // on a set latch; use poll in those cases.
        let use_futex = want_latch && !want_socket;
        loop {
            let mut result = WaitEvents::default();
            if want_latch && self.is_set() {
                result |= WaitEvents::LATCH_SET;
            }
            if want_death && pmdeath::death_signaled() {
                result |= WaitEvents::POSTMASTER_DEATH;
            }
            if !result.is_empty() {
                return result;
            }
            let remaining = match deadline {
                Some(d) => {
                    let now = Instant::now();
                    if now >= d {
                        return WaitEvents::TIMEOUT;
                    }
                    Some(d - now)
                }
                None => None,
            };

            self.wait_mode.store(
                if use_futex { MODE_FUTEX } else { MODE_SIGNAL },
                Ordering::SeqCst,
            );
            self.maybe_sleeping.store(1, Ordering::SeqCst);
            // Pairs with the fence in set(): see the module doc.
            fence(Ordering::SeqCst);
            if want_latch && self.is_set.load(Ordering::SeqCst) != 0 {
                self.maybe_sleeping.store(0, Ordering::SeqCst);
                continue;
            }
            if use_futex {
                futex::wait(&self.is_set, 0, remaining);
            } else {
                let r = self.poll_once(
                    socket.filter(|_| want_socket),
                    (want_read, want_write),
                    want_death,
                    remaining,
                );
                self.maybe_sleeping.store(0, Ordering::SeqCst);
                if !r.is_empty() {
                    let mut out = r;
                    if want_latch && self.is_set() {
                        out |= WaitEvents::LATCH_SET;
                    }
                    return out;
                }
                continue;
            }
            self.maybe_sleeping.store(0, Ordering::SeqCst);
        }
    }

    fn poll_once(
        &self,
        socket: Option<RawFd>,
        (want_read, want_write): (bool, bool),
        want_death: bool,
        t: Option<Duration>,
    ) -> WaitEvents {
        let mut fds: [libc::pollfd; 3] = [libc::pollfd {
            fd: -1,
            events: 0,
            revents: 0,
        }; 3];
        fds[0] = libc::pollfd {
            fd: SELFPIPE_R.load(Ordering::Relaxed),
            events: libc::POLLIN,
            revents: 0,
        };
        let mut n = 1;
        let sock_idx = socket.map(|fd| {
            let mut events = 0;
            if want_read {
                events |= libc::POLLIN;
            }
            if want_write {
                events |= libc::POLLOUT;
            }
            fds[n] = libc::pollfd {
                fd,
                events,
                revents: 0,
            };
            n += 1;
            n - 1
        });
        let death_fd = pmdeath::watch_fd();
        let death_idx = (want_death && death_fd >= 0).then(|| {
            fds[n] = libc::pollfd {
                fd: death_fd,
                events: libc::POLLIN,
                revents: 0,
            };
            n += 1;
            n - 1
        });
        let ms = match t {
            None => -1,
            Some(d) => d.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32,
        };
        // SAFETY: fds is a live local array and n <= 3 entries are initialised.
        let rc = unsafe { libc::poll(fds.as_mut_ptr(), n as libc::nfds_t, ms) };
        let mut out = WaitEvents::default();
        if rc <= 0 {
            return out;
        }
        if fds[0].revents != 0 {
            drain_selfpipe();
        }
        if let Some(i) = sock_idx
            && fds[i].revents != 0
        {
            // POLLHUP and POLLERR answer both: the next read or write reports them.
            let r = fds[i].revents;
            if want_read && r & !libc::POLLOUT != 0 {
                out |= WaitEvents::SOCKET_READABLE;
            }
            if want_write && r & !libc::POLLIN != 0 {
                out |= WaitEvents::SOCKET_WRITEABLE;
            }
        }
        if let Some(i) = death_idx
            && fds[i].revents != 0
            && !pmdeath::postmaster_is_alive()
        {
            out |= WaitEvents::POSTMASTER_DEATH;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn set_before_wait_returns_at_once() {
        let l = Latch::new();
        l.own();
        l.set();
        let t0 = Instant::now();
        let r = l.wait(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT,
            Some(Duration::from_secs(5)),
        );
        assert_eq!(r, WaitEvents::LATCH_SET);
        assert!(t0.elapsed() < Duration::from_secs(1));
        l.reset();
        assert!(!l.is_set());
    }

    #[test]
    fn timeout_is_honoured() {
        let l = Latch::new();
        l.own();
        let t0 = Instant::now();
        let r = l.wait(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT,
            Some(Duration::from_millis(50)),
        );
        assert_eq!(r, WaitEvents::TIMEOUT);
        let e = t0.elapsed();
        assert!(
            e >= Duration::from_millis(50) && e < Duration::from_secs(2),
            "{e:?}"
        );
    }

    #[test]
    fn set_from_another_thread_wakes_a_futex_sleeper() {
        let l: &'static Latch = Box::leak(Box::new(Latch::new()));
        l.own();
        let h = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            l.set();
        });
        let r = l.wait(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT,
            Some(Duration::from_secs(10)),
        );
        assert_eq!(r, WaitEvents::LATCH_SET);
        h.join().expect("setter");
    }

    #[test]
    fn socket_readable_is_reported() {
        let (a, b) = std::os::unix::net::UnixStream::pair().expect("pair");
        let l = Arc::new(Latch::new());
        l.own();
        use std::io::Write;
        use std::os::fd::AsRawFd;
        (&a).write_all(b"x").expect("write");
        let r = l.wait_socket(
            WaitEvents::LATCH_SET | WaitEvents::SOCKET_READABLE | WaitEvents::TIMEOUT,
            b.as_raw_fd(),
            Some(Duration::from_secs(5)),
        );
        assert!(r.contains(WaitEvents::SOCKET_READABLE), "{r:?}");
    }
}
