//! The README's "See it work" and "Control" sections, run as written: each command is taken
//! from README.md itself, with only the things a test must own replaced — the socket directory
//! (`/tmp`), the port (5432), the data directory (`./data`) and the binary
//! (`target/release/postmaster`, here the test build of the same server). So the README cannot
//! drift from what the server does.
//!
//! psql missing: the test fails, unless `MINIPG_SKIP_CLIENT_TESTS=1`.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tests::harness::{Server, psql_binary, require_tool, server_binary, wait_until};

const README: &str = include_str!("../../README.md");

/// The first ```sh block after the heading `heading`.
fn sh_block(heading: &str) -> String {
    let from = README
        .find(heading)
        .unwrap_or_else(|| panic!("README has no {heading:?}"));
    let rest = &README[from..];
    let start = rest.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let end = rest[start..].find("```").expect("the block's end");
    rest[start..start + end].to_string()
}

/// The commands of the Control table (its first column, in backquotes).
fn control_commands() -> Vec<String> {
    let from = README
        .find("## Control")
        .expect("README has a Control section");
    README[from..]
        .lines()
        .skip_while(|l| !l.starts_with("| `"))
        .take_while(|l| l.starts_with("| `"))
        .filter_map(|l| l.split('`').nth(1).map(str::to_owned))
        .collect()
}

/// `text` with the README's paths, port and binary replaced by this server's.
fn localize(text: &str, s: &Server, data: &Path, psql: &Path) -> String {
    text.replace("-h /tmp", &format!("-h {}", s.socket_dir().display()))
        .replace("-p 5432", &format!("-p {}", s.port))
        .replace("./data", &data.display().to_string())
        .replace(
            "target/release/postmaster",
            &server_binary().display().to_string(),
        )
        .replace("psql ", &format!("{} ", psql.display()))
}

fn sh(script: &str) -> (bool, String) {
    let out = Command::new("sh")
        .args(["-c", script])
        .output()
        .expect("sh");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[test]
fn the_readme_see_it_work_section_runs_as_written() {
    let Some(psql) = require_tool("readme see it work", "psql", psql_binary) else {
        return;
    };
    let s = Server::start(&[]);
    // The README assumes a server that has been up a moment: SPI worker 1 has made its table.
    let mut c = s.connect();
    assert!(
        wait_until(Duration::from_secs(10), || c
            .simple_query("select 1 from schema1.counted limit 0")
            .is_ok()),
        "SPI worker 1 never created schema1.counted"
    );
    let script = format!(
        "set -e\n{}",
        localize(&sh_block("## See it work"), &s, &s.data_dir(), &psql)
    );
    let (ok, out) = sh(&script);
    assert!(ok, "the README's commands failed:\n{script}\n{out}");
    assert!(out.contains("client backend"), "pg_stat_activity:\n{out}");
    // What the README's comments promise.
    for promised in [
        "SPI worker 1: count in schema1.counted is now 12",
        "terminating any other active server processes",
    ] {
        s.expect_n(promised, 1, Duration::from_secs(10));
    }
    let mut back = None;
    assert!(
        wait_until(Duration::from_secs(10), || {
            back = s.try_connect().ok();
            back.is_some()
        }),
        "the server did not accept clients again"
    );
    let mut c = back.expect("a client");
    let workers = |c: &mut postgres::Client| -> Vec<String> {
        c.query(
            "select backend_type from pg_stat_activity where backend_type like 'SPI worker%' \
             order by 1",
            &[],
        )
        .expect("pg_stat_activity")
        .iter()
        .map(|r| r.get(0))
        .collect()
    };
    assert!(
        wait_until(Duration::from_secs(10), || workers(&mut c)
            == ["SPI worker 2"]),
        "after the reset SPI worker 2 runs and SPI worker 1 does not: {:?}",
        workers(&mut c)
    );
}

/// A Control command without its optional parts (in brackets), localized.
fn plain(command: &str, s: &Server, data: &Path, psql: &Path) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in command.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    localize(out.trim().trim_end_matches('…').trim(), s, data, psql)
}

#[test]
fn the_readme_control_commands_run_as_written() {
    let Some(psql) = require_tool("readme control", "psql", psql_binary) else {
        return;
    };
    let s = Server::new(&[]);
    let data = s.root.path().join("readme-data");
    let commands = control_commands();
    let find = |word: &str| -> String {
        let c = commands
            .iter()
            .find(|c| c.contains(word))
            .unwrap_or_else(|| panic!("the Control table has no {word} command: {commands:?}"));
        plain(c, &s, &data, &psql)
    };
    let (ok, out) = sh(&find(" init "));
    assert!(ok, "init: {out}");
    // The first row runs the server in the foreground: here in the background of this test,
    // on the test's port and socket directory.
    let run = format!(
        "{} -p {} -c unix_socket_directories={} -c listen_addresses= >{} 2>&1 &",
        plain(&commands[0], &s, &data, &psql),
        s.port,
        s.socket_dir().display(),
        s.root.path().join("readme.log").display()
    );
    let (ok, out) = sh(&run);
    assert!(ok, "run: {run}\n{out}");
    let status = find(" status ");
    assert!(
        wait_until(Duration::from_secs(20), || sh(&status).0),
        "status never said running"
    );
    let (ok, out) = sh(&find(" reload "));
    assert!(ok, "reload: {out}");
    let (ok, out) = sh(&find(" stop "));
    assert!(ok, "stop: {out}");
    let (running, out) = sh(&status);
    assert!(!running, "status after stop: {out}");
}
