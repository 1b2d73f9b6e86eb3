//! Worker registration: the typed builder, the checks, and the process-local list of
//! registered workers (filled during preload in the postmaster, inherited by every child).

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::runtime::{Worker, WorkerError};

/// The longest restart interval accepted: one day (9.3 meant this, but compared milliseconds
/// with seconds).
pub const MAX_RESTART_INTERVAL: Duration = Duration::from_secs(86_400);

/// What a worker needs from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BgWorkerFlags {
    /// BGWORKER_SHMEM_ACCESS: attach to shared memory (take a PGPROC).
    pub shmem_access: bool,
    /// BGWORKER_BACKEND_DATABASE_CONNECTION: may connect to a database.
    pub database_connection: bool,
}

/// When the postmaster may start a worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BgWorkerStartTime {
    /// As soon as the postmaster has started.
    PostmasterStart,
    /// When the startup process reports a consistent state.
    ConsistentState,
    /// When the server accepts connections.
    RecoveryFinished,
}

/// What happens after a worker exits with code 1 (or, without shared memory, another way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestartPolicy {
    /// BGW_NEVER_RESTART.
    Never,
    /// Restart this long after the exit.
    After(Duration),
}

/// A worker's main function.
pub type WorkerMain = fn(&Worker) -> Result<(), WorkerError>;

/// A registered background worker (PostgreSQL's BackgroundWorker struct).
#[derive(Debug, Clone)]
pub struct BackgroundWorker {
    /// Shown in logs, `ps` and `pg_stat_activity.backend_type`.
    pub name: String,
    /// What it needs.
    pub flags: BgWorkerFlags,
    /// When it may start.
    pub start_time: BgWorkerStartTime,
    /// When it is restarted.
    pub restart_time: RestartPolicy,
    /// Its main function.
    pub main: WorkerMain,
    /// The argument it gets through [`Worker::main_arg`].
    pub main_arg: i64,
    /// Run from the worker's loop (never in the handler) after a SIGHUP.
    pub on_sighup: Option<fn()>,
    /// Run from the worker's loop (never in the handler) after a SIGTERM.
    pub on_sigterm: Option<fn()>,
    /// The module that provides `main` (PostgreSQL's `bgw_library_name`); empty when unknown.
    pub library: String,
    /// The entry point's name within `library` (PostgreSQL's `bgw_function_name`): what a
    /// dynamic registration names instead of a function pointer. Empty for a static worker
    /// registered with [`BackgroundWorkerBuilder::main`].
    pub function: String,
}

/// Why a registration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    #[error("background worker \"{0}\": must be registered in shared_preload_libraries")]
    NotInPreload(String),
    #[error(
        "background worker \"{0}\": must attach to shared memory in order to request a database connection"
    )]
    ConnectionWithoutShmem(String),
    #[error(
        "background worker \"{0}\": cannot request database access if starting at postmaster start"
    )]
    ConnectionAtPostmasterStart(String),
    #[error("background worker \"{0}\": invalid restart interval")]
    InvalidRestartInterval(String),
    #[error("background worker \"{0}\": has no main function")]
    NoMain(String),
    #[error("background worker name must not be empty")]
    EmptyName,
    /// The worker (named for the caller; PostgreSQL's message does not name it) and
    /// `max_worker_processes`.
    #[error("too many background workers")]
    TooMany(String, usize),
    #[error("background worker \"{0}\": could not find function \"{2}\" in library \"{1}\"")]
    UnknownEntryPoint(String, String, String),
}

impl RegisterError {
    /// PostgreSQL's DETAIL line, where it gives one.
    pub fn detail(&self) -> Option<String> {
        match self {
            RegisterError::TooMany(_, 1) => Some(
                "Up to 1 background worker can be registered with the current settings.".into(),
            ),
            RegisterError::TooMany(_, n) => Some(format!(
                "Up to {n} background workers can be registered with the current settings."
            )),
            _ => None,
        }
    }

    /// PostgreSQL's HINT line, where it gives one.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            RegisterError::TooMany(..) => {
                Some("Consider increasing the configuration parameter \"max_worker_processes\".")
            }
            _ => None,
        }
    }
}

/// Why a module's init function (its `_PG_init`) failed; the server does not start.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// A setting could not be defined.
    #[error(transparent)]
    Setting(#[from] guc::GucError),
    /// A worker or entry point was refused.
    #[error(transparent)]
    Worker(#[from] RegisterError),
    /// An SQL function could not be defined.
    #[error(transparent)]
    Sql(#[from] spi::SpiError),
    /// Anything else, in the module's words.
    #[error("{0}")]
    Other(String),
}

static PRELOADING: AtomicBool = AtomicBool::new(false);
static REGISTRY: Mutex<Vec<BackgroundWorker>> = Mutex::new(Vec::new());
/// Named entry points: (library, function, main). Filled during preload, inherited by every
/// child, so a dynamic registration can name its main function instead of passing a pointer.
static ENTRY_POINTS: Mutex<Vec<(String, String, WorkerMain)>> = Mutex::new(Vec::new());

/// Makes `main` startable by name as `function` of `library` (what a dynamic registration
/// names). Accepted only during preload, like static registration, so that every process
/// knows the same entry points.
pub fn register_entry_point(
    library: &str,
    function: &str,
    main: WorkerMain,
) -> Result<(), RegisterError> {
    if !PRELOADING.load(Ordering::SeqCst) {
        return Err(RegisterError::NotInPreload(format!("{library}.{function}")));
    }
    let mut eps = ENTRY_POINTS.lock().unwrap_or_else(|e| e.into_inner());
    eps.retain(|(l, f, _)| !(l == library && f == function));
    eps.push((library.to_owned(), function.to_owned(), main));
    Ok(())
}

/// The main function registered as `function` of `library`.
pub fn entry_point(library: &str, function: &str) -> Option<WorkerMain> {
    ENTRY_POINTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(l, f, _)| l == library && f == function)
        .map(|&(_, _, m)| m)
}

/// `max_worker_processes`: the slots static and dynamic workers share.
pub fn max_worker_processes() -> usize {
    guc::builtin::MAX_WORKER_PROCESSES.get().max(0) as usize
}

/// Postmaster: preload modules are about to be initialised; registrations are accepted.
pub fn begin_preload() {
    PRELOADING.store(true, Ordering::SeqCst);
}

/// Postmaster: preload is over; later registrations are refused.
pub fn end_preload() {
    PRELOADING.store(false, Ordering::SeqCst);
}

/// Every registered worker, in registration order.
pub fn registered_workers() -> Vec<BackgroundWorker> {
    REGISTRY.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

pub(crate) fn check(w: &BackgroundWorker) -> Result<(), RegisterError> {
    if w.name.is_empty() {
        return Err(RegisterError::EmptyName);
    }
    if w.flags.database_connection && !w.flags.shmem_access {
        return Err(RegisterError::ConnectionWithoutShmem(w.name.clone()));
    }
    if w.flags.database_connection && w.start_time == BgWorkerStartTime::PostmasterStart {
        return Err(RegisterError::ConnectionAtPostmasterStart(w.name.clone()));
    }
    if let RestartPolicy::After(d) = w.restart_time
        && d > MAX_RESTART_INTERVAL
    {
        return Err(RegisterError::InvalidRestartInterval(w.name.clone()));
    }
    Ok(())
}

/// RegisterBackgroundWorker: accepted only during preload. A refusal is logged (naming the
/// worker) and returned.
pub fn register_background_worker(w: BackgroundWorker) -> Result<(), RegisterError> {
    let verdict = if PRELOADING.load(Ordering::SeqCst) {
        check(&w)
    } else {
        Err(RegisterError::NotInPreload(w.name.clone()))
    };
    let mut registry = REGISTRY.lock().unwrap_or_else(|e| e.into_inner());
    let max = max_worker_processes();
    let verdict = verdict.and_then(|()| {
        if registry.len() >= max {
            Err(RegisterError::TooMany(w.name.clone(), max))
        } else {
            Ok(())
        }
    });
    match verdict {
        Ok(()) => {
            tracing::debug!("registering background worker \"{}\"", w.name);
            registry.push(w);
            Ok(())
        }
        Err(e) => {
            let mut line = e.to_string();
            if let Some(d) = e.detail() {
                line.push_str(&format!("\nDETAIL:  {d}"));
            }
            if let Some(h) = e.hint() {
                line.push_str(&format!("\nHINT:  {h}"));
            }
            tracing::info!("{line}");
            Err(e)
        }
    }
}

/// A typed builder for [`BackgroundWorker`].
#[derive(Debug, Clone)]
pub struct BackgroundWorkerBuilder {
    w: BackgroundWorker,
    main_set: bool,
    bad_interval: bool,
}

fn no_main(_: &Worker) -> Result<(), WorkerError> {
    Err(WorkerError::msg("background worker has no main function"))
}

impl BackgroundWorkerBuilder {
    /// A worker named `name` with no shared-memory access, started at `RecoveryFinished`,
    /// never restarted.
    pub fn new(name: impl Into<String>) -> Self {
        BackgroundWorkerBuilder {
            w: BackgroundWorker {
                name: name.into(),
                flags: BgWorkerFlags::default(),
                start_time: BgWorkerStartTime::RecoveryFinished,
                restart_time: RestartPolicy::Never,
                main: no_main,
                main_arg: 0,
                on_sighup: None,
                on_sigterm: None,
                library: String::new(),
                function: String::new(),
            },
            main_set: false,
            bad_interval: false,
        }
    }

    /// Shared-memory access (a PGPROC from the background-worker list).
    pub fn shmem_access(mut self) -> Self {
        self.w.flags.shmem_access = true;
        self
    }

    /// Shared-memory access and a database connection: what a worker that runs SQL needs.
    pub fn enable_spi_access(mut self) -> Self {
        self.w.flags.shmem_access = true;
        self.w.flags.database_connection = true;
        self
    }

    /// Sets the raw flags (the checks at registration still apply).
    pub fn flags(mut self, flags: BgWorkerFlags) -> Self {
        self.w.flags = flags;
        self
    }

    /// When the worker may start.
    pub fn start_time(mut self, t: BgWorkerStartTime) -> Self {
        self.w.start_time = t;
        self
    }

    /// Restart `d` after an exit with code 1 (at most one day).
    pub fn restart_after(mut self, d: Duration) -> Self {
        self.w.restart_time = RestartPolicy::After(d);
        self
    }

    /// Restart interval in seconds as PostgreSQL's `bgw_restart_time` (-1 = never; other
    /// negative values are refused at registration).
    pub fn restart_time_secs(mut self, secs: i64) -> Self {
        match secs {
            -1 => self.w.restart_time = RestartPolicy::Never,
            s if s >= 0 => {
                self.w.restart_time = RestartPolicy::After(Duration::from_secs(s as u64))
            }
            _ => self.bad_interval = true,
        }
        self
    }

    /// Never restart after an exit with code 1.
    pub fn never_restart(mut self) -> Self {
        self.w.restart_time = RestartPolicy::Never;
        self
    }

    /// The main function.
    pub fn main(mut self, f: WorkerMain) -> Self {
        self.w.main = f;
        self.main_set = true;
        self
    }

    /// The module the worker belongs to (PostgreSQL's `bgw_library_name`; shown by
    /// `pg_stat_bgworker`).
    pub fn library(mut self, library: impl Into<String>) -> Self {
        self.w.library = library.into();
        self
    }

    /// The main function by name, as registered with [`register_entry_point`]: what a
    /// dynamic worker needs (PostgreSQL's `bgw_library_name` + `bgw_function_name`).
    pub fn entry_point(mut self, library: impl Into<String>, function: impl Into<String>) -> Self {
        self.w.library = library.into();
        self.w.function = function.into();
        if let Some(m) = entry_point(&self.w.library, &self.w.function) {
            self.w.main = m;
            self.main_set = true;
        }
        self
    }

    /// The argument passed to main (PostgreSQL's `bgw_main_arg`).
    pub fn main_arg(mut self, arg: i64) -> Self {
        self.w.main_arg = arg;
        self
    }

    /// Called from the worker's loop after SIGHUP.
    pub fn on_sighup(mut self, f: fn()) -> Self {
        self.w.on_sighup = Some(f);
        self
    }

    /// Called from the worker's loop after SIGTERM.
    pub fn on_sigterm(mut self, f: fn()) -> Self {
        self.w.on_sigterm = Some(f);
        self
    }

    fn missing_main(&self) -> RegisterError {
        if self.w.function.is_empty() {
            RegisterError::NoMain(self.w.name.clone())
        } else {
            RegisterError::UnknownEntryPoint(
                self.w.name.clone(),
                self.w.library.clone(),
                self.w.function.clone(),
            )
        }
    }

    /// The worker, checked the way registration checks it.
    pub fn build(self) -> Result<BackgroundWorker, RegisterError> {
        if self.bad_interval {
            return Err(RegisterError::InvalidRestartInterval(self.w.name));
        }
        if !self.main_set {
            return Err(self.missing_main());
        }
        check(&self.w)?;
        Ok(self.w)
    }

    /// Builds and registers it; refusals are logged and returned.
    pub fn load(self) -> Result<(), RegisterError> {
        let name = self.w.name.clone();
        if self.bad_interval {
            let e = RegisterError::InvalidRestartInterval(name);
            tracing::info!("{e}");
            return Err(e);
        }
        if !self.main_set {
            let e = self.missing_main();
            tracing::info!("{e}");
            return Err(e);
        }
        register_background_worker(self.w)
    }

    /// RegisterDynamicBackgroundWorker: builds the worker and asks the postmaster to start it
    /// now, from a backend or another worker. The worker must name its main function with
    /// [`BackgroundWorkerBuilder::entry_point`]. `notify` sets this process's latch when the
    /// worker starts and when it stops.
    pub fn register_dynamic(
        self,
        notify: bool,
    ) -> Result<crate::dynamic::BackgroundWorkerHandle, crate::dynamic::DynamicError> {
        if self.w.function.is_empty() {
            return Err(crate::dynamic::DynamicError::Invalid(
                RegisterError::NoMain(self.w.name.clone()),
            ));
        }
        let w = self
            .build()
            .map_err(crate::dynamic::DynamicError::Invalid)?;
        crate::dynamic::register_dynamic(&w, notify)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok_main(_: &Worker) -> Result<(), WorkerError> {
        Ok(())
    }

    #[test]
    fn builder_checks_like_registration() {
        let b = |n: &str| BackgroundWorkerBuilder::new(n).main(ok_main);
        assert!(b("fine").enable_spi_access().build().is_ok());
        assert_eq!(
            b("x")
                .flags(BgWorkerFlags {
                    shmem_access: false,
                    database_connection: true
                })
                .build()
                .unwrap_err(),
            RegisterError::ConnectionWithoutShmem("x".into())
        );
        assert_eq!(
            b("y")
                .enable_spi_access()
                .start_time(BgWorkerStartTime::PostmasterStart)
                .build()
                .unwrap_err(),
            RegisterError::ConnectionAtPostmasterStart("y".into())
        );
        assert_eq!(
            b("z")
                .restart_after(Duration::from_secs(86_401))
                .build()
                .unwrap_err(),
            RegisterError::InvalidRestartInterval("z".into())
        );
        assert!(
            b("day")
                .restart_after(Duration::from_secs(86_400))
                .build()
                .is_ok()
        );
        assert_eq!(
            b("neg").restart_time_secs(-2).build().unwrap_err(),
            RegisterError::InvalidRestartInterval("neg".into())
        );
        assert_eq!(
            b("never")
                .restart_time_secs(-1)
                .build()
                .map(|w| w.restart_time),
            Ok(RestartPolicy::Never)
        );
        assert_eq!(
            BackgroundWorkerBuilder::new("nomain").build().unwrap_err(),
            RegisterError::NoMain("nomain".into())
        );
    }

    #[test]
    fn registration_only_during_preload() {
        let w = BackgroundWorkerBuilder::new("late").main(ok_main);
        assert_eq!(
            w.clone().load(),
            Err(RegisterError::NotInPreload("late".into()))
        );
        assert!(!registered_workers().iter().any(|w| w.name == "late"));
        begin_preload();
        assert_eq!(w.load(), Ok(()));
        end_preload();
        assert!(registered_workers().iter().any(|w| w.name == "late"));
    }

    #[test]
    fn more_than_max_worker_processes_is_refused_as_postgresql_does() {
        begin_preload();
        let max = max_worker_processes();
        let already = registered_workers().len();
        for i in already..max {
            assert_eq!(
                BackgroundWorkerBuilder::new(format!("w{i}"))
                    .main(ok_main)
                    .load(),
                Ok(())
            );
        }
        let e = BackgroundWorkerBuilder::new("one too many")
            .main(ok_main)
            .load()
            .unwrap_err();
        end_preload();
        assert_eq!(e, RegisterError::TooMany("one too many".into(), max));
        assert_eq!(e.to_string(), "too many background workers");
        assert_eq!(
            e.detail().as_deref(),
            Some("Up to 8 background workers can be registered with the current settings.")
        );
        assert_eq!(
            e.hint(),
            Some("Consider increasing the configuration parameter \"max_worker_processes\".")
        );
    }
}
