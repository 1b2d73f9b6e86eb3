//! Twenty seconds of chaos against the real server: eight clients insert deltas into the
//! worker_spi tables while random children get SIGKILL, SIGTERM, SIGQUIT and SIGHUP and the
//! postmaster itself is killed and started again at least once. No acknowledged insert may be
//! missing (checked row by row and by sum), and the server must end healthy with worker 2
//! running.
//!
//! `MINIPG_CHAOS_SEED` picks the seed (a failing run prints its seed); the default comes from
//! the clock, so every run explores other timings. `MINIPG_CHAOS_LOG=PATH` keeps the server log.

use tests::chaos::{ChaosConfig, run, seed_from_clock};
use tests::harness::server_binary;

#[test]
fn twenty_seconds_of_random_signals_lose_no_acknowledged_insert() {
    let seed = std::env::var("MINIPG_CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(seed_from_clock);
    let report = run(ChaosConfig {
        seconds: 20,
        ..ChaosConfig::new(server_binary(), seed)
    });
    eprintln!("{report}");
    if let Some(path) = std::env::var_os("MINIPG_CHAOS_LOG") {
        std::fs::write(&path, &report.log).expect("write MINIPG_CHAOS_LOG");
    }
    assert!(
        report.crashes_survived > 0,
        "20 s of signals caused no crash reset (seed {seed})"
    );
    assert!(
        !report.postmaster_restarts.is_empty(),
        "the postmaster was never killed (seed {seed}):\n{report}"
    );
    assert!(
        report.tables.iter().all(|t| t.tally.acked_rows > 0),
        "clients got nothing done (seed {seed}):\n{report}"
    );
    assert!(
        report.passed(),
        "seed {seed}:\n{report}\nlast log lines:\n{}",
        report.log_tail(200)
    );
}
