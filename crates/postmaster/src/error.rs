//! The postmaster crate's error type: everything that stops a start or a command.

/// Errors that stop the server (logged as FATAL) or a control command.
#[derive(Debug, thiserror::Error)]
pub enum PmError {
    /// A reason to stop, already worded for the log.
    #[error("{0}")]
    Fatal(String),
    /// An I/O failure with what was being done.
    #[error("{what}: {source}")]
    Io {
        what: String,
        source: std::io::Error,
    },
    /// A bad setting.
    #[error("{0}")]
    Guc(#[from] guc::GucError),
    /// Shared memory could not be set up.
    #[error("{0}")]
    Shmem(#[from] shmem::ShmemError),
    /// The PGPROC array could not be set up.
    #[error("{0}")]
    Proc(#[from] proc::ProcError),
}

impl PmError {
    /// An I/O error with context.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        PmError::Io {
            what: what.into(),
            source,
        }
    }
}
