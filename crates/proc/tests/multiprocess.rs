//! Real multi-process tests of the segment, the PGPROC free lists, child slots, latches,
//! postmaster-death detection and stuck spinlocks.
//!
//! `harness = false`: this is a plain single-threaded program, so forking is safe. Each scenario
//! prints its name and panics (non-zero exit) on failure.

use std::sync::atomic::{AtomicI32, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[path = "forktest.rs"]
mod forktest;

use proc::{BackendType, ProcError, ProcGlobalConfig, ProcList};
use shmem::{ShmemSafe, WaitEvents, latch, pmchild, pmdeath};

const CFG: ProcGlobalConfig = ProcGlobalConfig {
    backends: 8,
    autovac: 4,
    bgworkers: 3,
    aux: 2,
};
const TOTAL: usize = 17;

#[repr(C)]
struct Scratch {
    owners: [AtomicU32; TOTAL],
    violations: AtomicU32,
    refused: AtomicU32,
    taken: AtomicU32,
    ready: AtomicU32,
    result: AtomicU32,
    value: AtomicI32,
    woke_at_ns: AtomicU64,
    lock: shmem::SpinLock,
}
// SAFETY: repr(C) atomics only; zero is the initial state.
unsafe impl ShmemSafe for Scratch {}

fn setup() -> &'static Scratch {
    let mut sz = shmem::SizeBuilder::new();
    sz.add("ProcGlobal", proc::shmem_size(&CFG))
        .add("PMChildFlags", pmchild::shmem_size(64))
        .add_struct::<Scratch>("Scratch");
    shmem::create_segment(sz.total()).expect("segment");
    reinit()
}

fn reinit() -> &'static Scratch {
    shmem::reset_segment();
    proc::init_proc_global(&CFG).expect("ProcGlobal");
    pmchild::init(64).expect("child slots");
    shmem::init_struct_typed::<Scratch>("Scratch")
        .expect("scratch")
        .0
}

/// Forks a child that runs `f` and `_exit`s with its return value.
fn spawn(f: impl FnOnce() -> i32) -> i32 {
    // SAFETY: this test program is single-threaded, so the child gets a consistent copy.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        latch::init_process().expect("latch init");
        let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(101);
        // SAFETY: ending the child without running the parent's atexit handlers or destructors.
        unsafe { libc::_exit(code) };
    }
    pid
}

/// Waits for `pid`; returns Ok(exit code) or Err(signal).
fn wait(pid: i32) -> Result<i32, i32> {
    let mut status = 0;
    // SAFETY: waiting for our own child into a local.
    let r = unsafe { libc::waitpid(pid, &mut status, 0) };
    assert_eq!(r, pid, "waitpid");
    if libc::WIFEXITED(status) {
        Ok(libc::WEXITSTATUS(status))
    } else {
        Err(libc::WTERMSIG(status))
    }
}

fn wait_until(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !cond() {
        assert!(t0.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn index_of(p: &proc::PgProc) -> usize {
    // Entries are found through find_proc; owners[] is indexed by a stable hash of the address.
    (p as *const _ as usize / size_of::<proc::PgProc>()) % TOTAL
}

fn concurrent_grab_and_release() {
    let s = reinit();
    let kinds = [
        BackendType::ClientBackend,
        BackendType::AutovacWorker,
        BackendType::BgWorker,
    ];
    let mut pids = Vec::new();
    for c in 0..16 {
        let kind = kinds[c % 3];
        let slot = pmchild::assign().expect("slot");
        pids.push((
            spawn(move || {
                for _ in 0..300 {
                    match proc::init_process(kind, "", slot) {
                        Ok(p) => {
                            s.taken.fetch_add(1, Ordering::Relaxed);
                            let i = index_of(p);
                            let me = std::process::id() as i32;
                            let before = s.owners[i].fetch_add(1, Ordering::SeqCst);
                            if before != 0 || p.pid() != me {
                                s.violations.fetch_add(1, Ordering::SeqCst);
                            }
                            std::thread::sleep(Duration::from_micros(100));
                            if p.pid() != me {
                                s.violations.fetch_add(1, Ordering::SeqCst);
                            }
                            s.owners[i].fetch_sub(1, Ordering::SeqCst);
                            proc::proc_kill();
                        }
                        Err(ProcError::TooManyClients)
                        | Err(ProcError::NoAutovacSlot)
                        | Err(ProcError::NoBgWorkerSlot) => {
                            s.refused.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => panic!("unexpected {e}"),
                    }
                }
                0
            }),
            slot,
        ));
    }
    for (pid, slot) in pids {
        assert_eq!(wait(pid), Ok(0));
        assert!(
            pmchild::release(slot),
            "a clean exit leaves the slot INACTIVE"
        );
    }
    assert_eq!(
        s.violations.load(Ordering::SeqCst),
        0,
        "an entry was handed to two processes"
    );
    assert!(s.taken.load(Ordering::Relaxed) > 0);
    assert_eq!(
        proc::free_count(ProcList::Backend),
        8,
        "backend list lost entries"
    );
    assert_eq!(
        proc::free_count(ProcList::Autovac),
        4,
        "autovacuum list lost entries"
    );
    assert_eq!(
        proc::free_count(ProcList::BgWorker),
        3,
        "bgworker list lost entries"
    );
    println!(
        "  taken {} times, refused {} times (list empty at that moment)",
        s.taken.load(Ordering::Relaxed),
        s.refused.load(Ordering::Relaxed)
    );
}

fn exhaustion_then_room_again() {
    let s = reinit();
    let mut holders = Vec::new();
    for _ in 0..8 {
        let slot = pmchild::assign().expect("slot");
        holders.push(spawn(move || {
            let p = proc::init_process(BackendType::ClientBackend, "", slot).expect("a free entry");
            s.ready.fetch_add(1, Ordering::SeqCst);
            let r = p.latch.wait(
                WaitEvents::LATCH_SET | WaitEvents::TIMEOUT,
                Some(Duration::from_secs(20)),
            );
            assert!(r.contains(WaitEvents::LATCH_SET));
            // Leave through exit(), so the atexit handler must return the entry.
            std::process::exit(0);
        }));
    }
    wait_until("8 holders", Duration::from_secs(10), || {
        s.ready.load(Ordering::SeqCst) == 8
    });
    assert_eq!(proc::free_count(ProcList::Backend), 0);
    let ninth = spawn(
        || match proc::init_process(BackendType::ClientBackend, "", 0) {
            Err(e @ ProcError::TooManyClients) => {
                assert_eq!(e.sqlstate(), "53300");
                assert_eq!(e.to_string(), "sorry, too many clients already");
                53
            }
            _ => 1,
        },
    );
    assert_eq!(
        wait(ninth),
        Ok(53),
        "the ninth client must be refused with 53300"
    );
    // Wake one holder through its PGPROC latch, from this (another) process.
    let victim = holders.remove(0);
    proc::find_proc(victim).expect("holder's entry").latch.set();
    assert_eq!(wait(victim), Ok(0));
    assert_eq!(
        proc::free_count(ProcList::Backend),
        1,
        "exit() returned the entry"
    );
    let tenth = spawn(|| {
        let ok = proc::init_process(BackendType::ClientBackend, "", 0).is_ok();
        proc::proc_kill();
        i32::from(!ok)
    });
    assert_eq!(wait(tenth), Ok(0), "room again after a release");
    for pid in holders {
        proc::find_proc(pid).expect("entry").latch.set();
        assert_eq!(wait(pid), Ok(0));
    }
    assert_eq!(proc::free_count(ProcList::Backend), 8);
}

fn sigkill_leaves_entry_for_reset() {
    let s = reinit();
    let slot = pmchild::assign().expect("slot");
    let pid = spawn(move || {
        let _p = proc::init_process(BackendType::BgWorker, "victim", slot).expect("entry");
        s.ready.store(1, Ordering::SeqCst);
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    wait_until("victim ready", Duration::from_secs(10), || {
        s.ready.load(Ordering::SeqCst) == 1
    });
    let names: Vec<String> = proc::activity()
        .into_iter()
        .map(|a| a.backend_type)
        .collect();
    assert_eq!(names, vec!["victim".to_owned()]);
    // SAFETY: killing our own child.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    assert_eq!(wait(pid), Err(libc::SIGKILL));
    assert!(
        !pmchild::release(slot),
        "a child killed while ACTIVE is a crash"
    );
    assert_eq!(
        proc::free_count(ProcList::BgWorker),
        2,
        "the dead child's entry is still taken"
    );
    reinit();
    assert_eq!(
        proc::free_count(ProcList::BgWorker),
        3,
        "the reset path reclaims it"
    );
    assert!(proc::activity().is_empty());
}

fn latch_wakes_across_processes() {
    let s = reinit();
    let pid = spawn(move || {
        let p = proc::init_process(BackendType::ClientBackend, "", 0).expect("entry");
        // A set before the wait returns at once.
        p.latch.set();
        let t0 = Instant::now();
        let r = p.latch.wait(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT,
            Some(Duration::from_secs(5)),
        );
        if r != WaitEvents::LATCH_SET || t0.elapsed() > Duration::from_millis(100) {
            return 2;
        }
        p.latch.reset();
        // Timeouts are honoured.
        let t0 = Instant::now();
        let r = p.latch.wait(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT,
            Some(Duration::from_millis(30)),
        );
        if r != WaitEvents::TIMEOUT || t0.elapsed() < Duration::from_millis(30) {
            return 3;
        }
        s.ready.store(1, Ordering::SeqCst);
        // A set from another process wakes the sleeping owner.
        let r = p.latch.wait(
            WaitEvents::LATCH_SET | WaitEvents::TIMEOUT,
            Some(Duration::from_secs(10)),
        );
        if r != WaitEvents::LATCH_SET {
            return 4;
        }
        p.latch.reset();
        s.ready.store(2, Ordering::SeqCst);
        // The same through poll, watching a socket that never becomes readable.
        let (_a, b) = std::os::unix::net::UnixStream::pair().expect("pair");
        use std::os::fd::AsRawFd;
        let r = p.latch.wait_socket(
            WaitEvents::LATCH_SET | WaitEvents::SOCKET_READABLE | WaitEvents::TIMEOUT,
            b.as_raw_fd(),
            Some(Duration::from_secs(10)),
        );
        if !r.contains(WaitEvents::LATCH_SET) {
            return 5;
        }
        proc::proc_kill();
        0
    });
    wait_until("latch owner asleep", Duration::from_secs(10), || {
        s.ready.load(Ordering::SeqCst) == 1
    });
    std::thread::sleep(Duration::from_millis(20));
    proc::find_proc(pid).expect("owner").latch.set();
    wait_until("owner woke", Duration::from_secs(10), || {
        s.ready.load(Ordering::SeqCst) == 2
    });
    std::thread::sleep(Duration::from_millis(20));
    proc::find_proc(pid).expect("owner").latch.set();
    assert_eq!(wait(pid), Ok(0));
}

/// A fake postmaster with one child that waits on its latch; killing the fake postmaster must
/// wake the child with POSTMASTER_DEATH within milliseconds, in both wait modes.
fn postmaster_death_wakes_children(with_socket: bool) {
    let s = reinit();
    let fake_pm = spawn(move || {
        pmdeath::create_pipe().expect("pipe");
        spawn(move || {
            pmdeath::init_child();
            let l = latch::my_latch();
            s.ready.store(1, Ordering::SeqCst);
            let ev = WaitEvents::LATCH_SET | WaitEvents::POSTMASTER_DEATH | WaitEvents::TIMEOUT;
            let r = if with_socket {
                let (_a, b) = std::os::unix::net::UnixStream::pair().expect("pair");
                use std::os::fd::AsRawFd;
                l.wait_socket(
                    ev | WaitEvents::SOCKET_READABLE,
                    b.as_raw_fd(),
                    Some(Duration::from_secs(20)),
                )
            } else {
                l.wait(ev, Some(Duration::from_secs(20)))
            };
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock");
            s.woke_at_ns.store(now.as_nanos() as u64, Ordering::SeqCst);
            s.result.store(r.0, Ordering::SeqCst);
            0
        });
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    wait_until("child waiting", Duration::from_secs(10), || {
        s.ready.load(Ordering::SeqCst) == 1
    });
    std::thread::sleep(Duration::from_millis(50));
    let killed_at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock");
    // SAFETY: killing our own child (the fake postmaster).
    unsafe { libc::kill(fake_pm, libc::SIGKILL) };
    assert_eq!(wait(fake_pm), Err(libc::SIGKILL));
    wait_until("orphan noticed", Duration::from_secs(5), || {
        s.result.load(Ordering::SeqCst) != 0
    });
    let r = WaitEvents(s.result.load(Ordering::SeqCst));
    assert!(r.contains(WaitEvents::POSTMASTER_DEATH), "{r:?}");
    let lag = s
        .woke_at_ns
        .load(Ordering::SeqCst)
        .saturating_sub(killed_at.as_nanos() as u64);
    println!(
        "  noticed postmaster death after {:.2} ms",
        lag as f64 / 1e6
    );
    assert!(lag < 1_000_000_000, "death noticed too late: {lag} ns");
}

fn stuck_spinlock_panics() {
    let s = reinit();
    shmem::spinlock::set_stuck_timeout(Duration::from_millis(300));
    let holder = spawn(move || {
        let g = s.lock.guard();
        s.ready.store(1, Ordering::SeqCst);
        std::mem::forget(g);
        loop {
            std::thread::sleep(Duration::from_secs(1));
        }
    });
    wait_until("lock held", Duration::from_secs(10), || {
        s.ready.load(Ordering::SeqCst) == 1
    });
    // SAFETY: killing our own child while it holds the lock.
    unsafe { libc::kill(holder, libc::SIGKILL) };
    assert_eq!(wait(holder), Err(libc::SIGKILL));
    let waiter = spawn(move || {
        let _g = s.lock.guard();
        0
    });
    let t0 = Instant::now();
    assert_eq!(
        wait(waiter),
        Err(libc::SIGABRT),
        "a stuck spinlock must abort the waiter"
    );
    assert!(t0.elapsed() < Duration::from_secs(10));
}

fn main() {
    type Scenario = (&'static str, Box<dyn Fn()>);
    let scenarios: Vec<Scenario> = vec![
        (
            "concurrent_grab_and_release",
            Box::new(concurrent_grab_and_release),
        ),
        (
            "exhaustion_then_room_again",
            Box::new(exhaustion_then_room_again),
        ),
        (
            "sigkill_leaves_entry_for_reset",
            Box::new(sigkill_leaves_entry_for_reset),
        ),
        (
            "latch_wakes_across_processes",
            Box::new(latch_wakes_across_processes),
        ),
        (
            "postmaster_death_wakes_futex_sleeper",
            Box::new(|| postmaster_death_wakes_children(false)),
        ),
        (
            "postmaster_death_wakes_poll_sleeper",
            Box::new(|| postmaster_death_wakes_children(true)),
        ),
        ("stuck_spinlock_panics", Box::new(stuck_spinlock_panics)),
    ];
    let args = forktest::Args::parse();
    if args.list(scenarios.iter().map(|(n, _)| *n)) {
        return;
    }
    setup();
    for (name, f) in &scenarios {
        if args.selected(name) {
            println!("test {name} ...");
            f();
            println!("test {name} ... ok");
        }
    }
}
