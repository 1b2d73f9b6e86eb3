//! LISTEN/NOTIFY end to end through the `postgres` crate: a notification reaches an idle
//! listener in another session through its latch, with the sender's pid; it is sent when its
//! transaction commits and never when it rolls back; identical ones of a transaction are sent
//! once; many keep their order; a listener inside a transaction block hears them after it
//! ends; a full queue fails the NOTIFY with 54000 and frees up once the listener reads; a
//! listener's exit frees its place in the queue.

use std::time::{Duration, Instant};

use postgres::Client;
use postgres::fallible_iterator::FallibleIterator;
use tests::harness::Server;

const T: Duration = Duration::from_secs(10);

fn start() -> Server {
    Server::start(&["-c", "shared_preload_libraries="])
}

/// The notifications `c` has received within `wait` (stopping early after `want` of them).
fn received(c: &mut Client, want: usize, wait: Duration) -> Vec<(i32, String, String)> {
    let mut got = Vec::new();
    let deadline = Instant::now() + wait;
    while got.len() < want {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let mut n = c.notifications();
        match n.timeout_iter(left).next() {
            Ok(Some(m)) => got.push((m.process_id(), m.channel().into(), m.payload().into())),
            Ok(None) => break,
            Err(e) => panic!("notifications: {e}"),
        }
    }
    got
}

fn pid(c: &mut Client) -> i32 {
    c.query_one("select pg_backend_pid()", &[])
        .expect("pid")
        .get(0)
}

#[test]
fn notifications_reach_idle_listeners_at_commit_in_order_and_never_on_rollback() {
    let s = start();
    let mut a = s.connect();
    let mut b = s.connect();
    let b_pid = pid(&mut b);
    a.batch_execute("listen ch; listen \"Other Channel\"")
        .expect("listen");

    // Idle listener: woken through its latch, told at once.
    let t0 = Instant::now();
    b.batch_execute("notify ch, 'hello'").expect("notify");
    let got = received(&mut a, 1, T);
    assert_eq!(got, vec![(b_pid, "ch".into(), "hello".into())]);
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());

    // Rolled back: nothing; committed: once per distinct (channel, payload), in order.
    b.batch_execute("begin; notify ch, 'lost'; rollback")
        .expect("rollback");
    b.batch_execute(
        "begin; notify ch, 'x'; select pg_notify('ch', 'x'); select pg_notify('Other Channel', null); \
         notify nobody_listens; commit",
    )
    .expect("commit");
    let got = received(&mut a, 3, Duration::from_secs(1));
    assert_eq!(
        got,
        vec![
            (b_pid, "ch".into(), "x".into()),
            (b_pid, "Other Channel".into(), String::new()),
        ]
    );

    // A failed implicit transaction sends nothing.
    assert!(b.batch_execute("notify ch, 'gone'; select 1/0").is_err());
    let mut tx = b.transaction().expect("begin");
    for i in 0..1000 {
        tx.execute("select pg_notify('ch', $1::int::text)", &[&i])
            .expect("pg_notify");
    }
    tx.commit().expect("commit");
    let got = received(&mut a, 1000, T);
    let payloads: Vec<String> = got.iter().map(|g| g.2.clone()).collect();
    let expected: Vec<String> = (0..1000).map(|i: i32| i.to_string()).collect();
    assert_eq!(payloads, expected);

    // A listener in a transaction block hears nothing until the block ends.
    a.batch_execute("begin").expect("begin");
    b.batch_execute("notify ch, 'later'").expect("notify");
    std::thread::sleep(Duration::from_millis(200));
    assert!(a.notifications().iter().next().expect("iter").is_none());
    a.batch_execute("commit").expect("commit");
    assert_eq!(received(&mut a, 1, T).len(), 1);

    // UNLISTEN takes effect; a session hears its own notifications.
    a.batch_execute("unlisten ch; notify ch, 'not heard'; notify \"Other Channel\", 'own'")
        .expect("unlisten");
    let a_pid = pid(&mut a);
    let got = received(&mut a, 2, Duration::from_millis(500));
    assert_eq!(got, vec![(a_pid, "Other Channel".into(), "own".into())]);
}

#[test]
fn a_full_queue_fails_the_notify_with_54000_until_the_listener_reads() {
    let s = start();
    let mut a = s.connect();
    let mut b = s.connect();
    // (LISTEN commits on its own first: in one Query with the BEGIN it would wait for the
    // block's commit, as in PostgreSQL.)
    a.batch_execute("listen ch").expect("listen");
    a.batch_execute("begin").expect("then hold a block");
    let payload = "x".repeat(7999);
    let mut sent = 0usize;
    let err = loop {
        match b.execute("select pg_notify('ch', $1)", &[&payload]) {
            Ok(_) => sent += 1,
            Err(e) => break e,
        }
        assert!(sent < 10_000, "the queue never filled");
    };
    let db = err.as_db_error().expect("db error");
    assert_eq!(db.code().code(), "54000");
    assert_eq!(db.message(), "too many notifications in the NOTIFY queue");
    assert!(sent > 100, "only {sent} fit");
    // Other sessions keep working; the listener gets every committed one once it is idle.
    let mut c = s.connect();
    c.batch_execute("select 1").expect("other session");
    a.batch_execute("commit").expect("commit");
    assert_eq!(received(&mut a, sent, T).len(), sent);
    b.execute("select pg_notify('ch', $1)", &[&payload])
        .expect("room again");
    assert_eq!(received(&mut a, 1, T).len(), 1);

    // A listener that leaves frees the queue even if it never read.
    a.batch_execute("begin").expect("begin");
    for _ in 0..sent {
        b.execute("select pg_notify('ch', $1)", &[&payload])
            .expect("fits");
    }
    assert!(
        b.execute("select pg_notify('ch', $1)", &[&payload])
            .is_err()
    );
    drop(a);
    let deadline = Instant::now() + T;
    while b
        .execute("select pg_notify('ch', $1)", &[&payload])
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "the queue stayed full after the listener left"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// ROLLBACK TO a savepoint drops what was queued after it, notifications and LISTENs alike, as
/// PostgreSQL drops a rolled-back subtransaction's.
#[test]
fn rollback_to_a_savepoint_drops_its_notifications_and_listens() {
    let s = start();
    let mut a = s.connect();
    let mut b = s.connect();
    let b_pid = pid(&mut b);
    a.batch_execute("listen ch").expect("listen");
    b.batch_execute(
        "begin; savepoint s; notify ch, 'one'; rollback to s; notify ch, 'two'; \
         savepoint t; notify ch, 'three'; release t; commit",
    )
    .expect("savepoints");
    let got = received(&mut a, 3, Duration::from_secs(1));
    assert_eq!(
        got,
        vec![
            (b_pid, "ch".into(), "two".into()),
            (b_pid, "ch".into(), "three".into())
        ]
    );
    // A LISTEN rolled back to its savepoint hears nothing.
    a.batch_execute("begin; savepoint s; listen other; rollback to s; commit")
        .expect("listen rolled back");
    let channels: Vec<String> = a
        .query("select * from pg_listening_channels() order by 1", &[])
        .expect("pg_listening_channels")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(channels, ["ch"]);
    b.batch_execute("notify other, 'unheard'").expect("notify");
    assert!(received(&mut a, 1, Duration::from_millis(300)).is_empty());
}
