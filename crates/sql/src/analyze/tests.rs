//! The analyzer over a catalog held in a vector: result types and names, parameter types,
//! errors with their SQLSTATEs and positions, and the SQLite text for representative
//! statements.

use crate::Statements;
use crate::catalog::{Catalog, RelColumn, RelKind, Relation};
use crate::env::Env;
use crate::error::{Result, SqlError, sqlstate};
use crate::plan::{Ddl, Plan, QueryPlan, Utility};
use crate::types::{Type, char_typmod, numeric_typmod};

struct TestCatalog {
    relations: Vec<Relation>,
}

fn col(name: &str, ty: Type) -> RelColumn {
    RelColumn::new(name, ty, -1)
}

fn table(oid: u32, schema: &str, name: &str, columns: Vec<RelColumn>) -> Relation {
    Relation {
        oid,
        schema: schema.into(),
        name: name.into(),
        kind: RelKind::Table,
        sqlite_name: crate::catalog::sqlite_name(schema, name),
        columns,
        system: false,
    }
}

fn catalog() -> TestCatalog {
    let mut price = col("price", Type::NUMERIC);
    price.typmod = numeric_typmod(10, 2);
    let mut code = col("code", Type::VARCHAR);
    code.typmod = char_typmod(3);
    let mut with_default = col("n", Type::INT4);
    with_default.default = Some("42".into());
    TestCatalog {
        relations: vec![
            table(
                16_400,
                "public",
                "t",
                vec![
                    col("a", Type::INT4),
                    col("b", Type::TEXT),
                    col("c", Type::BOOL),
                ],
            ),
            table(
                16_401,
                "public",
                "u",
                vec![col("a", Type::INT4), col("d", Type::FLOAT8)],
            ),
            table(
                16_402,
                "s",
                "items",
                vec![col("id", Type::INT8), price, code, with_default],
            ),
        ],
    }
}

impl Catalog for TestCatalog {
    fn relation(&self, schema: Option<&str>, name: &str) -> Result<Option<Relation>> {
        Ok(self
            .relations
            .iter()
            .find(|r| {
                r.name == name
                    && schema.is_none_or(|s| s == r.schema)
                    && (schema.is_some() || r.schema == "public")
            })
            .cloned())
    }

    fn schema_exists(&self, name: &str) -> Result<bool> {
        Ok(matches!(name, "public" | "s" | "pg_catalog"))
    }

    fn search_path(&self) -> Vec<String> {
        vec!["public".into()]
    }
}

fn plan(sql: &str) -> Result<Plan> {
    plan_with(sql, &[])
}

fn plan_with(sql: &str, params: &[Type]) -> Result<Plan> {
    let stmts = Statements::parse(sql)?;
    stmts.analyze(0, &catalog(), &Env::default(), params)
}

fn query(sql: &str) -> QueryPlan {
    match plan(sql) {
        Ok(Plan::Query(q)) => q,
        other => panic!("{sql}: {other:?}"),
    }
}

fn error(sql: &str) -> SqlError {
    match plan(sql) {
        Err(e) => e,
        Ok(p) => panic!("{sql}: expected an error, got {p:?}"),
    }
}

fn types(q: &QueryPlan) -> Vec<Type> {
    q.columns.iter().map(|c| c.ty).collect()
}

fn names(q: &QueryPlan) -> Vec<&str> {
    q.columns.iter().map(|c| c.name.as_str()).collect()
}

#[test]
fn literals_have_postgresql_types_and_names() {
    let q = query("select 1, 2147483648, true, null, 'x', 'y'::text as t");
    assert_eq!(
        types(&q),
        [
            Type::INT4,
            Type::INT8,
            Type::BOOL,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT
        ]
    );
    assert_eq!(
        names(&q),
        [
            "?column?", "?column?", "?column?", "?column?", "?column?", "t"
        ]
    );
}

#[test]
fn columns_carry_table_oid_and_number() {
    let q = query("select b, a from t");
    assert_eq!(types(&q), [Type::TEXT, Type::INT4]);
    assert_eq!(q.columns[0].table_oid, 16_400);
    assert_eq!(q.columns[0].attnum, 2);
    assert_eq!(
        q.sqlite,
        r#"SELECT "t"."b" AS "c1", "t"."a" AS "c2" FROM "t" AS "t""#
    );
    let q = query("select * from s.items");
    assert_eq!(names(&q), ["id", "price", "code", "n"]);
    assert_eq!(q.columns[1].typmod, numeric_typmod(10, 2));
}

#[test]
fn name_errors() {
    let e = error("select nope from t");
    assert_eq!(e.sqlstate, sqlstate::UNDEFINED_COLUMN);
    assert_eq!(e.message, "column \"nope\" does not exist");
    assert_eq!(e.position, Some(8));
    let e = error("select a from t, u");
    assert_eq!(e.sqlstate, sqlstate::AMBIGUOUS_COLUMN);
    assert_eq!(e.message, "column reference \"a\" is ambiguous");
    let e = error("select * from nope");
    assert_eq!(e.sqlstate, sqlstate::UNDEFINED_TABLE);
    assert_eq!(e.message, "relation \"nope\" does not exist");
    assert_eq!(e.position, Some(15));
    let e = error("select x.a from t");
    assert_eq!(e.message, "missing FROM-clause entry for table \"x\"");
    let e = error("select * from t, t");
    assert_eq!(e.sqlstate, sqlstate::DUPLICATE_ALIAS);
}

#[test]
fn unknown_literals_take_their_context() {
    let e = error("select 'abc'::bool");
    assert_eq!(e.sqlstate, sqlstate::INVALID_TEXT_REPRESENTATION);
    assert_eq!(e.message, "invalid input syntax for type boolean: \"abc\"");
    assert_eq!(e.position, Some(8));
    let q = query("select 't'::bool");
    assert_eq!(q.sqlite, r#"SELECT 1 AS "c1""#);
    let q = query("select * from t where c = 'yes'");
    assert!(q.sqlite.ends_with(r#"WHERE ("t"."c" = 1)"#), "{}", q.sqlite);
}

#[test]
fn parameters_are_inferred_from_context() {
    let q = query("select b from t where a = $1 and c = $2");
    assert_eq!(q.params, [Type::INT4, Type::BOOL]);
    assert!(q.sqlite.contains("?1") && q.sqlite.contains("?2"));
    let e = error("select $1");
    assert_eq!(e.sqlstate, sqlstate::INDETERMINATE_DATATYPE);
    let p = plan_with("select $1", &[Type::TEXT]).unwrap();
    let Plan::Query(q) = p else { panic!() };
    assert_eq!(types(&q), [Type::TEXT]);
}

#[test]
fn where_must_be_boolean() {
    let e = error("select 1 from t where a");
    assert_eq!(e.sqlstate, sqlstate::DATATYPE_MISMATCH);
    assert_eq!(
        e.message,
        "argument of WHERE must be type boolean, not type integer"
    );
}

#[test]
fn grouping_rules() {
    let q = query("select b, count(*) from t group by b order by 2 desc");
    assert_eq!(types(&q), [Type::TEXT, Type::INT8]);
    assert_eq!(names(&q), ["b", "count"]);
    assert!(
        q.sqlite
            .ends_with("GROUP BY \"t\".\"b\" ORDER BY 2 DESC NULLS FIRST"),
        "{}",
        q.sqlite
    );
    let e = error("select a, count(*) from t group by b");
    assert_eq!(e.sqlstate, sqlstate::GROUPING_ERROR);
    assert_eq!(
        e.message,
        "column \"t.a\" must appear in the GROUP BY clause or be used in an aggregate function"
    );
    assert_eq!(e.position, Some(8));
    let e = error("select 1 from t where count(*) > 0");
    assert_eq!(e.message, "aggregate functions are not allowed in WHERE");
    let e = error("select count(count(*)) from t");
    assert_eq!(e.message, "aggregate function calls cannot be nested");
}

#[test]
fn order_by_defaults_to_nulls_last() {
    let q = query("select a from t order by a");
    assert!(
        q.sqlite.ends_with("ORDER BY 1 ASC NULLS LAST"),
        "{}",
        q.sqlite
    );
    let q = query("select a from t order by b desc");
    assert!(
        q.sqlite.ends_with("ORDER BY \"t\".\"b\" DESC NULLS FIRST"),
        "{}",
        q.sqlite
    );
    let e = error("select a from t order by 3");
    assert_eq!(e.message, "ORDER BY position 3 is not in select list");
}

#[test]
fn joins_using_merge_columns() {
    let q = query("select * from t join u using (a)");
    assert_eq!(names(&q), ["a", "b", "c", "d"]);
    assert!(
        q.sqlite.contains(r#"FROM "t" AS "t" JOIN "u" AS "u" ON"#),
        "{}",
        q.sqlite
    );
    let q = query("select a from t full join u using (a)");
    assert!(
        q.sqlite.starts_with(r#"SELECT coalesce("t"."a", "u"."a")"#),
        "{}",
        q.sqlite
    );
}

#[test]
fn subquery_aliases_never_capture_outer_references() {
    let q = query("select a from t where exists (select 1 from t as x where x.b = t.b)");
    assert!(q.sqlite.contains(r#"FROM "t" AS "x""#), "{}", q.sqlite);
    let q = query("select (select b from t where a = 1) from t");
    assert!(q.sqlite.contains(r#""t#1""#), "{}", q.sqlite);
}

#[test]
fn set_operations_resolve_a_common_type() {
    let q = query("select a from t union select '1'");
    assert_eq!(types(&q), [Type::INT4]);
    let e = error("select a from t union select 'x'");
    assert_eq!(e.sqlstate, sqlstate::INVALID_TEXT_REPRESENTATION);
    let e = error("select b from t union select a from t");
    assert_eq!(e.sqlstate, sqlstate::DATATYPE_MISMATCH);
    assert_eq!(e.message, "UNION types text and integer cannot be matched");
    let q = query("select 1 intersect all select 1");
    assert!(q.sqlite.contains("row_number() OVER"), "{}", q.sqlite);
}

#[test]
fn values_and_ctes() {
    let q = query("values (1, 'a'), (2, 'b')");
    assert_eq!(names(&q), ["column1", "column2"]);
    assert_eq!(types(&q), [Type::INT4, Type::TEXT]);
    let q = query("with w(x) as (select a from t) select x from w");
    assert_eq!(names(&q), ["x"]);
    assert!(
        q.sqlite.starts_with(r#"WITH "w"("c1") AS (SELECT"#),
        "{}",
        q.sqlite
    );
}

#[test]
fn insert_coerces_to_the_columns() {
    let q = query("insert into t (a, b) values (1, 'x') returning a");
    assert_eq!(
        q.sqlite,
        r#"INSERT INTO "t" AS "t" ("a", "b") VALUES (1, 'x') RETURNING "a""#
    );
    assert_eq!(types(&q), [Type::INT4]);
    let e = error("insert into t (a) values ('abc')");
    assert_eq!(e.sqlstate, sqlstate::INVALID_TEXT_REPRESENTATION);
    let e = error("insert into t (a) values (true)");
    assert_eq!(e.sqlstate, sqlstate::DATATYPE_MISMATCH);
    assert_eq!(
        e.message,
        "column \"a\" is of type integer but expression is of type boolean"
    );
    let e = error("insert into t (a, nope) values (1, 2)");
    assert_eq!(
        e.message,
        "column \"nope\" of relation \"t\" does not exist"
    );
    let q = query("insert into s.items (id, n) values (1, default)");
    assert!(q.sqlite.contains("VALUES (1, 42)"), "{}", q.sqlite);
    let q =
        query("insert into t values (1, 'a', true) on conflict (a) do update set b = excluded.b");
    assert!(
        q.sqlite
            .contains(r#"ON CONFLICT ("a") DO UPDATE SET "b" = "excluded"."b""#),
        "{}",
        q.sqlite
    );
}

#[test]
fn update_and_delete() {
    let q = query("update t set b = 'y' where a = 1 returning *");
    assert_eq!(names(&q), ["a", "b", "c"]);
    assert_eq!(
        q.sqlite,
        r#"UPDATE "t" AS "t" SET "b" = 'y' WHERE ("t"."a" = 1) RETURNING "a", "b", "c""#
    );
    let q = query("delete from t using u where t.a = u.a");
    assert!(
        q.sqlite
            .starts_with(r#"DELETE FROM "t" AS "t" WHERE EXISTS (SELECT 1 FROM "u" AS "u""#),
        "{}",
        q.sqlite
    );
}

#[test]
fn create_table_declares_storage_and_constraints() {
    let Plan::Ddl(Ddl::CreateTable { rel, sqlite, .. }) = plan(
        "create table s.x (id int primary key, price numeric(10,2) not null default 0, \
         name varchar(20) unique, ok bool check (ok is not null))",
    )
    .unwrap() else {
        panic!()
    };
    assert_eq!(rel.sqlite_name, "s.x");
    assert_eq!(rel.columns[1].ty, Type::NUMERIC);
    assert_eq!(rel.columns[1].default.as_deref(), Some("0"));
    assert!(rel.columns[0].not_null);
    let sql = &sqlite[0];
    assert!(
        sql.starts_with(r#"CREATE TABLE "s.x" ("id" INT NOT NULL"#),
        "{sql}"
    );
    assert!(
        sql.contains(r#"CONSTRAINT "x_pkey" PRIMARY KEY ("id")"#),
        "{sql}"
    );
    assert!(
        sql.contains(r#"CONSTRAINT "x_name_key" UNIQUE ("name")"#),
        "{sql}"
    );
    assert!(
        sql.contains(r#"CONSTRAINT "x_ok_check" CHECK (("ok" IS NOT NULL))"#),
        "{sql}"
    );
    assert!(sql.contains("COLLATE pg_numeric"), "{sql}");
    assert!(sql.ends_with("STRICT"), "{sql}");
    let e = error("create table nope.x (a int)");
    assert_eq!(e.sqlstate, sqlstate::INVALID_SCHEMA_NAME);
}

#[test]
fn utility_statements() {
    assert!(matches!(
        plan("begin").unwrap(),
        Plan::Utility(Utility::Begin { .. })
    ));
    assert!(matches!(plan("set search_path to s, public").unwrap(),
        Plan::Utility(Utility::Set { name, value: Some(v), local: false }) if name == "search_path" && v == "s, public"));
    assert!(
        matches!(plan("show time zone").unwrap(), Plan::Utility(Utility::Show(n)) if n == "timezone")
    );
    assert!(matches!(plan("listen x").unwrap(), Plan::Utility(Utility::Listen(c)) if c == "x"));
    assert!(matches!(
        plan("unlisten *").unwrap(),
        Plan::Utility(Utility::Unlisten(None))
    ));
    let e = error("create function f() returns int as 'select 1' language sql");
    assert_eq!(e.sqlstate, sqlstate::FEATURE_NOT_SUPPORTED);
}

#[test]
fn deep_expressions_are_54001_not_a_crash() {
    let sql = format!("select {}1{}", "(".repeat(400), ")".repeat(400));
    let p = plan(&sql);
    assert!(p.is_ok() || p.unwrap_err().sqlstate == sqlstate::STATEMENT_TOO_COMPLEX);
    let sql = format!("select 1 from t where {}", vec!["c"; 50_000].join(" and "));
    let q = query(&sql);
    // Balanced: SQLite's expression depth stays small.
    assert!(
        q.sqlite
            .starts_with("SELECT 1 AS \"c1\" FROM \"t\" AS \"t\" WHERE (((("),
        "{}",
        &q.sqlite[..80]
    );
}

/// Timings of parse and analyze for 1 MB statements of each shape (run by hand:
/// `cargo test -p sql --release -- --ignored --nocapture big_statement_phases`).
#[test]
#[ignore = "a measurement, not a check"]
fn big_statement_phases() {
    let n = 1 << 20;
    let shapes = [
        (
            "and",
            format!("select 1 where {}true", "true and ".repeat(n / 9)),
        ),
        ("inlist", format!("select 1 in ({}1)", "1,".repeat(n / 2))),
        (
            "case",
            format!("select case {}end", "when 1=1 then 1 ".repeat(n / 16)),
        ),
        ("array", format!("select array[{}1]", "1,".repeat(n / 2))),
        ("cols", format!("select {}1", "1,".repeat(n / 2))),
        ("values", format!("values {}(1)", "(1),".repeat(n / 4))),
        (
            "coalesce",
            format!("select coalesce({}1)", "null,".repeat(n / 5)),
        ),
        (
            "parens",
            format!("select {}1{}", "(".repeat(n / 2), ")".repeat(n / 2)),
        ),
    ];
    for (name, sql) in shapes {
        let t = std::time::Instant::now();
        let stmts = crate::Statements::parse(&sql);
        let parsed = t.elapsed();
        let r = stmts.map(|s| s.analyze(0, &catalog(), &Env::default(), &[]).map(|_| ()));
        let analyzed = t.elapsed() - parsed;
        println!(
            "{name:10} parse {:6.0} ms  analyze+emit {:6.0} ms  {:?}",
            parsed.as_secs_f64() * 1e3,
            analyzed.as_secs_f64() * 1e3,
            r.err().map(|e| e.sqlstate).or(None)
        );
    }
}

#[test]
fn serial_and_identity_columns_get_their_own_sequences() {
    let Plan::Ddl(Ddl::CreateTable {
        rel,
        sqlite,
        serials,
        ..
    }) = plan(
        "create table z (a int, id bigserial, n int generated always as identity (start 5), \
         m smallint generated by default as identity)",
    )
    .unwrap()
    else {
        panic!()
    };
    assert_eq!(serials.len(), 3);
    assert_eq!(serials[0].seq.name, "z_id_seq");
    assert_eq!(serials[0].attnum, 2);
    assert_eq!(serials[0].seq.options.as_type, Some(Type::INT8));
    assert_eq!(serials[1].seq.name, "z_n_seq");
    assert_eq!(serials[1].seq.options.start, Some(5));
    assert_eq!(serials[1].identity, Some(crate::catalog::Identity::Always));
    assert_eq!(serials[2].seq.options.as_type, Some(Type::INT2));
    // The serial column's default is PostgreSQL text; an identity column has none.
    assert_eq!(
        rel.columns[1].default.as_deref(),
        Some("nextval('z_id_seq')")
    );
    assert_eq!(rel.columns[2].default, None);
    assert!(rel.columns[1].not_null && rel.columns[2].not_null);
    let sql = &sqlite[0];
    assert!(
        sql.contains(&format!(
            "\"id\" INT NOT NULL DEFAULT (pg_host_nextval({}))",
            serials[0].placeholder
        )),
        "{sql}"
    );
    // A name already taken gets a number.
    let Plan::Ddl(Ddl::CreateTable { serials, .. }) = plan("create table t_a (x serial)").unwrap()
    else {
        panic!()
    };
    assert_eq!(serials[0].seq.name, "t_a_x_seq");
    for (sql, code) in [
        (
            "create table e (a text generated always as identity)",
            crate::sqlstate::INVALID_PARAMETER_VALUE,
        ),
        (
            "create table e (a int generated always as identity default 1)",
            crate::sqlstate::SYNTAX_ERROR,
        ),
        (
            "create table e (a serial generated always as identity)",
            crate::sqlstate::SYNTAX_ERROR,
        ),
        (
            "create table e (a int generated always as identity null)",
            crate::sqlstate::SYNTAX_ERROR,
        ),
        (
            "create table e (a int generated always as identity (increment 0))",
            crate::sqlstate::INVALID_PARAMETER_VALUE,
        ),
    ] {
        assert_eq!(error(sql).sqlstate, code, "{sql}");
    }
}

#[test]
fn identity_always_refuses_values() {
    let mut cat = catalog();
    let mut id = col("id", Type::INT4);
    id.identity = Some(crate::catalog::Identity::Always);
    id.default = Some("nextval('public.g_id_seq')".into());
    id.not_null = true;
    cat.relations
        .push(table(16_500, "public", "g", vec![id, col("v", Type::TEXT)]));
    let run = |sql: &str| {
        let stmts = Statements::parse(sql).unwrap();
        stmts.analyze(0, &cat, &Env::default(), &[])
    };
    let e = run("insert into g values (1, 'x')").unwrap_err();
    assert_eq!(e.sqlstate, crate::sqlstate::GENERATED_ALWAYS);
    assert_eq!(
        e.message,
        "cannot insert a non-DEFAULT value into column \"id\""
    );
    assert_eq!(
        e.hint.as_deref(),
        Some("Use OVERRIDING SYSTEM VALUE to override.")
    );
    assert!(run("insert into g values (default, 'x')").is_ok());
    assert!(run("insert into g overriding system value values (1, 'x')").is_ok());
    let Ok(Plan::Query(q)) = run("insert into g overriding user value values (1, 'x')") else {
        panic!()
    };
    assert!(
        q.sqlite
            .contains("pg_host_nextval(pg_host_regclass_in('public.g_id_seq'))"),
        "{}",
        q.sqlite
    );
    assert!(q.advances_sequences);
    assert_eq!(
        run("update g set id = 2").unwrap_err().message,
        "column \"id\" can only be updated to DEFAULT"
    );
    assert!(run("update g set id = default").is_ok());
}

#[test]
fn sequence_statements() {
    let Plan::Ddl(Ddl::CreateSequence { seq, .. }) =
        plan("create sequence s.q as int increment by -2 minvalue -10 no maxvalue start -1 cache 3 cycle")
            .unwrap()
    else {
        panic!()
    };
    assert_eq!(seq.sqlite_name, "s.q");
    assert_eq!(seq.options.increment, Some(-2));
    assert_eq!(seq.options.max, Some(None));
    assert_eq!(seq.options.cycle, Some(true));
    let e = error("create sequence q increment 1 increment 2");
    assert_eq!(e.message, "conflicting or redundant options");
    assert_eq!(e.position, Some(31));
    assert_eq!(
        error("create sequence q start 0").sqlstate,
        crate::sqlstate::INVALID_PARAMETER_VALUE
    );
    assert_eq!(
        error("create sequence q maxvalue 99999999999999999999").sqlstate,
        crate::sqlstate::NUMERIC_VALUE_OUT_OF_RANGE
    );
    assert_eq!(
        error("create sequence q owned by t").sqlstate,
        crate::sqlstate::SYNTAX_ERROR
    );
    assert_eq!(
        error("create sequence q owned by t.nope").sqlstate,
        crate::sqlstate::UNDEFINED_COLUMN
    );
    assert_eq!(
        error("alter sequence nope restart").sqlstate,
        crate::sqlstate::UNDEFINED_TABLE
    );
    assert_eq!(
        error("alter sequence t restart").sqlstate,
        crate::sqlstate::WRONG_OBJECT_TYPE
    );
    assert!(matches!(
        plan("alter sequence if exists nope restart"),
        Ok(Plan::Ddl(Ddl::Nothing {
            notice: Some(_),
            ..
        }))
    ));
    // nextval and setval make a SELECT a writer; currval does not.
    assert!(query("select nextval('q')").advances_sequences);
    assert!(query("select setval('q', 1, false)").writes());
    assert!(!query("select currval('q')").advances_sequences);
}

#[test]
fn alter_table_steps() {
    let Plan::Ddl(Ddl::AlterTable { steps, columns, .. }) =
        plan("alter table only t add primary key (a), alter column b set not null").unwrap()
    else {
        panic!()
    };
    // Uniqueness is checked before NOT NULL, both before the rebuild.
    let kinds: Vec<&str> = steps
        .iter()
        .map(|s| match s {
            crate::plan::AlterStep::Validate { error, .. } => error.sqlstate,
            crate::plan::AlterStep::Rebuild(_) => "rebuild",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            crate::sqlstate::UNIQUE_VIOLATION,
            crate::sqlstate::NOT_NULL_VIOLATION,
            crate::sqlstate::NOT_NULL_VIOLATION,
            "rebuild"
        ]
    );
    assert!(columns[0].not_null && columns[1].not_null);
    let Some(crate::plan::AlterStep::Rebuild(edits)) = steps.last() else {
        panic!()
    };
    assert!(edits.contains(&crate::plan::TableEdit::AddConstraint {
        name: "t_pkey".into(),
        sql: r#"CONSTRAINT "t_pkey" PRIMARY KEY ("a")"#.into()
    }));
    // A plain ADD COLUMN stays in place.
    let Plan::Ddl(Ddl::AlterTable { steps, .. }) = plan("alter table t add column d int").unwrap()
    else {
        panic!()
    };
    assert!(matches!(&steps[..], [crate::plan::AlterStep::Sql(s)] if s.contains("ADD COLUMN")));
    for (sql, code) in [
        (
            "alter table t alter column b type int",
            crate::sqlstate::DATATYPE_MISMATCH,
        ),
        (
            "alter table t alter column nope set not null",
            crate::sqlstate::UNDEFINED_COLUMN,
        ),
        (
            "alter table nope add check (a > 0)",
            crate::sqlstate::UNDEFINED_TABLE,
        ),
        (
            "alter table t add foreign key (a) references u (d)",
            crate::sqlstate::INVALID_FOREIGN_KEY,
        ),
        (
            "alter table t add foreign key (b) references u (a)",
            crate::sqlstate::INVALID_FOREIGN_KEY,
        ),
        (
            "alter table t set (fillfactor = 5)",
            crate::sqlstate::INVALID_PARAMETER_VALUE,
        ),
        (
            "alter table t owner to nobody",
            crate::sqlstate::UNDEFINED_OBJECT,
        ),
        (
            "alter table t alter column a add generated always as identity",
            crate::sqlstate::OBJECT_NOT_IN_PREREQUISITE_STATE,
        ),
    ] {
        assert_eq!(error(sql).sqlstate, code, "{sql}");
    }
    assert!(plan("alter table t set (fillfactor = 50)").is_ok());
    assert!(plan("alter table t owner to postgres").is_ok());
}

#[test]
fn comments_name_their_objects() {
    assert!(matches!(
        plan("comment on column t.b is 'x'"),
        Ok(Plan::Ddl(Ddl::Comment {
            target: crate::plan::CommentTarget::Relation {
                oid: 16_400,
                attnum: 2
            },
            text: Some(_)
        }))
    ));
    assert!(matches!(
        plan("comment on table t is ''"),
        Ok(Plan::Ddl(Ddl::Comment { text: None, .. }))
    ));
    assert_eq!(
        error("comment on view t is 'x'").sqlstate,
        crate::sqlstate::WRONG_OBJECT_TYPE
    );
    assert_eq!(
        error("comment on column t is 'x'").sqlstate,
        crate::sqlstate::SYNTAX_ERROR
    );
    assert_eq!(
        error("comment on schema nope is 'x'").sqlstate,
        crate::sqlstate::INVALID_SCHEMA_NAME
    );
    assert_eq!(
        error("comment on constraint c on t is 'x'").sqlstate,
        crate::sqlstate::UNDEFINED_OBJECT
    );
}
