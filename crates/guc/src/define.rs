//! Typed builders for a module's settings (what `_PG_init`'s `DefineCustom…Variable` calls
//! do), so a definition reads as what it says:
//!
//! ```
//! use guc::{GucInt, GucUnit, IntSetting};
//! static NAPTIME: GucInt = GucInt::new(1);
//! IntSetting::new("doc_example.naptime", &NAPTIME)
//!     .description("Duration between each check (in seconds).")
//!     .range(1, i64::from(i32::MAX))
//!     .unit(GucUnit::S)
//!     .reloadable()
//!     .define()
//!     .expect("defined");
//! assert_eq!(guc::show("doc_example.naptime").expect("shown"), "1s");
//! ```
//!
//! Defaults: the handle's initial value, PostgreSQL's `int` range, no unit, and the
//! postmaster-only context (changed only by a restart) unless `.reloadable()` or `.user()`.

use crate::{GucBool, GucContext, GucError, GucInt, GucString, GucUnit};

/// An integer setting being defined.
#[must_use = "a setting is defined only by .define()"]
pub struct IntSetting {
    name: &'static str,
    handle: &'static GucInt,
    description: &'static str,
    default: i64,
    min: i64,
    max: i64,
    unit: GucUnit,
    context: GucContext,
}

impl IntSetting {
    /// `name` (`prefix.name`) backed by `handle`, whose initial value is the default.
    pub fn new(name: &'static str, handle: &'static GucInt) -> Self {
        IntSetting {
            name,
            handle,
            description: "",
            default: handle.get(),
            min: i64::from(i32::MIN),
            max: i64::from(i32::MAX),
            unit: GucUnit::None,
            context: GucContext::Postmaster,
        }
    }
    /// The short description `SHOW ALL` and `pg_settings` give.
    pub fn description(mut self, d: &'static str) -> Self {
        self.description = d;
        self
    }
    /// The default (else the handle's initial value).
    pub fn default_value(mut self, v: i64) -> Self {
        self.default = v;
        self
    }
    /// The accepted range, inclusive.
    pub fn range(mut self, min: i64, max: i64) -> Self {
        self.min = min;
        self.max = max;
        self
    }
    /// The unit values are given in (`10s`, `1min` then convert).
    pub fn unit(mut self, u: GucUnit) -> Self {
        self.unit = u;
        self
    }
    /// Changed by a configuration reload (SIGHUP).
    pub fn reloadable(mut self) -> Self {
        self.context = GucContext::Sighup;
        self
    }
    /// Changed by any session with SET.
    pub fn user(mut self) -> Self {
        self.context = GucContext::User;
        self
    }
    /// Defines it.
    pub fn define(self) -> Result<(), GucError> {
        crate::define_int(
            self.name,
            self.description,
            self.handle,
            self.default,
            self.min,
            self.max,
            self.unit,
            self.context,
        )
    }
}

/// A string setting being defined.
#[must_use = "a setting is defined only by .define()"]
pub struct StringSetting {
    name: &'static str,
    handle: &'static GucString,
    description: &'static str,
    default: Option<String>,
    context: GucContext,
}

impl StringSetting {
    /// `name` backed by `handle`, whose initial value is the default.
    pub fn new(name: &'static str, handle: &'static GucString) -> Self {
        StringSetting {
            name,
            handle,
            description: "",
            default: None,
            context: GucContext::Postmaster,
        }
    }
    /// The short description.
    pub fn description(mut self, d: &'static str) -> Self {
        self.description = d;
        self
    }
    /// The default (else the handle's initial value).
    pub fn default_value(mut self, v: &str) -> Self {
        self.default = Some(v.to_owned());
        self
    }
    /// Changed by a configuration reload (SIGHUP).
    pub fn reloadable(mut self) -> Self {
        self.context = GucContext::Sighup;
        self
    }
    /// Changed by any session with SET.
    pub fn user(mut self) -> Self {
        self.context = GucContext::User;
        self
    }
    /// Defines it.
    pub fn define(self) -> Result<(), GucError> {
        let default = self.default.unwrap_or_else(|| self.handle.get());
        crate::define_string(
            self.name,
            self.description,
            self.handle,
            &default,
            self.context,
        )
    }
}

/// A Boolean setting being defined.
#[must_use = "a setting is defined only by .define()"]
pub struct BoolSetting {
    name: &'static str,
    handle: &'static GucBool,
    description: &'static str,
    default: bool,
    context: GucContext,
}

impl BoolSetting {
    /// `name` backed by `handle`, whose initial value is the default.
    pub fn new(name: &'static str, handle: &'static GucBool) -> Self {
        BoolSetting {
            name,
            handle,
            description: "",
            default: handle.get(),
            context: GucContext::Postmaster,
        }
    }
    /// The short description.
    pub fn description(mut self, d: &'static str) -> Self {
        self.description = d;
        self
    }
    /// The default (else the handle's initial value).
    pub fn default_value(mut self, v: bool) -> Self {
        self.default = v;
        self
    }
    /// Changed by a configuration reload (SIGHUP).
    pub fn reloadable(mut self) -> Self {
        self.context = GucContext::Sighup;
        self
    }
    /// Changed by any session with SET.
    pub fn user(mut self) -> Self {
        self.context = GucContext::User;
        self
    }
    /// Defines it.
    pub fn define(self) -> Result<(), GucError> {
        crate::define_bool(
            self.name,
            self.description,
            self.handle,
            self.default,
            self.context,
        )
    }
}
