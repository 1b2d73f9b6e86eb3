//! Utility statements that core executes itself rather than handing to SQLite: transaction
//! control, settings (`SET`/`SHOW`/`RESET`/`DISCARD ALL`) and `CREATE`/`DROP DATABASE`.
//!
//! Owns: PostgreSQL's grammar for these commands, reduced to the [`Statement`] variants core acts
//! on. Invariant: every accepted spelling maps to exactly one variant; trailing junk is a 42601
//! syntax error and recognised-but-unsupported forms (`AND CHAIN`, two-phase commit) are 0A000.
//! Never: touches SQLite or decides whether a setting exists (core's GUC layer does).

use super::cursor::Cursor;
use super::lexer::{
    TokenKind, dollar_string_value, escape_string_value, plain_string_value, quoted_ident_value,
};
use super::names::fold;
use super::{RewriteError, Statement};

/// `BEGIN [WORK|TRANSACTION] [modes]` / `START TRANSACTION [modes]` (cursor after BEGIN/START).
pub(crate) fn begin(c: &mut Cursor<'_, '_>, start: bool) -> Result<Statement, RewriteError> {
    if start {
        c.expect_word("transaction")?;
    } else if !c.eat_word("work") {
        c.eat_word("transaction");
    }
    transaction_modes(c)?;
    c.expect_end()?;
    Ok(Statement::Begin {
        sqlite: "BEGIN".into(),
    })
}

/// `ISOLATION LEVEL …`, `READ WRITE|ONLY`, `[NOT] DEFERRABLE`, comma-separated or not, as
/// `(setting, value)` pairs. BEGIN accepts and ignores them: SQLite transactions are
/// serializable, and read-only enforcement would be core's business.
fn transaction_modes(
    c: &mut Cursor<'_, '_>,
) -> Result<Vec<(&'static str, &'static str)>, RewriteError> {
    let mut modes = Vec::new();
    while !c.at_end() {
        if !modes.is_empty() {
            c.eat_kind(TokenKind::Comma);
        }
        if c.eat_words(&["isolation", "level"]) {
            let level = if c.eat_word("serializable") {
                "serializable"
            } else if c.eat_words(&["repeatable", "read"]) {
                "repeatable read"
            } else if c.eat_words(&["read", "committed"]) {
                "read committed"
            } else if c.eat_words(&["read", "uncommitted"]) {
                "read uncommitted"
            } else {
                return Err(c.syntax_error());
            };
            modes.push(("transaction_isolation", level));
        } else if c.eat_words(&["read", "write"]) {
            modes.push(("transaction_read_only", "off"));
        } else if c.eat_words(&["read", "only"]) {
            modes.push(("transaction_read_only", "on"));
        } else if c.eat_word("deferrable") {
            modes.push(("transaction_deferrable", "on"));
        } else if c.eat_words(&["not", "deferrable"]) {
            modes.push(("transaction_deferrable", "off"));
        } else {
            return Err(c.syntax_error());
        }
    }
    Ok(modes)
}

/// `[WORK|TRANSACTION] [AND [NO] CHAIN]` after COMMIT/END/ROLLBACK/ABORT.
fn end_of_transaction(c: &mut Cursor<'_, '_>) -> Result<(), RewriteError> {
    if !c.eat_word("work") {
        c.eat_word("transaction");
    }
    if c.eat_word("and") {
        if c.eat_word("chain") {
            return Err(c.not_supported("AND CHAIN"));
        }
        c.expect_word("no")?;
        c.expect_word("chain")?;
    }
    c.expect_end()
}

/// COMMIT / END (cursor after the first word).
pub(crate) fn commit(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    if c.is_word("prepared") {
        return Err(c.not_supported("COMMIT PREPARED"));
    }
    end_of_transaction(c)?;
    Ok(Statement::Commit)
}

/// ROLLBACK / ABORT, including `ROLLBACK [WORK|TRANSACTION] TO [SAVEPOINT] name`.
pub(crate) fn rollback(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    if c.is_word("prepared") {
        return Err(c.not_supported("ROLLBACK PREPARED"));
    }
    let save = c.i;
    if !c.eat_word("work") {
        c.eat_word("transaction");
    }
    if c.eat_word("to") {
        c.eat_word("savepoint");
        let name = c.name()?;
        c.expect_end()?;
        return Ok(Statement::RollbackTo { name });
    }
    c.i = save;
    end_of_transaction(c)?;
    Ok(Statement::Rollback)
}

pub(crate) fn savepoint(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    let name = c.name()?;
    c.expect_end()?;
    Ok(Statement::Savepoint { name })
}

pub(crate) fn release(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    c.eat_word("savepoint");
    let name = c.name()?;
    c.expect_end()?;
    Ok(Statement::Release { name })
}

/// A setting name: `name` or `prefix.name` (lower-cased, as GUC names are case-insensitive).
fn setting_name(c: &mut Cursor<'_, '_>) -> Result<String, RewriteError> {
    let mut name = c.name()?.to_lowercase();
    while c.eat_kind(TokenKind::Dot) {
        name.push('.');
        name.push_str(&c.name()?.to_lowercase());
    }
    Ok(name)
}

/// The special multi-word setting names shared by SET, SHOW and RESET.
fn special_setting(c: &mut Cursor<'_, '_>) -> Option<&'static str> {
    if c.eat_words(&["time", "zone"]) {
        Some("timezone")
    } else if c.eat_words(&["transaction", "isolation", "level"]) {
        Some("transaction_isolation")
    } else if c.eat_words(&["session", "authorization"]) {
        Some("session_authorization")
    } else {
        None
    }
}

/// `SET [SESSION|LOCAL] …` (cursor after SET).
pub(crate) fn set(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    let local = if c.eat_word("local") {
        true
    } else {
        c.eat_word("session");
        false
    };
    if c.is_word("session") && c.peek_at(1).is_some_and(|t| t.is_word("characteristics")) {
        return Err(c.not_supported("SET SESSION CHARACTERISTICS"));
    }
    if c.eat_word("transaction") {
        // SET TRANSACTION <mode> is SET LOCAL of the matching setting; with several modes only
        // the first is reported (the others are validated and ignored).
        let modes = transaction_modes(c)?;
        let Some((name, value)) = modes.first() else {
            return Err(c.syntax_error());
        };
        return Ok(Statement::Set {
            name: (*name).into(),
            value: Some((*value).into()),
            local: true,
        });
    }
    if c.eat_words(&["time", "zone"]) {
        let value = if c.eat_word("local") || c.eat_word("default") {
            None
        } else {
            Some(values(c)?)
        };
        c.expect_end()?;
        return Ok(Statement::Set {
            name: "timezone".into(),
            value,
            local,
        });
    }
    let name = if c.eat_word("schema") {
        let value = values(c)?;
        c.expect_end()?;
        return Ok(Statement::Set {
            name: "search_path".into(),
            value: Some(value),
            local,
        });
    } else if c.eat_word("names") {
        let value = if c.eat_word("default") {
            None
        } else {
            Some(values(c)?)
        };
        c.expect_end()?;
        return Ok(Statement::Set {
            name: "client_encoding".into(),
            value,
            local,
        });
    } else {
        setting_name(c)?
    };
    if !(c.eat_word("to")
        || c.peek()
            .is_some_and(|t| t.kind == TokenKind::Op && t.text == "="))
    {
        return Err(c.syntax_error());
    }
    if c.peek().is_some_and(|t| t.text == "=") {
        c.i += 1;
    }
    let value = if c.is_word("default") && c.peek_at(1).is_none() {
        c.i += 1;
        None
    } else {
        Some(values(c)?)
    };
    c.expect_end()?;
    Ok(Statement::Set { name, value, local })
}

/// A comma-separated list of setting values, joined with ", " as PostgreSQL shows lists.
fn values(c: &mut Cursor<'_, '_>) -> Result<String, RewriteError> {
    let mut parts = Vec::new();
    loop {
        parts.push(value(c)?);
        if !c.eat_kind(TokenKind::Comma) {
            return Ok(parts.join(", "));
        }
    }
}

fn value(c: &mut Cursor<'_, '_>) -> Result<String, RewriteError> {
    let Some(t) = c.peek() else {
        return Err(c.syntax_error());
    };
    let v = match t.kind {
        TokenKind::String { escape: false } => plain_string_value(t.text),
        TokenKind::String { escape: true } => {
            escape_string_value(t.text).map_err(|_| c.syntax_error())?
        }
        TokenKind::DollarString { tag_len } => dollar_string_value(t.text, tag_len).to_string(),
        TokenKind::Number => t.text.to_string(),
        TokenKind::Word => fold(t.text),
        TokenKind::QuotedIdent => quoted_ident_value(t.text),
        TokenKind::Op if t.text == "-" || t.text == "+" => {
            let sign = t.text;
            match c.peek_at(1) {
                Some(n) if n.kind == TokenKind::Number => {
                    c.i += 1;
                    format!("{}{}", if sign == "-" { "-" } else { "" }, n.text)
                }
                _ => return Err(c.syntax_error()),
            }
        }
        _ => return Err(c.syntax_error()),
    };
    c.i += 1;
    Ok(v)
}

/// `SHOW name | ALL | TIME ZONE | TRANSACTION ISOLATION LEVEL | SESSION AUTHORIZATION`.
pub(crate) fn show(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    let name = match special_setting(c) {
        Some(n) => n.to_string(),
        None => setting_name(c)?,
    };
    c.expect_end()?;
    Ok(Statement::Show { name })
}

/// `RESET name | ALL | TIME ZONE | …`.
pub(crate) fn reset(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    let name = match special_setting(c) {
        Some(n) => Some(n.to_string()),
        None if c.eat_word("all") => None,
        None => Some(setting_name(c)?),
    };
    c.expect_end()?;
    Ok(Statement::Reset { name })
}

/// `DISCARD ALL`; the narrower forms have nothing to discard in minipg but are refused rather than
/// silently reset settings.
pub(crate) fn discard(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    if c.eat_word("all") {
        c.expect_end()?;
        return Ok(Statement::Discard);
    }
    if ["plans", "sequences", "temp", "temporary"]
        .iter()
        .any(|w| c.is_word(w))
    {
        return Err(c.not_supported("DISCARD PLANS/SEQUENCES/TEMP"));
    }
    Err(c.syntax_error())
}

/// `CREATE DATABASE name [[WITH] options]` (cursor after DATABASE). The options (owner, template,
/// encoding, locale…) have no meaning for a SQLite file and are accepted and ignored.
pub(crate) fn create_database(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    let name = c.name()?;
    Ok(Statement::CreateDatabase { name })
}

/// `DROP DATABASE [IF EXISTS] name [[WITH] (FORCE)]` (cursor after DATABASE).
pub(crate) fn drop_database(c: &mut Cursor<'_, '_>) -> Result<Statement, RewriteError> {
    let if_exists = c.eat_words(&["if", "exists"]);
    let name = c.name()?;
    c.eat_word("with");
    if c.eat_kind(TokenKind::LParen) {
        c.expect_word("force")?;
        if !c.eat_kind(TokenKind::RParen) {
            return Err(c.syntax_error());
        }
    }
    c.expect_end()?;
    Ok(Statement::DropDatabase { name, if_exists })
}
