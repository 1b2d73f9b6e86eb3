//! A role lookup for the test server: when the environment variable [`ENV`] names a file, the
//! roles in it are the only ones that exist (tests of the password exchanges build their
//! verifiers with the `auth` crate); otherwise the server's roles catalog answers.
//!
//! File format, one role a line, tab-separated: `name`, the stored password (a SCRAM verifier,
//! an `md5…` hash, or empty for none), then flags: `nologin`, `nosuperuser`, `expired` (valid
//! until the epoch), `member=a,b`.

use std::time::{Duration, SystemTime};

use wire::login::LoginRole;

/// The environment variable naming the roles file.
pub const ENV: &str = "MINIPG_TEST_ROLES";

/// Installs [`lookup`] when [`ENV`] is set (call in `main`, before the postmaster starts; the
/// first lookup installed wins, so the backends' catalog lookup then stays out).
pub fn install() {
    if std::env::var_os(ENV).is_some() {
        wire::login::set_login_lookup(lookup);
    }
}

/// Finds `name` in the roles file, or answers as the server's default lookup.
pub fn lookup(name: &str) -> Result<Option<LoginRole>, String> {
    let Some(path) = std::env::var_os(ENV) else {
        return wire::login::superuser_without_password(name);
    };
    let text = std::fs::read_to_string(&path).map_err(|e| format!("test roles file: {e}"))?;
    for (i, line) in text.lines().enumerate() {
        let mut fields = line.split('\t');
        if fields.next() != Some(name) {
            continue;
        }
        let password = fields.next().filter(|p| !p.is_empty()).map(str::to_owned);
        let mut role = LoginRole {
            oid: 16384 + i as u32,
            name: name.to_owned(),
            superuser: true,
            can_login: true,
            password,
            valid_until: None,
            member_of: Vec::new(),
        };
        for flag in fields {
            match flag {
                "nologin" => role.can_login = false,
                "nosuperuser" => role.superuser = false,
                "expired" => {
                    role.valid_until = Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1))
                }
                f => {
                    if let Some(m) = f.strip_prefix("member=") {
                        role.member_of = m.split(',').map(str::to_owned).collect();
                    }
                }
            }
        }
        return Ok(Some(role));
    }
    Ok(None)
}
