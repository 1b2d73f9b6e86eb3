//! The postmaster-side rules for starting and restarting background workers, as a pure state
//! machine (no processes, no clock of its own: the postmaster passes `now`), so every rule of
//! DESIGN.md §Background workers is unit-tested directly.
//!
//! | event | effect |
//! |---|---|
//! | exit 0, slot clean | restart as soon as the phase allows, but not within 1 s of the last start |
//! | exit 1 | restart `restart_time` after the exit; never for `Never` |
//! | crash (with shared memory) | [`ExitVerdict::Crash`]: the postmaster resets the system |
//! | other exit, no shared memory | like exit 1 |
//! | after a crash reset | restartable workers start at once, `Never` ones are forgotten |
//!
//! Dynamic workers (PostgreSQL 9.4+) differ in one rule: exit 0 unregisters them (a dynamic
//! worker that is done is forgotten; its slot is freed). Exit 1 follows `restart_time`, so
//! `Never` is honoured. Entries are indexed by slot: the static workers first, then one entry
//! per dynamic slot, vacant until a registration fills it.
//!
//! Start times: `PostmasterStart` in any phase that starts workers, `ConsistentState` once the
//! startup process reported consistency, `RecoveryFinished` at Run. Nothing starts while the
//! server shuts down or resets ([`PmPhase::NoStart`]).

use std::time::{Duration, Instant};

use crate::registry::{BackgroundWorker, BgWorkerStartTime, RestartPolicy};

/// The minimum time between two starts of a worker that exits 0 (the fork-loop guard).
pub const MIN_RESTART_GAP: Duration = Duration::from_secs(1);

/// The postmaster's phase, as far as workers care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PmPhase {
    /// Started, startup process running, not yet consistent.
    Starting,
    /// The startup process reported a consistent state.
    Consistent,
    /// Accepting connections.
    Run,
    /// Shutting down or resetting after a crash: no worker starts.
    NoStart,
}

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildExit {
    /// `exit(code)`.
    Exited(i32),
    /// Killed by this signal.
    Signaled(i32),
}

/// What the postmaster must do about an exit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitVerdict {
    /// Nothing more than what the scheduler recorded.
    Normal,
    /// A crash of a process with shared-memory access: reset the whole system.
    Crash,
}

/// One worker's scheduling state.
#[derive(Debug, Clone)]
pub struct WorkerState {
    /// The registration.
    pub worker: BackgroundWorker,
    /// The running process, if any.
    pub pid: Option<i32>,
    /// The postmaster's child slot of the running process.
    pub child_slot: usize,
    /// When it last started.
    pub last_start: Option<Instant>,
    /// Not to be started before this instant (None: as soon as the phase allows).
    pub not_before: Option<Instant>,
    /// Will never be started again.
    pub forgotten: bool,
    /// How many times it was started.
    pub start_count: u32,
    /// How it last ended.
    pub last_exit: Option<ChildExit>,
    /// When it last ended.
    pub last_exit_at: Option<Instant>,
    /// The last exit was a crash (or it was killed by a crash reset).
    pub crashed: bool,
    /// Crash resets it went through since it was registered.
    pub resets: u32,
    /// A dynamic worker's slot generation; None for a static worker.
    pub dynamic: Option<u64>,
    /// A dynamic slot that holds no worker.
    pub vacant: bool,
    /// A termination request was acted on (SIGTERM sent): unregister at exit.
    pub terminating: bool,
}

impl WorkerState {
    fn new(worker: BackgroundWorker) -> WorkerState {
        WorkerState {
            worker,
            pid: None,
            child_slot: 0,
            last_start: None,
            not_before: None,
            forgotten: false,
            start_count: 0,
            last_exit: None,
            last_exit_at: None,
            crashed: false,
            resets: 0,
            dynamic: None,
            vacant: false,
            terminating: false,
        }
    }

    /// Registered dynamically.
    pub fn is_dynamic(&self) -> bool {
        self.dynamic.is_some() && !self.vacant
    }

    /// The slot generation of a dynamic worker.
    pub fn dynamic_generation(&self) -> Option<u64> {
        if self.vacant { None } else { self.dynamic }
    }
}

/// All workers' scheduling state.
#[derive(Debug, Clone, Default)]
pub struct Scheduler {
    states: Vec<WorkerState>,
}

fn vacant_main(_: &crate::runtime::Worker) -> Result<(), crate::runtime::WorkerError> {
    Ok(())
}

fn phase_allows(t: BgWorkerStartTime, phase: PmPhase) -> bool {
    match (t, phase) {
        (_, PmPhase::NoStart) => false,
        (BgWorkerStartTime::PostmasterStart, _) => true,
        (BgWorkerStartTime::ConsistentState, PmPhase::Consistent | PmPhase::Run) => true,
        (BgWorkerStartTime::RecoveryFinished, PmPhase::Run) => true,
        _ => false,
    }
}

impl Scheduler {
    /// Every registered worker, none started yet, then vacant dynamic slots up to `total`
    /// entries (`max_worker_processes`).
    pub fn new(workers: Vec<BackgroundWorker>, total: usize) -> Self {
        let mut states: Vec<WorkerState> = workers.into_iter().map(WorkerState::new).collect();
        while states.len() < total {
            let mut v = WorkerState::new(BackgroundWorker {
                name: String::new(),
                flags: Default::default(),
                start_time: BgWorkerStartTime::RecoveryFinished,
                restart_time: RestartPolicy::Never,
                main: vacant_main,
                main_arg: 0,
                on_sighup: None,
                on_sigterm: None,
                library: String::new(),
                function: String::new(),
            });
            v.vacant = true;
            v.dynamic = Some(0);
            states.push(v);
        }
        Scheduler { states }
    }

    /// Whether entry `i` holds the dynamic worker registered with `generation`.
    pub fn holds_dynamic(&self, i: usize, generation: u64) -> bool {
        self.states
            .get(i)
            .is_some_and(|s| s.dynamic_generation() == Some(generation))
    }

    /// A dynamic registration filled slot `i`: the entry starts afresh with it. An entry
    /// whose process still runs is not replaced (the postmaster frees a slot only after
    /// the exit, so only a corrupt slot asks for this).
    pub fn add_dynamic(
        &mut self,
        i: usize,
        generation: u64,
        worker: BackgroundWorker,
        _now: Instant,
    ) {
        let Some(s) = self.states.get_mut(i) else {
            return;
        };
        if s.pid.is_some() {
            return;
        }
        let mut fresh = WorkerState::new(worker);
        fresh.dynamic = Some(generation);
        *s = fresh;
    }

    /// A termination request for dynamic entry `i`: the pid to SIGTERM (once), else None.
    /// A worker that is not running is forgotten at once.
    pub fn terminate_dynamic(&mut self, i: usize) -> Option<i32> {
        let s = self.states.get_mut(i)?;
        if !s.is_dynamic() || s.forgotten {
            return None;
        }
        match s.pid {
            Some(pid) if !s.terminating => {
                s.terminating = true;
                Some(pid)
            }
            Some(_) => None,
            None => {
                s.forgotten = true;
                s.not_before = None;
                None
            }
        }
    }

    /// All workers.
    pub fn states(&self) -> &[WorkerState] {
        &self.states
    }

    fn startable(&self, i: usize, phase: PmPhase, now: Instant) -> bool {
        let s = &self.states[i];
        s.pid.is_none()
            && !s.vacant
            && !s.forgotten
            && phase_allows(s.worker.start_time, phase)
            && s.not_before.is_none_or(|t| t <= now)
    }

    /// The next worker to start now (the postmaster starts one per loop turn).
    pub fn next_to_start(&self, phase: PmPhase, now: Instant) -> Option<usize> {
        (0..self.states.len()).find(|&i| self.startable(i, phase, now))
    }

    /// How long the server loop may sleep as far as workers are concerned: zero when one can
    /// start now, until the earliest pending restart, or None when nothing is pending.
    pub fn sleep_time(&self, phase: PmPhase, now: Instant) -> Option<Duration> {
        let mut best: Option<Duration> = None;
        for s in &self.states {
            if s.pid.is_some()
                || s.vacant
                || s.forgotten
                || !phase_allows(s.worker.start_time, phase)
            {
                continue;
            }
            let d = s
                .not_before
                .map_or(Duration::ZERO, |t| t.saturating_duration_since(now));
            best = Some(best.map_or(d, |b| b.min(d)));
        }
        best
    }

    /// The worker was forked.
    pub fn started(&mut self, i: usize, pid: i32, child_slot: usize, now: Instant) {
        let s = &mut self.states[i];
        s.pid = Some(pid);
        s.child_slot = child_slot;
        s.last_start = Some(now);
        s.not_before = None;
        s.start_count += 1;
    }

    /// The fork failed: try again after the restart interval (or a second for `Never`).
    pub fn fork_failed(&mut self, i: usize, now: Instant) {
        let s = &mut self.states[i];
        let wait = match s.worker.restart_time {
            RestartPolicy::After(d) => d.max(MIN_RESTART_GAP),
            RestartPolicy::Never => MIN_RESTART_GAP,
        };
        s.not_before = Some(now + wait);
    }

    /// The worker with this pid, if any.
    pub fn find_pid(&self, pid: i32) -> Option<usize> {
        self.states.iter().position(|s| s.pid == Some(pid))
    }

    /// A worker exited; `slot_clean` is what the child slot said (false: it died while ACTIVE).
    pub fn exited(
        &mut self,
        i: usize,
        exit: ChildExit,
        slot_clean: bool,
        now: Instant,
    ) -> ExitVerdict {
        let s = &mut self.states[i];
        s.pid = None;
        s.child_slot = 0;
        s.last_exit = Some(exit);
        s.last_exit_at = Some(now);
        let shmem = s.worker.flags.shmem_access;
        let clean_status = matches!(exit, ChildExit::Exited(0) | ChildExit::Exited(1));
        s.crashed = !(clean_status && slot_clean);
        if shmem && (!clean_status || !slot_clean) {
            return ExitVerdict::Crash;
        }
        if s.is_dynamic() && (s.terminating || (exit == ChildExit::Exited(0) && slot_clean)) {
            // 9.4+: a dynamic worker that is done (or was terminated) is unregistered.
            s.forgotten = true;
            s.not_before = None;
            return ExitVerdict::Normal;
        }
        if exit == ChildExit::Exited(0) && slot_clean {
            let earliest = s.last_start.map(|t| t + MIN_RESTART_GAP);
            s.not_before = earliest.filter(|&t| t > now);
            return ExitVerdict::Normal;
        }
        match s.worker.restart_time {
            RestartPolicy::Never => s.forgotten = true,
            RestartPolicy::After(d) => s.not_before = Some(now + d),
        }
        ExitVerdict::Normal
    }

    /// After a crash reset: restartable workers start at once, `Never` ones are forgotten.
    pub fn after_crash_reset(&mut self) {
        for s in &mut self.states {
            if s.vacant {
                continue;
            }
            if s.pid.is_some() {
                // Killed by the reset's SIGQUIT: a crash as far as its history goes.
                s.crashed = true;
            }
            if !s.forgotten {
                s.resets += 1;
            }
            s.pid = None;
            s.child_slot = 0;
            s.not_before = None;
            if s.worker.restart_time == RestartPolicy::Never || (s.is_dynamic() && s.terminating) {
                s.forgotten = true;
            }
            s.terminating = false;
        }
    }

    /// Running workers: (index, pid).
    pub fn running(&self) -> impl Iterator<Item = (usize, i32)> + '_ {
        self.states
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.pid.map(|p| (i, p)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::BackgroundWorkerBuilder;
    use crate::runtime::{Worker, WorkerError};

    fn sched(v: Vec<BackgroundWorker>) -> Scheduler {
        Scheduler::new(v, 0)
    }

    /// Workers "never" (no restart, pid 5) and "two" (restart after 2 s, pid 6), both started
    /// at the returned instant.
    fn never_and_two_running() -> (Scheduler, Instant) {
        let mut s = sched(vec![
            w("never", BgWorkerStartTime::RecoveryFinished, None),
            w("two", BgWorkerStartTime::RecoveryFinished, Some(2)),
        ]);
        let t0 = Instant::now();
        s.started(0, 5, 1, t0);
        s.started(1, 6, 2, t0);
        (s, t0)
    }

    fn main_fn(_: &Worker) -> Result<(), WorkerError> {
        Ok(())
    }

    fn w(name: &str, t: BgWorkerStartTime, restart: Option<u64>) -> BackgroundWorker {
        let b = BackgroundWorkerBuilder::new(name)
            .shmem_access()
            .start_time(t)
            .main(main_fn);
        let b = match restart {
            Some(s) => b.restart_after(Duration::from_secs(s)),
            None => b.never_restart(),
        };
        b.build().expect("valid")
    }

    #[test]
    fn start_times_follow_the_phase() {
        let s = sched(vec![
            w("pm", BgWorkerStartTime::PostmasterStart, None),
            w("cons", BgWorkerStartTime::ConsistentState, None),
            w("run", BgWorkerStartTime::RecoveryFinished, None),
        ]);
        let now = Instant::now();
        assert_eq!(s.next_to_start(PmPhase::Starting, now), Some(0));
        assert_eq!(s.next_to_start(PmPhase::NoStart, now), None);
        let mut s2 = s.clone();
        s2.started(0, 10, 1, now);
        assert_eq!(s2.next_to_start(PmPhase::Starting, now), None);
        assert_eq!(s2.next_to_start(PmPhase::Consistent, now), Some(1));
        s2.started(1, 11, 2, now);
        assert_eq!(s2.next_to_start(PmPhase::Consistent, now), None);
        assert_eq!(s2.next_to_start(PmPhase::Run, now), Some(2));
        assert_eq!(s2.sleep_time(PmPhase::Run, now), Some(Duration::ZERO));
    }

    #[test]
    fn exit_zero_restarts_at_once_but_not_within_a_second() {
        let mut s = sched(vec![w("a", BgWorkerStartTime::RecoveryFinished, None)]);
        let t0 = Instant::now();
        s.started(0, 5, 1, t0);
        let t1 = t0 + Duration::from_millis(10);
        assert_eq!(
            s.exited(0, ChildExit::Exited(0), true, t1),
            ExitVerdict::Normal
        );
        assert_eq!(s.next_to_start(PmPhase::Run, t1), None, "fork-loop guard");
        assert_eq!(
            s.sleep_time(PmPhase::Run, t1),
            Some(Duration::from_millis(990))
        );
        assert_eq!(
            s.next_to_start(PmPhase::Run, t0 + Duration::from_secs(1)),
            Some(0)
        );
        // A worker that ran long enough restarts at once, even with Never.
        s.started(0, 6, 1, t0 + Duration::from_secs(1));
        let t2 = t0 + Duration::from_secs(10);
        s.exited(0, ChildExit::Exited(0), true, t2);
        assert_eq!(s.next_to_start(PmPhase::Run, t2), Some(0));
    }

    #[test]
    fn exit_one_waits_restart_time_or_forgets() {
        let (mut s, t0) = never_and_two_running();
        assert_eq!(s.find_pid(6), Some(1));
        assert_eq!(
            s.exited(0, ChildExit::Exited(1), true, t0),
            ExitVerdict::Normal
        );
        assert_eq!(
            s.exited(1, ChildExit::Exited(1), true, t0),
            ExitVerdict::Normal
        );
        assert!(s.states()[0].forgotten);
        assert_eq!(
            s.next_to_start(PmPhase::Run, t0 + Duration::from_millis(1999)),
            None
        );
        assert_eq!(s.sleep_time(PmPhase::Run, t0), Some(Duration::from_secs(2)));
        assert_eq!(
            s.next_to_start(PmPhase::Run, t0 + Duration::from_secs(2)),
            Some(1)
        );
    }

    #[test]
    fn crashes_and_the_reset() {
        let (mut s, t0) = never_and_two_running();
        assert_eq!(
            s.exited(1, ChildExit::Signaled(9), true, t0),
            ExitVerdict::Crash
        );
        assert_eq!(
            s.exited(0, ChildExit::Exited(0), false, t0),
            ExitVerdict::Crash,
            "exit while ACTIVE"
        );
        s.after_crash_reset();
        assert_eq!(
            s.next_to_start(PmPhase::Run, t0),
            Some(1),
            "restartable: at once"
        );
        assert!(
            s.states()[0].forgotten,
            "Never workers are forgotten after a reset"
        );
        let mut s2 = sched(vec![w("x", BgWorkerStartTime::RecoveryFinished, Some(2))]);
        s2.started(0, 7, 1, t0);
        assert_eq!(
            s2.exited(0, ChildExit::Exited(3), true, t0),
            ExitVerdict::Crash
        );
    }

    #[test]
    fn without_shared_memory_nothing_is_a_crash() {
        let nosh = BackgroundWorkerBuilder::new("nosh")
            .restart_after(Duration::from_secs(3))
            .main(main_fn)
            .build()
            .expect("valid");
        let mut s = sched(vec![nosh]);
        let t0 = Instant::now();
        s.started(0, 5, 0, t0);
        assert_eq!(
            s.exited(0, ChildExit::Signaled(9), true, t0),
            ExitVerdict::Normal
        );
        assert_eq!(s.states()[0].not_before, Some(t0 + Duration::from_secs(3)));
    }

    fn dynamic(name: &str, restart: Option<u64>) -> BackgroundWorker {
        let mut w = w(name, BgWorkerStartTime::RecoveryFinished, restart);
        w.library = "lib".into();
        w.function = "f".into();
        w
    }

    #[test]
    fn dynamic_slots_follow_9_4_rules() {
        let mut s = Scheduler::new(
            vec![w("static", BgWorkerStartTime::RecoveryFinished, None)],
            3,
        );
        let t0 = Instant::now();
        assert_eq!(s.states().len(), 3);
        s.started(0, 5, 1, t0);
        assert_eq!(
            s.next_to_start(PmPhase::Run, t0),
            None,
            "vacant slots never start"
        );
        s.add_dynamic(1, 7, dynamic("d", None), t0);
        assert!(s.holds_dynamic(1, 7) && !s.holds_dynamic(1, 8));
        assert_eq!(s.next_to_start(PmPhase::Run, t0), Some(1));
        s.started(1, 6, 2, t0);
        // Exit 0 unregisters a dynamic worker, where a static one restarts.
        assert_eq!(
            s.exited(1, ChildExit::Exited(0), true, t0),
            ExitVerdict::Normal
        );
        assert!(s.states()[1].forgotten);
        assert_eq!(
            s.next_to_start(PmPhase::Run, t0 + Duration::from_secs(5)),
            None
        );
        // Exit 1 with a restart interval restarts; a termination request unregisters.
        s.add_dynamic(2, 1, dynamic("r", Some(1)), t0);
        s.started(2, 8, 3, t0);
        s.exited(2, ChildExit::Exited(1), true, t0);
        assert!(!s.states()[2].forgotten);
        assert_eq!(
            s.next_to_start(PmPhase::Run, t0 + Duration::from_secs(1)),
            Some(2)
        );
        s.started(2, 9, 3, t0 + Duration::from_secs(1));
        assert_eq!(s.terminate_dynamic(2), Some(9));
        assert_eq!(s.terminate_dynamic(2), None, "SIGTERM once");
        s.exited(2, ChildExit::Exited(1), true, t0 + Duration::from_secs(2));
        assert!(
            s.states()[2].forgotten,
            "terminated: unregistered whatever the exit"
        );
        // A crash resets; Never dynamic workers are then forgotten, others restart.
        s.add_dynamic(1, 8, dynamic("n", None), t0);
        s.add_dynamic(2, 2, dynamic("a", Some(5)), t0);
        s.started(1, 10, 2, t0);
        s.started(2, 11, 3, t0);
        assert_eq!(
            s.exited(1, ChildExit::Signaled(9), true, t0),
            ExitVerdict::Crash
        );
        s.exited(2, ChildExit::Exited(2), false, t0);
        s.after_crash_reset();
        assert!(s.states()[1].forgotten && s.states()[1].crashed);
        assert_eq!(s.states()[2].resets, 1);
        assert!(s.next_to_start(PmPhase::Run, t0).is_some());
    }
}
