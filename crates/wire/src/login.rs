//! The login role a startup packet names, as client authentication needs it: the backend
//! installs a lookup reading the data directory's role catalog ([`set_role_lookup`]); the
//! startup code asks it ([`lookup_role`]) before authenticating.
//!
//! Invariant: without an installed lookup, every name is unknown to this module (`Ok(None)`
//! from [`lookup_role`] is then never produced: callers see `Err`).

use std::sync::OnceLock;

/// A role that may try to log in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoginRole {
    pub oid: u32,
    pub name: String,
    pub superuser: bool,
    pub can_login: bool,
    /// The stored verifier: `SCRAM-SHA-256$…` or `md5…`; `None` when the role has none.
    pub password: Option<String>,
    pub valid_until: Option<std::time::SystemTime>,
    pub member_of: Vec<String>,
}

/// Finds a role by name: `Ok(None)` when it does not exist, `Err` when the catalog cannot be
/// read.
pub type RoleLookup = fn(&str) -> Result<Option<LoginRole>, String>;

static LOOKUP: OnceLock<RoleLookup> = OnceLock::new();

/// Installs the lookup (the first call wins).
pub fn set_role_lookup(lookup: RoleLookup) {
    let _ = LOOKUP.set(lookup);
}

/// Looks `name` up through the installed lookup.
pub fn lookup_role(name: &str) -> Result<Option<LoginRole>, String> {
    match LOOKUP.get() {
        Some(f) => f(name),
        None => Err("no role lookup is installed".to_string()),
    }
}
