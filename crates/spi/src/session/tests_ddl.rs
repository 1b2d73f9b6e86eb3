//! Session tests of sequences, serial and identity columns, ALTER TABLE's rebuild, DROP with
//! dependents and COMMENT ON: what the file holds afterwards, across sessions and reopenings.

use super::test_support::{fail, int, open, run, setup, sqlite_count, text};
use super::*;

/// A relation's OID, read from the catalog table (SQL has no `regclass` names yet).
fn oid(dir: &Path, name: &str) -> i64 {
    let c = rusqlite::Connection::open(datadir::database_path(dir, "postgres")).expect("open");
    c.query_row(
        "SELECT oid FROM minipg_class WHERE relname = ?1",
        [name],
        |r| r.get(0),
    )
    .expect("oid")
}

#[test]
fn nextval_is_shared_by_sessions_and_not_undone() {
    let (dir, mut a) = setup();
    let mut b = open(dir.path());
    run(&mut a, "create sequence s");
    assert_eq!(int(&mut a, "select nextval('s')"), 1);
    assert_eq!(int(&mut b, "select nextval('s')"), 2);
    // A rolled-back block keeps what it took; so does a failed statement in a block.
    run(&mut a, "begin");
    assert_eq!(int(&mut a, "select nextval('s')"), 3);
    fail(&mut a, "select nextval('s') / 0");
    run(&mut a, "rollback");
    assert_eq!(int(&mut b, "select nextval('s')"), 5);
    // ROLLBACK TO SAVEPOINT too.
    run(&mut a, "begin");
    run(&mut a, "savepoint p");
    assert_eq!(int(&mut a, "select nextval('s')"), 6);
    run(&mut a, "rollback to savepoint p");
    run(&mut a, "commit");
    assert_eq!(int(&mut b, "select nextval('s')"), 7);
    // currval is the session's own; lastval follows nextval.
    assert_eq!(int(&mut a, "select currval('s')"), 6);
    assert_eq!(int(&mut b, "select lastval()"), 7);
    let mut c = open(dir.path());
    let e = fail(&mut c, "select currval('s')");
    assert_eq!(e.sqlstate, sql::sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE);
    assert_eq!(
        e.message,
        "currval of sequence \"s\" is not yet defined in this session"
    );
    assert_eq!(
        fail(&mut c, "select lastval()").sqlstate,
        sql::sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE
    );
    // Reopened, the sequence goes on.
    drop((a, b, c));
    let mut d = open(dir.path());
    assert_eq!(int(&mut d, "select nextval('s')"), 8);
    let r = run(&mut d, "select * from s");
    assert_eq!(r.rows[0][0], Value::Int(8));
}

#[test]
fn a_failed_insert_consumes_its_serial_value() {
    let (_dir, mut s) = setup();
    run(
        &mut s,
        "create table t (id serial primary key, k text unique)",
    );
    run(&mut s, "insert into t (k) values ('a')");
    assert_eq!(
        fail(&mut s, "insert into t (k) values ('a')").sqlstate,
        sql::sqlstate::UNIQUE_VIOLATION
    );
    assert_eq!(
        int(&mut s, "insert into t (k) values ('b') returning id"),
        3
    );
    // Several statements in one Query: the failure rolls them all back, the values stay used.
    let results = s.simple_query("insert into t (k) values ('c'); insert into t (k) values ('c')");
    assert!(results.last().is_some_and(Result::is_err));
    assert_eq!(
        int(&mut s, "insert into t (k) values ('d') returning id"),
        6
    );
    assert_eq!(int(&mut s, "select count(*) from t"), 3);
    // A read-only block cannot take a value.
    run(&mut s, "begin read only");
    let e = fail(&mut s, "select nextval('t_id_seq')");
    assert_eq!(e.sqlstate, sql::sqlstate::READ_ONLY_SQL_TRANSACTION);
    assert_eq!(
        e.message,
        "cannot execute nextval() in a read-only transaction"
    );
    run(&mut s, "rollback");
}

#[test]
fn sequence_options_and_limits() {
    let (_dir, mut s) = setup();
    run(&mut s, "create sequence c cache 10");
    assert_eq!(int(&mut s, "select nextval('c')"), 1);
    // The session took 1..10 at once: the row says so, and the next nine need no trip.
    assert_eq!(int(&mut s, "select last_value from c"), 10);
    assert_eq!(int(&mut s, "select nextval('c')"), 2);
    run(&mut s, "create sequence m as smallint maxvalue 2");
    int(&mut s, "select nextval('m')");
    int(&mut s, "select nextval('m')");
    let e = fail(&mut s, "select nextval('m')");
    assert_eq!(e.sqlstate, sql::sqlstate::SEQUENCE_GENERATOR_LIMIT_EXCEEDED);
    run(&mut s, "alter sequence m cycle");
    assert_eq!(int(&mut s, "select nextval('m')"), 1);
    assert_eq!(
        fail(&mut s, "select setval('m', 3)").sqlstate,
        sql::sqlstate::NUMERIC_VALUE_OUT_OF_RANGE
    );
    run(&mut s, "alter sequence m rename to m2");
    assert_eq!(
        fail(&mut s, "select nextval('m')").sqlstate,
        sql::sqlstate::UNDEFINED_TABLE
    );
    assert_eq!(int(&mut s, "select nextval('m2')"), 2);
    run(&mut s, "create table t (a int)");
    assert_eq!(
        fail(&mut s, "select nextval('t')").sqlstate,
        sql::sqlstate::WRONG_OBJECT_TYPE
    );
}

#[test]
fn serial_and_identity_sequences_belong_to_their_columns() {
    let (dir, mut s) = setup();
    run(&mut s, "create sequence t_id_seq");
    run(
        &mut s,
        "create table t (n int, id serial, g bigint generated by default as identity)",
    );
    // The name was taken: PostgreSQL's numbering.
    assert_eq!(
        text(&mut s, "select pg_get_serial_sequence('t', 'id')").as_deref(),
        Some("public.t_id_seq1")
    );
    assert_eq!(
        text(&mut s, "select pg_get_serial_sequence('t', 'g')").as_deref(),
        Some("public.t_g_seq")
    );
    run(&mut s, "insert into t (n) values (1), (2)");
    let r = run(&mut s, "select id, g from t order by n");
    assert_eq!(r.rows[1], vec![Value::Int(2), Value::Int(2)]);
    // The serial default depends on its sequence; the identity sequence is the column's.
    let e = fail(&mut s, "drop sequence t_id_seq1");
    assert_eq!(e.sqlstate, sql::sqlstate::DEPENDENT_OBJECTS_STILL_EXIST);
    assert_eq!(
        e.detail.as_deref(),
        Some("default value for column id of table t depends on sequence t_id_seq1")
    );
    let e = fail(&mut s, "drop sequence t_g_seq cascade");
    assert_eq!(
        e.message,
        "cannot drop sequence t_g_seq because column g of table t requires it"
    );
    // Dropping the column drops its sequence; dropping the table drops the rest.
    run(&mut s, "alter table t drop column id");
    assert_eq!(
        fail(&mut s, "select nextval('t_id_seq1')").sqlstate,
        sql::sqlstate::UNDEFINED_TABLE
    );
    let t = oid(dir.path(), "t");
    run(&mut s, "drop table t");
    assert_eq!(
        fail(&mut s, "select nextval('t_g_seq')").sqlstate,
        sql::sqlstate::UNDEFINED_TABLE
    );
    assert_eq!(int(&mut s, "select nextval('t_id_seq')"), 1);
    let c =
        rusqlite::Connection::open(datadir::database_path(dir.path(), "postgres")).expect("open");
    let left: i64 = c
        .query_row(
            "SELECT (SELECT count(*) FROM minipg_depend WHERE objid = ?1 OR refobjid = ?1) \
             + (SELECT count(*) FROM minipg_sequence) ",
            [t],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(left, 1, "only t_id_seq's row is left");
}

#[test]
fn alter_table_rebuild_keeps_rows_indexes_and_references() {
    let (dir, mut s) = setup();
    run(&mut s, "create table p (a int primary key, b text)");
    run(
        &mut s,
        "create table c (x int references p on delete cascade)",
    );
    run(&mut s, "create index p_b_idx on p (b)");
    run(&mut s, "create view pv as select a, b from p");
    run(
        &mut s,
        "insert into p values (1, 'one'), (2, 'two'), (3, null)",
    );
    run(&mut s, "insert into c values (1), (2)");
    // A failed change changes nothing.
    let e = fail(&mut s, "alter table p alter column b set not null");
    assert_eq!(e.sqlstate, sql::sqlstate::NOT_NULL_VIOLATION);
    assert_eq!(
        e.message,
        "column \"b\" of relation \"p\" contains null values"
    );
    run(&mut s, "update p set b = 'three' where a = 3");
    run(
        &mut s,
        "alter table p alter column b set not null, add constraint b_len check (length(b) > 2), alter column b set default 'dflt'",
    );
    assert_eq!(
        fail(&mut s, "insert into p values (4, 'no')").sqlstate,
        sql::sqlstate::CHECK_VIOLATION
    );
    run(&mut s, "insert into p (a) values (4)");
    assert_eq!(
        text(&mut s, "select b from pv where a = 4").as_deref(),
        Some("dflt")
    );
    // The index is there again; the child still references the table, cascading deletes.
    let c =
        rusqlite::Connection::open(datadir::database_path(dir.path(), "postgres")).expect("open");
    let idx = sqlite_count(
        &c,
        "SELECT count(*) FROM sqlite_schema WHERE name = 'p_b_idx' AND tbl_name = 'p'",
    );
    assert_eq!(idx, 1);
    let leftovers = sqlite_count(
        &c,
        "SELECT count(*) FROM sqlite_schema WHERE name LIKE '%minipg_rebuild%'",
    );
    assert_eq!(leftovers, 0);
    assert_eq!(
        fail(&mut s, "insert into c values (99)").sqlstate,
        sql::sqlstate::FOREIGN_KEY_VIOLATION
    );
    run(&mut s, "delete from p where a = 1");
    assert_eq!(int(&mut s, "select count(*) from c"), 1);
    // A type change converts the rows; a column a view reads keeps its type.
    let e = fail(&mut s, "alter table p alter column a type bigint");
    assert_eq!(e.sqlstate, sql::sqlstate::FEATURE_NOT_SUPPORTED);
    run(&mut s, "drop view pv");
    run(&mut s, "alter table p alter column a type bigint");
    // minipg keeps no PostgreSQL text of a CHECK to read again as the new type.
    let e = fail(&mut s, "alter table p alter column b type varchar(10)");
    assert_eq!(e.sqlstate, sql::sqlstate::FEATURE_NOT_SUPPORTED);
    run(&mut s, "alter table p drop constraint b_len");
    run(&mut s, "alter table p alter column b type varchar(10)");
    let e = fail(&mut s, "alter table p alter column b type int");
    assert_eq!(e.sqlstate, sql::sqlstate::DATATYPE_MISMATCH);
    assert_eq!(
        e.hint.as_deref(),
        Some("You might need to specify \"USING b::integer\".")
    );
    assert_eq!(int(&mut s, "select sum(a)::int from p"), 9);
    // Dropping the referenced key needs CASCADE, which takes only the constraint.
    let e = fail(&mut s, "alter table p drop constraint p_pkey");
    assert_eq!(e.sqlstate, sql::sqlstate::DEPENDENT_OBJECTS_STILL_EXIST);
    let r = run(&mut s, "alter table p drop constraint p_pkey cascade");
    assert_eq!(
        r.notices[0].message,
        "drop cascades to constraint c_x_fkey on table c"
    );
    run(&mut s, "insert into c values (99)");
}

#[test]
fn drop_with_dependents() {
    let (_dir, mut s) = setup();
    run(&mut s, "create table parent (a int primary key)");
    run(&mut s, "create table child (x int references parent)");
    run(&mut s, "create view v1 as select a from parent");
    run(&mut s, "create view v2 as select a from v1");
    let e = fail(&mut s, "drop table parent");
    assert_eq!(e.sqlstate, sql::sqlstate::DEPENDENT_OBJECTS_STILL_EXIST);
    assert_eq!(
        e.message,
        "cannot drop table parent because other objects depend on it"
    );
    assert_eq!(
        e.detail.as_deref(),
        Some(
            "constraint child_x_fkey on table child depends on table parent\n\
             view v1 depends on table parent\nview v2 depends on view v1"
        )
    );
    assert_eq!(
        e.hint.as_deref(),
        Some("Use DROP ... CASCADE to drop the dependent objects too.")
    );
    let r = run(&mut s, "drop table parent cascade");
    assert_eq!(r.notices[0].message, "drop cascades to 3 other objects");
    assert_eq!(
        r.notices[0].detail.as_deref(),
        Some(
            "drop cascades to constraint child_x_fkey on table child\n\
             drop cascades to view v1\ndrop cascades to view v2"
        )
    );
    // The child table stays, without its foreign key.
    run(&mut s, "insert into child values (42)");
    assert_eq!(
        fail(&mut s, "select * from v2").sqlstate,
        sql::sqlstate::UNDEFINED_TABLE
    );
}

#[test]
fn comments_are_kept_and_go_with_their_objects() {
    let (dir, mut s) = setup();
    run(
        &mut s,
        "create table t (a int constraint t_a_check check (a > 0), b int)",
    );
    run(&mut s, "comment on table t is 'a table'");
    run(&mut s, "comment on column t.b is 'bee'");
    run(&mut s, "comment on constraint t_a_check on t is 'positive'");
    let t = oid(dir.path(), "t");
    assert_eq!(
        text(&mut s, &format!("select obj_description({t}, 'pg_class')")).as_deref(),
        Some("a table")
    );
    assert_eq!(
        text(&mut s, &format!("select obj_description({t})")).as_deref(),
        Some("a table")
    );
    assert_eq!(
        text(
            &mut s,
            &format!("select obj_description({t}, 'pg_namespace')")
        ),
        None
    );
    assert_eq!(
        text(&mut s, &format!("select col_description({t}, 2)")).as_deref(),
        Some("bee")
    );
    // Dropping column a moves b's comment with b.
    run(&mut s, "alter table t drop column a");
    assert_eq!(
        text(&mut s, &format!("select col_description({t}, 1)")).as_deref(),
        Some("bee")
    );
    run(&mut s, "comment on table t is null");
    assert_eq!(
        text(&mut s, &format!("select obj_description({t}, 'pg_class')")),
        None
    );
    assert_eq!(
        text(&mut s, "select obj_description(2200, 'pg_namespace')").as_deref(),
        Some("standard public schema")
    );
    run(&mut s, "drop table t");
    let c =
        rusqlite::Connection::open(datadir::database_path(dir.path(), "postgres")).expect("open");
    let left: i64 = c
        .query_row("SELECT count(*) FROM minipg_description", [], |r| r.get(0))
        .expect("count");
    assert_eq!(left, 1, "only public's comment is left");
}
