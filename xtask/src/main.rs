//! `cargo xtask …`: the project's own tasks.
//!
//! - `ci`: what CI runs (`.ci/run` without the installs): fmt check, clippy with warnings
//!   denied, the README's test command, doc tests.
//! - `demo`: the README's "See it work" on a throwaway server: the insert, worker_spi's log
//!   line, `pg_stat_activity`, a `kill -9` of SPI worker 2 and the reset.
//! - `bench [--quick]`: release build, measurements with their floors and PostgreSQL 15's
//!   figures measured in the same run, `BENCHMARKS.md`.
//! - `chaos [--seconds N] [--seed S]`: release build; clients insert while random children get
//!   random signals and the postmaster is killed and started again; fails on any lost
//!   acknowledged insert (checked row by row and by sum) or an unhealthy end.
//!
//! - `wire-floor DIR PORT` (run by `bench`): a server that answers `select 1` with no work,
//!   to measure what the wire alone costs (`wire_floor.rs`).
//!
//! Single-threaded, except `chaos` (which forks nothing): the latch benchmark forks.

mod bench;
mod chaos;
mod demo;
mod wire_floor;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_owned)
        .unwrap_or_default()
}

/// Cargo's target directory (`$CARGO_TARGET_DIR`, else `target/` in the workspace).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}

/// A binary of the release build.
fn release_bin(name: &str) -> PathBuf {
    target_dir().join("release").join(name)
}

fn run(cmd: &mut Command) -> bool {
    eprintln!("+ {cmd:?}");
    cmd.current_dir(root())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

fn ci() -> bool {
    run(Command::new("cargo").args(["fmt", "--all", "--", "--check"]))
        && run(Command::new("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
        && run(Command::new("cargo").args(["nextest", "run", "--workspace"]))
        && run(Command::new("cargo").args(["test", "--workspace", "--doc"]))
        && run(Command::new("cargo").args([
            "test",
            "--release",
            "--manifest-path",
            "fuzz/Cargo.toml",
        ]))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let ok = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench") => bench::main(args.iter().any(|a| a == "--quick")),
        Some("demo") => demo::main(),
        Some("chaos") => chaos::main(&args[1..]),
        Some("wire-floor") => wire_floor::main(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask ci | bench [--quick] | demo | chaos [--seconds N] [--seed S]"
            );
            false
        }
    };
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
