//! Values and result columns: SQLite's storage classes holding PostgreSQL's types.
//!
//! A value is in its type's storage form (see `sql::types`); a result column says which type
//! (and name, typmod, table and column number for RowDescription). [`output`] shows a value as
//! PostgreSQL's text.

use std::time::{SystemTime, UNIX_EPOCH};

use sql::Type;
pub use sql::Value;

/// A result column: its name, PostgreSQL type and typmod, and where it comes from.
pub type Column = sql::ir::OutColumn;

/// A column of `ty` not taken from a table.
pub fn column(name: impl Into<String>, ty: Type) -> Column {
    Column {
        name: name.into(),
        ty,
        typmod: -1,
        table_oid: 0,
        attnum: 0,
    }
}

/// PostgreSQL's text for a stored value of `ty` in this session (`None` for NULL).
pub fn output(ty: Type, v: &Value) -> Option<String> {
    crate::runtime::with_env(|env| sql::types::io::output(ty, env, v))
}

/// A time as `timestamptz`'s stored form: microseconds since 2000-01-01 UTC.
pub fn timestamptz_value(t: SystemTime) -> i64 {
    const PG_EPOCH_UNIX_SECS: i64 = 946_684_800;
    let micros = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_micros()).unwrap_or(i64::MAX),
    };
    micros.saturating_sub(PG_EPOCH_UNIX_SECS * 1_000_000)
}

/// PostgreSQL's boolean input words (`t`, `yes`, `on`, `1`, any unique prefix…).
pub fn parse_bool(s: &str) -> Option<bool> {
    match sql::types::io::input(Type::BOOL, &sql::Env::default(), s, -1) {
        Ok(Value::Int(i)) => Some(i != 0),
        _ => None,
    }
}
