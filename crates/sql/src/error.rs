//! The front end's error: PostgreSQL's fields (SQLSTATE, message, detail, hint, position).
//!
//! Invariant: every code minipg reports is a constant in [`sqlstate`] (the `sqlstate` crate,
//! re-exported here) and listed in [`sqlstate::ALL`], so a code that crossed SQLite as text maps
//! back to its constant.

/// SQLSTATE codes (PostgreSQL's `errcodes.txt` names, upper-cased), from the `sqlstate` crate.
pub use ::sqlstate;

/// An error with PostgreSQL's fields.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SqlError {
    pub sqlstate: &'static str,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// 1-based character position in the statement text, as PostgreSQL reports it.
    pub position: Option<usize>,
}

impl SqlError {
    pub fn new(sqlstate: &'static str, message: impl Into<String>) -> Self {
        SqlError {
            sqlstate,
            message: message.into(),
            detail: None,
            hint: None,
            position: None,
        }
    }

    sqlstate::detail_and_hint!();

    /// Sets the position unless one is already known (the innermost position wins).
    pub fn at(mut self, position: Option<usize>) -> Self {
        if self.position.is_none() {
            self.position = position;
        }
        self
    }

    /// 22P02 `invalid input syntax for type NAME: "TEXT"`.
    pub fn invalid_input(type_name: &str, text: &str) -> Self {
        SqlError::new(
            sqlstate::INVALID_TEXT_REPRESENTATION,
            format!("invalid input syntax for type {type_name}: \"{text}\""),
        )
    }

    /// 22003 with `message` (e.g. `integer out of range`).
    pub fn out_of_range(message: impl Into<String>) -> Self {
        SqlError::new(sqlstate::NUMERIC_VALUE_OUT_OF_RANGE, message)
    }

    /// 22012 `division by zero`.
    pub fn division_by_zero() -> Self {
        SqlError::new(sqlstate::DIVISION_BY_ZERO, "division by zero")
    }

    /// 0A000 with `message`.
    pub fn not_supported(message: impl Into<String>) -> Self {
        SqlError::new(sqlstate::FEATURE_NOT_SUPPORTED, message)
    }

    /// 42601 with `message`.
    pub fn syntax(message: impl Into<String>) -> Self {
        SqlError::new(sqlstate::SYNTAX_ERROR, message)
    }

    /// XX000 with `message`.
    pub fn internal(message: impl Into<String>) -> Self {
        SqlError::new(sqlstate::INTERNAL_ERROR, message)
    }
}

/// The front end's result type.
pub type Result<T, E = SqlError> = std::result::Result<T, E>;
