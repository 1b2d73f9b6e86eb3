//! Schema changes end to end through the `postgres` crate: the schema `pgbench -i
//! --foreign-keys` builds (tables `WITH (fillfactor=…)`, then `ALTER TABLE … ADD PRIMARY KEY`
//! and the foreign keys, as pgbench sends them) with its constraints acting afterwards;
//! sequences and serial columns shared by two clients, kept across rollbacks and a restart.

use std::time::Duration;

use tests::harness::Server;

const T: Duration = Duration::from_secs(20);

fn start() -> Server {
    Server::start(&["-c", "shared_preload_libraries="])
}

fn code(e: &postgres::Error) -> Option<&str> {
    e.code().map(|c| c.code())
}

/// The statements `pgbench -i --foreign-keys -s 1` sends to build its schema (with fewer
/// accounts, generated server-side).
const PGBENCH_SCHEMA: &[&str] = &[
    "drop table if exists pgbench_accounts, pgbench_branches, pgbench_history, pgbench_tellers",
    "create table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22))",
    "create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100)",
    "create table pgbench_accounts(aid    int not null,bid int,abalance int,filler char(84)) with (fillfactor=100)",
    "create table pgbench_branches(bid int not null,bbalance int,filler char(88)) with (fillfactor=100)",
    "insert into pgbench_branches(bid,bbalance) select bid, 0 from generate_series(1, 1) as bid",
    "insert into pgbench_tellers(tid,bid,tbalance) select tid, (tid - 1) / 10 + 1, 0 from generate_series(1, 10) as tid",
    "insert into pgbench_accounts(aid,bid,abalance,filler) select aid, (aid - 1) / 100000 + 1, 0, '' from generate_series(1, 5000) as aid",
    "alter table pgbench_branches add primary key (bid)",
    "alter table pgbench_tellers add primary key (tid)",
    "alter table pgbench_accounts add primary key (aid)",
    "alter table pgbench_tellers add constraint pgbench_tellers_bid_fkey foreign key (bid) references pgbench_branches",
    "alter table pgbench_accounts add constraint pgbench_accounts_bid_fkey foreign key (bid) references pgbench_branches",
    "alter table pgbench_history add constraint pgbench_history_bid_fkey foreign key (bid) references pgbench_branches",
    "alter table pgbench_history add constraint pgbench_history_tid_fkey foreign key (tid) references pgbench_tellers",
    "alter table pgbench_history add constraint pgbench_history_aid_fkey foreign key (aid) references pgbench_accounts",
];

#[test]
fn the_pgbench_schema_is_built_and_its_constraints_act() {
    let s = start();
    let mut c = s.connect();
    for stmt in PGBENCH_SCHEMA {
        c.batch_execute(stmt)
            .unwrap_or_else(|e| panic!("{stmt}: {e:?}"));
    }
    let n: i64 = c
        .query_one("select count(*) from pgbench_accounts", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 5000, "the rebuild kept every row");
    // Primary keys: unique and NOT NULL.
    let e = c
        .batch_execute("insert into pgbench_accounts (aid, bid, abalance) values (1, 1, 0)")
        .expect_err("duplicate");
    assert_eq!(code(&e), Some("23505"));
    let db = e.as_db_error().expect("server error");
    assert_eq!(
        db.message(),
        "duplicate key value violates unique constraint \"pgbench_accounts_pkey\""
    );
    let e = c
        .batch_execute("insert into pgbench_tellers (tid, bid) values (null, 1)")
        .expect_err("null key");
    assert_eq!(code(&e), Some("23502"));
    // Foreign keys, both ways.
    let e = c
        .batch_execute("insert into pgbench_accounts (aid, bid, abalance) values (9999, 7, 0)")
        .expect_err("no such branch");
    assert_eq!(code(&e), Some("23503"));
    assert_eq!(
        e.as_db_error().expect("server error").message(),
        "insert or update on table \"pgbench_accounts\" violates foreign key constraint \"pgbench_accounts_bid_fkey\""
    );
    c.batch_execute("insert into pgbench_history (tid, bid, aid, delta) values (1, 1, 1, 5)")
        .expect("a valid history row");
    let e = c
        .batch_execute("insert into pgbench_history (tid, bid, aid, delta) values (1, 1, 99999, 5)")
        .expect_err("no such account");
    assert_eq!(code(&e), Some("23503"));
    let e = c
        .batch_execute("delete from pgbench_branches")
        .expect_err("branches are referenced");
    assert_eq!(code(&e), Some("23503"));
    // pgbench's transaction still runs.
    c.batch_execute(
        "begin; \
         update pgbench_accounts set abalance = abalance + 7 where aid = 42; \
         select abalance from pgbench_accounts where aid = 42; \
         update pgbench_tellers set tbalance = tbalance + 7 where tid = 3; \
         update pgbench_branches set bbalance = bbalance + 7 where bid = 1; \
         insert into pgbench_history (tid, bid, aid, delta, mtime) values (3, 1, 42, 7, current_timestamp); \
         end;",
    )
    .expect("tpcb-like transaction");
    // Dropping a referenced table needs CASCADE, which leaves the other tables in place.
    let e = c
        .batch_execute("drop table pgbench_branches")
        .expect_err("dependents");
    assert_eq!(code(&e), Some("2BP01"));
    c.batch_execute("drop table pgbench_branches cascade")
        .expect("cascade");
    c.batch_execute("insert into pgbench_tellers (tid, bid) values (11, 99)")
        .expect("the foreign key went with the table");
    let n: i64 = c
        .query_one("select count(*) from pgbench_history", &[])
        .expect("count")
        .get(0);
    assert_eq!(n, 2);
}

#[test]
fn sequences_are_shared_kept_across_rollbacks_and_survive_a_restart() {
    let mut s = start();
    let mut a = s.connect();
    let mut b = s.connect();
    a.batch_execute(
        "create table items (id serial primary key, label text unique); \
         create sequence tickets start 100 increment 10",
    )
    .expect("setup");
    let next = |c: &mut postgres::Client, sql: &str| -> i64 {
        let row = c
            .query_one(sql, &[])
            .unwrap_or_else(|e| panic!("{sql}: {e:?}"));
        row.try_get::<_, i64>(0)
            .or_else(|_| row.try_get::<_, i32>(0).map(i64::from))
            .expect("integer")
    };
    assert_eq!(next(&mut a, "select nextval('tickets')"), 100);
    assert_eq!(next(&mut b, "select nextval('tickets')"), 110);
    // Extended protocol, parameters, and a rolled-back transaction.
    let mut tx = a.transaction().expect("begin");
    let row = tx
        .query_one(
            "insert into items (label) values ($1) returning id",
            &[&"x"],
        )
        .expect("insert");
    assert_eq!(row.get::<_, i32>(0), 1);
    tx.rollback().expect("rollback");
    let row = b
        .query_one(
            "insert into items (label) values ($1) returning id",
            &[&"y"],
        )
        .expect("insert");
    assert_eq!(row.get::<_, i32>(0), 2, "1 stays used after the rollback");
    let e = a
        .execute("insert into items (label) values ($1)", &[&"y"])
        .expect_err("duplicate");
    assert_eq!(code(&e), Some("23505"));
    let e = a
        .query_one("select currval('nope')", &[])
        .expect_err("no such sequence");
    assert_eq!(code(&e), Some("42P01"));
    drop((a, b));
    let (rc, out) = s.ctl(&["stop"]);
    assert_eq!(rc, 0, "{out}");
    s.wait_exit(T);
    s.spawn();
    assert!(
        s.wait_log_n("ready to accept connections", 2, T),
        "the server did not come back:\n{}",
        s.log()
    );
    let mut c = s.connect();
    let e = c
        .query_one("select currval('tickets')", &[])
        .expect_err("a new session");
    assert_eq!(code(&e), Some("55000"));
    assert_eq!(next(&mut c, "select nextval('tickets')"), 120);
    let row = c
        .query_one("insert into items (label) values ('z') returning id", &[])
        .expect("insert");
    assert_eq!(row.get::<_, i32>(0), 4);
}
