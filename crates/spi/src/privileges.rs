//! Owners and privileges of relations, schemas and databases (PostgreSQL's `relowner`/
//! `relacl`, `nspowner`/`nspacl`, `datdba`/`datacl`), GRANT/REVOKE, ALTER … OWNER TO,
//! REASSIGN OWNED and DROP OWNED (its revocations; it drops no object) of them, the checks made before a statement runs, what still refers to a
//! role (DROP ROLE's check, PostgreSQL's pg_shdepend), and the answers of the privilege
//! functions (`has_table_privilege` and friends, `pg_has_role`).
//!
//! Where the rows live:
//! - relations and schemas: the database file's `minipg_owner` (created the first time an
//!   object gets an owner other than the default or a GRANT): `objoid` → `owner` and `acl`;
//!   a DROP removes the rows of what no longer exists (`forget_dropped`).
//!   Relation and schema OIDs come from one counter, so they never collide (the built-in
//!   schemas have PostgreSQL's OIDs, below the counter's start).
//! - databases: the global catalog's `database_acl` (`datname` → `owner`, `acl`), written in
//!   the global catalog's transaction (see `roles`).
//!
//! The ACL is stored as `grantee:bits:grantor:grant_bits` items separated by `;` (grantee 0
//! is PUBLIC; an item without `grant_bits` has none). An object without a row has its
//! default owner — the bootstrap superuser, or `pg_database_owner` for schema `public` — and
//! PostgreSQL 15's default ACL (`acldefault`): the owner alone for relations and schemas,
//! plus `=U` for the built-in schemas and `=Tc` (TEMPORARY, CONNECT) for databases.
//!
//! Checks (as PostgreSQL's): a superuser passes everything; the owner (or a role with the
//! owner's privileges) holds every privilege and every grant option; anyone else needs the
//! privilege granted to PUBLIC or to a role whose privileges they have (`roles::privs_of`:
//! membership through INHERIT roles). Looking up a relation in a schema needs USAGE on it,
//! creating in a schema CREATE on it, CREATE SCHEMA CREATE on the database, logging in
//! CONNECT on the database. Failures are 42501 with PostgreSQL's messages
//! (`permission denied for table t`, `permission denied for schema s`, `must be owner of …`).
//! The checks run on every execution of a plan and read the files each time (an indexed
//! point lookup per object); a superuser's cost nothing beyond one flag test.
//! Never: grants anything implicitly to a role that is not the owner.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, params};
use sql::auth::{AuthStmt, Grant, GrantTarget, ObjectKind, RoleSpec, privilege};
use sql::catalog::{RelKind, Relation};
use sql::plan::{Access, Command};

use crate::connection::SqlConn;
use crate::error::{SpiError, sqlstate};
use crate::result::Notice;
use crate::roles::{self, BOOTSTRAP_OID};

const OWNER_TABLE: &str = "CREATE TABLE IF NOT EXISTS main.minipg_owner (\
    objoid INTEGER PRIMARY KEY, owner INTEGER NOT NULL, acl TEXT)";

const DATABASE_TABLE: &str = "CREATE TABLE IF NOT EXISTS database_acl (\
    datname TEXT PRIMARY KEY, owner INTEGER NOT NULL, acl TEXT)";

/// `pg_database_owner`: owner of schema `public`; members are the database's owner.
const DATABASE_OWNER_ROLE: u32 = sql::func::catalog::DATABASE_OWNER_ROLE;
/// Schema `public`'s OID.
const PUBLIC_SCHEMA: u32 = 2200;

/// One ACL entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AclItem {
    /// 0: PUBLIC.
    grantee: u32,
    bits: u16,
    grantor: u32,
    /// The privileges held WITH GRANT OPTION (a subset of `bits`).
    grant_bits: u16,
}

fn parse_acl(text: &str) -> Vec<AclItem> {
    text.split(';')
        .filter_map(|item| {
            let mut p = item.split(':');
            Some(AclItem {
                grantee: p.next()?.parse().ok()?,
                bits: p.next()?.parse().ok()?,
                grantor: p.next()?.parse().ok()?,
                grant_bits: p.next().and_then(|g| g.parse().ok()).unwrap_or(0),
            })
        })
        .collect()
}

fn format_acl(items: &[AclItem]) -> String {
    items
        .iter()
        .map(|i| format!("{}:{}:{}:{}", i.grantee, i.bits, i.grantor, i.grant_bits))
        .collect::<Vec<_>>()
        .join(";")
}

/// An object that has an owner and an ACL.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Object {
    Relation { oid: u32, kind: RelKind },
    Schema { oid: u32 },
    Database { name: String },
}

impl Object {
    fn all_privileges(&self) -> u16 {
        match self {
            Object::Relation {
                kind: RelKind::Sequence,
                ..
            } => privilege::ALL_SEQUENCE,
            Object::Relation { .. } => privilege::ALL_TABLE,
            Object::Schema { .. } => privilege::ALL_SCHEMA,
            Object::Database { .. } => privilege::ALL_DATABASE,
        }
    }

    /// The owner of an object without a row.
    fn default_owner(&self) -> u32 {
        match self {
            Object::Schema { oid: PUBLIC_SCHEMA } => DATABASE_OWNER_ROLE,
            _ => BOOTSTRAP_OID,
        }
    }

    /// PostgreSQL 15's `acldefault` for the object with owner `owner`.
    fn default_acl(&self, owner: u32) -> Vec<AclItem> {
        let item = |grantee, bits| AclItem {
            grantee,
            bits,
            grantor: owner,
            grant_bits: 0,
        };
        let own = item(owner, self.all_privileges());
        match self {
            Object::Schema { oid } if is_builtin_schema(*oid) => {
                vec![own, item(0, privilege::USAGE)]
            }
            Object::Database { .. } => {
                vec![item(0, privilege::TEMPORARY | privilege::CONNECT), own]
            }
            _ => vec![own],
        }
    }
}

fn is_builtin_schema(oid: u32) -> bool {
    crate::catalog::BUILTIN_SCHEMAS
        .iter()
        .any(|(_, o)| i64::from(oid) == *o)
}

fn has_owner_table(conn: &Connection) -> bool {
    conn.prepare_cached(
        "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'minipg_owner'",
    )
    .and_then(|mut s| s.exists([]))
    .unwrap_or(false)
}

/// The stored owner and ACL of `obj` (`None` ACL: the default).
fn stored(conn: &Connection, obj: &Object) -> Option<(u32, Option<String>)> {
    match obj {
        Object::Relation { oid, .. } | Object::Schema { oid } => {
            if !has_owner_table(conn) {
                return None;
            }
            conn.query_row(
                "SELECT owner, acl FROM main.minipg_owner WHERE objoid = ?1",
                [oid],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .ok()
            .flatten()
        }
        Object::Database { name } => roles::read_global(|c| {
            c.query_row(
                "SELECT owner, acl FROM database_acl WHERE datname = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })
        .flatten(),
    }
}

/// The owner and ACL of `obj` (`None` ACL: the default).
fn owner_and_acl(conn: &Connection, obj: &Object) -> (u32, Option<Vec<AclItem>>) {
    match stored(conn, obj) {
        Some((owner, acl)) => (owner, acl.map(|a| parse_acl(&a))),
        None => (obj.default_owner(), None),
    }
}

/// The ACL in force: the stored one or the default.
fn acl_in_force(obj: &Object, owner: u32, acl: Option<Vec<AclItem>>) -> Vec<AclItem> {
    acl.unwrap_or_else(|| obj.default_acl(owner))
}

fn io_error(e: rusqlite::Error) -> SpiError {
    SpiError::new(sqlstate::IO_ERROR, e.to_string())
}

fn write_row(
    sql: &SqlConn,
    obj: &Object,
    owner: u32,
    acl: Option<&[AclItem]>,
) -> Result<(), SpiError> {
    let acl = acl.map(format_acl);
    match obj {
        Object::Relation { oid, .. } | Object::Schema { oid } => sql
            .trusted(|c| {
                c.execute_batch(OWNER_TABLE)?;
                c.execute(
                    "INSERT OR REPLACE INTO main.minipg_owner VALUES (?1, ?2, ?3)",
                    params![oid, owner, acl],
                )
            })
            .map_err(io_error)
            .map(drop),
        Object::Database { name } => roles::with_global(|c| {
            c.execute_batch(DATABASE_TABLE)?;
            c.execute(
                "INSERT OR REPLACE INTO database_acl VALUES (?1, ?2, ?3)",
                params![name, owner, acl],
            )
        })
        .map(drop),
    }
}

/// Records that the current role owns the new relation `oid` (nothing to record for the
/// bootstrap superuser, the default owner).
pub(crate) fn record_new_owner(sql: &SqlConn, oid: u32) -> Result<(), SpiError> {
    record_owner(sql, oid, roles::identity().current_oid)
}

/// After a CREATE SCHEMA element: the new relation is `owner`'s (the schema's owner).
pub(crate) fn after_element(
    sql: &SqlConn,
    ddl: &sql::plan::Ddl,
    owner: u32,
) -> Result<(), SpiError> {
    match ddl_target(&sql.conn, ddl) {
        Some(oid) => record_owner(sql, oid, owner),
        None => Ok(()),
    }
}

fn record_owner(sql: &SqlConn, oid: u32, me: u32) -> Result<(), SpiError> {
    if me == BOOTSTRAP_OID && !has_owner_table(&sql.conn) {
        return Ok(());
    }
    write_row(
        sql,
        &Object::Relation {
            oid,
            kind: RelKind::Table,
        },
        me,
        None,
    )
}

fn insufficient(message: String) -> SpiError {
    SpiError::new(sqlstate::INSUFFICIENT_PRIVILEGE, message)
}

// ---- who holds what ----

/// A role privileges are asked for: the current role, or another (privilege functions).
#[derive(Clone, Copy, Debug)]
enum Who {
    Current,
    Role(u32),
}

/// The privileges and grant options `who` holds on an object with `owner` and `acl`.
fn mask(who: Who, owner: u32, acl: &[AclItem]) -> (u16, u16) {
    let (oid, superuser) = match who {
        Who::Current => {
            let id = roles::identity();
            (id.current_oid, id.current_superuser)
        }
        Who::Role(oid) => (
            oid,
            roles::role_row(oid)
                .ok()
                .flatten()
                .is_some_and(|r| r.superuser),
        ),
    };
    if superuser {
        return (u16::MAX, u16::MAX);
    }
    let mine = privs_with_database_owner(oid);
    if mine.contains(&owner) {
        return (u16::MAX, u16::MAX);
    }
    acl.iter()
        .filter(|i| i.grantee == 0 || mine.contains(&i.grantee))
        .fold((0, 0), |(b, g), i| (b | i.bits, g | i.grant_bits))
}

/// `roles::privs_of`, plus `pg_database_owner` when one of the roles owns this database.
fn privs_with_database_owner(oid: u32) -> Vec<u32> {
    let mut mine = roles::privs_of(oid);
    if let Some(db) = roles::current_database()
        && let Some((owner, _)) = stored_database(&db)
        && mine.contains(&owner)
    {
        mine.push(DATABASE_OWNER_ROLE);
    }
    mine
}

fn stored_database(name: &str) -> Option<(u32, Option<String>)> {
    roles::read_global(|c| {
        c.query_row(
            "SELECT owner, acl FROM database_acl WHERE datname = ?1",
            [name],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
    })
    .flatten()
}

/// Does `who` hold `bit` on `obj` (with the grant option when `grant_option`)?
fn holds(conn: &Connection, obj: &Object, who: Who, bit: u16, grant_option: bool) -> bool {
    if matches!(who, Who::Current) && roles::current_is_superuser() {
        return true;
    }
    let (owner, acl) = owner_and_acl(conn, obj);
    let (bits, grant_bits) = mask(who, owner, &acl_in_force(obj, owner, acl));
    (if grant_option { grant_bits } else { bits }) & bit != 0
}

/// Does the current role hold `bit` on relation `oid`?
fn allowed(conn: &Connection, oid: u32, bit: u16) -> bool {
    holds(
        conn,
        &Object::Relation {
            oid,
            kind: RelKind::Table,
        },
        Who::Current,
        bit,
        false,
    )
}

/// A sequence function's check: the current role holds one of `bits` on sequence `oid`
/// (named `name` in the error), else 42501 `permission denied for sequence name`.
pub(crate) fn check_sequence(
    conn: &Connection,
    oid: u32,
    name: &str,
    bits: u16,
) -> Result<(), SpiError> {
    let seq = Object::Relation {
        oid,
        kind: RelKind::Sequence,
    };
    if holds(conn, &seq, Who::Current, bits, false) {
        return Ok(());
    }
    Err(insufficient(format!(
        "permission denied for sequence {name}"
    )))
}

/// Does role `role` hold `bit` on database `name` (login's CONNECT check)?
pub(crate) fn database_privilege(name: &str, role: u32, bit: u16) -> bool {
    let obj = Object::Database {
        name: name.to_string(),
    };
    let (owner, acl) = match stored_database(name) {
        Some((owner, acl)) => (owner, acl.map(|a| parse_acl(&a))),
        None => (BOOTSTRAP_OID, None),
    };
    mask(Who::Role(role), owner, &acl_in_force(&obj, owner, acl)).0 & bit != 0
}

// ---- schemas ----

/// The OID of schema `name`, if it exists.
fn schema_oid(conn: &Connection, name: &str) -> Option<u32> {
    crate::catalog::system::derived::namespace_oid(conn, name)
        .ok()
        .and_then(|o| u32::try_from(o).ok())
        .filter(|&o| o != 0)
}

/// `permission denied for schema s` unless the current role holds `bit` on schema `name`
/// (a schema that does not exist, or a temporary one, passes: other checks report those).
fn check_schema(conn: &Connection, name: &str, bit: u16) -> Result<(), SpiError> {
    if roles::current_is_superuser() || name.starts_with("pg_temp") {
        return Ok(());
    }
    let Some(oid) = schema_oid(conn, name) else {
        return Ok(());
    };
    if holds(conn, &Object::Schema { oid }, Who::Current, bit, false) {
        return Ok(());
    }
    Err(insufficient(format!("permission denied for schema {name}")))
}

/// The schema of relation `oid` (`None` for a system relation).
fn relation_schema(conn: &Connection, oid: u32) -> Option<String> {
    conn.prepare_cached("SELECT relnamespace FROM main.minipg_class WHERE oid = ?1")
        .and_then(|mut s| s.query_row([oid], |r| r.get(0)).optional())
        .ok()
        .flatten()
}

/// CREATE SCHEMA [AUTHORIZATION role]: the current role needs CREATE on the database
/// (`permission denied for database d`) and membership in the named owner (`must be member
/// of role "r"`). Returns the owner: that role, else the current one.
pub(crate) fn check_create_schema(database: &str, owner: &Option<String>) -> Result<u32, SpiError> {
    let id = roles::identity();
    // PostgreSQL's order: the role named, CREATE on the database, then the membership.
    let named = match owner {
        Some(name) => roles::resolve(&RoleSpec::Name(name.clone()))?,
        None => None,
    };
    if !id.current_superuser && !database_privilege(database, id.current_oid, privilege::CREATE) {
        return Err(insufficient(format!(
            "permission denied for database {database}"
        )));
    }
    match named {
        Some(r) if !id.current_superuser && !roles::member_of(id.current_oid).contains(&r.oid) => {
            Err(insufficient(format!(
                "must be member of role \"{}\"",
                r.name
            )))
        }
        Some(r) => Ok(r.oid),
        None => Ok(id.current_oid),
    }
}

/// After CREATE SCHEMA: `owner` owns it.
/// The OID of schema `name`, if it exists (read before CREATE SCHEMA, for
/// [`after_create_schema`]).
pub(crate) fn existing_schema(conn: &Connection, name: &str) -> Option<u32> {
    schema_oid(conn, name)
}

/// After CREATE SCHEMA: the new schema is `me`'s. `existed`: it was there before (IF NOT
/// EXISTS), and keeps its owner and privileges.
pub(crate) fn after_create_schema(
    sql: &SqlConn,
    name: &str,
    me: u32,
    existed: bool,
) -> Result<(), SpiError> {
    if existed {
        return Ok(());
    }
    match schema_oid(&sql.conn, name) {
        Some(oid) if me != BOOTSTRAP_OID || has_owner_table(&sql.conn) => {
            write_row(sql, &Object::Schema { oid }, me, None)
        }
        _ => Ok(()),
    }
}

/// DROP SCHEMA: `must be owner of schema s` for each existing schema the current role does
/// not own.
pub(crate) fn check_drop_schemas(conn: &Connection, names: &[String]) -> Result<(), SpiError> {
    if roles::current_is_superuser() {
        return Ok(());
    }
    for name in names {
        if let Some(oid) = schema_oid(conn, name) {
            let (owner, _) = owner_and_acl(conn, &Object::Schema { oid });
            if !roles::has_privs_of(owner) {
                return Err(insufficient(format!("must be owner of schema {name}")));
            }
        }
    }
    Ok(())
}

// ---- what refers to a role (DROP ROLE) ----

/// DROP ROLE's DETAIL names at most this many objects (PostgreSQL's `MAX_REPORTED_DEPS`).
const MAX_REPORTED_DEPENDENTS: usize = 100;

/// The objects of one database that refer to `role`, by OID: (oid, owned) — owned, or named
/// in the ACL (as grantee or grantor; an owner's own ACL entries are not counted, as
/// PostgreSQL records none for them). Only relations and schemas have rows.
fn role_objects(conn: &Connection, role: u32) -> rusqlite::Result<Vec<(u32, bool)>> {
    if !has_owner_table(conn) {
        return Ok(Vec::new());
    }
    let mut stmt =
        conn.prepare("SELECT objoid, owner, acl FROM main.minipg_owner ORDER BY objoid")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, u32>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (oid, owner, acl) = row?;
        // A row a DROP left (before `forget_dropped`, or when it failed) names nothing.
        if !object_exists(conn, oid)? {
            continue;
        }
        if owner == role {
            out.push((oid, true));
        } else if acl.is_some_and(|a| acl_names(&a, role)) {
            out.push((oid, false));
        }
    }
    Ok(out)
}

/// Does stored ACL `acl` name `role`, as grantee or as grantor?
fn acl_names(acl: &str, role: u32) -> bool {
    parse_acl(acl)
        .iter()
        .any(|i| i.grantee == role || i.grantor == role)
}

/// "table t", "view s.v", "schema s": object `oid` of this database as PostgreSQL's
/// `getObjectDescription` names it (a relation qualified when the search path would not find
/// it).
fn describe_object(conn: &Connection, user: &str, oid: u32) -> rusqlite::Result<String> {
    use crate::catalog::system::functions::{regclass_out, schema_name};
    if let Some(schema) = schema_name(conn, i64::from(oid))? {
        return Ok(format!(
            "schema {}",
            crate::quote::quote_identifier(&schema)
        ));
    }
    let noun = relation_kind(conn, oid).noun();
    Ok(match regclass_out(conn, user, oid)? {
        Some(name) => format!("{noun} {name}"),
        None => format!("{noun} with OID {oid}"),
    })
}

/// DROP ROLE's check, as PostgreSQL's `checkSharedDependencies`: one DETAIL line for each
/// object of the current database (`conn`) and each database that `role` owns or holds
/// privileges on, then `N objects in database d` for every other database with some; empty
/// when nothing refers to it. Other databases are read through a short-lived read-only
/// connection each.
pub(crate) fn role_dependents(conn: &Connection, role: u32) -> Result<Vec<String>, SpiError> {
    let user = roles::identity().current_name;
    let mut lines = Vec::new();
    for (oid, owned) in role_objects(conn, role).map_err(io_error)? {
        let what = describe_object(conn, &user, oid).map_err(io_error)?;
        lines.push(if owned {
            format!("owner of {what}")
        } else {
            format!("privileges for {what}")
        });
    }
    let (Some(data_dir), Some(current)) = (roles::data_dir(), roles::current_database()) else {
        return Ok(lines);
    };
    let databases = crate::datadir::list_databases(&data_dir)?;
    for db in &databases {
        let Some((owner, acl)) = stored_database(db) else {
            continue;
        };
        let quoted = crate::quote::quote_identifier(db);
        if owner == role {
            lines.push(format!("owner of database {quoted}"));
        } else if acl.is_some_and(|a| acl_names(&a, role)) {
            lines.push(format!("privileges for database {quoted}"));
        }
    }
    let mut remote = Vec::new();
    for db in databases.iter().filter(|d| **d != current) {
        use rusqlite::OpenFlags;
        let path = crate::datadir::database_path(&data_dir, db);
        let other = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(io_error)?;
        let _ = other.busy_timeout(std::time::Duration::from_secs(5));
        let n = role_objects(&other, role).map_err(io_error)?.len();
        if n > 0 {
            let noun = if n == 1 { "object" } else { "objects" };
            remote.push(format!(
                "{n} {noun} in database {}",
                crate::quote::quote_identifier(db)
            ));
        }
    }
    if lines.len() > MAX_REPORTED_DEPENDENTS {
        let more = lines.len() - MAX_REPORTED_DEPENDENTS;
        lines.truncate(MAX_REPORTED_DEPENDENTS);
        lines.push(format!(
            "and {more} other objects (see server log for list)"
        ));
    }
    lines.extend(remote);
    Ok(lines)
}

// ---- databases ----

/// The owner of database `name` (`pg_database.datdba`).
pub(crate) fn database_owner(name: &str) -> u32 {
    stored_database(name).map_or(BOOTSTRAP_OID, |(o, _)| o)
}

/// `pg_database.datacl` of `name` (NULL for the default).
pub(crate) fn database_acl(name: &str) -> Option<String> {
    let (_, acl) = stored_database(name)?;
    Some(acl_json(&parse_acl(&acl?)))
}

/// After CREATE DATABASE: the current role owns the new database (no row for the bootstrap
/// superuser, the default owner).
pub(crate) fn after_create_database(name: &str) -> Result<(), SpiError> {
    let me = roles::identity().current_oid;
    roles::with_global(|c| {
        c.execute_batch(DATABASE_TABLE)?;
        // A row left by a dropped database of the same name (its removal failed) must not give
        // the new one its old owner and privileges.
        c.execute("DELETE FROM database_acl WHERE datname = ?1", [name])?;
        if me != BOOTSTRAP_OID {
            c.execute(
                "INSERT INTO database_acl VALUES (?1, ?2, NULL)",
                params![name, me],
            )?;
        }
        Ok(())
    })
}

/// DROP DATABASE: only its owner (or a superuser) may (`must be owner of database d`).
pub(crate) fn check_drop_database(name: &str) -> Result<(), SpiError> {
    if roles::has_privs_of(database_owner(name)) {
        return Ok(());
    }
    Err(insufficient(format!("must be owner of database {name}")))
}

/// After DROP DATABASE: its owner and ACL go.
pub(crate) fn after_drop_database(name: &str) {
    // The database is gone whatever happens here; a row left behind is harmless, since a new
    // database of that name replaces it (`after_create_database`).
    if let Err(e) = roles::with_global(|c| {
        c.execute_batch(DATABASE_TABLE)?;
        c.execute("DELETE FROM database_acl WHERE datname = ?1", [name])
    }) {
        tracing::warn!(
            "could not remove the privileges of dropped database \"{name}\": {}",
            e.message
        );
    }
}

// ---- the checks before a statement runs ----

/// The catalog relations only superusers may read.
const SUPERUSER_ONLY: [&str; 2] = ["pg_authid", "pg_hba_file_rules"];

/// A catalog relation only superusers may read (`pg_authid`, `pg_hba_file_rules`):
/// `permission denied for <what>` for anyone else, as PostgreSQL's revoked privileges give.
pub(crate) fn superuser_only(what: &str) -> rusqlite::Result<()> {
    if roles::current_is_superuser() {
        return Ok(());
    }
    Err(crate::error::function_error(&insufficient(format!(
        "permission denied for {what}"
    ))))
}

/// `must be owner of table t` unless the current role owns `rel` (or is a superuser).
pub(crate) fn check_owner(conn: &Connection, rel: &Relation) -> Result<(), SpiError> {
    if rel.system {
        return Ok(());
    }
    let (owner, _) = owner_and_acl(
        conn,
        &Object::Relation {
            oid: rel.oid,
            kind: rel.kind,
        },
    );
    if roles::has_privs_of(owner) {
        return Ok(());
    }
    Err(insufficient(format!(
        "must be owner of {} {}",
        rel.kind.noun(),
        rel.name
    )))
}

fn relation_name(conn: &Connection, oid: u32) -> String {
    conn.query_row(
        "SELECT relname FROM main.minipg_class WHERE oid = ?1",
        [oid],
        |r| r.get::<_, String>(0),
    )
    .unwrap_or_else(|_| oid.to_string())
}

fn relation_kind(conn: &Connection, oid: u32) -> RelKind {
    let kind: Option<String> = conn
        .query_row(
            "SELECT relkind FROM main.minipg_class WHERE oid = ?1",
            [oid],
            |r| r.get(0),
        )
        .ok();
    match kind.as_deref() {
        Some("v") => RelKind::View,
        Some("S") => RelKind::Sequence,
        Some("i") => RelKind::Index,
        _ => RelKind::Table,
    }
}

/// Checks a query's reads and write before it runs: USAGE on the schemas of the relations it
/// names, then the privileges on them.
pub(crate) fn check_access(conn: &Connection, access: &Access) -> Result<(), SpiError> {
    if roles::current_is_superuser() {
        return Ok(());
    }
    let named = access.write.iter().map(|(oid, _)| oid).chain(&access.reads);
    for &oid in named {
        if let Some(schema) = relation_schema(conn, oid) {
            check_schema(conn, &schema, privilege::USAGE)?;
        }
    }
    let deny = |oid: u32| {
        insufficient(format!(
            "permission denied for {} {}",
            relation_kind(conn, oid).noun(),
            relation_name(conn, oid)
        ))
    };
    if let Some((oid, command)) = access.write {
        let bit = match command {
            Command::Insert => privilege::INSERT,
            Command::Update => privilege::UPDATE,
            Command::Delete => privilege::DELETE,
            _ => 0,
        };
        if bit != 0 && !allowed(conn, oid, bit) {
            return Err(deny(oid));
        }
        if access.upsert && !allowed(conn, oid, privilege::UPDATE) {
            return Err(deny(oid));
        }
    }
    for &oid in &access.reads {
        if !allowed(conn, oid, privilege::SELECT) {
            return Err(deny(oid));
        }
        check_view_bases(conn, oid, 0)?;
    }
    Ok(())
}

/// A view reads its base relations with its owner's privileges, as in PostgreSQL: when `oid`
/// is a view, each relation it depends on (`minipg_depend`) must be readable by the view's
/// owner, and so on down views of views. Checked at every execution, so a REVOKE from the
/// owner takes effect on the next query through the view.
fn check_view_bases(conn: &Connection, oid: u32, depth: usize) -> Result<(), SpiError> {
    if depth > 64 || relation_kind(conn, oid) != RelKind::View {
        return Ok(());
    }
    let (owner, _) = owner_and_acl(
        conn,
        &Object::Relation {
            oid,
            kind: RelKind::View,
        },
    );
    let bases: Vec<u32> = conn
        .prepare_cached(
            "SELECT refobjid FROM main.minipg_depend \
             WHERE classid = 1259 AND objid = ?1 AND refclassid = 1259",
        )
        .and_then(|mut st| {
            st.query_map([oid], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<u32>>>()
        })
        .unwrap_or_default();
    for base in bases {
        let kind = relation_kind(conn, base);
        if !holds(
            conn,
            &Object::Relation { oid: base, kind },
            Who::Role(owner),
            privilege::SELECT,
            false,
        ) {
            return Err(insufficient(format!(
                "permission denied for {} {}",
                kind.noun(),
                relation_name(conn, base)
            )));
        }
        check_view_bases(conn, base, depth + 1)?;
    }
    Ok(())
}

/// The checks of a schema change before it runs: USAGE on the schema of a relation it
/// names, CREATE on the schema it creates in; ALTER, DROP and CREATE INDEX need the owner,
/// TRUNCATE the TRUNCATE privilege.
pub(crate) fn check_ddl(conn: &Connection, ddl: &sql::plan::Ddl) -> Result<(), SpiError> {
    use sql::plan::Ddl;
    if roles::current_is_superuser() {
        return Ok(());
    }
    let usage = |rels: &mut dyn Iterator<Item = &Relation>| {
        rels.filter(|r| !r.system)
            .try_for_each(|r| check_schema(conn, &r.schema, privilege::USAGE))
    };
    match ddl {
        Ddl::CreateTable { rel, reads, .. } => {
            check_schema(conn, &rel.schema, privilege::CREATE)?;
            // CREATE TABLE … AS reads as its query would.
            let query = Access {
                reads: reads.clone(),
                ..Access::default()
            };
            check_access(conn, &query)
        }
        Ddl::CreateView { rel, .. } => check_schema(conn, &rel.schema, privilege::CREATE),
        Ddl::CreateSequence { seq, .. } => check_schema(conn, &seq.schema, privilege::CREATE),
        Ddl::Drop { found, .. } => {
            usage(&mut found.iter())?;
            found.iter().try_for_each(|r| check_owner(conn, r))
        }
        Ddl::AlterTable { table, .. } => {
            usage(&mut std::iter::once(table))?;
            check_owner(conn, table)
        }
        Ddl::CreateIndex { table, .. } => {
            usage(&mut std::iter::once(table))?;
            check_owner(conn, table)?;
            check_schema(conn, &table.schema, privilege::CREATE)
        }
        Ddl::AlterSequence { seq, .. } => {
            usage(&mut std::iter::once(seq))?;
            check_owner(conn, seq)
        }
        Ddl::Truncate { tables, .. } => {
            usage(&mut tables.iter())?;
            for t in tables {
                if !t.system && !allowed(conn, t.oid, privilege::TRUNCATE) {
                    return Err(insufficient(format!(
                        "permission denied for table {}",
                        t.name
                    )));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// After CREATE TABLE/VIEW/SEQUENCE: the current role owns what it made.
/// The relation a CREATE TABLE, VIEW or SEQUENCE names, if it exists now. Read before the
/// statement runs: an IF NOT EXISTS or an OR REPLACE that meets an existing relation creates
/// nothing, so it must neither take that relation over nor reset its privileges.
pub(crate) fn ddl_target(conn: &Connection, ddl: &sql::plan::Ddl) -> Option<u32> {
    use sql::plan::Ddl;
    let sqlite_name = match ddl {
        Ddl::CreateTable { rel, .. } | Ddl::CreateView { rel, .. } => &rel.sqlite_name,
        Ddl::CreateSequence { seq, .. } => &seq.sqlite_name,
        _ => return None,
    };
    conn.query_row(
        "SELECT oid FROM main.minipg_class WHERE sqlite_name = ?1",
        [sqlite_name],
        |r| r.get(0),
    )
    .optional()
    .ok()
    .flatten()
}

/// CREATE OR REPLACE VIEW over an existing view: only its owner may replace it
/// (`must be owner of view v`).
pub(crate) fn check_replace(
    conn: &Connection,
    ddl: &sql::plan::Ddl,
    existing: Option<u32>,
) -> Result<(), SpiError> {
    let (
        sql::plan::Ddl::CreateView {
            or_replace: true, ..
        },
        Some(oid),
    ) = (ddl, existing)
    else {
        return Ok(());
    };
    if roles::current_is_superuser() {
        return Ok(());
    }
    let kind = relation_kind(conn, oid);
    let (owner, _) = owner_and_acl(conn, &Object::Relation { oid, kind });
    if roles::has_privs_of(owner) {
        return Ok(());
    }
    Err(insufficient(format!(
        "must be owner of {} {}",
        kind.noun(),
        relation_name(conn, oid)
    )))
}

/// After CREATE TABLE, VIEW or SEQUENCE: the new relation is the current role's. `existing`
/// is [`ddl_target`] before the statement: a relation that already existed keeps its owner.
/// After a DROP: [`forget_dropped`].
pub(crate) fn after_ddl(
    sql: &SqlConn,
    ddl: &sql::plan::Ddl,
    existing: Option<u32>,
) -> Result<(), SpiError> {
    if matches!(ddl, sql::plan::Ddl::Drop { .. }) {
        return forget_dropped(sql);
    }
    if existing.is_some() {
        return Ok(());
    }
    match ddl_target(&sql.conn, ddl) {
        Some(oid) => record_new_owner(sql, oid),
        None => Ok(()),
    }
}

/// After a DROP (of relations, or of schemas): the owner rows of relations and schemas that
/// no longer exist go, whatever took them (the statement's CASCADE included). OIDs are never
/// reused, so a row left behind names nothing; this keeps the table to what exists.
pub(crate) fn forget_dropped(sql: &SqlConn) -> Result<(), SpiError> {
    sql.trusted(|c| {
        if !has_owner_table(c) {
            return Ok(());
        }
        let oids: Vec<u32> = c
            .prepare("SELECT objoid FROM main.minipg_owner")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for oid in oids {
            if !object_exists(c, oid)? {
                c.execute("DELETE FROM main.minipg_owner WHERE objoid = ?1", [oid])?;
            }
        }
        Ok(())
    })
    .map_err(io_error)
}

/// Does relation or schema `oid` (of an owner row) still exist?
fn object_exists(conn: &Connection, oid: u32) -> rusqlite::Result<bool> {
    if is_builtin_schema(oid) {
        return Ok(true);
    }
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM main.minipg_class WHERE oid = ?1) \
         OR EXISTS (SELECT 1 FROM main.minipg_namespace WHERE oid = ?1)",
        [oid],
        |r| r.get(0),
    )
}

// ---- GRANT, REVOKE, OWNER TO ----

/// An object a statement names, with the name its messages use.
struct Named {
    obj: Object,
    name: String,
    /// The noun of `permission denied for <noun> <name>` / `must be owner of …`.
    noun: &'static str,
}

/// The schemas or databases `names` names: 3F000 / 3D000 for one that does not exist.
fn named_objects(
    sql: &SqlConn,
    kind: ObjectKind,
    names: &[Vec<String>],
) -> Result<Vec<Named>, SpiError> {
    let mut out = Vec::new();
    for parts in names {
        let name = parts.join(".");
        let obj = match kind {
            ObjectKind::Schema => Object::Schema {
                oid: schema_oid(&sql.conn, &name).ok_or_else(|| {
                    SpiError::new(
                        sqlstate::INVALID_SCHEMA_NAME,
                        format!("schema \"{name}\" does not exist"),
                    )
                })?,
            },
            _ => {
                let exists = roles::data_dir()
                    .is_some_and(|dir| crate::datadir::database_exists(&dir, &name));
                if !exists {
                    return Err(SpiError::new(
                        sqlstate::INVALID_CATALOG_NAME,
                        format!("database \"{name}\" does not exist"),
                    ));
                }
                Object::Database { name: name.clone() }
            }
        };
        out.push(Named {
            obj,
            name,
            noun: kind.noun(),
        });
    }
    Ok(out)
}

fn relation_objects(sql: &SqlConn, relations: &[Relation]) -> Result<Vec<Named>, SpiError> {
    if !roles::current_is_superuser() {
        for r in relations.iter().filter(|r| !r.system) {
            check_schema(&sql.conn, &r.schema, privilege::USAGE)?;
        }
    }
    Ok(relations
        .iter()
        .map(|r| Named {
            obj: Object::Relation {
                oid: r.oid,
                kind: r.kind,
            },
            name: r.name.clone(),
            noun: r.kind.noun(),
        })
        .collect())
}

/// GRANT/REVOKE on tables, schemas and databases, and ALTER … OWNER TO. Warnings (privileges
/// not granted for lack of grant options) are left in `roles::take_notices`.
pub(crate) fn execute(
    sql: &SqlConn,
    stmt: &AuthStmt,
    relations: &[Relation],
) -> Result<(), SpiError> {
    match stmt {
        AuthStmt::AlterOwner {
            kind, name, owner, ..
        } => {
            let targets = match kind {
                ObjectKind::Schema | ObjectKind::Database => {
                    named_objects(sql, *kind, std::slice::from_ref(name))?
                }
                _ => relation_objects(sql, relations)?,
            };
            for t in targets {
                // An index is its table's (PostgreSQL warns and changes nothing).
                if matches!(
                    t.obj,
                    Object::Relation {
                        kind: RelKind::Index,
                        ..
                    }
                ) {
                    roles::push_notice(
                        Notice::warning(
                            sqlstate::WRONG_OBJECT_TYPE,
                            format!("cannot change owner of index \"{}\"", t.name),
                        )
                        .with_hint("Change the ownership of the index's table, instead."),
                    );
                    continue;
                }
                alter_owner(sql, &t, owner)?;
            }
            Ok(())
        }
        AuthStmt::Grant(g) => grant(sql, g, relations),
        AuthStmt::ReassignOwned { old, new } => reassign_owned(sql, old, new),
        AuthStmt::DropOwned { roles } => drop_owned(sql, roles),
        _ => Ok(()),
    }
}

/// The roles REASSIGN OWNED and DROP OWNED name, in PostgreSQL's order of checks: each must
/// exist (PUBLIC names none) and be one whose privileges the current role has (42501
/// "permission denied to `verb` objects"), and then none may be the bootstrap superuser (2BP01
/// "cannot `what` objects owned by role … because they are required by the database system").
/// `also` (REASSIGN's new owner) must pass the permission check before that last one.
fn owning_roles(
    specs: &[RoleSpec],
    also: Option<&RoleSpec>,
    verb: &str,
    what: &str,
) -> Result<(Vec<roles::RoleRow>, Option<roles::RoleRow>), SpiError> {
    let resolve = |spec: &RoleSpec| {
        let role = roles::resolve(spec)?.ok_or_else(|| {
            roles::undefined_role(match spec {
                RoleSpec::Name(n) => n.as_str(),
                _ => "public",
            })
        })?;
        if !roles::has_privs_of(role.oid) {
            return Err(insufficient(format!("permission denied to {verb} objects")));
        }
        Ok(role)
    };
    let named = specs.iter().map(resolve).collect::<Result<Vec<_>, _>>()?;
    let also = also.map(resolve).transpose()?;
    if let Some(role) = named.iter().find(|r| r.oid == BOOTSTRAP_OID) {
        return Err(SpiError::new(
            sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
            format!(
                "cannot {what} objects owned by role {} because they are required by the \
                 database system",
                role.name
            ),
        ));
    }
    Ok((named, also))
}

/// Object `oid` of this database with an owner row, a schema or a relation, with its name
/// and noun for messages.
fn owned_object(sql: &SqlConn, oid: u32) -> Result<Named, SpiError> {
    let schema = crate::catalog::system::functions::schema_name(&sql.conn, i64::from(oid))
        .map_err(io_error)?;
    Ok(match schema {
        Some(name) => Named {
            obj: Object::Schema { oid },
            name,
            noun: ObjectKind::Schema.noun(),
        },
        None => {
            let kind = relation_kind(&sql.conn, oid);
            Named {
                obj: Object::Relation { oid, kind },
                name: relation_name(&sql.conn, oid),
                noun: kind.noun(),
            }
        }
    })
}

/// REASSIGN OWNED, as PostgreSQL 15's: the current role needs the privileges of every old
/// role and of the new one (42501 `permission denied to reassign objects`); the bootstrap
/// superuser's objects cannot pass (2BP01). Each relation and schema of this database and
/// each database owned by an old role changes owner as ALTER … OWNER TO changes it (the old
/// owner's ACL entries become the new owner's). Privileges granted to the old roles on other
/// objects stay.
fn reassign_owned(sql: &SqlConn, old: &[RoleSpec], new: &RoleSpec) -> Result<(), SpiError> {
    let (olds, new) = owning_roles(old, Some(new), "reassign", "reassign ownership of")?;
    let Some(new) = new else {
        return Ok(());
    };
    for role in &olds {
        let owned: Vec<u32> = role_objects(&sql.conn, role.oid)
            .map_err(io_error)?
            .into_iter()
            .filter_map(|(oid, owned)| owned.then_some(oid))
            .collect();
        for oid in owned {
            let obj = owned_object(sql, oid)?.obj;
            let (_, acl) = owner_and_acl(&sql.conn, &obj);
            let acl = acl.map(|items| new_owner_acl(items, role.oid, new.oid));
            write_row(sql, &obj, new.oid, acl.as_deref())?;
        }
        let Some(data_dir) = roles::data_dir() else {
            continue;
        };
        for db in crate::datadir::list_databases(&data_dir)? {
            if let Some((owner, acl)) = stored_database(&db)
                && owner == role.oid
            {
                let acl = acl.map(|a| new_owner_acl(parse_acl(&a), role.oid, new.oid));
                write_row(sql, &Object::Database { name: db }, new.oid, acl.as_deref())?;
            }
        }
    }
    Ok(())
}

/// DROP OWNED BY: on each of this database's relations and schemas and each database where
/// one of the roles holds privileges, `REVOKE ALL … FROM role CASCADE` as the current role
/// would run it (so, as in PostgreSQL, a role that is not the objects' owner nor a superuser
/// revokes only what it granted, with PostgreSQL's warnings). Objects the roles own in this
/// database are not dropped: the statement then fails 0A000 and changes nothing (REASSIGN
/// OWNED, or dropping them, comes first). Databases they own are left alone, as in PostgreSQL.
fn drop_owned(sql: &SqlConn, specs: &[RoleSpec]) -> Result<(), SpiError> {
    let (named, _) = owning_roles(specs, None, "drop", "drop")?;
    let user = roles::identity().current_name;
    let mut granted = Vec::new();
    for role in &named {
        for (oid, owned) in role_objects(&sql.conn, role.oid).map_err(io_error)? {
            if owned {
                let what = describe_object(&sql.conn, &user, oid).map_err(io_error)?;
                return Err(SpiError::new(
                    sqlstate::FEATURE_NOT_SUPPORTED,
                    format!(
                        "DROP OWNED cannot drop {what}, owned by role {}: dropping objects is \
                         not supported",
                        role.name
                    ),
                )
                .with_hint("Use REASSIGN OWNED, or drop the objects, first."));
            }
            granted.push((role.oid, owned_object(sql, oid)?));
        }
        let Some(data_dir) = roles::data_dir() else {
            continue;
        };
        for db in crate::datadir::list_databases(&data_dir)? {
            if let Some((owner, Some(acl))) = stored_database(&db)
                && owner != role.oid
                && parse_acl(&acl).iter().any(|i| i.grantee == role.oid)
            {
                let named = Named {
                    obj: Object::Database { name: db.clone() },
                    name: db,
                    noun: ObjectKind::Database.noun(),
                };
                granted.push((role.oid, named));
            }
        }
    }
    let revoke_all = Grant {
        grant: false,
        privileges: None,
        kind: ObjectKind::Table,
        target: GrantTarget::Objects(Vec::new()),
        grantees: Vec::new(),
        grant_option: false,
        cascade: true,
    };
    for (role, t) in granted {
        let (_, acl) = owner_and_acl(&sql.conn, &t.obj);
        // Only where it is a grantee: what it granted onwards goes with its grant options.
        if acl.is_some_and(|items| items.iter().any(|i| i.grantee == role)) {
            grant_one(sql, &revoke_all, &t, &[role])?;
        }
    }
    Ok(())
}

fn alter_owner(sql: &SqlConn, t: &Named, owner: &RoleSpec) -> Result<(), SpiError> {
    let (old, acl) = owner_and_acl(&sql.conn, &t.obj);
    if !roles::has_privs_of(old) {
        return Err(insufficient(format!(
            "must be owner of {} {}",
            t.noun, t.name
        )));
    }
    let Some(new) = roles::resolve(owner)? else {
        return Err(SpiError::new(
            sqlstate::RESERVED_NAME,
            "role name \"public\" is reserved",
        ));
    };
    // A non-superuser must be a member of the new owner role (PostgreSQL 15's
    // check_is_member_of_role).
    let id = roles::identity();
    if !id.current_superuser && !roles::member_of(id.current_oid).contains(&new.oid) {
        return Err(insufficient(format!(
            "must be member of role \"{}\"",
            new.name
        )));
    }
    if let (Object::Schema { .. }, Some(db)) = (&t.obj, roles::current_database())
        && !roles::current_is_superuser()
        && !database_privilege(&db, new.oid, privilege::CREATE)
    {
        return Err(insufficient(format!("permission denied for database {db}")));
    }
    let acl = acl.map(|items| new_owner_acl(items, old, new.oid));
    write_row(sql, &t.obj, new.oid, acl.as_deref())
}

/// An ACL after its object passed from `old` to `new`: the old owner's entries (as grantee
/// or grantor) become the new owner's (PostgreSQL's `aclnewowner`).
fn new_owner_acl(items: Vec<AclItem>, old: u32, new: u32) -> Vec<AclItem> {
    items
        .into_iter()
        .map(|mut i| {
            if i.grantee == old {
                i.grantee = new;
            }
            if i.grantor == old {
                i.grantor = new;
            }
            i
        })
        .collect()
}

fn grant(sql: &SqlConn, g: &Grant, relations: &[Relation]) -> Result<(), SpiError> {
    let targets = match (&g.target, g.kind) {
        (GrantTarget::AllInSchema(_), _) => {
            return Err(SpiError::new(
                sqlstate::FEATURE_NOT_SUPPORTED,
                "GRANT and REVOKE on ALL TABLES IN SCHEMA are not supported",
            ));
        }
        (GrantTarget::Objects(names), kind @ (ObjectKind::Schema | ObjectKind::Database)) => {
            named_objects(sql, kind, names)?
        }
        (GrantTarget::Objects(_), _) => relation_objects(sql, relations)?,
    };
    let mut grantees = Vec::new();
    for spec in &g.grantees {
        grantees.push(roles::resolve(spec)?.map_or(0, |r| r.oid));
    }
    let all = g.kind.all_privileges();
    if let Some(bits) = g.privileges
        && bits & !all != 0
    {
        let bad = (0..16).map(|n| 1u16 << n).find(|b| bits & !all & b != 0);
        return Err(SpiError::new(
            sqlstate::INVALID_GRANT_OPERATION,
            format!(
                "invalid privilege type {} for {}",
                privilege::name(bad.unwrap_or(0)),
                g.kind.noun()
            ),
        ));
    }
    if g.grant && g.grant_option && grantees.contains(&0) {
        return Err(SpiError::new(
            sqlstate::INVALID_GRANT_OPERATION,
            "grant options can only be granted to roles",
        ));
    }
    for t in &targets {
        grant_one(sql, g, t, &grantees)?;
    }
    Ok(())
}

fn grant_one(sql: &SqlConn, g: &Grant, t: &Named, grantees: &[u32]) -> Result<(), SpiError> {
    let all = t.obj.all_privileges();
    let wanted = g.privileges.map_or(all, |b| b & all);
    let (owner, acl) = owner_and_acl(&sql.conn, &t.obj);
    let mut items = acl_in_force(&t.obj, owner, acl);
    let id = roles::identity();
    let (grantor, grantable) = if id.current_superuser || roles::has_privs_of(owner) {
        (owner, all)
    } else {
        let (bits, grant_bits) = mask(Who::Current, owner, &items);
        if bits == 0 && grant_bits == 0 {
            return Err(insufficient(format!(
                "permission denied for {} {}",
                t.noun, t.name
            )));
        }
        (id.current_oid, grant_bits)
    };
    let this = wanted & grantable;
    if this != wanted {
        let (code, none, some) = if g.grant {
            (
                sqlstate::WARNING_PRIVILEGE_NOT_GRANTED,
                "no privileges were granted",
                "not all privileges were granted",
            )
        } else {
            (
                sqlstate::WARNING_PRIVILEGE_NOT_REVOKED,
                "no privileges could be revoked",
                "not all privileges could be revoked",
            )
        };
        if this == 0 {
            roles::push_notice(Notice::warning(code, format!("{none} for \"{}\"", t.name)));
        } else if g.privileges.is_some() {
            roles::push_notice(Notice::warning(code, format!("{some} for \"{}\"", t.name)));
        }
    }
    for &grantee in grantees {
        let found = items
            .iter_mut()
            .find(|i| i.grantee == grantee && i.grantor == grantor);
        match found {
            Some(i) if g.grant => {
                i.bits |= this;
                if g.grant_option {
                    i.grant_bits |= this;
                }
            }
            Some(i) => {
                let lost = i.grant_bits & this;
                i.grant_bits &= !this;
                if !g.grant_option {
                    i.bits &= !this;
                }
                revoke_dependents(&mut items, owner, grantee, lost, g.cascade)?;
            }
            None if g.grant && this != 0 => items.push(AclItem {
                grantee,
                bits: this,
                grantor,
                grant_bits: if g.grant_option { this } else { 0 },
            }),
            None => {}
        }
    }
    items.retain(|i| i.bits != 0);
    write_row(sql, &t.obj, owner, Some(&items))
}

/// `grantee` lost the grant options `lost`: what it granted from them goes too, with CASCADE,
/// else 2BP01 `dependent privileges exist` (PostgreSQL's recursive revoke). The owner never
/// loses grant options; an option still held through another grantor keeps its grants.
fn revoke_dependents(
    items: &mut [AclItem],
    owner: u32,
    grantee: u32,
    lost: u16,
    cascade: bool,
) -> Result<(), SpiError> {
    if grantee == owner {
        return Ok(());
    }
    let still = items
        .iter()
        .filter(|i| i.grantee == grantee)
        .fold(0, |g, i| g | i.grant_bits);
    let lost = lost & !still;
    if lost == 0 {
        return Ok(());
    }
    let dependents: Vec<usize> = (0..items.len())
        .filter(|&n| items[n].grantor == grantee && items[n].bits & lost != 0)
        .collect();
    if dependents.is_empty() {
        return Ok(());
    }
    if !cascade {
        return Err(SpiError::new(
            sqlstate::DEPENDENT_OBJECTS_STILL_EXIST,
            "dependent privileges exist",
        )
        .with_hint("Use CASCADE to revoke them too."));
    }
    for n in dependents {
        let next_lost = items[n].grant_bits & lost;
        items[n].bits &= !lost;
        items[n].grant_bits &= !lost;
        let next = items[n].grantee;
        revoke_dependents(items, owner, next, next_lost, cascade)?;
    }
    Ok(())
}

// ---- the catalogs' columns ----

/// `pg_class.relowner`.
pub(crate) fn owner_of(conn: &Connection, oid: u32) -> u32 {
    owner_and_acl(
        conn,
        &Object::Relation {
            oid,
            kind: RelKind::Table,
        },
    )
    .0
}

/// `pg_namespace.nspowner` of schema `oid`.
pub(crate) fn schema_owner(conn: &Connection, oid: u32) -> u32 {
    owner_and_acl(conn, &Object::Schema { oid }).0
}

/// `pg_namespace.nspacl` of schema `oid`: the stored ACL, or the default of a built-in
/// schema (as initdb leaves them; `public`'s is the one pg_dump expects), else NULL.
pub(crate) fn schema_acl(conn: &Connection, oid: u32) -> Option<String> {
    let obj = Object::Schema { oid };
    let (owner, acl) = owner_and_acl(conn, &obj);
    match acl {
        Some(items) => Some(acl_json(&items)),
        None if is_builtin_schema(oid) => Some(acl_json(&obj.default_acl(owner))),
        None => None,
    }
}

/// `pg_class.relacl` in `aclitem[]`'s text form, stored as a JSON array
/// (`["postgres=arwdDxt/postgres","alice=r/postgres"]`), or NULL for the default.
pub(crate) fn acl_array(conn: &Connection, oid: u32) -> Option<String> {
    let (_, acl) = owner_and_acl(
        conn,
        &Object::Relation {
            oid,
            kind: RelKind::Table,
        },
    );
    Some(acl_json(&acl?))
}

/// One item as `aclitem` prints it: `grantee=privs/grantor`, each privilege letter followed
/// by `*` when held with the grant option; PUBLIC is the empty name.
fn aclitem_text(i: &AclItem) -> String {
    let name = |oid: u32| {
        if oid == 0 {
            String::new()
        } else {
            sql::func::catalog::role_name(oid)
        }
    };
    let mut letters = String::new();
    for (n, &c) in privilege::LETTERS.iter().enumerate() {
        if i.bits & (1 << n) != 0 {
            letters.push(c as char);
            if i.grant_bits & (1 << n) != 0 {
                letters.push('*');
            }
        }
    }
    format!("{}={}/{}", name(i.grantee), letters, name(i.grantor))
}

fn acl_json(items: &[AclItem]) -> String {
    let shown: Vec<String> = items
        .iter()
        .map(|i| {
            let item = aclitem_text(i);
            format!("\"{}\"", item.replace('\\', "\\\\").replace('"', "\\\""))
        })
        .collect();
    format!("[{}]", shown.join(","))
}

// ---- the privilege functions ----

/// What a privilege function asks about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Asked {
    Table,
    Sequence,
    /// `has_column_privilege` / `has_any_column_privilege` (answered at the table's level).
    Column,
    Schema,
    Database,
    /// `pg_has_role`.
    Role,
}

/// One privilege of a function's privilege string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Asking {
    bit: u16,
    grant_option: bool,
}

/// `pg_has_role`'s pseudo-privileges.
const ROLE_USAGE: u16 = 1;
const ROLE_MEMBER: u16 = 2;

/// Parses a privilege function's privilege string as PostgreSQL does: comma-separated
/// names, each trimmed, case-insensitive, optionally ` WITH GRANT OPTION` (`pg_has_role`
/// also ` WITH ADMIN OPTION`); 22023 `unrecognized privilege type: "x"` otherwise.
pub(crate) fn parse_privileges(asked: Asked, text: &str) -> Result<Vec<Asking>, SpiError> {
    let names: &[(&str, u16)] = match asked {
        Asked::Table => &[
            ("SELECT", privilege::SELECT),
            ("INSERT", privilege::INSERT),
            ("UPDATE", privilege::UPDATE),
            ("DELETE", privilege::DELETE),
            ("TRUNCATE", privilege::TRUNCATE),
            ("REFERENCES", privilege::REFERENCES),
            ("TRIGGER", privilege::TRIGGER),
            // PostgreSQL still accepts RULE, which no one holds.
            ("RULE", 0),
        ],
        Asked::Sequence => &[
            ("USAGE", privilege::USAGE),
            ("SELECT", privilege::SELECT),
            ("UPDATE", privilege::UPDATE),
        ],
        Asked::Column => &[
            ("SELECT", privilege::SELECT),
            ("INSERT", privilege::INSERT),
            ("UPDATE", privilege::UPDATE),
            ("REFERENCES", privilege::REFERENCES),
        ],
        Asked::Schema => &[("CREATE", privilege::CREATE), ("USAGE", privilege::USAGE)],
        Asked::Database => &[
            ("CREATE", privilege::CREATE),
            ("TEMPORARY", privilege::TEMPORARY),
            ("TEMP", privilege::TEMPORARY),
            ("CONNECT", privilege::CONNECT),
        ],
        Asked::Role => &[("USAGE", ROLE_USAGE), ("MEMBER", ROLE_MEMBER)],
    };
    let mut out = Vec::new();
    for chunk in text.split(',') {
        let word = chunk.trim_matches(|c: char| c.is_ascii_whitespace());
        let upper = word.to_ascii_uppercase();
        let (base, grant_option) = match upper.strip_suffix(" WITH GRANT OPTION") {
            Some(b) => (b, true),
            None => match upper.strip_suffix(" WITH ADMIN OPTION") {
                Some(b) if asked == Asked::Role => (b, true),
                _ => (upper.as_str(), false),
            },
        };
        let Some(&(_, bit)) = names.iter().find(|(n, _)| *n == base) else {
            return Err(SpiError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                format!("unrecognized privilege type: \"{word}\""),
            ));
        };
        out.push(Asking { bit, grant_option });
    }
    Ok(out)
}

/// The role a privilege function asks for: `None` for the current role.
pub(crate) fn function_role(value: Option<ValueRef<'_>>) -> Result<Option<u32>, SpiError> {
    match value {
        None => Ok(None),
        Some(ValueRef::Integer(oid)) => Ok(Some(u32::try_from(oid).unwrap_or(0))),
        Some(v) => {
            let name = match v {
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                _ => String::new(),
            };
            match roles::role_by_name(&name)? {
                Some(r) => Ok(Some(r.oid)),
                None => Err(SpiError::new(
                    sqlstate::UNDEFINED_OBJECT,
                    format!("role \"{name}\" does not exist"),
                )),
            }
        }
    }
}

/// The object a privilege function asks about, resolved by the caller.
pub(crate) enum AskedObject {
    Relation(u32),
    Schema(u32),
    Database(String),
    Role(u32),
}

/// The answer of a privilege function: does `role` (the current one when `None`) hold any
/// of `privileges` on `object`?
pub(crate) fn function_answer(
    conn: &Connection,
    role: Option<u32>,
    object: AskedObject,
    privileges: &[Asking],
) -> bool {
    let who = role.map_or(Who::Current, Who::Role);
    if let AskedObject::Role(target) = object {
        return privileges.iter().any(|p| role_answer(who, target, *p));
    }
    let obj = match object {
        AskedObject::Relation(oid) => Object::Relation {
            oid,
            kind: relation_kind(conn, oid),
        },
        AskedObject::Schema(oid) => Object::Schema { oid },
        AskedObject::Database(name) => Object::Database { name },
        AskedObject::Role(_) => return false,
    };
    if let Object::Relation { oid, .. } = obj
        && relation_schema(conn, oid).is_none()
    {
        // A system catalog: everyone may read it (but the superusers' own), only a superuser
        // do more.
        let superuser = match who {
            Who::Current => roles::current_is_superuser(),
            Who::Role(r) => roles::role_row(r)
                .ok()
                .flatten()
                .is_some_and(|r| r.superuser),
        };
        let readable =
            crate::catalog::system::by_oid(oid).is_none_or(|r| !SUPERUSER_ONLY.contains(&r.name));
        return privileges
            .iter()
            .any(|p| superuser || (readable && p.bit == privilege::SELECT && !p.grant_option));
    }
    privileges
        .iter()
        .any(|p| p.bit != 0 && holds(conn, &obj, who, p.bit, p.grant_option))
}

/// `pg_has_role`: USAGE is having the role's privileges, MEMBER being a member (through any
/// roles), either WITH ADMIN/GRANT OPTION holding the admin option on it (PostgreSQL 15's
/// `is_admin_of_role`: never on oneself, always for a superuser).
fn role_answer(who: Who, target: u32, p: Asking) -> bool {
    let me = match who {
        Who::Current => roles::identity().current_oid,
        Who::Role(r) => r,
    };
    let superuser = roles::role_row(me)
        .ok()
        .flatten()
        .is_some_and(|r| r.superuser);
    if superuser {
        return true;
    }
    if p.grant_option {
        return me != target && roles::admin_of(me, target);
    }
    if p.bit == ROLE_USAGE {
        privs_with_database_owner(me).contains(&target)
    } else {
        let mut all = roles::member_of(me);
        if privs_with_database_owner(me).contains(&DATABASE_OWNER_ROLE) {
            all.push(DATABASE_OWNER_ROLE);
        }
        all.contains(&target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acl_items_round_trip_and_print() {
        let items = vec![
            AclItem {
                grantee: 0,
                bits: privilege::TEMPORARY | privilege::CONNECT,
                grantor: 10,
                grant_bits: 0,
            },
            AclItem {
                grantee: 16384,
                bits: privilege::USAGE | privilege::CREATE,
                grantor: 10,
                grant_bits: privilege::USAGE,
            },
        ];
        assert_eq!(parse_acl(&format_acl(&items)), items);
        // Rows written before grant options were stored have three fields.
        assert_eq!(parse_acl("0:2:10")[0].grant_bits, 0);
        let text = aclitem_text(&items[0]);
        assert_eq!(text, "=Tc/postgres");
        assert!(aclitem_text(&items[1]).ends_with("=U*C/postgres"));
    }

    #[test]
    fn default_acls_are_postgresql_15s() {
        let db = Object::Database { name: "d".into() };
        let shown: Vec<String> = db.default_acl(10).iter().map(aclitem_text).collect();
        assert_eq!(shown, ["=Tc/postgres", "postgres=CTc/postgres"]);
        let public = Object::Schema { oid: PUBLIC_SCHEMA };
        assert_eq!(public.default_owner(), DATABASE_OWNER_ROLE);
        assert_eq!(public.default_acl(DATABASE_OWNER_ROLE).len(), 2);
        let s = Object::Schema { oid: 16_400 };
        assert_eq!(s.default_acl(10).len(), 1);
    }

    #[test]
    fn privilege_strings_parse_as_postgresql() {
        let p = parse_privileges(Asked::Table, " select , INSERT WITH GRANT OPTION").unwrap();
        assert_eq!(
            p,
            [
                Asking {
                    bit: privilege::SELECT,
                    grant_option: false
                },
                Asking {
                    bit: privilege::INSERT,
                    grant_option: true
                }
            ]
        );
        let e = parse_privileges(Asked::Table, "select, frob").unwrap_err();
        assert_eq!(e.sqlstate, "22023");
        assert_eq!(e.message, "unrecognized privilege type: \"frob\"");
        // Inner spacing is kept, as PostgreSQL does.
        let e = parse_privileges(Asked::Table, " SELECT  WITH GRANT OPTION ").unwrap_err();
        assert_eq!(
            e.message,
            "unrecognized privilege type: \"SELECT  WITH GRANT OPTION\""
        );
        assert!(parse_privileges(Asked::Role, "member with admin option").is_ok());
        assert!(parse_privileges(Asked::Schema, "usage with admin option").is_err());
        assert!(parse_privileges(Asked::Sequence, "insert").is_err());
        assert_eq!(
            parse_privileges(Asked::Database, "temp").unwrap()[0].bit,
            privilege::TEMPORARY
        );
    }
}
