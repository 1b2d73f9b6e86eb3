//! Recovery measurement: how long after a crash-causing signal a new client can run
//! `select 1` again, and a tail reader for the server log that counts lines incrementally.
//!
//! The measurer runs on its own thread, fed by the monkey through a channel. For each signal
//! it first waits for the crash reset it should cause (the log's reinitializing line count
//! passing the count seen when the signal was sent); a signal that caused no reset (its target
//! had already gone) is dropped. Then it polls `select 1` until it works. Signals sent before
//! that success belong to the same outage and are folded into it, so one figure is one outage.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use super::clients::Endpoint;

/// The line the postmaster logs when a crash reset has ended every child.
pub const REINITIALIZING: &str = "all server processes terminated; reinitializing";

/// Counts lines containing given patterns in a growing log file, reading only what is new.
#[derive(Debug)]
pub struct LogTail {
    path: PathBuf,
    offset: u64,
    partial: Vec<u8>,
    counts: Vec<(&'static str, usize)>,
}

impl LogTail {
    /// A reader of `path` counting lines with each of `patterns`.
    pub fn new(path: PathBuf, patterns: &[&'static str]) -> LogTail {
        LogTail {
            path,
            offset: 0,
            partial: Vec::new(),
            counts: patterns.iter().map(|p| (*p, 0)).collect(),
        }
    }

    /// Reads what was appended since the last call and counts its complete lines.
    pub fn poll(&mut self) {
        let Ok(mut f) = File::open(&self.path) else {
            return;
        };
        if f.seek(SeekFrom::Start(self.offset)).is_err() {
            return;
        }
        let mut buf = Vec::new();
        let Ok(n) = f.read_to_end(&mut buf) else {
            return;
        };
        self.offset += n as u64;
        self.partial.extend_from_slice(&buf);
        let Some(end) = self.partial.iter().rposition(|&b| b == b'\n') else {
            return;
        };
        let complete: Vec<u8> = self.partial.drain(..=end).collect();
        for line in String::from_utf8_lossy(&complete).lines() {
            for (pat, n) in &mut self.counts {
                if line.contains(*pat) {
                    *n += 1;
                }
            }
        }
    }

    /// The number of lines so far containing `pattern` (0 for a pattern not asked for).
    pub fn count(&mut self, pattern: &str) -> usize {
        self.poll();
        self.counts
            .iter()
            .find(|(p, _)| *p == pattern)
            .map_or(0, |(_, n)| *n)
    }
}

/// What the monkey tells the measurer.
#[derive(Debug, Clone, Copy)]
pub enum Event {
    /// A signal that may cause a crash reset was sent at `at`, when the log held `resets`
    /// reinitializing lines.
    Signalled { at: Instant, resets: usize },
    /// The chaos is over: finish the outage being measured, then return.
    Stop,
}

/// The measurer's result.
#[derive(Debug, Clone, Default)]
pub struct Recoveries {
    /// One duration per outage: from its first signal to the first working `select 1`.
    pub times: Vec<Duration>,
    /// Outages after which `select 1` did not work within the limit.
    pub unrecovered: usize,
}

/// How long a crash reset may take to reach "reinitializing" (stragglers get SIGKILL after 5 s).
const RESET_LIMIT: Duration = Duration::from_secs(8);
/// How long a recovery may take before it counts as a hang.
const RECOVERY_LIMIT: Duration = Duration::from_secs(30);

fn poll_until(limit: Duration, every: Duration, mut f: impl FnMut() -> bool) -> bool {
    let t0 = Instant::now();
    loop {
        if f() {
            return true;
        }
        if t0.elapsed() >= limit {
            return false;
        }
        std::thread::sleep(every);
    }
}

/// The measurer thread's body.
pub fn measure(events: Receiver<Event>, endpoint: Endpoint, log: PathBuf) -> Recoveries {
    let mut tail = LogTail::new(log, &[REINITIALIZING]);
    let mut out = Recoveries::default();
    let mut stopping = false;
    let mut next: Option<(Instant, usize)> = None;
    while !stopping || next.is_some() {
        let (at, resets) = match next.take() {
            Some(e) => e,
            None => match events.recv_timeout(Duration::from_secs(1)) {
                Ok(Event::Signalled { at, resets }) => (at, resets),
                Ok(Event::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => continue,
            },
        };
        let reset = poll_until(RESET_LIMIT, Duration::from_millis(5), || {
            tail.count(REINITIALIZING) > resets
        });
        if !reset {
            continue;
        }
        if poll_until(RECOVERY_LIMIT, Duration::from_millis(5), || {
            endpoint.probe()
        }) {
            out.times.push(at.elapsed());
        } else {
            out.unrecovered += 1;
        }
        // Signals sent before the recovery was seen belong to this outage; the first one sent
        // after it starts the next measurement.
        let recovered = Instant::now();
        loop {
            match events.try_recv() {
                Ok(Event::Signalled { at, .. }) if at <= recovered => {}
                Ok(Event::Signalled { at, resets }) => {
                    next = Some((at, resets));
                    break;
                }
                Ok(Event::Stop) | Err(TryRecvError::Disconnected) => {
                    stopping = true;
                    break;
                }
                Err(TryRecvError::Empty) => break,
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn the_tail_counts_only_complete_new_lines() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("log");
        let mut f = File::create(&path).expect("create");
        let mut tail = LogTail::new(path, &[REINITIALIZING, "ready"]);
        assert_eq!(tail.count(REINITIALIZING), 0);
        write!(f, "LOG:  {REINITIALIZING}\nLOG:  ready\nLOG:  all server").expect("write");
        assert_eq!(tail.count(REINITIALIZING), 1);
        assert_eq!(tail.count("ready"), 1);
        writeln!(f, " processes terminated; reinitializing").expect("write");
        assert_eq!(tail.count(REINITIALIZING), 2);
        assert_eq!(tail.count(REINITIALIZING), 2);
        assert_eq!(tail.count("not asked for"), 0);
    }

    #[test]
    fn a_signal_without_a_reset_is_dropped_and_stop_ends_the_measurer() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (tx, rx) = std::sync::mpsc::channel();
        tx.send(Event::Stop).expect("send");
        let ep = Endpoint {
            socket_dir: dir.path().to_owned(),
            port: 1,
        };
        let r = measure(rx, ep, dir.path().join("log"));
        assert!(r.times.is_empty());
        assert_eq!(r.unrecovered, 0);
    }
}
