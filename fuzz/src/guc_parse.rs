//! `guc_parse`: the settings parser — `minipg.conf` syntax, value parsing with units, and
//! reload — over a private `guc::Registry::with_builtins()`, never the process-wide one.
//!
//! Input layout: the whole input is a configuration file (lossily made UTF-8, as a file with
//! bad bytes is refused before parsing). Its first line, split at the first `=`, is also used as
//! `SET name = value`, and its value is also tried on one setting of every kind (integer with a
//! memory unit, integer with a time unit, real, Boolean, enum, string), each followed by `SHOW`.
//! Each of these is set both with `SET` (user settings) and as a command-line value (any
//! setting; that is where `-c` and the file's values are parsed). Checks: never panics; a setting
//! that accepted a value shows a value that it accepts again, and shows the same after that
//! (what `SHOW` prints is valid input).

use std::io::Write;
use std::sync::{Mutex, OnceLock, PoisonError};

use guc::Registry;

/// Settings of each kind, tried with the first line's value.
const ONE_OF_EACH_KIND: &[&str] = &[
    "statement_timeout",        // integer, milliseconds
    "authentication_timeout",   // integer, seconds, bounded 1..600
    "autovacuum_wal_threshold", // integer, memory
    "extra_float_digits",       // integer, no unit
    "synchronous_commit",       // Boolean
    "log_min_messages",         // enum
    "DateStyle",                // list-like string with a check
    "search_path",              // string
    "application_name",         // string
];

/// One registry with the built-ins, defined once (each `with_builtins` leaks its handles), and
/// one scratch file, shared by every run in this process.
struct Fixture {
    registry: Registry,
    config: tempfile::NamedTempFile,
}

fn fixture() -> &'static Mutex<Fixture> {
    static FIXTURE: OnceLock<Mutex<Fixture>> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        Mutex::new(Fixture {
            registry: Registry::with_builtins(),
            config: tempfile::Builder::new()
                .prefix("minipg-fuzz-guc")
                .suffix(".conf")
                .tempfile()
                .expect("a temporary configuration file"),
        })
    })
}

/// Parses `data` as a configuration file and as setting values (see the module doc).
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut fixture = fixture().lock().unwrap_or_else(PoisonError::into_inner);
    let path = fixture.config.path().to_owned();
    {
        let file = fixture.config.as_file_mut();
        file.set_len(0).expect("truncate the scratch file");
        let mut writer = std::io::BufWriter::new(&*file);
        std::io::Seek::rewind(&mut writer).expect("rewind the scratch file");
        writer
            .write_all(text.as_bytes())
            .and_then(|()| writer.flush())
            .expect("write the scratch file");
    }

    let mut registry = fixture.registry.clone();
    let _ = registry.load_startup(Some(&path), &[], &[]);
    let _ = registry.reload(&path);

    let first_line = text.lines().next().unwrap_or_default();
    let (name, value) = first_line.split_once('=').unwrap_or((first_line, ""));
    let (name, value) = (name.trim(), value.trim());
    for setting in std::iter::once(name).chain(ONE_OF_EACH_KIND.iter().copied()) {
        if registry.set_session(setting, Some(value), true).is_ok() {
            check_show_is_settable(&mut registry, setting, Layer::Session);
        }
        let mut startup = registry.clone();
        if startup
            .load_startup(None, &[], &[command_line(setting, value)])
            .is_ok()
        {
            check_show_is_settable(&mut startup, setting, Layer::CommandLine);
        }
    }
    registry.reset_session_all();
    let _ = registry.show_all();
}

/// Where a value is set: `SET` (user settings only) or `-c name=value` (any setting).
#[derive(Debug, Clone, Copy)]
enum Layer {
    Session,
    CommandLine,
}

fn command_line(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

/// What `SHOW name` prints must be accepted again in the same layer, and show the same again.
fn check_show_is_settable(registry: &mut Registry, name: &str, layer: Layer) {
    let Ok(shown) = registry.show(name) else {
        return;
    };
    let set_again = match layer {
        Layer::Session => registry.set_session(name, Some(&shown), true),
        Layer::CommandLine => registry.load_startup(None, &[], &[command_line(name, &shown)]),
    };
    if let Err(e) = set_again {
        panic!("{layer:?}: {name} = {shown:?} (what SHOW printed) is refused: {e}");
    }
    let again = registry
        .show(name)
        .expect("SHOW after setting what SHOW printed");
    assert_eq!(
        again, shown,
        "{layer:?}: SHOW {name} changed after setting what SHOW printed"
    );
}
