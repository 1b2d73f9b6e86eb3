//! The chaos run's clients: threads that insert `('delta', v)` rows with random `v` into the
//! worker_spi tables through the protocol, each with its unique id into `chaos_ids` in the same
//! transaction, and write every outcome into the shared [`Ledger`].
//!
//! A client reconnects whenever its connection is gone (57P01, 57P03 during a reset, refused
//! connections, 53300) and keeps going until told to stop. It records an insert in the ledger
//! *before* sending it, so that an insert stuck in a hung server still counts as unknown.
//! It never panics on what the server answers.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use super::TABLES;
use super::ledger::{Fate, Ledger, MAX_VALUE};
use super::rng::XorShift;

/// Where the server listens: its Unix socket directory and port.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The socket directory.
    pub socket_dir: PathBuf,
    /// The port that names the socket.
    pub port: u16,
}

impl Endpoint {
    /// A new connection as `postgres` to `postgres`, giving up after 2 s of connecting.
    pub fn connect(&self) -> Result<postgres::Client, postgres::Error> {
        postgres::Config::new()
            .host_path(&self.socket_dir)
            .port(self.port)
            .user("postgres")
            .dbname("postgres")
            .application_name("chaos")
            .connect_timeout(Duration::from_secs(2))
            .connect(postgres::NoTls)
    }

    /// Whether a new client can connect and run `select 1`.
    pub fn probe(&self) -> bool {
        self.connect()
            .and_then(|mut c| c.simple_query("select 1"))
            .is_ok()
    }
}

/// The table of ids, which no worker folds: one row per insert, `(id, table index)`.
pub const IDS_TABLE: &str = "chaos_ids";

/// The SQL that creates it.
pub const CREATE_IDS_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS chaos_ids (id bigint PRIMARY KEY, tbl integer NOT NULL)";

/// One insert: the delta row into table `t` (`TABLES[t]`) and its id, as one implicit
/// transaction (a simple Query).
pub fn insert_sql(t: usize, value: i64, id: i64) -> String {
    format!(
        "INSERT INTO {} VALUES ('delta', {value}); INSERT INTO {IDS_TABLE} VALUES ({id}, {t})",
        TABLES[t]
    )
}

fn lock(ledger: &Mutex<Ledger>) -> std::sync::MutexGuard<'_, Ledger> {
    // A client that panicked mid-update cannot leave a half-written tally: every update is a
    // few integer additions. Keep going with what is there.
    ledger.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One client's loop, run on its own thread until `stop` is set.
pub fn client_main(
    endpoint: Endpoint,
    seed: u64,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
) {
    let mut rng = XorShift::new(seed);
    while !stop.load(Ordering::Relaxed) {
        let mut client = match endpoint.connect() {
            Ok(c) => c,
            Err(e) => {
                let mut l = lock(&ledger);
                l.connect_failures += 1;
                if let Some(code) = e.code() {
                    l.saw_code(code.code());
                }
                drop(l);
                std::thread::sleep(Duration::from_millis(rng.range(10, 40)));
                continue;
            }
        };
        lock(&ledger).connections += 1;
        while !stop.load(Ordering::Relaxed) {
            let t = rng.index(TABLES.len());
            let v = rng.range(1, MAX_VALUE) as i64;
            let id = lock(&ledger).begin(t, v);
            let fate = match client.batch_execute(&insert_sql(t, v, id)) {
                Ok(_) => Fate::Acknowledged,
                Err(e) => {
                    let db = e.as_db_error();
                    if let Some(db) = db {
                        lock(&ledger).saw_code(db.code().code());
                    }
                    Fate::of_error(db.map(|d| d.severity()))
                }
            };
            lock(&ledger).settle(id, t, v, fate);
            if fate == Fate::Unknown || client.is_closed() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_insert_names_the_table_as_given_and_writes_the_id_with_it() {
        assert_eq!(
            insert_sql(1, 7, 42),
            "INSERT INTO \"our schema2\".\"counted rows\" VALUES ('delta', 7); \
             INSERT INTO chaos_ids VALUES (42, 1)"
        );
    }
}
