//! `minipg_hba.conf`: PostgreSQL's `pg_hba.conf` format, parsed into rules and matched against a
//! connection.
//!
//! Format (as PostgreSQL's): one record per line, `#` starts a comment outside double quotes, a
//! backslash at the end of a line continues it. Fields are separated by blanks; a field may be
//! a comma-separated list (`a,b` or `a, b`). A double-quoted token is never a keyword (`"all"`
//! names a database called all). `@file` (unquoted) reads the tokens of `file`, relative to the
//! directory of the hba file, into the field.
//!
//! Records: `local DATABASE USER METHOD [OPTIONS]` and `host|hostssl|hostnossl|hostgssenc|
//! hostnogssenc DATABASE USER ADDRESS METHOD [OPTIONS]`, where ADDRESS is `all`, an address in
//! CIDR form, or an address followed by a mask field. Methods: `trust`, `reject`,
//! `scram-sha-256`, `md5`, `password`; PostgreSQL's other methods are recognized and refused as
//! not supported by this build.
//!
//! Invariants: parsing is pure (the only I/O is reading `@` files) and never panics on any
//! input; every line that is not blank or a comment yields either a rule or a [`LineError`]
//! with its line number, so `pg_hba_file_rules` can show both. Matching takes the first rule
//! that fits, as PostgreSQL's `check_hba`.
//! The rules a backend uses are the postmaster's ([`install`]), inherited through fork; a file
//! with any error is never installed.

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The file's name in the data directory.
pub const FILE_NAME: &str = "minipg_hba.conf";

/// What is said of a `hostssl` rule while `ssl` is off (the rule is kept, as in PostgreSQL).
pub const HOSTSSL_WITHOUT_SSL: &str = "hostssl record cannot match because SSL is disabled";

/// How deeply `@file` inclusions may nest.
const MAX_INCLUDE_DEPTH: usize = 10;

/// The connection-type column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnType {
    /// Unix-domain socket.
    Local,
    /// TCP, with or without TLS.
    Host,
    /// TCP over TLS only.
    HostSsl,
    /// TCP without TLS only.
    HostNoSsl,
    /// TCP with GSSAPI encryption (which minipg never has: the line never matches).
    HostGssEnc,
    /// TCP without GSSAPI encryption (every TCP connection).
    HostNoGssEnc,
}

impl ConnType {
    /// The keyword, as `pg_hba_file_rules.type` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConnType::Local => "local",
            ConnType::Host => "host",
            ConnType::HostSsl => "hostssl",
            ConnType::HostNoSsl => "hostnossl",
            ConnType::HostGssEnc => "hostgssenc",
            ConnType::HostNoGssEnc => "hostnogssenc",
        }
    }
}

/// The authentication method column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Let in without a password.
    Trust,
    /// Refuse.
    Reject,
    /// SCRAM-SHA-256 (RFC 5802 / 7677) against the stored verifier.
    ScramSha256,
    /// MD5 challenge, or SCRAM when the stored password is a SCRAM verifier.
    Md5,
    /// Cleartext password.
    Password,
}

impl Method {
    /// The keyword, as `pg_hba_file_rules.auth_method` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Trust => "trust",
            Method::Reject => "reject",
            Method::ScramSha256 => "scram-sha-256",
            Method::Md5 => "md5",
            Method::Password => "password",
        }
    }
}

/// One token of a database or user field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameToken {
    /// `all`.
    All,
    /// `sameuser` (database column): the database named as the user.
    SameUser,
    /// `samerole` / `samegroup` (database column): the user is a member of the role named as
    /// the database.
    SameRole,
    /// `replication` (database column): replication connections only, which minipg has none of.
    Replication,
    /// `+name` (user column): members of role `name`.
    Group(String),
    /// A literal name (quoted or not a keyword).
    Name(String),
}

impl fmt::Display for NameToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameToken::All => f.write_str("all"),
            NameToken::SameUser => f.write_str("sameuser"),
            NameToken::SameRole => f.write_str("samerole"),
            NameToken::Replication => f.write_str("replication"),
            NameToken::Group(g) => write!(f, "+{g}"),
            NameToken::Name(n) => f.write_str(n),
        }
    }
}

/// The address column of a `host*` rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// `all`: any address.
    All,
    /// An address and a mask of the same family.
    Net {
        /// The address as written (host bits may be set, as PostgreSQL allows).
        addr: IpAddr,
        /// The mask.
        mask: IpAddr,
    },
}

/// One valid record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// 1-based line number of the record's first line.
    pub line_number: usize,
    /// The record's text, for log lines ("Connection matched … line N: …").
    pub text: String,
    /// Connection type.
    pub conn_type: ConnType,
    /// Database field.
    pub databases: Vec<NameToken>,
    /// User field.
    pub users: Vec<NameToken>,
    /// Address field (`None` for `local`).
    pub address: Option<Address>,
    /// Authentication method.
    pub method: Method,
    /// `name=value` options (none are accepted yet).
    pub options: Vec<String>,
}

/// A record that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line_number: usize,
    /// PostgreSQL's message for the problem.
    pub message: String,
}

/// One parsed line: a rule or its error.
pub type Line = Result<Rule, LineError>;

/// What is known about a connection when it is authenticated.
#[derive(Debug, Clone)]
pub struct Client<'a> {
    /// The peer's address; `None` over the Unix socket.
    pub addr: Option<IpAddr>,
    /// Whether the connection is encrypted with TLS.
    pub ssl: bool,
    /// Requested database.
    pub database: &'a str,
    /// Requested user.
    pub user: &'a str,
}

/// A raw token: its text and whether any part of it was quoted.
#[derive(Debug, Clone)]
struct Token {
    text: String,
    quoted: bool,
}

impl Token {
    fn is_keyword(&self, kw: &str) -> bool {
        !self.quoted && self.text == kw
    }
}

/// Splits one logical line into fields, each a list of tokens.
fn split_fields(line: &str) -> Vec<Vec<Token>> {
    let mut fields: Vec<Vec<Token>> = Vec::new();
    let mut chars = line.chars().peekable();
    let mut continuing = false;
    loop {
        // Skip blanks (and, within a list, the blanks after a comma).
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        if c == '#' {
            break;
        }
        let mut text = String::new();
        let mut quoted = false;
        let mut in_quote = false;
        let mut comma = false;
        while let Some(&c) = chars.peek() {
            if !in_quote && (c.is_whitespace() || c == '#') {
                break;
            }
            chars.next();
            if c == '"' {
                if in_quote && chars.peek() == Some(&'"') {
                    chars.next();
                    text.push('"');
                    continue;
                }
                in_quote = !in_quote;
                quoted = true;
                continue;
            }
            if c == ',' && !in_quote {
                comma = true;
                break;
            }
            text.push(c);
        }
        let tok = Token { text, quoted };
        if continuing && let Some(last) = fields.last_mut() {
            last.push(tok);
        } else {
            fields.push(vec![tok]);
        }
        continuing = comma;
    }
    fields
}

/// Parses the text of an hba file. `dir` resolves relative `@file` names.
pub fn parse(text: &str, dir: &Path) -> Vec<Line> {
    let mut out = Vec::new();
    let mut logical = String::new();
    let mut first_line = 0;
    for (i, raw) in text.lines().enumerate() {
        if logical.is_empty() {
            first_line = i + 1;
        }
        if let Some(stripped) = raw.strip_suffix('\\') {
            logical.push_str(stripped);
            logical.push(' ');
            continue;
        }
        logical.push_str(raw);
        let line = std::mem::take(&mut logical);
        let fields = split_fields(&line);
        if fields.is_empty() {
            continue;
        }
        out.push(
            parse_record(fields, dir, first_line, line.trim()).map_err(|message| LineError {
                line_number: first_line,
                message,
            }),
        );
    }
    if !logical.is_empty() {
        let fields = split_fields(&logical);
        if !fields.is_empty() {
            out.push(
                parse_record(fields, dir, first_line, logical.trim()).map_err(|message| {
                    LineError {
                        line_number: first_line,
                        message,
                    }
                }),
            );
        }
    }
    out
}

/// Expands `@file` tokens of a database or user field.
fn expand(field: Vec<Token>, dir: &Path, depth: usize) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    for tok in field {
        match tok.text.strip_prefix('@') {
            Some(name) if !tok.quoted && !name.is_empty() => {
                if depth >= MAX_INCLUDE_DEPTH {
                    return Err(format!(
                        "could not open secondary authentication file \"@{name}\": too many levels of inclusion"
                    ));
                }
                let path = dir.join(name);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    format!(
                        "could not open secondary authentication file \"@{name}\" as \"{}\": {e}",
                        path.display()
                    )
                })?;
                let inner_dir = path.parent().map_or_else(|| dir.to_owned(), Path::to_owned);
                for line in text.lines() {
                    for f in split_fields(line) {
                        out.extend(expand(f, &inner_dir, depth + 1)?);
                    }
                }
            }
            _ => out.push(tok),
        }
    }
    Ok(out)
}

fn database_tokens(field: Vec<Token>, dir: &Path) -> Result<Vec<NameToken>, String> {
    Ok(expand(field, dir, 0)?
        .into_iter()
        .map(|t| {
            if t.is_keyword("all") {
                NameToken::All
            } else if t.is_keyword("sameuser") {
                NameToken::SameUser
            } else if t.is_keyword("samerole") || t.is_keyword("samegroup") {
                NameToken::SameRole
            } else if t.is_keyword("replication") {
                NameToken::Replication
            } else {
                NameToken::Name(t.text)
            }
        })
        .collect())
}

fn user_tokens(field: Vec<Token>, dir: &Path) -> Result<Vec<NameToken>, String> {
    Ok(expand(field, dir, 0)?
        .into_iter()
        .map(|t| {
            if t.is_keyword("all") {
                NameToken::All
            } else if !t.quoted
                && let Some(g) = t.text.strip_prefix('+')
            {
                NameToken::Group(g.to_owned())
            } else {
                NameToken::Name(t.text)
            }
        })
        .collect())
}

/// The single token of a field that must not be a list.
fn single(field: Vec<Token>, what: &str) -> Result<Token, String> {
    let mut it = field.into_iter();
    match (it.next(), it.next()) {
        (Some(t), None) => Ok(t),
        _ => Err(format!("multiple values specified for {what}")),
    }
}

fn parse_record(
    fields: Vec<Vec<Token>>,
    dir: &Path,
    line_number: usize,
    text: &str,
) -> Result<Rule, String> {
    let mut fields = fields.into_iter();
    let Some(first) = fields.next() else {
        return Err("empty record".into());
    };
    let ct = single(first, "connection type")?;
    let conn_type = match ct.text.as_str() {
        "local" => ConnType::Local,
        "host" => ConnType::Host,
        "hostssl" => ConnType::HostSsl,
        "hostnossl" => ConnType::HostNoSsl,
        "hostgssenc" => ConnType::HostGssEnc,
        "hostnogssenc" => ConnType::HostNoGssEnc,
        other => return Err(format!("invalid connection type \"{other}\"")),
    };
    let databases = database_tokens(
        fields
            .next()
            .ok_or("end-of-line before database specification")?,
        dir,
    )?;
    let users = user_tokens(
        fields
            .next()
            .ok_or("end-of-line before role specification")?,
        dir,
    )?;
    let mut rest: Vec<Vec<Token>> = fields.collect();
    let address = if conn_type == ConnType::Local {
        None
    } else {
        if rest.is_empty() {
            return Err("end-of-line before IP address specification".into());
        }
        let tok = single(rest.remove(0), "host address")?;
        Some(parse_address(&tok.text, &mut rest)?)
    };
    if rest.is_empty() {
        return Err("end-of-line before authentication method".into());
    }
    let m = single(rest.remove(0), "authentication type")?;
    let method = match m.text.as_str() {
        "trust" => Method::Trust,
        "reject" => Method::Reject,
        "scram-sha-256" => Method::ScramSha256,
        "md5" => Method::Md5,
        "password" => Method::Password,
        "ident" | "peer" | "gss" | "sspi" | "pam" | "bsd" | "ldap" | "radius" | "cert" => {
            return Err(format!(
                "invalid authentication method \"{}\": not supported by this build",
                m.text
            ));
        }
        other => return Err(format!("invalid authentication method \"{other}\"")),
    };
    // PostgreSQL's options (clientcert, map, ...) belong to methods minipg does not have.
    if let Some(tok) = rest.into_iter().flatten().next() {
        return Err(match tok.text.split_once('=') {
            Some((name, _)) => format!("unrecognized authentication option name: \"{name}\""),
            None => format!(
                "authentication option not in name=value format: {}",
                tok.text
            ),
        });
    }
    let options = Vec::new();
    Ok(Rule {
        line_number,
        text: text.to_owned(),
        conn_type,
        databases,
        users,
        address,
        method,
        options,
    })
}

/// The address field (and, for the address-plus-mask form, the mask field taken from `rest`).
fn parse_address(text: &str, rest: &mut Vec<Vec<Token>>) -> Result<Address, String> {
    match text {
        "all" => return Ok(Address::All),
        "samehost" | "samenet" => {
            return Err(format!(
                "address \"{text}\" is not supported by this build: write the server's addresses in CIDR form"
            ));
        }
        _ => {}
    }
    if let Some((a, bits)) = text.split_once('/') {
        let addr: IpAddr = a
            .parse()
            .map_err(|_| format!("invalid IP address \"{a}\": Name or service not known"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let n: u32 = bits
            .parse()
            .ok()
            .filter(|&n| n <= max && !bits.starts_with('+'))
            .ok_or_else(|| format!("invalid CIDR mask in address \"{text}\""))?;
        return Ok(Address::Net {
            addr,
            mask: mask_of(addr, n),
        });
    }
    let Ok(addr) = text.parse::<IpAddr>() else {
        // PostgreSQL would look the name up; minipg matches addresses only.
        return Err(format!(
            "invalid IP address \"{text}\": host names are not supported by this build"
        ));
    };
    if rest.is_empty() {
        return Err("end-of-line before netmask specification".into());
    }
    let m = single(rest.remove(0), "netmask")?;
    let mask: IpAddr = m
        .text
        .parse()
        .map_err(|_| format!("invalid IP mask \"{}\": Name or service not known", m.text))?;
    if mask.is_ipv4() != addr.is_ipv4() {
        return Err("IP address and mask do not match".into());
    }
    Ok(Address::Net { addr, mask })
}

/// The mask with `bits` leading ones in `addr`'s family.
fn mask_of(addr: IpAddr, bits: u32) -> IpAddr {
    match addr {
        IpAddr::V4(_) => {
            let m = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            IpAddr::V4(m.into())
        }
        IpAddr::V6(_) => {
            let m = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            IpAddr::V6(m.into())
        }
    }
}

impl Address {
    /// Whether `ip` is inside.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self, ip) {
            (Address::All, _) => true,
            (
                Address::Net {
                    addr: IpAddr::V4(a),
                    mask: IpAddr::V4(m),
                },
                IpAddr::V4(ip),
            ) => {
                let (a, m, ip) = (u32::from(*a), u32::from(*m), u32::from(ip));
                a & m == ip & m
            }
            (
                Address::Net {
                    addr: IpAddr::V6(a),
                    mask: IpAddr::V6(m),
                },
                IpAddr::V6(ip),
            ) => {
                let (a, m, ip) = (u128::from(*a), u128::from(*m), u128::from(ip));
                a & m == ip & m
            }
            _ => false,
        }
    }
}

impl Rule {
    /// Whether this rule applies to `c`. `is_member(role)`: the user is `role` or a member of it.
    pub fn matches(&self, c: &Client<'_>, is_member: &dyn Fn(&str) -> bool) -> bool {
        let type_ok = match (self.conn_type, c.addr) {
            (ConnType::Local, None) => true,
            (ConnType::Local, Some(_)) | (_, None) => false,
            (ConnType::Host | ConnType::HostNoGssEnc, Some(_)) => true,
            (ConnType::HostSsl, Some(_)) => c.ssl,
            (ConnType::HostNoSsl, Some(_)) => !c.ssl,
            (ConnType::HostGssEnc, Some(_)) => false,
        };
        if !type_ok {
            return false;
        }
        if let (Some(a), Some(ip)) = (&self.address, c.addr)
            && !a.contains(ip)
        {
            return false;
        }
        let db_ok = self.databases.iter().any(|t| match t {
            NameToken::All => true,
            NameToken::SameUser => c.database == c.user,
            NameToken::SameRole => is_member(c.database),
            NameToken::Replication => false,
            NameToken::Group(_) => false,
            NameToken::Name(n) => n == c.database,
        });
        db_ok
            && self.users.iter().any(|t| match t {
                NameToken::All => true,
                NameToken::Group(g) => is_member(g),
                NameToken::Name(n) => n == c.user,
                _ => false,
            })
    }
}

/// The first rule that applies to `c`.
pub fn find<'r>(
    rules: &'r [Rule],
    c: &Client<'_>,
    is_member: &dyn Fn(&str) -> bool,
) -> Option<&'r Rule> {
    rules.iter().find(|r| r.matches(c, is_member))
}

/// Why a file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// The file could not be read.
    Io(String),
    /// Lines with errors (every one of them).
    Lines(Vec<LineError>),
}

/// Reads and parses `path`; the rules only when no line has an error.
pub fn load(path: &Path) -> Result<Vec<Rule>, LoadError> {
    let text = read(path)?;
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    for line in parse(&text, path.parent().unwrap_or(Path::new("."))) {
        match line {
            Ok(r) => rules.push(r),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(LoadError::Lines(errors))
    }
}

/// The file's text.
pub fn read(path: &Path) -> Result<String, LoadError> {
    std::fs::read_to_string(path).map_err(|e| {
        LoadError::Io(format!(
            "could not open configuration file \"{}\": {e}",
            path.display()
        ))
    })
}

/// The rules in force and the file they came from.
#[derive(Debug, Clone)]
pub struct Installed {
    /// The hba file's absolute path.
    pub path: PathBuf,
    /// Its rules.
    pub rules: Arc<Vec<Rule>>,
}

static INSTALLED: Mutex<Option<Installed>> = Mutex::new(None);

/// Makes `rules` (read from `path`) the ones new connections are checked against. Called in the
/// postmaster at start and on SIGHUP; backends inherit them through fork.
pub fn install(path: PathBuf, rules: Vec<Rule>) {
    let mut g = INSTALLED.lock().unwrap_or_else(|p| p.into_inner());
    *g = Some(Installed {
        path,
        rules: Arc::new(rules),
    });
}

/// The installed rules; `None` when none were (a process that never loaded a file).
pub fn installed() -> Option<Installed> {
    INSTALLED.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// The file `postmaster init` writes.
pub const DEFAULT_FILE: &str = "\
# minipg client authentication configuration (PostgreSQL's pg_hba.conf format).
#
# Each record: TYPE DATABASE USER [ADDRESS] METHOD
#   TYPE      local (Unix socket), host (TCP), hostssl (TCP over TLS), hostnossl (TCP without TLS)
#   DATABASE  all, sameuser, samerole, a name, a comma-separated list, or @file
#   USER      all, a name, +group (members of a role), a comma-separated list, or @file
#   ADDRESS   an address in CIDR form (127.0.0.1/32), an address and a mask, or all
#   METHOD    trust, reject, scram-sha-256, md5 or password
# The first record that matches the connection decides; no match refuses it.
# The file is re-read on SIGHUP (postmaster reload); a file with an error keeps the old rules.
#
# TYPE  DATABASE        USER            ADDRESS                 METHOD

# Connections over the Unix socket are trusted: only local users who can reach the socket
# directory can use it.
local   all             all                                     trust
# TCP connections from this machine over IPv4 must give the role's password (SCRAM-SHA-256).
host    all             all             127.0.0.1/32            scram-sha-256
# The same for IPv6 loopback.
host    all             all             ::1/128                 scram-sha-256
";

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> Vec<Rule> {
        parse(text, Path::new("/nonexistent"))
            .into_iter()
            .map(|l| l.expect("valid line"))
            .collect()
    }

    fn client<'a>(addr: Option<&str>, ssl: bool, db: &'a str, user: &'a str) -> Client<'a> {
        Client {
            addr: addr.map(|a| a.parse().unwrap()),
            ssl,
            database: db,
            user,
        }
    }

    fn no_groups(_: &str) -> bool {
        false
    }

    #[test]
    fn default_file_parses() {
        let r = rules(DEFAULT_FILE);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].conn_type, ConnType::Local);
        assert_eq!(r[0].method, Method::Trust);
        assert_eq!(r[1].method, Method::ScramSha256);
        assert_eq!(r[2].line_number, DEFAULT_FILE.lines().count());
        let c = client(Some("127.0.0.1"), false, "postgres", "bob");
        assert_eq!(
            find(&r, &c, &no_groups).unwrap().line_number,
            r[1].line_number
        );
        let c = client(Some("::1"), false, "postgres", "bob");
        assert_eq!(
            find(&r, &c, &no_groups).unwrap().line_number,
            r[2].line_number
        );
        let c = client(None, false, "postgres", "bob");
        assert_eq!(find(&r, &c, &no_groups).unwrap().method, Method::Trust);
        let c = client(Some("10.0.0.1"), false, "postgres", "bob");
        assert!(find(&r, &c, &no_groups).is_none());
    }

    #[test]
    fn lists_keywords_and_quotes() {
        let r = rules(
            "host db1,\"all\" alice, bob 10.0.0.0/8 md5\n\
             host sameuser +admins 0.0.0.0/0 password # comment\n\
             hostssl all all all trust\n\
             hostnossl all all 192.168.1.0 255.255.255.0 reject\n",
        );
        assert_eq!(
            r[0].databases,
            vec![NameToken::Name("db1".into()), NameToken::Name("all".into())]
        );
        assert_eq!(
            r[0].users,
            vec![
                NameToken::Name("alice".into()),
                NameToken::Name("bob".into())
            ]
        );
        let admins = |g: &str| g == "admins";
        // "all" quoted is a database named all, not every database.
        assert!(!r[0].matches(&client(Some("10.1.2.3"), false, "x", "bob"), &no_groups));
        assert!(r[0].matches(&client(Some("10.1.2.3"), false, "all", "bob"), &no_groups));
        assert!(r[0].matches(&client(Some("10.1.2.3"), false, "db1", "alice"), &no_groups));
        assert!(!r[0].matches(&client(Some("11.1.2.3"), false, "db1", "alice"), &no_groups));
        assert!(r[1].matches(&client(Some("1.2.3.4"), false, "carol", "carol"), &admins));
        assert!(!r[1].matches(
            &client(Some("1.2.3.4"), false, "carol", "carol"),
            &no_groups
        ));
        assert!(!r[1].matches(&client(Some("1.2.3.4"), false, "x", "carol"), &admins));
        assert!(r[2].matches(&client(Some("1.2.3.4"), true, "x", "y"), &no_groups));
        assert!(!r[2].matches(&client(Some("1.2.3.4"), false, "x", "y"), &no_groups));
        assert!(!r[2].matches(&client(None, true, "x", "y"), &no_groups));
        assert!(r[3].matches(&client(Some("192.168.1.77"), false, "x", "y"), &no_groups));
        assert!(!r[3].matches(&client(Some("192.168.1.77"), true, "x", "y"), &no_groups));
        assert!(!r[3].matches(&client(Some("192.168.2.77"), false, "x", "y"), &no_groups));
        assert!(!r[3].matches(&client(Some("::1"), false, "x", "y"), &no_groups));
    }

    #[test]
    fn continuation_and_includes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("users"), "alice # admin\nbob, \"+x\"\n").unwrap();
        let r: Vec<Rule> = parse("local all \\\n @users trust\n", dir.path())
            .into_iter()
            .map(Result::unwrap)
            .collect();
        assert_eq!(r[0].line_number, 1);
        assert_eq!(
            r[0].users,
            vec![
                NameToken::Name("alice".into()),
                NameToken::Name("bob".into()),
                NameToken::Name("+x".into())
            ]
        );
        let e = parse("local all @missing trust", dir.path());
        assert!(e[0].as_ref().unwrap_err().message.contains("@missing"));
    }

    #[test]
    fn errors_name_their_line() {
        let text = "local all all trust\n\nhostx all all\nhost all\nhost all all\n\
                    host all all 1.2.3.4/33 trust\nhost all all 1.2.3.4/32 foo\n\
                    host all all 1.2.3.4/32 md5 bogus=1\nhost all all example.com md5\n\
                    local all all peer\nhost all all 1.2.3.4 trust\nlocal all all\n\
                    host all all 1.2.3.4 ffff:: md5\nlocal all all md5 x\n";
        let lines = parse(text, Path::new("."));
        let errs: Vec<(usize, String)> = lines
            .into_iter()
            .filter_map(Result::err)
            .map(|e| (e.line_number, e.message))
            .collect();
        let want = [
            (3, "invalid connection type \"hostx\""),
            (4, "end-of-line before role specification"),
            (5, "end-of-line before IP address specification"),
            (6, "invalid CIDR mask in address \"1.2.3.4/33\""),
            (7, "invalid authentication method \"foo\""),
            (8, "unrecognized authentication option name: \"bogus\""),
            (
                9,
                "invalid IP address \"example.com\": host names are not supported by this build",
            ),
            (
                10,
                "invalid authentication method \"peer\": not supported by this build",
            ),
            (11, "invalid IP mask \"trust\": Name or service not known"),
            (12, "end-of-line before authentication method"),
            (13, "IP address and mask do not match"),
            (14, "authentication option not in name=value format: x"),
        ];
        assert_eq!(
            errs,
            want.iter()
                .map(|(n, m)| (*n, m.to_string()))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn masks() {
        let a = Address::Net {
            addr: "10.1.0.0".parse().unwrap(),
            mask: mask_of("10.1.0.0".parse().unwrap(), 16),
        };
        assert!(a.contains("10.1.200.3".parse().unwrap()));
        assert!(!a.contains("10.2.0.1".parse().unwrap()));
        let z = Address::Net {
            addr: "0.0.0.0".parse().unwrap(),
            mask: mask_of("0.0.0.0".parse().unwrap(), 0),
        };
        assert!(z.contains("8.8.8.8".parse().unwrap()));
        assert!(!z.contains("::1".parse().unwrap()));
        let v6 = Address::Net {
            addr: "::1".parse().unwrap(),
            mask: mask_of("::1".parse().unwrap(), 128),
        };
        assert!(v6.contains("::1".parse().unwrap()));
        assert!(!v6.contains("::2".parse().unwrap()));
    }

    #[test]
    fn garbage_never_panics() {
        for text in [
            "\"",
            "\"\"\"",
            ",,,",
            "host ,",
            "local \"a,b\" , x trust",
            "\\",
            "host a b c/",
            "host a b /8 md5",
            "host a b 1.2.3.4/-1 md5",
            "@",
            "local all @ trust",
        ] {
            let _ = parse(text, Path::new("."));
        }
    }
}
