//! Background workers: the API a module author uses, and the postmaster-side scheduling rules.
//!
//! A module registers workers from its init function while `shared_preload_libraries` is being
//! loaded ([`register_background_worker`], usually through [`BackgroundWorkerBuilder`]). The
//! postmaster then forks each worker when its start time allows and restarts it by the rules
//! of DESIGN.md §Background workers, which live in [`schedule`] as a pure state machine.
//!
//! Inside the worker process, [`Worker`] is the handle the worker's main function receives:
//!
//! ```no_run
//! use std::time::Duration;
//! use bgworker::{BackgroundWorkerBuilder, Worker, WorkerError, BgWorkerStartTime};
//!
//! fn my_main(worker: &Worker) -> Result<(), WorkerError> {
//!     worker.initialize_connection("postgres", "postgres")?;
//!     while worker.wait_latch(Duration::from_secs(1))? {
//!         worker.transaction(|spi| spi.execute("select 1", true, 0).map(|_| ()))?;
//!     }
//!     Ok(())
//! }
//!
//! fn module_init() {
//!     let _ = BackgroundWorkerBuilder::new("my worker")
//!         .enable_spi_access()
//!         .start_time(BgWorkerStartTime::RecoveryFinished)
//!         .restart_after(Duration::from_secs(5))
//!         .main(my_main)
//!         .load();
//! }
//! ```
//!
//! Dynamic workers (PostgreSQL 9.4+) are registered at any time from a backend or a worker
//! with [`BackgroundWorkerBuilder::register_dynamic`], naming their main function through
//! [`register_entry_point`]; they share `max_worker_processes` slots with the static ones
//! ([`dynamic`]).
//!
//! Never: run user code inside a signal handler (handlers set flags and the latch; callbacks
//! run from [`Worker::wait_latch`]), or let the postmaster take a lock (the postmaster writes the
//! shared worker status with atomics only).

pub mod dynamic;
pub mod registry;
pub mod runtime;
pub mod schedule;
pub mod shmem_status;
pub mod watch;

#[doc = include_str!("../../../docs/writing-a-worker.md")]
pub mod tutorial {}

pub use dynamic::{BackgroundWorkerHandle, BgwHandleStatus, DynamicError};
pub use registry::{
    BackgroundWorker, BackgroundWorkerBuilder, BgWorkerFlags, BgWorkerStartTime, InitError,
    RegisterError, RestartPolicy, WorkerMain, begin_preload, end_preload, entry_point,
    max_worker_processes, register_background_worker, register_entry_point, registered_workers,
};
pub use runtime::{Worker, WorkerError, my_bgworker_entry, run_worker};
