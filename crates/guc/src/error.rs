//! The one error type of this crate.
//!
//! Every message names the setting, and where a value was involved, the value and why it was
//! refused, in PostgreSQL's wording, so the postmaster can print it as the reason a start failed
//! and a backend can send it in an ErrorResponse with [`GucError::sqlstate`].

use std::io;
use std::path::PathBuf;

/// Why a setting could not be defined, parsed, set or shown.
#[derive(Debug, thiserror::Error)]
pub enum GucError {
    /// The value does not parse for the setting's type (or its check refused it).
    #[error("invalid value for parameter \"{name}\": \"{value}\"{}", hint_suffix(.hint))]
    InvalidValue {
        name: String,
        value: String,
        /// Why, in one sentence (PostgreSQL's HINT), when there is more to say.
        hint: Option<String>,
    },
    /// A number that parsed but lies outside `min ..= max`; `value` carries its unit ("1200 s").
    #[error("{value} is outside the valid range for parameter \"{name}\" ({min} .. {max})")]
    OutOfRange {
        name: String,
        value: String,
        min: String,
        max: String,
    },
    /// No setting of this name exists (and it cannot be a placeholder).
    #[error("unrecognized configuration parameter \"{name}\"")]
    Unrecognized { name: String },
    /// A postmaster-only setting after the start.
    #[error("parameter \"{name}\" cannot be changed without restarting the server")]
    CannotChangeWithoutRestart { name: String },
    /// A reloadable (SIGHUP) setting changed from a session.
    #[error("parameter \"{name}\" cannot be changed now")]
    CannotChangeNow { name: String },
    /// A superuser-only setting changed by a session whose current role is no superuser.
    #[error("permission denied to set parameter \"{name}\"")]
    PermissionDenied { name: String },
    /// A fixed, read-only setting such as `server_version`.
    #[error("parameter \"{name}\" cannot be changed")]
    ReadOnly { name: String },
    /// A custom setting name that is not `prefix.name` made of simple identifiers.
    #[error(
        "invalid configuration parameter name \"{name}\": custom parameter names must be two or \
         more simple identifiers separated by dots"
    )]
    InvalidName { name: String },
    /// `define_*` called twice for one name.
    #[error("attempt to redefine parameter \"{name}\"")]
    AlreadyDefined { name: String },
    /// A `define_*` call whose own arguments are inconsistent (a module's bug).
    #[error("invalid definition of parameter \"{name}\": {why}")]
    InvalidDefinition { name: String, why: String },
    /// The configuration file does not follow `name = value` syntax.
    #[error("syntax error in file \"{}\" line {line}, {why}", .file.display())]
    ConfigFileSyntax {
        file: PathBuf,
        line: usize,
        why: String,
    },
    /// The configuration file could not be read.
    #[error("could not open configuration file \"{}\": {source}", .file.display())]
    ConfigFileIo {
        file: PathBuf,
        #[source]
        source: io::Error,
    },
    /// An error about one line of the configuration file.
    #[error("{error} (in file \"{}\" line {line})", .file.display())]
    InFile {
        file: PathBuf,
        line: usize,
        #[source]
        error: Box<GucError>,
    },
}

fn hint_suffix(hint: &Option<String>) -> String {
    match hint {
        Some(hint) => format!(": {hint}"),
        None => String::new(),
    }
}

impl GucError {
    /// The SQLSTATE a backend reports for this error.
    pub fn sqlstate(&self) -> &'static str {
        match self {
            GucError::InvalidValue { .. } | GucError::OutOfRange { .. } => {
                sqlstate::INVALID_PARAMETER_VALUE
            }
            GucError::Unrecognized { .. } => sqlstate::UNDEFINED_OBJECT,
            GucError::CannotChangeWithoutRestart { .. }
            | GucError::CannotChangeNow { .. }
            | GucError::ReadOnly { .. } => sqlstate::CANT_CHANGE_RUNTIME_PARAM,
            GucError::PermissionDenied { .. } => sqlstate::INSUFFICIENT_PRIVILEGE,
            GucError::InvalidName { .. } => sqlstate::INVALID_NAME,
            GucError::AlreadyDefined { .. } => sqlstate::DUPLICATE_OBJECT,
            GucError::InvalidDefinition { .. } => sqlstate::INTERNAL_ERROR,
            GucError::ConfigFileSyntax { .. } => sqlstate::SYNTAX_ERROR,
            GucError::ConfigFileIo { source, .. } if source.kind() == io::ErrorKind::NotFound => {
                sqlstate::UNDEFINED_FILE
            }
            GucError::ConfigFileIo { .. } => sqlstate::IO_ERROR,
            GucError::InFile { error, .. } => error.sqlstate(),
        }
    }

    /// The HINT part alone (already included in `Display`), for an ErrorResponse's `H` field.
    pub fn hint(&self) -> Option<&str> {
        match self {
            GucError::InvalidValue { hint, .. } => hint.as_deref(),
            GucError::InFile { error, .. } => error.hint(),
            _ => None,
        }
    }

    /// The error without its configuration-file location, if it has one.
    pub fn root(&self) -> &GucError {
        match self {
            GucError::InFile { error, .. } => error.root(),
            other => other,
        }
    }

    pub(crate) fn in_file(self, file: &std::path::Path, line: usize) -> GucError {
        GucError::InFile {
            file: file.to_path_buf(),
            line,
            error: Box::new(self),
        }
    }

    pub(crate) fn invalid(name: &str, value: &str, hint: Option<String>) -> GucError {
        GucError::InvalidValue {
            name: name.to_string(),
            value: value.to_string(),
            hint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_setting_value_and_reason() {
        let e = GucError::invalid("max_connections", "abc", None);
        assert_eq!(
            e.to_string(),
            r#"invalid value for parameter "max_connections": "abc""#
        );
        assert_eq!(e.sqlstate(), sqlstate::INVALID_PARAMETER_VALUE);

        let e = GucError::invalid("statement_timeout", "10x", Some("Use a unit.".into()));
        assert_eq!(
            e.to_string(),
            r#"invalid value for parameter "statement_timeout": "10x": Use a unit."#
        );
        assert_eq!(e.hint(), Some("Use a unit."));

        let e = GucError::OutOfRange {
            name: "max_connections".into(),
            value: "100000".into(),
            min: "1".into(),
            max: "10000".into(),
        };
        assert_eq!(
            e.to_string(),
            r#"100000 is outside the valid range for parameter "max_connections" (1 .. 10000)"#
        );
        assert_eq!(e.sqlstate(), sqlstate::INVALID_PARAMETER_VALUE);

        let e = GucError::Unrecognized { name: "foo".into() };
        assert_eq!(
            e.to_string(),
            r#"unrecognized configuration parameter "foo""#
        );
        assert_eq!(e.sqlstate(), sqlstate::UNDEFINED_OBJECT);

        let e = GucError::CannotChangeWithoutRestart {
            name: "port".into(),
        };
        assert_eq!(
            e.to_string(),
            r#"parameter "port" cannot be changed without restarting the server"#
        );
        assert_eq!(e.sqlstate(), sqlstate::CANT_CHANGE_RUNTIME_PARAM);
    }

    #[test]
    fn file_location_wraps_without_changing_sqlstate() {
        let e = GucError::Unrecognized { name: "foo".into() }
            .in_file(std::path::Path::new("/d/minipg.conf"), 3);
        assert_eq!(
            e.to_string(),
            r#"unrecognized configuration parameter "foo" (in file "/d/minipg.conf" line 3)"#
        );
        assert_eq!(e.sqlstate(), sqlstate::UNDEFINED_OBJECT);
        assert!(matches!(e.root(), GucError::Unrecognized { .. }));

        let e = GucError::ConfigFileIo {
            file: "/nope".into(),
            source: io::Error::from(io::ErrorKind::NotFound),
        };
        assert_eq!(e.sqlstate(), sqlstate::UNDEFINED_FILE);
    }
}
