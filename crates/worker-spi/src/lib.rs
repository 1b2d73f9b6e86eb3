//! worker_spi: the counter worker module, and the showcase of the worker API.
//!
//! Each of `worker_spi.total_workers` workers (default 2) owns one table — `SPI worker 1` on
//! `schema1.counted` (never restarted), `SPI worker 2` on `"our schema2"."counted rows"`
//! (restarted 2 s after an exit 1), worker N > 2 on `schemaN.counted` (restart 2 s) — holding
//! rows `(type text CHECK (type IN ('total','delta')), value integer)` with at most one
//! `total` row. Every `worker_spi.naptime` seconds the worker folds the `delta` rows into the
//! `total` row in one transaction and logs the new count; a commit that inserts into its table
//! wakes it at once, and after each fold it pauses [`FOLD_GAP`] (2 ms), so that a stream of
//! inserts is folded in batches rather than with one competing transaction per commit. While
//! the table has no total row, the worker looks for one in a read-only transaction (which
//! never meets the inserters at the write lock) every [`NO_TOTAL_GAP`] (20 ms) at most.
//!
//! Unlike PostgreSQL 9.3's worker_spi, delta rows are left alone while no total row exists, so
//! nothing is lost; and a busy database is a WARNING and a retry at the next turn, not an exit.
//!
//! This crate uses only the public API of `bgworker`, `spi` and `guc`, as a third-party module
//! would.

use std::time::Duration;

use bgworker::{BackgroundWorkerBuilder, BgWorkerStartTime, InitError, Worker, WorkerError};
use guc::{GucInt, GucString, GucUnit, IntSetting, StringSetting};
use spi::{SpiClient, SpiError, Value, quote_identifier, sqlstate};

/// The name `shared_preload_libraries` uses.
pub const NAME: &str = "worker_spi";

static NAPTIME: GucInt = GucInt::new(1);
static TOTAL_WORKERS: GucInt = GucInt::new(2);
static DATABASE: GucString = GucString::new("postgres");

/// The module's init function (PostgreSQL's `_PG_init`): defines the settings and registers
/// the workers.
pub fn init() -> Result<(), InitError> {
    IntSetting::new("worker_spi.naptime", &NAPTIME)
        .description("Duration between each check (in seconds).")
        .range(1, i64::from(i32::MAX))
        .unit(GucUnit::S)
        .reloadable()
        .define()?;
    IntSetting::new("worker_spi.total_workers", &TOTAL_WORKERS)
        .description("Number of workers.")
        .range(1, 100)
        .define()?;
    StringSetting::new("worker_spi.database", &DATABASE)
        .description("Database to connect to.")
        .define()?;
    bgworker::register_entry_point(NAME, "worker_spi_main", worker_spi_main)?;
    spi::define_function(
        "worker_spi_launch",
        &[spi::Type::INT4],
        spi::Type::INT4,
        worker_spi_launch,
    )?;
    for i in 1..=TOTAL_WORKERS.get() {
        let builder = BackgroundWorkerBuilder::new(format!("SPI worker {i}"))
            .enable_spi_access()
            .start_time(BgWorkerStartTime::RecoveryFinished)
            .entry_point(NAME, "worker_spi_main")
            .main_arg(i);
        let builder = if i == 1 {
            builder.never_restart()
        } else {
            builder.restart_after(Duration::from_secs(2))
        };
        builder.load()?;
    }
    Ok(())
}

/// `worker_spi_launch(i int) returns int`: starts a dynamic worker counting in
/// `schema<i>.counted` (never restarted) and returns its pid once it runs.
fn worker_spi_launch(args: &[Value]) -> Result<Value, SpiError> {
    let i = match args.first() {
        Some(Value::Int(i)) => *i,
        _ => 0,
    };
    let handle = BackgroundWorkerBuilder::new(format!("SPI worker {i}"))
        .enable_spi_access()
        .start_time(BgWorkerStartTime::RecoveryFinished)
        .entry_point(NAME, "worker_spi_main")
        .never_restart()
        .main_arg(i)
        .register_dynamic(true)
        .map_err(|e| e.to_spi_error())?;
    let pid = handle.wait_for_startup().map_err(|e| e.to_spi_error())?;
    Ok(Value::Int(i64::from(pid)))
}

/// The table a worker counts in.
struct Target {
    schema: String,
    table: String,
}

impl Target {
    fn for_worker(index: i64) -> Target {
        if index == 2 {
            Target {
                schema: "our schema2".into(),
                table: "counted rows".into(),
            }
        } else {
            Target {
                schema: format!("schema{index}"),
                table: "counted".into(),
            }
        }
    }

    /// `schema.table` quoted only where needed.
    fn qualified(&self) -> String {
        format!(
            "{}.{}",
            quote_identifier(&self.schema),
            quote_identifier(&self.table)
        )
    }
}

/// Creates the schema, the table and the partial unique index when missing.
fn initialize_table(worker: &Worker, t: &Target) -> Result<(), WorkerError> {
    let schema = quote_identifier(&t.schema).into_owned();
    let table = quote_identifier(&t.table).into_owned();
    let index = quote_identifier(&format!("{}_unique_total", t.table)).into_owned();
    let columns = "(type text CHECK (type IN ('total', 'delta')), value integer)";
    worker.transaction(|spi| {
        let exists = spi
            .select(
                "SELECT count(*) FROM pg_namespace WHERE nspname = $1",
                &[Value::Text(t.schema.clone())],
            )?
            .get::<i64>(0, 0)?
            .unwrap_or(0)
            > 0;
        if exists {
            spi.run(&format!("CREATE TABLE IF NOT EXISTS {schema}.{table} {columns}"), &[])?;
            spi.run(
                &format!(
                    "CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {schema}.{table} (type) WHERE type = 'total'"
                ),
                &[],
            )?;
        } else {
            spi.run(
                &format!(
                    "CREATE SCHEMA {schema} CREATE TABLE {table} {columns} \
                     CREATE UNIQUE INDEX {index} ON {table} (type) WHERE type = 'total'"
                ),
                &[],
            )?;
        }
        Ok(())
    })?;
    tracing::info!("{} initialized with {}", worker.name(), t.qualified());
    Ok(())
}

/// One fold: adds the delta rows into the total row and deletes exactly them. None when there
/// is no total row (the deltas then wait, untouched). The transaction holds the write lock
/// from its start, so no delta commits between the sum and the delete.
fn fold(spi: &mut SpiClient, t: &Target) -> Result<Option<i64>, SpiError> {
    let q = t.qualified();
    let updated = spi.run(
        &format!(
            "UPDATE {q} SET value = value + (SELECT coalesce(sum(value), 0) FROM {q} \
             WHERE type = 'delta') WHERE type = 'total' RETURNING value"
        ),
        &[],
    )?;
    if updated.is_empty() {
        return Ok(None);
    }
    let total = updated.get::<i64>(0, 0)?;
    spi.run(&format!("DELETE FROM {q} WHERE type = 'delta'"), &[])?;
    Ok(total)
}

/// Whether the table has its total row, asked without the write lock.
fn has_total(spi: &mut SpiClient, t: &Target) -> Result<bool, SpiError> {
    let q = t.qualified();
    Ok(!spi
        .select(&format!("SELECT 1 FROM {q} WHERE type = 'total'"), &[])?
        .is_empty())
}

/// After a fold, the worker waits this long before the next one: under a
/// stream of inserts each fold then takes a batch of them, rather than one write transaction
/// per committed insert competing with the inserters for the database's write lock. The lag
/// of a delta stays within this plus one fold.
const FOLD_GAP: Duration = Duration::from_millis(2);

/// After a turn that found no total row, the worker waits this long before it looks again:
/// the deltas wait for a total row anyway, so a stream of inserts into such a table costs a
/// look every 20 ms, not one every [`FOLD_GAP`]. A total row inserted later is folded into
/// within this plus one fold.
const NO_TOTAL_GAP: Duration = Duration::from_millis(20);

fn naptime() -> Duration {
    Duration::from_secs(NAPTIME.get().max(1) as u64)
}

fn is_busy(e: &SpiError) -> bool {
    matches!(
        e.sqlstate,
        sqlstate::LOCK_NOT_AVAILABLE | sqlstate::SERIALIZATION_FAILURE
    )
}

/// A worker's main function.
fn worker_spi_main(worker: &Worker) -> Result<(), WorkerError> {
    let target = Target::for_worker(worker.main_arg());
    worker.initialize_connection(&DATABASE.get(), "postgres")?;
    // A busy database (a client holding the write lock) is no reason to give up, here either.
    loop {
        match initialize_table(worker, &target) {
            Ok(()) => break,
            Err(WorkerError::Spi(e)) if is_busy(&e) => {
                tracing::warn!(
                    "{}: database is busy, will retry: {}",
                    worker.name(),
                    e.message
                );
                if !worker.wait_latch(naptime())? {
                    return Ok(());
                }
            }
            Err(e) => return Err(e),
        }
    }
    // A commit that inserted into our table wakes us at once; naptime is the fallback.
    if !worker.watch_table(&target.schema, &target.table) {
        tracing::warn!(
            "{}: could not watch {}; counting every naptime only",
            worker.name(),
            target.qualified()
        );
    }
    // Whether the last fold found the total row. Without one, the next turns first look
    // in a read-only transaction, so that inserts into a table without a total row (whose
    // deltas wait) never meet this worker at the write lock.
    let mut total_seen = true;
    while worker.wait_latch(naptime())? {
        if worker.sighup_received() {
            tracing::info!("{}: got sighup!", worker.name());
        }
        let result = if total_seen {
            worker.transaction(|spi| fold(spi, &target))
        } else {
            worker
                .read_only_transaction(|spi| has_total(spi, &target))
                .and_then(|found| {
                    if found {
                        worker.transaction(|spi| fold(spi, &target))
                    } else {
                        Ok(None)
                    }
                })
        };
        match result {
            Ok(Some(n)) => {
                total_seen = true;
                tracing::info!(
                    "{}: count in {} is now {n}",
                    worker.name(),
                    target.qualified()
                );
                std::thread::sleep(FOLD_GAP);
            }
            // No total row: the deltas wait for one, and a stream of inserts must not make
            // this look for it at every commit.
            Ok(None) => {
                total_seen = false;
                std::thread::sleep(NO_TOTAL_GAP);
            }
            Err(WorkerError::Spi(e)) if is_busy(&e) => {
                tracing::warn!(
                    "{}: database is busy, will retry: {}",
                    worker.name(),
                    e.message
                );
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
