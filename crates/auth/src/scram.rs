//! SCRAM-SHA-256 (RFC 5802, RFC 7677) on the server side, with PostgreSQL's stored verifier
//! format `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` (salt and keys base64).
//!
//! [`Verifier`] builds, prints and parses verifiers; [`Exchange`] runs one authentication: it
//! takes the client-first-message, answers with the server-first-message, checks the
//! client-final-message's proof and produces the server-final-message. An exchange for a role
//! without a usable verifier runs against a mock verifier (salt derived from the user name and a
//! per-server secret) so that a client cannot tell an unknown role from a wrong password; it
//! always fails at the proof.
//!
//! Invariants: never panics on client input; a malformed message is an [`ScramError`] whose
//! text is PostgreSQL's DETAIL; the proof is compared in constant time. Channel binding
//! (`SCRAM-SHA-256-PLUS`, `tls-server-end-point`, RFC 5929) when the exchange runs over TLS with
//! a certificate whose hash is known: the client's binding data must equal the gs2 header
//! followed by the hash of the server certificate; a client that chose the plain mechanism
//! while PLUS was offered must not claim `y`, as in PostgreSQL.
//! Passwords are used as given (no SASLprep normalization): an ASCII password is the same
//! either way.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// The mechanism name.
pub const MECHANISM: &str = "SCRAM-SHA-256";
/// The mechanism with channel binding (`tls-server-end-point`), offered over TLS.
pub const MECHANISM_PLUS: &str = "SCRAM-SHA-256-PLUS";
/// The one channel-binding type minipg supports.
const CB_TYPE: &str = "tls-server-end-point";
/// Iterations of new verifiers (PostgreSQL's `scram_iterations` default).
pub const DEFAULT_ITERATIONS: u32 = 4096;
/// Salt length of new verifiers, in bytes.
const SALT_LEN: usize = 16;
/// Server nonce length, in random bytes (base64-encoded on the wire).
const NONCE_LEN: usize = 18;

/// A stored SCRAM-SHA-256 secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verifier {
    /// PBKDF2 iteration count.
    pub iterations: u32,
    /// The salt.
    pub salt: Vec<u8>,
    /// H(ClientKey).
    pub stored_key: [u8; 32],
    /// HMAC(SaltedPassword, "Server Key").
    pub server_key: [u8; 32],
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let Ok(mut m) = HmacSha256::new_from_slice(key) else {
        // HMAC takes keys of any length.
        return [0; 32];
    };
    m.update(data);
    m.finalize().into_bytes().into()
}

/// RFC 5802's Hi(): PBKDF2 with HMAC-SHA-256 and one output block.
fn salted_password(password: &[u8], salt: &[u8], iterations: u32) -> [u8; 32] {
    let mut first = salt.to_vec();
    first.extend_from_slice(&1u32.to_be_bytes());
    let mut u = hmac(password, &first);
    let mut out = u;
    for _ in 1..iterations {
        u = hmac(password, &u);
        for (o, b) in out.iter_mut().zip(u.iter()) {
            *o ^= b;
        }
    }
    out
}

fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Equality that takes the same time wherever the inputs differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Random bytes from the OS.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    if getrandom::fill(&mut b).is_err() {
        // No OS randomness: mix the clock and pid (never happens on Linux in practice).
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let seed = sha256(format!("{t}:{}", std::process::id()).as_bytes());
        for (i, x) in b.iter_mut().enumerate() {
            *x = seed[i % 32];
        }
    }
    b
}

impl Verifier {
    /// The verifier of `password` with `salt` and `iterations`.
    pub fn new(password: &str, salt: &[u8], iterations: u32) -> Verifier {
        let salted = salted_password(password.as_bytes(), salt, iterations.max(1));
        let client_key = hmac(&salted, b"Client Key");
        Verifier {
            iterations: iterations.max(1),
            salt: salt.to_vec(),
            stored_key: sha256(&client_key),
            server_key: hmac(&salted, b"Server Key"),
        }
    }

    /// A verifier with a fresh random salt and the default iterations.
    pub fn generate(password: &str) -> Verifier {
        Verifier::new(password, &random_bytes::<SALT_LEN>(), DEFAULT_ITERATIONS)
    }

    /// Parses PostgreSQL's stored form; `None` when `s` is not one.
    pub fn parse(s: &str) -> Option<Verifier> {
        let rest = s.strip_prefix("SCRAM-SHA-256$")?;
        let (iter_salt, keys) = rest.split_once('$')?;
        let (iter, salt) = iter_salt.split_once(':')?;
        let (stored, server) = keys.split_once(':')?;
        let iterations: u32 = iter.parse().ok().filter(|&n| n > 0)?;
        let salt = B64.decode(salt).ok()?;
        let stored_key = B64.decode(stored).ok()?.try_into().ok()?;
        let server_key = B64.decode(server).ok()?.try_into().ok()?;
        Some(Verifier {
            iterations,
            salt,
            stored_key,
            server_key,
        })
    }

    /// Whether `password` is the one this verifier was made from (for cleartext `password`
    /// authentication).
    pub fn check_password(&self, password: &str) -> bool {
        let v = Verifier::new(password, &self.salt, self.iterations);
        constant_time_eq(&v.stored_key, &self.stored_key)
            && constant_time_eq(&v.server_key, &self.server_key)
    }
}

impl std::fmt::Display for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SCRAM-SHA-256${}:{}${}:{}",
            self.iterations,
            B64.encode(&self.salt),
            B64.encode(self.stored_key),
            B64.encode(self.server_key)
        )
    }
}

/// The verifier used for a role that has none: stable per user name for the server's life, so
/// that repeated attempts see the same salt as for a real role.
pub fn mock_verifier(user: &str) -> Verifier {
    let mut data = mock_secret().to_vec();
    data.extend_from_slice(user.as_bytes());
    let salt = &sha256(&data)[..SALT_LEN];
    Verifier {
        iterations: DEFAULT_ITERATIONS,
        salt: salt.to_vec(),
        stored_key: random_bytes(),
        server_key: random_bytes(),
    }
}

static MOCK_SECRET: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();

/// The per-server secret mock salts derive from. Call [`init_mock_secret`] in the postmaster
/// so every backend shares it.
fn mock_secret() -> [u8; 32] {
    *MOCK_SECRET.get_or_init(random_bytes)
}

/// Fixes the mock secret before the postmaster forks.
pub fn init_mock_secret() {
    let _ = mock_secret();
}

/// A malformed SCRAM message: PostgreSQL's DETAIL text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScramError(pub String);

enum State {
    /// Waiting for the client-first-message.
    Initial,
    /// Sent the server-first-message.
    SentFirst {
        client_first_bare: String,
        server_first: String,
        nonce: String,
        gs2_header: String,
    },
    Done,
}

/// One SCRAM exchange on the server side.
pub struct Exchange {
    verifier: Verifier,
    /// Whether the proof may succeed (false for a mock verifier).
    real: bool,
    /// The client chose SCRAM-SHA-256-PLUS.
    plus: bool,
    /// The `tls-server-end-point` data, when the server offered PLUS.
    binding: Option<Vec<u8>>,
    state: State,
}

/// What the server-side exchange produced from a client message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send this server-first-message (AuthenticationSASLContinue).
    Continue(String),
    /// The proof was right: send this server-final-message (AuthenticationSASLFinal).
    Success(String),
    /// The proof was wrong (or the role has no usable verifier).
    Failure,
}

fn malformed(detail: impl Into<String>) -> ScramError {
    ScramError(detail.into())
}

/// The value of `attr=value` at the head of `s`, checking the attribute letter.
fn attribute(part: Option<&str>, attr: char) -> Result<&str, ScramError> {
    let part = part.ok_or_else(|| malformed("Attribute expected, but found end of string."))?;
    let mut chars = part.chars();
    if chars.next() != Some(attr) || chars.next() != Some('=') {
        return Err(malformed(format!(
            "Expected attribute \"{attr}\" but found \"{}\".",
            part.chars().next().unwrap_or(' ')
        )));
    }
    Ok(&part[2..])
}

impl Exchange {
    /// An exchange against `verifier` (a role's stored secret), or a mock one when `None`.
    pub fn new(verifier: Option<Verifier>, user: &str) -> Exchange {
        Exchange::with_binding(verifier, user, None, false)
    }

    /// An exchange where the server offered PLUS with `binding` (the `tls-server-end-point`
    /// data) and the client chose `plus` or not.
    pub fn with_binding(
        verifier: Option<Verifier>,
        user: &str,
        binding: Option<Vec<u8>>,
        plus: bool,
    ) -> Exchange {
        let real = verifier.is_some();
        Exchange {
            verifier: verifier.unwrap_or_else(|| mock_verifier(user)),
            real,
            plus,
            binding,
            state: State::Initial,
        }
    }

    /// Handles the next client message.
    pub fn step(&mut self, input: &[u8]) -> Result<Step, ScramError> {
        let input =
            std::str::from_utf8(input).map_err(|_| malformed("Message is not valid UTF-8."))?;
        match std::mem::replace(&mut self.state, State::Done) {
            State::Initial => self.client_first(input),
            State::SentFirst {
                client_first_bare,
                server_first,
                nonce,
                gs2_header,
            } => self.client_final(
                input,
                &client_first_bare,
                &server_first,
                &nonce,
                &gs2_header,
            ),
            State::Done => Err(malformed("Unexpected message after the exchange ended.")),
        }
    }

    fn client_first(&mut self, input: &str) -> Result<Step, ScramError> {
        let mut parts = input.splitn(3, ',');
        let flag = parts.next().unwrap_or("");
        match flag {
            "n" | "y" if self.plus => {
                return Err(malformed(
                    "The client selected SCRAM-SHA-256-PLUS, but the SCRAM message does not include channel binding data.",
                ));
            }
            "y" if self.binding.is_some() => {
                return Err(ScramError(
                    "SCRAM channel binding negotiation error: The client supports SCRAM channel binding but thinks the server does not.  However, this server does support channel binding.".into(),
                ));
            }
            "n" | "y" => {}
            f if f.starts_with("p=") => {
                if !self.plus {
                    return Err(malformed(
                        "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.",
                    ));
                }
                if &f[2..] != CB_TYPE {
                    return Err(ScramError(format!(
                        "unsupported SCRAM channel-binding type \"{}\"",
                        &f[2..]
                    )));
                }
            }
            f => {
                return Err(malformed(format!(
                    "Unexpected channel-binding flag \"{}\".",
                    f.chars().next().unwrap_or(' ')
                )));
            }
        }
        let authzid = parts
            .next()
            .ok_or_else(|| malformed("Comma expected, but found end of string."))?;
        if !authzid.is_empty() {
            return Err(ScramError(
                "client uses authorization identity, but it is not supported".into(),
            ));
        }
        let bare = parts
            .next()
            .ok_or_else(|| malformed("Comma expected, but found end of string."))?;
        let mut fields = bare.split(',');
        let first = fields.next();
        if first.is_some_and(|f| f.starts_with("m=")) {
            return Err(ScramError(
                "client requires an unsupported SCRAM extension".into(),
            ));
        }
        // The user name in the message is ignored: the startup packet's is used, as in
        // PostgreSQL.
        attribute(first, 'n')?;
        let client_nonce = attribute(fields.next(), 'r')?;
        if client_nonce.is_empty() || !client_nonce.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err(malformed("Client nonce is not printable ASCII."));
        }
        let nonce = format!("{client_nonce}{}", B64.encode(random_bytes::<NONCE_LEN>()));
        let server_first = format!(
            "r={nonce},s={},i={}",
            B64.encode(&self.verifier.salt),
            self.verifier.iterations
        );
        self.state = State::SentFirst {
            client_first_bare: bare.to_owned(),
            server_first: server_first.clone(),
            nonce,
            gs2_header: format!("{flag},,"),
        };
        Ok(Step::Continue(server_first))
    }

    fn client_final(
        &mut self,
        input: &str,
        client_first_bare: &str,
        server_first: &str,
        nonce: &str,
        gs2_header: &str,
    ) -> Result<Step, ScramError> {
        let (without_proof, proof) = input
            .rsplit_once(",p=")
            .ok_or_else(|| malformed("Could not find proof in client-final-message."))?;
        let mut fields = without_proof.split(',');
        let cbind = attribute(fields.next(), 'c')?;
        let cbind = B64
            .decode(cbind)
            .map_err(|_| malformed("Malformed channel-binding data."))?;
        let mut expected = gs2_header.as_bytes().to_vec();
        if self.plus {
            expected.extend_from_slice(self.binding.as_deref().unwrap_or(&[]));
        }
        if !constant_time_eq(&cbind, &expected) {
            return Err(ScramError("SCRAM channel binding check failed".to_owned()));
        }
        let client_nonce = attribute(fields.next(), 'r')?;
        if client_nonce != nonce {
            return Err(malformed("Nonce does not match."));
        }
        let proof = B64
            .decode(proof)
            .map_err(|_| malformed("Malformed proof in client-final-message."))?;
        if proof.len() != 32 {
            return Err(malformed("Malformed proof in client-final-message."));
        }
        let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
        let signature = hmac(&self.verifier.stored_key, auth_message.as_bytes());
        let client_key: Vec<u8> = proof.iter().zip(signature).map(|(p, s)| p ^ s).collect();
        let ok = constant_time_eq(&sha256(&client_key), &self.verifier.stored_key);
        if !(ok && self.real) {
            return Ok(Step::Failure);
        }
        let server_signature = hmac(&self.verifier.server_key, auth_message.as_bytes());
        Ok(Step::Success(format!("v={}", B64.encode(server_signature))))
    }
}

/// One DER element: (tag, contents, what follows).
fn der(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |a, &x| (a << 8) | usize::from(x));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// RFC 5929's `tls-server-end-point` data for a DER certificate: its hash with the hash of its
/// signature algorithm (SHA-256 for MD5 and SHA-1). `None` when the algorithm names no hash
/// this function knows (PostgreSQL then cannot bind either).
pub fn tls_server_end_point(cert_der: &[u8]) -> Option<Vec<u8>> {
    let (0x30, cert, _) = der(cert_der)? else {
        return None;
    };
    let (_, _tbs, rest) = der(cert)?;
    let (0x30, alg, _) = der(rest)? else {
        return None;
    };
    let (0x06, oid, _) = der(alg)? else {
        return None;
    };
    const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01];
    const ECDSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04];
    let bits = match oid {
        [p @ .., 4 | 5 | 11] if p == RSA => 256,
        [p @ .., 12] if p == RSA => 384,
        [p @ .., 13] if p == RSA => 512,
        [p @ .., 1] if p == ECDSA => 256,
        [p @ .., 3, 2] if p == ECDSA => 256,
        [p @ .., 3, 3] if p == ECDSA => 384,
        [p @ .., 3, 4] if p == ECDSA => 512,
        _ => return None,
    };
    Some(match bits {
        256 => Sha256::digest(cert_der).to_vec(),
        384 => sha2::Sha384::digest(cert_der).to_vec(),
        _ => sha2::Sha512::digest(cert_der).to_vec(),
    })
}

/// Client side, for tests and tools: the client-final-message for `password` given the
/// client-first-bare and server-first messages, and the server signature to expect.
pub fn client_final(
    password: &str,
    client_first_bare: &str,
    server_first: &str,
) -> Option<(String, String)> {
    let mut nonce = None;
    let mut salt = None;
    let mut iterations = None;
    for f in server_first.split(',') {
        match f.split_at_checked(2)? {
            ("r=", v) => nonce = Some(v),
            ("s=", v) => salt = B64.decode(v).ok(),
            ("i=", v) => iterations = v.parse().ok(),
            _ => {}
        }
    }
    let (nonce, salt, iterations) = (nonce?, salt?, iterations?);
    let salted = salted_password(password.as_bytes(), &salt, iterations);
    let client_key = hmac(&salted, b"Client Key");
    let stored_key = sha256(&client_key);
    let without_proof = format!("c={},r={nonce}", B64.encode("n,,"));
    let auth_message = format!("{client_first_bare},{server_first},{without_proof}");
    let signature = hmac(&stored_key, auth_message.as_bytes());
    let proof: Vec<u8> = client_key
        .iter()
        .zip(signature)
        .map(|(k, s)| k ^ s)
        .collect();
    let server_key = hmac(&salted, b"Server Key");
    let server_signature = hmac(&server_key, auth_message.as_bytes());
    Some((
        format!("{without_proof},p={}", B64.encode(proof)),
        format!("v={}", B64.encode(server_signature)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7677_example() {
        // RFC 7677 section 3: user "user", password "pencil".
        let v = Verifier::new(
            "pencil",
            &B64.decode("W22ZaJ0SNY7soEsUEjb6gQ==").unwrap(),
            4096,
        );
        let bare = "n=user,r=rOprNGfwEbeRWgbNEkqO";
        let server_first = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
        let (final_msg, server_sig) = client_final("pencil", bare, server_first).unwrap();
        assert_eq!(
            final_msg,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        assert_eq!(server_sig, "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        assert!(v.check_password("pencil"));
        assert!(!v.check_password("pencil2"));
        let printed = v.to_string();
        assert_eq!(Verifier::parse(&printed), Some(v));
    }

    #[test]
    fn parses_postgresql_verifier() {
        // Made by PostgreSQL 15: CREATE ROLE plain LOGIN PASSWORD 'pw'.
        let s = "SCRAM-SHA-256$4096:YY5Nq01VvGTAyh5pxmbqFg==$PjKqJYvKVyJ08GBSOgQKAwI0ZMj9f+qRMaR7VmzmhrI=:o90ra7et61YmAfvNx8WMZPtSy/g46whJhRvHk20Pyjc=";
        let v = Verifier::parse(s).unwrap();
        assert_eq!(v.iterations, 4096);
        assert_eq!(v.to_string(), s);
        assert!(v.check_password("pw"));
        assert!(!v.check_password("pw2"));
        assert!(Verifier::parse("md5abc").is_none());
        assert!(Verifier::parse("SCRAM-SHA-256$0:AA==$AA==:AA==").is_none());
        assert!(Verifier::parse("SCRAM-SHA-256$x").is_none());
    }

    fn run(verifier: Option<Verifier>, password: &str) -> Step {
        let mut ex = Exchange::new(verifier, "u");
        let bare = "n=,r=abcdefghijkl";
        let Step::Continue(sf) = ex.step(format!("n,,{bare}").as_bytes()).unwrap() else {
            panic!("expected server-first")
        };
        let (cf, sig) = client_final(password, bare, &sf).unwrap();
        let step = ex.step(cf.as_bytes()).unwrap();
        if let Step::Success(s) = &step {
            assert_eq!(*s, sig);
        }
        step
    }

    #[test]
    fn exchange() {
        let v = Verifier::new("secret", b"0123456789abcdef", 64);
        assert!(matches!(run(Some(v.clone()), "secret"), Step::Success(_)));
        assert_eq!(run(Some(v), "wrong"), Step::Failure);
        assert_eq!(run(None, "secret"), Step::Failure);
    }

    #[test]
    fn channel_binding_negotiation() {
        let v = || Some(Verifier::new("pw", b"salt", 16));
        // PLUS chosen: the client must send p=tls-server-end-point.
        let mut ex = Exchange::with_binding(v(), "u", Some(vec![1, 2, 3]), true);
        assert!(ex.step(b"n,,n=,r=abc").is_err());
        let mut ex = Exchange::with_binding(v(), "u", Some(vec![1, 2, 3]), true);
        assert!(ex.step(b"p=tls-unique,,n=,r=abc").is_err());
        let mut ex = Exchange::with_binding(v(), "u", Some(vec![1, 2, 3]), true);
        assert!(ex.step(b"p=tls-server-end-point,,n=,r=abc").is_ok());
        // Wrong binding data fails the exchange with an error, not a password failure.
        assert!(ex.step(b"c=biws,r=abc,p=AAAA").is_err());
        // Plain chosen while PLUS was offered: `y` is a downgrade.
        let mut ex = Exchange::with_binding(v(), "u", Some(vec![1]), false);
        assert!(ex.step(b"y,,n=,r=abc").is_err());
        let mut ex = Exchange::with_binding(v(), "u", None, false);
        assert!(ex.step(b"y,,n=,r=abc").is_ok());
    }

    #[test]
    fn end_point_hash_follows_the_signature_algorithm() {
        // A minimal Certificate: SEQUENCE { tbs SEQUENCE {}, AlgorithmIdentifier { OID }, ... }.
        let cert = |oid: &[u8]| {
            let mut alg = vec![0x06, oid.len() as u8];
            alg.extend_from_slice(oid);
            let mut body = vec![0x30, 0x00, 0x30, alg.len() as u8];
            body.extend_from_slice(&alg);
            body.extend_from_slice(&[0x03, 0x01, 0x00]);
            let mut c = vec![0x30, body.len() as u8];
            c.extend_from_slice(&body);
            c
        };
        let ecdsa_sha256 = cert(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
        assert_eq!(
            tls_server_end_point(&ecdsa_sha256).unwrap(),
            Sha256::digest(&ecdsa_sha256).to_vec()
        );
        let rsa_sha384 = cert(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c]);
        assert_eq!(tls_server_end_point(&rsa_sha384).unwrap().len(), 48);
        let ed25519 = cert(&[0x2b, 0x65, 0x70]);
        assert_eq!(tls_server_end_point(&ed25519), None);
        assert_eq!(tls_server_end_point(b"garbage"), None);
        assert_eq!(tls_server_end_point(&[]), None);
    }

    #[test]
    fn mock_salt_is_stable_per_user() {
        assert_eq!(mock_verifier("a").salt, mock_verifier("a").salt);
        assert_ne!(mock_verifier("a").salt, mock_verifier("b").salt);
    }

    #[test]
    fn malformed_messages_are_errors() {
        for msg in [
            "",
            "x",
            "n",
            "n,",
            "n,,",
            "n,,x=1",
            "n,,n=u",
            "n,,n=u,r=",
            "p=tls-server-end-point,,n=,r=a",
            "n,a=u,n=u,r=abc",
            "n,,m=x,n=u,r=abc",
        ] {
            let mut ex = Exchange::new(None, "u");
            assert!(ex.step(msg.as_bytes()).is_err(), "{msg}");
        }
        let mut ex = Exchange::new(None, "u");
        assert!(ex.step(b"n,,n=,r=abc").is_ok());
        assert!(ex.step(b"c=biws,r=abc,p=AAAA").is_err());
        assert!(ex.step(b"anything").is_err());
    }
}
