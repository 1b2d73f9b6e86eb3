//! The postmaster: the supervisor of every other minipg process, as a library with a thin
//! binary.
//!
//! [`run`] is the whole server: it parses the command line (`postmaster [-D DIR] [-p PORT]
//! [-c name=value]…`, or `init | stop | reload | status`), initialises a missing data
//! directory, loads settings, runs the preload modules' init functions (which register
//! background workers and define settings), sizes and creates the shared-memory segment, opens
//! the listen sockets and runs the server loop ([`server`]). `main` calls it with the built-in
//! modules; tests and third-party users build their own binary with their own [`Module`]s.
//!
//! Owns: the data directory lock and `postmaster.pid` ([`datadir`]), the listen sockets
//! ([`listen`]), the children and their fate ([`server`], [`pmstate`]), and the log format
//! ([`elog`]). What runs only in a forked child — the startup process, client backends,
//! autovacuum, the WAL writer and the hooks into shared memory — lives under [`child`].

//! Architecture invariants: the postmaster process is single-threaded, never takes a
//! shared-memory lock, never opens SQLite and never takes a PGPROC; it holds no lock across
//! `fork`; its signal handlers only set flags.

pub mod child;
pub mod ctl;
pub mod datadir;
pub mod elog;
pub mod error;
pub mod handoff;
pub mod hba;
pub mod listen;
pub mod pmstate;
pub mod server;
pub mod signals;
pub mod ssl;

pub use child::{autovacuum, backend, hooks, startup, walwriter};

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Parser, Subcommand};

use crate::error::PmError;

/// A loadable module: a name for `shared_preload_libraries` and its init function (the
/// `_PG_init` of PostgreSQL), which may register background workers and define settings.
#[derive(Debug, Clone, Copy)]
pub struct Module {
    /// The name `shared_preload_libraries` uses.
    pub name: &'static str,
    /// Runs once in the postmaster during preload; an error stops the start.
    pub init: fn() -> Result<(), bgworker::InitError>,
}

#[derive(Debug, Parser)]
#[command(
    name = "postmaster",
    version,
    about = "minipg: a small PostgreSQL-style server over SQLite"
)]
struct Cli {
    /// Data directory (default: $PGDATA, else ./data); created when missing.
    #[arg(short = 'D', long = "pgdata", global = true)]
    data_dir: Option<PathBuf>,
    /// Port for the Unix socket name and TCP (overrides PGPORT and minipg.conf).
    #[arg(short = 'p', long = "port", global = true)]
    port: Option<String>,
    /// Set a setting: -c name=value (repeatable; overrides minipg.conf).
    #[arg(short = 'c', value_name = "NAME=VALUE", global = true)]
    settings: Vec<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create a data directory (minipg.conf preloading worker_spi, the postgres database,
    /// the bootstrap superuser).
    Init {
        /// The bootstrap superuser's name (initdb's -U; default: the operating-system user).
        #[arg(short = 'U', long = "username")]
        username: Option<String>,
        /// Read the bootstrap superuser's password from the first line of this file.
        #[arg(long = "pwfile")]
        pwfile: Option<PathBuf>,
    },
    /// Stop a running server and wait until it is down.
    Stop {
        /// smart | fast | immediate
        #[arg(short = 'm', long = "mode", default_value = "fast")]
        mode: String,
        /// Seconds to wait.
        #[arg(short = 't', long = "timeout", default_value_t = 60)]
        timeout: u64,
    },
    /// Make a running server re-read minipg.conf (SIGHUP).
    Reload,
    /// Exit 0 if a server runs in the data directory (printing its pid), 3 if not.
    Status,
}

fn data_dir(cli: &Cli) -> PathBuf {
    cli.data_dir
        .clone()
        .or_else(|| std::env::var_os("PGDATA").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("data"))
}

/// Runs the postmaster command line with the modules it may load; returns the exit code.
pub fn run(modules: &[Module]) -> i32 {
    // Files the server creates are the server user's alone (PostgreSQL's umask).
    // SAFETY: umask only sets this process's file-creation mask.
    unsafe { libc::umask(0o077) };
    let cli = Cli::parse();
    elog::init();
    let dir = data_dir(&cli);
    match &cli.command {
        Some(Command::Init { username, pwfile }) => {
            ctl::init(&dir, username.as_deref(), pwfile.as_deref())
        }
        Some(Command::Stop { mode, timeout }) => {
            ctl::stop(&dir, mode, Duration::from_secs(*timeout))
        }
        Some(Command::Reload) => ctl::reload(&dir),
        Some(Command::Status) => ctl::status(&dir),
        None => match serve(&dir, &cli, modules) {
            Ok(code) => code,
            Err(e) => {
                tracing::error!(target: "FATAL", "{e}");
                1
            }
        },
    }
}

fn parse_overrides(cli: &Cli) -> Result<Vec<(String, String)>, PmError> {
    let mut out = Vec::new();
    if let Some(p) = &cli.port {
        out.push(("port".to_owned(), p.clone()));
    }
    for s in &cli.settings {
        let Some((k, v)) = s.split_once('=') else {
            return Err(PmError::Fatal(format!(
                "-c {s} requires a value (use -c name=value)"
            )));
        };
        out.push((k.trim().to_owned(), v.trim().to_owned()));
    }
    Ok(out)
}

fn preload(modules: &[Module]) -> Result<(), PmError> {
    let list = guc::builtin::SHARED_PRELOAD_LIBRARIES.get();
    bgworker::begin_preload();
    for name in list
        .split(',')
        .map(|s| s.trim().trim_matches('"').trim())
        .filter(|s| !s.is_empty())
    {
        match modules.iter().find(|m| m.name == name) {
            Some(m) => {
                if let Err(e) = (m.init)() {
                    bgworker::end_preload();
                    return Err(PmError::Fatal(e.to_string()));
                }
                tracing::debug!("loaded module \"{name}\"");
            }
            None => {
                bgworker::end_preload();
                let known: Vec<&str> = modules.iter().map(|m| m.name).collect();
                return Err(PmError::Fatal(format!(
                    "could not load library \"{name}\": no such module is linked into this server (available: {})",
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )));
            }
        }
    }
    bgworker::end_preload();
    Ok(())
}

fn serve(dir: &Path, cli: &Cli, modules: &[Module]) -> Result<i32, PmError> {
    proc::ps_status::init();
    if !datadir::is_initialized(dir) {
        tracing::info!("initializing data directory \"{}\"", dir.display());
        // Started without `init`: the bootstrap superuser is `postgres`.
        datadir::init(dir, sql_bootstrap_name(), None)?;
    }
    datadir::check_permissions(dir)?;
    if let Err(e) = spi::check_format(dir) {
        return Err(PmError::Fatal(match (&e.detail, &e.hint) {
            (Some(d), Some(h)) => format!("{}\nDETAIL:  {d}\nHINT:  {h}", e.message),
            _ => e.message,
        }));
    }
    let dir = std::fs::canonicalize(dir)
        .map_err(|e| PmError::io(format!("could not resolve \"{}\"", dir.display()), e))?;
    let config_file = dir.join(datadir::CONFIG_FILE);
    guc::init_builtins();
    let env: Vec<(String, String)> = std::env::var("PGPORT")
        .ok()
        .map(|p| vec![("PGPORT".to_owned(), p)])
        .unwrap_or_default();
    guc::load_startup(Some(&config_file), &env, &parse_overrides(cli)?)?;
    elog::set_min_messages(&guc::builtin::LOG_MIN_MESSAGES.get());
    let lock = datadir::acquire_lock(&dir)?;
    hba::load_at_start(&dir)?;
    ssl::load_at_start(&dir)?;
    auth::scram::init_mock_secret();
    preload(modules)?;

    let workers = bgworker::registered_workers();
    let n_static = workers.len();
    // Static and dynamic workers share max_worker_processes slots (registration refused the
    // statics beyond it).
    let n_workers = bgworker::max_worker_processes().max(n_static);
    let cfg = proc::ProcGlobalConfig::from_settings(
        usize::try_from(guc::builtin::MAX_CONNECTIONS.get()).unwrap_or(1),
        usize::try_from(guc::builtin::AUTOVACUUM_MAX_WORKERS.get()).unwrap_or(1),
        n_workers,
    );
    let n_procs = cfg.total();
    // Unfinished startups have child slots of their own (see server.rs).
    let n_slots = cfg.child_slots(n_workers) + server::max_unfinished_startups();
    let mut size = shmem::SizeBuilder::new();
    size.add("ProcGlobal", proc::shmem_size(&cfg))
        .add("PMChildFlags", shmem::pmchild::shmem_size(n_slots))
        .add("PMSignalState", shmem::pmsignal::shmem_size())
        .add(
            "BackgroundWorkerStatus",
            bgworker::shmem_status::shmem_size(n_workers),
        )
        .add(
            "BackgroundWorkerData",
            bgworker::dynamic::shmem_size(n_workers),
        )
        .add("WatchedTables", bgworker::watch::shmem_size(n_workers * 4))
        .add("AutoVacuumShmem", autovacuum::shmem_size())
        .add("AsyncQueue", proc::notify::shmem_size(cfg.total()))
        .add("WalWriterShmem", walwriter::shmem_size(n_procs))
        .add("WalIndexLocks", shmem::walindex::shmem_size(n_slots));
    shmem::create_segment(size.total())?;
    let shmem_init = move || -> Result<(), PmError> {
        proc::init_proc_global(&cfg)?;
        shmem::pmchild::init(n_slots)?;
        shmem::pmsignal::init()?;
        bgworker::shmem_status::init(n_workers)?;
        bgworker::dynamic::init(n_workers, n_static)?;
        bgworker::watch::init(n_workers * 4)?;
        autovacuum::init()?;
        proc::notify::init(cfg.total())?;
        walwriter::init(n_procs)?;
        shmem::walindex::init(n_slots)?;
        Ok(())
    };
    shmem_init()?;
    tracing::debug!("shared memory segment: {} bytes", size.total());
    shmem::pmdeath::create_pipe()
        .map_err(|e| PmError::io("could not create the postmaster-death pipe", e))?;
    spi::set_server_hooks(Box::new(hooks::ShmemHooks));
    // The SQLite library (not a database: the postmaster opens none) is set up once here, so
    // children inherit it instead of each paying for it.
    spi::initialize_library().map_err(|e| PmError::Fatal(e.message))?;
    child::walindex_vfs::register().map_err(PmError::Fatal)?;
    signals::install().map_err(|e| PmError::io("could not install signal handlers", e))?;

    let port = guc::builtin::PORT.get();
    let sockets = guc::builtin::UNIX_SOCKET_DIRECTORIES.get();
    let listen = guc::builtin::LISTEN_ADDRESSES.get();
    tracing::info!(
        "starting minipg {} ({})",
        env!("CARGO_PKG_VERSION"),
        spi::version_string()
    );
    let listeners = listen::open_listeners(&sockets, &listen, port)?;
    let first = |s: &str| s.split(',').next().unwrap_or("").trim().to_owned();
    let pid_file = datadir::PidFile::create(&dir, port, &first(&sockets), &first(&listen))?;
    let scheduler = bgworker::schedule::Scheduler::new(workers, n_workers);
    let pm = server::Postmaster::new(
        dir.clone(),
        config_file,
        listeners,
        pid_file,
        scheduler,
        Box::new(shmem_init),
        lock,
    );
    Ok(pm.run())
}

/// The bootstrap superuser's name when the server initialises a data directory itself.
fn sql_bootstrap_name() -> &'static str {
    "postgres"
}
