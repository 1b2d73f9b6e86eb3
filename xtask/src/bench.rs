//! `cargo xtask bench` and `cargo xtask demo`.
//!
//! Every figure is what a user would see, measured on a release build, next to a floor
//! measured in the same run where one exists (a raw futex ping-pong for latch wake-ups).
//! Servers run in temporary directories on their own Unix socket, TCP off.
//!
//! pgbench figures are several short runs, interleaved round by round (minipg, then
//! PostgreSQL 15 when `/usr/lib/postgresql/15/bin/{initdb,postgres}` exist, then the next
//! configuration), so a burst of load from elsewhere on the machine lands on both servers
//! and on every configuration alike; each row gives the median, min and max of its runs.
//! The PostgreSQL cluster is `tests::pg15::PgCluster`, a throwaway one in a temporary
//! directory (Unix socket only, trust, C locale, run as the `postgres` user when the bench runs
//! as root), with PostgreSQL's default server settings.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use proc::{BackendType, ProcGlobalConfig};
use shmem::{ShmemSafe, WaitEvents, latch};
use tests::pg15::PgCluster;

struct Row {
    name: String,
    median: f64,
    p99: f64,
    unit: &'static str,
    runs: usize,
    floor: Option<String>,
    note: String,
    /// (min, max) over the runs, for figures measured several times.
    range: Option<(f64, f64)>,
    /// PostgreSQL 15's median for the same measurement, same round.
    pg: Option<f64>,
}

impl Row {
    fn new(name: impl Into<String>, median: f64, unit: &'static str, runs: usize) -> Row {
        Row {
            name: name.into(),
            median,
            p99: f64::NAN,
            unit,
            runs,
            floor: None,
            note: String::new(),
            range: None,
            pg: None,
        }
    }

    /// Median, min and max of `samples`.
    fn from_runs(name: impl Into<String>, samples: &[f64], unit: &'static str) -> Row {
        let ok: Vec<f64> = samples.iter().copied().filter(|v| !v.is_nan()).collect();
        let (median, _) = stats(ok.clone());
        let min = ok.iter().copied().fold(f64::NAN, f64::min);
        let max = ok.iter().copied().fold(f64::NAN, f64::max);
        Row {
            range: Some((min, max)),
            ..Row::new(name, median, unit, ok.len())
        }
    }

    fn note(mut self, note: impl Into<String>) -> Row {
        self.note = note.into();
        self
    }
}

fn stats(mut v: Vec<f64>) -> (f64, f64) {
    if v.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let med = v[v.len() / 2];
    let p99 = v[((v.len() as f64 * 0.99) as usize).min(v.len() - 1)];
    (med, p99)
}

#[repr(C)]
struct PingPong {
    words: [AtomicU32; 2],
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

/// One-way wake latency: a round trip between two processes, halved. Returns (futex, latch) samples in µs.
fn latch_vs_futex(iters: usize) -> (Vec<f64>, Vec<f64>) {
    // Both sides on one CPU: every hand-off is a real sleep and wake-up, for the floor and for
    // the latch alike. (Across CPUs the floor may never sleep at all — both sides spin past
    // FUTEX_WAIT — which made the ratio meaningless; a cross-CPU wake-up on this VM costs ~20 µs
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
    let out = latch_vs_futex_pinned(iters);
    // SAFETY: restoring the affinity saved above.
    unsafe { libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &saved) };
    out
}

fn latch_vs_futex_pinned(iters: usize) -> (Vec<f64>, Vec<f64>) {
    let mut sz = shmem::SizeBuilder::new();
    sz.add_struct::<PingPong>("PingPong");
    sz.add("ProcGlobal", proc::shmem_size(&BENCH_PROCS));
    shmem::create_segment(sz.total()).expect("segment");
    let (pp, _) = shmem::init_struct_typed::<PingPong>("PingPong").expect("pingpong");
    // Futex floor: word[i] counts turns; each side waits for its turn.
    let child = fork(|| {
        for i in 0..iters as u32 {
            while pp.words[1].load(Ordering::Acquire) != i * 2 + 1 {
                futex_wait(&pp.words[1], i * 2);
            }
            pp.words[0].store(i * 2 + 2, Ordering::Release);
            futex_wake(&pp.words[0]);
        }
    });
    let mut futex = Vec::with_capacity(iters);
    for i in 0..iters as u32 {
        let t0 = Instant::now();
        pp.words[1].store(i * 2 + 1, Ordering::Release);
        futex_wake(&pp.words[1]);
        while pp.words[0].load(Ordering::Acquire) != i * 2 + 2 {
            futex_wait(&pp.words[0], i * 2);
        }
        futex.push(t0.elapsed().as_secs_f64() * 1e6 / 2.0);
    }
    reap(child);
    // Latches: each side owns one and sets the other's.
    latch::init_process().expect("latch");
    let child = fork(|| {
        latch::init_process().expect("latch");
        let mine = &pp.latches[1];
        mine.own();
        pp.words[1].store(u32::MAX, Ordering::SeqCst);
        for _ in 0..iters {
            loop {
                let ev = mine.wait(WaitEvents::LATCH_SET, None);
                if ev.contains(WaitEvents::LATCH_SET) {
                    break;
                }
            }
            mine.reset();
            pp.latches[0].set();
        }
    });
    let mine = &pp.latches[0];
    mine.own();
    while pp.words[1].load(Ordering::SeqCst) != u32::MAX {
        std::hint::spin_loop();
    }
    let mut lat = Vec::with_capacity(iters);
    for _ in 0..iters {
        let t0 = Instant::now();
        pp.latches[1].set();
        loop {
            if mine
                .wait(WaitEvents::LATCH_SET, None)
                .contains(WaitEvents::LATCH_SET)
            {
                break;
            }
        }
        mine.reset();
        lat.push(t0.elapsed().as_secs_f64() * 1e6 / 2.0);
    }
    reap(child);
    (futex, lat)
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

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_owned)
        .unwrap_or_default()
}

fn server_bin() -> PathBuf {
    root().join("target/release/postmaster")
}

/// A throwaway minipg server (release build) in a temporary directory.
pub(crate) struct Srv {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) port: u16,
    child: Option<Child>,
}

impl Srv {
    pub(crate) fn new(port: u16) -> Srv {
        let dir = tempfile::Builder::new()
            .prefix("minipg-bench")
            .tempdir()
            .expect("tempdir");
        let s = Srv {
            dir,
            port,
            child: None,
        };
        let st = Command::new(server_bin())
            .arg("init")
            .args(s.args())
            .stdout(Stdio::null())
            .status();
        assert!(
            st.map(|s| s.success()).unwrap_or(false),
            "postmaster init failed"
        );
        s
    }

    fn args(&self) -> Vec<String> {
        vec![
            "-D".into(),
            self.dir.path().join("data").display().to_string(),
            "-p".into(),
            self.port.to_string(),
            "-c".into(),
            format!("unix_socket_directories={}", self.dir.path().display()),
            "-c".into(),
            "listen_addresses=".into(),
        ]
    }

    pub(crate) fn spawn(&mut self, extra: &[&str]) {
        let log = std::fs::File::create(self.dir.path().join("log")).expect("log");
        use std::os::unix::process::CommandExt;
        self.child = Some(
            Command::new(server_bin())
                .args(self.args())
                .args(extra)
                .stdout(Stdio::null())
                .stderr(log)
                .process_group(0)
                .spawn()
                .expect("spawn"),
        );
    }

    pub(crate) fn pid(&self) -> i32 {
        self.child.as_ref().map(|c| c.id() as i32).unwrap_or(0)
    }

    fn ready(&self) -> bool {
        std::fs::read_to_string(self.dir.path().join("data/postmaster.pid"))
            .map(|s| s.lines().nth(7).is_some_and(|l| l.trim() == "ready"))
            .unwrap_or(false)
    }

    pub(crate) fn wait_ready(&self) -> Duration {
        let t0 = Instant::now();
        while !self.ready() {
            assert!(t0.elapsed() < Duration::from_secs(20), "server not ready");
            std::thread::sleep(Duration::from_micros(100));
        }
        t0.elapsed()
    }

    pub(crate) fn client(&self) -> Result<postgres::Client, postgres::Error> {
        postgres::Config::new()
            .host_path(self.dir.path())
            .port(self.port)
            .user("postgres")
            .dbname("postgres")
            .connect(postgres::NoTls)
    }

    pub(crate) fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            // SAFETY: signalling our own server.
            unsafe { libc::kill(c.id() as i32, libc::SIGINT) };
            let _ = c.wait();
        }
    }
}

impl Drop for Srv {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            // SAFETY: killing our own server's process group.
            unsafe { libc::killpg(c.id() as i32, libc::SIGKILL) };
            let _ = c.wait();
        }
    }
}

fn titled(pgrp: i32, pat: &str) -> Vec<i32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
            continue;
        };
        let f: Vec<&str> = rest.split_whitespace().collect();
        if f.first() == Some(&"Z") || f.get(2).and_then(|g| g.parse::<i32>().ok()) != Some(pgrp) {
            continue;
        }
        let t = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&t).contains(pat) {
            out.push(pid);
        }
    }
    out
}

fn pss_kib(pid: i32) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let line = s.lines().find(|l| l.starts_with("Pss:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn pgbench() -> Option<PathBuf> {
    [17, 16, 15, 14]
        .iter()
        .map(|v| PathBuf::from(format!("/usr/lib/postgresql/{v}/bin/pgbench")))
        .find(|p| p.exists())
        .or_else(|| Some(PathBuf::from("pgbench")).filter(|_| which("pgbench")))
}

fn which(b: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {b}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Where pgbench connects: a Unix socket directory and port, plus `PGOPTIONS` if any.
struct Endpoint<'a> {
    socket_dir: &'a Path,
    port: u16,
    options: Option<&'a str>,
}

impl Srv {
    fn endpoint(&self) -> Endpoint<'_> {
        Endpoint {
            socket_dir: self.dir.path(),
            port: self.port,
            options: None,
        }
    }
}

fn run_pgbench(ep: &Endpoint<'_>, script: &Path, args: &[&str], secs: u64) -> Option<f64> {
    let bin = pgbench()?;
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

/// A throwaway PostgreSQL 15 (`tests::pg15`, default server options) with the worker_spi
/// table the insert cases write to; None when PostgreSQL 15 is not installed or does not
/// come up.
fn start_pg15(port: u16) -> Option<PgCluster> {
    let pg = match PgCluster::start(port, &[]) {
        Ok(pg) => pg,
        Err(e) => {
            eprintln!("PostgreSQL 15: {e}");
            return None;
        }
    };
    let ok = pg
        .client()
        .and_then(|mut c| {
            c.batch_execute(
                "CREATE SCHEMA schema1; CREATE TABLE schema1.counted (type text \
                 CHECK (type IN ('total', 'delta')), value integer); CREATE UNIQUE \
                 INDEX ON schema1.counted (type) WHERE type = 'total'",
            )
        })
        .is_ok();
    ok.then_some(pg)
}

fn pg_endpoint<'a>(pg: &'a PgCluster, options: Option<&'a str>) -> Endpoint<'a> {
    Endpoint {
        socket_dir: pg.socket_dir(),
        port: pg.port(),
        options,
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
}

const SELECT_1: &str = "select 1;\n";
const INSERT_DELTA: &str = "insert into schema1.counted values ('delta', 1);\n";

const CASES: &[BenchCase] = &[
    BenchCase {
        label: "select 1, -M simple, 1 client",
        script: SELECT_1,
        args: &["-M", "simple"],
        sync_off: false,
        note: "goal ≥ 18k",
    },
    BenchCase {
        label: "select 1, -M extended, 1 client",
        script: SELECT_1,
        args: &["-M", "extended"],
        sync_off: false,
        note: "",
    },
    BenchCase {
        label: "select 1, -M simple, 8 clients -j 2",
        script: SELECT_1,
        args: &["-M", "simple", "-c", "8", "-j", "2"],
        sync_off: false,
        note: "goal ≥ 90k",
    },
    BenchCase {
        label: "select 1, -M extended, 8 clients -j 2",
        script: SELECT_1,
        args: &["-M", "extended", "-c", "8", "-j", "2"],
        sync_off: false,
        note: "",
    },
    BenchCase {
        label: "connections/s, -C select 1",
        script: SELECT_1,
        args: &["-C"],
        sync_off: false,
        note: "goal ≥ 2,000",
    },
    BenchCase {
        label: "durable insert into schema1.counted, 1 client",
        script: INSERT_DELTA,
        args: &[],
        sync_off: false,
        note: "synchronous_commit = on; goal ≥ 4.5k",
    },
    BenchCase {
        label: "durable insert into schema1.counted, 8 clients -j 2",
        script: INSERT_DELTA,
        args: &["-c", "8", "-j", "2"],
        sync_off: false,
        note: "synchronous_commit = on",
    },
    BenchCase {
        label: "insert, synchronous_commit = off, 1 client",
        script: INSERT_DELTA,
        args: &[],
        sync_off: true,
        note: "minipg started with -c synchronous_commit=off; PostgreSQL with PGOPTIONS; goal ≥ 2× PostgreSQL",
    },
    BenchCase {
        label: "insert, synchronous_commit = off, 8 clients -j 2",
        script: INSERT_DELTA,
        args: &["-c", "8", "-j", "2"],
        sync_off: true,
        note: "as above",
    },
];

/// fdatasync of one 4 kB page rewritten in place in `dir`, `n` times: the floor under a
/// durable commit (SQLite's WAL commit with `synchronous = FULL` syncs at least once).
fn fsync_floor(dir: &Path, n: usize) -> f64 {
    use std::os::unix::fs::FileExt;
    let Ok(f) = std::fs::File::create(dir.join("fsync-floor")) else {
        return f64::NAN;
    };
    let page = [0x5a_u8; 4096];
    let t0 = Instant::now();
    for _ in 0..n {
        if f.write_at(&page, 0).is_err() || f.sync_data().is_err() {
            return f64::NAN;
        }
    }
    n as f64 / t0.elapsed().as_secs_f64()
}

/// The pgbench rounds: every case on minipg then on PostgreSQL, `rounds` times over.
fn pgbench_rounds(
    durable: &Srv,
    sync_off: &Srv,
    pg: Option<&PgCluster>,
    rounds: usize,
    secs: u64,
) -> Vec<Row> {
    let scripts = tempfile::tempdir().expect("tempdir");
    let mut ours: Vec<Vec<f64>> = vec![Vec::new(); CASES.len()];
    let mut theirs: Vec<Vec<f64>> = vec![Vec::new(); CASES.len()];
    let mut fsyncs = Vec::new();
    for round in 0..rounds {
        eprintln!("pgbench round {}/{rounds}", round + 1);
        fsyncs.push(fsync_floor(durable.dir.path(), 300));
        for (i, case) in CASES.iter().enumerate() {
            let script = scripts.path().join(format!("case{i}.sql"));
            if std::fs::write(&script, case.script).is_err() {
                continue;
            }
            let srv = if case.sync_off { sync_off } else { durable };
            ours[i]
                .push(run_pgbench(&srv.endpoint(), &script, case.args, secs).unwrap_or(f64::NAN));
            if let Some(pg) = pg {
                let options = case.sync_off.then_some("-c synchronous_commit=off");
                theirs[i].push(
                    run_pgbench(&pg_endpoint(pg, options), &script, case.args, secs)
                        .unwrap_or(f64::NAN),
                );
            }
        }
    }
    CASES
        .iter()
        .enumerate()
        .map(|(i, case)| {
            let mut row = Row::from_runs(format!("pgbench {}", case.label), &ours[i], "tps")
                .note(format!("{secs} s runs; {}", case.note));
            if pg.is_some() {
                row.pg = Some(stats(theirs[i].iter().copied().filter(|v| !v.is_nan()).collect()).0);
            }
            if case.script == INSERT_DELTA && !case.sync_off {
                let (lo, hi) = (
                    fsyncs.iter().copied().fold(f64::NAN, f64::min),
                    fsyncs.iter().copied().fold(f64::NAN, f64::max),
                );
                row.floor = Some(format!(
                    "fdatasync floor in the data directory's file system: median {:.0}/s ({lo:.0} – {hi:.0}) over the rounds",
                    stats(fsyncs.clone()).0
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

/// Polls until the total row reads `want`; the time from `t0`, in ms (NaN after 30 s).
fn wait_total(c: &mut postgres::Client, want: i64, t0: Instant) -> f64 {
    while t0.elapsed() < Duration::from_secs(30) {
        if total(c) == Some(want) {
            return t0.elapsed().as_secs_f64() * 1e3;
        }
        std::thread::sleep(Duration::from_micros(500));
    }
    f64::NAN
}

/// worker_spi lag on `schema1.counted` (SPI worker 1, default naptime 1 s): commit of one
/// delta → the total includes it; commit of the last of 10,000 deltas → the total is right.
/// Leaves the table empty.
fn worker_spi_lag(srv: &Srv, singles: usize) -> Vec<Row> {
    let Ok(mut c) = srv.client() else {
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
    let mut one = Vec::new();
    for i in 0..singles {
        // Spread the commits over the worker's naptime cycle.
        std::thread::sleep(Duration::from_millis(137 * (i as u64 % 7)));
        if c.batch_execute("insert into schema1.counted values ('delta', 1)")
            .is_err()
        {
            break;
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
        f64::NAN
    };
    let _ = c.batch_execute("delete from schema1.counted");
    vec![
        Row::from_runs(
            "worker_spi: commit of one delta → total includes it",
            &one,
            "ms",
        )
        .note("worker_spi.naptime = 1 s: the lag is where in its nap the commit lands"),
        Row::new(
            "worker_spi: commit of the last of 10,000 deltas → total right",
            last,
            "ms",
            1,
        )
        .note("deltas committed 100 per transaction while the worker folds"),
    ]
}

/// Smart (SIGTERM, no client) and fast (SIGINT, one idle client) stop → postmaster exited.
fn stops(port: u16, runs: usize) -> Vec<Row> {
    let mut smart = Vec::new();
    let mut fast = Vec::new();
    for i in 0..runs {
        for (signal, out) in [(libc::SIGTERM, &mut smart), (libc::SIGINT, &mut fast)] {
            let mut s = Srv::new(port + i as u16);
            s.spawn(&[]);
            s.wait_ready();
            std::thread::sleep(Duration::from_millis(200));
            let idle = if signal == libc::SIGINT {
                s.client().ok()
            } else {
                None
            };
            let Some(mut child) = s.child.take() else {
                continue;
            };
            let t0 = Instant::now();
            // SAFETY: signalling our own server.
            unsafe { libc::kill(child.id() as i32, signal) };
            let _ = child.wait();
            out.push(t0.elapsed().as_secs_f64() * 1e3);
            drop(idle);
        }
    }
    vec![
        Row::from_runs(
            "smart stop (SIGTERM, no clients) → postmaster gone",
            &smart,
            "ms",
        ),
        Row::from_runs(
            "fast stop (SIGINT, one idle client) → postmaster gone",
            &fast,
            "ms",
        ),
    ]
}

/// The benchmark run.
pub fn main(quick: bool) -> bool {
    if !Command::new("cargo")
        .args(["build", "--release", "-p", "postmaster"])
        .current_dir(root())
        .status()
        .is_ok_and(|s| s.success())
    {
        return false;
    }
    let mut rows = Vec::new();
    let iters = if quick { 2_000 } else { 20_000 };
    let (futex, lat) = latch_vs_futex(iters);
    let (fm, fp) = stats(futex);
    let (lm, lp) = stats(lat);
    rows.push(Row {
        name: "latch wake, one way, across processes (same CPU)".into(),
        median: lm,
        p99: lp,
        unit: "µs",
        runs: iters,
        floor: Some(format!(
            "raw futex ping-pong: median {fm:.2} µs, p99 {fp:.2} µs (ratio {:.2}×)",
            lm / fm
        )),
        note: "target ≤ 2× the futex floor".into(),
        range: None,
        pg: None,
    });
    let per_s = pgproc_cycle(if quick { 100_000 } else { 1_000_000 });
    rows.push(Row {
        name: "PGPROC init_process + proc_kill".into(),
        median: per_s,
        p99: f64::NAN,
        unit: "cycles/s",
        runs: 1,
        floor: None,
        note: String::new(),
        range: None,
        pg: None,
    });

    let port_base = 40_000 + (std::process::id() % 10_000) as u16;
    // start → ready
    let n = if quick { 5 } else { 20 };
    let mut starts = Vec::new();
    for i in 0..n {
        let mut s = Srv::new(port_base + i as u16);
        s.spawn(&["-c", "shared_preload_libraries="]);
        starts.push(s.wait_ready().as_secs_f64() * 1e3);
        s.stop();
    }
    let (m, p) = stats(starts);
    rows.push(Row {
        name: "start → ready (postmaster.pid says ready)".into(),
        median: m,
        p99: p,
        unit: "ms",
        runs: n,
        floor: None,
        note: "target ≤ 6 ms; PostgreSQL 15: 58 ms".into(),
        range: None,
        pg: None,
    });

    // worker SIGKILL → connectable, → SPI worker 2 running again; memory; postmaster SIGKILL.
    let mut s = Srv::new(port_base + 100);
    s.spawn(&[]);
    s.wait_ready();
    std::thread::sleep(Duration::from_millis(300));
    let pm = s.pid();
    let idle = s.client().ok();
    std::thread::sleep(Duration::from_millis(100));
    let mem = |pat: &str| {
        titled(pm, pat)
            .first()
            .and_then(|&p| pss_kib(p))
            .unwrap_or(f64::NAN)
            / 1024.0
    };
    let pm_pss = pss_kib(pm).unwrap_or(f64::NAN) / 1024.0;
    let be_pss = mem("postmaster: postgres postgres");
    let w_pss = mem("bgworker: SPI worker 1");
    drop(idle);
    rows.push(Row {
        name: "PSS: postmaster / idle backend / SPI worker 1".into(),
        median: pm_pss,
        p99: f64::NAN,
        unit: "MiB",
        runs: 1,
        floor: None,
        note: format!(
            "backend {be_pss:.2} MiB, worker {w_pss:.2} MiB; target ≤ 2 MiB each; segment {} kB",
            shmem::segment_size() / 1024
        ),
        range: None,
        pg: None,
    });
    // Before any crash reset: SPI worker 1 is never restarted after one.
    rows.extend(worker_spi_lag(&s, if quick { 3 } else { 10 }));
    let mut reconnect = Vec::new();
    let mut worker_back = Vec::new();
    for _ in 0..(if quick { 3 } else { 10 }) {
        let old = titled(pm, "bgworker: SPI worker 2");
        let Some(&victim) = old.first() else { break };
        let t0 = Instant::now();
        // SAFETY: killing a child of our own test server.
        unsafe { libc::kill(victim, libc::SIGKILL) };
        loop {
            if let Ok(mut c) = s.client()
                && c.simple_query("select 1").is_ok()
            {
                break;
            }
            if t0.elapsed() > Duration::from_secs(10) {
                break;
            }
        }
        reconnect.push(t0.elapsed().as_secs_f64() * 1e3);
        loop {
            let now = titled(pm, "bgworker: SPI worker 2");
            if now.len() == 1 && now[0] != victim {
                break;
            }
            if t0.elapsed() > Duration::from_secs(10) {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        worker_back.push(t0.elapsed().as_secs_f64() * 1e3);
        std::thread::sleep(Duration::from_millis(200));
    }
    let runs = reconnect.len();
    let (m, p) = stats(reconnect);
    rows.push(Row {
        name: "worker SIGKILL → a client runs select 1".into(),
        median: m,
        p99: p,
        unit: "ms",
        runs,
        floor: None,
        note: "target ≤ 20 ms; PostgreSQL 15: 110 ms".into(),
        range: None,
        pg: None,
    });
    let (m, p) = stats(worker_back);
    rows.push(Row {
        name: "worker SIGKILL → SPI worker 2 running again".into(),
        median: m,
        p99: p,
        unit: "ms",
        runs,
        floor: None,
        note: String::new(),
        range: None,
        pg: None,
    });

    if pgbench().is_some() {
        let (rounds, secs) = if quick { (3, 1) } else { (5, 5) };
        let mut off = Srv::new(port_base + 200);
        off.spawn(&["-c", "synchronous_commit=off"]);
        off.wait_ready();
        let pg = start_pg15(port_base + 300);
        if pg.is_none() {
            eprintln!("PostgreSQL 15 not available: no comparison column");
        }
        // worker_spi creates schema1.counted shortly after start.
        std::thread::sleep(Duration::from_millis(300));
        rows.extend(pgbench_rounds(&s, &off, pg.as_ref(), rounds, secs));
        drop(off);
        drop(pg);
    }
    let t0 = Instant::now();
    // SAFETY: killing our own server's postmaster.
    unsafe { libc::kill(pm, libc::SIGKILL) };
    while !titled(pm, "postmaster").is_empty() && t0.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_micros(200));
    }
    rows.push(Row {
        name: "postmaster SIGKILL → last child gone".into(),
        median: t0.elapsed().as_secs_f64() * 1e3,
        p99: f64::NAN,
        unit: "ms",
        runs: 1,
        floor: None,
        note: "target ≤ 5 ms; PostgreSQL 15: 11 ms".into(),
        range: None,
        pg: None,
    });
    drop(s);
    rows.extend(stops(port_base + 400, if quick { 3 } else { 10 }));
    rows.extend(scale_workers(port_base + 500, 1000));
    write_report(&rows, quick)
}

/// 1,000 registered workers (the test server's `test_workers.scale`): time from spawn until
/// every one runs, and their total memory.
fn scale_workers(port: u16, n: usize) -> Vec<Row> {
    if !Command::new("cargo")
        .args([
            "build",
            "--release",
            "-p",
            "tests",
            "--bin",
            "minipg-test-server",
        ])
        .current_dir(root())
        .status()
        .is_ok_and(|s| s.success())
    {
        return Vec::new();
    }
    let dir = tempfile::Builder::new()
        .prefix("minipg-bench")
        .tempdir()
        .expect("tempdir");
    use std::os::unix::process::CommandExt;
    let t0 = Instant::now();
    let Ok(mut child) = Command::new(root().join("target/release/minipg-test-server"))
        .args([
            "-D",
            &dir.path().join("data").display().to_string(),
            "-p",
            &port.to_string(),
        ])
        .args([
            "-c",
            &format!("unix_socket_directories={}", dir.path().display()),
        ])
        .args([
            "-c",
            "listen_addresses=",
            "-c",
            "shared_preload_libraries=test_workers",
        ])
        .args(["-c", &format!("test_workers.scale={n}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
    else {
        return Vec::new();
    };
    let pm = child.id() as i32;
    let mut all = false;
    while t0.elapsed() < Duration::from_secs(60) {
        if titled(pm, "bgworker: scale worker").len() >= n {
            all = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    let elapsed = t0.elapsed().as_secs_f64() * 1e3;
    std::thread::sleep(Duration::from_millis(200));
    let pss: f64 = titled(pm, "bgworker: scale worker")
        .iter()
        .filter_map(|&p| pss_kib(p))
        .sum::<f64>()
        / 1024.0;
    // SAFETY: killing our own throwaway server's process group.
    unsafe { libc::killpg(pm, libc::SIGKILL) };
    let _ = child.wait();
    let mut time = Row::new(
        format!("{n} registered workers: spawn → all running"),
        elapsed,
        "ms",
        1,
    );
    time.note = if all {
        "target ≤ 2 s (includes data directory initialisation)".into()
    } else {
        "NOT all started within 60 s".into()
    };
    let mut mem = Row::new(format!("{n} registered workers: total PSS"), pss, "MiB", 1);
    mem.note = format!("{:.2} MiB per worker", pss / n as f64);
    vec![time, mem]
}

fn write_report(rows: &[Row], quick: bool) -> bool {
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let commit = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let date = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let mut md = format!(
        "# Benchmarks\n\n`cargo xtask bench{}` on {cores} cores, Linux {}, {date}, commit {commit}.\n\n| figure | median | min – max | p99 | unit | runs | PostgreSQL 15 | floor / note |\n|---|---|---|---|---|---|---|---|\n",
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
    let mut json = String::from("[\n");
    for (i, r) in rows.iter().enumerate() {
        let note = match &r.floor {
            Some(f) => format!("{f}; {}", r.note),
            None => r.note.clone(),
        };
        let range = r.range.map_or("–".to_owned(), |(lo, hi)| {
            format!("{} – {}", num(lo), num(hi))
        });
        let pg = r.pg.map_or("–".to_owned(), num);
        md.push_str(&format!(
            "| {} | {} | {range} | {} | {} | {} | {pg} | {note} |\n",
            r.name,
            num(r.median),
            num(r.p99),
            r.unit,
            r.runs
        ));
        let (lo, hi) = r.range.unwrap_or((f64::NAN, f64::NAN));
        json.push_str(&format!(
            "  {{\"name\": {:?}, \"median\": {}, \"min\": {}, \"max\": {}, \"p99\": {}, \"unit\": {:?}, \"runs\": {}, \"postgresql15\": {}, \"note\": {:?}}}{}\n",
            r.name,
            json_num(r.median),
            json_num(lo),
            json_num(hi),
            json_num(r.p99),
            r.unit,
            r.runs,
            json_num(r.pg.unwrap_or(f64::NAN)),
            note,
            if i + 1 < rows.len() { "," } else { "" }
        ));
    }
    json.push_str("]\n");
    print!("{md}");
    // The hand-written analysis below the table survives regeneration.
    let path = root().join("BENCHMARKS.md");
    if let Some(notes) = std::fs::read_to_string(&path)
        .ok()
        .and_then(|old| old.find("\n## Notes").map(|at| old[at..].to_owned()))
    {
        md.push_str(&notes);
    }
    std::fs::write(path, md).is_ok() && std::fs::write(root().join("BENCHMARKS.json"), json).is_ok()
}
