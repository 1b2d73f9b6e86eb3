//! The SQLite authorizer that keeps client and worker SQL inside the data directory and away
//! from minipg's own catalog and transaction bookkeeping.
//!
//! SQLite calls the authorizer while it *prepares* a statement. While [`AuthState`] is
//! enforcing (client or worker SQL), it refuses: `ATTACH`/`DETACH`; `load_extension()`;
//! pragmas outside a read-only whitelist (or a whitelisted one given a value that would change
//! a setting); writes to `minipg_*` tables; raw transaction and savepoint statements (those go
//! through the session's state machine, which issues them itself with enforcement off).
//! `VACUUM INTO` is refused before preparation by [`refuse_vacuum_into`] since SQLite reports
//! no authorizer action for it. While preparing it also records what the statement writes and
//! reads (for constraint messages and parameter type inference), and whether it involves any
//! schema object at all (the plan cache keeps such plans only while the schema is unchanged).
//!
//! Invariant: enforcement is switched off only around the server's own statements, and back on
//! before any client text is prepared (see `connection::SqlConn::trusted`).
//! Never: lets a refused statement through because its error is unexpected — any action not
//! named here is allowed only if it cannot reach a file.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::hooks::{AuthAction, AuthContext, Authorization};

/// Pragmas a client may run, without a value (reads) or with a table/index name argument.
const READ_ONLY_PRAGMAS: &[&str] = &[
    "table_info",
    "table_xinfo",
    "table_list",
    "index_list",
    "index_info",
    "index_xinfo",
    "foreign_key_list",
    "foreign_key_check",
    "quick_check",
    "integrity_check",
];
/// Pragmas a client may only read (a value would change a setting).
const READ_ONLY_SETTINGS: &[&str] = &[
    "page_count",
    "freelist_count",
    "page_size",
    "data_version",
    "schema_version",
    "user_version",
    "encoding",
    "auto_vacuum",
    "journal_mode",
    "compile_options",
    "collation_list",
    "function_list",
    "module_list",
    "pragma_list",
];

/// Shared between a connection's authorizer callback and the code that prepares statements.
#[derive(Default)]
pub(crate) struct AuthState {
    enforce: AtomicBool,
    scratch: Mutex<Scratch>,
}

/// What the authorizer saw while preparing the latest statement.
#[derive(Default, Debug, Clone)]
pub(crate) struct Scratch {
    /// Why the statement was refused (first refusal).
    pub denied: Option<String>,
    /// The table the statement inserts into, updates or deletes from (first seen).
    pub write_table: Option<String>,
    /// What the statement does to `write_table`: `'i'`nsert, `'u'`pdate or `'d'`elete.
    pub write_kind: Option<char>,
    /// `(table, column)` pairs read.
    pub reads: Vec<(String, String)>,
    /// The statement involves a schema object (a table, view, index, trigger, pragma…): its
    /// plan depends on SQLite's schema. Only SELECT, function calls and recursive CTEs do not.
    pub schema_objects: bool,
}

impl AuthState {
    pub(crate) fn new(enforce: bool) -> Self {
        AuthState {
            enforce: AtomicBool::new(enforce),
            scratch: Mutex::new(Scratch::default()),
        }
    }

    pub(crate) fn set_enforce(&self, on: bool) {
        self.enforce.store(on, Ordering::SeqCst);
    }

    pub(crate) fn enforcing(&self) -> bool {
        self.enforce.load(Ordering::SeqCst)
    }

    /// Forgets what the previous statement recorded; call before preparing the next.
    pub(crate) fn reset(&self) {
        *self.lock() = Scratch::default();
    }

    pub(crate) fn scratch(&self) -> Scratch {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Scratch> {
        // A poisoned lock only means a panic elsewhere; the data is plain and still usable.
        self.scratch.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The authorizer callback body.
    pub(crate) fn authorize(&self, ctx: AuthContext<'_>) -> Authorization {
        let mut scratch = self.lock();
        if !matches!(
            ctx.action,
            AuthAction::Select | AuthAction::Function { .. } | AuthAction::Recursive
        ) {
            scratch.schema_objects = true;
        }
        match ctx.action {
            AuthAction::Insert { table_name }
            | AuthAction::Delete { table_name }
            | AuthAction::Update { table_name, .. }
                if ctx.accessor.is_none() && scratch.write_table.is_none() =>
            {
                scratch.write_table = Some(table_name.to_string());
                scratch.write_kind = Some(match ctx.action {
                    AuthAction::Insert { .. } => 'i',
                    AuthAction::Delete { .. } => 'd',
                    _ => 'u',
                });
            }
            AuthAction::Read {
                table_name,
                column_name,
            } if scratch.reads.len() < 256 => {
                scratch
                    .reads
                    .push((table_name.to_string(), column_name.to_string()));
            }
            _ => {}
        }
        if !self.enforcing() {
            return Authorization::Allow;
        }
        match refusal(&ctx.action) {
            None => Authorization::Allow,
            Some(why) => {
                if scratch.denied.is_none() {
                    scratch.denied = Some(why);
                }
                Authorization::Deny
            }
        }
    }
}

fn is_catalog_table(name: &str) -> bool {
    // `get`, not `[..7]`: a client's table name may have a multi-byte character at byte 7.
    name.get(..7)
        .is_some_and(|head| head.eq_ignore_ascii_case("minipg_"))
}

/// Why `action` is refused for client SQL, or `None` when it is allowed.
fn refusal(action: &AuthAction<'_>) -> Option<String> {
    match *action {
        AuthAction::Attach { .. } => Some("permission denied to attach a database file".into()),
        AuthAction::Detach { .. } => Some("permission denied to detach a database".into()),
        AuthAction::Function { function_name }
            if function_name.eq_ignore_ascii_case("load_extension") =>
        {
            Some("permission denied for function load_extension".into())
        }
        AuthAction::Pragma {
            pragma_name,
            pragma_value,
        } => {
            let name = pragma_name.to_ascii_lowercase();
            let allowed = READ_ONLY_PRAGMAS.contains(&name.as_str())
                || (READ_ONLY_SETTINGS.contains(&name.as_str()) && pragma_value.is_none());
            (!allowed).then(|| format!("permission denied to run PRAGMA {name}"))
        }
        AuthAction::Insert { table_name }
        | AuthAction::Delete { table_name }
        | AuthAction::Update { table_name, .. }
        | AuthAction::DropTable { table_name }
        | AuthAction::AlterTable { table_name, .. }
        | AuthAction::CreateIndex { table_name, .. }
        | AuthAction::CreateTrigger { table_name, .. }
            if is_catalog_table(table_name) =>
        {
            Some(format!("permission denied for table {table_name}"))
        }
        AuthAction::Transaction { .. } | AuthAction::Savepoint { .. } => Some(
            "permission denied: transaction control must use BEGIN/COMMIT/ROLLBACK/SAVEPOINT"
                .into(),
        ),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals() {
        assert!(refusal(&AuthAction::Attach { filename: "/tmp/x" }).is_some());
        assert!(refusal(&AuthAction::Detach { database_name: "x" }).is_some());
        assert!(
            refusal(&AuthAction::Function {
                function_name: "load_extension"
            })
            .is_some()
        );
        assert!(
            refusal(&AuthAction::Function {
                function_name: "count"
            })
            .is_none()
        );
        let pragma = |name, value| AuthAction::Pragma {
            pragma_name: name,
            pragma_value: value,
        };
        assert!(refusal(&pragma("table_info", Some("t"))).is_none());
        assert!(refusal(&pragma("page_count", None)).is_none());
        assert!(refusal(&pragma("page_size", Some("1024"))).is_some());
        assert!(refusal(&pragma("journal_mode", Some("delete"))).is_some());
        assert!(refusal(&pragma("writable_schema", Some("1"))).is_some());
        assert!(
            refusal(&AuthAction::Insert {
                table_name: "minipg_namespace"
            })
            .is_some()
        );
        assert!(refusal(&AuthAction::Insert { table_name: "t" }).is_none());
    }

    #[test]
    fn a_multibyte_character_at_byte_six_is_not_a_panic() {
        // Found by `cargo fuzz run session`: a multibyte character where a slice of the
        // name would end.
        assert!(!is_catalog_table("minipg\u{e9}x"));
        assert!(!is_catalog_table("abcdef\u{e9}"));
        assert!(is_catalog_table("MINIPG_namespace"));
    }
}
