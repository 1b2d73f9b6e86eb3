//! What a statement gives back: rows, the command tag, notices; and the transaction status
//! ReadyForQuery reports. Rows stream through a [`ResultSink`] as SQLite produces them; a
//! [`QueryResult`] buffers them for callers that want them all.

use crate::error::SpiError;
use crate::value::{Column, Value};

/// Where a statement's results go while it runs: the wire protocol writes each row to the
/// client as it comes, so a large result never sits in memory; [`crate::Session::execute`]
/// collects them. An error a method returns stops the statement and becomes its error.
pub trait ResultSink {
    /// A statement that returns rows is about to send them: its columns. Called once per such
    /// statement, before its first row (also when it has none).
    fn describe(&mut self, columns: &[Column]) -> Result<(), SpiError>;
    /// One row.
    fn row(&mut self, row: Vec<Value>) -> Result<(), SpiError>;
    /// A statement of a simple query finished: its tag and notices (`rows` is empty).
    fn complete(&mut self, result: QueryResult) -> Result<(), SpiError>;

    /// The rows that follow come from a transaction that holds the database's write lock:
    /// every other writer waits while this sink waits for its client, so a sink that can
    /// wait (the wire protocol's, on a client that stops reading) bounds that wait with
    /// `idle_write_lock_timeout`. Told before the first row of a statement (or fetch).
    fn holding_write_lock(&mut self) {}

    /// COPY FROM STDIN is about to read: ask the client for data (CopyInResponse) in `format`
    /// for `columns` columns. A sink without a client refuses (0A000).
    fn copy_in_begin(&mut self, format: CopyFormat, columns: usize) -> Result<(), SpiError> {
        let _ = (format, columns);
        Err(no_copy_client())
    }

    /// Appends the client's next piece of COPY data to `buf`; `Ok(false)` once the client
    /// ended the data (CopyDone). The client giving up (CopyFail) is 57014 `COPY from stdin
    /// failed: …`; waiting is interruptible (cancel, statement_timeout, terminate).
    fn copy_in_next(&mut self, buf: &mut Vec<u8>) -> Result<bool, SpiError> {
        let _ = buf;
        Err(no_copy_client())
    }

    /// COPY TO STDOUT is about to send data (CopyOutResponse).
    fn copy_out_begin(&mut self, format: CopyFormat, columns: usize) -> Result<(), SpiError> {
        let _ = (format, columns);
        Err(no_copy_client())
    }

    /// One piece of COPY TO data (a row, as PostgreSQL sends it: one CopyData each).
    fn copy_out_data(&mut self, data: &[u8]) -> Result<(), SpiError> {
        let _ = data;
        Err(no_copy_client())
    }

    /// The end of COPY TO data (CopyDone).
    fn copy_out_end(&mut self) -> Result<(), SpiError> {
        Err(no_copy_client())
    }
}

/// COPY's data format, as the protocol announces it.
pub use sql::copy::CopyFormat;

/// 0A000 for COPY FROM STDIN / TO STDOUT where no client can send or receive the data.
pub(crate) fn no_copy_client() -> SpiError {
    SpiError::new(
        crate::error::sqlstate::FEATURE_NOT_SUPPORTED,
        "COPY FROM STDIN and COPY TO STDOUT need a client connection to exchange the data",
    )
}

/// A sink that buffers: each completed statement with its columns and rows.
#[derive(Debug, Default)]
pub(crate) struct Collect {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Value>>,
    pub done: Vec<QueryResult>,
}

impl ResultSink for Collect {
    fn describe(&mut self, columns: &[Column]) -> Result<(), SpiError> {
        self.columns = columns.to_vec();
        Ok(())
    }

    fn row(&mut self, row: Vec<Value>) -> Result<(), SpiError> {
        self.rows.push(row);
        Ok(())
    }

    fn complete(&mut self, mut result: QueryResult) -> Result<(), SpiError> {
        result.rows = std::mem::take(&mut self.rows);
        if result.columns.is_empty() {
            result.columns = std::mem::take(&mut self.columns);
        }
        self.columns.clear();
        self.done.push(result);
        Ok(())
    }
}

/// A sink that drops the rows (EXPLAIN ANALYZE runs its query for its effects and time).
pub(crate) struct Discard;

impl ResultSink for Discard {
    fn describe(&mut self, _: &[Column]) -> Result<(), SpiError> {
        Ok(())
    }

    fn row(&mut self, _: Vec<Value>) -> Result<(), SpiError> {
        Ok(())
    }

    fn complete(&mut self, _: QueryResult) -> Result<(), SpiError> {
        Ok(())
    }
}

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
    /// DETAIL, when the notice has one (`drop cascades to 3 other objects`).
    pub detail: Option<String>,
    /// HINT, when the notice has one.
    pub hint: Option<String>,
}

impl Notice {
    pub fn warning(sqlstate: &'static str, message: impl Into<String>) -> Self {
        Notice {
            severity: "WARNING",
            sqlstate,
            message: message.into(),
            detail: None,
            hint: None,
        }
    }

    /// The same notice with a DETAIL.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The same notice with a HINT.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
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
            detail: None,
            hint: None,
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
