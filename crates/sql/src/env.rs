//! [`Env`]: what a value's meaning depends on besides the value: the session's settings that
//! change how values read and print (TimeZone, DateStyle, IntervalStyle, extra_float_digits,
//! bytea_output) and the transaction's clock. The session that runs statements owns one and
//! keeps it current; runtime functions only read it.

use crate::types::tz::TimeZone;

/// `DateStyle`'s output format.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum DateStyle {
    #[default]
    Iso,
    Postgres,
    Sql,
    German,
}

/// `DateStyle`'s field order for ambiguous input (and for Postgres/SQL output).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum DateOrder {
    #[default]
    Mdy,
    Dmy,
    Ymd,
}

/// `IntervalStyle`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum IntervalStyle {
    #[default]
    Postgres,
    PostgresVerbose,
    SqlStandard,
    Iso8601,
}

/// The settings and clock values that runtime functions read.
#[derive(Clone, Debug)]
pub struct Env {
    pub timezone: TimeZone,
    pub date_style: DateStyle,
    pub date_order: DateOrder,
    pub interval_style: IntervalStyle,
    /// `extra_float_digits`: 1 or more prints the shortest exact form (PostgreSQL 12+).
    pub extra_float_digits: i32,
    /// `bytea_output = hex` (else `escape`).
    pub bytea_hex: bool,
    /// `now()` / `transaction_timestamp()`: microseconds since 2000-01-01 UTC.
    pub transaction_start: i64,
    /// `statement_timestamp()`.
    pub statement_start: i64,
}

impl Default for Env {
    fn default() -> Self {
        Env {
            timezone: TimeZone::Utc,
            date_style: DateStyle::Iso,
            date_order: DateOrder::Mdy,
            interval_style: IntervalStyle::Postgres,
            extra_float_digits: 1,
            bytea_hex: true,
            transaction_start: 0,
            statement_start: 0,
        }
    }
}
