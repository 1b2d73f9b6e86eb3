//! The postmaster's state machine, PostgreSQL's `PmState` sequence as a pure transition
//! function: no processes, no clock, no I/O. The server loop (`server.rs`) feeds it events —
//! what it reaped, what a child signalled, which shutdown was asked for, and once a turn
//! which kinds of children are still alive — and carries out the [`Action`]s it returns.
//! Every transition is unit-tested below, the way `bgworker/src/schedule.rs` tests the
//! worker rules.
//!
//! ```text
//! Init ─Start─▶ Startup ─StartupConsistent─▶ Recovery ─StartupExited(Done)─▶ Run
//!   (Startup and Recovery also go to Run on StartupExited(Done))
//! Startup | Recovery | Run ─ShutdownRequested / Crash─▶ WaitBackends
//! WaitBackends ─no child but auxiliary ones─▶ Shutdown (auxiliary children get SIGTERM)
//! WaitBackends | Shutdown ─no child at all─▶ NoChildren
//! NoChildren ─shutdown asked─▶ Exit
//! NoChildren ─crash, restart_after_crash─▶ (reinitialize) Startup, in recovery
//! ```
//!
//! Alongside the state, as in PostgreSQL: the shutdown mode asked for (`Shutdown`, only ever
//! raised: smart < fast < immediate), `fatal_error` (a crash reset is under way: every child
//! got SIGQUIT and nothing new starts), and `after_crash` (the startup process running is a
//! crash recovery, which clients are told). The SIGKILL deadline for children that ignore
//! SIGQUIT is a timer, kept by the server loop ([`Action::StartKillTimer`]).
//!
//! Children are grouped by what the shutdown sequence does with them ([`ChildClass`]):
//! client backends go first (a smart shutdown waits for them), then every other
//! non-auxiliary child, then the auxiliary processes that must outlive them (a WAL writer, a
//! checkpointer): a new auxiliary kind only needs to map to [`ChildClass::Aux`] in the server
//! loop and to start when [`Pm::aux_may_run`] allows it.
//!
//! The autovacuum launch policy is here too, pure: [`Pm::autovacuum_allowed`],
//! [`launcher_wait`] and [`autovac_workers_to_start`].

use std::time::{Duration, Instant};

use bgworker::schedule::PmPhase;

/// PostgreSQL's `PmState`, minus the standby states minipg does not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PmState {
    /// Before the first startup process.
    Init,
    /// The startup process runs; not yet consistent.
    Startup,
    /// The startup process reported a consistent state (PostgreSQL's PM_RECOVERY with
    /// consistency reached); `ConsistentState` workers may start.
    Recovery,
    /// Normal running: clients, workers, autovacuum.
    Run,
    /// Shutting down or resetting: waiting for every non-auxiliary child to exit.
    WaitBackends,
    /// Only auxiliary children remain; they were told to finish.
    Shutdown,
    /// No child is left: exit, or reinitialize after a crash.
    NoChildren,
    /// The server loop ends.
    Exit,
}

/// The shutdown mode asked for; only ever raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shutdown {
    /// No shutdown asked for.
    None,
    /// SIGTERM: wait for clients to leave.
    Smart,
    /// SIGINT: end every child.
    Fast,
    /// SIGQUIT: quick-die every child, SIGKILL what is left after a while.
    Immediate,
}

/// How the shutdown sequence treats a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildClass {
    /// A client backend.
    Backend,
    /// Any other non-auxiliary child: background workers, autovacuum, the startup process.
    Other,
    /// An auxiliary process that must outlive the others (e.g. a WAL writer).
    Aux,
}

/// Which children a signal goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    /// Every child.
    All,
    /// Every child that is neither a client backend nor auxiliary.
    Others,
    /// Every non-auxiliary child.
    NonAux,
    /// The auxiliary children.
    Aux,
}

impl Targets {
    /// Whether a child of `class` is among the targets.
    pub fn includes(self, class: ChildClass) -> bool {
        match self {
            Targets::All => true,
            Targets::Others => class == ChildClass::Other,
            Targets::NonAux => class != ChildClass::Aux,
            Targets::Aux => class == ChildClass::Aux,
        }
    }
}

/// `postmaster.pid`'s status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PidStatus {
    Starting,
    Ready,
    Stopping,
}

impl PidStatus {
    /// The word written to the file.
    pub fn as_str(self) -> &'static str {
        match self {
            PidStatus::Starting => "starting",
            PidStatus::Ready => "ready",
            PidStatus::Stopping => "stopping",
        }
    }
}

/// How the startup process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartupExit {
    /// Exit 0 with its slot released: recovery is complete.
    Done,
    /// Exit 1 with its slot released: a database cannot be opened; stop the server.
    Failed,
    /// Anything else: a crash.
    Crashed,
}

/// How many children of each class are alive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Alive {
    pub backends: usize,
    pub others: usize,
    pub aux: usize,
}

impl Alive {
    /// Counts the classes of `children`.
    pub fn count(children: impl IntoIterator<Item = ChildClass>) -> Alive {
        let mut a = Alive::default();
        for c in children {
            match c {
                ChildClass::Backend => a.backends += 1,
                ChildClass::Other => a.others += 1,
                ChildClass::Aux => a.aux += 1,
            }
        }
        a
    }
}

/// What the postmaster is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// The server loop begins.
    Start,
    /// The startup process raised the consistency pmsignal.
    StartupConsistent,
    /// The startup process was reaped.
    StartupExited(StartupExit),
    /// A child crashed (a signal death, an odd exit status, or an exit with its slot ACTIVE).
    Crash,
    /// SIGTERM, SIGINT or SIGQUIT (or a failed startup asking for a fast shutdown).
    ShutdownRequested(Shutdown),
    /// Once a turn, after reaping: which children are alive, and `restart_after_crash`.
    ChildrenLeft {
        alive: Alive,
        restart_after_crash: bool,
    },
}

/// What the server loop must do, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Fork the startup process.
    ForkStartup,
    /// Log this LOG line.
    Log(&'static str),
    /// Log the crash being handled and "terminating any other active server processes".
    ReportCrash,
    /// Write this status into `postmaster.pid`.
    SetStatus(PidStatus),
    /// Send a signal to some children.
    Signal(i32, Targets),
    /// SIGKILL what is left when the deadline passes.
    StartKillTimer,
    /// Re-initialize shared memory and the worker schedule after a crash (then ForkStartup).
    Reinitialize,
    /// Leave the server loop with this exit code.
    Exit(i32),
}

/// The line the postmaster logs when a crash reset has ended every child.
pub const REINITIALIZING: &str = "all server processes terminated; reinitializing";

/// The postmaster's state: `PmState` plus PostgreSQL's `Shutdown` and `FatalError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pm {
    pub state: PmState,
    pub shutdown: Shutdown,
    /// A crash reset is under way.
    pub fatal_error: bool,
    /// The startup process running (or about to) recovers from a crash.
    pub after_crash: bool,
    /// The exit code so far (raised, never lowered).
    pub exit_code: i32,
}

impl Default for Pm {
    fn default() -> Self {
        Pm::new()
    }
}

impl Pm {
    /// A postmaster before its first startup process.
    pub fn new() -> Pm {
        Pm {
            state: PmState::Init,
            shutdown: Shutdown::None,
            fatal_error: false,
            after_crash: false,
            exit_code: 0,
        }
    }

    /// The transition function: applies `ev` and returns what to do.
    pub fn handle(&mut self, ev: Event) -> Vec<Action> {
        match ev {
            Event::Start => {
                if self.state != PmState::Init {
                    return Vec::new();
                }
                self.state = PmState::Startup;
                vec![Action::ForkStartup]
            }
            Event::StartupConsistent => {
                if self.state == PmState::Startup && !self.fatal_error {
                    self.state = PmState::Recovery;
                }
                Vec::new()
            }
            Event::StartupExited(how) => self.startup_exited(how),
            Event::Crash => self.crash(),
            Event::ShutdownRequested(mode) => self.request_shutdown(mode),
            Event::ChildrenLeft {
                alive,
                restart_after_crash,
            } => self.children_left(alive, restart_after_crash),
        }
    }

    fn startup_exited(&mut self, how: StartupExit) -> Vec<Action> {
        if self.fatal_error || self.shutdown != Shutdown::None {
            // Expected: it was told to stop, or the reset already under way covers it.
            return Vec::new();
        }
        match how {
            StartupExit::Done => {
                self.state = PmState::Run;
                self.after_crash = false;
                vec![
                    Action::SetStatus(PidStatus::Ready),
                    Action::Log("database system is ready to accept connections"),
                ]
            }
            StartupExit::Failed => {
                self.exit_code = self.exit_code.max(1);
                let mut out = vec![Action::Log(
                    "aborting startup due to startup process failure",
                )];
                out.extend(self.request_shutdown(Shutdown::Fast));
                out
            }
            StartupExit::Crashed => self.crash(),
        }
    }

    /// PostgreSQL's HandleChildCrash: the first crash SIGQUITs every other child; later ones
    /// during the same reset, and every exit during an immediate shutdown (which sent the
    /// SIGQUIT itself), are expected and need nothing.
    fn crash(&mut self) -> Vec<Action> {
        if self.fatal_error || self.shutdown == Shutdown::Immediate {
            return Vec::new();
        }
        self.fatal_error = true;
        if self.state != PmState::Exit {
            self.state = PmState::WaitBackends;
        }
        vec![
            Action::ReportCrash,
            Action::Signal(libc::SIGQUIT, Targets::All),
            Action::StartKillTimer,
            Action::SetStatus(PidStatus::Starting),
        ]
    }

    fn request_shutdown(&mut self, mode: Shutdown) -> Vec<Action> {
        if mode <= self.shutdown {
            return Vec::new();
        }
        self.shutdown = mode;
        let mut out = vec![Action::SetStatus(PidStatus::Stopping)];
        match mode {
            Shutdown::Smart => {
                out.push(Action::Log("received smart shutdown request"));
                out.push(Action::Signal(libc::SIGTERM, Targets::Others));
            }
            Shutdown::Fast => {
                out.push(Action::Log("received fast shutdown request"));
                out.push(Action::Log("aborting any active transactions"));
                out.push(Action::Signal(libc::SIGTERM, Targets::NonAux));
            }
            Shutdown::Immediate => {
                out.push(Action::Log("received immediate shutdown request"));
                out.push(Action::Signal(libc::SIGQUIT, Targets::All));
                out.push(Action::StartKillTimer);
            }
            Shutdown::None => {}
        }
        if !matches!(self.state, PmState::Exit | PmState::Shutdown) {
            self.state = PmState::WaitBackends;
        }
        out
    }

    /// PostgreSQL's PostmasterStateMachine: advances the shutdown or the crash reset as
    /// children go.
    fn children_left(&mut self, alive: Alive, restart_after_crash: bool) -> Vec<Action> {
        let mut out = Vec::new();
        if self.state == PmState::WaitBackends {
            if self.shutdown == Shutdown::Smart && !self.fatal_error && alive.backends == 0 {
                // Clients are gone: end whatever else remains (told once already; a child
                // forked meanwhile must hear it too).
                out.push(Action::Signal(libc::SIGTERM, Targets::NonAux));
            }
            if alive.backends + alive.others == 0 {
                if alive.aux == 0 {
                    self.state = PmState::NoChildren;
                } else if !self.fatal_error && self.shutdown != Shutdown::Immediate {
                    self.state = PmState::Shutdown;
                    out.push(Action::Signal(libc::SIGTERM, Targets::Aux));
                }
            }
        }
        if self.state == PmState::Shutdown && alive == Alive::default() {
            self.state = PmState::NoChildren;
        }
        if self.state != PmState::NoChildren {
            return out;
        }
        if self.shutdown != Shutdown::None {
            if self.fatal_error {
                self.exit_code = self.exit_code.max(1);
            }
            self.state = PmState::Exit;
            out.push(Action::Exit(self.exit_code));
        } else if !restart_after_crash {
            out.push(Action::Log(
                "shutting down because \"restart_after_crash\" is off",
            ));
            self.exit_code = self.exit_code.max(1);
            self.state = PmState::Exit;
            out.push(Action::Exit(self.exit_code));
        } else {
            out.push(Action::Log(REINITIALIZING));
            out.push(Action::Reinitialize);
            self.fatal_error = false;
            self.after_crash = true;
            self.state = PmState::Startup;
            out.push(Action::ForkStartup);
        }
        out
    }

    /// Leave at once with at least `code` (a fork or a re-initialization failed).
    pub fn exit_now(&mut self, code: i32) -> i32 {
        self.exit_code = self.exit_code.max(code);
        self.state = PmState::Exit;
        self.exit_code
    }

    /// The phase the worker schedule sees.
    pub fn worker_phase(&self) -> PmPhase {
        if self.fatal_error || self.shutdown != Shutdown::None {
            return PmPhase::NoStart;
        }
        match self.state {
            PmState::Startup => PmPhase::Starting,
            PmState::Recovery => PmPhase::Consistent,
            PmState::Run => PmPhase::Run,
            _ => PmPhase::NoStart,
        }
    }

    /// Whether a new connection may become a session, or what it is told.
    pub fn can_accept(&self) -> wire::CanAccept {
        if self.shutdown != Shutdown::None {
            wire::CanAccept::Shutdown
        } else if self.fatal_error
            || (self.after_crash && matches!(self.state, PmState::Startup | PmState::Recovery))
        {
            wire::CanAccept::Recovery
        } else if self.state == PmState::Run {
            wire::CanAccept::Ok
        } else {
            wire::CanAccept::Startup
        }
    }

    /// Whether the listen sockets are polled (a smart shutdown still answers, with 57P03).
    pub fn accepting(&self) -> bool {
        self.shutdown <= Shutdown::Smart
    }

    /// Whether an auxiliary process that runs beside normal operation may start now.
    pub fn aux_may_run(&self) -> bool {
        self.state == PmState::Run && !self.fatal_error && self.shutdown == Shutdown::None
    }

    /// Whether autovacuum (launcher and workers) may start now, with `autovacuum` = `on`.
    pub fn autovacuum_allowed(&self, autovacuum_on: bool) -> bool {
        autovacuum_on && self.aux_may_run()
    }
}

/// The fork-loop guard of the autovacuum launcher: not within this long of its last start.
pub const LAUNCHER_RESTART_GAP: Duration = Duration::from_secs(1);

/// When the launcher should start, if it is allowed and not running: `Some(ZERO)` at once,
/// `Some(d)` after `d`, None when it must not start.
pub fn launcher_wait(
    allowed: bool,
    running: bool,
    last_start: Option<Instant>,
    now: Instant,
) -> Option<Duration> {
    if !allowed || running {
        return None;
    }
    Some(last_start.map_or(Duration::ZERO, |t| {
        (t + LAUNCHER_RESTART_GAP).saturating_duration_since(now)
    }))
}

/// How many autovacuum workers to fork for `pending` queued requests with `running` workers
/// and at most `max`: a worker forked but not yet running may be about to claim a queued
/// request, so running workers count against the queue and no request gets two workers.
pub fn autovac_workers_to_start(pending: usize, running: usize, max: usize) -> usize {
    pending
        .saturating_sub(running)
        .min(max.max(1).saturating_sub(running))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Alive = Alive {
        backends: 0,
        others: 0,
        aux: 0,
    };
    /// Only an auxiliary process (startup or the WAL writer) is left.
    const ONLY_AUX: Alive = Alive { aux: 1, ..NONE };

    fn left(pm: &mut Pm, alive: Alive) -> Vec<Action> {
        pm.handle(Event::ChildrenLeft {
            alive,
            restart_after_crash: true,
        })
    }

    fn running() -> Pm {
        let mut pm = Pm::new();
        pm.handle(Event::Start);
        pm.handle(Event::StartupExited(StartupExit::Done));
        pm
    }

    #[test]
    fn start_forks_the_startup_process_once() {
        let mut pm = Pm::new();
        assert_eq!(pm.worker_phase(), PmPhase::NoStart);
        assert_eq!(pm.handle(Event::Start), vec![Action::ForkStartup]);
        assert_eq!(pm.state, PmState::Startup);
        assert_eq!(pm.worker_phase(), PmPhase::Starting);
        assert_eq!(pm.can_accept(), wire::CanAccept::Startup);
        assert!(pm.handle(Event::Start).is_empty());
    }

    #[test]
    fn consistency_then_startup_done_reaches_run() {
        let mut pm = Pm::new();
        pm.handle(Event::Start);
        assert!(pm.handle(Event::StartupConsistent).is_empty());
        assert_eq!(pm.state, PmState::Recovery);
        assert_eq!(pm.worker_phase(), PmPhase::Consistent);
        assert_eq!(pm.can_accept(), wire::CanAccept::Startup);
        assert_eq!(
            pm.handle(Event::StartupExited(StartupExit::Done)),
            vec![
                Action::SetStatus(PidStatus::Ready),
                Action::Log("database system is ready to accept connections"),
            ]
        );
        assert_eq!(pm.state, PmState::Run);
        assert_eq!(pm.worker_phase(), PmPhase::Run);
        assert_eq!(pm.can_accept(), wire::CanAccept::Ok);
        assert!(pm.autovacuum_allowed(true));
        assert!(!pm.autovacuum_allowed(false));
        // Consistency reported late changes nothing.
        pm.handle(Event::StartupConsistent);
        assert_eq!(pm.state, PmState::Run);
    }

    #[test]
    fn a_failed_startup_stops_the_server_with_exit_code_1() {
        let mut pm = Pm::new();
        pm.handle(Event::Start);
        let out = pm.handle(Event::StartupExited(StartupExit::Failed));
        assert_eq!(
            out[0],
            Action::Log("aborting startup due to startup process failure")
        );
        assert!(out.contains(&Action::Signal(libc::SIGTERM, Targets::NonAux)));
        assert_eq!(
            (pm.state, pm.shutdown),
            (PmState::WaitBackends, Shutdown::Fast)
        );
        assert_eq!(left(&mut pm, NONE), vec![Action::Exit(1)]);
        assert_eq!(pm.state, PmState::Exit);
    }

    #[test]
    fn a_crash_sigquits_everyone_once_then_reinitializes_and_recovers() {
        let mut pm = running();
        assert_eq!(
            pm.handle(Event::Crash),
            vec![
                Action::ReportCrash,
                Action::Signal(libc::SIGQUIT, Targets::All),
                Action::StartKillTimer,
                Action::SetStatus(PidStatus::Starting),
            ]
        );
        assert_eq!(pm.state, PmState::WaitBackends);
        assert_eq!(pm.worker_phase(), PmPhase::NoStart);
        assert_eq!(pm.can_accept(), wire::CanAccept::Recovery);
        assert!(!pm.autovacuum_allowed(true));
        // Later exits of the same reset are expected.
        assert!(pm.handle(Event::Crash).is_empty());
        // Still children: wait.
        let some = Alive {
            backends: 1,
            others: 0,
            aux: 1,
        };
        assert!(left(&mut pm, some).is_empty());
        // Auxiliary children got SIGQUIT too: a reset waits for them, without a SIGTERM.
        assert!(left(&mut pm, ONLY_AUX).is_empty());
        assert_eq!(pm.state, PmState::WaitBackends);
        assert_eq!(
            left(&mut pm, NONE),
            vec![
                Action::Log(REINITIALIZING),
                Action::Reinitialize,
                Action::ForkStartup
            ]
        );
        assert_eq!(pm.state, PmState::Startup);
        assert!(!pm.fatal_error && pm.after_crash);
        assert_eq!(pm.can_accept(), wire::CanAccept::Recovery);
        pm.handle(Event::StartupConsistent);
        assert_eq!(pm.can_accept(), wire::CanAccept::Recovery);
        pm.handle(Event::StartupExited(StartupExit::Done));
        assert_eq!((pm.state, pm.after_crash), (PmState::Run, false));
    }

    #[test]
    fn a_crashed_startup_process_is_a_crash_and_restart_after_crash_off_exits() {
        let mut pm = Pm::new();
        pm.handle(Event::Start);
        let out = pm.handle(Event::StartupExited(StartupExit::Crashed));
        assert_eq!(out[0], Action::ReportCrash);
        let out = pm.handle(Event::ChildrenLeft {
            alive: NONE,
            restart_after_crash: false,
        });
        assert_eq!(
            out,
            vec![
                Action::Log("shutting down because \"restart_after_crash\" is off"),
                Action::Exit(1)
            ]
        );
    }

    #[test]
    fn startup_exits_during_a_reset_or_a_shutdown_are_expected() {
        let mut pm = Pm::new();
        pm.handle(Event::Start);
        pm.handle(Event::ShutdownRequested(Shutdown::Fast));
        assert!(
            pm.handle(Event::StartupExited(StartupExit::Crashed))
                .is_empty()
        );
        assert!(
            pm.handle(Event::StartupExited(StartupExit::Done))
                .is_empty()
        );
        assert_eq!(pm.state, PmState::WaitBackends);
    }

    #[test]
    fn smart_shutdown_waits_for_clients_then_ends_the_rest_then_the_aux_processes() {
        let mut pm = running();
        assert_eq!(
            pm.handle(Event::ShutdownRequested(Shutdown::Smart)),
            vec![
                Action::SetStatus(PidStatus::Stopping),
                Action::Log("received smart shutdown request"),
                Action::Signal(libc::SIGTERM, Targets::Others),
            ]
        );
        assert_eq!(pm.state, PmState::WaitBackends);
        assert!(pm.accepting());
        assert_eq!(pm.can_accept(), wire::CanAccept::Shutdown);
        let clients = Alive {
            backends: 2,
            others: 1,
            aux: 1,
        };
        assert!(left(&mut pm, clients).is_empty());
        let no_clients = Alive {
            backends: 0,
            others: 1,
            aux: 1,
        };
        assert_eq!(
            left(&mut pm, no_clients),
            vec![Action::Signal(libc::SIGTERM, Targets::NonAux)]
        );
        let out = left(&mut pm, ONLY_AUX);
        assert_eq!(
            out.last(),
            Some(&Action::Signal(libc::SIGTERM, Targets::Aux))
        );
        assert_eq!(pm.state, PmState::Shutdown);
        assert!(left(&mut pm, ONLY_AUX).is_empty());
        assert_eq!(left(&mut pm, NONE), vec![Action::Exit(0)]);
        assert_eq!(pm.state, PmState::Exit);
    }

    #[test]
    fn fast_then_immediate_escalates_and_a_lower_mode_is_ignored() {
        let mut pm = running();
        let out = pm.handle(Event::ShutdownRequested(Shutdown::Fast));
        assert!(out.contains(&Action::Log("aborting any active transactions")));
        assert!(out.contains(&Action::Signal(libc::SIGTERM, Targets::NonAux)));
        assert!(
            pm.handle(Event::ShutdownRequested(Shutdown::Smart))
                .is_empty()
        );
        // From a fast shutdown on, the listen sockets are not polled.
        assert!(!pm.accepting());
        let out = pm.handle(Event::ShutdownRequested(Shutdown::Immediate));
        assert!(out.contains(&Action::Signal(libc::SIGQUIT, Targets::All)));
        assert!(out.contains(&Action::StartKillTimer));
        // Exits during an immediate shutdown are not crashes.
        assert!(pm.handle(Event::Crash).is_empty());
        // Immediate: aux got SIGQUIT already; no SIGTERM, just wait.
        assert!(left(&mut pm, ONLY_AUX).is_empty());
        assert_eq!(left(&mut pm, NONE), vec![Action::Exit(0)]);
    }

    #[test]
    fn a_shutdown_during_a_crash_reset_exits_1_instead_of_restarting() {
        let mut pm = running();
        pm.handle(Event::Crash);
        pm.handle(Event::ShutdownRequested(Shutdown::Fast));
        assert_eq!(left(&mut pm, NONE), vec![Action::Exit(1)]);
    }

    #[test]
    fn exit_now_keeps_the_highest_code() {
        let mut pm = running();
        pm.exit_code = 2;
        assert_eq!(pm.exit_now(1), 2);
        assert_eq!(pm.state, PmState::Exit);
    }

    #[test]
    fn targets_select_by_class() {
        use ChildClass::*;
        assert!(Targets::All.includes(Aux));
        assert!(Targets::Others.includes(Other));
        assert!(!Targets::Others.includes(Backend));
        assert!(!Targets::NonAux.includes(Aux) && Targets::NonAux.includes(Backend));
        assert!(Targets::Aux.includes(Aux) && !Targets::Aux.includes(Other));
        assert_eq!(
            Alive::count([Backend, Other, Backend, Aux]),
            Alive {
                backends: 2,
                others: 1,
                aux: 1
            }
        );
    }

    #[test]
    fn the_launcher_starts_at_once_then_not_within_a_second_of_its_last_start() {
        let now = Instant::now();
        assert_eq!(launcher_wait(true, false, None, now), Some(Duration::ZERO));
        assert_eq!(launcher_wait(false, false, None, now), None);
        assert_eq!(launcher_wait(true, true, None, now), None);
        assert_eq!(
            launcher_wait(true, false, Some(now), now),
            Some(LAUNCHER_RESTART_GAP)
        );
        assert_eq!(
            launcher_wait(true, false, Some(now), now + Duration::from_secs(2)),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn autovacuum_workers_cover_the_queue_up_to_the_maximum() {
        assert_eq!(autovac_workers_to_start(0, 0, 3), 0);
        assert_eq!(autovac_workers_to_start(2, 0, 3), 2);
        assert_eq!(autovac_workers_to_start(5, 0, 3), 3);
        // A running worker may be about to take a queued request.
        assert_eq!(autovac_workers_to_start(2, 1, 3), 1);
        assert_eq!(autovac_workers_to_start(5, 3, 3), 0);
        // At least one worker even when the setting says 0.
        assert_eq!(autovac_workers_to_start(1, 0, 0), 1);
    }
}
