//! `postmaster init | stop | reload | status`: the pg_ctl-like commands. They act on a running
//! server through its `postmaster.pid` and signals only.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::datadir::{self, process_alive, read_pid};

/// Exit code of `status` when no server runs (pg_ctl's).
pub const NOT_RUNNING: i32 = 3;

/// The operating-system user's name (initdb's default superuser name).
fn os_user() -> Option<String> {
    // SAFETY: getpwuid returns a pointer into static storage or NULL; the name is copied out
    // at once, and this single-threaded command calls no other passwd function meanwhile.
    unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        if pw.is_null() || (*pw).pw_name.is_null() {
            return None;
        }
        std::ffi::CStr::from_ptr((*pw).pw_name)
            .to_str()
            .ok()
            .map(str::to_owned)
    }
}

/// `postmaster init -D DIR [-U name] [--pwfile file]`.
pub fn init(dir: &Path, username: Option<&str>, pwfile: Option<&Path>) -> i32 {
    let password = match pwfile {
        Some(f) => match std::fs::read_to_string(f) {
            Ok(text) => match text.lines().next().map(str::to_owned) {
                Some(p) if !p.is_empty() => Some(p),
                _ => {
                    eprintln!("postmaster: password file \"{}\" is empty", f.display());
                    return 1;
                }
            },
            Err(e) => {
                eprintln!(
                    "postmaster: could not read password file \"{}\": {e}",
                    f.display()
                );
                return 1;
            }
        },
        None => None,
    };
    let Some(user) = username.map(str::to_owned).or_else(os_user) else {
        eprintln!("postmaster: could not determine the current user name; use -U");
        return 1;
    };
    if datadir::is_initialized(dir) {
        // Idempotent: a deleted `postgres` database is created again (empty).
        let had_default = spi::database_path(dir, "postgres").is_file();
        if let Err(e) = spi::init_data_dir(dir) {
            eprintln!("postmaster: {}", e.message);
            return 1;
        }
        if !had_default {
            println!(
                "created the missing database \"postgres\" in \"{}\"",
                dir.display()
            );
        }
        println!(
            "data directory \"{}\" is already initialized",
            dir.display()
        );
        return 0;
    }
    match datadir::init(dir, &user, password.as_deref()) {
        Ok(()) => {
            println!(
                "initialized data directory \"{}\" (worker_spi preloaded)",
                dir.display()
            );
            0
        }
        Err(e) => {
            eprintln!("postmaster: {e}");
            1
        }
    }
}

fn running_pid(dir: &Path) -> Option<i32> {
    read_pid(dir).filter(|&p| process_alive(p))
}

/// `postmaster status -D DIR`: 0 running, 3 not.
pub fn status(dir: &Path) -> i32 {
    match running_pid(dir) {
        Some(pid) => {
            println!("server is running (PID: {pid})");
            0
        }
        None => {
            println!("no server running");
            NOT_RUNNING
        }
    }
}

/// `postmaster reload -D DIR`.
pub fn reload(dir: &Path) -> i32 {
    match running_pid(dir) {
        Some(pid) => {
            // SAFETY: sending SIGHUP to the postmaster named in the pid file.
            unsafe { libc::kill(pid, libc::SIGHUP) };
            println!("server signaled");
            0
        }
        None => {
            eprintln!("postmaster: no server running in \"{}\"", dir.display());
            1
        }
    }
}

/// `postmaster stop -D DIR -m MODE`: signals and waits until the postmaster is gone.
pub fn stop(dir: &Path, mode: &str, timeout: Duration) -> i32 {
    let sig = match mode {
        "smart" | "s" => libc::SIGTERM,
        "fast" | "f" => libc::SIGINT,
        "immediate" | "i" => libc::SIGQUIT,
        other => {
            eprintln!(
                "postmaster: unrecognized shutdown mode \"{other}\" (smart, fast or immediate)"
            );
            return 1;
        }
    };
    let Some(pid) = running_pid(dir) else {
        eprintln!("postmaster: no server running in \"{}\"", dir.display());
        return NOT_RUNNING;
    };
    // SAFETY: signalling the postmaster named in the pid file.
    unsafe { libc::kill(pid, sig) };
    let t0 = Instant::now();
    while process_alive(pid) {
        if t0.elapsed() > timeout {
            eprintln!("postmaster: server (PID {pid}) does not shut down");
            return 1;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    println!("server stopped");
    0
}
