//! `test_workers`: background workers that exercise every start, restart and crash rule.
//!
//! `test_workers.enable` (a comma list, postmaster-only) picks which ones register, so each test
//! runs only the workers it asserts on. Each worker logs `test worker <name> started (pid N)`
//! when it starts.
//!
//! | name | flags | start | restart | does |
//! |---|---|---|---|---|
//! | exit0 | shmem | RecoveryFinished | Never | returns Ok after 200 ms |
//! | instant | shmem | RecoveryFinished | Never | returns Ok at once (fork-loop guard) |
//! | exit1 | shmem | RecoveryFinished | 2 s | exits 1 after 100 ms |
//! | err | shmem | RecoveryFinished | 2 s | returns Err("boom") after 100 ms |
//! | never | shmem | RecoveryFinished | Never | exits 1 after 100 ms |
//! | panic | shmem | RecoveryFinished | 2 s | panics after 300 ms (a crash) |
//! | sigkill | shmem | RecoveryFinished | 2 s | SIGKILLs itself after 300 ms (a crash) |
//! | noshmem | none | PostmasterStart | 1 s | exits 3 after 100 ms (not a crash without shmem) |
//! | rawwrite | shmem | RecoveryFinished | Never | opens `postgres`'s file with SQLite itself, takes the write lock (`BEGIN IMMEDIATE`), holds it 300 ms, exits 1 without letting go |
//! | rawnoshmem | none | RecoveryFinished | Never | tries to open `postgres`'s file with SQLite itself and logs the error |
//! | pmstart | none | PostmasterStart | 1 s | waits for SIGTERM |
//! | consistent | shmem | ConsistentState | 1 s | waits for SIGTERM |
//! | idle | shmem | RecoveryFinished | 1 s | waits for SIGTERM, counts SIGHUPs |
//! | noquit | shmem | RecoveryFinished | 1 s | ignores SIGQUIT, then waits |
//! | orphan | none | RecoveryFinished | Never | ignores postmaster death, lives 3 s |
//! | late | shmem | RecoveryFinished | Never | tries to register a worker (refused), waits |
//! | illegal | db conn | PostmasterStart | Never | refused at registration |
//! | noconn | shmem | RecoveryFinished | Never | calls initialize_connection without the flag (FATAL) |
//! | sql | shmem+db | RecoveryFinished | 1 s | inserts one row per second into public.ticks |
//! | longsql | shmem+db | RecoveryFinished | Never | runs one statement that takes minutes |
//! | launcher | shmem | RecoveryFinished | Never | registers the dynamic worker `launched` (waits for SIGTERM), waits for its start, terminates it through its handle, waits for its stop, then waits |
//!
//! `test_workers.scale = N` also registers N quiet workers `scale worker 1..N` (shmem,
//! RecoveryFinished, restart 1 s) that wait for SIGTERM: the scale benchmark and test.

use std::time::Duration;

use bgworker::{BackgroundWorkerBuilder, BgWorkerFlags, BgWorkerStartTime, Worker, WorkerError};
use guc::GucString;

/// The module name for `shared_preload_libraries`.
pub const NAME: &str = "test_workers";

static ENABLE: GucString = GucString::new("");
static SCALE: guc::GucInt = guc::GucInt::new(0);

fn started(w: &Worker) {
    tracing::info!(
        "test worker {} started (pid {})",
        w.name(),
        std::process::id()
    );
}

fn sleep(w: &Worker, ms: u64) -> Result<bool, WorkerError> {
    w.wait_latch(Duration::from_millis(ms))
}

fn exit0(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    sleep(w, 200)?;
    Ok(())
}

fn instant(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    Ok(())
}

fn exit1(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    sleep(w, 100)?;
    proc::proc_kill();
    std::process::exit(1);
}

fn err(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    sleep(w, 100)?;
    Err(WorkerError::msg("boom"))
}

fn panics(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    sleep(w, 300)?;
    panic!("test worker panics on purpose");
}

fn sigkill(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    sleep(w, 300)?;
    // SAFETY: killing ourselves.
    unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
    Ok(())
}

fn noshmem(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    std::thread::sleep(Duration::from_millis(100));
    std::process::exit(3);
}

/// Opens the `postgres` database's file with SQLite itself, with no minipg connection around it.
fn raw_open(w: &Worker) -> rusqlite::Result<rusqlite::Connection> {
    let c = rusqlite::Connection::open(w.data_dir().join("base/postgres/postgres.sqlite"))?;
    c.busy_timeout(Duration::from_secs(5))?;
    Ok(c)
}

fn rawwrite(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    let _open = raw_open(w)
        .and_then(|c| c.execute_batch("BEGIN IMMEDIATE").map(|()| c))
        .map_err(|e| WorkerError::msg(e.to_string()))?;
    tracing::info!("test worker rawwrite holds the write lock");
    std::thread::sleep(Duration::from_millis(300));
    // Exits with the transaction open and the connection never closed.
    std::process::exit(1);
}

fn rawnoshmem(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    match raw_open(w).and_then(|c| c.execute_batch("BEGIN IMMEDIATE; ROLLBACK")) {
        Ok(()) => tracing::info!("test worker rawnoshmem used the database"),
        Err(e) => tracing::info!("test worker rawnoshmem could not: {e}"),
    }
    Ok(())
}

fn wait_for_sigterm(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    while w.wait_latch(Duration::from_secs(10))? {
        if w.sighup_received() {
            tracing::info!("test worker {} got sighup", w.name());
        }
    }
    tracing::info!("test worker {} got sigterm", w.name());
    Ok(())
}

fn noquit(w: &Worker) -> Result<(), WorkerError> {
    // Ignoring SIGQUIT on purpose, to test the postmaster's SIGKILL of stragglers.
    shmem::interrupt::set(
        libc::SIGQUIT,
        shmem::interrupt::Disposition::Ignore,
        shmem::interrupt::Restart::Yes,
    );
    wait_for_sigterm(w)
}

fn orphan(w: &Worker) -> Result<(), WorkerError> {
    // Ignoring the postmaster-death signal on purpose.
    shmem::interrupt::set(
        shmem::pmdeath::POSTMASTER_DEATH_SIGNAL,
        shmem::interrupt::Disposition::Ignore,
        shmem::interrupt::Restart::Yes,
    );
    started(w);
    std::thread::sleep(Duration::from_secs(3));
    Ok(())
}

fn late(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    let r = BackgroundWorkerBuilder::new("too late")
        .main(instant)
        .load();
    tracing::info!("test worker late: registration result: {r:?}");
    wait_for_sigterm_quiet(w)
}

fn wait_for_sigterm_quiet(w: &Worker) -> Result<(), WorkerError> {
    while w.wait_latch(Duration::from_secs(10))? {}
    Ok(())
}

fn quiet(w: &Worker) -> Result<(), WorkerError> {
    wait_for_sigterm_quiet(w)
}

fn noconn(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    w.initialize_connection("postgres", "postgres")?;
    Ok(())
}

fn sql(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    w.initialize_connection("postgres", "postgres")?;
    w.transaction(|spi| {
        spi.execute("CREATE TABLE IF NOT EXISTS ticks (n integer)", false, 0)
            .map(|_| ())
    })?;
    while w.wait_latch(Duration::from_secs(1))? {
        w.transaction(|spi| {
            spi.execute("INSERT INTO ticks VALUES (1)", false, 0)
                .map(|_| ())
        })?;
    }
    Ok(())
}

fn longsql(w: &Worker) -> Result<(), WorkerError> {
    w.initialize_connection("postgres", "postgres")?;
    started(w);
    w.transaction(|spi| {
        spi.execute(
            "SELECT count(*) FROM generate_series(1, 4000000000) AS g(n) WHERE n % 7 = 3",
            true,
            0,
        )
        .map(|_| ())
    })?;
    Ok(())
}

fn launcher(w: &Worker) -> Result<(), WorkerError> {
    started(w);
    let e = |e: bgworker::DynamicError| WorkerError::msg(e.to_string());
    let handle = BackgroundWorkerBuilder::new("launched")
        .shmem_access()
        .entry_point(NAME, "wait_for_sigterm")
        .never_restart()
        .register_dynamic(true)
        .map_err(e)?;
    let pid = handle.wait_for_startup().map_err(e)?;
    tracing::info!(
        "test worker launcher: launched pid {pid}, handle says {:?}",
        handle.pid()
    );
    handle.terminate();
    handle.wait_for_shutdown().map_err(e)?;
    tracing::info!(
        "test worker launcher: launched stopped, handle says {:?}",
        handle.pid()
    );
    wait_for_sigterm_quiet(w)
}

type Main = fn(&Worker) -> Result<(), WorkerError>;

fn spec(name: &str) -> Option<(BgWorkerFlags, BgWorkerStartTime, Option<u64>, Main)> {
    use BgWorkerStartTime::*;
    let shmem = BgWorkerFlags {
        shmem_access: true,
        database_connection: false,
    };
    let none = BgWorkerFlags::default();
    let db = BgWorkerFlags {
        shmem_access: true,
        database_connection: true,
    };
    Some(match name {
        "exit0" => (shmem, RecoveryFinished, None, exit0 as Main),
        "instant" => (shmem, RecoveryFinished, None, instant),
        "exit1" => (shmem, RecoveryFinished, Some(2), exit1),
        "err" => (shmem, RecoveryFinished, Some(2), err),
        "never" => (shmem, RecoveryFinished, None, exit1),
        "panic" => (shmem, RecoveryFinished, Some(2), panics),
        "sigkill" => (shmem, RecoveryFinished, Some(2), sigkill),
        "noshmem" => (none, PostmasterStart, Some(1), noshmem),
        "rawwrite" => (shmem, RecoveryFinished, None, rawwrite),
        "rawnoshmem" => (none, RecoveryFinished, None, rawnoshmem),
        "pmstart" => (none, PostmasterStart, Some(1), wait_for_sigterm),
        "consistent" => (shmem, ConsistentState, Some(1), wait_for_sigterm),
        "idle" => (shmem, RecoveryFinished, Some(1), wait_for_sigterm),
        "noquit" => (shmem, RecoveryFinished, Some(1), noquit),
        "orphan" => (none, RecoveryFinished, None, orphan),
        "late" => (shmem, RecoveryFinished, None, late),
        "illegal" => (
            BgWorkerFlags {
                shmem_access: false,
                database_connection: true,
            },
            PostmasterStart,
            None,
            instant,
        ),
        "illegal2" => (db, PostmasterStart, None, instant),
        "noconn" => (shmem, RecoveryFinished, None, noconn),
        "longsql" => (db, RecoveryFinished, None, longsql),
        "launcher" => (shmem, RecoveryFinished, None, launcher),
        "sql" => (db, RecoveryFinished, Some(1), sql),
        _ => return None,
    })
}

/// The module's init: registers the enabled workers.
pub fn init() -> Result<(), bgworker::InitError> {
    guc::StringSetting::new("test_workers.enable", &ENABLE)
        .description("Comma-separated test workers to register.")
        .define()?;
    guc::IntSetting::new("test_workers.scale", &SCALE)
        .description("Number of quiet workers to register.")
        .range(0, 10_000)
        .define()?;
    bgworker::register_entry_point(NAME, "wait_for_sigterm", wait_for_sigterm)?;
    for i in 1..=SCALE.get() {
        BackgroundWorkerBuilder::new(format!("scale worker {i}"))
            .shmem_access()
            .start_time(BgWorkerStartTime::RecoveryFinished)
            .restart_after(Duration::from_secs(1))
            .main(quiet)
            .load()?;
    }
    for name in ENABLE
        .get()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let Some((flags, start, restart, main)) = spec(name) else {
            return Err(bgworker::InitError::Other(format!(
                "test_workers: unknown worker \"{name}\""
            )));
        };
        let b = BackgroundWorkerBuilder::new(name)
            .flags(flags)
            .start_time(start)
            .main(main);
        let b = match restart {
            Some(s) => b.restart_after(Duration::from_secs(s)),
            None => b.never_restart(),
        };
        // Refusals are logged by the registration itself; the server goes on.
        let _ = b.load();
    }
    Ok(())
}
