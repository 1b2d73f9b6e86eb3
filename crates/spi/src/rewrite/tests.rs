//! Statement-level tests of the rewriter: every rule of the contract, through [`rewrite`].

use super::*;

const SCHEMAS: &[&str] = &["schema1", "our schema2", "s", "Mixed"];

fn run(sql: &str) -> Result<Statement, RewriteError> {
    rewrite(sql, &mut |n: &str| SCHEMAS.contains(&n))
}

fn sql_of(sql: &str) -> String {
    match run(sql) {
        Ok(Statement::Sql { sqlite, .. }) => sqlite,
        other => panic!("{sql}: expected Sql, got {other:?}"),
    }
}

fn err(sql: &str) -> RewriteError {
    match run(sql) {
        Err(e) => e,
        Ok(s) => panic!("{sql}: expected an error, got {s:?}"),
    }
}

fn sql_parts(
    sql: &str,
) -> (
    String,
    StatementKind,
    String,
    usize,
    Vec<PgType>,
    Vec<Option<PgType>>,
    bool,
) {
    match run(sql) {
        Ok(Statement::Sql {
            sqlite,
            kind,
            returning,
            tag,
            param_count,
            param_types,
            result_types,
        }) => (
            sqlite,
            kind,
            tag,
            param_count,
            param_types,
            result_types,
            returning,
        ),
        other => panic!("{sql}: expected Sql, got {other:?}"),
    }
}

// ---- parameters -------------------------------------------------------------------------------

#[test]
fn dollar_params_become_numbered_question_marks() {
    let (s, _, _, n, types, _, _) = sql_parts("select $2, $1 from t where a = $2");
    assert_eq!(s, "select ?2, ?1 from t where a = ?2");
    assert_eq!(n, 2);
    assert_eq!(types, vec![PgType::Unknown, PgType::Unknown]);
}

#[test]
fn params_inside_literals_names_and_comments_are_untouched() {
    assert_eq!(
        sql_of("select '$1', \"$1x\", $$ $1 $$, E'$1' /* $1 */ -- $1\n, $3"),
        "select '$1', \"$1x\", ' $1 ', '$1' , ?3"
    );
    let (_, _, _, n, _, _, _) = sql_parts("select '$5', $2");
    assert_eq!(n, 2);
}

#[test]
fn param_types_from_casts_and_limit() {
    let (s, _, _, n, types, _, _) =
        sql_parts("select $1::int, CAST($2 AS bigint), $3 limit $4 offset $5");
    assert_eq!(
        s,
        "select CAST(?1 AS INTEGER), CAST(?2 AS INTEGER), ?3 limit ?4 offset ?5"
    );
    assert_eq!(n, 5);
    assert_eq!(
        types,
        vec![
            PgType::Int4,
            PgType::Int8,
            PgType::Unknown,
            PgType::Int8,
            PgType::Int8
        ]
    );
}

#[test]
fn pg_namespace_lookup_with_a_parameter() {
    let (s, kind, tag, n, _, _, _) =
        sql_parts("select count(*) from pg_catalog.pg_namespace where nspname = $1");
    assert_eq!(s, "select count(*) from pg_namespace where nspname = ?1");
    assert_eq!(
        (kind, tag.as_str(), n),
        (StatementKind::Select, "SELECT", 1)
    );
    assert_eq!(
        sql_of("select count(*) from pg_namespace where nspname = $1"),
        s
    );
}

// ---- names ------------------------------------------------------------------------------------

#[test]
fn implicit_alias_is_quoted_even_when_it_is_a_sqlite_keyword() {
    assert_eq!(
        sql_of("select * from schema1.nothing"),
        "select * from \"schema1.nothing\" AS \"nothing\""
    );
}

#[test]
fn schema_qualified_relations_are_mangled() {
    assert_eq!(
        sql_of("select * from schema1.counted"),
        "select * from \"schema1.counted\" AS \"counted\""
    );
    assert_eq!(
        sql_of("SELECT * FROM \"our schema2\".\"counted rows\" WHERE type = 'total'"),
        "SELECT * FROM \"our schema2.counted rows\" AS \"counted rows\" WHERE type = 'total'"
    );
    assert_eq!(sql_of("select * from public.t"), "select * from t");
    assert_eq!(
        sql_of("select * from pg_catalog.pg_stat_activity"),
        "select * from pg_stat_activity"
    );
}

#[test]
fn a_qualifier_that_is_not_a_schema_is_left_alone() {
    assert_eq!(
        sql_of("select t.a from t where t.b = 1"),
        "select t.a from t where t.b = 1"
    );
    assert_eq!(sql_of("select * from other.t"), "select * from other.t");
}

#[test]
fn is_schema_is_asked_only_about_qualifiers() {
    let mut asked = Vec::new();
    let r = rewrite(
        "select counted.value, x.y.z from schema1.counted, t where t.a = 1",
        &mut |n: &str| {
            asked.push(n.to_string());
            n == "schema1"
        },
    );
    assert!(r.is_ok());
    assert_eq!(asked, vec!["x".to_string(), "schema1".to_string()]);
}

#[test]
fn explicit_aliases_are_kept() {
    assert_eq!(
        sql_of("select c.value from schema1.counted c"),
        "select c.value from \"schema1.counted\" c"
    );
    assert_eq!(
        sql_of("select c.value from schema1.counted as c"),
        "select c.value from \"schema1.counted\" as c"
    );
}

#[test]
fn from_lists_and_joins() {
    assert_eq!(
        sql_of("select * from s.a, s.b join s.c on a.x = c.x left join t using (x)"),
        "select * from \"s.a\" AS \"a\", \"s.b\" AS \"b\" join \"s.c\" AS \"c\" on a.x = c.x left join t using (x)"
    );
    assert_eq!(
        sql_of("select * from (select * from s.a) q, generate_series(1, 3) g"),
        "select * from (select * from \"s.a\" AS \"a\") q, generate_series(1, 3) g"
    );
}

#[test]
fn three_part_column_references_drop_the_schema() {
    assert_eq!(
        sql_of("select schema1.counted.value from schema1.counted"),
        "select counted.value from \"schema1.counted\" AS \"counted\""
    );
}

#[test]
fn unquoted_names_fold_and_quoted_names_keep_case() {
    assert_eq!(
        sql_of("SELECT Foo, \"Bar\" FROM Tab"),
        "SELECT foo, \"Bar\" FROM tab"
    );
    assert_eq!(
        sql_of("select * from \"Mixed\".\"T\""),
        "select * from \"Mixed.T\" AS \"T\""
    );
    assert_eq!(
        sql_of("select * from MIXED.t"),
        "select * from MIXED.t".to_lowercase()
    );
}

#[test]
fn names_with_quotes_inside() {
    assert_eq!(
        sql_of("select * from s.\"a\"\"b\""),
        "select * from \"s.a\"\"b\" AS \"a\"\"b\""
    );
}

#[test]
fn dml_targets_get_the_implicit_alias() {
    assert_eq!(
        sql_of("insert into schema1.counted values ('delta', $1)"),
        "insert into \"schema1.counted\" AS \"counted\" values ('delta', ?1)"
    );
    assert_eq!(
        sql_of("INSERT INTO s.t (a, b) SELECT a, b FROM s.u"),
        "INSERT INTO \"s.t\" AS \"t\" (a, b) SELECT a, b FROM \"s.u\" AS \"u\""
    );
    assert_eq!(
        sql_of("update schema1.counted set value = counted.value + 1 where type = 'total'"),
        "update \"schema1.counted\" AS \"counted\" set value = counted.value + 1 where type = 'total'"
    );
    assert_eq!(
        sql_of("delete from schema1.counted where type = 'delta'"),
        "delete from \"schema1.counted\" AS \"counted\" where type = 'delta'"
    );
}

#[test]
fn returning_drops_the_target_qualifier() {
    let (s, kind, tag, _, _, _, returning) = sql_parts(
        "UPDATE schema1.counted SET value = counted.value + 1 WHERE type = 'total' RETURNING counted.value",
    );
    assert_eq!(
        s,
        "UPDATE \"schema1.counted\" AS \"counted\" SET value = counted.value + 1 WHERE type = 'total' RETURNING value"
    );
    assert_eq!(
        (kind, tag.as_str(), returning),
        (StatementKind::Update, "UPDATE", true)
    );
    let (s, ..) = sql_parts("delete from t x where x.a = 1 returning x.a, t.b, other.c");
    assert_eq!(s, "delete from t x where x.a = 1 returning a, b, other.c");
}

#[test]
fn upsert_keeps_do_update() {
    assert_eq!(
        sql_of(
            "insert into s.t (k, v) values ($1, $2) on conflict (k) do update set v = t.v + excluded.v"
        ),
        "insert into \"s.t\" AS \"t\" (k, v) values (?1, ?2) on conflict (k) do update set v = t.v + excluded.v"
    );
}

#[test]
fn qualified_function_calls() {
    assert_eq!(
        sql_of("select pg_catalog.version(), public.f(1)"),
        "select version(), f(1)"
    );
    assert_eq!(
        sql_of("SELECT pg_catalog.set_config('search_path', '', false)"),
        "SELECT set_config('search_path', '', false)"
    );
}

// ---- keywords and literals ---------------------------------------------------------------------

#[test]
fn session_keywords_become_functions() {
    assert_eq!(
        sql_of(
            "select current_user, session_user, user, current_schema, current_schema(), current_catalog"
        ),
        "select current_user(), current_user(), current_user(), 'public', 'public', current_database()"
    );
    assert_eq!(sql_of("select 1 as user"), "select 1 as user");
    assert_eq!(sql_of("select t.user from t"), "select t.user from t");
    assert_eq!(
        sql_of("select now(), current_timestamp, true, false"),
        "select now(), current_timestamp, true, false"
    );
}

#[test]
fn escape_and_dollar_strings_become_plain_strings() {
    assert_eq!(
        sql_of(r"select E'it\'s\n', e'\x41'"),
        "select 'it''s\n', 'A'"
    );
    assert_eq!(
        sql_of("select $$it's$$, $body$a$$b$body$"),
        "select 'it''s', 'a$$b'"
    );
}

#[test]
fn bad_escapes_are_data_errors() {
    let e = err(r"select E'\0'");
    assert_eq!((e.sqlstate, e.position), ("22021", Some(8)));
    assert_eq!(err(r"select E'\u12'").sqlstate, "22P05");
}

#[test]
fn ilike_and_is_distinct_from() {
    assert_eq!(
        sql_of("select * from t where a ilike 'x%'"),
        "select * from t where a LIKE 'x%'"
    );
    assert_eq!(
        sql_of("select a is distinct from b, a is not distinct from b from t"),
        "select a IS NOT b, a IS b from t"
    );
}

#[test]
fn row_locking_clauses_are_dropped() {
    assert_eq!(
        sql_of("select * from t where id = 1 for update"),
        "select * from t where id = 1"
    );
    assert_eq!(
        sql_of("select * from t for no key update of t nowait"),
        "select * from t"
    );
}

// ---- casts ------------------------------------------------------------------------------------

#[test]
fn casts_of_primaries() {
    assert_eq!(sql_of("select 1::text"), "select CAST(1 AS TEXT)");
    assert_eq!(
        sql_of("select '1'::int4 + 2"),
        "select CAST('1' AS INTEGER) + 2"
    );
    assert_eq!(
        sql_of("select a.b::bigint from a"),
        "select CAST(a.b AS INTEGER) from a"
    );
    assert_eq!(
        sql_of("select count(*)::int from t"),
        "select CAST(count(*) AS INTEGER) from t"
    );
    assert_eq!(
        sql_of("select (a + b)::float8 from t"),
        "select CAST((a + b) AS REAL) from t"
    );
    assert_eq!(
        sql_of("select f(g(x), 2)::numeric(10,2)"),
        "select CAST(f(g(x), 2) AS NUMERIC)"
    );
    assert_eq!(
        sql_of("select x::varchar(10)::int"),
        "select CAST(CAST(x AS TEXT) AS INTEGER)"
    );
    assert_eq!(
        sql_of("select 1.5::double precision"),
        "select CAST(1.5 AS REAL)"
    );
    assert_eq!(sql_of("select -1::int"), "select -CAST(1 AS INTEGER)");
    assert_eq!(
        sql_of("select case when a then 1 else 2 end::text from t"),
        "select CAST(case when a then 1 else 2 end AS TEXT) from t"
    );
    assert_eq!(
        sql_of("select 'x'::pg_catalog.text"),
        "select CAST('x' AS TEXT)"
    );
    assert_eq!(
        sql_of("select now()::timestamptz"),
        "select CAST(now() AS TEXT)"
    );
}

#[test]
fn boolean_and_bytea_casts() {
    assert_eq!(
        sql_of("select 't'::bool, x::boolean from t"),
        "select minipg_bool('t'), minipg_bool(x) from t"
    );
    assert_eq!(sql_of("select '\\xDEADbeef'::bytea"), "select X'DEADbeef'");
    assert_eq!(sql_of("select 'abc'::bytea"), "select CAST('abc' AS BLOB)");
}

#[test]
fn standard_cast_syntax_maps_the_type() {
    assert_eq!(
        sql_of("select cast(x as int) from t"),
        "select CAST(x AS INTEGER) from t"
    );
    assert_eq!(
        sql_of("select CAST('t' AS boolean)"),
        "select minipg_bool('t')"
    );
    assert_eq!(
        sql_of("select CAST(a + 1 AS character varying(3)) from t"),
        "select CAST(a + 1 AS TEXT) from t"
    );
}

#[test]
fn bad_casts_are_syntax_errors_with_positions() {
    let e = err("select 1::");
    assert_eq!(
        (e.sqlstate, e.message.as_str(), e.position),
        ("42601", "syntax error at end of input", Some(11))
    );
    let e = err("select ::int");
    assert_eq!((e.sqlstate, e.position), ("42601", Some(8)));
    assert_eq!(e.message, "syntax error at or near \"::\"");
    let e = err("select 1::(int)");
    assert_eq!((e.sqlstate, e.position), ("42601", Some(11)));
    assert_eq!(err("select '{1}'::int[]").sqlstate, "0A000");
}

#[test]
fn result_types_of_select_list_items() {
    let (_, _, _, _, _, rt, _) = sql_parts(
        "select $1::int, 1, 'a', 1.5, true, null, x, 5000000000, -2 as m, now()::date d, count(*) from t",
    );
    assert_eq!(
        rt,
        vec![
            Some(PgType::Int4),
            Some(PgType::Int4),
            Some(PgType::Text),
            Some(PgType::Numeric),
            Some(PgType::Bool),
            None,
            None,
            Some(PgType::Int8),
            Some(PgType::Int4),
            Some(PgType::Date),
            None,
        ]
    );
    let (_, _, _, _, _, rt, _) = sql_parts("select 1::int8, *, 2 from t");
    assert_eq!(rt, vec![Some(PgType::Int8)]);
    let (_, _, _, _, _, rt, _) = sql_parts("select distinct 'a'::text from t union select 1");
    assert_eq!(rt, vec![Some(PgType::Text)]);
    let (_, _, _, _, _, rt, _) = sql_parts("insert into t select 1");
    assert!(rt.is_empty());
}

// ---- errors -------------------------------------------------------------------------------------

#[test]
fn lexical_errors_have_positions() {
    let e = err("select 'abc");
    assert_eq!((e.sqlstate, e.position), ("42601", Some(8)));
    assert!(e.message.starts_with("unterminated quoted string"));
    let e = err("select é, \"abc");
    assert_eq!(e.position, Some(11));
    assert!(e.message.starts_with("unterminated quoted identifier"));
    assert!(
        err("select 1 /* x")
            .message
            .starts_with("unterminated /* comment")
    );
    assert!(
        err("select $a$ x")
            .message
            .starts_with("unterminated dollar-quoted string")
    );
}

#[test]
fn several_statements_are_refused_but_trailing_semicolons_are_fine() {
    assert_eq!(sql_of("select 1;;"), "select 1");
    let e = err("select 1; select 2");
    assert_eq!((e.sqlstate, e.position), ("42601", Some(9)));
}

#[test]
fn empty_statements() {
    assert_eq!(run(""), Ok(Statement::Empty));
    assert_eq!(run("  -- nothing\n /* at all */ ;"), Ok(Statement::Empty));
}

#[test]
fn unsupported_commands_are_0a000() {
    for sql in [
        "LISTEN x",
        "NOTIFY x",
        "copy t from stdin",
        "PREPARE TRANSACTION 'x'",
        "create sequence q",
        "grant all on t to u",
    ] {
        assert_eq!(err(sql).sqlstate, "0A000", "{sql}");
    }
    assert_eq!(err("listen x").message, "LISTEN is not supported by minipg");
}

#[test]
fn unknown_sql_passes_through() {
    let (s, kind, tag, ..) = sql_parts("PRAGMA user_version");
    assert_eq!(
        (s.as_str(), kind, tag.as_str()),
        ("pragma user_version", StatementKind::Other, "PRAGMA")
    );
}

// ---- classification ---------------------------------------------------------------------------

#[test]
fn dml_classification_and_tags() {
    for (sql, kind, tag) in [
        ("select 1", StatementKind::Select, "SELECT"),
        (
            "(select 1) union (select 2)",
            StatementKind::Select,
            "SELECT",
        ),
        ("values (1, 2)", StatementKind::Values, "SELECT"),
        ("insert into t values (1)", StatementKind::Insert, "INSERT"),
        ("update t set a = 1", StatementKind::Update, "UPDATE"),
        ("delete from t", StatementKind::Delete, "DELETE"),
        (
            "with x as (select 1) select * from x",
            StatementKind::Select,
            "SELECT",
        ),
        (
            "with x as (select 1) insert into t select * from x",
            StatementKind::Insert,
            "INSERT",
        ),
        (
            "with x as (select 1) delete from t where a in (select * from x)",
            StatementKind::Delete,
            "DELETE",
        ),
        ("table t", StatementKind::Select, "SELECT"),
        (
            "create table t (a int)",
            StatementKind::Other,
            "CREATE TABLE",
        ),
        ("create table t as select 1", StatementKind::Other, "SELECT"),
        (
            "create view v as select 1",
            StatementKind::Other,
            "CREATE VIEW",
        ),
        (
            "vacuum analyze pgbench_branches",
            StatementKind::Other,
            "VACUUM",
        ),
        ("analyze t", StatementKind::Other, "ANALYZE"),
        ("explain select 1", StatementKind::Select, "EXPLAIN"),
    ] {
        let (_, k, t, ..) = sql_parts(sql);
        assert_eq!((k, t.as_str()), (kind, tag), "{sql}");
    }
    assert_eq!(sql_of("table s.t"), "SELECT * FROM \"s.t\" AS \"t\"");
    assert_eq!(
        sql_of("explain analyze select * from s.t"),
        "EXPLAIN QUERY PLAN select * from \"s.t\" AS \"t\""
    );
}

#[test]
fn transaction_control() {
    for sql in [
        "begin",
        "BEGIN WORK",
        "begin transaction isolation level serializable, read write",
        "begin isolation level read committed read only not deferrable",
        "start transaction",
    ] {
        assert_eq!(
            run(sql),
            Ok(Statement::Begin {
                sqlite: "BEGIN".into()
            }),
            "{sql}"
        );
    }
    for sql in [
        "commit",
        "COMMIT WORK",
        "commit transaction and no chain",
        "end",
        "end transaction",
    ] {
        assert_eq!(run(sql), Ok(Statement::Commit), "{sql}");
    }
    for sql in [
        "rollback",
        "abort",
        "rollback work",
        "ROLLBACK TRANSACTION AND NO CHAIN",
    ] {
        assert_eq!(run(sql), Ok(Statement::Rollback), "{sql}");
    }
    assert_eq!(
        run("savepoint Sp1"),
        Ok(Statement::Savepoint { name: "sp1".into() })
    );
    assert_eq!(
        run("release savepoint \"A\""),
        Ok(Statement::Release { name: "A".into() })
    );
    assert_eq!(
        run("release a"),
        Ok(Statement::Release { name: "a".into() })
    );
    assert_eq!(
        run("rollback to savepoint a"),
        Ok(Statement::RollbackTo { name: "a".into() })
    );
    assert_eq!(
        run("rollback work to a"),
        Ok(Statement::RollbackTo { name: "a".into() })
    );
    assert_eq!(err("commit and chain").sqlstate, "0A000");
    assert_eq!(err("commit prepared 'x'").sqlstate, "0A000");
    let e = err("begin nonsense");
    assert_eq!((e.sqlstate, e.position), ("42601", Some(7)));
}

#[test]
fn settings() {
    let set = |n: &str, v: Option<&str>, local: bool| Statement::Set {
        name: n.into(),
        value: v.map(String::from),
        local,
    };
    assert_eq!(
        run("SET statement_timeout = 1000"),
        Ok(set("statement_timeout", Some("1000"), false))
    );
    assert_eq!(
        run("set session Application_Name to 'psql'"),
        Ok(set("application_name", Some("psql"), false))
    );
    assert_eq!(
        run("SET LOCAL worker_spi.naptime TO 5"),
        Ok(set("worker_spi.naptime", Some("5"), true))
    );
    assert_eq!(run("set x to default"), Ok(set("x", None, false)));
    assert_eq!(run("set x = DEFAULT"), Ok(set("x", None, false)));
    assert_eq!(
        run("set search_path to s1, \"My S\", public"),
        Ok(set("search_path", Some("s1, My S, public"), false))
    );
    assert_eq!(
        run("set extra_float_digits = -3"),
        Ok(set("extra_float_digits", Some("-3"), false))
    );
    assert_eq!(
        run("SET TIME ZONE 'UTC'"),
        Ok(set("timezone", Some("UTC"), false))
    );
    assert_eq!(run("set time zone local"), Ok(set("timezone", None, false)));
    assert_eq!(
        run("set datestyle = iso, mdy"),
        Ok(set("datestyle", Some("iso, mdy"), false))
    );
    assert_eq!(
        run("SET NAMES 'UTF8'"),
        Ok(set("client_encoding", Some("UTF8"), false))
    );
    assert_eq!(
        run("SET SCHEMA 'a'"),
        Ok(set("search_path", Some("a"), false))
    );
    assert_eq!(
        run("set transaction isolation level repeatable read"),
        Ok(set("transaction_isolation", Some("repeatable read"), true))
    );
    assert_eq!(run("show all"), Ok(Statement::Show { name: "all".into() }));
    assert_eq!(
        run("SHOW Server_Version"),
        Ok(Statement::Show {
            name: "server_version".into()
        })
    );
    assert_eq!(
        run("show time zone"),
        Ok(Statement::Show {
            name: "timezone".into()
        })
    );
    assert_eq!(
        run("show transaction isolation level"),
        Ok(Statement::Show {
            name: "transaction_isolation".into()
        })
    );
    assert_eq!(
        run("show worker_spi.naptime"),
        Ok(Statement::Show {
            name: "worker_spi.naptime".into()
        })
    );
    assert_eq!(run("reset all"), Ok(Statement::Reset { name: None }));
    assert_eq!(
        run("RESET statement_timeout"),
        Ok(Statement::Reset {
            name: Some("statement_timeout".into())
        })
    );
    assert_eq!(
        run("reset time zone"),
        Ok(Statement::Reset {
            name: Some("timezone".into())
        })
    );
    assert_eq!(run("discard all"), Ok(Statement::Discard));
    assert_eq!(err("discard plans").sqlstate, "0A000");
    assert_eq!(err("set x").sqlstate, "42601");
    assert_eq!(err("set x = ").message, "syntax error at end of input");
}

#[test]
fn databases() {
    assert_eq!(
        run("create database Foo"),
        Ok(Statement::CreateDatabase { name: "foo".into() })
    );
    assert_eq!(
        run("CREATE DATABASE \"My DB\" WITH OWNER x TEMPLATE template0 ENCODING 'UTF8'"),
        Ok(Statement::CreateDatabase {
            name: "My DB".into()
        })
    );
    assert_eq!(
        run("drop database x"),
        Ok(Statement::DropDatabase {
            name: "x".into(),
            if_exists: false
        })
    );
    assert_eq!(
        run("drop database if exists x with (force)"),
        Ok(Statement::DropDatabase {
            name: "x".into(),
            if_exists: true
        })
    );
}

// ---- DDL --------------------------------------------------------------------------------------

#[test]
fn worker_spi_create_schema() {
    let sql = "CREATE SCHEMA \"schema1\" CREATE TABLE \"counted\" (type text CHECK (type IN ('total', 'delta')), value integer) CREATE UNIQUE INDEX \"counted_unique_total\" ON \"counted\" (type) WHERE type = 'total'";
    // The new schema does not exist yet when the statement is rewritten.
    let r = rewrite(sql, &mut |_: &str| false);
    assert_eq!(
        r,
        Ok(Statement::CreateSchema {
            name: "schema1".into(),
            if_not_exists: false,
            elements: vec![
                "CREATE TABLE \"schema1.counted\" (type text CHECK (type IN ('total', 'delta')), value integer)".into(),
                "CREATE UNIQUE INDEX \"schema1.counted_unique_total\" ON \"schema1.counted\" (type) WHERE type = 'total'"
                    .into(),
            ],
        })
    );
}

#[test]
fn create_schema_variants() {
    assert_eq!(
        run("create schema if not exists \"our schema2\""),
        Ok(Statement::CreateSchema {
            name: "our schema2".into(),
            if_not_exists: true,
            elements: vec![]
        })
    );
    assert_eq!(
        run("CREATE SCHEMA AUTHORIZATION Joe"),
        Ok(Statement::CreateSchema {
            name: "joe".into(),
            if_not_exists: false,
            elements: vec![]
        })
    );
    assert_eq!(
        run(
            "create schema x authorization joe create table t (a int references u (a)) create index on t (a, lower(b)) create view v as select * from t"
        ),
        Ok(Statement::CreateSchema {
            name: "x".into(),
            if_not_exists: false,
            elements: vec![
                "create table \"x.t\" (a int references \"x.u\" (a))".into(),
                "CREATE INDEX \"x.t_a_lower_idx\" ON \"x.t\" (a, lower(b))".into(),
                "create view \"x.v\" as select * from \"x.t\" AS \"t\"".into(),
            ],
        })
    );
    assert_eq!(err("create schema \"a.b\"").sqlstate, "42602");
    assert_eq!(err("create schema pg_x").sqlstate, "42939");
    assert_eq!(
        err("create schema if not exists x create table t (a int)").sqlstate,
        "0A000"
    );
    assert_eq!(err("create schema x create sequence q").sqlstate, "0A000");
    assert_eq!(err("create schema x select 1").sqlstate, "42601");
}

#[test]
fn drop_schema() {
    assert_eq!(
        run("drop schema if exists a, \"B\" cascade"),
        Ok(Statement::DropSchema {
            names: vec!["a".into(), "B".into()],
            if_exists: true,
            cascade: true
        })
    );
    assert_eq!(
        run("DROP SCHEMA schema1 RESTRICT"),
        Ok(Statement::DropSchema {
            names: vec!["schema1".into()],
            if_exists: false,
            cascade: false
        })
    );
}

#[test]
fn tables_and_indexes_in_schemas() {
    assert_eq!(
        sql_of("create table s.t (a int)"),
        "create table \"s.t\" (a int)"
    );
    assert_eq!(
        sql_of("create table if not exists s.t (a int references s.u)"),
        "create table if not exists \"s.t\" (a int references \"s.u\")"
    );
    assert_eq!(
        sql_of("create index i on s.t (a)"),
        "CREATE INDEX \"s.i\" ON \"s.t\" (a)"
    );
    assert_eq!(
        sql_of(
            "create unique index concurrently if not exists i on only s.t using btree (a desc) where a > 0"
        ),
        "CREATE UNIQUE INDEX IF NOT EXISTS \"s.i\" ON \"s.t\" (a desc) where a > 0"
    );
    assert_eq!(
        sql_of("create index on t (a)"),
        "CREATE INDEX \"t_a_idx\" ON t (a)"
    );
    assert_eq!(
        sql_of("create index i on t ((a + b))"),
        "CREATE INDEX \"i\" ON t ((a + b))"
    );
    assert_eq!(sql_of("drop table s.t"), "DROP TABLE \"s.t\"");
    let (s, kind, tag, ..) = sql_parts("drop table if exists pgbench_accounts, s.b cascade");
    assert_eq!(
        s,
        "DROP TABLE IF EXISTS pgbench_accounts; DROP TABLE IF EXISTS \"s.b\""
    );
    assert_eq!((kind, tag.as_str()), (StatementKind::Other, "DROP TABLE"));
    assert_eq!(sql_of("drop index s.i"), "DROP INDEX \"s.i\"");
    assert_eq!(sql_of("drop view if exists v"), "DROP VIEW IF EXISTS v");
    assert_eq!(
        sql_of("alter table s.t rename to u"),
        "ALTER TABLE \"s.t\" RENAME TO \"s.u\""
    );
    assert_eq!(
        sql_of("alter table t rename to u"),
        "ALTER TABLE t RENAME TO \"u\""
    );
    assert_eq!(
        sql_of("alter table s.t add column c int default 0"),
        "ALTER TABLE \"s.t\" add column c int default 0"
    );
    assert_eq!(
        sql_of("alter table pgbench_branches add primary key (bid)"),
        "CREATE UNIQUE INDEX \"pgbench_branches_pkey\" ON pgbench_branches (bid)"
    );
    assert_eq!(
        sql_of("alter table s.t add unique (a, b)"),
        "CREATE UNIQUE INDEX \"s.t_a_b_key\" ON \"s.t\" (a, b)"
    );
    assert_eq!(
        err("alter table t add foreign key (a) references u").sqlstate,
        "0A000"
    );
}

#[test]
fn default_index_names_are_shortened_like_postgres() {
    let long = "a".repeat(70);
    let s = sql_of(&format!("create index on t ({long})"));
    let name = s.split('"').nth(1).unwrap_or_default().to_string();
    assert_eq!(name.len(), 63, "{name}");
    assert!(name.starts_with("t_aaa") && name.ends_with("_idx"));
}

#[test]
fn pgbench_initialization_statements() {
    assert_eq!(
        sql_of(
            "create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84)) with (fillfactor=100)"
        ),
        "create table pgbench_tellers(tid int not null,bid int,tbalance int,filler char(84))"
    );
    assert_eq!(
        sql_of(
            "create unlogged table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22))"
        ),
        "create table pgbench_history(tid int,bid int,aid    int,delta int,mtime timestamp,filler char(22))"
    );
    let (s, _, tag, ..) = sql_parts("truncate table pgbench_accounts, pgbench_branches");
    assert_eq!(
        s,
        "DELETE FROM pgbench_accounts; DELETE FROM pgbench_branches"
    );
    assert_eq!(tag, "TRUNCATE TABLE");
    assert_eq!(sql_of("vacuum analyze pgbench_branches"), "VACUUM");
    assert_eq!(
        sql_of("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2"),
        "UPDATE pgbench_accounts SET abalance = abalance + ?1 WHERE aid = ?2"
    );
    assert_eq!(
        sql_of(
            "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)"
        ),
        "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (?1, ?2, ?3, ?4, current_timestamp)"
    );
}

#[test]
fn create_table_column_rules() {
    assert_eq!(
        sql_of(
            "create table t (id serial primary key, b bigserial, c text default 'x'::text, d timestamptz default now(), e int default -1, f bool default true, g int default null not null)"
        ),
        "create table t (id integer primary key, b bigint, c text default (CAST('x' AS TEXT)), d timestamptz default (now()), e int default (-1), f bool default true, g int default null not null)"
    );
    assert_eq!(
        sql_of("create table t (id bigserial primary key, u text default current_user)"),
        "create table t (id integer primary key, u text default (current_user()))"
    );
}

#[test]
fn drop_trigger_loses_its_table() {
    assert_eq!(
        sql_of("drop trigger if exists tr on t"),
        "DROP TRIGGER IF EXISTS \"tr\""
    );
}

#[test]
fn never_panics_on_fragment_soup() {
    const FRAGMENTS: &[&str] = &[
        "select",
        "from",
        "s.",
        "schema1",
        ".",
        "\"a b\"",
        "::",
        "int",
        "(",
        ")",
        ",",
        "$1",
        "$",
        "'x'",
        "E'\\",
        "cast",
        "as",
        "create",
        "schema",
        "index",
        "on",
        "table",
        "drop",
        "insert",
        "into",
        "update",
        "set",
        "=",
        "default",
        "case",
        "end",
        "returning",
        "*",
        "for",
        "with",
        "values",
        ";",
        "--",
        "/*",
        "*/",
        "$$",
        "bool",
        "begin",
        "show",
        "reset",
        "all",
        "user",
        "double",
        "precision",
        "if",
        "not",
        "exists",
        "truncate",
        "alter",
        "rename",
        "to",
        "unique",
        "where",
        "join",
        "-",
        "1.5",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..3000 {
        let mut sql = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 12) as usize + 1;
        for k in 0..len {
            let pick = (seed.rotate_left(k as u32 * 5) % FRAGMENTS.len() as u64) as usize;
            sql.push_str(FRAGMENTS[pick]);
            sql.push(' ');
        }
        let _ = run(&sql);
        let _ = split_statements(&sql);
    }
}
