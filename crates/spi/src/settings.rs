//! SET / SHOW / RESET over the `guc` crate, with PostgreSQL's transactional behaviour: a SET
//! made inside a transaction block is undone if the block rolls back (or by ROLLBACK TO a
//! savepoint made before it), and `SET LOCAL` lasts only until the block ends.
//!
//! Invariant: [`SettingsUndo`] logs every change made in the current block with the value it
//! replaced (`None` = no session value, i.e. back to the file/default layer), in order; a
//! savepoint is a position in that log.
//! Never: touches another process's settings.

use crate::error::SpiError;
use crate::result::Notice;
use crate::value::{Column, Value, column};
use sql::Type;

fn guc_error(e: &guc::GucError) -> SpiError {
    SpiError::new(e.sqlstate(), e.to_string())
}

/// Whether the current role may SET superuser-only settings.
pub(crate) fn may_set_superuser_settings() -> bool {
    crate::roles::identity().current_superuser
}

/// Puts back a value the session had (a transaction's end, ROLLBACK TO): not checked again,
/// as PostgreSQL does not, so a role change since cannot strand a value.
fn restore(name: &str, before: Option<&str>) {
    if let Err(e) = guc::set_session(name, before, true) {
        tracing::warn!("could not restore setting \"{name}\": {e}");
    }
}

/// The open block's changes, to undo at its end or at ROLLBACK TO.
#[derive(Debug, Default)]
pub(crate) struct SettingsUndo {
    /// `(name, value it replaced, SET LOCAL)` for every change, in order.
    log: Vec<(String, Option<String>, bool)>,
}

impl SettingsUndo {
    fn remember(&mut self, name: &str, local: bool) {
        let before = match guc::source(name) {
            Ok(guc::GucSource::Session) => guc::show(name).ok(),
            _ => None,
        };
        self.log.push((name.to_string(), before, local));
    }

    /// Where a savepoint made now starts.
    pub(crate) fn mark(&self) -> usize {
        self.log.len()
    }

    /// ROLLBACK TO a savepoint: the changes made since `mark` are undone, newest first.
    /// Whether any was.
    pub(crate) fn rollback_to(&mut self, mark: usize) -> bool {
        if mark >= self.log.len() {
            return false;
        }
        for (name, before, _) in self.log.drain(mark..).rev() {
            restore(&name, before.as_deref());
        }
        true
    }

    /// End of block: a rollback undoes every change; a commit only what SET LOCAL set last,
    /// going back to the value before its run of SET LOCALs (the block's own SET, or the one
    /// from before the block). Whether any setting was restored.
    pub(crate) fn finish(&mut self, committed: bool) -> bool {
        if !committed {
            return self.rollback_to(0);
        }
        let mut restored = false;
        let log = std::mem::take(&mut self.log);
        let mut done: Vec<&str> = Vec::new();
        for (i, (name, _, _)) in log.iter().enumerate().rev() {
            if done.iter().any(|d| d.eq_ignore_ascii_case(name)) {
                continue;
            }
            done.push(name);
            let mut back_to = None;
            for (n, before, local) in log[..=i].iter().rev() {
                if !n.eq_ignore_ascii_case(name) {
                    continue;
                }
                if !local {
                    break;
                }
                back_to = Some(before);
            }
            if let Some(before) = back_to {
                restore(name, before.as_deref());
                restored = true;
            }
        }
        restored
    }
}

/// `SET [LOCAL] name = value | DEFAULT`. `in_block` decides whether it is remembered for undo.
pub(crate) fn set(
    name: &str,
    value: Option<&str>,
    local: bool,
    in_block: bool,
    undo: &mut SettingsUndo,
) -> Result<Vec<Notice>, SpiError> {
    if local && !in_block {
        return Ok(vec![Notice::warning(
            crate::error::sqlstate::NO_ACTIVE_SQL_TRANSACTION,
            "SET LOCAL can only be used in transaction blocks",
        )]);
    }
    if name.eq_ignore_ascii_case("timezone")
        && let Some(v) = value
        && sql::types::tz::TimeZone::parse(v).is_none()
    {
        return Err(SpiError::new(
            crate::error::sqlstate::INVALID_PARAMETER_VALUE,
            format!("invalid value for parameter \"TimeZone\": \"{v}\""),
        ));
    }
    if in_block {
        undo.remember(name, local);
    }
    guc::set_session(name, value, may_set_superuser_settings()).map_err(|e| guc_error(&e))?;
    Ok(Vec::new())
}

/// The settings that name a mode of the open transaction (`SET transaction_read_only`,
/// `SET transaction_isolation`): set as SET TRANSACTION sets them.
pub(crate) fn is_transaction_mode(name: &str) -> bool {
    name.eq_ignore_ascii_case("transaction_read_only")
        || name.eq_ignore_ascii_case("transaction_isolation")
}

/// SET TRANSACTION's modes (access mode, isolation level) that `SET name = value` of a
/// [transaction mode](is_transaction_mode) asks for, the value checked as the setting's; the
/// setting itself is left as it was.
pub(crate) fn transaction_mode(
    name: &str,
    value: Option<&str>,
) -> Result<(Option<bool>, Option<String>), SpiError> {
    guc::set_session(name, value, may_set_superuser_settings()).map_err(|e| guc_error(&e))?;
    let mode = if name.eq_ignore_ascii_case("transaction_read_only") {
        (Some(guc::builtin::TRANSACTION_READ_ONLY.get()), None)
    } else {
        (None, Some(guc::builtin::TRANSACTION_ISOLATION.get()))
    };
    let _ = guc::set_session(name, None, true);
    Ok(mode)
}

/// `RESET name` / `RESET ALL` (`None`).
pub(crate) fn reset(
    name: Option<&str>,
    in_block: bool,
    undo: &mut SettingsUndo,
) -> Result<(), SpiError> {
    match name {
        Some(name) => {
            if in_block {
                undo.remember(name, false);
            }
            guc::set_session(name, None, may_set_superuser_settings()).map_err(|e| guc_error(&e))
        }
        None => {
            if in_block {
                for (name, _, _) in guc::show_all() {
                    if matches!(guc::source(&name), Ok(guc::GucSource::Session)) {
                        undo.remember(&name, false);
                    }
                }
            }
            guc::reset_session_all();
            Ok(())
        }
    }
}

/// `SHOW name` (one text column titled with the setting's name) or `SHOW ALL`.
pub(crate) fn show(name: &str) -> Result<(Vec<Column>, Vec<Vec<Value>>), SpiError> {
    if name.eq_ignore_ascii_case("all") {
        let rows = guc::show_all()
            .into_iter()
            .map(|(n, s, d)| vec![Value::Text(n), Value::Text(s), Value::Text(d)])
            .collect();
        return Ok((show_columns(name), rows));
    }
    // Outside the block that set it, the transaction's level is the default's, as each
    // transaction starts with it.
    let shown = if name.eq_ignore_ascii_case("transaction_isolation")
        && !matches!(guc::source(name), Ok(guc::GucSource::Session))
    {
        "default_transaction_isolation"
    } else {
        name
    };
    let value = guc::show(shown).map_err(|e| guc_error(&e))?;
    Ok((show_columns(name), vec![vec![Value::Text(value)]]))
}

/// The columns SHOW returns, known before it runs.
pub(crate) fn show_columns(name: &str) -> Vec<Column> {
    if name.eq_ignore_ascii_case("all") {
        return vec![
            column("name", Type::TEXT),
            column("setting", Type::TEXT),
            column("description", Type::TEXT),
        ];
    }
    let title = guc::canonical_name(name).unwrap_or_else(|| name.to_string());
    vec![column(title, Type::TEXT)]
}

/// Builds the [`sql::Env`] from the settings' text: TimeZone, DateStyle, IntervalStyle,
/// extra_float_digits, bytea_output (in that order; missing ones keep their default).
pub(crate) fn apply_to_env(env: &mut sql::Env, values: &[String]) {
    use sql::env::{DateOrder, DateStyle, IntervalStyle};
    if let Some(tz) = values.first()
        && let Some(zone) = sql::types::tz::TimeZone::parse(tz)
    {
        env.timezone = zone;
    }
    if let Some(ds) = values.get(1) {
        for part in ds.split(',').map(|p| p.trim().to_ascii_lowercase()) {
            match part.as_str() {
                "iso" => env.date_style = DateStyle::Iso,
                "postgres" => env.date_style = DateStyle::Postgres,
                "sql" => env.date_style = DateStyle::Sql,
                "german" => env.date_style = DateStyle::German,
                "mdy" | "us" | "noneuropean" => env.date_order = DateOrder::Mdy,
                "dmy" | "european" | "euro" => env.date_order = DateOrder::Dmy,
                "ymd" => env.date_order = DateOrder::Ymd,
                _ => {}
            }
        }
    }
    if let Some(is) = values.get(2) {
        env.interval_style = match is.to_ascii_lowercase().as_str() {
            "postgres_verbose" => IntervalStyle::PostgresVerbose,
            "sql_standard" => IntervalStyle::SqlStandard,
            "iso_8601" => IntervalStyle::Iso8601,
            _ => IntervalStyle::Postgres,
        };
    }
    if let Some(d) = values.get(3)
        && let Ok(n) = d.trim().parse()
    {
        env.extra_float_digits = n;
    }
    if let Some(b) = values.get(4) {
        env.bytea_hex = !b.eq_ignore_ascii_case("escape");
    }
}
