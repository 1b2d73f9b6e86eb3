//! The chaos run (`cargo xtask chaos`, and a 20-second run in the test suite): clients insert
//! delta rows into the worker_spi tables through the protocol while a monkey sends SIGKILL,
//! SIGTERM, SIGQUIT and SIGHUP to random children of the server, and now and then SIGKILLs the
//! postmaster itself and starts a new one; at the end the server must be healthy and no
//! acknowledged insert may be missing.
//!
//! The pieces: [`rng`] (a seeded xorshift: the run is reproducible up to timing), `ledger`
//! (what clients know about each insert and the invariant), `clients` (the inserting threads),
//! `monkey` (targets by process title, signals), `recovery` (outage times, a log tail
//! reader), `report` (what is printed).
//!
//! The invariants. Row by row: each insert writes its unique id into `chaos_ids` (which no
//! worker folds) in the same transaction; every acknowledged id must be there, and nothing may
//! be there that was never sent or was refused. By sum, per folded table, with positive
//! values: acknowledged sum ≤ total + remaining deltas ≤ acknowledged sum + unknown sum.
//! `SPI worker 1` is never restarted, so after a crash reset nobody folds `schema1.counted`
//! until the next postmaster start: its deltas stay and are counted as they are.
//!
//! Health at the end: the postmaster is alive, a new client runs `select 1`, every restartable
//! worker runs (and `SPI worker 1` too when no reset happened), worker 2 folds what is left,
//! and a fast shutdown exits 0.
//!
//! Never: signal the postmaster except for the monkey's deliberate kills, fork (threads only),
//! or panic on the server's answers — every failure ends up in [`ChaosReport::problems`].

mod clients;
mod ledger;
mod monkey;
mod recovery;
mod report;
pub mod rng;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::harness::Server;
pub use clients::Endpoint;
pub use ledger::{Fate, IdCheck, Ledger, Tally, Verdict};
pub use report::{ChaosReport, TableReport};

use clients::client_main;
use monkey::Monkey;
use recovery::{Event, REINITIALIZING, Recoveries, measure};
use rng::XorShift;

/// The worker_spi tables, as SQL names them: worker 1's, then worker 2's.
pub const TABLES: [&str; 2] = ["schema1.counted", "\"our schema2\".\"counted rows\""];

/// The workers with a restart interval (they must run at the end).
const RESTARTABLE_WORKERS: [&str; 1] = ["SPI worker 2"];
/// The worker that is forgotten after a crash reset (restart = never).
const NEVER_RESTARTED_WORKER: &str = "SPI worker 1";
/// The table the restartable worker folds (index into `TABLES`).
const FOLDED_TABLE: usize = 1;

/// How long the server may take to start, and the end checks each to succeed.
const START_LIMIT: Duration = Duration::from_secs(30);
const END_LIMIT: Duration = Duration::from_secs(30);

/// What to run.
#[derive(Debug, Clone)]
pub struct ChaosConfig {
    /// A server binary with `worker_spi` (the release `postmaster`, or `minipg-test-server`).
    pub server_binary: PathBuf,
    /// How long the monkey sends signals.
    pub seconds: u64,
    /// How many inserting clients.
    pub clients: usize,
    /// The seed of every random choice.
    pub seed: u64,
    /// Whether the monkey also kills the postmaster (and starts a new one).
    pub kill_postmaster: bool,
}

impl ChaosConfig {
    /// The defaults: 60 s, 8 clients.
    pub fn new(server_binary: PathBuf, seed: u64) -> ChaosConfig {
        ChaosConfig {
            server_binary,
            seconds: 60,
            clients: 8,
            seed,
            kill_postmaster: true,
        }
    }
}

/// A seed from the clock, for runs that do not name one.
pub fn seed_from_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
        ^ u64::from(std::process::id())
}

/// Runs the chaos: starts a server in a temporary directory, runs clients and the monkey for
/// `cfg.seconds`, checks the end state, stops the server. Never panics on what the server does.
pub fn run(cfg: ChaosConfig) -> ChaosReport {
    let mut report = ChaosReport {
        seed: cfg.seed,
        ..ChaosReport::default()
    };
    let mut server =
        Server::new(&["-c", "worker_spi.naptime=1"]).with_binary(cfg.server_binary.clone());
    let endpoint = Endpoint {
        socket_dir: server.socket_dir(),
        port: server.port,
    };
    match start_server(&mut server, &endpoint) {
        Ok(()) => {
            chaos(&cfg, &mut server, &endpoint, &mut report);
            check_end(&mut server, &endpoint, &mut report);
        }
        Err(problem) => report.problems.push(problem),
    }
    report.crashes_survived = server.count_log(REINITIALIZING);
    report.log = server.log();
    report
}

/// Starts the server (own process group, log file), writes the two total rows once both
/// workers have created their tables, creates the id table, and launches a dynamic worker
/// (`SPI worker 3`).
fn start_server(server: &mut Server, endpoint: &Endpoint) -> Result<(), String> {
    server.try_spawn()?;
    for pat in [
        "database system is ready to accept connections",
        "SPI worker 1 initialized with",
        "SPI worker 2 initialized with",
    ] {
        if !server.wait_log_n(pat, 1, START_LIMIT) {
            return Err(format!(
                "no log line {pat:?} within {START_LIMIT:?} of the start"
            ));
        }
    }
    let mut c = endpoint
        .connect()
        .map_err(|e| format!("first connection: {e}"))?;
    for t in TABLES {
        c.batch_execute(&format!("INSERT INTO {t} VALUES ('total', 0)"))
            .map_err(|e| format!("total row of {t}: {e}"))?;
    }
    c.batch_execute(clients::CREATE_IDS_TABLE)
        .map_err(|e| format!("{}: {e}", clients::IDS_TABLE))?;
    // A dynamic worker (PostgreSQL 9.4+ rules: never restarted) runs through the chaos too.
    c.simple_query("SELECT worker_spi_launch(3)")
        .map_err(|e| format!("worker_spi_launch(3): {e}"))?;
    Ok(())
}

/// Whether the postmaster still runs (an error once it has exited).
pub(crate) fn postmaster_alive(server: &mut Server) -> Result<(), String> {
    match server.child.as_mut().map(|c| c.try_wait()) {
        Some(Ok(None)) => Ok(()),
        Some(Ok(Some(status))) => Err(format!("the postmaster exited: {status}")),
        Some(Err(e)) => Err(format!("cannot wait for the postmaster: {e}")),
        None => Err("the postmaster was never started".into()),
    }
}

/// The chaos phase: clients and the measurer on threads, the monkey on this one.
fn chaos(cfg: &ChaosConfig, server: &mut Server, endpoint: &Endpoint, report: &mut ChaosReport) {
    let ledger = Arc::new(Mutex::new(Ledger::new(TABLES.len())));
    let stop = Arc::new(AtomicBool::new(false));
    let mut seeds = XorShift::new(cfg.seed ^ 0xC11E_475E_ED00_0000);
    let (done_tx, done_rx) = mpsc::channel::<()>();
    for _ in 0..cfg.clients {
        let (ep, seed, l, s, done) = (
            endpoint.clone(),
            seeds.next_u64(),
            Arc::clone(&ledger),
            Arc::clone(&stop),
            done_tx.clone(),
        );
        std::thread::spawn(move || {
            client_main(ep, seed, l, s);
            let _ = done.send(());
        });
    }
    drop(done_tx);
    let (event_tx, event_rx) = mpsc::channel();
    let (rec_tx, rec_rx) = mpsc::channel::<Recoveries>();
    {
        let (ep, log) = (endpoint.clone(), server.log_path());
        std::thread::spawn(move || {
            let _ = rec_tx.send(measure(event_rx, ep, log));
        });
    }

    let t0 = Instant::now();
    let mut monkey = Monkey::new(cfg.seed, server, event_tx.clone(), cfg.kill_postmaster);
    if let Err(problem) = monkey.run(server, Duration::from_secs(cfg.seconds)) {
        report.problems.push(format!("during the chaos: {problem}"));
    }
    report.signals = monkey.signals;
    report.postmaster_restarts = monkey.restarts;
    report.chaos_time = t0.elapsed();

    stop.store(true, Ordering::Relaxed);
    let _ = event_tx.send(Event::Stop);
    let deadline = Instant::now() + END_LIMIT;
    let mut finished = 0;
    while finished < cfg.clients {
        let left = deadline.saturating_duration_since(Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            break;
        }
        finished += 1;
    }
    if finished < cfg.clients {
        report.problems.push(format!(
            "{} of {} clients still stuck in a query {END_LIMIT:?} after the chaos ended (server hang?)",
            cfg.clients - finished,
            cfg.clients
        ));
    }
    match rec_rx.recv_timeout(END_LIMIT + Duration::from_secs(40)) {
        Ok(r) => {
            if r.unrecovered > 0 {
                report.problems.push(format!(
                    "{} crash resets after which `select 1` did not work within 30 s",
                    r.unrecovered
                ));
            }
            report.recovery = r.times;
        }
        Err(_) => report
            .problems
            .push("the recovery measurer is stuck (server hang?)".into()),
    }
    let l = ledger
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .closed();
    report.ledger = l.clone();
    report.codes = l.codes;
    report.connections = l.connections;
    report.connect_failures = l.connect_failures;
    report.tables = TABLES
        .iter()
        .zip(l.tables)
        .map(|(name, tally)| TableReport {
            name: (*name).to_owned(),
            tally,
            observed: None,
            remaining_deltas: None,
            verdict: None,
        })
        .collect();
}

/// Runs `f` on a thread and gives up waiting after `limit` (the thread is then left to die
/// with the server's connections).
fn with_timeout<T: Send + 'static>(
    limit: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).ok()
}

/// Polls `f` every 50 ms for up to `limit`.
fn poll(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    crate::harness::wait_until(limit, || {
        let ok = f();
        if !ok {
            std::thread::sleep(Duration::from_millis(40));
        }
        ok
    })
}

/// Every `(id, table index)` row of the id table, on a new connection, bounded in time.
fn read_ids(endpoint: &Endpoint) -> Result<Vec<(i64, i64)>, String> {
    let ep = endpoint.clone();
    with_timeout(Duration::from_secs(30), move || {
        let mut c = ep.connect().map_err(|e| format!("connect: {e}"))?;
        let sql = format!("SELECT id, tbl::bigint FROM {}", clients::IDS_TABLE);
        let rows = c.query(&sql, &[]).map_err(|e| format!("{sql}: {e}"))?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get::<_, i64>(0).map_err(|e| e.to_string())?,
                    r.try_get::<_, i64>(1).map_err(|e| e.to_string())?,
                ))
            })
            .collect()
    })
    .unwrap_or_else(|| Err("reading the ids: no answer within 30 s".into()))
}

/// One integer query on a new connection, bounded in time.
fn query_i64(endpoint: &Endpoint, sql: String) -> Result<Option<i64>, String> {
    let (ep, sql2) = (endpoint.clone(), sql.clone());
    with_timeout(Duration::from_secs(10), move || {
        let sql = sql2;
        let mut c = ep.connect().map_err(|e| format!("connect: {e}"))?;
        let row = c.query_one(&sql, &[]).map_err(|e| format!("{sql}: {e}"))?;
        row.try_get::<_, Option<i64>>(0)
            .map_err(|e| format!("{sql}: {e}"))
    })
    .unwrap_or_else(|| Err(format!("{sql}: no answer within 10 s")))
}

/// The end: health, workers, the fold, the invariant, a clean fast shutdown.
fn check_end(server: &mut Server, endpoint: &Endpoint, report: &mut ChaosReport) {
    if let Err(problem) = postmaster_alive(server) {
        report.problems.push(format!("at the end: {problem}"));
        return;
    }
    let ep = endpoint.clone();
    let up = with_timeout(END_LIMIT + Duration::from_secs(5), move || {
        poll(END_LIMIT, || ep.probe())
    });
    if up != Some(true) {
        report.problems.push(format!(
            "a new client cannot run `select 1` {END_LIMIT:?} after the chaos"
        ));
        return;
    }

    let mut expected: Vec<&str> = RESTARTABLE_WORKERS.to_vec();
    if server.count_log(REINITIALIZING) == 0 {
        expected.push(NEVER_RESTARTED_WORKER);
    }
    for name in expected {
        let title = format!("postmaster: bgworker: {name}");
        if !poll(END_LIMIT, || server.pids_titled(&title).len() == 1) {
            report.problems.push(format!(
                "{name:?} is not running {END_LIMIT:?} after the chaos: {:?}",
                server.processes()
            ));
        }
    }

    let folded_sql = format!(
        "SELECT count(*) FROM {} WHERE type = 'delta'",
        TABLES[FOLDED_TABLE]
    );
    let folded = poll(END_LIMIT, || {
        query_i64(endpoint, folded_sql.clone()) == Ok(Some(0))
    });
    if !folded {
        report.problems.push(format!(
            "{}: deltas still not folded {END_LIMIT:?} after the chaos",
            TABLES[FOLDED_TABLE]
        ));
    }

    let ids = match read_ids(endpoint) {
        Ok(present) => {
            let check = report.ledger.check_ids(&present);
            if !check.missing.is_empty() {
                let some: Vec<i64> = check.missing.iter().take(10).map(|(id, _)| *id).collect();
                report.problems.push(format!(
                    "{}: {} acknowledged inserts missing (ids {some:?}…)",
                    clients::IDS_TABLE,
                    check.missing.len()
                ));
            }
            if !check.phantom.is_empty() {
                let some: Vec<i64> = check.phantom.iter().take(10).copied().collect();
                report.problems.push(format!(
                    "{}: {} rows never sent, refused, or under another table (ids {some:?}…)",
                    clients::IDS_TABLE,
                    check.phantom.len()
                ));
            }
            Some(check)
        }
        Err(e) => {
            report.problems.push(format!(
                "{}: cannot read the end state: {e}",
                clients::IDS_TABLE
            ));
            None
        }
    };
    report.ids_present = ids.as_ref().map(|c| c.present);
    for (i, t) in report.tables.iter_mut().enumerate() {
        let missing_ids = ids.as_ref().map_or(0, |c| c.missing_in(i));
        let observed = query_i64(endpoint, format!("SELECT sum(value) FROM {}", t.name));
        let deltas = query_i64(
            endpoint,
            format!("SELECT count(*) FROM {} WHERE type = 'delta'", t.name),
        );
        let totals = query_i64(
            endpoint,
            format!("SELECT count(*) FROM {} WHERE type = 'total'", t.name),
        );
        match (observed, deltas, totals) {
            (Ok(observed), Ok(deltas), Ok(totals)) => {
                let observed = observed.unwrap_or(0);
                if totals != Some(1) {
                    report.problems.push(format!(
                        "{}: {} total rows at the end, want 1",
                        t.name,
                        totals.unwrap_or(0)
                    ));
                }
                let verdict = t.tally.check(observed);
                report.lost += verdict.lost_rows.max(missing_ids);
                if verdict.lost_sum > 0 {
                    report.problems.push(format!(
                        "{}: total + remaining deltas = {observed} < acknowledged sum {}: \
                         at least {} acknowledged rows lost",
                        t.name, t.tally.acked_sum, verdict.lost_rows
                    ));
                }
                if verdict.phantom_sum > 0 {
                    report.problems.push(format!(
                        "{}: total + remaining deltas = {observed} > acknowledged + unknown \
                         sum {}: rows the server refused or never got were counted",
                        t.name,
                        t.tally.acked_sum + t.tally.unknown_sum
                    ));
                }
                t.observed = Some(observed);
                t.remaining_deltas = deltas;
                t.verdict = Some(verdict);
            }
            (a, b, c) => {
                report.lost += missing_ids;
                for e in [a.err(), b.err(), c.err()].into_iter().flatten() {
                    report
                        .problems
                        .push(format!("{}: cannot read the end state: {e}", t.name));
                }
            }
        }
    }

    // A fast shutdown after all that must still be clean.
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(server.pid()),
        nix::sys::signal::Signal::SIGINT,
    );
    let exited = crate::harness::wait_until(END_LIMIT, || postmaster_alive(server).is_err());
    match server.child.as_mut().map(|c| c.try_wait()) {
        Some(Ok(Some(status))) if status.success() => {}
        Some(Ok(Some(status))) => report
            .problems
            .push(format!("fast shutdown after the chaos ended with {status}")),
        _ if !exited => report
            .problems
            .push(format!("fast shutdown did not finish within {END_LIMIT:?}")),
        _ => report
            .problems
            .push("cannot read the postmaster's exit status".into()),
    }
}
