//! The registry: every setting this process knows, and the placeholders for `prefix.name`
//! settings that were given a value before any module defined them.
//!
//! A [`Registry`] is plain data with no global state, so tests (and other crates' tests) can own
//! one each; the crate's free functions are a thin wrapper over one process-global registry.
//!
//! Invariants:
//! - keys are lower-case names; a name is either a defined setting or a placeholder, never both;
//! - a placeholder's prefix is never a reserved prefix (see [`Registry::mark_prefix_reserved`]);
//! - every change of a setting's layers is followed by publishing its value to its handle, and a
//!   failed call leaves the registry and every handle as they were.
//!
//! Loading at start and reloading on SIGHUP live in `startup` and `reload`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::GucError;
use crate::setting::{Definition, Kind, Setting};
use crate::value::Value;

/// When a setting may change (PostgreSQL's `GucContext`, reduced to what minipg needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GucContext {
    /// Read at server start only (environment, file, command line); a reload keeps the old value.
    Postmaster,
    /// Also re-read from the configuration file on SIGHUP.
    Sighup,
    /// Also settable per session with `SET`, by a superuser only (PostgreSQL's `PGC_SUSET`).
    Superuser,
    /// Also settable per session with `SET`.
    User,
}

impl GucContext {
    /// The name `pg_settings.context` gives it.
    pub fn name(self) -> &'static str {
        match self {
            GucContext::Postmaster => "postmaster",
            GucContext::Sighup => "sighup",
            GucContext::Superuser => "superuser",
            GucContext::User => "user",
        }
    }
}

/// Where the value in effect comes from, lowest precedence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GucSource {
    Default,
    Environment,
    ConfigFile,
    CommandLine,
    Session,
}

/// Values given for a `prefix.name` nobody has defined yet, kept as text until a `define_*`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placeholder {
    /// The name as first written.
    pub name: String,
    /// The raw value and its line number.
    pub config_file: Option<(String, usize)>,
    pub command_line: Option<String>,
    pub session: Option<String>,
}

impl Placeholder {
    pub(crate) fn current(&self) -> Option<&str> {
        self.session
            .as_deref()
            .or(self.command_line.as_deref())
            .or(self.config_file.as_ref().map(|(raw, _)| raw.as_str()))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.current().is_none()
    }
}

/// A set of settings with their values from every source.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    pub(crate) settings: BTreeMap<String, Setting>,
    pub(crate) placeholders: BTreeMap<String, Placeholder>,
    pub(crate) reserved_prefixes: BTreeSet<String>,
    /// The configuration file last loaded, for locating placeholder values in error messages.
    pub(crate) config_path: Option<PathBuf>,
}

pub(crate) fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// Whether `name` is two or more simple identifiers joined by dots.
pub(crate) fn is_valid_custom_name(name: &str) -> bool {
    let mut parts = 0;
    for part in name.split('.') {
        let mut chars = part.chars();
        let starts_well = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii());
        if !starts_well
            || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$' || !c.is_ascii())
        {
            return false;
        }
        parts += 1;
    }
    parts >= 2
}

impl Registry {
    /// An empty registry, without even the built-ins.
    pub fn new() -> Self {
        Registry::default()
    }

    /// A registry with every built-in setting at its default, publishing to handles of its own
    /// (leaked, one set per call), so that it never touches the statics in [`crate::builtin`].
    pub fn with_builtins() -> Self {
        let mut registry = Registry::new();
        crate::builtin::define_all(&mut registry, true);
        registry
    }

    /// Defines a custom setting `prefix.name` (through the builders in `define.rs`).
    pub(crate) fn define_custom(
        &mut self,
        name: &str,
        desc: &str,
        context: GucContext,
        kind: Kind,
        default: Value,
    ) -> Result<(), GucError> {
        if !is_valid_custom_name(name) {
            return Err(GucError::InvalidName {
                name: name.to_string(),
            });
        }
        self.define(Definition {
            description: desc.to_string(),
            ..Definition::new(name, context, kind, default)
        })
    }

    /// Adds a setting; a placeholder of the same name hands over its values, which must be valid.
    pub(crate) fn define(&mut self, def: Definition) -> Result<(), GucError> {
        let key = key(&def.name);
        if self.settings.contains_key(&key) {
            return Err(GucError::AlreadyDefined { name: def.name });
        }
        let mut setting = Setting::new(def)?;
        if let Some(placeholder) = self.placeholders.get(&key) {
            if let Some((raw, line)) = &placeholder.config_file {
                let value = setting.parse(raw).map_err(|e| match &self.config_path {
                    Some(path) => e.in_file(path, *line),
                    None => e,
                })?;
                setting.config_file = Some(value);
            }
            if let Some(raw) = &placeholder.command_line {
                setting.command_line = Some(setting.parse(raw)?);
            }
            if let Some(raw) = &placeholder.session {
                // Who set it is not known: a superuser-only setting refuses it.
                check_settable_in_session(&setting, false)?;
                setting.session = Some(setting.parse(raw)?);
            }
        }
        self.placeholders.remove(&key);
        setting.publish();
        self.settings.insert(key, setting);
        Ok(())
    }

    /// The placeholder key for `name`, or why `name` can be neither a setting nor a placeholder.
    pub(crate) fn placeholder_key(&self, name: &str) -> Result<String, GucError> {
        if !name.contains('.') {
            return Err(GucError::Unrecognized {
                name: name.to_string(),
            });
        }
        if !is_valid_custom_name(name) {
            return Err(GucError::InvalidName {
                name: name.to_string(),
            });
        }
        let key = key(name);
        let prefix = key.split('.').next().unwrap_or_default();
        if self.reserved_prefixes.contains(prefix) {
            return Err(GucError::Unrecognized {
                name: name.to_string(),
            });
        }
        Ok(key)
    }

    /// Declares that the module owning `prefix` has defined all its settings: placeholders under
    /// it are typos, removed with one WARNING message each (returned), and later uses of unknown
    /// `prefix.*` names are errors. PostgreSQL's `MarkGUCPrefixReserved`.
    pub fn mark_prefix_reserved(&mut self, prefix: &str) -> Vec<String> {
        let prefix = key(prefix);
        let dotted = format!("{prefix}.");
        let typos: Vec<String> = self
            .placeholders
            .keys()
            .filter(|k| k.starts_with(&dotted))
            .cloned()
            .collect();
        let mut warnings = Vec::new();
        for typo in typos {
            if let Some(placeholder) = self.placeholders.remove(&typo) {
                warnings.push(format!(
                    "invalid configuration parameter name \"{}\", removing it: \"{prefix}\" is \
                     now a reserved prefix",
                    placeholder.name
                ));
            }
        }
        self.reserved_prefixes.insert(prefix);
        warnings
    }

    /// `SET name TO value`, or `SET name TO DEFAULT` with `None`; only `User` settings, and
    /// `Superuser` ones when `superuser`. An unknown `prefix.name` (prefix not reserved)
    /// becomes a placeholder, as in PostgreSQL.
    pub fn set_session(
        &mut self,
        name: &str,
        value: Option<&str>,
        superuser: bool,
    ) -> Result<(), GucError> {
        if let Some(setting) = self.settings.get_mut(&key(name)) {
            check_settable_in_session(setting, superuser)?;
            setting.session = match value {
                Some(raw) => Some(setting.parse(raw)?),
                None => None,
            };
            setting.publish();
            return Ok(());
        }
        let key = self.placeholder_key(name)?;
        let placeholder = self
            .placeholders
            .entry(key.clone())
            .or_insert_with(|| Placeholder {
                name: name.to_string(),
                ..Placeholder::default()
            });
        placeholder.session = value.map(str::to_string);
        if placeholder.is_empty() {
            self.placeholders.remove(&key);
        }
        Ok(())
    }

    /// `RESET ALL` / the end of a session: every `SET` is forgotten.
    pub fn reset_session_all(&mut self) {
        for setting in self.settings.values_mut() {
            if setting.session.take().is_some() {
                setting.publish();
            }
        }
        for placeholder in self.placeholders.values_mut() {
            placeholder.session = None;
        }
        self.placeholders.retain(|_, p| !p.is_empty());
    }

    /// `SHOW name`: the value in effect, with its unit as PostgreSQL prints it.
    pub fn show(&self, name: &str) -> Result<String, GucError> {
        let key = key(name);
        if let Some(setting) = self.settings.get(&key) {
            return Ok(setting.show());
        }
        self.placeholders
            .get(&key)
            .and_then(|p| p.current())
            .map(str::to_string)
            .ok_or_else(|| GucError::Unrecognized {
                name: name.to_string(),
            })
    }

    /// `SHOW ALL`: `(name, setting, description)` of every defined setting, sorted by name.
    pub fn show_all(&self) -> Vec<(String, String, String)> {
        self.settings
            .values()
            .map(|s| (s.name.clone(), s.show(), s.description.clone()))
            .collect()
    }

    /// Whether a setting of this name is defined (placeholders are not).
    pub fn is_defined(&self, name: &str) -> bool {
        self.settings.contains_key(&key(name))
    }

    /// The canonical spelling of a defined setting's name ("DateStyle" for "datestyle").
    pub fn canonical_name(&self, name: &str) -> Option<String> {
        self.settings.get(&key(name)).map(|s| s.name.clone())
    }

    /// Where the value in effect of `name` comes from.
    pub fn source(&self, name: &str) -> Result<GucSource, GucError> {
        if let Some(setting) = self.settings.get(&key(name)) {
            return Ok(setting.source());
        }
        match self.placeholders.get(&key(name)) {
            Some(p) if p.session.is_some() => Ok(GucSource::Session),
            Some(p) if p.command_line.is_some() => Ok(GucSource::CommandLine),
            Some(p) if p.config_file.is_some() => Ok(GucSource::ConfigFile),
            _ => Err(GucError::Unrecognized {
                name: name.to_string(),
            }),
        }
    }

    /// `pg_settings.context` of a defined setting: `internal` for a read-only one (PostgreSQL's
    /// `PGC_INTERNAL`), else its context's name.
    pub fn context_name(&self, name: &str) -> Option<&'static str> {
        let s = self.settings.get(&key(name))?;
        Some(if s.read_only {
            "internal"
        } else {
            s.context.name()
        })
    }

    /// The context of a defined setting.
    pub fn context(&self, name: &str) -> Result<GucContext, GucError> {
        self.settings
            .get(&key(name))
            .map(|s| s.context)
            .ok_or_else(|| GucError::Unrecognized {
                name: name.to_string(),
            })
    }

    /// `(name, value)` of every setting a backend reports to its client in ParameterStatus
    /// (`server_version`, `client_encoding`, `DateStyle`, …), sorted by name.
    pub fn reported_parameters(&self) -> Vec<(String, String)> {
        self.settings
            .values()
            .filter(|s| s.report)
            .map(|s| (s.name.clone(), s.show()))
            .collect()
    }

    /// Whether a change of `name` must be reported to the client in a ParameterStatus message.
    pub fn is_reported(&self, name: &str) -> bool {
        self.settings.get(&key(name)).is_some_and(|s| s.report)
    }
}

/// Refuses a `SET` of anything but a `User` setting (or a `Superuser` one by a superuser),
/// with PostgreSQL's reason.
fn check_settable_in_session(setting: &Setting, superuser: bool) -> Result<(), GucError> {
    let name = setting.name.clone();
    if setting.read_only {
        return Err(GucError::ReadOnly { name });
    }
    match setting.context {
        GucContext::Postmaster => Err(GucError::CannotChangeWithoutRestart { name }),
        GucContext::Sighup => Err(GucError::CannotChangeNow { name }),
        GucContext::Superuser if !superuser => Err(GucError::PermissionDenied { name }),
        GucContext::Superuser | GucContext::User => Ok(()),
    }
}
