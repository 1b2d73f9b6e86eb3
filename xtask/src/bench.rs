//! `cargo xtask bench`.
//!
//! Every figure is what a user would see, measured on a release build, next to a floor
//! measured in the same run where one exists, and next to PostgreSQL 15 measured in the same
//! run where the same measurement has a meaning there. Servers are `tests::harness::Server`
//! (the release `postmaster`, a temporary directory, its own Unix socket, TCP off) and
//! `tests::pg15::PgCluster` (a throwaway PostgreSQL 15: Unix socket only, trust, C locale, run
//! as the `postgres` user when the bench runs as root, PostgreSQL's default server settings).
//!
//! Repeated figures are interleaved round by round (minipg, then PostgreSQL, then the next
//! configuration; the latch and its floors likewise), so a burst of load from elsewhere on
//! the machine lands on every column alike. Each row gives the median (the mean of the two
//! middle samples for an even count), min and max of the runs that succeeded, and says how
//! many failed, per column.

use std::os::fd::RawFd;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering, fence};
use std::time::{Duration, Instant};

use ::tests::harness::{Server, pgbench_binary};
use ::tests::pg15::PgCluster;
use proc::{BackendType, ProcGlobalConfig};
use shmem::{ShmemSafe, WaitEvents, latch};

/// The samples of one column: the successful ones and how many runs failed.
#[derive(Debug, Clone, Default)]
struct Samples {
    ok: Vec<f64>,
    failed: usize,
}

impl Samples {
    fn push(&mut self, v: Option<f64>) {
        match v {
            Some(v) if v.is_finite() => self.ok.push(v),
            _ => self.failed += 1,
        }
    }

    fn from_ok(ok: Vec<f64>) -> Samples {
        Samples { ok, failed: 0 }
    }

    /// The true median: the middle sample, or the mean of the two middle ones.
    fn median(&self) -> f64 {
        median(&self.ok)
    }

    fn p99(&self) -> f64 {
        let mut v = self.ok.clone();
        if v.is_empty() {
            return f64::NAN;
        }
        v.sort_by(|a, b| a.total_cmp(b));
        v[((v.len() as f64 * 0.99) as usize).min(v.len() - 1)]
    }

    fn range(&self) -> (f64, f64) {
        (
            self.ok.iter().copied().fold(f64::NAN, f64::min),
            self.ok.iter().copied().fold(f64::NAN, f64::max),
        )
    }

    /// `n` or `n (k failed)`.
    fn runs(&self) -> String {
        if self.failed == 0 {
            self.ok.len().to_string()
        } else {
            format!("{} ({} failed)", self.ok.len(), self.failed)
        }
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

struct Row {
    name: String,
    unit: &'static str,
    ours: Samples,
    /// PostgreSQL 15's samples for the same measurement, same rounds.
    pg: Option<Samples>,
    floor: Option<String>,
    note: String,
    /// The goal, as a ratio to PostgreSQL 15 ([`Row::ratio`]).
    goal: Option<f64>,
}

impl Row {
    /// How many times better minipg's median is than PostgreSQL's from the same rounds: rate
    /// over rate, or the other way round for a time or a size (less is better).
    fn ratio(&self) -> Option<f64> {
        let pg = self.pg.as_ref()?.median();
        let ours = self.ours.median();
        let r = if matches!(self.unit, "ms" | "µs" | "MiB") {
            pg / ours
        } else {
            ours / pg
        };
        r.is_finite().then_some(r)
    }

    fn new(name: impl Into<String>, unit: &'static str, ours: Samples) -> Row {
        Row {
            name: name.into(),
            unit,
            ours,
            pg: None,
            floor: None,
            note: String::new(),
            goal: None,
        }
    }

    fn one(name: impl Into<String>, unit: &'static str, v: Option<f64>) -> Row {
        let mut s = Samples::default();
        s.push(v);
        Row::new(name, unit, s)
    }

    fn note(mut self, note: impl Into<String>) -> Row {
        self.note = note.into();
        self
    }

    fn pg(mut self, pg: Option<Samples>) -> Row {
        self.pg = pg;
        self
    }
}

#[repr(C)]
struct PingPong {
    /// The hand-off sequence number each side waits for (the floors).
    words: [AtomicU32; 2],
    /// 1 while a side may be asleep (the floors wake only a sleeping peer, as the latch does).
    sleeping: [AtomicU32; 2],
    latches: [shmem::Latch; 2],
}
// SAFETY: repr(C) atomics only; zero is the initial state.
unsafe impl ShmemSafe for PingPong {}

fn futex_wait(w: &AtomicU32, v: u32) {
    // SAFETY: FUTEX_WAIT on a live aligned u32 in our shared mapping.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            w.as_ptr(),
            libc::FUTEX_WAIT,
            v,
            std::ptr::null::<libc::timespec>(),
        )
    };
}

fn futex_wake(w: &AtomicU32) {
    // SAFETY: FUTEX_WAKE uses the address as a key only.
    unsafe { libc::syscall(libc::SYS_futex, w.as_ptr(), libc::FUTEX_WAKE, 1) };
}

fn fork(f: impl FnOnce()) -> i32 {
    // SAFETY: xtask is single-threaded; the child runs f and _exits.
    let pid = unsafe { libc::fork() };
    if pid == 0 {
        f();
        // SAFETY: leave the child without running the parent's destructors.
        unsafe { libc::_exit(0) };
    }
    pid
}

fn reap(pid: i32) {
    let mut st = 0;
    // SAFETY: waiting for our own child.
    unsafe { libc::waitpid(pid, &mut st, 0) };
}

/// A pipe whose read end does not block.
fn pipe() -> [RawFd; 2] {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills the two-element array.
    let rc = unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) };
    assert_eq!(rc, 0, "pipe2: {}", std::io::Error::last_os_error());
    fds
}

/// The four ways one process wakes another that the latch rows compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wake {
    /// Floor: a futex on a sequence word, woken only when the peer said it may sleep.
    FutexFloor,
    /// The latch when only the latch is watched (futex mode).
    LatchFutex,
    /// Floor: a pipe + poll, written only when the peer said it may sleep.
    PipeFloor,
    /// The latch when a socket is watched too: SIGURG into the self-pipe + poll, the
    /// backends' wait for a client.
    LatchSignal,
}

const WAKES: [Wake; 4] = [
    Wake::FutexFloor,
    Wake::LatchFutex,
    Wake::PipeFloor,
    Wake::LatchSignal,
];

/// One side of the ping-pong: `me` is 0 (the measuring parent) or 1 (the child).
struct Side<'a> {
    pp: &'a PingPong,
    me: usize,
    /// The read end of this side's floor pipe, and the write end of the peer's.
    pipe_rd: RawFd,
    peer_pipe_wr: RawFd,
    /// A descriptor that never becomes readable, for the latch's socket wait.
    idle: RawFd,
}

impl Side<'_> {
    fn hand_off(&self, how: Wake, seq: u32) {
        let peer = 1 - self.me;
        match how {
            Wake::FutexFloor | Wake::PipeFloor => {
                self.pp.words[peer].store(seq, Ordering::SeqCst);
                fence(Ordering::SeqCst);
                if self.pp.sleeping[peer].load(Ordering::SeqCst) == 1 {
                    if how == Wake::FutexFloor {
                        futex_wake(&self.pp.words[peer]);
                    } else {
                        // SAFETY: writing one byte from a live buffer to our pipe.
                        unsafe { libc::write(self.peer_pipe_wr, [1u8].as_ptr().cast(), 1) };
                    }
                }
            }
            Wake::LatchFutex | Wake::LatchSignal => self.pp.latches[peer].set(),
        }
    }

    fn wait(&self, how: Wake, seq: u32) {
        let me = self.me;
        match how {
            Wake::FutexFloor | Wake::PipeFloor => loop {
                if self.pp.words[me].load(Ordering::SeqCst) == seq {
                    return;
                }
                self.pp.sleeping[me].store(1, Ordering::SeqCst);
                fence(Ordering::SeqCst);
                let now = self.pp.words[me].load(Ordering::SeqCst);
                if now != seq {
                    if how == Wake::FutexFloor {
                        futex_wait(&self.pp.words[me], now);
                    } else {
                        let mut pfd = libc::pollfd {
                            fd: self.pipe_rd,
                            events: libc::POLLIN,
                            revents: 0,
                        };
                        let mut buf = [0u8; 64];
                        // SAFETY: poll on one live pollfd, then a non-blocking drain into a
                        // local buffer.
                        unsafe {
                            libc::poll(&mut pfd, 1, -1);
                            while libc::read(self.pipe_rd, buf.as_mut_ptr().cast(), buf.len()) > 0 {
                            }
                        }
                    }
                }
                self.pp.sleeping[me].store(0, Ordering::SeqCst);
            },
            Wake::LatchFutex | Wake::LatchSignal => {
                let mine = &self.pp.latches[me];
                loop {
                    let ev = if how == Wake::LatchFutex {
                        mine.wait(WaitEvents::LATCH_SET, None)
                    } else {
                        mine.wait_socket(
                            WaitEvents::LATCH_SET | WaitEvents::SOCKET_READABLE,
                            self.idle,
                            None,
                        )
                    };
                    if ev.contains(WaitEvents::LATCH_SET) {
                        break;
                    }
                }
                mine.reset();
            }
        }
    }
}

/// One-way wake latency between two processes on one CPU (a round trip, halved), in µs, for
/// each of [`WAKES`], the four interleaved in `rounds` rounds of `iters / rounds` hand-offs.
fn wake_latencies(iters: usize, rounds: usize) -> [Vec<f64>; 4] {
    // Both sides on one CPU: every hand-off is a real sleep and wake-up, for the floors and
    // for the latch alike. (Across CPUs a side may never sleep at all — both spin past the
    // wait — which makes a ratio meaningless; a cross-CPU wake-up on this VM costs ~20 µs
    // either way.) The previous affinity is restored afterwards.
    // SAFETY: sched_{get,set}affinity on this process with a properly sized local cpu_set_t.
    let saved = unsafe {
        let mut old: libc::cpu_set_t = std::mem::zeroed();
        libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut old);
        let mut one: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(0, &mut one);
        libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &one);
        old
    };
    let out = wake_latencies_pinned(iters, rounds);
    // SAFETY: restoring the affinity saved above.
    unsafe { libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &saved) };
    out
}

fn wake_latencies_pinned(iters: usize, rounds: usize) -> [Vec<f64>; 4] {
    let mut sz = shmem::SizeBuilder::new();
    sz.add_struct::<PingPong>("PingPong");
    sz.add("ProcGlobal", proc::shmem_size(&BENCH_PROCS));
    shmem::create_segment(sz.total()).expect("segment");
    let (pp, _) = shmem::init_struct_typed::<PingPong>("PingPong").expect("pingpong");
    let (to_parent, to_child, idle) = (pipe(), pipe(), pipe());
    let per_round = (iters / rounds).max(1);
    let child = fork(|| {
        latch::init_process().expect("latch");
        pp.latches[1].own();
        let side = Side {
            pp,
            me: 1,
            pipe_rd: to_child[0],
            peer_pipe_wr: to_parent[1],
            idle: idle[0],
        };
        side.hand_off(Wake::FutexFloor, u32::MAX);
        let mut seq = 0;
        for _ in 0..rounds {
            for how in WAKES {
                for _ in 0..per_round {
                    seq += 1;
                    side.wait(how, seq);
                    side.hand_off(how, seq);
                }
            }
        }
    });
    latch::init_process().expect("latch");
    pp.latches[0].own();
    let side = Side {
        pp,
        me: 0,
        pipe_rd: to_parent[0],
        peer_pipe_wr: to_child[1],
        idle: idle[0],
    };
    // The child owns its latch before the first hand-off.
    side.wait(Wake::FutexFloor, u32::MAX);
    let mut out: [Vec<f64>; 4] = Default::default();
    let mut seq = 0;
    for _ in 0..rounds {
        for (k, how) in WAKES.into_iter().enumerate() {
            for _ in 0..per_round {
                seq += 1;
                let t0 = Instant::now();
                side.hand_off(how, seq);
                side.wait(how, seq);
                out[k].push(t0.elapsed().as_secs_f64() * 1e6 / 2.0);
            }
        }
    }
    reap(child);
    for fd in to_parent.into_iter().chain(to_child).chain(idle) {
        // SAFETY: closing the pipes this function made.
        unsafe { libc::close(fd) };
    }
    out
}

/// The two latch rows, each beside its floor.
fn latch_rows(iters: usize) -> Vec<Row> {
    let [futex, latch_futex, pipe, latch_signal] = wake_latencies(iters, 20);
    let row = |name: &str, lat: Vec<f64>, floor: Vec<f64>, floor_name: &str, note: &str| {
        let (l, f) = (Samples::from_ok(lat), Samples::from_ok(floor));
        let mut r = Row::new(name, "µs", l);
        r.floor = Some(format!(
            "{floor_name}: median {:.2} µs, p99 {:.2} µs (ratio {:.2}×)",
            f.median(),
            f.p99(),
            r.ours.median() / f.median()
        ));
        r.note(note)
    };
    vec![
        row(
            "latch wake, one way, across processes (same CPU), latch only",
            latch_futex,
            futex,
            "futex floor waking only a sleeping peer",
            "the latch's futex mode; target ≤ 2× the floor; rounds interleaved with the floor",
        ),
        row(
            "latch wake, one way, same CPU, latch + socket (SIGURG + self-pipe + poll)",
            latch_signal,
            pipe,
            "pipe + poll floor waking only a sleeping peer",
            "the backends' wait for a client; rounds interleaved with the floor",
        ),
    ]
}

const BENCH_PROCS: ProcGlobalConfig = ProcGlobalConfig {
    backends: 100,
    autovac: 4,
    bgworkers: 2,
    aux: 2,
};

fn pgproc_cycle(iters: usize) -> f64 {
    proc::init_proc_global(&BENCH_PROCS).expect("procglobal");
    let t0 = Instant::now();
    for _ in 0..iters {
        proc::init_process(BackendType::ClientBackend, "", 0).expect("pgproc");
        proc::proc_kill();
    }
    iters as f64 / t0.elapsed().as_secs_f64()
}

/// A throwaway minipg (the release `postmaster`) that is not started yet.
pub(crate) fn server(args: &[&str]) -> Server {
    Server::new(args).with_binary(crate::release_bin("postmaster"))
}

/// Starts `s` and waits until `postmaster.pid` says ready; the time that took, in ms.
fn start_timed(s: &mut Server) -> Option<f64> {
    s.try_spawn().ok()?;
    s.wait_pid_file_ready(Duration::from_secs(20))
        .map(|d| d.as_secs_f64() * 1e3)
}

fn pss_kib(pid: i32) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let line = s.lines().find(|l| l.starts_with("Pss:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The size in kB of the largest shared anonymous mapping of `pid` (the server's segment:
/// `MAP_SHARED | MAP_ANONYMOUS` shows as `/dev/zero (deleted)` in smaps).
fn shared_segment_kib(pid: i32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/smaps")).ok()?;
    let mut in_segment = false;
    let mut best = None;
    for line in s.lines() {
        if line.contains('-') && line.split_whitespace().count() >= 5 && !line.ends_with(" kB") {
            in_segment = line.contains("/dev/zero (deleted)") || line.contains("SYSV");
        } else if in_segment && let Some(v) = line.strip_prefix("Size:") {
            let kb: u64 = v.trim().trim_end_matches("kB").trim().parse().ok()?;
            best = best.max(Some(kb));
        }
    }
    best
}

/// The live children of `pid` (by parent pid).
fn children_of(pid: i32) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(p) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        if proc_stat(p).is_some_and(|(state, ppid)| state != "Z" && ppid == pid) {
            out.push(p);
        }
    }
    out
}

/// (state, parent pid) from `/proc/PID/stat`.
fn proc_stat(pid: i32) -> Option<(String, i32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut f = rest.split_whitespace();
    let state = f.next()?.to_owned();
    Some((state, f.next()?.parse().ok()?))
}

/// SIGKILLs `pm` and times until every one of `children` is gone (or a zombie), in ms.
fn postmaster_death(pm: i32, children: &[i32]) -> Option<f64> {
    if pm <= 0 || children.is_empty() {
        return None;
    }
    let t0 = Instant::now();
    // SAFETY: killing the postmaster of our own throwaway server.
    unsafe { libc::kill(pm, libc::SIGKILL) };
    while children
        .iter()
        .any(|&c| proc_stat(c).is_some_and(|(state, _)| state != "Z"))
    {
        if t0.elapsed() > Duration::from_secs(10) {
            return None;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    Some(t0.elapsed().as_secs_f64() * 1e3)
}

/// Polls until a new client runs `select 1`, from `t0`; ms (None after 10 s).
fn until_select_1(
    connect: impl Fn() -> Result<postgres::Client, postgres::Error>,
    t0: Instant,
) -> Option<f64> {
    loop {
        if let Ok(mut c) = connect()
            && c.simple_query("select 1").is_ok()
        {
            return Some(t0.elapsed().as_secs_f64() * 1e3);
        }
        if t0.elapsed() > Duration::from_secs(10) {
            return None;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Where pgbench connects: a Unix socket directory and port, plus `PGOPTIONS` if any.
struct Endpoint<'a> {
    socket_dir: &'a Path,
    port: u16,
    options: Option<&'a str>,
}

fn run_pgbench(ep: &Endpoint<'_>, script: &Path, args: &[&str], secs: u64) -> Option<f64> {
    let bin = pgbench_binary()?;
    let mut cmd = Command::new(bin);
    cmd.args(["-n", "-h"])
        .arg(ep.socket_dir)
        .args([
            "-p",
            &ep.port.to_string(),
            "-U",
            "postgres",
            "-T",
            &secs.to_string(),
            "-f",
        ])
        .arg(script)
        .args(args)
        .arg("postgres");
    if let Some(o) = ep.options {
        cmd.env("PGOPTIONS", o);
    }
    let out = cmd.output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let tps = text.lines().find(|l| l.starts_with("tps = "))?;
    tps.split_whitespace().nth(2)?.parse().ok()
}

/// The SQL that gives PostgreSQL the worker_spi table the insert cases write to.
const COUNTED_TABLE: &str = "CREATE SCHEMA schema1; CREATE TABLE schema1.counted (type text \
     CHECK (type IN ('total', 'delta')), value integer); CREATE UNIQUE \
     INDEX ON schema1.counted (type) WHERE type = 'total'";

/// A throwaway PostgreSQL 15 (`tests::pg15`, default server options); None (with a line on
/// stderr) when PostgreSQL 15 is not installed or does not come up.
fn start_pg15(port: u16) -> Option<PgCluster> {
    match PgCluster::start(port, &[]) {
        Ok(pg) => Some(pg),
        Err(e) => {
            eprintln!("PostgreSQL 15: {e}");
            None
        }
    }
}

/// One pgbench configuration of the interleaved rounds.
struct BenchCase {
    label: &'static str,
    script: &'static str,
    args: &'static [&'static str],
    /// Runs against the `synchronous_commit = off` servers.
    sync_off: bool,
    note: &'static str,
    /// The goal as a ratio to PostgreSQL 15 (issue 15's table).
    goal: Option<f64>,
}

const SELECT_1: &str = "select 1;\n";
const INSERT_DELTA: &str = "insert into schema1.counted values ('delta', 1);\n";

const CASES: &[BenchCase] = &[
    BenchCase {
        label: "select 1, -M simple, 1 client",
        script: SELECT_1,
        args: &["-M", "simple"],
        sync_off: false,
        note: "",
        goal: Some(1.5),
    },
    BenchCase {
        label: "select 1, -M extended, 1 client",
        script: SELECT_1,
        args: &["-M", "extended"],
        sync_off: false,
        note: "",
        goal: None,
    },
    BenchCase {
        label: "select 1, -M simple, 8 clients -j 2",
        script: SELECT_1,
        args: &["-M", "simple", "-c", "8", "-j", "2"],
        sync_off: false,
        note: "",
        goal: Some(1.5),
    },
    BenchCase {
        label: "select 1, -M extended, 8 clients -j 2",
        script: SELECT_1,
        args: &["-M", "extended", "-c", "8", "-j", "2"],
        sync_off: false,
        note: "",
        goal: None,
    },
    BenchCase {
        label: "connections/s, -C select 1",
        script: SELECT_1,
        args: &["-C"],
        sync_off: false,
        note: "",
        goal: Some(5.0),
    },
    BenchCase {
        label: "durable insert into schema1.counted, 1 client",
        script: INSERT_DELTA,
        args: &[],
        sync_off: false,
        note: "synchronous_commit = on",
        goal: Some(1.0),
    },
    BenchCase {
        label: "durable insert into schema1.counted, 8 clients -j 2",
        script: INSERT_DELTA,
        args: &["-c", "8", "-j", "2"],
        sync_off: false,
        note: "synchronous_commit = on",
        goal: Some(1.0),
    },
    BenchCase {
        label: "insert, synchronous_commit = off, 1 client",
        script: INSERT_DELTA,
        args: &[],
        sync_off: true,
        note: "minipg started with -c synchronous_commit=off; PostgreSQL with PGOPTIONS",
        goal: Some(1.5),
    },
    BenchCase {
        label: "insert, synchronous_commit = off, 8 clients -j 2",
        script: INSERT_DELTA,
        args: &["-c", "8", "-j", "2"],
        sync_off: true,
        note: "as above",
        goal: Some(1.0),
    },
];

/// fdatasync of one 4 kB page rewritten in place in `dir`, `n` times: the floor under a
/// durable commit (SQLite's WAL commit with `synchronous = FULL` syncs at least once).
fn fsync_floor(dir: &Path, n: usize) -> Option<f64> {
    use std::os::unix::fs::FileExt;
    let f = std::fs::File::create(dir.join("fsync-floor")).ok()?;
    let page = [0x5a_u8; 4096];
    let t0 = Instant::now();
    for _ in 0..n {
        if f.write_at(&page, 0).is_err() || f.sync_data().is_err() {
            return None;
        }
    }
    Some(n as f64 / t0.elapsed().as_secs_f64())
}

fn endpoint(s: &Server) -> Endpoint<'_> {
    Endpoint {
        socket_dir: s.root.path(),
        port: s.port,
        options: None,
    }
}

/// The wire floor (`wire_floor.rs`) running as `xtask wire-floor` with minipg's default
/// `client_busy_poll`; killed on drop.
struct WireFloor {
    child: std::process::Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl WireFloor {
    fn start(port: u16) -> Option<WireFloor> {
        let dir = tempfile::tempdir().ok()?;
        let exe = std::env::current_exe().ok()?;
        let busy_poll_us = guc::builtin::CLIENT_BUSY_POLL.get().max(0);
        let child = Command::new(exe)
            .arg("wire-floor")
            .arg(dir.path())
            .args([port.to_string(), busy_poll_us.to_string()])
            .spawn()
            .ok()?;
        let socket = dir.path().join(format!(".s.PGSQL.{port}"));
        let t0 = Instant::now();
        while !socket.exists() {
            if t0.elapsed() > Duration::from_secs(5) {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Some(WireFloor { child, dir, port })
    }

    fn endpoint(&self) -> Endpoint<'_> {
        Endpoint {
            socket_dir: self.dir.path(),
            port: self.port,
            options: None,
        }
    }
}

impl Drop for WireFloor {
    fn drop(&mut self) {
        // The connection processes end with their pgbench connections; this is the listener.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The cases the wire floor also runs: statements on open connections (`select 1`).
fn floor_case(case: &BenchCase) -> bool {
    case.script == SELECT_1 && !case.args.contains(&"-C")
}

/// The pgbench rounds: every case on minipg, then on PostgreSQL, then (`select 1` cases) on the
/// wire floor, `rounds` times over.
fn pgbench_rounds(
    durable: &Server,
    sync_off: &Server,
    pg: Option<&PgCluster>,
    floor_port: u16,
    rounds: usize,
    secs: u64,
) -> Vec<Row> {
    let scripts = tempfile::tempdir().expect("tempdir");
    let mut ours = vec![Samples::default(); CASES.len()];
    let mut theirs = vec![Samples::default(); CASES.len()];
    let mut floors = vec![Samples::default(); CASES.len()];
    let mut fsyncs = Samples::default();
    let wire_floor = WireFloor::start(floor_port);
    if wire_floor.is_none() {
        eprintln!("the wire floor did not start: no floor for the select 1 rows");
    }
    for round in 0..rounds {
        eprintln!("pgbench round {}/{rounds}", round + 1);
        fsyncs.push(fsync_floor(durable.root.path(), 300));
        for (i, case) in CASES.iter().enumerate() {
            let script = scripts.path().join(format!("case{i}.sql"));
            if std::fs::write(&script, case.script).is_err() {
                continue;
            }
            let srv = if case.sync_off { sync_off } else { durable };
            ours[i].push(run_pgbench(&endpoint(srv), &script, case.args, secs));
            if let Some(pg) = pg {
                let ep = Endpoint {
                    socket_dir: pg.socket_dir(),
                    port: pg.port(),
                    options: case.sync_off.then_some("-c synchronous_commit=off"),
                };
                theirs[i].push(run_pgbench(&ep, &script, case.args, secs));
            }
            if let Some(f) = wire_floor.as_ref().filter(|_| floor_case(case)) {
                floors[i].push(run_pgbench(&f.endpoint(), &script, case.args, secs));
            }
        }
    }
    CASES
        .iter()
        .zip(ours.into_iter().zip(theirs).zip(floors))
        .map(|(case, ((ours, theirs), floor))| {
            let pg_median = theirs.median();
            let mut row = Row::new(format!("pgbench {}", case.label), "tps", ours)
                .note(if case.note.is_empty() {
                    format!("{secs} s runs")
                } else {
                    format!("{secs} s runs; {}", case.note)
                })
                .pg(pg.is_some().then_some(theirs));
            row.goal = case.goal;
            if !floor.ok.is_empty() {
                let (lo, hi) = floor.range();
                let ratio = if pg.is_some() {
                    format!(", {:.2}× PostgreSQL's median", floor.median() / pg_median)
                } else {
                    String::new()
                };
                row.floor = Some(format!(
                    "wire floor (a process per connection that answers without doing anything, busy poll as minipg's default): median {:.0} tps ({lo:.0} – {hi:.0}){ratio}: what the wire and the scheduler alone allow",
                    floor.median()
                ));
            }
            if case.script == INSERT_DELTA && !case.sync_off {
                let (lo, hi) = fsyncs.range();
                row.floor = Some(format!(
                    "fdatasync floor in the data directory's file system: median {:.0}/s ({lo:.0} – {hi:.0}) over the rounds",
                    fsyncs.median()
                ));
            }
            row
        })
        .collect()
}

/// The `value` of the total row, if there is one.
fn total(c: &mut postgres::Client) -> Option<i64> {
    let rows = c
        .simple_query("select value from schema1.counted where type = 'total'")
        .ok()?;
    rows.iter().find_map(|m| match m {
        postgres::SimpleQueryMessage::Row(r) => r.get(0).and_then(|v| v.parse().ok()),
        _ => None,
    })
}

/// Polls until the total row reads `want`; the time from `t0`, in ms (None after 30 s).
fn wait_total(c: &mut postgres::Client, want: i64, t0: Instant) -> Option<f64> {
    while t0.elapsed() < Duration::from_secs(30) {
        if total(c) == Some(want) {
            return Some(t0.elapsed().as_secs_f64() * 1e3);
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    None
}

/// worker_spi lag on `schema1.counted` (SPI worker 1, default naptime 1 s): commit of one
/// delta → the total includes it; commit of the last of 10,000 deltas → the total is right.
/// Leaves the table empty.
fn worker_spi_lag(srv: &Server, singles: usize) -> Vec<Row> {
    let Ok(mut c) = srv.try_connect() else {
        return Vec::new();
    };
    if c.batch_execute(
        "delete from schema1.counted; insert into schema1.counted values ('total', 0)",
    )
    .is_err()
    {
        return Vec::new();
    }
    let mut want = 0;
    let mut one = Samples::default();
    for i in 0..singles {
        // Spread the commits over the worker's naptime cycle.
        std::thread::sleep(Duration::from_millis(137 * (i as u64 % 7)));
        if c.batch_execute("insert into schema1.counted values ('delta', 1)")
            .is_err()
        {
            one.push(None);
            continue;
        }
        let t0 = Instant::now();
        want += 1;
        one.push(wait_total(&mut c, want, t0));
    }
    let batch: String = (0..100)
        .map(|_| "insert into schema1.counted values ('delta', 1);")
        .collect();
    let mut ok = true;
    for _ in 0..100 {
        ok &= c.batch_execute(&batch).is_ok();
    }
    let t0 = Instant::now();
    want += 10_000;
    let last = if ok {
        wait_total(&mut c, want, t0)
    } else {
        None
    };
    let _ = c.batch_execute("delete from schema1.counted");
    vec![
        Row::new(
            "worker_spi: commit of one delta → total includes it",
            "ms",
            one,
        )
        .note("worker_spi.naptime = 1 s: the lag is where in its nap the commit lands"),
        Row::one(
            "worker_spi: commit of the last of 10,000 deltas → total right",
            "ms",
            last,
        )
        .note("deltas committed 100 per transaction while the worker folds"),
    ]
}

/// worker_spi's lag with `worker_spi.naptime = 10`: a commit that inserts a delta wakes the
/// worker, so the lag is the wake-up and the fold, not the nap (issue 16: one delta ≤ 5 ms at
/// the median; 10,000 deltas right ≤ 50 ms after the last commit).
fn worker_spi_event_lag(singles: usize) -> Vec<Row> {
    let mut s = server(&["-c", "worker_spi.naptime=10"]);
    if start_timed(&mut s).is_none() {
        return Vec::new();
    }
    // worker_spi creates schema1.counted shortly after start.
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(10)
        && !s.try_connect().is_ok_and(|mut c| {
            c.simple_query("select 1 from schema1.counted limit 1")
                .is_ok()
        })
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    let rows = worker_spi_lag(&s, singles);
    let names = [
        "worker_spi, naptime 10 s: commit of one delta → total includes it",
        "worker_spi, naptime 10 s: commit of the last of 10,000 deltas → total right",
    ];
    let notes = [
        "event-driven: the commit sets the worker's latch; target ≤ 5 ms",
        "deltas committed 100 per transaction while the worker folds; target ≤ 50 ms",
    ];
    rows.into_iter()
        .zip(names.iter().zip(notes))
        .map(|(mut r, (name, note))| {
            r.name = (*name).into();
            r.note = note.into();
            r
        })
        .collect()
}

/// Smart (SIGTERM, no client) and fast (SIGINT, one idle client) stop → postmaster exited.
fn stops(runs: usize) -> Vec<Row> {
    let mut smart = Samples::default();
    let mut fast = Samples::default();
    for _ in 0..runs {
        for (signal, out) in [(libc::SIGTERM, &mut smart), (libc::SIGINT, &mut fast)] {
            let mut s = server(&[]);
            if start_timed(&mut s).is_none() {
                out.push(None);
                continue;
            }
            std::thread::sleep(Duration::from_millis(200));
            let idle = (signal == libc::SIGINT).then(|| s.try_connect().ok());
            out.push(s.stop_with(signal).map(|d| d.as_secs_f64() * 1e3));
            drop(idle);
        }
    }
    vec![
        Row::new(
            "smart stop (SIGTERM, no clients) → postmaster gone",
            "ms",
            smart,
        ),
        Row::new(
            "fast stop (SIGINT, one idle client) → postmaster gone",
            "ms",
            fast,
        ),
    ]
}

/// start → ready (postmaster.pid says ready), minipg and PostgreSQL interleaved; both with
/// an initialized data directory, so the start itself is measured.
fn start_rows(n: usize, pg: Option<&mut PgCluster>) -> Row {
    let mut ours = Samples::default();
    let mut theirs = Samples::default();
    let mut pg = pg;
    let mut s = server(&["-c", "shared_preload_libraries="]);
    let _ = s.init();
    for _ in 0..n {
        ours.push(start_timed(&mut s));
        s.stop_with(libc::SIGINT);
        if let Some(pg) = pg.as_deref_mut() {
            pg.stop_with(libc::SIGINT);
            let started = pg.restart().is_ok();
            theirs.push(
                pg.last_start()
                    .filter(|_| started)
                    .map(|d| d.as_secs_f64() * 1e3),
            );
        }
    }
    Row::new("start → ready (postmaster.pid)", "ms", ours)
        .pg(pg.is_some().then_some(theirs))
        .note("spawn → postmaster.pid says ready, both polled every 100–200 µs (minipg without preload); target ≤ 6 ms")
}

/// The line PostgreSQL and minipg log when a crash reset has ended every child.
const REINITIALIZING: &str = "all server processes terminated; reinitializing";

/// SIGKILLs `victim`, waits for the crash reset it causes (one more `REINITIALIZING` line in
/// `log`), then until a new client runs `select 1`; ms from the kill (None after 10 s).
fn crash_to_select_1(
    victim: i32,
    log: impl Fn() -> String,
    connect: impl Fn() -> Result<postgres::Client, postgres::Error>,
) -> Option<f64> {
    let resets = log().matches(REINITIALIZING).count();
    let t0 = Instant::now();
    Server::kill(victim, libc::SIGKILL);
    while log().matches(REINITIALIZING).count() == resets {
        if t0.elapsed() > Duration::from_secs(10) {
            return None;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    until_select_1(connect, t0)
}

/// A background worker SIGKILLed → the crash reset is done and a new client runs `select 1`:
/// minipg's SPI worker 2, PostgreSQL's logical replication launcher (a restartable background
/// worker whose crash also resets the server), interleaved; and → SPI worker 2 running again.
fn crash_rows(s: &Server, pg: Option<&PgCluster>, runs: usize) -> Vec<Row> {
    let mut reconnect = Samples::default();
    let mut worker_back = Samples::default();
    let mut theirs = Samples::default();
    for _ in 0..runs {
        let victim = s.pids_titled("bgworker: SPI worker 2").first().copied();
        let t0 = Instant::now();
        reconnect.push(victim.and_then(|v| crash_to_select_1(v, || s.log(), || s.try_connect())));
        let back = victim.is_some()
            && ::tests::harness::wait_until(Duration::from_secs(10), || {
                let now = s.pids_titled("bgworker: SPI worker 2");
                now.len() == 1 && Some(now[0]) != victim
            });
        worker_back.push(back.then(|| t0.elapsed().as_secs_f64() * 1e3));
        if let Some(pg) = pg {
            let launcher = pg.client().ok().and_then(|mut c| {
                c.query_one(
                    "select pid from pg_stat_activity \
                     where backend_type = 'logical replication launcher'",
                    &[],
                )
                .ok()
                .map(|r| r.get::<_, i32>(0))
            });
            theirs.push(launcher.and_then(|v| crash_to_select_1(v, || pg.log(), || pg.client())));
            // The launcher starts again a moment after the reset.
            std::thread::sleep(Duration::from_millis(300));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    vec![
        Row::new(
            "background worker SIGKILL → crash reset done, a client runs select 1",
            "ms",
            reconnect,
        )
        .pg(pg.is_some().then_some(theirs))
        .note(
            "minipg: SPI worker 2; PostgreSQL 15: its logical replication launcher; \
             target ≤ 20 ms",
        ),
        Row::new(
            "worker SIGKILL → SPI worker 2 running again",
            "ms",
            worker_back,
        ),
    ]
}

/// The benchmark run.
pub fn main(quick: bool) -> bool {
    if !crate::run(Command::new("cargo").args(["build", "--release", "-p", "postmaster"])) {
        return false;
    }
    let mut rows = latch_rows(if quick { 2_000 } else { 20_000 });
    let per_s = pgproc_cycle(if quick { 100_000 } else { 1_000_000 });
    rows.push(Row::one(
        "PGPROC init_process + proc_kill",
        "cycles/s",
        Some(per_s),
    ));

    let port_base = 40_000 + (std::process::id() % 10_000) as u16;
    let mut pg = start_pg15(port_base + 300);
    if pg.is_none() {
        eprintln!("PostgreSQL 15 not available: no comparison column");
    }
    rows.push(start_rows(if quick { 5 } else { 20 }, pg.as_mut()));

    let mut s = server(&[]);
    if start_timed(&mut s).is_none() {
        eprintln!("the server did not start; log:\n{}", s.log());
        return false;
    }
    std::thread::sleep(Duration::from_millis(300));
    let pm = s.pid();
    let idle = s.try_connect().ok();
    std::thread::sleep(Duration::from_millis(100));
    let mem = |pat: &str| {
        s.pids_titled(pat)
            .first()
            .and_then(|&p| pss_kib(p))
            .map(|k| k / 1024.0)
    };
    let segment = shared_segment_kib(pm);
    rows.push(
        Row::one("PSS: postmaster", "MiB", pss_kib(pm).map(|k| k / 1024.0)).note(format!(
            "the server's shared segment: {} kB (mapped by every process, counted in each PSS by share)",
            segment.map_or("?".to_owned(), |k| k.to_string())
        )),
    );
    rows.push(
        Row::one(
            "PSS: idle backend",
            "MiB",
            mem("postmaster: postgres postgres"),
        )
        .note("target ≤ 2 MiB"),
    );
    rows.push(
        Row::one("PSS: SPI worker 1", "MiB", mem("bgworker: SPI worker 1")).note("target ≤ 2 MiB"),
    );
    drop(idle);
    // Before any crash reset: SPI worker 1 is never restarted after one.
    rows.extend(worker_spi_lag(&s, if quick { 3 } else { 10 }));
    rows.extend(crash_rows(&s, pg.as_ref(), if quick { 3 } else { 10 }));

    if pgbench_binary().is_some() {
        let (rounds, secs) = if quick { (3, 1) } else { (5, 5) };
        let mut off = server(&["-c", "synchronous_commit=off"]);
        let _ = start_timed(&mut off);
        if let Some(pg) = &pg
            && let Err(e) = pg.client().and_then(|mut c| c.batch_execute(COUNTED_TABLE))
        {
            eprintln!("PostgreSQL 15: {e}");
        }
        // worker_spi creates schema1.counted shortly after start.
        std::thread::sleep(Duration::from_millis(300));
        rows.extend(pgbench_rounds(
            &s,
            &off,
            pg.as_ref(),
            port_base + 400,
            rounds,
            secs,
        ));
    } else {
        eprintln!("pgbench is not installed: no pgbench rows");
    }
    let ours = postmaster_death(pm, &children_of(pm));
    let theirs = pg.as_mut().map(|pg| {
        let pm = pg.pid();
        let children = children_of(pm);
        let mut t = Samples::default();
        t.push(postmaster_death(pm, &children));
        t
    });
    let mut death = Samples::default();
    death.push(ours);
    rows.push(
        Row::new("postmaster SIGKILL → last child gone", "ms", death)
            .pg(theirs)
            .note("target ≤ 5 ms"),
    );
    drop(s);
    drop(pg);
    rows.extend(stops(if quick { 3 } else { 10 }));
    rows.extend(scale_workers(1000));
    rows.extend(worker_spi_event_lag(if quick { 5 } else { 20 }));
    write_report(&rows, quick)
}

/// 1,000 registered workers (the test server's `test_workers.scale`): time from spawn until
/// every one runs, and their total memory.
fn scale_workers(n: usize) -> Vec<Row> {
    if !crate::run(Command::new("cargo").args([
        "build",
        "--release",
        "-p",
        "tests",
        "--bin",
        "minipg-test-server",
    ])) {
        return Vec::new();
    }
    let scale = format!("test_workers.scale={n}");
    // Static workers count against max_worker_processes, as in PostgreSQL.
    let max = format!("max_worker_processes={n}");
    let mut s = Server::new(&[
        "-c",
        "shared_preload_libraries=test_workers",
        "-c",
        &scale,
        "-c",
        &max,
    ])
    .with_binary(crate::release_bin("minipg-test-server"));
    let t0 = Instant::now();
    if s.try_spawn().is_err() {
        return Vec::new();
    }
    let all = ::tests::harness::wait_until(Duration::from_secs(60), || {
        s.pids_titled("bgworker: scale worker").len() >= n
    });
    let elapsed = t0.elapsed().as_secs_f64() * 1e3;
    std::thread::sleep(Duration::from_millis(200));
    let pss: f64 = s
        .pids_titled("bgworker: scale worker")
        .iter()
        .filter_map(|&p| pss_kib(p))
        .sum::<f64>()
        / 1024.0;
    drop(s);
    vec![
        Row::one(
            format!("{n} registered workers: spawn → all running"),
            "ms",
            all.then_some(elapsed),
        )
        .note(if all {
            "target ≤ 2 s (includes data directory initialisation)"
        } else {
            "NOT all started within 60 s"
        }),
        Row::one(
            format!("{n} registered workers: total PSS"),
            "MiB",
            Some(pss),
        )
        .note(format!("{:.2} MiB per worker", pss / n as f64)),
    ]
}

fn write_report(rows: &[Row], quick: bool) -> bool {
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let output = |cmd: &mut Command| {
        cmd.output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let commit = output(Command::new("git").args(["rev-parse", "--short", "HEAD"]));
    let date = output(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"]));
    let mut md = format!(
        "# Benchmarks\n\n`cargo xtask bench{}` on {cores} cores, Linux {}, {date}, commit {commit}.\n\nRatio: how many times better minipg's median is than PostgreSQL 15's from the same interleaved rounds (rate ÷ rate; for a time or a size, PostgreSQL's ÷ minipg's).\n\n| figure | median | min – max | p99 | unit | runs | PostgreSQL 15 (median, min – max, runs) | ratio (goal) | floor / note |\n|---|---|---|---|---|---|---|---|---|\n",
        if quick { " --quick" } else { "" },
        kernel.trim()
    );
    let num = |v: f64| {
        if v.is_nan() {
            "–".to_owned()
        } else {
            format!("{v:.2}")
        }
    };
    let json_num = |v: f64| {
        if v.is_nan() {
            "null".to_owned()
        } else {
            v.to_string()
        }
    };
    let json_samples = |s: &Samples| {
        let (lo, hi) = s.range();
        format!(
            "{{\"median\": {}, \"min\": {}, \"max\": {}, \"p99\": {}, \"runs\": {}, \"failed\": {}}}",
            json_num(s.median()),
            json_num(lo),
            json_num(hi),
            json_num(s.p99()),
            s.ok.len(),
            s.failed
        )
    };
    let mut json = String::from("[\n");
    for (i, r) in rows.iter().enumerate() {
        let note = match &r.floor {
            Some(f) => format!("{f}; {}", r.note),
            None => r.note.clone(),
        };
        let (lo, hi) = r.ours.range();
        let range = if r.ours.ok.len() > 1 {
            format!("{} – {}", num(lo), num(hi))
        } else {
            "–".to_owned()
        };
        let p99 = if r.ours.ok.len() >= 100 {
            num(r.ours.p99())
        } else {
            "–".to_owned()
        };
        let pg = r.pg.as_ref().map_or("–".to_owned(), |p| {
            let (lo, hi) = p.range();
            format!(
                "{}, {} – {}, {}",
                num(p.median()),
                num(lo),
                num(hi),
                p.runs()
            )
        });
        let ratio = match (r.ratio(), r.goal) {
            (Some(x), Some(g)) => format!(
                "{x:.2}× (≥ {g}×: {})",
                if x >= g { "met" } else { "missed" }
            ),
            (Some(x), None) => format!("{x:.2}×"),
            (None, Some(g)) => format!("– (≥ {g}×)"),
            (None, None) => "–".to_owned(),
        };
        md.push_str(&format!(
            "| {} | {} | {range} | {p99} | {} | {} | {pg} | {ratio} | {note} |\n",
            r.name,
            num(r.ours.median()),
            r.unit,
            r.ours.runs()
        ));
        json.push_str(&format!(
            "  {{\"name\": {:?}, \"unit\": {:?}, \"minipg\": {}, \"postgresql15\": {}, \"ratio\": {}, \"goal\": {}, \"note\": {:?}}}{}\n",
            r.name,
            r.unit,
            json_samples(&r.ours),
            r.pg.as_ref().map_or("null".to_owned(), json_samples),
            r.ratio().map_or("null".to_owned(), json_num),
            r.goal.map_or("null".to_owned(), json_num),
            note,
            if i + 1 < rows.len() { "," } else { "" }
        ));
    }
    json.push_str("]\n");
    print!("{md}");
    // The hand-written analysis below the table survives regeneration.
    let path = crate::root().join("BENCHMARKS.md");
    if let Some(notes) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|old| old.find("\n## Notes").map(|at| old[at..].to_owned()))
    {
        md.push_str(&notes);
    }
    std::fs::write(path, md).is_ok()
        && std::fs::write(crate::root().join("BENCHMARKS.json"), json).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn the_four_wake_paths_complete_their_interleaved_rounds() {
        // Forks: nextest runs each test in its own process.
        let out = wake_latencies(400, 4);
        for (how, v) in WAKES.iter().zip(&out) {
            assert_eq!(v.len(), 400, "{how:?}");
            assert!(
                v.iter().all(|x| x.is_finite() && *x > 0.0),
                "{how:?}: {v:?}"
            );
        }
    }

    #[test]
    fn failed_runs_are_counted_not_dropped() {
        let mut s = Samples::default();
        s.push(Some(1.0));
        s.push(None);
        s.push(Some(f64::NAN));
        s.push(Some(3.0));
        assert_eq!(s.runs(), "2 (2 failed)");
        assert_eq!(s.median(), 2.0);
    }
}
