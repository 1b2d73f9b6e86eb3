//! The postmaster's server loop. Its state is [`Pm`] (`pmstate.rs`, PostgreSQL's `PmState`
//! sequence as a pure transition function); this file feeds it events and carries out the
//! actions it returns: forks, signals, `postmaster.pid`, log lines, the crash reset.
//!
//! The loop: `poll` on the signal self-pipe, the listen sockets and the hand-off pairs of the
//! backends serving a session, with a timeout decided each turn (60 s; 0 when a worker waits
//! to start; until the earliest pending restart; until the SIGKILL deadline; until an extra
//! idle backend is due to retire); then, in this order: reap children, read pmsignal flags,
//! act on shutdown requests and SIGHUP, note the backends that say they are idle again,
//! accept connections (each handed to an idle backend, or to a backend forked for it), start
//! at most one background worker, keep `prefork_backends` idle backends (retiring extra
//! ones), and advance the shutdown / crash-reset progress.
//!
//! Architecture invariants: single-threaded; never takes a shared-memory lock (shared state is
//! read and written with atomics only: child slots, pmsignal flags, worker status); holds no
//! lock across `fork`; handlers only set flags.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bgworker::schedule::{ChildExit, ExitVerdict, Scheduler};
use shmem::pmchild;
use shmem::pmsignal::{self, PmSignalReason};

use crate::datadir::PidFile;
use crate::listen::{Conn, Listener};
use crate::pmstate::{Action, Alive, ChildClass, Event, Pm, PmState, Shutdown, StartupExit};
use crate::signals;

const SIGKILL_AFTER: Duration = Duration::from_secs(5);
const MAX_SLEEP: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Startup,
    Backend,
    Worker(usize),
    AutovacLauncher,
    AutovacWorker,
    WalWriter,
}

impl Kind {
    /// What the shutdown sequence does with this kind of child.
    fn class(self) -> ChildClass {
        match self {
            Kind::Backend => ChildClass::Backend,
            Kind::Startup | Kind::Worker(_) | Kind::AutovacLauncher | Kind::AutovacWorker => {
                ChildClass::Other
            }
            // Ends after the backends, so their last commits are still synced.
            Kind::WalWriter => ChildClass::Aux,
        }
    }
}

#[derive(Debug)]
struct Child {
    pid: i32,
    kind: Kind,
    slot: usize,
    forked: Instant,
    /// A backend told to give up its unfinished startup (SIGUSR2), or a retired idle
    /// pre-forked one; no longer counted.
    evicted: bool,
    /// A backend that takes its connections from the postmaster (pre-forked, and each time
    /// its session ends cleanly: `handoff`): the postmaster's end of its hand-off pair. Kept
    /// while it serves a session, so that it can say it is idle again; closed when it is not
    /// to be reused (a reload changed the rules it was forked with, or it was evicted).
    pair: Option<OwnedFd>,
    /// Waiting for a connection on `pair`: since when.
    idle_since: Option<Instant>,
}

impl Child {
    fn is_idle(&self) -> bool {
        self.idle_since.is_some()
    }
}

/// How long a backend beyond `prefork_backends` may wait idle for a connection before it is
/// retired: long enough to serve a stream of short connections with no fork, short enough
/// that a burst's backends do not stay.
const REUSED_IDLE_KEEP: Duration = Duration::from_secs(10);

/// The fewest idle backends kept before [`REUSED_IDLE_KEEP`] runs out (more: twice
/// `prefork_backends`); the rest retire at once.
const MIN_IDLE_CAP: usize = 4;

/// How many connections may be in their startup at once (forked, startup packet not yet
/// handled, so holding a child slot but no PGPROC): twice `max_connections`, at least 64. At
/// the cap, each new connection ends the oldest unfinished one, so sockets that connect and
/// send nothing can neither pile up nor lock real clients out. Counted in `n_slots` (lib.rs).
pub fn max_unfinished_startups() -> usize {
    let max_conn = usize::try_from(guc::builtin::MAX_CONNECTIONS.get()).unwrap_or(1);
    (2 * max_conn).max(64)
}

/// Everything the server loop needs, built by `lib.rs` after settings, preload and shared memory.
pub struct Postmaster {
    pub data_dir: PathBuf,
    pub config_file: PathBuf,
    pub listeners: Vec<Listener>,
    pub pid_file: PidFile,
    pub scheduler: Scheduler,
    pub shmem_init: Box<dyn Fn() -> Result<(), crate::error::PmError>>,
    pub _lock: OwnedFd,
    pm: Pm,
    kill_deadline: Option<Instant>,
    sigkill_sent: bool,
    /// The crash being handled, for [`Action::ReportCrash`].
    crash_desc: String,
    children: Vec<Child>,
    launcher_started: Option<Instant>,
    walwriter_started: Option<Instant>,
}

pub(crate) fn signal_name(sig: i32) -> String {
    // SAFETY: strsignal returns a pointer to a static or thread-local string; the postmaster
    // is single-threaded and we copy it at once.
    unsafe {
        let p = libc::strsignal(sig);
        if p.is_null() {
            return format!("signal {sig}");
        }
        std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
    }
}

fn describe_exit(what: &str, pid: i32, exit: ChildExit) -> String {
    match exit {
        ChildExit::Exited(c) => format!("{what} (PID {pid}) exited with exit code {c}"),
        ChildExit::Signaled(s) => {
            format!(
                "{what} (PID {pid}) was terminated by signal {s}: {}",
                signal_name(s)
            )
        }
    }
}

impl Postmaster {
    /// A postmaster about to start its first startup process.
    pub fn new(
        data_dir: PathBuf,
        config_file: PathBuf,
        listeners: Vec<Listener>,
        pid_file: PidFile,
        scheduler: Scheduler,
        shmem_init: Box<dyn Fn() -> Result<(), crate::error::PmError>>,
        lock: OwnedFd,
    ) -> Self {
        Postmaster {
            data_dir,
            config_file,
            listeners,
            pid_file,
            scheduler,
            shmem_init,
            _lock: lock,
            pm: Pm::new(),
            kill_deadline: None,
            sigkill_sent: false,
            crash_desc: String::new(),
            children: Vec::new(),
            launcher_started: None,
            walwriter_started: None,
        }
    }

    /// Feeds `ev` to the state machine and carries out what it asks for.
    fn dispatch(&mut self, ev: Event) {
        for action in self.pm.handle(ev) {
            match action {
                Action::ForkStartup => self.start_startup(),
                Action::Log(line) => tracing::info!("{line}"),
                Action::ReportCrash => {
                    tracing::info!("{}", self.crash_desc);
                    tracing::info!("terminating any other active server processes");
                }
                Action::SetStatus(st) => {
                    let _ = self.pid_file.set_status(st.as_str());
                }
                Action::Signal(sig, targets) => {
                    self.signal_children(sig, |k| targets.includes(k.class()))
                }
                Action::StartKillTimer => {
                    self.kill_deadline = Some(Instant::now() + SIGKILL_AFTER);
                    self.sigkill_sent = false;
                }
                Action::Reinitialize => {
                    shmem::reset_segment();
                    if let Err(e) = (self.shmem_init)() {
                        tracing::error!(target: "FATAL", "could not re-initialize shared memory: {e}");
                        self.pm.exit_now(1);
                        return;
                    }
                    self.scheduler.after_crash_reset();
                    bgworker::dynamic::postmaster_after_reset(&self.scheduler);
                    bgworker::shmem_status::publish(&self.scheduler, Instant::now());
                    self.kill_deadline = None;
                }
                Action::Exit(_) => {}
            }
        }
    }

    /// Forks a child; `f` runs in it and its return value is the exit code.
    fn fork_child(&mut self, kind: Kind, slot: usize, f: impl FnOnce() -> i32) -> Option<i32> {
        signals::block();
        // SAFETY: the postmaster is single-threaded and holds no lock here, so the child gets a
        // consistent copy of the process.
        let pid = unsafe { libc::fork() };
        if pid == 0 {
            signals::reset_in_child();
            for l in &self.listeners {
                // SAFETY: closing the child's copies of the listen sockets; the Listener values
                // are never used again in the child (we exit before returning).
                unsafe { libc::close(l.fd()) };
            }
            for c in &self.children {
                if let Some(fd) = &c.pair {
                    // SAFETY: closing the child's copy of another pre-forked backend's
                    // hand-off end, never used in this child.
                    unsafe { libc::close(fd.as_raw_fd()) };
                }
            }
            shmem::pmdeath::init_child();
            shmem::walindex::set_my_slot(slot);
            if let Err(e) = shmem::latch::init_process() {
                tracing::error!(target: "FATAL", "could not set up the process latch: {e}");
                std::process::exit(1);
            }
            std::panic::set_hook(Box::new(|info| {
                let msg = info.to_string().replace('\n', " ");
                tracing::error!(target: "PANIC", "{msg}");
                std::process::abort();
            }));
            let code = f();
            // The role released its PGPROC (proc_kill is idempotent) and closed what it opened;
            // skip exit handlers and loader clean-up, a measurable share of a short backend.
            proc::proc_kill();
            // SAFETY: _exit ends this child at once; nothing buffered is left (logs are written
            // line by line with one write each).
            unsafe { libc::_exit(code) };
        }
        signals::unblock();
        if pid < 0 {
            tracing::info!(
                "could not fork new process: {}",
                std::io::Error::last_os_error()
            );
            if slot != 0 {
                pmchild::release(slot);
            }
            return None;
        }
        self.children.push(Child {
            pid,
            kind,
            slot,
            forked: Instant::now(),
            evicted: false,
            pair: None,
            idle_since: None,
        });
        Some(pid)
    }

    fn start_startup(&mut self) {
        let slot = pmchild::assign().unwrap_or(0);
        let dir = self.data_dir.clone();
        let after_crash = self.pm.after_crash;
        if self
            .fork_child(Kind::Startup, slot, || {
                crate::startup::startup_main(&dir, after_crash, slot)
            })
            .is_none()
        {
            tracing::error!(target: "FATAL", "could not fork startup process");
            self.pm.exit_now(1);
        }
    }

    /// A backend still in its startup: no PGPROC yet (its slot is only ASSIGNED, or it has
    /// none and will answer with an error).
    fn in_startup(c: &Child) -> bool {
        c.kind == Kind::Backend
            && !c.evicted
            && !c.is_idle()
            && (c.slot == 0 || pmchild::state(c.slot) == Some(pmchild::ASSIGNED))
    }

    /// At the cap of unfinished startups, tells the oldest to give up (SIGUSR2: a backend
    /// still waiting for its startup packet exits, one past it fails with 53300), so a new
    /// connection always gets its turn. Reads child slots with atomics only.
    fn make_room_for_startup(&mut self) {
        let mut count = 0;
        let mut oldest: Option<usize> = None;
        for (i, c) in self.children.iter().enumerate() {
            if Self::in_startup(c) {
                count += 1;
                if oldest.is_none_or(|o| c.forked < self.children[o].forked) {
                    oldest = Some(i);
                }
            }
        }
        if count < max_unfinished_startups() {
            return;
        }
        if let Some(i) = oldest {
            let c = &mut self.children[i];
            tracing::debug!(
                "too many connections in startup: ending the oldest (PID {})",
                c.pid
            );
            c.evicted = true;
            c.pair = None;
            // SAFETY: signalling our own child, which handles SIGUSR2 from its first
            // instruction (blocked until its handler is installed).
            unsafe { libc::kill(c.pid, libc::SIGUSR2) };
        }
    }

    fn start_backend(&mut self, conn: Conn) {
        self.make_room_for_startup();
        let can_accept = self.pm.can_accept();
        let conn = if can_accept == wire::CanAccept::Ok {
            match self.hand_off(conn) {
                Ok(()) => return,
                Err(conn) => conn,
            }
        } else {
            conn
        };
        // No child slot left: the child still answers, with "too many clients".
        let slot = if can_accept == wire::CanAccept::Ok {
            pmchild::assign().unwrap_or(0)
        } else {
            0
        };
        let dir = self.data_dir.clone();
        let conf = self.config_file.clone();
        self.fork_child(Kind::Backend, slot, move || {
            let start = crate::backend::BackendStart {
                slot,
                data_dir: dir,
                config_file: conf,
            };
            crate::backend::backend_main(conn, can_accept, start)
        });
    }

    /// Gives `conn` to an idle backend (the one idle the shortest time: the others stay cold
    /// and retire first), which from then on is an ordinary backend in its startup. Gives the
    /// connection back when there is none (or the send failed: that backend is retired and
    /// the next one tried).
    fn hand_off(&mut self, conn: Conn) -> Result<(), Conn> {
        loop {
            let Some(i) = (0..self.children.len())
                .filter(|&i| self.children[i].is_idle())
                .max_by_key(|&i| self.children[i].idle_since)
            else {
                return Err(conn);
            };
            let c = &mut self.children[i];
            c.idle_since = None;
            let Some(end) = &c.pair else {
                continue;
            };
            match crate::handoff::send(end, &conn) {
                Ok(()) => {
                    c.forked = Instant::now();
                    return Ok(());
                }
                Err(e) => {
                    tracing::debug!("could not hand a connection to PID {}: {e}", c.pid);
                    c.pair = None;
                    c.evicted = true;
                    // SAFETY: signalling our own child.
                    unsafe { libc::kill(c.pid, libc::SIGTERM) };
                }
            }
        }
    }

    /// Reads what the backends serving a session on a hand-off pair sent: `polled[k]` is the
    /// poll entry of `serving[k]` (from [`serving_pairs`](Self::serving_pairs)).
    fn read_from_serving(&mut self, serving: &[(i32, RawFd)], polled: &[libc::pollfd]) {
        let now = Instant::now();
        for (&(pid, _), _) in serving.iter().zip(polled).filter(|(_, p)| p.revents != 0) {
            let Some(c) = self.children.iter_mut().find(|c| c.pid == pid) else {
                continue;
            };
            let Some(end) = &c.pair else {
                continue;
            };
            match crate::handoff::recv_from_backend(end) {
                crate::handoff::FromBackend::Idle => c.idle_since = Some(now),
                crate::handoff::FromBackend::Closed => c.pair = None,
                crate::handoff::FromBackend::Nothing => {}
            }
        }
    }

    /// The backends serving a session that may come back idle: (PID, their pair's end).
    fn serving_pairs(&self) -> Vec<(i32, RawFd)> {
        self.children
            .iter()
            .filter(|c| !c.is_idle() && !c.evicted)
            .filter_map(|c| c.pair.as_ref().map(|p| (c.pid, p.as_raw_fd())))
            .collect()
    }

    /// The `prefork_backends` idle backends wanted now: none unless connections are accepted
    /// normally (a shutdown or a crash reset retires them: they hold no session, so nothing
    /// waits for them).
    fn idle_wanted(&self) -> usize {
        if self.pm.can_accept() == wire::CanAccept::Ok && self.pm.aux_may_run() {
            usize::try_from(guc::builtin::PREFORK_BACKENDS.get()).unwrap_or(0)
        } else {
            0
        }
    }

    /// Keeps `prefork_backends` idle backends: forks more when fewer wait (each takes a child
    /// slot, and only while at least one more stays free for a connection that arrives
    /// meanwhile). A backend whose session ended cleanly waits too; beyond the number wanted,
    /// each is retired after [`REUSED_IDLE_KEEP`] unused — at once when none is wanted.
    fn maintain_prefork(&mut self) {
        let want = self.idle_wanted();
        let mut idle = self.children.iter().filter(|c| c.is_idle()).count();
        // Beyond the cap, or with no child slot left free (a worker may need one), the extra
        // ones go at once: a stream of connections must not pile up idle processes.
        let cap = (2 * want).max(MIN_IDLE_CAP);
        let at_once = if want == 0 || pmchild::free_count() == 0 {
            idle.saturating_sub(want)
        } else {
            idle.saturating_sub(cap)
        };
        if at_once > 0 {
            self.retire_idle(at_once, Duration::ZERO);
            idle -= at_once;
        }
        if idle > want {
            self.retire_idle(idle - want, REUSED_IDLE_KEEP);
            return;
        }
        for _ in idle..want {
            let Some(slot) = pmchild::assign() else {
                return;
            };
            if pmchild::free_count() == 0 {
                pmchild::release(slot);
                return;
            }
            let (pm_end, child_end) = match crate::handoff::pair() {
                Ok(p) => p,
                Err(e) => {
                    pmchild::release(slot);
                    tracing::info!("could not create a hand-off socket pair: {e}");
                    return;
                }
            };
            let dir = self.data_dir.clone();
            let conf = self.config_file.clone();
            let pm_raw = pm_end.as_raw_fd();
            let forked = self.fork_child(Kind::Backend, slot, move || {
                // SAFETY: the child's copy of the postmaster's end, never used here.
                unsafe { libc::close(pm_raw) };
                let start = crate::backend::BackendStart {
                    slot,
                    data_dir: dir,
                    config_file: conf,
                };
                crate::backend::prefork_main(child_end, start)
            });
            match forked {
                Some(_) => {
                    if let Some(c) = self.children.last_mut() {
                        c.pair = Some(pm_end);
                        c.idle_since = Some(Instant::now());
                    }
                }
                None => return,
            }
        }
    }

    /// Ends up to `n` idle backends idle for at least `keep`, the longest idle first.
    fn retire_idle(&mut self, n: usize, keep: Duration) {
        let now = Instant::now();
        let mut idle: Vec<(Instant, usize)> = (0..self.children.len())
            .filter_map(|i| self.children[i].idle_since.map(|t| (t, i)))
            .filter(|(t, _)| now.saturating_duration_since(*t) >= keep)
            .collect();
        idle.sort();
        for &(_, i) in idle.iter().take(n) {
            let c = &mut self.children[i];
            c.idle_since = None;
            c.pair = None;
            c.evicted = true;
            // SAFETY: signalling our own child.
            unsafe { libc::kill(c.pid, libc::SIGTERM) };
        }
    }

    /// When the next idle backend beyond those wanted is due to retire.
    fn idle_expiry(&self, now: Instant) -> Option<Duration> {
        let idle = self.children.iter().filter(|c| c.is_idle()).count();
        if idle <= self.idle_wanted() {
            return None;
        }
        let oldest = self.children.iter().filter_map(|c| c.idle_since).min()?;
        Some((oldest + REUSED_IDLE_KEEP).saturating_duration_since(now))
    }

    fn maybe_start_worker(&mut self) {
        let now = Instant::now();
        let Some(i) = self.scheduler.next_to_start(self.pm.worker_phase(), now) else {
            return;
        };
        let w = self.scheduler.states()[i].worker.clone();
        let slot = if w.flags.shmem_access {
            match pmchild::assign() {
                Some(s) => s,
                None => {
                    tracing::info!("no child slot for background worker \"{}\"", w.name);
                    self.scheduler.fork_failed(i, now);
                    return;
                }
            }
        } else {
            0
        };
        let dir = self.data_dir.clone();
        let conf = self.config_file.clone();
        let name = w.name.clone();
        match self.fork_child(Kind::Worker(i), slot, move || {
            bgworker::runtime::run_worker(w, slot, &dir, &conf)
        }) {
            Some(pid) => {
                tracing::debug!("starting background worker process \"{name}\" (PID {pid})");
                self.scheduler.started(i, pid, slot, now);
                bgworker::dynamic::postmaster_started(&self.scheduler, i);
            }
            None => self.scheduler.fork_failed(i, now),
        }
        bgworker::shmem_status::publish(&self.scheduler, now);
    }

    /// A registrant published a dynamic worker or asked for one's termination.
    fn sync_dynamic_workers(&mut self) {
        let now = Instant::now();
        for pid in bgworker::dynamic::postmaster_sync(&mut self.scheduler, now) {
            if self.children.iter().any(|c| c.pid == pid) {
                // SAFETY: signalling our own child.
                unsafe { libc::kill(pid, libc::SIGTERM) };
            }
        }
        bgworker::shmem_status::publish(&self.scheduler, now);
    }

    fn autovacuum_allowed(&self) -> bool {
        self.pm.autovacuum_allowed(guc::builtin::AUTOVACUUM.get())
    }

    /// How long until the launcher should start (None: it must not, or it runs).
    fn launcher_wait(&self, now: Instant) -> Option<Duration> {
        let running = self
            .children
            .iter()
            .any(|c| c.kind == Kind::AutovacLauncher);
        crate::pmstate::launcher_wait(
            self.autovacuum_allowed(),
            running,
            self.launcher_started,
            now,
        )
    }

    fn maybe_start_launcher(&mut self) {
        let now = Instant::now();
        if self.launcher_wait(now) != Some(Duration::ZERO) {
            return;
        }
        let Some(slot) = pmchild::assign() else {
            // No child slot free: try again a second later instead of spinning.
            self.launcher_started = Some(now);
            return;
        };
        let dir = self.data_dir.clone();
        let conf = self.config_file.clone();
        self.launcher_started = Some(now);
        self.fork_child(Kind::AutovacLauncher, slot, move || {
            crate::autovacuum::launcher_main(slot, &dir, &conf)
        });
    }

    fn walwriter_wanted(&self) -> bool {
        self.pm.aux_may_run() && !self.children.iter().any(|c| c.kind == Kind::WalWriter)
    }

    /// The WAL writer runs from Run until the end of a shutdown (group commit; see
    /// `walwriter`); restarted when it exits cleanly, at most once a second. Without it
    /// committing processes sync by themselves, so a gap costs speed, not durability.
    fn maybe_start_walwriter(&mut self) {
        if !self.walwriter_wanted() {
            return;
        }
        let now = Instant::now();
        if self
            .walwriter_started
            .is_some_and(|t| t + crate::pmstate::LAUNCHER_RESTART_GAP > now)
        {
            return;
        }
        self.walwriter_started = Some(now);
        let Some(slot) = pmchild::assign() else {
            return;
        };
        let dir = self.data_dir.clone();
        let conf = self.config_file.clone();
        self.fork_child(Kind::WalWriter, slot, move || {
            crate::walwriter::walwriter_main(slot, &dir, &conf)
        });
    }

    /// The launcher queued databases: fork workers for them, up to autovacuum_max_workers.
    fn start_autovac_workers(&mut self) {
        if !self.autovacuum_allowed() {
            return;
        }
        let max = guc::builtin::AUTOVACUUM_MAX_WORKERS.get().max(0) as usize;
        let running = self
            .children
            .iter()
            .filter(|c| c.kind == Kind::AutovacWorker)
            .count();
        let wanted = crate::pmstate::autovac_workers_to_start(
            crate::autovacuum::pending_requests(),
            running,
            max,
        );
        for _ in 0..wanted {
            let Some(slot) = pmchild::assign() else {
                return;
            };
            let dir = self.data_dir.clone();
            self.fork_child(Kind::AutovacWorker, slot, move || {
                crate::autovacuum::worker_main(slot, &dir)
            });
        }
    }

    fn signal_children(&self, sig: i32, filter: impl Fn(Kind) -> bool) {
        for c in &self.children {
            if filter(c.kind) {
                // SAFETY: signalling our own child.
                unsafe { libc::kill(c.pid, sig) };
            }
        }
    }

    /// A child crashed: the state machine decides whether this starts a crash reset (logged
    /// at LOG) or is expected during one or during an immediate shutdown (logged at DEBUG).
    fn handle_crash(&mut self, desc: String) {
        if self.pm.fatal_error || self.pm.shutdown == Shutdown::Immediate {
            tracing::debug!("{desc}");
        }
        self.crash_desc = desc;
        self.dispatch(Event::Crash);
    }

    fn reaper(&mut self) {
        loop {
            let mut status = 0;
            // SAFETY: reaping any of our children without blocking.
            let pid = unsafe { libc::waitpid(-1, &mut status, libc::WNOHANG) };
            if pid <= 0 {
                break;
            }
            let exit = if libc::WIFEXITED(status) {
                ChildExit::Exited(libc::WEXITSTATUS(status))
            } else {
                ChildExit::Signaled(libc::WTERMSIG(status))
            };
            let Some(pos) = self.children.iter().position(|c| c.pid == pid) else {
                continue;
            };
            let child = self.children.swap_remove(pos);
            let clean = pmchild::release(child.slot);
            // Before the slot can go to another child.
            shmem::walindex::release_child(child.slot);
            let normal_status = matches!(exit, ChildExit::Exited(0) | ChildExit::Exited(1));
            match child.kind {
                Kind::Startup => {
                    let how = match exit {
                        ChildExit::Exited(0) if clean => StartupExit::Done,
                        ChildExit::Exited(1) if clean => StartupExit::Failed,
                        _ => StartupExit::Crashed,
                    };
                    if how == StartupExit::Failed
                        && !self.pm.fatal_error
                        && self.pm.shutdown == Shutdown::None
                    {
                        tracing::info!("{}", describe_exit("startup process", pid, exit));
                    }
                    self.crash_desc = describe_exit("startup process", pid, exit);
                    self.dispatch(Event::StartupExited(how));
                }
                Kind::Backend => {
                    if !(normal_status && clean) {
                        self.handle_crash(describe_exit("server process", pid, exit));
                    }
                }
                Kind::AutovacLauncher | Kind::AutovacWorker => {
                    let what = if child.kind == Kind::AutovacLauncher {
                        "autovacuum launcher process"
                    } else {
                        "autovacuum worker process"
                    };
                    if !(normal_status && clean) {
                        self.handle_crash(describe_exit(what, pid, exit));
                    } else if exit != ChildExit::Exited(0) {
                        tracing::info!("{}", describe_exit(what, pid, exit));
                    }
                }
                Kind::WalWriter => {
                    let desc = describe_exit("WAL writer process", pid, exit);
                    if !(normal_status && clean) {
                        self.handle_crash(desc);
                    } else if exit != ChildExit::Exited(0) {
                        tracing::info!("{desc}");
                    }
                }
                Kind::Worker(i) => {
                    let name = self.scheduler.states()[i].worker.name.clone();
                    let verdict = self.scheduler.exited(i, exit, clean, Instant::now());
                    bgworker::dynamic::postmaster_exited(&self.scheduler, i);
                    let desc = describe_exit(&format!("background worker \"{name}\""), pid, exit);
                    if verdict == ExitVerdict::Crash {
                        self.handle_crash(desc);
                    } else if exit != ChildExit::Exited(0) {
                        tracing::info!("{desc}");
                    } else {
                        tracing::debug!("{desc}");
                    }
                    bgworker::shmem_status::publish(&self.scheduler, Instant::now());
                }
            }
        }
    }

    fn reload(&mut self) {
        tracing::info!("received SIGHUP, reloading configuration files");
        for line in guc::reload(&self.config_file) {
            tracing::info!("{line}");
        }
        crate::elog::set_min_messages(&guc::builtin::LOG_MIN_MESSAGES.get());
        crate::hba::reload(&self.data_dir);
        crate::ssl::reload(&self.data_dir);
        // An idle backend was forked with the old settings and rules: replace it, and let
        // none serving a session now come back (closing its pair: it exits after the session).
        self.retire_idle(usize::MAX, Duration::ZERO);
        for c in &mut self.children {
            c.pair = None;
        }
        self.signal_children(libc::SIGHUP, |_| true);
    }

    /// Accepts pending connections, handing each to its backend right away (a pre-forked one,
    /// or one forked for it) and closing the postmaster's copy, so that no child ever inherits
    /// another client's socket.
    fn accept_connections(&mut self, readable: &[bool]) {
        for (i, &r) in readable.iter().enumerate() {
            if !r {
                continue;
            }
            for _ in 0..64 {
                let Some(c) = self.listeners.get(i).and_then(Listener::accept) else {
                    break;
                };
                self.start_backend(c);
            }
        }
    }

    /// Escalates to SIGKILL past the deadline, then lets the state machine advance the
    /// shutdown or the crash reset by what is still alive.
    fn post_state_change(&mut self) {
        if let Some(deadline) = self.kill_deadline
            && Instant::now() >= deadline
            && !self.children.is_empty()
        {
            // Every turn after the deadline: children forked meanwhile (a client that connected
            // during the reset) must not hold the reset up either.
            if !self.sigkill_sent {
                tracing::info!("issuing SIGKILL to recalcitrant children");
            }
            self.signal_children(libc::SIGKILL, |_| true);
            self.sigkill_sent = true;
        }
        let alive = Alive::count(self.children.iter().map(|c| c.kind.class()));
        self.dispatch(Event::ChildrenLeft {
            alive,
            restart_after_crash: guc::builtin::RESTART_AFTER_CRASH.get(),
        });
    }

    fn poll_timeout(&self) -> Duration {
        let now = Instant::now();
        let mut t = MAX_SLEEP;
        if let Some(d) = self.scheduler.sleep_time(self.pm.worker_phase(), now) {
            t = t.min(d);
        }
        if let Some(d) = self.launcher_wait(now) {
            t = t.min(d);
        }
        if let Some(d) = self.idle_expiry(now) {
            t = t.min(d);
        }
        if self.walwriter_wanted()
            && let Some(started) = self.walwriter_started
        {
            t = t.min(
                (started + crate::pmstate::LAUNCHER_RESTART_GAP).saturating_duration_since(now),
            );
        }
        if let Some(k) = self.kill_deadline {
            let until = k.saturating_duration_since(now);
            // After the deadline, look again soon while children remain.
            t = t.min(if self.sigkill_sent {
                until.max(Duration::from_millis(100))
            } else {
                until
            });
        }
        t
    }

    /// Runs until shutdown; returns the exit code.
    pub fn run(mut self) -> i32 {
        bgworker::shmem_status::publish(&self.scheduler, Instant::now());
        self.dispatch(Event::Start);
        let mut warmed = false;
        while self.pm.state != PmState::Exit {
            let timeout = self.poll_timeout();
            let accepting = self.pm.accepting();
            let mut fds = vec![libc::pollfd {
                fd: signals::pipe_fd(),
                events: libc::POLLIN,
                revents: 0,
            }];
            if accepting {
                for l in &self.listeners {
                    fds.push(libc::pollfd {
                        fd: l.fd(),
                        events: libc::POLLIN,
                        revents: 0,
                    });
                }
            }
            let listen_end = fds.len();
            let serving = self.serving_pairs();
            for &(_, fd) in &serving {
                fds.push(libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                });
            }
            let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
            // SAFETY: fds is a live vector of initialised pollfd entries.
            let rc = unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, ms) };
            if rc > 0 && fds[0].revents != 0 {
                signals::drain();
            }
            if signals::GOT_SIGCHLD.swap(false, Ordering::SeqCst) {
                self.reaper();
            }
            if signals::GOT_SIGUSR1.swap(false, Ordering::SeqCst) {
                if pmsignal::check_and_clear(PmSignalReason::StartupConsistent) {
                    self.dispatch(Event::StartupConsistent);
                }
                if pmsignal::check_and_clear(PmSignalReason::StartAutovacWorker) {
                    self.start_autovac_workers();
                }
                if pmsignal::check_and_clear(PmSignalReason::BackgroundWorkerChange) {
                    self.sync_dynamic_workers();
                }
            }
            if signals::GOT_SIGQUIT.swap(false, Ordering::SeqCst) {
                self.dispatch(Event::ShutdownRequested(Shutdown::Immediate));
            }
            if signals::GOT_SIGINT.swap(false, Ordering::SeqCst) {
                self.dispatch(Event::ShutdownRequested(Shutdown::Fast));
            }
            if signals::GOT_SIGTERM.swap(false, Ordering::SeqCst) {
                self.dispatch(Event::ShutdownRequested(Shutdown::Smart));
            }
            if signals::GOT_SIGHUP.swap(false, Ordering::SeqCst) {
                self.reload();
            }
            if rc > 0 && !serving.is_empty() {
                self.read_from_serving(&serving, &fds[listen_end..]);
            }
            if rc > 0 && accepting {
                let readable: Vec<bool> =
                    fds[1..listen_end].iter().map(|p| p.revents != 0).collect();
                self.accept_connections(&readable);
            }
            self.maybe_start_worker();
            self.maybe_start_launcher();
            self.maybe_start_walwriter();
            self.maintain_prefork();
            if crate::autovacuum::pending_requests() > 0 {
                // Also when the pmsignal came while no worker could be forked: a queued
                // request must not wait for the launcher's next new one.
                self.start_autovac_workers();
            }
            self.post_state_change();
            if !warmed {
                // After the first turn (the startup process and the workers that start with the
                // postmaster are forked): build the tables every backend would otherwise build
                // for itself (pure Rust data, no SQLite), while recovery runs, so that every
                // child forked from now on starts with them.
                warmed = true;
                let t = Instant::now();
                spi::warm();
                tracing::debug!("process-wide tables built in {:?}", t.elapsed());
            }
        }
        for l in &self.listeners {
            l.remove_files();
        }
        self.pid_file.remove();
        if self.pm.exit_code == 0 {
            tracing::info!("database system is shut down");
        }
        let _ = self._lock.as_raw_fd();
        self.pm.exit_code
    }
}
