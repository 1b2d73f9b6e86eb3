//! The role lookup authentication uses: the seam between the wire protocol and the roles
//! catalog.
//!
//! The process that runs backends installs a lookup with [`set_login_lookup`] before the first
//! connection (the first call wins, so a binary's `main` can install one before the
//! postmaster's own). Without one, [`lookup`] answers as minipg did before it had roles: every
//! name is a superuser that may log in and has no password.
//! Invariant: the lookup is called at most once per connection, after the startup packet, in
//! the backend (never in the postmaster).

use std::sync::OnceLock;
use std::time::SystemTime;

/// What authentication needs to know about a role.
#[derive(Debug, Clone)]
pub struct LoginRole {
    /// The role's OID.
    pub oid: u32,
    /// Its name.
    pub name: String,
    /// `rolsuper`.
    pub superuser: bool,
    /// `rolcanlogin`.
    pub can_login: bool,
    /// `rolpassword`: a SCRAM-SHA-256 verifier, an MD5 hash, or `None`.
    pub password: Option<String>,
    /// `rolvaliduntil`: the password is refused after this time.
    pub valid_until: Option<SystemTime>,
    /// The roles it is a member of, directly or not (for `+group` in `minipg_hba.conf`).
    pub member_of: Vec<String>,
}

/// Finds a role by name: `Ok(None)` when there is none, `Err` when the catalog cannot be read.
pub type LoginLookup = fn(&str) -> Result<Option<LoginRole>, String>;

static LOOKUP: OnceLock<LoginLookup> = OnceLock::new();

/// Installs the lookup; returns false (and changes nothing) when one was installed already.
pub fn set_login_lookup(f: LoginLookup) -> bool {
    LOOKUP.set(f).is_ok()
}

/// The role named `name`, through the installed lookup.
pub fn lookup(name: &str) -> Result<Option<LoginRole>, String> {
    LOOKUP.get().copied().unwrap_or(superuser_without_password)(name)
}

/// The lookup used until a roles catalog is installed: every name is a superuser with no
/// password (OID 10, the bootstrap superuser's).
pub fn superuser_without_password(name: &str) -> Result<Option<LoginRole>, String> {
    Ok(Some(LoginRole {
        oid: 10,
        name: name.to_owned(),
        superuser: true,
        can_login: true,
        password: None,
        valid_until: None,
        member_of: Vec::new(),
    }))
}
