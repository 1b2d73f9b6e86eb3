//! Cancel, statement timeout and terminate against running statements. The interrupt flags are
//! process-global, so these run in a test binary of their own, as one sequential test.

use std::thread;
use std::time::{Duration, Instant};

use spi::{OpenOptions, Session, SpiError, TxStatus, Value, interrupt};

const ENDLESS: &str =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

fn run(s: &mut Session, sql: &str) -> Result<Vec<Vec<Value>>, SpiError> {
    let p = s.prepare(sql)?;
    s.execute(&p, &[]).map(|r| r.rows)
}

/// Runs `sql`, firing `interrupt` from another thread after 200 ms; returns the error and how
/// long the statement ran.
fn interrupted(s: &mut Session, sql: &str, fire: fn()) -> (SpiError, Duration) {
    let start = Instant::now();
    let firer = thread::spawn(move || {
        thread::sleep(Duration::from_millis(200));
        fire();
    });
    let result = run(s, sql);
    firer.join().expect("firer");
    let e = result.expect_err("statement should have been interrupted");
    (e, start.elapsed())
}

#[test]
fn cancel_timeout_and_terminate() {
    let dir = tempfile::tempdir().expect("tempdir");
    spi::init_data_dir(dir.path()).expect("init");
    let mut s =
        Session::open(dir.path(), "postgres", "postgres", OpenOptions::default()).expect("open");

    // Cancel during pg_sleep(5).
    interrupt::clear_cancel();
    let (e, took) = interrupted(&mut s, "SELECT pg_sleep(5)", interrupt::request_cancel);
    assert_eq!(e.sqlstate, sql::sqlstate::QUERY_CANCELED);
    assert_eq!(e.message, "canceling statement due to user request");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    // The cancel was consumed: the next statement runs.
    assert_eq!(
        run(&mut s, "SELECT 1").expect("after cancel"),
        [[Value::Int(1)]]
    );

    // Cancel during an endless recursive CTE.
    interrupt::clear_cancel();
    let (e, took) = interrupted(&mut s, ENDLESS, interrupt::request_cancel);
    assert_eq!(e.sqlstate, sql::sqlstate::QUERY_CANCELED);
    assert!(took < Duration::from_secs(2), "took {took:?}");

    // A cancel inside a block fails the block.
    interrupt::clear_cancel();
    run(&mut s, "BEGIN").expect("begin");
    let (e, _) = interrupted(&mut s, ENDLESS, interrupt::request_cancel);
    assert_eq!(e.sqlstate, sql::sqlstate::QUERY_CANCELED);
    assert_eq!(s.transaction_status(), TxStatus::Failed);
    run(&mut s, "ROLLBACK").expect("rollback");

    // statement_timeout.
    interrupt::clear_cancel();
    interrupt::set_statement_deadline(Some(Instant::now() + Duration::from_millis(200)));
    let start = Instant::now();
    let e = run(&mut s, ENDLESS).expect_err("timeout");
    assert_eq!(e.sqlstate, sql::sqlstate::QUERY_CANCELED);
    assert_eq!(e.message, "canceling statement due to statement timeout");
    assert!(start.elapsed() < Duration::from_secs(2));
    interrupt::set_statement_deadline(None);
    assert!(interrupt::check().is_ok());
    run(&mut s, "SELECT 1").expect("after timeout");

    // A cancel while waiting for another connection's write lock ends the wait early.
    let mut holder =
        Session::open(dir.path(), "postgres", "postgres", OpenOptions::default()).expect("holder");
    run(&mut s, "CREATE TABLE t (a int)").expect("create");
    run(&mut holder, "BEGIN").expect("begin");
    run(&mut holder, "INSERT INTO t VALUES (1)").expect("insert");
    interrupt::clear_cancel();
    let (e, took) = interrupted(
        &mut s,
        "INSERT INTO t VALUES (2)",
        interrupt::request_cancel,
    );
    assert_eq!(e.sqlstate, sql::sqlstate::QUERY_CANCELED, "{e:?}");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    run(&mut holder, "ROLLBACK").expect("rollback");
    interrupt::clear_cancel();

    // Terminate: FATAL 57P01, and it stays pending.
    let (e, took) = interrupted(&mut s, "SELECT pg_sleep(5)", interrupt::request_terminate);
    assert_eq!(e.sqlstate, sql::sqlstate::ADMIN_SHUTDOWN);
    assert!(e.is_fatal());
    assert_eq!(
        e.message,
        "terminating connection due to administrator command"
    );
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert!(interrupt::terminate_pending());
    assert_eq!(
        run(&mut s, "SELECT 1").expect_err("terminated").sqlstate,
        sql::sqlstate::ADMIN_SHUTDOWN
    );
}
