//! Session tests: results and tags, types, PostgreSQL transaction semantics, schemas, errors,
//! the authorizer, functions and concurrent writers (threads, never fork).

use std::time::Duration;

use super::test_support::{fail, run, scalar, setup};
use super::*;
use crate::datadir::init_data_dir;
use sql::Type;

fn fast_opts() -> OpenOptions {
    OpenOptions {
        synchronous_commit: false,
        ..OpenOptions::default()
    }
}

#[test]
fn open_missing_database_is_fatal_3d000() {
    let dir = tempfile::tempdir().expect("tempdir");
    init_data_dir(dir.path()).expect("init");
    let e = Session::open(dir.path(), "nope", "postgres", OpenOptions::default())
        .err()
        .expect("missing");
    assert_eq!(e.sqlstate, sql::sqlstate::INVALID_CATALOG_NAME);
    assert!(e.is_fatal());
    assert_eq!(e.message, "database \"nope\" does not exist");
    let e = Session::open(dir.path(), "../x", "u", OpenOptions::default())
        .err()
        .expect("bad name");
    assert_eq!(e.sqlstate, sql::sqlstate::INVALID_CATALOG_NAME);
}

#[test]
fn tags_rows_and_types() {
    let (_dir, mut s) = setup();
    assert_eq!(run(&mut s, "CREATE TABLE t (id integer PRIMARY KEY, name text, score real, big bigint, ok boolean, raw bytea)").tag, "CREATE TABLE");
    assert_eq!(
        run(
            &mut s,
            "INSERT INTO t VALUES (1, 'a', 1.5, 10, true, '\\x00ff'), (2, 'b', 2, 20, false, NULL)"
        )
        .tag,
        "INSERT 0 2"
    );
    let r = run(
        &mut s,
        "SELECT id, name, score, big, ok, raw FROM t ORDER BY id",
    );
    assert_eq!(r.tag, "SELECT 2");
    let types: Vec<Type> = r.columns.iter().map(|c| c.ty).collect();
    assert_eq!(
        types,
        [
            Type::INT4,
            Type::TEXT,
            Type::FLOAT4,
            Type::INT8,
            Type::BOOL,
            Type::BYTEA
        ]
    );
    assert_eq!(
        r.rows[0],
        [
            Value::Int(1),
            Value::Text("a".into()),
            Value::Float(1.5),
            Value::Int(10),
            Value::Int(1),
            Value::Bytes(vec![0, 255])
        ]
    );
    assert_eq!(r.rows[1][2], Value::Float(2.0));
    assert_eq!(r.rows[1][5], Value::Null);
    assert_eq!(run(&mut s, "UPDATE t SET big = big + 1").tag, "UPDATE 2");
    let r = run(
        &mut s,
        "UPDATE t SET big = big + 1 WHERE id = 1 RETURNING big",
    );
    assert_eq!(r.tag, "UPDATE 1");
    assert_eq!(r.rows, [[Value::Int(12)]]);
    let r = run(&mut s, "SELECT count(*), sum(big), avg(score) FROM t");
    assert_eq!(r.columns[0], crate::value::column("count", Type::INT8));
    assert_eq!(r.columns[1].ty, Type::NUMERIC, "sum(bigint) is numeric");
    assert_eq!(r.columns[2].ty, Type::FLOAT8);
    assert_eq!(r.rows[0][0], Value::Int(2));
    assert_eq!(run(&mut s, "DELETE FROM t WHERE id = 2").tag, "DELETE 1");
    let r = run(&mut s, "DELETE FROM t RETURNING id");
    assert_eq!(r.tag, "DELETE 1");
    assert_eq!(run(&mut s, "DROP TABLE t").tag, "DROP TABLE");
}

#[test]
fn empty_statements() {
    let (_dir, mut s) = setup();
    let p = s.prepare("").expect("prepare");
    assert!(p.is_empty());
    assert_eq!(s.execute(&p, &[]).expect("exec").tag, "");
    let r = s.simple_query("  ");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].as_ref().expect("empty").tag, "");
}

#[test]
fn parameters_bind_by_number_and_get_types() {
    let (_dir, mut s) = setup();
    run(
        &mut s,
        "CREATE TABLE acc (aid integer PRIMARY KEY, abalance integer, note text)",
    );
    let e = s.prepare("SELECT $2, $1").expect_err("untyped");
    assert_eq!(e.sqlstate, sql::sqlstate::INDETERMINATE_DATATYPE);
    let p = s.prepare("SELECT $2::text, $1::text").expect("prepare");
    assert_eq!(p.param_types().len(), 2);
    let r = s
        .execute(&p, &[Value::Text("one".into()), Value::Text("two".into())])
        .expect("execute");
    assert_eq!(
        r.rows,
        [[Value::Text("two".into()), Value::Text("one".into())]]
    );

    let ins = s
        .prepare("INSERT INTO acc (aid, abalance, note) VALUES ($1, $2, $3)")
        .expect("insert");
    assert_eq!(ins.param_types(), [Type::INT4, Type::INT4, Type::TEXT]);
    for i in 1..=3 {
        // Text-format input for integer parameters is converted, as PostgreSQL does.
        let r = s
            .execute(
                &ins,
                &[Value::Text(i.to_string()), Value::Int(0), Value::Null],
            )
            .expect("insert");
        assert_eq!(r.tag, "INSERT 0 1");
    }
    let upd = s
        .prepare("UPDATE acc SET abalance = abalance + $1 WHERE aid = $2")
        .expect("update");
    assert_eq!(upd.param_types()[1], Type::INT4);
    s.execute(&upd, &[Value::Int(5), Value::Int(2)])
        .expect("update");
    let sel = s
        .prepare("SELECT abalance FROM acc WHERE aid = $1")
        .expect("select");
    assert_eq!(sel.param_types(), [Type::INT4]);
    assert_eq!(sel.columns()[0].name, "abalance");
    assert_eq!(sel.columns()[0].ty, Type::INT4);
    assert_eq!(sel.columns()[0].attnum, 2, "RowDescription's column number");
    let r = s.execute(&sel, &[Value::Int(2)]).expect("select");
    assert_eq!(r.rows, [[Value::Int(5)]]);
    let e = s.execute(&sel, &[]).expect_err("missing parameter");
    assert_eq!(e.sqlstate, sql::sqlstate::PROTOCOL_VIOLATION);
    let e = s
        .execute(&sel, &[Value::Text("x".into())])
        .expect_err("bad int");
    assert_eq!(e.sqlstate, sql::sqlstate::INVALID_TEXT_REPRESENTATION);

    let again = s
        .prepare("SELECT abalance FROM acc WHERE aid = $1")
        .expect("select again");
    assert_eq!(
        again.param_types(),
        [Type::INT4],
        "same types on a second Parse"
    );

    let typed = s.prepare_typed("SELECT $1", &[20]).expect("typed");
    assert_eq!(typed.param_types(), [Type::INT8]);
    let cast = s.prepare("SELECT $1::int4").expect("cast");
    assert_eq!(cast.param_types(), [Type::INT4]);
    assert_eq!(cast.columns()[0].ty, Type::INT4);
    let r = s.execute(&cast, &[Value::Int(7)]).expect("cast");
    assert_eq!(r.rows, [[Value::Int(7)]]);
}

#[test]
fn failed_transaction_semantics() {
    let (_dir, mut s) = setup();
    run(&mut s, "CREATE TABLE t (a integer)");
    assert_eq!(s.transaction_status(), TxStatus::Idle);

    let r = run(&mut s, "COMMIT");
    assert_eq!(r.tag, "COMMIT");
    assert_eq!(
        r.notices[0].sqlstate,
        sql::sqlstate::NO_ACTIVE_SQL_TRANSACTION
    );
    assert_eq!(r.notices[0].severity, "WARNING");
    assert_eq!(
        run(&mut s, "ROLLBACK").notices[0].sqlstate,
        sql::sqlstate::NO_ACTIVE_SQL_TRANSACTION
    );

    assert_eq!(run(&mut s, "BEGIN").tag, "BEGIN");
    assert_eq!(s.transaction_status(), TxStatus::InBlock);
    let r = run(&mut s, "BEGIN");
    assert_eq!(r.notices[0].sqlstate, sql::sqlstate::ACTIVE_SQL_TRANSACTION);
    assert_eq!(
        r.notices[0].message,
        "there is already a transaction in progress"
    );
    run(&mut s, "INSERT INTO t VALUES (1)");
    let e = fail(&mut s, "SELECT * FROM missing");
    assert_eq!(e.sqlstate, sql::sqlstate::UNDEFINED_TABLE);
    assert_eq!(s.transaction_status(), TxStatus::Failed);
    let e = fail(&mut s, "SELECT 1");
    assert_eq!(e.sqlstate, sql::sqlstate::IN_FAILED_SQL_TRANSACTION);
    assert_eq!(
        e.message,
        "current transaction is aborted, commands ignored until end of transaction block"
    );
    assert_eq!(run(&mut s, "COMMIT").tag, "ROLLBACK");
    assert_eq!(s.transaction_status(), TxStatus::Idle);
    assert_eq!(scalar(&mut s, "SELECT count(*) FROM t"), Value::Int(0));

    // Savepoints: ROLLBACK TO leaves the failed state.
    run(&mut s, "BEGIN");
    run(&mut s, "INSERT INTO t VALUES (1)");
    assert_eq!(run(&mut s, "SAVEPOINT sp").tag, "SAVEPOINT");
    run(&mut s, "INSERT INTO t VALUES (2)");
    fail(&mut s, "INSERT INTO nowhere VALUES (3)");
    assert_eq!(s.transaction_status(), TxStatus::Failed);
    assert_eq!(
        fail(&mut s, "RELEASE sp").sqlstate,
        sql::sqlstate::IN_FAILED_SQL_TRANSACTION
    );
    assert_eq!(run(&mut s, "ROLLBACK TO SAVEPOINT sp").tag, "ROLLBACK");
    assert_eq!(s.transaction_status(), TxStatus::InBlock);
    assert_eq!(
        fail(&mut s, "ROLLBACK TO nosuch").sqlstate,
        sql::sqlstate::INVALID_SAVEPOINT_SPECIFICATION
    );
    run(&mut s, "ROLLBACK TO sp");
    assert_eq!(run(&mut s, "RELEASE SAVEPOINT sp").tag, "RELEASE");
    assert_eq!(run(&mut s, "COMMIT").tag, "COMMIT");
    assert_eq!(scalar(&mut s, "SELECT sum(a) FROM t"), Value::Int(1));

    assert_eq!(
        fail(&mut s, "SAVEPOINT x").sqlstate,
        sql::sqlstate::NO_ACTIVE_SQL_TRANSACTION
    );
    assert_eq!(
        fail(&mut s, "RELEASE x").sqlstate,
        sql::sqlstate::NO_ACTIVE_SQL_TRANSACTION
    );

    // ROLLBACK undoes; an error in autocommit leaves no block behind.
    run(&mut s, "BEGIN");
    run(&mut s, "INSERT INTO t VALUES (100)");
    run(&mut s, "ROLLBACK");
    assert_eq!(scalar(&mut s, "SELECT sum(a) FROM t"), Value::Int(1));
    fail(&mut s, "SELEC 1");
    assert_eq!(s.transaction_status(), TxStatus::Idle);

    // simple_query stops at the first error, and its implicit transaction rolls back.
    let results =
        s.simple_query("INSERT INTO t VALUES (5); SELECT * FROM nope; INSERT INTO t VALUES (6)");
    assert_eq!(results.len(), 2);
    assert!(results[1].is_err());
    assert_eq!(s.transaction_status(), TxStatus::Idle);
    assert_eq!(scalar(&mut s, "SELECT sum(a) FROM t"), Value::Int(1));
    let results = s.simple_query("INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)");
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(s.transaction_status(), TxStatus::Idle);
    assert_eq!(scalar(&mut s, "SELECT sum(a) FROM t"), Value::Int(6));
    // With explicit transaction control inside, statements commit one by one.
    let results = s.simple_query("BEGIN; INSERT INTO t VALUES (10); COMMIT");
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(s.transaction_status(), TxStatus::Idle);
    assert_eq!(scalar(&mut s, "SELECT sum(a) FROM t"), Value::Int(16));
    run(&mut s, "DELETE FROM t WHERE a <> 1");
    run(&mut s, "INSERT INTO t VALUES (5)");

    // A parse error inside a block fails the block too.
    run(&mut s, "BEGIN");
    fail(&mut s, "SELECT FROM WHERE");
    assert_eq!(s.transaction_status(), TxStatus::Failed);
    run(&mut s, "ROLLBACK");
    assert_eq!(s.transaction_status(), TxStatus::Idle);

    // abort_if_in_transaction rolls back.
    run(&mut s, "BEGIN");
    run(&mut s, "INSERT INTO t VALUES (1000)");
    s.abort_if_in_transaction();
    assert_eq!(s.transaction_status(), TxStatus::Idle);
    assert_eq!(scalar(&mut s, "SELECT sum(a) FROM t"), Value::Int(6));
}

#[test]
fn constraint_and_name_errors_have_postgres_sqlstates() {
    let (_dir, mut s) = setup();
    run(
        &mut s,
        "CREATE SCHEMA \"schema1\" CREATE TABLE \"counted\" (type text CHECK (type IN ('total', 'delta')), value integer) CREATE UNIQUE INDEX \"counted_unique_total\" ON \"counted\" (type) WHERE type = 'total'",
    );
    run(&mut s, "INSERT INTO schema1.counted VALUES ('total', 1)");
    let e = fail(&mut s, "INSERT INTO schema1.counted VALUES ('total', 2)");
    assert_eq!(e.sqlstate, sql::sqlstate::UNIQUE_VIOLATION);
    assert_eq!(
        e.message,
        "duplicate key value violates unique constraint \"counted_unique_total\""
    );
    let e = fail(&mut s, "INSERT INTO schema1.counted VALUES ('bogus', 2)");
    assert_eq!(e.sqlstate, sql::sqlstate::CHECK_VIOLATION);
    assert!(
        e.message
            .starts_with("new row for relation \"counted\" violates check constraint"),
        "{}",
        e.message
    );
    run(
        &mut s,
        "CREATE TABLE u (id integer PRIMARY KEY, k text UNIQUE, n text NOT NULL)",
    );
    run(&mut s, "INSERT INTO u VALUES (1, 'a', 'x')");
    let e = fail(&mut s, "INSERT INTO u VALUES (2, 'a', 'x')");
    assert_eq!(e.sqlstate, sql::sqlstate::UNIQUE_VIOLATION);
    assert_eq!(
        e.message,
        "duplicate key value violates unique constraint \"u_k_key\""
    );
    let e = fail(&mut s, "INSERT INTO u VALUES (1, 'b', 'x')");
    assert_eq!(
        e.message,
        "duplicate key value violates unique constraint \"u_pkey\""
    );
    let e = fail(&mut s, "INSERT INTO u (id, k) VALUES (3, 'c')");
    assert_eq!(e.sqlstate, sql::sqlstate::NOT_NULL_VIOLATION);
    assert_eq!(
        e.message,
        "null value in column \"n\" of relation \"u\" violates not-null constraint"
    );
    run(&mut s, "CREATE TABLE child (pid integer REFERENCES u(id))");
    assert_eq!(
        fail(&mut s, "INSERT INTO child VALUES (99)").sqlstate,
        sql::sqlstate::FOREIGN_KEY_VIOLATION
    );
    let e = fail(&mut s, "SELECT * FROM schema1.absent");
    assert_eq!(e.sqlstate, sql::sqlstate::UNDEFINED_TABLE);
    assert_eq!(e.message, "relation \"schema1.absent\" does not exist");
    assert_eq!(
        fail(&mut s, "SELECT nocol FROM u").sqlstate,
        sql::sqlstate::UNDEFINED_COLUMN
    );
    assert_eq!(
        fail(&mut s, "SELEC 1").sqlstate,
        sql::sqlstate::SYNTAX_ERROR
    );
    let e = fail(&mut s, "CREATE TABLE u (a int)");
    assert_eq!(e.sqlstate, sql::sqlstate::DUPLICATE_TABLE);
    assert_eq!(e.message, "relation \"u\" already exists");
}

#[test]
fn schemas_with_quoted_names_and_pg_namespace() {
    let (_dir, mut s) = setup();
    let count = "SELECT count(*) FROM pg_namespace WHERE nspname = 'our schema2'";
    assert_eq!(scalar(&mut s, count), Value::Int(0));
    assert_eq!(
        run(
            &mut s,
            "CREATE SCHEMA \"our schema2\" CREATE TABLE \"counted rows\" (type text, value integer)"
        )
        .tag,
        "CREATE SCHEMA"
    );
    assert_eq!(scalar(&mut s, count), Value::Int(1));
    let p = s
        .prepare("SELECT count(*) FROM pg_namespace WHERE nspname = $1")
        .expect("prepare");
    let r = s
        .execute(&p, &[Value::Text("our schema2".into())])
        .expect("execute");
    assert_eq!(r.rows, [[Value::Int(1)]]);
    run(
        &mut s,
        "INSERT INTO \"our schema2\".\"counted rows\" VALUES ('delta', 3)",
    );
    assert_eq!(
        scalar(
            &mut s,
            "SELECT sum(value) FROM \"our schema2\".\"counted rows\""
        ),
        Value::Int(3)
    );
    assert_eq!(
        scalar(
            &mut s,
            "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = 'public'"
        ),
        Value::Int(1)
    );

    let e = fail(&mut s, "CREATE SCHEMA \"our schema2\"");
    assert_eq!(e.sqlstate, sql::sqlstate::DUPLICATE_SCHEMA);
    assert_eq!(e.message, "schema \"our schema2\" already exists");
    let r = run(&mut s, "CREATE SCHEMA IF NOT EXISTS \"our schema2\"");
    assert_eq!(r.notices.len(), 1);
    let e = fail(&mut s, "DROP SCHEMA \"our schema2\"");
    assert_eq!(e.sqlstate, sql::sqlstate::DEPENDENT_OBJECTS_STILL_EXIST);
    assert_eq!(
        e.message,
        "cannot drop schema our schema2 because other objects depend on it"
    );
    let r = run(&mut s, "DROP SCHEMA \"our schema2\" CASCADE");
    assert_eq!(r.tag, "DROP SCHEMA");
    assert!(!r.notices.is_empty());
    assert_eq!(scalar(&mut s, count), Value::Int(0));
    let e = fail(&mut s, "DROP SCHEMA \"our schema2\"");
    assert_eq!(e.sqlstate, sql::sqlstate::INVALID_SCHEMA_NAME);
    assert_eq!(
        run(&mut s, "DROP SCHEMA IF EXISTS \"our schema2\"")
            .notices
            .len(),
        1
    );
    assert_eq!(run(&mut s, "CREATE SCHEMA empty").tag, "CREATE SCHEMA");
    assert_eq!(run(&mut s, "DROP SCHEMA empty").tag, "DROP SCHEMA");

    // A failing element undoes the whole CREATE SCHEMA.
    fail(
        &mut s,
        "CREATE SCHEMA broken CREATE TABLE t (a int) CREATE TABLE t (b int)",
    );
    assert_eq!(
        scalar(
            &mut s,
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'broken'"
        ),
        Value::Int(0)
    );
    // Inside a block, CREATE SCHEMA is undone by ROLLBACK.
    run(&mut s, "BEGIN");
    run(&mut s, "CREATE SCHEMA inblock CREATE TABLE t (a int)");
    run(&mut s, "INSERT INTO inblock.t VALUES (1)");
    run(&mut s, "ROLLBACK");
    assert_eq!(
        scalar(
            &mut s,
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'inblock'"
        ),
        Value::Int(0)
    );
}

#[test]
fn schema_created_by_one_connection_is_seen_by_another() {
    let (dir, mut a) = setup();
    let mut b =
        Session::open(dir.path(), "postgres", "postgres", OpenOptions::default()).expect("b");
    assert_eq!(
        fail(&mut b, "SELECT * FROM s.t").sqlstate,
        sql::sqlstate::UNDEFINED_TABLE
    );
    run(&mut a, "CREATE SCHEMA s CREATE TABLE t (a int)");
    run(&mut a, "INSERT INTO s.t VALUES (42)");
    assert_eq!(scalar(&mut b, "SELECT a FROM s.t"), Value::Int(42));
}

#[test]
fn a_thousand_schemas_in_one_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    init_data_dir(dir.path()).expect("init");
    let mut s = Session::open(dir.path(), "postgres", "postgres", fast_opts()).expect("open");
    for i in 0..1000 {
        run(
            &mut s,
            &format!("CREATE SCHEMA s{i} CREATE TABLE counted (type text, value integer)"),
        );
        run(
            &mut s,
            &format!("INSERT INTO s{i}.counted VALUES ('total', {i})"),
        );
    }
    for i in (0..1000).step_by(1) {
        assert_eq!(
            scalar(&mut s, &format!("SELECT value FROM s{i}.counted")),
            Value::Int(i)
        );
    }
    assert_eq!(
        scalar(
            &mut s,
            "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 's%'"
        ),
        Value::Int(1000)
    );
}

#[test]
fn set_show_reset() {
    let (_dir, mut s) = setup();
    assert_eq!(run(&mut s, "SET application_name = 'spi test'").tag, "SET");
    let r = run(&mut s, "SHOW application_name");
    assert_eq!(r.tag, "SHOW");
    assert_eq!(
        r.columns,
        [crate::value::column("application_name", Type::TEXT)]
    );
    assert_eq!(r.rows, [[Value::Text("spi test".into())]]);
    let all = run(&mut s, "SHOW ALL");
    assert_eq!(all.columns.len(), 3);
    assert!(all.rows.len() > 5);
    assert_eq!(run(&mut s, "RESET application_name").tag, "RESET");
    assert_ne!(
        scalar(&mut s, "SHOW application_name"),
        Value::Text("spi test".into())
    );
    assert_eq!(
        fail(&mut s, "SHOW no_such_setting").sqlstate,
        sql::sqlstate::UNDEFINED_OBJECT
    );

    // A SET inside a rolled-back block is undone; SET LOCAL ends with the block.
    run(&mut s, "SET spitest.a = 'before'");
    run(&mut s, "BEGIN");
    run(&mut s, "SET spitest.a = 'inside'");
    assert_eq!(
        scalar(&mut s, "SHOW spitest.a"),
        Value::Text("inside".into())
    );
    run(&mut s, "ROLLBACK");
    assert_eq!(
        scalar(&mut s, "SHOW spitest.a"),
        Value::Text("before".into())
    );
    run(&mut s, "BEGIN");
    run(&mut s, "SET LOCAL spitest.a = 'local'");
    assert_eq!(
        scalar(&mut s, "SHOW spitest.a"),
        Value::Text("local".into())
    );
    run(&mut s, "COMMIT");
    assert_eq!(
        scalar(&mut s, "SHOW spitest.a"),
        Value::Text("before".into())
    );
    let r = run(&mut s, "SET LOCAL spitest.a = 'x'");
    assert_eq!(
        r.notices[0].sqlstate,
        sql::sqlstate::NO_ACTIVE_SQL_TRANSACTION
    );
}

#[test]
fn sqlite_statements_and_catalog_tables_are_out_of_reach() {
    let (dir, mut s) = setup();
    let other = dir.path().join("other.db");
    for sql in [
        format!("ATTACH DATABASE '{}' AS x", other.display()),
        "DETACH DATABASE main".to_string(),
        "SELECT load_extension('/tmp/evil.so')".to_string(),
        "PRAGMA journal_mode = DELETE".to_string(),
        "PRAGMA writable_schema = 1".to_string(),
        format!("VACUUM INTO '{}'", other.display()),
        "INSERT INTO minipg_namespace VALUES ('x', 1, 'u')".to_string(),
        "SELECT * FROM minipg_class".to_string(),
        "SELECT * FROM sqlite_schema".to_string(),
        "DROP TABLE minipg_namespace".to_string(),
    ] {
        let e = fail(&mut s, &sql);
        assert!(
            [
                sql::sqlstate::FEATURE_NOT_SUPPORTED,
                sql::sqlstate::SYNTAX_ERROR,
                sql::sqlstate::UNDEFINED_FUNCTION,
                sql::sqlstate::UNDEFINED_TABLE
            ]
            .contains(&e.sqlstate),
            "{sql}: {e:?}"
        );
    }
    assert!(!other.exists());
}

#[test]
fn server_functions() {
    let (_dir, mut s) = setup();
    let v = scalar(&mut s, "SELECT version()");
    assert!(
        matches!(&v, Value::Text(t) if t.starts_with("PostgreSQL 15.0 (minipg")),
        "{v:?}"
    );
    assert_eq!(
        scalar(&mut s, "SELECT current_database()"),
        Value::Text("postgres".into())
    );
    assert_eq!(
        scalar(&mut s, "SELECT current_user"),
        Value::Text("postgres".into())
    );
    assert_eq!(
        scalar(&mut s, "SELECT pg_backend_pid()"),
        Value::Int(i64::from(std::process::id()))
    );
    let r = run(&mut s, "SELECT 't'::bool, 'off'::boolean, 1::bool");
    assert!(
        r.columns.iter().all(|c| c.ty == Type::BOOL),
        "{:?}",
        r.columns
    );
    assert_eq!(r.rows, [[Value::Int(1), Value::Int(0), Value::Int(1)]]);
    let e = fail(&mut s, "SELECT 'maybe'::bool");
    assert_eq!(e.sqlstate, sql::sqlstate::INVALID_TEXT_REPRESENTATION);
    assert_eq!(
        e.message,
        "invalid input syntax for type boolean: \"maybe\""
    );
    let r = run(&mut s, "SELECT now()");
    assert_eq!(r.columns[0].ty, Type::TIMESTAMPTZ);
    let shown = crate::value::output(Type::TIMESTAMPTZ, &r.rows[0][0]).expect("now");
    assert!(shown.ends_with("+00") && shown.len() >= 22, "{shown}");
    assert_eq!(
        scalar(&mut s, "SELECT pg_sleep(0.01)"),
        Value::Text(String::new())
    );
    assert_eq!(scalar(&mut s, "SELECT pg_cancel_backend(1)"), Value::Int(0));
    let r = run(
        &mut s,
        "SELECT pid, datname, backend_start FROM pg_stat_activity",
    );
    assert_eq!(r.tag, "SELECT 0");
    assert_eq!(r.columns[0].ty, Type::INT4);
    assert_eq!(r.columns[2].ty, Type::TIMESTAMPTZ);
}

#[test]
fn create_and_drop_database_statements() {
    let (dir, mut s) = setup();
    assert_eq!(run(&mut s, "CREATE DATABASE app").tag, "CREATE DATABASE");
    assert_eq!(
        fail(&mut s, "CREATE DATABASE app").sqlstate,
        sql::sqlstate::DUPLICATE_DATABASE
    );
    let mut other =
        Session::open(dir.path(), "app", "postgres", OpenOptions::default()).expect("app");
    run(&mut other, "CREATE TABLE t (a int)");
    drop(other);
    run(&mut s, "BEGIN");
    assert_eq!(
        fail(&mut s, "DROP DATABASE app").sqlstate,
        sql::sqlstate::ACTIVE_SQL_TRANSACTION
    );
    run(&mut s, "ROLLBACK");
    assert_eq!(
        fail(&mut s, "DROP DATABASE postgres").sqlstate,
        sql::sqlstate::OBJECT_IN_USE
    );
    assert_eq!(run(&mut s, "DROP DATABASE app").tag, "DROP DATABASE");
    assert_eq!(
        fail(&mut s, "DROP DATABASE app").sqlstate,
        sql::sqlstate::INVALID_CATALOG_NAME
    );
    assert_eq!(run(&mut s, "DROP DATABASE IF EXISTS app").notices.len(), 1);
}

/// Two threads, two connections, the same row: every increment survives.
#[test]
fn concurrent_writers_lose_no_update() {
    let dir = tempfile::tempdir().expect("tempdir");
    init_data_dir(dir.path()).expect("init");
    {
        let mut s = Session::open(dir.path(), "postgres", "postgres", fast_opts()).expect("open");
        run(
            &mut s,
            "CREATE TABLE counter (id integer PRIMARY KEY, n integer)",
        );
        run(&mut s, "INSERT INTO counter VALUES (1, 0)");
    }
    const PER_THREAD: i64 = 300;
    let mut threads = Vec::new();
    for _ in 0..2 {
        let path = dir.path().to_path_buf();
        threads.push(std::thread::spawn(move || {
            let mut s = Session::open(&path, "postgres", "postgres", fast_opts()).expect("open");
            let mut retries = 0u32;
            for i in 0..PER_THREAD {
                if i % 2 == 0 {
                    // Autocommit: waits for the lock within busy_timeout.
                    run(&mut s, "UPDATE counter SET n = n + 1 WHERE id = 1");
                    continue;
                }
                // A read-then-write block: a conflict is 40001, and a retry succeeds.
                loop {
                    run(&mut s, "BEGIN");
                    let step = s
                        .prepare("SELECT n FROM counter WHERE id = 1")
                        .and_then(|p| s.execute(&p, &[]))
                        .and_then(|_| {
                            let p = s.prepare("UPDATE counter SET n = n + 1 WHERE id = 1")?;
                            s.execute(&p, &[])
                        })
                        .and_then(|_| {
                            let p = s.prepare("COMMIT")?;
                            s.execute(&p, &[])
                        });
                    match step {
                        Ok(_) => break,
                        Err(e) => {
                            assert_eq!(e.sqlstate, sql::sqlstate::SERIALIZATION_FAILURE, "{e:?}");
                            retries += 1;
                            run(&mut s, "ROLLBACK");
                            assert_eq!(s.transaction_status(), TxStatus::Idle);
                        }
                    }
                }
            }
            retries
        }));
    }
    for t in threads {
        t.join().expect("thread");
    }
    let mut s = Session::open(dir.path(), "postgres", "postgres", fast_opts()).expect("open");
    assert_eq!(
        scalar(&mut s, "SELECT n FROM counter WHERE id = 1"),
        Value::Int(2 * PER_THREAD)
    );
}

#[test]
fn autocommit_write_times_out_with_55p03_and_block_write_is_40001() {
    let dir = tempfile::tempdir().expect("tempdir");
    init_data_dir(dir.path()).expect("init");
    let short = OpenOptions {
        busy_timeout: Duration::from_millis(100),
        ..fast_opts()
    };
    let mut holder = Session::open(dir.path(), "postgres", "postgres", short.clone()).expect("a");
    let mut other = Session::open(dir.path(), "postgres", "postgres", short).expect("b");
    run(&mut holder, "CREATE TABLE t (a int)");
    run(&mut other, "SELECT count(*) FROM t");
    run(&mut holder, "BEGIN");
    run(&mut holder, "INSERT INTO t VALUES (1)");
    let e = fail(&mut other, "INSERT INTO t VALUES (2)");
    assert_eq!(e.sqlstate, sql::sqlstate::LOCK_NOT_AVAILABLE);
    run(&mut other, "BEGIN");
    let e = fail(&mut other, "INSERT INTO t VALUES (2)");
    assert_eq!(e.sqlstate, sql::sqlstate::SERIALIZATION_FAILURE);
    assert_eq!(
        e.message,
        "could not serialize access due to concurrent update"
    );
    run(&mut other, "ROLLBACK");
    run(&mut holder, "COMMIT");
    run(&mut other, "INSERT INTO t VALUES (2)");
    assert_eq!(scalar(&mut other, "SELECT count(*) FROM t"), Value::Int(2));
}

#[test]
fn multi_object_drop_runs_as_a_batch() {
    let (_dir, mut s) = setup();
    run(&mut s, "CREATE TABLE a (x int)");
    run(&mut s, "CREATE TABLE b (x int)");
    run(&mut s, "INSERT INTO a VALUES (1)");
    assert_eq!(run(&mut s, "TRUNCATE a, b").tag, "TRUNCATE TABLE");
    assert_eq!(scalar(&mut s, "SELECT count(*) FROM a"), Value::Int(0));
    assert_eq!(run(&mut s, "DROP TABLE a, b").tag, "DROP TABLE");
    assert_eq!(
        fail(&mut s, "SELECT * FROM b").sqlstate,
        sql::sqlstate::UNDEFINED_TABLE
    );
}

#[test]
fn pg_namespace_needs_no_temp_objects_and_survives_a_rollback() {
    let (_dir, mut s) = setup();
    let temp_views = |s: &Session| -> i64 {
        s.sql
            .trusted(|c| {
                c.query_row(
                    "SELECT count(*) FROM sqlite_temp_schema WHERE name = 'pg_namespace'",
                    [],
                    |r| r.get(0),
                )
            })
            .expect("temp schema")
    };
    run(&mut s, "SELECT 1");
    assert_eq!(temp_views(&s), 0);
    // First named inside an open SQLite transaction that then rolls back.
    run(&mut s, "BEGIN");
    run(&mut s, "CREATE TABLE lazy_t (a integer)");
    assert_eq!(
        scalar(
            &mut s,
            "SELECT count(*) FROM PG_NAMESPACE WHERE nspname = 'public'"
        ),
        Value::Int(1)
    );
    run(&mut s, "ROLLBACK");
    assert_eq!(
        scalar(
            &mut s,
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'public'"
        ),
        Value::Int(1)
    );
    // A virtual table registered at connection open: nothing in the temp schema to lose.
    assert_eq!(temp_views(&s), 0);
}

// The plan cache: a statement prepared again is served from the cache, and only while what
// it depended on is unchanged — also when another session changed it.

#[test]
fn repeated_statements_are_served_from_the_plan_cache() {
    let (_dir, mut s) = setup();
    run(&mut s, "CREATE TABLE pc (a integer, b text)");
    let before = s.plans.len();
    for _ in 0..3 {
        assert_eq!(scalar(&mut s, "select 1"), Value::Int(1));
        run(&mut s, "INSERT INTO pc VALUES (1, 'x')");
    }
    assert_eq!(s.plans.len(), before + 2, "one plan per text");
    assert_eq!(scalar(&mut s, "SELECT count(*) FROM pc"), Value::Int(3));
    // Parse's parameter types are part of the key.
    let untyped = s.prepare("SELECT $1 IS NULL").expect("untyped");
    let typed = s.prepare_typed("SELECT $1 IS NULL", &[23]).expect("typed");
    assert_eq!(untyped.param_types(), &[Type::TEXT]);
    assert_eq!(typed.param_types(), &[Type::INT4]);
    assert_eq!(
        s.prepare("SELECT $1 IS NULL").expect("again").param_types(),
        &[Type::TEXT]
    );
    // Utility statements are not cached; they behave as before.
    run(&mut s, "SET application_name = 'pc'");
    assert_eq!(
        scalar(&mut s, "SHOW application_name"),
        Value::Text("pc".into())
    );
}

#[test]
fn a_schema_change_by_another_session_is_seen_by_the_next_statement() {
    let (dir, mut a) = setup();
    let mut b =
        Session::open(dir.path(), "postgres", "postgres", OpenOptions::default()).expect("b");
    run(&mut a, "CREATE TABLE wide (a integer)");
    run(&mut a, "INSERT INTO wide VALUES (1)");
    assert_eq!(
        a.prepare("SELECT * FROM wide").expect("p").columns().len(),
        1
    );
    run(&mut b, "ALTER TABLE wide ADD COLUMN b text");
    let p = a.prepare("SELECT * FROM wide").expect("p");
    assert_eq!(
        p.columns().len(),
        2,
        "re-described after the other session's DDL"
    );
    assert_eq!(a.execute(&p, &[]).expect("run").rows[0].len(), 2);
    // A parameter's inferred type follows the column's new type too.
    run(&mut a, "CREATE TABLE typed (v integer)");
    let p = a.prepare("SELECT * FROM typed WHERE v = $1").expect("p");
    assert_eq!(p.param_types(), &[Type::INT4]);
    run(&mut b, "DROP TABLE typed");
    run(&mut b, "CREATE TABLE typed (v text)");
    let p = a.prepare("SELECT * FROM typed WHERE v = $1").expect("p");
    assert_eq!(p.param_types(), &[Type::TEXT]);
}

#[test]
fn a_namespace_change_by_another_session_is_seen_by_the_next_statement() {
    let (dir, mut a) = setup();
    let mut b =
        Session::open(dir.path(), "postgres", "postgres", OpenOptions::default()).expect("b");
    // search_path is "$user", public: postgres's schema, once it exists, comes first.
    run(&mut a, "CREATE TABLE t (a text)");
    run(&mut a, "INSERT INTO t VALUES ('public')");
    let query = "SELECT a FROM t";
    assert_eq!(scalar(&mut a, query), Value::Text("public".into()));
    assert_eq!(scalar(&mut a, query), Value::Text("public".into()));
    // Only the catalog changes here: the cached plan of `t` must change with it.
    run(&mut b, "CREATE SCHEMA postgres");
    run(&mut b, "CREATE TABLE postgres.t (a text)");
    run(&mut b, "INSERT INTO postgres.t VALUES ('schema postgres')");
    assert_eq!(scalar(&mut a, query), Value::Text("schema postgres".into()));
    run(&mut b, "DROP SCHEMA postgres CASCADE");
    assert_eq!(scalar(&mut a, query), Value::Text("public".into()));
}

#[test]
fn a_rolled_back_schema_change_empties_the_plan_cache() {
    let (dir, mut a) = setup();
    let mut b =
        Session::open(dir.path(), "postgres", "postgres", OpenOptions::default()).expect("b");
    // A's plan is stamped with the cookie of its own uncommitted DDL; after the rollback, B's
    // DDL brings the cookie back to that very value with a different schema.
    run(&mut a, "BEGIN");
    run(&mut a, "CREATE TABLE u (x integer)");
    assert_eq!(a.prepare("SELECT * FROM u").expect("p").columns().len(), 1);
    run(&mut a, "ROLLBACK");
    run(&mut b, "CREATE TABLE u (x integer, y integer)");
    assert_eq!(a.prepare("SELECT * FROM u").expect("p").columns().len(), 2);
    // The same with a savepoint inside a block.
    run(&mut a, "BEGIN");
    run(&mut a, "SAVEPOINT sp");
    run(&mut a, "CREATE TABLE v (x integer)");
    assert_eq!(a.prepare("SELECT * FROM v").expect("p").columns().len(), 1);
    run(&mut a, "ROLLBACK TO SAVEPOINT sp");
    run(&mut a, "CREATE TABLE v (x integer, y integer, z integer)");
    assert_eq!(a.prepare("SELECT * FROM v").expect("p").columns().len(), 3);
    run(&mut a, "COMMIT");
    assert_eq!(a.prepare("SELECT * FROM v").expect("p").columns().len(), 3);
}

#[test]
fn cached_statements_keep_transaction_semantics() {
    let (_dir, mut s) = setup();
    run(&mut s, "CREATE TABLE k (a integer PRIMARY KEY)");
    run(&mut s, "INSERT INTO k VALUES (1)");
    let insert = "INSERT INTO k VALUES (2)";
    run(&mut s, "BEGIN");
    run(&mut s, insert);
    assert_eq!(
        fail(&mut s, "INSERT INTO k VALUES (1)").sqlstate,
        sql::sqlstate::UNIQUE_VIOLATION
    );
    assert_eq!(s.transaction_status(), TxStatus::Failed);
    assert_eq!(
        fail(&mut s, insert).sqlstate,
        sql::sqlstate::IN_FAILED_SQL_TRANSACTION,
        "cached, still refused"
    );
    assert_eq!(
        fail(&mut s, "select 1").sqlstate,
        sql::sqlstate::IN_FAILED_SQL_TRANSACTION
    );
    run(&mut s, "ROLLBACK");
    assert_eq!(s.transaction_status(), TxStatus::Idle);
    assert_eq!(run(&mut s, insert).tag, "INSERT 0 1");
    assert_eq!(scalar(&mut s, "SELECT count(*) FROM k"), Value::Int(2));
    // A statement prepared before the block runs inside it.
    let p = s.prepare("INSERT INTO k VALUES (3)").expect("p");
    run(&mut s, "BEGIN");
    s.execute(&p, &[]).expect("in block");
    run(&mut s, "ROLLBACK");
    assert_eq!(scalar(&mut s, "SELECT count(*) FROM k"), Value::Int(2));
    assert!(
        s.sql.conn.is_autocommit(),
        "prepare leaves no transaction open"
    );
}

#[test]
fn prepare_takes_only_its_own_statement_and_execute_streams_its_rows() {
    let (_d, mut s) = setup();
    let results = s.simple_query("prepare two as select 1 as one; select 2");
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().expect("prepare").tag, "PREPARE");
    let r = run(&mut s, "execute two");
    assert_eq!(r.tag, "SELECT 1");
    assert_eq!(r.columns[0].name, "one");
    assert_eq!(r.rows, vec![vec![Value::Int(1)]]);
    // Named statements survive a schema change (planned again) and go with DISCARD ALL.
    run(&mut s, "create table t (a int)");
    run(&mut s, "prepare ins (int) as insert into t values ($1 * 2)");
    run(&mut s, "alter table t add column b text");
    assert_eq!(run(&mut s, "execute ins(21)").tag, "INSERT 0 1");
    assert_eq!(scalar(&mut s, "select a from t"), Value::Int(42));
    run(&mut s, "discard all");
    assert_eq!(
        fail(&mut s, "execute two").sqlstate,
        sql::sqlstate::INVALID_SQL_STATEMENT_NAME
    );
}

/// The implicit transactions of a multi-statement Query and of an extended-protocol pipeline,
/// each case as PostgreSQL 15 answered it (raw protocol, `docs/bad-input.md`).
#[test]
fn implicit_transactions_follow_postgresql() {
    let (_dir, mut s) = setup();
    run(&mut s, "CREATE TABLE t (a integer)");
    let count = |s: &mut Session| scalar(s, "SELECT count(*) FROM t");
    let reset = |s: &mut Session| {
        s.abort_if_in_transaction();
        run(s, "DELETE FROM t");
    };
    let last_err = |r: &[Result<QueryResult, SpiError>]| match r.last() {
        Some(Err(e)) => (e.sqlstate, e.message.clone()),
        other => panic!("no error: {other:?}"),
    };

    // Simple Query: all or nothing.
    let r = s.simple_query("INSERT INTO t VALUES (1); SELECT * FROM nope");
    assert_eq!(last_err(&r).0, "42P01");
    assert_eq!(count(&mut s), Value::Int(0));
    // ROLLBACK inside ends it (with a warning), the statements after it start a new one.
    let r = s.simple_query("INSERT INTO t VALUES (1); ROLLBACK; SELECT 1");
    assert_eq!(
        r[1].as_ref().expect("rollback").notices[0].sqlstate,
        "25P01"
    );
    assert!(r.iter().all(Result::is_ok));
    assert_eq!(count(&mut s), Value::Int(0));
    // COMMIT inside commits what came before it.
    let r = s.simple_query("INSERT INTO t VALUES (1); COMMIT; SELECT 1/0");
    assert_eq!(last_err(&r).0, "22012");
    assert_eq!(count(&mut s), Value::Int(1));
    reset(&mut s);
    // SAVEPOINT needs a block of the client's.
    let r = s.simple_query("INSERT INTO t VALUES (1); SAVEPOINT a; SELECT 1");
    assert_eq!(
        last_err(&r),
        (
            "25P01",
            "SAVEPOINT can only be used in transaction blocks".into()
        )
    );
    assert_eq!(count(&mut s), Value::Int(0));
    // BEGIN inside makes it the client's block, which stays (failed) after the Query.
    let r = s.simple_query("INSERT INTO t VALUES (1); BEGIN; INSERT INTO t VALUES (2); SELECT 1/0");
    assert_eq!(last_err(&r).0, "22012");
    assert_eq!(s.transaction_status(), TxStatus::Failed);
    run(&mut s, "ROLLBACK");
    assert_eq!(count(&mut s), Value::Int(0));
    // Savepoints work in a block the Query began.
    let r = s.simple_query(
        "BEGIN; INSERT INTO t VALUES (1); SAVEPOINT a; INSERT INTO t VALUES (2); \
         ROLLBACK TO a; INSERT INTO t VALUES (3); COMMIT",
    );
    assert!(r.iter().all(Result::is_ok), "{r:?}");
    assert_eq!(scalar(&mut s, "SELECT sum(a) FROM t"), Value::Int(4));
    reset(&mut s);
    // Commands that cannot run in a block.
    let r = s.simple_query("SELECT 1; VACUUM");
    assert_eq!(
        last_err(&r),
        (
            "25001",
            "VACUUM cannot run inside a transaction block".into()
        )
    );
    assert!(s.simple_query("VACUUM").iter().all(Result::is_ok));

    // Extended protocol: from the first Execute until Sync.
    let insert = s.prepare("INSERT INTO t VALUES (1)").expect("prepare");
    let div = s.prepare("SELECT 1/0").expect("prepare");
    let vacuum = s.prepare("VACUUM").expect("prepare");
    let commit = s.prepare("COMMIT").expect("prepare");
    let pipeline = |s: &mut Session, stmts: &[&Prepared]| -> Option<SpiError> {
        let mut failed = None;
        for st in stmts {
            s.begin_implicit();
            if let Err(e) = s.execute(st, &[]) {
                s.fail_transaction_block();
                failed = Some(e);
                break;
            }
        }
        s.end_implicit().expect("sync");
        failed
    };
    assert_eq!(
        pipeline(&mut s, &[&insert, &insert, &div]).map(|e| e.sqlstate),
        Some("22012")
    );
    assert_eq!(count(&mut s), Value::Int(0));
    assert!(pipeline(&mut s, &[&insert, &insert]).is_none());
    assert_eq!(count(&mut s), Value::Int(2));
    reset(&mut s);
    // COMMIT inside a pipeline commits what came before it, with a warning.
    assert!(pipeline(&mut s, &[&insert, &commit, &div]).is_some());
    assert_eq!(count(&mut s), Value::Int(1));
    reset(&mut s);
    // VACUUM runs as a pipeline's first statement, and is refused after another.
    let e = pipeline(&mut s, &[&insert, &vacuum]).expect("refused");
    assert_eq!(
        (e.sqlstate, e.message.as_str()),
        ("25001", "VACUUM cannot be executed within a pipeline")
    );
    assert_eq!(count(&mut s), Value::Int(0));
    assert!(pipeline(&mut s, &[&vacuum, &insert, &div]).is_some());
    assert_eq!(count(&mut s), Value::Int(0));
    assert_eq!(s.transaction_status(), TxStatus::Idle);
}

#[test]
fn explain_shows_sqlites_plan_as_query_plan_rows_and_analyze_runs_the_statement() {
    let (_d, mut s) = setup();
    run(&mut s, "create table ex(a int primary key, b text)");
    run(&mut s, "create table ey(x int)");
    let p = s
        .prepare("explain select * from ex join ey on a = x")
        .expect("prepare");
    assert_eq!(p.columns().len(), 1);
    assert_eq!(p.columns()[0].name, "QUERY PLAN");
    assert_eq!(p.columns()[0].ty, Type::TEXT);
    let r = s.execute(&p, &[]).expect("explain");
    assert_eq!(r.tag, "EXPLAIN");
    let lines: Vec<String> = r
        .rows
        .iter()
        .map(|row| match &row[0] {
            Value::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert!(lines.iter().any(|l| l.contains("SCAN ey")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("SEARCH ex")), "{lines:?}");
    // A write is headed by its command, its nodes indented under it.
    let r = run(&mut s, "explain update ex set b = 'q' where a = 1");
    assert_eq!(r.rows[0][0], Value::Text("Update".into()));
    assert!(
        matches!(&r.rows[1][0], Value::Text(t) if t.starts_with("  ->  SEARCH ex")),
        "{r:?}"
    );
    // Without ANALYZE nothing runs; with it the insert happens and its time ends the plan.
    run(&mut s, "explain insert into ex values (1, 'a')");
    assert_eq!(scalar(&mut s, "select count(*) from ex"), Value::Int(0));
    let r = run(&mut s, "explain analyze insert into ex values (1, 'a')");
    assert!(
        matches!(r.rows.last().map(|r| &r[0]), Some(Value::Text(t)) if t.starts_with("Execution Time: ")),
        "{r:?}"
    );
    assert_eq!(scalar(&mut s, "select count(*) from ex"), Value::Int(1));
    assert_eq!(
        fail(&mut s, "explain (format json) select 1").sqlstate,
        "0A000"
    );
    assert_eq!(
        fail(&mut s, "explain create table z(a int)").sqlstate,
        "0A000"
    );
}
