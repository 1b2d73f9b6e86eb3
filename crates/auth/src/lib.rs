//! Client authentication: the `minipg_hba.conf` rules ([`hba`]), SCRAM-SHA-256 ([`scram`]) and
//! the MD5 and cleartext password checks against a role's stored password.
//!
//! Pure: no sockets and no shared memory. The wire crate runs the message exchange; the
//! postmaster loads the hba file and installs its rules before forking.
//!
//! Stored passwords (PostgreSQL's `rolpassword`): a SCRAM verifier
//! (`SCRAM-SHA-256$…`), an MD5 hash (`md5` + 32 hex digits of md5(password || user)), or —
//! from nothing minipg writes, but accepted as PostgreSQL's old plain form — the password
//! itself.

pub mod hba;
pub mod scram;

use md5::{Digest, Md5};

pub use scram::Verifier;

/// What a role's stored password is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// A SCRAM-SHA-256 verifier.
    Scram(Verifier),
    /// `md5` followed by 32 hex digits.
    Md5(String),
    /// Anything else: the password in clear.
    Plain(String),
}

impl Stored {
    /// Classifies a stored password.
    pub fn parse(s: &str) -> Stored {
        if let Some(v) = Verifier::parse(s) {
            return Stored::Scram(v);
        }
        if s.len() == 35 && s.starts_with("md5") && s[3..].bytes().all(|b| b.is_ascii_hexdigit()) {
            return Stored::Md5(s.to_ascii_lowercase());
        }
        Stored::Plain(s.to_owned())
    }
}

/// Lower-case hex of md5(data).
pub fn md5_hex(data: &[u8]) -> String {
    Md5::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// PostgreSQL's stored MD5 form: `md5` + md5(password || user).
pub fn md5_password(password: &str, user: &str) -> String {
    format!("md5{}", md5_hex(format!("{password}{user}").as_bytes()))
}

/// What a client answers to AuthenticationMD5Password with `salt`, given the stored MD5 form.
pub fn md5_response(stored_md5: &str, salt: &[u8; 4]) -> String {
    let mut data = stored_md5.trim_start_matches("md5").as_bytes().to_vec();
    data.extend_from_slice(salt);
    format!("md5{}", md5_hex(&data))
}

/// Checks an MD5 challenge response against a stored password.
pub fn check_md5(stored: &Stored, user: &str, salt: &[u8; 4], response: &str) -> bool {
    let expected = match stored {
        Stored::Md5(h) => md5_response(h, salt),
        Stored::Plain(p) => md5_response(&md5_password(p, user), salt),
        // PostgreSQL runs SCRAM instead when the secret is a SCRAM verifier.
        Stored::Scram(_) => return false,
    };
    scram::constant_time_eq(expected.as_bytes(), response.as_bytes())
}

/// Checks a cleartext password against a stored password.
pub fn check_cleartext(stored: &Stored, user: &str, password: &str) -> bool {
    match stored {
        Stored::Scram(v) => v.check_password(password),
        Stored::Md5(h) => {
            scram::constant_time_eq(md5_password(password, user).as_bytes(), h.as_bytes())
        }
        Stored::Plain(p) => scram::constant_time_eq(p.as_bytes(), password.as_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_forms() {
        // PostgreSQL 15: SET password_encryption = 'md5'; CREATE ROLE md5u PASSWORD 'pw'.
        let stored = md5_password("pw", "md5u");
        assert_eq!(stored, "md5d8e62e12d933f1a72e6c0325693c893a");
        assert_eq!(Stored::parse(&stored), Stored::Md5(stored.clone()));
        let salt = [1, 2, 3, 4];
        let resp = md5_response(&stored, &salt);
        assert!(check_md5(&Stored::parse(&stored), "md5u", &salt, &resp));
        assert!(!check_md5(&Stored::parse(&stored), "md5u", &[0; 4], &resp));
        assert!(check_md5(&Stored::Plain("pw".into()), "md5u", &salt, &resp));
        assert!(check_cleartext(&Stored::parse(&stored), "md5u", "pw"));
        assert!(!check_cleartext(&Stored::parse(&stored), "md5u", "px"));
        let v = Verifier::new("pw", b"salt", 16);
        assert!(check_cleartext(&Stored::parse(&v.to_string()), "u", "pw"));
        assert!(!check_md5(
            &Stored::parse(&v.to_string()),
            "u",
            &salt,
            &resp
        ));
    }
}
