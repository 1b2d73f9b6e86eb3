//! Roles and privileges in PostgreSQL's grammar: CREATE/ALTER/DROP ROLE (and USER, GROUP),
//! GRANT/REVOKE of privileges and of role membership, SET ROLE, SET SESSION AUTHORIZATION and
//! `ALTER TABLE|SEQUENCE|VIEW|INDEX|SCHEMA|DATABASE name OWNER TO role` — read here from the
//! tokens (sqlparser knows only part of PostgreSQL's forms) — and the privilege vocabulary
//! (`aclitem` letters) that the analyzer and the host share.
//!
//! Invariant: [`parse`] claims a statement only when its first words are one of the forms
//! above; anything else goes on to sqlparser. It never panics on any token sequence.

use sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::error::{Result, SqlError, sqlstate};
use crate::parse::{Positions, syntax_error_at};

/// Privilege bits, in PostgreSQL's order (`aclitem`'s letters print in this order).
pub mod privilege {
    pub const INSERT: u16 = 1 << 0;
    pub const SELECT: u16 = 1 << 1;
    pub const UPDATE: u16 = 1 << 2;
    pub const DELETE: u16 = 1 << 3;
    pub const TRUNCATE: u16 = 1 << 4;
    pub const REFERENCES: u16 = 1 << 5;
    pub const TRIGGER: u16 = 1 << 6;
    pub const EXECUTE: u16 = 1 << 7;
    pub const USAGE: u16 = 1 << 8;
    pub const CREATE: u16 = 1 << 9;
    pub const TEMPORARY: u16 = 1 << 10;
    pub const CONNECT: u16 = 1 << 11;
    /// The letters of the bits above, bit 0 first.
    pub const LETTERS: &[u8] = b"arwdDxtXUCTc";
    /// Every privilege of a table (and view).
    pub const ALL_TABLE: u16 = INSERT | SELECT | UPDATE | DELETE | TRUNCATE | REFERENCES | TRIGGER;
    /// Every privilege of a sequence.
    pub const ALL_SEQUENCE: u16 = USAGE | SELECT | UPDATE;
    /// Every privilege of a schema.
    pub const ALL_SCHEMA: u16 = USAGE | CREATE;
    /// Every privilege of a database.
    pub const ALL_DATABASE: u16 = CREATE | TEMPORARY | CONNECT;

    /// The bit of a privilege's name (`select`, `temp`, …), lower case.
    pub fn by_name(name: &str) -> Option<u16> {
        Some(match name {
            "insert" => INSERT,
            "select" => SELECT,
            "update" => UPDATE,
            "delete" => DELETE,
            "truncate" => TRUNCATE,
            "references" => REFERENCES,
            "trigger" => TRIGGER,
            "execute" => EXECUTE,
            "usage" => USAGE,
            "create" => CREATE,
            "temporary" | "temp" => TEMPORARY,
            "connect" => CONNECT,
            _ => return None,
        })
    }

    /// The privilege's name as PostgreSQL's messages spell it (`SELECT`).
    pub fn name(bit: u16) -> &'static str {
        match bit {
            INSERT => "INSERT",
            SELECT => "SELECT",
            UPDATE => "UPDATE",
            DELETE => "DELETE",
            TRUNCATE => "TRUNCATE",
            REFERENCES => "REFERENCES",
            TRIGGER => "TRIGGER",
            EXECUTE => "EXECUTE",
            USAGE => "USAGE",
            CREATE => "CREATE",
            TEMPORARY => "TEMPORARY",
            CONNECT => "CONNECT",
            _ => "UNKNOWN",
        }
    }
}

/// A role as a statement names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleSpec {
    Name(String),
    CurrentUser,
    SessionUser,
    /// `PUBLIC` (only where a grantee may stand).
    Public,
}

/// What CREATE ROLE made: ROLE, USER (LOGIN by default) or GROUP.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleKind {
    Role,
    User,
    Group,
}

/// One option of CREATE/ALTER ROLE.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RoleOption {
    Superuser(bool),
    CreateDb(bool),
    CreateRole(bool),
    Login(bool),
    Inherit(bool),
    Replication(bool),
    BypassRls(bool),
    ConnectionLimit(i64),
    /// `PASSWORD 'text'` (`ENCRYPTED` is a noise word) or `PASSWORD NULL`.
    Password(Option<String>),
    ValidUntil(String),
    /// `IN ROLE` / `IN GROUP`: the new role becomes a member of these.
    InRole(Vec<String>),
    /// `ROLE` / `USER`: these become members of the new role.
    Role(Vec<String>),
    /// `ADMIN`: members of the new role with the admin option.
    Admin(Vec<String>),
    /// `SYSID n`: accepted and ignored, as PostgreSQL does.
    Sysid,
}

/// The kinds of object GRANT and OWNER TO apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectKind {
    /// TABLE (also views; the default when no kind is written).
    Table,
    Sequence,
    View,
    Index,
    Schema,
    Database,
}

impl ObjectKind {
    /// The word PostgreSQL's messages use.
    pub fn noun(self) -> &'static str {
        match self {
            ObjectKind::Table => "table",
            ObjectKind::Sequence => "sequence",
            ObjectKind::View => "view",
            ObjectKind::Index => "index",
            ObjectKind::Schema => "schema",
            ObjectKind::Database => "database",
        }
    }

    /// Every privilege the kind has.
    pub fn all_privileges(self) -> u16 {
        match self {
            ObjectKind::Table | ObjectKind::View | ObjectKind::Index => privilege::ALL_TABLE,
            ObjectKind::Sequence => privilege::ALL_SEQUENCE,
            ObjectKind::Schema => privilege::ALL_SCHEMA,
            ObjectKind::Database => privilege::ALL_DATABASE,
        }
    }
}

/// What GRANT/REVOKE names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GrantTarget {
    /// Objects by name (qualified name parts for relations).
    Objects(Vec<Vec<String>>),
    /// `ALL TABLES|SEQUENCES IN SCHEMA s, …`.
    AllInSchema(Vec<String>),
}

/// `GRANT privileges ON objects TO roles` / `REVOKE … FROM …`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    /// GRANT (else REVOKE).
    pub grant: bool,
    /// Privilege bits; `None` is ALL [PRIVILEGES].
    pub privileges: Option<u16>,
    /// What kind of object the names name (TABLE when not written).
    pub kind: ObjectKind,
    /// The objects.
    pub target: GrantTarget,
    /// TO / FROM these roles (or PUBLIC).
    pub grantees: Vec<RoleSpec>,
    /// WITH GRANT OPTION, or REVOKE GRANT OPTION FOR.
    pub grant_option: bool,
    /// REVOKE … CASCADE.
    pub cascade: bool,
}

/// A statement of this module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthStmt {
    CreateRole {
        name: String,
        kind: RoleKind,
        options: Vec<RoleOption>,
    },
    AlterRole {
        role: RoleSpec,
        options: Vec<RoleOption>,
    },
    RenameRole {
        old: String,
        new: String,
    },
    DropRole {
        names: Vec<String>,
        if_exists: bool,
    },
    /// `GRANT role, … TO role, …` / `REVOKE … FROM …`, and `ALTER GROUP g ADD|DROP USER …`.
    GrantRole {
        grant: bool,
        roles: Vec<String>,
        grantees: Vec<RoleSpec>,
        /// WITH ADMIN OPTION, or REVOKE ADMIN OPTION FOR.
        admin_option: bool,
    },
    Grant(Grant),
    /// `SET [SESSION|LOCAL] ROLE name|NONE`, `RESET ROLE` (`None`: back to the session user).
    SetRole {
        role: Option<String>,
        local: bool,
        /// Written as RESET (its tag).
        reset: bool,
    },
    /// `SET [SESSION|LOCAL] SESSION AUTHORIZATION name|DEFAULT`, `RESET SESSION AUTHORIZATION`.
    SetSessionAuthorization {
        role: Option<String>,
        local: bool,
        /// Written as RESET (its tag).
        reset: bool,
    },
    AlterOwner {
        kind: ObjectKind,
        if_exists: bool,
        name: Vec<String>,
        owner: RoleSpec,
    },
    /// `REASSIGN OWNED BY role, … TO role`: the current database's objects and the databases
    /// the old roles own pass to the new one.
    ReassignOwned {
        old: Vec<RoleSpec>,
        new: RoleSpec,
    },
    /// `DROP OWNED BY role, … [CASCADE | RESTRICT]`: revokes what the roles were granted on
    /// the current database's objects and on databases; the objects they own must have been
    /// reassigned or dropped first (dropping them is not supported).
    DropOwned {
        roles: Vec<RoleSpec>,
    },
}

impl AuthStmt {
    /// CommandComplete's tag.
    pub fn tag(&self) -> &'static str {
        match self {
            AuthStmt::CreateRole { .. } => "CREATE ROLE",
            AuthStmt::AlterRole { .. } | AuthStmt::RenameRole { .. } => "ALTER ROLE",
            AuthStmt::DropRole { .. } => "DROP ROLE",
            AuthStmt::GrantRole { grant: true, .. } => "GRANT ROLE",
            AuthStmt::GrantRole { grant: false, .. } => "REVOKE ROLE",
            AuthStmt::Grant(g) if g.grant => "GRANT",
            AuthStmt::Grant(_) => "REVOKE",
            AuthStmt::SetRole { reset: true, .. }
            | AuthStmt::SetSessionAuthorization { reset: true, .. } => "RESET",
            AuthStmt::SetRole { .. } | AuthStmt::SetSessionAuthorization { .. } => "SET",
            AuthStmt::ReassignOwned { .. } => "REASSIGN OWNED",
            AuthStmt::DropOwned { .. } => "DROP OWNED",
            AuthStmt::AlterOwner { kind, .. } => match kind {
                ObjectKind::Table => "ALTER TABLE",
                ObjectKind::Sequence => "ALTER SEQUENCE",
                ObjectKind::View => "ALTER VIEW",
                ObjectKind::Index => "ALTER INDEX",
                ObjectKind::Schema => "ALTER SCHEMA",
                ObjectKind::Database => "ALTER DATABASE",
            },
        }
    }

    /// May it run inside a transaction block's implicit transaction? (All may.)
    pub fn is_set(&self) -> bool {
        matches!(
            self,
            AuthStmt::SetRole { .. } | AuthStmt::SetSessionAuthorization { .. }
        )
    }
}

/// The reader over one statement's significant tokens.
struct Reader<'a> {
    text: &'a str,
    positions: &'a Positions,
    sig: &'a [&'a TokenWithSpan],
    i: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<&Token> {
        self.sig.get(self.i).map(|t| &t.token)
    }

    fn is(&self, kw: &str) -> bool {
        self.is_at(self.i, kw)
    }

    fn is_at(&self, i: usize, kw: &str) -> bool {
        matches!(self.sig.get(i).map(|t| &t.token),
            Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
    }

    fn eat(&mut self, kw: &str) -> bool {
        if self.is(kw) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn error(&self) -> SqlError {
        match self.sig.get(self.i) {
            Some(t) => syntax_error_at(self.text, self.positions, t),
            None => SqlError::syntax("syntax error at end of input")
                .at(Some(self.positions.end_position())),
        }
    }

    fn expect(&mut self, kw: &str) -> Result<()> {
        if self.eat(kw) {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    fn at_end(&self) -> bool {
        self.i >= self.sig.len()
    }

    fn finish(&self) -> Result<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// An identifier (quoted as written, else folded to lower case).
    fn ident(&mut self) -> Result<String> {
        match self.peek() {
            Some(Token::Word(w)) => {
                let v = if w.quote_style.is_some() {
                    w.value.clone()
                } else {
                    w.value.to_lowercase()
                };
                self.i += 1;
                Ok(v)
            }
            _ => Err(self.error()),
        }
    }

    /// A role name: an identifier, or a string (PostgreSQL's grammar takes `'name'` nowhere,
    /// so only identifiers), refusing the reserved role names where a new role is named.
    fn role_name(&mut self) -> Result<String> {
        self.ident()
    }

    fn role_spec(&mut self) -> Result<RoleSpec> {
        if let Some(Token::Word(w)) = self.peek()
            && w.quote_style.is_none()
        {
            let spec = match w.value.to_lowercase().as_str() {
                "current_user" | "current_role" => Some(RoleSpec::CurrentUser),
                "session_user" => Some(RoleSpec::SessionUser),
                "public" => Some(RoleSpec::Public),
                _ => None,
            };
            if let Some(spec) = spec {
                self.i += 1;
                return Ok(spec);
            }
        }
        Ok(RoleSpec::Name(self.ident()?))
    }

    /// The role SET ROLE / SET SESSION AUTHORIZATION names: an identifier or a string, or
    /// `None` for the keyword `back` (NONE, DEFAULT) that returns to the session's role.
    fn role_value(&mut self, back: &str) -> Result<Option<String>> {
        if self.eat(back) {
            return Ok(None);
        }
        match self.peek() {
            Some(Token::SingleQuotedString(_)) => Ok(Some(self.string()?)),
            _ => Ok(Some(self.ident()?)),
        }
    }

    fn list<T>(&mut self, mut one: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        let mut out = vec![one(self)?];
        while matches!(self.peek(), Some(Token::Comma)) {
            self.i += 1;
            out.push(one(self)?);
        }
        Ok(out)
    }

    /// A qualified name: identifiers separated by periods.
    fn qualified(&mut self) -> Result<Vec<String>> {
        let mut parts = vec![self.ident()?];
        while matches!(self.peek(), Some(Token::Period)) {
            self.i += 1;
            parts.push(self.ident()?);
        }
        Ok(parts)
    }

    fn string(&mut self) -> Result<String> {
        match self.peek() {
            Some(Token::SingleQuotedString(s))
            | Some(Token::EscapedStringLiteral(s))
            | Some(Token::NationalStringLiteral(s)) => {
                let s = s.clone();
                self.i += 1;
                Ok(s)
            }
            Some(Token::DollarQuotedString(d)) => {
                let s = d.value.clone();
                self.i += 1;
                Ok(s)
            }
            _ => Err(self.error()),
        }
    }

    fn integer(&mut self) -> Result<i64> {
        let negative = matches!(self.peek(), Some(Token::Minus));
        if negative {
            self.i += 1;
        }
        match self.peek() {
            Some(Token::Number(n, _)) => {
                let v: i64 = n.parse().map_err(|_| self.error())?;
                self.i += 1;
                Ok(if negative { -v } else { v })
            }
            _ => Err(self.error()),
        }
    }

    /// CREATE/ALTER ROLE options, until the end.
    fn role_options(&mut self, create: bool) -> Result<Vec<RoleOption>> {
        self.eat("with");
        let mut out = Vec::new();
        while !self.at_end() {
            let Some(Token::Word(w)) = self.peek() else {
                return Err(self.error());
            };
            if w.quote_style.is_some() {
                return Err(self.error());
            }
            let word = w.value.to_lowercase();
            let flag = |name: &str| -> Option<(bool, &'static str)> {
                const FLAGS: [&str; 7] = [
                    "superuser",
                    "createdb",
                    "createrole",
                    "login",
                    "inherit",
                    "replication",
                    "bypassrls",
                ];
                FLAGS.iter().find_map(|f| {
                    if name == *f {
                        Some((true, *f))
                    } else if name.strip_prefix("no") == Some(*f) {
                        Some((false, *f))
                    } else {
                        None
                    }
                })
            };
            if let Some((on, f)) = flag(&word) {
                self.i += 1;
                out.push(match f {
                    "superuser" => RoleOption::Superuser(on),
                    "createdb" => RoleOption::CreateDb(on),
                    "createrole" => RoleOption::CreateRole(on),
                    "login" => RoleOption::Login(on),
                    "inherit" => RoleOption::Inherit(on),
                    "replication" => RoleOption::Replication(on),
                    _ => RoleOption::BypassRls(on),
                });
                continue;
            }
            match word.as_str() {
                "connection" => {
                    self.i += 1;
                    self.expect("limit")?;
                    out.push(RoleOption::ConnectionLimit(self.integer()?));
                }
                "encrypted" | "password" => {
                    self.i += 1;
                    if word == "encrypted" {
                        self.expect("password")?;
                    }
                    if self.eat("null") {
                        out.push(RoleOption::Password(None));
                    } else {
                        out.push(RoleOption::Password(Some(self.string()?)));
                    }
                }
                "unencrypted" => {
                    return Err(SqlError::new(
                        sqlstate::FEATURE_NOT_SUPPORTED,
                        "UNENCRYPTED PASSWORD is no longer supported",
                    )
                    .with_hint(
                        "Remove UNENCRYPTED to store the password in encrypted form instead.",
                    )
                    .at(Some(self.positions.position(self.sig[self.i].span.start))));
                }
                "valid" => {
                    self.i += 1;
                    self.expect("until")?;
                    out.push(RoleOption::ValidUntil(self.string()?));
                }
                "sysid" if create => {
                    self.i += 1;
                    self.integer()?;
                    out.push(RoleOption::Sysid);
                }
                "in" if create => {
                    self.i += 1;
                    if !self.eat("role") {
                        self.expect("group")?;
                    }
                    out.push(RoleOption::InRole(self.list(Self::role_name)?));
                }
                "role" | "user" if create => {
                    self.i += 1;
                    out.push(RoleOption::Role(self.list(Self::role_name)?));
                }
                "admin" if create => {
                    self.i += 1;
                    out.push(RoleOption::Admin(self.list(Self::role_name)?));
                }
                _ => {
                    return Err(
                        SqlError::syntax(format!("unrecognized role option \"{word}\""))
                            .at(Some(self.positions.position(self.sig[self.i].span.start))),
                    );
                }
            }
        }
        Ok(out)
    }

    /// `SELECT, INSERT (a, b), …` or `ALL [PRIVILEGES]`; `None` for ALL.
    fn privileges(&mut self) -> Result<Option<u16>> {
        if self.eat("all") {
            self.eat("privileges");
            if matches!(self.peek(), Some(Token::LParen)) {
                self.skip_columns()?;
            }
            return Ok(None);
        }
        let mut bits = 0u16;
        loop {
            let at = self.i;
            let name = match self.peek() {
                Some(Token::Word(w)) if w.quote_style.is_none() => w.value.to_lowercase(),
                _ => return Err(self.error()),
            };
            self.i += 1;
            let Some(bit) = privilege::by_name(&name) else {
                return Err(
                    SqlError::syntax(format!("unrecognized privilege type \"{name}\""))
                        .at(Some(self.positions.position(self.sig[at].span.start))),
                );
            };
            if matches!(self.peek(), Some(Token::LParen)) {
                // Column privileges are granted as the table's (see docs/sql-compat.md).
                self.skip_columns()?;
            }
            bits |= bit;
            if matches!(self.peek(), Some(Token::Comma)) {
                self.i += 1;
            } else {
                break;
            }
        }
        Ok(Some(bits))
    }

    fn skip_columns(&mut self) -> Result<()> {
        self.i += 1;
        self.list(Self::ident)?;
        if matches!(self.peek(), Some(Token::RParen)) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.error())
        }
    }

    /// `[TABLE|SEQUENCE|SCHEMA|DATABASE] names` or `ALL TABLES|SEQUENCES IN SCHEMA names`.
    fn grant_target(&mut self) -> Result<(ObjectKind, GrantTarget)> {
        if self.is("all")
            && (self.is_at(self.i + 1, "tables") || self.is_at(self.i + 1, "sequences"))
        {
            self.i += 1;
            let kind = if self.eat("tables") {
                ObjectKind::Table
            } else {
                self.i += 1;
                ObjectKind::Sequence
            };
            self.expect("in")?;
            self.expect("schema")?;
            return Ok((kind, GrantTarget::AllInSchema(self.list(Self::ident)?)));
        }
        let kind = if self.eat("table") {
            ObjectKind::Table
        } else if self.eat("sequence") {
            ObjectKind::Sequence
        } else if self.eat("schema") {
            ObjectKind::Schema
        } else if self.eat("database") {
            ObjectKind::Database
        } else if [
            "function",
            "procedure",
            "routine",
            "language",
            "type",
            "domain",
            "tablespace",
            "foreign",
            "large",
            "parameter",
        ]
        .iter()
        .any(|w| self.is(w))
        {
            let word = match self.peek() {
                Some(Token::Word(w)) => w.value.to_uppercase(),
                _ => String::new(),
            };
            return Err(SqlError::not_supported(format!(
                "GRANT and REVOKE ON {word} are not supported"
            )));
        } else {
            ObjectKind::Table
        };
        let names = match kind {
            ObjectKind::Schema | ObjectKind::Database => self
                .list(Self::ident)?
                .into_iter()
                .map(|n| vec![n])
                .collect(),
            _ => self.list(Self::qualified)?,
        };
        Ok((kind, GrantTarget::Objects(names)))
    }
}

/// Reads `sig` (a statement's significant tokens) as one of this module's statements, or
/// `None` when it is none of them.
pub fn parse(
    text: &str,
    positions: &Positions,
    sig: &[&TokenWithSpan],
) -> Result<Option<AuthStmt>> {
    let mut r = Reader {
        text,
        positions,
        sig,
        i: 0,
    };
    let stmt = if r.is("create")
        && (r.is_at(1, "role") || r.is_at(1, "user") || r.is_at(1, "group"))
    {
        // `CREATE USER MAPPING` is not a role.
        if r.is_at(1, "user") && r.is_at(2, "mapping") {
            return Ok(None);
        }
        r.i = 1;
        let kind = if r.eat("role") {
            RoleKind::Role
        } else if r.eat("user") {
            RoleKind::User
        } else {
            r.i += 1;
            RoleKind::Group
        };
        let name = r.role_name()?;
        let options = r.role_options(true)?;
        AuthStmt::CreateRole {
            name,
            kind,
            options,
        }
    } else if r.is("alter") && r.is_at(1, "group") {
        r.i = 2;
        let group = r.role_spec()?;
        let add = if r.eat("add") {
            true
        } else {
            r.expect("drop")?;
            false
        };
        r.expect("user")?;
        let users = r.list(Reader::role_spec)?;
        let RoleSpec::Name(group) = group else {
            return Err(SqlError::not_supported("ALTER GROUP needs a role name"));
        };
        AuthStmt::GrantRole {
            grant: add,
            roles: vec![group],
            grantees: users,
            admin_option: false,
        }
    } else if r.is("alter") && (r.is_at(1, "role") || r.is_at(1, "user")) {
        if r.is_at(1, "user") && r.is_at(2, "mapping") {
            return Ok(None);
        }
        r.i = 2;
        if r.is("all") || (r.is_at(r.i + 1, "in") && r.is_at(r.i + 2, "database")) {
            return Err(SqlError::not_supported(
                "ALTER ROLE … SET/RESET is not supported",
            ));
        }
        let role = r.role_spec()?;
        if r.eat("rename") {
            r.expect("to")?;
            let new = r.role_name()?;
            r.finish()?;
            let RoleSpec::Name(old) = role else {
                return Err(SqlError::syntax("syntax error at or near \"RENAME\""));
            };
            return Ok(Some(AuthStmt::RenameRole { old, new }));
        }
        if r.is("set") || r.is("reset") || r.is("in") {
            return Err(SqlError::not_supported(
                "ALTER ROLE … SET/RESET is not supported",
            ));
        }
        let options = r.role_options(false)?;
        AuthStmt::AlterRole { role, options }
    } else if r.is("drop") && (r.is_at(1, "role") || r.is_at(1, "user") || r.is_at(1, "group")) {
        if r.is_at(1, "user") && r.is_at(2, "mapping") {
            return Ok(None);
        }
        r.i = 2;
        let if_exists = r.is("if") && r.is_at(r.i + 1, "exists");
        if if_exists {
            r.i += 2;
        }
        let names = r.list(Reader::role_name)?;
        AuthStmt::DropRole { names, if_exists }
    } else if r.is("reassign") && r.is_at(1, "owned") {
        r.i = 2;
        r.expect("by")?;
        let old = r.list(Reader::role_spec)?;
        r.expect("to")?;
        let new = r.role_spec()?;
        AuthStmt::ReassignOwned { old, new }
    } else if r.is("drop") && r.is_at(1, "owned") {
        r.i = 2;
        r.expect("by")?;
        let roles = r.list(Reader::role_spec)?;
        let _ = r.eat("cascade") || r.eat("restrict");
        AuthStmt::DropOwned { roles }
    } else if r.is("grant") || r.is("revoke") {
        let grant = r.eat("grant");
        if !grant {
            r.i = 1;
        }
        let mut option_for = false;
        if !grant
            && (r.is("grant") || r.is("admin"))
            && r.is_at(r.i + 1, "option")
            && r.is_at(r.i + 2, "for")
        {
            option_for = true;
            r.i += 3;
        }
        // Role membership: no ON before TO/FROM.
        let has_on = sig[r.i..].iter().any(|t| {
            matches!(&t.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("on"))
        });
        if !has_on {
            let roles = r.list(Reader::role_name)?;
            r.expect(if grant { "to" } else { "from" })?;
            let grantees = r.list(Reader::role_spec)?;
            let mut admin_option = option_for;
            if grant && r.eat("with") {
                r.expect("admin")?;
                r.expect("option")?;
                admin_option = true;
            }
            skip_granted_by(&mut r)?;
            if !grant {
                let _ = r.eat("cascade") || r.eat("restrict");
            }
            r.finish()?;
            return Ok(Some(AuthStmt::GrantRole {
                grant,
                roles,
                grantees,
                admin_option,
            }));
        }
        let privileges = r.privileges()?;
        r.expect("on")?;
        let (kind, target) = r.grant_target()?;
        r.expect(if grant { "to" } else { "from" })?;
        r.eat("group");
        let grantees = r.list(|r| {
            r.eat("group");
            r.role_spec()
        })?;
        let mut grant_option = option_for;
        if grant && r.eat("with") {
            r.expect("grant")?;
            r.expect("option")?;
            grant_option = true;
        }
        skip_granted_by(&mut r)?;
        let mut cascade = false;
        if !grant {
            if r.eat("cascade") {
                cascade = true;
            } else {
                r.eat("restrict");
            }
        }
        AuthStmt::Grant(Grant {
            grant,
            privileges,
            kind,
            target,
            grantees,
            grant_option,
            cascade,
        })
    } else if let Some(stmt) = set_role(&mut r)? {
        stmt
    } else if r.is("alter") && is_owner_to(sig) {
        r.i = 1;
        let kind = if r.eat("table") {
            ObjectKind::Table
        } else if r.eat("sequence") {
            ObjectKind::Sequence
        } else if r.eat("view") {
            ObjectKind::View
        } else if r.eat("index") {
            ObjectKind::Index
        } else if r.eat("schema") {
            ObjectKind::Schema
        } else if r.eat("database") {
            ObjectKind::Database
        } else {
            return Ok(None);
        };
        let if_exists = r.is("if") && r.is_at(r.i + 1, "exists");
        if if_exists {
            r.i += 2;
        }
        if kind == ObjectKind::Table {
            r.eat("only");
        }
        let Ok(name) = r.qualified() else {
            return Ok(None);
        };
        if kind == ObjectKind::Table && matches!(r.peek(), Some(Token::Mul)) {
            r.i += 1;
        }
        // Only exactly `… name OWNER TO role` (not `RENAME COLUMN owner TO x`).
        if !r.is("owner") || r.i + 3 != r.sig.len() {
            return Ok(None);
        }
        r.expect("owner")?;
        r.expect("to")?;
        let owner = r.role_spec()?;
        AuthStmt::AlterOwner {
            kind,
            if_exists,
            name,
            owner,
        }
    } else {
        return Ok(None);
    };
    r.finish()?;
    Ok(Some(stmt))
}

/// `GRANTED BY role`: accepted (the grantor recorded is the current user, as PostgreSQL 15
/// does for anything but a superuser naming another role).
fn skip_granted_by(r: &mut Reader<'_>) -> Result<()> {
    if r.eat("granted") {
        r.expect("by")?;
        r.role_spec()?;
    }
    Ok(())
}

/// `ALTER <kind> … OWNER TO role`, exactly: the last three words.
fn is_owner_to(sig: &[&TokenWithSpan]) -> bool {
    let n = sig.len();
    n >= 5
        && matches!(&sig[n - 3].token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("owner"))
        && matches!(&sig[n - 2].token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("to"))
}

/// SET ROLE / SET SESSION AUTHORIZATION / RESET ROLE / RESET SESSION AUTHORIZATION.
fn set_role(r: &mut Reader<'_>) -> Result<Option<AuthStmt>> {
    if r.is("reset") {
        if r.is_at(1, "role") && r.sig.len() == 2 {
            r.i = 2;
            return Ok(Some(AuthStmt::SetRole {
                role: None,
                local: false,
                reset: true,
            }));
        }
        if r.is_at(1, "session") && r.is_at(2, "authorization") && r.sig.len() == 3 {
            r.i = 3;
            return Ok(Some(AuthStmt::SetSessionAuthorization {
                role: None,
                local: false,
                reset: true,
            }));
        }
        return Ok(None);
    }
    if !r.is("set") {
        return Ok(None);
    }
    let mut i = 1;
    let mut local = false;
    if r.is_at(i, "local") {
        local = true;
        i += 1;
    } else if r.is_at(i, "session")
        && (r.is_at(i + 1, "role")
            || (r.is_at(i + 1, "session") && r.is_at(i + 2, "authorization")))
    {
        i += 1;
    }
    if r.is_at(i, "role") {
        r.i = i + 1;
        // `SET ROLE TO x` and `SET ROLE = x` are not PostgreSQL's grammar for ROLE, but the
        // generic SET form accepts them: `role` is a setting too.
        if matches!(r.peek(), Some(Token::Eq)) || r.is("to") {
            r.i += 1;
        }
        let role = r.role_value("none")?;
        return Ok(Some(AuthStmt::SetRole {
            role,
            local,
            reset: false,
        }));
    }
    if r.is_at(i, "session") && r.is_at(i + 1, "authorization") {
        r.i = i + 2;
        let role = r.role_value("default")?;
        return Ok(Some(AuthStmt::SetSessionAuthorization {
            role,
            local,
            reset: false,
        }));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(sql: &str) -> Option<AuthStmt> {
        let parsed = crate::parse::parse(sql).expect("parse");
        match parsed.into_iter().next().map(|p| p.stmt) {
            Some(crate::parse::Stmt::Auth(a)) => Some(*a),
            _ => None,
        }
    }

    fn err(sql: &str) -> SqlError {
        crate::parse::parse(sql).expect_err("error")
    }

    #[test]
    fn roles() {
        assert_eq!(
            p("CREATE ROLE Alice WITH LOGIN PASSWORD 'x' VALID UNTIL '2030-01-01' IN ROLE g"),
            Some(AuthStmt::CreateRole {
                name: "alice".into(),
                kind: RoleKind::Role,
                options: vec![
                    RoleOption::Login(true),
                    RoleOption::Password(Some("x".into())),
                    RoleOption::ValidUntil("2030-01-01".into()),
                    RoleOption::InRole(vec!["g".into()]),
                ],
            })
        );
        assert_eq!(
            p("alter user \"Bob\" nosuperuser createdb password null connection limit -1"),
            Some(AuthStmt::AlterRole {
                role: RoleSpec::Name("Bob".into()),
                options: vec![
                    RoleOption::Superuser(false),
                    RoleOption::CreateDb(true),
                    RoleOption::Password(None),
                    RoleOption::ConnectionLimit(-1),
                ],
            })
        );
        assert_eq!(
            p("ALTER ROLE a RENAME TO b"),
            Some(AuthStmt::RenameRole {
                old: "a".into(),
                new: "b".into()
            })
        );
        assert_eq!(
            p("drop role if exists a, b"),
            Some(AuthStmt::DropRole {
                names: vec!["a".into(), "b".into()],
                if_exists: true
            })
        );
        assert_eq!(err("create role a wibble").sqlstate, "42601");
        assert!(p("create user mapping for a server s").is_none());
        assert!(p("select 1").is_none());
    }

    #[test]
    fn grants() {
        assert_eq!(
            p("GRANT SELECT, insert ON t, s.u TO alice, PUBLIC WITH GRANT OPTION"),
            Some(AuthStmt::Grant(Grant {
                grant: true,
                privileges: Some(privilege::SELECT | privilege::INSERT),
                kind: ObjectKind::Table,
                target: GrantTarget::Objects(vec![vec!["t".into()], vec!["s".into(), "u".into()]]),
                grantees: vec![RoleSpec::Name("alice".into()), RoleSpec::Public],
                grant_option: true,
                cascade: false,
            }))
        );
        assert_eq!(
            p("revoke all privileges on all tables in schema s from bob cascade"),
            Some(AuthStmt::Grant(Grant {
                grant: false,
                privileges: None,
                kind: ObjectKind::Table,
                target: GrantTarget::AllInSchema(vec!["s".into()]),
                grantees: vec![RoleSpec::Name("bob".into())],
                grant_option: false,
                cascade: true,
            }))
        );
        assert_eq!(
            p("grant g to a, b with admin option"),
            Some(AuthStmt::GrantRole {
                grant: true,
                roles: vec!["g".into()],
                grantees: vec![RoleSpec::Name("a".into()), RoleSpec::Name("b".into())],
                admin_option: true,
            })
        );
        assert_eq!(err("grant frob on t to a").sqlstate, "42601");
    }

    #[test]
    fn set_role_and_owner() {
        assert_eq!(
            p("SET ROLE alice"),
            Some(AuthStmt::SetRole {
                role: Some("alice".into()),
                local: false,
                reset: false
            })
        );
        assert_eq!(
            p("set local role none"),
            Some(AuthStmt::SetRole {
                role: None,
                local: true,
                reset: false
            })
        );
        assert_eq!(
            p("RESET SESSION AUTHORIZATION"),
            Some(AuthStmt::SetSessionAuthorization {
                role: None,
                local: false,
                reset: true
            })
        );
        assert_eq!(
            p("set session authorization 'bob'"),
            Some(AuthStmt::SetSessionAuthorization {
                role: Some("bob".into()),
                local: false,
                reset: false
            })
        );
        assert_eq!(
            p("ALTER TABLE public.t OWNER TO bob"),
            Some(AuthStmt::AlterOwner {
                kind: ObjectKind::Table,
                if_exists: false,
                name: vec!["public".into(), "t".into()],
                owner: RoleSpec::Name("bob".into()),
            })
        );
        assert!(p("set search_path = a").is_none());
        assert!(p("alter table t add column owner int").is_none());
    }
}
