//! `cargo xtask chaos [--seconds N] [--seed S] [--clients C]`: builds the release `postmaster`
//! and runs the chaos engine of `tests::chaos` against it, printing its report. Exits non-zero
//! on any lost acknowledged insert or an unhealthy end; the server log of a failed run is kept
//! in `target/chaos-<seed>.log`.

use std::process::Command;

use tests::chaos::{ChaosConfig, run, seed_from_clock};

fn value<T: std::str::FromStr>(args: &[String], flag: &str) -> Result<Option<T>, String> {
    match args.iter().position(|a| a == flag) {
        None => Ok(None),
        Some(i) => args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .map(Some)
            .ok_or_else(|| format!("{flag} needs a number")),
    }
}

/// The subcommand; `args` are the words after `chaos`.
pub fn main(args: &[String]) -> bool {
    let parsed = (|| -> Result<ChaosConfig, String> {
        let seed = value(args, "--seed")?.unwrap_or_else(seed_from_clock);
        let mut cfg = ChaosConfig::new(crate::release_bin("postmaster"), seed);
        if let Some(s) = value(args, "--seconds")? {
            cfg.seconds = s;
        }
        if let Some(c) = value(args, "--clients")? {
            cfg.clients = c;
        }
        Ok(cfg)
    })();
    let cfg = match parsed {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}\nusage: cargo xtask chaos [--seconds N] [--seed S] [--clients C]");
            return false;
        }
    };
    if !crate::run(Command::new("cargo").args(["build", "--release", "-p", "postmaster"])) {
        return false;
    }
    eprintln!(
        "chaos: {} s, {} clients, seed {} (repeat with --seed {})",
        cfg.seconds, cfg.clients, cfg.seed, cfg.seed
    );
    let report = run(cfg);
    println!("{report}");
    if !report.passed() {
        let path = crate::target_dir().join(format!("chaos-{}.log", report.seed));
        match std::fs::write(&path, &report.log) {
            Ok(()) => eprintln!("server log: {}", path.display()),
            Err(e) => eprintln!("cannot write {}: {e}", path.display()),
        }
    }
    report.passed()
}
