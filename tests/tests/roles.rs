//! Roles and privileges as a client meets them: the global role catalog, login names that do
//! not exist, SCRAM verifiers in pg_authid, SET ROLE, and the holes issue 14 listed (each
//! shown closed with PostgreSQL 15's SQLSTATE and message).

use std::time::Duration;

use tests::harness::Server;

fn connect_as(s: &Server, user: &str) -> Result<postgres::Client, postgres::Error> {
    postgres::Config::new()
        .host_path(s.socket_dir())
        .port(s.port)
        .user(user)
        .dbname("postgres")
        .connect(postgres::NoTls)
}

fn err<T>(r: Result<T, postgres::Error>) -> (String, String) {
    let Err(e) = r else {
        panic!("expected an error")
    };
    let db = e.as_db_error().expect("a server error");
    (db.code().code().to_string(), db.message().to_string())
}

fn one(c: &mut postgres::Client, sql: &str) -> String {
    let row = c.query_one(sql, &[]).expect(sql);
    row.get::<_, Option<String>>(0).unwrap_or_default()
}

#[test]
fn roles_live_in_the_global_catalog() {
    let s = Server::start(&[]);
    let mut su = s.connect();
    assert_eq!(one(&mut su, "SELECT current_user::text"), "postgres");
    // An unknown login name is refused (PostgreSQL: FATAL 28000).
    assert_eq!(
        err(connect_as(&s, "nobody")),
        ("28000".into(), "role \"nobody\" does not exist".into())
    );
    su.batch_execute(
        "CREATE ROLE alice LOGIN PASSWORD 'secret'; CREATE ROLE grp; CREATE USER bob; \
         GRANT grp TO alice",
    )
    .expect("create roles");
    // (Alone: in a multi-statement Query it would be inside the implicit transaction.)
    su.batch_execute("CREATE DATABASE other")
        .expect("create database");
    // NOLOGIN roles cannot log in.
    assert_eq!(
        err(connect_as(&s, "grp")),
        (
            "28000".into(),
            "role \"grp\" is not permitted to log in".into()
        )
    );
    let verifier = one(
        &mut su,
        "SELECT rolpassword FROM pg_authid WHERE rolname = 'alice'",
    );
    assert!(verifier.starts_with("SCRAM-SHA-256$4096:"), "{verifier}");
    assert_eq!(verifier.matches('$').count(), 2);
    assert_eq!(
        one(
            &mut su,
            "SELECT string_agg(rolname::text, ',' ORDER BY rolname) FROM pg_roles \
             WHERE rolname !~ '^pg_'"
        ),
        "alice,bob,grp,postgres"
    );
    assert_eq!(
        one(
            &mut su,
            "SELECT string_agg(usename::text, ',' ORDER BY usename) FROM pg_user"
        ),
        "alice,bob,postgres"
    );
    assert_eq!(
        one(
            &mut su,
            "SELECT r.rolname::text FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid \
             JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = 'alice'"
        ),
        "grp"
    );
    // The catalog is global: another database sees the same roles.
    let mut other = postgres::Config::new()
        .host_path(s.socket_dir())
        .port(s.port)
        .user("alice")
        .dbname("other")
        .connect(postgres::NoTls)
        .expect("alice in other");
    assert_eq!(one(&mut other, "SELECT current_user::text"), "alice");
    // pg_authid is for superusers (PostgreSQL: 42501 permission denied for table pg_authid).
    assert_eq!(
        err(other.query("SELECT rolname FROM pg_authid", &[])),
        (
            "42501".into(),
            "permission denied for table pg_authid".into()
        )
    );
    // An ordinary role cannot create roles (PostgreSQL 15's message).
    assert_eq!(
        err(other.batch_execute("CREATE ROLE eve")),
        ("42501".into(), "permission denied to create role".into())
    );
    // SET ROLE to a role one is a member of, not to others.
    other.batch_execute("SET ROLE grp").expect("set role");
    assert_eq!(one(&mut other, "SELECT current_user::text"), "grp");
    assert_eq!(one(&mut other, "SELECT session_user::text"), "alice");
    other.batch_execute("RESET ROLE").expect("reset role");
    assert_eq!(
        err(other.batch_execute("SET ROLE postgres")),
        (
            "42501".into(),
            "permission denied to set role \"postgres\"".into()
        )
    );
    // Duplicates, reserved names, the bootstrap superuser.
    assert_eq!(
        err(su.batch_execute("CREATE ROLE alice")),
        ("42710".into(), "role \"alice\" already exists".into())
    );
    assert_eq!(
        err(su.batch_execute("CREATE ROLE pg_x")),
        ("42939".into(), "role name \"pg_x\" is reserved".into())
    );
    assert_eq!(
        err(su.batch_execute("DROP ROLE postgres")),
        ("55006".into(), "current user cannot be dropped".into())
    );
    assert_eq!(
        err(su.batch_execute("DROP ROLE pg_monitor")),
        (
            "2BP01".into(),
            "cannot drop role pg_monitor because it is required by the database system".into()
        )
    );
    assert_eq!(
        err(su.batch_execute("DROP ROLE ghost")),
        ("42704".into(), "role \"ghost\" does not exist".into())
    );
    su.batch_execute("ALTER ROLE bob NOLOGIN; DROP ROLE IF EXISTS ghost")
        .expect("alter, drop if exists");
    assert_eq!(
        err(connect_as(&s, "bob")),
        (
            "28000".into(),
            "role \"bob\" is not permitted to log in".into()
        )
    );
    su.batch_execute("SET password_encryption = 'md5'; ALTER ROLE bob PASSWORD 'pw'")
        .expect("md5");
    assert_eq!(
        one(
            &mut su,
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'bob'"
        ),
        // PostgreSQL 15: SELECT 'md5' || md5('pwbob').
        "md5".to_string() + &format!("{:032x}", md5_of("pwbob"))
    );
    su.batch_execute("DROP ROLE bob").expect("drop");
}

fn md5_of(s: &str) -> u128 {
    let out = std::process::Command::new("md5sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().expect("stdin").write_all(s.as_bytes())?;
            c.wait_with_output()
        })
        .expect("md5sum");
    let text = String::from_utf8_lossy(&out.stdout);
    u128::from_str_radix(text.split_whitespace().next().unwrap_or("0"), 16).expect("hex")
}

#[test]
fn privileges_owners_and_signals() {
    let s = Server::start(&[]);
    let mut su = s.connect();
    su.batch_execute(
        "CREATE ROLE alice LOGIN; CREATE ROLE mallory LOGIN; CREATE TABLE t (a int); \
         INSERT INTO t VALUES (1); CREATE TABLE shared (a int); \
         GRANT SELECT, INSERT ON shared TO alice",
    )
    .expect("setup");
    let mut m = connect_as(&s, "mallory").expect("mallory");
    let denied = |what: &str| {
        (
            "42501".to_string(),
            format!("permission denied for table {what}"),
        )
    };
    // Reads and writes of a table one has no privilege on (PostgreSQL's 42501).
    assert_eq!(err(m.query("SELECT * FROM t", &[])), denied("t"));
    assert_eq!(err(m.execute("INSERT INTO t VALUES (2)", &[])), denied("t"));
    assert_eq!(err(m.execute("UPDATE t SET a = 3", &[])), denied("t"));
    assert_eq!(err(m.execute("DELETE FROM t", &[])), denied("t"));
    assert_eq!(err(m.batch_execute("TRUNCATE t")), denied("t"));
    // Only the owner (or a superuser) may ALTER or DROP.
    let not_owner = ("42501".to_string(), "must be owner of table t".to_string());
    assert_eq!(err(m.batch_execute("DROP TABLE t")), not_owner);
    assert_eq!(
        err(m.batch_execute("ALTER TABLE t ADD COLUMN b int")),
        not_owner
    );
    assert_eq!(
        err(m.batch_execute("DROP DATABASE postgres")),
        ("42501".into(), "must be owner of database postgres".into())
    );
    assert_eq!(
        err(m.batch_execute("CREATE DATABASE mine")),
        (
            "42501".into(),
            "permission denied to create database".into()
        )
    );
    // GRANT gives exactly what it says.
    let mut a = connect_as(&s, "alice").expect("alice");
    a.execute("INSERT INTO shared VALUES (1)", &[])
        .expect("insert");
    assert_eq!(
        a.query("SELECT * FROM shared", &[]).expect("select").len(),
        1
    );
    assert_eq!(err(a.execute("DELETE FROM shared", &[])), denied("shared"));
    let held: bool = a
        .query_one("SELECT has_table_privilege('shared', 'SELECT')", &[])
        .expect("has")
        .get(0);
    assert!(held);
    let held: bool = a
        .query_one("SELECT has_table_privilege('shared', 'DELETE')", &[])
        .expect("has")
        .get(0);
    assert!(!held);
    su.batch_execute("REVOKE INSERT ON shared FROM alice")
        .expect("revoke");
    assert_eq!(
        err(a.execute("INSERT INTO shared VALUES (1)", &[])),
        denied("shared")
    );
    // PostgreSQL 15: PUBLIC may not create in schema public; a grant lets her.
    assert_eq!(
        err(m.batch_execute("CREATE TABLE mine (a int)")),
        ("42501".into(), "permission denied for schema public".into())
    );
    su.batch_execute("GRANT CREATE ON SCHEMA public TO mallory")
        .expect("grant create");
    // What one creates, one owns: mallory drops her own table.
    m.batch_execute("CREATE TABLE mine (a int); INSERT INTO mine VALUES (1); DROP TABLE mine")
        .expect("own table");
    // Signalling another role's backend (PostgreSQL 15's wording), and a superuser's.
    let alice_pid: i32 = a
        .query_one("SELECT pg_backend_pid()", &[])
        .expect("pid")
        .get(0);
    let su_pid: i32 = su
        .query_one("SELECT pg_backend_pid()", &[])
        .expect("pid")
        .get(0);
    assert_eq!(
        err(m.query("SELECT pg_terminate_backend($1)", &[&alice_pid])),
        (
            "42501".into(),
            "must be a member of the role whose process is being terminated or member of pg_signal_backend".into()
        )
    );
    assert_eq!(
        err(m.query("SELECT pg_cancel_backend($1)", &[&su_pid])),
        (
            "42501".into(),
            "must be a superuser to cancel superuser query".into()
        )
    );
    // Another role's query text is hidden.
    let text: Option<String> = m
        .query_one(
            "SELECT query FROM pg_stat_activity WHERE pid = $1",
            &[&su_pid],
        )
        .expect("activity")
        .get(0);
    assert_eq!(text.as_deref(), Some("<insufficient privilege>"));
    // A superuser can do all of it.
    let ok: bool = su
        .query_one("SELECT pg_terminate_backend($1)", &[&alice_pid])
        .expect("terminate")
        .get(0);
    assert!(ok);
    // OWNER TO: the new owner may then drop it; mallory may not.
    su.batch_execute("CREATE TABLE given (a int); ALTER TABLE given OWNER TO alice")
        .expect("owner to");
    assert_eq!(
        err(m.batch_execute("DROP TABLE given")),
        ("42501".into(), "must be owner of table given".into())
    );
    assert_eq!(
        one(
            &mut su,
            "SELECT relowner::regrole::text FROM pg_class WHERE relname = 'given'"
        ),
        "alice"
    );
    su.batch_execute("DROP TABLE t").expect("superuser drops");
}

#[test]
fn reserved_connections_are_kept_for_superusers() {
    let s = Server::start(&["-c", "max_connections=5"]);
    let mut su = s.connect();
    su.batch_execute("CREATE ROLE joe LOGIN").expect("role");
    // 5 slots, 3 reserved: the superuser holds one, joe gets one more, then only
    // superusers.
    let _joe = connect_as(&s, "joe").expect("joe");
    assert_eq!(
        err(connect_as(&s, "joe")),
        (
            "53300".into(),
            "remaining connection slots are reserved for non-replication superuser connections"
                .into()
        )
    );
    let _su2 = s.connect();
    let _su3 = s.connect();
    let _su4 = s.connect();
}

#[test]
fn files_and_the_socket_lock_are_created_safely() {
    use std::os::unix::fs::PermissionsExt;
    let mut s = Server::new(&["-c", "unix_socket_permissions=0770"]);
    // A planted symlink where the socket's lock file goes is replaced, not followed.
    let victim = s.socket_dir().join("victim");
    std::fs::write(&victim, "keep me").expect("victim");
    let lock = s.socket_dir().join(format!(".s.PGSQL.{}.lock", s.port));
    std::os::unix::fs::symlink(&victim, &lock).expect("symlink");
    s.spawn();
    s.wait_ready();
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me");
    let md = std::fs::symlink_metadata(&lock).expect("lock");
    assert!(md.file_type().is_file());
    assert_eq!(md.permissions().mode() & 0o777, 0o600);
    let socket = s.socket_dir().join(format!(".s.PGSQL.{}", s.port));
    assert_eq!(
        std::fs::metadata(&socket)
            .expect("socket")
            .permissions()
            .mode()
            & 0o777,
        0o770
    );
    let mut c = s.connect();
    // umask 0077: what the server creates is its own.
    let global = s.data_dir().join("global").join("roles.sqlite");
    assert_eq!(
        std::fs::metadata(&global)
            .expect("global")
            .permissions()
            .mode()
            & 0o077,
        0
    );
    let v: String = c
        .query_one("SHOW superuser_reserved_connections", &[])
        .expect("show")
        .get(0);
    assert_eq!(v, "3");
}

#[test]
fn init_names_the_bootstrap_superuser_and_sets_its_password() {
    let mut s = Server::new(&[]);
    let pwfile = s.socket_dir().join("pw");
    std::fs::write(&pwfile, "hunter2\n").expect("pwfile");
    let (code, out) = s.ctl(&[
        "init",
        "-U",
        "boss",
        "--pwfile",
        &pwfile.display().to_string(),
    ]);
    assert_eq!(code, 0, "{out}");
    s.spawn();
    s.wait_ready();
    // As initdb -U: the only login role is `boss`, OID 10, a superuser.
    assert_eq!(
        err(s.try_connect()),
        ("28000".into(), "role \"postgres\" does not exist".into())
    );
    let mut c = connect_as(&s, "boss").expect("boss");
    let row = c
        .query_one(
            "SELECT oid::int4, rolsuper, rolpassword FROM pg_authid WHERE rolname = current_user",
            &[],
        )
        .expect("boss row");
    assert_eq!(row.get::<_, i32>(0), 10);
    assert!(row.get::<_, bool>(1));
    assert!(
        row.get::<_, String>(2).starts_with("SCRAM-SHA-256$4096:"),
        "the password is stored as a verifier"
    );
}

fn connect_db(s: &Server, user: &str, db: &str) -> Result<postgres::Client, postgres::Error> {
    postgres::Config::new()
        .host_path(s.socket_dir())
        .port(s.port)
        .user(user)
        .dbname(db)
        .connect(postgres::NoTls)
}

/// A server with `setup` run by the bootstrap superuser, and that superuser's session.
fn server_with(setup: &str) -> (Server, postgres::Client) {
    let s = Server::start(&[]);
    let mut su = s.connect();
    su.batch_execute(setup).expect("setup");
    (s, su)
}

/// A 42501 error with `message`.
fn denied<T>(r: Result<T, postgres::Error>, message: &str) {
    assert_eq!(err(r), ("42501".to_string(), message.to_string()));
}

fn flag(c: &mut postgres::Client, sql: &str) -> bool {
    c.query_one(sql, &[]).expect(sql).get(0)
}

#[test]
fn schema_and_database_privileges() {
    let (s, mut su) = server_with(
        "CREATE ROLE carol LOGIN; CREATE ROLE dave LOGIN; CREATE SCHEMA s; \
         CREATE TABLE s.t (a int); GRANT SELECT ON s.t TO carol",
    );
    su.batch_execute("CREATE DATABASE locked")
        .expect("create database");
    let mut c = connect_as(&s, "carol").expect("carol");
    // Looking up in a schema needs USAGE (before the table's own privilege).
    denied(
        c.query("SELECT * FROM s.t", &[]),
        "permission denied for schema s",
    );
    denied(
        c.batch_execute("CREATE TABLE s.x (a int)"),
        "permission denied for schema s",
    );
    denied(
        c.batch_execute("CREATE SCHEMA mine"),
        "permission denied for database postgres",
    );
    denied(
        c.batch_execute("DROP SCHEMA s"),
        "must be owner of schema s",
    );
    su.batch_execute("GRANT USAGE ON SCHEMA s TO carol WITH GRANT OPTION")
        .expect("grant usage");
    assert_eq!(c.query("SELECT * FROM s.t", &[]).expect("select").len(), 0);
    assert!(flag(
        &mut c,
        "SELECT has_schema_privilege('s', 'USAGE WITH GRANT OPTION')"
    ));
    // A grant beyond one's grant options: PostgreSQL's WARNING 01007, and nothing granted.
    let notices = std::sync::Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let seen = notices.clone();
    let mut c = postgres::Config::new()
        .host_path(s.socket_dir())
        .port(s.port)
        .user("carol")
        .dbname("postgres")
        .notice_callback(move |n| {
            if let Ok(mut v) = seen.lock() {
                v.push(format!(
                    "{} {} {}",
                    n.severity(),
                    n.code().code(),
                    n.message()
                ));
            }
        })
        .connect(postgres::NoTls)
        .expect("carol with notices");
    c.batch_execute("GRANT CREATE ON SCHEMA s TO dave")
        .expect("grant without option");
    assert_eq!(
        notices.lock().map(|v| v.clone()).unwrap_or_default(),
        ["WARNING 01007 no privileges were granted for \"s\""]
    );
    assert!(!flag(
        &mut su,
        "SELECT has_schema_privilege('dave', 's', 'CREATE')"
    ));
    c.batch_execute("GRANT USAGE ON SCHEMA s TO dave")
        .expect("grant on");
    assert!(flag(
        &mut su,
        "SELECT has_schema_privilege('dave', 's', 'USAGE')"
    ));
    assert_eq!(
        one(
            &mut su,
            "SELECT nspacl::text FROM pg_namespace WHERE nspname = 's'"
        ),
        "{postgres=UC/postgres,carol=U*/postgres,dave=U/carol}"
    );
    // CREATE on the database lets CREATE SCHEMA; the schema is then carol's.
    su.batch_execute("GRANT CREATE ON DATABASE postgres TO carol")
        .expect("grant create");
    c.batch_execute("CREATE SCHEMA mine; CREATE TABLE mine.t (a int); DROP SCHEMA mine CASCADE")
        .expect("own schema");
    // CONNECT: PUBLIC has it by default; revoked, a login is refused (FATAL 42501).
    connect_db(&s, "carol", "locked").expect("connect by default");
    su.batch_execute("REVOKE CONNECT ON DATABASE locked FROM PUBLIC")
        .expect("revoke connect");
    let Err(e) = connect_db(&s, "carol", "locked") else {
        panic!("no CONNECT, yet connected")
    };
    let db = e.as_db_error().expect("server error");
    assert_eq!(db.code().code(), "42501");
    assert_eq!(db.severity(), "FATAL");
    assert_eq!(db.message(), "permission denied for database \"locked\"");
    assert_eq!(db.detail(), Some("User does not have CONNECT privilege."));
    connect_db(&s, "postgres", "locked").expect("a superuser needs no CONNECT");
    su.batch_execute("GRANT CONNECT ON DATABASE locked TO carol")
        .expect("grant connect");
    connect_db(&s, "carol", "locked").expect("connect after the grant");
    assert_eq!(
        one(
            &mut su,
            "SELECT datacl::text FROM pg_database WHERE datname = 'locked'"
        ),
        "{=T/postgres,postgres=CTc/postgres,carol=c/postgres}"
    );
    // pg_hba_file_rules is for superusers (PostgreSQL 15: a view revoked from PUBLIC).
    denied(
        c.query("SELECT * FROM pg_hba_file_rules", &[]),
        "permission denied for view pg_hba_file_rules",
    );
    su.query("SELECT * FROM pg_hba_file_rules", &[])
        .expect("superuser reads the rules");
}

#[test]
fn role_ddl_is_transactional() {
    let s = Server::start(&[]);
    let mut su = s.connect();
    let count = |c: &mut postgres::Client| -> i64 {
        c.query_one(
            "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'tx%'",
            &[],
        )
        .expect("count")
        .get(0)
    };
    su.batch_execute("BEGIN; CREATE ROLE tx1 LOGIN; CREATE ROLE tx2 IN ROLE tx1")
        .expect("create in block");
    assert_eq!(count(&mut su), 2, "the block sees its own roles");
    // Another session does not see them, nor can it log in as them, before COMMIT.
    let mut other = s.connect();
    assert_eq!(count(&mut other), 0);
    assert_eq!(
        err(connect_as(&s, "tx1")),
        ("28000".into(), "role \"tx1\" does not exist".into())
    );
    su.batch_execute("ROLLBACK").expect("rollback");
    assert_eq!(count(&mut su), 0, "ROLLBACK leaves nothing");
    // A savepoint rolled back undoes what came after it; COMMIT makes the rest visible.
    su.batch_execute(
        "BEGIN; CREATE ROLE tx1 LOGIN; SAVEPOINT a; CREATE ROLE tx2; ALTER ROLE tx1 NOLOGIN; \
         ROLLBACK TO a; COMMIT",
    )
    .expect("savepoint");
    assert_eq!(count(&mut other), 1);
    connect_as(&s, "tx1").expect("a committed role logs in");
    // A failed statement in autocommit leaves nothing half made.
    assert!(su.batch_execute("CREATE ROLE tx3 IN ROLE nosuch").is_err());
    assert_eq!(count(&mut su), 1);
    // DROP and GRANT inside a rolled-back block stay undone.
    su.batch_execute("BEGIN; DROP ROLE tx1; GRANT pg_monitor TO postgres; ROLLBACK")
        .expect("drop in block");
    assert_eq!(count(&mut su), 1);
    assert!(!flag(
        &mut su,
        "SELECT pg_has_role('postgres', 'pg_monitor', 'USAGE') AND EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = 'pg_monitor'::regrole AND member = 10)"
    ));
    // SET ROLE goes with what undoes it: ROLLBACK TO a savepoint made before it, and a COMMIT
    // that fails (a deferred foreign key), which rolls the block back.
    let me = |c: &mut postgres::Client| -> String {
        c.query_one("SELECT current_user::text", &[])
            .expect("current_user")
            .get(0)
    };
    su.batch_execute(
        "CREATE ROLE txr; CREATE TABLE txp (a int PRIMARY KEY); \
         CREATE TABLE txc (a int REFERENCES txp DEFERRABLE INITIALLY DEFERRED); \
         GRANT ALL ON txp, txc TO txr",
    )
    .expect("setup");
    su.batch_execute("BEGIN; SAVEPOINT a; SET ROLE txr; ROLLBACK TO a")
        .expect("rollback to");
    assert_eq!(me(&mut su), "postgres");
    su.batch_execute("COMMIT").expect("commit");
    su.batch_execute("BEGIN; SET ROLE txr; INSERT INTO txc VALUES (1)")
        .expect("insert");
    let e = su
        .batch_execute("COMMIT")
        .expect_err("the deferred key fails COMMIT");
    assert_eq!(e.code().map(|c| c.code()), Some("23503"));
    assert_eq!(me(&mut su), "postgres");
}

#[test]
fn membership_follows_inherit() {
    let (s, _su) = server_with(
        "CREATE ROLE erin LOGIN; CREATE ROLE mid NOINHERIT; CREATE ROLE top; \
         GRANT mid TO erin; GRANT top TO mid; CREATE TABLE secret (a int); \
         GRANT SELECT ON secret TO top; CREATE TABLE open (a int); GRANT SELECT ON open TO mid",
    );
    let mut e = connect_as(&s, "erin").expect("erin");
    // erin inherits mid's privileges, but mid (NOINHERIT) does not pass on top's.
    e.query("SELECT * FROM open", &[]).expect("via mid");
    denied(
        e.query("SELECT * FROM secret", &[]),
        "permission denied for table secret",
    );
    assert!(flag(&mut e, "SELECT pg_has_role('top', 'MEMBER')"));
    assert!(!flag(&mut e, "SELECT pg_has_role('top', 'USAGE')"));
    // SET ROLE in a block is undone by ROLLBACK, SET LOCAL ROLE by COMMIT too.
    e.batch_execute("BEGIN; SET ROLE top; ROLLBACK")
        .expect("set role rolled back");
    assert_eq!(one(&mut e, "SELECT current_user::text"), "erin");
    e.batch_execute("BEGIN; SET LOCAL ROLE top; COMMIT")
        .expect("set local role");
    assert_eq!(one(&mut e, "SELECT current_user::text"), "erin");
    // Membership is transitive for SET ROLE, which then has top's privileges.
    e.batch_execute("SET ROLE top").expect("set role");
    e.query("SELECT * FROM secret", &[]).expect("as top");
}

#[test]
fn every_path_to_a_table_checks_its_privileges() {
    let (s, mut su) = server_with(
        "CREATE ROLE erin LOGIN; CREATE SCHEMA es; GRANT USAGE, CREATE ON SCHEMA es TO erin; \
         CREATE TABLE es.secret (a int); INSERT INTO es.secret VALUES (1); \
         CREATE VIEW es.v AS SELECT 1 AS one; \
         CREATE TABLE es.kv (k int PRIMARY KEY, v int); GRANT SELECT, INSERT ON es.kv TO erin",
    );
    let mut erin = connect_as(&s, "erin").expect("erin logs in");
    // The extended protocol's partial Execute (a portal read a row at a time).
    let mut tx = erin.transaction().expect("begin");
    let stmt = tx.prepare("SELECT a FROM es.secret").expect("prepare");
    denied(
        tx.bind(&stmt, &[]).and_then(|p| tx.query_portal(&p, 1)),
        "permission denied for table secret",
    );
    drop(tx);
    // COPY in both directions.
    denied(
        erin.copy_out("COPY es.secret TO STDOUT").map(|_| ()),
        "permission denied for table secret",
    );
    denied(
        erin.copy_in("COPY es.secret FROM STDIN").map(|_| ()),
        "permission denied for table secret",
    );
    // (A fresh session: the client library does not resynchronise after a refused COPY FROM.)
    let mut erin = connect_as(&s, "erin").expect("erin logs in");
    // IF NOT EXISTS over someone else's table creates nothing and takes nothing over.
    erin.batch_execute("CREATE TABLE IF NOT EXISTS es.secret (a int)")
        .expect("a notice, not an error");
    denied(
        erin.batch_execute("DROP TABLE es.secret"),
        "must be owner of table secret",
    );
    denied(
        erin.query("SELECT a FROM es.secret", &[]),
        "permission denied for table secret",
    );
    // OR REPLACE of someone else's view.
    denied(
        erin.batch_execute("CREATE OR REPLACE VIEW es.v AS SELECT 2 AS one"),
        "must be owner of view v",
    );
    assert_eq!(one(&mut su, "SELECT one::text FROM es.v"), "1");
    // CREATE TABLE AS and SELECT INTO read as their query would.
    denied(
        erin.batch_execute("CREATE TABLE es.mine AS SELECT a FROM es.secret"),
        "permission denied for table secret",
    );
    denied(
        erin.batch_execute("SELECT a INTO es.mine FROM es.secret"),
        "permission denied for table secret",
    );
    // ON CONFLICT DO UPDATE needs UPDATE too; DO NOTHING does not.
    erin.batch_execute("INSERT INTO es.kv VALUES (1, 1) ON CONFLICT (k) DO NOTHING")
        .expect("INSERT with SELECT and INSERT");
    denied(
        erin.batch_execute(
            "INSERT INTO es.kv VALUES (1, 2) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
        ),
        "permission denied for table kv",
    );
    // A view reads its base tables with its owner's privileges: erin's own view over a table
    // she cannot read gives her nothing, the superuser's view granted to her does.
    erin.batch_execute("CREATE VIEW es.peek AS SELECT a FROM es.secret")
        .expect("creating the view is allowed");
    denied(
        erin.query("SELECT a FROM es.peek", &[]),
        "permission denied for table secret",
    );
    su.batch_execute(
        "CREATE VIEW es.shown AS SELECT a FROM es.secret; GRANT SELECT ON es.shown TO erin",
    )
    .expect("a granted view");
    assert_eq!(one(&mut erin, "SELECT a::text FROM es.shown"), "1");
    // GRANT on several objects is all or nothing.
    erin.batch_execute("CREATE TABLE es.own (a int)")
        .expect("her own table");
    denied(
        erin.batch_execute("GRANT SELECT ON es.own, es.secret TO PUBLIC"),
        "permission denied for table secret",
    );
    assert_eq!(
        one(
            &mut su,
            "SELECT coalesce(relacl::text, 'none') FROM pg_class WHERE relname = 'own'"
        ),
        "none"
    );
    // CREATE SCHEMA's elements belong to the schema's owner.
    su.batch_execute("CREATE SCHEMA fs AUTHORIZATION erin CREATE TABLE ft (a int)")
        .expect("schema with an element");
    erin.batch_execute("DROP TABLE fs.ft")
        .expect("the element is the schema owner's");
    // A superuser flag taken away reaches the role's open sessions (within a second).
    su.batch_execute("CREATE ROLE boss LOGIN SUPERUSER")
        .expect("boss");
    let mut boss = connect_as(&s, "boss").expect("boss logs in");
    boss.query("SELECT a FROM es.secret", &[])
        .expect("a superuser reads anything");
    su.batch_execute("ALTER ROLE boss NOSUPERUSER")
        .expect("demote");
    std::thread::sleep(Duration::from_millis(1100));
    denied(
        boss.query("SELECT a FROM es.secret", &[]),
        "permission denied for schema es",
    );
    // A dropped role's OID is never handed to a new role (its objects would pass to it).
    su.batch_execute("CREATE ROLE gone").expect("create");
    let gone = one(
        &mut su,
        "SELECT oid::text FROM pg_roles WHERE rolname = 'gone'",
    );
    su.batch_execute("DROP ROLE gone; CREATE ROLE heir")
        .expect("drop, create");
    let heir = one(
        &mut su,
        "SELECT oid::text FROM pg_roles WHERE rolname = 'heir'",
    );
    assert!(
        heir.parse::<u32>().unwrap() > gone.parse::<u32>().unwrap(),
        "{heir} after {gone}"
    );
}

/// Sequence functions check PostgreSQL's privileges: `nextval` USAGE or UPDATE (also from a
/// serial column's default, not from an identity column's), `currval` SELECT or USAGE,
/// `setval` UPDATE; a REVOKE takes effect at the next statement.
#[test]
fn sequence_functions_check_privileges() {
    let s = Server::start(&[]);
    let mut su = s.connect();
    su.batch_execute(
        "CREATE ROLE sq LOGIN; CREATE TABLE sqs (id serial, v int); \
         CREATE TABLE sqi (id int GENERATED ALWAYS AS IDENTITY, v int); CREATE SEQUENCE sqx; \
         GRANT INSERT, SELECT ON sqs, sqi TO sq",
    )
    .expect("setup");
    let mut c = connect_as(&s, "sq").expect("login");
    let denied = |seq: &str| {
        (
            "42501".to_string(),
            format!("permission denied for sequence {seq}"),
        )
    };
    assert_eq!(
        err(c.execute("INSERT INTO sqs (v) VALUES (1)", &[])),
        denied("sqs_id_seq")
    );
    c.execute("INSERT INTO sqi (v) VALUES (1)", &[])
        .expect("an identity column needs no sequence privilege");
    assert_eq!(
        err(c.query_one("SELECT nextval('sqx')", &[])),
        denied("sqx")
    );
    assert_eq!(
        err(c.query_one("SELECT setval('sqx', 5)", &[])),
        denied("sqx")
    );
    su.batch_execute("GRANT USAGE ON SEQUENCE sqx, sqs_id_seq TO sq")
        .expect("grant usage");
    c.execute("INSERT INTO sqs (v) VALUES (2)", &[])
        .expect("insert with USAGE");
    assert_eq!(one(&mut c, "SELECT nextval('sqx')::text"), "1");
    assert_eq!(one(&mut c, "SELECT currval('sqx')::text"), "1");
    assert_eq!(
        err(c.query_one("SELECT setval('sqx', 5)", &[])),
        denied("sqx")
    );
    su.batch_execute("GRANT UPDATE ON SEQUENCE sqx TO sq")
        .expect("grant update");
    assert_eq!(one(&mut c, "SELECT setval('sqx', 5)::text"), "5");
    su.batch_execute("REVOKE ALL ON SEQUENCE sqx FROM sq")
        .expect("revoke");
    assert_eq!(
        err(c.query_one("SELECT nextval('sqx')", &[])),
        denied("sqx")
    );
}

/// DROP ROLE refuses a role that still owns or holds privileges on something (PostgreSQL's
/// 2BP01 with a DETAIL line per object: here tables, a view, a sequence, a schema and a
/// database; objects in another database are counted), the same script on PostgreSQL 15 and
/// on minipg giving the same SQLSTATE, message and DETAIL. Once the objects are gone or
/// given away, the role drops. Memberships never stop it.
#[test]
fn drop_role_refuses_a_role_that_objects_depend_on_as_postgresql_15() {
    use tests::pg15::{self, PgCluster};
    if !pg15::require("drop_role_refuses_a_role_that_objects_depend_on_as_postgresql_15") {
        return;
    }
    let pg_port = 30_000 + (std::process::id() % 20_000) as u16;
    let pg = PgCluster::start(pg_port, pg15::TEST_OPTIONS)
        .unwrap_or_else(|e| panic!("cannot start PostgreSQL 15: {e}"));
    let minipg = Server::start(&["-c", "shared_preload_libraries="]);
    // (statement, database) in order; each result is compared.
    let script: &[(&str, &str)] = &[
        ("CREATE ROLE dep_a", "postgres"),
        ("CREATE ROLE dep_b", "postgres"),
        ("CREATE ROLE dep_m", "postgres"),
        ("GRANT dep_m TO dep_b", "postgres"),
        ("CREATE DATABASE dep_other", "postgres"),
        ("CREATE TABLE owned_t (a int)", "postgres"),
        ("ALTER TABLE owned_t OWNER TO dep_a", "postgres"),
        ("CREATE TABLE granted_t (a int)", "postgres"),
        ("GRANT SELECT, INSERT ON granted_t TO dep_a", "postgres"),
        ("CREATE SCHEMA dep_s AUTHORIZATION dep_a", "postgres"),
        ("CREATE TABLE dep_s.hidden (a int)", "postgres"),
        ("ALTER TABLE dep_s.hidden OWNER TO dep_a", "postgres"),
        ("CREATE SEQUENCE dep_q", "postgres"),
        ("GRANT USAGE ON SEQUENCE dep_q TO dep_a", "postgres"),
        ("CREATE VIEW dep_v AS SELECT 1 AS one", "postgres"),
        ("ALTER VIEW dep_v OWNER TO dep_a", "postgres"),
        ("GRANT CONNECT ON DATABASE dep_other TO dep_b", "postgres"),
        ("CREATE TABLE far (a int)", "dep_other"),
        ("ALTER TABLE far OWNER TO dep_a", "dep_other"),
        ("CREATE TABLE far2 (a int)", "dep_other"),
        ("GRANT SELECT ON far2 TO dep_a", "dep_other"),
        ("DROP ROLE dep_a", "postgres"),
        ("DROP ROLE dep_b", "postgres"),
        ("DROP ROLE dep_a", "dep_other"),
        // A role in a role list with dependencies stops the whole statement.
        ("DROP ROLE dep_m, dep_a", "postgres"),
        (
            "SELECT count(*) FROM pg_roles WHERE rolname = 'dep_m'",
            "postgres",
        ),
        ("DROP TABLE owned_t", "postgres"),
        ("REVOKE ALL ON granted_t FROM dep_a", "postgres"),
        ("DROP SCHEMA dep_s CASCADE", "postgres"),
        ("DROP SEQUENCE dep_q", "postgres"),
        ("DROP VIEW dep_v", "postgres"),
        ("DROP ROLE dep_a", "postgres"),
        ("DROP DATABASE dep_other", "postgres"),
        ("DROP ROLE dep_a", "postgres"),
        ("DROP ROLE dep_b", "postgres"),
        ("DROP ROLE dep_m", "postgres"),
    ];
    let run = |socket: &std::path::Path, port: u16| -> Vec<String> {
        let mut out = Vec::new();
        let mut clients: std::collections::HashMap<&str, postgres::Client> = Default::default();
        for (sql, db) in script {
            clients.entry(db).or_insert_with(|| {
                postgres::Config::new()
                    .host_path(socket)
                    .port(port)
                    .user("postgres")
                    .dbname(db)
                    .connect(postgres::NoTls)
                    .unwrap_or_else(|e| panic!("connect to {db}: {e}"))
            });
            // DROP DATABASE needs the other database's sessions gone.
            if sql.starts_with("DROP DATABASE") {
                clients.remove("dep_other");
                std::thread::sleep(Duration::from_millis(200));
            }
            let c = match clients.get_mut(db) {
                Some(c) => c,
                None => continue,
            };
            let r = match c.simple_query(sql) {
                Ok(rows) => rows
                    .iter()
                    .filter_map(|m| match m {
                        postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_owned),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(","),
                Err(e) => match e.as_db_error() {
                    Some(d) => format!(
                        "{} {} / {}",
                        d.code().code(),
                        d.message(),
                        d.detail().unwrap_or("")
                    ),
                    None => format!("{e}"),
                },
            };
            out.push(format!("[{db}] {sql} → {r}"));
        }
        out
    };
    let want = run(pg.socket_dir(), pg.port());
    let got = run(&minipg.socket_dir(), minipg.port);
    let diffs: Vec<String> = want
        .iter()
        .zip(&got)
        .filter(|(w, g)| w != g)
        .map(|(w, g)| format!("PostgreSQL 15: {w}\nminipg:        {g}"))
        .collect();
    assert!(diffs.is_empty(), "{}", diffs.join("\n\n"));
    // The check ran: the first refusal names every kind of object.
    assert!(
        want.iter().any(|l| l.contains("owner of view dep_v")),
        "{want:#?}"
    );
    // The dropped objects' owner rows went with them (CASCADE's too).
    let mut minipg = minipg;
    minipg.stop_with(libc::SIGINT);
    let db = rusqlite::Connection::open(spi::database_path(&minipg.data_dir(), "postgres"))
        .expect("open the database file");
    let left: i64 = db
        .query_row(
            "SELECT count(*) FROM minipg_owner WHERE objoid NOT IN (SELECT oid FROM \
             minipg_class) AND objoid NOT IN (SELECT oid FROM minipg_namespace)",
            [],
            |r| r.get(0),
        )
        .expect("minipg_owner");
    assert_eq!(left, 0, "owner rows of dropped objects stayed");
}

/// ALTER INDEX … OWNER TO: psql shows the same WARNING and HINT from PostgreSQL 15 and from
/// minipg (an index is its table's; nothing changes).
#[test]
fn alter_index_owner_warns_with_postgresql_15s_hint() {
    use tests::harness::{psql_binary, require_tool};
    use tests::pg15::{self, PgCluster};
    if !pg15::require("alter_index_owner_warns_with_postgresql_15s_hint") {
        return;
    }
    let Some(psql) = require_tool(
        "alter_index_owner_warns_with_postgresql_15s_hint",
        "psql",
        psql_binary,
    ) else {
        return;
    };
    let pg_port = 30_000 + (std::process::id() % 20_000) as u16;
    let pg = PgCluster::start(pg_port, pg15::TEST_OPTIONS)
        .unwrap_or_else(|e| panic!("cannot start PostgreSQL 15: {e}"));
    let minipg = Server::start(&["-c", "shared_preload_libraries="]);
    let run = |socket: &std::path::Path, port: u16| {
        let out = std::process::Command::new(&psql)
            .arg("-X")
            .arg("-h")
            .arg(socket)
            .args(["-p", &port.to_string(), "-U", "postgres", "-d", "postgres"])
            .env_remove("PGOPTIONS")
            .env_remove("PSQLRC")
            .args([
                "-c",
                "CREATE ROLE ix_owner",
                "-c",
                "CREATE TABLE ix_t (a int)",
                "-c",
                "CREATE INDEX ix_a ON ix_t (a)",
                "-c",
                "ALTER INDEX ix_a OWNER TO ix_owner",
                "-c",
                "DROP ROLE ix_owner",
            ])
            .output()
            .expect("run psql");
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let want = run(pg.socket_dir(), pg.port());
    let got = run(&minipg.socket_dir(), minipg.port);
    assert!(want.1.contains("HINT:"), "{want:?}");
    assert_eq!(got, want);
}

/// DROP OWNED does not drop objects: while the role owns one in this database the statement
/// fails 0A000, naming it, and revokes nothing; after REASSIGN OWNED the usual clean-up runs
/// (`REASSIGN OWNED BY r TO …; DROP OWNED BY r; DROP ROLE r`). Privileges in other databases
/// are the business of a DROP OWNED run there, as in PostgreSQL.
#[test]
fn drop_owned_revokes_and_refuses_to_drop_owned_objects() {
    let s = Server::start(&["-c", "shared_preload_libraries="]);
    let mut c = s.connect();
    c.batch_execute(
        "CREATE ROLE own_a; CREATE TABLE own_t (a int); ALTER TABLE own_t OWNER TO own_a; \
         CREATE TABLE own_g (a int); GRANT SELECT ON own_g TO own_a",
    )
    .expect("set up");
    let (code, message) = err(c.batch_execute("DROP OWNED BY own_a"));
    assert_eq!(code, "0A000", "{message}");
    assert!(message.contains("table own_t"), "{message}");
    assert_eq!(
        one(
            &mut c,
            "SELECT relacl::text FROM pg_class WHERE relname = 'own_g'"
        ),
        "{postgres=arwdDxt/postgres,own_a=r/postgres}",
        "nothing revoked"
    );
    c.batch_execute("REASSIGN OWNED BY own_a TO postgres; DROP OWNED BY own_a; DROP ROLE own_a")
        .expect("the clean-up idiom");
    assert_eq!(
        one(
            &mut c,
            "SELECT relacl::text FROM pg_class WHERE relname = 'own_g'"
        ),
        "{postgres=arwdDxt/postgres}"
    );
    assert_eq!(
        one(
            &mut c,
            "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'own_t'"
        ),
        "postgres"
    );
}
