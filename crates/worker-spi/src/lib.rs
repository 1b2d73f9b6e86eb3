//! worker_spi: the counter worker module, and the showcase of the worker API.
//!
//! Each of `worker_spi.total_workers` workers (default 2) owns one table — `SPI worker 1` on
//! `schema1.counted` (never restarted), `SPI worker 2` on `"our schema2"."counted rows"`
//! (restarted 2 s after an exit 1), worker N > 2 on `schemaN.counted` (restart 2 s) — holding
//! rows `(type text CHECK (type IN ('total','delta')), value integer)` with at most one
//! `total` row. Every `worker_spi.naptime` seconds the worker folds the `delta` rows into the
//! `total` row in one transaction and logs the new count.
//!
//! Unlike PostgreSQL 9.3's worker_spi, delta rows are left alone while no total row exists, so
//! nothing is lost; and a busy database is a WARNING and a retry at the next turn, not an exit.
//!
//! This crate uses only the public API of `bgworker`, `spi` and `guc`, as a third-party module
//! would.

use std::time::Duration;

use bgworker::{BackgroundWorkerBuilder, BgWorkerStartTime, Worker, WorkerError};
use guc::{GucContext, GucInt, GucString, GucUnit};
use spi::{SpiClient, SpiError, Value, quote_identifier};

/// The name `shared_preload_libraries` uses.
pub const NAME: &str = "worker_spi";

static NAPTIME: GucInt = GucInt::new(1);
static TOTAL_WORKERS: GucInt = GucInt::new(2);
static DATABASE: GucString = GucString::new("postgres");

/// The module's init function (PostgreSQL's `_PG_init`): defines the settings and registers
/// the workers.
pub fn init() -> Result<(), String> {
    let e = |e: guc::GucError| e.to_string();
    guc::define_int(
        "worker_spi.naptime",
        "Duration between each check (in seconds).",
        &NAPTIME,
        1,
        1,
        i64::from(i32::MAX),
        GucUnit::S,
        GucContext::Sighup,
    )
    .map_err(e)?;
    guc::define_int(
        "worker_spi.total_workers",
        "Number of workers.",
        &TOTAL_WORKERS,
        2,
        1,
        100,
        GucUnit::None,
        GucContext::Postmaster,
    )
    .map_err(e)?;
    guc::define_string(
        "worker_spi.database",
        "Database to connect to.",
        &DATABASE,
        "postgres",
        GucContext::Postmaster,
    )
    .map_err(e)?;
    for i in 1..=TOTAL_WORKERS.get() {
        let builder = BackgroundWorkerBuilder::new(format!("SPI worker {i}"))
            .enable_spi_access()
            .start_time(BgWorkerStartTime::RecoveryFinished)
            .main(worker_spi_main)
            .main_arg(i);
        let builder = if i == 1 {
            builder.never_restart()
        } else {
            builder.restart_after(Duration::from_secs(2))
        };
        builder.load().map_err(|e| e.to_string())?;
    }
    Ok(())
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
        spi.execute_with_args(
            "SELECT count(*) FROM pg_namespace WHERE nspname = $1",
            &[Value::Text(t.schema.clone())],
            true,
            0,
        )?;
        let exists = spi.tuptable().get::<i64>(0, 0)?.unwrap_or(0) > 0;
        if exists {
            spi.execute(&format!("CREATE TABLE IF NOT EXISTS {schema}.{table} {columns}"), false, 0)?;
            spi.execute(
                &format!(
                    "CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {schema}.{table} (type) WHERE type = 'total'"
                ),
                false,
                0,
            )?;
        } else {
            spi.execute(
                &format!(
                    "CREATE SCHEMA {schema} CREATE TABLE {table} {columns} \
                     CREATE UNIQUE INDEX {index} ON {table} (type) WHERE type = 'total'"
                ),
                false,
                0,
            )?;
        }
        Ok(())
    })?;
    tracing::info!("{} initialized with {}", worker.name(), t.qualified());
    Ok(())
}

/// One fold: adds the delta rows into the total row and deletes exactly them. None when there
/// is no total row (the deltas then wait).
fn fold(spi: &mut SpiClient, t: &Target) -> Result<Option<i64>, SpiError> {
    let q = t.qualified();
    spi.execute(
        &format!("SELECT count(*) FROM {q} WHERE type = 'total'"),
        true,
        0,
    )?;
    if spi.tuptable().get::<i64>(0, 0)?.unwrap_or(0) == 0 {
        return Ok(None);
    }
    spi.execute(
        &format!("DELETE FROM {q} WHERE type = 'delta' RETURNING value"),
        false,
        0,
    )?;
    let tt = spi.tuptable();
    let mut sum = 0i64;
    for row in 0..tt.rows.len() {
        sum += tt.get::<i64>(row, 0)?.unwrap_or(0);
    }
    spi.execute_with_args(
        &format!("UPDATE {q} SET value = value + $1 WHERE type = 'total' RETURNING value"),
        &[Value::Int(sum)],
        false,
        0,
    )?;
    spi.tuptable().get::<i64>(0, 0)
}

fn naptime() -> Duration {
    Duration::from_secs(NAPTIME.get().max(1) as u64)
}

fn is_busy(e: &SpiError) -> bool {
    matches!(
        e.sqlstate,
        spi::sqlstate::LOCK_NOT_AVAILABLE | spi::sqlstate::SERIALIZATION_FAILURE
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
    while worker.wait_latch(naptime())? {
        if worker.sighup_received() {
            tracing::info!("{}: got sighup!", worker.name());
        }
        match worker.transaction(|spi| fold(spi, &target)) {
            Ok(Some(n)) => {
                tracing::info!(
                    "{}: count in {} is now {n}",
                    worker.name(),
                    target.qualified()
                );
            }
            Ok(None) => {}
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
