//! `cargo xtask demo`: what the README's "See it work" shows, on a throwaway server — the insert,
//! worker_spi's log line, `pg_stat_activity`, a `kill -9` of SPI worker 2 and the crash reset
//! that follows — each step printed as it happens.

use std::io::Write;
use std::time::{Duration, Instant};

/// Polls `f` every 20 ms for up to `within`; its first `Some`.
fn wait_for<T>(within: Duration, mut f: impl FnMut() -> Option<T>) -> Option<T> {
    let t0 = Instant::now();
    loop {
        if let Some(v) = f() {
            return Some(v);
        }
        if t0.elapsed() > within {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A client error as the server worded it.
fn message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => format!("{}: {}", d.severity(), d.message()),
        None => e.to_string(),
    }
}

fn step(text: &str) {
    println!("\n== {text}");
    let _ = std::io::stdout().flush();
}

pub fn main() -> bool {
    println!(
        "building minipg (cargo build --release -p postmaster; a few minutes the first time)…"
    );
    let _ = std::io::stdout().flush();
    let built = std::process::Command::new("cargo")
        .args(["build", "--release", "-p", "postmaster"])
        .current_dir(crate::root())
        .status()
        .is_ok_and(|s| s.success());
    if !built {
        eprintln!("the build failed");
        return false;
    }
    let mut s = crate::bench::server(&["-c", "worker_spi.naptime=1"]);
    if let Err(e) = s.try_spawn() {
        eprintln!("{e}");
        return false;
    }
    s.wait_ready();
    let dir = s.root.path().to_owned();
    step(&format!(
        "a throwaway server is running in {} (postmaster pid {}, port {})",
        dir.display(),
        s.pid(),
        s.port
    ));
    let mut c = match s.try_connect() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("could not connect: {}", message(&e));
            return false;
        }
    };
    // SPI worker 1 creates its table when it starts.
    let _ = wait_for(Duration::from_secs(5), || {
        c.simple_query("select 1 from schema1.counted limit 0").ok()
    });
    step("insert into schema1.counted values ('total', 0), ('delta', 5), ('delta', 7)");
    if let Err(e) = c.batch_execute(
        "insert into schema1.counted values ('total', 0), ('delta', 5), ('delta', 7)",
    ) {
        eprintln!("insert failed: {}", message(&e));
        return false;
    }
    let t0 = Instant::now();
    match wait_for(Duration::from_secs(5), || {
        tests::harness::lines_with(&s, "count in schema1.counted is now 12")
            .into_iter()
            .next()
    }) {
        Some(line) => println!(
            "after {} ms the server log shows:\n  {line}",
            t0.elapsed().as_millis()
        ),
        None => println!("worker_spi did not report the count within 5 s"),
    }
    step("select pid, backend_type, state from pg_stat_activity");
    match c.query(
        "select pid, backend_type, coalesce(state, '') from pg_stat_activity order by pid",
        &[],
    ) {
        Ok(rows) => {
            println!("  {:>7}  {:<22}  state", "pid", "backend_type");
            for r in rows {
                let pid: i32 = r.get(0);
                let ty: String = r.get(1);
                let state: String = r.get(2);
                println!("  {pid:>7}  {ty:<22}  {state}");
            }
        }
        Err(e) => println!("  query failed: {}", message(&e)),
    }
    drop(c);
    let Some(victim) = s.pids_titled("bgworker: SPI worker 2").first().copied() else {
        println!("SPI worker 2 is not running");
        s.stop_with(libc::SIGINT);
        return false;
    };
    step(&format!("kill -9 {victim}   (SPI worker 2)"));
    let killed = Instant::now();
    // SAFETY: signalling a process of our own throwaway server.
    unsafe { libc::kill(victim, libc::SIGKILL) };
    let back = wait_for(Duration::from_secs(10), || {
        s.try_connect()
            .ok()
            .and_then(|mut c| c.simple_query("select 1").ok())
    });
    match back {
        Some(_) => println!(
            "the server reset every child and accepts clients again after {} ms",
            killed.elapsed().as_millis()
        ),
        None => println!("the server did not come back within 10 s"),
    }
    for pat in [
        "terminated by signal",
        "terminating any other active server processes",
        "all server processes terminated; reinitializing",
    ] {
        for line in tests::harness::lines_with(&s, pat) {
            println!("  {line}");
        }
    }
    let worker2 = wait_for(Duration::from_secs(5), || {
        s.pids_titled("bgworker: SPI worker 2").first().copied()
    });
    match worker2 {
        Some(pid) => println!("SPI worker 2 runs again (pid {pid})"),
        None => println!("SPI worker 2 did not start again within 5 s"),
    }
    if s.pids_titled("bgworker: SPI worker 1")
        .first()
        .copied()
        .is_none()
    {
        println!(
            "SPI worker 1 does not come back: worker_spi registers it as never restarted \
             (PostgreSQL's BGW_NEVER_RESTART), and a crash reset forgets such workers, as \
             PostgreSQL does"
        );
    }
    let _ = std::io::stdout().flush();
    s.stop_with(libc::SIGINT);
    true
}
