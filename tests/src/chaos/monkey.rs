//! The chaos monkey: which of the server's children may be signalled (by process title), which
//! signal to send, whether it is expected to cause a crash reset, the sending itself with a
//! last check that the pid still belongs to the server's process group, and the loop.
//!
//! The loop sends a random signal to a random child every 100–600 ms. After a signal that may
//! crash the server, one time in three the next one follows within 10–100 ms (a server just
//! back up), and one time in four the monkey hunts the startup process of the coming recovery
//! for up to 300 ms and signals it (it lives only milliseconds, so random picks rarely see it).
//! Every signal that may crash the server is reported to the recovery measurer.
//!
//! The postmaster is never a random target (it is the process-group leader and is excluded by
//! pid; its title `postmaster -D …` matches no target pattern either). When the run asks for
//! it, the monkey SIGKILLs it on purpose one turn in [`POSTMASTER_KILL_ODDS`] (and at least once, past half-time), then starts a
//! new one on the same data directory — retrying while the old children still hold the data
//! directory's lock — and waits until it is ready; the time from the kill to ready is recorded.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use super::recovery::{Event, LogTail, REINITIALIZING};
use super::rng::XorShift;
use crate::harness::Server;

/// A kind of child the monkey may signal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    /// `postmaster: bgworker: NAME`.
    Worker(String),
    /// `postmaster: postgres postgres …`, a client backend.
    Backend,
    /// `postmaster: startup`.
    Startup,
    /// An autovacuum launcher or worker (none runs yet; matched if one ever does).
    Autovacuum,
    /// `postmaster: walwriter`: killing it while clients wait for their commits' sync must
    /// lose no acknowledged commit.
    WalWriter,
}

impl Target {
    /// The target a process title names, if it is one the monkey may signal.
    pub fn of_title(title: &str) -> Option<Target> {
        let rest = title.strip_prefix("postmaster: ")?;
        if let Some(name) = rest.strip_prefix("bgworker: ") {
            return Some(Target::Worker(name.trim().to_owned()));
        }
        if rest.starts_with("startup") {
            return Some(Target::Startup);
        }
        if rest.starts_with("autovacuum") {
            return Some(Target::Autovacuum);
        }
        if rest.starts_with("walwriter") {
            return Some(Target::WalWriter);
        }
        if rest.starts_with("postgres postgres ") {
            return Some(Target::Backend);
        }
        None
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Worker(name) => write!(f, "bgworker {name}"),
            Target::Backend => f.write_str("backend"),
            Target::Startup => f.write_str("startup"),
            Target::Autovacuum => f.write_str("autovacuum"),
            Target::WalWriter => f.write_str("walwriter"),
        }
    }
}

/// The signals the monkey sends, with their weights out of 100: crashes are frequent enough
/// to count many, rare enough that clients get work done between them.
pub const SIGNALS: [(Signal, u64); 4] = [
    (Signal::SIGKILL, 25),
    (Signal::SIGQUIT, 15),
    (Signal::SIGTERM, 30),
    (Signal::SIGHUP, 30),
];

/// A weighted random signal.
pub fn pick_signal(rng: &mut XorShift) -> Signal {
    let total: u64 = SIGNALS.iter().map(|(_, w)| w).sum();
    let mut x = rng.range(0, total - 1);
    for (sig, w) in SIGNALS {
        if x < w {
            return sig;
        }
        x -= w;
    }
    Signal::SIGHUP
}

/// Whether `sig` to `target` may start a crash reset: SIGKILL and SIGQUIT always do (the child
/// dies with its slot ACTIVE); anything that kills the startup process may too.
pub fn may_crash(target: &Target, sig: Signal) -> bool {
    matches!(sig, Signal::SIGKILL | Signal::SIGQUIT) || *target == Target::Startup
}

/// Whether `pid` is a live (not zombie) member of process group `pgrp`.
pub fn in_process_group(pid: i32, pgrp: i32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return false;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    fields.first() != Some(&"Z") && fields.get(2).and_then(|g| g.parse::<i32>().ok()) == Some(pgrp)
}

/// Sends `sig` to `pid` if it is still a child of the server (group `pgrp`) and not the
/// postmaster itself; returns whether it was sent.
pub fn send(pid: i32, pgrp: i32, sig: Signal) -> bool {
    pid != pgrp && pid > 0 && in_process_group(pid, pgrp) && kill(Pid::from_raw(pid), sig).is_ok()
}

/// The monkey's state across its turns.
pub struct Monkey {
    rng: XorShift,
    pgrp: i32,
    resets: LogTail,
    events: Sender<Event>,
    /// Signals sent so far, by `"SIGNAME target"`.
    pub signals: BTreeMap<String, u64>,
    /// Whether the postmaster itself may be killed (and restarted).
    kill_postmaster: bool,
    /// One duration per postmaster kill: from the SIGKILL until the new postmaster is ready.
    pub restarts: Vec<Duration>,
}

/// One turn in this many kills the postmaster (when the run asks for postmaster kills).
pub const POSTMASTER_KILL_ODDS: u64 = 40;

/// How long a new postmaster may take to be ready after the old one was killed.
const RESTART_LIMIT: Duration = Duration::from_secs(30);

/// The line that says a postmaster is ready.
const READY: &str = "database system is ready to accept connections";

/// How long the monkey looks for the startup process after a crash-causing signal.
const STARTUP_HUNT: Duration = Duration::from_millis(300);

impl Monkey {
    /// A monkey for `server`, seeded with `seed`, reporting to the measurer through `events`.
    pub fn new(seed: u64, server: &Server, events: Sender<Event>, kill_postmaster: bool) -> Monkey {
        Monkey {
            rng: XorShift::new(seed),
            pgrp: server.pid(),
            resets: LogTail::new(server.log_path(), &[REINITIALIZING]),
            events,
            signals: BTreeMap::new(),
            kill_postmaster,
            restarts: Vec::new(),
        }
    }

    /// SIGKILLs the postmaster, reaps it, and starts a new one on the same data directory
    /// until one is ready (a new postmaster exits while the old children hold the lock).
    fn kill_and_restart_postmaster(&mut self, server: &mut Server) -> Result<(), String> {
        let t0 = Instant::now();
        let _ = kill(Pid::from_raw(self.pgrp), Signal::SIGKILL);
        if let Some(mut old) = server.child.take() {
            let _ = old.wait();
        }
        *self.signals.entry("SIGKILL postmaster".into()).or_default() += 1;
        loop {
            if t0.elapsed() > RESTART_LIMIT {
                return Err(format!(
                    "no new postmaster ready within {RESTART_LIMIT:?} of killing the old one"
                ));
            }
            let ready_before = server.count_log(READY);
            server.try_spawn()?;
            let up = crate::harness::wait_until(RESTART_LIMIT, || {
                server.count_log(READY) > ready_before || super::postmaster_alive(server).is_err()
            });
            if up && super::postmaster_alive(server).is_ok() {
                break;
            }
            if let Some(mut c) = server.child.take() {
                let _ = c.kill();
                let _ = c.wait();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.pgrp = server.pid();
        self.restarts.push(t0.elapsed());
        Ok(())
    }

    /// The children that may be signalled now.
    fn targets(&self, server: &Server) -> Vec<(i32, Target)> {
        server
            .processes()
            .into_iter()
            .filter(|(pid, _)| *pid != self.pgrp)
            .filter_map(|(pid, title)| Target::of_title(&title).map(|t| (pid, t)))
            .collect()
    }

    /// Sends a random signal to `pid`; returns whether it may crash the server (false when
    /// nothing was sent).
    fn fire(&mut self, pid: i32, target: &Target) -> bool {
        let sig = pick_signal(&mut self.rng);
        let resets = self.resets.count(REINITIALIZING);
        let at = Instant::now();
        if !send(pid, self.pgrp, sig) {
            return false;
        }
        *self
            .signals
            .entry(format!("{} {target}", sig.as_str()))
            .or_default() += 1;
        let crash = may_crash(target, sig);
        if crash {
            let _ = self.events.send(Event::Signalled { at, resets });
        }
        crash
    }

    /// Waits up to `STARTUP_HUNT` for a startup process and signals it.
    fn hunt_startup(&mut self, server: &Server) {
        let t0 = Instant::now();
        while t0.elapsed() < STARTUP_HUNT {
            if let Some((pid, target)) = self
                .targets(server)
                .into_iter()
                .find(|(_, t)| *t == Target::Startup)
            {
                self.fire(pid, &target);
                return;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Signals random children of `server` for `length`; an error when the postmaster dies.
    pub fn run(&mut self, server: &mut Server, length: Duration) -> Result<(), String> {
        let t0 = Instant::now();
        let mut pause = Duration::from_millis(self.rng.range(100, 600));
        while t0.elapsed() < length {
            std::thread::sleep(pause.min(length.saturating_sub(t0.elapsed())));
            pause = Duration::from_millis(self.rng.range(100, 600));
            super::postmaster_alive(server)?;
            // At random, and at least once past half-time.
            let due = self.restarts.is_empty() && t0.elapsed() > length / 2;
            if self.kill_postmaster && (due || self.rng.chance(1, POSTMASTER_KILL_ODDS)) {
                self.kill_and_restart_postmaster(server)?;
                continue;
            }
            let targets = self.targets(server);
            if targets.is_empty() {
                continue;
            }
            let (pid, target) = &targets[self.rng.index(targets.len())];
            if self.fire(*pid, target) {
                if self.rng.chance(1, 4) {
                    self.hunt_startup(server);
                } else if self.rng.chance(1, 3) {
                    pause = Duration::from_millis(self.rng.range(10, 100));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_name_targets_and_the_postmaster_is_none() {
        assert_eq!(
            Target::of_title("postmaster: bgworker: SPI worker 2"),
            Some(Target::Worker("SPI worker 2".into()))
        );
        assert_eq!(
            Target::of_title("postmaster: postgres postgres [local] idle"),
            Some(Target::Backend)
        );
        assert_eq!(
            Target::of_title("postmaster: startup"),
            Some(Target::Startup)
        );
        assert_eq!(
            Target::of_title("postmaster: autovacuum launcher"),
            Some(Target::Autovacuum)
        );
        assert_eq!(
            Target::of_title("postmaster: walwriter"),
            Some(Target::WalWriter)
        );
        assert_eq!(Target::of_title("/usr/bin/postmaster -D /tmp/x -p 5"), None);
        assert_eq!(Target::of_title("postmaster: [local] authentication"), None);
        assert_eq!(Target::of_title("bash"), None);
    }

    #[test]
    fn every_signal_is_picked_and_crash_expectations_follow_the_rules() {
        let mut rng = XorShift::new(1);
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..1_000 {
            seen.insert(pick_signal(&mut rng) as i32);
        }
        assert_eq!(seen.len(), SIGNALS.len());
        let w = Target::Worker("SPI worker 2".into());
        assert!(may_crash(&w, Signal::SIGKILL));
        assert!(may_crash(&Target::Backend, Signal::SIGQUIT));
        assert!(!may_crash(&w, Signal::SIGTERM));
        assert!(!may_crash(&Target::Backend, Signal::SIGHUP));
        assert!(may_crash(&Target::Startup, Signal::SIGHUP));
    }

    #[test]
    fn only_live_members_of_the_group_are_signalled() {
        let me = std::process::id() as i32;
        let my_group = nix::unistd::getpgrp().as_raw();
        assert!(in_process_group(me, my_group));
        assert!(!in_process_group(me, my_group + 1));
        assert!(!in_process_group(i32::MAX, my_group));
        // The group leader is never signalled, even when asked.
        assert!(!send(my_group, my_group, Signal::SIGHUP));
    }
}
