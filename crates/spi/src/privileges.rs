//! Owners and privileges of a database's relations (PostgreSQL's `relowner` and `relacl`),
//! and the checks made before a statement runs.
//!
//! Rows live in the database file's `minipg_owner` (created the first time a relation gets an
//! owner other than the bootstrap superuser or a GRANT): `objoid` → `owner` and `acl`, the
//! ACL as `grantee:bits:grantor` items separated by `;` (grantee 0 is PUBLIC). A relation
//! without a row belongs to the bootstrap superuser (OID 10) with the default privileges
//! (owner only) — so what a background worker creates, and everything made before roles
//! existed, is the bootstrap superuser's.
//!
//! Checks (as PostgreSQL's): a superuser passes everything; the owner (or a member of the
//! owner role) has every privilege and may ALTER/DROP; anyone else needs the privilege granted
//! to a role they have the privileges of, or to PUBLIC. Failures are 42501 with PostgreSQL's
//! messages (`permission denied for table t`, `must be owner of table t`).
//! Never: grants anything implicitly to a role that is not the owner.

use rusqlite::{Connection, OptionalExtension, params};
use sql::auth::{AuthStmt, GrantTarget, ObjectKind, RoleSpec, privilege};
use sql::catalog::{RelKind, Relation};
use sql::plan::{Access, Command};

use crate::connection::SqlConn;
use crate::error::{SpiError, sqlstate};
use crate::roles::{self, BOOTSTRAP_OID};

const OWNER_TABLE: &str = "CREATE TABLE IF NOT EXISTS main.minipg_owner (\
    objoid INTEGER PRIMARY KEY, owner INTEGER NOT NULL, acl TEXT)";

/// One ACL entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct AclItem {
    /// 0: PUBLIC.
    grantee: u32,
    bits: u16,
    grantor: u32,
}

fn parse_acl(text: &str) -> Vec<AclItem> {
    text.split(';')
        .filter_map(|item| {
            let mut p = item.split(':');
            Some(AclItem {
                grantee: p.next()?.parse().ok()?,
                bits: p.next()?.parse().ok()?,
                grantor: p.next()?.parse().ok()?,
            })
        })
        .collect()
}

fn format_acl(items: &[AclItem]) -> String {
    items
        .iter()
        .map(|i| format!("{}:{}:{}", i.grantee, i.bits, i.grantor))
        .collect::<Vec<_>>()
        .join(";")
}

fn has_owner_table(conn: &Connection) -> bool {
    conn.query_row(
        "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'minipg_owner'",
        [],
        |_| Ok(()),
    )
    .optional()
    .ok()
    .flatten()
    .is_some()
}

/// The owner and ACL of relation `oid` (`None` ACL: the default).
fn owner_and_acl(conn: &Connection, oid: u32) -> (u32, Option<Vec<AclItem>>) {
    if !has_owner_table(conn) {
        return (BOOTSTRAP_OID, None);
    }
    let row: Option<(u32, Option<String>)> = conn
        .query_row(
            "SELECT owner, acl FROM main.minipg_owner WHERE objoid = ?1",
            [oid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ok()
        .flatten();
    match row {
        Some((owner, acl)) => (owner, acl.map(|a| parse_acl(&a))),
        None => (BOOTSTRAP_OID, None),
    }
}

fn write_row(sql: &SqlConn, oid: u32, owner: u32, acl: Option<&[AclItem]>) -> Result<(), SpiError> {
    let acl = acl.map(format_acl);
    sql.trusted(|c| {
        c.execute_batch(OWNER_TABLE)?;
        c.execute(
            "INSERT OR REPLACE INTO main.minipg_owner VALUES (?1, ?2, ?3)",
            params![oid, owner, acl],
        )
    })
    .map_err(|e| SpiError::new(sqlstate::IO_ERROR, e.to_string()))?;
    Ok(())
}

/// Records that the current role owns the new relation `oid` (nothing to record for the
/// bootstrap superuser, the default owner).
pub(crate) fn record_new_owner(sql: &SqlConn, oid: u32) -> Result<(), SpiError> {
    let me = roles::identity().current_oid;
    if me == BOOTSTRAP_OID && !has_owner_table(&sql.conn) {
        return Ok(());
    }
    write_row(sql, oid, me, None)
}

fn noun(kind: RelKind) -> &'static str {
    match kind {
        RelKind::View => "view",
        RelKind::Sequence => "sequence",
        RelKind::Index => "index",
        _ => "table",
    }
}

fn insufficient(message: String) -> SpiError {
    SpiError::new(sqlstate::INSUFFICIENT_PRIVILEGE, message)
}

/// `must be owner of table t` unless the current role owns `rel` (or is a superuser).
pub(crate) fn check_owner(conn: &Connection, rel: &Relation) -> Result<(), SpiError> {
    if rel.system {
        return Ok(());
    }
    let (owner, _) = owner_and_acl(conn, rel.oid);
    if roles::has_privs_of(owner) {
        return Ok(());
    }
    Err(insufficient(format!(
        "must be owner of {} {}",
        noun(rel.kind),
        rel.name
    )))
}

/// Does the current role hold `bit` on relation `oid`?
fn allowed(conn: &Connection, oid: u32, bit: u16) -> bool {
    let id = roles::identity();
    if id.current_superuser {
        return true;
    }
    let (owner, acl) = owner_and_acl(conn, oid);
    let mine = roles::member_of(id.current_oid);
    if mine.contains(&owner) {
        return true;
    }
    acl.unwrap_or_default()
        .iter()
        .any(|i| i.bits & bit != 0 && (i.grantee == 0 || mine.contains(&i.grantee)))
}

fn relation_name(conn: &Connection, oid: u32) -> String {
    conn.query_row(
        "SELECT relname FROM main.minipg_class WHERE oid = ?1",
        [oid],
        |r| r.get::<_, String>(0),
    )
    .unwrap_or_else(|_| oid.to_string())
}

fn relation_kind(conn: &Connection, oid: u32) -> &'static str {
    let kind: Option<String> = conn
        .query_row(
            "SELECT relkind FROM main.minipg_class WHERE oid = ?1",
            [oid],
            |r| r.get(0),
        )
        .ok();
    match kind.as_deref() {
        Some("v") => "view",
        Some("S") => "sequence",
        _ => "table",
    }
}

/// Checks a query's reads and write before it runs.
pub(crate) fn check_access(conn: &Connection, access: &Access) -> Result<(), SpiError> {
    if roles::identity().current_superuser {
        return Ok(());
    }
    let deny = |oid: u32| {
        insufficient(format!(
            "permission denied for {} {}",
            relation_kind(conn, oid),
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
    }
    for &oid in &access.reads {
        if !allowed(conn, oid, privilege::SELECT) {
            return Err(deny(oid));
        }
    }
    Ok(())
}

/// GRANT/REVOKE on tables and ALTER … OWNER TO of relations.
pub(crate) fn execute(
    sql: &SqlConn,
    stmt: &AuthStmt,
    relations: &[Relation],
) -> Result<(), SpiError> {
    match stmt {
        AuthStmt::AlterOwner { owner, .. } => {
            for rel in relations {
                check_owner(&sql.conn, rel)?;
                let Some(new) = roles::resolve(owner)? else {
                    return Err(SpiError::new(
                        sqlstate::RESERVED_NAME,
                        "role name \"public\" is reserved",
                    ));
                };
                // A non-superuser must be able to become the new owner (PostgreSQL's rule).
                if !roles::has_privs_of(new.oid) {
                    return Err(insufficient(format!(
                        "must be able to SET ROLE \"{}\"",
                        new.name
                    )));
                }
                let (_, acl) = owner_and_acl(&sql.conn, rel.oid);
                write_row(sql, rel.oid, new.oid, acl.as_deref())?;
            }
            Ok(())
        }
        AuthStmt::Grant {
            grant,
            privileges,
            kind,
            target,
            grantees,
            ..
        } => {
            if !matches!(
                kind,
                ObjectKind::Table | ObjectKind::Sequence | ObjectKind::View
            ) || matches!(target, GrantTarget::AllInSchema(_))
            {
                return Err(SpiError::new(
                    sqlstate::FEATURE_NOT_SUPPORTED,
                    format!(
                        "GRANT and REVOKE on {} are not supported",
                        match target {
                            GrantTarget::AllInSchema(_) => "ALL TABLES IN SCHEMA",
                            _ => match kind {
                                ObjectKind::Schema => "schemas",
                                ObjectKind::Database => "databases",
                                _ => "this object",
                            },
                        }
                    ),
                ));
            }
            let all = kind.all_privileges();
            let bits = privileges.unwrap_or(all);
            let me = roles::identity().current_oid;
            let mut targets = Vec::new();
            for g in grantees {
                targets.push(match g {
                    RoleSpec::Public => 0,
                    other => roles::resolve(other)?.map_or(0, |r| r.oid),
                });
            }
            for rel in relations {
                let (owner, acl) = owner_and_acl(&sql.conn, rel.oid);
                if !roles::has_privs_of(owner) {
                    // PostgreSQL: without grant options, a non-owner's GRANT is refused.
                    return Err(insufficient(format!(
                        "permission denied for {} {}",
                        noun(rel.kind),
                        rel.name
                    )));
                }
                let mut items = acl.unwrap_or_else(|| {
                    vec![AclItem {
                        grantee: owner,
                        bits: all,
                        grantor: owner,
                    }]
                });
                let grantor = if roles::identity().current_superuser {
                    owner
                } else {
                    me
                };
                for &t in &targets {
                    match items
                        .iter_mut()
                        .find(|i| i.grantee == t && i.grantor == grantor)
                    {
                        Some(i) if *grant => i.bits |= bits,
                        Some(i) => i.bits &= !bits,
                        None if *grant => items.push(AclItem {
                            grantee: t,
                            bits,
                            grantor,
                        }),
                        None => {}
                    }
                }
                items.retain(|i| i.bits != 0);
                write_row(sql, rel.oid, owner, Some(&items))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The SQL function behind `has_table_privilege(table, privilege)` for the current role.
pub(crate) fn has_table_privilege(
    conn: &Connection,
    oid: u32,
    privileges: &str,
) -> Result<bool, SpiError> {
    let mut any = false;
    for p in privileges.split(',') {
        let p = p.trim().to_lowercase();
        let p = p.strip_suffix(" with grant option").unwrap_or(&p);
        let Some(bit) = privilege::by_name(p) else {
            return Err(SpiError::new(
                sqlstate::INVALID_PARAMETER_VALUE,
                format!("unrecognized privilege type: \"{p}\""),
            ));
        };
        any |= allowed(conn, oid, bit);
    }
    Ok(any)
}

/// The checks of a schema change before it runs: ALTER, DROP and CREATE INDEX need the
/// owner; TRUNCATE the TRUNCATE privilege.
pub(crate) fn check_ddl(conn: &Connection, ddl: &sql::plan::Ddl) -> Result<(), SpiError> {
    use sql::plan::Ddl;
    match ddl {
        Ddl::Drop { found, .. } => found.iter().try_for_each(|r| check_owner(conn, r)),
        Ddl::AlterTable { table, .. } | Ddl::CreateIndex { table, .. } => check_owner(conn, table),
        Ddl::AlterSequence { seq, .. } => check_owner(conn, seq),
        Ddl::Truncate { tables, .. } => {
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
pub(crate) fn after_ddl(sql: &SqlConn, ddl: &sql::plan::Ddl) -> Result<(), SpiError> {
    use sql::plan::Ddl;
    let sqlite_name = match ddl {
        Ddl::CreateTable { rel, .. } | Ddl::CreateView { rel, .. } => &rel.sqlite_name,
        Ddl::CreateSequence { seq, .. } => &seq.sqlite_name,
        _ => return Ok(()),
    };
    let oid: Option<u32> = sql
        .conn
        .query_row(
            "SELECT oid FROM main.minipg_class WHERE sqlite_name = ?1",
            [sqlite_name],
            |r| r.get(0),
        )
        .optional()
        .ok()
        .flatten();
    match oid {
        Some(oid) => record_new_owner(sql, oid),
        None => Ok(()),
    }
}

/// `pg_class.relowner`.
pub(crate) fn owner_of(conn: &Connection, oid: u32) -> u32 {
    owner_and_acl(conn, oid).0
}

/// `pg_class.relacl` in `aclitem[]`'s text form, stored as a JSON array
/// (`["postgres=arwdDxt/postgres","alice=r/postgres"]`), or NULL for the default.
pub(crate) fn acl_array(conn: &Connection, oid: u32) -> Option<String> {
    let (_, acl) = owner_and_acl(conn, oid);
    let items = acl?;
    let name = |oid: u32| {
        if oid == 0 {
            String::new()
        } else {
            sql::func::catalog::role_name(oid)
        }
    };
    let shown: Vec<String> = items
        .iter()
        .map(|i| {
            let letters: String = privilege::LETTERS
                .iter()
                .enumerate()
                .filter(|(n, _)| i.bits & (1 << n) != 0)
                .map(|(_, &c)| c as char)
                .collect();
            let item = format!("{}={}/{}", name(i.grantee), letters, name(i.grantor));
            format!("\"{}\"", item.replace('\\', "\\\\").replace('"', "\\\""))
        })
        .collect();
    Some(format!("[{}]", shown.join(",")))
}
