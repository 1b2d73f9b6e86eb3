//! psql 15's describe commands against minipg and against PostgreSQL 15, on the same schema:
//! `\dt`, `\dn`, `\d schema1.counted`, `\d+ t`, `\d child`, `\di`, `\dv`, `\ds`, `\l describe`,
//! `\du`, `\df`, `\dx`. Each command's output (psql's layout: titles, column headers,
//! alignment, footers) must be the same on both servers, except for what must differ:
//!
//! - `\dx`: PostgreSQL lists the `plpgsql` extension, minipg has none (its rows are dropped
//!   from PostgreSQL's output, with the row count).
//!
//! `\l` itself is run on minipg and checked for the test's database (PostgreSQL also lists
//! `template0`/`template1`, which minipg does not have; `\l describe` is compared whole).
//! (pg_dump is tested in `pg_dump.rs`.)
//!
//! PostgreSQL 15 missing: the test fails, unless `MINIPG_SKIP_PG15_TESTS=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use tests::harness::{Server, psql_binary};
use tests::pg15::{self, PgCluster};

/// The schema both servers describe.
const SCHEMA: &[&str] = &[
    "create schema schema1",
    "create table schema1.counted (type text check (type in ('total', 'delta')), value integer)",
    "create unique index counted_unique_total on schema1.counted (type) where type = 'total'",
    "create table t (id int primary key, name varchar(20) not null default 'x', \
     price numeric(6,2), created timestamptz default now(), tags text[], unique (name, price))",
    "create index t_name_idx on t (name)",
    "create index t_lower_idx on t (lower(name))",
    "create table child (id int primary key, t_id int references t(id) on delete cascade, \
     n int check (n > 0), constraint named_chk check (n < 100))",
    "create view v as select id, name from t",
];

/// The commands compared.
const COMMANDS: &[&str] = &[
    "\\dt",
    "\\dn",
    "\\d schema1.counted",
    "\\d+ t",
    "\\d child",
    "\\di",
    "\\dv",
    "\\ds",
    "\\l describe",
    "\\du",
    "\\df",
    "\\dx",
];

const DATABASE: &str = "describe";

fn psql() -> PathBuf {
    psql_binary().expect("psql is installed")
}

/// Runs `commands` in psql against `database`; returns stdout and stderr.
fn run_psql(socket: &Path, port: u16, database: &str, commands: &[&str]) -> (String, String) {
    let mut c = Command::new(psql());
    c.arg("-X")
        .arg("-h")
        .arg(socket)
        .arg("-p")
        .arg(port.to_string())
        .args(["-U", "postgres", "-d", database, "-P", "pager=off"])
        .env("PGTZ", "UTC")
        .env_remove("PGOPTIONS")
        .env_remove("PSQLRC");
    for cmd in commands {
        c.arg("-c").arg(cmd);
    }
    let out = c.output().expect("run psql");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn setup(socket: &Path, port: u16, who: &str) {
    let (_, err) = run_psql(
        socket,
        port,
        "postgres",
        &[&format!("create database {DATABASE}")],
    );
    assert!(err.trim().is_empty(), "{who}: create database: {err}");
    let mut commands = vec!["\\set ON_ERROR_STOP on"];
    commands.extend_from_slice(SCHEMA);
    let (_, err) = run_psql(socket, port, DATABASE, &commands);
    assert!(err.trim().is_empty(), "{who}: schema: {err}");
}

/// PostgreSQL's `\dx` lists plpgsql, which minipg does not have.
fn without_plpgsql(out: &str) -> String {
    let mut lines: Vec<String> = out
        .lines()
        .filter(|l| !l.trim_start().starts_with("plpgsql "))
        .map(str::to_owned)
        .collect();
    for l in &mut lines {
        if l == "(1 row)" {
            *l = "(0 rows)".to_string();
        }
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// psql sizes columns to their widest value: re-align `\dx`'s table once plpgsql is gone
/// by comparing only the cell values (blank-separated) rather than the padding.
fn cells(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .map(|l| {
            if l.chars().all(|c| c == '-' || c == '+') {
                return vec!["(rule)".to_string()];
            }
            l.split('|').map(|c| c.trim().to_string()).collect()
        })
        .collect()
}

#[test]
fn psql_describe_matches_postgresql_15() {
    if !pg15::require("psql_describe_matches_postgresql_15") {
        return;
    }
    let pg_port = 30_000 + (std::process::id() % 20_000) as u16;
    let pg = PgCluster::start(pg_port, pg15::TEST_OPTIONS)
        .unwrap_or_else(|e| panic!("cannot start PostgreSQL 15: {e}"));
    let minipg = Server::start(&["-c", "shared_preload_libraries="]);
    setup(pg.socket_dir(), pg.port(), "PostgreSQL");
    setup(&minipg.socket_dir(), minipg.port, "minipg");

    let mut failures = Vec::new();
    for cmd in COMMANDS {
        // psql says "Did not find any relations." on stderr: both streams count.
        let (want, want_err) = run_psql(pg.socket_dir(), pg.port(), DATABASE, &[cmd]);
        let (got, got_err) = run_psql(&minipg.socket_dir(), minipg.port, DATABASE, &[cmd]);
        let (want, got) = (want + &want_err, got + &got_err);
        let same = if *cmd == "\\dx" {
            cells(&without_plpgsql(&want)) == cells(&got)
        } else {
            want == got
        };
        if !same {
            failures.push(format!("{cmd}\n--- PostgreSQL 15\n{want}--- minipg\n{got}"));
        }
    }
    // `\l`: every database of minipg, the test's included.
    let (list, err) = run_psql(&minipg.socket_dir(), minipg.port, DATABASE, &["\\l"]);
    if !err.trim().is_empty() || !list.contains(&format!(" {DATABASE} ")) {
        failures.push(format!("\\l on minipg\n{list}{err}"));
    }
    assert!(
        failures.is_empty(),
        "psql output differs:\n\n{}",
        failures.join("\n")
    );
}
