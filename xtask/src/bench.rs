//! `cargo xtask bench` and `cargo xtask demo`.
//!
//! Every figure is what a user would see, measured on a release build, next to a floor
//! measured in the same run where one exists (a raw futex ping-pong for latch wake-ups).
//! Servers run in temporary directories on their own Unix socket, TCP off.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use proc::{BackendType, ProcGlobalConfig};
use shmem::{ShmemSafe, WaitEvents, latch};

struct Row {
    name: String,
    median: f64,
    p99: f64,
    unit: &'static str,
    runs: usize,
    floor: Option<String>,
    note: String,
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

struct Srv {
    dir: tempfile::TempDir,
    port: u16,
    child: Option<Child>,
}

impl Srv {
    fn new(port: u16) -> Srv {
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

    fn spawn(&mut self, extra: &[&str]) {
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

    fn pid(&self) -> i32 {
        self.child.as_ref().map(|c| c.id() as i32).unwrap_or(0)
    }

    fn ready(&self) -> bool {
        std::fs::read_to_string(self.dir.path().join("data/postmaster.pid"))
            .map(|s| s.lines().nth(7).is_some_and(|l| l.trim() == "ready"))
            .unwrap_or(false)
    }

    fn wait_ready(&self) -> Duration {
        let t0 = Instant::now();
        while !self.ready() {
            assert!(t0.elapsed() < Duration::from_secs(20), "server not ready");
            std::thread::sleep(Duration::from_micros(100));
        }
        t0.elapsed()
    }

    fn client(&self) -> Result<postgres::Client, postgres::Error> {
        postgres::Config::new()
            .host_path(self.dir.path())
            .port(self.port)
            .user("postgres")
            .dbname("postgres")
            .connect(postgres::NoTls)
    }

    fn stop(&mut self) {
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

fn run_pgbench(srv: &Srv, script: &str, args: &[&str], secs: u64) -> Option<f64> {
    let bin = pgbench()?;
    let f = srv.dir.path().join("script.sql");
    std::fs::write(&f, script).ok()?;
    let out = Command::new(bin)
        .args(["-n", "-h"])
        .arg(srv.dir.path())
        .args([
            "-p",
            &srv.port.to_string(),
            "-U",
            "postgres",
            "-T",
            &secs.to_string(),
            "-f",
        ])
        .arg(&f)
        .args(args)
        .arg("postgres")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let tps = text.lines().find(|l| l.starts_with("tps = "))?;
    tps.split_whitespace().nth(2)?.parse().ok()
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
        name: "latch wake, one way, across processes".into(),
        median: lm,
        p99: lp,
        unit: "µs",
        runs: iters,
        floor: Some(format!(
            "raw futex ping-pong: median {fm:.2} µs, p99 {fp:.2} µs (ratio {:.2}×)",
            lm / fm
        )),
        note: "target ≤ 2× the futex floor".into(),
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
    });
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
    });

    if pgbench().is_some() {
        let secs = if quick { 2 } else { 10 };
        for (label, args) in [
            ("select 1, -M simple, 1 client", vec!["-M", "simple"]),
            ("select 1, -M extended, 1 client", vec!["-M", "extended"]),
            (
                "select 1, -M simple, 8 clients -j 2",
                vec!["-M", "simple", "-c", "8", "-j", "2"],
            ),
            (
                "select 1, -M extended, 8 clients -j 2",
                vec!["-M", "extended", "-c", "8", "-j", "2"],
            ),
            ("connections/s, -C select 1", vec!["-C"]),
        ] {
            let tps = run_pgbench(&s, "select 1;\n", &args, secs).unwrap_or(f64::NAN);
            rows.push(Row {
                name: format!("pgbench {label}"),
                median: tps,
                p99: f64::NAN,
                unit: "tps",
                runs: 1,
                floor: None,
                note: format!("{secs} s run"),
            });
        }
        let ins = "insert into schema1.counted values ('delta', 1);\n";
        for (label, args) in [
            ("1 client", vec![]),
            ("8 clients -j 2", vec!["-c", "8", "-j", "2"]),
        ] {
            let tps = run_pgbench(&s, ins, &args, secs).unwrap_or(f64::NAN);
            rows.push(Row {
                name: format!("pgbench durable insert into schema1.counted, {label}"),
                median: tps,
                p99: f64::NAN,
                unit: "tps",
                runs: 1,
                floor: None,
                note: "synchronous_commit = on".into(),
            });
        }
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
    });
    drop(s);
    write_report(&rows, quick)
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
        "# Benchmarks\n\n`cargo xtask bench{}` on {cores} cores, Linux {}, {date}, commit {commit}.\n\n| figure | median | p99 | unit | runs | floor / note |\n|---|---|---|---|---|---|\n",
        if quick { " --quick" } else { "" },
        kernel.trim()
    );
    let mut json = String::from("[\n");
    for (i, r) in rows.iter().enumerate() {
        let note = match &r.floor {
            Some(f) => format!("{f}; {}", r.note),
            None => r.note.clone(),
        };
        let p99 = if r.p99.is_nan() {
            "–".to_owned()
        } else {
            format!("{:.2}", r.p99)
        };
        md.push_str(&format!(
            "| {} | {:.2} | {p99} | {} | {} | {note} |\n",
            r.name, r.median, r.unit, r.runs
        ));
        json.push_str(&format!(
            "  {{\"name\": {:?}, \"median\": {}, \"p99\": {}, \"unit\": {:?}, \"runs\": {}, \"note\": {:?}}}{}\n",
            r.name,
            if r.median.is_nan() { "null".into() } else { r.median.to_string() },
            if r.p99.is_nan() { "null".into() } else { r.p99.to_string() },
            r.unit,
            r.runs,
            note,
            if i + 1 < rows.len() { "," } else { "" }
        ));
    }
    json.push_str("]\n");
    print!("{md}");
    std::fs::write(root().join("BENCHMARKS.md"), md).is_ok()
        && std::fs::write(root().join("BENCHMARKS.json"), json).is_ok()
}

/// `cargo xtask demo`.
pub fn demo() -> bool {
    if !Command::new("cargo")
        .args(["build", "--release", "-p", "postmaster"])
        .current_dir(root())
        .status()
        .is_ok_and(|s| s.success())
    {
        return false;
    }
    let mut s = Srv::new(45_432);
    s.spawn(&["-c", "log_min_messages=warning"]);
    s.wait_ready();
    println!(
        "server running in {} (pid {})",
        s.dir.path().display(),
        s.pid()
    );
    let mut c = match s.client() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("could not connect: {e}");
            return false;
        }
    };
    std::thread::sleep(Duration::from_millis(300));
    let _ = c.simple_query("insert into schema1.counted values ('total', 0)");
    for i in 1..=20 {
        let _ = c.execute("insert into schema1.counted values ('delta', $1)", &[&i]);
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(1500));
    if let Ok(rows) = c.query("select type, value from schema1.counted", &[]) {
        for r in rows {
            let t: String = r.get(0);
            let v: Option<i32> = r.get(1);
            println!("schema1.counted: {t} = {v:?}");
        }
    }
    let log = std::fs::File::open(s.dir.path().join("log")).map(BufReader::new);
    if let Ok(log) = log {
        for line in log
            .lines()
            .map_while(Result::ok)
            .filter(|l| l.contains("SPI worker"))
        {
            println!("{line}");
        }
    }
    let _ = std::io::stdout().flush();
    s.stop();
    true
}
