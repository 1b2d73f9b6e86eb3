//! What a statement gives back: rows, the command tag, notices; and the transaction status
//! ReadyForQuery reports.

use crate::value::{Column, Value};

/// ReadyForQuery's transaction status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxStatus {
    /// `I`: not in a transaction block.
    Idle,
    /// `T`: in a transaction block.
    InBlock,
    /// `E`: in a failed transaction block (only ROLLBACK/COMMIT/ROLLBACK TO are accepted).
    Failed,
}

impl TxStatus {
    /// The byte ReadyForQuery carries.
    pub fn indicator(self) -> u8 {
        match self {
            TxStatus::Idle => b'I',
            TxStatus::InBlock => b'T',
            TxStatus::Failed => b'E',
        }
    }
}

/// A NoticeResponse to send before the statement's completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// `WARNING`, `NOTICE`, …
    pub severity: &'static str,
    pub sqlstate: &'static str,
    pub message: String,
}

impl Notice {
    pub fn warning(sqlstate: &'static str, message: impl Into<String>) -> Self {
        Notice {
            severity: "WARNING",
            sqlstate,
            message: message.into(),
        }
    }

    #[expect(
        clippy::self_named_constructors,
        reason = "NOTICE is PostgreSQL's severity name"
    )]
    pub fn notice(sqlstate: &'static str, message: impl Into<String>) -> Self {
        Notice {
            severity: "NOTICE",
            sqlstate,
            message: message.into(),
        }
    }
}

/// One statement's complete result, rows buffered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct QueryResult {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    /// CommandComplete's tag: `INSERT 0 3`, `SELECT 2`, `UPDATE 1`, `CREATE TABLE`, `SET`, …;
    /// empty for an empty statement.
    pub tag: String,
    pub notices: Vec<Notice>,
}

impl QueryResult {
    /// A result with only a tag.
    pub fn tag(tag: impl Into<String>) -> Self {
        QueryResult {
            tag: tag.into(),
            ..QueryResult::default()
        }
    }

    pub(crate) fn with_notices(mut self, notices: Vec<Notice>) -> Self {
        self.notices.extend(notices);
        self
    }
}
