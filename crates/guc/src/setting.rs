//! One defined setting: its type, limits, context, and the layered values it takes from each
//! source.
//!
//! Invariant: every stored layer value has passed [`Setting::parse`] (type, range, check), so the
//! value in effect is always valid; and after any change of a layer, the owner calls
//! [`Setting::publish`] so the handle mirrors [`Setting::current`].

use crate::handle::{GucBool, GucInt, GucReal, GucString};
use crate::unit::{self, GucUnit};
use crate::value::{Value, parse_bool};
use crate::{GucContext, GucError, GucSource};

/// Extra validation or normalization of an already typed value; the error is the hint.
pub(crate) type CheckHook = fn(Value) -> Result<Value, String>;

/// The type of a setting, with the handle its value is published to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Bool(&'static GucBool),
    Int {
        handle: &'static GucInt,
        min: i64,
        max: i64,
        unit: GucUnit,
    },
    Real {
        handle: &'static GucReal,
        min: f64,
        max: f64,
    },
    Str(&'static GucString),
    Enum {
        handle: &'static GucString,
        allowed: &'static [&'static str],
    },
}

/// What a `define_*` call describes.
pub(crate) struct Definition {
    pub name: String,
    pub description: String,
    pub context: GucContext,
    pub kind: Kind,
    pub default: Value,
    pub check: Option<CheckHook>,
    /// Fixed at build time (`server_version`): no source may change it.
    pub read_only: bool,
    /// Sent to clients in ParameterStatus (PostgreSQL's `GUC_REPORT`).
    pub report: bool,
    /// One of minipg's own settings (listed in the sample configuration file).
    pub builtin: bool,
}

impl Definition {
    /// `name` of `kind` in `context` with `default`: no description, check or flag yet.
    pub(crate) fn new(name: &str, context: GucContext, kind: Kind, default: Value) -> Self {
        Definition {
            name: name.to_string(),
            description: String::new(),
            context,
            kind,
            default,
            check: None,
            read_only: false,
            report: false,
            builtin: false,
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Setting {
    /// Canonical spelling ("DateStyle"); the registry's key is its lower-case form.
    pub name: String,
    pub description: String,
    pub context: GucContext,
    pub kind: Kind,
    pub check: Option<CheckHook>,
    pub read_only: bool,
    pub report: bool,
    pub builtin: bool,
    pub default: Value,
    pub environment: Option<Value>,
    pub config_file: Option<Value>,
    pub command_line: Option<Value>,
    pub session: Option<Value>,
}

impl Setting {
    /// Checks the definition's own consistency and builds the setting at its default (not yet
    /// published to the handle).
    pub(crate) fn new(def: Definition) -> Result<Setting, GucError> {
        let bad = |why: String| GucError::InvalidDefinition {
            name: def.name.clone(),
            why,
        };
        match (&def.kind, &def.default) {
            (Kind::Bool(_), Value::Bool(_)) | (Kind::Str(_), Value::Str(_)) => {}
            (Kind::Int { min, max, .. }, Value::Int(default)) => {
                if min > max || !(min..=max).contains(&default) {
                    return Err(bad(format!(
                        "default {default} is not within {min} .. {max}"
                    )));
                }
            }
            (Kind::Real { min, max, .. }, Value::Real(default)) => {
                if !(min.is_finite() && max.is_finite()) || min > max {
                    return Err(bad(format!("bad range {min} .. {max}")));
                }
                if !(min..=max).contains(&default) {
                    return Err(bad(format!(
                        "default {default} is not within {min} .. {max}"
                    )));
                }
            }
            (Kind::Enum { allowed, .. }, Value::Str(default)) => {
                if !allowed.iter().any(|a| a == default) {
                    return Err(bad(format!(
                        "default \"{default}\" is not one of {}",
                        allowed.join(", ")
                    )));
                }
            }
            _ => return Err(bad("the default does not match the type".to_string())),
        }
        let default = match def.check {
            Some(check) => check(def.default).map_err(bad)?,
            None => def.default,
        };
        let setting = Setting {
            name: def.name,
            description: def.description,
            context: def.context,
            kind: def.kind,
            check: def.check,
            read_only: def.read_only,
            report: def.report,
            builtin: def.builtin,
            default,
            environment: None,
            config_file: None,
            command_line: None,
            session: None,
        };
        Ok(setting)
    }

    /// Parses and validates `raw` for this setting.
    pub(crate) fn parse(&self, raw: &str) -> Result<Value, GucError> {
        let invalid = |hint: String| GucError::invalid(&self.name, raw, Some(hint));
        let value = match self.kind {
            Kind::Bool(_) => Value::Bool(parse_bool(raw).ok_or_else(|| {
                invalid(
                    "A Boolean value is required: on, off, true, false, yes, no, 1 or 0.".into(),
                )
            })?),
            Kind::Int { min, max, unit, .. } => {
                let value = unit::parse_int(raw, unit).map_err(invalid)?;
                if !(min..=max).contains(&value) {
                    let unit_suffix = unit.name().map(|u| format!(" {u}")).unwrap_or_default();
                    return Err(GucError::OutOfRange {
                        name: self.name.clone(),
                        value: format!("{value}{unit_suffix}"),
                        min: min.to_string(),
                        max: max.to_string(),
                    });
                }
                Value::Int(value)
            }
            Kind::Real { min, max, .. } => {
                let value = unit::parse_real(raw).map_err(invalid)?;
                if !(min..=max).contains(&value) {
                    return Err(GucError::OutOfRange {
                        name: self.name.clone(),
                        value: unit::format_real(value),
                        min: unit::format_real(min),
                        max: unit::format_real(max),
                    });
                }
                Value::Real(value)
            }
            Kind::Str(_) => Value::Str(raw.to_string()),
            Kind::Enum { allowed, .. } => {
                let canonical = allowed
                    .iter()
                    .find(|a| a.eq_ignore_ascii_case(raw))
                    .ok_or_else(|| invalid(format!("Available values: {}.", allowed.join(", "))))?;
                Value::Str((*canonical).to_string())
            }
        };
        match self.check {
            Some(check) => check(value).map_err(invalid),
            None => Ok(value),
        }
    }

    /// The value without the session's `SET`: what `RESET` returns to.
    pub(crate) fn base(&self) -> &Value {
        self.base_with_file(self.config_file.as_ref())
    }

    /// What the base value would be with `file` as the configuration-file layer.
    pub(crate) fn base_with_file<'a>(&'a self, file: Option<&'a Value>) -> &'a Value {
        self.command_line
            .as_ref()
            .or(file)
            .or(self.environment.as_ref())
            .unwrap_or(&self.default)
    }

    /// The value in effect.
    pub(crate) fn current(&self) -> &Value {
        self.session.as_ref().unwrap_or_else(|| self.base())
    }

    /// Where the value in effect comes from.
    pub(crate) fn source(&self) -> GucSource {
        if self.session.is_some() {
            GucSource::Session
        } else if self.command_line.is_some() {
            GucSource::CommandLine
        } else if self.config_file.is_some() {
            GucSource::ConfigFile
        } else if self.environment.is_some() {
            GucSource::Environment
        } else {
            GucSource::Default
        }
    }

    /// The value in effect as `SHOW` prints it.
    pub(crate) fn show(&self) -> String {
        self.current().show(self.unit())
    }

    pub(crate) fn unit(&self) -> GucUnit {
        match self.kind {
            Kind::Int { unit, .. } => unit,
            _ => GucUnit::None,
        }
    }

    /// Writes the value in effect into the handle.
    pub(crate) fn publish(&self) {
        match (self.kind, self.current()) {
            (Kind::Bool(handle), Value::Bool(b)) => handle.set(*b),
            (Kind::Int { handle, .. }, Value::Int(i)) => handle.set(*i),
            (Kind::Real { handle, .. }, Value::Real(r)) => handle.set(*r),
            (Kind::Str(handle), Value::Str(s)) | (Kind::Enum { handle, .. }, Value::Str(s)) => {
                handle.set(s)
            }
            // Unreachable by the module invariant: every layer was produced by `parse` or
            // checked by `new` for this kind.
            _ => {}
        }
    }
}
