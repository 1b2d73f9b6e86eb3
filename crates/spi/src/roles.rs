//! The data directory's roles: one global catalog, `global/roles.sqlite`, shared by every
//! database (PostgreSQL's `pg_authid` and `pg_auth_members`), and the session's identity
//! (session user, current user after SET ROLE) that privilege checks read.
//!
//! The file holds `authid` (one row per role: PostgreSQL's `pg_authid` columns, the password
//! as a SCRAM-SHA-256 verifier in PostgreSQL's format or an `md5…` hash) and `auth_members`
//! (membership with the admin option). It is created by `postmaster init` (or the first
//! session of a data directory made before roles existed) with the bootstrap superuser as
//! OID 10 and PostgreSQL's predefined roles; roles created later get OIDs from 16384 up.
//!
//! It also holds `database_acl` (a database's owner and `datacl`, see `privileges`), made the
//! first time a database gets a GRANT.
//!
//! Each process opens the file once, on first use after fork ([`set_data_dir`] says where),
//! in WAL mode.
//!
//! Transactions ([`global_statement`]): a statement that changes the file (role DDL, GRANT
//! role, GRANT … ON DATABASE) runs in a transaction on this connection (`BEGIN IMMEDIATE`,
//! so it holds the file's write lock). Outside a session transaction block that transaction
//! ends with the statement (COMMIT on success, ROLLBACK on error). Inside a block it is
//! opened at the block's first such statement and stays open until the block ends: the
//! session's savepoints open at that moment are mirrored as SQLite savepoints `s0…s{n-1}`,
//! and later SAVEPOINT / RELEASE / ROLLBACK TO of the session are mirrored too, so ROLLBACK
//! (TO SAVEPOINT) undoes the role changes made after it; the block's COMMIT commits this
//! file first ([`commit_global`]), then the database's file. Other sessions see the changes
//! (and new logins find the roles) only after that commit; this session's own reads go
//! through the same connection and see them at once.
//! Crash window: between this file's COMMIT and the database file's, a crash (or a failed
//! database COMMIT) leaves the role changes committed and the database's changes of the same
//! block rolled back — never the reverse, so no database ACL names a role the file lacks.
//!
//! Invariant: role names are unique; OID 10 always exists and is a superuser.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};
use sql::auth::{AuthStmt, ObjectKind, RoleKind, RoleOption, RoleSpec};

use crate::error::{SpiError, sqlstate};
use crate::result::Notice;

/// The directory and file of the global catalog under the data directory.
pub const GLOBAL_DIR: &str = "global";
const GLOBAL_FILE: &str = "roles.sqlite";
/// The bootstrap superuser's OID (PostgreSQL's).
pub const BOOTSTRAP_OID: u32 = 10;
/// The first OID of a role CREATE ROLE makes.
const FIRST_ROLE_OID: u32 = 16_384;

/// PostgreSQL 15's predefined roles (none can log in).
const PREDEFINED: &[(u32, &str)] = &[
    (6171, "pg_database_owner"),
    (6181, "pg_read_all_data"),
    (6182, "pg_write_all_data"),
    (3373, "pg_monitor"),
    (3374, "pg_read_all_settings"),
    (3375, "pg_read_all_stats"),
    (3377, "pg_stat_scan_tables"),
    (4569, "pg_read_server_files"),
    (4570, "pg_write_server_files"),
    (4571, "pg_execute_server_program"),
    (4200, "pg_signal_backend"),
    (4544, "pg_checkpoint"),
];

/// The OID of predefined role `name` (one of [`PREDEFINED`]'s names).
pub(crate) fn predefined(name: &str) -> u32 {
    PREDEFINED
        .iter()
        .find(|(_, n)| *n == name)
        .map_or(0, |(oid, _)| *oid)
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS authid (
        oid INTEGER PRIMARY KEY, rolname TEXT NOT NULL UNIQUE, rolsuper INT NOT NULL,
        rolinherit INT NOT NULL, rolcreaterole INT NOT NULL, rolcreatedb INT NOT NULL,
        rolcanlogin INT NOT NULL, rolreplication INT NOT NULL, rolbypassrls INT NOT NULL,
        rolconnlimit INT NOT NULL, rolpassword TEXT, rolvaliduntil TEXT);
    CREATE TABLE IF NOT EXISTS auth_members (
        roleid INT NOT NULL, member INT NOT NULL, grantor INT NOT NULL,
        admin_option INT NOT NULL, PRIMARY KEY (roleid, member));";

/// The next role OID to hand out (created on the first CREATE ROLE of a catalog made before
/// it existed).
const OID_COUNTER: &str = "CREATE TABLE IF NOT EXISTS role_oid_counter (next INTEGER NOT NULL)";

/// The global catalog's path.
pub fn global_path(data_dir: &Path) -> PathBuf {
    data_dir.join(GLOBAL_DIR).join(GLOBAL_FILE)
}

/// Creates the global catalog with bootstrap superuser `bootstrap` (password `password`, if
/// any, stored as a verifier) unless it exists. Returns whether it created it.
pub fn init_roles(
    data_dir: &Path,
    bootstrap: &str,
    password: Option<&str>,
) -> Result<bool, SpiError> {
    let path = global_path(data_dir);
    if path.is_file() {
        return Ok(false);
    }
    validate_role_name(bootstrap)?;
    let dir = data_dir.join(GLOBAL_DIR);
    {
        use std::os::unix::fs::DirBuilderExt;
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(SpiError::new(
                    sqlstate::IO_ERROR,
                    format!("could not create directory \"{}\": {e}", dir.display()),
                ));
            }
        }
    }
    // Built under a temporary name and renamed: the file exists complete or not at all.
    let tmp = dir.join(format!(".creating-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    {
        let mut conn = Connection::open(&tmp).map_err(sqlite)?;
        let conn = conn.transaction().map_err(sqlite)?;
        conn.execute_batch(SCHEMA).map_err(sqlite)?;
        let verifier = password.map(|p| encrypt_password(bootstrap, p, false));
        conn.execute(
            "INSERT INTO authid VALUES (?1, ?2, 1, 1, 1, 1, 1, 1, 1, -1, ?3, NULL)",
            params![BOOTSTRAP_OID, bootstrap, verifier],
        )
        .map_err(sqlite)?;
        for (oid, name) in PREDEFINED {
            conn.execute(
                "INSERT INTO authid VALUES (?1, ?2, 0, 1, 0, 0, 0, 0, 0, -1, NULL, NULL)",
                params![oid, name],
            )
            .map_err(sqlite)?;
        }
        // pg_monitor's members, as PostgreSQL sets them up.
        for member in [3374, 3375, 3377] {
            conn.execute(
                "INSERT INTO auth_members VALUES (3373, ?1, 10, 0)",
                params![member],
            )
            .map_err(sqlite)?;
        }
        conn.commit().map_err(sqlite)?;
    }
    {
        let conn = Connection::open(&tmp).map_err(sqlite)?;
        conn.execute_batch("PRAGMA journal_mode = WAL")
            .map_err(sqlite)?;
    }
    std::fs::rename(&tmp, &path)?;
    Ok(true)
}

/// Adds a login role directly to the global catalog of `data_dir` (creating the catalog with
/// the bootstrap superuser `postgres` when missing): for tools and tests that set up a data
/// directory without a session. An existing role is left as it is.
pub fn add_login_role(data_dir: &Path, name: &str, superuser: bool) -> Result<(), SpiError> {
    init_roles(data_dir, sql::func::catalog::BOOTSTRAP_SUPERUSER_NAME, None)?;
    validate_role_name(name)?;
    let conn = Connection::open(global_path(data_dir)).map_err(sqlite)?;
    let _ = conn.busy_timeout(Duration::from_secs(5));
    conn.execute(
        "INSERT OR IGNORE INTO authid SELECT max(?1, coalesce(max(oid), 0) + 1), ?2, ?3, 1, \
         ?3, ?3, 1, ?3, ?3, -1, NULL, NULL FROM authid WHERE oid >= ?1",
        params![FIRST_ROLE_OID, name, superuser],
    )
    .map_err(sqlite)?;
    Ok(())
}

fn sqlite(e: rusqlite::Error) -> SpiError {
    if let rusqlite::Error::SqliteFailure(f, _) = &e
        && matches!(
            f.code,
            rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
        )
    {
        // As for a database's write lock: a pending interrupt is what ended the wait.
        if let Err(e) = crate::interrupt::check() {
            crate::interrupt::consume_cancel();
            return e;
        }
        return SpiError::new(
            sqlstate::LOCK_NOT_AVAILABLE,
            "could not obtain lock on the role catalog",
        )
        .with_detail("Another session's role change holds it longer than busy_timeout.");
    }
    SpiError::new(
        sqlstate::IO_ERROR,
        format!("could not use the role catalog: {e}"),
    )
}

fn validate_role_name(name: &str) -> Result<(), SpiError> {
    if name.is_empty() || name.len() > 63 || name.contains('\0') {
        return Err(SpiError::new(
            sqlstate::INVALID_NAME,
            format!("invalid role name \"{}\"", name.escape_default()),
        ));
    }
    Ok(())
}

// ---- the process's connection and the session's identity ----

/// Who the session is: the login role and the role privileges are checked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub session_oid: u32,
    pub session_name: String,
    pub session_superuser: bool,
    pub current_oid: u32,
    pub current_name: String,
    pub current_superuser: bool,
}

impl Identity {
    /// The bootstrap superuser (workers, tests without a role catalog).
    fn bootstrap(name: &str) -> Identity {
        Identity {
            session_oid: BOOTSTRAP_OID,
            session_name: name.to_string(),
            session_superuser: true,
            current_oid: BOOTSTRAP_OID,
            current_name: name.to_string(),
            current_superuser: true,
        }
    }
}

thread_local! {
    static DATA_DIR: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
    static CONN: RefCell<Option<(PathBuf, Connection)>> = const { RefCell::new(None) };
    static IDENTITY: RefCell<Option<Identity>> = const { RefCell::new(None) };
    /// The database this process's session is connected to.
    static DATABASE: RefCell<Option<String>> = const { RefCell::new(None) };
}

thread_local! {
    /// When [`refresh_flags`] last read the catalog.
    static FLAGS_READ: std::cell::Cell<Option<std::time::Instant>> =
        const { std::cell::Cell::new(None) };
}

/// How long a session may act on superuser flags it read before: another session's `ALTER
/// ROLE … [NO]SUPERUSER` reaches it within this (PostgreSQL reads the flag at each check).
pub const FLAGS_MAX_AGE: Duration = Duration::from_secs(1);

/// Re-reads the superuser flags of the session's and current roles from the catalog when
/// they are older than [`FLAGS_MAX_AGE`]; called before each statement (one clock read when
/// they are fresh). A role that no longer exists is no superuser.
pub(crate) fn refresh_flags() {
    let now = std::time::Instant::now();
    if FLAGS_READ
        .with(|c| c.get())
        .is_some_and(|t| now.duration_since(t) < FLAGS_MAX_AGE)
    {
        return;
    }
    FLAGS_READ.with(|c| c.set(Some(now)));
    let Some(mut id) = IDENTITY.with(|i| i.borrow().clone()) else {
        return;
    };
    if !data_dir().is_some_and(|d| global_path(&d).is_file()) {
        return;
    }
    let (Ok(session), Ok(current)) = (role_by_oid(id.session_oid), role_by_oid(id.current_oid))
    else {
        return;
    };
    id.session_superuser = session.is_some_and(|r| r.superuser);
    id.current_superuser = current.is_some_and(|r| r.superuser);
    set_identity(id);
}

/// The data directory [`set_data_dir`] set.
pub(crate) fn data_dir() -> Option<PathBuf> {
    DATA_DIR.with(|d| d.borrow().clone())
}

/// The database the session is connected to (`None` before a session began).
pub(crate) fn current_database() -> Option<String> {
    DATABASE.with(|d| d.borrow().clone())
}

/// Says where this process's data directory is (the global catalog is opened on first use).
pub fn set_data_dir(data_dir: &Path) {
    DATA_DIR.with(|d| *d.borrow_mut() = Some(data_dir.to_path_buf()));
    static DIRECTORY: std::sync::Once = std::sync::Once::new();
    DIRECTORY.call_once(|| sql::func::catalog::set_role_directory(Box::new(Directory)));
}

/// Runs `f` on the global catalog's connection; `None` when no data directory is set or the
/// file does not exist.
fn with_conn<T>(f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Option<rusqlite::Result<T>> {
    let dir = DATA_DIR.with(|d| d.borrow().clone())?;
    CONN.with(|c| {
        let mut c = c.borrow_mut();
        if c.as_ref().is_none_or(|(p, _)| *p != dir) {
            let path = global_path(&dir);
            if !path.is_file() {
                return None;
            }
            let mut conn = match Connection::open(&path) {
                Ok(conn) => conn,
                Err(e) => return Some(Err(e)),
            };
            let timeout = crate::OpenOptions::default().busy_timeout;
            let timeout = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(
                u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX),
            ));
            if let Err(e) = crate::connection::wait_when_busy(&mut conn, timeout) {
                return Some(Err(e));
            }
            *c = Some((dir.clone(), conn));
        }
        c.as_ref().map(|(_, conn)| f(conn))
    })
}

/// Like [`with_conn`], an error when the catalog is missing.
fn global<T>(f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T, SpiError> {
    match with_conn(f) {
        Some(r) => r.map_err(sqlite),
        None => Err(SpiError::new(
            sqlstate::INTERNAL_ERROR,
            "the role catalog is not available",
        )),
    }
}

/// The session's identity (the bootstrap superuser `postgres` before any login).
pub fn identity() -> Identity {
    IDENTITY
        .with(|i| i.borrow().clone())
        .unwrap_or_else(|| Identity::bootstrap(sql::func::catalog::BOOTSTRAP_SUPERUSER_NAME))
}

fn set_identity(i: Identity) {
    IDENTITY.with(|c| *c.borrow_mut() = Some(i));
}

/// A role's row.
#[derive(Clone, Debug)]
pub struct RoleRow {
    pub oid: u32,
    pub name: String,
    pub superuser: bool,
    pub inherit: bool,
    pub createrole: bool,
    pub createdb: bool,
    pub can_login: bool,
    pub connlimit: i64,
    pub password: Option<String>,
    /// `timestamptz`'s stored form (microseconds since 2000-01-01 UTC).
    pub valid_until: Option<i64>,
}

const ROW_COLUMNS: &str = "oid, rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, \
                           rolcanlogin, rolconnlimit, rolpassword, rolvaliduntil";

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RoleRow> {
    Ok(RoleRow {
        oid: r.get(0)?,
        name: r.get(1)?,
        superuser: r.get(2)?,
        inherit: r.get(3)?,
        createrole: r.get(4)?,
        createdb: r.get(5)?,
        can_login: r.get(6)?,
        connlimit: r.get(7)?,
        password: r.get(8)?,
        valid_until: r.get(9)?,
    })
}

/// Role `name`, if the catalog has it (`Ok(None)` also when there is no catalog).
pub fn role_by_name(name: &str) -> Result<Option<RoleRow>, SpiError> {
    match with_conn(|c| {
        c.prepare_cached(&format!(
            "SELECT {ROW_COLUMNS} FROM authid WHERE rolname = ?1"
        ))?
        .query_row([name], read_row)
        .optional()
    }) {
        Some(r) => r.map_err(sqlite),
        None => Ok(None),
    }
}

fn role_by_oid(oid: u32) -> Result<Option<RoleRow>, SpiError> {
    match with_conn(|c| {
        c.prepare_cached(&format!("SELECT {ROW_COLUMNS} FROM authid WHERE oid = ?1"))?
            .query_row([oid], read_row)
            .optional()
    }) {
        Some(r) => r.map_err(sqlite),
        None => Ok(None),
    }
}

/// The roles `oid` is a member of, directly or not (with itself first): PostgreSQL's
/// `is_member_of_role` (SET ROLE, `pg_has_role(…, 'MEMBER')`, `+group` in hba lines).
pub fn member_of(oid: u32) -> Vec<u32> {
    closure(
        oid,
        "WITH RECURSIVE m(r) AS (SELECT ?1 UNION SELECT a.roleid FROM auth_members a \
         JOIN m ON a.member = m.r) SELECT r FROM m",
    )
}

/// The roles whose privileges `oid` has (with itself first): membership followed only
/// through roles with INHERIT — a NOINHERIT role has its own privileges alone, as
/// PostgreSQL 15's `has_privs_of_role`.
pub fn privs_of(oid: u32) -> Vec<u32> {
    closure(
        oid,
        "WITH RECURSIVE m(r) AS (SELECT ?1 UNION SELECT a.roleid FROM auth_members a \
         JOIN m ON a.member = m.r JOIN authid x ON x.oid = m.r WHERE x.rolinherit) \
         SELECT r FROM m",
    )
}

fn closure(oid: u32, query: &str) -> Vec<u32> {
    let found = with_conn(|c| {
        // A role that is a member of none (most) is answered without the recursive query,
        // whose UNION costs SQLite a temporary b-tree: the largest part of a login's CPU.
        let member: bool = c
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM auth_members WHERE member = ?1)")?
            .query_row([oid], |r| r.get(0))?;
        if !member {
            return Ok(vec![oid]);
        }
        let mut stmt = c.prepare_cached(query)?;
        let rows = stmt.query_map([oid], |r| r.get::<_, u32>(0))?;
        rows.collect::<rusqlite::Result<Vec<u32>>>()
    });
    match found {
        Some(Ok(v)) => v,
        _ => vec![oid],
    }
}

/// Is the current role a superuser? (Cheap: no copy of the identity.)
pub fn current_is_superuser() -> bool {
    IDENTITY.with(|i| i.borrow().as_ref().is_none_or(|i| i.current_superuser))
}

/// Does the current role have the privileges of role `oid` (superuser, itself or a member)?
pub fn has_privs_of(oid: u32) -> bool {
    let id = identity();
    id.current_superuser || id.current_oid == oid || privs_of(id.current_oid).contains(&oid)
}

/// Does `member` (or a role it is a member of) hold the admin option on role `role`?
pub(crate) fn admin_of(member: u32, role: u32) -> bool {
    let mine = member_of(member);
    let admins: Vec<u32> = with_conn(|c| {
        let mut stmt =
            c.prepare_cached("SELECT member FROM auth_members WHERE roleid = ?1 AND admin_option")?;
        let rows = stmt.query_map([role], |r| r.get::<_, u32>(0))?;
        rows.collect::<rusqlite::Result<Vec<u32>>>()
    })
    .and_then(Result::ok)
    .unwrap_or_default();
    admins.iter().any(|a| mine.contains(a))
}

/// Role `oid`'s row (`None` when it does not exist).
pub fn role_row(oid: u32) -> Result<Option<RoleRow>, SpiError> {
    role_by_oid(oid)
}

/// Sets up the session of login role `user` on `database` (a session made before the role
/// catalog existed is the bootstrap superuser's). FATAL 28000 when the role does not exist,
/// FATAL 42501 when it lacks CONNECT on the database.
pub(crate) fn begin_session(data_dir: &Path, database: &str, user: &str) -> Result<(), SpiError> {
    set_data_dir(data_dir);
    DATABASE.with(|d| *d.borrow_mut() = Some(database.to_string()));
    if !global_path(data_dir).is_file() {
        // A data directory from before roles: make its catalog, the bootstrap superuser
        // named `postgres` (what minipg's sessions were before).
        init_roles(data_dir, sql::func::catalog::BOOTSTRAP_SUPERUSER_NAME, None)?;
    }
    let Some(role) = role_by_name(user)? else {
        return Err(SpiError::fatal(
            sqlstate::INVALID_AUTHORIZATION_SPECIFICATION,
            format!("role \"{user}\" does not exist"),
        ));
    };
    // The superuser flags are as fresh as this read (see `refresh_flags`).
    FLAGS_READ.with(|c| c.set(Some(std::time::Instant::now())));
    set_identity(Identity {
        session_oid: role.oid,
        session_name: role.name.clone(),
        session_superuser: role.superuser,
        current_oid: role.oid,
        current_name: role.name,
        current_superuser: role.superuser,
    });
    if !role.superuser
        && !crate::privileges::database_privilege(database, role.oid, sql::auth::privilege::CONNECT)
    {
        return Err(SpiError::fatal(
            sqlstate::INSUFFICIENT_PRIVILEGE,
            format!("permission denied for database \"{database}\""),
        )
        .with_detail("User does not have CONNECT privilege."));
    }
    Ok(())
}

/// The sql crate's view of role names, from the global catalog.
struct Directory;

impl sql::func::catalog::RoleDirectory for Directory {
    fn name(&self, oid: u32) -> Option<String> {
        match role_by_oid(oid) {
            Ok(Some(r)) => Some(r.name),
            Ok(None) => None,
            Err(_) => (oid == BOOTSTRAP_OID).then(|| identity().session_name),
        }
    }

    fn oid(&self, name: &str) -> Option<u32> {
        role_by_name(name).ok().flatten().map(|r| r.oid)
    }
}

// ---- passwords ----

/// PostgreSQL's `md5` hash: `md5` and the hex MD5 of the password followed by the role name.
pub fn md5_password(role: &str, password: &str) -> String {
    use md5::Digest;
    let mut h = md5::Md5::new();
    h.update(password.as_bytes());
    h.update(role.as_bytes());
    let d = h.finalize();
    let mut out = String::from("md5");
    for b in d.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The SCRAM-SHA-256 iteration count PostgreSQL uses (`scram_iterations`' default).
pub const SCRAM_ITERATIONS: u32 = 4096;

fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let mut m = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key)
        .expect("HMAC takes a key of any length");
    m.update(data);
    m.finalize().into_bytes().into()
}

/// SCRAM's `Hi()` (PBKDF2 with HMAC-SHA-256, one block).
pub fn scram_salted_password(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut first = salt.to_vec();
    first.extend_from_slice(&1u32.to_be_bytes());
    let mut u = hmac_sha256(password, &first);
    let mut out = u;
    for _ in 1..iterations {
        u = hmac_sha256(password, &u);
        for (o, x) in out.iter_mut().zip(u.iter()) {
            *o ^= x;
        }
    }
    out
}

/// A SCRAM-SHA-256 verifier in PostgreSQL's format:
/// `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (base64).
pub fn scram_verifier(password: &str, salt: &[u8], iterations: u32) -> String {
    use base64::Engine;
    use sha2::Digest;
    let b64 = base64::engine::general_purpose::STANDARD;
    // PostgreSQL prepares the password with SASLprep; an ASCII password is unchanged.
    let salted = scram_salted_password(password.as_bytes(), salt, iterations);
    let client_key = hmac_sha256(&salted, b"Client Key");
    let stored_key = sha2::Sha256::digest(client_key);
    let server_key = hmac_sha256(&salted, b"Server Key");
    format!(
        "SCRAM-SHA-256${iterations}:{}${}:{}",
        b64.encode(salt),
        b64.encode(stored_key),
        b64.encode(server_key)
    )
}

/// The stored form of `password` for role `role`: kept as given when it already is a
/// verifier or an md5 hash (as PostgreSQL does), else hashed per `password_encryption`.
pub fn encrypt_password(role: &str, password: &str, md5: bool) -> String {
    let is_md5 = password.len() == 35
        && password.starts_with("md5")
        && password[3..].bytes().all(|b| b.is_ascii_hexdigit());
    if is_md5 || password.starts_with("SCRAM-SHA-256$") {
        return password.to_string();
    }
    if md5 {
        return md5_password(role, password);
    }
    let mut salt = [0u8; 16];
    if getrandom::fill(&mut salt).is_err() {
        // No randomness: a salt from the clock and pid still differs per password.
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        salt.copy_from_slice(&(t ^ u128::from(std::process::id())).to_le_bytes());
    }
    scram_verifier(password, &salt, SCRAM_ITERATIONS)
}

fn password_encryption_md5() -> bool {
    guc::show("password_encryption").is_ok_and(|v| v.eq_ignore_ascii_case("md5"))
}

// ---- statements ----

fn insufficient(message: impl Into<String>) -> SpiError {
    SpiError::new(sqlstate::INSUFFICIENT_PRIVILEGE, message)
}

pub(crate) fn undefined_role(name: &str) -> SpiError {
    SpiError::new(
        sqlstate::UNDEFINED_OBJECT,
        format!("role \"{name}\" does not exist"),
    )
}

/// The role a [`RoleSpec`] names (`PUBLIC` is `None`).
pub(crate) fn resolve(spec: &RoleSpec) -> Result<Option<RoleRow>, SpiError> {
    let name = match spec {
        RoleSpec::Public => return Ok(None),
        RoleSpec::CurrentUser => identity().current_name,
        RoleSpec::SessionUser => identity().session_name,
        RoleSpec::Name(n) => n.clone(),
    };
    role_by_name(&name)?
        .map(Some)
        .ok_or_else(|| undefined_role(&name))
}

fn current_row() -> Result<RoleRow, SpiError> {
    let id = identity();
    role_by_oid(id.current_oid)?.ok_or_else(|| undefined_role(&id.current_name))
}

fn reserved(name: &str) -> Result<(), SpiError> {
    if name.starts_with("pg_") {
        return Err(SpiError::new(
            sqlstate::RESERVED_NAME,
            format!("role name \"{name}\" is reserved"),
        )
        .with_detail("Role names starting with \"pg_\" are reserved."));
    }
    if matches!(name, "public" | "none") {
        return Err(SpiError::new(
            sqlstate::RESERVED_NAME,
            format!("role name \"{name}\" is reserved"),
        ));
    }
    Ok(())
}

/// What still refers to a role: DETAIL lines, empty when nothing (see
/// `privileges::role_dependents`).
pub(crate) type Dependents<'a> = &'a dyn Fn(u32) -> Result<Vec<String>, SpiError>;

/// CREATE/ALTER/DROP ROLE, GRANT/REVOKE membership, SET ROLE, SET SESSION AUTHORIZATION.
/// Returns `None` for the statements that are not about roles themselves. DROP ROLE refuses
/// a role that `dependents` finds referred to.
pub(crate) fn execute(stmt: &AuthStmt, dependents: Dependents<'_>) -> Option<Result<(), SpiError>> {
    Some(match stmt {
        AuthStmt::CreateRole {
            name,
            kind,
            options,
        } => create_role(name, *kind, options),
        AuthStmt::AlterRole { role, options } => alter_role(role, options),
        AuthStmt::RenameRole { old, new } => rename_role(old, new),
        AuthStmt::DropRole { names, if_exists } => drop_roles(names, *if_exists, dependents),
        AuthStmt::GrantRole {
            grant,
            roles,
            grantees,
            admin_option,
        } => grant_role(*grant, roles, grantees, *admin_option),
        AuthStmt::SetRole { role, .. } => set_role(role.as_deref()),
        AuthStmt::SetSessionAuthorization { role, .. } => {
            set_session_authorization(role.as_deref())
        }
        _ => return None,
    })
}

// Notices a role or privilege statement produced (DROP ROLE IF EXISTS of nothing, GRANT
// without grant options).
thread_local! {
    static NOTICES: RefCell<Vec<Notice>> = const { RefCell::new(Vec::new()) };
}

/// Adds a notice for the running statement.
pub(crate) fn push_notice(n: Notice) {
    NOTICES.with(|v| v.borrow_mut().push(n));
}

fn notice(message: String) {
    push_notice(Notice::notice(sqlstate::SUCCESSFUL_COMPLETION, message));
}

/// The notices the last statement left.
pub(crate) fn take_notices() -> Vec<Notice> {
    NOTICES.with(|n| std::mem::take(&mut *n.borrow_mut()))
}

/// The session ended: no transaction on the global catalog, and the identity, database and
/// notices as before any login (see `crate::end_session`).
pub(crate) fn end_session() {
    rollback_global();
    // A rollback that failed would leave the transaction to the next login's reads: the
    // connection goes instead (the next use opens it again).
    CONN.with(|c| {
        let mut c = c.borrow_mut();
        if c.as_ref().is_some_and(|(_, conn)| !conn.is_autocommit()) {
            c.take();
        }
    });
    BLOCK_IDENTITY.with(|b| b.borrow_mut().take());
    IDENTITY.with(|i| i.borrow_mut().take());
    DATABASE.with(|d| d.borrow_mut().take());
    FLAGS_READ.with(|f| f.set(None));
    take_notices();
}

// ---- transactions on the global catalog (see the module doc) ----

thread_local! {
    /// `Some(n)`: a transaction is open on the global catalog with savepoints `s0…s{n-1}`.
    static GLOBAL_TX: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
    /// The identity before the open block's first SET ROLE, and whether it used SET LOCAL.
    static BLOCK_IDENTITY: RefCell<Option<(Identity, bool)>> = const { RefCell::new(None) };
}

/// What ROLLBACK TO a savepoint restores of SET ROLE / SET SESSION AUTHORIZATION: the
/// identity when the savepoint was made, and the block's record of the one before it.
#[derive(Debug, Clone)]
pub(crate) struct IdentityMark {
    identity: Option<Identity>,
    block: Option<(Identity, bool)>,
}

/// The identity state a savepoint made now returns to.
pub(crate) fn identity_mark() -> IdentityMark {
    IdentityMark {
        identity: IDENTITY.with(|i| i.borrow().clone()),
        block: BLOCK_IDENTITY.with(|b| b.borrow().clone()),
    }
}

/// ROLLBACK TO the savepoint `mark` was taken at.
pub(crate) fn rollback_identity_to(mark: &IdentityMark) {
    IDENTITY.with(|i| *i.borrow_mut() = mark.identity.clone());
    BLOCK_IDENTITY.with(|b| *b.borrow_mut() = mark.block.clone());
}

/// The block ended: its SET ROLE is undone by a rollback, its SET LOCAL ROLE by either end.
/// Called once the block's outcome is known: after its database commit succeeded, or by
/// [`rollback_global`].
pub(crate) fn end_block_identity(committed: bool) {
    if let Some((before, local)) = BLOCK_IDENTITY.with(|b| b.borrow_mut().take())
        && (!committed || local)
    {
        set_identity(before);
    }
}

/// Does `stmt` change the global catalog?
fn writes_global(stmt: &AuthStmt) -> bool {
    match stmt {
        AuthStmt::CreateRole { .. }
        | AuthStmt::AlterRole { .. }
        | AuthStmt::RenameRole { .. }
        | AuthStmt::DropRole { .. }
        | AuthStmt::GrantRole { .. } => true,
        AuthStmt::Grant(g) => g.kind == ObjectKind::Database,
        AuthStmt::AlterOwner { kind, .. } => *kind == ObjectKind::Database,
        // Databases it owns are re-owned in the global catalog.
        AuthStmt::ReassignOwned { .. } => true,
        // Databases' ACLs live in the global catalog.
        AuthStmt::DropOwned { .. } => true,
        AuthStmt::SetRole { .. } | AuthStmt::SetSessionAuthorization { .. } => false,
    }
}

fn run_batch(sql_text: &str) -> Result<(), SpiError> {
    global(|c| c.execute_batch(sql_text))
}

/// Runs statement `stmt` by `f`, in a transaction on the global catalog when it changes it.
/// `block`: `None` in autocommit (the transaction ends with the statement), else the number
/// of savepoints the session's open transaction block has.
pub(crate) fn global_statement<T>(
    stmt: &AuthStmt,
    block: Option<usize>,
    f: impl FnOnce() -> Result<T, SpiError>,
) -> Result<T, SpiError> {
    if let (
        AuthStmt::SetRole { local, .. } | AuthStmt::SetSessionAuthorization { local, .. },
        Some(_),
    ) = (stmt, block)
    {
        // The identity before the block's first SET ROLE comes back at ROLLBACK (and at
        // COMMIT after SET LOCAL), as PostgreSQL's GUC undo does.
        BLOCK_IDENTITY.with(|b| {
            let mut b = b.borrow_mut();
            let saved = b.get_or_insert_with(|| (identity(), false));
            saved.1 |= *local;
        });
    }
    if !writes_global(stmt) {
        return f();
    }
    if GLOBAL_TX.with(|t| t.get()).is_none() {
        run_batch("BEGIN IMMEDIATE")?;
        let depth = block.unwrap_or(0);
        GLOBAL_TX.with(|t| t.set(Some(depth)));
        for i in 0..depth {
            run_batch(&format!("SAVEPOINT s{i}"))?;
        }
    }
    let result = f();
    if block.is_none() {
        match &result {
            Ok(_) => commit_global()?,
            Err(_) => rollback_global(),
        }
    }
    result
}

/// The session made savepoint number `index` (0-based): mirrored while a global transaction
/// is open.
pub(crate) fn savepoint_global(index: usize) -> Result<(), SpiError> {
    if GLOBAL_TX.with(|t| t.get()).is_some() {
        run_batch(&format!("SAVEPOINT s{index}"))?;
        GLOBAL_TX.with(|t| t.set(Some(index + 1)));
    }
    Ok(())
}

/// RELEASE of the session's savepoint `index` (and those after it).
pub(crate) fn release_global(index: usize) -> Result<(), SpiError> {
    if GLOBAL_TX.with(|t| t.get()).is_some_and(|n| index < n) {
        run_batch(&format!("RELEASE s{index}"))?;
        GLOBAL_TX.with(|t| t.set(Some(index)));
    }
    Ok(())
}

/// ROLLBACK TO the session's savepoint `index`: the role changes made since are undone.
pub(crate) fn rollback_to_global(index: usize) -> Result<(), SpiError> {
    if GLOBAL_TX.with(|t| t.get()).is_some_and(|n| index < n) {
        run_batch(&format!("ROLLBACK TO s{index}"))?;
        GLOBAL_TX.with(|t| t.set(Some(index + 1)));
        refresh_identity();
    }
    Ok(())
}

/// Commits the open global transaction, if any (the session's block is committing). On
/// failure the transaction is rolled back and the error returned.
pub(crate) fn commit_global() -> Result<(), SpiError> {
    if GLOBAL_TX.with(|t| t.take()).is_some()
        && let Err(e) = run_batch("COMMIT")
    {
        let _ = run_batch("ROLLBACK");
        refresh_identity();
        return Err(e);
    }
    Ok(())
}

/// Rolls back the open global transaction, if any (the session's block rolled back).
pub(crate) fn rollback_global() {
    end_block_identity(false);
    if GLOBAL_TX.with(|t| t.take()).is_some() {
        let _ = run_batch("ROLLBACK");
        refresh_identity();
    }
}

/// After a rollback: the identity's superuser flags come from the catalog again (an undone
/// ALTER ROLE … SUPERUSER of one's own role must not linger).
fn refresh_identity() {
    let Some(mut id) = IDENTITY.with(|i| i.borrow().clone()) else {
        return;
    };
    if let Ok(Some(r)) = role_by_oid(id.session_oid) {
        id.session_superuser = r.superuser;
    }
    if let Ok(Some(r)) = role_by_oid(id.current_oid) {
        id.current_superuser = r.superuser;
    }
    set_identity(id);
}

/// Runs `f` on the global catalog (for `privileges`' database ACLs).
pub(crate) fn with_global<T>(
    f: impl FnOnce(&Connection) -> rusqlite::Result<T>,
) -> Result<T, SpiError> {
    global(f)
}

/// Reads from the global catalog; `None` when it is missing (or the table read is).
pub(crate) fn read_global<T>(f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Option<T> {
    with_conn(f).and_then(Result::ok)
}

fn create_role(name: &str, kind: RoleKind, options: &[RoleOption]) -> Result<(), SpiError> {
    let me = current_row()?;
    let wants_super = options
        .iter()
        .any(|o| matches!(o, RoleOption::Superuser(true)));
    if !me.superuser {
        if !me.createrole {
            return Err(insufficient("permission denied to create role"));
        }
        if wants_super {
            return Err(insufficient("must be superuser to create superusers"));
        }
    }
    reserved(name)?;
    validate_role_name(name)?;
    if role_by_name(name)?.is_some() {
        return Err(SpiError::new(
            sqlstate::DUPLICATE_OBJECT,
            format!("role \"{name}\" already exists"),
        ));
    }
    // OIDs never go back: a dropped role's OID may still own objects or appear in ACLs of a
    // database, and must not pass to a new role. The highest OID handed out is kept.
    let oid: u32 = global(|c| {
        c.execute_batch(OID_COUNTER)?;
        let oid: u32 = c.query_row(
            "SELECT max(?1, coalesce((SELECT max(oid) + 1 FROM authid), 0), \
             coalesce((SELECT max(next) FROM role_oid_counter), 0))",
            [FIRST_ROLE_OID],
            |r| r.get(0),
        )?;
        c.execute("DELETE FROM role_oid_counter", [])?;
        c.execute("INSERT INTO role_oid_counter VALUES (?1)", [oid + 1])?;
        Ok(oid)
    })?;
    let login = kind == RoleKind::User;
    global(|c| {
        c.execute(
            "INSERT INTO authid VALUES (?1, ?2, 0, 1, 0, 0, ?3, 0, 0, -1, NULL, NULL)",
            params![oid, name, login],
        )
    })?;
    // An error leaves nothing: the statement's transaction rolls back.
    apply_options(oid, name, options, true)
}

fn apply_options(
    oid: u32,
    name: &str,
    options: &[RoleOption],
    create: bool,
) -> Result<(), SpiError> {
    let set = |col: &str, v: &dyn rusqlite::ToSql| -> Result<(), SpiError> {
        global(|c| {
            c.execute(
                &format!("UPDATE authid SET {col} = ?1 WHERE oid = ?2"),
                params![v, oid],
            )
        })?;
        Ok(())
    };
    let md5 = password_encryption_md5();
    for o in options {
        match o {
            RoleOption::Superuser(b) => set("rolsuper", b)?,
            RoleOption::CreateDb(b) => set("rolcreatedb", b)?,
            RoleOption::CreateRole(b) => set("rolcreaterole", b)?,
            RoleOption::Login(b) => set("rolcanlogin", b)?,
            RoleOption::Inherit(b) => set("rolinherit", b)?,
            RoleOption::Replication(b) => set("rolreplication", b)?,
            RoleOption::BypassRls(b) => set("rolbypassrls", b)?,
            RoleOption::ConnectionLimit(n) => {
                if *n < -1 {
                    return Err(SpiError::new(
                        sqlstate::INVALID_PARAMETER_VALUE,
                        format!("invalid connection limit: {n}"),
                    ));
                }
                set("rolconnlimit", n)?
            }
            RoleOption::Password(p) => {
                let stored = match p.as_deref() {
                    None | Some("") => None,
                    Some(p) => Some(encrypt_password(name, p, md5)),
                };
                set("rolpassword", &stored)?
            }
            RoleOption::ValidUntil(v) => {
                let stored = crate::runtime::with_env(|env| {
                    sql::types::io::input(sql::Type::TIMESTAMPTZ, env, v, -1)
                })
                .map_err(|e| SpiError::new(e.sqlstate, e.message))?;
                let micros = stored.as_int();
                set("rolvaliduntil", &micros)?
            }
            RoleOption::InRole(groups) if create => {
                for g in groups {
                    add_member(g, oid, false)?;
                }
            }
            RoleOption::Role(members) | RoleOption::Admin(members) if create => {
                let admin = matches!(o, RoleOption::Admin(_));
                for m in members {
                    let member = role_by_name(m)?.ok_or_else(|| undefined_role(m))?;
                    global(|c| {
                        c.execute(
                            "INSERT OR REPLACE INTO auth_members VALUES (?1, ?2, ?3, ?4)",
                            params![oid, member.oid, identity().current_oid, admin],
                        )
                    })?;
                }
            }
            RoleOption::Sysid => {}
            RoleOption::InRole(_) | RoleOption::Role(_) | RoleOption::Admin(_) => {
                return Err(SpiError::new(
                    sqlstate::SYNTAX_ERROR,
                    "IN ROLE, ROLE and ADMIN are options of CREATE ROLE only",
                ));
            }
        }
    }
    Ok(())
}

fn add_member(group: &str, member: u32, admin: bool) -> Result<(), SpiError> {
    let g = role_by_name(group)?.ok_or_else(|| undefined_role(group))?;
    if g.oid == member || member_of(g.oid).contains(&member) {
        let m = role_by_oid(member)?.map(|r| r.name).unwrap_or_default();
        return Err(SpiError::new(
            sqlstate::INVALID_GRANT_OPERATION,
            format!("role \"{m}\" is a member of role \"{}\"", g.name),
        ));
    }
    global(|c| {
        c.execute(
            "INSERT OR REPLACE INTO auth_members VALUES (?1, ?2, ?3, ?4)",
            params![g.oid, member, identity().current_oid, admin],
        )
    })?;
    Ok(())
}

/// May the current role change role `target` (superuser; CREATEROLE for non-superusers)?
fn check_alter(target: &RoleRow, options: &[RoleOption]) -> Result<(), SpiError> {
    let me = current_row()?;
    if me.superuser {
        return Ok(());
    }
    if target.superuser {
        return Err(insufficient(
            "must be superuser to alter superuser roles or change superuser attribute",
        ));
    }
    let only_password = options.iter().all(|o| matches!(o, RoleOption::Password(_)));
    if target.oid == me.oid && only_password {
        return Ok(());
    }
    if options
        .iter()
        .any(|o| matches!(o, RoleOption::Superuser(_)))
    {
        return Err(insufficient(
            "must be superuser to alter superuser roles or change superuser attribute",
        ));
    }
    if !me.createrole {
        return Err(insufficient("permission denied"));
    }
    Ok(())
}

fn alter_role(role: &RoleSpec, options: &[RoleOption]) -> Result<(), SpiError> {
    let Some(target) = resolve(role)? else {
        return Err(SpiError::new(
            sqlstate::SYNTAX_ERROR,
            "syntax error at or near \"PUBLIC\"",
        ));
    };
    check_alter(&target, options)?;
    if target.oid == BOOTSTRAP_OID
        && options
            .iter()
            .any(|o| matches!(o, RoleOption::Superuser(false)))
    {
        return Err(SpiError::new(
            sqlstate::FEATURE_NOT_SUPPORTED,
            "permission denied: bootstrap user must be superuser",
        ));
    }
    apply_options(target.oid, &target.name, options, false)
}

fn rename_role(old: &str, new: &str) -> Result<(), SpiError> {
    let target = role_by_name(old)?.ok_or_else(|| undefined_role(old))?;
    refuse_own_role(target.oid, sqlstate::FEATURE_NOT_SUPPORTED, "renamed", true)?;
    let me = current_row()?;
    if !me.superuser && (target.superuser || !me.createrole) {
        return Err(insufficient(if target.superuser {
            "must be superuser to rename superusers"
        } else {
            "permission denied to rename role"
        }));
    }
    reserved(new)?;
    if role_by_name(new)?.is_some() {
        return Err(SpiError::new(
            sqlstate::DUPLICATE_OBJECT,
            format!("role \"{new}\" already exists"),
        ));
    }
    global(|c| {
        c.execute(
            "UPDATE authid SET rolname = ?1 WHERE oid = ?2",
            params![new, target.oid],
        )
    })?;
    // An MD5 hash is salted with the name: PostgreSQL clears it (with a NOTICE).
    global(|c| {
        c.execute(
            "UPDATE authid SET rolpassword = NULL WHERE oid = ?1 AND rolpassword LIKE 'md5%'",
            [target.oid],
        )
    })?;
    Ok(())
}

/// `session user cannot be <verb>` / `current user cannot be <verb>` when `oid` is one of
/// them (PostgreSQL looks at the session user first for RENAME, at the current one for DROP).
fn refuse_own_role(
    oid: u32,
    code: &'static str,
    verb: &str,
    session_first: bool,
) -> Result<(), SpiError> {
    let id = identity();
    let mut order = [("session", id.session_oid), ("current", id.current_oid)];
    if !session_first {
        order.reverse();
    }
    match order.iter().find(|(_, o)| *o == oid) {
        Some((who, _)) => Err(SpiError::new(code, format!("{who} user cannot be {verb}"))),
        None => Ok(()),
    }
}

fn drop_roles(
    names: &[String],
    if_exists: bool,
    dependents: Dependents<'_>,
) -> Result<(), SpiError> {
    let me = current_row()?;
    if !me.superuser && !me.createrole {
        return Err(insufficient("permission denied to drop role"));
    }
    for name in names {
        let Some(target) = role_by_name(name)? else {
            if if_exists {
                notice(format!("role \"{name}\" does not exist, skipping"));
                continue;
            }
            return Err(undefined_role(name));
        };
        refuse_own_role(target.oid, sqlstate::OBJECT_IN_USE, "dropped", false)?;
        if target.oid < FIRST_ROLE_OID {
            return Err(SpiError::new(
                sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                format!("cannot drop role {name} because it is required by the database system"),
            ));
        }
        if target.superuser && !me.superuser {
            return Err(insufficient("must be superuser to drop superusers"));
        }
        // Objects it owns or holds privileges on (PostgreSQL's pg_shdepend check); its
        // memberships go with it.
        let refs = dependents(target.oid)?;
        if !refs.is_empty() {
            let mut e = SpiError::new(
                sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
                format!("role \"{name}\" cannot be dropped because some objects depend on it"),
            );
            e.detail = Some(refs.join("\n"));
            return Err(e);
        }
        global(|c| {
            c.execute(
                "DELETE FROM auth_members WHERE roleid = ?1 OR member = ?1",
                [target.oid],
            )?;
            c.execute("DELETE FROM authid WHERE oid = ?1", [target.oid])
        })?;
    }
    Ok(())
}

fn grant_role(
    grant: bool,
    roles: &[String],
    grantees: &[RoleSpec],
    admin_option: bool,
) -> Result<(), SpiError> {
    let me = current_row()?;
    for role in roles {
        let r = role_by_name(role)?.ok_or_else(|| undefined_role(role))?;
        let admin = me.superuser
            || (me.createrole && !r.superuser)
            || global(|c| {
                c.query_row(
                    "SELECT count(*) FROM auth_members WHERE roleid = ?1 AND member = ?2 \
                     AND admin_option",
                    params![r.oid, me.oid],
                    |row| row.get::<_, i64>(0),
                )
            })? > 0;
        if !admin {
            return Err(insufficient(format!(
                "must have admin option on role \"{role}\""
            )));
        }
        for g in grantees {
            let Some(member) = resolve(g)? else {
                return Err(SpiError::new(
                    sqlstate::RESERVED_NAME,
                    "role name \"public\" is reserved",
                ));
            };
            if grant {
                add_member(role, member.oid, admin_option)?;
            } else if admin_option {
                global(|c| {
                    c.execute(
                        "UPDATE auth_members SET admin_option = 0 WHERE roleid = ?1 AND member = ?2",
                        params![r.oid, member.oid],
                    )
                })?;
            } else {
                let n = global(|c| {
                    c.execute(
                        "DELETE FROM auth_members WHERE roleid = ?1 AND member = ?2",
                        params![r.oid, member.oid],
                    )
                })?;
                if n == 0 {
                    notice(format!(
                        "role \"{}\" is not a member of role \"{role}\"",
                        member.name
                    ));
                }
            }
        }
    }
    Ok(())
}

fn set_role(role: Option<&str>) -> Result<(), SpiError> {
    let mut id = identity();
    match role {
        None => {
            id.current_oid = id.session_oid;
            id.current_name = id.session_name.clone();
            id.current_superuser = role_by_oid(id.session_oid)?.is_some_and(|r| r.superuser);
        }
        Some(name) => {
            // PostgreSQL checks the value as a setting's: 22023.
            let r = role_by_name(name)?.ok_or_else(|| {
                SpiError::new(
                    sqlstate::INVALID_PARAMETER_VALUE,
                    format!("role \"{name}\" does not exist"),
                )
            })?;
            let session_super = role_by_oid(id.session_oid)?.is_some_and(|r| r.superuser);
            if !session_super
                && r.oid != id.session_oid
                && !member_of(id.session_oid).contains(&r.oid)
            {
                return Err(insufficient(format!(
                    "permission denied to set role \"{name}\""
                )));
            }
            id.current_oid = r.oid;
            id.current_name = r.name;
            id.current_superuser = r.superuser;
        }
    }
    set_identity(id);
    Ok(())
}

fn set_session_authorization(role: Option<&str>) -> Result<(), SpiError> {
    let id = identity();
    if !id.session_superuser {
        return Err(insufficient(
            "permission denied to set session authorization",
        ));
    }
    let mut id = id;
    let r = match role {
        None => role_by_oid(id.session_oid)?.ok_or_else(|| undefined_role(&id.session_name))?,
        Some(name) => role_by_name(name)?.ok_or_else(|| {
            SpiError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                format!("role \"{name}\" does not exist"),
            )
        })?,
    };
    // The login role stays the one allowed to switch back (PostgreSQL's
    // AuthenticatedUserIsSuperuser).
    id.session_oid = r.oid;
    id.session_name = r.name.clone();
    id.current_oid = r.oid;
    id.current_name = r.name;
    id.current_superuser = r.superuser;
    set_identity(id);
    Ok(())
}

/// Opens the role catalog (creating it, as any login does, if the data directory has none)
/// and prepares the statements a login runs, ahead of the login: a pre-forked backend calls
/// it while it waits for its client. Errors are met again, and reported, at login.
pub fn prepare_login() {
    let _ = login_role("");
    let _ = role_by_oid(0);
    let _ = member_of(0);
}

/// The login role for the wire's lookup: `None` when it does not exist.
pub fn login_role(name: &str) -> Result<Option<(RoleRow, Vec<String>)>, String> {
    if let Some(dir) = DATA_DIR.with(|d| d.borrow().clone())
        && !global_path(&dir).is_file()
    {
        init_roles(&dir, sql::func::catalog::BOOTSTRAP_SUPERUSER_NAME, None)
            .map_err(|e| e.message)?;
    }
    let row = role_by_name(name).map_err(|e| e.message)?;
    Ok(row.map(|r| {
        let groups = member_of(r.oid)
            .into_iter()
            .skip(1)
            .filter_map(|o| role_by_oid(o).ok().flatten().map(|g| g.name))
            .collect();
        (r, groups)
    }))
}

// ---- the catalog relations ----

type Cell = rusqlite::types::Value;

fn all_rows<T>(
    sql_text: &str,
    f: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> rusqlite::Result<Vec<T>> {
    match with_conn(|c| {
        let mut stmt = c.prepare(sql_text)?;
        let rows = stmt.query_map([], |r| f(r))?;
        rows.collect::<rusqlite::Result<Vec<T>>>()
    }) {
        Some(r) => r,
        None => Ok(Vec::new()),
    }
}

fn b(v: bool) -> Cell {
    Cell::Integer(i64::from(v))
}

fn opt_int(v: Option<i64>) -> Cell {
    v.map_or(Cell::Null, Cell::Integer)
}

fn roles() -> rusqlite::Result<Vec<(RoleRow, bool, bool)>> {
    all_rows(
        &format!("SELECT {ROW_COLUMNS}, rolreplication, rolbypassrls FROM authid ORDER BY oid"),
        |r| Ok((read_row(r)?, r.get(10)?, r.get(11)?)),
    )
}

/// `rolsuper`, `rolinherit`, `rolcreaterole`, `rolcreatedb`, `rolcanlogin`: in this order
/// in both `pg_roles` and `pg_authid`.
fn attribute_cells(r: &RoleRow) -> [Cell; 5] {
    [
        b(r.superuser),
        b(r.inherit),
        b(r.createrole),
        b(r.createdb),
        b(r.can_login),
    ]
}

/// `pg_roles`: every role, the password masked.
pub(crate) fn pg_roles_rows() -> rusqlite::Result<Vec<Vec<Cell>>> {
    Ok(roles()?
        .into_iter()
        .map(|(r, repl, bypass)| {
            let mut row = vec![Cell::Text(r.name.clone())];
            row.extend(attribute_cells(&r));
            row.extend([
                b(repl),
                Cell::Integer(r.connlimit),
                Cell::Text("********".into()),
                opt_int(r.valid_until),
                b(bypass),
                Cell::Null,
                Cell::Integer(i64::from(r.oid)),
            ]);
            row
        })
        .collect())
}

/// `pg_authid`: superusers only (42501 otherwise, as PostgreSQL's table permissions give).
pub(crate) fn pg_authid_rows() -> rusqlite::Result<Vec<Vec<Cell>>> {
    crate::privileges::superuser_only("table pg_authid")?;
    Ok(roles()?
        .into_iter()
        .map(|(r, repl, bypass)| {
            let mut row = vec![Cell::Integer(i64::from(r.oid)), Cell::Text(r.name.clone())];
            row.extend(attribute_cells(&r));
            row.extend([
                b(repl),
                b(bypass),
                Cell::Integer(r.connlimit),
                r.password.map_or(Cell::Null, Cell::Text),
                opt_int(r.valid_until),
            ]);
            row
        })
        .collect())
}

/// `pg_user`: the roles that can log in.
pub(crate) fn pg_user_rows() -> rusqlite::Result<Vec<Vec<Cell>>> {
    Ok(roles()?
        .into_iter()
        .filter(|(r, _, _)| r.can_login)
        .map(|(r, repl, bypass)| {
            vec![
                Cell::Text(r.name),
                Cell::Integer(i64::from(r.oid)),
                b(r.createdb),
                b(r.superuser),
                b(repl),
                b(bypass),
                Cell::Text("********".into()),
                opt_int(r.valid_until),
                Cell::Null,
            ]
        })
        .collect())
}

/// `pg_auth_members`.
pub(crate) fn pg_auth_members_rows() -> rusqlite::Result<Vec<Vec<Cell>>> {
    all_rows(
        "SELECT roleid, member, grantor, admin_option FROM auth_members ORDER BY roleid, member",
        |r| {
            Ok(vec![
                Cell::Integer(r.get(0)?),
                Cell::Integer(r.get(1)?),
                Cell::Integer(r.get(2)?),
                Cell::Integer(r.get(3)?),
            ])
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn create(name: &str, block: Option<usize>) -> Result<(), SpiError> {
        let stmt = AuthStmt::CreateRole {
            name: name.into(),
            kind: RoleKind::Role,
            options: vec![],
        };
        global_statement(&stmt, block, || {
            execute(&stmt, &|_| Ok(Vec::new())).unwrap_or(Ok(()))
        })
    }

    fn exists(name: &str) -> bool {
        role_by_name(name).ok().flatten().is_some()
    }

    #[test]
    fn role_changes_follow_the_session_transaction() {
        let dir = tempfile::tempdir().expect("dir");
        init_roles(dir.path(), "boot", None).expect("init");
        begin_session(dir.path(), "postgres", "boot").expect("session");
        // Autocommit: the statement is its transaction; an error leaves nothing.
        create("a", None).expect("create a");
        assert!(exists("a"));
        let bad = AuthStmt::CreateRole {
            name: "b".into(),
            kind: RoleKind::Role,
            options: vec![RoleOption::InRole(vec!["nosuch".into()])],
        };
        assert!(
            global_statement(&bad, None, || execute(&bad, &|_| Ok(Vec::new()))
                .unwrap_or(Ok(())))
            .is_err()
        );
        assert!(!exists("b"));
        // In a block with one savepoint open: s0 is mirrored, ROLLBACK TO it undoes c.
        create("b", Some(1)).expect("create b");
        savepoint_global(1).expect("savepoint");
        create("c", Some(2)).expect("create c");
        rollback_to_global(1).expect("rollback to");
        assert!(exists("b") && !exists("c"));
        rollback_to_global(0).expect("rollback to the first");
        assert!(!exists("b"));
        create("d", Some(1)).expect("create d");
        commit_global().expect("commit");
        assert!(exists("d"));
        // A block rolled back leaves nothing.
        create("e", Some(0)).expect("create e");
        rollback_global();
        assert!(!exists("e"));
        assert!(GLOBAL_TX.with(|t| t.get()).is_none());
        // Another session holding the catalog's write lock past busy_timeout: 55P03.
        let other = Connection::open(global_path(dir.path())).expect("open");
        other.execute_batch("BEGIN IMMEDIATE").expect("lock");
        let e = create("f", None).expect_err("locked");
        assert_eq!(
            (e.sqlstate, e.message.as_str()),
            (
                sqlstate::LOCK_NOT_AVAILABLE,
                "could not obtain lock on the role catalog"
            )
        );
        other.execute_batch("ROLLBACK").expect("unlock");
        create("f", None).expect("create f");
    }

    #[test]
    fn verifiers_match_postgresql_15() {
        // PostgreSQL 15: CREATE ROLE r PASSWORD 'pencil'; SELECT rolpassword FROM pg_authid.
        use base64::Engine;
        let pg = "SCRAM-SHA-256$4096:9MER8H/LRMebJ5LiAY/0Vw==$kx1aYhe9BPLOsBz7/drlPn0Yc1vOmGDYte/1uTulbbQ=:4Xub1jtbAY1U4rFhz7M2xQuY9Ln8Fg7p8WHFk5a8hi8=";
        let salt = base64::engine::general_purpose::STANDARD
            .decode("9MER8H/LRMebJ5LiAY/0Vw==")
            .expect("salt");
        assert_eq!(scram_verifier("pencil", &salt, 4096), pg);
        // PostgreSQL 15: SELECT 'md5' || md5('secretalice').
        assert_eq!(
            md5_password("alice", "secret"),
            "md54a0a68b43b6cd5cf266fa02f196e2371"
        );
        // A verifier or hash given as the password is stored as it is.
        assert_eq!(encrypt_password("x", pg, false), pg);
        assert!(encrypt_password("x", "pw", false).starts_with("SCRAM-SHA-256$4096:"));
        assert!(encrypt_password("x", "pw", true).starts_with("md5"));
    }
}
